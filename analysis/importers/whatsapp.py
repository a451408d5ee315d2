"""WhatsApp chat exports (``.txt``, or the ``.zip`` WhatsApp makes with the chat and its media).

Layouts read (one file may even mix them):

* Android: ``12/03/2025, 18:04 - Name: text``, ``1/3/25, 6:04 PM - Name: text`` (with a narrow
  no-break space U+202F before PM in newer exports), Spanish ``11:25 a. m.``, German dotted
  ``12.03.25, 18:04 - ``, year-first ``2019/01/01, 11:25 - ``, ``13:34. - ``.
* iPhone: ``[12/03/2025, 18:04:31] Name: text``, optionally led by U+200E.

**Date order** is decided from *all* the file's dates: a first field above 12 means day-first, a
second field above 12 means month-first, a 4-digit first field is year-first. When no date decides
it, ``ImportOptions.dayfirst`` is used if set; else dates are read day-first (the order of most of
WhatsApp's locales) and the report warns that the order was a guess and how to change it. Two-digit
years are 20yy. Timestamps are the phone's local clock, read in ``ImportOptions.timezone``.

**Counting** (``FileReport``): ``read`` = every line that starts a message (chat messages and
system lines); ``imported`` = chat messages that went into an interaction; ``skipped`` = system
lines (encryption notices, joins, "X added Y"; reason ``system message``) and messages that made no
interaction (e.g. the user's own group messages on a day no one else wrote). "<Media omitted>" and
"This message was deleted" are messages: they are still contact. Lines that do not start a message
continue the previous one (multi-line messages); lines before the first message are reported.

Messages become ``message`` interactions through the burst rule of
:mod:`analysis.importers.chatbursts`. A chat with more than two writers, or with group system
lines ("created group", "added", "joined using this group's invite link"), is a group chat.

**The user** ("me") is whoever matches ``ImportOptions.me`` (names case-insensitively, numbers as
E.164). When nobody does and the export's file name names the chat (``WhatsApp Chat with Anna.txt``)
and one of the two writers is Anna, the other writer is taken as the user (and the report says so).
Otherwise direction is ``unknown``, every writer gets interactions, and the report asks which
participant is the user; :func:`participants` lists them for the UI to ask. The user never gets an
interaction with themself once known.

Speed: the message lines are found and their dates, times and senders decoded with numpy over the
raw bytes, a block of about a megabyte at a time (no per-line Python; the few distinct date and time
tokens are parsed once each). ``benchmarks/bench_sources.py`` times a 500,000-line export against a
bare ``for line in f`` read of the same file.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from analysis.errors import UnusableFileError
from analysis.importers import chatbursts
from analysis.importers.base import (
    Detection,
    FileReport,
    ImportOptions,
    ImportResult,
    SourceFile,
)
from analysis.model import empty_contacts, empty_interactions, interactions_frame
from analysis.normalize import looks_like_phone, nfc, normalize_phone

FORMAT = "whatsapp"
LABEL_ANDROID = "WhatsApp chat (Android)"
LABEL_IPHONE = "WhatsApp chat (iPhone)"

MAX_MEMBER_BYTES = 200 * 1024 * 1024
"""Largest uncompressed chat text read from a .zip (a guard against zip bombs)."""

_SP = "[ \u00a0\u202f]"
HEADER_RE = re.compile(
    r"^\u200e?(?P<bracket>\[)?(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{2,4}),? "
    r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:" + _SP + r"?[AaPp]\.?" + _SP + r"?[Mm]\.?)?\.?)"
    r"(?:\] | - )(?P<rest>.*)$"
)
"""One line that starts a message, any layout (used by ``sniff``; the parser does the same
match with numpy)."""

_SIGNAL_RE = re.compile(r"^\[\d{4}-\d{2}-\d{2}, \d{2}:\d{2}\] ")
"""Signal Desktop's export layout (``[2019-12-24, 12:23] Name: text``): ISO dates, a comma and no
seconds in brackets, which WhatsApp does not write."""

SYSTEM_RE = re.compile(
    r"end-to-end encrypted|security code (?:changed|with)|created group|created this group"
    r"|\bwere added\b|\bwas added\b|\badded\b|\bremoved\b|\bleft$|\bjoined using\b"
    r"|changed the (?:subject|group|description)|changed this group's|changed their phone number"
    r"|changed to \+|is now an admin|no longer an admin|deleted the group|"
    r"disappearing messages|turned (?:on|off) disappearing|pinned a message"
    r"|^You (?:created|were|joined|left|changed|added|removed)|^Messages (?:to this|and calls)",
    re.IGNORECASE,
)
"""System lines (English exports); any line without a ``sender:`` is a system line anyway."""

GROUP_HINT_RE = re.compile(
    r"created group|created this group|\badded\b|\bjoined using\b|\bleft$|\bremoved\b"
    r"|changed the (?:subject|group)|changed this group's|^You were added|group",
    re.IGNORECASE,
)

_TITLE_RE = re.compile(
    r"^(?:WhatsApp Chat|Chat de WhatsApp|Conversa do WhatsApp|Discussion WhatsApp|"
    r"WhatsApp-Chat|Chat WhatsApp)\s*(?:with|mit|con|com|avec|-|\u2013)\s+(?P<title>.+?)"
    r"(?:\s*\(\d+\))?\.(?:txt|zip)$",
    re.IGNORECASE,
)


def sniff(name: str, head: str) -> Detection | None:
    """WhatsApp when a third or more of the first 60 non-empty lines are message lines (the
    rest continue multi-line messages) and one of the first three is (a tool may add a line
    before the chat)."""
    lines = [ln for ln in head.splitlines()[:60] if ln.strip()]
    if not lines:
        return None
    matches = [HEADER_RE.match(ln) for ln in lines]
    hits = [m for m in matches if m]
    if not any(matches[:3]) or len(hits) < max(1, len(lines) // 3):
        return None
    ios = sum(1 for m in hits if m.group("bracket")) > len(hits) / 2
    if all(_SIGNAL_RE.match(ln) for ln, m in zip(lines, matches, strict=True) if m):
        return None  # Signal Desktop's text export, not WhatsApp
    return Detection(FORMAT, LABEL_IPHONE if ios else LABEL_ANDROID, 0.95)


def sniff_zip(source: SourceFile) -> Detection | None:
    """A WhatsApp export .zip: it holds a ``_chat.txt`` or ``WhatsApp Chat with X.txt`` whose start
    sniffs as WhatsApp. None for any other zip (or a damaged one)."""
    try:
        name, text = _zip_chat(source)
    except (UnusableFileError, zipfile.BadZipFile, OSError, ValueError):
        return None
    det = sniff(name, text[:65536].decode("utf-8", errors="replace").lstrip("\ufeff"))
    if det is None:
        return None
    return Detection(det.format, det.label + " in a .zip", det.confidence, (f"read {name}",))


def _zip_chat(source: SourceFile) -> tuple[str, bytes]:
    """The chat text inside a WhatsApp .zip export: (member name, bytes)."""
    with zipfile.ZipFile(io.BytesIO(source.data)) as zf:
        txts = [i for i in zf.infolist() if not i.is_dir() and i.filename.lower().endswith(".txt")]
        if not txts:
            raise UnusableFileError(source.name, "the .zip holds no .txt chat file")

        def rank(i: zipfile.ZipInfo) -> tuple[int, int]:
            base = i.filename.rsplit("/", 1)[-1].lower()
            return (0 if base == "_chat.txt" or "whatsapp" in base else 1, -i.file_size)

        member = sorted(txts, key=rank)[0]
        if member.file_size > MAX_MEMBER_BYTES:
            raise UnusableFileError(
                source.name,
                f"{member.filename} would unpack to {member.file_size:,} bytes, more than the "
                f"{MAX_MEMBER_BYTES:,} closeknit reads from a .zip",
            )
        with zf.open(member) as fh:
            data = fh.read(MAX_MEMBER_BYTES + 1)
        if len(data) > MAX_MEMBER_BYTES:
            raise UnusableFileError(source.name, f"{member.filename} unpacks to too many bytes")
        return member.filename, data


def _chat_bytes(source: SourceFile) -> tuple[str, bytes]:
    """(name to take the chat title from, UTF-8 bytes of the chat text) for a .txt or .zip."""
    data = source.data
    name = source.name
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".zip"):
        try:
            member, data = _zip_chat(source)
        except zipfile.BadZipFile as exc:
            raise UnusableFileError(source.name, f"not a readable .zip archive ({exc})") from exc
        inner = member.rsplit("/", 1)[-1]
        name = inner if _TITLE_RE.match(inner) else name
    return name, _utf8(data)


def _utf8(data: bytes) -> bytes:
    """The bytes as UTF-8 without BOM (WhatsApp writes UTF-8; UTF-16 exports are re-encoded)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    sample = data[:4096]
    if len(sample) >= 4 and sample[1::2].count(0) > 0.3 * len(sample) / 2:
        return data.decode("utf-16-le", errors="replace").encode("utf-8")
    if len(sample) >= 4 and sample[0::2].count(0) > 0.3 * len(sample) / 2:
        return data.decode("utf-16-be", errors="replace").encode("utf-8")
    return data


