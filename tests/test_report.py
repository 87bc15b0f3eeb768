"""The self-contained report: HTML sections and charts, no network reference, French numbers,
the risks and main drivers, PDF printed by headless chromium (its text and its pages rendered
to PNG), and the ``tierslieux report`` command."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import tierslieux_sim as tl
from conftest import SEED, edit_scenario, zero_variance
from tierslieux_sim.analysis.sensitivity import sensitivity, swing_inputs
from tierslieux_sim.core.formatting import NARROW_NBSP, NBSP, format_eur, format_percent
from tierslieux_sim.core.i18n import message
from tierslieux_sim.faces.cli.main import main
from tierslieux_sim.faces.report import (
    DRIVERS_OUTPUT,
    SECTIONS,
    PdfUnavailable,
    build_report_html,
    drivers_tornado,
    report_figures,
    risk_sentences,
    scenario_hash,
    write_report,
)
from tierslieux_sim.scenario.files import scenario_to_toml
from tierslieux_sim.scenario.paths import uncertain_leaves
from tierslieux_sim.scenario.sources import source_of
from tierslieux_sim.views import impacts as impacts_view
from tierslieux_sim.views.financing_plan import financing_plan

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) is not installed")
needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                    reason="pdftoppm (poppler-utils) is not installed")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def french_html(default_run) -> str:
    return build_report_html(default_run)


def _expected_charts(results) -> int:
    """Six dashboard charts, public money by funder, two territory charts when estimated, the
    outside view among real sites, the tornado of the main drivers when the scenario has an
    uncertain input."""
    return (8 + (2 if impacts_view.impacts_estimated(results) else 0)
            + (1 if swing_inputs(results.scenario) else 0))


def _section(text: str, key: str) -> str:
    return text.split(f'<section id="{key}">')[1].split("</section>")[0]


def _note(text: str) -> str:
    return text.split('<section id="note" class="note">')[1].split("</section>")[0]


def _li(text: str) -> list[str]:
    """The sentences of the risks' list, unescaped."""
    items = re.findall(r"<li>(.*?)</li>", text.split('<ul class="risks">')[1].split("</ul>")[0])
    return [visible(item) for item in items]


def visible(text: str) -> str:
    """Text as a reader sees it: entities decoded, no-break spaces (which the report puts
    before French punctuation and units) as plain spaces."""
    return html.unescape(text).replace(NBSP, " ")


def test_html_has_every_section_title_in_french(french_html):
    for key in SECTIONS:
        assert f"<h2>{message(f'report.section.{key}', 'fr')}</h2>" in visible(french_html), key
    assert '<html lang="fr">' in french_html
    # the risks come just before the method appendix
    assert SECTIONS.index("risks") == SECTIONS.index("method") - 1
    assert "<h2>Risques et principaux facteurs</h2>" in french_html


def test_html_has_every_chart_and_plotly_js_once(default_run, french_html):
    assert french_html.count('class="plotly-graph-div"') == _expected_charts(default_run) == 11
    assert french_html.count("Plotly.newPlot(") == _expected_charts(default_run)
    assert len(report_figures(default_run)) == _expected_charts(default_run)
    # plotly.js's bundle starts with its version banner: embedded exactly once
    assert len(re.findall(r"plotly\.js v\d+\.\d+\.\d+", french_html)) == 1


def test_html_has_no_network_reference(french_html):
    """No tag loads anything from the network: scripts are inline (no src), no link or image
    points to http(s). (Plotly's bundle holds URLs in strings for map tiles, unused here.)"""
    script_tags = re.findall(r"<script\b[^>]*>", french_html, flags=re.IGNORECASE)
    assert script_tags and not [tag for tag in script_tags if re.search(r"\bsrc\s*=", tag)]
    outside_scripts = re.sub(r"<script\b[^>]*>.*?</script>", "", french_html,
                             flags=re.IGNORECASE | re.DOTALL)
    assert not re.search(r"\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", outside_scripts,
                         flags=re.IGNORECASE)
    assert "http://" not in outside_scripts and "https://" not in outside_scripts


