"""The Excel workbook of a run, for the finance department that audits the decision.

Sheets (names in the reader's language): read me (run facts and conventions); the
collectivity's net cost per budget (calendar) year, investment, operating and net
(P10/P50/P80/P90, mean, central case); its project budget line by line and budget year (M57
sections, central case and mean); public money granted against paid within the horizon; the
operator's autonomy on both definitions; assumptions (every scenario value with its law and
source); yearly accounts (P10/P50/P90, mean and central case by year of operation); the
central case's accounts by year with line detail; monthly cash quantiles; financing plan;
indicators (with Monte Carlo standard errors); public money; funding rules; warnings; and the
per-draw indicators. Every sheet with years says whether they are budget years or years of
operation.

Built with pandas (``to_excel``) and styled with openpyxl: bold shaded headers, frozen header
row and label column, filters, column widths, print titles, and number formats that Excel and
LibreOffice show the French way (``1 234 €``, ``12,5 %``) on a French system — a format code
stores ``,`` and ``.`` as *placeholders* for the reader's own separators.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from pydantic import BaseModel

from tierslieux_sim import __version__
from tierslieux_sim.core.formatting import format_month, format_number
from tierslieux_sim.core.i18n import current_language, has_message, message
from tierslieux_sim.engine.outputs import indicator_label
from tierslieux_sim.engine.results import Results
from tierslieux_sim.model.parties import BUDGET_LINES
from tierslieux_sim.model.timeline import by_year_of_operation
from tierslieux_sim.scenario.distributions import _Distribution
from tierslieux_sim.scenario.fields import field_meta, unit_text
from tierslieux_sim.scenario.labels import RATE_UNITS, input_label, input_unit
from tierslieux_sim.scenario.paths import join_path, path_parts
from tierslieux_sim.scenario.schema import section_label
from tierslieux_sim.scenario.sources import source_of
from tierslieux_sim.views.budget import collectivity_budget_lines, collectivity_cost_by_budget_year
from tierslieux_sim.views.financing_plan import financing_plan
from tierslieux_sim.views.public_money import (
    public_money_reconciliation,
    public_money_summary,
    public_money_table,
)

#: Sheets in order (catalogue ids ``workbook.sheet.<id>``).
SHEETS = ("readme", "collectivity_cost", "collectivity_budget", "reconciliation", "autonomy",
          "assumptions", "yearly_accounts", "central_accounts", "monthly_cash",
          "financing_plan", "indicators", "public_money", "public_money_draws", "rules",
          "warnings", "draws")
#: What the years of a sheet are: ``budget`` (calendar) years of the collectivity's budget or
#: years of ``operation`` (12 months from the opening); said under the sheet's table.
SHEET_YEARS = {"collectivity_cost": "budget", "collectivity_budget": "budget",
               "autonomy": "operation", "yearly_accounts": "operation",
               "central_accounts": "operation"}
#: Sections of the collectivity's net cost, in order (the net cost is their sum).
COST_SECTIONS = ("investment", "operating", "net")

#: Yearly account lines: variable → how a year aggregates its months (``sum`` of a flow,
#: ``mean`` of a level, ``end`` value of a stock, ``ratio`` of two yearly sums) and the kind
#: of number.
ACCOUNT_LINES: dict[str, tuple[str, str]] = {
    "users": ("mean", "number"),
    "occupancy_rate": ("mean", "percent"),
    "own_revenue_eur": ("sum", "eur"),
    "donations_eur": ("sum", "eur"),
    "subsidies_eur": ("sum", "eur"),
    "operating_costs_eur": ("sum", "eur"),
    "ebitda_eur": ("sum", "eur"),
    "self_financing_ratio": ("ratio", "percent"),
    "depreciation_eur": ("sum", "eur"),
    "interest_eur": ("sum", "eur"),
    "net_result_eur": ("sum", "eur"),
    "investment_eur": ("sum", "eur"),
    "investment_grants_eur": ("sum", "eur"),
    "fctva_eur": ("sum", "eur"),
    "loan_disbursed_eur": ("sum", "eur"),
    "loan_repaid_eur": ("sum", "eur"),
    "cash_flow_eur": ("sum", "eur"),
    "balancing_subsidy_eur": ("sum", "eur"),
    "cash_eur": ("end", "eur"),
    "cash_after_balancing_eur": ("end", "eur"),
    "public_money_eur": ("sum", "eur"),
    "in_kind_support_eur": ("sum", "eur"),
}
#: Account lines whose per-draw yearly values the engine keeps as indicators (in summary
#: mode too): line → indicator name for a year. The self-financing ratio (own revenue ÷
#: operating costs of the year) exists only so.
YEARLY_INDICATORS = {
    "balancing_subsidy_eur": "balancing_subsidy_year_{year}_eur",
    "occupancy_rate": "occupancy_rate_year_{year}",
    "self_financing_ratio": "self_financing_ratio_year_{year}",
}
#: Detail lines of the central case's accounts: variable with a line dimension → the total
#: line it details.
DETAIL_LINES = {
    "revenue_by_line_eur": "own_revenue_eur",
    "donations_by_line_eur": "donations_eur",
    "subsidies_by_line_eur": "subsidies_eur",
    "operating_costs_by_line_eur": "operating_costs_eur",
    "investment_grants_by_line_eur": "investment_grants_eur",
}
#: Per-draw indicators are written for the first this many draws (Excel holds 1,048,576 rows,
#: but openpyxl writes ~1,000 draws a second — the CSV export has them all).
MAX_DRAWS_SHEET = 5_000

_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")  # light grey: prints in black and white
_NUMBER_FORMATS = {
    "fr": {"eur": '#,##0\\ "€"', "percent": "0.0\\ %", "number": "#,##0.0",
           "integer": "#,##0", "month": "[$-40C]mmm\\ yyyy", "text": "@"},
    "en": {"eur": '"€"#,##0', "percent": "0.0%", "number": "#,##0.0",
           "integer": "#,##0", "month": "[$-409]mmm\\ yyyy", "text": "@"},
}


@dataclass
class Sheet:
    """A table to write: ``kinds`` gives a number format per column (``eur``, ``percent``,
    ``number``, ``integer``, ``month``, ``text``); ``row_kinds`` a format per row instead
    for the columns listed in ``row_kind_columns`` (tables mixing units)."""

    key: str
    frame: pd.DataFrame
    kinds: dict[str, str] = field(default_factory=dict)
    row_kinds: list[str] | None = None
    row_kind_columns: tuple[str, ...] = ()
    label_columns: int = 1  # columns frozen on the left
    bold_rows: tuple[int, ...] = ()  # rows of the frame in bold (section titles, totals)


def _h(key: str, language: str) -> str:
    return message(f"workbook.col.{key}", language)


def _line_label(variable: str, language: str) -> str:
    return message(f"workbook.line.{variable}", language)


def _finite(value: float) -> float | None:
    """A cell value: ``None`` (empty cell) for NaN and infinities, which Excel cannot store."""
    return float(value) if value is not None and math.isfinite(value) else None


# --- year-by-year aggregation -------------------------------------------------------------

def year_periods(results: Results, language: str | None = None) -> list[tuple[int, str]]:
    """``(year, "sept. 2027 – août 2028")`` for each year of operation (counted from 1)."""
    months = pd.to_datetime(results.central["month"].to_numpy())
    return [(year, f"{format_month(months[12 * (year - 1)].date(), language)} – "
                   f"{format_month(months[12 * year - 1].date(), language)}")
            for year in range(1, results.horizon_years + 1)]


def yearly_values(results: Results, variable: str) -> np.ndarray | None:
    """Per-draw yearly values ``(draws, years)`` of an account line: from the per-draw
    yearly indicators where the engine keeps them (also in summary mode), else from the
    monthly dataset (``None`` in summary mode, where per-draw months are not kept)."""
    if variable in YEARLY_INDICATORS:
        return np.column_stack([
            results.indicators[YEARLY_INDICATORS[variable].format(year=year)].to_numpy()
            for year in range(1, results.horizon_years + 1)])
    if results.keep != "full":
        return None
    return by_year_of_operation(results.dataset[variable].to_numpy(), ACCOUNT_LINES[variable][0])


def central_yearly_values(results: Results, variable: str) -> np.ndarray:
    """The central case's yearly values ``(years,)`` of an account line."""
    central = results.central
    if variable == "self_financing_ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            return (by_year_of_operation(central["own_revenue_eur"].to_numpy(), "sum")
                    / by_year_of_operation(central["operating_costs_eur"].to_numpy(), "sum"))
    return by_year_of_operation(central[variable].to_numpy(), ACCOUNT_LINES[variable][0])


