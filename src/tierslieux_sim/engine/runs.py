"""How a run proceeds, shared by :func:`~.pipeline.simulate` and :mod:`.auto_draws`: its
arguments and seed, its chunks of draws (sample → evaluate → collect), its central case and
its progress bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Literal

import numpy as np
from tqdm.auto import tqdm

from tierslieux_sim.core.allocator import release_free_memory
from tierslieux_sim.core.i18n import message
from tierslieux_sim.core.notices import Notice, emit
from tierslieux_sim.engine.collect import ResultsCollector
from tierslieux_sim.engine.constants import BLOCK_DRAWS, SAMPLINGS
from tierslieux_sim.engine.evaluate import evaluate
from tierslieux_sim.engine.inputs import InputPlan, central_input_values, sample
from tierslieux_sim.scenario.schema import Scenario

Keep = Literal["full", "summary"]
DEFAULT_CHUNK_DRAWS = 16 * BLOCK_DRAWS
#: Smaller chunks in summary mode: peak memory is set by one chunk's arrays.
DEFAULT_SUMMARY_CHUNK_DRAWS = 8 * BLOCK_DRAWS


def _resolve_seed(seed: int | np.random.Generator | np.random.SeedSequence | None) -> int:
    """SPEC 7: an int, a Generator, a SeedSequence or None (fresh entropy, recorded)."""
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        assert isinstance(entropy, int)  # a fresh SeedSequence draws one integer
        return entropy
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63))
    if isinstance(seed, np.random.SeedSequence):
        return int(seed.generate_state(2, np.uint64)[0])
    if isinstance(seed, bool | float) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
    return int(seed)


def _chunks(start: int, stop: int, chunk_draws: int) -> Iterator[tuple[int, int]]:
    for chunk_start in range(start, stop, chunk_draws):
        yield chunk_start, min(chunk_start + chunk_draws, stop)


def check_run_arguments(draws: int, sampling: str, keep: str, chunk_draws: int | None
                        ) -> int:
    """Refuse bad arguments of a run (``ValueError``); the chunk size to use."""
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
        raise ValueError(f"draws must be a positive integer, got {draws!r}")
    if sampling not in SAMPLINGS:
        raise ValueError(f"sampling must be one of {SAMPLINGS}, got {sampling!r}")
    if keep not in ("full", "summary"):
        raise ValueError(f"keep must be 'full' or 'summary', got {keep!r}")
    if chunk_draws is None:
        chunk_draws = DEFAULT_CHUNK_DRAWS if keep == "full" else DEFAULT_SUMMARY_CHUNK_DRAWS
    chunk_draws = int(chunk_draws)
    if chunk_draws < 1:
        raise ValueError(f"chunk_draws must be positive, got {chunk_draws!r}")
    return chunk_draws


def run_notices(plan: InputPlan, sampling: str) -> list[Notice]:
    """Notices every run of this plan carries (repaired correlations, unkeyed Sobol')."""
    notices = list(plan.notices)
    if sampling == "sobol":
        notices.append(emit(Notice("sobol_not_keyed")))
    return notices


def central_collector(scenario: Scenario, plan: InputPlan) -> ResultsCollector:
    """The central case (every input at its median), evaluated and collected."""
    central = ResultsCollector(scenario, 1, keep="full")
    central.add(0, 1, *evaluate(scenario, central_input_values(plan)))
    return central


def evaluate_draws(scenario: Scenario, plan: InputPlan, collector: ResultsCollector,
                   seed: int, start: int, stop: int, sampling: str, chunk_draws: int,
                   advance: Callable[[int], object] = lambda _n: None) -> None:
    """Sample, evaluate and collect draws ``start … stop − 1`` chunk by chunk."""
    for chunk_start, chunk_stop in _chunks(start, stop, chunk_draws):
        inputs = sample(plan, seed, chunk_start, chunk_stop, sampling)
        collector.add(chunk_start, chunk_stop, *evaluate(scenario, inputs))
        if collector.keep == "summary":
            release_free_memory()  # bounded memory: do not keep freed chunks around
        advance(chunk_stop - chunk_start)


def progress_bar(total: int, progress: bool) -> tqdm:
    """The run's progress bar on standard error (shown after one second)."""
    return tqdm(total=total, disable=not progress, delay=1.0,
                unit=message("engine.progress_unit"), desc=message("engine.progress"),
                leave=False)


