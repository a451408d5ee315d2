"""vCard import (2.1, 3.0, 4.0): one contacts row per card, one bad card costs one card.

The file is decoded (:func:`analysis.importers.text.decode`, with per-line fallbacks for files
that mix UTF-8 and legacy bytes, and per-property ``CHARSET``), split into cards here (each with
its 1-based index and starting line), and each card is unfolded, cleaned and handed to vobject
on its own. Cleaning before vobject sees the card:

* vCard 2.1 quoted-printable values (soft line breaks included) are decoded here with the
  card's ``CHARSET`` (vobject mishandles 2.1 QP), and base64 text values likewise;
* properties closeknit does not read (PHOTO / LOGO / SOUND / KEY and their base64 blobs, ADR,
  NOTE, URL, ...) are dropped with their continuation lines before vobject parses anything:
  decoding them is most of the cost of a big export, and a broken PHOTO cannot cost a card;
* commas in single-valued text properties are escaped (vobject keeps only the text before an
  unescaped comma, so ``FN:Doe, John`` would become ``Doe``).

vobject logs the lines it cannot read through :mod:`logging`; those records are captured and
turned into report warnings naming the card. Files of many cards are parsed on two processes
(:data:`PARALLEL_MIN_CARDS`), with the same result, in the same order, as the serial path.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import logging
import multiprocessing
import os
import quopri
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import vobject

from analysis.errors import UnusableFileError
from analysis.importers.base import (
    Detection,
    FileReport,
    ImportOptions,
    ImportResult,
    Skipped,
    SourceFile,
    stable_id,
)
from analysis.importers.text import Decoded, decode_text
from analysis.model import contacts_frame
from analysis.normalize import nfc, normalize_email, normalize_phone

# ---------------------------------------------------------------------------------------------
# Judgement constants
# ---------------------------------------------------------------------------------------------

PARALLEL_MIN_CARDS = 2_000
"""Files with at least this many cards are parsed on :data:`PARALLEL_WORKERS` processes.
Below it, starting the processes costs more than it saves (a forked pool costs ~0.05-0.15 s;
10,000 cards take ~5 s on one process)."""

PARALLEL_WORKERS = 2
"""Processes for big files (the target machine has two cores)."""

CHUNK_CARDS = 1_000
"""Cards per task handed to a worker process (big enough to amortise pickling)."""

BINARY_PROPERTIES = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
"""Properties whose (often large, base64) values closeknit never uses: dropped unread."""

UNREAD_PROPERTIES = BINARY_PROPERTIES | {"PROFILE"}
"""Lines dropped before vobject sees the card (``PROFILE:VCard``, which Lotus Notes writes,
makes vobject refuse the whole card)."""

SNIFF_CHARS = 8_192
"""How far into the file ``BEGIN:VCARD`` may be found for :func:`sniff` to claim the file."""

MAX_CARD_LINES = 1_000
"""Most property lines closeknit reads (names, e-mails, phones, ...) one card may hold; a card
with more is skipped ("more than 1,000 lines"). Judgement: real address-book cards hold a few
dozen such lines (the largest exports seen hold under 100); past this a card is generated or
broken, and reading it (vobject costs ~0.25 ms a line) would only slow the import. Lines
closeknit drops unread (photos, notes, addresses) do not count."""

MAX_PROPERTY_CHARS = 16_384
"""Longest property closeknit reads (after unfolding): a card with a longer name, e-mail,
phone, organisation or category line is skipped with that line's number. Judgement: no real
value of these properties comes near 16 KB; photos and notes, which can, are dropped unread."""

NO_IDENTITY = "card has no name, e-mail or phone"
TRUNCATED = "card is truncated (no END:VCARD)"

_SHOWN = 60
"""Characters of an offending line quoted in a message (enough to recognise it)."""

# Properties with one text value: unescaped commas are escaped before vobject reads them.
_SINGLE_TEXT = frozenset(
    {"FN", "TITLE", "EMAIL", "TEL", "BDAY", "RELATED", "X-ABLABEL", "X-ABRELATEDNAMES", "UID"}
)
# Properties read here; a base64-encoded value of any other property is dropped unread.
_USED = frozenset(
    {
        "FN",
        "N",
        "NICKNAME",
        "ORG",
        "TITLE",
        "EMAIL",
        "TEL",
        "CATEGORIES",
        "BDAY",
        "RELATED",
        "X-ABLABEL",
        "X-ABRELATEDNAMES",
        "X-ANDROID-CUSTOM",
    }
    | {
        "X-SPOUSE",
        "X-EVOLUTION-SPOUSE",
        "X-MS-SPOUSE",
        "X-MANAGER",
        "X-EVOLUTION-MANAGER",
        "X-MS-MANAGER",
        "X-ASSISTANT",
        "X-EVOLUTION-ASSISTANT",
        "X-MS-ASSISTANT",
    }
)
_KEPT = _USED | {"VERSION", "BEGIN", "END"}
"""Properties handed to vobject; every other well-formed property line is dropped unread
("not decoding what is never used": ADR, NOTE, URL, ... cost vobject time and give nothing)."""
# Single-name relation properties of Evolution, Thunderbird, Outlook -> relation type.
_X_RELATIONS = {
    "X-SPOUSE": "spouse",
    "X-EVOLUTION-SPOUSE": "spouse",
    "X-MS-SPOUSE": "spouse",
    "X-MANAGER": "manager",
    "X-EVOLUTION-MANAGER": "manager",
    "X-MS-MANAGER": "manager",
    "X-ASSISTANT": "assistant",
    "X-EVOLUTION-ASSISTANT": "assistant",
    "X-MS-ASSISTANT": "assistant",
}
# Android ContactsContract.CommonDataKinds.Relation TYPE_* codes (X-ANDROID-CUSTOM relation).
_ANDROID_RELATIONS = {
    "1": "assistant",
    "2": "brother",
    "3": "child",
    "4": "domestic partner",
    "5": "father",
    "6": "friend",
    "7": "manager",
    "8": "mother",
    "9": "parent",
    "10": "partner",
    "11": "referred by",
    "12": "relative",
    "13": "sister",
    "14": "spouse",
}
_APPLE_YEARLESS = "1604"
"""Apple Contacts stores a birthday without a year as year 1604."""

_BEGIN_RE = re.compile(r"^BEGIN:VCARD[ \t]*$", re.IGNORECASE)
_END_RE = re.compile(r"^END:VCARD[ \t]*$", re.IGNORECASE)
_SNIFF_BEGIN_RE = re.compile(r"^\ufeff?[ \t]*BEGIN:VCARD[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
_VERSION_RE = re.compile(r"^VERSION[ \t]*:[ \t]*([0-9.]+)", re.IGNORECASE)
_SNIFF_VERSION_RE = re.compile(r"^VERSION[ \t]*:[ \t]*([0-9.]+)", re.IGNORECASE | re.MULTILINE)
_HEADER_RE = re.compile(
    r"^(?:(?P<group>[A-Za-z0-9_-]+)\.)?(?P<name>[A-Za-z0-9_-]+)"
    r'(?P<params>(?:;(?:"[^"]*"|[^;:"])*)*):'
)
_PROP_NAME_RE = re.compile(r"^(?:[A-Za-z0-9_-]+\.)?([A-Za-z0-9_-]+)")
_PARAM_SPLIT_RE = re.compile(r';((?:"[^"]*"|[^;"])*)')
_ESCAPE_OR_COMMA_RE = re.compile(r"\\.|,", re.DOTALL)
_SKIPPED_LINE_RE = re.compile(
    r"^Skipped (?:line (\d+)|a line), message: (?:At line \d+: )?(.*)$", re.DOTALL
)
_FAILED_LINE_RE = re.compile(r"^(?:At line \d+: )?Failed to parse line: (.*)$", re.DOTALL)
_APPLE_LABEL_RE = re.compile(r"^_\$!<(.*)>!\$_$")
_DATE_RE = re.compile(r"^(\d{4}|--)-?(\d{2})-?(\d{2})$")

_VOBJECT_ERRORS = (
    vobject.base.VObjectError,
    binascii.Error,
    StopIteration,
    TypeError,
    ValueError,
    UnicodeError,
    LookupError,
)
"""What vobject raises on odd input besides its own errors: ``binascii.Error`` (bad base64),
``StopIteration`` (no component), ``TypeError``/``ValueError``, ``UnicodeError`` and
``LookupError`` (its quoted-printable path decoding with an unknown CHARSET)."""

# ---------------------------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------------------------


def sniff(name: str, head: str) -> Detection | None:
    """A Detection when ``BEGIN:VCARD`` starts a line near the start of ``head`` (a BOM, blank
    lines or junk lines before it are allowed); the label names the VERSION(s) seen."""
    start = head[:SNIFF_CHARS].replace("\r\n", "\n").replace("\r", "\n")
    if not _SNIFF_BEGIN_RE.search(start):
        return None
    versions = set(_SNIFF_VERSION_RE.findall(head.replace("\r\n", "\n").replace("\r", "\n")))
    return Detection("vcard", _label(versions), 0.99)


def _label(versions: set[str]) -> str:
    """``vCard 2.1`` / ``vCard 3.0`` / ``vCard 4.0`` / ``vCard (mixed versions)``. Cards without
    a VERSION line are 2.1 (the feature-phone exports that omit it predate 3.0)."""
    norm = set(versions) or {"2.1"}
    if len(norm) == 1:
        return f"vCard {next(iter(norm))}"
    return "vCard (mixed versions)"


# ---------------------------------------------------------------------------------------------
# Splitting the file into cards
# ---------------------------------------------------------------------------------------------


@dataclass
class _Card:
    """One card: its 1-based index, the lines of its BEGIN and END, its VERSION, and its
    unfolded logical lines as (file line number, text) pairs (quoted-printable values still
    encoded, binary properties already dropped)."""

    index: int
    line: int
    version: str = ""
    truncated: bool = False
    end_line: int = 0
    lines: list[tuple[int, str]] | None = None
    too_big: str = ""
    """Why the card is over a size limit (:data:`MAX_CARD_LINES`, :data:`MAX_PROPERTY_CHARS`);
    its lines are then no longer kept."""


def _file_lines(source: SourceFile) -> tuple[list[str], Decoded, list[str]]:
    """The file's physical lines (decoded), how it was decoded, and any file-level notes.

    The encoding is decided once (:func:`analysis.importers.text.decode_text`). A file that is
    not all UTF-8 is then decoded line by line: a line's bytes are read with the line's (or its
    property's) CHARSET when it names a real character set, as UTF-8 when they are UTF-8 (in a
    file that mixes UTF-8 and legacy lines), else in the detected legacy encoding; so a file
    that mixes encodings, or a Shift_JIS export that says so in CHARSET, comes out right."""
    dec = decode_text(source.data)
    notes: list[str] = []
    if dec.legacy is None:
        if dec.encoding not in ("utf-8", "utf-8-sig"):
            notes.append(f"read as {dec.encoding.upper()}")
        return dec.text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), dec, notes
    legacy = dec.legacy
    utf8_first = dec.encoding != legacy  # only a mixed file has UTF-8 lines to keep
    raw = source.data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    lines: list[str] = []
    charset = ""
    fallback_lines: list[int] = []
    for n, rb in enumerate(raw, 1):
        if rb[:1] not in (b" ", b"\t"):
            m = _CHARSET_RE.search(rb.split(b":", 1)[0] + b":")
            charset = m.group(1).decode("ascii") if m else ""
        if rb.isascii():
            lines.append(rb.decode("ascii"))
            continue
        s, used = _decode_bytes(rb, charset, legacy, utf8_first=utf8_first)
        if used not in ("utf-8", charset):
            fallback_lines.append(n)
        lines.append(s)
    if fallback_lines and not utf8_first:
        notes.append(f"the file is not UTF-8: read as {legacy} (detected from its content)")
    elif fallback_lines:
        shown = ", ".join(str(n) for n in fallback_lines[:5])
        more = f" and {len(fallback_lines) - 5} more" if len(fallback_lines) > 5 else ""
        notes.append(
            f"the file is not all UTF-8: line(s) {shown}{more} read as {legacy} "
            "(check accented letters there)"
        )
    return lines, dec, notes


_CHARSET_RE = re.compile(rb"(?i);CHARSET=([A-Za-z0-9_.:-]+)[;:]")


def _decode_bytes(
    data: bytes, charset: str, fallback: str, utf8_first: bool = True
) -> tuple[str, str]:
    """Text of ``data`` and the encoding used: ASCII or valid UTF-8 first (exporters often
    declare one charset and write UTF-8; not in a file known to be legacy throughout, whose
    CJK byte pairs can look like UTF-8), then the declared ``charset`` when it names a real
    character set, then ``fallback``."""
    if utf8_first:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    codec = _charset_codec(charset) if charset else None
    if codec:
        try:
            return data.decode(codec), charset
        except (UnicodeError, LookupError, ValueError):
            pass
    if fallback.startswith(("utf-16", "utf-32", "utf-8")):
        fallback = "cp1252"
    try:
        return data.decode(fallback), fallback
    except (UnicodeError, LookupError):
        return data.decode("latin-1"), "latin-1"


_NOT_CHARSETS = frozenset({"undefined", "unicode_escape", "raw_unicode_escape", "punycode", "idna"})
"""Python codecs that are not character sets a vCard can name (``undefined`` always raises)."""


@lru_cache(maxsize=256)
def _charset_codec(name: str) -> str | None:
    """The Python codec for a vCard ``CHARSET`` value, or None when it names no text encoding
    (``CHARSET=undefined``, ``CHARSET=base64``, a typo): the value is then read as UTF-8 or in
    the file's encoding instead."""
    try:
        info = codecs.lookup(name.strip().strip('"'))
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def _split_cards(lines: list[str]) -> tuple[list[_Card], list[str]]:
    """Cards in file order of their BEGIN:VCARD, and warnings about lines outside any card.

    A BEGIN:VCARD inside an open card starts a nested card (Android writes these; the outer
    card resumes after the inner END:VCARD); a card still open at the end of the file is
    marked truncated. Each card's lines are unfolded into logical lines here, and the
    properties closeknit does not read (PHOTO, LOGO, SOUND, KEY, ADR, NOTE, ...) are dropped
    with their continuation lines."""
    cards: list[_Card] = []
    stack: list[_Builder] = []
    warnings: list[str] = []
    outside: list[int] = []
    for n, line in enumerate(lines, 1):
        c0 = line[:1]
        if c0 in ("B", "b") and _BEGIN_RE.match(line):
            card = _Card(index=len(cards) + 1, line=n)
            cards.append(card)
            stack.append(_Builder(card))
            continue
        if c0 in ("E", "e") and _END_RE.match(line):
            if stack:
                stack.pop().finish(n)
            else:
                warnings.append(f"line {n}: END:VCARD without a BEGIN:VCARD before it; ignored")
            continue
        if stack:
            stack[-1].feed(n, line)
        elif line.strip():
            outside.append(n)
    for b in stack:
        b.card.truncated = True
        b.finish(len(lines))
    if outside:
        shown = ", ".join(str(n) for n in outside[:5])
        more = f" and {len(outside) - 5} more" if len(outside) > 5 else ""
        warnings.append(f"text outside any BEGIN:VCARD … END:VCARD ignored (line {shown}{more})")
    return cards, warnings


