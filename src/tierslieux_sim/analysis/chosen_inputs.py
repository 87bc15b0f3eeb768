"""Run the model on input values chosen by the caller (Sobol' designs, tornado swings,
scatter plots), through :func:`~tierslieux_sim.simulate` itself.

The analyses need the model's per-draw indicators for *given* values of the uncertain inputs,
not for the engine's own draws. Rather than re-implementing the engine's inner run (which
other features extend), :func:`evaluate_inputs` hands the engine a copy of the scenario whose
uncertain leaves are *replay* laws: their inverse CDF returns the caller's column of values
whatever the uniforms, and their median the central value. Awards become amounts: the
engine's award decision is pinned to "awarded" and the grant's or subsidy's amount (or rate)
is multiplied by the caller's award column, which gives the same accounts. The copy is built
with ``model_copy`` (no validation: replay laws are not schema laws) and never leaves this
module.

``draw_inputs`` gives the engine's own draws for a seed (the columns ``simulate`` used), so
``evaluate_inputs(scenario, draw_inputs(scenario, n, seed))`` equals
``simulate(scenario, n, seed).indicators`` exactly; a test checks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from ..engine import draw_input_values, plan_inputs, simulate
from ..scenario.distributions import _Distribution
from ..scenario.paths import get_path, path_parts, uncertain_leaves
from ..scenario.schema import Scenario
from .labels import AWARD_SUFFIX

#: Rows simulated at once: about the fastest chunk size of the engine on this model.
BATCH_ROWS = 2048


class _Replay(_Distribution):
    """A stand-in law whose draws are given: ``ppf`` returns ``values``, ``median`` the
    central value. Built with ``model_construct`` only."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    dist: str = "replay"
    values: Any = None
    central: float = 0.0

    def ppf(self, uniforms: np.ndarray) -> np.ndarray:
        if len(uniforms) != len(self.values):
            raise RuntimeError("replay laws are evaluated in a single chunk")
        return self.values

    def median(self) -> float:
        return self.central

    def support(self) -> tuple[float, float]:
        return float(np.min(self.values)), float(np.max(self.values))


def _replaced(node: Any, parts: list[str | int], value: Any) -> Any:
    """A copy of ``node`` with ``value`` at ``parts`` (models copied, not validated)."""
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if isinstance(node, BaseModel):
        return node.model_copy(update={str(head): _replaced(getattr(node, str(head)), rest,
                                                            value)})
    items = list(node)
    items[head] = _replaced(items[head], rest, value)  # type: ignore[index]
    return items


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


def _amount_field(item: Any) -> str:
    if hasattr(item, "amount_eur_per_year"):
        return "amount_eur_per_year"
    return "amount_eur" if item.amount_eur is not None else "rate_of_eligible_cost"


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
    values = draw_input_values(plan_inputs(scenario), seed, 0, draws, sampling)
    table = pd.DataFrame(values)
    table.index.name = "draw"
    return table


def _replay_scenario(scenario: Scenario, columns: Mapping[str, np.ndarray],
                     central: Mapping[str, float]) -> Scenario:
    replay = scenario.model_copy(update={"correlations": []})
    for path in uncertain_leaves(scenario):
        law = _Replay.model_construct(values=np.asarray(columns[path], dtype=float),
                                      central=central[path])
        replay = _replaced(replay, path_parts(path), law)
    for award_path in plan_inputs(scenario).award_paths:
        item_path = award_path.removesuffix(AWARD_SUFFIX)
        item: Any = get_path(scenario, item_path)
        awarded = (np.asarray(columns[award_path]) < item.award_probability).astype(float)
        central_awarded = float(central[award_path] < item.award_probability)
        amount_path = f"{item_path}.{_amount_field(item)}"
        if amount_path in columns:  # an uncertain amount: its column and its median
            amount, central_amount = np.asarray(columns[amount_path]), central[amount_path]
        else:
            central_amount = float(getattr(item, _amount_field(item)))
            amount = np.full(awarded.shape, central_amount)
        law = _Replay.model_construct(values=amount.astype(float) * awarded,
                                      central=central_amount * central_awarded)
        replay = _replaced(replay, path_parts(amount_path), law)
        replay = _replaced(replay, path_parts(f"{item_path}.award_probability"), 1.0)
    return replay


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
        batch = {path: column[start:stop] for path, column in columns.items()}
        replay = _replay_scenario(scenario, batch, central)
        results = simulate(replay, draws=stop - start, seed=0, chunk_draws=stop - start,
                           keep="summary")
        pieces.append(results.indicators)
    indicators = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]
    indicators.index.name = "draw"
    return indicators
