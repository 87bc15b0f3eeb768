"""What the ``tierslieux`` commands check before they start work that needs the engine: a
run that fits in memory, and the most draws ``--draws auto`` may reach. (The parser's own
checks are in :mod:`.arguments`.)"""

from __future__ import annotations

from typing import Any

from tierslieux_sim.core.formatting import format_number
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.constants import BLOCK_DRAWS
from tierslieux_sim.engine.memory import (
    format_bytes,
    max_full_draws,
    run_bytes,
    usable_bytes,
    values_per_draw_and_month,
)
from tierslieux_sim.engine.results import MONTHLY_VARIABLES
from tierslieux_sim.faces.cli.arguments import (
    EXIT_INTERRUPTED,
    CatalogueArgumentParser,
    argparse_in_catalogue_language,
    draws_count,
    draws_or_auto,
    output_problem,
    tolerance_argument,
)


def memory_problem(scenario: Any, draws: int, keep: str) -> str | None:
    """Why a ``keep="full"`` run of ``draws`` draws would not fit in memory (with the
    estimate, the limit and the most draws that fit), or None. Summary runs always fit."""
    if keep != "full":
        return None
    limit = usable_bytes()
    if limit is None:
        return None
    if run_bytes(scenario, draws, "full", values_per_month=_values_upper_bound(scenario)) <= limit:
        return None  # fits even counted high: no need to count exactly (a one-draw run)
    per_month = values_per_draw_and_month(scenario)
    needed = run_bytes(scenario, draws, "full", values_per_month=per_month)
    if needed <= limit:
        return None
    return message("cli.memory_refused", draws=format_number(draws, 0),
                   estimate=format_bytes(needed), limit=format_bytes(limit),
                   max_draws=format_number(max_full_draws(scenario, limit, per_month), 0))


def _values_upper_bound(scenario: Any) -> int:
    """More values per draw and month than a full run keeps: every monthly variable, and two
    per line of every list (the model adds a few lines of its own to each)."""
    lines = (len(scenario.demand.segments) + len(scenario.revenue_lines)
             + len(scenario.costs.fixed_lines) + len(scenario.operating_subsidies)
             + len(scenario.investment.grants) + len(scenario.investment.lines))
    return len(MONTHLY_VARIABLES) + 2 * lines + 64


def auto_draws_cap(scenario: Any, keep: str, default_cap: int) -> int:
    """The most draws ``--draws auto`` may reach: ``default_cap``, lowered to what fits in
    memory in full mode (at least one block)."""
    if keep != "full":
        return default_cap
    limit = usable_bytes()
    if limit is None:
        return default_cap
    fitting = max_full_draws(scenario, limit)
    return max(BLOCK_DRAWS, min(default_cap, fitting // BLOCK_DRAWS * BLOCK_DRAWS))


__all__ = ["EXIT_INTERRUPTED", "CatalogueArgumentParser", "argparse_in_catalogue_language", "auto_draws_cap",
           "draws_count", "draws_or_auto", "memory_problem", "output_problem",
           "tolerance_argument"]
