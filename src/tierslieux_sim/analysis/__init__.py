"""Decision analysis on top of the engine.

- :func:`sensitivity` (:func:`tornado`, :func:`sobol`): which uncertain inputs drive an output;
- :func:`solve`: "what must be true" — the value of an input that reaches a target;
- :func:`compare`: side-by-side KPIs and differences with confidence intervals;
- :func:`sweep`: grids of variants over one or many scenarios, locally or on Dask;
- :func:`simulate_auto` (``simulate(draws="auto")``): as many draws as the headline
  statistics need.

Outputs are named by the grammar of :mod:`.outputs` (``balancing_subsidy_p80``,
``autonomy_by_year_5``, ``cash_at_horizon``…); inputs by their dotted scenario path
(``prices.day_pass_eur``, ``demand.segments[0].adoption_rate``).
"""

from .auto_draws import convergence_table, simulate_auto
from .compare import Comparison, compare
from .edits import apply_changes
from .errors import AnalysisError
from .outputs import DEFAULT_KPIS, Output, parse_output
from .sensitivity import SobolIndices, Tornado, TornadoBar, sensitivity, sobol, tornado
from .solve import SolveResult, Target, parse_target, solve
from .sweep import expand_changes, load_changes, sweep

__all__ = [
    "DEFAULT_KPIS", "AnalysisError", "Comparison", "Output", "SobolIndices", "SolveResult",
    "Target", "Tornado", "TornadoBar", "apply_changes", "compare", "convergence_table",
    "expand_changes", "load_changes", "parse_output", "parse_target", "sensitivity",
    "simulate_auto", "sobol", "solve", "sweep", "tornado",
]
