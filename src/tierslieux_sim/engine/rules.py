"""Funding rules: each is one small function next to the legal text it applies, with its
ceilings and rates read from the package's reference data (``data/reference/funding.toml``).

Rules are *checked and reported*, never enforced: the model computes what the scenario says;
:func:`check_rules` then tells, for each rule that applies, in what share of the draws and
in the central case it is broken. Broken rules become structured notices
(``rule_<code>``) in ``Results.notices``, printed by the command line and shown by the
dashboard. They are not raised as Python warnings: they describe the scenario's financing,
not a problem with the call (a sweep over many variants would otherwise be flooded).

The quantities checked are per-draw indicators computed by the model
(:mod:`tierslieux_sim.model.public_money`); a NaN there means "not applicable in this draw".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tierslieux_sim.core.notices import Notice, Quantity
from tierslieux_sim.core.reference import reference_table, reference_value

if TYPE_CHECKING:
    import pandas as pd


def _reference(key: str) -> float:
    return float(reference_value(key).value)


def funding_reference() -> dict[str, Any]:
    """The reference values the model needs for VAT, the FCTVA and de minimis, as plain
    numbers (the model reads no files)."""
    return {
        "vat_rate": _reference("vat.standard_rate"),
        "fctva_rate": _reference("fctva.rate"),
        "fctva_delay_years": {regime: int(_reference(f"fctva.delay_years.{regime}"))
                              for regime in ("n", "n_plus_1", "n_plus_2")},
        "de_minimis_period_months": 12 * int(_reference("de_minimis.period_years")),
    }


# --- the rules -------------------------------------------------------------------------------

def owner_self_financing_respected(owner_share_of_public_funding, minimum_share: float | None = None):
    """CGCT art. L1111-10, III: a local authority that owns an investment project finances at
    least 20 % of the total public funding of the project (its own contribution included).

    ``owner_share_of_public_funding`` is the owner's contribution ÷ all public funding of the
    investment [0–1]; NaN (not applicable) counts as respected.
    """
    minimum = _reference("self_financing.minimum_share") if minimum_share is None else minimum_share
    share = np.asarray(owner_share_of_public_funding, dtype=float)
    return np.isnan(share) | (share >= minimum - 1e-12)


def detr_dsil_ceiling_respected(detr_dsil_share_of_eligible_cost, ceiling_share: float | None = None):
    """CGCT art. R2334-27: the DETR and the DSIL (with the DSID and the DPV), alone or
    together, cannot exceed 80 % of the subsidisable expense.

    ``detr_dsil_share_of_eligible_cost`` is the DETR + DSIL awarded ÷ their eligible cost
    [0–1]; NaN counts as respected.
    """
    ceiling = _reference("detr_dsil.ceiling_share") if ceiling_share is None else ceiling_share
    share = np.asarray(detr_dsil_share_of_eligible_cost, dtype=float)
    return np.isnan(share) | (share <= ceiling + 1e-12)


def de_minimis_respected(aid_over_period_eur, ceiling_eur: float | None = None):
    """Regulation (EU) 2023/2831, art. 3: the de minimis aid granted to a single undertaking
    (an association, SCIC or company with an economic activity) cannot exceed €300,000 over
    any period of three years.

    ``aid_over_period_eur`` is the largest public aid over any three consecutive years [€];
    NaN counts as respected.
    """
    ceiling = _reference("de_minimis.ceiling_eur") if ceiling_eur is None else ceiling_eur
    aid = np.asarray(aid_over_period_eur, dtype=float)
    return np.isnan(aid) | (aid <= ceiling + 1e-6)


def fabrique_yearly_cap_respected(largest_yearly_eur, cap_eur: float | None = None):
    """ANCT, AMI Fabriques de Territoire (11 July 2019): State support of at most €50,000 a
    year per Fabrique (€75–150k over 3 years).

    ``largest_yearly_eur`` is the largest yearly Fabrique de Territoire amount [€]; NaN
    counts as respected.
    """
    cap = _reference("fabrique_de_territoire.yearly_cap_eur") if cap_eur is None else cap_eur
    amount = np.asarray(largest_yearly_eur, dtype=float)
    return np.isnan(amount) | (amount <= cap + 1e-6)


def fabrique_rule_for_year(year: int) -> dict[str, Any] | None:
    """The Fabrique de Territoire rule of the call a project selected in ``year`` answers
    (``fabrique_de_territoire.periods`` in the reference data): AMI of 11 July 2019 (waves
    until 2022, at most €50,000 a year and €150,000 over 3 years), then the 2023 and 2024
    waves (€50,000 once, only where no tiers-lieu is labelled). None before 2019; after the
    last known wave, its rule (not confirmed: no later call was found)."""
    periods = sorted((reference_value(key).value for key in _fabrique_period_keys()),
                     key=lambda period: period["first_year"])
    if year < periods[0]["first_year"]:
        return None
    for period in periods:
        if period["first_year"] <= year <= period["last_year"]:
            return dict(period)
    return dict(periods[-1])


def _fabrique_period_keys() -> list[str]:
    return [key for key in reference_table() if key.startswith("fabrique_de_territoire.periods.")]


def fabrique_total_respected(total_eur, selection_year: int):
    """ANCT, Fabriques de Territoire: the support over the whole horizon stays within the
    total of the call of ``selection_year`` (€150,000 for the 2019–2022 AMI, €50,000 once
    for the 2023 and 2024 waves). NaN counts as respected; no call before 2019: any amount
    is flagged."""
    rule = fabrique_rule_for_year(selection_year)
    amount = np.asarray(total_eur, dtype=float)
    if rule is None:
        return np.isnan(amount) | (amount <= 1e-6)
    return np.isnan(amount) | (amount <= rule["total_cap_eur"] + 1e-6)


def detr_minimum_rate_respected(detr_share_of_eligible_cost, minimum_share: float | None = None):
    """CGCT art. R2334-27, 1st paragraph (version of 6 October 2021): a DETR grant is at
    least 20 % of the provisional subsidisable expense excluding VAT.

    ``detr_share_of_eligible_cost`` is the DETR granted ÷ its eligible cost excluding VAT
    [0–1]; NaN (no DETR) counts as respected.
    """
    minimum = _reference("detr.minimum_rate") if minimum_share is None else minimum_share
    share = np.asarray(detr_share_of_eligible_cost, dtype=float)
    return np.isnan(share) | (share >= minimum - 1e-12)


def detr_dsil_advance_respected(advance_share, cap_share: float | None = None):
    """CGCT art. R2334-30 (décret n° 2018-428 of 1 June 2018; Sénat answer n° 00475 of
    5 September 2019): a DETR, DSIL or DPV advance at the start of works is at most 30 % of
    the provisional grant. Décret n° 2018-514 does not govern these dotations (its art. 1).
    """
    cap = _reference("detr_dsil.advance_share") if cap_share is None else cap_share
    share = np.asarray(advance_share, dtype=float)
    return np.isnan(share) | (share <= cap + 1e-12)


def spic_general_budget_cover_respected(general_budget_cover_eur, limit_eur: float | None = None):
    """CGCT art. L2224-1 and L2224-2: an industrial and commercial public service (SPIC) run
    in régie balances its annex budget from its own revenue; the general budget may cover
    its expenses only in the cases L2224-2 lists (constraints the authority imposes, an
    investment that would otherwise make prices excessive, a price freeze; small communes
    for water and sanitation), by a reasoned decision.

    ``general_budget_cover_eur`` is the balancing subsidy paid to the SPIC over the horizon
    [€]; anything above 0 is flagged, for the council to justify.
    """
    limit = _reference("spic.general_budget_cover_eur") if limit_eur is None else limit_eur
    cover = np.asarray(general_budget_cover_eur, dtype=float)
    return np.isnan(cover) | (cover <= limit + 1e-6)


def convention_threshold_respected(largest_yearly_subsidy_eur, threshold_eur: float | None = None):
    """Loi n° 2000-321 du 12 avril 2000, art. 10, and décret n° 2001-495 du 6 juin 2001: an
    authority that grants a private body more than €23,000 a year must sign a written
    convention (object, amount, conditions of use). Checked where the scenario names no
    subsidy convention (rental, concession): above the threshold, one is required.

    ``largest_yearly_subsidy_eur`` is the collectivity's largest yearly subsidy to the
    operator [€]; NaN counts as respected.
    """
    threshold = (_reference("convention.threshold_eur_per_year") if threshold_eur is None
                 else threshold_eur)
    amount = np.asarray(largest_yearly_subsidy_eur, dtype=float)
    return np.isnan(amount) | (amount <= threshold + 1e-6)


def de_minimis_sieg_respected(aid_over_period_eur, ceiling_eur: float | None = None):
    """Regulation (EU) 2023/2832, art. 2: de minimis aid to an undertaking entrusted with a
    service of general economic interest (SIEG — here the concessionaire of a public
    service) cannot exceed €750,000 over any period of three years.

    ``aid_over_period_eur`` is the largest public aid over any three consecutive years [€];
    NaN counts as respected.
    """
    ceiling = _reference("de_minimis.sieg_ceiling_eur") if ceiling_eur is None else ceiling_eur
    aid = np.asarray(aid_over_period_eur, dtype=float)
    return np.isnan(aid) | (aid <= ceiling + 1e-6)


# --- checking a run ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """A rule as checked on results: its indicator, function, limit and where it points."""

    code: str
    indicator: str
    respected: Any
    limit_key: str
    unit: str          # "share" or "eur"
    path: str


RULES = (
    Rule("self_financing", "owner_self_financing_share", owner_self_financing_respected,
         "self_financing.minimum_share", "share", "investment.grants"),
    Rule("detr_dsil", "detr_dsil_share_of_eligible_cost", detr_dsil_ceiling_respected,
         "detr_dsil.ceiling_share", "share", "investment.grants"),
    Rule("de_minimis", "de_minimis_aid_max_3_years_eur", de_minimis_respected,
         "de_minimis.ceiling_eur", "eur", "structure.operator_type"),
    Rule("fabrique", "fabrique_max_yearly_eur", fabrique_yearly_cap_respected,
         "fabrique_de_territoire.yearly_cap_eur", "eur", "operating_subsidies"),
    Rule("de_minimis_sieg", "de_minimis_sieg_aid_max_3_years_eur", de_minimis_sieg_respected,
         "de_minimis.sieg_ceiling_eur", "eur", "structure.management_mode"),
    Rule("spic_balancing", "spic_general_budget_cover_eur", spic_general_budget_cover_respected,
         "spic.general_budget_cover_eur", "eur", "structure.management_mode"),
    Rule("convention", "collectivity_max_yearly_subsidy_eur", convention_threshold_respected,
         "convention.threshold_eur_per_year", "eur", "operating_subsidies"),
)


@dataclass(frozen=True)
class RuleCheck:
    """The outcome of one rule on a run.

    ``applies``: the scenario falls under the rule; ``broken_share``: share of draws breaking
    it; ``central_value``: the checked quantity in the central case (NaN if not applicable);
    ``central_broken``: whether the central case breaks it; ``limit``: the rule's ceiling or
    floor; ``worst_value``: the least favourable value over the draws.
    """

    code: str
    applies: bool
    broken_share: float = 0.0
    central_value: float = float("nan")
    central_broken: bool = False
    limit: float = float("nan")
    worst_value: float = float("nan")
    unit: str = "share"
    path: str = ""

    @property
    def status(self) -> str:
        """``not_applicable``, ``respected`` or ``broken`` (in at least one draw)."""
        if not self.applies:
            return "not_applicable"
        return "broken" if self.broken_share > 0 or self.central_broken else "respected"

    def notice(self) -> Notice:
        """The structured warning of a broken rule (``warning.rule_<code>``)."""
        kind = "percent" if self.unit == "share" else "eur"
        return Notice(f"rule_{self.code}", {
            "share": Quantity(self.broken_share, "percent"),
            "central": Quantity(self.central_value, kind),
            "worst": Quantity(self.worst_value, kind),
            "limit": Quantity(self.limit, kind),
        }, self.path)


def _check(rule: Rule, indicators: pd.DataFrame, central: pd.Series) -> RuleCheck:
    if rule.indicator not in indicators:
        return RuleCheck(rule.code, applies=False, unit=rule.unit, path=rule.path)
    values = indicators[rule.indicator].to_numpy(dtype=float)
    central_value = float(central.get(rule.indicator, np.nan))
    respected = rule.respected(values)
    finite = values[np.isfinite(values)]
    worst = np.nan
    if finite.size:
        worst = float(finite.min() if rule.code == "self_financing" else finite.max())
    return RuleCheck(rule.code, applies=True, broken_share=float(np.mean(~respected)),
                     central_value=central_value,
                     central_broken=not bool(rule.respected(central_value)),
                     limit=_reference(rule.limit_key), worst_value=worst, unit=rule.unit,
                     path=rule.path)


def check_rules(indicators: pd.DataFrame, central: pd.Series) -> list[RuleCheck]:
    """Every funding rule checked on per-draw indicators and the central case.

    A rule applies when the model computed its indicator (e.g. the 20 % self-financing for a
    local-authority owner with an investment; de minimis when the owner or the operator is an
    undertaking).
    """
    return [_check(rule, indicators, central) for rule in RULES]


def rule_notices(checks: list[RuleCheck]) -> list[Notice]:
    """Notices of the broken rules, in the order of :data:`RULES`."""
    return [check.notice() for check in checks if check.status == "broken"]
