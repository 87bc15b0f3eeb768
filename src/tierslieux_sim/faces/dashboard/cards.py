"""The first thing the results page shows: the collectivity's net cost per budget year
(investment and operating apart, P50 and P80, the heaviest year), who pays, the cost per
inhabitant and the operator's autonomy on two definitions — from
:mod:`tierslieux_sim.views.headline`, the same figures as the command line and the report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from tierslieux_sim.core.formatting import format_eur, format_percent
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.results import Results
from tierslieux_sim.views import headline


def collectivity_cost_cards(results: Results, language: str) -> None:
    """Three cards (net cost over the horizon, heaviest budget year, autonomy), the table by
    budget year (always visible: the profile, not only its total), who pays and the
    definitions."""
    head = headline.headline(results)
    years = results.horizon_years
    autonomy_year = min(headline.AUTONOMY_YEAR, years)
    definition = message("headline.definition_net_cost", language)
    st.subheader(message("headline.title", language))
    first, second, third = st.columns(3)
    first.metric(message("ui.card.net_cost", language, years=years),
                 format_eur(head.total_p50, language=language), border=True, help=definition)
    first.caption(message("ui.card.net_cost_caption", language,
                          p80=format_eur(head.total_p80, language=language),
                          pv=format_eur(head.pv_p50, language=language)))
    second.metric(message("ui.card.peak_year", language, year=head.peak_year),
                  format_eur(head.peak_p80, language=language), border=True,
                  help=message("ui.card.peak_year_help", language))
    second.caption(message("ui.card.peak_year_caption", language))
    third.metric(message("ui.card.autonomy_two", language, year=autonomy_year),
                 f"{format_percent(head.autonomy_operating, language=language)} · "
                 f"{format_percent(head.autonomy_full_cost, language=language)}", border=True,
                 help=message("headline.definition_autonomy", language))
    third.caption(message("ui.card.autonomy_two_caption", language))
    headers, rows = headline.year_table(head, language)
    # every budget year (the profile is the point), as a table whose cells wrap: no column
    # is cut, not even on a phone
    st.table(pd.DataFrame(rows, columns=headers), hide_index=True)
    st.caption(message("headline.table_note", language))
    notes = [message("headline.by_funder", language, items=headline.funder_text(head, language))]
    if np.isfinite(head.per_inhabitant_p50):
        notes.append(message("headline.per_inhabitant", language, value=format_eur(
            head.per_inhabitant_p50, 2, language)))
    if not head.balancing_possible:
        notes.append(message("headline.operator_risk", language, share=format_percent(
            head.operator_short_of_cash, language=language)))
    st.markdown("  \n".join(notes))
    with st.expander(message("headline.definitions_title", language)):
        for line in headline.definition_lines(language):
            st.markdown(f"- {line}")
