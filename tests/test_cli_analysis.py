"""The analysis commands: ``sensitivity``, ``solve``, ``compare``, ``sweep`` (exit codes,
printed tables, files written, languages)."""

from __future__ import annotations

import pandas as pd
import pytest

import tierslieux_sim as tl
from tierslieux_sim.analysis.changes import apply_changes
from tierslieux_sim.faces.cli import main as cli
from tierslieux_sim.faces.cli.analysis import HANDLERS, main, parse_set
from tierslieux_sim.faces.cli.arguments import draws_or_auto as draws_argument
from tierslieux_sim.faces.cli.parser import add_analysis_commands


@pytest.fixture(scope="module")
def files(tmp_path_factory, default):
    folder = tmp_path_factory.mktemp("scenarios")
    paths = {"a": folder / "bourg.toml", "b": folder / "gare.toml"}
    tl.save_scenario(default, paths["a"])
    tl.save_scenario(apply_changes(default, {"site.flex_desks": 14}), paths["b"])
    return paths


def test_tornado_on_the_central_case(capsys):
    assert main(["sensitivity", "--output", "balancing_subsidy", "--top", "3"]) == 0
    output = capsys.readouterr().out
    assert "Sensibilité de « Subvention d'équilibre sur l'horizon (cas central) »" in output
    assert "Tornade sur le cas central" in output
    assert "Obtention : Fabrique de Territoire" in output and "refusée → obtenue" in output
    assert len([line for line in output.splitlines() if line.strip()[:2] in ("1 ", "2 ", "3 ")
                ]) == 3


def test_tornado_over_draws_writes_its_table(tmp_path, capsys):
    target = tmp_path / "tornade.csv"
    assert main(["sensitivity", "--output", "autonomy_by_year_5", "--draws", "100", "--seed",
                 "2", "--top", "4", "--out", str(target)]) == 0
    captured = capsys.readouterr()
    assert "Tornade sur 100 tirages (graine 2)" in captured.out
    assert "Remarque : des corrélations sont déclarées" in captured.err
    table = pd.read_csv(target)
    assert {"path", "input", "output_at_p10", "output_at_p90", "swing"} <= set(table.columns)
    assert table["swing"].is_monotonic_decreasing


def test_sobol_in_english(capsys):
    assert main(["--lang", "en", "sensitivity", "--method", "sobol", "--samples", "32",
                 "--seed", "1", "--output", "cash_at_horizon_p50", "--top", "3"]) == 0
    captured = capsys.readouterr()
    assert "Sobol' indices: 32 samples" in captured.out
    assert "First order [CI]" in captured.out
    assert "Note: Sobol' indices decompose the variance" in captured.err


def test_solve(capsys):
    assert main(["solve", "--vary", "staff[0].fte", "--target", "autonomy_by_year_5 >= 50 %",
                 "--draws", "200", "--seed", "1"]) == 0
    output = capsys.readouterr().out
    assert "200 tirages · graine 1" in output
    assert "« Équivalent temps plein — Animateur·rice » doit valoir au plus" in output


def test_solve_impossible_is_an_answer_not_an_error(capsys):
    assert main(["--lang", "en", "solve", "--vary", "prices.day_pass_eur", "--target",
                 "autonomy_by_year_5 >= 0.95", "--max", "20", "--draws", "100", "--seed",
                 "1"]) == 0
    assert "Impossible within bounds" in capsys.readouterr().out


def test_compare_files(files, tmp_path, capsys):
    target = tmp_path / "comparaison.xlsx"
    assert main(["compare", str(files["a"]), str(files["b"]), "--draws", "300", "--seed", "5",
                 "--out", str(target)]) == 0
    output = capsys.readouterr().out
    assert "2 scénarios sur les mêmes 300 tirages (graine 5)" in output
    assert "gare − bourg" in output and "Probabilité d'autonomie d'ici l'année 5" in output
    table = pd.read_excel(target)
    assert set(table["variant"]) == {"bourg", "gare"}


