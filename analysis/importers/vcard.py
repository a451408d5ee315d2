"""vCard import (2.1, 3.0, 4.0): one contacts row per card, one bad card costs one card.

The file is decoded (:func:`analysis.importers.text.decode`, with per-line fallbacks for files
that mix UTF-8 and legacy bytes, and per-property ``CHARSET``), split into cards here (each with
its 1-based index and starting line), and each card is unfolded and cleaned:

* vCard 2.1 quoted-printable values (soft line breaks included) are decoded here with the
  card's ``CHARSET`` (vobject mishandles 2.1 QP), and base64 text values likewise;
* properties closeknit does not read (PHOTO / LOGO / SOUND / KEY and their base64 blobs, ADR,
  NOTE, URL, ...) are dropped with their continuation lines before anything is parsed (folded
  blobs are skipped over without being split into lines): decoding them is most of the cost of
  a big export, and a broken PHOTO cannot cost a card;
* commas in single-valued text properties are escaped (vobject keeps only the text before an
  unescaped comma, so ``FN:Doe, John`` would become ``Doe``).

A cleaned card is then read by one of two paths with the same result:

* **the fast path** (:func:`_fast_props`): plain content lines (``[group.]NAME[;PARAM=...]:value``
  with the escapes ``\\, \\; \\n \\\\``) are read here, following vobject 0.9's rules line
  for line (which behaviour each property gets, how values and parameters are split and
  unescaped, the order in which a card's properties are listed); it is five to ten times faster
  than building vobject's objects;
* **vobject** for any card the fast path does not fully understand (a line vobject cannot parse
  and would report, a nested ``BEGIN``, an ``ENCODING`` left after cleaning, a value ending in
  a backslash...). ``tests/importers/test_vcard_paths.py`` runs both paths over every vCard of
  the corpus and the fixtures, and over generated cards, and requires the same frames.

vobject logs the lines it cannot read through :mod:`logging`; those records are captured and
turned into report warnings naming the card. When many cards need vobject
(:data:`PARALLEL_MIN_CARDS`), they are parsed on two processes, with the same result, in the
same order, as the serial path.
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
from typing import Any, NamedTuple

import vobject

from analysis import sidework
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
from analysis.importers.text import decode_text
from analysis.model import contacts_frame
from analysis.normalize import nfc, normalize_email, normalize_phone

# ---------------------------------------------------------------------------------------------
# Judgement constants
# ---------------------------------------------------------------------------------------------

USE_FAST_PATH = True
"""Read plain cards with :func:`_fast_props` (False: every card through vobject; the tests
compare the two)."""

PARALLEL_MIN_CARDS = 2_000
"""When at least this many cards of a file need vobject (the fast path reads the others), they
are parsed on :data:`PARALLEL_WORKERS` processes. Below it, starting the processes costs more
than it saves (a forked pool costs ~0.05-0.15 s; vobject takes ~0.5 ms a card)."""

WORKER_MIN_CARDS = 2_000
"""A file of at least this many cards is read whole on a worker process while the pipeline
reads the other files (a big log) here: on two cores the two are read side by side. Below it,
forking and sending the result back cost about what the overlap saves (a fork ~10-30 ms; the
fast path reads a card in ~50 µs)."""

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

_ANNIVERSARY_PROPERTIES = (
    "ANNIVERSARY",  # vCard 4.0 (RFC 6350 6.2.6)
    "X-ANNIVERSARY",  # Thunderbird, KDE and others
    "X-EVOLUTION-ANNIVERSARY",  # Evolution
    "X-MS-ANNIVERSARY",  # Outlook
    "X-KADDRESSBOOK-X-ANNIVERSARY",  # KAddressBook
)
"""Properties whose value is the wedding (or partnership) anniversary. Apple writes it as
``itemN.X-ABDATE`` labelled ``_$!<Anniversary>!$_`` by ``itemN.X-ABLabel``; Android as
``X-ANDROID-CUSTOM:vnd.android.cursor.item/contact_event;DATE;1`` (``Event.TYPE_ANNIVERSARY``)."""

# Properties with one text value: unescaped commas are escaped before vobject reads them.
_SINGLE_TEXT = frozenset(
    {"FN", "TITLE", "EMAIL", "TEL", "BDAY", "RELATED", "X-ABLABEL", "X-ABRELATEDNAMES", "UID"}
    | {"X-ABDATE", *_ANNIVERSARY_PROPERTIES}
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
        "X-ABDATE",
        *_ANNIVERSARY_PROPERTIES,
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
_ANDROID_ANNIVERSARY = "1"
"""``ContactsContract.CommonDataKinds.Event.TYPE_ANNIVERSARY`` (2 is other, 3 birthday)."""
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


def _file_text(source: SourceFile) -> tuple[str, str, str | None, list[str]]:
    """The file's text with ``\\n`` line ends (or ``\\r\\n`` ones, when those are all its CRs:
    :func:`_split_cards` reads both, and a big export is not copied once more), the encoding it
    was decoded with, the legacy encoding of a file that is not all UTF-8 (else None), and any
    file-level notes.

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
        text = dec.text
        if "\r" in text and text.count("\r") != text.count("\r\n"):
            text = text.replace("\r\n", "\n").replace("\r", "\n")  # old Mac line ends
        return text, dec.encoding, None, notes
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
    text = "\n".join(lines)
    if text.count("\n") != len(lines) - 1 or "\r" in text:
        # a CHARSET such as UTF-7 can decode to a line end of its own: kept inside its line
        text = "\n".join(x.replace("\r", " ").replace("\n", " ") for x in lines)
    return text, dec.encoding, legacy, notes


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


