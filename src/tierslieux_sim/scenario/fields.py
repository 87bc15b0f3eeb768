"""Field metadata: every scenario field declares, in one place, its French and English label,
unit, bounds, help text and whether it may be uncertain.

The docs generator, the JSON Schema, the validation messages and (later) the dashboard
widgets all read this metadata, so they cannot drift apart.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from tierslieux_sim.core.i18n import has_message, message
from tierslieux_sim.scenario.distributions import _Distribution
from tierslieux_sim.scenario.schedules import check_steps, is_schedule


@dataclass(frozen=True)
class FieldMeta:
    """What a user-facing field says about itself."""

    label_fr: str
    label_en: str
    unit: str = ""
    help_fr: str = ""
    help_en: str = ""
    minimum: float | None = None
    maximum: float | None = None
    uncertain: bool = False

    def label(self, language: str) -> str:
        return self.label_fr if language == "fr" else self.label_en

    def help(self, language: str) -> str:
        return self.help_fr if language == "fr" else self.help_en

    def unit_in(self, language: str | None = None) -> str:
        """The unit as the reader reads it (see :func:`unit_text`)."""
        return unit_text(self.unit, language)


def unit_text(unit: str, language: str | None = None) -> str:
    """A schema unit in the reader's language: the schema writes units in French (they also
    serve as identifiers, e.g. ``part`` for a 0–1 share); the catalogue's ``unit.<unit>``
    entries translate them (``jours/mois`` → ``days/month``). Units read the same in both
    languages (``m²``, ``€``, ``kgCO2e/km``) have no entry."""
    key = f"unit.{unit}"
    return message(key, language) if unit and has_message(key) else unit


_META_KEY = "x-tierslieux"


def described(
    default: Any = ...,
    *,
    fr: str,
    en: str,
    unit: str = "",
    ge: float | None = None,
    le: float | None = None,
    help_fr: str = "",
    help_en: str = "",
    uncertain: bool = False,
    **field_kwargs: Any,
) -> Any:
    """A pydantic ``Field`` carrying its :class:`FieldMeta` (labels, unit, bounds, help)."""
    meta = FieldMeta(fr, en, unit, help_fr, help_en, ge, le, uncertain)
    extra: dict[str, Any] = {_META_KEY: meta.__dict__.copy(), "title": fr}
    if ge is not None:
        extra["minimum"] = ge
    if le is not None:
        extra["maximum"] = le
    return Field(default, description=help_en or en, json_schema_extra=extra, **field_kwargs)


def field_meta(model: type[BaseModel], name: str) -> FieldMeta | None:
    """The metadata of field ``name`` of ``model``, or None for a field without it."""
    extra = model.model_fields[name].json_schema_extra
    if not isinstance(extra, dict) or _META_KEY not in extra:
        return None
    return FieldMeta(**extra[_META_KEY])  # type: ignore[arg-type]


def _format_number(value: float) -> str:
    if math.isinf(value):
        return "+∞" if value > 0 else "−∞"
    return f"{value:g}"


#: Largest amount of money a field accepts when it declares no maximum of its own [€, €/year,
#: €/month…]: beyond it sums over draws and months could overflow to infinity (issue 13).
MAX_MONEY_EUR = 1e9
#: Largest quantity (surface, people, desks, hours, years…) a field with a unit accepts when
#: it declares no maximum of its own, for the same reason.
MAX_QUANTITY = 1e9
#: The quantile checked against the size limit for a law unbounded above (normal, lognormal).
_SIZE_QUANTILE = 1 - 1e-9


def size_limit(meta: FieldMeta) -> float | None:
    """The upper size bound of a field without a declared maximum: :data:`MAX_MONEY_EUR` for
    an amount of money (a unit with €), :data:`MAX_QUANTITY` for another quantity; ``None``
    for a field with a maximum or without a unit (choices, flags, lists, text)."""
    if meta.maximum is not None or not meta.unit:
        return None
    return MAX_MONEY_EUR if "€" in meta.unit else MAX_QUANTITY


def check_size(value: Any, meta: FieldMeta) -> None:
    """Raise a ``tl_too_large`` error when a number, or the largest draw of a distribution,
    is above the field's :func:`size_limit` (or is not finite)."""
    limit = size_limit(meta)
    if limit is None:
        return
    if isinstance(value, _Distribution):
        high = value.support()[1]
        if not math.isfinite(high):
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # overflow: inf, refused
                high = value.quantile(_SIZE_QUANTILE)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        high = value
    elif isinstance(value, list):
        for item in value:
            check_size(item, meta)
        return
    else:
        return
    if not high <= limit:  # also NaN
        raise PydanticCustomError("tl_too_large", "must be at most {le}, got {found}",
                                  {"le": f"{limit:,.0f}".replace(",", " "), "found": _format_number(high)})


