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

from ..scenario.distributions import _Distribution
from ..scenario.files import scenario_from_dict
from ..scenario.paths import get_path, set_path
from ..scenario.schema import Scenario
from .errors import AnalysisError
from .labels import leaf_meta


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data (what a TOML file holds)."""
    return scenario.model_dump(by_alias=True, exclude_none=True)


def probable_value(value: Any) -> float:
    """What an official reads as "probable": the mode of a PERT or triangular law, the
    median of other laws, or the number itself."""
    if isinstance(value, _Distribution):
        mode = getattr(value, "mode", None)
        return float(mode) if mode is not None else value.median()
    return float(value)


def check_path(scenario: Scenario, path: str) -> None:
    """Raise :class:`AnalysisError` unless ``path`` ends on a field of the scenario."""
    if leaf_meta(scenario, path) is None:
        raise AnalysisError("unknown_path", path=path)


def field_bounds(scenario: Scenario, path: str) -> tuple[float, float]:
    """The field's declared bounds (``-inf``/``inf`` where it has none)."""
    meta = leaf_meta(scenario, path)
    low = -math.inf if meta is None or meta.minimum is None else float(meta.minimum)
    high = math.inf if meta is None or meta.maximum is None else float(meta.maximum)
    return low, high


def is_integer_field(scenario: Scenario, path: str) -> bool:
    value = get_path(scenario, path)
    return isinstance(value, int) and not isinstance(value, bool)


def _moved(value: dict[str, Any], old_central: float, new_central: float, low: float,
           high: float) -> Any:
    """A distribution table moved so its probable value becomes ``new_central``."""
    def move(number: float) -> float:
        moved = number * new_central / old_central if old_central else number + new_central
        return min(max(moved, low), high)

    moved = dict(value)
    for key in ("min", "mode", "max", "p5", "p95", "lower", "upper"):
        if moved.get(key) is not None:
            moved[key] = move(float(moved[key]))
    if "mean" in moved:
        moved["mean"] = move(float(moved["mean"]))
        if old_central:
            moved["sd"] = abs(float(moved["sd"]) * new_central / old_central) or moved["sd"]
    if "values" in moved:
        moved["values"] = [move(float(v)) for v in moved["values"]]
    if moved.get("dist") in ("pert", "triangular", "uniform") and moved["min"] >= moved["max"]:
        return new_central  # the range collapsed against a bound: a number
    if moved.get("dist") == "lognormal" and not 0 < moved["p5"] < moved["p95"]:
        return new_central
    return moved


def _prune_correlations(data: dict[str, Any]) -> None:
    """A correlation needs two uncertain inputs: drop those whose input was made fixed."""
    if data.get("correlations"):
        data["correlations"] = [
            c for c in data["correlations"]
            if all(isinstance(get_path(data, c[end]), dict) for end in ("a", "b"))]


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
        current = get_path(scenario, path)
        new: Any
        if isinstance(value, bool) or isinstance(value, str | dict | list):
            new = copy.deepcopy(value)
        elif isinstance(current, _Distribution) and keep_uncertainty:
            low, high = field_bounds(scenario, path)
            new = _moved(current.model_dump(by_alias=True, exclude_none=True)
                         | {"dist": current.dist},  # type: ignore[attr-defined]
                         probable_value(current), float(value), low, high)
        elif is_integer_field(scenario, path) and float(value).is_integer():
            new = int(value)
        else:
            new = float(value)
        set_path(data, path, new)
    _prune_correlations(data)
    return scenario_from_dict(data, source)


def describe_changes(changes: Mapping[str, Any]) -> str:
    """``prices.day_pass_eur=12, site.flex_desks=8`` (for tables and messages)."""
    return ", ".join(f"{path}={value}" for path, value in changes.items())
