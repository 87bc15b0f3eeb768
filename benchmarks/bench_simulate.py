"""Benchmark of ``simulate`` on the default scenario (120 months).

Measures, in one run on this machine: the median wall time of several runs for 1k, 10k and
100k draws (full results kept), and 1M draws with ``keep="summary"`` in a child process
(wall time and peak resident memory). Prints the figures and writes ``benchmarks/RESULTS.md``.

    python benchmarks/bench_simulate.py            # full run (a few minutes)
    python benchmarks/bench_simulate.py --quick    # smaller sizes, for a smoke test

Targets (issue 2, 2-core machine): 10k draws ≤ 0.3 s; time linear in draws; 1M draws in
summary mode under 2 GB peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import scipy
from results_file import RESULTS, write_section

from tierslieux_sim import default_scenario, simulate
from tierslieux_sim.core.allocator import keep_large_arrays_on_the_heap

HERE = Path(__file__).resolve().parent
SEED = 20270101


def time_simulate(draws: int, repeats: int) -> list[float]:
    """Wall times of ``repeats`` runs after one warm-up run (caches, imports)."""
    scenario = default_scenario()
    simulate(scenario, draws=min(draws, 2_000), seed=SEED)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        results = simulate(scenario, draws=draws, seed=SEED)
        times.append(time.perf_counter() - start)
        del results
    return times


CHILD = """
import json, time
from tierslieux_sim import default_scenario, simulate
from tierslieux_sim.core.allocator import keep_large_arrays_on_the_heap
keep_large_arrays_on_the_heap()
start = time.perf_counter()
results = simulate(default_scenario(), draws={draws}, seed={seed}, keep="summary")
elapsed = time.perf_counter() - start
summary = results.summary()
p50 = float(summary.query("indicator == 'balancing_subsidy_eur' and statistic == 'p50'")["value"].iloc[0])
# VmHWM (peak resident set of this process image): unlike ru_maxrss, it is not inherited
# across exec from the (large) parent that spawned this child.
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({{"seconds": elapsed, "peak_rss_mb": peak_kb / 1024, "balancing_p50_eur": p50}}))
"""


def summary_mode_run(draws: int) -> dict:
    """``keep="summary"`` in a fresh process, so its peak RSS is the run's own."""
    completed = subprocess.run([sys.executable, "-c", CHILD.format(draws=draws, seed=SEED)],
                               capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--default-allocator", action="store_true",
                        help="do not keep large arrays on the heap (glibc defaults)")
    arguments = parser.parse_args()
    # As the CLI and the dashboard do (see tierslieux_sim.core.allocator); --default-allocator
    # measures glibc's defaults instead.
    if not arguments.default_allocator:
        keep_large_arrays_on_the_heap()

    sizes = [(1_000, 7), (10_000, 7), (100_000, 3)]
    summary_draws = 1_000_000
    if arguments.quick:
        sizes, summary_draws = [(1_000, 3), (10_000, 3)], 50_000

    # The bounded-memory run first, in a child process, before this process grows.
    summary = summary_mode_run(summary_draws)
    print(f"{summary_draws:>9,} draws keep='summary': {summary['seconds']:.1f} s, "
          f"peak RSS {summary['peak_rss_mb']:.0f} MB", flush=True)
    rows = []
    for draws, repeats in sizes:
        times = time_simulate(draws, repeats)
        median = statistics.median(times)
        rows.append((draws, repeats, median, min(times), max(times)))
        print(f"{draws:>9,} draws × 120 months (full): median {median:.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f}, {repeats} runs)", flush=True)
    per_draw = {draws: median / draws for draws, _, median, _, _ in rows}
    base = rows[1][0] if len(rows) > 1 else rows[0][0]

    default_allocator = arguments.default_allocator
    target_10k = next((median for draws, _, median, _, _ in rows if draws == 10_000), None)
    lines = [
        "## `simulate` on the default scenario (120 months)",
        "",
        f"Written by `benchmarks/bench_simulate.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} "
        "UTC. Machine: " f"{os.cpu_count()} cores ({cpu_model()}), Python "
        f"{platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}. "
        "Shared machine: figures are medians of repeated runs in the same session.",
        "",
        "| draws | mode | runs | median (s) | min (s) | max (s) | µs per draw | vs 10k per draw |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for draws, repeats, median, fastest, slowest in rows:
        ratio = per_draw[draws] / per_draw[base]
        lines.append(f"| {draws:,} | full | {repeats} | {median:.3f} | {fastest:.3f} | "
                     f"{slowest:.3f} | {1e6 * per_draw[draws]:.1f} | {ratio:.2f} |")
    lines.append(f"| {summary_draws:,} | summary | 1 | {summary['seconds']:.2f} | | | "
                 f"{1e6 * summary['seconds'] / summary_draws:.1f} | "
                 f"{summary['seconds'] / summary_draws / per_draw[base]:.2f} |")
    lines += [
        "",
        f"Peak resident memory of the {summary_draws:,}-draw summary run (fresh process, "
        f"`VmHWM`): **{summary['peak_rss_mb']:.0f} MB** (target < 2 048 MB). "
        f"Its median total balancing subsidy: {summary['balancing_p50_eur']:,.0f} €.",
        "",
        "Measured with large arrays kept on the heap, as the CLI and the dashboard run "
        "(`tierslieux_sim.core.allocator`; `--default-allocator` measures glibc's defaults, about "
        "25 % slower at 10k draws)." if not default_allocator else
        "Measured with glibc's default allocator settings (`--default-allocator`).",
        "",
        "Full mode keeps every variable per draw and month (about 48 kB per draw of the default "
        "scenario, ~4.8 GB at 100k draws): beyond ~10k draws its time is set by memory (first "
        "touch of fresh pages, hence the spread between min and max), which is why large runs "
        "use `keep=\"summary\"`, linear in draws.",
        "",
        "Targets: 10k draws ≤ 0.3 s"
        + (f" — measured median {target_10k:.3f} s ({'met' if target_10k <= 0.3 else 'NOT met'})"
           if target_10k is not None else "")
        + "; time linear in draws (the per-draw column stays near 1); 1M draws in summary mode "
          "under 2 GB.",
        "",
    ]
    write_section("bench_simulate.py", "\n".join(lines), arguments.output)
    print(f"written {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
