"""Sources of scenario values, kept as TOML comments through load, edit and save.

A scenario file cites the source of a value in the comment lines directly above its key::

    # Hypothèse : les télétravailleurs viennent 1 à 2 jours par semaine, souvent les mêmes
    # (DARES, 5 nov. 2024 : forme dominante 1–2 jours/semaine).
    peak_to_mean_ratio = { dist = "pert", min = 1.3, mode = 1.6, max = 2.0 }

In memory the sources are ``Scenario.meta.sources``: a ``dict[str, str]`` from the dotted
path of a key (as in :mod:`.paths`: ``site.peak_to_mean_ratio``,
``demand.segments[1].pool_people``, ``investment.grants[0].amount_eur``) to one line of text.
A key holding an inline table (a distribution, a segment's ``product_mix``) or an array
(``seasonality``) is one leaf: its source is keyed by the key's path.

Reading rules (:func:`comment_sources`), kept simple on purpose:

* the source of a key is the block of comment lines directly above it (a blank line, another
  key or a table header ends the block), then its trailing comment (``key = 1  # source``);
  each line loses its ``#`` and surrounding spaces, lines are joined with one space;
* comments above a ``[table]`` or ``[[array]]`` header, after the last key of a table, or
  inside a multi-line array belong to no key and are not read;
* lines equal to the label comment :func:`scenario_to_toml` writes for that key (``Surface
  (m²)``) or to the file header it writes are dropped, so a saved file read back does not
  turn labels into sources.

Writing (``scenario_to_toml``): the source follows the key's label comment, wrapped into
comment lines of at most :data:`SOURCE_WIDTH` characters; ``meta.sources`` is never written
as a table (the comments are the storage). A ``[meta.sources]`` table in a hand-written file
is read too, and wins over a comment for the same path.

List items are keyed by position; when the dashboard removes, inserts or reorders rows,
:func:`sources_after_list_edit` moves each row's sources with it (by name), and a path that
no longer exists is dropped on validation and on save.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from typing import Any

import tomlkit
from pydantic import BaseModel
from tomlkit.items import AoT, Comment, Table

from tierslieux_sim.scenario.distributions import _Distribution
from tierslieux_sim.scenario.fields import field_meta
from tierslieux_sim.scenario.paths import get_path, join_path, path_parts
from tierslieux_sim.scenario.schedules import is_schedule
from tierslieux_sim.scenario.schema import Meta, Scenario, tidy_source

#: Widest comment line written for a source (``# `` included).
SOURCE_WIDTH = 95

#: The header comment lines :func:`.files.scenario_to_toml` writes at the top of a file
#: (without ``# ``); never read as a source.
FILE_HEADER = (
    "Scénario tierslieux_sim — chaque clé est précédée de son libellé et de son unité.",
    "Un nombre peut être remplacé par une loi, ex. "
    "{ dist = \"pert\", min = 8, mode = 12, max = 20 }.",
)

_SOURCES_PATH = "meta.sources"
_MISSING = object()
#: Punctuation a French text puts after a space; a line does not start with it.
_PUNCTUATION_AFTER = ":;!?»"
_ASCII_SPACES = " \t"


def source_of(scenario: Scenario, path: str) -> str:
    """The source text of the value at ``path`` (dotted path, e.g.
    ``"demand.segments[0].pool_people"``); ``""`` when the value cites none.

    A path below a leaf (``site.peak_to_mean_ratio.min``) gives the source of that leaf.
    """
    sources = scenario.meta.sources
    parts = path_parts(path)
    for end in range(len(parts), 0, -1):
        text = sources.get(_joined(parts[:end]))
        if text:
            return text
    return ""


def _item_name(item: Any) -> str | None:
    """The ``name`` (or ``role``) of a list item given as plain data."""
    if not isinstance(item, dict):
        return None
    for key in ("name", "role"):
        if isinstance(item.get(key), str):
            return item[key]
    return None


def sources_after_list_edit(sources: dict[str, str], list_path: str, before: list[Any],
                            after: list[Any]) -> dict[str, str]:
    """``sources`` once the list at ``list_path`` went from ``before`` to ``after`` (plain
    data, as the dashboard's tables edit it): each item's sources follow it by its name (or
    role) when rows are removed, inserted or reordered; an item renamed in place keeps its
    sources, and so does an unnamed item (correlations) at its position; a removed item's
    sources are dropped. Other paths are unchanged."""
    after_names = [_item_name(item) for item in after]
    before_names = {_item_name(item) for item in before}
    free = set(range(len(after)))
    moved: dict[int, int] = {}
    for index, item in enumerate(before):  # first by name
        name = _item_name(item)
        match = next((j for j in sorted(free) if name is not None and after_names[j] == name),
                     None)
        if match is not None:
            moved[index] = match
            free.discard(match)
    for index in range(len(before)):  # then by position: unnamed, or renamed in place
        if index not in moved and index in free and (after_names[index] is None
                                                     or after_names[index] not in before_names):
            moved[index] = index
            free.discard(index)
    prefix = re.compile(rf"^{re.escape(list_path)}\[(\d+)\](.*)$")
    result: dict[str, str] = {}
    for path, text in sources.items():
        found = prefix.match(path)
        if found is None:
            result[path] = text
        elif int(found.group(1)) in moved:
            result[f"{list_path}[{moved[int(found.group(1))]}]{found.group(2)}"] = text
    return result


# --- the layout of a written file -----------------------------------------------------------

def label_comment(model: type[BaseModel], name: str) -> str | None:
    """The label comment written before key ``name`` of ``model`` (``"Surface (m²)"``, the
    French label and unit), or None for a field without metadata."""
    meta = field_meta(model, name)
    if meta is None:
        return None
    return f"{meta.label_fr} ({meta.unit})" if meta.unit else meta.label_fr


def written_entries(model: BaseModel, top_level: bool) -> Iterator[tuple[str, Any, str]]:
    """How a scenario file lays out ``model``: ``(field name, value, kind)`` in writing
    order, ``kind`` being ``"key"`` (a ``key = value`` line: a leaf, a distribution, an
    array of numbers, or a section nested in an array item, written inline), ``"table"`` (a
    sub-section, for ``top_level`` models) or ``"array"`` (a list of sections, ``[[…]]``).

    Keys come first (TOML puts every key of a table before its sub-tables); absent (None)
    values and ``meta.sources`` (written as comments) are left out.
    """
    deferred: list[tuple[str, Any, str]] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if value is None or (isinstance(model, Meta) and name == "sources"):
            continue
        is_section = isinstance(value, BaseModel) and not isinstance(value, _Distribution)
        is_list_of_sections = (isinstance(value, list) and bool(value)
                               and isinstance(value[0], BaseModel)
                               and not isinstance(value[0], _Distribution)
                               and not is_schedule(value))  # dated steps: one key, inline
        if top_level and is_section:
            deferred.append((name, value, "table"))
        elif is_list_of_sections:
            deferred.append((name, value, "array"))
        else:
            yield name, value, "key"
    yield from deferred


def written_leaves(scenario: Scenario) -> set[str]:
    """Paths of every key a saved file holds: the paths a source can be attached to."""
    leaves: set[str] = set()

    def walk(model: BaseModel, path: str, top_level: bool) -> None:
        for name, value, kind in written_entries(model, top_level):
            child = join_path(path, name)
            if kind == "key":
                leaves.add(child)
            elif kind == "table":
                walk(value, child, top_level=True)
            else:
                for index, item in enumerate(value):
                    walk(item, join_path(child, index), top_level=False)

    walk(scenario, "", top_level=True)
    return leaves


def source_lines(text: str) -> list[str]:
    """A source as comment lines (without ``# ``), wrapped at :data:`SOURCE_WIDTH` columns;
    joining them with spaces gives back the (tidied) text."""
    text = tidy_source(text)
    if not text:
        return []
    chunks: list[str] = []  # words, French punctuation kept with its word: "(…) : suite"
    for word in text.split(" "):
        if chunks and (word.strip(_PUNCTUATION_AFTER) == "" or chunks[-1] == "«"):
            chunks[-1] = f"{chunks[-1]} {word}"
        else:
            chunks.append(word)
    lines = [chunks[0]]
    for chunk in chunks[1:]:
        if len(lines[-1]) + 1 + len(chunk) <= SOURCE_WIDTH - 2:
            lines[-1] = f"{lines[-1]} {chunk}"
        else:  # a chunk longer than the width (a long address) gets a line of its own
            lines.append(chunk)
    return lines


def canonical_sources(scenario: Scenario) -> dict[str, str]:
    """``scenario.meta.sources`` keyed by the paths of written keys: a path below a key
    (``demand.segments[0].product_mix.day_pass``, from a hand-written sub-table) moves to that
    key, texts landing on the same key are joined with a space in order, and paths of no
    value of the scenario (a removed row, a typo) are dropped."""
    sources = scenario.meta.sources
    if not sources:
        return {}
    leaves = written_leaves(scenario)
    kept: dict[str, str] = {}
    for path, text in sources.items():
        if get_path(scenario, path, _MISSING) is _MISSING:
            continue
        parts = path_parts(path)
        target = next((candidate for end in range(len(parts), 0, -1)
                       if (candidate := _joined(parts[:end])) in leaves), None)
        if target is not None:
            kept[target] = f"{kept[target]} {text}" if target in kept else text
    return kept


# --- reading comments ------------------------------------------------------------------------

def comment_sources(text: str) -> dict[str, str]:
    """The sources written as comments in scenario TOML ``text``, by key path (see the module
    docstring for the rules). Returns ``{}`` when :mod:`tomlkit` cannot read the text (the
    strict :mod:`tomllib` reading reports syntax errors, not this function)."""
    try:
        document = tomlkit.parse(text)
    except Exception:  # noqa: BLE001 - tomlkit's errors are not all ParseError
        return {}
    found: dict[str, list[str]] = {}
    _collect(document.body, "", [], found, {})
    sources = {}
    for path, lines in found.items():
        source = tidy_source(" ".join(line for line in lines if line))
        if source:
            sources[path] = source
    return sources


def normal_path(path: str) -> str:
    """``path`` as :mod:`.paths` writes it (``demand.segments[0].name``)."""
    return _joined(path_parts(path))


def _joined(parts: list[str | int]) -> str:
    path = ""
    for part in parts:
        path = join_path(path, part)
    return path


def _comment_line(comment: str) -> str:
    """``"#  DARES 2024 "`` → ``"DARES 2024"`` (one ``#`` and ASCII spaces removed)."""
    return comment.removeprefix("#").strip(_ASCII_SPACES)


def _collect(body: list[tuple[Any, Any]], prefix: str, carried: list[str],
             found: dict[str, list[str]], counters: dict[str, int]) -> None:
    """Walk a tomlkit container body, recording each key's comment lines in ``found``.

    ``carried``: comment lines above a dotted key (``a.b = 1`` is a table in tomlkit), passed
    to the key inside; ``counters``: items seen so far of each array of tables, so an array
    split by other tables keeps counting positions.
    """
    pending = list(carried)
    for key, item in body:
        if key is None:
            if isinstance(item, Comment):
                pending.append(_comment_line(item.trivia.comment))
            else:  # whitespace: a blank line ends the block
                pending = []
            continue
        path = join_path(prefix, key.key)
        if isinstance(item, AoT):
            for table in item.body:
                index = counters.get(path, 0)
                counters[path] = index + 1
                _collect(table.value.body, join_path(path, index), [], found, counters)
        elif isinstance(item, Table):
            if path != _SOURCES_PATH:
                _collect(item.value.body, path, pending if key.is_dotted() else [], found,
                         counters)
        else:
            dropped = {*FILE_HEADER, _label_of(path)}
            lines = [line for line in pending if line not in dropped]
            trailing = item.trivia.comment
            if trailing:
                lines.append(_comment_line(trailing))
            if lines:
                found.setdefault(path, []).extend(lines)
        pending = []


def _section_model(annotation: Any) -> type[BaseModel] | None:
    """The section model in ``Site``, ``list[Segment]`` or ``Site | None``, else None."""
    origin = typing.get_origin(annotation)
    if origin is list:
        return _section_model(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _section_model(args[0]) if len(args) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and not issubclass(
            annotation, _Distribution):
        return annotation
    return None


def _label_of(path: str) -> str | None:
    """The label comment written before the key at ``path`` (found from the schema)."""
    model: type[BaseModel] | None = Scenario
    parts = path_parts(path)
    if not parts or isinstance(parts[-1], int):
        return None  # an item of an array has no key of its own
    names = [part for part in parts if isinstance(part, str)]
    for position, name in enumerate(names):
        if model is None or name not in model.model_fields:
            return None
        if position == len(names) - 1:
            return label_comment(model, name)
        model = _section_model(model.model_fields[name].annotation)
    return None


__all__ = ["FILE_HEADER", "SOURCE_WIDTH", "canonical_sources", "comment_sources",
           "label_comment", "normal_path", "source_lines", "source_of", "written_entries", "written_leaves"]
