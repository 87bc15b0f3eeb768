"""Fuzzing of scenario files in CI (issue 13): a few hundred mutated shipped scenarios
(deleted and unknown keys, wrong types, NaN/inf, huge and negative values, empty and long
lists, bad laws, duplicate, reserved and unicode names, deep nesting, garbage bytes, TOML
syntax errors, huge files) each end in a clean ScenarioError naming a key path or a line,
or in finite results; never another exception. The mutations live in ``tests/fuzzing.py``;
``benchmarks/fuzz_scenarios.py`` runs 10,000 of them.

Hypothesis draws the seed of each case's mutations (``derandomize=True``: the same cases
on every run, so CI is reproducible) and shrinks a failing seed.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from fuzzing import check_case, make_case, shipped_texts  # noqa: E402

TEXTS = shipped_texts()
CASES = 300


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=CASES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_mutated_scenarios_are_rejected_cleanly_or_give_finite_results(seed, folder):
    raw = make_case(TEXTS, random.Random(seed))
    check_case(raw, folder)  # raises on anything else


def test_the_fuzzer_reaches_both_outcomes_and_many_error_kinds(folder):
    """The mutations are not all rejected for one reason: both outcomes and many problem
    codes occur (a guard against a fuzzer that tests nothing)."""
    outcomes = [check_case(make_case(TEXTS, random.Random(seed)), folder, run_cli=False)
                for seed in range(80)]
    kinds = {outcome.kind for outcome in outcomes}
    codes = {outcome.detail for outcome in outcomes if outcome.kind == "rejected"}
    assert kinds == {"accepted", "rejected"}
    assert len(codes) >= 8, codes
