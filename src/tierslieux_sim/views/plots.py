"""Plotly figures and one-sentence readings of a :class:`~tierslieux_sim.engine.results.Results`.

Shared by the dashboard and the printed reports, so this module knows nothing of Streamlit:
each ``*_chart`` function returns a ``plotly.graph_objects.Figure`` and each ``reading_*``
function a plain sentence, both in French by default (``language="en"`` for English), with
every text taken from the message catalogue and every number formatted by
:mod:`tierslieux_sim.core.formatting`.

Conventions
-----------
- "8 cas sur 10" is the one reading level: bands run from P10 to P90, floors are P20 and
  ceilings P80 of the per-draw values.
- Bounds in readings are rounded *outwards* to the thousand euros (a floor down, a ceiling
  up) so that the sentence stays true; other amounts are rounded to the nearest thousand.
- Monte Carlo bands beside the central case (all inputs at their median), drawn bold.
- Colour-blind-safe palettes (Okabe & Ito; Paul Tol's), and a grey print that still reads:
  dashes tell lines apart, bands are light, areas and bar segments are hatched (each segment
  of a stacked bar its own hatching, inked dark on light fills and white on dark ones, see
  :func:`hatch`), and the costs bar of the yearly chart has a heavy outline.
- Traces carry a language-independent ``meta`` key (``"p10"``, ``"p90"``, ``"median"``,
  ``"central"``, a line name…) for programs and tests; legends carry the translated names.
- Quantiles are computed with numpy on whole ``(draws, months)`` arrays: building every
  figure at 2,000 draws takes a fraction of a second.

Results simulated with ``keep="summary"`` have no per-draw monthly arrays: the charts built
on means and per-draw indicators still work; the monthly fan charts raise ``ValueError``.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from pydantic import TypeAdapter

from tierslieux_sim.core.formatting import (
    NBSP,
    format_eur,
    format_number,
    format_percent,
    keep_with_punctuation,
)
from tierslieux_sim.core.i18n import has_message, message
from tierslieux_sim.engine.results import Results
from tierslieux_sim.scenario.distributions import Discrete, UncertainNumber, _Distribution
from tierslieux_sim.views.readings import (
    READING_LEVEL,
    check_variants,
    mean_over_draws,
    median_autonomy_text,
    month_text,
    quantiles_by_month,
    reading_autonomy_probability,
    reading_balancing_subsidy_distribution,
    reading_cash_fan,
    reading_compare_balancing,
    reading_compare_cash,
    reading_occupancy,
    reading_users_by_segment,
    reading_yearly_revenue_costs,
    require_full,
    resolved_language,
    result_months,
    rounded_eur,
    share_text,
    yearly_sums,
)
from tierslieux_sim.views.yearly import yearly_kpis

__all__ = [
    "CHARTS", "autonomy_probability_chart", "balancing_subsidy_distribution_chart",
    "cash_fan_chart", "compare_balancing_chart", "compare_cash_chart", "distribution_curve",
    "grey_level", "hatch", "line_label", "occupancy_chart", "reading_autonomy_probability",
    "reading_balancing_subsidy_distribution", "reading_cash_fan", "reading_compare_balancing",
    "reading_compare_cash", "reading_occupancy", "reading_users_by_segment",
    "reading_yearly_revenue_costs", "users_by_segment_chart", "yearly_revenue_costs_chart",
]

#: At most this many lines per stacked bar; the smallest others are merged into one.
MAX_STACKED_LINES = 7

#: Okabe & Ito (2008), colour-blind safe; black last.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000")
#: Cool colours of Paul Tol's colour-blind-safe schemes, for the lines of own revenue…
REVENUE_COLOURS = ("#332288", "#88CCEE", "#44AA99", "#117733", "#6699CC", "#999933",
                   "#AA4499", "#DDDDDD")
#: … and warm ones for the lines of costs, so that the two bars never share a colour.
COST_COLOURS = ("#EE8866", "#DDCC77", "#CC6677", "#882255", "#EEDD88", "#CC3311", "#FFAABB",
                "#DDDDDD")
#: Greys for public money (subsidies), hatched.
SUBSIDY_GREYS = ("#BBBBBB", "#888888", "#DDDDDD", "#555555")
BAND_COLOUR = "rgba(0, 114, 178, 0.22)"
MEDIAN_COLOUR = "#0072B2"
CENTRAL_COLOUR = "#000000"
ZERO_LINE_COLOUR = "#555555"
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
PATTERNS = ("", "/", ".", "x", "\\", "+", "-", "|")
#: Hatching ink on light fills (white on dark fills, so that it shows in grey print).
HATCH_INK = "#333333"
#: Outline of the segments of the costs bar of the yearly chart: tells it from the resources
#: bar without colour.
COSTS_OUTLINE = {"color": "#000000", "width": 2.0}

_UNCERTAIN_NUMBER: TypeAdapter[Any] = TypeAdapter(UncertainNumber)


# --- helpers: language, formats, axes ------------------------------------------------------

def grey_level(colour: str) -> float:
    """How light a colour prints in grey: ITU-R BT.601 luma from 0 (black) to 1 (white); a
    translucent ``rgba(…)`` colour is seen over white paper."""
    colour = colour.strip()
    if colour.startswith("#"):
        red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        alpha = 1.0
    else:
        parts = [float(part) for part in colour[colour.index("(") + 1:-1].split(",")]
        red, green, blue = (part / 255 for part in parts[:3])
        alpha = parts[3] if len(parts) > 3 else 1.0
    luma = 0.299 * red + 0.587 * green + 0.114 * blue
    return alpha * luma + (1 - alpha) * 1.0


def hatch(shape: str, colour: str, **options: Any) -> dict[str, Any]:
    """A Plotly fill pattern ``shape`` over ``colour`` whose ink shows in grey print: dark
    (:data:`HATCH_INK`) on light fills, white on dark ones."""
    ink = HATCH_INK if grey_level(colour) >= 0.5 else "#FFFFFF"
    return {"shape": shape, "fgcolor": ink, "size": 6, **options}


def line_label(line: str, language: str | None = None) -> str:
    """Label of a revenue, cost or subsidy line: built-in keys (``staff``, ``day_pass``…) are
    translated from the catalogue (``line.<key>``); user-named lines keep their name."""
    key = f"line.{line}"
    return message(key, resolved_language(language)) if has_message(key) else line


def _year_labels(n_years: int, language: str) -> list[str]:
    return [message("plot.year", language, year=year) for year in range(1, n_years + 1)]


def _yearly_ticks(months: pd.DatetimeIndex, language: str) -> dict[str, Any]:
    """One tick per year from the first month (two when the horizon is long)."""
    step = 12 * max(1, math.ceil(len(months) / 12 / 12))
    ticks = months[::step]
    return {"tickmode": "array", "tickvals": list(ticks),
            "ticktext": [month_text(month, language) for month in ticks],
            "hoverformat": "%m/%Y"}


def _colon(language: str) -> str:
    """``" : "`` with a no-break space in French (hover texts), ``": "`` in English."""
    return f"{NBSP}: " if language == "fr" else ": "


def _eur_axis(language: str) -> dict[str, Any]:
    if language == "fr":
        return {"tickformat": ",.0f", "ticksuffix": f"{NBSP}€"}
    return {"tickformat": ",.0f", "tickprefix": "€"}


def _eur_hover(field: str, language: str) -> str:
    return f"%{{{field}:,.0f}}{NBSP}€" if language == "fr" else f"€%{{{field}:,.0f}}"


def _percent_axis(language: str, top: float = 1.0) -> dict[str, Any]:
    """A 0–``top`` axis of rates with French or English percent ticks."""
    step = 0.05 if top <= 0.3 else 0.1 if top <= 0.6 else 0.2
    ticks = np.round(np.arange(0.0, top + 1e-9, step), 2)
    return {"tickmode": "array", "tickvals": list(ticks),
            "ticktext": [format_percent(t, 0, language) for t in ticks],
            "range": [0.0, top]}


#: Subtitles longer than this [characters] are broken into lines (Plotly does not wrap).
SUBTITLE_WIDTH = 95
#: Height of a chart [px], legend rows a chart holds at that height, and the height added per
#: further legend row (a legend at the bottom takes room from the plot, not from the page).
CHART_HEIGHT_PX = 460
LEGEND_ROWS_INCLUDED = 2
LEGEND_ROW_PX = 22
#: Legend entries per row in a half-page chart (dashboard column, report page).
LEGEND_COLUMNS = 2
#: Longest legend name [characters] that fits half a phone's width (390 px) at 12 px.
LEGEND_SHORT_NAME_CHARS = 18


def _legend_entries(figure: go.Figure) -> list[str]:
    if figure.layout.showlegend is False:
        return []
    return [str(trace.name) for trace in figure.data
            if trace.showlegend is not False and trace.name]


def legend_columns(figure: go.Figure) -> int:
    """Entries a row of the horizontal legend: two when every name is short enough to fit
    half a phone's width (:data:`LEGEND_SHORT_NAME_CHARS`), else one. Fixed whatever the
    screen, so that the rows counted for the figure's height are the rows drawn."""
    names = _legend_entries(figure)
    short = all(len(name) <= LEGEND_SHORT_NAME_CHARS for name in names)
    return LEGEND_COLUMNS if short else 1


