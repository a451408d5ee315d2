"""Records of one event from two files merged once: the rule on planted records, and the plan
for records added to a frame (contact the user logged) equal to planning the whole frame again."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.identity.overlaps import (
    apply_plan,
    merge_overlaps,
    overlap_plan,
    plan_with_added,
)
from analysis.model import CHANNELS, DIRECTIONS

T0 = pd.Timestamp("2024-03-01 18:00", tz="UTC")


def _records(rows: list[tuple]) -> pd.DataFrame:
    """Interactions from ``(minute, person, channel, file, duration, direction, note)`` rows."""
    minute, person, channel, source, duration, direction, note = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "timestamp": T0 + pd.to_timedelta(list(minute), unit="min"),
            "who": "x",
            "channel": pd.Categorical(channel, categories=list(CHANNELS)),
            "direction": pd.Categorical(direction, categories=list(DIRECTIONS)),
            "duration_min": np.array(duration, dtype="float64"),
            "note": np.array(note, dtype=object),
            "event_id": "",
            "source": np.array(source, dtype=object),
            "person_id": np.array(person, dtype=object),
        }
    )


def _random_records(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Crowded records: three people, two channels, three files, minutes apart and often at the
    same minute, so that clusters chain, tie and hold events."""
    frame = _records(
        [
            (
                int(rng.integers(0, 40)) * 2,
                rng.choice(["p1", "p2", "p3", None]),
                rng.choice(["call", "message"]),
                rng.choice(["z.csv", "a.xml", "m.ics"]),
                float(rng.integers(1, 9)) if rng.random() < 0.5 else np.nan,
                rng.choice(["unknown", "incoming", "outgoing"]),
                rng.choice(["", "a", "b", None]),
            )
            for _ in range(n)
        ]
    )
    frame["event_id"] = rng.choice(["", "", "e1", "e2"], n).astype(object)
    return frame


def test_a_call_in_two_files_is_one_call_with_the_fields_of_both():
    frame = _records(
        [
            (2, "ana", "call", "calls.xml", 12.0, "incoming", ""),
            (0, "ana", "call", "log.csv", np.nan, "unknown", "asked about the move"),
            (1, "ben", "call", "log.csv", np.nan, "outgoing", ""),
        ]
    )
    merged, overlaps = merge_overlaps(frame)
    ana = merged[merged["person_id"] == "ana"]
    assert len(ana) == 1
    call = ana.iloc[0]
    assert (call["duration_min"], call["direction"], call["note"]) == (
        12.0,
        "incoming",
        "asked about the move",
    )
    assert call["source"] == "calls.xml"  # the record with a duration is kept
    assert overlaps.to_dict("records") == [
        {"source": "log.csv", "known_from": "calls.xml", "records": 1}
    ]
    assert len(merged) == 2  # Ben's call, from one file only, is left alone


def test_two_calls_minutes_apart_in_one_file_stay_two_calls():
    frame = _records(
        [
            (0, "ana", "call", "calls.xml", 3.0, "incoming", ""),
            (3, "ana", "call", "calls.xml", 4.0, "outgoing", ""),
            (60, "ana", "call", "log.csv", np.nan, "unknown", ""),
        ]
    )
    merged, overlaps = merge_overlaps(frame)
    assert len(merged) == 3 and overlaps.empty


def test_a_logged_record_between_two_merged_records_joins_their_cluster():
    """Imported records at 18:00 (a.xml) and 18:04 (b.csv) are one call; a call logged at 18:08
    is within five minutes of the second, so the three are one call. The plan for the added
    record must look again at the imported records near it, not only at the merged result."""
    base = _records(
        [
            (0, "ana", "call", "a.xml", 5.0, "incoming", ""),
            (4, "ana", "call", "b.csv", np.nan, "unknown", "note from b"),
        ]
    )
    logged = _records([(8, "ana", "call", "logged", np.nan, "outgoing", "logged it")])
    full = pd.concat([base, logged], ignore_index=True)
    merged, overlaps = apply_plan(full, plan_with_added(overlap_plan(base), full, len(base)))
    assert len(merged) == 1
    assert merged.iloc[0]["note"] == "note from b"
    assert int(overlaps["records"].sum()) == 2


@pytest.mark.parametrize("seed", range(200))
def test_planning_only_the_records_near_added_ones_equals_planning_them_all(seed):
    rng = np.random.default_rng(seed)
    frame = _random_records(rng, int(rng.integers(2, 60)))
    n_base = int(rng.integers(1, len(frame)))
    base = frame.iloc[:n_base].reset_index(drop=True)
    expected, expected_overlaps = merge_overlaps(frame)
    merged, overlaps = apply_plan(frame, plan_with_added(overlap_plan(base), frame, n_base))
    pd.testing.assert_frame_equal(merged, expected)
    pd.testing.assert_frame_equal(overlaps, expected_overlaps)


@pytest.mark.parametrize("seed", range(50))
def test_records_are_merged_the_same_whatever_the_row_order(seed):
    """Records at the same minute from different files are ordered by file name, not by where
    they sit in the frame (no two records of one file share a person, channel and minute here,
    the one case where their order in the frame decides)."""
    rng = np.random.default_rng(1000 + seed)
    frame = _random_records(rng, 50)
    frame = frame.drop_duplicates(["timestamp", "person_id", "channel", "source"])
    shuffled = frame.sample(frac=1.0, random_state=seed)
    columns = ["timestamp", "person_id", "channel", "source", "duration_min", "note"]

    def canonical(merged: pd.DataFrame) -> pd.DataFrame:
        out = merged.assign(direction=merged["direction"].astype(str), note=merged["note"])
        out = out.astype({"person_id": str, "note": str})
        return out.sort_values([*columns, "direction"]).reset_index(drop=True)

    one, one_overlaps = merge_overlaps(frame)
    two, two_overlaps = merge_overlaps(shuffled)
    pd.testing.assert_frame_equal(canonical(one), canonical(two))
    pd.testing.assert_frame_equal(one_overlaps, two_overlaps)
