"""Names the model gives its own lines, which user lines may not take.

Results hold revenue, costs and subsidies by line, keyed by name: the model's own lines
(day passes, rent, staff…) beside the scenario's free-form lines. A user line named like one
of the model's would merge with it or replace it and silently change the results, so such a
name is refused (compared trimmed and whatever the case: ``" Rent "`` is ``rent``), with a
message naming the key path and the reserved names. A test checks these lists against the
lines a run of the model actually produces.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import PydanticCustomError

#: Revenue lines computed by the model (model/revenue.py): desk products and services.
MODEL_REVENUE_LINES = ("day_pass", "ten_day_pack", "flex_membership", "dedicated_desk",
                       "office_seat", "meeting_rooms", "domiciliation", "event_hire")
#: Operating cost lines computed by the model (model/run.py, model/costs.py).
MODEL_COST_LINES = ("rent", "energy", "consumables", "staff")
#: Subsidy lines computed by the model (model/run.py: the support of aided contracts).
MODEL_SUBSIDY_LINES = ("aided_contracts",)

#: Which names each list of the scenario may not use (revenue lines also hold donations,
#: kept in the results beside the revenue lines).
RESERVED_NAMES: dict[str, tuple[str, ...]] = {
    "revenue_lines": MODEL_REVENUE_LINES,
    "costs.fixed_lines": MODEL_COST_LINES,
    "operating_subsidies": MODEL_SUBSIDY_LINES,
}


def reserved_key(name: str) -> str:
    """How a name is compared with the reserved ones: trimmed, case-folded."""
    return name.strip().casefold()


def check_reserved_names(scenario: Any) -> None:
    """Raise a ``tl_reserved_name`` validation error (at the item's ``name``) for the first
    user line of ``scenario`` named like one of the model's own lines of that list."""
    lists = {"revenue_lines": scenario.revenue_lines,
             "costs.fixed_lines": scenario.costs.fixed_lines,
             "operating_subsidies": scenario.operating_subsidies}
    for list_path, items in lists.items():
        reserved = RESERVED_NAMES[list_path]
        for index, item in enumerate(items):
            name = getattr(item, "name", None)
            if isinstance(name, str) and reserved_key(name) in reserved:
                raise PydanticCustomError(
                    "tl_reserved_name", "reserved name {found}: one of {reserved}",
                    {"found": repr(name), "reserved": ", ".join(reserved),
                     "at": f"{list_path}[{index}].name"})


__all__ = ["MODEL_COST_LINES", "MODEL_REVENUE_LINES", "MODEL_SUBSIDY_LINES", "RESERVED_NAMES",
           "check_reserved_names", "reserved_key"]