def _legend_rows(figure: go.Figure) -> int:
    """Rows of the horizontal legend: entries shown, :func:`legend_columns` to a row."""
    entries = _legend_entries(figure)
    return math.ceil(len(entries) / legend_columns(figure)) if len(entries) > 1 else 0


def wrapped_subtitle(text: str, width: int = SUBTITLE_WIDTH) -> str:
    """A long subtitle on several lines (``<br>``), never breaking before French punctuation
    (:func:`keep_with_punctuation`); a short one unchanged."""
    if len(text) <= width:
        return text
    return "<br>".join(textwrap.wrap(keep_with_punctuation(text), width,
                                     break_long_words=False))


#: Plotly's registered template of every chart.
TEMPLATE = "plotly_white"


def _use_template(figure: go.Figure) -> None:
    """Give ``figure`` the registered :data:`TEMPLATE` without validating it again, as Plotly
    does for its default template: ``update_layout(template=…)`` rebuilt and re-checked the
    whole template object at every chart (a third of a chart's build time)."""
    layout = figure.layout
    layout._validate = False
    try:
        layout.template = pio.templates[TEMPLATE]
    finally:
        layout._validate = figure._validate


def _layout(figure: go.Figure, language: str, *, title: str, subtitle: str, x_title: str,
            y_title: str, hovermode: str = "x unified") -> go.Figure:
    subtitle = wrapped_subtitle(subtitle)
    _use_template(figure)
    figure.update_layout(
        separators=", " if language == "fr" else ".,",
        title={"text": title, "subtitle": {"text": subtitle}, "x": 0.01, "xanchor": "left"},
        xaxis_title=x_title, yaxis_title=y_title,
        # at the bottom of the whole figure, not of the plot: rotated date ticks and the axis
        # title never run into it, and Plotly makes room for a legend of many rows
        # a fixed share of the width per entry (legend_columns), whatever the screen (a
        # phone's too): the rows counted for the height are the rows drawn, none is cut
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0.0,
                "xanchor": "left", "x": 0.0, "entrywidth": 1 / legend_columns(figure),
                "entrywidthmode": "fraction", "font": {"size": 12}},
        margin={"t": 90 + 16 * subtitle.count("<br>"), "b": 40, "l": 80, "r": 30},
        height=CHART_HEIGHT_PX + LEGEND_ROW_PX * max(0, _legend_rows(figure)
                                                     - LEGEND_ROWS_INCLUDED),
        hovermode=hovermode, hoverlabel={"namelength": -1}, font={"size": 13},
    )
    return figure


