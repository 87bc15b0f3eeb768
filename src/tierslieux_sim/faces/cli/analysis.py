"""The analysis commands of ``tierslieux``: ``sensitivity``, ``solve``, ``compare``, ``sweep``.

Their options are declared in :mod:`.parser` (:func:`~.parser.add_analysis_commands`); here
is each command's handler (an ``argparse.Namespace`` → exit code). Conventions are those of
:mod:`tierslieux_sim.faces.cli.main`: 0 success, 2 bad input (invalid scenario file, unknown path or
output, target that does not parse, bad grid), 1 other failure (an output file that cannot be
written, Dask not installed); messages from the catalogue, French by default, English with
``--lang en``. ``python -m tierslieux_sim.faces.cli.analysis`` runs these commands alone.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from tierslieux_sim.analysis.compare import compare
from tierslieux_sim.analysis.sensitivity import SobolIndices, Tornado, sensitivity
from tierslieux_sim.analysis.solve import solve
from tierslieux_sim.analysis.sweep import expand_changes, load_changes, sweep
from tierslieux_sim.core.formatting import format_number
from tierslieux_sim.core.i18n import current_language, message
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.engine.outputs import parse_output
from tierslieux_sim.faces.cli import main as cli_main
from tierslieux_sim.faces.cli.arguments import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, output_problem
from tierslieux_sim.faces.cli.common import print_error, print_labelled, write_output
from tierslieux_sim.scenario.errors import ScenarioError
from tierslieux_sim.scenario.files import default_scenario, load_scenario
from tierslieux_sim.scenario.schema import Scenario

TABLE_SUFFIXES = (".csv", ".xlsx")
Handler = Callable[[argparse.Namespace], int]


# --- small helpers (the same conventions as cli.py) ------------------------------------------

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


#: The handler of each analysis command (``cli.COMMANDS`` takes them in).
HANDLERS: dict[str, Handler] = {
    "sensitivity": _guarded(command_sensitivity), "solve": _guarded(command_solve),
    "compare": _guarded(command_compare), "sweep": _guarded(command_sweep)}


def main(argv: Sequence[str] | None = None) -> int:
    """These commands alone (``python -m tierslieux_sim.faces.cli.analysis …``); the same as
    ``tierslieux sensitivity|solve|compare|sweep``. Returns the exit code."""
    return cli_main.main(argv)


if __name__ == "__main__":
    sys.exit(main())
