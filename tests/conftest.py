"""Shared fixtures: scenarios derived from the default one, and cached Monte Carlo runs.

Scenarios are frozen pydantic models; variants are built by editing
``scenario.model_dump(by_alias=True)`` and re-validating with ``scenario_from_dict`` (see
:func:`edit_scenario`), so every variant also passes the schema's checks.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from typing import Any

import pytest

import tierslieux_sim as tl
from tierslieux_sim.core.i18n import set_language
from tierslieux_sim.scenario.files import scenario_from_dict
from tierslieux_sim.scenario.paths import set_path, uncertain_leaves
from tierslieux_sim.scenario.schema import Scenario

SEED = 20_240_917
IDENTITY_DRAWS = 500



@pytest.fixture(autouse=True)
def _keep_main_module():
    """AppTest leaves its generated script as ``sys.modules["__main__"]``; processes started
    later with "spawn" (the sweep's local processes, Dask's nannies) would try to re-run that
    script. Put the real one back after every test."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(autouse=True)
def _french_by_default(monkeypatch):
    """Every test starts with no language chosen and no TIERSLIEUX_LANG: French."""
    monkeypatch.delenv("TIERSLIEUX_LANG", raising=False)
    set_language(None)
    yield
    set_language(None)


def edit_scenario(scenario: Scenario, edit: Callable[[dict[str, Any]], None]) -> Scenario:
    """A validated copy of ``scenario`` after ``edit`` mutates its plain-data dump."""
    data = copy.deepcopy(scenario.model_dump(by_alias=True))
    edit(data)
    return scenario_from_dict(data)


def zero_variance(scenario: Scenario) -> Scenario:
    """Every distribution replaced by its median; award probabilities rounded to 0 or 1 the
    way the central case decides them (awarded iff 0.5 < p); correlations dropped."""
    medians = {path: distribution.median()
               for path, distribution in uncertain_leaves(scenario).items()}

    def edit(data: dict[str, Any]) -> None:
        for path, median in medians.items():
            set_path(data, path, median)
        for item in data["investment"]["grants"] + data["operating_subsidies"]:
            item["award_probability"] = 1.0 if item["award_probability"] > 0.5 else 0.0
        data["correlations"] = []

    return edit_scenario(scenario, edit)


def _rich(data: dict[str, Any]) -> None:
    """Binding capacity, a loan with deferral, a donation line, an aided contract, a line
    ending early, a grant with a cap: every branch of the accounts is exercised."""
    data["site"].update(flex_desks=3, dedicated_desks=1, private_offices=1)
    data["loan"].update(amount_eur={"dist": "uniform", "min": 20_000.0, "max": 40_000.0},
                        annual_rate={"dist": "pert", "min": 0.02, "mode": 0.035, "max": 0.05},
                        years=7, deferral_months=6, disbursement_month=2)
    data["revenue_lines"].append(
        {"name": "Mécénat", "kind": "donation",
         "annual_amount_eur": {"dist": "triangular", "min": 0.0, "mode": 2_000.0, "max": 6_000.0},
         "yearly_growth_rate": 0.0, "start_year": 1, "end_year": 4})
    data["staff"].append(
        {"role": "Médiateur·rice numérique", "fte": 0.5, "loaded_annual_cost_eur": 32_000.0,
         "start_month": 7, "end_month": 90, "aided_contract_support_rate": 0.6,
         "aided_contract_months": 24})
    data["investment"]["grants"][0]["cap_eur"] = 20_000.0


@pytest.fixture(scope="session")
def default() -> Scenario:
    return tl.default_scenario()


@pytest.fixture(scope="session")
def rich(default: Scenario) -> Scenario:
    return edit_scenario(default, _rich)


@pytest.fixture(scope="session")
def default_run(default: Scenario) -> tl.Results:
    return tl.simulate(default, draws=IDENTITY_DRAWS, seed=SEED)


@pytest.fixture(scope="session")
def rich_run(rich: Scenario) -> tl.Results:
    return tl.simulate(rich, draws=IDENTITY_DRAWS, seed=SEED, chunk_draws=300)


@pytest.fixture(scope="session")
def autonomy_scenario(default: Scenario) -> Scenario:
    """The default site with a lighter team: about half the draws reach autonomy."""
    def edit(data: dict[str, Any]) -> None:
        data["staff"][0]["fte"] = {"dist": "pert", "min": 0.2, "mode": 0.4, "max": 0.6}
    return edit_scenario(default, edit)


@pytest.fixture(scope="session")
def autonomy_run(autonomy_scenario: Scenario) -> tl.Results:
    return tl.simulate(autonomy_scenario, draws=2_000, seed=SEED)
