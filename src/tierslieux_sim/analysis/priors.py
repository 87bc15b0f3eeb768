"""Priors drawn from the reference class of real sites (``data/reference_sites/``).

Pure statistics (scipy.stats), no engine. Each :class:`Prior` keeps the observations it
rests on (site slug, year, value, ``slug:source`` ids), so that every number cites the sites
it comes from. What the data support:

- **fitted**: at least :data:`MIN_OBSERVATIONS` comparable observations. A positive quantity
  gets a log-normal: maximum-likelihood ``mu`` and ``sigma`` of the logs, and the
  *predictive* distribution of a new site (log-Student t with ``n − 1`` degrees of freedom and
  scale ``s √(1 + 1/n)``), which widens honestly when ``n`` is small; its quantiles are what
  a scenario should use. A closure rate gets a Poisson rate with its exact interval.
- **summary**: a few observations that cannot be fitted (censored values, selection): their
  range is reported, nothing more.
- **national**: no site figure; an aggregate of ``_national.toml`` is reported instead.
- **not_supported**: too few points; the prior says what stays in use instead (the presets'
  sourced values) and lists the points it has.

``python -m tierslieux_sim.analysis.priors --write`` writes ``data/reference/priors.toml``;
:func:`fit_priors` with ``exclude=`` refits without some sites (leave-one-out calibration).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from tierslieux_sim.scenario.reference_class import (
    Site,
    month_of,
    national_figure,
    reference_sites,
    users_per_thousand_inhabitants,
)

#: Fewer comparable observations than this: no distribution is fitted.
MIN_OBSERVATIONS = 3
FITTED, SUMMARY, NATIONAL, NOT_SUPPORTED = "fitted", "summary", "national", "not_supported"
QUANTILES = {"p5": 0.05, "p10": 0.10, "p50": 0.50, "p90": 0.90, "p95": 0.95}
#: Kinds of site whose users are desk users (fablabs and hybrids count visitors, members).
DESK_KINDS = ("coworking", "telecentre")
#: Population scopes comparable for users per 1,000 inhabitants (a département is not a
#: catchment area).
CATCHMENT_SCOPES = ("commune", "epci", "canton")
PRIORS_FILE = Path(__file__).parents[1] / "data" / "reference" / "priors.toml"


@dataclass(frozen=True)
class Observation:
    """One figure of one site used by a prior."""

    slug: str
    value: float
    year: int | None
    year_of_operation: int | None
    sources: tuple[str, ...]  # "slug:sN"
    note: str = ""


@dataclass(frozen=True)
class Prior:
    """A prior and the evidence behind it."""

    name: str
    description: str
    unit: str
    status: str
    observations: tuple[Observation, ...] = ()
    distribution: str | None = None
    parameters: Mapping[str, float] = field(default_factory=dict)
    quantiles: Mapping[str, float] = field(default_factory=dict)
    fallback: str = ""
    note: str = ""
    national_sources: tuple[str, ...] = ()
    as_of_year: int | None = None  # year of a national figure

    @property
    def n(self) -> int:
        return len(self.observations)

    @property
    def sites(self) -> tuple[str, ...]:
        return tuple(sorted({o.slug for o in self.observations}))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({s for o in self.observations for s in o.sources}
                            | set(self.national_sources)))

    @property
    def median(self) -> float | None:
        return self.quantiles.get("p50")


# --- fitting -------------------------------------------------------------------------------

def fit_lognormal(values: Sequence[float]) -> tuple[float, float]:
    """Maximum-likelihood ``(mu, sigma)`` of a log-normal (mean and population standard
    deviation of the logs)."""
    logs = np.log(np.asarray(values, dtype=float))
    if logs.size == 0 or not np.all(np.isfinite(logs)):
        raise ValueError("a log-normal needs positive values")
    return float(np.mean(logs)), float(np.std(logs))


def lognormal_predictive_quantiles(values: Sequence[float],
                                   probabilities: Mapping[str, float] = QUANTILES
                                   ) -> dict[str, float]:
    """Quantiles of the next value when ``values`` are log-normal with unknown ``mu`` and
    ``sigma`` (non-informative prior): ``log x ~ m + s √(1 + 1/n) t(n − 1)``."""
    logs = np.log(np.asarray(values, dtype=float))
    n = logs.size
    if n < 2:
        raise ValueError("the predictive distribution needs at least two values")
    scale = float(np.std(logs, ddof=1)) * math.sqrt(1 + 1 / n)
    t = stats.t(df=n - 1)
    return {name: float(math.exp(float(np.mean(logs)) + scale * float(t.ppf(p))))
            for name, p in probabilities.items()}


def poisson_rate(events: int, exposure: float, level: float = 0.90) -> tuple[float, float, float]:
    """Rate ``events / exposure`` and its exact (Garwood) two-sided interval."""
    if exposure <= 0:
        raise ValueError("exposure must be positive")
    tail = (1 - level) / 2
    low = float(stats.chi2.ppf(tail, 2 * events)) / (2 * exposure) if events else 0.0
    high = float(stats.chi2.ppf(1 - tail, 2 * events + 2)) / (2 * exposure)
    return events / exposure, low, high


def _lognormal_prior(name: str, description: str, unit: str,
                     observations: Sequence[Observation], fallback: str, note: str = "") -> Prior:
    if len(observations) < MIN_OBSERVATIONS:
        return Prior(name, description, unit, NOT_SUPPORTED, tuple(observations),
                     fallback=fallback, note=note)
    values = [o.value for o in observations]
    mu, sigma = fit_lognormal(values)
    return Prior(name, description, unit, FITTED, tuple(observations), "lognormal",
                 {"mu": mu, "sigma": sigma, "df": len(values) - 1},
                 lognormal_predictive_quantiles(values), fallback=fallback, note=note)


# --- observations --------------------------------------------------------------------------

def _figure(site: Site, key: str) -> Observation | None:
    """A site's figure ``key``: from ``[launch]``, else its first observed year."""
    if site.launch.figures.get(key) is not None:
        return Observation(site.slug, float(site.launch.figures.get(key)), None, None,
                           (site.source_reference(site.launch.figures.source_id(key)),), "launch")
    observed = site.first_observed(key)
    if observed is None:
        return None
    return Observation(site.slug, float(observed.figures.get(key)), observed.year,
                       site.year_of_operation(observed.year),
                       (site.source_reference(observed.figures.source_id(key)),))


