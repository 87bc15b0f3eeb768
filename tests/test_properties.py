"""Property tests over random valid scenarios (issue 12, item 5).

Each scenario is a shipped preset perturbed within its schema's bounds (:func:`scenarios`):
a short horizon, any opening month, other desks and demand, any owner, operator and
management mode, VAT and FCTVA regime, premises, loan, grant and subsidy schedules, budget
options; some examples are made to trigger the FCTVA (a local-authority owner that does not
recover VAT, regime N or N+1, works within the horizon). Hypothesis runs a few dozen
examples per property with a fixed seed (``derandomize=True``), so CI sees the same cases on
every run and a failure shrinks to a small one.

The properties:

- chunk invariance: the same seed gives bit-identical results whatever ``chunk_draws``;
- cash recursion of both parties: the operator's cash and the collectivity's position
  follow, month by month, the flows each one pays and receives, enumerated here (the FCTVA,
  rent, subsidies, advances and the investment recomputed from the inputs);
- capacity: user-days served never exceed desks × open days; occupancy stays in [0, 1];
- monotonicity: more desks never serve fewer user-days; higher prices never bring more
  demand (elasticities are ≤ 0 by the schema), nor more users when capacity is ample;
- the collectivity's net cost is the sum of its own flows (budget lines, budget years,
  sections), in the central case and in every draw;
- save → load → simulate gives bit-identical results.

Three deterministic cases marked ``xfail(strict=True)`` record what the properties found and
the properties steer around until it is fixed in ``src``: days of use beyond the open days
overfill the desks; ``Results.monthly_mean`` differs in its last bits with ``chunk_draws``;
an indicator present in some chunks only leaves uninitialised values in the others. Under
a binding capacity a dearer desk can bring *more* users served (lighter users take the
desk-days heavier ones give up: rationing shares desk-days, not users), so users are only
compared with capacity ample.
"""

from __future__ import annotations

import copy
import warnings
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import tierslieux_sim as tl
from tierslieux_sim.core.notices import TiersLieuxWarning
from tierslieux_sim.engine.inputs import plan_inputs, sample
from tierslieux_sim.engine.rules import funding_reference
from tierslieux_sim.scenario.files import scenario_from_dict
from tierslieux_sim.scenario.paths import get_path
from tierslieux_sim.scenario.schema import Scenario

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DRAWS = 64
SEED = 20_250_101

#: Distribution parameters that scale with the value (a law scaled by k draws k × x).
_SCALED_KEYS = ("min", "mode", "max", "mean", "sd", "p5", "p95")
DESK_PRICES = ("day_pass_eur", "ten_day_pack_eur", "flex_membership_eur_per_month",
               "dedicated_desk_eur_per_month", "office_seat_eur_per_month")
#: The funder level of each programme when a grant or subsidy names none (schema help).
PROGRAMME_FUNDER = {"fabrique_de_territoire": "state", "detr": "state", "dsil": "state",
                    "leader": "eu", "feder": "eu", "region": "region",
                    "departement": "departement", "epci": "epci_commune",
                    "commune": "epci_commune", "other": "other"}
#: Modes in which the collectivity pays a balancing subsidy, and the mode "auto" implies.
BALANCING_MODES = ("association_convention", "regie_spa", "regie_spic")
AUTO_MODE = {"local_authority": "regie_spa", "association": "association_convention",
             "scic": "association_convention", "company": "rental"}
FCTVA_LAG_YEARS = {"n": 0, "n_plus_1": 1, "n_plus_2": 2}
#: The collectivity's budget lines by section (module docstring of ``model.parties``).
INVESTMENT_SECTION = {"works_and_equipment_paid", "grants_received", "fctva_received",
                      "loan_drawn", "loan_principal_repaid", "grants_paid_to_operator",
                      "equipment_subsidy_paid", "cash_advance_paid", "cash_advance_repaid"}
OPERATING_SECTION = {"interest_paid", "operating_subsidies_paid", "balancing_subsidy_paid",
                     "initial_contribution_paid", "rent_received"}


def scaled(value: Any, factor: float) -> Any:
    """A number or a distribution table multiplied by ``factor`` (≥ 0)."""
    if isinstance(value, dict):
        return {key: item * factor if key in _SCALED_KEYS else item
                for key, item in value.items()}
    return value * factor


