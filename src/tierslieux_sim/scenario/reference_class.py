"""The reference class: real French tiers-lieux, coworkings, télécentres and fablabs.

One TOML file per site in ``data/reference_sites/`` (format in that folder's ``README.md``),
plus ``_national.toml`` (aggregate national figures). This module reads them into small
frozen dataclasses, checks their structure (a bad file raises :class:`ReferenceClassError`:
the files are shipped data, so a bad one is a test failure, not a user's mistake) and
offers the few derived figures the priors need (year of operation, users per 1,000
inhabitants where both exist).

    >>> sites = reference_sites()
    >>> sites[0].slug
    'atelier_de_beauvais'
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

KINDS = ("coworking", "telecentre", "hybrid", "fablab")
TERRITORY_TYPES = ("rural", "small_town", "periurban", "urban")
POPULATION_SCOPES = ("commune", "epci", "canton", "departement")
SURVIVAL_STATUSES = ("open", "closed", "operator_changed")
#: Keys of ``[launch]`` and ``[[observed]]`` that are notes or flags, not figures.
_NOT_FIGURES = {"source", "sources", "note", "year", "year_is_estimate", "period", "subsidies"}
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?$")
#: Month assumed when a date gives only its year: the middle of the year.
MID_YEAR_MONTH = 7
#: Keys counting persons who use the site (for :func:`users_per_thousand_inhabitants`).
USER_KEYS = ("users", "regular_users")


class ReferenceClassError(ValueError):
    """A reference-site file does not follow the format of ``data/reference_sites/README.md``."""


@dataclass(frozen=True)
class Source:
    """A public document a figure comes from."""

    id: str
    title: str
    publisher: str
    date: str
    address: str | None = None
    date_is_estimate: bool = False
    note: str = ""


@dataclass(frozen=True)
class Figures:
    """Figures of a table (``[territory]``, ``[launch]`` or one ``[[observed]]`` year) and
    the source id of each."""

    values: Mapping[str, Any]
    source_ids: Mapping[str, str]
    note: str = ""

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def source_id(self, key: str) -> str:
        return self.source_ids[key]


@dataclass(frozen=True)
class Territory:
    type: str
    type_basis: str
    population: int | None
    population_scope: str | None
    figures: Figures


@dataclass(frozen=True)
class Subsidy:
    funder: str
    source_id: str
    programme: str = ""
    amount_eur: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Launch:
    """What was known at opening."""

    figures: Figures
    subsidies: tuple[Subsidy, ...] = ()


@dataclass(frozen=True)
class ObservedYear:
    year: int
    year_is_estimate: bool
    figures: Figures


@dataclass(frozen=True)
class Survival:
    status: str
    as_of: str
    source_id: str
    closed: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Disagreement:
    figure: str
    values: tuple[Any, ...]
    source_ids: tuple[str, ...]
    used: str
    why: str


@dataclass(frozen=True)
class Site:
    """One real site of the reference class."""

    slug: str
    name: str
    kind: str
    commune: str
    departement: str
    territory: Territory
    launch: Launch
    observed: tuple[ObservedYear, ...]
    sources: Mapping[str, Source]
    opened: str | None = None
    opened_note: str = ""
    closed: str | None = None
    operator: str | None = None
    network_sites: tuple[str, ...] = ()
    survival: Survival | None = None
    disagreements: tuple[Disagreement, ...] = ()
    note: str = ""

    @property
    def sites_count(self) -> int:
        """Sites the file describes (a network of télécentres: several)."""
        launch_sites = self.launch.figures.get("sites")
        return int(launch_sites) if launch_sites else max(1, len(self.network_sites))

    @property
    def is_network(self) -> bool:
        return self.sites_count > 1

    def sites_in(self, observed: ObservedYear) -> int:
        """Sites the file describes in an observed year (its own ``sites`` figure if any)."""
        sites = observed.figures.get("sites")
        return int(sites) if sites else self.sites_count

    def opening_month(self) -> tuple[int, int] | None:
        """``(year, month)`` of opening; a date given by its year only opens mid-year."""
        return month_of(self.opened) if self.opened else None

    def year_of_operation(self, calendar_year: int) -> int | None:
        """Year of operation (1 = the first twelve months) that holds the middle of
        ``calendar_year``; None when the opening date is unknown or later."""
        opening = self.opening_month()
        if opening is None:
            return None
        months = (calendar_year * 12 + MID_YEAR_MONTH - 1) - (opening[0] * 12 + opening[1] - 1)
        return months // 12 + 1 if months >= 0 else None

    def source_reference(self, source_id: str) -> str:
        """``slug:id`` — how a prior cites the source of a figure."""
        if source_id not in self.sources:
            raise KeyError(f"{self.slug}: unknown source {source_id!r}")
        return f"{self.slug}:{source_id}"

    def first_observed(self, key: str) -> ObservedYear | None:
        """The first observed year that holds figure ``key``."""
        return next((year for year in self.observed if year.figures.get(key) is not None), None)


@dataclass(frozen=True)
class NationalFigure:
    name: str
    value: float
    unit: str
    year: int
    source: Source
    note: str = ""


# --- reading -------------------------------------------------------------------------------

def month_of(text: str) -> tuple[int, int]:
    """``(year, month)`` of a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date (``YYYY``: July)."""
    parts = text.split("-")
    return int(parts[0]), int(parts[1]) if len(parts) > 1 else MID_YEAR_MONTH


def _folder() -> Any:
    return resources.files("tierslieux_sim.data").joinpath("reference_sites")


def _fail(file: str, text: str) -> ReferenceClassError:
    return ReferenceClassError(f"{file}: {text}")


def _text(table: Mapping[str, Any], key: str, file: str, required: bool = True) -> str:
    value = table.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _fail(file, f"{key} must be a non-empty string")
    return value


def _choice(table: Mapping[str, Any], key: str, choices: tuple[str, ...], file: str) -> str:
    value = _text(table, key, file)
    if value not in choices:
        raise _fail(file, f"{key} = {value!r}, expected one of {', '.join(choices)}")
    return value


def _date(value: Any, key: str, file: str) -> str:
    if not isinstance(value, str) or not _DATE.match(value):
        raise _fail(file, f"{key} = {value!r} is not a YYYY, YYYY-MM or YYYY-MM-DD date")
    return value


def _figures(table: Mapping[str, Any], sources: Mapping[str, Source], file: str, where: str,
             skip: tuple[str, ...] = ()) -> Figures:
    """The figures of a table and the source of each (table-wide ``source`` or per-figure
    ``sources``), every source id checked."""
    values = {key: value for key, value in table.items()
              if key not in _NOT_FIGURES and key not in skip
              and isinstance(value, int | float | bool | str)}
    default = table.get("source")
    per_figure = table.get("sources", {})
    if not isinstance(per_figure, dict):
        raise _fail(file, f"{where}.sources must be a table")
    source_ids: dict[str, str] = {}
    for key in values:
        if key in ("type", "type_basis", "population_scope", "premises") and key not in per_figure:
            if default is None:
                continue  # descriptive, not a figure that needs a source
        source_id = per_figure.get(key, default)
        if source_id is None:
            raise _fail(file, f"{where}.{key} has no source")
        if source_id not in sources:
            raise _fail(file, f"{where}.{key}: unknown source {source_id!r}")
        source_ids[key] = source_id
    for key, source_id in per_figure.items():
        if source_id not in sources:
            raise _fail(file, f"{where}.sources.{key}: unknown source {source_id!r}")
    return Figures(values, source_ids, str(table.get("note", "")))


def _sources(items: Any, file: str) -> dict[str, Source]:
    if not isinstance(items, list) or not items:
        raise _fail(file, "[[sources]] missing")
    sources: dict[str, Source] = {}
    for item in items:
        source_id = _text(item, "id", file)
        if source_id in sources:
            raise _fail(file, f"source id {source_id!r} used twice")
        if not item.get("address") and not item.get("note"):
            raise _fail(file, f"source {source_id}: an address or a note saying why there is none")
        sources[source_id] = Source(
            source_id, _text(item, "title", file), _text(item, "publisher", file),
            _date(item.get("date"), f"sources.{source_id}.date", file), item.get("address"),
            bool(item.get("date_is_estimate", False)), str(item.get("note", "")))
    return sources


def parse_site(data: Mapping[str, Any], file: str) -> Site:
    """A site from the content of its TOML file (``file`` names it in errors)."""
    if data.get("format") != 1:
        raise _fail(file, "format must be 1")
    sources = _sources(data.get("sources"), file)
    slug = _text(data, "slug", file)
    if f"{slug}.toml" != file.rsplit("/", 1)[-1]:
        raise _fail(file, f"slug {slug!r} is not the file name")
    opened = data.get("opened")
    if opened is None and not data.get("opened_note"):
        raise _fail(file, "opened or opened_note is required")
    territory_table = data.get("territory")
    if not isinstance(territory_table, dict):
        raise _fail(file, "[territory] missing")
    population = territory_table.get("population")
    scope = territory_table.get("population_scope")
    if population is not None and scope not in POPULATION_SCOPES:
        raise _fail(file, f"territory.population_scope = {scope!r}")
    territory = Territory(_choice(territory_table, "type", TERRITORY_TYPES, file),
                          _text(territory_table, "type_basis", file),
                          int(population) if population is not None else None, scope,
                          _figures(territory_table, sources, file, "territory",
                                   skip=("type", "type_basis", "population_scope")))
    launch_table = data.get("launch", {})
    subsidies = tuple(
        Subsidy(_text(item, "funder", file), _known(item.get("source"), sources, file),
                str(item.get("programme", "")), item.get("amount_eur"), str(item.get("note", "")))
        for item in launch_table.get("subsidies", []))
    launch = Launch(_figures(launch_table, sources, file, "launch"), subsidies)
    observed = []
    for item in data.get("observed", []):
        year = item.get("year")
        if not isinstance(year, int) or not 1900 < year < 2100:
            raise _fail(file, f"observed.year = {year!r}")
        observed.append(ObservedYear(year, bool(item.get("year_is_estimate", False)),
                                     _figures(item, sources, file, f"observed.{year}")))
    survival = None
    if "survival" in data:
        table = data["survival"]
        as_of = table.get("as_of", table.get("closed"))  # a closure is its last evidence
        survival = Survival(_choice(table, "status", SURVIVAL_STATUSES, file),
                            _date(as_of, "survival.as_of", file),
                            _known(table.get("source"), sources, file),
                            table.get("closed"), str(table.get("note", "")))
    disagreements = tuple(
        Disagreement(_text(item, "figure", file), tuple(item["values"]),
                     tuple(_known(s, sources, file) for s in item["sources"]),
                     _known(item.get("used"), sources, file), _text(item, "why", file))
        for item in data.get("disagreements", []))
    return Site(
        slug=slug, name=_text(data, "name", file), kind=_choice(data, "kind", KINDS, file),
        commune=_text(data, "commune", file), departement=_text(data, "departement", file),
        territory=territory, launch=launch,
        observed=tuple(sorted(observed, key=lambda y: y.year)), sources=sources,
        opened=_date(opened, "opened", file) if opened is not None else None,
        opened_note=str(data.get("opened_note", "")),
        closed=_date(data["closed"], "closed", file) if "closed" in data else None,
        operator=data.get("operator"), network_sites=tuple(data.get("network_sites", ())),
        survival=survival, disagreements=disagreements, note=str(data.get("note", "")))


def _known(source_id: Any, sources: Mapping[str, Source], file: str) -> str:
    if source_id not in sources:
        raise _fail(file, f"unknown source {source_id!r}")
    return str(source_id)


@cache
def reference_sites() -> tuple[Site, ...]:
    """Every site of the reference class, by slug (read once)."""
    sites = []
    for entry in sorted(_folder().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and not entry.name.startswith("_"):
            try:
                data = tomllib.loads(entry.read_text("utf-8"))
            except tomllib.TOMLDecodeError as error:
                raise _fail(entry.name, str(error)) from error
            sites.append(parse_site(data, entry.name))
    return tuple(sites)


def site(slug: str) -> Site:
    """The site ``slug`` (KeyError if there is none)."""
    for candidate in reference_sites():
        if candidate.slug == slug:
            return candidate
    raise KeyError(slug)


@cache
def national_figures() -> tuple[NationalFigure, ...]:
    """The aggregate national figures of ``_national.toml`` with their sources."""
    data = tomllib.loads(_folder().joinpath("_national.toml").read_text("utf-8"))
    sources = _sources(data.get("sources"), "_national.toml")
    return tuple(NationalFigure(item["name"], float(item["value"]), item["unit"], int(item["year"]),
                                sources[_known(item.get("source"), sources, "_national.toml")],
                                str(item.get("note", "")))
                 for item in data["figures"])


def national_figure(name: str, year: int | None = None) -> NationalFigure:
    """The national figure ``name`` (the latest, or that of ``year``)."""
    found = [f for f in national_figures() if f.name == name and (year is None or f.year == year)]
    if not found:
        raise KeyError(name)
    return max(found, key=lambda f: f.year)


# --- derived figures -----------------------------------------------------------------------

@dataclass(frozen=True)
class UsersPerThousand:
    """Users of a site per 1,000 inhabitants of its territory in one observed year."""

    slug: str
    territory_type: str
    population_scope: str
    year: int
    year_of_operation: int | None
    measure: str  # "users" or "regular_users"
    users: float  # per site (a network's count divided by its sites)
    population: float  # per site likewise
    source_ids: tuple[str, ...] = field(default=())

    @property
    def value(self) -> float:
        return 1000 * self.users / self.population


def users_per_thousand_inhabitants(sites: tuple[Site, ...] | None = None
                                   ) -> list[UsersPerThousand]:
    """Every observed year where a site has both a population and a count of users
    (``users`` or ``regular_users``), a network's figures divided by its number of sites."""
    points = []
    for candidate in reference_sites() if sites is None else sites:
        territory = candidate.territory
        if territory.population is None:
            continue
        for observed in candidate.observed:
            for key in USER_KEYS:
                users = observed.figures.get(key)
                if users is None:
                    continue
                count = candidate.sites_in(observed)
                points.append(UsersPerThousand(
                    candidate.slug, territory.type, str(territory.population_scope),
                    observed.year, candidate.year_of_operation(observed.year), key,
                    users / count, territory.population / count,
                    (candidate.source_reference(observed.figures.source_id(key)),
                     candidate.source_reference(territory.figures.source_id("population")))))
    return points
