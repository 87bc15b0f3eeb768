"""tierslieux_sim: Monte Carlo simulator of the business model of a tiers-lieu.

>>> from tierslieux_sim import default_scenario, simulate
>>> results = simulate(default_scenario(), draws=2_000, seed=1)
>>> results.summary()  # doctest: +SKIP
"""

from .analysis import compare, sensitivity, solve, sweep
from .engine import simulate
from .notices import Notice, TiersLieuxWarning
from .results import Results
from .scenario.errors import Problem, ScenarioError
from .scenario.files import (
    default_scenario,
    load_scenario,
    parse_scenario_text,
    preset_names,
    preset_scenario,
    save_scenario,
    scenario_to_toml,
)
from .scenario.schema import Scenario
from .scenario.sources import source_of

__version__ = "0.1.0"

__all__ = [
    "Notice", "Problem", "Results", "Scenario", "ScenarioError", "TiersLieuxWarning",
    "compare", "default_scenario", "load_scenario", "parse_scenario_text", "preset_names",
    "preset_scenario", "save_scenario", "scenario_to_toml", "sensitivity", "simulate", "solve",
    "source_of", "sweep",
]
