"""Normalising the keys people are matched on: e-mail addresses, phone numbers, names.

Identity resolution (:mod:`analysis.identity`) compares these normal forms, never the raw text;
names are always shown as written. Name keys: :func:`normalize_name`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import phonenumbers
import phonenumbers.phonenumberutil as _pnu
from anyascii import anyascii

_EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d")
_PHONE_PUNCTUATION = re.compile(r"[\s().-]")
_NON_NAME = re.compile(r"[^\w\s'-]", re.UNICODE)

NON_PERSON_LOCALPARTS = frozenset(
    {
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "info",
        "support",
        "help",
        "admin",
        "administrator",
        "sales",
        "contact",
        "hello",
        "team",
        "office",
        "billing",
        "newsletter",
        "news",
        "notifications",
        "notification",
        "mailer-daemon",
        "postmaster",
        "webmaster",
        "service",
        "customerservice",
        "enquiries",
        "inquiries",
        "marketing",
        "jobs",
        "careers",
        "press",
        "feedback",
        "alerts",
        "updates",
        "bounce",
        "list",
        "lists",
    }
)
"""Local parts of e-mail addresses that belong to organisations or machines, not people."""
_NON_PERSON_BASES = frozenset(p.replace("-", "") for p in NON_PERSON_LOCALPARTS)


def nfc(text: str | None) -> str:
    """NFC-normalised, whitespace-collapsed, trimmed text ("" for None)."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def normalize_email(value: str | None) -> str:
    """Lower-cased address without ``mailto:``, angle brackets or a display name; "" if the
    value is not an e-mail address."""
    if not value:
        return ""
    v = str(value).strip()
    if "<" in v and ">" in v:
        v = v[v.index("<") + 1 : v.index(">")]
    v = v.strip().lower()
    if v.startswith("mailto:"):
        v = v[7:]
    return v if _EMAIL_RE.match(v) else ""


def is_non_person_email(email: str) -> bool:
    """True for role or machine addresses (``no-reply@``, ``info@``, mailing lists)."""
    local = email.split("@", 1)[0].lower()
    base = re.sub(r"[._+-]", "", local)
    return (
        local in NON_PERSON_LOCALPARTS
        or base in _NON_PERSON_BASES
        or local.startswith(("noreply", "no-reply", "donotreply", "bounce"))
        or "+bounce" in local
    )


@lru_cache(maxsize=200_000)
def normalize_phone(value: str | None, region: str = "US") -> str:
    """E.164 form (``+14155550123``) when ``value`` parses as a possible number in ``region``;
    otherwise (short codes, service numbers) the digits alone (with a leading ``+`` if it had
    one), or "" when there are fewer than 3 digits. Cached: the same number appears many times in a log.

    The rules are ``phonenumbers``' (``parse``, then ``is_possible_number``). A number written as
    plain digits with spaces, dashes, dots, slashes or brackets, as nearly all exports write them,
    takes a shortcut through the same metadata (:func:`_plain_phone`); anything else, and any
    plain number the shortcut cannot settle, is parsed in full."""
    if not value:
        return ""
    raw = str(value).strip()
    if raw.lower().startswith("tel:"):
        raw = raw[4:]
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 3:
        return ""
    if _SHORTCUT and _PLAIN_PHONE.fullmatch(raw):
        plain = _plain_phone(digits, raw.startswith("+"), region.upper() if region else "")
        if plain is not None:
            return plain
    return _parsed_phone(raw, digits, region)


def _parsed_phone(raw: str, digits: str, region: str) -> str:
    """:func:`normalize_phone` by ``phonenumbers.parse`` in full (``digits``: the digits of
    ``raw``)."""
    try:
        num = phonenumbers.parse(raw, region.upper() if region else None)
        if phonenumbers.is_possible_number(num) and len(str(num.national_number)) >= 7:
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return ("+" if raw.startswith("+") else "") + digits


_PLAIN_PHONE = re.compile(r"\+?[0-9 ()./-]*")
"""A number as plain ASCII digits, formatting and at most a leading ``+``: nothing that
``phonenumbers.parse`` reads as an extension, a vanity letter, a second number or an RFC 3966
context, so that it reads exactly the digits."""

_SHORTCUT = all(
    callable(getattr(_pnu, name, None))
    for name in (
        "_extract_country_code",
        "_maybe_strip_national_prefix_carrier_code",
        "_test_number_length",
    )
)
"""Whether this ``phonenumbers`` has the helpers :func:`_plain_phone` calls (private ones, as of
phonenumbers 9.0); without them every number takes the full parser."""

