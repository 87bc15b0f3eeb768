"""Fuzz ≥ 10,000 mutated scenario files (issue 13) and count how each one ends.

Each case is a shipped scenario mutated by ``tests/fuzzing.py`` (deleted and unknown keys,
wrong types, NaN/inf, huge and negative values, empty and 1,000-item lists, bad laws,
duplicate, reserved and unicode names, deep nesting, 10 MB files, binary garbage, TOML
syntax errors), loaded as an upload, simulated with 16 draws over its horizon, summarised
(``summary()``, ``yearly_kpis()``) and validated by ``tierslieux validate``.

Cases run in worker processes, one at a time each, bounded per case in time (a case still
running after ``--timeout`` seconds is a hang: its worker is killed and replaced) and in
memory (``RLIMIT_AS``: a ``MemoryError`` or a killed worker is a memory blow-up). Counts:
clean rejection, accepted with finite results, uncaught exception, hang, memory blow-up,
non-finite result, and unclean rejection (a message without key path or line, with control
characters, or a ``validate`` exit code that disagrees). They are printed and written to
``benchmarks/RESULTS.md`` (section ``fuzz_scenarios.py``).

    python benchmarks/fuzz_scenarios.py                # 10,000 cases, 2 workers
    python benchmarks/fuzz_scenarios.py --cases 500    # a quick look
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import platform
import random
import resource
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

CATEGORIES = {
    "rejected": "clean rejection (ScenarioError naming a key path or a line)",
    "accepted": "accepted, finite results",
    "exception": "uncaught exception",
    "hang": "hang (over the time bound)",
    "memory": "memory blow-up (over the memory bound)",
    "non_finite": "non-finite result",
    "unclean": "unclean rejection (no location, control characters, CLI disagreement)",
}


def _worker(connection: Connection, memory_bytes: int) -> None:
    """Run cases sent as seeds; answer ``(category, detail)`` for each."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    from fuzzing import Unexpected, check_case, make_case, shipped_texts

    texts = shipped_texts()
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:  # warm up: lazy imports
        check_case(make_case(texts, random.Random(-1)), folder)
    except Exception:  # noqa: S110 - counted when it is a real case
        pass
    connection.send("ready")  # the time bound starts with the first case, not the imports
    while True:
        try:
            seed = connection.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if seed is None:
            return
        try:
            outcome = check_case(make_case(texts, random.Random(seed)), folder)
            answer = (outcome.kind, outcome.detail)
        except Unexpected as error:
            kind = "non_finite" if error.kind == "non_finite" else (
                "exception" if error.kind == "exception" else "unclean")
            answer = (kind, str(error)[:300])
        except MemoryError:
            answer = ("memory", "MemoryError")
        except BaseException as error:  # counted, that is the point
            answer = ("exception", "".join(traceback.format_exception_only(error))[:300]
                      + traceback.format_exc(limit=-3)[-600:])
        try:
            connection.send(answer)
        except OSError:  # the parent is gone
            return


