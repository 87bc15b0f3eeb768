"""Memory allocator setting for long-lived processes that simulate repeatedly.

A run of 10,000 draws allocates a few hundred arrays of about 10 MB (and stacks of line
variables of about 100 MB). With glibc's defaults, many of them are mapped afresh and given
back at every run, and touching new pages costs more than the arithmetic: on this 2-core
machine, a 10,000-draw run takes ~0.30 s by default and ~0.23 s with large arrays kept on
the heap. :func:`keep_large_arrays_on_the_heap` makes that choice for the process; the
faces (the ``tierslieux`` command, the dashboard, sweep workers, the benchmarks) call it,
library users may. The cost: up to 1 GiB of freed memory stays with the process for reuse
instead of going back to the system.
"""

from __future__ import annotations

import ctypes
import sys

#: ``mallopt(3)`` parameters of glibc.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: Arrays up to this size come from the heap (above: mapped on their own).
MMAP_THRESHOLD_BYTES = 256 * 1024 * 1024
#: Freed memory kept at the top of the heap before it is given back to the system.
TRIM_THRESHOLD_BYTES = 1024 * 1024 * 1024

_done = False


def keep_large_arrays_on_the_heap() -> bool:
    """Set glibc's mmap and trim thresholds once per process (Linux with glibc only; a
    no-op elsewhere). Returns whether the setting was made by this call."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return False
    _done = True
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
                    and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
    except (OSError, AttributeError):  # not glibc
        return False


def release_free_memory() -> None:
    """Give freed heap memory back to the system now (glibc ``malloc_trim``); used between
    the chunks of a ``keep="summary"`` run, whose point is bounded memory, since the setting
    above would otherwise keep up to 1 GiB of freed chunks."""
    if not _done:
        return
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass
