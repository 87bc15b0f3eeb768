"""The financing plan: grant payment schedules and the cash gap they make, VAT (HT or TTC,
recoverable or not), the FCTVA and its regimes, below-market rent, the financing plan table,
the version-1 → 2 migration, and the figures of the dashboard page."""

from __future__ import annotations

import numpy as np
import pytest

import tierslieux_sim as tl
from conftest import SEED, edit_scenario, zero_variance
from tierslieux_sim.model import financing
from tierslieux_sim.scenario.files import parse_scenario_text, scenario_to_toml
from tierslieux_sim.scenario.schema import SCHEMA_VERSION
from tierslieux_sim.views.financing_plan import financing_plan
from tierslieux_sim.views.public_money import public_money_table

VAT, FCTVA = 0.20, 0.16404  # CGI art. 278; CGCT art. L1615-6 (reference data)


# --- small functions -------------------------------------------------------------------------------

def test_grant_payments_split_advance_and_balance():
    amount = np.array([[10_000.0], [20_000.0]])
    paid = financing.grant_payments_eur(amount, 0.3, 1, 10, 24)
    assert paid.shape == (2, 24)
    np.testing.assert_allclose(paid[:, 1], [3_000.0, 6_000.0])
    np.testing.assert_allclose(paid[:, 10], [7_000.0, 14_000.0])
    np.testing.assert_allclose(paid.sum(axis=1), [10_000.0, 20_000.0])
    assert np.count_nonzero(paid[0]) == 2
    # without an advance, one payment; a payment beyond the horizon is not received
    np.testing.assert_array_equal(financing.grant_payments_eur(5_000.0, 0.0, 0, 3, 6),
                                  [[0, 0, 0, 5_000.0, 0, 0]])
    assert financing.grant_payments_eur(5_000.0, 0.5, 2, 30, 12).sum() == 2_500.0


@pytest.mark.parametrize(("include_vat", "recoverable", "borne", "excluding"), [
    (False, True, 1.0, 1.0),                    # HT, VAT recovered: neutral (old behaviour)
    (False, False, 1.0 + VAT, 1.0),             # HT, VAT is a cost
    (True, True, 1.0 / (1.0 + VAT), 1.0 / (1.0 + VAT)),
    (True, False, 1.0, 1.0 / (1.0 + VAT)),      # TTC, VAT is a cost
])
def test_vat_factors(include_vat, recoverable, borne, excluding):
    assert financing.borne_cost_factor(include_vat, recoverable, VAT) == pytest.approx(borne)
    assert financing.excluding_vat_factor(include_vat, VAT) == pytest.approx(excluding)


def test_fctva_is_a_delayed_share_of_the_expense():
    paid = np.zeros((1, 36))
    paid[0, 2], paid[0, 20] = 12_000.0, 6_000.0
    refund = financing.fctva_refund_eur(paid, FCTVA, financing.fctva_delay_months(1, 3))
    assert financing.fctva_delay_months(2, 6) == 30
    np.testing.assert_allclose(refund[0, [17, 35]], [FCTVA * 12_000.0, FCTVA * 6_000.0])
    assert np.count_nonzero(refund) == 2
    late = financing.fctva_refund_eur(paid, FCTVA, 16)  # the second refund beyond the horizon
    assert np.count_nonzero(late) == 1
    np.testing.assert_array_equal(financing.delayed_eur(paid, 0), paid)


# --- grant timing changes the cash curve as expected ----------------------------------------------

def _flat(default, **grant_fields):
    """The default scenario at its medians, every award certain, the DETR with ``fields``."""
    def edit(data):
        for grant in data["investment"]["grants"]:
            grant["award_probability"] = 1.0
        data["investment"]["grants"][0].update(grant_fields)
    return zero_variance(edit_scenario(default, edit))


@pytest.fixture(scope="module")
def timing_runs(default):
    runs = {name: tl.simulate(_flat(default, **fields), draws=2, seed=SEED)
            for name, fields in {
                "early": {"payment_delay_months": 4, "advance_share": 0.0},
                "late": {"payment_delay_months": 16, "advance_share": 0.0},
                "advance": {"payment_delay_months": 16, "advance_share": 0.3,
                            "advance_delay_months": 1}}.items()}
    return runs


def _collectivity_cumulative_cost(central) -> np.ndarray:
    return np.cumsum(central.collectivity_net_cost_eur.to_numpy())


