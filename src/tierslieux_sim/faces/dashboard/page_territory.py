"""Dashboard page "Impact territoire": travel, CO2, time and local spending the tiers-lieu
brings, valued and set against the public money (socio-economic balance)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from tierslieux_sim.core.formatting import format_eur, format_number
from tierslieux_sim.core.i18n import message
from tierslieux_sim.faces.dashboard.layout import charts_in_two_columns
from tierslieux_sim.faces.dashboard.runs import run_current, validated_scenario
from tierslieux_sim.faces.dashboard.widgets import section_editor
from tierslieux_sim.scenario.schema import Scenario, Territory, section_label
from tierslieux_sim.views import impacts as impacts_view
from tierslieux_sim.views import plots_territory


def _range(values: np.ndarray, formatter, language: str) -> str:
    p10, p90 = np.quantile(values, [0.1, 0.9])
    return message("ui.territory.range", language, p10=formatter(p10), p90=formatter(p90))


def page_territory(draws: int, seed: int, language: str) -> Scenario:
    with st.expander(message("plot.territory.valued", language) + " — "
                     + section_label(Territory, language), expanded=False):
        section_editor(Territory, "territory", st.session_state["data"], language)
    scenario = validated_scenario(language)
    results = run_current(scenario, draws, seed, language)
    if not impacts_view.impacts_estimated(results):
        st.info(message("plot.territory.not_estimated", language))
    indicators = results.indicators
    tonnes = lambda v: message("ui.territory.tonnes", language,  # noqa: E731
                               value=format_number(v, 0, language))
    number = lambda v: format_number(v, 0, language)  # noqa: E731
    euros = lambda v: format_eur(v, 0, language)  # noqa: E731
    cards = (
        ("ui.territory.co2", "co2_avoided_tco2e", tonnes),
        ("ui.territory.km", "km_avoided", number),
        ("ui.territory.hours", "hours_saved", number),
        ("ui.territory.spending", "local_spending_eur", euros),
        ("ui.territory.jobs", "jobs_hosted_fte", lambda v: format_number(v, 1, language)),
        ("ui.territory.valued", "valued_impacts_pv_eur", euros),
        ("ui.territory.balance", "socio_economic_balance_pv_eur", euros),
    )
    columns = st.columns(3)
    for index, (label_id, column, formatter) in enumerate(cards):
        values = indicators[column].to_numpy()
        with columns[index % 3]:
            st.metric(message(label_id, language, years=results.horizon_years),
                      formatter(float(np.median(values))), border=True)
            st.caption(_range(values, formatter, language))
    charts_in_two_columns([
        (plots_territory.co2_avoided_chart(results, language=language),
         impacts_view.reading_co2_avoided(results, language=language), "chart:co2_avoided"),
        (plots_territory.socio_economic_balance_chart(results, language=language),
         impacts_view.reading_socio_economic_balance(results, language=language),
         "chart:socio_economic_balance"),
    ])
    # what the appraisal counts, what it does not and why, under its item-by-item chart
    st.markdown(message("plot.territory.appraisal_counted", language))
    return scenario