class _Builder:
    """Unfolds one card's physical lines into logical lines (3.0/4.0 folding, 2.1 folding
    keeping the whitespace, and 2.1 quoted-printable soft line breaks)."""

    __slots__ = ("card", "out", "cur", "cur_n", "qp", "dropping", "fold_keep")

    def __init__(self, card: _Card) -> None:
        self.card = card
        self.out: list[tuple[int, str]] = []
        self.cur: list[str] = []
        self.cur_n = 0
        self.qp = False
        self.dropping = False
        self.fold_keep = False

    def feed(self, n: int, line: str) -> None:
        if self.qp:  # 2.1 quoted-printable soft line break: the value goes on
            if not self.dropping:
                self.cur.append("\n" + line)
            self.qp = line.endswith("=")
            return
        c0 = line[:1]
        if c0 == " " or c0 == "\t":
            if self.dropping or self.card.too_big:
                return
            if self.cur:
                self.cur.append(line if self.fold_keep else line[1:])
            return
        if not line.strip():
            self._flush()
            self.dropping = False
            return
        if self.dropping and ":" not in line:
            return  # 2.1 base64 continuation without indentation
        self._flush()
        self.dropping = False
        colon = line.find(":")
        header = line[:colon] if colon >= 0 else line
        m = _PROP_NAME_RE.match(header)
        name = m.group(1).upper().replace("_", "-") if m else ""
        hu = header.upper()
        qp = "QUOTED-PRINTABLE" in hu and line.endswith("=")
        if name not in _KEPT and (name in UNREAD_PROPERTIES or _HEADER_RE.match(line)):
            # A well-formed property closeknit does not read: dropped unparsed, with its
            # continuation lines. Malformed lines go on to vobject, which reports them.
            self.dropping = True
            self.qp = qp
            return
        if name == "VERSION":
            vm = _VERSION_RE.match(line)
            if vm:
                self.card.version = vm.group(1)
                self.fold_keep = vm.group(1) == "2.1"
        self.cur = [line]
        self.cur_n = n
        self.qp = qp

    def _flush(self) -> None:
        if self.cur:
            if not self.card.too_big:
                text = "".join(self.cur)
                if len(text) > MAX_PROPERTY_CHARS:
                    self.card.too_big = (
                        f"line {self.cur_n}: a property longer than {MAX_PROPERTY_CHARS:,} "
                        "characters"
                    )
                elif len(self.out) >= MAX_CARD_LINES:
                    self.card.too_big = f"more than {MAX_CARD_LINES:,} lines"
                if self.card.too_big:
                    self.out = []  # the card is skipped: its lines are not kept
                else:
                    self.out.append((self.cur_n, text))
            self.cur = []
        self.qp = False

    def finish(self, end_line: int) -> None:
        self._flush()
        self.card.lines = self.out
        self.card.end_line = end_line


