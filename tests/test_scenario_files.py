"""Scenario files: every shipped file validates, saving then loading gives the same scenario,
and a saved file explains itself (French label and unit before each key)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tierslieux_sim.scenario.distributions import (
    Discrete,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
)
from tierslieux_sim.scenario.fields import field_meta
from tierslieux_sim.scenario.files import (
    default_scenario,
    load_scenario,
    parse_scenario_text,
    preset_names,
    preset_scenario,
    save_scenario,
    scenario_from_dict,
    scenario_to_toml,
)
from tierslieux_sim.scenario.schema import Scenario, Site

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.toml"))


def test_scenarios_folder_is_not_empty():
    assert ROOT / "scenarios" / "default.toml" in SCENARIO_FILES


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_every_shipped_scenario_validates(path: Path):
    scenario = load_scenario(path)
    assert isinstance(scenario, Scenario)
    assert scenario.meta.name
    assert tomllib.loads(path.read_text("utf-8"))["schema_version"] == 3


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_every_shipped_scenario_round_trips(path: Path, tmp_path: Path):
    scenario = load_scenario(path)
    saved = save_scenario(scenario, tmp_path / path.name)
    assert saved == tmp_path / path.name
    assert load_scenario(saved) == scenario
    # Saving is canonical: a second save writes the same text.
    assert scenario_to_toml(load_scenario(saved)) == saved.read_text("utf-8")


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_every_shipped_scenario_is_an_embedded_preset(path: Path):
    assert path.stem in preset_names()
    assert preset_scenario(path.stem) == load_scenario(path)


def test_default_scenario_is_the_default_file(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert default_scenario() == load_scenario("scenarios/default.toml")


def test_default_scenario_round_trips(tmp_path: Path):
    scenario = default_scenario()
    assert parse_scenario_text(scenario_to_toml(scenario)) == scenario
    assert load_scenario(save_scenario(scenario, tmp_path / "défaut.toml")) == scenario


# --- every kind of distribution, and optional fields -------------------------------------

def _every_kind() -> Scenario:
    """The default scenario with a distribution of every kind and optional fields set."""
    data = default_scenario().model_dump(by_alias=True, exclude_none=True)
    segment = data["demand"]["segments"][0]
    segment["pool_people"] = {"dist": "lognormal", "p5": 900.0, "p95": 2500.0}
    segment["adoption_rate"] = {"dist": "pert", "min": 0.004, "mode": 0.01, "max": 0.02,
                                "shape": 6.0}
    segment["months_to_maturity"] = {"dist": "uniform", "min": 12.0, "max": 36.0}
    segment["days_per_month"] = {"dist": "discrete", "values": [4.0, 6.0, 8.0],
                                 "probabilities": [0.25, 0.5, 0.25]}
    segment["price_elasticity"] = {"dist": "normal", "mean": -0.3, "sd": 0.1,
                                   "lower": -1.0, "upper": 0.0}
    data["prices"]["day_pass_eur"] = {"dist": "triangular", "min": 6.0, "mode": 12.0,
                                      "max": 20.0}
    data["prices"]["ten_day_pack_eur"] = {"dist": "normal", "mean": 100.0, "sd": 10.0,
                                          "lower": 0.0}
    data["revenue_lines"] = [{"name": "Café", "kind": "own", "annual_amount_eur": 2000.0,
                              "start_year": 2, "end_year": 6}]
    data["staff"] = [{"role": "Animation", "fte": 0.8, "loaded_annual_cost_eur": 36000.0,
                      "start_month": 1, "end_month": 48, "aided_contract_support_rate": 0.4,
                      "aided_contract_months": 12}]
    data["investment"]["grants"] = [
        {"name": "DETR", "programme": "detr", "rate_of_eligible_cost": 0.3,
         "eligible_cost_eur": {"dist": "pert", "min": 40000.0, "mode": 50000.0, "max": 70000.0},
         "cap_eur": 20000.0, "award_probability": 0.8},
        {"name": "Région", "programme": "region", "amount_eur": 15000.0},
    ]
    data["correlations"] = [{"a": "demand.segments[0].adoption_rate",
                             "b": "prices.day_pass_eur", "rank_correlation": -0.4}]
    return scenario_from_dict(data, "every kind")


def test_every_kind_of_distribution_round_trips(tmp_path: Path):
    scenario = _every_kind()
    segment = scenario.demand.segments[0]
    assert isinstance(segment.pool_people, LogNormal)
    assert isinstance(segment.adoption_rate, Pert) and segment.adoption_rate.shape == 6
    assert isinstance(segment.months_to_maturity, Uniform)
    assert isinstance(segment.days_per_month, Discrete)
    assert isinstance(segment.price_elasticity, Normal)
    assert isinstance(scenario.prices.day_pass_eur, Triangular)
    assert scenario.prices.ten_day_pack_eur.upper is None

    loaded = load_scenario(save_scenario(scenario, tmp_path / "lois.toml"))
    assert loaded == scenario
    assert loaded.investment.grants[1].rate_of_eligible_cost is None
    assert loaded.investment.grants[0].amount_eur is None
    assert loaded.investment.grants[0].cap_eur == 20000
    assert loaded.staff[0].end_month == 48
    assert loaded.revenue_lines[0].end_year == 6


def test_saved_distributions_are_inline_tables_in_user_syntax():
    text = scenario_to_toml(_every_kind())
    # Normal is written with its file name "mean" (not the attribute name), default PERT
    # shape is omitted, non-default kept, None bounds omitted.
    assert ('ten_day_pack_eur = {dist = "normal", mean = 100.0, sd = 10.0, lower = 0.0}'
            in text)
    assert "mean_value" not in text
    assert 'adoption_rate = {dist = "pert", min = 0.004, mode = 0.01, max = 0.02, shape = 6.0}' \
        in text
    assert "shape = 4" not in text
    assert ('days_per_month = {dist = "discrete", values = [4.0, 6.0, 8.0], '
            "probabilities = [0.25, 0.5, 0.25]}") in text
    assert 'pool_people = {dist = "lognormal", p5 = 900.0, p95 = 2500.0}' in text
    # None fields are left out rather than written as empty values.
    data = tomllib.loads(text)
    assert "amount_eur" not in data["investment"]["grants"][0]
    assert "rate_of_eligible_cost" not in data["investment"]["grants"][1]
    assert "end_month" in data["staff"][0]


def test_empty_lists_round_trip():
    # Built through validation: the sources of the removed rows (staff[0].fte…) are dropped
    # there, as saving drops them (a model_copy would keep them until saved).
    data = default_scenario().model_dump(by_alias=True, exclude_none=True)
    data.update(staff=[], revenue_lines=[], operating_subsidies=[], correlations=[])
    scenario = scenario_from_dict(data)
    assert not any(path.startswith("staff") for path in scenario.meta.sources)
    assert parse_scenario_text(scenario_to_toml(scenario)) == scenario


# --- what a saved file looks like --------------------------------------------------------

def _key_lines(text: str) -> list[tuple[int, str]]:
    return [(index, line) for index, line in enumerate(text.splitlines())
            if line and not line.startswith(("#", "[")) and " = " in line]


def _label_above(lines: list[str], index: int) -> str:
    """The first line of the comment block above line ``index``: the label comment (the
    value's source, when it has one, is written between the label and the key)."""
    start = index
    while start > 0 and lines[start - 1].startswith("# "):
        start -= 1
    return lines[start] if start < index else ""


@pytest.mark.parametrize("build", [default_scenario, _every_kind], ids=["default", "every_kind"])
def test_saved_text_has_a_label_comment_before_every_key(build):
    text = scenario_to_toml(build())
    lines = text.splitlines()
    assert "schema_version = 3" in lines
    assert lines[lines.index("schema_version = 3") - 1] == "# Version du format"
    index = next(i for i, line in enumerate(lines) if line.startswith("surface_m2 = "))
    assert _label_above(lines, index) == "# Surface (m²)"
    assert lines[lines.index("[[demand.segments]]") + 1] == "# Nom du segment"
    for index, line in _key_lines(text):
        assert lines[index - 1].startswith("# "), f"no label before {line!r}"
    # No label is left dangling away from its key (e.g. at the end of a table); a label may
    # be followed by the comment lines of the value's source, then the key.
    for index, line in enumerate(lines[:-1]):
        if line.startswith("# ") and index > 1:
            after = next(later for later in lines[index + 1:] if not later.startswith("# "))
            assert " = " in after, f"comment {line!r} is not followed by its key"


def test_label_comments_come_from_field_metadata():
    lines = scenario_to_toml(default_scenario()).splitlines()
    for name in Site.model_fields:
        meta = field_meta(Site, name)
        assert meta is not None
        expected = f"# {meta.label_fr} ({meta.unit})" if meta.unit else f"# {meta.label_fr}"
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{name} = "))
        assert _label_above(lines, index) == expected


def test_product_mix_is_written_inline_after_its_label():
    lines = scenario_to_toml(default_scenario()).splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("product_mix = {"))
    assert lines[index - 1] == "# Répartition par formule"
    assert "[demand.segments.product_mix]" not in lines


def test_saved_text_is_plain_toml():
    text = scenario_to_toml(default_scenario())
    assert tomllib.loads(text)["schema_version"] == 3
    assert "True" not in text and "None" not in text


# --- encodings and line endings ----------------------------------------------------------

def test_file_with_utf8_bom_and_crlf_loads(tmp_path: Path):
    text = scenario_to_toml(default_scenario())
    path = tmp_path / "windows.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert load_scenario(path) == default_scenario()


def test_load_accepts_str_and_path(tmp_path: Path):
    path = save_scenario(default_scenario(), tmp_path / "s.toml")
    assert load_scenario(str(path)) == load_scenario(path)
