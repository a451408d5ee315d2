"""Work on a forked process: the same result as done here, and every failure costs time only."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from analysis import sidework

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="closeknit forks on Linux only"
)


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def test_work_on_a_forked_process_gives_the_result_made_there():
    pending = sidework.start(_pid_and, 21)
    pid, value = pending.result()
    assert value == 42
    assert pid != os.getpid()  # made on the worker
    assert pending.note is None
    assert pending.result() == (pid, 42)  # asked again: the same value, no new work


def test_work_not_worth_a_fork_is_done_here_when_asked_for():
    calls = []

    def work(x):
        calls.append(x)
        return x + 1

    pending = sidework.start(work, 1, fork=False)
    assert calls == []  # nothing done before it is asked for
    assert pending.result() == 2 and pending.result() == 2
    assert calls == [1]


def test_no_fork_from_a_thread_other_than_the_main_one():
    got = []
    thread = threading.Thread(target=lambda: got.append(sidework.start(_pid_and, 1).result()))
    thread.start()
    thread.join()
    assert got == [(os.getpid(), 2)]


def test_no_fork_while_another_thread_runs():
    import threading as th

    release = th.Event()
    other = th.Thread(target=release.wait)
    other.start()
    try:
        pending = sidework.start(_pid_and, 2)
        assert pending._proc is None
        assert pending.result() == (os.getpid(), 4)
    finally:
        release.set()
        other.join()


def test_no_fork_when_switched_off(monkeypatch):
    monkeypatch.setattr(sidework, "ENABLED", False)
    assert not sidework.can_fork()
    assert sidework.start(_pid_and, 3).result() == (os.getpid(), 6)


def _fails_on_the_worker(parent: int) -> int:
    if os.getpid() != parent:
        raise ValueError("only on the worker")
    return 7


def test_work_that_raises_on_the_worker_is_done_again_here():
    pending = sidework.start(_fails_on_the_worker, os.getpid())
    assert pending.result() == 7
    assert pending.note is None  # the work's own failure is not the worker's


def _always_fails() -> None:
    raise LookupError("bad input")


def test_an_error_of_the_work_itself_is_raised_here():
    pending = sidework.start(_always_fails)
    with pytest.raises(LookupError, match="bad input"):
        pending.result()


def _dies_on_the_worker(parent: int) -> str:
    if os.getpid() != parent:
        os._exit(9)  # as a worker killed by the system would end
    return "done here"


def test_a_worker_that_ends_without_a_result_is_named_and_the_work_done_here():
    pending = sidework.start(_dies_on_the_worker, os.getpid())
    assert pending.result() == "done here"
    assert pending.note == "EOFError: the worker process ended"


def _unpicklable(parent: int):
    if os.getpid() != parent:
        return lambda: None  # a lambda does not pickle
    return "made here"


def test_a_result_that_cannot_be_sent_back_is_made_here():
    pending = sidework.start(_unpicklable, os.getpid())
    assert pending.result() == "made here"
    assert pending.note is None
