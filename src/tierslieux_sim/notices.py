"""Structured warnings: kept in results, printed by the CLI, shown by the dashboard."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from .i18n import message


class TiersLieuxWarning(UserWarning):
    """Python warning category of every notice this package emits."""


@dataclass(frozen=True)
class Notice:
    """Something the user should know about a run; ``code`` names a catalogue message."""

    code: str
    context: dict[str, Any] = field(default_factory=dict)
    path: str = ""

    def text(self, language: str | None = None) -> str:
        described = message(f"warning.{self.code}", language, **self.context)
        return f"{self.path}: {described}" if self.path else described


def emit(notice: Notice) -> Notice:
    """Raise ``notice`` as a Python warning too (for API users), and return it."""
    warnings.warn(notice.text(), TiersLieuxWarning, stacklevel=3)
    return notice
