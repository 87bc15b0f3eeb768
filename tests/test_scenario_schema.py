"""Scenario validation as users read it: every error names the file, the dotted key path,
what was expected and what was found, in French by default and in English on request; the
loader raises :class:`ScenarioError` and nothing else.

The scenario texts here are written in this file (not read from ``scenarios/``) so that
edits to the shipped presets cannot change what these tests check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tierslieux_sim.core.i18n import message_ids, set_language
from tierslieux_sim.scenario.errors import Problem, ScenarioError
from tierslieux_sim.scenario.files import (
    load_scenario,
    parse_scenario_text,
    preset_scenario,
    scenario_from_dict,
)
from tierslieux_sim.scenario.paths import plain_parameters, uncertain_leaves, values_by_path

SOURCE = "essai.toml"

#: A small valid scenario: two segments, three fixed cost lines, one grant, one correlation.
BASE = """\
schema_version = 3

[meta]
name = "Essai"

[simulation]
horizon_years = 5
opening_month = "2027-01"

[site]
surface_m2 = 120
flex_desks = 8

[[demand.segments]]
name = "Télétravailleurs"
pool_people = 1000
adoption_rate = { dist = "pert", min = 0.01, mode = 0.02, max = 0.05 }
days_per_month = 6
product_mix = { day_pass = 0.5, ten_day_pack = 0.5 }

[[demand.segments]]
name = "Indépendants"
pool_people = 200
adoption_rate = 0.05
days_per_month = { dist = "triangular", min = 8, mode = 12, max = 16 }
product_mix = { flex_membership = 1.0 }
seasonality = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.6, 1.0, 1.0, 1.0, 0.9]

[prices]
day_pass_eur = { dist = "triangular", min = 6, mode = 12, max = 20 }
ten_day_pack_eur = 100

[costs]
premises_lent_free = false

[[costs.fixed_lines]]
name = "Internet"
annual_amount_eur = 1200

[[costs.fixed_lines]]
name = "Assurance"
annual_amount_eur = 900

[[costs.fixed_lines]]
name = "Ménage"
annual_amount_eur = { dist = "pert", min = 3000, mode = 4500, max = 6000 }

[[staff]]
role = "Animation"
fte = 0.5
loaded_annual_cost_eur = 35000

[[investment.lines]]
name = "Travaux"
category = "works"
amount_eur = 40000

[[investment.grants]]
name = "DETR"
rate_of_eligible_cost = 0.3

