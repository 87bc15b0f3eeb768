"""Priors drawn from the reference class (analysis.priors): what they cite, the fits, the
leave-one-out, and the generated priors.toml."""

from __future__ import annotations

import math
import re
import tomllib

import numpy as np
import pytest
from scipy import stats

from tierslieux_sim.analysis.priors import (
    FITTED,
    NOT_SUPPORTED,
    PRIORS_FILE,
    fit_lognormal,
    fit_priors,
    lognormal_predictive_quantiles,
    poisson_rate,
    priors_toml,
)
from tierslieux_sim.scenario.reference_class import national_figures, reference_sites


@pytest.fixture(scope="module")
def priors():
    return fit_priors()


def test_every_prior_cites_sites_and_sources_that_exist(priors):
    sites = {s.slug: s for s in reference_sites()}
    national = {f.source.id for f in national_figures()}
    for prior in priors.values():
        assert prior.n == len(prior.observations)
        for slug in prior.sites:
            assert slug in sites, (prior.name, slug)
        for reference in prior.sources:
            owner, source_id = reference.split(":")
            if owner == "_national":
                assert source_id in national
            else:
                assert source_id in sites[owner].sources, (prior.name, reference)
        if prior.status == NOT_SUPPORTED:
            assert prior.fallback and not prior.quantiles
        if prior.status == FITTED:
            assert prior.n >= 3 and prior.sites


def test_what_the_data_support(priors):
    assert priors["regular_users_per_site"].status == FITTED
    assert priors["regular_users_per_site"].n == 5
    for name in ("users_per_1000_inhabitants", "months_to_maturity", "day_price_eur",
                 "month_price_eur", "staff_fte_per_desk"):
        assert priors[name].status == NOT_SUPPORTED, name
    assert priors["own_revenue_coverage"].median == 0.5  # national census, not invented


def test_lognormal_fit_recovers_known_parameters():
    rng = np.random.default_rng(1)
    values = rng.lognormal(mean=1.2, sigma=0.6, size=20_000)
    mu, sigma = fit_lognormal(values)
    assert mu == pytest.approx(1.2, abs=0.02) and sigma == pytest.approx(0.6, abs=0.02)
    quantiles = lognormal_predictive_quantiles(values)
    assert quantiles["p90"] == pytest.approx(math.exp(1.2 + 0.6 * stats.norm.ppf(0.9)), rel=0.03)


def test_predictive_widens_with_few_points():
    values = [4.0, 8.0, 16.0]
    mu, sigma = fit_lognormal(values)
    quantiles = lognormal_predictive_quantiles(values)
    fitted_p95 = math.exp(mu + sigma * stats.norm.ppf(0.95))
    assert quantiles["p50"] == pytest.approx(8.0)
    assert quantiles["p95"] > 2 * fitted_p95


def test_poisson_rate():
    rate, low, high = poisson_rate(2, 71.0)
    assert rate == pytest.approx(2 / 71)
    assert low == pytest.approx(stats.chi2.ppf(0.05, 4) / 142)
    assert high == pytest.approx(stats.chi2.ppf(0.95, 6) / 142)
    assert poisson_rate(0, 10.0)[1] == 0.0


def test_leave_one_out_excludes_the_site(priors):
    without = fit_priors(exclude=["coworkgreen_saclas"])
    for prior in without.values():
        assert "coworkgreen_saclas" not in prior.sites
        assert not any(s.startswith("coworkgreen_saclas:") for s in prior.sources)
    assert without["regular_users_per_site"].n == priors["regular_users_per_site"].n - 1
    assert without["staff_fte"].status == NOT_SUPPORTED  # 2 points left


def test_priors_file_is_generated_and_up_to_date(priors):
    text = PRIORS_FILE.read_text("utf-8")
    assert "python -m tierslieux_sim.analysis.priors --write" in text.splitlines()[1]
    def without_dates(t):
        return re.sub(r"^checked = .*$", "", t, flags=re.M)
    assert without_dates(text) == without_dates(priors_toml(priors)), \
        "run: python -m tierslieux_sim.analysis.priors --write"
    data = tomllib.loads(text)["priors"]
    users = data["regular_users_per_site"]
    assert users["n"] == 5 and users["value"] == pytest.approx(users["quantiles"]["p50"])
    assert all(o["sources"] for o in users["observations"])
