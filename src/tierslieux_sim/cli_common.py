"""Argument types and error printing shared by the ``tierslieux`` commands (cli.py and
cli_analysis.py), so both follow the same conventions."""

from __future__ import annotations

import argparse
import sys

from .i18n import current_language, message


def integer_argument(minimum: int, message_id: str):
    """An argparse type: an integer ≥ ``minimum``, else the catalogue message ``message_id``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(message(message_id, found=text)) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(message(message_id, found=text))
        return value
    return parse


def print_labelled(label_id: str, text: str) -> None:
    """``Erreur : …`` (French spacing) or ``Error: …`` on standard error."""
    separator = " : " if current_language() == "fr" else ": "
    print(f"{message(label_id)}{separator}{text}", file=sys.stderr)


def print_error(text: str) -> None:
    print_labelled("cli.error", text)
