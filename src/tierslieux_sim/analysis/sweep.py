"""Sweeps: many variants of one or many scenarios, one tidy table, locally or on Dask.

``sweep(scenario, {"prices.day_pass_eur": [8, 12, 16], "site.flex_desks": [8, 12]})`` runs
the 6 combinations (a grid is a cartesian product, in the order given); a list of dicts runs
each dict of changes; a list of scenarios or files runs every change on every scenario
(candidate sites × variants). The result has one row per variant: ``variant`` (its number),
``scenario`` (file name or scenario name), one column per changed path, one column per KPI
(see :mod:`.outputs`) and ``notices`` (codes of the run's warnings).

Every variant is simulated with the same seed and draws (common random numbers: differences
between rows are sharp) by one pure function, :func:`run_variant`, of plain data; so the
table is identical whether the variants run here one after the other (``workers=1``), in
``workers`` local processes, or on a Dask cluster (``client=`` a ``distributed.Client``, or
``scheduler=`` the address of a scheduler, e.g. ``tcp://10.0.0.5:8786``; needs the ``dask``
extra on the machine and on the workers, with the same version of tierslieux_sim).
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from tierslieux_sim.analysis.changes import apply_changes, check_path
from tierslieux_sim.analysis.compare import ScenarioLike, _load, variant_names
from tierslieux_sim.core.allocator import keep_large_arrays_on_the_heap
from tierslieux_sim.core.i18n import message
from tierslieux_sim.core.notices import TiersLieuxWarning
from tierslieux_sim.core.safe_text import clean
from tierslieux_sim.engine.constants import DEFAULT_SWEEP_DRAWS
from tierslieux_sim.engine.errors import AnalysisError
from tierslieux_sim.engine.outputs import default_kpis, parse_output
from tierslieux_sim.engine.pipeline import _resolve_seed, simulate
from tierslieux_sim.scenario.edits import scenario_data
from tierslieux_sim.scenario.errors import ScenarioError
from tierslieux_sim.scenario.files import scenario_from_dict
from tierslieux_sim.scenario.limits import parse_toml, read_text
from tierslieux_sim.scenario.schema import Scenario

#: Most variants one sweep runs (a grid's cartesian product grows fast: 5 paths of 7 values
#: are 16,807 variants); a larger grid is refused before anything is expanded or simulated.
MAX_VARIANTS = 10_000
Changes = Mapping[str, Sequence[Any] | Any] | Sequence[Mapping[str, Any]] | None


def expand_changes(changes: Changes) -> list[dict[str, Any]]:
    """The list of variants (dicts of ``{path: value}``) a grid or a list stands for."""
    if changes is None:
        return [{}]
    if isinstance(changes, Mapping):
        if not changes:
            return [{}]
        options = [list(values) if isinstance(values, list | tuple) else [values]
                   for values in changes.values()]
        if any(not values for values in options):
            raise AnalysisError("empty_grid")
        _check_count(math.prod(len(values) for values in options))
        return [dict(zip(changes, combination, strict=True))
                for combination in itertools.product(*options)]
    if isinstance(changes, Sequence) and not isinstance(changes, str) and all(
            isinstance(item, Mapping) for item in changes):
        if not changes:
            raise AnalysisError("empty_grid")
        _check_count(len(changes))
        return [dict(item) for item in changes]
    raise AnalysisError("bad_grid")


def _check_count(count: int) -> None:
    """Refuse more than :data:`MAX_VARIANTS` variants, saying how many were asked."""
    if count > MAX_VARIANTS:
        raise AnalysisError("grid_too_large", count=f"{count:,}".replace(",", "\u202f"),
                            limit=f"{MAX_VARIANTS:,}".replace(",", "\u202f"))


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping) and "dist" not in value:
            flat.update(_flatten(value, path))
        else:
            flat[path] = value
    return flat


def load_changes(path: str | Path) -> list[dict[str, Any]]:
    """Variants from a TOML file: a ``[grid]`` table (each key a path, quoted when it has
    dots or brackets, each value a list: cartesian product) and/or ``[[variants]]`` tables
    (each one variant)."""
    path = Path(path)
    source = clean(path)
    try:  # the size and depth limits of scenario files (a bounded read: /dev/zero is refused)
        data = parse_toml(read_text(path, source), source)
    except ScenarioError as error:
        [problem] = error.problems
        where = ("" if problem.line is None else
                 message("where.line_column", line=problem.line, column=problem.column) + " : ")
        raise AnalysisError("grid_file", file=source, detail=where + problem.describe()) from None
    unknown = set(data) - {"grid", "variants"}
    if unknown or not data:
        raise AnalysisError("grid_file", file=source,
                            detail=message("analysis.grid_keys", found=", ".join(
                                clean(key, 40) for key in sorted(unknown)) or "–"))
    grid, items = data.get("grid", {}), data.get("variants", [])
    if not isinstance(grid, dict) or not isinstance(items, list) or not all(
            isinstance(item, dict) for item in items):
        raise AnalysisError("grid_file", file=source, detail=message("analysis.error.bad_grid"))
    variants = expand_changes(_flatten(grid)) if "grid" in data else []
    _check_count(len(variants) + len(items))
    variants += [_flatten(item) for item in items]
    return variants


def tune_allocator() -> bool:
    """Keep the model's large arrays on the heap in this worker process (see
    :mod:`tierslieux_sim.core.allocator`). Dask's nannies start workers with
    ``MALLOC_TRIM_THRESHOLD_`` set, which turns off glibc's dynamic thresholds: every large
    array was then mapped afresh and one variant ran 3.5 times slower."""
    return keep_large_arrays_on_the_heap()


def run_variant(payload: tuple[dict[str, Any], int, int, str, tuple[str, ...]]
                ) -> dict[str, Any]:
    """Simulate one variant given as plain data and return its KPIs (a pure function of its
    argument: the same row wherever it runs)."""
    tune_allocator()
    data, draws, seed, sampling, kpi_names = payload
    scenario = scenario_from_dict(data, "sweep")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TiersLieuxWarning)  # kept in results.notices
        results = simulate(scenario, draws=draws, seed=seed, sampling=sampling, keep="summary")
    row: dict[str, Any] = {name: parse_output(name, scenario).value(results)
                           for name in kpi_names}
    row["notices"] = ";".join(notice.code for notice in results.notices)
    return row


def _run_serial(payloads: list[Any], bar: tqdm) -> list[dict[str, Any]]:
    rows = []
    for payload in payloads:
        rows.append(run_variant(payload))
        bar.update(1)
    return rows


def _run_processes(payloads: list[Any], workers: int, bar: tqdm) -> list[dict[str, Any]]:
    rows: list[dict[str, Any] | None] = [None] * len(payloads)
    context = multiprocessing.get_context("spawn")  # safe with threads, same on every OS
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(run_variant, payload): i for i, payload in enumerate(payloads)}
        for future in as_completed(futures):
            rows[futures[future]] = future.result()
            bar.update(1)
    return rows  # type: ignore[return-value]


def _run_dask(payloads: list[Any], client: Any, scheduler: str | None, bar: tqdm
              ) -> list[dict[str, Any]]:
    try:
        import distributed
    except ImportError:
        raise AnalysisError("dask_missing") from None
    own_client = client is None
    if own_client:
        client = distributed.Client(scheduler, set_as_default=False)
    try:
        futures = client.map(run_variant, payloads, pure=False)
        position = {future.key: i for i, future in enumerate(futures)}
        rows: list[dict[str, Any] | None] = [None] * len(payloads)
        for future in distributed.as_completed(futures):
            rows[position[future.key]] = future.result()
            bar.update(1)
        return rows  # type: ignore[return-value]
    finally:
        if own_client:
            client.close()


def sweep(scenarios: ScenarioLike | Sequence[ScenarioLike], changes: Changes = None, *,
          draws: int = DEFAULT_SWEEP_DRAWS, seed: Any = None, sampling: str = "random",
          kpis: Sequence[str] | None = None, keep_uncertainty: bool = True, workers: int = 1,
          client: Any = None, scheduler: str | None = None, progress: bool = False
          ) -> pd.DataFrame:
    """Run every change on every scenario and return one row per variant (see the module
    docstring). ``changes``: a grid ``{path: [values…]}`` or a list of ``{path: value}``;
    a number on an uncertain input moves its probable value unless ``keep_uncertainty`` is
    false. ``workers > 1``: local processes; ``client`` / ``scheduler``: Dask.

    Every variant is validated before anything runs (an invalid one raises
    :class:`~tierslieux_sim.ScenarioError` naming the variant and the key path).
    """
    items = ([scenarios] if isinstance(scenarios, Scenario | str | Path) else list(scenarios))
    if not items:
        raise AnalysisError("empty_grid")
    loaded = [_load(item) for item in items]
    names = variant_names(items, loaded)
    variants = expand_changes(changes)
    for path in {path for variant in variants for path in variant}:
        for scenario in loaded:
            check_path(scenario, path)
    shortest = min(loaded, key=lambda s: s.simulation.horizon_years)
    kpi_names = tuple(output.name for output in (
        default_kpis(shortest) if kpis is None else [parse_output(k, shortest) for k in kpis]))
    seed_value = _resolve_seed(seed)
    rows: list[dict[str, Any]] = []
    payloads: list[Any] = []
    for (name, scenario), variant in itertools.product(zip(names, loaded, strict=True),
                                                       variants):
        number = len(rows)
        edited = apply_changes(scenario, variant, keep_uncertainty=keep_uncertainty,
                               source=f"{name} #{number}") if variant else scenario
        rows.append({"variant": number, "scenario": name, **variant})
        payloads.append((scenario_data(edited), int(draws), seed_value, sampling, kpi_names))
    with tqdm(total=len(payloads), disable=not progress, delay=1.0, leave=False,
              unit=message("analysis.sweep.unit"), desc=message("analysis.sweep.progress")
              ) as bar:
        if client is not None or scheduler is not None:
            results = _run_dask(payloads, client, scheduler, bar)
        elif workers > 1:
            results = _run_processes(payloads, int(workers), bar)
        else:
            results = _run_serial(payloads, bar)
    table = pd.DataFrame([{**row, **result} for row, result in zip(rows, results, strict=True)])
    for name in kpi_names:
        table[name] = table[name].astype(float)
    table.attrs.update(seed=seed_value, draws=int(draws), sampling=sampling,
                       kpis=list(kpi_names))
    return table


def kpi_columns(table: pd.DataFrame) -> list[str]:
    """The KPI columns of a sweep table."""
    return list(table.attrs.get("kpis", [c for c in table.columns
                                         if np.issubdtype(table[c].dtype, np.floating)]))