_NOT_INDENTED_RE = re.compile(r"\n(?![ \t])")
"""The end of a run of folded (indented) lines: a line end not followed by a space or tab."""


def _split_cards(text: str) -> tuple[list[_Card], list[str]]:
    """Cards in file order of their BEGIN:VCARD, and warnings about lines outside any card.

    ``text`` has ``\\n`` or ``\\r\\n`` line ends (no other CR); its lines are numbered from 1
    as ``text.split("\\n")`` would number them. A BEGIN:VCARD inside an open card starts a
    nested card (Android writes these; the outer card resumes after the inner END:VCARD); a
    card still open at the end of the file is marked truncated. Each card's lines are unfolded
    into logical lines here, and the properties closeknit does not read (PHOTO, LOGO, SOUND,
    KEY, ADR, NOTE, ...) are dropped with their continuation lines: a folded blob is skipped
    over in one step, never split into lines."""
    cards: list[_Card] = []
    stack: list[_Builder] = []
    warnings: list[str] = []
    outside: list[int] = []
    end = len(text)
    find = text.find
    skip_folded = _NOT_INDENTED_RE.search
    crlf = "\r" in text
    pos = 0
    n = 0
    while pos <= end:
        nl = find("\n", pos)
        if nl < 0:
            nl = end
        line = text[pos : nl - 1] if crlf and nl > pos and text[nl - 1] == "\r" else text[pos:nl]
        n += 1
        pos = nl + 1
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
            top = stack[-1]
            top.feed(n, line)
            if text.startswith((" ", "\t"), pos) and top.ignores_folded():
                # the folded lines that follow are dropped unread: jump over them
                m = skip_folded(text, pos)
                stop = m.start() if m else end
                n += text.count("\n", nl, stop)
                pos = stop + 1
        elif line.strip():
            outside.append(n)
    for b in stack:
        b.card.truncated = True
        b.finish(n)
    if outside:
        shown = ", ".join(str(n) for n in outside[:5])
        more = f" and {len(outside) - 5} more" if len(outside) > 5 else ""
        warnings.append(f"text outside any BEGIN:VCARD … END:VCARD ignored (line {shown}{more})")
    return cards, warnings


_CACHED_HEADER_CHARS = 200
"""Longest line header (the text before the first colon) whose facts are cached: real headers
(``item3.TEL;type=CELL;type=VOICE;type=pref``) are far shorter; a longer one is broken input,
read without the cache so the cache never holds large strings."""


