"""Import speed of the message and call sources against their bare parsers.

* SMS Backup & Restore XML (``bench_sms_xml``): a synthetic 200,000-record backup (90% SMS, 10%
  group MMS with parts and addrs, like the app writes) read by closeknit's importer against
  ``xml.etree.ElementTree.iterparse`` over the same file doing nothing. Target: at most 3x.
* WhatsApp (``bench_whatsapp``): a synthetic 500,000-line Android export (two people, 2-60
  message bursts a few times a day, 7% multi-line messages, 5% "<Media omitted>") parsed by
  closeknit's importer against a bare ``for line in f`` over the same file opened as UTF-8 text
  (read + decode + split into lines, nothing else). Target: at most 3x.

Each phase runs in its own process (best of ``repeat``) so peak memory is its own. Usage:
    python benchmarks/bench_sources.py [--sms N] [--whatsapp N]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _measure import report_phase, run_phase  # noqa: E402

SMS_TARGET_RATIO = 3.0
WHATSAPP_TARGET_RATIO = 3.0


def write_sms_xml(path: Path, n_records: int, seed: int = 1) -> None:
    """Write an SMS Backup & Restore messages file with ``n_records`` records (every 10th a
    group MMS with three addresses, the rest SMS alternating received/sent)."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        f.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        f.write(
            f'<smses count="{n_records}" backup_set="bench" backup_date="1700000000000" '
            'type="full">\n'
        )
        for i in range(n_records):
            ms = 1577836800000 + i * 60_000
            num = f"+1555555{rnd.randrange(10_000):04d}"
            if i % 10 == 9:
                f.write(
                    f'  <mms date="{ms}" rr="null" sub="null" ct_t="application/vnd.wap.multipart.related" '
                    f'read_status="null" seen="1" msg_box="{1 + i % 2}" address="{num}~+15555550999" '
                    'sub_cs="null" resp_st="null" retr_st="null" d_tm="null" text_only="1" exp="null" '
                    'locked="0" m_id="null" st="null" retr_txt_cs="null" retr_txt="null" creator="null" '
                    'date_sent="0" read="1" m_size="null" rpt_a="null" ct_cls="null" pri="null" '
                    f'sub_id="1" tr_id="null" resp_txt="null" ct_l="null" m_cls="null" d_rpt="null" '
                    f'v="18" _id="{i}" m_type="132" readable_date="Jan 1, 2020" contact_name="A, B">\n'
                    "    <parts>\n"
                    '      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" '
                    f'cid="&lt;text&gt;" cl="text" ctt_s="null" ctt_t="null" text="hello group {i}" />\n'
                    "    </parts>\n    <addrs>\n"
                    f'      <addr address="{num}" type="137" charset="106" />\n'
                    '      <addr address="+15555550999" type="151" charset="106" />\n'
                    '      <addr address="+15555550100" type="151" charset="106" />\n'
                    "    </addrs>\n  </mms>\n"
                )
            else:
                f.write(
                    f'  <sms protocol="0" address="{num}" date="{ms}" type="{1 + i % 2}" '
                    f'subject="null" body="Message number {i} with some text &amp; more" toa="null" '
                    'sc_toa="null" service_center="null" read="1" status="-1" locked="0" '
                    f'date_sent="{ms - 1000}" sub_id="1" readable_date="Jan 1, 2020 12:00:00 AM" '
                    f'contact_name="Person {i % 500}" />\n'
                )
        f.write("</smses>\n")


def phase(name: str, path: Path) -> None:
    """Run one measured phase in this process and print its JSON result line."""
    if name == "bare_iterparse":
        import xml.etree.ElementTree as ET

        t = time.perf_counter()
        n = 0
        for _event, _elem in ET.iterparse(str(path)):
            n += 1
        report_phase(time.perf_counter() - t, records=n)
    elif name == "closeknit_sms_xml":
        from analysis.importers.base import ImportOptions, SourceFile
        from analysis.importers.sms_xml import parse

        t = time.perf_counter()
        res = parse(SourceFile.from_path(str(path)), ImportOptions())
        report_phase(
            time.perf_counter() - t, records=int(res.report.read), rows=len(res.interactions)
        )
    elif name == "bare_lines":
        t = time.perf_counter()
        n = 0
        with path.open(encoding="utf-8") as f:
            for _line in f:
                n += 1
        report_phase(time.perf_counter() - t, records=n)
    elif name == "closeknit_whatsapp":
        from analysis.importers.base import ImportOptions, SourceFile
        from analysis.importers.whatsapp import parse as parse_whatsapp

        t = time.perf_counter()
        res = parse_whatsapp(SourceFile.from_path(str(path)), ImportOptions(me=("Bob Stone",)))
        report_phase(
            time.perf_counter() - t, records=int(res.report.read), rows=len(res.interactions)
        )
    else:
        raise SystemExit(f"unknown phase {name!r}")


