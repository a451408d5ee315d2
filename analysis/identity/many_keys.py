"""The match keys of many values at once: :func:`analysis.identity.keys.identity_key` of every
distinct ``who`` of a log, with Arrow's compiled string kernels for the common shapes.

A log of a million rows names tens of thousands of distinct identities; keying them one by one in
Python took most of the time matching them (measured at 28,000: e-mails 0.7 µs each, names
5 µs, phone numbers written nationally 9 µs). Here the values are keyed column by column, with
the same rules, for values written in printable ASCII (space the only white space, no ``<`` or
``>``), where Python's Unicode-aware ``\\s``, ``\\d`` and ``\\w``, its ``casefold`` and NFC are
the ASCII ones Arrow's RE2 kernels use:

- an **e-mail address**: trimmed and lower-cased, ``mailto:`` removed, then the address pattern
  of :func:`analysis.normalize.normalize_email`;
- a **phone number** (:func:`analysis.normalize.looks_like_phone`, counted the same way): kept
  when already E.164, else, when written nationally as plain digits (no ``+``, no ``tel:``), read
  with ``phonenumbers``' metadata of the region in the order its ``parse`` applies it, as
  :func:`analysis.normalize._plain_phone` does one number at a time;
- a **name**: lower-cased, punctuation removed and white space collapsed, when it has no comma,
  no dot and no title or suffix word (:func:`analysis.normalize.parse_name`'s common case).

Every other value (another script, a display name in angle brackets, a number after ``+`` or
with an international prefix, a region whose national prefix is rewritten, a name to interpret)
is keyed by :func:`~analysis.identity.keys.identity_key` itself. Tests hold the result equal to
``identity_key`` value by value, in every region ``phonenumbers`` knows.

References: ``phonenumbers.phonenumberutil.parse``, ``_maybe_strip_national_prefix_carrier_code``,
``_match_national_number`` and ``_test_number_length`` (python-phonenumbers, a port of Google's
libphonenumber, whose C++ version evaluates the same metadata patterns with RE2, as Arrow does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import numpy as np
import phonenumbers
import phonenumbers.phonenumberutil as _pnu
import pyarrow as pa
import pyarrow.compute as pc

from analysis.identity.keys import identity_key, phone_key
from analysis.normalize import (
    _AFFIXES,
    _NOT_STRIPPED,
    _POSSIBLE,
    _SHORTCUT,
    _calling_code_plan,
    normalize_name,
)

_PLAIN_ASCII = r"^[\x20-\x3b\x3d\x3f-\x7e]*$"
"""Printable ASCII without ``<`` and ``>``: the values keyed here."""
_E164 = r"^\+[1-9][0-9]{6,14}$"
_AFFIX_WORD = "(?:^| )(?:" + "|".join(re.escape(w) for w in sorted(_AFFIXES)) + ")(?: |$)"


def identity_keys(values: Sequence[object], region: str) -> tuple[list[str], list[str]]:
    """``(kinds, keys)``: :func:`~analysis.identity.keys.identity_key` of each value, in order.

    Parameters
    ----------
    values : the distinct identities (str, or anything else, which has no key).
    region : an upper-cased ISO 3166 region (:func:`~analysis.identity.keys.check_region`).

    Returns
    -------
    Two lists as long as ``values``: the kind (``email``, ``phone``, ``name``) and the key.

    Examples
    --------
    >>> identity_keys(["Anna@Example.org", "0170 1234567", "Dr. Anna Berg", "anna berg"], "DE")
    (['email', 'phone', 'name', 'name'], ['anna@example.org', '+491701234567', 'anna berg', 'anna berg'])
    """
    kinds = np.full(len(values), "name", dtype=object)
    keys = np.full(len(values), "", dtype=object)
    strings = [v if isinstance(v, str) else None for v in values]
    try:
        arr = pa.array(strings, type=pa.string())
    except (pa.ArrowException, UnicodeError):  # a lone surrogate, say: one by one
        arr = None
    if arr is None or not _SHORTCUT:
        slow = [i for i, v in enumerate(strings) if v is not None]
    else:
        at = np.flatnonzero(~_mask(arr.is_null()))
        slow = _keyed(arr.drop_null(), at, region, kinds, keys)
    for i in slow:
        kinds[i], keys[i] = identity_key(values[i], region)
    return kinds.tolist(), keys.tolist()


def phone_keys(values: Sequence[object], region: str) -> list[str]:
    """:func:`~analysis.identity.keys.phone_key` of each value ("" for anything but a string),
    in order: a number already in E.164 kept as it is, one written nationally as plain digits
    read as :func:`_national` reads it, any other through ``phone_key`` itself.

    >>> phone_keys(["+491701234567", "0170 1234567", None], "DE")
    ['+491701234567', '+491701234567', '']
    """
    strings = [v if isinstance(v, str) else "" for v in values]
    try:
        arr = pa.array(strings, type=pa.string())
    except (pa.ArrowException, UnicodeError):
        return [phone_key(v, region) for v in strings]
    count = _ByteCounts(arr)
    e164 = _mask(pc.match_substring_regex(arr, _E164))
    national = ~e164 & (count.of(_NATIONAL) == count.lengths)
    national &= (count.of(b"0123456789") >= 3) & _SHORTCUT
    out = [v if kept else "" for v, kept in zip(strings, e164.tolist(), strict=True)]
    at = np.flatnonzero(national)
    settled, numbers = _national(_digits_of(_rows(arr, national)), region)
    for i, number in zip(at[settled].tolist(), numbers, strict=True):
        out[i] = number
    done = e164.copy()
    done[at[settled]] = True
    for i in np.flatnonzero(~done).tolist():
        out[i] = phone_key(strings[i], region)
    return out


def _keyed(
    arr: pa.Array, at: np.ndarray, region: str, kinds: np.ndarray, keys: np.ndarray
) -> list[int]:
    """Fill ``kinds``/``keys`` at positions ``at`` (one per string of ``arr``) for every value of
    a shape keyed here; return the positions of the others."""
    count = _ByteCounts(arr)
    plain = count.of(_OUTSIDE) == 0
    slow = [at[~plain]]

    maybe = plain & (count.of(b"@") > 0)
    lowered = pc.replace_substring_regex(
        pc.ascii_lower(pc.utf8_trim(_rows(arr, maybe), characters=" ")),
        "^mailto:",
        "",
        max_replacements=1,
    )
    found = _mask(pc.match_substring_regex(lowered, "^[^@ ]+@[^@ ]+\\.[^@ ]+$"))
    _put(kinds, keys, at[maybe][found], "email", lowered.filter(pa.array(found)))
    email = np.zeros(len(arr), dtype=bool)
    email[np.flatnonzero(maybe)[found]] = True

    digits = count.of(b"0123456789")
    counted = count.lengths - count.of(b" ().-")
    phone = plain & ~email & (digits >= 3) & (digits >= 0.6 * counted)
    e164 = np.zeros(len(arr), dtype=bool)
    e164[np.flatnonzero(phone)[_mask(pc.match_substring_regex(_rows(arr, phone), _E164))]] = True
    _put(kinds, keys, at[e164], "phone", _rows(arr, e164))
    national = phone & ~e164 & (count.of(_NATIONAL) == count.lengths)
    settled, numbers = _national(_digits_of(_rows(arr, national)), region)
    _put(kinds, keys, at[national][settled], "phone", numbers)
    slow += [at[phone & ~e164 & ~national], at[national][~settled]]

    name = plain & ~email & ~phone
    simple, words = _plain_names(arr, count, name)
    _put(kinds, keys, at[simple], "name", words)
    slow.append(at[name & ~simple])
    return np.concatenate(slow).tolist()


def _plain_names(
    arr: pa.Array, count: _ByteCounts, among: np.ndarray
) -> tuple[np.ndarray, pa.Array]:
    """``(simple, keys)``: which values ``among`` are names whose key is the name itself,
    lower-cased and trimmed (made only of :data:`_NAME_CHARS`, single spaces, no title or
    suffix word: :func:`analysis.normalize.parse_name`'s common case), and their keys in order."""
    simple = among & (count.of(_NAME_CHARS) == count.lengths)
    words = pc.utf8_trim(pc.ascii_lower(_rows(arr, simple)), characters=" ")
    spaced = _mask(pc.match_substring(words, "  "))
    spaced |= _mask(pc.match_substring_regex(words, _AFFIX_WORD))
    simple[np.flatnonzero(simple)[spaced]] = False
    return simple, words.filter(pa.array(~spaced))


def name_keys(values: Sequence[str]) -> list[str]:
    """:func:`analysis.normalize.normalize_name` of each string, in order.

    >>> name_keys(["Anna  Berg", "Dr. Anna Berg", "Søren"])
    ['anna berg', 'anna berg', 'soren']
    """
    out = np.empty(len(values), dtype=object)
    try:
        arr = pa.array(values, type=pa.string())
    except (pa.ArrowException, UnicodeError):
        arr = None
    simple = np.zeros(len(values), dtype=bool)
    if arr is not None:
        count = _ByteCounts(arr)
        simple, words = _plain_names(arr, count, count.of(_OUTSIDE) == 0)
        out[simple] = words.to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(~simple).tolist():
        out[i] = normalize_name(values[i])
    return out.tolist()


_OUTSIDE = bytes(b for b in range(256) if not (0x20 <= b <= 0x7E) or b in b"<>")
"""Bytes of values keyed one by one: anything but printable ASCII, and ``<``, ``>``."""
_NATIONAL = b"0123456789 ()./-"
"""The characters of a number written nationally as plain digits."""
_NAME_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_ '-"
"""The characters a name key keeps (``\\w``, space, ``'`` and ``-`` in ASCII): a name made of
them only is the key itself, lower-cased, once its spaces are single."""


class _ByteCounts:
    """How many bytes of a set each value of a string array holds, counted with numpy over the
    array's UTF-8 buffer (a byte is a character in the printable ASCII values keyed here)."""

    def __init__(self, arr: pa.Array) -> None:
        offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[
            arr.offset : arr.offset + len(arr) + 1
        ]
        data = arr.buffers()[2]
        self._data = (
            np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
        )
        self._start = offsets[:-1].astype(np.int64)
        self._end = offsets[1:].astype(np.int64)
        self.lengths: np.ndarray = self._end - self._start

    def of(self, chars: bytes) -> np.ndarray:
        """Per value, how many of its bytes are in ``chars``."""
        table = np.zeros(256, dtype=np.int32)
        table[np.frombuffer(chars, dtype=np.uint8)] = 1
        # int32 sums run five times as fast as int64 ones; a buffer of 2 GB would overflow them
        kind = np.int32 if len(self._data) < 2**31 else np.int64
        total = np.zeros(len(self._data) + 1, dtype=kind)
        np.cumsum(table[self._data], out=total[1:])
        ends: np.ndarray = total[self._end]
        return (ends - total[self._start]).astype(np.int64)


def _digits_of(arr: pa.Array) -> pa.Array:
    """Each value's digits alone."""
    return pc.replace_substring_regex(arr, "[^0-9]+", "")


def _rows(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    return arr.filter(pa.array(mask))


def _national(digits: pa.Array, region: str) -> tuple[np.ndarray, list[str]]:
    """``(settled, keys)``: :func:`analysis.normalize._plain_phone` of numbers written without
    ``+`` (``digits``: theirs alone) in ``region``, for each number it settles without the full
    parser (``settled``; ``keys`` for those, in order)."""
    size = len(digits)
    plan = _region_plan(region) if size else None
    if plan is None:
        return np.zeros(size, dtype=bool), []
    idd, own, prefix, general, local, main = plan
    out = ~_mask(pc.match_substring_regex(digits, "^(?:" + idd + ")"))
    out &= ~_mask(pc.starts_with(digits, own))
    number = digits
    if prefix:
        stripped = pc.replace_substring_regex(digits, "^(?:" + prefix + ")", "", max_replacements=1)
        matched = _mask(pc.match_substring_regex(digits, "^(?:" + prefix + ")"))
        viable = _whole_match(digits, general)
        still = _whole_match(stripped, general)
        strip = matched & ~(viable & ~still)
        strip &= ~np.isin(_lengths(stripped), local)  # the stripped number's length is possible
        number = pc.if_else(pa.array(strip), stripped, digits)
    length = _lengths(number)
    out &= (length >= 2) & (length <= 17)
    out &= ~_mask(pc.starts_with(number, "0"))
    possible = np.isin(length, main) & (length >= 7)
    e164 = pc.binary_join_element_wise("+" + own, number, "")
    keys = pc.if_else(pa.array(possible), e164, digits).filter(pa.array(out))
    return out, keys.to_pylist()


@cache
def _region_plan(region: str) -> tuple[str, str, str, str, np.ndarray, np.ndarray] | None:
    """What :func:`_national` reads of ``region``'s metadata: its international prefix, its
    calling code, its national prefix for parsing ("" when none) and its general number
    pattern, the lengths at which a number keeps its national prefix, and the lengths that are
    possible for the main region of its calling code. None when a number of the region takes
    the full parser (no metadata, or a national prefix that is rewritten, not only removed)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
    if metadata is None or metadata.international_prefix is None:
        return None
    if metadata.national_prefix_transform_rule:
        return None
    main = _calling_code_plan(metadata.country_code) if metadata.country_code else None
    if main is None:
        return None
    general = metadata.general_desc.national_number_pattern if metadata.general_desc else None
    prefix = metadata.national_prefix_for_parsing or ""
    if prefix and not general:
        return None
    lengths = range(0, 20)
    kept = [n for n in lengths if _pnu._test_number_length("0" * n, metadata) in _NOT_STRIPPED]
    possible = [n for n in lengths if _pnu._test_number_length("0" * n, main[0]) in _POSSIBLE]
    return (
        metadata.international_prefix,
        str(metadata.country_code),
        prefix,
        general or "",
        np.asarray(kept, dtype=np.int64),
        np.asarray(possible, dtype=np.int64),
    )


def _whole_match(arr: pa.Array, pattern: str) -> np.ndarray:
    """Whether ``pattern`` matches each value whole: ``phonenumbers``' ``_match_national_number``
    without prefix matches (``re.fullmatch``)."""
    return _mask(pc.match_substring_regex(arr, "^(?:" + pattern + ")$"))


def _lengths(arr: pa.Array) -> np.ndarray:
    return _numbers(pc.utf8_length(arr))


def _numbers(arr: pa.Array) -> np.ndarray:
    return arr.to_numpy(zero_copy_only=False).astype(np.int64)


def _mask(arr: pa.Array) -> np.ndarray:
    return arr.to_numpy(zero_copy_only=False).astype(bool)


def _put(kinds: np.ndarray, keys: np.ndarray, at: np.ndarray, kind: str, found: object) -> None:
    """Set the kind and the keys (an Arrow array or a list, in the order of ``at``) at ``at``."""
    kinds[at] = kind
    keys[at] = found.to_numpy(zero_copy_only=False) if isinstance(found, pa.Array) else found