def test_run_facts_are_in_the_method_appendix_not_on_the_first_page(default_run, french_html):
    expected = hashlib.sha256(scenario_to_toml(default_run.scenario).encode()).hexdigest()[:12]
    assert scenario_hash(default_run) == expected
    method = _section(french_html, "method")
    assert expected in method
    assert f"<dd>{default_run.seed}</dd>" in method
    assert "<dd>500</dd>" in method  # IDENTITY_DRAWS
    assert f"<dd>{tl.__version__}</dd>" in method
    assert message("report.run_facts_title", "fr") in visible(method)
    note = _note(french_html)
    assert default_run.scenario.meta.name in visible(note)
    assert expected not in note and f"<dd>{default_run.seed}</dd>" not in note
    assert "<dd>" not in note  # no run fact on the council's page
    assert french_html.index('<section id="note"') < french_html.index('<section id="summary"')


def test_french_numbers(default_run, french_html):
    # euros as "151 000 €" (narrow no-break space for thousands, no-break space before €)
    assert re.search(rf"\d{{1,3}}{NARROW_NBSP}\d{{3}}{NBSP}€", french_html)
    assert re.search(rf"\d+{NBSP}%", french_html)
    assert re.search(r"<td[^>]*>\d+,\d+", french_html)  # a decimal comma in a table
    assert not re.search(r"\d,\d{3}\s?€", french_html)  # no English thousands


def test_every_uncertain_input_is_in_the_hypotheses_table(default_run, french_html):
    section = french_html.split('<section id="hypotheses">')[1].split("</section>")[0]
    uncertain_table = section.split("</table>")[0]
    rows = uncertain_table.count("<tr>") - 1
    assert rows == len(uncertain_leaves(default_run.scenario)) > 0


def test_hypotheses_cite_their_sources(default_run, french_html):
    """Each uncertain input's row ends with the source its scenario file cites; the fixed
    values that cite a source follow in a second table."""
    scenario = default_run.scenario
    section = french_html.split('<section id="hypotheses">')[1].split("</section>")[0]
    uncertain_table, fixed_table = section.split("</table>")[:2]
    for path in uncertain_leaves(scenario):
        source = source_of(scenario, path)
        assert source and visible(source) in visible(uncertain_table), path
    assert "DARES" in uncertain_table
    assert message("report.fixed_sourced_title", "fr") in fixed_table
    fixed = [path for path in scenario.meta.sources if path not in uncertain_leaves(scenario)]
    assert fixed and visible(scenario.meta.sources["site.surface_m2"]) in visible(fixed_table)
    assert message("report.col.source", "fr") in uncertain_table


def test_an_input_without_source_says_so(default, tmp_path):
    import tierslieux_sim as tl
    from tierslieux_sim.scenario.files import parse_scenario_text

    bare = parse_scenario_text("\n".join(
        line for line in scenario_to_toml(default).splitlines()
        if not line.startswith("#")))  # every comment gone: no source left
    assert bare.meta.sources == {}
    html_text = build_report_html(tl.simulate(bare, draws=200, seed=1))
    section = html_text.split('<section id="hypotheses">')[1].split("</section>")[0]
    assert section.count(message("report.no_source", "fr")) == len(uncertain_leaves(bare))
    assert message("report.fixed_sourced_title", "fr") not in section


def test_english_report(default_run):
    text = build_report_html(default_run, "en")
    assert '<html lang="en">' in text
    for key in SECTIONS:
        assert message(f"report.section.{key}", "en") in text
    assert "<h2>Risks and main drivers</h2>" in text
    assert "Monte Carlo method" in text
    assert "Main drivers (tornado diagram)" in _section(text, "method")
    risks = _li(_section(text, "risks"))
    negative = float(np.mean(default_run.indicators["min_cash_eur"] < 0))
    assert 0 < negative < 1  # the operator's own cash: its opening reserves cover some draws
    assert risks[0] == message("report.risks.cash_negative", "en",
                               share=f"{round(100 * negative)}%")
    assert message("report.risks.rules_respected", "en", count=4) in risks
    assert not [sentence for sentence in risks if " des cas" in sentence or "«" in sentence]


# --- risks and main drivers -----------------------------------------------------------------

