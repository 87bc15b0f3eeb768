"""Public money by funder level and kind: identities (by funder and by kind sum to the
total, which is the sum of the accounts' public flows), who pays what (programmes, funder
overrides, balancing split, in-kind support), volunteering apart, ratios per user, desk-day,
job and inhabitant, neutral defaults, the command line and the dashboard page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tierslieux_sim as tl
from conftest import SEED, edit_scenario
from tierslieux_sim.core.formatting import format_eur
from tierslieux_sim.faces.cli.main import main
from tierslieux_sim.faces.cli.run import kpi_report
from tierslieux_sim.faces.result_files import write_results
from tierslieux_sim.model.public_money import FUNDERS, KINDS, PROGRAMME_FUNDER
from tierslieux_sim.views.budget import collectivity_budget_lines
from tierslieux_sim.views.public_money import (
    public_money_by_funder,
    public_money_by_kind,
    public_money_eur,
    public_money_ratios,
    public_money_sources,
    public_money_summary,
    public_money_table,
)

DRAWS = 400


def _every_source(data):
    """Every kind of public money and every way of naming its funder."""
    data["structure"].update(owner_type="local_authority", operator_type="association",
                             lead_authority_level="epci_commune", vat_recoverable=False,
                             fctva_regime="n_plus_1")
    data["investment"]["grants"].append(
        {"name": "LEADER", "programme": "leader", "amount_eur": 8_000.0,
         "award_probability": 0.5, "payment_delay_months": 20})
    data["investment"]["grants"].append(
        {"name": "Banque des Territoires", "programme": "other", "funder": "state",
         "amount_eur": 5_000.0, "payment_delay_months": 12})
    data["costs"]["rent_discount_rate"] = 0.5
    data["staff"].append({"role": "Médiation", "fte": 0.5, "loaded_annual_cost_eur": 30_000.0,
                          "start_month": 1, "aided_contract_support_rate": 0.5,
                          "aided_contract_months": 24})
    data["public_support"].update(
        population_inhabitants=12_000, initial_cash_public_share=0.6,
        premises_lent_by="departement",
        balancing_subsidy_split=[{"funder": "epci_commune", "share": 0.7},
                                 {"funder": "departement", "share": 0.3}],
        in_kind=[{"name": "Agent d'accueil", "kind": "staff", "annual_value_eur": 6_000.0,
                  "end_year": 3},
                 {"name": "Matériel régional", "kind": "equipment", "funder": "region",
                  "annual_value_eur": {"dist": "pert", "min": 500.0, "mode": 1_000.0,
                                       "max": 2_000.0}},
                 {"name": "Bénévoles", "kind": "volunteer_time", "annual_value_eur": 3_000.0}])


@pytest.fixture(scope="module")
def every_source(default):
    return edit_scenario(default, _every_source)


@pytest.fixture(scope="module")
def every_run(every_source):
    return tl.simulate(every_source, draws=DRAWS, seed=SEED, chunk_draws=150)


def test_every_kind_and_funder_is_present(every_run):
    sources = public_money_sources(every_run)
    # cash advances need an operator that owns the investment (tests/test_parties.py)
    assert set(sources.columns.get_level_values("kind")) == set(KINDS) - {"cash_advances"}
    assert set(sources.columns.get_level_values("funder")) == {
        "eu", "state", "region", "departement", "epci_commune"}


def test_by_funder_and_by_kind_sum_to_the_total(every_run):
    total = public_money_eur(every_run)
    np.testing.assert_allclose(public_money_by_funder(every_run).sum(axis=1), total, rtol=1e-12)
    np.testing.assert_allclose(public_money_by_kind(every_run).sum(axis=1), total, rtol=1e-12)
    np.testing.assert_allclose(public_money_sources(every_run).sum(axis=1), total, rtol=1e-12)
    table = public_money_table(every_run)
    assert table.loc["total", "total"] == pytest.approx(total.mean())
    np.testing.assert_allclose(table.drop(index="total")["total"],
                               public_money_by_funder(every_run).mean()[
                                   [f for f in FUNDERS if f in table.index]])


def test_total_is_the_sum_of_the_public_flows_of_the_accounts(every_run):
    """Computed apart from the monthly flows of the dataset, in cash: what third-party funders
    pay (grants, subsidies and aided contracts received, FCTVA) plus what the collectivity
    pays net (the works it owns, less the grants, FCTVA and loan it receives; the subsidies,
    balancing subsidy and initial contribution it pays; less the rent it receives), plus
    in-kind support valued. Grants appear once: received by the owner, not bridged twice."""
    ds = every_run.dataset
    rent_received = ds.operating_costs_by_line_eur.sel(cost_line="rent")
    flows = (ds.subsidies_received_eur + ds.balancing_subsidy_eur + ds.in_kind_rent_eur
             + ds.in_kind_support_eur + ds.investment_eur - ds.loan_disbursed_eur
             + ds.loan_repaid_eur + ds.interest_eur - rent_received).sum("month")
    initial = (every_run.scenario.simulation.initial_cash_eur
               * every_run.scenario.public_support.initial_cash_public_share)
    np.testing.assert_allclose(public_money_eur(every_run), flows + initial, rtol=1e-12)
    np.testing.assert_allclose(ds.public_money_eur.sum("month"), flows + initial, rtol=1e-12)


def test_who_pays_what(every_run):
    sources, ds = public_money_sources(every_run), every_run.dataset
    grants = ds.investment_grants_by_line_eur.sum("month")
    # programmes: DETR is State money, LEADER is EU money; "other" with a funder given
    np.testing.assert_allclose(sources["investment_grants", "eu"], grants.sel(grant="LEADER"))
    np.testing.assert_allclose(sources["investment_grants", "state"],
                               grants.sel(grant="DETR") + grants.sel(grant="Banque des Territoires"))
    # the balancing subsidy split 70 / 30
    balancing = ds.balancing_subsidy_eur.sum("month")
    np.testing.assert_allclose(sources["balancing_subsidy", "epci_commune"], 0.7 * balancing)
    np.testing.assert_allclose(sources["balancing_subsidy", "departement"], 0.3 * balancing)
    # aided contracts are State money, next to the Fabrique de Territoire
    subsidies = ds.subsidies_by_line_eur.sum("month")
    np.testing.assert_allclose(sources["operating_subsidies", "state"],
                               subsidies.sel(subsidy_line="aided_contracts")
                               + subsidies.sel(subsidy_line="Fabrique de Territoire"))
    # in kind: the rent discount (lent by the Département), the lead authority's agent, the
    # Région's equipment
    in_kind_rent = ds.in_kind_rent_eur.sum("month")
    np.testing.assert_allclose(sources["in_kind", "departement"], in_kind_rent)
    np.testing.assert_allclose(sources["in_kind", "region"] + sources["in_kind", "epci_commune"],
                               ds.in_kind_support_eur.sum("month"))
    assert (sources["in_kind", "epci_commune"] > 0).all()
    np.testing.assert_allclose(sources["initial_contribution", "epci_commune"], 0.6 * 30_000)
    np.testing.assert_allclose(sources["fctva", "state"], ds.fctva_eur.sum("month"))


def test_volunteering_is_valued_apart(every_run):
    volunteer = every_run.indicators["volunteer_time_eur"]
    assert volunteer.iloc[0] == pytest.approx(3_000.0 * sum(
        1.02 ** year for year in range(10)))  # indexed like costs (2 % a year)
    assert "volunteer_time" not in set(public_money_sources(every_run).columns.get_level_values(
        "kind"))


def test_ratios(every_run):
    ds, total = every_run.dataset, public_money_eur(every_run).to_numpy()
    desk_days = ds.served_user_days.sum("month").to_numpy()
    user_years = ds.users.sum("month").to_numpy() / 12
    ratios = public_money_ratios(every_run)
    np.testing.assert_allclose(ratios["public_money_per_desk_day_eur"], total / desk_days)
    np.testing.assert_allclose(ratios["public_money_per_user_year_eur"], total / user_years)
    open_days = every_run.scenario.site.open_days_per_month
    np.testing.assert_allclose(ratios["public_money_per_job_year_eur"],
                               total / (desk_days / open_days / 12))
    np.testing.assert_allclose(ratios["public_money_per_inhabitant_per_year_eur"],
                               total / 12_000 / 10)


def test_no_population_no_per_inhabitant_ratio(default):
    def edit(data):
        data["public_support"]["population_inhabitants"] = 0
    results = tl.simulate(edit_scenario(default, edit), draws=50, seed=SEED)
    assert "public_money_per_inhabitant_per_year_eur" not in public_money_ratios(results)


def test_summary_mode_has_the_same_public_money(every_source, every_run):
    summary = tl.simulate(every_source, draws=DRAWS, seed=SEED, keep="summary")
    pd.testing.assert_frame_equal(public_money_sources(summary),
                                  public_money_sources(every_run))
    pd.testing.assert_frame_equal(public_money_summary(summary),
                                  public_money_summary(every_run))


def test_public_money_summary_rows(every_run):
    summary = public_money_summary(every_run)
    assert summary.loc["total", "mean"] == pytest.approx(public_money_eur(every_run).mean())
    assert {"funder:eu", "kind:fctva", "public_money_per_desk_day_eur"} <= set(summary.index)
    assert (summary.p10 <= summary.p50).all() and (summary.p50 <= summary.p90).all()


def test_programme_funders_cover_every_programme():
    from tierslieux_sim.scenario.schema import FUNDERS as SCHEMA_FUNDERS
    from tierslieux_sim.scenario.schema import PROGRAMMES

    assert set(PROGRAMME_FUNDER) == set(PROGRAMMES)
    assert set(PROGRAMME_FUNDER.values()) <= set(FUNDERS) == set(SCHEMA_FUNDERS)


def test_neutral_defaults_count_the_collectivity_s_works_once(default):
    """Without [structure] and [public_support], the collectivity owns the investment: public
    money is the works it pays (its grants are part of them, not added), the operating
    subsidies received, the balancing subsidy and the rent of premises lent free."""
    def edit(data):
        data.pop("structure")
        data.pop("public_support")
        data["costs"]["premises_lent_free"] = True
    results = tl.simulate(edit_scenario(default, edit), draws=100, seed=SEED)
    ds = results.dataset
    expected = (ds.investment_eur + ds.subsidies_received_eur + ds.balancing_subsidy_eur
                + ds.in_kind_rent_eur).sum("month")
    np.testing.assert_allclose(public_money_eur(results), expected, rtol=1e-12)
    assert ds.fctva_eur.sum().item() == 0.0 and ds.in_kind_support_eur.sum().item() == 0.0
    # everything the lead authority pays is at the communal block by default
    by_funder = public_money_by_funder(results)
    assert (by_funder["epci_commune"] >= ds.balancing_subsidy_eur.sum("month") - 1e-6).all()


# --- command line and dashboard page -----------------------------------------------------------

def test_run_prints_public_money_and_rules(capsys):
    assert main(["run", "--draws", "200", "--seed", "3"]) == 0
    output = capsys.readouterr().out
    assert "Argent public sur 10 ans : P50 " in output
    assert "par financeur (moyenne) : EPCI / commune " in output
    assert "par habitant et par an" in output
    assert "Règles de financement :" in output
    assert "✓ Autofinancement minimal du maître d'ouvrage public (CGCT art. L1111-10)" in output


def test_run_prints_broken_rules_as_warnings(tmp_path, capsys, default):
    def edit(data):
        data["investment"]["grants"][0].update(rate_of_eligible_cost=0.9, award_probability=1.0)
    path = tmp_path / "detr.toml"
    tl.save_scenario(edit_scenario(default, edit), path)
    assert main(["--lang", "en", "run", str(path), "--draws", "100", "--seed", "1"]) == 0
    captured = capsys.readouterr()
    assert "investment.grants: DETR and DSIL together exceed 80% of their eligible cost" in (
        captured.err)
    assert "✗ DETR + DSIL ceiling" in captured.out and "BROKEN in 100% of draws" in captured.out


def test_kpi_report_in_english(every_run):
    from tierslieux_sim.core.i18n import set_language

    set_language("en")
    report = kpi_report(every_run)
    assert "Public money over 10 years: P50 " in report
    assert "per inhabitant a year" in report and "valued volunteering" in report


def test_xlsx_has_public_money_and_rules(tmp_path, every_run):
    import openpyxl

    path = write_results(every_run, tmp_path / "r.xlsx")
    assert {"Argent public", "Argent public (P10-P90)", "Règles de financement"} <= set(
        openpyxl.load_workbook(path).sheetnames)


def _financing_page():
    import streamlit as st

    from tierslieux_sim.faces.dashboard import app
    from tierslieux_sim.faces.dashboard.page_financing import page_financing
    from tierslieux_sim.scenario.files import preset_scenario

    app.init_session()
    preset = st.session_state.get("test_preset", "default")
    if st.session_state.get("test_loaded") != preset:
        app.load_into_session(preset_scenario(preset))
        st.session_state["test_loaded"] = preset
    page_financing(300, 1, st.session_state.get("test_language", "fr"))


@pytest.mark.parametrize("preset", tl.preset_names())
def test_financing_page_runs_for_every_preset(preset):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_financing_page, default_timeout=120)
    app.session_state["test_preset"] = preset
    app.run()
    assert not app.exception, app.exception
    labels = [metric.label for metric in app.metric]
    assert "Argent public sur 10 ans (médiane)" in labels and "Par usager et par an" in labels
    assert {chart.key for chart in app.get("plotly_chart")} == {
        "chart:grants_timeline", "chart:public_money_by_funder"}
    assert len(app.dataframe) + len(app.table) >= 3  # rules, financing plan, funder × kind
    assert any(caption.value.startswith("En moyenne, ") for caption in app.caption)


def test_financing_page_shows_broken_rules_and_edits_the_structure():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_financing_page, default_timeout=120)
    app.session_state["test_preset"] = "telecentre_rural"
    app.run()
    assert any("CGCT art. L1111-10" in warning.value for warning in app.warning)
    # a régie is run by the local authority itself: the mode alone is refused, with the
    # loader's message, and the scenario stays the last valid one …
    app.selectbox(key="w:structure.management_mode").set_value("regie_spa").run()
    assert not app.exception
    assert any("incompatible avec le gestionnaire" in error.value for error in app.error)
    assert app.session_state["scenario"].structure.management_mode == "association_convention"
    # … until the operator follows
    app.selectbox(key="w:structure.operator_type").set_value("local_authority").run()
    assert not app.exception
    assert app.session_state["scenario"].structure.operator_type == "local_authority"
    assert app.session_state["scenario"].structure.management_mode == "regie_spa"


def test_funder_chart_puts_the_rent_received_left_of_zero(every_run):
    from tierslieux_sim.views.plots_financing import public_money_by_funder_chart

    figure = public_money_by_funder_chart(every_run, "fr")
    assert figure.layout.barmode == "relative"  # a negative kind is drawn below zero
    rent = next(trace for trace in figure.data if trace.meta == "rent_received")
    assert (rent.x <= 0).all() and (rent.x < 0).any()


def test_financing_page_shows_the_collectivity_s_budget_line_by_line():
    from streamlit.testing.v1 import AppTest

    from tierslieux_sim.faces.dashboard.app import run_scenario

    app = AppTest.from_function(_financing_page, default_timeout=120)
    app.run()
    assert not app.exception
    # one row per budget year, one column per line (eleven year columns did not fit 1440 px)
    budget = next(frame.value for frame in app.table
                  if "Loyers perçus du gestionnaire (chap. 75)" in list(frame.value.columns))
    assert [str(year) for year in budget.index] == [str(year) for year in range(2027, 2038)]
    lines = list(budget.columns)
    assert lines[0].startswith("Dépenses d'équipement")  # investment section first
    assert not [line for line in lines if "_" in line]     # words, not codes
    # the works of the central case, in the opening year, as computed by the model
    expected = collectivity_budget_lines(
        run_scenario(tl.scenario_to_toml(tl.default_scenario()), 300, 1), "central")
    works = expected.loc["works_and_equipment_paid", 2027]
    assert budget.iloc[0, 0] == format_eur(works, 0, "fr")
    app.radio(key="budget_statistic").set_value("mean").run()
    assert not app.exception
    reconciliation = next(frame.value for frame in app.table
                          if "Accordé" in " ".join(map(str, frame.value.columns))
                          or "accordé" in " ".join(map(str, frame.value.columns)).lower())
    assert len(reconciliation) == 3


def test_financing_page_in_english():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_financing_page, default_timeout=120)
    app.session_state["test_language"] = "en"
    app.run()
    assert not app.exception
    assert "Public money over 10 years (median)" in [metric.label for metric in app.metric]
