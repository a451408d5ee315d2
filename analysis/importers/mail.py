"""E-mail, headers only: mbox files (Google Takeout Mail, Thunderbird, Apple Mail export, any
``mboxo``/``mboxrd``), single ``.eml`` messages, and a ``.zip`` holding ``.eml`` or ``.mbox`` files.

**Only headers are read.** A mailbox is streamed in chunks of :data:`CHUNK_BYTES`: for each
message the header block (up to the first empty line) is split into fields (see
:func:`_fields`) and only the fields named in :data:`_WANTED` are read; the body is skipped at
the byte level by searching for the next ``From`` separator line and is never parsed, kept or
logged. Memory stays flat whatever
the size of the mailbox (:func:`parse_stream` takes any binary file object, so a 5 GB file on disk
is read without loading it). Separators are lines starting ``From `` that carry a time and a year
(the ``asctime`` date every mbox writer puts there: ``From 1787...@xxx Tue Mar 05 12:34:56 +0000
2024`` for Gmail, ``From - Tue Mar 05 ...`` for Thunderbird) and are followed by a header line;
a body line that merely starts with "From " (escaped ``>From `` or not) does not split a message.

**Who is the user.** The addresses in ``ImportOptions.me`` (entries containing ``@``); else the
addresses shown with a name given in ``me`` (``Mara Jensen <mara@...>``); else the
``Delivered-To`` addresses (the mailbox owner, written by the receiving server, as in a
Gmail Takeout) are the user; without those, the address found in the most messages (From, To or
Cc) is taken to be the user, and the report warns which address it chose.

**Direction and rows.** Mail from the user is ``outgoing`` to each recipient in To/Cc/Bcc (the
user's own copy keeps Bcc); mail to the user is ``incoming`` from its sender. Messages of one
*thread* with one person on one calendar day (in ``ImportOptions.timezone``) are one contact,
one interaction: channel ``email``, timestamp = the first message, ``direction`` = who wrote
first that day, ``note`` = ``"N e-mails"``. A thread is identified by its root Message-ID (the
first ``References`` entry; else the thread of the ``In-Reply-To`` parent when it is in the file;
else the parent's id; else the message's own id; Gmail's ``X-GM-THRID`` or the normalised subject
only when a message has no Message-ID at all).

**event_id** = ``mail-<thread key>-<YYYYMMDD>`` where the thread key is
``stable_id("mail-thread", root Message-ID)``: it depends on the thread and the day only, never on
the file, so two exports of one mailbox give the same ids, and all people in one thread-day share
it (a group thread links them in the network, like a group chat day).

**Answered.** A reply is told by ``In-Reply-To``/``References`` pointing at a message the other
person sent. The engine sees an answer as a row of the opposite direction (see
:mod:`analysis.metrics.reciprocity`): a reply on a later day is its own row (``incoming`` after
an ``outgoing`` one, or the reverse) with the same thread key in ``event_id``; a reply on the same
day stays inside that day's single row, whose note then says so: ``"3 e-mails, answered"`` when
the other side wrote back after the first message of the day, ``"1 e-mail, a reply"`` when that
day's first message replies to one of the other side's messages.

**Left out, not skipped.** Mailing-list and automated mail (``List-Id``, ``List-Unsubscribe``,
``Precedence: bulk|list|junk``, ``Auto-Submitted`` other than ``no``, ``X-Autoreply``,
``X-Autorespond``, senders like ``noreply@``, ``no-reply@``, ``donotreply@``,
``notifications@``, ``mailer-daemon@``, ``postmaster@``), broadcasts (more than
:data:`MAX_RECIPIENTS` recipients), drafts, Gmail Spam and Chat transcripts, notes to oneself and
duplicate copies of one Message-ID are not contacts: they are counted in the report's notes
(``"1,204 list or automated messages left out"``), not in ``read``. ``read`` counts the other
messages; ``imported`` those that went into an interaction; a message whose headers are unusable
(no sender, no or an undecodable ``Date``, a date outside :func:`analysis.dates.representable`, a
header block cut off by the end of the file) is ``skipped`` with where it was (message number and
byte offset) and why, and the messages around it are kept.

**Contacts.** One contact per correspondent address, with the display name most often used for
it (RFC 2047 encoded words such as ``=?utf-8?q?J=C3=B6rg?=`` decoded), so identity resolution
merges the address with the same person's card. ``contact_id`` = ``stable_id("mail", address)``.

**Work domains.** The domain is part of the address (``who``); the engine derives how
work-like a tie is from non-webmail domains shared with the user's own, nothing is decided here.
"""

