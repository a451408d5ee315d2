"""LinkedIn ``messages.csv`` from "Get a copy of your data" (the archive that also holds
``Connections.csv``).

**Layout** (as LinkedIn has written it 2020-2026): ``CONVERSATION ID, CONVERSATION TITLE, FROM,
SENDER PROFILE URL, TO, [RECIPIENT PROFILE URLS,] DATE, SUBJECT, CONTENT, FOLDER`` and, in newer
exports, ``ATTACHMENTS``, ``IS MESSAGE DRAFT``, ``IS CONVERSATION DRAFT``. UTF-8, fields quoted
when needed (every field in 2026 exports), ``CONTENT`` may hold line breaks. ``DATE`` is
``YYYY-MM-DD HH:MM:SS UTC``. ``TO`` joins several names with ``", "`` (a name may itself hold
``", "``: ``Jane Doe, Ph.D.``); ``RECIPIENT PROFILE URLS`` joins their URLs with ``,``, which
tells how many recipients there are. ``FOLDER`` is ``INBOX`` (sent messages too), ``ARCHIVE``,
``SPAM`` or empty. Columns are found by name, so their order and the optional ones do not matter.

**Content is never kept**: only the first characters of ``CONTENT`` are looked at, to tell a
sponsored message (LinkedIn's ``spinmail`` editor markup) from a personal one.

**Who is the user**: names (or profile URLs) in ``ImportOptions.me``; without them, the
participant found in the most conversations (as sender or recipient: the user is in all of them),
and the report warns which name it chose.

**Rows**: one interaction per (conversation, day in ``ImportOptions.timezone``, other person),
channel ``message``: timestamp = the first message of that day involving the person, direction =
who wrote first (``outgoing`` when the user sent to the person, ``incoming`` when the person
wrote), note = ``"N messages"`` (``", answered"`` when the other side wrote back the same day).
``event_id`` = ``linkedin-<stable_id(conversation id)>-<YYYYMMDD>``: it depends on the
conversation and the day only (stable across exports) and is shared by everyone in a group
conversation that day. ``who`` is the person's name as LinkedIn shows it (identity resolution
matches it with the same name in ``Connections.csv``).

**Counting**: ``read`` counts the message rows other than those left out; drafts, the SPAM folder
and sponsored messages are left out and counted in the notes. A row with no usable date, a sender
hidden by LinkedIn (``LinkedIn Member`` with no profile URL), or no other participant is skipped
with its line and reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from analysis.dates import OUT_OF_RANGE_REASON, representable
from analysis.errors import UnusableFileError
from analysis.importers.base import (
    Detection,
    FileReport,
    ImportOptions,
    ImportResult,
    SourceFile,
    stable_id,
)
from analysis.importers.csvsniff import BadRow, find_layout, header_key, read_rows, read_text
from analysis.model import empty_contacts, interactions_frame
from analysis.normalize import nfc

FORMAT = "linkedin_messages"
LABEL = "LinkedIn messages.csv"

COLUMNS = (
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "RECIPIENT PROFILE URLS",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
    "ATTACHMENTS",
    "IS MESSAGE DRAFT",
    "IS CONVERSATION DRAFT",
)
KNOWN_KEYS = frozenset(header_key(c) for c in COLUMNS)
REQUIRED_KEYS = frozenset(header_key(c) for c in ("CONVERSATION ID", "FROM", "TO", "DATE"))

HIDDEN_SENDER = "linkedin member"
"""The name LinkedIn shows for a sender whose profile is hidden or closed (no URL given)."""

_SUFFIX_RE = re.compile(r"^(?:[A-Z][A-Za-z]{0,3}\.(?:[A-Za-z]{1,3}\.)*|[A-Z]{2,6}|Jr\.?|Sr\.?)$")
"""A piece of ``TO`` that is a name suffix (``Ph.D.``, ``MBA``, ``Jr.``), not another name."""
_MOJIBAKE_RE = re.compile("[ÃÂ][\u0080-\u00bf]")
_NS = 1_000_000_000


def sniff(name: str, head: str) -> Detection | None:
    """A CSV whose header has ``CONVERSATION ID``, ``FROM``, ``TO`` and ``DATE`` (and is a
    LinkedIn messages export by its other columns)."""
    layout = find_layout(head, KNOWN_KEYS, min_known=4)
    if layout is None:
        return None
    keys = set(layout.keys)
    if not keys >= REQUIRED_KEYS or not keys & {"content", "folder", "senderprofileurl"}:
        return None
    return Detection(FORMAT, LABEL, 0.97)


@dataclass(slots=True)
class _Row:
    line: int
    conv: str
    ns: int
    day: int
    sender: str
    sender_url: str
    to: tuple[str, ...]


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read a LinkedIn ``messages.csv`` into interactions (see the module doc)."""
    text, encoding, _mixed = read_text(source.data)
    layout = find_layout(text[:65536], KNOWN_KEYS, min_known=4)
    if layout is None or not set(layout.keys) >= REQUIRED_KEYS:
        raise UnusableFileError(
            source.name,
            "not a LinkedIn messages.csv: expected the columns CONVERSATION ID, FROM, TO, DATE",
            "header",
        )
    report = FileReport(source.name, FORMAT, LABEL, encoding=encoding)
    tz = _zone(options.timezone, report)
    col = {k: layout.keys.index(k) for k in KNOWN_KEYS if k in layout.keys}
    left: Counter = Counter()
    rows: list[_Row] = []
    for row in read_rows(text, layout.header_line + 1, layout.delimiter, len(layout.columns)):
        if isinstance(row, BadRow):
            report.skip(f"line {row.line}", row.reason)
            continue
        cells = row.cells
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(layout.columns):
            report.skip(
                f"line {row.line}",
                f"{len(cells)} fields where the header has {len(layout.columns)} (a stray comma "
                "or quote?)",
            )
            continue

        def cell(key: str, cells: list[str] = cells) -> str:
            i = col.get(key)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        why = _left_out(cell("ismessagedraft"), cell("folder"), cell("content")[:300])
        if why:
            left[why] += 1
            continue
        where = f"line {row.line}"
        raw_date = cell("date")
        when = _when(raw_date)
        if when is None:
            report.skip(where, f"no usable date ({raw_date!r})" if raw_date else "no date")
            continue
        if not representable(when):
            report.skip(where, f"{OUT_OF_RANGE_REASON}: {raw_date!r}")
            continue
        sender = _name(cell("from"))
        sender_url = cell("senderprofileurl")
        if not sender:
            report.skip(where, "no sender name")
            continue
        local = when.astimezone(tz)
        rows.append(
            _Row(
                row.line,
                cell("conversationid") or f"(no id) {cell('conversationtitle')}",
                int(when.timestamp()) * _NS,
                local.year * 10000 + local.month * 100 + local.day,
                sender,
                sender_url,
                _recipients(cell("to"), cell("recipientprofileurls")),
            )
        )
    me = _me(options, rows, report)
    frame = _interactions(rows, me, report, f"{source.name} ({LABEL})")
    for key, (one, many) in _LEFT_OUT_TEXT.items():
        if left[key]:
            report.notes.append(f"{left[key]:,} {one if left[key] == 1 else many} left out")
    if report.read == 0 and not left:
        report.warnings.append("the file holds no messages")
    return ImportResult(contacts=empty_contacts(), interactions=frame, report=report)


