"""Memory checked before it is spent: how many bytes a run needs, how many the machine has.

A run in ``keep="full"`` mode keeps every monthly variable (and every line of the line
variables: revenue by line, costs by line, users by segment…) for every draw:
``draws × months × values per draw and month × 8 bytes``, plus the per-draw indicators and
the working arrays of one chunk. :func:`run_bytes` counts those values on a one-draw run of
the scenario itself (so a scenario with many lines is counted as it is), and
:func:`available_bytes` reads what the machine can give (``MemAvailable`` of
``/proc/meminfo``, bounded by a cgroup's limit when there is one; ``None`` when unknown).
The command line refuses a run that would not fit, before simulating, and suggests
``--keep summary`` (whose memory does not grow with the number of draws).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

from tierslieux_sim.core.i18n import current_language
from tierslieux_sim.core.notices import TiersLieuxWarning
from tierslieux_sim.engine.collect import monthly_arrays
from tierslieux_sim.engine.constants import MAX_DRAWS
from tierslieux_sim.engine.evaluate import evaluate
from tierslieux_sim.engine.inputs import central_input_values, plan_inputs
from tierslieux_sim.engine.runs import DEFAULT_CHUNK_DRAWS, DEFAULT_SUMMARY_CHUNK_DRAWS

#: Most draws accepted by the command line, whatever the mode (a bound on time, too).
#: Share of the available memory a run may take (the rest: the system, other programs,
#: the copies made when writing results).
USABLE_SHARE = 0.8
#: Bytes of one float64 value.
VALUE_BYTES = 8
#: The kept arrays and what is made from them after the run (summaries, quantiles, file
#: writing), as a multiple of the kept arrays. Measured on the default scenario (66 values
#: per draw and month, 120 months): 40,000 draws keep 2.5 GB and peak at 4.1 GB with
#: ``--out x.nc``, i.e. 2.5 GB kept + 1.3 GB for one chunk + 0.3 GB of program.
AFTER_RUN_FACTOR = 1.1
#: Working memory of one chunk of draws (the model's intermediate arrays), as a multiple of
#: the chunk's kept values (same measure).
CHUNK_WORKING_FACTOR = 1.5
#: The program itself (Python, numpy, pandas, xarray, the scenario), in bytes.
BASE_BYTES = 300_000_000
#: Per-draw indicators (a few dozen columns) and their summaries.
INDICATOR_VALUES_PER_DRAW = 120


def values_per_draw_and_month(scenario: Any) -> int:
    """How many float values a full run keeps per draw and month: every monthly variable and
    every line of a line variable, counted on the central case of a one-draw run."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TiersLieuxWarning)
        accounts, _indicators = evaluate(scenario, central_input_values(plan_inputs(scenario)))
    months = scenario.horizon_months
    arrays = monthly_arrays(accounts, (1, months))
    return max(1, sum(int(array.size) for array, _lines in arrays.values()) // months)


def run_bytes(scenario: Any, draws: int, keep: str = "full", chunk_draws: int | None = None,
              values_per_month: int | None = None) -> int:
    """Bytes a run of ``draws`` draws needs at its peak (an estimate, on the high side)."""
    months = scenario.horizon_months
    per_month = values_per_draw_and_month(scenario) if values_per_month is None \
        else values_per_month
    chunk = chunk_draws or (DEFAULT_CHUNK_DRAWS if keep == "full" else DEFAULT_SUMMARY_CHUNK_DRAWS)
    working = min(chunk, draws) * months * per_month * CHUNK_WORKING_FACTOR * VALUE_BYTES
    indicators = draws * INDICATOR_VALUES_PER_DRAW * VALUE_BYTES
    if keep != "full":
        return int(BASE_BYTES + working + indicators)
    kept = draws * months * per_month * VALUE_BYTES
    return int(BASE_BYTES + kept * AFTER_RUN_FACTOR + working + indicators)


def _meminfo_available(path: Path = Path("/proc/meminfo")) -> int | None:
    try:
        for line in path.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024  # kB
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_room() -> int | None:
    """Memory left under a cgroup v2 limit (containers), or None without a limit."""
    try:
        limit_text = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit_text == "max":
            return None
        used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
        return max(int(limit_text) - used, 0)
    except (OSError, ValueError):
        return None


def _sysconf_available() -> int | None:
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def available_bytes() -> int | None:
    """Memory the machine can give now: ``MemAvailable`` (Linux), else free physical pages,
    bounded by a cgroup limit; ``None`` when none can be read (then nothing is refused)."""
    candidates = [_meminfo_available(), _cgroup_room()]
    if candidates[0] is None:
        candidates[0] = _sysconf_available()
    known = [value for value in candidates if value is not None]
    return min(known) if known else None


def usable_bytes() -> int | None:
    """What a run may take: :data:`USABLE_SHARE` of :func:`available_bytes`."""
    available = available_bytes()
    return None if available is None else int(available * USABLE_SHARE)


def max_full_draws(scenario: Any, limit_bytes: int, values_per_month: int | None = None) -> int:
    """The most draws a ``keep="full"`` run of ``scenario`` can keep within ``limit_bytes``."""
    per_month = values_per_draw_and_month(scenario) if values_per_month is None \
        else values_per_month
    fixed = BASE_BYTES + (DEFAULT_CHUNK_DRAWS * scenario.horizon_months * per_month
                          * CHUNK_WORKING_FACTOR * VALUE_BYTES)  # the program and one chunk
    per_draw = (scenario.horizon_months * per_month * AFTER_RUN_FACTOR
                + INDICATOR_VALUES_PER_DRAW) * VALUE_BYTES
    return max(0, int((limit_bytes - fixed) // per_draw))


def format_bytes(size: float, language: str | None = None) -> str:
    """``1,5 Go`` / ``1.5 GB`` (decimal units, as file managers show them)."""
    language = language or current_language()
    units = ("o", "ko", "Mo", "Go", "To", "Po") if language == "fr" else (
        "B", "kB", "MB", "GB", "TB", "PB")
    value = float(size)
    for unit in units:
        if value < 1000 or unit == units[-1]:
            text = f"{value:.1f}" if unit != units[0] else f"{value:.0f}"
            return (text.replace(".", ",") if language == "fr" else text) + f"\u00a0{unit}"
        value /= 1000
    raise AssertionError("unreachable")


__all__ = ["MAX_DRAWS", "available_bytes", "format_bytes", "max_full_draws", "run_bytes",
           "usable_bytes", "values_per_draw_and_month"]
