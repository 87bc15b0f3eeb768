"""The scenario schema (pydantic v2): one frozen model per section of a scenario file.

Every user-facing field is declared with :func:`described` (French and English label, unit,
bounds, help, whether it may be uncertain). Numeric leaves typed ``UncertainNumber`` accept a
number or a distribution inline table. Years and months in files count from 1 (year 1 is the
first twelve months after opening); the model counts from 0.
"""

from __future__ import annotations

import re
import typing
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tierslieux_sim.core.products import PRODUCTS
from tierslieux_sim.scenario.distributions import UncertainNumber
from tierslieux_sim.scenario.fields import Section, described, require_unique_names
from tierslieux_sim.scenario.paths import uncertain_leaves
from tierslieux_sim.scenario.reserved import check_reserved_names
from tierslieux_sim.scenario.schedules import ScheduledCount, ScheduledNumber

#: Version 2 (issue 4): grants and subsidies typed by programme (was free text), funders,
#: grant payment schedules, owner and operator, VAT and FCTVA, public support; version 1
#: files are migrated on load (see ``scenario.files.MIGRATIONS``).
#: Version 3 (issue 10): management mode, operator VAT status and owner of the premises in
#: ``[structure]``; a ``[budget]`` section for the collectivity's flows to the operator
#: (balancing subsidy per budget year, cash advances, equipment subsidies).
SCHEMA_VERSION = 3


#: Funding programmes of grants and subsidies (``other``: any other; give its ``funder``).
Programme = Literal["fabrique_de_territoire", "detr", "dsil", "leader", "feder", "region",
                    "departement", "epci", "commune", "other"]
PROGRAMMES: tuple[str, ...] = typing.get_args(Programme)
#: Levels of public funders (``epci_commune``: the communal block, commune or EPCI).
Funder = Literal["eu", "state", "region", "departement", "epci_commune", "other"]
FUNDERS: tuple[str, ...] = typing.get_args(Funder)
#: A grant's or subsidy's funder: a level, or ``from_programme`` (DETR → State, LEADER → EU…).
GrantFunder = Literal["from_programme", "eu", "state", "region", "departement", "epci_commune",
                      "other"]
#: The funder of in-kind support: a level, or ``lead_authority`` (the lead local authority).
SupportFunder = Literal["lead_authority", "eu", "state", "region", "departement", "epci_commune",
                        "other"]
#: Legal forms of the owner of the investment and of the operator.
Counterfactual = Literal["home", "employer_office", "other_coworking"]
StructureType = Literal["local_authority", "association", "scic", "company"]
#: How the site is run (modes de gestion): an association or SCIC under a subsidy
#: convention; a company or association renting the premises; a concession (public service
#: delegation); direct management as an administrative (SPA) or an industrial and
#: commercial public service (SPIC).
ManagementMode = Literal["auto", "association_convention", "rental", "concession",
                         "regie_spa", "regie_spic"]
MANAGEMENT_MODES: tuple[str, ...] = typing.get_args(ManagementMode)


_PROGRAMME_HELP_FR = (
    "fabrique_de_territoire (ANCT), detr, dsil (État), leader (FEADER), feder (UE), region, "
    "departement, epci, commune, other (autre : préciser le financeur).")
_PROGRAMME_HELP_EN = (
    "fabrique_de_territoire (ANCT), detr, dsil (State), leader (EAFRD), feder (ERDF), region, "
    "departement, epci, commune, other (give the funder).")
_FUNDER_HELP_FR = (
    "Niveau du financeur : eu, state, region, departement, epci_commune, other ; "
    "from_programme = déduit du programme (DETR, DSIL, Fabrique → État ; LEADER, FEDER → UE ; "
    "other → other).")
_FUNDER_HELP_EN = (
    "Funder level: eu, state, region, departement, epci_commune, other; from_programme = from "
    "the programme (DETR, DSIL, Fabrique → State; LEADER, ERDF → EU; other → other).")


_SECTION_KEY = "x-tierslieux-section"


def _section(fr: str, en: str) -> ConfigDict:
    return ConfigDict(json_schema_extra={_SECTION_KEY: {"label_fr": fr, "label_en": en}})


def section_label(model: type[BaseModel], language: str, default: str | None = None) -> str:
    """The French or English title a section declares with ``_section`` (``Site et
    capacité``); ``default`` (else the class name) for a model that declares none."""
    extra = model.model_config.get("json_schema_extra")
    labels = extra.get(_SECTION_KEY) if isinstance(extra, dict) else None
    label = labels.get(f"label_{language}") if isinstance(labels, dict) else None
    if isinstance(label, str):
        return label
    return default if default is not None else model.__name__


#: Control characters a TOML comment cannot hold (whitespace ones are turned into spaces).
_COMMENT_FORBIDDEN = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def tidy_source(text: str) -> str:
    """A source text as kept and written: runs of ASCII whitespace (line breaks included) as
    one space, no control characters, no spaces at the ends (French non-breaking spaces are
    kept). Stable under wrapping into comment lines and joining them back with spaces."""
    return re.sub(r"[ \t\n\r\f\v]+", " ", _COMMENT_FORBIDDEN.sub("", text)).strip(" ")


class Meta(Section):
    model_config = _section("Description du scénario", "Scenario description")

    name: str = described(fr="Nom du scénario", en="Scenario name", min_length=1)
    territory: str = described("", fr="Territoire", en="Territory")
    author: str = described("", fr="Auteur·rice", en="Author")
    notes: str = described("", fr="Notes", en="Notes")
    sources: dict[str, str] = described(
        {}, fr="Sources des valeurs", en="Sources of the values",
        help_fr="Source de chaque valeur, par chemin (ex. site.peak_to_mean_ratio, "
                "demand.segments[0].pool_people). Dans un fichier, elles s'écrivent en "
                "commentaires au-dessus de chaque clé ; une table [meta.sources] est aussi lue.",
        help_en="Source of each value, by path (e.g. site.peak_to_mean_ratio, "
                "demand.segments[0].pool_people). In a file they are written as comments above "
                "each key; a [meta.sources] table is also read.")

    @field_validator("sources", mode="after")
    @classmethod
    def _tidy_sources(cls, sources: dict[str, str]) -> dict[str, str]:
        tidied = {path: tidy_source(text) for path, text in sources.items()}
        return {path: text for path, text in tidied.items() if text}


