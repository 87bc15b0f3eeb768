"""Benchmark: ``simulate`` at 10,000 draws with the two-party accounts (issue 10) against the
code just before them, measured in the same run on the same machine.

The baseline package is exported from git at ``BASELINE`` (the last commit before issue 10)
into a temporary folder and imported under another name (``tierslieux_sim_old``, its data
files read from that copy), so that both versions run **in one process, alternately**: a busy
spell of this shared machine then hits both sides alike. Large arrays are kept on the heap as
the CLI does. The medians and their ratio are printed and written to
``benchmarks/RESULTS.md``. Target: the new code at most 1.3 times the baseline's time.

    python benchmarks/bench_two_parties.py              # 15 runs a side
    python benchmarks/bench_two_parties.py --runs 5     # quicker
"""

from __future__ import annotations

import argparse
import importlib
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

from results_file import write_section

from tierslieux_sim import default_scenario, simulate
from tierslieux_sim.core.allocator import keep_large_arrays_on_the_heap

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASELINE = "4ade8bd"  # last commit before the two-party accounts
OLD_NAME = "tierslieux_sim_old"
DRAWS = 10_000
SEED = 20270101
TARGET_RATIO = 1.3


def import_baseline(folder: Path, revision: str = BASELINE):
    """The package at ``revision`` (a commit whose package uses relative imports), importable
    as ``tierslieux_sim_old``."""
    archive = subprocess.run(["git", "archive", revision, "src/tierslieux_sim"], cwd=ROOT,
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    package = folder / OLD_NAME
    (folder / "src" / "tierslieux_sim").rename(package)
    for path in package.rglob("*.py"):  # its data files, not this tree's
        text = path.read_text(encoding="utf-8")
        if '"tierslieux_sim.data"' in text:
            path.write_text(text.replace('"tierslieux_sim.data"', f'"{OLD_NAME}.data"'),
                            encoding="utf-8")
    sys.path.insert(0, str(folder))
    return importlib.import_module(OLD_NAME)


def timed(run) -> float:
    start = time.perf_counter()
    results = run()
    elapsed = time.perf_counter() - start
    del results
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    arguments = parser.parse_args()
    keep_large_arrays_on_the_heap()
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as folder:
        old_package = import_baseline(Path(folder))
        new_scenario, old_scenario = default_scenario(), old_package.default_scenario()

        def run_new():
            return simulate(new_scenario, draws=DRAWS, seed=SEED)

        def run_old():
            return old_package.simulate(old_scenario, draws=DRAWS, seed=SEED)

        timed(run_new), timed(run_old)  # warm-up: imports, caches
        new, old = [], []
        for number in range(arguments.runs):
            sides = [(run_new, new), (run_old, old)]
            for run, times in sides if number % 2 == 0 else sides[::-1]:
                times.append(timed(run))
            print(f"run {number + 1}: new {new[-1]:.3f} s, baseline {old[-1]:.3f} s", flush=True)
    ratio = statistics.median(new) / statistics.median(old)
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    lines = [
        "## bench_two_parties.py — simulate with the two-party accounts (issue 10)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}, default "
        f"scenario, {DRAWS:,} draws, {arguments.runs} runs a side alternating in one process "
        f"(large arrays on the heap). Baseline: commit {BASELINE}, the last before the "
        "operator's and the collectivity's accounts were split, imported from a copy. This "
        "tree also holds what came after the split (the per-chunk finiteness check of "
        "issue 13, the socio-economic appraisal of issue 16).",
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
