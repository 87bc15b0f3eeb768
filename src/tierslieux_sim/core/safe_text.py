"""User values echoed in messages: shortened and with control characters escaped.

Scenario files, grid files and command-line arguments come from anywhere (e-mail
attachments, uploads): a value quoted back in a message must neither flood the terminal or
the page (a 10 MB string, a list of a million numbers, a structure nested 100,000 deep) nor
carry terminal escape sequences or invisible direction marks. Every place that echoes a
user value goes through :func:`shown` (a value, as written in TOML) or :func:`clean` (a name,
a key path, a file path, a text already worded).
"""

from __future__ import annotations

import reprlib
import unicodedata
from typing import Any

#: Longest echo of a user value in a message, in characters (the ellipsis included).
SHOWN_CHARACTERS = 80
#: Longest echo of a name, key path or file path.
CLEAN_CHARACTERS = 200
ELLIPSIS = "…"

_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxdict = 8
_REPR.maxstring = _REPR.maxother = SHOWN_CHARACTERS + 10
_REPR.maxlong = 40


#: Unicode categories escaped: controls, format (direction overrides), surrogates, private
#: use, unassigned, line and paragraph separators.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _escaped(character: str) -> str:
    code = ord(character)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def escape_controls(text: str) -> str:
    """``text`` with control, format (direction marks…), line and paragraph separator and
    unassigned characters written as ``\\x1b``, ``\\u202e``…; letters, accents, symbols and
    spaces (the no-break spaces of French numbers too) are kept."""
    if text.isprintable():
        return text  # the common case, in C
    return "".join(_escaped(c) if unicodedata.category(c) in _ESCAPED_CATEGORIES else c
                   for c in text)


def shorten(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def clean(text: Any, limit: int = CLEAN_CHARACTERS) -> str:
    """A name, key path or file path as it may be printed: escaped, then shortened."""
    return shorten(escape_controls(str(text)[: 4 * limit]), limit)


def shown(value: Any, limit: int = SHOWN_CHARACTERS) -> str:
    """A user value as quoted in a message: TOML's ``true``/``false``, quoted text, numbers
    and short structures, escaped and cut to ``limit`` characters. Never fails and never
    walks a whole large or deep structure (:mod:`reprlib` stops early)."""
    if isinstance(value, bool):
        return "true" if value else "false"  # as written in TOML, not Python's True/False
    try:
        if isinstance(value, str):
            text = repr(value[: 4 * limit])
            if len(value) > 4 * limit:
                text = text[:-1] + ELLIPSIS + text[-1]
        elif isinstance(value, int | float):
            text = _REPR.repr(value)
        else:
            text = _REPR.repr(value)
    except (RecursionError, ValueError, TypeError):  # odd objects: say what they are
        text = f"<{type(value).__name__}>"
    return shorten(escape_controls(text), limit)


__all__ = ["CLEAN_CHARACTERS", "SHOWN_CHARACTERS", "clean", "escape_controls", "shorten",
           "shown"]
