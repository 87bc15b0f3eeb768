"""Values that change at dates (issue 14): a number, a law, or a list of dated steps.

In a scenario file a scheduled field may hold, instead of one value, steps in date order::

    day_pass_eur = [{ from = "2027-09", value = 12 }, { from = "2029-01", value = 15 }]
    annual_amount_eur = [{ from = "2029-01", value = 6000 }, { from = "2031-01", value = 0 }]
    flex_desks = [{ from = "2027-09", value = 8 }, { from = "2030-01", value = 14 }]

Each step holds from its month (``YYYY-MM``) until the next step; **before the first step the
value is 0** (a line that starts later, a second space that opens later); a last step of 0
ends a line. A step's value is a number or a law (drawn once per draw, like any uncertain
input). The model receives a scheduled value as an array by month, ``(draws or 1, months)``,
which broadcasts wherever a ``(draws, 1)`` column did (:func:`schedule_by_month`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag
from pydantic_core import PydanticCustomError

from tierslieux_sim.scenario.distributions import (
    Discrete,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    UncertainNumber,
    Uniform,
    _kind_of,
)

MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
#: Most steps a schedule may hold (a monthly schedule over a long horizon stays far below).
MAX_STEPS = 240


class DatedStep(BaseModel):
    """A step of a schedule: ``{ from = "YYYY-MM", value = … }``. (Not a scenario section:
    its value's bounds are those of the field that holds the schedule.)"""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False,
                              populate_by_name=True)

    from_month: str = Field(alias="from", pattern=MONTH_PATTERN.pattern)


class Step(DatedStep):
    """A step whose value is a number or a law."""

    value: UncertainNumber


class CountStep(DatedStep):
    """A step whose value is a whole count (desks, offices)."""

    value: int = Field(ge=0)


def _check_steps(steps: list[Any]) -> list[Any]:
    if not steps:
        raise PydanticCustomError("tl_schedule_empty", "a schedule needs at least one step", {})
    if len(steps) > MAX_STEPS:
        raise PydanticCustomError("tl_schedule_long", "at most {max} steps, got {found}",
                                  {"max": MAX_STEPS, "found": len(steps)})
    months = [step.from_month for step in steps]
    for earlier, later in zip(months, months[1:], strict=False):
        if not earlier < later:
            raise PydanticCustomError(
                "tl_schedule_order", "steps must be in date order, {later} comes after {earlier}",
                {"earlier": earlier, "later": later})
    return steps


def _scheduled_kind_of(value: Any) -> str | None:
    """Tag of a scheduled value: ``schedule`` for a list of steps, else as
    :data:`~.distributions.UncertainNumber`."""
    if isinstance(value, list | tuple):
        return "schedule"
    return _kind_of(value)


Steps = Annotated[list[Step], Field(max_length=MAX_STEPS)]

#: A numeric leaf that may change at dates: a number, a law, or a list of dated steps.
ScheduledNumber = Annotated[
    Annotated[float, Tag("number")]
    | Annotated[Pert, Tag("pert")]
    | Annotated[Triangular, Tag("triangular")]
    | Annotated[Uniform, Tag("uniform")]
    | Annotated[Normal, Tag("normal")]
    | Annotated[LogNormal, Tag("lognormal")]
    | Annotated[Discrete, Tag("discrete")]
    | Annotated[list[Step], Tag("schedule")],
    Discriminator(
        _scheduled_kind_of,
        custom_error_type="tl_scheduled",
        custom_error_message="expected a number, a distribution table or a list of dated steps",
    ),
]


def _count_kind_of(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        return "schedule"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "number"  # 8.5 is then refused as "whole number expected"
    return None


#: A whole count that may change at dates (capacity in stages): an integer or dated steps.
ScheduledCount = Annotated[
    Annotated[int, Tag("number")] | Annotated[list[CountStep], Tag("schedule")],
    Discriminator(
        _count_kind_of,
        custom_error_type="tl_scheduled_count",
        custom_error_message="expected a whole number or a list of dated steps",
    ),
]

SCHEDULE_TAGS = frozenset(("schedule",))


def is_schedule(value: Any) -> bool:
    """Whether a scenario value is a list of dated steps."""
    return isinstance(value, list) and bool(value) and isinstance(value[0], DatedStep)


def check_steps(value: Any) -> None:
    """Refuse an empty schedule or steps out of date order (``PydanticCustomError``)."""
    if isinstance(value, list) and value and isinstance(value[0], DatedStep):
        _check_steps(value)
    elif isinstance(value, list) and not value:
        _check_steps(value)


@dataclass(frozen=True)
class PlainSchedule:
    """A schedule in the model's plain parameters: step months and values (each a float or
    a ``(draws, 1)`` column of draws)."""

    from_months: tuple[str, ...]
    values: tuple[Any, ...]


def month_number(month: str) -> int:
    """``"2027-09"`` → months since year 0 (to compare and subtract months)."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def schedule_by_month(schedule: PlainSchedule, opening_month: str, n_months: int) -> np.ndarray:
    """The value of each simulated month, ``(draws or 1, months)``: the step in force
    (0 before the first)."""
    first = month_number(opening_month)
    month = np.arange(n_months) + first
    result: np.ndarray = np.zeros((1, n_months))
    for from_month, value in zip(schedule.from_months, schedule.values, strict=True):
        in_force = (month >= month_number(from_month))[None, :]
        column = np.asarray(value, dtype=float).reshape(-1, 1)
        result = np.where(in_force, column, result)
    return result


def resolve_schedules(node: Any, opening_month: str, n_months: int) -> Any:
    """The plain parameter tree with every :class:`PlainSchedule` replaced by its array by
    month (:func:`schedule_by_month`)."""
    if isinstance(node, PlainSchedule):
        return schedule_by_month(node, opening_month, n_months)
    if isinstance(node, dict):
        return {key: resolve_schedules(value, opening_month, n_months)
                for key, value in node.items()}
    if isinstance(node, list):
        return [resolve_schedules(item, opening_month, n_months) for item in node]
    return node


def schedule_first_value(value: Any) -> Any:
    """The value of a field at its first step (a schedule) or the value itself: what a
    single-valued reading (a card's wording, a lever's position) shows."""
    if is_schedule(value):
        return value[0].value
    return value