# ---------------------------------------------------------------------------------------------
# Capturing vobject's log records
# ---------------------------------------------------------------------------------------------


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_CAPTURE_LOCK = threading.RLock()
"""Serialises the swapping of vobject's logging handlers between threads."""


def _fresh_lock_after_fork() -> None:
    # A worker forked while another thread held the lock would otherwise wait forever.
    global _CAPTURE_LOCK
    _CAPTURE_LOCK = threading.RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_fresh_lock_after_fork)


@contextmanager
def _capture_vobject_logs() -> Iterator[_ListHandler]:
    """Route the ``vobject`` loggers' records into a list for the duration.

    vobject's ``vobject.base`` logger gets its own stderr handler at import (when the root
    logger has none); it is detached, a list handler is attached to ``vobject`` and
    propagation to the root is turned off; everything is restored afterwards."""
    handler = _ListHandler()
    with _CAPTURE_LOCK:
        top = logging.getLogger("vobject")
        children = [
            logging.getLogger(name)
            for name in list(logging.root.manager.loggerDict)
            if name.startswith("vobject.")
        ]
        saved_top = (top.handlers[:], top.propagate)
        saved_children = [(lg, lg.handlers[:], lg.propagate) for lg in children]
        try:
            top.handlers = [handler]
            top.propagate = False
            for lg in children:
                lg.handlers = []
                lg.propagate = True
            yield handler
        finally:
            top.handlers, top.propagate = saved_top
            for lg, handlers, propagate in saved_children:
                lg.handlers = handlers
                lg.propagate = propagate


