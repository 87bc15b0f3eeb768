"""Calibration of the model against the reference class of real sites.

For every reference site that has an opening date and an observed outcome the model can
produce (users in a year, occupancy, operating revenue, own revenue, result): build a
scenario from what was known **at launch** only — the preset closest to the site's kind,
with the site's launch figures (capacity, prices, staff, population, opening month) — and
everything else from the priors of :mod:`.priors` **refitted without that site**
(leave-one-out); simulate it; and place each observed value in the model's distribution:
its PIT (share of draws below it, ties counted half), whether it lies inside P10–P90, and the
ratio observed ÷ model median. A calibrated model puts about 80 % of observations inside its
P10–P90 band and spreads PITs evenly over [0, 1].

Two ways of setting demand are scored (``DEMAND_VARIANTS``):

- ``reference``: each segment's adoption rate becomes a log-normal such that the site's
  mature users follow the predictive distribution of ``regular_users_per_site`` (refitted
  without the site), split between segments as in the preset, adoption rates rank-correlated
  at 0.9 so that their sum keeps the prior's spread;
- ``preset``: the preset's pools and adoption rates, pools scaled by the site's population
  when a source gives a catchment-sized one (commune, EPCI, canton).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tierslieux_sim.analysis.priors import (
    CATCHMENT_SCOPES,
    DESK_KINDS,
    NOT_SUPPORTED,
    Prior,
    fit_priors,
)
from tierslieux_sim.core.notices import TiersLieuxWarning
from tierslieux_sim.engine.pipeline import simulate
from tierslieux_sim.scenario.distributions import central_value
from tierslieux_sim.scenario.edits import prune_correlations, scenario_data
from tierslieux_sim.scenario.files import preset_scenario, scenario_from_dict
from tierslieux_sim.scenario.reference_class import ObservedYear, Site, reference_sites
from tierslieux_sim.scenario.schedules import schedule_first_value
from tierslieux_sim.scenario.schema import Scenario

DEMAND_VARIANTS = ("reference", "preset")
LOW, HIGH = 0.10, 0.90
#: Rank correlation between the segments' adoption rates in the ``reference`` variant.
ADOPTION_CORRELATION = 0.9


@dataclass(frozen=True)
class Observable:
    """An observed figure of the reference class and what the model gives for it."""

    key: str  # key of an [[observed]] table
    group: str  # users, occupancy, revenue, result
    variables: tuple[str, ...]  # monthly variables of the results, added
    how: str  # "mean" or "sum" over the months of the calendar year
    per_site: bool  # a network's figure is divided by its sites
    label: str


OBSERVABLES = (
    Observable("regular_users", "users", ("users",), "mean", True, "regular users"),
    Observable("users", "users", ("users",), "mean", True, "users in the year"),
    Observable("visitors_per_month", "users", ("users",), "mean", True, "persons per month"),
    Observable("occupancy", "occupancy", ("occupancy_rate",), "mean", False, "occupancy"),
    Observable("own_revenue_eur", "revenue", ("own_revenue_eur",), "sum", False, "own revenue"),
    Observable("operating_revenue_eur", "revenue", ("own_revenue_eur", "subsidies_eur"), "sum",
               False, "operating revenue (own revenue + operating subsidies)"),
    Observable("result_eur", "result", ("net_result_eur",), "sum", False, "net result"),
)
#: Figures the model has no equivalent for (said when a site cannot be scored).
NO_EQUIVALENT = ("users_cumulative", "visits_cumulative", "members", "active_members",
                 "volunteers_active", "visitors_per_day", "visitors_per_year",
                 "financial_status", "hosted_organisations", "new_businesses", "new_residents",
                 "debt_eur", "public_cost_total_eur", "subsidies_total_eur")

#: Preset closest to a site: by kind, and for coworkings by territory type.
PRESET_BY_KIND = {"telecentre": "telecentre_rural", "hybrid": "tiers_lieu_hybride",
                  "fablab": "tiers_lieu_hybride"}
COWORKING_PRESET = {"rural": "default", "periurban": "default",
                    "small_town": "coworking_petite_ville", "urban": "coworking_petite_ville"}
CAPACITY_KEYS = ("desks", "offices", "meeting_rooms", "surface_m2")

#: Readings of a site's capacity the generic rule cannot make, with the reason (from the
#: site's file): scenario path → value.
CAPACITY_READINGS: dict[str, tuple[dict[str, Any], str]] = {
    "tiers_lieu_chamblay": (
        {"site.private_offices": 5, "site.seats_per_office": 1, "site.flex_desks": 2,
         "site.dedicated_desks": 0},
        "two double and three single offices, 7 seats (file note); the model's offices have "
        "one size: five one-seat offices and the 2 extra seats as flexible desks"),
}


def preset_for(site: Site) -> str:
    if site.kind == "coworking":
        return COWORKING_PRESET[site.territory.type]
    return PRESET_BY_KIND[site.kind]


# --- scoring -------------------------------------------------------------------------------

def pit(draws: np.ndarray, observed: float) -> float:
    """Probability integral transform: share of draws below ``observed``, ties counted half
    (a value no draw reaches scores 1, one below every draw 0)."""
    draws = np.asarray(draws, dtype=float)
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        raise ValueError("no finite draw")
    return float((np.sum(draws < observed) + 0.5 * np.sum(draws == observed)) / draws.size)


@dataclass(frozen=True)
class Score:
    """Where one observed value falls in the model's distribution."""

    slug: str
    kind: str
    variant: str
    observable: str
    group: str
    year: int
    year_of_operation: int | None
    observed: float
    p10: float
    p50: float
    p90: float
    pit: float
    months: int  # months of the calendar year the model covers (12 unless opening year)
    note: str = ""

    @property
    def inside(self) -> bool:
        return self.p10 <= self.observed <= self.p90

    @property
    def ratio(self) -> float:
        """Observed ÷ model median (inf when the median is 0 and the observation is not)."""
        if self.p50 > 0:
            return self.observed / self.p50
        return 1.0 if self.observed == 0 else math.inf


