"""The self-contained report: HTML sections and charts, no network reference, French numbers,
PDF printed by headless chromium, and the ``tierslieux report`` command."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tierslieux_sim import plots_territory
from tierslieux_sim.cli import main
from tierslieux_sim.formatting import NARROW_NBSP, NBSP
from tierslieux_sim.i18n import message
from tierslieux_sim.report import (
    SECTIONS,
    PdfUnavailable,
    build_report_html,
    scenario_hash,
    write_report,
)
from tierslieux_sim.scenario.files import scenario_to_toml
from tierslieux_sim.scenario.paths import uncertain_leaves

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) is not installed")


@pytest.fixture(scope="module")
def french_html(default_run) -> str:
    return build_report_html(default_run)


def _expected_charts(results) -> int:
    """Six dashboard charts, public money by funder, two territory charts when estimated."""
    return 7 + (2 if plots_territory.impacts_estimated(results) else 0)


def test_html_has_every_section_title_in_french(french_html):
    for key in SECTIONS:
        assert f"<h2>{message(f'report.section.{key}', 'fr')}</h2>".replace("'", "&#x27;") \
            in french_html, key
    assert '<html lang="fr">' in french_html


def test_html_has_every_chart_and_plotly_js_once(default_run, french_html):
    assert french_html.count('class="plotly-graph-div"') == _expected_charts(default_run)
    assert french_html.count("Plotly.newPlot(") == _expected_charts(default_run)
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


def test_title_page_facts(default_run, french_html):
    expected = hashlib.sha256(scenario_to_toml(default_run.scenario).encode()).hexdigest()[:12]
    assert scenario_hash(default_run) == expected
    assert expected in french_html
    assert default_run.scenario.meta.name in french_html
    assert f"<dd>{default_run.seed}</dd>" in french_html
    assert "<dd>500</dd>" in french_html  # IDENTITY_DRAWS


def test_french_numbers(default_run, french_html):
    # euros as "151 000 €" (narrow no-break space for thousands, no-break space before €)
    assert re.search(rf"\d{{1,3}}{NARROW_NBSP}\d{{3}}{NBSP}€", french_html)
    assert re.search(rf"\d+{NBSP}%", french_html)
    assert re.search(r"<td[^>]*>\d+,\d+", french_html)  # a decimal comma in a table
    assert not re.search(r"\d,\d{3}\s?€", french_html)  # no English thousands


def test_every_uncertain_input_is_in_the_hypotheses_table(default_run, french_html):
    section = french_html.split('<section id="hypotheses">')[1].split("</section>")[0]
    rows = section.count("<tr>") - 1
    assert rows == len(uncertain_leaves(default_run.scenario)) > 0


def test_english_report(default_run):
    text = build_report_html(default_run, "en")
    assert '<html lang="en">' in text
    for key in SECTIONS:
        assert message(f"report.section.{key}", "en") in text
    assert "Monte Carlo method" in text


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


@needs_chromium
@needs_pdftotext
@pytest.mark.slow
def test_pdf_has_the_section_titles(default_run, tmp_path):
    path = write_report(default_run, tmp_path / "rapport.pdf")
    assert path.read_bytes()[:5] == b"%PDF-"
    assert not (tmp_path / "rapport.html").exists()  # the intermediate HTML is removed
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    for key in SECTIONS:
        assert message(f"report.section.{key}", "fr") in text, key
    assert default_run.scenario.meta.name in text
    assert scenario_hash(default_run) in text


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
    monkeypatch.setattr("tierslieux_sim.report.CHROMIUM_PATH", "/nonexistent/chromium")
    monkeypatch.setattr("tierslieux_sim.report.write_report.__defaults__",
                        (None, "/nonexistent/chromium"))
    out = tmp_path / "rapport.pdf"
    assert main(["report", "--draws", "200", "--seed", "3", "-o", str(out)]) == 1
    assert not out.exists() and (tmp_path / "rapport.html").exists()
    assert "imprimez-le en PDF" in capsys.readouterr().err
