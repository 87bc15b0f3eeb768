"""Checks on the reference class of real French sites (data files only, no package import).

Each site is one TOML file in src/tierslieux_sim/data/reference_sites/; files whose name starts
with "_" hold aggregate figures (not sites) and only have their figures and sources checked.
The format is described in that folder's README.md.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

FOLDER = Path(__file__).parents[1] / "src/tierslieux_sim/data/reference_sites"

KINDS = {"coworking", "telecentre", "hybrid", "fablab"}
TERRITORY_TYPES = {"rural", "small_town", "periurban", "urban"}
POPULATION_SCOPES = {"commune", "epci", "canton", "departement"}
SURVIVAL_STATUSES = {"open", "closed", "operator_changed"}
FINANCIAL_STATUSES = {"profit", "break_even", "loss"}
PREMISES = {
    "owned_by_collectivity",
    "provided_by_collectivity",
    "rented_from_collectivity",
    "rented_from_public_company",
    "rented",
    "owned_by_operator",
}
OPERATORS = {"collectivity", "association", "company", "scic"}

TOP_REQUIRED = {"format", "slug", "name", "kind", "commune", "departement", "territory", "sources"}
TOP_OPTIONAL = {
    "opened",
    "opened_note",
    "closed",
    "operator",
    "note",
    "network_sites",
    "launch",
    "observed",
    "survival",
    "disagreements",
}

# Figures: key -> kind of value. "count" = positive integer, "eur" = amount >= 0, "share" = [0, 1].
COUNTS = {
    "desks",
    "offices",
    "meeting_rooms",
    "capacity_persons",
    "sites",
    "staff_headcount",
    "free_months",
    "users",
    "users_cumulative",
    "visits_cumulative",
    "regular_users",
    "members",
    "active_members",
    "volunteers_active",
    "visitors_per_day",
    "visitors_per_month",
    "visitors_per_year",
    "new_businesses",
    "new_residents",
    "hosted_organisations",
}
POSITIVE_REALS = {"surface_m2", "staff_fte"}
EUROS = {
    "day_price_eur",
    "half_day_price_eur",
    "week_price_eur",
    "month_price_eur",
    "month_price_eur_min",
    "month_price_eur_max",
    "membership_eur_per_year",
    "investment_eur",
    "subsidies_eur",
    "subsidies_total_eur",
    "own_revenue_eur",
    "operating_revenue_eur",
    "operating_costs_eur",
    "debt_eur",
    "public_cost_total_eur",
}
SIGNED_EUROS = {"result_eur"}
SHARES = {"occupancy", "investment_subsidy_share"}
BOOLEAN_FIGURES = {"prices_include_vat", "free_access"}
CATEGORICAL = {"premises": PREMISES, "financial_status": FINANCIAL_STATUSES}
FIGURES = COUNTS | POSITIVE_REALS | EUROS | SIGNED_EUROS | SHARES | BOOLEAN_FIGURES | set(CATEGORICAL)

META = {"source", "sources", "note"}
LAUNCH_KEYS = FIGURES | META | {"subsidies"}
OBSERVED_KEYS = FIGURES | META | {"year", "period", "year_is_estimate"}
TERRITORY_KEYS = META | {
    "type",
    "type_basis",
    "population",
    "population_scope",
    "population_year",
    "commune_population",
}
TERRITORY_FIGURES = {"population", "population_year", "commune_population"}
SUBSIDY_KEYS = {"funder", "programme", "amount_eur", "years", "source", "note"}
SURVIVAL_KEYS = {"status", "as_of", "closed", "source", "note"}
SOURCE_KEYS = {"id", "title", "publisher", "date", "date_is_estimate", "address", "note"}
DISAGREEMENT_KEYS = {"figure", "values", "sources", "used", "why"}

# Observed figures that count as an outcome (besides a [survival] table).
OUTCOMES = {
    "users",
    "users_cumulative",
    "visits_cumulative",
    "regular_users",
    "members",
    "active_members",
    "visitors_per_day",
    "visitors_per_month",
    "visitors_per_year",
    "occupancy",
    "own_revenue_eur",
    "operating_revenue_eur",
    "operating_costs_eur",
    "result_eur",
    "financial_status",
}

DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
SLUG = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$")


def load(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def site_files() -> list[Path]:
    return sorted(p for p in FOLDER.glob("*.toml") if not p.name.startswith("_"))


def aggregate_files() -> list[Path]:
    return sorted(p for p in FOLDER.glob("_*.toml"))


def site_problems(site: dict, stem: str) -> list[str]:
    """Everything wrong with one site file, as readable sentences (empty when the file is valid)."""
    problems: list[str] = []
    problems += _top_level_problems(site, stem)
    source_ids = [s.get("id") for s in site.get("sources", []) if isinstance(s, dict)]
    problems += sources_problems(site.get("sources", []))
    known = set(source_ids)
    problems += _territory_problems(site.get("territory", {}), known)
    if "launch" in site:
        problems += _figure_table_problems(site["launch"], "launch", LAUNCH_KEYS, known)
        for i, subsidy in enumerate(site["launch"].get("subsidies", [])):
            problems += _subsidy_problems(subsidy, f"launch.subsidies[{i}]", known)
    observed = site.get("observed", [])
    if not isinstance(observed, list):
        problems.append("observed must be an array of tables ([[observed]])")
        observed = []
    for i, row in enumerate(observed):
        where = f"observed[{i}] (year {row.get('year')})"
        problems += _figure_table_problems(row, where, OBSERVED_KEYS, known)
        year = row.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not 1980 <= year <= 2026:
            problems.append(f"{where}: year must be an integer in 1980-2026, got {year!r}")
    if "survival" in site:
        problems += _survival_problems(site["survival"], known)
    has_outcome = any(OUTCOMES & set(row) for row in observed) or "status" in site.get("survival", {})
    if not has_outcome:
        problems.append(
            "no observed outcome: give users/members/occupancy/revenue/result in [[observed]]"
            " or a [survival] status"
        )
    for i, disagreement in enumerate(site.get("disagreements", [])):
        problems += _disagreement_problems(disagreement, f"disagreements[{i}]", known)
    return problems


def _top_level_problems(site: dict, stem: str) -> list[str]:
    problems = [f"missing required key {key!r}" for key in sorted(TOP_REQUIRED - set(site))]
    problems += [f"unknown top-level key {key!r}" for key in sorted(set(site) - TOP_REQUIRED - TOP_OPTIONAL)]
    if site.get("format") != 1:
        problems.append(f"format must be 1, got {site.get('format')!r}")
    slug = site.get("slug")
    if slug != stem:
        problems.append(f"slug {slug!r} differs from the file stem {stem!r}")
    if not isinstance(slug, str) or not SLUG.match(slug):
        problems.append(f"slug {slug!r} must be ascii lowercase words joined by underscores")
    if site.get("kind") not in KINDS:
        problems.append(f"kind must be one of {sorted(KINDS)}, got {site.get('kind')!r}")
    for key in ("name", "commune"):
        if not isinstance(site.get(key), str) or not site.get(key, "").strip():
            problems.append(f"{key} must be a non-empty string")
    if not isinstance(site.get("departement"), str) or not DEPARTEMENT.match(site.get("departement", "")):
        problems.append(f"departement must be a code such as '15' or '2A', got {site.get('departement')!r}")
    if "opened" in site:
        problems += date_problems(site["opened"], "opened")
    elif not site.get("opened_note"):
        problems.append("opening date unknown: give opened or explain why in opened_note")
    if "closed" in site:
        problems += date_problems(site["closed"], "closed")
        if "opened" in site and str(site["closed"]) < str(site["opened"]):
            problems.append("closed is before opened")
    if "operator" in site and site["operator"] not in OPERATORS:
        problems.append(f"operator must be one of {sorted(OPERATORS)}, got {site['operator']!r}")
    if "network_sites" in site and (
        not isinstance(site["network_sites"], list)
        or not all(isinstance(s, str) for s in site["network_sites"])
    ):
        problems.append("network_sites must be a list of commune names")
    return problems


def date_problems(value: object, where: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{where} must be a string YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}"]
    match = DATE.match(value)
    if not match:
        return [f"{where} must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}"]
    year, month, day = match.groups()
    problems = []
    if not 1980 <= int(year) <= 2026:
        problems.append(f"{where}: year {year} outside 1980-2026")
    if month is not None and not 1 <= int(month) <= 12:
        problems.append(f"{where}: month {month} outside 1-12")
    if day is not None and not 1 <= int(day) <= 31:
        problems.append(f"{where}: day {day} outside 1-31")
    return problems


def _territory_problems(territory: dict, known: set[str]) -> list[str]:
    problems = [f"territory: unknown key {key!r}" for key in sorted(set(territory) - TERRITORY_KEYS)]
    if territory.get("type") not in TERRITORY_TYPES:
        problems.append(
            f"territory.type must be one of {sorted(TERRITORY_TYPES)}, got {territory.get('type')!r}"
        )
    if not isinstance(territory.get("type_basis"), str) or not territory.get("type_basis", "").strip():
        problems.append("territory.type_basis must say why the type was chosen")
    if "population_scope" in territory and territory["population_scope"] not in POPULATION_SCOPES:
        problems.append(f"territory.population_scope must be one of {sorted(POPULATION_SCOPES)}")
    if "population" in territory and "population_scope" not in territory:
        problems.append("territory.population needs population_scope (commune, epci, canton or departement)")
    for key in ("population", "commune_population"):
        if key in territory and not _is_positive_int(territory[key]):
            problems.append(f"territory.{key} must be a positive integer, got {territory[key]!r}")
    if "population_year" in territory and not (
        isinstance(territory["population_year"], int) and 1980 <= territory["population_year"] <= 2026
    ):
        problems.append("territory.population_year must be a year in 1980-2026")
    problems += _traceability_problems(territory, "territory", TERRITORY_FIGURES & set(territory), known)
    return problems


def _figure_table_problems(table: dict, where: str, allowed: set[str], known: set[str]) -> list[str]:
    problems = [f"{where}: unknown key {key!r}" for key in sorted(set(table) - allowed)]
    figures = FIGURES & set(table)
    for key in sorted(figures):
        problems += figure_value_problems(key, table[key], where)
    if {"month_price_eur_min", "month_price_eur_max"} <= figures and table["month_price_eur_min"] > table[
        "month_price_eur_max"
    ]:
        problems.append(f"{where}: month_price_eur_min is above month_price_eur_max")
    problems += _traceability_problems(table, where, figures, known)
    return problems


def figure_value_problems(key: str, value: object, where: str) -> list[str]:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if key in COUNTS and not _is_positive_int(value):
        return [f"{where}.{key} must be a positive integer, got {value!r}"]
    if key in POSITIVE_REALS and not (number and value > 0):
        return [f"{where}.{key} must be a positive number, got {value!r}"]
    if key in EUROS and not (number and value >= 0):
        return [f"{where}.{key} must be an amount in euros >= 0, got {value!r}"]
    if key in SIGNED_EUROS and not number:
        return [f"{where}.{key} must be an amount in euros, got {value!r}"]
    if key in SHARES and not (number and 0 <= value <= 1):
        return [f"{where}.{key} is a share and must lie in [0, 1], got {value!r}"]
    if key in BOOLEAN_FIGURES and not isinstance(value, bool):
        return [f"{where}.{key} must be true or false, got {value!r}"]
    if key in CATEGORICAL and value not in CATEGORICAL[key]:
        return [f"{where}.{key} must be one of {sorted(CATEGORICAL[key])}, got {value!r}"]
    return []


def _traceability_problems(table: dict, where: str, figures: set[str], known: set[str]) -> list[str]:
    """Every figure names a source: the table's `source`, or its entry in the `sources` map."""
    problems = []
    default = table.get("source")
    per_figure = table.get("sources", {})
    if not isinstance(per_figure, dict):
        return [f"{where}.sources must be a map figure -> source id"]
    for key in sorted(set(per_figure) - figures):
        problems.append(f"{where}.sources names {key!r}, which is not a figure of this table")
    for key in sorted(figures):
        cited = per_figure.get(key, default)
        if cited is None:
            problems.append(
                f"{where}.{key} has no source (add source = 'sN' or sources = {{ {key} = 'sN' }})"
            )
        elif cited not in known:
            problems.append(f"{where}.{key} cites unknown source id {cited!r}")
    if default is not None and default not in known:
        problems.append(f"{where}.source cites unknown source id {default!r}")
    return problems


