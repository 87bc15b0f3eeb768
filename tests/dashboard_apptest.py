"""Shared helpers of the dashboard's AppTests: start the app, read a card."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def start() -> AppTest:
    """The dashboard after its first run (no exception)."""
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert not app.exception, app.exception
    return app


def metric(app: AppTest, label_start: str) -> str:
    """The value of the card whose label starts with ``label_start``."""
    for item in app.metric:
        if item.label.startswith(label_start):
            return item.value
    raise AssertionError(f"no card starting with {label_start!r}: {[m.label for m in app.metric]}")


def number(text: str) -> float:
    """The first number in a card's French text: ``93 075 €`` → 93075.0, ``−1 234 €`` →
    -1234.0, ``45 %`` → 45.0, ``0,75`` → 0.75 (narrow no-break spaces, minus sign)."""
    import re

    plain = text.replace("\u202f", "").replace("\xa0", "").replace("−", "-")
    match = re.search(r"-?\d+(?:[ ]\d{3})*(?:,\d+)?", plain)
    if match is None:
        raise AssertionError(f"no number in {text!r}")
    return float(match.group(0).replace(" ", "").replace(",", "."))