class Simulation(Section):
    model_config = _section("Horizon et trésorerie initiale", "Horizon and initial cash")

    horizon_years: int = described(
        10, fr="Horizon", en="Horizon", unit="ans", ge=1, le=30,
        help_fr="Nombre d'années simulées à partir de l'ouverture.",
        help_en="Number of years simulated from the opening.")
    opening_month: str = described(
        "2027-01", fr="Mois d'ouverture", en="Opening month", unit="AAAA-MM",
        help_fr="Premier mois d'activité, au format AAAA-MM.",
        help_en="First month of operation, as YYYY-MM.",
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    initial_cash_eur: float = described(
        0.0, fr="Trésorerie initiale", en="Initial cash", unit="€", ge=0,
        help_fr="Trésorerie disponible le jour de l'ouverture (apports, fonds propres).",
        help_en="Cash available on opening day (contributions, equity).")


class Site(Section):
    model_config = _section("Site et capacité", "Site and capacity")

    surface_m2: float = described(
        fr="Surface", en="Surface area", unit="m²", ge=0,
        help_fr="Surface louée ou mise à disposition (sert au loyer et à l'énergie).",
        help_en="Surface rented or lent (drives rent and energy).")
    flex_desks: ScheduledCount = described(
        fr="Postes nomades", en="Flexible desks", unit="postes", ge=0,
        help_fr="Postes partagés, utilisés à la journée ou par abonnement nomade.",
        help_en="Shared desks used by the day or by flexible members.")
    dedicated_desks: ScheduledCount = described(
        0, fr="Postes dédiés", en="Dedicated desks", unit="postes", ge=0,
        help_fr="Postes attitrés loués au mois.", help_en="Desks rented monthly to one person.")
    private_offices: ScheduledCount = described(
        0, fr="Bureaux privatifs", en="Private offices", unit="bureaux", ge=0)
    seats_per_office: int = described(
        1, fr="Places par bureau", en="Seats per office", unit="places", ge=1, le=20)
    meeting_rooms: int = described(
        0, fr="Salles de réunion", en="Meeting rooms", unit="salles", ge=0)
    meeting_room_bookable_hours_per_day: float = described(
        8.0, fr="Heures réservables par salle et par jour", en="Bookable hours per room per day",
        unit="h/jour", ge=0, le=24)
    open_days_per_month: float = described(
        21.0, fr="Jours d'ouverture par mois", en="Open days per month", unit="jours/mois",
        ge=1, le=31)
    peak_to_mean_ratio: UncertainNumber = described(
        1.5, fr="Rapport pic / moyenne de fréquentation", en="Peak-to-mean attendance ratio",
        unit="", ge=1, le=5, uncertain=True,
        help_fr="Les télétravailleurs viennent les mêmes jours : la capacité nomade utilisable "
                "en moyenne est la capacité divisée par ce rapport.",
        help_en="Teleworkers come on the same weekdays: the usable mean flexible capacity is "
                "the capacity divided by this ratio.")


class ProductMix(Section):
    model_config = _section("Répartition par formule", "Product mix")

    day_pass: float = described(0.0, fr="Pass journée", en="Day pass", unit="part", ge=0, le=1)
    ten_day_pack: float = described(
        0.0, fr="Carnet de 10 jours", en="10-day pack", unit="part", ge=0, le=1)
    flex_membership: float = described(
        0.0, fr="Abonnement nomade", en="Flexible membership", unit="part", ge=0, le=1)
    dedicated_desk: float = described(
        0.0, fr="Poste dédié", en="Dedicated desk", unit="part", ge=0, le=1)
    office_seat: float = described(
        0.0, fr="Place en bureau privatif", en="Private-office seat", unit="part", ge=0, le=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> ProductMix:
        total = sum(getattr(self, product) for product in PRODUCTS)
        if abs(total - 1) > 1e-6:
            raise PydanticCustomError(
                "tl_shares_sum", "shares must sum to 1, got {found}", {"found": round(total, 6)})
        return self


class Segment(Section):
    model_config = _section("Segment de demande", "Demand segment")

    name: str = described(fr="Nom du segment", en="Segment name", min_length=1)
    pool_people: ScheduledNumber = described(
        fr="Population cible", en="Target pool", unit="personnes", ge=0, uncertain=True,
        help_fr="Personnes de la zone de chalandise concernées par ce segment.",
        help_en="People in the catchment area belonging to this segment.")
    adoption_rate: UncertainNumber = described(
        fr="Taux d'adoption à maturité", en="Adoption at maturity", unit="part", ge=0, le=1,
        uncertain=True,
        help_fr="Part de la population cible qui devient utilisatrice une fois le lieu connu.",
        help_en="Share of the pool who become users once the place is established.")
    months_to_maturity: UncertainNumber = described(
        24.0, fr="Durée de montée en charge", en="Months to maturity", unit="mois", ge=1, le=120,
        uncertain=True,
        help_fr="Mois pour atteindre l'adoption à maturité (courbe en S).",
        help_en="Months to reach adoption at maturity (S-shaped ramp-up).")
    days_per_month: UncertainNumber = described(
        fr="Jours de présence par mois", en="Days of use per month", unit="jours/mois",
        ge=0, le=31, uncertain=True)
    product_mix: ProductMix = described(
        fr="Répartition par formule", en="Product mix",
        help_fr="Part des utilisateurs de chaque formule (somme = 1).",
        help_en="Share of users on each product (sums to 1).")
    seasonality: list[float] = described(
        [1.0] * 12, fr="Saisonnalité (janv. → déc.)", en="Seasonality (Jan → Dec)",
        unit="coefficient", ge=0, le=5, min_length=12, max_length=12,
        help_fr="12 coefficients mensuels de fréquentation, 1 = mois normal.",
        help_en="12 monthly attendance factors, 1 = normal month.")
    price_elasticity: UncertainNumber = described(
        0.0, fr="Élasticité-prix", en="Price elasticity", unit="", ge=-5, le=0, uncertain=True,
        help_fr="Variation relative de la demande pour 1 % de prix en plus (ex. -0,3).",
        help_en="Relative change in demand for a 1% higher price (e.g. -0.3).")
    reference_price_eur_per_day: float = described(
        10.0, fr="Prix de référence", en="Reference price", unit="€ HT/jour", ge=0.01,
        help_fr="Prix moyen par jour auquel le taux d'adoption a été estimé.",
        help_en="Mean price per day at which the adoption rate was estimated.")
    free_months_for_new_users: int = described(
        0, fr="Gratuité pour les nouveaux utilisateurs", en="Free months for new users",
        unit="mois", ge=0, le=60,
        help_fr="Chaque nouvel utilisateur de ce segment ne paie rien pendant ses N premiers "
                "mois (ex. 24 : « gratuit deux ans pour les nouveaux arrivants, puis payant »). "
                "Il occupe un poste comme les autres. Les nouveaux d'un mois sont la hausse de "
                "la demande du segment sur le mois précédent.",
        help_en="Each new user of this segment pays nothing for their first N months (e.g. 24: "
                "'free for two years for newcomers, then paying'). They take a desk like the "
                "others. A month's new users are the rise of the segment's demand over the "
                "previous month.")
    counterfactual: Counterfactual = described(
        "home", fr="Sans le tiers-lieu, ces usagers travailleraient…",
        en="Without the tiers-lieu, these users would work…",
        help_fr="Situation de référence du bilan socio-économique (France Stratégie, guide de "
                "l'évaluation socioéconomique, 2017 : l'option de référence est la situation la "
                "plus probable sans le projet) : home (chez eux, la forme dominante du "
                "télétravail, DARES 2024), employer_office (au bureau de l'employeur, après un "
                "trajet), other_coworking (dans un autre espace de travail partagé). Par défaut "
                "home : aucun trajet évité n'est compté sans hypothèse écrite.",
        help_en="Reference situation of the socio-economic appraisal (France Stratégie, guide "
                "to socio-economic appraisal, 2017: the reference option is the most likely "
                "situation without the project): home (the dominant form of telework, DARES "
                "2024), employer_office (at the employer's office, after a commute), "
                "other_coworking (in another shared workspace). Default home: no avoided "
                "commute is counted without a written assumption.")
    commute_replaced_share: UncertainNumber | None = described(
        None, fr="Part des journées qui remplacent un trajet domicile–travail",
        en="Share of days that replace a home–work commute", unit="part", ge=0, le=1,
        uncertain=True,
        help_fr="Part des journées au tiers-lieu qui évitent un trajet vers le lieu de travail "
                "habituel ; seules celles-ci comptent dans les km, le CO2 et le temps gagnés. "
                "Absent : 1 pour employer_office, 0 pour home et other_coworking.",
        help_en="Share of the days at the tiers-lieu that avoid a trip to the usual workplace; "
                "only those count in the km, CO2 and time saved. Absent: 1 for "
                "employer_office, 0 for home and other_coworking.")


class Demand(Section):
    model_config = _section("Demande", "Demand")

    segments: list[Segment] = described(
        fr="Segments de demande", en="Demand segments", min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Demand:
        require_unique_names(self.segments, "segments")
        return self


class Prices(Section):
    model_config = _section("Tarifs (HT)", "Prices (excl. VAT)")

    day_pass_eur: ScheduledNumber = described(
        fr="Pass journée", en="Day pass", unit="€ HT", ge=0, uncertain=True)
    ten_day_pack_eur: ScheduledNumber = described(
        0.0, fr="Carnet de 10 jours", en="10-day pack", unit="€ HT", ge=0, uncertain=True)
    flex_membership_eur_per_month: ScheduledNumber = described(
        0.0, fr="Abonnement nomade", en="Flexible membership", unit="€ HT/mois", ge=0,
        uncertain=True)
    dedicated_desk_eur_per_month: ScheduledNumber = described(
        0.0, fr="Poste dédié", en="Dedicated desk", unit="€ HT/mois", ge=0, uncertain=True)
    office_seat_eur_per_month: ScheduledNumber = described(
        0.0, fr="Place en bureau privatif", en="Private-office seat", unit="€ HT/mois", ge=0,
        uncertain=True)
    meeting_room_eur_per_hour: ScheduledNumber = described(
        0.0, fr="Salle de réunion", en="Meeting room", unit="€ HT/h", ge=0, uncertain=True)
    domiciliation_eur_per_month: ScheduledNumber = described(
        0.0, fr="Domiciliation", en="Business domiciliation", unit="€ HT/mois", ge=0,
        uncertain=True)
    event_hire_eur_per_event: ScheduledNumber = described(
        0.0, fr="Location d'espace (événement)", en="Space hire (event)", unit="€ HT/événement",
        ge=0, uncertain=True)
    yearly_indexation_rate: UncertainNumber = described(
        0.0, fr="Indexation annuelle des tarifs", en="Yearly price indexation", unit="taux/an",
        ge=-0.1, le=0.2, uncertain=True,
        help_fr="Hausse des tarifs chaque année (inflation) ; sans effet sur la demande.",
        help_en="Yearly price increase (inflation); does not affect demand.")


class Services(Section):
    model_config = _section("Services (salles, domiciliation, événements)",
                            "Services (rooms, domiciliation, events)")

    meeting_room_hours_per_month: UncertainNumber = described(
        0.0, fr="Heures de salle réservées par mois", en="Meeting-room hours booked per month",
        unit="h/mois", ge=0, uncertain=True, help_fr="À maturité, toutes salles confondues.",
        help_en="At maturity, all rooms together.")
    domiciliation_contracts: UncertainNumber = described(
        0.0, fr="Contrats de domiciliation", en="Domiciliation contracts", unit="contrats",
        ge=0, uncertain=True, help_fr="À maturité.", help_en="At maturity.")
    events_per_month: UncertainNumber = described(
        0.0, fr="Locations d'espace par mois", en="Space hires per month", unit="événements/mois",
        ge=0, uncertain=True, help_fr="À maturité.", help_en="At maturity.")
    months_to_maturity: UncertainNumber = described(
        12.0, fr="Montée en charge des services", en="Services months to maturity", unit="mois",
        ge=1, le=120, uncertain=True)


class RevenueLine(Section):
    model_config = _section("Autre recette", "Other revenue")

    name: str = described(fr="Libellé", en="Name", min_length=1)
    kind: Literal["own", "donation"] = described(
        "own", fr="Nature", en="Kind",
        help_fr="« own » : recette propre (formation, services, café) ; « donation » : "
                "mécénat ou dons (privés, hors subventions).",
        help_en="'own': own revenue (training, services, café); 'donation': sponsorship or "
                "donations (private, not subsidies).")
    annual_amount_eur: ScheduledNumber = described(
        fr="Montant annuel", en="Annual amount", unit="€ HT/an", ge=0, uncertain=True)
    yearly_growth_rate: UncertainNumber = described(
        0.0, fr="Croissance annuelle", en="Yearly growth", unit="taux/an", ge=-0.5, le=1,
        uncertain=True)
    start_year: int = described(1, fr="Année de début", en="Start year", unit="année", ge=1)
    end_year: int | None = described(
        None, fr="Année de fin", en="End year", unit="année", ge=1,
        help_fr="Dernière année incluse ; absente = jusqu'à l'horizon.",
        help_en="Last year included; absent = until the horizon.")


class CostLine(Section):
    model_config = _section("Charge fixe", "Fixed cost")

    name: str = described(fr="Libellé", en="Name", min_length=1)
    annual_amount_eur: ScheduledNumber = described(
        fr="Montant annuel", en="Annual amount", unit="€/an", ge=0, uncertain=True)


class Costs(Section):
    model_config = _section("Charges de fonctionnement", "Operating costs")

    rent_eur_per_m2_per_year: ScheduledNumber = described(
        0.0, fr="Loyer (valeur de marché)", en="Rent (market value)", unit="€/m²/an", ge=0,
        uncertain=True)
    premises_lent_free: bool = described(
        False, fr="Locaux mis à disposition gratuitement", en="Premises lent free of charge",
        help_fr="Si vrai, aucun loyer n'est payé ; la valeur locative est une aide en nature.",
        help_en="If true, no rent is paid; the market rent is in-kind support.")
    rent_discount_rate: float = described(
        0.0, fr="Rabais sur le loyer de marché", en="Discount on the market rent", unit="part",
        ge=0, le=1,
        help_fr="Loyer modéré consenti par une collectivité : le loyer payé est le loyer de "
                "marché × (1 − rabais) ; le rabais est une aide en nature (financeur : "
                "public_support.premises_lent_by). Sans effet si les locaux sont prêtés "
                "gratuitement.",
        help_en="Below-market rent granted by a public body: the rent paid is the market rent "
                "× (1 − discount); the discount is in-kind support (funder: "
                "public_support.premises_lent_by). No effect when premises are lent free.")
    energy_eur_per_m2_per_year: ScheduledNumber = described(
        0.0, fr="Énergie et fluides", en="Energy and utilities", unit="€/m²/an", ge=0,
        uncertain=True)
    consumables_eur_per_user_day: ScheduledNumber = described(
        0.0, fr="Consommables par journée-utilisateur", en="Consumables per user-day",
        unit="€/jour", ge=0, uncertain=True)
    yearly_indexation_rate: UncertainNumber = described(
        0.0, fr="Indexation annuelle des charges", en="Yearly cost indexation", unit="taux/an",
        ge=-0.1, le=0.2, uncertain=True)
    fixed_lines: list[CostLine] = described(
        [], fr="Charges fixes", en="Fixed costs",
        help_fr="Internet, assurance, ménage, logiciels, communication, comptabilité…",
        help_en="Internet, insurance, cleaning, software, communication, accounting…")

    @model_validator(mode="after")
    def _unique(self) -> Costs:
        require_unique_names(self.fixed_lines, "fixed_lines")
        return self


class StaffPosition(Section):
    model_config = _section("Poste", "Staff position")

    role: str = described(fr="Fonction", en="Role", min_length=1)
    fte: ScheduledNumber = described(
        fr="Équivalent temps plein", en="Full-time equivalent", unit="ETP", ge=0, le=20,
        uncertain=True)
    loaded_annual_cost_eur: ScheduledNumber = described(
        fr="Coût annuel chargé d'un ETP", en="Loaded annual cost per FTE", unit="€/an/ETP", ge=0,
        uncertain=True)
    start_month: int = described(1, fr="Mois d'embauche", en="Start month", unit="mois", ge=1)
    end_month: int | None = described(
        None, fr="Dernier mois", en="End month", unit="mois", ge=1,
        help_fr="Absent = jusqu'à l'horizon.", help_en="Absent = until the horizon.")
    aided_contract_support_rate: float = described(
        0.0, fr="Prise en charge (contrat aidé)", en="Aided-contract support", unit="part",
        ge=0, le=1, help_fr="Part du coût remboursée par l'État (ex. PEC).",
        help_en="Share of the cost refunded by the State (aided contract).")
    aided_contract_months: int = described(
        0, fr="Durée de l'aide", en="Aid duration", unit="mois", ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> StaffPosition:
        if self.end_month is not None and self.end_month < self.start_month:
            raise PydanticCustomError(
                "tl_order", "expected {names} in increasing order, got {found}",
                {"names": "start_month ≤ end_month", "found": f"{self.start_month}, {self.end_month}"})
        return self


class InvestmentLine(Section):
    model_config = _section("Investissement", "Investment")

    name: str = described(fr="Libellé", en="Name", min_length=1)
    category: Literal["works", "furniture", "it", "equipment", "studies", "contingency"] = described(
        "works", fr="Catégorie", en="Category")
    amount_eur: UncertainNumber = described(
        fr="Montant", en="Amount", unit="€", ge=0, uncertain=True)
    purchase_month: int = described(
        1, fr="Mois d'achat", en="Purchase month", unit="mois", ge=1,
        help_fr="1 = mois d'ouverture.", help_en="1 = opening month.")
    lifetime_years: int = described(
        10, fr="Durée d'amortissement", en="Lifetime", unit="ans", ge=1, le=50)
    renewed: bool = described(
        False, fr="Renouvelé en fin de vie", en="Renewed at end of life")


class InvestmentGrant(Section):
    model_config = _section("Subvention d'investissement", "Investment grant")

    name: str = described(fr="Libellé", en="Name", min_length=1)
    programme: Programme = described(
        "other", fr="Programme", en="Programme", help_fr=_PROGRAMME_HELP_FR,
        help_en=_PROGRAMME_HELP_EN)
    funder: GrantFunder = described(
        "from_programme", fr="Financeur", en="Funder", help_fr=_FUNDER_HELP_FR,
        help_en=_FUNDER_HELP_EN)
    amount_eur: UncertainNumber | None = described(
        None, fr="Montant", en="Amount", unit="€", ge=0, uncertain=True,
        help_fr="Montant accordé ; sinon donner un taux.", help_en="Amount granted; else a rate.")
    rate_of_eligible_cost: UncertainNumber | None = described(
        None, fr="Taux de la dépense éligible", en="Rate of eligible cost", unit="part", ge=0,
        le=1, uncertain=True)
    eligible_cost_eur: UncertainNumber | None = described(
        None, fr="Dépense éligible", en="Eligible cost", unit="€", ge=0, uncertain=True,
        help_fr="Absente = premier achat de chaque ligne d'investissement (hors renouvellements).",
        help_en="Absent = the first purchase of every investment line (renewals excluded).")
    cap_eur: float | None = described(None, fr="Plafond", en="Cap", unit="€", ge=0)
    award_probability: float = described(
        1.0, fr="Probabilité d'obtention", en="Probability of award", unit="probabilité", ge=0,
        le=1)
    payment_delay_months: int = described(
        0, fr="Délai de versement du solde", en="Payment delay of the balance", unit="mois",
        ge=0, le=120,
        help_fr="Mois entre l'ouverture et le versement du solde (de toute la subvention sans "
                "avance), en général après l'achèvement et la justification des dépenses.",
        help_en="Months between the opening and the payment of the balance (of the whole grant "
                "without an advance), usually after completion and proof of spending.")
    advance_share: float = described(
        0.0, fr="Part versée en avance", en="Share paid in advance", unit="part", ge=0, le=1,
        help_fr="Avance au commencement du projet (ex. jusqu'à 30 % pour une subvention "
                "d'investissement de l'État, décret n° 2018-514 art. 12) ; le reste est le solde.",
        help_en="Advance at the start of the project (e.g. up to 30% for a State investment "
                "grant, decree 2018-514 art. 12); the rest is the balance.")
    advance_delay_months: int = described(
        0, fr="Délai de versement de l'avance", en="Payment delay of the advance", unit="mois",
        ge=0, le=120, help_fr="Mois entre l'ouverture et le versement de l'avance.",
        help_en="Months between the opening and the payment of the advance.")

    @model_validator(mode="after")
    def _amount_or_rate(self) -> InvestmentGrant:
        if (self.amount_eur is None) == (self.rate_of_eligible_cost is None):
            raise PydanticCustomError(
                "tl_amount_or_rate", "give exactly one of amount_eur and rate_of_eligible_cost",
                {})
        return self


class Investment(Section):
    model_config = _section("Investissement et son financement", "Investment and its financing")

    lines: list[InvestmentLine] = described([], fr="Investissements", en="Investment lines")
    grants: list[InvestmentGrant] = described(
        [], fr="Subventions d'investissement", en="Investment grants")

    @model_validator(mode="after")
    def _unique(self) -> Investment:
        require_unique_names(self.lines, "lines")
        require_unique_names(self.grants, "grants")
        return self


class Loan(Section):
    model_config = _section("Emprunt", "Loan")

    amount_eur: UncertainNumber = described(
        0.0, fr="Montant emprunté", en="Amount borrowed", unit="€", ge=0, uncertain=True)
    annual_rate: UncertainNumber = described(
        0.0, fr="Taux annuel", en="Annual rate", unit="taux/an", ge=0, le=0.2, uncertain=True)
    years: int = described(
        10, fr="Durée de remboursement", en="Repayment period", unit="ans", ge=1, le=40)
    deferral_months: int = described(
        0, fr="Différé (intérêts seuls)", en="Deferral (interest only)", unit="mois", ge=0, le=60)
    disbursement_month: int = described(
        1, fr="Mois de déblocage", en="Disbursement month", unit="mois", ge=1)


class OperatingSubsidy(Section):
    model_config = _section("Subvention de fonctionnement", "Operating subsidy")

    name: str = described(fr="Libellé", en="Name", min_length=1)
    programme: Programme = described(
        "other", fr="Programme", en="Programme", help_fr=_PROGRAMME_HELP_FR,
        help_en=_PROGRAMME_HELP_EN)
    funder: GrantFunder = described(
        "from_programme", fr="Financeur", en="Funder", help_fr=_FUNDER_HELP_FR,
        help_en=_FUNDER_HELP_EN)
    amount_eur_per_year: UncertainNumber = described(
        fr="Montant annuel", en="Amount per year", unit="€/an", ge=0, uncertain=True)
    start_year: int = described(1, fr="Première année", en="Start year", unit="année", ge=1)
    duration_years: int = described(1, fr="Durée", en="Duration", unit="ans", ge=1, le=30)
    yearly_taper_rate: float = described(
        0.0, fr="Dégressivité annuelle", en="Yearly taper", unit="taux/an", ge=0, le=1,
        help_fr="Baisse chaque année : montant × (1 − taux)^(année − première année).",
        help_en="Yearly decrease: amount × (1 − rate)^(year − start year).")
    award_probability: float = described(
        1.0, fr="Probabilité d'obtention", en="Probability of award", unit="probabilité", ge=0,
        le=1)
    payment_delay_months: int = described(
        0, fr="Délai de versement", en="Payment delay", unit="mois", ge=0, le=24,
        help_fr="Mois entre le début de chaque année et le versement de son montant (du solde "
                "s'il y a une avance).",
        help_en="Months between the start of each year and the payment of its amount (of the "
                "balance when there is an advance).")
    advance_share: float = described(
        0.0, fr="Part versée en avance", en="Share paid in advance", unit="part", ge=0, le=1,
        help_fr="Avance de chaque année prévue par la convention (ex. 50 % au vote du budget) ; "
                "le reste est le solde, versé au délai de versement.",
        help_en="Each year's advance under the convention (e.g. 50% when the budget is "
                "voted); the rest is the balance, paid at the payment delay.")
    advance_delay_months: int = described(
        0, fr="Délai de versement de l'avance", en="Payment delay of the advance", unit="mois",
        ge=0, le=24, help_fr="Mois entre le début de chaque année et le versement de l'avance.",
        help_en="Months between the start of each year and the payment of the advance.")


class Correlation(Section):
    model_config = _section("Corrélation", "Correlation")

    a: str = described(fr="Première entrée", en="First input",
                       help_fr="Chemin, ex. prices.day_pass_eur", help_en="Path, e.g. prices.day_pass_eur")
    b: str = described(fr="Seconde entrée", en="Second input")
    rank_correlation: float = described(
        fr="Corrélation de rang", en="Rank correlation", unit="", ge=-1, le=1,
        help_fr="Corrélation de Spearman entre les deux entrées.",
        help_en="Spearman rank correlation between the two inputs.")


class Territory(Section):
    model_config = _section("Impacts pour le territoire", "Territory impacts")

    avoided_round_trip_km: UncertainNumber = described(
        0.0, fr="Trajet aller-retour évité", en="Avoided round trip", unit="km/jour", ge=0,
        uncertain=True,
        help_fr="Distance domicile–travail aller-retour qu'une journée au tiers-lieu évite "
                "(0 = impacts non estimés).",
        help_en="Home–work round-trip distance a day at the tiers-lieu avoids "
                "(0 = impacts not estimated).")
    car_share: UncertainNumber = described(
        1.0, fr="Part des trajets évités faits en voiture", en="Share of avoided trips by car",
        unit="part", ge=0, le=1, uncertain=True)
    emission_factor_kgco2e_per_km: UncertainNumber | None = described(
        None, fr="Facteur d'émission de la voiture", en="Car emission factor",
        unit="kgCO2e/km", ge=0, le=1, uncertain=True,
        help_fr="Absent = valeur de référence (ADEME).", help_en="Absent = reference value (ADEME).")
    rebound_rate: UncertainNumber | None = described(
        None, fr="Effets rebond", en="Rebound effects", unit="part", ge=0, le=1, uncertain=True,
        help_fr="Part du gain carbone annulée par les effets rebond ; absent = ADEME 2020.",
        help_en="Share of the carbon gain cancelled by rebound effects; absent = ADEME 2020.")
    minutes_saved_per_user_day: UncertainNumber = described(
        0.0, fr="Temps de trajet gagné par journée", en="Travel time saved per user-day",
        unit="min/jour", ge=0, le=600, uncertain=True)
    local_spending_eur_per_user_day: UncertainNumber = described(
        0.0, fr="Dépenses locales par journée", en="Local spending per user-day",
        unit="€/jour", ge=0, uncertain=True,
        help_fr="Repas, commerces : montré à part, hors bilan socio-économique (transfert).",
        help_en="Meals, shops: shown apart, not in the socio-economic balance (a transfer).")
    value_of_time_eur_per_hour: UncertainNumber | None = described(
        None, fr="Valeur du temps", en="Value of time", unit="€/h", ge=0, uncertain=True,
        help_fr="En euros de l'année d'ouverture, rehaussée chaque année avec le PIB par "
                "habitant (élasticité DGITM). Absent = valeur tutélaire domicile–travail de la "
                "DGITM (10,60 € de 2015) convertie en euros de l'année d'ouverture.",
        help_en="In euros of the opening year, uplifted each year with GDP per head (DGITM "
                "elasticity). Absent = DGITM official commuting value of time (€10.60 of "
                "2015) converted to euros of the opening year.")
    cost_per_km_eur: UncertainNumber | None = described(
        None, fr="Coût marginal de la voiture", en="Marginal car cost", unit="€/km", ge=0,
        uncertain=True,
        help_fr="Ce qu'un km non parcouru fait économiser, taxes comprises, en euros de l'année "
                "d'ouverture. Absent = carburant seul (consommation moyenne × prix à la pompe "
                "2024) ; le barème kilométrique fiscal, coût complet, ne convient pas.",
        help_en="What a km not driven saves, taxes included, in euros of the opening year. "
                "Absent = fuel only (mean consumption × 2024 pump price); the tax mileage "
                "scale, a full cost, does not fit.")
    discount_beta: UncertainNumber = described(
        1.0, fr="β du taux d'actualisation", en="Discount-rate β", unit="", ge=0, le=3,
        uncertain=True,
        help_fr="Taux socio-économique r = 1,2 % + β × 2 % (France Stratégie 2021), appliqué "
                "aux euros constants ; β = 1 par convention.",
        help_en="Socio-economic rate r = 1.2% + β × 2% (France Stratégie 2021), applied to "
                "constant euros; β = 1 by convention.")


class Structure(Section):
    model_config = _section("Porteurs du projet, TVA et FCTVA", "Owner, operator, VAT and FCTVA")

    owner_type: StructureType = described(
        "local_authority", fr="Maître d'ouvrage de l'investissement", en="Owner of the investment",
        help_fr="Qui réalise et possède l'investissement : local_authority (collectivité), "
                "association, scic, company (société). Une collectivité doit autofinancer au "
                "moins 20 % des financements publics de son projet (CGCT art. L1111-10) et peut "
                "recevoir le FCTVA.",
        help_en="Who carries out and owns the investment: local_authority, association, scic, "
                "company. A local authority must self-finance at least 20% of the public "
                "funding of its project (CGCT art. L1111-10) and may receive the FCTVA.")
    operator_type: StructureType = described(
        "local_authority", fr="Gestionnaire du lieu", en="Operator of the site",
        help_fr="Qui exploite le lieu : local_authority (régie directe), association, scic, "
                "company. Une association, une SCIC ou une société est une entreprise au sens "
                "des aides d'État : plafond de minimis (300 k€ sur 3 ans).",
        help_en="Who runs the site: local_authority (direct management), association, scic, "
                "company. An association, a SCIC or a company is an undertaking under State-aid "
                "law: de minimis ceiling (€300k over 3 years).")
    lead_authority_level: Literal["epci_commune", "departement", "region"] = described(
        "epci_commune", fr="Collectivité porteuse", en="Lead local authority",
        help_fr="Niveau de la collectivité maître d'ouvrage ou, à défaut, principale partenaire "
                "du projet : elle paie par défaut la subvention d'équilibre, prête les locaux "
                "et apporte les aides en nature sans financeur précisé.",
        help_en="Level of the local authority that owns the project or else is its main "
                "partner: by default it pays the balancing subsidy, lends the premises and "
                "gives the in-kind support with no funder given.")
    investment_amounts_include_vat: bool = described(
        False, fr="Montants d'investissement TTC", en="Investment amounts include VAT",
        help_fr="Faux : les montants des investissements sont saisis HT ; vrai : TTC. Les "
                "subventions au taux s'appliquent au montant HT.",
        help_en="False: investment amounts are entered excluding VAT; true: including VAT. "
                "Grants given as a rate apply to the amount excluding VAT.")
    vat_recoverable: bool = described(
        True, fr="TVA récupérable sur l'investissement", en="VAT recoverable on the investment",
        help_fr="Vrai si le maître d'ouvrage récupère la TVA par la voie fiscale (activité "
                "assujettie, ex. locaux loués avec option pour la TVA) : l'investissement coûte "
                "son montant HT. Faux : la TVA est un coût, compensé en partie par le FCTVA pour "
                "une collectivité éligible.",
        help_en="True if the owner recovers VAT through its tax returns (a taxable activity, "
                "e.g. premises let with the VAT option): the investment costs its amount "
                "excluding VAT. False: VAT is a cost, partly refunded by the FCTVA for an "
                "eligible local authority.")
    fctva_regime: Literal["n", "n_plus_1", "n_plus_2", "not_eligible"] = described(
        "n_plus_2", fr="Régime du FCTVA", en="FCTVA regime",
        help_fr="Année de versement du FCTVA (CGCT art. L1615-6) : n (communautés de communes "
                "et d'agglomération, communes nouvelles), n_plus_1 (collectivités engagées dans "
                "le plan de relance 2009), n_plus_2 (droit commun) ; not_eligible (ex. biens mis "
                "à disposition d'un tiers pour une activité assujettie). Les biens confiés à une "
                "association pour une mission d'intérêt général restent éligibles (CGCT art. "
                "L1615-7). Ne s'applique qu'à une collectivité maître d'ouvrage qui ne récupère "
                "pas la TVA.",
        help_en="Year the FCTVA is paid (CGCT art. L1615-6): n (communautés de communes and "
                "d'agglomération, new communes), n_plus_1 (authorities committed to the 2009 "
                "recovery plan), n_plus_2 (general rule); not_eligible (e.g. assets lent to a "
                "third party for a taxable activity). Assets entrusted to an association for a "
                "general-interest mission stay eligible (CGCT art. L1615-7). Only for a local-"
                "authority owner that does not recover VAT.")
    fctva_processing_delay_months: int = described(
        6, fr="Délai de traitement du FCTVA", en="FCTVA processing delay", unit="mois", ge=0,
        le=24,
        help_fr="Mois ajoutés au décalage d'années du régime (hypothèse : déclaration, "
                "instruction et versement).",
        help_en="Months added to the regime's lag in years (assumption: declaration, "
                "processing and payment).")
    management_mode: ManagementMode = described(
        "auto", fr="Mode de gestion", en="Management mode",
        help_fr="auto = déduit du gestionnaire (local_authority → regie_spa ; association, "
                "scic → association_convention ; company → rental). association_convention "
                "(association ou SCIC sous convention de subvention : la collectivité peut "
                "voter une subvention d'équilibre) ; rental (société ou "
                "association locataire des locaux, à ses risques) ; concession (délégation de "
                "service public : le délégataire porte le risque d'exploitation) ; regie_spa "
                "(régie directe, service public administratif : le budget général couvre le "
                "déficit) ; regie_spic (régie, service public industriel et commercial : budget "
                "annexe qui doit s'équilibrer par ses recettes, CGCT art. L2224-1 et L2224-2).",
        help_en="auto = from the operator (local_authority → regie_spa; association, scic → "
                "association_convention; company → rental). association_convention (association "
                "or SCIC under a subsidy convention: the "
                "collectivity may vote a balancing subsidy); rental (company or association "
                "renting the premises, at its own risk); concession (public service "
                "delegation: the concessionaire bears the operating risk); regie_spa (direct "
                "management, administrative public service: the general budget covers the "
                "deficit); regie_spic (direct management, industrial and commercial public "
                "service: an annex budget that must balance from its own revenue, CGCT art. "
                "L2224-1 and L2224-2).")
    operator_vat: Literal["registered", "franchise"] = described(
        "registered", fr="TVA du gestionnaire", en="Operator's VAT status",
        help_fr="registered (assujetti : il facture la TVA, les particuliers paient donc les "
                "prix saisis + TVA, et il récupère la TVA de ses achats et de son loyer : prix "
                "et charges se saisissent HT) ; franchise (franchise en base, CGI art. 293 B : "
                "il ne facture pas de TVA, les prix saisis sont ceux payés, et la TVA de ses "
                "achats est une charge : saisir les charges TTC ; la TVA d'un loyer de la "
                "collectivité soumis à TVA est ajoutée par le modèle).",
        help_en="registered (charges VAT, so individuals pay the prices entered plus VAT, "
                "and recovers VAT on its purchases and rent: enter prices and costs excluding "
                "VAT); franchise (VAT exemption scheme, CGI art. 293 B: charges no VAT, the "
                "prices entered are those paid, and VAT on its purchases is a cost: enter costs "
                "including VAT; the model adds the VAT of a collectivity's rent subject to "
                "VAT).")
    premises_owner: Literal["collectivity", "third_party"] = described(
        "collectivity", fr="Propriétaire des locaux", en="Owner of the premises",
        help_fr="collectivity : la collectivité porteuse possède les locaux et perçoit le loyer "
                "(recette de sa section de fonctionnement) ; third_party : un bailleur privé.",
        help_en="collectivity: the lead local authority owns the premises and receives the "
                "rent (revenue of its operating section); third_party: a private landlord.")

    @model_validator(mode="after")
    def _mode_fits_operator(self) -> Structure:
        """A régie is run by the local authority itself; the other modes by another body."""
        mode = self.management_mode
        if mode != "auto" and mode.startswith("regie") != (self.operator_type
                                                              == "local_authority"):
            raise PydanticCustomError(
                "tl_management_mode", "management mode {mode} does not fit operator {operator}",
                {"mode": mode, "operator": self.operator_type, "at": "management_mode"})
        return self


class Budget(Section):
    model_config = _section("Budget de la collectivité : subvention d'équilibre et avances",
                            "The collectivity's budget: balancing subsidy and advances")

    balancing_subsidy_basis: Literal["forecast", "previous_year_close"] = described(
        "forecast", fr="Base de la subvention d'équilibre", en="Basis of the balancing subsidy",
        help_fr="forecast : votée au budget primitif de chaque année civile sur le déficit "
                "prévisionnel du gestionnaire et versée en janvier (ou au mois d'ouverture) ; "
                "previous_year_close : votée sur les comptes clos de l'année précédente et "
                "versée le mois indiqué de l'année suivante (la trésorerie du gestionnaire "
                "porte le décalage). Sans objet en location et en concession.",
        help_en="forecast: voted in each calendar year's budget on the operator's forecast "
                "deficit and paid in January (or the opening month); previous_year_close: "
                "voted on the previous year's closed accounts and paid in the given month of "
                "the next year (the operator's cash carries the lag). Not used under rental "
                "and concession.")
    balancing_payment_month: int = described(
        6, fr="Mois de versement après clôture", en="Payment month after the close",
        unit="mois", ge=1, le=12,
        help_fr="Mois civil (1 = janvier) où est versée la subvention d'équilibre votée sur les "
                "comptes clos (base previous_year_close).",
        help_en="Calendar month (1 = January) in which the balancing subsidy voted on closed "
                "accounts is paid (previous_year_close basis).")
    grant_cash_advance: bool = described(
        True, fr="Avance remboursable en attendant les subventions",
        en="Repayable cash advance while grants are awaited",
        help_fr="Quand le gestionnaire porte l'investissement, la collectivité lui avance les "
                "subventions d'investissement attendues au mois des travaux ; il la rembourse à "
                "leur versement.",
        help_en="When the operator owns the investment, the collectivity advances the awaited "
                "investment grants in the month of the works; the operator repays it when they "
                "are paid.")
    renewals_equipment_subsidy: bool = described(
        False, fr="Subvention d'équipement pour les renouvellements",
        en="Equipment subsidy for renewals",
        help_fr="Quand le gestionnaire possède les équipements, la collectivité paie leurs "
                "renouvellements par une subvention d'équipement (section d'investissement).",
        help_en="When the operator owns the equipment, the collectivity pays its renewals "
                "with an equipment subsidy (investment section).")


class FunderShare(Section):
    model_config = _section("Part d'un financeur", "Funder share")

    funder: Funder = described(
        fr="Financeur", en="Funder",
        help_fr="eu, state, region, departement, epci_commune, other.",
        help_en="eu, state, region, departement, epci_commune, other.")
    share: float = described(fr="Part", en="Share", unit="part", ge=0, le=1)


class InKindSupport(Section):
    model_config = _section("Aide en nature", "In-kind support")

    name: str = described(fr="Libellé", en="Name", min_length=1)
    kind: Literal["staff", "premises", "equipment", "services", "volunteer_time"] = described(
        "staff", fr="Nature", en="Kind",
        help_fr="staff (personnel mis à disposition), premises (autres locaux), equipment, "
                "services, volunteer_time (bénévolat valorisé : contribution non publique, "
                "montrée à part).",
        help_en="staff (seconded staff), premises (other premises), equipment, services, "
                "volunteer_time (valued volunteering: not public money, shown apart).")
    funder: SupportFunder = described(
        "lead_authority", fr="Financeur", en="Funder",
        help_fr="lead_authority (la collectivité porteuse), eu, state, region, departement, "
                "epci_commune, other ; sans objet pour le bénévolat.",
        help_en="lead_authority (the lead local authority), eu, state, region, departement, "
                "epci_commune, other; not used for volunteering.")
    annual_value_eur: UncertainNumber = described(
        fr="Valeur annuelle", en="Annual value", unit="€/an", ge=0, uncertain=True,
        help_fr="Valeur de marché de l'aide (personnel : ETP × coût chargé ; bénévolat : heures "
                "× coût horaire retenu). Indexée comme les charges. Hors charges du lieu : elle "
                "ne change ni la trésorerie ni l'autonomie.",
        help_en="Market value of the support (staff: FTE × loaded cost; volunteering: hours × "
                "hourly value). Indexed like costs. Not a cost of the site: it changes neither "
                "cash nor autonomy.")
    start_year: int = described(1, fr="Année de début", en="Start year", unit="année", ge=1)
    end_year: int | None = described(
        None, fr="Année de fin", en="End year", unit="année", ge=1,
        help_fr="Dernière année incluse ; absente = jusqu'à l'horizon.",
        help_en="Last year included; absent = until the horizon.")


class PublicSupport(Section):
    model_config = _section("Argent public : financeurs et aides en nature",
                            "Public money: funders and in-kind support")

    population_inhabitants: int = described(
        0, fr="Population du territoire", en="Population of the territory", unit="habitants",
        ge=0, help_fr="Habitants de la collectivité porteuse, pour l'argent public par habitant "
                      "(0 = non calculé).",
        help_en="Inhabitants of the lead local authority, for public money per inhabitant "
                "(0 = not computed).")
    initial_cash_public_share: float = described(
        0.0, fr="Part publique de la trésorerie initiale", en="Public share of initial cash",
        unit="part", ge=0, le=1,
        help_fr="Part de la trésorerie initiale apportée par la collectivité porteuse (compte "
                "comme argent public).",
        help_en="Share of the initial cash contributed by the lead local authority (counted as "
                "public money).")
    premises_lent_by: SupportFunder = described(
        "lead_authority", fr="Prêteur des locaux", en="Lender of the premises",
        help_fr="Financeur de l'aide en nature des locaux prêtés ou à loyer modéré : "
                "lead_authority (la collectivité porteuse) ou un niveau (eu, state, region, "
                "departement, epci_commune, other).",
        help_en="Funder of the in-kind support of premises lent free or at a reduced rent: "
                "lead_authority (the lead local authority) or a level (eu, state, region, "
                "departement, epci_commune, other).")
    balancing_subsidy_split: list[FunderShare] = described(
        [], fr="Répartition de la subvention d'équilibre", en="Split of the balancing subsidy",
        help_fr="Part payée par chaque financeur (somme = 1) ; vide = toute par la collectivité "
                "porteuse.",
        help_en="Share paid by each funder (sums to 1); empty = all by the lead local "
                "authority.")
    in_kind: list[InKindSupport] = described(
        [], fr="Aides en nature", en="In-kind support",
        help_fr="Personnel mis à disposition, équipements, services, bénévolat valorisé.",
        help_en="Seconded staff, equipment, services, valued volunteering.")

    @model_validator(mode="after")
    def _split(self) -> PublicSupport:
        require_unique_names(self.in_kind, "in_kind")
        require_unique_names(self.balancing_subsidy_split, "balancing_subsidy_split", "funder")
        if self.balancing_subsidy_split:
            total = sum(item.share for item in self.balancing_subsidy_split)
            if abs(total - 1) > 1e-6:
                raise PydanticCustomError(
                    "tl_shares_sum", "shares must sum to 1, got {found}",
                    {"found": round(total, 6), "at": "balancing_subsidy_split"})
        return self


class Scenario(Section):
    """A whole scenario: what a scenario file holds."""

    model_config = _section("Scénario", "Scenario")

    schema_version: Literal[3] = described(
        SCHEMA_VERSION, fr="Version du format", en="Format version")
    meta: Meta
    simulation: Simulation = Field(default_factory=Simulation)
    site: Site
    demand: Demand
    prices: Prices
    services: Services = Field(default_factory=Services)
    revenue_lines: list[RevenueLine] = described(
        [], fr="Autres recettes", en="Other revenue lines")
    costs: Costs = Field(default_factory=Costs)
    staff: list[StaffPosition] = described([], fr="Équipe", en="Staff")
    investment: Investment = Field(default_factory=Investment)
    loan: Loan = Field(default_factory=Loan)
    operating_subsidies: list[OperatingSubsidy] = described(
        [], fr="Subventions de fonctionnement", en="Operating subsidies")
    structure: Structure = Field(default_factory=Structure)
    budget: Budget = Field(default_factory=Budget)
    public_support: PublicSupport = Field(default_factory=PublicSupport)
    correlations: list[Correlation] = described(
        [], fr="Corrélations", en="Correlations")
    territory: Territory = Field(default_factory=Territory)

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        require_unique_names(self.revenue_lines, "revenue_lines")
        require_unique_names(self.staff, "staff", "role")
        require_unique_names(self.operating_subsidies, "operating_subsidies")
        check_reserved_names(self)  # user lines may not take the model's own line names
        uncertain_paths = set(uncertain_leaves(self))
        pairs: set[frozenset[str]] = set()
        for index, correlation in enumerate(self.correlations):
            for key, path in (("a", correlation.a), ("b", correlation.b)):
                if path not in uncertain_paths:
                    raise PydanticCustomError(
                        "tl_correlation_path",
                        "{path!r} is not an uncertain input of this scenario",
                        {"path": path, "at": f"correlations[{index}].{key}"})
            pair = frozenset((correlation.a, correlation.b))
            if len(pair) == 1 or pair in pairs:
                raise PydanticCustomError(
                    "tl_correlation_pair", "pair {a} / {b} is repeated or self-correlated",
                    {"a": correlation.a, "b": correlation.b, "at": f"correlations[{index}]"})
            pairs.add(pair)
        return self

    @property
    def horizon_months(self) -> int:
        return 12 * self.simulation.horizon_years