@lru_cache(maxsize=4_096)
def _header_facts(header: str) -> tuple[str, bool, bool]:
    """For ``header``, the text of a line before its first colon: the property name (upper
    case, ``_`` read as ``-``; "" when none), whether QUOTED-PRINTABLE is named in it, and
    whether ``header + ":"`` starts a well-formed property line (:data:`_HEADER_RE`; the same
    answer as for the whole line when the header holds no double quote). Headers repeat from
    card to card (``TEL;TYPE=CELL``), hence the cache."""
    m = _PROP_NAME_RE.match(header)
    name = m.group(1).upper().replace("_", "-") if m else ""
    return name, "QUOTED-PRINTABLE" in header.upper(), _HEADER_RE.match(header + ":") is not None


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
        if 0 <= colon <= _CACHED_HEADER_CHARS and '"' not in header:
            name, qp_named, well_formed = _header_facts(header)
        else:
            name, qp_named, _ = _header_facts.__wrapped__(header)
            well_formed = _HEADER_RE.match(line) is not None
        qp = qp_named and line.endswith("=")
        if name not in _KEPT and (name in UNREAD_PROPERTIES or well_formed):
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

    def ignores_folded(self) -> bool:
        """True when the next folded (indented) lines would be dropped unread: the property
        being read is dropped (a PHOTO) or the card is over a limit, and no quoted-printable
        soft line break is pending."""
        return (self.dropping or bool(self.card.too_big)) and not self.qp

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
    colon = text.find(":")
    if 0 < colon <= _CACHED_HEADER_CHARS and '"' not in text[:colon]:  # the common case
        facts = _clean_facts(text[:colon])
        if facts is None:
            return text.replace("\n", " "), None  # vobject will report it (as a warning)
        name, plain = facts
        if plain:
            if name in _SINGLE_TEXT and text.find(",", colon) >= 0:
                return text[: colon + 1] + _escape_commas(text[colon + 1 :]), None
            return text, None
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


@lru_cache(maxsize=4_096)
def _clean_facts(header: str) -> tuple[str, bool] | None:
    """For the text of a logical line before its first colon, holding no double quote: None
    when it does not start a property line (:data:`_HEADER_RE`), else the property name (upper
    case, as written) and whether the value is plain (no ENCODING, QUOTED-PRINTABLE or BASE64
    parameter), the two facts :func:`_clean_line` needs."""
    m = _HEADER_RE.match(header + ":")
    if m is None:
        return None
    pu = m.group("params").upper()
    plain = "ENCODING" not in pu and "QUOTED-PRINTABLE" not in pu and "BASE64" not in pu
    return m.group("name").upper(), plain


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


class _Prop(NamedTuple):
    """One property of a read card, as :func:`_record` reads it: the upper-case name, the
    value as vobject gives it (a string; a list for CATEGORIES and ORG; a
    :class:`vobject.vcard.Name` for N), the parameters (upper-case name -> values) and the
    group (``item1``) or None."""

    name: str
    value: Any
    params: dict[str, list[str]]
    group: str | None


_CardResult = tuple[dict | None, Skipped | None, list[str]]
"""A card read: its contacts record or the reason it is skipped, and its warnings."""


def _clean_card(card: _Card, fallback: str, where: str) -> tuple[list[str], list[int], list[str]]:
    """The card's logical lines made ready for parsing (:func:`_clean_line`), the file line of
    each, and warnings about lines dropped while cleaning."""
    body: list[str] = []
    line_map: list[int] = []
    warnings: list[str] = []
    for n, text in card.lines or ():
        cleaned, reason = _clean_line(text, fallback)
        if cleaned is None:
            warnings.append(f"{where}: line {n}: {reason}")
            continue
        body.append(cleaned)
        line_map.append(n)
    return body, line_map, warnings


def _fast_card(
    card: _Card, fallback: str, region: str, digest: str, source_label: str
) -> _CardResult | None:
    """One card read by the fast path, or None when the card needs vobject."""
    where = _where(card.index, card.line)
    if card.too_big:
        return None, Skipped(where, card.too_big), []
    body, _, warnings = _clean_card(card, fallback, where)
    props = _fast_props(body)
    if props is None:
        return None
    return _card_result(card, props, warnings, where, region, digest, source_label)


