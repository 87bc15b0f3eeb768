"""Run the model on input values chosen by the caller (Sobol' designs, tornado swings,
scatter plots, solve): the engine's *evaluate* step, called directly.

``inputs`` name every random input by path: an uncertain leaf holds its value, an award
(``operating_subsidies[1].award``) the uniform that decides it (awarded where below the
probability of award), exactly as the engine's own draws do. ``draw_inputs`` gives the
engine's own draws for a seed, so ``evaluate_inputs(scenario, draw_inputs(scenario, n,
seed))`` equals ``simulate(scenario, n, seed).indicators`` exactly; a test checks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from tierslieux_sim.engine.evaluate import evaluate
from tierslieux_sim.engine.inputs import plan_inputs, sample
from tierslieux_sim.scenario.labels import AWARD_SUFFIX
from tierslieux_sim.scenario.paths import uncertain_leaves
from tierslieux_sim.scenario.schema import Scenario

#: Rows evaluated at once: about the fastest chunk size of the engine on this model.
BATCH_ROWS = 2048


def award_inputs(scenario: Scenario) -> dict[str, float]:
    """Grants and subsidies whose award is uncertain (0 < probability < 1): their award
    path (``operating_subsidies[1].award``) → probability of award."""
    awards = {}
    groups: tuple[tuple[str, list[Any]], ...] = (
        ("investment.grants", list(scenario.investment.grants)),
        ("operating_subsidies", list(scenario.operating_subsidies)))
    for prefix, items in groups:
        for index, item in enumerate(items):
            if 0 < item.award_probability < 1:
                awards[f"{prefix}[{index}]{AWARD_SUFFIX}"] = item.award_probability
    return awards


def central_inputs(scenario: Scenario) -> dict[str, float]:
    """Every random input at its central value (as in the engine's central case): uncertain
    leaves at their median; award uniforms at 0.5 (awarded when more likely than not)."""
    values = {path: law.median() for path, law in uncertain_leaves(scenario).items()}
    values.update({path: 0.5 for path in plan_inputs(scenario).award_paths})
    return values


def draw_inputs(scenario: Scenario, draws: int, seed: int, sampling: str = "random"
                ) -> pd.DataFrame:
    """The engine's draws of every random input for ``seed``: one column per uncertain leaf
    (its value) and per award (its uniform: awarded when below the probability of award)."""
    values = sample(plan_inputs(scenario), seed, 0, draws, sampling)
    table = pd.DataFrame(values)
    table.index.name = "draw"
    return table


def evaluate_inputs(scenario: Scenario, inputs: Mapping[str, Any] | pd.DataFrame,
                    batch_rows: int = BATCH_ROWS) -> pd.DataFrame:
    """Per-draw indicators of the model for the given input rows.

    ``inputs``: a table (or mapping of equal-length columns) with one column per random
    input; a column left out holds the input at its central value. Leaf columns hold values,
    award columns (``….award``) uniforms: awarded where below the probability of award.
    Returns :attr:`Results.indicators` for those rows (index 0 … n − 1).
    """
    table = pd.DataFrame(inputs) if not isinstance(inputs, pd.DataFrame) else inputs
    n_rows = len(table)
    central = central_inputs(scenario)
    unknown = set(table.columns) - set(central)
    if unknown:
        raise KeyError(f"not random inputs of this scenario: {sorted(unknown)}")
    columns = {path: (table[path].to_numpy(dtype=float) if path in table
                      else np.full(n_rows, value)) for path, value in central.items()}
    pieces = []
    for start in range(0, n_rows, batch_rows):
        stop = min(start + batch_rows, n_rows)
        _accounts, indicators = evaluate(scenario, {path: column[start:stop]
                                                    for path, column in columns.items()})
        pieces.append(pd.DataFrame(indicators))
    table = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]
    table.index.name = "draw"
    return table
