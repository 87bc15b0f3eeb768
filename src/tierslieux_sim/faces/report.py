"""A self-contained report of a run (HTML, or PDF printed by headless chromium): a one-page
note for the council (the collectivity's net cost per budget year, who pays, autonomy, the
pinned variants, the conditions that decide the result and a proposed deliberation), summary of
the charts' readings, hypotheses, charts, financing plan and funding rules, territory impacts,
risks and main drivers (a central-case tornado of the collectivity's net cost) and a method
appendix with the run facts and the definitions. French by default; no network reference
(Plotly's JavaScript is embedded once); charts and tables read in black and white print
(hatching, dashes, grey levels; words, not colours, in tables)."""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.offline
from pydantic import BaseModel

from tierslieux_sim import __version__
from tierslieux_sim.analysis.sensitivity import Tornado, sensitivity, swing_inputs
from tierslieux_sim.core.formatting import (
    format_eur,
    format_number,
    format_percent,
    keep_with_punctuation,
)
from tierslieux_sim.core.i18n import current_language, message
from tierslieux_sim.engine.outputs import parse_output
from tierslieux_sim.engine.results import Results
from tierslieux_sim.faces import report_note
from tierslieux_sim.faces.result_files import write_results
from tierslieux_sim.scenario.fields import unit_text
from tierslieux_sim.scenario.labels import format_value, input_label, input_unit
from tierslieux_sim.scenario.paths import get_path, uncertain_leaves
from tierslieux_sim.scenario.sources import source_of
from tierslieux_sim.views import headline as headline_view
from tierslieux_sim.views import impacts as impacts_view
from tierslieux_sim.views import plots, plots_analysis, plots_financing, plots_territory
from tierslieux_sim.views.financing_plan import financing_plan
from tierslieux_sim.views.outside_view import outside_view, reading
from tierslieux_sim.views.plots_outside import outside_view_chart

CHROMIUM_PATH = "/usr/bin/chromium"
#: What ``write_report`` writes, by file name extension.
REPORT_SUFFIXES = (".html", ".pdf", ".xlsx")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
#: Seconds given to chromium to print the PDF.
PDF_TIMEOUT_S = 120.0
#: The sections of the report, in order (catalogue ids ``report.section.<id>``).
SECTIONS = ("summary", "hypotheses", "charts", "financing", "territory", "outside", "risks",
            "method")
#: Output of the drivers' tornado: the default of the dashboard's "Sensibilité" page, the
#: collectivity's net cost over the horizon in the central case (a deterministic tornado: a
#: few dozen model runs, hundredths of a second).
DRIVERS_OUTPUT = "net_cost"
#: Drivers named in the risks' sentences.
DRIVERS_NAMED = 3

