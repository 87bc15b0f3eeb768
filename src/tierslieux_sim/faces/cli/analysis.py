"""The analysis commands of ``tierslieux``: ``sensitivity``, ``solve``, ``compare``, ``sweep``.

``cli.build_parser`` adds them with :func:`add_analysis_commands`, which returns the handler
of each command (an ``argparse.Namespace`` → exit code). Conventions are those of
:mod:`tierslieux_sim.faces.cli.main`: 0 success, 2 bad input (invalid scenario file, unknown path or
output, target that does not parse, bad grid), 1 other failure (an output file that cannot be
written, Dask not installed); messages from the catalogue, French by default, English with
``--lang en``. ``python -m tierslieux_sim.faces.cli.analysis`` runs these commands alone.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from tierslieux_sim.analysis.compare import compare
from tierslieux_sim.analysis.sensitivity import SobolIndices, Tornado, sensitivity
from tierslieux_sim.analysis.solve import solve
from tierslieux_sim.analysis.sweep import load_changes, sweep
from tierslieux_sim.core.formatting import format_number
from tierslieux_sim.core.i18n import LANGUAGES, current_language, message, set_language
from tierslieux_sim.core.safe_text import shown
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.engine.outputs import EXAMPLES, parse_output
from tierslieux_sim.engine.sampling import SAMPLINGS
from tierslieux_sim.faces.cli.common import integer_argument as _integer
from tierslieux_sim.faces.cli.common import language_from_argv, print_error, print_labelled, write_output
from tierslieux_sim.faces.cli.guard import CatalogueArgumentParser, draws_count, draws_or_auto, output_problem
from tierslieux_sim.scenario.errors import ScenarioError
from tierslieux_sim.scenario.files import default_scenario, load_scenario
from tierslieux_sim.scenario.schema import Scenario

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
TABLE_SUFFIXES = (".csv", ".xlsx")
Handler = Callable[[argparse.Namespace], int]


# --- small helpers (the same conventions as cli.py) ------------------------------------------

def _number(text: str) -> float:
    try:
        value = float(text.replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):  # nan, inf: no search bound
        raise argparse.ArgumentTypeError(message("analysis.cli.number", found=shown(text)))
    return value


def draws_argument(text: str) -> int | str:
    """``--draws`` of ``tierslieux run``: an integer from 1 to ``memory.MAX_DRAWS`` or
    ``auto``."""
    return draws_or_auto(text)


def _error(text: str) -> None:
    print_error(text)


def _notice(text: str) -> None:
    print_labelled("analysis.cli.note", text)


def _scenario(path: Path | None) -> Scenario:
    return default_scenario() if path is None else load_scenario(path)


def _count(value: int) -> str:
    return format_number(value, 0)


def _aligned(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(headers[i]), *(len(row[i]) for row in rows)) if rows else len(headers[i])
              for i in range(len(headers))]
    def line(cells: list[str]) -> str:
        return "  ".join(cell.rjust(w) if i in right else cell.ljust(w)
                         for i, (cell, w) in enumerate(zip(cells, widths, strict=True))).rstrip()
    return [line(headers), "  ".join("─" * w for w in widths), *(line(row) for row in rows)]


def _write_table(table: pd.DataFrame, path: Path | None) -> int:
    if path is None:
        return EXIT_OK
    if path.suffix.lower() == ".xlsx":
        return write_output(lambda target: table.to_excel(target, index=False), path,
                            "cli.written")
    return write_output(lambda target: table.to_csv(target, index=False), path, "cli.written")


def _check_out(path: Path | None) -> bool:
    """The output table's path is usable (extension, folder exists and is writable):
    checked before any simulation."""
    problem = output_problem(path, TABLE_SUFFIXES, "analysis.cli.unsupported_table")
    if problem:
        _error(problem)
        return False
    return True


def _guarded(handler: Handler) -> Handler:
    """Bad input (a scenario file, a path, an output, a target) → its message, exit 2."""
    def run(arguments: argparse.Namespace) -> int:
        try:
            return handler(arguments)
        except ScenarioError as error:
            print(error.report(), file=sys.stderr)
            return EXIT_BAD_INPUT
        except AnalysisError as error:
            _error(error.text())
            return EXIT_FAILURE if error.code == "dask_missing" else EXIT_BAD_INPUT
    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


# --- sensitivity --------------------------------------------------------------------------

def _tornado_lines(result: Tornado, top: int) -> list[str]:
    output = result.output
    headers = [message("analysis.cli.col_rank"), message("analysis.cli.col_input"),
               message("analysis.cli.col_range"), message("analysis.cli.col_at_p10"),
               message("analysis.cli.col_at_p90"), message("analysis.cli.col_swing")]
    rows = []
    for rank, (bar, label) in enumerate(zip(result.bars, result.table()["input"], strict=True),
                                        start=1):
        if rank > top:
            break
        rows.append([str(rank), label,
                     f"{bar.input_text('low')} → {bar.input_text('high')}",
                     output.format(bar.output_low), output.format(bar.output_high),
                     output.format(bar.swing)])
    lines = [message("analysis.cli.tornado_basis_" + result.basis, draws=_count(result.draws),
                     seed=result.seed),
             message("analysis.cli.baseline", value=output.format(result.baseline)), ""]
    return lines + _aligned(headers, rows, {0, 3, 4, 5})


def _sobol_lines(result: SobolIndices, top: int) -> list[str]:
    headers = [message("analysis.cli.col_rank"), message("analysis.cli.col_input"),
               message("analysis.cli.col_first"), message("analysis.cli.col_total")]
    table = result.table()
    def index(value: float, low: float, high: float) -> str:
        return (f"{format_number(value, 2)} [{format_number(low, 2)} ; {format_number(high, 2)}]"
                if current_language() == "fr" else
                f"{format_number(value, 2)} [{format_number(low, 2)}, {format_number(high, 2)}]")
    rows = [[str(rank), row.input, index(row.first_order, row.first_order_low,
                                         row.first_order_high),
             index(row.total_order, row.total_order_low, row.total_order_high)]
            for rank, row in enumerate(table.itertuples(), start=1) if rank <= top]
    lines = [message("analysis.cli.sobol_header", samples=_count(result.samples),
                     evaluations=_count(result.evaluations), seed=result.seed,
                     level=format_number(100 * result.confidence_level, 0)), ""]
    return lines + _aligned(headers, rows, {0, 2, 3})


def command_sensitivity(arguments: argparse.Namespace) -> int:
    """Tornado or Sobol' indices of an output."""
    if not _check_out(arguments.out):
        return EXIT_BAD_INPUT
    scenario = _scenario(arguments.file)
    if arguments.method == "tornado":
        result = sensitivity(scenario, arguments.output, "tornado", draws=arguments.draws,
                             seed=arguments.seed)
    else:
        result = sensitivity(scenario, arguments.output, "sobol", n=arguments.samples,
                             seed=arguments.seed)
    print(message("analysis.cli.sensitivity_header", output=result.output.label(),
                  name=scenario.meta.name))
    lines = (_tornado_lines(result, arguments.top) if isinstance(result, Tornado)
             else _sobol_lines(result, arguments.top))
    print("\n".join(lines))
    for note in result.note_texts():
        _notice(note)
    table = result.table()
    return _write_table(table, arguments.out)