# --- fan charts ------------------------------------------------------------------------------

def _fan_figure(results: Results, variable: str, language: str, *, title: str, y_title: str,
                hover: Callable[[str], dict[str, Any]], y_axis: dict[str, Any]) -> go.Figure:
    """Band P10–P90 (filled), median (dashes) and central case (bold) of a monthly variable.

    ``hover(trace_label)`` gives the hover settings of a trace and its values.
    """
    require_full(results, title, language)
    months = result_months(results)
    quantiles = quantiles_by_month(results, variable)
    central = results.central[variable].to_numpy()
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=months, y=quantiles["p10"], meta="p10", name=message("plot.trace.p10", language),
        mode="lines", line={"width": 0, "color": MEDIAN_COLOUR}, showlegend=False,
        legendgroup="band", **hover(message("plot.trace.p10", language))))
    figure.add_trace(go.Scatter(
        x=months, y=quantiles["p90"], meta="p90", name=message("plot.trace.band", language),
        mode="lines", line={"width": 0, "color": MEDIAN_COLOUR}, fill="tonexty",
        fillcolor=BAND_COLOUR, legendgroup="band",
        **hover(message("plot.trace.p90", language))))
    figure.add_trace(go.Scatter(
        x=months, y=quantiles["median"], meta="median",
        name=message("plot.trace.median", language), mode="lines",
        line={"width": 2, "color": MEDIAN_COLOUR, "dash": "dash"},
        **hover(message("plot.trace.median", language))))
    figure.add_trace(go.Scatter(
        x=months, y=central, meta="central", name=message("plot.trace.central", language),
        mode="lines", line={"width": 3.5, "color": CENTRAL_COLOUR},
        **hover(message("plot.trace.central", language))))
    _layout(figure, language, title=title,
            subtitle=message("plot.fan.subtitle", language,
                             draws=format_number(results.draws, 0, language)),
            x_title=message("plot.axis.month", language), y_title=y_title)
    figure.update_xaxes(**_yearly_ticks(months, language))
    figure.update_yaxes(**y_axis)
    return figure


