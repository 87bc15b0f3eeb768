"""The model against a hand case computed independently in a spreadsheet.

Scenario: ``tests/data/hand_case.toml`` (deterministic: plain numbers, award probabilities 0
or 1, opening in October, 3 years). Expected values: the cached values of the workbook
``tests/data/hand_case.xlsx``, sheet ``mois`` (one row per month, row 2 = opening month, one
column per quantity, found by its French header) and sheet ``indicateurs`` (one row per
indicator, found by its label in column A). The workbook computes the case with spreadsheet
formulas from the inputs of its sheet ``inputs``; it is rebuilt and recalculated by
``tests/data/build_hand_case.py`` (needs LibreOffice; this test does not).

Since every input is a plain number, every draw equals the central case: both are checked
month by month, for every quantity listed in ``MONTHLY`` and ``INDICATORS``.

The workbook's cash columns (cash flow, cash, a balancing subsidy topping up one account
month by month, the net result with the owner's depreciation) describe the single account of
scenario formats 1 and 2. Since format 3 the operator and the collectivity keep apart
accounts and the balancing subsidy is voted per budget year: those quantities are checked
against the hand cases of ``tests/test_parties.py`` and are not compared here.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xarray as xr

from tierslieux_sim import TiersLieuxWarning, load_scenario, simulate

DATA = Path(__file__).parent / "data"
SCENARIO = DATA / "hand_case.toml"
WORKBOOK = DATA / "hand_case.xlsx"
DRAWS = 4
REL, ABS = 1e-9, 1e-6

Select = Callable[[xr.Dataset], xr.DataArray]


def variable(name: str) -> Select:
    return lambda ds: ds[name]


def line(name: str, dimension: str, line_name: str) -> Select:
    return lambda ds: ds[name].sel({dimension: line_name})


def revenue(line_name: str) -> Select:
    return line("revenue_by_line_eur", "revenue_line", line_name)


def cost(line_name: str) -> Select:
    return line("operating_costs_by_line_eur", "cost_line", line_name)


def subsidy(line_name: str) -> Select:
    return line("subsidies_by_line_eur", "subsidy_line", line_name)


#: Header of a column of sheet "mois" → the model's variable holding the same quantity.
MONTHLY: dict[str, Select] = {
    "Utilisateurs servis — Télétravailleurs [personnes]":
        line("users_by_segment", "segment", "Télétravailleurs"),
    "Utilisateurs servis — Indépendants [personnes]":
        line("users_by_segment", "segment", "Indépendants"),
    "Utilisateurs servis [personnes]": variable("users"),
    "Journées-utilisateurs servies [jours/mois]": variable("served_user_days"),
    "Journées-utilisateurs refusées [jours/mois]": variable("turned_away_user_days"),
    "Taux d'occupation des postes [0–1]": variable("occupancy_rate"),
    "Taux d'occupation des postes nomades [0–1]": variable("flex_occupancy_rate"),
    "Recettes pass journée [€ HT/mois]": revenue("day_pass"),
    "Recettes carnets de 10 jours [€ HT/mois]": revenue("ten_day_pack"),
    "Recettes abonnements nomades [€ HT/mois]": revenue("flex_membership"),
    "Recettes postes dédiés [€ HT/mois]": revenue("dedicated_desk"),
    "Recettes bureaux privatifs [€ HT/mois]": revenue("office_seat"),
    "Recettes salles de réunion [€ HT/mois]": revenue("meeting_rooms"),
    "Recettes domiciliation [€ HT/mois]": revenue("domiciliation"),
    "Recettes locations d'espace [€ HT/mois]": revenue("event_hire"),
    "Recettes Formations [€ HT/mois]": revenue("Formations"),
    "Recettes propres [€ HT/mois]": variable("own_revenue_eur"),
    "Dons : Mécénat entreprise locale [€/mois]":
        line("donations_by_line_eur", "donation_line", "Mécénat entreprise locale"),
    "Loyer [€/mois]": cost("rent"),
    "Énergie et fluides [€/mois]": cost("energy"),
    "Internet [€/mois]": cost("Internet"),
    "Assurance [€/mois]": cost("Assurance"),
    "Consommables [€/mois]": cost("consumables"),
    "Personnel [€/mois]": cost("staff"),
    "Charges de fonctionnement [€/mois]": variable("operating_costs_eur"),
    "Loyer mis à disposition (aide en nature) [€/mois]": variable("in_kind_rent_eur"),
    "Aide au contrat aidé [€/mois]": subsidy("aided_contracts"),
    "Subvention Communauté de communes (produit) [€/mois]": subsidy("Communauté de communes"),
    "Subventions de fonctionnement (produit) [€/mois]": variable("subsidies_eur"),
    "Subventions de fonctionnement encaissées [€/mois]": variable("subsidies_received_eur"),
    "Investissements payés [€/mois]": variable("investment_eur"),
    "Dotations aux amortissements [€/mois]": variable("depreciation_eur"),
    "Subventions d'investissement encaissées [€/mois]": variable("investment_grants_eur"),
    "Emprunt débloqué [€]": variable("loan_disbursed_eur"),
    "Intérêts de l'emprunt [€/mois]": variable("interest_eur"),
    "Capital remboursé [€/mois]": variable("loan_repaid_eur"),
    "EBE [€/mois]": variable("ebitda_eur"),
}

#: Label of a row of sheet "indicateurs" → the per-draw indicator holding the same value.
INDICATORS: dict[str, str] = {
    "Mois d'autonomie [n° de mois, 1 = ouverture ; vide = jamais]": "autonomy_month",
    **{f"Taux d'occupation moyen, année {year} [0–1]": f"occupancy_rate_year_{year}"
       for year in (1, 2, 3)},
    **{f"Taux d'autofinancement, année {year} [recettes propres / charges]":
       f"self_financing_ratio_year_{year}" for year in (1, 2, 3)},
}


def _ascii_id(label: str) -> str:
    """A readable ASCII test id for a French header."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_")


