"""A self-contained report of a run (HTML, or PDF printed by headless chromium): title page,
summary in plain sentences, hypotheses, charts, financing plan and funding rules, territory
impacts and a method appendix. French by default; no network reference (Plotly's JavaScript
is embedded once)."""

from __future__ import annotations

import hashlib
import html
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import plotly.offline

from . import __version__, plots, plots_financing, plots_territory
from .analysis.labels import format_value, input_label, input_unit
from .formatting import format_eur, format_number, format_percent
from .i18n import current_language, message
from .results import Results
from .scenario.files import scenario_to_toml
from .scenario.paths import uncertain_leaves

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
#: Seconds given to chromium to print the PDF.
PDF_TIMEOUT_S = 120.0
#: The sections of the report, in order (catalogue ids ``report.section.<id>``).
SECTIONS = ("summary", "hypotheses", "charts", "financing", "territory", "method")

_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.8em; } h2 { border-bottom: 2px solid #0072B2; page-break-before: always; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; }
td.n { text-align: right; white-space: nowrap; }
.chart { page-break-inside: avoid; margin-bottom: 1em; }
.title-page dt { font-weight: bold; } .reading { font-style: italic; }
"""


class PdfUnavailable(RuntimeError):
    """The PDF could not be produced; the HTML report was written at ``html_path``."""

    def __init__(self, text: str, html_path: Path):
        super().__init__(text)
        self.html_path = html_path


def scenario_hash(results: Results) -> str:
    """First 12 hex characters of the SHA-256 of the scenario's canonical TOML."""
    return hashlib.sha256(scenario_to_toml(results.scenario).encode()).hexdigest()[:12]


def _e(text: object) -> str:
    return html.escape(str(text))


def _table(headers: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(
        f'<td class="n">{_e(c)}</td>' if i >= numeric_from else f"<td>{_e(c)}</td>"
        for i, c in enumerate(row)) + "</tr>" for row in rows)
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


def _hypotheses(results: Results, language: str) -> str:
    scenario = results.scenario
    rows = []
    for path, distribution in uncertain_leaves(scenario).items():
        unit = input_unit(scenario, path)
        rows.append([input_label(scenario, path, language), unit,
                     *_law_text(distribution, unit, language)])
    headers = [message(f"report.col.{c}", language)
               for c in ("input", "unit", "min", "probable", "max")]
    if not rows:
        return f"<p>{_e(message('report.no_uncertain', language))}</p>"
    return _table(headers, rows, numeric_from=2)


def _figures(results: Results, language: str) -> list[tuple[object, str]]:
    """The dashboard charts with their one-sentence readings."""
    return [
        (plots.cash_fan_chart(results, language), plots.reading_cash_fan(results, language)),
        (plots.balancing_subsidy_distribution_chart(results, language),
         plots.reading_balancing_subsidy_distribution(results, language)),
        (plots.yearly_revenue_costs_chart(results, language),
         plots.reading_yearly_revenue_costs(results, language)),
        (plots.occupancy_chart(results, language), plots.reading_occupancy(results, language)),
        (plots.autonomy_probability_chart(results, language),
         plots.reading_autonomy_probability(results, language)),
        (plots.users_by_segment_chart(results, language),
         plots.reading_users_by_segment(results, language)),
    ]


def _chart_html(figure, reading: str) -> str:
    div = figure.to_html(full_html=False, include_plotlyjs=False,
                         config={"displayModeBar": False, "responsive": True},
                         default_width="100%", default_height="460px")
    return f'<div class="chart">{div}<p class="reading">{_e(reading)}</p></div>'


def _financing(results: Results, language: str) -> str:
    plan = results.financing_plan()
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
    parts.append(_table([message(f"report.col.{c}", language)
                         for c in ("rule", "status", "broken_share")], rule_rows))
    parts.append(_chart_html(plots_financing.public_money_by_funder_chart(results, language),
                             plots_financing.reading_public_money_by_funder(results, language)))
    return "".join(parts)


def _territory(results: Results, language: str) -> str:
    if not plots_territory.impacts_estimated(results):
        return f"<p>{_e(plots_territory.reading_co2_avoided(results, language))}</p>"
    return (_chart_html(plots_territory.co2_avoided_chart(results, language),
                        plots_territory.reading_co2_avoided(results, language))
            + _chart_html(plots_territory.socio_economic_balance_chart(results, language),
                          plots_territory.reading_socio_economic_balance(results, language)))


def build_report_html(results: Results, language: str | None = None) -> str:
    """The whole report as one HTML page (Plotly's JavaScript embedded once)."""
    language = language or current_language()
    scenario = results.scenario
    draws = format_number(results.draws, 0, language)
    title = message("report.title", language, name=scenario.meta.name)
    facts = [
        ("report.fact.territory", scenario.meta.territory or "–"),
        ("report.fact.date", date.today().isoformat()),
        ("report.fact.version", __version__),
        ("report.fact.seed", str(results.seed)),
        ("report.fact.draws", draws),
        ("report.fact.hash", scenario_hash(results)),
    ]
    title_page = "".join(f"<dt>{_e(message(key, language))}</dt><dd>{_e(value)}</dd>"
                         for key, value in facts)
    figures = _figures(results, language)
    summary = "".join(f"<li>{_e(reading)}</li>" for _, reading in figures)
    sections = {
        "summary": f"<ul>{summary}</ul>",
        "hypotheses": _hypotheses(results, language),
        "charts": "".join(_chart_html(figure, reading) for figure, reading in figures),
        "financing": _financing(results, language),
        "territory": _territory(results, language),
        "method": "<p>" + _e(message("report.method", language, draws=draws, seed=results.seed,
                                     sampling=results.sampling)) + "</p>",
    }
    body = "".join(f'<section id="{key}"><h2>{_e(message(f"report.section.{key}", language))}'
                   f"</h2>{sections[key]}</section>" for key in SECTIONS)
    return (f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title><style>{_STYLE}</style>"
            f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script></head>'
            f'<body><header class="title-page"><h1>{_e(title)}</h1><dl>{title_page}</dl>'
            f"</header>{body}</body></html>")


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


def write_report(results: Results, path: str | Path, language: str | None = None,
                 chromium: str = CHROMIUM_PATH) -> Path:
    """Write the report as ``.html``, or ``.pdf`` printed with headless chromium.

    When the PDF cannot be made (no chromium, or it failed), the HTML is written next to the
    requested PDF and :class:`PdfUnavailable` says how to get the PDF."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".html", ".pdf"):
        raise ValueError(message("report.bad_suffix", language, found=path.suffix or path))
    text = build_report_html(results, language)
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