def _yearly_accounts(results: Results, language: str) -> Sheet:
    """One row per year of operation and account line: central case, P10/P50/P90 and mean
    over draws of the year's total (flows), average (levels) or year-end value (cash)."""
    periods = year_periods(results, language)
    statistics = {}
    for variable, (how, _kind) in ACCOUNT_LINES.items():
        per_draw = yearly_values(results, variable)
        statistics[variable] = (
            central_yearly_values(results, variable),
            np.quantile(per_draw, [0.1, 0.5, 0.9], axis=0) if per_draw is not None
            else np.full((3, len(periods)), np.nan),
            per_draw.mean(axis=0) if per_draw is not None
            else by_year_of_operation(results.monthly_mean[variable].to_numpy(), how))
    rows, kinds = [], []
    for index, (year, period) in enumerate(periods):
        for variable, (central, quantiles, mean) in statistics.items():
            rows.append({
                _h("year", language): year, _h("period", language): period,
                _h("line", language): _line_label(variable, language),
                _h("central", language): _finite(central[index]),
                "P10": _finite(quantiles[0, index]), "P50": _finite(quantiles[1, index]),
                "P90": _finite(quantiles[2, index]), _h("mean", language): _finite(mean[index]),
                _h("code", language): variable})
            kinds.append(ACCOUNT_LINES[variable][1])
    value_columns = (_h("central", language), "P10", "P50", "P90", _h("mean", language))
    return Sheet("yearly_accounts", pd.DataFrame(rows), {_h("year", language): "integer"},
                 kinds, value_columns, label_columns=3)


