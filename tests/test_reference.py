"""Reference data: every value carries its unit, source and date."""

from datetime import date

import pytest

from tierslieux_sim.reference import REQUIRED_KEYS, reference_table, reference_value


def test_every_reference_value_has_unit_source_and_date():
    table = reference_table()
    assert table, "no reference value found"
    for key, item in table.items():
        for required in REQUIRED_KEYS:
            assert required in item and item[required] not in ("", None), (key, required)
        assert isinstance(item["as_of"], date | int) or str(item["as_of"])[:4].isdigit(), key
        assert len(item["source"]) > 20, f"{key}: source too vague"


def test_de_minimis_ceiling():
    ceiling = reference_value("de_minimis.ceiling_eur")
    assert ceiling.value == 300_000 and "2023/2831" in ceiling.source


def test_values_by_year_are_interpolated():
    from tierslieux_sim.reference import ReferenceValue

    path = ReferenceValue("x", {"2030": 250, "2040": 500}, "€/t", "test source of the path", "2019")
    assert path.at_year(2035) == pytest.approx(375)
    assert path.at_year(2020) == 250 and path.at_year(2050) == 500
