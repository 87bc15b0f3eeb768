"""French and English number and date formats."""

from datetime import date

from tierslieux_sim.core.formatting import format_eur, format_month, format_number, format_percent


def test_french_formats():
    assert format_eur(1234567.4, language="fr") == "1\u202f234\u202f567\u00a0€"
    assert format_percent(0.125, 1, language="fr") == "12,5\u00a0%"
    assert format_number(-1500, language="fr") == "−1\u202f500"
    assert format_month(date(2027, 1, 1), language="fr") == "janv. 2027"
    assert format_month(date(2027, 8, 1), language="fr") == "août 2027"


def test_english_formats():
    assert format_eur(1234567.4, language="en") == "€1,234,567"
    assert format_eur(-20, language="en") == "-€20"
    assert format_percent(0.125, 1, language="en") == "12.5%"
    assert format_month(date(2027, 12, 1), language="en") == "Dec 2027"


def test_no_negative_zero_and_nan():
    assert format_number(-0.2, language="fr") == "0"
    assert format_eur(float("nan"), language="fr") == "–"
