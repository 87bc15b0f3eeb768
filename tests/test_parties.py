"""The two parties — the operator and the collectivity — against hand cases computed here with
plain Python loops from the case's own numbers (not from the model's formulas), one per
management mode and one per situation of issue 10: a grant awaited by the collectivity
(bridging, then the FCTVA), a subsidy paid late and one beyond the horizon, a renewal paid
by an equipment subsidy, a repayable cash advance, rent that nets out between the parties,
a deficit in years 2–5 that shows a cost in those budget years (on forecast and at close),
a concession, a régie SPIC; plus a property test over random valid scenarios.

Every case is deterministic (plain numbers, awards certain), so the central case and every
draw are the same; the hand values are compared with both.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tierslieux_sim as tl
from tierslieux_sim.engine.evaluate import model_parameters
from tierslieux_sim.engine.inputs import plan_inputs
from tierslieux_sim.model.parties import BUDGET_LINES
from tierslieux_sim.model.run import run_model
from tierslieux_sim.scenario.files import scenario_from_dict
from tierslieux_sim.views.budget import collectivity_budget_lines
from tierslieux_sim.views.public_money import public_money_by_funder, public_money_reconciliation

VAT = 0.20
FCTVA = 0.16404


def base(opening: str = "2027-01", years: int = 3) -> dict[str, Any]:
    """A site with no walk-in demand: own revenue and costs are free-form lines, so every
    monthly amount is a plain number; no indexation, no investment, no subsidy."""
    return {
        "schema_version": 3,
        "meta": {"name": "Cas à la main"},
        "simulation": {"horizon_years": years, "opening_month": opening,
                       "initial_cash_eur": 0.0},
        "site": {"surface_m2": 100.0, "flex_desks": 1, "dedicated_desks": 0,
                 "private_offices": 0, "meeting_rooms": 0, "peak_to_mean_ratio": 1.0},
        "demand": {"segments": [{
            "name": "Personne", "pool_people": 0.0, "adoption_rate": 0.0,
            "months_to_maturity": 1.0, "days_per_month": 1.0,
            "product_mix": {"day_pass": 1.0},
            "seasonality": [1.0] * 12, "price_elasticity": 0.0,
            "reference_price_eur_per_day": 10.0}]},
        "prices": {"day_pass_eur": 10.0, "yearly_indexation_rate": 0.0},
        "services": {"meeting_room_hours_per_month": 0.0, "domiciliation_contracts": 0.0,
                     "events_per_month": 0.0},
        "revenue_lines": [],
        "costs": {"rent_eur_per_m2_per_year": 0.0, "premises_lent_free": False,
                  "energy_eur_per_m2_per_year": 0.0, "consumables_eur_per_user_day": 0.0,
                  "yearly_indexation_rate": 0.0, "fixed_lines": []},
        "structure": {"owner_type": "local_authority", "operator_type": "association",
                      "management_mode": "association_convention", "vat_recoverable": True,
                      "fctva_regime": "not_eligible", "premises_owner": "collectivity"},
        "budget": {},
        "public_support": {"population_inhabitants": 1000},
    }


def revenue(name: str, per_year: float, start: int = 1, end: int | None = None) -> dict:
    return {"name": name, "kind": "own", "annual_amount_eur": per_year,
            "yearly_growth_rate": 0.0, "start_year": start, "end_year": end}


def cost(name: str, per_year: float) -> dict:
    return {"name": name, "annual_amount_eur": per_year}


def run(data: dict[str, Any], draws: int = 3) -> tl.Results:
    return tl.simulate(scenario_from_dict(copy.deepcopy(data)), draws=draws, seed=1)


def per_budget_year(results: tl.Results, name: str = "net_cost_{}_eur") -> dict[int, float]:
    return {year: float(results.central_indicators[name.format(year)])
            for year in results.budget_years}


def assert_every_draw(results: tl.Results, name: str, expected: float) -> None:
    values = [float(results.central_indicators[name]), *results.indicators[name].to_numpy()]
    np.testing.assert_allclose(values, expected, rtol=1e-12, atol=1e-6, err_msg=name)


def month_years(opening: str, n_months: int) -> list[int]:
    """Calendar year of each simulated month, by counting months."""
    year, month = int(opening[:4]), int(opening[5:7])
    years = []
    for _ in range(n_months):
        years.append(year)
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return years


def yearly(opening: str, monthly: list[float]) -> dict[int, float]:
    """Sum of a list of monthly amounts by calendar year."""
    totals: dict[int, float] = {}
    for year, amount in zip(month_years(opening, len(monthly)), monthly, strict=True):
        totals[year] = totals.get(year, 0.0) + amount
    return totals


# --- the bridging case of issue 10 ---------------------------------------------------------

def bridging(vat_recoverable: bool = True) -> dict[str, Any]:
    """A 100 k€ project (HT) owned by the collectivity, an 80 k€ DETR paid 10 months after
    the works, opening in June; the operator breaks even."""
    data = base("2027-06")
    data["investment"] = {
        "lines": [{"name": "Travaux", "category": "works", "amount_eur": 100_000.0,
                   "purchase_month": 1, "lifetime_years": 20}],
        "grants": [{"name": "DETR", "programme": "detr", "amount_eur": 80_000.0,
                    "award_probability": 1.0, "payment_delay_months": 10}]}
    if not vat_recoverable:
        data["structure"].update(vat_recoverable=False, fctva_regime="n",
                                 fctva_processing_delay_months=6)
    return data


def test_bridging_costs_the_collectivity_20k_not_180k():
    results = run(bridging())
    # works June 2027 (month 0), grant April 2028 (month 10)
    assert per_budget_year(results) == pytest.approx(
        {2027: 100_000.0, 2028: -80_000.0, 2029: 0.0, 2030: 0.0})
    assert_every_draw(results, "net_cost_eur", 20_000.0)
    assert_every_draw(results, "net_cost_investment_eur", 20_000.0)
    assert_every_draw(results, "balancing_subsidy_eur", 0.0)  # the operator bridges nothing
    # public money: the State's 80 k€ and the collectivity's 20 k€, once
    assert_every_draw(results, "public_money_eur", 100_000.0)
    by_funder = public_money_by_funder(results).mean()
    assert by_funder["state"] == pytest.approx(80_000.0)
    assert by_funder["epci_commune"] == pytest.approx(20_000.0)
    # nothing is left unspent: the operator's cash is what it started with
    assert_every_draw(results, "operator_cash_at_horizon_eur", 0.0)


def test_bridging_with_vat_and_the_fctva_coming_back():
    results = run(bridging(vat_recoverable=False))
    paid = 100_000.0 * (1 + VAT)
    fctva = FCTVA * paid  # regime N (an EPCI): the year of the expense, + 6 months
    assert fctva == pytest.approx(19_684.8)
    # June 2027 works and December 2027 FCTVA; April 2028 grant
    assert per_budget_year(results) == pytest.approx(
        {2027: paid - fctva, 2028: -80_000.0, 2029: 0.0, 2030: 0.0})
    assert_every_draw(results, "net_cost_eur", paid - 80_000.0 - fctva)
    lines = collectivity_budget_lines(results, "central")
    assert lines.loc["fctva_received", 2027] == pytest.approx(-fctva)
    assert lines.loc["works_and_equipment_paid", 2027] == pytest.approx(paid)


# --- subsidies paid late and beyond the horizon -----------------------------------------------

def test_subsidy_paid_late_and_beyond_the_horizon_counts_in_cash():
    """A Région subsidy of 12 k€ a year for 3 years, each paid 14 months after its year
    starts: years 1 and 2 are paid within a 3-year horizon, year 3's beyond it. The operator
    rents (no balancing subsidy): the collectivity pays nothing and its gap shows."""
    data = base("2027-01")
    data["structure"].update(management_mode="rental", premises_owner="third_party")
    data["costs"]["fixed_lines"] = [cost("Charges", 12_000.0)]
    data["operating_subsidies"] = [{
        "name": "Région", "programme": "region", "amount_eur_per_year": 12_000.0,
        "start_year": 1, "duration_years": 3, "award_probability": 1.0,
        "payment_delay_months": 14}]
    results = run(data)
    assert_every_draw(results, "operating_subsidies_paid_eur", 24_000.0)
    assert_every_draw(results, "operating_subsidies_granted_eur", 36_000.0)
    reconciliation = public_money_reconciliation(results)
    assert reconciliation.loc["operating_subsidies", "beyond_horizon_eur"] == pytest.approx(
        12_000.0)
    assert_every_draw(results, "public_money_eur", 24_000.0)
    assert_every_draw(results, "net_cost_eur", 0.0)
    # the operator's cash, month by month: −1 000 € a month, +12 000 € in months 14 and 26
    cash, lowest = 0.0, 0.0
    for month in range(36):
        cash += -1_000.0 + (12_000.0 if month in (14, 26) else 0.0)
        lowest = min(lowest, cash)
    assert_every_draw(results, "operator_cash_at_horizon_eur", cash)
    assert_every_draw(results, "operator_shortfall_max_eur", -lowest)


def test_the_collectivity_s_own_subsidy_paid_late_is_its_cost_in_the_year_paid():
    data = base("2027-01")
    data["revenue_lines"] = [revenue("Recettes", 6_000.0)]
    data["costs"]["fixed_lines"] = [cost("Charges", 6_000.0)]
    data["operating_subsidies"] = [{
        "name": "Communauté de communes", "programme": "epci", "amount_eur_per_year": 5_000.0,
        "start_year": 1, "duration_years": 2, "award_probability": 1.0,
        "payment_delay_months": 18}]
    results = run(data)
    # year 1's 5 000 € paid in month 18 (2028), year 2's in month 30 (2029)
    assert per_budget_year(results) == pytest.approx({2027: 0.0, 2028: 5_000.0, 2029: 5_000.0})
    assert_every_draw(results, "balancing_subsidy_eur", 0.0)


def test_a_convention_subsidy_paid_as_an_advance_and_a_balance():
    """The collectivity's 10 k€ a year: 60 % in month 1 of each year, the balance in month
    9; the operator breaks even otherwise."""
    data = base("2027-01", years=2)
    data["operating_subsidies"] = [{
        "name": "Convention", "programme": "epci", "amount_eur_per_year": 10_000.0,
        "start_year": 1, "duration_years": 2, "award_probability": 1.0,
        "advance_share": 0.6, "advance_delay_months": 1, "payment_delay_months": 9}]
    results = run(data)
    received = results.central.subsidies_received_eur.to_numpy()
    expected = [0.0] * 24
    for year in (0, 1):
        expected[12 * year + 1] += 6_000.0
        expected[12 * year + 9] += 4_000.0
    np.testing.assert_allclose(received, expected)
    assert per_budget_year(results) == pytest.approx({2027: 10_000.0, 2028: 10_000.0})


# --- rent that nets out -----------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["association_convention", "regie_spa"])
def test_rent_nets_out_between_the_parties(mode):
    """The operator's only cost is the rent of the collectivity's premises (100 m² × 60 €):
    the balancing subsidy pays it and the collectivity gets it back — zero each budget year."""
    data = base("2027-04")
    data["costs"]["rent_eur_per_m2_per_year"] = 60.0
    if mode == "regie_spa":
        data["structure"].update(operator_type="local_authority", management_mode=mode)
    results = run(data)
    rent = 100 * 60.0 / 12
    monthly_balancing = yearly("2027-04", [rent] * 36)  # paid each January for the year
    assert per_budget_year(results, "net_cost_{}_eur") == pytest.approx(
        dict.fromkeys(monthly_balancing, 0.0), abs=1e-6)
    lines = collectivity_budget_lines(results, "central")
    for year, amount in monthly_balancing.items():
        assert lines.loc["balancing_subsidy_paid", year] == pytest.approx(amount)
        assert lines.loc["rent_received", year] == pytest.approx(-amount)
    assert_every_draw(results, "net_cost_eur", 0.0)


def test_rent_vat_is_the_cost_left_when_the_operator_is_not_registered():
    """The collectivity lets with the VAT option; an operator under the franchise scheme pays
    the VAT and cannot recover it: the collectivity's net cost is that VAT (which it does not
    receive)."""
    data = base("2027-01")
    data["costs"]["rent_eur_per_m2_per_year"] = 60.0
    data["structure"]["operator_vat"] = "franchise"
    results = run(data)
    rent = 100 * 60.0 / 12
    assert_every_draw(results, "net_cost_eur", 36 * rent * VAT)
    assert_every_draw(results, "balancing_subsidy_eur", 36 * rent * (1 + VAT))


# --- a deficit in years 2–5 -------------------------------------------------------------------

def deficit_years_2_to_5(basis: str) -> dict[str, Any]:
    """Investment grants received in year 1 (the collectivity's works, 100 % funded) no
    longer pay the operator's later deficits: 12 k€ of costs a year, revenue only in years 1
    and 6."""
    data = base("2027-01", years=6)
    data["revenue_lines"] = [revenue("Recettes an 1", 12_000.0, 1, 1),
                             revenue("Recettes an 6", 12_000.0, 6, 6)]
    data["costs"]["fixed_lines"] = [cost("Charges", 12_000.0)]
    data["investment"] = {
        "lines": [{"name": "Travaux", "category": "works", "amount_eur": 50_000.0,
                   "purchase_month": 1, "lifetime_years": 20}],
        "grants": [{"name": "Région", "programme": "region", "amount_eur": 50_000.0,
                    "award_probability": 1.0, "payment_delay_months": 2}]}
    data["budget"] = {"balancing_subsidy_basis": basis, "balancing_payment_month": 6}
    return data


def test_a_deficit_in_years_2_to_5_is_a_cost_in_those_budget_years():
    results = run(deficit_years_2_to_5("forecast"))
    assert per_budget_year(results) == pytest.approx(
        {2027: 0.0, 2028: 12_000.0, 2029: 12_000.0, 2030: 12_000.0, 2031: 12_000.0,
         2032: 0.0})
    assert_every_draw(results, "net_cost_eur", 48_000.0)
    assert_every_draw(results, "min_cash_eur", -48_000.0)  # without the balancing subsidy
    # the balancing subsidy is paid in January, for the year: the operator never goes short
    assert_every_draw(results, "operator_shortfall_max_eur", 0.0)


def test_at_close_the_deficit_is_paid_the_next_june_and_the_operator_carries_the_lag():
    results = run(deficit_years_2_to_5("previous_year_close"))
    assert per_budget_year(results) == pytest.approx(
        {2027: 0.0, 2028: 0.0, 2029: 12_000.0, 2030: 12_000.0, 2031: 12_000.0,
         2032: 12_000.0})
    # the operator's cash, month by month: −1 000 € a month in years 2–5, +12 000 € each June
    # from 2029
    cash, lowest = 0.0, 0.0
    for month, year in enumerate(month_years("2027-01", 72)):
        cash += (0.0 if year in (2027, 2032) else -1_000.0)
        if year >= 2029 and month % 12 == 5:
            cash += 12_000.0
        lowest = min(lowest, cash)
    assert_every_draw(results, "operator_shortfall_max_eur", -lowest)
    assert_every_draw(results, "operator_cash_at_horizon_eur", cash)
    assert_every_draw(results, "balancing_subsidy_voted_eur", 48_000.0)


# --- the operator owns the investment -----------------------------------------------------------

def operator_owned() -> dict[str, Any]:
    data = base("2027-01")
    data["structure"].update(owner_type="association", premises_owner="third_party")
    data["simulation"]["initial_cash_eur"] = 20_000.0
    data["investment"] = {"lines": [{"name": "Informatique", "category": "it",
                                     "amount_eur": 12_000.0, "purchase_month": 1,
                                     "lifetime_years": 1, "renewed": True}]}
    return data


def test_a_renewal_paid_by_an_equipment_subsidy():
    data = operator_owned()
    data["budget"] = {"renewals_equipment_subsidy": True}
    results = run(data)
    # renewals in months 12 and 24 (2028, 2029), paid by the collectivity's investment section
    assert per_budget_year(results, "net_cost_investment_{}_eur") == pytest.approx(
        {2027: 0.0, 2028: 12_000.0, 2029: 12_000.0})
    assert_every_draw(results, "balancing_subsidy_eur", 0.0)  # 20 000 − 12 000 ≥ 0
    central = results.central
    # the operator: 1 000 € of depreciation a month; the subsidy released at that pace
    np.testing.assert_allclose(central.grants_released_eur[:12], 0.0)
    np.testing.assert_allclose(central.grants_released_eur[12:], 1_000.0)
    np.testing.assert_allclose(central.net_result_eur[:12], -1_000.0)
    np.testing.assert_allclose(central.net_result_eur[12:], 0.0, atol=1e-9)
    assert_every_draw(results, "operator_cash_at_horizon_eur", 8_000.0)


def test_a_cash_advance_bridges_the_operator_s_grant_and_comes_back():
    data = operator_owned()
    data["investment"]["lines"][0]["renewed"] = False
    data["investment"]["grants"] = [{"name": "Région", "programme": "region",
                                     "amount_eur": 9_000.0, "award_probability": 1.0,
                                     "payment_delay_months": 10}]
    data["budget"] = {"grant_cash_advance": True}
    results = run(data)
    lines = collectivity_budget_lines(results, "central")
    assert lines.loc["cash_advance_paid", 2027] == pytest.approx(9_000.0)
    assert lines.loc["cash_advance_repaid", 2027] == pytest.approx(-9_000.0)
    assert_every_draw(results, "net_cost_eur", 0.0)
    assert_every_draw(results, "public_money_eur", 9_000.0)  # the Région's grant, once
    # without the advance the operator's cash dips to 20 000 − 12 000 = 8 000 €; with it,
    # the grant is in hand from the works: 17 000 € until it is repaid
    assert float(results.central.cash_after_balancing_eur[0]) == pytest.approx(17_000.0)
    assert float(results.central.cash_after_balancing_eur[10]) == pytest.approx(17_000.0)


# --- other management modes -------------------------------------------------------------------

def test_concession_no_balancing_subsidy_and_the_sieg_ceiling():
    """A company runs the site under a concession: the collectivity pays a contractual 6 k€ a
    year and receives a rent; the concessionaire's deficit is its own risk."""
    data = base("2027-01")
    data["structure"].update(operator_type="company", management_mode="concession")
    data["costs"]["rent_eur_per_m2_per_year"] = 24.0  # 200 € a month
    data["costs"]["fixed_lines"] = [cost("Charges", 30_000.0)]
    data["operating_subsidies"] = [{
        "name": "Compensation", "programme": "epci", "amount_eur_per_year": 6_000.0,
        "start_year": 1, "duration_years": 3, "award_probability": 1.0,
        "payment_delay_months": 0}]
    results = run(data)
    assert_every_draw(results, "balancing_subsidy_eur", 0.0)
    assert_every_draw(results, "net_cost_eur", 3 * 6_000.0 - 36 * 200.0)
    assert_every_draw(results, "operator_shortfall_max_eur", 36 * (2_500.0 + 200.0)
                      - 3 * 6_000.0)
    assert "de_minimis_sieg_aid_max_3_years_eur" in results.indicators
    assert "de_minimis_aid_max_3_years_eur" not in results.indicators
    assert results.summary().set_index(["indicator", "statistic"]).loc[
        ("operator_short_of_cash", "probability"), "value"] == 1.0


def test_regie_spic_deficit_covered_by_the_general_budget_is_flagged():
    data = base("2027-01")
    data["structure"].update(operator_type="local_authority", management_mode="regie_spic")
    data["costs"]["fixed_lines"] = [cost("Charges", 12_000.0)]
    results = run(data)
    assert_every_draw(results, "net_cost_eur", 36_000.0)
    checks = {check.code: check for check in results.rule_checks}
    assert checks["spic_balancing"].status == "broken"
    assert checks["spic_balancing"].broken_share == 1.0
    assert any("L2224-2" in notice.text("fr") for notice in results.notices)


def test_convention_threshold_for_a_rented_site():
    data = base("2027-01")
    data["structure"].update(management_mode="rental")
    data["operating_subsidies"] = [{
        "name": "Aide au démarrage", "programme": "commune", "amount_eur_per_year": 25_000.0,
        "start_year": 1, "duration_years": 1, "award_probability": 1.0}]
    results = run(data)
    checks = {check.code: check for check in results.rule_checks}
    assert checks["convention"].status == "broken"
    assert any("2000-321" in notice.text("fr") for notice in results.notices)
    data["operating_subsidies"][0]["amount_eur_per_year"] = 20_000.0
    assert {c.code: c for c in run(data).rule_checks}["convention"].status == "respected"


# --- format-2 files ---------------------------------------------------------------------------

DATA = __import__("pathlib").Path(__file__).parent / "data"


@pytest.mark.parametrize(("file", "preset", "mode", "premises"), [
    ("default_v2.toml", "default", "association_convention", "collectivity"),
    # a SCIC operator implies a subsidy convention; the format-3 preset says it rents
    ("coworking_v2.toml", None, "association_convention", "third_party")])
def test_a_format_2_file_loads_converted_with_a_notice(file, preset, mode, premises):
    """The shipped scenarios as they were in format 2 load, with a notice, into the
    management mode and premises their operator and owner imply; the default gives the
    same results as the format-3 preset, which states them."""
    with pytest.warns(tl.TiersLieuxWarning, match="converti au format 3"):
        converted = tl.load_scenario(DATA / file)
    assert converted.schema_version == 3
    assert converted.structure.premises_owner == premises
    from tierslieux_sim.model.parties import management_mode
    assert management_mode(converted.structure.model_dump()) == mode
    if preset is None:
        return
    current = tl.preset_scenario(preset)
    a = tl.simulate(converted, draws=200, seed=3).indicators
    b = tl.simulate(current, draws=200, seed=3).indicators
    np.testing.assert_allclose(a["net_cost_eur"], b["net_cost_eur"])
    np.testing.assert_allclose(a["public_money_eur"], b["public_money_eur"])


# --- property: flows between the parties and each party's cash --------------------------------

MODES = {"association": ["auto", "association_convention", "rental", "concession"],
         "scic": ["association_convention", "rental"], "company": ["rental", "concession"],
         "local_authority": ["regie_spa", "regie_spic"]}


@st.composite
def two_party_scenarios(draw) -> tl.Scenario:
    """Random valid variants of the default scenario: who owns what, the management mode,
    how the balancing subsidy is voted, advances, equipment subsidies, VAT, the opening
    month, the horizon, the initial cash and its public share, grant delays."""
    data = copy.deepcopy(tl.default_scenario().model_dump(by_alias=True))
    operator = draw(st.sampled_from(sorted(MODES)))
    data["structure"].update(
        operator_type=operator, management_mode=draw(st.sampled_from(MODES[operator])),
        owner_type=draw(st.sampled_from(["local_authority", operator if operator
                                         != "local_authority" else "association"])),
        premises_owner=draw(st.sampled_from(["collectivity", "third_party"])),
        operator_vat=draw(st.sampled_from(["registered", "franchise"])),
        vat_recoverable=draw(st.booleans()),
        fctva_regime=draw(st.sampled_from(["n", "n_plus_1", "n_plus_2", "not_eligible"])))
    data["budget"].update(
        balancing_subsidy_basis=draw(st.sampled_from(["forecast", "previous_year_close"])),
        balancing_payment_month=draw(st.integers(1, 12)),
        grant_cash_advance=draw(st.booleans()), renewals_equipment_subsidy=draw(st.booleans()))
    data["simulation"].update(
        horizon_years=draw(st.integers(1, 6)),
        opening_month=f"{draw(st.integers(2026, 2030))}-{draw(st.integers(1, 12)):02d}",
        initial_cash_eur=float(draw(st.integers(0, 80_000))))
    data["public_support"]["initial_cash_public_share"] = draw(st.sampled_from([0.0, 0.5, 1.0]))
    for grant in data["investment"]["grants"]:
        grant["payment_delay_months"] = draw(st.integers(0, 40))
    data["costs"]["premises_lent_free"] = draw(st.booleans())
    if draw(st.booleans()):
        data["loan"].update(amount_eur=20_000.0, years=5)
    return scenario_from_dict(data)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(two_party_scenarios())
def test_flows_between_parties_balance_and_each_cash_follows_its_recursion(scenario):
    import warnings

    plan = plan_inputs(scenario)
    from tierslieux_sim.engine.inputs import draw_input_values

    draws, n_months = 16, scenario.horizon_months
    values = draw_input_values(plan, 5, 0, draws, "random")
    p = model_parameters(scenario, values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        accounts = run_model(p, draws, n_months, int(scenario.simulation.opening_month[5:7]) - 1)
    shape = (draws, n_months)

    def full(array):
        return np.broadcast_to(np.asarray(array, dtype=float), shape)

    lines = {name: full(line) for name, line in accounts.collectivity.lines.items()}
    # 1. what the collectivity pays the operator (or receives from it) each month is what
    #    the operator receives (or pays): its budget lines that face the operator
    facing = {"operating_subsidies_paid": "operating_subsidies",
              "balancing_subsidy_paid": "balancing_subsidy",
              "initial_contribution_paid": "initial_contribution",
              "equipment_subsidy_paid": "equipment_subsidy",
              "grants_paid_to_operator": "investment_grants", "rent_received": "rent"}
    flows = {name: full(flow) for name, flow in accounts.flows_between_parties_eur.items()}
    paid_by_collectivity = sum((lines[line] for line in facing if line in lines),
                               np.zeros(shape))
    if "cash_advance_paid" in lines:
        paid_by_collectivity = (paid_by_collectivity + lines["cash_advance_paid"]
                                + lines["cash_advance_repaid"])
    received_by_operator = sum(flows.values(), np.zeros(shape))
    np.testing.assert_allclose(paid_by_collectivity, received_by_operator, atol=1e-6)
    # 2. the collectivity's net cost is the sum of its own lines, by section
    net = full(accounts.collectivity.net_cost_eur)
    np.testing.assert_allclose(net, sum(lines.values(), np.zeros(shape)), atol=1e-6)
    investment = sum((line for name, line in lines.items()
                      if BUDGET_LINES[name] == "investment"), np.zeros(shape))
    np.testing.assert_allclose(full(accounts.collectivity.investment_eur), investment, atol=1e-6)
    # 3. the operator's cash: the previous month's plus its own flows, in a plain loop
    owns = scenario.structure.owner_type != "local_authority"
    inflow = (full(accounts.own_revenue_eur) + full(accounts.donations_eur)
              + full(accounts.subsidies_received_eur) - full(accounts.operating_costs_eur)
              + full(accounts.balancing_subsidy_eur))
    # flows with the collectivity that are not already in the lines above
    for name in ("initial_contribution", "equipment_subsidy", "cash_advance"):
        if name in flows:
            inflow = inflow + flows[name]
    if owns:
        inflow = (inflow + full(accounts.investment_grants_eur) + full(accounts.fctva_eur)
                  + full(accounts.loan_disbursed_eur) - full(accounts.investment_eur)
                  - full(accounts.interest_eur) - full(accounts.loan_repaid_eur))
    share = scenario.public_support.initial_cash_public_share
    cash = np.full(draws, scenario.simulation.initial_cash_eur * (1 - share))
    operator_cash = full(accounts.operator_cash_eur)
    for month in range(n_months):
        cash = cash + inflow[:, month]
        np.testing.assert_allclose(operator_cash[:, month], cash, rtol=1e-9, atol=1e-4)
    # 4. a mode with a forecast balancing subsidy never leaves the operator short
    mode = scenario.structure.management_mode
    if mode == "auto":
        mode = {"association": "association_convention"}.get(scenario.structure.operator_type,
                                                             mode)
    if (mode in ("association_convention", "regie_spa", "regie_spic")
            and scenario.budget.balancing_subsidy_basis == "forecast"):
        assert (operator_cash >= -1e-6).all()
