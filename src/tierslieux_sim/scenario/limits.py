"""Bounded reading of TOML files (scenarios and sweep grids): a size limit, a nesting-depth
limit, checked before anything walks the text, and reading from disk that never reads more
than the limit (``/dev/zero``, a 10 GB file or a pipe are refused after a bounded read).

With both bounds, reading and parsing a file takes a bounded time (well under a second for
the largest accepted file), so there is no separate clock: a refused file is refused in
milliseconds, before :mod:`tomllib` sees it.

Every refusal is a :class:`~.errors.ScenarioError` whose message states the limit and what
was found (and the line of the nesting that goes too deep).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from tierslieux_sim.core.safe_text import clean
from tierslieux_sim.scenario.errors import Problem, ScenarioError, dotted_path

#: Largest scenario or grid file read, in bytes (the shipped scenarios are about 10 kB).
MAX_FILE_BYTES = 1_000_000
#: Deepest nesting of arrays and tables accepted (a scenario needs about 6).
MAX_NESTING_DEPTH = 32

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_AT_END = " (at end of document)"

#: Tokens that matter for nesting: strings and comments (skipped whole, so a bracket in a
#: note does not count), brackets and braces, and new lines (for the line number). An
#: unterminated string ends at its line's (or the text's) end, so no pattern fails after a
#: long scan: the text is read in one linear pass.
_TOKENS = re.compile(r'''
      """(?:\\.|\\\Z|[^\\])*?(?:"{3,5}|\Z)  # multi-line basic string (escapes skipped)
    | \'\'\'.*?(?:\'{3,5}|\Z)           # multi-line literal string
    | "(?:\\.|[^"\\\n])*(?:"|(?=\n)|\\?\Z)  # basic string
    | '[^'\n]*(?:'|(?=\n)|\Z)          # literal string
    | \#[^\n]*                         # comment
    | [\[\]{}\n]
''', re.VERBOSE | re.DOTALL)


def _size_problem(found_bytes: int, at_least: bool = False) -> Problem:
    return Problem("", "file_too_large_at_least" if at_least else "file_too_large",
                   {"limit": _megabytes(MAX_FILE_BYTES), "found": _megabytes(found_bytes),
                    "limit_bytes": _bytes(MAX_FILE_BYTES), "found_bytes": _bytes(found_bytes)})


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",")


def _bytes(size: int) -> str:
    return f"{size:,}".replace(",", "\u202f")


def check_size(size: int, source: str) -> None:
    """Refuse a text or file of ``size`` bytes (or characters) above :data:`MAX_FILE_BYTES`."""
    if size > MAX_FILE_BYTES:
        raise ScenarioError(source, [_size_problem(size)])


def nesting_depth(text: str, stop_above: int = MAX_NESTING_DEPTH) -> tuple[int, int]:
    """The deepest nesting of ``[`` and ``{`` in TOML ``text`` outside strings and comments
    (or the first depth above ``stop_above``: the scan stops there), and the line where it is
    first reached. One pass of a regular expression: cheap, never recursive, whatever the
    text (a text that is not TOML gets some count; tomllib reports its syntax error after)."""
    depth = deepest = 0
    line = deepest_line = 1
    for match in _TOKENS.finditer(text):
        token = match.group()
        first = token[0]
        if first in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
                if deepest > stop_above:
                    break
        elif first in "]}":
            depth = max(depth - 1, 0)
        elif first == "\n":
            line += 1
        else:
            line += token.count("\n")  # a multi-line string or a comment
    return deepest, deepest_line


def data_depth(data: Any, limit: int = MAX_NESTING_DEPTH) -> tuple[int, tuple[Any, ...]]:
    """How deep tables and arrays nest in parsed ``data`` (dotted keys such as
    ``a.b.c.d = 1`` nest without brackets) and the key path where it is deepest; walked
    without recursion, stopping just past ``limit``."""
    deepest, deepest_path = 0, ()
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            children: Any = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        else:
            continue
        if len(path) + 1 > deepest:
            deepest, deepest_path = len(path) + 1, path
            if deepest > limit:
                break
        stack.extend((child, (*path, key)) for key, child in children)
    return deepest, deepest_path


def _depth_problem(found: int, line: int | None = None, path: str = "") -> Problem:
    return Problem(path, "too_deep", {"limit": MAX_NESTING_DEPTH,
                                    "found": f"{found}" if found <= MAX_NESTING_DEPTH + 1
                                    else f"> {MAX_NESTING_DEPTH}"}, line, 1 if line else None)


def toml_syntax_problem(error: tomllib.TOMLDecodeError, text: str = "") -> Problem:
    """A tomllib error as a problem at its line and column (an error "at end of document"
    is placed after the last character of ``text``)."""
    detail = str(error)
    position = _TOML_POSITION.search(detail)
    line = column = None
    if position:
        line, column = int(position.group(1)), int(position.group(2))
        detail = detail[: position.start()]
    elif detail.endswith(_AT_END):
        detail = detail.removesuffix(_AT_END)
        line = text.count("\n") + 1
        column = len(text) - (text.rfind("\n") + 1) + 1
    return Problem("", "toml_syntax", {"detail": clean(detail)}, line, column)


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """``tomllib.loads(text)`` within the size and depth limits; every failure (syntax,
    size, depth, an integer too long to convert) is a :class:`ScenarioError`."""
    check_size(len(text), source)
    depth, line = nesting_depth(text)
    if depth > MAX_NESTING_DEPTH:
        raise ScenarioError(source, [_depth_problem(depth, line)])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(source, [toml_syntax_problem(error, text)]) from None
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise ScenarioError(source, [Problem("", "toml_syntax",
                                             {"detail": clean(error, 120)})]) from None
    except RecursionError:  # the scan above makes this unreachable; kept as a last guard
        raise ScenarioError(source, [_depth_problem(MAX_NESTING_DEPTH + 2)]) from None
    depth, path = data_depth(data)
    if depth > MAX_NESTING_DEPTH:
        where = dotted_path(tuple(part if isinstance(part, int) else str(part)
                                  for part in path[:8]))
        raise ScenarioError(source, [_depth_problem(depth, None, where + ("…" if len(path) > 8
                                                                          else ""))])
    return data


def read_text(path: str | Path, source: str | None = None) -> str:
    """The UTF-8 text of a file (a BOM is dropped), reading at most one byte more than
    :data:`MAX_FILE_BYTES`: a larger file, a device such as ``/dev/zero`` or an endless pipe
    is refused after that bounded read. Unreadable files, folders and bad encodings are
    :class:`ScenarioError` too."""
    path = Path(path)
    source = str(path) if source is None else source
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        with path.open("rb") as handle:
            try:
                size = path.stat().st_size
            except OSError:
                size = 0
            if size > MAX_FILE_BYTES:  # a regular file: refused without reading it
                raise ScenarioError(source, [_size_problem(size)])
            raw = handle.read(MAX_FILE_BYTES + 1)
    except ScenarioError:
        raise
    except (OSError, ValueError) as error:  # ValueError: e.g. a NUL byte in the path
        detail = getattr(error, "strerror", None) or str(error)
        raise ScenarioError(source, [Problem("", "file_unreadable",
                                             {"detail": clean(detail, 120)})]) from None
    if len(raw) > MAX_FILE_BYTES:  # a device or a pipe: its size is not known in advance
        raise ScenarioError(source, [_size_problem(len(raw), at_least=True)])
    return decode(raw, source)


def decode(raw: bytes, source: str) -> str:
    """UTF-8 bytes as text (a BOM is dropped), within the size limit."""
    check_size(len(raw), source)
    try:
        return raw.decode("utf-8-sig")  # -sig: a BOM (some Windows editors add one) is dropped
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1  # in bytes
        raise ScenarioError(source, [Problem("", "file_encoding", {}, line, column)]) from None


__all__ = ["MAX_FILE_BYTES", "MAX_NESTING_DEPTH", "check_size", "data_depth", "decode",
           "nesting_depth", "parse_toml", "read_text", "toml_syntax_problem"]
