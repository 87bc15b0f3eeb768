"""Public money by funder level and by kind, in-kind support, and the per-draw quantities
the funding rules are checked on.

Kinds of public money, in cash paid within the horizon: investment grants and operating
subsidies (aided contracts included) when received, the balancing subsidy when paid, the
public share of the initial cash, the FCTVA, and the collectivity's own money — its
self-financing of the investment it owns, the cash advances it has not been repaid, minus
the rent it receives (negative); in-kind support (premises lent free or at a reduced rent,
seconded staff, equipment, services) is valued, not paid. Funder levels: EU, State, Région,
Département, communal block (EPCI or commune), other. Valued volunteering is an in-kind
contribution too, but not public money: it is kept apart.

Amounts are € per month shaped ``(draws or 1, months)``; indicators are one value per draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tierslieux_sim.model.timeline import (
    active_months,
    by_year_of_operation,
    trailing_sum,
)

KINDS = ("investment_grants", "operating_subsidies", "balancing_subsidy", "in_kind",
         "initial_contribution", "fctva", "owner_self_financing", "cash_advances",
         "rent_received")
FUNDERS = ("eu", "state", "region", "departement", "epci_commune", "other")
#: Who pays a programme's money: DETR, DSIL and Fabriques de Territoire are State
#: programmes; LEADER (FEADER) and FEDER are EU funds; the others name their level.
PROGRAMME_FUNDER = {
    "fabrique_de_territoire": "state", "detr": "state", "dsil": "state", "leader": "eu",
    "feder": "eu", "region": "region", "departement": "departement", "epci": "epci_commune",
    "commune": "epci_commune", "other": "other",
}
#: Legal forms that are undertakings under State-aid law (they carry on an economic activity).
UNDERTAKINGS = ("association", "scic", "company")


@dataclass
class PublicMoney:
    """Public money of one run.

    ``by_source_eur``: monthly amounts by ``(kind, funder)``; ``volunteer_time_eur``: valued
    volunteering by month (not public); ``rule_inputs``: one value per draw for each funding
    rule that applies (see :mod:`tierslieux_sim.engine.rules`).
    """

    by_source_eur: dict[tuple[str, str], np.ndarray]
    volunteer_time_eur: np.ndarray
    rule_inputs: dict[str, np.ndarray]


def funder_of(item: dict) -> str:
    """The funder level of a grant or subsidy: its ``funder``, or its programme's when the
    funder is ``from_programme``."""
    funder = item["funder"]
    return PROGRAMME_FUNDER[item["programme"]] if funder == "from_programme" else funder


def support_funder(funder: str, lead_funder: str) -> str:
    """The funder level of in-kind support: ``lead_authority`` is the lead authority's level."""
    return lead_funder if funder == "lead_authority" else funder


