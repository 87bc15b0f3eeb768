"""The message catalogue and the language switch (French by default, English on request)."""

from __future__ import annotations

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


# The catalogue checks loop over every message and report every bad one at once (one test
# per check, not one per message: the catalogue holds over a thousand messages).

def _report(problems: list[str], what: str) -> str:
    return f"{len(problems)} {what}:\n" + "\n".join(f"  - {p}" for p in problems)


def _every_problem(check, message_ids, *arguments) -> list[str]:
    """The problems ``check`` finds in each message; an exception it raises (an unreadable
    template, a language missing) is one more problem of that message, not the end of the
    loop."""
    problems = []
    for message_id in message_ids:
        try:
            problems += check(message_id, *arguments)
        except Exception as error:  # noqa: BLE001 - reported with the others
            problems.append(f"{message_id} {list(arguments)}: {type(error).__name__}: {error}")
    return problems


def _language_problems(message_id: str) -> list[str]:
    """What is wrong with one message's languages and placeholders (nothing: ``[]``)."""
    entry = i18n._catalogue()[message_id]
    if set(entry) != set(LANGUAGES):
        return [f"{message_id}: languages {sorted(entry)}, expected {sorted(LANGUAGES)}"]
    problems = [f"{message_id}: {language} text is empty" for language in LANGUAGES
                if not str(entry[language]).strip()]
    french, english = _placeholders(entry["fr"]), _placeholders(entry["en"])
    if french != english:
        problems.append(f"{message_id}: placeholders fr {sorted(french)} ≠ en {sorted(english)}")
    problems += [f"{message_id}: placeholder {{{name}}} is not an identifier"
                 for name in sorted(french) if not name.isidentifier()]
    return problems


def test_every_message_has_french_and_english_with_the_same_placeholders():
    problems = _every_problem(_language_problems, ALL_IDS)
    assert not problems, _report(problems, "messages without both languages or with "
                                           "different placeholders")


def _formatting_problems(message_id: str, language: str) -> list[str]:
    """Whether a message formats with its placeholders (each value appears in the text) and
    refuses to format without them (a missing value is a KeyError, not silent)."""
    template = i18n._catalogue()[message_id][language]
    values = _sample_values(template)
    try:
        text = message(message_id, language, **values)
    except Exception as error:  # noqa: BLE001 - reported with the others
        return [f"{message_id} [{language}]: {type(error).__name__}: {error}"]
    problems = [f"{message_id} [{language}]: {value} missing from {text!r}"
                for value in values.values() if value not in text]
    try:
        message(message_id, language)
    except KeyError:
        if not values:
            problems.append(f"{message_id} [{language}]: KeyError without placeholders")
    except Exception as error:  # noqa: BLE001
        problems.append(f"{message_id} [{language}]: {type(error).__name__} without its "
                        "values (expected KeyError)")
    else:
        if values:
            problems.append(f"{message_id} [{language}]: formats without its values "
                            f"{sorted(values)} (expected KeyError)")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_formats_with_its_placeholders(language):
    problems = _every_problem(_formatting_problems, ALL_IDS, language)
    assert not problems, _report(problems, f"messages that do not format in {language}")


def _validation_problems(message_id: str) -> list[str]:
    """A Problem carries at least ``found`` and ``detail`` (added for every pydantic error)
    and the placeholders of its message: it formats in French and English without
    KeyError, as the catalogue's text, different in each language."""
    code = message_id.removeprefix("validation.")
    template = i18n._catalogue()[message_id]["fr"]
    context = {"found": "<found>", "detail": "<detail>", **_sample_values(template)}
    problem = Problem("site.surface_m2", code, context)
    try:
        french, english = problem.describe("fr"), problem.describe("en")
    except Exception as error:  # noqa: BLE001 - reported with the others
        return [f"{message_id}: describe() raised {type(error).__name__}: {error}"]
    problems = [f"{message_id} [{language}]: describe() gives {text!r}, the catalogue "
                f"{message(message_id, language, **context)!r}"
                for language, text in (("fr", french), ("en", english))
                if text != message(message_id, language, **context)]
    if french == english:
        problems.append(f"{message_id}: the same text in French and English: {french!r}")
    return problems


def test_every_validation_problem_describes_itself_in_both_languages():
    problems = _every_problem(_validation_problems, VALIDATION_IDS)
    assert not problems, _report(problems, "validation problems that do not describe "
                                           "themselves")


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
