"""Territory impacts: hand-checked formulas, reference defaults, discounting, zero case."""

from __future__ import annotations

import numpy as np
import pytest

from tierslieux_sim.model.territory import (
    discount_factor,
    present_value_eur,
    socio_economic_discount_rate,
    territory_impacts,
)
from tierslieux_sim.reference import reference_value
from tierslieux_sim.territory import carbon_value_by_month, territory_parameters

INPUTS = {"avoided_round_trip_km": 26.0, "car_share": 0.8, "emission_factor_kgco2e_per_km": None,
          "rebound_rate": None, "minutes_saved_per_user_day": 30.0,
          "local_spending_eur_per_user_day": 8.0, "value_of_time_eur_per_hour": None,
          "cost_per_km_eur": None, "discount_beta": 1.0}


def test_reference_values_fill_what_the_scenario_leaves_out():
    filled = territory_parameters(INPUTS)
    assert filled["emission_factor_kgco2e_per_km"] == 0.193  # ADEME
    assert filled["rebound_rate"] == 0.31                    # ADEME 2020
    assert filled["value_of_time_eur_per_hour"] == 10.60     # DGITM
    assert filled["cost_per_km_eur"] == 0.636                # barème fiscal 2023
    given = territory_parameters({**INPUTS, "rebound_rate": 0.5})
    assert given["rebound_rate"] == 0.5
    assert INPUTS["rebound_rate"] is None  # the input is not modified


def test_impacts_by_hand():
    """100 user-days, 26 km round trip, 80 % by car, 30 min saved, 8 € spent a day."""
    user_days = np.array([[100.0, 0.0]])
    carbon_value = np.array([[250.0, 250.0]])
    impacts = territory_impacts(user_days, territory_parameters(INPUTS), carbon_value)
    km = 100 * 26 * 0.8                                   # 2 080 km
    co2 = km * 0.193 * (1 - 0.31) / 1000                  # 0.277 tCO2e
    assert impacts.km_avoided[0, 0] == pytest.approx(km)
    assert impacts.co2_avoided_tco2e[0, 0] == pytest.approx(co2)
    assert impacts.hours_saved[0, 0] == pytest.approx(50.0)
    assert impacts.household_savings_eur[0, 0] == pytest.approx(km * 0.636)
    assert impacts.local_spending_eur[0, 0] == pytest.approx(800.0)
    assert impacts.carbon_value_eur[0, 0] == pytest.approx(co2 * 250)
    assert impacts.time_value_eur[0, 0] == pytest.approx(50 * 10.60)
    assert impacts.valued_impacts_eur[0, 0] == pytest.approx(co2 * 250 + 530 + km * 0.636)
    assert impacts.valued_impacts_eur[0, 1] == 0.0


def test_zero_impact_inputs_give_zero_impacts():
    zero = {**INPUTS, "avoided_round_trip_km": 0.0, "minutes_saved_per_user_day": 0.0,
            "local_spending_eur_per_user_day": 0.0}
    impacts = territory_impacts(np.full((3, 24), 50.0), territory_parameters(zero),
                                np.full((1, 24), 250.0))
    for name in ("km_avoided", "co2_avoided_tco2e", "hours_saved", "household_savings_eur",
                 "local_spending_eur", "carbon_value_eur", "time_value_eur"):
        assert not np.any(getattr(impacts, name)), name


def test_discounting_at_the_public_rate():
    rate = socio_economic_discount_rate(reference_value("discount.risk_free_rate").value,
                                        reference_value("discount.risk_premium").value, 1.0)
    assert rate == pytest.approx(0.032)  # France Stratégie 2021, β = 1
    factor = discount_factor(rate, 25)
    assert factor[0, 0] == 1.0 and factor[0, 12] == pytest.approx(1 / 1.032)
    assert factor[0, 24] == pytest.approx(1 / 1.032**2)
    assert present_value_eur(np.ones((2, 25)), factor) == pytest.approx(
        [factor.sum(), factor.sum()])


def test_carbon_value_follows_the_quinet_path():
    values = carbon_value_by_month("2029-07", 24)
    # 2029: 54 + (250 − 54) × 10/11; 2030: 250 (Quinet 2019)
    assert values[0, 0] == pytest.approx(54 + 196 * 10 / 11)
    assert values[0, 6] == pytest.approx(250.0)
    assert values.shape == (1, 24)


def test_socio_economic_balance_is_valued_impacts_minus_public_money():
    from tierslieux_sim.model.territory import territory_indicators

    user_days = np.full((2, 12), 100.0)
    impacts = territory_impacts(user_days, territory_parameters(INPUTS), np.full((1, 12), 250.0))
    factor = discount_factor(0.032, 12)
    public_money = np.full((2, 12), 1_000.0)
    indicators = territory_indicators(impacts, public_money, factor)
    valued = (indicators["carbon_value_pv_eur"] + indicators["time_value_pv_eur"]
              + indicators["household_savings_pv_eur"])
    np.testing.assert_allclose(indicators["valued_impacts_pv_eur"], valued)
    np.testing.assert_allclose(indicators["public_money_pv_eur"], 1_000.0 * factor.sum())
    np.testing.assert_allclose(indicators["socio_economic_balance_pv_eur"],
                               valued - 1_000.0 * factor.sum())
    assert indicators["km_avoided"] == pytest.approx([12 * 2080.0] * 2)


def test_simulated_impacts_add_up_and_vanish_without_territory_inputs():
    import tierslieux_sim as tl
    from conftest import edit_scenario

    scenario = tl.default_scenario()
    results = tl.simulate(scenario, draws=300, seed=4)
    indicators, dataset = results.indicators, results.dataset
    np.testing.assert_allclose(indicators["co2_avoided_tco2e"],
                               dataset.co2_avoided_tco2e.sum("month"), rtol=1e-12)
    np.testing.assert_allclose(indicators["public_money_eur"],
                               dataset.public_money_eur.sum("month"), rtol=1e-12)
    assert (indicators["co2_avoided_tco2e"] > 0).all()
    # no territory section: zero impacts, and the balance is minus the public money spent
    bare = edit_scenario(scenario, lambda data: data.pop("territory"))
    bare_results = tl.simulate(bare, draws=300, seed=4)
    for name in ("km_avoided", "co2_avoided_tco2e", "hours_saved", "local_spending_eur",
                 "valued_impacts_pv_eur"):
        assert not bare_results.indicators[name].any(), name
    np.testing.assert_allclose(bare_results.indicators["socio_economic_balance_pv_eur"],
                               -bare_results.indicators["public_money_pv_eur"])
    # impacts do not touch the accounts (common random numbers: same cash draw by draw)
    assert bare_results.dataset.cash_eur.identical(dataset.cash_eur)


def test_jobs_hosted_are_served_desk_days_in_full_time_equivalents():
    import tierslieux_sim as tl

    scenario = tl.default_scenario()
    results = tl.simulate(scenario, draws=200, seed=5)
    expected = results.dataset.served_user_days.sum("month") / (
        scenario.site.open_days_per_month * scenario.horizon_months)
    np.testing.assert_allclose(results.indicators["jobs_hosted_fte"], expected, rtol=1e-12)
    assert (results.indicators["jobs_hosted_fte"] > 0).all()