def test_sweep_with_set_and_grid(files, tmp_path, capsys):
    grid = tmp_path / "grille.toml"
    grid.write_text('[grid]\n"prices.day_pass_eur" = [8, 12]\n', encoding="utf-8")
    target = tmp_path / "balayage.csv"
    assert main(["sweep", str(files["a"]), str(files["b"]), "--grid", str(grid), "--set",
                 "staff[0].fte=0.5,1", "--draws", "100", "--seed", "3", "--kpi",
                 "balancing_subsidy_p80", "--out", str(target)]) == 0
    output = capsys.readouterr().out
    assert "8 variantes · 100 tirages chacune · graine 3" in output
    table = pd.read_csv(target)
    assert len(table) == 8 and table["staff[0].fte"].tolist()[:2] == [0.5, 1.0]
    direct = tl.simulate(apply_changes(tl.load_scenario(files["b"]),
                                       {"prices.day_pass_eur": 12, "staff[0].fte": 1}),
                         draws=100, seed=3)
    assert table.loc[7, "balancing_subsidy_p80"] == pytest.approx(
        direct.indicators["balancing_subsidy_eur"].quantile(0.8), rel=1e-12)


@pytest.mark.parametrize(("argv", "expected"), [
    (["sensitivity", "--output", "nothing"], "sortie inconnue nothing"),
    (["sensitivity", "--method", "sobol", "--samples", "100"], "puissance de 2"),
    (["sensitivity", "--out", "x.pdf"], "format de tableau non pris en charge"),
    (["solve", "--vary", "prices.nothing", "--target", "autonomy_by_year_5 >= 0.8"],
     "chemin inconnu"),
    (["solve", "--vary", "prices.day_pass_eur", "--target", "autonomy >= 0.8"],
     "sortie inconnue"),
    (["solve", "--vary", "prices.day_pass_eur", "--target", "autonomy_by_year_5 = 0.8"],
     "objectif illisible"),
    (["solve", "--vary", "prices.day_pass_eur", "--target", "autonomy_by_year_5 >= 0.8",
      "--min", "9", "--max", "3"], "bornes invalides"),
    (["compare", "missing.toml", "other.toml"], "missing.toml"),
    (["sweep", "--set", "prices.day_pass_eur"], "--set illisible"),
    (["sweep", "--set", "prices.nothing=1,2"], "chemin inconnu"),
    (["sweep", "--draws", "0"], "entier"),
])
def test_bad_input_exits_2_with_a_clear_message(argv, expected, capsys):
    assert main(argv) == 2
    assert expected in capsys.readouterr().err


def test_unwritable_output_exits_2_before_computing(tmp_path, capsys):
    """The output's folder is checked before the analysis runs (issue 13): bad input."""
    target = tmp_path / "missing-folder" / "t.csv"
    assert main(["sensitivity", "--output", "balancing_subsidy", "--out", str(target)]) == 2
    assert "n'existe pas" in capsys.readouterr().err


def test_helpers():
    assert parse_set(["a.b=8,12", "c=0,5;1,5"]) == {"a.b": [8, 12], "c": [0.5, 1.5]}
    assert draws_argument("auto") == "auto" and draws_argument("300") == 300


def test_commands_plug_into_any_parser():
    import argparse

    parser = argparse.ArgumentParser()
    add_analysis_commands(parser.add_subparsers(dest="command"))
    assert set(HANDLERS) == {"sensitivity", "solve", "compare", "sweep"}
    arguments = parser.parse_args(["sweep", "--workers", "2", "--scheduler", "tcp://x:8786"])
    assert (arguments.workers, arguments.scheduler) == (2, "tcp://x:8786")


def test_wired_into_tierslieux(capsys):
    """Once ``cli.py`` adds these commands, ``tierslieux sensitivity`` runs them."""
    if "sensitivity" not in cli.COMMANDS:
        pytest.skip("analysis commands not wired into cli.py yet")
    assert cli.main(["sensitivity", "--output", "balancing_subsidy", "--top", "2"]) == 0
    assert "Tornade sur le cas central" in capsys.readouterr().out
    assert cli.main(["solve", "--vary", "prices.nothing", "--target", "x >= 1"]) == 2


def test_help_names_each_command_default(capsys):
    assert main(["sweep", "--help"]) == 0
    assert "défaut 2000" in capsys.readouterr().out
    assert main(["--lang", "en", "sensitivity", "--help"]) == 0
    assert "default 1000" in capsys.readouterr().out
