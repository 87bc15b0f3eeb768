"""Numbers and dates the way readers expect them: ``1 234 567 €``, ``12,5 %``, ``janv. 2027``
in French (CLDR conventions: narrow no-break space between thousands, no-break space before
units); ``€1,234,567``, ``12.5%``, ``Jan 2027`` in English."""

from __future__ import annotations

import math
import re
from datetime import date

from tierslieux_sim.core.i18n import current_language

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
_MONTHS = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def format_number(value: float, decimals: int = 0, language: str | None = None) -> str:
    """``1234567.8`` → ``1 234 568`` (fr) or ``1,234,568`` (en); NaN → ``–``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0"
    if (language or current_language()) == "fr":
        text = text.replace(",", NARROW_NBSP).replace(".", ",").replace("-", "−")
    return text


def format_eur(value: float, decimals: int = 0, language: str | None = None) -> str:
    """``1 234 568 €`` (fr) or ``€1,234,568`` (en)."""
    language = language or current_language()
    number = format_number(value, decimals, language)
    if number == "–":
        return number
    if language == "fr":
        return f"{number}{NBSP}€"
    return f"-€{number[1:]}" if number.startswith("-") else f"€{number}"


def format_percent(rate: float, decimals: int = 0, language: str | None = None) -> str:
    """``0.125`` → ``12,5 %`` (fr, with ``decimals=1``) or ``12.5%`` (en)."""
    language = language or current_language()
    number = format_number(100 * rate, decimals, language)
    if number == "–":
        return number
    return f"{number}{NBSP}%" if language == "fr" else f"{number}%"


#: A space that must not break a line: before French ``%``, ``:``, ``;``, ``?``, ``!``, ``»``
#: and after ``«`` (typography, and no "90" at a line's end with "%" below).
_UNBREAKABLE_SPACE = re.compile(r" (?=[%:;?!»])|(?<=«) ")


def keep_with_punctuation(text: str) -> str:
    """``text`` with a no-break space where a line must not break, before French
    punctuation and ``%`` (the text reads the same)."""
    return _UNBREAKABLE_SPACE.sub(NBSP, text)


def format_month(month: date, language: str | None = None) -> str:
    """``date(2027, 1, 1)`` → ``janv. 2027`` (fr) or ``Jan 2027`` (en)."""
    return f"{_MONTHS[language or current_language()][month.month - 1]} {month.year}"
