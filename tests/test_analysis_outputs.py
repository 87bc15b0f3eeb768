"""Output names (statistic grammar), their values on a run and their Monte Carlo errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tierslieux_sim.analysis.changes import apply_changes
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.engine.outputs import default_kpis, parse_output


@pytest.mark.parametrize(("name", "indicator", "statistic", "year"), [
    ("balancing_subsidy_p80", "balancing_subsidy_eur", "p80", None),
    ("balancing_subsidy", "balancing_subsidy_eur", "central", None),
    ("balancing_subsidy_central", "balancing_subsidy_eur", "central", None),
    ("balancing_subsidy_year_3_p50", "balancing_subsidy_year_3_eur", "p50", None),
    ("cash_at_horizon_mean", "cash_at_horizon_eur", "mean", None),
    ("occupancy_rate_year_2_p10", "occupancy_rate_year_2", "p10", None),
    ("autonomy_by_year_5", "autonomy_month", "probability", 5),
    ("cash_ever_negative", "min_cash_eur", "probability", None),
])
def test_names_parse(default, name, indicator, statistic, year):
    output = parse_output(name, default)
    assert (output.indicator, output.statistic, output.year) == (indicator, statistic, year)


@pytest.mark.parametrize("name", ["nothing_p80", "balancing_subsidy_p0", "autonomy_by_year_11",
                                  "balancing_subsidy_year_12_p50", ""])
def test_unknown_or_beyond_horizon_names_are_refused(default, name):
    with pytest.raises(AnalysisError) as caught:
        parse_output(name, default)
    assert caught.value.text("fr") and caught.value.text("en")


def test_values_match_the_results_summary(default_run):
    summary = default_run.summary().set_index(["indicator", "statistic"])["value"]
    for name, key in (("balancing_subsidy_p80", ("balancing_subsidy_eur", "p80")),
                      ("min_cash_p10", ("min_cash_eur", "p10")),
                      ("cash_at_horizon_mean", ("cash_at_horizon_eur", "mean")),
                      ("autonomy_by_year_5", ("autonomy_by_year_5", "probability")),
                      ("cash_ever_negative", ("cash_ever_negative", "probability"))):
        assert parse_output(name, default_run.scenario).value(default_run) == pytest.approx(
            summary[key], rel=1e-12)
    central = parse_output("balancing_subsidy", default_run.scenario).value(default_run)
    assert central == default_run.central_indicators["balancing_subsidy_eur"]


def test_percentile_interval_covers_the_true_value_about_95_percent_of_the_time():
    """Distribution-free interval of a P80 from 400 standard normal draws: coverage of the
    true P80 over 400 repetitions is close to 95 %."""
    output = parse_output("cash_at_horizon_p80", columns=["cash_at_horizon_eur"])
    rng = np.random.default_rng(3)
    truth = stats.norm.ppf(0.8)
    hits = [low <= truth <= high for low, high in
            (output.confidence_interval(rng.standard_normal(400)) for _ in range(400))]
    assert 0.91 <= np.mean(hits) <= 0.99


def test_probability_and_mean_standard_errors():
    probability = parse_output("cash_ever_negative", columns=["min_cash_eur"])
    values = np.array([-1.0] * 30 + [1.0] * 70)
    assert probability.of(probability.per_draw(pd.DataFrame({"min_cash_eur": values}))) == 0.3
    assert probability.standard_error(np.array([1.0] * 30 + [0.0] * 70)) == pytest.approx(
        np.sqrt(0.3 * 0.7 / 100), rel=1e-3)
    mean = parse_output("cash_at_horizon_mean", columns=["cash_at_horizon_eur"])
    draws = np.arange(10.0)
    assert mean.standard_error(draws) == pytest.approx(draws.std(ddof=1) / np.sqrt(10), rel=1e-3)


def test_labels_and_formats_in_both_languages(default):
    output = parse_output("balancing_subsidy_p80", default)
    assert output.label("fr") == "Subvention d'équilibre sur l'horizon (P80)"
    assert output.label("en") == "Balancing subsidy over the horizon (P80)"
    assert output.format(150_000.4, "fr") == "150\u202f000\u00a0€"
    assert output.format(150_000.4, "en") == "€150,000"
    autonomy = parse_output("autonomy_by_year_5", default)
    assert autonomy.label("fr") == "Probabilité d'autonomie d'ici l'année 5"
    assert autonomy.format(0.8, "fr") == "80\u00a0%"
    assert autonomy.format_difference(0.084, "fr") == "+8,4 points"
    assert autonomy.higher_is_better and not output.higher_is_better


def test_default_kpis_stay_within_the_horizon(default):
    short = apply_changes(default, {"simulation.horizon_years": 3})
    names = [output.name for output in default_kpis(short)]
    assert "autonomy_by_year_3" in names and "autonomy_by_year_5" not in names
    assert "autonomy_by_year_5" in [output.name for output in default_kpis(default)]