def test_drivers_are_those_of_the_dashboard_sensitivity_page():
    from tierslieux_sim.faces.dashboard.page_sensitivity import SENSITIVITY_OUTPUTS
    assert DRIVERS_OUTPUT == SENSITIVITY_OUTPUTS[0] == "net_cost"
    assert SENSITIVITY_OUTPUTS[1] == "net_cost_p80"


def _json_text(text: str) -> str:
    """How plotly's JSON writes a text (non-ASCII escaped as \\uXXXX)."""
    return json.dumps(text)[1:-1].replace("/", "\\/")


def test_risks_section_has_the_drivers_tornado(default_run, french_html):
    section = _section(french_html, "risks")
    assert section.count('class="plotly-graph-div"') == 1
    tornado = sensitivity(default_run.scenario, "net_cost", method="tornado")
    assert tornado.output.label("fr").startswith("Coût net pour la collectivité")
    title = message("plot.tornado.title", "fr", output=tornado.output.label("fr"))
    assert _json_text(title) in section  # the chart's title, inside the figure's JSON
    assert message("report.risks.drivers_title", "fr") in visible(section)
    reading = re.search(r'<p class="reading">(.*?)</p>', section).group(1)
    top = tornado.table("fr")["input"].iloc[0]
    assert f"« {top} » fait passer" in visible(reading)


def test_top_drivers_are_the_first_rows_of_the_tornado(default_run, french_html):
    table = sensitivity(default_run.scenario, "net_cost", method="tornado").table("fr")
    drivers = [s for s in _li(_section(french_html, "risks"))
               if s.startswith("Les hypothèses qui pèsent le plus")]
    assert len(drivers) == 1
    named = re.findall(r"« (.*?) » \(écart de ([^)]*)\)", drivers[0])
    assert [name for name, _ in named] == list(table["input"].head(3))
    assert named[0][0] == table["input"].iloc[0]
    # swings in euros, the French way, to the thousand
    for (_, swing), expected in zip(named, table["swing"].head(3), strict=True):
        assert swing == visible(format_eur(round(expected, -3), 0, "fr"))
    assert re.fullmatch(rf"\d{{2,3}}{NARROW_NBSP}000 €", named[0][1])  # NBSP seen as a space


def test_risk_sentences_of_the_default_run(default_run):
    drivers = drivers_tornado(default_run)
    assert drivers is not None and drivers.basis == "central"
    sentences = risk_sentences(default_run, drivers, "fr")
    negative = float(np.mean(default_run.indicators["min_cash_eur"] < 0))
    assert 0.5 < negative < 1.0  # the default site needs a balancing subsidy in most draws
    assert sentences[0].startswith(
        "Sans subvention d'équilibre, la trésorerie du gestionnaire passe sous zéro")
    # the bad case is the collectivity's net cost, over the horizon and in its heaviest
    # budget year (the one with the highest P90), from the per-draw indicators
    total = default_run.indicators["net_cost_eur"]
    p50, p90 = np.quantile(total, [0.5, 0.9])
    bad = [s for s in sentences if s.startswith("Cas défavorable")]
    assert len(bad) == 1 and "coût net pour la collectivité" in bad[0]
    assert "reste à charge" not in " ".join(sentences)
    assert format_eur(round(p90, -3), 0, "fr") in bad[0]
    assert format_eur(round(p50, -3), 0, "fr") in bad[0]
    assert format_eur(round(p90 - p50, -3), 0, "fr") in bad[0]
    year_p90 = {int(name[9:13]): np.quantile(default_run.indicators[name], 0.9)
                for name in default_run.indicators
                if name.startswith("net_cost_") and name[9:13].isdigit() and len(name) == 17}
    heaviest = max(year_p90, key=year_p90.get)
    assert heaviest == 2027  # the works are paid before their grants and the FCTVA arrive
    assert f"l'année budgétaire la plus lourde ({heaviest})" in bad[0]
    assert format_eur(round(year_p90[heaviest], -3), 0, "fr") in bad[0]
    missed = 1 - default_run.autonomy_probability(default_run.horizon_years)
    assert message("report.risks.autonomy_missed", "fr", years=10,
                   share=format_percent(missed, 0, "fr")) in sentences
    # the two investment grants and the Fabrique de Territoire are uncertain
    awards = [s for s in sentences if "n'est obtenue qu'avec une probabilité de" in s]
    assert [s.split(" » ")[0] for s in awards] == [
        "« DETR", "« Région (aide à l'amorçage)", "« Fabrique de Territoire"]
    plan = financing_plan(default_run)
    assert format_eur(round(plan.at["DETR", "amount_eur"], -3), 0, "fr") in awards[0]
    assert "80 %".replace(" ", NBSP) in awards[0] and "augmente de" in awards[0]
    # losing the DETR costs the collectivity its amount (the works are paid all the same)
    assert awards[0].endswith(
        f"augmente de {format_eur(round(plan.at['DETR', 'amount_eur'], -3), 0, 'fr')}.")
    assert "le cas central la compte comme refusée" in awards[2]  # 30 %: not in the central case
    assert message("report.risks.rules_respected", "fr", count=4) in sentences
    assert not [s for s in sentences if s.startswith("Règle de financement enfreinte")]


