"""Step 1 of the pipeline, *sample*: what a scenario draws (its uncertain leaves, the award
of each grant and subsidy, their correlations) and the keyed values of those inputs for a
range of draws. Same seed, same draws whatever the chunking (:mod:`.sampling`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tierslieux_sim.core.notices import Notice, emit
from tierslieux_sim.engine.sampling import (
    correlate_uniforms,
    is_valid_correlation,
    nearest_correlation_matrix,
    normal_correlation_from_rank,
    uniforms_for_inputs,
)
from tierslieux_sim.scenario.distributions import _Distribution
from tierslieux_sim.scenario.labels import AWARD_SUFFIX
from tierslieux_sim.scenario.paths import item_label, stream_keys
from tierslieux_sim.scenario.paths import uncertain_leaves as find_uncertain_leaves
from tierslieux_sim.scenario.schema import Scenario

#: Input values by path: each a ``(draws,)`` array (uncertain leaves: their value; awards:
#: the uniform deciding the award, granted when below the probability of award).
Inputs = dict[str, np.ndarray]


@dataclass(frozen=True)
class InputPlan:
    """What must be drawn for a scenario: uncertain leaves, award draws, correlations."""

    leaves: dict[str, _Distribution]
    award_paths: tuple[str, ...]
    stream_keys: dict[str, str]
    correlated_paths: tuple[str, ...] = ()
    normal_correlation: np.ndarray | None = None
    notices: tuple[Notice, ...] = field(default=())

    @property
    def random_paths(self) -> tuple[str, ...]:
        """Every path that consumes a column of uniforms, in a stable order."""
        return (*self.leaves, *self.award_paths)


def plan_inputs(scenario: Scenario) -> InputPlan:
    """List the scenario's random inputs and build (and repair) its correlation matrix."""
    leaves = find_uncertain_leaves(scenario)
    keys = stream_keys(scenario)
    awarded_items: list[tuple[str, list[Any]]] = [
        ("investment.grants", list(scenario.investment.grants)),
        ("operating_subsidies", list(scenario.operating_subsidies))]
    for list_path, items in awarded_items:
        for index, item in enumerate(items):
            keys[f"{list_path}[{index}]{AWARD_SUFFIX}"] = (
                f"{list_path}[{item_label(item, index)}]{AWARD_SUFFIX}")
    award_paths = tuple(path for path in keys if path.endswith(AWARD_SUFFIX))
    if not scenario.correlations:
        return InputPlan(leaves, award_paths, keys)
    correlated = tuple(sorted({path for c in scenario.correlations for path in (c.a, c.b)}))
    position = {path: i for i, path in enumerate(correlated)}
    rank_matrix = np.eye(len(correlated))
    for c in scenario.correlations:
        i, j = position[c.a], position[c.b]
        rank_matrix[i, j] = rank_matrix[j, i] = c.rank_correlation
    normal = normal_correlation_from_rank(rank_matrix)
    notices: tuple[Notice, ...] = ()
    if not is_valid_correlation(normal):
        repaired = nearest_correlation_matrix(normal)
        largest_change = float(np.abs(repaired - normal).max())
        notices = (emit(Notice("correlation_repaired", {"max_change": f"{largest_change:.3f}"},
                               "correlations")),)
        normal = repaired
    return InputPlan(leaves, award_paths, keys, correlated, normal, notices)


def sample(plan: InputPlan, seed: int, start: int, stop: int, sampling: str
                      ) -> dict[str, np.ndarray]:
    """Values of every uncertain leaf and award uniform for draws ``start … stop − 1``."""
    by_key = uniforms_for_inputs(seed, [plan.stream_keys[path] for path in plan.random_paths],
                                 start, stop, sampling)
    uniforms = {path: by_key[plan.stream_keys[path]] for path in plan.random_paths}
    if plan.correlated_paths:
        assert plan.normal_correlation is not None
        columns = np.column_stack([uniforms[path] for path in plan.correlated_paths])
        correlated = correlate_uniforms(columns, plan.normal_correlation)
        for column, path in enumerate(plan.correlated_paths):
            uniforms[path] = correlated[:, column]
    values = {path: distribution.ppf(uniforms[path]) for path, distribution in plan.leaves.items()}
    values.update({path: uniforms[path] for path in plan.award_paths})
    return values


def central_input_values(plan: InputPlan) -> dict[str, np.ndarray]:
    """Median of every input (awards: granted when more likely than not)."""
    values = {path: np.array([distribution.median()])
              for path, distribution in plan.leaves.items()}
    values.update({path: np.array([0.5]) for path in plan.award_paths})
    return values



#: Former name of :func:`sample` (kept: analyses and tests use it).
draw_input_values = sample
