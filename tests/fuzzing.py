"""Structure-aware mutations of the shipped scenario files, and the check every mutated file
must pass (issue 13). Shared by ``tests/test_fuzz_scenarios.py`` (a few hundred cases with
Hypothesis in CI) and ``benchmarks/fuzz_scenarios.py`` (≥ 10,000 cases, bounded in time and
memory per case).

A case is a file's bytes. :func:`check_case` loads it as the dashboard's upload does, then
(when accepted) simulates 16 draws over the scenario's horizon, reads ``summary()`` and
``yearly_kpis()``, and runs ``tierslieux validate`` on it. The outcome is ``"rejected"`` (a
clean :class:`ScenarioError` whose every problem names a key path or a line), ``"accepted"``
(finite results), or an :class:`Unexpected` exception saying what went wrong.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import random
import tomllib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tomlkit

from tierslieux_sim.core.notices import TiersLieuxWarning
from tierslieux_sim.engine.finite import ResultsNotFinite, check_finite_results, may_be_non_finite
from tierslieux_sim.engine.pipeline import simulate
from tierslieux_sim.faces.cli.main import main as cli_main
from tierslieux_sim.scenario.errors import ScenarioError
from tierslieux_sim.scenario.files import _scenario_files, parse_scenario_bytes, preset_names
from tierslieux_sim.scenario.limits import MAX_FILE_BYTES
from tierslieux_sim.views.yearly import yearly_kpis

FUZZ_DRAWS = 16


def shipped_texts() -> dict[str, str]:
    """The text of every scenario shipped with the package, by name."""
    return {name: _scenario_files().joinpath(f"{name}.toml").read_text("utf-8")
            for name in preset_names()}


# --- mutations ----------------------------------------------------------------------------

_WRONG_TYPES: list[Any] = ["douze", "", True, [], [1, "a"], {"x": 1}, {}, 3, -1, 0.5,
                           "1e3", "∞", "\x1b[31m", "\u202e", "名前"]
_NUMBERS = [math.nan, math.inf, -math.inf, 1e308, -1e308, 1e300, 1e15, 1e9, 9.99e8, 2**63 - 1,
            -(2**63), -1, -1e-300, 0, 0.0, 1e-300, 5e-324, 1, 0.999999, 1.000001, 12, 240]
_NAMES = ["day_pass", "Rent", " energy ", "STAFF", "consumables", "aided_contracts",
          "office_seat", "meeting_rooms", "event_hire", "", " ", "é" * 300, "\x00", "\x1b[2J",
          "\u202eevil", "😀", "名前", "a\nb", "x" * 5000, "duplicate", "duplicate"]
_LAWS: list[Any] = [
    {"dist": "pert", "min": 20, "mode": 12, "max": 8}, {"dist": "pert", "min": 1, "max": 2},
    {"dist": "triangular", "min": 0, "mode": 0, "max": 0}, {"dist": "uniform", "min": 5},
    {"dist": "normal", "mean": 10, "sd": 0}, {"dist": "normal", "mean": 10, "sd": -1},
    {"dist": "normal", "mean": 1e300, "sd": 1e300}, {"dist": "lognormal", "p5": 10, "p95": 1},
    {"dist": "lognormal", "p5": 1e-300, "p95": 1e300}, {"dist": "discrete", "values": []},
    {"dist": "discrete", "values": [1, 2], "weights": [0, 0]}, {"dist": "beta", "a": 1},
    {"dist": 3}, {"min": 1, "max": 2}, {"dist": "pert", "min": -1e308, "mode": 0, "max": 1e308},
    {"dist": "uniform", "min": math.nan, "max": 1}, {"dist": "pert", "min": 0, "mode": 1,
                                                      "max": 2, "extra": 1}]
_GARBAGE = [b"\x00", b"\xff\xfe", b"\x1b[2J", b"[[", b"]]", b"=", b'"""', b"'''", b"{", b"\\",
            b"\r", b"\t", b"#", b"\xe9", b"\xc3", b"\n[site]\n", b"\n[[staff]]\n", b"=\n=",
            b"\xef\xbb\xbf", b"inf", b"nan", b"0x", b"1979-05-27T07:32:00Z"]


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path into ``data`` (tables and arrays), leaves included."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            found.append((*prefix, key))
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.append((*prefix, index))
            found += _paths(value, (*prefix, index))
    return found


def _parent(data: Any, path: tuple) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def _lists(data: Any) -> list[tuple]:
    return [p for p in _paths(data) if isinstance(_get(data, p), list)]


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def _named_items(data: Any) -> list[tuple]:
    return [p for p in _paths(data) if p and p[-1] == "name" and len(p) >= 2
            and isinstance(p[-2], int)]