def test_a_later_grant_leaves_a_deeper_cash_gap_for_exactly_its_delay(timing_runs):
    """The collectivity owns the works: it bridges the grant, for exactly the delay, and the
    operator's cash and balancing subsidy do not change (bridging is not public money)."""
    early, late = (timing_runs[name].central for name in ("early", "late"))
    amount = early.investment_grants_by_line_eur.sel(grant="DETR").sum().item()
    assert amount > 0
    difference = _collectivity_cumulative_cost(late) - _collectivity_cumulative_cost(early)
    np.testing.assert_allclose(difference[:4], 0.0, atol=1e-6)
    np.testing.assert_allclose(difference[4:16], amount, rtol=1e-12)   # cash advanced
    np.testing.assert_allclose(difference[16:], 0.0, atol=1e-6)        # then caught up
    np.testing.assert_allclose(late.cash_after_balancing_eur, early.cash_after_balancing_eur)
    np.testing.assert_allclose(late.balancing_subsidy_eur, early.balancing_subsidy_eur)
    assert (timing_runs["late"].central_indicators["public_money_eur"]
            == pytest.approx(timing_runs["early"].central_indicators["public_money_eur"]))


def test_an_advance_narrows_the_gap_by_its_share(timing_runs):
    late, advance = timing_runs["late"].central, timing_runs["advance"].central
    amount = late.investment_grants_by_line_eur.sel(grant="DETR").sum().item()
    difference = _collectivity_cumulative_cost(late) - _collectivity_cumulative_cost(advance)
    np.testing.assert_allclose(difference[0], 0.0, atol=1e-6)
    np.testing.assert_allclose(difference[1:16], 0.3 * amount, rtol=1e-12)
    np.testing.assert_allclose(difference[16:], 0.0, atol=1e-6)
    grants = advance.investment_grants_by_line_eur.sel(grant="DETR").to_numpy()
    assert grants[1] == pytest.approx(0.3 * amount) and grants[16] == pytest.approx(0.7 * amount)


def test_grant_lines_add_up_to_the_grants(default_run):
    lines = default_run.dataset.investment_grants_by_line_eur.sum("grant")
    np.testing.assert_allclose(lines, default_run.dataset.investment_grants_eur, rtol=1e-12)
    assert list(default_run.dataset.grant.values) == [g.name for g in
                                                       default_run.scenario.investment.grants]


# --- VAT and FCTVA ------------------------------------------------------------------------------------

def _with_structure(scenario, **structure):
    def edit(data):
        data["structure"].update(structure)
    return edit_scenario(scenario, edit)


@pytest.fixture(scope="module")
def flat_default(default):
    return _flat(default)


def test_vat_not_recovered_is_a_cost_partly_refunded_by_the_fctva(flat_default):
    base = tl.simulate(flat_default, draws=2, seed=SEED).central
    scenario = _with_structure(flat_default, owner_type="local_authority",
                               vat_recoverable=False, fctva_regime="n_plus_1",
                               fctva_processing_delay_months=2)
    taxed = tl.simulate(scenario, draws=2, seed=SEED).central
    np.testing.assert_allclose(taxed.investment_eur, base.investment_eur * (1 + VAT), rtol=1e-12)
    np.testing.assert_allclose(taxed.depreciation_eur, base.depreciation_eur * (1 + VAT),
                               rtol=1e-12)
    # grants given as a rate still apply to the amount excluding VAT
    np.testing.assert_allclose(taxed.investment_grants_eur, base.investment_grants_eur)
    expected = FCTVA * (1 + VAT) * base.investment_eur.to_numpy()
    fctva = taxed.fctva_eur.to_numpy()
    np.testing.assert_allclose(fctva[14:], expected[:-14], rtol=1e-12)  # N+1: 12 + 2 months
    np.testing.assert_array_equal(fctva[:14], 0.0)
    # the owner's cash: VAT paid at purchase, the FCTVA received 14 months later (net cost
    # ≈ 0.32 % HT); the operator's cash does not change
    paid_vat = VAT * base.investment_eur.to_numpy()
    cost_change = (taxed.collectivity_net_cost_eur - base.collectivity_net_cost_eur).to_numpy()
    np.testing.assert_allclose(cost_change, paid_vat - fctva, atol=1e-6)
    np.testing.assert_allclose(taxed.cash_flow_eur, base.cash_flow_eur, atol=1e-6)
    assert base.fctva_eur.sum().item() == 0.0


