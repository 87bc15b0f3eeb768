"""Bad input never crashes, hangs or lies (issue 13): bounded parsing, safe messages,
reserved line names, size limits on amounts, finite results."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

from tierslieux_sim import simulate
from tierslieux_sim.core.safe_text import clean, escape_controls, shown
from tierslieux_sim.engine.finite import ResultsNotFinite, check_finite_outputs, check_finite_results
from tierslieux_sim.scenario.errors import ScenarioError
from tierslieux_sim.scenario.fields import MAX_MONEY_EUR
from tierslieux_sim.scenario.files import (
    load_scenario,
    parse_scenario_bytes,
    parse_scenario_text,
    preset_names,
    preset_scenario,
    scenario_to_toml,
)
from tierslieux_sim.scenario.limits import (
    MAX_FILE_BYTES,
    MAX_NESTING_DEPTH,
    nesting_depth,
    parse_toml,
)
from tierslieux_sim.scenario.reserved import (
    MODEL_COST_LINES,
    MODEL_REVENUE_LINES,
    MODEL_SUBSIDY_LINES,
)

DEFAULT_TEXT = scenario_to_toml(preset_scenario("default"))


def _refusal(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_text(text, "f.toml")
    return caught.value


# --- bounded parsing ------------------------------------------------------------------------

def test_a_10_mb_file_is_refused_in_well_under_a_second_naming_the_limit(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(DEFAULT_TEXT + "# " + "x" * 10_000_000 + "\n", encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert time.perf_counter() - start < 0.5
    report = caught.value.report()
    assert "fichier trop volumineux" in report and "1,0 Mo" in report and "10,0 Mo" in report
    assert "limit is 1.0 MB" in caught.value.report("en").replace("1,0", "1.0")


def test_a_10_mb_text_is_refused_before_parsing():
    start = time.perf_counter()
    error = _refusal("a = 1\n" * 2_000_000)
    assert time.perf_counter() - start < 0.5
    assert error.problems[0].code == "file_too_large"


def test_dev_zero_is_read_with_a_bound():
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        load_scenario("/dev/zero")
    assert time.perf_counter() - start < 1
    assert caught.value.problems[0].code == "file_too_large_at_least"
    assert "plus de 1,0 Mo" in caught.value.report()


def test_a_folder_or_a_missing_file_is_a_scenario_error(tmp_path):
    for path in (tmp_path, tmp_path / "missing.toml"):
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
        assert caught.value.problems[0].code == "file_unreadable"


@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{a=", "}")])
def test_deep_nesting_is_refused_without_recursion(opening, closing):
    """A 115 kB file nested 50,000 deep: refused at once (tomllib would recurse and fail with
    RecursionError, which must never escape), with the line of the nesting."""
    text = "x = " + opening * 50_000 + "1" + closing * 50_000 + "\n"
    start = time.perf_counter()
    error = _refusal(text)
    assert time.perf_counter() - start < 0.5
    [problem] = error.problems
    assert problem.code == "too_deep" and problem.line == 1
    assert f"au plus {MAX_NESTING_DEPTH} niveaux" in error.report()


def test_deep_dotted_keys_are_refused_too():
    text = "schema_version = 3\n" + ".".join(f"k{i}" for i in range(5_000)) + " = 1\n"
    error = _refusal(text)
    assert error.problems[0].code == "too_deep"


def test_brackets_inside_strings_and_comments_do_not_count():
    text = ('a = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["  # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n'
            "b = '''\n" + "[" * 100 + "\n'''\n" + 'c = """\\"""' + "[" * 100 + '"""\n'
            "d = [[1], [2]]\n")
    assert nesting_depth(text)[0] == 2
    assert parse_toml(text, "t")["d"] == [[1], [2]]


@pytest.mark.parametrize("text", ['"""' * 300_000, '"a\\' * 300_000, "'a" * 400_000,
                                  "[" * 900_000, '"""\\' * 200_000])
def test_the_nesting_scan_is_linear_on_adversarial_text(text):
    start = time.perf_counter()
    nesting_depth(text)
    assert time.perf_counter() - start < 0.5


def test_an_integer_too_long_to_convert_is_a_syntax_error():
    error = _refusal("schema_version = " + "9" * 5000 + "\n")
    assert error.problems[0].code == "toml_syntax"


