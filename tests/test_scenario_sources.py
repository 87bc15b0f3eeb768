"""Sources of scenario values: the comments citing them are read into ``meta.sources``, kept
through dashboard edits and written back after each key's label on save."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from tierslieux_sim.scenario.edits import scenario_data, with_probable_value
from tierslieux_sim.scenario.errors import ScenarioError
from tierslieux_sim.scenario.files import (
    default_scenario,
    load_scenario,
    parse_scenario_text,
    preset_names,
    preset_scenario,
    save_scenario,
    scenario_from_dict,
    scenario_to_toml,
)
from tierslieux_sim.scenario.paths import set_path
from tierslieux_sim.scenario.sources import (
    FILE_HEADER,
    SOURCE_WIDTH,
    comment_sources,
    source_lines,
    source_of,
)

ROOT = Path(__file__).resolve().parents[1]

#: The smallest valid scenario, with a ``{site}`` slot for the [site] table's body.
MINIMAL = """\
schema_version = 3

[meta]
name = "Essai"

[site]
{site}

[[demand.segments]]
name = "A"
pool_people = 100
adoption_rate = 0.1
days_per_month = 5
product_mix = {{ day_pass = 1.0 }}

[[demand.segments]]
name = "B"
# Hypothèse : indépendants de la zone.
pool_people = 50
adoption_rate = 0.2
days_per_month = 8
product_mix = {{ day_pass = 1.0 }}

[prices]
day_pass_eur = 10

