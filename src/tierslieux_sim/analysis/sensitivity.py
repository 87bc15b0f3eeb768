"""Which inputs drive an output: a tornado of one-at-a-time swings, and Sobol' indices.

**Tornado.** Each uncertain input is set to its P10 then its P90 (``ppf(0.1)``, ``ppf(0.9)`` of
its law; a grant or subsidy whose award is uncertain is set to refused then awarded), and the
output is computed at both ends; bars are sorted by swing ``|output(P90) − output(P10)|``.
What the other inputs do depends on the output:

- a *central-case* output (``balancing_subsidy``, ``cash_at_horizon``…): the others stay at
  their central value (median; awards granted when more likely than not), the classic
  deterministic tornado — one model run per end, all in one batch (milliseconds);
- a *statistic* over draws (``balancing_subsidy_p80``, ``autonomy_by_year_5``…): with the others
  at their central value a P80 would be the central value itself and a probability 0 or 1, so
  the others keep their uncertainty: each end is a Monte Carlo run of ``draws`` draws in which
  the swung input is fixed and every other input keeps *exactly* the draws of the baseline run
  (common random numbers, fixed seed), so the swing is not blurred by sampling noise. With
  declared correlations the other inputs keep their baseline draws (their correlation with the
  swung input is not conditioned on), which the result notes.

**Sobol'.** First-order and total indices of the variance of the per-draw quantity behind the
output (the indicator for a percentile, 0/1 for a probability), by ``scipy.stats.sobol_indices``
(Saltelli 2010 estimators) on a scrambled Sobol' design of ``n × (d + 2)`` model runs, with
percentile bootstrap confidence intervals (seeded). The indices assume independent inputs:
declared correlations are ignored in the design and the result says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from tierslieux_sim.analysis.chosen_inputs import award_inputs, central_inputs, draw_inputs, evaluate_inputs
from tierslieux_sim.core.i18n import current_language, message
from tierslieux_sim.engine.constants import DEFAULT_SOBOL_SAMPLES, DEFAULT_TORNADO_DRAWS
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.engine.outputs import Output, parse_output
from tierslieux_sim.engine.pipeline import _resolve_seed
from tierslieux_sim.scenario.labels import format_award, format_value, input_label, input_unit, is_award_path
from tierslieux_sim.scenario.paths import uncertain_leaves
from tierslieux_sim.scenario.schema import Scenario

#: Quantiles of an input's swing.
SWING_QUANTILES = (0.10, 0.90)
#: Uniform of an award input that means refused / awarded (award iff uniform < probability).
REFUSED_UNIFORM, AWARDED_UNIFORM = 1.0, 0.0
DEFAULT_RESAMPLES = 500

Method = Literal["tornado", "sobol"]


# --- tornado -------------------------------------------------------------------------------

@dataclass(frozen=True)
class TornadoBar:
    """One input's swing: its values at both ends and the output there."""

    path: str
    label: str
    unit: str
    low_input: float   # P10 (awards: 1.0 = refused, as a uniform)
    high_input: float  # P90 (awards: 0.0 = awarded)
    output_low: float
    output_high: float
    output_low_se: float = 0.0
    output_high_se: float = 0.0

    @property
    def swing(self) -> float:
        return abs(self.output_high - self.output_low)

    @property
    def is_award(self) -> bool:
        return is_award_path(self.path)

    def input_text(self, end: str, language: str | None = None) -> str:
        """The input's value at ``"low"`` (P10) or ``"high"`` (P90), in its unit."""
        if self.is_award:
            return format_award(end == "high", language)
        return format_value(self.low_input if end == "low" else self.high_input, self.unit,
                            language)


@dataclass
class Tornado:
    """A tornado: bars sorted by swing, largest first, around the baseline output."""

    scenario: Scenario
    output: Output
    baseline: float
    bars: list[TornadoBar]
    basis: str  # "central" or "monte_carlo"
    draws: int
    seed: int | None
    baseline_se: float = 0.0
    notes: list[str] = field(default_factory=list)

    def table(self, language: str | None = None) -> pd.DataFrame:
        """One row per input (largest swing first): label, unit, values at P10 and P90,
        output at both ends and the swing."""
        language = language or current_language()
        return pd.DataFrame([{
            "path": bar.path, "input": input_label(self.scenario, bar.path, language),
            "unit": bar.unit,
            "input_p10": bar.input_text("low", language),
            "input_p90": bar.input_text("high", language),
            "output_at_p10": bar.output_low, "output_at_p90": bar.output_high,
            "swing": bar.swing} for bar in self.bars])

    def note_texts(self, language: str | None = None) -> list[str]:
        return [message(f"analysis.note.{code}", language) for code in self.notes]


