"""Investment, its renewal and depreciation; investment grants; the loan; operating
subsidies. Amounts in € per month, shaped ``(draws, months)`` or broadcastable to it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tierslieux_sim.model.timeline import month_index


def purchase_months(purchase_month: int, lifetime_years: int, renewed: bool, n_months: int
                    ) -> list[int]:
    """Month indices (from 0) at which a line is bought: first purchase, then renewals."""
    first = purchase_month - 1
    step = 12 * lifetime_years
    last = n_months - 1 if renewed else first
    return list(range(first, last + 1, step)) if first < n_months else []


def investment_line_flows_eur(line: dict, cost_yearly_rate, n_months: int
                              ) -> tuple[np.ndarray, np.ndarray]:
    """Cash paid for a line and its straight-line depreciation [€/month].

    Renewals cost the first amount indexed by the cost indexation to their year.
    """
    flows = investment_line_purchases_eur(line, cost_yearly_rate, n_months)
    return flows.paid_eur, flows.depreciation_eur


@dataclass
class PurchaseFlows:
    """One investment line's cash and depreciation, first purchase and renewals apart
    [€/month]."""

    first_paid_eur: np.ndarray
    renewals_paid_eur: np.ndarray
    first_depreciation_eur: np.ndarray
    renewals_depreciation_eur: np.ndarray

    @property
    def paid_eur(self) -> np.ndarray:
        return self.first_paid_eur + self.renewals_paid_eur

    @property
    def depreciation_eur(self) -> np.ndarray:
        return self.first_depreciation_eur + self.renewals_depreciation_eur


def investment_line_purchases_eur(line: dict, cost_yearly_rate, n_months: int) -> PurchaseFlows:
    """Cash paid for a line and its straight-line depreciation, the first purchase apart from
    the renewals (which cost the first amount indexed by the cost indexation to their year)."""
    months = month_index(n_months)
    lifetime_months = 12 * line["lifetime_years"]
    parts = [np.zeros((1, n_months)) for _ in range(4)]
    for number, month in enumerate(purchase_months(line["purchase_month"], line["lifetime_years"],
                                                   line["renewed"], n_months)):
        index = (1.0 + np.asarray(cost_yearly_rate)) ** (month // 12)
        in_service = (months >= month) & (months < month + lifetime_months)
        which = 0 if number == 0 else 1
        parts[which] = parts[which] + (months == month) * index
        parts[2 + which] = parts[2 + which] + in_service * index / lifetime_months
    amount = line["amount_eur"]
    return PurchaseFlows(*(amount * part for part in parts))


def initial_investment_eur(lines: list[dict]):
    """Sum of every line's first purchase [€]: the default eligible cost of grants."""
    return sum((line["amount_eur"] for line in lines), 0.0)


def awarded(award_probability: float, award_uniform) -> np.ndarray | float:
    """1.0 where the grant or subsidy is awarded in a draw, else 0.0 (Bernoulli by uniform)."""
    return (np.asarray(award_uniform) < award_probability).astype(float)


def investment_grant_amount_eur(grant: dict, default_eligible_cost_eur):
    """The amount of a grant if awarded [€]: given, or rate × eligible cost within its cap."""
    if grant["amount_eur"] is not None:
        amount = grant["amount_eur"]
    else:
        eligible = grant["eligible_cost_eur"]
        if eligible is None:
            eligible = default_eligible_cost_eur
        amount = grant["rate_of_eligible_cost"] * eligible
    if grant["cap_eur"] is not None:
        amount = np.minimum(amount, grant["cap_eur"])
    return amount * awarded(grant["award_probability"], grant["award_uniform"])


def lump_sum_at(amount_eur, month: int, n_months: int) -> np.ndarray:
    """``amount_eur`` paid in month index ``month`` (nothing if beyond the horizon)."""
    return amount_eur * (month_index(n_months) == month)


