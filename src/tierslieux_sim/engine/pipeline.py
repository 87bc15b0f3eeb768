"""The pipeline: ``sample`` (keyed input values) → ``evaluate`` (the model, pure) →
``collect`` (:class:`Results`), chunk by chunk. :func:`simulate` composes the three steps;
:mod:`.auto_draws` extends a run block by block until its headline statistics are precise
enough."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

import numpy as np

from tierslieux_sim.engine.auto_draws import simulate_auto
from tierslieux_sim.engine.collect import ResultsCollector, check_variables, collect
from tierslieux_sim.engine.inputs import plan_inputs
from tierslieux_sim.engine.results import Results
from tierslieux_sim.engine.runs import (
    DEFAULT_CHUNK_DRAWS,
    DEFAULT_SUMMARY_CHUNK_DRAWS,
    Keep,
    _resolve_seed,
    central_collector,
    check_run_arguments,
    evaluate_draws,
    progress_bar,
    run_notices,
)
from tierslieux_sim.scenario.schema import Scenario

__all__ = ["DEFAULT_CHUNK_DRAWS", "DEFAULT_SUMMARY_CHUNK_DRAWS", "Keep", "_resolve_seed",
           "simulate"]


def simulate(
    scenario: Scenario,
    draws: int | Literal["auto"] = 10_000,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    sampling: str = "random",
    chunk_draws: int | None = None,
    keep: Keep = "full",
    progress: bool = False,
    tolerance: float | None = None,
    keep_variables: Collection[str] | None = None,
) -> Results:
    """Run ``draws`` Monte Carlo draws of ``scenario`` and its central (median-input) case.

    Parameters
    ----------
    draws : number of draws (≥ 1), or ``"auto"``: add blocks of draws until the headline
        statistics are within ``tolerance`` at 95 % (see
        :mod:`tierslieux_sim.engine.auto_draws`); ``Results.draws`` and a notice say how
        many were used.
    seed : reproducibility key; the same seed gives bit-identical results whatever
        ``chunk_draws``. ``None`` draws fresh entropy, recorded in ``Results.seed``.
    sampling : ``"random"``, ``"lhs"`` (Latin hypercube) or ``"sobol"``.
    chunk_draws : draws simulated at once (default 16 384, 8 192 with ``keep="summary"``);
        bounds memory in long runs.
    keep : ``"full"`` keeps every variable per draw and month in ``Results.dataset``;
        ``"summary"`` keeps per-draw indicators and monthly means only (bounded memory).
    progress : show a progress bar (after one second) on standard error.
    tolerance : with ``draws="auto"`` only: ±1 % is ``0.01`` (relative for amounts and
        rates, absolute for probabilities; default 0.01).
    keep_variables : with ``keep="full"`` only: the variables (names of
        :data:`~.results.MONTHLY_VARIABLES` and :data:`~.results.LINE_VARIABLES`) kept per
        draw in ``Results.dataset``, each ``(draw, month[, line])`` float64 in its own unit
        (``cash_eur`` in €, ``occupancy_rate`` a share 0–1…), bit for bit as a full run keeps
        it; every other variable is kept as its mean over draws by month
        (``Results.monthly_mean``, ``(month[, line])``, as ``keep="summary"`` computes it).
        ``Results.kept_variables`` lists them. Indicators and the central case are those
        of a full run. A run of 2,000 draws keeping two variables holds about 4 MB of
        monthly arrays instead of 115 MB, and skips copying the line variables per draw.
        Not with ``draws="auto"``.
    """
    if keep_variables is not None:
        if keep != "full":
            raise ValueError("keep_variables applies only with keep='full' (summary mode "
                             "keeps no per-draw monthly array)")
        if isinstance(draws, str):
            raise ValueError("keep_variables does not apply with draws='auto'")
        keep_variables = check_variables(keep_variables)
    if isinstance(draws, str) and draws == "auto":
        return simulate_auto(scenario, tolerance, seed=seed, sampling=sampling,
                             chunk_draws=chunk_draws, keep=keep, progress=progress)
    if tolerance is not None:
        raise ValueError("tolerance applies only with draws='auto'")
    chunk_draws = check_run_arguments(draws, sampling, keep, chunk_draws)
    seed_value = _resolve_seed(seed)
    plan = plan_inputs(scenario)
    notices = run_notices(plan, sampling)
    central = central_collector(scenario, plan)
    collector = ResultsCollector(scenario, int(draws), keep=keep, variables=keep_variables)
    with progress_bar(int(draws), progress) as bar:
        evaluate_draws(scenario, plan, collector, seed_value, 0, int(draws), sampling,
                       chunk_draws, bar.update)
    return collect(scenario, collector, central, seed=seed_value, sampling=sampling, keep=keep,
                   notices=notices)