def _parse_card(
    card: _Card, fallback: str, region: str, digest: str, source_label: str, log: _ListHandler
) -> _CardResult:
    """One card read by vobject into a contacts record, or the reason it is skipped, plus
    warnings."""
    where = _where(card.index, card.line)
    if card.too_big:
        return None, Skipped(where, card.too_big), []
    cleaned, lines, warnings = _clean_card(card, fallback, where)
    body = ["BEGIN:VCARD", *cleaned, "END:VCARD"]
    line_map = [card.line, *lines, card.end_line or card.line]
    log.records.clear()
    try:
        comp = next(vobject.readComponents("\r\n".join(body) + "\r\n", ignoreUnreadable=True))
    except _VOBJECT_ERRORS as exc:
        warnings.extend(_log_warning(r, where, line_map, body) for r in log.records)
        reason = TRUNCATED if card.truncated else _readable(exc, line_map)
        return None, Skipped(where, reason), warnings
    warnings.extend(_log_warning(r, where, line_map, body) for r in log.records)
    props = [
        _Prop(line.name.upper(), line.value, line.params, line.group)
        for line in comp.getChildren()
        if not isinstance(line, vobject.base.Component)
    ]
    return _card_result(card, props, warnings, where, region, digest, source_label)


def _card_result(
    card: _Card,
    props: list[_Prop],
    warnings: list[str],
    where: str,
    region: str,
    digest: str,
    source_label: str,
) -> _CardResult:
    """The contacts record of a card's properties (either path), or why the card is skipped."""
    record = _record(props, region, warnings, where)
    if not (record["full_name"] or record["emails"] or record["phones"]):
        return None, Skipped(where, TRUNCATED if card.truncated else NO_IDENTITY), warnings
    if card.truncated:
        warnings.append(f"{where}: {TRUNCATED}; read what was there")
    record["contact_id"] = stable_id(digest, card.index)
    record["source"] = source_label
    record["where"] = where
    return record, None, warnings


# ---------------------------------------------------------------------------------------------
# The fast path: vobject's reading of plain content lines, without vobject's objects
# ---------------------------------------------------------------------------------------------


class _NeedsVobject(Exception):
    """Raised inside the fast path for a value it does not read exactly as vobject would."""


_SIMPLE_HEADER_RE = re.compile(
    r"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)((?:;[A-Za-z0-9_-]+(?:=[^\";:,]*(?:,[^\";:,]*)*)?)*)"
)
"""The text before a line's first colon when its parameters hold no quotes: a strict subset of
vobject's line grammar (``vobject.base.line_re``) that splits such a line exactly as vobject
does (the first colon ends the parameters, since unquoted parameter values cannot hold one).
Other lines are split by :func:`vobject.base.parseLine` itself."""

_TEXT, _MULTI, _STRUCT, _NAME, _RAW = range(5)
_FAST_KINDS = dict.fromkeys(_USED, _TEXT) | {
    "CATEGORIES": _MULTI,
    "ORG": _STRUCT,
    "N": _NAME,
    "VERSION": _RAW,
}
"""How vobject 0.9 decodes each property the fast path reads (for a VCARD component, whatever
its VERSION, vobject uses its vCard 3.0 behaviour): N -> ``NameBehavior`` (a Name of fields),
ORG -> ``OrgBehavior`` (a list of fields), CATEGORIES -> ``MultiTextBehavior`` (a list),
VERSION -> no behaviour (the raw value); every other property -> ``VCardTextBehavior`` (the
first of its comma-separated, unescaped values). FN's own behaviour is the text one."""

_ESCAPABLE = '\\;,Nn"'
"""The characters vobject unescapes after a backslash (``vobject.icalendar.escapableCharList``)."""

_Head = tuple[str | None, str, int, dict[str, list[str]]]
"""What the fast path keeps of a line's header: group, property name, kind
(:data:`_FAST_KINDS`), parameters (upper-case name -> values; shared between the lines of one
header, read only)."""


