"""Demand by segment and what the site's capacity can serve.

Users of a segment = pool × adoption × ramp(m) × price effect, times the seasonal factor for
flexible products (day passes, packs, flexible memberships); dedicated desks and office seats
are monthly rentals and are not seasonal. Flexible use is capped by the desks' mean usable
capacity (desks × open days ÷ peak-to-mean ratio); dedicated desks and office seats by their
count. Demand above capacity is turned away, in the same proportion for every segment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tierslieux_sim.core.products import FLEX_PRODUCTS, PRODUCTS
from tierslieux_sim.model.timeline import trailing_sum


def price_per_day_eur(product: str, prices: dict, days_per_month: float | np.ndarray
                      ) -> float | np.ndarray:
    """What one day of use costs a user of ``product`` [€ HT/day], at base-year prices."""
    if product == "day_pass":
        return prices["day_pass_eur"]
    if product == "ten_day_pack":
        return prices["ten_day_pack_eur"] / 10.0
    monthly_price = {
        "flex_membership": prices["flex_membership_eur_per_month"],
        "dedicated_desk": prices["dedicated_desk_eur_per_month"],
        "office_seat": prices["office_seat_eur_per_month"],
    }[product]
    days = np.maximum(days_per_month, 1e-9)
    return np.where(np.asarray(days_per_month) > 0, monthly_price / days, 0.0)


def price_effect_rate(mean_price_eur_per_day, reference_price_eur_per_day, price_elasticity):
    """Demand multiplier from prices: ``max(0, 1 + ε (p / p_ref − 1))`` (point elasticity ε
    at the reference price; base-year prices, since indexation follows inflation)."""
    relative_price = mean_price_eur_per_day / reference_price_eur_per_day
    return np.maximum(0.0, 1.0 + price_elasticity * (relative_price - 1.0))


def segment_mean_price_eur_per_day(segment: dict, prices: dict):
    """Mix-weighted price per day of use for a segment [€ HT/day]."""
    mix = segment["product_mix"]
    return sum(mix[product] * price_per_day_eur(product, prices, segment["days_per_month"])
               for product in PRODUCTS if mix[product] > 0)


@dataclass
class SegmentDemand:
    """Demand of one segment before capacity, by product [users or user-days per month]."""

    users_by_product: dict[str, np.ndarray | float]  # a product not bought stays 0.0
    flex_user_days: np.ndarray
    days_per_month: float | np.ndarray
    #: Share of the segment's users who pay this month [0–1]: 1, or less while newcomers
    #: are in their free months (``free_months_for_new_users``).
    paying_share: np.ndarray | float = 1.0


def paying_share(monthly_users: np.ndarray, free_months: int) -> np.ndarray | float:
    """Share of users who pay each month when every new user is free for ``free_months``
    months [0–1], ``(draws, months)``. New users of a month are the rise of ``monthly_users``
    over the month before (0 before the opening); those of the last ``free_months`` months
    (this one included) do not pay."""
    if free_months <= 0:
        return 1.0
    users = np.asarray(monthly_users, dtype=float)
    users = np.atleast_2d(users)
    previous = np.concatenate([np.zeros_like(users[:, :1]), users[:, :-1]], axis=1)
    newcomers = np.maximum(users - previous, 0.0)
    free_users = np.minimum(trailing_sum(newcomers, free_months), users)
    return 1.0 - np.divide(free_users, users, out=np.zeros_like(users), where=users > 0)


def segment_demand(segment: dict, prices: dict, ramp_rate: np.ndarray, season_factor: np.ndarray
                   ) -> SegmentDemand:
    """Users of each product and flexible user-days demanded by one segment."""
    mature_users = segment["pool_people"] * segment["adoption_rate"]
    price_effect = price_effect_rate(segment_mean_price_eur_per_day(segment, prices),
                                     segment["reference_price_eur_per_day"],
                                     segment["price_elasticity"])
    monthly_users = mature_users * ramp_rate * price_effect
    users_by_product: dict[str, np.ndarray | float] = {}
    for product in PRODUCTS:
        share = segment["product_mix"][product]
        seasonal = season_factor if product in FLEX_PRODUCTS else 1.0
        # Products a segment does not buy stay a scalar 0: no (draws, months) work for them.
        users_by_product[product] = monthly_users * (share * seasonal) if share > 0 else 0.0
    flex_users = sum(users_by_product[product] for product in FLEX_PRODUCTS)
    return SegmentDemand(users_by_product, flex_users * segment["days_per_month"],
                         segment["days_per_month"],
                         paying_share(monthly_users, segment.get("free_months_for_new_users", 0)))


def served_rate(demand, capacity):
    """Share of demand that capacity serves [0–1] (1 where there is no demand)."""
    demand = np.asarray(demand, dtype=float)
    return np.where(demand > capacity, capacity / np.maximum(demand, 1e-300), 1.0)


def usable_flex_desk_days(flex_desks: int, open_days_per_month: float, peak_to_mean_ratio):
    """Mean flexible desk-days per month that peaks leave usable [desk-days/month]."""
    return flex_desks * open_days_per_month / peak_to_mean_ratio