# ---------------------------------------------------------------------------------------------
# Parsing one card
# ---------------------------------------------------------------------------------------------


def _where(card_index: int, line: int) -> str:
    return f"card {card_index} (line {line})"


def _short(text: str) -> str:
    text = text.replace("\r", " ").replace("\n", " ")
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _split_params(params: str) -> list[str]:
    return [p for p in _PARAM_SPLIT_RE.findall(params) if p != ""]


def _escape_commas(value: str) -> str:
    return _ESCAPE_OR_COMMA_RE.sub(lambda m: "\\," if m.group() == "," else m.group(), value)


def _escape_text(value: str) -> str:
    """A decoded value made safe for a vobject content line (newlines become ``\\n``)."""
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _clean_line(text: str, fallback: str) -> tuple[str | None, str | None]:
    """One logical line made ready for vobject: ``(line, None)``, or ``(None, reason)`` when
    the line is dropped. Decodes quoted-printable and base64 text values with their CHARSET
    and escapes commas of single-valued text properties."""
    m = _HEADER_RE.match(text)
    if m is None:
        return text.replace("\n", " "), None  # vobject will report it (captured as a warning)
    name = m.group("name").upper()
    params = m.group("params")
    value = text[m.end() :]
    if not params:
        if name in _SINGLE_TEXT and "," in value:
            return text[: m.end()] + _escape_commas(value), None
        return text, None
    pu = params.upper()
    if "ENCODING" not in pu and "QUOTED-PRINTABLE" not in pu and "BASE64" not in pu:
        if name in _SINGLE_TEXT and "," in value:
            return text[: m.end()] + _escape_commas(value), None
        return text, None
    kept: list[str] = []
    encoding = charset = ""
    for p in _split_params(params):
        key, eq, val = p.partition("=")
        ku = key.strip().upper()
        if eq and ku == "ENCODING":
            encoding = val.strip().strip('"').upper()
        elif eq and ku == "CHARSET":
            charset = val.strip().strip('"')
        elif not eq and ku in ("QUOTED-PRINTABLE", "BASE64", "B"):
            encoding = ku
        else:
            kept.append(p)
    if encoding in ("QUOTED-PRINTABLE", "Q"):
        raw = quopri.decodestring(value.encode("utf-8", errors="surrogateescape"))
        decoded, _ = _decode_bytes(raw, charset, fallback)
    elif encoding in ("B", "BASE64"):
        try:
            raw = base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError):
            return None, f"the {name} value is not valid base64; ignored"
        decoded, _ = _decode_bytes(raw, charset, fallback)
    else:
        return text, None  # 8BIT, 7BIT: plain text already
    decoded = _escape_text(decoded)
    if name in _SINGLE_TEXT:
        decoded = _escape_commas(decoded)
    group = m.group("group")
    head = (f"{group}." if group else "") + m.group("name")
    head += "".join(";" + p for p in kept)
    return f"{head}:{decoded}", None


