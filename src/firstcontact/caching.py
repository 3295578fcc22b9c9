"""A short-lived, per-process cache for what hot paths read on every request and rarely
changes (Open311 keys and services, partners' prepared areas)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# A flood of distinct keys (wrong ones are never cached) cannot grow a cache past this.
MAX_ENTRIES = 2000


class TTLCache[V]:
    """A dict whose entries expire after `seconds()`, cleared whole on any change to what it
    holds (connect `clear` to the models' post_save and post_delete). A change made in
    another process shows here once the entries expire."""

    def __init__(self, seconds: Callable[[], float]) -> None:
        self._seconds = seconds
        self._entries: dict[str, tuple[float, V]] = {}  # key: (when read, value)
        self._generation = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> V | None:
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[0] >= self._seconds():
            return None
        return entry[1]

    def get_or_load(self, key: str, load: Callable[[], V | None]) -> V | None:
        """The cached value, else `load()`'s, kept unless it is None (misses are not kept)."""
        value = self.get(key)
        if value is None:
            generation = self._generation
            value = load()
            if value is not None:
                self._put(key, value, generation)
        return value

    def _put(self, key: str, value: V, generation: int) -> None:
        """Keep `value`, read when the cache was at `generation` (dropped if it has since
        been cleared: the value may be from before the change)."""
        if not self._seconds():
            return
        with self._lock:
            if generation != self._generation:
                return
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (time.monotonic(), value)

    def clear(self, **_kwargs: object) -> None:
        with self._lock:
            self._generation += 1
            self._entries = {}