def _fast_props(lines: list[str]) -> list[_Prop] | None:
    """The properties of a card's cleaned logical lines, as vobject would give them (same
    values, same parameters, listed in the same order: grouped by name in the order each name
    first appears), or None when a line needs vobject itself.

    A card needs vobject when a line does not parse (vobject would skip and report it), names a
    property outside :data:`_FAST_KINDS` (BEGIN, END), still carries an ENCODING or a
    QUOTED-PRINTABLE / BASE64 parameter after cleaning, holds a line break, or has a value
    ending in a backslash."""
    by_name: dict[str, list[_Prop]] = {}
    try:
        for text in lines:
            if "\n" in text or "\r" in text:
                return None
            colon = text.find(":")
            head: _Head | None | bool = False
            if 0 < colon <= _CACHED_HEADER_CHARS and '"' not in text[:colon]:
                head = _simple_head(text[:colon])
                value = text[colon + 1 :]
            if head is False:
                try:
                    name, params, value, group = vobject.base.parseLine(text)
                except vobject.base.ParseError:
                    return None
                head = _head(group, name, params)
            if not isinstance(head, tuple) or value.endswith("\\"):
                return None
            group, name, kind, pdict = head
            native: Any
            if kind == _TEXT:
                native = value.split(",", 1)[0] if "\\" not in value else _text_values(value)[0]
            elif kind == _NAME:  # vobject: Name(**dict(zip(NAME_ORDER, fields)))
                fields = _fields(value)
                if len(fields) < 5:
                    fields += [""] * (5 - len(fields))
                native = vobject.vcard.Name(*fields[:5])
            elif kind == _STRUCT:
                native = _fields(value)
            elif kind == _MULTI:
                native = _text_values(value)
            else:
                native = value
            prop = _Prop(name, native, pdict, group)
            if name in by_name:
                by_name[name].append(prop)
            else:
                by_name[name] = [prop]
    except _NeedsVobject:
        return None
    return [p for props in by_name.values() for p in props]


def _head(group: str | None, name: str, params: list[list[str]]) -> _Head | None:
    """The fast path's view of a parsed header (name and parameters as
    :func:`vobject.base.parseLine` gives them), or None when the line needs vobject: a property
    the fast path does not read, or an encoding vobject would apply (``ContentLine`` decodes
    QUOTED-PRINTABLE, ``VCardTextBehavior`` base64)."""
    name = name.replace("_", "-").upper()
    kind = _FAST_KINDS.get(name)
    if kind is None:
        return None
    pdict: dict[str, list[str]] = {}
    for p in params:
        if len(p) == 1:
            if p[0].upper() in ("QUOTED-PRINTABLE", "BASE64"):
                return None
            continue
        key = p[0].upper()
        if key == "ENCODING":
            return None
        pdict.setdefault(key, []).extend(p[1:])
    return group, name, kind, pdict


@lru_cache(maxsize=4_096)
def _simple_head(header: str) -> _Head | None | bool:
    """:func:`_head` of a header without quotes (cached: headers repeat from card to card), or
    False when it is not of :data:`_SIMPLE_HEADER_RE`'s simple form."""
    m = _SIMPLE_HEADER_RE.fullmatch(header)
    if m is None:
        return False
    group, name, params_text = m.groups()
    return _head(group, name, _simple_params(params_text) if params_text else [])


def _simple_params(text: str) -> list[list[str]]:
    """``;TYPE=a,b;PREF`` -> ``[["TYPE", "a", "b"], ["PREF"]]``, as
    :func:`vobject.base.parseParams` splits unquoted parameters (empty values are dropped, so
    ``TYPE=`` is a lone ``TYPE``)."""
    out = []
    for part in text[1:].split(";"):
        name, _, values = part.partition("=")
        out.append([name, *(v for v in values.split(",") if v)])
    return out


def _text_values(text: str, sep: str = ",", escapable: str = _ESCAPABLE) -> list[str]:
    """vobject's ``stringToTextValues``: ``text`` split on unescaped ``sep``, with ``\\,``
    ``\\;`` ``\\\\`` ``\\"`` unescaped and ``\\n`` / ``\\N`` made line breaks (other
    backslash pairs kept as written); a trailing empty value is dropped unless it is the only
    one. Raises :class:`_NeedsVobject` on a lone backslash at the end (which vobject reads in a
    way of its own)."""
    if "\\" not in text:
        parts = text.split(sep)
        if len(parts) > 1 and not parts[-1]:
            parts.pop()
        return parts
    results: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, None)
            if nxt is None:
                raise _NeedsVobject(text)
            if nxt in escapable:
                current.append("\n" if nxt in "nN" else nxt)
            else:
                current.append("\\" + nxt)
        elif ch == sep:
            results.append("".join(current))
            current = []
        else:
            current.append(ch)
    if current or not results:
        results.append("".join(current))
    return results