def cash_fan_chart(results: Results, language: str | None = None) -> go.Figure:
    """Cash at the end of each month before any balancing subsidy [€]: P10–P90 band, median
    of draws, central case in bold, and the zero line. Needs ``keep="full"``."""
    language = resolved_language(language)
    separator = _colon(language)

    def hover(label: str) -> dict[str, Any]:
        return {"hovertemplate": f"{label}{separator}{_eur_hover('y', language)}<extra></extra>"}

    figure = _fan_figure(results, "cash_eur", language,
                         title=message("plot.cash.title", language),
                         y_title=message("plot.cash.axis", language), hover=hover,
                         y_axis=_eur_axis(language))
    figure.add_hline(y=0.0, line={"color": ZERO_LINE_COLOUR, "width": 1.2, "dash": "dot"},
                     layer="above")
    return figure


def occupancy_chart(results: Results, language: str | None = None) -> go.Figure:
    """Desk occupancy rate by month [%]: P10–P90 band, median of draws, central case in
    bold. Needs ``keep="full"``."""
    language = resolved_language(language)
    separator = _colon(language)

    def hover(label: str) -> dict[str, Any]:
        # Plotly's "%" format has no space before the sign: the texts are formatted here.
        return {"hovertemplate": f"{label}{separator}%{{text}}<extra></extra>"}

    figure = _fan_figure(results, "occupancy_rate", language,
                         title=message("plot.occupancy.title", language),
                         y_title=message("plot.occupancy.axis", language), hover=hover,
                         y_axis=_percent_axis(language))
    for trace in figure.data:
        trace.text = [format_percent(value, 1, language) for value in trace.y]
    return figure


# --- yearly revenue and costs ----------------------------------------------------------------

def _merge_small_lines(yearly: np.ndarray, names: list[str], other_label: str, language: str
                       ) -> tuple[np.ndarray, list[str], list[str], list[str]]:
    """Drop empty lines; keep the ``MAX_STACKED_LINES − 1`` largest, merge the rest.

    Returns the ``(years, kept lines)`` table, the kept names (the merged line last, named
    ``"other"``), their labels and a note for each (the merged lines' labels, else empty).
    """
    totals = np.abs(yearly).sum(axis=0)
    present = [i for i, total in enumerate(totals) if total >= 0.5]
    if len(present) <= MAX_STACKED_LINES:
        kept, merged = present, []
    else:
        by_size = sorted(present, key=lambda i: -totals[i])
        kept = sorted(by_size[:MAX_STACKED_LINES - 1])
        merged = sorted(by_size[MAX_STACKED_LINES - 1:])
    columns = [yearly[:, i] for i in kept]
    keys = [names[i] for i in kept]
    labels = [line_label(names[i], language) for i in kept]
    notes = [""] * len(kept)
    if merged:
        columns.append(yearly[:, merged].sum(axis=1))
        keys.append("other")
        labels.append(other_label)
        notes.append("<br>" + message(
            "plot.other_lines_hover", language,
            lines=", ".join(line_label(names[i], language) for i in merged)))
    table = np.column_stack(columns) if columns else np.zeros((yearly.shape[0], 0))
    return table, keys, labels, notes