_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.8em; } h2 { border-bottom: 2px solid #0072B2; page-break-before: always; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; }
th { background: #eee; } td.n { text-align: right; white-space: nowrap; }
td:first-child { min-width: 11em; } td.src { font-size: 0.85em; min-width: 16em; }
.chart { page-break-inside: avoid; break-inside: avoid; margin-bottom: 1em; }
.title-page dt { font-weight: bold; } .reading { font-style: italic; }
.status-broken { font-weight: bold; text-decoration: underline; }
ul.risks li { margin-bottom: 0.4em; }
.note h1 { margin: 0 0 0.1em 0; } .note .subtitle { margin: 0 0 0.6em 0; color: #444; }
.note h3 { margin: 0.7em 0 0.2em 0; font-size: 1.05em; border-bottom: 1px solid #999; }
.note table { margin: 0.2em 0; } .note ul { margin: 0.2em 0; padding-left: 1.3em; }
.note li { margin-bottom: 0.15em; } .note .small { font-size: 0.85em; margin: 0.2em 0; }
.note .deliberation { border: 1px solid #555; padding: 0.4em 0.7em; margin: 0.3em 0;
  font-style: italic; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; }
dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { margin: 0; color: #000; font-size: 10.5pt; }
  h2 { border-bottom-color: #000; }
  th { background: none; border-bottom: 2px solid #000; }
  th, td { border-color: #555; }
  tr, li, .reading { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .chart { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .note { font-size: 11pt; line-height: 1.3; }
  .note h1 { font-size: 17pt; } .note h3 { font-size: 12pt; }
  .note table { font-size: 10pt; } .note th, .note td { padding: 0.05em 0.5em; }
  .note .small { font-size: 8.5pt; }
}
"""


class PdfUnavailable(RuntimeError):
    """The PDF could not be produced; the HTML report was written at ``html_path``."""

    def __init__(self, text: str, html_path: Path):
        super().__init__(text)
        self.html_path = html_path


def scenario_hash(results: Results) -> str:
    """First 12 hex characters of the SHA-256 of the scenario's canonical TOML."""
    return results.scenario_hash()


def _e(text: object) -> str:
    """Text for the page: escaped, with no line break before French punctuation."""
    return html.escape(keep_with_punctuation(str(text)))


def _table(headers: list[str], rows: list[list[str]], numeric_from: int = 1,
           text_from: int | None = None) -> str:
    """Columns before ``numeric_from`` and from ``text_from`` on are text (the last ones,
    such as sources, in a smaller type); the others are right-aligned numbers."""
    def cell(index: int, content: str) -> str:
        if text_from is not None and index >= text_from:
            return f'<td class="src">{_e(content)}</td>'
        if index >= numeric_from:
            return f'<td class="n">{_e(content)}</td>'
        return f"<td>{_e(content)}</td>"
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(cell(i, c) for i, c in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _law_text(distribution, unit: str, language: str) -> list[str]:
    """``[min, probable, max]`` for PERT / triangular / uniform, else the law's parameters."""
    def value(x: float) -> str:
        return format_value(float(x), unit, language)
    kind = distribution.dist
    if kind in ("pert", "triangular"):
        return [value(distribution.min), value(distribution.mode), value(distribution.max)]
    if kind == "uniform":
        return [value(distribution.min), "–", value(distribution.max)]
    parameters = ", ".join(f"{name} = {value(v) if isinstance(v, (int, float)) else v}"
                           for name, v in distribution.model_dump(by_alias=True).items()
                           if name != "dist" and v is not None)
    return ["–", message("report.law", language, law=kind, parameters=parameters), "–"]


def _source_text(scenario, path: str, language: str) -> str:
    return source_of(scenario, path) or message("report.no_source", language)


def _hypotheses(results: Results, language: str) -> str:
    """The uncertain inputs (unit, range, source), then the fixed values whose source the
    scenario cites."""
    scenario = results.scenario
    uncertain = uncertain_leaves(scenario)
    rows = []
    for path, distribution in uncertain.items():
        unit = input_unit(scenario, path)
        rows.append([input_label(scenario, path, language), unit_text(unit, language),
                     *_law_text(distribution, unit, language),
                     _source_text(scenario, path, language)])
    headers = [message(f"report.col.{c}", language)
               for c in ("input", "unit", "min", "probable", "max", "source")]
    parts = [_table(headers, rows, numeric_from=2, text_from=5) if rows
             else f"<p>{_e(message('report.no_uncertain', language))}</p>"]
    fixed_rows = []
    for path, source in scenario.meta.sources.items():
        value = get_path(scenario, path)
        if path in uncertain or isinstance(value, (BaseModel, list, dict)) or value is None:
            continue
        unit = input_unit(scenario, path)
        shown = (format_value(float(value), unit, language)
                 if isinstance(value, (int, float)) and not isinstance(value, bool)
                 else str(value))
        fixed_rows.append([input_label(scenario, path, language), shown, source])
    if fixed_rows:
        parts.append(f"<h3>{_e(message('report.fixed_sourced_title', language))}</h3>")
        parts.append(_table([message(f"report.col.{c}", language)
                             for c in ("input", "value", "source")], fixed_rows,
                            numeric_from=1, text_from=2))
    return "".join(parts)


@dataclass(frozen=True)
class ReportFigure:
    """A chart of the report: its section, a language-independent key, the figure and its
    one-sentence reading."""

    section: str
    key: str
    figure: go.Figure
    reading: str


def drivers_tornado(results: Results) -> Tornado | None:
    """The central-case tornado of :data:`DRIVERS_OUTPUT` (each uncertain input from its P10
    to its P90, the others at their median), or ``None`` when the scenario has no uncertain
    input (no law, no uncertain award)."""
    if not swing_inputs(results.scenario):
        return None
    tornado = sensitivity(results.scenario, DRIVERS_OUTPUT, method="tornado")
    assert isinstance(tornado, Tornado)
    return tornado


def _report_figures(results: Results, language: str, drivers: Tornado | None
                    ) -> list[ReportFigure]:
    charts = [(key, *plots.CHARTS[key]) for key in (
        "cash_fan", "balancing_subsidy_distribution", "yearly_revenue_costs", "occupancy",
        "autonomy_probability", "users_by_segment")]
    figures = [ReportFigure("charts", key, chart(results, language), reading(results, language))
               for key, chart, reading in charts]
    figures.append(ReportFigure(
        "financing", "public_money_by_funder",
        plots_financing.public_money_by_funder_chart(results, language),
        plots_financing.reading_public_money_by_funder(results, language)))
    if impacts_view.impacts_estimated(results):
        figures += [
            ReportFigure("territory", "co2_avoided",
                         plots_territory.co2_avoided_chart(results, language),
                         impacts_view.reading_co2_avoided(results, language)),
            ReportFigure("territory", "socio_economic_balance",
                         plots_territory.socio_economic_balance_chart(results, language),
                         impacts_view.reading_socio_economic_balance(results, language))]
    benchmarks = outside_view(results)
    figures.append(ReportFigure(
        "outside", "outside_view", outside_view_chart(results, language, benchmarks),
        " ".join(reading(benchmark, language) for benchmark in benchmarks)))
    if drivers is not None and any(bar.swing > 0 for bar in drivers.bars):
        figures.append(ReportFigure("risks", "drivers_tornado",
                                    plots_analysis.tornado_chart(drivers, language),
                                    plots_analysis.reading_tornado(drivers, language)))
    return figures


def report_figures(results: Results, language: str | None = None) -> list[ReportFigure]:
    """Every chart the report holds, in order, with its section and reading (the dashboard
    charts; public money by funder; the territory charts when impacts are estimated; the
    tornado of the main drivers when an uncertain input moves the balancing subsidy)."""
    return _report_figures(results, language or current_language(), drivers_tornado(results))


def _chart_html(figure, reading: str) -> str:
    div = figure.to_html(full_html=False, include_plotlyjs=False,
                         config={"displayModeBar": False, "responsive": True},
                         default_width="100%", default_height="460px")
    return f'<div class="chart">{div}<p class="reading">{_e(reading)}</p></div>'


def _financing(results: Results, language: str, figures: list[ReportFigure]) -> str:
    plan = financing_plan(results)
    rows = []
    for line, row in plan.iterrows():
        if row["kind"] == "grant":
            name = str(line)
        else:
            name = message(f"report.resource.{row['kind']}", language)
        probability = row.get("award_probability")
        rows.append([name,
                     format_percent(probability, 0, language)
                     if probability is not None and np.isfinite(probability) else "–",
                     format_eur(row["amount_eur"], 0, language),
                     format_eur(row["expected_eur"], 0, language),
                     format_percent(row["share_of_cost"], 0, language)
                     if np.isfinite(row["share_of_cost"]) else "–"])
    headers = [message(f"report.col.{c}", language)
               for c in ("resource", "probability", "amount", "expected", "share")]
    cost = format_eur(plan.attrs.get("cost_eur", 0.0), 0, language)
    parts = [f"<p>{_e(message('report.investment_cost', language, cost=cost))}</p>",
             _table(headers, rows)]
    rule_rows = []
    for check in results.rule_checks:
        status = message(f"report.rule_status.{check.status}", language)
        share = (format_percent(check.broken_share, 1 if 0 < check.broken_share < 0.1 else 0,
                                language) if check.status != "not_applicable" else "–")
        rule_rows.append([message(f"financing.rule.{check.code}", language), status, share])
    parts.append(f"<h3>{_e(message('report.rules_title', language))}</h3>")
    # a broken rule reads in words, in bold and underlined: never in colour only
    parts.append(_table([message(f"report.col.{c}", language)
                         for c in ("rule", "status", "broken_share")], rule_rows,
                        numeric_from=2).replace(
        f"<td>{_e(message('report.rule_status.broken', language))}</td>",
        f'<td class="status-broken">{_e(message("report.rule_status.broken", language))}'
        "</td>"))
    parts += [_chart_html(figure.figure, figure.reading) for figure in figures]
    return "".join(parts)


def _territory(results: Results, language: str, figures: list[ReportFigure]) -> str:
    if not figures:
        return f"<p>{_e(impacts_view.reading_co2_avoided(results, language))}</p>"
    return ("".join(_chart_html(figure.figure, figure.reading) for figure in figures)
            + f"<p>{_e(message('plot.territory.appraisal_counted', language))}</p>")


# --- risks and main drivers ----------------------------------------------------------------

#: An amount in a sentence: to the thousand euros from 10 000 €, else to the hundred.
_amount = report_note.rounded_eur


def _award_sentences(results: Results, drivers: Tornado, language: str) -> list[str]:
    """Each grant or operating subsidy whose award is uncertain: its amount, its probability
    and what it weighs on the central case's net cost to the collectivity over the horizon
    (rise if refused, when the central case counts it as awarded; else the fall if it were
    won)."""
    scenario = results.scenario
    bars = {bar.path: bar for bar in drivers.bars if bar.is_award}
    plan = financing_plan(results)
    grant_amounts = plan.loc[plan["kind"] == "grant", "amount_eur"].to_numpy()
    sentences = []
    items: list[tuple[str, Any, str]] = [(f"investment.grants[{i}].award", grant,
              message("report.risks.amount_investment", language,
                      amount=_amount(float(grant_amounts[i]), language)))
             for i, grant in enumerate(scenario.investment.grants)]
    for i, subsidy in enumerate(scenario.operating_subsidies):
        key = ("report.risks.amount_operating" if subsidy.duration_years != 1
               else "report.risks.amount_operating_one_year")
        value = subsidy.amount_eur_per_year  # a number, or a law: its median
        amount = _amount(float(value if isinstance(value, int | float) else value.median()),
                         language)
        items.append((f"operating_subsidies[{i}].award", subsidy,
                       message(key, language, amount=amount, years=subsidy.duration_years)))
    for path, item, amount in items:
        bar = bars.get(path)
        if bar is None:  # award certain (or certainly refused)
            continue
        cost = bar.output_low - bar.output_high  # refused − awarded
        # the central case awards it when more likely than not: its baseline is then the
        # "awarded" end of the bar
        awarded = abs(drivers.baseline - bar.output_high) <= abs(drivers.baseline
                                                                 - bar.output_low)
        key = ("report.risks.award_uncertain_no_cost" if abs(cost) < 0.5
               else "report.risks.award_uncertain" if awarded
               else "report.risks.award_unlikely")
        sentences.append(message(key, language, name=item.name, amount=amount,
                                 probability=format_percent(item.award_probability, 0, language),
                                 cost=_amount(cost, language)))
    return sentences


def _rule_sentences(results: Results, language: str) -> list[str]:
    """Rules broken in some draws (or in the central case); else that they are respected."""
    applicable = [check for check in results.rule_checks if check.applies]
    if not applicable:
        return [message("report.risks.rules_not_applicable", language)]
    broken = [check for check in applicable if check.status == "broken"]
    if not broken:
        return [message("report.risks.rules_respected", language, count=len(applicable))]
    sentences = []
    for check in broken:
        key = ("report.risks.rule_broken_central_only" if check.broken_share == 0
               else "report.risks.rule_broken_central" if check.central_broken
               else "report.risks.rule_broken")
        sentences.append(message(key, language,
                                 rule=message(f"financing.rule.{check.code}", language),
                                 share=plots.share_text(check.broken_share, language)))
    return sentences


def _drivers_sentence(drivers: Tornado, language: str) -> str | None:
    moving = [bar for bar in drivers.bars if bar.swing > 0][:DRIVERS_NAMED]
    if not moving:
        return None  # said below the section's drivers title
    named = message("plot.list_separator", language).join(
        message("report.risks.driver", language,
                input=input_label(drivers.scenario, bar.path, language),
                swing=_amount(bar.swing, language)) for bar in moving)
    return message("report.risks.drivers", language, drivers=named)


def bad_case(results: Results) -> dict[str, float] | None:
    """The bad case of the collectivity's net cost: P50 and P90 over the horizon, and the
    budget year whose P90 is highest with its P50 and P90 [€]; ``None`` when even the P90
    over the horizon is not a cost (the collectivity receives more than it pays)."""
    indicators = results.indicators
    p50, p90 = (float(q) for q in np.quantile(indicators["net_cost_eur"].to_numpy(), [0.5, 0.9]))
    if p90 <= 0:
        return None
    by_year = {year: np.quantile(indicators[f"net_cost_{year}_eur"].to_numpy(), [0.5, 0.9])
               for year in results.budget_years}
    heaviest = max(by_year, key=lambda year: by_year[year][1])
    return {"p50": p50, "p90": p90, "year": heaviest, "year_p50": float(by_year[heaviest][0]),
            "year_p90": float(by_year[heaviest][1])}


def risk_sentences(results: Results, drivers: Tornado | None,
                   language: str | None = None) -> list[str]:
    """The risks in plain sentences, only those that apply: the operator's cash going
    negative without the balancing subsidy, the bad case of the collectivity's net cost (P90
    against P50 over the horizon and in its heaviest budget year, :func:`bad_case`), autonomy
    missed within the horizon, grants and subsidies whose award is uncertain and what losing
    them costs the collectivity, the funding rules, and the main drivers with their swing
    (from ``drivers``, :func:`drivers_tornado`; ``None``: no uncertain input, which the
    report says under its drivers' title)."""
    language = language or current_language()
    indicators = results.indicators
    years = results.horizon_years
    sentences = []
    negative = float(np.mean(indicators["min_cash_eur"].to_numpy() < 0))
    if negative >= 1:
        sentences.append(message("report.risks.cash_negative_always", language))
    elif negative > 0:
        sentences.append(message("report.risks.cash_negative", language,
                                 share=plots.share_text(negative, language)))
    else:
        sentences.append(message("report.risks.cash_never_negative", language,
                                 draws=format_number(results.draws, 0, language)))
    bad = bad_case(results)
    if bad is None:
        sentences.append(message("report.risks.bad_case_none", language, years=years))
    else:
        gap = bad["p90"] - bad["p50"]
        sentences.append(message(
            "report.risks.bad_case", language, years=years, p90=_amount(bad["p90"], language),
            p50=_amount(bad["p50"], language), gap=_amount(gap, language),
            gap_per_year=_amount(gap / years, language), year=int(bad["year"]),
            year_p90=_amount(bad["year_p90"], language),
            year_p50=_amount(bad["year_p50"], language)))
    missed = 1.0 - results.autonomy_probability(years)
    if missed > 0:
        sentences.append(message("report.risks.autonomy_missed", language, years=years,
                                 share=plots.share_text(missed, language)))
    else:
        sentences.append(message("report.risks.autonomy_reached", language, years=years))
    if drivers is not None:
        sentences += _award_sentences(results, drivers, language)
    sentences += _rule_sentences(results, language)
    drivers_text = _drivers_sentence(drivers, language) if drivers is not None else None
    return sentences + ([drivers_text] if drivers_text else [])


def _risks(results: Results, language: str, drivers: Tornado | None,
           figures: list[ReportFigure]) -> str:
    items = "".join(f"<li>{_e(sentence)}</li>"
                    for sentence in risk_sentences(results, drivers, language))
    parts = [f'<ul class="risks">{items}</ul>',
             f"<h3>{_e(message('report.risks.drivers_title', language))}</h3>"]
    if drivers is None:
        parts.append(f'<p class="no-drivers">{_e(message("report.risks.no_uncertain", language))}'
                     "</p>")
    elif not figures:
        parts.append(f'<p class="no-drivers">{_e(plots_analysis.reading_tornado(drivers, language))}'
                     "</p>")
    parts += [_chart_html(figure.figure, figure.reading) for figure in figures]
    for note in drivers.note_texts(language) if drivers is not None else []:
        parts.append(f"<p>{_e(note)}</p>")
    return "".join(parts)


#: What the method appendix defines besides the headline's definitions (catalogue ids
#: ``report.define.<id>``).
DEFINED_TERMS = ("budget_year", "percentiles", "present_value", "heaviest_year",
                 "per_inhabitant", "who_pays", "balancing_subsidy", "central", "public_money",
                 "socio_economic", "tornado")
#: The run facts of the method appendix (catalogue ids ``report.fact.<id>``).
RUN_FACTS = ("territory", "date", "version", "seed", "draws", "sampling", "hash")


def precision(results: Results) -> tuple[float, float]:
    """Half-widths of the 95 % Monte Carlo confidence intervals of the median net cost to the
    collectivity over the horizon [€] (distribution-free, between two order statistics) and
    of the probability of autonomy by the headline year [probability, 0–1]."""
    median = parse_output("net_cost_p50", results.scenario,
                          columns=results.indicators.columns)
    values = median.per_draw(results.indicators)
    low, high = median.confidence_interval(values, 0.95)
    year = min(HEADLINE_AUTONOMY_YEAR, results.horizon_years)
    p = results.autonomy_probability(year)
    return (high - low) / 2, 1.959964 * float(np.sqrt(p * (1 - p) / results.draws))


def run_facts(results: Results, language: str) -> list[tuple[str, str]]:
    """``(label, value)`` of the run: territory, date, version, seed, draws, sampling and
    the scenario's fingerprint (SHA-256 of its canonical text)."""
    values = {"territory": results.scenario.meta.territory or "–",
              "date": date.today().isoformat(), "version": __version__,
              "seed": str(results.seed),
              "draws": format_number(results.draws, 0, language),
              "sampling": results.sampling, "hash": scenario_hash(results)}
    return [(message(f"report.fact.{key}", language), values[key]) for key in RUN_FACTS]


def definitions(language: str) -> list[tuple[str, str]]:
    """``(term, definition)`` of every figure the report shows: the headline's definitions
    (net cost, autonomy on both bases), then :data:`DEFINED_TERMS`."""
    items = []
    for line in headline_view.definition_lines(language):
        term, _, text = line.partition(":")
        items.append((term.strip(), text.strip()))
    items += [(message(f"report.define.{term}.term", language),
               message(f"report.define.{term}", language)) for term in DEFINED_TERMS]
    return items


def _method(results: Results, language: str) -> str:
    """The run facts, Monte Carlo, the sampling used and the precision it gives, the
    definitions of every figure shown and how to read the tornado."""
    draws = format_number(results.draws, 0, language)
    money, probability = precision(results)
    year = min(HEADLINE_AUTONOMY_YEAR, results.horizon_years)
    paragraphs = [
        message("report.method", language, draws=draws, seed=results.seed,
                sampling=results.sampling),
        message(f"report.method_sampling.{results.sampling}", language),
        message("report.method_precision", language, draws=draws,
                money=format_eur(money, 0, language), year=year,
                points=format_number(100 * probability, 1, language)),
        message("report.method_appraisal", language),
    ]
    colon = plots._colon(language)
    defined = "".join(f"<li><strong>{_e(term)}</strong>{colon}{_e(text)}</li>"
                      for term, text in definitions(language))
    facts = "".join(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>"
                    for label, value in run_facts(results, language))
    return (f"<h3>{_e(message('report.run_facts_title', language))}</h3>"
            f'<dl class="facts">{facts}</dl>'
            + "".join(f"<p>{_e(text)}</p>" for text in paragraphs)
            + f"<h3>{_e(message('report.definitions_title', language))}</h3>"
            + f'<ul class="definitions">{defined}</ul>'
            + f"<p>{_e(message('report.risks.method_tornado', language))}</p>")


#: Year of operation by which the headline gives the probability of autonomy.
HEADLINE_AUTONOMY_YEAR = headline_view.AUTONOMY_YEAR


def council_note(results: Results, language: str, drivers: Tornado | None,
                 variants: Sequence[report_note.Variant] = ()) -> str:
    """The report's first page, a one-page note for the council: the collectivity's net cost
    per budget year (investment and operating apart, P50 and P80), the headline sentences,
    who pays by funder level, the variants if some are pinned, the conditions that decide the
    result and a proposed wording for the deliberation."""
    scenario = results.scenario
    head = headline_view.headline(results)
    headers, rows = headline_view.year_table(head, language)
    items = report_note.headline_items(
        head, headline_view.sentences(head, results, language), language)
    funders, amounts = report_note.funder_rows(head, language)
    subtitle = message("report.note.subtitle", language,
                       territory=scenario.meta.territory or scenario.meta.name)
    parts = [f"<h1>{_e(message('report.title', language, name=scenario.meta.name))}</h1>",
             f'<p class="subtitle">{_e(subtitle)}</p>',
             f"<h3>{_e(message('report.note.decision_title', language))}</h3>",
             f'<div class="year-table">{_table(headers, rows)}</div>',
             f'<p class="small">{_e(message("headline.table_note", language))} '
             f'{_e(message("headline.definition_net_cost", language))}</p>',
             '<ul class="headline">' + "".join(f"<li>{_e(item)}</li>" for item in items)
             + "</ul>",
             f"<h3>{_e(message('report.note.who_pays_title', language))}</h3>",
             f'<div class="funders">{_table(funders, [amounts], numeric_from=0)}</div>',
             f'<p class="small">{_e(message("report.note.who_pays_note", language))}</p>']
    if variants:
        variant_headers, variant_rows = report_note.variant_rows(results, variants, language)
        parts += [f"<h3>{_e(message('report.note.variants_title', language))}</h3>",
                  f'<div class="variants">{_table(variant_headers, variant_rows)}</div>']
    conditions = report_note.condition_sentences(drivers, results.horizon_years, language)
    parts += [f"<h3>{_e(message('report.note.conditions_title', language))}</h3>",
              '<ul class="conditions">' + "".join(f"<li>{_e(c)}</li>" for c in conditions)
              + "</ul>",
              f"<h3>{_e(message('report.note.deliberation_title', language))}</h3>",
              f'<p class="deliberation">'
              f"{_e(report_note.deliberation_text(results, head, language))}</p>",
              f'<p class="small">{_e(message("report.note.see_appendix", language))}</p>']
    return f'<section id="note" class="note">{"".join(parts)}</section>'


def build_report_html(results: Results, language: str | None = None,
                      variants: Sequence[report_note.Variant] | None = None) -> str:
    """The whole report as one HTML page (Plotly's JavaScript embedded once).

    ``variants``: ``(name, results)`` of pinned variants (the dashboard's "Comparer" page), to
    compare on the first page with the run (net cost P50 and P80 over the horizon, heaviest
    budget year); none by default."""
    language = language or current_language()
    scenario = results.scenario
    title = message("report.title", language, name=scenario.meta.name)
    drivers = drivers_tornado(results)
    figures = _report_figures(results, language, drivers)
    by_section: dict[str, list[ReportFigure]] = {key: [] for key in SECTIONS}
    for figure in figures:
        by_section[figure.section].append(figure)
    summary = "".join(f"<li>{_e(figure.reading)}</li>" for figure in by_section["charts"])
    sections = {
        "summary": f"<ul>{summary}</ul>",
        "hypotheses": _hypotheses(results, language),
        "charts": "".join(_chart_html(figure.figure, figure.reading)
                          for figure in by_section["charts"]),
        "financing": _financing(results, language, by_section["financing"]),
        "territory": _territory(results, language, by_section["territory"]),
        "outside": f"<p>{_e(message('outside.intro', language))}</p>" + "".join(
            _chart_html(figure.figure, figure.reading) for figure in by_section["outside"]),
        "risks": _risks(results, language, drivers, by_section["risks"]),
        "method": _method(results, language),
    }
    body = "".join(f'<section id="{key}"><h2>{_e(message(f"report.section.{key}", language))}'
                   f"</h2>{sections[key]}</section>" for key in SECTIONS)
    note = council_note(results, language, drivers, list(variants or []))
    return (f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title><style>{_STYLE}</style>"
            f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script></head>'
            f"<body>{note}{body}</body></html>")


def print_pdf(html_path: Path, pdf_path: Path, chromium: str = CHROMIUM_PATH,
              timeout_s: float = PDF_TIMEOUT_S) -> None:
    """Print an HTML file to PDF with headless chromium (raises on failure)."""
    with tempfile.TemporaryDirectory() as profile:
        command = [chromium, *CHROMIUM_ARGS, f"--user-data-dir={profile}",
                   "--no-pdf-header-footer", "--virtual-time-budget=10000",
                   f"--print-to-pdf={pdf_path.resolve()}", html_path.resolve().as_uri()]
        subprocess.run(command, check=True, timeout=timeout_s, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    if not pdf_path.exists() or pdf_path.read_bytes()[:4] != b"%PDF":
        raise RuntimeError(f"chromium wrote no PDF at {pdf_path}")


def pdf_available(chromium: str = CHROMIUM_PATH) -> bool:
    """Whether the PDF can be printed here (chromium is installed)."""
    return shutil.which(chromium) is not None


def report_pdf_bytes(results: Results, language: str | None = None,
                     chromium: str = CHROMIUM_PATH,
                     variants: Sequence[report_note.Variant] | None = None) -> bytes:
    """The report as the bytes of a PDF file (for a download button); raises
    :class:`PdfUnavailable` when it cannot be printed."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_report(results, Path(folder) / "rapport.pdf", language, chromium,
                            variants=variants)
        return path.read_bytes()


def write_report(results: Results, path: str | Path, language: str | None = None,
                 chromium: str = CHROMIUM_PATH,
                 variants: Sequence[report_note.Variant] | None = None) -> Path:
    """Write the report as ``.html``, ``.pdf`` printed with headless chromium, or ``.xlsx``
    (the workbook of :mod:`tierslieux_sim.faces.workbook`, for the finance department);
    ``variants`` (name, results) are compared on the first page.

    When the PDF cannot be made (no chromium, or it failed), the HTML is written next to the
    requested PDF and :class:`PdfUnavailable` says how to get the PDF."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise ValueError(message("report.bad_suffix", language, found=path.suffix or path))
    if suffix == ".xlsx":
        return write_results(results, path, language)
    text = build_report_html(results, language, variants)
    if suffix == ".html":
        path.write_text(text, encoding="utf-8")
        return path
    html_path = path.with_suffix(".html")
    html_path.write_text(text, encoding="utf-8")
    if shutil.which(chromium) is None:
        raise PdfUnavailable(message("report.no_chromium", language, html=html_path,
                                     pdf=path), html_path)
    try:
        print_pdf(html_path, path, chromium)
    except (OSError, subprocess.SubprocessError, RuntimeError) as error:
        raise PdfUnavailable(message("report.pdf_failed", language, html=html_path, pdf=path,
                                     detail=error), html_path) from error
    html_path.unlink()
    return path
