"""Figure of the outside view (Plotly): each key figure of the scenario (a diamond) among the
real sites' values (dots, named on hover), one row per figure with its own scale."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.results import Results
from tierslieux_sim.views.outside_view import Benchmark, format_figure, outside_view
from tierslieux_sim.views.plots import MEDIAN_COLOUR, OKABE_ITO, _use_template
from tierslieux_sim.views.readings import resolved_language

#: Figures that are shares [0–1], drawn in percent.
PERCENT_FIGURES = ("occupancy", "own_revenue_share")
#: Height of one figure's row [px].
ROW_HEIGHT_PX = 70


def outside_view_chart(results: Results, language: str | None = None,
                       benchmarks: list[Benchmark] | None = None) -> go.Figure:
    """One row per key figure: real sites' values as dots, the scenario as a diamond (red
    when it is more optimistic than nine real sites in ten)."""
    language = resolved_language(language)
    rows = benchmarks if benchmarks is not None else outside_view(results)
    figure = make_subplots(rows=len(rows), cols=1, vertical_spacing=0.6 / len(rows),
                           subplot_titles=[message(f"outside.figure.{b.key}", language)
                                           for b in rows])
    for index, benchmark in enumerate(rows, start=1):
        names = benchmark.site_names()
        # shares drawn in percent, with the French space before "%"
        scale = 100.0 if benchmark.key in PERCENT_FIGURES else 1.0
        figure.add_trace(go.Scatter(
            x=[scale * o.value for o in benchmark.observations], y=[0] * len(names),
            mode="markers",
            marker={"size": 10, "color": MEDIAN_COLOUR, "opacity": 0.7},
            name=message("outside.real_sites", language), showlegend=index == 1,
            hovertext=[f"{name} : {format_figure(benchmark.key, o.value, language)}"
                       + (f" ({o.year})" if o.year else "")
                       for name, o in zip(names, benchmark.observations, strict=True)],
            hoverinfo="text"), row=index, col=1)
        figure.add_trace(go.Scatter(
            x=[scale * benchmark.scenario_value], y=[0], mode="markers",
            marker={"size": 16, "symbol": "diamond",
                    "color": OKABE_ITO[5] if benchmark.warning else OKABE_ITO[1]},
            name=message("outside.scenario", language), showlegend=index == 1,
            hovertext=[format_figure(benchmark.key, benchmark.scenario_value, language)],
            hoverinfo="text"), row=index, col=1)
        figure.update_yaxes(visible=False, range=[-1, 1], row=index, col=1)
        if scale != 1.0:
            figure.update_xaxes(ticksuffix="\u202f%" if language == "fr" else "%", row=index,
                                col=1)
    _use_template(figure)
    figure.update_layout(
        separators=", " if language == "fr" else ".,",
        title={"text": message("outside.chart_title", language), "x": 0.01, "xanchor": "left"},
        height=90 + ROW_HEIGHT_PX * len(rows) + 40, margin={"t": 80, "b": 30, "l": 20, "r": 20},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0.0},
        font={"size": 13})
    return figure
