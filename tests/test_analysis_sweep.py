"""Sweeps: grids and lists of changes, one tidy table, identical serially, in local
processes and on a real ``dask.distributed.LocalCluster``."""

from __future__ import annotations

import importlib

import distributed
import pandas as pd
import pytest

import tierslieux_sim as tl
from tierslieux_sim.analysis.changes import apply_changes
from tierslieux_sim.analysis.sweep import expand_changes, load_changes, sweep
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.engine.outputs import parse_output

GRID = {"prices.day_pass_eur": [8, 16], "site.flex_desks": [8, 12]}
KPIS = ["balancing_subsidy_p80", "autonomy_by_year_5", "occupancy_rate_year_3_p50",
        "balancing_subsidy"]
DRAWS, SEED = 300, 9


@pytest.fixture(scope="module")
def serial(default) -> pd.DataFrame:
    return sweep(default, GRID, draws=DRAWS, seed=SEED, kpis=KPIS)


def test_grid_is_a_cartesian_product_in_order():
    assert expand_changes(GRID) == [
        {"prices.day_pass_eur": 8, "site.flex_desks": 8},
        {"prices.day_pass_eur": 8, "site.flex_desks": 12},
        {"prices.day_pass_eur": 16, "site.flex_desks": 8},
        {"prices.day_pass_eur": 16, "site.flex_desks": 12}]
    assert expand_changes([{"a": 1}, {"b": 2}]) == [{"a": 1}, {"b": 2}]
    assert expand_changes(None) == [{}]
    with pytest.raises(AnalysisError):
        expand_changes({"prices.day_pass_eur": []})
    with pytest.raises(AnalysisError):
        expand_changes("prices.day_pass_eur=8")


def test_rows_equal_serial_simulate_exactly(default, serial):
    assert list(serial.columns) == ["variant", "scenario", "prices.day_pass_eur",
                                    "site.flex_desks", *KPIS, "notices"]
    assert serial.attrs == {"seed": SEED, "draws": DRAWS, "sampling": "random", "kpis": KPIS}
    for row in serial.itertuples(index=False):
        changes = {"prices.day_pass_eur": row[2], "site.flex_desks": row[3]}
        results = tl.simulate(apply_changes(default, changes), draws=DRAWS, seed=SEED)
        for kpi in KPIS:
            assert getattr(row, kpi) == parse_output(kpi, default).value(results), (changes, kpi)


def test_local_processes_give_the_same_table(default, serial):
    pd.testing.assert_frame_equal(sweep(default, GRID, draws=DRAWS, seed=SEED, kpis=KPIS,
                                        workers=2), serial)


