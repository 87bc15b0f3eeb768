"""Tornado and Sobol' indices: a linear toy scenario with analytic swings, the Ishigami
function with known indices, and the notes that state the method's limits."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

from conftest import edit_scenario
from tierslieux_sim.analysis.sensitivity import sensitivity, sobol, sobol_analysis, tornado
from tierslieux_sim.engine.errors import AnalysisError

HORIZON_YEARS = 10
INITIAL_CASH_EUR = 1_000_000.0
#: Uncertain inputs of the toy and their uniform ranges: P90 − P10 = 0.8 × width.
REVENUE_A = ("revenue_lines[0].annual_amount_eur", 1_000.0, 3_000.0)
REVENUE_B = ("revenue_lines[1].annual_amount_eur", 0.0, 10_000.0)
COST_C = ("costs.fixed_lines[0].annual_amount_eur", 2_000.0, 6_000.0)
SUBSIDY = ("operating_subsidies[0].award", 20_000.0 * 2)  # 20 k€ a year for 2 years


def _linear_toy(data: dict[str, Any]) -> None:
    """Cash at the horizon = initial cash + 10 × (A + B − C − 1 000) + award × 40 000: no
    users (pool of 0), no staff, investment, rent, indexation or balancing subsidy (cash
    stays far above 0)."""
    segment = data["demand"]["segments"][0]
    segment["pool_people"] = 0.0
    data["demand"]["segments"] = [segment]
    data["correlations"] = []
    data["services"].update(meeting_room_hours_per_month=0.0, domiciliation_contracts=0.0,
                            events_per_month=0.0)
    data["simulation"].update(initial_cash_eur=INITIAL_CASH_EUR, horizon_years=HORIZON_YEARS)

    def uniform(low: float, high: float) -> dict[str, Any]:
        return {"dist": "uniform", "min": low, "max": high}

    data["revenue_lines"] = [
        {"name": name, "kind": "own", "annual_amount_eur": uniform(low, high),
         "yearly_growth_rate": 0.0, "start_year": 1}
        for name, (_, low, high) in (("A", REVENUE_A), ("B", REVENUE_B))]
    data["costs"].update(rent_eur_per_m2_per_year=0.0, energy_eur_per_m2_per_year=0.0,
                         consumables_eur_per_user_day=0.0, yearly_indexation_rate=0.0,
                         fixed_lines=[{"name": "C", "annual_amount_eur": uniform(*COST_C[1:])},
                                      {"name": "D", "annual_amount_eur": 1_000.0}])
    data["staff"] = []
    data["investment"] = {"lines": [], "grants": []}
    data["operating_subsidies"] = [{"name": "S", "amount_eur_per_year": 20_000.0,
                                    "start_year": 1, "duration_years": 2,
                                    "award_probability": 0.5}]


@pytest.fixture(scope="module")
def toy(default):
    return edit_scenario(default, _linear_toy)


def _analytic_swings() -> dict[str, float]:
    swings = {path: HORIZON_YEARS * 0.8 * (high - low) for path, low, high in
              (REVENUE_A, REVENUE_B, COST_C)}
    swings[SUBSIDY[0]] = SUBSIDY[1]
    return swings


def test_central_tornado_matches_the_analytic_swings(toy):
    result = tornado(toy, "cash_at_horizon")
    expected = _analytic_swings()
    moving = [bar for bar in result.bars if bar.swing > 1e-6]
    assert [bar.path for bar in moving] == sorted(expected, key=expected.get, reverse=True)
    for bar in moving:
        assert bar.swing == pytest.approx(expected[bar.path], rel=1e-9)
    # baseline: every input at its median, the 50 % subsidy refused (awarded iff p > 0.5)
    assert result.basis == "central"
    assert result.baseline == pytest.approx(INITIAL_CASH_EUR + 10 * (2_000 + 5_000 - 4_000
                                                                     - 1_000))
    cost = next(bar for bar in result.bars if bar.path == COST_C[0])
    assert cost.low_input == pytest.approx(2_400) and cost.high_input == pytest.approx(5_600)
    assert cost.output_low > cost.output_high  # a cost: more of it, less cash


def test_monte_carlo_tornado_shifts_a_percentile_by_the_analytic_swing(toy):
    """On common random numbers, fixing one input of a linear model shifts every draw by the
    same amount, so its P50 moves by exactly the analytic swing."""
    result = tornado(toy, "cash_at_horizon_p50", draws=400, seed=5)
    assert result.basis == "monte_carlo" and result.draws == 400
    expected = _analytic_swings()
    for bar in result.bars:
        if bar.path in expected:
            assert bar.swing == pytest.approx(expected[bar.path], rel=1e-9), bar.path
    assert result.baseline_se > 0


def test_probability_tornado_on_the_default_scenario(default):
    result = tornado(default, "autonomy_by_year_5", draws=200, seed=1,
                     inputs=["staff[0].fte", "prices.day_pass_eur"])
    assert [bar.path for bar in result.bars][0] == "staff[0].fte"
    fte = result.bars[0]
    assert fte.output_low >= result.baseline >= fte.output_high  # more staff, less autonomy
    assert result.notes == ["tornado_correlations"]  # the default declares a correlation
    table = result.table("en")
    assert list(table["input"])[0] == "Full-time equivalent — Animateur·rice"


def test_tornado_refuses_unknown_inputs_and_outputs(default):
    with pytest.raises(AnalysisError):
        tornado(default, "balancing_subsidy", inputs=["site.flex_desks"])
    with pytest.raises(AnalysisError):
        sensitivity(default, "no_such_output")
    with pytest.raises(AnalysisError):
        sensitivity(default, "balancing_subsidy", method="morris")


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[0]) + a * np.sin(x[1]) ** 2 + b * x[2] ** 4 * np.sin(x[0])


def test_sobol_indices_of_the_ishigami_function():
    """Analytic indices (Ishigami & Homma 1990; Saltelli et al. 2008, a = 7, b = 0.1):
    S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)."""
    laws = [stats.uniform(-np.pi, 2 * np.pi)] * 3
    first, total, first_ci, total_ci, _ = sobol_analysis(ishigami, laws, n=2 ** 12, seed=1,
                                                         n_resamples=200)
    assert first == pytest.approx([0.3139, 0.4424, 0.0], abs=0.04)
    assert total == pytest.approx([0.5576, 0.4424, 0.2437], abs=0.04)
    assert np.all(first_ci[0] <= first) and np.all(first <= first_ci[1])
    assert np.all(total_ci[0] <= total) and np.all(total <= total_ci[1])
    again = sobol_analysis(ishigami, laws, n=2 ** 12, seed=1, n_resamples=200)
    assert np.array_equal(again[2][0], first_ci[0])  # seeded bootstrap: reproducible


def test_sobol_on_the_additive_toy(toy):
    """Additive model: first-order = total = each input's share of the variance (uniform
    width² × 10²; the award a Bernoulli(½) of 40 000 €)."""
    result = sobol(toy, "cash_at_horizon", n=512, seed=2, n_resamples=100)
    variances = {path: (HORIZON_YEARS * (high - low)) ** 2 / 12
                 for path, low, high in (REVENUE_A, REVENUE_B, COST_C)}
    variances[SUBSIDY[0]] = SUBSIDY[1] ** 2 / 4
    total_variance = sum(variances.values())
    table = result.table().set_index("path")
    for path, variance in variances.items():
        assert table.loc[path, "first_order"] == pytest.approx(variance / total_variance,
                                                               abs=0.05)
        assert table.loc[path, "total_order"] == pytest.approx(variance / total_variance,
                                                               abs=0.05)
    assert result.evaluations == 512 * (len(result.paths) + 2)
    assert result.notes == []


def test_sobol_states_its_limits(default):
    result = sensitivity(default, "balancing_subsidy_p80", method="sobol", n=32, seed=1,
                         n_resamples=20)
    assert set(result.notes) == {"sobol_per_draw", "sobol_correlations"}
    assert any("indépendantes" in text for text in result.note_texts("fr"))
    with pytest.raises(AnalysisError):
        sobol(default, "balancing_subsidy", n=100)


def test_sobol_of_a_constant_output_is_refused(toy):
    with pytest.raises(AnalysisError) as caught:
        sobol(toy, "occupancy_rate_year_1_p50", n=16, seed=1, n_resamples=10)
    assert caught.value.code == "output_constant"