def score(draws: np.ndarray, observed: float, **fields: Any) -> Score:
    """A :class:`Score` of ``observed`` against per-draw model values."""
    values = np.asarray(draws, dtype=float)
    values = values[np.isfinite(values)]
    p10, p50, p90 = (float(q) for q in np.quantile(values, [LOW, 0.5, HIGH]))
    return Score(observed=float(observed), p10=p10, p50=p50, p90=p90,
                 pit=pit(values, observed), **fields)


@dataclass(frozen=True)
class Summary:
    """Scores of a group of observations."""

    n: int
    inside: int
    median_ratio: float
    mean_pit: float
    below: int  # observations under P10
    above: int  # observations over P90

    @property
    def inside_share(self) -> float:
        return self.inside / self.n if self.n else math.nan


def summarise(scores: Sequence[Score]) -> Summary:
    if not scores:
        return Summary(0, 0, math.nan, math.nan, 0, 0)
    ratios = [s.ratio for s in scores]
    return Summary(len(scores), sum(s.inside for s in scores), float(np.median(ratios)),
                   float(np.mean([s.pit for s in scores])),
                   sum(s.observed < s.p10 for s in scores), sum(s.observed > s.p90 for s in scores))


# --- scenarios from launch-time inputs -----------------------------------------------------

@dataclass
class SiteScenario:
    """A site's scenario and what went into it."""

    scenario: Scenario
    preset: str
    from_site: list[str] = field(default_factory=list)
    from_priors: list[str] = field(default_factory=list)


def _lognormal(p5: float, p95: float) -> dict[str, Any]:
    return {"dist": "lognormal", "p5": float(p5), "p95": float(p95)}


def launch_figures(site: Site) -> dict[str, tuple[Any, str]]:
    """Figures known at launch: ``[launch]``, plus the capacity of a first-year observation
    (a source written in the first twelve months describes the site as opened) →
    ``{key: (value, where)}``."""
    figures = {key: (value, "launch") for key, value in site.launch.figures.values.items()}
    for observed in site.observed:
        if site.year_of_operation(observed.year) == 1:
            for key in CAPACITY_KEYS:
                if key not in figures and observed.figures.get(key) is not None:
                    figures[key] = (observed.figures.get(key), f"observed {observed.year} (year 1)")
    return figures


