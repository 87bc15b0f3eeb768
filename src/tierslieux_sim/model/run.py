"""The model's orchestrator: demand → capacity → revenue → costs → financing → accounts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from tierslieux_sim.model import accounts, costs, demand, financing, parties, public_money, revenue, territory
from tierslieux_sim.model.timeline import (
    calendar_month_of_year,
    seasonal_factor,
    smooth_ramp_rate,
    yearly_index_factor,
)

AIDED_CONTRACTS_LINE = "aided_contracts"


@dataclass
class Occupancy:
    """Users and desk use per month."""

    users_by_segment: dict[str, np.ndarray | float]
    served_user_days: np.ndarray
    turned_away_user_days: np.ndarray
    occupancy_rate: np.ndarray
    flex_occupancy_rate: np.ndarray
    served_users_by_product: dict[str, np.ndarray]
    user_days_by_product: dict[str, np.ndarray]
    #: user-days served of each segment (capacity shared at each product's served rate);
    #: they add up to ``served_user_days``
    served_user_days_by_segment: dict[str, np.ndarray | float]
    #: users and user-days that pay, by product: the served ones less newcomers in their
    #: free months (segments' ``free_months_for_new_users``); the served ones when none
    paying_users_by_product: dict[str, np.ndarray] | None = None
    paying_user_days_by_product: dict[str, np.ndarray] | None = None


@dataclass
class MonthlyAccounts:
    """Everything the model computes, per draw and month [€/month unless stated]."""

    occupancy: Occupancy
    revenue_by_line_eur: dict[str, np.ndarray]
    donations_by_line_eur: dict[str, np.ndarray]
    operating_costs_by_line_eur: dict[str, np.ndarray]
    subsidies_by_line_eur: dict[str, np.ndarray]
    subsidies_received_eur: np.ndarray
    in_kind_rent_eur: np.ndarray
    investment_eur: np.ndarray
    depreciation_eur: np.ndarray
    investment_grants_eur: np.ndarray
    loan_disbursed_eur: np.ndarray
    interest_eur: np.ndarray
    loan_repaid_eur: np.ndarray
    own_revenue_eur: np.ndarray
    donations_eur: np.ndarray
    subsidies_eur: np.ndarray
    operating_costs_eur: np.ndarray
    ebitda_eur: np.ndarray
    net_result_eur: np.ndarray
    cash_flow_eur: np.ndarray
    cash_eur: np.ndarray
    balancing_subsidy_eur: np.ndarray
    cash_after_balancing_eur: np.ndarray
    territory: territory.TerritoryImpacts
    investment_grants_by_line_eur: dict[str, np.ndarray]
    fctva_eur: np.ndarray
    in_kind_support_eur: np.ndarray
    initial_public_contribution_eur: np.ndarray
    public: public_money.PublicMoney
    operator_cash_eur: np.ndarray
    balancing_subsidy_voted_eur: np.ndarray
    grants_released_eur: np.ndarray
    operator_depreciation_eur: np.ndarray
    operator_interest_eur: np.ndarray
    renewal_depreciation_eur: np.ndarray
    investment_grant_amounts_eur: dict[str, np.ndarray]
    collectivity: parties.CollectivityBudget
    flows_between_parties_eur: dict[str, np.ndarray]

    @cached_property
    def public_money_eur(self) -> np.ndarray:
        """Public money each month, in cash paid (in-kind support valued apart but included):
        the sum of every ``(kind, funder)`` source of :attr:`public`."""
        return np.broadcast_to(_total(self.public.by_source_eur, self.cash_eur.shape),
                               self.cash_eur.shape)

    @cached_property
    def operator_shortfall_eur(self) -> np.ndarray:
        """What the operator lacks to keep its cash ≥ 0 (after every subsidy), cumulated [€]."""
        return parties.shortfall_eur(self.operator_cash_eur)

    @cached_property
    def full_cost_extra_eur(self) -> np.ndarray:
        """What full cost adds to operating costs: the depreciation of renewed assets and
        public in-kind support (premises lent free or at a reduced rent, seconded staff…)
        [€/month]; own revenue covering operating costs and this stands alone at full cost."""
        return np.asarray(parties.sum_lines((self.renewal_depreciation_eur,
                                             self.in_kind_rent_eur, self.in_kind_support_eur)))


def _total(lines: Mapping[Any, np.ndarray], shape: tuple[int, int]) -> np.ndarray:
    """Sum of lines, broadcast to ``shape``; lines constant across draws stay ``(1, months)``
    until added to one that varies (no full-size zeros to start from)."""
    return np.broadcast_to(parties.sum_lines(lines.values()), shape)


def _use_rate(used, capacity) -> np.ndarray:
    """``used ÷ capacity``, 0 where there is no capacity. ``capacity`` is a count, or an
    array by month when the capacity grows in stages (a schedule)."""
    if np.ndim(capacity) == 0:
        return used / capacity if capacity else 0.0 * used
    shape = np.broadcast_shapes(np.shape(used), np.shape(capacity))
    return np.divide(used, capacity, out=np.zeros(shape), where=np.asarray(capacity) > 0)


def occupancy_and_use(p: dict, n_months: int, opening_month_of_year: int) -> Occupancy:
    """Demand of every segment, capped by the site's capacity."""
    site, prices = p["site"], p["prices"]
    calendar_month = calendar_month_of_year(n_months, opening_month_of_year)
    segment_demands = {
        segment["name"]: demand.segment_demand(
            segment, prices, smooth_ramp_rate(n_months, segment["months_to_maturity"]),
            seasonal_factor(segment["seasonality"], calendar_month))
        for segment in p["demand"]["segments"]
    }
    flex_demand_days = sum(d.flex_user_days for d in segment_demands.values())
    flex_capacity_days = demand.usable_flex_desk_days(
        site["flex_desks"], site["open_days_per_month"], site["peak_to_mean_ratio"])
    flex_served_rate = demand.served_rate(flex_demand_days, flex_capacity_days)
    dedicated_served_rate = demand.served_rate(
        sum(d.users_by_product["dedicated_desk"] for d in segment_demands.values()),
        site["dedicated_desks"])
    office_seats = site["private_offices"] * site["seats_per_office"]
    office_served_rate = demand.served_rate(
        sum(d.users_by_product["office_seat"] for d in segment_demands.values()), office_seats)
    product_served_rate = {"day_pass": flex_served_rate, "ten_day_pack": flex_served_rate,
                           "flex_membership": flex_served_rate,
                           "dedicated_desk": dedicated_served_rate,
                           "office_seat": office_served_rate}

    # Demand summed over segments first, then served at the product's rate: users served
    # = rate × Σ users, user-days served = rate × Σ users × days (rates do not depend on the
    # segment), which saves a multiplication per segment and product.
    demanded_users_by_product: dict[str, np.ndarray | float] = {}
    demanded_days_by_product: dict[str, np.ndarray | float] = {}
    for product in demand.PRODUCTS:
        buyers = [d for d in segment_demands.values()
                  if isinstance(d.users_by_product[product], np.ndarray)]
        demanded_users_by_product[product] = sum(
            (d.users_by_product[product] for d in buyers), 0.0)
        demanded_days_by_product[product] = sum(
            (d.users_by_product[product] * d.days_per_month for d in buyers), 0.0)
    served_users_by_product = {product: demanded_users_by_product[product]
                               * product_served_rate[product] for product in demand.PRODUCTS}
    user_days_by_product = {product: demanded_days_by_product[product]
                            * product_served_rate[product] for product in demand.PRODUCTS}
    users_by_segment = {
        name: sum((d.users_by_product[product] * product_served_rate[product]
                   for product in demand.PRODUCTS
                   if isinstance(d.users_by_product[product], np.ndarray)), 0.0)
        for name, d in segment_demands.items()}
    served_user_days_by_segment = {
        name: sum((d.users_by_product[product] * d.days_per_month * product_served_rate[product]
                   for product in demand.PRODUCTS
                   if isinstance(d.users_by_product[product], np.ndarray)), 0.0)
        for name, d in segment_demands.items()}
    demanded_user_days = sum(demanded_days_by_product.values())
    served_user_days = sum(user_days_by_product.values())

    served_flex_desk_days = flex_demand_days * flex_served_rate
    workstations = site["flex_desks"] + site["dedicated_desks"] + office_seats
    occupied_workstations = (served_flex_desk_days / site["open_days_per_month"]
                             + served_users_by_product["dedicated_desk"]
                             + served_users_by_product["office_seat"])
    occupancy_rate = _use_rate(occupied_workstations, workstations)
    flex_occupancy_rate = _use_rate(served_flex_desk_days,
                                    site["flex_desks"] * site["open_days_per_month"])
    paying_users_by_product, paying_user_days_by_product = served_users_by_product, \
        user_days_by_product
    if any(isinstance(d.paying_share, np.ndarray) for d in segment_demands.values()):
        paying_users_by_product, paying_user_days_by_product = {}, {}
        for product in demand.PRODUCTS:
            buyers = [d for d in segment_demands.values()
                      if isinstance(d.users_by_product[product], np.ndarray)]
            paying_users_by_product[product] = product_served_rate[product] * sum(
                (d.users_by_product[product] * d.paying_share for d in buyers), 0.0)
            paying_user_days_by_product[product] = product_served_rate[product] * sum(
                (d.users_by_product[product] * d.days_per_month * d.paying_share
                 for d in buyers), 0.0)
    return Occupancy(users_by_segment, served_user_days, demanded_user_days - served_user_days,
                     occupancy_rate, flex_occupancy_rate, served_users_by_product,
                     user_days_by_product, served_user_days_by_segment,
                     paying_users_by_product, paying_user_days_by_product)


