"""Google Takeout: Google Voice call/text/voicemail records and Google Chat ``messages.json``.

**Google Voice** (``Takeout/Voice/Calls/*.html``): one XHTML file per call, voicemail or text
thread, named ``<name or number> - <Placed|Received|Missed|Voicemail|Recorded|Text> - <time>.html``
(group threads: ``Group Conversation - <time>.html``). closeknit imports files one at a time, so
each .html is its own source. Read with the stdlib :class:`html.parser.HTMLParser`:

* A call file (``<div class="haudio">``) is one record: the other party from the
  ``contributor`` vCard (``tel:`` link, else its name), the time from ``<abbr class="published">``,
  the length from ``<abbr class="duration" title="PT12M51S">``, the kind from the labels/title.
  Placed -> ``outgoing``; Received -> ``incoming``; Missed and Voicemail -> ``incoming`` with
  duration 0 and a note (someone reached out; no conversation took place); Recorded -> direction
  ``unknown`` (the file does not say who called). A call without any number or name (a withheld
  caller) is skipped.
* A text file (``<div class="hChatLog">``) holds messages (``<div class="message">``: time in
  ``<abbr class="dt">``, sender in ``<cite class="sender">``; the user's own messages carry
  ``<abbr class="fn">Me</abbr>``). Each message is a record; messages become interactions by the
  shared chat rule of :mod:`analysis.importers.chatbursts` (bursts of messages at most 30 min
  apart in one-on-one threads; one row per group-day and participant in group threads, with a
  per-day ``event_id``). The other party of a one-on-one thread is its ``tel:`` number; when
  only the user wrote, the name or number in the file name stands in.
* Times carry their UTC offset; bursts and group days use the export's local clock.

**Google Chat** (``Takeout/Google Chat/Groups/*/messages.json``:
``{"messages": [{"creator": {"name", "email"}, "created_date": "Monday, September 25, 2023 at
4:11:49 PM UTC", "text"}]}``): each message is a record; the same chat rule applies (two
participants -> bursts, more -> group days), ``who`` = the creator's e-mail address (else name).
The export does not say which participant is the user: give ``ImportOptions.me`` (name or
address), otherwise every participant gets rows with direction ``unknown`` and a warning says so.
The group's ``group_info.json`` holds only the member list: it is recognised and refused with
that reason.

Message attachments (the MMS ``.vcf`` contact cards, images) are not interactions of their own;
the ``.vcf`` files are vCards for the vCard importer.

**Any input, linear time.** The HTML is read by a small tokenizer of this module rather than
:class:`html.parser.HTMLParser`, whose handling of malformed markup is quadratic or worse before
Python 3.13.4 (CPython gh-135462: 60 KB of ``<a `` takes minutes): every ``<`` is looked at once,
a ``<`` without its ``>`` before the next ``<`` is text, an unclosed comment runs to the end, and
the open-element bookkeeping is O(1) per tag however deep the nesting. A time outside the years
closeknit keeps (:mod:`analysis.dates`) skips its record with that reason (never wrapped into
another century); times more than a year ahead are imported and counted in a note.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from analysis.dates import FUTURE_TOLERANCE_DAYS, OUT_OF_RANGE_REASON, representable
from analysis.errors import UnusableFileError
from analysis.importers.base import (
    Detection,
    FileReport,
    ImportOptions,
    ImportResult,
    SourceFile,
)
from analysis.importers.chatbursts import ChatRows, group_days, one_on_one
from analysis.importers.text import decode
from analysis.model import interactions_frame
from analysis.normalize import nfc, normalize_email, normalize_name

FORMAT = "gvoice"
LABEL_VOICE = "Google Voice (Takeout)"
LABEL_CHAT = "Google Chat (Takeout)"
LABEL_MEMBERS = "Google Chat group members (Takeout)"

CALL_KINDS = {
    # kind: (direction, note, duration counts)
    "placed": ("outgoing", "", True),
    "received": ("incoming", "", True),
    "missed": ("incoming", "missed", False),
    "voicemail": ("incoming", "voicemail", False),
    "recorded": ("unknown", "recorded", True),
}
_TITLE_KINDS = (
    ("placed call", "placed"),
    ("received call", "received"),
    ("missed call", "missed"),
    ("voicemail", "voicemail"),
    ("recorded call", "recorded"),
)
_VOICE_MARK = re.compile(r'<div class="(?:haudio|hChatLog)')
_VOICE_DETAIL = re.compile(r'class="tel"|<abbr class="(?:published|dt)"')
_DURATION_RE = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$")
_VOID = {"br", "img", "meta", "hr", "input", "link", "wbr", "source", "col", "area", "base"}
_NS = 1_000_000_000


def sniff(name: str, head: str) -> Detection | None:
    """Google Voice HTML (``class="haudio"``/``class="hChatLog"`` with ``tel:`` vCards or
    published/dt times), Google Chat ``messages.json``, or its ``group_info.json``."""
    if _VOICE_MARK.search(head) and _VOICE_DETAIL.search(head):
        return Detection(FORMAT, LABEL_VOICE, 0.95)
    start = head.lstrip("\ufeff \t\r\n")
    if start.startswith("{"):
        if re.match(r'\{\s*"messages"\s*:\s*\[', start) and (
            '"created_date"' in head or re.match(r'\{\s*"messages"\s*:\s*\[\s*\]', start)
        ):
            return Detection(FORMAT, LABEL_CHAT, 0.9)
        if re.match(r'\{\s*("name"\s*:\s*"[^"]*"\s*,\s*)?"members"\s*:\s*\[', start) and (
            '"user_type"' in head
        ):
            return Detection(FORMAT, LABEL_MEMBERS, 0.5)
    return None


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read one Google Voice .html record or one Google Chat messages.json into interactions."""
    text, _enc = decode(source.data)
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("{"):
        return _parse_chat_json(source, text, options)
    return _parse_voice_html(source, text, options)