[[correlations]]
a = "demand.segments[0].adoption_rate"
b = "prices.day_pass_eur"
rank_correlation = -0.3
"""

SEG0_ADOPTION = 'adoption_rate = { dist = "pert", min = 0.01, mode = 0.02, max = 0.05 }'
SEG0_POOL = "pool_people = 1000"
SEG1_NAME = 'name = "Indépendants"'
SEG1_SEASONALITY = "seasonality = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.6, 1.0, 1.0, 1.0, 0.9]"
SEG0_MIX = "product_mix = { day_pass = 0.5, ten_day_pack = 0.5 }"
DAY_PASS = 'day_pass_eur = { dist = "triangular", min = 6, mode = 12, max = 20 }'
GRANT_RATE = "rate_of_eligible_cost = 0.3"
STAFF = """\
[[staff]]
role = "Animation"
fte = 0.5
loaded_annual_cost_eur = 35000
"""


def edited(*replacements: tuple[str, str], text: str = BASE) -> str:
    """``text`` with each ``old`` (which must occur exactly once) replaced by ``new``."""
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def scenario_error(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_text(text, SOURCE)
    assert type(caught.value) is ScenarioError
    assert caught.value.source == SOURCE
    return caught.value


def test_base_scenario_is_valid():
    scenario = parse_scenario_text(BASE, SOURCE)
    assert scenario.meta.name == "Essai"
    assert [segment.name for segment in scenario.demand.segments] == [
        "Télétravailleurs", "Indépendants"]


# --- one error at a time -------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    id: str
    replacements: tuple[tuple[str, str], ...]
    path: str
    code: str
    fr: tuple[str, ...]
    en: tuple[str, ...]


CASES = [
    # unknown keys
    Case("unknown_key_top_level", (("schema_version = 3", "schema_version = 3\nfoo = 1"),),
         "foo", "extra_forbidden", ("clé inconnue", "trouvé 1"), ("unknown key", "found 1")),
    Case("unknown_key_in_list_item", ((SEG1_NAME, SEG1_NAME + "\nadoption_rat = 0.1"),),
         "demand.segments[1].adoption_rat", "extra_forbidden",
         ("clé inconnue", "orthographe", "trouvé 0.1"), ("unknown key", "spelling", "found 0.1")),
    Case("unknown_key_in_distribution",
         ((SEG0_ADOPTION, SEG0_ADOPTION.replace(" }", ", moe = 0.02 }")),),
         "demand.segments[0].adoption_rate.moe", "extra_forbidden",
         ("clé inconnue", "trouvé 0.02"), ("unknown key", "found 0.02")),
    # wrong types
    Case("string_for_number", (("surface_m2 = 120", 'surface_m2 = "120"'),),
         "site.surface_m2", "float_type", ("nombre attendu", "trouvé '120'"),
         ("number expected", "found '120'")),
    Case("bool_for_number", (("surface_m2 = 120", "surface_m2 = true"),),
         "site.surface_m2", "float_type", ("nombre attendu", "trouvé true"),
         ("number expected", "found true")),
    Case("float_for_int", (("flex_desks = 8", "flex_desks = 8.5"),),
         "site.flex_desks", "int_type", ("nombre entier attendu", "trouvé 8.5"),
         ("whole number expected", "found 8.5")),
    Case("whole_float_for_int", (("flex_desks = 8", "flex_desks = 8.0"),),
         "site.flex_desks", "int_type", ("nombre entier attendu", "trouvé 8.0"),
         ("whole number expected", "found 8.0")),
    Case("string_for_uncertain_number", ((SEG0_POOL, 'pool_people = "1000"'),),
         "demand.segments[0].pool_people", "tl_scheduled",
         ("nombre, loi", "trouvé '1000'"),
         ("number, distribution", "found '1000'")),
    Case("bool_for_uncertain_number", ((SEG0_ADOPTION, "adoption_rate = true"),),
         "demand.segments[0].adoption_rate", "tl_uncertain",
         ("nombre ou loi attendu", "trouvé true"),
         ("number or distribution expected", "found true")),
    Case("string_for_text", (('name = "Essai"', "name = 3"),),
         "meta.name", "string_type", ("texte entre guillemets attendu", "trouvé 3"),
         ("quoted text expected", "found 3")),
    Case("empty_text", (('name = "Essai"', 'name = ""'),),
         "meta.name", "string_too_short", ("texte non vide attendu", "trouvé ''"),
         ("non-empty text expected", "found ''")),
    Case("number_for_bool", (("premises_lent_free = false", "premises_lent_free = 0"),),
         "costs.premises_lent_free", "bool_type", ("true ou false attendu", "trouvé 0"),
         ("true or false expected", "found 0")),
    Case("number_for_list", ((SEG1_SEASONALITY, "seasonality = 1.0"),),
         "demand.segments[1].seasonality", "list_type", ("liste [ … ] attendue", "trouvé 1.0"),
         ("list [ … ] expected", "found 1.0")),
    Case("number_for_table", ((SEG0_MIX, "product_mix = 1"),),
         "demand.segments[0].product_mix", "model_type", ("table attendue", "trouvé 1"),
         ("table expected", "found 1")),
    Case("unknown_choice", (('category = "works"', 'category = "computers"'),),
         "investment.lines[0].category", "literal_error",
         ("valeur attendue parmi", "'works'", "'contingency'", "trouvé 'computers'"),
         ("expected one of", "'works'", "found 'computers'")),
    Case("not_finite_number", (("surface_m2 = 120", "surface_m2 = nan"),),
         "site.surface_m2", "finite_number", ("nombre fini attendu", "trouvé nan"),
         ("finite number expected", "found nan")),
    Case("infinite_uncertain_number", ((SEG0_POOL, "pool_people = inf"),),
         "demand.segments[0].pool_people", "finite_number", ("nombre fini", "trouvé inf"),
         ("finite number", "found inf")),
    Case("infinite_distribution_parameter",
         ((DAY_PASS, 'day_pass_eur = { dist = "uniform", min = 6, max = inf }'),),
         "prices.day_pass_eur.max", "finite_number", ("nombre fini", "trouvé inf"),
         ("finite number", "found inf")),
    # numbers out of bounds
    Case("rate_above_one", ((SEG0_ADOPTION, "adoption_rate = 1.4"),),
         "demand.segments[0].adoption_rate", "tl_bound",
         ("doit être compris entre 0 et 1, trouvé 1.4",),
         ("must be between 0 and 1, found 1.4",)),
    Case("int_above_maximum", (("horizon_years = 5", "horizon_years = 31"),),
         "simulation.horizon_years", "tl_bound", ("entre 1 et 30, trouvé 31",),
         ("between 1 and 30, found 31",)),
    Case("negative_capacity", (("flex_desks = 8", "flex_desks = -3"),),
         "site.flex_desks", "greater_than_equal", ("doit être ≥ 0, trouvé -3",),
         ("must be ≥ 0, found -3",)),
    Case("negative_seasonality",
         ((SEG1_SEASONALITY, SEG1_SEASONALITY.replace("0.6", "-0.6")),),
         "demand.segments[1].seasonality", "tl_bound", ("entre 0 et 5, trouvé -0.6",),
         ("between 0 and 5, found -0.6",)),
    # distributions leaving the bounds of their field
    Case("pert_max_above_one",
         ((SEG0_ADOPTION, SEG0_ADOPTION.replace("max = 0.05", "max = 1.5")),),
         "demand.segments[0].adoption_rate", "tl_bound_dist",
         ("rester entre 0 et 1", "vont de 0.01 à 1.5"),
         ("stay between 0 and 1", "range from 0.01 to 1.5")),
    Case("normal_not_truncated_on_non_negative_field",
         ((SEG0_POOL, 'pool_people = { dist = "normal", mean = 1000, sd = 100 }'),),
         "demand.segments[0].pool_people", "tl_bound_dist",
         ("rester entre 0 et +∞", "vont de −∞ à +∞", "tronquez-la avec lower/upper"),
         ("stay between 0 and +∞", "range from −∞ to +∞", "truncate it with lower/upper")),
    Case("normal_truncated_below_zero",
         ((SEG0_POOL, 'pool_people = { dist = "normal", mean = 1000, sd = 100, lower = -10 }'),),
         "demand.segments[0].pool_people", "tl_bound_dist",
         ("rester entre 0 et +∞", "vont de -10 à +∞"), ("range from -10 to +∞",)),
    Case("uniform_above_maximum",
         (('days_per_month = { dist = "triangular", min = 8, mode = 12, max = 16 }',
           'days_per_month = { dist = "uniform", min = 8, max = 40 }'),),
         "demand.segments[1].days_per_month", "tl_bound_dist",
         ("rester entre 0 et 31", "vont de 8 à 40"), ("stay between 0 and 31", "from 8 to 40")),
    # distribution parameters
    Case("pert_min_above_mode_above_max",
         ((SEG0_ADOPTION,
           'adoption_rate = { dist = "pert", min = 0.05, mode = 0.02, max = 0.01 }'),),
         "demand.segments[0].adoption_rate", "tl_order",
         ("valeurs croissantes attendues", "min ≤ mode ≤ max", "trouvé 0.05, 0.02, 0.01"),
         ("increasing values expected", "min ≤ mode ≤ max", "found 0.05, 0.02, 0.01")),
    Case("triangular_mode_above_max", ((DAY_PASS, DAY_PASS.replace("mode = 12", "mode = 25")),),
         "prices.day_pass_eur", "tl_order",
         ("valeurs croissantes attendues", "trouvé 6.0, 25.0, 20.0"),
         ("increasing values expected", "found 6.0, 25.0, 20.0")),
    Case("triangular_min_above_mode_above_max",
         ((DAY_PASS, 'day_pass_eur = { dist = "triangular", min = 20, mode = 12, max = 6 }'),),
         "prices.day_pass_eur", "tl_order", ("trouvé 20.0, 12.0, 6.0",),
         ("found 20.0, 12.0, 6.0",)),
    Case("uniform_min_above_max",
         ((DAY_PASS, 'day_pass_eur = { dist = "uniform", min = 20, max = 6 }'),),
         "prices.day_pass_eur", "tl_order", ("min < max", "trouvé 20.0, 6.0"),
         ("min < max", "found 20.0, 6.0")),
    Case("lognormal_p5_above_p95",
         ((DAY_PASS, 'day_pass_eur = { dist = "lognormal", p5 = 20, p95 = 6 }'),),
         "prices.day_pass_eur", "tl_order", ("p5 < p95", "trouvé 20.0, 6.0"),
         ("p5 < p95", "found 20.0, 6.0")),
    Case("normal_lower_above_upper",
         ((DAY_PASS,
           'day_pass_eur = { dist = "normal", mean = 12, sd = 2, lower = 20, upper = 6 }'),),
         "prices.day_pass_eur", "tl_order", ("lower < upper", "trouvé 20.0, 6.0"),
         ("lower < upper", "found 20.0, 6.0")),
    Case("normal_zero_sd",
         ((DAY_PASS, 'day_pass_eur = { dist = "normal", mean = 12, sd = 0, lower = 0 }'),),
         "prices.day_pass_eur.sd", "greater_than", ("doit être > 0", "trouvé 0"),
         ("must be > 0", "found 0")),
    Case("pert_zero_shape",
         ((SEG0_ADOPTION, SEG0_ADOPTION.replace(" }", ", shape = 0 }")),),
         "demand.segments[0].adoption_rate.shape", "greater_than", ("doit être > 0",),
         ("must be > 0",)),
    Case("unknown_distribution", ((SEG0_POOL, 'pool_people = { dist = "gamma", shape = 2 }'),),
         "demand.segments[0].pool_people", "tl_scheduled",
         ("nombre, loi", "pert, triangular", "échéancier", "gamma"),
         ("number, distribution", "pert, triangular", "schedule", "gamma")),
    Case("distribution_without_dist", ((SEG0_POOL, "pool_people = { min = 1, max = 2 }"),),
         "demand.segments[0].pool_people", "tl_scheduled", ("nombre, loi",),
         ("number, distribution",)),
    Case("law_not_a_table", ((SEG0_ADOPTION, 'adoption_rate = "un peu"'),),
         "demand.segments[0].adoption_rate", "tl_uncertain", ("nombre ou loi attendu",),
         ("number or distribution expected",)),
    Case("schedule_empty", ((SEG0_POOL, "pool_people = []"),),
         "demand.segments[0].pool_people", "tl_schedule_empty", ("au moins un palier",),
         ("at least one step",)),
    Case("schedule_out_of_order", ((SEG0_POOL, 'pool_people = [{ from = "2030-01", value = 900 },'
                                    ' { from = "2029-01", value = 1800 }]'),),
         "demand.segments[0].pool_people", "tl_schedule_order",
         ("ordre des dates", "2029-01 vient après 2030-01"), ("date order",)),
    Case("schedule_too_long", ((SEG0_POOL, "pool_people = [" + ", ".join(
        f'{{ from = "{2027 + i // 12}-{i % 12 + 1:02d}", value = 1 }}' for i in range(241)) + "]"),),
         "demand.segments[0].pool_people", "tl_schedule_long", ("au plus 240 paliers",),
         ("at most 240 steps",)),
    Case("count_schedule_not_a_list", (("flex_desks = 8", 'flex_desks = "huit"'),),
         "site.flex_desks", "tl_scheduled_count", ("nombre entier ou échéancier attendu",),
         ("whole number or schedule expected",)),
    Case("distribution_missing_parameter",
         ((SEG0_ADOPTION, 'adoption_rate = { dist = "pert", min = 0.01, mode = 0.02 }'),),
         "demand.segments[0].adoption_rate.max", "missing", ("clé obligatoire absente",),
         ("required key is missing",)),
    Case("discrete_probabilities_not_summing_to_one",
         ((SEG0_POOL, 'pool_people = { dist = "discrete", values = [500, 1000], '
                      "probabilities = [0.5, 0.4] }"),),
         "demand.segments[0].pool_people", "tl_shares_sum",
         ("somme 1 attendues", "somme de 0.9"), ("summing to 1 expected", "sum of 0.9")),
    Case("discrete_lengths_differ",
         ((SEG0_POOL, 'pool_people = { dist = "discrete", values = [500, 1000, 1500], '
                      "probabilities = [0.5, 0.5] }"),),
         "demand.segments[0].pool_people", "tl_length_mismatch", ("même longueur", "3 et 2"),
         ("same length", "3 and 2")),
    # shares, lists, names
    Case("product_mix_not_summing_to_one",
         ((SEG0_MIX, "product_mix = { day_pass = 0.5, ten_day_pack = 0.6 }"),),
         "demand.segments[0].product_mix", "tl_shares_sum",
         ("parts positives de somme 1 attendues", "somme de 1.1"),
         ("shares summing to 1 expected", "sum of 1.1")),
    Case("seasonality_with_11_values",
         ((SEG1_SEASONALITY, SEG1_SEASONALITY.replace(" 0.9]", "]")),),
         "demand.segments[1].seasonality", "too_short",
         ("au moins 12 élément(s) attendu(s), trouvé 11",),
         ("at least 12 item(s) expected, found 11",)),
    Case("seasonality_with_13_values",
         ((SEG1_SEASONALITY, SEG1_SEASONALITY.replace(" 0.9]", " 0.9, 1.0]")),),
         "demand.segments[1].seasonality", "too_long",
         ("au plus 12 élément(s) attendu(s), trouvé 13",),
         ("at most 12 item(s) expected, found 13",)),
    Case("duplicate_segment_names", ((SEG1_NAME, 'name = "Télétravailleurs"'),),
         "demand.segments[1].name", "tl_unique",
         ("noms uniques attendus", "« Télétravailleurs » en double"),
         ("unique names expected", '"Télétravailleurs" twice')),
    Case("duplicate_fixed_cost_lines", (('name = "Assurance"', 'name = "Internet"'),),
         "costs.fixed_lines[1].name", "tl_unique", ("« Internet » en double",),
         ('"Internet" twice',)),
    Case("duplicate_staff_roles", ((STAFF, STAFF + "\n" + STAFF),),
         "staff[1].role", "tl_unique", ("« Animation » en double",), ('"Animation" twice',)),
    Case("missing_required_key", (('name = "Essai"', 'territory = "Creuse"'),),
         "meta.name", "missing", ("clé obligatoire absente",), ("required key is missing",)),
    Case("opening_month_bad_month", (('opening_month = "2027-01"', 'opening_month = "2027-13"'),),
         "simulation.opening_month", "string_pattern_mismatch",
         ("format attendu", "trouvé '2027-13'"), ("expected format", "found '2027-13'")),
    Case("opening_month_french_order",
         (('opening_month = "2027-01"', 'opening_month = "01/2027"'),),
         "simulation.opening_month", "string_pattern_mismatch", ("trouvé '01/2027'",),
         ("found '01/2027'",)),
    # management mode and operator
    Case("regie_run_by_an_association",
         (("[meta]", '[structure]\noperator_type = "association"\n'
           'management_mode = "regie_spic"\n\n[meta]'),),
         "structure.management_mode", "tl_management_mode",
         ("« regie_spic » incompatible avec le gestionnaire « association »",),
         ("'regie_spic' does not fit operator 'association'",)),
    # grants and correlations
    Case("grant_with_amount_and_rate", ((GRANT_RATE, GRANT_RATE + "\namount_eur = 10000"),),
         "investment.grants[0]", "tl_amount_or_rate",
         ("exactement l'un de amount_eur", "rate_of_eligible_cost"),
         ("exactly one of amount_eur", "rate_of_eligible_cost")),
    Case("grant_with_neither_amount_nor_rate", ((GRANT_RATE, ""),),
         "investment.grants[0]", "tl_amount_or_rate", ("exactement l'un de amount_eur",),
         ("exactly one of amount_eur",)),
    Case("correlation_with_a_plain_number",
         (('b = "prices.day_pass_eur"', 'b = "prices.ten_day_pack_eur"'),),
         "correlations[0].b", "tl_correlation_path",
         ("entrée incertaine", "trouvé prices.ten_day_pack_eur"),
         ("uncertain input", "found prices.ten_day_pack_eur")),
    Case("correlation_with_an_unknown_path",
         (('a = "demand.segments[0].adoption_rate"', 'a = "demand.segments[5].adoption_rate"'),),
         "correlations[0].a", "tl_correlation_path", ("trouvé demand.segments[5].adoption_rate",),
         ("found demand.segments[5].adoption_rate",)),
    Case("correlation_with_itself",
         (('b = "prices.day_pass_eur"', 'b = "demand.segments[0].adoption_rate"'),),
         "correlations[0]", "tl_correlation_pair", ("répété ou identique",),
         ("repeated or identical",)),
    Case("correlation_out_of_bounds", (("rank_correlation = -0.3", "rank_correlation = -1.3"),),
         "correlations[0].rank_correlation", "tl_bound", ("entre -1 et 1, trouvé -1.3",),
         ("between -1 and 1, found -1.3",)),
]


def assert_reported(error: ScenarioError, case_path: str, code: str,
                    fr: tuple[str, ...], en: tuple[str, ...], monkeypatch) -> None:
    """The problem at ``case_path`` has ``code``; its French and English texts hold the
    fragments; the report names file and path, in French by default and in English when
    the language is switched (by set_language or by TIERSLIEUX_LANG)."""
    problem = next((p for p in error.problems if p.path == case_path), None)
    assert problem is not None, [p.path for p in error.problems]
    assert problem.code == code
    french, english = problem.describe("fr"), problem.describe("en")
    for fragment in fr:
        assert fragment in french, (fragment, french)
    for fragment in en:
        assert fragment in english, (fragment, english)
    assert "trouvé" not in english and "attendu" not in english, english
    assert "found" not in french and "expected" not in french, french

    where = f"{SOURCE}: {case_path}: " if case_path else f"{SOURCE}"
    assert f"{where}{french}" in error.report()  # French by default
    assert str(error) == error.report()  # built in French (the fixture's language)
    set_language("en")
    assert f"{where}{english}" in error.report()
    set_language(None)
    monkeypatch.setenv("TIERSLIEUX_LANG", "en")
    assert f"{where}{english}" in error.report()
    monkeypatch.delenv("TIERSLIEUX_LANG")
    assert f"{where}{french}" in error.report()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_error_names_path_expected_and_found(case: Case, monkeypatch):
    error = scenario_error(edited(*case.replacements))
    assert [p.path for p in error.problems] == [case.path]
    assert_reported(error, case.path, case.code, case.fr, case.en, monkeypatch)


# --- schema_version -------------------------------------------------------------------------

VERSION_CASES = [
    ("missing", "", "schema_version_missing", ("clé schema_version absente", "schema_version = 3"),
     ("schema_version key is missing", "schema_version = 3")),
    ("newer", "schema_version = 4", "schema_version_newer",
     ("version plus récente (format 4)", "lit le format 3", "mettez tierslieux_sim à jour"),
     ("newer version (format 4)", "reads format 3", "update tierslieux_sim")),
    ("older_without_migration", "schema_version = 0", "schema_version_unknown",
     ("version du format inconnue : attendu 3, trouvé 0",),
     ("unknown format version: expected 3, found 0",)),
    ("text", 'schema_version = "1"', "schema_version_unknown", ("attendu 3, trouvé '1'",),
     ("expected 3, found '1'",)),
    ("bool", "schema_version = true", "schema_version_unknown", ("trouvé true",),
     ("found true",)),
]


@pytest.mark.parametrize(("line", "code", "fr", "en"), [case[1:] for case in VERSION_CASES],
                         ids=[case[0] for case in VERSION_CASES])
def test_schema_version(line, code, fr, en, monkeypatch):
    error = scenario_error(edited(("schema_version = 3", line)))
    assert len(error.problems) == 1
    assert_reported(error, "schema_version", code, fr, en, monkeypatch)


def test_scenario_from_dict_checks_version_first():
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict({"meta": {"name": "x"}}, "données")
    assert caught.value.problems[0].code == "schema_version_missing"
    assert caught.value.report().startswith("données: schema_version: ")


# --- file-level errors ----------------------------------------------------------------------

def test_toml_syntax_error_gives_line_and_column(monkeypatch, tmp_path):
    text = edited(("flex_desks = 8", "flex_desks = = 8"))
    line = text.splitlines().index("flex_desks = = 8") + 1
    path = tmp_path / "cassé.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    error = caught.value
    [problem] = error.problems
    assert (problem.code, problem.path, problem.line) == ("toml_syntax", "", line)
    assert problem.column is not None and problem.column > 1
    assert error.report().startswith(f"{path}:ligne {line}, colonne {problem.column}: ")
    assert "erreur de syntaxe TOML" in error.report()
    assert "(at line" not in error.report()  # the position is not repeated in the detail
    set_language("en")
    assert error.report().startswith(f"{path}:line {line}, column {problem.column}: ")
    assert "TOML syntax error" in error.report()


def test_toml_syntax_error_unclosed_table():
    error = scenario_error(edited(("[site]", "[site")))
    [problem] = error.problems
    assert problem.code == "toml_syntax"
    assert problem.line == BASE.splitlines().index("[site]") + 1


def test_duplicate_toml_key_is_a_syntax_error():
    error = scenario_error(edited(("flex_desks = 8", "flex_desks = 8\nflex_desks = 9")))
    [problem] = error.problems
    assert problem.code == "toml_syntax" and problem.line is not None


def test_missing_file(tmp_path, monkeypatch):
    path = tmp_path / "absent.toml"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    [problem] = caught.value.problems
    assert problem.code == "file_unreadable"
    assert caught.value.report().startswith(f"{path}: fichier illisible (")
    set_language("en")
    assert caught.value.report().startswith(f"{path}: cannot read the file (")


@pytest.mark.parametrize("kind", ["directory", "nul_byte"])
def test_unreadable_path(tmp_path, kind):
    path = tmp_path if kind == "directory" else str(tmp_path / "a\0b.toml")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert [p.code for p in caught.value.problems] == ["file_unreadable"]
    assert "fichier illisible" in str(caught.value)


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(BASE.encode("latin-1"))  # "Télétravailleurs" in Latin-1
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    [problem] = caught.value.problems
    assert problem.code == "file_encoding"
    # the first byte that is not UTF-8 is located (line and column, in bytes)
    line = BASE.encode("latin-1").split(b"\xe9")[0].count(b"\n") + 1
    assert (problem.line, problem.column) == (line, 10)
    assert caught.value.report() == (f"{path}:ligne {line}, colonne 10: le fichier doit être "
                                     "encodé en UTF-8")
    assert caught.value.report("en") == f"{path}:line {line}, column 10: the file must be UTF-8 encoded"


def test_unknown_preset():
    with pytest.raises(ScenarioError) as caught:
        preset_scenario("n'existe pas")
    [problem] = caught.value.problems
    assert problem.code == "preset_unknown"
    assert "scénario intégré inconnu" in caught.value.report()
    assert "default" in caught.value.report()  # the list of known presets
    assert "unknown embedded scenario" in caught.value.report("en")


# --- several errors, and nothing but ScenarioError ----------------------------------------

def test_several_errors_are_all_reported():
    text = edited(("flex_desks = 8", "flex_desks = -3"),
                  ('opening_month = "2027-01"', 'opening_month = "2027-9"'),
                  (SEG1_NAME, SEG1_NAME + "\nadoption_rat = 0.1"),
                  (SEG0_ADOPTION, "adoption_rate = 1.4"))
    error = scenario_error(text)
    assert {p.path for p in error.problems} == {
        "simulation.opening_month", "site.flex_desks", "demand.segments[0].adoption_rate",
        "demand.segments[1].adoption_rat"}
    lines = error.report().splitlines()
    assert len(lines) == 4
    assert all(line.startswith(f"{SOURCE}: ") for line in lines)
    assert sum("trouvé" in line for line in lines) == 4
    assert all("found" in line for line in error.report("en").splitlines())


def test_missing_sections_are_all_reported():
    error = scenario_error("schema_version = 3\n")
    assert [p.path for p in error.problems] == ["meta", "site", "demand", "prices"]
    assert all(p.code == "missing" for p in error.problems)


JUNK_VALUES = [
    "true", '"texte"', "-1", "1e400", "nan", "[]", "{}", "[1, 2]", "2027-01-01",
    '{ dist = "pert", min = 3, mode = 2, max = 1 }',
    '{ dist = "normal", mean = 1, sd = 1 }',
    '{ dist = "discrete", values = [1], probabilities = [1] }',
    '{ dist = "lognormal", p5 = 0, p95 = 1 }',
    '{ dist = "uniform", min = 0, max = 1e400 }',
    '{ dist = "normal", mean = 0.5, sd = 1e-300, lower = 0 }',
]


def _junk_variants():
    lines = BASE.splitlines()
    for index, line in enumerate(lines):
        yield "\n".join(lines[:index] + lines[index + 1:])  # the line removed
        if " = " in line:
            key = line.split(" = ")[0]
            for junk in JUNK_VALUES:
                yield "\n".join(lines[:index] + [f"{key} = {junk}"] + lines[index + 1:])


def test_any_damage_gives_a_scenario_error_naming_a_path():
    """Remove each line or replace each value by junk: the loader either accepts the file or
    raises ScenarioError (never another exception, nor a warning: warnings are errors here),
    and every problem has a key path or a position, and a French and an English text."""
    failures = 0
    for text in _junk_variants():
        try:
            parse_scenario_text(text, SOURCE)
        except ScenarioError as error:
            failures += 1
            assert type(error) is ScenarioError
            for problem in error.problems:
                assert problem.path or problem.line is not None, (problem, text)
                assert problem.describe("fr") != problem.describe("en")
                for language in ("fr", "en"):  # no placeholder left unfilled
                    assert not re.search(r"\{[a-z_]+\}", problem.describe(language))
    assert failures > 300


# --- message catalogue coverage -----------------------------------------------------------

#: Codes reached by the dedicated tests above, beyond those of CASES.
OTHER_TESTED_CODES = {
    "schema_version_missing", "schema_version_newer", "schema_version_unknown",
    "toml_syntax", "file_unreadable", "file_encoding", "preset_unknown",
    # issue 13, tested in tests/test_bad_input.py
    "file_too_large", "file_too_large_at_least", "too_deep", "tl_reserved_name",
    "tl_too_large", "non_finite_results",
}
#: Catalogue entries no scenario file can trigger today (strict mode, no upper-only bound,
#: every pydantic error type in use has its own message); formatted in test_i18n.py.
UNREACHABLE_CODES = {
    "int_from_float", "dict_type", "model_attributes_type", "less_than", "less_than_equal",
    "other",
}


def test_every_validation_message_is_exercised():
    """Each validation.* message is produced by a test here (whose French and English texts
    are checked), or listed as unreachable. A new message needs a test."""
    catalogue = {m.removeprefix("validation.") for m in message_ids()
                 if m.startswith("validation.")}
    tested = {case.code for case in CASES} | OTHER_TESTED_CODES
    assert tested <= catalogue, tested - catalogue
    assert catalogue - tested == UNREACHABLE_CODES


def test_unknown_code_falls_back_to_generic_message():
    problem = Problem("site.surface_m2", "some_new_pydantic_error",
                      {"found": "12", "detail": "Input is odd"})
    assert problem.describe("fr") == "valeur invalide, trouvé 12 (Input is odd)"
    assert problem.describe("en") == "invalid value, found 12 (Input is odd)"


# --- valid variants -------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    '{ dist = "normal", mean = 1000, sd = 100, lower = 0 }',
    '{ dist = "lognormal", p5 = 500, p95 = 2000 }',
    '{ dist = "discrete", values = [500, 1000], probabilities = [0.25, 0.75] }',
    '{ dist = "uniform", min = 500, max = 1500 }',
    '{ dist = "pert", min = 500, mode = 1000, max = 1500, shape = 6 }',
    '{ dist = "triangular", min = 500, mode = 500, max = 1500 }',
    "0",
])
def test_distributions_within_bounds_are_accepted(value):
    scenario = parse_scenario_text(edited((SEG0_POOL, f"pool_people = {value}")), SOURCE)
    assert scenario.demand.segments[0].pool_people is not None


def test_pert_at_the_bounds_is_accepted():
    scenario = parse_scenario_text(
        edited((SEG0_ADOPTION, 'adoption_rate = { dist = "pert", min = 0, mode = 0.5, max = 1 }')),
        SOURCE)
    assert scenario.demand.segments[0].adoption_rate.support() == (0.0, 1.0)


@pytest.mark.parametrize(("old", "new"), [
    # A distribution ending exactly on its field's bounds (yearly_indexation_rate: -0.1…0.2),
    # where min + (max − min) rounds above max.
    ("ten_day_pack_eur = 100",
     'ten_day_pack_eur = 100\nyearly_indexation_rate = { dist = "pert", min = -0.09, mode = 0, '
     "max = 0.2 }"),
    # A normal truncated at 0 on a non-negative field, where scipy's lower end is -2e-16.
    (SEG0_POOL, 'pool_people = { dist = "normal", mean = 1.95, sd = 0.1, lower = 0 }'),
], ids=["pert_up_to_the_bound", "normal_truncated_at_zero"])
def test_distributions_touching_the_bounds_are_accepted(old, new):
    parse_scenario_text(edited((old, new)), SOURCE)


def test_correlation_may_name_a_list_item_leaf():
    text = edited(('b = "prices.day_pass_eur"', 'b = "costs.fixed_lines[2].annual_amount_eur"'))
    scenario = parse_scenario_text(text, SOURCE)
    assert scenario.correlations[0].b == "costs.fixed_lines[2].annual_amount_eur"


# --- paths ----------------------------------------------------------------------------------

def test_uncertain_leaves_are_listed_by_dotted_path_in_schema_order():
    scenario = parse_scenario_text(BASE, SOURCE)
    leaves = uncertain_leaves(scenario)
    assert list(leaves) == [
        "demand.segments[0].adoption_rate",
        "demand.segments[1].days_per_month",
        "prices.day_pass_eur",
        "costs.fixed_lines[2].annual_amount_eur",
    ]
    assert leaves["costs.fixed_lines[2].annual_amount_eur"].mode == 4500
    assert all(re.fullmatch(r"[a-z_]+(\.[a-z_0-9]+|\[\d+\])*", path) for path in leaves)


def test_plain_parameters_replace_each_distribution_by_its_draws():
    scenario = parse_scenario_text(BASE, SOURCE)
    params = plain_parameters(scenario, lambda path, _distribution: f"<{path}>")
    assert params["demand"]["segments"][0]["adoption_rate"] == "<demand.segments[0].adoption_rate>"
    assert params["costs"]["fixed_lines"][2]["annual_amount_eur"] == (
        "<costs.fixed_lines[2].annual_amount_eur>")
    assert params["costs"]["fixed_lines"][0]["annual_amount_eur"] == 1200
    assert params["demand"]["segments"][1]["product_mix"]["flex_membership"] == 1.0
    samples = {path: float(index) for index, path in enumerate(uncertain_leaves(scenario))}
    params = plain_parameters(scenario, values_by_path(samples))
    assert params["prices"]["day_pass_eur"] == 2.0