from __future__ import annotations

import contextlib
import email.utils
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from analysis.dates import OUT_OF_RANGE_REASON, representable
from analysis.errors import RecordError, UnusableFileError
from analysis.importers.base import (
    Detection,
    FileReport,
    ImportOptions,
    ImportResult,
    SourceFile,
    stable_id,
)
from analysis.model import contacts_frame, empty_contacts, interactions_frame
from analysis.normalize import nfc

FORMAT = "mail"
LABEL_MBOX = "E-mail mbox"
LABEL_GMAIL = "Gmail mbox (Google Takeout)"
LABEL_THUNDERBIRD = "Thunderbird mbox"
LABEL_EML = "E-mail message (.eml)"
LABEL_ZIP = "E-mail messages in a .zip"

CHUNK_BYTES = 1 << 20
"""Bytes read from the file at a time (1 MiB): large enough that Python overhead per chunk is
negligible, small enough that memory does not depend on the mailbox size."""

MAX_HEADER_BYTES = 1 << 20
"""A header block longer than this (1 MiB) without an empty line is not e-mail headers (real ones
are a few KB; Gmail's with DKIM/ARC chains stay under 20 KB): the message is skipped."""

MAX_RECIPIENTS = 10
"""A message to more than this many other people is a broadcast (an announcement, an invitation
to a crowd), not a conversation with each of them, and is left out.

Judgement call: ten is above the usual size of a personal group thread (a family, a group of
friends, a small team: the 5-15 "sympathy group" layer of Dunbar's layers, of which a thread
usually reaches a part) and below the distribution lists of announcements. The same cap is
applied to mail the user receives (the sender wrote to a crowd, not to the user)."""

MAX_ZIP_MEMBERS = 100_000
"""At most this many files are read from a .zip (a guard against zip bombs of tiny members)."""

_SEP_RE = re.compile(rb"From [^\n]*\d:\d\d[^\n]*\d{4}[^\n]*\n[!-9;-~]+:")
"""An mbox separator line (``From `` + a time + a year) followed by a header line."""
_HDR_END_RE = re.compile(rb"\n\r?\n|\n(?=From )")
_FIRST_SEP_RE = re.compile(r"From [^\n]*\d:\d\d[^\n]*\d{4}[^\n]*\r?\n")
_HEADER_LINE_RE = re.compile(r"[!-9;-~]+:")
_AUTOMATED_LOCAL_RE = re.compile(
    r"(?:^|[-_.+])(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|notifications?|mailer[-_.]?daemon|"
    r"postmaster)(?:$|[-_.+])"
)
_SUBJECT_PREFIX_RE = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|sv|vs|tr|rif)\s*(?:\[\d+\])?:\s*)+", re.I)
_MSGID_RE = re.compile(r"<[^<>\s]+>")
_BLANK_LINE_RE = re.compile(rb"\r?\n\r?\n")
_LEADING = b"\xef\xbb\xbf \t\r\n"
_ENCODED_WORD = "=?"
_WANTED = (
    "from",
    "sender",
    "to",
    "cc",
    "bcc",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "subject",
    "list-id",
    "list-unsubscribe",
    "precedence",
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-gmail-labels",
    "x-gm-thrid",
    "x-mozilla-draft-info",
    "delivered-to",
    "x-original-to",
)
"""The header fields read; every other field (Received, DKIM, ARC...) is passed over."""
_FIELD_RE = re.compile(
    r"^(" + "|".join(re.escape(f) for f in _WANTED) + r")[ \t]*:(.*(?:\r?\n[ \t].*)*)",
    re.M | re.I,
)
_UNFOLD_RE = re.compile(r"\r?\n(?=[ \t])")
_TRICKY_ADDR_CHARS = re.compile(r'["():;\\\[]')
_PLAIN_ADDR_RE = re.compile(r"\s*(?:([^<>]*?)\s*<([^<>\s]+)>|([^<>\s]+))\s*$")
_SURROGATE_RE = re.compile("[\udc80-\udcff]")
_NS = 1_000_000_000
_SNIFF_BYTES = 65_536
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, ValueError, RuntimeError, EOFError)
"""What reading a damaged or odd .zip can raise (RuntimeError: an encrypted member)."""