def chat_title(name: str) -> str:
    """The chat's title from the export's file name (``WhatsApp Chat with Anna.txt`` -> ``Anna``),
    or "" when the name does not say."""
    m = _TITLE_RE.match(name.rsplit("/", 1)[-1])
    return nfc(m.group("title")) if m else ""


# --------------------------------------------------------------------------------------------
# the scanner: message lines, their dates, times and senders, with numpy over the raw bytes


def _lut(chars: bytes) -> np.ndarray:
    t = np.zeros(256, dtype=bool)
    t[list(chars)] = True
    return t


_DIGIT = _lut(b"0123456789")
_DATECH = _lut(b"0123456789./-")
# time token: digits, separators, spaces (incl. the bytes of U+00A0 and U+202F), a.m./p.m.
_TIMECH = _lut(b"0123456789:. aApPmM\xc2\xa0\xe2\x80\xaf")
_AMPM = _lut(b"aApP")
_DW = 16  # bytes looked at for a date token
_TW = 24  # bytes looked at for a time token and what ends it
_SW = 16  # bytes looked at for a sender name (most names), then
_SW_WIDE = 96  # for the longer ones; longer still is read in Python
_PAD = 256  # > the widest window plus the furthest offset past a line start


@dataclass
class _Scan:
    """The message lines of a chat export, as parallel arrays (one entry per message line)."""

    line_no: np.ndarray  # 1-based line number
    bracket: np.ndarray  # bool: iPhone layout
    date_code: np.ndarray  # code into date_tokens
    date_tokens: list[str]
    hour: np.ndarray
    minute: np.ndarray
    second: np.ndarray
    time_ok: np.ndarray  # bool
    sender: np.ndarray  # code into senders; -1 = system line
    senders: list[str]
    text_check: np.ndarray  # indices whose text must be looked at (iPhone U+200E lines)
    texts: dict[int, str]  # text of system lines and checked lines, by index
    garbage_lines: list[int]  # non-empty lines before the first message line


