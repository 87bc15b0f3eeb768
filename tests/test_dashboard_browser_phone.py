"""Issue 11, "phone and first screen" and "French through and through", in a real browser
(Debian's chromium driven by Playwright, French locale, against a dashboard server started on
127.0.0.1 and stopped by PID): on a 390 px phone the answer comes before the levers; at 390
and 1440 px no chart title, legend or table column is cut; Streamlit's own English is
replaced by ours; sliders write numbers the French way."""

from __future__ import annotations

import shutil

import pytest

from dashboard_browser import CARD, SIDEBAR, wait_until_idle
from tierslieux_sim.faces.dashboard.serve import CHROMIUM_ARGS, CHROMIUM_PATH, running_dashboard
from tierslieux_sim.scenario.limits import MAX_FILE_BYTES

playwright_api = pytest.importorskip("playwright.sync_api")

if shutil.which(CHROMIUM_PATH) is None:  # .ci/run installs it; say so plainly if it is missing
    pytest.fail(f"{CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium)",
                pytrace=False)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
#: Streamlit's own English, which an official must not meet.
STREAMLIT_ENGLISH = ("Upload", "Drag and drop", "200MB", "per file", "Browse files",
                     "not allowed", "Choose an option")


@pytest.fixture(scope="module")
def browser_and_url():
    with running_dashboard() as url, playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser, url
        browser.close()


def open_page(browser_and_url, viewport):
    """A new session (its own context, French locale) on the results page, settled."""
    browser, url = browser_and_url
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(url)
    page.wait_for_selector(CARD)
    page.wait_for_selector(".js-plotly-plot")
    wait_until_idle(page)
    return context, page


def go_to(page, label: str) -> None:
    """Choose a page in the sidebar (opened first on a phone, where it starts collapsed)."""
    sidebar = page.locator(SIDEBAR)
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    opened = bool(expand.count()) and expand.first.is_visible()
    if opened:
        expand.first.click()
        page.wait_for_timeout(800)
    before = page.locator("#tl-run-marker").all_text_contents()
    sidebar.locator('[data-testid="stRadio"]').first.get_by_text(label, exact=True).click()
    page.wait_for_function(
        "before => JSON.stringify([...document.querySelectorAll('#tl-run-marker')]"
        ".map(e => e.textContent)) !== JSON.stringify(before)", arg=before, timeout=120_000)
    wait_until_idle(page)
    if opened:  # on a phone, close the sidebar again (its button shows on hover)
        page.evaluate("""() => document.querySelector(
            '[data-testid="stSidebarCollapseButton"] button').click()""")
        page.wait_for_timeout(800)
    page.wait_for_timeout(1500)  # plotly draws after the run


def cut_tables(page) -> list[str]:
    """Tables (and data frames) whose content is wider than their box, with their header."""
    return page.evaluate("""() => [
            ...[...document.querySelectorAll('[data-testid="stTable"]')]
                .map(box => [box, box.querySelector('table')]),
            ...[...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
                .map(scroller => [scroller, scroller])]
        .filter(([box, inner]) => box.offsetParent !== null && inner
                && Math.max(inner.scrollWidth, inner.getBoundingClientRect().width)
                   > box.clientWidth + 1)
        .map(([box]) => (box.closest('[data-testid="stDataFrame"]') ? 'data frame: ' : '')
                        + (box.innerText || '').slice(0, 80))""")


def cut_legends(page) -> list[int]:
    """Indexes of the charts whose legend scrolls (Plotly draws a scroll bar when the legend
    does not fit the room it was given)."""
    return page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
        .map((plot, index) => [index, plot.querySelector('.legend .scrollbar')])
        .filter(([, bar]) => bar && bar.getBBox().height > 0)
        .map(([index]) => index)""")


def titles_inside_charts(page) -> list[str]:
    """Titles drawn by Plotly inside a chart (they do not wrap: cut on a phone)."""
    return page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]
        .map(e => e.textContent).filter(text => text.trim())""")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1440px"])
def test_results_page_cuts_nothing(browser_and_url, viewport):
    """Before: the revenue/cost legend scrolled (cut) at both widths, chart titles ran off a
    phone's screen, and the budget-year table hid its last columns on a phone."""
    context, page = open_page(browser_and_url, viewport)
    try:
        assert cut_legends(page) == []
        assert titles_inside_charts(page) == []
        assert cut_tables(page) == []
        headings = page.locator('[data-testid="stMain"] strong').all_inner_texts()
        assert "Ressources et charges d'exploitation par année" in headings
    finally:
        context.close()