def _detail_label(name: str, language: str) -> str:
    """A revenue, cost or subsidy line in words: built-in lines (``day_pass``, ``rent``,
    ``staff``…) from the catalogue's ``line.<key>``, lines the user named as named; the code
    stays in the code column for technicians."""
    key = f"line.{name}"
    return message(key, language) if has_message(key) else name


def _central_accounts(results: Results, language: str) -> Sheet:
    """The central case (every uncertain input at its median) as a budget: one row per line
    (with the detail of revenue, costs, subsidies and grants), one column per year, a
    total."""
    periods = year_periods(results)
    year_columns = [message("workbook.col.year_n", language, year=year) for year, _ in periods]
    rows, kinds = [], []

    def add(label: str, code: str, values: np.ndarray, kind: str, how: str) -> None:
        row: dict[str, Any] = {_h("line", language): label, _h("code", language): code}
        row.update({column: _finite(value) for column, value in zip(year_columns, values,
                                                                    strict=True)})
        row[_h("total", language)] = (_finite(float(values.sum())) if how == "sum" else None)
        rows.append(row)
        kinds.append(kind)

    details = {total: detail for detail, total in DETAIL_LINES.items()}
    for variable, (how, kind) in ACCOUNT_LINES.items():
        add(_line_label(variable, language), variable,
            central_yearly_values(results, variable), kind, how)
        detail = details.get(variable)
        if detail is None or detail not in results.central:
            continue
        data = results.central[detail]
        line_dimension = [d for d in data.dims if d != "month"][0]
        for name in data[line_dimension].to_numpy():
            values = data.sel({line_dimension: name}).to_numpy()
            add(f"    {_detail_label(str(name), language)}", f"{detail}[{name}]",
                by_year_of_operation(values, "sum"), "eur", "sum")
    frame = pd.DataFrame(rows)
    return Sheet("central_accounts", frame, {}, kinds,
                 (*year_columns, _h("total", language)), label_columns=1)


def _monthly_cash(results: Results, language: str) -> Sheet:
    months = pd.to_datetime(results.central["month"].to_numpy())
    central = results.central["cash_eur"].to_numpy()
    mean = results.monthly_mean["cash_eur"].to_numpy()
    frame = pd.DataFrame({_h("month", language): months,
                          _h("central", language): central})
    if results.keep == "full":
        cash = results.dataset["cash_eur"].to_numpy()
        for label, q in (("P10", 0.1), ("P50", 0.5), ("P90", 0.9)):
            frame[label] = np.quantile(cash, q, axis=0)
        frame[_h("negative_cash_probability", language)] = (cash < 0).mean(axis=0)
    else:
        for label in ("P10", "P50", "P90"):
            frame[label] = np.nan
        frame[_h("negative_cash_probability", language)] = np.nan
    frame[_h("mean", language)] = mean
    kinds = {column: "eur" for column in frame.columns}
    kinds[_h("month", language)] = "month"
    kinds[_h("negative_cash_probability", language)] = "percent"
    return Sheet("monthly_cash", frame, kinds)


