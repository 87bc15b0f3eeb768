"""Figures and readings of tierslieux_sim.views.plots.

Expected values are recomputed here from the results with numpy (quantiles over draws, means
of yearly totals) and formatted with tierslieux_sim.core.formatting, never copied from a run.
"""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

import tierslieux_sim as tl
from conftest import SEED, edit_scenario
from tierslieux_sim.core.formatting import NBSP, format_eur, format_month, format_percent
from tierslieux_sim.core.i18n import message, set_language
from tierslieux_sim.views import plots
from tierslieux_sim.views.yearly import yearly_kpis

DRAWS = 400
BUILT_IN_LINES = ("day_pass", "ten_day_pack", "flex_membership", "dedicated_desk",
                  "office_seat", "meeting_rooms", "domiciliation", "event_hire", "rent",
                  "energy", "consumables", "staff", "aided_contracts")
SINGLE_CHARTS = list(plots.CHARTS)
TITLE_IDS = {
    "cash_fan": "plot.cash.title", "yearly_revenue_costs": "plot.revenue_costs.title",
    "occupancy": "plot.occupancy.title", "autonomy_probability": "plot.autonomy.title",
    "users_by_segment": "plot.users.title",
}


# --- fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=tl.preset_names())
def preset_run(request: pytest.FixtureRequest) -> tl.Results:
    return tl.simulate(tl.preset_scenario(request.param), draws=300, seed=SEED)


@pytest.fixture(scope="module")
def summary_run(default: tl.Scenario) -> tl.Results:
    return tl.simulate(default, draws=DRAWS, seed=SEED, keep="summary")


@pytest.fixture(scope="module")
def full_run(default: tl.Scenario) -> tl.Results:
    """Same draws as ``summary_run``, every array kept."""
    return tl.simulate(default, draws=DRAWS, seed=SEED)


@pytest.fixture(scope="module")
def short_run(default: tl.Scenario) -> tl.Results:
    """A 4-year variant opening in April: comparisons with different horizons and months."""
    def edit(data: dict) -> None:
        data["simulation"].update(horizon_years=4, opening_month="2027-04")
    return tl.simulate(edit_scenario(default, edit), draws=300, seed=SEED)


@pytest.fixture(scope="module")
def rich_cash_run(default: tl.Scenario) -> tl.Results:
    """So much initial cash that no balancing subsidy is ever needed."""
    def edit(data: dict) -> None:
        data["simulation"]["initial_cash_eur"] = 5_000_000.0
    return tl.simulate(edit_scenario(default, edit), draws=300, seed=SEED)


def by_meta(figure: go.Figure) -> dict[str, go.BaseTraceType]:
    return {trace.meta: trace for trace in figure.data}


def rounded_eur(value: float, rounding, language: str = "fr") -> str:
    """An amount rounded to the thousand by ``rounding`` (math.floor, math.ceil, round)."""
    return format_eur(rounding(value / 1_000) * 1_000, 0, language)


# --- the module stays out of Streamlit -------------------------------------------------------

