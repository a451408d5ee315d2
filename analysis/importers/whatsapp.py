"""WhatsApp chat exports (``.txt``, or the ``.zip`` WhatsApp makes with the chat and its media),
from any phone in any language.

**Message lines are recognised by their structure, not by words**: an optional ``[``, a date and
a time in either order, an optional day-period word, and ``] `` (iPhone) or `` - `` (Android),
then ``Sender: text``. Read are:

* dates ``d/m/y``, ``m/d/y``, ``y/m/d`` with ``/``, ``.`` or ``-`` (Korean ``2024. 3. 5.``,
  Chinese/Japanese ``2024年3月5日``), 2- or 4-digit years, Japanese era years (``令和6/03/05``,
  ``R6.03.05``, ``平成31年4月30日``) and Thai Buddhist-era years (``5/3/2567``, ``5/3/67``);
* times ``H:MM`` or ``H.MM`` with optional seconds, 24-hour or 12-hour with a day-period word
  before or after (:data:`DAY_PERIODS`: ``PM``, ``p. m.``, ``nachm.``, ``ÖS``, ``م``, ``ب.ظ``,
  ``अपराह्न``, ``下午``, ``午後``, ``오후``, ``หลังเที่ยง``, ``CH``, ``μ.μ.``, ``אחה״צ``... in 25
  languages), and a connecting word (French ``à``, Finnish ``klo``, ...: :data:`CONNECTORS`);
* Eastern Arabic and Persian digits; U+200E/U+200F/U+061C/BOM/bidi marks anywhere in the header;
  plain, no-break and narrow no-break spaces; LF, CRLF or CR line ends, mixed.

**Date order** is decided from *all* the file's dates (:func:`analysis.dates.day_month_order`): a
first field above 12 means day-first, a second field above 12 month-first, a 4-digit first field
is year-first. When no date tells, ``ImportOptions.dayfirst`` is used if set; else dates are read
day-first (:data:`DEFAULT_DAYFIRST`: the order of most of WhatsApp's locales),
``report.ambiguous_date_order`` is set and a warning says the order can be chosen (the dashboard's
import setting, or ``closeknit import --dayfirst/--monthfirst``). Two-digit years are 2000-2099
(WhatsApp began in 2009); years the file shows to be Buddhist era are converted. Timestamps are the
phone's local clock, read in ``ImportOptions.timezone``. Dates outside the years closeknit can keep
are skipped with :data:`analysis.dates.OUT_OF_RANGE_REASON`.

**Counting** (``FileReport``): ``read`` = every chat message (a line that starts a message and has
a sender); ``imported`` = the messages that went into an interaction; ``skipped`` = messages that
made none (impossible date or time, out of range, the user's own group messages on a day nobody
else wrote). Media and deleted-message placeholders (``<Media omitted>``, ``‎image omitted``,
``Bild weggelassen``...) are messages: they are still contact. **System lines** (the encryption
notice, "X added Y", "X left"...: a line without ``Sender:``, or an iPhone line whose text is a
system phrase, :data:`SYSTEM_RE`) are no messages: they are counted in a note, not read. Lines that
do not start a message continue the previous one (multi-line messages); non-empty lines before the
first message are reported.

Messages become ``message`` interactions through the burst rule of
:mod:`analysis.importers.chatbursts`. A chat with more than two writers, or with group system
lines, is a group chat.

**The user** ("me") is whoever matches ``ImportOptions.me`` (names case-insensitively, numbers as
E.164). When nobody does and the export's file name names the chat (``WhatsApp Chat with Anna.txt``)
and one of the two writers is Anna, the other writer is taken as the user (and the report says so).
Otherwise direction is ``unknown``, every writer gets interactions, and the report asks which
participant is the user; :func:`participants` lists them for the UI to ask.

**Speed**: lines are found and decoded with numpy over the raw bytes, four megabytes at a time.
Each line's header (up to ``] `` or `` - ``) is reduced to its *skeleton* (every digit made ``0``);
a file has only a few distinct skeletons, and each is interpreted once with the grammar above
(:func:`header_layout`), which says where the day, month, year, hour, minute and second digits are.
The skeletons of the first lines are *templates*: every line is compared with them as a few
64-bit words, and only the lines that match none are searched for their header end. A date is
read once per run of lines that write it; hours, minutes and seconds through lookup tables; the
frequent senders of a block are compared as whole words too (the other lines are searched for
their ``:``). Dates are then decided once per distinct date. ``benchmarks/bench_sources.py``
times a 500,000-line export against a bare ``for line in f`` read of the same file.

**Zip files**: damaged, encrypted, chat-less or oversized archives (zip bombs) are refused with
:class:`~analysis.errors.UnusableFileError` or :class:`~analysis.errors.UnrecognisedFormatError`
saying which.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analysis import dates
from analysis.errors import UnrecognisedFormatError, UnusableFileError
from analysis.importers import chatbursts
from analysis.importers.base import (
    Detection,
    FileReport,
    ImportOptions,
    ImportResult,
    SourceFile,
)
from analysis.model import (
    CHANNEL_DTYPE,
    DIRECTION_DTYPE,
    DIRECTIONS,
    empty_contacts,
    empty_interactions,
    interactions_frame,
)
from analysis.normalize import looks_like_phone, nfc, normalize_phone

FORMAT = "whatsapp"
LABEL_ANDROID = "WhatsApp chat (Android)"
LABEL_IPHONE = "WhatsApp chat (iPhone)"

MAX_MEMBER_BYTES = 200 * 1024 * 1024
"""Largest uncompressed chat text read from a .zip (a guard against zip bombs)."""

MAX_COMPRESSION_RATIO = 200
"""Largest uncompressed/compressed size ratio of the chat in a .zip. Chat text deflates about
4-10 times; a zip bomb is built to expand hundreds to millions of times. Checked on the sizes the
archive declares and again while reading (the declared sizes can lie)."""

DEFAULT_DAYFIRST = True
"""Ambiguous dates (no day above 12 in the whole file) are read day-first: most of WhatsApp's
locales (all of Europe, Latin America, Africa, India, the Middle East, Australia) write the day
first; the US, Canada and the Philippines do not. The report says it was a guess."""

# --------------------------------------------------------------------------------------------
# the header grammar

MARKS = "\u200e\u200f\u061c\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b"
"""Invisible marks WhatsApp (and the bidi algorithm of RTL phones) put into lines: LRM, RLM, ALM,
BOM, bidi embeddings/isolates, zero-width space. Ignored wherever they are in a header."""


DAY_PERIODS: dict[str, str] = {
    # English and most Latin-script locales (AM, a.m., a. m., am)
    "am": "am", "pm": "pm", "a": "am", "p": "pm",
    # German (older exports), Afrikaans, Swedish, Finnish, Hungarian, Czech, Malay
    "vorm": "am", "nachm": "pm", "vm": "am", "nm": "pm", "fm": "am", "em": "pm",
    "ap": "am", "ip": "pm", "de": "am", "du": "pm", "dop": "am", "odp": "pm",
    "pg": "am", "ptg": "pm",
    # Turkish, Russian/Ukrainian, Bulgarian, Serbian, Latvian, Lithuanian
    "öö": "am", "ös": "pm", "дп": "am", "пп": "pm", "проб": "am", "слоб": "pm",
    "преподне": "am", "поподне": "pm", "priekšp": "am", "pēcp": "pm",
    "priešpiet": "am", "popiet": "pm",
    # Arabic, Persian, Urdu
    "ص": "am", "م": "pm", "قظ": "am", "بظ": "pm", "قبلازظهر": "am", "بعدازظهر": "pm",
    "قبلدوپہر": "am", "بعددوپہر": "pm",
    # Hindi, Marathi, Bengali, Tamil
    "पूर्वाह्न": "am", "अपराह्न": "pm", "मपू": "am", "मउ": "pm",
    "পূর্বাহ্ণ": "am", "অপরাহ্ণ": "pm", "முற்பகல்": "am", "பிற்பகல்": "pm",
    # Chinese, Japanese, Korean (before the time)
    "上午": "am", "下午": "pm", "凌晨": "am", "早上": "am", "中午": "noon", "晚上": "pm",
    "午前": "am", "午後": "pm", "오전": "am", "오후": "pm",
    # Thai, Vietnamese, Indonesian (older), Greek, Hebrew
    "ก่อนเที่ยง": "am", "หลังเที่ยง": "pm", "sa": "am", "ch": "pm", "sáng": "am", "chiều": "pm",
    "pagi": "am", "siang": "noon", "sore": "pm", "malam": "pm",
    "πμ": "am", "μμ": "pm", "לפנהצ": "am", "אחהצ": "pm",
}  # fmt: skip
"""Day-period words (the AM/PM of each language, as CLDR and older phone locales write them),
keyed by the word with dots, spaces and quote marks removed, casefolded. ``am``: 12 is 0h; ``pm``:
1-11 are 13-23h; ``noon`` (Chinese 中午, Indonesian siang): 11 and 12 stay, 1-10 are afternoon."""

CONNECTORS = frozenset({"à", "a", "klo", "kl", "um", "alle", "om", "o", "u", "в", "at", "ob"})
"""Words some locales put between the date and the time (French ``02.05.18 à 18:00``, Finnish
``12.3.2022 klo 14.08.18``, German ``um``, Italian ``alle``, Dutch ``om``, Russian ``в``)."""

_NUM = r"\d{1,4}"
_SP = r"[ ]?"
_WORDS = r"[^\W\d_][^\s\d\[\]:,\-]*(?: [^\W\d_][^\s\d\[\]:,\-]*){0,2}"
_DATE = (
    r"(?P<era>令和|平成|昭和|大正|[RHST])?[ ]?(?P<a>\d{1,4})[ ]?(?P<s1>[./\-]|年)[ ]?"
    r"(?P<b>\d{1,2})[ ]?(?P<s2>[./\-]|月)[ ]?(?P<c>\d{1,4})(?:日|\.)?"
)
_TIME = r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<se>\d{2}))?\.?"
_TERM = r"(?:(?P<close>\])[ ]|[ ]-[ ])"
_DATE_FIRST = re.compile(
    r"(?P<br>\[)?[ ]?" + _DATE + r"[,،]?[ ]*(?:(?P<w1>" + _WORDS + r")[ ]?)?" + _TIME
    + r"(?:[ ]?(?P<w2>" + _WORDS + r"))?" + _TERM
)  # fmt: skip
_TIME_FIRST = re.compile(
    r"(?P<br>\[)?[ ]?(?:(?P<w1>" + _WORDS + r")[ ]?)?" + _TIME
    + r"(?:[ ]?(?P<w2>" + _WORDS + r"))?[,،]?[ ]*" + _DATE + r"[ ]?" + _TERM
)  # fmt: skip
"""The header grammar (matched on a line with its marks removed, its no-break spaces made plain
spaces and its digits made ASCII). Words are checked against :data:`DAY_PERIODS` and
:data:`CONNECTORS` afterwards."""

_WORD_STRIP = re.compile(r"[\s.'\"\u05f3\u05f4]")

_SIGNAL_RE = re.compile(r"^\[\d{4}-\d{2}-\d{2}, \d{2}:\d{2}\] ")
"""Signal Desktop's export layout (``[2019-12-24, 12:23] Name: text``): ISO dates, a comma and no
seconds in brackets, which WhatsApp does not write."""


@dataclass(frozen=True)
class Layout:
    """Where the numbers of one header skeleton are (byte offsets from the line start).

    ``length``: bytes of the header with its ``] ``/`` - `` (the sender starts there);
    ``fields``: (offset, length) of the date's three numbers in written order, then hour,
    minute, second (length 0 when there are no seconds); ``year_first``: the first date number
    is the year; ``era_base``: Japanese era base year (0: none); ``period``: ``""``, ``am``,
    ``pm`` or ``noon``; ``buddhist_hint``: Thai day-period words (the phone uses the Thai
    calendar)."""

    length: int
    bracket: bool
    fields: tuple[tuple[int, int], ...]
    year_first: bool
    era_base: int
    period: str
    buddhist_hint: bool = False


_CLEAN_ALL = str.maketrans(
    {**{m: None for m in MARKS}, "\u00a0": " ", "\u202f": " ", "\u2009": " "}
    | {ch: str(i % 10) for i, ch in enumerate("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")}
)
_MARK_SET = frozenset(MARKS)


def _clean(text: str) -> tuple[str, list[int]]:
    """``text`` without marks, with plain spaces and ASCII digits, and the byte offset (in the
    UTF-8 of ``text``) of each character kept (plus the end)."""
    clean = text.translate(_CLEAN_ALL)
    if text.isascii():
        return clean, list(range(len(text) + 1))
    offs: list[int] = []
    pos = 0
    for ch in text:
        if ch not in _MARK_SET:
            offs.append(pos)
        pos += 1 if ch < "\x80" else 2 if ch < "\u0800" else 3 if ch < "\U00010000" else 4
    offs.append(pos)
    return clean, offs


def _period_of(words: str | None) -> tuple[str, bool] | None:
    """(period, connector seen) of the words before/after a time, None when a word is unknown."""
    if not words:
        return "", False
    key = _WORD_STRIP.sub("", words).casefold()
    if key in DAY_PERIODS:
        return DAY_PERIODS[key], False
    if key in CONNECTORS:
        return "", True
    first, _, rest = words.partition(" ")
    if first.casefold() in CONNECTORS and rest:
        key = _WORD_STRIP.sub("", rest).casefold()
        if key in DAY_PERIODS:
            return DAY_PERIODS[key], True
    return None


def _layout_of(m: re.Match, offs: list[int]) -> Layout | None:
    """The :class:`Layout` of a grammar match, or None when its words are no day periods."""
    if bool(m.group("br")) != bool(m.group("close")):
        return None
    p1 = _period_of(m.group("w1"))
    p2 = _period_of(m.group("w2"))
    if p1 is None or p2 is None or (p1[0] and p2[0]) or p2[1]:
        return None
    period = p1[0] or p2[0]
    fields = []
    for g in ("a", "b", "c", "h", "mi", "se"):
        if m.group(g) is None:
            fields.append((0, 0))
        else:
            fields.append((offs[m.start(g)], m.end(g) - m.start(g)))
    era = m.group("era")
    year_first = bool(era) or len(m.group("a")) >= 3 or m.group("s1") == "年"
    if (m.group("s1") == "年") != (m.group("s2") == "月"):
        return None
    words = (m.group("w1") or "") + (m.group("w2") or "")
    return Layout(
        length=offs[m.end()],
        bracket=bool(m.group("br")),
        fields=tuple(fields),
        year_first=year_first,
        era_base=dates.JAPANESE_ERAS[era] if era else 0,
        period=period,
        buddhist_hint="เที่ยง" in words,
    )


def header_layout(line: str) -> Layout | None:
    """The layout of a line that starts a message (its header and the rest), or None.

    >>> header_layout("12/03/2025, 18:04 - Ann: hi").fields[:3]
    ((0, 2), (3, 2), (6, 4))
    >>> header_layout("[٠٥/٠٣/٢٠٢٥، ٦:٠٤:١٠ م] Ann: hi").period
    'pm'
    >>> header_layout("Just some text - with a dash") is None
    True
    """
    clean, offs = _clean(line[:160])
    for rx in (_DATE_FIRST, _TIME_FIRST):
        m = rx.match(clean)
        if m:
            lay = _layout_of(m, offs)
            if lay is not None:
                return lay
    return None


def _skeleton_layout(skel: bytes) -> Layout | None:
    """The layout of a header skeleton (the header's bytes, digits made ``0``, up to and with
    its ``] ``/`` - ``), or None when it is no message header."""
    try:
        text = skel.decode("utf-8")
    except UnicodeDecodeError:
        return None
    clean, offs = _clean(text)
    for rx in (_DATE_FIRST, _TIME_FIRST):
        m = rx.fullmatch(clean)
        if m:
            lay = _layout_of(m, offs)
            if lay is not None:
                return lay
    return None


SYSTEM_RE = re.compile(
    # English
    r"end-to-end encrypted|security code (?:changed|with)|created group|created this group"
    r"|\bwere added\b|\bwas added\b|\badded\b|\bremoved\b|\bleft$|\bjoined using\b"
    r"|changed the (?:subject|group|description)|changed this group's|changed their phone number"
    r"|changed to \+|is now an admin|no longer an admin|deleted the group|"
    r"disappearing messages|turned (?:on|off) disappearing|pinned a message"
    r"|^You (?:created|were|joined|left|changed|added|removed)|^Messages (?:to this|and calls)"
    # the encryption notice in other languages
    r"|verschlüsselt|cifrad[oa]s|criptografad|chiffré|crittografat|versleuteld|şifreli"
    r"|зашифрован|مشفرة|رمزگذاری|एन्क्रिप्ट|端到端加密|暗号化|암호화|เข้ารหัส|mã hóa"
    r"|terenkripsi|dienkripsi|κρυπτογραφ|מוצפנ|salattuja|szyfrowan|krypter"
    # group changes in other languages (created / added / left)
    r"|hat die Gruppe|hat .+ hinzugefügt|hat die Gruppe verlassen|\bhinzugefügt\b"
    r"|creó el grupo|\bañadió\b|salió del grupo|criou o grupo|\badicionou\b|\bsaiu\b"
    r"|a créé le groupe|\ba ajouté\b|est parti|ha creato il gruppo|ha aggiunto|è uscit"
    r"|heeft groep .+ aangemaakt|heeft .+ toegevoegd|heeft de groep verlaten"
    r"|grubu(?:nu)? oluşturdu|ekledi|gruptan ayrıldı|создал\(?а?\)? группу|добавил|вышел\(?а?\)?"
    r"|أنشأ المجموعة|أضاف|غادر|گروه .+ را ساخت|اضافه کرد|خارج شد",
    re.IGNORECASE,
)
"""System lines: the encryption notice in 20 languages, and group changes (created, added, left,
subject changed...) in English and 12 more. Any line without a ``sender:`` is a system line
anyway; this list matters for iPhone lines, which put the chat's name as the "sender"."""

