"""Accounts, cash, the balancing subsidy and per-draw indicators."""

from __future__ import annotations

import numpy as np

from tierslieux_sim.model.timeline import by_year_of_operation, trailing_sum


def cash_position_eur(initial_cash_eur: float, cash_flow_eur: np.ndarray) -> np.ndarray:
    """Cash at the end of each month: ``cash(m) = cash(m − 1) + cash_flow(m)``."""
    return initial_cash_eur + np.cumsum(cash_flow_eur, axis=1)


def cumulative_balancing_subsidy_eur(cash_eur: np.ndarray) -> np.ndarray:
    """Public money needed so far to keep cash ≥ 0: ``max(0, −min_{k ≤ m} cash(k))``."""
    return np.maximum(0.0, -np.minimum.accumulate(cash_eur, axis=1))


def monthly_increments(cumulative: np.ndarray) -> np.ndarray:
    """Inverse of a cumulative sum along months."""
    return np.diff(cumulative, axis=1, prepend=0.0)


def yearly_totals(monthly: np.ndarray) -> np.ndarray:
    """Sum of each 12-month year: ``(draws, months)`` → ``(draws, years)``."""
    return by_year_of_operation(monthly, "sum")


def yearly_means(monthly: np.ndarray) -> np.ndarray:
    """Mean of each 12-month year: ``(draws, months)`` → ``(draws, years)``."""
    return by_year_of_operation(monthly, "mean")


def trailing_12_month_sum(monthly: np.ndarray) -> np.ndarray:
    """Sum of the last 12 months at each month; NaN before a full year has passed."""
    trailing = trailing_sum(np.asarray(monthly, dtype=float), 12)
    trailing[:, :11] = np.nan
    return trailing


def autonomy_month(own_revenue_eur: np.ndarray, operating_costs_eur: np.ndarray) -> np.ndarray:
    """First month (counted from 1) from which trailing-12-month own revenue covers
    trailing-12-month operating costs in every later month up to the horizon; NaN if never.

    Requiring it to hold to the horizon keeps a passing good month (or the end of an aided
    contract) from being mistaken for autonomy.
    """
    covered = trailing_12_month_sum(own_revenue_eur) >= trailing_12_month_sum(operating_costs_eur)
    return _first_covered_month(covered)


def _first_covered_month(covered: np.ndarray) -> np.ndarray:
    """First month (from 1) from which ``covered`` holds until the horizon; NaN if never."""
    covered_until_horizon = np.flip(np.logical_and.accumulate(np.flip(covered, axis=1), axis=1),
                                     axis=1)
    ever = covered_until_horizon.any(axis=1)
    first = np.argmax(covered_until_horizon, axis=1).astype(float) + 1.0
    return np.where(ever, first, np.nan)


def autonomy_months(own_revenue_eur: np.ndarray, operating_costs_eur: np.ndarray,
                    extra_costs_eur: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`autonomy_month` on operating costs, and on full cost: with ``extra_costs_eur``
    (renewals' depreciation, public in-kind support) added to the costs. The trailing sums of
    revenue and costs are taken once; that of the extra costs (usually one row, the same in
    every draw) is added to the costs'."""
    trailing_own = trailing_12_month_sum(own_revenue_eur)
    trailing_costs = trailing_12_month_sum(operating_costs_eur)
    operating = _first_covered_month(trailing_own >= trailing_costs)
    trailing_costs += trailing_12_month_sum(np.atleast_2d(extra_costs_eur))
    return operating, _first_covered_month(trailing_own >= trailing_costs)


def self_financing_ratio(own_revenue_eur: np.ndarray, operating_costs_eur: np.ndarray
                         ) -> np.ndarray:
    """Own revenue ÷ operating costs per year [ratio], ``(draws, years)``."""
    costs = yearly_totals(operating_costs_eur)
    return np.divide(yearly_totals(own_revenue_eur), costs, out=np.full_like(costs, np.nan),
                     where=costs > 0)


def draw_indicators(own_revenue_eur: np.ndarray, operating_costs_eur: np.ndarray,
                    cash_eur: np.ndarray, balancing_subsidy_eur: np.ndarray,
                    occupancy_rate: np.ndarray, full_cost_extra_eur: np.ndarray | None = None
                    ) -> dict[str, np.ndarray]:
    """One value per draw: autonomy month (and at full cost, given the extra costs of
    :func:`autonomy_months`), cash extremes, balancing subsidy (total and per year),
    occupancy and self-financing ratio per year. Years count from 1 in names."""
    full_cost: dict[str, np.ndarray] = {}
    if full_cost_extra_eur is None:
        operating = autonomy_month(own_revenue_eur, operating_costs_eur)
    else:
        operating, full_cost["full_cost_autonomy_month"] = autonomy_months(
            own_revenue_eur, operating_costs_eur, full_cost_extra_eur)
    indicators = {
        "autonomy_month": operating,
        **full_cost,
        "min_cash_eur": cash_eur.min(axis=1),
        "cash_at_horizon_eur": cash_eur[:, -1],
        "balancing_subsidy_eur": balancing_subsidy_eur.sum(axis=1),
    }
    per_year = {
        "balancing_subsidy_year_{}_eur": yearly_totals(balancing_subsidy_eur),
        "occupancy_rate_year_{}": yearly_means(occupancy_rate),
        "self_financing_ratio_year_{}": self_financing_ratio(own_revenue_eur, operating_costs_eur),
    }
    for pattern, table in per_year.items():
        for year in range(table.shape[1]):
            indicators[pattern.format(year + 1)] = table[:, year]
    return indicators
