"""Benchmark: ``simulate`` at 10,000 draws with the two-party accounts (issue 10) against the
code just before them, measured in the same run on the same machine.

The baseline is a git worktree of ``BASELINE`` (the last commit before issue 10) in a
temporary folder; each side runs in its own child process (fresh imports, large arrays kept
on the heap as the CLI does), rounds alternate between the two sides so that a busy spell of
the shared machine hits both, and the medians and their ratio are printed and written to
``benchmarks/RESULTS.md``. Target: the new code at most 1.3 times the baseline's time.

    python benchmarks/bench_two_parties.py              # 5 rounds × 3 runs a side
    python benchmarks/bench_two_parties.py --rounds 2   # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from results_file import write_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASELINE = "4ade8bd"  # last commit before the two-party accounts
DRAWS = 10_000
SEED = 20270101
TARGET_RATIO = 1.3

CHILD = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
from tierslieux_sim import default_scenario, simulate
from tierslieux_sim.allocator import keep_large_arrays_on_the_heap
keep_large_arrays_on_the_heap()
scenario = default_scenario()
simulate(scenario, draws=2_000, seed={seed})
times = []
for _ in range({repeats}):
    start = time.perf_counter()
    results = simulate(scenario, draws={draws}, seed={seed})
    times.append(time.perf_counter() - start)
    del results
print(json.dumps(times))
"""


def child_times(source: Path, repeats: int) -> list[float]:
    """Wall times of ``repeats`` runs of 10,000 draws with the package under ``source``."""
    environment = {**os.environ, "PYTHONPATH": str(source)}
    output = subprocess.run([sys.executable, "-c", CHILD.format(seed=SEED, repeats=repeats,
                                                                 draws=DRAWS)],
                            check=True, capture_output=True, text=True, env=environment,
                            cwd=source.parent)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        baseline = Path(folder) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(baseline), BASELINE],
                       check=True, cwd=ROOT)
        try:
            new, old = [], []
            for round_number in range(arguments.rounds):
                sides = [(ROOT / "src", new), (baseline / "src", old)]
                for source, times in sides if round_number % 2 == 0 else sides[::-1]:
                    times += child_times(source, arguments.repeats)
                print(f"round {round_number + 1}: new {statistics.median(new):.3f} s, "
                      f"baseline {statistics.median(old):.3f} s", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT,
                           check=False)
    ratio = statistics.median(new) / statistics.median(old)
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    lines = [
        "## bench_two_parties.py — simulate with the two-party accounts (issue 10)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}, default "
        f"scenario, {DRAWS:,} draws, {arguments.rounds} alternating rounds of "
        f"{arguments.repeats} runs a side, each side in a fresh process (large arrays on the "
        f"heap). Baseline: commit {BASELINE}, the last before the operator's and the "
        "collectivity's accounts were split.",
        "",
        "| code | median [s] | min [s] | max [s] | runs |",
        "|---|---:|---:|---:|---:|",
        f"| two parties (this tree) | {statistics.median(new):.3f} | {min(new):.3f} | "
        f"{max(new):.3f} | {len(new)} |",
        f"| baseline {BASELINE} | {statistics.median(old):.3f} | {min(old):.3f} | "
        f"{max(old):.3f} | {len(old)} |",
        "",
        f"Ratio of medians: **{ratio:.2f}** (target ≤ {TARGET_RATIO}: {verdict}).",
    ]
    text = "\n".join(lines)
    print(text)
    write_section("bench_two_parties.py", text)


if __name__ == "__main__":
    main()
