"""The engine end to end: accounting identities on Monte Carlo runs, the central case,
analytic expectations, seeds and chunking, common random numbers, correlations, arguments."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import tierslieux_sim as tl
from conftest import SEED, edit_scenario, zero_variance
from tierslieux_sim.engine.inputs import draw_input_values, plan_inputs
from tierslieux_sim.engine.sampling import BLOCK_DRAWS
from tierslieux_sim.scenario.files import scenario_from_dict
from tierslieux_sim.scenario.paths import get_path

ATOL_EUR = 1e-6  # euros: rounding of sums of a few hundred thousand euros


def _runs(request, name):
    return request.getfixturevalue(f"{name}_run")


# --- 1. identities -------------------------------------------------------------------------

@pytest.fixture(params=["default", "rich"])
def run(request):
    return _runs(request, request.param)


def test_line_totals(run):
    ds = run.dataset
    np.testing.assert_allclose(ds.own_revenue_eur, ds.revenue_by_line_eur.sum("revenue_line"),
                               rtol=1e-12, atol=ATOL_EUR)
    np.testing.assert_allclose(ds.operating_costs_eur,
                               ds.operating_costs_by_line_eur.sum("cost_line"),
                               rtol=1e-12, atol=ATOL_EUR)
    np.testing.assert_allclose(ds.subsidies_eur, ds.subsidies_by_line_eur.sum("subsidy_line"),
                               rtol=1e-12, atol=ATOL_EUR)
    np.testing.assert_allclose(ds.donations_eur, ds.donations_by_line_eur.sum("donation_line"),
                               rtol=1e-12, atol=ATOL_EUR)
    np.testing.assert_allclose(ds.users, ds.users_by_segment.sum("segment"), rtol=1e-12)


# --- 1b. hand cases: the two parties' months computed by hand ------------------------------
#
# Small deterministic scenarios (plain numbers, awards certain: every draw is the central
# case) whose months are written out below with the arithmetic in comments, not derived from
# the model's formulas. Case A triggers the FCTVA; case B the balancing subsidy.

def _hand_case_data(opening: str) -> dict:
    """One year, no walk-in demand (own revenue and costs are free-form lines: every monthly
    amount is a plain number), no indexation."""
    return {
        "schema_version": 3,
        "meta": {"name": "Cas à la main"},
        "simulation": {"horizon_years": 1, "opening_month": opening, "initial_cash_eur": 0.0},
        "site": {"surface_m2": 100.0, "flex_desks": 1, "peak_to_mean_ratio": 1.0},
        "demand": {"segments": [{
            "name": "Personne", "pool_people": 0.0, "adoption_rate": 0.0,
            "months_to_maturity": 1.0, "days_per_month": 1.0,
            "product_mix": {"day_pass": 1.0}, "price_elasticity": 0.0}]},
        "prices": {"day_pass_eur": 10.0},
        "revenue_lines": [],
        "costs": {"rent_eur_per_m2_per_year": 0.0, "energy_eur_per_m2_per_year": 0.0,
                  "consumables_eur_per_user_day": 0.0, "fixed_lines": []},
        "structure": {"owner_type": "local_authority", "operator_type": "association",
                      "management_mode": "association_convention", "vat_recoverable": True,
                      "fctva_regime": "not_eligible", "premises_owner": "collectivity"},
    }


def _hand_case_a() -> dict:
    """Opening January 2027 (one budget year). The collectivity owns the works, does not
    recover VAT and receives the FCTVA (regime N, 4 months' processing); it pays 40 % of the
    operator's 5 000 € opening cash, pays it a 6 000 € subsidy and receives its rent; it
    draws a 0 % loan to pay the works."""
    data = _hand_case_data("2027-01")
    data["simulation"]["initial_cash_eur"] = 5_000.0
    data["public_support"] = {"initial_cash_public_share": 0.4}
    data["revenue_lines"] = [{"name": "Recettes", "annual_amount_eur": 12_000.0}]
    data["costs"]["rent_eur_per_m2_per_year"] = 12.0  # 100 m² × 12 € / 12 = 100 €/month
    data["costs"]["fixed_lines"] = [{"name": "Charges", "annual_amount_eur": 2_400.0}]
    data["operating_subsidies"] = [{"name": "Communauté de communes", "programme": "epci",
                                    "amount_eur_per_year": 6_000.0, "duration_years": 1,
                                    "payment_delay_months": 3}]
    data["investment"] = {
        "lines": [{"name": "Travaux", "category": "works", "amount_eur": 10_000.0,
                   "purchase_month": 2, "lifetime_years": 10}],
        "grants": [{"name": "DETR", "programme": "detr", "amount_eur": 3_000.0,
                    "payment_delay_months": 6}]}
    data["loan"] = {"amount_eur": 6_000.0, "annual_rate": 0.0, "years": 1,
                    "disbursement_month": 2}
    data["structure"].update(vat_recoverable=False, fctva_regime="n",
                             fctva_processing_delay_months=4)
    return data


#: Case A, the operator, month by month: own revenue 12 000 / 12 = 1 000, costs rent 100 +
#: fixed 2 400 / 12 = 200, so 1 000 − 300 = +700 a month; + 2 000 (40 % × 5 000, the public
#: share of the opening cash) in month 0; + 6 000 (the subsidy, 3 months after the year
#: starts) in month 3. Opening cash 5 000 − 2 000 = 3 000.
HAND_A_OPERATOR_FLOW = [2_700.0, 700.0, 700.0, 6_700.0, *[700.0] * 8]
#: 3 000 + 2 700 = 5 700; + 700 = 6 400; + 700 = 7 100; + 6 700 = 13 800; then + 700 a month
#: to 13 800 + 8 × 700 = 19 400 (= 3 000 + 12 × 700 + 2 000 + 6 000).
HAND_A_OPERATOR_CASH = [5_700.0, 6_400.0, 7_100.0, 13_800.0, 14_500.0, 15_200.0, 15_900.0,
                        16_600.0, 17_300.0, 18_000.0, 18_700.0, 19_400.0]
#: Case A, the collectivity's budget lines (costs positive, receipts negative):
#: works 10 000 HT × 1.2 = 12 000 paid in month 1 (purchase month 2); FCTVA 16.404 % ×
#: 12 000 = 1 968.48 received 0 years + 4 months later, in month 5; DETR 3 000 in month 6;
#: loan 6 000 drawn in month 1, repaid 6 000 / 12 = 500 a month from month 2 (10 payments
#: within the horizon), no interest; the opening contribution 2 000 in month 0, the
#: subsidy 6 000 in month 3; the rent received, 100 a month; no balancing subsidy.
HAND_A_LINES = {
    "works_and_equipment_paid": {1: 12_000.0},
    "fctva_received": {5: -1_968.48},
    "grants_received": {6: -3_000.0},
    "loan_drawn": {1: -6_000.0},
    "loan_principal_repaid": dict.fromkeys(range(2, 12), 500.0),
    "interest_paid": {},
    "initial_contribution_paid": {0: 2_000.0},
    "operating_subsidies_paid": {3: 6_000.0},
    "rent_received": dict.fromkeys(range(12), -100.0),
    "balancing_subsidy_paid": {},
}
#: Net cost by month: m0 2 000 − 100 = 1 900; m1 12 000 − 6 000 − 100 = 5 900;
#: m2 500 − 100 = 400; m3 6 000 + 500 − 100 = 6 400; m4 400; m5 500 − 1 968.48 − 100 =
#: −1 568.48; m6 500 − 3 000 − 100 = −2 600; m7–m11 400.
HAND_A_NET_COST = [1_900.0, 5_900.0, 400.0, 6_400.0, 400.0, -1_568.48, -2_600.0,
                   *[400.0] * 5]
#: Investment section 12 000 − 1 968.48 − 3 000 − 6 000 + 10 × 500 = 6 031.52; operating
#: 2 000 + 6 000 − 12 × 100 = 6 800; together 12 831.52.
HAND_A_INDICATORS = {"net_cost_eur": 12_831.52, "net_cost_investment_eur": 6_031.52,
                     "net_cost_operating_eur": 6_800.0, "net_cost_2027_eur": 12_831.52}


def _monthly(by_month: dict[int, float], n_months: int = 12) -> list[float]:
    return [by_month.get(month, 0.0) for month in range(n_months)]


def _both(results: tl.Results, name: str) -> list[np.ndarray]:
    """A monthly variable in the central case and in every draw (all equal here)."""
    return [results.central[name].values, *results.dataset[name].values]


@pytest.fixture(scope="module")
def hand_case_a() -> tl.Results:
    return tl.simulate(scenario_from_dict(_hand_case_a()), draws=3, seed=1)


def test_cash_recursion_of_the_operator(hand_case_a):
    """Case A: the operator's cash month by month from its own flows only (the works, the
    grant, the FCTVA and the loan are the collectivity's)."""
    for cash_flow in _both(hand_case_a, "cash_flow_eur"):
        np.testing.assert_allclose(cash_flow, HAND_A_OPERATOR_FLOW, rtol=1e-12, atol=1e-9)
    for name in ("cash_eur", "cash_after_balancing_eur"):  # no deficit: no balancing subsidy
        for cash in _both(hand_case_a, name):
            np.testing.assert_allclose(cash, HAND_A_OPERATOR_CASH, rtol=1e-12, atol=1e-9)
    assert not hand_case_a.dataset.balancing_subsidy_eur.values.any()
    # EBITDA: 1 000 + the subsidy accrued 6 000 / 12 = 500, − 300 = 1 200 a month; the net
    # result is the same (no depreciation, grant or interest of the operator's own).
    for name in ("ebitda_eur", "net_result_eur"):
        for values in _both(hand_case_a, name):
            np.testing.assert_allclose(values, 1_200.0, rtol=1e-12)
    np.testing.assert_array_equal(hand_case_a.dataset.grants_released_eur, 0.0)
    assert hand_case_a.central_indicators["operator_cash_at_horizon_eur"] == pytest.approx(
        19_400.0, abs=1e-9)


def test_hand_case_collectivity_with_the_fctva(hand_case_a):
    """Case A: each budget line of the collectivity, the FCTVA among them, its monthly net
    cost and its totals by section."""
    for fctva in _both(hand_case_a, "fctva_eur"):
        np.testing.assert_allclose(fctva, _monthly({5: 1_968.48}), rtol=1e-12, atol=1e-9)
    lines = {"central": hand_case_a.central.collectivity_budget_eur,
             "mean over draws": hand_case_a.monthly_mean.collectivity_budget_eur}
    for where, budget in lines.items():
        assert sorted(budget.budget_line.values) == sorted(HAND_A_LINES), where
        for line, by_month in HAND_A_LINES.items():
            np.testing.assert_allclose(budget.sel(budget_line=line).values, _monthly(by_month),
                                       rtol=1e-12, atol=1e-9, err_msg=f"{where}: {line}")
    for net_cost in _both(hand_case_a, "collectivity_net_cost_eur"):
        np.testing.assert_allclose(net_cost, HAND_A_NET_COST, rtol=1e-12, atol=1e-9)
    for name, expected in HAND_A_INDICATORS.items():
        values = [hand_case_a.central_indicators[name], *hand_case_a.indicators[name]]
        np.testing.assert_allclose(values, expected, rtol=1e-12, atol=1e-9, err_msg=name)


def _hand_case_b() -> dict:
    """Opening July 2027: two budget years of six months. The operator earns 600 a month
    and spends 1 800 (a deficit of 1 200 a month, no opening cash); the collectivity votes a
    balancing subsidy on each year's forecast, paid in the year's first month."""
    data = _hand_case_data("2027-07")
    data["revenue_lines"] = [{"name": "Recettes", "annual_amount_eur": 7_200.0}]
    data["costs"]["fixed_lines"] = [{"name": "Charges", "annual_amount_eur": 21_600.0}]
    data["budget"] = {"balancing_subsidy_basis": "forecast"}
    return data


#: Case B: cash without the subsidy −1 200, −2 400, … −14 400. July–December 2027: its
#: lowest, −7 200 in December, calls for 7 200 paid in July; January–June 2028: the lowest,
#: −14 400 + 7 200 = −7 200 in June, calls for 7 200 more, paid in January (month 6).
HAND_B_BALANCING = _monthly({0: 7_200.0, 6: 7_200.0})
#: Cash after the subsidy: 7 200 − 1 200 = 6 000, 4 800, … 0 in December; again from
#: January: 6 000 … 0 in June.
HAND_B_CASH = [6_000.0, 4_800.0, 3_600.0, 2_400.0, 1_200.0, 0.0] * 2


def test_hand_case_balancing_subsidy_by_budget_year():
    results = tl.simulate(scenario_from_dict(_hand_case_b()), draws=2, seed=1)
    for cash in _both(results, "cash_eur"):
        np.testing.assert_allclose(cash, [-1_200.0 * (m + 1) for m in range(12)], rtol=1e-12)
    for balancing in _both(results, "balancing_subsidy_eur"):
        np.testing.assert_allclose(balancing, HAND_B_BALANCING, rtol=1e-12, atol=1e-9)
    for cash in _both(results, "cash_after_balancing_eur"):
        np.testing.assert_allclose(cash, HAND_B_CASH, rtol=1e-12, atol=1e-9)
    for net_cost in _both(results, "collectivity_net_cost_eur"):
        np.testing.assert_allclose(net_cost, HAND_B_BALANCING, rtol=1e-12, atol=1e-9)
    for name, expected in {"net_cost_2027_eur": 7_200.0, "net_cost_2028_eur": 7_200.0,
                           "net_cost_eur": 14_400.0, "net_cost_operating_eur": 14_400.0,
                           "net_cost_investment_eur": 0.0, "balancing_subsidy_eur": 14_400.0,
                           "net_cost_peak_year_eur": 7_200.0}.items():
        values = [results.central_indicators[name], *results.indicators[name]]
        np.testing.assert_allclose(values, expected, rtol=1e-12, atol=1e-9, err_msg=name)


def test_balancing_subsidy(run):
    """Voted on each budget year's forecast, paid in the year's first month: the least amount
    that keeps the operator's cash ≥ 0 through that year."""
    ds = run.dataset
    balancing = ds.balancing_subsidy_eur.values
    assert (balancing >= -ATOL_EUR).all()
    assert (ds.cash_after_balancing_eur.values >= -ATOL_EUR).all()
    years = ds.month.dt.year.values
    first_of_year = np.r_[True, years[1:] != years[:-1]]
    assert (balancing[:, ~first_of_year] == 0).all()
    after = ds.cash_after_balancing_eur.values
    for year in np.unique(years):
        in_year = years == year
        paid = balancing[:, in_year].sum(axis=1) > 0
        np.testing.assert_allclose(after[paid][:, in_year].min(axis=1), 0.0, atol=1e-5)
    total = run.indicators["balancing_subsidy_eur"].to_numpy()
    np.testing.assert_allclose(total, balancing.sum(axis=1), rtol=1e-12, atol=ATOL_EUR)
    yearly = run.indicators[[f"balancing_subsidy_year_{y}_eur"
                             for y in range(1, run.horizon_years + 1)]].to_numpy()
    np.testing.assert_allclose(yearly.sum(axis=1), total, rtol=1e-12, atol=ATOL_EUR)
    assert total.max() > 0  # the default needs public money in most draws: not vacuous


def test_use_within_capacity(run, request):
    ds = run.dataset
    for name in ("occupancy_rate", "flex_occupancy_rate"):
        assert (ds[name].values >= 0).all() and (ds[name].values <= 1 + 1e-12).all(), name
    for name in ("users", "served_user_days", "turned_away_user_days"):
        assert (ds[name].values >= -1e-12).all(), name
    assert (ds.users_by_segment.values >= 0).all()
    # Served flexible desk-days (= flex occupancy × desks × open days) stay within the
    # usable capacity desks × open days ÷ peak-to-mean ratio, draw by draw.
    peak = draw_input_values(plan_inputs(run.scenario), run.seed, 0, run.draws, "random")[
        "site.peak_to_mean_ratio"]
    assert (ds.flex_occupancy_rate.values <= 1.0 / peak[:, None] + 1e-12).all()


def test_capacity_binds_in_the_tight_scenario(rich_run):
    ds = rich_run.dataset
    assert ds.turned_away_user_days.values.max() > 0
    peak = draw_input_values(plan_inputs(rich_run.scenario), rich_run.seed, 0, rich_run.draws,
                             "random")["site.peak_to_mean_ratio"]
    at_capacity = np.isclose(ds.flex_occupancy_rate.values, 1.0 / peak[:, None], rtol=1e-9)
    assert at_capacity.any()


def test_prices_and_money_never_negative(run):
    values = draw_input_values(plan_inputs(run.scenario), run.seed, 0, run.draws, "random")
    prices = [path for path in values if path.startswith("prices.")]
    assert prices
    for path in prices:
        assert (values[path] >= 0).all(), path
    ds = run.dataset
    for name in ("revenue_by_line_eur", "operating_costs_by_line_eur", "subsidies_by_line_eur",
                 "donations_by_line_eur", "investment_eur", "interest_eur", "loan_repaid_eur"):
        assert (ds[name].values >= 0).all(), name


def test_subsidies_and_loan_balance_over_the_horizon(rich_run):
    """Every operating subsidy accrued is received within the horizon here, the loan is
    repaid in full, and each grant is paid once."""
    ds = rich_run.dataset
    np.testing.assert_allclose(ds.subsidies_eur.sum("month"),
                               ds.subsidies_received_eur.sum("month"), rtol=1e-12)
    np.testing.assert_allclose(ds.loan_repaid_eur.sum("month"),
                               ds.loan_disbursed_eur.sum("month"), rtol=1e-9)
    amount = draw_input_values(plan_inputs(rich_run.scenario), rich_run.seed, 0, rich_run.draws,
                               "random")["loan.amount_eur"]
    np.testing.assert_allclose(ds.loan_disbursed_eur.sum("month"), amount, rtol=1e-12)


def test_indicators_are_one_row_per_draw(default_run):
    assert len(default_run.indicators) == default_run.draws == 500
    assert default_run.dataset.sizes["draw"] == 500
    assert default_run.dataset.sizes["month"] == default_run.scenario.horizon_months


# --- 2. zero variance ----------------------------------------------------------------------

def test_zero_variance_scenario_draws_equal_the_central_case(default):
    flat = zero_variance(default)
    assert not plan_inputs(flat).leaves
    results = tl.simulate(flat, draws=50, seed=3, chunk_draws=20)
    for name, variable in results.dataset.data_vars.items():
        central = results.central[name].values
        np.testing.assert_array_equal(variable.values,
                                      np.broadcast_to(central, variable.shape), err_msg=name)
    for name, value in results.central_indicators.items():
        np.testing.assert_array_equal(results.indicators[name].to_numpy(),
                                      np.full(50, value), err_msg=name)


def test_central_case_is_the_median_scenario(default, default_run):
    """The central case of an uncertain scenario is the run of its medians."""
    flat = tl.simulate(zero_variance(default), draws=1, seed=0)
    for name in default_run.central.data_vars:
        np.testing.assert_allclose(default_run.central[name].values, flat.central[name].values,
                                   rtol=1e-12, atol=1e-9, err_msg=name)


# --- 3. analytic expectations --------------------------------------------------------------

@pytest.fixture(scope="module")
def analytic(default):
    """A uniform free-form revenue line, a triangular fixed cost and a PERT meeting-room
    demand that never reaches the rooms' capacity."""
    def edit(data):
        line = data["revenue_lines"][0]
        line["annual_amount_eur"] = {"dist": "uniform", "min": 1_000.0, "max": 7_000.0}
        line["yearly_growth_rate"] = 0.05
        data["costs"]["fixed_lines"][2]["annual_amount_eur"] = {
            "dist": "triangular", "min": 3_000.0, "mode": 4_500.0, "max": 7_500.0}
    scenario = edit_scenario(default, edit)
    results = tl.simulate(scenario, draws=4_000, seed=SEED, keep="full")
    return scenario, results


def _within_4_standard_errors(sample, expected):
    sample = np.asarray(sample)
    standard_error = sample.std(ddof=1) / np.sqrt(sample.size)
    assert standard_error > 0
    assert abs(sample.mean() - expected) < 4 * standard_error, (sample.mean(), expected)


def test_free_form_revenue_line_mean(analytic):
    scenario, results = analytic
    line = scenario.revenue_lines[0]
    revenue = results.dataset.revenue_by_line_eur.sel(revenue_line=line.name).values
    start = 12 * (line.start_year - 1)
    assert (revenue[:, :start] == 0).all()
    for month in (start, start + 30, 119):
        years_since_start = month // 12 - (line.start_year - 1)
        expected = 4_000.0 / 12 * 1.05 ** years_since_start
        _within_4_standard_errors(revenue[:, month], expected)


def test_free_form_revenue_line_follows_its_draws(analytic):
    """Exact, draw by draw: the line is the drawn annual amount ÷ 12 × growth."""
    scenario, results = analytic
    line = scenario.revenue_lines[0]
    drawn = draw_input_values(plan_inputs(scenario), results.seed, 0, results.draws, "random")[
        "revenue_lines[0].annual_amount_eur"]
    assert drawn.min() >= 1_000 and drawn.max() <= 7_000
    revenue = results.dataset.revenue_by_line_eur.sel(revenue_line=line.name).values
    np.testing.assert_allclose(revenue[:, 12 * 4], drawn / 12 * 1.05 ** 3, rtol=1e-12)


def test_fixed_cost_line_mean(analytic):
    scenario, results = analytic
    name = scenario.costs.fixed_lines[2].name
    cost = results.dataset.operating_costs_by_line_eur.sel(cost_line=name).values
    index = 1.0 + scenario.costs.yearly_indexation_rate
    for month in (0, 40, 119):
        _within_4_standard_errors(cost[:, month], 5_000.0 / 12 * index ** (month // 12))


def test_meeting_room_revenue_mean(analytic):
    scenario, results = analytic
    assert 50 < scenario.site.meeting_room_bookable_hours_per_day * \
        scenario.site.open_days_per_month  # the PERT's max never hits capacity
    hours = scenario.services.meeting_room_hours_per_month
    mean_hours = (hours.min + 4 * hours.mode + hours.max) / 6
    price = scenario.prices.meeting_room_eur_per_hour
    index = 1.0 + scenario.prices.yearly_indexation_rate
    revenue = results.dataset.revenue_by_line_eur.sel(revenue_line="meeting_rooms").values
    for month in (24, 60, 119):  # after the services' 18 months to maturity
        _within_4_standard_errors(revenue[:, month], mean_hours * price * index ** (month // 12))


# --- 4. seeds and chunks -------------------------------------------------------------------

SAMPLING_WARNS = {"random": False, "lhs": False, "sobol": True}


def _simulate(scenario, sampling, **kwargs):
    if SAMPLING_WARNS[sampling]:
        with pytest.warns(tl.TiersLieuxWarning):
            return tl.simulate(scenario, sampling=sampling, **kwargs)
    return tl.simulate(scenario, sampling=sampling, **kwargs)


@pytest.mark.parametrize("sampling", ["random", "lhs", "sobol"])
def test_same_seed_same_results_whatever_the_chunks(default, sampling):
    reference = _simulate(default, sampling, draws=3_000, seed=11, chunk_draws=3_000)
    assert reference.dataset.sizes["draw"] == 3_000
    for chunk in (1_000, 700, BLOCK_DRAWS):
        other = _simulate(default, sampling, draws=3_000, seed=11, chunk_draws=chunk)
        assert other.dataset.identical(reference.dataset), chunk
        assert other.indicators.equals(reference.indicators), chunk


@pytest.mark.parametrize("sampling", ["random", "lhs", "sobol"])
def test_different_seeds_differ(default, sampling):
    one = _simulate(default, sampling, draws=200, seed=1)
    two = _simulate(default, sampling, draws=200, seed=2)
    assert not np.allclose(one.dataset.cash_eur, two.dataset.cash_eur)
    assert not one.indicators.equals(two.indicators)


def test_prefix_of_a_longer_run_is_the_shorter_run(default):
    short = tl.simulate(default, draws=300, seed=4, sampling="lhs")
    long = tl.simulate(default, draws=1_500, seed=4, sampling="lhs", chunk_draws=400)
    assert long.dataset.isel(draw=slice(0, 300)).identical(short.dataset)


def test_seed_none_records_a_reproducing_seed(default):
    first = tl.simulate(default, draws=100, seed=None)
    assert isinstance(first.seed, int) and first.seed >= 0
    again = tl.simulate(default, draws=100, seed=first.seed)
    assert again.dataset.identical(first.dataset)
    other = tl.simulate(default, draws=100, seed=None)
    assert other.seed != first.seed


@pytest.mark.parametrize("make", [lambda: np.random.default_rng(5),
                                  lambda: np.random.SeedSequence(5)])
def test_generator_and_seed_sequence_seeds_are_recorded(default, make):
    results = tl.simulate(default, draws=50, seed=make())
    assert tl.simulate(default, draws=50, seed=make()).dataset.identical(results.dataset)
    assert tl.simulate(default, draws=50, seed=results.seed).dataset.identical(results.dataset)


# --- 5. common random numbers --------------------------------------------------------------

NEW_COST = {"name": "Nouvelle charge",
            "annual_amount_eur": {"dist": "pert", "min": 500.0, "mode": 1_000.0, "max": 2_500.0}}


@pytest.fixture(scope="module")
def with_new_cost(default):
    return edit_scenario(default, lambda data: data["costs"]["fixed_lines"].append(NEW_COST))


@pytest.mark.parametrize("sampling", ["random", "lhs"])
def test_new_input_leaves_other_draws_alone(default, with_new_cost, sampling):
    base, extended = plan_inputs(default), plan_inputs(with_new_cost)
    new_paths = set(extended.random_paths) - set(base.random_paths)
    assert new_paths == {f"costs.fixed_lines[{len(default.costs.fixed_lines)}].annual_amount_eur"}
    before = draw_input_values(base, 8, 0, 2_500, sampling)
    after = draw_input_values(extended, 8, 0, 2_500, sampling)
    assert set(before) <= set(after)
    for path, values in before.items():
        np.testing.assert_array_equal(after[path], values, err_msg=path)


def test_inserting_a_line_first_leaves_the_other_lines_draws_alone(default):
    """Streams are keyed by item name, not position: a line inserted at the top of a list
    renumbers the paths of the others but not their draws."""
    inserted = edit_scenario(default, lambda data: data["costs"]["fixed_lines"].insert(0, NEW_COST))
    before = draw_input_values(plan_inputs(default), 8, 0, 2_000, "random")
    after = draw_input_values(plan_inputs(inserted), 8, 0, 2_000, "random")
    for index, line in enumerate(default.costs.fixed_lines):
        path = f"costs.fixed_lines[{index}].annual_amount_eur"
        if path in before:
            shifted = f"costs.fixed_lines[{index + 1}].annual_amount_eur"
            np.testing.assert_array_equal(after[shifted], before[path], err_msg=line.name)
    base = tl.simulate(default, draws=300, seed=8).dataset
    moved = tl.simulate(inserted, draws=300, seed=8).dataset
    common = base.cost_line.values
    assert moved.operating_costs_by_line_eur.sel(cost_line=common).identical(
        base.operating_costs_by_line_eur)


def test_reordering_grants_keeps_each_award_draw(default):
    swapped = edit_scenario(default, lambda data: data["investment"]["grants"].reverse())
    before = draw_input_values(plan_inputs(default), 8, 0, 1_000, "random")
    after = draw_input_values(plan_inputs(swapped), 8, 0, 1_000, "random")
    count = len(default.investment.grants)
    for index in range(count):
        np.testing.assert_array_equal(after[f"investment.grants[{count - 1 - index}].award"],
                                      before[f"investment.grants[{index}].award"])


def test_new_cost_line_changes_only_costs(default, with_new_cost):
    base = tl.simulate(default, draws=400, seed=8).dataset
    extended = tl.simulate(with_new_cost, draws=400, seed=8).dataset
    for name in ("revenue_by_line_eur", "own_revenue_eur", "users", "subsidies_eur",
                 "investment_eur", "investment_grants_eur"):
        assert extended[name].identical(base[name]), name
    common = base.cost_line.values
    assert extended.operating_costs_by_line_eur.sel(cost_line=common).identical(
        base.operating_costs_by_line_eur)
    added = extended.operating_costs_by_line_eur.sel(cost_line=NEW_COST["name"])
    assert (added > 0).all()
    np.testing.assert_allclose(extended.operating_costs_eur - added, base.operating_costs_eur,
                               rtol=1e-12)


def test_price_change_shifts_only_what_depends_on_it(default):
    higher = default.model_copy(update={"prices": default.prices.model_copy(
        update={"meeting_room_eur_per_hour": 20.0})})
    assert default.prices.meeting_room_eur_per_hour == 15
    base = tl.simulate(default, draws=300, seed=9).dataset
    moved = tl.simulate(higher, draws=300, seed=9).dataset
    np.testing.assert_allclose(moved.revenue_by_line_eur.sel(revenue_line="meeting_rooms"),
                               base.revenue_by_line_eur.sel(revenue_line="meeting_rooms") * 20 / 15,
                               rtol=1e-12)
    others = [line for line in base.revenue_line.values if line != "meeting_rooms"]
    assert moved.revenue_by_line_eur.sel(revenue_line=others).identical(
        base.revenue_by_line_eur.sel(revenue_line=others))
    for name in ("operating_costs_eur", "users", "served_user_days", "subsidies_eur"):
        assert moved[name].identical(base[name]), name
    assert (moved.own_revenue_eur >= base.own_revenue_eur).all()


def test_changed_distribution_reuses_its_uniforms(default):
    """Redefining one input's distribution keeps its uniforms and every other input's draws."""
    def edit(data):
        data["prices"]["day_pass_eur"] = {"dist": "triangular", "min": 8.0, "mode": 14.0,
                                          "max": 22.0}
    changed = edit_scenario(default, edit)
    before = draw_input_values(plan_inputs(default), 12, 0, 2_000, "random")
    after = draw_input_values(plan_inputs(changed), 12, 0, 2_000, "random")
    path = "prices.day_pass_eur"
    for other in before:
        if other != path:
            np.testing.assert_array_equal(after[other], before[other], err_msg=other)
    old, new = get_path(default, path), get_path(changed, path)
    np.testing.assert_allclose(new.frozen().cdf(after[path]), old.frozen().cdf(before[path]),
                               atol=1e-9)
    # … so that the services revenue, which does not depend on it, is unchanged.
    base = tl.simulate(default, draws=200, seed=12).dataset
    moved = tl.simulate(changed, draws=200, seed=12).dataset
    services = ["meeting_rooms", "domiciliation", "event_hire"]
    assert moved.revenue_by_line_eur.sel(revenue_line=services).identical(
        base.revenue_by_line_eur.sel(revenue_line=services))
    assert not moved.revenue_by_line_eur.sel(revenue_line="day_pass").identical(
        base.revenue_by_line_eur.sel(revenue_line="day_pass"))


# --- 7. sobol ------------------------------------------------------------------------------

def test_sobol_runs_warns_and_is_finite(default):
    with pytest.warns(tl.TiersLieuxWarning) as record:
        results = tl.simulate(default, draws=700, seed=13, sampling="sobol", chunk_draws=256)
    assert len(record) == 1
    assert [notice.code for notice in results.notices] == ["sobol_not_keyed"]
    for name, variable in results.dataset.data_vars.items():
        assert np.isfinite(variable.values).all(), name
    finite = results.indicators.drop(columns=["autonomy_month", "full_cost_autonomy_month"])
    assert np.isfinite(finite.to_numpy()).all()
    assert results.sampling == "sobol"


def test_random_and_lhs_emit_no_notice(default_run):
    assert default_run.notices == []


# --- 8. correlations -----------------------------------------------------------------------

CORRELATED = ("demand.segments[0].adoption_rate", "demand.segments[1].adoption_rate")


@pytest.mark.parametrize("sampling", ["random", "lhs"])
def test_declared_rank_correlation_is_reproduced(default, sampling):
    assert {(c.a, c.b) for c in default.correlations} == {CORRELATED}

    def edit(data):
        data["correlations"].append({"a": "prices.day_pass_eur",
                                     "b": "demand.segments[2].adoption_rate",
                                     "rank_correlation": -0.6})
    scenario = edit_scenario(default, edit)
    values = draw_input_values(plan_inputs(scenario), 21, 0, 20_000, sampling)
    rho = stats.spearmanr(values[CORRELATED[0]], values[CORRELATED[1]]).statistic
    assert abs(rho - 0.5) < 0.03
    rho = stats.spearmanr(values["prices.day_pass_eur"],
                          values["demand.segments[2].adoption_rate"]).statistic
    assert abs(rho + 0.6) < 0.03
    # Inputs outside the declared pairs stay independent.
    rho = stats.spearmanr(values[CORRELATED[0]], values["prices.day_pass_eur"]).statistic
    assert abs(rho) < 0.03
    rho = stats.spearmanr(values["costs.rent_eur_per_m2_per_year"],
                          values[CORRELATED[1]]).statistic
    assert abs(rho) < 0.03


def test_correlation_keeps_the_marginals(default):
    """The copula reorders draws: each correlated input keeps its distribution."""
    values = draw_input_values(plan_inputs(default), 22, 0, 20_000, "random")
    for path in CORRELATED:
        distribution = get_path(default, path)
        assert stats.kstest(values[path], distribution.frozen().cdf).pvalue > 1e-3, path


def test_invalid_correlation_matrix_is_repaired(default):
    a, b, c = CORRELATED[0], CORRELATED[1], "demand.segments[2].adoption_rate"

    def edit(data):
        data["correlations"] = [{"a": a, "b": b, "rank_correlation": 0.9},
                                {"a": a, "b": c, "rank_correlation": 0.9},
                                {"a": b, "b": c, "rank_correlation": -0.9}]
    scenario = edit_scenario(default, edit)
    with pytest.warns(tl.TiersLieuxWarning):
        plan = plan_inputs(scenario)
    assert [notice.code for notice in plan.notices] == ["correlation_repaired"]
    matrix = plan.normal_correlation
    assert np.allclose(matrix, matrix.T) and np.allclose(np.diag(matrix), 1.0)
    assert np.linalg.eigvalsh(matrix).min() > -1e-12
    np.linalg.cholesky(matrix)
    declared = 2 * np.sin(np.pi / 6 * np.array([[1, .9, .9], [.9, 1, -.9], [.9, -.9, 1]]))
    # No farther from the declared matrix than the valid matrix got by shrinking to identity.
    smallest = np.linalg.eigvalsh(declared).min()
    shrink = -smallest / (1 - smallest)
    shrunk = (1 - shrink) * declared + shrink * np.eye(3)
    assert np.linalg.norm(matrix - declared) <= np.linalg.norm(shrunk - declared) + 1e-6
    # Signs are kept and the run goes through, with the notice recorded.
    assert np.array_equal(np.sign(matrix), np.sign(declared))
    with pytest.warns(tl.TiersLieuxWarning):
        results = tl.simulate(scenario, draws=100, seed=1, keep="summary")
    assert [notice.code for notice in results.notices] == ["correlation_repaired"]
    values = draw_input_values(plan, 23, 0, 20_000, "random")
    implied = 6 / np.pi * np.arcsin(matrix / 2)
    rho = stats.spearmanr(np.column_stack([values[p] for p in plan.correlated_paths])).statistic
    np.testing.assert_allclose(rho, implied, atol=0.03)


def test_correlated_draws_do_not_depend_on_chunks(default):
    """Single-draw and small chunks give the same correlated values as one big chunk."""
    def edit(data):
        data["correlations"] += [
            {"a": CORRELATED[0], "b": "demand.segments[2].adoption_rate", "rank_correlation": 0.3},
            {"a": "prices.day_pass_eur", "b": "demand.segments[2].adoption_rate",
             "rank_correlation": -0.4},
            {"a": "prices.day_pass_eur", "b": "costs.rent_eur_per_m2_per_year",
             "rank_correlation": 0.2},
            {"a": "site.peak_to_mean_ratio", "b": "costs.energy_eur_per_m2_per_year",
             "rank_correlation": 0.4},
            {"a": "staff[0].fte", "b": "services.meeting_room_hours_per_month",
             "rank_correlation": 0.25},
        ]
    plan = plan_inputs(edit_scenario(default, edit))
    assert len(plan.correlated_paths) == 9
    whole = draw_input_values(plan, 5, 0, 1_200, "random")
    for start, stop in [(0, 1), (1, 2), (1_023, 1_024), (1_024, 1_027), (7, 12), (300, 1_200)]:
        part = draw_input_values(plan, 5, start, stop, "random")
        for path in plan.correlated_paths:
            np.testing.assert_array_equal(part[path], whole[path][start:stop], err_msg=path)


# --- 11. arguments -------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {"draws": 0}, {"draws": -5}, {"draws": 2.5}, {"draws": True},
    {"sampling": "foo"}, {"sampling": "LHS"},
    {"keep": "x"}, {"keep": None},
    {"seed": -1}, {"seed": 1.5}, {"seed": "1"},
    {"chunk_draws": 0},
])
def test_bad_arguments_are_rejected(default, kwargs):
    arguments = {"draws": 10, "seed": 1} | kwargs
    with pytest.raises(ValueError):
        tl.simulate(default, **arguments)


# --- non-finite outputs ------------------------------------------------------------------

def test_a_run_whose_outputs_are_not_finite_is_an_error(default, monkeypatch):
    """The engine checks every chunk: an infinity in a monthly variable (here injected into
    the operator's net result of one month, after the model ran) or a NaN in an indicator
    raises ResultsNotFinite naming it, instead of returning results."""
    import importlib

    from tierslieux_sim.engine.finite import ResultsNotFinite

    engine = importlib.import_module("tierslieux_sim.engine.evaluate")

    real_model, real_indicators = engine.run_model, engine.operator_indicators

    def infinite_result(*arguments, **keywords):
        accounts = real_model(*arguments, **keywords)
        result = np.array(np.broadcast_to(accounts.net_result_eur, accounts.cash_eur.shape))
        result[0, 5] = np.inf
        accounts.net_result_eur = result
        return accounts

    monkeypatch.setattr(engine, "run_model", infinite_result)
    with pytest.raises(ResultsNotFinite) as caught:
        tl.simulate(default, draws=50, seed=1)
    assert caught.value.variables == ["net_result_eur"]
    monkeypatch.setattr(engine, "run_model", real_model)

    def nan_indicator(*arguments, **keywords):
        indicators = real_indicators(*arguments, **keywords)
        indicators["operator_cash_at_horizon_eur"] = np.full_like(
            indicators["operator_cash_at_horizon_eur"], np.nan)
        return indicators

    monkeypatch.setattr(engine, "operator_indicators", nan_indicator)
    with pytest.raises(ResultsNotFinite) as caught:
        tl.simulate(default, draws=50, seed=1)
    assert "operator_cash_at_horizon_eur" in caught.value.variables
