"""What must be true: a known break-even price, integer inputs, honest "impossible", the
Monte Carlo uncertainty of the answer, and targets that do not parse."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import edit_scenario
from tierslieux_sim.analysis.solve import default_bounds, parse_target, solve
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.scenario.edits import probable_value
from tierslieux_sim.scenario.paths import get_path

USERS = 1_000 * 0.05           # pool × adoption, from the first month (maturity in 1 month)
DAYS_PER_MONTH = 5.0
FIXED_COSTS_EUR_PER_YEAR = 31_000.0
#: Own revenue 50 × 5 × p per month covers 31 000 / 12 € of costs from p = 10.333… €.
BREAK_EVEN_PRICE_EUR = FIXED_COSTS_EUR_PER_YEAR / 12 / (USERS * DAYS_PER_MONTH)


def _deterministic_site(data: dict[str, Any]) -> None:
    """One segment of day-pass users, no uncertainty, no capacity limit, fixed costs only."""
    segment = data["demand"]["segments"][0]
    segment.update(pool_people=1_000.0, adoption_rate=0.05, months_to_maturity=1.0,
                   days_per_month=DAYS_PER_MONTH, price_elasticity=0.0, seasonality=[1.0] * 12,
                   product_mix={"day_pass": 1.0, "ten_day_pack": 0.0, "flex_membership": 0.0,
                                "dedicated_desk": 0.0, "office_seat": 0.0})
    data["demand"]["segments"] = [segment]
    data["correlations"] = []
    data["site"].update(flex_desks=100, dedicated_desks=0, private_offices=0, meeting_rooms=0,
                        peak_to_mean_ratio=1.0)
    data["prices"] = {"day_pass_eur": 12.0}
    data["services"].update(meeting_room_hours_per_month=0.0, domiciliation_contracts=0.0,
                            events_per_month=0.0)
    data["revenue_lines"] = []
    data["costs"].update(rent_eur_per_m2_per_year=0.0, energy_eur_per_m2_per_year=0.0,
                         consumables_eur_per_user_day=0.0, yearly_indexation_rate=0.0,
                         fixed_lines=[{"name": "Charges", "annual_amount_eur":
                                       FIXED_COSTS_EUR_PER_YEAR}])
    data["staff"] = []
    data["investment"] = {"lines": [], "grants": []}
    data["operating_subsidies"] = []
    data["simulation"].update(horizon_years=3, initial_cash_eur=0.0)


@pytest.fixture(scope="module")
def site(default):
    return edit_scenario(default, _deterministic_site)


def test_recovers_the_break_even_price(site):
    result = solve(site, "prices.day_pass_eur", "autonomy_by_year_3 >= 0.5", bounds=(0, 40),
                   draws=16, seed=1)
    assert result.status == "solved" and result.direction == "at_least"
    # reported on the side where the target is met, within xtol = 40 / 1000
    assert BREAK_EVEN_PRICE_EUR <= result.value <= BREAK_EVEN_PRICE_EUR + 0.04
    assert result.interval == (result.value, result.value)  # no Monte Carlo spread here
    assert result.achieved == 1.0 and result.current_statistic == 1.0
    assert result.feasible == [(result.value, 40.0)]


def test_recovers_the_break_even_price_on_the_central_case(site):
    result = solve(site, "prices.day_pass_eur", "cash_at_horizon >= 0", bounds=(0, 40))
    assert result.status == "solved"
    assert BREAK_EVEN_PRICE_EUR <= result.value <= BREAK_EVEN_PRICE_EUR + 0.04


def test_whole_number_inputs_give_whole_answers(site):
    """Desks needed so that flexible occupancy of year 1 stays at most 50 %: 250 user-days a
    month ÷ 21 open days ÷ desks ≤ 0.5 → 24 desks."""
    result = solve(site, "site.flex_desks", "occupancy_rate_year_1_p50 <= 0.5",
                   bounds=(1, 60), draws=8, seed=1)
    assert result.value == 24.0 and result.direction == "at_least"


def test_impossible_and_always(site):
    impossible = solve(site, "prices.day_pass_eur", "autonomy_by_year_3 >= 0.5",
                       bounds=(0, 9), draws=8, seed=1)
    assert impossible.status == "impossible" and impossible.value is None
    assert "Impossible dans les bornes" in impossible.sentence("fr")
    assert "Impossible within bounds" in impossible.sentence("en")
    always = solve(site, "prices.day_pass_eur", "autonomy_by_year_3 >= 0.5",
                   bounds=(11, 20), draws=8, seed=1)
    assert always.status == "always" and "déjà atteint" in always.sentence("fr")


def test_uncertain_input_moves_its_probable_value_and_reports_mc_error(default):
    result = solve(default, "staff[0].fte", "autonomy_by_year_5 >= 0.5", draws=400, seed=3)
    assert result.status == "solved" and result.direction == "at_most"
    low, high = result.interval
    assert low < result.value < high  # the threshold is known to within the MC error
    assert 0.2 < result.value < 0.6
    assert result.achieved >= 0.5
    text = result.sentence("fr")
    assert "doit valoir au plus" in text and "400 tirages" in text and "0,75" in text


def test_more_draws_narrow_the_uncertainty(default):
    widths = []
    for draws in (200, 800):
        result = solve(default, "staff[0].fte", "autonomy_by_year_5 >= 0.5", draws=draws,
                       seed=3)
        widths.append(result.interval[1] - result.interval[0])
    assert widths[1] < widths[0]


@pytest.mark.parametrize("target", ["autonomy_by_year_5 = 0.8", "autonomy_by_year_5 >= x",
                                    "autonomy_by_year_5 >= 80", "nothing >= 1"])
def test_bad_targets(default, target):
    with pytest.raises(AnalysisError):
        parse_target(target, default)


def test_target_forms(default):
    assert parse_target("autonomy_by_year_5 >= 80 %", default).threshold == pytest.approx(0.8)
    assert parse_target("autonomy_by_year_5 ≥ 0,8", default).operator == ">="
    assert parse_target("balancing_subsidy_p80 <= 150 000", default).threshold == 150_000


def test_bad_paths_and_bounds(default):
    with pytest.raises(AnalysisError, match="unknown path"):
        solve(default, "prices.nothing", "autonomy_by_year_5 >= 0.5")
    with pytest.raises(AnalysisError):
        solve(default, "meta.name", "autonomy_by_year_5 >= 0.5")
    with pytest.raises(AnalysisError):
        solve(default, "prices.day_pass_eur", "autonomy_by_year_5 >= 0.5", bounds=(10, 5))
    with pytest.raises(AnalysisError):  # 0 € with no maximum: bounds must be given
        default_bounds(default, "loan.amount_eur")


def test_default_bounds(default):
    assert default_bounds(default, "prices.day_pass_eur") == (0.0, 4 * probable_value(
        get_path(default, "prices.day_pass_eur")))
    assert default_bounds(default, "demand.segments[0].adoption_rate") == (0.0, 1.0)
    assert default_bounds(default, "staff[0].fte") == (0.0, 3.0)