def below_market_rent_eur(rent_paid_eur: np.ndarray, in_kind_rent_eur: np.ndarray,
                          discount_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """Rent paid and in-kind rent when a public owner grants ``discount_rate`` off the market
    rent: paid ``× (1 − discount)``, the discount moves to in-kind support [€/month]."""
    if discount_rate == 0:
        return rent_paid_eur, in_kind_rent_eur
    return rent_paid_eur * (1.0 - discount_rate), in_kind_rent_eur + rent_paid_eur * discount_rate


def in_kind_line_eur(line: dict, n_months: int, cost_index: np.ndarray) -> np.ndarray:
    """Value of one in-kind support line: ``annual value ÷ 12``, indexed like costs, in years
    ``start … end`` [€/month]."""
    first_month = 12 * (line["start_year"] - 1)
    last_month = None if line["end_year"] is None else 12 * line["end_year"] - 1
    active = active_months(n_months, first_month, last_month)
    return line["annual_value_eur"] / 12.0 * cost_index * active


def split_by_funder(monthly_eur: np.ndarray, shares: dict[str, float]) -> dict[str, np.ndarray]:
    """``monthly_eur`` shared among funders in the given proportions (they sum to 1)."""
    return {funder: monthly_eur * share for funder, share in shares.items() if share > 0}


def balancing_subsidy_shares(split: list[dict], lead_funder: str) -> dict[str, float]:
    """Who pays the balancing subsidy: the scenario's split, else all the lead authority."""
    return {item["funder"]: item["share"] for item in split} if split else {lead_funder: 1.0}


def add_source(sources: dict[tuple[str, str], np.ndarray], kind: str, funder: str,
               monthly_eur: np.ndarray) -> None:
    """Add ``monthly_eur`` to the ``(kind, funder)`` source (created at its first amount)."""
    key = (kind, funder)
    sources[key] = sources[key] + monthly_eur if key in sources else monthly_eur


def per_draw(values, n_draws: int) -> np.ndarray:
    """A scalar or ``(draws or 1, 1)`` column as a ``(draws,)`` array."""
    return np.broadcast_to(np.asarray(values, dtype=float).reshape(-1), (n_draws,)).copy()


# --- rule inputs -------------------------------------------------------------------------------

def owner_self_financing_share(investment_cost_eur, public_grants_eur) -> np.ndarray:
    """Share of the public funding of the investment paid by its public owner.

    With only public money in the financing plan, the owner's contribution is
    ``cost − grants`` and the total public funding is the cost (the owner is a public body):
    ``(cost − grants) ÷ cost``; NaN for a zero cost.
    """
    cost = np.asarray(investment_cost_eur, dtype=float)
    contribution = cost - public_grants_eur
    return np.divide(contribution, cost, out=np.full(np.broadcast(contribution, cost).shape,
                                                     np.nan), where=cost > 0)


def max_over_years(monthly: np.ndarray, n_months: int) -> np.ndarray:
    """Largest yearly total of each draw [€]."""
    return by_year_of_operation(monthly).max(axis=1)


def max_rolling_sum(monthly: np.ndarray, window_months: int) -> np.ndarray:
    """Largest sum over any ``window_months`` consecutive months of each draw [€]."""
    return trailing_sum(monthly, window_months).max(axis=1)


# --- per-draw indicators -----------------------------------------------------------------------

def source_indicator(kind: str, funder: str) -> str:
    """Name of the per-draw indicator of one source: ``public_money_<kind>_<funder>_eur``."""
    return f"public_money_{kind}_{funder}_eur"


def public_money_indicators(public: PublicMoney, users: np.ndarray, served_user_days: np.ndarray,
                            open_days_per_month: float, population: int, n_draws: int
                            ) -> dict[str, np.ndarray]:
    """One value per draw: public money by source over the horizon, valued volunteering,
    public money per user-year, per desk-day, per inhabitant and year, per job-year hosted
    (full-time equivalents: desk-days ÷ open days), and the funding rules' inputs.

    A ratio whose denominator is zero is NaN; without a population, there is no per-inhabitant
    ratio.
    """
    shape = (n_draws, users.shape[1])
    indicators = {source_indicator(kind, funder): np.broadcast_to(monthly, shape).sum(axis=1)
                  for (kind, funder), monthly in public.by_source_eur.items()}
    total = sum(indicators.values(), np.zeros(n_draws))
    indicators["volunteer_time_eur"] = np.broadcast_to(public.volunteer_time_eur, shape).sum(axis=1)
    n_years = shape[1] / 12.0
    user_years = np.broadcast_to(users, shape).sum(axis=1) / 12.0
    desk_days = np.broadcast_to(served_user_days, shape).sum(axis=1)
    job_years = desk_days / open_days_per_month / 12.0
    denominators = {
        "public_money_per_user_year_eur": user_years,
        "public_money_per_desk_day_eur": desk_days,
        "public_money_per_job_year_eur": job_years,
    }
    if population > 0:
        denominators["public_money_per_inhabitant_per_year_eur"] = np.full(n_draws,
                                                                           population * n_years)
    for name, denominator in denominators.items():
        indicators[name] = np.divide(total, denominator, out=np.full(n_draws, np.nan),
                                     where=denominator > 0)
    for name, values in public.rule_inputs.items():
        indicators[name] = per_draw(values, n_draws)
    return indicators
