"""One-sentence readings of the results (what each chart says, in plain French or English),
and the figures they share with the charts: monthly quantiles, yearly sums, rounded amounts.
No Plotly here: the command line and the report's text read them without drawing."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from tierslieux_sim.analysis.sensitivity import Tornado
from tierslieux_sim.analysis.solve import SolveResult
from tierslieux_sim.core.formatting import (
    format_eur,
    format_month,
    format_number,
    format_percent,
)
from tierslieux_sim.core.i18n import LANGUAGES, current_language, message
from tierslieux_sim.engine.outputs import Output
from tierslieux_sim.engine.results import LINE_VARIABLES, Results
from tierslieux_sim.model.timeline import by_year_of_operation
from tierslieux_sim.scenario.labels import input_label

#: Quantiles of the bands ("8 cas sur 10" between them).
BAND_QUANTILES = (0.10, 0.90)


#: Share of draws a reading speaks of ("Dans 8 cas sur 10, …").
READING_LEVEL = 0.80


#: Readings round amounts to this step [€].
READING_ROUNDING_EUR = 1_000.0


#: Year of the autonomy reading when the horizon allows it (officials ask "by year 5?").
AUTONOMY_READING_YEAR = 5


def resolved_language(language: str | None) -> str:
    chosen = language or current_language()
    if chosen not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    return chosen


def quoted(name: str, language: str) -> str:
    return message("plot.quoted", language, name=name)


def share_text(share: float, language: str) -> str:
    """``0.25`` → ``25 %``; never shows ``0 %`` or ``100 %`` for a share that is not."""
    if 0 < share < 0.01:
        return message("plot.share_below", language, share=format_percent(0.01, 0, language))
    if 0.99 < share < 1:
        return message("plot.share_above", language, share=format_percent(0.99, 0, language))
    return format_percent(share, 0, language)


def rounded_eur(value: float, language: str, direction: str = "nearest") -> str:
    """An amount rounded to the thousand: ``"down"`` for a floor, ``"up"`` for a ceiling."""
    step = READING_ROUNDING_EUR
    steps = value / step
    rounded = (math.floor(steps) if direction == "down" else math.ceil(steps)
               if direction == "up" else round(steps))
    return format_eur(rounded * step, 0, language)


def result_months(results: Results) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(results.central["month"].to_numpy())


def month_text(month: Any, language: str) -> str:
    return format_month(pd.Timestamp(month).date(), language)


def require_full(results: Results, chart_title: str, language: str) -> None:
    if results.keep != "full":
        raise ValueError(message("plot.error.needs_full", language, chart=chart_title))


def mean_over_draws(results: Results, variable: str) -> tuple[np.ndarray, list[str]]:
    """Mean over draws by month ``(months[, lines])`` and the line names (if any)."""
    if results.keep == "full":
        array = results.dataset[variable]
        values = array.to_numpy().mean(axis=0)
    else:
        array = results.monthly_mean[variable]
        values = array.to_numpy()
    dimension = LINE_VARIABLES.get(variable)
    lines = [str(name) for name in array[dimension].to_numpy()] if dimension else []
    return values, lines


def yearly_sums(monthly: np.ndarray, results: Results) -> np.ndarray:
    """Sum of each year of operation along the first axis: ``(months, …)`` → ``(years, …)``
    (the months of ``results``)."""
    assert monthly.shape[0] == results.scenario.horizon_months
    return np.moveaxis(by_year_of_operation(np.moveaxis(monthly, 0, -1)), -1, 0)


def quantiles_by_month(results: Results, variable: str) -> dict[str, np.ndarray]:
    """P10, P50 and P90 over draws of a monthly variable (one numpy call)."""
    low, high = BAND_QUANTILES
    p10, p50, p90 = np.quantile(results.dataset[variable].to_numpy(), [low, 0.5, high], axis=0)
    return {"p10": p10, "median": p50, "p90": p90}


def median_autonomy_text(results: Results, language: str) -> str:
    """The month by which half of the draws are autonomous: it agrees with the bars by
    construction (within year N exactly when the bar of year N reaches 50 %), where the
    central case's date (all inputs at their median) need not."""
    month = results.median_autonomy_month()
    if not math.isfinite(month):
        return message("plot.autonomy.median_never", language)
    index = int(month) - 1
    return message("plot.autonomy.median_month", language,
                   month=month_text(result_months(results)[index], language), year=index // 12 + 1)


def check_variants(results_by_name: Mapping[str, Results], language: str) -> None:
    if not results_by_name:
        raise ValueError(message("plot.error.no_variants", language))


def sentence(language: str, *clauses: str) -> str:
    if len(clauses) == 1:
        return message("plot.reading.one_clause", language, first=clauses[0])
    return message("plot.reading.two_clauses", language, first=clauses[0], second=clauses[1])


def reading_cash_fan(results: Results, language: str | None = None) -> str:
    """"Dans 8 cas sur 10, la trésorerie reste au-dessus de −120 000 € sans subvention
    d'équilibre ; le creux médian est en mars 2028 (−85 000 €)."

    The floor is the P20 of each draw's lowest cash, rounded down to the thousand; the low
    point is that of the median line of :func:`cash_fan_chart` (omitted with
    ``keep="summary"``)."""
    language = resolved_language(language)
    lowest_cash = results.indicators["min_cash_eur"].to_numpy()
    floor = float(np.quantile(lowest_cash, 1 - READING_LEVEL))
    first = message("plot.reading.cash_floor", language,
                    threshold=rounded_eur(floor, language, "down"))
    if results.keep != "full":
        return sentence(language, first)
    median = quantiles_by_month(results, "cash_eur")["median"]
    low = int(np.argmin(median))
    trough_id = ("plot.reading.cash_trough_horizon" if low == median.size - 1
                 else "plot.reading.cash_trough")
    second = message(trough_id, language, month=month_text(result_months(results)[low], language),
                     amount=rounded_eur(float(median[low]), language))
    return sentence(language, first, second)


def reading_yearly_revenue_costs(results: Results, language: str | None = None) -> str:
    """"En moyenne, les recettes propres couvrent 15 % des charges d'exploitation en année 1
    et 62 % en année 10." (mean own revenue ÷ mean operating costs of each year)."""
    language = resolved_language(language)
    revenue = yearly_sums(mean_over_draws(results, "own_revenue_eur")[0], results)
    costs = yearly_sums(mean_over_draws(results, "operating_costs_eur")[0], results)
    shares = np.divide(revenue, costs, out=np.full_like(costs, np.nan), where=costs > 0)
    if shares.size == 1:
        return message("plot.reading.revenue_costs_one_year", language,
                       first_share=share_text(shares[0], language))
    return message("plot.reading.revenue_costs", language,
                   first_share=share_text(shares[0], language),
                   last_share=share_text(shares[-1], language), last_year=shares.size)


def reading_occupancy(results: Results, language: str | None = None,
                      year: int | None = None) -> str:
    """"En année 10, le taux d'occupation moyen est compris entre 52 % et 78 % dans 8 cas sur
    10 (cas central : 70 %)." (P10 and P90 of each draw's mean occupancy that year; default:
    the last year)."""
    language = resolved_language(language)
    year = results.horizon_years if year is None else int(year)
    column = f"occupancy_rate_year_{year}"
    low, high = np.quantile(results.indicators[column].to_numpy(), BAND_QUANTILES)
    return message("plot.reading.occupancy", language, year=year,
                   low=format_percent(low, 0, language), high=format_percent(high, 0, language),
                   central=format_percent(float(results.central_indicators[column]), 0,
                                          language))


def reading_balancing_subsidy_distribution(results: Results, language: str | None = None
                                           ) -> str:
    """"Dans 8 cas sur 10, la subvention d'équilibre totale sur 10 ans reste sous 239 000 € (médiane :
    181 000 €)." (P80 rounded up to the thousand; median to the nearest thousand)."""
    language = resolved_language(language)
    values = results.indicators["balancing_subsidy_eur"].to_numpy()
    p50, p80 = np.quantile(values, [0.5, READING_LEVEL])
    if p80 <= 0:
        return message("plot.reading.balancing_none", language, years=results.horizon_years)
    return message("plot.reading.balancing", language, years=results.horizon_years,
                   threshold=rounded_eur(float(p80), language, "up"),
                   median=rounded_eur(float(p50), language))


def reading_autonomy_probability(results: Results, language: str | None = None,
                                 year: int | None = None) -> str:
    """"Autonomie atteinte d'ici la fin de l'année 5 dans 25 % des cas, et d'ici la fin de
    l'année 10 dans 40 % des cas." (default year: 5, or the horizon if shorter)."""
    language = resolved_language(language)
    last_year = results.horizon_years
    year = min(AUTONOMY_READING_YEAR, last_year) if year is None else int(year)
    share = share_text(results.autonomy_probability(year), language)
    if year >= last_year:
        return message("plot.reading.autonomy", language, year=year, share=share)
    return message("plot.reading.autonomy_and_horizon", language, year=year, share=share,
                   last_year=last_year,
                   last_share=share_text(results.autonomy_probability(last_year), language))


def reading_users_by_segment(results: Results, language: str | None = None,
                             year: int | None = None) -> str:
    """"En année 10, le lieu accueille en moyenne 24 usagers par mois, dont 45 % dans le
    segment « Télétravailleurs résidents »." (mean over draws and the year's months; the
    largest segment; default: the last year)."""
    language = resolved_language(language)
    year = results.horizon_years if year is None else int(year)
    means, segments = mean_over_draws(results, "users_by_segment")
    in_year = results.central["year"].to_numpy() == year
    by_segment = means[in_year].mean(axis=0)
    total = float(by_segment.sum())
    largest = int(np.argmax(by_segment))
    share = by_segment[largest] / total if total > 0 else 0.0
    return message("plot.reading.users", language, year=year,
                   users=format_number(total, 0, language), share=share_text(share, language),
                   segment=quoted(segments[largest], language))


def reading_compare_cash(results_by_name: Mapping[str, Results], language: str | None = None
                         ) -> str:
    """"Point bas de la trésorerie médiane, sans subvention d'équilibre : « A » −153 000 €
    (août 2037) ; « B » …." Needs ``keep="full"``."""
    language = resolved_language(language)
    check_variants(results_by_name, language)
    items = []
    for name, results in results_by_name.items():
        require_full(results, message("plot.compare_cash.title", language), language)
        median = quantiles_by_month(results, "cash_eur")["median"]
        low = int(np.argmin(median))
        items.append(message("plot.reading.compare_cash_item", language,
                             name=quoted(name, language),
                             amount=rounded_eur(float(median[low]), language),
                             month=month_text(result_months(results)[low], language)))
    return message("plot.reading.compare_cash", language,
                   items=message("plot.list_separator", language).join(items))


def reading_compare_balancing(results_by_name: Mapping[str, Results],
                              language: str | None = None) -> str:
    """"Subvention d'équilibre totale médiane (P50) : « A » 153 000 € sur 10 ans ; « B » …." (the
    median of each draw's total, not the sum of yearly medians)."""
    language = resolved_language(language)
    check_variants(results_by_name, language)
    items = []
    for name, results in results_by_name.items():
        p50 = float(np.quantile(results.indicators["balancing_subsidy_eur"].to_numpy(), 0.5))
        items.append(message("plot.reading.compare_balancing_item", language,
                             name=quoted(name, language),
                             amount=rounded_eur(p50, language), years=results.horizon_years))
    return message("plot.reading.compare_balancing", language,
                   items=message("plot.list_separator", language).join(items))


def reading_tornado(tornado: Tornado, language: str | None = None) -> str:
    """``Entre son P10 et son P90, « Loyer » fait passer … de 140 920 € à 200 726 € : c'est
    l'entrée qui pèse le plus ; viennent ensuite …``"""
    language = resolved_language(language)
    output = tornado.output
    moving = [bar for bar in tornado.bars if bar.swing > 0]
    if not moving:
        return message("plot.tornado.reading_none", language, output=output.label(language))
    first = moving[0]
    key = "plot.tornado.reading_award" if first.is_award else "plot.tornado.reading"
    text = message(key, language,
                   input=input_label(tornado.scenario, first.path, language),
                   low=first.input_text("low", language), high=first.input_text("high", language),
                   output=output.label(language),
                   output_low=output.format(first.output_low, language),
                   output_high=output.format(first.output_high, language))
    others = [message("plot.quoted", language, name=input_label(tornado.scenario, bar.path,
                                                                language))
              for bar in moving[1:3]]
    if others:
        text += " " + message("plot.tornado.reading_next", language,
                              inputs=message("plot.list_separator", language).join(others))
    return text


def reading_scatter(x: np.ndarray, y: np.ndarray, *, input_name: str, output: Output,
                    language: str | None = None) -> str:
    """Whether the output tends to rise or fall with the input (Spearman rank correlation)."""
    language = resolved_language(language)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    finite = np.isfinite(x) & np.isfinite(y)
    if finite.sum() < 3 or np.ptp(x[finite]) == 0 or np.ptp(y[finite]) == 0:
        return message("plot.scatter.reading_flat", language, input=input_name,
                       output=output.label(language))
    rho = float(stats.spearmanr(x[finite], y[finite]).statistic)
    key = ("plot.scatter.reading_up" if rho >= 0.1 else "plot.scatter.reading_down"
           if rho <= -0.1 else "plot.scatter.reading_flat")
    return message(key, language, input=input_name, output=output.label(language),
                   rho=format_number(rho, 2, language))


def reading_solve(result: SolveResult, language: str | None = None) -> str:
    return result.sentence(resolved_language(language))