def _subsidy_problems(subsidy: dict, where: str, known: set[str]) -> list[str]:
    problems = [f"{where}: unknown key {key!r}" for key in sorted(set(subsidy) - SUBSIDY_KEYS)]
    if not subsidy.get("funder"):
        problems.append(f"{where}: funder is required")
    if "amount_eur" in subsidy:
        problems += figure_value_problems("investment_eur", subsidy["amount_eur"], where)
    if subsidy.get("source") not in known:
        problems.append(f"{where}: source {subsidy.get('source')!r} is missing or unknown")
    return problems


def _survival_problems(survival: dict, known: set[str]) -> list[str]:
    problems = [f"survival: unknown key {key!r}" for key in sorted(set(survival) - SURVIVAL_KEYS)]
    if survival.get("status") not in SURVIVAL_STATUSES:
        problems.append(f"survival.status must be one of {sorted(SURVIVAL_STATUSES)}")
    if "as_of" in survival:
        problems += date_problems(survival["as_of"], "survival.as_of")
    if survival.get("status") == "closed" and "closed" not in survival:
        problems.append("survival.status is closed but survival.closed (date) is missing")
    if "closed" in survival:
        problems += date_problems(survival["closed"], "survival.closed")
    if survival.get("source") not in known:
        problems.append(f"survival.source {survival.get('source')!r} is missing or unknown")
    return problems


