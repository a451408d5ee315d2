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


def watch_workers() -> Path:
    """Record, in each process closeknit forks for work (:mod:`analysis.sidework`), the memory
    that process holds of its own when its work is done: its private pages (on Linux,
    ``Private_Clean`` + ``Private_Dirty`` of ``/proc/self/smaps_rollup``), one line each in the
    file returned (read by :func:`workers_private_mb`). A forked worker's peak RSS
    (``child_peak_mb``) also counts the pages it still shares with the main process, which the
    machine holds once; main peak + the workers' private pages is what both hold."""
    import tempfile

    from analysis import sidework

    fd, name = tempfile.mkstemp(prefix="closeknit-workers-")
    os.close(fd)
    log = Path(name)
    real = sidework._run_and_send

    def recorded(work, args, conn):  # type: ignore[no-untyped-def]
        def work_then_record(*a):  # type: ignore[no-untyped-def]
            result = work(*a)
            kb = 0
            with open("/proc/self/smaps_rollup", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith(("Private_Clean:", "Private_Dirty:")):
                        kb += int(line.split()[1])
            with log.open("a", encoding="ascii") as out:
                out.write(f"{kb}\n")
            return result

        real(work_then_record, args, conn)

    sidework._run_and_send = recorded
    return log


def workers_private_mb(log: Path) -> float:
    """The largest private memory (MB) a worker recorded in ``log`` (:func:`watch_workers`;
    0: none), and the log removed."""
    values = [int(v) for v in log.read_text(encoding="ascii").split()]
    log.unlink()
    return max(values, default=0) / 1024


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
