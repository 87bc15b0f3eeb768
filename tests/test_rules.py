"""Funding rules: each rule on its table of cases, limits from reference data, checks on
results (share of draws, central case), notices in French and English, and scenarios that
break each rule end to end (reported, never enforced, never raised as Python warnings)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import tierslieux_sim as tl
from conftest import SEED, edit_scenario, zero_variance
from tierslieux_sim.core.reference import reference_value
from tierslieux_sim.engine import rules
from tierslieux_sim.views.financing_plan import financing_plan
from tierslieux_sim.views.rules import rule_table

NAN = math.nan

# --- each rule on its table of cases -------------------------------------------------------------

#: (owner's share of the public funding of its investment, minimum, respected?)
SELF_FINANCING_CASES = [
    (0.20, 0.20, True),      # exactly the floor of CGCT L1111-10
    (0.50, 0.20, True),
    (1.00, 0.20, True),      # no grant at all
    (0.199, 0.20, False),
    (0.0, 0.20, False),      # grants pay everything
    (-0.1, 0.20, False),     # grants above the cost
    (NAN, 0.20, True),       # not applicable
    (0.25, 0.30, False),     # a 30 % floor (chef de file, L1111-9) given explicitly
]

#: (DETR + DSIL ÷ eligible cost, ceiling, respected?)
DETR_DSIL_CASES = [
    (0.80, 0.80, True),
    (0.35, 0.80, True),
    (0.0, 0.80, True),
    (0.8001, 0.80, False),
    (1.10, 0.80, False),
    (NAN, 0.80, True),
]

#: (largest aid over any 3 years [€], ceiling [€], respected?)
DE_MINIMIS_CASES = [
    (300_000.0, 300_000.0, True),
    (299_999.0, 300_000.0, True),
    (0.0, 300_000.0, True),
    (300_001.0, 300_000.0, False),
    (450_000.0, 300_000.0, False),
    (250_000.0, 200_000.0, False),   # the ceiling before 2024 (Reg. 1407/2013)
    (NAN, 300_000.0, True),
]

#: (largest yearly Fabrique de Territoire amount [€], cap [€], respected?)
FABRIQUE_CASES = [
    (50_000.0, 50_000.0, True),
    (25_000.0, 50_000.0, True),
    (50_001.0, 50_000.0, False),
    (75_000.0, 50_000.0, False),
    (NAN, 50_000.0, True),
]


@pytest.mark.parametrize(("share", "minimum", "respected"), SELF_FINANCING_CASES)
def test_owner_self_financing(share, minimum, respected):
    assert bool(rules.owner_self_financing_respected(share, minimum)) is respected


@pytest.mark.parametrize(("share", "ceiling", "respected"), DETR_DSIL_CASES)
def test_detr_dsil_ceiling(share, ceiling, respected):
    assert bool(rules.detr_dsil_ceiling_respected(share, ceiling)) is respected


@pytest.mark.parametrize(("aid", "ceiling", "respected"), DE_MINIMIS_CASES)
def test_de_minimis(aid, ceiling, respected):
    assert bool(rules.de_minimis_respected(aid, ceiling)) is respected


@pytest.mark.parametrize(("amount", "cap", "respected"), FABRIQUE_CASES)
def test_fabrique_yearly_cap(amount, cap, respected):
    assert bool(rules.fabrique_yearly_cap_respected(amount, cap)) is respected


def test_rules_work_on_arrays_of_draws():
    shares = np.array([0.1, 0.2, 0.5, NAN])
    np.testing.assert_array_equal(rules.owner_self_financing_respected(shares),
                                  [False, True, True, True])


@pytest.mark.parametrize(("function", "key", "inside", "outside"), [
    (rules.owner_self_financing_respected, "self_financing.minimum_share", 0.2, 0.19),
    (rules.detr_dsil_ceiling_respected, "detr_dsil.ceiling_share", 0.8, 0.81),
    (rules.de_minimis_respected, "de_minimis.ceiling_eur", 300_000.0, 300_100.0),
    (rules.fabrique_yearly_cap_respected, "fabrique_de_territoire.yearly_cap_eur", 50_000.0,
     50_100.0),
])
def test_default_limits_come_from_reference_data(function, key, inside, outside):
    """No magic number in a rule: its limit is the sourced reference value."""
    limit = reference_value(key)
    assert limit.source and limit.as_of
    assert float(limit.value) == pytest.approx(inside)
    assert bool(function(inside)) and not bool(function(outside))


@pytest.mark.parametrize(("function", "legal_text"), [
    (rules.owner_self_financing_respected, "L1111-10"),
    (rules.detr_dsil_ceiling_respected, "R2334-27"),
    (rules.de_minimis_respected, "2023/2831"),
    (rules.fabrique_yearly_cap_respected, "Fabriques de Territoire"),
])
def test_each_rule_cites_its_text(function, legal_text):
    assert legal_text in function.__doc__


def test_funding_reference_for_the_model():
    reference = rules.funding_reference()
    assert reference["vat_rate"] == 0.20
    assert reference["fctva_rate"] == 0.16404
    assert reference["fctva_delay_years"] == {"n": 0, "n_plus_1": 1, "n_plus_2": 2}
    assert reference["de_minimis_period_months"] == 36


# --- checks on per-draw indicators -----------------------------------------------------------------

def test_check_rules_counts_draws_and_reads_the_central_case():
    indicators = pd.DataFrame({
        "owner_self_financing_share": [0.1, 0.3, 0.5, 0.15],
        "detr_dsil_share_of_eligible_cost": [0.3, 0.3, 0.3, 0.3],
        "fabrique_max_yearly_eur": [0.0, 50_000.0, 60_000.0, 0.0],
    })
    central = pd.Series({"owner_self_financing_share": 0.3,
                         "detr_dsil_share_of_eligible_cost": 0.3,
                         "fabrique_max_yearly_eur": 0.0})
    checks = {check.code: check for check in rules.check_rules(indicators, central)}
    assert checks["self_financing"].status == "broken"
    assert checks["self_financing"].broken_share == 0.5
    assert checks["self_financing"].central_value == 0.3
    assert checks["self_financing"].worst_value == 0.1  # the lowest share is the worst
    assert not checks["self_financing"].central_broken
    assert checks["detr_dsil"].status == "respected" and checks["detr_dsil"].limit == 0.8
    assert checks["fabrique"].broken_share == 0.25 and checks["fabrique"].worst_value == 60_000
    assert checks["de_minimis"].status == "not_applicable"  # no indicator: not an undertaking
    notices = rules.rule_notices(list(checks.values()))
    assert [notice.code for notice in notices] == ["rule_self_financing", "rule_fabrique"]


def test_rule_notice_is_written_in_each_language():
    check = rules.RuleCheck("de_minimis", True, broken_share=0.125, central_value=320_000.0,
                            central_broken=True, limit=300_000.0, worst_value=410_500.0,
                            unit="eur", path="structure.operator_type")
    notice = check.notice()
    french, english = notice.text("fr"), notice.text("en")
    assert french.startswith("structure.operator_type: ")
    assert "300\u202f000\u00a0€" in french and "12\u00a0%" in french and "410\u202f500\u00a0€" in french
    assert "2023/2831" in french
    assert "€300,000" in english and "12%" in english and "de minimis" in english
    small = rules.RuleCheck("self_financing", True, broken_share=0.004, central_value=0.5,
                            limit=0.2, worst_value=0.1, unit="share").notice()
    assert "0,4\u00a0%" in small.text("fr")  # a rare breach is not shown as 0 %


# --- scenarios that break each rule, end to end --------------------------------------------------

def _grant(name, programme, **fields):
    return {"name": name, "programme": programme, "funder": "from_programme",
            "amount_eur": None, "rate_of_eligible_cost": None, "eligible_cost_eur": None,
            "cap_eur": None, "award_probability": 1.0, "payment_delay_months": 6,
            "advance_share": 0.0, "advance_delay_months": 0, **fields}


def _breaking(data):
    """A local-authority owner funded at 95 % by DETR + DSIL, an association operator with
    a large Fabrique de Territoire and a large balancing subsidy."""
    data["structure"].update(owner_type="local_authority", operator_type="association")
    data["investment"]["grants"] = [
        _grant("DETR", "detr", rate_of_eligible_cost=0.6),
        _grant("DSIL", "dsil", rate_of_eligible_cost=0.35)]
    for subsidy in data["operating_subsidies"]:
        if subsidy["programme"] == "fabrique_de_territoire":
            subsidy.update(amount_eur_per_year=80_000.0, award_probability=1.0)
    data["staff"][0]["fte"] = 4.0  # a deficit worth well over 300 k€ in three years


@pytest.fixture(scope="module")
def breaking_run(default):
    scenario = zero_variance(edit_scenario(default, _breaking))
    return tl.simulate(scenario, draws=50, seed=SEED)


def test_every_rule_is_reported_when_broken(breaking_run):
    checks = {check.code: check for check in breaking_run.rule_checks
              if check.status != "not_applicable"}
    assert {code: check.status for code, check in checks.items()} == {
        "self_financing": "broken", "detr_dsil": "broken", "de_minimis": "broken",
        "fabrique": "broken"}
    # a subsidised association: neither a concession (SIEG), nor an SPIC, nor without a
    # convention
    assert {check.code for check in breaking_run.rule_checks if check.status
            == "not_applicable"} == {"de_minimis_sieg", "spic_balancing", "convention"}
    assert all(check.broken_share == 1.0 and check.central_broken for check in checks.values())
    assert checks["detr_dsil"].central_value == pytest.approx(0.95)
    assert checks["self_financing"].central_value == pytest.approx(0.05)
    assert checks["fabrique"].central_value == pytest.approx(80_000.0)
    codes = [notice.code for notice in breaking_run.notices]
    assert codes == ["rule_self_financing", "rule_detr_dsil", "rule_de_minimis", "rule_fabrique"]


def test_rules_are_never_enforced(breaking_run):
    """The grants are paid as the scenario says, even above the DETR + DSIL ceiling."""
    grants = breaking_run.central["investment_grants_eur"].sum().item()
    cost = financing_plan(breaking_run).attrs["cost_eur"]
    assert grants == pytest.approx(0.95 * cost)


def test_rule_table_has_one_row_per_rule(breaking_run, default_run):
    table = rule_table(breaking_run)
    assert list(table.index) == ["self_financing", "detr_dsil", "de_minimis", "fabrique",
                                 "de_minimis_sieg", "spic_balancing", "convention"]
    assert set(table.status.iloc[:4]) == {"broken"}
    assert set(table.status.iloc[4:]) == {"not_applicable"}
    assert set(rule_table(default_run).status) <= {"respected", "not_applicable"}
    assert default_run.notices == []


def test_a_local_authority_operator_is_not_under_de_minimis(default):
    def edit(data):
        data["structure"].update(owner_type="local_authority", operator_type="local_authority",
                                 management_mode="regie_spa")
    results = tl.simulate(edit_scenario(default, edit), draws=50, seed=SEED)
    check = next(c for c in results.rule_checks if c.code == "de_minimis")
    assert check.status == "not_applicable"
    assert "de_minimis_aid_max_3_years_eur" not in results.indicators


def test_only_a_local_authority_owner_must_self_finance(default):
    def edit(data):
        data["structure"].update(owner_type="association", operator_type="association")
    results = tl.simulate(edit_scenario(default, edit), draws=50, seed=SEED)
    check = next(c for c in results.rule_checks if c.code == "self_financing")
    assert check.status == "not_applicable"
    # the association owns the investment: its grants count as de minimis aid
    assert "de_minimis_aid_max_3_years_eur" in results.indicators
