"""Territory impacts and the socio-economic appraisal: hand-checked formulas, reference
defaults, counterfactual by segment, constant euros, discounting, zero case."""

from __future__ import annotations

import numpy as np
import pytest

from tierslieux_sim.core.reference import reference_value
from tierslieux_sim.model.appraisal_values import (
    appraisal_parameters,
    carbon_value_by_month,
    price_factor,
    territory_parameters,
)
from tierslieux_sim.model.territory import (
    commuting_user_days,
    deflator,
    discount_factor,
    present_value_eur,
    residual_value_eur,
    socio_economic_discount_rate,
    territory_impacts,
    territory_indicators,
)


def _with_paths(t: dict, months: int, carbon: float = 250.0, value_of_time: float = 10.60,
                fuel_tax_eur_per_km: float = 0.04) -> dict:
    """Territory parameters with flat monthly paths, for hand checks."""
    return {**t, "carbon_value_eur_per_tco2e_by_month": np.full((1, months), carbon),
            "value_of_time_eur_per_hour_by_month": np.full((1, months), value_of_time),
            "fuel_tax_eur_per_km": fuel_tax_eur_per_km}

INPUTS = {"avoided_round_trip_km": 26.0, "car_share": 0.8, "emission_factor_kgco2e_per_km": None,
          "rebound_rate": None, "minutes_saved_per_user_day": 30.0,
          "local_spending_eur_per_user_day": 8.0, "value_of_time_eur_per_hour": None,
          "cost_per_km_eur": None, "discount_beta": 1.0}


def test_reference_values_fill_what_the_scenario_leaves_out():
    filled = territory_parameters(INPUTS)
    assert filled["emission_factor_kgco2e_per_km"] == 0.193  # ADEME
    assert filled["rebound_rate"] == 0.31                    # ADEME 2020
    assert filled["value_of_time_eur_per_hour"] == 10.60     # DGITM, € 2015
    assert filled["cost_per_km_eur"] == 0.11                 # marginal: fuel only, € 2024
    given = territory_parameters({**INPUTS, "rebound_rate": 0.5})
    assert given["rebound_rate"] == 0.5
    assert INPUTS["rebound_rate"] is None  # the input is not modified


def test_the_fiscal_mileage_scale_is_no_longer_the_vehicle_cost():
    """The fiscal scale (0.636 €/km) is a full cost; a day without the trip saves the
    marginal cost, fuel: 0.065 l/km × 1.69 €/l."""
    cost = reference_value("car.marginal_cost_eur_per_km").value
    consumption = reference_value("car.fuel_consumption_l_per_km").value
    price = reference_value("fuel.pump_price_eur_per_l").value
    assert cost == pytest.approx(consumption * price, abs=0.005)
    assert cost < 0.2


def test_impacts_by_hand():
    """100 user-days all replacing a commute, 26 km round trip, 80 % by car, 30 min saved,
    8 € spent a day; 0.04 €/km of fuel tax."""
    user_days = np.array([[100.0, 0.0]])
    t = _with_paths(territory_parameters(INPUTS), 2)
    impacts = territory_impacts(user_days, user_days, t)
    km = 100 * 26 * 0.8                                   # 2 080 km
    co2 = km * 0.193 * (1 - 0.31) / 1000                  # 0.277 tCO2e
    assert impacts.km_avoided[0, 0] == pytest.approx(km)
    assert impacts.co2_avoided_tco2e[0, 0] == pytest.approx(co2)
    assert impacts.hours_saved[0, 0] == pytest.approx(50.0)
    assert impacts.household_savings_eur[0, 0] == pytest.approx(km * 0.11)
    assert impacts.fuel_tax_lost_eur[0, 0] == pytest.approx(km * 0.04)
    assert impacts.local_spending_eur[0, 0] == pytest.approx(800.0)
    assert impacts.carbon_value_eur[0, 0] == pytest.approx(co2 * 250)
    assert impacts.time_value_eur[0, 0] == pytest.approx(50 * 10.60)
    assert impacts.valued_impacts_eur[0, 0] == pytest.approx(co2 * 250 + 530 + km * 0.11)
    assert impacts.valued_impacts_eur[0, 1] == 0.0


def test_only_days_that_replace_a_commute_avoid_travel():
    """Counterfactual by segment: a segment working at home without the tiers-lieu avoids no
    trip unless it says which share of its days replace one; local spending counts every day."""
    served = {"home": np.full((1, 3), 100.0), "office": np.full((1, 3), 50.0),
              "mixed": np.full((1, 3), 40.0)}
    segments = [{"name": "home", "counterfactual": "home", "commute_replaced_share": None},
                {"name": "office", "counterfactual": "employer_office",
                 "commute_replaced_share": None},
                {"name": "mixed", "counterfactual": "home", "commute_replaced_share": 0.25}]
    commuting = commuting_user_days(served, segments)
    np.testing.assert_allclose(commuting, 50.0 + 40.0 * 0.25)
    other = commuting_user_days({"x": np.ones((1, 2))},
                                [{"name": "x", "counterfactual": "other_coworking"}])
    assert not np.any(other)
    total = sum(served.values())
    impacts = territory_impacts(total, commuting, _with_paths(territory_parameters(INPUTS), 3))
    np.testing.assert_allclose(impacts.km_avoided, 60.0 * 26 * 0.8)
    np.testing.assert_allclose(impacts.local_spending_eur, 190.0 * 8.0)


