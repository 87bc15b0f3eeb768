"""Side-by-side KPIs of scenario variants and their differences, on common random numbers.

Every variant is simulated with the same seed and number of draws, so draw ``i`` of each
variant shares the values of every input the variants have in common (streams are keyed by
input path): the difference of a KPI between two variants is estimated *draw by draw*, and
its confidence interval is much narrower than what two independent runs would give.

Confidence intervals of a difference (vs the reference, the first variant by default):
- mean or probability: the mean of the paired per-draw differences ± z × their standard
  error;
- percentile: a paired percentile bootstrap (the same resampled draws for both variants,
  seeded from the run's seed, so the table is reproducible);
- central case: exact (one deterministic number per variant).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from tierslieux_sim.core.i18n import current_language, message
from tierslieux_sim.engine.constants import DEFAULT_COMPARE_DRAWS
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.engine.outputs import Output, default_kpis, parse_output
from tierslieux_sim.engine.pipeline import simulate
from tierslieux_sim.engine.results import Results
from tierslieux_sim.scenario.files import load_scenario
from tierslieux_sim.scenario.schema import Scenario

DEFAULT_RESAMPLES = 500
_BOOTSTRAP_BLOCK = 50

ScenarioLike = Scenario | str | Path


def _load(item: ScenarioLike) -> Scenario:
    return item if isinstance(item, Scenario) else load_scenario(item)


def variant_names(items: Sequence[ScenarioLike], scenarios: Sequence[Scenario]) -> list[str]:
    """Names of variants: a file's name without ``.toml``, else the scenario's name; repeated
    names get `` (2)``, `` (3)``…"""
    names: list[str] = []
    for item, scenario in zip(items, scenarios, strict=True):
        base = Path(item).stem if not isinstance(item, Scenario) else scenario.meta.name
        name, count = base, 1
        while name in names:
            count += 1
            name = f"{base} ({count})"
        names.append(name)
    return names


def _scenarios(scenarios: Sequence[ScenarioLike] | Mapping[str, ScenarioLike]
               ) -> tuple[list[str], list[Scenario]]:
    if isinstance(scenarios, Mapping):
        names = [str(name) for name in scenarios]
        loaded = [_load(item) for item in scenarios.values()]
    else:
        items = list(scenarios)
        loaded = [_load(item) for item in items]
        names = variant_names(items, loaded)
    if len(loaded) < 2:
        raise AnalysisError("compare_needs_two")
    return names, loaded


def _paired_interval(output: Output, reference: np.ndarray, variant: np.ndarray,
                     level: float, rng: np.random.Generator, n_resamples: int
                     ) -> tuple[float, float]:
    """Confidence interval of ``statistic(variant) − statistic(reference)`` on paired draws."""
    if output.quantile is None:  # mean or probability: mean of paired differences
        differences = variant - reference
        z = float(stats.norm.ppf(0.5 + level / 2))
        centre = float(np.mean(differences))
        spread = float(np.std(differences, ddof=1) / np.sqrt(differences.size))
        return centre - z * spread, centre + z * spread
    method: Any = "inverted_cdf" if output.indicator == "autonomy_month" else "linear"
    n, boot = reference.size, []
    for start in range(0, n_resamples, _BOOTSTRAP_BLOCK):
        rows = rng.integers(0, n, (min(_BOOTSTRAP_BLOCK, n_resamples - start), n))
        boot.append(np.quantile(variant[rows], output.quantile, axis=1, method=method)
                    - np.quantile(reference[rows], output.quantile, axis=1, method=method))
    differences = np.concatenate(boot)
    differences = differences[~np.isnan(differences)]  # inf − inf: never vs never
    tail = (1 - level) / 2
    low, high = np.quantile(differences, [tail, 1 - tail])
    return float(low), float(high)


@dataclass
class Comparison:
    """KPIs of each variant and their differences with the reference (see module docstring).

    ``table``: tidy, one row per (KPI, variant): ``value`` with its Monte Carlo interval
    ``value_low`` / ``value_high``, and ``difference`` from the reference with
    ``difference_low`` / ``difference_high`` (NaN on the reference's rows).
    """

    names: list[str]
    results: dict[str, Results]
    kpis: list[Output]
    reference: str
    draws: int
    seed: int
    confidence_level: float
    table: pd.DataFrame

    def wide(self, language: str | None = None) -> pd.DataFrame:
        """Side by side, as text: one row per KPI, one column per variant, then one column
        per other variant with its difference and interval (``+12 000 € [+8 000 ; +16 000]``)."""
        language = language or current_language()
        rows = {}
        for output in self.kpis:
            part = self.table[self.table["kpi"] == output.name].set_index("variant")
            row = {name: output.format(part.loc[name, "value"], language) for name in self.names}
            for name in self.names:
                if name == self.reference:
                    continue
                values = part.loc[name]
                column = message("analysis.compare.difference", language, variant=name,
                                 reference=self.reference)
                row[column] = message(
                    "analysis.compare.interval", language,
                    value=output.format_difference(values["difference"], language),
                    low=output.format_difference(values["difference_low"], language),
                    high=output.format_difference(values["difference_high"], language))
            rows[output.label(language)] = row
        table = pd.DataFrame.from_dict(rows, orient="index")
        table.index.name = message("analysis.compare.kpi", language)
        return table


def compare(scenarios: Sequence[ScenarioLike] | Mapping[str, ScenarioLike], *,
            draws: int = DEFAULT_COMPARE_DRAWS, seed: Any = None, sampling: str = "random",
            kpis: Sequence[str] | None = None, reference: int | str = 0,
            confidence_level: float = 0.95, n_resamples: int = DEFAULT_RESAMPLES,
            progress: bool = False) -> Comparison:
    """Simulate every variant on the same draws and tabulate KPIs and differences.

    ``scenarios``: scenarios or scenario files (a mapping names them); ``kpis``: output names
    (:mod:`.outputs`; default :data:`~.outputs.DEFAULT_KPIS` within the shortest horizon);
    ``reference``: position or name of the variant the others are compared with.
    """
    names, loaded = _scenarios(scenarios)
    shortest = min(loaded, key=lambda s: s.simulation.horizon_years)
    outputs = (default_kpis(shortest) if kpis is None
               else [parse_output(name, shortest) for name in kpis])
    reference_name = (names[reference] if isinstance(reference, int)
                      and -len(names) <= reference < len(names) else str(reference))
    if reference_name not in names:
        raise AnalysisError("unknown_variant", name=reference_name, names=", ".join(names))
    results: dict[str, Results] = {}
    seed_value = seed
    for name, scenario in zip(names, loaded, strict=True):
        results[name] = simulate(scenario, draws=draws, seed=seed_value, sampling=sampling,
                                 keep="summary", progress=progress)
        seed_value = results[name].seed  # a fresh seed drawn once, then shared
    rng = np.random.default_rng(int(seed_value))
    rows = []
    for output in outputs:
        per_draw = {name: output.per_draw(result.indicators) for name, result in results.items()}
        base_value = output.value(results[reference_name])
        for name, result in results.items():
            value = output.value(result)
            low, high = ((value, value) if output.is_central
                         else output.confidence_interval(per_draw[name], confidence_level))
            row = {"kpi": output.name, "variant": name, "value": value, "value_low": low,
                   "value_high": high, "difference": np.nan, "difference_low": np.nan,
                   "difference_high": np.nan}
            if name != reference_name:
                difference = value - base_value
                d_low, d_high = ((difference, difference) if output.is_central
                                 else _paired_interval(output, per_draw[reference_name],
                                                       per_draw[name], confidence_level, rng,
                                                       n_resamples))
                row.update(difference=difference, difference_low=d_low, difference_high=d_high)
            rows.append(row)
    return Comparison(names, results, outputs, reference_name, draws, int(seed_value),
                      confidence_level, pd.DataFrame(rows))