def _fabrique_too_large(data):
    for subsidy in data["operating_subsidies"]:
        if subsidy["programme"] == "fabrique_de_territoire":
            subsidy.update(amount_eur_per_year=80_000.0, award_probability=1.0)


def test_a_broken_rule_is_said(default):
    results = tl.simulate(edit_scenario(default, _fabrique_too_large), draws=200, seed=SEED)
    checks = {check.code: check for check in results.rule_checks}
    assert checks["fabrique"].status == "broken"
    text = build_report_html(results)
    sentences = _li(_section(text, "risks"))
    rule = message("financing.rule.fabrique", "fr")
    expected = message("report.risks.rule_broken_central", "fr", rule=rule,
                       share=format_percent(checks["fabrique"].broken_share, 0, "fr"))
    assert visible(expected) in sentences
    assert visible(message("report.risks.rules_respected", "fr", count=4)) not in sentences
    # the rules' table says "broken" in words, marked without colour
    financing = _section(text, "financing")
    assert re.search(r'<td class="status-broken">enfreinte dans certains cas</td>', financing)
    english = _li(_section(build_report_html(results, "en"), "risks"))
    assert visible(message("report.risks.rule_broken_central", "en",
                           rule=message("financing.rule.fabrique", "en"),
                           share=format_percent(checks["fabrique"].broken_share, 0, "en"))) \
        in english


def test_no_uncertain_input_says_so_instead_of_a_chart(default):
    results = tl.simulate(zero_variance(default), draws=20, seed=SEED)
    assert drivers_tornado(results) is None
    text = build_report_html(results)
    section = _section(text, "risks")
    assert 'class="plotly-graph-div"' not in section
    assert visible(message("report.risks.no_uncertain", "fr")) in visible(section)
    assert text.count('class="plotly-graph-div"') == _expected_charts(results) == 10
    assert [figure.section for figure in report_figures(results)].count("risks") == 0
    sentences = risk_sentences(results, None, "fr")
    assert not [s for s in sentences if "pèsent le plus" in s or "probabilité de" in s]
    english = _section(build_report_html(results, "en"), "risks")
    assert visible(message("report.risks.no_uncertain", "en")) in visible(english)


def test_risks_when_cash_never_goes_negative(default):
    def rich_site(data):
        data["simulation"]["initial_cash_eur"] = 2_000_000.0
    results = tl.simulate(edit_scenario(default, rich_site), draws=100, seed=SEED)
    sentences = risk_sentences(results, drivers_tornado(results), "fr")
    assert sentences[0] == message("report.risks.cash_never_negative", "fr", draws="100")
    # the operator never needs the balancing subsidy, but the collectivity still pays the
    # works: the bad case of its net cost is still said
    p90 = np.quantile(results.indicators["net_cost_eur"], 0.9)
    assert p90 > 0
    bad = [s for s in sentences if s.startswith("Cas défavorable")]
    assert len(bad) == 1 and format_eur(round(p90, -3), 0, "fr") in bad[0]


def _no_cost(data):
    """No investment, no subsidy, a rich operator paying rent: the collectivity only receives."""
    data["investment"].update(lines=[], grants=[])
    data["operating_subsidies"] = []
    data["simulation"]["initial_cash_eur"] = 2_000_000.0
    data["public_support"]["initial_cash_public_share"] = 0.0


