"""Work on a thread beside the caller (analysis.sidework.alongside): it runs while the caller
goes on, gives the caller its result or its error, and is done in place when switched off."""

from __future__ import annotations

import threading

import pytest

from analysis import sidework


def test_work_runs_on_a_thread_while_the_caller_goes_on():
    started, release = threading.Event(), threading.Event()

    def work(x):
        started.set()
        release.wait(5)  # finishes only once the caller has gone on past alongside()
        return threading.current_thread().name, x * 2

    pending = sidework.alongside(work, 21)
    assert started.wait(5)  # it began before its result was asked for
    release.set()
    name, value = pending.result()
    assert value == 42 and name != threading.current_thread().name
    assert pending.result() == (name, 42)  # asked again: the same value


def test_an_error_of_the_work_is_raised_in_the_caller_each_time_it_asks():
    def work():
        raise ValueError("bad row 7")

    pending = sidework.alongside(work)
    for _ in range(2):
        with pytest.raises(ValueError, match="bad row 7"):
            pending.result()


def test_switched_off_the_work_is_done_in_the_caller_once_when_asked(monkeypatch):
    monkeypatch.setattr(sidework, "ENABLED", False)
    calls: list[str] = []

    def work():
        calls.append(threading.current_thread().name)
        return len(calls)

    pending = sidework.alongside(work)
    assert calls == []
    assert pending.result() == 1 and pending.result() == 1
    assert calls == [threading.current_thread().name]
