"""Save screenshots of the dashboard's main page: ``docs/dashboard.png`` (desktop,
1440 px wide) and, with ``--phone``, ``docs/dashboard-phone.png`` (a 390 px phone, where the
answer comes before the levers).

Starts the dashboard on 127.0.0.1 (stopped afterwards) and photographs it with Debian's
chromium driven by Playwright, in a browser set to the chosen language (sliders write numbers
the browser's way):

    python scripts/screenshot_dashboard.py [--phone] [--output PATH] [--lang fr]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tierslieux_sim.faces.dashboard.serve import CHROMIUM_ARGS, CHROMIUM_PATH, running_dashboard

ROOT = Path(__file__).resolve().parents[1]
#: Viewports [px]: a desktop page tall enough for levers, cards and the first four charts; a
#: phone (390 px wide) two screens tall: the cards, the table by budget year, who pays.
DESKTOP = {"width": 1440, "height": 2900}
PHONE = {"width": 390, "height": 1688}
LOCALES = {"fr": "fr-FR", "en": "en-GB"}


def take_screenshot(output: Path, language: str = "fr", phone: bool = False) -> Path:
    with running_dashboard(language=language) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=PHONE if phone else DESKTOP,
                                locale=LOCALES[language],
                                device_scale_factor=2 if phone else 1)
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
    parser.add_argument("--phone", action="store_true",
                        help="a 390 px phone (default output docs/dashboard-phone.png)")
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--lang", choices=("fr", "en"), default="fr")
    arguments = parser.parse_args()
    output = arguments.output or ROOT / "docs" / (
        "dashboard-phone.png" if arguments.phone else "dashboard.png")
    print(take_screenshot(output, arguments.lang, arguments.phone))
    return 0


if __name__ == "__main__":
    sys.exit(main())