class _Bytes:
    """The file's bytes as uint8, readable past the end (as zeros) without copying the file."""

    def __init__(self, data: bytes) -> None:
        self.arr = np.frombuffer(data, dtype=np.uint8)
        self.n = len(self.arr)
        self.base = max(0, self.n - _PAD)
        self.tail = np.concatenate([self.arr[self.base :], np.zeros(2 * _PAD, dtype=np.uint8)])

    def at(self, offsets: np.ndarray) -> np.ndarray:
        """The byte at each offset (0 past the end)."""
        if self.n == 0:
            return self.tail[offsets - self.base]
        out = self.arr.take(np.minimum(offsets, self.n - 1))
        out[offsets >= self.n] = 0
        return out

    def gather(self, offsets: np.ndarray, width: int) -> np.ndarray:
        """Rows of ``width`` bytes starting at each offset (a C-contiguous copy)."""
        limit = self.n - width
        if limit < 0:
            return sliding_window_view(self.tail, width)[offsets - self.base].copy()
        out = sliding_window_view(self.arr, width)[np.minimum(offsets, limit)]
        late = np.flatnonzero(offsets > limit)
        if len(late):
            out[late] = sliding_window_view(self.tail, width)[offsets[late] - self.base]
        return out


def _prefix_masks(width: int) -> np.ndarray:
    """``masks[k]`` keeps the first k bytes of a ``width``-byte row, as uint64 words."""
    m = np.zeros((width + 1, width), dtype=np.uint8)
    for k in range(width + 1):
        m[k, :k] = 0xFF
    return m.view(np.uint64)


_BLOCK = 1 << 20  # bytes scanned at a time
_TK = 16  # bytes of a time token kept (longer tokens are cut: the marker starts before)
_DMASK = _prefix_masks(_DW)
_TMASK = _prefix_masks(_TK)
_SMASK = _prefix_masks(_SW)
_WMASK = _prefix_masks(_SW_WIDE)


