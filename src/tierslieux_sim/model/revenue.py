"""Revenue lines [€ HT per month], each shaped ``(draws, months)`` or broadcastable to it."""

from __future__ import annotations

import numpy as np

from tierslieux_sim.model.timeline import active_months, year_index


def desk_revenue_eur(served_users_by_product: dict[str, np.ndarray], user_days_by_product:
                     dict[str, np.ndarray], prices: dict, price_index: np.ndarray
                     ) -> dict[str, np.ndarray]:
    """Day passes and packs are paid by the day used; memberships, desks, seats by the month."""
    return {
        "day_pass": user_days_by_product["day_pass"] * prices["day_pass_eur"] * price_index,
        "ten_day_pack": (user_days_by_product["ten_day_pack"] * prices["ten_day_pack_eur"] / 10.0
                         * price_index),
        "flex_membership": (served_users_by_product["flex_membership"]
                            * prices["flex_membership_eur_per_month"] * price_index),
        "dedicated_desk": (served_users_by_product["dedicated_desk"]
                           * prices["dedicated_desk_eur_per_month"] * price_index),
        "office_seat": (served_users_by_product["office_seat"]
                        * prices["office_seat_eur_per_month"] * price_index),
    }


def meeting_room_hours_served(booked_hours_at_maturity, ramp_rate, meeting_rooms: int,
                              bookable_hours_per_day: float, open_days_per_month: float):
    """Meeting-room hours sold per month, capped by the rooms' bookable hours [h/month]."""
    capacity_hours = meeting_rooms * bookable_hours_per_day * open_days_per_month
    return np.minimum(booked_hours_at_maturity * ramp_rate, capacity_hours)


def services_revenue_eur(services: dict, prices: dict, room_hours_served, services_ramp_rate,
                         price_index) -> dict[str, np.ndarray]:
    """Meeting rooms, domiciliation and space hire [€ HT/month]."""
    return {
        "meeting_rooms": room_hours_served * prices["meeting_room_eur_per_hour"] * price_index,
        "domiciliation": (services["domiciliation_contracts"] * services_ramp_rate
                          * prices["domiciliation_eur_per_month"] * price_index),
        "event_hire": (services["events_per_month"] * services_ramp_rate
                       * prices["event_hire_eur_per_event"] * price_index),
    }


def free_form_line_eur(line: dict, n_months: int) -> np.ndarray:
    """An annual amount spread evenly over months, growing yearly from its start year.

    ``annual / 12 × (1 + growth) ** (year − start)`` in years ``start … end`` (0-based here).
    """
    start_year = line["start_year"] - 1
    end_year = None if line["end_year"] is None else line["end_year"] - 1
    years_since_start = np.maximum(year_index(n_months) - start_year, 0)
    growth = (1.0 + np.asarray(line["yearly_growth_rate"])) ** years_since_start
    last_month = None if end_year is None else 12 * end_year + 11
    active = active_months(n_months, 12 * start_year, last_month)
    return line["annual_amount_eur"] / 12.0 * growth * active
