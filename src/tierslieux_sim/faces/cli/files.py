"""``tierslieux validate`` (check scenario files) and ``tierslieux schema`` (the JSON schema
of scenario files): they read scenarios only, without the engine."""

from __future__ import annotations

import argparse
import json
import sys
import warnings

from tierslieux_sim.core.i18n import message
from tierslieux_sim.core.notices import TiersLieuxWarning
from tierslieux_sim.core.safe_text import clean
from tierslieux_sim.faces.cli.arguments import EXIT_BAD_INPUT, EXIT_OK
from tierslieux_sim.faces.cli.common import print_error, print_labelled
from tierslieux_sim.scenario.errors import ScenarioError
from tierslieux_sim.scenario.files import load_scenario
from tierslieux_sim.scenario.schema import Scenario


def command_validate(arguments: argparse.Namespace) -> int:
    invalid = 0
    for path in arguments.files:
        try:
            with warnings.catch_warnings(record=True) as caught:  # e.g. an old format converted
                warnings.simplefilter("always", TiersLieuxWarning)
                load_scenario(path)
            for warning in caught:
                print_labelled("cli.warning", clean(warning.message, 1000))
        except ScenarioError as error:
            invalid += 1
            print(error.report(), file=sys.stderr)
        else:
            print(message("cli.valid", file=clean(path)))
    if invalid:
        print_error(message("cli.invalid_count", count=invalid))
        return EXIT_BAD_INPUT
    return EXIT_OK


def command_schema(arguments: argparse.Namespace) -> int:
    print(json.dumps(Scenario.model_json_schema(by_alias=True), ensure_ascii=False, indent=2))
    return EXIT_OK
