"""The dashboard with values that change at dates (issue 14): a schedule is shown, never
flattened by a lever or by visiting a page, and survives the download of the scenario."""

from __future__ import annotations

from dashboard_apptest import start
from tierslieux_sim import parse_scenario_text, preset_scenario, scenario_to_toml

SCHEDULE = ('[{ from = "2027-09", value = 12 }, '
            '{ from = "2029-01", value = { dist = "pert", min = 13, mode = 15, max = 18 } }]')


def _uploaded(app):
    text = scenario_to_toml(preset_scenario("default"))
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("day_pass_eur = "))
    lines[index] = f"day_pass_eur = {SCHEDULE}"
    text = "\n".join(lines) + "\n"
    app.file_uploader(key="upload").set_value(
        ("daté.toml", text.encode(), "application/toml")).run()
    assert not app.exception, app.exception
    return parse_scenario_text(text, "daté.toml")


def test_a_scheduled_price_has_no_lever_and_is_named_instead():
    app = start()
    assert "lever:prices.day_pass_eur" in {slider.key for slider in app.slider}
    expected = _uploaded(app)
    assert app.session_state["scenario"] == expected
    assert "lever:prices.day_pass_eur" not in {slider.key for slider in app.slider}
    captions = " ".join(item.value for item in app.caption)
    assert "Sans curseur" in captions and "Pass journée" in captions


def test_visiting_the_assumptions_page_keeps_the_schedule_and_shows_it():
    app = start()
    expected = _uploaded(app)
    app.radio(key="page").set_value("inputs").run()
    assert not app.exception, app.exception
    captions = " ".join(item.value for item in app.caption)
    assert "12 à partir de 2027-09" in captions and "à partir de 2029-01" in captions
    app.radio(key="page").set_value("results").run()
    assert not app.exception, app.exception
    # showing a schedule never rewrites it: the scenario is the uploaded one, to the step
    assert app.session_state["scenario"] == expected
    assert scenario_to_toml(app.session_state["scenario"]) == scenario_to_toml(expected)
