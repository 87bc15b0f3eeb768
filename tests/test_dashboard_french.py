"""Issue 11, "French through and through" and "contradictions between cards", through
Streamlit's AppTest (and the wording functions behind it): every word an official reads is
the catalogue's, in French (English when chosen), with French number formats; "8 cas sur
10" always says which percentile it means."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tierslieux_sim import preset_scenario, scenario_to_toml
from tierslieux_sim.core.i18n import message
from tierslieux_sim.faces.dashboard.app import LEVER_PATHS, UPLOAD_LIMIT_MB
from tierslieux_sim.scenario.errors import ScenarioError
from tierslieux_sim.scenario.files import parse_scenario_text
from tierslieux_sim.scenario.limits import MAX_FILE_BYTES

APP = str(Path(__file__).resolve().parents[1] / "app.py")
#: Words of tomllib's (English) messages.
TOML_ENGLISH = re.compile(r"\b(Invalid|Expected|Cannot|Unclosed|Unterminated|Illegal|Found|"
                          r"Duplicate|Unescaped|Exceeds)\b")


def start() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert not app.exception, app.exception
    return app


@pytest.fixture(scope="module")
def app() -> AppTest:
    return start()


def report_of(text: str, language: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_text(text, "scénario.toml")
    return caught.value.report(language)


# --- the loader's words ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "a = ", "x = 1\nx = 2", "[site\n", "a = [1, 2", 'a = "abc', "a = 1 b = 2", "a = {b = 1",
    "[a]\n[a]\n", "a = 1979-13-45", "= 1", "a = 'x\\", "a = 1" + "0" * 5000,
])
def test_toml_syntax_errors_read_in_french(text):
    """Before: "erreur de syntaxe TOML (Invalid value)" — tomllib's English inside French."""
    french = report_of(text, "fr")
    assert "erreur de syntaxe TOML" in french and not TOML_ENGLISH.search(french), french
    assert "TOML syntax error" in report_of(text, "en")


def test_allowed_values_are_joined_with_ou_in_french():
    """Before: "… 'studies' or 'contingency'" inside a French sentence."""
    text = scenario_to_toml(preset_scenario("default")).replace(
        'category = "works"', 'category = "travaux"', 1)
    french, english = report_of(text, "fr"), report_of(text, "en")
    assert "'studies' ou 'contingency'" in french and " or " not in french
    assert "'studies' or 'contingency'" in english


def test_a_bad_month_says_the_format_not_a_regular_expression():
    """Before: "format attendu ^\\d{4}-(0[1-9]|1[0-2])$"."""
    text = scenario_to_toml(preset_scenario("default")).replace(
        'opening_month = "2027-09"', 'opening_month = "09/2027"', 1)
    assert "format attendu AAAA-MM (ex. 2027-09), trouvé '09/2027'" in report_of(text, "fr")
    assert "expected format YYYY-MM (e.g. 2027-09)" in report_of(text, "en")
    assert "\\d" not in report_of(text, "fr")


def test_one_year_is_singular():
    """Before: "sur 1 ans" with a horizon of 12 months."""
    values = {"p50": "1 €", "p80": "2 €", "pv": "1 €"}
    assert message("headline.total", "fr", years=1, **values).startswith("Sur 1 an :")
    assert message("headline.total", "en", years=1, **values).startswith("Over 1 year:")
    assert message("headline.total", "fr", years=10, **values).startswith("Sur 10 ans")
    assert message("headline.total", "fr", years=11, **values).startswith("Sur 11 ans")
    assert message("headline.total", "fr", years=21, **values).startswith("Sur 21 ans")


def test_a_one_year_horizon_reads_1_an_on_the_dashboard():
    app = start()
    data = app.session_state["data"]
    data["simulation"]["horizon_years"] = 1
    app.run()
    assert not app.exception
    texts = [m.label for m in app.metric] + [c.value for c in app.caption] + [
        m.value for m in app.markdown]
    assert not [text for text in texts if re.search(r"(?<![\d\u202f])1 ans\b", text)]
    assert any("sur 1 an" in text.lower() for text in texts), texts


# --- uploads -------------------------------------------------------------------------------

def test_uploaders_use_the_loader_s_size_limit_and_our_words(app):
    """Before: Streamlit's "Upload", "200MB per file • TOML" and its English refusal of a
    .txt file ("text/plain files are not allowed")."""
    assert UPLOAD_LIMIT_MB * 2**20 >= MAX_FILE_BYTES > (UPLOAD_LIMIT_MB - 1) * 2**20
    uploader = app.file_uploader(key="upload")
    assert uploader.proto.max_upload_size_mb == UPLOAD_LIMIT_MB
    assert uploader.allowed_type == []  # any file reaches us: we refuse it in French
    css = " ".join(element.proto.body for element in app.get("html"))
    assert 'content: "Choisir un fichier"' in css
    assert "stFileUploaderDropzoneInstructions\"] {display: none}" in css
    assert any(caption.value == "Fichier .toml de 1 Mo au plus, à choisir ou à glisser ici."
               for caption in app.sidebar.caption)