_LEFT_OUT_TEXT = {
    "list": ("list or automated message", "list or automated messages"),
    "broadcast": (
        f"message to more than {MAX_RECIPIENTS} people (a broadcast)",
        f"messages to more than {MAX_RECIPIENTS} people (broadcasts)",
    ),
    "draft": ("draft (never sent)", "drafts (never sent)"),
    "spam": ("message in Spam", "messages in Spam"),
    "chat": (
        "Gmail chat transcript (read chats from a Google Chat export)",
        "Gmail chat transcripts (read chats from a Google Chat export)",
    ),
    "self": ("message to nobody but yourself", "messages to nobody but yourself"),
    "duplicate": (
        "duplicate copy of a message (same Message-ID)",
        "duplicate copies of messages (same Message-ID)",
    ),
}
"""Why messages are left out: (singular, plural) for the report's notes."""


# --------------------------------------------------------------------------------------------
# detection


def sniff(name: str, head: str) -> Detection | None:
    """An mbox (first line a ``From `` separator with a date, then header lines) or a single
    message (a header block with ``From:`` and ``Date:`` plus ``Message-ID:``, ``Received:`` or
    ``MIME-Version:``). Anything else gives None."""
    text = head.lstrip("\ufeff \t\r\n")
    if text.startswith("From "):
        m = _FIRST_SEP_RE.match(text)
        if not m or not _HEADER_LINE_RE.match(text, m.end()):
            return None
        block = _header_block(text[m.end() :])
        if not {"from", "date"} & set(block) and len(block) < 2:
            return None
        return Detection(FORMAT, _mbox_label(block), 0.97)
    if not _HEADER_LINE_RE.match(text):
        return None
    block = _header_block(text)
    if {"from", "date"} <= set(block) and {"message-id", "received", "mime-version"} & set(block):
        return Detection(FORMAT, LABEL_EML, 0.95)
    return None


def _header_block(text: str) -> set[str]:
    """Lower-cased field names of the header block at the start of ``text``."""
    names: set[str] = set()
    for line in text.splitlines():
        if not line.strip():
            break
        if line[0] in " \t":
            continue
        name, sep, _ = line.partition(":")
        if not sep or not name or " " in name:
            break
        names.add(name.lower())
    return names


def _mbox_label(fields: set[str]) -> str:
    if "x-gm-thrid" in fields or "x-gmail-labels" in fields:
        return LABEL_GMAIL
    if "x-mozilla-status" in fields or "x-mozilla-status2" in fields:
        return LABEL_THUNDERBIRD
    return LABEL_MBOX


def sniff_zip(source: SourceFile) -> Detection | None:
    """A .zip holding ``.eml`` or ``.mbox`` files (a folder of saved messages, a Google Takeout
    Mail archive). None for any other zip, or a damaged one."""
    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as zf:
            members = _zip_mail_members(zf)
    except _ZIP_ERRORS:
        return None
    if not members:
        return None
    kinds = sorted({k for _, k in members})
    what = " and ".join(f"{sum(1 for _, k in members if k == kind)} {kind}" for kind in kinds)
    return Detection(FORMAT, LABEL_ZIP, 0.95, (f"read {what} file(s) from the .zip",))


def _zip_mail_members(zf: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, str]]:
    """The members of ``zf`` that hold mail: ``(info, "mbox"|"eml")``, judged by their start."""
    found = []
    for info in zf.infolist()[:MAX_ZIP_MEMBERS]:
        if info.is_dir() or info.file_size == 0:
            continue
        with zf.open(info) as fh:
            head = fh.read(8192).decode("utf-8", errors="replace")
        det = sniff(info.filename, head)
        if det is not None:
            found.append((info, "eml" if det.label == LABEL_EML else "mbox"))
    return found


