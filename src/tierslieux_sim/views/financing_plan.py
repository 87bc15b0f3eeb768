"""The financing plan of the initial investment at median inputs (grants, FCTVA, loan, the
owner's self-financing), computed with the model's own investment and grant functions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tierslieux_sim.engine.results import Results
from tierslieux_sim.engine.rules import funding_reference
from tierslieux_sim.model import financing
from tierslieux_sim.model.public_money import funder_of
from tierslieux_sim.model.run import fctva_applies, investment_and_grants
from tierslieux_sim.scenario.paths import plain_parameters


def financing_plan(results: Results) -> pd.DataFrame:
    """The financing plan of the initial investment (first purchases) at median inputs.

    One row per resource: each investment grant (amount if awarded, probability,
    expected amount, payment schedule), the FCTVA, the loan and the owner's
    self-financing (the rest, if every grant is awarded and in expectation). Shares are of
    the cost the owner bears; ``attrs`` holds that cost, its part excluding VAT and the
    VAT it bears.
    """
    scenario = results.scenario
    p = plain_parameters(scenario, lambda _path, law: np.array([[law.median()]]))
    p["funding_reference"] = reference = funding_reference()
    for grant in p["investment"]["grants"]:
        grant["award_uniform"] = 0.0  # amounts if awarded; probabilities shown apart
        grant["award_probability"] = 1.0
    flows = investment_and_grants(p, scenario.horizon_months)
    cost = float(np.asarray(flows.initial_cost_borne_eur).sum())
    structure = p["structure"]
    excluding_vat = float(np.asarray(flows.default_eligible_cost_eur).sum())
    rows = []
    for grant, original in zip(p["investment"]["grants"], scenario.investment.grants,
                               strict=True):
        amount = float(np.asarray(flows.grant_amounts_eur[grant["name"]]).sum())
        rows.append({"line": grant["name"], "kind": "grant", "programme": grant["programme"],
                     "funder": funder_of(grant), "award_probability":
                     original.award_probability, "amount_eur": amount,
                     "expected_eur": amount * original.award_probability,
                     "advance_share": grant["advance_share"],
                     "advance_delay_months": grant["advance_delay_months"],
                     "payment_delay_months": grant["payment_delay_months"]})
    if fctva_applies(structure):
        delay = financing.fctva_delay_months(
            reference["fctva_delay_years"][structure["fctva_regime"]],
            structure["fctva_processing_delay_months"])
        amount = reference["fctva_rate"] * cost
        rows.append({"line": "fctva", "kind": "fctva", "funder": "state",
                     "award_probability": 1.0, "amount_eur": amount, "expected_eur": amount,
                     "payment_delay_months": delay})
    loan = float(np.asarray(p["loan"]["amount_eur"]).sum())
    if loan > 0:
        rows.append({"line": "loan", "kind": "loan", "award_probability": 1.0,
                     "amount_eur": loan, "expected_eur": loan,
                     "payment_delay_months": p["loan"]["disbursement_month"] - 1})
    resources = pd.DataFrame(rows, columns=[
        "line", "kind", "programme", "funder", "award_probability", "amount_eur",
        "expected_eur", "advance_share", "advance_delay_months", "payment_delay_months"])
    self_financing = {"line": "self_financing", "kind": "self_financing",
                      "amount_eur": cost - resources["amount_eur"].sum(),
                      "expected_eur": cost - resources["expected_eur"].sum()}
    plan = pd.concat([resources, pd.DataFrame([self_financing])], ignore_index=True)
    plan["share_of_cost"] = plan["amount_eur"] / cost if cost > 0 else np.nan
    plan["expected_share_of_cost"] = plan["expected_eur"] / cost if cost > 0 else np.nan
    plan.attrs.update(cost_eur=cost, cost_excluding_vat_eur=excluding_vat,
                      vat_borne_eur=cost - excluding_vat)
    return plan.set_index("line")
