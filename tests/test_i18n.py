"""The message catalogue and the language switch (French by default, English on request)."""

from __future__ import annotations

import contextlib
import re
import string

import pytest

from tierslieux_sim.core import i18n
from tierslieux_sim.core.i18n import (
    LANGUAGES,
    current_language,
    has_message,
    message,
    message_ids,
    set_language,
)
from tierslieux_sim.scenario.errors import Problem, ScenarioError
from tierslieux_sim.scenario.files import parse_scenario_text


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def _sample_values(template: str) -> dict[str, str]:
    return {name: f"<{name}>" for name in _placeholders(template)}


ALL_IDS = message_ids()
VALIDATION_IDS = [m for m in ALL_IDS if m.startswith("validation.")]


def test_catalogue_is_not_empty():
    assert len(VALIDATION_IDS) > 20
    assert "where.line_column" in ALL_IDS
    assert all(has_message(m) for m in ALL_IDS)
    assert not has_message("validation.no_such_message")


@pytest.mark.parametrize("message_id", ALL_IDS)
def test_every_message_has_french_and_english_with_the_same_placeholders(message_id):
    entry = i18n._catalogue()[message_id]
    assert set(entry) == set(LANGUAGES), f"{message_id}: languages {sorted(entry)}"
    assert entry["fr"].strip() and entry["en"].strip()
    assert _placeholders(entry["fr"]) == _placeholders(entry["en"]), message_id
    for name in _placeholders(entry["fr"]):
        assert name.isidentifier(), f"{message_id}: placeholder {{{name}}}"


@pytest.mark.parametrize("message_id", ALL_IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_formats_with_its_placeholders(message_id, language):
    template = i18n._catalogue()[message_id][language]
    values = _sample_values(template)
    text = message(message_id, language, **values)
    for value in values.values():
        assert value in text
    with pytest.raises(KeyError) if values else contextlib.nullcontext():
        message(message_id, language)  # a missing value is a KeyError, not silent


@pytest.mark.parametrize("message_id", VALIDATION_IDS)
def test_every_validation_problem_describes_itself_in_both_languages(message_id):
    """A Problem carries at least ``found`` and ``detail`` (added for every pydantic error) and
    the placeholders of its message: it formats in French and English without KeyError."""
    code = message_id.removeprefix("validation.")
    template = i18n._catalogue()[message_id]["fr"]
    context = {"found": "<found>", "detail": "<detail>", **_sample_values(template)}
    problem = Problem("site.surface_m2", code, context)
    french, english = problem.describe("fr"), problem.describe("en")
    assert french == message(message_id, "fr", **context)
    assert english == message(message_id, "en", **context)
    assert french != english


# --- the language switch --------------------------------------------------------------------

def test_french_is_the_default():
    assert current_language() == "fr"
    assert message("validation.missing") == "clé obligatoire absente"


def test_environment_variable_switches_to_english(monkeypatch):
    monkeypatch.setenv("TIERSLIEUX_LANG", "en")
    assert current_language() == "en"
    assert message("validation.missing") == "required key is missing"


@pytest.mark.parametrize(("value", "language"), [
    ("en", "en"), ("EN", "en"), ("en_GB.UTF-8", "en"), (" en ", "en"), ("fr", "fr"),
    ("fr_FR", "fr"), ("de", "fr"), ("", "fr"),
])
def test_environment_variable_values(monkeypatch, value, language):
    monkeypatch.setenv("TIERSLIEUX_LANG", value)
    assert current_language() == language


def test_set_language_overrides_the_environment(monkeypatch):
    monkeypatch.setenv("TIERSLIEUX_LANG", "en")
    set_language("fr")
    assert current_language() == "fr"
    set_language(None)
    assert current_language() == "en"  # back to the environment
    monkeypatch.delenv("TIERSLIEUX_LANG")
    assert current_language() == "fr"
    set_language("en")
    assert message("validation.missing") == "required key is missing"


def test_explicit_language_argument_wins():
    set_language("en")
    assert message("validation.missing", "fr") == "clé obligatoire absente"
    assert message("where.line_column", "fr", line=3, column=7) == "ligne 3, colonne 7"
    assert message("where.line_column", line=3, column=7) == "line 3, column 7"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language must be one of"):
        set_language("de")
    assert current_language() == "fr"


def test_scenario_error_follows_the_language(monkeypatch):
    text = "schema_version = 4\n"
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_text(text, "s.toml")
    assert "version plus récente" in str(caught.value)
    monkeypatch.setenv("TIERSLIEUX_LANG", "en")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_text(text, "s.toml")
    assert "newer version" in str(caught.value)
    assert "version plus récente" in caught.value.report("fr")


# --- units -------------------------------------------------------------------------------

#: Units that read the same in French and English (no catalogue entry needed).
SAME_IN_BOTH = {"m²", "€", "€/h", "€/km", "kgCO2e/km", "coefficient"}


def _schema_units() -> set[str]:
    import typing

    from pydantic import BaseModel

    from tierslieux_sim.scenario.fields import field_meta
    from tierslieux_sim.scenario.schema import Scenario

    units: set[str] = set()
    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            meta = field_meta(model, name)
            if meta and meta.unit:
                units.add(meta.unit)
            stack = [info.annotation]
            while stack:
                annotation = stack.pop()
                if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                    walk(annotation)
                stack.extend(typing.get_args(annotation))

    walk(Scenario)
    return units


def test_every_schema_unit_reads_in_english():
    from tierslieux_sim.core.i18n import has_message
    from tierslieux_sim.scenario.fields import unit_text

    units = _schema_units()
    assert {"jours/mois", "€ HT/mois", "part", "ETP"} <= units
    for unit in units:
        if unit in SAME_IN_BOTH:
            assert not has_message(f"unit.{unit}")
            continue
        assert has_message(f"unit.{unit}"), unit
        assert unit_text(unit, "fr") == unit  # French: the schema's unit itself
        english = unit_text(unit, "en")
        assert english != unit, unit
        assert not re.search(r"\b(jours?|mois|ans?|HT)\b", english), english
    assert unit_text("jours/mois", "en") == "days/month"
    assert unit_text("", "en") == ""


def test_values_and_labels_show_english_units(default):
    from tierslieux_sim.faces.dashboard.widgets import label_with_unit
    from tierslieux_sim.scenario.fields import field_meta
    from tierslieux_sim.scenario.labels import format_value
    from tierslieux_sim.scenario.schema import Site

    assert format_value(6.0, "jours/mois", "en") == "6 days/month"
    assert format_value(6.0, "jours/mois", "fr") == "6\u00a0jours/mois"
    meta = field_meta(Site, "open_days_per_month")
    assert label_with_unit(meta, "en").endswith("(days/month)")
    assert label_with_unit(meta, "fr").endswith("(jours/mois)")
