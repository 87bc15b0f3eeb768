"""The ``tierslieux`` command: ``run``, ``validate``, ``schema``, ``app``, ``report`` and the
analyses (``sensitivity``, ``solve``, ``compare``, ``sweep``).

Exit codes: 0 success, 2 bad input (invalid scenario file, bad option), 1 other failure
(e.g. the output file cannot be written), 130 interrupted. Messages come from the catalogue,
in French by default, English with ``--lang en`` or ``TIERSLIEUX_LANG=en``.

Each command's handler is imported when that command runs (:data:`COMMANDS`), so that
``tierslieux --help`` and ``tierslieux validate`` do not load the engine, the analyses,
pandas or Plotly.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from tierslieux_sim.core.allocator import keep_large_arrays_on_the_heap
from tierslieux_sim.core.i18n import message, set_language
from tierslieux_sim.faces.cli.arguments import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    argparse_in_catalogue_language,
)
from tierslieux_sim.faces.cli.common import language_from_argv
from tierslieux_sim.faces.cli.parser import build_parser
from tierslieux_sim.scenario.errors import ScenarioError

#: Command → ``module:handler`` (module under ``tierslieux_sim.faces.cli``).
COMMANDS = {
    "run": "run:command_run", "validate": "files:command_validate",
    "schema": "files:command_schema", "app": "dashboard_command:command_app",
    "report": "report_command:command_report",
    "calibrate": "calibrate:command_calibrate",
    **{name: f"analysis:command_{name}" for name in ("sensitivity", "solve", "compare",
                                                      "sweep")},
}


def handler(command: str) -> Callable[[argparse.Namespace], int]:
    """The function that runs ``command`` (its module imported now)."""
    module_name, function_name = COMMANDS[command].split(":")
    module = importlib.import_module(f"tierslieux_sim.faces.cli.{module_name}")
    return getattr(module, "HANDLERS", {}).get(command) or getattr(module, function_name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``tierslieux``; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    keep_large_arrays_on_the_heap()
    language = language_from_argv(argv)
    if language:
        set_language(language)
    try:
        try:
            with argparse_in_catalogue_language():  # argparse's own errors in French too
                arguments = build_parser().parse_args(argv)
        except SystemExit as exit_request:  # argparse: --help (0) or a bad option (2)
            return int(exit_request.code or 0)
        return handler(arguments.command)(arguments)
    except ScenarioError as error:
        print(error.report(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:  # Ctrl-C: outputs are written whole or not at all (atomic)
        print(message("cli.interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if language:
            set_language(None)


if __name__ == "__main__":
    sys.exit(main())