# --------------------------------------------------------------------------------------------
# reading


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read an mbox, an ``.eml`` or a ``.zip`` of them (see the module doc). Raises
    :class:`UnusableFileError` when nothing in it is e-mail."""
    if source.data[:4] == b"PK\x03\x04":
        return _parse_zip(source, options)
    return parse_stream(io.BytesIO(source.data), source.name, options)


def parse_stream(fileobj: BinaryIO, name: str, options: ImportOptions) -> ImportResult:
    """Read an mbox or a single message from a binary file object, in constant memory (the
    file is read in :data:`CHUNK_BYTES` chunks; bodies are skipped, never kept). ``name`` is the
    file name shown in the report."""
    first = b""
    while len(first) < _SNIFF_BYTES:
        more = fileobj.read(_SNIFF_BYTES - len(first))
        if not more:
            break
        first += more
    text = first.decode("utf-8", errors="replace")
    det = sniff(name, text)
    if det is None:
        raise UnusableFileError(
            name,
            "not an mbox or an e-mail message: expected a 'From ' separator line or a header "
            "block with From: and Date:",
            "start of file",
        )
    stream = _Chained(first, fileobj)
    col = _Collector(name, det.label, options)
    if det.label == LABEL_EML:
        col.add_eml(stream, "message")
    else:
        col.add_mbox(stream, "")
    return col.finish()


def _parse_zip(source: SourceFile, options: ImportOptions) -> ImportResult:
    try:
        zf = zipfile.ZipFile(io.BytesIO(source.data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnusableFileError(source.name, f"a damaged .zip ({exc})") from None
    with zf:
        try:
            members = _zip_mail_members(zf)
        except _ZIP_ERRORS as exc:
            raise UnusableFileError(source.name, f"a damaged .zip ({exc})") from None
        if not members:
            raise UnusableFileError(source.name, "the .zip holds no .eml or .mbox file")
        col = _Collector(source.name, LABEL_ZIP, options)
        n_files = sum(1 for i in zf.infolist() if not i.is_dir())
        for info, kind in members:
            try:
                with zf.open(info) as fh:
                    if kind == "eml":
                        col.add_eml(fh, info.filename)
                    else:
                        col.add_mbox(fh, f"{info.filename}: ")
            except _ZIP_ERRORS as exc:
                col.report.warnings.append(f"{info.filename}: could not be unpacked ({exc})")
        if n_files > len(members):
            col.report.notes.append(
                f"{n_files - len(members):,} other file(s) in the .zip are not e-mail and were "
                "not read"
            )
        return col.finish()


class _Chained:
    """A binary reader that first gives back ``first`` (bytes already read), then ``rest``."""

    def __init__(self, first: bytes, rest: BinaryIO) -> None:
        self._first: bytes | None = first
        self._rest = rest

    def read(self, n: int = -1) -> bytes:
        if self._first:
            out, self._first = self._first, None
            return out
        return self._rest.read(n)


@dataclass
class _Raw:
    """One message's header block as found in the file (``header`` None when unusable)."""

    offset: int
    header: bytes | None
    problem: str = ""


def _scan_mbox(fh: BinaryIO) -> Iterator[_Raw]:
    """The header block of every message of an mbox, in file order, in constant memory.

    Bytes are read in chunks; the buffer keeps only the current header block and the unscanned
    rest of the chunk. Bodies are passed over with :meth:`bytes.find` for the next
    ``\\nFrom `` line that :data:`_SEP_RE` accepts."""
    buf = b""
    base = 0  # file offset of buf[0]
    eof = False

    def more(keep_from: int) -> int:
        """Drop ``buf[:keep_from]``, append a chunk; returns the shift of buffer indices."""
        nonlocal buf, base, eof
        data = fh.read(CHUNK_BYTES)
        if not data:
            eof = True
            return 0
        buf = buf[keep_from:] + data
        base += keep_from
        return keep_from

    more(0)
    while not eof and not buf.lstrip(_LEADING):
        more(len(buf))
    stripped = buf.lstrip(_LEADING)
    pos = len(buf) - len(stripped)
    if not stripped.startswith(b"From "):
        return
    while True:
        # the separator line
        nl = buf.find(b"\n", pos)
        while nl < 0 and not eof:
            pos -= more(pos)
            nl = buf.find(b"\n", pos)
        offset = base + pos
        if nl < 0:
            yield _Raw(offset, None, "the file ends on this message's separator line (cut off?)")
            return
        # the header block: up to an empty line (or, without one, the next separator)
        m = _HDR_END_RE.search(buf, nl)
        while m is None and not eof and len(buf) - nl <= MAX_HEADER_BYTES:
            shift = more(pos)
            pos, nl = pos - shift, nl - shift
            m = _HDR_END_RE.search(buf, nl)
        if m is not None:
            yield _Raw(offset, buf[nl + 1 : m.start() + 1])
            s = m.start()
        elif eof:
            # every mbox writer ends a message's headers with an empty line, body or not
            yield _Raw(
                offset, None, "the file ends inside this message's headers (a cut-off export?)"
            )
            return
        else:
            yield _Raw(
                offset,
                None,
                f"its header block runs past {MAX_HEADER_BYTES:,} bytes without an end "
                "(not e-mail headers)",
            )
            s = len(buf) - 1
        # the body: skip to the next separator
        while True:
            i = buf.find(b"\nFrom ", s)
            if i < 0:
                if eof:
                    return
                keep = max(len(buf) - 5, 0)
                s = keep - more(keep)
                continue
            j = buf.find(b"\n", i + 1)
            k = buf.find(b"\n", j + 1) if j >= 0 else -1
            if k < 0 and not eof and len(buf) - i < 65536:
                shift = more(i)
                s = i - shift
                continue
            if _SEP_RE.match(buf, i + 1):
                pos = i + 1
                break
            s = i + 1


