"""The reference class loaded in code (scenario.reference_class): every site file loads into
frozen dataclasses, every figure's source resolves, derived figures are right."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from tierslieux_sim.scenario.reference_class import (
    ReferenceClassError,
    national_figure,
    national_figures,
    parse_site,
    reference_sites,
    site,
    users_per_thousand_inhabitants,
)

FOLDER = Path(__file__).parents[1] / "src/tierslieux_sim/data/reference_sites"


def test_every_site_file_loads():
    files = sorted(p.stem for p in FOLDER.glob("*.toml") if not p.name.startswith("_"))
    sites = reference_sites()
    assert [s.slug for s in sites] == files and len(sites) >= 15
    assert reference_sites() is sites  # cached
    with pytest.raises(dataclasses.FrozenInstanceError):
        sites[0].slug = "x"  # type: ignore[misc]


def test_every_figure_names_a_source_that_exists():
    for s in reference_sites():
        tables = [s.territory.figures, s.launch.figures, *(o.figures for o in s.observed)]
        for figures in tables:
            for key, source_id in figures.source_ids.items():
                assert source_id in s.sources, (s.slug, key)
                assert s.source_reference(source_id) == f"{s.slug}:{source_id}"
        if s.survival:
            assert s.survival.source_id in s.sources
        for subsidy in s.launch.subsidies:
            assert subsidy.source_id in s.sources
        for source in s.sources.values():
            assert source.address or source.note, (s.slug, source.id)


def test_a_bad_file_is_refused():
    data = tomllib.loads((FOLDER / "coworkgreen_saclas.toml").read_text("utf-8"))
    parse_site(data, "coworkgreen_saclas.toml")
    with pytest.raises(ReferenceClassError, match="kind"):
        parse_site({**data, "kind": "castle"}, "coworkgreen_saclas.toml")
    with pytest.raises(ReferenceClassError, match="unknown source"):
        parse_site({**data, "territory": {**data["territory"], "source": "s99"}},
                   "coworkgreen_saclas.toml")
    with pytest.raises(ReferenceClassError, match="file name"):
        parse_site(data, "other.toml")


def test_year_of_operation_and_networks():
    saclas = site("coworkgreen_saclas")  # opened 2016-09
    assert saclas.opening_month() == (2016, 9)
    assert saclas.year_of_operation(2017) == 1 and saclas.year_of_operation(2019) == 3
    assert saclas.year_of_operation(2015) is None
    murat = site("telecentre_pays_de_murat")  # opened "2006": mid-year assumed
    assert murat.opening_month() == (2006, 7) and murat.year_of_operation(2011) == 6
    cantal = site("cybercantal_telecentres")
    assert cantal.is_network and cantal.sites_count == 7
    assert [cantal.sites_in(o) for o in cantal.observed] == [7, 10]
    assert site("la_fabulerie_en_herbe").year_of_operation(2023) is None


def test_users_per_thousand_inhabitants():
    points = {p.slug: p for p in users_per_thousand_inhabitants()}
    saclas = points["coworkgreen_saclas"]
    assert saclas.value == pytest.approx(1000 * 15 / 1760)
    assert saclas.population_scope == "commune" and saclas.year_of_operation == 1
    ariege = points["telecentres_ariege_expansion"]  # network of 3: per-site figures
    assert ariege.users == pytest.approx(20 / 3) and ariege.population == pytest.approx(50_000)
    assert all(len(p.source_ids) == 2 for p in points.values())


def test_national_figures():
    assert len(national_figures()) > 10
    share = national_figure("own_revenue_share_of_resources")
    assert share.value == 0.5 and share.source.id == "n2"
    assert national_figure("tiers_lieux_count").year == 2023
    assert national_figure("tiers_lieux_count", 2021).value == 2500
