"""A run whose outputs are not finite is an error, not a result.

Field bounds (``MAX_MONEY_EUR``, ``MAX_QUANTITY`` in :mod:`.scenario.fields`) keep every
input small enough for the model's sums to stay finite; this is the last guard, checked on
the outputs themselves: a NaN or an infinity in a monthly variable or a per-draw indicator
raises :class:`ResultsNotFinite` (a :class:`~.scenario.errors.ScenarioError`: the command
line prints it and exits with code 2, the dashboard shows it) naming the variables.

Indicators that are infinite or undefined by definition are allowed: the autonomy months
(``inf``/NaN: autonomy never reached within the horizon) and ratios whose denominator can be
zero (public money per user-year with no user, the self-financing ratio of a year without
costs, the DETR + DSIL share of an eligible cost of zero…): their numerator and denominator
are amounts or quantities, which are checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from tierslieux_sim.engine.collect import monthly_arrays
from tierslieux_sim.engine.results import LINE_VARIABLES
from tierslieux_sim.scenario.errors import Problem, ScenarioError

#: Per-draw indicators that may be infinite or NaN by definition (see the module docstring).
MAY_BE_NON_FINITE = ("autonomy_month", "full_cost_autonomy_month")
#: Parts of the names of ratio indicators (undefined when their denominator is zero).
RATIO_MARKS = ("_ratio", "_share", "_per_")


def may_be_non_finite(name: str) -> bool:
    """Whether the indicator ``name`` may be infinite or NaN by definition."""
    name = name.removeprefix("central.")
    return name in MAY_BE_NON_FINITE or any(mark in name for mark in RATIO_MARKS)
#: Variables named in the message (the rest is counted).
NAMED_VARIABLES = 6


class ResultsNotFinite(ScenarioError):
    """The run produced NaN or infinite values; ``variables`` lists where."""

    def __init__(self, variables: list[str], source: str = "simulation"):
        self.variables = variables
        shown = ", ".join(variables[:NAMED_VARIABLES])
        if len(variables) > NAMED_VARIABLES:
            shown += f" (+{len(variables) - NAMED_VARIABLES})"
        super().__init__(source, [Problem("", "non_finite_results", {"variables": shown})])


def _compact(values: np.ndarray) -> np.ndarray:
    """A broadcast view without its repeated axes (stride 0): the values it really holds."""
    if values.ndim and 0 in values.strides:
        index = tuple(slice(0, 1) if stride == 0 else slice(None) for stride in values.strides)
        return values[index]
    return values


def _finite(array: Any) -> bool:
    values = _compact(np.asarray(array, dtype=float))
    # A sum is finite only if every value is (a NaN or an infinity propagates), and large
    # finite values that overflow the sum are not computable either: one fast pass.
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(values.sum()))


def non_finite_names(arrays: Iterable[tuple[str, Any]]) -> list[str]:
    """Names of the arrays holding a NaN or an infinity (allowed indicators left out)."""
    return [name for name, array in arrays if not may_be_non_finite(name) and not _finite(array)]


def check_finite_outputs(accounts: Any, indicators: Mapping[str, np.ndarray],
                         source: str = "simulation") -> None:
    """Raise :class:`ResultsNotFinite` when a chunk's monthly variables or per-draw
    indicators are not all finite. The engine calls it on each chunk, before keeping it.

    Variables by line (revenue by line, users by segment…) are not read one by one: their
    totals (own revenue, operating costs, users…) are, and a NaN or an infinity in a line
    reaches its total; so the check reads about half the values (a fifth of the model's time
    on the default scenario)."""
    n_draws = max((np.shape(values)[0] for values in indicators.values()), default=1)
    n_months = np.shape(accounts.cash_eur)[-1]
    arrays = monthly_arrays(accounts, (n_draws, n_months))
    bad = non_finite_names((name, array) for name, (array, _lines) in arrays.items()
                           if name not in LINE_VARIABLES)
    bad += non_finite_names(indicators.items())
    if bad:
        raise ResultsNotFinite(bad, source)


#: Monthly variables whose sum over the chunk is checked by :func:`check_finite_chunk`: those
#: no per-draw indicator sums up (cash, subsidies, public money, the net cost, the territory
#: impacts and occupancy by year already reach indicators, which are all checked).
UNSUMMARISED_MONTHLY = ("net_result_eur", "depreciation_eur", "grants_released_eur",
                        "interest_eur", "loan_repaid_eur", "cash_after_balancing_eur")


def check_finite_chunk(accounts: Any, indicators: Mapping[str, np.ndarray],
                       source: str = "simulation") -> None:
    """The engine's guard on each chunk, cheap enough for every run: every per-draw indicator
    (totals of cash, revenue, costs, subsidies, public money, the collectivity's net cost,
    impacts…, in which a NaN or an infinity of a month propagates) and the monthly variables
    no indicator sums (:data:`UNSUMMARISED_MONTHLY`) are finite; else
    :class:`ResultsNotFinite`. :func:`check_finite_outputs` reads every variable."""
    bad = non_finite_names(indicators.items())
    bad += non_finite_names((name, getattr(accounts, name)) for name in UNSUMMARISED_MONTHLY)
    if bad:
        raise ResultsNotFinite(bad, source)


def check_finite_results(results: Any) -> None:
    """Raise :class:`ResultsNotFinite` when finished :class:`~.results.Results` hold NaN or
    infinite values (the dataset or monthly means, the central case, the indicators)."""
    monthly = results.dataset if results.keep == "full" else results.monthly_mean
    arrays: list[tuple[str, Any]] = [(str(name), variable.values)
                                     for name, variable in monthly.data_vars.items()]
    arrays += [(f"central.{name}", variable.values)
               for name, variable in results.central.data_vars.items()]
    arrays += [(str(name), results.indicators[name].to_numpy(dtype=float))
               for name in results.indicators.columns]
    bad = non_finite_names(arrays)
    if bad:
        raise ResultsNotFinite(bad, results.scenario.meta.name)


__all__ = ["MAY_BE_NON_FINITE", "RATIO_MARKS", "ResultsNotFinite", "check_finite_chunk",
           "check_finite_outputs",
           "check_finite_results", "may_be_non_finite", "non_finite_names"]
