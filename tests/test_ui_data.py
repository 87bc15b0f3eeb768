"""Pure helpers of the dashboard: data paths, table cell text, lever moves, field kinds."""

from __future__ import annotations

import pytest

from tierslieux_sim import default_scenario
from tierslieux_sim.faces.dashboard import data
from tierslieux_sim.scenario.schema import Costs, InvestmentGrant, Scenario, Segment, Site


def test_paths_read_and_write_nested_data():
    scenario_data = data.scenario_data(default_scenario())
    path = "demand.segments[1].adoption_rate"
    assert data.path_parts(path) == ["demand", "segments", 1, "adoption_rate"]
    assert data.get_path(scenario_data, path)["dist"] == "pert"
    data.set_path(scenario_data, path, 0.05)
    # the default correlates this input: fixing it drops the correlation, reported back
    dropped = data.prune_correlations(scenario_data)
    assert [c["b"] for c in dropped] == [path] and scenario_data["correlations"] == []
    assert data.validated(scenario_data).demand.segments[1].adoption_rate == 0.05
    assert data.get_path(scenario_data, "demand.segments[9].name", "absent") == "absent"
    data.set_path(scenario_data, "loan.amount_eur", None)
    assert "amount_eur" not in scenario_data["loan"]


def test_scenario_data_round_trips():
    scenario = default_scenario()
    assert data.validated(data.scenario_data(scenario)) == scenario


@pytest.mark.parametrize("value, text", [
    (12, "12"),
    (0.035, "0.035"),
    ({"dist": "pert", "min": 8.0, "mode": 12.0, "max": 20.0}, "8 / 12 / 20"),
    ({"dist": "lognormal", "p5": 5.0, "p95": 30.0}, '{ dist = "lognormal", p5 = 5, p95 = 30 }'),
])
def test_uncertain_cell_text_round_trips(value, text):
    assert data.uncertain_to_text(value) == text
    parsed = data.text_to_uncertain(text)
    assert parsed == value


def test_cell_text_accepts_french_numbers_and_rejects_junk():
    assert data.text_to_uncertain("12,5") == 12.5
    assert data.text_to_uncertain("1 200") == 1200
    assert data.text_to_uncertain("8 / 12,5 / 20") == {"dist": "pert", "min": 8.0,
                                                       "mode": 12.5, "max": 20.0}
    assert data.text_to_uncertain("") is None
    for junk in ("abc", "1 / 2", "{ dist = ", "3 / x / 5"):
        with pytest.raises(data.CellError):
            data.text_to_uncertain(junk)


def test_field_kinds_drive_the_widgets():
    assert data.field_kind(Site, "flex_desks") == "int"
    assert data.field_kind(Site, "peak_to_mean_ratio") == "uncertain"
    assert data.field_kind(Segment, "product_mix") == "section"
    assert data.field_kind(Segment, "seasonality") == "float_list"
    assert data.field_kind(Scenario, "staff") == "table"
    assert data.field_kind(Costs, "premises_lent_free") == "bool"
    assert data.field_kind(InvestmentGrant, "cap_eur") == "float"
    assert data.choices(Scenario.model_fields["investment"].annotation.model_fields["lines"]
                        .annotation.__args__[0], "category")[0] == "works"


def test_lever_moves_the_probable_value_and_keeps_the_spread():
    pert = {"dist": "pert", "min": 8.0, "mode": 12.0, "max": 20.0}
    moved = data.with_probable_value(pert, 15.0, minimum=0.0)
    assert moved["mode"] == pytest.approx(15.0)
    assert moved["min"] == pytest.approx(10.0) and moved["max"] == pytest.approx(25.0)
    assert data.probable_value(moved) == pytest.approx(15.0)
    assert data.with_probable_value(7, 9.0) == 9.0
    # bounds are respected: an adoption rate range cannot exceed 1
    clipped = data.with_probable_value({"dist": "pert", "min": 0.4, "mode": 0.6, "max": 0.9},
                                      0.9, minimum=0.0, maximum=1.0)
    assert clipped["max"] == 1.0 and clipped["mode"] == pytest.approx(0.9)
    # a lognormal is scaled around its median
    lognormal = data.with_probable_value({"dist": "lognormal", "p5": 5.0, "p95": 20.0}, 20.0)
    assert data.probable_value(lognormal) == pytest.approx(20.0)


def test_list_tables_round_trip_and_report_bad_cells():
    """Lists are edited as tables: table → rows gives the items back; a junk cell is named."""
    from tierslieux_sim.faces.dashboard.widgets import rows_from_frame, table_frame
    from tierslieux_sim.scenario.schema import Segment

    scenario_data = data.scenario_data(default_scenario())
    segments = scenario_data["demand"]["segments"]
    frame = table_frame(Segment, segments)
    assert "product_mix.day_pass" in frame.columns and frame.loc[0, "adoption_rate"] == (
        data.uncertain_to_text(segments[0]["adoption_rate"]))
    rows, errors = rows_from_frame(Segment, frame, "Segments", "fr")
    assert errors == []
    assert [Segment.model_validate(row) for row in rows] == default_scenario().demand.segments
    frame.loc[1, "pool_people"] = "beaucoup"
    _, errors = rows_from_frame(Segment, frame, "Segments", "fr")
    assert errors == ["Segments, ligne 2, colonne « Population cible » : nombre, « min / probable"
                      " / max » ou loi attendu, trouvé « beaucoup »"]


@pytest.mark.parametrize("number, step, expected", [
    (24.999999999999993, 5.0, 25.0),
    (0.028000000000000004, None, 0.028),
    (7.333333333333333, 1.0, 7.333),
    (12345.678, 100.0, 12346.0),
    (0.7499999999, 0.01, 0.75),
    (0.0, 1.0, 0.0),
])
def test_values_written_by_the_dashboard_are_rounded(number, step, expected):
    assert data.round_number(number, step) == expected


def test_rounded_value_rounds_a_range_and_keeps_whole_numbers():
    assert data.rounded_value({"dist": "pert", "min": 7.500000000000001, "mode": 15.0,
                               "max": 24.999999999999993, "shape": 4.0}, 0.5) == {
        "dist": "pert", "min": 7.5, "mode": 15.0, "max": 25.0, "shape": 4.0}
    assert data.rounded_value(12) == 12


def test_list_problems_name_only_the_edited_list():
    scenario_data = data.scenario_data(default_scenario())
    scenario_data["site"]["flex_desks"] = -3  # a problem elsewhere is not this table's
    rows = [dict(row) for row in scenario_data["staff"]]
    rows[0]["fte"] = -1
    problems = data.list_problems(scenario_data, "staff", rows)
    assert [problem.path for problem in problems] == ["staff[0].fte"]
    assert data.list_problems(scenario_data, "staff", scenario_data["staff"]) == []
