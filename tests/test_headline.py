"""The headline (:mod:`tierslieux_sim.views.headline`): its figures against quantiles taken here from
the per-draw indicators, the budget years of a September opening, the command line printing
it first, and the README quoting the catalogue's definitions word for word."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pytest

import tierslieux_sim as tl
from tierslieux_sim.core.formatting import format_eur
from tierslieux_sim.faces.cli.main import main
from tierslieux_sim.views import headline
from tierslieux_sim.views.budget import collectivity_cost_by_budget_year

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "src" / "tierslieux_sim" / "data" / "messages.toml"


@pytest.fixture(scope="module")
def run():
    return tl.simulate(tl.default_scenario(), draws=400, seed=11)


def test_budget_years_of_a_september_opening(run):
    # September 2027 + 120 months: 4 months of 2027, 2028 … 2036, 8 months of 2037
    table = collectivity_cost_by_budget_year(run)
    assert list(table.index) == list(range(2027, 2038))
    assert list(table["months"]) == [4] + [12] * 9 + [8]
    assert table["months"].sum() == 120


def test_headline_figures_are_the_quantiles_of_the_indicators(run):
    head = headline.headline(run)
    indicators = run.indicators
    net = indicators["net_cost_eur"].to_numpy()
    assert head.total_p50 == pytest.approx(np.quantile(net, 0.5))
    assert head.total_p80 == pytest.approx(np.quantile(net, 0.8))
    p80_by_year = {year: np.quantile(indicators[f"net_cost_{year}_eur"], 0.8)
                   for year in range(2027, 2038)}
    assert head.peak_year == max(p80_by_year, key=p80_by_year.get) == 2027  # the works
    assert head.peak_p80 == pytest.approx(p80_by_year[2027])
    assert head.per_inhabitant_p50 == pytest.approx(np.median(net) / 15_000 / 10)
    months = indicators["autonomy_month"].fillna(np.inf).to_numpy()
    assert head.autonomy_operating == pytest.approx(np.mean(months <= 60))
    full = indicators["full_cost_autonomy_month"].fillna(np.inf).to_numpy()
    assert head.autonomy_full_cost == pytest.approx(np.mean(full <= 60))
    assert head.autonomy_full_cost <= head.autonomy_operating  # full cost is stricter
    # the sections' yearly P50s come from their own indicators
    for year, row in head.by_year.iterrows():
        assert row["investment_p50"] == pytest.approx(
            np.quantile(indicators[f"net_cost_investment_{year}_eur"], 0.5))
        assert row["operating_p80"] == pytest.approx(
            np.quantile(indicators[f"net_cost_operating_{year}_eur"], 0.8))


def test_year_table_rows_read_in_french(run):
    headers, rows = headline.year_table(headline.headline(run), "fr")
    assert headers == ["Année budgétaire", "Investissement P50 / P80",
                       "Fonctionnement P50 / P80", "Coût net P50 / P80"]
    assert rows[0][0] == "2027 (4 mois)" and rows[1][0] == "2028"
    assert rows[-1][0] == "2037 (8 mois)"
    first = collectivity_cost_by_budget_year(run).loc[2027]
    assert rows[0][3] == (f"{format_eur(first['net_p50'], 0, 'fr')} / "
                          f"{format_eur(first['net_p80'], 0, 'fr')}")


def test_run_prints_the_collectivity_s_cost_first(capsys):
    assert main(["run", "--draws", "300", "--seed", "4"]) == 0
    output = capsys.readouterr().out
    title = "Coût net pour la collectivité, par année budgétaire"
    assert output.index(title) < output.index("Par année d'activité")
    assert output.index(title) < output.index("Argent public sur 10 ans")
    for column in ("Investissement P50 / P80", "Fonctionnement P50 / P80", "2027 (4 mois)"):
        assert column in output
    assert "Année la plus lourde : 2027" in output
    assert "Autonomie du gestionnaire d'ici la fin de l'année 5" in output


def test_run_prints_it_in_english(capsys):
    assert main(["--lang", "en", "run", "--draws", "300", "--seed", "4"]) == 0
    output = capsys.readouterr().out
    assert "Net cost to the collectivity, per budget year" in output
    assert "2027 (4 months)" in output and "Heaviest year: 2027" in output


def test_readme_quotes_the_definitions_of_the_catalogue():
    catalogue = tomllib.loads(CATALOGUE.read_text("utf-8"))
    readme = re.sub(r"\s+", " ", (ROOT / "README.md").read_text("utf-8"))
    keys = ["headline.definition_net_cost", "headline.definition_autonomy"] + [
        key for key in catalogue if key.startswith("report.define.")]
    missing = [f"{key} ({language})" for key in keys for language in ("fr", "en")
               if re.sub(r"\s+", " ", catalogue[key][language]) not in readme]
    assert not missing, f"README.md does not quote: {missing}"
