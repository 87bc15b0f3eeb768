"""Results of a run: an ``xarray.Dataset`` per draw and month, the central case, per-draw
indicators (pandas) and a tidy summary with Monte Carlo standard errors."""

from __future__ import annotations

import functools
import hashlib
import importlib
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from tierslieux_sim.core.notices import Notice
from tierslieux_sim.engine.rules import RuleCheck
from tierslieux_sim.model.parties import budget_year_ranges as model_budget_year_ranges
from tierslieux_sim.scenario.files import scenario_to_toml

if TYPE_CHECKING:
    from tierslieux_sim.scenario.schema import Scenario

#: Methods that moved to the views (0.2): name → "module:function", each called with the
#: results as first argument. Kept working with a DeprecationWarning until 0.3.
MOVED_METHODS = {
    "collectivity_cost_by_budget_year": "budget:collectivity_cost_by_budget_year",
    "collectivity_budget_lines": "budget:collectivity_budget_lines",
    **{name: f"public_money:{name}" for name in (
        "public_money_eur", "public_money_sources", "public_money_by_funder",
        "public_money_by_kind", "public_money_table", "public_money_ratios",
        "public_money_summary", "public_money_reconciliation")},
    "rule_table": "rules:rule_table",
    "financing_plan": "financing_plan:financing_plan",
    "yearly_kpis": "yearly:yearly_kpis",
    "to_file": "tierslieux_sim.faces.result_files:write_results",
}

QUANTILES = {"p10": 0.10, "p50": 0.50, "p80": 0.80, "p90": 0.90}

#: Variables per draw and month, read from the model's output [unit in the name].
MONTHLY_VARIABLES = (
    "users", "served_user_days", "turned_away_user_days", "occupancy_rate", "flex_occupancy_rate",
    "own_revenue_eur", "donations_eur", "subsidies_eur", "subsidies_received_eur",
    "operating_costs_eur", "ebitda_eur", "depreciation_eur", "interest_eur", "net_result_eur",
    "investment_eur", "investment_grants_eur", "loan_disbursed_eur", "loan_repaid_eur",
    "cash_flow_eur", "cash_eur", "balancing_subsidy_eur", "cash_after_balancing_eur",
    "in_kind_rent_eur", "public_money_eur", "fctva_eur", "in_kind_support_eur",
    "km_avoided", "co2_avoided_tco2e", "hours_saved", "local_spending_eur",
    "collectivity_net_cost_eur", "grants_released_eur",
)
#: Variables with a line dimension: variable → dimension name.
LINE_VARIABLES = {
    "users_by_segment": "segment",
    "revenue_by_line_eur": "revenue_line",
    "donations_by_line_eur": "donation_line",
    "operating_costs_by_line_eur": "cost_line",
    "subsidies_by_line_eur": "subsidy_line",
    "investment_grants_by_line_eur": "grant",
    "collectivity_budget_eur": "budget_line",
}
#: Variables kept as monthly means over draws even with ``keep="full"`` (and per draw only in
#: the central case): the collectivity's budget line by line, read by budget-year tables of
#: the central case and the mean; per draw, its totals are in the indicators and
#: ``collectivity_net_cost_eur``. Storing them per draw would cost about a third of a run.
MEAN_ONLY_VARIABLES = ("collectivity_budget_eur",)



