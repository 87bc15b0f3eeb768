"""Automatic number of draws: add draws until the headline statistics are known to within a
tolerance at 95 % (the "convergence" stop of commercial Monte Carlo tools).

``simulate(scenario, draws="auto", tolerance=0.01)`` delegates here. The loop starts at
:data:`INITIAL_DRAWS` and, while a headline statistic's 95 % Monte Carlo interval is wider
than allowed, grows the number of draws to what the worst statistic needs (half-widths shrink
like ``1/√n``), by a factor between 1.5 and 4, rounded up to whole blocks of 1,024 draws, up
to ``max_draws``. Each step *extends* the run: the new draws are added to those already
evaluated (draws are keyed by seed, input and block, so draw ``i`` is the same whatever the
steps), and the result is *exactly* ``simulate(scenario, draws=results.draws,
seed=results.seed)`` at the cost of one run of that size.

Tolerance: for a probability, an absolute half-width (``0.01`` = ±1 point); for an amount or
a rate, a half-width relative to the statistic's value (``0.01`` = ±1 %), where the value is
floored at a tenth of the indicator's P10–P90 spread (so a statistic near zero does not ask
for millions of draws). The result's notices say how many draws were used and whether the
tolerance was reached (``auto_draws``; ``auto_draws_not_converged`` is also a warning).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from tierslieux_sim.core.notices import Notice, emit
from tierslieux_sim.engine.collect import ResultsCollector, collect
from tierslieux_sim.engine.constants import BLOCK_DRAWS
from tierslieux_sim.engine.inputs import plan_inputs
from tierslieux_sim.engine.outputs import default_kpis
from tierslieux_sim.engine.results import Results
from tierslieux_sim.engine.runs import (
    _resolve_seed,
    central_collector,
    check_run_arguments,
    evaluate_draws,
    progress_bar,
    run_notices,
)
from tierslieux_sim.scenario.schema import Scenario

INITIAL_DRAWS = 2 * BLOCK_DRAWS
DEFAULT_MAX_DRAWS = 256 * BLOCK_DRAWS
DEFAULT_TOLERANCE = 0.01
#: Headline statistics watched by default (those beyond the horizon are left out).
HEADLINE_STATISTICS = ("balancing_subsidy_p50", "balancing_subsidy_p80", "autonomy_by_year_3",
                       "autonomy_by_year_5", "occupancy_rate_year_3_p50")
GROWTH_BOUNDS = (1.5, 4.0)


def convergence_table(results: Results, tolerance: float,
                      statistics: Sequence[str] = HEADLINE_STATISTICS,
                      confidence_level: float = 0.95) -> pd.DataFrame:
    """For each headline statistic: its value, 95 % interval half-width, allowed
    half-width and whether it is within tolerance."""
    rows = []
    for output in default_kpis(results.scenario, statistics):
        values = output.per_draw(results.indicators)
        low, high = output.confidence_interval(values, confidence_level)
        value = output.of(values)
        if output.is_probability:
            allowed = tolerance
        else:
            finite = values[np.isfinite(values)]
            spread = float(np.subtract(*np.quantile(finite, [0.9, 0.1]))) if finite.size else 0.0
            allowed = tolerance * max(abs(value), 0.1 * spread)
        half_width = (high - low) / 2
        rows.append({"statistic": output.name, "value": value, "half_width": half_width,
                     "allowed": allowed, "converged": bool(half_width <= allowed)})
    return pd.DataFrame(rows)


def _next_draws(draws: int, table: pd.DataFrame, max_draws: int) -> int:
    late = table[~table["converged"]]
    ratios = [(row.half_width / row.allowed) ** 2 if row.allowed > 0 else GROWTH_BOUNDS[1]
              for row in late.itertuples()]
    factor = min(max(max(ratios) * 1.1, GROWTH_BOUNDS[0]), GROWTH_BOUNDS[1])
    wanted = math.ceil(draws * factor / BLOCK_DRAWS) * BLOCK_DRAWS
    return min(wanted, max_draws)


def simulate_auto(scenario: Scenario, tolerance: float | None = None, *, seed: Any = None,
                  sampling: str = "random", chunk_draws: int | None = None,
                  keep: Literal["full", "summary"] = "full",
                  progress: bool = False, statistics: Sequence[str] = HEADLINE_STATISTICS,
                  initial_draws: int = INITIAL_DRAWS, max_draws: int = DEFAULT_MAX_DRAWS,
                  confidence_level: float = 0.95) -> Results:
    """Simulate with as many draws as the headline statistics need (module docstring)."""
    tolerance = DEFAULT_TOLERANCE if tolerance is None else float(tolerance)
    if not tolerance > 0:
        raise ValueError(f"tolerance must be positive, got {tolerance!r}")
    if max_draws < 1 or initial_draws < 1:
        raise ValueError("initial_draws and max_draws must be positive")
    seed_value = _resolve_seed(seed)
    draws = min(int(initial_draws), int(max_draws))
    chunk_size = check_run_arguments(draws, sampling, keep, chunk_draws)
    plan = plan_inputs(scenario)
    notices = run_notices(plan, sampling)
    central = central_collector(scenario, plan)
    collector = ResultsCollector(scenario, draws, keep=keep)
    done = 0
    with progress_bar(draws, progress) as bar:
        while True:
            evaluate_draws(scenario, plan, collector, seed_value, done, draws, sampling,
                           chunk_size, bar.update)
            done = draws
            results = collect(scenario, collector, central, seed=seed_value,
                              sampling=sampling, keep=keep, notices=list(notices))
            table = convergence_table(results, tolerance, statistics, confidence_level)
            converged = bool(table["converged"].all())
            if converged or draws >= max_draws:
                break
            draws = _next_draws(draws, table, int(max_draws))
            collector.grow(draws)
            bar.total = draws
    context = {"draws": draws, "tolerance": f"{tolerance:g}"}
    results.notices.append(Notice("auto_draws", context))
    if not converged:
        worst = table.loc[(table["half_width"] / table["allowed"]).idxmax(), "statistic"]
        results.notices.append(emit(Notice("auto_draws_not_converged",
                                           {**context, "statistic": worst})))
        if draws >= max_draws:  # the stated cap, not the tolerance, stopped the growth
            results.notices.append(Notice("auto_draws_capped",
                                          {"max_draws": f"{int(max_draws):,}".replace(",", " ")}))
    return results
