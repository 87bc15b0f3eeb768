"""The ``tierslieux`` parser's checks and types (issue 13), kept light so that ``--help`` and
``validate`` do not load the engine: argparse's own messages in the reader's language,
bounded numbers of draws, a usable tolerance, numbers with a decimal comma, an output path
that can be written. Each check gives the text of a French (or English) message, from the
catalogue, or raises argparse's type error."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from tierslieux_sim.core.formatting import format_number
from tierslieux_sim.core.i18n import message
from tierslieux_sim.core.safe_text import clean, shown
from tierslieux_sim.engine.constants import MAX_DRAWS

#: Exit codes: success, other failure (e.g. an output that cannot be written), bad input.
EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
#: Exit code of a command interrupted by Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130

#: argparse's own texts (its gettext message ids) → catalogue ids.
_ARGPARSE_MESSAGES = {
    "usage: ": "cli.argparse.usage",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "the following arguments are required: %s": "cli.argparse.required",
    "expected one argument": "cli.argparse.expected_one",
    "expected at most one argument": "cli.argparse.expected_at_most_one",
    "expected at least one argument": "cli.argparse.expected_at_least_one",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "positional arguments": "cli.argparse.positionals",
    "options": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
}


@contextmanager
def argparse_in_catalogue_language() -> Iterator[None]:
    """While parsing, argparse's own messages (unknown command, bad choice, missing or
    unrecognized arguments, usage, help headings) come from the catalogue, in the current
    language. argparse looks its texts up through gettext (``argparse._``): this is its
    translation hook."""
    original = argparse._  # type: ignore[attr-defined]

    def translate(text: str) -> str:
        message_id = _ARGPARSE_MESSAGES.get(text)
        return message(message_id) if message_id else original(text)

    argparse._ = translate  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


class _HelpFormatter(argparse.HelpFormatter):
    """Help texts are the catalogue's, which write percentages (``±1 %``): argparse expands
    ``%(default)s`` in them with ``%``-formatting, which a bare ``%`` breaks (``--help``
    raised ValueError); such a text is shown as written."""

    def _expand_help(self, action: argparse.Action) -> str:
        try:
            return super()._expand_help(action)
        except (ValueError, TypeError, KeyError):
            return str(action.help)


class CatalogueArgumentParser(argparse.ArgumentParser):
    """The ``tierslieux`` parser (its sub-commands' parsers are of the same class): help that
    never fails on a ``%``, and error messages whose echoed arguments are escaped and
    shortened (an argument may hold terminal escape sequences)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        super().error(clean(message, 1000))


def _maximum_text() -> str:
    return format_number(MAX_DRAWS, 0)


def draws_count(text: str) -> int:
    """A number of draws: an integer from 1 to :data:`~.memory.MAX_DRAWS`, else argparse's
    type error with the catalogue message ``cli.draws_range``."""
    try:
        value = int(text.strip().replace("_", ""))
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_DRAWS:
        raise argparse.ArgumentTypeError(message("cli.draws_range", maximum=_maximum_text(),
                                                 found=shown(text)))
    return value


def draws_or_auto(text: str) -> int | str:
    """``--draws`` of ``run`` and ``report``: :func:`draws_count` or ``auto``."""
    if text.strip().lower() == "auto":
        return "auto"
    return draws_count(text)


def tolerance_argument(text: str) -> float:
    """``--tolerance``: a positive finite number (decimal comma accepted)."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(message("cli.tolerance_invalid", found=shown(text)))
    return value


def output_problem(path: Path | None, suffixes: Sequence[str], unsupported_id: str) -> str | None:
    """Why ``path`` cannot take an output (unknown extension, a folder, a missing or
    read-only folder), or None when it can: checked before any simulation."""
    if path is None:
        return None
    if path.suffix.lower() not in suffixes:
        return message(unsupported_id, found=clean(path.suffix or path))
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        return message("cli.out_is_folder", path=clean(path))
    if not folder.is_dir():
        return message("cli.out_folder_missing", path=clean(path), folder=clean(folder))
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists()
                                                    and not os.access(path, os.W_OK)):
        return message("cli.out_not_writable", path=clean(path), folder=clean(folder))
    return None


def number_argument(text: str) -> float:
    """A finite number (decimal comma and spaces as thousands separators accepted)."""
    try:
        value = float(text.replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):  # nan, inf: no search bound
        raise argparse.ArgumentTypeError(message("analysis.cli.number", found=shown(text)))
    return value
