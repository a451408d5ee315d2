"""Today's check-in: one close person a day, by how due they are and by circle, never the same
person two days running, never someone the user marked "in memory" or "don't suggest"; the
streak counts days done and never punishes an open day."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from analysis.checkin import choose, streak, streak_words

DAY = date(2026, 11, 20)


def people(*rows):
    return pd.DataFrame(
        rows,
        columns=["person_id", "name", "first_name", "circle", "days_since",
                 "expected_interval_days", "non_person"],
    )  # fmt: skip


CLOSE = people(
    ("p1", "Anna Berg", "Anna", 1, 20.0, 7.0, False),  # three times her usual gap
    ("p2", "Ben Okafor", "Ben", 2, 10.0, 30.0, False),
    ("p3", "Carla Díaz", "Carla", 3, 400.0, 30.0, False),  # not in an intimate circle
    ("p4", "Post Office", "", 1, 90.0, 7.0, True),  # not a person
)


def test_the_most_due_close_person_is_chosen_with_a_reason_and_a_draft():
    c = choose(CLOSE, DAY)
    assert c is not None and c.person_id == "p1"
    assert "20 days ago" in c.reason and "every 7 days" in c.reason
    assert "Anna" in c.draft


def test_never_the_same_person_two_days_running():
    assert choose(CLOSE, DAY, {DAY - timedelta(days=1): "p1"}).person_id == "p2"


def test_people_in_memory_or_not_to_suggest_are_never_chosen():
    assert choose(CLOSE, DAY, states={"p1": ("in_memory",)}).person_id == "p2"
    assert choose(CLOSE, DAY, states={"p1": ("in_memory",), "p2": ("dont_suggest",)}) is None


def test_people_outside_the_intimate_circles_only_when_rated_close():
    outer = CLOSE[CLOSE["person_id"] == "p3"]
    assert choose(outer, DAY) is None
    assert choose(outer, DAY, closeness={"p3": 5}).person_id == "p3"


def test_rotation_gives_everyone_a_turn_over_two_weeks():
    group = people(*[(f"p{i}", f"Person {i}", f"P{i}", 1, 7.0, 7.0, False) for i in range(5)])
    history: dict[date, str] = {}
    for k in range(10):
        day = DAY + timedelta(days=k)
        history[day] = choose(group, day, history).person_id
    assert set(history.values()) == set(group["person_id"])
    days = sorted(history)
    assert all(history[a] != history[b] for a, b in zip(days, days[1:], strict=False))


def test_the_choice_is_the_same_all_day():
    assert choose(CLOSE, DAY) == choose(CLOSE.iloc[::-1], DAY)


def test_streak_counts_consecutive_days_and_an_open_today_is_not_a_miss():
    done = {DAY - timedelta(days=k) for k in (1, 2, 3)}
    assert streak(done, DAY) == 3  # today still open
    assert streak(done | {DAY}, DAY) == 4
    assert streak({DAY - timedelta(days=2)}, DAY) == 0
    assert streak_words(0, False) == "Today is a good day to start."
    assert "in a row" in streak_words(3, False) and "open" in streak_words(3, False)
