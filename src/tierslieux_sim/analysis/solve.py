"""What must be true: the value of one input at which a statistic reaches a target.

``solve(scenario, vary="prices.day_pass_eur", target="autonomy_by_year_5 >= 0.8")`` finds the
day price that gives an 80 % chance of autonomy by year 5 (or a number of desks, an adoption
rate, an operating subsidy…, or the value that keeps ``balancing_subsidy_p80 <= 150000``).

Method
------
- Every evaluation is a run of ``draws`` draws with the same seed: common random numbers, so
  the statistic moves only because the input moves. A probability or a percentile over a
  finite set of draws is a step function of the input; the search never needs derivatives.
- A grid over the bounds first (the statistic need not be monotone: revenue first rises then
  falls with a price when demand is elastic), then bisection on every bracket where the
  target flips between two neighbouring grid values, down to ``xtol`` (adjacent integers for
  a whole-number input). The answer is the crossing nearest the current value, reported as
  the value *at which the target was met* (the conservative side of the bracket).
- If no grid value meets the target, the answer is "impossible within bounds" (with the best
  value reached); if all do, "met throughout the bounds". A feasible window narrower than
  the grid step could be missed: narrow the bounds to look closer.
- Monte Carlo uncertainty of the answer: the statistic at the answer has a 95 % confidence
  interval ``± 1.96 × standard error``; the input values at which the statistic crosses the
  target shifted by that margin (found the same way) bound the range within which the answer
  cannot be told apart from the target with this many draws. More draws narrow it.

An uncertain input is moved by its probable value, keeping its relative spread (as the
dashboard's levers do); a fixed input is set.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from tierslieux_sim.analysis.changes import apply_changes, check_path, field_bounds, is_integer_field
from tierslieux_sim.core.formatting import format_number
from tierslieux_sim.core.i18n import current_language, message
from tierslieux_sim.core.safe_text import clean
from tierslieux_sim.engine.constants import DEFAULT_SOLVE_DRAWS
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.engine.outputs import Output, parse_output
from tierslieux_sim.engine.pipeline import _resolve_seed, simulate
from tierslieux_sim.scenario.distributions import _Distribution
from tierslieux_sim.scenario.edits import probable_value
from tierslieux_sim.scenario.labels import RATE_UNITS, format_value, input_label, input_unit
from tierslieux_sim.scenario.paths import get_path
from tierslieux_sim.scenario.schema import Scenario

GRID_POINTS = 9
#: Default upper bound of an input without a declared maximum: this many times its value.
DEFAULT_UPPER_FACTOR = 4.0
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}
_TARGET = re.compile(r"^\s*([A-Za-z0-9_]+)\s*(>=|<=|>|<|≥|≤)\s*(.+?)\s*$")


@dataclass(frozen=True)
class Target:
    """``<statistic> <operator> <threshold>``, e.g. ``autonomy_by_year_5 >= 0.8``."""

    output: Output
    operator: str
    threshold: float

    def met(self, value: float) -> bool:
        return bool(_OPERATORS[self.operator](value, self.threshold))

    def shifted(self, margin: float) -> Target:
        return Target(self.output, self.operator, self.threshold + margin)

    def text(self, language: str | None = None) -> str:
        return (f"{self.output.label(language)} {_SYMBOLS[self.operator]} "
                f"{self.output.format(self.threshold, language)}")


def _number(text: str) -> float:
    cleaned = (text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
               .replace("€", "").replace(",", "."))
    return float(cleaned)


def parse_target(text: str | Target, scenario: Scenario) -> Target:
    """Parse ``"autonomy_by_year_5 >= 0.8"`` (also ``80 %``, ``0,8``, ``150 000``)."""
    if isinstance(text, Target):
        return text
    text = clean(text, 120)  # echoed in messages: shortened, control characters escaped
    match = _TARGET.match(text)
    if not match:
        raise AnalysisError("target_syntax", target=text)
    name, symbol, value_text = match.groups()
    symbol = {"≥": ">=", "≤": "<="}.get(symbol, symbol)
    output = parse_output(name, scenario)
    percent = value_text.endswith("%")
    try:
        threshold = _number(value_text.rstrip("%").strip())
    except ValueError:
        raise AnalysisError("target_syntax", target=text) from None
    if not math.isfinite(threshold):  # "<= nan", ">= inf": nothing to aim at
        raise AnalysisError("target_not_finite", target=text)
    if percent:
        threshold /= 100
    if output.kind in ("probability", "rate") and not 0 <= threshold <= 1:
        raise AnalysisError("target_probability", target=text)
    return Target(output, symbol, threshold)


@dataclass
class Evaluation:
    value: float
    statistic: float
    standard_error: float


@dataclass
class SolveResult:
    """The answer of :func:`solve` and how it was found."""

    scenario: Scenario
    vary: str
    label: str
    unit: str
    target: Target
    status: str  # "solved", "impossible" or "always"
    value: float | None
    direction: str | None  # "at_least": met above the value; "at_most": met below it
    interval: tuple[float, float] | None  # Monte Carlo uncertainty of the value (95 %)
    feasible: list[tuple[float, float]]
    current: float
    bounds: tuple[float, float]
    draws: int
    seed: int
    evaluations: list[Evaluation] = field(default_factory=list)

    def statistic_at(self, value: float) -> float:
        for evaluation in self.evaluations:
            if evaluation.value == value:
                return evaluation.statistic
        raise KeyError(value)

    @property
    def current_statistic(self) -> float:
        return self.statistic_at(self.current)

    @property
    def achieved(self) -> float | None:
        return None if self.value is None else self.statistic_at(self.value)

    def table(self) -> pd.DataFrame:
        """Every evaluation, by value of the input."""
        return pd.DataFrame([e.__dict__ for e in self.evaluations]).sort_values(
            "value", kind="stable").reset_index(drop=True)

    def _v(self, value: float, language: str) -> str:
        return format_value(value, self.unit, language)

    def sentence(self, language: str | None = None) -> str:
        """The answer in one or two plain sentences."""
        language = language or current_language()
        target = self.target.text(language)
        label = input_label(self.scenario, self.vary, language)
        current = message("analysis.solve.current", language, value=self._v(self.current, language),
                          statistic=self.target.output.format(self.current_statistic, language))
        low, high = (self._v(b, language) for b in self.bounds)
        if self.status == "impossible":
            best = max(self.evaluations, key=lambda e: e.statistic if self.target.operator in (
                ">=", ">") else -e.statistic)
            return message("analysis.solve.impossible", language, target=target,
                           label=label, low=low, high=high,
                           best=self.target.output.format(best.statistic, language),
                           at=self._v(best.value, language)) + " " + current
        if self.status == "always":
            return message("analysis.solve.always", language, target=target, label=label,
                           low=low, high=high) + " " + current
        assert self.value is not None and self.interval is not None
        key = "analysis.solve.at_least" if self.direction == "at_least" else \
            "analysis.solve.at_most"
        text = message(key, language, target=target, label=label,
                       value=self._v(self.value, language))
        if self.interval[0] != self.interval[1]:
            text += " " + message("analysis.solve.uncertainty", language,
                                  low=self._v(self.interval[0], language),
                                  high=self._v(self.interval[1], language),
                                  draws=format_number(self.draws, 0, language))
        window = len(self.feasible) == 1 and (self.bounds[0] < self.feasible[0][0]
                                              and self.feasible[0][1] < self.bounds[1])
        if len(self.feasible) > 1 or window:
            ranges = message("plot.list_separator", language).join(
                message("analysis.solve.range", language, low=self._v(a, language),
                        high=self._v(b, language)) for a, b in self.feasible)
            text += " " + message("analysis.solve.feasible", language, ranges=ranges)
        return text + " " + current


def default_bounds(scenario: Scenario, path: str) -> tuple[float, float]:
    """Where the search looks when no bounds are given: from the field's minimum (or 0) to
    :data:`DEFAULT_UPPER_FACTOR` times the current (probable) value, within the field's
    maximum; a share or a rate (0–1) spans its whole declared range."""
    low, high = field_bounds(scenario, path)
    current = probable_value(get_path(scenario, path))
    if math.isinf(low):
        low = min(0.0, current - 3 * abs(current)) if current else -1.0
    if input_unit(scenario, path) in RATE_UNITS and not math.isinf(high):
        return low, high
    if current > 0:
        high = min(high, max(DEFAULT_UPPER_FACTOR * current, low + 1.0))
    elif math.isinf(high):
        raise AnalysisError("bounds_needed", path=path)
    return low, high


class _Searcher:
    """Evaluations of the statistic at values of the input, cached."""

    def __init__(self, scenario: Scenario, path: str, target: Target, draws: int, seed: int,
                 sampling: str, integer: bool, bounds: tuple[float, float]):
        self.scenario, self.path, self.target, self.bounds = scenario, path, target, bounds
        self.draws, self.seed, self.sampling, self.integer = draws, seed, sampling, integer
        self.cache: dict[float, Evaluation] = {}

    def __call__(self, value: float) -> Evaluation:
        value = float(round(value)) if self.integer else float(value)
        if value not in self.cache:
            variant = apply_changes(self.scenario, {self.path: value})
            output = self.target.output
            if output.is_central:
                results = simulate(variant, draws=1, seed=self.seed, keep="summary")
                statistic, error = output.value(results), 0.0
            else:
                results = simulate(variant, draws=self.draws, seed=self.seed,
                                   sampling=self.sampling, keep="summary")
                values = output.per_draw(results.indicators)
                statistic, error = output.of(values), output.standard_error(values)
            self.cache[value] = Evaluation(value, statistic, error)
        return self.cache[value]

    def bisect(self, failing: float, meeting: float, target: Target, xtol: float) -> float:
        """Narrow ``[failing, meeting]`` (target not met / met) to ``xtol``; return the
        meeting end."""
        while abs(meeting - failing) > xtol:
            middle = (failing + meeting) / 2
            if self.integer:
                middle = float(math.floor(middle) if meeting > failing else math.ceil(middle))
                if middle in (failing, meeting):
                    break
            if target.met(self(middle).statistic):
                meeting = middle
            else:
                failing = middle
        return meeting

    def crossings(self, target: Target, xtol: float) -> list[tuple[float, float]]:
        """Every flip of ``target`` between neighbouring evaluated values, refined:
        ``(failing, meeting)`` pairs (within the bounds)."""
        low, high = self.bounds
        values = sorted(v for v in self.cache if low <= v <= high)
        pairs = []
        for left, right in zip(values, values[1:], strict=False):
            met_left = target.met(self.cache[left].statistic)
            met_right = target.met(self.cache[right].statistic)
            if met_left != met_right:
                failing, meeting = (right, left) if met_left else (left, right)
                pairs.append((failing, meeting))
        refined = []
        for failing, meeting in pairs:
            meeting = self.bisect(failing, meeting, target, xtol)
            # the failing end moved too: find the nearest failing evaluation
            side = [v for v in self.cache if not target.met(self.cache[v].statistic)
                    and low <= v <= high
                    and (v < meeting if failing < meeting else v > meeting)]
            failing = max(side) if failing < meeting else min(side)
            refined.append((failing, meeting))
        return refined


def solve(scenario: Scenario, vary: str, target: str | Target, *,
          bounds: tuple[float | None, float | None] | None = None,
          draws: int = DEFAULT_SOLVE_DRAWS, seed: Any = None, sampling: str = "random",
          xtol: float | None = None, confidence_level: float = 0.95,
          language: str | None = None) -> SolveResult:
    """The value of the input at ``vary`` for which ``target`` holds (see the module
    docstring): ``solve(s, "prices.day_pass_eur", "autonomy_by_year_5 >= 0.8")``.

    ``bounds``: ``(low, high)`` of the input (``None`` for either end: the default of
    :func:`default_bounds`); ``xtol``: precision of the answer (default a thousandth of the
    bounds' width; whole numbers for integer inputs).
    """
    check_path(scenario, vary)
    current_value = get_path(scenario, vary)
    if isinstance(current_value, bool) or not isinstance(current_value,
                                                         int | float | _Distribution):
        raise AnalysisError("not_numeric", path=vary)
    goal = parse_target(target, scenario)
    integer = is_integer_field(scenario, vary)
    default_low, default_high = (None, None)
    given_low, given_high = bounds if bounds is not None else (None, None)
    if given_low is None or given_high is None:
        default_low, default_high = default_bounds(scenario, vary)
    low = float(given_low) if given_low is not None else float(default_low)  # type: ignore[arg-type]
    high = float(given_high) if given_high is not None else float(default_high)  # type: ignore[arg-type]
    field_low, field_high = field_bounds(scenario, vary)
    if not low < high or low < field_low or high > field_high:
        raise AnalysisError("bad_bounds", path=vary, low=low, high=high,
                            field_low=field_low, field_high=field_high)
    if integer:
        low, high = float(math.ceil(low)), float(math.floor(high))
    seed_value = _resolve_seed(seed)
    search = _Searcher(scenario, vary, goal, draws, seed_value, sampling, integer, (low, high))
    current = probable_value(current_value)
    xtol = float(xtol) if xtol is not None else (1.0 if integer else (high - low) / 1000)

    grid = (np.unique(np.round(np.linspace(low, high, GRID_POINTS)))
            if integer and high - low + 1 > GRID_POINTS + 3
            else np.arange(low, high + 1) if integer else np.linspace(low, high, GRID_POINTS))
    for value in [*grid, current]:
        if low <= value <= high or value == current:
            search(float(value))
    pairs = search.crossings(goal, xtol)
    in_bounds = [v for v in search.cache if low <= v <= high]
    met = {v: goal.met(search.cache[v].statistic) for v in in_bounds}
    feasible = _feasible_ranges(sorted(in_bounds), met, pairs)
    common: dict[str, Any] = dict(
        scenario=scenario, vary=vary, label=input_label(scenario, vary, language),
        unit=input_unit(scenario, vary), target=goal, current=current, bounds=(low, high),
        draws=draws if not goal.output.is_central else 1, seed=seed_value)
    if not pairs:
        status = "always" if all(met.values()) else "impossible"
        return SolveResult(**common, status=status, value=None, direction=None, interval=None,
                           feasible=feasible,
                           evaluations=sorted(search.cache.values(), key=lambda e: e.value))
    failing, meeting = min(pairs, key=lambda pair: abs(pair[1] - current))
    direction = "at_least" if meeting > failing else "at_most"
    interval = _uncertainty(search, goal, meeting, failing, xtol, (low, high), confidence_level)
    return SolveResult(**common, status="solved", value=meeting, direction=direction,
                       interval=interval, feasible=feasible,
                       evaluations=sorted(search.cache.values(), key=lambda e: e.value))


def _feasible_ranges(values: list[float], met: dict[float, bool],
                     pairs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Ranges of the input where the target is met, from the evaluations (each range runs
    between evaluated values that meet it)."""
    ranges: list[tuple[float, float]] = []
    start: float | None = None
    previous = values[0] if values else 0.0
    for value in values:
        if met[value] and start is None:
            start = value
        if not met[value] and start is not None:
            ranges.append((start, previous))
            start = None
        previous = value
    if start is not None:
        ranges.append((start, values[-1]))
    return ranges


def _uncertainty(search: _Searcher, goal: Target, meeting: float, failing: float, xtol: float,
                 bounds: tuple[float, float], confidence_level: float) -> tuple[float, float]:
    """Input values where the statistic crosses the target ± z × standard error."""
    evaluation = search(meeting)
    margin = float(stats.norm.ppf(0.5 + confidence_level / 2)) * evaluation.standard_error
    if margin == 0:
        return meeting, meeting
    ends = []
    for shift in (-margin, margin):
        shifted = goal.shifted(shift)
        pairs = search.crossings(shifted, xtol)
        if pairs:
            ends.append(min(pairs, key=lambda pair: abs(pair[1] - meeting))[1])
        else:  # never (or always) met with that margin: the answer may lie anywhere beyond
            met_here = shifted.met(search(meeting).statistic)
            towards_failing = (failing < meeting) == met_here
            ends.append(bounds[0] if towards_failing else bounds[1])
    return min(ends), max(ends)
