"""Import speed against the bare parsers, side by side in one run.

1. Two 10,000-card vCard files, the same cards without photos and with a 30 KB photo on 10% of
   them: closeknit's vCard import against bare ``vobject.readComponents`` over the same file,
   side by side. The floor decodes the photos that closeknit drops unread, so the with-photos
   ratio flatters closeknit; the photo-less ratio is the honest one. Target: at most 1.0x
   photo-less, peak memory under 300 MB. closeknit reads a file of 2,000 cards or more on a
   forked worker process (:mod:`analysis.sidework`): its CPU time and the worker's memory (its
   own pages, and its peak RSS, which counts the pages it shares with the main process) are
   printed too.
2. A 1,000,000-row interaction log (10,000 distinct contacts, identities as names, phones and
   e-mails): closeknit's import + identity resolution (against the 10,000 contacts) against bare
   ``pandas.read_csv``. Target: under 3 s, peak memory under 1.5 GB.

Each phase runs in its own process (best of 3) so peak memory is its own. Usage:
    python benchmarks/bench_import.py [--cards N] [--rows N] [--vcard-only]
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

VCARD_WORKLOADS = (("photo-less", "plain.vcf", 0.0), ("10% photos", "photos.vcf", 0.1))
"""(label, file name, share of cards with a 30 KB photo) of the two vCard workloads."""


def phase(name: str, vcf: Path, log: Path) -> None:
    if name == "bare_vobject":
        import vobject

        t, cpu = time.perf_counter(), cpu_seconds()
        with vcf.open(encoding="utf-8") as fh:
            n = sum(1 for _ in vobject.readComponents(fh))
        report_phase(time.perf_counter() - t, records=n, cpu=cpu_seconds() - cpu)
    elif name == "closeknit_vcard":
        from analysis.importers.base import ImportOptions, SourceFile
        from analysis.importers.vcard import parse

        workers = watch_workers()
        t, cpu = time.perf_counter(), cpu_seconds()
        res = parse(SourceFile.from_path(str(vcf)), ImportOptions(region="DE"))
        report_phase(
            time.perf_counter() - t,
            records=int(res.report.imported),
            cpu=cpu_seconds() - cpu,
            worker_private_mb=workers_private_mb(workers),
        )
    elif name == "bare_read_csv":
        import pandas as pd

        t = time.perf_counter()
        n = len(pd.read_csv(log))
        report_phase(time.perf_counter() - t, records=n)
    elif name == "closeknit_log":
        from analysis.identity import resolve
        from analysis.importers.base import ImportOptions, SourceFile
        from analysis.importers.interactions_csv import parse as parse_log
        from analysis.importers.vcard import parse as parse_vcf

        opts = ImportOptions(region="DE")
        contacts = parse_vcf(SourceFile.from_path(str(vcf)), opts).contacts
        t = time.perf_counter()
        res = parse_log(SourceFile.from_path(str(log)), opts)
        t_import = time.perf_counter() - t
        r = resolve(contacts, res.interactions, region="DE")
        matched = int(r.interactions["person_id"].notna().sum())
        report_phase(
            time.perf_counter() - t,
            records=len(r.interactions),
            matched=matched,
            import_seconds=t_import,
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--phase")
    ap.add_argument("--cards", type=int, default=10_000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--vcf", default="plain.vcf")
    ap.add_argument("--vcard-only", action="store_true", help="skip the interaction log")
    ap.add_argument("--dir")
    args = ap.parse_args()
    if args.phase:
        as_closeknit_runs()
        d = Path(args.dir)
        phase(args.phase, d / args.vcf, d / "log.csv")
        return
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        bench_vcards(d, args.cards)
        if args.vcard_only:
            return
        synth.write_log(d / "log.csv", rows=args.rows)
        extra = ("--dir", tmp)
        mb = (d / "log.csv").stat().st_size / 1e6
        print(f"Interaction log: {args.rows:,} rows, {mb:.1f} MB, {args.cards:,} distinct contacts")
        bare = run_phase(Path(__file__), "bare_read_csv", *extra)
        ours = run_phase(Path(__file__), "closeknit_log", *extra)
        print(
            f"  bare pandas.read_csv         {bare['seconds']:7.2f} s  peak {bare['peak_mb']:6.0f} MB"
        )
        print(
            f"  closeknit import + resolve   {ours['seconds']:7.2f} s  peak {ours['peak_mb']:6.0f} MB"
            f"  (import {ours['import_seconds']:.2f} s; {ours['matched']:,} of "
            f"{ours['records']:,} matched)"
        )
        print("  target: under 3 s, peak under 1.5 GB")


def bench_vcards(d: Path, cards: int) -> None:
    """Write both vCard workloads into ``d`` and print closeknit against the floor on each, side
    by side (each phase in its own process, best of 3)."""
    rows: dict[str, list[str]] = {k: [] for k in ("file", "bare", "ours", "ratio", "cpu", "worker")}
    for label, name, share in VCARD_WORKLOADS:
        synth.write_vcards(d / name, n=cards, photo_share=share)
        extra = ("--dir", str(d), "--vcf", name)
        bare = run_phase(Path(__file__), "bare_vobject", *extra)
        ours = run_phase(Path(__file__), "closeknit_vcard", *extra)
        mb = (d / name).stat().st_size / 1e6
        rows["file"].append(f"{label}, {mb:.1f} MB")
        rows["bare"].append(f"{bare['seconds']:6.2f} s, peak {bare['peak_mb']:4.0f} MB")
        rows["ours"].append(
            f"{ours['seconds']:6.2f} s, peak {ours['peak_mb']:4.0f} MB ({ours['records']:,})"
        )
        rows["ratio"].append(f"{ours['seconds'] / bare['seconds']:6.2f}x")
        rows["cpu"].append(f"{ours['cpu']:5.2f} / {bare['cpu']:5.2f} s")
        rows["worker"].append(
            f"own {ours['worker_private_mb']:3.0f} MB, peak RSS {ours['child_peak_mb']:3.0f} MB"
        )
    print(f"vCard import, {cards:,} cards (vCard 3.0)")
    heads = {
        "file": "workload",
        "bare": "bare vobject.readComponents",
        "ours": "closeknit vCard import (cards)",
        "ratio": "ratio closeknit / bare",
        "cpu": "CPU closeknit / bare",
        "worker": "closeknit's worker process",
    }
    for key, head in heads.items():
        print(f"  {head:32}" + "".join(f"{cell:34}" for cell in rows[key]))
    print(
        "  target: photo-less ratio <= 1.0x, peak under 300 MB. The floor decodes every photo,\n"
        "  which closeknit drops unread: the with-photos ratio flatters closeknit; the\n"
        "  photo-less one is the honest comparison."
    )


if __name__ == "__main__":
    main()
