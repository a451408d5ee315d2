"""The match keys of identity resolution: e-mail address, E.164 phone number, normalised name.

Every comparison in :mod:`analysis.identity` is between these keys, never the raw text; names are
shown as written. The normal forms themselves are defined in :mod:`analysis.normalize`
(:func:`~analysis.normalize.normalize_email`, :func:`~analysis.normalize.normalize_phone`,
:func:`~analysis.normalize.normalize_name`); this module applies them to contact fields and to
interaction identities (``who``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from analysis.normalize import (
    is_non_person_email,
    looks_like_phone,
    normalize_email,
    normalize_name,
    normalize_phone,
)

_E164 = re.compile(r"\+[1-9]\d{6,14}")
_DIGIT = re.compile(r"\d")


def check_region(region: str) -> str:
    """The upper-cased ISO 3166 region, or ``ValueError`` when ``phonenumbers`` does not know it."""
    code = (region or "").strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(
            f"unknown phone region {region!r}: give an ISO 3166 country code such as US, GB or FR"
        )
    return code


def phone_key(value: str, region: str) -> str:
    """The E.164 form of a phone number read in ``region`` (``0170 1234567`` in DE ->
    ``+491701234567``). A value already in E.164 syntax (as the importers store numbers) is kept
    as is: parsing it again gives the same string and costs ~40 microseconds a number; anything
    else goes through :func:`analysis.normalize.normalize_phone` (digits only when it is no
    possible number)."""
    if _E164.fullmatch(value):
        return value
    return normalize_phone(value, region)


def identity_key(who: object, region: str) -> tuple[str, str]:
    """(kind, key) of an interaction identity: kind ``email`` (the normalised address), ``phone``
    (E.164 in ``region``) or ``name`` (the normalised name); key "" when there is none."""
    if not isinstance(who, str):
        return "name", ""
    email = normalize_email(who)
    if email:
        return "email", email
    if looks_like_phone(who):
        return "phone", phone_key(who, region)
    return "name", normalize_name(who)


is_role_address = lru_cache(maxsize=200_000)(is_non_person_email)
""":func:`analysis.normalize.is_non_person_email`, cached: asked for every contact address, again
for every person."""