# --- solve --------------------------------------------------------------------------------

def command_solve(arguments: argparse.Namespace) -> int:
    """The value of an input at which a target holds."""
    if not _check_out(arguments.out):
        return EXIT_BAD_INPUT
    scenario = _scenario(arguments.file)
    result = solve(scenario, arguments.vary, arguments.target,
                   bounds=(arguments.min, arguments.max), draws=arguments.draws,
                   seed=arguments.seed)
    print(message("analysis.cli.solve_header", name=scenario.meta.name,
                  draws=_count(result.draws), seed=result.seed,
                  evaluations=_count(len(result.evaluations))))
    print(result.sentence())
    return _write_table(result.table(), arguments.out)


# --- compare ------------------------------------------------------------------------------

def command_compare(arguments: argparse.Namespace) -> int:
    """Side-by-side KPIs and differences on common random numbers."""
    if not _check_out(arguments.out):
        return EXIT_BAD_INPUT
    result = compare(arguments.files, draws=arguments.draws, seed=arguments.seed,
                     sampling=arguments.sampling, kpis=arguments.kpi or None, progress=True)
    print(message("analysis.cli.compare_header", count=len(result.names),
                  draws=_count(result.draws), seed=result.seed,
                  level=format_number(100 * result.confidence_level, 0)))
    print()
    wide = result.wide()
    headers = [wide.index.name, *wide.columns]
    rows = [[str(index), *map(str, row)] for index, row in zip(wide.index, wide.to_numpy(),
                                                               strict=True)]
    print("\n".join(_aligned(headers, rows, set(range(1, len(headers))))))
    return _write_table(result.table, arguments.out)


