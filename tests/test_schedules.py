"""Values that change at dates (issue 14, item 1): dated costs, price changes, capacity in
stages, free months for newcomers. Each hand case is computed here month by month in plain
Python from the scenario's numbers, not with the model's functions."""

from __future__ import annotations

import numpy as np
import pytest

import tierslieux_sim as tl
from conftest import edit_scenario, zero_variance
from tierslieux_sim.scenario.errors import ScenarioError
from tierslieux_sim.scenario.schedules import is_schedule

OPENING = "2027-09"  # the default scenario's opening month


def _months_from_opening(month: str) -> int:
    """Months from the opening (2027-09 → 0) to ``month``."""
    return (int(month[:4]) - 2027) * 12 + int(month[5:7]) - 9


@pytest.fixture(scope="module")
def plain(default: tl.Scenario) -> tl.Scenario:
    """The default scenario with every law at its median and no indexation: one draw is the
    central case, and months can be computed by hand."""
    def edit(data):
        data["prices"]["yearly_indexation_rate"] = 0.0
        data["costs"]["yearly_indexation_rate"] = 0.0
    return edit_scenario(zero_variance(default), edit)


def _central(scenario: tl.Scenario, variable: str, **line: str) -> np.ndarray:
    results = tl.simulate(scenario, draws=4, seed=1)
    values = results.central[variable]
    if line:
        values = values.sel(**line)
    return values.to_numpy()


# --- files: reading, errors, writing ------------------------------------------------------

def _with(default_text: str, key: str, value: str) -> str:
    lines = default_text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{key} = "))
    lines[index] = f"{key} = {value}"
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def default_text(default: tl.Scenario) -> str:
    return tl.scenario_to_toml(default)


def test_a_schedule_reads_writes_and_simulates_the_same(default_text):
    text = _with(default_text, "day_pass_eur", '[{ from = "2027-09", value = 12 }, '
                 '{ from = "2029-01", value = { dist = "pert", min = 13, mode = 15, max = 18 } }]')
    scenario = tl.parse_scenario_text(text, "x.toml")
    assert is_schedule(scenario.prices.day_pass_eur)
    written = tl.scenario_to_toml(scenario)
    assert 'day_pass_eur = [{from = "2027-09", value = 12.0}, {from = "2029-01", value = ' \
        in written
    again = tl.parse_scenario_text(written, "y.toml")
    assert again == scenario
    first, second = (tl.simulate(s, draws=300, seed=5) for s in (scenario, again))
    np.testing.assert_array_equal(first.indicators.to_numpy(), second.indicators.to_numpy())
    # the law of a step is an uncertain input of its own (sensitivity, correlations)
    from tierslieux_sim.engine.inputs import plan_inputs

    assert "prices.day_pass_eur[1].value" in plan_inputs(scenario).leaves


@pytest.mark.parametrize("value, french, english", [
    ("[]", "au moins un palier", "at least one step"),
    ('[{ from = "2029-01", value = 12 }, { from = "2028-01", value = 15 }]',
     "dans l'ordre des dates : 2028-01 vient après 2029-01",
     "in date order: 2028-01 comes after 2029-01"),
    ('[{ from = "janvier 2029", value = 12 }]', "AAAA-MM", "YYYY-MM"),
    ('[{ from = "2029-01", value = -3 }]', "-3", "-3"),
    ('[{ from = "2029-01" }]', "clé obligatoire absente", "missing"),
    ('"douze"', "échéancier attendu", "schedule expected"),
])
def test_a_bad_schedule_is_refused_in_french_naming_the_key(default_text, value, french,
                                                             english):
    text = _with(default_text, "day_pass_eur", value)
    with pytest.raises(ScenarioError) as caught:
        tl.parse_scenario_text(text, "x.toml")
    problem = caught.value.problems[0]
    assert problem.path.startswith("prices.day_pass_eur"), problem.path
    assert french in problem.describe("fr"), problem.describe("fr")
    assert english in problem.describe("en"), problem.describe("en")


def test_a_capacity_schedule_takes_whole_numbers(default_text):
    text = _with(default_text, "flex_desks", '[{ from = "2027-09", value = 6.5 }]')
    with pytest.raises(ScenarioError) as caught:
        tl.parse_scenario_text(text, "x.toml")
    assert "nombre entier attendu" in caught.value.problems[0].describe("fr")


# --- hand cases ---------------------------------------------------------------------------

def test_a_dated_cost_line_starts_and_ends_at_its_dates(plain):
    """A 6,000 €/year line from 2028-03 to 2029-02 (a last step of 0): 500 €/month in those
    twelve months, nothing before or after (no indexation)."""
    def edit(data):
        data["costs"]["fixed_lines"].append({"name": "Navette", "annual_amount_eur": [
            {"from": "2028-03", "value": 6000}, {"from": "2029-03", "value": 0}]})
    scenario = edit_scenario(plain, edit)
    line = _central(scenario, "operating_costs_by_line_eur", cost_line="Navette")
    expected = [500.0 if _months_from_opening("2028-03") <= month < _months_from_opening(
        "2029-03") else 0.0 for month in range(scenario.horizon_months)]
    np.testing.assert_allclose(line, expected, rtol=1e-12, atol=1e-9)


