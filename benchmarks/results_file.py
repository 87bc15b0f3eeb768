"""Each benchmark owns one section of ``benchmarks/RESULTS.md`` and rewrites only that one."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = ("# Benchmarks\n\nEach section is written by the script it names; run it again to "
          "refresh that section only.\n")


def write_section(name: str, markdown: str, path: Path = RESULTS) -> Path:
    """Replace (or append) the section ``name`` of the results file with ``markdown``."""
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    start, end = f"<!-- section: {name} -->", f"<!-- end: {name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    text = pattern.sub(lambda _match: block, text) if pattern.search(text) else (
        text.rstrip() + "\n\n" + block + "\n")
    path.write_text(text, encoding="utf-8")
    return path