def mutate_data(data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One structural mutation of scenario data (the dict tomllib reads)."""
    data = copy.deepcopy(data)
    paths = _paths(data)
    if not paths:
        return {"unknown": 1}
    kind = rng.choice(["delete", "unknown", "wrong_type", "number", "number", "list_empty",
                       "list_long", "law", "name", "duplicate", "deep_value", "version"])
    path = rng.choice(paths)
    parent = _parent(data, path)
    if kind == "delete":
        del parent[path[-1]]
    elif kind == "unknown":
        target = rng.choice([p for p in paths if isinstance(_get(data, p), dict)] or [()])
        table = _get(data, target) if target else data
        table[rng.choice(["typo", "surface", "Site", "\x1b[31m", "é" * 50, "[x]", "a.b"])] = 1
    elif kind == "wrong_type":
        parent[path[-1]] = copy.deepcopy(rng.choice(_WRONG_TYPES))
    elif kind == "number":
        leaves = [p for p in paths if isinstance(_get(data, p), int | float)
                  and not isinstance(_get(data, p), bool)] or [path]
        leaf = rng.choice(leaves)
        _parent(data, leaf)[leaf[-1]] = rng.choice(_NUMBERS)
    elif kind == "list_empty":
        lists = _lists(data) or [path]
        chosen = rng.choice(lists)
        _parent(data, chosen)[chosen[-1]] = []
    elif kind == "list_long":
        lists = [p for p in _lists(data) if _get(data, p)] or [path]
        chosen = rng.choice(lists)
        items = _get(data, chosen)
        if isinstance(items, list) and items:
            count = rng.choice([2, 50, 1000])
            longer = []
            for index in range(count):
                item = copy.deepcopy(items[index % len(items)])
                if isinstance(item, dict) and "name" in item and rng.random() < 0.8:
                    item["name"] = f"{item['name']} {index}"
                longer.append(item)
            _parent(data, chosen)[chosen[-1]] = longer
    elif kind == "law":
        leaves = [p for p in paths if isinstance(_get(data, p), int | float | dict)] or [path]
        leaf = rng.choice(leaves)
        _parent(data, leaf)[leaf[-1]] = copy.deepcopy(rng.choice(_LAWS))
    elif kind == "name":
        names = _named_items(data) or [path]
        leaf = rng.choice(names)
        _parent(data, leaf)[leaf[-1]] = rng.choice(_NAMES)
    elif kind == "duplicate":
        names = _named_items(data)
        if len(names) >= 2:
            first, second = rng.sample(names, 2)
            _parent(data, second)[second[-1]] = _get(data, first)
    elif kind == "deep_value":
        value: Any = 1
        for _ in range(rng.choice([5, 40, 200])):
            value = [value] if rng.random() < 0.5 else {"a": value}
        parent[path[-1]] = value
    else:
        data["schema_version"] = rng.choice([0, 1, 2, 4, 99, -1, "3", 3.0])
    return data


def _value(value: Any) -> str:
    """A value as TOML, inline (a fast writer for large mutated data)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") \
            if math.isinf(value) else repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(str(value))


def _key(key: str) -> str:
    return key if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key) \
        else json.dumps(key, ensure_ascii=False)


def _dumps(data: dict[str, Any]) -> str:
    """TOML text of mutated data: :mod:`tomlkit` (tables, as people write them) for data of
    ordinary size, a fast inline writer for large or deep data (tomlkit takes seconds)."""
    if len(repr(data)) < 40_000:
        try:
            return tomlkit.dumps(data)
        except (ValueError, TypeError, RecursionError):  # a value tomlkit cannot write
            pass
    return "\n".join(f"{_key(key)} = {_value(value)}" for key, value in data.items()) + "\n"