def yearly_revenue_costs_chart(results: Results, language: str | None = None,
                               include_subsidies: bool = True) -> go.Figure:
    """By year of operation, two stacked bars: resources (own revenue by line, then
    donations and — with ``include_subsidies`` — operating subsidies in greys) and operating
    costs by line, outlined heavily [€ per year]. Each segment of a bar has its own hatching
    (grey print). Values are the *mean over draws* of yearly totals, so the pieces add up to
    the mean total. Works with ``keep="summary"``."""
    language = resolved_language(language)
    # (variable, bar, group, colours): the group names the catalogue's plot.group.<group>
    # (hover) and plot.other.<group> (merged small lines).
    groups: list[tuple[str, str, str, tuple[str, ...]]] = [
        ("revenue_by_line_eur", "resources", "own_revenue", REVENUE_COLOURS),
        ("donations_by_line_eur", "resources", "donations", OKABE_ITO),
        ("subsidies_by_line_eur", "resources", "subsidies", SUBSIDY_GREYS),
        ("operating_costs_by_line_eur", "costs", "costs", COST_COLOURS)]
    if not include_subsidies:
        groups = [group for group in groups if group[2] != "subsidies"]

    n_years = int(results.central["year"].to_numpy().max())
    x = _year_labels(n_years, language)
    base = {"resources": np.zeros(n_years), "costs": np.zeros(n_years)}
    segments = {"resources": 0, "costs": 0}  # hatching: the segment's rank in its bar
    outlines = {"resources": {"color": HATCH_INK, "width": 0.5}, "costs": COSTS_OUTLINE}
    separator = _colon(language)
    mean_note = message("plot.revenue_costs.hover", language)
    figure = go.Figure()
    for variable, side, group, palette in groups:
        monthly, names = mean_over_draws(results, variable)
        if not names:
            continue
        table, keys, labels, notes = _merge_small_lines(
            yearly_sums(monthly, results), names, message(f"plot.other.{group}", language),
            language)
        group_title = message(f"plot.group.{group}", language)
        for column, (key, label, note) in enumerate(zip(keys, labels, notes, strict=True)):
            values = table[:, column]
            colour = palette[column % len(palette)]
            shape = PATTERNS[segments[side] % len(PATTERNS)]
            segments[side] += 1
            figure.add_trace(go.Bar(
                x=x, y=values, base=base[side].copy(), offsetgroup=side, meta=key, name=label,
                marker={"color": colour, "line": dict(outlines[side]),
                        "pattern": hatch(shape, colour)},
                hovertemplate=(f"<b>{label}</b> · {group_title}<br>%{{x}}{separator}"
                               f"{_eur_hover('y', language)} ({mean_note}){note}"
                               "<extra></extra>"),
            ))
            base[side] = base[side] + values
    _layout(figure, language, title=message("plot.revenue_costs.title", language),
            subtitle=message("plot.revenue_costs.subtitle", language,
                             draws=format_number(results.draws, 0, language)),
            x_title=message("plot.axis.year", language),
            y_title=message("plot.revenue_costs.axis", language), hovermode="closest")
    figure.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05,
                         legend={"font": {"size": 12}})
    figure.update_yaxes(**_eur_axis(language))
    return figure


# --- balancing subsidy and autonomy ----------------------------------------------------------

