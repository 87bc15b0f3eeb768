"""Dashboard page "Repères" (issue 15): the outside view — this scenario's key figures among
real French tiers-lieux, coworkings and télécentres, with a warning where it is more
optimistic than nine real sites in ten."""

from __future__ import annotations

import streamlit as st

from tierslieux_sim.core.i18n import message
from tierslieux_sim.faces.dashboard.layout import show_chart
from tierslieux_sim.faces.dashboard.runs import run_current, validated_scenario
from tierslieux_sim.scenario.reference_class import site
from tierslieux_sim.scenario.schema import Scenario
from tierslieux_sim.views.outside_view import outside_view, reading
from tierslieux_sim.views.plots_outside import outside_view_chart


def page_outside(draws: int, seed: int, language: str) -> Scenario:
    scenario = validated_scenario(language)
    results = run_current(scenario, draws, seed, language)
    st.subheader(message("outside.title", language))
    st.caption(message("outside.intro", language))
    benchmarks = outside_view(results)
    for benchmark in benchmarks:
        if benchmark.warning:
            st.warning(reading(benchmark, language))
    show_chart(outside_view_chart(results, language, benchmarks), "chart:outside_view")
    st.markdown("\n".join(f"- {reading(benchmark, language)}" for benchmark in benchmarks
                          if not benchmark.warning))
    with st.expander(message("outside.sources", language)):
        slugs = sorted({o.slug for b in benchmarks for o in b.observations
                        if not o.slug.startswith("_")})
        st.markdown("\n".join(
            f"- **{site(slug).name}** ({site(slug).commune}) : "
            + " ; ".join(f"{source.title} — {source.publisher}, {source.date}"
                         for source in site(slug).sources.values())
            for slug in slugs))
    return scenario