def site_scenario(site: Site, priors: Mapping[str, Prior], variant: str = "reference",
                  last_year: int | None = None) -> SiteScenario:
    """The scenario of ``site`` from its launch-time figures, the preset closest to it and
    ``priors`` (which should exclude the site)."""
    if variant not in DEMAND_VARIANTS:
        raise ValueError(f"variant must be one of {DEMAND_VARIANTS}")
    opening = site.opening_month()
    if opening is None:
        raise ValueError(f"{site.slug}: opening date unknown")
    name = preset_for(site)
    data = scenario_data(preset_scenario(name))
    result = SiteScenario(preset_scenario(name), name)
    said = result.from_site.append
    data["simulation"]["opening_month"] = f"{opening[0]:04d}-{opening[1]:02d}"
    said(f"opening {data['simulation']['opening_month']}"
         + (" (year only: July assumed)" if site.opened and len(site.opened) == 4 else ""))
    if last_year is not None:
        needed = last_year - opening[0] + 1
        data["simulation"]["horizon_years"] = min(30, max(data["simulation"]["horizon_years"],
                                                          needed))

    launch = launch_figures(site)
    site_data = data["site"]
    if site.slug in CAPACITY_READINGS:
        changes, reason = CAPACITY_READINGS[site.slug]
        for path, value in changes.items():
            site_data[path.split(".")[1]] = value
        said(f"capacity: {reason}")
    elif "desks" in launch or "offices" in launch:
        if "desks" in launch:
            desks = int(launch["desks"][0])
            preset_desks = site_data["flex_desks"] + site_data["dedicated_desks"]
            dedicated = round(desks * site_data["dedicated_desks"] / preset_desks) if preset_desks else 0
            site_data["flex_desks"], site_data["dedicated_desks"] = desks - dedicated, dedicated
            said(f"desks {desks} ({launch['desks'][1]})")
        else:
            site_data["flex_desks"] = site_data["dedicated_desks"] = 0
        if "offices" in launch:
            site_data["private_offices"] = int(launch["offices"][0])
            said(f"offices {launch['offices'][0]} ({launch['offices'][1]})")
        else:
            site_data["private_offices"] = 0
        said("a capacity given in desks or offices only is the whole capacity")
    if "meeting_rooms" in launch:
        site_data["meeting_rooms"] = int(launch["meeting_rooms"][0])
        said(f"meeting rooms {launch['meeting_rooms'][0]}")
    if "surface_m2" in launch:
        site_data["surface_m2"] = float(launch["surface_m2"][0])
        said(f"surface {launch['surface_m2'][0]} m²")

    prices = data["prices"]
    if launch.get("free_access", (False,))[0]:
        for key in ("day_pass_eur", "ten_day_pack_eur", "flex_membership_eur_per_month",
                    "dedicated_desk_eur_per_month", "office_seat_eur_per_month"):
            prices[key] = 0.0
        said("free access: every desk price 0")
    if "day_price_eur" in launch:
        prices["day_pass_eur"] = float(launch["day_price_eur"][0])
        said(f"day price {launch['day_price_eur'][0]} €")
    if "month_price_eur" in launch:
        prices["flex_membership_eur_per_month"] = float(launch["month_price_eur"][0])
        said(f"month price {launch['month_price_eur'][0]} €")
    elif "month_price_eur_min" in launch and "month_price_eur_max" in launch:
        low, high = float(launch["month_price_eur_min"][0]), float(launch["month_price_eur_max"][0])
        prices["flex_membership_eur_per_month"] = {"dist": "uniform", "min": low, "max": high}
        said(f"month price uniform({low:g}, {high:g}) €")

    staff = data.get("staff", [])
    if staff and "staff_fte" in launch:
        staff[0]["fte"] = float(launch["staff_fte"][0])
        said(f"staff {launch['staff_fte'][0]} FTE")
    elif staff and site.kind in DESK_KINDS and priors["staff_fte"].status != NOT_SUPPORTED:
        quantiles = priors["staff_fte"].quantiles
        # bounded field: a PERT on the predictive 90 % interval, mode at its median
        staff[0]["fte"] = {"dist": "pert", "min": quantiles["p5"], "mode": quantiles["p50"],
                           "max": min(quantiles["p95"], 20.0)}
        result.from_priors.append(f"staff_fte PERT({quantiles['p5']:.2f}, {quantiles['p50']:.2f}, "
                                  f"{quantiles['p95']:.2f}) FTE (n={priors['staff_fte'].n})")

    population = site.territory.population
    scale = 1.0
    if population and site.territory.population_scope in CATCHMENT_SCOPES:
        per_site = population / site.sites_count
        scale = per_site / data["public_support"]["population_inhabitants"]
        data["public_support"]["population_inhabitants"] = int(round(per_site))
        said(f"population {per_site:,.0f} ({site.territory.population_scope})")
    segments = data["demand"]["segments"]
    if variant == "preset":
        if scale != 1.0:
            for segment in segments:
                segment["pool_people"] = _scaled(segment["pool_people"], scale)
            result.from_site.append(f"pools × {scale:.2f} (population)")
    else:
        users = priors["regular_users_per_site"]
        if users.status == NOT_SUPPORTED:
            raise ValueError("regular_users_per_site cannot be fitted: no reference demand")
        preset_segments = result.scenario.demand.segments
        central = [central_value(schedule_first_value(s.pool_people)) * central_value(s.adoption_rate)
                   for s in preset_segments]
        total = sum(central)
        paths = []
        for index, (segment, users_central, preset_segment) in enumerate(
                zip(segments, central, preset_segments, strict=True)):
            share = users_central / total
            adoption = central_value(preset_segment.adoption_rate)
            # Lognormal demand on the pool (an adoption rate must stay ≤ 1, a lognormal
            # cannot be truncated): pool × adoption follows the prior's share of users.
            segment["adoption_rate"] = adoption
            segment["pool_people"] = _lognormal(share * users.quantiles["p5"] / adoption,
                                                share * users.quantiles["p95"] / adoption)
            paths.append(f"demand.segments[{index}].pool_people")
        data["correlations"] = [c for c in data.get("correlations", [])
                                if c["a"] not in paths and c["b"] not in paths]
        data["correlations"] += [{"a": a, "b": b, "rank_correlation": ADOPTION_CORRELATION}
                                 for i, a in enumerate(paths) for b in paths[i + 1:]]
        result.from_priors.append(
            f"mature users lognormal p5–p95 {users.quantiles['p5']:.1f}–"
            f"{users.quantiles['p95']:.1f} (regular_users_per_site, n={users.n})")
    prune_correlations(data)
    result.scenario = scenario_from_dict(data, f"calibration:{site.slug}")
    return result


