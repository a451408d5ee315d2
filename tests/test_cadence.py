"""Rhythm, expected interval and status, on small logs computed by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis import constants as C
from analysis.metrics.cadence import (
    as_of_timestamp,
    day_table,
    expected_interval,
    person_stats,
    prepare,
    status,
    weighted_median_gap,
)
from tests.engine_helpers import every, log

AS_OF = as_of_timestamp("2025-03-02")


def stats_of(rows, as_of=AS_OF):
    return person_stats(prepare(log(rows), as_of), as_of)


def test_frequency_counts_contact_days_over_span_to_as_of():
    # 2025-01-01 and 2025-01-31, as of 2025-03-02: span 60 days, 2 contact days
    s = stats_of([("a", "2025-01-01", "call"), ("a", "2025-01-31", "call")]).loc["a"]
    assert s["contact_days"] == 2
    assert s["days_since"] == 30
    assert s["span_days"] == 60
    assert s["contacts_per_year"] == pytest.approx(2 / 60 * 365.25)
    assert s["n_gaps"] == 1 and s["median_gap_days"] == 30


def test_many_messages_on_one_day_are_one_contact_day():
    rows = [("a", f"2025-02-01T0{h}:00", "message", "outgoing") for h in range(1, 9)]
    s = stats_of(rows).loc["a"]
    assert s["interactions"] == 8
    assert s["contact_days"] == 1
    assert s["n_gaps"] == 0 and math.isnan(s["rhythm_days"])


def test_short_history_span_is_at_least_thirty_days():
    s = stats_of([("a", "2025-02-28", "call"), ("a", "2025-03-01", "call")]).loc["a"]
    assert s["span_days"] == C.MIN_SPAN_DAYS
    assert s["contacts_per_year"] == pytest.approx(2 / 30 * 365.25)


def test_contact_after_as_of_is_ignored():
    s = stats_of([("a", "2025-01-01", "call"), ("a", "2025-06-01", "call")]).loc["a"]
    assert s["contact_days"] == 1 and s["days_since"] == 60


def test_contact_on_the_as_of_day_counts_as_zero_days_since():
    s = stats_of([("a", "2025-03-02T23:30", "call")]).loc["a"]
    assert s["days_since"] == 0


def test_length_weighted_median_ignores_bursts():
    # a week of daily chat then two months of quiet: plain median 1, typical silence 60
    gaps = pd.DataFrame({"person_id": ["a"] * 7, "gap": [1.0] * 6 + [60.0]})
    assert weighted_median_gap(gaps).loc["a"] == 60.0
    # regular weekly with one three-week holiday: still 7
    gaps = pd.DataFrame({"person_id": ["b"] * 11, "gap": [7.0] * 10 + [21.0]})
    assert weighted_median_gap(gaps).loc["b"] == 7.0


def test_one_long_pause_does_not_outweigh_hundreds_of_short_gaps():
    # seven years of silence (calls linked later from an old phone), then weekly for two years:
    # the old length-weighted median made the rhythm seven years
    gaps = pd.DataFrame({"person_id": ["c"] * 105, "gap": [2555.0] + [7.0] * 104})
    assert weighted_median_gap(gaps).loc["c"] == 7.0
    rows = every("c", "2015-01-01", 30, 5, "call") + every("c", "2023-03-01", 7, 104)
    s = stats_of(rows, as_of_timestamp("2025-03-01")).loc["c"]
    assert s["rhythm_days"] == 7.0
    assert s["q90_gap_days"] == 7.0


def test_the_rhythm_follows_a_change_of_pace():
    # weekly for two years, then monthly for the last year: the present pace wins
    rows = every("a", "2022-01-03", 7, 104) + every("a", "2024-01-01", 30, 13)
    s = stats_of(rows, as_of_timestamp("2025-01-01")).loc["a"]
    assert s["rhythm_days"] == 30.0
    assert s["median_gap_days"] == 7.0  # the plain median still reads the past


def test_recent_rate_keeps_a_steady_tie_and_decays_a_silent_one():
    as_of = as_of_timestamp("2025-01-01")
    steady = stats_of(every("a", "2021-01-01", 7, 209), as_of).loc["a"]
    assert steady["recent_rate"] == pytest.approx(52, rel=0.05)
    stopped = stats_of(every("b", "2021-01-01", 7, 105), as_of).loc["b"]  # silent for 2 years
    assert stopped["recent_rate"] < 0.1 * steady["recent_rate"]
    young = stats_of(every("c", "2024-11-01", 7, 9), as_of).loc["c"]  # weekly for two months
    assert young["recent_rate"] == pytest.approx(52, rel=0.2)


def test_group_days_count_less_than_one_to_one_days():
    choir = [(m, f"2024-{w // 4 + 1:02d}-{(w % 4) * 7 + 1:02d}", "in_person", "mutual", f"c{w}")
             for w in range(40) for m in ("a", "b", "c", "d", "e", "f", "g", "h")]  # fmt: skip
    alone = [("z", f"2024-{w // 4 + 1:02d}-{(w % 4) * 7 + 1:02d}", "in_person") for w in range(40)]
    s = stats_of(choir + alone, as_of_timestamp("2024-11-01"))
    assert s.loc["a", "contact_days"] == s.loc["z", "contact_days"] == 40
    assert s.loc["a", "recent_rate"] == pytest.approx(s.loc["z", "recent_rate"] / 8)
    assert s.loc["a", "group_only"] and not s.loc["z", "group_only"]
    assert s.loc["a", "one_to_one_days"] == 0 and s.loc["z", "one_to_one_days"] == 40


def test_q90_gap_of_person_is_recency_weighted():
    rows = every("a", "2024-01-01", 7, 10) + [("a", "2024-05-10", "call")]
    s = stats_of(rows).loc["a"]
    # gaps: nine of 7 days, then 2024-03-04 -> 2024-05-10 = 67 days; the long gap is the most
    # recent, so it holds more than a tenth of the weight: Q90 is 67
    assert s["n_gaps"] == 10
    assert s["q90_gap_days"] == 67.0
    rows = [("a", "2024-01-01", "call"), ("a", "2024-03-08", "call")] + every(
        "a", "2024-03-15", 7, 20
    )
    s = stats_of(rows).loc["a"]
    assert s["q90_gap_days"] == 7.0  # an old long gap among many recent short ones


def _tau(n_gaps, rhythm, circle, kin=False, desired=None):
    stats = pd.DataFrame({"n_recent_gaps": [n_gaps], "rhythm_days": [rhythm]}, index=["a"])
    return expected_interval(stats, pd.Series({"a": circle}), pd.Series({"a": kin}), desired).loc[
        "a"
    ]


def test_expected_interval_shrinks_toward_layer_norm_with_few_gaps():
    assert _tau(1, 10.0, 2) == pytest.approx((1 * 10 + 3 * 30) / 4)  # 25
    assert _tau(0, float("nan"), 4) == pytest.approx(365)
    assert _tau(97, 7.0, 1) == pytest.approx(7.0)
    assert _tau(30, 14.0, 3) == pytest.approx((30 * 14 + 3 * 90) / 33)


def test_family_gets_one_and_a_half_times_the_interval():
    assert _tau(9, 14.0, 2, kin=True) == pytest.approx(1.5 * (9 * 14 + 3 * 30) / 12)


def test_desired_interval_replaces_expected():
    assert _tau(9, 14.0, 2, desired={"a": 60}) == 60


def _status(dt, tau, q90=0.0, circle=1):
    out = status(
        pd.Series({"a": dt}), pd.Series({"a": tau}), pd.Series({"a": q90}), pd.Series({"a": circle})
    )
    return out.loc["a", "status"], out.loc["a", "overdue_ratio"]


def test_status_thresholds_for_weekly_friend():
    assert _status(7, 7) == ("ok", 1.0)
    assert _status(10, 7)[0] == "due"
    assert _status(11, 7)[0] == "overdue"  # > 1.5 * 7
    assert _status(35, 7)[0] == "neglected"  # five weeks for a weekly friend


def test_neglected_only_in_intimate_layers():
    assert _status(35, 7, circle=3)[0] == "overdue"


def test_overdue_waits_for_the_persons_own_long_gaps():
    # a person who regularly goes 25 days between contacts is only due at 20
    assert _status(20, 10, q90=25)[0] == "due"
    assert _status(26, 10, q90=25)[0] == "neglected"


def test_yearly_friend_is_not_overdue_at_200_days():
    rows = every("a", "2020-03-01", 365, 5, "in_person", "mutual")  # last 2024-02-29
    as_of = as_of_timestamp("2024-09-16")
    s = person_stats(prepare(log(rows), as_of), as_of)
    tau = expected_interval(s, pd.Series({"a": 4}), pd.Series({"a": False}))
    st = status(s["days_since"], tau, s["q90_gap_days"], pd.Series({"a": 4}))
    assert s.loc["a", "days_since"] == 200
    assert st.loc["a", "status"] == "ok"


def _kinds_status(dt, tau, ip_dt, ip_tau, screen_dt, screen_tau, **kw):
    one = lambda v: pd.Series({"a": v})  # noqa: E731
    kinds = (
        (one(ip_dt), one(ip_tau), one(0.0), one(True)),
        (one(screen_dt), one(screen_tau), one(0.0), one(True)),
    )
    out = status(one(dt), one(tau), one(0.0), one(1), kinds=kinds, **kw)
    return out.loc["a", "status"], out.loc["a", "overdue_ratio"]


def test_a_lapse_must_hold_in_every_usual_channel():
    # met monthly (last 23 days ago), messaged weekly (last 19 days ago): current
    assert _kinds_status(19, 7, 23, 30, 19, 7) == ("ok", pytest.approx(23 / 30))
    # both lapsed: neglected
    assert _kinds_status(80, 7, 80, 30, 80, 7)[0] == "neglected"


def test_evidence_household_growing_group_and_desired_refine_the_status():
    one = lambda v: pd.Series({"a": v})  # noqa: E731
    base = (one(35.0), one(7.0), one(0.0), one(1))
    assert status(*base, evidence=one(False), new=one(True)).loc["a", "status"] == "new"
    assert status(*base, evidence=one(False), new=one(False)).loc["a", "status"] == "occasional"
    assert status(*base, household=one(True)).loc["a", "status"] == "due"
    assert status(*base, growing=one(True)).loc["a", "status"] == "overdue"
    assert status(*base, group_only=one(True)).loc["a", "status"] == "dormant"
    assert status(*base, in_memory=one(True)).loc["a", "status"] == "in_memory"
    # the user's own interval decides, whatever the circle or the evidence
    far = (one(210.0), one(30.0), one(400.0), one(4))
    st = status(*far, desired=one(True), evidence=one(False)).loc["a", "status"]
    assert st == "neglected"
    assert status(one(800.0), one(300.0), one(0.0), one(4)).loc["a", "status"] == "dormant"


def test_no_contact_status():
    assert _status(float("nan"), 7)[0] == "no_contact"


def test_prepare_drops_rows_without_person_and_sorts():
    frame = log(
        [(None, "2025-01-02", "call"), ("b", "2025-01-03", "call"), ("a", "2025-01-04", "call")]
    )
    p = prepare(frame.iloc[::-1], AS_OF)
    assert list(p["person_id"].astype(str)) == ["a", "b"]


def test_rows_sort_by_person_then_time_exactly_as_lexsort_does():
    import numpy as np

    from analysis.metrics.cadence import _sort_by_person_then

    rng = np.random.default_rng(7)
    for n_people in (1, 3, 40_000):
        codes = rng.integers(0, n_people, 5_000)
        minor = rng.integers(0, 50, 5_000) << 5  # many ties
        got = _sort_by_person_then(codes, minor, n_people)
        assert np.array_equal(got, np.lexsort((minor, codes)))


def test_a_missing_event_id_is_no_event():
    import numpy as np

    from analysis.model import text_codes

    codes, uniques = text_codes(np.array(["", None, "g1", float("nan"), "g1"], dtype=object))
    assert [uniques[c] for c in codes] == ["", "", "g1", "", "g1"]
    codes, uniques = text_codes(np.array([None, "g1"], dtype=object))
    assert [uniques[c] for c in codes] == ["", "g1"]


@pytest.mark.parametrize(
    "minor",
    [
        np.array([5, -3, 5, 0, 2, 2, -3, 7], dtype=np.int64),  # small whole numbers: one sort
        np.array([2**62, -(2**62), 3, 3, 0, 1, 2**40, -1], dtype=np.int64),  # too wide: two
        np.array([0.5, -1.0, 0.5, 2.0, 2.0, 0.0, 1.5, -1.0]),  # not whole: two sorts
    ],
    ids=["whole", "wide", "fractions"],
)
def test_sorting_by_person_then_a_value_is_lexsort_order_with_ties_kept(minor):
    from analysis.metrics.cadence import _sort_by_person_then

    codes = np.array([1, 0, 1, 1, 0, 2, 0, 1], dtype=np.int64)
    expected = np.lexsort((minor, codes))
    np.testing.assert_array_equal(_sort_by_person_then(codes, minor, 3), expected)


def _day_table_by_rows(prepared: pd.DataFrame) -> dict[str, np.ndarray]:
    """day_table written as its definition: each (person, day)'s rows reduced one by one."""
    rows = prepared.assign(
        w=1.0 / np.maximum(prepared["event_size"].to_numpy(dtype="float64"), 1.0),
        off=prepared["mode"].astype(str) == "offline",
    )
    out: dict[str, list] = {k: [] for k in ("pcode", "day", "weight", "one_to_one", "personal",
                                           "offline", "online")}  # fmt: skip
    for (p, d), g in rows.groupby(["pcode", "day"], sort=True):
        out["pcode"].append(p)
        out["day"].append(d)
        out["weight"].append(g["w"].max())
        out["one_to_one"].append(bool((g["event_size"] <= 1).any()))
        out["personal"].append(bool((g["event_size"] <= C.CONVERSATION_MAX_OTHERS).any()))
        out["offline"].append(bool(g["off"].any()))
        out["online"].append(bool((~g["off"]).any()))
    return {k: np.asarray(v) for k, v in out.items()}


