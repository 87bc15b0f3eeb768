"""Benchmark of the layered restructure (issue 12): cold start of the command line and of the
package in fresh processes, and ``simulate`` at 10,000 draws, each against the code just
before the restructure, measured in the same run on the same machine.

- Cold start: ``tierslieux --help``, ``tierslieux validate`` on the default scenario and
  ``import tierslieux_sim``, each in a fresh Python process (``-X frozen_modules=off`` not
  used: as users run it), alternating new and baseline, ``--runs`` times each. Target: under
  1 s for ``--help`` and ``validate`` when the machine is quiet.
- ``simulate``: both versions in one process, alternately (see ``bench_two_parties.py``).
  Target: the new code not slower than the baseline.

The baseline (``BASELINE``, the last commit before the restructure) is exported from git
into a temporary folder and imported as ``tierslieux_sim_old``. Medians, ratios and verdicts
are printed and written to ``benchmarks/RESULTS.md``.

    python benchmarks/bench_layers.py              # 11 cold starts and 15 runs a side
    python benchmarks/bench_layers.py --runs 5 --starts 5
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

from bench_two_parties import DRAWS, SEED, import_baseline, timed
from results_file import write_section

from tierslieux_sim import default_scenario, simulate
from tierslieux_sim.core.allocator import keep_large_arrays_on_the_heap

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "486d733"  # last commit before the layered packages
DEFAULT_FILE = ROOT / "src/tierslieux_sim/data/scenarios/default.toml"
COLD_TARGET_S = 1.0


def cold_commands(old_folder: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Name → (new command, baseline command), each run in a fresh process."""
    python = sys.executable
    old_path = f"import sys; sys.path.insert(0, {str(old_folder)!r}); "
    return {
        "tierslieux --help": (
            [python, "-m", "tierslieux_sim.faces.cli.main", "--help"],
            [python, "-c", old_path + "from tierslieux_sim_old.cli import main; main(['--help'])"]),
        "tierslieux validate default.toml": (
            [python, "-m", "tierslieux_sim.faces.cli.main", "validate", str(DEFAULT_FILE)],
            [python, "-c", old_path + "from tierslieux_sim_old.cli import main; "
             f"main(['validate', {str(DEFAULT_FILE)!r}])"]),
        "import tierslieux_sim": (
            [python, "-c", "import tierslieux_sim"],
            [python, "-c", old_path + "import tierslieux_sim_old"]),
    }


def cold_seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--starts", type=int, default=11)
    arguments = parser.parse_args()
    keep_large_arrays_on_the_heap()
    warnings.simplefilter("ignore")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        old_package = import_baseline(Path(folder), BASELINE)
        for name, (new_command, old_command) in cold_commands(Path(folder)).items():
            cold_seconds(new_command), cold_seconds(old_command)  # warm the file cache
            new, old = [], []
            for number in range(arguments.starts):
                pairs = [(new_command, new), (old_command, old)]
                for command, times in pairs if number % 2 == 0 else pairs[::-1]:
                    times.append(cold_seconds(command))
            rows.append((name, statistics.median(new), statistics.median(old), max(new)))
            print(f"{name}: new {rows[-1][1]:.2f} s, baseline {rows[-1][2]:.2f} s", flush=True)

        new_scenario, old_scenario = default_scenario(), old_package.default_scenario()

        def run_new():
            return simulate(new_scenario, draws=DRAWS, seed=SEED)

        def run_old():
            return old_package.simulate(old_scenario, draws=DRAWS, seed=SEED)

        timed(run_new), timed(run_old)  # warm-up
        new_runs: list[float] = []
        old_runs: list[float] = []
        for number in range(arguments.runs):
            sides = [(run_new, new_runs), (run_old, old_runs)]
            for run, times in sides if number % 2 == 0 else sides[::-1]:
                times.append(timed(run))
            print(f"run {number + 1}: new {new_runs[-1]:.3f} s, baseline {old_runs[-1]:.3f} s",
                  flush=True)
    ratio = statistics.median(new_runs) / statistics.median(old_runs)
    lines = [
        "## bench_layers.py — the layered packages (issue 12)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}, this "
        f"2-core machine (shared: other work may run). Baseline: commit {BASELINE}, the last "
        "before the restructure, imported from a copy as `tierslieux_sim_old`.",
        "",
        f"Cold start, each in a fresh process, {arguments.starts} alternating starts a side "
        f"(target: under {COLD_TARGET_S:.0f} s for `--help` and `validate`):",
        "",
        "| command | new median [s] | new worst [s] | baseline median [s] | verdict |",
        "|---|---:|---:|---:|---|",
    ]
    for name, new_median, old_median, new_worst in rows:
        verdict = ("" if name.startswith("import") else
                   "met" if new_median < COLD_TARGET_S else "NOT met")
        lines.append(f"| `{name}` | {new_median:.2f} | {new_worst:.2f} | {old_median:.2f} | "
                     f"{verdict} |")
    lines += [
        "",
        f"`simulate` on the default scenario, {DRAWS:,} draws, {arguments.runs} runs a side "
        "alternating in one process (large arrays on the heap):",
        "",
        "| code | median [s] | min [s] | max [s] |",
        "|---|---:|---:|---:|",
        f"| layered (this tree) | {statistics.median(new_runs):.3f} | {min(new_runs):.3f} | "
        f"{max(new_runs):.3f} |",
        f"| baseline {BASELINE} | {statistics.median(old_runs):.3f} | {min(old_runs):.3f} | "
        f"{max(old_runs):.3f} |",
        "",
        f"Ratio of medians: **{ratio:.2f}** (target: not slower, ≤ 1.00: "
        f"{'met' if ratio <= 1.0 else 'NOT met'}).",
    ]
    text = "\n".join(lines)
    print(text)
    write_section("bench_layers.py", text)


if __name__ == "__main__":
    main()
