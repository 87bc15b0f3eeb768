"""Funding rules of issue 16 as dated data: Fabrique de Territoire by call, DETR minimum rate
(CGCT R2334-27), DETR/DSIL advance (CGCT R2334-30); the shipped presets respect them."""

from __future__ import annotations

import numpy as np
import pytest

import tierslieux_sim as tl
from tierslieux_sim.engine.rules import (
    detr_dsil_advance_respected,
    detr_minimum_rate_respected,
    fabrique_rule_for_year,
    fabrique_total_respected,
)


def test_fabrique_rule_follows_the_call_of_the_selection_year():
    assert fabrique_rule_for_year(2018) is None
    ami = fabrique_rule_for_year(2020)
    assert (ami["yearly_cap_eur"], ami["total_cap_eur"], ami["years"]) == (50_000, 150_000, 3)
    wave = fabrique_rule_for_year(2023)
    assert (wave["total_cap_eur"], wave["years"]) == (50_000, 1)
    # no call found after 2024: the last wave's rule
    assert fabrique_rule_for_year(2027) == fabrique_rule_for_year(2024)


def test_fabrique_total_by_call():
    np.testing.assert_array_equal(
        fabrique_total_respected([150_000, 150_001, np.nan], 2021), [True, False, True])
    np.testing.assert_array_equal(fabrique_total_respected([50_000, 150_000], 2027),
                                  [True, False])
    assert not fabrique_total_respected(1.0, 2018)


def test_detr_minimum_rate_and_advance():
    np.testing.assert_array_equal(detr_minimum_rate_respected([0.19, 0.2, 0.5, np.nan]),
                                  [False, True, True, True])
    np.testing.assert_array_equal(detr_dsil_advance_respected([0.3, 0.31, np.nan]),
                                  [True, False, True])


def _lowest(value) -> float:
    return float(getattr(value, "min", value) if not isinstance(value, int | float) else value)


@pytest.mark.parametrize("name", tl.preset_names())
def test_presets_detr_grants_respect_the_cgct(name):
    for grant in tl.preset_scenario(name).investment.grants:
        if grant.programme != "detr":
            continue
        assert detr_dsil_advance_respected(grant.advance_share)
        if grant.rate_of_eligible_cost is not None:
            assert detr_minimum_rate_respected(_lowest(grant.rate_of_eligible_cost))
