"""What the territory gains, month by month, and the socio-economic appraisal of the project
to the French guide (France Stratégie / DG Trésor, *Guide de l'évaluation socioéconomique des
investissements publics*, décembre 2017, and its compléments opérationnels).

Only the user-days that replace a home–work commute avoid km, CO2 and travel time: each demand
segment states its counterfactual (home, employer's office, another coworking) and the share of
its days that replace a commute (:func:`commuting_user_days`). Money values are in constant
euros of the base year (the opening year): nominal flows are deflated, reference values come
converted (see ``tierslieux_sim.model.appraisal_values``).

Inputs are plain floats or ``(draws, 1)`` columns; user-days are ``(draws, months)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tierslieux_sim.model.timeline import month_index

#: Share of a segment's days that replace a commute when the scenario leaves it out: only a
#: day that would otherwise start with a trip to the employer's office avoids one; working at
#: home or in another coworking avoids none (the guide's reference option is the situation
#: most likely without the project).
COMMUTE_SHARE_BY_COUNTERFACTUAL = {"employer_office": 1.0, "home": 0.0, "other_coworking": 0.0}


@dataclass
class TerritoryImpacts:
    """Monthly impacts [unit in the name], each ``(draws, months)``; € in constant euros."""

    km_avoided: np.ndarray
    co2_avoided_tco2e: np.ndarray
    hours_saved: np.ndarray
    household_savings_eur: np.ndarray
    fuel_tax_lost_eur: np.ndarray
    local_spending_eur: np.ndarray
    carbon_value_eur: np.ndarray
    time_value_eur: np.ndarray

    @property
    def valued_impacts_eur(self) -> np.ndarray:
        """Gains valued in the appraisal: carbon, time and vehicle costs saved at their
        marginal cost (local spending is a transfer within the economy, shown apart)."""
        return self.carbon_value_eur + self.time_value_eur + self.household_savings_eur


def commute_replaced_share(segment: Mapping):
    """Share of a segment's days that replace a commute: its own, else by counterfactual."""
    share = segment.get("commute_replaced_share")
    if share is None:
        return COMMUTE_SHARE_BY_COUNTERFACTUAL[segment.get("counterfactual", "home")]
    return share


def commuting_user_days(served_user_days_by_segment: Mapping[str, np.ndarray | float],
                        segments: Sequence[Mapping]):
    """User-days served that replace a commute: Σ segments served days × share [days/month]."""
    return sum((served_user_days_by_segment[segment["name"]] * commute_replaced_share(segment)
                for segment in segments), 0.0)


def km_avoided(commuting_days, avoided_round_trip_km, car_share):
    """Car-km not driven: commuting days × round trip avoided × share by car [km/month]."""
    return commuting_days * avoided_round_trip_km * car_share


def co2_avoided_tco2e(km, emission_factor_kgco2e_per_km, rebound_rate):
    """CO2 avoided net of rebound effects: km × factor × (1 − rebound) ÷ 1000 [tCO2e]."""
    return km * emission_factor_kgco2e_per_km * (1.0 - rebound_rate) / 1000.0


def hours_saved(commuting_days, minutes_saved_per_user_day):
    return commuting_days * minutes_saved_per_user_day / 60.0


def territory_impacts(served_user_days: np.ndarray, commuting_days, t: dict) -> TerritoryImpacts:
    """Impacts of one run. ``t`` holds the territory parameters with reference values filled
    in and converted to constant euros of the base year, and the monthly paths
    ``carbon_value_eur_per_tco2e_by_month`` and ``value_of_time_eur_per_hour_by_month``
    (see ``tierslieux_sim.model.appraisal_values.territory_parameters``)."""
    # either may vary by draw while the other does not (a fixed demand, an uncertain share)
    commuting_days = np.broadcast_to(commuting_days, np.broadcast_shapes(
        np.shape(served_user_days), np.shape(commuting_days)))
    km = km_avoided(commuting_days, t["avoided_round_trip_km"], t["car_share"])
    co2 = co2_avoided_tco2e(km, t["emission_factor_kgco2e_per_km"], t["rebound_rate"])
    hours = hours_saved(commuting_days, t["minutes_saved_per_user_day"])
    return TerritoryImpacts(
        km_avoided=km,
        co2_avoided_tco2e=co2,
        hours_saved=hours,
        household_savings_eur=km * t["cost_per_km_eur"],
        fuel_tax_lost_eur=km * t["fuel_tax_eur_per_km"],
        local_spending_eur=served_user_days * t["local_spending_eur_per_user_day"],
        carbon_value_eur=co2 * t["carbon_value_eur_per_tco2e_by_month"],
        time_value_eur=hours * t["value_of_time_eur_per_hour_by_month"],
    )


def socio_economic_discount_rate(risk_free_rate: float, risk_premium: float, beta):
    """``r = 1.2 % + β × 2 %`` (France Stratégie 2021) with its two terms as inputs."""
    return risk_free_rate + beta * risk_premium