@dataclass
class InvestmentFlows:
    """Investment and its grants [€/month], and what the funding rules need [€]."""

    paid_eur: np.ndarray
    depreciation_eur: np.ndarray
    grants_by_line_eur: dict[str, np.ndarray]
    grant_amounts_eur: dict[str, np.ndarray]
    fctva_eur: np.ndarray
    initial_cost_borne_eur: np.ndarray
    default_eligible_cost_eur: np.ndarray
    renewals_paid_eur: np.ndarray
    first_depreciation_eur: np.ndarray
    renewals_depreciation_eur: np.ndarray
    works_month: int

    @cached_property
    def grants_eur(self) -> np.ndarray:
        """Every grant received [€/month] (read by both parties' accounts: summed once)."""
        return sum(self.grants_by_line_eur.values(), np.zeros((1, self.paid_eur.shape[1])))


def fctva_applies(structure: dict) -> bool:
    """FCTVA on the investment: a local-authority owner that does not recover VAT, in an
    eligible regime (CGCT art. L1615-2, L1615-6, L1615-7)."""
    return (structure["owner_type"] == "local_authority" and not structure["vat_recoverable"]
            and structure["fctva_regime"] != "not_eligible")


def investment_and_grants(p: dict, n_months: int) -> InvestmentFlows:
    """Investment paid (VAT included when the owner does not recover it), depreciation,
    grants by line on their payment schedules (a rate applies to the cost excluding VAT) and
    the FCTVA refund."""
    structure, reference = p["structure"], p["funding_reference"]
    borne = financing.borne_cost_factor(structure["investment_amounts_include_vat"],
                                        structure["vat_recoverable"], reference["vat_rate"])
    excluding_vat = financing.excluding_vat_factor(structure["investment_amounts_include_vat"],
                                                   reference["vat_rate"])
    zero = np.zeros((1, n_months))
    first_paid, renewals_paid, first_depreciation, renewals_depreciation = zero, zero, zero, zero
    for line in p["investment"]["lines"]:
        flows = financing.investment_line_purchases_eur(
            line, p["costs"]["yearly_indexation_rate"], n_months)
        first_paid = first_paid + flows.first_paid_eur * borne
        renewals_paid = renewals_paid + flows.renewals_paid_eur * borne
        first_depreciation = first_depreciation + flows.first_depreciation_eur * borne
        renewals_depreciation = renewals_depreciation + flows.renewals_depreciation_eur * borne
    paid_eur = first_paid + renewals_paid
    depreciation_eur = first_depreciation + renewals_depreciation
    initial_entered_eur = financing.initial_investment_eur(p["investment"]["lines"])
    eligible_cost_eur = (initial_entered_eur if excluding_vat == 1.0
                         else initial_entered_eur * excluding_vat)
    amounts = {grant["name"]: financing.investment_grant_amount_eur(grant, eligible_cost_eur)
               for grant in p["investment"]["grants"]}
    grants_by_line = {
        grant["name"]: financing.grant_payments_eur(
            amounts[grant["name"]], grant["advance_share"], grant["advance_delay_months"],
            grant["payment_delay_months"], n_months)
        for grant in p["investment"]["grants"]}
    fctva_eur = np.zeros((1, n_months))
    if fctva_applies(structure):
        delay = financing.fctva_delay_months(
            reference["fctva_delay_years"][structure["fctva_regime"]],
            structure["fctva_processing_delay_months"])
        fctva_eur = financing.fctva_refund_eur(paid_eur, reference["fctva_rate"], delay)
    works_month = min((line["purchase_month"] - 1 for line in p["investment"]["lines"]),
                      default=0)
    return InvestmentFlows(paid_eur, depreciation_eur, grants_by_line, amounts, fctva_eur,
                           initial_entered_eur * borne, eligible_cost_eur, renewals_paid,
                           first_depreciation, renewals_depreciation, works_month)


