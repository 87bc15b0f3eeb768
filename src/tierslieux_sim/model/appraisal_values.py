"""Territory parameters for the model: the scenario's inputs with the reference values
(ADEME, France Stratégie, DGITM, INSEE) filled in where the scenario leaves them out, and
every money value converted to constant euros of the base year.

The base year of the appraisal is the opening year: the scenario's amounts are read as euros
of that year. A reference value given in euros of another year ``p`` (carbon 2023, fuel 2024,
value of time 2015) is brought to the base year ``b`` with the general inflation rate
``(1 + i) ** (b − p)`` (and, before 2023, the consumer price index). The value of time then
grows each year with real GDP per head, with the elasticity of the DGITM guidance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tierslieux_sim.core.reference import reference_value

#: Scenario field → reference key used when the scenario leaves the field out.
REFERENCE_DEFAULTS = {
    "emission_factor_kgco2e_per_km": "car.emission_factor_kgco2e_per_km",
    "rebound_rate": "telework.rebound_rate",
    "value_of_time_eur_per_hour": "time.commute_value_eur_per_hour",
    "cost_per_km_eur": "car.marginal_cost_eur_per_km",
}

#: Year of the consumer price index the 2015 value of time is first brought to.
CPI_YEAR = 2023


def _reference(key: str) -> float:
    return float(reference_value(key).value)


def _price_year(key: str) -> int:
    year = reference_value(key).price_year
    if year is None:
        raise ValueError(f"reference value {key} has no price_year")
    return year


def price_factor(from_year: int, base_year: int) -> float:
    """Euros of ``from_year`` → euros of ``base_year``: the CPI ratio up to 2023 for 2015
    values, then the general inflation rate (``macro.inflation_rate``) a year."""
    inflation = _reference("macro.inflation_rate")
    if from_year < CPI_YEAR:
        if from_year != 2015:
            raise ValueError(f"no consumer price index ratio for euros of {from_year}")
        return _reference("prices.cpi_2023_over_2015") * (1.0 + inflation) ** (base_year - CPI_YEAR)
    return (1.0 + inflation) ** (base_year - from_year)


def calendar_years(opening_month: str, n_months: int) -> np.ndarray:
    """The calendar year of each simulated month, ``(months,)``."""
    first_year, first_month = int(opening_month[:4]), int(opening_month[5:7]) - 1
    return first_year + (first_month + np.arange(n_months)) // 12


def territory_parameters(territory: dict[str, Any]) -> dict[str, Any]:
    """A copy of the plain territory parameters with every absent value from reference data
    (in the euros of the reference), plus the two terms of the discount rate."""
    filled = dict(territory)
    for field, key in REFERENCE_DEFAULTS.items():
        if filled.get(field) is None:
            filled[field] = _reference(key)
    filled["risk_free_rate"] = _reference("discount.risk_free_rate")
    filled["risk_premium"] = _reference("discount.risk_premium")
    return filled


def value_of_time_growth(years: np.ndarray, base_year: int) -> np.ndarray:
    """Real uplift of the value of time from the base year: ``((1 + g) ** (y − b)) ** ε``."""
    growth = _reference("macro.gdp_per_head_growth_rate")
    elasticity = _reference("time.gdp_per_head_elasticity")
    return ((1.0 + growth) ** (years - base_year)) ** elasticity


def appraisal_parameters(territory: dict[str, Any], opening_month: str, n_months: int
                         ) -> dict[str, Any]:
    """The territory parameters of the model in constant euros of the base year (the opening
    year), with the monthly paths of the carbon value and of the value of time, the fuel tax
    per km, the inflation rate and the opportunity cost of public funds."""
    given = dict(territory)
    t = territory_parameters(territory)
    years = calendar_years(opening_month, n_months)
    base_year = int(years[0])
    carbon = reference_value("carbon.value_eur_per_tco2e")
    carbon_factor = price_factor(_price_year("carbon.value_eur_per_tco2e"), base_year)
    t["carbon_value_eur_per_tco2e_by_month"] = np.array(
        [[carbon.at_year(int(year)) * carbon_factor for year in years]])
    if given.get("value_of_time_eur_per_hour") is None:
        reference_year = _price_year(REFERENCE_DEFAULTS["value_of_time_eur_per_hour"])
        value_at_base = (t["value_of_time_eur_per_hour"] * price_factor(reference_year, base_year)
                         * value_of_time_growth(np.array([base_year]), reference_year)[0])
    else:
        value_at_base = t["value_of_time_eur_per_hour"]
    t["value_of_time_eur_per_hour_by_month"] = (
        np.asarray(value_at_base) * value_of_time_growth(years, base_year)[None, :])
    fuel_factor = price_factor(_price_year("fuel.ticpe_eur_per_l"), base_year)
    if given.get("cost_per_km_eur") is None:
        t["cost_per_km_eur"] = t["cost_per_km_eur"] * price_factor(
            _price_year(REFERENCE_DEFAULTS["cost_per_km_eur"]), base_year)
    t["fuel_tax_eur_per_km"] = (_reference("car.fuel_consumption_l_per_km")
                                * _reference("fuel.ticpe_eur_per_l") * fuel_factor)
    t["inflation_rate"] = _reference("macro.inflation_rate")
    t["public_funds_cost_factor"] = _reference("appraisal.public_funds_cost_factor")
    t["base_year"] = base_year
    return t


def carbon_value_by_month(opening_month: str, n_months: int) -> np.ndarray:
    """The carbon value of each simulated month's calendar year [€ of the opening year per
    tCO2e], ``(1, months)``."""
    return appraisal_parameters({}, opening_month, n_months)["carbon_value_eur_per_tco2e_by_month"]
