"""Step 3 of the pipeline, *collect*: chunks of evaluated draws gathered into a
:class:`~.results.Results` (per-draw arrays, or running sums in summary mode)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from tierslieux_sim.core.notices import Notice
from tierslieux_sim.engine.results import (
    LINE_VARIABLES,
    MEAN_ONLY_VARIABLES,
    MONTHLY_VARIABLES,
    Results,
)
from tierslieux_sim.engine.rules import check_rules, rule_notices
from tierslieux_sim.model import MonthlyAccounts
from tierslieux_sim.scenario.schema import Scenario


def monthly_arrays(accounts: MonthlyAccounts, shape: tuple[int, int]
                    ) -> dict[str, tuple[np.ndarray, list[str]]]:
    """Every result variable as a ``(draws, months[, lines])`` array and its line names."""
    occupancy = accounts.occupancy
    sources: dict[str, Any] = {
        "users": sum(occupancy.users_by_segment.values()),
        "served_user_days": occupancy.served_user_days,
        "turned_away_user_days": occupancy.turned_away_user_days,
        "occupancy_rate": occupancy.occupancy_rate,
        "flex_occupancy_rate": occupancy.flex_occupancy_rate,
        "public_money_eur": accounts.public_money_eur,
        "km_avoided": accounts.territory.km_avoided,
        "co2_avoided_tco2e": accounts.territory.co2_avoided_tco2e,
        "hours_saved": accounts.territory.hours_saved,
        "local_spending_eur": accounts.territory.local_spending_eur,
        "collectivity_net_cost_eur": accounts.collectivity.net_cost_eur,
    }
    arrays: dict[str, tuple[np.ndarray, list[str]]] = {}
    for name in MONTHLY_VARIABLES:
        value = sources[name] if name in sources else getattr(accounts, name)
        arrays[name] = (np.broadcast_to(np.asarray(value, dtype=float), shape), [])
    lines_by_variable = {"users_by_segment": occupancy.users_by_segment,
                         "collectivity_budget_eur": accounts.collectivity.lines,
                         **{name: getattr(accounts, name) for name in LINE_VARIABLES
                            if name not in ("users_by_segment", "collectivity_budget_eur")}}
    for name, lines in lines_by_variable.items():
        # Filled line by line in a contiguous (line, draw, month) block, exposed as a
        # (draw, month, line) view: strided writes into the last axis are several times slower.
        stacked = np.empty((len(lines), *shape))
        for row, line in enumerate(lines.values()):
            stacked[row] = line
        arrays[name] = (stacked.transpose(1, 2, 0), list(lines))
    return arrays


def _empty_like_layout(chunk: np.ndarray, draws: int) -> np.ndarray:
    """An uninitialised ``(draws, months[, lines])`` array with the chunk's memory layout:
    line variables live as contiguous ``(line, draw, month)`` blocks seen through a
    transposed view, so copying chunks into it stays a contiguous copy."""
    if chunk.ndim == 3:
        lines = chunk.shape[2]
        return np.empty((lines, draws, chunk.shape[1])).transpose(1, 2, 0)
    return np.empty((draws, *chunk.shape[1:]))


class ResultsCollector:
    """Gathers chunks of draws into preallocated arrays (or running sums in summary mode).

    :meth:`grow` makes room for more draws, so a run can be extended (automatic number of
    draws) without evaluating its first draws again."""

    def __init__(self, scenario: Scenario, draws: int, keep: str = "full"):
        self.draws, self.keep = draws, keep
        self.n_months = scenario.horizon_months
        self.arrays: dict[str, np.ndarray] = {}
        self.line_names: dict[str, list[str]] = {}
        self.monthly_sums: dict[str, np.ndarray] = {}
        self.mean_only_sums: dict[str, np.ndarray] = {}
        self.indicators: dict[str, np.ndarray] = {}

    def grow(self, draws: int) -> None:
        """Make room for ``draws`` draws in all (``draws`` ≥ the current number)."""
        if draws < self.draws:
            raise ValueError("a collector only grows")
        for name, array in list(self.arrays.items()):
            larger = _empty_like_layout(array, draws)
            larger[: self.draws] = array
            self.arrays[name] = larger
        for name, values in list(self.indicators.items()):
            self.indicators[name] = np.concatenate([values, np.empty(draws - self.draws)])
        self.draws = draws

    def add(self, start: int, stop: int, accounts: MonthlyAccounts,
            indicators: dict[str, np.ndarray]) -> None:
        arrays = monthly_arrays(accounts, (stop - start, self.n_months))
        for name, (array, lines) in arrays.items():
            self.line_names[name] = lines
            if self.keep == "full" and name in MEAN_ONLY_VARIABLES and self.draws > 1:
                self.mean_only_sums[name] = self.mean_only_sums.get(name, 0.0) + array.sum(axis=0)
            elif self.keep == "full":
                if start == 0 and stop == self.draws:
                    self.arrays[name] = array  # one chunk: keep it (broadcast views stay views)
                else:
                    if name not in self.arrays:
                        self.arrays[name] = _empty_like_layout(array, self.draws)
                    self.arrays[name][start:stop] = array
            else:
                self.monthly_sums[name] = self.monthly_sums.get(name, 0.0) + array.sum(axis=0)
        for name, values in indicators.items():
            if name not in self.indicators:
                self.indicators[name] = np.empty(self.draws)
            self.indicators[name][start:stop] = values


def _coordinates(scenario: Scenario) -> dict[str, Any]:
    n_months = scenario.horizon_months
    months = pd.date_range(scenario.simulation.opening_month + "-01", periods=n_months, freq="MS")
    return {"month": months, "year": ("month", np.arange(n_months) // 12 + 1)}


def _dataset(arrays: dict[str, np.ndarray], line_names: dict[str, list[str]],
             coordinates: dict[str, Any], with_draw: bool) -> xr.Dataset:
    variables = {}
    coords = dict(coordinates)
    for name, array in arrays.items():
        dims = (["draw"] if with_draw else []) + ["month"]
        if name in LINE_VARIABLES:
            dims.append(LINE_VARIABLES[name])
            coords[LINE_VARIABLES[name]] = line_names[name]
        variables[name] = (dims, array)
    if with_draw:
        coords["draw"] = np.arange(next(iter(arrays.values())).shape[0])
    return xr.Dataset(variables, coords=coords)



def collect(scenario: Scenario, collector: ResultsCollector, central: ResultsCollector, *,
        seed: int, sampling: str, keep: str, notices: list[Notice]) -> Results:
    """Step 3 of the pipeline, *collect*: the :class:`Results` of a run from its collectors
    (the draws and the central case), with the funding rules checked."""
    coordinates = _coordinates(scenario)
    central_dataset = _dataset({k: v[0] for k, v in central.arrays.items()},
                               central.line_names, coordinates, with_draw=False)
    indicators = pd.DataFrame(collector.indicators)
    indicators.index.name = "draw"
    dataset = monthly_mean = mean_only = None
    if keep == "full":
        dataset = _dataset(collector.arrays, collector.line_names, coordinates, with_draw=True)
        if collector.mean_only_sums:
            means = {name: total / collector.draws
                     for name, total in collector.mean_only_sums.items()}
            mean_only = _dataset(means, collector.line_names, coordinates, with_draw=False)
    else:
        means = {name: total / collector.draws for name, total in collector.monthly_sums.items()}
        monthly_mean = _dataset(means, collector.line_names, coordinates, with_draw=False)
    central_indicators = pd.Series({k: v[0] for k, v in central.indicators.items()})
    checks = check_rules(indicators, central_indicators)
    return Results(scenario, seed, collector.draws, sampling, keep, central_dataset, indicators,
               central_indicators, [*notices, *rule_notices(checks)], dataset, monthly_mean,
               rule_checks=checks, _mean_only=mean_only)

