"""``tierslieux run``: simulate a scenario, print its key figures in plain sentences and
write the results file."""

from __future__ import annotations

import argparse
import functools
import warnings

import numpy as np
import pandas as pd

from tierslieux_sim.core.formatting import format_eur, format_month, format_percent
from tierslieux_sim.core.i18n import current_language, message
from tierslieux_sim.core.notices import TiersLieuxWarning
from tierslieux_sim.engine.auto_draws import DEFAULT_MAX_DRAWS, simulate_auto
from tierslieux_sim.engine.finite import check_finite_results
from tierslieux_sim.engine.pipeline import simulate
from tierslieux_sim.engine.results import Results
from tierslieux_sim.faces.cli.arguments import EXIT_BAD_INPUT, EXIT_OK, output_problem
from tierslieux_sim.faces.cli.common import print_error, print_labelled, write_output
from tierslieux_sim.faces.cli.guard import auto_draws_cap, memory_problem
from tierslieux_sim.faces.result_files import RESULT_SUFFIXES, write_results
from tierslieux_sim.scenario.files import default_scenario, load_scenario
from tierslieux_sim.scenario.schema import Scenario
from tierslieux_sim.views import headline
from tierslieux_sim.views.impacts import (
    impacts_estimated,
    reading_co2_avoided,
    reading_socio_economic_balance,
)
from tierslieux_sim.views.public_money import (
    public_money_by_funder,
    public_money_by_kind,
    public_money_eur,
    public_money_ratios,
)
from tierslieux_sim.views.yearly import yearly_kpis

#: What ``run --out`` writes, by file name extension.
OUTPUT_SUFFIXES = RESULT_SUFFIXES


def _autonomy_text(month: float, scenario: Scenario) -> str:
    if not np.isfinite(month):
        return message("cli.never")
    opening = pd.Timestamp(scenario.simulation.opening_month + "-01")
    return format_month((opening + pd.DateOffset(months=int(month) - 1)).date())


def kpi_report(results: Results) -> str:
    """The plain-text key indicators printed by ``tierslieux run``."""
    scenario = results.scenario
    summary = results.summary().set_index(["indicator", "statistic"])["value"]
    standard_errors = results.summary().set_index(["indicator", "statistic"])["mc_standard_error"]
    lines = [message("cli.header", name=scenario.meta.name, draws=f"{results.draws:,}".replace(
        ",", "\u202f" if current_language() == "fr" else ","), seed=results.seed,
        sampling=results.sampling,
        opening=format_month(pd.Timestamp(scenario.simulation.opening_month + "-01").date())), ""]
    lines += [*headline.text_report(results), ""]

    table = yearly_kpis(results)
    headers = [message("cli.col_year"), message("cli.col_autonomy"),
               message("cli.col_balancing"), message("cli.col_occupancy")]
    opening_year = int(scenario.simulation.opening_month[:4])
    rows = []
    for year, row in table.iterrows():
        balancing = " / ".join(format_eur(row[f"balancing_subsidy_{q}_eur"])
                               for q in ("p50", "p80", "p90"))
        occupancy = (f"{format_percent(row['occupancy_rate_p50'])} "
                     f"({format_percent(row['occupancy_rate_p10'])}–"
                     f"{format_percent(row['occupancy_rate_p90'])})")
        first_calendar_year = opening_year + year - 1
        rows.append([f"{year} ({first_calendar_year}-{str(first_calendar_year + 1)[2:]})",
                     format_percent(row["autonomy_probability"]), balancing, occupancy])
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) for i in range(len(headers))]
    lines.append(message("cli.table_title"))
    lines.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    lines.append("  ".join("─" * w for w in widths))
    lines += ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                        enumerate(zip(r, widths, strict=True))) for r in rows]
    lines.append("")
    total = "balancing_subsidy_eur"
    lines.append(message(
        "cli.total_balancing", years=results.horizon_years,
        p50=format_eur(summary[(total, "p50")]), p80=format_eur(summary[(total, "p80")]),
        p90=format_eur(summary[(total, "p90")]), mean=format_eur(summary[(total, "mean")]),
        se=format_eur(standard_errors[(total, "mean")])))
    lines.append(message(
        "cli.min_cash", p10=format_eur(summary[("min_cash_eur", "p10")]),
        p50=format_eur(summary[("min_cash_eur", "p50")]),
        negative=format_percent(summary[("cash_ever_negative", "probability")])))
    lines.append(message("cli.autonomy_median",
                         date=_autonomy_text(results.median_autonomy_month(), scenario)))
    central = results.central_indicators
    lines.append(message("cli.central", balancing=format_eur(central["balancing_subsidy_eur"]),
                         autonomy=_autonomy_text(np.nan_to_num(central["autonomy_month"],
                                                               nan=np.inf), scenario)))
    lines += ["", *public_money_report(results), *rules_report(results), "",
              *territory_report(results)]
    return "\n".join(lines)


def territory_report(results: Results) -> list[str]:
    """Impacts for the territory and the socio-economic balance, in plain sentences."""
    if not impacts_estimated(results):
        return [reading_co2_avoided(results)]
    return [message("cli.territory_title"), "  " + reading_co2_avoided(results),
            "  " + reading_socio_economic_balance(results)]