def _financing_plan(results: Results, language: str) -> Sheet:
    plan = financing_plan(results)
    rows = []
    for line, row in plan.iterrows():
        kind = row["kind"]
        funder = row.get("funder")
        rows.append({
            _h("resource", language): str(line) if kind == "grant" else message(
                f"report.resource.{kind}", language),
            _h("programme", language): row["programme"] if isinstance(row["programme"], str)
            else "",
            _h("funder", language): message(f"financing.funder.{funder}", language)
            if isinstance(funder, str) else "",
            _h("award_probability", language): _finite(row["award_probability"]),
            _h("amount", language): _finite(row["amount_eur"]),
            _h("expected", language): _finite(row["expected_eur"]),
            _h("share_of_cost", language): _finite(row["share_of_cost"]),
            _h("expected_share_of_cost", language): _finite(row["expected_share_of_cost"]),
            _h("advance_share", language): _finite(row["advance_share"]),
            _h("advance_delay_months", language): _finite(row["advance_delay_months"]),
            _h("payment_delay_months", language): _finite(row["payment_delay_months"]),
        })
    cost = plan.attrs.get("cost_eur", float(plan["amount_eur"].sum()))
    rows.append({_h("resource", language): message("workbook.total_cost", language),
                 _h("amount", language): cost, _h("expected", language): cost,
                 _h("share_of_cost", language): 1.0 if cost > 0 else None,
                 _h("expected_share_of_cost", language): 1.0 if cost > 0 else None})
    rows.append({_h("resource", language): message("workbook.cost_excluding_vat", language),
                 _h("amount", language): plan.attrs.get("cost_excluding_vat_eur")})
    rows.append({_h("resource", language): message("workbook.vat_borne", language),
                 _h("amount", language): plan.attrs.get("vat_borne_eur")})
    frame = pd.DataFrame(rows)
    kinds = {_h(c, language): "percent" for c in ("award_probability", "share_of_cost",
                                                   "expected_share_of_cost", "advance_share")}
    kinds.update({_h(c, language): "eur" for c in ("amount", "expected")})
    kinds.update({_h(c, language): "integer" for c in ("advance_delay_months",
                                                       "payment_delay_months")})
    return Sheet("financing_plan", frame, kinds)


def indicator_kind(indicator: str) -> str:
    """Number format of an indicator's values: ``eur``, ``percent`` or ``number``."""
    if indicator.endswith("_eur"):
        return "eur"
    if indicator.startswith(("occupancy_rate", "flex_occupancy_rate")) or indicator.endswith(
            ("_share", "_ratio", "_share_of_eligible_cost", "discount_rate")):
        return "percent"
    return "number"


def _indicators(results: Results, language: str) -> Sheet:
    summary = results.summary()
    rows, kinds = [], []
    never = message("analysis.never", language)
    for record in summary.itertuples(index=False):
        statistic = record.statistic
        value = record.value
        rows.append({
            _h("indicator", language): indicator_label(record.indicator, language),
            _h("code", language): record.indicator,
            _h("statistic", language): statistic.upper() if statistic.startswith("p")
            and statistic[1:].isdigit() else message(f"analysis.stat.{statistic}", language),
            _h("value", language): _finite(value) if math.isfinite(value) else never,
            _h("mc_standard_error", language): _finite(record.mc_standard_error),
        })
        kinds.append("percent" if statistic == "probability"
                     else indicator_kind(record.indicator))
    frame = pd.DataFrame(rows)
    return Sheet("indicators", frame, {}, kinds,
                 (_h("value", language), _h("mc_standard_error", language)), label_columns=1)


def _public_money(results: Results, language: str) -> Sheet:
    table = public_money_table(results)
    frame = table.rename(
        index=lambda funder: message("workbook.total", language) if funder == "total"
        else message(f"financing.funder.{funder}", language),
        columns=lambda kind: message("workbook.total", language) if kind == "total"
        else message(f"financing.kind.{kind}", language))
    frame.index.name = message("workbook.col.funder", language)
    frame = frame.reset_index()
    return Sheet("public_money", frame,
                 {column: "eur" for column in frame.columns[1:]})


def _public_money_draws(results: Results, language: str) -> Sheet:
    summary = public_money_summary(results)
    rows, kinds = [], []
    for name, row in summary.iterrows():
        if name.startswith("funder:"):
            label = message(f"financing.funder.{name.split(':', 1)[1]}", language)
        elif name.startswith("kind:"):
            label = message(f"financing.kind.{name.split(':', 1)[1]}", language)
        elif name == "total":
            label = message("workbook.total", language)
        else:
            label = indicator_label(name, language)
        rows.append({_h("indicator", language): label, _h("code", language): name,
                     "P10": row["p10"], "P50": row["p50"], "P90": row["p90"],
                     _h("mean", language): row["mean"]})
        kinds.append("eur")
    frame = pd.DataFrame(rows)
    return Sheet("public_money_draws", frame, {}, kinds,
                 ("P10", "P50", "P90", _h("mean", language)))


def _rules(results: Results, language: str) -> Sheet:
    rows, kinds = [], []
    for check in results.rule_checks:
        rows.append({
            _h("rule", language): message(f"financing.rule.{check.code}", language),
            _h("status", language): message(f"report.rule_status.{check.status}", language),
            _h("broken_share", language): _finite(check.broken_share),
            _h("central", language): _finite(check.central_value),
            _h("worst", language): _finite(check.worst_value),
            _h("limit", language): _finite(check.limit),
            _h("unit", language): "€" if check.unit == "eur" else "%",
            _h("code", language): check.code,
        })
        kinds.append("eur" if check.unit == "eur" else "percent")
    frame = pd.DataFrame(rows, columns=[_h(c, language) for c in (
        "rule", "status", "broken_share", "central", "worst", "limit", "unit", "code")])
    return Sheet("rules", frame, {_h("broken_share", language): "percent"}, kinds,
                 (_h("central", language), _h("worst", language), _h("limit", language)))