GROUP_HINT_RE = re.compile(
    r"created group|created this group|\badded\b|\bjoined using\b|\bleft$|\bremoved\b"
    r"|changed the (?:subject|group)|changed this group's|^You were added|group"
    r"|gruppe|grupo|groupe|gruppo|groep|grup|групп|مجموعة|گروه|समूह|群|グループ|그룹|กลุ่ม|nhóm"
    r"|ομάδα|קבוצה|hinzugefügt|añadió|adicionou|ajouté|aggiunto|toegevoegd|ekledi|добавил|أضاف",
    re.IGNORECASE,
)
"""System lines that show a group chat (any language listed: the word "group" and "added")."""

_TITLE_RE = re.compile(
    r"^(?:WhatsApp Chat|Chat de WhatsApp|Conversa do WhatsApp|Discussion WhatsApp|"
    r"WhatsApp-Chat|Chat WhatsApp|WhatsApp-chat|Чат WhatsApp|Czat WhatsApp)\s*"
    r"(?:with|mit|con|com|avec|met|с|z|-|\u2013)\s+(?P<title>.+?)"
    r"(?:\s*\(\d+\))?\.(?:txt|zip)$",
    re.IGNORECASE,
)


def sniff(name: str, head: str) -> Detection | None:
    """WhatsApp when a third or more of the first 60 non-empty lines start a message (the rest
    continue multi-line messages) and one of the first three does (a tool may add a line before
    the chat). Never raises."""
    try:
        lines = [ln for ln in head.splitlines()[:60] if ln.strip()]
        if not lines:
            return None
        matches = [header_layout(ln) for ln in lines]
        hits = [m for m in matches if m]
        if not any(matches[:3]) or len(hits) < max(1, len(lines) // 3):
            return None
        ios = sum(1 for m in hits if m.bracket) > len(hits) / 2
        if all(_SIGNAL_RE.match(ln) for ln, m in zip(lines, matches, strict=True) if m):
            return None  # Signal Desktop's text export, not WhatsApp
        return Detection(FORMAT, LABEL_IPHONE if ios else LABEL_ANDROID, 0.95)
    except Exception:  # noqa: BLE001 - a sniffer must never raise (see base.py)
        return None


_ZIP_EXPECTED = "WhatsApp chat exports (.txt, or the .zip WhatsApp makes with the chat)"


def sniff_zip(source: SourceFile) -> Detection | None:
    """A WhatsApp export .zip: it holds a ``_chat.txt``, ``WhatsApp Chat with X.txt`` or other
    ``.txt`` whose start sniffs as WhatsApp. None for any other readable zip; a WhatsApp-named
    chat that cannot be read (encrypted, a zip bomb) is still detected, so that :func:`parse`
    says why. Raises :class:`UnrecognisedFormatError` (only) for an archive that is not a readable
    zip at all."""
    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as zf:
            member = _chat_member(zf)
            if member is None:
                return None
            named = _whatsapp_named(member)
            try:
                head = _read_member(zf, member, source.name, 65536)
            except UnusableFileError:
                if named:
                    return Detection(FORMAT, LABEL_ANDROID + " in a .zip", 0.6)
                return None
    except UnusableFileError:
        return None
    except Exception as exc:  # noqa: BLE001 - zipfile raises many types on damaged archives
        raise UnrecognisedFormatError(
            source.name, f"not a readable .zip archive ({_zip_error(exc)})", _ZIP_EXPECTED
        ) from exc
    text = _normalise(_utf8(head)).decode("utf-8", errors="replace").lstrip("\ufeff")
    det = sniff(member.filename, text)
    if det is None:
        return None
    return Detection(
        det.format, det.label + " in a .zip", det.confidence, (f"read {member.filename}",)
    )


def _zip_error(exc: BaseException) -> str:
    """A short reason for a zipfile failure."""
    msg = str(exc) or type(exc).__name__
    if "encrypted" in msg or "password" in msg:
        return "it is password-protected"
    return msg[:120]


def _whatsapp_named(info: zipfile.ZipInfo) -> bool:
    base = info.filename.rsplit("/", 1)[-1].lower()
    return base == "_chat.txt" or "whatsapp" in base


def _chat_member(zf: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    """The chat text in an archive: ``_chat.txt`` or a ``*WhatsApp*.txt`` first, else the largest
    ``.txt``; None when there is no ``.txt``."""
    txts = [i for i in zf.infolist() if not i.is_dir() and i.filename.lower().endswith(".txt")]
    if not txts:
        return None
    return sorted(txts, key=lambda i: (0 if _whatsapp_named(i) else 1, -i.file_size))[0]


def _read_member(zf: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``member``: :class:`UnusableFileError` when it is encrypted,
    declares or turns out to be larger than :data:`MAX_MEMBER_BYTES`, expands more than
    :data:`MAX_COMPRESSION_RATIO` times, or cannot be decompressed."""
    where = member.filename
    if member.flag_bits & 0x1:
        raise UnusableFileError(name, "the .zip is password-protected; export the chat again "
                                "without a password", where)  # fmt: skip
    if member.file_size > MAX_MEMBER_BYTES:
        raise UnusableFileError(
            name,
            f"{member.filename} would unpack to {member.file_size:,} bytes, more than the "
            f"{MAX_MEMBER_BYTES:,} closeknit reads from a .zip",
        )
    ratio_cap = max(member.compress_size, 1) * MAX_COMPRESSION_RATIO
    if member.file_size > max(ratio_cap, 1 << 20):
        raise UnusableFileError(
            name, f"{member.filename} expands {member.file_size:,} bytes from "
            f"{member.compress_size:,}: a zip bomb, not a chat export", where)  # fmt: skip
    cap = min(limit, MAX_MEMBER_BYTES, max(ratio_cap, 1 << 20))
    try:
        with zf.open(member) as fh:
            data = fh.read(cap + 1)
    except UnusableFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - zipfile/zlib raise many types on damaged data
        raise UnusableFileError(
            name, f"the chat in the .zip cannot be unpacked ({_zip_error(exc)})", where
        ) from exc
    if len(data) > cap and cap < limit:
        raise UnusableFileError(
            name, f"{member.filename} unpacks to more bytes than it declares or than closeknit "
            "reads from a .zip (a zip bomb?)", where)  # fmt: skip
    return data[:limit]


def _zip_chat(source: SourceFile) -> tuple[str, bytes]:
    """The chat text inside a WhatsApp .zip export: (member name, bytes). Raises
    :class:`UnusableFileError` for anything else."""
    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as zf:
            member = _chat_member(zf)
            if member is None:
                raise UnusableFileError(source.name, "the .zip holds no .txt chat file")
            return member.filename, _read_member(zf, member, source.name, MAX_MEMBER_BYTES)
    except UnusableFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - zipfile raises many types on damaged archives
        raise UnusableFileError(
            source.name, f"not a readable .zip archive ({_zip_error(exc)})"
        ) from exc


def _chat_bytes(source: SourceFile) -> tuple[str, bytes]:
    """(name to take the chat title from, normalised UTF-8 bytes of the chat text) for a .txt or
    .zip."""
    data = source.data
    name = source.name
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".zip"):
        member, data = _zip_chat(source)
        inner = member.rsplit("/", 1)[-1]
        name = inner if _TITLE_RE.match(inner) else name
    return name, _normalise(_utf8(data))


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


_CHECK_BYTES = 1 << 22
"""Bytes searched at a time for CR and the lead bytes of Eastern Arabic/Persian digits: the
three searches then read each stretch of the file from the cache, not from memory."""


def _normalise(data: bytes) -> bytes:
    """Line ends made LF (CRLF, and a lone CR, each end a line) and Eastern Arabic/Persian
    digits made ASCII (both only when present: the checks are single byte searches)."""
    todo = [b"\r", b"\xd9", b"\xdb"]  # CR; the lead bytes of the digits U+0660-9, U+06F0-9
    for a in range(0, len(data), _CHECK_BYTES):
        todo = [x for x in todo if data.find(x, a, a + _CHECK_BYTES) < 0]
        if not todo:
            break
    if b"\r" not in todo:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if b"\xd9" in todo and b"\xdb" in todo:
        return data
    return dates.ascii_digits_bytes(data)


def chat_title(name: str) -> str:
    """The chat's title from the export's file name (``WhatsApp Chat with Anna.txt`` -> ``Anna``),
    or "" when the name does not say."""
    m = _TITLE_RE.match(name.rsplit("/", 1)[-1])
    return nfc(m.group("title")) if m else ""


# --------------------------------------------------------------------------------------------
# the scanner: message lines, their date and time numbers and senders, with numpy over the bytes

_W_WIDE = 160  # for the lines whose header is longer (Thai day periods, many marks)
_SW = 16  # bytes looked at for a sender name (most names), then
_SW_WIDE = 96  # for the longer ones; longer still is read in Python
_PAD = 256  # > the widest window plus the furthest offset past a line start
_BLOCK = 1 << 22  # bytes scanned at a time
_FIRST_BYTES = np.zeros(256, dtype=bool)
"""The bytes a message line can start with: a digit, ``[``, an era letter (``R6.03.05``) or the
first byte of a non-ASCII character (a mark, an era or day-period word)."""
_FIRST_BYTES[list(b"0123456789[RHST")] = True
_FIRST_BYTES[0x80:] = True


class _Bytes:
    """The file's bytes as uint8, readable past the end (as zeros) without copying the file."""

    def __init__(self, data: bytes | memoryview) -> None:
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
        """Rows of ``width`` bytes starting at each offset (a C-contiguous copy).

        The bytes are indexed as overlapping ``width``-byte items (one per byte offset), so each
        row is one item copy: several times faster than indexing a 2-D sliding window."""
        limit = self.n - width
        if limit < 0:
            return _rows(self.tail, offsets - self.base, width)
        if not len(offsets) or offsets.max() <= limit:
            return _rows(self.arr, offsets, width)
        out = _rows(self.arr, np.minimum(offsets, limit), width)
        late = np.flatnonzero(offsets > limit)
        if len(late):
            out[late] = _rows(self.tail, offsets[late] - self.base, width)
        return out


def _rows(arr: np.ndarray, offsets: np.ndarray, width: int) -> np.ndarray:
    """``arr[o : o + width]`` for each offset ``o`` (all within ``arr``), as a (len, width)
    uint8 array."""
    items = np.ndarray(
        (len(arr) - width + 1,), dtype=np.dtype((np.void, width)), buffer=arr, strides=(1,)
    )
    return items[offsets].view(np.uint8).reshape(len(offsets), width)


def _prefix_masks(width: int) -> np.ndarray:
    """``masks[k]`` keeps the first k bytes of a ``width``-byte row, as uint64 words."""
    m = np.zeros((width + 1, width), dtype=np.uint8)
    for k in range(width + 1):
        m[k, :k] = 0xFF
    return m.view(np.uint64)


_HMASK_WIDE = _prefix_masks(_W_WIDE)
_SMASK = _prefix_masks(_SW)
_WMASK = _prefix_masks(_SW_WIDE)


def _factorize_words(words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact codes of equal rows of uint64 words (rows in file order). Returns (codes, index of
    each code's first row).

    Chat lines repeat their header skeleton and often their sender from one line to the next, so
    only the rows that differ from the row before are hashed and factorised."""
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


def _factorize_few(words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_factorize_words` for rows with few distinct values that change from row to row
    (chat senders): every row is hashed, and the codes checked exactly against the rows."""
    m = len(words)
    if m == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    h = words[:, 0].copy()
    for k in range(1, words.shape[1]):
        h *= np.uint64(0x9E3779B97F4A7C15)
        h ^= words[:, k]
    codes, _ = pd.factorize(h)
    first = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
    if not (words == words[first][codes]).all():  # a hash collision: exact but slower
        return _factorize_words(words)
    return codes.astype(np.int64), first


def _find_colon(pad: _Bytes, ss: np.ndarray, room: np.ndarray, width: int):
    """For windows of ``width`` bytes at ``ss``: (found, column of the first ':' on the line,
    the window rows)."""
    swin = pad.gather(ss, width)
    ccol = np.argmax(swin == 0x3A, axis=1)
    found = (swin[np.arange(len(ss)), ccol] == 0x3A) & (ccol < room)
    return found, ccol, swin


def _names(win: np.ndarray, length: np.ndarray, first: np.ndarray) -> list[str]:
    return [bytes(win[i, : length[i]]).decode("utf-8", errors="replace").strip() for i in first]


_SENDER_SAMPLE = 256
"""Lines of a block whose senders are read one by one to pick the block's frequent senders."""
_SENDER_TEMPLATES = 4  # at most this many frequent senders are compared as whole words


def _colon_codes(
    swin: np.ndarray, sroom: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For sender windows ``swin`` (``_SW`` bytes, ``sroom`` bytes left on each line): (a ':'
    is in the window, sender length (0 without one), code of equal senders in order of first
    appearance, each code's first row, the masked windows the codes were made from)."""
    ccol = np.argmax(swin == 0x3A, axis=1)
    has = (swin[np.arange(len(swin)), ccol] == 0x3A) & (ccol < sroom)
    slen = np.where(has, ccol, 0)
    keys = swin.view(np.uint64) & _SMASK[slen]
    codes, first = _factorize_few(keys)
    return has, slen, codes, first, keys


def _exact_words(key: bytes, width: int, at: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(mask of the bytes ``at : at + len(key)``, ``key`` there and zeros elsewhere) as uint64
    words of a ``width``-byte window."""
    mask = np.zeros(width, dtype=np.uint8)
    mask[at : at + len(key)] = 0xFF
    val = np.zeros(width, dtype=np.uint8)
    val[at : at + len(key)] = np.frombuffer(key, dtype=np.uint8)
    return mask.view(np.uint64), val.view(np.uint64)


def _sender_codes(senders: dict[str, int], names: list[str]) -> np.ndarray:
    """The codes of ``names`` (in order of first appearance) in the file's ``senders``, new
    names added; -1 for a name that is empty once its marks are gone (no sender)."""
    return np.array(
        [senders.setdefault(nm, len(senders)) if nm.strip(MARKS + " ") else -1 for nm in names]
        or [-1],
        dtype=np.int64,
    )


def _plain_senders(
    swin: np.ndarray, sroom: np.ndarray, senders: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_narrow_senders` read line by line (a ':' searched in every window)."""
    has, slen, codes, first, _ = _colon_codes(swin, sroom)
    gcode = _sender_codes(senders, _names(swin, slen, first))
    return has, slen, np.where(has, gcode[codes], -1)


def _sample_senders(swin: np.ndarray, sroom: np.ndarray) -> list[bytes]:
    """The senders (bytes) of a few lines' sender windows that write a twentieth or more of
    them, most frequent first (at most :data:`_SENDER_TEMPLATES`)."""
    has, slen, codes, first, _ = _colon_codes(swin, sroom)
    counts = np.bincount(codes)
    out = []
    for c in np.argsort(-counts, kind="stable")[:_SENDER_TEMPLATES].tolist():
        i = int(first[c])
        name = bytes(swin[i, : slen[i]])
        if has[i] and name and b"\x00" not in name and counts[c] * 20 >= len(swin):
            out.append(name)
    return out


@dataclass
class _SenderStarts:
    """Where the senders of a block's message lines start: after the header (``hlen`` bytes,
    one length for all lines or one per line) of the lines at ``s`` (``room`` bytes long)."""

    s: np.ndarray
    room: np.ndarray
    hlen: int | np.ndarray

    def at(self, rows: Any = slice(None)) -> Any:
        """The sender start of the lines ``rows`` (a slice, indices or one index)."""
        return self.s[rows] + (self.hlen if isinstance(self.hlen, int) else self.hlen[rows])

    def room_at(self, rows: Any = slice(None)) -> Any:
        """The bytes from the sender start to the line end of the lines ``rows``."""
        return self.room[rows] - (self.hlen if isinstance(self.hlen, int) else self.hlen[rows])


def _narrow_senders(
    pad: _Bytes,
    st: _SenderStarts,
    hint: list[bytes],
    senders: dict[str, int],
    win: np.ndarray | None = None,
    at: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The senders whose name and ':' fit in the :data:`_SW` bytes at the sender starts
    ``st``: (has a ':' there, sender length, code in the file's ``senders`` (-1: a name that
    is empty or only marks)). The block's new names are added to ``senders`` in order of first
    appearance.

    A chat has a few frequent writers: ``hint`` holds those of the block before (it is updated
    for the next block); without them the block's first lines are read to find them. They are
    compared with every line as one or two whole words (name and ':'), in the header windows
    ``win`` when given (every sender then starts ``at`` bytes into its window); only the other
    lines are searched for their ':' and their names told apart by hashing."""
    m = len(st.s)
    if m <= 4 * _SENDER_SAMPLE:
        hint.clear()
        return _plain_senders(pad.gather(st.at(), _SW), st.room_at(), senders)
    sample = slice(0, _SENDER_SAMPLE)
    templates = list(hint) or _sample_senders(pad.gather(st.at(sample), _SW), st.room_at(sample))
    swin = None  # the sender windows, when read
    if win is None or at + _SW > win.shape[1]:
        win = swin = pad.gather(st.at(), _SW)
        at = 0
    words = win.view(np.uint64)
    found: list[tuple[int, int, np.ndarray]] = []  # (first row, template, its rows as a mask)
    hits = 0
    for j, name in enumerate(templates):
        mask, val = _exact_words(name + b":", win.shape[1], at)
        hit: np.ndarray | None = None
        for k in np.flatnonzero(mask).tolist():
            eq = (words[:, k] & mask[k]) == val[k]
            hit = eq if hit is None else np.logical_and(hit, eq, out=hit)
        assert hit is not None  # a template has a ':' at least
        count = int(np.count_nonzero(hit))
        if count:
            found.append((int(np.argmax(hit)), j, hit))
            hits += count
    hint[:] = [templates[j] for _, j, _ in found] if hits * 10 >= m * 9 else []
    if not found:
        swin = pad.gather(st.at(), _SW) if swin is None else swin
        return _plain_senders(swin, st.room_at(), senders)
    if hits == m:  # (a line matches one template at most: names hold no ':')
        rest = np.zeros(0, dtype=np.int64)
    else:
        matched = np.zeros(m, dtype=bool)
        for _, _, hit in found:
            matched |= hit
        rest = np.flatnonzero(~matched)
    r_win = pad.gather(st.at(rest), _SW)
    r_has, r_len, r_codes, r_first, r_keys = _colon_codes(r_win, st.room_at(rest))
    # rows of other bytes that hash like a frequent sender (a name padded with NUL bytes): the
    # template shortcut would tell them apart, so read the block the plain way
    for _, j, _ in found:
        _, val = _exact_words(templates[j], _SW)
        if len(r_first) and (r_keys[r_first] == val).all(axis=1).any():
            hint.clear()
            return _plain_senders(pad.gather(st.at(), _SW), st.room_at(), senders)
    # number the senders of both kinds by their first line, as one pass over all lines would
    firsts = [r for r, _, _ in found] + rest[r_first].tolist()
    names = [templates[j].decode("utf-8", errors="replace").strip() for _, j, _ in found]
    names += _names(r_win, r_len, r_first)
    order = np.argsort(np.array(firsts), kind="stable")
    gcode = np.empty(len(names), dtype=np.int64)
    gcode[order] = _sender_codes(senders, [names[i] for i in order.tolist()])
    # each line's sender: the first template's, then the others' where they matched
    sender = np.full(m, gcode[0], dtype=np.int64)
    slen = np.full(m, len(templates[found[0][1]]), dtype=np.int64)
    for k, (_, j, hit) in enumerate(found[1:], start=1):
        np.copyto(sender, gcode[k], where=hit)
        np.copyto(slen, len(templates[j]), where=hit)
    has = np.ones(m, dtype=bool)
    sender[rest] = np.where(r_has, gcode[len(found) + r_codes], -1)
    has[rest] = r_has
    slen[rest] = r_len
    return has, slen, sender


class _Layouts:
    """The header layouts met in one scan: skeleton bytes -> layout id (-1: no header)."""

    def __init__(self) -> None:
        self.by_skeleton: dict[bytes, int] = {}
        self.layouts: list[Layout] = []

    def ids(self, skeletons: list[bytes]) -> np.ndarray:
        out = np.empty(len(skeletons), dtype=np.int64)
        for i, sk in enumerate(skeletons):
            lid = self.by_skeleton.get(sk)
            if lid is None:
                lay = _skeleton_layout(sk)
                if lay is None:
                    lid = -1
                else:
                    lid = len(self.layouts)
                    self.layouts.append(lay)
                self.by_skeleton[sk] = lid
            out[i] = lid
        return out

    def lengths(self) -> np.ndarray:
        """Header length of every layout, indexed by layout id."""
        return np.array([x.length for x in self.layouts] or [0], dtype=np.int64)


_DKEY = (1_000_000, 10_000)
"""A date's three written numbers (up to 4, 2 and 4 digits) packed into one integer:
``f1 * 1_000_000 + f2 * 10_000 + f3``."""


@dataclass
class _Scan:
    """The message lines of a chat export, as parallel arrays (one entry per message line)."""

    line_no: np.ndarray  # 1-based line number
    start: np.ndarray  # byte offset of the line
    layout: np.ndarray  # layout id (into layouts)
    layouts: list[Layout]
    # the lines come in runs with one written date and layout: the first line of each run and
    # its date's written numbers (see _DKEY)
    run_head: np.ndarray
    run_dkey: np.ndarray
    tod: np.ndarray  # seconds since midnight, -1 for an impossible time
    sender: np.ndarray  # code into senders; -1 = system line
    senders: list[str]
    text_check: np.ndarray  # indices whose text must be looked at (iPhone U+200E lines)
    texts: dict[int, str]  # text of system lines and checked lines, by index
    garbage_lines: list[int]  # non-empty lines before the first message line
    n_lines: int = 0  # lines in the scanned bytes

    @property
    def dkey(self) -> np.ndarray:
        """The date's written numbers (see :data:`_DKEY`), per message line."""
        return np.repeat(self.run_dkey, np.diff(self.run_head, append=len(self.layout)))

    @property
    def bracket(self) -> np.ndarray:
        """Per message line: iPhone (bracketed) layout."""
        tab = np.array([x.bracket for x in self.layouts] or [False], dtype=bool)
        return tab[self.layout]

    @property
    def f1(self) -> np.ndarray:
        """The date's first written number, per message line."""
        return self.dkey // _DKEY[0]

    @property
    def f2(self) -> np.ndarray:
        return self.dkey // _DKEY[1] % 100

    @property
    def f3(self) -> np.ndarray:
        return self.dkey % _DKEY[1]

    @property
    def time_ok(self) -> np.ndarray:
        return self.tod >= 0

    @property
    def hour(self) -> np.ndarray:
        return np.where(self.tod >= 0, self.tod // 3600, -1)

    @property
    def minute(self) -> np.ndarray:
        return np.where(self.tod >= 0, self.tod // 60 % 60, -1)

    @property
    def second(self) -> np.ndarray:
        return np.where(self.tod >= 0, self.tod % 60, -1)


def _skeleton_ids(
    skel: np.ndarray, rows: np.ndarray, hlen: np.ndarray | int, masks: np.ndarray, lays: _Layouts
) -> np.ndarray:
    """Layout ids of the skeleton rows ``rows`` cut at their header lengths ``hlen`` (one length
    for all, or one per row)."""
    whole = len(rows) == len(skel)  # rows is then every row, in order
    words = (skel if whole else np.ascontiguousarray(skel[rows])).view(np.uint64)
    if isinstance(hlen, int):
        nwords = -(-hlen // 8)
        words = words[:, :nwords] & masks[hlen, :nwords]
        codes, first = _factorize_words(words)
        sk_bytes = [bytes(skel[rows[i], :hlen]) for i in first.tolist()]
    else:
        codes, first = _factorize_words(words & masks[hlen])
        sk_bytes = [bytes(skel[rows[i], : hlen[i]]) for i in first.tolist()]
    return lays.ids(sk_bytes)[codes]


def _headers(
    pad: _Bytes,
    s: np.ndarray,
    room: np.ndarray,
    width: int,
    masks: np.ndarray,
    lays: _Layouts,
    hints: tuple[int, ...],
    extra: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For lines starting at ``s`` (``room`` bytes long): (layout id or -1, the windows of
    ``width + extra`` bytes at the line starts, whether the header may be longer than ``width``).

    The header lengths in ``hints`` (those of the file's first lines) are tried first with a
    look at two or three bytes; the other lines are searched for their first ``- ``/``] ``."""
    win = pad.gather(s, width + extra)
    head = win[:, :width] if extra else win
    isd = (head - 48) < 10
    skel = head & (np.uint8(255) - isd.view(np.uint8) * np.uint8(15))  # digits -> '0'
    n = len(s)
    lid = np.full(n, -1, dtype=np.int64)
    todo = np.arange(n)
    for length in hints:
        if length > width or length < 8 or not len(todo):
            continue
        cols = win[:, length - 3 : length]
        if len(todo) < n:
            cols = cols[todo]
        before, sep, sp = cols[:, 0], cols[:, 1], cols[:, 2]
        hit = (sp == 0x20) & (((sep == 0x2D) & (before == 0x20)) | (sep == 0x5D))
        hit &= (room if len(todo) == n else room[todo]) >= length
        rows = todo[hit]
        if len(rows):
            lid[rows] = _skeleton_ids(skel, rows, length, masks, lays)
            todo = np.sort(np.concatenate([todo[~hit], rows[lid[rows] < 0]]))
    longer = np.zeros(n, dtype=bool)
    if len(todo):
        t_win = head[todo]
        near = isd[todo, :16].any(axis=1)
        term = ((t_win[:, :-1] == 0x2D) | (t_win[:, :-1] == 0x5D)) & (t_win[:, 1:] == 0x20)
        j = np.argmax(term, axis=1)
        hlen = j + 2
        found = term[np.arange(len(todo)), j] & near & (hlen <= room[todo])
        longer[todo] = ~found & near & (room[todo] > width - 2)
        rows = todo[found]
        if len(rows):
            lid[rows] = _skeleton_ids(skel, rows, hlen[found], masks, lays)
    return lid, win, longer


def _fields(sub: np.ndarray, lay: Layout) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(date key, seconds since midnight or -1, all digits are digits) of header windows
    ``sub`` of layout ``lay``."""
    vals = []
    ok = np.ones(len(sub), dtype=bool)
    for off, ln in lay.fields:
        v = np.zeros(len(sub), dtype=np.int64)
        for j in range(off, off + ln):
            d = sub[:, j] - np.uint8(48)
            ok &= d < 10
            v = v * 10 + d
        vals.append(v)
    hour, minute, second = vals[3], vals[4], vals[5]
    # an hour above 12 with a day period is taken as written (24-hour)
    if lay.period == "am":
        hour = np.where(hour == 12, 0, hour)
    elif lay.period == "pm":
        hour = np.where(hour < 12, hour + 12, hour)
    elif lay.period == "noon":  # 11 and 12 stay
        hour = np.where(hour < 11, hour + 12, hour)
    good = (hour < 24) & (minute < 60) & (second < 60)
    dkey = vals[0] * _DKEY[0] + vals[1] * _DKEY[1] + vals[2]
    return dkey, np.where(good, hour * 3600 + minute * 60 + second, -1), ok


_NOT_DIGITS = 1 << 28
"""A time field's value when its bytes are not all digits (three of them still fit in int32)."""
_NO_TIME = 1 << 24
"""A time field's value when its digits are out of range (25 o'clock, minute 61)."""
_LUTS: dict[tuple[int, int, int, str], np.ndarray] = {}


def _field_lut(width: int, unit: int, limit: int, period: str) -> np.ndarray:
    """Seconds that a ``width``-digit (1 or 2) time field stands for, indexed by its bytes read
    as a little-endian integer: the value (made 24-hour by ``period``, as in
    :func:`_fields`) times ``unit`` when below ``limit``, else :data:`_NO_TIME`;
    :data:`_NOT_DIGITS` for bytes that are not digits. Made once per kind."""
    key = (width, unit, limit, period)
    if key not in _LUTS:
        lut = np.full(256**width, _NOT_DIGITS, dtype=np.int32)
        for v in range(10**width):
            val = v
            if period == "am" and val == 12:
                val = 0
            elif (period == "pm" and val < 12) or (period == "noon" and val < 11):
                val += 12  # noon: 11 and 12 stay
            code = int.from_bytes(f"{v:0{width}d}".encode(), "little")
            lut[code] = val * unit if val < limit else _NO_TIME
        _LUTS[key] = lut
    return _LUTS[key]


def _time_of_day(sub: np.ndarray, lay: Layout) -> tuple[np.ndarray, np.ndarray]:
    """(seconds since midnight or -1, all digits are digits) of header windows ``sub`` of layout
    ``lay``. Each field's one or two bytes are read in place (an unaligned uint8/uint16 view)
    and looked up in a table (:func:`_field_lut`) that gives its seconds or flags it; the sum
    tells both."""
    fields = lay.fields[3:]
    if not sub.flags.c_contiguous or any(ln > 2 for _, ln in fields):
        _, tod, ok = _fields(sub, lay)
        return tod, ok
    total: np.ndarray | None = None
    for (off, ln), unit, limit, period in zip(
        fields, (3600, 60, 1), (24, 60, 60), (lay.period, "", ""), strict=True
    ):
        if ln == 0:
            continue
        raw = np.ndarray(
            shape=(len(sub),), dtype=f"<u{ln}", buffer=sub, offset=off, strides=(sub.strides[0],)
        )
        v = _field_lut(ln, unit, limit, period).take(raw)
        total = v if total is None else np.add(total, v, out=total)
    assert total is not None  # the grammar always has an hour and a minute
    ok = total < _NOT_DIGITS
    total[total >= _NO_TIME] = -1  # (int32: these are the scan's seconds of the day)
    return total, ok


def _span(lay: Layout, which: slice) -> tuple[int, int]:
    """(first byte, length) of the date (fields 0-2) or time (3-5) of a layout."""
    spans = [(off, off + ln) for off, ln in lay.fields[which] if ln]
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    return lo, hi - lo


def _numbers(
    win: np.ndarray, lid: np.ndarray, lays: _Layouts
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(date key, seconds since midnight or -1, the digit places hold digits) of header windows
    with layout ids ``lid`` (all >= 0): the digits at each layout's offsets, the hour on the
    24-hour clock.

    A chat repeats its dates: runs of lines with the same date bytes are read once."""
    n = len(lid)
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.ones(0, dtype=bool)
    first = int(lid[0])
    if bool((lid == first).all()):
        return _layout_numbers(win, lays.layouts[first])
    dkey = np.zeros(n, dtype=np.int64)
    tod = np.zeros(n, dtype=np.int64)
    ok = np.ones(n, dtype=bool)
    for k in np.unique(lid).tolist():
        rows = np.flatnonzero(lid == k)
        dkey[rows], tod[rows], ok[rows] = _layout_numbers(win[rows], lays.layouts[k])
    return dkey, tod, ok


def _layout_numbers(sub: np.ndarray, lay: Layout) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_numbers` of header windows that all have layout ``lay``."""
    heads, dk, t, ok = _layout_runs(sub, lay)
    if len(heads) == len(sub):
        return dk, t, ok
    return np.repeat(dk, np.diff(heads, append=len(sub))), t, ok


def _layout_runs(
    sub: np.ndarray, lay: Layout
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(first row of each run of rows with the same date bytes, the date key of each run,
    seconds since midnight or -1, the digit places hold digits) of header windows ``sub`` that
    all have layout ``lay``."""
    d0, dl = _span(lay, slice(0, 3))
    change = _changes(sub, d0, dl)
    if change is None:
        dkey, tod, ok = _fields(sub, lay)
        return np.arange(len(sub)), dkey, tod, ok
    heads = np.flatnonzero(change)
    dk, _, d_ok = _fields(sub[heads], lay)
    t, ok = _time_of_day(sub, lay)
    if not d_ok.all():
        ok &= np.repeat(d_ok, np.diff(heads, append=len(sub)))
    return heads, dk, t, ok


def _changes(sub: np.ndarray, d0: int, dl: int) -> np.ndarray | None:
    """Per row of ``sub`` (C-contiguous windows): its bytes ``d0 : d0 + dl`` differ from the row
    before (the first row: True); None when they do not lie in whole 8-byte loads of the row.
    The bytes are compared as (unaligned) little-endian words read in place."""
    n = len(sub)
    if not sub.flags.c_contiguous or d0 + -(-dl // 8) * 8 > sub.shape[1]:
        return None
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for off in range(d0, d0 + dl, 8):
        k = min(8, d0 + dl - off)
        w = np.ndarray((n,), dtype="<u8", buffer=sub, offset=off, strides=(sub.strides[0],))
        x = w[1:] ^ w[:-1]
        if k < 8:
            x &= np.uint64((1 << (8 * k)) - 1)
        change[1:] |= x != 0
    return change


def _templates(data: bytes, lays: _Layouts) -> list[tuple[bytes, int]]:
    """The header skeletons of the file's first lines, most frequent first (at most four), with
    their layout ids: the scanner's fast path compares every line with these."""
    counts: dict[bytes, int] = {}
    for line in data[:8192].split(b"\n")[:60]:
        text = line.decode("utf-8", errors="replace")
        lay = header_layout(text)
        if lay is not None and lay.length <= 40:
            skel = text.encode("utf-8")[: lay.length].translate(_TO_ZERO)
            counts[skel] = counts.get(skel, 0) + 1
    top = sorted(counts, key=lambda k: -counts[k])[:4]
    ids = lays.ids(top)
    return [(sk, int(i)) for sk, i in zip(top, ids, strict=True) if i >= 0]


_TO_ZERO = bytes.maketrans(b"0123456789", b"0000000000")


def _template_masks(skel: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(mask of the non-digit bytes, their values) of a skeleton, as uint64 words."""
    width = -(-len(skel) // 8) * 8
    mask = np.zeros(width, dtype=np.uint8)
    val = np.zeros(width, dtype=np.uint8)
    for i, ch in enumerate(skel):
        if ch != 48:
            mask[i] = 0xFF
            val[i] = ch
    return mask.view(np.uint64), val.view(np.uint64)


def _column_types(size: int) -> dict[str, type[np.signedinteger]]:
    """The dtypes of the per-line arrays of a :class:`_Scan` of ``size`` bytes (in this order):
    32 bits where the values fit (line numbers and byte offsets of a file below 2 GiB, layout
    ids, seconds of the day), 64 bits for sender codes."""
    pos = np.int32 if size < 2**31 - 1 else np.int64
    return {
        "line_no": pos,
        "start": pos,
        "layout": np.int32,
        "tod": np.int32,
        "sender": np.int64,  # counted with np.bincount, which reads 64-bit codes without a copy
    }


_ROW_BYTES, _ROW_FLOOR = 32, 1024
"""Message lines first made room for: one per 32 bytes of the file, and 1024 more (grown when a
file has more)."""


def _scan(data: bytes) -> _Scan:
    """The message lines of a whole (normalised) export: the file is scanned in blocks of about
    :data:`_BLOCK` bytes cut at line ends, and the blocks' results merged."""
    lays = _Layouts()
    templates = _templates(data, lays)
    types = _column_types(len(data))
    if len(data) <= 2 * _BLOCK:
        scan = _scan_block(data, lays, 0, 0, templates, [])
        for c, dt in types.items():
            setattr(scan, c, getattr(scan, c).astype(dt, copy=False))
        return scan
    view = memoryview(data)
    cuts = [0]
    while cuts[-1] < len(data):
        nxt = data.find(b"\n", cuts[-1] + _BLOCK)
        cuts.append(len(data) if nxt < 0 else nxt + 1)
    senders: dict[str, int] = {}
    sender_hint: list[bytes] = []
    # the blocks' rows are copied into arrays made once (and grown if ever needed), so that a
    # block's arrays are freed before the next block is read
    rows = len(data) // _ROW_BYTES + _ROW_FLOOR
    out: dict[str, np.ndarray] = {c: np.empty(rows, dtype=dt) for c, dt in types.items()}
    k = 0
    texts: dict[int, str] = {}
    checks: list[np.ndarray] = []
    heads: list[np.ndarray] = []
    run_dkeys: list[np.ndarray] = []
    garbage: list[int] = []
    line0 = 0
    seen_message = False
    for a, b in zip(cuts, cuts[1:], strict=False):
        part = _scan_block(view[a:b], lays, line0, a, templates, sender_hint, senders)
        m = len(part.line_no)
        if not seen_message:
            garbage += part.garbage_lines
            seen_message = m > 0
        if k + m > len(out["tod"]):
            size = max(2 * len(out["tod"]), k + m)
            out = {
                c: np.concatenate([v[:k], np.empty(size - k, dtype=v.dtype)])
                for c, v in out.items()
            }
        for c in types:
            out[c][k : k + m] = getattr(part, c)
        texts.update({i + k: t for i, t in part.texts.items()})
        checks.append(part.text_check + k)
        heads.append(part.run_head + k)
        run_dkeys.append(part.run_dkey)
        line0 += part.n_lines
        k += m
        del part
    return _Scan(
        line_no=out["line_no"][:k],
        start=out["start"][:k],
        layout=out["layout"][:k],
        layouts=lays.layouts,
        run_head=np.concatenate(heads),
        run_dkey=np.concatenate(run_dkeys),
        tod=out["tod"][:k],
        sender=out["sender"][:k],
        senders=list(senders),
        text_check=np.concatenate(checks),
        texts=texts,
        garbage_lines=garbage,
        n_lines=line0,
    )


_W_GENERIC = 32
"""Bytes of a line looked at for its header when it matches none of the file's templates."""


def _match_templates(
    pad: _Bytes, s: np.ndarray, room: np.ndarray, templates: list[tuple[bytes, int]]
) -> tuple[np.ndarray, np.ndarray | None, int, int]:
    """Layout ids of the lines at ``s`` whose non-digit header bytes are exactly those of one of
    the templates (-1 for the others), the windows read (the header and the first :data:`_SW`
    sender bytes), and how many lines matched a template and the first template. The digit
    places are checked when the numbers are read."""
    lid = np.full(len(s), -1, dtype=np.int64)
    if not templates or not len(s):
        return lid, None, 0, 0
    width = -(-(max(len(t) for t, _ in templates) + _SW) // 8) * 8
    win = pad.gather(s, width)
    words = win.view(np.uint64)
    counts = []
    for i, (skel, tid) in enumerate(templates):
        mask, val = _template_masks(skel)
        hit = room >= len(skel)
        for k in range(len(mask)):
            hit &= (words[:, k] & mask[k]) == val[k]
        if i:
            hit &= lid < 0
        counts.append(int(np.count_nonzero(hit)))
        if counts[-1]:
            lid[hit] = tid
        if sum(counts) == len(s):
            break
    return lid, win, sum(counts), counts[0]


def _scan_block(
    data: bytes | memoryview,
    lays: _Layouts,
    line0: int,
    byte0: int,
    templates: list[tuple[bytes, int]] = (),  # type: ignore[assignment]
    sender_hint: list[bytes] | None = None,
    senders: dict[str, int] | None = None,
) -> _Scan:
    """The message lines of one block of whole lines (see :func:`_scan`); ``line0`` lines and
    ``byte0`` bytes come before the block; ``sender_hint``: the frequent senders of the block
    before (see :func:`_narrow_senders`; updated); ``senders``: the file's senders so far, by
    code (the block's new ones are added).

    Lines are first compared with the file's templates (a few word comparisons per line); the
    lines that match none are searched for their header end and their skeletons interpreted."""
    if sender_hint is None:
        sender_hint = []
    if senders is None:
        senders = {}
    pad = _Bytes(data)
    arr, n = pad.arr, pad.n
    nl = np.flatnonzero(arr == 10)
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [n]))
    if starts[-1] >= n:
        starts, ends = starts[:-1], ends[:-1]
    ci = np.flatnonzero(_FIRST_BYTES.take(arr.take(starts)))  # every start is in the block
    s = starts[ci]
    room = ends[ci] - s
    m = len(s)
    lid, win, n_fast, n_first = _match_templates(pad, s, room, templates)
    uniform = False  # every line has the first template's layout and its digits
    if n_fast == m and n_first == m and win is not None:  # every line matches the first one
        heads, run_dkey, tod, f_ok = _layout_runs(win, lays.layouts[templates[0][1]])
        uniform = bool(f_ok.all())
        if not uniform:
            dkey = np.repeat(run_dkey, np.diff(heads, append=m))
            lid[~f_ok] = -1
    elif n_fast == m and win is not None:  # every line matches a template
        dkey, tod, f_ok = _numbers(win, lid, lays)
        lid[~f_ok] = -1
    else:
        dkey = np.zeros(m, dtype=np.int64)
        tod = np.zeros(m, dtype=np.int64)
    if 0 < n_fast < m:
        assert win is not None  # templates matched: their windows are there
        fast = np.flatnonzero(lid >= 0)
        f_dkey, f_tod, f_ok = _numbers(win[fast], lid[fast], lays)
        dkey[fast], tod[fast] = f_dkey, f_tod
        lid[fast[~f_ok]] = -1
    rest = np.zeros(0, dtype=np.int64) if uniform else np.flatnonzero(lid < 0)
    if len(rest):  # the lines that match no template: find their header end
        r_s, r_room = s[rest], room[rest]
        r_lid, r_win, longer = _headers(
            pad, r_s, r_room, _W_GENERIC, _prefix_mask(_W_GENERIC), lays, ()
        )
        wide = np.flatnonzero(longer)
        if len(wide):
            w_lid, _, _ = _headers(pad, r_s[wide], r_room[wide], _W_WIDE, _HMASK_WIDE, lays, ())
            r_lid[wide] = w_lid
        found = np.flatnonzero(r_lid >= 0)
        if len(found):
            narrow = found[~np.isin(found, wide)]
            wide_found = found[np.isin(found, wide)]
            for group, src in ((narrow, None), (wide_found, _W_WIDE)):
                if not len(group):
                    continue
                g_win = r_win[group] if src is None else pad.gather(r_s[group], src)
                g_dkey, g_tod, g_ok = _numbers(g_win, r_lid[group], lays)
                idx = rest[group]
                dkey[idx], tod[idx] = g_dkey, g_tod
                lid[idx] = np.where(g_ok, r_lid[group], -1)
    keep = None if uniform else np.flatnonzero(lid >= 0)
    every = keep is None or len(keep) == m  # the rows of win are still those of s
    if keep is not None and not every:
        s, room, lid, ci = s[keep], room[keep], lid[keep], ci[keep]
        dkey, tod = dkey[keep], tod[keep]
    if not uniform:  # the runs of lines with one written date and layout
        change = np.ones(len(lid), dtype=bool)
        change[1:] = (dkey[1:] != dkey[:-1]) | (lid[1:] != lid[:-1])
        heads = np.flatnonzero(change)
        run_dkey = dkey[heads]
    # sender: from the end of the header to the first ':' on the line
    if uniform:
        at = lays.layouts[int(lid[0])].length
        st = _SenderStarts(s, room, at)
        in_win = True
    else:
        hlen = lays.lengths()[lid] if len(lid) else np.zeros(0, dtype=np.int64)
        at = int(hlen[0]) if len(hlen) else 0
        in_win = bool((hlen == at).all())
        st = _SenderStarts(s, room, at if in_win else hlen)
        in_win &= win is not None and every
    has, sender_len, sender = _narrow_senders(
        pad, st, sender_hint, senders, win if in_win else None, at
    )
    # longer names: a wider window, then Python for what is left (rare)
    wide = np.zeros(0, dtype=np.int64)
    if not has.all():
        wide = np.flatnonzero(~has)
        wide = wide[st.room_at(wide) > _SW]
    if len(wide):
        w_room = st.room_at(wide)
        w_has, w_col, w_win = _find_colon(pad, st.at(wide), w_room, _SW_WIDE)
        w_len = np.where(w_has, w_col, 0)
        w_code, w_first = _factorize_words(w_win.view(np.uint64) & _WMASK[w_len])
        w_gcode = _sender_codes(senders, _names(w_win, w_len, w_first))
        sender[wide] = np.where(w_has, w_gcode[w_code], -1)
        sender_len[wide] = w_len
        has[wide] = w_has
        for i in wide[~w_has & (w_room > _SW_WIDE)].tolist():
            raw = bytes(arr[st.at(i) : s[i] + room[i]])
            who, sep, _ = raw.partition(b":")
            if sep:
                sender[i] = _sender_codes(senders, [who.decode("utf-8", errors="replace").strip()])[
                    0
                ]
                sender_len[i] = len(who)
                has[i] = True
    # byte rows that decode to the same name (e.g. trailing spaces) got one code; a name that
    # is empty once its marks are gone is no sender
    has &= sender >= 0
    texts: dict[int, str] = {}
    # system lines (no sender), and the iPhone lines whose text starts with U+200E
    bracket_ids = [i for i, x in enumerate(lays.layouts) if x.bracket]
    text_check = np.zeros(0, dtype=np.int64)
    if bracket_ids:
        maybe = np.flatnonzero(has & np.isin(lid, bracket_ids))
        tpos = st.at(maybe) + sender_len[maybe] + 1
        lrm = (
            (pad.at(tpos) == 0x20)
            & (pad.at(tpos + 1) == 0xE2)
            & (pad.at(tpos + 2) == 0x80)
            & (pad.at(tpos + 3) == 0x8E)
        )
        text_check = maybe[lrm]
    for i in np.flatnonzero(~has).tolist():
        texts[i] = bytes(arr[st.at(i) : s[i] + room[i]]).decode("utf-8", errors="replace").strip()
    for i in text_check.tolist():
        start = st.at(i) + sender_len[i] + 1
        texts[i] = bytes(arr[start : s[i] + room[i]]).decode("utf-8", errors="replace").strip()
    # non-empty lines before the first message line
    garbage: list[int] = []
    first_line = int(ci[0]) if len(ci) else len(starts)
    for j in range(min(first_line, len(starts))):
        if bytes(arr[starts[j] : ends[j]]).strip(b" \t\xef\xbb\xbf"):
            garbage.append(line0 + j + 1)
    return _Scan(
        line_no=np.add(ci, 1 + line0),
        start=np.add(s, byte0),
        layout=lid,
        layouts=lays.layouts,
        run_head=heads,
        run_dkey=run_dkey,
        tod=tod,
        sender=sender.astype(np.int64, copy=False),
        senders=list(senders),
        text_check=text_check,
        texts=texts,
        garbage_lines=garbage,
        n_lines=len(nl) + (1 if n and arr[-1] != 10 else 0),
    )


_MASKS: dict[int, np.ndarray] = {}


def _prefix_mask(width: int) -> np.ndarray:
    """:func:`_prefix_masks` of ``width``, made once."""
    if width not in _MASKS:
        _MASKS[width] = _prefix_masks(width)
    return _MASKS[width]


# --------------------------------------------------------------------------------------------
# dates

WHATSAPP_EARLIEST_YEAR = 2000
"""Two-digit years are read in the century from 2000 (WhatsApp began in 2009; see
:func:`analysis.dates.expand_two_digit_years`)."""


@dataclass
class DateReading:
    """How a file's dates were read: the day/month order, whether the years are Buddhist era,
    and per run of message lines with one written date (``runs``: their lengths, in file order)
    the day number (days since 1970-01-01) and whether the date exists."""

    order: dates.DayMonthOrder | None  # None: the file has only year-first dates
    buddhist: bool
    run_day: np.ndarray
    run_valid: np.ndarray
    runs: np.ndarray
    swapped: int = 0

    @property
    def day(self) -> np.ndarray:
        """The day number of every message line."""
        return np.repeat(self.run_day, self.runs)

    @property
    def valid(self) -> np.ndarray:
        """Per message line: its date exists."""
        return np.repeat(self.run_valid, self.runs)


def _years(raw: np.ndarray, short: np.ndarray, buddhist: bool) -> np.ndarray:
    """Four-digit Gregorian years of the written years (``short``: written with 1-2 digits)."""
    if buddhist:
        full = np.where(short, raw + 2500, raw)
        return dates.buddhist_to_gregorian(full)
    return np.where(short, dates.expand_two_digit_years(raw, earliest=WHATSAPP_EARLIEST_YEAR), raw)


def _is_buddhist(raw: np.ndarray, short: np.ndarray, hint: bool, today: date) -> bool:
    """Whether a file's written years are Thai Buddhist era: its four-digit years are mostly at
    or above :data:`analysis.dates.BUDDHIST_MIN_YEAR`, or it uses Thai day periods, or its
    two-digit years all lie in the future as 20yy but in the past as B.E. 25yy."""
    long_years = raw[~short]
    if len(long_years):
        return bool(np.mean(long_years >= dates.BUDDHIST_MIN_YEAR) > 0.5) or (
            hint and bool((long_years >= dates.BUDDHIST_MIN_YEAR).any())
        )
    if not len(raw):
        return False
    if hint:
        return True
    as_ce = dates.expand_two_digit_years(raw, earliest=WHATSAPP_EARLIEST_YEAR)
    as_be = dates.buddhist_to_gregorian(raw + 2500)
    return bool((as_ce > today.year + 1).all() and (as_be <= today.year + 1).all())


def read_dates(scan: _Scan, dayfirst: bool | None, today: date | None = None) -> DateReading:
    """Day numbers of every message line's date, with the date order decided from all of them
    (see the module doc). The work is done once per distinct written date."""
    today = today or date.today()
    n = len(scan.layout)
    # a chat's lines come in runs of one written date and layout: the distinct dates of the
    # runs, as one integer (dkey < 10**10, fewer layouts than lines < 10**8)
    heads = scan.run_head
    key = scan.run_dkey * (len(scan.layouts) + 1) + scan.layout[heads]
    codes, _ = pd.factorize(key)  # numbered in order of first appearance
    first_run = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
    first = heads[first_run]  # the first line of each distinct date
    dkey, lid = scan.run_dkey[first_run], scan.layout[first]
    f1, f2, f3 = dkey // _DKEY[0], dkey // _DKEY[1] % 100, dkey % _DKEY[1]
    lay_yf = np.array([x.year_first for x in scan.layouts] or [False], dtype=bool)
    lay_era = np.array([x.era_base for x in scan.layouts] or [0], dtype=np.int64)
    lay_ylen = np.array(
        [x.fields[0][1] if x.year_first else x.fields[2][1] for x in scan.layouts] or [4],
        dtype=np.int64,
    )
    hint = any(x.buddhist_hint for x in scan.layouts)
    yf = lay_yf[lid]
    era = lay_era[lid]
    short = (lay_ylen[lid] <= 2) & (era == 0)
    raw_year = np.where(yf, f1, f3)
    plain = era == 0
    buddhist = _is_buddhist(raw_year[plain], short[plain], hint, today)
    year = np.where(era > 0, era + raw_year, _years(raw_year, short, buddhist))
    dm = ~yf
    order = None
    if dm.any():
        order = dates.day_month_order(f1[dm], f2[dm], dayfirst, default_dayfirst=DEFAULT_DAYFIRST)
        if order.evidence >= 0:  # the evidence as a message line index
            uniq = int(np.flatnonzero(dm)[order.evidence])
            line = int(first[uniq])
            order = dates.DayMonthOrder(
                order.dayfirst,
                order.decided,
                line,
                order.conflict,
                order.day_votes,
                order.month_votes,
            )
    first_is_day = bool(order.dayfirst) if order else True
    month = np.where(yf, f2, f2 if first_is_day else f1)
    day = np.where(yf, f3, f1 if first_is_day else f2)
    days, valid = dates.civil_days_checked(year, month, day)
    swapped = 0
    if order and order.conflict:
        o_days, o_valid = dates.civil_days_checked(year, day, month)
        fix = dm & ~valid & o_valid
        swapped = int(fix.sum())
        days = np.where(fix, o_days, days)
        valid = valid | fix
    return DateReading(
        order, buddhist, days[codes], valid[codes], np.diff(heads, append=n), swapped
    )


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
    counts: Any = np.bincount(codes, minlength=len(scan.senders)) if len(codes) else []
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
        if SYSTEM_RE.search(scan.texts[i].lstrip(MARKS)):
            mask[i] = True
    return mask


# --------------------------------------------------------------------------------------------
# parse


def _header_text(data: bytes, scan: _Scan, i: int) -> str:
    """The header of message line ``i`` as written (for the report)."""
    lay = scan.layouts[scan.layout[i]]
    raw = data[scan.start[i] : scan.start[i] + lay.length]
    text = raw.decode("utf-8", errors="replace").translate(_CLEAN_ALL).strip()
    return text.removeprefix("[").removesuffix("]").removesuffix("-").strip()


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read a WhatsApp export (.txt or .zip) into ``message`` interactions (see module doc)."""
    name, data = _chat_bytes(source)
    scan = _scan(data)
    n = len(scan.line_no)
    ios = bool(n) and _bracket_share(scan) > 0.5
    report = FileReport(source.name, FORMAT, LABEL_IPHONE if ios else LABEL_ANDROID)
    if n == 0:
        first = next((ln for ln in data[:4096].decode("utf-8", "replace").splitlines() if ln), "")
        raise UnusableFileError(
            source.name,
            "no WhatsApp message lines found (expected lines like "
            "'12/03/2025, 18:04 - Name: text' or '[12/03/2025, 18:04:31] Name: text'; "
            f"the file starts {first[:60]!r})",
        )
    if scan.garbage_lines:
        g = scan.garbage_lines
        report.warnings.append(
            f"{len(g)} line(s) before the first message are not part of any message and were "
            f"ignored (line {g[0]}" + (f" to {g[-1]})" if len(g) > 1 else ")")
        )
    reading = read_dates(scan, options.dayfirst)
    _report_dates(report, reading, options, data, scan)
    system = _system_mask(scan)
    # a date closeknit can keep, and a time
    kept = np.repeat(reading.run_valid & dates.representable_days(reading.run_day), reading.runs)
    kept &= scan.tod >= 0
    if not kept.all():
        bad_dt = ~reading.valid | (scan.tod < 0)
        for i in np.flatnonzero(bad_dt & ~system).tolist():
            report.skip(f"line {scan.line_no[i]}", "impossible date or time in the message line")
        for i in np.flatnonzero(~kept & ~bad_dt & ~system).tolist():
            report.skip(f"line {scan.line_no[i]}", dates.OUT_OF_RANGE_REASON)
    n_system = int(np.count_nonzero(system))
    if n_system:
        report.notes.append(
            f"{n_system} system line(s) (encryption notice, group changes) are not "
            "messages and were not counted"
        )
        kept &= ~system
    n_msg = int(np.count_nonzero(kept))
    if n_msg:
        # the messages are most often one run of lines (all but a leading encryption notice)
        lo = int(np.argmax(kept))
        sel: slice | np.ndarray = slice(lo, lo + n_msg)
        if not kept[sel].all():
            sel = np.flatnonzero(kept)
        limit = _today_days() + dates.FUTURE_TOLERANCE_DAYS
        future = 0
        if reading.run_day.max() > limit:
            future = int(np.count_nonzero(np.repeat(reading.run_day > limit, reading.runs)[sel]))
        if future:
            report.notes.append(
                f"{future} message(s) are dated more than a year from today (a wrong clock or "
                "date order?)"
            )
        local_ns = np.repeat(reading.run_day * 86_400, reading.runs)[sel]
        local_ns += scan.tod[sel]
        local_ns *= 1_000_000_000
        interactions = _interactions(
            source, name, scan, local_ns, scan.sender[sel], system, sel, options, report
        )
    else:
        interactions = empty_interactions()
    if report.imported == 0 and not report.warnings:
        report.warnings.append("no chat messages in this export (only system lines)")
    return ImportResult(contacts=empty_contacts(), interactions=interactions, report=report)


def _in_time_order(msg: slice | np.ndarray, order: np.ndarray | None) -> np.ndarray:
    """The line indices of the messages ``msg`` (a run of lines or indices) in ``order``."""
    idx = np.arange(msg.start, msg.stop) if isinstance(msg, slice) else msg
    return idx if order is None else idx[order]


def _bracket_share(scan: _Scan) -> float:
    """The share of message lines with an iPhone (bracketed) layout."""
    kinds = {x.bracket for x in scan.layouts}
    if len(kinds) == 1:  # one kind of layout: no need to look at every line
        return float(kinds.pop())
    return float(scan.bracket.mean())


def _today_days() -> int:
    return (date.today() - date(1970, 1, 1)).days


def _report_dates(
    report: FileReport, reading: DateReading, options: ImportOptions, data: bytes, scan: _Scan
) -> None:
    """Notes and warnings on how the dates were read."""
    order = reading.order
    if reading.buddhist:
        report.notes.append("years read as Buddhist era (B.E. 2568 = 2025)")
    if order is None:
        report.notes.append("dates read as year-first")
        return
    name = "day-first (dd/mm)" if order.dayfirst else "month-first (mm/dd)"
    if order.decided:
        ev = _header_text(data, scan, order.evidence)
        report.notes.append(f"dates read as {name}: {ev} (line {scan.line_no[order.evidence]})")
        if order.conflict:
            report.warnings.append(
                f"this file holds {order.day_votes} date(s) that only make sense day-first and "
                f"{order.month_votes} that only make sense month-first; read as {name} (the "
                "majority)"
            )
        elif options.dayfirst is not None and order.dayfirst != options.dayfirst:
            report.notes.append("the file's dates contradict the date order you set; the file wins")
    elif options.dayfirst is not None:
        report.notes.append(f"dates read as {name}, as you set")
    else:
        report.ambiguous_date_order = True
        report.warnings.append(
            "the date order cannot be told from this file (no day above 12): read as day-first "
            "(dd/mm), the order of most WhatsApp locales; if the chat's dates are month-first "
            "(mm/dd), choose month-first (the dashboard's date order setting, or closeknit "
            "import --monthfirst) and the file is read again"
        )
    if reading.swapped:
        report.warnings.append(
            f"{reading.swapped} date(s) only make sense in the other order and were read that way"
        )


def _interactions(
    source: SourceFile,
    name: str,
    scan: _Scan,
    t: np.ndarray,
    snd: np.ndarray,
    system: np.ndarray,
    msg: slice | np.ndarray,
    options: ImportOptions,
    report: FileReport,
) -> pd.DataFrame:
    """The interactions of the message lines ``msg`` (a run of lines or their indices; local
    nanoseconds ``t``, sender codes ``snd``), in time order."""
    order: np.ndarray | None = None  # the time order of the messages, when not the file's
    if len(t) > 1 and (t[1:] < t[:-1]).any():
        order = np.argsort(t, kind="stable")
        snd = snd[order]
        t.sort(kind="stable")  # t is this call's own array
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
            for i in _in_time_order(msg, order).tolist():
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
    used = int(np.count_nonzero(rows.used))
    report.imported += used
    report.read += used
    if used < len(rows.used):
        for i in _in_time_order(msg, order)[~rows.used].tolist():
            report.skip(f"line {scan.line_no[i]}", rows.unused_reason)
    if not rows.who:
        return empty_interactions()
    ts = chatbursts.to_utc(rows.local_ns, options.timezone)
    # the categorical columns as codes (pandas builds them from a list of strings far slower)
    n = len(rows.who)
    channel = pd.Categorical.from_codes(
        np.full(n, CHANNEL_DTYPE.categories.get_loc("message"), dtype=np.int8), dtype=CHANNEL_DTYPE
    )
    code_of = {d: i for i, d in enumerate(DIRECTIONS)}
    direction = pd.Categorical.from_codes(
        np.array([code_of[d] for d in rows.direction], dtype=np.int8).reshape(n),
        dtype=DIRECTION_DTYPE,
    )
    return interactions_frame(
        ts, rows.who, channel, direction, float("nan"), rows.event_id, rows.note, label
    )
