"""The first thing every face shows: the collectivity's net cost per budget year
(investment and operating apart, P50 and P80, the heaviest year), who pays what, the cost per
inhabitant and the operator's autonomy on two definitions — as numbers and as sentences in
the reader's language. Read by the command line, the dashboard, the report and the workbook
(no Plotly, no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tierslieux_sim.core.formatting import format_eur, format_percent
from tierslieux_sim.core.i18n import message
from tierslieux_sim.engine.results import Results
from tierslieux_sim.model.parties import MODES_WITH_BALANCING, management_mode
from tierslieux_sim.views.budget import collectivity_cost_by_budget_year
from tierslieux_sim.views.public_money import public_money_by_funder

#: Year of operation at which autonomy is quoted in the headline.
AUTONOMY_YEAR = 5


@dataclass(frozen=True)
class Headline:
    """The headline figures of a run [€ unless stated].

    ``by_year``: :meth:`Results.collectivity_cost_by_budget_year`; ``total_p50``/``p80``:
    the net cost over the horizon; ``pv_p50``: its present value; ``peak_year`` and
    ``peak_p80``: the budget year with the highest P80 and that P80; ``per_inhabitant_p50``:
    net cost per inhabitant and year (NaN without a population); ``by_funder``: mean public
    money by funder level over the horizon; ``autonomy_operating`` and ``autonomy_full_cost``:
    probabilities [0–1] that the operator is autonomous by the end of year
    :data:`AUTONOMY_YEAR`.
    """

    by_year: pd.DataFrame
    total_p50: float
    total_p80: float
    pv_p50: float
    peak_year: int
    peak_p80: float
    per_inhabitant_p50: float
    by_funder: pd.Series
    autonomy_operating: float
    autonomy_full_cost: float
    operator_short_of_cash: float
    balancing_possible: bool


def headline(results: Results) -> Headline:
    """The headline of ``results``."""
    by_year = collectivity_cost_by_budget_year(results)
    indicators = results.indicators
    total = indicators["net_cost_eur"].to_numpy()
    peak_year = int(by_year["net_p80"].idxmax())
    population = results.scenario.public_support.population_inhabitants
    years = results.scenario.horizon_months / 12.0
    per_inhabitant = (float(np.median(total)) / population / years) if population else np.nan
    return Headline(
        by_year=by_year, total_p50=float(np.quantile(total, 0.5)),
        total_p80=float(np.quantile(total, 0.8)),
        pv_p50=float(np.quantile(indicators["net_cost_pv_eur"].to_numpy(), 0.5)),
        peak_year=peak_year, peak_p80=float(by_year.loc[peak_year, "net_p80"]),
        per_inhabitant_p50=per_inhabitant,
        by_funder=public_money_by_funder(results).mean(),
        autonomy_operating=results.autonomy_probability(
            min(AUTONOMY_YEAR, results.horizon_years)),
        autonomy_full_cost=results.autonomy_probability(
            min(AUTONOMY_YEAR, results.horizon_years), "full_cost"),
        operator_short_of_cash=float(np.mean(
            indicators["operator_shortfall_max_eur"].to_numpy() > 0)),
        balancing_possible=management_mode(
            results.scenario.structure.model_dump()) in MODES_WITH_BALANCING,
    )


def definition_lines(language: str | None = None) -> list[str]:
    """The definitions of the headline figures, in the reader's language."""
    return [message("headline.definition_net_cost", language),
            message("headline.definition_autonomy", language)]


def year_table(head: Headline, language: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Headers and text rows of the cost per budget year: year (months in it when partial),
    investment P50 / P80, operating P50 / P80, net P50 / P80."""
    headers = [message(f"headline.col_{name}", language)
               for name in ("year", "investment", "operating", "net")]
    rows = []
    for year, row in head.by_year.iterrows():
        label = str(year) if row["months"] == 12 else message(
            "headline.partial_year", language, year=year, months=int(row["months"]))
        rows.append([label] + [
            f"{format_eur(row[f'{part}_p50'], 0, language)} / "
            f"{format_eur(row[f'{part}_p80'], 0, language)}"
            for part in ("investment", "operating", "net")])
    return headers, rows


def funder_text(head: Headline, language: str | None = None) -> str:
    """``EPCI / commune 80 000 € · État 30 000 €`` — mean public money by funder, largest
    first (in-kind support included, valued)."""
    items = [f"{message(f'financing.funder.{funder}', language)} "
             f"{format_eur(amount, 0, language)}"
             for funder, amount in head.by_funder.sort_values(ascending=False).items()
             if abs(amount) >= 0.5]
    return " · ".join(items)


def sentences(head: Headline, results: Results, language: str | None = None) -> list[str]:
    """The headline in plain sentences: total and heaviest year, cost per inhabitant, who
    pays, the operator's autonomy on both definitions (and its cash risk when no balancing
    subsidy can cover it)."""
    years = results.horizon_years
    lines = [message("headline.total", language, years=years,
                     p50=format_eur(head.total_p50, 0, language),
                     p80=format_eur(head.total_p80, 0, language),
                     pv=format_eur(head.pv_p50, 0, language)),
             message("headline.peak", language, year=head.peak_year,
                     p80=format_eur(head.peak_p80, 0, language))]
    if np.isfinite(head.per_inhabitant_p50):
        lines.append(message("headline.per_inhabitant", language,
                             value=format_eur(head.per_inhabitant_p50, 2, language)))
    lines.append(message("headline.by_funder", language, items=funder_text(head, language)))
    lines.append(message("headline.autonomy", language,
                         year=min(AUTONOMY_YEAR, years),
                         operating=format_percent(head.autonomy_operating, 0, language),
                         full=format_percent(head.autonomy_full_cost, 0, language)))
    if not head.balancing_possible:
        lines.append(message("headline.operator_risk", language,
                             share=format_percent(head.operator_short_of_cash, 0, language)))
    return lines


def text_report(results: Results, language: str | None = None) -> list[str]:
    """The headline as plain-text lines (a title, an aligned table, sentences, definitions),
    as ``tierslieux run`` prints it first."""
    head = headline(results)
    headers, rows = year_table(head, language)
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) for i in range(len(headers))]
    lines = [message("headline.title", language), message("headline.table_note", language),
             "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)),
             "  ".join("─" * w for w in widths)]
    lines += ["  ".join(c.rjust(w) if i else c.ljust(w)
                        for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows]
    lines += sentences(head, results, language)
    lines += [message("headline.definitions_title", language), *(
        "  " + line for line in definition_lines(language))]
    return lines