def _read_eml_header(fh: BinaryIO) -> _Raw:
    """The header block of a single message (a leading mbox ``From `` line is passed over)."""
    buf = b""
    while True:
        data = fh.read(65536)
        if data:
            buf += data
        stripped = buf.lstrip(_LEADING)
        start = len(buf) - len(stripped)
        if stripped.startswith(b"From "):
            nl = buf.find(b"\n", start)
            if nl >= 0:
                start = nl + 1
        m = _BLANK_LINE_RE.search(buf, start)
        if m is not None:
            return _Raw(0, buf[start : m.start()] + b"\n")
        if not data:
            if buf[start:].strip():
                return _Raw(0, buf[start:] + b"\n")
            return _Raw(0, None, "the message has no headers")
        if len(buf) > MAX_HEADER_BYTES:
            return _Raw(0, None, f"no end of headers within {MAX_HEADER_BYTES:,} bytes")


# --------------------------------------------------------------------------------------------
# one message


@dataclass(slots=True)
class _Msg:
    """What one message contributes: only addresses, names, ids and its time."""

    utc_ns: int
    day: int  # local calendar day as yyyymmdd
    sender: str
    recipients: tuple[str, ...]  # To + Cc
    bcc: tuple[str, ...]
    msgid: str
    parent: str
    refs: tuple[str, ...]
    fallback_thread: str
    delivered_to: tuple[str, ...]


def _decode_text(value: str) -> str:
    """A header value (or display name) as text: RFC 2047 words decoded, raw 8-bit bytes read as
    UTF-8 (else cp1252), whitespace collapsed."""
    if _SURROGATE_RE.search(value):
        raw = value.encode("ascii", "surrogateescape")
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            value = raw.decode("cp1252", errors="replace")
    if _ENCODED_WORD in value:
        with contextlib.suppress(LookupError, UnicodeError, ValueError, HeaderParseError):
            value = str(make_header(decode_header(value)))
    return nfc(value)


def _fields(header: bytes) -> dict[str, list[str]]:
    """The header block's fields that closeknit reads (:data:`_WANTED`): lower-cased name ->
    unfolded values, 8-bit bytes kept as surrogate escapes (decoded later by
    :func:`_decode_text`).

    One regular expression splits the block (RFC 5322 section 2.2: a field name of printable
    ASCII, a colon, the value, and continuation lines that start with white space, unfolded by
    removing the line break as section 2.2.3 says); a line that is not a field is passed over.
    This gives what :class:`email.parser.BytesHeaderParser` gives for these fields in a
    twentieth of the time, which is most of an mbox import (a Gmail message carries 2-10 KB of
    Received/DKIM/ARC lines that are never looked at)."""
    text = header.decode("ascii", "surrogateescape")
    out: dict[str, list[str]] = {}
    for m in _FIELD_RE.finditer(text):
        value = m.group(2)
        if "\n" in value:
            value = _UNFOLD_RE.sub("", value)
        out.setdefault(m.group(1).lower(), []).append(value.strip())
    return out


def _one(fields: dict[str, list[str]], name: str) -> str | None:
    """The first value of field ``name`` (lower-case), None when absent."""
    got = fields.get(name)
    return got[0] if got else None


def _addresses(fields: dict[str, list[str]], *names: str) -> list[tuple[str, str]]:
    """``(display name, lower-cased address)`` of the given address fields (lower-case names);
    entries without a usable address (``undisclosed-recipients:;``) are dropped."""
    values: list[str] = []
    for n in names:
        values.extend(fields.get(n, ()))
    if not values:
        return []
    out = []
    for name, addr in _split_addresses(values):
        addr = addr.strip().strip("<>").lower()
        if "@" not in addr or " " in addr or addr.startswith("@") or addr.endswith("@"):
            continue
        if _SURROGATE_RE.search(addr):
            addr = _decode_text(addr).lower()
        out.append((name, addr))
    return out