def balancing_subsidy_distribution_chart(results: Results, language: str | None = None,
                                         max_bins: int = 40) -> go.Figure:
    """Histogram of the total balancing subsidy over the horizon [€] (share of draws per
    bin), with vertical lines at P50, P80, P90 and at the central case. Works with
    ``keep="summary"``."""
    language = resolved_language(language)
    values = results.indicators["balancing_subsidy_eur"].to_numpy()
    edges = np.histogram_bin_edges(values, bins="auto")
    if len(edges) - 1 > max_bins:
        edges = np.histogram_bin_edges(values, bins=max_bins)
    counts, edges = np.histogram(values, bins=edges)
    shares = counts / values.size
    hover_texts = [message("plot.balancing.hover", language,
                           low=format_eur(low, 0, language), high=format_eur(high, 0, language),
                           share=format_percent(share, 1, language))
                   for low, high, share in zip(edges[:-1], edges[1:], shares, strict=True)]
    figure = go.Figure(go.Bar(
        x=(edges[:-1] + edges[1:]) / 2, y=shares, width=np.diff(edges), meta="histogram",
        marker={"color": "#88CCEE", "line": {"color": "#336688", "width": 0.5}},
        hovertext=hover_texts, hovertemplate="%{hovertext}<extra></extra>", showlegend=False))
    p50, p80, p90 = np.quantile(values, [0.5, READING_LEVEL, 0.9])
    markers = [("p50", p50, "solid", MEDIAN_COLOUR),
               ("p80", p80, "dash", "#D55E00"),
               ("p90", p90, "dot", "#CC79A7"),
               ("central", float(results.central_indicators["balancing_subsidy_eur"]), "dashdot",
                CENTRAL_COLOUR)]
    right_edge = max(float(edges[-1]), 1.0)
    for row, (key, value, dash, colour) in enumerate(markers):
        label = message(f"plot.marker.{key}", language, amount=rounded_eur(value, language))
        on_the_right = value > 0.6 * right_edge  # label on the left of its line
        figure.add_shape(type="line", x0=value, x1=value, y0=0, y1=1, yref="paper",
                         line={"color": colour, "width": 2, "dash": dash}, name=key)
        figure.add_annotation(x=value, y=1 - 0.08 * row, yref="paper", text=label,
                              showarrow=False, xanchor="right" if on_the_right else "left",
                              xshift=-4 if on_the_right else 4,
                              bgcolor="rgba(255, 255, 255, 0.8)", font={"color": colour},
                              name=key)
    _layout(figure, language,
            title=message("plot.balancing.title", language, years=results.horizon_years),
            subtitle=message("plot.balancing.subtitle", language,
                             draws=format_number(results.draws, 0, language)),
            x_title=message("plot.balancing.axis_x", language),
            y_title=message("plot.balancing.axis_y", language), hovermode="closest")
    top = min(1.0, math.ceil(float(shares.max()) * 1.4 * 20) / 20)  # room for the labels
    figure.update_layout(margin={"b": 70})  # no legend below
    figure.update_xaxes(**_eur_axis(language), rangemode="tozero")
    figure.update_yaxes(**_percent_axis(language, top))
    return figure


def autonomy_probability_chart(results: Results, language: str | None = None) -> go.Figure:
    """Bars of the probability of autonomy by the end of each year of operation, with the
    Monte Carlo error in the hover and the central case in the subtitle. Works with
    ``keep="summary"``."""
    language = resolved_language(language)
    n_years = results.horizon_years
    probabilities = np.array([results.autonomy_probability(year)
                              for year in range(1, n_years + 1)])
    errors = np.sqrt(probabilities * (1 - probabilities) / results.draws)
    labels = [share_text(p, language) for p in probabilities]
    hover_texts = [message("plot.autonomy.hover", language, share=label,
                           error=format_number(100 * error, 1, language))
                   for label, error in zip(labels, errors, strict=True)]
    x = _year_labels(n_years, language)
    figure = go.Figure(go.Bar(
        x=x, y=probabilities, meta="autonomy_probability", text=labels,
        textposition="outside", cliponaxis=False, marker={"color": "#009E73"},
        hovertext=hover_texts,
        hovertemplate=f"%{{x}}{_colon(language)}%{{hovertext}}<extra></extra>",
        showlegend=False))
    _layout(figure, language, title=message("plot.autonomy.title", language),
            subtitle=message("plot.autonomy.subtitle", language,
                             median=median_autonomy_text(results, language)),
            x_title=message("plot.autonomy.axis_x", language),
            y_title=message("plot.autonomy.axis_y", language), hovermode="closest")
    figure.update_layout(margin={"b": 70})  # no legend below
    figure.update_yaxes(**_percent_axis(language, 1.0))
    figure.update_yaxes(range=[0.0, 1.1])
    return figure


# --- users -----------------------------------------------------------------------------------

