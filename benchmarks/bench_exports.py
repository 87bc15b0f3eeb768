"""Benchmark of the council exports on the default scenario (120 months): the HTML report
(built in memory), the PDF printed by Debian's chromium, and the Excel workbook, at the
dashboard's 2,000 draws and the command line's 10,000.

Prints the figures (median of ``--repeat`` runs, after one warm-up) and writes its section
of ``benchmarks/RESULTS.md``.

    python benchmarks/bench_exports.py              # 3 runs each
    python benchmarks/bench_exports.py --repeat 1   # a smoke test
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from results_file import RESULTS, write_section

from tierslieux_sim import default_scenario, simulate
from tierslieux_sim.faces.report import build_report_html, pdf_available, write_report
from tierslieux_sim.faces.workbook import MAX_DRAWS_SHEET, workbook_bytes

DRAW_COUNTS = (2_000, 10_000)


def median_seconds(task: Callable[[], object], repeat: int) -> float:
    task()  # warm-up: imports, Plotly's JavaScript, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    rows = []
    folder = Path(tempfile.mkdtemp())
    for draws in DRAW_COUNTS:
        results = simulate(default_scenario(), draws=draws, seed=1)
        html_s = median_seconds(lambda r=results: build_report_html(r, "fr"), arguments.repeat)
        pdf_s = (median_seconds(lambda r=results: write_report(r, folder / "r.pdf", "fr"),
                                arguments.repeat) if pdf_available() else float("nan"))
        workbook_s = median_seconds(lambda r=results: workbook_bytes(r, "fr"), arguments.repeat)
        size_kb = len(workbook_bytes(results, "fr")) / 1024
        rows.append((draws, html_s, pdf_s, workbook_s, size_kb))
        print(f"{draws:>6} draws: report HTML {html_s:.2f} s, PDF {pdf_s:.2f} s, "
              f"workbook {workbook_s:.2f} s ({size_kb:.0f} KiB)")
    table = "\n".join(f"| {d:,} | {h:.2f} | {p:.2f} | {w:.2f} | {k:,.0f} |"
                      for d, h, p, w, k in rows)
    markdown = f"""## bench_exports.py — council report and workbook

{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, median of
{arguments.repeat} runs after a warm-up, default scenario (simulation time not included).
The PDF time includes building the HTML and chromium's start; the workbook writes the
per-draw sheet for the first {MAX_DRAWS_SHEET:,} draws.

| draws | report HTML [s] | report PDF [s] | workbook [s] | workbook size [KiB] |
|---:|---:|---:|---:|---:|
{table}
"""
    write_section("bench_exports.py", markdown)
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
