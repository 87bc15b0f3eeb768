"""Scenario data as the dashboard edits it: a plain nested dict (as in a TOML file), read and
written by dotted path, with a compact text form for uncertain values in tables.

No Streamlit here: these helpers are unit-tested on their own.
"""

from __future__ import annotations

import copy
import math
import tomllib
import types
import typing
from typing import Any

from pydantic import BaseModel

from tierslieux_sim.scenario.distributions import _Distribution
from tierslieux_sim.scenario.edits import (  # noqa: F401
    probable_value,
    prune_correlations,
    scenario_data,
    with_probable_value,  # noqa: F401
)
from tierslieux_sim.scenario.errors import Problem, ScenarioError
from tierslieux_sim.scenario.fields import field_meta
from tierslieux_sim.scenario.files import scenario_from_dict

# Path helpers live with the scenario; the dashboard reaches them through this module.
from tierslieux_sim.scenario.paths import get_path, path_parts, set_path  # noqa: F401
from tierslieux_sim.scenario.schema import Scenario


def validated(data: dict[str, Any], source: str = "tableau de bord") -> Scenario:
    """Validate edited data; raises :class:`~tierslieux_sim.ScenarioError`."""
    return scenario_from_dict(copy.deepcopy(data), source)


def list_problems(data: dict[str, Any], path: str, rows: list[dict[str, Any]]) -> list[Problem]:
    """What the loader says about the list at ``path`` if its items became ``rows`` (the
    rest of the scenario as it is); problems elsewhere in the scenario are not counted."""
    candidate = copy.deepcopy(data)
    set_path(candidate, path, rows)
    try:
        scenario_from_dict(candidate, "tableau de bord")
    except ScenarioError as error:
        return [problem for problem in error.problems
                if problem.path == path or problem.path.startswith((f"{path}[", f"{path}."))]
    return []


# --- values written by the dashboard: rounded to the field's precision ------------------------

SIGNIFICANT_DIGITS = 4
_DISTRIBUTION_NUMBERS = ("min", "mode", "max", "p5", "p95", "lower", "upper", "mean", "sd")


def round_number(number: float, step: float | None = None,
                 significant: int = SIGNIFICANT_DIGITS) -> float:
    """``number`` rounded to the precision of the field as the dashboard edits it: the
    decimals of ``step`` (a slider's step) or ``significant`` significant digits, whichever
    is finer; the integer part is never rounded. Clears float noise from scaled ranges:
    ``24.999999999999993`` → ``25.0``, ``0.028000000000000004`` → ``0.028``."""
    number = float(number)
    if number == 0 or not math.isfinite(number):
        return number
    step_decimals = 0 if not step or step >= 1 else math.ceil(-math.log10(step) - 1e-9)
    significant_decimals = significant - 1 - math.floor(math.log10(abs(number)))
    return round(number, max(step_decimals, significant_decimals, 0))


def rounded_value(value: Any, step: float | None = None) -> Any:
    """A number, or a distribution's data table, with every number rounded by
    :func:`round_number` (whole numbers and texts are left as they are)."""
    if isinstance(value, bool) or isinstance(value, int):
        return value
    if isinstance(value, float):
        return round_number(value, step)
    if isinstance(value, dict):
        rounded = dict(value)
        for key in _DISTRIBUTION_NUMBERS:
            if isinstance(rounded.get(key), float):
                rounded[key] = round_number(rounded[key], step)
        if isinstance(rounded.get("values"), list):
            rounded["values"] = [rounded_value(v, step) for v in rounded["values"]]
        return rounded
    return value


# --- compact text of an uncertain value (tables) --------------------------------------------

def _number_text(value: float) -> str:
    text = f"{value:.10g}"
    return text


def is_schedule_data(value: Any) -> bool:
    """Whether a value of the scenario's data is a schedule (a list of dated steps)."""
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict) \
        and "from" in value[0]


def _law_toml(value: Any) -> str:
    """A number or a law as a TOML value (a law as its inline table)."""
    if isinstance(value, _Distribution):
        value = value.model_dump(by_alias=True, exclude_none=True)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_toml_scalar(item)}" for key, item in value.items()) \
            + " }"
    return _number_text(float(value))


