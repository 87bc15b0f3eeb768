"""The outside view (issue 15): this scenario's key figures among real sites, computed here
by hand from the reference class's values."""

from __future__ import annotations

import numpy as np
import pytest

import tierslieux_sim as tl
from conftest import edit_scenario
from dashboard_apptest import start
from tierslieux_sim.analysis.priors import regular_users_observations, staff_observations
from tierslieux_sim.scenario.reference_class import reference_sites
from tierslieux_sim.views.outside_view import (
    MIN_OBSERVATIONS,
    WARNING_SHARE,
    Benchmark,
    outside_view,
    reading,
    scenario_figures,
)


@pytest.fixture(scope="module")
def run(default):
    return tl.simulate(default, draws=300, seed=1)


def test_the_scenario_figures_are_those_of_its_central_case_in_year_3(run):
    figures = scenario_figures(run)
    users = run.central["users"].to_numpy()[24:36]
    assert figures["regular_users"] == pytest.approx(users.mean())
    assert figures["staff_fte"] == pytest.approx(
        sum(position.fte.median() if hasattr(position.fte, "median") else position.fte
            for position in run.scenario.staff))


def test_the_position_among_real_sites_is_counted_by_hand(run):
    users = next(b for b in outside_view(run) if b.key == "regular_users")
    real = [o.value for o in regular_users_observations(reference_sites())]
    assert [o.value for o in users.observations] == real
    below = sum(value < users.scenario_value for value in real)
    assert users.more_optimistic_than == pytest.approx(below / len(real))
    staff = next(b for b in outside_view(run) if b.key == "staff_fte")
    real_staff = [o.value for o in staff_observations(reference_sites())]
    # fewer staff is the optimistic side: count the real sites with more
    assert staff.more_optimistic_than == pytest.approx(
        sum(value > staff.scenario_value for value in real_staff) / len(real_staff))


def test_a_warning_when_more_optimistic_than_nine_sites_in_ten():
    observations = tuple(regular_users_observations(reference_sites()))
    assert len(observations) >= MIN_OBSERVATIONS
    highest = max(o.value for o in observations)
    above = Benchmark("regular_users", highest + 1, observations, True)
    inside = Benchmark("regular_users", float(np.median([o.value for o in observations])),
                       observations, True)
    assert above.more_optimistic_than == 1.0 >= WARNING_SHARE and above.warning
    assert not inside.warning
    assert "Attention : plus d'usagers que neuf lieux réels sur dix" in reading(above, "fr")
    assert "Warning: more users than nine real sites in ten" in reading(above, "en")
    assert "Attention" not in reading(inside, "fr")


def test_too_few_real_values_say_so_instead_of_a_position(run):
    price = next(b for b in outside_view(run) if b.key == "day_price_eur")
    if len(price.observations) < MIN_OBSERVATIONS:
        assert not price.warning
        assert "trop peu de valeurs réelles publiées" in reading(price, "fr")


def test_a_smaller_demand_lowers_the_position_among_real_sites(default):
    """A quarter of every pool: fewer users, a lower place among real sites (direction)."""
    def quarter(data):
        for segment in data["demand"]["segments"]:
            segment["pool_people"] = segment["pool_people"] / 4
    before = next(b for b in outside_view(tl.simulate(default, draws=200, seed=1))
                  if b.key == "regular_users")
    after = next(b for b in outside_view(tl.simulate(edit_scenario(default, quarter), draws=200,
                                                     seed=1)) if b.key == "regular_users")
    assert after.scenario_value < before.scenario_value
    assert after.more_optimistic_than <= before.more_optimistic_than


def test_the_dashboard_page_shows_the_chart_and_the_warnings():
    app = start()
    app.radio(key="page").set_value("outside").run()
    assert not app.exception, app.exception
    assert any("Repères" in item.value for item in app.subheader)
    warnings = " ".join(item.value for item in app.warning)
    assert "neuf lieux réels sur dix" in warnings  # the default's demand is above them
    app.selectbox(key="lang").set_value("en").run()
    assert not app.exception, app.exception
    assert any("Outside view" in item.value for item in app.subheader)
