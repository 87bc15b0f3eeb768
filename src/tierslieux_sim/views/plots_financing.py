"""Figures and readings of the financing plan and of public money (Plotly only, no
Streamlit): the calendar of the investment and of its grants (the cash gap of paying works
before grants arrive), and public money by funder level and kind.

Both charts show *means over draws* (so the pieces add up to the mean totals) and work with
``keep="summary"``. Texts come from the message catalogue (``plot.financing.*``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from tierslieux_sim.core.formatting import format_eur, format_number
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.results import Results
from tierslieux_sim.model.public_money import FUNDERS, KINDS
from tierslieux_sim.views.plots import (
    COST_COLOURS,
    HATCH_INK,
    OKABE_ITO,
    PATTERNS,
    SUBSIDY_GREYS,
    _colon,
    _eur_axis,
    _eur_hover,
    _language,
    _layout,
    _mean_over_draws,
    _month_text,
    _months,
    _rounded_eur,
    _share_text,
    hatch,
)
from tierslieux_sim.views.public_money import public_money_table

__all__ = ["GrantsTimeline", "funder_label", "grants_timeline", "grants_timeline_chart", "kind_label",
           "public_money_by_funder_chart", "reading_grants_timeline",
           "reading_public_money_by_funder"]

#: The calendar shows at least this many months, and this many after the last payment.
MIN_TIMELINE_MONTHS = 12
MONTHS_AFTER_LAST_PAYMENT = 3
#: Colours of the kinds of public money (colour-blind safe, Okabe & Ito; greys for in kind).
KIND_COLOURS = dict(zip(KINDS, ("#0072B2", "#009E73", "#D55E00", SUBSIDY_GREYS[1], "#CC79A7",
                                "#56B4E9", "#E69F00", SUBSIDY_GREYS[0], "#F0E442"), strict=True))


def funder_label(funder: str, language: str | None = None) -> str:
    """``state`` → ``État`` (fr) / ``State`` (en)."""
    return message(f"financing.funder.{funder}", _language(language))


def kind_label(kind: str, language: str | None = None) -> str:
    """``balancing_subsidy`` → ``Subvention d'équilibre`` (fr)."""
    return message(f"financing.kind.{kind}", _language(language))


# --- grants timeline ---------------------------------------------------------------------------

@dataclass
class GrantsTimeline:
    """Mean over draws, by month from the opening [€]: investment paid, each grant received
    (``(months, grants)``), the FCTVA, what is received (grants + FCTVA) and the cumulative
    balance ``received − investment`` (negative: cash the owner advances); ``months``: how
    many months are worth showing (a few after the last grant or FCTVA payment)."""

    investment_eur: np.ndarray
    grants_eur: np.ndarray
    grant_names: list[str]
    fctva_eur: np.ndarray
    received_eur: np.ndarray
    cumulative_balance_eur: np.ndarray
    months: int


def grants_timeline(results: Results) -> GrantsTimeline:
    """The calendar of the investment and its grants (means over draws)."""
    investment, _ = _mean_over_draws(results, "investment_eur")
    grants, names = _mean_over_draws(results, "investment_grants_by_line_eur")
    fctva, _ = _mean_over_draws(results, "fctva_eur")
    received = grants.sum(axis=1) + fctva if names else fctva
    paid_months = np.flatnonzero(np.abs(received) > 0.005)
    last_payment = int(paid_months.max()) if paid_months.size else 0
    shown = min(len(investment), max(MIN_TIMELINE_MONTHS,
                                     last_payment + 1 + MONTHS_AFTER_LAST_PAYMENT))
    return GrantsTimeline(investment, grants, names, fctva, received,
                          np.cumsum(received - investment), shown)


def grants_timeline_chart(results: Results, language: str | None = None) -> go.Figure:
    """Bars by month: investment paid (below zero), each grant and the FCTVA received (above,
    stacked); a line: the cumulative balance, i.e. the cash the owner advances until the
    grants arrive. Means over draws (a grant awarded with probability p counts for p times
    its amount)."""
    language = _language(language)
    data = grants_timeline(results)
    shown = data.months
    months = _months(results)[:shown]
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


def reading_grants_timeline(results: Results, language: str | None = None) -> str:
    """``En moyenne, le lieu avance jusqu'à 41 000 € (juin 2028) pour payer l'investissement
    avant ses subventions ; la dernière arrive en juil. 2028.``"""
    language = _language(language)
    data = grants_timeline(results)
    shown = data.months
    balance = data.cumulative_balance_eur[:shown]
    months = _months(results)
    if data.investment_eur[:shown].sum() <= 0:
        return message("plot.financing.reading_no_investment", language)
    low = int(np.argmin(balance))
    paid = np.flatnonzero(data.received_eur[:shown] > 0.005)
    if paid.size == 0:
        return message("plot.financing.reading_no_grant", language,
                       amount=_rounded_eur(-balance[low], language))
    return message("plot.financing.reading_timeline", language,
                   amount=_rounded_eur(-balance[low], language),
                   month=_month_text(months[low], language),
                   last=_month_text(months[int(paid.max())], language),
                   remaining=_rounded_eur(-balance[-1], language))


# --- public money by funder ----------------------------------------------------------------------

def public_money_by_funder_chart(results: Results, language: str | None = None) -> go.Figure:
    """One horizontal bar per funder level, stacked by kind of public money: mean over draws
    of the totals over the horizon [€] (means add up to the mean total)."""
    language = _language(language)
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


def reading_public_money_by_funder(results: Results, language: str | None = None) -> str:
    """``En moyenne, 267 000 € d'argent public sur 10 ans, dont 75 % apportés par EPCI /
    commune.``"""
    language = _language(language)
    by_funder = public_money_table(results)["total"].drop("total")
    total = float(by_funder.sum())
    if total <= 0:
        return message("plot.financing.reading_no_public_money", language)
    top = str(by_funder.idxmax())
    return message("plot.financing.reading_funders", language,
                   total=format_eur(round(total, -3), 0, language), years=results.horizon_years,
                   share=_share_text(float(by_funder[top]) / total, language),
                   funder=funder_label(top, language))
