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
* ``date`` is Java epoch milliseconds (UTC); ``duration`` is seconds. A date outside the years
  closeknit keeps (:mod:`analysis.dates`) skips the record; dates more than a year ahead are
  imported and counted in a note.

``who`` is the ``address``/``number`` as written (identity resolution normalises phone numbers
with the user's region); when it is empty, ``contact_name`` stands in.

**Reading** streams the file through expat with defusedxml's parser (DTDs, entity declarations
and external references forbidden: a file that declares any, such as a "billion laughs" attack,
is refused whole). Records are fed to expat whole, a batch of about :data:`BATCH_BYTES` at a
time cut at record starts, and handled as soon as their end tag is read; nothing of the tree is
kept, so memory stays flat whatever the number of records. (expat before 2.6 re-scans an
unfinished token on every feed, so feeding a file in fixed small chunks, as
``ElementTree.iterparse`` does, is quadratic in the size of one huge attribute; a record fed whole
is read in one pass.) A value longer than :data:`MAX_ATTRIBUTE_BYTES` skips its record unread.

**Damage costs only the records it touches.** On an XML error the record that holds it is taken
out, repaired when the damage is characters XML forbids (control characters, bytes that are not
UTF-8, references to invalid characters such as an unpaired UTF-16 surrogate ``&#xD800;``:
replaced by U+FFFD, with a warning) and otherwise skipped with its record number and line; reading
starts again at the next ``<sms``, ``<mms`` or ``<call``. Emoji written as two references to
UTF-16 surrogates (``&#55357;&#56832;``, which Android's XML serializer wrote for years and
strict parsers reject) are read as the emoji. A file cut short keeps everything before the cut
and counts the record it ends inside as skipped.
"""

from __future__ import annotations

import bisect
import contextlib
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from analysis.dates import (
    FUTURE_TOLERANCE_DAYS,
    OUT_OF_RANGE_REASON,
    TIMESTAMP_MAX,
    TIMESTAMP_MIN,
)
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

MAX_ATTRIBUTE_BYTES = 32 * 1024 * 1024
"""Longest attribute value read (32 MiB); a record with a longer one is skipped unread.

Judgement call: the only long values the app writes are MMS attachments, base64 in
``part@data`` (4/3 of the attachment); carriers cap MMS at a few megabytes, so 32 MiB leaves room
for any real attachment, while a value of hundreds of megabytes is damage or an attack and would
cost that much memory again as a Python string."""

BATCH_BYTES = 1 << 20
"""Bytes fed to expat at a time (cut at the next record start): big enough that the per-feed
cost vanishes, small enough that memory stays flat."""

_RESYNC_BYTES = 512
"""Bytes fed first after damage (doubled after each clean feed)."""

_ROOT_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<\?[^>]*\?>\s*)*(?:<!DOCTYPE\s+|<)(smses|calls)\b",
    re.S,
)
_NULLS = {"", "null"}
_RECORD_START = re.compile(rb"<(?:sms|mms|call)[\s/>]")
_RECORD_TAGS = (b"<sms", b"<mms", b"<call")
_ROOT_END = re.compile(rb"</(?:smses|calls)\s*>")
_XML_DECL = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(<\?xml\s[^>]{0,300}\?>)")
_ENCODING = re.compile(rb"encoding\s*=\s*[\"']([A-Za-z][A-Za-z0-9._-]{0,40})[\"']")
_CHAR_REF = re.compile(rb"&#(x[0-9a-fA-F]+|[0-9]+);")
_CHAR_REF_SUSPECT = re.compile(rb"&#(?!1[03];|9;|x[aAdD9];)(x[0-9a-fA-F]+|[0-9]+);")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_REPLACEMENT = "\ufffd".encode()
_MS_MIN = TIMESTAMP_MIN.value // 1_000_000
_MS_MAX = TIMESTAMP_MAX.value // 1_000_000
_MS_PER_DAY = 86_400_000
_BAD_CHAR_REF = 14  # expat's XML_ERROR_BAD_CHAR_REF ("reference to invalid character number")


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
    ``mms`` and ``call`` elements, including those lost to damage; drafts, failed and blocked
    records are skipped with a reason. Raises :class:`UnusableFileError` for a file that declares
    a DTD/entities, or whose damage leaves no record readable.
    """
    data = source.data
    root_tag = _root_tag(data)
    label = LABEL_CALLS if root_tag == "calls" else LABEL_MESSAGES
    reader = _Records(source, options, FileReport(source.name, FORMAT, label))
    encoding = _declared_encoding(data)
    scan = _Scan(data, reader, _synthetic_head(encoding, root_tag))
    scan.utf8 = encoding.replace("-", "").lower() == "utf8"
    try:
        scan.run()
    except DefusedXmlException:
        raise UnusableFileError(
            source.name,
            "the file declares XML entities, which closeknit refuses for safety "
            "(an SMS Backup & Restore file never has a DOCTYPE or entity declarations)",
            "prolog",
        ) from None
    if scan.first_error is not None and reader.intact == 0:
        msg, line = scan.first_error
        raise UnusableFileError(
            source.name,
            f"not well-formed XML ({msg}); no message or call could be read",
            f"line {line}",
        )
    return reader.finish(scan)


