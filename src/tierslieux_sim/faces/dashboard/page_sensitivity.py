"""Dashboard page "Sensibilité": which inputs drive an output (tornado), how the output moves
with one input (scatter of the draws), and "what must be true" (the value of an input that
reaches a target)."""

from __future__ import annotations

import math

import streamlit as st

from tierslieux_sim.analysis.chosen_inputs import award_inputs, draw_inputs
from tierslieux_sim.analysis.sensitivity import Tornado, tornado
from tierslieux_sim.analysis.solve import SolveResult, default_bounds, solve
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.engine.outputs import Output, parse_output
from tierslieux_sim.faces.dashboard.data import LEVER_PATHS
from tierslieux_sim.faces.dashboard.layout import show_chart
from tierslieux_sim.faces.dashboard.runs import run_current, validated_scenario
from tierslieux_sim.faces.dashboard.widgets import remember_choice
from tierslieux_sim.scenario.distributions import _Distribution
from tierslieux_sim.scenario.fields import unit_text
from tierslieux_sim.scenario.files import parse_scenario_text, scenario_to_toml
from tierslieux_sim.scenario.labels import input_label, input_unit, is_award_path
from tierslieux_sim.scenario.paths import get_path, uncertain_leaves
from tierslieux_sim.scenario.schema import Scenario
from tierslieux_sim.views import plots_analysis

#: Outputs offered (those beyond the horizon are left out). The first, a central-case
#: output, is a deterministic tornado of a few dozen model runs: the page opens at once; the
#: others are Monte Carlo tornadoes (a few seconds, then cached).
SENSITIVITY_OUTPUTS = ("net_cost", "net_cost_p80", "balancing_subsidy", "balancing_subsidy_p50",
                       "balancing_subsidy_p80", "autonomy_by_year_3", "autonomy_by_year_5",
                       "cash_at_horizon_p50")
#: Targets offered in the "what must be true" panel.
SOLVE_STATISTICS = ("autonomy_by_year_5", "autonomy_by_year_3", "balancing_subsidy_p80",
                    "balancing_subsidy_p50")


def tornado_draws(draws: int) -> int:
    """Draws of each end of a Monte Carlo tornado: 500 in fast mode, 2,000 in precise mode
    (each of the ~60 ends is a run of its own; on common random numbers the swings stay
    sharp with few draws)."""
    return min(draws, 500 if draws <= 2_000 else 2_000)


def available(scenario: Scenario, names: tuple[str, ...]) -> list[str]:
    kept = []
    for name in names:
        try:
            parse_output(name, scenario)
        except AnalysisError:
            continue
        kept.append(name)
    return kept


def solve_paths(scenario: Scenario) -> list[str]:
    """Inputs offered in the "what must be true" panel: the levers, every segment's adoption
    rate and every operating subsidy's amount (numbers or laws only)."""
    paths = list(LEVER_PATHS)
    paths += [f"demand.segments[{i}].adoption_rate" for i in range(len(scenario.demand.segments))]
    paths += [f"operating_subsidies[{i}].amount_eur_per_year"
              for i in range(len(scenario.operating_subsidies))]
    kept = []
    for path in dict.fromkeys(paths):
        value = get_path(scenario, path)
        if isinstance(value, int | float | _Distribution) and not isinstance(value, bool):
            kept.append(path)
    return kept


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_tornado(scenario_text: str, output: str, draws: int, seed: int) -> Tornado:
    return tornado(parse_scenario_text(scenario_text, "session"), output, draws=draws, seed=seed)


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_inputs(scenario_text: str, draws: int, seed: int):
    return draw_inputs(parse_scenario_text(scenario_text, "session"), draws, seed)


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_solve(scenario_text: str, vary: str, target: str, low: float, high: float,
                 draws: int, seed: int) -> SolveResult:
    return solve(parse_scenario_text(scenario_text, "session"), vary, target,
                 bounds=(low, high), draws=draws, seed=seed)


def _tornado_section(scenario: Scenario, text: str, draws: int, seed: int, language: str
                     ) -> tuple[Output, Tornado]:
    names = available(scenario, SENSITIVITY_OUTPUTS)
    st.session_state.setdefault("sensitivity:output", names[0])
    if st.session_state["sensitivity:output"] not in names:
        st.session_state["sensitivity:output"] = names[0]
    name = remember_choice("sensitivity:output", st.selectbox(
        message("ui.sensitivity.output", language), names, key="sensitivity:output",
        format_func=lambda n: parse_output(n, scenario).label(language),
        placeholder=message("ui.choose", language)))
    output = parse_output(name, scenario)
    n = tornado_draws(draws)
    with st.spinner(message("ui.sensitivity.computing", language)):
        result = cached_tornado(text, name, n, seed)
    show_chart(plots_analysis.tornado_chart(result, language), "chart:tornado",
               plots_analysis.reading_tornado(result, language))
    for note in result.note_texts(language):
        st.caption(note)
    return output, result