def test_zero_impact_inputs_give_zero_impacts():
    zero = {**INPUTS, "avoided_round_trip_km": 0.0, "minutes_saved_per_user_day": 0.0,
            "local_spending_eur_per_user_day": 0.0}
    days = np.full((3, 24), 50.0)
    impacts = territory_impacts(days, days, _with_paths(territory_parameters(zero), 24))
    for name in ("km_avoided", "co2_avoided_tco2e", "hours_saved", "household_savings_eur",
                 "fuel_tax_lost_eur", "local_spending_eur", "carbon_value_eur",
                 "time_value_eur"):
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


def test_carbon_value_follows_the_2025_path_in_euros_of_the_opening_year():
    """La valeur de l'action pour le climat (France Stratégie, 2025): 256 € in 2023, 300 € in
    2030, 563 € in 2050 (€ 2023), brought to € of the opening year at 2 % a year."""
    values = carbon_value_by_month("2029-07", 24)
    to_2029 = 1.02 ** (2029 - 2023)
    assert values[0, 0] == pytest.approx((256 + 44 * 6 / 7) * to_2029)   # 2029
    assert values[0, 6] == pytest.approx(300.0 * to_2029)               # 2030
    assert values.shape == (1, 24)
    assert carbon_value_by_month("2023-01", 1)[0, 0] == pytest.approx(256.0)
    assert carbon_value_by_month("2050-01", 1)[0, 0] == pytest.approx(563.0 * 1.02**27)


def test_value_of_time_is_uplifted_with_gdp_per_head():
    """DGITM: 10.60 € 2015 for home–work trips, growing like GDP per head (elasticity 0.7),
    brought to € of the opening year (CPI 2023/2015, then 2 % a year)."""
    t = appraisal_parameters({**INPUTS}, "2027-01", 36)
    at_opening = 10.60 * 1.18 * 1.02**4 * (1.01 ** 12) ** 0.7
    path = t["value_of_time_eur_per_hour_by_month"]
    assert path[0, 0] == pytest.approx(at_opening)
    assert path[0, 12] == pytest.approx(at_opening * 1.01**0.7)
    assert path[0, 35] == pytest.approx(at_opening * 1.01**1.4)
    given = appraisal_parameters({**INPUTS, "value_of_time_eur_per_hour": 15.0}, "2027-01", 13)
    assert given["value_of_time_eur_per_hour_by_month"][0, 12] == pytest.approx(15 * 1.01**0.7)
    assert price_factor(2024, 2027) == pytest.approx(1.02**3)


def test_constant_euros_deflate_nominal_flows():
    factor = deflator(0.02, 25)
    assert factor[0, 0] == 1.0 and factor[0, 12] == pytest.approx(1 / 1.02)
    assert factor[0, 24] == pytest.approx(1 / 1.02**2)


def test_residual_value_is_the_undepreciated_share_of_the_works():
    """12 000 € of works at month 0, depreciated over 10 years: after 24 months 80 % is left."""
    paid = np.zeros((1, 24))
    paid[0, 0] = 12_000.0
    depreciation = np.full((1, 24), 100.0)
    assert residual_value_eur(paid, depreciation, np.ones((1, 24))) == pytest.approx([9_600.0])
    assert residual_value_eur(np.zeros((1, 24)), np.zeros((1, 24)), 1.0) == pytest.approx([0.0])


def test_appraisal_adds_its_items():
    """VAN-SE = carbon + time + vehicle costs − fuel tax lost − public money
    − (COFP − 1) × (public money + fuel tax lost) + residual value."""
    user_days = np.full((2, 12), 100.0)
    t = _with_paths(territory_parameters(INPUTS), 12)
    impacts = territory_impacts(user_days, user_days, t)
    factor = discount_factor(0.032, 12)
    public_money = np.full((2, 12), 1_000.0)
    paid = np.zeros((1, 12))
    paid[0, 0] = 12_000.0
    depreciation = np.full((1, 12), 100.0)
    defl = deflator(0.02, 12)
    indicators = territory_indicators(impacts, public_money, factor, deflator_by_month=defl,
                                      investment_paid_eur=paid, depreciation_eur=depreciation,
                                      public_funds_cost_factor=1.2)
    valued = (indicators["carbon_value_pv_eur"] + indicators["time_value_pv_eur"]
              + indicators["household_savings_pv_eur"])
    np.testing.assert_allclose(indicators["valued_impacts_pv_eur"], valued)
    public = 1_000.0 * (defl * factor).sum()
    np.testing.assert_allclose(indicators["public_money_pv_eur"], public)
    fuel = (100 * 26 * 0.8 * 0.04 * factor).sum()
    np.testing.assert_allclose(indicators["fuel_tax_lost_pv_eur"], fuel)
    np.testing.assert_allclose(indicators["public_funds_opportunity_cost_pv_eur"],
                               0.2 * (public + fuel))
    residual = 12_000.0 * (1 - 1_200 / 12_000) * factor[0, -1]
    np.testing.assert_allclose(indicators["residual_value_pv_eur"], residual)
    np.testing.assert_allclose(indicators["socio_economic_balance_pv_eur"],
                               valued - fuel - public - 0.2 * (public + fuel) + residual)
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
    # and its opportunity cost, plus the residual value of the works
    bare = edit_scenario(scenario, lambda data: data.pop("territory"))
    bare_results = tl.simulate(bare, draws=300, seed=4)
    for name in ("km_avoided", "co2_avoided_tco2e", "hours_saved", "local_spending_eur",
                 "valued_impacts_pv_eur", "fuel_tax_lost_pv_eur"):
        assert not bare_results.indicators[name].any(), name
    bare_indicators = bare_results.indicators
    np.testing.assert_allclose(bare_indicators["socio_economic_balance_pv_eur"],
                               -1.2 * bare_indicators["public_money_pv_eur"]
                               + bare_indicators["residual_value_pv_eur"])
    assert (bare_indicators["residual_value_pv_eur"] > 0).all()
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