# --- Google Voice HTML ----------------------------------------------------------------------------


@dataclass
class _Party:
    tel: str = ""
    name: str = ""
    is_me: bool = False


@dataclass
class _Message:
    time: str = ""
    sender: _Party = field(default_factory=_Party)
    line: int = 0


_TAG_NAME = re.compile(r"[A-Za-z][^\s/>]*")
_ATTR = re.compile(r"""([^\s=/"'>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_INTERESTING = ("message", "participants", "contributor")


def _tokens(text: str) -> Iterator[tuple[str, str, dict[str, str], int]]:
    """The markup of ``text`` as ``(kind, name, attrs, offset)`` tokens, in linear time.

    ``kind`` is ``start`` (``name`` the lower-case tag, ``attrs`` its attributes, unescaped),
    ``end``, ``startend`` (``<br/>``) or ``data`` (``name`` the raw text between tags). A ``<``
    not followed by a tag name or ``/`` and closed by ``>`` before the next ``<`` is text;
    comments, declarations and processing instructions are dropped; an unclosed comment runs to
    the end. Each character is scanned a bounded number of times: ``>`` is searched once per run
    of ``<`` before it, and an attribute value with no closing quote ends at its tag's ``>``.
    """
    n = len(text)
    data_at = 0  # start of text not yet given out
    pos = 0  # where to look for the next "<"
    gt = -1  # the first ">" after the current "<" (kept while it stays ahead)
    while pos < n:
        lt = text.find("<", pos)
        if lt < 0:
            break
        if text.startswith("!--", lt + 1):
            close = text.find("-->", lt + 4)
            if lt > data_at:
                yield ("data", text[data_at:lt], {}, data_at)
            if close < 0:
                return
            data_at = pos = close + 3
            continue
        if gt <= lt:
            gt = text.find(">", lt + 1)
            if gt < 0:
                break  # no ">" anywhere after: the rest is text
        nxt = text.find("<", lt + 1, gt)
        if nxt >= 0:
            pos = nxt  # this "<" is text
            continue
        first = text[lt + 1 : lt + 2]
        token: tuple[str, str, dict[str, str], int] | None
        if first == "/":
            m = _TAG_NAME.match(text, lt + 2, gt)
            token = ("end", m.group(0).lower(), {}, lt) if m else None
        elif first.isascii() and (m := _TAG_NAME.match(text, lt + 1, gt)) is not None:
            name = m.group(0).lower()
            attrs = _attrs(text[m.end() : gt])
            closed = gt > m.end() and text[gt - 1] == "/"
            token = ("startend" if closed else "start", name, attrs, lt)
        elif first in ("!", "?"):
            token = None  # a declaration or processing instruction: dropped
            if lt > data_at:
                yield ("data", text[data_at:lt], {}, data_at)
            data_at = gt + 1
        else:
            pos = lt + 1  # "< " or "<3": text
            continue
        if token is not None:
            if lt > data_at:
                yield ("data", text[data_at:lt], {}, data_at)
            yield token
            data_at = gt + 1
        pos = gt + 1
    if data_at < n:
        yield ("data", text[data_at:], {}, data_at)


def _attrs(inner: str) -> dict[str, str]:
    """Attributes of a tag's inside (after its name), values unescaped; the first of a repeated
    name wins, as in browsers."""
    out: dict[str, str] = {}
    for m in _ATTR.finditer(inner):
        name = m.group(1).lower()
        if name in out:
            continue
        value = m.group(2) if m.group(2) is not None else m.group(3)
        if value is None:
            value = m.group(4) or ""
        out[name] = html.unescape(value) if "&" in value else value
    return out


class _VoiceHTML:
    """Collects the call or the messages of one Google Voice file (fed by :func:`_tokens`)."""

    def __init__(self) -> None:
        self.kind = ""  # "call" | "chat"
        self.title = ""
        self.labels: list[str] = []
        self.call = _Party()
        self.published = ""
        self.duration = ""
        self.participants: list[_Party] = []
        self.messages: list[_Message] = []
        self._stack: list[tuple[str, tuple[str, ...]]] = []
        self._open: dict[str, int] = {}  # open elements by tag
        self._classes: dict[str, int] = dict.fromkeys(_INTERESTING, 0)  # open, by class
        self._party: _Party | None = None  # the party whose fn text is being read
        self._fn_depth = -1
        self._fn_abbr = False
        self._fn_text: list[str] = []
        self._title: list[str] = []
        self._in_title = False
        self._text = ""
        self._line_at = 0
        self._line = 1

    def feed(self, text: str) -> None:
        """Read a whole document."""
        self._text = text
        for kind, name, attrs, at in _tokens(text):
            if kind == "data":
                self.handle_data(name)
            elif kind == "start":
                self.handle_starttag(name, attrs, at)
            elif kind == "end":
                self.handle_endtag(name)
            else:
                self.handle_starttag(name, attrs, at)
                self.handle_endtag(name)
        self.title = html.unescape("".join(self._title))

    def _line_of(self, offset: int) -> int:
        self._line += self._text.count("\n", self._line_at, offset)
        self._line_at = offset
        return self._line

    def _inside(self, cls: str) -> bool:
        return self._classes[cls] > 0

    def handle_starttag(self, tag: str, a: dict[str, str], at: int) -> None:
        classes = tuple((a.get("class") or "").split())
        if tag == "title":
            self._in_title = True
        if tag == "div" and "haudio" in classes:
            self.kind = "call"
        elif tag == "div" and "hChatLog" in classes:
            self.kind = "chat"
        elif tag == "div" and "message" in classes:
            self.messages.append(_Message(line=self._line_of(at)))
        elif tag == "a" and "tel" in classes:
            tel = (a.get("href") or "").strip()
            tel = tel[4:] if tel.lower().startswith("tel:") else tel
            if self._inside("message") and self.messages:
                party = self.messages[-1].sender
            elif self._inside("participants"):
                party = _Party()
                self.participants.append(party)
            elif self._inside("contributor"):
                party = self.call
            else:
                party = None
            if party is not None:
                party.tel = tel
                self._party = party
        elif tag in ("span", "abbr") and "fn" in classes and self._party is not None:
            self._fn_depth = len(self._stack)
            self._fn_abbr = tag == "abbr"
            self._fn_text = []
        elif tag == "abbr" and "dt" in classes and self.messages:
            self.messages[-1].time = a.get("title") or ""
        elif tag == "abbr" and "published" in classes:
            self.published = a.get("title") or ""
        elif tag == "abbr" and "duration" in classes:
            self.duration = a.get("title") or ""
        elif tag == "a" and a.get("rel") == "tag":
            href = a.get("href") or ""
            if "#" in href:
                self.labels.append(href.rsplit("#", 1)[1].lower())
        if tag not in _VOID:
            self._stack.append((tag, classes))
            self._open[tag] = self._open.get(tag, 0) + 1
            for c in _INTERESTING:
                if c in classes:
                    self._classes[c] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _VOID or not self._open.get(tag):
            return  # a stray end tag closes nothing
        while self._stack:
            t, classes = self._stack.pop()
            self._open[t] -= 1
            for c in _INTERESTING:
                if c in classes:
                    self._classes[c] -= 1
            if len(self._stack) == self._fn_depth and self._party is not None:
                name = nfc(html.unescape("".join(self._fn_text)))
                self._party.name = name
                self._party.is_me = self._fn_abbr and name == "Me"
                self._fn_depth = -1
            if t == "a":
                self._party = None
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        if self._fn_depth >= 0:
            self._fn_text.append(data)


def _parse_voice_html(source: SourceFile, text: str, options: ImportOptions) -> ImportResult:
    report = FileReport(source.name, FORMAT, LABEL_VOICE)
    src = f"{source.name} ({LABEL_VOICE})"
    doc = _VoiceHTML()
    doc.feed(text)
    if doc.kind == "call":
        return _voice_call(source, doc, report, src)
    if doc.kind == "chat":
        return _voice_chat(source, doc, report, src, options)
    raise UnusableFileError(
        source.name, "no Google Voice call log or message thread in this HTML file"
    )


def _voice_call(source, doc: _VoiceHTML, report: FileReport, src: str) -> ImportResult:
    where = "call (line 1)"
    kind = next((k for k in doc.labels if k in CALL_KINDS), "")
    if not kind:
        title = nfc(doc.title).lower()
        kind = next((k for phrase, k in _TITLE_KINDS if phrase in title), "")
    when, why = _time(doc.published)
    who = doc.call.tel or doc.call.name
    if not kind:
        report.skip(where, f"unknown kind of call record (title {_short(nfc(doc.title))})")
    elif when is None:
        report.skip(where, why)
    elif not who:
        report.skip(where, "no number or name (a withheld caller)")
    else:
        direction, note, timed = CALL_KINDS[kind]
        minutes = _duration_min(doc.duration) if timed else 0.0
        frame = interactions_frame(
            [when], [who], ["call"], [direction], [minutes], [""], [note], src
        )
        report.read += 1
        report.imported += 1
        _note_future(report, [_utc_ns(when)], "call")
        return ImportResult(interactions=frame, report=report)
    return ImportResult(report=report)


def _voice_chat(source, doc: _VoiceHTML, report, src, options) -> ImportResult:
    me_digits = {_digits(m)[-10:] for m in options.me if len(_digits(m)) >= 7}
    me_names = {normalize_name(m) for m in options.me if normalize_name(m)}
    my_tels = {p.sender.tel for p in doc.messages if p.sender.is_me and p.sender.tel}

    def is_me(p: _Party) -> bool:
        return (
            p.is_me
            or (bool(p.tel) and p.tel in my_tels)
            or (bool(p.tel) and _digits(p.tel)[-10:] in me_digits)
            or (bool(p.name) and normalize_name(p.name) in me_names)
        )

    valid: list[tuple[int, int, int, _Party]] = []  # (local_ns, utc_ns, index, sender)
    for k, msg in enumerate(doc.messages, 1):
        where = f"message {k} (line {msg.line})"
        when, why = _iso_pair(msg.time)
        if when is None:
            report.skip(where, why)
            continue
        if not (msg.sender.tel or msg.sender.name or msg.sender.is_me):
            report.skip(where, "no sender")
            continue
        valid.append((when[0], when[1], k, msg.sender))
    if not valid:
        if not doc.messages:
            report.notes.append("the thread holds no messages")
        return ImportResult(report=report)
    _note_future(report, [v[1] for v in valid], "message")
    valid.sort(key=lambda v: v[0])

    others = [p for p in doc.participants if not is_me(p)]
    group = len(others) > 1 or len({_key(p) for _, _, _, p in valid if not is_me(p)}) > 1
    names: list[str] = ["(you)"]
    codes: dict[str, int] = {}
    display: dict[str, str] = {}

    def code_of(p: _Party) -> int:
        if is_me(p):
            return 0
        key = _key(p)
        if key not in codes:
            codes[key] = len(names)
            names.append(p.tel or p.name)
            display[key] = p.name or p.tel
        return codes[key]

    for p in others:
        code_of(p)
    sender = np.array([code_of(p) for _, _, _, p in valid], dtype=np.int64)
    local_ns = np.array([v[0] for v in valid], dtype=np.int64)
    to_utc = {v[0]: v[1] for v in valid}
    if group:
        title = ", ".join(display[k] for k in codes)
        rows = group_days(local_ns, sender, names, {0}, f"gvoice:{title}", title)
    else:
        contact = 1 if len(names) > 1 else None
        if contact is None:
            fallback = _name_from_file(source.name)
            if not fallback:
                for _, _, k, _p in valid:
                    report.skip(f"message {k}", "the other person of the thread is not named")
                return ImportResult(report=report)
            names.append(fallback)
            contact = 1
        rows = one_on_one(local_ns, sender, names, {0}, contact)
    return _finish(rows, [v[2] for v in valid], to_utc, report, src, "message")


def _name_from_file(name: str) -> str:
    """The other party of a thread from its file name (``Alan A Milne - Text - ...html``)."""
    stem = re.sub(r"\.html?$", "", name, flags=re.I)
    first = stem.split(" - ", 1)[0].strip()
    if not first or first.lower() in {"group conversation", "me"} or " - " not in stem:
        return ""
    return first


def _key(p: _Party) -> str:
    return _digits(p.tel)[-10:] if _digits(p.tel) else f"name:{normalize_name(p.name)}"


# --- Google Chat JSON -----------------------------------------------------------------------------


def _parse_chat_json(source: SourceFile, text: str, options: ImportOptions) -> ImportResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnusableFileError(
            source.name, f"not valid JSON ({exc.msg})", f"line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise UnusableFileError(
            source.name, "the JSON is nested too deeply to read: not a Google Chat export"
        ) from None
    if isinstance(data, dict) and "members" in data and "messages" not in data:
        raise UnusableFileError(
            source.name,
            "this is a Google Chat group's member list (group_info.json): it holds no "
            "messages; import the messages.json from the same folder",
        )
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise UnusableFileError(source.name, 'no "messages" list: not a Google Chat export')
    report = FileReport(source.name, FORMAT, LABEL_CHAT)
    src = f"{source.name} ({LABEL_CHAT})"
    tz = _zone(options.timezone, report)
    me_emails = {normalize_email(m) for m in options.me if normalize_email(m)}
    me_names = {normalize_name(m) for m in options.me if normalize_name(m)}

    valid: list[tuple[int, int, int, str, bool]] = []
    for k, msg in enumerate(data["messages"], 1):
        where = f"message {k}"
        if not isinstance(msg, dict):
            report.skip(where, "not a message object")
            continue
        creator = msg.get("creator")
        creator = creator if isinstance(creator, dict) else {}
        raw_email, raw_name = creator.get("email"), creator.get("name")
        email = normalize_email(raw_email) if isinstance(raw_email, str) else ""
        name = nfc(raw_name) if isinstance(raw_name, str) else ""
        if not (email or name):
            report.skip(where, "no creator (name or e-mail)")
            continue
        raw_date = msg.get("created_date")
        utc = _chat_date(raw_date)
        if utc is None:
            report.skip(where, f"no usable created_date ({_short(raw_date)})")
            continue
        if not _fits(utc):
            report.skip(where, f"{OUT_OF_RANGE_REASON} ({_short(raw_date)})")
            continue
        local = utc.astimezone(tz).replace(tzinfo=None)
        mine = email in me_emails or normalize_name(name) in me_names
        valid.append((_ns(local), _utc_ns(utc), k, email or name, mine))
    if not valid:
        if not data["messages"]:
            report.notes.append("the chat holds no messages")
        return ImportResult(report=report)
    _note_future(report, [v[1] for v in valid], "message")
    valid.sort(key=lambda v: v[0])
    me_known = any(v[4] for v in valid)
    if not me_known:
        report.warnings.append(
            "could not tell which participant is you: every participant was imported and "
            "directions are unknown; set 'me' to your name or e-mail address"
        )
    names: list[str] = ["(you)"] if me_known else []
    codes: dict[str, int] = {}
    sender = []
    for v in valid:
        if v[4]:
            sender.append(0)
            continue
        if v[3] not in codes:
            codes[v[3]] = len(names)
            names.append(v[3])
        sender.append(codes[v[3]])
    sender_arr = np.array(sender, dtype=np.int64)
    local_ns = np.array([v[0] for v in valid], dtype=np.int64)
    to_utc = {v[0]: v[1] for v in valid}
    me_codes = {0} if me_known else set()
    if len(codes) > 1 and (me_known or len(codes) > 2):
        chat_key = "gchat:" + "|".join(sorted(names[1:]))
        rows = group_days(local_ns, sender_arr, names, me_codes, chat_key, "Google Chat space")
    else:
        contact = 1 if me_known and len(names) > 1 else None
        if me_known and contact is None:
            for v in valid:
                report.skip(f"message {v[2]}", "only you wrote in this chat")
            return ImportResult(report=report)
        rows = one_on_one(local_ns, sender_arr, names, me_codes, contact)
    return _finish(rows, [v[2] for v in valid], to_utc, report, src, "message")


# --- shared ---------------------------------------------------------------------------------------


def _finish(rows: ChatRows, indexes, to_utc, report, src, what) -> ImportResult:
    """Turn chat rows into the frame; count used messages as imported, the rest skipped."""
    used = np.asarray(rows.used, dtype=bool)
    for k, ok in zip(indexes, used.tolist(), strict=True):
        if ok:
            report.read += 1
            report.imported += 1
        else:
            report.skip(f"{what} {k}", rows.unused_reason or "not part of any conversation")
    utc_ns = [to_utc.get(int(t), int(t)) for t in np.asarray(rows.local_ns).tolist()]
    ts = pd.to_datetime(np.asarray(utc_ns, dtype="int64"), unit="ns", utc=True)
    frame = interactions_frame(
        ts, rows.who, "message", rows.direction, float("nan"), rows.event_id, rows.note, src
    )
    return ImportResult(interactions=frame, report=report)


_EPOCH = datetime(1970, 1, 1)
_ONE_US = timedelta(microseconds=1)
_MAX_TIME_TEXT = 100
"""Longest time text read (an ISO time or Google Chat's long form is under 60 characters)."""


def _iso(value: str) -> datetime | None:
    """An ISO 8601 time (naive ones taken as UTC), or None."""
    if not isinstance(value, str) or len(value) > _MAX_TIME_TEXT:
        return None
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _fits(dt: datetime) -> bool:
    """True when an aware time lies in the range closeknit keeps, both in UTC and on its own
    wall clock (bursts and days are counted on the wall clock)."""
    try:
        return representable(dt) and representable(dt.replace(tzinfo=None))
    except OverflowError:  # year 1 or 9999 pushed over the edge by its UTC offset
        return False


def _time(value: str) -> tuple[datetime | None, str]:
    """(the time, "") of an ISO time with offset, or (None, why it cannot be used)."""
    dt = _iso(value)
    if dt is None:
        return None, f"no usable time ({_short(value)})"
    if not _fits(dt):
        return None, f"{OUT_OF_RANGE_REASON} ({_short(value)})"
    return dt, ""


def _iso_pair(value: str) -> tuple[tuple[int, int] | None, str]:
    """((local wall-clock ns, UTC ns), "") of an ISO time with offset, or (None, why not)."""
    dt, why = _time(value)
    if dt is None:
        return None, why
    return (_ns(dt.replace(tzinfo=None)), _utc_ns(dt)), ""


def _ns(naive: datetime) -> int:
    """Nanoseconds since 1970 of a naive time, exact (never wrapped: check :func:`_fits`)."""
    return (naive - _EPOCH) // _ONE_US * 1000


def _utc_ns(dt: datetime) -> int:
    return _ns(dt.astimezone(UTC).replace(tzinfo=None))


def _note_future(report: FileReport, utc_ns: list[int], what: str) -> None:
    """Note how many records are dated more than a year after today (a wrong clock or year)."""
    limit = _ns(datetime.now(UTC).replace(tzinfo=None) + timedelta(days=FUTURE_TOLERANCE_DAYS))
    n = sum(1 for t in utc_ns if t > limit)
    if n:
        report.notes.append(f"{n} {what}{'s' if n > 1 else ''} dated more than a year ahead")


def _short(value: object, limit: int = 60) -> str:
    """``repr`` of a value for a message, cut to ``limit`` characters."""
    r = repr(value) if isinstance(value, str | int | float | type(None)) else type(value).__name__
    return r if len(r) <= limit else r[: limit - 3] + "..."


def _duration_min(value: str) -> float:
    """Minutes of an ISO 8601 duration (``PT12M51S``); NaN when unreadable or absurd."""
    if len(value or "") > _MAX_TIME_TEXT:
        return float("nan")
    m = _DURATION_RE.match((value or "").strip())
    if not m or not any(m.groups()):
        return float("nan")
    d, h, mi, sec = (float(g) if g else 0.0 for g in m.groups())
    minutes = d * 1440 + h * 60 + mi + sec / 60
    return minutes if np.isfinite(minutes) else float("nan")


def _chat_date(value) -> datetime | None:
    """``Monday, September 25, 2023 at 4:11:49 PM UTC`` -> aware UTC datetime."""
    if not isinstance(value, str) or len(value) > _MAX_TIME_TEXT:
        return None
    v = re.sub(r"[\u202f\u00a0]", " ", value).strip()
    m = re.match(
        r"^(?:\w+, )?(\w+ \d{1,2}, \d{4}) at (\d{1,2}:\d{2}(?::\d{2})?\s*[AP]M)\s*(.*)$", v
    )
    if not m:
        return None
    clock = m.group(2).replace(" ", "")
    fmt = "%I:%M:%S%p" if clock.count(":") == 2 else "%I:%M%p"
    try:
        naive = datetime.strptime(f"{m.group(1)} {clock}", f"%B %d, %Y {fmt}")
    except ValueError:
        return None
    zone = m.group(3).strip() or "UTC"
    if zone in ("UTC", "GMT", "Z"):
        return naive.replace(tzinfo=UTC)
    try:
        return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    except OverflowError:  # year 1 or 9999 moved past the calendar's edge: out of range
        return naive.replace(tzinfo=UTC)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _zone(name: str, report: FileReport) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        report.warnings.append(f"time zone {name!r} is unknown: days counted in UTC")
        return ZoneInfo("UTC")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")