def _fields(text: str) -> list[str | list[str]]:
    """vobject's ``splitFields`` (N, ORG): fields split on unescaped ``;``, each field a string,
    or a list when it holds several comma-separated values."""
    out: list[str | list[str]] = []
    for field in _text_values(text, ";", ";"):
        values = _text_values(field) if "," in field or "\\" in field else [field]
        out.append(values[0] if len(values) == 1 else values)
    return out


def _text(value: object) -> str:
    """A vobject value as one string (lists, as vobject gives for comma lists, are joined)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_text(v) for v in value if v)
    if isinstance(value, bytes):
        return ""
    return nfc(str(value))


def _record(props: list[_Prop], region: str, warnings: list[str], where: str) -> dict:
    """The contacts fields of a card's properties (in vobject's order: see :func:`_fast_props`).

    Each single field takes the first usable value; the anniversary is the first date of an
    :data:`_ANNIVERSARY_PROPERTIES` property, else of an Apple ``X-ABDATE`` whose label is
    "Anniversary", else of an Android anniversary event."""
    fn = given = family = nickname = org = title = birthday = anniversary = ""
    n_name = ""
    emails: dict[str, None] = {}  # ordered sets: a card with thousands of values stays linear
    phones: dict[str, None] = {}
    categories: dict[str, None] = {}
    related: list[tuple[str, str]] = []
    labels: dict[str, str] = {}
    grouped_related: list[tuple[str | None, str]] = []
    apple_dates: list[tuple[str, str]] = []  # (group, value) of X-ABDATE
    android_anniversaries: list[str] = []
    for line in props:
        name = line.name
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
        elif name in _ANNIVERSARY_PROPERTIES:
            if not anniversary:
                anniversary = _anniversary(_text(value), warnings, where)
        elif name == "X-ABDATE":
            v = _text(value)
            if v and line.group:
                apple_dates.append((line.group.upper(), v))
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
            elif kind == "vnd.android.cursor.item/contact_event":
                parts = rest.split(";")
                if len(parts) > 1 and parts[1].strip() == _ANDROID_ANNIVERSARY:
                    android_anniversaries.append(nfc(parts[0]))
    for group, v in grouped_related:
        related.append((labels.get(group, "") if group else "", v))
    related = [(k or "related", v) for k, v in related]
    if not anniversary:
        labelled = [v for group, v in apple_dates if labels.get(group) == "anniversary"]
        for v in [*labelled, *android_anniversaries]:
            anniversary = _anniversary(v, warnings, where)
            if anniversary:
                break
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
        "anniversary": anniversary,
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


def _anniversary(raw: str, warnings: list[str], where: str) -> str:
    """The anniversary date of a property's value (as :func:`_birthday` reads dates), with a
    warning when the value is not a date."""
    date = _birthday(raw)
    if raw and not date:
        warnings.append(f"{where}: anniversary {_short(raw)!r} is not a date; ignored")
    return date


def _birthday(value: str) -> str:
    """``YYYY-MM-DD``, or ``--MM-DD`` for a date without a year (birthdays and anniversaries).

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


def _parse_chunk(args: tuple[list[_Card], str, str, str, str]) -> list[_CardResult]:
    """Parse a list of cards with vobject (the unit of work of a worker process)."""
    cards, fallback, region, digest, label = args
    with _capture_vobject_logs() as log:
        return [_parse_card(c, fallback, region, digest, label, log) for c in cards]