class Pool:
    """Worker processes with a time bound per case."""

    def __init__(self, workers: int, memory_bytes: int):
        self.memory_bytes = memory_bytes
        self.slots: list[list] = [self._start() for _ in range(workers)]

    def _start(self) -> list:
        parent, child = multiprocessing.Pipe()
        process = multiprocessing.Process(target=_worker, args=(child, self.memory_bytes),
                                          daemon=True)
        process.start()
        return [process, parent, None, 0.0, False]  # process, connection, seed, started, ready

    def run(self, seeds: list[int], timeout: float, report) -> None:
        pending = list(reversed(seeds))
        while pending or any(slot[2] is not None for slot in self.slots):
            time.sleep(0.001)
            for index, slot in enumerate(self.slots):
                process, connection, seed, started, ready = slot
                if not ready:  # still importing (slow on a loaded machine): not timed
                    if connection.poll(0.005):
                        connection.recv()
                        slot[4] = True
                    elif not process.is_alive():
                        self._replace(index)
                    continue
                if seed is None and pending:
                    slot[2], slot[3] = pending.pop(), time.monotonic()
                    connection.send(slot[2])
                    continue
                if seed is None:
                    continue
                if connection.poll(0.005):
                    try:
                        report(seed, *connection.recv())
                    except EOFError:
                        report(seed, "memory", "worker died (killed: out of memory?)")
                        self._replace(index)
                        continue
                    slot[2] = None
                elif not process.is_alive():
                    report(seed, "memory", f"worker died (exit code {process.exitcode})")
                    self._replace(index)
                elif time.monotonic() - started > timeout:
                    report(seed, "hang", f"over {timeout:g} s")
                    self._replace(index)

    def _replace(self, index: int) -> None:
        process = self.slots[index][0]
        process.kill()
        process.join()
        self.slots[index] = self._start()

    def close(self) -> None:
        for process, connection, *_state in self.slots:
            try:
                connection.send(None)
            except OSError:
                pass
            process.join(timeout=5)
            if process.is_alive():
                process.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per case")
    parser.add_argument("--memory-mb", type=int, default=3_000, help="address space per case")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    arguments = parser.parse_args(argv)

    counts: collections.Counter[str] = collections.Counter()
    codes: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    started = time.monotonic()

    def report(seed: int, category: str, detail: str) -> None:
        counts[category] += 1
        if category == "rejected":
            codes[detail] += 1
        elif category != "accepted":
            print(f"seed {seed}: {category}: {detail}", flush=True)  # as found
            if len(examples[category]) < 5:
                examples[category].append(f"seed {seed}: {detail}")
        done = sum(counts.values())
        if done % 250 == 0:
            print(f"{done:>6} cases, {time.monotonic() - started:6.0f} s: {dict(counts)}",
                  flush=True)

    pool = Pool(arguments.workers, arguments.memory_mb * 1_000_000)
    try:
        seeds = list(range(arguments.first_seed, arguments.first_seed + arguments.cases))
        pool.run(seeds, arguments.timeout, report)
    finally:
        pool.close()
    elapsed = time.monotonic() - started

    total = sum(counts.values())
    print(f"\n{total:,} cases in {elapsed:.0f} s")
    for category, label in CATEGORIES.items():
        print(f"  {counts[category]:>6}  {label}")
    for category, items in examples.items():
        print(f"\n{category}:")
        for item in items:
            print("   ", item.replace("\n", "\n    "))

    if not arguments.no_write:
        from results_file import write_section

        rows = "\n".join(f"| {label} | {counts[category]:,} |"
                         for category, label in CATEGORIES.items())
        top = ", ".join(f"`{code}` {count:,}" for code, count in codes.most_common(12))
        markdown = f"""## Fuzzing of scenario files (issue 13)

Written by `benchmarks/fuzz_scenarios.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.
Machine: {multiprocessing.cpu_count()} cores ({platform.machine()}), Python
{platform.python_version()}; {arguments.workers} worker processes on a shared machine.
{total:,} mutated shipped scenarios (seeds {arguments.first_seed}–{arguments.first_seed + total - 1}
of `tests/fuzzing.py`: deleted and unknown keys, wrong types, NaN/inf, huge and negative
values, empty and 1,000-item lists, bad laws, duplicate, reserved and unicode names, deep
nesting, 10 MB files, binary garbage, TOML syntax errors), each loaded as an upload,
simulated with 16 draws over its horizon, summarised (`summary()`, `yearly_kpis()`) and
checked by `tierslieux validate`; bounded per case at {arguments.timeout:g} s and
{arguments.memory_mb:,} MB of address space. {elapsed:.0f} s in all.

| outcome | cases |
|---|---:|
{rows}

Most frequent reasons for rejection: {top}. A refusal of the whole file (too large,
unreadable) names the file, the limit and the size found instead of a key or a line.
"""
        write_section("fuzz_scenarios.py", markdown)
        print("\nwritten to benchmarks/RESULTS.md")
    bad = total - counts["rejected"] - counts["accepted"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
