"""Results of a run: an ``xarray.Dataset`` per draw and month, the central case, per-draw
indicators (pandas) and a tidy summary with Monte Carlo standard errors."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from .model.parties import BUDGET_LINES, budget_year_ranges
from .model.public_money import FUNDERS, KINDS, source_indicator
from .notices import Notice
from .rules import RuleCheck, check_rules, funding_reference, rule_notices

if TYPE_CHECKING:
    from .model.run import MonthlyAccounts
    from .scenario.schema import Scenario

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


def _monthly_arrays(accounts: MonthlyAccounts, shape: tuple[int, int]
                    ) -> dict[str, tuple[np.ndarray, list[str]]]:
    """Every result variable as a ``(draws, months[, lines])`` array and its line names."""
    occupancy = accounts.occupancy
    sources: dict[str, Any] = {
        "users": sum(occupancy.users_by_segment.values()),
        "served_user_days": occupancy.served_user_days,
        "turned_away_user_days": occupancy.turned_away_user_days,
        "occupancy_rate": occupancy.occupancy_rate,
        "flex_occupancy_rate": occupancy.flex_occupancy_rate,
        "public_money_eur": accounts.public_money_eur,
        "km_avoided": accounts.territory.km_avoided,
        "co2_avoided_tco2e": accounts.territory.co2_avoided_tco2e,
        "hours_saved": accounts.territory.hours_saved,
        "local_spending_eur": accounts.territory.local_spending_eur,
        "collectivity_net_cost_eur": accounts.collectivity.net_cost_eur,
    }
    arrays: dict[str, tuple[np.ndarray, list[str]]] = {}
    for name in MONTHLY_VARIABLES:
        value = sources[name] if name in sources else getattr(accounts, name)
        arrays[name] = (np.broadcast_to(np.asarray(value, dtype=float), shape), [])
    lines_by_variable = {"users_by_segment": occupancy.users_by_segment,
                         "collectivity_budget_eur": accounts.collectivity.lines,
                         **{name: getattr(accounts, name) for name in LINE_VARIABLES
                            if name not in ("users_by_segment", "collectivity_budget_eur")}}
    for name, lines in lines_by_variable.items():
        # Filled line by line in a contiguous (line, draw, month) block, exposed as a
        # (draw, month, line) view: strided writes into the last axis are several times slower.
        stacked = np.empty((len(lines), *shape))
        for row, line in enumerate(lines.values()):
            stacked[row] = line
        arrays[name] = (stacked.transpose(1, 2, 0), list(lines))
    return arrays


def _empty_like_layout(chunk: np.ndarray, draws: int) -> np.ndarray:
    """An uninitialised ``(draws, months[, lines])`` array with the chunk's memory layout:
    line variables live as contiguous ``(line, draw, month)`` blocks seen through a
    transposed view, so copying chunks into it stays a contiguous copy."""
    if chunk.ndim == 3:
        lines = chunk.shape[2]
        return np.empty((lines, draws, chunk.shape[1])).transpose(1, 2, 0)
    return np.empty((draws, *chunk.shape[1:]))


class ResultsCollector:
    """Gathers chunks of draws into preallocated arrays (or running sums in summary mode)."""

    def __init__(self, scenario: Scenario, draws: int, keep: str = "full"):
        self.draws, self.keep = draws, keep
        self.n_months = scenario.horizon_months
        self.arrays: dict[str, np.ndarray] = {}
        self.line_names: dict[str, list[str]] = {}
        self.monthly_sums: dict[str, np.ndarray] = {}
        self.mean_only_sums: dict[str, np.ndarray] = {}
        self.indicators: dict[str, np.ndarray] = {}

    def add(self, start: int, stop: int, accounts: MonthlyAccounts,
            indicators: dict[str, np.ndarray]) -> None:
        arrays = _monthly_arrays(accounts, (stop - start, self.n_months))
        for name, (array, lines) in arrays.items():
            self.line_names[name] = lines
            if self.keep == "full" and name in MEAN_ONLY_VARIABLES and self.draws > 1:
                self.mean_only_sums[name] = self.mean_only_sums.get(name, 0.0) + array.sum(axis=0)
            elif self.keep == "full":
                if start == 0 and stop == self.draws:
                    self.arrays[name] = array  # one chunk: keep it (broadcast views stay views)
                else:
                    if name not in self.arrays:
                        self.arrays[name] = _empty_like_layout(array, self.draws)
                    self.arrays[name][start:stop] = array
            else:
                self.monthly_sums[name] = self.monthly_sums.get(name, 0.0) + array.sum(axis=0)
        for name, values in indicators.items():
            if name not in self.indicators:
                self.indicators[name] = np.empty(self.draws)
            self.indicators[name][start:stop] = values


def _coordinates(scenario: Scenario) -> dict[str, Any]:
    n_months = scenario.horizon_months
    months = pd.date_range(scenario.simulation.opening_month + "-01", periods=n_months, freq="MS")
    return {"month": months, "year": ("month", np.arange(n_months) // 12 + 1)}


def _dataset(arrays: dict[str, np.ndarray], line_names: dict[str, list[str]],
             coordinates: dict[str, Any], with_draw: bool) -> xr.Dataset:
    variables = {}
    coords = dict(coordinates)
    for name, array in arrays.items():
        dims = (["draw"] if with_draw else []) + ["month"]
        if name in LINE_VARIABLES:
            dims.append(LINE_VARIABLES[name])
            coords[LINE_VARIABLES[name]] = line_names[name]
        variables[name] = (dims, array)
    if with_draw:
        coords["draw"] = np.arange(next(iter(arrays.values())).shape[0])
    return xr.Dataset(variables, coords=coords)


@dataclass
class Results:
    """What :func:`tierslieux_sim.simulate` returns.

    ``dataset``: variables by ``draw`` and ``month`` (``keep="full"`` only); ``central``: the
    same for the median-input case (no ``draw``); ``indicators``: one row per draw;
    ``monthly_mean``: mean over draws by month; ``notices``: warnings about the run (broken
    funding rules included); ``rule_checks``: the outcome of every funding rule.
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

    @classmethod
    def from_collectors(cls, scenario: Scenario, collector: ResultsCollector,
                        central: ResultsCollector, *, seed: int, sampling: str, keep: str,
                        notices: list[Notice]) -> Results:
        coordinates = _coordinates(scenario)
        central_dataset = _dataset({k: v[0] for k, v in central.arrays.items()},
                                   central.line_names, coordinates, with_draw=False)
        indicators = pd.DataFrame(collector.indicators)
        indicators.index.name = "draw"
        dataset = monthly_mean = mean_only = None
        if keep == "full":
            dataset = _dataset(collector.arrays, collector.line_names, coordinates, with_draw=True)
            if collector.mean_only_sums:
                means = {name: total / collector.draws
                         for name, total in collector.mean_only_sums.items()}
                mean_only = _dataset(means, collector.line_names, coordinates, with_draw=False)
        else:
            means = {name: total / collector.draws for name, total in collector.monthly_sums.items()}
            monthly_mean = _dataset(means, collector.line_names, coordinates, with_draw=False)
        central_indicators = pd.Series({k: v[0] for k, v in central.indicators.items()})
        checks = check_rules(indicators, central_indicators)
        return cls(scenario, seed, collector.draws, sampling, keep, central_dataset, indicators,
                   central_indicators, [*notices, *rule_notices(checks)], dataset, monthly_mean,
                   rule_checks=checks, _mean_only=mean_only)

    @property
    def monthly_mean(self) -> xr.Dataset:
        """Mean over draws of every variable, by month (computed on first use)."""
        if self._monthly_mean is None:
            mean = self.dataset.mean("draw")
            for name, variable in (self._mean_only.data_vars.items()
                                   if self._mean_only is not None else ()):
                mean[name] = variable
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
        from .scenario.files import scenario_to_toml

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
        return list(range(first, first + len(self._budget_year_ranges())))

    def _budget_year_ranges(self) -> list[tuple[int, int]]:
        """Month ranges of the budget years: those the model's indicators are built on."""
        return budget_year_ranges(self.scenario.horizon_months,
                                  int(self.scenario.simulation.opening_month[5:7]) - 1)

    def collectivity_cost_by_budget_year(self) -> pd.DataFrame:
        """The net cost to the collectivity per budget year, in cash paid [€]: one row per
        year, columns ``investment_p50``, ``investment_p80``, ``operating_p50``,
        ``operating_p80``, ``net_p10`` … ``net_p90``, ``net_mean`` and ``net_central`` (the
        central case); ``months`` in the year within the horizon. Costs are positive,
        receipts (grants, FCTVA, rent) negative; P50s of the sections do not add up to the
        P50 of the net cost."""
        rows = []
        for year, (start, stop) in zip(self.budget_years, self._budget_year_ranges(),
                                       strict=True):
            row: dict[str, float] = {"budget_year": year, "months": stop - start}
            for section, name in (("investment", f"net_cost_investment_{year}_eur"),
                                  ("operating", f"net_cost_operating_{year}_eur")):
                p50, p80 = np.quantile(self.indicators[name].to_numpy(), [0.5, 0.8])
                row[f"{section}_p50"], row[f"{section}_p80"] = p50, p80
            net = self.indicators[f"net_cost_{year}_eur"].to_numpy()
            for label, q in QUANTILES.items():
                row[f"net_{label}"] = float(np.quantile(net, q))
            row["net_mean"] = float(net.mean())
            row["net_central"] = float(self.central_indicators[f"net_cost_{year}_eur"])
            rows.append(row)
        return pd.DataFrame(rows).set_index("budget_year")

    def collectivity_budget_lines(self, statistic: str = "central") -> pd.DataFrame:
        """The collectivity's project budget line by line (rows) and budget year (columns)
        [€, costs positive, receipts negative], with a ``section`` column (``investment`` or
        ``operating``): the central case (``statistic="central"``) or the mean over draws
        (``"mean"``, also in summary mode)."""
        source = self.central if statistic == "central" else self.monthly_mean
        years = source["month"].dt.year.rename("budget_year")
        table = (source["collectivity_budget_eur"].groupby(years).sum("month")
                 .transpose("budget_line", "budget_year").to_pandas())
        table.insert(0, "section", [BUDGET_LINES[line] for line in table.index])
        return table

    def public_money_reconciliation(self) -> pd.DataFrame:
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
            granted_mean = float(self.indicators[granted].mean())
            paid_mean = float(self.indicators[paid].mean())
            rows.append({"kind": kind, "granted_eur": granted_mean,
                         "paid_within_horizon_eur": paid_mean,
                         "beyond_horizon_eur": granted_mean - paid_mean})
        return pd.DataFrame(rows).set_index("kind")

    def public_money_eur(self) -> pd.Series:
        """Public money per draw over the horizon [€]: investment grants received, operating
        subsidies (incl. aided contracts), balancing subsidy, in-kind support (premises lent
        free or at a reduced rent, seconded staff…), the public share of the initial cash and
        the FCTVA (valued volunteering is not public money: ``volunteer_time_eur``)."""
        return self.indicators["public_money_eur"]

    # --- public money by funder and kind ---------------------------------------------------

    def public_money_sources(self) -> pd.DataFrame:
        """Public money per draw over the horizon [€], one column per source present:
        columns are a ``(kind, funder)`` MultiIndex (kinds and funders of
        :mod:`tierslieux_sim.model.public_money`)."""
        columns = {(kind, funder): self.indicators[source_indicator(kind, funder)]
                   for kind in KINDS for funder in FUNDERS
                   if source_indicator(kind, funder) in self.indicators}
        table = pd.DataFrame(columns, index=self.indicators.index)
        table.columns = pd.MultiIndex.from_tuples(list(columns), names=["kind", "funder"])
        return table

    def public_money_by_funder(self) -> pd.DataFrame:
        """Public money per draw over the horizon by funder level [€] (EU, State, Région,
        Département, EPCI/commune, other; only those present). Rows sum to
        :meth:`public_money_eur`."""
        return self.public_money_sources().T.groupby(level="funder", sort=False).sum().T

    def public_money_by_kind(self) -> pd.DataFrame:
        """Public money per draw over the horizon by kind [€] (investment grants, operating
        subsidies, balancing subsidy, in kind, initial contribution, FCTVA; those present)."""
        return self.public_money_sources().T.groupby(level="kind", sort=False).sum().T

    def public_money_table(self) -> pd.DataFrame:
        """Mean over draws of public money by funder (rows) and kind (columns) [€], with a
        ``total`` column and row. Means add up, so the table's totals are those of the
        per-draw totals."""
        means = self.public_money_sources().mean().unstack("kind", fill_value=0.0)
        means = means.reindex(index=[f for f in FUNDERS if f in means.index],
                              columns=[k for k in KINDS if k in means.columns])
        means["total"] = means.sum(axis=1)
        means.loc["total"] = means.sum(axis=0)
        return means

    def public_money_ratios(self) -> pd.DataFrame:
        """Public money per draw over the horizon divided by the use of the site [€]: per
        user-year, per desk-day (user-day served), per full-time job hosted and year
        (desk-days ÷ open days), per inhabitant and year (only with a population)."""
        names = ["public_money_per_user_year_eur", "public_money_per_desk_day_eur",
                 "public_money_per_job_year_eur", "public_money_per_inhabitant_per_year_eur"]
        return self.indicators[[name for name in names if name in self.indicators]]

    def public_money_summary(self) -> pd.DataFrame:
        """Tidy table of public money: the total, each funder, each kind and each ratio, with
        P10, P50, P90 and the mean over draws (rows without finite values are left out)."""
        columns = {"total": self.public_money_eur()}
        columns.update({f"funder:{name}": values
                        for name, values in self.public_money_by_funder().items()})
        columns.update({f"kind:{name}": values
                        for name, values in self.public_money_by_kind().items()})
        columns.update(self.public_money_ratios().items())
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

    def rule_table(self) -> pd.DataFrame:
        """One row per funding rule: whether it applies, its status (``respected``,
        ``broken``, ``not_applicable``), the share of draws breaking it, the checked quantity
        in the central case and its least favourable value, and the limit."""
        return pd.DataFrame([{
            "rule": check.code, "status": check.status, "broken_share": check.broken_share,
            "central_value": check.central_value, "worst_value": check.worst_value,
            "limit": check.limit, "unit": check.unit, "path": check.path}
            for check in self.rule_checks]).set_index("rule")

    def financing_plan(self) -> pd.DataFrame:
        """The financing plan of the initial investment (first purchases) at median inputs.

        One row per resource: each investment grant (amount if awarded, probability,
        expected amount, payment schedule), the FCTVA, the loan and the owner's
        self-financing (the rest, if every grant is awarded and in expectation). Shares are of
        the cost the owner bears; ``attrs`` holds that cost, its part excluding VAT and the
        VAT it bears.
        """
        from .model import financing
        from .model.public_money import funder_of
        from .model.run import fctva_applies, investment_and_grants
        from .scenario.paths import plain_parameters

        scenario = self.scenario
        p = plain_parameters(scenario, lambda _path, law: np.array([[law.median()]]))
        p["funding_reference"] = reference = funding_reference()
        for grant in p["investment"]["grants"]:
            grant["award_uniform"] = 0.0  # amounts if awarded; probabilities shown apart
            grant["award_probability"] = 1.0
        flows = investment_and_grants(p, scenario.horizon_months)
        cost = float(np.asarray(flows.initial_cost_borne_eur).sum())
        structure = p["structure"]
        excluding_vat = float(np.asarray(flows.default_eligible_cost_eur).sum())
        rows = []
        for grant, original in zip(p["investment"]["grants"], scenario.investment.grants,
                                   strict=True):
            amount = float(np.asarray(flows.grant_amounts_eur[grant["name"]]).sum())
            rows.append({"line": grant["name"], "kind": "grant", "programme": grant["programme"],
                         "funder": funder_of(grant), "award_probability":
                         original.award_probability, "amount_eur": amount,
                         "expected_eur": amount * original.award_probability,
                         "advance_share": grant["advance_share"],
                         "advance_delay_months": grant["advance_delay_months"],
                         "payment_delay_months": grant["payment_delay_months"]})
        if fctva_applies(structure):
            delay = financing.fctva_delay_months(
                reference["fctva_delay_years"][structure["fctva_regime"]],
                structure["fctva_processing_delay_months"])
            amount = reference["fctva_rate"] * cost
            rows.append({"line": "fctva", "kind": "fctva", "funder": "state",
                         "award_probability": 1.0, "amount_eur": amount, "expected_eur": amount,
                         "payment_delay_months": delay})
        loan = float(np.asarray(p["loan"]["amount_eur"]).sum())
        if loan > 0:
            rows.append({"line": "loan", "kind": "loan", "award_probability": 1.0,
                         "amount_eur": loan, "expected_eur": loan,
                         "payment_delay_months": p["loan"]["disbursement_month"] - 1})
        resources = pd.DataFrame(rows, columns=[
            "line", "kind", "programme", "funder", "award_probability", "amount_eur",
            "expected_eur", "advance_share", "advance_delay_months", "payment_delay_months"])
        self_financing = {"line": "self_financing", "kind": "self_financing",
                          "amount_eur": cost - resources["amount_eur"].sum(),
                          "expected_eur": cost - resources["expected_eur"].sum()}
        plan = pd.concat([resources, pd.DataFrame([self_financing])], ignore_index=True)
        plan["share_of_cost"] = plan["amount_eur"] / cost if cost > 0 else np.nan
        plan["expected_share_of_cost"] = plan["expected_eur"] / cost if cost > 0 else np.nan
        plan.attrs.update(cost_eur=cost, cost_excluding_vat_eur=excluding_vat,
                          vat_borne_eur=cost - excluding_vat)
        return plan.set_index("line")

    def median_autonomy_month(self) -> float:
        """Median month of autonomy (counted from 1); ``inf`` when most draws never get there."""
        months = np.nan_to_num(self.indicators["autonomy_month"].to_numpy(), nan=np.inf)
        return float(np.quantile(months, 0.5, method="inverted_cdf"))

    def yearly_kpis(self) -> pd.DataFrame:
        """One row per year of operation (from 1): probability of autonomy by the end of the
        year, balancing subsidy P50/P80/P90 [€], occupancy P10/P50/P90 [0–1]."""
        rows = []
        for year in range(1, self.horizon_years + 1):
            balancing = self.indicators[f"balancing_subsidy_year_{year}_eur"].to_numpy()
            occupancy = self.indicators[f"occupancy_rate_year_{year}"].to_numpy()
            b10, b50, b80, b90 = np.quantile(balancing, list(QUANTILES.values()))
            o10, o50, _, o90 = np.quantile(occupancy, list(QUANTILES.values()))
            rows.append({"year": year, "autonomy_probability": self.autonomy_probability(year),
                         "balancing_subsidy_p50_eur": b50, "balancing_subsidy_p80_eur": b80,
                         "balancing_subsidy_p90_eur": b90, "occupancy_rate_p10": o10,
                         "occupancy_rate_p50": o50, "occupancy_rate_p90": o90})
        return pd.DataFrame(rows).set_index("year")

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

    def to_file(self, path: str | Path, language: str | None = None) -> Path:
        """Write results by extension: ``.csv`` (per-draw indicators), ``.xlsx`` (the
        workbook of :mod:`tierslieux_sim.workbook`, in ``language``: assumptions with
        sources, yearly accounts, monthly cash, financing plan, indicators…), ``.nc`` (netCDF:
        the dataset, or monthly means in summary mode)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            self.indicators.to_csv(path)
        elif suffix == ".xlsx":
            from .workbook import write_workbook

            write_workbook(self, path, language)
        elif suffix == ".nc":
            dataset = self._dataset if self._dataset is not None else self.monthly_mean
            dataset = dataset.assign_attrs(seed=str(self.seed), draws=self.draws,
                                           sampling=self.sampling,
                                           scenario=self.scenario.meta.name)
            dataset.to_netcdf(path, engine="h5netcdf")
        else:
            raise ValueError(f"unsupported output format {suffix!r} (csv, xlsx, nc)")
        return path
