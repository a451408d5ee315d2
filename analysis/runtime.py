"""Process-wide settings that closeknit's own programs apply when they start.

The command line (:func:`analysis.cli.main`) and the dashboard (``app.py``) call
:func:`use_small_pages` first thing. The library never calls it on import: a program that
imports :mod:`analysis` for its own use keeps its own settings.
"""

from __future__ import annotations

import os

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