def mutate_text(text: str, rng: random.Random) -> bytes:
    """One textual mutation: garbage bytes, truncation, syntax breakage, deep nesting,
    a huge file, binary content, an encoding error."""
    raw = text.encode("utf-8")
    kind = rng.choice(["garbage", "truncate", "delete_char", "duplicate_line", "deep", "huge",
                       "binary", "latin1", "long_line", "swap_lines"])
    if kind == "garbage":
        at = rng.randrange(len(raw) + 1)
        return raw[:at] + rng.choice(_GARBAGE) * rng.choice([1, 3, 100]) + raw[at:]
    if kind == "truncate":
        return raw[: rng.randrange(len(raw) + 1)]
    if kind == "delete_char":
        at = rng.randrange(max(len(raw), 1))
        return raw[:at] + raw[at + 1:]
    lines = raw.split(b"\n")
    if kind == "duplicate_line":
        at = rng.randrange(len(lines))
        return b"\n".join(lines[: at + 1] + [lines[at]] + lines[at + 1:])
    if kind == "swap_lines":
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
        return b"\n".join(lines)
    if kind == "deep":
        depth = rng.choice([33, 100, 1000, 50_000])
        opening, closing = rng.choice([(b"[", b"]"), (b"{a=", b"}")])
        return raw + b"\nx = " + opening * depth + b"1" + closing * depth + b"\n"
    if kind == "huge":
        return raw + b"\n# " + b"x" * rng.choice([MAX_FILE_BYTES, 10_000_000]) + b"\n"
    if kind == "binary":
        return bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 100, 5000])))
    if kind == "latin1":
        return text.encode("latin-1", errors="replace")
    return raw + b"\nnote_longue = \"" + b"y" * rng.choice([10_000, 500_000]) + b"\"\n"


def make_case(texts: dict[str, str], rng: random.Random) -> bytes:
    """A mutated file: one to three structural mutations of a shipped scenario, sometimes
    followed by a textual one."""
    text = texts[rng.choice(sorted(texts))]
    if rng.random() < 0.25:
        return mutate_text(text, rng)
    data = tomllib.loads(text)
    for _ in range(rng.choice([1, 1, 2, 3])):
        data = mutate_data(data, rng)
    text = _dumps(data)
    return mutate_text(text, rng) if rng.random() < 0.1 else text.encode("utf-8")


# --- the check every case must pass ----------------------------------------------------------

class Unexpected(Exception):
    """A case ended otherwise than in a clean rejection or finite results."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


@dataclass
class Outcome:
    kind: str  # "rejected" or "accepted"
    detail: str = ""


#: Problems about the whole file (its size, encoding, readability): no key or line to name.
FILE_LEVEL_CODES = ("file_too_large", "file_too_large_at_least", "file_unreadable")


def _check_rejection(error: ScenarioError) -> None:
    for problem in error.problems:
        if not (problem.path or problem.line is not None or problem.code in FILE_LEVEL_CODES):
            raise Unexpected("no_location", error.report()[:300])
    for language in ("fr", "en"):
        report = error.report(language)
        if any(ord(c) < 32 and c != "\n" or c in "\x7f\u202e" for c in report):
            raise Unexpected("control_characters", repr(report[:300]))
        if any(len(line) > 2000 for line in report.splitlines()):
            raise Unexpected("huge_message", report[:300])


@contextlib.contextmanager
def _warnings_policy():
    """The package's notices (a migrated file, a broken funding rule) are expected; any other
    warning (a numpy overflow…) is an error, in the tests and in the benchmark alike."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", TiersLieuxWarning)
        yield


def check_case(raw: bytes, folder: Path | None = None, run_cli: bool = True) -> Outcome:
    """Load, simulate, summarise and validate one case (see the module docstring); raise
    :class:`Unexpected` for anything but a clean rejection or finite results."""
    try:
        with _warnings_policy():
            scenario = parse_scenario_bytes(raw, "fuzz.toml")
    except ScenarioError as error:
        _check_rejection(error)
        outcome = Outcome("rejected", error.problems[0].code)
    else:
        try:
            with _warnings_policy():
                results = simulate(scenario, draws=FUZZ_DRAWS, seed=0, keep="full")
                check_finite_results(results)
                summary = results.summary()
                yearly = yearly_kpis(results)
        except ResultsNotFinite as error:
            raise Unexpected("non_finite", error.report()[:300]) from error
        except ScenarioError as error:
            raise Unexpected("late_rejection", error.report()[:300]) from error
        except Exception as error:
            raise Unexpected("exception", f"{type(error).__name__}: {error}"[:300]) from error
        if summary.empty or yearly.empty:
            raise Unexpected("empty_results", "summary or yearly KPIs empty")
        checked = ~summary["indicator"].map(may_be_non_finite).to_numpy(dtype=bool)
        values = summary["value"].to_numpy(dtype=float)[checked]
        if not np.isfinite(values).all():  # autonomy "never" and ratios over 0 are allowed
            raise Unexpected("non_finite", "non-finite value in summary()")
        outcome = Outcome("accepted")
    if run_cli and folder is not None:
        path = folder / "case.toml"
        path.write_bytes(raw)
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()), \
                _warnings_policy():
            code = cli_main(["validate", str(path)])
        expected = 0 if outcome.kind == "accepted" else 2
        if code != expected or "Traceback" in stderr.getvalue():
            raise Unexpected("cli", f"validate exit {code}, expected {expected}: "
                                    f"{stderr.getvalue()[:300]}")
    return outcome
