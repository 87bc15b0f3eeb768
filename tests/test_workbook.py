"""The Excel workbook: every sheet reloads with openpyxl and its figures equal the Results
they come from (computed here independently from the per-draw dataset), identities hold,
number formats, frozen headers and widths are set, French by default and English."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

import tierslieux_sim as tl
from conftest import SEED
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.outputs import indicator_label
from tierslieux_sim.faces import workbook
from tierslieux_sim.faces.cli.main import main
from tierslieux_sim.faces.workbook import (
    ACCOUNT_LINES,
    DETAIL_LINES,
    SHEET_YEARS,
    SHEETS,
    write_workbook,
)
from tierslieux_sim.scenario.paths import uncertain_leaves
from tierslieux_sim.views.financing_plan import financing_plan
from tierslieux_sim.views.public_money import public_money_eur, public_money_summary, public_money_table


def _sheet_name(key: str, language: str = "fr") -> str:
    return message(f"workbook.sheet.{key}", language)


def _table(book, key: str, language: str = "fr") -> pd.DataFrame:
    """A sheet's table as a DataFrame (first row = headers; on a sheet with years, down to the
    first empty row: the note on its years follows), values as stored in the file."""
    rows = list(book[_sheet_name(key, language)].iter_rows(values_only=True))
    end = next((index for index, row in enumerate(rows) if all(v is None for v in row)),
               len(rows)) if key in SHEET_YEARS else len(rows)
    return pd.DataFrame(rows[1:end], columns=rows[0])


def _col(key: str, language: str = "fr") -> str:
    return message(f"workbook.col.{key}", language)


@pytest.fixture(scope="module")
def rich_book(rich_run, tmp_path_factory):
    path = write_workbook(rich_run, tmp_path_factory.mktemp("wb") / "classeur.xlsx")
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def english_book(default_run, tmp_path_factory):
    path = write_workbook(default_run, tmp_path_factory.mktemp("wb") / "book.xlsx", "en")
    return openpyxl.load_workbook(path)


def _per_draw_yearly(run, variable: str, how: str, central: bool = False) -> np.ndarray:
    """Yearly values of an account line from the monthly data (the run's central case with
    ``central``), the self-financing ratio as own revenue ÷ operating costs."""
    data = run.central if central else run.dataset
    if variable == "self_financing_ratio":
        return (_yearly(data["own_revenue_eur"].to_numpy(), "sum")
                / _yearly(data["operating_costs_eur"].to_numpy(), "sum"))
    return _yearly(data[variable].to_numpy(), how)


def _yearly(values: np.ndarray, how: str) -> np.ndarray:
    """(…, months) → (…, years), written out independently of the module."""
    years = values.shape[-1] // 12
    out = np.empty((*values.shape[:-1], years))
    for year in range(years):
        block = values[..., 12 * year:12 * (year + 1)]
        out[..., year] = {"sum": block.sum(axis=-1), "mean": block.mean(axis=-1),
                          "end": block[..., -1]}[how]
    return out


def test_sheets_in_order_in_french_and_english(rich_book, english_book):
    assert rich_book.sheetnames == [_sheet_name(key) for key in SHEETS]
    assert english_book.sheetnames == [_sheet_name(key, "en") for key in SHEETS]
    # the collectivity's cost per budget year is the first data sheet after the read-me
    assert rich_book.sheetnames[:6] == [
        "Lisez-moi", "Coût collectivité par année", "Budget de la collectivité",
        "Argent public accordé-versé", "Autonomie du gestionnaire", "Hypothèses"]
    assert english_book.sheetnames[:6] == [
        "Read me", "Collectivity cost by year", "Collectivity budget",
        "Public money granted-paid", "Operator autonomy", "Assumptions"]
    assert all(len(name) <= 31 for name in rich_book.sheetnames + english_book.sheetnames)


def test_yearly_accounts_equal_the_results(rich_run, rich_book):
    table = _table(rich_book, "yearly_accounts")
    horizon = rich_run.horizon_years
    assert len(table) == horizon * len(ACCOUNT_LINES)
    for variable, (how, _kind) in ACCOUNT_LINES.items():
        rows = table[table[_col("code")] == variable].sort_values(_col("year"))
        assert rows[_col("year")].tolist() == list(range(1, horizon + 1))
        per_draw = _per_draw_yearly(rich_run, variable, how)
        central = _per_draw_yearly(rich_run, variable, how, central=True)
        for column, expected in (("P10", np.quantile(per_draw, 0.1, axis=0)),
                                 ("P50", np.quantile(per_draw, 0.5, axis=0)),
                                 ("P90", np.quantile(per_draw, 0.9, axis=0)),
                                 (_col("mean"), per_draw.mean(axis=0)),
                                 (_col("central"), central)):
            assert rows[column].to_numpy(dtype=float) == pytest.approx(
                expected, rel=1e-9, abs=1e-6), (variable, column)


def test_yearly_accounts_identities(rich_book):
    """Central case and means add up like accounts (percentiles need not)."""
    table = _table(rich_book, "yearly_accounts")
    for column in (_col("central"), _col("mean")):
        wide = table.pivot(index=_col("year"), columns=_col("code"), values=column)
        assert (wide["own_revenue_eur"] + wide["donations_eur"] + wide["subsidies_eur"]
                - wide["operating_costs_eur"]).to_numpy() == pytest.approx(
            wide["ebitda_eur"].to_numpy(), abs=1e-6)
        # the collectivity owns the investment: the operator's result is its EBITDA plus
        # the balancing subsidy (depreciation and interest are the owner's)
        assert (wide["ebitda_eur"] + wide["balancing_subsidy_eur"]
                ).to_numpy() == pytest.approx(wide["net_result_eur"].to_numpy(), abs=1e-6)
    # the rich scenario exercises the loan lines: they are not all zero
    assert table.loc[table[_col("code")] == "loan_disbursed_eur", _col("central")].sum() > 0


def test_central_accounts_detail_adds_up_and_equals_the_central_case(rich_run, rich_book):
    table = _table(rich_book, "central_accounts")
    years = [message("workbook.col.year_n", "fr", year=y)
             for y in range(1, rich_run.horizon_years + 1)]
    codes = table[_col("code")].tolist()
    for variable, (how, _kind) in ACCOUNT_LINES.items():
        row = table[table[_col("code")] == variable].iloc[0]
        expected = _per_draw_yearly(rich_run, variable, how, central=True)
        assert row[years].to_numpy(dtype=float) == pytest.approx(expected, abs=1e-6)
        if how == "sum":
            assert row[_col("total")] == pytest.approx(expected.sum(), abs=1e-6)
        else:
            assert pd.isna(row[_col("total")])  # no total for a level or a stock
    for detail, total in DETAIL_LINES.items():
        details = table[[code.startswith(f"{detail}[") for code in codes]]
        names = rich_run.central[detail][[d for d in rich_run.central[detail].dims
                                          if d != "month"][0]].to_numpy()
        assert len(details) == len(names)
        total_row = table[table[_col("code")] == total].iloc[0]
        assert details[years].to_numpy(dtype=float).sum(axis=0) == pytest.approx(
            total_row[years].to_numpy(dtype=float), abs=1e-6)


def test_monthly_cash_quantiles(rich_run, rich_book):
    table = _table(rich_book, "monthly_cash")
    cash = rich_run.dataset["cash_eur"].to_numpy()
    assert len(table) == rich_run.horizon_years * 12
    months = pd.to_datetime(rich_run.central["month"].to_numpy())
    assert table[_col("month")].tolist() == [datetime(m.year, m.month, 1) for m in months]
    for column, q in (("P10", 0.1), ("P50", 0.5), ("P90", 0.9)):
        assert table[column].to_numpy(dtype=float) == pytest.approx(
            np.quantile(cash, q, axis=0), rel=1e-9, abs=1e-6)
    assert table[_col("central")].to_numpy(dtype=float) == pytest.approx(
        rich_run.central["cash_eur"].to_numpy(), abs=1e-6)
    assert table[_col("negative_cash_probability")].to_numpy(dtype=float) == pytest.approx(
        (cash < 0).mean(axis=0))
    assert table[_col("mean")].to_numpy(dtype=float) == pytest.approx(cash.mean(axis=0))


def test_financing_plan_equals_the_results_and_adds_up(rich_run, rich_book):
    plan = financing_plan(rich_run)
    table = _table(rich_book, "financing_plan")
    resources = table.iloc[:len(plan)]
    assert resources[_col("amount")].to_numpy(dtype=float) == pytest.approx(
        plan["amount_eur"].to_numpy())
    assert resources[_col("expected")].to_numpy(dtype=float) == pytest.approx(
        plan["expected_eur"].to_numpy())
    total = table.iloc[len(plan)]
    assert total[_col("resource")] == message("workbook.total_cost", "fr")
    assert total[_col("amount")] == pytest.approx(plan.attrs["cost_eur"])
    assert resources[_col("amount")].sum() == pytest.approx(total[_col("amount")])
    assert resources[_col("share_of_cost")].sum() == pytest.approx(1.0)
    grants = [name for name, kind in plan["kind"].items() if kind == "grant"]
    assert resources[_col("resource")].tolist()[:len(grants)] == grants
    assert table.iloc[len(plan) + 1][_col("amount")] == pytest.approx(
        plan.attrs["cost_excluding_vat_eur"])


def test_indicators_sheet_has_every_summary_row(rich_run, rich_book):
    summary = rich_run.summary()
    table = _table(rich_book, "indicators")
    assert len(table) == len(summary)
    assert table[_col("code")].tolist() == summary["indicator"].tolist()
    never = message("analysis.never", "fr")
    for (_, expected), (_, row) in zip(summary.iterrows(), table.iterrows(), strict=True):
        if math.isfinite(expected["value"]):
            assert row[_col("value")] == pytest.approx(expected["value"], rel=1e-12, abs=1e-9)
        else:
            assert row[_col("value")] == never
        if math.isfinite(expected["mc_standard_error"]):
            assert row[_col("mc_standard_error")] == pytest.approx(
                expected["mc_standard_error"])
    # every indicator carries a label in words, not its code
    for code, label in zip(table[_col("code")], table[_col("indicator")], strict=True):
        assert label == indicator_label(code, "fr")
        assert label != code, code


def test_public_money_sheets(rich_run, rich_book):
    table = _table(rich_book, "public_money")
    expected = public_money_table(rich_run)
    assert table.iloc[:, 1:].to_numpy(dtype=float) == pytest.approx(expected.to_numpy())
    assert table.iloc[-1, -1] == pytest.approx(public_money_eur(rich_run).mean())
    draws = _table(rich_book, "public_money_draws")
    summary = public_money_summary(rich_run)
    assert draws[_col("code")].tolist() == summary.index.tolist()
    assert draws["P90"].to_numpy(dtype=float) == pytest.approx(summary["p90"].to_numpy())


def test_rules_sheet(rich_run, rich_book):
    table = _table(rich_book, "rules")
    assert table[_col("code")].tolist() == [check.code for check in rich_run.rule_checks]
    for check, (_, row) in zip(rich_run.rule_checks, table.iterrows(), strict=True):
        assert row[_col("status")] == message(f"report.rule_status.{check.status}", "fr")
        assert row[_col("broken_share")] == pytest.approx(check.broken_share)
        assert row[_col("limit")] == pytest.approx(check.limit, nan_ok=True) or (
            math.isnan(check.limit) and pd.isna(row[_col("limit")]))  # no limit: empty cell


def test_warnings_sheet_lists_every_notice(default, tmp_path):
    with pytest.warns(tl.TiersLieuxWarning):
        results = tl.simulate(default, draws=256, seed=SEED, sampling="sobol")
    assert results.notices
    book = openpyxl.load_workbook(write_workbook(results, tmp_path / "w.xlsx"))
    table = _table(book, "warnings")
    assert table[_col("warning")].tolist() == [notice.text("fr") for notice in results.notices]


def test_no_warning_says_so(rich_run, rich_book):
    if rich_run.notices:
        pytest.skip("this run has notices")
    table = _table(rich_book, "warnings")
    assert table[_col("warning")].tolist() == [message("workbook.no_warning", "fr")]


def test_draws_sheet_equals_the_indicators(rich_run, rich_book):
    table = _table(rich_book, "draws")
    assert len(table) == rich_run.draws
    for column in ("balancing_subsidy_eur", "min_cash_eur", "public_money_eur"):
        assert table[column].to_numpy(dtype=float) == pytest.approx(
            rich_run.indicators[column].to_numpy())


def test_draws_sheet_is_truncated_with_a_note(default_run, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_DRAWS_SHEET", 100)
    book = openpyxl.load_workbook(write_workbook(default_run, tmp_path / "w.xlsx"))
    sheet = book[_sheet_name("draws")]
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[:100] == list(range(100))
    note = message("workbook.draws_truncated", "fr", shown=100, draws=default_run.draws)
    assert note in values


def test_assumptions_list_every_value_with_its_law(rich_run, rich_book):
    table = _table(rich_book, "assumptions").set_index(_col("key"))
    for path, law in uncertain_leaves(rich_run.scenario).items():
        row = table.loc[path]
        assert row[_col("median")] == pytest.approx(float(law.median()))
        if law.dist in ("pert", "triangular"):
            assert (row["Min"], row[_col("probable")], row["Max"]) == pytest.approx(
                (law.min, law.mode, law.max))
        assert row[_col("law")].startswith(law.dist)
    assert table.loc["site.surface_m2", _col("fixed_value")] == rich_run.scenario.site.surface_m2
    assert table.loc["site.surface_m2", _col("unit")] == "m²"
    assert not any(key.startswith("meta.") for key in table.index)


def test_assumptions_carry_the_sources_of_the_scenario_file(default_run, tmp_path):
    book = openpyxl.load_workbook(write_workbook(default_run, tmp_path / "w.xlsx"))
    table = _table(book, "assumptions").set_index(_col("key"))
    assert "DARES" in table.loc["site.peak_to_mean_ratio", _col("source")]
    sourced = table[_col("source")].fillna("").astype(bool).mean()
    assert sourced > 0.2, f"only {sourced:.0%} of the default's values carry a source"


def test_readme_has_the_run_facts(rich_run, rich_book):
    table = _table(rich_book, "readme")
    facts = dict(zip(table[_col("item")], table[_col("content")], strict=True))
    assert facts[message("workbook.fact.scenario", "fr")] == rich_run.scenario.meta.name
    assert facts[message("workbook.fact.seed", "fr")] == str(rich_run.seed)
    assert facts[message("workbook.fact.hash", "fr")] == rich_run.scenario_hash()
    assert message("workbook.about.summary_mode.title", "fr") not in facts
    for key in SHEETS[1:]:
        assert facts[_sheet_name(key)] == message(f"workbook.about_sheet.{key}", "fr")


def test_formats_frozen_headers_and_widths(rich_book, english_book):
    sheet = rich_book[_sheet_name("yearly_accounts")]
    assert sheet.freeze_panes == "D2"
    assert sheet["A1"].font.bold and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.print_title_rows == "$1:$1"
    assert all(sheet.column_dimensions[letter].width >= 8 for letter in "ABCDEFGHI")
    codes = [cell.value for cell in sheet["I"][1:]]
    formats = {code: cell.number_format for code, cell in zip(codes, sheet["E"][1:],
                                                              strict=True)}
    assert formats["own_revenue_eur"] == '#,##0\\ "€"'
    assert formats["occupancy_rate"] == "0.0\\ %"
    cash = rich_book[_sheet_name("monthly_cash")]
    assert cash.freeze_panes == "B2"
    assert "mmm" in cash["A2"].number_format and "40C" in cash["A2"].number_format
    assert cash["F2"].number_format.endswith("%")
    english = english_book[_sheet_name("yearly_accounts", "en")]
    assert english["E4"].number_format == '"€"#,##0'
    assert english["A1"].value == "Year of operation" and english["D1"].value == "Central case"
    # long texts wrap, with a row height tall enough for them
    readme = rich_book[_sheet_name("readme")]
    wrapped = [row for row in range(2, readme.max_row + 1)
               if readme.cell(row=row, column=2).alignment.wrap_text]
    assert wrapped and all(readme.row_dimensions[row].height for row in wrapped
                           if len(str(readme.cell(row=row, column=2).value)) > 80)


def test_summary_mode_gives_means_and_says_why(default, tmp_path):
    results = tl.simulate(default, draws=300, seed=SEED, keep="summary")
    book = openpyxl.load_workbook(write_workbook(results, tmp_path / "w.xlsx"))
    table = _table(book, "yearly_accounts")
    kept = table[_col("code")].isin(list(workbook.YEARLY_INDICATORS))
    assert table.loc[~kept, "P50"].isna().all()
    rows = table[table[_col("code")] == "own_revenue_eur"]
    expected = _yearly(results.monthly_mean["own_revenue_eur"].to_numpy(), "sum")
    assert rows[_col("mean")].to_numpy(dtype=float) == pytest.approx(expected)
    # the yearly indicators are kept per draw in summary mode: their percentiles are there
    subsidy = table[table[_col("code")] == "balancing_subsidy_eur"]
    assert subsidy["P90"].to_numpy(dtype=float) == pytest.approx(
        [np.quantile(results.indicators[f"balancing_subsidy_year_{year}_eur"], 0.9)
         for year in range(1, 11)])
    facts = _table(book, "readme")[_col("item")].tolist()
    assert message("workbook.about.summary_mode.title", "fr") in facts


def test_to_file_and_cli_write_the_workbook(tmp_path, capsys):
    target = tmp_path / "resultats.xlsx"
    assert main(["run", "--draws", "120", "--seed", "5", "--out", str(target)]) == 0
    assert openpyxl.load_workbook(target).sheetnames == [_sheet_name(k) for k in SHEETS]
    report = tmp_path / "rapport.xlsx"
    assert main(["--lang", "en", "report", "--draws", "120", "--seed", "5", "-o",
                 str(report)]) == 0
    assert openpyxl.load_workbook(report).sheetnames == [_sheet_name(k, "en") for k in SHEETS]
    assert "rapport.xlsx" in capsys.readouterr().out


def test_workbook_bytes_is_the_same_workbook(default_run):
    import io

    book = openpyxl.load_workbook(io.BytesIO(workbook.workbook_bytes(default_run, "en")))
    assert book.sheetnames == [_sheet_name(key, "en") for key in SHEETS]
    table = _table(book, "draws", "en")
    assert table["balancing_subsidy_eur"].to_numpy(dtype=float) == pytest.approx(
        default_run.indicators["balancing_subsidy_eur"].to_numpy())


def test_write_report_writes_the_workbook_for_xlsx(default_run, tmp_path):
    from tierslieux_sim.faces.report import write_report

    path = write_report(default_run, tmp_path / "rapport.xlsx", "en")
    assert openpyxl.load_workbook(path).sheetnames == [_sheet_name(k, "en") for k in SHEETS]


def test_whole_numbers_show_no_decimals_and_tall_rows_read_from_the_top(rich_book):
    sheet = rich_book[_sheet_name("assumptions")]
    keys = {sheet.cell(row=row, column=11).value: row for row in range(2, sheet.max_row + 1)}
    horizon = sheet.cell(row=keys["simulation.horizon_years"], column=4)
    assert horizon.value == 10 and horizon.number_format == "#,##0"
    tall = [row for row in range(2, sheet.max_row + 1) if sheet.row_dimensions[row].height]
    assert tall and all(sheet.cell(row=row, column=1).alignment.vertical == "top"
                        for row in tall)


def test_english_assumptions_show_english_units(english_book):
    table = _table(english_book, "assumptions", "en").set_index(_col("key", "en"))
    assert table.loc["site.open_days_per_month", _col("unit", "en")] == "days/month"


# --- the collectivity's cost and budget, per budget (calendar) year --------------------------

def _calendar_years(run) -> dict[int, list[int]]:
    """Budget year → indices of its months within the horizon, from the month coordinate."""
    years: dict[int, list[int]] = {}
    for index, month in enumerate(pd.to_datetime(run.central["month"].to_numpy())):
        years.setdefault(month.year, []).append(index)
    return years


SECTION_STEMS = {"investment": "net_cost_investment", "operating": "net_cost_operating",
                 "net": "net_cost"}


def test_collectivity_cost_sheet_equals_the_indicators(rich_run, rich_book):
    """Investment, operating and net cost per budget year: P10/P50/P80/P90, mean and central
    case of the per-draw indicators; then over the horizon and its present value."""
    table = _table(rich_book, "collectivity_cost")
    assert table.columns[0] == "Année budgétaire (civile)"
    years = _calendar_years(rich_run)
    assert list(years) == list(range(2027, 2038))
    labels = {section: message(f"workbook.cost_section.{section}", "fr")
              for section in SECTION_STEMS}
    expected_rows = [(year, len(months), section) for year, months in years.items()
                     for section in SECTION_STEMS]
    body = table.iloc[:len(expected_rows)]
    assert list(zip(body.iloc[:, 0], body.iloc[:, 1], body[_col("cost_section")],
                    strict=True)) == [(y, m, labels[s]) for y, m, s in expected_rows]
    assert [m for _, m, s in expected_rows if s == "net"][:1] == [4]  # Sept.–Dec. 2027
    indicators, central = rich_run.indicators, rich_run.central_indicators
    names = [f"{SECTION_STEMS[s]}_{y}_eur" for y, _, s in expected_rows]
    horizon = message("workbook.over_horizon", "fr", years=10)
    names += ["net_cost_investment_eur", "net_cost_operating_eur", "net_cost_eur",
              "net_cost_pv_eur"]
    assert len(table) == len(names)
    assert (table.iloc[len(expected_rows):, 0] == horizon).all()
    for (_, row), name in zip(table.iterrows(), names, strict=True):
        values = indicators[name].to_numpy()
        for column, q in (("P10", 0.1), ("P50", 0.5), ("P80", 0.8), ("P90", 0.9)):
            assert row[column] == pytest.approx(np.quantile(values, q), abs=1e-6), name
        assert row[_col("mean")] == pytest.approx(values.mean(), abs=1e-6)
        assert row[_col("central")] == pytest.approx(central[name], abs=1e-6)
        assert row[_col("code")] == name
    # investment and operating add up to the net cost in every draw: so do their means
    wide = table.iloc[:len(expected_rows)].pivot(index=table.columns[0],
                                                 columns=_col("code"), values=_col("mean"))
    for year in years:
        assert wide[f"net_cost_investment_{year}_eur"][year] + wide[
            f"net_cost_operating_{year}_eur"][year] == pytest.approx(
            wide[f"net_cost_{year}_eur"][year], abs=1e-6)
    assert rich_book[_sheet_name("collectivity_cost")]["D2"].number_format == '#,##0\\ "€"'


def _budget_by_year(monthly: np.ndarray, years: dict[int, list[int]]) -> np.ndarray:
    """(months,) → (budget years,): a plain loop over each year's months."""
    return np.array([sum(monthly[index] for index in months) for months in years.values()])