def regular_users_observations(sites: Iterable[Site]) -> list[Observation]:
    """Regular users (else users) per site of coworkings and télécentres, a network's
    count divided by its sites; one observation per site (its first such year)."""
    found = []
    for site in sites:
        if site.kind not in DESK_KINDS:
            continue
        for observed in site.observed:
            key = next((k for k in ("regular_users", "users") if observed.figures.get(k)), None)
            if key is None:
                continue
            count = site.sites_in(observed)
            found.append(Observation(
                site.slug, observed.figures.get(key) / count, observed.year,
                site.year_of_operation(observed.year),
                (site.source_reference(observed.figures.source_id(key)),),
                f"{key}" + (f", network of {count} sites: per-site mean" if count > 1 else "")))
            break
    return found


def occupancy_observations(sites: Iterable[Site]) -> list[Observation]:
    return [Observation(site.slug, float(observed.figures.get("occupancy")), observed.year,
                        site.year_of_operation(observed.year),
                        (site.source_reference(observed.figures.source_id("occupancy")),),
                        "reported 'full' (saturé), stored as 1.0"
                        if observed.figures.get("occupancy") == 1.0 else "")
            for site in sites for observed in site.observed
            if observed.figures.get("occupancy") is not None]


def staff_observations(sites: Iterable[Site], per_desk: bool = False) -> list[Observation]:
    """Staff in FTE (headcounts are not FTE and are left out); ``per_desk``: divided by the
    desks of the same site (launch or observed)."""
    found = []
    for site in sites:
        staff = _figure(site, "staff_fte")
        if staff is None:
            continue
        if not per_desk:
            found.append(staff)
            continue
        desks = _figure(site, "desks")
        if desks is not None and desks.value > 0:
            found.append(Observation(site.slug, staff.value / desks.value, staff.year,
                                     staff.year_of_operation, staff.sources + desks.sources,
                                     "staff_fte / desks"))
    return found


