"""The two parties of a site and the flows between them.

* The **operator** (association, SCIC, company, or the régie's own budget) runs the site: its
  cash receives own revenue and subsidies and pays rent, staff and costs, and, when it owns
  the investment, the works, the loan and their grants.
* The **collectivity** (the lead local authority: commune or EPCI) keeps a project budget by
  budget (calendar) year in two sections (M57 vocabulary): *investment* (works and equipment
  paid, grants and FCTVA received, loan drawn and repaid, equipment subsidies and cash
  advances to the operator) and *operating* (interest, operating and balancing subsidies
  paid, rent received).

Every flow between them is paid by one and received by the other in the same month, so each
party's cash follows its own recursion and the collectivity's net cost is the sum of its own
flows. Amounts are € per month shaped ``(draws, months)`` or broadcastable to it; signs in
the collectivity's budget lines are *costs positive, receipts negative*.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

#: Modes in which the collectivity covers the operator's deficit with a balancing subsidy
#: voted per budget year. Under rental and concession the operator bears its own risk.
MODES_WITH_BALANCING = ("association_convention", "regie_spa", "regie_spic")
#: The management mode a scenario implies when it names none, from its operator's legal form.
MODE_OF_OPERATOR = {"local_authority": "regie_spa", "association": "association_convention",
                    "scic": "association_convention", "company": "rental"}


def management_mode(structure: dict) -> str:
    """The scenario's management mode, or (``auto``) the one its operator's legal form
    implies."""
    mode = structure["management_mode"]
    return MODE_OF_OPERATOR[structure["operator_type"]] if mode == "auto" else mode


#: Lines of the collectivity's project budget: name → section.
BUDGET_LINES = {
    "works_and_equipment_paid": "investment",
    "grants_received": "investment",
    "fctva_received": "investment",
    "loan_drawn": "investment",
    "loan_principal_repaid": "investment",
    "grants_paid_to_operator": "investment",
    "equipment_subsidy_paid": "investment",
    "cash_advance_paid": "investment",
    "cash_advance_repaid": "investment",
    "interest_paid": "operating",
    "operating_subsidies_paid": "operating",
    "balancing_subsidy_paid": "operating",
    "initial_contribution_paid": "operating",
    "rent_received": "operating",
}


def sum_lines(lines) -> np.ndarray | float:
    """Sum of arrays in the order given (the same whatever the number of draws, so that
    results do not depend on chunking); arrays constant across draws (one row) stay one row
    until added to one that varies — list those first."""
    total: np.ndarray | float = 0.0
    for line in lines:
        total = total + line
    return total


def budget_year_ranges(n_months: int, opening_month_of_year: int) -> list[tuple[int, int]]:
    """Month-index ranges ``[start, stop)`` of each budget (calendar) year of the horizon:
    the first runs from the opening month to December, the last may be partial too."""
    ranges, start = [], 0
    stop = 12 - opening_month_of_year
    while start < n_months:
        ranges.append((start, min(stop, n_months)))
        start, stop = stop, stop + 12
    return ranges


def balancing_subsidy_forecast_eur(cash_before_eur: np.ndarray,
                                   year_ranges: list[tuple[int, int]]) -> np.ndarray:
    """Balancing subsidy voted on each budget year's forecast and paid in its first month:
    the least amount that keeps the operator's cash ≥ 0 in every month of that year, given
    the subsidies of earlier years [€/month].

    ``cash_before_eur``: the operator's cash without any balancing subsidy, ``(draws, months)``.
    """
    starts = [start for start, _ in year_ranges]
    lowest_by_year = np.minimum.reduceat(cash_before_eur, starts, axis=1)
    paid = np.zeros_like(cash_before_eur)
    paid_so_far = np.zeros(cash_before_eur.shape[0])
    for year, start in enumerate(starts):
        need = np.maximum(0.0, -(lowest_by_year[:, year] + paid_so_far))
        paid[:, start] = need
        paid_so_far = paid_so_far + need
    return paid


def balancing_subsidy_at_close_eur(cash_before_eur: np.ndarray,
                                   year_ranges: list[tuple[int, int]], payment_month_of_year: int,
                                   opening_month_of_year: int) -> tuple[np.ndarray, np.ndarray]:
    """Balancing subsidy voted on each budget year's closed accounts — what brings the
    operator's year-end cash back to 0 — and paid in calendar month ``payment_month_of_year``
    (0 = January) of the next year.

    Returns ``(paid, voted)`` [€/month]: ``paid`` in the month of payment (nothing when that
    month is beyond the horizon), ``voted`` in the year's last month (what the year's accounts
    call for, paid or not within the horizon).
    """
    n_months = cash_before_eur.shape[1]
    paid = np.zeros_like(cash_before_eur)
    voted = np.zeros_like(cash_before_eur)
    for _start, stop in year_ranges:
        year_end_cash = cash_before_eur[:, stop - 1] + paid[:, :stop].sum(axis=1)
        need = np.maximum(0.0, -year_end_cash)
        voted[:, stop - 1] = need
        first_calendar_month = (opening_month_of_year + stop) % 12  # January after year 1
        payment_month = stop + (payment_month_of_year - first_calendar_month) % 12
        if payment_month < n_months:
            paid[:, payment_month] += need
    return paid, voted


def shortfall_eur(cash_eur: np.ndarray) -> np.ndarray:
    """What the operator lacks to keep its cash ≥ 0, cumulated: ``max(0, −min_{k≤m} cash)``
    [€], ``(draws, months)``."""
    return np.maximum(0.0, -np.minimum.accumulate(cash_eur, axis=1))


def advance_and_repayment_eur(payments_by_grant_eur: list[np.ndarray], works_month: int,
                              n_months: int) -> tuple[np.ndarray, np.ndarray]:
    """A repayable cash advance (avance remboursable) of the investment grants awaited by an
    operator that owns the works: every grant payment due after ``works_month`` is advanced
    in that month and repaid when the grant is paid (not repaid within the horizon if the
    grant comes later) [€/month]."""
    months = np.arange(n_months)[None, :]
    advance = np.zeros((1, n_months))
    repaid = np.zeros((1, n_months))
    for payments in payments_by_grant_eur:
        later = np.where(months > works_month, payments, 0.0)
        advance = advance + later.sum(axis=1, keepdims=True) * (months == works_month)
        repaid = repaid + later
    # Grants beyond the horizon are not in ``payments``: their advance is not made either,
    # because their amount is not known here; the gap then shows in the operator's cash.
    return advance, repaid


@dataclass
class CollectivityBudget:
    """The collectivity's project budget, month by month [€/month, costs positive].

    ``lines``: every budget line (see :data:`BUDGET_LINES`) that applies to the scenario.
    """

    lines: dict[str, np.ndarray]
    shape: tuple[int, int]

    def section_eur(self, section: str) -> np.ndarray:
        return np.broadcast_to(sum_lines(
            line for name, line in self.lines.items() if BUDGET_LINES[name] == section),
            self.shape)

    @cached_property
    def investment_eur(self) -> np.ndarray:
        return self.section_eur("investment")

    @cached_property
    def operating_eur(self) -> np.ndarray:
        return self.section_eur("operating")

    @cached_property
    def net_cost_eur(self) -> np.ndarray:
        """Net cost to the collectivity each month: the sum of its own flows (costs − receipts)."""
        return self.investment_eur + self.operating_eur


def budget_year_totals(monthly_eur: np.ndarray, year_ranges: list[tuple[int, int]]
                       ) -> np.ndarray:
    """Sum of each budget year: ``(draws or 1, months)`` → ``(draws or 1, budget years)``."""
    return np.add.reduceat(monthly_eur, [start for start, _ in year_ranges], axis=1)


def _present_value_eur(monthly_eur: np.ndarray, discount_factor: np.ndarray) -> np.ndarray:
    """Discounted sum over months, one value per row; a product of two one-row arrays stays
    one row. (Not a matrix product: its summation order would depend on the number of rows,
    and results on the chunking.)"""
    return np.sum(monthly_eur * discount_factor, axis=1)


def collectivity_indicators(budget: CollectivityBudget, year_ranges: list[tuple[int, int]],
                            first_budget_year: int, discount_factor: np.ndarray
                            ) -> dict[str, np.ndarray]:
    """One value per draw: the collectivity's net cost over the horizon, by section, by
    budget year (``net_cost_2027_eur``, ``net_cost_investment_2027_eur``…), its heaviest budget
    year and its present value (``discount_factor``: ``(draws or 1, months)``) [€].

    The yearly sums are taken line by line: lines the same in every draw (one row) then cost
    no full-size pass; the present value uses the monthly net cost, which the results keep."""
    draws = budget.shape[0]
    by_section: dict[str, np.ndarray | float] = {"investment": 0.0, "operating": 0.0}
    for name, line in budget.lines.items():
        line = np.asarray(line, dtype=float)
        by_section[BUDGET_LINES[name]] = (by_section[BUDGET_LINES[name]]
                                          + budget_year_totals(line, year_ranges))
    present_value = _present_value_eur(budget.net_cost_eur, discount_factor)  # kept monthly
    n_years = len(year_ranges)
    investment, operating = (np.broadcast_to(by_section[section], (draws, n_years))
                             for section in ("investment", "operating"))
    by_year = investment + operating
    indicators = {
        "net_cost_eur": by_year.sum(axis=1),
        "net_cost_investment_eur": investment.sum(axis=1),
        "net_cost_operating_eur": operating.sum(axis=1),
        "net_cost_pv_eur": np.broadcast_to(present_value, (draws,)).copy(),
        "net_cost_peak_year_eur": by_year.max(axis=1),
    }
    tables = {"net_cost_{}_eur": by_year, "net_cost_investment_{}_eur": investment,
              "net_cost_operating_{}_eur": operating}
    for pattern, table in tables.items():
        for column in range(n_years):
            indicators[pattern.format(first_budget_year + column)] = table[:, column].copy()
    return indicators
