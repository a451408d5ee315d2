"""End-to-end ``analyze`` of 10,000 contacts and 1,000,000 interactions against the bare import
floor (the same files read by vobject and pandas alone), side by side in one run.

Both sides print their wall time and the CPU time of all their processes: closeknit reads a big
vCard file on a forked worker process while it reads the log, and finds the look-alike names on
one while it matches the interactions (:mod:`analysis.sidework`), so on two cores its wall time
is less than its CPU time, while the floor uses one core. The workers' memory is printed beside
the main process's peak: the largest worker's own pages (what the machine holds for it alone),
and the largest worker's peak RSS, which also counts the pages it shares with the main process.

closeknit's side is what ``closeknit analyze --format json`` does, through the same code
(:mod:`analysis.pipeline` on an in-memory store): detect and import both files into the store,
resolve identities and merge overlapping records, compute every metric, the graph and the
suggestions, and build the JSON report.

Two workloads, both printed: vCards without photos (the floor parses what closeknit parses), and
vCards where 10% carry a 30 KB photo (the floor also parses the photos, which closeknit skips, so
that ratio flatters closeknit). Each side runs in its own process (best of 3). Usage:
    python benchmarks/bench_analyze.py [--cards N] [--rows N] [--photos SHARE]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import synth  # noqa: E402
from _measure import (  # noqa: E402
    as_closeknit_runs,
    cpu_seconds,
    report_phase,
    run_phase,
    watch_workers,
    workers_private_mb,
)

AS_OF = "2026-11-01"


def phase(name: str, vcf: Path, log: Path) -> None:
    if name == "floor":
        import pandas as pd
        import vobject

        t, cpu = time.perf_counter(), cpu_seconds()
        with vcf.open(encoding="utf-8") as fh:
            n = sum(1 for _ in vobject.readComponents(fh))
        n += len(pd.read_csv(log))
        report_phase(time.perf_counter() - t, records=n, cpu=cpu_seconds() - cpu)
    elif name == "closeknit":
        from analysis import pipeline
        from analysis.importers.base import ImportOptions, SourceFile
        from analysis.report import to_dict
        from analysis.store import Store

        workers = watch_workers()
        t, cpu = time.perf_counter(), cpu_seconds()
        opts = ImportOptions(region="DE")
        sources = [SourceFile.from_path(str(vcf)), SourceFile.from_path(str(log))]
        with Store(":memory:") as store:
            pipeline.remember_options(store, opts)
            outcomes = pipeline.import_files(store, sources, opts)
            t_load = time.perf_counter()
            # what analysis_from_store does (as `closeknit analyze` calls it), in its two halves
            resolved = pipeline.resolution_from_store(store, use_cache=False)
            t_resolve = time.perf_counter()
            run = pipeline.analyse_resolved(store, resolved, as_of=AS_OF, use_cache=False)
            t_analyze = time.perf_counter()
        out = to_dict(run.analysis, files=[o.report.to_dict() for o in outcomes], unmatched=[])
        total = time.perf_counter() - t
        report_phase(
            total,
            cpu=cpu_seconds() - cpu,
            worker_private_mb=workers_private_mb(workers),
            load=t_load - t,
            resolve=t_resolve - t_load,
            analyze=t_analyze - t_resolve,
            people=len(out["people"]),
            suggestions=len(out["suggestions"]),
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--phase")
    ap.add_argument("--cards", type=int, default=10_000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--photos", type=float, default=None, help="only this photo share")
    ap.add_argument("--dir")
    args = ap.parse_args()
    if args.phase:
        as_closeknit_runs()
        d = Path(args.dir)
        phase(args.phase, d / "cards.vcf", d / "log.csv")
        return
    shares = [args.photos] if args.photos is not None else [0.0, 0.1]
    for share in shares:
        workload(args.cards, args.rows, share)


def workload(cards: int, rows: int, share: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        synth.write_vcards(d / "cards.vcf", n=cards, photo_share=share)
        synth.write_log(d / "log.csv", rows=rows, contacts=cards)
        what = f"{share:.0%} with 30 KB photos" if share else "no photos"
        print(f"{cards:,} contacts (vCard, {what}), {rows:,} interactions")
        floor = run_phase(Path(__file__), "floor", "--dir", tmp)
        ours = run_phase(Path(__file__), "closeknit", "--dir", tmp)
        print(
            f"  floor: vobject + pandas.read_csv  {floor['seconds']:6.2f} s  "
            f"peak {floor['peak_mb']:5.0f} MB  CPU {floor['cpu']:5.2f} s"
        )
        print(
            f"  closeknit analyze (end to end)    {ours['seconds']:6.2f} s  "
            f"peak {ours['peak_mb']:5.0f} MB  CPU {ours['cpu']:5.2f} s"
            f"  (+ a worker's own pages {ours['worker_private_mb']:.0f} MB; its peak RSS"
            f" {ours['child_peak_mb']:.0f} MB counts pages shared with the main process)"
        )
        print(
            f"    load {ours['load']:.2f} s, resolve {ours['resolve']:.2f} s, "
            f"analyze {ours['analyze']:.2f} s; {ours['people']:,} people, "
            f"{ours['suggestions']} suggestions"
        )
        print(
            f"  ratio closeknit / floor           {ours['seconds'] / floor['seconds']:6.2f}x  "
            "(target: at most 1.3x on cards without photos, peak under 1 GB)"
        )
        print(f"  CPU time closeknit / floor        {ours['cpu'] / floor['cpu']:6.2f}x")


if __name__ == "__main__":
    main()