[[investment.grants]]
name = "DETR"
programme = "detr"
amount_eur = 20000  # Préfecture, notification 2025
"""


def _site(body: str) -> str:
    return MINIMAL.format(site=body)


def _sources(body: str) -> dict[str, str]:
    return parse_scenario_text(_site(body)).meta.sources


# --- reading comments ---------------------------------------------------------------------

def test_comment_lines_above_a_key_become_its_source_joined_with_spaces():
    sources = _sources("surface_m2 = 200\n# Deskmag 2025 : 22 postes\n#   sur ~270 m².\n"
                       "flex_desks = 10")
    assert sources["site.flex_desks"] == "Deskmag 2025 : 22 postes sur ~270 m²."
    assert "site.surface_m2" not in sources


def test_inline_comment_is_a_source_after_the_block():
    sources = _sources("surface_m2 = 200  # plan du bâtiment\n# Étude 2024,\n"
                       "flex_desks = 10 # p. 12")
    assert sources["site.surface_m2"] == "plan du bâtiment"
    assert sources["site.flex_desks"] == "Étude 2024, p. 12"


def test_blank_line_ends_the_comment_block():
    sources = _sources("surface_m2 = 200\n# sans rapport\n\n# Deskmag 2025\nflex_desks = 10\n"
                       "# orphelin\n\ndedicated_desks = 2")
    assert sources["site.flex_desks"] == "Deskmag 2025"
    assert "site.dedicated_desks" not in sources


def test_the_generated_label_line_is_not_a_source():
    # "# Surface (m²)" is what scenario_to_toml writes above surface_m2: a label, no source.
    sources = _sources("# Surface (m²)\nsurface_m2 = 200\n# Surface (m²)\n# Postes nomades (postes)\n"
                       "# Deskmag 2025\nflex_desks = 10")
    assert "site.surface_m2" not in sources
    # Only the key's own label is dropped; another key's label is kept as text.
    assert sources["site.flex_desks"] == "Surface (m²) Deskmag 2025"


def test_the_generated_file_header_is_not_a_source():
    text = "\n".join(f"# {line}" for line in FILE_HEADER) + "\n# Version du format\n" + _site(
        "surface_m2 = 200\nflex_desks = 10")
    assert "schema_version" not in parse_scenario_text(text).meta.sources


def test_comments_above_table_headers_and_after_the_last_key_belong_to_no_key():
    text = _site("surface_m2 = 200\nflex_desks = 10\n# fin du site").replace(
        "[prices]", "# avant la table des prix\n[prices]")
    sources = parse_scenario_text(text).meta.sources
    assert not any("fin du site" in s or "avant la table" in s for s in sources.values())
    assert set(sources) == {"demand.segments[1].pool_people", "investment.grants[0].amount_eur"}


def test_list_items_are_keyed_by_position():
    sources = _sources("surface_m2 = 200\nflex_desks = 10")
    assert sources["demand.segments[1].pool_people"] == "Hypothèse : indépendants de la zone."
    assert sources["investment.grants[0].amount_eur"] == "Préfecture, notification 2025"
    assert "demand.segments[0].pool_people" not in sources


def test_a_key_holding_an_inline_table_is_one_leaf():
    text = _site("surface_m2 = 200\nflex_desks = 10\n# DARES 2024\n"
                 "peak_to_mean_ratio = { dist = \"pert\", min = 1.3, mode = 1.6, max = 2.0 }")
    scenario = parse_scenario_text(text)
    assert scenario.meta.sources["site.peak_to_mean_ratio"] == "DARES 2024"
    assert source_of(scenario, "site.peak_to_mean_ratio.mode") == "DARES 2024"


def test_a_hand_written_sub_table_in_a_list_item_is_keyed_by_its_inline_key():
    # Saved files write product_mix inline: its sources move to that one key.
    text = _site("surface_m2 = 200\nflex_desks = 10").replace(
        'days_per_month = 5\nproduct_mix = { day_pass = 1.0 }',
        'days_per_month = 5\n\n[demand.segments.product_mix]\n# Enquête 2024\nday_pass = 1.0')
    scenario = parse_scenario_text(text)
    assert scenario.meta.sources["demand.segments[0].product_mix"] == "Enquête 2024"
    assert parse_scenario_text(scenario_to_toml(scenario)) == scenario


def test_comment_sources_of_unreadable_text_is_empty():
    assert comment_sources("a = [") == {}


def test_comments_change_no_error_message():
    bad = _site("surface_m2 = -5\nflex_desks = 10")
    commented = _site("# Deskmag 2025\nsurface_m2 = -5  # plan\nflex_desks = 10")
    reports = []
    for text in (bad, commented):
        with pytest.raises(ScenarioError) as caught:
            parse_scenario_text(text, "essai.toml")
        reports.append(caught.value.report("fr"))
    assert reports[0] == reports[1] and "site.surface_m2" in reports[0]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_text("# source\nschema_version = 3\nname = \n", "s.toml")
    problem = caught.value.problems[0]
    assert (problem.code, problem.line) == ("toml_syntax", 3)


# --- explicit [meta.sources] ----------------------------------------------------------------

def test_an_explicit_meta_sources_table_loads_and_wins_over_comments():
    text = _site("# Deskmag 2025\nsurface_m2 = 200\n# commentaire\nflex_desks = 10").replace(
        'name = "Essai"\n',
        'name = "Essai"\n\n[meta.sources]\n"site.flex_desks" = "Table explicite"\n'
        '"site.dedicated_desks" = "Défaut du schéma, voir la notice"\n')
    scenario = parse_scenario_text(text)
    assert scenario.meta.sources["site.surface_m2"] == "Deskmag 2025"
    assert scenario.meta.sources["site.flex_desks"] == "Table explicite"
    # dedicated_desks is written on save (its default), so its source is kept
    assert scenario.meta.sources["site.dedicated_desks"] == "Défaut du schéma, voir la notice"
    saved = scenario_to_toml(scenario)
    assert "[meta.sources]" not in saved
    assert "sources" not in tomllib.loads(saved)["meta"]
    assert parse_scenario_text(saved) == scenario


def test_sources_of_paths_of_no_value_are_dropped_on_validation():
    data = scenario_data(default_scenario())
    data["meta"]["sources"] = {"site.nowhere": "x", "staff[7].fte": "y",
                               "site.surface_m2": "  deux\n lignes  "}
    scenario = scenario_from_dict(data)
    assert scenario.meta.sources == {"site.surface_m2": "deux lignes"}


# --- writing ---------------------------------------------------------------------------------

def test_a_source_is_written_after_the_label_and_before_the_key():
    lines = scenario_to_toml(default_scenario()).splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("peak_to_mean_ratio = "))
    block = []
    start = index
    while lines[start - 1].startswith("# "):
        start -= 1
        block.insert(0, lines[start])
    assert block[0] == "# Rapport pic / moyenne de fréquentation"
    assert len(block) >= 2 and "DARES" in " ".join(block[1:])


def test_long_sources_are_wrapped_and_read_back_unchanged():
    text = ("Hypothèse : " + "une source très longue, citée avec son éditeur et son année ; " * 6
            + "https://example.org/" + "x" * 120 + " (consulté en 2025).")
    lines = source_lines(text)
    assert len(lines) > 3
    assert all(len(f"# {line}") <= SOURCE_WIDTH for line in lines if " " in line)
    assert not any(line.startswith((":", ";")) for line in lines)  # French punctuation kept
    assert " ".join(lines) == text
    data = scenario_data(default_scenario())
    data["meta"]["sources"]["site.flex_desks"] = text
    scenario = scenario_from_dict(data)
    assert parse_scenario_text(scenario_to_toml(scenario)).meta.sources["site.flex_desks"] == text


@pytest.mark.parametrize("name", preset_names())
def test_every_shipped_scenario_round_trips_with_its_sources(name: str, tmp_path: Path):
    scenario = preset_scenario(name)
    assert len(scenario.meta.sources) >= 10, "shipped scenarios cite their sources"
    text = scenario_to_toml(scenario)
    again = parse_scenario_text(text)
    assert again == scenario
    assert again.meta.sources == scenario.meta.sources
    assert load_scenario(save_scenario(scenario, tmp_path / "s.toml")) == scenario
    assert scenario_to_toml(again) == text


def test_default_scenario_sources_are_those_of_the_original_file():
    original = (ROOT / "scenarios" / "default.toml").read_text("utf-8")
    scenario = default_scenario()
    assert scenario.meta.sources == comment_sources(original)
    ratio = source_of(scenario, "site.peak_to_mean_ratio")
    assert "DARES" in ratio and ratio.startswith("Hypothèse : les télétravailleurs")
    assert "\n" not in ratio and "#" not in ratio
    assert "Deskmag 2025" in source_of(scenario, "site.surface_m2")
    assert "OFCE" in source_of(scenario, "demand.segments[0].pool_people")
    assert source_of(scenario, "site.flex_desks") == ""
    assert source_of(scenario, "demand.segments[7].pool_people") == ""


# --- edits --------------------------------------------------------------------------------

def test_a_source_survives_an_edit_and_a_save(tmp_path: Path):
    scenario = default_scenario()
    data = scenario_data(scenario)
    path = "site.peak_to_mean_ratio"
    set_path(data, path, with_probable_value(scenario.site.peak_to_mean_ratio, 1.8, 1, 5))
    edited = scenario_from_dict(data, "tableau de bord")
    assert edited.site.peak_to_mean_ratio.mode == pytest.approx(1.8)
    assert source_of(edited, path) == source_of(scenario, path)
    loaded = load_scenario(save_scenario(edited, tmp_path / "edité.toml"))
    assert loaded == edited
    assert "DARES" in source_of(loaded, path)


def test_the_source_of_a_removed_row_is_dropped_on_save():
    scenario = default_scenario()
    assert source_of(scenario, "demand.segments[2].pool_people")
    # As the dashboard does: the table loses its last row, the data keeps its sources.
    data = scenario_data(scenario)
    del data["demand"]["segments"][2]
    assert "demand.segments[2].pool_people" in data["meta"]["sources"]
    edited = scenario_from_dict(data)
    assert source_of(edited, "demand.segments[2].pool_people") == ""
    # A scenario copied without validation still saves: the stale source is not written.
    stale = scenario.model_copy(update={"demand": edited.demand})
    assert "demand.segments[2].pool_people" in stale.meta.sources
    loaded = parse_scenario_text(scenario_to_toml(stale))
    assert "demand.segments[2].pool_people" not in loaded.meta.sources
    assert source_of(loaded, "demand.segments[1].pool_people") == source_of(
        scenario, "demand.segments[1].pool_people")
    assert loaded == edited


# --- dashboard ----------------------------------------------------------------------------

def test_the_assumptions_page_has_no_editor_for_the_sources():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.run()
    app.radio(key="page").set_value("inputs").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    keys = [widget.key for widget in (*app.text_input, *app.text_area) if widget.key]
    assert "w:meta.name" in keys
    assert not any(key.startswith("w:meta.sources") for key in keys)
    app.number_input(key="w:site.surface_m2").set_value(320.0).run()
    scenario = app.session_state["scenario"]
    assert scenario.site.surface_m2 == 320.0
    assert scenario.meta.sources == default_scenario().meta.sources


@pytest.mark.parametrize("name", preset_names())
def test_shipped_files_cite_no_source_above_a_table_header(name):
    """A comment above a ``[table]`` header belongs to no value and would be lost on save:
    shipped files put every source above the value it supports."""
    lines = (resources.files("tierslieux_sim.data.scenarios") / f"{name}.toml").read_text(
        "utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=1):
        if line.startswith("[") and lines[number - 1].startswith("#"):
            pytest.fail(f"{name}.toml:{number + 1}: comment above {line}")


def test_every_uncertain_input_of_the_default_cites_a_source_or_says_hypothesis():
    from tierslieux_sim.scenario.paths import uncertain_leaves

    scenario = default_scenario()
    missing = [path for path in uncertain_leaves(scenario) if not source_of(scenario, path)]
    assert missing == []


def _segments_and_sources():
    data = scenario_data(default_scenario())
    return data["demand"]["segments"], data["meta"]["sources"]


def test_sources_follow_rows_removed_or_reordered():
    from tierslieux_sim.scenario.sources import sources_after_list_edit

    segments, sources = _segments_and_sources()
    second = sources["demand.segments[1].pool_people"]
    third = sources["demand.segments[2].pool_people"]
    removed = sources_after_list_edit(sources, "demand.segments", segments, segments[1:])
    assert removed["demand.segments[0].pool_people"] == second
    assert removed["demand.segments[1].pool_people"] == third
    assert "demand.segments[2].pool_people" not in removed
    assert removed["site.peak_to_mean_ratio"] == sources["site.peak_to_mean_ratio"]
    reordered = sources_after_list_edit(sources, "demand.segments", segments,
                                        [segments[2], segments[0], segments[1]])
    assert reordered["demand.segments[0].pool_people"] == third
    assert reordered["demand.segments[2].pool_people"] == second
    # the edited data validates, with each source on its row
    data = scenario_data(default_scenario())
    data["demand"]["segments"] = segments[1:]
    data["meta"]["sources"] = removed
    edited = scenario_from_dict(data)
    assert source_of(edited, "demand.segments[0].pool_people") == second


def test_renamed_or_unnamed_rows_keep_their_sources():
    from tierslieux_sim.scenario.sources import sources_after_list_edit

    segments, sources = _segments_and_sources()
    renamed = [dict(segments[0], name="Salariés en télétravail"), *segments[1:]]
    kept = sources_after_list_edit(sources, "demand.segments", segments, renamed)
    assert kept == sources
    unchanged = sources_after_list_edit(sources, "demand.segments", segments, segments)
    assert unchanged == sources
    correlations = [{"a": "x", "b": "y", "rho": 0.5}]
    with_correlation = {"correlations[0].a": "Hypothèse"}
    assert sources_after_list_edit(with_correlation, "correlations", correlations,
                                   correlations) == with_correlation
    assert sources_after_list_edit(with_correlation, "correlations", correlations, []) == {}
