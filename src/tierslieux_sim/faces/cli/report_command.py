"""``tierslieux report``: simulate a scenario and write the council report (HTML, PDF printed
with chromium, or the workbook)."""

from __future__ import annotations

import argparse
import os
import re
import warnings

from tierslieux_sim.core.atomic import TEMPORARY_MARK
from tierslieux_sim.core.notices import TiersLieuxWarning
from tierslieux_sim.engine.finite import check_finite_results
from tierslieux_sim.engine.pipeline import simulate
from tierslieux_sim.faces.cli.arguments import EXIT_BAD_INPUT, EXIT_FAILURE, output_problem
from tierslieux_sim.faces.cli.common import print_error, write_output
from tierslieux_sim.faces.cli.guard import memory_problem
from tierslieux_sim.faces.cli.run import _refused
from tierslieux_sim.faces.report import REPORT_SUFFIXES, PdfUnavailable, write_report
from tierslieux_sim.scenario.files import default_scenario, load_scenario


def command_report(arguments: argparse.Namespace) -> int:
    """Simulate a scenario and write its report (.html, .pdf printed with chromium, or the
    .xlsx workbook)."""
    if _refused(output_problem(arguments.out, REPORT_SUFFIXES, "report.bad_suffix")):
        return EXIT_BAD_INPUT
    scenario = default_scenario() if arguments.file is None else load_scenario(arguments.file)
    if arguments.draws != "auto" and _refused(memory_problem(scenario, arguments.draws, "full")):
        return EXIT_BAD_INPUT
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TiersLieuxWarning)  # they are in results.notices
        results = simulate(scenario, draws=arguments.draws, seed=arguments.seed)
    check_finite_results(results)
    try:
        return write_output(lambda target: write_report(results, target), arguments.out,
                            "report.written")
    except PdfUnavailable as error:  # the HTML was written; the message says how to get a PDF
        # written beside the temporary PDF: move it beside the requested one, say where
        html = arguments.out.with_suffix(".html")
        os.replace(error.html_path, html)
        text = str(error).replace(str(error.html_path), str(html))
        print_error(re.sub(r"\S*" + re.escape(TEMPORARY_MARK) + r"\.pdf", str(arguments.out),
                           text))
        return EXIT_FAILURE
