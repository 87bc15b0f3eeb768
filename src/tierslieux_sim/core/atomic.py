"""Output files written whole or not at all: each is written to a temporary file in the same
folder, then renamed over the target (``os.replace``, atomic on one file system) once
complete. An interruption (Ctrl-C, a full disk, a crash of the writer) leaves the previous
file at the target intact, or no file, and removes the temporary file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Marks temporary output files (``.results.k2j4x.tmp.nc``): hidden, and keeping the
#: target's extension, which says the format to the writers.
TEMPORARY_MARK = ".tmp"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` (same extension) to write to; renamed to ``path``
    when the block ends without an exception, removed otherwise (KeyboardInterrupt too)."""
    path = Path(path)
    folder = path.parent
    handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=TEMPORARY_MARK + path.suffix,
                                    dir=folder)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        # mkstemp makes the file private (0600); give it the mode a new file would have
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


__all__ = ["TEMPORARY_MARK", "atomic_path"]
