"""``tierslieux app``: start the dashboard with Streamlit (the ``ui`` extra)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from tierslieux_sim.core.i18n import message
from tierslieux_sim.faces.cli.arguments import EXIT_FAILURE
from tierslieux_sim.faces.cli.common import print_error

#: Largest upload Streamlit reads for ``tierslieux app`` [MB]; files above the loader's 1 MB
#: and up to this are refused by the loader with its French message.
UPLOAD_LIMIT_MB = 10


def command_app(arguments: argparse.Namespace) -> int:
    """Start the dashboard with Streamlit (needs the ``ui`` extra)."""
    if importlib.util.find_spec("streamlit") is None:
        print_error(message("cli.app_missing"))
        return EXIT_FAILURE
    entry = Path(__file__).parents[1] / "dashboard" / "streamlit_app.py"
    command = [sys.executable, "-m", "streamlit", "run", str(entry),
               "--server.port", str(arguments.port), "--server.address", arguments.address,
               "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
               # uploads: Streamlit refuses above 10 MB before reading (default 200 MB); the
               # loader refuses above 1 MB, in French (scenario/limits.py)
               "--server.maxUploadSize", str(UPLOAD_LIMIT_MB)]
    environment = dict(os.environ)
    if arguments.lang:
        environment["TIERSLIEUX_LANG"] = arguments.lang
    return subprocess.call(command, env=environment)
