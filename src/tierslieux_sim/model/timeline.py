"""Month and year axes, ramp-up, seasonality and indexation."""

from __future__ import annotations

import numpy as np


def month_index(n_months: int) -> np.ndarray:
    """Months since opening, 0 … n_months − 1, shaped ``(1, months)``."""
    return np.arange(n_months)[None, :]


def year_index(n_months: int) -> np.ndarray:
    """Year of operation counted from 0, shaped ``(1, months)``."""
    return month_index(n_months) // 12


def calendar_month_of_year(n_months: int, opening_month_of_year: int) -> np.ndarray:
    """Calendar month 0 (January) … 11 of each simulated month, shaped ``(1, months)``."""
    return (opening_month_of_year + month_index(n_months)) % 12


def smooth_ramp_rate(n_months: int, months_to_maturity: float | np.ndarray) -> np.ndarray:
    """S-shaped ramp-up from 0 to 1 reached at ``months_to_maturity`` [0–1].

    ``x = min(1, (m + 1) / T)``, ramp ``= 3x² − 2x³`` (smoothstep): slow start, fast middle,
    gentle arrival at maturity.
    """
    progress = np.minimum(1.0, (month_index(n_months) + 1) / months_to_maturity)
    return progress * progress * (3.0 - 2.0 * progress)


def seasonal_factor(seasonality_by_calendar_month: list[float], calendar_month: np.ndarray
                    ) -> np.ndarray:
    """Attendance factor of each simulated month from 12 calendar-month factors."""
    return np.asarray(seasonality_by_calendar_month, dtype=float)[calendar_month]


def yearly_index_factor(yearly_rate: float | np.ndarray, n_months: int) -> np.ndarray:
    """Indexation ``(1 + rate) ** year``: 1 in year 0, shaped ``(draws or 1, months)``."""
    return (1.0 + np.asarray(yearly_rate)) ** year_index(n_months)


def active_months(n_months: int, first_month: int, last_month: int | None) -> np.ndarray:
    """1.0 from month index ``first_month`` to ``last_month`` (inclusive, None = horizon)."""
    months = month_index(n_months)
    last = n_months - 1 if last_month is None else last_month
    return ((months >= first_month) & (months <= last)).astype(float)


def by_year_of_operation(monthly: np.ndarray, how: str = "sum") -> np.ndarray:
    """``(..., months)`` → ``(..., years)``: each 12-month year of operation summed
    (``"sum"``, flows), averaged (``"mean"``, levels) or its last month (``"end"``, stocks).
    The one yearly aggregation of the package (horizons are whole years)."""
    values = np.asarray(monthly)
    shaped = values.reshape(*values.shape[:-1], -1, 12)
    if how == "sum":
        return shaped.sum(axis=-1)
    if how == "mean":
        return shaped.mean(axis=-1)
    if how == "end":
        return shaped[..., -1]
    raise ValueError(f"how must be 'sum', 'mean' or 'end', got {how!r}")


def trailing_sum(monthly: np.ndarray, window_months: int) -> np.ndarray:
    """Sum over the last ``window_months`` months at each month, ``(draws, months)``
    (fewer months at the start)."""
    cumulative = np.cumsum(monthly, axis=1)
    trailing = cumulative.copy()
    trailing[:, window_months:] -= cumulative[:, :-window_months]
    return trailing

