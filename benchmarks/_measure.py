"""Run one benchmark phase in a fresh subprocess and read back its time and peak memory.

Each phase runs alone in its own interpreter, so its peak resident memory (ru_maxrss) is its own.
Every phase, closeknit's and its floor's alike, runs as closeknit's programs run (the command line
and the dashboard): without numpy's hugepage hints and with Python's cycle collector set as they
set it (:mod:`analysis.runtime`, :func:`as_closeknit_runs`), so that both sides of a ratio run
under the same settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def as_closeknit_runs() -> None:
    """The process settings closeknit's programs apply at start (:mod:`analysis.runtime`),
    applied by each phase before its work, the floors' included."""
    from analysis import runtime

    runtime.use_small_pages()
    runtime.collect_less_often()


def run_phase(script: Path, phase: str, *args: str, repeat: int = 3) -> dict:
    """Best wall time of ``repeat`` runs of ``script --phase phase args`` and the peak RSS (MB)."""
    best = None
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, str(script), "--phase", phase, *args],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "NUMPY_MADVISE_HUGEPAGE": "0"},
        ).stdout
        res = json.loads(out.strip().splitlines()[-1])
        if best is None or res["seconds"] < best["seconds"]:
            best = res
    return best


def cpu_seconds() -> float:
    """CPU time (user and system) of this process and of its ended child processes so far: a
    phase that reads a file on a worker process shows what both cores spent, beside its wall
    time."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def report_phase(seconds: float, **extra) -> None:
    """Print a phase's result as the last line of stdout (JSON), with its peak RSS in MB and the
    largest peak RSS of its ended child processes (0 when it started none)."""
    import resource

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_kb / 1024,
                "child_peak_mb": child_kb / 1024,
                **extra,
            }
        )
    )