def quietly(function, *arguments, **keywords):
    """Call ``function`` with the package's notices (a funding rule broken, a correlation
    repaired) silenced; any other warning stays an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TiersLieuxWarning)
        return function(*arguments, **keywords)


# --- the strategy -------------------------------------------------------------------------

PRESETS = {name: tl.preset_scenario(name).model_dump(by_alias=True) for name in tl.preset_names()}
_owner = st.sampled_from(["local_authority", "association", "scic", "company"])


def _leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    """Plain data flattened to ``path → value`` (distribution tables kept whole)."""
    if isinstance(data, dict) and not ("dist" in data and prefix):
        found: dict[str, Any] = {}
        for key, value in data.items():
            found.update(_leaves(value, f"{prefix}.{key}" if prefix else key))
        return found
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        found = {}
        for index, item in enumerate(data):
            found.update(_leaves(item, f"{prefix}[{index}]"))
        return found
    return {prefix: data}


class Case:
    """A generated scenario, shown in a failure report as its preset and what was changed
    (the whole scenario would run over pages)."""

    def __init__(self, preset: str, data: dict[str, Any]):
        self.preset = preset
        self.scenario = scenario_from_dict(data)
        before, after = _leaves(PRESETS[preset]), _leaves(data)
        self.changes = {path: after.get(path, "<removed>") for path in sorted({*before, *after})
                        if before.get(path) != after.get(path) and not path.startswith("meta.")}

    def __repr__(self) -> str:
        changes = ",\n    ".join(f"{path!r}: {value!r}" for path, value in self.changes.items())
        return f"Case(preset={self.preset!r}, changes={{\n    {changes}}})"


@st.composite
def scenarios(draw, kind: str | None = None, max_years: int = 3) -> Case:
    """A preset perturbed within its schema's bounds. ``kind`` (else drawn, a third each):
    ``"fctva"`` forces a case that triggers the FCTVA (a local-authority owner that does not
    recover VAT, regime N or N+1, works in the first six months, two years or more); ``"operator"`` one
    where the operator owns the works with a cash advance and an equipment subsidy for an
    asset renewed within the horizon; ``"any"`` leaves every choice to the draw."""
    name = draw(st.sampled_from(sorted(PRESETS)))
    data = copy.deepcopy(PRESETS[name])
    if kind is None:
        kind = draw(st.sampled_from(["fctva", "operator", "any"]))
    fctva, operator_owns = kind == "fctva", kind == "operator"
    simulation = data["simulation"]
    simulation["horizon_years"] = draw(st.integers(2 if fctva else 1, max_years))
    simulation["opening_month"] = f"{draw(st.integers(2026, 2030))}-{draw(st.integers(1, 12)):02d}"
    simulation["initial_cash_eur"] = draw(st.sampled_from([0.0, 2_000.0, 30_000.0]))

    site = data["site"]
    site["flex_desks"] = draw(st.integers(0, 25))
    site["dedicated_desks"] = draw(st.integers(0, 8))
    site["private_offices"] = draw(st.integers(0, 4))
    site["seats_per_office"] = draw(st.integers(1, 4))
    # Open days ≥ the presets' largest days of use per month (20): see
    # test_days_of_use_beyond_the_open_days_overfill_the_desks for the other case.
    site["open_days_per_month"] = draw(st.sampled_from([20.0, 21.0, 22.5, 26.0, 31.0]))
    site["peak_to_mean_ratio"] = draw(st.sampled_from(
        [site["peak_to_mean_ratio"], 1.0, 2.5, {"dist": "uniform", "min": 1.0, "max": 5.0}]))
    demand_scale = draw(st.sampled_from([0.2, 1.0, 3.0, 8.0]))
    for segment in data["demand"]["segments"]:
        segment["pool_people"] = scaled(segment["pool_people"], demand_scale)
    price_scale = draw(st.sampled_from([0.5, 1.0, 1.5]))
    for price in DESK_PRICES:
        data["prices"][price] = scaled(data["prices"][price], price_scale)

    structure = data["structure"]
    owner = ("local_authority" if fctva
             else draw(st.sampled_from(["association", "scic", "company"])) if operator_owns
             else draw(_owner))
    operator = draw(_owner)
    modes = (["auto", "regie_spa", "regie_spic"] if operator == "local_authority"
             else ["auto", "association_convention", "rental", "concession"])
    lead = draw(st.sampled_from(["epci_commune", "departement", "region"]))
    structure.update(
        owner_type=owner, operator_type=operator, management_mode=draw(st.sampled_from(modes)),
        lead_authority_level=lead,
        investment_amounts_include_vat=draw(st.booleans()),
        vat_recoverable=False if fctva else draw(st.booleans()),
        fctva_regime=draw(st.sampled_from(["n", "n_plus_1"] if fctva
                                          else ["n", "n_plus_1", "n_plus_2", "not_eligible"])),
        fctva_processing_delay_months=draw(st.integers(0, 6 if fctva else 24)),
        operator_vat=draw(st.sampled_from(["registered", "franchise"])),
        premises_owner=draw(st.sampled_from(["collectivity", "third_party"])))
    data["costs"]["premises_lent_free"] = draw(st.sampled_from([False, False, True]))
    data["costs"]["rent_discount_rate"] = draw(st.sampled_from([0.0, 0.0, 0.3, 1.0]))
    data["budget"].update(
        balancing_subsidy_basis=draw(st.sampled_from(["forecast", "previous_year_close"])),
        balancing_payment_month=draw(st.integers(1, 12)),
        grant_cash_advance=operator_owns or draw(st.booleans()),
        renewals_equipment_subsidy=operator_owns or draw(st.booleans()))
    support = data["public_support"]
    support["initial_cash_public_share"] = draw(st.sampled_from([0.0, 0.5, 1.0]))
    support["balancing_subsidy_split"] = draw(st.sampled_from([
        [], [{"funder": lead, "share": 0.6}, {"funder": "state", "share": 0.4}],
        [{"funder": "eu", "share": 1.0}]]))

    loan = data["loan"]
    loan["amount_eur"] = draw(st.sampled_from(
        [0.0, 20_000.0, {"dist": "uniform", "min": 10_000.0, "max": 60_000.0}]))
    loan["annual_rate"] = draw(st.sampled_from([0.0, 0.04, loan["annual_rate"]]))
    loan["years"] = draw(st.integers(1, 15))
    loan["deferral_months"] = draw(st.integers(0, 12))
    loan["disbursement_month"] = draw(st.integers(1, 18))

    for line in data["investment"]["lines"]:
        line["purchase_month"] = draw(st.integers(1, 6 if fctva else 30))
        line["lifetime_years"] = draw(st.sampled_from([1, 2, 3, 8, 15]))
        line["renewed"] = draw(st.booleans())
    if operator_owns:  # one asset renewed within the horizon
        data["investment"]["lines"][-1].update(purchase_month=draw(st.integers(1, 6)),
                                               lifetime_years=1, renewed=True)
    for grant in data["investment"]["grants"]:
        grant["award_probability"] = draw(st.sampled_from([0.0, 0.4, 1.0]))
        grant["payment_delay_months"] = draw(st.integers(0, 40))
        grant["advance_share"] = draw(st.sampled_from([0.0, 0.3]))
        grant["advance_delay_months"] = draw(st.integers(0, 12))
        grant["funder"] = draw(st.sampled_from(["from_programme", lead]))
    for subsidy in data["operating_subsidies"]:
        subsidy["award_probability"] = draw(st.sampled_from([0.0, 0.5, 1.0]))
        subsidy["start_year"] = draw(st.integers(1, 2))
        subsidy["payment_delay_months"] = draw(st.integers(0, 24))
        subsidy["advance_share"] = draw(st.sampled_from([0.0, 0.5]))
        subsidy["advance_delay_months"] = draw(st.integers(0, 6))
        subsidy["funder"] = draw(st.sampled_from(["from_programme", lead, "region"]))
    # A correlation must join two inputs that are still uncertain.
    data["correlations"] = [c for c in data["correlations"]
                            if isinstance(get_path(data, c["a"]), dict)
                            and isinstance(get_path(data, c["b"]), dict)]
    event(f"preset {name}")
    return Case(name, data)


def with_horizon(scenario: Scenario, years: int) -> Scenario:
    return scenario.model_copy(update={"simulation": scenario.simulation.model_copy(
        update={"horizon_years": years})})


def _edited(scenario: Scenario, edit) -> Scenario:
    data = copy.deepcopy(scenario.model_dump(by_alias=True))
    edit(data)
    return scenario_from_dict(data)


def _evaluate(scenario: Scenario, draws: int = DRAWS, seed: int = SEED):
    """Inputs, accounts and indicators of ``draws`` draws, through the engine's public steps."""
    inputs = sample(quietly(plan_inputs, scenario), seed, 0, draws, "random")
    accounts, indicators = tl.evaluate(scenario, inputs)
    return inputs, accounts, indicators


