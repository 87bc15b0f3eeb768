"""Issue 11, "Ten officials at once": sessions share the server's caches but never each
other's edits; the caches are bounded; the cards reach the page before any chart is built."""

from __future__ import annotations

import json
import threading
import time

import pytest

from dashboard_apptest import metric, number, start
from tierslieux_sim.faces.dashboard import app as dashboard
from tierslieux_sim.faces.dashboard import runs
from tierslieux_sim.faces.dashboard.shared_cache import SharedCache

DAY_PASS = "lever:prices.day_pass_eur"
FLEX_DESKS = "lever:site.flex_desks"
BALANCING = "Subvention d'équilibre"


def _slider(app, key):
    (slider,) = [slider for slider in app.slider if slider.key == key]
    return slider


def _lever_values(app) -> dict[str, float]:
    return {slider.key: slider.value for slider in app.slider if slider.key.startswith("lever:")}


def test_two_sessions_never_see_each_others_edits():
    first, second = start(), start()
    levers_before, card_before = _lever_values(second), metric(second, BALANCING)
    data_before = repr(second.session_state["data"])

    _slider(first, DAY_PASS).set_value(_slider(first, DAY_PASS).value + 7).run()
    _slider(first, FLEX_DESKS).set_value(_slider(first, FLEX_DESKS).value + 3).run()
    assert not first.exception, first.exception
    # dearer day passes and more desks: the yearly balancing subsidy goes down…
    assert number(metric(first, BALANCING)) < number(card_before)
    second.run()
    assert not second.exception, second.exception
    # … of the first session only
    assert _lever_values(second) == levers_before
    assert metric(second, BALANCING) == card_before
    assert repr(second.session_state["data"]) == data_before

    # and the other way round, each session on its own lever
    first_levers = _lever_values(first)
    _slider(second, DAY_PASS).set_value(_slider(second, DAY_PASS).value - 2).run()
    first.run()
    assert _lever_values(first) == first_levers
    assert _slider(second, DAY_PASS).value == levers_before[DAY_PASS] - 2
    assert _slider(second, FLEX_DESKS).value == levers_before[FLEX_DESKS]


def test_sessions_with_the_same_edits_share_one_scenario_and_one_run():
    first, second = start(), start()
    for app in (first, second):
        _slider(app, DAY_PASS).set_value(_slider(app, DAY_PASS).value + 5).run()
        assert not app.exception, app.exception
    one, other = first.session_state["scenario"], second.session_state["scenario"]
    assert one is other  # validated once, for both
    text = runs.scenario_text(one)
    assert runs.run_key(text, dashboard.FAST_DRAWS, dashboard.DEFAULT_SEED,
                        runs.RESULTS_PAGE_VARIABLES) in runs._RUNS
    assert metric(first, BALANCING) == metric(second, BALANCING)


def test_a_new_session_finds_the_default_run_however_many_edits_were_run():
    default_key = runs.run_key(runs.scenario_text(runs.preset_scenario("default")),
                               dashboard.FAST_DRAWS, dashboard.DEFAULT_SEED,
                               runs.RESULTS_PAGE_VARIABLES)
    start()
    assert default_key in runs._PRESET_RUNS
    for index in range(runs.RUNS_CACHE_ENTRIES + 1):  # edits enough to fill the cache
        runs._RUNS._store(("edit", index), None, 1)
    assert default_key in runs._PRESET_RUNS
    runs._RUNS.clear()


def test_the_cards_are_sent_before_any_chart_is_built(monkeypatch):
    def no_charts(results, language):
        raise RuntimeError("charts not built yet")

    app = start()
    monkeypatch.setattr(dashboard, "result_charts", no_charts)
    _slider(app, DAY_PASS).set_value(_slider(app, DAY_PASS).value + 4).run()
    assert "charts not built yet" in str(app.exception)
    assert metric(app, BALANCING)  # the cards of the new run are already on the page
    assert not app.get("plotly_chart")


def test_the_charts_are_those_of_the_plots_module():
    app = start()
    shown = app.get("plotly_chart")
    assert len(shown) == len(dashboard.CHARTS)
    results = runs.run_scenario(runs.scenario_text(app.session_state["scenario"]),
                                     dashboard.FAST_DRAWS, dashboard.DEFAULT_SEED)
    by_key = {element.proto.id.split("chart:")[-1]: element for element in shown}
    for figure, *_ in dashboard.CHARTS:
        element = by_key[figure.__name__]
        expected = json.loads(figure(results, language="fr").to_json(validate=False))
        sent = json.loads(element.proto.spec)
        assert sent["data"] == expected["data"]
        for spec in (sent, expected):  # the dashboard writes the title above the chart
            spec["layout"].pop("title", None)
            spec["layout"]["margin"].pop("t", None)
        assert sent["layout"] == expected["layout"]


# --- a slider move computes what the results page shows, no more ---------------------------

def _sent_spec(element) -> dict:
    spec = json.loads(element.proto.spec)
    spec["layout"].pop("title", None)  # the dashboard writes the title above the chart
    spec["layout"]["margin"].pop("t", None)
    return spec


