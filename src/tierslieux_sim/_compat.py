"""Old module names (before 0.2's layered packages) kept importable, with a deprecation
warning: ``import tierslieux_sim.report`` gives :mod:`tierslieux_sim.faces.report`.

A meta path finder answers for the old names only; the new modules are the real ones (the
same module objects, so patching one patches the other). Remove in 0.3."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings
from types import ModuleType

#: Old module → new module.
MOVED_MODULES = {
    "i18n": "core.i18n", "formatting": "core.formatting", "notices": "core.notices",
    "safe_text": "core.safe_text", "atomic": "core.atomic", "allocator": "core.allocator",
    "reference": "core.reference", "analysis.labels": "scenario.labels",
    "territory": "model.appraisal_values", "sampling": "engine.sampling",
    "results": "engine.results", "finite": "engine.finite", "memory": "engine.memory",
    "rules": "engine.rules", "analysis.outputs": "engine.outputs",
    "analysis.errors": "engine.errors", "analysis.auto_draws": "engine.auto_draws",
    "analysis.edits": "analysis.changes", "analysis.evaluate": "analysis.chosen_inputs",
    "headline": "views.headline", "plots": "views.plots",
    "plots_analysis": "views.plots_analysis", "plots_financing": "views.plots_financing",
    "plots_territory": "views.plots_territory", "report_note": "faces.report_note",
    "report": "faces.report", "workbook": "faces.workbook",
    "reference_docs": "faces.reference_docs", "cli": "faces.cli.main",
    "cli_analysis": "faces.cli.analysis", "cli_common": "faces.cli.common",
    "cli_guard": "faces.cli.guard", "ui": "faces.dashboard",
    **{f"ui.{name}": f"faces.dashboard.{name}" for name in (
        "app", "cards", "data", "page_financing", "page_sensitivity", "page_territory",
        "serve", "shared_cache", "streamlit_app", "widgets")},
}
_PREFIX = "tierslieux_sim."


class _Loader(importlib.abc.Loader):
    def __init__(self, new_name: str):
        self.new_name = new_name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(f"{spec.name} is deprecated: import {self.new_name}", DeprecationWarning,
                      stacklevel=2)
        module = importlib.import_module(self.new_name)
        sys.modules[spec.name] = module
        return module

    def exec_module(self, module: ModuleType) -> None:
        """The new module is already executed."""


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: object = None, target: object = None
                  ) -> importlib.machinery.ModuleSpec | None:
        old = fullname.removeprefix(_PREFIX)
        if not fullname.startswith(_PREFIX) or old not in MOVED_MODULES:
            return None
        new_name = _PREFIX + MOVED_MODULES[old]
        return importlib.util.spec_from_loader(fullname, _Loader(new_name),
                                               is_package=old == "ui")


def install() -> None:
    """Answer for the old module names (once per process)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())