def full(array, draws: int) -> np.ndarray:
    """A monthly array broadcast to ``(draws, months)`` (lines the same in every draw are
    kept as one row by the model)."""
    array = np.asarray(array, dtype=float)
    return np.broadcast_to(array, (draws, array.shape[-1])) if array.ndim else array


def assert_close(actual, expected, what: str) -> None:
    expected = np.asarray(expected, dtype=float)
    scale = 1.0 + (float(np.abs(expected).max()) if expected.size else 0.0)
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-9 * scale, err_msg=what)


# --- 1. chunk invariance ------------------------------------------------------------------

@SETTINGS
@given(case=scenarios(), sampling=st.sampled_from(["random", "lhs"]))
def test_same_seed_same_results_whatever_the_chunks(case, sampling):
    scenario = case.scenario
    if (scenario.structure.owner_type != "local_authority" and scenario.budget.grant_cash_advance
            and scenario.investment.grants):
        # Awards made certain: a cash advance in some draws only leaves uninitialised values
        # in the chunks without one (see test_a_run_has_the_same_indicators_whatever_its_draws).
        def certain(data: dict[str, Any]) -> None:
            for grant in data["investment"]["grants"]:
                grant["award_probability"] = float(grant["award_probability"] > 0.5)

        scenario = _edited(scenario, certain)
    draws = 100
    whole = quietly(tl.simulate, scenario, draws=draws, seed=SEED, sampling=sampling)
    for chunk in (7, 64):
        chunked = quietly(tl.simulate, scenario, draws=draws, seed=SEED, sampling=sampling,
                          chunk_draws=chunk)
        assert chunked.dataset.identical(whole.dataset), chunk
        assert chunked.indicators.equals(whole.indicators), chunk
        assert chunked.central.identical(whole.central), chunk
        # The means over draws agree to rounding only: see the test below.
        for name, mean in chunked.monthly_mean.data_vars.items():
            assert_close(mean.values, whole.monthly_mean[name].values, f"mean {name}, {chunk}")


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "engine bug: Results.monthly_mean depends on chunk_draws in its last bits, against "
    "simulate's 'bit-identical whatever chunk_draws': the variables kept as means only "
    "(collectivity_budget_eur) are summed chunk by chunk (engine.collect.ResultsCollector.add, "
    "mean_only_sums), and a run in one chunk keeps a line that is the same in every draw as a "
    "broadcast view, whose mean over draws rounds differently from that of a filled array "
    "(here loan_repaid_eur, 2.3e-13 € apart; collectivity_budget_eur 1.5e-11 € apart)"))
