"""Issue 11, wrong results 1, 2 and 4, as an official meets them in a real browser (Debian's
chromium driven by Playwright, against a dashboard server started on 127.0.0.1 and stopped by
PID): visiting pages never changes a value, a negative table cell is refused where it is typed
and stays refused, a language switch keeps the page and the precision selected."""

from __future__ import annotations

import shutil

import pytest

from dashboard_browser import CARD, SIDEBAR, wait_until_idle
from tierslieux_sim import load_scenario, preset_scenario
from tierslieux_sim.faces.dashboard.serve import CHROMIUM_ARGS, CHROMIUM_PATH, running_dashboard

playwright_api = pytest.importorskip("playwright.sync_api")

if shutil.which(CHROMIUM_PATH) is None:  # .ci/run installs it; say so plainly if it is missing
    pytest.fail(f"{CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium)",
                pytrace=False)



@pytest.fixture(scope="module")
def browser_and_url():
    with running_dashboard() as url, playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser, url
        browser.close()


@pytest.fixture
def page(browser_and_url):
    """A new session (its own browser context) on the results page, settled."""
    browser, url = browser_and_url
    context = browser.new_context(accept_downloads=True, viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.wait_for_selector(CARD)
    wait_until_idle(page)
    yield page
    context.close()


def rerun_after(page, action) -> None:
    """Do ``action`` (a click…), wait for the rerun it causes to end, then for quiet."""
    before = page.locator("#tl-run-marker").all_text_contents()
    action()
    page.wait_for_function(
        "before => JSON.stringify([...document.querySelectorAll('#tl-run-marker')]"
        ".map(e => e.textContent)) !== JSON.stringify(before)", arg=before, timeout=120_000)
    wait_until_idle(page)


def go_to(page, label: str) -> None:
    rerun_after(page, page.locator(f'{SIDEBAR} [data-testid="stRadio"]').first.get_by_text(
        label, exact=True).click)


def cards(page) -> list[str]:
    return [card.inner_text() for card in page.locator(CARD).all()]


def checked_options(page) -> list[str]:
    """The label of the selected option of each radio group in the sidebar ("" when none)."""
    groups = page.locator(f'{SIDEBAR} [data-testid="stRadio"]').all()
    selected = []
    for group in groups:
        checked = group.locator('label:has(input[type="radio"]:checked)')
        selected.append(checked.first.inner_text().strip() if checked.count() else "")
    return selected


def choose_language(page, name: str) -> None:
    page.locator(f'{SIDEBAR} [data-testid="stSelectbox"]').first.click()
    rerun_after(page, page.get_by_role("option", name=name).click)


def staff_table(page):
    expander = page.locator('[data-testid="stExpander"]').filter(
        has=page.get_by_text("Équipe", exact=True)).first
    if not expander.locator('[data-testid="stDataFrame"]').first.is_visible():
        expander.get_by_text("Équipe", exact=True).first.click()
    grid = expander.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)  # the expander's opening animation
    return grid


def type_in_cell(page, grid, row: int, column: int, text: str) -> None:
    """Select a cell of a data editor (a canvas) by clicking its first column and moving
    right with the keyboard, type over it and commit with Enter."""
    box = grid.locator('[data-testid="data-grid-canvas"]').first.bounding_box()
    header_px = row_px = 35
    page.mouse.click(box["x"] + 60, box["y"] + header_px + row_px * row + row_px / 2)
    page.wait_for_timeout(300)
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    page.keyboard.type(text, delay=50)
    rerun_after(page, lambda: page.keyboard.press("Enter"))


def test_visiting_pages_keeps_the_reference_values(page, tmp_path):
    """Before the fix: 0 tCO2e and a negative socio-economic balance after a visit."""
    go_to(page, "Impact territoire")
    first_visit = cards(page)
    assert not first_visit[0].startswith("0 "), first_visit  # CO2 avoided
    go_to(page, "Hypothèses")
    go_to(page, "Résultats")
    go_to(page, "Impact territoire")
    assert cards(page) == first_visit
    with page.expect_download() as download_info:
        page.locator(f'{SIDEBAR} [data-testid="stDownloadButton"] button').click()
    downloaded = tmp_path / "scenario.toml"
    download_info.value.save_as(downloaded)
    assert "emission_factor_kgco2e_per_km =" not in downloaded.read_text(encoding="utf-8")
    assert load_scenario(downloaded) == preset_scenario("default")