@dataclass
class Results:
    """What :func:`tierslieux_sim.simulate` returns.

    ``dataset``: variables by ``draw`` and ``month`` (``keep="full"`` only); ``central``: the
    same for the median-input case (no ``draw``); ``indicators``: one row per draw;
    ``monthly_mean``: mean over draws by month; ``notices``: warnings about the run (broken
    funding rules included); ``rule_checks``: the outcome of every funding rule.

    ``kept_variables``: ``None`` when ``dataset`` holds every variable (but
    :data:`MEAN_ONLY_VARIABLES`), else the only variables it holds (a run with
    ``simulate(..., keep_variables=...)``); the others are in ``monthly_mean`` only.
    """

    scenario: Scenario
    seed: int
    draws: int
    sampling: str
    keep: str
    central: xr.Dataset
    indicators: pd.DataFrame
    central_indicators: pd.Series
    notices: list[Notice] = field(default_factory=list)
    _dataset: xr.Dataset | None = None
    _monthly_mean: xr.Dataset | None = None
    rule_checks: list[RuleCheck] = field(default_factory=list)
    _mean_only: xr.Dataset | None = None  # variables kept as means only (MEAN_ONLY_VARIABLES)
    kept_variables: tuple[str, ...] | None = None

    def has_draws(self, variable: str) -> bool:
        """Whether ``dataset`` holds ``variable`` per draw (else only its monthly mean)."""
        return self._dataset is not None and variable in self._dataset.data_vars

    def __getattr__(self, name: str) -> Any:
        """Methods moved to :mod:`tierslieux_sim.views` (and ``to_file`` to
        :func:`tierslieux_sim.faces.result_files.write_results`) still answer, with a
        deprecation warning: ``results.public_money_table()`` is
        ``views.public_money.public_money_table(results)``."""
        if name not in MOVED_METHODS:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        module_name, function_name = MOVED_METHODS[name].split(":")
        if "." not in module_name:
            module_name = f"tierslieux_sim.views.{module_name}"
        warnings.warn(f"Results.{name}() is deprecated: use {module_name}.{function_name}"
                      "(results)", DeprecationWarning, stacklevel=2)
        # A deprecation shim, not a dependency: imported by name when an old call is made.
        function = getattr(importlib.import_module(module_name), function_name)
        return functools.partial(function, self)

    @property
    def monthly_mean(self) -> xr.Dataset:
        """Mean over draws of every variable, by month (computed on first use)."""
        if self._monthly_mean is None:
            mean = self.dataset.mean("draw")
            if self._mean_only is not None:  # one merge: assigning them one by one was slow
                mean = xr.merge([mean, self._mean_only], compat="override", join="exact",
                                combine_attrs="override")
            self._monthly_mean = mean
        return self._monthly_mean

    @property
    def dataset(self) -> xr.Dataset:
        if self._dataset is None:
            raise ValueError("keep='summary' was used: per-draw monthly arrays were not kept "
                             "(see .indicators and .monthly_mean)")
        return self._dataset

    def scenario_hash(self) -> str:
        """First 12 hex characters of the SHA-256 of the scenario's canonical TOML: which
        scenario produced these results, printed on reports and workbooks."""
        return hashlib.sha256(scenario_to_toml(self.scenario).encode()).hexdigest()[:12]

    @property
    def horizon_years(self) -> int:
        return self.scenario.simulation.horizon_years

    def autonomy_probability(self, year: int, basis: str = "operating") -> float:
        """Share of draws autonomous by the end of ``year`` of operation (counted from 1):
        ``basis="operating"`` (own revenue covers operating costs) or ``"full_cost"``
        (renewals' depreciation and public in-kind support included)."""
        name = "autonomy_month" if basis == "operating" else "full_cost_autonomy_month"
        months = self.indicators[name].to_numpy()
        return float(np.mean(np.nan_to_num(months, nan=np.inf) <= 12 * year))

    # --- the collectivity's budget ---------------------------------------------------------

    @property
    def budget_years(self) -> list[int]:
        """The budget (calendar) years of the horizon, from the opening year (the first and
        last may be partial)."""
        first = int(self.scenario.simulation.opening_month[:4])
        return list(range(first, first + len(self.budget_year_ranges())))

    def budget_year_ranges(self) -> list[tuple[int, int]]:
        """Month ranges of the budget years: those the model's indicators are built on."""
        return model_budget_year_ranges(self.scenario.horizon_months,
                                  int(self.scenario.simulation.opening_month[5:7]) - 1)

    def median_autonomy_month(self) -> float:
        """Median month of autonomy (counted from 1); ``inf`` when most draws never get there."""
        months = np.nan_to_num(self.indicators["autonomy_month"].to_numpy(), nan=np.inf)
        return float(np.quantile(months, 0.5, method="inverted_cdf"))

    def summary(self) -> pd.DataFrame:
        """Tidy table: one row per (indicator, statistic) with its Monte Carlo standard error.

        Statistics: ``p10``, ``p50``, ``p80``, ``p90``, ``mean`` (standard error σ/√n) for each
        indicator; ``probability`` (standard error √(p(1−p)/n)) for autonomy by each year and
        for cash ever negative. An autonomy month of ``inf`` means "not within the horizon".
        """
        n = len(self.indicators)
        rows = []
        for name, column in self.indicators.items():
            values = column.to_numpy()
            month = name in ("autonomy_month", "full_cost_autonomy_month")
            if month:
                values = np.nan_to_num(values, nan=np.inf)
            finite = values[np.isfinite(values)] if not month else values
            if finite.size == 0:
                continue
            quantiles = np.quantile(finite, list(QUANTILES.values()), method="linear") if (
                not month) else np.quantile(values, list(QUANTILES.values()),
                                            method="inverted_cdf")
            rows += [(name, statistic, float(q), np.nan)
                     for statistic, q in zip(QUANTILES, quantiles, strict=True)]
            if not month:
                standard_error = float(finite.std(ddof=1) / np.sqrt(finite.size)) if (
                    finite.size > 1) else np.nan
                rows.append((name, "mean", float(finite.mean()), standard_error))
        probabilities = {f"autonomy_by_year_{year}": self.autonomy_probability(year)
                         for year in range(1, self.horizon_years + 1)}
        probabilities.update({
            f"full_cost_autonomy_by_year_{year}": self.autonomy_probability(year, "full_cost")
            for year in range(1, self.horizon_years + 1)})
        probabilities["operator_short_of_cash"] = float(
            np.mean(self.indicators["operator_shortfall_max_eur"].to_numpy() > 0))
        probabilities["cash_ever_negative"] = float(
            np.mean(self.indicators["min_cash_eur"].to_numpy() < 0))
        for name, p in probabilities.items():
            rows.append((name, "probability", p, float(np.sqrt(p * (1 - p) / n))))
        return pd.DataFrame(rows, columns=["indicator", "statistic", "value",
                                           "mc_standard_error"])

