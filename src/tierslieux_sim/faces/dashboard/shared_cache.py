"""A cache shared by every session of the dashboard's server, bounded by the memory its values
take and by their number (least recently used first out).

Streamlit's ``st.cache_resource`` bounds only the number of entries, whatever their size: 32
runs at 2,000 draws held 3.7 GB (a run keeps about 115 MB of ``(draws, months)`` arrays, five
times more at 10,000 draws). Here the values are weighed (``size_of``) and the oldest go once
the total passes ``max_bytes``; the latest value is always kept. Sessions asking for the same
key at the same time compute it once: the others wait for it.

No Streamlit here: the cache is unit-tested on its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class SharedCache(Generic[Value]):
    """Values by key, at most ``max_entries`` of them weighing at most ``max_bytes`` together
    (``size_of(value)`` [bytes]); thread-safe."""

    def __init__(self, max_bytes: int, max_entries: int, size_of: Callable[[Value], int]):
        self.max_bytes, self.max_entries, self._size_of = max_bytes, max_entries, size_of
        self._entries: OrderedDict[Hashable, tuple[Value, int]] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        """The value of ``key``: from the cache, else ``compute()`` (once, whoever asks)."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][0]
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._entries:  # computed by the session we waited for
                    self._entries.move_to_end(key)
                    return self._entries[key][0]
            try:
                value = compute()
                self._store(key, value, self._size_of(value))
            finally:
                with self._lock:
                    self._computing.pop(key, None)
        return value

    def find(self, key: Hashable) -> Value | None:
        """The value of ``key`` if it is kept (then used most recently), else ``None``."""
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key][0]

    def _store(self, key: Hashable, value: Value, size: int) -> None:
        with self._lock:
            self._entries[key] = (value, size)
            self._entries.move_to_end(key)
            while len(self._entries) > 1 and (len(self._entries) > self.max_entries
                                              or self.total_bytes() > self.max_bytes):
                self._entries.popitem(last=False)

    def total_bytes(self) -> int:
        """What the values kept weigh together [bytes]."""
        return sum(size for _, size in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