def test_on_a_phone_the_answer_comes_before_the_levers(browser_and_url):
    """Before: the first card was 1 366 px down, after eleven sliders."""
    context, page = open_page(browser_and_url, PHONE)
    try:
        first_card = page.locator(CARD).first.bounding_box()
        first_slider = page.locator('[data-testid="stSlider"]').first.bounding_box()
        assert first_card["y"] + first_card["height"] <= PHONE["height"], first_card
        assert first_card["y"] < first_slider["y"]
        # the profile by budget year comes with the cards, before the levers too
        table = page.locator('[data-testid="stTable"]').first.bounding_box()
        assert table["y"] < first_slider["y"]
        assert table["x"] + table["width"] <= PHONE["width"]
    finally:
        context.close()


def test_on_a_desktop_the_levers_stay_above_the_answer(browser_and_url):
    context, page = open_page(browser_and_url, DESKTOP)
    try:
        first_card = page.locator(CARD).first.bounding_box()
        first_slider = page.locator('[data-testid="stSlider"]').first.bounding_box()
        assert first_slider["y"] < first_card["y"] < DESKTOP["height"]
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1440px"])
def test_financing_plan_shows_its_payment_column(browser_and_url, viewport):
    """Before: the "Versement" column of the financing plan was cut. Now a table on a wide
    screen, and on a phone (where seven columns cannot fit) the same rows as sentences."""
    context, page = open_page(browser_and_url, viewport)
    try:
        go_to(page, "Financement")
        if viewport == PHONE:
            assert not page.locator(".st-key-tl_plan_wide").is_visible()
            items = page.locator(".st-key-tl_plan_narrow li")
            items.first.scroll_into_view_if_needed()
            assert items.count() >= 2
            for item in items.all():
                box = item.bounding_box()
                assert box["x"] + box["width"] <= viewport["width"]
            assert "Versement : avance 30" in items.first.inner_text()
        else:
            assert not page.locator(".st-key-tl_plan_narrow").is_visible()
            plan = page.locator('.st-key-tl_plan_wide [data-testid="stTable"]').first
            plan.scroll_into_view_if_needed()
            header = plan.get_by_text("Versement", exact=True).first.bounding_box()
            box = plan.bounding_box()
            assert header["x"] + header["width"] <= box["x"] + box["width"] + 1
            assert box["x"] + box["width"] <= viewport["width"]
        assert cut_tables(page) == []
        assert cut_legends(page) == [] and titles_inside_charts(page) == []
    finally:
        context.close()


def test_sliders_write_numbers_the_french_way(browser_and_url):
    """Before: "12.0", "0.75", "15000"."""
    context, page = open_page(browser_and_url, DESKTOP)
    try:
        values = page.locator('[data-testid="stSliderThumbValue"]').all_inner_texts()
        assert "12" in values and "0,75" in values, values
        assert "15\u202f000" in values or "15\u00a0000" in values, values
        assert not [value for value in values if "." in value], values
    finally:
        context.close()


def test_uploader_speaks_french(browser_and_url, tmp_path):
    """Before: "Upload", "200MB per file • TOML", and English refusals of a .txt file
    ("text/plain files are not allowed") or of a file too large."""
    context, page = open_page(browser_and_url, DESKTOP)
    try:
        sidebar = page.locator(SIDEBAR)
        text = sidebar.inner_text()
        assert not [word for word in STREAMLIT_ENGLISH if word in text], text
        button_text = page.evaluate("""() => getComputedStyle(document.querySelector(
            '.st-key-upload [data-testid="stFileUploaderDropzone"] button'
            + ' span[data-has-shortcut]'), '::after')
            .content""")
        assert button_text == '"Choisir un fichier"'
        assert "Fichier .toml de 1 Mo au plus" in text
        # a file that is not a scenario: refused by us, in French
        notes = tmp_path / "notes.txt"
        notes.write_text("bonjour", encoding="utf-8")
        sidebar.locator('input[type="file"]').first.set_input_files(str(notes))
        refusal = sidebar.locator('[data-testid="stAlert"]').filter(
            has_text="n'est pas un fichier de scénario")
        refusal.first.wait_for(timeout=30_000)
        wait_until_idle(page)
        # a file above the limit: refused by the browser, which now says it in French
        big = tmp_path / "gros.toml"
        big.write_bytes(b"# x\n" * (MAX_FILE_BYTES // 2))
        sidebar.locator('input[type="file"]').first.set_input_files(str(big))
        chip = sidebar.locator('[data-testid="stTooltipErrorHoverTarget"]').first
        chip.wait_for(timeout=30_000)
        shown = chip.evaluate("e => getComputedStyle(e, '::after').content")
        assert shown == '"Fichier non chargé : un fichier de scénario fait 1 Mo au plus."'
        assert not [word for word in ("MB", "must be") if word in sidebar.inner_text()]
    finally:
        context.close()
