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

**Load** (issue 11, "Ten officials at once"): ``--load`` measures instead N browser contexts
on one server, each moving a different lever slider five times at once with the others:

    python benchmarks/bench_dashboard.py --load [--sessions 10] [--moves 5]
        [--before-src /tmp/before/src]

* **settled page**: key press → run marker updated, every move of every session (median,
  90th percentile, worst); **card**: key press → first card changed;
* **server CPU per move**: the server process's CPU time (``/proc/<pid>/stat``) over the
  moves of one session alone (quiet), and over the moves of the N sessions (loaded);
* **first card of a new session**: page opened → first card shown, the server warm (after
  the load), median of three new sessions;
* **server memory**: resident set (``VmRSS``) idle, after the N sessions, and after twice
  N sessions (the first ones still open; each new one moves its slider once).

``--before-src`` runs the same measurements first on another version of the package (a
``src`` folder, e.g. ``git archive <commit> src | tar -x -C /tmp/before``) and writes both,
measured in the same run, with their ratios. Its section of ``benchmarks/RESULTS.md`` is
``bench_dashboard.py (load)``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from playwright.async_api import async_playwright
from playwright.sync_api import sync_playwright
from results_file import write_section

from tierslieux_sim.faces.dashboard.serve import CHROMIUM_ARGS, CHROMIUM_PATH, running_dashboard

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
    parser.add_argument("--load", action="store_true", help="the load section (issue 11)")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--moves", type=int, default=5)
    parser.add_argument("--before-src", help="a src folder of the version to compare with")
    arguments = parser.parse_args()
    if arguments.load:
        return load_main(arguments.sessions, arguments.moves, arguments.before_src)
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


# --- load: N sessions at once (issue 11) -----------------------------------------------------

SLIDER = '[data-testid="stSlider"] input[type="range"]'
#: Longest wait for one page or one move [ms]: the loop ends by itself if the server stalls.
LOAD_TIMEOUT_MS = 240_000
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def server_pid() -> int:
    """The dashboard server started by :func:`running_dashboard`: this process's child
    running streamlit (read from ``/proc``, never looked up by name elsewhere)."""
    me = os.getpid()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = open(f"/proc/{entry.name}/stat").read()  # noqa: SIM115
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            command = open(f"/proc/{entry.name}/cmdline", "rb").read()  # noqa: SIM115
            if parent == me and b"streamlit" in command:
                return int(entry.name)
    raise RuntimeError("no dashboard server among this process's children")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process [s]."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process [MB] (``VmHWM``: its peak so far)."""
    for line in open(f"/proc/{pid}/status"):  # noqa: SIM115
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field}")


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


@dataclass
class LoadFigures:
    """What one version of the dashboard measured under load."""

    label: str
    cold_first_card_s: float = 0.0
    settled_s: list[float] = field(default_factory=list)
    card_s: list[float] = field(default_factory=list)
    cards_first: int = 0
    quiet_cpu_per_move_s: float = 0.0
    loaded_cpu_per_move_s: float = 0.0
    warm_first_card_s: list[float] = field(default_factory=list)
    rss_idle_mb: float = 0.0
    rss_sessions_mb: float = 0.0
    rss_twice_mb: float = 0.0
    peak_mb: float = 0.0
    load_averages: list[str] = field(default_factory=list)


