"""Territory parameters for the model: the scenario's inputs with the reference values
(ADEME, Quinet, DGITM, France Stratégie) filled in where the scenario leaves them out."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .reference import reference_value

#: Scenario field → reference key used when the scenario leaves the field out.
REFERENCE_DEFAULTS = {
    "emission_factor_kgco2e_per_km": "car.emission_factor_kgco2e_per_km",
    "rebound_rate": "telework.rebound_rate",
    "value_of_time_eur_per_hour": "time.commute_value_eur_per_hour",
    "cost_per_km_eur": "car.cost_eur_per_km",
}


def territory_parameters(territory: dict[str, Any]) -> dict[str, Any]:
    """A copy of the plain territory parameters with every absent value from reference data,
    plus the two terms of the discount rate."""
    filled = dict(territory)
    for field, key in REFERENCE_DEFAULTS.items():
        if filled.get(field) is None:
            filled[field] = float(reference_value(key).value)
    filled["risk_free_rate"] = float(reference_value("discount.risk_free_rate").value)
    filled["risk_premium"] = float(reference_value("discount.risk_premium").value)
    return filled


def carbon_value_by_month(opening_month: str, n_months: int) -> np.ndarray:
    """The carbon value of each simulated month's calendar year [€/tCO2e], ``(1, months)``."""
    path = reference_value("carbon.value_eur_per_tco2e")
    years = pd.date_range(opening_month + "-01", periods=n_months, freq="MS").year
    return np.array([[path.at_year(int(year)) for year in years]])
