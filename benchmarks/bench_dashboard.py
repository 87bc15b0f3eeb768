"""Dashboard latency in a real browser: time from a key press on a lever slider to the new
value on the page, at 2,000 draws (fast mode).

Starts the dashboard on 127.0.0.1 (stopped afterwards), drives Debian's chromium with
Playwright, presses ArrowRight / ArrowLeft on the first lever (day-pass price) and measures:

* **card**: until the first card's text differs from before the key press;
* **settled**: until the run marker (the last element the app writes) shows the new run
  count, i.e. every card and chart of the rerun has reached the page.

    python benchmarks/bench_dashboard.py [--presses 15]

Prints the figures and writes its section of ``benchmarks/RESULTS.md``. Target (issue 3):
under 1 second at 2,000 draws.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime

from playwright.sync_api import sync_playwright
from results_file import write_section

from tierslieux_sim.ui.serve import CHROMIUM_ARGS, CHROMIUM_PATH, running_dashboard

CARD = '[data-testid="stMetricValue"]'
MARKER = "#tl-run-marker"  # last element of each run; its text counts the runs


def measure(presses: int) -> tuple[list[float], list[float]]:
    card_times, settled_times = [], []
    with running_dashboard() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(url)
        page.wait_for_selector(CARD)
        page.wait_for_selector(MARKER, state="attached")
        slider = page.locator('[data-testid="stSlider"] input[type="range"]').first

        def run_count() -> int:
            return int(page.locator(MARKER).text_content() or 0)

        def press(key: str) -> tuple[float, float]:
            before_card, before_run = page.locator(CARD).first.inner_text(), run_count()
            slider.focus()
            start = time.perf_counter()
            slider.press(key)
            page.wait_for_function(
                "([selector, before]) => document.querySelector(selector).innerText !== before",
                arg=[CARD, before_card], polling="raf")
            card = time.perf_counter() - start
            page.wait_for_function(
                "([selector, before]) => Number(document.querySelector(selector).textContent)"
                " > before", arg=[MARKER, before_run], polling="raf")
            return card, time.perf_counter() - start

        for key in ("ArrowRight", "ArrowLeft"):  # warm-up: caches, imports, plotly
            press(key)
        for index in range(presses):
            card, settled = press("ArrowRight" if index % 2 == 0 else "ArrowLeft")
            card_times.append(card)
            settled_times.append(settled)
        browser.close()
    return card_times, settled_times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=15)
    arguments = parser.parse_args()
    card, settled = measure(arguments.presses)
    card_median, settled_median = statistics.median(card), statistics.median(settled)
    print(f"key press → first card updated: median {card_median:.3f} s "
          f"(min {min(card):.3f}, max {max(card):.3f}, {len(card)} presses)")
    print(f"key press → run marker updated (all cards and charts): median {settled_median:.3f} s "
          f"(min {min(settled):.3f}, max {max(settled):.3f})")
    verdict = "met" if settled_median < 1.0 else "NOT met"
    write_section("bench_dashboard.py", "\n".join([
        "## Dashboard: key press on a lever → updated page (2,000 draws)",
        "",
        f"Written by `benchmarks/bench_dashboard.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} "
        "UTC: Streamlit server on 127.0.0.1, Debian chromium (headless) driven by Playwright, "
        f"{len(card)} alternating ArrowRight/ArrowLeft presses on the day-pass price slider "
        "after two warm-up presses.",
        "",
        "| measured until | median (s) | min (s) | max (s) |",
        "|---|---:|---:|---:|",
        f"| first card shows the new value | {card_median:.3f} | {min(card):.3f} | {max(card):.3f} |",
        f"| rerun finished (all cards and charts) | {settled_median:.3f} | {min(settled):.3f} | "
        f"{max(settled):.3f} |",
        "",
        f"Target: under 1 s after the slider is released — {verdict} (median, rerun finished).",
    ]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