class _Records:
    """Turns each ``sms``/``mms``/``call`` element read into rows and counts it in the report."""

    def __init__(self, source: SourceFile, options: ImportOptions, report: FileReport) -> None:
        self.source = source
        self.options = options
        self.report = report
        self.ts: list[int] = []
        self.who: list[str] = []
        self.chan: list[str] = []
        self.direc: list[str] = []
        self.dur: list[float] = []
        self.eid: list[str] = []
        self.note: list[str] = []
        self.index = 0  # record number (1-based) across sms/mms/call elements
        self.intact = 0  # records parsed as XML (whatever became of them)
        self.counts = {"sms": 0, "mms": 0, "call": 0}
        self.ignored: dict[str, int] = {}
        self.declared: str | None = None
        self.future: list[str] = []
        self.future_ms = (
            int(datetime.now(UTC).timestamp() * 1000) + FUTURE_TOLERANCE_DAYS * _MS_PER_DAY
        )
        self.me = {_digits(m) for m in options.me if _digits(m)}

    def lost(self, line: int, reason: str) -> None:
        """A record that could not be read at all (damaged XML, oversized value)."""
        self.index += 1
        self.report.skip(f"record {self.index} (line {line})", reason)

    def record(self, tag: str, a: dict[str, str], addrs: list[str]) -> None:
        """One complete top-level element with its attributes (and an MMS's addresses)."""
        if tag not in self.counts:
            self.ignored[tag] = self.ignored.get(tag, 0) + 1
            return
        self.index += 1
        self.intact += 1
        self.counts[tag] += 1
        where = f"{tag} {self.counts[tag]} (record {self.index})"
        report = self.report
        if tag == "sms":
            t = a.get("type", "")
            d = SMS_TYPES.get(t)
            if d is None:
                reason = SMS_SKIPPED_TYPES.get(t, f"unknown message type {_short(t)}")
                report.skip(where, f"{reason}: not a message that was exchanged")
                return
            ms = self._date(a.get("date"), where)
            if ms is None:
                return
            w = _who(a.get("address"), a.get("contact_name"))
            if not w:
                report.skip(where, "no address or contact name")
                return
            self._row(ms, w, "message", d, float("nan"), "", "sms", where)
        elif tag == "mms":
            box = a.get("msg_box", "")
            d = MMS_BOXES.get(box)
            if d is None:
                reason = MMS_SKIPPED_BOXES.get(box, f"unknown message box {_short(box)}")
                report.skip(where, f"{reason}: not a message that was exchanged")
                return
            ms = self._date(a.get("date"), where)
            if ms is None:
                return
            others = _mms_others(a.get("address"), addrs, self.me)
            if not others:
                report.skip(where, "no other participant in its addresses")
                return
            group = len(others) > 1
            event = stable_id(self.source.digest, "mms", self.index, ms) if group else ""
            note = "group mms" if group else "mms"
            self._future(ms, where)
            for w in others:
                self._append(ms, w, "message", d, float("nan"), event, note)
            report.imported += 1
            report.read += 1
        else:
            t = a.get("type", "")
            spec = CALL_TYPES.get(t)
            if spec is None:
                report.skip(where, CALL_SKIPPED_TYPES.get(t, f"unknown call type {_short(t)}"))
                return
            ms = self._date(a.get("date"), where)
            if ms is None:
                return
            w = _who(a.get("number"), a.get("contact_name"))
            if not w:
                report.skip(where, "no number or contact name (a withheld caller)")
                return
            d, kind = spec
            secs = _float(a.get("duration"))
            minutes = 0.0 if kind else (float("nan") if secs is None else secs / 60.0)
            self._row(ms, w, "call", d, minutes, "", kind, where)

    def _date(self, value: str | None, where: str) -> int | None:
        """Epoch milliseconds of ``value``, or None after skipping the record with the reason."""
        ms = _ms(value)
        if ms is None:
            self.report.skip(where, f"no usable date ({_short(value)})")
        elif ms < _MS_MIN or ms > _MS_MAX:
            self.report.skip(where, f"{OUT_OF_RANGE_REASON} ({_short(value)})")
            return None
        elif ms <= 0:
            self.report.skip(where, f"no usable date ({_short(value)}: not after 1970)")
            return None
        return ms

    def _future(self, ms: int, where: str) -> None:
        if ms > self.future_ms:
            self.future.append(where)

    def _row(self, ms, who, chan, direc, dur, eid, note, where) -> None:
        self._future(ms, where)
        self._append(ms, who, chan, direc, dur, eid, note)
        self.report.imported += 1
        self.report.read += 1

    def _append(self, ms, who, chan, direc, dur, eid, note) -> None:
        self.ts.append(ms)
        self.who.append(who)
        self.chan.append(chan)
        self.direc.append(direc)
        self.dur.append(dur)
        self.eid.append(eid)
        self.note.append(note)

    def finish(self, scan: _Scan) -> ImportResult:
        """The report's notes and warnings, and the interactions frame."""
        report = self.report
        report.warnings.extend(scan.warnings())
        for tag, n in sorted(self.ignored.items()):
            report.notes.append(f"<{tag}> elements are not messages or calls: {n} ignored")
        if self.future:
            what = "calls" if report.label == LABEL_CALLS else "messages"
            n = len(self.future)
            report.notes.append(
                f"{n} {what if n > 1 else what[:-1]} dated more than a year ahead "
                f"(first: {self.future[0]}): a phone clock set wrong?"
            )
        declared = self.declared
        if declared is not None and declared.isdigit() and int(declared) != report.read:
            report.notes.append(
                f"the file says it holds {declared} records; {report.read} were found"
            )
        if report.read == 0 and not report.warnings:
            report.notes.append("the backup holds no messages or calls")
        src = f"{self.source.name} ({report.label})"
        frame = interactions_frame(
            pd.to_datetime(np.asarray(self.ts, dtype="int64"), unit="ms", utc=True),
            self.who,
            self.chan,
            self.direc,
            self.dur,
            self.eid,
            self.note,
            src,
        )
        return ImportResult(interactions=frame, report=report)