def test_a_price_change_applies_from_its_month(plain):
    """One segment buying day passes only, no price elasticity: day-pass revenue ÷ user-days
    is 10 € before 2029-01 and 15 € from then on."""
    def edit(data):
        segment = data["demand"]["segments"][0]
        segment.update(price_elasticity=0.0, product_mix={
            "day_pass": 1.0, "ten_day_pack": 0.0, "flex_membership": 0.0,
            "dedicated_desk": 0.0, "office_seat": 0.0})
        data["demand"]["segments"] = [segment]
        data["prices"]["day_pass_eur"] = [{"from": "2027-09", "value": 10},
                                          {"from": "2029-01", "value": 15}]
    scenario = edit_scenario(plain, edit)
    results = tl.simulate(scenario, draws=4, seed=1)
    revenue = results.central["revenue_by_line_eur"].sel(revenue_line="day_pass").to_numpy()
    days = results.central["served_user_days"].to_numpy()
    change = _months_from_opening("2029-01")
    np.testing.assert_allclose(revenue[:change] / days[:change], 10.0, rtol=1e-12)
    np.testing.assert_allclose(revenue[change:] / days[change:], 15.0, rtol=1e-12)


def test_capacity_in_stages_caps_use_at_each_stage(plain):
    """Four flexible desks, twelve from 2030-01 (a second space), demand far above: the
    desk-days served are desks × open days ÷ peak-to-mean ratio at each stage."""
    def edit(data):
        data["site"].update(flex_desks=[{"from": "2027-09", "value": 4},
                                        {"from": "2030-01", "value": 12}],
                            dedicated_desks=0, private_offices=0)
        for segment in data["demand"]["segments"]:
            segment["pool_people"] = 100_000
    scenario = edit_scenario(plain, edit)
    site = scenario.site
    ratio = float(site.peak_to_mean_ratio)
    days = _central(scenario, "served_user_days")
    stage = _months_from_opening("2030-01")
    mature = 36  # every segment at maturity by then: demand far above both capacities
    np.testing.assert_allclose(days[mature - 12:stage], 4 * site.open_days_per_month / ratio,
                               rtol=1e-9)
    np.testing.assert_allclose(days[stage + 1:], 12 * site.open_days_per_month / ratio,
                               rtol=1e-9)
    occupancy = _central(scenario, "flex_occupancy_rate")
    np.testing.assert_allclose(occupancy[stage + 1:], 1 / ratio, rtol=1e-9)


def test_newcomers_free_for_two_years_then_paying(plain):
    """Twenty members from the first month (maturity in one month, no seasonality), each
    free for 24 months: membership revenue is 0 for the first 24 months, then 20 × 80 €."""
    def edit(data):
        segment = data["demand"]["segments"][0]
        segment.update(pool_people=1000, adoption_rate=0.02, months_to_maturity=1,
                       seasonality=[1.0] * 12, price_elasticity=0.0,
                       free_months_for_new_users=24, product_mix={
                           "day_pass": 0.0, "ten_day_pack": 0.0, "flex_membership": 1.0,
                           "dedicated_desk": 0.0, "office_seat": 0.0})
        data["demand"]["segments"] = [segment]
        data["prices"]["flex_membership_eur_per_month"] = 80
        data["site"]["flex_desks"] = 100  # capacity never binds
    scenario = edit_scenario(plain, edit)
    results = tl.simulate(scenario, draws=4, seed=1)
    revenue = results.central["revenue_by_line_eur"].sel(
        revenue_line="flex_membership").to_numpy()
    users = results.central["users"].to_numpy()
    np.testing.assert_allclose(users, 20.0, rtol=1e-12)  # they take their desks all along
    np.testing.assert_allclose(revenue[:24], 0.0, atol=1e-9)
    np.testing.assert_allclose(revenue[24:], 20 * 80.0, rtol=1e-12)


def test_newcomers_of_a_growing_segment_pay_after_their_own_free_months(plain):
    """Users 10, 20, 30, 30, … with three free months each: paying users are those who
    arrived three months or more ago: 0, 0, 0, 10, 20, 30, 30 …"""
    from tierslieux_sim.model.demand import paying_share

    users = np.array([[10.0, 20.0, 30.0, 30.0, 30.0, 30.0, 30.0]])
    paying = users * paying_share(users, 3)
    np.testing.assert_allclose(paying, [[0, 0, 0, 10, 20, 30, 30]], atol=1e-12)


def test_schedules_keep_chunk_invariance_and_seeding(plain, default_text):
    text = _with(default_text, "day_pass_eur", '[{ from = "2027-09", value = 12 }, '
                 '{ from = "2029-01", value = { dist = "pert", min = 13, mode = 15, max = 18 } }]')
    scenario = tl.parse_scenario_text(text, "x.toml")
    whole = tl.simulate(scenario, draws=700, seed=3)
    chunked = tl.simulate(scenario, draws=700, seed=3, chunk_draws=128)
    np.testing.assert_array_equal(whole.indicators.to_numpy(), chunked.indicators.to_numpy())
    other = tl.simulate(scenario, draws=700, seed=4)
    assert not np.array_equal(whole.indicators.to_numpy(), other.indicators.to_numpy())
