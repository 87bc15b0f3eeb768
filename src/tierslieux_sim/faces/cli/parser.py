"""The ``tierslieux`` argument parser: every command and option, with help texts from the
catalogue. Light on purpose: it loads neither the engine nor the analyses."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tierslieux_sim.core.i18n import LANGUAGES, message
from tierslieux_sim.engine.constants import (
    DEFAULT_COMPARE_DRAWS,
    DEFAULT_SOBOL_SAMPLES,
    DEFAULT_SOLVE_DRAWS,
    DEFAULT_SWEEP_DRAWS,
    DEFAULT_TORNADO_DRAWS,
    OUTPUT_EXAMPLES,
    SAMPLINGS,
)
from tierslieux_sim.faces.cli.arguments import (
    CatalogueArgumentParser,
    draws_count,
    draws_or_auto,
    number_argument,
    tolerance_argument,
)
from tierslieux_sim.faces.cli.common import integer_argument as _integer


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with help texts in the current language."""
    parser = CatalogueArgumentParser(prog="tierslieux", description=message("cli.description"))
    parser.add_argument("--lang", choices=LANGUAGES, help=message("cli.lang_help"))
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help=message("cli.run_help"))
    run.add_argument("file", nargs="?", type=Path, help=message("cli.file_help"))
    run.add_argument("--draws", type=draws_or_auto, default=10_000,
                     help=message("cli.draws_help"))
    run.add_argument("--tolerance", type=tolerance_argument, help=message("cli.tolerance_help"))
    run.add_argument("--seed", type=_integer(0, "cli.non_negative_integer"),
                     help=message("cli.seed_help"))
    run.add_argument("--sampling", choices=SAMPLINGS, default="random",
                     help=message("cli.sampling_help"))
    run.add_argument("--out", type=Path, help=message("cli.out_help"))
    run.add_argument("--keep", choices=("full", "summary"), default="full",
                     help=message("cli.keep_help"))

    validate = commands.add_parser("validate", help=message("cli.validate_help"))
    validate.add_argument("files", nargs="+", type=Path, help=message("cli.validate_files_help"))

    commands.add_parser("schema", help=message("cli.schema_help"))

    app = commands.add_parser("app", help=message("cli.app_help"))
    app.add_argument("--port", type=_integer(1, "cli.positive_integer"), default=8501,
                     help=message("cli.port_help"))
    app.add_argument("--address", default="127.0.0.1", help=message("cli.address_help"))
    report = commands.add_parser("report", help=message("cli.report_help"))
    report.add_argument("file", nargs="?", type=Path, help=message("cli.file_help"))
    report.add_argument("-o", "--out", type=Path, required=True,
                        help=message("cli.report_out_help"))
    report.add_argument("--draws", type=draws_or_auto, default=10_000,
                        help=message("cli.draws_help"))
    report.add_argument("--seed", type=_integer(0, "cli.non_negative_integer"),
                        help=message("cli.seed_help"))
    add_analysis_commands(commands)
    add_calibrate_command(commands)
    return parser


def _draws_help(default: int) -> str:
    """``cli.draws_help`` with this command's default (the catalogue's text names the 10000
    of ``tierslieux run``)."""
    return message("cli.draws_help").replace("10000", str(default))


def _common(parser: argparse.ArgumentParser, draws: int) -> None:
    parser.add_argument("--draws", type=draws_count, default=draws, help=_draws_help(draws))
    parser.add_argument("--seed", type=_integer(0, "cli.non_negative_integer"),
                        help=message("cli.seed_help"))


def add_analysis_commands(subparsers: Any) -> None:
    """Add ``sensitivity``, ``solve``, ``compare`` and ``sweep`` to ``subparsers`` (the
    object ``add_subparsers`` returned); their handlers are in :mod:`.analysis`."""
    sens = subparsers.add_parser("sensitivity", help=message("analysis.cli.sensitivity_help"),
                                 description=message("analysis.cli.sensitivity_help"))
    sens.add_argument("file", nargs="?", type=Path, help=message("cli.file_help"))
    sens.add_argument("--output", default="balancing_subsidy_p80",
                      help=message("analysis.cli.output_help", examples=", ".join(OUTPUT_EXAMPLES)))
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
    solver.add_argument("--min", type=number_argument, help=message("analysis.cli.min_help"))
    solver.add_argument("--max", type=number_argument, help=message("analysis.cli.max_help"))
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


def add_calibrate_command(subparsers: Any) -> None:
    """Add ``calibrate`` (handler in :mod:`.calibrate`)."""
    calibrate = subparsers.add_parser("calibrate", help=message("calibration.help"),
                                      description=message("calibration.help"))
    calibrate.add_argument("--out", type=Path, help=message("calibration.out_help"))
    calibrate.add_argument("--draws", type=draws_count, default=2000,
                           help=message("calibration.draws_help"))
    calibrate.add_argument("--seed", type=_integer(0, "cli.non_negative_integer"),
                           help=message("cli.seed_help"))