# --- sweep --------------------------------------------------------------------------------

def _value(text: str) -> Any:
    text = text.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text.replace(",", ".")) if kind is float else kind(text)
        except ValueError:
            continue
    return text


def parse_set(items: Sequence[str]) -> dict[str, list[Any]]:
    """``--set prices.day_pass_eur=8,12,16`` (or ``8;12,5;16`` with decimal commas) → a grid."""
    grid: dict[str, list[Any]] = {}
    for item in items:
        path, separator, values = item.partition("=")
        if not separator or not path.strip() or not values.strip():
            raise AnalysisError("set_syntax", found=item)
        parts = values.split(";") if ";" in values else values.split(",")
        grid[path.strip()] = [_value(part) for part in parts if part.strip()]
    return grid


def command_sweep(arguments: argparse.Namespace) -> int:
    """Every variant of a grid on every scenario: one row per variant."""
    if not _check_out(arguments.out):
        return EXIT_BAD_INPUT
    scenarios: list[Any] = list(arguments.files) or [default_scenario()]
    variants: Any = None
    if arguments.grid is not None:
        variants = load_changes(arguments.grid)
    if arguments.set:
        grid = parse_set(arguments.set)
        if variants is None:
            variants = grid
        else:  # a grid file and --set: every file variant × every --set combination
            from tierslieux_sim.analysis.sweep import expand_changes
            variants = [{**a, **b} for a in variants for b in expand_changes(grid)]
    table = sweep(scenarios, variants, draws=arguments.draws, seed=arguments.seed,
                  sampling=arguments.sampling, kpis=arguments.kpi or None,
                  keep_uncertainty=not arguments.fixed, workers=arguments.workers,
                  scheduler=arguments.scheduler, progress=True)
    print(message("analysis.cli.sweep_header", count=_count(len(table)),
                  draws=_count(table.attrs["draws"]), seed=table.attrs["seed"]))
    first = scenarios[0] if isinstance(scenarios[0], Scenario) else load_scenario(scenarios[0])
    shown = table.drop(columns=["notices"]).astype(object)
    for name in table.attrs["kpis"]:
        output = parse_output(name, first)
        shown[name] = [output.format(value) for value in table[name]]
    with pd.option_context("display.max_rows", 60, "display.width", 250):
        print(shown.to_string(index=False))
    return _write_table(table, arguments.out)


# --- parser -------------------------------------------------------------------------------

def _draws_help(default: int) -> str:
    """``cli.draws_help`` with this command's default (the catalogue's text names the 10000
    of ``tierslieux run``)."""
    return message("cli.draws_help").replace("10000", str(default))


def _common(parser: argparse.ArgumentParser, draws: int) -> None:
    parser.add_argument("--draws", type=draws_count, default=draws, help=_draws_help(draws))
    parser.add_argument("--seed", type=_integer(0, "cli.non_negative_integer"),
                        help=message("cli.seed_help"))