def test_a_slider_move_keeps_per_draw_only_what_the_results_page_shows(monkeypatch):
    asked = []
    simulate = runs.simulate

    def recording(*args, **kwargs):
        asked.append(kwargs.get("keep_variables"))
        return simulate(*args, **kwargs)

    app = start()
    monkeypatch.setattr(runs, "simulate", recording)
    _slider(app, DAY_PASS).set_value(_slider(app, DAY_PASS).value + 9).run()
    assert not app.exception, app.exception
    assert asked == [runs.RESULTS_PAGE_VARIABLES]  # one run, two variables per draw
    text = runs.scenario_text(app.session_state["scenario"])
    light = runs._RUNS.find(runs.run_key(text, dashboard.FAST_DRAWS, dashboard.DEFAULT_SEED,
                                         runs.RESULTS_PAGE_VARIABLES))
    assert light is not None and set(light.dataset.data_vars) == {"cash_eur", "occupancy_rate"}
    assert runs.results_bytes(light) < 10e6  # a full run holds about 115 MB


def test_after_a_move_every_card_and_chart_is_that_of_a_full_run():
    app = start()
    _slider(app, DAY_PASS).set_value(_slider(app, DAY_PASS).value + 11).run()
    assert not app.exception, app.exception
    scenario = app.session_state["scenario"]
    full = runs.simulate(scenario, draws=dashboard.FAST_DRAWS, seed=dashboard.DEFAULT_SEED)
    other = start()  # the same edit in a session that shows the full run's cards
    other.session_state["data"] = app.session_state["data"]
    runs._RUNS._store(runs.run_key(runs.scenario_text(scenario), dashboard.FAST_DRAWS,
                                   dashboard.DEFAULT_SEED), full, 1)
    other.run()
    assert [(m.label, m.value) for m in app.metric] == [(m.label, m.value) for m in other.metric]
    assert len(app.metric) >= 4
    shown = {element.proto.id.split("chart:")[-1]: element for element in app.get("plotly_chart")}
    assert sorted(shown) == sorted(figure.__name__ for figure, *_ in dashboard.CHARTS)
    captions = [caption.value for caption in app.caption]
    for figure, reading, _ in dashboard.CHARTS:
        expected = json.loads(figure(full, language="fr").to_json(validate=False))
        for spec in (expected,):
            spec["layout"].pop("title", None)
            spec["layout"]["margin"].pop("t", None)
        assert _sent_spec(shown[figure.__name__]) == expected, figure.__name__
        assert reading(full, language="fr") in captions, reading.__name__
    runs._RUNS.clear()


def test_the_downloads_are_built_from_a_full_run_at_the_click(monkeypatch):
    import io

    import openpyxl
    import streamlit as st

    from tierslieux_sim.faces import workbook

    offered, used = {}, []
    download_button = st.download_button

    def recording_button(label, data, *args, **kwargs):
        offered[kwargs.get("key")] = data
        return download_button(label, data, *args, **kwargs)

    def recording_workbook(results, language):
        used.append(results)
        return workbook.workbook_bytes(results, language)

    monkeypatch.setattr(st, "download_button", recording_button)
    monkeypatch.setattr(dashboard, "workbook_bytes", recording_workbook)
    app = start()
    _slider(app, DAY_PASS).set_value(_slider(app, DAY_PASS).value + 13).run()
    assert not app.exception, app.exception
    assert not used  # nothing built before the click
    book = openpyxl.load_workbook(io.BytesIO(offered["download_workbook"]()))
    assert book.sheetnames
    (results,) = used
    assert results.kept_variables is None and results.draws == dashboard.FAST_DRAWS
    assert results.scenario == app.session_state["scenario"]
    report = offered["download_report"]()
    assert "<html" in report.lower() and app.session_state["scenario"].meta.name in report


# --- the shared cache ----------------------------------------------------------------------

def test_the_shared_cache_is_bounded_by_bytes_and_entries_least_recent_out():
    cache: SharedCache[bytes] = SharedCache(max_bytes=250, max_entries=3, size_of=len)
    for key in "abc":
        assert cache.get(key, lambda key=key: key.encode() * 100) == key.encode() * 100
    assert list(cache._entries) == ["b", "c"] and cache.total_bytes() == 200  # a went
    cache.get("b", lambda: b"never computed")
    cache.get("d", lambda: b"d" * 60)
    assert list(cache._entries) == ["b", "d"]  # c was the least recently used
    cache.get("e", lambda: b"e" * 1000)  # larger than the bound: kept alone
    assert list(cache._entries) == ["e"]
    small: SharedCache[bytes] = SharedCache(max_bytes=10**6, max_entries=2, size_of=len)
    for key in "xyz":
        small.get(key, lambda: b"1")
    assert list(small._entries) == ["y", "z"]


def test_sessions_asking_for_the_same_run_at_once_compute_it_once():
    cache: SharedCache[int] = SharedCache(max_bytes=10**6, max_entries=8, size_of=lambda _: 1)
    calls = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    values = []
    threads = [threading.Thread(target=lambda: values.append(cache.get("run", slow)))
               for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert values == [42] * 5 and len(calls) == 1


def test_a_failed_computation_is_not_kept():
    cache: SharedCache[int] = SharedCache(max_bytes=10, max_entries=2, size_of=lambda _: 1)

    def failing() -> int:
        raise ValueError("bad scenario")

    with pytest.raises(ValueError):
        cache.get("k", failing)
    assert "k" not in cache and cache.get("k", lambda: 3) == 3


def test_the_runs_cache_holds_a_few_runs_at_2000_draws():
    results = runs.run_scenario(runs.scenario_text(runs.preset_scenario("default")),
                                     dashboard.FAST_DRAWS, dashboard.DEFAULT_SEED)
    size = runs.results_bytes(results)
    assert 50e6 < size < 250e6  # about 115 MB
    assert 3 <= runs.RUNS_CACHE_BYTES // size <= 10
    assert runs._RUNS.total_bytes() <= max(runs.RUNS_CACHE_BYTES, size)
