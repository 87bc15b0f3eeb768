"""Outputs the analyses speak of: a per-draw indicator and a statistic of it, by name.

Grammar (the names the API, the CLI and the dashboard accept):

- ``<indicator>_p<NN>`` (``balancing_subsidy_p80``), ``<indicator>_mean``: a percentile or
  the mean over the Monte Carlo draws of an indicator of :attr:`Results.indicators`; the
  ``_eur`` suffix of the indicator may be left out (``cash_at_horizon_p50``,
  ``balancing_subsidy_year_3_p80``, ``occupancy_rate_year_3_p50``);
- ``<indicator>`` alone (``balancing_subsidy``) or ``<indicator>_central``: the value in the
  *central case* (every input at its median), one deterministic number;
- ``autonomy_by_year_<N>``: probability of autonomy by the end of year N; ``cash_ever_negative``:
  probability that cash goes below zero before the balancing subsidy.

Each statistic comes with its Monte Carlo standard error and confidence interval:
``σ/√n`` for a mean, ``√(p(1−p)/n)`` for a probability, and for a percentile the
distribution-free interval between two order statistics (the binomial count of draws below
the true percentile), so that no normality is assumed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from tierslieux_sim.core.formatting import format_eur, format_number
from tierslieux_sim.core.i18n import current_language, has_message, message
from tierslieux_sim.engine.constants import OUTPUT_EXAMPLES
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.engine.evaluate import evaluate
from tierslieux_sim.engine.inputs import central_input_values, plan_inputs
from tierslieux_sim.engine.results import Results
from tierslieux_sim.model.public_money import FUNDERS, KINDS
from tierslieux_sim.scenario.files import default_scenario
from tierslieux_sim.scenario.labels import format_value
from tierslieux_sim.scenario.schema import Scenario

PROBABILITY = "probability"
CENTRAL = "central"
MEAN = "mean"
_PERCENTILE = re.compile(r"^p(\d{1,2})$")
_AUTONOMY_BY_YEAR = re.compile(r"^autonomy_by_year_(\d+)$")
_YEARLY = re.compile(r"^(.*)_year_(\d+)$")
#: Examples shown when a name is not understood.
EXAMPLES = OUTPUT_EXAMPLES

#: KPIs of ``compare`` and ``sweep`` by default (those beyond the horizon are left out).
DEFAULT_KPIS = (
    "balancing_subsidy_p50", "balancing_subsidy_p80", "balancing_subsidy_mean",
    "autonomy_by_year_3", "autonomy_by_year_5", "occupancy_rate_year_3_p50",
    "min_cash_p10", "cash_at_horizon_p50", "cash_ever_negative", "public_money_p50",
)


@dataclass(frozen=True)
class Output:
    """A statistic of a per-draw indicator (see the module docstring for the names)."""

    name: str
    indicator: str
    statistic: str  # "pNN", "mean", "central" or "probability"
    year: int | None = None  # autonomy_by_year_<N>

    # --- what it is ---------------------------------------------------------------------

    @property
    def quantile(self) -> float | None:
        match = _PERCENTILE.match(self.statistic)
        return int(match.group(1)) / 100 if match else None

    @property
    def is_probability(self) -> bool:
        return self.statistic == PROBABILITY

    @property
    def is_central(self) -> bool:
        return self.statistic == CENTRAL

    @property
    def kind(self) -> str:
        """How values read: ``eur``, ``rate`` (0–1), ``probability``, ``months``, ``number``."""
        if self.is_probability:
            return "probability"
        if self.indicator.endswith("_eur"):
            return "eur"
        if self.indicator.startswith(("occupancy_rate", "self_financing_ratio")):
            return "rate"
        if self.indicator == "autonomy_month":
            return "months"
        return "number"

    @property
    def higher_is_better(self) -> bool:
        """Whether a larger value is good news (autonomy, cash, occupancy) or bad (subsidy)."""
        if self.name == "cash_ever_negative":
            return False
        if self.is_probability:  # autonomy by year N
            return True
        return not self.indicator.startswith(("balancing_subsidy", "public_money",
                                              "autonomy_month"))

    # --- values -------------------------------------------------------------------------

    def per_draw(self, indicators: pd.DataFrame) -> np.ndarray:
        """The per-draw quantity this statistic summarises: the indicator (autonomy month:
        ``inf`` for never), or 0/1 for a probability."""
        values = indicators[self.indicator].to_numpy(dtype=float)
        if self.indicator == "autonomy_month":
            values = np.nan_to_num(values, nan=np.inf)
        if self.name == "cash_ever_negative":
            return (values < 0).astype(float)
        if self.is_probability:
            return (values <= 12 * (self.year or 0)).astype(float)
        return values

    def of(self, values: np.ndarray) -> float:
        """The statistic of per-draw values (for ``central``: the single value given)."""
        values = np.asarray(values, dtype=float)
        if self.is_central:
            return float(values[0])
        if self.is_probability or self.statistic == MEAN:
            return float(np.mean(values))
        quantile = float(self.quantile or 0.0)
        if self.indicator == "autonomy_month":  # never = inf: a percentile may be "never"
            return float(np.quantile(values, quantile, method="inverted_cdf"))
        return float(np.quantile(values[np.isfinite(values)], quantile))

    def value(self, results: Results) -> float:
        """The statistic in a run (the central case for ``central``)."""
        if self.is_central:
            central = results.central_indicators.to_frame().T
            return self.of(self.per_draw(central))
        return self.of(self.per_draw(results.indicators))

    def confidence_interval(self, values: np.ndarray, level: float = 0.95
                            ) -> tuple[float, float]:
        """Monte Carlo confidence interval of the statistic from ``n`` per-draw values."""
        values = np.asarray(values, dtype=float)
        n = values.size
        estimate = self.of(values)
        if self.is_central or n < 2:
            return estimate, estimate
        z = float(stats.norm.ppf(0.5 + level / 2))
        if self.quantile is None:
            spread = (np.sqrt(estimate * (1 - estimate) / n) if self.is_probability
                      else float(np.std(values, ddof=1) / np.sqrt(n)))
            return estimate - z * spread, estimate + z * spread
        q = self.quantile
        ordered = np.sort(values)
        half = z * np.sqrt(n * q * (1 - q))
        low = int(np.clip(np.floor(n * q - half), 0, n - 1))
        high = int(np.clip(np.ceil(n * q + half), 0, n - 1))
        return float(ordered[low]), float(ordered[high])

    def standard_error(self, values: np.ndarray) -> float:
        """Monte Carlo standard error (for a percentile: half the 95 % interval ÷ 1.96)."""
        low, high = self.confidence_interval(values, 0.95)
        return (high - low) / (2 * float(stats.norm.ppf(0.975)))

    # --- words --------------------------------------------------------------------------

    def label(self, language: str | None = None) -> str:
        """``Subvention d'équilibre sur l'horizon (P80)``, ``Probabilité d'autonomie d'ici
        l'année 5``."""
        language = language or current_language()
        if self.is_probability and self.year is not None:
            return message("analysis.output.autonomy_by_year", language, year=self.year)
        if self.name == "cash_ever_negative":
            return message("analysis.output.cash_ever_negative", language)
        text = indicator_label(self.indicator, language)
        statistic = (message(f"analysis.stat.{self.statistic}", language)
                     if self.quantile is None else self.statistic.upper())
        return f"{text} ({statistic})"

    def format(self, value: float, language: str | None = None) -> str:
        """A value of this output in its unit (``152 000 €``, ``80 %``, ``31 mois``)."""
        language = language or current_language()
        kind = self.kind
        if kind == "eur":
            return format_eur(value, 0, language)
        if kind in ("rate", "probability"):
            return format_value(value, "part", language)
        if kind == "months":
            if not np.isfinite(value):
                return message("analysis.never", language)
            return message("analysis.months", language, months=int(round(value)))
        return format_value(value, "", language)

    def format_difference(self, value: float, language: str | None = None) -> str:
        """A difference of this output: amounts in €, probabilities in points."""
        language = language or current_language()
        sign = "+" if value > 0 else ""
        if self.kind in ("rate", "probability"):
            return message("analysis.points", language,
                           value=sign + format_number(100 * value, 1, language))
        return sign + self.format(value, language)