@lru_cache(maxsize=1)
def _vobject_line_numbering() -> tuple[int, int]:
    """``(slope, offset)`` with vobject's line number = slope * k + offset for the k-th line
    (1-based) of the text it was given. vobject 0.9.x counts each line end twice (line k is
    reported as 2k - 1), so this is measured once on a probe rather than assumed."""
    found = []
    for k in (3, 4):
        probe = ["BEGIN:VCARD", "BEGIN:X"] + ["N:x"] * (k - 3) + ["END:VCARD"]
        try:
            next(vobject.readComponents("\r\n".join(probe) + "\r\n"))
            return (1, 0)
        except vobject.base.ParseError as exc:
            if not isinstance(exc.lineNumber, int):
                return (1, 0)
            found.append(exc.lineNumber)
    slope = found[1] - found[0]
    return (slope, found[0] - slope * 3) if slope > 0 else (1, 0)


def _map_line(reported: object, line_map: list[int]) -> int | None:
    """The file line of the line vobject reports as ``reported`` (None when unknown)."""
    if isinstance(reported, int):
        slope, offset = _vobject_line_numbering()
        k, rem = divmod(reported - offset, slope)
        if rem == 0 and 1 <= k <= len(line_map):
            return line_map[k - 1]
    return None


def _readable(exc: BaseException, line_map: list[int]) -> str:
    """vobject's exception as a message naming the file line."""
    if isinstance(exc, StopIteration):
        return "vobject found no card in it"
    msg = str(exc).strip() or type(exc).__name__
    lineno = getattr(exc, "lineNumber", None)
    m = _FAILED_LINE_RE.match(msg)
    if m:
        msg = f"cannot read {_short(m.group(1))!r}"
    elif isinstance(exc, vobject.base.VObjectError):
        msg = _short(re.sub(r"^At line \d+: ", "", msg))
    else:
        msg = f"{type(exc).__name__}: {_short(msg)}"
    line = _map_line(lineno, line_map)
    if line is not None:
        return f"could not parse line {line}: {msg}"
    return f"could not parse the card: {msg}"


