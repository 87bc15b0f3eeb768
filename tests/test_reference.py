"""Reference data: every value carries its unit, source and date."""

from datetime import date

import pytest

from tierslieux_sim.core.reference import (
    MAX_CHECK_AGE_YEARS,
    REQUIRED_KEYS,
    STATUSES,
    reference_table,
    reference_value,
)

#: Reference "today" of the age test: the checks of issue 16 (2 December 2026) stay valid
#: until 2 December 2029; after that the test fails until someone checks the values again.
TODAY = date.today()


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
    from tierslieux_sim.core.reference import ReferenceValue

    path = ReferenceValue("x", {"2030": 250, "2040": 500}, "€/t", "test source of the path", "2019")
    assert path.at_year(2035) == pytest.approx(375)
    assert path.at_year(2020) == 250 and path.at_year(2050) == 500


def test_every_value_was_checked_recently_and_says_whether_it_was_confirmed():
    """Each value carries the date of its last check against its source; a check older
    than MAX_CHECK_AGE_YEARS fails, so that stale figures are looked at again. A value kept
    without confirmation says so ("non vérifié") and notes what was found."""
    oldest = TODAY.replace(year=TODAY.year - MAX_CHECK_AGE_YEARS)
    for key, item in reference_table().items():
        checked = item["checked"]
        assert isinstance(checked, date), f"{key}: checked must be a TOML date"
        assert oldest <= checked <= TODAY, f"{key}: checked {checked}, older than {oldest}"
        assert item["status"] in STATUSES, key
        if item["status"] == "non vérifié":
            assert len(item.get("note", "")) > 30, f"{key}: say what the check found"


def test_money_values_of_the_appraisal_state_the_year_of_their_euros():
    for key in ("carbon.value_eur_per_tco2e", "time.commute_value_eur_per_hour",
                "car.marginal_cost_eur_per_km", "fuel.pump_price_eur_per_l",
                "fuel.ticpe_eur_per_l"):
        assert isinstance(reference_value(key).price_year, int), key


def test_carbon_value_is_the_2025_path():
    """France Stratégie, La valeur de l'action pour le climat (20 March 2025), € 2023."""
    path = reference_value("carbon.value_eur_per_tco2e")
    assert path.value == {"2023": 256, "2030": 300, "2050": 563}
    assert path.price_year == 2023 and "2025" in path.source
    assert path.at_year(2040) == pytest.approx((300 + 563) / 2)


def test_opportunity_cost_of_public_funds_and_discount_rate():
    assert reference_value("appraisal.public_funds_cost_factor").value == 1.2
    assert reference_value("discount.risk_free_rate").value == 0.012
    assert reference_value("discount.risk_premium").value == 0.02


def test_detr_rules_cite_the_cgct_not_the_decree_on_state_grants():
    """DETR rate floor (R2334-27) and the DETR/DSIL advance (R2334-30): décret 2018-514 does
    not apply to the CGCT's dotations (its art. 1, 1°)."""
    minimum = reference_value("detr.minimum_rate")
    assert minimum.value == 0.20 and "R2334-27" in minimum.source
    advance = reference_value("detr_dsil.advance_share")
    assert advance.value == 0.30 and "R2334-30" in advance.source
    assert "2018-514" not in advance.source
    assert reference_value("detr_dsil.installments_cap_share").value == 0.80


def test_fabrique_de_territoire_rules_by_period():
    periods = {key: reference_value(key).value for key in reference_table()
               if key.startswith("fabrique_de_territoire.periods.")}
    assert periods["fabrique_de_territoire.periods.ami_2019"]["total_cap_eur"] == 150_000
    assert periods["fabrique_de_territoire.periods.vague_2023"]["total_cap_eur"] == 50_000
    years = sorted((p["first_year"], p["last_year"]) for p in periods.values())
    for (_, last), (first, _) in zip(years, years[1:], strict=False):
        assert first == last + 1, "periods must follow each other"
