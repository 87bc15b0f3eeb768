"""Shared helpers of the dashboard's browser tests (Playwright on Debian's chromium)."""

from __future__ import annotations

CARD = '[data-testid="stMetricValue"]'
SIDEBAR = '[data-testid="stSidebar"]'


def wait_until_idle(page, quiet_ms: int = 1200, rounds: int = 60) -> None:
    """Until the run marker (the app's last element, counting runs) stops changing for
    ``quiet_ms``, at most ``rounds`` times. Every marker is read: two are on the page while a
    run ends (``text_content()`` of the locator then fails on Playwright's strict mode)."""
    page.wait_for_selector("#tl-run-marker", state="attached")
    last = None
    for _ in range(rounds):
        count = page.locator("#tl-run-marker").all_text_contents()
        if count == last:
            return
        last = count
        page.wait_for_timeout(quiet_ms)