def _scaled(value: Any, factor: float) -> Any:
    if isinstance(value, int | float):
        return float(value) * factor
    scaled = dict(value)
    for key in ("min", "mode", "max", "p5", "p95", "mean", "low", "high"):
        if key in scaled and isinstance(scaled[key], int | float):
            scaled[key] = float(scaled[key]) * factor
    return scaled


# --- the calibration -----------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """An observed value of a site the model can be scored on."""

    observable: Observable
    year: ObservedYear
    value: float
    note: str = ""


def targets(site: Site) -> list[Target]:
    """The site's observations that have a model equivalent (a network's counts per site)."""
    found = []
    for observed in site.observed:
        for observable in OBSERVABLES:
            value = observed.figures.get(observable.key)
            if value is None or isinstance(value, bool | str):
                continue
            if observable.key == "users" and observed.figures.get("regular_users") is not None:
                continue  # one users figure a year: the regular users
            note = ""
            count = site.sites_in(observed)
            if count > 1:
                if not observable.per_site:
                    continue
                value, note = value / count, f"network of {count} sites: per-site mean"
            found.append(Target(observable, observed, float(value), note))
    return found


def unusable_reason(site: Site) -> str | None:
    """Why a site cannot be scored (None if it can)."""
    if site.opening_month() is None:
        return "opening date unknown"
    if not site.observed:
        return "no observed outcome"
    if not targets(site):
        figures = sorted({key for o in site.observed for key in o.figures.values
                          if key in NO_EQUIVALENT})
        return ("no observed figure with a model equivalent"
                + (f" (has {', '.join(figures)})" if figures else ""))
    return None