def in_kind_support(p: dict, n_months: int, cost_index: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Public in-kind support (all lines but volunteering), valued volunteering, and each
    public line by name [€/month]."""
    public_total, volunteer_total = np.zeros((1, n_months)), np.zeros((1, n_months))
    by_line = {}
    for line in p["public_support"]["in_kind"]:
        value = public_money.in_kind_line_eur(line, n_months, cost_index)
        if line["kind"] == "volunteer_time":
            volunteer_total = volunteer_total + value
        else:
            public_total = public_total + value
            by_line[line["name"]] = value
    return public_total, volunteer_total, by_line


def rent_vat_borne_by_operator_eur(p: dict, rent_eur: np.ndarray) -> np.ndarray | None:
    """VAT on the rent that the operator cannot recover [€/month], or None: a collectivity
    that lets its premises with the VAT option (it recovers VAT on the works, CGI art. 260)
    charges VAT on the rent, a cost for an operator under the franchise scheme."""
    structure = p["structure"]
    if (structure["premises_owner"] == "collectivity" and structure["vat_recoverable"]
            and structure["operator_vat"] == "franchise" and not p["costs"]["premises_lent_free"]):
        return rent_eur * p["funding_reference"]["vat_rate"]
    return None


def collectivity_pays(item: dict, lead: str) -> bool:
    """Whether a grant or subsidy is paid by the collectivity (its funder is the lead
    authority's level)."""
    return public_money.funder_of(item) == lead


@dataclass
class TwoParties:
    """The operator's cash and the collectivity's budget, and the flows between them."""

    cash_flow_eur: np.ndarray              # operator, before any balancing subsidy
    cash_before_balancing_eur: np.ndarray  # operator, without any balancing subsidy
    balancing_subsidy_eur: np.ndarray      # paid to the operator (all its funders)
    balancing_subsidy_voted_eur: np.ndarray
    operator_cash_eur: np.ndarray          # after every flow
    operator_depreciation_eur: np.ndarray
    operator_interest_eur: np.ndarray
    grants_released_eur: np.ndarray
    initial_public_contribution_eur: np.ndarray
    equipment_subsidy_eur: np.ndarray
    cash_advance_eur: np.ndarray
    cash_advance_repaid_eur: np.ndarray
    rent_received_eur: np.ndarray | None
    collectivity: parties.CollectivityBudget
    flows_between_eur: dict[str, np.ndarray]


def two_parties(p: dict, shape: tuple[int, int], opening_month_of_year: int,
                investment: InvestmentFlows, subsidy_received_lines: dict[str, np.ndarray],
                operating_cash_flow_eur: np.ndarray, rent_eur: np.ndarray,
                loan_disbursed_eur: np.ndarray, interest_eur: np.ndarray,
                loan_repaid_eur: np.ndarray) -> TwoParties:
    """Split the site's flows between the operator and the collectivity.

    The owner of the investment pays the works, draws and repays the loan and receives the
    grants and the FCTVA: the collectivity when ``owner_type`` is ``local_authority``, else
    the operator (then the collectivity may advance awaited grants and pay renewals with an
    equipment subsidy). The operator pays the rent, received by the collectivity when it
    owns the premises. Subsidies whose funder is the lead authority's level are paid by the
    collectivity; the balancing subsidy (modes with one) is voted per budget year on the
    operator's cash without it, and the collectivity pays its own share of it.

    ``operating_cash_flow_eur``: the operator's own revenue, donations and operating subsidies
    received minus its operating costs [€/month].
    """
    n_months = shape[1]
    structure, budget, support = p["structure"], p["budget"], p["public_support"]
    lead = structure["lead_authority_level"]
    collectivity_owns = structure["owner_type"] == "local_authority"
    zero = np.zeros((1, n_months))
    initial_cash = p["simulation"]["initial_cash_eur"]
    initial_public = financing.lump_sum_at(initial_cash * support["initial_cash_public_share"], 0,
                                           n_months)
    flows_between: dict[str, np.ndarray] = {}  # collectivity → operator (> 0) each month
    lines: dict[str, np.ndarray] = {}
    operator_flow = operating_cash_flow_eur + initial_public
    if support["initial_cash_public_share"] > 0 and initial_cash > 0:
        flows_between["initial_contribution"] = initial_public
        lines["initial_contribution_paid"] = initial_public
    collectivity_subsidies = [subsidy_received_lines[s["name"]] for s in p["operating_subsidies"]
                              if collectivity_pays(s, lead)]
    if collectivity_subsidies:
        paid = sum(collectivity_subsidies, zero)
        flows_between["operating_subsidies"] = paid
        lines["operating_subsidies_paid"] = paid
    rent_received = None
    if structure["premises_owner"] == "collectivity" and not p["costs"]["premises_lent_free"]:
        rent_received = rent_eur
        flows_between["rent"] = -rent_eur
        lines["rent_received"] = -rent_eur

    equipment, advance, advance_repaid = zero, zero, zero
    grants_released = zero
    if collectivity_owns:
        operator_depreciation, operator_interest = zero, zero
        lines["works_and_equipment_paid"] = investment.paid_eur
        lines["grants_received"] = -investment.grants_eur
        if fctva_applies(structure):
            lines["fctva_received"] = -investment.fctva_eur
        loan = p["loan"]["amount_eur"]
        if isinstance(loan, np.ndarray) or loan > 0:  # same lines in every chunk of draws
            lines["loan_drawn"] = -loan_disbursed_eur
            lines["loan_principal_repaid"] = loan_repaid_eur
            lines["interest_paid"] = interest_eur
    else:
        operator_depreciation, operator_interest = investment.depreciation_eur, interest_eur
        operator_flow = (operator_flow + investment.grants_eur + investment.fctva_eur
                         + loan_disbursed_eur - investment.paid_eur - interest_eur
                         - loan_repaid_eur)
        from_collectivity = [investment.grants_by_line_eur[g["name"]]
                             for g in p["investment"]["grants"] if collectivity_pays(g, lead)]
        if from_collectivity:
            paid = sum(from_collectivity, zero)
            flows_between["investment_grants"] = paid
            lines["grants_paid_to_operator"] = paid
        if budget["renewals_equipment_subsidy"]:
            equipment = investment.renewals_paid_eur
            flows_between["equipment_subsidy"] = equipment
            lines["equipment_subsidy_paid"] = equipment
        if budget["grant_cash_advance"] and p["investment"]["grants"]:
            advance, advance_repaid = parties.advance_and_repayment_eur(
                list(investment.grants_by_line_eur.values()), investment.works_month, n_months)
            flows_between["cash_advance"] = advance - advance_repaid
            lines["cash_advance_paid"] = advance
            lines["cash_advance_repaid"] = -advance_repaid
        operator_flow = operator_flow + equipment + advance - advance_repaid
        grants_released = released_grants_eur(investment, equipment)

    opening_cash = initial_cash * (1.0 - support["initial_cash_public_share"])
    cash_flow = np.broadcast_to(operator_flow, shape)
    cash_before = accounts.cash_position_eur(opening_cash, cash_flow)
    year_ranges = parties.budget_year_ranges(n_months, opening_month_of_year)
    if parties.management_mode(structure) not in parties.MODES_WITH_BALANCING:
        balancing = voted = np.zeros(shape)
    elif budget["balancing_subsidy_basis"] == "forecast":
        balancing = parties.balancing_subsidy_forecast_eur(cash_before, year_ranges)
        voted = balancing
    else:
        balancing, voted = parties.balancing_subsidy_at_close_eur(
            cash_before, year_ranges, budget["balancing_payment_month"] - 1,
            opening_month_of_year)
    shares = public_money.balancing_subsidy_shares(support["balancing_subsidy_split"], lead)
    lead_share = shares.get(lead, 0.0)
    if parties.management_mode(structure) in parties.MODES_WITH_BALANCING and lead_share > 0:
        paid_by_lead = balancing if lead_share == 1.0 else balancing * lead_share
        flows_between["balancing_subsidy"] = paid_by_lead
        lines["balancing_subsidy_paid"] = paid_by_lead
    operator_cash = cash_before + np.cumsum(balancing, axis=1)
    return TwoParties(
        cash_flow_eur=cash_flow, cash_before_balancing_eur=cash_before,
        balancing_subsidy_eur=balancing, balancing_subsidy_voted_eur=voted,
        operator_cash_eur=operator_cash, operator_depreciation_eur=operator_depreciation,
        operator_interest_eur=operator_interest, grants_released_eur=grants_released,
        initial_public_contribution_eur=initial_public, equipment_subsidy_eur=equipment,
        cash_advance_eur=advance, cash_advance_repaid_eur=advance_repaid,
        rent_received_eur=rent_received,
        collectivity=parties.CollectivityBudget(lines, shape), flows_between_eur=flows_between)


def released_grants_eur(investment: InvestmentFlows, equipment_subsidy_eur: np.ndarray
                        ) -> np.ndarray:
    """Investment grants released to the operator's income at the pace of the depreciation
    of what they financed (quote-part virée au résultat, PCG art. 312-1) [€/month]: the grants
    awarded on the first purchases in proportion to their depreciation; an equipment subsidy
    that pays a renewal in full, like the renewal's depreciation."""
    awarded = np.asarray(sum(investment.grant_amounts_eur.values(), 0.0), dtype=float)
    cost = np.asarray(investment.initial_cost_borne_eur, dtype=float)
    share = np.divide(awarded, cost, out=np.zeros(np.broadcast(awarded, cost).shape),
                      where=cost > 0)
    released = np.minimum(share, 1.0) * investment.first_depreciation_eur
    if np.any(equipment_subsidy_eur):
        released = released + investment.renewals_depreciation_eur
    return released


def public_money_of_run(p: dict, shape: tuple[int, int], investment: InvestmentFlows,
                        subsidy_lines: dict[str, np.ndarray],
                        subsidy_received_lines: dict[str, np.ndarray], both: TwoParties,
                        in_kind_rent_eur: np.ndarray, in_kind_by_line: dict[str, np.ndarray],
                        volunteer_time_eur: np.ndarray, loan_disbursed_eur: np.ndarray,
                        interest_eur: np.ndarray, loan_repaid_eur: np.ndarray
                        ) -> public_money.PublicMoney:
    """Public money by kind and funder level, in cash paid within the horizon (in-kind
    support valued apart), and the per-draw inputs of the funding rules.

    The collectivity's own money is its net cost: its self-financing of the investment it owns
    (works paid − grants − FCTVA − loan drawn + loan repaid + interest), the subsidies and
    advances it pays the operator, minus the rent it receives. A grant awaited is bridged by
    whoever paid the works and counted once, when it is paid.
    """
    structure, support = p["structure"], p["public_support"]
    lead = structure["lead_authority_level"]
    sources: dict[tuple[str, str], np.ndarray] = {}
    add = public_money.add_source
    for grant in p["investment"]["grants"]:
        add(sources, "investment_grants", public_money.funder_of(grant),
            investment.grants_by_line_eur[grant["name"]])
    if np.any(both.equipment_subsidy_eur):
        add(sources, "investment_grants", lead, both.equipment_subsidy_eur)
    for subsidy in p["operating_subsidies"]:
        add(sources, "operating_subsidies", public_money.funder_of(subsidy),
            subsidy_received_lines[subsidy["name"]])
    if any(position["aided_contract_support_rate"] > 0 and position["aided_contract_months"] > 0
           for position in p["staff"]):
        add(sources, "operating_subsidies", "state", subsidy_received_lines[AIDED_CONTRACTS_LINE])
    if parties.management_mode(structure) in parties.MODES_WITH_BALANCING:
        shares = public_money.balancing_subsidy_shares(support["balancing_subsidy_split"], lead)
        for funder, monthly in public_money.split_by_funder(both.balancing_subsidy_eur,
                                                            shares).items():
            add(sources, "balancing_subsidy", funder, monthly)
    if p["costs"]["premises_lent_free"] or p["costs"]["rent_discount_rate"] > 0:
        add(sources, "in_kind", public_money.support_funder(support["premises_lent_by"], lead),
            in_kind_rent_eur)
    for line in support["in_kind"]:
        if line["name"] in in_kind_by_line:
            add(sources, "in_kind", public_money.support_funder(line["funder"], lead),
                in_kind_by_line[line["name"]])
    if support["initial_cash_public_share"] > 0 and p["simulation"]["initial_cash_eur"] > 0:
        add(sources, "initial_contribution", lead, both.initial_public_contribution_eur)
    if fctva_applies(structure):
        add(sources, "fctva", "state", investment.fctva_eur)
    if structure["owner_type"] == "local_authority" and p["investment"]["lines"]:
        receipts = parties.sum_lines((investment.grants_eur, investment.fctva_eur,
                                            loan_disbursed_eur, -loan_repaid_eur, -interest_eur))
        add(sources, "owner_self_financing", lead, investment.paid_eur - receipts)
    if np.any(both.cash_advance_eur):
        add(sources, "cash_advances", lead, both.cash_advance_eur - both.cash_advance_repaid_eur)
    if both.rent_received_eur is not None:
        add(sources, "rent_received", lead, -both.rent_received_eur)
    rule_inputs = funding_rule_inputs(p, shape, investment, subsidy_received_lines, both,
                                      in_kind_rent_eur + sum(in_kind_by_line.values(), 0.0))
    return public_money.PublicMoney(sources, volunteer_time_eur, rule_inputs)


def funding_rule_inputs(p: dict, shape: tuple[int, int], investment: InvestmentFlows,
                        subsidy_received_lines: dict[str, np.ndarray], both: TwoParties,
                        in_kind_eur: np.ndarray) -> dict[str, np.ndarray]:
    """Per draw, what each applicable funding rule is checked on (see
    ``tierslieux_sim.engine.rules``): the owner's share of the public funding of its investment, DETR
    + DSIL as a share of their eligible cost, the largest yearly Fabrique de Territoire amount,
    the largest aid to an undertaking over the de minimis period (the SIEG ceiling under a
    concession), the general budget's cover of an SPIC's deficit, and the largest yearly
    subsidy of the collectivity to a private operator outside a subsidy convention.

    Aid to an undertaking: an operator receives the operating subsidies (not the aided
    contracts, a general employment measure), in-kind support, the public initial
    contribution, the balancing subsidy and equipment subsidies; an owner that is an
    undertaking also receives the investment grants.
    """
    structure, n_months = p["structure"], shape[1]
    mode = parties.management_mode(structure)
    grants, subsidies = p["investment"]["grants"], p["operating_subsidies"]
    inputs: dict[str, np.ndarray] = {}
    if structure["owner_type"] == "local_authority" and p["investment"]["lines"]:
        awarded = sum(investment.grant_amounts_eur.values(), 0.0)
        inputs["owner_self_financing_share"] = public_money.owner_self_financing_share(
            investment.initial_cost_borne_eur, awarded)
    state_investment = [grant for grant in grants if grant["programme"] in ("detr", "dsil")]
    if state_investment:
        awarded = sum((investment.grant_amounts_eur[grant["name"]] for grant in state_investment),
                      0.0)
        eligible = np.maximum.reduce([
            np.asarray(investment.default_eligible_cost_eur if grant["eligible_cost_eur"] is None
                       else grant["eligible_cost_eur"], dtype=float)
            for grant in state_investment])
        inputs["detr_dsil_share_of_eligible_cost"] = np.divide(
            awarded, eligible, out=np.full(np.broadcast(awarded, eligible).shape, np.nan),
            where=eligible > 0)
    fabrique = ([subsidy_received_lines[s["name"]] for s in subsidies
                 if s["programme"] == "fabrique_de_territoire"]
                + [investment.grants_by_line_eur[g["name"]] for g in grants
                   if g["programme"] == "fabrique_de_territoire"])
    if fabrique:
        inputs["fabrique_max_yearly_eur"] = public_money.max_over_years(
            np.broadcast_to(sum(fabrique, np.zeros((1, n_months))), shape), n_months)
    operator_aided = structure["operator_type"] in public_money.UNDERTAKINGS
    owner_aided = structure["owner_type"] in public_money.UNDERTAKINGS
    if operator_aided or owner_aided:
        aid = np.zeros(shape)
        if operator_aided:
            operating = [line for name, line in subsidy_received_lines.items()
                         if name != AIDED_CONTRACTS_LINE]
            aid = (aid + sum(operating, 0.0) + both.balancing_subsidy_eur + in_kind_eur
                   + both.initial_public_contribution_eur + both.equipment_subsidy_eur)
        if owner_aided:
            aid = aid + investment.grants_eur
        name = ("de_minimis_sieg_aid_max_3_years_eur" if mode == "concession"
                else "de_minimis_aid_max_3_years_eur")
        inputs[name] = public_money.max_rolling_sum(
            aid, p["funding_reference"]["de_minimis_period_months"])
    if mode == "regie_spic":
        inputs["spic_general_budget_cover_eur"] = np.broadcast_to(
            both.balancing_subsidy_eur, shape).sum(axis=1)
    if mode in ("rental", "concession") and operator_aided:
        flows = both.flows_between_eur
        to_operator = sum((flows[name] for name in ("operating_subsidies", "equipment_subsidy",
                                                    "investment_grants", "initial_contribution")
                           if name in flows), np.zeros((1, n_months)))
        inputs["collectivity_max_yearly_subsidy_eur"] = public_money.max_over_years(
            np.broadcast_to(to_operator, shape), n_months)
    return inputs


def run_model(p: dict, n_draws: int, n_months: int, opening_month_of_year: int
              ) -> MonthlyAccounts:
    """Simulate ``n_months`` months for ``n_draws`` draws of the plain parameters ``p``.

    ``p`` mirrors the scenario: uncertain leaves are ``(draws, 1)`` arrays, fixed ones floats;
    each grant and operating subsidy carries an ``award_uniform`` column; ``p["territory"]``
    has its reference values filled in and ``carbon_value_eur_per_tco2e_by_month``;
    ``p["funding_reference"]`` holds the VAT and FCTVA rates, the FCTVA lags by regime and the
    de minimis period (see ``tierslieux_sim.engine.rules.funding_reference``).
    """
    shape = (n_draws, n_months)
    price_index = yearly_index_factor(p["prices"]["yearly_indexation_rate"], n_months)
    cost_index = yearly_index_factor(p["costs"]["yearly_indexation_rate"], n_months)
    services_ramp = smooth_ramp_rate(n_months, p["services"]["months_to_maturity"])

    use = occupancy_and_use(p, n_months, opening_month_of_year)

    room_hours = revenue.meeting_room_hours_served(
        p["services"]["meeting_room_hours_per_month"], services_ramp, p["site"]["meeting_rooms"],
        p["site"]["meeting_room_bookable_hours_per_day"], p["site"]["open_days_per_month"])
    revenue_lines = {
        **revenue.desk_revenue_eur(use.paying_users_by_product or use.served_users_by_product,
                                   use.paying_user_days_by_product or use.user_days_by_product,
                                   p["prices"], price_index),
        **revenue.services_revenue_eur(p["services"], p["prices"], room_hours, services_ramp,
                                       price_index),
    }
    donation_lines: dict[str, Any] = {}
    for line in p["revenue_lines"]:
        target = donation_lines if line["kind"] == "donation" else revenue_lines
        target[line["name"]] = revenue.free_form_line_eur(line, n_months)

    rent_eur, energy_eur, in_kind_rent_eur = costs.premises_costs_eur(
        p["site"]["surface_m2"], p["costs"], cost_index)
    rent_eur, in_kind_rent_eur = public_money.below_market_rent_eur(
        rent_eur, in_kind_rent_eur, p["costs"]["rent_discount_rate"])
    cost_lines = {"rent": rent_eur, "energy": energy_eur}
    for line in p["costs"]["fixed_lines"]:
        cost_lines[line["name"]] = costs.fixed_line_eur(line, cost_index)
    cost_lines["consumables"] = costs.consumables_eur(use.served_user_days, p["costs"], cost_index)
    staff_costs, staff_aids = zip(*(costs.staff_position_cost_eur(position, n_months, cost_index)
                                    for position in p["staff"]), strict=True) if p["staff"] else ((), ())
    cost_lines["staff"] = sum(staff_costs, np.zeros((1, n_months)))

    subsidy_lines, subsidy_received_lines = {}, {}
    for subsidy in p["operating_subsidies"]:
        accrued, received = financing.operating_subsidy_flows_eur(subsidy, n_months)
        subsidy_lines[subsidy["name"]] = accrued
        subsidy_received_lines[subsidy["name"]] = received
    subsidy_lines[AIDED_CONTRACTS_LINE] = sum(staff_aids, np.zeros((1, n_months)))
    subsidy_received_lines[AIDED_CONTRACTS_LINE] = subsidy_lines[AIDED_CONTRACTS_LINE]
    subsidies_received = sum(subsidy_received_lines.values(), np.zeros((1, n_months)))

    investment = investment_and_grants(p, n_months)
    investment_eur, depreciation_eur = investment.paid_eur, investment.depreciation_eur
    investment_grants_eur = investment.grants_eur
    loan_disbursed, interest_eur, loan_repaid = financing.loan_flows_eur(p["loan"], n_months)
    in_kind_support_eur, volunteer_time_eur, in_kind_by_line = in_kind_support(p, n_months,
                                                                               cost_index)

    own_revenue = _total(revenue_lines, shape)
    donations = _total(donation_lines, shape)
    subsidies = _total(subsidy_lines, shape)
    rent_vat_eur = rent_vat_borne_by_operator_eur(p, rent_eur)
    if rent_vat_eur is not None:
        cost_lines["rent"] = rent_eur + rent_vat_eur
    operating_costs = _total(cost_lines, shape)
    ebitda = own_revenue + donations + subsidies - operating_costs
    both = two_parties(p, shape, opening_month_of_year, investment, subsidy_received_lines,
                       own_revenue + donations + subsidies_received - operating_costs,
                       rent_eur, loan_disbursed, interest_eur, loan_repaid)
    net_result = (ebitda + both.balancing_subsidy_eur - both.operator_depreciation_eur
                  + both.grants_released_eur - both.operator_interest_eur)
    public = public_money_of_run(
        p, shape, investment, subsidy_lines, subsidy_received_lines, both, in_kind_rent_eur,
        in_kind_by_line, volunteer_time_eur, loan_disbursed, interest_eur, loan_repaid)

    return MonthlyAccounts(
        occupancy=use,
        revenue_by_line_eur=revenue_lines,
        donations_by_line_eur=donation_lines,
        operating_costs_by_line_eur=cost_lines,
        subsidies_by_line_eur=subsidy_lines,
        subsidies_received_eur=subsidies_received,
        in_kind_rent_eur=in_kind_rent_eur,
        investment_eur=investment_eur,
        depreciation_eur=depreciation_eur,
        investment_grants_eur=investment_grants_eur,
        loan_disbursed_eur=loan_disbursed,
        interest_eur=interest_eur,
        loan_repaid_eur=loan_repaid,
        own_revenue_eur=own_revenue,
        donations_eur=donations,
        subsidies_eur=subsidies,
        operating_costs_eur=operating_costs,
        ebitda_eur=ebitda,
        net_result_eur=net_result,
        cash_flow_eur=both.cash_flow_eur,
        cash_eur=both.cash_before_balancing_eur,
        balancing_subsidy_eur=both.balancing_subsidy_eur,
        cash_after_balancing_eur=both.operator_cash_eur,
        territory=territory.territory_impacts(
            use.served_user_days,
            territory.commuting_user_days(use.served_user_days_by_segment,
                                          p["demand"]["segments"]),
            p["territory"]),
        investment_grants_by_line_eur=investment.grants_by_line_eur,
        fctva_eur=investment.fctva_eur,
        in_kind_support_eur=in_kind_support_eur,
        initial_public_contribution_eur=both.initial_public_contribution_eur,
        public=public,
        operator_cash_eur=both.operator_cash_eur,
        balancing_subsidy_voted_eur=both.balancing_subsidy_voted_eur,
        grants_released_eur=both.grants_released_eur,
        operator_depreciation_eur=both.operator_depreciation_eur,
        operator_interest_eur=both.operator_interest_eur,
        renewal_depreciation_eur=investment.renewals_depreciation_eur,
        investment_grant_amounts_eur=investment.grant_amounts_eur,
        collectivity=both.collectivity,
        flows_between_parties_eur=both.flows_between_eur,
    )