class _Run:
    """One expat parser over a stretch of the file, handing each complete record to
    :class:`_Records`. A fresh run starts after damage (fed a synthetic root start tag)."""

    def __init__(self, records: _Records, head: bytes, first: bool) -> None:
        self.records = records
        self.first = first
        self.parser = DefusedXMLParser(target=ET.TreeBuilder(), forbid_dtd=True)
        p = self.expat = self.parser.parser
        p.ordered_attributes = 0  # attributes as a dict, built in C
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = len  # text between records is not needed; len() is a no-op
        self.depth = 0
        self.tag = ""
        self.attrs: dict[str, str] = {}
        self.addrs: list[str] = []
        self.record_at = -1  # byte index (in this run's input) of the open record's start
        self.last_end = 0  # byte index just after the start of the last complete record's end
        self.done = 0
        self.fed = 0  # bytes fed so far, including ``head``
        self.starts: list[int] = []  # run index where each fed stretch of the file begins
        self.offsets: list[int] = []  # file offset of each such stretch (repairs shift it a bit)
        if head:
            self.feed(head)

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        d = self.depth = self.depth + 1
        if d == 2:
            self.tag = tag
            self.attrs = attrs
            self.addrs = []
            self.record_at = self.expat.CurrentByteIndex
        elif d > 2:
            if tag == "addr" and self.tag == "mms":
                self.addrs.append(attrs.get("address") or "")
        elif self.first:
            self.records.declared = attrs.get("count")

    def _end(self, tag: str) -> None:
        d = self.depth
        self.depth = d - 1
        if d == 2:
            self.record_at = -1
            self.last_end = self.expat.CurrentByteIndex + 1
            self.done += 1
            self.records.record(self.tag, self.attrs, self.addrs)

    def mark(self, index: int, offset: int) -> None:
        """Remember that run index ``index`` is file offset ``offset``."""
        self.starts.append(index)
        self.offsets.append(offset)

    def file_offset(self, index: int) -> int:
        """The file offset of a run index (-1 when it is in the run's own head)."""
        k = bisect.bisect_right(self.starts, index) - 1
        return -1 if k < 0 else self.offsets[k] + index - self.starts[k]

    def feed(self, data: bytes | memoryview) -> None:
        """Feed bytes (raises ``ET.ParseError`` at damage, ``DefusedXmlException`` at a DTD)."""
        self.fed += len(data)
        self.parser.feed(data)

    def close(self) -> None:
        """End of input (raises ``ET.ParseError`` when the document is not finished)."""
        self.parser.close()