_LEFT_OUT_TEXT = {
    "draft": ("draft (never sent)", "drafts (never sent)"),
    "spam": ("message in the SPAM folder", "messages in the SPAM folder"),
    "sponsored": ("sponsored message", "sponsored messages"),
}


def _zone(name: str, report: FileReport) -> tzinfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        report.warnings.append(f"unknown time zone {name!r}: days are counted in UTC")
        return UTC


def _left_out(draft: str, folder: str, content_start: str) -> str:
    """Why a row is not a conversation message ("" when it is)."""
    if draft.lower() in ("yes", "true", "1"):
        return "draft"
    if folder.upper() == "SPAM":
        return "spam"
    if "spinmail" in content_start:
        return "sponsored"
    return ""


def _when(value: str) -> datetime | None:
    """``YYYY-MM-DD HH:MM:SS UTC`` (or the same without ``UTC``) as an aware UTC datetime."""
    v = value.strip()
    if v.upper().endswith(" UTC"):
        v = v[:-4].strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S"):
        try:
            return datetime.strptime(v, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    try:
        ts = pd.Timestamp(v)
    except (ValueError, OverflowError, TypeError):
        return None
    if pd.isna(ts):
        return None
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


def _name(value: str) -> str:
    """A name as text: NFC, whitespace collapsed, UTF-8 read as Latin-1 (``JosÃ©``) repaired."""
    v = nfc(value)
    if v and _MOJIBAKE_RE.search(v):
        for enc in ("cp1252", "latin-1"):
            try:
                v = nfc(v.encode(enc).decode("utf-8"))
                break
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
    return v


def _recipients(to: str, urls: str) -> tuple[str, ...]:
    """The names in ``TO``: split at ``", "``, suffixes such as ``Ph.D.`` kept with their name;
    one name when ``RECIPIENT PROFILE URLS`` holds a single URL."""
    to = to.strip()
    if not to:
        return ()
    n_urls = len([u for u in urls.split(",") if u.strip()]) if urls.strip() else 0
    if n_urls == 1:
        return (_name(to),)
    parts = [p for p in to.split(", ") if p.strip()]
    names: list[str] = []
    for p in parts:
        if names and _SUFFIX_RE.match(p.strip()):
            names[-1] = f"{names[-1]}, {p.strip()}"
        else:
            names.append(p)
    return tuple(dict.fromkeys(_name(n) for n in names if _name(n)))


def _key(name: str) -> str:
    return nfc(name).casefold()


def _me(options: ImportOptions, rows: list[_Row], report: FileReport) -> tuple[set, set]:
    """(name keys, profile URLs) of the user: from ``options.me``, else the participant in the
    most conversations (with a warning)."""
    names = {_key(m) for m in options.me if m.strip() and "linkedin.com/" not in m}
    urls = {m.strip().rstrip("/").lower() for m in options.me if "linkedin.com/" in m}
    if names or urls:
        return names, urls
    if not rows:
        return set(), set()
    convs: dict[str, set[str]] = {}
    shown: dict[str, str] = {}
    as_sender: Counter = Counter()
    for r in rows:
        for n in (r.sender, *r.to):
            k = _key(n)
            convs.setdefault(k, set()).add(r.conv)
            shown.setdefault(k, n)
        as_sender[_key(r.sender)] += 1
    best = min(convs, key=lambda k: (-len(convs[k]), -as_sender[k], k))
    report.warnings.append(
        f"you were taken to be {shown[best]!r} (the name in the most conversations: "
        f"{len(convs[best]):,} of {len({r.conv for r in rows}):,}); set your name in 'me' if "
        "this is wrong"
    )
    return {best}, set()


def _interactions(
    rows: list[_Row], me: tuple[set, set], report: FileReport, src: str
) -> pd.DataFrame:
    """Collapse rows into one interaction per (conversation, day, other person)."""
    me_names, me_urls = me

    def is_me(name: str, url: str = "") -> bool:
        return _key(name) in me_names or (bool(url) and url.rstrip("/").lower() in me_urls)

    # the people of each conversation, to place a message whose TO is empty
    people: dict[str, list[str]] = {}
    for r in rows:
        if not is_me(r.sender, r.sender_url) and r.sender.casefold() != HIDDEN_SENDER:
            lst = people.setdefault(r.conv, [])
            if r.sender not in lst:
                lst.append(r.sender)
    groups: dict[tuple[str, str, int], list] = {}
    for r in sorted(rows, key=lambda x: (x.ns, x.line)):
        where = f"line {r.line}"
        if is_me(r.sender, r.sender_url):
            direction = "outgoing"
            others = [n for n in r.to if not is_me(n)] or people.get(r.conv, [])
            if not others:
                report.skip(where, "a message from you with no other participant")
                continue
        else:
            if r.sender.casefold() == HIDDEN_SENDER and not r.sender_url:
                report.skip(where, "the sender is hidden by LinkedIn ('LinkedIn Member')")
                continue
            direction = "incoming"
            others = [r.sender]
        report.read += 1
        report.imported += 1
        for who in others:
            key = (who, r.conv, r.day)
            g = groups.get(key)
            if g is None:
                groups[key] = [r.ns, direction, 1, False]
            else:
                g[2] += 1
                if direction != g[1]:
                    g[3] = True
    keys = list(groups)
    conv_keys: dict[str, str] = {}
    eids = []
    notes = []
    for who, conv, day in keys:
        ck = conv_keys.get(conv)
        if ck is None:
            ck = conv_keys[conv] = stable_id("linkedin-conv", conv)
        eids.append(f"linkedin-{ck}-{day}")
        _, _, n, answered = groups[(who, conv, day)]
        notes.append(f"{n} message" + ("s" if n != 1 else "") + (", answered" if answered else ""))
    ts = np.fromiter((groups[k][0] for k in keys), dtype="int64", count=len(keys))
    frame = interactions_frame(
        pd.to_datetime(ts, unit="ns", utc=True),
        [k[0] for k in keys],
        "message",
        [groups[k][1] for k in keys],
        float("nan"),
        eids,
        notes,
        src,
    )
    return frame.sort_values("timestamp", kind="stable").reset_index(drop=True)