def _factorize_words(words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact codes of equal rows of uint64 words (rows in file order). Returns (codes, index of
    each code's first row).

    Chat lines repeat their date and often their sender from one line to the next, so only the
    rows that differ from the row before are hashed and factorised."""
    m = len(words)
    if m == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    change = np.ones(m, dtype=bool)
    if m > 1:
        diff = words[1:, 0] != words[:-1, 0]
        for k in range(1, words.shape[1]):
            diff |= words[1:, k] != words[:-1, k]
        change[1:] = diff
    heads = np.flatnonzero(change)
    hw = words[heads]
    h = hw[:, 0].copy()
    for k in range(1, hw.shape[1]):
        h = h * np.uint64(0x9E3779B97F4A7C15) ^ hw[:, k]
    hcodes, _ = pd.factorize(h)
    # pd.factorize numbers values in order of first appearance: a new code is a new running max
    hfirst = np.flatnonzero(np.diff(np.maximum.accumulate(hcodes), prepend=-1) > 0)
    if not (hw == hw[hfirst[hcodes]]).all():  # a hash collision: exact but slower
        _, hfirst, hcodes = np.unique(hw, axis=0, return_index=True, return_inverse=True)
        hcodes = hcodes.ravel()
    codes = hcodes[np.cumsum(change) - 1].astype(np.int64)
    return codes, heads[hfirst]


def _find_colon(pad: _Bytes, ss: np.ndarray, room: np.ndarray, width: int):
    """For windows of ``width`` bytes at ``ss``: (found, column of the first ':' on the line,
    the window rows)."""
    swin = pad.gather(ss, width)
    ccol = np.argmax(swin == 0x3A, axis=1)
    found = (swin[np.arange(len(ss)), ccol] == 0x3A) & (ccol < room)
    return found, ccol, swin


def _names(win: np.ndarray, length: np.ndarray, first: np.ndarray) -> list[str]:
    return [bytes(win[i, : length[i]]).decode("utf-8", errors="replace").strip() for i in first]


def _parse_times(tok: np.ndarray, tok_len: np.ndarray):
    """Hour (24-hour clock), minute, second and validity of time tokens (rows of bytes):
    ``H:MM`` or ``HH:MM`` (``:`` or ``.``), optional ``:SS``, then nothing, a ``.``, or an
    a.m./p.m. marker (``PM``, ``p.m.``, ``p. m.``, with plain, no-break or narrow no-break
    spaces). 12 a.m. is 0h; an hour above 12 with p.m. stays as written."""
    rows = np.arange(len(tok))
    width = tok.shape[1]
    c = [(tok[:, k].astype(np.int16) - 48) for k in range(8)]
    isd = [(x >= 0) & (x <= 9) for x in c]
    two = isd[1]
    hour = np.where(two, c[0] * 10 + c[1], c[0])
    sepc = np.where(two, tok[:, 2], tok[:, 1])
    m0, m1 = np.where(two, c[3], c[2]), np.where(two, c[4], c[3])
    ok = isd[0] & ((sepc == 0x3A) | (sepc == 0x2E)) & (m0 >= 0) & (m0 <= 9) & (m1 >= 0)
    ok &= m1 <= 9
    minute = m0 * 10 + m1
    sc = np.where(two, tok[:, 5], tok[:, 4])
    s0, s1 = np.where(two, c[6], c[5]), np.where(two, c[7], c[6])
    has_sec = ((sc == 0x3A) | (sc == 0x2E)) & (s0 >= 0) & (s0 <= 9) & (s1 >= 0) & (s1 <= 9)
    has_sec &= 7 + two <= tok_len
    second = np.where(has_sec, s0 * 10 + s1, 0)
    num_len = 4 + two + 3 * has_sec
    ok &= num_len <= tok_len
    # what follows the numbers must be time characters; a/p decide the half of the day
    inside = (np.arange(width) >= num_len[:, None]) & (np.arange(width) < tok_len[:, None])
    ok &= ~(inside & ~_TIMECH[tok]).any(axis=1)
    letters = _AMPM[tok] & inside
    mk = np.argmax(letters, axis=1)
    ch = tok[rows, mk] | 0x20
    got = letters[rows, mk]
    hour = np.where(got & (ch == 0x70) & (hour < 12), hour + 12, hour)
    hour = np.where(got & (ch == 0x61) & (hour == 12), 0, hour)
    return hour.astype(np.int64), minute.astype(np.int64), second.astype(np.int64), ok


def _scan(data: bytes) -> _Scan:
    """The message lines of a whole export: the file is scanned in blocks of about
    :data:`_BLOCK` bytes cut at line ends (the temporaries of one block stay in the CPU cache),
    and the blocks' results merged."""
    if len(data) <= 2 * _BLOCK:
        return _scan_block(data)
    view = memoryview(data)
    cuts = [0]
    while cuts[-1] < len(data):
        nxt = data.find(b"\n", cuts[-1] + _BLOCK)
        cuts.append(len(data) if nxt < 0 else nxt + 1)
    senders: dict[str, int] = {}
    dates: dict[str, int] = {}
    parts: list[_Scan] = []
    garbage: list[int] = []
    line0 = 0
    seen_message = False
    for a, b in zip(cuts, cuts[1:], strict=False):
        part = _scan_block(view[a:b])
        if not seen_message:
            garbage += [g + line0 for g in part.garbage_lines]
            seen_message = len(part.line_no) > 0
        part.line_no = part.line_no + line0
        smap = np.array([senders.setdefault(x, len(senders)) for x in part.senders] or [0])
        part.sender = np.where(part.sender >= 0, smap[np.maximum(part.sender, 0)], -1)
        dmap = np.array([dates.setdefault(x, len(dates)) for x in part.date_tokens] or [0])
        part.date_code = dmap[part.date_code]
        parts.append(part)
        line0 += data.count(b"\n", a, b)
    texts: dict[int, str] = {}
    offset = 0
    for part in parts:
        texts.update({i + offset: t for i, t in part.texts.items()})
        part.text_check = part.text_check + offset
        offset += len(part.line_no)

    def cat(attr: str) -> np.ndarray:
        return np.concatenate([getattr(p, attr) for p in parts])

    return _Scan(
        line_no=cat("line_no"),
        bracket=cat("bracket"),
        date_code=cat("date_code"),
        date_tokens=list(dates),
        hour=cat("hour"),
        minute=cat("minute"),
        second=cat("second"),
        time_ok=cat("time_ok"),
        sender=cat("sender"),
        senders=list(senders),
        text_check=cat("text_check"),
        texts=texts,
        garbage_lines=garbage,
    )


def _scan_block(data: bytes | memoryview) -> _Scan:
    """The message lines of one block of whole lines (see :func:`_scan`)."""
    pad = _Bytes(data)
    arr, n = pad.arr, pad.n
    nl = np.flatnonzero(arr == 10)
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [n]))
    if starts[-1] >= n:
        starts, ends = starts[:-1], ends[:-1]
    s = starts.copy()
    first_byte = pad.at(s)
    e2 = np.flatnonzero(first_byte == 0xE2)
    if len(e2):
        lrm = (pad.at(s[e2] + 1) == 0x80) & (pad.at(s[e2] + 2) == 0x8E)
        s[e2[lrm]] += 3
        first_byte = pad.at(s)
    bracket = first_byte == 0x5B
    s[bracket] += 1
    first_byte[bracket] = pad.at(s[bracket])
    ci = np.flatnonzero((first_byte - 48).astype(np.uint8) < 10)
    s = s[ci]
    bracket = bracket[ci]
    rows = np.arange(len(s))
    # date token: digits and ./- (bytes 45..57) up to the first other byte; an optional comma
    # and a space follow
    dwin = pad.gather(s, _DW)
    date_len = np.argmin((dwin[:, :11] - 45).astype(np.uint8) < 13, axis=1)
    after = dwin[rows, date_len]
    t0 = date_len + (after == 0x2C) + 1
    ok = (date_len >= 6) & (dwin[rows, np.minimum(t0 - 1, _DW - 1)] == 0x20) & (t0 < _DW)
    # time token: up to the first '-' (Android, " - ") or ']' (iPhone, "] ")
    tok = pad.gather(s + t0, _TW)
    target = np.where(bracket, 0x5D, 0x2D).astype(np.uint8)
    tl = np.argmax(tok == target[:, None], axis=1)
    nxt = tok[rows, np.minimum(tl + 1, _TW - 1)]
    prv = tok[rows, np.maximum(tl - 1, 0)]
    ok &= (tok[rows, tl] == target) & (nxt == 0x20) & (bracket | (prv == 0x20)) & (tl > 2)
    # time tokens -> codes; the few distinct tokens are parsed, not every line
    tok_len = np.clip(tl - ~bracket, 0, _TK)
    twords = np.ascontiguousarray(tok[:, :_TK]).view(np.uint64) & _TMASK[tok_len]
    tcode, tfirst = _factorize_words(twords)
    utok = np.ascontiguousarray(twords[tfirst]).view(np.uint8)
    u_hour, u_minute, u_second, u_ok = _parse_times(utok, tok_len[tfirst])
    ok &= u_ok[tcode]
    if not ok.all():
        keep = np.flatnonzero(ok)
        s, bracket, date_len, tl, t0 = s[keep], bracket[keep], date_len[keep], tl[keep], t0[keep]
        dwin, ci, tcode = dwin[keep], ci[keep], tcode[keep]
    hour, minute, second = u_hour[tcode], u_minute[tcode], u_second[tcode]
    time_ok = (hour < 24) & (minute < 60) & (second < 60)
    msg_line = ci
    line_end = ends[ci]
    # date tokens -> codes
    dwords = dwin.view(np.uint64) & _DMASK[date_len]
    date_code, dfirst = _factorize_words(dwords)
    date_tokens = [bytes(dwin[i, : date_len[i]]).decode("ascii") for i in dfirst]
    # sender: from two bytes after the end of the time to the first ':' on the line
    ss = s + t0 + tl + 2
    room = line_end - ss
    has, ccol, swin = _find_colon(pad, ss, room, _SW)
    sender_len = np.where(has, ccol, 0)
    scode, sfirst = _factorize_words(swin.view(np.uint64) & _SMASK[sender_len])
    names = _names(swin, sender_len, sfirst)
    sender = np.where(has, scode, -1)
    # longer names: a wider window, then Python for what is left (rare)
    wide = np.flatnonzero(~has & (room > _SW))
    if len(wide):
        w_has, w_col, w_win = _find_colon(pad, ss[wide], room[wide], _SW_WIDE)
        w_len = np.where(w_has, w_col, 0)
        w_code, w_first = _factorize_words(w_win.view(np.uint64) & _WMASK[w_len])
        sender[wide] = np.where(w_has, w_code + len(names), -1)
        sender_len[wide] = w_len
        has[wide] = w_has
        names += _names(w_win, w_len, w_first)
        for i in wide[~w_has & (room[wide] > _SW_WIDE)].tolist():
            raw = bytes(data[ss[i] : line_end[i]])
            who, sep, _ = raw.partition(b":")
            if sep:
                names.append(who.decode("utf-8", errors="replace").strip())
                sender[i] = len(names) - 1
                sender_len[i] = len(who)
                has[i] = True
    # byte rows that decode to the same name (e.g. trailing spaces) are one sender
    canon: dict[str, int] = {}
    remap = np.array([canon.setdefault(nm, len(canon)) for nm in names], dtype=np.int64)
    names = list(canon)
    if len(remap):
        sender = np.where(sender >= 0, remap[np.maximum(sender, 0)], -1)
    texts: dict[int, str] = {}
    # system lines (no sender) and the iPhone lines whose text starts with U+200E
    tpos = ss + sender_len + 1
    maybe = np.flatnonzero(has & (pad.at(tpos + 1) == 0xE2))
    lrm_text = np.zeros(len(ss), dtype=bool)
    lrm_text[maybe] = (
        (pad.at(tpos[maybe]) == 0x20)
        & (pad.at(tpos[maybe] + 2) == 0x80)
        & (pad.at(tpos[maybe] + 3) == 0x8E)
    )
    for i in np.flatnonzero(~has).tolist():
        texts[i] = bytes(data[ss[i] : line_end[i]]).decode("utf-8", errors="replace").strip()
    text_check = np.flatnonzero(lrm_text)
    for i in text_check.tolist():
        texts[i] = bytes(data[tpos[i] : line_end[i]]).decode("utf-8", errors="replace").strip()
    # non-empty lines before the first message line
    garbage: list[int] = []
    first_line = int(msg_line[0]) if len(msg_line) else len(starts)
    for j in range(min(first_line, len(starts))):
        if bytes(data[starts[j] : ends[j]]).strip():
            garbage.append(j + 1)
    return _Scan(
        line_no=msg_line + 1,
        bracket=bracket,
        date_code=date_code,
        date_tokens=date_tokens,
        hour=hour.astype(np.int64),
        minute=minute.astype(np.int64),
        second=second.astype(np.int64),
        time_ok=time_ok,
        sender=sender.astype(np.int64),
        senders=names,
        text_check=text_check,
        texts=texts,
        garbage_lines=garbage,
    )


