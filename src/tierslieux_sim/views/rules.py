"""The funding rules' outcome as a table (one row per rule)."""

from __future__ import annotations

import pandas as pd

from tierslieux_sim.engine.results import Results


def rule_table(results: Results) -> pd.DataFrame:
    """One row per funding rule: whether it applies, its status (``respected``,
    ``broken``, ``not_applicable``), the share of draws breaking it, the checked quantity
    in the central case and its least favourable value, and the limit."""
    return pd.DataFrame([{
        "rule": check.code, "status": check.status, "broken_share": check.broken_share,
        "central_value": check.central_value, "worst_value": check.worst_value,
        "limit": check.limit, "unit": check.unit, "path": check.path}
        for check in results.rule_checks]).set_index("rule")
