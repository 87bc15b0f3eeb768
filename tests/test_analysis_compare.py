"""Side-by-side KPIs and their differences on common random numbers."""

from __future__ import annotations

import numpy as np
import pytest

import tierslieux_sim as tl
from tierslieux_sim.analysis.changes import apply_changes
from tierslieux_sim.analysis.compare import compare
from tierslieux_sim.engine.errors import AnalysisError

DRAWS = 1_000


def test_a_variant_against_itself_differs_by_exactly_zero(default):
    result = compare([default, default], draws=300, seed=4)
    assert result.names == [default.meta.name, f"{default.meta.name} (2)"]
    others = result.table[result.table["variant"] == result.names[1]]
    assert np.all(others["difference"] == 0)
    assert np.all(others["difference_low"] == 0) and np.all(others["difference_high"] == 0)


def test_a_fixed_extra_cost_shifts_every_draw_by_its_total(default):
    """1 000 € a year more of a fixed cost line (indexed yearly): cash at the horizon is
    lower by the same total in every draw (same draws), so the difference of its P50, its
    mean and its central value is that total, with an interval of zero width."""
    indexation = default.costs.yearly_indexation_rate
    total = sum(1_000 * (1 + indexation) ** year for year in range(10))
    dearer = apply_changes(default, {"costs.fixed_lines[0].annual_amount_eur": 2_200.0})
    kpis = ["cash_at_horizon_p50", "cash_at_horizon_mean", "cash_at_horizon"]
    result = compare({"base": default, "dearer": dearer}, draws=DRAWS, seed=4, kpis=kpis)
    table = result.table.set_index(["kpi", "variant"])
    for kpi in kpis:
        row = table.loc[(kpi, "dearer")]
        assert row["difference"] == pytest.approx(-total, rel=1e-9)
        assert row["difference_low"] == pytest.approx(-total, rel=1e-6)
        assert row["difference_high"] == pytest.approx(-total, rel=1e-6)


def test_values_are_those_of_simulate_and_intervals_cover_them(default):
    cheaper = apply_changes(default, {"prices.day_pass_eur": 15})
    result = compare({"a": default, "b": cheaper}, draws=DRAWS, seed=7)
    alone = tl.simulate(cheaper, draws=DRAWS, seed=7)
    row = result.table.set_index(["kpi", "variant"]).loc[("balancing_subsidy_p80", "b")]
    assert row["value"] == pytest.approx(float(np.quantile(
        alone.indicators["balancing_subsidy_eur"], 0.8)), rel=1e-12)
    assert row["value_low"] <= row["value"] <= row["value_high"]
    assert row["difference_low"] <= row["difference"] <= row["difference_high"]
    # common random numbers: the difference is known far better than either value
    assert (row["difference_high"] - row["difference_low"]) < (row["value_high"]
                                                                - row["value_low"])


def test_wide_table_in_both_languages(default):
    dearer = apply_changes(default, {"staff[0].fte": 1.0})
    result = compare({"A": default, "B": dearer}, draws=200, seed=1,
                     kpis=["balancing_subsidy_p50", "autonomy_by_year_5"])
    french = result.wide("fr")
    assert list(french.columns) == ["A", "B", "B − A"]
    assert french.index.name == "Indicateur"
    assert "Subvention d'équilibre sur l'horizon (P50)" in french.index
    cell = french.loc["Subvention d'équilibre sur l'horizon (P50)", "B − A"]
    assert cell.startswith("+") and "[" in cell and " ; " in cell
    english = result.wide("en")
    assert "Probability of autonomy by year 5" in english.index


def test_files_reference_and_errors(default, tmp_path):
    first, second = tmp_path / "site-a.toml", tmp_path / "site-b.toml"
    tl.save_scenario(default, first)
    tl.save_scenario(apply_changes(default, {"site.flex_desks": 14}), second)
    result = compare([first, second], draws=100, seed=2, reference="site-b",
                     kpis=["occupancy_rate_year_3_p50"])
    assert result.names == ["site-a", "site-b"] and result.reference == "site-b"
    assert result.table.set_index("variant").loc["site-a", "difference"] > 0  # fewer desks
    with pytest.raises(AnalysisError):
        compare([first], draws=10)
    with pytest.raises(AnalysisError):
        compare([first, second], draws=10, reference="nope")
    with pytest.raises(tl.ScenarioError):
        compare([first, tmp_path / "missing.toml"], draws=10)


def test_a_fresh_seed_is_drawn_once_and_shared(default):
    result = compare([default, default], draws=50, kpis=["balancing_subsidy_p50"])
    seeds = {r.seed for r in result.results.values()}
    assert seeds == {result.seed}
