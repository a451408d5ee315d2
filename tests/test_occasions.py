"""Dates that matter: birthdays with and without a year, 29 February, the coming-up window,
follow-ups due, and the words for when."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.occasions import (
    FollowUp,
    Occasion,
    coming_up,
    due_follow_ups,
    next_date,
    occasions_from_people,
    parse_yearly,
    when_words,
)

TODAY = date(2026, 11, 20)  # a Friday


def test_birthdays_with_and_without_a_year_come_up_within_thirty_days():
    people = pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "d"],
            "name": ["Anna", "Ben", "Carla", "Dora"],
            "birthday": ["1986-11-27", "--12-01", "1990-06-01", "not a date"],
        }
    )
    occ = occasions_from_people(people)
    assert {o.person_id for o in occ} == {"a", "b", "c"}
    up = coming_up(occ, dict(zip(people.person_id, people.name, strict=True)), TODAY)
    assert list(up["name"]) == ["Anna", "Ben"]
    assert up.iloc[0]["turns"] == 40 and pd.isna(up.iloc[1]["turns"])
    assert list(up["days_until"]) == [7, 11]


def test_people_left_out_never_come_up():
    occ = [Occasion("a", "birthday", 11, 21, 1950)]
    assert coming_up(occ, {"a": "Opa"}, TODAY, leave_out=["a"]).empty


def test_29_february_falls_on_28_february_in_a_common_year():
    assert next_date(2, 29, date(2027, 1, 1)) == date(2027, 2, 28)
    assert next_date(2, 29, date(2028, 1, 1)) == date(2028, 2, 29)
    assert parse_yearly("--02-29") == (None, 2, 29)


def test_follow_ups_are_due_on_their_day_and_not_before():
    fus = [FollowUp("a", date(2026, 11, 20), "ask about the interview"),
           FollowUp("b", date(2026, 11, 25), "later"),
           FollowUp("c", date(2026, 11, 1), "done already", done=True)]  # fmt: skip
    assert [f.text for f in due_follow_ups(fus, TODAY)] == ["ask about the interview"]


def test_when_words():
    assert when_words(0, TODAY) == "today"
    assert when_words(1, date(2026, 11, 21)) == "tomorrow"
    assert when_words(4, date(2026, 11, 24)) == "on Tuesday"
    assert when_words(20, date(2026, 12, 10)) == "on 10 December"


def test_birthdays_become_yearly_events_in_the_reminders_except_for_people_in_memory():
    from analysis.exports import reminders_ics
    from analysis.occasions import yearly_dates

    people = pd.DataFrame(
        {"person_id": ["a", "b"], "name": ["Anna", "Opa"], "birthday": ["1986-11-27", "--03-02"]}
    )
    entered = [Occasion("a", "anniversary", 6, 14, 2015, "wedding")]
    yearly = yearly_dates(people, entered, {"b": ("in_memory",)})
    ics = reminders_ics(pd.DataFrame(columns=["rank"]), TODAY, yearly=yearly).decode()
    assert ics.count("RRULE:FREQ=YEARLY") == 2
    assert "Anna: birthday" in ics and "Anna: wedding" in ics and "Opa" not in ics
    assert "DTSTART;VALUE=DATE:20261127" in ics
