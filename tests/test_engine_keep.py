"""``simulate(..., keep_variables=...)``: only the chosen variables per draw and month, bit for
bit those of a full run; the others as monthly means; indicators and the central case as a
full run's."""

from __future__ import annotations

import numpy as np
import pytest

from tierslieux_sim.engine.collect import RESULT_VARIABLES, _line_sums, _stacked
from tierslieux_sim.engine.pipeline import simulate
from tierslieux_sim.engine.results import LINE_VARIABLES, MEAN_ONLY_VARIABLES
from tierslieux_sim.scenario.files import preset_names, preset_scenario

KEPT = ("cash_eur", "occupancy_rate", "users_by_segment")
DRAWS, SEED = 300, 11


@pytest.fixture(scope="module")
def runs():
    scenario = preset_scenario("default")
    return (simulate(scenario, draws=DRAWS, seed=SEED),
            simulate(scenario, draws=DRAWS, seed=SEED, keep_variables=KEPT))


def test_the_kept_variables_are_bit_identical_to_a_full_run(runs):
    full, light = runs
    assert light.keep == "full" and full.kept_variables is None
    in_order = tuple(name for name in RESULT_VARIABLES if name in KEPT)  # the dataset's order
    assert light.kept_variables == in_order and list(light.dataset.data_vars) == list(in_order)
    for name in KEPT:
        assert light.dataset[name].identical(full.dataset[name]), name
        assert light.has_draws(name) and full.has_draws(name)


def test_the_other_variables_are_absent_per_draw_and_kept_as_monthly_means(runs):
    full, light = runs
    others = [name for name in RESULT_VARIABLES if name not in KEPT]
    for name in others:
        assert name not in light.dataset and not light.has_draws(name)
        expected = (full.monthly_mean[name] if name in MEAN_ONLY_VARIABLES
                    else full.dataset[name].to_numpy().mean(axis=0))
        assert np.array_equal(light.monthly_mean[name].to_numpy(), np.asarray(expected)), name
        if name in LINE_VARIABLES:  # the same line names
            dimension = LINE_VARIABLES[name]
            assert list(light.monthly_mean[dimension].to_numpy()) == list(
                full.monthly_mean[dimension].to_numpy()), name
    assert set(light.monthly_mean.data_vars) == set(full.monthly_mean.data_vars)
    assert light.dataset.nbytes < full.dataset.nbytes / 10


def test_indicators_central_case_and_rules_are_those_of_a_full_run(runs):
    full, light = runs
    assert light.indicators.equals(full.indicators)
    assert light.central.identical(full.central)
    assert light.central_indicators.equals(full.central_indicators)
    assert light.summary().equals(full.summary())
    assert [check.code for check in light.rule_checks] == [c.code for c in full.rule_checks]


def test_chunks_keep_the_kept_variables_identical():
    scenario = preset_scenario("telecentre_rural")
    full = simulate(scenario, draws=700, seed=5)
    light = simulate(scenario, draws=700, seed=5, chunk_draws=256, keep_variables=["cash_eur"])
    assert light.dataset["cash_eur"].identical(full.dataset["cash_eur"])
    np.testing.assert_allclose(light.monthly_mean["own_revenue_eur"],
                               full.dataset["own_revenue_eur"].mean("draw"), rtol=1e-12)


def test_no_variable_kept_is_a_run_of_indicators_and_means():
    light = simulate(preset_scenario("default"), draws=50, seed=1, keep_variables=())
    assert light.kept_variables == () and not light.dataset.data_vars
    assert light.dataset.sizes["draw"] == 50
    assert "cash_eur" in light.monthly_mean


def test_bad_requests_are_refused():
    scenario = preset_scenario("default")
    with pytest.raises(ValueError, match="unknown result variables"):
        simulate(scenario, draws=10, keep_variables=("cash",))
    with pytest.raises(ValueError, match="collection of names"):
        simulate(scenario, draws=10, keep_variables="cash_eur")
    with pytest.raises(ValueError, match="keep='full'"):
        simulate(scenario, draws=10, keep="summary", keep_variables=("cash_eur",))
    with pytest.raises(ValueError, match="auto"):
        simulate(scenario, draws="auto", keep_variables=("cash_eur",))


@pytest.mark.parametrize("preset", preset_names())
def test_line_sums_are_bit_for_bit_the_sums_of_the_stacked_block(preset):
    """Summary and mean-only variables are summed line by line instead of stacking the
    block: the same bits (a default full run's means are unchanged)."""
    from tierslieux_sim.engine.collect import _line_sources
    from tierslieux_sim.engine.evaluate import evaluate
    from tierslieux_sim.engine.inputs import plan_inputs, sample

    scenario = preset_scenario(preset)
    plan = plan_inputs(scenario)
    accounts, _ = evaluate(scenario, sample(plan, 3, 0, 500, "random"))
    shape = (500, scenario.horizon_months)
    for name, lines in _line_sources(accounts).items():
        assert np.array_equal(_line_sums(lines, shape), _stacked(lines, shape).sum(axis=0)), name


def test_summary_means_equal_the_full_runs_means_for_one_chunk():
    scenario = preset_scenario("coworking_petite_ville")
    full = simulate(scenario, draws=400, seed=2)
    summary = simulate(scenario, draws=400, seed=2, keep="summary", chunk_draws=400)
    for name in full.dataset.data_vars:
        assert np.array_equal(summary.monthly_mean[name].to_numpy(),
                              full.dataset[name].to_numpy().mean(axis=0)), name
