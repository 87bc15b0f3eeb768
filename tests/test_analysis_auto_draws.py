"""``simulate(draws="auto", tolerance=…)``: as many draws as the headline statistics need,
and exactly the run of that many draws."""

from __future__ import annotations

import pandas as pd
import pytest

import tierslieux_sim as tl
from tierslieux_sim.core.notices import TiersLieuxWarning
from tierslieux_sim.engine.auto_draws import convergence_table, simulate_auto
from tierslieux_sim.engine.constants import BLOCK_DRAWS


def test_auto_draws_is_the_run_of_that_many_draws(default):
    results = tl.simulate(default, draws="auto", tolerance=0.05, seed=3, keep="summary")
    assert results.draws % BLOCK_DRAWS == 0
    plain = tl.simulate(default, draws=results.draws, seed=3, keep="summary")
    pd.testing.assert_frame_equal(results.indicators, plain.indicators)
    assert [notice.code for notice in results.notices] == ["auto_draws"]
    assert str(results.draws) in results.notices[0].text("fr")
    assert convergence_table(results, 0.05)["converged"].all()


def test_tighter_tolerance_needs_more_draws(default):
    loose = tl.simulate(default, draws="auto", tolerance=0.05, seed=3, keep="summary")
    tight = tl.simulate(default, draws="auto", tolerance=0.02, seed=3, keep="summary")
    assert tight.draws > loose.draws
    table = convergence_table(tight, 0.02).set_index("statistic")
    assert (table["half_width"] <= table["allowed"]).all()


def test_full_results_when_asked(default):
    results = tl.simulate(default, draws="auto", tolerance=0.1, seed=5)
    assert results.keep == "full" and results.dataset.sizes["draw"] == results.draws


def test_cap_is_said_in_a_warning(default):
    with pytest.warns(TiersLieuxWarning, match="tolérance"):
        results = simulate_auto(default, 0.001, seed=1, keep="summary", initial_draws=256,
                                max_draws=512)
    assert results.draws == 512
    assert [notice.code for notice in results.notices] == ["auto_draws",
                                                           "auto_draws_not_converged",
                                                           "auto_draws_capped"]
    assert "plafond de 512 tirages" in results.notices[-1].text("fr")  # the stated cap


def test_bad_arguments(default):
    with pytest.raises(ValueError, match="tolerance"):
        tl.simulate(default, draws=100, tolerance=0.01)
    with pytest.raises(ValueError):
        tl.simulate(default, draws="auto", tolerance=0)
    with pytest.raises(ValueError):
        tl.simulate(default, draws="many")
