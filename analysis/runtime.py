"""Process-wide settings that closeknit's own programs apply when they start.

The command line (:func:`analysis.cli.main`) and the dashboard (``app.py``) call
:func:`use_small_pages` and :func:`collect_less_often` first thing. The library never calls them
on import: a program that imports :mod:`analysis` for its own use keeps its own settings.
"""

from __future__ import annotations

import gc
import os
import threading

import numpy as np

HUGEPAGE_VARIABLE = "NUMPY_MADVISE_HUGEPAGE"
"""numpy's switch for asking Linux for transparent huge pages on large arrays ("0": off)."""


def use_small_pages() -> bool:
    """Stop numpy from asking Linux for transparent huge pages on its large arrays.

    numpy marks each array of 4 MB or more with ``madvise(MADV_HUGEPAGE)``. Many
    distributions set ``/sys/kernel/mm/transparent_hugepage/defrag`` to ``madvise``. With that
    setting, the first touch of such memory can stall: when no huge page is free, the kernel
    compacts memory synchronously instead of falling back to normal pages (numpy issue #31590).
    closeknit makes and drops many arrays of a million rows. Measured on this project's
    development machine (Linux 6.18, ``defrag = madvise``), 10,000 people and a million
    interactions, each in a fresh process:

    * a new day's start from the store: 2.28-2.38 s with normal pages, 2.18-3.98 s with
      hugepage hints (kernel time 0.22-0.27 s against 0.31-1.49 s);
    * ``analyze`` end to end: 6.4-7.4 s against 7.7-8.5 s.

    A user who sets :data:`HUGEPAGE_VARIABLE` to anything but ``"0"`` keeps numpy's behaviour.
    Elsewhere than on Linux numpy gives no hint and this changes nothing.

    Returns
    -------
    bool
        True when numpy now gives no hugepage hint (set here or already off).

    References
    ----------
    numpy, "Global state: madvise hugepage on Linux",
    https://numpy.org/doc/stable/reference/global_state.html; numpy issue #31590, "Setting
    MADV_HUGEPAGE on heap allocations can adversely affect the behavior of later allocations".
    """
    if os.environ.setdefault(HUGEPAGE_VARIABLE, "0") != "0":
        return False  # the user's own choice
    core = getattr(np, "_core", None) or np.core  # numpy 1.x: numpy.core
    setter = getattr(core.multiarray, "_set_madvise_hugepage", None)
    if setter is None:  # pragma: no cover - a numpy without the switch gives no hint either
        return True
    setter(False)
    return True


COLLECT_AFTER = 10_000
"""Allocations of container objects (lists, tuples, dicts ...) between two collections of the
youngest generation of Python's cycle collector, instead of Python's 700. Judgement call: a
reader of a million rows makes containers by the hundred thousand, nearly all of them kept, and
at 700 the collector walked them again and again (measured: 0.13 s of a 1.8 s new-day start,
0.54 s of a 7 s ``analyze``; 0.02 s with this and :func:`gc.freeze`). The older generations keep
Python's ratios (10 and 10), so a full collection still follows about every million."""

_COLLECTOR_SET = threading.Lock()
_collector_set = False


def collect_less_often() -> bool:
    """Make Python's cycle collector cheaper for closeknit's work, once per process: the
    objects alive now (the modules imported) are moved out of its sight for good
    (:func:`gc.freeze`: they are never garbage) and the youngest generation is collected every
    :data:`COLLECT_AFTER` container allocations. Objects are still freed as soon as nothing
    refers to them; only garbage in reference cycles waits longer.

    Returns
    -------
    bool
        True when this call set the collector, False when an earlier call had.

    References
    ----------
    Python documentation, "gc: Garbage Collector interface" (``freeze``, ``set_threshold``);
    the CPython developer guide, "Garbage collector design" (generations and thresholds).
    """
    global _collector_set
    with _COLLECTOR_SET:
        if _collector_set:
            return False
        _collector_set = True
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(COLLECT_AFTER, older, oldest)
    return True