def uncertain_to_text(value: Any) -> str:
    """``12`` → ``"12"``; a PERT → ``"8 / 12 / 20"`` (min / probable / max); any other
    distribution → its TOML inline table, e.g. ``{ dist = "lognormal", p5 = 5, p95 = 30 }``;
    a schedule → its TOML array of dated steps, as in the file."""
    if value is None:
        return ""
    if is_schedule_data(value):
        return "[" + ", ".join(f'{{ from = "{step["from"]}", value = {_law_toml(step["value"])} }}'
                               for step in value) + "]"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_text(float(value))
    if isinstance(value, _Distribution):
        value = value.model_dump(by_alias=True, exclude_none=True)
    if value.get("dist") == "pert" and value.get("shape", 4.0) == 4.0:
        return " / ".join(_number_text(float(value[key])) for key in ("min", "mode", "max"))
    items = ", ".join(f"{key} = {_toml_scalar(item)}" for key, item in value.items())
    return "{ " + items + " }"


def _toml_scalar(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_scalar(v) for v in value) + "]"
    return _number_text(float(value))


def _parse_number(text: str) -> float:
    cleaned = text.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    return float(cleaned.replace(",", "."))


class CellError(ValueError):
    """A table cell that is neither a number, nor ``min / probable / max``, nor a distribution."""


def text_to_uncertain(text: str) -> Any:
    """Inverse of :func:`uncertain_to_text`; raises :class:`CellError` when unreadable.

    Accepts French decimals (``12,5``) and spaces between thousands.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        if text.startswith(("{", "[")):  # a law, or a schedule of dated steps
            return tomllib.loads(f"value = {text}")["value"]
        parts = [part for part in text.split("/")]
        if len(parts) == 3:
            low, mode, high = (_parse_number(part) for part in parts)
            return {"dist": "pert", "min": low, "mode": mode, "max": high}
        if len(parts) == 1:
            number = _parse_number(text)
            return int(number) if number.is_integer() and "." not in text and "," not in text \
                else number
    except (ValueError, tomllib.TOMLDecodeError):
        pass
    raise CellError(text)


# --- kinds of fields, for generated widgets --------------------------------------------------

def field_kind(model: type[BaseModel], name: str) -> str:
    """How the dashboard edits a field: ``uncertain``, ``int``, ``float``, ``bool``, ``text``,
    ``choice``, ``float_list``, ``section`` (a nested table) or ``table`` (a list of tables)."""
    meta = field_meta(model, name)
    if meta is not None and meta.uncertain:
        return "uncertain"
    annotation = model.model_fields[name].annotation
    if "CountStep" in str(annotation):  # a count that may grow in stages: an int to edit
        return "int"
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and args:
        annotation = args[0]
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "choice"
    if origin is list:
        inner = typing.get_args(annotation)[0]
        return "table" if isinstance(inner, type) and issubclass(inner, BaseModel) else "float_list"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section"
    kinds: dict[Any, str] = {bool: "bool", int: "int", float: "float", str: "text"}
    return kinds.get(annotation, "text")


def choices(model: type[BaseModel], name: str) -> list[str]:
    """Allowed values of a ``Literal`` field."""
    annotation = model.model_fields[name].annotation
    return list(typing.get_args(annotation))


def item_model(model: type[BaseModel], name: str) -> type[BaseModel]:
    """The model of the items of a list field, or of a nested section."""
    annotation = model.model_fields[name].annotation
    if typing.get_origin(annotation) is list:
        annotation = typing.get_args(annotation)[0]
    assert isinstance(annotation, type) and issubclass(annotation, BaseModel), annotation
    return annotation




#: The inputs officials move most, shown at the top of the results page (when present).
LEVER_PATHS = (
    "prices.day_pass_eur",
    "prices.flex_membership_eur_per_month",
    "prices.dedicated_desk_eur_per_month",
    "site.flex_desks",
    "site.dedicated_desks",
    "staff[0].fte",
    "costs.rent_eur_per_m2_per_year",
    "costs.premises_lent_free",
    "operating_subsidies[0].amount_eur_per_year",
    "demand.segments[0].pool_people",
    "demand.segments[0].months_to_maturity",
)
