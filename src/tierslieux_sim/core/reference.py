"""Reference values: dated, sourced French figures shipped as TOML in ``data/reference/``.

Each file holds tables of values; a value is a table with ``value`` (a number, or a table
of numbers by year for paths such as the carbon value), ``unit``, ``source`` (title,
publisher, date, article or table), ``as_of`` (the date the figure refers to or was
published), ``checked`` (the date it was last checked against its source), ``status``
(``"vérifié"`` or ``"non vérifié"``), optionally ``note`` (what the check found) and, for
money, ``price_year`` (the year of its euros). Rules and the
model read them through :func:`reference_value`, never as literals in code.

    >>> reference_value("de_minimis.ceiling_eur").value
    300000
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

REQUIRED_KEYS = ("value", "unit", "source", "as_of", "checked", "status")

#: A value checked longer ago than this must be checked again (tests/test_reference.py).
MAX_CHECK_AGE_YEARS = 3

#: ``status`` of a value: read in its source (or a faithful copy), or kept without being
#: confirmed (its ``note`` then says what was found).
STATUSES = ("vérifié", "non vérifié")


@dataclass(frozen=True)
class ReferenceValue:
    """One sourced figure."""

    key: str
    value: Any
    unit: str
    source: str
    as_of: date | str
    note: str = ""
    checked: date | None = None
    status: str = ""
    price_year: int | None = None

    def at_year(self, year: int) -> float:
        """For a value given by year (``{2030 = 250, 2040 = 500}``): linear interpolation,
        constant beyond the first and last years."""
        if not isinstance(self.value, dict):
            return float(self.value)
        years = sorted(int(y) for y in self.value)
        if year <= years[0]:
            return float(self.value[str(years[0])])
        if year >= years[-1]:
            return float(self.value[str(years[-1])])
        for low, high in zip(years, years[1:], strict=False):
            if low <= year <= high:
                weight = (year - low) / (high - low)
                return float((1 - weight) * self.value[str(low)] + weight * self.value[str(high)])
        raise AssertionError("unreachable")


def _leaves(table: dict[str, Any], prefix: str) -> dict[str, dict[str, Any]]:
    """Tables holding a ``value`` key, by dotted key."""
    found: dict[str, dict[str, Any]] = {}
    for name, item in table.items():
        if not isinstance(item, dict):
            continue
        key = f"{prefix}.{name}" if prefix else name
        if "value" in item:
            found[key] = item
        else:
            found.update(_leaves(item, key))
    return found


@cache
def reference_table() -> dict[str, dict[str, Any]]:
    """Every reference value of every file in ``data/reference/``, by dotted key."""
    folder = resources.files("tierslieux_sim.data").joinpath("reference")
    values: dict[str, dict[str, Any]] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            values.update(_leaves(tomllib.loads(entry.read_text("utf-8")), ""))
    return values


def reference_value(key: str) -> ReferenceValue:
    """The reference value at ``key`` (e.g. ``"fctva.rate"``); KeyError if unknown."""
    item = reference_table()[key]
    return ReferenceValue(key, item["value"], item["unit"], item["source"], item["as_of"],
                          item.get("note", ""), item.get("checked"), item.get("status", ""),
                          item.get("price_year"))