# --------------------------------------------------------------------------------------------
# dates


_DATE_SPLIT = re.compile(r"[./-]")


@dataclass
class DateOrder:
    """How the file's dates are read: ``order`` is ``dmy``, ``mdy`` (or ``ymd`` for files with only
    year-first dates); ``decided`` False when nothing in the file told; ``evidence`` a date that
    decided it."""

    order: str
    decided: bool
    evidence: str = ""
    conflict: bool = False


def _date_fields(tokens: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The three numbers of each date token, and whether the first has four digits."""
    parts = [_DATE_SPLIT.split(t) for t in tokens]
    a = np.array([int(p[0]) for p in parts], dtype=np.int64)
    b = np.array([int(p[1]) for p in parts], dtype=np.int64)
    c = np.array([int(p[2]) for p in parts], dtype=np.int64)
    y4 = np.array([len(p[0]) == 4 for p in parts], dtype=bool)
    return a, b, c, y4


def detect_date_order(tokens: list[str], dayfirst: bool | None = None) -> DateOrder:
    """Decide day-first vs month-first from all of a file's date tokens (see module doc)."""
    if not tokens:
        return DateOrder("dmy", False)
    a, b, _c, y4 = _date_fields(tokens)
    usable = ~y4 & ~((a > 12) & (b > 12))  # year-first dates, and non-dates, tell nothing
    day_ev = np.flatnonzero(usable & (a > 12))
    month_ev = np.flatnonzero(usable & (b > 12))
    if len(day_ev) and len(month_ev):
        order = "dmy" if len(day_ev) >= len(month_ev) else "mdy"
        ev = tokens[day_ev[0]] if order == "dmy" else tokens[month_ev[0]]
        return DateOrder(order, True, ev, conflict=True)
    if len(day_ev):
        return DateOrder("dmy", True, tokens[day_ev[0]])
    if len(month_ev):
        return DateOrder("mdy", True, tokens[month_ev[0]])
    if y4.all():
        return DateOrder("ymd", True, tokens[0])
    if dayfirst is not None:
        return DateOrder("dmy" if dayfirst else "mdy", False)
    return DateOrder("dmy", False)


NO_DAY = -(2**62)
"""Day number of a date token that is no valid date."""


def date_days(tokens: list[str], order: str) -> np.ndarray:
    """Days since 1970-01-01 of each date token read in ``order`` (``dmy``/``mdy``; 4-digit
    first fields are always year-first; 2-digit years are 20yy), :data:`NO_DAY` where the
    date does not exist."""
    if not tokens:
        return np.zeros(0, dtype=np.int64)
    a, b, c, y4 = _date_fields(tokens)
    year = np.where(y4, a, np.where(c < 100, c + 2000, c))
    month = np.where(y4, b, b if order == "dmy" else a)
    day = np.where(y4, c, a if order == "dmy" else b)
    ok = (month >= 1) & (month <= 12) & (day >= 1) & (year >= 1970) & (year < 2200)
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0)
    start = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    nxt = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    ok &= day <= nxt - start
    return np.where(ok, start + day - 1, NO_DAY)


