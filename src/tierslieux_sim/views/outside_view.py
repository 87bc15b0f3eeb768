"""The outside view (issue 15): where this scenario's key figures sit among real French sites
of the reference class (``data/reference_sites/``), with a plain warning when the scenario
is more optimistic than nine real sites in ten.

Figures compared, each with its direction of optimism:

- regular users per site at maturity (the central case's mean users in year 3, or the last
  year when the horizon is shorter), against coworkings' and télécentres' observed regular
  users (a network's count divided by its sites) — more is more optimistic;
- staff in full-time equivalents (the central case's staff) — fewer is more optimistic when
  the site is run on them, so the warning is for staff *below* nine real sites in ten;
- day price [€ excl. VAT] — a higher price is more optimistic (more revenue per day);
- occupancy at maturity [0–1] — more is more optimistic;
- own revenue as a share of all resources at maturity (own revenue, donations, subsidies,
  the balancing subsidy) — more is more optimistic, against the national census (about half
  of resources, France Tiers-Lieux 2021 on 2019 data).

The reference class is small (a handful of values per figure): the comparison says where
the scenario sits among them and how many there are, not a probability.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tierslieux_sim.analysis.priors import (
    Observation,
    occupancy_observations,
    price_observations,
    regular_users_observations,
    staff_observations,
)
from tierslieux_sim.core.formatting import format_eur, format_number, format_percent
from tierslieux_sim.core.i18n import current_language, message
from tierslieux_sim.engine.results import Results
from tierslieux_sim.scenario.distributions import central_value
from tierslieux_sim.scenario.reference_class import national_figure, reference_sites, site
from tierslieux_sim.scenario.schedules import schedule_first_value

#: A scenario more optimistic than this share of real sites gets a warning.
WARNING_SHARE = 0.9
#: Fewest real values a comparison needs to be shown as a position among sites.
MIN_OBSERVATIONS = 3


@dataclass(frozen=True)
class Benchmark:
    """One key figure: the scenario's value among the real sites' values."""

    key: str  # regular_users | staff_fte | day_price_eur | occupancy | own_revenue_share
    scenario_value: float
    observations: tuple[Observation, ...]
    #: whether a higher value is the optimistic side (users, price, occupancy, coverage)
    higher_is_optimistic: bool

    @property
    def more_optimistic_than(self) -> float:
        """Share of real sites the scenario is more optimistic than [0–1]."""
        values = np.array([o.value for o in self.observations])
        if values.size == 0:
            return float("nan")
        beaten = values < self.scenario_value if self.higher_is_optimistic \
            else values > self.scenario_value
        return float(np.mean(beaten))

    @property
    def warning(self) -> bool:
        """More optimistic than nine real sites in ten (with enough real values to say so)."""
        return (len(self.observations) >= MIN_OBSERVATIONS
                and self.more_optimistic_than >= WARNING_SHARE)

    def site_names(self) -> list[str]:
        """The real sites' names (the national census for an aggregate figure)."""
        return [site(o.slug).name if not o.slug.startswith("_") else "France Tiers-Lieux"
                for o in self.observations]


def _maturity_year(results: Results) -> int:
    return min(3, results.horizon_years)


def _central_mean(results: Results, variable: str, year: int) -> float:
    values = results.central[variable].to_numpy()
    return float(values[12 * (year - 1): 12 * year].mean())


def scenario_figures(results: Results) -> dict[str, float]:
    """The scenario's key figures at maturity (central case)."""
    scenario = results.scenario
    year = _maturity_year(results)
    staff = sum(central_value(schedule_first_value(position.fte))
                for position in scenario.staff)
    months = slice(12 * (year - 1), 12 * year)
    own, resources = (sum(float(results.central[name].to_numpy()[months].sum())
                          for name in names) for names in (
        ("own_revenue_eur",),
        ("own_revenue_eur", "donations_eur", "subsidies_received_eur", "balancing_subsidy_eur")))
    return {
        "regular_users": _central_mean(results, "users", year),
        "staff_fte": float(staff),
        "day_price_eur": float(central_value(schedule_first_value(scenario.prices.day_pass_eur))),
        "occupancy": _central_mean(results, "occupancy_rate", year),
        "own_revenue_share": own / resources if resources > 0 else float("nan"),
    }


def outside_view(results: Results) -> list[Benchmark]:
    """Every key figure of the scenario among the real sites' values."""
    sites = reference_sites()
    figures = scenario_figures(results)
    national = national_figure("own_revenue_share_of_resources")
    census = Observation("_national", national.value, national.year, None,
                         (f"_national:{national.source.id}",), national.note)
    return [
        Benchmark("regular_users", figures["regular_users"],
                  tuple(regular_users_observations(sites)), True),
        Benchmark("staff_fte", figures["staff_fte"], tuple(staff_observations(sites)), False),
        Benchmark("day_price_eur", figures["day_price_eur"],
                  tuple(price_observations(sites, "day_price_eur")), True),
        Benchmark("occupancy", figures["occupancy"], tuple(occupancy_observations(sites)), True),
        Benchmark("own_revenue_share", figures["own_revenue_share"], (census,), True),
    ]


def format_figure(key: str, value: float, language: str | None = None) -> str:
    """A key figure in its unit: ``12 usagers``, ``0,9 ETP``, ``15 €``, ``45 %``."""
    language = language or current_language()
    if key in ("occupancy", "own_revenue_share"):
        return format_percent(value, 0, language)
    if key == "day_price_eur":
        return format_eur(value, 0, language)
    decimals = 2 if key == "staff_fte" else 0
    return message(f"outside.unit.{key}", language, value=format_number(value, decimals, language))


def reading(benchmark: Benchmark, language: str | None = None) -> str:
    """One sentence: where the scenario sits, and the warning when it is too optimistic."""
    language = language or current_language()
    label = message(f"outside.figure.{benchmark.key}", language)
    shown = format_figure(benchmark.key, benchmark.scenario_value, language)
    count = len(benchmark.observations)
    national = [o for o in benchmark.observations if o.slug.startswith("_")]
    if national:  # an aggregate of the national census, not sites
        return message("outside.reading_national", language, label=label, value=shown,
                       national=format_figure(benchmark.key, national[0].value, language),
                       year=national[0].year)
    if count < MIN_OBSERVATIONS:
        return message("outside.reading_few", language, label=label, value=shown, count=count)
    share = benchmark.more_optimistic_than
    text = message("outside.reading", language, label=label, value=shown, count=count,
                   share=format_percent(share, 0, language),
                   low=format_figure(benchmark.key, min(o.value for o in benchmark.observations),
                                     language),
                   high=format_figure(benchmark.key, max(o.value for o in benchmark.observations),
                                      language))
    if benchmark.warning:
        text += " " + message(f"outside.warning.{benchmark.key}", language)
    return text


def warnings_text(results: Results, language: str | None = None) -> list[str]:
    """The warnings alone (figures more optimistic than nine real sites in ten)."""
    return [reading(benchmark, language) for benchmark in outside_view(results)
            if benchmark.warning]
