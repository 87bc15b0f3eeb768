"""Argument types and error printing shared by the ``tierslieux`` commands (cli.py and
cli_analysis.py), so both follow the same conventions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tierslieux_sim.core.atomic import atomic_path
from tierslieux_sim.core.i18n import LANGUAGES, current_language, message
from tierslieux_sim.core.safe_text import clean, shorten


def integer_argument(minimum: int, message_id: str):
    """An argparse type: an integer ≥ ``minimum``, else the catalogue message ``message_id``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(message(message_id, found=shorten(text))) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(message(message_id, found=shorten(text)))
        return value
    return parse


def print_labelled(label_id: str, text: str) -> None:
    """``Erreur : …`` (French spacing) or ``Error: …`` on standard error."""
    separator = " : " if current_language() == "fr" else ": "
    print(f"{message(label_id)}{separator}{text}", file=sys.stderr)


def print_error(text: str) -> None:
    print_labelled("cli.error", text)


def language_from_argv(argv: Sequence[str]) -> str | None:
    """``--lang`` read before parsing, so that help and errors are already translated."""
    for index, argument in enumerate(argv):
        if argument == "--lang" and index + 1 < len(argv):
            return argv[index + 1] if argv[index + 1] in LANGUAGES else None
        if argument.startswith("--lang="):
            value = argument.split("=", 1)[1]
            return value if value in LANGUAGES else None
    return None


def write_output(write: Callable[[Path], object], path: Path, written_id: str) -> int:
    """Run ``write`` on a temporary path beside ``path``, then rename it to ``path`` (see
    :func:`.atomic.atomic_path`: an interruption leaves the previous file or none); a file
    that cannot be written is reported (exit 1), else its path (message ``written_id``,
    exit 0)."""
    try:
        with atomic_path(path) as temporary:
            write(temporary)
    except OSError as error:
        print_error(message("cli.write_failed", path=clean(path),
                            detail=clean(error.strerror or error)))
        return 1
    print(message(written_id, path=clean(path)))
    return 0