def test_plots_does_not_import_streamlit():
    source = Path(plots.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert "streamlit" not in imported
    code = "import sys, tierslieux_sim.views.plots; print('streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


# --- every figure and reading builds, in both languages --------------------------------------

@pytest.mark.parametrize("chart", SINGLE_CHARTS)
def test_every_chart_builds_for_every_preset(preset_run: tl.Results, chart: str):
    figure_function, reading_function = plots.CHARTS[chart]
    for language, separators in (("fr", ", "), ("en", ".,")):
        figure = figure_function(preset_run, language=language)
        assert isinstance(figure, go.Figure)
        assert figure.data, chart
        assert figure.layout.title.text and figure.layout.title.subtitle.text
        assert figure.layout.separators == separators
        assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text
        reading = reading_function(preset_run, language=language)
        assert reading.endswith(".") and "{" not in reading and "nan" not in reading.lower()


def test_comparisons_build_for_all_presets(preset_run: tl.Results, default_run: tl.Results):
    variants = {"Preset": preset_run, "Défaut": default_run}
    for language in ("fr", "en"):
        for figure in (plots.compare_cash_chart(variants, language),
                       plots.compare_cash_chart(variants, language, bands=True),
                       plots.compare_balancing_chart(variants, language)):
            assert isinstance(figure, go.Figure) and figure.layout.title.text
        for reading in (plots.reading_compare_cash(variants, language),
                        plots.reading_compare_balancing(variants, language)):
            assert "Preset" in reading and "Défaut" in reading


@pytest.mark.parametrize("chart", list(TITLE_IDS))
def test_french_by_default_english_on_request(default_run: tl.Results, chart: str):
    figure_function = plots.CHARTS[chart][0]
    assert figure_function(default_run).layout.title.text == message(TITLE_IDS[chart], "fr")
    assert (figure_function(default_run, language="en").layout.title.text
            == message(TITLE_IDS[chart], "en"))
    assert message(TITLE_IDS[chart], "fr") != message(TITLE_IDS[chart], "en")


def test_current_language_is_the_default(default_run: tl.Results):
    set_language("en")
    try:
        figure = plots.cash_fan_chart(default_run)
        reading = plots.reading_autonomy_probability(default_run)
    finally:
        set_language(None)
    assert figure.layout.title.text == message("plot.cash.title", "en")
    assert reading.startswith("Autonomy reached")


def test_unknown_language_is_refused(default_run: tl.Results):
    with pytest.raises(ValueError, match="language"):
        plots.autonomy_probability_chart(default_run, language="de")


# --- fan charts --------------------------------------------------------------------------------

def test_cash_fan_band_median_and_central(default_run: tl.Results):
    figure = plots.cash_fan_chart(default_run)
    traces = by_meta(figure)
    cash = default_run.dataset["cash_eur"].to_numpy()
    np.testing.assert_allclose(traces["p10"].y, np.quantile(cash, 0.10, axis=0))
    np.testing.assert_allclose(traces["p90"].y, np.quantile(cash, 0.90, axis=0))
    np.testing.assert_allclose(traces["median"].y, np.median(cash, axis=0))
    np.testing.assert_array_equal(traces["central"].y, default_run.central["cash_eur"].to_numpy())
    assert traces["p90"].fill == "tonexty" and traces["p10"].showlegend is False
    # grey print: the median is dashed, the central case solid and thicker
    assert traces["median"].line.dash == "dash"
    assert traces["central"].line.width > traces["median"].line.width
    assert [shape.y0 for shape in figure.layout.shapes] == [0.0]
    assert len(traces["central"].x) == default_run.scenario.horizon_months


def test_month_axis_has_french_yearly_ticks(default_run: tl.Results):
    months = default_run.central["month"].to_index()
    for language in ("fr", "en"):
        axis = plots.cash_fan_chart(default_run, language).layout.xaxis
        assert list(axis.ticktext) == [format_month(m.date(), language) for m in months[::12]]
    fr_ticks = plots.cash_fan_chart(default_run).layout.xaxis.ticktext
    assert fr_ticks[0] == "sept. 2027"  # default scenario opens in September 2027


def test_euro_axis_and_hover(default_run: tl.Results):
    fr, en = plots.cash_fan_chart(default_run, "fr"), plots.cash_fan_chart(default_run, "en")
    assert fr.layout.yaxis.ticksuffix == f"{NBSP}€" and fr.layout.yaxis.tickformat == ",.0f"
    assert en.layout.yaxis.tickprefix == "€"
    assert all("€" in trace.hovertemplate for trace in fr.data)


def test_occupancy_fan_in_percent(default_run: tl.Results):
    figure = plots.occupancy_chart(default_run)
    traces = by_meta(figure)
    occupancy = default_run.dataset["occupancy_rate"].to_numpy()
    np.testing.assert_allclose(traces["p10"].y, np.quantile(occupancy, 0.10, axis=0))
    np.testing.assert_allclose(traces["p90"].y, np.quantile(occupancy, 0.90, axis=0))
    np.testing.assert_array_equal(traces["central"].y,
                                  default_run.central["occupancy_rate"].to_numpy())
    assert "20\u00a0%" in figure.layout.yaxis.ticktext
    assert traces["median"].text[-1] == format_percent(traces["median"].y[-1], 1, "fr")
    assert "20%" in plots.occupancy_chart(default_run, "en").layout.yaxis.ticktext


def test_fan_charts_need_full_results(summary_run: tl.Results):
    for chart in (plots.cash_fan_chart, plots.occupancy_chart):
        with pytest.raises(ValueError, match='keep="full"'):
            chart(summary_run)
    with pytest.raises(ValueError, match='keep="full"'):
        plots.compare_cash_chart({"A": summary_run})
    with pytest.raises(ValueError, match="variante"):
        plots.compare_cash_chart({})


# --- yearly revenue and costs ------------------------------------------------------------------

def yearly_mean(results: tl.Results, variable: str) -> np.ndarray:
    """Mean over draws of each year's total, computed the long way: per draw, then mean."""
    monthly = results.dataset[variable].to_numpy()
    if monthly.ndim == 3:
        monthly = monthly.sum(axis=2)
    years = results.horizon_years
    return monthly.reshape(monthly.shape[0], years, 12).sum(axis=2).mean(axis=0)


def test_revenue_and_cost_stacks_add_up_to_mean_totals(full_run: tl.Results):
    figure = plots.yearly_revenue_costs_chart(full_run)
    resources = [t for t in figure.data if t.offsetgroup == "resources"]
    costs = [t for t in figure.data if t.offsetgroup == "costs"]
    for stack in (resources, costs):  # each bar sits on the ones below it
        bases = [np.asarray(trace.base, dtype=float) for trace in stack]
        np.testing.assert_allclose(bases[0], 0.0)
        for below, base_below, base_above in zip(stack, bases, bases[1:], strict=False):
            np.testing.assert_allclose(base_above, base_below + below.y)
    expected_resources = (yearly_mean(full_run, "own_revenue_eur")
                          + yearly_mean(full_run, "donations_eur")
                          + yearly_mean(full_run, "subsidies_eur"))
    np.testing.assert_allclose(sum(np.asarray(t.y) for t in resources), expected_resources,
                               rtol=1e-9)
    np.testing.assert_allclose(sum(np.asarray(t.y) for t in costs),
                               yearly_mean(full_run, "operating_costs_eur"), rtol=1e-9)
    own_only = plots.yearly_revenue_costs_chart(full_run, include_subsidies=False)
    np.testing.assert_allclose(
        sum(np.asarray(t.y) for t in own_only.data if t.offsetgroup == "resources"),
        yearly_mean(full_run, "own_revenue_eur") + yearly_mean(full_run, "donations_eur"))
    assert list(figure.data[0].x) == [f"Année {year}" for year in range(1, 11)]
    assert "moyenne des tirages" in figure.data[0].hovertemplate
    assert "médianes non" in subtitle_text(figure)


def test_line_labels_from_catalogue_user_lines_keep_names(full_run: tl.Results):
    for language in ("fr", "en"):
        figure = plots.yearly_revenue_costs_chart(full_run, language)
        metas = set()
        for trace in figure.data:
            metas.add(trace.meta)
            if trace.meta in BUILT_IN_LINES:
                assert trace.name == message(f"line.{trace.meta}", language)
            elif trace.meta == "other":  # small lines merged, named after their group
                assert trace.name in {message(f"plot.other.{group}", language) for group in
                                      ("own_revenue", "donations", "subsidies", "costs")}
            else:
                assert trace.name == trace.meta  # a line named in the scenario
        assert {"rent", "staff", "day_pass"} <= metas
        assert "Communauté de communes" in metas
    for key in BUILT_IN_LINES:
        assert plots.line_label(key, "fr") != key and plots.line_label(key, "en") != key
    assert plots.line_label("Café associatif", "en") == "Café associatif"


def test_revenue_costs_and_users_work_in_summary_mode(summary_run: tl.Results,
                                                      full_run: tl.Results):
    for chart in (plots.yearly_revenue_costs_chart, plots.users_by_segment_chart):
        summary, full = chart(summary_run), chart(full_run)
        assert [t.meta for t in summary.data] == [t.meta for t in full.data]
        for a, b in zip(summary.data, full.data, strict=True):
            np.testing.assert_allclose(a.y, b.y, rtol=1e-9)
    for chart in (plots.balancing_subsidy_distribution_chart, plots.autonomy_probability_chart):
        chart(summary_run)
    plots.compare_balancing_chart({"A": summary_run, "B": full_run})


# --- balancing subsidy and autonomy ----------------------------------------------------------

def test_balancing_histogram_and_quantile_lines(default_run: tl.Results):
    figure = plots.balancing_subsidy_distribution_chart(default_run)
    values = default_run.indicators["balancing_subsidy_eur"].to_numpy()
    bars = by_meta(figure)["histogram"]
    assert math.isclose(float(np.sum(bars.y)), 1.0)
    assert len(bars.y) <= 40
    lines = {shape.name: shape.x0 for shape in figure.layout.shapes}
    p50, p80, p90 = np.quantile(values, [0.5, 0.8, 0.9])
    assert lines["p50"] == pytest.approx(p50) and lines["p80"] == pytest.approx(p80)
    assert lines["p90"] == pytest.approx(p90)
    central = float(default_run.central_indicators["balancing_subsidy_eur"])
    assert lines["central"] == pytest.approx(central)
    labels = {annotation.name: annotation.text for annotation in figure.layout.annotations}
    assert labels["p80"] == f"P80 : {rounded_eur(p80, round)}"
    assert labels["p50"].startswith("P50 (médiane)")
    assert figure.layout.title.text == "Subvention d'équilibre totale sur 10 ans"
    english = plots.balancing_subsidy_distribution_chart(default_run, "en")
    assert english.layout.title.text == "Total balancing subsidy over 10 years"


def test_autonomy_bars_are_the_probabilities(default_run: tl.Results):
    figure = plots.autonomy_probability_chart(default_run)
    bars = by_meta(figure)["autonomy_probability"]
    expected = [default_run.autonomy_probability(year) for year in range(1, 11)]
    np.testing.assert_allclose(bars.y, expected)
    assert all(a <= b for a, b in zip(bars.y, bars.y[1:], strict=False))
    assert list(bars.x) == [f"Année {year}" for year in range(1, 11)]
    assert "100\u00a0%" in figure.layout.yaxis.ticktext


def test_users_by_segment_stacks_means(full_run: tl.Results):
    figure = plots.users_by_segment_chart(full_run)
    segments = [str(s) for s in full_run.dataset["segment"].to_numpy()]
    traces = by_meta(figure)
    means = full_run.dataset["users_by_segment"].to_numpy().mean(axis=0)
    for column, segment in enumerate(segments):
        assert traces[segment].stackgroup == "users" and traces[segment].name == segment
        np.testing.assert_allclose(traces[segment].y, means[:, column])
    np.testing.assert_array_equal(traces["central"].y, full_run.central["users"].to_numpy())
    # grey print: the stacked areas are told apart by hatching
    assert len({traces[s].fillpattern.shape for s in segments}) == len(segments)


# --- comparisons -----------------------------------------------------------------------------

def test_compare_cash_medians_and_bands(default_run: tl.Results, short_run: tl.Results):
    variants = {"Dix ans": default_run, "Quatre ans": short_run}
    figure = plots.compare_cash_chart(variants)
    traces = by_meta(figure)
    assert set(traces) == {"Dix ans/median", "Quatre ans/median"}
    for name, results in variants.items():
        np.testing.assert_allclose(traces[f"{name}/median"].y,
                                   np.median(results.dataset["cash_eur"].to_numpy(), axis=0))
        assert traces[f"{name}/median"].name == name
    assert traces["Dix ans/median"].line.dash != traces["Quatre ans/median"].line.dash
    assert figure.layout.xaxis.ticktext[0] == "avr. 2027"  # the earliest opening
    banded = by_meta(plots.compare_cash_chart(variants, bands=True))
    np.testing.assert_allclose(
        banded["Quatre ans/p90"].y, np.quantile(short_run.dataset["cash_eur"].to_numpy(), 0.9,
                                                axis=0))
    assert banded["Quatre ans/p90"].fill == "tonexty"


def test_compare_balancing_yearly_medians(default_run: tl.Results, short_run: tl.Results):
    figure = plots.compare_balancing_chart({"Dix ans": default_run, "Quatre ans": short_run})
    traces = by_meta(figure)
    np.testing.assert_allclose(traces["Dix ans"].y,
                               yearly_kpis(default_run)["balancing_subsidy_p50_eur"])
    short = np.asarray(traces["Quatre ans"].y, dtype=float)
    expected = [np.quantile(short_run.indicators[f"balancing_subsidy_year_{year}_eur"], 0.5)
                for year in range(1, 5)]
    np.testing.assert_allclose(short[:4], expected)
    assert np.isnan(short[4:]).all() and len(short) == 10
    assert figure.layout.barmode == "group"
    assert traces["Dix ans"].marker.pattern.shape != traces["Quatre ans"].marker.pattern.shape


# --- readings ----------------------------------------------------------------------------------

def test_reading_cash(default_run: tl.Results):
    floor = np.quantile(default_run.indicators["min_cash_eur"].to_numpy(), 0.2)
    median = np.median(default_run.dataset["cash_eur"].to_numpy(), axis=0)
    low = int(np.argmin(median))
    month = default_run.central["month"].to_index()[low].date()
    for language in ("fr", "en"):
        reading = plots.reading_cash_fan(default_run, language)
        assert rounded_eur(floor, math.floor, language) in reading
        assert format_month(month, language) in reading
        assert rounded_eur(median[low], round, language) in reading
    assert plots.reading_cash_fan(default_run).startswith(
        f"Dans 8 cas sur 10, la trésorerie reste au-dessus de {rounded_eur(floor, math.floor)}")


def test_reading_cash_in_summary_mode(summary_run: tl.Results):
    reading = plots.reading_cash_fan(summary_run)
    floor = np.quantile(summary_run.indicators["min_cash_eur"].to_numpy(), 0.2)
    assert reading == ("Dans 8 cas sur 10, la trésorerie reste au-dessus de "
                       f"{rounded_eur(floor, math.floor)} sans subvention d'équilibre (P20).")


def test_reading_balancing(default_run: tl.Results):
    values = default_run.indicators["balancing_subsidy_eur"].to_numpy()
    p50, p80 = np.quantile(values, [0.5, 0.8])
    assert plots.reading_balancing_subsidy_distribution(default_run) == (
        f"Dans 8 cas sur 10, la subvention d'équilibre totale sur 10 ans reste sous "
        f"{rounded_eur(p80, math.ceil)} (P80 ; médiane : {rounded_eur(p50, round)}).")
    english = plots.reading_balancing_subsidy_distribution(default_run, "en")
    assert rounded_eur(p80, math.ceil, "en") in english


def test_reading_balancing_when_none_is_needed(rich_cash_run: tl.Results):
    assert plots.reading_balancing_subsidy_distribution(rich_cash_run) == (
        "Dans 8 cas sur 10, aucune subvention d'équilibre n'est nécessaire sur 10 ans "
        "(P80 : 0\u00a0€).")
    plots.balancing_subsidy_distribution_chart(rich_cash_run)  # a single bin at zero builds


def test_reading_autonomy(autonomy_run: tl.Results, short_run: tl.Results):
    by_5 = format_percent(autonomy_run.autonomy_probability(5), 0, "fr")
    by_10 = format_percent(autonomy_run.autonomy_probability(10), 0, "fr")
    assert plots.reading_autonomy_probability(autonomy_run) == (
        f"Autonomie atteinte d'ici la fin de l'année 5 dans {by_5} des cas, "
        f"et d'ici la fin de l'année 10 dans {by_10} des cas.")
    by_3 = format_percent(autonomy_run.autonomy_probability(3), 0, "en")
    assert plots.reading_autonomy_probability(autonomy_run, "en", year=3).startswith(
        f"Autonomy reached by the end of year 3 in {by_3} of cases")
    by_4 = plots.share_text(short_run.autonomy_probability(4), "fr")
    assert plots.reading_autonomy_probability(short_run) == (
        f"Autonomie atteinte d'ici la fin de l'année 4 dans {by_4} des cas.")


def test_shares_never_round_to_zero_or_one():
    assert plots.share_text(0.003, "fr") == "moins de 1\u00a0%"
    assert plots.share_text(0.998, "en") == "more than 99%"
    assert plots.share_text(0.0, "fr") == "0\u00a0%"
    assert plots.share_text(0.25, "fr") == "25\u00a0%"


def test_reading_occupancy(default_run: tl.Results):
    column = default_run.indicators["occupancy_rate_year_10"].to_numpy()
    low, high = np.quantile(column, [0.1, 0.9])
    central = float(default_run.central_indicators["occupancy_rate_year_10"])
    assert plots.reading_occupancy(default_run) == (
        f"En année 10, le taux d'occupation moyen est, dans 8 cas sur 10, entre "
        f"{format_percent(low, 0, 'fr')} et {format_percent(high, 0, 'fr')} "
        f"(P10–P90 ; cas central : {format_percent(central, 0, 'fr')}).")
    low_3 = np.quantile(default_run.indicators["occupancy_rate_year_3"].to_numpy(), 0.1)
    assert format_percent(low_3, 0, "en") in plots.reading_occupancy(default_run, "en", year=3)


def test_reading_revenue_costs(full_run: tl.Results, summary_run: tl.Results):
    shares = (yearly_mean(full_run, "own_revenue_eur")
              / yearly_mean(full_run, "operating_costs_eur"))
    expected = (f"En moyenne, les recettes propres couvrent {format_percent(shares[0], 0, 'fr')} "
                f"des charges d'exploitation en année 1 et "
                f"{format_percent(shares[-1], 0, 'fr')} en année 10.")
    assert plots.reading_yearly_revenue_costs(full_run) == expected
    assert plots.reading_yearly_revenue_costs(summary_run) == expected


def test_reading_users(full_run: tl.Results):
    means = full_run.dataset["users_by_segment"].to_numpy().mean(axis=0)[-12:].mean(axis=0)
    largest = int(np.argmax(means))
    segment = str(full_run.dataset["segment"].to_numpy()[largest])
    reading = plots.reading_users_by_segment(full_run)
    assert reading == (
        f"En année 10, le lieu accueille en moyenne {round(means.sum())} usagers par mois, "
        f"dont {format_percent(means[largest] / means.sum(), 0, 'fr')} dans le segment "
        f"« {segment} ».")


def test_reading_comparisons(default_run: tl.Results, short_run: tl.Results):
    variants = {"A": default_run, "B": short_run}
    items = []
    for name, results in variants.items():
        median = np.median(results.dataset["cash_eur"].to_numpy(), axis=0)
        low = int(np.argmin(median))
        month = format_month(results.central["month"].to_index()[low].date(), "fr")
        items.append(f"« {name} » {rounded_eur(median[low], round)} ({month})")
    assert plots.reading_compare_cash(variants) == (
        "Point bas de la trésorerie médiane, sans subvention d'équilibre : "
        + " ; ".join(items) + ".")
    totals = [np.quantile(r.indicators["balancing_subsidy_eur"].to_numpy(), 0.5)
              for r in variants.values()]
    assert plots.reading_compare_balancing(variants, "en") == (
        f"Median (P50) total balancing subsidy: “A” {rounded_eur(totals[0], round, 'en')} "
        f"over 10 years; “B” {rounded_eur(totals[1], round, 'en')} over 4 years.")


# --- input previews ----------------------------------------------------------------------------

def test_distribution_curve_of_a_pert():
    pert = {"dist": "pert", "min": 8.0, "mode": 12.0, "max": 20.0}
    figure = plots.distribution_curve(pert)
    density = by_meta(figure)["density"]
    assert density.x[0] == 8.0 and density.x[-1] == 20.0
    assert int(np.argmax(density.y)) == int(np.argmin(np.abs(np.asarray(density.x) - 12.0)))
    median = tl.scenario.distributions.Pert(**pert).median()
    assert figure.layout.shapes[0].x0 == pytest.approx(median)
    assert figure.layout.annotations[0].text.startswith("valeur centrale : ")
    assert plots.distribution_curve(pert, "en").layout.annotations[0].text.startswith(
        "central value: ")


@pytest.mark.parametrize("table", [
    {"dist": "triangular", "min": 0.1, "mode": 0.2, "max": 0.5},
    {"dist": "uniform", "min": 100.0, "max": 200.0},
    {"dist": "normal", "mean": 50.0, "sd": 10.0},
    {"dist": "normal", "mean": 0.3, "sd": 0.1, "lower": 0.0, "upper": 1.0},
    {"dist": "lognormal", "p5": 5.0, "p95": 30.0},
    {"dist": "discrete", "values": [1.0, 2.0, 3.0], "probabilities": [0.2, 0.5, 0.3]},
])
def test_distribution_curve_of_every_kind(table: dict):
    figure = plots.distribution_curve(table)
    assert np.isfinite(np.asarray(figure.data[0].y, dtype=float)).all()
    assert figure.layout.separators == ", "


def test_distribution_curve_rejects_invalid_tables():
    with pytest.raises(ValueError):
        plots.distribution_curve({"dist": "pert", "min": 20.0, "mode": 12.0, "max": 8.0})


def test_autonomy_subtitle_agrees_with_the_bars(autonomy_run: tl.Results,
                                               default_run: tl.Results):
    """Issue 11, contradictions between cards: the date in the subtitle is the month by which
    half of the draws are autonomous, so it falls within year N exactly when the bar of
    year N reaches 50 % (the central case's date, shown before, could say year 3 beside a
    bar of 2 %)."""
    for run in (autonomy_run, default_run):
        month = run.median_autonomy_month()
        subtitle = subtitle_text(plots.autonomy_probability_chart(run))
        for year in range(1, run.horizon_years + 1):
            by_then = month <= 12 * year
            assert by_then == (run.autonomy_probability(year) >= 0.5), (year, month)
        if not math.isfinite(month):
            assert "moins de la moitié des tirages" in subtitle
        else:
            when = run.central["month"].to_index()[int(month) - 1].date()
            assert (f"la moitié des tirages l'atteint d'ici {format_month(when, 'fr')} "
                    f"(année {(int(month) - 1) // 12 + 1})") in subtitle
    assert subtitle_text(plots.autonomy_probability_chart(default_run, "en")).endswith(
        "fewer than half of the draws reach it before the end of the horizon")


def subtitle_text(figure) -> str:
    """A chart's subtitle as one line (long ones are broken with ``<br>``)."""
    return figure.layout.title.subtitle.text.replace("<br>", " ").replace(NBSP, " ")


def test_long_subtitles_are_wrapped_without_losing_words():
    text = ("Moyenne des 2 000 tirages (les moyennes s'additionnent, les médianes non) ; barre "
            "de gauche : ressources, barre de droite : charges")
    wrapped = plots.wrapped_subtitle(text)
    lines = wrapped.split("<br>")
    assert len(lines) == 2 and all(len(line) <= plots.SUBTITLE_WIDTH for line in lines)
    assert not any(line.startswith((":", ";")) for line in lines)
    assert wrapped.replace("<br>", " ").replace(NBSP, " ") == text
    assert plots.wrapped_subtitle("court : oui") == "court : oui"


def test_legend_sits_below_the_axis_title(default_run):
    """The legend is anchored to the bottom of the whole figure (not a fraction of the plot
    height, where rotated month ticks and the axis title ran into it)."""
    for figure in (plots.cash_fan_chart(default_run), plots.occupancy_chart(default_run),
                   plots.yearly_revenue_costs_chart(default_run)):
        legend = figure.layout.legend
        assert (legend.yref, legend.yanchor, legend.y) == ("container", "bottom", 0.0)


def test_a_long_legend_makes_the_chart_taller_not_the_plot_smaller(default_run):
    """The yearly revenue/costs chart lists a dozen lines and more: it grows by a row's height
    per legend row beyond two; a chart with a short legend keeps the standard height."""
    many = plots.yearly_revenue_costs_chart(default_run)
    entries = [t for t in many.data if t.showlegend is not False and t.name]
    rows = math.ceil(len(entries) / plots.legend_columns(many))
    assert rows > plots.LEGEND_ROWS_INCLUDED
    assert many.layout.height == plots.CHART_HEIGHT_PX + plots.LEGEND_ROW_PX * (
        rows - plots.LEGEND_ROWS_INCLUDED)
    assert plots.autonomy_probability_chart(default_run).layout.height == plots.CHART_HEIGHT_PX


def test_legend_rows_are_the_same_on_a_phone(default_run):
    """Issue 11 (legend cut at 390 and 1440 px): each legend entry takes a fixed fraction of
    the width (half when every name is short, else all of it), so the rows the height was
    counted for are the rows drawn, whatever the screen."""
    for chart in (plots.cash_fan_chart, plots.yearly_revenue_costs_chart,
                  plots.occupancy_chart, plots.users_by_segment_chart):
        figure = chart(default_run)
        legend = figure.layout.legend
        columns = plots.legend_columns(figure)
        assert (legend.entrywidthmode, legend.entrywidth) == ("fraction", 1 / columns)
        names = [t.name for t in figure.data if t.showlegend is not False and t.name]
        if columns == 2:
            assert max(map(len, names)) <= plots.LEGEND_SHORT_NAME_CHARS
        rows = math.ceil(len(names) / columns)
        assert figure.layout.height == plots.CHART_HEIGHT_PX + plots.LEGEND_ROW_PX * max(
            0, rows - plots.LEGEND_ROWS_INCLUDED)