def _read_workbook() -> tuple[dict[str, np.ndarray], dict[str, float]]:
    workbook = openpyxl.load_workbook(WORKBOOK, data_only=True, read_only=True)
    rows = list(workbook["mois"].iter_rows(values_only=True))
    headers, data = rows[0], [row for row in rows[1:] if row[0] is not None]
    columns = {header: np.array([row[index] for row in data], dtype=float)
               for index, header in enumerate(headers)
               if header is not None and all(isinstance(row[index], int | float) for row in data)}
    indicators = {}
    for label, value in workbook["indicateurs"].iter_rows(min_row=2, values_only=True):
        indicators[label] = math.nan if value in (None, "") else float(value)
    workbook.close()
    return columns, indicators


@pytest.fixture(scope="module")
def expected() -> tuple[dict[str, np.ndarray], dict[str, float]]:
    columns, indicators = _read_workbook()
    missing = [h for h in MONTHLY if h not in columns] + [
        label for label in INDICATORS if label not in indicators]
    assert not missing, f"{WORKBOOK.name}: headers or labels not found: {missing}"
    return columns, indicators


@pytest.fixture(scope="module")
def results():
    with pytest.warns(TiersLieuxWarning, match="converti au format 3"):
        scenario = load_scenario(SCENARIO)  # a version-1 file, converted on load
    return simulate(scenario, draws=DRAWS, seed=0)


def _cases(results) -> list[tuple[str, xr.Dataset]]:
    return [("central", results.central)] + [
        (f"draw {draw}", results.dataset.sel(draw=draw)) for draw in range(DRAWS)]


def test_workbook_covers_the_horizon(expected, results):
    columns, _ = expected
    months = columns["Mois depuis l'ouverture [0 = ouverture]"]
    assert months.tolist() == list(range(results.central.sizes["month"]))
    # Opening in October: the calendar month of m = 0 is 10 in the spreadsheet and the model.
    assert columns["Mois calendaire [1 = janvier]"][0] == 10
    assert results.central["month"].dt.month.values[0] == 10


def _toml_leaf(data, path: str):
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        data = data[int(part[1:-1])] if part.startswith("[") else data.get(part)
    return data


def test_workbook_inputs_are_those_of_the_scenario_file():
    """Sheet "inputs" holds the values of hand_case.toml (else: rebuild the workbook)."""
    data = tomllib.loads(SCENARIO.read_text("utf-8"))
    workbook = openpyxl.load_workbook(WORKBOOK, data_only=True, read_only=True)
    checked = 0
    for row in workbook["inputs"].iter_rows(min_row=2, max_col=3, values_only=True):
        label, path, value = row
        if path is None or path == "(calcul)":
            continue
        assert value == _toml_leaf(data, path), (
            f"{WORKBOOK.name} inputs {path}: {value!r} ≠ {SCENARIO.name}; "
            f"run tests/data/build_hand_case.py")
        checked += 1
    workbook.close()
    assert checked > 80


def test_case_exercises_what_it_claims(expected):
    """The hand case binds the limits it is meant to test (else it would test nothing)."""
    columns, indicators = expected
    flex_served = columns["Part servie de la demande nomade [0–1]"]
    assert (flex_served < 1).any() and (flex_served == 1).any()  # flex desks: some months full
    assert (columns["Part servie des postes dédiés [0–1]"] < 1).any()  # dedicated desks full
    rooms_sold = columns["Heures de salle vendues [h/mois]"]
    assert (rooms_sold < columns["Heures de salle demandées [h/mois]"]).any()  # rooms capped
    aid = columns["Aide au contrat aidé [€/mois]"]
    assert (aid > 0).any() and (aid[1:] == 0).any()  # aided contract for some months only
    assert (columns["Investissements payés [€/mois]"][1:] > 0).sum() == 1  # one renewal
    assert 12 < indicators["Mois d'autonomie [n° de mois, 1 = ouverture ; vide = jamais]"] < 36


@pytest.mark.parametrize("header", list(MONTHLY), ids=_ascii_id)
def test_monthly_quantity_matches_spreadsheet(header, expected, results):
    columns, _ = expected
    want = columns[header]
    for case, dataset in _cases(results):
        got = MONTHLY[header](dataset).values
        assert got.shape == want.shape, (header, case)
        bad = [f"m={m}: model {g!r}, sheet {w!r}"
               for m, (g, w) in enumerate(zip(got, want, strict=True))
               if g != pytest.approx(w, rel=REL, abs=ABS)]
        assert not bad, f"{header} ({case}), {len(bad)} months differ: " + "; ".join(bad[:6])


@pytest.mark.parametrize("label", list(INDICATORS), ids=_ascii_id)
def test_indicator_matches_spreadsheet(label, expected, results):
    _, indicators = expected
    want = indicators[label]
    name = INDICATORS[label]
    values = {"central": results.central_indicators[name],
              **{f"draw {draw}": results.indicators[name].iloc[draw] for draw in range(DRAWS)}}
    for case, got in values.items():
        if math.isnan(want):
            assert math.isnan(got), (label, case, got)
        else:
            assert got == pytest.approx(want, rel=REL, abs=ABS), (label, case, got, want)