def _log_warning(
    record: logging.LogRecord, where: str, line_map: list[int], body: list[str]
) -> str:
    """A vobject log record as a report warning naming the card and the file line."""
    msg = record.getMessage()
    m = _SKIPPED_LINE_RE.match(msg)
    if m:
        line = _map_line(int(m.group(1)), line_map) if m.group(1) else None
        detail = m.group(2)
        fm = _FAILED_LINE_RE.match(detail)
        if fm and line is None and fm.group(1) in body:
            line = line_map[body.index(fm.group(1))]
        detail = f"cannot read {_short(fm.group(1))!r}" if fm else _short(detail)
        at = f"line {line}" if line else "a line"
        return f"{where}: skipped {at} ({detail})"
    return f"{where}: {_short(msg)}"


def _parse_card(
    card: _Card, fallback: str, region: str, digest: str, source_label: str, log: _ListHandler
) -> tuple[dict | None, Skipped | None, list[str]]:
    """One card into a contacts record, or the reason it is skipped, plus warnings."""
    where = _where(card.index, card.line)
    warnings: list[str] = []
    if card.too_big:
        return None, Skipped(where, card.too_big), warnings
    body = ["BEGIN:VCARD"]
    line_map = [card.line]
    for n, text in card.lines or ():
        cleaned, reason = _clean_line(text, fallback)
        if cleaned is None:
            warnings.append(f"{where}: line {n}: {reason}")
            continue
        body.append(cleaned)
        line_map.append(n)
    body.append("END:VCARD")
    line_map.append(card.end_line or card.line)
    log.records.clear()
    try:
        comp = next(vobject.readComponents("\r\n".join(body) + "\r\n", ignoreUnreadable=True))
    except _VOBJECT_ERRORS as exc:
        warnings.extend(_log_warning(r, where, line_map, body) for r in log.records)
        reason = TRUNCATED if card.truncated else _readable(exc, line_map)
        return None, Skipped(where, reason), warnings
    warnings.extend(_log_warning(r, where, line_map, body) for r in log.records)
    record = _record(comp, region, warnings, where)
    if not (record["full_name"] or record["emails"] or record["phones"]):
        return None, Skipped(where, TRUNCATED if card.truncated else NO_IDENTITY), warnings
    if card.truncated:
        warnings.append(f"{where}: {TRUNCATED}; read what was there")
    record["contact_id"] = stable_id(digest, card.index)
    record["source"] = source_label
    record["where"] = where
    return record, None, warnings


