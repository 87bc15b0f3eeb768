"""The engine: ``sample`` (:mod:`.inputs`) → ``evaluate`` (:mod:`.evaluate`) → ``collect``
(:mod:`.collect`) → :class:`~.results.Results`, composed by :func:`~.pipeline.simulate`.

Its public names load on first use, so that :mod:`.constants` is read without loading the
engine."""

from __future__ import annotations

import importlib
from typing import Any

#: Public name → its module. (``evaluate`` is also a module's name here: import the function
#: from :mod:`.evaluate` or as ``tierslieux_sim.evaluate``.)
_PUBLIC = {"InputPlan": "inputs", "plan_inputs": "inputs", "sample": "inputs",
           "simulate": "pipeline", "Results": "results"}

__all__ = ["InputPlan", "Results", "plan_inputs", "sample", "simulate"]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_PUBLIC[name]}"), name)
    globals()[name] = value
    return value
