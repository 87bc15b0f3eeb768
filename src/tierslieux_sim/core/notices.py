"""Structured warnings: kept in results, printed by the CLI, shown by the dashboard."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from tierslieux_sim.core.formatting import format_eur, format_percent
from tierslieux_sim.core.i18n import current_language, message


class TiersLieuxWarning(UserWarning):
    """Python warning category of every notice this package emits."""


@dataclass(frozen=True)
class Quantity:
    """A number in a notice's context, written in the reader's language when the notice is
    read (``kind``: ``"eur"`` or ``"percent"`` for a 0–1 share)."""

    value: float
    kind: str = "eur"

    def text(self, language: str) -> str:
        if self.kind == "percent":  # one decimal for small shares: "0,4 %", not "0 %"
            return format_percent(self.value, 1 if 0 < abs(self.value) < 0.1 else 0, language)
        return format_eur(self.value, 0, language)


@dataclass(frozen=True)
class Notice:
    """Something the user should know about a run; ``code`` names a catalogue message."""

    code: str
    context: dict[str, Any] = field(default_factory=dict)
    path: str = ""

    def text(self, language: str | None = None) -> str:
        language = language or current_language()
        values = {name: value.text(language) if isinstance(value, Quantity) else value
                  for name, value in self.context.items()}
        described = message(f"warning.{self.code}", language, **values)
        return f"{self.path}: {described}" if self.path else described


def emit(notice: Notice) -> Notice:
    """Raise ``notice`` as a Python warning too (for API users), and return it."""
    warnings.warn(notice.text(), TiersLieuxWarning, stacklevel=3)
    return notice
