"""Runs of the dashboard, shared by the app and its pages: the current scenario validated
(an invalid edit keeps the last valid scenario and says why), and its simulation from a cache
every session shares (bounded in bytes)."""

from __future__ import annotations

import functools
from typing import Any

import streamlit as st

from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.pipeline import simulate
from tierslieux_sim.engine.results import Results
from tierslieux_sim.faces.dashboard import data as scenario_data
from tierslieux_sim.faces.dashboard.shared_cache import SharedCache
from tierslieux_sim.faces.dashboard.widgets import refused_tables
from tierslieux_sim.scenario.errors import ScenarioError
from tierslieux_sim.scenario.fields import field_meta
from tierslieux_sim.scenario.files import parse_scenario_text, preset_names, preset_scenario, scenario_to_toml
from tierslieux_sim.scenario.schema import Scenario


def _field_of(path: str) -> tuple[type, str]:
    """The model class and field name a data path ends on."""
    model: Any = Scenario
    parts = scenario_data.path_parts(path)
    for part in parts[:-1]:
        if isinstance(part, int):
            continue
        model = scenario_data.item_model(model, part)
    return model, str(parts[-1])


def table_label(path: str, language: str) -> str:
    meta = field_meta(*_field_of(path))
    return meta.label(language) if meta else path



def results_bytes(results: Results) -> int:
    """Memory a run holds [bytes]: its per-draw arrays, central case and indicators."""
    return int(results.dataset.nbytes + results.central.nbytes
               + results.indicators.memory_usage(index=False).sum())


#: Runs kept for every session together [bytes]: about five at 2,000 draws (115 MB each),
#: one at 10,000; the server's memory stays bounded however many sessions are open.
RUNS_CACHE_BYTES = 640 * 2**20
RUNS_CACHE_ENTRIES = 32
_RUNS: SharedCache[Results] = SharedCache(RUNS_CACHE_BYTES, RUNS_CACHE_ENTRIES, results_bytes)
#: The runs of the presets as shipped, what a new session shows first, kept apart so that
#: sessions moving sliders never push them out [bytes]: one run at 2,000 draws.
PRESET_RUNS_CACHE_BYTES = 160 * 2**20
_PRESET_RUNS: SharedCache[Results] = SharedCache(PRESET_RUNS_CACHE_BYTES, 2, results_bytes)


def run_scenario(scenario_text: str, draws: int, seed: int,
                 scenario: Scenario | None = None) -> Results:
    """Simulate a scenario given by its canonical TOML text (the cache key, shared by every
    session: :data:`RUNS_CACHE_BYTES`). ``scenario``, when given, is that text already
    validated, so that it is not read again."""
    def compute() -> Results:
        source = scenario if scenario is not None else parse_scenario_text(scenario_text,
                                                                           "session")
        return simulate(source, draws=draws, seed=seed)

    runs = _PRESET_RUNS if scenario_text in _preset_texts() else _RUNS
    return runs.get((scenario_text, draws, seed), compute)


@functools.cache
def _preset_texts() -> frozenset[str]:
    return frozenset(scenario_to_toml(preset_scenario(name)) for name in preset_names())


@st.cache_resource(max_entries=256, show_spinner=False)
def _text_of(identity: int, _scenario: Scenario) -> tuple[Scenario, str]:
    # keeps the scenario itself, so that its id is not given to another while cached
    return _scenario, scenario_to_toml(_scenario)


def scenario_text(scenario: Scenario) -> str:
    """The scenario's canonical TOML text, written once per scenario object: a rerun that
    changes nothing, or another session with the same edits (:func:`validated_data`), finds
    it already written."""
    kept, text = _text_of(id(scenario), scenario)
    return text if kept is scenario else scenario_to_toml(scenario)


@st.cache_resource(max_entries=256, show_spinner=False)
def _validated_by_text(data_text: str, _data: dict[str, Any]) -> Scenario:
    return scenario_data.validated(_data)


def validated_data(data: dict[str, Any]) -> Scenario:
    """:func:`~.data.validated` once per distinct edit, for every session (the same data
    gives the same frozen scenario); raises :class:`ScenarioError` as it does."""
    return _validated_by_text(repr(data), data)


def run_current(scenario: Scenario, draws: int, seed: int, language: str) -> Results:
    with st.spinner(message("ui.computing", language, draws=f"{draws:,}".replace(",", " "))):
        return run_scenario(scenario_text(scenario), draws, seed, scenario)


def validated_scenario(language: str) -> Scenario:
    """The edited data if valid (it becomes the current scenario), else the last valid one
    with the problems shown: an invalid edit never loses the user's work nor the results."""
    for dropped in scenario_data.prune_correlations(st.session_state["data"]):
        st.info(message("ui.correlation_dropped", language, a=dropped.get("a"),
                        b=dropped.get("b")))
    refused = refused_tables()
    if refused:
        st.warning(message("ui.refused_pending", language, tables=", ".join(
            f"« {table_label(path, language)} »" if language == "fr"
            else f"“{table_label(path, language)}”" for path in refused)))
    try:
        scenario = validated_data(st.session_state["data"])
    except ScenarioError as error:
        st.error(message("ui.invalid_scenario", language) + "\n\n" + "\n\n".join(
            f"`{problem.path}` : {problem.describe(language)}" if problem.path
            else problem.describe(language) for problem in error.problems))
        return st.session_state["scenario"]
    st.session_state["scenario"] = scenario
    return scenario


