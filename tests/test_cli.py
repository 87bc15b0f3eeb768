"""The ``tierslieux`` command: exit codes, KPI table, outputs, languages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xarray as xr

from tierslieux_sim import default_scenario, simulate
from tierslieux_sim.faces.cli.main import main
from tierslieux_sim.faces.cli.run import kpi_report


def test_run_default_prints_kpi_table(capsys):
    assert main(["run", "--draws", "300", "--seed", "3"]) == 0
    output = capsys.readouterr().out
    assert "Scénario : Tiers-lieu de bourg rural (défaut)" in output
    assert "300 tirages · graine 3" in output
    assert "Autonomie atteinte" in output and "Subvention d'équilibre P50 / P80 / P90" in output
    assert "Occupation P50" in output
    assert "Trésorerie minimale" in output
    # one row per year of the horizon
    assert "10 (2036-37)" in output


def test_run_figures_match_results(capsys):
    results = simulate(default_scenario(), draws=300, seed=3)
    assert main(["run", "--draws", "300", "--seed", "3"]) == 0
    output = capsys.readouterr().out
    assert kpi_report(results) in output


def test_run_in_english(capsys):
    assert main(["--lang", "en", "run", "--draws", "200", "--seed", "1"]) == 0
    output = capsys.readouterr().out
    assert "Scenario: " in output and "Balancing subsidy P50 / P80 / P90" in output
    assert "€" in output


def test_environment_language(capsys, monkeypatch):
    monkeypatch.setenv("TIERSLIEUX_LANG", "en")
    assert main(["run", "--draws", "100", "--seed", "1"]) == 0
    assert "By year of operation" in capsys.readouterr().out


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".nc"])
def test_run_writes_results_file(tmp_path, capsys, suffix):
    target = tmp_path / f"results{suffix}"
    assert main(["run", "--draws", "120", "--seed", "5", "--out", str(target)]) == 0
    assert target.exists()
    results = simulate(default_scenario(), draws=120, seed=5)
    if suffix == ".csv":
        table = pd.read_csv(target, index_col="draw")
        pd.testing.assert_frame_equal(table, results.indicators, check_dtype=False, rtol=1e-12)
    elif suffix == ".xlsx":
        workbook = openpyxl.load_workbook(target, read_only=True)
        assert {"Hypothèses", "Comptes annuels", "Trésorerie mensuelle", "Plan de financement",
                "Indicateurs", "Avertissements", "Tirages"} <= set(workbook.sheetnames)
        indicators = pd.read_excel(target, sheet_name="Tirages", index_col="Tirage")
        assert indicators["balancing_subsidy_eur"].to_numpy() == pytest.approx(
            results.indicators["balancing_subsidy_eur"].to_numpy())
    else:
        with xr.open_dataset(target, engine="h5netcdf") as dataset:
            assert float(abs(dataset.cash_eur - results.dataset.cash_eur).max()) == 0.0
            assert "Ménage" in list(dataset.cost_line.values)


def test_unsupported_output_is_bad_input(tmp_path, capsys):
    assert main(["run", "--draws", "10", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "format de sortie non pris en charge" in capsys.readouterr().err


def test_unwritable_output_fails_cleanly(tmp_path, capsys):
    """Checked before simulating (issue 13): bad input, exit 2."""
    target = tmp_path / "missing-folder" / "x.csv"
    assert main(["run", "--draws", "10", "--seed", "1", "--out", str(target)]) == 2
    assert "n'existe pas" in capsys.readouterr().err


def test_bad_scenario_exit_code_and_message(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    text = (default_scenario_path_text()).replace("flex_desks = 10", "flex_desks = -3")
    path.write_text(text, encoding="utf-8")
    assert main(["run", str(path)]) == 2
    error = capsys.readouterr().err
    assert f"{path}: site.flex_desks" in error and "-3" in error
    assert "Traceback" not in error


def test_bad_options_exit_2(capsys):
    assert main(["run", "--draws", "0"]) == 2
    assert "nombre de tirages invalide" in capsys.readouterr().err
    assert main(["run", "--sampling", "grid"]) == 2
    assert main(["run", "--seed", "-1"]) == 2


def test_validate(tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text(default_scenario_path_text(), encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text("schema_version = 1\n[meta\n", encoding="utf-8")
    assert main(["validate", str(good)]) == 0
    assert "valide" in capsys.readouterr().out
    assert main(["validate", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert f"{bad}:ligne 2, colonne" in captured.err
    assert "1 fichier(s) invalide(s)" in captured.err


def test_schema_is_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["type"] == "object"
    assert {"meta", "site", "demand", "prices"} <= set(schema["required"])
    site = schema["$defs"]["Site"]["properties"]
    assert site["flex_desks"]["minimum"] == 0
    assert site["flex_desks"]["title"] == "Postes nomades"


def test_console_script_runs_as_a_process(tmp_path):
    """The installed entry point, as a user types it (exit code and stdout)."""
    completed = subprocess.run(
        [sys.executable, "-m", "tierslieux_sim.faces.cli.main", "run", "--draws", "50", "--seed", "1"],
        capture_output=True, text=True, check=False, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert "Subvention d'équilibre" in completed.stdout


def default_scenario_path_text() -> str:
    from importlib import resources

    return (resources.files("tierslieux_sim.data").joinpath("scenarios/default.toml")
            .read_text("utf-8"))


def test_progress_bar_shows_after_one_second_and_counts_every_draw(monkeypatch):
    """simulate(progress=True) (what `run` uses) drives a tqdm bar delayed by one second."""
    import tierslieux_sim.engine.runs as engine
    from tierslieux_sim import simulate as tl_simulate

    created = []

    class RecordingBar:
        def __init__(self, **kwargs):
            self.kwargs, self.count = kwargs, 0
            created.append(self)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, n):
            self.count += n

    monkeypatch.setattr(engine, "tqdm", RecordingBar)
    tl_simulate(default_scenario(), draws=2500, seed=1, chunk_draws=1000, progress=True)
    (bar,) = created
    assert bar.kwargs["delay"] == 1.0 and bar.kwargs["disable"] is False
    assert bar.kwargs["total"] == 2500 and bar.count == 2500


def test_app_command_starts_streamlit_on_the_packaged_entry(monkeypatch):
    import tierslieux_sim.faces.cli.dashboard_command as cli

    calls = []
    monkeypatch.setattr(cli.subprocess, "call", lambda command, env: calls.append((command, env))
                        or 0)
    assert main(["--lang", "en", "app", "--port", "8600"]) == 0
    ((command, env),) = calls
    assert command[1:4] == ["-m", "streamlit", "run"]
    assert command[4].endswith("faces/dashboard/streamlit_app.py")
    assert Path(command[4]).is_file()
    assert command[command.index("--server.port") + 1] == "8600"
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert env["TIERSLIEUX_LANG"] == "en"


def test_run_prints_territory_impacts(capsys):
    assert main(["run", "--draws", "300", "--seed", "2"]) == 0
    output = capsys.readouterr().out
    assert "Impacts pour le territoire :" in output
    assert "tCO2e sur 10 ans" in output and "bilan socio-économique actualisé" in output


def test_command_line_works_without_the_optional_extras(tmp_path):
    """A base install (no "ui", "dask" or "test" extra) runs, reports and analyses: the
    command line needs only the core dependencies. The extras' packages are hidden from a
    subprocess; `app` then says how to install Streamlit, without a traceback."""
    import subprocess
    import sys

    script = ("import sys\n"
              "for name in ('streamlit', 'dask', 'distributed', 'playwright'):\n"
              "    sys.modules[name] = None  # the optional extras are not installed\n"
              "from tierslieux_sim.faces.cli.main import main\n"
              "codes = [main(['run', '--draws', '100', '--seed', '1', '--out', sys.argv[1]]),\n"
              "         main(['report', '--draws', '100', '--seed', '1', '-o', sys.argv[2]]),\n"
              "         main(['sensitivity', '--draws', '100', '--seed', '1']),\n"
              "         main(['app'])]\n"
              "print('codes', codes)\n")
    completed = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "r.xlsx"), str(tmp_path / "r.html")],
        capture_output=True, text=True, timeout=300)
    assert "codes [0, 0, 0, 1]" in completed.stdout, completed.stderr[-2000:]
    assert "Streamlit" in completed.stderr  # `app` says how to install it, no traceback
    assert "Traceback" not in completed.stderr
    assert (tmp_path / "r.xlsx").exists() and (tmp_path / "r.html").exists()
