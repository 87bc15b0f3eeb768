"""The dashboard through Streamlit's AppTest: every page and preset runs, levers move the
cards, uploads replace (or, when invalid, keep) the scenario, the language switches."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard_apptest import metric, number, start
from tierslieux_sim import preset_names, preset_scenario, scenario_to_toml
from tierslieux_sim.core.i18n import message

PAGES = ("results", "inputs", "financing", "territory", "sensitivity", "compare")


@pytest.fixture(scope="module")
def app() -> AppTest:
    return start()


def test_opens_in_french_on_the_default_scenario(app):
    assert app.title[0].value == "Simulateur de tiers-lieu"
    assert app.session_state["scenario"] == preset_scenario("default")
    # the first card is the collectivity's net cost, then its heaviest budget year
    assert [s.value for s in app.subheader][:2] == [
        "Leviers principaux",
        "Coût net pour la collectivité, par année budgétaire (trésorerie réellement décaissée)"]
    assert [m.label for m in app.metric][:2] == [
        "Coût net sur 10 ans (médiane)", "Année la plus lourde : 2027"]
    assert metric(app, "Coût net sur 10 ans").endswith("€")
    assert metric(app, "Gestionnaire autonome d'ici l'année 5").count("%") == 2
    # the profile by budget year is on the page, not in a collapsed section
    table = app.table[0].value  # a table whose cells wrap (issue 11: no column cut)
    assert list(table.columns) == ["Année budgétaire", "Investissement P50 / P80",
                                   "Fonctionnement P50 / P80", "Coût net P50 / P80"]
    assert table.iloc[0, 0] == "2027 (4 mois)" and len(table) == 11
    assert len(app.get("plotly_chart")) >= 6
    # each chart has its one-sentence reading
    assert any(caption.value.startswith("Dans ") for caption in app.caption)


@pytest.mark.parametrize("preset", preset_names())
def test_every_page_and_preset_runs(preset):
    app = start()
    app.selectbox(key="preset").set_value(preset).run()
    assert app.session_state["scenario"] == preset_scenario(preset)
    for page in PAGES:
        app.radio(key="page").set_value(page).run()
        assert not app.exception, (preset, page, app.exception)
    assert not app.error, [e.value for e in app.error]


def test_results_page_offers_the_council_report(app):
    (button,) = [b for b in app.get("download_button") if b.proto.id.endswith("download_report")]
    assert button.label == "Télécharger le rapport (HTML)"


def test_the_report_compares_the_pinned_variants():
    from tierslieux_sim.faces.dashboard.app import report_variants, run_scenario
    from tierslieux_sim.faces.report import build_report_html

    default = preset_scenario("default")
    dearer = default.model_copy(update={"meta": default.meta.model_copy(
        update={"name": "Prix relevés"})})
    pinned = {"Variante prix": scenario_to_toml(dearer)}
    variants = report_variants(pinned, 200, 7)
    assert [name for name, _ in variants] == ["Variante prix"]
    assert variants[0][1].draws == 200 and variants[0][1].seed == 7
    results = run_scenario(scenario_to_toml(default), 200, 7)
    note = build_report_html(results, "fr", variants).split('<section id="note"')[1].split(
        "</section>")[0]
    assert "Variante prix" in note


def _euros(text: str) -> float:
    """``93 075 €`` → 93075.0 (French format: narrow no-break spaces, minus sign)."""
    return float(text.replace("€", "").replace("\u202f", "").replace("\xa0", "")
                 .replace("−", "-").replace(",", ".").strip())


def test_moving_a_lever_changes_the_cards_in_the_right_direction():
    """A dearer day pass (demand barely elastic) brings more revenue: the collectivity pays
    less, and so does its balancing subsidy."""
    app = start()
    net_before = _euros(metric(app, "Coût net sur 10 ans"))
    balancing_before = _euros(metric(app, "Subvention d'équilibre par an"))
    lever = app.slider(key="lever:prices.day_pass_eur")
    lever.set_value(lever.value + 8).run()
    assert not app.exception
    assert app.session_state["scenario"].prices.day_pass_eur.mode == pytest.approx(
        lever.value)
    assert _euros(metric(app, "Coût net sur 10 ans")) < net_before
    assert _euros(metric(app, "Subvention d'équilibre par an")) < balancing_before


def test_desk_lever_changes_occupancy_card():
    app = start()
    before = metric(app, "Occupation à maturité")
    lever = app.slider(key="lever:site.flex_desks")
    assert lever.min == 0 and lever.max >= 20
    lever.set_value(4).run()
    assert app.session_state["scenario"].site.flex_desks == 4
    # the same demand on fewer desks: the desks are fuller
    assert number(metric(app, "Occupation à maturité")) > number(before)


def test_valid_upload_replaces_the_scenario():
    app = start()
    uploaded = preset_scenario("telecentre_rural")
    app.file_uploader(key="upload").set_value(
        ("telecentre.toml", scenario_to_toml(uploaded).encode(), "application/toml")).run()
    assert not app.exception
    assert app.session_state["scenario"] == uploaded
    assert any(uploaded.meta.name in item.value for item in app.sidebar.success)


def test_invalid_upload_shows_the_message_and_keeps_the_scenario():
    app = start()
    before = app.session_state["scenario"]
    text = scenario_to_toml(before).replace("flex_desks = 10", "flex_desks = -3")
    app.file_uploader(key="upload").set_value(("faux.toml", text.encode(), "text/plain")).run()
    assert not app.exception
    assert app.session_state["scenario"] == before
    errors = " ".join(item.value for item in app.sidebar.error)
    assert "faux.toml" in errors and "site.flex_desks" in errors and "-3" in errors
    assert "scénario en cours est conservé" in errors


def test_language_switch_changes_labels():
    app = start()
    app.selectbox(key="lang").set_value("en").run()
    assert app.title[0].value == "Tiers-lieu simulator"
    assert metric(app, "Balancing subsidy a year").startswith("€")
    assert app.radio(key="page").options[0] == "Results"


def test_assumptions_page_edits_the_scenario():
    app = start()
    app.radio(key="page").set_value("inputs").run()
    assert not app.exception
    # one editable table per list (segments, revenue lines, costs, staff, investment…)
    assert len(app.data_editor) >= 7
    app.number_input(key="w:site.surface_m2").set_value(320.0).run()
    assert app.session_state["scenario"].site.surface_m2 == 320.0
    # an uncertain input switched to "min / probable / max" with min above max is refused,
    # the last valid scenario is kept and the key path is shown
    app.number_input(key="w:prices.flex_membership_eur_per_month#min").set_value(500.0).run()
    assert app.session_state["scenario"].site.surface_m2 == 320.0
    assert app.session_state["scenario"].prices.flex_membership_eur_per_month.min == 60
    assert any("prices.flex_membership_eur_per_month" in item.value for item in app.error)


def test_territory_page_shows_impacts_and_the_balance():
    app = start()
    app.radio(key="page").set_value("territory").run()
    assert not app.exception
    assert metric(app, "CO2 évité sur 10 ans").endswith("tCO2e")
    assert metric(app, "Bilan socio-économique actualisé").endswith("€")
    charts = {chart.key for chart in app.get("plotly_chart")}
    assert {"chart:co2_avoided", "chart:socio_economic_balance"} <= charts  # item by item
    assert any("bilan socio-économique actualisé" in c.value for c in app.caption)
    # the page says what the appraisal counts, what it does not, and why (issue 16)
    counted = message("plot.territory.appraisal_counted", "fr")
    assert counted in [block.value for block in app.markdown]


def test_compare_pins_variants_on_common_draws():
    app = start()
    app.radio(key="page").set_value("compare").run()
    app.text_input(key="variant_name").set_value("Base").run()
    app.button(key="pin").click().run()
    app.radio(key="page").set_value("results").run()
    app.slider(key="lever:site.flex_desks").set_value(20).run()
    app.radio(key="page").set_value("compare").run()
    app.text_input(key="variant_name").set_value("20 postes").run()
    app.button(key="pin").click().run()
    assert not app.exception
    table = app.table[0].value
    assert {"Base", "20 postes"} <= set(table.columns)
    assert len(app.get("plotly_chart")) == 2


def test_results_page_offers_the_workbook(app):
    (button,) = [b for b in app.get("download_button") if b.proto.id.endswith("download_workbook")]
    assert button.label == "Télécharger le classeur (Excel)"


def test_results_page_offers_the_pdf_report_when_chromium_is_there(app):
    from tierslieux_sim.faces.report import pdf_available

    buttons = [b for b in app.get("download_button") if b.proto.id.endswith("download_report_pdf")]
    if pdf_available():
        assert [b.label for b in buttons] == ["Télécharger le rapport (PDF)"]
    else:
        assert buttons == []
        assert any("chromium" in caption.value for caption in app.caption)


def test_without_chromium_the_results_page_says_how_to_get_a_pdf(monkeypatch):
    from tierslieux_sim.faces import report

    monkeypatch.setattr(report, "CHROMIUM_PATH", "/nonexistent/chromium")
    monkeypatch.setattr(report.pdf_available, "__defaults__", ("/nonexistent/chromium",))
    app = start()
    assert not [b for b in app.get("download_button") if b.proto.id.endswith("download_report_pdf")]
    assert any("chromium n'est pas installé" in caption.value for caption in app.caption)
