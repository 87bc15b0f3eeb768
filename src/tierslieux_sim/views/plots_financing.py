"""Figures and readings of the financing plan and of public money (Plotly only, no
Streamlit): the calendar of the investment and of its grants (the cash gap of paying works
before grants arrive), and public money by funder level and kind.

Both charts show *means over draws* (so the pieces add up to the mean totals) and work with
``keep="summary"``. Texts come from the message catalogue (``plot.financing.*``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from tierslieux_sim.core.formatting import format_number
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.results import Results
from tierslieux_sim.model.public_money import FUNDERS, KINDS
from tierslieux_sim.views.grants import (
    GrantsTimeline,
    funder_label,
    grants_timeline,
    kind_label,
    reading_grants_timeline,
    reading_public_money_by_funder,
)
from tierslieux_sim.views.plots import (
    COST_COLOURS,
    HATCH_INK,
    OKABE_ITO,
    PATTERNS,
    SUBSIDY_GREYS,
    _colon,
    _eur_axis,
    _eur_hover,
    _layout,
    hatch,
)
from tierslieux_sim.views.public_money import public_money_table
from tierslieux_sim.views.readings import resolved_language, result_months

__all__ = ["GrantsTimeline", "funder_label", "grants_timeline", "grants_timeline_chart", "kind_label",
           "public_money_by_funder_chart", "reading_grants_timeline",
           "reading_public_money_by_funder"]

#: Colours of the kinds of public money (colour-blind safe, Okabe & Ito; greys for in kind).
KIND_COLOURS = dict(zip(KINDS, ("#0072B2", "#009E73", "#D55E00", SUBSIDY_GREYS[1], "#CC79A7",
                                "#56B4E9", "#E69F00", SUBSIDY_GREYS[0], "#F0E442"), strict=True))


# --- grants timeline ---------------------------------------------------------------------------


def grants_timeline_chart(results: Results, language: str | None = None) -> go.Figure:
    """Bars by month: investment paid (below zero), each grant and the FCTVA received (above,
    stacked); a line: the cumulative balance, i.e. the cash the owner advances until the
    grants arrive. Means over draws (a grant awarded with probability p counts for p times
    its amount)."""
    language = resolved_language(language)
    data = grants_timeline(results)
    shown = data.months
    months = result_months(results)[:shown]
    separator = _colon(language)
    figure = go.Figure()

    def bar(values: np.ndarray, key: str, label: str, colour: str, pattern: str = "") -> None:
        figure.add_trace(go.Bar(
            x=months, y=values[:shown], meta=key, name=label,
            marker={"color": colour, "line": {"color": HATCH_INK, "width": 0.5},
                    "pattern": hatch(pattern, colour)},
            hovertemplate=f"{label}{separator}{_eur_hover('y', language)}<extra></extra>"))

    bar(-data.investment_eur, "investment", message("plot.financing.investment_paid", language),
        COST_COLOURS[0])
    for column, name in enumerate(data.grant_names):
        bar(data.grants_eur[:, column], name, name, OKABE_ITO[column % len(OKABE_ITO)],
            PATTERNS[(column + 1) % len(PATTERNS)])
    if np.abs(data.fctva_eur).max() > 0:
        bar(data.fctva_eur, "fctva", kind_label("fctva", language), KIND_COLOURS["fctva"], "x")
    balance_label = message("plot.financing.cumulative_balance", language)
    figure.add_trace(go.Scatter(
        x=months, y=data.cumulative_balance_eur[:shown], meta="cumulative_balance",
        name=balance_label, mode="lines+markers", line={"width": 3, "color": "#000000"},
        marker={"size": 5},
        hovertemplate=f"{balance_label}{separator}{_eur_hover('y', language)}<extra></extra>"))
    _layout(figure, language, title=message("plot.financing.timeline_title", language),
            subtitle=message("plot.financing.timeline_subtitle", language,
                             draws=format_number(results.draws, 0, language)),
            x_title=message("plot.axis.month", language),
            y_title=message("plot.financing.timeline_axis", language))
    figure.update_layout(barmode="relative", bargap=0.15)
    figure.update_xaxes(tickformat="%m/%Y", hoverformat="%m/%Y")
    figure.update_yaxes(**_eur_axis(language))
    figure.add_hline(y=0.0, line={"color": "#555555", "width": 1.0}, layer="above")
    return figure


# --- public money by funder ----------------------------------------------------------------------

def public_money_by_funder_chart(results: Results, language: str | None = None) -> go.Figure:
    """One horizontal bar per funder level, stacked by kind of public money: mean over draws
    of the totals over the horizon [€] (means add up to the mean total)."""
    language = resolved_language(language)
    table = public_money_table(results).drop(index="total", columns="total")
    funders = [funder for funder in FUNDERS if funder in table.index]
    table = table.reindex(funders)
    labels = [funder_label(funder, language) for funder in funders]
    separator = _colon(language)
    figure = go.Figure()
    for index, kind in enumerate(table.columns):
        label = kind_label(kind, language)
        figure.add_trace(go.Bar(
            y=labels, x=table[kind].to_numpy(), orientation="h", meta=kind, name=label,
            marker={"color": KIND_COLOURS[kind], "line": {"color": HATCH_INK, "width": 0.5},
                    "pattern": hatch(PATTERNS[index % len(PATTERNS)], KIND_COLOURS[kind])},
            hovertemplate=f"%{{y}} · {label}{separator}{_eur_hover('x', language)}"
                          "<extra></extra>"))
    _layout(figure, language,
            title=message("plot.financing.funders_title", language,
                          years=results.horizon_years),
            subtitle=message("plot.financing.funders_subtitle", language,
                             draws=format_number(results.draws, 0, language)),
            x_title=message("plot.financing.funders_axis", language), y_title="",
            hovermode="closest")
    figure.update_layout(barmode="relative")  # rent received (negative) to the left of 0
    figure.update_xaxes(**_eur_axis(language))
    figure.update_yaxes(autorange="reversed")
    return figure


