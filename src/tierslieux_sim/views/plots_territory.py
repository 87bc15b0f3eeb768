"""Figures and readings of territory impacts (Plotly only, no Streamlit): CO2 avoided by
year and the socio-economic appraisal item by item (present values in constant euros)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from tierslieux_sim.core.formatting import format_eur, format_number, format_percent
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.results import Results
from tierslieux_sim.model.territory import APPRAISAL_ITEMS
from tierslieux_sim.views.plots import (
    BAND_QUANTILES,
    CENTRAL_COLOUR,
    MEDIAN_COLOUR,
    OKABE_ITO,
    PATTERNS,
    READING_LEVEL,
    _eur_axis,
    _language,
    _layout,
    _rounded_eur,
    _share_text,
    _year_labels,
    hatch,
)

#: Present values that make up the valued impacts, in the order they are stacked.
VALUED_PARTS = ("carbon_value_pv_eur", "time_value_pv_eur", "household_savings_pv_eur")


def impacts_estimated(results: Results) -> bool:
    """False when the scenario gives no avoided trip, time or spending (impacts not estimated)."""
    totals = results.indicators[["km_avoided", "hours_saved", "local_spending_eur"]]
    return bool((totals.to_numpy() > 0).any())


def yearly_co2_avoided(results: Results) -> np.ndarray:
    """CO2 avoided per draw and year of operation [tCO2e], ``(draws, years)``."""
    monthly = results.dataset["co2_avoided_tco2e"].to_numpy()
    draws, months = monthly.shape
    return monthly.reshape(draws, months // 12, 12).sum(axis=2)


def co2_avoided_chart(results: Results, language: str | None = None) -> go.Figure:
    """CO2 avoided per year: median bar with the P10–P90 range as error bars [tCO2e]."""
    language = _language(language)
    yearly = yearly_co2_avoided(results)
    low, median, high = np.quantile(yearly, [BAND_QUANTILES[0], 0.5, BAND_QUANTILES[1]], axis=0)
    figure = go.Figure(go.Bar(
        x=_year_labels(yearly.shape[1], language), y=median, marker_color=MEDIAN_COLOUR,
        name=message("plot.territory.co2_median", language), meta="median",
        error_y={"type": "data", "symmetric": False, "array": high - median,
                 "arrayminus": median - low, "color": CENTRAL_COLOUR},
        hovertemplate="%{x} : %{y:,.1f} tCO2e<extra></extra>"))
    return _layout(figure, language, title=message("plot.territory.co2_title", language),
                   subtitle=message("plot.territory.co2_subtitle", language),
                   x_title="", y_title="tCO2e", hovermode="closest")


def appraisal_items(results: Results) -> list[tuple[str, float, float, float, float]]:
    """``(indicator, mean, P10, P50, P90)`` of each item of the net present socio-economic
    value, signed as it enters it (costs negative), then the value itself [€]. Means add up
    to the value's mean; percentiles do not add up."""
    indicators = results.indicators
    rows = []
    for name, sign in (*APPRAISAL_ITEMS, ("socio_economic_balance_pv_eur", 1)):
        values = sign * indicators[name].to_numpy(dtype=float)
        low, median, high = np.quantile(values, [0.1, 0.5, 0.9])
        rows.append((name, float(values.mean()), float(low), float(median), float(high)))
    return rows


def appraisal_summary(results: Results) -> dict[str, float]:
    """The net present socio-economic value over the draws: mean, P10, P50, P90 and the
    probability that it is positive [€, probability 0–1]."""
    values = results.indicators["socio_economic_balance_pv_eur"].to_numpy(dtype=float)
    low, median, high = np.quantile(values, [0.1, 0.5, 0.9])
    return {"mean": float(values.mean()), "p10": float(low), "p50": float(median),
            "p90": float(high), "probability_positive": float(np.mean(values > 0))}


def appraisal_decomposition_chart(results: Results, language: str | None = None) -> go.Figure:
    """The net present socio-economic value item by item: one horizontal bar per item, signed
    (gains right, costs left), then the value; means over draws so that the items add up [€]."""
    language = _language(language)
    figure = go.Figure()
    rows = appraisal_items(results)
    for index, (name, mean, *_quantiles) in enumerate(rows):
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        is_total = name == "socio_economic_balance_pv_eur"
        marker = {"color": colour, "pattern": hatch(PATTERNS[index % len(PATTERNS)], colour)}
        if is_total:
            marker["line"] = {"color": "#000000", "width": 2.0}
        label = message(f"plot.territory.item.{name}", language)
        figure.add_trace(go.Bar(
            y=[label], x=[mean], orientation="h", marker=marker, name=label, meta=name,
            hovertemplate="%{y} : %{x:,.0f} €<extra></extra>"))
    figure.update_layout(barmode="relative", xaxis=_eur_axis(language),
                         yaxis={"autorange": "reversed"})
    year = results.scenario.simulation.opening_month[:4]
    return _layout(figure, language, title=message("plot.territory.appraisal_title", language),
                   subtitle=message("plot.territory.appraisal_subtitle", language,
                                    rate=format_percent(float(np.mean(
                                        results.indicators["discount_rate"])), 1, language),
                                    year=year),
                   x_title="", y_title="", hovermode="closest")


def socio_economic_balance_chart(results: Results, language: str | None = None) -> go.Figure:
    """The socio-economic appraisal item by item (:func:`appraisal_decomposition_chart`)."""
    return appraisal_decomposition_chart(results, language)


def reading_co2_avoided(results: Results, language: str | None = None) -> str:
    """"Dans 8 cas sur 10, le tiers-lieu évite au moins … tCO2e sur 10 ans …"."""
    language = _language(language)
    if not impacts_estimated(results):
        return message("plot.territory.not_estimated", language)
    indicators = results.indicators
    floor = 1.0 - READING_LEVEL
    return message(
        "plot.territory.co2_reading", language, years=results.horizon_years,
        co2=format_number(float(np.quantile(indicators["co2_avoided_tco2e"], floor)), 0, language),
        km=format_number(float(np.quantile(indicators["km_avoided"], floor)), 0, language),
        hours=format_number(float(np.quantile(indicators["hours_saved"], floor)), 0, language),
        spending=_rounded_eur(float(np.quantile(indicators["local_spending_eur"], floor)),
                              language, "down"))


def reading_socio_economic_balance(results: Results, language: str | None = None) -> str:
    """"Le bilan socio-économique actualisé est positif dans … des cas (médiane : … €)."""
    language = _language(language)
    balance = results.indicators["socio_economic_balance_pv_eur"].to_numpy()
    return message("plot.territory.balance_reading", language,
                   share=_share_text(float(np.mean(balance > 0)), language),
                   median=format_eur(float(np.median(balance)), 0, language))
