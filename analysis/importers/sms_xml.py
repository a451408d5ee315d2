"""Android "SMS Backup & Restore" (SyncTech) XML: text messages, MMS and call logs.

The app writes two kinds of file, told apart by their root element:

* ``<smses count="N">`` with ``<sms .../>`` and ``<mms ...><parts/><addrs/></mms>`` children;
* ``<calls count="N">`` with ``<call .../>`` children.

Attribute meanings (SyncTech, "Fields in XML Backup Files",
https://synctech.com.au/sms-backup-restore/fields-in-xml-backup-files/):

* ``sms@type``: 1 received, 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued. Only 1 and 2 happened;
  the others are skipped with their reason.
* ``mms@msg_box``: 1 received, 2 sent (3 draft, 4 outbox: skipped). ``addr@type``: 137 from,
  151 to, 130 cc, 129 bcc. A group MMS (several other addresses) gives one row per other
  participant, all sharing one ``event_id``.
* ``call@type``: 1 incoming, 2 outgoing, 3 missed, 4 voicemail, 5 rejected, 6 refused (blocked
  list). Missed, voicemail and rejected calls are still someone reaching out: they become
  ``incoming`` calls with duration 0 and a note; refused (blocked) calls are skipped.
* ``date`` is Java epoch milliseconds (UTC); ``duration`` is seconds.

``who`` is the ``address``/``number`` as written (identity resolution normalises phone numbers
with the user's region); when it is empty, ``contact_name`` stands in.

Parsing streams the file with :func:`defusedxml.ElementTree.iterparse` (DTDs, entity declarations
and external references forbidden): elements are cleared as soon as they are read, so memory
stays flat for 200,000 records. A file that declares a DTD or entities (an entity-expansion
attack such as "billion laughs") is refused whole. A truncated file keeps the records read before
the cut, with a warning.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as safe_iterparse

from analysis.errors import UnusableFileError
from analysis.importers.base import (
    Detection,
    FileReport,
    ImportOptions,
    ImportResult,
    SourceFile,
    stable_id,
)
from analysis.model import interactions_frame

FORMAT = "sms_xml"
LABEL_MESSAGES = "SMS Backup & Restore (messages)"
LABEL_CALLS = "SMS Backup & Restore (calls)"

SMS_TYPES = {"1": "incoming", "2": "outgoing"}
SMS_SKIPPED_TYPES = {"3": "draft", "4": "outbox (never sent)", "5": "failed", "6": "queued"}
MMS_BOXES = {"1": "incoming", "2": "outgoing"}
MMS_SKIPPED_BOXES = {"3": "draft", "4": "outbox (never sent)"}
ADDR_FROM, ADDR_TO, ADDR_CC, ADDR_BCC = "137", "151", "130", "129"

CALL_TYPES = {
    "1": ("incoming", ""),
    "2": ("outgoing", ""),
    "3": ("incoming", "missed"),
    "4": ("incoming", "voicemail"),
    "5": ("incoming", "rejected"),
}
CALL_SKIPPED_TYPES = {"6": "refused (number on the blocked list)"}

_ROOT_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<\?[^>]*\?>\s*)*(?:<!DOCTYPE\s+|<)(smses|calls)\b",
    re.S,
)
_NULLS = {"", "null"}


def sniff(name: str, head: str) -> Detection | None:
    """An ``<smses>`` or ``<calls>`` root (after an optional XML prolog; a DOCTYPE naming them is
    detected too, so that :func:`parse` can refuse it with the reason)."""
    m = _ROOT_RE.match(head.lstrip("\ufeff"))
    if not m:
        return None
    label = LABEL_MESSAGES if m.group(1) == "smses" else LABEL_CALLS
    return Detection(FORMAT, label, 0.98)


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read an SMS Backup & Restore messages or calls file into interactions.

    One row per SMS (channel ``message``), one row per other participant of an MMS, one row per
    call (channel ``call``, ``duration_min`` = seconds / 60). ``read`` counts the ``sms``,
    ``mms`` and ``call`` elements; drafts, failed and blocked records are skipped with a reason.
    Raises :class:`UnusableFileError` for a file that declares a DTD/entities, or that holds no
    record before an XML error.
    """
    data = source.data
    root_tag = _root_tag(data)
    label = LABEL_CALLS if root_tag == "calls" else LABEL_MESSAGES
    report = FileReport(source.name, FORMAT, label)
    src = f"{source.name} ({label})"

    ts: list[int] = []
    who: list[str] = []
    chan: list[str] = []
    direc: list[str] = []
    dur: list[float] = []
    eid: list[str] = []
    note: list[str] = []
    nan = float("nan")
    index = 0  # record number (1-based) across sms/mms/call elements
    declared: str | None = None
    counts = {"sms": 0, "mms": 0, "call": 0}
    ignored: dict[str, int] = {}

    it = safe_iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True)
    depth = 0
    root = None
    try:
        for event, elem in it:
            if event == "start":
                depth += 1
                if depth == 1:
                    root = elem
                    declared = elem.get("count")
                continue
            depth -= 1
            if depth != 1:
                continue
            tag = elem.tag
            index += 1
            a = elem.attrib
            if tag == "sms":
                counts["sms"] += 1
                where = f"sms {counts['sms']} (record {index})"
                t = a.get("type", "")
                d = SMS_TYPES.get(t)
                ms = _ms(a.get("date"))
                if d is None:
                    reason = SMS_SKIPPED_TYPES.get(t, f"unknown message type {t!r}")
                    report.skip(where, f"{reason}: not a message that was exchanged")
                elif ms is None:
                    report.skip(where, f"no usable date ({a.get('date')!r})")
                else:
                    w = _who(a.get("address"), a.get("contact_name"))
                    if not w:
                        report.skip(where, "no address or contact name")
                    else:
                        ts.append(ms)
                        who.append(w)
                        chan.append("message")
                        direc.append(d)
                        dur.append(nan)
                        eid.append("")
                        note.append("sms")
                        report.imported += 1
                        report.read += 1
            elif tag == "mms":
                counts["mms"] += 1
                where = f"mms {counts['mms']} (record {index})"
                box = a.get("msg_box", "")
                d = MMS_BOXES.get(box)
                ms = _ms(a.get("date"))
                if d is None:
                    reason = MMS_SKIPPED_BOXES.get(box, f"unknown message box {box!r}")
                    report.skip(where, f"{reason}: not a message that was exchanged")
                elif ms is None:
                    report.skip(where, f"no usable date ({a.get('date')!r})")
                else:
                    others = _mms_others(elem, d, options)
                    if not others:
                        report.skip(where, "no other participant in its addresses")
                    else:
                        group = len(others) > 1
                        event = stable_id(source.digest, "mms", index, ms) if group else ""
                        for w in others:
                            ts.append(ms)
                            who.append(w)
                            chan.append("message")
                            direc.append(d)
                            dur.append(nan)
                            eid.append(event)
                            note.append("group mms" if group else "mms")
                        report.imported += 1
                        report.read += 1
            elif tag == "call":
                counts["call"] += 1
                where = f"call {counts['call']} (record {index})"
                t = a.get("type", "")
                spec = CALL_TYPES.get(t)
                ms = _ms(a.get("date"))
                if spec is None:
                    reason = CALL_SKIPPED_TYPES.get(t, f"unknown call type {t!r}")
                    report.skip(where, reason)
                elif ms is None:
                    report.skip(where, f"no usable date ({a.get('date')!r})")
                else:
                    w = _who(a.get("number"), a.get("contact_name"))
                    if not w:
                        report.skip(where, "no number or contact name (a withheld caller)")
                    else:
                        d, kind = spec
                        secs = _float(a.get("duration"))
                        ts.append(ms)
                        who.append(w)
                        chan.append("call")
                        direc.append(d)
                        dur.append(0.0 if kind else (nan if secs is None else secs / 60.0))
                        eid.append("")
                        note.append(kind)
                        report.imported += 1
                        report.read += 1
            else:
                index -= 1
                ignored[tag] = ignored.get(tag, 0) + 1
            elem.clear()
            if root is not None:
                root.clear()
    except DefusedXmlException:
        raise UnusableFileError(
            source.name,
            "the file declares XML entities, which closeknit refuses for safety "
            "(an SMS Backup & Restore file never has a DOCTYPE or entity declarations)",
            "prolog",
        ) from None
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        total = report.read
        at_end = _is_end_error(exc, data)
        if total == 0:
            raise UnusableFileError(
                source.name,
                f"not well-formed XML ({_plain(exc)}); no message or call could be read",
                f"line {line}",
            ) from None
        if at_end:
            report.warnings.append(
                f"file ends early (truncated at line {line}): {total} records read before it"
            )
        else:
            report.warnings.append(
                f"XML error at line {line} ({_plain(exc)}): {total} records read before it; "
                "the rest of the file was not read"
            )

    for tag, n in sorted(ignored.items()):
        report.notes.append(f"<{tag}> elements are not messages or calls: {n} ignored")
    if declared is not None and declared.isdigit() and int(declared) != report.read:
        report.notes.append(f"the file says it holds {declared} records; {report.read} were found")
    if report.read == 0 and not report.warnings:
        report.notes.append("the backup holds no messages or calls")
    frame = interactions_frame(
        pd.to_datetime(np.asarray(ts, dtype="int64"), unit="ms", utc=True),
        who,
        chan,
        direc,
        dur,
        eid,
        note,
        src,
    )
    return ImportResult(interactions=frame, report=report)