def _start_all(
    cards: list[_Card], fallback: str, region: str, digest: str, label: str
) -> Callable[[], tuple[list[_CardResult], str | None]]:
    """Read every card and return the function that gives the results in card order, with a
    note when the parallel path was wanted but fell back to one process.

    The fast path reads the cards it understands here and now (and lets go of their lines);
    the others are handed to vobject (:func:`_start_vobject`), on worker processes when there
    are many, which are busy once this returns, so the caller can do other work (read another
    file) meanwhile."""
    results: list[_CardResult | None] = [None] * len(cards)
    slow_at: list[int] = []
    for i, card in enumerate(cards):
        got = _fast_card(card, fallback, region, digest, label) if USE_FAST_PATH else None
        if got is None:
            slow_at.append(i)
        else:
            results[i] = got
            card.lines = None
    wait_slow = _start_vobject([cards[i] for i in slow_at], fallback, region, digest, label)

    def wait() -> tuple[list[_CardResult], str | None]:
        slow, note = wait_slow()
        for i, got in zip(slow_at, slow, strict=True):
            results[i] = got
        return [r for r in results if r is not None], note

    return wait


def _start_vobject(
    cards: list[_Card], fallback: str, region: str, digest: str, label: str
) -> Callable[[], tuple[list[_CardResult], str | None]]:
    """Start parsing ``cards`` with vobject and return the function that waits for the results
    (in order) and a note when the parallel path fell back to one process."""
    args = (cards, fallback, region, digest, label)
    # Worker processes are forked where analysis.sidework forks (the main thread, no other
    # thread running, two cores, Linux); elsewhere the cards are parsed on one process.
    if not (len(cards) >= PARALLEL_MIN_CARDS and sidework.can_fork()):
        return lambda: (_parse_chunk(args), None)
    chunks = [
        (cards[i : i + CHUNK_CARDS], fallback, region, digest, label)
        for i in range(0, len(cards), CHUNK_CARDS)
    ]
    try:
        ctx = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(max_workers=PARALLEL_WORKERS, mp_context=ctx)
        futures = [pool.submit(_parse_chunk, chunk) for chunk in chunks]
    except (OSError, RuntimeError) as exc:  # BrokenProcessPool is a RuntimeError
        note = f"parsed on one process ({type(exc).__name__} starting worker processes)"
        return lambda: (_parse_chunk(args), note)

    def wait() -> tuple[list[_CardResult], str | None]:
        try:
            out: list[_CardResult] = []
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
    """:func:`parse` in two steps: start reading the file, then return the function that
    collects the result. The pipeline reads other files in between, so a big address book and a
    big log are read side by side: a file of :data:`WORKER_MIN_CARDS` cards or more is read
    whole on a forked process where one may be forked (:mod:`analysis.sidework`), a smaller one
    here (:func:`_begin_here`)."""
    if not (_many_cards(source) and sidework.can_fork()):
        return _begin_here(source, options)
    pending = sidework.start(_read_whole, source, options)

    def finish() -> ImportResult:
        result = pending.result()
        if pending.note and result.report is not None:
            result.report.notes.append(f"read on one process ({pending.note})")
        return result

    return finish


def _many_cards(source: SourceFile) -> bool:
    """Whether ``source`` holds at least :data:`WORKER_MIN_CARDS` cards (counted by their
    ``BEGIN:VCARD`` in upper or lower case; a file in UTF-16 counts none and is read here)."""
    data = source.data
    return data.count(b"BEGIN:VCARD") + data.count(b"begin:vcard") >= WORKER_MIN_CARDS


def _read_whole(source: SourceFile, options: ImportOptions) -> ImportResult:
    """:func:`_begin_here` in one step (the work a forked process does)."""
    return _begin_here(source, options)()


def _begin_here(source: SourceFile, options: ImportOptions) -> Callable[[], ImportResult]:
    """:func:`parse` in two steps, in this process: split the file, read its plain cards and
    start parsing the others (on worker processes when there are many), then return the
    function that collects the result.
    Raises :class:`UnusableFileError` at once when the file holds no BEGIN:VCARD."""
    text, encoding, legacy, notes = _file_text(source)
    cards, warnings = _split_cards(text)
    del text
    if not cards:
        raise UnusableFileError(source.name, "no BEGIN:VCARD line found: this is not a vCard file")
    label = _label({c.version for c in cards if c.version})
    source_label = f"{source.name} ({label})"
    wait = _start_all(cards, legacy or encoding, options.region, source.digest, source_label)

    def finish() -> ImportResult:
        results, pnote = wait()
        report = FileReport(file=source.name, format="vcard", label=label, encoding=encoding)
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