@dataclass
class Calibration:
    scores: list[Score]
    excluded: dict[str, str]  # slug → reason
    inputs: dict[str, dict[str, SiteScenario]]  # slug → variant → scenario
    draws: int
    seed: int

    def of(self, variant: str) -> list[Score]:
        return [s for s in self.scores if s.variant == variant]

    def summary(self, variant: str, group: str | None = None,
                kinds: Iterable[str] | None = None) -> Summary:
        kinds = tuple(kinds) if kinds is not None else None
        return summarise([s for s in self.of(variant) if (group is None or s.group == group)
                          and (kinds is None or s.kind in kinds)])


def model_values(results: Any, observable: Observable, year: int) -> tuple[np.ndarray, int]:
    """Per-draw model value of ``observable`` in calendar ``year`` and the months covered."""
    dataset = results.dataset
    in_year = dataset["month"].dt.year == year
    months = int(in_year.sum())
    if months == 0:
        raise ValueError(f"year {year} outside the simulated months")
    total = sum(dataset[name].sel(month=in_year) for name in observable.variables)
    reduced = total.mean("month") if observable.how == "mean" else total.sum("month")
    return np.asarray(reduced.transpose("draw").values, dtype=float), months


def calibrate(draws: int = 2000, seed: int = 0, slugs: Iterable[str] | None = None,
              variants: Sequence[str] = DEMAND_VARIANTS,
              progress: Callable[[str], None] | None = None) -> Calibration:
    """Score every usable reference site (or those in ``slugs``), leave-one-out."""
    chosen = set(slugs) if slugs is not None else None
    scores: list[Score] = []
    excluded: dict[str, str] = {}
    inputs: dict[str, dict[str, SiteScenario]] = {}
    for index, site in enumerate(reference_sites()):
        if chosen is not None and site.slug not in chosen:
            continue
        reason = unusable_reason(site)
        if reason:
            excluded[site.slug] = reason
            continue
        if progress:
            progress(site.slug)
        priors = fit_priors(exclude=[site.slug])
        site_targets = targets(site)
        last_year = max(t.year.year for t in site_targets)
        inputs[site.slug] = {}
        for variant in variants:
            built = site_scenario(site, priors, variant, last_year)
            inputs[site.slug][variant] = built
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", TiersLieuxWarning)
                results = simulate(built.scenario, draws=draws, seed=seed + index)
            for target in site_targets:
                values, months = model_values(results, target.observable, target.year.year)
                scores.append(score(
                    values, target.value, slug=site.slug, kind=site.kind, variant=variant,
                    observable=target.observable.key, group=target.observable.group,
                    year=target.year.year, year_of_operation=site.year_of_operation(
                        target.year.year), months=months, note=target.note))
    return Calibration(scores, excluded, inputs, draws, seed)


# --- the report ----------------------------------------------------------------------------

def _share(summary: Summary) -> str:
    return "—" if not summary.n else f"{summary.inside}/{summary.n} ({summary.inside_share:.0%})"