#: Decimals of the public money ratios printed by ``run`` (small amounts keep cents).
_RATIO_DECIMALS = {"public_money_per_inhabitant_per_year_eur": 2,
                   "public_money_per_desk_day_eur": 2}


def _shares_text(means: pd.Series, label: str) -> str:
    """``EPCI / commune 199 670 € (75 %) · État 57 980 € (22 %)`` (largest first)."""
    total = float(means.sum())
    items = []
    for key, amount in means.sort_values(ascending=False).items():
        share = amount / total if total > 0 else 0.0
        items.append(message("cli.public_money_item", label=message(f"{label}.{key}"),
                             amount=format_eur(amount), share=format_percent(share)))
    return " · ".join(items)


def public_money_report(results: Results) -> list[str]:
    """Lines on public money: total, by funder, by kind, per unit, valued volunteering."""
    total = public_money_eur(results).to_numpy()
    p10, p50, p90 = np.quantile(total, [0.1, 0.5, 0.9])
    lines = [message("cli.public_money_total", years=results.horizon_years, p50=format_eur(p50),
                     p10=format_eur(p10), p90=format_eur(p90), mean=format_eur(total.mean()))]
    lines.append(message("cli.public_money_by_funder", items=_shares_text(
        public_money_by_funder(results).mean(), "financing.funder")))
    lines.append(message("cli.public_money_by_kind", items=_shares_text(
        public_money_by_kind(results).mean(), "financing.kind")))
    ratios = []
    for name, values in public_money_ratios(results).items():
        finite = values.to_numpy(dtype=float)
        finite = finite[np.isfinite(finite)]
        if finite.size:
            ratios.append(message(f"cli.ratio.{name}", value=format_eur(
                float(np.median(finite)), _RATIO_DECIMALS.get(name, 0))))
    if ratios:
        lines.append(message("cli.public_money_ratios", items=" · ".join(ratios)))
    volunteer = results.indicators.get("volunteer_time_eur")
    if volunteer is not None and float(volunteer.max()) > 0:
        lines.append(message("cli.volunteer", value=format_eur(float(volunteer.mean()))))
    return lines


def _rule_value(value: float, unit: str) -> str:
    return format_percent(value) if unit == "share" else format_eur(value)


def rules_report(results: Results) -> list[str]:
    """One line per funding rule: respected, broken (in what share of draws) or not
    applicable; the texts of broken rules are also printed as warnings."""
    lines = [message("cli.rules_title")]
    for check in results.rule_checks:
        if check.status == "not_applicable":
            mark, status = "–", message("cli.rule_not_applicable")
        elif check.status == "respected":
            mark, status = "✓", message("cli.rule_respected", central=_rule_value(
                check.central_value, check.unit) if np.isfinite(check.central_value) else "–")
        else:
            share = check.broken_share
            mark, status = "✗", message(
                "cli.rule_broken", share=format_percent(share, 1 if 0 < share < 0.1 else 0),
                central=_rule_value(check.central_value, check.unit),
                worst=_rule_value(check.worst_value, check.unit),
                limit=_rule_value(check.limit, check.unit))
        lines.append(message("cli.rule_line", mark=mark,
                             rule=message(f"financing.rule.{check.code}"), status=status))
    return lines


def _simulate_run(scenario: Scenario, arguments: argparse.Namespace) -> Results:
    """``run``'s simulation: ``--draws auto`` capped at what fits in memory (a notice says
    when the cap is reached); the outputs checked finite."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TiersLieuxWarning)  # printed from results.notices
        if arguments.draws == "auto":
            results = simulate_auto(scenario, arguments.tolerance, seed=arguments.seed,
                                    sampling=arguments.sampling, keep=arguments.keep,
                                    progress=True, max_draws=auto_draws_cap(
                                        scenario, arguments.keep, DEFAULT_MAX_DRAWS))
        else:
            results = simulate(scenario, draws=arguments.draws, seed=arguments.seed,
                               sampling=arguments.sampling, keep=arguments.keep, progress=True)
    check_finite_results(results)
    return results


def _refused(problem: str | None) -> bool:
    """Print ``problem`` as an error, if any; True when there was one."""
    if problem:
        print_error(problem)
    return bool(problem)


def command_run(arguments: argparse.Namespace) -> int:
    # Checked before simulating: the output path, then the memory a full run needs.
    if _refused(output_problem(arguments.out, OUTPUT_SUFFIXES, "cli.unsupported_output")):
        return EXIT_BAD_INPUT
    scenario = default_scenario() if arguments.file is None else load_scenario(arguments.file)
    if arguments.draws != "auto" and _refused(memory_problem(scenario, arguments.draws,
                                                             arguments.keep)):
        return EXIT_BAD_INPUT
    results = _simulate_run(scenario, arguments)
    for notice in results.notices:
        print_labelled("cli.warning", notice.text())
    print(kpi_report(results))
    if arguments.out is None:
        return EXIT_OK
    return write_output(functools.partial(write_results, results), arguments.out, "cli.written")