def test_dask_local_cluster_gives_the_same_table(default, serial):
    """Two worker processes on 127.0.0.1 (the ``test`` extra installs dask.distributed)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        on_dask = sweep(default, GRID, draws=DRAWS, seed=SEED, kpis=KPIS, client=client)
        by_address = sweep(default, GRID, draws=DRAWS, seed=SEED, kpis=KPIS,
                           scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(on_dask, serial)
    pd.testing.assert_frame_equal(by_address, serial)


def test_sites_times_variants_from_files(default, tmp_path):
    files = []
    for name, desks in (("bourg", 10), ("gare", 16)):
        path = tmp_path / f"{name}.toml"
        tl.save_scenario(apply_changes(default, {"site.flex_desks": desks}), path)
        files.append(path)
    table = sweep(files, [{"prices.day_pass_eur": 10}, {"prices.day_pass_eur": 14}],
                  draws=100, seed=1, kpis=["balancing_subsidy_p50"])
    assert table["scenario"].tolist() == ["bourg", "bourg", "gare", "gare"]
    assert table["variant"].tolist() == [0, 1, 2, 3]
    assert table["prices.day_pass_eur"].tolist() == [10, 14, 10, 14]


def test_grid_file(tmp_path):
    path = tmp_path / "grille.toml"
    path.write_text('[grid]\n"prices.day_pass_eur" = [8, 12]\n[grid.site]\nflex_desks = [6, 9]\n'
                    '\n[[variants]]\n"operating_subsidies[0].amount_eur_per_year" = 20000\n',
                    encoding="utf-8")
    variants = load_changes(path)
    assert len(variants) == 5
    assert variants[1] == {"prices.day_pass_eur": 8, "site.flex_desks": 9}
    assert variants[4] == {"operating_subsidies[0].amount_eur_per_year": 20000}
    bad = tmp_path / "bad.toml"
    bad.write_text("[other]\nx = 1\n", encoding="utf-8")
    with pytest.raises(AnalysisError):
        load_changes(bad)


def test_uncertain_inputs_move_or_are_fixed(default):
    moved = sweep(default, [{"prices.day_pass_eur": 15}], draws=50, seed=1, kpis=KPIS[:1])
    fixed = sweep(default, [{"prices.day_pass_eur": 15}], draws=50, seed=1, kpis=KPIS[:1],
                  keep_uncertainty=False)
    assert moved.loc[0, KPIS[0]] != fixed.loc[0, KPIS[0]]
    edited = apply_changes(default, {"prices.day_pass_eur": 15})
    assert edited.prices.day_pass_eur.mode == 15  # triangular 6/12/20 scaled by 15/12


def test_bad_variants_fail_before_anything_runs(default):
    with pytest.raises(AnalysisError, match="unknown path"):
        sweep(default, {"prices.nothing": [1, 2]}, draws=10)
    with pytest.raises(AnalysisError) as caught:  # out of the field's bounds (issue 13)
        sweep(default, {"demand.segments[0].adoption_rate": [0.5, 1.5]}, draws=10,
              keep_uncertainty=False)
    assert "demand.segments[0].adoption_rate" in caught.value.text("en")
    assert "[0, 1]" in caught.value.text("en")


def test_workers_keep_large_arrays_on_the_heap_once(monkeypatch):
    """Sweep workers (Dask nannies set MALLOC_TRIM_THRESHOLD_, which made variants 3.5×
    slower) set glibc's mmap and trim thresholds, once per process."""
    import tierslieux_sim.core.allocator as allocator

    module = importlib.import_module("tierslieux_sim.analysis.sweep")
    calls = []

    class FakeLibc:
        def mallopt(self, parameter, value):
            calls.append((parameter, value))
            return 1

    monkeypatch.setattr(allocator.ctypes, "CDLL", lambda name: FakeLibc())
    monkeypatch.setattr(allocator, "_done", False)
    monkeypatch.setattr(allocator.sys, "platform", "linux")
    assert module.tune_allocator() is True
    assert calls == [(-3, 256 * 1024 * 1024), (-1, 1024 * 1024 * 1024)]  # mmap, trim
    assert module.tune_allocator() is False and len(calls) == 2  # once per process


def test_a_worker_killed_mid_sweep_leaves_the_table_of_a_serial_run(default):
    """A Dask worker process killed (SIGKILL) while the sweep runs: the scheduler runs its
    variants again elsewhere and the table is identical to a serial run's."""
    import os
    import signal
    import threading
    import time

    grid = {"prices.day_pass_eur": [8, 10, 12, 14, 16, 18], "site.flex_desks": [8, 12]}
    draws = 3_000
    expected = sweep(default, grid, draws=draws, seed=SEED, kpis=KPIS)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        victim = next(iter(client.run(os.getpid).values()))  # a worker this test started
        outcome: dict[str, pd.DataFrame] = {}
        worker = threading.Thread(target=lambda: outcome.setdefault("table", sweep(
            default, grid, draws=draws, seed=SEED, kpis=KPIS, client=client)))
        worker.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(client.processing().values()):
            time.sleep(0.02)
        assert worker.is_alive(), "the sweep ended before a worker could be killed"
        os.kill(victim, signal.SIGKILL)
        worker.join(timeout=300)
        assert not worker.is_alive()
    pd.testing.assert_frame_equal(outcome["table"], expected)