def _root_tag(data: bytes) -> str:
    m = re.search(rb"<(smses|calls)\b", data[:65_536])
    return m.group(1).decode() if m else "smses"


def _ms(value: str | None) -> int | None:
    if not value:
        return None
    try:
        ms = int(value)
    except ValueError:
        try:
            ms = int(float(value))
        except ValueError:
            return None
    return ms if ms > 0 else None


def _float(value: str | None) -> float | None:
    if value is None or value in _NULLS:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _who(address: str | None, contact_name: str | None) -> str:
    """The address as written; ``contact_name`` when the address is missing."""
    if address and address not in _NULLS:
        return address.strip()
    if contact_name and contact_name not in _NULLS and contact_name != "(Unknown)":
        return contact_name.strip()
    return ""


def _mms_others(elem: ET.Element, direction: str, options: ImportOptions) -> list[str]:
    """The other participants of an MMS: from ``<addrs>`` (minus the user), else ``address``.

    For a received MMS the sender (type 137) and the other recipients (151/130) are the others;
    the user is the recipient whose number is in ``options.me``; when that is not given, the
    ``address`` attribute (``~``-separated, the app's list of the other parties) is the truth.
    """
    listed = [p.strip() for p in (elem.get("address") or "").split("~") if p.strip() not in _NULLS]
    addrs = elem.find("addrs")
    me = {_digits(m) for m in options.me if _digits(m)}
    found: list[str] = []
    if addrs is not None:
        for ad in addrs.iter("addr"):
            addr = (ad.get("address") or "").strip()
            if addr in _NULLS or addr.lower() == "insert-address-token":
                continue
            found.append(addr)
    if found:
        listed_digits = {_digits(x)[-10:] for x in listed}
        others = []
        for addr in found:
            dg = _digits(addr)
            if me and (dg in me or dg[-10:] in {m[-10:] for m in me}):
                continue
            if not me and listed and dg[-10:] not in listed_digits:
                continue  # not among the app's "other parties": the user's own number
            if addr not in others:
                others.append(addr)
        if others:
            return others
    return list(dict.fromkeys(listed))


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def _is_end_error(exc: ET.ParseError, data: bytes) -> bool:
    """True when the parse error sits at the end of the data (a cut-off file)."""
    if not exc.position:
        return False
    line = exc.position[0]
    total_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return line >= total_lines or "no element found" in str(exc) or "unclosed token" in str(exc)


def _plain(exc: ET.ParseError) -> str:
    return re.sub(r":\s*line \d+, column \d+$", "", str(exc))