def _split_addresses(values: list[str]) -> list[tuple[str, str]]:
    """``(name, address)`` pairs of address-list values: the plain forms (``a@b``,
    ``Name <a@b>``, ``=?utf-8?q?...?= <a@b>``, comma-separated) by a regular expression, anything
    with quotes, comments, groups or escapes by :func:`email.utils.getaddresses` (RFC 5322
    section 3.4)."""
    out: list[tuple[str, str]] = []
    for value in values:
        if _TRICKY_ADDR_CHARS.search(value):
            out.extend(email.utils.getaddresses([value]))
            continue
        pairs = []
        for piece in value.split(","):
            if not piece.strip():
                continue
            m = _PLAIN_ADDR_RE.match(piece)
            if m is None:
                pairs = email.utils.getaddresses([value])
                break
            pairs.append((m.group(1) or "", m.group(2) or m.group(3)))
        out.extend(pairs)
    return out


def _msgids(value: str | None) -> list[str]:
    if not value:
        return []
    return _MSGID_RE.findall(str(value))


def _left_out(f: dict[str, list[str]], sender: str) -> str:
    """Why the message is not a personal contact ("" when it is)."""
    labels = _one(f, "x-gmail-labels") or ""
    if labels:
        lab = {x.strip().lower() for x in _decode_text(labels).split(",")}
        if "spam" in lab:
            return "spam"
        if lab & {"draft", "drafts"}:
            return "draft"
        if "chat" in lab:
            return "chat"
    if "x-mozilla-draft-info" in f:
        return "draft"
    if "list-id" in f or "list-unsubscribe" in f:
        return "list"
    if (_one(f, "precedence") or "").strip().lower() in ("bulk", "list", "junk"):
        return "list"
    auto = _one(f, "auto-submitted")
    if auto is not None and auto.strip().lower() not in ("", "no"):
        return "list"
    if "x-autoreply" in f or "x-autorespond" in f:
        return "list"
    if _AUTOMATED_LOCAL_RE.search(sender.split("@", 1)[0]):
        return "list"
    return ""


# --------------------------------------------------------------------------------------------
# the whole file