def _warnings(results: Results, language: str) -> Sheet:
    rows = [{_h("warning", language): notice.text(language), _h("key", language): notice.path,
             _h("code", language): notice.code} for notice in results.notices]
    if not rows:
        rows = [{_h("warning", language): message("workbook.no_warning", language),
                 _h("key", language): "", _h("code", language): ""}]
    return Sheet("warnings", pd.DataFrame(rows), {})


def _draws(results: Results, language: str) -> Sheet:
    indicators = results.indicators
    note = None
    if len(indicators) > MAX_DRAWS_SHEET:
        note = message("workbook.draws_truncated", language, shown=MAX_DRAWS_SHEET,
                       draws=len(indicators))
        indicators = indicators.iloc[:MAX_DRAWS_SHEET]
    frame = indicators.replace([np.inf, -np.inf], np.nan).reset_index()
    frame = frame.rename(columns={"draw": _h("draw", language)})
    kinds = {column: indicator_kind(column) for column in indicators.columns}
    kinds[_h("draw", language)] = "integer"
    sheet = Sheet("draws", frame, kinds)
    sheet.frame.attrs["note"] = note
    return sheet


# --- the collectivity's budget -------------------------------------------------------------

def _section_indicator(section: str, year: int | None = None) -> str:
    """The per-draw indicator of a section's net cost, in a budget year or over the horizon:
    ``net_cost_investment_2027_eur``, ``net_cost_2027_eur``, ``net_cost_operating_eur``…"""
    stem = "net_cost" if section == "net" else f"net_cost_{section}"
    return f"{stem}_{year}_eur" if year is not None else f"{stem}_eur"


def _budget_year_label(year: int, months: int, language: str) -> str:
    """``2027`` or, for a year partly within the horizon, ``2027 (4 mois)``."""
    return str(year) if months == 12 else message("headline.partial_year", language,
                                                  year=year, months=months)


def _collectivity_cost(results: Results, language: str) -> Sheet:
    """The collectivity's net cost per budget year, then over the horizon and its present
    value: investment, operating and net, each with P10/P50/P80/P90, mean and central case
    (cash paid; costs positive, receipts negative)."""
    months = collectivity_cost_by_budget_year(results)["months"]
    statistics = ("P10", "P50", "P80", "P90")
    rows = []

    def add(year: Any, months_in: Any, section: str, indicator: str, label: str) -> None:
        values = results.indicators[indicator].to_numpy()
        row: dict[str, Any] = {_h("budget_year", language): year,
                               _h("months_in_horizon", language): months_in,
                               _h("cost_section", language): label}
        row.update({name: _finite(float(q)) for name, q in zip(
            statistics, np.quantile(values, [0.1, 0.5, 0.8, 0.9]), strict=True)})
        row[_h("mean", language)] = _finite(float(values.mean()))
        row[_h("central", language)] = _finite(float(results.central_indicators[indicator]))
        row[_h("code", language)] = indicator
        rows.append(row)

    for year, count in months.items():
        for section in COST_SECTIONS:
            add(int(year), int(count), section, _section_indicator(section, int(year)),
                message(f"workbook.cost_section.{section}", language))
    horizon = message("workbook.over_horizon", language, years=results.horizon_years)
    for section in COST_SECTIONS:
        add(horizon, results.scenario.horizon_months, section, _section_indicator(section),
            message(f"workbook.cost_section.{section}", language))
    add(horizon, results.scenario.horizon_months, "net", "net_cost_pv_eur",
        message("workbook.cost_section.present_value", language))
    frame = pd.DataFrame(rows)
    kinds = {column: "eur" for column in (*statistics, _h("mean", language),
                                          _h("central", language))}
    kinds.update({_h("budget_year", language): "integer",
                  _h("months_in_horizon", language): "integer"})
    return Sheet("collectivity_cost", frame, kinds, label_columns=3)


