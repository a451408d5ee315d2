"""Normalising the keys people are matched on: e-mail addresses, phone numbers, names.

Identity resolution (:mod:`analysis.identity`) compares these normal forms, never the raw text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers

_EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_SPACES = re.compile(r"\s+")
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
    one), or "" when there are fewer than 3 digits. Cached: the same number appears many times in a log."""
    if not value:
        return ""
    raw = str(value).strip()
    if raw.lower().startswith("tel:"):
        raw = raw[4:]
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 3:
        return ""
    try:
        num = phonenumbers.parse(raw, region.upper() if region else None)
        if phonenumbers.is_possible_number(num) and len(str(num.national_number)) >= 7:
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return ("+" if raw.startswith("+") else "") + digits


def looks_like_phone(value: str) -> bool:
    """True when ``value`` is a phone number rather than a name (mostly digits)."""
    v = str(value).strip()
    digits = sum(ch.isdigit() for ch in v)
    return digits >= 3 and digits >= 0.6 * len(re.sub(r"[\s().-]", "", v))


def strip_accents(text: str) -> str:
    """Text without combining marks (``José`` -> ``Jose``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def normalize_name(value: str | None) -> str:
    """The matching key of a name: case-folded, accents and punctuation removed, whitespace
    collapsed, and ``Last, First`` turned into ``first last``. "" when nothing is left."""
    if not value:
        return ""
    v = nfc(value)
    if v.count(",") == 1:
        last, first = (p.strip() for p in v.split(","))
        if first and last:
            v = f"{first} {last}"
    v = strip_accents(v).casefold()
    v = _NON_NAME.sub(" ", v)
    return _SPACES.sub(" ", v).strip()
