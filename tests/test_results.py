"""Results: keep="summary", per-draw indicators against the monthly dataset, summary()."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import tierslieux_sim as tl
from tierslieux_sim.engine.results import LINE_VARIABLES, MEAN_ONLY_VARIABLES, MONTHLY_VARIABLES

# --- 6. keep="summary" ---------------------------------------------------------------------

@pytest.fixture(scope="module", params=["random", "lhs"])
def full_and_summary(request, rich):
    kwargs = {"draws": 1_500, "seed": 17, "sampling": request.param, "chunk_draws": 600}
    return tl.simulate(rich, keep="full", **kwargs), tl.simulate(rich, keep="summary", **kwargs)


def test_summary_mode_keeps_identical_indicators(full_and_summary):
    full, summary = full_and_summary
    pd.testing.assert_frame_equal(summary.indicators, full.indicators, check_exact=True)
    pd.testing.assert_series_equal(summary.central_indicators, full.central_indicators,
                                   check_exact=True)
    assert summary.central.identical(full.central)
    pd.testing.assert_frame_equal(summary.summary(), full.summary(), check_exact=True)
    assert summary.keep == "summary" and summary.draws == full.draws == 1_500


def test_summary_mode_monthly_mean(full_and_summary):
    full, summary = full_and_summary
    # the collectivity's budget lines are kept as means only, even in full mode
    assert set(MEAN_ONLY_VARIABLES).isdisjoint(full.dataset.data_vars)
    mean = full.dataset.mean("draw")
    for name in MEAN_ONLY_VARIABLES:
        mean[name] = full.monthly_mean[name]
    assert set(summary.monthly_mean.data_vars) == set(MONTHLY_VARIABLES) | set(LINE_VARIABLES)
    for name in summary.monthly_mean.data_vars:
        assert summary.monthly_mean[name].dims == mean[name].dims, name
        np.testing.assert_allclose(summary.monthly_mean[name], mean[name], rtol=1e-10,
                                   atol=1e-9, err_msg=name)
    for name in ("revenue_line", "cost_line", "subsidy_line", "donation_line", "segment"):
        np.testing.assert_array_equal(summary.monthly_mean[name].values, mean[name].values)
    assert full.monthly_mean.identical(mean)


def test_summary_mode_has_no_dataset(full_and_summary):
    _, summary = full_and_summary
    with pytest.raises(ValueError, match="summary"):
        _ = summary.dataset


# --- indicators against the dataset --------------------------------------------------------

def _naive_autonomy_month(own: np.ndarray, costs: np.ndarray) -> float:
    """First month m (from 1) with trailing-12-month own revenue ≥ costs at every month ≥ m."""
    months = len(own)
    covered = [k >= 11 and own[k - 11:k + 1].sum() >= costs[k - 11:k + 1].sum()
               for k in range(months)]
    for m in range(months):
        if all(covered[m:]):
            return float(m + 1)
    return np.nan


@pytest.mark.parametrize("name", ["default_run", "rich_run", "autonomy_run"])
def test_indicators_match_the_dataset(request, name):
    run = request.getfixturevalue(name)
    ds, ind = run.dataset, run.indicators
    np.testing.assert_array_equal(ind["min_cash_eur"], ds.cash_eur.min("month"))
    np.testing.assert_array_equal(ind["cash_at_horizon_eur"], ds.cash_eur.isel(month=-1))
    by_year = ds.groupby("year")
    sums, means = by_year.sum(), by_year.mean()
    for year in range(1, run.horizon_years + 1):
        np.testing.assert_allclose(ind[f"balancing_subsidy_year_{year}_eur"],
                                   sums.balancing_subsidy_eur.sel(year=year), rtol=1e-12,
                                   atol=1e-6)
        np.testing.assert_allclose(ind[f"occupancy_rate_year_{year}"],
                                   means.occupancy_rate.sel(year=year), rtol=1e-12)
        np.testing.assert_allclose(
            ind[f"self_financing_ratio_year_{year}"],
            sums.own_revenue_eur.sel(year=year) / sums.operating_costs_eur.sel(year=year),
            rtol=1e-12)
    own, costs = ds.own_revenue_eur.values, ds.operating_costs_eur.values
    for draw in range(0, run.draws, max(1, run.draws // 60)):
        expected = _naive_autonomy_month(own[draw], costs[draw])
        np.testing.assert_equal(ind["autonomy_month"].iloc[draw], expected)


def test_autonomy_is_reached_in_some_draws_only(autonomy_run):
    months = autonomy_run.indicators["autonomy_month"]
    assert 0.2 < months.notna().mean() < 0.8  # the fixture is informative
    assert (months.dropna() >= 12).all()  # a full year is needed before judging


def test_central_case_is_consistent(default_run):
    central = default_run.central
    assert "draw" not in central.dims
    assert set(central.data_vars) == set(default_run.dataset.data_vars) | set(
        MEAN_ONLY_VARIABLES)
    ind = default_run.central_indicators
    assert ind["min_cash_eur"] == central.cash_eur.min().item()
    assert ind["balancing_subsidy_eur"] == pytest.approx(max(0.0, -central.cash_eur.min().item()))
    # The central case of a skewed model need not be the mean, but it lies inside the draws.
    low, high = default_run.indicators["min_cash_eur"].quantile([0.01, 0.99])
    assert low <= ind["min_cash_eur"] <= high


def test_calendar_coordinates(default_run):
    months = default_run.dataset.month.values
    assert str(months[0])[:7] == default_run.scenario.simulation.opening_month == "2027-09"
    assert str(months[12])[:7] == "2028-09"
    np.testing.assert_array_equal(default_run.dataset.year.values,
                                  np.repeat(np.arange(1, 11), 12))


# --- 9. summary() --------------------------------------------------------------------------

def _row(summary, indicator, statistic):
    rows = summary[(summary.indicator == indicator) & (summary.statistic == statistic)]
    assert len(rows) == 1, (indicator, statistic)
    return rows.iloc[0]


def test_summary_statistics_of_the_balancing_subsidy(autonomy_run):
    summary = autonomy_run.summary()
    assert list(summary.columns) == ["indicator", "statistic", "value", "mc_standard_error"]
    values = autonomy_run.indicators["balancing_subsidy_eur"].to_numpy()
    n = len(values)
    for statistic, level in {"p10": 0.1, "p50": 0.5, "p80": 0.8, "p90": 0.9}.items():
        row = _row(summary, "balancing_subsidy_eur", statistic)
        assert row.value == pytest.approx(np.quantile(values, level), rel=1e-12)
    p10, p50, p80, p90 = (_row(summary, "balancing_subsidy_eur", s).value
                          for s in ("p10", "p50", "p80", "p90"))
    assert p10 <= p50 <= p80 <= p90
    mean = _row(summary, "balancing_subsidy_eur", "mean")
    assert mean.value == pytest.approx(values.mean(), rel=1e-12)
    assert mean.mc_standard_error == pytest.approx(values.std(ddof=1) / np.sqrt(n), rel=1e-12)
    assert mean.mc_standard_error > 0
    assert _row(summary, "balancing_subsidy_year_1_eur", "mean").value == pytest.approx(
        autonomy_run.indicators["balancing_subsidy_year_1_eur"].mean(), rel=1e-12)


def test_summary_autonomy_probabilities(autonomy_run):
    summary = autonomy_run.summary()
    n = autonomy_run.draws
    months = autonomy_run.indicators["autonomy_month"].to_numpy()
    probabilities = []
    for year in range(1, autonomy_run.horizon_years + 1):
        row = _row(summary, f"autonomy_by_year_{year}", "probability")
        expected = np.mean(np.nan_to_num(months, nan=np.inf) <= 12 * year)
        assert row.value == pytest.approx(expected, abs=1e-15)
        assert row.value == autonomy_run.autonomy_probability(year)
        assert 0.0 <= row.value <= 1.0
        assert row.mc_standard_error == pytest.approx(np.sqrt(row.value * (1 - row.value) / n),
                                                      abs=1e-15)
        probabilities.append(row.value)
    assert np.all(np.diff(probabilities) >= 0)
    assert probabilities[0] < probabilities[-1]  # informative: it does move with the year
    negative = _row(summary, "cash_ever_negative", "probability")
    assert negative.value == np.mean(autonomy_run.indicators["min_cash_eur"] < 0)


def test_summary_uses_the_finite_draws_of_an_indicator(default_run):
    """An indicator undefined in some draws (NaN: e.g. no costs in a year) is summarised on
    its defined draws, with their count in the standard error."""
    indicators = default_run.indicators.copy()
    column = "self_financing_ratio_year_2"
    indicators.loc[indicators.index[::2], column] = np.nan
    finite = indicators[column].dropna().to_numpy()
    summary = dataclasses.replace(default_run, indicators=indicators).summary()
    mean = _row(summary, column, "mean")
    assert mean.value == pytest.approx(finite.mean(), rel=1e-12)
    assert mean.mc_standard_error == pytest.approx(finite.std(ddof=1) / np.sqrt(finite.size),
                                                   rel=1e-12)
    assert _row(summary, column, "p50").value == pytest.approx(np.median(finite), rel=1e-12)


def test_summary_rows_are_complete(default_run):
    summary = default_run.summary()
    assert not summary.value.isna().any()
    quantiles = summary.statistic.isin(["p10", "p50", "p80", "p90"])
    assert summary[quantiles].mc_standard_error.isna().all()
    assert summary[~quantiles].mc_standard_error.notna().all()
    months = ("autonomy_month", "full_cost_autonomy_month")
    finite_indicators = [c for c in default_run.indicators.columns if c not in months]
    for name in finite_indicators:
        assert set(summary[summary.indicator == name].statistic) == {
            "p10", "p50", "p80", "p90", "mean"}, name
    for name in months:
        assert set(summary[summary.indicator == name].statistic) == {"p10", "p50", "p80", "p90"}
