"""Plotly figures and one-sentence readings of the analyses (no Streamlit): the tornado, the
Sobol' indices, the scatter of an output against an input, and the "what must be true"
search. Texts come from the message catalogue, numbers from :mod:`.formatting`; traces carry
a language-independent ``meta`` key (``"p10"``, ``"p90"``, ``"first_order"``…) for tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from tierslieux_sim.analysis.sensitivity import SobolIndices, Tornado
from tierslieux_sim.analysis.solve import SolveResult
from tierslieux_sim.core.formatting import format_number
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.outputs import Output
from tierslieux_sim.scenario.fields import unit_text
from tierslieux_sim.scenario.labels import format_value, input_label
from tierslieux_sim.views.plots import (
    CENTRAL_COLOUR,
    MEDIAN_COLOUR,
    OKABE_ITO,
    _colon,
    _eur_axis,
    _layout,
    _percent_axis,
    hatch,
)
from tierslieux_sim.views.readings import reading_scatter, reading_solve, reading_tornado, resolved_language

__all__ = ["reading_scatter", "reading_solve", "reading_tornado", "scatter_chart",
           "sobol_chart", "solve_chart", "tornado_chart"]

#: Bars shown at most in a tornado or a Sobol' chart.
TOP_INPUTS = 12
#: Points drawn at most in a scatter (a systematic subsample beyond).
MAX_SCATTER_POINTS = 2_000
#: Bins of the input for the trend line of a scatter.
SCATTER_BINS = 10
LOW_COLOUR, HIGH_COLOUR = OKABE_ITO[5], OKABE_ITO[0]


def _value_axis(output: Output, language: str, values: Any = ()) -> dict[str, Any]:
    """Euro or percent ticks; a percent axis runs from 0 to a little above the largest value."""
    if output.kind == "eur":
        return _eur_axis(language)
    if output.kind in ("probability", "rate"):
        largest = max([float(v) for v in values if np.isfinite(v)], default=1.0)
        return _percent_axis(language, min(1.0, float(np.ceil(largest * 1.1 / 0.05)) * 0.05
                                           or 0.05))
    return {}


def _wrapped(label: str, width: int = 34) -> str:
    """Long input labels on two lines (``<br>``) so the chart keeps its width."""
    if len(label) <= width or " — " not in label:
        return label
    head, tail = label.split(" — ", 1)
    return f"{head}<br>— {tail}"


# --- tornado -------------------------------------------------------------------------------

def tornado_chart(tornado: Tornado, language: str | None = None, top: int = TOP_INPUTS
                  ) -> go.Figure:
    """Horizontal bars from the baseline to the output with each input at its P10 and at its
    P90, the input moving the output most at the top."""
    language = resolved_language(language)
    output = tornado.output
    bars = tornado.bars[:top]
    labels = [_wrapped(input_label(tornado.scenario, bar.path, language)) for bar in bars]
    figure = go.Figure()
    for end, colour, pattern in (("low", LOW_COLOUR, "/"), ("high", HIGH_COLOUR, "")):
        values = [bar.output_low if end == "low" else bar.output_high for bar in bars]
        name = message(f"plot.tornado.{end}", language)
        custom = [[bar.input_text(end, language), output.format(value, language)]
                  for bar, value in zip(bars, values, strict=True)]
        figure.add_trace(go.Bar(
            y=labels, x=[value - tornado.baseline for value in values], base=tornado.baseline,
            orientation="h", name=name, meta="p10" if end == "low" else "p90",
            marker={"color": colour, "pattern": hatch(pattern, colour)}, customdata=custom,
            hovertemplate=f"%{{y}}<br>{name}{_colon(language)}%{{customdata[0]}} → "
                          f"%{{customdata[1]}}<extra></extra>"))
    figure.add_vline(x=tornado.baseline, line={"color": CENTRAL_COLOUR, "width": 2})
    subtitle = (message("plot.tornado.subtitle_central", language)
                if tornado.basis == "central" else
                message("plot.tornado.subtitle_monte_carlo", language,
                        draws=format_number(tornado.draws, 0, language),
                        baseline=output.format(tornado.baseline, language)))
    _layout(figure, language, title=message("plot.tornado.title", language,
                                            output=output.label(language)),
            subtitle=subtitle, x_title=output.label(language), y_title="", hovermode="closest")
    figure.update_layout(barmode="overlay", height=max(360, 70 + 42 * len(bars)),
                         margin={"l": 20})
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(**_value_axis(output, language, [tornado.baseline] + [
        v for bar in bars for v in (bar.output_low, bar.output_high)]))
    return figure


# --- Sobol' --------------------------------------------------------------------------------

def sobol_chart(indices: SobolIndices, language: str | None = None, top: int = TOP_INPUTS
                ) -> go.Figure:
    """First-order and total indices of the inputs with the largest total index, with their
    bootstrap confidence intervals."""
    language = resolved_language(language)
    table = indices.table().head(top)
    labels = [_wrapped(input_label(indices.scenario, path, language)) if indices.scenario
              else path for path in table["path"]]
    figure = go.Figure()
    for key, colour in (("first_order", OKABE_ITO[1]), ("total_order", OKABE_ITO[0])):
        figure.add_trace(go.Bar(
            y=labels, x=table[key], orientation="h", meta=key, marker={"color": colour},
            name=message(f"plot.sobol.{key}", language),
            error_x={"type": "data", "symmetric": False,
                     "array": (table[f"{key}_high"] - table[key]).clip(lower=0),
                     "arrayminus": (table[key] - table[f"{key}_low"]).clip(lower=0)},
            hovertemplate="%{y}: %{x:.2f}<extra></extra>"))
    _layout(figure, language, title=message("plot.sobol.title", language,
                                            output=indices.output.label(language)
                                            if indices.output else ""),
            subtitle=message("plot.sobol.subtitle", language,
                             samples=format_number(indices.samples, 0, language),
                             level=format_number(100 * indices.confidence_level, 0, language)),
            x_title=message("plot.sobol.axis", language), y_title="", hovermode="closest")
    figure.update_layout(barmode="group", height=max(360, 70 + 48 * len(table)), margin={"l": 20})
    figure.update_yaxes(autorange="reversed", automargin=True)
    return figure


# --- scatter -------------------------------------------------------------------------------

def _bins(x: np.ndarray) -> np.ndarray:
    """Bin number of each draw: quantile bins of the input (its values when it takes few)."""
    unique = np.unique(x)
    if unique.size <= SCATTER_BINS:
        return np.searchsorted(unique, x)
    edges = np.unique(np.quantile(x, np.linspace(0, 1, SCATTER_BINS + 1)))
    return np.clip(np.searchsorted(edges, x, side="right") - 1, 0, edges.size - 2)


def scatter_chart(x: np.ndarray, y: np.ndarray, *, input_name: str, unit: str,
                  output: Output, language: str | None = None) -> go.Figure:
    """The per-draw output against one input: a cloud of draws (at most
    :data:`MAX_SCATTER_POINTS`) and the trend by bins of the input (median of the output, or
    for a probability the share of draws meeting it)."""
    language = resolved_language(language)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    finite = np.isfinite(y) & np.isfinite(x)
    figure = go.Figure()
    if not output.is_probability:
        step = max(1, int(np.ceil(finite.sum() / MAX_SCATTER_POINTS)))
        shown = np.flatnonzero(finite)[::step]
        figure.add_trace(go.Scatter(
            x=x[shown], y=y[shown], mode="markers", meta="draws",
            name=message("plot.scatter.draws", language),
            marker={"size": 5, "color": "rgba(0, 114, 178, 0.35)"},
            customdata=[[format_value(x[i], unit, language), output.format(y[i], language)]
                        for i in shown],
            hovertemplate="%{customdata[0]} → %{customdata[1]}<extra></extra>"))
    bins = _bins(x[finite])
    centres, trend = [], []
    for b in np.unique(bins):
        members = bins == b
        centres.append(float(np.median(x[finite][members])))
        values = y[finite][members]
        trend.append(float(np.mean(values)) if output.is_probability else float(np.median(values)))
    trend_name = message("plot.scatter.share" if output.is_probability else "plot.scatter.median",
                         language)
    figure.add_trace(go.Scatter(
        x=centres, y=trend, mode="lines+markers", meta="trend", name=trend_name,
        line={"color": CENTRAL_COLOUR, "width": 3}, marker={"size": 8},
        customdata=[[format_value(c, unit, language), output.format(t, language)]
                    for c, t in zip(centres, trend, strict=True)],
        hovertemplate=f"{trend_name}<br>%{{customdata[0]}} → %{{customdata[1]}}<extra></extra>"))
    x_title = f"{input_name} ({unit_text(unit, language)})" if unit else input_name
    _layout(figure, language, title=message("plot.scatter.title", language,
                                            output=output.label(language), input=input_name),
            subtitle=message("plot.scatter.subtitle", language,
                             draws=format_number(int(finite.sum()), 0, language)),
            x_title=x_title, y_title=output.label(language), hovermode="closest")
    figure.update_yaxes(**_value_axis(output, language, [*trend, *y[finite]]))
    return figure


# --- what must be true ---------------------------------------------------------------------

def solve_chart(result: SolveResult, language: str | None = None) -> go.Figure:
    """The statistic at every value of the input the search evaluated, the target (dashed),
    the answer (bold) and its Monte Carlo uncertainty (band)."""
    language = resolved_language(language)
    output = result.target.output
    table = result.table()
    figure = go.Figure()
    if result.interval is not None and result.interval[0] != result.interval[1]:
        figure.add_vrect(x0=result.interval[0], x1=result.interval[1],
                         fillcolor="rgba(0, 114, 178, 0.15)", line_width=0)
    figure.add_trace(go.Scatter(
        x=table["value"], y=table["statistic"], mode="lines+markers", meta="statistic",
        name=output.label(language), line={"color": MEDIAN_COLOUR, "width": 2},
        customdata=[[format_value(v, result.unit, language), output.format(s, language)]
                    for v, s in zip(table["value"], table["statistic"], strict=True)],
        hovertemplate="%{customdata[0]} → %{customdata[1]}<extra></extra>"))
    figure.add_hline(y=result.target.threshold, line={"dash": "dash", "color": OKABE_ITO[5]},
                     annotation_text=message("plot.solve.target", language,
                                             value=output.format(result.target.threshold,
                                                                 language)))
    figure.add_vline(x=result.current, line={"dash": "dot", "color": "#555555"},
                     annotation_text=message("plot.solve.current", language))
    if result.value is not None:
        figure.add_vline(x=result.value, line={"color": CENTRAL_COLOUR, "width": 3},
                         annotation_text=format_value(result.value, result.unit, language),
                         annotation_position="top left")
    label = input_label(result.scenario, result.vary, language)
    _layout(figure, language, title=message("plot.solve.title", language, input=label),
            subtitle=message("plot.solve.subtitle", language,
                             draws=format_number(result.draws, 0, language)),
            x_title=f"{label} ({unit_text(result.unit, language)})" if result.unit else label,
            y_title=output.label(language), hovermode="closest")
    figure.update_yaxes(**_value_axis(output, language, [*table["statistic"],
                                                         result.target.threshold]))
    return figure


