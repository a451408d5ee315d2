"""End-to-end ``analyze`` of 10,000 contacts and 1,000,000 interactions against the bare import
floor (the same files read by vobject and pandas alone), side by side in one run.

closeknit's side is what ``closeknit analyze --format json`` does: detect and import both files,
resolve identities, compute every metric, the graph and the suggestions, and build the JSON report.
Targets on a 2-core machine: under 5 s end to end, at most 1.5x the floor, peak under 1.5 GB.
Each side runs in its own process (best of 3). Usage:
    python benchmarks/bench_analyze.py [--cards N] [--rows N]
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

AS_OF = "2026-11-01"


def phase(name: str, vcf: Path, log: Path) -> None:
    if name == "floor":
        import pandas as pd
        import vobject

        t = time.perf_counter()
        with vcf.open(encoding="utf-8") as fh:
            n = sum(1 for _ in vobject.readComponents(fh))
        n += len(pd.read_csv(log))
        report_phase(time.perf_counter() - t, records=n)
    elif name == "closeknit":
        import pandas as pd

        from analysis.engine import analyze
        from analysis.identity import resolve
        from analysis.importers.base import ImportOptions, SourceFile
        from analysis.pipeline import load
        from analysis.report import to_dict

        t = time.perf_counter()
        opts = ImportOptions(region="DE")
        ds = load([SourceFile.from_path(str(vcf)), SourceFile.from_path(str(log))], opts)
        t_load = time.perf_counter()
        res = resolve(ds.contacts, ds.interactions, region="DE")
        t_resolve = time.perf_counter()
        result = analyze(res.people, res.interactions, as_of=pd.Timestamp(AS_OF))
        t_analyze = time.perf_counter()
        out = to_dict(result, files=[r.to_dict() for r in ds.reports], unmatched=[])
        total = time.perf_counter() - t
        report_phase(
            total,
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
    ap.add_argument("--dir")
    args = ap.parse_args()
    if args.phase:
        d = Path(args.dir)
        phase(args.phase, d / "cards.vcf", d / "log.csv")
        return
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        synth.write_vcards(d / "cards.vcf", n=args.cards)
        synth.write_log(d / "log.csv", rows=args.rows, contacts=args.cards)
        print(f"{args.cards:,} contacts (vCard, 10% with 30 KB photos), {args.rows:,} interactions")
        floor = run_phase(Path(__file__), "floor", "--dir", tmp)
        ours = run_phase(Path(__file__), "closeknit", "--dir", tmp)
        print(
            f"  floor: vobject + pandas.read_csv  {floor['seconds']:6.2f} s  "
            f"peak {floor['peak_mb']:5.0f} MB"
        )
        print(
            f"  closeknit analyze (end to end)    {ours['seconds']:6.2f} s  "
            f"peak {ours['peak_mb']:5.0f} MB"
        )
        print(
            f"    load {ours['load']:.2f} s, resolve {ours['resolve']:.2f} s, "
            f"analyze {ours['analyze']:.2f} s; {ours['people']:,} people, "
            f"{ours['suggestions']} suggestions"
        )
        print(
            f"  ratio closeknit / floor           {ours['seconds'] / floor['seconds']:6.2f}x  "
            "(targets: under 5 s, at most 1.5x, peak under 1.5 GB)"
        )


if __name__ == "__main__":
    main()