def price_observations(sites: Iterable[Site], key: str) -> list[Observation]:
    """A price of each site (launch, else the first year that gives it); a range
    ``<key>_min``/``_max`` counts as its midpoint."""
    found = []
    for site in sites:
        figure = _figure(site, key)
        if figure is None:
            low, high = _figure(site, f"{key}_min"), _figure(site, f"{key}_max")
            if low is not None and high is not None:
                figure = Observation(site.slug, (low.value + high.value) / 2, low.year,
                                     low.year_of_operation, tuple(dict.fromkeys(low.sources + high.sources)),
                                     f"midpoint of {low.value:g}–{high.value:g}")
        if figure is not None:
            found.append(figure)
    return found


def ramp_up_observations(sites: Iterable[Site]) -> list[Observation]:
    """Months to maturity need a count of users in at least two years of the same site
    (none in the class so far): one observation per site that has them, the years of
    operation of its first and last counts as value."""
    found = []
    for site in sites:
        years = [o for o in site.observed if o.figures.get("users") or o.figures.get("regular_users")]
        if len(years) >= 2:
            found.append(Observation(site.slug, float(len(years)), years[0].year,
                                     site.year_of_operation(years[0].year),
                                     tuple(site.source_reference(
                                         o.figures.source_ids.get("users")
                                         or o.figures.source_id("regular_users")) for o in years)))
    return found


def survival_exposure(sites: Iterable[Site]) -> tuple[int, float, list[Observation]]:
    """Closures, site-years followed, and one observation per site (years followed):
    from opening to closure, else to the last evidence (``as_of``). A change of operator
    is not a closure."""
    events, exposure, found = 0, 0.0, []
    for site in sites:
        opening = site.opening_month()
        if opening is None or site.survival is None:
            continue
        end = month_of(site.survival.closed or site.survival.as_of)
        years = ((end[0] * 12 + end[1]) - (opening[0] * 12 + opening[1])) / 12
        if years <= 0:
            continue
        closed = site.survival.status == "closed"
        events += closed
        exposure += years
        found.append(Observation(site.slug, years, end[0], None,
                                 (site.source_reference(site.survival.source_id),),
                                 "closed" if closed else site.survival.status))
    return events, exposure, found


# --- the priors ----------------------------------------------------------------------------

PRESET_FALLBACK = ("the presets' sourced values stay in use (see their comments and "
                   "/work/shared/reference/figures.md §2 and §5)")