@pytest.fixture(scope="module")
def rich_english_book(rich_run, tmp_path_factory):
    path = write_workbook(rich_run, tmp_path_factory.mktemp("wb") / "rich.xlsx", "en")
    return openpyxl.load_workbook(path)


def test_collectivity_budget_sheet_line_by_line(rich_run, rich_book, rich_english_book):
    """Each budget line of the central case and of the mean over draws, summed by calendar
    year from the monthly data; the sections' totals and the net cost equal the per-draw
    indicators (central case, mean); French labels, never the line codes."""
    from tierslieux_sim.model.parties import BUDGET_LINES

    table = _table(rich_book, "collectivity_budget")
    years = _calendar_years(rich_run)
    year_columns = [str(y) if len(m) == 12 else f"{y} ({len(m)} mois)"
                    for y, m in years.items()]
    assert list(table.columns[3:3 + len(years)]) == year_columns
    assert year_columns[0] == "2027 (4 mois)" and year_columns[-1] == "2037 (8 mois)"
    for statistic, source in (("central", rich_run.central), ("mean", rich_run.monthly_mean)):
        block = table[table[_col("statistic")]
                      == message(f"workbook.budget_statistic.{statistic}", "fr")]
        lines = source["collectivity_budget_eur"]
        present = [str(code) for code in lines["budget_line"].to_numpy()]
        assert {"works_and_equipment_paid", "loan_drawn", "interest_paid",
                "rent_received"} <= set(present)  # the rich case has a loan
        for code in present:
            row = block[block[_col("code")] == code].iloc[0]
            expected = _budget_by_year(lines.sel(budget_line=code).to_numpy(), years)
            assert row[year_columns].to_numpy(dtype=float) == pytest.approx(expected, abs=1e-6)
            assert row[_col("total")] == pytest.approx(expected.sum(), abs=1e-6)
            assert row[_col("line")] == message(f"workbook.budget_line.{code}", "fr") != code
            assert row[_col("section")] == message(
                f"workbook.budget_section.{BUDGET_LINES[code]}", "fr")
        assert "(chap. 16)" in block.loc[block[_col("code")] == "loan_drawn", _col("line")].iloc[0]
        totals = {code: block[block[_col("code")] == code].iloc[0][year_columns]
                  .to_numpy(dtype=float)
                  for code in ("total_investment", "total_operating", "net_cost")}
        for key, stem in (("total_investment", "net_cost_investment"),
                          ("total_operating", "net_cost_operating"), ("net_cost", "net_cost")):
            names = [f"{stem}_{year}_eur" for year in years]
            expected = (rich_run.central_indicators[names].to_numpy(dtype=float)
                        if statistic == "central"
                        else rich_run.indicators[names].mean().to_numpy())
            assert totals[key] == pytest.approx(expected, abs=1e-6), (statistic, key)
    # no raw code in the labels, in French or in English
    english = _table(rich_english_book, "collectivity_budget", "en")
    for code in BUDGET_LINES:
        assert code not in set(table[_col("line")]) | set(english[_col("line", "en")])
    assert "Investment section" in set(english[_col("section", "en")])
    sheet = rich_book[_sheet_name("collectivity_budget")]
    titles = [row for row in range(2, sheet.max_row + 1)
              if sheet.cell(row=row, column=3).value == "SECTION D'INVESTISSEMENT"]
    assert len(titles) == 2 and all(sheet.cell(row=row, column=3).font.bold for row in titles)