@pytest.mark.parametrize(("regime", "delay"), [("n", 0), ("n_plus_1", 12), ("n_plus_2", 24)])
def test_fctva_regimes_set_the_lag(flat_default, regime, delay):
    scenario = _with_structure(flat_default, vat_recoverable=False, fctva_regime=regime,
                               fctva_processing_delay_months=0)
    central = tl.simulate(scenario, draws=1, seed=SEED).central
    first_refund = int(np.flatnonzero(central.fctva_eur.to_numpy())[0])
    first_purchase = int(np.flatnonzero(central.investment_eur.to_numpy())[0])
    assert first_refund - first_purchase == delay


@pytest.mark.parametrize("structure", [
    {"vat_recoverable": True},                                      # VAT recovered: no FCTVA
    {"vat_recoverable": False, "fctva_regime": "not_eligible"},     # CGCT L1615-7
    {"vat_recoverable": False, "owner_type": "association"},        # not a local authority
])
def test_no_fctva_where_it_does_not_apply(flat_default, structure):
    central = tl.simulate(_with_structure(flat_default, **structure), draws=1, seed=SEED).central
    assert central.fctva_eur.sum().item() == 0.0


def test_amounts_entered_with_vat(flat_default):
    base = tl.simulate(flat_default, draws=1, seed=SEED).central
    ttc = _with_structure(flat_default, investment_amounts_include_vat=True, vat_recoverable=True)
    central = tl.simulate(ttc, draws=1, seed=SEED).central
    np.testing.assert_allclose(central.investment_eur, base.investment_eur / (1 + VAT),
                               rtol=1e-12)
    detr = central.investment_grants_by_line_eur.sel(grant="DETR").sum().item()
    assert detr == pytest.approx(base.investment_grants_by_line_eur.sel(grant="DETR").sum().item()
                                 / (1 + VAT))


def test_below_market_rent_moves_the_discount_to_in_kind(flat_default):
    base = tl.simulate(flat_default, draws=1, seed=SEED).central

    def edit(data):
        data["costs"]["rent_discount_rate"] = 0.4
    central = tl.simulate(edit_scenario(flat_default, edit), draws=1, seed=SEED).central
    rent = base.operating_costs_by_line_eur.sel(cost_line="rent")
    np.testing.assert_allclose(central.operating_costs_by_line_eur.sel(cost_line="rent"),
                               0.6 * rent, rtol=1e-12)
    np.testing.assert_allclose(central.in_kind_rent_eur, 0.4 * rent, rtol=1e-12)
    assert base.in_kind_rent_eur.sum().item() == 0.0


# --- the financing plan table -----------------------------------------------------------------------

def test_financing_plan_adds_up_to_the_cost(default_run):
    plan = financing_plan(default_run)
    cost = plan.attrs["cost_eur"]
    assert list(plan.index) == ["DETR", "Région (aide à l'amorçage)", "self_financing"]
    assert plan["amount_eur"].sum() == pytest.approx(cost)
    assert plan["expected_eur"].sum() == pytest.approx(cost)
    assert plan["share_of_cost"].sum() == pytest.approx(1.0)
    detr = plan.loc["DETR"]
    assert detr.funder == "state" and detr.programme == "detr"
    assert detr.amount_eur == pytest.approx(0.3 * plan.attrs["cost_excluding_vat_eur"])
    assert detr.expected_eur == pytest.approx(0.8 * detr.amount_eur)
    assert detr.advance_share == 0.3 and detr.payment_delay_months == 10
    assert plan.loc["Région (aide à l'amorçage)"].amount_eur == 15_000


def test_financing_plan_lists_fctva_and_loan(default):
    def edit(data):
        data["structure"].update(vat_recoverable=False, fctva_regime="n")
        data["loan"]["amount_eur"] = 20_000.0
    results = tl.simulate(edit_scenario(default, edit), draws=20, seed=SEED)
    plan = financing_plan(results)
    assert {"fctva", "loan", "self_financing"} <= set(plan.index)
    assert plan.attrs["vat_borne_eur"] == pytest.approx(VAT * plan.attrs["cost_excluding_vat_eur"])
    assert plan.loc["fctva"].amount_eur == pytest.approx(FCTVA * plan.attrs["cost_eur"])
    assert plan.loc["loan"].amount_eur == 20_000
    assert plan["amount_eur"].sum() == pytest.approx(plan.attrs["cost_eur"])


# --- schema: neutral defaults, version 1 files migrated ---------------------------------------------

