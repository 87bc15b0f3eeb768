"""Scenario files: strict TOML loading with precise errors, commented TOML writing.

``load_scenario`` reads with :mod:`tomllib`; ``save_scenario`` writes with :mod:`tomlkit`,
each key preceded by a comment giving its French label and unit, so a saved file explains
itself. ``schema_version`` is written and checked; older versions are migrated on load.
"""

from __future__ import annotations

import copy
import re
import tomllib
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import BaseModel, ValidationError
from tomlkit.items import Table

from .distributions import _Distribution
from .errors import Problem, ScenarioError, _shown, problems_from_validation_error
from .fields import field_meta
from .schema import PROGRAMMES, SCHEMA_VERSION, Scenario

#: How version-1 programme texts (free text) read as version-2 programme codes.
_PROGRAMME_ALIASES = {
    "fabrique": "fabrique_de_territoire", "fabriques_de_territoire": "fabrique_de_territoire",
    "feader": "leader", "leader_feader": "leader", "cc": "epci", "communaute_de_communes": "epci",
    "intercommunalite": "epci", "ville": "commune", "conseil_departemental": "departement",
    "conseil_regional": "region",
}


def _programme_code(text: Any) -> str:
    """A version-1 programme text as a code: ``"Région"`` → ``region``; unknown → ``other``."""
    if not isinstance(text, str):
        return text  # left to validation, which reports the wrong type
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    code = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")
    code = _PROGRAMME_ALIASES.get(code, code)
    return code if code in PROGRAMMES else "other"


def _migrate_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 → 2: programmes of grants and subsidies become codes (new fields have
    neutral defaults, so nothing else changes)."""
    migrated = copy.deepcopy(data)
    items = [*migrated.get("investment", {}).get("grants", []),
             *migrated.get("operating_subsidies", [])]
    for item in items:
        if isinstance(item, dict) and "programme" in item:
            item["programme"] = _programme_code(item["programme"])
    migrated["schema_version"] = 2
    return migrated


#: Migrations from an old ``schema_version`` to the next one.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _migrate_1_to_2}

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def parse_scenario_text(text: str, source: str = "<texte>") -> Scenario:
    """Validate a scenario given as TOML text; raise :class:`ScenarioError` with every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        detail = str(error)
        position = _TOML_POSITION.search(detail)
        line = column = None
        if position:
            line, column = int(position.group(1)), int(position.group(2))
            detail = detail[: position.start()]
        problem = Problem("", "toml_syntax", {"detail": detail}, line, column)
        raise ScenarioError(source, [problem]) from None
    return scenario_from_dict(data, source)


