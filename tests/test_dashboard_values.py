"""The dashboard never changes a value the user did not touch, refuses invalid table edits
where they are made, names the loaded file and keeps every choice through a language switch
(issue 11, "Wrong results" 1 to 5), through Streamlit's AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard_apptest import metric, start
from tierslieux_sim import preset_names, preset_scenario, scenario_to_toml
from tierslieux_sim.core.i18n import message
from tierslieux_sim.faces.dashboard import data as scenario_data
from tierslieux_sim.faces.dashboard.app import FILE_OPTION

PAGES = ("inputs", "territory", "financing", "sensitivity", "compare", "results")
REFERENCE_FIELDS = ("emission_factor_kgco2e_per_km", "rebound_rate",
                    "value_of_time_eur_per_hour", "cost_per_km_eur")


def edit_table(app: AppTest, path: str, edited_rows: dict[int, dict[str, str]]) -> None:
    """Type into a table's cells as the browser would send it, then rerun."""
    version = app.session_state[f"table:{path}:version"]
    app.session_state[f"w:{path}#table{version}:fr"] = {
        "edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    app.run()
    assert not app.exception, app.exception


# --- 1. showing a value never changes it ----------------------------------------------------

@pytest.mark.parametrize("preset", preset_names())
def test_visiting_every_page_changes_nothing(preset):
    """Before the fix, "Impact territoire" and "Hypothèses" wrote 0.0 into the four optional
    reference values (emission factor, rebound, value of time, cost per km)."""
    app = start()
    app.selectbox(key="preset").set_value(preset).run()
    loaded = scenario_data.scenario_data(preset_scenario(preset))
    for page in PAGES:
        app.radio(key="page").set_value(page).run()
        assert not app.exception, (page, app.exception)
        assert app.session_state["data"] == loaded, page
        assert app.session_state["scenario"] == preset_scenario(preset), page
    territory = app.session_state["data"].get("territory", {})
    assert not set(REFERENCE_FIELDS) & set(territory)
    assert "emission_factor_kgco2e_per_km" not in scenario_to_toml(app.session_state["scenario"])


def test_territory_cards_do_not_move_when_pages_are_visited():
    app = start()
    app.radio(key="page").set_value("territory").run()
    co2 = metric(app, "CO2 évité")
    balance = metric(app, "Bilan socio-économique actualisé")
    assert not co2.startswith("0 ")
    for page in ("inputs", "results", "territory"):
        app.radio(key="page").set_value(page).run()
    assert metric(app, "CO2 évité") == co2
    assert metric(app, "Bilan socio-économique actualisé") == balance


def test_a_reference_value_is_shown_and_can_be_replaced_then_restored():
    app = start()
    app.radio(key="page").set_value("territory").run()
    path = "territory.emission_factor_kgco2e_per_km"
    mode = app.radio(key=f"w:{path}#mode")
    assert mode.value == "reference"
    assert any("0,193" in caption.value and "ADEME" in caption.value for caption in app.caption)
    mode.set_value("fixed").run()
    # "fixed" starts from the reference the model was using, not from 0
    assert app.number_input(key=f"w:{path}#value").value == pytest.approx(0.193)
    app.number_input(key=f"w:{path}#value").set_value(0.15).run()
    assert app.session_state["scenario"].territory.emission_factor_kgco2e_per_km == 0.15
    app.radio(key=f"w:{path}#mode").set_value("reference").run()
    assert "emission_factor_kgco2e_per_km" not in app.session_state["data"]["territory"]
    assert app.session_state["scenario"].territory.emission_factor_kgco2e_per_km is None


# --- 2. an invalid table cell is refused where it is typed -----------------------------------

@pytest.mark.parametrize("path, row, column, typed, shown", [
    ("staff", 0, "fte", "-1", "`staff[0].fte`"),
    ("demand.segments", 0, "pool_people", "-50", "`demand.segments[0].pool_people`"),
])
def test_invalid_cell_is_refused_next_to_its_table_and_stays_refused(path, row, column, typed,
                                                                      shown):
    app = start()
    before = app.session_state["scenario"]
    card = metric(app, "Subvention d'équilibre par an")
    app.radio(key="page").set_value("inputs").run()
    original = app.session_state["data"]
    kept = scenario_data.get_path(original, f"{path}[{row}].{column}")
    edit_table(app, path, {row: {column: typed}})
    errors = [error.value for error in app.error]
    assert any(error.startswith(message("ui.table_refused", "fr")) and shown in error
               and f"trouvé {typed}" in error for error in errors), errors
    assert scenario_data.get_path(app.session_state["data"], f"{path}[{row}].{column}") == kept
    assert app.session_state["scenario"] == before
    # Résultats: the cards stay on the last valid scenario, and say an edit was refused
    app.radio(key="page").set_value("results").run()
    assert metric(app, "Subvention d'équilibre par an") == card
    assert app.session_state["scenario"] == before
    assert scenario_data.get_path(app.session_state["data"], f"{path}[{row}].{column}") == kept
    assert any("Hypothèses" in warning.value for warning in app.warning)
    # back on Hypothèses, the refusal is still shown next to the table
    app.radio(key="page").set_value("inputs").run()
    assert any(shown in error.value for error in app.error)
    # and after a language switch too, in English
    app.selectbox(key="lang").set_value("en").run()
    assert any(shown in error.value and error.value.startswith("Edit refused")
               for error in app.error)
    app.selectbox(key="lang").set_value("fr").run()
    # undoing the edit (typing the old value back) clears the refusal
    edit_table(app, path, {row: {column: scenario_data.uncertain_to_text(kept)}})
    assert not [error.value for error in app.error if shown in error.value]
    assert not app.warning
    assert app.session_state["scenario"] == before


def test_valid_table_edit_is_kept_after_visiting_another_page():
    """An accepted edit is in the data; a fresh editor (page change) starts from the data."""
    app = start()
    app.radio(key="page").set_value("inputs").run()
    edit_table(app, "staff", {0: {"fte": "0.5"}})
    assert app.session_state["scenario"].staff[0].fte == 0.5
    app.radio(key="page").set_value("results").run()
    app.radio(key="page").set_value("inputs").run()
    assert app.session_state["scenario"].staff[0].fte == 0.5
    (table,) = [t for t in app.data_editor if t.key and t.key.startswith("w:staff#table")]
    assert table.value.loc[0, "fte"] == "0.5"


def test_levers_never_overwrite_a_value_they_show():
    """Before the fix, opening "Résultats" clipped a negative value to the slider's 0."""
    app = start()
    before = app.session_state["scenario"]
    app.radio(key="page").set_value("inputs").run()
    app.session_state["data"]["staff"][0]["fte"] = -1  # however it got there
    app.radio(key="page").set_value("results").run()
    assert not app.exception
    assert app.session_state["data"]["staff"][0]["fte"] == -1
    assert app.session_state["scenario"] == before
    assert any("staff[0].fte" in error.value for error in app.error)


# --- 3. a loaded file is named, and its levers have sensible ranges --------------------------

def test_uploaded_file_is_named_in_preset_and_levers_keep_a_useful_range():
    app = start()
    uploaded = preset_scenario("telecentre_rural")
    app.file_uploader(key="upload").set_value(
        ("telecentre.toml", scenario_to_toml(uploaded).encode(), "application/toml")).run()
    assert not app.exception
    assert app.session_state["scenario"] == uploaded
    preset = app.selectbox(key="preset")
    assert preset.value == FILE_OPTION
    assert uploaded.meta.name in preset.options[preset.index]
    assert "telecentre.toml" in preset.options[preset.index]
    # the télécentre offers no dedicated desk (price 0): the slider still spans real prices
    dedicated = app.slider(key="lever:prices.dedicated_desk_eur_per_month")
    assert dedicated.min == 0 and dedicated.max >= 200
    for slider in app.slider:
        if slider.key and slider.key.startswith("lever:"):
            assert slider.max > slider.min, slider.key
            assert slider.max >= 2 * float(slider.value), slider.key
    # another preset, then the file again
    app.selectbox(key="preset").set_value("default").run()
    assert app.session_state["scenario"] == preset_scenario("default")
    app.selectbox(key="preset").set_value(FILE_OPTION).run()
    assert app.session_state["scenario"] == uploaded


# --- 4. choices survive a language switch ----------------------------------------------------

def test_language_switch_keeps_page_precision_and_modes():
    app = start()
    app.radio(key="page").set_value("territory").run()
    app.radio(key="draws").set_value(10_000).run()
    app.selectbox(key="lang").set_value("en").run()
    assert not app.exception
    assert app.radio(key="page").value == "territory"
    assert app.radio(key="page").options[app.radio(key="page").index] == "Territory impact"
    assert app.radio(key="draws").value == 10_000
    mode = app.radio(key="w:territory.car_share#mode")
    assert mode.options[mode.index] == "Min / probable / max"
    assert app.session_state["scenario"] == preset_scenario("default")
    # an edit survives the switch (restoring "Scénario type" does not reload the preset)
    app.radio(key="page").set_value("results").run()
    app.slider(key="lever:site.flex_desks").set_value(14).run()
    app.selectbox(key="lang").set_value("fr").run()
    assert app.session_state["scenario"].site.flex_desks == 14
    assert app.slider(key="lever:site.flex_desks").value == 14


# --- 5. levers scale a range, say so, and save round numbers ---------------------------------

def test_lever_help_says_the_range_is_scaled():
    for language, word in (("fr", "mise à l'échelle"), ("en", "scaled")):
        text = message("ui.levers_help", language)
        assert word in text and ("7,5 / 15 / 25" in text or "7.5 / 15 / 25" in text)
        assert "décalée" not in text and "moves with it" not in text


def test_lever_move_saves_round_numbers():
    app = start()
    app.slider(key="lever:prices.day_pass_eur").set_value(10.0).run()
    app.slider(key="lever:prices.day_pass_eur").set_value(15.0).run()  # 25.000000000000004
    day_pass = app.session_state["data"]["prices"]["day_pass_eur"]
    assert (day_pass["min"], day_pass["mode"], day_pass["max"]) == (7.5, 15.0, 25.0)
    app.slider(key="lever:prices.dedicated_desk_eur_per_month").set_value(150.0).run()
    dedicated = app.session_state["scenario"].prices.dedicated_desk_eur_per_month
    assert (dedicated.min, dedicated.mode, dedicated.max) == (108.0, 150.0, 228.0)
    text = scenario_to_toml(app.session_state["scenario"])
    assert "max = 25.0" in text or "max = 25 " in text
    assert "0000000" not in text and "9999999" not in text


def test_switching_to_fixed_and_back_restores_the_range():
    """Edit then undo: "Valeur fixe" then "Min / probable / max" gives the range back."""
    app = start()
    app.radio(key="page").set_value("inputs").run()
    path = "prices.flex_membership_eur_per_month"
    before = app.session_state["data"]["prices"]["flex_membership_eur_per_month"]
    app.radio(key=f"w:{path}#mode").set_value("fixed").run()
    assert app.session_state["data"]["prices"]["flex_membership_eur_per_month"] == before["mode"]
    app.radio(key=f"w:{path}#mode").set_value("range").run()
    assert app.session_state["data"]["prices"]["flex_membership_eur_per_month"] == before
    assert app.session_state["scenario"] == preset_scenario("default")


def test_an_upload_that_is_not_utf8_is_refused_in_french_with_its_line():
    """Bytes that are not UTF-8: the loader's French message with the line of the bad byte,
    the file name shown cleaned, and the scenario kept."""
    app = start()
    before = app.session_state["scenario"]
    app.file_uploader(key="upload").set_value(
        ("bad\x1bname.toml", b"schema_version = 3\n[meta]\nname = \"\xe9t\xe9\"\n",
         "application/toml")).run()
    assert not app.exception
    errors = " ".join(error.value for error in app.error)
    assert "ligne 3" in errors and "UTF-8" in errors, errors
    assert "\x1b" not in errors and "bad\\x1bname.toml" in errors
    assert app.session_state["scenario"] == before