def _disagreement_problems(disagreement: dict, where: str, known: set[str]) -> list[str]:
    problems = [f"{where}: missing key {key!r}" for key in sorted(DISAGREEMENT_KEYS - set(disagreement))]
    problems += [f"{where}: unknown key {key!r}" for key in sorted(set(disagreement) - DISAGREEMENT_KEYS)]
    values = disagreement.get("values", [])
    cited = disagreement.get("sources", [])
    if not isinstance(values, list) or len(values) < 2:
        problems.append(f"{where}: keep every value (at least two)")
    if not isinstance(cited, list) or len(cited) != len(values):
        problems.append(f"{where}: give one source per value ({len(values)} values)")
    for source_id in cited if isinstance(cited, list) else []:
        if source_id not in known:
            problems.append(f"{where}: unknown source id {source_id!r}")
    if disagreement.get("used") not in (cited if isinstance(cited, list) else []):
        problems.append(f"{where}: used must be one of the sources listed")
    if not str(disagreement.get("why", "")).strip():
        problems.append(f"{where}: why is required")
    return problems


def sources_problems(sources: object) -> list[str]:
    if not isinstance(sources, list) or not sources:
        return ["at least one [[sources]] entry is required"]
    problems = []
    seen: set[str] = set()
    for i, source in enumerate(sources):
        where = f"sources[{i}] ({source.get('id')!r})"
        problems += [f"{where}: unknown key {key!r}" for key in sorted(set(source) - SOURCE_KEYS)]
        source_id = source.get("id")
        if not isinstance(source_id, str) or not source_id:
            problems.append(f"{where}: id is required")
        elif source_id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(source_id)
        for key in ("title", "publisher"):
            if not isinstance(source.get(key), str) or not source.get(key, "").strip():
                problems.append(f"{where}: {key} is required")
        problems += date_problems(source.get("date"), f"{where}.date")
        address = source.get("address")
        if address is not None and not (isinstance(address, str) and re.match(r"^https?://\S+$", address)):
            problems.append(f"{where}: address must be an http(s) URL, got {address!r}")
        if address is None and not source.get("note"):
            problems.append(f"{where}: give an address or a note saying why there is none")
        if source.get("date_is_estimate") and not source.get("note"):
            problems.append(f"{where}: an estimated date needs a note saying how it was estimated")
    return problems