def users_by_segment_chart(results: Results, language: str | None = None) -> go.Figure:
    """Mean users by segment and month over draws, stacked (means add up), with the central
    case's total as a dashed line. Works with ``keep="summary"``."""
    language = resolved_language(language)
    months = result_months(results)
    means, segments = mean_over_draws(results, "users_by_segment")
    separator = _colon(language)
    figure = go.Figure()
    for column, segment in enumerate(segments):
        colour = OKABE_ITO[column % len(OKABE_ITO)]
        figure.add_trace(go.Scatter(
            x=months, y=means[:, column], meta=segment, name=segment, mode="lines",
            stackgroup="users", line={"width": 0.8, "color": colour}, fillcolor=colour,
            fillpattern=hatch(PATTERNS[column % len(PATTERNS)], colour, fgopacity=0.75,
                              size=7),
            hovertemplate=f"{segment}{separator}%{{y:,.1f}}<extra></extra>"))
    central_label = message("plot.users.central_total", language)
    figure.add_trace(go.Scatter(
        x=months, y=results.central["users"].to_numpy(), meta="central", name=central_label,
        mode="lines", line={"width": 2.5, "color": CENTRAL_COLOUR, "dash": "dash"},
        hovertemplate=f"{central_label}{separator}%{{y:,.1f}}<extra></extra>"))
    _layout(figure, language, title=message("plot.users.title", language),
            subtitle=message("plot.users.subtitle", language,
                             draws=format_number(results.draws, 0, language)),
            x_title=message("plot.axis.month", language),
            y_title=message("plot.users.axis", language))
    figure.update_xaxes(**_yearly_ticks(months, language))
    figure.update_yaxes(tickformat=",.0f", rangemode="tozero")
    return figure


# --- comparisons -----------------------------------------------------------------------------


def compare_cash_chart(results_by_name: Mapping[str, Results], language: str | None = None,
                       bands: bool = False) -> go.Figure:
    """Median cash by month of each variant [€] (one colour and dash each); with ``bands``,
    their P10–P90 bands lightly. Needs ``keep="full"`` for every variant."""
    language = resolved_language(language)
    check_variants(results_by_name, language)
    title = message("plot.compare_cash.title", language)
    figure = go.Figure()
    all_months: list[pd.DatetimeIndex] = []
    separator = _colon(language)
    for index, (name, results) in enumerate(results_by_name.items()):
        require_full(results, title, language)
        months = result_months(results)
        all_months.append(months)
        quantiles = quantiles_by_month(results, "cash_eur")
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        if bands:
            red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
            figure.add_trace(go.Scatter(
                x=months, y=quantiles["p10"], meta=f"{name}/p10", name=name, mode="lines",
                line={"width": 0, "color": colour}, showlegend=False, legendgroup=name,
                hoverinfo="skip"))
            figure.add_trace(go.Scatter(
                x=months, y=quantiles["p90"], meta=f"{name}/p90", name=name, mode="lines",
                line={"width": 0, "color": colour}, fill="tonexty",
                fillcolor=f"rgba({red}, {green}, {blue}, 0.12)", showlegend=False,
                legendgroup=name, hoverinfo="skip"))
        figure.add_trace(go.Scatter(
            x=months, y=quantiles["median"], meta=f"{name}/median", name=name, mode="lines",
            legendgroup=name, line={"width": 2.5, "color": colour,
                                    "dash": DASHES[index % len(DASHES)]},
            hovertemplate=f"{name}{separator}{_eur_hover('y', language)}<extra></extra>"))
    union = pd.DatetimeIndex(np.unique(np.concatenate([m.to_numpy() for m in all_months])))
    yearly = pd.date_range(union[0], union[-1], freq="MS")
    _layout(figure, language, title=title,
            subtitle=message("plot.compare_cash.subtitle_bands" if bands
                             else "plot.compare_cash.subtitle", language),
            x_title=message("plot.axis.month", language),
            y_title=message("plot.cash.axis", language))
    figure.add_hline(y=0.0, line={"color": ZERO_LINE_COLOUR, "width": 1.2, "dash": "dot"},
                     layer="above")
    figure.update_xaxes(**_yearly_ticks(yearly, language))
    figure.update_yaxes(**_eur_axis(language))
    return figure


def compare_balancing_chart(results_by_name: Mapping[str, Results],
                            language: str | None = None) -> go.Figure:
    """Median (P50) balancing subsidy of each year of operation, one group of bars per year
    and one bar (colour and hatching) per variant [€ per year]. Works with
    ``keep="summary"``."""
    language = resolved_language(language)
    check_variants(results_by_name, language)
    n_years = max(results.horizon_years for results in results_by_name.values())
    x = _year_labels(n_years, language)
    separator = _colon(language)
    figure = go.Figure()
    for index, (name, results) in enumerate(results_by_name.items()):
        p50 = np.full(n_years, np.nan)
        medians = yearly_kpis(results)["balancing_subsidy_p50_eur"].to_numpy()
        p50[:medians.size] = medians
        figure.add_trace(go.Bar(
            x=x, y=p50, meta=name, name=name,
            marker={"color": OKABE_ITO[index % len(OKABE_ITO)],
                    "line": {"color": HATCH_INK, "width": 0.5},
                    "pattern": hatch(PATTERNS[index % len(PATTERNS)],
                                     OKABE_ITO[index % len(OKABE_ITO)])},
            hovertemplate=(f"<b>{name}</b><br>%{{x}}{separator}{_eur_hover('y', language)}"
                           "<extra></extra>")))
    _layout(figure, language, title=message("plot.compare_balancing.title", language),
            subtitle=message("plot.compare_balancing.subtitle", language),
            x_title=message("plot.axis.year", language),
            y_title=message("plot.compare_balancing.axis", language), hovermode="closest")
    figure.update_layout(barmode="group")
    figure.update_yaxes(**_eur_axis(language), rangemode="tozero")
    return figure


