"""End to end in a real browser: Debian's chromium driven by Playwright against a dashboard
server this test starts on 127.0.0.1 and stops (by PID) afterwards."""

from __future__ import annotations

import shutil
from functools import partial

import pytest

from dashboard_apptest import number
from dashboard_browser import CARD
from dashboard_browser import wait_until_idle as _wait_until_idle
from tierslieux_sim import load_scenario, preset_scenario, scenario_to_toml
from tierslieux_sim.faces.dashboard.serve import CHROMIUM_ARGS, CHROMIUM_PATH, running_dashboard

playwright_api = pytest.importorskip("playwright.sync_api")

if shutil.which(CHROMIUM_PATH) is None:  # .ci/run installs it; say so plainly if it is missing
    pytest.fail(f"{CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium)",
                pytrace=False)


#: This file's runs settle over 1.5 s of quiet, at most 40 times.
wait_until_idle = partial(_wait_until_idle, quiet_ms=1500, rounds=40)


@pytest.fixture(scope="module")
def page():
    with running_dashboard() as url, playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1400,
                                                                        "height": 1000})
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        page.wait_for_selector(CARD)
        yield page
        browser.close()


def first_card(page) -> str:
    return page.locator(CARD).first.inner_text()


def test_slider_moved_with_the_keyboard_changes_a_card(page):
    """The first lever is the day-pass price: ten steps up lower the first card (the
    collectivity's net cost), they do not merely change it."""
    before = first_card(page)
    slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
    slider.focus()
    for _ in range(10):
        slider.press("ArrowRight")
    page.wait_for_function(
        "([selector, before]) => document.querySelector(selector).innerText !== before",
        arg=[CARD, before])
    assert number(first_card(page)) < number(before), (before, first_card(page))


def test_upload_then_download_round_trip(page, tmp_path):
    uploaded = preset_scenario("coworking_petite_ville")
    source = tmp_path / "coworking.toml"
    source.write_text(scenario_to_toml(uploaded), encoding="utf-8")
    wait_until_idle(page)  # the slider test's reruns must be over before the upload
    message = page.locator('[data-testid="stSidebar"]').get_by_text(
        f"« {uploaded.meta.name} » chargé depuis coworking.toml")
    for attempt in range(3):  # an upload sent during a rerun can be dropped: send it again
        page.locator('[data-testid="stSidebar"] input[type="file"]').first.set_input_files(
            str(source))
        try:
            message.wait_for(timeout=20_000)
            break
        except playwright_api.TimeoutError:
            if attempt == 2:
                raise
            wait_until_idle(page)
    with page.expect_download() as download_info:
        page.locator('[data-testid="stSidebar"] [data-testid="stDownloadButton"] button').click()
    downloaded = tmp_path / "downloaded.toml"
    download_info.value.save_as(downloaded)
    assert load_scenario(downloaded) == uploaded


def test_workbook_download_opens_in_openpyxl(page, tmp_path):
    import openpyxl

    from tierslieux_sim.core.i18n import message
    from tierslieux_sim.faces.workbook import SHEETS

    wait_until_idle(page)
    button = page.get_by_role("button", name=message("ui.download_workbook", "fr"))
    with page.expect_download() as download_info:
        button.click()
    downloaded = tmp_path / "classeur.xlsx"
    download_info.value.save_as(downloaded)
    assert download_info.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(downloaded)
    assert book.sheetnames == [message(f"workbook.sheet.{key}", "fr") for key in SHEETS]
    draws = book[message("workbook.sheet.draws", "fr")]
    assert draws.max_row - 1 >= 1_000  # one row per draw of the dashboard's run


def test_pdf_report_download(page, tmp_path):
    import subprocess

    from tierslieux_sim.core.i18n import message

    wait_until_idle(page)
    button = page.get_by_role("button", name=message("ui.download_report_pdf", "fr"))
    with page.expect_download(timeout=120_000) as download_info:
        button.click()
    downloaded = tmp_path / "rapport.pdf"
    download_info.value.save_as(downloaded)
    assert downloaded.read_bytes()[:4] == b"%PDF"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(downloaded), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert message("report.section.risks", "fr") in text