def test_a_file_that_is_not_toml_is_refused_in_french():
    app = start()
    app.file_uploader(key="upload").set_value(("notes.txt", b"hello", "text/plain")).run()
    assert not app.exception
    (error,) = app.sidebar.error
    assert "notes.txt n'est pas un fichier de scénario : un fichier .toml est attendu." in \
        error.value
    assert app.session_state["scenario"] == preset_scenario("default")


def test_a_file_too_large_is_refused_in_french():
    app = start()
    big = b"# " + b"x" * MAX_FILE_BYTES + b"\n"
    app.file_uploader(key="upload").set_value(("gros.toml", big, "application/toml")).run()
    (error,) = app.sidebar.error
    assert "fichier trop volumineux" in error.value and "1,0\u00a0Mo" not in error.value
    assert "la limite est de 1,0 Mo" in error.value, error.value


# --- codes and numbers ---------------------------------------------------------------------

def test_choices_show_words_and_keep_codes():
    """Before: selectboxes and table cells showed ``association_convention``, ``works``,
    ``detr``, ``from_programme``."""
    app = start()
    app.radio(key="page").set_value("inputs").run()
    assert not app.exception
    mode = app.selectbox(key="w:structure.management_mode")
    assert mode.value == "association_convention"  # the stored value stays a code
    assert "Association ou SCIC sous convention" in mode.options
    assert not [option for option in mode.options if "_" in option]
    columns = json.dumps([json.loads(frame.proto.columns) for frame in app.get("dataframe")
                          if frame.proto.columns], ensure_ascii=False)
    for label in ("Travaux", "Mobilier", "Informatique", "DETR", "Selon le programme"):
        assert f'"label": "{label}"' in columns, label
    # numbers in tables are written the browser's way too (the staff's FTE 0,75)
    assert '"format": "localized"' in columns
    app.selectbox(key="lang").set_value("en").run()
    assert "Association or SCIC under a convention" in app.selectbox(
        key="w:structure.management_mode").options


def test_sliders_write_numbers_the_reader_s_way(app):
    """Before: "12.0", "0.75", "15000" (printf formats know only the English point)."""
    sliders = [app.slider(key=f"lever:{path}") for path in LEVER_PATHS
               if path != "costs.premises_lent_free"]
    assert sliders and {slider.proto.format for slider in sliders} == {"localized"}


@pytest.mark.parametrize("page", ["results", "financing", "territory", "compare"])
def test_every_chart_uses_french_separators(page):
    """Before (issue 11): an axis read "1,400" for 1,4."""
    app = start()
    app.radio(key="page").set_value(page).run()
    assert not app.exception
    specs = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    assert specs and all(spec["layout"]["separators"] == ", " for spec in specs)


# --- one meaning per phrase ----------------------------------------------------------------

def _texts(app: AppTest) -> list[str]:
    texts = [c.value for c in app.caption] + [m.value for m in app.markdown]
    texts += [m.proto.help for m in app.metric if m.proto.help]
    for frame in app.get("table") + app.get("dataframe"):
        texts += [str(column) for column in frame.value.columns]
    return texts


@pytest.mark.parametrize("language", ["fr", "en"])
def test_8_cases_out_of_10_always_names_its_percentile(language):
    """Before: "8 cas sur 10 entre … et …" (P10–P90) on one card beside "Dans 8 cas sur 10
    sous …" (P80) on the next, neither saying which. Now: "entre" is P10–P90, "sous" / "en
    dessous" is P80, "au-dessus" / "au moins" is P20, and each sentence says it."""
    app = start()
    if language == "en":
        app.selectbox(key="lang").set_value("en").run()
    phrase = "8 cas sur 10" if language == "fr" else "8 cases out of 10"
    between = "entre" if language == "fr" else "between"
    used = [text for text in _texts(app) if phrase in text]
    assert len(used) >= 4, used
    for text in used:
        if between in text:
            assert "P10–P90" in text, text
        else:
            assert "P80" in text or "P20" in text, text


def test_workbook_central_case_rows_are_words():
    """Before: the workbook's "Cas central par année" listed rows ``day_pass``, ``rent``,
    ``staff``; the codes stay in the code column for technicians."""
    import io

    import openpyxl

    import tierslieux_sim as tl
    from tierslieux_sim.faces.workbook import workbook_bytes

    run = tl.simulate(tl.default_scenario(), draws=50, seed=1)
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(run, "fr")))
    sheet = book[message("workbook.sheet.central_accounts", "fr")]
    labels = [str(row[0].value).strip() for row in sheet.iter_rows(min_row=2) if row[0].value]
    codes = [str(row[1].value) for row in sheet.iter_rows(min_row=2) if row[1].value]
    assert "Pass journée" in labels and "Personnel" in labels, labels
    assert not {"day_pass", "rent", "staff"} & set(labels)
    assert "operating_costs_by_line_eur[staff]" in codes
