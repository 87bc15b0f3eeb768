"""Results files by extension: ``.csv`` (per-draw indicators), ``.xlsx`` (the workbook) and
``.nc`` (netCDF)."""

from __future__ import annotations

from pathlib import Path

from tierslieux_sim.engine.results import Results
from tierslieux_sim.faces.workbook import write_workbook

RESULT_SUFFIXES = (".csv", ".xlsx", ".nc")


def write_results(results: Results, path: str | Path, language: str | None = None) -> Path:
    """Write results by extension: ``.csv`` (per-draw indicators), ``.xlsx`` (the
    workbook of :mod:`tierslieux_sim.faces.workbook`, in ``language``: assumptions with
    sources, yearly accounts, monthly cash, financing plan, indicators…), ``.nc`` (netCDF:
    the dataset, or monthly means in summary mode)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        results.indicators.to_csv(path)
    elif suffix == ".xlsx":
        write_workbook(results, path, language)
    elif suffix == ".nc":
        dataset = results.dataset if results.keep == "full" else results.monthly_mean
        dataset = dataset.assign_attrs(seed=str(results.seed), draws=results.draws,
                                       sampling=results.sampling,
                                       scenario=results.scenario.meta.name)
        dataset.to_netcdf(path, engine="h5netcdf")
    else:
        raise ValueError(f"unsupported output format {suffix!r} (csv, xlsx, nc)")
    return path
