"""tierslieux_sim: Monte Carlo simulator of the business model of a tiers-lieu.

>>> from tierslieux_sim import default_scenario, simulate
>>> results = simulate(default_scenario(), draws=2_000, seed=1)
>>> results.summary()  # doctest: +SKIP

The public names below are loaded on first use, so ``import tierslieux_sim`` stays light
(no engine, analyses, pandas-heavy modules, Plotly or Streamlit until they are needed).
Layers, from the bottom: :mod:`.core`, :mod:`.scenario`, :mod:`.model`, :mod:`.engine`,
:mod:`.analysis`, :mod:`.views`, :mod:`.faces` (see ``docs/architecture.md``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tierslieux_sim import _compat

__version__ = "0.1.0"

#: Public name → module that defines it.
_PUBLIC = {
    "Notice": "tierslieux_sim.core.notices",
    "TiersLieuxWarning": "tierslieux_sim.core.notices",
    "Problem": "tierslieux_sim.scenario.errors",
    "ScenarioError": "tierslieux_sim.scenario.errors",
    "Scenario": "tierslieux_sim.scenario.schema",
    "source_of": "tierslieux_sim.scenario.sources",
    **{name: "tierslieux_sim.scenario.files" for name in (
        "default_scenario", "load_scenario", "parse_scenario_text", "preset_names",
        "preset_scenario", "save_scenario", "scenario_to_toml")},
    "simulate": "tierslieux_sim.engine.pipeline",
    "Results": "tierslieux_sim.engine.results",
    "evaluate": "tierslieux_sim.engine.evaluate",
    "compare": "tierslieux_sim.analysis.compare",
    "sensitivity": "tierslieux_sim.analysis.sensitivity",
    "solve": "tierslieux_sim.analysis.solve",
    "sweep": "tierslieux_sim.analysis.sweep",
    "write_results": "tierslieux_sim.faces.result_files",
}

__all__ = [
    "Notice", "Problem", "Results", "Scenario", "ScenarioError", "TiersLieuxWarning",
    "compare", "default_scenario", "evaluate", "load_scenario", "parse_scenario_text",
    "preset_names", "preset_scenario", "save_scenario", "scenario_to_toml", "sensitivity",
    "simulate", "solve", "source_of", "sweep", "write_results",
]

_compat.install()


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'tierslieux_sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])


if TYPE_CHECKING:  # what type checkers and IDEs see
    from tierslieux_sim.analysis.compare import compare
    from tierslieux_sim.analysis.sensitivity import sensitivity
    from tierslieux_sim.analysis.solve import solve
    from tierslieux_sim.analysis.sweep import sweep
    from tierslieux_sim.core.notices import Notice, TiersLieuxWarning
    from tierslieux_sim.engine.evaluate import evaluate
    from tierslieux_sim.engine.pipeline import simulate
    from tierslieux_sim.engine.results import Results
    from tierslieux_sim.faces.result_files import write_results
    from tierslieux_sim.scenario.errors import Problem, ScenarioError
    from tierslieux_sim.scenario.files import (
        default_scenario,
        load_scenario,
        parse_scenario_text,
        preset_names,
        preset_scenario,
        save_scenario,
        scenario_to_toml,
    )
    from tierslieux_sim.scenario.schema import Scenario
    from tierslieux_sim.scenario.sources import source_of
