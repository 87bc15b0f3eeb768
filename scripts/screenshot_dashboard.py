"""Save a screenshot of the dashboard's main page to ``docs/dashboard.png``.

Starts the dashboard on 127.0.0.1 (stopped afterwards) and photographs it with Debian's
chromium driven by Playwright:

    python scripts/screenshot_dashboard.py [--output docs/dashboard.png] [--lang fr]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tierslieux_sim.ui.serve import CHROMIUM_ARGS, CHROMIUM_PATH, running_dashboard

ROOT = Path(__file__).resolve().parents[1]


def take_screenshot(output: Path, language: str = "fr") -> Path:
    with running_dashboard(language=language) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1800})
        page.set_default_timeout(90_000)
        page.goto(url)
        page.wait_for_selector('[data-testid="stMetricValue"]')
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached")
        page.wait_for_selector(".js-plotly-plot")
        page.wait_for_timeout(1500)  # let plotly finish drawing
        output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(output), full_page=True)
        browser.close()
    return output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "dashboard.png")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr")
    arguments = parser.parse_args()
    print(take_screenshot(arguments.output, arguments.lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
