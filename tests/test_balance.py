"""Online/offline balance, counted in person-days by mode."""

import math

import pandas as pd
import pytest

from analysis.metrics.balance import by_circle, monthly, overall, person_balance, screen_only
from analysis.metrics.cadence import as_of_timestamp, prepare
from tests.engine_helpers import log

AS_OF = as_of_timestamp("2025-04-30")


def prep(rows):
    return prepare(log(rows), AS_OF)


ROWS = [
    # a: in the 90-day window (from 2025-01-31): 2 meeting days, 3 chat days (one day has both)
    ("a", "2025-03-01", "in_person", "mutual"),
    ("a", "2025-03-01T20:00", "message", "outgoing"),
    ("a", "2025-03-10", "in_person", "mutual"),
    *[("a", f"2025-04-01T1{i}:00", "message", "outgoing") for i in range(5)],
    ("a", "2025-04-20", "message", "incoming"),
    # b: only screens in the window, met in person long ago
    ("b", "2024-12-01", "in_person", "mutual"),
    ("b", "2025-04-25", "video", "outgoing"),
    ("b", "2025-04-28", "message", "incoming"),
]


def test_person_offline_share_counts_person_days_not_rows():
    pb = person_balance(prep(ROWS), AS_OF, 90)
    assert pb.loc["a", "offline_days"] == 2 and pb.loc["a", "online_days"] == 3
    assert pb.loc["a", "offline_share"] == pytest.approx(2 / 5)
    assert pb.loc["a", "messages_in_window"] == 7
    assert pb.loc["b", "offline_share"] == 0.0
    assert pb.loc["b", "offline_share_all"] == pytest.approx(1 / 3)
    assert pb.loc["b", "days_since_in_person"] == 150
    assert pb.loc["a", "days_since_in_person"] == 51


def test_screen_only_needs_inner_circle_recent_screens_and_no_meeting_for_60_days():
    pb = person_balance(prep(ROWS), AS_OF, 90)
    assert screen_only(pb, pd.Series({"a": 1, "b": 1})).to_dict() == {"a": False, "b": True}
    assert not screen_only(pb, pd.Series({"a": 1, "b": 3}))["b"]  # outside the intimate circle


def test_overall_share_and_trend_against_previous_window():
    share, trend = overall(prep(ROWS), AS_OF, 90)
    # window: a 2 offline + 3 online, b 2 online -> 2/7; window before: b 1 offline -> 1.0
    assert share == pytest.approx(2 / 7)
    assert trend == pytest.approx(2 / 7 - 1.0)


def test_monthly_fills_empty_months_with_zeros():
    m = monthly(prep(ROWS))
    assert list(m["month"].dt.strftime("%Y-%m")) == [
        "2024-12",
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
    ]
    assert list(m["offline"]) == [1, 0, 0, 2, 0]
    assert list(m["online"]) == [0, 0, 0, 1, 4]
    assert math.isnan(m.loc[1, "offline_share"])


def test_by_circle_sums_window_days():
    pb = person_balance(prep(ROWS), AS_OF, 90)
    bc = by_circle(pb, pd.Series({"a": 1, "b": 1})).set_index("circle")
    assert bc.loc[1, "offline"] == 2 and bc.loc[1, "online"] == 5
    assert bc.loc[2, "offline"] == 0 and math.isnan(bc.loc[2, "offline_share"])


def _same_modes(a, b):
    assert (a.offline_share, a.trend) == pytest.approx((b.offline_share, b.trend), nan_ok=True)
    pd.testing.assert_frame_equal(a.monthly, b.monthly)


@pytest.mark.parametrize(
    ("old_b", "new_b"),
    [
        # b's rows replaced by a meeting today: the first months (b's alone) leave the chart
        (ROWS[-3:], [("b", "2025-04-30", "in_person", "mutual")]),
        # b gone altogether; then b back with a month before everyone else's
        (ROWS[-3:], []),
        (ROWS[-3:], [*ROWS[-3:], ("b", "2024-06-05", "call", "outgoing")]),
    ],
    ids=["moved", "gone", "earlier"],
)
def test_counts_of_some_peoples_rows_replaced_give_the_balance_of_the_new_rows(old_b, new_b):
    """The balance kept from the last run, with one person's rows taken out and their new rows
    put in, is the balance counted afresh: the same shares, trend and months (months of that
    person alone leave or join the chart at its edges)."""
    from analysis.metrics.balance import mode_balance, mode_counts, modes_of

    a = [r for r in ROWS if r[0] == "a"]
    before = mode_balance(prep(a + old_b), AS_OF, 90)
    new = a + new_b
    spliced = modes_of(
        before.counts.replaced(
            mode_counts(prep(old_b), AS_OF, 90) if old_b else mode_counts(prep(a)[:0], AS_OF, 90),
            mode_counts(prep(new_b), AS_OF, 90) if new_b else mode_counts(prep(a)[:0], AS_OF, 90),
        )
    )
    _same_modes(spliced, mode_balance(prep(new), AS_OF, 90))


def test_mode_counts_count_person_days_by_mode_in_both_windows_and_per_month():
    """Counted by hand from ROWS: a day with a meeting and a chat is one offline and one
    online person-day; the window before (90 days before 2025-01-31) holds b's meeting."""
    from analysis.metrics.balance import mode_counts
    from analysis.metrics.cadence import day_table

    prepared = prep(ROWS)
    for days in (None, day_table(prepared)):  # the table made here, or given by the caller
        counts = mode_counts(prepared, AS_OF, 90, days)
        assert counts.window.tolist() == [2, 5, 1, 0]
        months = counts.months
        assert [m.strftime("%Y-%m") for m in months.index] == ["2024-12", "2025-03", "2025-04"]
        assert months["offline"].tolist() == [1, 2, 0]
        assert months["online"].tolist() == [0, 1, 4]


def test_person_balance_from_a_given_day_table_is_the_one_made_alone():
    from analysis.metrics.cadence import day_table

    prepared = prep(ROWS)
    pd.testing.assert_frame_equal(
        person_balance(prepared, AS_OF, 90, day_table(prepared)),
        person_balance(prepared, AS_OF, 90),
    )


def test_month_counts_count_each_months_person_days_as_a_group_by_would():
    import numpy as np

    from analysis.metrics.balance import _month_counts_of

    rng = np.random.default_rng(3)
    day = np.sort(rng.integers(19_700, 20_500, 3_000))
    offline = rng.random(3_000) < 0.3
    online = ~offline | (rng.random(3_000) < 0.2)
    month = day.astype("datetime64[D]").astype("datetime64[M]")
    groups = pd.DataFrame({"month": month, "offline": offline, "online": online}).groupby("month")
    want = pd.DataFrame(
        {
            "offline": groups["offline"].sum().astype("int64"),
            "online": groups["online"].sum().astype("int64"),
        }
    )
    pd.testing.assert_frame_equal(_month_counts_of(day, offline, online), want)
    empty = np.zeros(0, dtype="int64")
    assert _month_counts_of(empty, empty.astype(bool), empty.astype(bool)).empty
