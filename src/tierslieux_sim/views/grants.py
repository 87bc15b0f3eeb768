"""Public money read from the results for the charts and their readings: funder and kind
labels, the grants' payment timeline, and the one-sentence readings (no Plotly)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tierslieux_sim.core.formatting import format_eur
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.results import Results
from tierslieux_sim.views.public_money import public_money_table
from tierslieux_sim.views.readings import (
    mean_over_draws,
    month_text,
    resolved_language,
    result_months,
    rounded_eur,
    share_text,
)

#: The calendar shows at least this many months, and this many after the last payment.
MIN_TIMELINE_MONTHS = 12


MONTHS_AFTER_LAST_PAYMENT = 3


def funder_label(funder: str, language: str | None = None) -> str:
    """``state`` → ``État`` (fr) / ``State`` (en)."""
    return message(f"financing.funder.{funder}", resolved_language(language))


def kind_label(kind: str, language: str | None = None) -> str:
    """``balancing_subsidy`` → ``Subvention d'équilibre`` (fr)."""
    return message(f"financing.kind.{kind}", resolved_language(language))


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
    investment, _ = mean_over_draws(results, "investment_eur")
    grants, names = mean_over_draws(results, "investment_grants_by_line_eur")
    fctva, _ = mean_over_draws(results, "fctva_eur")
    received = grants.sum(axis=1) + fctva if names else fctva
    paid_months = np.flatnonzero(np.abs(received) > 0.005)
    last_payment = int(paid_months.max()) if paid_months.size else 0
    shown = min(len(investment), max(MIN_TIMELINE_MONTHS,
                                     last_payment + 1 + MONTHS_AFTER_LAST_PAYMENT))
    return GrantsTimeline(investment, grants, names, fctva, received,
                          np.cumsum(received - investment), shown)


def reading_grants_timeline(results: Results, language: str | None = None) -> str:
    """``En moyenne, le lieu avance jusqu'à 41 000 € (juin 2028) pour payer l'investissement
    avant ses subventions ; la dernière arrive en juil. 2028.``"""
    language = resolved_language(language)
    data = grants_timeline(results)
    shown = data.months
    balance = data.cumulative_balance_eur[:shown]
    months = result_months(results)
    if data.investment_eur[:shown].sum() <= 0:
        return message("plot.financing.reading_no_investment", language)
    low = int(np.argmin(balance))
    paid = np.flatnonzero(data.received_eur[:shown] > 0.005)
    if paid.size == 0:
        return message("plot.financing.reading_no_grant", language,
                       amount=rounded_eur(-balance[low], language))
    return message("plot.financing.reading_timeline", language,
                   amount=rounded_eur(-balance[low], language),
                   month=month_text(months[low], language),
                   last=month_text(months[int(paid.max())], language),
                   remaining=rounded_eur(-balance[-1], language))


def reading_public_money_by_funder(results: Results, language: str | None = None) -> str:
    """``En moyenne, 267 000 € d'argent public sur 10 ans, dont 75 % apportés par EPCI /
    commune.``"""
    language = resolved_language(language)
    by_funder = public_money_table(results)["total"].drop("total")
    total = float(by_funder.sum())
    if total <= 0:
        return message("plot.financing.reading_no_public_money", language)
    top = str(by_funder.idxmax())
    return message("plot.financing.reading_funders", language,
                   total=format_eur(round(total, -3), 0, language), years=results.horizon_years,
                   share=share_text(float(by_funder[top]) / total, language),
                   funder=funder_label(top, language))
