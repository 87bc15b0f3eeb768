"""Figures and readings of the analyses (tornado, Sobol', scatter, solve)."""

from __future__ import annotations

import numpy as np
import pytest

from tierslieux_sim.analysis.chosen_inputs import draw_inputs
from tierslieux_sim.analysis.sensitivity import sobol, tornado
from tierslieux_sim.analysis.solve import solve
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.outputs import parse_output
from tierslieux_sim.views import plots_analysis


@pytest.fixture(scope="module")
def central_tornado(default):
    return tornado(default, "balancing_subsidy")


def test_tornado_chart_puts_the_largest_swing_first(central_tornado):
    figure = plots_analysis.tornado_chart(central_tornado, "fr", top=5)
    low, high = figure.data
    assert (low.meta, high.meta) == ("p10", "p90")
    first = central_tornado.bars[0]
    swings = [abs(bar.output_high - bar.output_low) for bar in central_tornado.bars]
    assert swings == sorted(swings, reverse=True)
    assert len(low.y) == 5 and low.y[0].replace("<br>", " ") == first.label
    assert low.base == central_tornado.baseline
    assert low.x[0] + low.base == pytest.approx(first.output_low)
    assert high.x[0] + high.base == pytest.approx(first.output_high)
    assert figure.layout.yaxis.autorange == "reversed"
    assert "Ce qui pèse sur" in figure.layout.title.text
    english = plots_analysis.tornado_chart(central_tornado, "en")
    assert english.data[0].name == "Input at its P10"


def test_tornado_readings(central_tornado):
    french = plots_analysis.reading_tornado(central_tornado, "fr")
    first = central_tornado.bars[0]
    assert f"« {first.label} » fait passer" in french
    assert "Fabrique de Territoire" in french and "Viennent ensuite" in french
    assert "matters most" in plots_analysis.reading_tornado(central_tornado, "en")


def test_sobol_chart(default):
    result = sobol(default, "balancing_subsidy", n=32, seed=1, n_resamples=20)
    figure = plots_analysis.sobol_chart(result, "fr", top=4)
    assert [trace.meta for trace in figure.data] == ["first_order", "total_order"]
    assert len(figure.data[0].y) == 4
    assert np.all(np.asarray(figure.data[1].error_x.array) >= 0)


def test_scatter_chart_and_reading(default_run):
    scenario = default_run.scenario
    x = draw_inputs(scenario, default_run.draws, default_run.seed)["staff[0].fte"].to_numpy()
    output = parse_output("balancing_subsidy_p80", scenario)
    y = output.per_draw(default_run.indicators)
    figure = plots_analysis.scatter_chart(x, y, input_name="ETP", unit="ETP", output=output,
                                          language="fr")
    assert [trace.meta for trace in figure.data] == ["draws", "trend"]
    assert len(figure.data[0].x) == default_run.draws
    assert len(figure.data[1].x) == plots_analysis.SCATTER_BINS
    assert "tend à augmenter" in plots_analysis.reading_scatter(x, y, input_name="ETP",
                                                                 output=output, language="fr")
    autonomy = parse_output("autonomy_by_year_5", scenario)
    shares = plots_analysis.scatter_chart(x, autonomy.per_draw(default_run.indicators),
                                          input_name="ETP", unit="ETP", output=autonomy)
    assert [trace.meta for trace in shares.data] == ["trend"]  # no cloud of 0/1 points
    flat = plots_analysis.reading_scatter(np.ones(10), np.arange(10.0), input_name="X",
                                          output=output, language="en")
    assert flat == message("plot.scatter.reading_flat", "en", input="X",
                           output=output.label("en"))


def test_solve_chart(default):
    result = solve(default, "staff[0].fte", "autonomy_by_year_5 >= 0.5", draws=100, seed=1)
    figure = plots_analysis.solve_chart(result, "fr")
    assert figure.data[0].meta == "statistic"
    assert len(figure.data[0].x) == len(result.evaluations)
    assert plots_analysis.reading_solve(result, "en") == result.sentence("en")