def swing_inputs(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """Every uncertain input and its two ends: ``(P10, P90)`` of a law; for an uncertain
    award, the uniforms meaning refused and awarded."""
    ends = {}
    for path, law in uncertain_leaves(scenario).items():
        low, high = law.ppf(np.array(SWING_QUANTILES))
        ends[path] = (float(low), float(high))
    for path in award_inputs(scenario):
        ends[path] = (REFUSED_UNIFORM, AWARDED_UNIFORM)
    return ends


def tornado(scenario: Scenario, output: str | Output = "balancing_subsidy_p80", *,
            draws: int = DEFAULT_TORNADO_DRAWS, seed: Any = None, sampling: str = "random",
            inputs: Sequence[str] | None = None, language: str | None = None) -> Tornado:
    """Swing each uncertain input between its P10 and P90 and sort by the swing of
    ``output`` (see the module docstring for what the other inputs do).

    ``draws`` and ``seed`` only matter for statistics over draws (not for a central-case
    output); ``inputs`` restricts the swung inputs to these paths.
    """
    out = parse_output(output, scenario)
    ends = swing_inputs(scenario)
    if inputs is not None:
        unknown = [path for path in inputs if path not in ends]
        if unknown:
            raise AnalysisError("not_uncertain", path=unknown[0])
        ends = {path: ends[path] for path in inputs}
    labels = {path: (input_label(scenario, path, language), input_unit(scenario, path))
              for path in ends}
    if out.is_central:
        base = pd.DataFrame({path: [value] for path, value in central_inputs(scenario).items()})
        basis, seed_value, n = "central", None, 1
    else:
        seed_value = _resolve_seed(seed)
        base = draw_inputs(scenario, draws, seed_value, sampling)
        basis, n = "monte_carlo", draws
    blocks = [base]
    for path, (low, high) in ends.items():
        for value in (low, high):
            blocks.append(base.assign(**{path: value}))
    indicators = evaluate_inputs(scenario, pd.concat(blocks, ignore_index=True))
    per_draw = out.per_draw(indicators).reshape(len(blocks), n)
    statistics = [out.of(row) for row in per_draw]
    errors = [out.standard_error(row) if basis == "monte_carlo" else 0.0 for row in per_draw]
    bars = [TornadoBar(path, *labels[path], low, high, statistics[1 + 2 * i],
                       statistics[2 + 2 * i], errors[1 + 2 * i], errors[2 + 2 * i])
            for i, (path, (low, high)) in enumerate(ends.items())]
    bars.sort(key=lambda bar: -np.nan_to_num(bar.swing, nan=-1.0))
    notes = ["tornado_correlations"] if basis == "monte_carlo" and scenario.correlations else []
    return Tornado(scenario, out, statistics[0], bars, basis, n if basis == "monte_carlo" else 0,
                   seed_value, errors[0], notes)


# --- Sobol' --------------------------------------------------------------------------------

@dataclass
class SobolIndices:
    """First-order and total Sobol' indices with bootstrap confidence intervals."""

    scenario: Scenario | None
    output: Output
    paths: list[str]
    labels: list[str]
    first_order: np.ndarray
    total_order: np.ndarray
    first_order_ci: tuple[np.ndarray, np.ndarray]
    total_order_ci: tuple[np.ndarray, np.ndarray]
    samples: int
    evaluations: int
    confidence_level: float
    seed: int
    notes: list[str] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        """One row per input, largest total index first."""
        table = pd.DataFrame({
            "path": self.paths, "input": self.labels,
            "first_order": self.first_order, "first_order_low": self.first_order_ci[0],
            "first_order_high": self.first_order_ci[1],
            "total_order": self.total_order, "total_order_low": self.total_order_ci[0],
            "total_order_high": self.total_order_ci[1]})
        return table.sort_values("total_order", ascending=False, kind="stable").reset_index(
            drop=True)

    def note_texts(self, language: str | None = None) -> list[str]:
        return [message(f"analysis.note.{code}", language) for code in self.notes]


def _indices(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = f_a.shape[-1]
    result = stats.sobol_indices(func={"f_A": f_a[None, :], "f_B": f_b[None, :],
                                       "f_AB": f_ab[:, None, :]}, n=n)
    return np.atleast_1d(result.first_order), np.atleast_1d(result.total_order)


def sobol_analysis(func: Callable[[np.ndarray], np.ndarray], dists: Sequence[Any], *,
                   n: int = DEFAULT_SOBOL_SAMPLES, seed: Any = None,
                   confidence_level: float = 0.95, n_resamples: int = DEFAULT_RESAMPLES
                   ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray],
                              tuple[np.ndarray, np.ndarray], int]:
    """Sobol' indices of ``func`` (inputs ``(d, m)`` → outputs ``(m,)``) for independent
    inputs with laws ``dists`` (objects with ``ppf``).

    The design is the one of ``scipy.stats.sobol_indices`` (matrices A and B from a scrambled
    Sobol' sequence of dimension 2d, and the d matrices A with column i from B), drawn here
    with a seeded generator; the indices are ``scipy.stats.sobol_indices`` on the
    evaluations; the confidence intervals are percentile bootstraps over the ``n`` rows with
    the same generator (reproducible). Returns first, total, their intervals and the seed.
    """
    if n < 2 or n & (n - 1):
        raise AnalysisError("samples_power_of_two", n=n)
    seed_value = _resolve_seed(seed)
    rng = np.random.default_rng(seed_value)
    d = len(dists)
    uniforms = qmc.Sobol(d=2 * d, scramble=True, rng=rng).random(n)
    a = np.vstack([np.asarray(dist.ppf(uniforms[:, i]), dtype=float)
                   for i, dist in enumerate(dists)])
    b = np.vstack([np.asarray(dist.ppf(uniforms[:, d + i]), dtype=float)
                   for i, dist in enumerate(dists)])
    ab = np.repeat(a[None, :, :], d, axis=0)
    for i in range(d):
        ab[i, i, :] = b[i, :]
    everything = np.concatenate([a, b, np.moveaxis(ab, 0, 1).reshape(d, d * n)], axis=1)
    values = np.asarray(func(everything), dtype=float).reshape(-1)
    if not np.all(np.isfinite(values)):
        raise AnalysisError("output_not_finite")
    if np.ptp(values) == 0:
        raise AnalysisError("output_constant")
    f_a, f_b = values[:n], values[n:2 * n]
    f_ab = values[2 * n:].reshape(d, n)
    first, total = _indices(f_a, f_b, f_ab)
    resampled_first, resampled_total = [], []
    for _ in range(n_resamples):
        rows = rng.integers(0, n, n)
        f, t = _indices(f_a[rows], f_b[rows], f_ab[:, rows])
        resampled_first.append(f)
        resampled_total.append(t)
    tail = (1 - confidence_level) / 2
    first_ci = tuple(np.quantile(np.array(resampled_first), [tail, 1 - tail], axis=0))
    total_ci = tuple(np.quantile(np.array(resampled_total), [tail, 1 - tail], axis=0))
    return first, total, first_ci, total_ci, seed_value  # type: ignore[return-value]


class _AwardLaw:
    """The law of an award input: its uniform (awarded when below the probability)."""

    @staticmethod
    def ppf(uniforms: np.ndarray) -> np.ndarray:
        return np.asarray(uniforms, dtype=float)


def sobol(scenario: Scenario, output: str | Output = "balancing_subsidy", *,
          n: int = DEFAULT_SOBOL_SAMPLES, seed: Any = None, confidence_level: float = 0.95,
          n_resamples: int = DEFAULT_RESAMPLES, language: str | None = None) -> SobolIndices:
    """Sobol' indices of the per-draw quantity behind ``output`` over every uncertain input
    (laws and uncertain awards), ``n × (d + 2)`` model runs."""
    out = parse_output(output, scenario)
    laws: dict[str, Any] = dict(uncertain_leaves(scenario))
    laws.update({path: _AwardLaw() for path in award_inputs(scenario)})
    if not laws:
        raise AnalysisError("no_uncertain_input")
    paths = list(laws)
    notes = []
    if not out.is_probability and out.statistic != "central":
        notes.append("sobol_per_draw")
    if scenario.correlations:
        notes.append("sobol_correlations")
    never = float(scenario.horizon_months + 1)

    def model(x: np.ndarray) -> np.ndarray:
        indicators = evaluate_inputs(scenario, pd.DataFrame(dict(zip(paths, x, strict=True))))
        values = out.per_draw(indicators)
        return np.where(np.isinf(values), never, values)  # autonomy never reached

    first, total, first_ci, total_ci, seed_value = sobol_analysis(
        model, list(laws.values()), n=n, seed=seed, confidence_level=confidence_level,
        n_resamples=n_resamples)
    return SobolIndices(scenario, out, paths, [input_label(scenario, p, language) for p in paths],
                        first, total, first_ci, total_ci, n, n * (len(paths) + 2),
                        confidence_level, seed_value, notes)


# --- one entry point -----------------------------------------------------------------------

def sensitivity(scenario: Scenario, output: str | Output = "balancing_subsidy_p80",
                method: Method = "tornado", **options: Any) -> Tornado | SobolIndices:
    """Sensitivity of ``output`` to the uncertain inputs of ``scenario``.

    ``method="tornado"`` (officials: which input moves the answer most, between its P10 and
    P90) → :class:`Tornado`; ``method="sobol"`` (analysts: share of the output's variance
    due to each input, alone and with its interactions) → :class:`SobolIndices`. ``options``
    go to :func:`tornado` (``draws``, ``seed``, ``inputs``) or :func:`sobol` (``n``, ``seed``,
    ``confidence_level``, ``n_resamples``).
    """
    if method == "tornado":
        return tornado(scenario, output, **options)
    if method == "sobol":
        return sobol(scenario, output, **options)
    raise AnalysisError("unknown_method", method=method)
