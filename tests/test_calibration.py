"""Calibration against the reference class (analysis.calibration, tierslieux calibrate)."""

from __future__ import annotations

import numpy as np
import pytest

from tierslieux_sim.analysis.calibration import (
    Score,
    calibrate,
    site_scenario,
    summarise,
    targets,
    unusable_reason,
)
from tierslieux_sim.analysis.priors import fit_priors
from tierslieux_sim.scenario.reference_class import site


def _score(observed, p10, p50, p90, pit=0.5):
    return Score("x", "coworking", "reference", "users", "users", 2020, 1, observed, p10, p50,
                 p90, pit, 12)


def test_pit_toy_cases():
    from tierslieux_sim.analysis.calibration import pit
    draws = np.array([1.0, 2.0, 3.0, 4.0])
    assert pit(draws, 2.5) == 0.5
    assert pit(draws, 2.0) == pytest.approx(0.375)  # one tie counts half
    assert pit(draws, 10.0) == 1.0 and pit(draws, 0.0) == 0.0
    assert pit(np.full(5, 0.7), 1.0) == 1.0  # a capped model never reaches "full"


def test_inside_share_by_hand():
    scores = [_score(5, 4, 5, 6), _score(3, 4, 5, 6), _score(6, 4, 5, 6), _score(9, 4, 5, 6)]
    summary = summarise(scores)
    assert (summary.n, summary.inside, summary.below, summary.above) == (4, 2, 1, 1)
    assert summary.inside_share == 0.5
    assert summary.median_ratio == pytest.approx(np.median([1, 0.6, 1.2, 1.8]))


def test_usable_sites_and_targets():
    assert unusable_reason(site("la_fabulerie_en_herbe")) == "opening date unknown"
    assert "members" in unusable_reason(site("la_smalah_saint_julien_en_born"))
    cantal = targets(site("cybercantal_telecentres"))
    assert [round(t.value, 3) for t in cantal] == [round(30 / 7, 3)]


def test_site_scenario_uses_launch_inputs_and_leave_one_out_priors():
    priors = fit_priors(exclude=["tiers_lieu_chamblay"])
    built = site_scenario(site("tiers_lieu_chamblay"), priors, "reference", 2022)
    scenario = built.scenario
    assert built.preset == "default"
    assert scenario.simulation.opening_month == "2019-11"
    assert scenario.site.private_offices == 5 and scenario.site.flex_desks == 2
    assert scenario.public_support.population_inhabitants == 9100
    assert any("n=5" in text for text in built.from_priors)  # Chamblay has no users figure
    preset = site_scenario(site("tiers_lieu_chamblay"), priors, "preset", 2022).scenario
    assert preset.demand.segments[0].pool_people == pytest.approx(1800 * 9100 / 15000)


def test_calibration_on_two_sites():
    calibration = calibrate(draws=100, seed=3, slugs=["coworkgreen_saclas", "tiers_lieu_chamblay"],
                            variants=("reference",))
    assert {s.slug for s in calibration.scores} == {"coworkgreen_saclas", "tiers_lieu_chamblay"}
    for s in calibration.scores:
        assert 0.0 <= s.pit <= 1.0 and s.p10 <= s.p50 <= s.p90
    saclas = calibration.inputs["coworkgreen_saclas"]["reference"]
    assert any("n=4" in text for text in saclas.from_priors)  # refitted without Saclas
    assert calibration.summary("reference").n == 2


def test_cli_calibrate_writes_its_report(tmp_path, capsys):
    from tierslieux_sim.faces.cli.main import main
    out = tmp_path / "calibration.md"
    assert main(["calibrate", "--draws", "200", "--seed", "1", "--out", str(out)]) == 0
    text = out.read_text("utf-8")
    assert "P10–P90" in text and "coworkgreen_saclas" in text
    assert main(["calibrate", "--out", str(tmp_path / "c.txt")]) == 2