def test_means_over_draws_do_not_depend_on_the_chunks():
    def edit(data: dict[str, Any]) -> None:
        data["simulation"]["horizon_years"] = 2
        data["loan"].update(amount_eur=20_000.0, annual_rate=0.0, years=1)  # one row

    scenario = _edited(tl.default_scenario(), edit)
    whole = tl.simulate(scenario, draws=100, seed=1)
    chunked = tl.simulate(scenario, draws=100, seed=1, chunk_draws=7)
    assert chunked.dataset.identical(whole.dataset)  # the draws themselves are identical
    different = [name for name, mean in whole.monthly_mean.data_vars.items()
                 if not chunked.monthly_mean[name].identical(mean)]
    assert not different, different


def _advance_in_some_draws() -> Scenario:
    """The operator owns the works; the collectivity advances the grants awaited (each
    awarded one time in two, paid 10 months after the opening)."""
    def edit(data: dict[str, Any]) -> None:
        data["simulation"]["horizon_years"] = 2
        data["structure"].update(owner_type="association", operator_type="association",
                                 management_mode="association_convention")
        data["budget"]["grant_cash_advance"] = True
        for grant in data["investment"]["grants"]:
            grant.update(award_probability=0.5, payment_delay_months=10, advance_share=0.0)

    return _edited(tl.default_scenario(), edit)


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "engine bug: the public-money indicators exist only for the sources some draw of the chunk "
    "has (model.run.public_money_of_run adds cash_advances only 'if np.any(cash_advance_eur)', "
    "likewise the equipment subsidy), and ResultsCollector.add creates a column with np.empty "
    "when it first appears: the draws of chunks without it keep uninitialised memory. Default "
    "scenario, operator-owned works, grant_cash_advance, awards 0.5: with seed 1, 64 draws, "
    "chunk_draws=1, public_money_cash_advances_epci_commune_eur of a draw with no grant "
    "awarded reads 9.1e+223 instead of 0"))
def test_a_run_has_the_same_indicators_whatever_its_draws():
    scenario = _advance_in_some_draws()
    plan = plan_inputs(scenario)
    inputs = sample(plan, 1, 0, 64, "random")
    awarded = np.column_stack([inputs[path] < 0.5 for path in plan.award_paths])
    for_draws = {"no grant awarded": ~awarded.any(axis=1), "every grant": awarded.all(axis=1)}
    names = {}
    for what, draws in for_draws.items():
        assert draws.any(), what
        _accounts, indicators = tl.evaluate(scenario, {path: values[draws]
                                                       for path, values in inputs.items()})
        names[what] = set(indicators)
    assert names["no grant awarded"] == names["every grant"], (
        names["every grant"] ^ names["no grant awarded"])


# --- 2. cash recursion of both parties ----------------------------------------------------

def _value(scenario: Scenario, inputs: dict[str, np.ndarray], path: str) -> np.ndarray:
    """An input's value in each draw, ``(draws, 1)``: its draws if uncertain, else the
    scenario's number."""
    if path in inputs:
        return np.asarray(inputs[path], dtype=float)[:, None]
    return np.full((len(next(iter(inputs.values()))), 1), float(get_path(scenario, path)))


