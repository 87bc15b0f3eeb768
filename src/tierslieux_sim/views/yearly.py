"""Figures by year of operation (autonomy, balancing subsidy, occupancy)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tierslieux_sim.engine.results import QUANTILES, Results


def yearly_kpis(results: Results) -> pd.DataFrame:
    """One row per year of operation (from 1): probability of autonomy by the end of the
    year, balancing subsidy P50/P80/P90 [€], occupancy P10/P50/P90 [0–1]."""
    rows = []
    for year in range(1, results.horizon_years + 1):
        balancing = results.indicators[f"balancing_subsidy_year_{year}_eur"].to_numpy()
        occupancy = results.indicators[f"occupancy_rate_year_{year}"].to_numpy()
        b10, b50, b80, b90 = np.quantile(balancing, list(QUANTILES.values()))
        o10, o50, _, o90 = np.quantile(occupancy, list(QUANTILES.values()))
        rows.append({"year": year, "autonomy_probability": results.autonomy_probability(year),
                     "balancing_subsidy_p50_eur": b50, "balancing_subsidy_p80_eur": b80,
                     "balancing_subsidy_p90_eur": b90, "occupancy_rate_p10": o10,
                     "occupancy_rate_p50": o50, "occupancy_rate_p90": o90})
    return pd.DataFrame(rows).set_index("year")
