"""Cold start from the store against re-importing the original files.

Both sides end where the dashboard's overview can be drawn: an :class:`analysis.engine.Analysis`
of 10,000 contacts and 1,000,000 interactions. "Re-import" reads the vCard and the log, resolves
identities and analyses; "store" opens a store that already holds those files and does the same
from there. Target: the store at least 5x faster than re-importing, and under 2 s.
Usage: python benchmarks/bench_store.py [--cards N] [--rows N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import synth  # noqa: E402
from _measure import report_phase, run_phase  # noqa: E402

AS_OF = "2026-11-01"


def phase(name: str, d: Path) -> None:
    import pandas as pd

    from analysis.importers.base import ImportOptions, SourceFile
    from analysis.store import Store

    opts = ImportOptions(region="DE")
    files = [SourceFile.from_path(str(d / "cards.vcf")), SourceFile.from_path(str(d / "log.csv"))]
    if name == "fill":
        with Store(d / "store.sqlite3") as s:
            s.set_setting("region", "DE")
            for f in files:
                s.add_file(f, opts)
        report_phase(0.0)
        return
    from analysis.pipeline import analysis_from_files, analysis_from_store

    t = time.perf_counter()
    if name == "reimport":
        result = analysis_from_files(files, opts, as_of=pd.Timestamp(AS_OF))
    elif name == "store_newday":  # a day not analysed before: the analysis is recomputed
        day = pd.Timestamp(AS_OF) + pd.Timedelta(days=1 + os.getpid() % 997)
        result = analysis_from_store(d / "store.sqlite3", as_of=day)
    else:
        result = analysis_from_store(d / "store.sqlite3", as_of=pd.Timestamp(AS_OF))
    report_phase(time.perf_counter() - t, people=len(result.analysis.people))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--phase")
    ap.add_argument("--cards", type=int, default=10_000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir")
    args = ap.parse_args()
    if args.phase:
        phase(args.phase, Path(args.dir))
        return
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        synth.write_vcards(d / "cards.vcf", n=args.cards)
        synth.write_log(d / "log.csv", rows=args.rows, contacts=args.cards)
        run_phase(Path(__file__), "fill", "--dir", tmp, repeat=1)
        size = (d / "store.sqlite3").stat().st_size / 1e6
        print(f"{args.cards:,} contacts, {args.rows:,} interactions; store file {size:.0f} MB")
        re = run_phase(Path(__file__), "reimport", "--dir", tmp)
        run_phase(Path(__file__), "store", "--dir", tmp, repeat=1)  # leaves today's analysis
        st = run_phase(Path(__file__), "store", "--dir", tmp)
        nd = run_phase(Path(__file__), "store_newday", "--dir", tmp)
        print(f"  re-import the files     {re['seconds']:6.2f} s  peak {re['peak_mb']:5.0f} MB")
        print(
            f"  cold start, same day    {st['seconds']:6.2f} s  peak {st['peak_mb']:5.0f} MB"
            f"  ({re['seconds'] / st['seconds']:.1f}x faster)"
        )
        print(
            f"  cold start, a new day   {nd['seconds']:6.2f} s  peak {nd['peak_mb']:5.0f} MB"
            f"  ({re['seconds'] / nd['seconds']:.1f}x faster; the analysis is recomputed)"
        )
        print("  targets: at least 5x faster than re-importing, and under 2 s")


if __name__ == "__main__":
    main()
