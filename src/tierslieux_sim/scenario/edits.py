"""Edits of scenario data shared by the dashboard's levers and the analyses (sweeps, solve,
tornado): the probable value of an input, moving it while keeping its spread, and dropping
correlations whose input became a fixed number."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from tierslieux_sim.scenario.distributions import UncertainNumber, _Distribution, central_value
from tierslieux_sim.scenario.paths import get_path
from tierslieux_sim.scenario.schema import Scenario

_UNCERTAIN: TypeAdapter[Any] = TypeAdapter(UncertainNumber)


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data (what a TOML file holds, without absent optional keys)."""
    return scenario.model_dump(by_alias=True, exclude_none=True)


def distribution_data(value: Any) -> Any:
    """A distribution as its data table (numbers are returned unchanged)."""
    if isinstance(value, _Distribution):
        return {"dist": value.dist, **value.model_dump(by_alias=True, exclude_none=True)}  # type: ignore[attr-defined]
    return value


def probable_value(value: Any) -> float:
    """What an official reads as "probable": the mode of a PERT or triangular law, the
    median of other laws, or the number itself (a law as a model or as its data table)."""
    value = distribution_data(value)
    if isinstance(value, int | float):
        return float(value)
    if value.get("dist") in ("pert", "triangular"):
        return float(value["mode"])
    return central_value(_UNCERTAIN.validate_python(value))


def with_probable_value(value: Any, new_probable: float, minimum: float | None = None,
                        maximum: float | None = None) -> Any:
    """Move an uncertain value so its probable value becomes ``new_probable``.

    A number is replaced; a distribution is scaled by ``new / old`` probable value (its
    relative spread is kept), or shifted when the old probable value is 0; its parameters are
    clipped to the field's ``[minimum, maximum]``. When clipping collapses the range, the
    result is the number ``new_probable``.
    """
    value = distribution_data(value)
    if not isinstance(value, dict):
        return new_probable
    old = probable_value(value)
    low = -float("inf") if minimum is None else minimum
    high = float("inf") if maximum is None else maximum

    def move(number: float) -> float:
        moved = number * new_probable / old if old else number + new_probable
        return min(max(moved, low), high)

    moved = dict(value)
    for key in ("min", "mode", "max", "p5", "p95", "lower", "upper"):
        if moved.get(key) is not None:
            moved[key] = move(float(moved[key]))
    if "mean" in moved:
        moved["mean"] = move(float(moved["mean"]))
        if old:
            moved["sd"] = abs(float(moved["sd"]) * new_probable / old) or moved["sd"]
    if "values" in moved:
        moved["values"] = [move(float(v)) for v in moved["values"]]
    if moved.get("dist") in ("pert", "triangular", "uniform") and moved["min"] >= moved["max"]:
        return new_probable
    if moved.get("dist") == "lognormal" and not 0 < moved["p5"] < moved["p95"]:
        return new_probable
    return moved


def prune_correlations(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Drop correlations whose inputs were made fixed (a correlation needs two uncertain
    inputs); return the dropped entries so the caller can say so."""
    kept: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for correlation in data.get("correlations", []):
        ends = (get_path(data, correlation.get("a", "")), get_path(data, correlation.get("b", "")))
        (kept if all(isinstance(end, dict) for end in ends) else dropped).append(correlation)
    if dropped:
        data["correlations"] = kept
    return dropped
