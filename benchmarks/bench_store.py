"""Cold start from the store against re-importing the original files.

Both sides end where the dashboard's overview can be drawn: an :class:`analysis.engine.Analysis`
of 10,000 contacts and 1,000,000 interactions. "Re-import" reads the vCard and the log, resolves
identities and analyses; "store" opens a store that already holds those files and does the same
from there. Target: the store at least 5x faster than re-importing, and under 2 s, on the same
day (the analysis read back) and on a new day (the analysis recomputed from the stored
resolution). As in the dashboard, the store's caches of the new analysis are written after it is
returned (``save_later``); the time with their writing is printed too. The store's side leaves
the interactions unread until a page shows them (the overview does not): the time to read them
then is printed too.

Then a newer export of the log that adds 1% (the same rows and a month more, as an append-only
log is exported again) against the log's first import into the same store. Target: at most 10%.
Usage: python benchmarks/bench_store.py [--cards N] [--rows N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import synth  # noqa: E402
from _measure import as_closeknit_runs, report_phase, run_phase  # noqa: E402

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
            s.add_file(files[0], opts)
        shutil.copy(d / "store.sqlite3", d / "cards-only.sqlite3")
        with Store(d / "store.sqlite3") as s:
            t = time.perf_counter()
            s.add_file(files[1], opts)
            report_phase(time.perf_counter() - t)
        return
    if name in ("first_log", "newer_log"):  # the log into a store holding the cards / the log
        start = d / ("cards-only.sqlite3" if name == "first_log" else "store.sqlite3")
        work = d / f"{name}-{os.getpid()}.sqlite3"
        shutil.copy(start, work)
        log = d / ("log.csv" if name == "first_log" else "newer.csv")
        with Store(work) as s:
            t = time.perf_counter()
            out = s.add_file(SourceFile.from_path(str(log)), opts)
            took = time.perf_counter() - t
        work.unlink()
        report_phase(took, added=out.interactions_added)
        return
    from analysis.pipeline import analysis_from_files, analysis_from_store, finish_saves

    t = time.perf_counter()
    if name == "reimport":
        result = analysis_from_files(files, opts, as_of=pd.Timestamp(AS_OF))
    else:  # as the dashboard starts: the caches are written after the analysis is shown
        day = pd.Timestamp(AS_OF)
        if name == "store_newday":  # a day not analysed before: the analysis is recomputed
            day += pd.Timedelta(days=1 + os.getpid() % 997)
        result = analysis_from_store(d / "store.sqlite3", as_of=day, save_later=True)
    took = time.perf_counter() - t
    finish_saves()
    saved = time.perf_counter() - t
    t = time.perf_counter()  # a page showing rows (a person's card) reads them on first use
    rows = len(result.resolution.interactions) + len(result.overlaps)
    report_phase(
        took, people=len(result.analysis.people), saved=saved, rows=time.perf_counter() - t, n=rows
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--phase")
    ap.add_argument("--cards", type=int, default=10_000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir")
    args = ap.parse_args()
    if args.phase:
        as_closeknit_runs()
        phase(args.phase, Path(args.dir))
        return
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        synth.write_vcards(d / "cards.vcf", n=args.cards)
        synth.write_log(d / "log.csv", rows=args.rows, contacts=args.cards)
        write_newer(d / "log.csv", d / "newer.csv", share=0.01)
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
        print(
            "  (the store's caches are written after the analysis is shown, as the dashboard"
            f" does: {st['saved']:.2f} s and {nd['saved']:.2f} s with their writing;"
            f" {re['seconds'] / nd['saved']:.1f}x on the new day)"
        )
        print(
            "  (from the store the interactions are read when a page first shows them, such as"
            f" a person's card: {st['rows']:.2f} s and {nd['rows']:.2f} s more;"
            f" {re['seconds'] / (nd['seconds'] + nd['rows']):.1f}x on the new day with them read)"
        )
        print("  targets: at least 5x faster than re-importing, and under 2 s")
        first = run_phase(Path(__file__), "first_log", "--dir", tmp)
        newer = run_phase(Path(__file__), "newer_log", "--dir", tmp)
        print(
            f"  the log's first import  {first['seconds']:6.2f} s  peak {first['peak_mb']:5.0f} MB"
            f"  ({first['added']:,} interactions)"
        )
        print(
            f"  a newer export, +1%     {newer['seconds']:6.2f} s  peak {newer['peak_mb']:5.0f} MB"
            f"  ({newer['added']:,} new; {newer['seconds'] / first['seconds']:.0%} of the first"
            " import; target: at most 10%)"
        )


def write_newer(log: Path, out: Path, share: float) -> None:
    """A newer export of ``log``: the same bytes followed by ``share`` more rows (the last rows
    again, a month later), as an append-only log exported again a month on."""
    import pandas as pd

    frame = pd.read_csv(log, dtype=str, keep_default_na=False)
    extra = frame.tail(max(1, int(len(frame) * share))).copy()
    when = pd.to_datetime(extra["timestamp"]) + pd.Timedelta(days=30)
    extra["timestamp"] = when.dt.strftime("%Y-%m-%d %H:%M")
    data = log.read_bytes()
    if not data.endswith(b"\n"):
        data += b"\n"
    out.write_bytes(data + extra.to_csv(index=False, header=False).encode())


if __name__ == "__main__":
    main()
