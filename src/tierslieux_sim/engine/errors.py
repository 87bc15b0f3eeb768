"""The one error type of the analysis layer: bad input, said from the message catalogue."""

from __future__ import annotations

from typing import Any

from tierslieux_sim.core.i18n import message


class AnalysisError(ValueError):
    """An analysis cannot run on what it was given (unknown output or path, target that does
    not parse, empty grid…). ``code`` names the catalogue message ``analysis.error.<code>``;
    :meth:`text` gives it in French or English. The CLI prints it and exits with code 2."""

    def __init__(self, code: str, **values: Any):
        self.code = code
        self.values = values
        super().__init__(self.text("en"))

    def text(self, language: str | None = None) -> str:
        return message(f"analysis.error.{self.code}", language, **self.values)
