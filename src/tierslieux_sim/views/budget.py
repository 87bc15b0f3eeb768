"""The collectivity's budget by budget (calendar) year: net cost quantiles per year and the
project budget line by line (central case or mean over draws)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tierslieux_sim.engine.results import QUANTILES, Results
from tierslieux_sim.model.parties import BUDGET_LINES


def collectivity_cost_by_budget_year(results: Results) -> pd.DataFrame:
    """The net cost to the collectivity per budget year, in cash paid [€]: one row per
    year, columns ``investment_p50``, ``investment_p80``, ``operating_p50``,
    ``operating_p80``, ``net_p10`` … ``net_p90``, ``net_mean`` and ``net_central`` (the
    central case); ``months`` in the year within the horizon. Costs are positive,
    receipts (grants, FCTVA, rent) negative; P50s of the sections do not add up to the
    P50 of the net cost."""
    rows = []
    for year, (start, stop) in zip(results.budget_years, results.budget_year_ranges(),
                                   strict=True):
        row: dict[str, float] = {"budget_year": year, "months": stop - start}
        for section, name in (("investment", f"net_cost_investment_{year}_eur"),
                              ("operating", f"net_cost_operating_{year}_eur")):
            p50, p80 = np.quantile(results.indicators[name].to_numpy(), [0.5, 0.8])
            row[f"{section}_p50"], row[f"{section}_p80"] = p50, p80
        net = results.indicators[f"net_cost_{year}_eur"].to_numpy()
        for label, q in QUANTILES.items():
            row[f"net_{label}"] = float(np.quantile(net, q))
        row["net_mean"] = float(net.mean())
        row["net_central"] = float(results.central_indicators[f"net_cost_{year}_eur"])
        rows.append(row)
    return pd.DataFrame(rows).set_index("budget_year")


def collectivity_budget_lines(results: Results, statistic: str = "central") -> pd.DataFrame:
    """The collectivity's project budget line by line (rows) and budget year (columns)
    [€, costs positive, receipts negative], with a ``section`` column (``investment`` or
    ``operating``): the central case (``statistic="central"``) or the mean over draws
    (``"mean"``, also in summary mode)."""
    source = results.central if statistic == "central" else results.monthly_mean
    years = source["month"].dt.year.rename("budget_year")
    table = (source["collectivity_budget_eur"].groupby(years).sum("month")
             .transpose("budget_line", "budget_year").to_pandas())
    table.insert(0, "section", [BUDGET_LINES[line] for line in table.index])
    return table