def test_day_table_reduces_each_person_day_as_its_rows_say():
    rng = np.random.default_rng(7)
    n = 400
    frame = log(
        [
            (
                f"p{rng.integers(0, 6)}",
                f"2026-0{rng.integers(1, 4)}-1{rng.integers(0, 4)} 1{rng.integers(0, 9)}:00",
                ["in_person", "message", "call", "video"][rng.integers(0, 4)],
            )
            for _ in range(n)
        ]
    )
    events = rng.integers(0, 8, n)
    frame["event_id"] = [f"e{e}" if e < 4 else "" for e in events]
    prepared = prepare(frame, as_of_timestamp("2026-04-01"))
    got = day_table(prepared)
    want = _day_table_by_rows(prepared)
    assert set(got) == set(want) | {"time", "first_row"}
    for key, values in want.items():
        np.testing.assert_array_equal(got[key], values, err_msg=key)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_prepare_reads_times_of_any_unit_alike(unit):
    rows = log([("a", "2025-01-01T10:00:01.5", "call"), ("a", "2024-12-31T23:59:59", "message"),
                ("b", "1969-07-20T20:17:40", "in_person")])  # fmt: skip
    want = prepare(rows, as_of_timestamp("2025-03-01"))
    other = rows.assign(timestamp=rows["timestamp"].dt.as_unit(unit))
    got = prepare(other, as_of_timestamp("2025-03-01"))
    if unit == "s":  # the half second is gone
        want = want.assign(timestamp=want["timestamp"].dt.floor("s"))
    pd.testing.assert_frame_equal(got, want)