def _number(value: float) -> str:
    if not math.isfinite(value):
        return "∞"
    if abs(value) >= 1000:
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def summary_table(calibration: Calibration) -> list[str]:
    """Markdown rows: per variant, per group and overall (and desk kinds only)."""
    rows = ["| demand | observable | n | inside P10–P90 | below P10 | above P90 | median "
            "observed ÷ model median | mean PIT |", "|---|---|---|---|---|---|---|---|"]
    for variant in DEMAND_VARIANTS:
        if not calibration.of(variant):
            continue
        groups = sorted({s.group for s in calibration.of(variant)})
        lines = [(group, calibration.summary(variant, group)) for group in groups]
        lines.append(("**all**", calibration.summary(variant)))
        lines.append(("all, coworkings and télécentres only",
                      calibration.summary(variant, kinds=DESK_KINDS)))
        for label, summary in lines:
            rows.append(f"| {variant} | {label} | {summary.n} | {_share(summary)} | "
                        f"{summary.below} | {summary.above} | {_number(summary.median_ratio)} | "
                        f"{summary.mean_pit:.2f} |")
    return rows


def scores_table(calibration: Calibration) -> list[str]:
    rows = ["| site | kind | observable | year (year of op.) | observed | demand | P10 | P50 | "
            "P90 | PIT | inside | observed ÷ P50 |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in sorted(calibration.scores, key=lambda s: (s.slug, s.year, s.observable, s.variant)):
        note = f" ({s.note})" if s.note else ""
        partial = f", {s.months} months" if s.months < 12 else ""
        rows.append(f"| `{s.slug}` | {s.kind} | {s.observable}{note} | {s.year} "
                    f"({s.year_of_operation}{partial}) | {_number(s.observed)} | {s.variant} | "
                    f"{_number(s.p10)} | {_number(s.p50)} | {_number(s.p90)} | {s.pit:.2f} | "
                    f"{'yes' if s.inside else 'no'} | {_number(s.ratio)} |")
    return rows


def calibration_markdown(calibration: Calibration, figure: str | None = None,
                         command: str = "tierslieux calibrate") -> str:
    """The calibration report (Markdown, English)."""
    reference = calibration.summary("reference")
    lines = [
        "# Calibration against the reference class",
        "",
        f"Generated by `{command}` ({calibration.draws} draws per site, seed "
        f"{calibration.seed}). Every number below is recomputed by that command.",
        "",
        "## Result",
        "",
        f"With demand from the reference class (leave-one-out), **{_share(reference)}** of "
        f"the observed values fall inside the model's P10–P90 band (goal: 70–90 %); the "
        f"median observed ÷ model median is {_number(reference.median_ratio)}.",
        "",
        *summary_table(calibration),
        "",
    ]
    if figure:
        lines += [f"![PIT histogram]({figure})", "",
                  "PIT = share of the model's draws below the observed value (ties count half). "
                  "A calibrated model spreads PITs evenly; a U shape means the bands are too "
                  "narrow, a pile at one end a bias.", ""]
    lines += ["## Every observation", "", *scores_table(calibration), "",
              "## Inputs of each site's scenario", "",
              "| site | preset | from the site (launch) | from the priors (leave-one-out) |",
              "|---|---|---|---|"]
    for slug, variants in calibration.inputs.items():
        built = variants.get("reference") or next(iter(variants.values()))
        lines.append(f"| `{slug}` | {built.preset} | {'; '.join(built.from_site)} | "
                     f"{'; '.join(built.from_priors) or '—'} |")
    lines += ["", "## Sites not scored", "", "| site | why |", "|---|---|"]
    lines += [f"| `{slug}` | {reason} |" for slug, reason in calibration.excluded.items()]
    lines.append("")
    return "\n".join(lines)


def pit_histogram_data(calibration: Calibration, bins: int = 5
                       ) -> dict[str, dict[str, list[float]]]:
    """PIT counts per bin, per variant and group: ``{variant: {group: counts}}`` and the
    bin edges under ``{"edges": {"": edges}}`` (for the figure)."""
    edges = np.linspace(0, 1, bins + 1)
    data: dict[str, dict[str, list[float]]] = {"edges": {"": edges.tolist()}}
    for variant in DEMAND_VARIANTS:
        scores = calibration.of(variant)
        if not scores:
            continue
        data[variant] = {}
        for group in sorted({s.group for s in scores}):
            pits = [s.pit for s in scores if s.group == group]
            data[variant][group] = np.histogram(pits, bins=edges)[0].astype(float).tolist()
    return data
