"""The model on caller-chosen inputs (replay laws) equals ``simulate`` on the engine's own
draws: the sensitivity analyses build on that."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tierslieux_sim as tl
from tierslieux_sim.analysis.chosen_inputs import (
    award_inputs,
    central_inputs,
    draw_inputs,
    evaluate_inputs,
)

SEED = 11


@pytest.mark.parametrize("fixture", ["default", "rich"])
def test_replaying_the_engine_draws_gives_simulate_exactly(request, fixture):
    scenario = request.getfixturevalue(fixture)
    results = tl.simulate(scenario, draws=700, seed=SEED)
    replayed = evaluate_inputs(scenario, draw_inputs(scenario, 700, SEED), batch_rows=300)
    pd.testing.assert_frame_equal(replayed, results.indicators)


def test_central_row_is_the_central_case(default):
    row = pd.DataFrame({path: [value] for path, value in central_inputs(default).items()})
    central = evaluate_inputs(default, row).iloc[0]
    pd.testing.assert_series_equal(central, tl.simulate(default, draws=1, seed=1)
                                   .central_indicators, check_names=False)


def test_missing_columns_are_central_and_awards_decide_amounts(default):
    awards = award_inputs(default)
    assert set(awards) == {"investment.grants[0].award", "investment.grants[1].award",
                           "operating_subsidies[1].award"}
    subsidy = "operating_subsidies[1].award"  # Fabrique de Territoire, 50 k€ a year, 3 years
    table = pd.DataFrame({subsidy: [1.0, 0.0]})  # refused, awarded
    cash = evaluate_inputs(default, table)["cash_at_horizon_eur"].to_numpy()
    assert cash[1] - cash[0] == pytest.approx(150_000, abs=1e-6)


def test_unknown_columns_are_refused(default):
    with pytest.raises(KeyError, match="site.flex_desks"):
        evaluate_inputs(default, pd.DataFrame({"site.flex_desks": [3.0]}))


def test_inputs_table_has_one_column_per_random_input(default):
    table = draw_inputs(default, 50, SEED)
    assert table.shape == (50, len(central_inputs(default)))
    assert np.all((table.filter(like=".award") >= 0) & (table.filter(like=".award") < 1))