def add_analysis_commands(subparsers: Any) -> dict[str, Handler]:
    """Add ``sensitivity``, ``solve``, ``compare`` and ``sweep`` to ``subparsers`` (the
    object ``add_subparsers`` returned) and return their handlers by command name (the same
    as :data:`HANDLERS`)."""
    from tierslieux_sim.analysis.compare import DEFAULT_COMPARE_DRAWS
    from tierslieux_sim.analysis.sensitivity import DEFAULT_SOBOL_SAMPLES, DEFAULT_TORNADO_DRAWS
    from tierslieux_sim.analysis.solve import DEFAULT_SOLVE_DRAWS
    from tierslieux_sim.analysis.sweep import DEFAULT_SWEEP_DRAWS

    sens = subparsers.add_parser("sensitivity", help=message("analysis.cli.sensitivity_help"),
                                 description=message("analysis.cli.sensitivity_help"))
    sens.add_argument("file", nargs="?", type=Path, help=message("cli.file_help"))
    sens.add_argument("--output", default="balancing_subsidy_p80",
                      help=message("analysis.cli.output_help", examples=", ".join(EXAMPLES)))
    sens.add_argument("--method", choices=("tornado", "sobol"), default="tornado",
                      help=message("analysis.cli.method_help"))
    _common(sens, DEFAULT_TORNADO_DRAWS)
    sens.add_argument("--samples", type=_integer(2, "cli.positive_integer"),
                      default=DEFAULT_SOBOL_SAMPLES, help=message("analysis.cli.samples_help"))
    sens.add_argument("--top", type=_integer(1, "cli.positive_integer"), default=15,
                      help=message("analysis.cli.top_help"))
    sens.add_argument("--out", type=Path, help=message("analysis.cli.out_help"))

    solver = subparsers.add_parser("solve", help=message("analysis.cli.solve_help"),
                                   description=message("analysis.cli.solve_help"))
    solver.add_argument("file", nargs="?", type=Path, help=message("cli.file_help"))
    solver.add_argument("--vary", required=True, help=message("analysis.cli.vary_help"))
    solver.add_argument("--target", required=True, help=message("analysis.cli.target_help"))
    solver.add_argument("--min", type=_number, help=message("analysis.cli.min_help"))
    solver.add_argument("--max", type=_number, help=message("analysis.cli.max_help"))
    _common(solver, DEFAULT_SOLVE_DRAWS)
    solver.add_argument("--out", type=Path, help=message("analysis.cli.out_help"))

    comparer = subparsers.add_parser("compare", help=message("analysis.cli.compare_help"),
                                     description=message("analysis.cli.compare_help"))
    comparer.add_argument("files", nargs="+", type=Path, help=message("analysis.cli.files_help"))
    _common(comparer, DEFAULT_COMPARE_DRAWS)
    comparer.add_argument("--sampling", choices=SAMPLINGS, default="random",
                          help=message("cli.sampling_help"))
    comparer.add_argument("--kpi", action="append", help=message("analysis.cli.kpi_help"))
    comparer.add_argument("--out", type=Path, help=message("analysis.cli.out_help"))

    sweeper = subparsers.add_parser("sweep", help=message("analysis.cli.sweep_help"),
                                    description=message("analysis.cli.sweep_help"))
    sweeper.add_argument("files", nargs="*", type=Path, help=message("analysis.cli.files_help"))
    sweeper.add_argument("--grid", type=Path, help=message("analysis.cli.grid_help"))
    sweeper.add_argument("--set", action="append", metavar="PATH=V1,V2",
                         help=message("analysis.cli.set_help"))
    sweeper.add_argument("--fixed", action="store_true", help=message("analysis.cli.fixed_help"))
    _common(sweeper, DEFAULT_SWEEP_DRAWS)
    sweeper.add_argument("--sampling", choices=SAMPLINGS, default="random",
                         help=message("cli.sampling_help"))
    sweeper.add_argument("--kpi", action="append", help=message("analysis.cli.kpi_help"))
    sweeper.add_argument("--workers", type=_integer(1, "cli.positive_integer"), default=1,
                         help=message("analysis.cli.workers_help"))
    sweeper.add_argument("--scheduler", metavar="ADDRESS",
                         help=message("analysis.cli.scheduler_help"))
    sweeper.add_argument("--out", type=Path, help=message("analysis.cli.out_help"))

    return dict(HANDLERS)


#: The handler of each analysis command (``cli.COMMANDS`` takes them in).
HANDLERS: dict[str, Handler] = {
    "sensitivity": _guarded(command_sensitivity), "solve": _guarded(command_solve),
    "compare": _guarded(command_compare), "sweep": _guarded(command_sweep)}


def main(argv: Sequence[str] | None = None) -> int:
    """These commands alone (``python -m tierslieux_sim.faces.cli.analysis …``); returns the exit
    code. ``tierslieux`` offers the same commands once wired in ``cli.py``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    language = language_from_argv(argv)
    if language:
        set_language(language)
    try:
        parser = CatalogueArgumentParser(prog="tierslieux",
                                         description=message("cli.description"))
        parser.add_argument("--lang", choices=LANGUAGES, help=message("cli.lang_help"))
        commands = parser.add_subparsers(dest="command", required=True)
        handlers = add_analysis_commands(commands)
        try:
            arguments = parser.parse_args(argv)
        except SystemExit as exit_request:
            return int(exit_request.code or 0)
        return handlers[arguments.command](arguments)
    finally:
        if language:
            set_language(None)


if __name__ == "__main__":
    sys.exit(main())