class _Scan:
    """Feeds the file to :class:`_Run` parsers batch by batch and recovers from damage."""

    def __init__(self, data: bytes, records: _Records, synthetic_head: bytes) -> None:
        self.data = data
        self.records = records
        self.synthetic_head = synthetic_head
        self.utf8 = True
        self.fix_refs = False  # set at the first invalid character reference
        self.first_error: tuple[str, int] | None = None
        self.truncated_at: int | None = None
        self.junk: list[int] = []  # lines of unreadable text between records
        self.prolog_damaged: int | None = None  # line of damage before the first record
        self.repaired: list[str] = []  # records read after replacing invalid characters
        self.surrogate_pairs = 0
        self.bad_refs = 0
        self._line_pos = 0
        self._line_no = 1

    # -- positions --------------------------------------------------------------------------------

    def line_of(self, offset: int) -> int:
        """1-based line of a byte offset of the file. A cursor moves from the offset asked before,
        so offsets asked in (about) increasing order cost one pass over the file in all."""
        offset = max(0, min(offset, len(self.data)))
        if offset >= self._line_pos:
            self._line_no += self.data.count(b"\n", self._line_pos, offset)
        else:
            self._line_no -= self.data.count(b"\n", offset, self._line_pos)
        self._line_pos = offset
        return self._line_no

    # -- main loop --------------------------------------------------------------------------------

    def run(self) -> None:
        data = self.data
        n = len(data)
        m = _RECORD_START.search(data)
        body = m.start() if m else n
        run = _Run(self.records, b"", first=True)
        run.mark(0, 0)
        if body:
            try:
                run.feed(data[:body])
            except ET.ParseError as exc:
                # a damaged prolog or root start tag: read the records under a root of our own
                self._remember(exc, run.expat.ErrorByteIndex)
                self.prolog_damaged = self.line_of(run.expat.ErrorByteIndex)
                run = _Run(self.records, self.synthetic_head, first=False)
        pos = body
        while pos < n:
            cut = _RECORD_START.search(data, min(pos + BATCH_BYTES, n - 1) + 1)
            end = cut.start() if cut else n
            if end - pos > MAX_ATTRIBUTE_BYTES:
                run, pos = self._oversized(run, pos, end)
                continue
            run = self._feed(run, pos, end)
            pos = end
        self._close(run)

    def _feed(self, run: _Run, start: int, end: int) -> _Run:
        """Feed ``data[start:end]`` (whole records) to ``run``, recovering from every error in
        it; return the run that goes on."""
        if not self.fix_refs:
            base = run.fed
            view = memoryview(self.data)[start:end]  # no copy on the way without damage
            try:
                run.feed(view)
                run.mark(base, start)
                return run
            except ET.ParseError as exc:
                run, buf, pos = self._after_error(run, bytes(view), start, base, 0, exc)
            step = _RESYNC_BYTES
        else:
            buf = self._fix_refs(self.data[start:end])
            pos = 0
            step = len(buf)
        # after damage, feed small stretches that double while they read cleanly: expat copies
        # what it is fed, so feeding all the rest after each error would be quadratic
        while pos < len(buf):
            stop = len(buf)
            if pos + step < stop:
                nxt = _RECORD_START.search(buf, pos + step)
                stop = nxt.start() if nxt else stop
            base = run.fed
            try:
                run.feed(memoryview(buf)[pos:stop])
                run.mark(base, start + pos)
                pos = stop
                step *= 2
            except ET.ParseError as exc:
                run, buf, pos = self._after_error(run, buf, start, base, pos, exc)
                step = _RESYNC_BYTES
        return run

    def _after_error(self, run, buf, start, base, pos, exc) -> tuple[_Run, bytes, int]:
        """Where to go on after an XML error in ``buf`` (fed to ``run`` from ``buf[pos]``, at
        run index ``base``); ``buf`` may be rewritten (references repaired) from then on."""
        err = run.expat.ErrorByteIndex - base + pos
        if exc.code == _BAD_CHAR_REF and not self.fix_refs:
            # from here on, references to invalid characters are repaired before parsing
            self.fix_refs = True
            resume = self._record_start_before(buf, run, base, pos, err)
            buf = buf[:resume] + self._fix_refs(buf[resume:])
            return _Run(self.records, self.synthetic_head, first=False), buf, resume
        run, pos = self._recover(run, buf, start, base, pos, err, exc)
        return run, buf, pos

    def _record_start_before(self, buf: bytes, run: _Run, base: int, pos: int, err: int) -> int:
        """Offset in ``buf`` of the start of the record that holds ``err`` (or where the damage
        after the last complete record begins)."""
        if run.depth >= 2 and run.record_at >= base:
            return run.record_at - base + pos
        lo = max(pos, run.last_end - base + pos) if run.last_end > base else pos
        found = _last_record_start(buf, lo, min(err + 1, len(buf)))
        return found if found >= 0 else lo

    def _recover(self, run, buf, start, base, pos, err, exc) -> tuple[_Run, int]:
        """After an XML error at ``buf[err]``: read or skip the damaged record, note junk between
        records, and return a fresh run with the offset in ``buf`` to go on from."""
        self._remember(exc, start + err)
        rec = self._record_start_before(buf, run, base, pos, err)
        at_record = _RECORD_START.match(buf, rec) is not None
        # a damaged record ends where the next one starts (one left unclosed swallows those after
        # it as children: they are read again); damage between records ends at the next record
        after = rec + 1 if at_record else max(err, rec + 1)
        nxt = _RECORD_START.search(buf, after)
        if nxt:
            resume = nxt.start()
        else:
            root_end = _ROOT_END.search(buf, max(err, rec + 1))
            resume = root_end.start() if root_end else len(buf)
        if not at_record:
            self.junk.append(self.line_of(start + err))
        else:
            self._salvage(buf[rec:resume], start + rec, exc)
        return _Run(self.records, self.synthetic_head, first=False), resume

    def _salvage(self, piece: bytes, offset: int, exc: ET.ParseError) -> None:
        """Read one damaged record after replacing the characters XML forbids, or count it as
        skipped with where and why."""
        line = self.line_of(offset)
        fixed = self._fix_chars(piece)
        if fixed != piece:
            trial = _Run(self.records, self.synthetic_head, first=False)
            done = self.records.intact
            with contextlib.suppress(ET.ParseError):
                trial.feed(fixed)  # a record repaired but followed by more damage still counts
            if self.records.intact > done:
                self.repaired.append(f"record {self.records.index} (line {line})")
                return
        self.records.lost(line, f"not well-formed XML ({_plain(exc)}): the record is lost")

    def _oversized(self, run: _Run, pos: int, end: int) -> tuple[_Run, int]:
        """``data[pos:end]`` is longer than :data:`MAX_ATTRIBUTE_BYTES`: feed it unless one value
        in it is; then skip that record unread."""
        data = self.data
        gap_at, gap = _longest_unquoted(data, pos, end)
        if gap <= MAX_ATTRIBUTE_BYTES:
            return self._feed(run, pos, end), end
        rec = _last_record_start(data, pos, gap_at + 1)
        if rec < 0:
            rec = pos
        if rec > pos:
            run = self._feed(run, pos, rec)
        self.records.lost(
            self.line_of(rec),
            f"a value of {gap / 1e6:.0f} MB, over the limit of "
            f"{MAX_ATTRIBUTE_BYTES / 1e6:.0f} MB: not read",
        )
        nxt = _RECORD_START.search(data, gap_at, end)
        resume = nxt.start() if nxt else end
        if not nxt:
            root_end = _ROOT_END.search(data, gap_at, end)
            if root_end:
                resume = root_end.start()
        if resume < end:
            run = _Run(self.records, self.synthetic_head, first=False)
            run = self._feed(run, resume, end)
        else:
            run = _Run(self.records, self.synthetic_head, first=False)
        return run, end

    def _close(self, run: _Run) -> None:
        """End of the file. A file cut short, or whose end is swallowed by damage (an unclosed
        record, an unclosed comment), loses the records from where the damage starts: each is
        counted as skipped."""
        try:
            run.close()
        except ET.ParseError as exc:
            n = len(self.data)
            at = run.record_at if run.depth >= 2 else run.expat.ErrorByteIndex
            offset = run.file_offset(at)
            if 0 <= offset < n:
                for m in _RECORD_START.finditer(self.data, offset):
                    self.records.lost(
                        self.line_of(m.start()),
                        "the file ends inside this record, or damage before it runs to the "
                        "end: it is lost",
                    )
            line = self.line_of(n)
            self.truncated_at = line
            if self.first_error is None:
                self.first_error = (_plain(exc), line)

    def _remember(self, exc: ET.ParseError, offset: int) -> None:
        if self.first_error is None:
            self.first_error = (_plain(exc), self.line_of(offset))

    # -- repairs ----------------------------------------------------------------------------------

    def _fix_refs(self, buf: bytes) -> bytes:
        """Character references to what XML forbids: surrogate pairs joined into the character
        they encode, anything else (an unpaired surrogate, ``&#1;``) replaced by U+FFFD."""
        if b"&#" not in buf:
            return buf
        return _CHAR_REF_SUSPECT.sub(self._ref, buf)

    def _ref(self, m: re.Match) -> bytes:
        code = _ref_code(m.group(1))
        if _xml_char(code):
            return m.group(0)
        s = m.string
        if 0xD800 <= code <= 0xDBFF:
            low = _CHAR_REF.match(s, m.end())
            if low and 0xDC00 <= _ref_code(low.group(1)) <= 0xDFFF:
                self.surrogate_pairs += 1
                joined = 0x10000 + ((code - 0xD800) << 10) + (_ref_code(low.group(1)) - 0xDC00)
                return b"&#%d;" % joined
        elif 0xDC00 <= code <= 0xDFFF:
            before = s.rfind(b"&#", max(0, m.start() - 14), m.start())
            high = _CHAR_REF.match(s, before) if before >= 0 else None
            if high and high.end() == m.start() and 0xD800 <= _ref_code(high.group(1)) <= 0xDBFF:
                return b""  # joined with the high surrogate before it
        self.bad_refs += 1
        return b"&#xFFFD;"

    def _fix_chars(self, piece: bytes) -> bytes:
        """``piece`` with control characters, non-UTF-8 bytes (in a UTF-8 file) and references
        to invalid characters replaced by U+FFFD."""
        fixed = _CONTROL.sub(_REPLACEMENT if self.utf8 else b"?", piece)
        if self.utf8:
            fixed = fixed.decode("utf-8", errors="replace").encode("utf-8")
        return self._fix_refs(fixed)

    # -- report -----------------------------------------------------------------------------------

    def warnings(self) -> list[str]:
        """What the report should warn about the file as a whole."""
        out = []
        if self.prolog_damaged is not None:
            out.append(
                f"the start of the file (XML declaration or <smses>/<calls> tag) is damaged at "
                f"line {self.prolog_damaged}: the records after it were read all the same"
            )
        if self.truncated_at is not None:
            out.append(
                f"file ends early (truncated at line {self.truncated_at}): "
                f"{self.records.intact} records read before it"
            )
        if self.repaired:
            out.append(
                f"{len(self.repaired)} record{'s' if len(self.repaired) > 1 else ''} held "
                f"characters XML forbids, replaced by U+FFFD (first: {self.repaired[0]})"
            )
        if self.bad_refs:
            out.append(
                f"{self.bad_refs} reference{'s' if self.bad_refs > 1 else ''} to invalid "
                "characters (such as an unpaired UTF-16 surrogate) replaced by U+FFFD"
            )
        if self.junk:
            out.append(
                f"unreadable text between records ignored at line"
                f"{'s' if len(self.junk) > 1 else ''} "
                + ", ".join(str(x) for x in self.junk[:5])
                + (f" and {len(self.junk) - 5} more" if len(self.junk) > 5 else "")
            )
        if self.surrogate_pairs:
            out.append(
                f"{self.surrogate_pairs} character{'s' if self.surrogate_pairs > 1 else ''} "
                "written as UTF-16 surrogate pairs (&#55357;&#56832;, as older Android "
                "backups do) read as the emoji they encode"
            )
        return out


