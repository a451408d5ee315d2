"""Import speed of the message and call sources against their bare parsers.

* SMS Backup & Restore XML (``bench_sms_xml``): a synthetic 200,000-record backup (90% SMS, 10%
  group MMS with parts and addrs, like the app writes) read by closeknit's importer against
  ``xml.etree.ElementTree.iterparse`` over the same file doing nothing. Target: at most 3x.
* WhatsApp (``bench_whatsapp``): a synthetic 500,000-line Android export (two people, 2-60
  message bursts a few times a day, 7% multi-line messages, 5% "<Media omitted>") parsed by
  closeknit's importer against a bare ``for line in f`` over the same file opened as UTF-8 text
  (read + decode + split into lines, nothing else). Target: at most 3x.

* E-mail (``bench_mail``): a synthetic Gmail-Takeout-like mbox (default 200 MB, ``--mail-mb``;
  the target is stated for 1 GB): ~2 KB of Received/DKIM/ARC headers per message, bodies of
  2-20 KB (text + HTML alternative), every 12th message with a 60-400 KB base64 attachment, a
  third of them list mail. closeknit's header-only streaming import against Python's bare
  ``mailbox.mbox`` iteration reading each message's From/To/Cc/Date/Message-ID/References over
  the same file, and a bare 1 MiB-chunk read (the I/O floor). Targets: at most 1.5x the bare
  ``mailbox.mbox`` time, peak under 300 MB. The file is generated once into the temp dir and
  reused by later runs of the same size.

* Messenger (``bench_messenger``): a synthetic Meta "Download your information" zip (JSON) of
  200,000 messages (``--messenger N``): 150 one-to-one and 30 group threads, parts cut at 10,000
  messages like Meta does, mojibake-escaped names and texts, 1% calls. closeknit's import of the
  zip against a bare ``json.load`` of every ``message_N.json`` in the same zip (unzip + JSON
  parse, nothing else). Target: at most 2x.

Each phase runs in its own process (best of ``repeat``) so peak memory is its own. Usage:
    python benchmarks/bench_sources.py [--sms N] [--whatsapp N] [--mail-mb MB] [--messenger N]
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

from _measure import as_closeknit_runs, report_phase, run_phase  # noqa: E402

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
    if name.startswith("messenger_"):
        messenger_phase(name, path)
        return
    if name.startswith("mail_"):
        mail_phase(name, path)
    elif name == "bare_iterparse":
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


# --- e-mail (mbox) -----------------------------------------------------------------------------

MAIL_TARGET_RATIO = 1.5
MAIL_TARGET_PEAK_MB = 300

_MAIL_PEOPLE = [f"Person {i} <person{i}@{d}>" for i, d in enumerate(["gmx.de", "web.de"] * 150)]


def write_mbox(path: Path, megabytes: int, seed: int = 1) -> int:
    """Write a Gmail-Takeout-like mbox of about ``megabytes`` MB (see the module doc); returns
    the number of messages."""
    import base64

    rnd = random.Random(seed)
    words = b"lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor".split()
    para = b" ".join(rnd.choice(words) for _ in range(4000))
    text = b"\n".join(para[i : i + 76] for i in range(0, len(para), 76)) + b"\n"
    blob = base64.encodebytes(rnd.randbytes(400_000))
    target = megabytes * 1_000_000
    n = 0
    size = 0
    with path.open("wb") as f:
        while size < target:
            n += 1
            other = rnd.choice(_MAIL_PEOPLE)
            me = "Mara Jensen <mara.jensen@gmail.com>"
            sender, rcpt = (me, other) if n % 3 == 0 else (other, me)
            t = 1_600_000_000 + n * 600
            stamp = time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.gmtime(t))
            date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t))
            listy = b"List-Id: <news.example.com>\nPrecedence: bulk\n" if n % 3 == 1 else b""
            refs = ""
            if n % 2:
                refs = f"In-Reply-To: <m{n - 1}@x.example>\nReferences: <m{n - 2}@x.example>\n"
            received = b"".join(
                b"Received: from mail%d.example.net (mail%d.example.net [203.0.113.%d])\n"
                b"        by mx.google.com with ESMTPS id abc%dxyz.%d\n"
                b"        for <mara.jensen@gmail.com>; %s\n" % (k, k, k, n, k, date.encode())
                for k in range(4)
            )
            head = (
                (
                    f"From {1_700_000_000_000_000_000 + n}@xxx {stamp}\nX-GM-THRID: {n // 3}\n"
                    "X-Gmail-Labels: Inbox,Opened\nDelivered-To: mara.jensen@gmail.com\n"
                ).encode()
                + received
                + (
                    "ARC-Seal: i=1; a=rsa-sha256; t=1; cv=none; d=google.com; s=arc-20160816;\n"
                    f"        b={'Q' * 300}\nDKIM-Signature: v=1; a=rsa-sha256; d=example.net;\n"
                    f"        bh={'x' * 44}; b={'y' * 200}\n"
                    f"Message-ID: <m{n}@x.example>\nDate: {date}\nFrom: {sender}\nTo: {rcpt}\n"
                    f"{refs}Subject: Re: message {n}\nMIME-Version: 1.0\n"
                    'Content-Type: multipart/mixed; boundary="b1"\n'
                ).encode()
                + listy
                + b"\n"
            )
            k = rnd.randint(2_000, 20_000)
            start = rnd.randrange(0, len(text) - k)
            body = (
                b'--b1\nContent-Type: multipart/alternative; boundary="b2"\n\n--b2\n'
                b"Content-Type: text/plain; charset=UTF-8\n\n"
                + text[start : start + k // 2]
                + b"\n--b2\nContent-Type: text/html; charset=UTF-8\n\n<div>"
                + text[start : start + k // 2]
                + b"</div>\n--b2--\n"
            )
            if n % 12 == 0:
                a = rnd.randint(60_000, 400_000)
                body += (
                    b'--b1\nContent-Type: application/pdf; name="doc.pdf"\n'
                    b"Content-Transfer-Encoding: base64\n\n" + blob[:a] + b"\n"
                )
            body += b"--b1--\n\n"
            f.write(head)
            f.write(body)
            size += len(head) + len(body)
    return n


def mail_phase(name: str, path: Path) -> None:
    """The e-mail phases: ``mail_bare_read``, ``mail_bare_mailbox``, ``mail_closeknit``."""
    if name == "mail_bare_read":
        t = time.perf_counter()
        n = 0
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                n += chunk.count(b"\nFrom ")
        report_phase(time.perf_counter() - t, records=n)
    elif name == "mail_bare_mailbox":
        import mailbox

        t = time.perf_counter()
        n = 0
        fields = ("From", "To", "Cc", "Date", "Message-ID", "In-Reply-To", "References")
        for msg in mailbox.mbox(str(path), create=False):
            for fld in fields:
                msg.get(fld)
            n += 1
        report_phase(time.perf_counter() - t, records=n)
    elif name == "mail_closeknit":
        from analysis.importers.base import ImportOptions
        from analysis.importers.mail import parse_stream

        t = time.perf_counter()
        with path.open("rb") as fh:
            res = parse_stream(fh, path.name, ImportOptions(me=("mara.jensen@gmail.com",)))
        rep = res.report
        left = sum(int(x.split(" ")[0].replace(",", "")) for x in rep.notes)
        report_phase(
            time.perf_counter() - t,
            records=rep.read + left,
            rows=len(res.interactions),
        )
    else:
        raise SystemExit(f"unknown phase {name!r}")


def bench_mail(megabytes: int = 200, repeat: int = 2) -> dict:
    """Time closeknit's mbox import against bare ``mailbox.mbox`` iteration over the same
    generated file (kept in the temp dir for later runs); print both, the I/O floor, the ratio
    (target <= 1.5x) and peak memory (target < 300 MB), and return the figures."""
    path = Path(tempfile.gettempdir()) / f"closeknit-bench-mail-{megabytes}MB.mbox"
    if not path.exists():
        tmp = path.with_suffix(".part")
        write_mbox(tmp, megabytes)
        tmp.replace(path)
    mb = path.stat().st_size / 1e6
    print(f"E-mail mbox (Gmail Takeout-like): {mb:,.0f} MB ({path})")
    floor = run_phase(Path(__file__), "mail_bare_read", "--file", str(path), repeat=repeat)
    bare = run_phase(Path(__file__), "mail_bare_mailbox", "--file", str(path), repeat=repeat)
    ours = run_phase(Path(__file__), "mail_closeknit", "--file", str(path), repeat=repeat)
    ratio = ours["seconds"] / bare["seconds"]
    print(
        f"  bare 1 MiB chunk read        {floor['seconds']:7.2f} s  peak {floor['peak_mb']:6.0f} MB"
    )
    print(
        f"  bare mailbox.mbox headers    {bare['seconds']:7.2f} s  peak {bare['peak_mb']:6.0f} MB"
        f"  ({bare['records']:,} messages)"
    )
    print(
        f"  closeknit mail import        {ours['seconds']:7.2f} s  peak {ours['peak_mb']:6.0f} MB"
        f"  ({ours['records']:,} messages, {ours['rows']:,} rows)"
    )
    print(
        f"  ratio closeknit / bare       {ratio:7.2f}x  (target <= {MAIL_TARGET_RATIO}x, "
        f"peak < {MAIL_TARGET_PEAK_MB} MB)"
    )
    return {"floor": floor, "bare": bare, "closeknit": ours, "ratio": ratio}


# --- Messenger (Meta "Download your information", JSON) -------------------------------------

MESSENGER_TARGET_RATIO = 2.0


def write_messenger_zip(path: Path, n_messages: int, seed: int = 1) -> int:
    """Write a Messenger export zip of ``n_messages`` messages: 150 one-to-one and 30 group
    threads (3-8 people), bursts of 1-40 messages, newest first, parts of at most 10,000
    messages, text escaped as Meta does (UTF-8 read as Latin-1, then ``\\u00XX``). Returns the
    number of threads."""
    import json
    import zipfile

    rnd = random.Random(seed)

    def moji(text: str) -> str:
        return text.encode("utf-8").decode("latin-1")

    me = "Ben Okafor"
    given = ("José", "Zoë", "Ana", "Björn", "Chloé", "Li")
    family = ("García", "Müller", "Lima", "Novak", "Østergaard")
    people = [f"{rnd.choice(given)} {rnd.choice(family)} {i}" for i in range(400)]
    texts = [moji(t) for t in ("ok 👍", "on my way", "¿dónde estás?", "see you at 7",
                               "haha 😂", "Schön, bis morgen!", "can't make it tonight")]  # fmt: skip
    threads = [(False, [me, people[i]]) for i in range(150)]
    threads += [(True, [me, *rnd.sample(people, rnd.randint(2, 7))]) for _ in range(30)]
    weights = [rnd.paretovariate(1.2) for _ in threads]
    scale = n_messages / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    counts[0] += n_messages - sum(counts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(
            "your_facebook_activity/messages/autofill_information.json",
            json.dumps({"autofill_information_v2": {"FULL_NAME": [me]}}),
        )
        for ti, ((group, members), count) in enumerate(zip(threads, counts, strict=True)):
            folder = f"thread{ti}_{7_000_000_000_000_000 + ti}"
            msgs = []
            t = 1_600_000_000_000
            while len(msgs) < count:
                t += rnd.randint(1, 72) * 3_600_000
                for _ in range(min(rnd.randint(1, 40), count - len(msgs))):
                    t += rnd.randint(5, 600) * 1000
                    sender = moji(rnd.choice(members))
                    if rnd.random() < 0.01:
                        msgs.append({"sender_name": sender, "timestamp_ms": t,
                                     "content": "The video chat ended.", "call_duration":
                                     rnd.choice([0, 95, 1800]), "type": "Call",
                                     "is_unsent": False})  # fmt: skip
                    else:
                        msgs.append({"sender_name": sender, "timestamp_ms": t,
                                     "content": rnd.choice(texts), "type": "Generic",
                                     "is_unsent": False, "is_geoblocked_for_viewer": False})  # fmt: skip
            msgs.reverse()
            head = {"participants": [{"name": moji(m)} for m in members]}
            for part, start in enumerate(range(0, len(msgs), 10_000), start=1):
                doc = {**head, "messages": msgs[start : start + 10_000],
                       "title": moji("Group " + str(ti) if group else members[1]),
                       "is_still_participant": True,
                       "thread_path": f"inbox/{folder}", "magic_words": []}  # fmt: skip
                zf.writestr(
                    f"your_facebook_activity/messages/inbox/{folder}/message_{part}.json",
                    json.dumps(doc, indent=2),
                )
    return len(threads)


def messenger_phase(name: str, path: Path) -> None:
    """The Messenger phases: ``messenger_bare_json`` and ``messenger_closeknit``."""
    if name == "messenger_bare_json":
        import json
        import zipfile

        t = time.perf_counter()
        n = 0
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                base = info.filename.rsplit("/", 1)[-1]
                if base.startswith("message_") and base.endswith(".json"):
                    with zf.open(info) as fh:
                        n += len(json.load(fh)["messages"])
        report_phase(time.perf_counter() - t, records=n)
    elif name == "messenger_closeknit":
        from analysis.importers.base import ImportOptions, SourceFile
        from analysis.importers.meta import parse as parse_meta

        t = time.perf_counter()
        res = parse_meta(SourceFile.from_path(str(path)), ImportOptions())
        report_phase(
            time.perf_counter() - t, records=int(res.report.read), rows=len(res.interactions)
        )
    else:
        raise SystemExit(f"unknown phase {name!r}")


def bench_messenger(n_messages: int = 200_000, repeat: int = 3) -> dict:
    """Time closeknit's Messenger import of a generated export zip against a bare ``json.load``
    of its ``message_N.json`` files; print both, the ratio (target <= 2x) and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "facebook-benokafor-2024-03-20-AbCdEfGh.zip"
        n_threads = write_messenger_zip(path, n_messages)
        mb = path.stat().st_size / 1e6
        print(
            f"Messenger export (JSON zip): {n_messages:,} messages, {n_threads} threads, {mb:.1f} MB"
        )
        bare = run_phase(Path(__file__), "messenger_bare_json", "--file", str(path), repeat=repeat)
        ours = run_phase(Path(__file__), "messenger_closeknit", "--file", str(path), repeat=repeat)
    ratio = ours["seconds"] / bare["seconds"]
    print(
        f"  bare json.load of the parts  {bare['seconds']:7.2f} s  peak {bare['peak_mb']:6.0f} MB"
        f"  ({bare['records']:,} messages)"
    )
    print(
        f"  closeknit Messenger import   {ours['seconds']:7.2f} s  peak {ours['peak_mb']:6.0f} MB"
        f"  ({ours['records']:,} messages, {ours['rows']:,} rows)"
    )
    print(
        f"  ratio closeknit / bare       {ratio:7.2f}x  (target <= {MESSENGER_TARGET_RATIO:.0f}x)"
    )
    return {"bare": bare, "closeknit": ours, "ratio": ratio}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--phase")
    ap.add_argument("--file")
    ap.add_argument("--sms", type=int, default=200_000, help="records in the SMS XML file")
    ap.add_argument("--whatsapp", type=int, default=500_000, help="lines in the WhatsApp export")
    ap.add_argument("--mail-mb", type=int, default=200, help="MB of the mbox (0: skip)")
    ap.add_argument(
        "--messenger", type=int, default=200_000, help="messages in the Messenger zip (0: skip)"
    )
    args = ap.parse_args()
    if args.phase:
        as_closeknit_runs()
        phase(args.phase, Path(args.file))
        return
    bench_sms_xml(args.sms)
    bench_whatsapp(args.whatsapp)
    if args.mail_mb:
        bench_mail(args.mail_mb)
    if args.messenger:
        bench_messenger(args.messenger)


if __name__ == "__main__":
    main()