# --------------------------------------------------------------------------------------------
# the user


def _me_matcher(me: tuple[str, ...], region: str):
    names = {nfc(m).casefold().strip() for m in me if m and not looks_like_phone(m)}
    phones = {normalize_phone(m, region) for m in me if m and looks_like_phone(m)}
    phones.discard("")

    def is_me(name: str) -> bool:
        if nfc(name).casefold().strip() in names:
            return True
        return looks_like_phone(name) and normalize_phone(name, region) in phones

    return is_me


def participants(source: SourceFile) -> list[str]:
    """The people who wrote in a WhatsApp export, most messages first (for the UI to ask which
    one is the user)."""
    _, data = _chat_bytes(source)
    scan = _scan(data)
    sys_mask = _system_mask(scan)
    codes = scan.sender[~sys_mask]
    counts = np.bincount(codes, minlength=len(scan.senders)) if len(codes) else []
    order = sorted(
        (i for i in range(len(scan.senders)) if len(codes) and counts[i] > 0),
        key=lambda i: (-int(counts[i]), scan.senders[i]),
    )
    return [scan.senders[i] for i in order]


def _system_mask(scan: _Scan) -> np.ndarray:
    """True for system lines: no sender, a 'sender' that is a system phrase, or an iPhone line
    whose text (after U+200E) is a system phrase."""
    mask = scan.sender < 0
    bad = [i for i, name in enumerate(scan.senders) if SYSTEM_RE.search(name)]
    if bad:
        mask |= np.isin(scan.sender, bad)
    for i in scan.text_check.tolist():
        if SYSTEM_RE.search(scan.texts[i].lstrip("\u200e")):
            mask[i] = True
    return mask


