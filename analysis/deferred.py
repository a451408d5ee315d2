"""A value made once, when it is first asked for.

A new day's start from the store needs the people, the kept facts and the analysis; the million
interactions behind them are shown only on a person's card, the Import page and the neglected
ties' sparklines. :class:`Deferred` holds the work that makes them (decoding the stored batches,
attaching each identity's person, merging overlapping records) until a page asks, then keeps
the result. Thread-safe: the
dashboard runs each browser session on a thread of its own, and the first to ask does the work
while any other waits for it.

Example::

    >>> d = Deferred(lambda: sum(range(4)))
    >>> d.ready, d.get(), d.ready
    (False, 6, True)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")


class Deferred(Generic[T]):
    """``make()``, called once by the first :meth:`get` (again by the next one if it raised)."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make: Callable[[], T] | None = make
        self._lock = threading.Lock()
        self._value: T | None = None
        self._ready = False

    @classmethod
    def done(cls, value: T) -> Deferred[T]:
        """A value that is there already."""
        out: Deferred[T] = cls(lambda: value)
        out.get()
        return out

    @property
    def ready(self) -> bool:
        """Whether the value has been made."""
        return self._ready

    def get(self) -> T:
        """The value, made now if it has not been."""
        if not self._ready:
            with self._lock:
                if not self._ready:
                    assert self._make is not None
                    self._value = self._make()
                    self._ready = True
                    self._make = None  # what it closed over is no longer held
        return self._value  # type: ignore[return-value]

    def then(self, step: Callable[[T], U]) -> Deferred[U]:
        """``step`` of this value, itself deferred."""
        return Deferred(lambda: step(self.get()))


def now(value: T | Deferred[T]) -> T:
    """``value``, made now when it is deferred."""
    return value.get() if isinstance(value, Deferred) else value


def deferred_field(name: str) -> property:
    """A dataclass field read through a :class:`Deferred`: set with a value or a Deferred,
    read as the value (made then, when it was deferred). A subclass of a dataclass that
    declares ``name = deferred_field("name")`` makes that field when it is first read."""
    attr = f"_deferred_{name}"

    def get(self: object) -> object:
        return getattr(self, attr).get()

    def put(self: object, value: object) -> None:
        object.__setattr__(
            self, attr, value if isinstance(value, Deferred) else Deferred.done(value)
        )

    return property(get, put)
