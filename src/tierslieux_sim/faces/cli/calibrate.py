"""``tierslieux calibrate``: run every reference site from its launch-time inputs
(leave-one-out priors), write the calibration report (Markdown) and its PIT histogram (PNG,
beside the report: ``calibration.md`` → ``calibration_pit.png``).

The PNG is a Plotly figure exported with kaleido when it is installed, else printed from its
HTML by headless chromium through Playwright (never ``playwright install``: the system's
``/usr/bin/chromium``). A figure that cannot be drawn leaves the report without it (a
warning, exit 0).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from tierslieux_sim.analysis.calibration import (
    DEMAND_VARIANTS,
    Calibration,
    calibrate,
    calibration_markdown,
    pit_histogram_data,
)
from tierslieux_sim.core.atomic import atomic_path
from tierslieux_sim.core.i18n import message
from tierslieux_sim.core.safe_text import clean
from tierslieux_sim.faces.cli.arguments import EXIT_BAD_INPUT, output_problem
from tierslieux_sim.faces.cli.common import print_labelled, write_output
from tierslieux_sim.faces.cli.run import _refused
from tierslieux_sim.faces.dashboard.serve import CHROMIUM_ARGS, CHROMIUM_PATH

DEFAULT_OUT = Path("calibration.md")
FIGURE_SUFFIX = "_pit.png"
FIGURE_SIZE = (900, 420)
GROUP_COLOURS = {"users": "#1f77b4", "occupancy": "#ff7f0e", "revenue": "#2ca02c",
                 "result": "#9467bd"}


def figure_path(report: Path) -> Path:
    """``docs/calibration.md`` → ``docs/calibration_pit.png``."""
    return report.with_name(report.stem + FIGURE_SUFFIX)


def pit_figure(calibration: Calibration) -> Any:
    """PIT histograms (Plotly), one panel per way of setting demand, bars stacked by
    observable; the dashed line is what a calibrated model would give."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    data = pit_histogram_data(calibration)
    edges = data["edges"][""]
    centres = [(low + high) / 2 for low, high in zip(edges, edges[1:], strict=False)]
    variants = [v for v in DEMAND_VARIANTS if v in data]
    titles = {"reference": "demand from the reference class (leave-one-out)",
              "preset": "demand from the presets"}
    figure = make_subplots(rows=1, cols=len(variants), shared_yaxes=True,
                           subplot_titles=[titles[v] for v in variants])
    for column, variant in enumerate(variants, start=1):
        total = sum(sum(counts) for counts in data[variant].values())
        for group, counts in data[variant].items():
            figure.add_trace(go.Bar(x=centres, y=counts, name=group, width=edges[1] - edges[0],
                                    marker_color=GROUP_COLOURS.get(group),
                                    showlegend=column == 1, legendgroup=group),
                             row=1, col=column)
        expected = total / len(centres)
        figure.add_trace(go.Scatter(x=[0, 1], y=[expected, expected], mode="lines",
                                    line={"dash": "dash", "color": "black"},
                                    name="calibrated (uniform)", showlegend=column == 1),
                         row=1, col=column)
        figure.update_xaxes(title_text="PIT of the observed value", range=[0, 1], row=1,
                            col=column)
    figure.update_yaxes(title_text="observations", row=1, col=1)
    figure.update_layout(barmode="stack", width=FIGURE_SIZE[0], height=FIGURE_SIZE[1],
                         template="plotly_white", margin={"l": 60, "r": 20, "t": 50, "b": 50},
                         legend={"orientation": "h", "y": -0.25})
    return figure


def write_png(figure: Any, target: Path) -> None:
    """The figure as PNG: kaleido if it works, else Playwright + the system's chromium."""
    try:
        figure.write_image(str(target), width=FIGURE_SIZE[0], height=FIGURE_SIZE[1], scale=2)
        return
    except Exception:  # kaleido missing or unable to start its browser: print the HTML
        pass
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        html = Path(folder) / "figure.html"
        figure.write_html(str(html), include_plotlyjs=True, full_html=True,
                          config={"staticPlot": True})
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH,
                                                 args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": FIGURE_SIZE[0],
                                                  "height": FIGURE_SIZE[1]},
                                        device_scale_factor=2)
                page.goto(html.as_uri())
                page.wait_for_selector(".main-svg", timeout=30_000)
                page.screenshot(path=str(target), full_page=False)
            finally:
                browser.close()


def command_calibrate(arguments: argparse.Namespace) -> int:
    """Score the reference sites, write the report and its figure."""
    out = arguments.out or DEFAULT_OUT
    if _refused(output_problem(out, (".md",), "calibration.bad_suffix")):
        return EXIT_BAD_INPUT
    print(message("calibration.running", draws=arguments.draws), file=sys.stderr)
    calibration = calibrate(draws=arguments.draws, seed=arguments.seed or 0,
                            progress=lambda slug: print(f"  {slug}", file=sys.stderr))
    png = figure_path(out)
    figure_name: str | None = png.name
    try:
        with atomic_path(png) as temporary:
            write_png(pit_figure(calibration), temporary)
        print(message("calibration.figure_written", path=clean(png)))
    except Exception as error:  # the report is still worth having without its figure
        print_labelled("cli.warning", message("calibration.figure_failed",
                                              detail=clean(str(error).splitlines()[0]
                                                           if str(error) else type(error).__name__)))
        figure_name = None
    text = calibration_markdown(calibration, figure_name,
                                command=f"tierslieux calibrate --draws {arguments.draws}"
                                        f" --seed {arguments.seed or 0}")
    code = write_output(lambda target: target.write_text(text, "utf-8"), out,
                        "calibration.written")
    summary = calibration.summary("reference")
    print(message("calibration.summary", inside=summary.inside, n=summary.n,
                  share=f"{100 * summary.inside_share:.0f}"))
    return code
