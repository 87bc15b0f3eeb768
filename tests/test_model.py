"""The pure numpy model: small functions checked against hand computations, capacity limits
on drawn parameters, and the import rules of the architecture."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tierslieux_sim
from conftest import SEED, edit_scenario
from tierslieux_sim.engine.evaluate import model_parameters
from tierslieux_sim.engine.inputs import draw_input_values, plan_inputs
from tierslieux_sim.model import accounts, costs, demand, financing, revenue, run_model
from tierslieux_sim.model.timeline import (
    active_months,
    calendar_month_of_year,
    seasonal_factor,
    smooth_ramp_rate,
    yearly_index_factor,
)

SRC = Path(tierslieux_sim.__file__).resolve().parent


# --- 10. architecture ----------------------------------------------------------------------

def _imported_modules(path: Path, full: bool = False) -> list[tuple[str, int]]:
    """(top-level module, or the full dotted name with ``full``, and relative level) of every
    import statement in a file."""
    found = []
    def name(dotted: str) -> str:
        return dotted if full else dotted.split(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(name(alias.name), 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((name(node.module or ""), node.level))
    return found


def test_model_imports_no_framework():
    files = sorted((SRC / "model").glob("*.py"))
    assert len(files) >= 7
    forbidden = {"pydantic", "pydantic_core", "xarray", "plotly", "streamlit", "pandas"}
    for path in files:
        for module, level in _imported_modules(path, full=True):
            assert module.split(".")[0] not in forbidden, f"{path.name} imports {module}"
            assert level <= 1, f"{path.name} imports from outside the model package"
            if level == 0 and not module.startswith(("tierslieux_sim.model", "tierslieux_sim.core")):
                assert module.split(".")[0] in {"__future__", "dataclasses", "numpy", "typing",
                                  "collections", "math", "functools"}, (path.name, module)


def test_nothing_in_src_imports_streamlit():
    files = [path for path in SRC.rglob("*.py")
             if "dashboard" not in path.relative_to(SRC).parts[:-1]]  # DESIGN §3: the UI may
    assert len(files) > 10
    for path in files:
        modules = {module for module, _ in _imported_modules(path)}
        assert "streamlit" not in modules, path


def test_importing_the_package_loads_no_ui_library():
    """Issue 12: ``import tierslieux_sim`` loads neither the engine, the analyses, pandas,
    xarray, scipy.stats, Plotly nor Streamlit (they load when a public name is used)."""
    heavy = ("streamlit", "plotly", "pandas", "xarray", "scipy.stats", "tierslieux_sim.engine",
             "tierslieux_sim.analysis", "tierslieux_sim.views", "tierslieux_sim.faces")
    code = ("import sys, tierslieux_sim; "
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


# --- timeline ------------------------------------------------------------------------------

def test_smooth_ramp_rate():
    ramp = smooth_ramp_rate(48, 24.0)
    assert ramp.shape == (1, 48)
    assert (np.diff(ramp) >= 0).all() and ramp.min() > 0
    assert ramp[0, 11] == pytest.approx(0.5)  # halfway: smoothstep(0.5) = 0.5
    np.testing.assert_array_equal(ramp[0, 23:], 1.0)
    assert ramp[0, 0] == pytest.approx(3 / 24**2 - 2 / 24**3)
    per_draw = smooth_ramp_rate(48, np.array([[12.0], [36.0]]))
    assert per_draw.shape == (2, 48)
    assert per_draw[0, 11] == 1.0 and per_draw[1, 11] < 1.0


def test_calendar_seasonality_and_indexation():
    calendar = calendar_month_of_year(15, opening_month_of_year=8)  # opens in September
    np.testing.assert_array_equal(calendar[0, :5], [8, 9, 10, 11, 0])
    factors = [float(i) for i in range(12)]
    np.testing.assert_array_equal(seasonal_factor(factors, calendar)[0, :5], [8, 9, 10, 11, 0])
    index = yearly_index_factor(0.1, 36)
    np.testing.assert_allclose(index[0, [0, 11, 12, 35]], [1.0, 1.0, 1.1, 1.21])
    np.testing.assert_array_equal(active_months(6, 2, 3), [[0, 0, 1, 1, 0, 0]])
    np.testing.assert_array_equal(active_months(4, 1, None), [[0, 1, 1, 1]])


# --- demand and capacity -------------------------------------------------------------------

def test_price_effect_and_served_rate():
    assert demand.price_effect_rate(12.0, 12.0, -0.5) == pytest.approx(1.0)
    assert demand.price_effect_rate(18.0, 12.0, -0.5) == pytest.approx(0.75)
    assert demand.price_effect_rate(6.0, 12.0, -0.5) == pytest.approx(1.25)
    assert demand.price_effect_rate(100.0, 12.0, -0.5) == 0.0  # never negative demand
    np.testing.assert_allclose(demand.served_rate(np.array([0.0, 5.0, 10.0, 20.0]), 10.0),
                               [1.0, 1.0, 1.0, 0.5])
    assert demand.usable_flex_desk_days(10, 21.0, 1.5) == pytest.approx(140.0)


def test_price_per_day_of_each_product():
    prices = {"day_pass_eur": 12.0, "ten_day_pack_eur": 100.0,
              "flex_membership_eur_per_month": 80.0, "dedicated_desk_eur_per_month": 120.0,
              "office_seat_eur_per_month": 240.0}
    assert demand.price_per_day_eur("day_pass", prices, 8.0) == 12.0
    assert demand.price_per_day_eur("ten_day_pack", prices, 8.0) == 10.0
    assert demand.price_per_day_eur("flex_membership", prices, 8.0) == pytest.approx(10.0)
    assert demand.price_per_day_eur("office_seat", prices, 0.0) == 0.0


@pytest.fixture(scope="module")
def drawn_model(rich):
    """The model run on 800 drawn parameter sets of the tight-capacity scenario."""
    plan = plan_inputs(rich)
    values = draw_input_values(plan, SEED, 0, 800, "random")
    parameters = model_parameters(rich, values)
    return rich, values, parameters, run_model(parameters, 800, rich.horizon_months, 8)


def test_served_use_stays_within_capacity(drawn_model):
    scenario, values, _, result = drawn_model
    site, use = scenario.site, drawn_model[3].occupancy
    served_flex_days = sum(use.user_days_by_product[p] for p in demand.FLEX_PRODUCTS)
    capacity = site.flex_desks * site.open_days_per_month / values["site.peak_to_mean_ratio"]
    assert (served_flex_days <= capacity[:, None] * (1 + 1e-12)).all()
    assert np.isclose(served_flex_days, capacity[:, None]).any()  # capacity binds somewhere
    assert (use.served_users_by_product["dedicated_desk"] <= site.dedicated_desks + 1e-12).all()
    seats = site.private_offices * site.seats_per_office
    assert (use.served_users_by_product["office_seat"] <= seats + 1e-12).all()
    assert (use.turned_away_user_days >= -1e-9).all()
    assert use.turned_away_user_days.max() > 0
    assert (use.occupancy_rate <= 1 + 1e-12).all() and (use.occupancy_rate >= 0).all()
    np.testing.assert_allclose(use.served_user_days, sum(use.user_days_by_product.values()))
    assert result.cash_eur.shape == (800, scenario.horizon_months)


def test_model_is_deterministic_and_draw_wise(drawn_model):
    """Running a subset of draws gives the same rows: draws do not interact."""
    scenario, values, _, result = drawn_model
    rows = np.array([3, 17, 400])
    subset = model_parameters(scenario, {path: v[rows] for path, v in values.items()})
    again = run_model(subset, 3, scenario.horizon_months, 8)
    np.testing.assert_array_equal(again.cash_eur, result.cash_eur[rows])
    np.testing.assert_array_equal(again.occupancy.occupancy_rate,
                                  np.broadcast_to(result.occupancy.occupancy_rate,
                                                  result.cash_eur.shape)[rows])


# --- revenue and costs ---------------------------------------------------------------------

def test_free_form_line():
    line = {"annual_amount_eur": 1_200.0, "yearly_growth_rate": 0.1, "start_year": 2,
            "end_year": 3}
    monthly = revenue.free_form_line_eur(line, 60)
    np.testing.assert_allclose(monthly[0, :12], 0.0)
    np.testing.assert_allclose(monthly[0, 12:24], 100.0)
    np.testing.assert_allclose(monthly[0, 24:36], 110.0)
    np.testing.assert_allclose(monthly[0, 36:], 0.0)
    open_ended = revenue.free_form_line_eur(line | {"end_year": None}, 60)
    assert open_ended[0, 59] == pytest.approx(100.0 * 1.1**3)


def test_meeting_rooms_are_capped():
    hours = revenue.meeting_room_hours_served(np.array([[100.0], [400.0]]), 1.0, 2, 8.0, 20.0)
    np.testing.assert_array_equal(hours, [[100.0], [320.0]])


def test_premises_rent_or_in_kind():
    index = yearly_index_factor(0.0, 12)
    cost = {"rent_eur_per_m2_per_year": 60.0, "energy_eur_per_m2_per_year": 12.0,
            "premises_lent_free": False}
    rent, energy, in_kind = costs.premises_costs_eur(100.0, cost, index)
    np.testing.assert_allclose(rent, 500.0)
    np.testing.assert_allclose(energy, 100.0)
    np.testing.assert_allclose(in_kind, 0.0)
    rent, energy, in_kind = costs.premises_costs_eur(100.0, cost | {"premises_lent_free": True},
                                                     index)
    np.testing.assert_allclose(rent, 0.0)
    np.testing.assert_allclose(in_kind, 500.0)
    np.testing.assert_allclose(energy, 100.0)


def test_staff_position_and_aided_contract():
    position = {"fte": 0.5, "loaded_annual_cost_eur": 36_000.0, "start_month": 4,
                "end_month": 15, "aided_contract_support_rate": 0.6, "aided_contract_months": 6}
    cost, aid = costs.staff_position_cost_eur(position, 24, yearly_index_factor(0.0, 24))
    expected = np.zeros(24)
    expected[3:15] = 1_500.0
    np.testing.assert_allclose(cost[0], expected)
    expected_aid = np.zeros(24)
    expected_aid[3:9] = 900.0
    np.testing.assert_allclose(aid[0], expected_aid)


# --- financing -----------------------------------------------------------------------------

def test_loan_against_an_amortisation_table():
    loan = {"amount_eur": 10_000.0, "annual_rate": 0.06, "years": 2, "deferral_months": 3,
            "disbursement_month": 2}
    disbursed, interest, repaid = financing.loan_flows_eur(loan, 48)
    rate = 0.005
    annuity = 10_000.0 * rate / (1 - (1 + rate) ** -24)
    expected_interest, expected_repaid = np.zeros(48), np.zeros(48)
    balance = 10_000.0
    for month in range(2, 5):
        expected_interest[month] = balance * rate
    for month in range(5, 29):
        expected_interest[month] = balance * rate
        expected_repaid[month] = annuity - balance * rate
        balance -= expected_repaid[month]
    assert disbursed[0, 1] == 10_000.0 and disbursed.sum() == 10_000.0
    np.testing.assert_allclose(interest[0], expected_interest, atol=1e-8)
    np.testing.assert_allclose(repaid[0], expected_repaid, atol=1e-8)
    assert repaid.sum() == pytest.approx(10_000.0)
    assert balance == pytest.approx(0.0, abs=1e-6)


def test_loan_at_zero_rate_and_per_draw():
    loan = {"amount_eur": np.array([[1_200.0], [2_400.0]]),
            "annual_rate": np.array([[0.0], [0.03]]), "years": 1, "deferral_months": 0,
            "disbursement_month": 1}
    disbursed, interest, repaid = financing.loan_flows_eur(loan, 24)
    np.testing.assert_allclose(repaid[0, 1:13], 100.0)
    np.testing.assert_allclose(interest[0], 0.0)
    np.testing.assert_allclose(repaid.sum(axis=1), [1_200.0, 2_400.0])
    np.testing.assert_allclose((interest + repaid)[1, 1:13], (interest + repaid)[1, 1])


def test_operating_subsidy_accrual_and_payment():
    subsidy = {"amount_eur_per_year": 12_000.0, "start_year": 2, "duration_years": 3,
               "yearly_taper_rate": 0.25, "award_probability": 0.5, "payment_delay_months": 5,
               "advance_share": 0.0, "advance_delay_months": 0,
               "award_uniform": np.array([[0.1], [0.9]])}
    accrued, received = financing.operating_subsidy_flows_eur(subsidy, 72)
    yearly = accrued[0].reshape(6, 12).sum(axis=1)
    np.testing.assert_allclose(yearly, [0, 12_000, 9_000, 6_750, 0, 0])
    np.testing.assert_allclose(received[0, [17, 29, 41]], [12_000, 9_000, 6_750])
    assert received[0].sum() == pytest.approx(accrued[0].sum())
    np.testing.assert_array_equal(accrued[1], 0.0)  # not awarded in this draw
    np.testing.assert_array_equal(received[1], 0.0)


def test_investment_renewal_and_depreciation():
    line = {"amount_eur": 12_000.0, "purchase_month": 3, "lifetime_years": 2, "renewed": True}
    assert financing.purchase_months(3, 2, True, 72) == [2, 26, 50]
    assert financing.purchase_months(3, 2, False, 72) == [2]
    assert financing.purchase_months(80, 2, True, 72) == []
    spent, depreciation = financing.investment_line_flows_eur(line, 0.1, 72)
    np.testing.assert_allclose(spent[0, [2, 26, 50]], [12_000.0, 12_000.0 * 1.21,
                                                       12_000.0 * 1.1**4])
    assert np.count_nonzero(spent) == 3
    np.testing.assert_allclose(depreciation[0, 2:26], 500.0)
    assert depreciation[0, :2].sum() == 0
    np.testing.assert_allclose(depreciation[0, 26:50], 500.0 * 1.21)
    once = financing.investment_line_flows_eur(line | {"renewed": False}, 0.0, 72)
    assert once[1].sum() == pytest.approx(12_000.0)  # fully depreciated within the horizon


def test_investment_grant_amount():
    grant = {"amount_eur": None, "rate_of_eligible_cost": 0.3, "eligible_cost_eur": None,
             "cap_eur": 15_000.0, "award_probability": 0.8,
             "award_uniform": np.array([[0.7], [0.85]])}
    amounts = financing.investment_grant_amount_eur(grant, 60_000.0)
    np.testing.assert_allclose(amounts, [[15_000.0], [0.0]])  # capped; not awarded
    uncapped = financing.investment_grant_amount_eur(grant | {"cap_eur": None}, 40_000.0)
    np.testing.assert_allclose(uncapped, [[12_000.0], [0.0]])
    given = financing.investment_grant_amount_eur(
        grant | {"amount_eur": 5_000.0, "eligible_cost_eur": 1.0}, 40_000.0)
    np.testing.assert_allclose(given, [[5_000.0], [0.0]])
    assert financing.awarded(1.0, 0.999999) == 1.0 and financing.awarded(0.0, 0.0) == 0.0
    np.testing.assert_array_equal(financing.lump_sum_at(7.0, 2, 4), [[0, 0, 7.0, 0]])
    assert financing.lump_sum_at(7.0, 9, 4).sum() == 0  # beyond the horizon


# --- accounts ------------------------------------------------------------------------------

def test_cash_and_balancing_subsidy_by_hand():
    flow = np.array([[-5.0, 3.0, -4.0, 10.0], [1.0, 1.0, 1.0, 1.0]])
    cash = accounts.cash_position_eur(2.0, flow)
    np.testing.assert_array_equal(cash, [[-3, 0, -4, 6], [3, 4, 5, 6]])
    cumulative = accounts.cumulative_balancing_subsidy_eur(cash)
    np.testing.assert_array_equal(cumulative, [[3, 3, 4, 4], [0, 0, 0, 0]])
    np.testing.assert_array_equal(accounts.monthly_increments(cumulative),
                                  [[3, 0, 1, 0], [0, 0, 0, 0]])
    assert ((cash + cumulative) >= 0).all()


def test_yearly_aggregates_and_trailing_sums():
    monthly = np.arange(24, dtype=float)[None, :]
    np.testing.assert_array_equal(accounts.yearly_totals(monthly), [[66, 210]])
    np.testing.assert_array_equal(accounts.yearly_means(monthly), [[5.5, 17.5]])
    trailing = accounts.trailing_12_month_sum(monthly)
    assert np.isnan(trailing[0, :11]).all()
    assert trailing[0, 11] == 66 and trailing[0, 23] == 210 and trailing[0, 12] == 78


def test_autonomy_month_by_hand():
    costs_eur = np.full((3, 48), 100.0)
    own = np.full((3, 48), 90.0)
    own[:, 24:] = 130.0  # from month 27 the last 12 months cover the costs
    own[1, 40:] = 50.0   # … but not to the horizon in draw 1
    own[2, :] = 100.0    # exactly covered from the first full year
    own[2, 3] = 99.0     # … except a window containing month 4
    months = accounts.autonomy_month(own, costs_eur)
    assert months[0] == 27.0
    assert np.isnan(months[1])
    assert months[2] == 16.0
    ratio = accounts.self_financing_ratio(own, costs_eur)
    np.testing.assert_allclose(ratio[0], [0.9, 0.9, 1.3, 1.3])
    np.testing.assert_array_equal(accounts.self_financing_ratio(own, 0 * costs_eur),
                                  np.full((3, 4), np.nan))


def test_draw_indicators_names(drawn_model):
    scenario, *_, result = drawn_model
    occupancy = np.broadcast_to(result.occupancy.occupancy_rate, result.cash_eur.shape)
    indicators = accounts.draw_indicators(result.own_revenue_eur, result.operating_costs_eur,
                                          result.cash_eur, result.balancing_subsidy_eur,
                                          occupancy)
    years = scenario.simulation.horizon_years
    assert len(indicators) == 4 + 3 * years
    assert all(values.shape == (800,) for values in indicators.values())


def test_rent_free_scenario_counts_in_kind_support(default):
    def edit(data):
        data["costs"]["premises_lent_free"] = True
    lent = edit_scenario(default, edit)
    results = tierslieux_sim.simulate(lent, draws=100, seed=2)
    base = tierslieux_sim.simulate(default, draws=100, seed=2)
    rent = base.dataset.operating_costs_by_line_eur.sel(cost_line="rent")
    assert (results.dataset.operating_costs_by_line_eur.sel(cost_line="rent") == 0).all()
    np.testing.assert_allclose(results.dataset.in_kind_rent_eur, rent)
    np.testing.assert_allclose(results.dataset.operating_costs_eur,
                               base.dataset.operating_costs_eur - rent, rtol=1e-12)