_POSSIBLE = (
    phonenumbers.ValidationResult.IS_POSSIBLE,
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
)
_NOT_STRIPPED = (
    phonenumbers.ValidationResult.TOO_SHORT,
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    phonenumbers.ValidationResult.INVALID_LENGTH,
)


@cache
def _plan(region: str) -> tuple[phonenumbers.PhoneMetadata, re.Pattern[str], str] | None:
    """The metadata of ``region``, its compiled international (IDD) prefix and its country
    calling code as text; None for a region without metadata."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
    if metadata is None or metadata.international_prefix is None:
        return None
    return metadata, re.compile(metadata.international_prefix), str(metadata.country_code)


@cache
def _calling_code_plan(
    code: int,
) -> tuple[phonenumbers.PhoneMetadata, re.Pattern[str] | None] | None:
    """The metadata ``phonenumbers`` reads a number of country calling code ``code`` with (its
    main region's, or the non-geographic entity's) and its compiled national prefix for
    parsing (None when it has none)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
        code, phonenumbers.region_code_for_country_code(code)
    )
    if metadata is None:
        return None
    prefix = metadata.national_prefix_for_parsing
    return metadata, (re.compile(prefix) if prefix else None)


def _plain_phone(digits: str, plus: bool, region: str) -> str | None:
    """:func:`normalize_phone` of a plain number (``digits``, written after a ``+`` when ``plus``)
    in ``region``, computed with ``phonenumbers``' own metadata and helpers in the order its
    ``parse`` applies them, without re-reading the text; None whenever ``parse`` would take a
    path this does not follow (an international prefix, a number that starts with the region's
    own calling code, a national prefix after ``+``, a leading zero), which then goes through
    the full parser. A test holds it equal to the full parser on every supported region.

    References: ``phonenumbers.phonenumberutil.parse`` and ``is_possible_number``
    (python-phonenumbers, a port of Google's libphonenumber)."""
    if plus:
        # After "+", the country calling code is read off the front; the number keeps its
        # digits unless the national prefix is stripped. Every other outcome (an E.164 form,
        # a number that is not possible, too short or too long) prints as "+" and the digits.
        code, rest = _pnu._extract_country_code(digits)
        if code == 0 or len(rest) < 2:
            return None
        plan = _calling_code_plan(code)
        if plan is None or (plan[1] is not None and plan[1].match(rest)):
            return None
        return "+" + digits
    known = _plan(region)
    if known is None:
        return None
    metadata, idd, own_code = known
    if idd.match(digits) or digits.startswith(own_code):
        return None
    number = digits
    _, stripped, _ = _pnu._maybe_strip_national_prefix_carrier_code(number, metadata)
    if _pnu._test_number_length(stripped, metadata) not in _NOT_STRIPPED:
        number = stripped
    if not 2 <= len(number) <= 17 or number[0] == "0":
        return None
    own = metadata.country_code
    main = _calling_code_plan(own) if own else None
    if main is None:
        return None
    if _pnu._test_number_length(number, main[0]) in _POSSIBLE and len(number) >= 7:
        return f"+{own}{number}"
    return digits


def looks_like_phone(value: str) -> bool:
    """True when ``value`` is a phone number rather than a name (mostly digits)."""
    v = str(value).strip()
    if not _DIGITS.search(v):  # most names: no digit at all
        return False
    digits = len(_DIGITS.findall(v))
    return digits >= 3 and digits >= 0.6 * len(_PHONE_PUNCTUATION.sub("", v))


def strip_accents(text: str) -> str:
    """Text without combining marks (``José`` -> ``Jose``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# --- names -------------------------------------------------------------------------------------

TRANSLITERATED_SCRIPTS: tuple[str, ...] = ("LATIN ", "CYRILLIC ", "GREEK ")
"""Scripts whose letters are transliterated to ASCII in name keys, with ``anyascii`` (ISC
licence): ``Søren`` = ``Soren``, ``Łukasz`` = ``Lukasz``, ``Æ`` = ``AE``, ``ß`` = ``ss``,
``Þ`` = ``Th``, ``Юлия`` = ``Yuliya``, ``Γιώργος`` = ``Giorgos``. Letters of other scripts (CJK,
Arabic, Hebrew, Indic...) are kept, only their combining marks removed as before: their
transliterations are lossy enough to make different names equal (``王伟`` and ``汪伟`` are both
``WangWei``), and a name key must never merge two people."""

_APOSTROPHES = frozenset("\u2019\u2018\u02bc\u02b9\u0060\u00b4\u2032")
"""Typographic apostrophes, read as ``'`` (``O’Brien`` = ``O'Brien``)."""


def _fold_char(ch: str) -> str:
    """One character of a name key: see :data:`TRANSLITERATED_SCRIPTS`."""
    if ch.isascii():
        return ch
    category = unicodedata.category(ch)
    if category[0] == "L" and unicodedata.name(ch, "").startswith(TRANSLITERATED_SCRIPTS):
        return anyascii(ch)
    if ch in _APOSTROPHES:
        return "'"
    if category == "Pd":
        return "-"
    return strip_accents(ch)


class _FoldTable(dict):
    """A ``str.translate`` table filled on demand: code point -> its folded text."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


