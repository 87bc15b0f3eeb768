"""Public money of a run by funder and kind, ratios to the use of the site, and granted
versus paid within the horizon (per draw, or summarised over draws)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tierslieux_sim.engine.results import Results
from tierslieux_sim.model.public_money import FUNDERS, KINDS, source_indicator


def public_money_eur(results: Results) -> pd.Series:
    """Public money per draw over the horizon [€]: investment grants received, operating
    subsidies (incl. aided contracts), balancing subsidy, in-kind support (premises lent
    free or at a reduced rent, seconded staff…), the public share of the initial cash and
    the FCTVA (valued volunteering is not public money: ``volunteer_time_eur``)."""
    return results.indicators["public_money_eur"]


def public_money_sources(results: Results) -> pd.DataFrame:
    """Public money per draw over the horizon [€], one column per source present:
    columns are a ``(kind, funder)`` MultiIndex (kinds and funders of
    :mod:`tierslieux_sim.model.public_money`)."""
    columns = {(kind, funder): results.indicators[source_indicator(kind, funder)]
               for kind in KINDS for funder in FUNDERS
               if source_indicator(kind, funder) in results.indicators}
    table = pd.DataFrame(columns, index=results.indicators.index)
    table.columns = pd.MultiIndex.from_tuples(list(columns), names=["kind", "funder"])
    return table


def public_money_by_funder(results: Results) -> pd.DataFrame:
    """Public money per draw over the horizon by funder level [€] (EU, State, Région,
    Département, EPCI/commune, other; only those present). Rows sum to
    :meth:`public_money_eur`."""
    return public_money_sources(results).T.groupby(level="funder", sort=False).sum().T


def public_money_by_kind(results: Results) -> pd.DataFrame:
    """Public money per draw over the horizon by kind [€] (investment grants, operating
    subsidies, balancing subsidy, in kind, initial contribution, FCTVA; those present)."""
    return public_money_sources(results).T.groupby(level="kind", sort=False).sum().T


def public_money_table(results: Results) -> pd.DataFrame:
    """Mean over draws of public money by funder (rows) and kind (columns) [€], with a
    ``total`` column and row. Means add up, so the table's totals are those of the
    per-draw totals."""
    means = public_money_sources(results).mean().unstack("kind", fill_value=0.0)
    means = means.reindex(index=[f for f in FUNDERS if f in means.index],
                          columns=[k for k in KINDS if k in means.columns])
    means["total"] = means.sum(axis=1)
    means.loc["total"] = means.sum(axis=0)
    return means


def public_money_ratios(results: Results) -> pd.DataFrame:
    """Public money per draw over the horizon divided by the use of the site [€]: per
    user-year, per desk-day (user-day served), per full-time job hosted and year
    (desk-days ÷ open days), per inhabitant and year (only with a population)."""
    names = ["public_money_per_user_year_eur", "public_money_per_desk_day_eur",
             "public_money_per_job_year_eur", "public_money_per_inhabitant_per_year_eur"]
    return results.indicators[[name for name in names if name in results.indicators]]


def public_money_summary(results: Results) -> pd.DataFrame:
    """Tidy table of public money: the total, each funder, each kind and each ratio, with
    P10, P50, P90 and the mean over draws (rows without finite values are left out)."""
    columns = {"total": public_money_eur(results)}
    columns.update({f"funder:{name}": values
                    for name, values in public_money_by_funder(results).items()})
    columns.update({f"kind:{name}": values
                    for name, values in public_money_by_kind(results).items()})
    columns.update(public_money_ratios(results).items())
    rows = []
    for name, values in columns.items():
        finite = values.to_numpy(dtype=float)
        finite = finite[np.isfinite(finite)]
        if finite.size == 0:
            continue
        p10, p50, p90 = np.quantile(finite, [0.1, 0.5, 0.9])
        rows.append({"indicator": name, "p10": p10, "p50": p50, "p90": p90,
                     "mean": float(finite.mean())})
    return pd.DataFrame(rows).set_index("indicator")


def public_money_reconciliation(results: Results) -> pd.DataFrame:
    """Granted versus paid within the horizon, mean over draws [€]: investment grants
    (amounts awarded), operating subsidies (amounts of the years within the horizon) and
    the balancing subsidy (voted); ``beyond_horizon`` is what is paid later."""
    rows = []
    pairs = (("investment_grants", "investment_grants_awarded_eur",
              "investment_grants_paid_eur"),
             ("operating_subsidies", "operating_subsidies_granted_eur",
              "operating_subsidies_paid_eur"),
             ("balancing_subsidy", "balancing_subsidy_voted_eur", "balancing_subsidy_eur"))
    for kind, granted, paid in pairs:
        granted_mean = float(results.indicators[granted].mean())
        paid_mean = float(results.indicators[paid].mean())
        rows.append({"kind": kind, "granted_eur": granted_mean,
                     "paid_within_horizon_eur": paid_mean,
                     "beyond_horizon_eur": granted_mean - paid_mean})
    return pd.DataFrame(rows).set_index("kind")
