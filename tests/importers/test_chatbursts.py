"""The burst rule that turns chat messages into interactions (hand-computed cases)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.importers import chatbursts
from analysis.importers.chatbursts import BURST_GAP_MIN, burst_starts, group_days, one_on_one


def _ns(*stamps: str) -> np.ndarray:
    return pd.DatetimeIndex(list(stamps)).as_unit("ns").asi8


def test_gap_longer_than_threshold_starts_a_new_burst():
    t = _ns("2024-01-01 10:00", "2024-01-01 10:29", "2024-01-01 10:58", "2024-01-01 11:29")
    # gaps: 29, 29, 31 minutes -> bursts start at messages 0 and 3
    assert BURST_GAP_MIN == 30
    assert burst_starts(t).tolist() == [True, False, False, True]


def test_one_on_one_bursts_take_direction_from_who_started():
    names = ["Anna", "Me"]
    t = _ns(
        "2024-01-01 09:00",
        "2024-01-01 09:05",
        "2024-01-01 09:20",  # burst 1: Anna starts
        "2024-01-01 18:00",
        "2024-01-01 18:01",  # burst 2: I start
        "2024-01-03 07:00",  # burst 3: Anna alone
    )
    sender = np.array([0, 1, 0, 1, 0, 0])
    rows = one_on_one(t, sender, names, me={1}, contact=0)
    assert rows.who == ["Anna", "Anna", "Anna"]
    assert rows.direction == ["incoming", "outgoing", "incoming"]
    assert rows.note == ["3 messages", "2 messages", "1 message"]
    assert rows.first.tolist() == [0, 3, 5]
    assert rows.used.all()


def test_one_on_one_without_knowing_the_user_gives_each_participant_unknown_rows():
    t = _ns("2024-01-01 09:00", "2024-01-01 09:05", "2024-01-02 09:00")
    rows = one_on_one(t, np.array([0, 1, 1]), ["A", "B"], me=set(), contact=None)
    assert sorted(zip(rows.who, rows.first.tolist(), strict=True)) == [
        ("A", 0),
        ("A", 2),
        ("B", 0),
        ("B", 2),
    ]
    assert set(rows.direction) == {"unknown"}


def test_group_chat_gives_one_row_per_person_per_day_sharing_the_day_event_id():
    names = ["Me", "Lena", "Tom"]
    t = _ns(
        "2024-05-01 08:00",  # Lena
        "2024-05-01 08:10",  # Me
        "2024-05-01 09:00",  # Tom (after me -> outgoing)
        "2024-05-01 21:00",  # Lena again, same day: same row
        "2024-05-02 10:00",  # Tom
        "2024-05-03 10:00",  # Me alone that day
    )
    sender = np.array([1, 0, 2, 1, 2, 0])
    rows = group_days(t, sender, names, me={0}, chat_key="whatsapp:Hikers")
    assert list(zip(rows.who, rows.direction, rows.note, strict=True)) == [
        ("Lena", "incoming", "2 messages in group chat 'Hikers'"),
        ("Tom", "outgoing", "1 message in group chat 'Hikers'"),
        ("Tom", "incoming", "1 message in group chat 'Hikers'"),
    ]
    assert rows.event_id[0] == rows.event_id[1] != rows.event_id[2]
    assert rows.first.tolist() == [0, 2, 4]
    assert rows.used.tolist() == [True, True, True, True, True, False]


def test_to_utc_reads_local_clock_in_the_given_zone():
    local = _ns("2024-07-01 12:00")
    assert str(chatbursts.to_utc(local, "Europe/Berlin")[0]) == "2024-07-01 10:00:00+00:00"
    assert str(chatbursts.to_utc(local, "UTC")[0]) == "2024-07-01 12:00:00+00:00"
