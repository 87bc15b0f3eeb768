"""The appraisal item by item: means add up to the balance, the chart shows each item signed,
the report cites the guide and says what is counted."""

from __future__ import annotations

import numpy as np
import pytest

import tierslieux_sim as tl
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.outputs import indicator_label
from tierslieux_sim.views.impacts import appraisal_items, appraisal_summary
from tierslieux_sim.views.plots_territory import appraisal_decomposition_chart


@pytest.fixture(scope="module")
def results():
    return tl.simulate(tl.default_scenario(), draws=400, seed=16)


def test_items_add_up_to_the_balance_and_costs_are_negative(results):
    rows = {name: (mean, low, median, high) for name, mean, low, median, high
            in appraisal_items(results)}
    balance = rows.pop("socio_economic_balance_pv_eur")
    assert sum(mean for mean, *_ in rows.values()) == pytest.approx(balance[0])
    for cost in ("fuel_tax_lost_pv_eur", "public_money_pv_eur",
                 "public_funds_opportunity_cost_pv_eur"):
        assert rows[cost][0] < 0, cost
    for gain in ("carbon_value_pv_eur", "time_value_pv_eur", "household_savings_pv_eur",
                 "residual_value_pv_eur"):
        assert rows[gain][0] > 0, gain
    values = results.indicators["socio_economic_balance_pv_eur"].to_numpy()
    assert balance[1:] == pytest.approx(tuple(np.quantile(values, [0.1, 0.5, 0.9])))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_decomposition_chart(results, language):
    figure = appraisal_decomposition_chart(results, language)
    assert [trace.meta for trace in figure.data][-1] == "socio_economic_balance_pv_eur"
    assert len(figure.data) == 8
    means = {trace.meta: trace.x[0] for trace in figure.data}
    assert means["public_money_pv_eur"] < 0 < means["residual_value_pv_eur"]
    assert message("plot.territory.appraisal_title", language) in figure.layout.title.text


def test_report_cites_the_guide_and_says_what_is_counted(results):
    from tierslieux_sim.faces.report import build_report_html

    html = build_report_html(results).replace("&#x27;", "'")
    assert "Guide de l'évaluation socioéconomique des investissements publics" in html
    assert "Ce qui est compté" in html and "valeur de l'action pour le climat" in html


def test_summary_gives_the_quantiles_and_the_probability_positive(results):
    summary = appraisal_summary(results)
    values = results.indicators["socio_economic_balance_pv_eur"].to_numpy()
    assert summary["probability_positive"] == pytest.approx(float(np.mean(values > 0)))
    assert summary["p10"] <= summary["p50"] <= summary["p90"]
    assert summary["p50"] == pytest.approx(float(np.median(values)))


@pytest.mark.parametrize("name", ["fuel_tax_lost_pv_eur", "public_funds_opportunity_cost_pv_eur",
                                  "residual_value_pv_eur"])
def test_new_items_have_labels(name):
    assert indicator_label(name, language="fr") != name