class Session:
    """One browser context on the dashboard: an official with their own page."""

    def __init__(self, page, index: int):
        self.page, self.index = page, index

    @classmethod
    async def open(cls, browser, url: str, index: int) -> tuple[Session, float]:
        """A new session; returns it and the time until its first card [s]."""
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        page.set_default_timeout(LOAD_TIMEOUT_MS)
        start = time.perf_counter()
        await page.goto(url)
        await page.wait_for_selector(CARD)
        first_card = time.perf_counter() - start
        await page.wait_for_selector(MARKER, state="attached")
        return cls(page, index), first_card

    async def run_count(self) -> int:
        return int(await self.page.locator(MARKER).text_content() or 0)

    async def move(self) -> tuple[float, float, bool]:
        """ArrowRight on this session's slider: (first card changed or page settled [s],
        page settled [s], whether the card changed before the page settled)."""
        page = self.page
        sliders = page.locator(SLIDER)
        slider = sliders.nth(self.index % await sliders.count())
        before_card = await page.locator(CARD).first.inner_text()
        before_run = await self.run_count()
        await slider.focus()
        start = time.perf_counter()
        await slider.press("ArrowRight")
        card_first = await page.wait_for_function(
            """([card, marker, before, run]) => {
                 const settled = Number(document.querySelector(marker).textContent) > run;
                 if (document.querySelector(card).innerText !== before) return "card";
                 return settled ? "settled" : false;
               }""", arg=[CARD, MARKER, before_card, before_run], polling="raf")
        card = time.perf_counter() - start
        await page.wait_for_function(
            "([selector, before]) => Number(document.querySelector(selector).textContent)"
            " > before", arg=[MARKER, before_run], polling="raf")
        return card, time.perf_counter() - start, await card_first.json_value() == "card"


async def measure_load(label: str, sessions: int, moves: int) -> LoadFigures:
    figures = LoadFigures(label)
    with running_dashboard(timeout_s=120) as url:
        pid = server_pid()
        figures.rss_idle_mb = rss_mb(pid)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM_PATH,
                                                       args=CHROMIUM_ARGS)
            # cold server: the first session pays the imports and the first run
            first, figures.cold_first_card_s = await Session.open(browser, url, 0)
            await first.move()  # warm-up: plotly, the figures, the caches
            # quiet: one session alone, its CPU per move
            figures.load_averages.append(load_average())
            before = cpu_seconds(pid)
            for _ in range(moves):
                await first.move()
            figures.quiet_cpu_per_move_s = (cpu_seconds(pid) - before) / moves
            # loaded: N sessions open, then each moves its own slider `moves` times at once
            opened = [first] + [session for session, _ in await asyncio.gather(*(
                Session.open(browser, url, index) for index in range(1, sessions)))]
            figures.load_averages.append(load_average())
            before = cpu_seconds(pid)

            async def official(session: Session) -> list[tuple[float, float, bool]]:
                return [await session.move() for _ in range(moves)]

            for timings in await asyncio.gather(*(official(s) for s in opened)):
                for card, settled, card_first in timings:
                    figures.card_s.append(card)
                    figures.settled_s.append(settled)
                    figures.cards_first += card_first
            figures.loaded_cpu_per_move_s = (cpu_seconds(pid) - before) / (sessions * moves)
            figures.rss_sessions_mb = rss_mb(pid)
            figures.load_averages.append(load_average())
            # a new session on the warm server, three times (one after the other)
            for index in range(3):
                _, first_card = await Session.open(browser, url, sessions + index)
                figures.warm_first_card_s.append(first_card)
            # twice as many sessions, each moving once: memory
            for index in range(sessions + 3, 2 * sessions):
                session, _ = await Session.open(browser, url, index)
                await session.move()
            figures.rss_twice_mb = rss_mb(pid)
            figures.peak_mb = rss_mb(pid, "VmHWM")
            figures.load_averages.append(load_average())
            await browser.close()
    return figures


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def load_rows(figures: LoadFigures, sessions: int) -> dict[str, float]:
    return {
        "server CPU per move, one session alone (s)": figures.quiet_cpu_per_move_s,
        f"server CPU per move, {sessions} sessions at once (s)": figures.loaded_cpu_per_move_s,
        "settled page, median (s)": statistics.median(figures.settled_s),
        "settled page, 90th percentile (s)": percentile(figures.settled_s, 0.9),
        "settled page, worst (s)": max(figures.settled_s),
        "first card after a move, median (s)": statistics.median(figures.card_s),
        "first card of the first session, cold server (s)": figures.cold_first_card_s,
        "first card of a new session, warm server, median of 3 (s)":
            statistics.median(figures.warm_first_card_s),
        "server memory idle (MB)": figures.rss_idle_mb,
        f"server memory after {sessions} sessions (MB)": figures.rss_sessions_mb,
        f"server memory after {2 * sessions} sessions (MB)": figures.rss_twice_mb,
        "server memory, peak of the whole run (MB)": figures.peak_mb,
    }


