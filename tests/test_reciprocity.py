"""Who starts contact, and unanswered runs."""

import math

import pandas as pd

from analysis import constants as C
from analysis.metrics.cadence import as_of_timestamp, day_table, prepare
from analysis.metrics.reciprocity import reciprocity
from tests.engine_helpers import log

AS_OF = as_of_timestamp("2025-03-01")


def rec(rows):
    return reciprocity(prepare(log(rows), AS_OF))


def test_initiated_share_counts_who_started_each_contact_day():
    rows = [
        # day 1: I start, then a burst of replies
        ("a", "2025-01-01T10:00", "message", "outgoing"),
        *[("a", f"2025-01-01T1{i}:00", "message", "incoming") for i in range(1, 6)],
        # day 2: they start
        ("a", "2025-01-02T09:00", "message", "incoming"),
        ("a", "2025-01-02T09:05", "message", "outgoing"),
        # day 3: I start; day 4: only a meeting of unknown direction
        ("a", "2025-01-03T09:00", "call", "outgoing"),
        ("a", "2025-01-04T09:00", "in_person", "unknown"),
    ]
    r = rec(rows).loc["a"]
    assert r["starts"] == 3 and r["started"] == 2
    assert r["initiated_share"] == 2 / 3


def test_unknown_direction_only_gives_nan_share():
    r = rec([("a", "2025-01-01", "in_person", "mutual")]).loc["a"]
    assert math.isnan(r["initiated_share"])


def test_unanswered_run_counts_my_days_since_their_last_answer():
    rows = [
        ("a", "2025-01-01", "message", "incoming"),
        ("a", "2025-01-05", "message", "outgoing"),
        ("a", "2025-01-09", "message", "outgoing"),
        ("a", "2025-01-09T18:00", "message", "outgoing"),  # same day: still one
        ("a", "2025-01-12", "email", "unknown"),  # neither counts nor breaks
        ("a", "2025-01-20", "call", "outgoing"),
        ("b", "2025-01-05", "message", "outgoing"),
        ("b", "2025-01-06", "in_person", "unknown"),  # meeting answers
        ("c", "2025-01-05", "message", "outgoing"),
        ("c", "2025-01-06", "message", "outgoing"),
    ]
    r = rec(rows)
    assert r.loc["a", "unanswered_run"] == 3
    assert r.loc["b", "unanswered_run"] == 0
    assert r.loc["c", "unanswered_run"] == 2


def test_a_row_without_a_channel_is_neither_talk_nor_a_message():
    """Channel codes are looked up in a table of the categories; a missing one (-1) is none."""
    import numpy as np

    from analysis.metrics.reciprocity import _one_of

    chans = ["in_person", "video", "call", "message"]
    codes = np.array([0, 3, -1, 2], dtype=np.int8)
    assert _one_of(codes, chans, ("in_person", "call")).tolist() == [True, False, False, True]
    assert _one_of(codes, chans, ("message", "social")).tolist() == [False, True, False, False]


def _random_rows(seed: int, n: int = 600) -> list[tuple]:
    import random

    rnd = random.Random(seed)
    channels = ["message", "email", "call", "video", "in_person", "social", "other"]
    directions = ["outgoing", "incoming", "mutual", "unknown"]
    return [
        (
            f"p{rnd.randrange(5)}",
            f"2025-01-{rnd.randrange(1, 29):02d}T{rnd.randrange(8, 20):02d}:{rnd.randrange(60):02d}",
            rnd.choice(channels),
            rnd.choice(directions),
        )
        for _ in range(n)
    ]


def test_starts_owed_replies_and_channels_equal_their_definitions_row_by_row():
    from analysis.metrics.ties import channel_profile

    for seed in range(5):
        prepared = prepare(log(_random_rows(seed)), AS_OF)
        got = reciprocity(prepared)
        chans = channel_profile(prepared)
        days = day_table(prepared)  # the contact days handed over: the same figures
        pd.testing.assert_frame_equal(reciprocity(prepared, days), got)
        pd.testing.assert_frame_equal(channel_profile(prepared, days), chans)
        frame = prepared.assign(
            d=prepared["direction"].astype(str), c=prepared["channel"].astype(str)
        )
        for pid, rows in frame.groupby("person_id", observed=True):
            directed = rows.loc[rows["d"].isin(["outgoing", "incoming"])]
            firsts = directed.groupby("day").head(1)
            assert got.loc[pid, "starts"] == len(firsts)
            assert got.loc[pid, "started"] == (firsts["d"] == "outgoing").sum()
            answers = (
                rows["d"].isin(["outgoing", "mutual"])
                | rows["c"].isin(["in_person", "video", "call"])
            ).to_numpy()
            after = rows.iloc[answers.nonzero()[0].max() + 1 :] if answers.any() else rows
            owed = after.loc[(after["d"] == "incoming") & after["c"].isin(list(C.REPLY_CHANNELS))]
            assert got.loc[pid, "owed_messages"] == len(owed)
            assert chans.loc[pid, "channels"] == rows.loc[rows["c"] != "other", "c"].nunique()
