"""Work handed to a second process while this one goes on: the second core of the machine.

closeknit's command line reads and analyses on one thread. Where two steps do not depend on each
other (a big address book and a big log; the look-alike names and the matching of a million
rows), :func:`start` hands one to a forked copy of this process, which sees everything this one
holds without copying it, and sends back only its result; this process does the other step
meanwhile. On a machine of two cores both run at once.

The work is forked only where forking is safe and pays:

* only from the main thread while no other thread runs, on Linux (:func:`can_fork`): a server
  (the dashboard) runs scripts in worker threads, and forking a process of several threads can
  leave the child waiting on a lock another thread held; there, on one core, and on other
  systems, the work is done here when its result is asked for;
* only for work big enough (the callers' thresholds): a fork costs 10-30 ms, and until it ends
  each page this process writes is copied once.

The result is the same either way: a worker that cannot start, ends without a result, or whose
work raises, is replaced by doing the work here, so an error is raised here, where the caller
reports it. A worker that ended without a word is named in :attr:`Pending.note`.

Work that spends its time in numpy and pandas calls over large arrays, which let go of Python's
lock while they run, goes to a thread of this process instead (:func:`alongside`): nothing is
copied or sent, it is safe in the dashboard's server threads, and on two cores the two run at
once for most of their time. Only work that reads shared frames and changes none goes there,
and only beside work that itself spends its time outside the lock (reading from a database,
decoding Arrow): numpy's steps beside Python on a thread wait for the lock at every turn (the
engine's facts gained nothing so, and are made in turn).

Example::

    >>> pending = start(sum, range(4))
    >>> pending.result()
    6
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")

ENABLED = True
"""False: every work is done here, when its result is asked for (the tests compare the two)."""


def on_main_thread() -> bool:
    """Whether this is the main thread, the only one closeknit forks from."""
    return threading.current_thread() is threading.main_thread()


def can_fork() -> bool:
    """Whether work may go to a forked process now: :data:`ENABLED`, this is the main thread and
    no other Python thread runs (a lock another thread holds at the fork, such as a stream's,
    would stay held in the child for good), the machine has two cores or more, and the system
    is Linux, where forking is Python's default way to start a process (on macOS a forked child
    can crash in the system's libraries, and Windows does not fork)."""
    return (
        ENABLED
        and on_main_thread()
        and threading.active_count() == 1
        and (os.cpu_count() or 1) >= 2
        and sys.platform.startswith("linux")
    )


class Pending(Generic[T]):
    """The result of ``work(*args)``, being made on a forked process or to be made here."""

    def __init__(self, work: Callable[..., T], args: tuple[Any, ...]) -> None:
        self._work, self._args = work, args
        self._proc: Any = None
        self._conn: Any = None
        self._done = False
        self._value: T | None = None
        self.note: str | None = None
        """Why the work was done here after all (a worker that could not start or ended without
        a result), once :meth:`result` returned; None otherwise."""

    def _fork(self) -> None:
        try:
            ctx = multiprocessing.get_context("fork")
            ours, theirs = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_worker, args=(self._work, self._args, theirs))
            proc.start()
            theirs.close()
        except (OSError, RuntimeError, ValueError) as exc:
            self.note = f"{type(exc).__name__} starting a worker process"
            return
        self._proc, self._conn = proc, ours

    def result(self) -> T:
        """The work's result (waiting for the worker, or doing the work here); a second call
        gives the same value."""
        if self._done:
            return self._value  # type: ignore[return-value]
        sent: tuple[bool, T | None] = (False, None)
        if self._conn is not None:
            try:
                sent = self._conn.recv()
            except (EOFError, OSError) as exc:
                self.note = f"{type(exc).__name__}: the worker process ended"
            finally:
                self._conn.close()
                self._proc.join()
                self._conn = self._proc = None
        ok, value = sent
        self._value = value if ok else self._work(*self._args)
        self._done = True
        return self._value  # type: ignore[return-value]


def start(work: Callable[..., T], *args: Any, fork: bool = True) -> Pending[T]:
    """Begin ``work(*args)`` on a forked process when ``fork`` (the caller's judgement that the
    work is big enough) and :func:`can_fork` allow; otherwise it is done here when
    :meth:`Pending.result` is first called. Only the result crosses between the processes (the
    worker inherits ``work`` and ``args`` by the fork); a result that does not pickle is made
    here instead."""
    pending: Pending[T] = Pending(work, args)
    if fork and can_fork():
        pending._fork()
    return pending


def _run_and_send(work: Callable[..., Any], args: tuple[Any, ...], conn: Any) -> None:
    """The worker process's part: ``(True, result)``, or ``(False, None)`` when the work raised
    or its result does not pickle (the parent then does the work itself)."""
    try:
        message: tuple[bool, Any] = (True, work(*args))
    except BaseException:  # noqa: BLE001 - the parent does the work again and reports it
        message = (False, None)
    try:
        conn.send(message)
    except Exception:  # noqa: BLE001 - an unpicklable result: the parent does the work
        conn.send((False, None))
    conn.close()


def _worker(work: Callable[..., Any], args: tuple[Any, ...], conn: Any) -> None:
    """The forked process: :func:`_run_and_send`, then the end at once, without the interpreter's
    clean-up (it owns nothing of its own to clean up, and flushing the streams it inherited is
    the parent's to do)."""
    try:
        _run_and_send(work, args, conn)
    finally:
        os._exit(0)


class Alongside(Generic[T]):
    """The result of ``work(*args)``, being made on a thread of this process (:func:`alongside`)
    or to be made here."""

    def __init__(
        self, work: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self._work, self._args, self._kwargs = work, args, kwargs
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._done = False

    def _begin(self) -> None:
        thread = threading.Thread(target=self._run, name="closeknit-alongside", daemon=True)
        try:
            thread.start()
        except RuntimeError:  # no thread to be had: the work is done here when asked for
            return
        self._thread = thread

    def _run(self) -> None:
        try:
            self._value = self._work(*self._args, **self._kwargs)
        except BaseException as exc:  # noqa: BLE001 - raised in the caller by result()
            self._error = exc

    def result(self) -> T:
        """The work's result (waiting for the thread, or doing the work here); the work's own
        error is raised here. A second call gives the same value."""
        if not self._done:
            if self._thread is None:
                self._run()
            else:
                self._thread.join()
            self._done = True
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def alongside(work: Callable[..., T], *args: Any, **kwargs: Any) -> Alongside[T]:
    """Begin ``work(*args, **kwargs)`` on a thread of this process, while the caller goes on; with
    :data:`ENABLED` off it is done here when :meth:`Alongside.result` is first called. For work
    that reads its arguments and changes nothing shared, beside work that spends its time in
    array operations (numpy's and pandas' let go of Python's lock while they run, so on two
    cores both threads run at once); two works of pure Python gain nothing, and numpy beside
    pure Python loses (it waits for the lock after each step)."""
    pending: Alongside[T] = Alongside(work, args, kwargs)
    if ENABLED:
        pending._begin()
    return pending
