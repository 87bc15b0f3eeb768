"""Scenario files: strict TOML loading with precise errors, commented TOML writing.

``load_scenario`` reads with :mod:`tomllib`; ``save_scenario`` writes with :mod:`tomlkit`,
each key preceded by a comment giving its French label and unit, so a saved file explains
itself. ``schema_version`` is written and checked; older versions are migrated on load.

The sources of values are comments too: reading collects the comment lines above each key
into ``meta.sources`` and writing puts them back after the label (see :mod:`.sources`).
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import BaseModel, ValidationError
from tomlkit.items import Table

from tierslieux_sim.core.notices import Notice, emit
from tierslieux_sim.core.safe_text import clean
from tierslieux_sim.scenario.distributions import _Distribution
from tierslieux_sim.scenario.errors import Problem, ScenarioError, _shown, problems_from_validation_error
from tierslieux_sim.scenario.limits import decode, parse_toml, read_text
from tierslieux_sim.scenario.paths import get_path, join_path
from tierslieux_sim.scenario.schema import PROGRAMMES, SCHEMA_VERSION, Scenario
from tierslieux_sim.scenario.sources import (
    FILE_HEADER,
    canonical_sources,
    comment_sources,
    label_comment,
    normal_path,
    source_lines,
    written_entries,
)

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


def _migrate_2_to_3(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 → 3: the premises belong to the collectivity when it owns the investment,
    else to a private landlord; the management mode is left absent (it follows from the
    operator's legal form). A notice says so."""
    migrated = copy.deepcopy(data)
    structure = migrated.setdefault("structure", {})
    if isinstance(structure, dict):
        owner = structure.get("owner_type", "local_authority")
        structure.setdefault("premises_owner",
                             "collectivity" if owner == "local_authority" else "third_party")
    emit(Notice("scenario_converted", {"found": data.get("schema_version"), "expected": 3}))
    migrated["schema_version"] = 3
    return migrated


#: Migrations from an old ``schema_version`` to the next one.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _migrate_1_to_2,
                                                                      2: _migrate_2_to_3}

#: Largest text whose comments are read as sources (ten times a shipped scenario): reading
#: comments takes a full :mod:`tomlkit` parse, about 10 s for a 1 MB file of small tables,
#: so a larger file (within :data:`.limits.MAX_FILE_BYTES`) loads without comment sources.
SOURCES_MAX_CHARACTERS = 200_000


def parse_scenario_text(text: str, source: str = "<texte>") -> Scenario:
    """Validate a scenario given as TOML text; raise :class:`ScenarioError` with every problem.

    The text is refused before parsing when it is larger than
    :data:`.limits.MAX_FILE_BYTES` or nests deeper than :data:`.limits.MAX_NESTING_DEPTH`
    (see :mod:`.limits`). The comments citing sources above keys become ``meta.sources``
    (see :mod:`.sources`; in texts up to :data:`SOURCES_MAX_CHARACTERS`).
    """
    data = parse_toml(text, source)
    if len(text) <= SOURCES_MAX_CHARACTERS:  # bounded time: tomlkit reads ~3 ms per kB
        _add_comment_sources(data, text)
    return scenario_from_dict(data, source)


def parse_scenario_bytes(raw: bytes, source: str = "<fichier>") -> Scenario:
    """Validate a scenario given as the bytes of a file (an upload): the size limit is
    checked before decoding, and a file that is not UTF-8 is a :class:`ScenarioError`."""
    return parse_scenario_text(decode(raw, source), source)


_MISSING = object()


def _add_comment_sources(data: dict[str, Any], text: str) -> None:
    """Merge the sources written as comments in ``text`` into ``data["meta"]["sources"]``
    (an explicit ``[meta.sources]`` entry wins). Nothing is added where it could change what
    validation reports: no ``[meta]`` table, or ``meta.sources`` that is not a table."""
    meta = data.get("meta")
    if not isinstance(meta, dict):
        return
    explicit = meta.get("sources", {})
    if not isinstance(explicit, dict):
        return
    found = {path: source for path, source in comment_sources(text).items()
             if get_path(data, path, _MISSING) is not _MISSING}  # as tomllib read the file
    if not found:
        return
    explicit_paths = {normal_path(path) for path in explicit if isinstance(path, str)}
    meta["sources"] = {**{path: text for path, text in found.items()
                          if path not in explicit_paths}, **explicit}


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
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(source, problems_from_validation_error(error)) from None
    return _with_canonical_sources(scenario)


def _with_canonical_sources(scenario: Scenario) -> Scenario:
    """``scenario`` with its sources keyed by written keys only (see
    :func:`.sources.canonical_sources`): a source of a removed row is dropped here."""
    sources = canonical_sources(scenario)
    if sources == scenario.meta.sources:
        return scenario
    meta = scenario.meta.model_copy(update={"sources": sources})
    return scenario.model_copy(update={"meta": meta})


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` on any problem.

    At most :data:`.limits.MAX_FILE_BYTES` (+1) bytes are read, so a huge file, a folder or a
    device such as ``/dev/zero`` is refused at once (see :func:`.limits.read_text`)."""
    source = clean(path)
    return parse_scenario_text(read_text(path, source), source)


# --- writing -----------------------------------------------------------------------------

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
    if isinstance(value, list) and value and isinstance(value[0], BaseModel):
        array = tomlkit.array()  # inline tables in one array (a plain list would be [[…]])
        array.extend(_value(item) for item in value)
        return array
    if isinstance(value, list):
        return [_value(item) for item in value]
    return value


def _fill_table(table: Table | Any, model: BaseModel, top_level: bool, path: str,
                sources: dict[str, str]) -> None:
    """Add ``model`` (at ``path`` in the scenario) to ``table`` as
    :func:`.sources.written_entries` lays it out: plain keys (each after its label comment,
    then its source's comment lines) first, then sub-tables and arrays of tables. TOML puts
    every key of a table before its sub-tables (tomlkit moves them, but not their comments),
    and a section nested in an array item (a segment's ``product_mix``) is written inline."""
    for name, value, kind in written_entries(model, top_level):
        child = join_path(path, name)
        if kind == "key":
            comment = label_comment(type(model), name)
            if comment:
                table.add(tomlkit.comment(comment))
            for line in source_lines(sources.get(child, "")):
                table.add(tomlkit.comment(line))
            table.add(name, _value(value))
        elif kind == "table":
            sub_table = tomlkit.table()
            _fill_table(sub_table, value, True, child, sources)
            table.add(name, sub_table)
        else:
            array = tomlkit.aot()
            for index, item in enumerate(value):
                item_table = tomlkit.table()
                _fill_table(item_table, item, False, join_path(child, index), sources)
                array.append(item_table)
            table.add(name, array)


def scenario_to_toml(scenario: Scenario) -> str:
    """The scenario as commented TOML text (also its canonical form, e.g. for caching).

    Each key's source (``meta.sources``) is written as comment lines after its label;
    ``meta.sources`` itself is not written as a table, and a source whose path matches no
    written key (e.g. of a removed row) is dropped.
    """
    document = tomlkit.document()
    for line in FILE_HEADER:
        document.add(tomlkit.comment(line))
    _fill_table(document, scenario, True, "", canonical_sources(scenario))
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


__all__ = ["default_scenario", "load_scenario", "parse_scenario_bytes", "parse_scenario_text",
           "preset_names", "preset_scenario", "save_scenario", "scenario_from_dict",
           "scenario_to_toml"]