def _collectivity_budget(results: Results, language: str) -> Sheet:
    """The collectivity's project budget line by line (M57 sections) and budget year, for
    the central case then the mean over draws, with each section's total and the net cost."""
    months = collectivity_cost_by_budget_year(results)["months"]
    year_columns = [_budget_year_label(int(year), int(count), language)
                    for year, count in months.items()]
    rows: list[dict[str, Any]] = []
    kinds: list[str] = []

    def add(statistic: str, section: str, label: str, code: str,
            values: np.ndarray | None) -> None:
        row: dict[str, Any] = {_h("statistic", language): statistic,
                               _h("section", language): section, _h("line", language): label}
        row.update({column: None if values is None else _finite(float(value))
                    for column, value in zip(year_columns, values if values is not None
                                             else [None] * len(year_columns), strict=True)})
        row[_h("total", language)] = None if values is None else _finite(float(values.sum()))
        row[_h("code", language)] = code
        if values is None or code.startswith("total_") or code == "net_cost":
            bold.append(len(rows))
        rows.append(row)
        kinds.append("eur")

    bold: list[int] = []
    for statistic in ("central", "mean"):
        table = collectivity_budget_lines(results, statistic)
        name = message(f"workbook.budget_statistic.{statistic}", language)
        net = np.zeros(len(year_columns))
        for section in ("investment", "operating"):
            section_name = message(f"workbook.budget_section.{section}", language)
            add(name, section_name, section_name.upper(), "", None)
            total = np.zeros(len(year_columns))
            for line in (line for line in BUDGET_LINES if BUDGET_LINES[line] == section):
                if line not in table.index:
                    continue
                values = table.loc[line, [int(y) for y in months.index]].to_numpy(dtype=float)
                add(name, section_name, message(f"workbook.budget_line.{line}", language),
                    line, values)
                total = total + values
            add(name, section_name, message(f"workbook.budget_total.{section}", language),
                f"total_{section}", total)
            net = net + total
        add(name, "", message("workbook.budget_total.net", language), "net_cost", net)
    return Sheet("collectivity_budget", pd.DataFrame(rows), {}, kinds,
                 (*year_columns, _h("total", language)), label_columns=3,
                 bold_rows=tuple(bold))


def _reconciliation(results: Results, language: str) -> Sheet:
    """Public money granted against paid within the horizon (mean over draws): investment
    grants, operating subsidies, balancing subsidy, and their total."""
    table = public_money_reconciliation(results)
    columns = {"granted_eur": _h("granted", language),
               "paid_within_horizon_eur": _h("paid_within_horizon", language),
               "beyond_horizon_eur": _h("beyond_horizon", language)}
    rows = []
    for kind, row in table.iterrows():
        rows.append({_h("kind", language): message(f"financing.kind.{kind}", language),
                     **{label: _finite(float(row[name])) for name, label in columns.items()},
                     _h("code", language): kind})
    rows.append({_h("kind", language): message("workbook.total", language),
                 **{label: _finite(float(table[name].sum())) for name, label in columns.items()},
                 _h("code", language): "total"})
    return Sheet("reconciliation", pd.DataFrame(rows),
                 {label: "eur" for label in columns.values()})


def _autonomy(results: Results, language: str) -> Sheet:
    """The probability that the operator is autonomous by the end of each year of operation,
    on the operating and the full-cost definitions, side by side."""
    rows = [{_h("year", language): year, _h("period", language): period,
             _h("autonomy_operating", language): results.autonomy_probability(year),
             _h("autonomy_full_cost", language): results.autonomy_probability(year, "full_cost")}
            for year, period in year_periods(results, language)]
    return Sheet("autonomy", pd.DataFrame(rows),
                 {_h("year", language): "integer",
                  _h("autonomy_operating", language): "percent",
                  _h("autonomy_full_cost", language): "percent"}, label_columns=2)


# --- assumptions --------------------------------------------------------------------------

def _leaves(node: Any, path: str = ""):
    """Every scenario value that is not a section: ``(path, value)``, in schema order; a
    distribution and a list of plain values (monthly seasonality) are one value each."""
    if isinstance(node, BaseModel) and not isinstance(node, _Distribution):
        for name in type(node).model_fields:
            yield from _leaves(getattr(node, name), join_path(path, name))
    elif isinstance(node, list) and node and isinstance(node[0], BaseModel) and not \
            isinstance(node[0], _Distribution):
        for index, item in enumerate(node):
            yield from _leaves(item, join_path(path, index))
    else:
        yield path, node


def _section_label(scenario, section: str, language: str) -> str:
    """``Site et capacité`` for ``site``: the section's title in the schema."""
    value = getattr(scenario, section)
    if isinstance(value, list):  # a top-level list (revenue lines…): the field's label
        meta = field_meta(type(scenario), section)
        return meta.label(language) if meta else section
    return section_label(type(value), language, section)


def _unit_kind(unit: str) -> str:
    if unit in RATE_UNITS:
        return "percent"
    if "€" in unit:
        return "eur"
    return "number"


