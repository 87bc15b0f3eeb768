"""Charts of the report read in black and white print: the traces a legend shows are pairwise
told apart without colour, by their glyph (line, area, bar, markers), line dash, marker
symbol, a hatching whose ink shows on its fill, a heavier outline, or a grey level (ITU-R
BT.601 luma, computed here independently of the plotting modules) at least 20 % apart."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import plotly.graph_objects as go
import pytest

from tierslieux_sim.faces.report import report_figures

#: Smallest luma difference (0 black – 1 white) two fills or lines need to differ by.
MIN_GREY_GAP = 0.20
#: Smallest contrast between a hatching's ink and its fill for the hatching to show.
MIN_HATCH_CONTRAST = 0.20
#: Smallest difference of outline widths [px] that tells two bars apart.
MIN_OUTLINE_GAP = 1.0


def luma(colour: str) -> float:
    """ITU-R BT.601 luma of ``#RRGGBB``, ``rgb(…)`` or ``rgba(…)`` (translucent colours seen
    over white paper), from 0 (black) to 1 (white)."""
    colour = colour.strip().lower()
    match = re.fullmatch(r"#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})", colour)
    if match:
        red, green, blue = (int(part, 16) for part in match.groups())
        alpha = 1.0
    else:
        match = re.fullmatch(r"rgba?\(([^)]*)\)", colour)
        assert match, f"colour not understood: {colour!r}"
        parts = [float(part) for part in match.group(1).split(",")]
        red, green, blue = parts[:3]
        alpha = parts[3] if len(parts) > 3 else 1.0
    y = (0.299 * red + 0.587 * green + 0.114 * blue) / 255
    return alpha * y + (1 - alpha)


@dataclass(frozen=True)
class Look:
    """What a trace looks like in grey print (and in its legend entry)."""

    name: str
    glyph: str  # "line", "area", "bar" or "markers"
    dash: str = ""
    symbol: str = ""
    hatch: str = ""  # a hatching shape whose ink shows, else ""
    outline: float = 0.0
    grey: float = 0.0


def _hatch(pattern, fill: str) -> str:
    shape = (pattern.shape or "") if pattern is not None else ""
    if not shape:
        return ""
    if pattern.fgcolor is None:  # plotly picks a contrasting ink itself
        return shape
    opacity = 1.0 if pattern.fgopacity is None else pattern.fgopacity
    return shape if opacity * abs(luma(pattern.fgcolor) - luma(fill)) >= MIN_HATCH_CONTRAST \
        else ""


def look(trace) -> Look:
    name = str(trace.name)
    if trace.type == "bar":
        fill = trace.marker.color
        assert isinstance(fill, str), f"{name}: one explicit colour per bar trace"
        return Look(name, "bar", hatch=_hatch(trace.marker.pattern, fill),
                    outline=float(trace.marker.line.width or 0.0), grey=luma(fill))
    assert trace.type == "scatter", f"{name}: trace type {trace.type} not checked"
    mode = trace.mode or "lines"
    if (trace.fill not in (None, "none")) or trace.stackgroup:
        fill = trace.fillcolor or trace.line.color
        return Look(name, "area", hatch=_hatch(trace.fillpattern, fill), grey=luma(fill))
    if "lines" in mode:
        return Look(name, "line", dash=trace.line.dash or "solid",
                    symbol=(trace.marker.symbol or "circle") if "markers" in mode else "",
                    grey=luma(trace.line.color))
    return Look(name, "markers", symbol=trace.marker.symbol or "circle",
                grey=luma(trace.marker.color))


def distinguishable(a: Look, b: Look) -> bool:
    return (a.glyph != b.glyph or a.dash != b.dash or a.symbol != b.symbol
            or a.hatch != b.hatch or abs(a.outline - b.outline) >= MIN_OUTLINE_GAP
            or abs(a.grey - b.grey) >= MIN_GREY_GAP)


def legend_traces(figure: go.Figure) -> list:
    """The traces a legend shows (plotly shows none for a single trace by default)."""
    if figure.layout.showlegend is False:
        return []
    shown = [trace for trace in figure.data if trace.showlegend is not False]
    if len(shown) == 1 and figure.layout.showlegend is not True:
        return []
    return shown


def confusions(figure: go.Figure) -> list[tuple[str, str]]:
    """Pairs of legend entries (and of named lines drawn as shapes, such as the P50 / P80 /
    P90 markers of a histogram) that only colour tells apart."""
    looks = [look(trace) for trace in legend_traces(figure)]
    pairs = [(a.name, b.name) for a, b in itertools.combinations(looks, 2)
             if not distinguishable(a, b)]
    lines = [shape for shape in figure.layout.shapes if shape.name and shape.type == "line"]
    for a, b in itertools.combinations(lines, 2):
        if (a.line.dash or "solid") == (b.line.dash or "solid") and \
                abs(luma(a.line.color) - luma(b.line.color)) < MIN_GREY_GAP:
            pairs.append((a.name, b.name))
    return pairs


# --- the checker itself ---------------------------------------------------------------------

def test_luma_of_known_colours():
    assert luma("#000000") == 0 and luma("#FFFFFF") == pytest.approx(1)
    assert luma("#888888") == pytest.approx(0x88 / 255)
    assert luma("rgb(255, 0, 0)") == pytest.approx(0.299)
    assert luma("rgba(0, 0, 0, 0.25)") == pytest.approx(0.75)  # over white paper


def test_the_checker_catches_colour_only_differences():
    def bars(*markers) -> go.Figure:
        return go.Figure([go.Bar(x=[1], y=[1], name=str(i), marker=marker)
                          for i, marker in enumerate(markers)])

    # Okabe-Ito blue and vermilion: different hues, close greys
    assert confusions(bars({"color": "#0072B2"}, {"color": "#D55E00"})) == [("0", "1")]
    assert confusions(bars({"color": "#0072B2"}, {"color": "#E6E6E6"})) == []
    assert confusions(bars({"color": "#0072B2"},
                           {"color": "#D55E00", "pattern": {"shape": "/"}})) == []
    # a hatching inked in a grey close to its fill does not show
    assert confusions(bars({"color": "#0072B2"},
                           {"color": "#D55E00", "pattern": {"shape": "/",
                                                            "fgcolor": "#666666"}})) != []
    assert confusions(bars({"color": "#0072B2"},
                           {"color": "#D55E00", "line": {"width": 2}})) == []
    lines = go.Figure([go.Scatter(x=[1, 2], y=[1, 2], name="a", line={"color": "#0072B2"}),
                       go.Scatter(x=[1, 2], y=[2, 1], name="b", line={"color": "#D55E00"})])
    assert confusions(lines) == [("a", "b")]
    lines.data[1].line.dash = "dash"
    assert confusions(lines) == []
    lines.data[1].showlegend = False
    assert legend_traces(lines) == []  # a single entry: no legend


# --- every chart of the report ----------------------------------------------------------------

@pytest.fixture(scope="module", params=["default_run", "rich_run"])
def figures(request):
    return report_figures(request.getfixturevalue(request.param))


def test_report_charts_read_in_black_and_white(figures):
    assert len(figures) >= 10
    problems = {figure.key: confusions(figure.figure) for figure in figures}
    assert {key: pairs for key, pairs in problems.items() if pairs} == {}


def test_the_legends_checked_are_not_empty(figures):
    """The test above checks something: the charts with several series have a legend."""
    with_legend = {figure.key for figure in figures if len(legend_traces(figure.figure)) > 1}
    assert {"cash_fan", "yearly_revenue_costs", "occupancy", "users_by_segment",
            "public_money_by_funder", "drivers_tornado"} <= with_legend
    histogram = next(figure for figure in figures
                     if figure.key == "balancing_subsidy_distribution")
    assert len([shape for shape in histogram.figure.layout.shapes if shape.name]) == 4