def _text(value: object) -> str:
    """A vobject value as one string (lists, as vobject gives for comma lists, are joined)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_text(v) for v in value if v)
    if isinstance(value, bytes):
        return ""
    return nfc(str(value))


def _record(comp: vobject.base.Component, region: str, warnings: list[str], where: str) -> dict:
    """The contacts fields of a parsed card."""
    fn = given = family = nickname = org = title = birthday = ""
    n_name = ""
    emails: dict[str, None] = {}  # ordered sets: a card with thousands of values stays linear
    phones: dict[str, None] = {}
    categories: dict[str, None] = {}
    related: list[tuple[str, str]] = []
    labels: dict[str, str] = {}
    grouped_related: list[tuple[str | None, str]] = []
    for line in comp.getChildren():
        if isinstance(line, vobject.base.Component):
            continue
        name = line.name.upper()
        value = line.value
        if name == "FN":
            if not fn:
                fn = _text(value)
        elif name == "N":
            if not n_name and isinstance(value, vobject.vcard.Name):
                given, family = _text(value.given), _text(value.family)
                n_name = nfc(" ".join(x for x in (given, _text(value.additional), family) if x))
        elif name == "NICKNAME":
            if not nickname:
                nickname = _text(value)
        elif name == "ORG":
            if not org:
                parts = value if isinstance(value, list) else [value]
                org = ", ".join(p for p in (_text(v) for v in parts) if p)
        elif name == "TITLE":
            if not title:
                title = _text(value)
        elif name == "EMAIL":
            e = normalize_email(_text(value))
            if e:
                emails[e] = None
        elif name == "TEL":
            p = normalize_phone(_text(value), region)
            if p:
                phones[p] = None
        elif name == "CATEGORIES":
            vals = value if isinstance(value, list) else [value]
            for v in vals:
                for c in str(v).split(","):
                    c = nfc(c)
                    if c:
                        categories[c] = None
        elif name == "BDAY":
            if not birthday:
                raw = _text(value)
                birthday = _birthday(raw)
                if raw and not birthday:
                    warnings.append(f"{where}: birthday {_short(raw)!r} is not a date; ignored")
        elif name == "RELATED":
            v = _text(value)
            if v:
                kind = ",".join(line.params.get("TYPE", [])).lower() or "related"
                related.append((kind, v))
        elif name == "X-ABLABEL":
            if line.group:
                labels[line.group.upper()] = _apple_label(_text(value))
        elif name == "X-ABRELATEDNAMES":
            v = _text(value)
            if v:
                grouped_related.append((line.group.upper() if line.group else None, v))
        elif name in _X_RELATIONS:
            v = _text(value)
            if v:
                related.append((_X_RELATIONS[name], v))
        elif name == "X-ANDROID-CUSTOM":
            kind, _, rest = str(value).partition(";")
            kind = kind.strip().lower()
            if kind == "vnd.android.cursor.item/relation":
                rel = _android_relation(rest)
                if rel:
                    related.append(rel)
            elif kind == "vnd.android.cursor.item/nickname" and not nickname:
                nickname = nfc(rest.split(";", 1)[0])
    for group, v in grouped_related:
        related.append((labels.get(group, "") if group else "", v))
    related = [(k or "related", v) for k, v in related]
    full_name = fn or n_name or nickname or org or next(iter(emails), "")
    return {
        "full_name": full_name,
        "given_name": given,
        "family_name": family,
        "nickname": nickname,
        "emails": list(emails),
        "phones": list(phones),
        "org": org,
        "title": title,
        "categories": list(categories),
        "birthday": birthday,
        "related": related,
    }


def _apple_label(label: str) -> str:
    """``_$!<Mother>!$_`` -> ``mother``; custom labels are kept, lower-cased."""
    m = _APPLE_LABEL_RE.match(label)
    return nfc(m.group(1) if m else label).lower()


def _android_relation(value: str) -> tuple[str, str] | None:
    """The ``Name;TYPE;LABEL`` of ``X-ANDROID-CUSTOM:vnd.android.cursor.item/relation;...``
    -> (type, name), TYPE being Android's ``Relation.TYPE_*`` code."""
    parts = value.split(";")
    name = nfc(parts[0])
    if not name:
        return None
    code = parts[1].strip() if len(parts) > 1 else ""
    label = nfc(parts[2]).lower() if len(parts) > 2 else ""
    return (_ANDROID_RELATIONS.get(code) or label or "related", name)


def _birthday(value: str) -> str:
    """``YYYY-MM-DD``, or ``--MM-DD`` for a birthday without a year.

    Reads ``YYYYMMDD``, ``YYYY-MM-DD`` (a time part is dropped), yearless ``--MMDD`` and
    ``--MM-DD`` (RFC 6350 §4.3.1, also vCard 4's ``--0412``), and Apple's year 1604, which
    means "no year". "" when the value is not a date."""
    v = value.strip()
    if "T" in v[4:]:
        v = v[: v.index("T", 4)]
    m = _DATE_RE.match(v)
    if not m:
        return ""
    year, month, day = m.groups()
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return ""
    if year in ("--", _APPLE_YEARLESS, "0000"):
        return f"--{month}-{day}"
    return f"{year}-{month}-{day}"