def _law_description(distribution: Any, language: str) -> str:
    """``pert (min = 6, mode = 12, max = 20)``: the law and its parameters."""
    parameters = ", ".join(
        f"{name} = {format_number(v, 4, language).rstrip('0').rstrip(',.')}"
        if isinstance(v, (int, float)) and not isinstance(v, bool) else f"{name} = {v}"
        for name, v in distribution.model_dump(by_alias=True).items()
        if name != "dist" and v is not None)
    return f"{distribution.dist} ({parameters})"


def _assumptions(results: Results, language: str) -> Sheet:
    scenario = results.scenario
    rows, kinds = [], []
    for path, value in _leaves(scenario):
        section = str(path_parts(path)[0])
        if section in ("schema_version", "meta") or value is None:
            continue  # the file's version and description are on the read-me sheet
        unit = input_unit(scenario, path)
        row: dict[str, Any] = {
            _h("section", language): _section_label(scenario, section, language),
            _h("input", language): input_label(scenario, path, language),
            _h("unit", language): unit_text(unit, language),
            _h("fixed_value", language): None, "Min": None,
            _h("probable", language): None, "Max": None,
            _h("median", language): None, _h("law", language): "",
            _h("source", language): source_of(scenario, path),
            _h("key", language): path,
        }
        if isinstance(value, _Distribution):
            law: Any = value  # a concrete law: pert, triangular, uniform…
            row[_h("law", language)] = _law_description(law, language)
            row[_h("median", language)] = _finite(float(law.median()))
            if law.dist in ("pert", "triangular"):
                row["Min"], row[_h("probable", language)], row["Max"] = (
                    law.min, law.mode, law.max)
            elif law.dist == "uniform":
                row["Min"], row["Max"] = law.min, law.max
        elif isinstance(value, bool):
            row[_h("fixed_value", language)] = message(
                "workbook.yes" if value else "workbook.no", language)
        elif isinstance(value, (int, float)):
            row[_h("fixed_value", language)] = value
        elif isinstance(value, list):
            row[_h("fixed_value", language)] = "; ".join(
                format_number(float(v), 2, language) if isinstance(v, (int, float)) else str(v)
                for v in value)
        elif isinstance(value, date):
            row[_h("fixed_value", language)] = value.isoformat()
        else:
            row[_h("fixed_value", language)] = str(value)
        rows.append(row)
        kinds.append(_unit_kind(unit))
    frame = pd.DataFrame(rows)
    value_columns = (_h("fixed_value", language), "Min", _h("probable", language), "Max",
                     _h("median", language))
    return Sheet("assumptions", frame, {}, kinds, value_columns, label_columns=2)


# --- read me ------------------------------------------------------------------------------

def _readme(results: Results, language: str) -> Sheet:
    scenario = results.scenario
    facts = [
        ("scenario", scenario.meta.name),
        ("territory", scenario.meta.territory or "–"),
        ("date", date.today().isoformat()),
        ("version", __version__),
        ("seed", str(results.seed)),
        ("draws", format_number(results.draws, 0, language)),
        ("sampling", results.sampling),
        ("keep", message(f"workbook.keep.{results.keep}", language)),
        ("hash", results.scenario_hash()),
        ("opening", format_month(pd.Timestamp(results.central["month"].to_numpy()[0]).date(),
                                 language)),
    ]
    rows = [{_h("item", language): message(f"workbook.fact.{key}", language),
             _h("content", language): value} for key, value in facts]
    rows.append({_h("item", language): "", _h("content", language): ""})
    for key in ("conventions", "budget", "years", "quantiles", "central", "formats"):
        rows.append({_h("item", language): message(f"workbook.about.{key}.title", language),
                     _h("content", language): message(f"workbook.about.{key}", language)})
    if results.keep != "full":
        rows.append({_h("item", language): message("workbook.about.summary_mode.title",
                                                   language),
                     _h("content", language): message("workbook.about.summary_mode", language)})
    rows.append({_h("item", language): "", _h("content", language): ""})
    for key in SHEETS[1:]:
        rows.append({_h("item", language): message(f"workbook.sheet.{key}", language),
                     _h("content", language): message(f"workbook.about_sheet.{key}", language)})
    return Sheet("readme", pd.DataFrame(rows), {})


# --- writing ------------------------------------------------------------------------------

