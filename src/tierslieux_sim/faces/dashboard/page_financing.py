"""Dashboard page "Financement": who carries and who pays (owner, operator, VAT, funders),
the financing plan of the investment, the calendar of its grants, the funding rules
checked, and public money by funder, kind and per user, desk-day, job and inhabitant."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from tierslieux_sim.core.formatting import format_eur, format_month, format_percent
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.results import Results
from tierslieux_sim.engine.rules import RuleCheck
from tierslieux_sim.faces.dashboard.layout import charts_in_two_columns, narrow_screen_alternative
from tierslieux_sim.faces.dashboard.runs import run_current, validated_scenario
from tierslieux_sim.faces.dashboard.widgets import section_editor, table_editor
from tierslieux_sim.scenario.schema import Investment, PublicSupport, Scenario, Structure, section_label
from tierslieux_sim.views import plots_financing
from tierslieux_sim.views.budget import collectivity_budget_lines
from tierslieux_sim.views.financing_plan import financing_plan
from tierslieux_sim.views.public_money import (
    public_money_eur,
    public_money_reconciliation,
)
from tierslieux_sim.views.public_money import (
    public_money_table as public_money_means,
)

#: Cards of public money per unit: indicator → message id of its label.
RATIO_CARDS = {
    "public_money_per_inhabitant_per_year_eur": "ui.financing.per_inhabitant",
    "public_money_per_user_year_eur": "ui.financing.per_user_year",
    "public_money_per_desk_day_eur": "ui.financing.per_desk_day",
    "public_money_per_job_year_eur": "ui.financing.per_job_year",
}


def _editors(language: str) -> None:
    """Owner, operator, VAT, public support, grants and subsidies, editable here too."""
    data = st.session_state["data"]
    errors: list[str] = []
    with st.expander(message("ui.financing.edit", language), expanded=False):
        for model, path in ((Structure, "structure"), (PublicSupport, "public_support")):
            st.markdown(f"**{section_label(model, language)}**")
            errors += section_editor(model, path, data, language)
        errors += table_editor(Investment, "grants", "investment.grants", data, language)
        errors += table_editor(Scenario, "operating_subsidies", "operating_subsidies", data,
                               language)
    for error in errors:
        st.error(error)


def public_money_cards(results: Results, language: str) -> None:
    """Total public money, then per inhabitant, user-year, desk-day and job-year."""
    total = public_money_eur(results).to_numpy()
    cards: list[tuple[str, np.ndarray, int]] = [
        (message("ui.financing.total", language, years=results.horizon_years), total, 0)]
    for indicator, label_id in RATIO_CARDS.items():
        if indicator in results.indicators:
            values = results.indicators[indicator].to_numpy()
            values = values[np.isfinite(values)]
            if values.size:
                cards.append((message(label_id, language), values,
                              2 if indicator.endswith("desk_day_eur")
                              or "inhabitant" in indicator else 0))
    columns = st.columns(3)
    for index, (label, values, decimals) in enumerate(cards):
        with columns[index % 3]:
            st.metric(label, format_eur(float(np.median(values)), decimals, language),
                      border=True)
            st.caption(message("ui.financing.range", language,
                               p10=format_eur(float(np.quantile(values, 0.1)), decimals,
                                              language),
                               p90=format_eur(float(np.quantile(values, 0.9)), decimals,
                                              language)))
    if "public_money_per_inhabitant_per_year_eur" not in results.indicators:
        st.caption(message("ui.financing.no_population", language))


def _rule_value(check: RuleCheck, value: float, language: str) -> str:
    if not np.isfinite(value):
        return "–"
    if check.unit == "share":
        return format_percent(value, 0, language)
    return format_eur(value, 0, language)


def rule_status_text(check: RuleCheck, language: str) -> str:
    """``✅ respectée``, ``⚠️ non respectée dans 12 % des cas``, ``– sans objet``."""
    if check.status == "not_applicable":
        return message("ui.financing.rule_not_applicable", language)
    if check.status == "respected":
        return message("ui.financing.rule_respected", language)
    return message("ui.financing.rule_broken", language,
                   share=format_percent(check.broken_share,
                                        1 if 0 < check.broken_share < 0.1 else 0, language))


def rule_checks_table(results: Results, language: str) -> pd.DataFrame:
    """One row per funding rule: its text, status, central value and limit."""
    return pd.DataFrame({
        message("ui.financing.col.rule", language): [
            message(f"financing.rule.{check.code}", language) for check in results.rule_checks],
        message("ui.financing.col.status", language): [
            rule_status_text(check, language) for check in results.rule_checks],
        message("ui.financing.col.central", language): [
            _rule_value(check, check.central_value, language) for check in results.rule_checks],
        message("ui.financing.col.worst", language): [
            _rule_value(check, check.worst_value, language) for check in results.rule_checks],
        message("ui.financing.col.limit", language): [
            _rule_value(check, check.limit, language) for check in results.rule_checks],
    })


def _payment_text(row: pd.Series, opening: pd.Timestamp, language: str) -> str:
    def month(delay: float) -> str:
        return format_month((opening + pd.DateOffset(months=int(delay))).date(), language)

    if pd.isna(row["payment_delay_months"]):
        return ""
    if row["kind"] == "grant" and row["advance_share"] > 0:
        return message("ui.financing.advance_then_balance", language,
                       share=format_percent(row["advance_share"], 0, language),
                       advance=month(row["advance_delay_months"]),
                       balance=month(row["payment_delay_months"]))
    return month(row["payment_delay_months"])


def financing_plan_table(results: Results, language: str) -> tuple[pd.DataFrame, str]:
    """The financing plan of the initial investment as shown, and a caption on its cost."""
    plan = financing_plan(results)
    opening = pd.Timestamp(results.scenario.simulation.opening_month + "-01")
    names = []
    for line, row in plan.iterrows():
        if row["kind"] == "grant":
            names.append(str(line))
        else:
            names.append(message(f"financing.plan.{row['kind']}", language))
    funder = [plots_financing.funder_label(value, language) if isinstance(value, str) else ""
              for value in plan["funder"]]
    table = pd.DataFrame({
        message("ui.financing.col.resource", language): names,
        message("ui.financing.col.funder", language): funder,
        message("ui.financing.col.probability", language): [
            format_percent(p, 0, language) if pd.notna(p) else "" for p in
            plan["award_probability"]],
        message("ui.financing.col.amount", language): [
            format_eur(v, 0, language) for v in plan["amount_eur"]],
        message("ui.financing.col.share", language): [
            format_percent(v, 0, language) for v in plan["share_of_cost"]],
        message("ui.financing.col.expected", language): [
            format_eur(v, 0, language) for v in plan["expected_eur"]],
        message("ui.financing.col.payment", language): [
            _payment_text(row, opening, language) for _, row in plan.iterrows()],
    })
    caption = message("ui.financing.plan_caption", language,
                      cost=format_eur(plan.attrs["cost_eur"], 0, language),
                      vat=format_eur(plan.attrs["vat_borne_eur"], 0, language))
    return table, caption


def table_as_items(table: pd.DataFrame, omit: str = "") -> list[str]:
    """The rows of a table as sentences for a narrow screen, where its columns do not fit:
    ``**DETR** — Financeur : État · Probabilité : 80 % · …`` (empty cells, and cells reading
    ``omit`` such as ``0 €``, left out)."""
    first, *others = list(table.columns)
    items = []
    for _, row in table.iterrows():
        cells = [f"{column} : {row[column]}" for column in others
                 if str(row[column]).strip() and str(row[column]) != omit]
        items.append(f"**{row[first]}** — " + " · ".join(cells) if cells else f"**{row[first]}**")
    return items


def table_or_sentences(table: pd.DataFrame, key: str, omit: str = "") -> None:
    """``table`` on a wide screen (without its index when it is a plain range; else the
    index is its first column) and, on a phone, its rows as sentences
    (:func:`table_as_items`, cells reading ``omit`` left out)."""
    plain_index = isinstance(table.index, pd.RangeIndex)
    rows = table if plain_index else table.reset_index()
    narrow_screen_alternative(
        lambda: st.table(table, hide_index=True) if plain_index else st.table(table),
        lambda: st.markdown("\n".join(f"- {item}" for item in table_as_items(rows, omit))),
        key)


def public_money_table(results: Results, language: str) -> pd.DataFrame:
    """Mean public money by funder (rows) and kind (columns), formatted."""
    table = public_money_means(results)
    formatted = table.map(lambda v: format_eur(v, 0, language))
    formatted.index = [message("ui.financing.total_row", language) if funder == "total"
                       else plots_financing.funder_label(funder, language)
                       for funder in table.index]
    formatted.columns = [message("ui.financing.total_row", language) if kind == "total"
                         else plots_financing.kind_label(kind, language)
                         for kind in table.columns]
    return formatted


def collectivity_budget_table(results: Results, language: str, statistic: str = "central"
                              ) -> pd.DataFrame:
    """The collectivity's budget line by line (rows, in words, grouped by section) and budget
    year (columns), central case or mean, formatted [€, costs positive, receipts negative]."""
    table = collectivity_budget_lines(results, statistic)
    table = table.sort_values("section", key=lambda section: section != "investment",
                              kind="stable")
    formatted = table.drop(columns="section").map(lambda v: format_eur(v, 0, language))
    formatted.insert(0, message("ui.financing.section", language), [
        message(f"workbook.budget_section.{section}", language) for section in table.section])
    formatted.index = [message(f"workbook.budget_line.{line}", language) for line in table.index]
    formatted.columns = [str(column) for column in formatted.columns]
    return formatted


def budget_by_year(budget: pd.DataFrame, language: str) -> pd.DataFrame:
    """:func:`collectivity_budget_table` turned for the screen: one row per budget year, one
    column per line, investment lines first (a table of eleven year columns did not fit a
    1440 px screen; each line names its M57 chapter, hence its section)."""
    by_year = budget.drop(columns=message("ui.financing.section", language)).T
    by_year.index.name = message("headline.col_year", language)
    return by_year


def reconciliation_table(results: Results, language: str) -> pd.DataFrame:
    """Public money granted against paid within the horizon (mean over draws), formatted."""
    table = public_money_reconciliation(results)
    formatted = table.map(lambda v: format_eur(v, 0, language))
    formatted.index = [plots_financing.kind_label(kind, language) for kind in table.index]
    formatted.columns = [message(f"workbook.col.{name.removesuffix('_eur')}", language)
                         for name in table.columns]
    return formatted


def page_financing(draws: int, seed: int, language: str) -> Scenario:
    _editors(language)
    scenario = validated_scenario(language)
    results = run_current(scenario, draws, seed, language)

    st.subheader(message("ui.financing.public_money", language))
    public_money_cards(results, language)

    st.subheader(message("ui.financing.rules", language))
    for notice in results.notices:
        if notice.code.startswith("rule_"):
            st.warning(notice.text(language))
    table_or_sentences(rule_checks_table(results, language), "tl_rules")

    st.subheader(message("ui.financing.collectivity_budget", language))
    choice = st.radio(message("ui.financing.statistic", language), ["central", "mean"],
                      horizontal=True, key="budget_statistic",
                      format_func=lambda option: message(f"workbook.budget_statistic.{option}",
                                                         language))
    budget = collectivity_budget_table(results, language, choice)
    table_or_sentences(budget_by_year(budget, language), "tl_budget",
                       omit=format_eur(0.0, 0, language))
    st.caption(message("headline.definition_net_cost", language))
    st.table(reconciliation_table(results, language))
    st.caption(message("ui.financing.reconciliation_caption", language))

    st.subheader(message("ui.financing.plan", language))
    plan, caption = financing_plan_table(results, language)
    table_or_sentences(plan, "tl_plan")
    st.caption(caption)

    charts_in_two_columns([
        (plots_financing.grants_timeline_chart(results, language=language),
         plots_financing.reading_grants_timeline(results, language=language),
         "chart:grants_timeline"),
        (plots_financing.public_money_by_funder_chart(results, language=language),
         plots_financing.reading_public_money_by_funder(results, language=language),
         "chart:public_money_by_funder"),
    ])
    with st.expander(message("ui.financing.by_funder_and_kind", language), expanded=False):
        table_or_sentences(public_money_table(results, language), "tl_by_funder",
                           omit=format_eur(0.0, 0, language))
        volunteer = results.indicators.get("volunteer_time_eur")
        if volunteer is not None and float(volunteer.max()) > 0:
            st.caption(message("ui.financing.volunteer", language,
                               value=format_eur(float(volunteer.mean()), 0, language),
                               years=results.horizon_years))
    return scenario