_PUBLIC_MONEY_SOURCE = re.compile(r"^public_money_(.+)_eur$")
_AUTONOMY_OR_NEGATIVE = re.compile(r"^(autonomy_by_year)_(\d+)$|^(cash_ever_negative)$")
_FULL_COST_AUTONOMY = re.compile(r"^full_cost_autonomy_by_year_(\d+)$")
#: The collectivity's net cost in one budget (calendar) year: ``net_cost_operating_2029_eur``.
_BUDGET_YEAR = re.compile(r"^(net_cost(?:_investment|_operating)?)_(\d{4})_eur$")


def indicator_label(indicator: str, language: str | None = None) -> str:
    """What a per-draw indicator (or a probability row of :meth:`Results.summary`) is, in
    words: ``Subvention d'équilibre de l'année 3``, ``Argent public — Subventions
    d'investissement — État``; the name itself when the catalogue has no label."""
    language = language or current_language()
    probability = _AUTONOMY_OR_NEGATIVE.match(indicator)
    if probability:
        if probability.group(3):
            return message("analysis.output.cash_ever_negative", language)
        return message("analysis.output.autonomy_by_year", language,
                       year=int(probability.group(2)))
    full_cost = _FULL_COST_AUTONOMY.match(indicator)
    if full_cost:
        return message("analysis.output.full_cost_autonomy_by_year", language,
                       year=int(full_cost.group(1)))
    budget_year = _BUDGET_YEAR.match(indicator)
    if budget_year:
        return message(f"analysis.output.{budget_year.group(1)}_budget_year", language,
                       year=int(budget_year.group(2)))
    base = indicator.removesuffix("_eur")
    yearly = _YEARLY.match(base)
    key, year = (yearly.group(1) + "_year", int(yearly.group(2))) if yearly else (base, None)
    if has_message(f"analysis.output.{key}"):
        return message(f"analysis.output.{key}", language, year=year)
    source = _PUBLIC_MONEY_SOURCE.match(indicator)
    if source:
        for kind in KINDS:
            for funder in FUNDERS:
                if source.group(1) == f"{kind}_{funder}":
                    return message("analysis.output.public_money_source", language,
                                   kind=message(f"financing.kind.{kind}", language),
                                   funder=message(f"financing.funder.{funder}", language))
    return indicator