def loan_flows_eur(loan: dict, n_months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Disbursement, interest and principal repaid of a constant-annuity loan [€/month].

    Interest only during the deferral, then ``years × 12`` equal payments
    ``A = P r / (1 − (1 + r) ** −n)`` with monthly rate ``r`` (``A = P / n`` when r = 0).
    """
    principal = np.asarray(loan["amount_eur"], dtype=float)
    monthly_rate = np.asarray(loan["annual_rate"], dtype=float) / 12.0
    n_payments = 12 * loan["years"]
    disbursement_month = loan["disbursement_month"] - 1
    months_after = month_index(n_months) - disbursement_month
    in_deferral = (months_after >= 1) & (months_after <= loan["deferral_months"])
    payment_number = months_after - loan["deferral_months"]  # 1 … n during repayment
    repaying = (payment_number >= 1) & (payment_number <= n_payments)

    positive_rate = monthly_rate > 0
    safe_rate = np.where(positive_rate, monthly_rate, 1.0)  # avoids 0/0 where r = 0
    growth = (1.0 + safe_rate) ** n_payments
    annuity = np.where(positive_rate, principal * safe_rate * growth / (growth - 1.0),
                       principal / n_payments)
    paid_before = np.clip(payment_number - 1, 0, n_payments)
    growth_before = (1.0 + safe_rate) ** paid_before
    balance_before = np.where(
        positive_rate,
        principal * growth_before - annuity * (growth_before - 1.0) / safe_rate,
        principal - annuity * paid_before)

    disbursed = principal * (months_after == 0)
    interest = principal * monthly_rate * in_deferral + balance_before * monthly_rate * repaying
    repaid = (annuity - balance_before * monthly_rate) * repaying
    return disbursed, interest, repaid


def operating_subsidy_flows_eur(subsidy: dict, n_months: int) -> tuple[np.ndarray, np.ndarray]:
    """Accrued subsidy (annual amount ÷ 12 each month of its years) and cash received (each
    year's ``advance_share`` of the amount ``advance_delay_months`` after that year starts,
    the balance ``payment_delay_months`` after it) [€/month]."""
    months = month_index(n_months)
    first_year = subsidy["start_year"] - 1
    years = range(first_year, first_year + subsidy["duration_years"])
    is_awarded = awarded(subsidy["award_probability"], subsidy["award_uniform"])
    accrued_pattern = np.zeros((1, n_months))
    received_pattern = np.zeros((1, n_months))
    for year in years:
        taper = (1.0 - subsidy["yearly_taper_rate"]) ** (year - first_year)
        accrued_pattern = accrued_pattern + taper / 12.0 * (months // 12 == year)
        advance = subsidy["advance_share"]
        received_pattern = received_pattern + taper * (
            (1.0 - advance) * (months == 12 * year + subsidy["payment_delay_months"])
            + advance * (months == 12 * year + subsidy["advance_delay_months"]))
    amount = subsidy["amount_eur_per_year"] * is_awarded
    return amount * accrued_pattern, amount * received_pattern


# --- payment schedules, VAT and FCTVA ------------------------------------------------------

def grant_payments_eur(amount_eur, advance_share: float, advance_month: int, balance_month: int,
                       n_months: int) -> np.ndarray:
    """Cash received for a grant [€/month]: ``advance_share × amount`` in month index
    ``advance_month``, the balance ``(1 − advance_share) × amount`` in ``balance_month``
    (nothing for a payment beyond the horizon)."""
    if advance_share == 0:
        return lump_sum_at(amount_eur, balance_month, n_months)
    advance_eur = amount_eur * advance_share
    balance_eur = amount_eur * (1.0 - advance_share)
    return (lump_sum_at(advance_eur, advance_month, n_months)
            + lump_sum_at(balance_eur, balance_month, n_months))


def excluding_vat_factor(amounts_include_vat: bool, vat_rate: float) -> float:
    """Amount excluding VAT per euro entered: 1 for amounts entered HT, ``1 / (1 + t)`` TTC."""
    return 1.0 / (1.0 + vat_rate) if amounts_include_vat else 1.0


def borne_cost_factor(amounts_include_vat: bool, vat_recoverable: bool, vat_rate: float
                      ) -> float:
    """What the owner pays and keeps paying per euro entered: the amount excluding VAT when
    it recovers VAT (through its tax returns), the amount including VAT when it does not.

    ========  ===========  ==============
    entered   recoverable  factor
    ========  ===========  ==============
    HT        yes          1
    HT        no           1 + t
    TTC       yes          1 / (1 + t)
    TTC       no           1
    ========  ===========  ==============

    The timing of VAT recovery is not modelled (it is recovered in the month it is paid).
    """
    if vat_recoverable:
        return excluding_vat_factor(amounts_include_vat, vat_rate)
    return 1.0 if amounts_include_vat else 1.0 + vat_rate


def delayed_eur(monthly_eur: np.ndarray, delay_months: int) -> np.ndarray:
    """The same flows ``delay_months`` later (flows pushed beyond the horizon are dropped)."""
    monthly_eur = np.asarray(monthly_eur, dtype=float)
    delayed = np.zeros_like(monthly_eur)
    if delay_months < monthly_eur.shape[1]:
        delayed[:, delay_months:] = monthly_eur[:, :monthly_eur.shape[1] - delay_months]
    return delayed


def fctva_refund_eur(investment_paid_incl_vat_eur: np.ndarray, fctva_rate: float,
                     delay_months: int) -> np.ndarray:
    """FCTVA received [€/month]: ``rate × eligible investment paid including VAT``, paid
    ``delay_months`` after the expense (CGCT art. L1615-6; rate and lag from reference data).

    Renewals are eligible like the first purchases.
    """
    return fctva_rate * delayed_eur(investment_paid_incl_vat_eur, delay_months)


def fctva_delay_months(delay_years: int, processing_delay_months: int) -> int:
    """Months between an expense and its FCTVA: the regime's years (N, N+1, N+2) as 12-month
    lags (a mean over the months of the expense's year), plus a processing delay."""
    return 12 * delay_years + processing_delay_months
