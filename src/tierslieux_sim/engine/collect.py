"""Step 3 of the pipeline, *collect*: chunks of evaluated draws gathered into a
:class:`~.results.Results` (per-draw arrays, or running sums in summary mode).

Which variables are kept per draw: with ``keep="full"`` every variable (all of
:data:`~.results.MONTHLY_VARIABLES` and :data:`~.results.LINE_VARIABLES`) but
:data:`~.results.MEAN_ONLY_VARIABLES`, or only those named by ``variables`` (e.g. the
dashboard's ``("cash_eur", "occupancy_rate")``); every other variable is kept as a running
sum over draws, i.e. its monthly mean. With ``keep="summary"`` every variable is a running
sum. A running sum of a line variable is taken line by line, without building its
``(draws, months, lines)`` block: the same additions in the same order, so the same bits as
summing that block, at a fraction of its cost (it was half of a 2,000-draw run).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
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

#: Every variable a run can keep per draw and month.
RESULT_VARIABLES = (*MONTHLY_VARIABLES, *LINE_VARIABLES)


def check_variables(variables: Collection[str] | None) -> frozenset[str] | None:
    """``variables`` as a set, each checked to be a result variable (``ValueError``
    otherwise); ``None`` (every variable) stays ``None``."""
    if variables is None:
        return None
    if isinstance(variables, str):
        raise ValueError(f"keep_variables must be a collection of names, got {variables!r}")
    unknown = sorted(set(variables) - set(RESULT_VARIABLES))
    if unknown:
        raise ValueError(f"unknown result variables {unknown}; known: {list(RESULT_VARIABLES)}")
    return frozenset(variables)


def _scalar_sources(accounts: MonthlyAccounts) -> Iterator[tuple[str, Any]]:
    """(name, value) of every variable without lines, in :data:`MONTHLY_VARIABLES` order; a
    value is anything that broadcasts to ``(draws, months)``."""
    occupancy = accounts.occupancy
    sources: dict[str, Any] = {
        "users": lambda: sum(occupancy.users_by_segment.values()),
        "served_user_days": lambda: occupancy.served_user_days,
        "turned_away_user_days": lambda: occupancy.turned_away_user_days,
        "occupancy_rate": lambda: occupancy.occupancy_rate,
        "flex_occupancy_rate": lambda: occupancy.flex_occupancy_rate,
        "public_money_eur": lambda: accounts.public_money_eur,
        "km_avoided": lambda: accounts.territory.km_avoided,
        "co2_avoided_tco2e": lambda: accounts.territory.co2_avoided_tco2e,
        "hours_saved": lambda: accounts.territory.hours_saved,
        "local_spending_eur": lambda: accounts.territory.local_spending_eur,
        "collectivity_net_cost_eur": lambda: accounts.collectivity.net_cost_eur,
    }
    for name in MONTHLY_VARIABLES:
        yield name, sources[name]() if name in sources else getattr(accounts, name)


def _line_sources(accounts: MonthlyAccounts) -> dict[str, dict[str, Any]]:
    """Line name → value of every variable with lines, in :data:`LINE_VARIABLES` order."""
    return {"users_by_segment": accounts.occupancy.users_by_segment,
            "collectivity_budget_eur": accounts.collectivity.lines,
            **{name: getattr(accounts, name) for name in LINE_VARIABLES
               if name not in ("users_by_segment", "collectivity_budget_eur")}}


def _scalar_array(value: Any, shape: tuple[int, int]) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), shape)


def _stacked(lines: dict[str, Any], shape: tuple[int, int]) -> np.ndarray:
    """The lines as one ``(draws, months, lines)`` array. Filled line by line in a contiguous
    (line, draw, month) block, exposed as a (draw, month, line) view: strided writes into the
    last axis are several times slower."""
    stacked = np.empty((len(lines), *shape))
    for row, line in enumerate(lines.values()):
        stacked[row] = line
    return stacked.transpose(1, 2, 0)


def _line_sums(lines: dict[str, Any], shape: tuple[int, int]) -> np.ndarray:
    """Sum over draws of each line, ``(months, lines)``: bit for bit ``_stacked(lines,
    shape).sum(axis=0)``, without the block (each line is summed as the contiguous
    ``(draws, months)`` slab it would have been in it)."""
    sums = np.empty((len(lines), shape[1]))
    for row, line in enumerate(lines.values()):
        sums[row] = np.ascontiguousarray(_scalar_array(line, shape)).sum(axis=0)
    return sums.T


def monthly_arrays(accounts: MonthlyAccounts, shape: tuple[int, int]
                    ) -> dict[str, tuple[np.ndarray, list[str]]]:
    """Every result variable as a ``(draws, months[, lines])`` array and its line names."""
    arrays: dict[str, tuple[np.ndarray, list[str]]] = {
        name: (_scalar_array(value, shape), []) for name, value in _scalar_sources(accounts)}
    for name, lines in _line_sources(accounts).items():
        arrays[name] = (_stacked(lines, shape), list(lines))
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

    ``variables`` (with ``keep="full"``): the variables kept per draw, each as a
    ``(draws, months[, lines])`` float64 array in :attr:`arrays`; ``None`` keeps every one
    but :data:`MEAN_ONLY_VARIABLES`. The others are summed over draws by month
    (:attr:`mean_only_sums`, ``(months[, lines])``; :attr:`monthly_sums` in summary mode).

    :meth:`grow` makes room for more draws, so a run can be extended (automatic number of
    draws) without evaluating its first draws again."""

    def __init__(self, scenario: Scenario, draws: int, keep: str = "full",
                 variables: Collection[str] | None = None):
        self.draws, self.keep = draws, keep
        self.variables = check_variables(variables)
        self.n_months = scenario.horizon_months
        self.arrays: dict[str, np.ndarray] = {}
        self.line_names: dict[str, list[str]] = {}
        self.monthly_sums: dict[str, np.ndarray] = {}
        self.mean_only_sums: dict[str, np.ndarray] = {}
        self.indicators: dict[str, np.ndarray] = {}

    def per_draw(self, name: str) -> bool:
        """Whether ``name`` is kept per draw (else as its sum over draws)."""
        if self.keep != "full":
            return False
        if self.variables is not None:
            return name in self.variables
        return not (name in MEAN_ONLY_VARIABLES and self.draws > 1)

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

    def _keep(self, name: str, array: np.ndarray, start: int, stop: int) -> None:
        if start == 0 and stop == self.draws:
            self.arrays[name] = array  # one chunk: keep it (broadcast views stay views)
        else:
            if name not in self.arrays:
                self.arrays[name] = _empty_like_layout(array, self.draws)
            self.arrays[name][start:stop] = array

    def _add_sum(self, name: str, total: np.ndarray) -> None:
        sums = self.mean_only_sums if self.keep == "full" else self.monthly_sums
        sums[name] = sums.get(name, 0.0) + total

    def add(self, start: int, stop: int, accounts: MonthlyAccounts,
            indicators: dict[str, np.ndarray]) -> None:
        shape = (stop - start, self.n_months)
        for name, value in _scalar_sources(accounts):
            self.line_names[name] = []
            array = _scalar_array(value, shape)
            if self.per_draw(name):
                self._keep(name, array, start, stop)
            else:
                self._add_sum(name, array.sum(axis=0))
        for name, lines in _line_sources(accounts).items():
            self.line_names[name] = list(lines)
            if self.per_draw(name):
                self._keep(name, _stacked(lines, shape), start, stop)
            else:
                self._add_sum(name, _line_sums(lines, shape))
        for name, values in indicators.items():
            if name not in self.indicators:
                self.indicators[name] = np.empty(self.draws)
            self.indicators[name][start:stop] = values