V1_GRANTS = """\
[[investment.grants]]
name = "Aide régionale"
programme = "Région"
amount_eur = 10000

[[investment.grants]]
name = "CAF"
programme = "Caisse d'allocations familiales"
amount_eur = 2000

[[operating_subsidies]]
name = "Fabrique"
programme = "Fabrique de Territoire"
amount_eur_per_year = 50000
"""


def _v1_text(default) -> str:
    text = scenario_to_toml(default).replace(f"schema_version = {SCHEMA_VERSION}",
                                             "schema_version = 1")
    # a version-1 file knows nothing of the new sections and fields
    data_lines = []
    skip = False
    for line in text.splitlines():
        if line.startswith("["):
            skip = line.strip() in ("[structure]", "[public_support]", "[budget]") or line.startswith(
                ("[[investment.grants]]", "[[operating_subsidies]]"))
        if not skip:
            data_lines.append(line)
    return "\n".join(data_lines) + "\n" + V1_GRANTS


def test_version_1_files_are_migrated(default):
    with pytest.warns(tl.TiersLieuxWarning, match="converti au format 3"):
        scenario = parse_scenario_text(_v1_text(default), "v1.toml")
    assert scenario.schema_version == SCHEMA_VERSION == 3
    assert [g.programme for g in scenario.investment.grants] == ["region", "other"]
    assert scenario.operating_subsidies[0].programme == "fabrique_de_territoire"
    assert scenario.structure == type(scenario.structure)()      # neutral defaults
    assert scenario.public_support == type(scenario.public_support)()
    assert "schema_version = 3" in scenario_to_toml(scenario)


def test_unknown_programme_is_an_error_in_version_2(default):
    text = scenario_to_toml(default).replace('programme = "detr"', 'programme = "caf"')
    with pytest.raises(tl.ScenarioError) as caught:
        parse_scenario_text(text, "v2.toml")
    assert caught.value.problems[0].path == "investment.grants[0].programme"


def test_balancing_split_must_sum_to_one(default):
    def edit(data):
        data["public_support"]["balancing_subsidy_split"] = [
            {"funder": "epci_commune", "share": 0.6}, {"funder": "departement", "share": 0.3}]
    with pytest.raises(tl.ScenarioError) as caught:
        edit_scenario(default, edit)
    assert caught.value.problems[0].code == "tl_shares_sum"


# --- figures of the dashboard page -----------------------------------------------------------------

plotly = pytest.importorskip("plotly")


def test_grants_timeline_chart_and_reading(default_run):
    from tierslieux_sim.views import plots_financing

    timeline = plots_financing.grants_timeline(default_run)
    assert 12 <= timeline.months <= default_run.scenario.horizon_months
    assert timeline.grant_names == ["DETR", "Région (aide à l'amorçage)"]
    np.testing.assert_allclose(
        timeline.cumulative_balance_eur,
        np.cumsum(timeline.received_eur - timeline.investment_eur))
    figure = plots_financing.grants_timeline_chart(default_run)
    metas = [trace.meta for trace in figure.data]
    assert metas == ["investment", "DETR", "Région (aide à l'amorçage)", "cumulative_balance"]
    assert len(figure.data[0].x) == timeline.months
    assert (np.asarray(figure.data[0].y) <= 0).all()   # investment below zero
    reading = plots_financing.reading_grants_timeline(default_run)
    assert reading.startswith("En moyenne, il faut avancer jusqu'à ")
    english = plots_financing.reading_grants_timeline(default_run, language="en")
    assert english.startswith("On average, up to ")


def test_public_money_by_funder_chart_and_reading(default_run):
    from tierslieux_sim.views import plots_financing

    figure = plots_financing.public_money_by_funder_chart(default_run)
    table = public_money_table(default_run)
    total = sum(np.asarray(trace.x).sum() for trace in figure.data)
    assert total == pytest.approx(table.loc["total", "total"])
    assert list(figure.data[0].y) == ["État", "Région", "EPCI / commune"]
    reading = plots_financing.reading_public_money_by_funder(default_run)
    assert "EPCI / commune" in reading and reading.startswith("En moyenne, ")


def test_financing_figures_work_in_summary_mode(default):
    from tierslieux_sim.views import plots_financing

    results = tl.simulate(default, draws=200, seed=SEED, keep="summary")
    assert plots_financing.grants_timeline_chart(results).data
    assert plots_financing.public_money_by_funder_chart(results).data