def _last_record_start(buf: bytes, lo: int, hi: int) -> int:
    """Offset of the last ``<sms``/``<mms``/``<call`` record start in ``buf[lo:hi]``, or -1."""
    while hi > lo:
        found = max(buf.rfind(t, lo, hi) for t in _RECORD_TAGS)
        if found < 0:
            return -1
        if _RECORD_START.match(buf, found):
            return found
        hi = found
    return -1


def _longest_unquoted(data: bytes, start: int, end: int) -> tuple[int, int]:
    """(offset, length) of the longest run of ``data[start:end]`` without a quote character:
    a bound on the longest attribute value in it."""
    buf = data[start:end].translate(_QUOTES)
    best_at, best = start, 0
    pos = 0
    n = len(buf)
    while pos <= n:
        q = buf.find(b'"', pos)
        stop = n if q < 0 else q
        if stop - pos > best:
            best_at, best = start + pos, stop - pos
        if q < 0:
            break
        pos = q + 1
    return best_at, best


_QUOTES = bytes.maketrans(b"'", b'"')


def _ref_code(digits: bytes) -> int:
    """The code point of a character reference's digits (``x41`` or ``65``); -1 when absurd."""
    if len(digits) > 12:
        return -1
    return int(digits[1:], 16) if digits[:1] == b"x" else int(digits)