def _scatter_section(scenario: Scenario, text: str, output: Output, result: Tornado,
                     draws: int, seed: int, language: str) -> None:
    st.subheader(message("ui.sensitivity.scatter", language))
    paths = [bar.path for bar in result.bars if not is_award_path(bar.path)]
    if not paths:
        st.info(message("ui.sensitivity.no_input", language))
        return
    if st.session_state.get("sensitivity:input") not in paths:
        st.session_state["sensitivity:input"] = paths[0]
    path = remember_choice("sensitivity:input", st.selectbox(
        message("ui.sensitivity.input", language), paths, key="sensitivity:input",
        format_func=lambda p: input_label(scenario, p, language),
        placeholder=message("ui.choose", language)))
    results = run_current(scenario, draws, seed, language)
    x = cached_inputs(text, draws, seed)[path].to_numpy()
    y = output.per_draw(results.indicators)
    label = input_label(scenario, path, language)
    show_chart(plots_analysis.scatter_chart(x, y, input_name=label,
                                            unit=input_unit(scenario, path),
                                            output=output, language=language),
               "chart:scatter")
    st.caption(plots_analysis.reading_scatter(x, y, input_name=label, output=output,
                                              language=language))


def _solve_section(scenario: Scenario, text: str, draws: int, seed: int, language: str
                   ) -> None:
    st.subheader(message("ui.solve.title", language))
    st.caption(message("ui.solve.intro", language))
    paths = solve_paths(scenario)
    statistics = available(scenario, SOLVE_STATISTICS)
    left, middle, right = st.columns(3)
    with left:
        vary = remember_choice("solve:vary", st.selectbox(
            message("ui.solve.vary", language), paths, key="solve:vary",
            format_func=lambda p: input_label(scenario, p, language),
            placeholder=message("ui.choose", language)))
    with middle:
        name = remember_choice("solve:statistic", st.selectbox(
            message("ui.solve.statistic", language), statistics, key="solve:statistic",
            format_func=lambda n: parse_output(n, scenario).label(language),
            placeholder=message("ui.choose", language)))
    output = parse_output(name, scenario)
    symbol = "≥" if output.higher_is_better else "≤"
    with right:
        if output.kind == "probability":
            threshold = st.slider(message("ui.solve.threshold", language, symbol=symbol), 5, 95,
                                  80, step=5, format="%d %%", key=f"solve:threshold:{name}") / 100
        else:  # start from four fifths of today's value, in round tens of thousands
            today = output.value(run_current(scenario, draws, seed, language))
            start = float(max(0.0, round(0.8 * today / 10_000) * 10_000))
            threshold = st.number_input(message("ui.solve.threshold", language, symbol=symbol),
                                        min_value=0.0, value=start, step=10_000.0,
                                        key=f"solve:threshold:{name}")
    unit = unit_text(input_unit(scenario, vary), language)
    try:
        low, high = default_bounds(scenario, vary)
    except AnalysisError:
        low, high = 0.0, 1.0
    integer = isinstance(get_path(scenario, vary), int)
    step = 1.0 if integer else float(10 ** math.floor(math.log10(max(high - low, 1e-9)) - 2))
    bound_left, bound_right, button = st.columns([2, 2, 1])
    with bound_left:
        low = st.number_input(message("ui.solve.min", language, unit=unit), value=float(low),
                              step=step, key=f"solve:min:{vary}")
    with bound_right:
        high = st.number_input(message("ui.solve.max", language, unit=unit), value=float(high),
                               step=step, key=f"solve:max:{vary}")
    with button:
        st.write("")
        clicked = st.button(message("ui.solve.button", language), key="solve:run")
    request = (text, vary, f"{name} {'>=' if symbol == '≥' else '<='} {threshold!r}",
               float(low), float(high), draws, seed)
    if clicked:
        st.session_state["solve:request"] = request
    if st.session_state.get("solve:request") != request:
        return
    try:
        with st.spinner(message("ui.solve.computing", language)):
            result = cached_solve(*request)
    except AnalysisError as error:
        st.error(error.text(language))
        return
    (st.success if result.status == "solved" else st.warning)(result.sentence(language))
    show_chart(plots_analysis.solve_chart(result, language), "chart:solve")


def page_sensitivity(draws: int, seed: int, language: str) -> Scenario:
    """The sensitivity page: tornado, scatter of an output against an input, and the "what
    must be true" panel; returns the current (valid) scenario."""
    scenario = validated_scenario(language)
    st.caption(message("ui.sensitivity.intro", language))
    if not uncertain_leaves(scenario) and not award_inputs(scenario):
        st.info(message("ui.sensitivity.no_input", language))
        _solve_section(scenario, scenario_to_toml(scenario), draws, seed, language)
        return scenario
    text = scenario_to_toml(scenario)
    output, result = _tornado_section(scenario, text, draws, seed, language)
    _scatter_section(scenario, text, output, result, draws, seed, language)
    st.divider()
    _solve_section(scenario, text, draws, seed, language)
    return scenario
