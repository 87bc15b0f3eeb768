"""Scenario problems as users read them: file, dotted key path, what was expected, what was
found, in French or English (from the message catalogue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..i18n import has_message, message
from ..safe_text import clean, shown
from .distributions import UNION_TAGS


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
        return message(message_id, language, **self.context)


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
    :func:`tierslieux_sim.safe_text.shown`)."""
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
