"""Figures and readings of territory impacts (Plotly only, no Streamlit): CO2 avoided by
year and the socio-economic appraisal item by item (present values in constant euros)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from tierslieux_sim.core.formatting import format_percent
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.results import Results
from tierslieux_sim.views.impacts import appraisal_items, yearly_co2_avoided
from tierslieux_sim.views.plots import (
    CENTRAL_COLOUR,
    MEDIAN_COLOUR,
    OKABE_ITO,
    PATTERNS,
    _eur_axis,
    _layout,
    _year_labels,
    hatch,
)
from tierslieux_sim.views.readings import BAND_QUANTILES, resolved_language

#: Present values that make up the valued impacts, in the order they are stacked.
VALUED_PARTS = ("carbon_value_pv_eur", "time_value_pv_eur", "household_savings_pv_eur")


def co2_avoided_chart(results: Results, language: str | None = None) -> go.Figure:
    """CO2 avoided per year: median bar with the P10–P90 range as error bars [tCO2e]."""
    language = resolved_language(language)
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


def appraisal_decomposition_chart(results: Results, language: str | None = None) -> go.Figure:
    """The net present socio-economic value item by item: one horizontal bar per item, signed
    (gains right, costs left), then the value; means over draws so that the items add up [€]."""
    language = resolved_language(language)
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