def transliterate(text: str) -> str:
    """``text`` with Latin, Cyrillic and Greek letters spelled in ASCII and other scripts' combining
    marks removed (:data:`TRANSLITERATED_SCRIPTS`): ``Søren Łukasz`` -> ``Soren Lukasz``."""
    if text.isascii():
        return text
    if "υ" in text or "Υ" in text or "ύ" in text or "Ύ" in text:
        text = _GREEK_OU.sub(_greek_ou, text)
    return text.translate(_FOLD)


_GREEK_OU = re.compile("[οΟόΌ][υΥ]|[οΟ][ύΎ]")
"""Greek ``ου``, spelled ``ou`` (ISO 843 / ELOT 743: ``Νικολάου`` = ``Nikolaou``); anyascii
transliterates letter by letter and would give ``oy``."""


def _greek_ou(match: re.Match[str]) -> str:
    pair = match.group(0)
    return ("O" if pair[0] in "ΟΌ" else "o") + ("U" if pair[1] in "ΥΎ" else "u")


NAME_TITLES = frozenset(
    {"dr", "prof", "mr", "mrs", "ms", "mx", "miss", "sir", "dame", "frau", "herr", "mme", "mlle",
     "sra", "srta", "dott", "dipl-ing"}
)  # fmt: skip
"""Titles and honorifics ignored before a name when names are matched (``Dr. Anna Berg`` =
``Anna Berg``), with or without a dot, several in a row (``Prof. Dr.``). None of them is a given
name. A name that is only a title (``Dr.``) keeps it."""

DOTTED_TITLES = frozenset({"m", "fr", "hr", "sr", "ing", "mag", "dipl", "dna"})
"""Abbreviated titles ignored only when written with their dot and followed by a name word of two
or more letters: ``M. Dupont`` (Monsieur), ``Fr. Berg`` (Frau), ``Hr. Berg`` (Herr), ``Sr. García``
(Señor), ``Ing. Huber``, ``Mag. Huber``, ``Dipl. Ing.``, ``Dña.``. Without the dot they can be an
initial or a name (``M Dupont``, ``Mag`` for Margaret), and before an initial (``M. J. Dupont``)
``M.`` may be one too: kept."""

NAME_WORD_TITLES = frozenset({"don", "dona"})
"""Titles that are also given names (Don, Dona): ignored only when two or more words follow
(``Don Pedro Álvarez`` = ``Pedro Álvarez``), so ``Don Johnson`` keeps his name. ``Doña`` written with
its tilde is never a given name and is always ignored. Known limit: a Don with a middle name
(``Don Ray Johnson``) loses ``Don``; generational suffixes and the other keys still keep such a
person apart from a ``Ray Johnson`` only when they differ."""

NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md"})
"""Suffixes ignored after a name of at least two other words (``James Doe Sr.`` = ``James Doe``,
``Anna Berg, PhD`` = ``Anna Berg``). With one word before them (``Naomasa Ii``) they are kept: they
may be the name."""

GENERATION_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
"""The suffixes of :data:`NAME_SUFFIXES` that tell a father from a son; see :func:`name_generation`."""

NAME_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "la", "le",
     "ten", "ter", "zu", "y", "bin", "al", "el"}
)  # fmt: skip
"""Surname particles, not counted as name words when deciding whether ``A, B`` is ``Last, First``
(``van der Berg, Jan``)."""

_TITLE_WORDS = NAME_TITLES | DOTTED_TITLES | NAME_WORD_TITLES
_AFFIXES = _TITLE_WORDS | NAME_SUFFIXES
_EDGE = "()[]{}\"“”«»„;:!?'"
_DONA = frozenset({"doña", "dña"})


class _Token:
    """One written word of a name: its key words (punctuation removed; ``Müller-Lüdenscheidt``
    stays one word), the bare letters for title look-up (``ph.d.`` -> ``phd``) and its dot."""

    __slots__ = ("words", "bare", "dotted", "title_run", "raw")

    def __init__(self, raw: str) -> None:
        folded = transliterate(raw).casefold()
        self.raw = raw.casefold()
        self.words = _NON_NAME.sub(" ", folded).split()
        edge = folded.strip(_EDGE)
        self.dotted = edge.endswith(".")
        pieces = [p for p in edge.split(".") if p]
        self.bare = "".join(pieces)
        # "Prof.Dr." written as one token: every piece a title.
        self.title_run = len(pieces) > 1 and all(p in _TITLE_WORDS for p in pieces)