def check_bounds(value: Any, meta: FieldMeta) -> None:
    """Raise a ``tl_bound`` error when a number or a distribution's range leaves the bounds
    (and ``tl_too_large`` above the size limit of a field without a maximum)."""
    check_size(value, meta)
    low = -math.inf if meta.minimum is None else meta.minimum
    high = math.inf if meta.maximum is None else meta.maximum
    if isinstance(value, _Distribution):
        draw_low, draw_high = value.support()
        if draw_low < low or draw_high > high:
            raise PydanticCustomError(
                "tl_bound_dist",
                "distribution draws range over [{draw_low}, {draw_high}], must stay in [{low}, {high}]",
                {"low": _format_number(low), "high": _format_number(high),
                 "draw_low": _format_number(draw_low), "draw_high": _format_number(draw_high)},
            )
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not low <= value <= high and math.isinf(high):
            raise PydanticCustomError(
                "greater_than_equal", "must be ≥ {ge}, got {found}",
                {"ge": _format_number(low), "found": _format_number(value)},
            )
        if not low <= value <= high and math.isinf(low):
            raise PydanticCustomError(
                "less_than_equal", "must be ≤ {le}, got {found}",
                {"le": _format_number(high), "found": _format_number(value)},
            )
        if not low <= value <= high:
            raise PydanticCustomError(
                "tl_bound", "must be in [{low}, {high}], got {found}",
                {"low": _format_number(low), "high": _format_number(high),
                 "found": _format_number(value)},
            )
    elif isinstance(value, list):
        for item in value:
            check_bounds(item, meta)


def _is_scheduled_field(model: type[BaseModel], name: str | None) -> bool:
    """Whether a field may hold dated steps (its annotation names a schedule type)."""
    if not name:
        return False
    annotation = str(model.model_fields[name].annotation)
    return "Step" in annotation


class Section(BaseModel):
    """Base of every scenario table: frozen, strict, unknown keys rejected, bounds checked."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _within_declared_bounds(cls, value: Any, info: ValidationInfo) -> Any:
        meta = field_meta(cls, info.field_name) if info.field_name else None
        if is_schedule(value) or (isinstance(value, list) and not value
                                  and _is_scheduled_field(cls, info.field_name)):
            check_steps(value)  # dated steps in date order
            if meta is not None:
                for step in value:
                    check_bounds(step.value, meta)
            return value
        if meta is not None and value is not None:
            check_bounds(value, meta)
        return value


def require_unique_names(items: list[Any], field: str, attribute: str = "name") -> None:
    """Names of list items (segments, lines…) must be unique: they label results.

    ``field`` is the list's key in the validated model; the error points at the duplicate,
    e.g. ``demand.segments[1].name`` (see ``at`` in :func:`.errors.problems_from_validation_error`).
    """
    seen: set[str] = set()
    for index, item in enumerate(items):
        name = getattr(item, attribute)
        if name in seen:
            raise PydanticCustomError("tl_unique", "duplicate name {name!r}",
                                      {"name": name, "at": f"{field}[{index}].{attribute}"})
        seen.add(name)
