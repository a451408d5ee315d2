"""Dates and times as every importer reads them: one place for the rules.

* **Representable range**: closeknit keeps timestamps as nanoseconds since 1970 (pandas'
  ``datetime64[ns]``), which holds 1677-09-21 to 2262-04-11. A date outside it is never wrapped
  into another century: :func:`representable` (one value) and :func:`representable_days` (day
  numbers, vectorised) tell, and importers skip the record with :data:`OUT_OF_RANGE_REASON`.
* **Far future**: a date more than :data:`FUTURE_TOLERANCE_DAYS` after the day of import is
  suspicious (a wrong year, a wrong date order); importers note how many there were.
* **Day/month order** of numeric dates (``03/04/2025``) is decided from a whole file or column,
  never value by value: :func:`day_month_order`.
* **Two-digit years**: :func:`expand_two_digit_years` (the ICU/CLDR window rule).
* **Calendar eras**: Thai Buddhist-era years (:func:`buddhist_to_gregorian`) and Japanese era
  years (:func:`japanese_era_year`).
* **Digits**: Eastern Arabic (``٠-٩``) and Persian (``۰-۹``) digits read as ASCII
  (:func:`ascii_digits`, :func:`ascii_digits_bytes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

TIMESTAMP_MIN = pd.Timestamp.min.tz_localize("UTC").ceil("D")
"""Earliest instant closeknit can keep (1677-09-22 UTC, the first whole day pandas holds)."""

TIMESTAMP_MAX = pd.Timestamp.max.tz_localize("UTC").floor("D")
"""Latest instant closeknit can keep (2262-04-11 UTC)."""

OUT_OF_RANGE_REASON = "date outside the years closeknit can keep (1677-2262)"

FUTURE_TOLERANCE_DAYS = 366
"""Days after today beyond which a date counts as "far in the future" and is reported."""

_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")

FIRST_DAY = (TIMESTAMP_MIN - _EPOCH).days + 1
"""First local calendar day (days since 1970-01-01) :func:`representable_days` accepts: one day
inside the range, so that any time of that day in any time zone (UTC-12 to UTC+14) still fits."""

LAST_DAY = (TIMESTAMP_MAX - _EPOCH).days - 2
"""Last local calendar day :func:`representable_days` accepts (a day's margin, as for
:data:`FIRST_DAY`)."""


def representable(value: datetime | date | pd.Timestamp) -> bool:
    """True when ``value`` (naive values are taken as UTC) lies within the range closeknit keeps.

    >>> representable(datetime(2024, 5, 1))
    True
    >>> representable(datetime(1, 1, 1))
    False
    """
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:
        dt = datetime(value.year, value.month, value.day, tzinfo=UTC)
    lo, hi = TIMESTAMP_MIN.to_pydatetime(), TIMESTAMP_MAX.to_pydatetime()
    return lo <= dt <= hi


def representable_days(days: np.ndarray) -> np.ndarray:
    """For local calendar days as days since 1970-01-01: True where the whole day, at any time
    and in any time zone, lies within the range closeknit keeps.

    >>> representable_days(np.array([0, 107_000, -107_000])).tolist()
    [True, False, False]
    """
    days = np.asarray(days)
    return (days >= FIRST_DAY) & (days <= LAST_DAY)


def civil_days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (arrays; any integer years). The inputs
    must be valid dates (see :func:`civil_days_checked`).

    Algorithm: Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms" (days_from_civil).

    >>> civil_days(np.array([1970, 2024, 1600]), np.array([1, 2, 3]), np.array([1, 29, 1])).tolist()
    [0, 19782, -135080]
    """
    y = np.asarray(year, dtype=np.int64) - (np.asarray(month) <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    m = np.asarray(month, dtype=np.int64)
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + np.asarray(day, dtype=np.int64) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_days_checked(
    year: np.ndarray, month: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(days since 1970-01-01, valid) of proleptic Gregorian dates: ``valid`` is False where the
    month is not 1-12 or the day does not exist in that month (31 April, 29 February 2023).

    >>> d, ok = civil_days_checked(np.array([2024, 2023]), np.array([2, 2]), np.array([29, 29]))
    >>> ok.tolist()
    [True, False]
    """
    year = np.asarray(year, dtype=np.int64)
    month = np.asarray(month, dtype=np.int64)
    day = np.asarray(day, dtype=np.int64)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    lengths = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    ok = (month >= 1) & (month <= 12)
    mlen = lengths[np.where(ok, month, 0)] + (leap & (month == 2))
    ok &= (day >= 1) & (day <= mlen)
    days = civil_days(year, np.where(ok, month, 1), np.where(ok, day, 1))
    return days, ok


# ---------------------------------------------------------------------------------------------
# digits

_NATIVE_DIGITS = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
DIGIT_TABLE = str.maketrans(_NATIVE_DIGITS, "0123456789" * 2)
"""``str.translate`` table: Eastern Arabic (U+0660-0669) and Persian/Urdu (U+06F0-06F9) digits to
ASCII. Phones set to Arabic, Persian or Urdu write dates and times in these digits."""

_NATIVE_DIGIT_BYTES = tuple(
    (ch.encode("utf-8"), str(i % 10).encode()) for i, ch in enumerate(_NATIVE_DIGITS)
)


def ascii_digits(text: str) -> str:
    """``text`` with Eastern Arabic and Persian digits as ASCII digits.

    >>> ascii_digits("١٢/٠٣/٢٠٢٥ ۱۸:۰۴")
    '12/03/2025 18:04'
    """
    return text.translate(DIGIT_TABLE)


def ascii_digits_bytes(data: bytes) -> bytes:
    """UTF-8 ``data`` with Eastern Arabic and Persian digits as ASCII digits (fast: the bytes are
    only searched for the two UTF-8 lead bytes of those digits unless they occur).

    >>> ascii_digits_bytes("١٢:٣٠".encode())
    b'12:30'
    """
    if b"\xd9" not in data and b"\xdb" not in data:
        return data
    for native, ascii_ in _NATIVE_DIGIT_BYTES:
        if native in data:
            data = data.replace(native, ascii_)
    return data


# ---------------------------------------------------------------------------------------------
# years

TWO_DIGIT_YEAR_PAST = 80
"""A two-digit year is the year ending in those digits within the 100 years that start
:data:`TWO_DIGIT_YEAR_PAST` years before today (ICU ``SimpleDateFormat``'s default century, which
CLDR-based phones use: in 2026, ``45`` is 2045 and ``46`` is 1946). Callers that know the earliest
possible year (WhatsApp did not exist before 2009) pass ``earliest`` instead."""


def expand_two_digit_years(
    yy: np.ndarray, today: date | None = None, earliest: int | None = None
) -> np.ndarray:
    """Four-digit years for two-digit years ``yy`` (0-99): the year ending in ``yy`` within the
    100 years starting at ``earliest`` if given, else :data:`TWO_DIGIT_YEAR_PAST` years before
    ``today`` (default: today).

    >>> expand_two_digit_years(np.array([25, 45, 46, 99]), date(2026, 1, 1)).tolist()
    [2025, 2045, 1946, 1999]
    >>> expand_two_digit_years(np.array([9, 68]), earliest=2000).tolist()
    [2009, 2068]
    """
    start = earliest if earliest is not None else (today or date.today()).year - TWO_DIGIT_YEAR_PAST
    yy = np.asarray(yy, dtype=np.int64)
    return start + (yy - start) % 100


BUDDHIST_ERA_OFFSET = 543
"""Thai solar calendar years (Buddhist era, B.E.) run 543 years ahead: B.E. 2568 = 2025 CE."""

BUDDHIST_MIN_YEAR = 2400
"""A four-digit year at or above this is taken as Buddhist era in a file whose other years agree
(no Gregorian year this far ahead is plausible in a record of past contact; B.E. 2400 = 1857)."""


def buddhist_to_gregorian(year: np.ndarray) -> np.ndarray:
    """Gregorian years of Thai Buddhist-era years.

    >>> buddhist_to_gregorian(np.array([2568])).tolist()
    [2025]
    """
    return np.asarray(year, dtype=np.int64) - BUDDHIST_ERA_OFFSET


JAPANESE_ERAS: dict[str, int] = {
    "令和": 2018,
    "R": 2018,
    "平成": 1988,
    "H": 1988,
    "昭和": 1925,
    "S": 1925,
    "大正": 1911,
    "T": 1911,
}
"""Japanese imperial eras (kanji and the one-letter abbreviation) -> the Gregorian year before
the era's first year: Reiwa 1 = 2019 (from 1 May 2019), Heisei 1 = 1989, Showa 1 = 1926,
Taisho 1 = 1912. A year is ``base + era year`` (令和5年 = 2023, H31 = 2019)."""


def japanese_era_year(era: str, year: int) -> int:
    """The Gregorian year of a Japanese era year.

    >>> japanese_era_year("令和", 5), japanese_era_year("H", 31)
    (2023, 2019)
    """
    base = JAPANESE_ERAS.get(era) or JAPANESE_ERAS.get(era.upper())
    if base is None:
        raise ValueError(f"unknown Japanese era {era!r}")
    return base + year


# ---------------------------------------------------------------------------------------------
# day/month order


@dataclass(frozen=True)
class DayMonthOrder:
    """How a file's numeric ``a/b/year`` dates are read.

    ``dayfirst``: True (``a`` is the day), False (``a`` is the month).
    ``decided``: True when dates in the data told (a field above 12); False when it was the
    caller's setting or the default.
    ``evidence``: index (into the values given) of a date that decided it, or -1.
    ``conflict``: True when some dates only fit day-first and others only month-first (the
    majority wins; ``day_votes``/``month_votes`` say how many of each, ``other_evidence`` is
    the first date of the losing kind).
    """

    dayfirst: bool
    decided: bool
    evidence: int = -1
    conflict: bool = False
    day_votes: int = 0
    month_votes: int = 0
    other_evidence: int = -1


def day_month_order(
    first: np.ndarray,
    second: np.ndarray,
    dayfirst: bool | None = None,
    default_dayfirst: bool = True,
) -> DayMonthOrder:
    """Decide day-first or month-first from *all* of a file's dates, given as the numbers of
    their first and second fields (year-first dates left out by the caller).

    A first field above 12 is a day (day-first); a second field above 12 is a day
    (month-first); a date with both above 12 is no d/m date and tells nothing. When both kinds
    occur, the majority wins (``conflict``). When nothing tells, ``dayfirst`` (the user's
    setting) if given, else ``default_dayfirst``; ``decided`` is then False.

    >>> day_month_order(np.array([3, 25]), np.array([4, 12]))
    DayMonthOrder(dayfirst=True, decided=True, evidence=1, conflict=False, day_votes=1, month_votes=0, other_evidence=-1)
    >>> day_month_order(np.array([3]), np.array([4]), default_dayfirst=False).dayfirst
    False
    """
    a = np.asarray(first, dtype=np.int64)
    b = np.asarray(second, dtype=np.int64)
    usable = ~((a > 12) & (b > 12))
    day_hits = np.flatnonzero(usable & (a > 12))
    month_hits = np.flatnonzero(usable & (b > 12))
    nd, nm = len(day_hits), len(month_hits)
    if nd or nm:
        day = nd >= nm
        ev = int(day_hits[0] if day else month_hits[0])
        other = month_hits if day else day_hits
        return DayMonthOrder(
            day, True, ev, bool(nd and nm), nd, nm, int(other[0]) if len(other) else -1
        )
    chosen = default_dayfirst if dayfirst is None else dayfirst
    return DayMonthOrder(chosen, False)
