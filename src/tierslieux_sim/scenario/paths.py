"""Dotted paths of scenario leaves (``demand.segments[0].adoption_rate``) and the plain
parameter tree the model receives.

The engine draws a column of values for every uncertain leaf, keyed by its path, then
:func:`plain_parameters` rebuilds the scenario as nested dicts and lists of plain floats and
numpy arrays: the model never sees pydantic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from .distributions import _Distribution


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
    ``leaf_value(path, distribution)`` (a float or an array of draws)."""

    def convert(node: Any, path: str) -> Any:
        if isinstance(node, _Distribution):
            return leaf_value(path, node)
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