def _strip_affixes(tokens: list[_Token]) -> tuple[list[_Token], bool, str]:
    """(the name's tokens without leading titles and trailing suffixes, whether a title was
    removed, the generational suffix removed or ""). See :data:`NAME_TITLES` and its neighbours."""
    i, end = 0, len(tokens)
    while i < end - 1 and _is_title(tokens[i], tokens[i + 1], end - i - 1):
        i += 1
    generation = ""
    while end - i > 2 and tokens[end - 1].bare in NAME_SUFFIXES:
        end -= 1
        if tokens[end].bare in GENERATION_SUFFIXES and not generation:
            generation = tokens[end].bare
    return tokens[i:end], i > 0, generation


def _is_title(token: _Token, after: _Token, following: int) -> bool:
    """Whether ``token``, followed by ``after`` and ``following`` tokens in all, is a title."""
    if token.bare in NAME_TITLES or token.title_run or token.raw in _DONA:
        return True
    if token.dotted and token.bare in DOTTED_TITLES:
        return len(after.bare) >= 2
    return token.bare in NAME_WORD_TITLES and following >= 2


def _name_words(tokens: list[_Token]) -> list[str]:
    return [w for t in tokens for w in t.words]


def _content_words(words: list[str]) -> int:
    return sum(w not in NAME_PARTICLES for w in words)


@lru_cache(maxsize=200_000)
def parse_name(value: str | None) -> tuple[str, str]:
    """(matching key, generational suffix) of a written name; see :func:`normalize_name` and
    :func:`name_generation`. Cached: the same name appears many times in a log."""
    if not value:
        return "", ""
    text = nfc(value)
    if "," not in text and "." not in text:
        plain = _NON_NAME.sub(" ", transliterate(text).casefold()).split()
        if not _AFFIXES.intersection(plain):  # the common case: nothing to interpret
            return " ".join(plain), ""
    parts = [[_Token(w) for w in p.split()] for p in text.split(",")]
    parts = [p for p in parts if p]
    generation = ""
    # Trailing parts made only of suffixes or titles belong to the name ("Smith, John, Jr.").
    while len(parts) > 1 and all(t.bare in _AFFIXES for t in parts[-1]):
        tail = parts.pop()
        generation = generation or next((t.bare for t in tail if t.bare in GENERATION_SUFFIXES), "")
    stripped = [_strip_affixes(p) for p in parts]
    names = [_name_words(toks) for toks, _, _ in stripped]
    generation = generation or next((g for _, _, g in reversed(stripped) if g), "")
    if len(names) == 2 and names[0] and names[1]:
        (_, a_titled, _), (a, b) = stripped[0], names
        listed = a_titled or (_content_words(a) >= 2 and _content_words(b) >= 2)
        words = a + b if listed else b + a  # "Lima, Ana" is Last, First; "A B, C D" two people
    else:
        words = [w for ws in names for w in ws]
    return " ".join(words), generation


def normalize_name(value: str | None) -> str:
    """The matching key of a name (keys are for matching only; names are shown as written).

    Case-folded; Latin, Cyrillic and Greek letters transliterated to ASCII
    (:data:`TRANSLITERATED_SCRIPTS`: ``Søren`` = ``Soren``); punctuation removed, whitespace
    collapsed; titles and honorifics before the name and suffixes after it ignored
    (:data:`NAME_TITLES`, :data:`DOTTED_TITLES`, :data:`NAME_WORD_TITLES`, :data:`NAME_SUFFIXES`);
    ``Last, First`` turned into ``first last`` when it is two name parts, not two people:
    ``Lima, Ana`` -> ``ana lima``, ``van der Berg, Jan`` -> ``jan van der berg``, but
    ``Mr. John Richter, James Doe Sr.`` -> ``john richter james doe`` (a title before the comma,
    or two or more name words on both sides, make it a list of people; known limit: a double
    surname with two given names, ``García Márquez, Gabriel José``, reads as a list too).
    "" when nothing is left."""
    return parse_name(value)[0]


def name_generation(value: str | None) -> str:
    """The generational suffix written after a name (``jr``, ``sr``, ``ii``, ``iii``, ``iv``) or
    "". :func:`normalize_name` ignores it so that ``James Doe Jr.`` matches ``James Doe`` in a chat;
    identity resolution keeps ``James Doe Sr.`` and ``James Doe Jr.`` apart with it."""
    return parse_name(value)[1]
