"""Step 2 of the pipeline, *evaluate*: the model's accounts and per-draw indicators for given
input values. Pure: no randomness, the same inputs give the same outputs; the analyses call
it directly with the inputs they choose (tornado swings, Sobol' designs, solve)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tierslieux_sim.core.reference import reference_value
from tierslieux_sim.engine.finite import check_finite_chunk
from tierslieux_sim.engine.inputs import Inputs
from tierslieux_sim.engine.rules import funding_reference
from tierslieux_sim.model import MonthlyAccounts, run_model
from tierslieux_sim.model.accounts import draw_indicators
from tierslieux_sim.model.appraisal_values import appraisal_parameters
from tierslieux_sim.model.parties import budget_year_ranges, collectivity_indicators
from tierslieux_sim.model.public_money import public_money_indicators
from tierslieux_sim.model.territory import (
    deflator,
    discount_factor,
    socio_economic_discount_rate,
    territory_indicators,
)
from tierslieux_sim.scenario.labels import AWARD_SUFFIX
from tierslieux_sim.scenario.paths import plain_parameters
from tierslieux_sim.scenario.schedules import resolve_schedules
from tierslieux_sim.scenario.schema import Scenario


def model_parameters(scenario: Scenario, values: dict[str, np.ndarray]) -> dict[str, Any]:
    """The plain parameter tree for the model: each drawn leaf a ``(draws, 1)`` column;
    territory values the scenario leaves out come from reference data, and so do the VAT,
    FCTVA and de minimis values in ``funding_reference``."""
    parameters = resolve_schedules(
        plain_parameters(scenario, lambda path, _d: values[path][:, None]),
        scenario.simulation.opening_month, scenario.horizon_months)
    parameters["territory"] = appraisal_parameters(
        parameters["territory"], scenario.simulation.opening_month, scenario.horizon_months)
    parameters["funding_reference"] = funding_reference()
    for key, items in (("grants", parameters["investment"]["grants"]),
                       ("subsidies", parameters["operating_subsidies"])):
        prefix = "investment.grants" if key == "grants" else "operating_subsidies"
        for i, item in enumerate(items):
            item["award_uniform"] = values[f"{prefix}[{i}]{AWARD_SUFFIX}"][:, None]
    return parameters


def territory_draw_indicators(accounts: Any, public_money_eur: np.ndarray, scenario: Scenario,
                              values: dict[str, np.ndarray], n_draws: int
                              ) -> dict[str, np.ndarray]:
    """Impacts totals and the socio-economic appraisal per draw: constant euros of the opening
    year, discounted at the public rate ``1.2 % + β × 2 %`` (``model.territory``)."""
    beta_path = "territory.discount_beta"
    beta = values[beta_path][:, None] if beta_path in values else scenario.territory.discount_beta
    rate = socio_economic_discount_rate(float(reference_value("discount.risk_free_rate").value),
                                        float(reference_value("discount.risk_premium").value),
                                        beta)
    factor = discount_factor(rate, scenario.horizon_months)
    appraisal = appraisal_parameters({}, scenario.simulation.opening_month, 1)
    indicators = territory_indicators(
        accounts.territory, public_money_eur, factor,
        deflator_by_month=deflator(appraisal["inflation_rate"], scenario.horizon_months),
        investment_paid_eur=accounts.investment_eur, depreciation_eur=accounts.depreciation_eur,
        public_funds_cost_factor=appraisal["public_funds_cost_factor"])
    # Jobs hosted: desk-days served over the horizon in full-time equivalents (a full-time
    # job fills a desk every open day).
    served_user_days = np.broadcast_to(accounts.occupancy.served_user_days,
                                       (n_draws, scenario.horizon_months))
    indicators["jobs_hosted_fte"] = served_user_days.sum(axis=1) / (
        scenario.site.open_days_per_month * scenario.horizon_months)
    indicators["discount_rate"] = np.broadcast_to(np.asarray(rate, dtype=float).reshape(-1),
                                                  (n_draws,)).copy()
    return indicators


def operator_indicators(accounts: Any, n_draws: int, n_months: int) -> dict[str, np.ndarray]:
    """Per draw: what the operator lacks at worst after every subsidy, its cash at the horizon, the balancing
    subsidy voted (paid or not within the horizon), and grants and subsidies granted over
    the horizon [€]."""
    shape = (n_draws, n_months)
    subsidies_received = np.broadcast_to(accounts.subsidies_received_eur, shape)
    return {
        "operator_shortfall_max_eur": accounts.operator_shortfall_eur[:, -1],
        "operator_cash_at_horizon_eur": accounts.operator_cash_eur[:, -1],
        "balancing_subsidy_voted_eur": np.broadcast_to(accounts.balancing_subsidy_voted_eur,
                                                       shape).sum(axis=1),
        "investment_grants_awarded_eur": np.broadcast_to(np.asarray(
            sum(accounts.investment_grant_amounts_eur.values(), 0.0), dtype=float).reshape(-1),
            (n_draws,)).copy(),
        "investment_grants_paid_eur": np.broadcast_to(accounts.investment_grants_eur,
                                                      shape).sum(axis=1),
        "operating_subsidies_granted_eur": np.broadcast_to(accounts.subsidies_eur,
                                                           shape).sum(axis=1),
        "operating_subsidies_paid_eur": subsidies_received.sum(axis=1),
    }



def evaluate(scenario: Scenario, inputs: Inputs) -> tuple[MonthlyAccounts, dict[str, np.ndarray]]:
    """The model's monthly accounts and per-draw indicators for ``inputs`` (every random input
    of the scenario's :class:`~.inputs.InputPlan`, each a ``(draws,)`` array).

    Raises :class:`~tierslieux_sim.scenario.errors.ScenarioError` when a value is not finite
    (a NaN or an infinity is an error, not a result)."""
    n_draws = len(next(iter(inputs.values()))) if inputs else 1
    n_months = scenario.horizon_months
    opening_month_of_year = int(scenario.simulation.opening_month[5:7]) - 1
    first_budget_year = int(scenario.simulation.opening_month[:4])
    year_ranges = budget_year_ranges(n_months, opening_month_of_year)
    accounts = run_model(model_parameters(scenario, inputs), n_draws, n_months,
                         opening_month_of_year)
    indicators = draw_indicators(accounts.own_revenue_eur, accounts.operating_costs_eur,
                                 accounts.cash_eur, accounts.balancing_subsidy_eur,
                                 np.broadcast_to(accounts.occupancy.occupancy_rate,
                                                 (n_draws, n_months)),
                                 accounts.full_cost_extra_eur)
    indicators.update(operator_indicators(accounts, n_draws, n_months))
    public_money = np.broadcast_to(accounts.public_money_eur, (n_draws, n_months))
    indicators["public_money_eur"] = public_money.sum(axis=1)
    indicators.update(territory_draw_indicators(accounts, public_money, scenario, inputs,
                                                n_draws))
    indicators.update(collectivity_indicators(
        accounts.collectivity, year_ranges, first_budget_year,
        discount_factor(indicators["discount_rate"][:, None], n_months)))
    indicators.update(public_money_indicators(
        accounts.public, np.broadcast_to(sum(accounts.occupancy.users_by_segment.values()),
                                         (n_draws, n_months)),
        accounts.occupancy.served_user_days, scenario.site.open_days_per_month,
        scenario.public_support.population_inhabitants, n_draws))
    check_finite_chunk(accounts, indicators)  # a NaN or an infinity is an error
    return accounts, indicators