@lru_cache(maxsize=8)
def _indicator_names(horizon_years: int) -> tuple[str, ...]:
    """Indicator columns of a run with this horizon (from the central case of the default
    scenario: columns depend on the engine and the horizon, not on the scenario's values)."""
    base = default_scenario()
    scenario = base.model_copy(update={"simulation": base.simulation.model_copy(
        update={"horizon_years": horizon_years})})
    _accounts, indicators = evaluate(scenario, central_input_values(plan_inputs(scenario)))
    return tuple(indicators)


def indicator_names(scenario: Scenario) -> tuple[str, ...]:
    """Every per-draw indicator a run of ``scenario`` has."""
    return _indicator_names(scenario.simulation.horizon_years)


def parse_output(name: str | Output, scenario: Scenario | None = None,
                 columns: Iterable[str] | None = None) -> Output:
    """The :class:`Output` a name stands for; :class:`AnalysisError` when it is unknown or
    beyond the scenario's horizon."""
    if isinstance(name, Output):
        return name
    text = str(name).strip()
    known = set(columns if columns is not None else (
        indicator_names(scenario) if scenario is not None else _indicator_names(10)))
    horizon = scenario.simulation.horizon_years if scenario is not None else None
    autonomy = _AUTONOMY_BY_YEAR.match(text)
    if autonomy:
        year = int(autonomy.group(1))
        if year < 1 or (horizon is not None and year > horizon):
            raise AnalysisError("year_beyond_horizon", name=text, year=year,
                                horizon=horizon if horizon is not None else "?")
        return Output(text, "autonomy_month", PROBABILITY, year)
    if text == "cash_ever_negative":
        return Output(text, "min_cash_eur", PROBABILITY)
    base, _, last = text.rpartition("_")
    if base and (_PERCENTILE.match(last) or last in (MEAN, CENTRAL)):
        statistic = last
        if _PERCENTILE.match(last) and not 1 <= int(last[1:]) <= 99:
            raise AnalysisError("unknown_output", name=text, examples=", ".join(EXAMPLES))
    else:
        base, statistic = text, CENTRAL
    for indicator in (base, f"{base}_eur"):
        if indicator in known:
            return Output(text, indicator, statistic)
    yearly = _YEARLY.match(base.removesuffix("_eur"))
    if yearly and horizon is not None and int(yearly.group(2)) > horizon:
        raise AnalysisError("year_beyond_horizon", name=text, year=int(yearly.group(2)),
                            horizon=horizon)
    raise AnalysisError("unknown_output", name=text, examples=", ".join(EXAMPLES))


def parse_outputs(names: Sequence[str], scenario: Scenario) -> list[Output]:
    return [parse_output(name, scenario) for name in names]


def default_kpis(scenario: Scenario, names: Sequence[str] = DEFAULT_KPIS) -> list[Output]:
    """The default KPIs that exist for this scenario (years within its horizon, indicators
    this version computes)."""
    kept = []
    for name in names:
        try:
            kept.append(parse_output(name, scenario))
        except AnalysisError:
            continue
    return kept
