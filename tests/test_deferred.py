"""A value made once, when first asked for (analysis.deferred)."""

from __future__ import annotations

import threading
import time

import pytest

from analysis.deferred import Deferred


def test_the_value_is_made_on_the_first_get_and_kept() -> None:
    made = []
    d = Deferred(lambda: made.append(1) or len(made))
    assert not d.ready and made == []
    assert d.get() == 1 and d.get() == 1
    assert d.ready and made == [1]


def test_threads_asking_at_once_share_one_making() -> None:
    made = []

    def slow() -> int:
        made.append(1)
        time.sleep(0.05)
        return 7

    d = Deferred(slow)
    start = threading.Barrier(4)
    got = []

    def ask() -> None:
        start.wait()
        got.append(d.get())

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [7, 7, 7, 7] and made == [1]


def test_a_failed_making_is_tried_again_by_the_next_get() -> None:
    tries = []

    def flaky() -> str:
        tries.append(1)
        if len(tries) == 1:
            raise OSError("disk busy")
        return "ok"

    d = Deferred(flaky)
    with pytest.raises(OSError, match="disk busy"):
        d.get()
    assert not d.ready
    assert d.get() == "ok" and len(tries) == 2


def test_a_step_after_a_deferred_value_is_deferred_too() -> None:
    made = []
    d = Deferred(lambda: made.append(1) or 3)
    doubled = d.then(lambda v: v * 2)
    assert made == [] and not doubled.ready
    assert doubled.get() == 6 and d.ready and made == [1]
    assert Deferred.done(5).ready and Deferred.done(5).get() == 5