def investment_paid(scenario: Scenario, inputs, n_months: int) -> tuple[np.ndarray, np.ndarray]:
    """Investment paid by its owner and, apart, the renewals [€/month], month by month:
    each line's amount at its purchase month and, when renewed, every lifetime later,
    indexed like costs, including VAT when the owner does not recover it."""
    reference = funding_reference()
    structure = scenario.structure
    vat = reference["vat_rate"]
    if structure.vat_recoverable:
        borne = 1.0 / (1.0 + vat) if structure.investment_amounts_include_vat else 1.0
    else:
        borne = 1.0 if structure.investment_amounts_include_vat else 1.0 + vat
    draws = len(next(iter(inputs.values())))
    paid, renewals = np.zeros((draws, n_months)), np.zeros((draws, n_months))
    rate = _value(scenario, inputs, "costs.yearly_indexation_rate")[:, 0]
    for i, line in enumerate(scenario.investment.lines):
        amount = _value(scenario, inputs, f"investment.lines[{i}].amount_eur")[:, 0]
        month, number = line.purchase_month - 1, 0
        while month < n_months:
            paid[:, month] += amount * borne * (1.0 + rate) ** (month // 12)
            if number > 0:
                renewals[:, month] += amount * borne * (1.0 + rate) ** (month // 12)
            if not line.renewed:
                break
            month, number = month + 12 * line.lifetime_years, number + 1
    return paid, renewals


def fctva_received(scenario: Scenario, paid: np.ndarray) -> np.ndarray:
    """The FCTVA: the rate of the investment paid (VAT included), the regime's years and
    the processing months later, for a local-authority owner that does not recover VAT."""
    structure = scenario.structure
    fctva = np.zeros_like(paid)
    if (structure.owner_type != "local_authority" or structure.vat_recoverable
            or structure.fctva_regime == "not_eligible"):
        return fctva
    lag = 12 * FCTVA_LAG_YEARS[structure.fctva_regime] + structure.fctva_processing_delay_months
    rate = funding_reference()["fctva_rate"]
    for month in range(lag, paid.shape[1]):
        fctva[:, month] = rate * paid[:, month - lag]
    return fctva


def funder(item) -> str:
    return PROGRAMME_FUNDER[item.programme] if item.funder == "from_programme" else item.funder


def subsidies_received_from_the_lead(scenario: Scenario, inputs, n_months: int) -> np.ndarray:
    """Operating subsidies the lead authority pays, as received: each year of the subsidy,
    its advance and its balance at their delays after the year starts, tapered yearly."""
    lead = scenario.structure.lead_authority_level
    draws = len(next(iter(inputs.values())))
    received = np.zeros((draws, n_months))
    for i, subsidy in enumerate(scenario.operating_subsidies):
        if funder(subsidy) != lead:
            continue
        amount = _value(scenario, inputs, f"operating_subsidies[{i}].amount_eur_per_year")[:, 0]
        amount = amount * (inputs[f"operating_subsidies[{i}].award"] < subsidy.award_probability)
        for k in range(subsidy.duration_years):
            year = subsidy.start_year - 1 + k
            this_year = amount * (1.0 - subsidy.yearly_taper_rate) ** k
            for share, delay in ((subsidy.advance_share, subsidy.advance_delay_months),
                                 (1.0 - subsidy.advance_share, subsidy.payment_delay_months)):
                if 12 * year + delay < n_months:
                    received[:, 12 * year + delay] += share * this_year
    return received


def rent_received(scenario: Scenario, inputs, n_months: int) -> np.ndarray:
    """Rent the collectivity receives when it owns the premises and does not lend them:
    the market rent less its discount, excluding VAT, indexed like costs."""
    draws = len(next(iter(inputs.values())))
    rent = np.zeros((draws, n_months))
    if scenario.structure.premises_owner != "collectivity" or scenario.costs.premises_lent_free:
        return rent
    per_m2 = _value(scenario, inputs, "costs.rent_eur_per_m2_per_year")[:, 0]
    rate = _value(scenario, inputs, "costs.yearly_indexation_rate")[:, 0]
    for month in range(n_months):
        rent[:, month] = (scenario.site.surface_m2 * per_m2 / 12.0 * (1.0 + rate) ** (month // 12)
                          * (1.0 - scenario.costs.rent_discount_rate))
    return rent


def advances(grants_by_line: dict[str, np.ndarray], works_month: int, draws: int, n_months: int
             ) -> tuple[np.ndarray, np.ndarray]:
    """The repayable advance of the grants awaited after the works' month, paid in that
    month, and its repayment when each grant is paid."""
    advance, repaid = np.zeros((draws, n_months)), np.zeros((draws, n_months))
    for payments in grants_by_line.values():
        payments = full(payments, draws)
        for month in range(works_month + 1, n_months):
            advance[:, works_month] += payments[:, month]
            repaid[:, month] += payments[:, month]
    return advance, repaid


def balancing_share_of_the_lead(scenario: Scenario) -> float:
    split = scenario.public_support.balancing_subsidy_split
    if not split:
        return 1.0
    return sum(item.share for item in split if item.funder == scenario.structure.lead_authority_level)


def check_both_parties(scenario: Scenario) -> dict[str, bool]:
    """Recompute both parties' months with plain loops; return what the case exercised."""
    inputs, accounts, indicators = _evaluate(scenario)
    n_months, draws = scenario.horizon_months, DRAWS
    structure, budget = scenario.structure, scenario.budget
    collectivity_owns = structure.owner_type == "local_authority"
    mode = structure.management_mode
    mode = AUTO_MODE[structure.operator_type] if mode == "auto" else mode

    paid, renewals = investment_paid(scenario, inputs, n_months)
    assert_close(full(accounts.investment_eur, draws), paid, "investment paid")
    fctva = fctva_received(scenario, paid)
    assert_close(full(accounts.fctva_eur, draws), fctva, "FCTVA")

    def get(name: str) -> np.ndarray:
        return full(getattr(accounts, name), draws)

    grants, loan_drawn = get("investment_grants_eur"), get("loan_disbursed_eur")
    interest, loan_repaid = get("interest_eur"), get("loan_repaid_eur")
    balancing = get("balancing_subsidy_eur")
    initial = scenario.simulation.initial_cash_eur
    public_initial = initial * scenario.public_support.initial_cash_public_share
    equipment = renewals if (not collectivity_owns and budget.renewals_equipment_subsidy) \
        else np.zeros((draws, n_months))
    works_month = min((line.purchase_month - 1 for line in scenario.investment.lines), default=0)
    if not collectivity_owns and budget.grant_cash_advance and scenario.investment.grants:
        advance, advance_repaid = advances(accounts.investment_grants_by_line_eur, works_month,
                                           draws, n_months)
    else:
        advance = advance_repaid = np.zeros((draws, n_months))

    # The operator: cash(m) = cash(m − 1) + what it receives − what it pays.
    own = get("own_revenue_eur") + get("donations_eur") + get("subsidies_received_eur")
    costs = get("operating_costs_eur")
    cash = np.full(draws, initial - public_initial)
    cash_after = cash.copy()
    for month in range(n_months):
        flow = own[:, month] - costs[:, month]
        if month == 0:
            flow = flow + public_initial
        if not collectivity_owns:  # the operator owns the works, their grants and loan
            flow = (flow - paid[:, month] + grants[:, month] + fctva[:, month]
                    + loan_drawn[:, month] - interest[:, month] - loan_repaid[:, month]
                    + equipment[:, month] + advance[:, month] - advance_repaid[:, month])
        cash = cash + flow
        cash_after = cash_after + flow + balancing[:, month]
        assert_close(get("cash_eur")[:, month], cash, f"operator's cash, month {month}")
        assert_close(get("operator_cash_eur")[:, month], cash_after,
                     f"operator's cash after the balancing subsidy, month {month}")
    if mode not in BALANCING_MODES:
        assert not balancing.any(), mode

    # The collectivity: position(m) = position(m − 1) + receipts − payments.
    lead = structure.lead_authority_level
    subsidies_paid = subsidies_received_from_the_lead(scenario, inputs, n_months)
    rent = rent_received(scenario, inputs, n_months)
    share = balancing_share_of_the_lead(scenario) if mode in BALANCING_MODES else 0.0
    grants_to_operator = np.zeros((draws, n_months))
    for grant in scenario.investment.grants:
        if funder(grant) == lead:
            grants_to_operator += full(accounts.investment_grants_by_line_eur[grant.name], draws)
    position = np.zeros(draws)
    positions = np.zeros((draws, n_months))
    for month in range(n_months):
        if collectivity_owns:
            payments = paid[:, month] + loan_repaid[:, month] + interest[:, month]
            receipts = grants[:, month] + fctva[:, month] + loan_drawn[:, month]
        else:
            payments = (grants_to_operator[:, month] + equipment[:, month]
                        + advance[:, month])
            receipts = advance_repaid[:, month]
        payments = payments + subsidies_paid[:, month] + share * balancing[:, month]
        if month == 0:
            payments = payments + public_initial
        receipts = receipts + rent[:, month]
        position = position + receipts - payments
        positions[:, month] = position
    net_cost = full(accounts.collectivity.net_cost_eur, draws)
    assert_close(-np.cumsum(net_cost, axis=1), positions, "the collectivity's position")
    assert_close(indicators["net_cost_eur"], -positions[:, -1], "net cost over the horizon")
    return {"fctva": bool(fctva.any()), "operator owns": not collectivity_owns,
            "balancing": bool(balancing.any()), "advance": bool(advance.any()),
            "equipment subsidy": bool(equipment.any()), "rent": bool(rent.any())}


def test_cash_recursion_of_both_parties():
    """Over random scenarios, each party's cash follows its own flows; the FCTVA (and the
    other branches) are exercised in a good share of the cases, not by luck."""
    seen: Counter[str] = Counter()

    @settings(SETTINGS, max_examples=30)
    @given(case=scenarios())
    def check(case):
        exercised = check_both_parties(case.scenario)
        seen["cases"] += 1
        for what, happened in exercised.items():
            if happened:
                event(what)
                seen[what] += 1

    check()
    assert seen["fctva"] >= max(3, seen["cases"] // 6), seen
    for what in ("operator owns", "balancing", "advance", "equipment subsidy", "rent"):
        assert seen[what] > 0, (what, seen)


@settings(SETTINGS, max_examples=10)
@given(case=scenarios(kind="fctva"))
def test_cash_recursion_when_the_fctva_is_paid(case):
    """The cases built to trigger the FCTVA do, and both parties' cash still follows."""
    scenario = case.scenario
    assert check_both_parties(scenario)["fctva"]


# --- 3. capacity --------------------------------------------------------------------------

def check_capacity(results: tl.Results) -> None:
    site = results.scenario.site
    desks = site.flex_desks + site.dedicated_desks + site.private_offices * site.seats_per_office
    capacity = desks * site.open_days_per_month
    for name, data in (("draws", results.dataset), ("central case", results.central)):
        served = data.served_user_days.values
        assert (served >= 0).all() and (data.turned_away_user_days.values >= -1e-9).all(), name
        assert (served <= capacity * (1 + 1e-12) + 1e-9).all(), (
            name, float(served.max()), capacity)
        for rate in ("occupancy_rate", "flex_occupancy_rate"):
            values = data[rate].values
            assert (values >= 0).all() and (values <= 1 + 1e-12).all(), (name, rate)
        assert (data.users.values >= 0).all(), name


@SETTINGS
@given(case=scenarios())
def test_capacity_is_never_exceeded(case):
    scenario = case.scenario
    results = quietly(tl.simulate, scenario, draws=DRAWS, seed=SEED)
    event("capacity binds" if results.dataset.turned_away_user_days.values.max() > 0
          else "capacity never binds")
    check_capacity(results)


def _one_segment_on_dedicated_desks(days_per_month: float, open_days: float) -> Scenario:
    def edit(data: dict[str, Any]) -> None:
        data["site"].update(flex_desks=0, dedicated_desks=2, private_offices=0,
                            open_days_per_month=open_days)
        data["demand"]["segments"] = [{
            "name": "Résidents", "pool_people": 1_000.0, "adoption_rate": 0.1,
            "months_to_maturity": 1.0, "days_per_month": days_per_month,
            "product_mix": {"dedicated_desk": 1.0}, "price_elasticity": 0.0}]
        data["correlations"] = []
    data = copy.deepcopy(PRESETS["default"])
    edit(data)
    return scenario_from_dict(data)


def test_days_of_use_within_the_open_days_fill_the_desks_at_most():
    """100 people want 2 dedicated desks 20 days a month, open 21 days: 2 × 20 = 40
    user-days ≤ 2 × 21 = 42."""
    check_capacity(quietly(tl.simulate, _one_segment_on_dedicated_desks(20.0, 21.0), draws=4,
                           seed=1))


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "model bug: a segment's days of use per month are not capped at the site's open days "
    "(nor refused by the schema): 2 dedicated desks used 25 days a month on a site open 10 "
    "days serve 2 × 25 = 50 user-days, above 2 × 10 = 20 desk-days (demand.occupancy_and_use)"))
def test_days_of_use_beyond_the_open_days_overfill_the_desks():
    check_capacity(quietly(tl.simulate, _one_segment_on_dedicated_desks(25.0, 10.0), draws=4,
                           seed=1))


# --- 4. monotonicity ----------------------------------------------------------------------

@SETTINGS
@given(case=scenarios(), more=st.tuples(st.integers(0, 6), st.integers(0, 4),
                                            st.integers(0, 2)))
def test_more_desks_never_serve_fewer_user_days(case, more):
    scenario = case.scenario
    def add(data: dict[str, Any]) -> None:
        site = data["site"]
        site["flex_desks"] += more[0]
        site["dedicated_desks"] += more[1]
        site["private_offices"] += more[2]

    larger = _edited(scenario, add)
    assert plan_inputs(larger).random_paths == plan_inputs(scenario).random_paths
    _inputs, small, _ = _evaluate(scenario)
    _inputs, big, _ = _evaluate(larger)  # the same seed: the same draws (common numbers)
    before = full(small.occupancy.served_user_days, DRAWS)
    after = full(big.occupancy.served_user_days, DRAWS)
    event("more served" if (after > before * (1 + 1e-9) + 1e-9).any() else "no change")
    assert (after >= before * (1 - 1e-12) - 1e-9).all(), float((before - after).max())


def _demand(accounts) -> tuple[np.ndarray, np.ndarray]:
    """User-days demanded (served + turned away) and users served."""
    occupancy = accounts.occupancy
    days = full(occupancy.served_user_days, DRAWS) + full(occupancy.turned_away_user_days, DRAWS)
    users = full(sum(occupancy.users_by_segment.values()), DRAWS)
    return days, users


@SETTINGS
@given(case=scenarios(),
       raised=st.sets(st.sampled_from(DESK_PRICES), min_size=1),
       factor=st.sampled_from([1.0, 1.1, 1.5, 3.0]),
       ample=st.booleans())
def test_a_higher_price_never_brings_more_users(case, raised, factor, ample):
    """Elasticities are ≤ 0 (schema): raising desk prices never raises the user-days
    demanded; with capacity ample (no one turned away), nor the users served."""
    scenario = case.scenario
    def room(data: dict[str, Any]) -> None:
        if ample:
            data["site"].update(flex_desks=100_000, dedicated_desks=100_000,
                                private_offices=100_000)

    def dearer(data: dict[str, Any]) -> None:
        room(data)
        for price in raised:
            data["prices"][price] = scaled(data["prices"][price], factor)

    base, higher = _edited(scenario, room), _edited(scenario, dearer)
    _inputs, cheap, _ = _evaluate(base)
    _inputs, dear, _ = _evaluate(higher)
    (days_before, users_before), (days_after, users_after) = _demand(cheap), _demand(dear)
    assert (days_after <= days_before * (1 + 1e-12) + 1e-9).all(), "user-days demanded"
    if ample:
        assert not full(cheap.occupancy.turned_away_user_days, DRAWS).any()
        assert (users_after <= users_before * (1 + 1e-12) + 1e-9).all(), "users served"
    event("fewer users" if (users_after < users_before * (1 - 1e-9)).any() else "same users")


# --- 5. the collectivity's net cost is the sum of its own flows ----------------------------

def calendar_years(opening_month: str, n_months: int) -> list[int]:
    year, month = int(opening_month[:4]), int(opening_month[5:7])
    years = []
    for _ in range(n_months):
        years.append(year)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return years


@SETTINGS
@given(case=scenarios())
def test_net_cost_of_the_collectivity_is_the_sum_of_its_own_flows(case):
    scenario = case.scenario
    results = quietly(tl.simulate, scenario, draws=DRAWS, seed=SEED)
    n_months = scenario.horizon_months
    years = calendar_years(scenario.simulation.opening_month, n_months)
    assert results.budget_years == sorted(set(years))

    # The central case keeps every budget line: their sum, line by line and month by month.
    lines = results.central.collectivity_budget_eur
    names = [str(name) for name in lines.budget_line.values]
    assert set(names) <= INVESTMENT_SECTION | OPERATING_SECTION, names
    monthly = {"investment": np.zeros(n_months), "operating": np.zeros(n_months)}
    for name in names:
        section = "investment" if name in INVESTMENT_SECTION else "operating"
        monthly[section] += lines.sel(budget_line=name).values
    central_net = monthly["investment"] + monthly["operating"]
    assert_close(results.central.collectivity_net_cost_eur.values, central_net, "central monthly")
    indicators = results.central_indicators
    assert_close(indicators["net_cost_eur"], central_net.sum(), "central net cost")
    for section in ("investment", "operating"):
        assert_close(indicators[f"net_cost_{section}_eur"], monthly[section].sum(), section)
    by_year = {}
    for year in results.budget_years:
        in_year = [m for m in range(n_months) if years[m] == year]
        by_year[year] = central_net[in_year].sum()
        assert_close(indicators[f"net_cost_{year}_eur"], by_year[year], f"central {year}")
        for section in ("investment", "operating"):
            assert_close(indicators[f"net_cost_{section}_{year}_eur"],
                         monthly[section][in_year].sum(), f"central {section} {year}")
    assert_close(indicators["net_cost_peak_year_eur"], max(by_year.values()), "peak year")

    # Every draw: the indicators add up its monthly net cost; the mean of the lines over the
    # draws adds up to the mean net cost.
    per_draw = results.dataset.collectivity_net_cost_eur.values
    frame = results.indicators
    assert_close(frame["net_cost_eur"].to_numpy(), per_draw.sum(axis=1), "net cost per draw")
    assert_close(frame["net_cost_investment_eur"] + frame["net_cost_operating_eur"],
                 frame["net_cost_eur"].to_numpy(), "sections per draw")
    yearly = np.column_stack([
        per_draw[:, [m for m in range(n_months) if years[m] == year]].sum(axis=1)
        for year in results.budget_years])
    for column, year in enumerate(results.budget_years):
        assert_close(frame[f"net_cost_{year}_eur"].to_numpy(), yearly[:, column], f"{year}")
    assert_close(frame["net_cost_peak_year_eur"].to_numpy(), yearly.max(axis=1), "peak year")
    mean_lines = results.monthly_mean.collectivity_budget_eur.values.sum(axis=-1)
    assert_close(mean_lines, per_draw.mean(axis=0), "mean of the lines")


# --- 6. save → load → simulate ------------------------------------------------------------

@SETTINGS
@given(case=scenarios(max_years=2))
def test_saved_and_loaded_scenario_gives_bit_identical_results(case):
    scenario = case.scenario
    reloaded = tl.parse_scenario_text(tl.scenario_to_toml(scenario))
    assert reloaded == scenario
    first = quietly(tl.simulate, scenario, draws=DRAWS, seed=SEED)
    again = quietly(tl.simulate, reloaded, draws=DRAWS, seed=SEED)
    assert again.dataset.identical(first.dataset)
    assert again.central.identical(first.central)
    assert again.indicators.equals(first.indicators)
    assert again.central_indicators.equals(first.central_indicators)
