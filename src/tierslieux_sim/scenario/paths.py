"""Dotted paths of scenario leaves (``demand.segments[0].adoption_rate``) and the plain
parameter tree the model receives.

The engine draws a column of values for every uncertain leaf, keyed by its path, then
:func:`plain_parameters` rebuilds the scenario as nested dicts and lists of plain floats and
numpy arrays: the model never sees pydantic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from tierslieux_sim.scenario.distributions import _Distribution
from tierslieux_sim.scenario.schedules import PlainSchedule, is_schedule

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def path_parts(path: str) -> list[str | int]:
    """``demand.segments[0].adoption_rate`` → ``['demand', 'segments', 0, 'adoption_rate']``."""
    return [name if name else int(index) for name, index in _PATH_PART.findall(path)]


def get_path(node: Any, path: str, default: Any = None) -> Any:
    """The value at ``path`` in plain data (dicts and lists) or in a scenario (models);
    ``default`` where the path does not exist."""
    for part in path_parts(path):
        try:
            node = getattr(node, str(part)) if isinstance(node, BaseModel) else node[part]
        except (AttributeError, KeyError, IndexError, TypeError):
            return default
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set (or, with ``value=None``, remove) the value at ``path`` in plain data, creating
    tables on the way."""
    parts = path_parts(path)
    node: Any = data
    for part in parts[:-1]:
        node = node[part] if isinstance(part, int) else node.setdefault(part, {})
    last = parts[-1]
    if value is None:
        if isinstance(node, dict):
            node.pop(last, None)
    else:
        node[last] = value


def join_path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def _walk(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, _Distribution):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name), join_path(path, name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, join_path(path, index))


def uncertain_leaves(scenario: BaseModel) -> dict[str, _Distribution]:
    """Every distribution in the scenario, by path, in schema order."""
    return dict(_walk(scenario, ""))


def plain_parameters(
    scenario: BaseModel, leaf_value: Callable[[str, _Distribution], Any]
) -> dict[str, Any]:
    """The scenario as plain nested dicts/lists; each distribution replaced by
    ``leaf_value(path, distribution)`` (a float or an array of draws) and each schedule by a
    :class:`~.schedules.PlainSchedule` (the engine makes it an array by month)."""

    def convert(node: Any, path: str) -> Any:
        if isinstance(node, _Distribution):
            return leaf_value(path, node)
        if is_schedule(node):  # dated steps: resolved to an array by month by the engine
            return PlainSchedule(
                tuple(step.from_month for step in node),
                tuple(convert(step.value, join_path(join_path(path, index), "value"))
                      for index, step in enumerate(node)))
        if isinstance(node, BaseModel):
            return {name: convert(getattr(node, name), join_path(path, name))
                    for name in type(node).model_fields}
        if isinstance(node, list):
            return [convert(item, join_path(path, index)) for index, item in enumerate(node)]
        return node

    return convert(scenario, "")


def values_by_path(samples: Mapping[str, Any]) -> Callable[[str, _Distribution], Any]:
    """A ``leaf_value`` for :func:`plain_parameters` reading draws from ``samples``."""
    return lambda path, _distribution: samples[path]


def item_label(item: Any, index: int) -> str:
    """How a list item is named in random-stream keys: its ``name`` (or ``role``), else its
    position."""
    for attribute in ("name", "role"):
        label = getattr(item, attribute, None)
        if isinstance(label, str):
            return label
    return str(index)


def stream_keys(scenario: BaseModel) -> dict[str, str]:
    """For each uncertain leaf path, the key of its random stream: the path with list
    positions replaced by item names (``revenue_lines[Formations].annual_amount_eur``), so
    inserting, removing or reordering items does not change the draws of the others."""
    keys: dict[str, str] = {}

    def walk(node: Any, path: str, key: str) -> None:
        if isinstance(node, _Distribution):
            keys[path] = key
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name), join_path(path, name), join_path(key, name))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, join_path(path, index), f"{key}[{item_label(item, index)}]")

    walk(scenario, "", "")
    return keys
