"""Build ``tests/data/hand_case.xlsx``: the hand case computed independently by a spreadsheet.

The workbook recomputes the scenario ``tests/data/hand_case.toml`` month by month with
spreadsheet formulas, written from DESIGN.md §4 and the model's docstrings rather than from
its code; ``tests/test_hand_case.py`` compares the model with the values the spreadsheet
computed. This script writes only *inputs* and *formulas* (no value is computed in Python):

- sheet ``inputs``: every input of the scenario, one cell each (read from the TOML file with
  :mod:`tomllib`, not with the package), each given a workbook name (``prix_jour``,
  ``saison_1``…) used by the formulas, then a few derived constants (formulas);
- sheet ``mois``: one row per month (row 2 = opening month), one column per quantity, French
  headers with units in brackets;
- sheet ``indicateurs``: autonomy month, balancing subsidy (total and per year), occupancy
  and self-financing ratio per year, computed from ``mois``.

LibreOffice then recalculates the workbook and saves it, so the file holds both the formulas
and their cached values (the test reads the values with openpyxl and needs no LibreOffice).

Regenerate (after any change to ``hand_case.toml`` or to this script), from the repository
root::

    .venv/bin/python tests/data/build_hand_case.py

It needs openpyxl and LibreOffice (``soffice`` on the PATH, or its path in the ``SOFFICE``
environment variable). The script runs ``soffice --headless --convert-to xlsx`` with a
throw-away user profile whose settings ask for a full recalculation on load
(``OOXMLRecalcMode`` = always: LibreOffice's default is to trust cached values in xlsx files;
openpyxl writes none, but the setting makes sure no stale value can survive), then checks
that every formula cell of the result has a cached value that is not an error.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "hand_case.toml"
OUTPUT = HERE / "hand_case.xlsx"

FIRST_ROW = 2  # row of month m = 0 in sheet "mois" (row 1 holds the headers)
MONTHS_FR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
             "nov.", "déc."]
EUR = '#,##0.00'
RATE = '0.00%'
NUMBER = '0.0000'
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")

# --- reading the scenario ------------------------------------------------------------------

_MISSING = object()


def leaf(data: dict, path: str, optional: bool = False):
    """The value at ``path`` (``demand.segments[0].pool_people``) of the raw TOML data.

    Every input the spreadsheet uses must be written in the file (so that a schema default
    cannot silently differ from the spreadsheet), except ``optional`` ones (absent = blank).
    """
    node = data
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            node = node[int(part[1:-1])]
        else:
            node = node.get(part, _MISSING) if isinstance(node, dict) else _MISSING
        if node is _MISSING:
            if optional:
                return None
            raise KeyError(f"{SCENARIO.name}: {path} must be given explicitly")
    if isinstance(node, dict):
        raise TypeError(f"{path}: the hand case takes plain numbers, not distributions")
    return node


# --- sheet "inputs" ----------------------------------------------------------------------

class InputsSheet:
    """Writes labelled input cells and names them; A: label, B: scenario key, C: value,
    D: unit, E: name used in formulas."""

    def __init__(self, workbook: Workbook, data: dict):
        self.workbook, self.data = workbook, data
        self.sheet = workbook.create_sheet("inputs")
        self.row = 1
        for column, (title, width) in enumerate(
                [("Paramètre", 48), ("Clé du scénario (hand_case.toml)", 50), ("Valeur", 16),
                 ("Unité", 16), ("Nom dans les formules", 26)], start=1):
            cell = self.sheet.cell(1, column, title)
            cell.font, cell.fill = BOLD, HEADER_FILL
            self.sheet.column_dimensions[get_column_letter(column)].width = width
        self.sheet.freeze_panes = "A2"
        self.row = 2

    def name(self, name: str, first_row: int, last_row: int | None = None) -> None:
        reference = f"'inputs'!$C${first_row}"
        if last_row is not None:
            reference += f":$C${last_row}"
        self.workbook.defined_names.add(DefinedName(name, attr_text=reference))

    def section(self, title: str) -> None:
        self.row += 1
        cell = self.sheet.cell(self.row, 1, title)
        cell.font, cell.fill = BOLD, SECTION_FILL
        self.row += 1

    def value(self, name: str, label: str, path: str | None, unit: str, *, value=None,
              optional: bool = False, number_format: str | None = None) -> None:
        """An input read from the scenario at ``path`` (or a formula given as ``value``)."""
        if path is not None:
            value = leaf(self.data, path, optional)
        self.sheet.cell(self.row, 1, label)
        self.sheet.cell(self.row, 2, path or "(calcul)")
        cell = self.sheet.cell(self.row, 3, value)
        if number_format:
            cell.number_format = number_format
        self.sheet.cell(self.row, 4, unit)
        self.sheet.cell(self.row, 5, name)
        self.name(name, self.row)
        self.row += 1

    def seasonality(self, name: str, label: str, path: str) -> None:
        factors = leaf(self.data, path)
        if len(factors) != 12:
            raise ValueError(f"{path}: 12 factors expected")
        first = self.row
        for month, factor in enumerate(factors):
            self.sheet.cell(self.row, 1, f"{label} — {MONTHS_FR[month]}")
            self.sheet.cell(self.row, 2, f"{path}[{month}]")
            self.sheet.cell(self.row, 3, factor)
            self.sheet.cell(self.row, 4, "coefficient")
            self.sheet.cell(self.row, 5, name if month == 0 else "")
            self.row += 1
        self.name(name, first, self.row - 1)


def write_inputs(workbook: Workbook, data: dict) -> None:
    n_segments = len(data["demand"]["segments"])
    shape = (n_segments, len(data["costs"]["fixed_lines"]), len(data["staff"]),
             len(data["investment"]["lines"]), len(data["investment"]["grants"]),
             len(data["revenue_lines"]), len(data["operating_subsidies"]))
    if shape != (2, 2, 1, 2, 2, 2, 1):
        raise ValueError(f"the workbook is laid out for 2 segments, 2 fixed cost lines, 1 staff "
                         f"position, 2 investment lines, 2 grants, 2 revenue lines (own, "
                         f"donation) and 1 operating subsidy; the scenario has {shape}")
    kinds = [line["kind"] for line in data["revenue_lines"]]
    if kinds != ["own", "donation"]:
        raise ValueError(f"revenue_lines must be one 'own' line then one 'donation' line: {kinds}")
    if data["investment"]["grants"][0].get("amount_eur") is not None or (
            data["investment"]["grants"][1].get("rate_of_eligible_cost") is not None):
        raise ValueError("grant 1 must be given by rate, grant 2 by amount")

    s = InputsSheet(workbook, data)
    s.section("Simulation")
    s.value("horizon_annees", "Horizon", "simulation.horizon_years", "ans")
    s.value("ouverture", "Mois d'ouverture", "simulation.opening_month", "AAAA-MM")
    s.value("tresorerie_initiale", "Trésorerie initiale", "simulation.initial_cash_eur", "€")

    s.section("Site et capacité")
    s.value("surface_m2", "Surface", "site.surface_m2", "m²")
    s.value("postes_nomades", "Postes nomades", "site.flex_desks", "postes")
    s.value("postes_dedies", "Postes dédiés", "site.dedicated_desks", "postes")
    s.value("bureaux", "Bureaux privatifs", "site.private_offices", "bureaux")
    s.value("places_par_bureau", "Places par bureau", "site.seats_per_office", "places")
    s.value("salles", "Salles de réunion", "site.meeting_rooms", "salles")
    s.value("heures_salle_jour", "Heures réservables par salle et par jour",
            "site.meeting_room_bookable_hours_per_day", "h/jour")
    s.value("jours_ouverture", "Jours d'ouverture par mois", "site.open_days_per_month",
            "jours/mois")
    s.value("pic_moyenne", "Rapport pic / moyenne de fréquentation", "site.peak_to_mean_ratio",
            "")

    for k in range(n_segments):
        p = f"demand.segments[{k}]"
        i = k + 1
        s.section(f"Segment {i} : {leaf(data, p + '.name')}")
        s.value(f"population_{i}", "Population cible", f"{p}.pool_people", "personnes")
        s.value(f"adoption_{i}", "Taux d'adoption à maturité", f"{p}.adoption_rate", "part")
        s.value(f"maturite_{i}", "Durée de montée en charge", f"{p}.months_to_maturity", "mois")
        s.value(f"jours_{i}", "Jours de présence par mois", f"{p}.days_per_month", "jours/mois")
        for product, short, label in [("day_pass", "jour", "pass journée"),
                                      ("ten_day_pack", "carnet", "carnet de 10 jours"),
                                      ("flex_membership", "nomade", "abonnement nomade"),
                                      ("dedicated_desk", "dedie", "poste dédié"),
                                      ("office_seat", "bureau", "place en bureau")]:
            s.value(f"mix_{i}_{short}", f"Part des utilisateurs : {label}",
                    f"{p}.product_mix.{product}", "part")
        s.value(f"elasticite_{i}", "Élasticité-prix", f"{p}.price_elasticity", "")
        s.value(f"prix_reference_{i}", "Prix de référence", f"{p}.reference_price_eur_per_day",
                "€ HT/jour")
        s.seasonality(f"saison_{i}", "Saisonnalité", f"{p}.seasonality")

    s.section("Tarifs (HT, année 1)")
    s.value("prix_jour", "Pass journée", "prices.day_pass_eur", "€ HT")
    s.value("prix_carnet", "Carnet de 10 jours", "prices.ten_day_pack_eur", "€ HT")
    s.value("prix_abonnement_nomade", "Abonnement nomade",
            "prices.flex_membership_eur_per_month", "€ HT/mois")
    s.value("prix_poste_dedie", "Poste dédié", "prices.dedicated_desk_eur_per_month",
            "€ HT/mois")
    s.value("prix_place_bureau", "Place en bureau privatif", "prices.office_seat_eur_per_month",
            "€ HT/mois")
    s.value("prix_salle_heure", "Salle de réunion", "prices.meeting_room_eur_per_hour", "€ HT/h")
    s.value("prix_domiciliation", "Domiciliation", "prices.domiciliation_eur_per_month",
            "€ HT/mois")
    s.value("prix_evenement", "Location d'espace", "prices.event_hire_eur_per_event",
            "€ HT/événement")
    s.value("indexation_tarifs", "Indexation annuelle des tarifs",
            "prices.yearly_indexation_rate", "taux/an")

    s.section("Services")
    s.value("heures_salle_mois", "Heures de salle réservées par mois à maturité",
            "services.meeting_room_hours_per_month", "h/mois")
    s.value("contrats_domiciliation", "Contrats de domiciliation à maturité",
            "services.domiciliation_contracts", "contrats")
    s.value("evenements_mois", "Locations d'espace par mois à maturité",
            "services.events_per_month", "événements/mois")
    s.value("maturite_services", "Montée en charge des services", "services.months_to_maturity",
            "mois")

    for k, short in enumerate(["recette", "don"]):
        p = f"revenue_lines[{k}]"
        s.section(f"Autre recette ({leaf(data, p + '.kind')}) : {leaf(data, p + '.name')}")
        s.value(f"{short}_montant", "Montant annuel", f"{p}.annual_amount_eur", "€/an")
        s.value(f"{short}_croissance", "Croissance annuelle", f"{p}.yearly_growth_rate",
                "taux/an")
        s.value(f"{short}_debut", "Année de début", f"{p}.start_year", "année (1 = 1re)")
        s.value(f"{short}_fin", "Année de fin (vide = horizon)", f"{p}.end_year",
                "année", optional=True)

    s.section("Charges de fonctionnement")
    s.value("loyer_m2_an", "Loyer (valeur de marché)", "costs.rent_eur_per_m2_per_year",
            "€/m²/an")
    s.value("locaux_gratuits", "Locaux mis à disposition gratuitement",
            "costs.premises_lent_free", "VRAI/FAUX")
    s.value("energie_m2_an", "Énergie et fluides", "costs.energy_eur_per_m2_per_year", "€/m²/an")
    s.value("consommables_jour", "Consommables par journée-utilisateur",
            "costs.consumables_eur_per_user_day", "€/jour")
    s.value("indexation_charges", "Indexation annuelle des charges",
            "costs.yearly_indexation_rate", "taux/an")
    for k in range(2):
        p = f"costs.fixed_lines[{k}]"
        s.value(f"charge_fixe_{k + 1}", f"Charge fixe : {leaf(data, p + '.name')}",
                f"{p}.annual_amount_eur", "€/an")

    s.section(f"Poste : {leaf(data, 'staff[0].role')}")
    s.value("etp", "Équivalent temps plein", "staff[0].fte", "ETP")
    s.value("cout_etp_an", "Coût annuel chargé d'un ETP", "staff[0].loaded_annual_cost_eur",
            "€/an/ETP")
    s.value("embauche_mois", "Mois d'embauche", "staff[0].start_month", "mois (1 = ouverture)")
    s.value("dernier_mois", "Dernier mois (vide = horizon)", "staff[0].end_month", "mois",
            optional=True)
    s.value("aide_taux", "Prise en charge (contrat aidé)",
            "staff[0].aided_contract_support_rate", "part")
    s.value("aide_mois", "Durée de l'aide", "staff[0].aided_contract_months", "mois")

    for k in range(2):
        p = f"investment.lines[{k}]"
        i = k + 1
        s.section(f"Investissement {i} : {leaf(data, p + '.name')}")
        s.value(f"invest_{i}_montant", "Montant", f"{p}.amount_eur", "€")
        s.value(f"invest_{i}_mois", "Mois d'achat", f"{p}.purchase_month", "mois (1 = ouverture)")
        s.value(f"invest_{i}_duree", "Durée d'amortissement", f"{p}.lifetime_years", "ans")
        s.value(f"invest_{i}_renouvele", "Renouvelé en fin de vie", f"{p}.renewed", "VRAI/FAUX")

    p = "investment.grants[0]"
    s.section(f"Subvention d'investissement 1 (au taux) : {leaf(data, p + '.name')}")
    s.value("subinv_1_taux", "Taux de la dépense éligible", f"{p}.rate_of_eligible_cost", "part")
    s.value("subinv_1_assiette", "Dépense éligible (vide = investissements du mois 1)",
            f"{p}.eligible_cost_eur", "€", optional=True)
    s.value("subinv_1_plafond", "Plafond", f"{p}.cap_eur", "€")
    s.value("subinv_1_octroi", "Probabilité d'obtention (0 ou 1 ici)", f"{p}.award_probability",
            "probabilité")
    s.value("subinv_1_delai", "Délai de versement après l'ouverture",
            f"{p}.payment_delay_months", "mois")
    p = "investment.grants[1]"
    s.section(f"Subvention d'investissement 2 (au montant) : {leaf(data, p + '.name')}")
    s.value("subinv_2_montant_demande", "Montant", f"{p}.amount_eur", "€")
    s.value("subinv_2_octroi", "Probabilité d'obtention (0 ou 1 ici)", f"{p}.award_probability",
            "probabilité")
    s.value("subinv_2_delai", "Délai de versement après l'ouverture",
            f"{p}.payment_delay_months", "mois")

    s.section("Emprunt")
    s.value("emprunt_montant", "Montant emprunté", "loan.amount_eur", "€")
    s.value("emprunt_taux", "Taux annuel", "loan.annual_rate", "taux/an")
    s.value("emprunt_annees", "Durée de remboursement", "loan.years", "ans")
    s.value("emprunt_differe", "Différé (intérêts seuls)", "loan.deferral_months", "mois")
    s.value("emprunt_mois", "Mois de déblocage", "loan.disbursement_month", "mois (1 = ouverture)")

    p = "operating_subsidies[0]"
    s.section(f"Subvention de fonctionnement : {leaf(data, p + '.name')}")
    s.value("subf_montant", "Montant annuel", f"{p}.amount_eur_per_year", "€/an")
    s.value("subf_debut", "Première année", f"{p}.start_year", "année (1 = 1re)")
    s.value("subf_duree", "Durée", f"{p}.duration_years", "ans")
    s.value("subf_degressivite", "Dégressivité annuelle", f"{p}.yearly_taper_rate", "taux/an")
    s.value("subf_octroi", "Probabilité d'obtention (0 ou 1 ici)", f"{p}.award_probability",
            "probabilité")
    s.value("subf_delai", "Délai de versement après le début de chaque année",
            f"{p}.payment_delay_months", "mois")

    s.section("Grandeurs dérivées (formules)")
    s.value("date_ouverture", "Date d'ouverture", None, "date",
            value="=DATE(VALUE(LEFT(ouverture,4)),VALUE(MID(ouverture,6,2)),1)",
            number_format="dd/mm/yyyy")
    s.value("horizon_mois", "Horizon", None, "mois", value="=12*horizon_annees")
    for i in (1, 2):
        # Mean price per day of use over the product mix, at year-1 prices: a pass or a pack is
        # paid per day, a membership, desk or seat per month (÷ days of use per month).
        s.value(f"prix_moyen_jour_{i}", f"Prix moyen par jour d'usage, segment {i}", None,
                "€ HT/jour",
                value=(f"=mix_{i}_jour*prix_jour+mix_{i}_carnet*prix_carnet/10"
                       f"+(mix_{i}_nomade*prix_abonnement_nomade+mix_{i}_dedie*prix_poste_dedie"
                       f"+mix_{i}_bureau*prix_place_bureau)/jours_{i}"))
        s.value(f"effet_prix_{i}", f"Effet prix sur la demande, segment {i}", None, "coefficient",
                value=f"=MAX(0,1+elasticite_{i}*(prix_moyen_jour_{i}/prix_reference_{i}-1))",
                number_format=NUMBER)
        s.value(f"utilisateurs_maturite_{i}", f"Utilisateurs à maturité, segment {i}", None,
                "personnes", value=f"=population_{i}*adoption_{i}*effet_prix_{i}",
                number_format=NUMBER)
    s.value("capacite_nomade", "Capacité nomade utilisable", None, "jours-postes/mois",
            value="=postes_nomades*jours_ouverture/pic_moyenne")
    s.value("places_bureaux", "Places en bureaux privatifs", None, "places",
            value="=bureaux*places_par_bureau")
    s.value("postes_total", "Postes de travail (nomades + dédiés + places de bureau)", None,
            "postes", value="=postes_nomades+postes_dedies+places_bureaux")
    s.value("capacite_salles", "Capacité des salles de réunion", None, "h/mois",
            value="=salles*heures_salle_jour*jours_ouverture")
    s.value("investissement_mois_1", "Investissements du mois 1 (assiette par défaut)", None,
            "€", value="=IF(invest_1_mois=1,invest_1_montant,0)"
                       "+IF(invest_2_mois=1,invest_2_montant,0)")
    s.value("subinv_1_montant", "Subvention d'investissement 1 accordée", None, "€",
            value="=subinv_1_octroi*MIN(subinv_1_plafond,subinv_1_taux*"
                  "IF(ISBLANK(subinv_1_assiette),investissement_mois_1,subinv_1_assiette))")
    s.value("subinv_2_montant", "Subvention d'investissement 2 accordée", None, "€",
            value="=subinv_2_octroi*subinv_2_montant_demande")
    s.value("emprunt_echeance", "Échéance constante de l'emprunt (après différé)", None,
            "€/mois", value="=-PMT(emprunt_taux/12,12*emprunt_annees,emprunt_montant)")


# --- sheet "mois" ------------------------------------------------------------------------

def month_columns(data: dict) -> list[tuple[str, str, str, str | None]]:
    """(key, header, formula template, number format) of every column of sheet "mois".

    In a template, ``{key}`` is the cell of column ``key`` on the same row, ``{key@-1}`` the
    row above (previous month) and ``{key@+1}`` the row below; other words are workbook names
    of sheet "inputs".
    """
    seg = [leaf(data, f"demand.segments[{k}].name") for k in range(2)]
    recette = leaf(data, "revenue_lines[0].name")
    don = leaf(data, "revenue_lines[1].name")
    fixed = [leaf(data, f"costs.fixed_lines[{k}].name") for k in range(2)]
    inv = [leaf(data, f"investment.lines[{k}].name") for k in range(2)]
    grant = [leaf(data, f"investment.grants[{k}].name") for k in range(2)]
    subf = leaf(data, "operating_subsidies[0].name")

    columns = [
        ("m", "Mois depuis l'ouverture [0 = ouverture]", f"=ROW()-{FIRST_ROW}", "0"),
        ("date", "Mois [date du 1er jour]", "=EDATE(date_ouverture,{m})", "mm/yyyy"),
        ("mc", "Mois calendaire [1 = janvier]", "=MONTH({date})", "0"),
        ("annee", "Année d'exploitation [1 = 12 premiers mois]", "=INT({m}/12)+1", "0"),
        ("idx_t", "Indice des tarifs [coefficient]", "=(1+indexation_tarifs)^({annee}-1)", NUMBER),
        ("idx_c", "Indice des charges [coefficient]", "=(1+indexation_charges)^({annee}-1)",
         NUMBER),
    ]
    for i in (1, 2):
        x = f"MIN(1,({{m}}+1)/maturite_{i})"
        columns.append((f"rampe_{i}", f"Montée en charge — {seg[i - 1]} [0–1]",
                        f"={x}^2*(3-2*{x})", NUMBER))
    x = "MIN(1,({m}+1)/maturite_services)"
    columns.append(("rampe_s", "Montée en charge — services [0–1]", f"={x}^2*(3-2*{x})", NUMBER))
    for i in (1, 2):
        columns.append((f"saison_{i}", f"Saisonnalité — {seg[i - 1]} [coefficient]",
                        f"=INDEX(saison_{i},{{mc}})", NUMBER))

    # Demand by segment and product, before capacity (flexible products are seasonal).
    products = [("jour", "pass journée", True), ("carnet", "carnet 10 jours", True),
                ("nomade", "abonnement nomade", True), ("dedie", "poste dédié", False),
                ("bureau", "place en bureau", False)]
    for i in (1, 2):
        for short, label, seasonal in products:
            season = f"*{{saison_{i}}}" if seasonal else ""
            columns.append((f"d{i}_{short}", f"Demande {seg[i - 1]} — {label} [utilisateurs]",
                            f"=utilisateurs_maturite_{i}*{{rampe_{i}}}*mix_{i}_{short}{season}",
                            NUMBER))

    flex = {i: f"({{d{i}_jour}}+{{d{i}_carnet}}+{{d{i}_nomade}})" for i in (1, 2)}
    columns += [
        ("dem_nomade", "Demande nomade [journées-utilisateurs/mois]",
         f"={flex[1]}*jours_1+{flex[2]}*jours_2", NUMBER),
        ("cap_nomade", "Capacité nomade utilisable [journées-postes/mois]", "=capacite_nomade",
         NUMBER),
        ("part_nomade", "Part servie de la demande nomade [0–1]",
         "=IF({dem_nomade}>{cap_nomade},{cap_nomade}/{dem_nomade},1)", NUMBER),
        ("dem_dedie", "Postes dédiés demandés [utilisateurs]", "={d1_dedie}+{d2_dedie}", NUMBER),
        ("part_dedie", "Part servie des postes dédiés [0–1]",
         "=IF({dem_dedie}>postes_dedies,postes_dedies/{dem_dedie},1)", NUMBER),
        ("occ_dedie", "Postes dédiés occupés [postes]", "={dem_dedie}*{part_dedie}", NUMBER),
        ("dem_bureau", "Places de bureau demandées [utilisateurs]", "={d1_bureau}+{d2_bureau}",
         NUMBER),
        ("part_bureau", "Part servie des places de bureau [0–1]",
         "=IF({dem_bureau}>places_bureaux,places_bureaux/{dem_bureau},1)", NUMBER),
        ("occ_bureau", "Places de bureau occupées [places]", "={dem_bureau}*{part_bureau}",
         NUMBER),
    ]
    for i in (1, 2):
        columns.append((f"users_{i}", f"Utilisateurs servis — {seg[i - 1]} [personnes]",
                        f"={flex[i]}*{{part_nomade}}+{{d{i}_dedie}}*{{part_dedie}}"
                        f"+{{d{i}_bureau}}*{{part_bureau}}", NUMBER))
    columns += [
        ("users", "Utilisateurs servis [personnes]", "={users_1}+{users_2}", NUMBER),
        ("jours_servis", "Journées-utilisateurs servies [jours/mois]",
         "={users_1}*jours_1+{users_2}*jours_2", NUMBER),
        ("jours_demandes", "Journées-utilisateurs demandées [jours/mois]",
         "=SUM({d1_jour}:{d1_bureau})*jours_1+SUM({d2_jour}:{d2_bureau})*jours_2", NUMBER),
        ("jours_refuses", "Journées-utilisateurs refusées [jours/mois]",
         "={jours_demandes}-{jours_servis}", NUMBER),
        ("occupation", "Taux d'occupation des postes [0–1]",
         "=({dem_nomade}*{part_nomade}/jours_ouverture+{occ_dedie}+{occ_bureau})/postes_total",
         RATE),
        ("occupation_nomade", "Taux d'occupation des postes nomades [0–1]",
         "={dem_nomade}*{part_nomade}/(postes_nomades*jours_ouverture)", RATE),

        # Revenue [€ HT/month]
        ("r_jour", "Recettes pass journée [€ HT/mois]",
         "=({d1_jour}*jours_1+{d2_jour}*jours_2)*{part_nomade}*prix_jour*{idx_t}", EUR),
        ("r_carnet", "Recettes carnets de 10 jours [€ HT/mois]",
         "=({d1_carnet}*jours_1+{d2_carnet}*jours_2)*{part_nomade}*prix_carnet/10*{idx_t}", EUR),
        ("r_nomade", "Recettes abonnements nomades [€ HT/mois]",
         "=({d1_nomade}+{d2_nomade})*{part_nomade}*prix_abonnement_nomade*{idx_t}", EUR),
        ("r_dedie", "Recettes postes dédiés [€ HT/mois]", "={occ_dedie}*prix_poste_dedie*{idx_t}",
         EUR),
        ("r_bureau", "Recettes bureaux privatifs [€ HT/mois]",
         "={occ_bureau}*prix_place_bureau*{idx_t}", EUR),
        ("h_salle_dem", "Heures de salle demandées [h/mois]", "=heures_salle_mois*{rampe_s}",
         NUMBER),
        ("h_salle", "Heures de salle vendues [h/mois]", "=MIN({h_salle_dem},capacite_salles)",
         NUMBER),
        ("r_salle", "Recettes salles de réunion [€ HT/mois]",
         "={h_salle}*prix_salle_heure*{idx_t}", EUR),
        ("r_domic", "Recettes domiciliation [€ HT/mois]",
         "=contrats_domiciliation*{rampe_s}*prix_domiciliation*{idx_t}", EUR),
        ("r_evenement", "Recettes locations d'espace [€ HT/mois]",
         "=evenements_mois*{rampe_s}*prix_evenement*{idx_t}", EUR),
        ("r_libre", f"Recettes {recette} [€ HT/mois]",
         "=IF(AND({annee}>=recette_debut,OR(ISBLANK(recette_fin),{annee}<=recette_fin)),"
         "recette_montant/12*(1+recette_croissance)^({annee}-recette_debut),0)", EUR),
        ("recettes_propres", "Recettes propres [€ HT/mois]",
         "={r_jour}+{r_carnet}+{r_nomade}+{r_dedie}+{r_bureau}+{r_salle}+{r_domic}"
         "+{r_evenement}+{r_libre}", EUR),
        ("dons", f"Dons : {don} [€/mois]",
         "=IF(AND({annee}>=don_debut,OR(ISBLANK(don_fin),{annee}<=don_fin)),"
         "don_montant/12*(1+don_croissance)^({annee}-don_debut),0)", EUR),

        # Operating costs [€/month]
        ("c_loyer", "Loyer [€/mois]", "=IF(locaux_gratuits,0,surface_m2*loyer_m2_an/12*{idx_c})",
         EUR),
        ("c_energie", "Énergie et fluides [€/mois]", "=surface_m2*energie_m2_an/12*{idx_c}", EUR),
        ("c_fixe_1", f"{fixed[0]} [€/mois]", "=charge_fixe_1/12*{idx_c}", EUR),
        ("c_fixe_2", f"{fixed[1]} [€/mois]", "=charge_fixe_2/12*{idx_c}", EUR),
        ("c_conso", "Consommables [€/mois]", "={jours_servis}*consommables_jour*{idx_c}", EUR),
        ("c_personnel", "Personnel [€/mois]",
         "=IF(AND({m}+1>=embauche_mois,OR(ISBLANK(dernier_mois),{m}+1<=dernier_mois)),"
         "etp*cout_etp_an/12*{idx_c},0)", EUR),
        ("charges", "Charges de fonctionnement [€/mois]",
         "={c_loyer}+{c_energie}+{c_fixe_1}+{c_fixe_2}+{c_conso}+{c_personnel}", EUR),
        ("loyer_nature", "Loyer mis à disposition (aide en nature) [€/mois]",
         "=IF(locaux_gratuits,surface_m2*loyer_m2_an/12*{idx_c},0)", EUR),

        # Operating subsidies: accounts (produit) and cash (encaissé) [€/month]
        ("s_aide", "Aide au contrat aidé [€/mois]",
         "=IF(AND({m}+1>=embauche_mois,{m}+1<embauche_mois+aide_mois),{c_personnel}*aide_taux,0)",
         EUR),
        ("s_fonct", f"Subvention {subf} (produit) [€/mois]",
         "=IF(AND({annee}>=subf_debut,{annee}<subf_debut+subf_duree),"
         "subf_octroi*subf_montant*(1-subf_degressivite)^({annee}-subf_debut)/12,0)", EUR),
        ("subventions", "Subventions de fonctionnement (produit) [€/mois]",
         "={s_aide}+{s_fonct}", EUR),
        ("s_fonct_enc", f"Subvention {subf} encaissée [€/mois]",
         "=IF(AND({m}>=subf_delai,MOD({m}-subf_delai,12)=0),"
         "IF(AND(INT(({m}-subf_delai)/12)+1>=subf_debut,"
         "INT(({m}-subf_delai)/12)+1<subf_debut+subf_duree),"
         "subf_octroi*subf_montant*(1-subf_degressivite)^(INT(({m}-subf_delai)/12)+1-subf_debut),"
         "0),0)", EUR),
        ("subventions_enc", "Subventions de fonctionnement encaissées [€/mois]",
         "={s_aide}+{s_fonct_enc}", EUR),
    ]

    # Investment: purchases (first and renewals, cost-indexed to the purchase year) and
    # straight-line depreciation = purchases of the last 12 × lifetime months ÷ their number.
    for i in (1, 2):
        life = f"(12*invest_{i}_duree)"
        columns += [
            (f"achat_{i}", f"Achat {inv[i - 1]} [€]",
             f"=IF(OR({{m}}+1=invest_{i}_mois,AND(invest_{i}_renouvele,{{m}}+1>invest_{i}_mois,"
             f"MOD({{m}}+1-invest_{i}_mois,{life})=0)),invest_{i}_montant*{{idx_c}},0)", EUR),
            (f"amort_{i}", f"Amortissement {inv[i - 1]} [€/mois]",
             f"=SUM(OFFSET({{achat_{i}}},-MIN({{m}},{life}-1),0,MIN({{m}},{life}-1)+1,1))/{life}",
             EUR),
        ]
    columns += [
        ("investissement", "Investissements payés [€/mois]", "={achat_1}+{achat_2}", EUR),
        ("amortissements", "Dotations aux amortissements [€/mois]", "={amort_1}+{amort_2}", EUR),
        ("g_1", f"Subvention d'investissement {grant[0]} encaissée [€]",
         "=IF({m}=subinv_1_delai,subinv_1_montant,0)", EUR),
        ("g_2", f"Subvention d'investissement {grant[1]} encaissée [€]",
         "=IF({m}=subinv_2_delai,subinv_2_montant,0)", EUR),
        ("subv_invest", "Subventions d'investissement encaissées [€/mois]", "={g_1}+{g_2}", EUR),

        # Loan: interest only during the deferral, then constant payments (IPMT / PPMT).
        ("e_deblocage", "Emprunt débloqué [€]", "=IF({m}+1=emprunt_mois,emprunt_montant,0)", EUR),
        ("e_echeance_n", "N° d'échéance de remboursement [1 … 12 × durée]",
         "={m}+1-emprunt_mois-emprunt_differe", "0"),
        ("e_interets", "Intérêts de l'emprunt [€/mois]",
         "=IF(AND({m}+1>emprunt_mois,{m}+1<=emprunt_mois+emprunt_differe),"
         "emprunt_montant*emprunt_taux/12,"
         "IF(AND({e_echeance_n}>=1,{e_echeance_n}<=12*emprunt_annees),"
         "-IPMT(emprunt_taux/12,{e_echeance_n},12*emprunt_annees,emprunt_montant),0))", EUR),
        ("e_capital", "Capital remboursé [€/mois]",
         "=IF(AND({e_echeance_n}>=1,{e_echeance_n}<=12*emprunt_annees),"
         "-PPMT(emprunt_taux/12,{e_echeance_n},12*emprunt_annees,emprunt_montant),0)", EUR),
        ("e_crd", "Capital restant dû en fin de mois [€]",
         "=IF({m}=0,0,{e_crd@-1})+{e_deblocage}-{e_capital}", EUR),

        # Accounts and cash
        ("ebe", "EBE [€/mois]", "={recettes_propres}+{dons}+{subventions}-{charges}", EUR),
        ("resultat", "Résultat net [€/mois]", "={ebe}-{amortissements}-{e_interets}", EUR),
        ("flux", "Flux de trésorerie [€/mois]",
         "={recettes_propres}+{dons}+{subventions_enc}+{subv_invest}+{e_deblocage}"
         "-{charges}-{investissement}-{e_interets}-{e_capital}", EUR),
        ("tresorerie", "Trésorerie en fin de mois [€]",
         "=IF({m}=0,tresorerie_initiale,{tresorerie@-1})+{flux}", EUR),
        ("treso_min", "Trésorerie la plus basse depuis l'ouverture [€]",
         "=IF({m}=0,{tresorerie},MIN({treso_min@-1},{tresorerie}))", EUR),
        ("equilibre_cumul", "Subvention d'équilibre cumulée [€]", "=MAX(0,-{treso_min})", EUR),
        ("equilibre", "Subvention d'équilibre du mois [€]",
         "={equilibre_cumul}-IF({m}=0,0,{equilibre_cumul@-1})", EUR),
        ("treso_apres", "Trésorerie après subvention d'équilibre [€]",
         "={tresorerie}+{equilibre_cumul}", EUR),

        # Autonomy: trailing 12-month own revenue ≥ trailing 12-month operating costs, in
        # this month and every later one.
        ("recettes_12", "Recettes propres sur 12 mois glissants [€]",
         "=IF({m}>=11,SUM(OFFSET({recettes_propres},-11,0,12,1)),\"\")", EUR),
        ("charges_12", "Charges sur 12 mois glissants [€]",
         "=IF({m}>=11,SUM(OFFSET({charges},-11,0,12,1)),\"\")", EUR),
        ("couvert", "Charges couvertes sur 12 mois [1 = oui]",
         "=IF({m}>=11,IF({recettes_12}>={charges_12},1,0),0)", "0"),
        ("couvert_horizon", "Couvertes jusqu'à l'horizon [1 = oui]",
         "=IF({m}=horizon_mois-1,{couvert},{couvert}*{couvert_horizon@+1})", "0"),
    ]
    return columns


def write_months(workbook: Workbook, data: dict) -> dict[str, str]:
    """Write sheet "mois"; return the column letter of each key."""
    n_months = 12 * leaf(data, "simulation.horizon_years")
    sheet = workbook.create_sheet("mois")
    columns = month_columns(data)
    letters = {key: get_column_letter(index) for index, (key, *_rest) in
               enumerate(columns, start=1)}
    if len(letters) != len(columns):
        raise ValueError("duplicate column keys")
    pattern = re.compile(r"\{(\w+)(?:@([+-]\d+))?\}")
    for index, (key, header, template, number_format) in enumerate(columns, start=1):
        cell = sheet.cell(1, index, header)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letters[key]].width = 16
        for row in range(FIRST_ROW, FIRST_ROW + n_months):
            def reference(match: re.Match, row: int = row) -> str:
                offset = int(match.group(2) or 0)
                return f"{letters[match.group(1)]}{row + offset}"
            cell = sheet.cell(row, index, pattern.sub(reference, template))
            if number_format:
                cell.number_format = number_format
    sheet.row_dimensions[1].height = 75
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 3)
    return letters


def write_indicators(workbook: Workbook, data: dict, letters: dict[str, str]) -> None:
    n_years = leaf(data, "simulation.horizon_years")
    last = FIRST_ROW + 12 * n_years - 1

    def column(key: str, first: int = FIRST_ROW, stop: int = last) -> str:
        return f"mois!${letters[key]}${first}:${letters[key]}${stop}"

    sheet = workbook.create_sheet("indicateurs")
    for index, (title, width) in enumerate([("Indicateur", 60), ("Valeur", 18)], start=1):
        cell = sheet.cell(1, index, title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = width
    rows = [
        ("Mois d'autonomie [n° de mois, 1 = ouverture ; vide = jamais]",
         f"=IFERROR(MATCH(1,{column('couvert_horizon')},0),\"\")"),
        ("Subvention d'équilibre totale [€]", f"=SUM({column('equilibre')})"),
        ("Trésorerie minimale [€]", f"=MIN({column('tresorerie')})"),
        ("Trésorerie à l'horizon [€]", f"=mois!{letters['tresorerie']}{last}"),
    ]
    for year in range(1, n_years + 1):
        first, stop = FIRST_ROW + 12 * (year - 1), FIRST_ROW + 12 * year - 1
        rows += [
            (f"Subvention d'équilibre, année {year} [€]",
             f"=SUM({column('equilibre', first, stop)})"),
            (f"Taux d'occupation moyen, année {year} [0–1]",
             f"=AVERAGE({column('occupation', first, stop)})"),
            (f"Taux d'autofinancement, année {year} [recettes propres / charges]",
             f"=SUM({column('recettes_propres', first, stop)})"
             f"/SUM({column('charges', first, stop)})"),
        ]
    for row, (label, formula) in enumerate(rows, start=2):
        sheet.cell(row, 1, label)
        sheet.cell(row, 2, formula)


def build_formulas(path: Path) -> None:
    data = tomllib.loads(SCENARIO.read_text("utf-8"))
    workbook = Workbook()
    workbook.remove(workbook.active)
    write_inputs(workbook, data)
    letters = write_months(workbook, data)
    write_indicators(workbook, data, letters)
    workbook.save(path)


# --- recalculation by LibreOffice ----------------------------------------------------------

RECALC_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
</oor:items>
"""


