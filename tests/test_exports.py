"""Exports: formula-safe CSV, reminders that calendar programs read, an escaped HTML report."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
from icalendar import Calendar

from analysis.exports import escape_cell, people_csv, reminders_ics, report_html


def people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_id": ["p1", "p2", "p3"],
            "name": ['=HYPERLINK("http://x")', "Ana Lima", "@SUM(A1)"],
            "circle": pd.array([1, 2, pd.NA], dtype="Int64"),
            "roles": [["friend"], ["family", "neighbour"], []],
            "status": ["ok", "overdue", "no_contact"],
            "days_since": [3.0, 41.0, float("nan")],
            "tie_strength": [0.81234, 0.5, 0.0],
            "last_channel": ["-call", "message", None],
        }
    )


def test_cells_that_would_run_as_formulas_are_escaped():
    text = people_csv(people())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["person_id", "name", "circle", "roles"]
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[3][1] == "'@SUM(A1)"
    assert rows[1][-1] == "'-call"
    assert rows[2][1] == "Ana Lima"
    assert rows[2][3] == "family; neighbour"
    assert rows[1][rows[0].index("tie_strength")] == "0.812"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_escape_cell_leaves_numbers_alone():
    assert escape_cell(-3) == -3
    assert escape_cell("+49 151") == "'+49 151"
    assert escape_cell("plain") == "plain"


def test_reminders_parse_as_a_calendar_with_one_reminder_a_day():
    sugg = pd.DataFrame(
        {
            "rank": [2, 1],
            "person_id": ["p2", "p1"],
            "name": ["Ben Berg", "Ana Lima"],
            "reason": ["you talked every 12 days; it has been 41", "it has been 9 weeks"],
            "action": ["send a check-in message", "meet in person"],
            "draft": ["How are you doing these days?", "Coffee this week?"],
        }
    )
    cal = Calendar.from_ical(reminders_ics(sugg, date(2026, 11, 20), timezone="Europe/Berlin"))
    events = cal.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        "Reach out to Ana Lima: meet in person",
        "Reach out to Ben Berg: send a check-in message",
    ]
    starts = [e.decoded("dtstart") for e in events]
    assert [s.date() for s in starts] == [date(2026, 11, 20), date(2026, 11, 21)]
    assert starts[0].hour == 18 and str(starts[0].tzinfo) == "Europe/Berlin"
    assert "Coffee this week?" in str(events[0]["description"])
    assert len(events[0].walk("VALARM")) == 1
    assert len({str(e["uid"]) for e in events}) == 2


def test_html_report_escapes_names():
    page = report_html(
        "# Report\n\n- **<img src=x onerror=alert(1)>**: overdue\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<li><strong>" in page and "<table>" in page


def test_a_birthday_reminder_never_comes_after_the_birthday():
    sugg = pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "person_id": ["p1", "p2", "p3"],
            "name": ["Ana Lima", "Ben Berg", "Cleo Diaz"],
            "reason": ["it has been 9 weeks", "it has been 6 weeks", "Their birthday is tomorrow."],
            "action": ["meet in person", "call", "send birthday wishes"],
            "draft": ["Coffee?", "Call?", "Happy birthday, Cleo!"],
            "on": [None, None, "2026-11-21"],
        }
    )
    cal = Calendar.from_ical(reminders_ics(sugg, date(2026, 11, 20)))
    days = {str(e["summary"]): e.decoded("dtstart").date() for e in cal.walk("VEVENT")}
    assert days["Reach out to Cleo Diaz: send birthday wishes"] == date(2026, 11, 21)
    assert days["Reach out to Ben Berg: call"] == date(2026, 11, 21)
    assert days["Reach out to Ana Lima: meet in person"] == date(2026, 11, 20)