def test_reconciliation_of_public_money(rich_run, rich_book):
    table = _table(rich_book, "reconciliation").set_index(_col("code"))
    indicators = rich_run.indicators
    for kind, granted, paid in (
            ("investment_grants", "investment_grants_awarded_eur", "investment_grants_paid_eur"),
            ("operating_subsidies", "operating_subsidies_granted_eur",
             "operating_subsidies_paid_eur"),
            ("balancing_subsidy", "balancing_subsidy_voted_eur", "balancing_subsidy_eur")):
        row = table.loc[kind]
        assert row[_col("kind")] == message(f"financing.kind.{kind}", "fr")
        assert row[_col("granted")] == pytest.approx(indicators[granted].mean())
        assert row[_col("paid_within_horizon")] == pytest.approx(indicators[paid].mean())
        assert row[_col("beyond_horizon")] == pytest.approx(
            indicators[granted].mean() - indicators[paid].mean(), abs=1e-6)
    total = table.loc["total"]
    assert total[_col("granted")] == pytest.approx(table[_col("granted")].iloc[:-1].sum())


def test_autonomy_on_both_definitions(rich_run, rich_book):
    table = _table(rich_book, "autonomy")
    assert table.columns[0] == "Année d'exploitation"
    assert table[_col("year")].tolist() == list(range(1, 11))
    for column, indicator in (("autonomy_operating", "autonomy_month"),
                              ("autonomy_full_cost", "full_cost_autonomy_month")):
        months = np.nan_to_num(rich_run.indicators[indicator].to_numpy(), nan=np.inf)
        expected = [(months <= 12 * year).mean() for year in range(1, 11)]
        assert table[_col(column)].to_numpy(dtype=float) == pytest.approx(expected)
    # full cost includes more costs: never more often autonomous
    assert (table[_col("autonomy_full_cost")] <= table[_col("autonomy_operating")]).all()
    assert table[_col("period")].iloc[0] == "sept. 2027 – août 2028"
    assert rich_book[_sheet_name("autonomy")]["C2"].number_format == "0.0\\ %"


