"""A few results kept in the process by key, the most recent last: the dashboard reruns its
script on each click, and what a click does not change (a resolution, the engine's facts, the
network's structure) is taken from here instead of computed again."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    """The last ``size`` values put, by key; safe across threads (the dashboard runs each
    browser session on a thread of its own). Values are shared: read them, never change them.

    >>> kept = Kept[str](2)
    >>> kept.put("a", "A"); kept.put("b", "B"); kept.put("c", "C")
    >>> kept.get("a") is None, kept.get("c")
    (True, 'C')
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The value kept under ``key`` (now the most recent), or None."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, value: V) -> None:
        """Keep ``value`` under ``key`` as the most recent; the oldest beyond ``size`` go."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def newest_first(self) -> list[tuple[Hashable, V]]:
        """Every ``(key, value)`` kept, the most recent first."""
        with self._lock:
            return list(reversed(self._items.items()))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
