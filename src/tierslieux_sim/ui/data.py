"""Scenario data as the dashboard edits it: a plain nested dict (as in a TOML file), read and
written by dotted path, with a compact text form for uncertain values in tables.

No Streamlit here: these helpers are unit-tested on their own.
"""

from __future__ import annotations

import copy
import tomllib
import types
import typing
from typing import Any

from pydantic import BaseModel, TypeAdapter

from ..scenario.distributions import UncertainNumber, _Distribution, central_value
from ..scenario.fields import field_meta
from ..scenario.files import scenario_from_dict

# Path helpers live with the scenario; the dashboard reaches them through this module.
from ..scenario.paths import get_path, path_parts, set_path  # noqa: F401
from ..scenario.schema import Scenario

_UNCERTAIN: TypeAdapter[Any] = TypeAdapter(UncertainNumber)


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data (what a TOML file holds, without absent optional keys)."""
    return scenario.model_dump(by_alias=True, exclude_none=True)


def prune_correlations(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Drop correlations whose inputs were made fixed in the dashboard (a correlation needs
    two uncertain inputs); return the dropped entries so the screen can say so."""
    kept, dropped = [], []
    for correlation in data.get("correlations", []):
        ends = (get_path(data, correlation.get("a", "")), get_path(data, correlation.get("b", "")))
        (kept if all(isinstance(end, dict) for end in ends) else dropped).append(correlation)
    if dropped:
        data["correlations"] = kept
    return dropped


def validated(data: dict[str, Any], source: str = "tableau de bord") -> Scenario:
    """Validate edited data; raises :class:`~tierslieux_sim.ScenarioError`."""
    return scenario_from_dict(copy.deepcopy(data), source)


# --- compact text of an uncertain value (tables) --------------------------------------------

def _number_text(value: float) -> str:
    text = f"{value:.10g}"
    return text


def uncertain_to_text(value: Any) -> str:
    """``12`` → ``"12"``; a PERT → ``"8 / 12 / 20"`` (min / probable / max); any other
    distribution → its TOML inline table, e.g. ``{ dist = "lognormal", p5 = 5, p95 = 30 }``."""
    if value is None:
        return ""
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
        if text.startswith("{"):
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

def field_kind(model: type, name: str) -> str:
    """How the dashboard edits a field: ``uncertain``, ``int``, ``float``, ``bool``, ``text``,
    ``choice``, ``float_list``, ``section`` (a nested table) or ``table`` (a list of tables)."""
    meta = field_meta(model, name)
    if meta is not None and meta.uncertain:
        return "uncertain"
    annotation = model.model_fields[name].annotation
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
    return {bool: "bool", int: "int", float: "float", str: "text"}.get(annotation, "text")


def choices(model: type, name: str) -> list[str]:
    """Allowed values of a ``Literal`` field."""
    annotation = model.model_fields[name].annotation
    return list(typing.get_args(annotation))


def item_model(model: type, name: str) -> type:
    """The model of the items of a list field, or of a nested section."""
    annotation = model.model_fields[name].annotation
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0]
    return annotation


def probable_value(value: Any) -> float:
    """The value an official reads as "probable": the mode of a PERT or triangular law, the
    median of other laws, or the number itself."""
    if isinstance(value, int | float):
        return float(value)
    if value.get("dist") in ("pert", "triangular"):
        return float(value["mode"])
    return central_value(_UNCERTAIN.validate_python(value))


def with_central_value(value: Any, new_central: float, minimum: float | None = None,
                       maximum: float | None = None) -> Any:
    """Move an uncertain value so its probable value becomes ``new_central``.

    A number is replaced; a distribution is scaled by ``new / old`` probable value (its
    relative spread is kept), or shifted when the old central value is 0; its bounds are
    clipped to the field's ``[minimum, maximum]``.
    """
    if isinstance(value, int | float) or not isinstance(value, dict):
        return new_central
    old_central = probable_value(value)
    low = -float("inf") if minimum is None else minimum
    high = float("inf") if maximum is None else maximum

    def move(number: float) -> float:
        moved = number * new_central / old_central if old_central else number + new_central
        return min(max(moved, low), high)

    moved = dict(value)
    for key in ("min", "mode", "max", "p5", "p95", "lower", "upper"):
        if key in moved and moved[key] is not None:
            moved[key] = move(float(moved[key]))
    if "mean" in moved:
        moved["mean"] = move(float(moved["mean"]))
        if old_central:
            moved["sd"] = abs(float(moved["sd"]) * new_central / old_central) or moved["sd"]
    if "values" in moved:
        moved["values"] = [move(float(v)) for v in moved["values"]]
    if moved.get("dist") in ("pert", "triangular", "uniform") and moved["min"] >= moved["max"]:
        return new_central  # the range collapsed against a bound: fall back to a number
    return moved
