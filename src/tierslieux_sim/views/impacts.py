"""Impacts for the territory and the socio-economic appraisal, read from the results: whether
impacts were estimated, CO2 avoided by year, the appraisal item by item and its summary,
and their one-sentence readings (no Plotly: the command line prints them)."""

from __future__ import annotations

import numpy as np

from tierslieux_sim.core.formatting import format_eur, format_number
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.results import Results
from tierslieux_sim.model.territory import APPRAISAL_ITEMS
from tierslieux_sim.model.timeline import by_year_of_operation
from tierslieux_sim.views.readings import READING_LEVEL, resolved_language, rounded_eur, share_text


def impacts_estimated(results: Results) -> bool:
    """False when the scenario gives no avoided trip, time or spending (impacts not estimated)."""
    totals = results.indicators[["km_avoided", "hours_saved", "local_spending_eur"]]
    return bool((totals.to_numpy() > 0).any())


def yearly_co2_avoided(results: Results) -> np.ndarray:
    """CO2 avoided per draw and year of operation [tCO2e], ``(draws, years)``."""
    return by_year_of_operation(results.dataset["co2_avoided_tco2e"].to_numpy())


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


def reading_co2_avoided(results: Results, language: str | None = None) -> str:
    """"Dans 8 cas sur 10, le tiers-lieu évite au moins … tCO2e sur 10 ans …"."""
    language = resolved_language(language)
    if not impacts_estimated(results):
        return message("plot.territory.not_estimated", language)
    indicators = results.indicators
    floor = 1.0 - READING_LEVEL
    return message(
        "plot.territory.co2_reading", language, years=results.horizon_years,
        co2=format_number(float(np.quantile(indicators["co2_avoided_tco2e"], floor)), 0, language),
        km=format_number(float(np.quantile(indicators["km_avoided"], floor)), 0, language),
        hours=format_number(float(np.quantile(indicators["hours_saved"], floor)), 0, language),
        spending=rounded_eur(float(np.quantile(indicators["local_spending_eur"], floor)),
                              language, "down"))


def reading_socio_economic_balance(results: Results, language: str | None = None) -> str:
    """"Le bilan socio-économique actualisé est positif dans … des cas (médiane : … €)."""
    language = resolved_language(language)
    balance = results.indicators["socio_economic_balance_pv_eur"].to_numpy()
    return message("plot.territory.balance_reading", language,
                   share=share_text(float(np.mean(balance > 0)), language),
                   median=format_eur(float(np.median(balance)), 0, language))