def _xml_char(code: int) -> bool:
    """True for the code points XML 1.0 allows (its production ``Char``)."""
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _declared_encoding(data: bytes) -> str:
    """The encoding the XML declaration names (UTF-8 when it names none)."""
    decl = _XML_DECL.match(data)
    m = _ENCODING.search(decl.group(1)) if decl else None
    return m.group(1).decode("ascii") if m else "UTF-8"


def _synthetic_head(encoding: str, root_tag: str) -> bytes:
    """What a parser started after damage is fed first: a declaration of the file's encoding
    (when expat knows it) and a root start tag of our own."""
    root = f"<{root_tag}>".encode()
    head = f"<?xml version='1.0' encoding='{encoding}'?>".encode() + root
    try:
        DefusedXMLParser(target=ET.TreeBuilder()).feed(head)
    except ET.ParseError:
        return root
    return head


def _root_tag(data: bytes) -> str:
    m = re.search(rb"<(smses|calls)\b", data[:65_536])
    return m.group(1).decode() if m else "smses"


def _ms(value: str | None) -> int | None:
    """Epoch milliseconds of a ``date`` attribute (an integer, or a decimal the app never writes
    but editors do); None for text, NaN or infinity."""
    if not value or len(value) > 40:
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return int(float(value))
    except (ValueError, OverflowError):
        return None


