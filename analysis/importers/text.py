"""Turning a file's bytes into text, with the encoding decided once per file.

The order of decisions (:func:`decode_text`):

1. a byte-order mark (UTF-8, UTF-16, UTF-32) wins;
2. UTF-16 without a BOM, recognised by its zero bytes (Outlook and Excel write it);
3. valid UTF-8 (the fast path: one C decode, no detector);
4. otherwise the lines that are not valid UTF-8 are handed to a detector
   (``charset-normalizer``, limited to :data:`LEGACY_ENCODINGS`), and read in the encoding it
   finds. A file that is mostly UTF-8 with a few lines in a legacy encoding (two tools appending
   to one log) keeps its UTF-8 lines and reads only the others in the detected encoding
   (``encoding == "utf-8 + cp1252"``, ``mixed_lines`` naming them).

Importers call :func:`decode_text` once and pass the :class:`Decoded` along; nothing is guessed
twice for one file.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

LEGACY_ENCODINGS: tuple[str, ...] = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1257",
    "cp1255",
    "cp1256",
    "cp1258",
    "cp874",
    "koi8_r",
    "cp932",
    "shift_jis",
    "euc_jp",
    "gb18030",
    "big5",
    "cp949",
    "euc_kr",
    "mac_roman",
)
"""The encodings the detector may answer, in order of preference when several read the bytes
the same way. Judgement: the code pages Windows, Outlook, Excel and older phones write contact
lists and logs in (Western, Central European, Cyrillic, Greek, Turkish, Baltic, Hebrew, Arabic,
Vietnamese, Thai; Japanese, Chinese, Korean), plus KOI8-R and Mac Roman. Limiting the
detector to these keeps it from answering rare DOS or ISO pages for short samples (without the
limit, a few accented Western names come out as ``cp775``)."""

DETECT_SAMPLE_BYTES = 65_536
"""Bytes of non-UTF-8 lines given to the detector (enough for a confident answer; bounded so a
big file costs a few milliseconds to detect)."""

FALLBACK_ENCODING = "cp1252"
"""What non-UTF-8 bytes are read as when the detector has no answer (Windows' Western code page,
the most common legacy encoding of contact exports); ``latin-1`` if even that fails."""

_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True)
class Decoded:
    """A file's text and how it was decoded.

    ``encoding`` is what the report shows (``utf-8``, ``utf-16-le``, ``cp1251``,
    ``utf-8 + cp1252`` for a mixed file); ``legacy`` the single-byte or CJK codec the non-UTF-8
    lines were read with (None when the file is UTF-8/16/32 throughout); ``mixed_lines`` the
    1-based line numbers read with ``legacy`` in a file that is otherwise UTF-8. A BOM is
    removed from ``text``.
    """

    text: str
    encoding: str
    legacy: str | None = None
    mixed_lines: tuple[int, ...] = ()


def _bom_or_utf16(data: bytes) -> str | None:
    """The encoding a BOM names, or UTF-16 recognised by zero bytes in every other position."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    sample = data[:4096]
    if len(sample) >= 4:
        even_zeros = sample[0::2].count(0)
        odd_zeros = sample[1::2].count(0)
        half = len(sample) / 2
        if odd_zeros > 0.3 * half and even_zeros < 0.05 * half:
            return "utf-16-le"
        if even_zeros > 0.3 * half and odd_zeros < 0.05 * half:
            return "utf-16-be"
    return None


