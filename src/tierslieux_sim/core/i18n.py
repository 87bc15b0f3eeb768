"""One message catalogue for everything a user reads (French by default, English).

Messages live in ``data/messages.toml``: one table per message id with an ``fr`` and an
``en`` template (``str.format`` placeholders). Field labels, units and help texts are not
here: they live beside each field in the scenario schema.

The language is, in order: the one set with :func:`set_language`, the ``TIERSLIEUX_LANG``
environment variable, then French.
"""

from __future__ import annotations

import os
import re
import tomllib
from functools import cache
from importlib import resources
from typing import Literal

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")

_chosen_language: Language | None = None


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    text = resources.files("tierslieux_sim.data").joinpath("messages.toml").read_text("utf-8")
    return tomllib.loads(text)


def set_language(language: str | None) -> None:
    """Choose the language of messages for this process (``None`` reverts to the default)."""
    global _chosen_language
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    _chosen_language = language  # type: ignore[assignment]


def current_language() -> Language:
    """The language messages are written in now."""
    if _chosen_language is not None:
        return _chosen_language
    from_env = os.environ.get("TIERSLIEUX_LANG", "").strip().lower()[:2]
    return from_env if from_env in LANGUAGES else "fr"  # type: ignore[return-value]


#: "1 ans" / "1 years" after filling a template written for a plural: one year is singular.
_ONE_YEAR = re.compile(r"(?<![\d,.\u202f\u00a0])1 (ans|years)\b")


def message(message_id: str, language: str | None = None, /, **values: object) -> str:
    """The message ``message_id`` in ``language`` (default: current), filled with ``values``
    (a count of 1 takes the singular: "sur 1 an", not "sur 1 ans")."""
    entry = _catalogue()[message_id]
    template = entry[language or current_language()]
    text = template.format(**values)
    if "{" in template and ("ans" in template or "years" in template):
        text = _ONE_YEAR.sub(lambda match: "1 an" if match.group(1) == "ans" else "1 year",
                             text)
    return text


def has_message(message_id: str) -> bool:
    return message_id in _catalogue()


def message_ids() -> list[str]:
    return list(_catalogue())