TARGETS = {  # row → (target, its text)
    "server CPU per move, one session alone (s)": (0.15, "≤ 0.15 s"),
    "settled page, 90th percentile (s)": (3.0, "≤ 3 s"),
    "first card of a new session, warm server, median of 3 (s)": (3.0, "≤ 3 s"),
    "server memory after {twice} sessions (MB)": (1536.0, "≤ 1.5 GB"),
}


def load_main(sessions: int, moves: int, before_src: str | None) -> int:
    runs: list[LoadFigures] = []
    if before_src:
        previous = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = os.path.abspath(before_src)  # the server imports it
        try:
            runs.append(asyncio.run(measure_load("before", sessions, moves)))
        finally:
            if previous is None:
                os.environ.pop("PYTHONPATH")
            else:
                os.environ["PYTHONPATH"] = previous
    runs.append(asyncio.run(measure_load("now", sessions, moves)))
    tables = [load_rows(run, sessions) for run in runs]
    targets = {row.format(twice=2 * sessions): value for row, value in TARGETS.items()}
    header = "| measured | " + " | ".join(run.label for run in runs) + (
        " | before / now |" if len(runs) == 2 else " |") + " target |"
    lines = [header, "|---|" + "---:|" * (len(runs) + (len(runs) == 2)) + "---|"]
    for row in tables[-1]:
        values = [table[row] for table in tables]
        decimals = 0 if "MB" in row else 3
        cells = [f"{value:,.{decimals}f}" for value in values]
        if len(runs) == 2:
            cells.append(f"{values[0] / values[1]:.1f}×" if values[1] else "")
        target = targets.get(row)
        verdict = "" if target is None else (
            f"{target[1]}: {'met' if values[-1] <= target[0] else 'NOT met'}")
        lines.append(f"| {row} | " + " | ".join(cells) + f" | {verdict} |")
        print(f"{row}: " + ", ".join(f"{run.label} {cell}"
                                     for run, cell in zip(runs, cells, strict=False)))
    cards_first = ", ".join(f"{run.label}: {run.cards_first} of {len(run.settled_s)}"
                            for run in runs)
    load_lines = "; ".join(f"{run.label}: " + ", ".join(run.load_averages) for run in runs)
    write_section("bench_dashboard.py (load)", "\n".join([
        f"## Dashboard under load: {sessions} sessions × {moves} moves (2,000 draws)",
        "",
        f"Written by `benchmarks/bench_dashboard.py --load` on {datetime.now(UTC):%Y-%m-%d %H:%M}"
        f" UTC. Machine: {os.cpu_count()} cores ({platform.machine()}), shared with other "
        "work; Python " + platform.python_version() + ". One Streamlit server on 127.0.0.1 "
        "and one Debian chromium (headless, Playwright) on the same cores, "
        f"{sessions} browser contexts each pressing ArrowRight {moves} times on its own "
        "lever slider (the Nth session the Nth slider), all at once, each press after the "
        "previous one settled. Server CPU is the server process's own CPU time "
        "(`/proc/<pid>/stat`) divided by the moves; memory its resident set (`VmRSS`)."
        + (" Both columns measured in the same run, one server after the other." if
           len(runs) == 2 else ""),
        "",
        *lines,
        "",
        f"Moves whose first card changed before the page settled (cards before charts): "
        f"{cards_first}.",
        "",
        f"Load average (1 / 5 / 15 min) at the start of the quiet phase, the loaded phase, "
        f"after it and at the end: {load_lines}.",
    ]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