def test_upload_bytes_go_through_the_same_limits():
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_bytes(b"x" * (MAX_FILE_BYTES + 1), "upload.toml")
    assert caught.value.problems[0].code == "file_too_large"
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_bytes(b"a = '\xff'", "upload.toml")
    assert caught.value.problems[0].code == "file_encoding"
    assert parse_scenario_bytes(DEFAULT_TEXT.encode(), "up.toml") == preset_scenario("default")


# --- safe messages --------------------------------------------------------------------------

def test_shown_values_are_short_and_escaped():
    assert shown("a\x1b[31mred") == "'a\\x1b[31mred'"
    assert shown(True) == "true" and shown(1.5) == "1.5"
    long = shown("x" * 10_000)
    assert len(long) <= 80 and long.endswith("…")
    assert len(shown(list(range(1_000_000)))) <= 80
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert len(shown(deep)) <= 80  # no RecursionError
    assert escape_controls("é\u202eà\n") == "é\\u202eà\\x0a"
    assert clean("a" * 1000).endswith("…") and len(clean("a" * 1000)) == 200


def test_control_characters_from_the_file_never_reach_the_message():
    # TOML escapes: the parsed key and value hold ESC, BEL and a right-to-left override
    text = DEFAULT_TEXT.replace("[site]", '[site]\n"\\u001b[2J\\u202eevil" = 1', 1)
    text = re.sub(r"^horizon_years = .*$", lambda _: 'horizon_years = "\\u0007x"', text,
                  count=1, flags=re.MULTILINE)
    error = _refusal(text)
    report = error.report() + error.report("en")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", report)
    assert "\\x1b[2J\\u202eevil" in report and "\\x07x" in report


def test_a_huge_value_is_echoed_shortened():
    text = DEFAULT_TEXT.replace("[site]", "[site]\nsurface_m2_typo = \"" + "y" * 500_000 + '"', 1)
    error = _refusal(text)
    assert all(len(line) < 400 for line in error.report().splitlines())


# --- reserved names -------------------------------------------------------------------------

@pytest.mark.parametrize("table, name", [
    ("revenue_lines", "day_pass"), ("revenue_lines", " Office_Seat "),
    ("revenue_lines", "meeting_rooms"), ("costs.fixed_lines", "rent"),
    ("costs.fixed_lines", "ENERGY"), ("costs.fixed_lines", "staff"),
    ("costs.fixed_lines", "consumables"), ("operating_subsidies", "aided_contracts")])
def test_user_lines_may_not_take_the_model_s_own_names(table, name):
    data = preset_scenario("default").model_dump(by_alias=True, exclude_none=True)
    items = data["costs"]["fixed_lines"] if table == "costs.fixed_lines" else data[table]
    assert items, table
    items[0]["name"] = name
    from tierslieux_sim.scenario.files import scenario_from_dict

    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(data, "s.toml")
    [problem] = caught.value.problems
    assert problem.path == f"{table}[0].name"
    report = caught.value.report()
    from tierslieux_sim.scenario.reserved import RESERVED_NAMES

    assert "nom réservé" in report and ", ".join(RESERVED_NAMES[table]) in report
    assert "reserved name" in caught.value.report("en")


def test_reserved_names_are_the_model_s_own_lines():
    """The lists follow the model: a run of the default scenario has exactly these lines
    beside the user's."""
    scenario = preset_scenario("default")
    results = simulate(scenario, draws=4, seed=1)
    central = results.central
    user_revenue = {line.name for line in scenario.revenue_lines}
    user_costs = {line.name for line in scenario.costs.fixed_lines}
    user_subsidies = {line.name for line in scenario.operating_subsidies}
    revenue = {str(n) for n in central["revenue_by_line_eur"].coords["revenue_line"].values}
    costs = {str(n) for n in central["operating_costs_by_line_eur"].coords["cost_line"].values}
    subsidies = {str(n) for n in central["subsidies_by_line_eur"].coords["subsidy_line"].values}
    assert revenue - user_revenue == set(MODEL_REVENUE_LINES)
    assert costs - user_costs == set(MODEL_COST_LINES)
    assert subsidies - user_subsidies == set(MODEL_SUBSIDY_LINES)