def workbook_sheets(results: Results, language: str | None = None) -> list[Sheet]:
    """The tables of the workbook, in order (see :data:`SHEETS`)."""
    language = language or current_language()
    builders = {"readme": _readme, "collectivity_cost": _collectivity_cost,
                "collectivity_budget": _collectivity_budget, "reconciliation": _reconciliation,
                "autonomy": _autonomy, "assumptions": _assumptions,
                "yearly_accounts": _yearly_accounts, "central_accounts": _central_accounts,
                "monthly_cash": _monthly_cash, "financing_plan": _financing_plan,
                "indicators": _indicators, "public_money": _public_money,
                "public_money_draws": _public_money_draws, "rules": _rules,
                "warnings": _warnings, "draws": _draws}
    sheets = [builders[key](results, language) for key in SHEETS]
    for sheet in sheets:  # say what the years of the sheet are, under its table
        if sheet.key in SHEET_YEARS:
            sheet.frame.attrs["note"] = message(f"workbook.years_note.{SHEET_YEARS[sheet.key]}",
                                                language)
    return sheets


def _text_width(value: Any) -> int:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    if isinstance(value, (int, float, np.number)):
        return 14
    if isinstance(value, (pd.Timestamp, date)):
        return 10
    return max((len(part) for part in str(value).split("\n")), default=0)


#: Widest column [characters]; longer texts wrap.
MAX_COLUMN_WIDTH = 60
#: Height of one line of text [points].
LINE_HEIGHT_PT = 15.0


def _style(worksheet, sheet: Sheet, language: str) -> None:
    """Headers, frozen panes, filters, widths, wrapped long texts (with row heights, which
    spreadsheets do not compute for files they did not write), number formats, print set-up."""
    formats = _NUMBER_FORMATS[language]
    frame = sheet.frame
    columns = list(frame.columns)
    last_row = len(frame) + 1
    lines = [1] * (last_row + 1)  # lines of text per row (index = row number)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sample = frame[column].head(500).tolist()
        longest = max([_text_width(v) for v in sample] + [0])
        header_words = max((len(word) for word in str(column).split()), default=8)
        width = min(max(longest, header_words, 8) + 2, MAX_COLUMN_WIDTH)
        worksheet.column_dimensions[letter].width = width
        header = worksheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.fill = _HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="top")
        lines[1] = max(lines[1], math.ceil(len(str(column)) / (width - 1)))
        kind = sheet.kinds.get(column)
        per_row = sheet.row_kinds is not None and column in sheet.row_kind_columns
        if kind is None and not per_row:
            if frame[column].dtype.kind in "iuf":
                kind = "number"
            else:
                if longest > width - 2:  # long texts wrap within the column
                    for row in range(2, last_row + 1):
                        cell = worksheet.cell(row=row, column=index)
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                        lines[row] = max(lines[row], math.ceil(_text_width(cell.value)
                                                               / (width - 1)))
                continue
        for row in range(2, last_row + 1):
            cell = worksheet.cell(row=row, column=index)
            row_kind: str = sheet.row_kinds[row - 2] if sheet.row_kinds and per_row else (
                kind or "number")
            if row_kind == "number" and isinstance(cell.value, (int, float)) and float(
                    cell.value).is_integer():
                row_kind = "integer"  # 10, not 10,0
            if isinstance(cell.value, (int, float)) or row_kind == "month":
                cell.number_format = formats[row_kind]
    for row in sheet.bold_rows:  # frame row → sheet row (after the header)
        for cell in worksheet[row + 2]:
            cell.font = Font(bold=True)
    for row, count in enumerate(lines):
        if row >= 1 and count > 1:
            worksheet.row_dimensions[row].height = LINE_HEIGHT_PT * count
            for cell in worksheet[row]:  # a tall row reads from its top line
                cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top")
    worksheet.freeze_panes = worksheet.cell(row=2, column=sheet.label_columns + 1)
    if len(frame):
        worksheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_row}"
    worksheet.print_title_rows = "1:1"
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    note = frame.attrs.get("note")
    if note:
        worksheet.cell(row=last_row + 2, column=1, value=note).font = Font(italic=True)


def write_workbook(results: Results, path: str | Path | BinaryIO,
                   language: str | None = None) -> Path | BinaryIO:
    """Write the workbook of ``results`` to ``path`` (``.xlsx``, or a binary file object);
    return it."""
    language = language or current_language()
    target: Path | BinaryIO = path if not isinstance(path, (str, Path)) else Path(path)
    sheets = workbook_sheets(results, language)
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for sheet in sheets:
            name = message(f"workbook.sheet.{sheet.key}", language)
            sheet.frame.to_excel(writer, sheet_name=name, index=False)
            _style(writer.sheets[name], sheet, language)
        writer.book.properties.title = message("report.title", language,
                                               name=results.scenario.meta.name)
        writer.book.properties.creator = f"tierslieux_sim {__version__}"
    return target


def workbook_bytes(results: Results, language: str | None = None) -> bytes:
    """The workbook as the bytes of an ``.xlsx`` file (for a download button)."""
    buffer = io.BytesIO()
    write_workbook(results, buffer, language)
    return buffer.getvalue()
