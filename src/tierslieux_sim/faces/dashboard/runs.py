"""Runs of the dashboard, shared by the app and its pages: the current scenario validated
(an invalid edit keeps the last valid scenario and says why), and its simulation from a cache
every session shares (bounded in bytes).

A page asks for the per-draw monthly arrays it shows and no more: the results page, where
the sliders are, keeps ``cash_eur`` and ``occupancy_rate`` per draw (its two fan charts);
every other variable is kept as its monthly mean (``simulate(..., keep_variables=...)``).
Its cards and charts are the same, bit for bit, as from a full run, which holds thirty times
the memory (115 MB at 2,000 draws) and spends more CPU copying it. Pages and downloads that read
other variables per draw (the workbook, the report, the territory and financing pages, the
comparison) ask for a full run; a full run in the cache also answers a lighter request.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Collection
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
    """Memory a run holds [bytes]: its per-draw arrays, monthly means, central case and
    indicators."""
    means = results._mean_only.nbytes if results._mean_only is not None else 0
    return int(results.dataset.nbytes + means + results.central.nbytes
               + results.indicators.memory_usage(index=False).sum())


#: The per-draw monthly arrays of the results page (its fan charts of cash and occupancy):
#: what a slider move computes and keeps, about 4 MB at 2,000 draws.
RESULTS_PAGE_VARIABLES = ("cash_eur", "occupancy_rate")

#: Runs kept for every session together [bytes]: about five full runs at 2,000 draws (115 MB
#: each), one at 10,000, or 32 runs of the results page (4 MB each at 2,000 draws); the
#: server's memory stays bounded however many sessions are open.
RUNS_CACHE_BYTES = 640 * 2**20
RUNS_CACHE_ENTRIES = 32
_RUNS: SharedCache[Results] = SharedCache(RUNS_CACHE_BYTES, RUNS_CACHE_ENTRIES, results_bytes)
#: The runs of the presets as shipped, what a new session shows first, kept apart so that
#: sessions moving sliders never push them out [bytes]: one full run at 2,000 draws and the
#: results page of every preset.
PRESET_RUNS_CACHE_BYTES = 160 * 2**20
_PRESET_RUNS: SharedCache[Results] = SharedCache(PRESET_RUNS_CACHE_BYTES, 8, results_bytes)


def run_key(scenario_text: str, draws: int, seed: int,
            variables: Collection[str] | None = None) -> tuple[Any, ...]:
    """The cache key of a run: ``(text, draws, seed)`` for a full run, with the sorted
    per-draw variables after them for a lighter one."""
    if variables is None:
        return (scenario_text, draws, seed)
    return (scenario_text, draws, seed, tuple(sorted(variables)))


def run_scenario(scenario_text: str, draws: int, seed: int,
                 scenario: Scenario | None = None,
                 variables: Collection[str] | None = None) -> Results:
    """Simulate a scenario given by its canonical TOML text (the cache key, shared by every
    session: :data:`RUNS_CACHE_BYTES`). ``scenario``, when given, is that text already
    validated, so that it is not read again. ``variables``: the only variables kept per draw
    and month (e.g. :data:`RESULTS_PAGE_VARIABLES`), the others as monthly means; ``None``,
    a full run (what the workbook and the report need). A full run already in the cache
    answers a lighter request."""
    def compute() -> Results:
        source = scenario if scenario is not None else parse_scenario_text(scenario_text,
                                                                           "session")
        return simulate(source, draws=draws, seed=seed, keep_variables=variables)

    runs = _PRESET_RUNS if scenario_text in _preset_texts() else _RUNS
    if variables is not None:
        full = runs.find(run_key(scenario_text, draws, seed))
        if full is not None:
            return full
    return runs.get(run_key(scenario_text, draws, seed, variables), compute)


def means_view(results: Results) -> Results:
    """The run as a ``keep="summary"`` run (monthly means, no per-draw monthly arrays), for
    the figures and readings documented to work with ``keep="summary"``: they read the
    means of a lighter run's other variables from ``monthly_mean``, the same numbers, where
    with ``keep="full"`` they would look for them per draw. A full run is returned as is."""
    if results.kept_variables is None:
        return results
    return dataclasses.replace(results, keep="summary", _dataset=None,
                               _monthly_mean=results.monthly_mean)


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


def run_current(scenario: Scenario, draws: int, seed: int, language: str,
                variables: Collection[str] | None = None) -> Results:
    """The current scenario's run (``variables``: see :func:`run_scenario`), under a
    spinner."""
    with st.spinner(message("ui.computing", language, draws=f"{draws:,}".replace(",", " "))):
        return run_scenario(scenario_text(scenario), draws, seed, scenario, variables)


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