def bench_sms_xml(n_records: int = 200_000, repeat: int = 2) -> dict:
    """Time closeknit's SMS XML import against bare ``ElementTree.iterparse`` over the same
    synthetic file; print both and the ratio (target <= 3x) and return the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sms.xml"
        write_sms_xml(path, n_records)
        mb = path.stat().st_size / 1e6
        print(f"SMS Backup & Restore XML: {n_records:,} records, {mb:.1f} MB")
        bare = run_phase(Path(__file__), "bare_iterparse", "--file", str(path), repeat=repeat)
        ours = run_phase(Path(__file__), "closeknit_sms_xml", "--file", str(path), repeat=repeat)
    ratio = ours["seconds"] / bare["seconds"]
    print(
        f"  bare ElementTree.iterparse   {bare['seconds']:7.2f} s  peak {bare['peak_mb']:6.0f} MB"
    )
    print(
        f"  closeknit SMS XML import     {ours['seconds']:7.2f} s  peak {ours['peak_mb']:6.0f} MB"
        f"  ({ours['records']:,} records, {ours['rows']:,} rows)"
    )
    print(f"  ratio closeknit / bare       {ratio:7.2f}x  (target <= {SMS_TARGET_RATIO:.0f}x)")
    return {"bare": bare, "closeknit": ours, "ratio": ratio}


def write_whatsapp(path: Path, n_lines: int, seed: int = 1) -> None:
    """Write an Android WhatsApp export of ``n_lines`` lines (dd/mm/yyyy, 24-hour): an encryption
    notice, then days with 1-6 bursts of 2-60 messages between two people."""
    import datetime as dt

    rnd = random.Random(seed)
    names = ("Anna Meyer", "Bob Stone")
    lines = [
        "12/03/2019, 18:04 - Messages and calls are end-to-end encrypted. No one outside of "
        "this chat, not even WhatsApp, can read or listen to them. Tap to learn more."
    ]
    day = dt.datetime(2019, 3, 12)
    while len(lines) < n_lines:
        day += dt.timedelta(days=1)
        t = day
        for _ in range(rnd.randint(1, 6)):  # bursts in time order, as WhatsApp writes them
            t = max(t, day + dt.timedelta(minutes=rnd.randint(7 * 60, 22 * 60)))
            for _ in range(rnd.randint(2, 60)):
                t += dt.timedelta(seconds=rnd.randint(5, 400))
                head = f"{t:%d/%m/%Y, %H:%M} - {rnd.choice(names)}: "
                r = rnd.random()
                if r < 0.05:
                    lines.append(head + "<Media omitted>")
                elif r < 0.12:
                    lines.append(head + "first line of a longer message")
                    lines.append("and its second line")
                else:
                    lines.append(head + "a short message with a few words in it")
    path.write_text("\n".join(lines[:n_lines]) + "\n", encoding="utf-8")


def bench_whatsapp(n_lines: int = 500_000, repeat: int = 3) -> dict:
    """Time closeknit's WhatsApp import against a bare ``for line in f`` read of the same
    synthetic export; print both and the ratio (target <= 3x) and return the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "WhatsApp Chat with Anna Meyer.txt"
        write_whatsapp(path, n_lines)
        mb = path.stat().st_size / 1e6
        print(f"WhatsApp chat export: {n_lines:,} lines, {mb:.1f} MB")
        bare = run_phase(Path(__file__), "bare_lines", "--file", str(path), repeat=repeat)
        ours = run_phase(Path(__file__), "closeknit_whatsapp", "--file", str(path), repeat=repeat)
    ratio = ours["seconds"] / bare["seconds"]
    print(
        f"  bare for-line-in-f read      {bare['seconds']:7.2f} s  peak {bare['peak_mb']:6.0f} MB"
    )
    print(
        f"  closeknit WhatsApp import    {ours['seconds']:7.2f} s  peak {ours['peak_mb']:6.0f} MB"
        f"  ({ours['records']:,} messages, {ours['rows']:,} rows)"
    )
    print(f"  ratio closeknit / bare       {ratio:7.2f}x  (target <= {WHATSAPP_TARGET_RATIO:.0f}x)")
    return {"bare": bare, "closeknit": ours, "ratio": ratio}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--phase")
    ap.add_argument("--file")
    ap.add_argument("--sms", type=int, default=200_000, help="records in the SMS XML file")
    ap.add_argument("--whatsapp", type=int, default=500_000, help="lines in the WhatsApp export")
    args = ap.parse_args()
    if args.phase:
        phase(args.phase, Path(args.file))
        return
    bench_sms_xml(args.sms)
    bench_whatsapp(args.whatsapp)


if __name__ == "__main__":
    main()
