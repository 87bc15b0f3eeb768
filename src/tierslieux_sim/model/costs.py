"""Operating cost lines [€ per month]: premises, fixed lines, consumables, staff."""

from __future__ import annotations

import numpy as np

from tierslieux_sim.model.timeline import active_months


def premises_costs_eur(surface_m2: float, costs: dict, cost_index: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rent paid, energy, and the market rent of premises lent free (in kind, not paid)."""
    market_rent_eur = surface_m2 * costs["rent_eur_per_m2_per_year"] / 12.0 * cost_index
    energy_eur = surface_m2 * costs["energy_eur_per_m2_per_year"] / 12.0 * cost_index
    no_rent = np.zeros((1, market_rent_eur.shape[1]))  # broadcasts: no full-size zeros
    if costs["premises_lent_free"]:
        return no_rent, energy_eur, market_rent_eur
    return market_rent_eur, energy_eur, no_rent


def fixed_line_eur(line: dict, cost_index: np.ndarray) -> np.ndarray:
    return line["annual_amount_eur"] / 12.0 * cost_index


def consumables_eur(served_user_days: np.ndarray, costs: dict, cost_index: np.ndarray):
    return served_user_days * costs["consumables_eur_per_user_day"] * cost_index


def staff_position_cost_eur(position: dict, n_months: int, cost_index: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray]:
    """Monthly cost of one position and the aided-contract refund on it [€/month]."""
    first_month = position["start_month"] - 1
    last_month = None if position["end_month"] is None else position["end_month"] - 1
    employed = active_months(n_months, first_month, last_month)
    cost_eur = position["fte"] * position["loaded_annual_cost_eur"] / 12.0 * cost_index * employed
    aid_last_month = first_month + position["aided_contract_months"] - 1
    aided = active_months(n_months, first_month, aid_last_month)
    aid_eur = cost_eur * position["aided_contract_support_rate"] * aided
    return cost_eur, aid_eur
