"""The model's orchestrator: demand → capacity → revenue → costs → financing → accounts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import accounts, costs, demand, financing, revenue, territory
from .timeline import (
    calendar_month_of_year,
    seasonal_factor,
    smooth_ramp_rate,
    yearly_index_factor,
)

AIDED_CONTRACTS_LINE = "aided_contracts"


@dataclass
class Occupancy:
    """Users and desk use per month."""

    users_by_segment: dict[str, np.ndarray]
    served_user_days: np.ndarray
    turned_away_user_days: np.ndarray
    occupancy_rate: np.ndarray
    flex_occupancy_rate: np.ndarray
    served_users_by_product: dict[str, np.ndarray]
    user_days_by_product: dict[str, np.ndarray]


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

    @property
    def public_money_eur(self) -> np.ndarray:
        """Public money each month: investment grants received, operating subsidies (incl.
        aided contracts), balancing subsidy, and the market rent of premises lent free."""
        return (self.investment_grants_eur + self.subsidies_eur + self.balancing_subsidy_eur
                + self.in_kind_rent_eur)


def _total(lines: dict[str, np.ndarray], shape: tuple[int, int]) -> np.ndarray:
    total = np.zeros(shape)
    for line in lines.values():
        total = total + line
    return total


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

    served_users_by_product = {product: 0.0 for product in demand.PRODUCTS}
    user_days_by_product = {product: 0.0 for product in demand.PRODUCTS}
    users_by_segment = {}
    for name, segment_demand in segment_demands.items():
        segment_users = 0.0
        for product in demand.PRODUCTS:
            if not isinstance(segment_demand.users_by_product[product], np.ndarray):
                continue  # a product this segment does not buy (a scalar 0)
            served = segment_demand.users_by_product[product] * product_served_rate[product]
            served_users_by_product[product] = served_users_by_product[product] + served
            user_days_by_product[product] = (user_days_by_product[product]
                                             + served * segment_demand.days_per_month)
            segment_users = segment_users + served
        users_by_segment[name] = segment_users
    demanded_user_days = sum(
        sum(d.users_by_product.values()) * d.days_per_month for d in segment_demands.values())
    served_user_days = sum(user_days_by_product.values())

    served_flex_desk_days = flex_demand_days * flex_served_rate
    workstations = site["flex_desks"] + site["dedicated_desks"] + office_seats
    occupied_workstations = (served_flex_desk_days / site["open_days_per_month"]
                             + served_users_by_product["dedicated_desk"]
                             + served_users_by_product["office_seat"])
    occupancy_rate = occupied_workstations / workstations if workstations else 0.0 * occupied_workstations
    flex_capacity = site["flex_desks"] * site["open_days_per_month"]
    flex_occupancy_rate = (served_flex_desk_days / flex_capacity if flex_capacity
                           else 0.0 * served_flex_desk_days)
    return Occupancy(users_by_segment, served_user_days, demanded_user_days - served_user_days,
                     occupancy_rate, flex_occupancy_rate, served_users_by_product,
                     user_days_by_product)


def run_model(p: dict, n_draws: int, n_months: int, opening_month_of_year: int
              ) -> MonthlyAccounts:
    """Simulate ``n_months`` months for ``n_draws`` draws of the plain parameters ``p``.

    ``p`` mirrors the scenario: uncertain leaves are ``(draws, 1)`` arrays, fixed ones floats;
    each grant and operating subsidy carries an ``award_uniform`` column; ``p["territory"]``
    has its reference values filled in and ``carbon_value_eur_per_tco2e_by_month``.
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
        **revenue.desk_revenue_eur(use.served_users_by_product, use.user_days_by_product,
                                   p["prices"], price_index),
        **revenue.services_revenue_eur(p["services"], p["prices"], room_hours, services_ramp,
                                       price_index),
    }
    donation_lines = {}
    for line in p["revenue_lines"]:
        target = donation_lines if line["kind"] == "donation" else revenue_lines
        target[line["name"]] = revenue.free_form_line_eur(line, n_months)

    rent_eur, energy_eur, in_kind_rent_eur = costs.premises_costs_eur(
        p["site"]["surface_m2"], p["costs"], cost_index)
    cost_lines = {"rent": rent_eur, "energy": energy_eur}
    for line in p["costs"]["fixed_lines"]:
        cost_lines[line["name"]] = costs.fixed_line_eur(line, cost_index)
    cost_lines["consumables"] = costs.consumables_eur(use.served_user_days, p["costs"], cost_index)
    staff_costs, staff_aids = zip(*(costs.staff_position_cost_eur(position, n_months, cost_index)
                                    for position in p["staff"]), strict=True) if p["staff"] else ((), ())
    cost_lines["staff"] = sum(staff_costs, np.zeros((1, n_months)))

    subsidy_lines, subsidies_received = {}, np.zeros((1, n_months))
    for subsidy in p["operating_subsidies"]:
        accrued, received = financing.operating_subsidy_flows_eur(subsidy, n_months)
        subsidy_lines[subsidy["name"]] = accrued
        subsidies_received = subsidies_received + received
    subsidy_lines[AIDED_CONTRACTS_LINE] = sum(staff_aids, np.zeros((1, n_months)))
    subsidies_received = subsidies_received + subsidy_lines[AIDED_CONTRACTS_LINE]

    investment_eur, depreciation_eur = np.zeros((1, n_months)), np.zeros((1, n_months))
    for line in p["investment"]["lines"]:
        spent, depreciated = financing.investment_line_flows_eur(
            line, p["costs"]["yearly_indexation_rate"], n_months)
        investment_eur, depreciation_eur = investment_eur + spent, depreciation_eur + depreciated
    eligible_cost_eur = financing.initial_investment_eur(p["investment"]["lines"])
    investment_grants_eur = sum(
        (financing.lump_sum_at(financing.investment_grant_amount_eur(grant, eligible_cost_eur),
                               grant["payment_delay_months"], n_months)
         for grant in p["investment"]["grants"]), np.zeros((1, n_months)))
    loan_disbursed, interest_eur, loan_repaid = financing.loan_flows_eur(p["loan"], n_months)

    own_revenue = _total(revenue_lines, shape)
    donations = _total(donation_lines, shape)
    subsidies = _total(subsidy_lines, shape)
    operating_costs = _total(cost_lines, shape)
    ebitda = own_revenue + donations + subsidies - operating_costs
    net_result = ebitda - depreciation_eur - interest_eur
    cash_flow = (own_revenue + donations + subsidies_received + investment_grants_eur
                 + loan_disbursed - operating_costs - investment_eur - interest_eur - loan_repaid)
    cash = accounts.cash_position_eur(p["simulation"]["initial_cash_eur"], cash_flow)
    cumulative_balancing = accounts.cumulative_balancing_subsidy_eur(cash)

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
        cash_flow_eur=cash_flow,
        cash_eur=cash,
        balancing_subsidy_eur=accounts.monthly_increments(cumulative_balancing),
        cash_after_balancing_eur=cash + cumulative_balancing,
        territory=territory.territory_impacts(
            use.served_user_days, p["territory"],
            p["territory"]["carbon_value_eur_per_tco2e_by_month"]),
    )
