"""The command line never shows a traceback (issue 13): argument errors in French, bounded
draws and grids, outputs checked before simulating and written atomically, memory checked
before it is spent, Ctrl-C ends cleanly with exit code 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tierslieux_sim.analysis.changes import apply_changes
from tierslieux_sim.analysis.solve import parse_target
from tierslieux_sim.analysis.sweep import MAX_VARIANTS, expand_changes, load_changes
from tierslieux_sim.core.atomic import TEMPORARY_MARK, atomic_path
from tierslieux_sim.engine import memory
from tierslieux_sim.engine.auto_draws import simulate_auto
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.faces.cli import dashboard_command, report_command
from tierslieux_sim.faces.cli import guard as cli_guard
from tierslieux_sim.faces.cli import run as cli
from tierslieux_sim.faces.cli.common import write_output
from tierslieux_sim.faces.cli.main import main
from tierslieux_sim.scenario.files import preset_scenario, scenario_to_toml

DEFAULT_TEXT = scenario_to_toml(preset_scenario("default"))


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if the command simulates: the checks come first."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("simulated before checking its input")
    monkeypatch.setattr(cli, "simulate", refuse)
    monkeypatch.setattr(cli, "_simulate_run", refuse)
    monkeypatch.setattr(report_command, "simulate", refuse)


# --- argparse's own errors, in the catalogue's language --------------------------------------

@pytest.mark.parametrize("argv, french", [
    (["frobnicate"], "choix invalide : 'frobnicate'"),
    (["--lang", "xx", "run"], "argument --lang : choix invalide : 'xx'"),
    (["run", "--draws", "abc"], "nombre de tirages invalide"),
    (["run", "--draws", "0"], "entre 1 et 10"),
    (["run", "--draws", "-5"], "trouvé '-5'"),
    (["run", "--draws", "1000000000000"], "trouvé '1000000000000'"),
    (["run", "--seed", "x"], "entier positif ou nul attendu"),
    (["run", "--bogus"], "arguments non reconnus : --bogus"),
    (["solve"], "arguments obligatoires manquants"),
    (["run", "--tolerance", "nan", "--draws", "auto"], "tolérance invalide"),
    (["sweep", "--draws", "99999999999"], "nombre de tirages invalide"),
])
def test_argument_errors_are_in_french_with_exit_2(argv, french, capsys):
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert french in error, error
    assert "utilisation : tierslieux" in error and "error:" not in error
    assert "Traceback" not in error


def test_argument_errors_in_english_with_lang_en(capsys):
    assert main(["--lang", "en", "frobnicate"]) == 2
    error = capsys.readouterr().err
    assert "usage: tierslieux" in error and "error: argument command: invalid choice" in error
    assert main(["--lang", "en", "run", "--draws", "0"]) == 2
    assert "invalid number of draws" in capsys.readouterr().err


def test_help_headings_follow_the_language(capsys):
    assert main(["--help"]) == 0
    assert "affiche cette aide et quitte" in capsys.readouterr().out
    assert main(["--lang", "en", "--help"]) == 0
    assert "show this help message and exit" in capsys.readouterr().out


def test_argparse_is_left_as_it_was():
    import argparse

    before = argparse._  # type: ignore[attr-defined]
    main(["frobnicate"])
    assert argparse._ is before  # type: ignore[attr-defined]


# --- outputs checked before simulating -------------------------------------------------------

def test_output_folder_missing_is_refused_before_simulating(tmp_path, capsys, no_simulation):
    target = tmp_path / "missing-folder" / "x.nc"
    assert main(["run", "--out", str(target)]) == 2
    assert "n'existe pas" in capsys.readouterr().err
    assert main(["report", "-o", str(tmp_path / "missing" / "r.html")]) == 2
    assert main(["sweep", "--set", "prices.day_pass_eur=8,9", "--out",
                 str(tmp_path / "missing" / "t.csv")]) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_output_folder_is_refused_before_simulating(tmp_path, capsys, no_simulation):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert main(["run", "--out", str(folder / "x.csv")]) == 2
        assert "droits insuffisants" in capsys.readouterr().err
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize("name", ["x.txt", "x", "x.NC.bak"])
def test_unknown_output_extension_is_refused(tmp_path, capsys, no_simulation, name):
    assert main(["run", "--out", str(tmp_path / name)]) == 2
    assert "format de sortie non pris en charge" in capsys.readouterr().err


def test_output_that_is_a_folder_is_refused(tmp_path, capsys, no_simulation):
    folder = tmp_path / "out.csv"
    folder.mkdir()
    assert main(["run", "--out", str(folder)]) == 2
    assert "est un dossier" in capsys.readouterr().err


# --- memory ---------------------------------------------------------------------------------

def test_a_run_too_large_for_memory_is_refused_before_simulating(monkeypatch, capsys,
                                                                  no_simulation):
    monkeypatch.setattr(cli_guard, "usable_bytes", lambda: 2_000_000_000)
    assert main(["run", "--draws", "5000000"]) == 2
    error = capsys.readouterr().err
    assert "mémoire insuffisante" in error and "--keep summary" in error
    assert "Go" in error  # the estimate and the limit, in French units


def test_summary_mode_is_not_refused_for_memory(monkeypatch):
    monkeypatch.setattr(cli_guard, "usable_bytes", lambda: 2_000_000_000)
    scenario = preset_scenario("default")
    assert cli_guard.memory_problem(scenario, 5_000_000, "summary") is None
    assert cli_guard.memory_problem(scenario, 1_000, "full") is None


def test_memory_estimate_grows_with_draws_and_lines():
    scenario = preset_scenario("default")
    per_month = memory.values_per_draw_and_month(scenario)
    assert per_month > 20  # monthly variables and the lines of the line variables
    small = memory.run_bytes(scenario, 1_000, values_per_month=per_month)
    large = memory.run_bytes(scenario, 100_000, values_per_month=per_month)
    kept = 100_000 * scenario.horizon_months * per_month * 8
    assert small < large and large > kept  # on the high side of what is kept
    assert memory.run_bytes(scenario, 100_000, "summary", values_per_month=per_month) < kept
    assert memory.max_full_draws(scenario, large, per_month) >= 100_000 * 0.9


def test_available_memory_reads_meminfo_and_falls_back(tmp_path, monkeypatch):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 100 kB\nMemAvailable:    2048 kB\n")
    assert memory._meminfo_available(meminfo) == 2048 * 1024
    assert memory._meminfo_available(tmp_path / "none") is None
    monkeypatch.setattr(memory, "_meminfo_available", lambda: None)
    monkeypatch.setattr(memory, "_cgroup_room", lambda: None)
    monkeypatch.setattr(memory, "_sysconf_available", lambda: None)
    assert memory.available_bytes() is None and memory.usable_bytes() is None
    assert cli_guard.memory_problem(preset_scenario("default"), 10**7, "full") is None


def test_auto_draws_stop_at_a_stated_cap():
    from tierslieux_sim.engine.constants import BLOCK_DRAWS

    with pytest.warns(UserWarning):
        results = simulate_auto(preset_scenario("default"), 1e-12, seed=1, keep="summary",
                                max_draws=2 * BLOCK_DRAWS)
    assert results.draws == 2 * BLOCK_DRAWS
    capped = [n for n in results.notices if n.code == "auto_draws_capped"]
    assert capped and "plafond de 2 048 tirages" in capped[0].text("fr")


def test_auto_draws_cap_follows_memory(monkeypatch):
    scenario = preset_scenario("default")
    monkeypatch.setattr(cli_guard, "usable_bytes", lambda: 3_000_000_000)
    cap = cli_guard.auto_draws_cap(scenario, "full", 262_144)
    assert 1024 <= cap < 262_144 and cap % 1024 == 0
    assert cli_guard.auto_draws_cap(scenario, "summary", 262_144) == 262_144


# --- grids, --set and targets -----------------------------------------------------------------

def test_a_grid_above_the_cap_is_refused_before_expanding():
    grid = {f"p{i}": list(range(10)) for i in range(6)}  # a million variants
    start = time.perf_counter()
    with pytest.raises(AnalysisError) as caught:
        expand_changes(grid)
    assert time.perf_counter() - start < 0.1
    assert caught.value.code == "grid_too_large"
    assert f"{MAX_VARIANTS:,}".replace(",", "\u202f") in caught.value.text("fr")


def test_the_sweep_command_refuses_a_huge_grid(capsys, tmp_path):
    values = ",".join(str(v) for v in range(101))  # 101 × 101 > 10,000
    argv = ["sweep", "--set", f"prices.day_pass_eur={values}", "--set",
            f"site.flex_desks={values}", "--draws", "16"]
    assert main(argv) == 2
    assert "trop de variantes : 10\u202f201, la limite est de 10\u202f000" in capsys.readouterr().err


@pytest.mark.parametrize("content", [None, "deep", "huge", "binary", "not_a_table"])
def test_bad_grid_files_are_clean_errors(tmp_path, content):
    if content is None:
        path = Path("/dev/zero")
    else:
        path = tmp_path / "grid.toml"
        data = {"deep": "[grid]\nx = " + "[" * 10_000 + "]" * 10_000,
                "huge": "[grid]\n" + "#" * 2_000_000,
                "binary": "",
                "not_a_table": "grid = 3\n"}[content]
        path.write_bytes(b"\xff\xfe\x00garbage" if content == "binary" else data.encode())
    start = time.perf_counter()
    with pytest.raises(AnalysisError) as caught:
        load_changes(path)
    assert time.perf_counter() - start < 1
    assert caught.value.code == "grid_file"


@pytest.mark.parametrize("path, value", [
    ("demand.segments[0].adoption_rate", 1.5), ("demand.segments[0].adoption_rate", -0.1),
    ("prices.day_pass_eur", float("nan")), ("prices.day_pass_eur", float("inf")),
    ("prices.day_pass_eur", 5e9), ("site.flex_desks", -3)])
def test_values_outside_a_field_s_bounds_are_refused_not_clipped(path, value):
    with pytest.raises(AnalysisError) as caught:
        apply_changes(preset_scenario("default"), {path: value})
    assert caught.value.code == "value_out_of_bounds"
    assert path in caught.value.text("fr")


def test_set_values_out_of_bounds_exit_2(capsys):
    assert main(["sweep", "--set", "demand.segments[0].adoption_rate=1.5", "--draws", "16"]) == 2
    error = capsys.readouterr().err
    assert "hors des bornes du champ" in error and "[0, 1]" in error and "1.5" in error


@pytest.mark.parametrize("target", ["balancing_subsidy_p80 <= nan",
                                    "balancing_subsidy_p80 >= inf", "autonomy_by_year_5 >= nan"])
def test_non_finite_targets_are_refused(target):
    with pytest.raises(AnalysisError) as caught:
        parse_target(target, preset_scenario("default"))
    assert caught.value.code in ("target_not_finite", "target_probability")


def test_solve_bound_nan_exit_2(capsys):
    assert main(["solve", "--vary", "prices.day_pass_eur", "--target",
                 "autonomy_by_year_5 >= 0.8", "--min", "nan"]) == 2
    assert "nombre attendu" in capsys.readouterr().err


# --- input files ------------------------------------------------------------------------------

def test_validate_answers_on_a_10_mb_file_in_under_a_second(tmp_path, capsys):
    path = tmp_path / "big.toml"
    path.write_bytes(DEFAULT_TEXT.encode() + b"#" * 10_000_000)
    start = time.perf_counter()
    assert main(["validate", str(path)]) == 2
    assert time.perf_counter() - start < 1
    error = capsys.readouterr().err
    assert "fichier trop volumineux : 10,0 Mo (10\u202f" in error
    assert "la limite est de 1,0 Mo (1\u202f000\u202f000 octets)" in error


@pytest.mark.parametrize("argv", [["validate", "/dev/zero"], ["run", "/dev/zero"],
                                  ["validate", "/"], ["validate", "/nonexistent/x.toml"],
                                  ["sweep", "--grid", "/dev/zero"]])
def test_special_files_and_folders_are_clean_errors(argv, capsys):
    assert main(argv) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_path_with_control_characters_is_echoed_escaped(tmp_path, capsys):
    path = tmp_path / "a\x1b[31mb.toml"
    path.write_text("x = ", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    error = capsys.readouterr().err
    assert "\x1b" not in error and "\\x1b[31m" in error


# --- atomic outputs and Ctrl-C ------------------------------------------------------------------

def test_an_interrupted_write_keeps_the_previous_file(tmp_path, capsys):
    target = tmp_path / "results.csv"
    target.write_text("previous good file\n")

    def interrupted_write(path: Path) -> None:
        path.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_output(interrupted_write, target, "cli.written")
    assert target.read_text() == "previous good file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]


def test_a_complete_write_replaces_the_file_with_usual_permissions(tmp_path, capsys):
    target = tmp_path / "results.csv"
    assert write_output(lambda path: path.write_text("new\n"), target, "cli.written") == 0
    assert target.read_text() == "new\n"
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    assert [p.name for p in tmp_path.iterdir()] == ["results.csv"]
    with atomic_path(tmp_path / "other.nc") as temporary:
        assert temporary.suffix == ".nc" and TEMPORARY_MARK in temporary.name
        assert temporary.parent == tmp_path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_ctrl_c_in_a_command_is_exit_130_with_a_short_message(monkeypatch, capsys):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "_simulate_run", interrupted)
    assert main(["run", "--draws", "10"]) == 130
    assert capsys.readouterr().err.strip() == "Interrompu."
    assert main(["--lang", "en", "run", "--draws", "10"]) == 130
    assert capsys.readouterr().err.strip() == "Interrupted."


@pytest.mark.parametrize("previous", [True, False])
def test_sigint_during_run_out_leaves_the_previous_file_or_none(tmp_path, previous):
    """A real ``tierslieux run --draws 200000 --out x.nc`` interrupted by SIGINT once it has
    started simulating: exit 130, no traceback, the previous file byte-identical (or no file),
    no temporary file left."""
    target = tmp_path / "x.nc"
    if previous:
        target.write_bytes(b"previous good results" * 1000)
    before = target.read_bytes() if previous else None
    process = subprocess.Popen(
        [sys.executable, "-m", "tierslieux_sim.faces.cli.main", "run", "--draws", "200000", "--seed", "1",
         "--out", str(target)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        # started simulating: tqdm's bar appears on stderr after one second of simulation
        line = b""
        while time.monotonic() < deadline and b"Simulation" not in line:
            line += process.stderr.read1(4096)  # type: ignore[union-attr]
        assert b"Simulation" in line, line
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    stderr = line + stderr
    assert process.returncode == 130, stderr[-2000:]
    assert b"Traceback" not in stderr
    assert stderr.rstrip().endswith(b"Interrompu.")
    if previous:
        assert target.read_bytes() == before
    else:
        assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == (["x.nc"] if previous else [])


# --- arguments fuzzed -------------------------------------------------------------------------

_COMMANDS = ["run", "validate", "report", "sweep", "solve", "compare", "sensitivity", "schema",
             "frobnicate", ""]
_OPTIONS = ["--draws", "--seed", "--tolerance", "--out", "-o", "--keep", "--sampling",
            "--grid", "--set", "--vary", "--target", "--min", "--max", "--kpi", "--workers",
            "--output", "--method", "--samples", "--top", "--lang", "--fixed", "--help", "-h"]
_VALUES = ["0", "-5", "1e12", "1000000000000", "abc", "auto", "nan", "inf", "-inf", "1,5", "",
           " ", "10", "2", "/dev/zero", "/", "/nonexistent/x.toml", "x.txt", "x.nc", "x.csv",
           "out.pdf", "fr", "en", "xx", "full", "summary", "sobol", "grid",
           "prices.day_pass_eur=8,12", "demand.segments[0].adoption_rate=1.5", "=", "a=",
           "prices.nothing=1", "autonomy_by_year_5 >= 0.8", "balancing_subsidy_p80 <= nan",
           "\x1b[31m", "é" * 300, "--", "-", "99999999999999999999999"]


class _Reached(Exception):
    """The arguments were accepted and the command reached its computation."""


@pytest.fixture
def stop_before_computing(monkeypatch):
    from tierslieux_sim.faces.cli import analysis as cli_analysis

    def reached(*_args, **_kwargs):
        raise _Reached
    for module, name in [(cli, "_simulate_run"), (cli, "simulate"), (cli_analysis, "sweep"),
                         (cli_analysis, "solve"), (cli_analysis, "compare"),
                         (cli_analysis, "sensitivity")]:
        monkeypatch.setattr(module, name, reached)


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(command=st.sampled_from(_COMMANDS),
       rest=st.lists(st.one_of(st.sampled_from(_OPTIONS), st.sampled_from(_VALUES)),
                     max_size=6))
def test_fuzzed_arguments_never_give_a_traceback(command, rest, stop_before_computing,
                                                 tmp_path_factory):
    import contextlib
    import io

    folder = tmp_path_factory.getbasetemp()
    argv = [command, *rest] if command else rest
    argv = [str(folder / arg) if arg in ("x.txt", "x.nc", "x.csv", "out.pdf") else arg
            for arg in argv]
    stderr, stdout = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
        try:
            code = main(argv)
        except _Reached:
            return
    assert code in (0, 1, 2), (argv, code, stderr.getvalue()[-500:])
    assert "Traceback" not in stderr.getvalue()
    assert "\x1b" not in stderr.getvalue() + stdout.getvalue()[:0]


@pytest.mark.parametrize("command", ["run", "validate", "report", "sweep", "solve", "compare",
                                     "sensitivity", "schema", "app"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_command_s_help_prints(command, language, capsys):
    """Help texts holding a percentage (``±1 %``) made ``run --help`` raise ValueError."""
    assert main(["--lang", language, command, "--help"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_pdf_without_chromium_leaves_the_html_beside_it_and_no_temporary_file(
        tmp_path, monkeypatch, capsys):
    import tierslieux_sim.faces.report as report

    monkeypatch.setattr(report.shutil, "which", lambda *_args, **_kwargs: None)
    target = tmp_path / "rapport.pdf"
    assert main(["report", "-o", str(target), "--draws", "50", "--seed", "1"]) == 1
    error = capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.html"]
    assert str(tmp_path / "rapport.html") in error and TEMPORARY_MARK not in error


def test_report_too_large_for_memory_is_refused_before_simulating(monkeypatch, capsys,
                                                                   no_simulation, tmp_path):
    monkeypatch.setattr(cli_guard, "usable_bytes", lambda: 2_000_000_000)
    assert main(["report", "-o", str(tmp_path / "r.html"), "--draws", "5000000"]) == 2
    assert "mémoire insuffisante" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_app_bounds_uploads(monkeypatch):
    calls = []
    monkeypatch.setattr(dashboard_command.subprocess, "call", lambda command, env: calls.append(command) or 0)
    assert main(["app"]) == 0
    ((command,),) = (calls,)
    assert command[command.index("--server.maxUploadSize") + 1] == str(dashboard_command.UPLOAD_LIMIT_MB)


def test_the_memory_check_counts_exactly_only_near_the_limit(monkeypatch):
    """An ordinary run is not slowed by a one-draw run to count values: a bound on the high
    side shows it fits. The bound is above the exact count for every shipped scenario."""
    from tierslieux_sim.scenario.files import preset_names

    for name in preset_names():
        scenario = preset_scenario(name)
        assert cli_guard._values_upper_bound(scenario) >= memory.values_per_draw_and_month(
            scenario)

    def refuse(_scenario):
        raise AssertionError("counted exactly")
    monkeypatch.setattr(cli_guard, "values_per_draw_and_month", refuse)
    monkeypatch.setattr(cli_guard, "usable_bytes", lambda: 16_000_000_000)
    assert cli_guard.memory_problem(preset_scenario("default"), 10_000, "full") is None