def _is_positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


# ---------------------------------------------------------------------------------------------
# Tests on the shipped files
# ---------------------------------------------------------------------------------------------


def test_folder_exists_and_has_a_readme():
    assert FOLDER.is_dir(), FOLDER
    assert (FOLDER / "README.md").is_file()


def test_at_least_fifteen_sites():
    assert len(site_files()) >= 15, [p.name for p in site_files()]


@pytest.mark.parametrize("path", site_files(), ids=lambda p: p.stem)
def test_site_file_is_valid(path):
    problems = site_problems(load(path), path.stem)
    assert not problems, "\n".join(problems)


def test_slugs_are_unique():
    slugs = [load(p)["slug"] for p in site_files()]
    assert len(slugs) == len(set(slugs))


def test_mix_of_kinds():
    kinds = [load(p)["kind"] for p in site_files()]
    assert kinds.count("telecentre") >= 4
    assert kinds.count("coworking") >= 4
    assert kinds.count("hybrid") >= 3
    assert kinds.count("fablab") >= 2


def test_at_least_four_rural_or_small_town_coworkings():
    coworkings = [load(p) for p in site_files() if load(p)["kind"] == "coworking"]
    assert sum(s["territory"]["type"] in {"rural", "small_town"} for s in coworkings) >= 4


def test_disagreements_are_kept_somewhere():
    """The class records where sources disagree; at least a few sites must show it."""
    assert sum(bool(load(p).get("disagreements")) for p in site_files()) >= 3


def test_every_site_is_in_the_readme_table():
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    missing = [p.stem for p in site_files() if f"`{p.stem}`" not in readme]
    assert not missing, f"add these sites to the README table: {missing}"


