"""Results of a run: an ``xarray.Dataset`` per draw and month, the central case, per-draw
indicators (pandas) and a tidy summary with Monte Carlo standard errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from .notices import Notice

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
    "in_kind_rent_eur", "public_money_eur",
    "km_avoided", "co2_avoided_tco2e", "hours_saved", "local_spending_eur",
)
#: Variables with a line dimension: variable → dimension name.
LINE_VARIABLES = {
    "users_by_segment": "segment",
    "revenue_by_line_eur": "revenue_line",
    "donations_by_line_eur": "donation_line",
    "operating_costs_by_line_eur": "cost_line",
    "subsidies_by_line_eur": "subsidy_line",
}


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
    }
    arrays: dict[str, tuple[np.ndarray, list[str]]] = {}
    for name in MONTHLY_VARIABLES:
        value = sources[name] if name in sources else getattr(accounts, name)
        arrays[name] = (np.broadcast_to(np.asarray(value, dtype=float), shape), [])
    lines_by_variable = {"users_by_segment": occupancy.users_by_segment,
                         **{name: getattr(accounts, name) for name in LINE_VARIABLES
                            if name != "users_by_segment"}}
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
        self.indicators: dict[str, np.ndarray] = {}

    def add(self, start: int, stop: int, accounts: MonthlyAccounts,
            indicators: dict[str, np.ndarray]) -> None:
        arrays = _monthly_arrays(accounts, (stop - start, self.n_months))
        for name, (array, lines) in arrays.items():
            self.line_names[name] = lines
            if self.keep == "full":
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
    ``monthly_mean``: mean over draws by month; ``notices``: warnings about the run.
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

    @classmethod
    def from_collectors(cls, scenario: Scenario, collector: ResultsCollector,
                        central: ResultsCollector, *, seed: int, sampling: str, keep: str,
                        notices: list[Notice]) -> Results:
        coordinates = _coordinates(scenario)
        central_dataset = _dataset({k: v[0] for k, v in central.arrays.items()},
                                   central.line_names, coordinates, with_draw=False)
        indicators = pd.DataFrame(collector.indicators)
        indicators.index.name = "draw"
        dataset = monthly_mean = None
        if keep == "full":
            dataset = _dataset(collector.arrays, collector.line_names, coordinates, with_draw=True)
        else:
            means = {name: total / collector.draws for name, total in collector.monthly_sums.items()}
            monthly_mean = _dataset(means, collector.line_names, coordinates, with_draw=False)
        return cls(scenario, seed, collector.draws, sampling, keep, central_dataset, indicators,
                   pd.Series({k: v[0] for k, v in central.indicators.items()}), notices,
                   dataset, monthly_mean)

    @property
    def monthly_mean(self) -> xr.Dataset:
        """Mean over draws of every variable, by month (computed on first use)."""
        if self._monthly_mean is None:
            self._monthly_mean = self.dataset.mean("draw")
        return self._monthly_mean

    @property
    def dataset(self) -> xr.Dataset:
        if self._dataset is None:
            raise ValueError("keep='summary' was used: per-draw monthly arrays were not kept "
                             "(see .indicators and .monthly_mean)")
        return self._dataset

    @property
    def horizon_years(self) -> int:
        return self.scenario.simulation.horizon_years

    def autonomy_probability(self, year: int) -> float:
        """Share of draws autonomous by the end of ``year`` (counted from 1)."""
        months = self.indicators["autonomy_month"].to_numpy()
        return float(np.mean(np.nan_to_num(months, nan=np.inf) <= 12 * year))

    def public_money_eur(self) -> pd.Series:
        """Public money per draw over the horizon [€]: investment grants received, operating
        subsidies (incl. aided contracts), balancing subsidy and the market rent of premises
        lent free (in kind)."""
        return self.indicators["public_money_eur"]

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
            if name == "autonomy_month":
                values = np.nan_to_num(values, nan=np.inf)
            finite = values[np.isfinite(values)] if name != "autonomy_month" else values
            if finite.size == 0:
                continue
            quantiles = np.quantile(finite, list(QUANTILES.values()), method="linear") if (
                name != "autonomy_month") else np.quantile(values, list(QUANTILES.values()),
                                                           method="inverted_cdf")
            rows += [(name, statistic, float(q), np.nan)
                     for statistic, q in zip(QUANTILES, quantiles, strict=True)]
            if name != "autonomy_month":
                standard_error = float(finite.std(ddof=1) / np.sqrt(finite.size)) if (
                    finite.size > 1) else np.nan
                rows.append((name, "mean", float(finite.mean()), standard_error))
        probabilities = {f"autonomy_by_year_{year}": self.autonomy_probability(year)
                         for year in range(1, self.horizon_years + 1)}
        probabilities["cash_ever_negative"] = float(
            np.mean(self.indicators["min_cash_eur"].to_numpy() < 0))
        for name, p in probabilities.items():
            rows.append((name, "probability", p, float(np.sqrt(p * (1 - p) / n))))
        return pd.DataFrame(rows, columns=["indicator", "statistic", "value",
                                           "mc_standard_error"])

    def to_file(self, path: str | Path) -> Path:
        """Write results by extension: ``.csv`` (per-draw indicators), ``.xlsx`` (summary,
        indicators, monthly means), ``.nc`` (netCDF: the dataset, or monthly means in summary
        mode)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            self.indicators.to_csv(path)
        elif suffix == ".xlsx":
            with pd.ExcelWriter(path, engine="openpyxl") as writer:
                self.summary().to_excel(writer, sheet_name="summary", index=False)
                self.indicators.to_excel(writer, sheet_name="indicators")
                monthly = self.monthly_mean[list(MONTHLY_VARIABLES)].to_dataframe()
                monthly.to_excel(writer, sheet_name="monthly_mean")
        elif suffix == ".nc":
            dataset = self._dataset if self._dataset is not None else self.monthly_mean
            dataset = dataset.assign_attrs(seed=str(self.seed), draws=self.draws,
                                           sampling=self.sampling,
                                           scenario=self.scenario.meta.name)
            dataset.to_netcdf(path, engine="h5netcdf")
        else:
            raise ValueError(f"unsupported output format {suffix!r} (csv, xlsx, nc)")
        return path