def fit_priors(exclude: Iterable[str] = (), sites: Sequence[Site] | None = None
               ) -> dict[str, Prior]:
    """Every prior, from the reference class without the sites in ``exclude``."""
    excluded = set(exclude)
    pool = [s for s in (reference_sites() if sites is None else sites) if s.slug not in excluded]
    priors: list[Prior] = []

    priors.append(_lognormal_prior(
        "regular_users_per_site",
        "Regular users of a coworking or télécentre (per site of a network), years 1–6, "
        "pooled over territory types and years (too few points to split them)",
        "persons", regular_users_observations(pool),
        fallback="the presets' pool × adoption rate",
        note="Sites described in public documents are those that worked well enough to be "
             "written about: the class likely over-represents successes (see the national "
             "télécentre survey, prior telecentre_regular_users_national)."))

    per_thousand = [p for p in users_per_thousand_inhabitants(tuple(pool))
                    if p.population_scope in CATCHMENT_SCOPES]
    all_points = [p for p in users_per_thousand_inhabitants(tuple(pool))]
    by_type: dict[str, list[Observation]] = {}
    for point in per_thousand:
        by_type.setdefault(point.territory_type, []).append(
            Observation(point.slug, point.value, point.year, point.year_of_operation,
                        point.source_ids, f"{point.measure} per 1,000 inhabitants of the "
                                          f"{point.population_scope}"))
    fitted_types = {t: obs for t, obs in by_type.items() if len(obs) >= MIN_OBSERVATIONS}
    if fitted_types:
        for territory_type, observations in sorted(fitted_types.items()):
            priors.append(_lognormal_prior(
                f"users_per_1000_inhabitants_{territory_type}",
                f"Users per 1,000 inhabitants, {territory_type}", "per 1,000 inhabitants",
                observations, fallback=PRESET_FALLBACK))
    else:
        priors.append(Prior(
            "users_per_1000_inhabitants",
            "Users per 1,000 inhabitants by territory type and year of operation",
            "per 1,000 inhabitants", NOT_SUPPORTED,
            tuple(Observation(p.slug, p.value, p.year, p.year_of_operation, p.source_ids,
                              f"{p.measure}, population of the {p.population_scope}")
                  for p in all_points),
            fallback="the presets' pools (share of working residents whose job can be "
                     "done remotely, OFCE 2020) × adoption rates (expert); no users per "
                     "inhabitant from the class",
            note=f"{len(all_points)} site(s) have both a population and a count of users, "
                 f"{len(per_thousand)} with a catchment-sized population (commune, EPCI, "
                 "canton); a département is not a catchment area. No split by territory "
                 "type or year is possible."))

    priors.append(_lognormal_prior(
        "months_to_maturity", "Ramp-up: months from opening to mature use", "months",
        ramp_up_observations(pool),
        fallback="pert(12, 24, 36) months of the presets (Deskmag: break-even at the 12th "
                 "month; Fabriques de Territoire: 3-year support)",
        note="Needs counts of users in two or more years of the same site; the class has "
             "none (Villard-de-Lans has two occupancy figures, 1.0 in year 3 and 0.6 in "
             "year 10: a decline, not a ramp-up)."))
    priors.append(_lognormal_prior(
        "day_price_eur", "Day pass price (VAT status not stated by any source)", "EUR/day",
        price_observations(pool, "day_price_eur"),
        fallback="triangular(6, 12, 20) EUR of the presets (Gorges 6–9, Normandie mean 10, "
                 "France mean 18: Neo-nomade 2016, neoproduits.com)"))
    priors.append(_lognormal_prior(
        "month_price_eur", "Monthly price (membership or office)", "EUR/month",
        price_observations(pool, "month_price_eur"),
        fallback="the presets' monthly prices (triangular(90, 125, 190) EUR for a dedicated "
                 "desk, figures.md §5)"))
    priors.append(_lognormal_prior(
        "staff_fte", "Paid staff of a small site (FTE; headcounts left out)", "FTE",
        staff_observations(pool),
        fallback="pert(0.5, 0.75, 1.0) FTE of the default preset",
        note="Mixed kinds (coworkings, a rural fablab); La Cordée's 0.5 FTE is its animator "
             "paid by the operator."))
    priors.append(_lognormal_prior(
        "staff_fte_per_desk", "Paid staff per desk", "FTE per desk",
        staff_observations(pool, per_desk=True),
        fallback="the presets' staff lines (figures.md §5: 0.5–1.75 FTE for 10–25 desks)"))

    occupancy = occupancy_observations(pool)
    values = sorted(o.value for o in occupancy)
    priors.append(Prior(
        "occupancy", "Desk or office occupancy as reported", "share", SUMMARY
        if values else NOT_SUPPORTED, tuple(occupancy), "empirical" if values else None,
        {"min": values[0], "median": float(np.median(values)), "max": values[-1]} if values else {},
        fallback="no fitted prior; the model computes occupancy from demand and capacity",
        note="Not fitted: few sites, and 'full' (saturé) is stored as 1.0, a censored value; "
             "sites are reported full when they are, so the figures lean high. Deskmag's "
             "small-city mean (44 %, figures.md §2) is the only broad figure."))

    share = national_figure("own_revenue_share_of_resources")
    statuses = {name: national_figure(f"share_{name}") for name in ("in_profit", "at_break_even",
                                                                    "in_deficit")}
    priors.append(Prior(
        "own_revenue_coverage", "Own revenue as a share of resources (France Tiers-Lieux, "
        "all tiers-lieux, self-declared)", "share", NATIONAL, (), "point",
        {"own_revenue_share": share.value, **{f"share_{k}": v.value for k, v in statuses.items()}},
        {"p50": share.value},
        fallback="no site in the class publishes both own revenue and operating costs",
        note=f"Share of resources, not of operating costs (close when the accounts balance); "
             f"{share.year} data. Financial situation {statuses['in_profit'].year}: "
             f"{statuses['in_profit'].value:.0%} in profit, "
             f"{statuses['at_break_even'].value:.0%} at break-even, "
             f"{statuses['in_deficit'].value:.0%} in deficit.",
        national_sources=tuple(sorted({f"_national:{share.source.id}",
                                       *(f"_national:{v.source.id}" for v in statuses.values())})),
        as_of_year=share.year))

    events, exposure, followed = survival_exposure(pool)
    if followed:
        rate, low, high = poisson_rate(events, exposure)
        priors.append(Prior(
            "annual_closure_rate", "Closures per site-year of operation (constant hazard)",
            "per year", FITTED if events else SUMMARY, tuple(followed), "poisson_rate",
            {"events": events, "site_years": exposure, "rate": rate, "rate_p5": low,
             "rate_p95": high, "survival_year_3": math.exp(-3 * rate),
             "survival_year_5": math.exp(-5 * rate)},
            {"p5": low, "p50": rate, "p95": high},
            fallback="the model has no closure; not used by the scenarios",
            note="Followed to the last public evidence only: later closures are unknown, so "
                 "the rate is a lower bound. A change of operator counts as survival."))

    priors.append(_national_telecentres())
    return {prior.name: prior for prior in priors}


