"""The socio-economic appraisal of a small scenario, computed by hand in plain Python.

Scenario: ``tests/data/appraisal_hand_case.toml`` (deterministic, 2 years from January 2027).
Nothing below calls the model's formulas: the reference values are read from the package's
TOML data files with ``tomllib`` (the data, not the code), and each step is written out as
arithmetic, month by month. The model must agree to the euro.

Hand derivation (each month m = 0 … 23; year y = 2027 for m < 12, 2028 after):

- user-days: "Salariés" 100 × 0.1 = 10 users × 10 days = 100; "Indépendants" 50 × 0.1 = 5
  users × 8 days = 40 (dedicated desks, 20 available: all served) → 140 a month;
- days replacing a commute: 100 × 0.5 (employer's office, half the days) + 40 × 0 (home) = 50;
- car-km avoided: 50 × 20 km × 100 % by car = 1 000 a month; CO2: 1 000 × 0.2 × (1 − 0.3)
  ÷ 1 000 = 0.14 tCO2e a month; hours saved: 50 × 30 min = 25 h a month;
- base year 2027: euros of year p → 2027 with (1 + 2 %)^(2027 − p); 2015 euros through the
  CPI ratio 2023/2015 (1.18) first;
- carbon value: 256 € (2023) → 300 € (2030), linear: 256 + 44 × (y − 2023) / 7, in 2023 €;
- value of time: 10.60 € of 2015 × 1.18 × 1.02^4 × (1.01^(2027 − 2015))^0.7 in 2027, × 1.01^0.7
  a year after;
- vehicle cost saved: 0.11 €/km (2024 €) × 1.02^3; fuel tax lost: 0.065 l/km × 0.6075 €/l
  × 1.02^3;
- public money (nominal): 24 000 € of works self-financed by the commune in month 0, a
  6 000 € subsidy in month 12; deflated by 1.02^(−m/12);
- discount factor 1.032^(−m/12) (1.2 % + β × 2 %, β = 1);
- residual value: 24 000 € depreciated over 120 months, 24 months gone → 19 200 €, at the
  horizon (m = 23);
- VAN-SE = carbon + time + vehicle − fuel tax − public money − 0.2 × (public money + fuel
  tax) + residual.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from tierslieux_sim import load_scenario, simulate

SCENARIO = Path(__file__).parent / "data" / "appraisal_hand_case.toml"


def _reference() -> dict:
    folder = resources.files("tierslieux_sim.data").joinpath("reference")
    return tomllib.loads(folder.joinpath("territory.toml").read_text("utf-8"))


def hand_appraisal() -> dict[str, float]:
    ref = _reference()
    inflation = ref["macro"]["inflation_rate"]["value"]                      # 0.02
    cpi = ref["prices"]["cpi_2023_over_2015"]["value"]                      # 1.18
    carbon_path = ref["carbon"]["value_eur_per_tco2e"]["value"]            # € 2023
    time_2015 = ref["time"]["commute_value_eur_per_hour"]["value"]         # 10.60 € 2015
    elasticity = ref["time"]["gdp_per_head_elasticity"]["value"]           # 0.7
    growth = ref["macro"]["gdp_per_head_growth_rate"]["value"]             # 0.01
    cost_per_km = ref["car"]["marginal_cost_eur_per_km"]["value"]          # 0.11 € 2024
    litres_per_km = ref["car"]["fuel_consumption_l_per_km"]["value"]       # 0.065
    tax_per_litre = ref["fuel"]["ticpe_eur_per_l"]["value"]                # 0.6075 € 2024
    cofp = ref["appraisal"]["public_funds_cost_factor"]["value"]           # 1.2
    rate = (ref["discount"]["risk_free_rate"]["value"]
            + 1.0 * ref["discount"]["risk_premium"]["value"])                # 0.032

    base = 2027
    c2023, c2030 = carbon_path["2023"], carbon_path["2030"]
    time_2027 = time_2015 * cpi * (1 + inflation) ** (base - 2023) * (
        (1 + growth) ** (base - 2015)) ** elasticity
    to_2027_from_2024 = (1 + inflation) ** (base - 2024)

    totals = dict.fromkeys(("carbon", "time", "vehicle", "fuel_tax", "public", "residual"), 0.0)
    km, co2, hours = 1_000.0, 1_000.0 * 0.2 * (1 - 0.3) / 1_000, 50 * 30 / 60
    for m in range(24):
        year = base + m // 12
        discount = (1 + rate) ** (-m / 12)
        carbon_value = (c2023 + (c2030 - c2023) * (year - 2023) / 7) * (1 + inflation) ** (
            base - 2023)
        value_of_time = time_2027 * ((1 + growth) ** (year - base)) ** elasticity
        totals["carbon"] += co2 * carbon_value * discount
        totals["time"] += hours * value_of_time * discount
        totals["vehicle"] += km * cost_per_km * to_2027_from_2024 * discount
        totals["fuel_tax"] += km * litres_per_km * tax_per_litre * to_2027_from_2024 * discount
        nominal_public = {0: 24_000.0, 12: 6_000.0}.get(m, 0.0)
        totals["public"] += nominal_public * (1 + inflation) ** (-m / 12) * discount
    totals["residual"] = (24_000.0 - 24 * 24_000.0 / 120) * (1 + rate) ** (-23 / 12)
    totals["opportunity"] = (cofp - 1) * (totals["public"] + totals["fuel_tax"])
    totals["balance"] = (totals["carbon"] + totals["time"] + totals["vehicle"]
                         - totals["fuel_tax"] - totals["public"] - totals["opportunity"]
                         + totals["residual"])
    return totals


@pytest.fixture(scope="module")
def model_indicators():
    """Every draw of a deterministic scenario is the same case."""
    return simulate(load_scenario(SCENARIO), draws=4, seed=16).indicators


NAMES = {"carbon": "carbon_value_pv_eur", "time": "time_value_pv_eur",
         "vehicle": "household_savings_pv_eur", "fuel_tax": "fuel_tax_lost_pv_eur",
         "public": "public_money_pv_eur", "opportunity": "public_funds_opportunity_cost_pv_eur",
         "residual": "residual_value_pv_eur", "balance": "socio_economic_balance_pv_eur"}


@pytest.mark.parametrize("item", list(NAMES))
def test_appraisal_matches_the_hand_case_to_the_euro(model_indicators, item):
    indicators = model_indicators
    expected = hand_appraisal()[item]
    for value in indicators[NAMES[item]]:
        assert abs(value - expected) < 0.5, (item, value, expected)


def test_physical_impacts_and_local_spending(model_indicators):
    indicators = model_indicators
    assert indicators["km_avoided"].tolist() == pytest.approx([24 * 1_000.0] * 4)
    assert indicators["co2_avoided_tco2e"].tolist() == pytest.approx([24 * 0.14] * 4)
    assert indicators["hours_saved"].tolist() == pytest.approx([24 * 25.0] * 4)
    # local spending counts every day (140 a month × 5 €), outside the balance
    assert indicators["local_spending_eur"].tolist() == pytest.approx([24 * 140 * 5.0] * 4)


def test_the_hand_case_balance_is_what_a_council_would_read():
    """Rounded, for the record: the works' residual value does not make up for the public
    money and its opportunity cost in two years."""
    totals = hand_appraisal()
    assert round(totals["balance"]) == pytest.approx(-6414, abs=1)