def scenario_from_dict(data: dict[str, Any], source: str = "<données>") -> Scenario:
    """Validate plain data (as read from TOML), migrating old schema versions."""
    if "schema_version" not in data:
        raise ScenarioError(source, [Problem("schema_version", "schema_version_missing",
                                             {"expected": SCHEMA_VERSION})])
    version = data["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool):
        raise ScenarioError(source, [Problem("schema_version", "schema_version_unknown",
                                             {"expected": SCHEMA_VERSION,
                                              "found": _shown(version)})])
    if version > SCHEMA_VERSION:
        raise ScenarioError(source, [Problem("schema_version", "schema_version_newer",
                                             {"expected": SCHEMA_VERSION, "found": version})])
    while version < SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise ScenarioError(source, [Problem("schema_version", "schema_version_unknown",
                                                 {"expected": SCHEMA_VERSION, "found": version})])
        data = MIGRATIONS[version](data)
        version = data["schema_version"]
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(source, problems_from_validation_error(error)) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` on any problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except (OSError, ValueError) as error:  # ValueError: e.g. a NUL byte in the path
        detail = getattr(error, "strerror", None) or str(error)
        raise ScenarioError(str(path), [Problem("", "file_unreadable",
                                                {"detail": detail})]) from None
    try:
        text = raw.decode("utf-8-sig")  # -sig: a BOM (some Windows editors add one) is dropped
    except UnicodeDecodeError:
        raise ScenarioError(str(path), [Problem("", "file_encoding", {})]) from None
    return parse_scenario_text(text, str(path))


# --- writing -----------------------------------------------------------------------------

def _label_comment(model: type[BaseModel], name: str) -> str | None:
    meta = field_meta(model, name)
    if meta is None:
        return None
    return f"{meta.label_fr} ({meta.unit})" if meta.unit else meta.label_fr


def _value(value: Any) -> Any:
    """A leaf or small model as a TOML value (distributions and small models inline)."""
    if isinstance(value, BaseModel):
        inline = tomlkit.inline_table()
        dumped = value.model_dump(by_alias=True, exclude_none=True,
                                  exclude_defaults=isinstance(value, _Distribution))
        if isinstance(value, _Distribution):
            dumped = {"dist": value.dist, **dumped}  # type: ignore[attr-defined]
        inline.update(dumped)
        return inline
    if isinstance(value, list):
        return [_value(item) for item in value]
    return value


def _fill_table(table: Table | Any, model: BaseModel, top_level: bool) -> None:
    """Add ``model``'s fields to ``table``: plain keys (each after its label comment) first,
    then sub-tables and arrays of tables. TOML puts every key of a table before its
    sub-tables (tomlkit moves them, but not their comments), and a section nested in an
    array item (a segment's ``product_mix``) is written inline."""
    deferred: list[tuple[str, Any]] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if value is None:
            continue
        is_section = isinstance(value, BaseModel) and not isinstance(value, _Distribution)
        is_list_of_sections = (isinstance(value, list) and value
                               and isinstance(value[0], BaseModel)
                               and not isinstance(value[0], _Distribution))
        if (top_level and is_section) or is_list_of_sections:
            deferred.append((name, value))
            continue
        comment = _label_comment(type(model), name)
        if comment:
            table.add(tomlkit.comment(comment))
        table.add(name, _value(value))
    for name, value in deferred:
        if isinstance(value, BaseModel):
            sub_table = tomlkit.table()
            _fill_table(sub_table, value, top_level=True)
            table.add(name, sub_table)
        else:
            array = tomlkit.aot()
            for item in value:
                item_table = tomlkit.table()
                _fill_table(item_table, item, top_level=False)
                array.append(item_table)
            table.add(name, array)


def scenario_to_toml(scenario: Scenario) -> str:
    """The scenario as commented TOML text (also its canonical form, e.g. for caching)."""
    document = tomlkit.document()
    document.add(tomlkit.comment(
        "Scénario tierslieux_sim — chaque clé est précédée de son libellé et de son unité."))
    document.add(tomlkit.comment(
        "Un nombre peut être remplacé par une loi, ex. { dist = \"pert\", min = 8, mode = 12, max = 20 }."))
    _fill_table(document, scenario, top_level=True)
    return tomlkit.dumps(document)


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write ``scenario`` to ``path`` as commented TOML; return the path."""
    path = Path(path)
    path.write_text(scenario_to_toml(scenario), encoding="utf-8")
    return path


# --- embedded scenarios --------------------------------------------------------------------

def _scenario_files() -> Any:
    return resources.files("tierslieux_sim.data").joinpath("scenarios")


def preset_names() -> list[str]:
    """Names (file stems) of the scenario files shipped with the package."""
    return sorted(entry.name.removesuffix(".toml") for entry in _scenario_files().iterdir()
                  if entry.name.endswith(".toml"))


@cache
def preset_scenario(name: str) -> Scenario:
    """A scenario shipped with the package, by name (see :func:`preset_names`)."""
    resource = _scenario_files().joinpath(f"{name}.toml")
    if not resource.is_file():
        raise ScenarioError(name, [Problem("", "preset_unknown",
                                           {"found": name, "expected": ", ".join(preset_names())})])
    return parse_scenario_text(resource.read_text("utf-8"), f"{name}.toml")


def default_scenario() -> Scenario:
    """The scenario embedded in the package, used when no file is given."""
    return preset_scenario("default")


__all__ = ["default_scenario", "load_scenario", "parse_scenario_text",
           "preset_names", "preset_scenario", "save_scenario", "scenario_from_dict",
           "scenario_to_toml"]