# ---------------------------------------------------------------------------------------------
# Many cards, possibly on two processes
# ---------------------------------------------------------------------------------------------


def _parse_chunk(
    args: tuple[list[_Card], str, str, str, str],
) -> list[tuple[dict | None, Skipped | None, list[str]]]:
    """Parse a list of cards (the unit of work of a worker process)."""
    cards, fallback, region, digest, label = args
    with _capture_vobject_logs() as log:
        return [_parse_card(c, fallback, region, digest, label, log) for c in cards]


def _parse_all(
    cards: list[_Card], fallback: str, region: str, digest: str, label: str
) -> tuple[list[tuple[dict | None, Skipped | None, list[str]]], str | None]:
    """Results for every card in card order, and a note when the parallel path was wanted but
    fell back to one process."""
    return _start_all(cards, fallback, region, digest, label)()


def _start_all(
    cards: list[_Card], fallback: str, region: str, digest: str, label: str
) -> Callable[[], tuple[list[tuple[dict | None, Skipped | None, list[str]]], str | None]]:
    """Start parsing every card and return the function that waits for the results (see
    :func:`_parse_all`). On the parallel path the worker processes are busy once this returns,
    so the caller can do other work (read another file) meanwhile."""
    args = (cards, fallback, region, digest, label)
    # Fork only from the main thread: a server (the dashboard) runs scripts in worker threads,
    # and forking a multi-threaded process can leave the child waiting on a lock another
    # thread held. There the cards are parsed on one process.
    on_main = threading.current_thread() is threading.main_thread()
    if not (on_main and len(cards) >= PARALLEL_MIN_CARDS and (os.cpu_count() or 1) >= 2):
        return lambda: (_parse_chunk(args), None)
    chunks = [
        (cards[i : i + CHUNK_CARDS], fallback, region, digest, label)
        for i in range(0, len(cards), CHUNK_CARDS)
    ]
    try:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        pool = ProcessPoolExecutor(max_workers=PARALLEL_WORKERS, mp_context=ctx)
        futures = [pool.submit(_parse_chunk, chunk) for chunk in chunks]
    except (OSError, RuntimeError) as exc:  # BrokenProcessPool is a RuntimeError
        note = f"parsed on one process ({type(exc).__name__} starting worker processes)"
        return lambda: (_parse_chunk(args), note)

    def wait() -> tuple[list, str | None]:
        try:
            out: list = []
            for fut in futures:
                out.extend(fut.result())
            return out, None
        except (OSError, RuntimeError) as exc:
            note = f"parsed on one process ({type(exc).__name__} in a worker process)"
            return _parse_chunk(args), note
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    return wait


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read every card of a vCard file into contacts rows.

    ``report.read`` is the number of BEGIN:VCARD lines; each card is imported or skipped with
    its place (``card 7 (line 212)``) and reason. Raises :class:`UnusableFileError` only when
    the file holds no BEGIN:VCARD at all."""
    return begin(source, options)()


def begin(source: SourceFile, options: ImportOptions) -> Callable[[], ImportResult]:
    """:func:`parse` in two steps: split the file and start parsing its cards (on worker
    processes for a big file), then return the function that collects the result. The pipeline
    reads other files in between, so a big address book and a big log are read side by side.
    Raises :class:`UnusableFileError` at once when the file holds no BEGIN:VCARD."""
    lines, dec, notes = _file_lines(source)
    enc = dec.legacy or dec.encoding
    cards, warnings = _split_cards(lines)
    if not cards:
        raise UnusableFileError(source.name, "no BEGIN:VCARD line found: this is not a vCard file")
    label = _label({c.version for c in cards if c.version})
    source_label = f"{source.name} ({label})"
    wait = _start_all(cards, enc, options.region, source.digest, source_label)

    def finish() -> ImportResult:
        results, pnote = wait()
        report = FileReport(file=source.name, format="vcard", label=label, encoding=dec.encoding)
        report.notes.extend(notes)
        if pnote:
            report.notes.append(pnote)
        records = []
        for record, skipped, card_warnings in results:
            report.warnings.extend(card_warnings)
            if record is not None:
                records.append(record)
                report.read += 1
                report.imported += 1
            elif skipped is not None:
                report.skip(skipped.where, skipped.reason)
        report.warnings.extend(warnings)
        return ImportResult(contacts=contacts_frame(records), report=report)

    return finish
