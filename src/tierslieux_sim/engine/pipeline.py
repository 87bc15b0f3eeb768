"""The engine: scenario → keyed draws → model, chunk by chunk → :class:`Results`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from tqdm.auto import tqdm

from .allocator import release_free_memory
from .finite import check_finite_chunk
from .i18n import message
from .model import run_model
from .model.accounts import draw_indicators
from .model.parties import budget_year_ranges, collectivity_indicators
from .model.public_money import public_money_indicators
from .model.territory import (
    deflator,
    discount_factor,
    socio_economic_discount_rate,
    territory_indicators,
)
from .notices import Notice, emit
from .reference import reference_value
from .results import Results, ResultsCollector
from .rules import funding_reference
from .sampling import (
    BLOCK_DRAWS,
    SAMPLINGS,
    correlate_uniforms,
    is_valid_correlation,
    nearest_correlation_matrix,
    normal_correlation_from_rank,
    uniforms_for_inputs,
)
from .scenario.distributions import _Distribution
from .scenario.paths import item_label, plain_parameters, stream_keys
from .scenario.paths import uncertain_leaves as find_uncertain_leaves
from .scenario.schema import Scenario
from .territory import appraisal_parameters

Keep = Literal["full", "summary"]
DEFAULT_CHUNK_DRAWS = 16 * BLOCK_DRAWS
#: Smaller chunks in summary mode: peak memory is set by one chunk's arrays.
DEFAULT_SUMMARY_CHUNK_DRAWS = 8 * BLOCK_DRAWS
AWARD_SUFFIX = ".award"  # key of the uniform deciding whether a grant or subsidy is awarded


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
    awarded_items = [("investment.grants", scenario.investment.grants),
                     ("operating_subsidies", scenario.operating_subsidies)]
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


def draw_input_values(plan: InputPlan, seed: int, start: int, stop: int, sampling: str
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


def model_parameters(scenario: Scenario, values: dict[str, np.ndarray]) -> dict[str, Any]:
    """The plain parameter tree for the model: each drawn leaf a ``(draws, 1)`` column;
    territory values the scenario leaves out come from reference data, and so do the VAT,
    FCTVA and de minimis values in ``funding_reference``."""
    parameters = plain_parameters(scenario, lambda path, _d: values[path][:, None])
    parameters["territory"] = appraisal_parameters(
        parameters["territory"], scenario.simulation.opening_month, scenario.horizon_months)
    parameters["funding_reference"] = funding_reference()
    for key, items in (("grants", parameters["investment"]["grants"]),
                       ("subsidies", parameters["operating_subsidies"])):
        prefix = "investment.grants" if key == "grants" else "operating_subsidies"
        for i, item in enumerate(items):
            item["award_uniform"] = values[f"{prefix}[{i}]{AWARD_SUFFIX}"][:, None]
    return parameters


def territory_draw_indicators(accounts: Any, public_money_eur: np.ndarray, scenario: Scenario,
                              values: dict[str, np.ndarray], n_draws: int
                              ) -> dict[str, np.ndarray]:
    """Impacts totals and the socio-economic appraisal per draw: constant euros of the opening
    year, discounted at the public rate ``1.2 % + β × 2 %`` (``model.territory``)."""
    beta_path = "territory.discount_beta"
    beta = values[beta_path][:, None] if beta_path in values else scenario.territory.discount_beta
    rate = socio_economic_discount_rate(float(reference_value("discount.risk_free_rate").value),
                                        float(reference_value("discount.risk_premium").value),
                                        beta)
    factor = discount_factor(rate, scenario.horizon_months)
    appraisal = appraisal_parameters({}, scenario.simulation.opening_month, 1)
    indicators = territory_indicators(
        accounts.territory, public_money_eur, factor,
        deflator_by_month=deflator(appraisal["inflation_rate"], scenario.horizon_months),
        investment_paid_eur=accounts.investment_eur, depreciation_eur=accounts.depreciation_eur,
        public_funds_cost_factor=appraisal["public_funds_cost_factor"])
    # Jobs hosted: desk-days served over the horizon in full-time equivalents (a full-time
    # job fills a desk every open day).
    served_user_days = np.broadcast_to(accounts.occupancy.served_user_days,
                                       (n_draws, scenario.horizon_months))
    indicators["jobs_hosted_fte"] = served_user_days.sum(axis=1) / (
        scenario.site.open_days_per_month * scenario.horizon_months)
    indicators["discount_rate"] = np.broadcast_to(np.asarray(rate, dtype=float).reshape(-1),
                                                  (n_draws,)).copy()
    return indicators


def operator_indicators(accounts: Any, n_draws: int, n_months: int) -> dict[str, np.ndarray]:
    """Per draw: what the operator lacks at worst after every subsidy, its cash at the horizon, the balancing
    subsidy voted (paid or not within the horizon), and grants and subsidies granted over
    the horizon [€]."""
    shape = (n_draws, n_months)
    subsidies_received = np.broadcast_to(accounts.subsidies_received_eur, shape)
    return {
        "operator_shortfall_max_eur": accounts.operator_shortfall_eur[:, -1],
        "operator_cash_at_horizon_eur": accounts.operator_cash_eur[:, -1],
        "balancing_subsidy_voted_eur": np.broadcast_to(accounts.balancing_subsidy_voted_eur,
                                                       shape).sum(axis=1),
        "investment_grants_awarded_eur": np.broadcast_to(np.asarray(
            sum(accounts.investment_grant_amounts_eur.values(), 0.0), dtype=float).reshape(-1),
            (n_draws,)).copy(),
        "investment_grants_paid_eur": np.broadcast_to(accounts.investment_grants_eur,
                                                      shape).sum(axis=1),
        "operating_subsidies_granted_eur": np.broadcast_to(accounts.subsidies_eur,
                                                           shape).sum(axis=1),
        "operating_subsidies_paid_eur": subsidies_received.sum(axis=1),
    }


def _resolve_seed(seed: int | np.random.Generator | np.random.SeedSequence | None) -> int:
    """SPEC 7: an int, a Generator, a SeedSequence or None (fresh entropy, recorded)."""
    if seed is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63))
    if isinstance(seed, np.random.SeedSequence):
        return int(seed.generate_state(2, np.uint64)[0])
    if isinstance(seed, bool | float) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
    return int(seed)


def _chunks(draws: int, chunk_draws: int) -> Iterator[tuple[int, int]]:
    for start in range(0, draws, chunk_draws):
        yield start, min(start + chunk_draws, draws)


def simulate(
    scenario: Scenario,
    draws: int | Literal["auto"] = 10_000,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    sampling: str = "random",
    chunk_draws: int | None = None,
    keep: Keep = "full",
    progress: bool = False,
    tolerance: float | None = None,
) -> Results:
    """Run ``draws`` Monte Carlo draws of ``scenario`` and its central (median-input) case.

    Parameters
    ----------
    draws : number of draws (≥ 1), or ``"auto"``: add blocks of draws until the headline
        statistics are within ``tolerance`` at 95 % (see
        :mod:`tierslieux_sim.analysis.auto_draws`); ``Results.draws`` and a notice say how
        many were used.
    seed : reproducibility key; the same seed gives bit-identical results whatever
        ``chunk_draws``. ``None`` draws fresh entropy, recorded in ``Results.seed``.
    sampling : ``"random"``, ``"lhs"`` (Latin hypercube) or ``"sobol"``.
    chunk_draws : draws simulated at once (default 16 384, 8 192 with ``keep="summary"``);
        bounds memory in long runs.
    keep : ``"full"`` keeps every variable per draw and month in ``Results.dataset``;
        ``"summary"`` keeps per-draw indicators and monthly means only (bounded memory).
    progress : show a progress bar (after one second) on standard error.
    tolerance : with ``draws="auto"`` only: ±1 % is ``0.01`` (relative for amounts and
        rates, absolute for probabilities; default 0.01).
    """
    if isinstance(draws, str) and draws == "auto":
        from .analysis.auto_draws import simulate_auto  # here: the analysis imports the engine

        return simulate_auto(scenario, tolerance, seed=seed, sampling=sampling,
                             chunk_draws=chunk_draws, keep=keep, progress=progress)
    if tolerance is not None:
        raise ValueError("tolerance applies only with draws='auto'")
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
        raise ValueError(f"draws must be a positive integer, got {draws!r}")
    if sampling not in SAMPLINGS:
        raise ValueError(f"sampling must be one of {SAMPLINGS}, got {sampling!r}")
    if keep not in ("full", "summary"):
        raise ValueError(f"keep must be 'full' or 'summary', got {keep!r}")
    if chunk_draws is None:
        chunk_draws = DEFAULT_CHUNK_DRAWS if keep == "full" else DEFAULT_SUMMARY_CHUNK_DRAWS
    chunk_draws = int(chunk_draws)
    if chunk_draws < 1:
        raise ValueError(f"chunk_draws must be positive, got {chunk_draws!r}")
    seed_value = _resolve_seed(seed)
    plan = plan_inputs(scenario)
    notices = list(plan.notices)
    if sampling == "sobol":
        notices.append(emit(Notice("sobol_not_keyed")))

    n_months = scenario.horizon_months
    opening_month_of_year = int(scenario.simulation.opening_month[5:7]) - 1
    first_budget_year = int(scenario.simulation.opening_month[:4])
    year_ranges = budget_year_ranges(n_months, opening_month_of_year)

    def run(values: dict[str, np.ndarray], n_draws: int):
        accounts = run_model(model_parameters(scenario, values), n_draws, n_months,
                             opening_month_of_year)
        indicators = draw_indicators(accounts.own_revenue_eur, accounts.operating_costs_eur,
                                     accounts.cash_eur, accounts.balancing_subsidy_eur,
                                     np.broadcast_to(accounts.occupancy.occupancy_rate,
                                                     (n_draws, n_months)),
                                     accounts.full_cost_extra_eur)
        indicators.update(operator_indicators(accounts, n_draws, n_months))
        public_money = np.broadcast_to(accounts.public_money_eur, (n_draws, n_months))
        indicators["public_money_eur"] = public_money.sum(axis=1)
        indicators.update(territory_draw_indicators(accounts, public_money, scenario, values,
                                                    n_draws))
        indicators.update(collectivity_indicators(
            accounts.collectivity, year_ranges, first_budget_year,
            discount_factor(indicators["discount_rate"][:, None], n_months)))
        indicators.update(public_money_indicators(
            accounts.public, np.broadcast_to(sum(accounts.occupancy.users_by_segment.values()),
                                             (n_draws, n_months)),
            accounts.occupancy.served_user_days, scenario.site.open_days_per_month,
            scenario.public_support.population_inhabitants, n_draws))
        check_finite_chunk(accounts, indicators)  # a NaN or an infinity is an error
        return accounts, indicators

    central = ResultsCollector(scenario, 1, keep="full")
    central.add(0, 1, *run(central_input_values(plan), 1))

    collector = ResultsCollector(scenario, int(draws), keep=keep)
    with tqdm(total=int(draws), disable=not progress, delay=1.0,
              unit=message("engine.progress_unit"), desc=message("engine.progress"),
              leave=False) as bar:
        for start, stop in _chunks(int(draws), chunk_draws):
            values = draw_input_values(plan, seed_value, start, stop, sampling)
            collector.add(start, stop, *run(values, stop - start))
            if keep == "summary":
                release_free_memory()  # bounded memory: do not keep freed chunks around
            bar.update(stop - start)
    return Results.from_collectors(scenario, collector, central, seed=seed_value,
                                   sampling=sampling, keep=keep, notices=notices)