def _is_utf8(data: bytes) -> bool:
    """True when ``data`` is UTF-8, allowing a character cut at its very end (a file's head)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def detect_legacy(sample: bytes) -> str:
    """The legacy encoding of ``sample`` (bytes that are not UTF-8), by ``charset-normalizer``
    limited to :data:`LEGACY_ENCODINGS`; among encodings that read the bytes identically the
    first of that list is named. :data:`FALLBACK_ENCODING` when the detector has no answer."""
    import charset_normalizer  # lazy: needed only for files that are not UTF-8

    sample = sample[:DETECT_SAMPLE_BYTES]
    results = list(charset_normalizer.from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS)))
    if not results:
        try:
            sample.decode(FALLBACK_ENCODING)
            return FALLBACK_ENCODING
        except UnicodeDecodeError:
            return "latin-1"
    best = results[0]
    if _preferred(best) in LATIN_PAGES:
        # Latin code pages differ in a few letters only and the detector often ties them:
        # the one whose accented words each fit one language's alphabet wins (cp1252 on ties).
        near = [_preferred(r) for r in results if r.chaos <= best.chaos + LATIN_TIE_CHAOS]
        near = [e for e in dict.fromkeys(near) if e in LATIN_PAGES]
        scores = {e: _coherent_words(sample.decode(e, errors="replace")) for e in near}
        return max(near, key=lambda e: (scores[e], -LEGACY_ENCODINGS.index(e)))
    return _preferred(best)


def _preferred(match: object) -> str:
    """The first of :data:`LEGACY_ENCODINGS` among the encodings that read a detector result's
    bytes identically."""
    names = [match.encoding, *match.could_be_from_charset]  # type: ignore[attr-defined]
    same = {_codec(n) for n in names}
    for enc in LEGACY_ENCODINGS:
        if _codec(enc) in same:
            return enc
    return _codec(names[0])


LATIN_PAGES = ("cp1252", "cp1250", "cp1257", "cp1254", "cp1258", "mac_roman")
"""Code pages of Latin-script languages, told apart by :func:`_coherent_words`."""

LATIN_TIE_CHAOS = 0.05
"""Detector results this close to the best one (in its "chaos" measure) count as a tie."""

ALPHABETS: tuple[str, ...] = (
    "äöüß",  # German
    "àâæçéèêëîïôœùûüÿ",  # French
    "áéíñóúü",  # Spanish
    "àèéìíîòóùú",  # Italian
    "àáâãçéêíóôõú",  # Portuguese
    "éëïóöü",  # Dutch
    "æøåéó",  # Danish, Norwegian
    "åäöé",  # Swedish, Finnish
    "áðéíóúýþæö",  # Icelandic
    "àçéèíïóòúü",  # Catalan
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "ąćęłńóśźż",  # Polish
    "áéíóöőúüű",  # Hungarian
    "ăâîșțşţ",  # Romanian
    "čćđšž",  # Croatian, Slovene, Bosnian, Serbian (Latin)
    "çğıöşüâî",  # Turkish
    "ąčęėįšųūž",  # Lithuanian
    "āčēģīķļņšūž",  # Latvian
    "äöõüšž",  # Estonian
    "ăâêôơưđàảãáạèẻẽéẹìỉĩíịòỏõóọùủũúụỳỷỹýỵ",  # Vietnamese (precomposed)
)
"""Accented letters of Latin-script languages (lower case). A word is coherent when its
accented letters all belong to one of them: Czech read as cp1252 gives ``Dvoøák`` (``ø`` and
``á`` fit no single language), French read as cp1250 gives ``Ĺström``."""

_ALPHABET_SETS = tuple(frozenset(a) for a in ALPHABETS)
_WORD_RE = re.compile(r"[^\W\d_]+")


def _coherent_words(text: str) -> tuple[float, float]:
    """How well the accented words of ``text`` fit the languages of :data:`ALPHABETS`:
    ``(share of words whose accented letters all belong to some one alphabet, largest share of
    words one single alphabet covers)``, compared in that order (each 1.0 when there is no
    accented word). The second tells apart short texts where every word fits some language:
    Czech names read as cp1252 fit Danish, Italian and Spanish word by word, but no one of them
    as a whole."""
    words = {w for w in _WORD_RE.findall(text.lower()) if not w.isascii()}
    if not words:
        return 1.0, 1.0
    letter_sets = [frozenset(c for c in w if ord(c) > 127) for w in words]
    good = sum(1 for ls in letter_sets if any(ls <= a for a in _ALPHABET_SETS))
    best_one = max(sum(1 for ls in letter_sets if ls <= a) for a in _ALPHABET_SETS)
    return good / len(words), best_one / len(words)


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


MULTIBYTE_LEGACY = frozenset({"cp932", "shift_jis", "euc_jp", "gb18030", "big5", "cp949", "euc_kr"})
"""Legacy encodings of two or more bytes per character: their text often holds byte pairs
that are valid UTF-8 by chance, so a file in one of them is never read as mixed with UTF-8
when it decodes in that encoding throughout."""


def _whole_file(data: bytes, legacy: str) -> bool:
    """True when ``data`` should be read in ``legacy`` throughout (not as UTF-8 + legacy)."""
    if legacy not in MULTIBYTE_LEGACY:
        return False
    try:
        data.decode(legacy)
    except UnicodeDecodeError:
        return False
    return True


def _lines_with(content, pattern: re.Pattern) -> Iterator:
    """The whole lines of ``content`` (str or bytes) holding a match of ``pattern``, in order,
    each once. Linear: a search finds the next match, the line around it is cut out, and the
    search goes on after that line."""
    nl = "\n" if isinstance(content, str) else b"\n"
    pos = 0
    while True:
        m = pattern.search(content, pos)
        if m is None:
            return
        start = content.rfind(nl, 0, m.start()) + 1
        end = content.find(nl, m.end())
        end = len(content) if end < 0 else end
        yield content[start:end]
        pos = end + 1


def _legacy_sample(escaped: str) -> bytes:
    """The non-UTF-8 lines of a surrogate-escaped text, as bytes, up to the sample size."""
    parts: list[bytes] = []
    size = 0
    for line in _lines_with(escaped, _NOT_UTF8):
        raw = line.encode("utf-8", errors="surrogateescape")[:DETECT_SAMPLE_BYTES]
        parts.append(raw)
        size += len(raw) + 1
        if size >= DETECT_SAMPLE_BYTES:
            break
    return b"\n".join(parts)


def _non_ascii_sample(data: bytes) -> bytes:
    """The lines of ``data`` that are not plain ASCII, up to the sample size."""
    parts: list[bytes] = []
    size = 0
    for line in _lines_with(data, _HIGH_BYTE):
        parts.append(line[:DETECT_SAMPLE_BYTES])
        size += len(parts[-1]) + 1
        if size >= DETECT_SAMPLE_BYTES:
            break
    return b"\n".join(parts)


def decode_text(data: bytes) -> Decoded:
    """Decode a whole file (see the module docstring for the order of decisions). Never raises:
    bytes no encoding explains become U+FFFD."""
    enc = _bom_or_utf16(data)
    if enc is not None:
        return Decoded(data.decode(enc, errors="replace").lstrip("\ufeff"), enc)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", errors="surrogateescape")
    legacy = detect_legacy(_legacy_sample(escaped))
    if len(escaped) < len(data) and legacy in MULTIBYTE_LEGACY:
        # Some lines of a CJK file are valid UTF-8 by chance: detect again on every line that
        # is not ASCII, so the detector sees the whole of the text.
        legacy = detect_legacy(_non_ascii_sample(data))
    if len(escaped) == len(data) or _whole_file(data, legacy):
        # No valid UTF-8 sequence at all (each byte became one character), or a multi-byte
        # legacy encoding some of whose lines happen to be valid UTF-8: one encoding throughout.
        return Decoded(data.decode(legacy, errors="replace"), legacy, legacy)
    lines = list(io.StringIO(escaped, newline=""))
    bad = [_NOT_UTF8.search(line) is not None for line in lines]
    if not any(not b and not line.isascii() for b, line in zip(bad, lines, strict=True)):
        # Valid UTF-8 pairs only inside lines that are not UTF-8 (chance byte pairs of a
        # legacy text): no line is UTF-8 with accents, so the file is legacy throughout.
        return Decoded(data.decode(legacy, errors="replace"), legacy, legacy)
    # Mostly UTF-8 with some legacy lines: each line that is not UTF-8 is read as ``legacy``.
    parts: list[str] = []
    mixed: list[int] = []
    for n, (line, is_bad) in enumerate(zip(lines, bad, strict=True), 1):
        if is_bad:
            parts.append(line.encode("utf-8", "surrogateescape").decode(legacy, "replace"))
            mixed.append(n)
        else:
            parts.append(line)
    return Decoded("".join(parts).lstrip("\ufeff"), f"utf-8 + {legacy}", legacy, tuple(mixed))


def encoding_name(codec: str) -> str:
    """A codec's name as people know it (``cp1252`` -> ``Windows-1252``, ``cp932`` ->
    ``Shift_JIS``), for messages."""
    names = {"cp932": "Shift_JIS", "shift_jis": "Shift_JIS", "gb18030": "GB18030"}
    if codec in names:
        return names[codec]
    if re.fullmatch(r"cp125\d", codec):
        return "Windows-" + codec[2:]
    return codec


def guess_encoding(data: bytes) -> str:
    """The one encoding to read ``data`` with: a BOM, UTF-16, UTF-8 (a character cut at the end
    allowed, for a file's head), else the detected legacy encoding of its non-UTF-8 lines."""
    enc = _bom_or_utf16(data)
    if enc is not None:
        return enc
    if _is_utf8(data):
        return "utf-8"
    escaped = data.decode("utf-8", errors="surrogateescape")
    return detect_legacy(_legacy_sample(escaped))


def decode(data: bytes) -> tuple[str, str]:
    """Decode a whole file: ``(text, encoding)`` (see :func:`decode_text`); never raises."""
    dec = decode_text(data)
    return dec.text, dec.encoding


def looks_binary(data: bytes) -> bool:
    """True for content that is not text in any encoding we read (NUL bytes outside UTF-16,
    or many control characters)."""
    sample = data[:4096]
    if not sample:
        return False
    enc = _bom_or_utf16(sample)
    if enc is not None and enc.startswith(("utf-16", "utf-32")):
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > 0.1 * len(sample)
