"""What the territory gains, month by month: travel avoided, CO2, time, household savings
and local spending, valued in euros and discounted (French socio-economic evaluation).

Inputs are plain floats or ``(draws, 1)`` columns; served user-days are ``(draws, months)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .timeline import month_index


@dataclass
class TerritoryImpacts:
    """Monthly impacts [unit in the name], each ``(draws, months)``."""

    km_avoided: np.ndarray
    co2_avoided_tco2e: np.ndarray
    hours_saved: np.ndarray
    household_savings_eur: np.ndarray
    local_spending_eur: np.ndarray
    carbon_value_eur: np.ndarray
    time_value_eur: np.ndarray

    @property
    def valued_impacts_eur(self) -> np.ndarray:
        """What enters the socio-economic balance: carbon, time and vehicle costs saved
        (local spending is a transfer within the economy, shown apart)."""
        return self.carbon_value_eur + self.time_value_eur + self.household_savings_eur


def km_avoided(served_user_days, avoided_round_trip_km, car_share):
    """Car-km not driven: user-days × round trip avoided × share made by car [km/month]."""
    return served_user_days * avoided_round_trip_km * car_share


def co2_avoided_tco2e(km, emission_factor_kgco2e_per_km, rebound_rate):
    """CO2 avoided net of rebound effects: km × factor × (1 − rebound) ÷ 1000 [tCO2e]."""
    return km * emission_factor_kgco2e_per_km * (1.0 - rebound_rate) / 1000.0


def hours_saved(served_user_days, minutes_saved_per_user_day):
    return served_user_days * minutes_saved_per_user_day / 60.0


def territory_impacts(served_user_days: np.ndarray, t: dict,
                      carbon_value_eur_per_tco2e_by_month: np.ndarray) -> TerritoryImpacts:
    """Impacts of one run; ``t`` holds the territory parameters with reference values filled
    in (see ``tierslieux_sim.territory.territory_parameters``)."""
    km = km_avoided(served_user_days, t["avoided_round_trip_km"], t["car_share"])
    co2 = co2_avoided_tco2e(km, t["emission_factor_kgco2e_per_km"], t["rebound_rate"])
    hours = hours_saved(served_user_days, t["minutes_saved_per_user_day"])
    return TerritoryImpacts(
        km_avoided=km,
        co2_avoided_tco2e=co2,
        hours_saved=hours,
        household_savings_eur=km * t["cost_per_km_eur"],
        local_spending_eur=served_user_days * t["local_spending_eur_per_user_day"],
        carbon_value_eur=co2 * carbon_value_eur_per_tco2e_by_month,
        time_value_eur=hours * t["value_of_time_eur_per_hour"],
    )


def socio_economic_discount_rate(risk_free_rate: float, risk_premium: float, beta):
    """``r = 1.2 % + β × 2 %`` (France Stratégie 2021) with its two terms as inputs."""
    return risk_free_rate + beta * risk_premium


def discount_factor(yearly_rate, n_months: int) -> np.ndarray:
    """``(1 + r) ** −(m / 12)``: 1 in the opening month, ``(draws or 1, months)``."""
    return (1.0 + np.asarray(yearly_rate)) ** (-month_index(n_months) / 12.0)


def present_value_eur(monthly_eur: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Discounted sum over months, one value per draw [€]."""
    return np.sum(monthly_eur * factor, axis=1)


def territory_indicators(impacts: TerritoryImpacts, public_money_eur: np.ndarray,
                         factor: np.ndarray) -> dict[str, np.ndarray]:
    """One value per draw: totals over the horizon and present values at the public rate.

    The socio-economic balance is the present value of valued impacts (carbon, time, vehicle
    costs) minus that of the public money spent [€].
    """
    valued_pv = {
        "carbon_value_pv_eur": present_value_eur(impacts.carbon_value_eur, factor),
        "time_value_pv_eur": present_value_eur(impacts.time_value_eur, factor),
        "household_savings_pv_eur": present_value_eur(impacts.household_savings_eur, factor),
    }
    valued_total = sum(valued_pv.values())
    public_money_pv = present_value_eur(public_money_eur, factor)
    return {
        "km_avoided": impacts.km_avoided.sum(axis=1),
        "co2_avoided_tco2e": impacts.co2_avoided_tco2e.sum(axis=1),
        "hours_saved": impacts.hours_saved.sum(axis=1),
        "household_savings_eur": impacts.household_savings_eur.sum(axis=1),
        "local_spending_eur": impacts.local_spending_eur.sum(axis=1),
        **valued_pv,
        "valued_impacts_pv_eur": valued_total,
        "public_money_pv_eur": public_money_pv,
        "socio_economic_balance_pv_eur": valued_total - public_money_pv,
    }
