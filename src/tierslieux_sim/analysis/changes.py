"""Variants of a scenario by dotted path: set a value, or move the probable value of an
uncertain input while keeping its spread; every variant is validated by the schema.

A number given for an uncertain input moves its *probable value* (the mode of a PERT or a
triangular law, the median of the others) as the dashboard's levers do: the law is scaled by
``new / old`` (shifted when the old value is 0) and clipped to the field's bounds, so the
official's "min / probable / max" keeps its relative width. ``keep_uncertainty=False`` (or a
distribution table as the value) replaces it instead.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

from tierslieux_sim.core.safe_text import clean, shown
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.scenario.distributions import _Distribution
from tierslieux_sim.scenario.edits import prune_correlations, scenario_data, with_probable_value
from tierslieux_sim.scenario.fields import size_limit
from tierslieux_sim.scenario.files import scenario_from_dict
from tierslieux_sim.scenario.labels import leaf_meta
from tierslieux_sim.scenario.paths import get_path, set_path
from tierslieux_sim.scenario.schedules import is_schedule
from tierslieux_sim.scenario.schema import Scenario


def check_path(scenario: Scenario, path: str) -> None:
    """Raise :class:`AnalysisError` unless ``path`` ends on a field of the scenario that
    holds one value (a schedule is varied step by step: ``prices.day_pass_eur[1].value``)."""
    if leaf_meta(scenario, path) is None:
        raise AnalysisError("unknown_path", path=path)
    if is_schedule(get_path(scenario, path)):
        raise AnalysisError("path_is_schedule", path=clean(path),
                            example=clean(f"{path}[0].value"))


def field_bounds(scenario: Scenario, path: str) -> tuple[float, float]:
    """The field's declared bounds (``-inf``/``inf`` where it has none)."""
    meta = leaf_meta(scenario, path)
    low = -math.inf if meta is None or meta.minimum is None else float(meta.minimum)
    high = math.inf if meta is None or meta.maximum is None else float(meta.maximum)
    return low, high


def check_value_in_bounds(scenario: Scenario, path: str, value: Any) -> None:
    """Raise :class:`AnalysisError` (``value_out_of_bounds``) for a number that is not
    finite or lies outside the field's bounds (its declared bounds, or the size limit of an
    amount or quantity without a maximum): a sweep, ``--set`` or a search never clips such a
    value into range, nor passes it on."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return  # text, tables: the schema's validation says what is wrong
    low, high = field_bounds(scenario, path)
    meta = leaf_meta(scenario, path)
    limit = None if meta is None else size_limit(meta)
    if limit is not None:
        high = min(high, limit)
    if not (math.isfinite(value) and low <= value <= high):
        raise AnalysisError("value_out_of_bounds", path=clean(path), low=_bound_text(low),
                            high=_bound_text(high), found=shown(value))


def _bound_text(value: float) -> str:
    if math.isinf(value):
        return "+∞" if value > 0 else "−∞"
    return f"{value:g}"


def is_integer_field(scenario: Scenario, path: str) -> bool:
    value = get_path(scenario, path)
    return isinstance(value, int) and not isinstance(value, bool)


def apply_changes(scenario: Scenario, changes: Mapping[str, Any], *,
                  keep_uncertainty: bool = True, source: str = "variante") -> Scenario:
    """A validated copy of ``scenario`` with ``changes`` (``{path: value}``) applied.

    A number on an uncertain input moves its probable value (see the module docstring)
    unless ``keep_uncertainty`` is false; a dict is a distribution table; an integral number
    on a whole-number field becomes an int. Correlations whose input became fixed are
    dropped. Raises :class:`AnalysisError` for an unknown path and
    :class:`~tierslieux_sim.ScenarioError` (with the key path) for an invalid value.
    """
    data = scenario_data(scenario)
    for path, value in changes.items():
        check_path(scenario, path)
        check_value_in_bounds(scenario, path, value)
        current = get_path(scenario, path)
        new: Any
        if isinstance(value, bool) or isinstance(value, str | dict | list):
            new = copy.deepcopy(value)
        elif isinstance(current, _Distribution) and keep_uncertainty:
            low, high = field_bounds(scenario, path)
            new = with_probable_value(current, float(value), low, high)
        elif is_integer_field(scenario, path) and float(value).is_integer():
            new = int(value)
        else:
            new = float(value)
        set_path(data, path, new)
    prune_correlations(data)
    return scenario_from_dict(data, source)


def describe_changes(changes: Mapping[str, Any]) -> str:
    """``prices.day_pass_eur=12, site.flex_desks=8`` (for tables and messages)."""
    return ", ".join(f"{path}={value}" for path, value in changes.items())
