"""Decision analysis on top of the engine.

- :func:`sensitivity` (:func:`tornado`, :func:`sobol`): which uncertain inputs drive an output;
- :func:`solve`: "what must be true" — the value of an input that reaches a target;
- :func:`compare`: side-by-side KPIs and differences with confidence intervals;
- :func:`sweep`: grids of variants over one or many scenarios, locally or on Dask;
- :func:`evaluate_inputs` (:mod:`.chosen_inputs`): the model's indicators for inputs the
  caller chooses.

The automatic number of draws (``simulate(draws="auto")``) and the grammar of outputs are
part of the engine (:mod:`tierslieux_sim.engine.auto_draws`,
:mod:`tierslieux_sim.engine.outputs`) and re-exported here. Outputs are named by that
grammar (``balancing_subsidy_p80``, ``autonomy_by_year_5``, ``cash_at_horizon``…); inputs
by their dotted scenario path
(``prices.day_pass_eur``, ``demand.segments[0].adoption_rate``).
"""

from tierslieux_sim.analysis.changes import apply_changes
from tierslieux_sim.analysis.chosen_inputs import evaluate_inputs
from tierslieux_sim.analysis.compare import Comparison, compare
from tierslieux_sim.analysis.sensitivity import (
    SobolIndices,
    Tornado,
    TornadoBar,
    sensitivity,
    sobol,
    tornado,
)
from tierslieux_sim.analysis.solve import SolveResult, Target, parse_target, solve
from tierslieux_sim.analysis.sweep import expand_changes, load_changes, sweep
from tierslieux_sim.engine.auto_draws import convergence_table, simulate_auto
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.engine.outputs import DEFAULT_KPIS, Output, parse_output

__all__ = [
    "DEFAULT_KPIS", "AnalysisError", "Comparison", "Output", "SobolIndices", "SolveResult",
    "Target", "Tornado", "TornadoBar", "apply_changes", "compare", "convergence_table",
    "evaluate_inputs", "expand_changes", "load_changes", "parse_output", "parse_target",
    "sensitivity", "simulate_auto", "sobol", "solve", "sweep", "tornado",
]