def discount_factor(yearly_rate, n_months: int) -> np.ndarray:
    """``(1 + r) ** −(m / 12)``: 1 in the opening month, ``(draws or 1, months)``."""
    return (1.0 + np.asarray(yearly_rate)) ** (-month_index(n_months) / 12.0)


def deflator(inflation_rate: float, n_months: int) -> np.ndarray:
    """Nominal € of month ``m`` → constant € of the opening month: ``(1 + i) ** −(m / 12)``."""
    return (1.0 + inflation_rate) ** (-month_index(n_months) / 12.0)


def present_value_eur(monthly_eur: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Discounted sum over months, one value per draw [€]."""
    return np.sum(monthly_eur * factor, axis=1)


def residual_value_eur(investment_paid_eur: np.ndarray, depreciation_eur: np.ndarray,
                       deflator_by_month: np.ndarray | float) -> np.ndarray:
    """Value of the works and equipment left at the horizon, in constant € [per draw]:
    the share of their cost not yet depreciated (straight line over their lives, the
    accounts' rule) times their cost in constant euros (guide 2017; complément opérationnel F,
    « valeur résiduelle et horizon »)."""
    paid = np.sum(investment_paid_eur, axis=1)
    depreciated = np.sum(depreciation_eur, axis=1)
    paid_constant = np.sum(investment_paid_eur * deflator_by_month, axis=1)
    share_left = np.divide(paid - depreciated, paid, out=np.zeros_like(paid), where=paid > 0)
    return np.clip(share_left, 0.0, 1.0) * paid_constant


def territory_indicators(impacts: TerritoryImpacts, public_money_eur: np.ndarray,
                         factor: np.ndarray, *, deflator_by_month: np.ndarray | float = 1.0,
                         investment_paid_eur: np.ndarray | None = None,
                         depreciation_eur: np.ndarray | None = None,
                         public_funds_cost_factor: float = 1.0) -> dict[str, np.ndarray]:
    """One value per draw: totals over the horizon and the appraisal's present values.

    The net present socio-economic value (``socio_economic_balance_pv_eur``, *VAN
    socioéconomique*) adds, in constant € discounted at the public rate: carbon, time and
    vehicle costs saved (at the marginal cost users pay, taxes included), minus the fuel tax
    the State no longer collects, minus the public money spent (deflated), minus the
    opportunity cost of public funds — ``(COFP − 1)`` × (public money + fuel tax lost) — plus
    the residual value of the works and equipment at the horizon. Local spending is a
    transfer, shown apart.
    """
    public_money_constant = public_money_eur * deflator_by_month
    pv = {
        "carbon_value_pv_eur": present_value_eur(impacts.carbon_value_eur, factor),
        "time_value_pv_eur": present_value_eur(impacts.time_value_eur, factor),
        "household_savings_pv_eur": present_value_eur(impacts.household_savings_eur, factor),
    }
    valued_total = sum(pv.values())
    fuel_tax_lost_pv = present_value_eur(impacts.fuel_tax_lost_eur, factor)
    public_money_pv = present_value_eur(public_money_constant, factor)
    opportunity_cost_pv = (public_funds_cost_factor - 1.0) * (public_money_pv + fuel_tax_lost_pv)
    if investment_paid_eur is None or depreciation_eur is None:
        residual_pv = np.zeros_like(public_money_pv)
    else:
        residual = residual_value_eur(investment_paid_eur, depreciation_eur, deflator_by_month)
        residual_pv = np.broadcast_to(residual * np.asarray(factor)[:, -1],
                                      public_money_pv.shape).copy()
    balance = (valued_total - fuel_tax_lost_pv - public_money_pv - opportunity_cost_pv
               + residual_pv)
    return {
        "km_avoided": impacts.km_avoided.sum(axis=1),
        "co2_avoided_tco2e": impacts.co2_avoided_tco2e.sum(axis=1),
        "hours_saved": impacts.hours_saved.sum(axis=1),
        "household_savings_eur": impacts.household_savings_eur.sum(axis=1),
        "local_spending_eur": impacts.local_spending_eur.sum(axis=1),
        **pv,
        "valued_impacts_pv_eur": valued_total,
        "fuel_tax_lost_pv_eur": fuel_tax_lost_pv,
        "public_money_pv_eur": public_money_pv,
        "public_funds_opportunity_cost_pv_eur": opportunity_cost_pv,
        "residual_value_pv_eur": residual_pv,
        "socio_economic_balance_pv_eur": balance,
    }


#: Items of the net present socio-economic value and their sign in it, in display order.
APPRAISAL_ITEMS = (("carbon_value_pv_eur", 1), ("time_value_pv_eur", 1),
                   ("household_savings_pv_eur", 1), ("fuel_tax_lost_pv_eur", -1),
                   ("public_money_pv_eur", -1), ("public_funds_opportunity_cost_pv_eur", -1),
                   ("residual_value_pv_eur", 1))