def _coordinates(scenario: Scenario) -> dict[str, Any]:
    n_months = scenario.horizon_months
    months = pd.date_range(scenario.simulation.opening_month + "-01", periods=n_months, freq="MS")
    return {"month": months, "year": ("month", np.arange(n_months) // 12 + 1)}


def _dataset(arrays: dict[str, np.ndarray], line_names: dict[str, list[str]],
             coordinates: dict[str, Any], draws: int | None) -> xr.Dataset:
    """The arrays as a dataset by ``draw`` (when ``draws`` is given) and month."""
    with_draw = draws is not None
    variables = {}
    coords = dict(coordinates)
    for name, array in arrays.items():
        dims = (["draw"] if with_draw else []) + ["month"]
        if name in LINE_VARIABLES:
            dims.append(LINE_VARIABLES[name])
            coords[LINE_VARIABLES[name]] = line_names[name]
        variables[name] = (dims, array)
    if draws is not None:
        coords["draw"] = np.arange(draws)
    return xr.Dataset(variables, coords=coords)


def collect(scenario: Scenario, collector: ResultsCollector, central: ResultsCollector, *,
        seed: int, sampling: str, keep: str, notices: list[Notice]) -> Results:
    """Step 3 of the pipeline, *collect*: the :class:`Results` of a run from its collectors
    (the draws and the central case), with the funding rules checked."""
    coordinates = _coordinates(scenario)
    central_dataset = _dataset({k: v[0] for k, v in central.arrays.items()},
                               central.line_names, coordinates, None)
    indicators = pd.DataFrame(collector.indicators)
    indicators.index.name = "draw"
    dataset = monthly_mean = mean_only = None
    if keep == "full":
        dataset = _dataset(collector.arrays, collector.line_names, coordinates,
                           collector.draws)
        if collector.mean_only_sums:
            means = {name: total / collector.draws
                     for name, total in collector.mean_only_sums.items()}
            mean_only = _dataset(means, collector.line_names, coordinates, None)
    else:
        means = {name: total / collector.draws for name, total in collector.monthly_sums.items()}
        monthly_mean = _dataset(means, collector.line_names, coordinates, None)
    central_indicators = pd.Series({k: v[0] for k, v in central.indicators.items()})
    checks = check_rules(indicators, central_indicators)
    return Results(scenario, seed, collector.draws, sampling, keep, central_dataset, indicators,
               central_indicators, [*notices, *rule_notices(checks)], dataset, monthly_mean,
               rule_checks=checks, _mean_only=mean_only,
               kept_variables=(None if keep != "full" or collector.variables is None
                               else tuple(name for name in RESULT_VARIABLES
                                          if name in collector.variables)))

