"""The content of the report's first page, a one-page note for the council: the headline of
:mod:`tierslieux_sim.views.headline` (not recomputed here), who pays by funder level, the pinned
variants side by side, the conditions that decide the result (the first bars of the
central-case tornado of the collectivity's net cost) and a proposed wording for the
deliberation. Text and rows only, in the reader's language; :mod:`tierslieux_sim.faces.report`
lays them out in HTML."""

from __future__ import annotations

from collections.abc import Sequence

from tierslieux_sim.analysis.sensitivity import Tornado
from tierslieux_sim.core.formatting import format_eur
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.results import Results
from tierslieux_sim.scenario.labels import format_value, input_label
from tierslieux_sim.views.headline import Headline, funder_text, headline

#: Funder levels shown on the note, nearest first; "other" only when present.
NOTE_FUNDERS = ("epci_commune", "departement", "region", "state", "eu")
#: Conditions (tornado bars) named on the note.
CONDITIONS_NAMED = 3

#: A variant shown beside the run: its name and its results.
Variant = tuple[str, Results]


def rounded_eur(value: float, language: str) -> str:
    """An amount in a sentence: to the thousand euros from 10 000 €, else to the hundred."""
    step = 1_000 if abs(value) >= 10_000 else 100 if abs(value) >= 1_000 else 1
    return format_eur(round(value / step) * step, 0, language)


def headline_items(head: Headline, sentences: list[str], language: str) -> list[str]:
    """The headline's sentences without the one on funders (the note shows them as a table)."""
    by_funder = message("headline.by_funder", language, items=funder_text(head, language))
    return [sentence for sentence in sentences if sentence != by_funder]


def funder_rows(head: Headline, language: str) -> tuple[list[str], list[str]]:
    """Headers (funder levels) and amounts of public money by funder over the horizon (mean
    over draws, in-kind support included): every level of :data:`NOTE_FUNDERS`, 0 € when it
    pays nothing, then any other funder present."""
    funders = list(NOTE_FUNDERS) + [name for name in head.by_funder.index
                                    if name not in NOTE_FUNDERS]
    amounts = head.by_funder.reindex(funders, fill_value=0.0)
    return ([message(f"financing.funder.{name}", language) for name in funders],
            [format_eur(float(amounts[name]), 0, language) for name in funders])


def variant_rows(results: Results, variants: Sequence[Variant], language: str
                 ) -> tuple[list[str], list[list[str]]]:
    """Headers and rows comparing the run with the pinned variants: net cost over the
    horizon P50 and P80, the heaviest budget year and its P80 (from each one's headline)."""
    headers = [message(f"report.note.variant_col.{name}", language)
               for name in ("name", "total_p50", "total_p80", "peak")]
    rows = []
    for name, result in [(results.scenario.meta.name, results), *variants]:
        head = headline(result)
        rows.append([name, format_eur(head.total_p50, 0, language),
                     format_eur(head.total_p80, 0, language),
                     message("report.note.peak_cell", language, year=head.peak_year,
                             p80=format_eur(head.peak_p80, 0, language))])
    return headers, rows


def condition_sentences(drivers: Tornado | None, years: int, language: str) -> list[str]:
    """The conditions that decide the result: the first :data:`CONDITIONS_NAMED` bars of the
    central-case tornado of the net cost, each with the net cost over the horizon at both
    ends (an input at its P10 and P90; a grant refused and awarded)."""
    if drivers is None:
        return [message("report.note.no_conditions", language)]
    moving = [bar for bar in drivers.bars if bar.swing > 0][:CONDITIONS_NAMED]
    if not moving:
        return [message("report.note.no_conditions", language)]
    sentences = []
    for bar in moving:
        name = input_label(drivers.scenario, bar.path, language)
        if bar.is_award:
            sentences.append(message(
                "report.note.condition_award", language, input=name, years=years,
                refused=rounded_eur(bar.output_low, language),
                awarded=rounded_eur(bar.output_high, language)))
        else:
            sentences.append(message(
                "report.note.condition", language, input=name, years=years,
                low=format_value(bar.low_input, bar.unit, language),
                high=format_value(bar.high_input, bar.unit, language),
                at_low=rounded_eur(bar.output_low, language),
                at_high=rounded_eur(bar.output_high, language)))
    return sentences


def deliberation_text(results: Results, head: Headline, language: str) -> str:
    """A proposed wording for the council's deliberation: engage the project for the net
    cost P80 over the horizon, its budget years and its heaviest year."""
    years = results.budget_years
    return message("report.note.deliberation", language, name=results.scenario.meta.name,
                   p80=format_eur(head.total_p80, 0, language),
                   p50=format_eur(head.total_p50, 0, language),
                   years=results.horizon_years, first=years[0], last=years[-1],
                   peak_year=head.peak_year,
                   peak_p80=format_eur(head.peak_p80, 0, language))