def _float(value: str | None) -> float | None:
    if value is None or value in _NULLS:
        return None
    try:
        f = float(value)
    except ValueError:
        return None
    return f if np.isfinite(f) else None


def _short(value: object, limit: int = 40) -> str:
    """``repr`` of a value for a message, cut to ``limit`` characters."""
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def _who(address: str | None, contact_name: str | None) -> str:
    """The address as written; ``contact_name`` when the address is missing."""
    if address and address not in _NULLS and address.strip():
        return address.strip()
    if contact_name and contact_name not in _NULLS and contact_name != "(Unknown)":
        return contact_name.strip()
    return ""


def _mms_others(address: str | None, addrs: list[str], me: set[str]) -> list[str]:
    """The other participants of an MMS: from its ``<addr>`` elements (minus the user), else the
    ``address`` attribute.

    For a received MMS the sender (type 137) and the other recipients (151/130) are the others;
    the user is the recipient whose number is in ``me`` (digits of ``options.me``); when that is
    not given, the ``address`` attribute (``~``-separated, the app's list of the other parties)
    is the truth.
    """
    listed = [p.strip() for p in (address or "").split("~") if p.strip() not in _NULLS]
    found = []
    for raw in addrs:
        addr = raw.strip()
        if addr in _NULLS or addr.lower() == "insert-address-token":
            continue
        found.append(addr)
    if found:
        listed_digits = {_digits(x)[-10:] for x in listed}
        me_tails = {m[-10:] for m in me}
        others: list[str] = []
        for addr in found:
            dg = _digits(addr)
            if me and (dg in me or dg[-10:] in me_tails):
                continue
            if not me and listed and dg[-10:] not in listed_digits:
                continue  # not among the app's "other parties": the user's own number
            if addr not in others:
                others.append(addr)
        if others:
            return others
    return list(dict.fromkeys(listed))


_NON_DIGIT = re.compile(r"\D")


def _digits(value: str) -> str:
    return _NON_DIGIT.sub("", value or "")


def _plain(exc: ET.ParseError) -> str:
    return re.sub(r":\s*line \d+, column \d+$", "", str(exc))