@dataclass
class _Collector:
    """Gathers messages of one source (an mbox, an .eml, every member of a .zip), then builds
    the frames in :meth:`finish`."""

    name: str
    label: str
    options: ImportOptions
    report: FileReport = field(init=False)
    msgs: list[_Msg] = field(default_factory=list)
    names: dict[str, Counter] = field(default_factory=dict)
    first_seen: dict[str, str] = field(default_factory=dict)
    left: Counter = field(default_factory=Counter)
    seen_ids: set[str] = field(default_factory=set)
    count: int = 0
    tz: tzinfo = UTC

    def __post_init__(self) -> None:
        self.report = FileReport(self.name, FORMAT, self.label)
        try:
            self.tz = ZoneInfo(self.options.timezone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            self.report.warnings.append(
                f"unknown time zone {self.options.timezone!r}: days are counted in UTC"
            )

    def add_mbox(self, fh: Any, prefix: str) -> None:
        """Read every message of an mbox stream."""
        for raw in _scan_mbox(fh):
            self.count += 1
            self._add(raw, f"{prefix}message {self.count} (byte {raw.offset:,})")

    def add_eml(self, fh: Any, where: str) -> None:
        """Read one message file."""
        self.count += 1
        self._add(_read_eml_header(fh), where)

    def _add(self, raw: _Raw, where: str) -> None:
        try:
            if raw.header is None:
                raise RecordError(where, raw.problem)
            msg = self._message(raw.header, where)
        except RecordError as exc:
            self.report.skip(exc.where, exc.reason)
            return
        if msg is not None:
            self.msgs.append(msg)

    def _message(self, header: bytes, where: str) -> _Msg | None:
        """The message's contribution; None when it is left out; RecordError when unusable."""
        f = _fields(header)
        senders = _addresses(f, "from") or _addresses(f, "sender")
        if not senders:
            got = _one(f, "from")
            if got is None:
                raise RecordError(where, "no From header (malformed or missing headers)")
            raise RecordError(where, f"no sender address in From {_short(got)!r}")
        sender = senders[0][1]
        why = _left_out(f, sender)
        if why:
            self.left[why] += 1
            return None
        date_raw = _one(f, "date")
        if date_raw is None:
            raise RecordError(where, "no Date header")
        try:
            dt = email.utils.parsedate_to_datetime(date_raw)
        except (TypeError, ValueError, IndexError, OverflowError):
            raise RecordError(where, f"undecodable Date {_short(date_raw)!r}") from None
        if dt is None:
            raise RecordError(where, f"undecodable Date {_short(date_raw)!r}")
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        if not 1678 <= dt.year <= 2261 and not representable(dt):
            raise RecordError(where, f"{OUT_OF_RANGE_REASON}: Date {_short(date_raw)!r}")
        msgid = (_msgids(_one(f, "message-id")) or [""])[0]
        if msgid:
            if msgid in self.seen_ids:
                self.left["duplicate"] += 1
                return None
            self.seen_ids.add(msgid)
        rcpt = _addresses(f, "to", "cc")
        bcc = _addresses(f, "bcc")
        for nm, addr in [senders[0], *rcpt, *bcc]:
            self._name(addr, nm, where)
        local = dt.astimezone(self.tz)
        fallback = ""
        if not msgid:
            thrid = (_one(f, "x-gm-thrid") or "").strip()
            subject = _SUBJECT_PREFIX_RE.sub("", _decode_text(_one(f, "subject") or ""))
            fallback = f"gm:{thrid}" if thrid else f"subject:{subject.casefold()}"
        return _Msg(
            utc_ns=int(dt.timestamp()) * _NS + dt.microsecond * 1000,
            day=local.year * 10000 + local.month * 100 + local.day,
            sender=sender,
            recipients=tuple(dict.fromkeys(a for _, a in rcpt)),
            bcc=tuple(dict.fromkeys(a for _, a in bcc)),
            msgid=msgid,
            parent=(_msgids(_one(f, "in-reply-to")) or [""])[-1],
            refs=tuple(_msgids(_one(f, "references"))),
            fallback_thread=fallback,
            delivered_to=tuple(a for _, a in _addresses(f, "delivered-to", "x-original-to")),
        )

    def _name(self, addr: str, name: str, where: str) -> None:
        if addr not in self.first_seen:
            self.first_seen[addr] = where
            self.names[addr] = Counter()
        if name:
            text = _decode_text(name).strip(" '\"")
            if text and text.lower() != addr and "@" not in text:
                self.names[addr][text] += 1

    # ----------------------------------------------------------------------------------------

    def _me(self) -> set[str]:
        """The user's addresses (see the module doc) and a warning when they were inferred."""
        given = {m.strip().lower() for m in self.options.me if "@" in m}
        if given:
            return given
        if not self.msgs:
            return set()
        me_names = {nfc(m).casefold() for m in self.options.me if m.strip()}
        named = {a for a, c in self.names.items() if me_names & {n.casefold() for n in c}}
        if named:
            self.report.warnings.append(
                "your address was taken from your name in 'me': "
                + ", ".join(sorted(named))
                + " (add your addresses to 'me' if this is wrong)"
            )
            return named
        delivered = Counter(a for m in self.msgs for a in set(m.delivered_to))
        if delivered:
            me = set(delivered)
            self.report.warnings.append(
                "your address was taken from Delivered-To: "
                + ", ".join(sorted(me))
                + " (set your addresses in 'me' if this is wrong)"
            )
            return me
        seen: Counter = Counter()
        received: Counter = Counter()
        for m in self.msgs:
            seen.update({m.sender, *m.recipients})
            received.update(set(m.recipients))
        # ties (a single message): the recipient, since a mailbox holds more mail received
        addr, n = min(seen.items(), key=lambda kv: (-kv[1], -received[kv[0]], kv[0]))
        self.report.warnings.append(
            f"your address was taken to be {addr} (the address in the most messages: {n:,} of "
            f"{len(self.msgs):,}); set your addresses in 'me' if you use several or this is wrong"
        )
        return {addr}

    def _threads(self) -> dict[str, str]:
        """Message-ID -> thread root Message-ID, for every message of the file."""
        by_id = {m.msgid: m for m in self.msgs if m.msgid}
        roots: dict[str, str] = {}

        def root(m: _Msg, depth: int = 0) -> str:
            if m.msgid and m.msgid in roots:
                return roots[m.msgid]
            if m.refs:
                r = m.refs[0]
            elif m.parent:
                p = by_id.get(m.parent)
                r = root(p, depth + 1) if p is not None and p is not m and depth < 50 else m.parent
            else:
                r = m.msgid or m.fallback_thread
            if m.msgid:
                roots[m.msgid] = r
            return r

        for m in self.msgs:
            root(m)
        return roots

    def finish(self) -> ImportResult:
        """Build the interactions and contacts (see the module doc)."""
        rep = self.report
        me = self._me()
        roots = self._threads()
        sender_of = {m.msgid: m.sender for m in self.msgs if m.msgid}
        groups: dict[tuple[str, str, int], list] = {}
        for m in sorted(self.msgs, key=lambda x: x.utc_ns):
            if m.sender in me:
                direction = "outgoing"
                others = [a for a in dict.fromkeys(m.recipients + m.bcc) if a not in me]
                if not others:
                    self.left["self"] += 1
                    continue
                crowd = len(others)
            else:
                direction = "incoming"
                others = [m.sender]
                crowd = len([a for a in m.recipients if a not in me and a != m.sender])
            if crowd > MAX_RECIPIENTS:
                self.left["broadcast"] += 1
                continue
            thread = (roots.get(m.msgid, "") if m.msgid else "") or m.fallback_thread
            answers = {sender_of.get(x) for x in (m.parent, *m.refs[-1:]) if x}
            rep.imported += 1
            rep.read += 1
            for who in others:
                key = (who, thread, m.day)
                g = groups.get(key)
                if g is None:
                    # [first ns, direction, count, the first answers theirs, answered that day]
                    reply = who in answers if direction == "outgoing" else bool(answers & me)
                    groups[key] = [m.utc_ns, direction, 1, reply, False]
                else:
                    g[2] += 1
                    if direction != g[1]:
                        g[4] = True
        self._notes()
        if not groups and rep.read == 0 and not self.left and not rep.skipped:
            raise UnusableFileError(self.name, "no e-mail message could be read")
        return ImportResult(
            contacts=self._contacts(groups), interactions=self._frame(groups), report=rep
        )

    def _frame(self, groups: dict[tuple[str, str, int], list]) -> pd.DataFrame:
        src = f"{self.name} ({self.label})"
        keys = list(groups)
        ts = np.fromiter((groups[k][0] for k in keys), dtype="int64", count=len(keys))
        notes = []
        for k in keys:
            _, _, n, reply, answered = groups[k]
            text = f"{n} e-mail" + ("s" if n != 1 else "")
            if answered:
                text += ", answered"
            elif reply:
                text += ", a reply"
            notes.append(text)
        thread_keys: dict[str, str] = {}
        eids = []
        for _, thread, day in keys:
            tk = thread_keys.get(thread)
            if tk is None:
                tk = thread_keys[thread] = stable_id("mail-thread", thread)
            eids.append(f"mail-{tk}-{day}")
        frame = interactions_frame(
            pd.to_datetime(ts, unit="ns", utc=True),
            [k[0] for k in keys],
            "email",
            [groups[k][1] for k in keys],
            float("nan"),
            eids,
            notes,
            src,
        )
        return frame.sort_values("timestamp", kind="stable").reset_index(drop=True)

    def _contacts(self, groups: dict[tuple[str, str, int], list]) -> pd.DataFrame:
        people = dict.fromkeys(k[0] for k in groups)
        if not people:
            return empty_contacts()
        src = f"{self.name} ({self.label})"
        recs = []
        for addr in people:
            names = self.names.get(addr) or Counter()
            full = min(names.items(), key=lambda kv: (-kv[1], kv[0]))[0] if names else ""
            recs.append(
                {
                    "contact_id": stable_id("mail", addr),
                    "source": src,
                    "where": self.first_seen.get(addr, ""),
                    "full_name": full,
                    "emails": [addr],
                }
            )
        return contacts_frame(recs)

    def _notes(self) -> None:
        rep = self.report
        for key, (one, many) in _LEFT_OUT_TEXT.items():
            n = self.left[key]
            if n:
                rep.notes.append(f"{n:,} {one if n == 1 else many} left out")
        truncated = [s for s in rep.skipped if "cut-off" in s.reason or "cut off" in s.reason]
        if truncated:
            rep.warnings.append(
                f"the file ends early ({truncated[-1].where}): a cut-off export? the messages "
                "before it were read"
            )


def _short(value: object, n: int = 60) -> str:
    """A header value for a message: decoded, cut to ``n`` characters."""
    text = _decode_text(str(value))
    return text if len(text) <= n else text[: n - 1] + "…"


def iter_header_blocks(fileobj: BinaryIO) -> Iterable[bytes | None]:
    """The raw header block of each message of an mbox stream (None for an unusable one), in
    constant memory: for tools and benchmarks that want the scanner alone."""
    return (raw.header for raw in _scan_mbox(fileobj))


__all__ = [
    "FORMAT",
    "MAX_RECIPIENTS",
    "iter_header_blocks",
    "parse",
    "parse_stream",
    "sniff",
    "sniff_zip",
]