def _national_telecentres() -> Prior:
    """Moriset's 2011 telephone survey of French rural télécentres (``_national.toml``)."""
    never = national_figure("telecentres_never_used")
    sporadic = national_figure("telecentres_sporadic_use")
    few = national_figure("telecentres_with_1_to_5_regular_users")
    surveyed = never.value + sporadic.value + few.value + 2  # + one network, + one centre
    return Prior(
        "telecentre_regular_users_national",
        "Regular teleworkers per rural télécentre (national survey, 2011)", "share", NATIONAL,
        (), "counts",
        {"surveyed": surveyed, "never_used": never.value, "sporadic": sporadic.value,
         "one_to_five": few.value, "share_without_regular_user":
             (never.value + sporadic.value) / surveyed},
        {}, fallback="a cross-check of regular_users_per_site, not fitted",
        note="10 never used, 6 sporadic use with months of vacancy, 8 with 1–5 regular users, "
             "a network of three centres with 17 and one centre with 14: the median "
             "télécentre had no regular user.", national_sources=(f"_national:{never.source.id}",))


# --- the priors file -----------------------------------------------------------------------

def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(round(value, 6)) if math.isfinite(value) else '"nan"'
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(type(value))


def priors_toml(priors: Mapping[str, Prior], checked: date | None = None) -> str:
    """The text of ``data/reference/priors.toml``. A prior with a central value follows the
    reference-value format of :mod:`tierslieux_sim.core.reference` (value, unit, source,
    as_of, checked, status); one that cannot be fitted has no ``value``."""
    checked = checked or date.today()
    lines = [
        "# GENERATED FILE — do not edit by hand. Written by",
        "#     python -m tierslieux_sim.analysis.priors --write",
        "# from the reference class in data/reference_sites/ (one TOML file per real site, with",
        "# its sources). Change a site file, then run the command again.",
        "#",
        "# Each prior: prior_status = fitted | summary | national | not_supported; n observations,",
        "# the sites and the sources (\"slug:sN\" = source sN of data/reference_sites/<slug>.toml,",
        "# \"_national:nN\" = _national.toml) it rests on; the observations themselves; and",
        "# `fallback`: what the presets use where the class cannot say. A log-normal prior gives",
        "# the maximum-likelihood mu and sigma of the logs and the quantiles of the predictive",
        "# distribution of a new site (log-Student t, n − 1 degrees of freedom), wider than the",
        "# fitted one when n is small. `value` is the median (or the national figure).",
        "",
    ]
    for name, prior in priors.items():
        lines.append(f"[priors.{name}]")
        if prior.median is not None:
            years = [o.year for o in prior.observations if o.year] or [
                prior.as_of_year or checked.year]
            source_text = ("Classe de référence tierslieux_sim (data/reference_sites/) : "
                           + ", ".join(prior.sources) if prior.observations else
                           "France Tiers-Lieux via _national.toml : " + ", ".join(prior.sources))
            lines += [f"value = {_toml(prior.median)}", f"unit = {_toml(prior.unit)}",
                      f"source = {_toml(source_text)}", f"as_of = {_toml(str(max(years)))}",
                      f"checked = {checked.isoformat()}", 'status = "non vérifié"']
        lines += [f"prior_status = {_toml(prior.status)}",
                  f"description = {_toml(prior.description)}"]
        if prior.median is None:
            lines.append(f"unit = {_toml(prior.unit)}")
        if prior.distribution:
            lines.append(f"distribution = {_toml(prior.distribution)}")
        lines += [f"n = {prior.n}", f"sites = {_toml(list(prior.sites))}",
                  f"sources = {_toml(list(prior.sources))}",
                  f"fallback = {_toml(prior.fallback)}"]
        note = prior.note
        if prior.median is not None:
            note = ("Statistique calculée sur la classe de référence ou les chiffres nationaux, "
                    "non relue dans les sources par le calcul. " + note)
        if note:
            lines.append(f"note = {_toml(note)}")
        if prior.parameters:
            lines.append(f"[priors.{name}.parameters]")
            lines += [f"{key} = {_toml(value)}" for key, value in prior.parameters.items()]
        if prior.quantiles:
            lines.append(f"[priors.{name}.quantiles]")
            lines += [f"{key} = {_toml(value)}" for key, value in prior.quantiles.items()]
        for observation in prior.observations:
            lines.append(f"[[priors.{name}.observations]]")
            lines += [f"site = {_toml(observation.slug)}", f"value = {_toml(observation.value)}"]
            if observation.year is not None:
                lines.append(f"year = {observation.year}")
            if observation.year_of_operation is not None:
                lines.append(f"year_of_operation = {observation.year_of_operation}")
            lines.append(f"sources = {_toml(list(observation.sources))}")
            if observation.note:
                lines.append(f"note = {_toml(observation.note)}")
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tierslieux_sim.analysis.priors",
                                     description="Fit the priors of the reference class.")
    parser.add_argument("--write", action="store_true",
                        help=f"write {PRIORS_FILE.name} (else print it)")
    arguments = parser.parse_args(argv)
    text = priors_toml(fit_priors())
    if arguments.write:
        PRIORS_FILE.write_text(text, "utf-8")
        print(f"written: {PRIORS_FILE}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