# --- inputs ------------------------------------------------------------------------------------

def _decimals_for(spread: float) -> int:
    """Decimals that show about three significant digits of a range of values."""
    if not math.isfinite(spread) or spread <= 0:
        return 2
    return int(min(6, max(0, 2 - math.floor(math.log10(spread)))))


def distribution_curve(distribution: Mapping[str, Any] | _Distribution,
                       language: str | None = None) -> go.Figure:
    """A small preview of an uncertain input: the density of a distribution (an inline table
    such as ``{"dist": "pert", "min": 8, "mode": 12, "max": 20}`` or a distribution object;
    bars for ``discrete``), with its central value (the median, used by the central case)
    marked. Raises ``ValueError`` for an invalid table (e.g. min > max)."""
    language = resolved_language(language)
    if not isinstance(distribution, _Distribution):
        parsed = _UNCERTAIN_NUMBER.validate_python(dict(distribution))
        if not isinstance(parsed, _Distribution):
            raise ValueError(message("plot.error.not_a_distribution", language))
        distribution = parsed
    central = distribution.median()
    figure = go.Figure()
    if isinstance(distribution, Discrete):
        values, probabilities = distribution._sorted()
        spread = float(values.max() - values.min()) or abs(float(values.max()))
        decimals = _decimals_for(spread)
        figure.add_trace(go.Bar(x=values, y=probabilities, meta="probability",
                                marker={"color": "#56B4E9"},
                                hovertemplate=f"%{{x:,.{decimals}f}}<extra></extra>"))
    else:
        frozen = distribution.frozen()
        low, high = distribution.support()
        if not math.isfinite(low):
            low = float(frozen.ppf(0.005))
        if not math.isfinite(high):
            high = float(frozen.ppf(0.995))
        x = np.linspace(low, high, 201)
        decimals = _decimals_for(high - low)
        figure.add_trace(go.Scatter(
            x=x, y=np.nan_to_num(frozen.pdf(x), posinf=0.0), meta="density", mode="lines",
            fill="tozeroy", line={"color": MEDIAN_COLOUR, "width": 1.5},
            fillcolor=BAND_COLOUR, hovertemplate=f"%{{x:,.{decimals}f}}<extra></extra>"))
    figure.add_vline(x=central, line={"color": CENTRAL_COLOUR, "width": 1.5, "dash": "dash"},
                     annotation_text=message("plot.distribution.central", language,
                                             value=format_number(central, decimals, language)),
                     annotation_position="top right")
    _use_template(figure)
    figure.update_layout(
        separators=", " if language == "fr" else ".,", height=150,
        margin={"t": 24, "b": 24, "l": 10, "r": 10}, showlegend=False, hovermode="x",
        font={"size": 11})
    figure.update_xaxes(tickformat=f",.{decimals}f")
    figure.update_yaxes(visible=False, rangemode="tozero")
    return figure


# --- readings --------------------------------------------------------------------------------


#: Charts of one run: name → (figure function, reading function).
CHARTS: dict[str, tuple[Callable[..., go.Figure], Callable[..., str]]] = {
    "cash_fan": (cash_fan_chart, reading_cash_fan),
    "yearly_revenue_costs": (yearly_revenue_costs_chart, reading_yearly_revenue_costs),
    "occupancy": (occupancy_chart, reading_occupancy),
    "balancing_subsidy_distribution": (balancing_subsidy_distribution_chart,
                                       reading_balancing_subsidy_distribution),
    "autonomy_probability": (autonomy_probability_chart, reading_autonomy_probability),
    "users_by_segment": (users_by_segment_chart, reading_users_by_segment),
}
