"""Scenario problems as users read them: file, dotted key path, what was expected, what was
found, in French or English (from the message catalogue)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from tierslieux_sim.core.i18n import has_message, message
from tierslieux_sim.core.safe_text import clean, shown
from tierslieux_sim.scenario.distributions import UNION_TAGS


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (``path``), what (``code`` + ``context``)."""

    path: str
    code: str
    context: dict[str, Any] = field(default_factory=dict)
    line: int | None = None
    column: int | None = None

    def describe(self, language: str | None = None) -> str:
        message_id = f"validation.{self.code}"
        if not has_message(message_id):
            message_id = "validation.other"
        return message(message_id, language, **_worded_context(self.code, self.context,
                                                               language))


#: Formats checked by a regular expression, written for people (``AAAA-MM (ex. 2027-09)``).
_PATTERN_MESSAGES = {r"^\d{4}-(0[1-9]|1[0-2])$": "format.year_month"}
#: What tomllib says (always in English) → the catalogue's wording; ``{value}`` is the key,
#: character or token it quotes.
_TOML_MESSAGES = tuple((re.compile(pattern), message_id) for pattern, message_id in (
    (r"Invalid value$", "toml_error.invalid_value"),
    (r"Invalid statement$", "toml_error.invalid_statement"),
    (r"Expected '=' after a key in a key/value pair$", "toml_error.expected_equals"),
    (r"Cannot overwrite a value$", "toml_error.overwrite"),
    (r"Expected '\]' at the end of a table declaration$", "toml_error.table_bracket"),
    (r"Expected '\]\]' at the end of an array declaration$", "toml_error.array_bracket"),
    (r"Invalid date or datetime$", "toml_error.invalid_date"),
    (r"Invalid hex value$", "toml_error.invalid_hex"),
    (r"Invalid initial character for a key part$", "toml_error.key_start"),
    (r"Unclosed array$", "toml_error.unclosed_array"),
    (r"Unclosed inline table$", "toml_error.unclosed_table"),
    (r"Unescaped '\\' in a string$", "toml_error.backslash"),
    (r"Unterminated string$", "toml_error.unterminated_string"),
    (r"Escaped character is not a Unicode scalar value$", "toml_error.bad_escape"),
    (r"Cannot declare (?P<value>.+) twice$", "toml_error.declared_twice"),
    (r"Cannot mutate immutable namespace (?P<value>.+)$", "toml_error.immutable"),
    (r"Cannot redefine namespace (?P<value>.+)$", "toml_error.redefine"),
    (r"Duplicate inline table key (?P<value>.+)$", "toml_error.duplicate_key"),
    (r"Expected newline or end of document after a statement$", "toml_error.end_of_line"),
    (r"Expected (?P<value>.+)$", "toml_error.expected"),
    (r"Found invalid character (?P<value>.+)$", "toml_error.invalid_character"),
    (r"Illegal character (?P<value>.+)$", "toml_error.illegal_character"),
    (r"Exceeds the limit .*digits.*", "toml_error.integer_too_long"),
))


def toml_detail(detail: str, language: str | None = None) -> str:
    """tomllib's English explanation in the reader's language (unknown ones as they are)."""
    for pattern, message_id in _TOML_MESSAGES:
        match = pattern.match(detail)
        if match:
            return message(message_id, language, **match.groupdict())
    return detail


def _worded_context(code: str, context: dict[str, Any], language: str | None
                    ) -> dict[str, Any]:
    """The context of a problem worded for the reader: tomllib's text translated, a list of
    allowed values joined by "ou" in French, a regular expression replaced by the format it
    checks."""
    if code == "toml_syntax" and isinstance(context.get("detail"), str):
        return {**context, "detail": toml_detail(context["detail"], language)}
    if code == "literal_error" and isinstance(context.get("expected"), str):
        conjunction = message("list.or", language)
        return {**context, "expected": context["expected"].replace(" or ", f" {conjunction} ")}
    if code == "string_pattern_mismatch" and context.get("pattern") in _PATTERN_MESSAGES:
        return {**context, "pattern": message(_PATTERN_MESSAGES[context["pattern"]], language)}
    return context


class ScenarioError(Exception):
    """A scenario file or object that cannot be used; ``problems`` says why, precisely."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__(self.report())

    def report(self, language: str | None = None) -> str:
        """All problems, one per line, as ``file: path: message``."""
        lines = []
        for problem in self.problems:
            where = clean(self.source)  # names from the file are escaped and shortened
            if problem.line is not None:
                where += ":" + message("where.line_column", language, line=problem.line,
                                       column=problem.column)
            if problem.path:
                where += f": {clean(problem.path)}"
            lines.append(f"{where}: {clean(problem.describe(language), 1000)}")
        return "\n".join(lines)


def dotted_path(location: tuple[str | int, ...]) -> str:
    """``('demand', 'segments', 0, 'pert', 'min')`` → ``demand.segments[0].min``.

    Union tags (``number``, ``pert``…) that pydantic inserts in locations are dropped.
    """
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in UNION_TAGS or part.startswith("function-"):
            continue
        else:
            path = f"{path}.{part}" if path else part
    return path


def _shown(value: Any) -> str:
    """A user value as quoted in a message: shortened, control characters escaped (see
    :func:`tierslieux_sim.core.safe_text.shown`)."""
    return shown(value)


def problems_from_validation_error(error: ValidationError) -> list[Problem]:
    """Translate pydantic's errors into :class:`Problem`, keeping one per location."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for item in error.errors(include_url=False):
        path = dotted_path(tuple(item["loc"]))
        ctx = dict(item.get("ctx") or {})
        at = ctx.pop("at", None)  # a model-level check naming the key it is about
        if at:
            path = f"{path}.{at}" if path else str(at)
        if path in seen:
            continue  # a union reports every member; the first one is enough
        seen.add(path)
        # Context values are already worded for the user (bounds, names, patterns): strings
        # are shown as they are; only the user's input (found) is quoted when it is text.
        context = {key: clean(value, 300) if isinstance(value, str) else _shown(value)
                   for key, value in ctx.items()}
        context.setdefault("found", _shown(item.get("input")))
        context.setdefault("detail", item["msg"])
        problems.append(Problem(path, item["type"], context))
    return problems