def recalculate(source: Path, destination: Path) -> None:
    """Have LibreOffice load ``source``, recalculate every formula and save ``destination``."""
    soffice = os.environ.get("SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is needed to recalculate the workbook")
    with tempfile.TemporaryDirectory() as work:
        profile = Path(work) / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ON_LOAD, "utf-8")
        out = Path(work) / "out"
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                        "--outdir", str(out), str(source)],
                       check=True, capture_output=True, timeout=300)
        shutil.copyfile(out / source.name, destination)


def check_cached_values(path: Path) -> None:
    """Every formula cell must carry a cached value, and none may be an error."""
    formulas = load_workbook(path)
    values = load_workbook(path, data_only=True)
    problems = []
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cached = values[sheet.title][cell.coordinate].value
                    if cached is None or (isinstance(cached, str) and cached.startswith("#")):
                        if not (cached is None and "\"\"" in cell.value):  # blank on purpose
                            problems.append(f"{sheet.title}!{cell.coordinate}: {cached!r}")
    if problems:
        raise RuntimeError("formula cells without a valid cached value: "
                           + ", ".join(problems[:20]))


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / OUTPUT.name
        build_formulas(source)
        recalculate(source, source.with_suffix(".recalculated.xlsx"))
        check_cached_values(source.with_suffix(".recalculated.xlsx"))
        shutil.copyfile(source.with_suffix(".recalculated.xlsx"), OUTPUT)
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
