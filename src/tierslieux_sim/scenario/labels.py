"""How the analyses name and show scenario inputs: the field's label (with the list item's
name), its unit, and a value in that unit, all in French or English."""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel

from tierslieux_sim.core.formatting import NBSP, format_number, format_percent
from tierslieux_sim.core.i18n import current_language, message
from tierslieux_sim.scenario.fields import FieldMeta, field_meta, unit_text
from tierslieux_sim.scenario.paths import get_path, path_parts
from tierslieux_sim.scenario.schedules import DatedStep
from tierslieux_sim.scenario.schema import Scenario

#: Key suffix of the award input of a grant or an operating subsidy (as in the engine).
AWARD_SUFFIX = ".award"
#: Units shown as a percentage.
RATE_UNITS = ("part", "taux/an", "probabilité")


def is_award_path(path: str) -> bool:
    """``operating_subsidies[1].award``: whether the subsidy (or grant) is awarded."""
    return path.endswith(AWARD_SUFFIX)


def _item_name(scenario: Scenario, path: str) -> str | None:
    """Name (or role) of the innermost list item on ``path``, if any."""
    parts = path_parts(path)
    last_index = max((i for i, part in enumerate(parts) if isinstance(part, int)), default=None)
    if last_index is None:
        return None
    item: Any = scenario
    for part in parts[: last_index + 1]:
        item = item[part] if isinstance(part, int) else getattr(item, part)
    for attribute in ("name", "role"):
        label = getattr(item, attribute, None)
        if isinstance(label, str):
            return label
    return None


def _step_of(scenario: Scenario, path: str) -> tuple[str, Any] | None:
    """``(field path, step)`` when ``path`` is a step's value (``prices.day_pass_eur[1].value``)."""
    if not path.endswith(".value") or "[" not in path:
        return None
    step_path = path.removesuffix(".value")
    step = get_path(scenario, step_path)
    if not isinstance(step, DatedStep):
        return None
    return step_path.rsplit("[", 1)[0], step


def leaf_meta(scenario: Scenario, path: str) -> FieldMeta | None:
    """The metadata of the field a path ends on (None when the path leads nowhere); for a
    step of a schedule, that of the field holding the schedule."""
    scheduled = _step_of(scenario, path)
    if scheduled is not None:
        path = scheduled[0]
    if "." not in path:
        return field_meta(Scenario, path) if path in Scenario.model_fields else None
    parent_path, name = path.rsplit(".", 1)
    parent = get_path(scenario, parent_path)
    if not isinstance(parent, BaseModel) or name not in type(parent).model_fields:
        return None
    return field_meta(type(parent), name)


def input_label(scenario: Scenario, path: str, language: str | None = None) -> str:
    """``Taux d'adoption à maturité — Télétravailleurs résidents``; ``Obtention : DETR``."""
    language = language or current_language()
    if is_award_path(path):
        name = _item_name(scenario, path.removesuffix(AWARD_SUFFIX)) or path
        return message("analysis.award_input", language, name=name)
    meta = leaf_meta(scenario, path)
    label = meta.label(language) if meta else path
    scheduled = _step_of(scenario, path)
    if scheduled is not None:  # "Pass journée — à partir de 2029-01"
        field_path, step = scheduled
        label = message("analysis.schedule_step_input", language, label=label,
                        month=step.from_month)
        path = field_path
    item = _item_name(scenario, path)
    return f"{label} — {item}" if item else label


def input_unit(scenario: Scenario, path: str) -> str:
    """The unit of a path's field (``€ HT``, ``part``…); empty for awards."""
    if is_award_path(path):
        return ""
    meta = leaf_meta(scenario, path)
    return meta.unit if meta else ""


def _decimals(value: float) -> int:
    magnitude = abs(value)
    if magnitude >= 100 or magnitude == 0 or float(value).is_integer():
        return 0
    return 1 if magnitude >= 10 else 2


def format_value(value: float, unit: str, language: str | None = None) -> str:
    """A value in its unit: ``12,5 € HT``, ``3,5 %`` (rates), ``0,75 ETP``; awards read
    ``obtenue`` / ``refusée``."""
    language = language or current_language()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit in RATE_UNITS:
        return format_percent(value, 1 if 0 < abs(value) < 0.1 else 0, language)
    number = format_number(value, _decimals(value), language)
    if not unit:
        return number
    shown = unit_text(unit, language)
    return f"{number}{NBSP}{shown}" if language == "fr" else f"{number} {shown}"


def format_award(awarded: bool, language: str | None = None) -> str:
    return message("analysis.awarded" if awarded else "analysis.not_awarded", language)
