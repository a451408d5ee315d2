"""Import speed against the bare parsers, side by side in one run.

1. A 10,000-card vCard file (10% of cards carry a 30 KB photo): closeknit's vCard import against
   bare ``vobject.readComponents`` over the same file. Target: at most 1.2x.
2. A 1,000,000-row interaction log (10,000 distinct contacts, identities as names, phones and
   e-mails): closeknit's import + identity resolution (against the 10,000 contacts) against bare
   ``pandas.read_csv``. Target: under 3 s, peak memory under 1.5 GB.

Each phase runs in its own process (best of 3) so peak memory is its own. Usage:
    python benchmarks/bench_import.py [--cards N] [--rows N]
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
from _measure import report_phase, run_phase  # noqa: E402


def phase(name: str, vcf: Path, log: Path) -> None:
    if name == "bare_vobject":
        import vobject

        t = time.perf_counter()
        with vcf.open(encoding="utf-8") as fh:
            n = sum(1 for _ in vobject.readComponents(fh))
        report_phase(time.perf_counter() - t, records=n)
    elif name == "closeknit_vcard":
        from analysis.importers.base import ImportOptions, SourceFile
        from analysis.importers.vcard import parse

        t = time.perf_counter()
        res = parse(SourceFile.from_path(str(vcf)), ImportOptions(region="DE"))
        report_phase(time.perf_counter() - t, records=int(res.report.imported))
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
    ap.add_argument("--dir")
    args = ap.parse_args()
    if args.phase:
        d = Path(args.dir)
        phase(args.phase, d / "cards.vcf", d / "log.csv")
        return
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        synth.write_vcards(d / "cards.vcf", n=args.cards)
        synth.write_log(d / "log.csv", rows=args.rows)
        mb = (d / "cards.vcf").stat().st_size / 1e6
        print(f"vCard file: {args.cards:,} cards, {mb:.1f} MB (10% with a 30 KB photo)")
        extra = ("--dir", tmp)
        bare = run_phase(Path(__file__), "bare_vobject", *extra)
        ours = run_phase(Path(__file__), "closeknit_vcard", *extra)
        print(
            f"  bare vobject.readComponents  {bare['seconds']:7.2f} s  peak {bare['peak_mb']:6.0f} MB"
        )
        print(
            f"  closeknit vCard import       {ours['seconds']:7.2f} s  peak {ours['peak_mb']:6.0f} MB"
            f"  ({ours['records']:,} cards imported)"
        )
        print(
            f"  ratio closeknit / bare       {ours['seconds'] / bare['seconds']:7.2f}x  (target <= 1.2x)"
        )
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


if __name__ == "__main__":
    main()