def test_every_sheet_says_what_its_years_are(rich_book, english_book):
    for book, language in ((rich_book, "fr"), (english_book, "en")):
        for key in SHEETS:
            column_a = [row[0] for row in book[_sheet_name(key, language)].iter_rows(
                values_only=True)]
            notes = {kind: message(f"workbook.years_note.{kind}", language)
                     for kind in ("budget", "operation")}
            if key in SHEET_YEARS:
                assert notes[SHEET_YEARS[key]] in column_a, (key, language)
            else:
                assert not set(notes.values()) & set(column_a), key
    assert set(SHEET_YEARS) == {"collectivity_cost", "collectivity_budget", "autonomy",
                                "yearly_accounts", "central_accounts"}
    central = _table(rich_book, "central_accounts")
    assert "Année d'exploitation 1" in central.columns
    assert _table(english_book, "collectivity_cost", "en").columns[0] == "Budget (calendar) year"


def test_collectivity_sheets_in_summary_mode(default, tmp_path):
    results = tl.simulate(default, draws=300, seed=SEED, keep="summary")
    book = openpyxl.load_workbook(write_workbook(results, tmp_path / "w.xlsx"))
    cost = _table(book, "collectivity_cost")
    row = cost[cost[_col("code")] == "net_cost_2028_eur"].iloc[0]
    assert row["P80"] == pytest.approx(np.quantile(results.indicators["net_cost_2028_eur"], 0.8))
    budget = _table(book, "collectivity_budget")
    mean = budget[budget[_col("statistic")] == message("workbook.budget_statistic.mean", "fr")]
    net = mean[mean[_col("code")] == "net_cost"].iloc[0]
    assert net["2028"] == pytest.approx(results.indicators["net_cost_2028_eur"].mean(), abs=1e-6)
