"""analysis.dates: the date rules every importer shares."""

from __future__ import annotations

import doctest
from datetime import date

import numpy as np
import pytest

from analysis import dates


def test_module_doctests_pass():
    assert doctest.testmod(dates).failed == 0


def test_day_month_order_needs_a_field_above_twelve_to_decide():
    order = dates.day_month_order(np.array([1, 2, 25]), np.array([3, 4, 12]))
    assert (order.dayfirst, order.decided, order.evidence) == (True, True, 2)
    order = dates.day_month_order(np.array([1, 12]), np.array([3, 30]))
    assert (order.dayfirst, order.decided, order.evidence) == (False, True, 1)


def test_undecidable_order_uses_the_setting_then_the_default_and_says_it_guessed():
    a, b = np.array([1, 2]), np.array([3, 4])
    assert dates.day_month_order(a, b).dayfirst is True
    assert dates.day_month_order(a, b).decided is False
    assert dates.day_month_order(a, b, dayfirst=False).dayfirst is False
    assert dates.day_month_order(a, b, default_dayfirst=False).dayfirst is False


def test_conflicting_dates_go_with_the_majority_and_report_both_counts():
    order = dates.day_month_order(np.array([13, 14, 1]), np.array([1, 1, 20]))
    assert order.dayfirst and order.conflict
    assert (order.day_votes, order.month_votes) == (2, 1)


def test_dates_that_fit_no_order_tell_nothing():
    order = dates.day_month_order(np.array([31, 5]), np.array([31, 6]))
    assert not order.decided


def test_two_digit_years_follow_the_icu_window_or_the_earliest_year():
    got = dates.expand_two_digit_years(np.array([0, 45, 46, 99]), today=date(2026, 6, 1))
    assert got.tolist() == [2000, 2045, 1946, 1999]
    assert dates.expand_two_digit_years(np.array([9, 99]), earliest=2000).tolist() == [2009, 2099]


def test_eras_convert_to_gregorian_years():
    assert dates.buddhist_to_gregorian(np.array([2568, 2500])).tolist() == [2025, 1957]
    assert dates.japanese_era_year("令和", 1) == 2019
    assert dates.japanese_era_year("平成", 31) == 2019
    assert dates.japanese_era_year("r", 7) == 2025
    with pytest.raises(ValueError, match="unknown Japanese era"):
        dates.japanese_era_year("X", 1)


def test_eastern_arabic_and_persian_digits_become_ascii_in_text_and_bytes():
    assert dates.ascii_digits("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹") == "0123456789 0123456789"
    raw = "١٣/٣/٢٠٢٥ ۶:۰۴ م".encode()
    assert dates.ascii_digits_bytes(raw) == "13/3/2025 6:04 م".encode()
    plain = b"12/03/2025"
    assert dates.ascii_digits_bytes(plain) is plain  # untouched when there is nothing to do


def test_civil_days_match_the_standard_library_and_reject_impossible_dates():
    rng = np.random.default_rng(1)
    years = rng.integers(1600, 2400, 500)
    months = rng.integers(1, 13, 500)
    days = rng.integers(1, 29, 500)
    got = dates.civil_days(years, months, days)
    want = [
        (date(y, m, d) - date(1970, 1, 1)).days for y, m, d in zip(years, months, days, strict=True)
    ]
    assert got.tolist() == want
    _, ok = dates.civil_days_checked(
        np.array([2024, 2023, 2100, 2000, 2025, 2025]),
        np.array([2, 2, 2, 2, 4, 13]),
        np.array([29, 29, 29, 29, 31, 1]),
    )
    assert ok.tolist() == [True, False, False, True, False, False]


def test_representable_days_leave_a_day_for_time_zones_at_both_ends():
    assert dates.representable_days(np.array([dates.FIRST_DAY, dates.LAST_DAY])).all()
    assert not dates.representable_days(np.array([dates.FIRST_DAY - 1])).any()
    assert not dates.representable_days(np.array([dates.LAST_DAY + 1])).any()
    last = date(1970, 1, 1).toordinal() + dates.LAST_DAY
    assert dates.representable(date.fromordinal(last + 1))  # the margin is inside the range