# --------------------------------------------------------------------------------------------
# parse


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read a WhatsApp export (.txt or .zip) into ``message`` interactions (see module doc)."""
    name, data = _chat_bytes(source)
    scan = _scan(data)
    n = len(scan.line_no)
    ios = bool(n) and scan.bracket.mean() > 0.5
    report = FileReport(source.name, FORMAT, LABEL_IPHONE if ios else LABEL_ANDROID)
    if n == 0:
        raise UnusableFileError(
            source.name,
            "no WhatsApp message lines found (expected lines like "
            "'12/03/2025, 18:04 - Name: text' or '[12/03/2025, 18:04:31] Name: text')",
        )
    if scan.garbage_lines:
        g = scan.garbage_lines
        report.warnings.append(
            f"{len(g)} line(s) before the first message are not part of any message and were "
            f"ignored (line {g[0]}" + (f" to {g[-1]})" if len(g) > 1 else ")")
        )
    # dates
    order = detect_date_order(scan.date_tokens, options.dayfirst)
    _report_order(report, order, options)
    day_of = date_days(scan.date_tokens, order.order)
    swapped = 0
    if order.conflict:
        other = date_days(scan.date_tokens, "mdy" if order.order == "dmy" else "dmy")
        fix = (day_of == NO_DAY) & (other != NO_DAY)
        swapped = int(fix.sum())
        day_of = np.where(fix, other, day_of)
    if swapped:
        report.warnings.append(
            f"{swapped} date(s) only make sense in the other order and were read that way"
        )
    day = day_of[scan.date_code]
    local_ns = (day * 86_400 + scan.hour * 3600 + scan.minute * 60 + scan.second) * 1_000_000_000
    bad_dt = (day == NO_DAY) | ~scan.time_ok
    system = _system_mask(scan)
    for i in np.flatnonzero(system).tolist():
        report.skip(f"line {scan.line_no[i]}", "system message (not a chat message)")
    for i in np.flatnonzero(bad_dt & ~system).tolist():
        report.skip(f"line {scan.line_no[i]}", "impossible date or time in the message line")
    if system.any():
        report.notes.append(f"{int(system.sum())} system line(s) ignored")
    msg = np.flatnonzero(~system & ~bad_dt)
    if len(msg):
        interactions = _interactions(source, name, scan, local_ns, system, msg, options, report)
    else:
        interactions = empty_interactions()
    if report.imported == 0 and not report.warnings:
        report.warnings.append("no chat messages in this export (only system lines)")
    return ImportResult(contacts=empty_contacts(), interactions=interactions, report=report)


def _report_order(report: FileReport, order: DateOrder, options: ImportOptions) -> None:
    names = {"dmy": "day-first (dd/mm)", "mdy": "month-first (mm/dd)", "ymd": "year-first"}
    if order.decided:
        report.notes.append(f"dates read as {names[order.order]}: {order.evidence}")
        if order.conflict:
            report.warnings.append(
                "this file holds dates that only make sense day-first and others that only make "
                f"sense month-first; read as {names[order.order]} (the majority)"
            )
        elif (
            options.dayfirst is not None
            and order.order != "ymd"
            and ((order.order == "dmy") != options.dayfirst)
        ):
            report.notes.append("the file's dates contradict the date order you set; the file wins")
    elif options.dayfirst is not None:
        report.notes.append(f"dates read as {names[order.order]}, as you set")
    else:
        report.warnings.append(
            "the date order cannot be told from this file (no day above 12): read as day-first "
            "(dd/mm); if the chat's dates are month-first (mm/dd), set the date order to "
            "month-first and import again"
        )


def _interactions(
    source: SourceFile,
    name: str,
    scan: _Scan,
    local_ns: np.ndarray,
    system: np.ndarray,
    msg: np.ndarray,
    options: ImportOptions,
    report: FileReport,
) -> pd.DataFrame:
    t = local_ns[msg]
    snd = scan.sender[msg]
    if len(t) > 1 and (np.diff(t) < 0).any():
        o = np.argsort(t, kind="stable")
        t, snd, msg = t[o], snd[o], msg[o]
    present = np.flatnonzero(np.bincount(snd, minlength=len(scan.senders))).tolist()
    names = scan.senders
    is_me = _me_matcher(options.me, options.region)
    me = {c for c in present if is_me(names[c])}
    title = chat_title(name)
    group_hint = any(
        GROUP_HINT_RE.search(scan.texts.get(i) or names[scan.sender[i]])
        for i in np.flatnonzero(system).tolist()
    )
    is_group = len(present) > 2 or group_hint
    label = f"{source.name} ({report.label})"
    if not me and not is_group and len(present) == 2 and title:
        by_title = [c for c in present if nfc(names[c]).casefold() == title.casefold()]
        if len(by_title) == 1:
            me = {c for c in present if c != by_title[0]}
            report.notes.append(
                f"{names[next(iter(me))]!r} taken as you: the file is the chat with {title!r}"
            )
    if is_group:
        chat_key = title or "|".join(sorted(names[c] for c in present))
        rows = chatbursts.group_days(
            t, snd, names, me, f"whatsapp:{chat_key}", title or source.name
        )
    else:
        others = [c for c in present if c not in me]
        contact: int | None
        if len(others) == 1 and (me or len(present) == 1):
            contact = others[0]
        elif not others and title:
            names = [*names, title]
            contact = len(names) - 1
        elif not others:
            for i in msg.tolist():
                report.skip(f"line {scan.line_no[i]}", "only your own messages; no contact known")
            return empty_interactions()
        else:
            contact = None
        rows = chatbursts.one_on_one(t, snd, names, me, contact)
    if not me and (is_group or len(present) == 2):
        who = ", ".join(repr(names[c]) for c in present[:5])
        report.warnings.append(
            f"tell closeknit which participant is you ({who}): until then every participant's "
            "contacts are counted and their direction is unknown"
        )
    report.imported += int(rows.used.sum())
    report.read += int(rows.used.sum())
    for i in msg[~rows.used].tolist():
        report.skip(f"line {scan.line_no[i]}", rows.unused_reason)
    if not rows.who:
        return empty_interactions()
    ts = chatbursts.to_utc(rows.local_ns, options.timezone)
    return interactions_frame(
        ts, rows.who, "message", rows.direction, float("nan"), rows.event_id, rows.note, label
    )