def test_no_shipped_scenario_uses_a_reserved_name():
    for name in preset_names():
        scenario = preset_scenario(name)  # loads: the check passes
        names = {line.name.strip().casefold() for line in [
            *scenario.revenue_lines, *scenario.costs.fixed_lines, *scenario.operating_subsidies]}
        assert not names & {*MODEL_REVENUE_LINES, *MODEL_COST_LINES, *MODEL_SUBSIDY_LINES}


# --- numbers the model can't carry ----------------------------------------------------------

@pytest.mark.parametrize("key, value", [
    ("surface_m2", "1e300"), ("day_pass_eur", "2e9"), ("pool_people", "1e308"),
    ("loaded_annual_cost_eur", "{ dist = \"normal\", mean = 1e300, sd = 1, lower = 0 }"),
    ("annual_amount_eur", "{ dist = \"lognormal\", p5 = 1, p95 = 1e200 }")])
def test_amounts_and_quantities_above_the_size_limit_are_refused(key, value):
    text, count = re.subn(rf"^{key} = .*$", f"{key} = {value}", DEFAULT_TEXT, count=1,
                          flags=re.MULTILINE)
    assert count == 1, key
    error = _refusal(text)
    assert any(p.code == "tl_too_large" and p.path.endswith(key) for p in error.problems)
    assert "valeur trop grande : au plus 1 000 000 000" in error.report()


def test_amounts_at_the_size_limit_give_finite_results():
    text = re.sub(r"^(loaded_annual_cost_eur|annual_amount_eur|amount_eur) = .*$",
                  rf"\1 = {MAX_MONEY_EUR:.0f}.0", DEFAULT_TEXT, flags=re.MULTILINE)
    text = re.sub(r"^surface_m2 = .*$", "surface_m2 = 1e9", text, flags=re.MULTILINE)
    results = simulate(parse_scenario_text(text), draws=16, seed=1, keep="full")
    check_finite_results(results)
    assert np.isfinite(results.summary()["value"].to_numpy(dtype=float)).any()


def test_non_finite_outputs_are_an_error_not_a_result():
    results = simulate(preset_scenario("default"), draws=8, seed=1, keep="full")
    check_finite_results(results)  # finite: nothing raised
    results._dataset = results.dataset.copy(deep=True)  # writable arrays
    results.dataset["cash_eur"].values[3, 5] = np.inf
    with pytest.raises(ResultsNotFinite) as caught:
        check_finite_results(results)
    assert isinstance(caught.value, ScenarioError)
    assert "cash_eur" in caught.value.report() and "non finies" in caught.value.report()


def test_the_chunk_check_names_the_variable():
    from tierslieux_sim.engine.evaluate import model_parameters
    from tierslieux_sim.engine.inputs import central_input_values, plan_inputs
    from tierslieux_sim.model import run_model

    scenario = preset_scenario("default")
    accounts = run_model(model_parameters(scenario, central_input_values(plan_inputs(scenario))),
                         1, scenario.horizon_months, 0)
    check_finite_outputs(accounts, {"balancing_subsidy_eur": np.array([1.0])})
    with pytest.raises(ResultsNotFinite, match="balancing_subsidy_eur"):
        check_finite_outputs(accounts, {"balancing_subsidy_eur": np.array([np.nan])})
    check_finite_outputs(accounts, {"autonomy_month": np.array([np.inf])})  # allowed


def test_loading_the_largest_accepted_file_takes_bounded_time():
    """A valid 800 kB scenario of 9,000 small tables (just under the size limit) loads in
    well under the time tomlkit would need to read its comments (about 10 s): comments are
    read as sources only in texts up to SOURCES_MAX_CHARACTERS."""
    from tierslieux_sim.scenario.files import SOURCES_MAX_CHARACTERS

    block = '\n[[revenue_lines]]\n# Source : devis {i}\nname = "Ligne {i}"\nannual_amount_eur = 100.0\n'
    text = DEFAULT_TEXT + "".join(block.format(i=i) for i in range(9000))
    assert SOURCES_MAX_CHARACTERS < len(text) < MAX_FILE_BYTES
    start = time.perf_counter()
    scenario = parse_scenario_text(text)
    assert time.perf_counter() - start < 3
    assert len(scenario.revenue_lines) == 9001