@pytest.mark.parametrize("path", aggregate_files(), ids=lambda p: p.stem)
def test_aggregate_file_is_valid(path):
    data = load(path)
    problems = sources_problems(data.get("sources"))
    known = {s.get("id") for s in data.get("sources", [])}
    if not data.get("figures"):
        problems.append("an aggregate file needs [[figures]]")
    for i, figure in enumerate(data.get("figures", [])):
        where = f"figures[{i}] ({figure.get('name')!r})"
        for key in ("name", "value", "unit", "year", "source"):
            if key not in figure:
                problems.append(f"{where}: {key} is required")
        if figure.get("source") not in known:
            problems.append(f"{where}: unknown source id {figure.get('source')!r}")
        if figure.get("unit") == "share" and not 0 <= figure.get("value", -1) <= 1:
            problems.append(f"{where}: a share must lie in [0, 1]")
        if not (isinstance(figure.get("year"), int) and 1980 <= figure["year"] <= 2026):
            problems.append(f"{where}: year must be an integer in 1980-2026")
    assert not problems, "\n".join(problems)


def test_national_file_exists():
    assert (FOLDER / "_national.toml").is_file()


# ---------------------------------------------------------------------------------------------
# The checks fail for the right reason
# ---------------------------------------------------------------------------------------------


def _valid_site() -> dict:
    return {
        "format": 1,
        "slug": "example_site",
        "name": "Example",
        "kind": "coworking",
        "commune": "Somewhere",
        "departement": "15",
        "opened": "2018-05",
        "territory": {
            "type": "rural",
            "type_basis": "village",
            "population": 900,
            "population_scope": "commune",
            "source": "s1",
        },
        "launch": {"desks": 8, "day_price_eur": 10, "sources": {"desks": "s1", "day_price_eur": "s2"}},
        "observed": [{"year": 2019, "users": 12, "occupancy": 0.4, "source": "s2"}],
        "sources": [
            {
                "id": "s1",
                "title": "T1",
                "publisher": "P1",
                "date": "2018",
                "address": "https://example.org/1",
            },
            {"id": "s2", "title": "T2", "publisher": "P2", "date": "2019-03-04", "note": "paper only"},
        ],
        "disagreements": [
            {
                "figure": "opened",
                "values": ["2018", "2019"],
                "sources": ["s1", "s2"],
                "used": "s1",
                "why": "primary",
            }
        ],
    }


def test_valid_example_passes():
    assert site_problems(_valid_site(), "example_site") == []


def test_figure_citing_an_unknown_source_fails():
    site = _valid_site()
    site["observed"][0]["source"] = "s9"
    assert any("unknown source id 's9'" in p for p in site_problems(site, "example_site"))


def test_figure_without_any_source_fails():
    site = _valid_site()
    site["launch"]["offices"] = 2
    assert any("launch.offices has no source" in p for p in site_problems(site, "example_site"))


def test_share_out_of_range_fails():
    site = _valid_site()
    site["observed"][0]["occupancy"] = 45
    assert any("occupancy is a share" in p for p in site_problems(site, "example_site"))


def test_bad_year_and_date_fail():
    site = _valid_site()
    site["observed"][0]["year"] = 1975
    site["sources"][0]["date"] = "05/2018"
    problems = site_problems(site, "example_site")
    assert any("year must be an integer in 1980-2026" in p for p in problems)
    assert any("YYYY, YYYY-MM or YYYY-MM-DD" in p for p in problems)


def test_source_without_address_or_note_fails():
    site = _valid_site()
    del site["sources"][1]["note"]
    assert any("address or a note" in p for p in site_problems(site, "example_site"))


def test_slug_must_match_stem():
    assert any("differs from the file stem" in p for p in site_problems(_valid_site(), "other_name"))


def test_disagreement_with_one_value_fails():
    site = _valid_site()
    site["disagreements"][0]["values"] = ["2018"]
    site["disagreements"][0]["sources"] = ["s1"]
    assert any("at least two" in p for p in site_problems(site, "example_site"))


def test_disagreement_used_must_be_listed():
    site = _valid_site()
    site["disagreements"][0]["used"] = "s3"
    assert any("used must be one of the sources" in p for p in site_problems(site, "example_site"))


def test_site_without_outcome_fails():
    site = _valid_site()
    site["observed"] = [{"year": 2019, "desks": 8, "source": "s2"}]
    assert any("no observed outcome" in p for p in site_problems(site, "example_site"))


def test_unknown_key_is_reported():
    site = _valid_site()
    site["observed"][0]["userz"] = 3
    assert any("unknown key 'userz'" in p for p in site_problems(site, "example_site"))


def test_population_needs_scope_and_source():
    site = _valid_site()
    del site["territory"]["population_scope"]
    del site["territory"]["source"]
    problems = site_problems(site, "example_site")
    assert any("needs population_scope" in p for p in problems)
    assert any("territory.population has no source" in p for p in problems)