def test_a_site_that_earns_the_collectivity_money_has_no_bad_case(default):
    results = tl.simulate(edit_scenario(default, _no_cost), draws=100, seed=SEED)
    assert np.quantile(results.indicators["net_cost_eur"], 0.9) <= 0
    sentences = risk_sentences(results, drivers_tornado(results), "fr")
    assert message("report.risks.bad_case_none", "fr", years=10) in sentences
    assert not [s for s in sentences if s.startswith("Cas défavorable")]


def test_print_css(french_html):
    style = french_html.split("<style>")[1].split("</style>")[0]
    assert "@media print" in style and "@page" in style
    assert "break-inside: avoid" in style


def test_bad_suffix_is_refused(default_run, tmp_path):
    with pytest.raises(ValueError, match=r"\.txt"):
        write_report(default_run, tmp_path / "rapport.txt")


def test_write_html(default_run, tmp_path):
    path = write_report(default_run, tmp_path / "rapport.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_missing_chromium_writes_the_html_and_says_how(default_run, tmp_path):
    with pytest.raises(PdfUnavailable) as caught:
        write_report(default_run, tmp_path / "rapport.pdf", chromium="/nonexistent/chromium")
    html_path = tmp_path / "rapport.html"
    assert caught.value.html_path == html_path and html_path.exists()
    assert not (tmp_path / "rapport.pdf").exists()
    assert str(html_path) in str(caught.value) and "imprimez-le en PDF" in str(caught.value)


def _check_png(path: Path) -> None:
    """A valid PNG that is not blank (not all one colour)."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, path
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert data[12:16] == b"IHDR" and width > 100 and height > 100, path
    try:
        from PIL import Image
    except ImportError:  # no Pillow: a blank page compresses to almost nothing
        assert len(data) > 2_000, path
        return
    with Image.open(path) as image:
        image.load()
        assert image.size == (width, height)
        low, high = image.convert("L").getextrema()
        assert high - low > 100, path  # black text on white paper


@needs_chromium
@needs_pdftotext
@needs_pdftoppm
@pytest.mark.slow
def test_pdf_has_the_section_titles_and_its_pages_render(default_run, tmp_path):
    path = write_report(default_run, tmp_path / "rapport.pdf")
    assert path.read_bytes()[:5] == b"%PDF-"
    assert not (tmp_path / "rapport.html").exists()  # the intermediate HTML is removed
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    for key in SECTIONS:
        assert message(f"report.section.{key}", "fr") in text, key
    assert "Risques et principaux facteurs" in text
    assert "Principaux facteurs du coût net pour la collectivité" in text
    assert default_run.scenario.meta.name in text
    assert scenario_hash(default_run) in text
    # every page renders to PNG (a page per form feed in pdftotext's output)
    pages = text.count("\f")
    assert pages >= len(SECTIONS) + 1  # a title page, then each section on a new page
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "page")],
                   check=True, capture_output=True, timeout=120)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    for image in images:
        _check_png(image)


@needs_chromium
@needs_pdftotext
@pytest.mark.slow
def test_pdf_first_page_holds_the_whole_note(default_run, tmp_path):
    """Printed on A4 with four pinned variants (the dashboard's most), the note to the council
    is all on page 1 — from its title to the proposed deliberation and the pointer to the
    appendix — and the summary starts page 2."""
    variants = [(f"Variante {letter}", default_run) for letter in "ABCD"]
    html_path = tmp_path / "rapport.html"
    html_path.write_text(build_report_html(default_run, "fr", variants=variants),
                         encoding="utf-8")
    pdf = tmp_path / "rapport.pdf"
    from tierslieux_sim.faces.report import print_pdf

    print_pdf(html_path, pdf)

    def page(number: int) -> str:
        return " ".join(subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"], check=True,
            capture_output=True, text=True).stdout.split())

    first, second = page(1), page(2)
    for text in (message("report.title", "fr", name=default_run.scenario.meta.name),
                 message("report.note.decision_title", "fr"), "2037 (8 mois)",
                 message("report.note.who_pays_title", "fr"), "Variante D",
                 message("report.note.conditions_title", "fr"),
                 message("report.note.deliberation_title", "fr"),
                 "avec le gestionnaire.", "section « Hypothèses »."):
        assert " ".join(visible(text).split()) in first, text
    assert second.startswith(message("report.section.summary", "fr"))
    assert scenario_hash(default_run) not in first


@needs_chromium
@pytest.mark.slow
def test_cli_report_pdf(tmp_path, capsys):
    out = tmp_path / "rapport.pdf"
    assert main(["report", "--draws", "200", "--seed", "3", "-o", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert str(out) in capsys.readouterr().out


def test_cli_report_html_in_english(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["--lang", "en", "report", "--draws", "200", "--seed", "3", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "<dd>200</dd>" in text and "<dd>3</dd>" in text
    assert "Report written" in capsys.readouterr().out


def test_cli_report_bad_input(tmp_path, capsys):
    assert main(["report", "-o", str(tmp_path / "rapport.txt")]) == 2
    assert ".txt" in capsys.readouterr().err
    assert main(["report", "--draws", "0", "-o", str(tmp_path / "r.html")]) == 2
    missing = tmp_path / "absent.toml"
    assert main(["report", str(missing), "-o", str(tmp_path / "r.html")]) == 2
    assert not (tmp_path / "r.html").exists()


def test_cli_report_pdf_unavailable(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("tierslieux_sim.faces.report.CHROMIUM_PATH", "/nonexistent/chromium")
    monkeypatch.setattr("tierslieux_sim.faces.report.write_report.__defaults__",
                        (None, "/nonexistent/chromium", None))
    out = tmp_path / "rapport.pdf"
    assert main(["report", "--draws", "200", "--seed", "3", "-o", str(out)]) == 1
    assert not out.exists() and (tmp_path / "rapport.html").exists()
    assert "imprimez-le en PDF" in capsys.readouterr().err


def _budget_years(run) -> list[int]:
    return sorted(int(name[9:13]) for name in run.indicators
                  if name.startswith("net_cost_") and name[9:13].isdigit() and len(name) == 17)


def _cells(table_html: str) -> list[list[str]]:
    """The body rows of an HTML table, as the reader sees their cells."""
    body = table_html.split("<tbody>")[1].split("</tbody>")[0]
    return [[visible(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


def test_first_page_is_the_note_with_the_cost_per_budget_year(default_run, french_html):
    """The note's table: one row per budget year, investment, operating and net cost P50 /
    P80, computed here from the per-draw indicators."""
    note = _note(french_html)
    assert message("report.note.decision_title", "fr") in visible(note)
    table = note.split('<div class="year-table">')[1].split("</div>")[0]
    rows = _cells(table)
    years = _budget_years(default_run)
    assert len(rows) == len(years) == 11  # Sept. 2027 to Aug. 2037: 2027 … 2037
    assert rows[0][0] == "2027 (4 mois)" and rows[-1][0] == "2037 (8 mois)"
    assert [row[0][:4] for row in rows] == [str(year) for year in years]
    indicators = default_run.indicators
    for row, year in zip(rows, years, strict=True):
        for cell, name in zip(row[1:], (f"net_cost_investment_{year}_eur",
                                        f"net_cost_operating_{year}_eur",
                                        f"net_cost_{year}_eur"), strict=True):
            p50, p80 = np.quantile(indicators[name], [0.5, 0.8])
            assert cell == visible(f"{format_eur(p50, 0, 'fr')} / {format_eur(p80, 0, 'fr')}")
    # the works are paid in 2027: investment is the heaviest part of the first budget year
    assert np.quantile(indicators["net_cost_investment_2027_eur"], 0.5) > 50_000
    text = visible(note)
    total = indicators["net_cost_eur"]
    assert visible(format_eur(np.quantile(total, 0.8), 0, "fr")) in text
    assert visible(format_eur(np.quantile(indicators["net_cost_pv_eur"], 0.5), 0, "fr")) in text
    per_inhabitant = np.median(total) / 15_000 / 10
    assert visible(message("headline.per_inhabitant", "fr",
                           value=format_eur(per_inhabitant, 2, "fr"))) in text
    # autonomy on both definitions, side by side in one sentence
    operating = np.mean(np.nan_to_num(indicators["autonomy_month"], nan=np.inf) <= 60)
    full = np.mean(np.nan_to_num(indicators["full_cost_autonomy_month"], nan=np.inf) <= 60)
    autonomy = [item for item in _items(note, "headline") if item.startswith("Autonomie")]
    assert autonomy == [visible(message("headline.autonomy", "fr", year=5,
                                        operating=format_percent(operating, 0, "fr"),
                                        full=format_percent(full, 0, "fr")))]
    assert "reste à charge" not in text


def _items(note: str, css_class: str) -> list[str]:
    block = note.split(f'<ul class="{css_class}">')[1].split("</ul>")[0]
    return [visible(item) for item in re.findall(r"<li>(.*?)</li>", block)]


def test_note_says_who_pays_by_funder_level(default_run, french_html):
    note = _note(french_html)
    table = note.split('<div class="funders">')[1].split("</div>")[0]
    headers = [visible(h) for h in re.findall(r"<th>(.*?)</th>", table)]
    assert headers == [message(f"financing.funder.{name}", "fr") for name in
                       ("epci_commune", "departement", "region", "state", "eu")]
    by_funder = {funder: 0.0 for funder in ("epci_commune", "departement", "region", "state",
                                            "eu")}
    for column in default_run.indicators:  # public_money_<kind>_<funder>_eur, mean
        for funder in by_funder:
            if column.startswith("public_money_") and column.endswith(f"_{funder}_eur"):
                by_funder[funder] += default_run.indicators[column].mean()
    assert _cells(table)[0] == [visible(format_eur(amount, 0, "fr"))
                                for amount in by_funder.values()]
    assert by_funder["state"] > 0 and by_funder["departement"] == 0  # DETR, no Département


def test_note_names_the_conditions_that_decide_the_result(default_run, french_html):
    tornado = sensitivity(default_run.scenario, "net_cost", method="tornado")
    conditions = _items(_note(french_html), "conditions")
    moving = [bar for bar in tornado.bars if bar.swing > 0][:3]
    assert len(conditions) == len(moving) == 3
    for sentence, bar in zip(conditions, moving, strict=True):
        label = tornado.table("fr").set_index("path").at[bar.path, "input"]
        assert sentence.startswith(f"« {label} »")
        for value in (bar.output_low, bar.output_high):
            step = 1_000 if abs(value) >= 10_000 else 100
            assert visible(format_eur(round(value / step) * step, 0, "fr")) in sentence
    assert visible(message("report.note.conditions_title", "fr")) in visible(_note(french_html))


def test_note_proposes_a_deliberation(default_run, french_html):
    note = _note(french_html)
    text = visible(note.split('<p class="deliberation">')[1].split("</p>")[0])
    total = default_run.indicators["net_cost_eur"]
    assert text.startswith("Le conseil, après en avoir délibéré, décide d'engager le projet "
                           f"« {default_run.scenario.meta.name} » pour un coût net estimé à "
                           f"{visible(format_eur(np.quantile(total, 0.8), 0, 'fr'))} (P80")
    assert "sur 10 ans, de 2027 à 2037" in text
    peak = np.quantile(default_run.indicators["net_cost_2027_eur"], 0.8)
    assert f"dont au plus {visible(format_eur(peak, 0, 'fr'))} en 2027 (P80)" in text
    english = _note(build_report_html(default_run, "en"))
    assert "The council, having deliberated, decides to engage the project" in visible(english)
    assert message("report.note.decision_title", "en") in visible(english)
    assert "Le conseil" not in english and "Année budgétaire" not in english


def test_no_variant_no_comparison_table(french_html):
    assert '<div class="variants">' not in french_html
    assert message("report.note.variants_title", "fr") not in visible(french_html)


def test_pinned_variants_are_compared_on_the_first_page(default_run, default):
    def cheaper(data):
        data["staff"][0]["fte"] = 0.5

    variant = tl.simulate(edit_scenario(default, cheaper), draws=200, seed=SEED)
    text = build_report_html(default_run, "fr", variants=[("Mi-temps", variant)])
    note = _note(text)
    assert visible(message("report.note.variants_title", "fr")) in visible(note)
    rows = _cells(note.split('<div class="variants">')[1].split("</div>")[0])
    assert [row[0] for row in rows] == [default_run.scenario.meta.name, "Mi-temps"]
    for row, run in zip(rows, (default_run, variant), strict=True):
        total = run.indicators["net_cost_eur"]
        peak_year = max(_budget_years(run),
                        key=lambda year: np.quantile(run.indicators[f"net_cost_{year}_eur"], 0.8))
        peak = np.quantile(run.indicators[f"net_cost_{peak_year}_eur"], 0.8)
        assert row[1:] == [visible(format_eur(np.quantile(total, 0.5), 0, "fr")),
                           visible(format_eur(np.quantile(total, 0.8), 0, "fr")),
                           visible(f"{peak_year} : {format_eur(peak, 0, 'fr')}")]
    assert rows[1][2] != rows[0][2]  # half the staff: another net cost
    english = _note(build_report_html(default_run, "en", variants=[("Half-time", variant)]))
    assert "Variants compared" in visible(english) and "Half-time" in english


@needs_chromium
def test_report_pdf_bytes(default_run):
    from tierslieux_sim.faces.report import pdf_available, report_pdf_bytes

    assert pdf_available()
    assert report_pdf_bytes(default_run, "en")[:4] == b"%PDF"


def test_report_pdf_bytes_without_chromium(default_run):
    from tierslieux_sim.faces.report import pdf_available, report_pdf_bytes

    assert not pdf_available("/nonexistent/chromium")
    with pytest.raises(PdfUnavailable):
        report_pdf_bytes(default_run, "fr", chromium="/nonexistent/chromium")


def test_method_appendix_defines_the_indicators_and_states_the_precision(default_run,
                                                                        french_html):
    """The precision sentence quotes the 95 % Monte Carlo half-widths of the median net cost
    and of the autonomy probability, computed here from order statistics and the binomial
    standard error; every figure of the first page is defined, in French and in English."""
    from tierslieux_sim.core.formatting import format_number
    from tierslieux_sim.faces.report import DEFINED_TERMS, precision
    from tierslieux_sim.views.headline import definition_lines

    money, probability = precision(default_run)
    values = np.sort(default_run.indicators["net_cost_eur"].to_numpy())
    n = values.size
    half = 1.959964 * np.sqrt(n * 0.25)
    low, high = values[int(np.floor(n / 2 - half))], values[int(np.ceil(n / 2 + half))]
    assert money == pytest.approx((high - low) / 2)
    p = default_run.autonomy_probability(5)
    assert probability == pytest.approx(1.959964 * np.sqrt(p * (1 - p) / n))
    method = _section(french_html, "method")
    assert visible(f"± {format_eur(money, 0, 'fr')}") in visible(method)
    assert format_number(100 * probability, 1, "fr") in method
    assert "médiane du coût net pour la collectivité" in visible(method)
    for term in DEFINED_TERMS:
        assert message(f"report.define.{term}.term", "fr") in visible(method)
    for language, text in (("fr", method),
                           ("en", _section(build_report_html(default_run, "en"), "method"))):
        definitions = visible(text.split('<ul class="definitions">')[1].split("</ul>")[0])
        for line in definition_lines(language):  # net cost, autonomy on both bases
            term, _, body = line.partition(":")
            assert f"{term.strip()}" in definitions and body.strip() in definitions, language
        for term in ("budget_year", "percentiles", "present_value", "who_pays"):
            assert visible(message(f"report.define.{term}", language)) in definitions
    assert message("report.method_sampling.random", "fr") in visible(method)


def test_no_line_break_before_french_punctuation_or_percent():
    from tierslieux_sim.faces.report import _e

    text = _e("« Fabrique » : 90 % des cas ; vraiment ? oui !")
    assert " :" not in text and " %" not in text and " ;" not in text
    assert " ?" not in text and " !" not in text and "« " not in text and " »" not in text
    assert text.replace(NBSP, " ") == "« Fabrique » : 90 % des cas ; vraiment ? oui !"


def test_english_report_shows_english_units(default_run):
    section = _section(build_report_html(default_run, "en"), "hypotheses")
    assert "days/month" in section and "jours/mois" not in section.split("</table>")[0]