def test_negative_cell_is_refused_and_stays_refused(page):
    """Before the fix: accepted, then turned into 0 once "Résultats" was opened."""
    before = cards(page)
    go_to(page, "Hypothèses")
    type_in_cell(page, staff_table(page), row=0, column=1, text="-1")
    refusal = page.locator('[data-testid="stAlert"]').filter(has_text="Modification refusée")
    refusal.first.wait_for()
    assert "staff[0].fte" in refusal.first.inner_text()
    assert "trouvé -1" in refusal.first.inner_text()
    go_to(page, "Résultats")
    assert cards(page) == before  # the results stay on the last valid scenario
    assert page.locator('[data-testid="stAlert"]').filter(has_text="Hypothèses").count() == 1
    go_to(page, "Hypothèses")
    assert refusal.count() == 1 and "staff[0].fte" in refusal.first.inner_text()
    # typing the old value back undoes the refusal
    type_in_cell(page, staff_table(page), row=0, column=1, text="0.5 / 0.75 / 1")
    assert refusal.count() == 0
    go_to(page, "Résultats")
    assert cards(page) == before


def test_language_switch_keeps_page_and_precision(page):
    """Before the fix: no option selected in "Page" and "Précision" after the switch."""
    slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
    slider.focus()
    for _ in range(4):  # an edit, which the switch must keep
        rerun_after(page, lambda: slider.press("ArrowRight"))
    edited = cards(page)
    go_to(page, "Impact territoire")
    rerun_after(page, page.locator(f'{SIDEBAR} [data-testid="stRadio"]').nth(1).get_by_text(
        "Précis (10\u202f000 tirages)", exact=True).click)
    assert checked_options(page) == ["Impact territoire", "Précis (10\u202f000 tirages)"]
    choose_language(page, "English")
    assert checked_options(page) == ["Territory impact", "Precise (10\u202f000 draws)"]
    assert page.locator('[data-testid="stMetricLabel"]').first.inner_text().startswith(
        "CO2 avoided")
    choose_language(page, "Français")
    assert checked_options(page) == ["Impact territoire", "Précis (10\u202f000 tirages)"]
    go_to(page, "Résultats")
    rerun_after(page, page.locator(f'{SIDEBAR} [data-testid="stRadio"]').nth(1).get_by_text(
        "Rapide (2\u202f000 tirages)", exact=True).click)
    assert cards(page) == edited


def test_language_switch_keeps_the_analysis_choices(page):
    """Select boxes whose options are labels (Sensibilité) keep the chosen option too."""
    from tierslieux_sim.engine.outputs import parse_output
    from tierslieux_sim.faces.dashboard.page_sensitivity import SENSITIVITY_OUTPUTS, available

    scenario = preset_scenario("default")
    second = parse_output(available(scenario, SENSITIVITY_OUTPUTS)[1], scenario)
    go_to(page, "Sensibilité")
    output = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first
    output.click()
    rerun_after(page, page.get_by_role("option", name=second.label("fr"), exact=True).click)
    assert output.locator("input").input_value() == second.label("fr")
    choose_language(page, "English")
    assert output.locator("input").input_value() == second.label("en")


def test_uploaded_file_is_named_and_its_levers_span_real_values(page, tmp_path):
    """Before the fix: "Scénario type" named the default, "Poste dédié" went from 0 to 1."""
    from tierslieux_sim import scenario_to_toml

    uploaded = preset_scenario("telecentre_rural")
    source = tmp_path / "telecentre.toml"
    source.write_text(scenario_to_toml(uploaded), encoding="utf-8")
    loaded = page.locator(SIDEBAR).get_by_text(f"« {uploaded.meta.name} » chargé depuis")
    for attempt in range(3):  # an upload sent during a rerun can be dropped: send it again
        page.locator(f'{SIDEBAR} input[type="file"]').first.set_input_files(str(source))
        try:
            loaded.wait_for(timeout=20_000)
            break
        except playwright_api.TimeoutError:
            if attempt == 2:
                raise
    wait_until_idle(page)
    preset = page.locator(f'{SIDEBAR} [data-testid="stSelectbox"]').nth(1).locator("input")
    assert preset.input_value() == f"Fichier chargé : {uploaded.meta.name} (telecentre.toml)"
    dedicated = page.locator('[data-testid="stSlider"]').filter(has_text="Poste dédié")
    assert float(dedicated.locator('input[type="range"]').get_attribute("max")) >= 200
