"""Dates that matter: birthdays and anniversaries coming up, and one-off follow-ups.

Birthdays and anniversaries come from the address book (vCard ``BDAY`` and ``ANNIVERSARY`` /
``X-ANNIVERSARY`` / Apple's labelled ``X-ABDATE``, Google and Outlook CSV; ``YYYY-MM-DD``, or
``--MM-DD`` without a year, as :mod:`analysis.model` keeps them: the people frame's
``birthday`` and ``anniversary``) and from dates the user enters (:class:`Occasion`); follow-ups
are one-off notes on a date ("ask how the interview went").

A yearly date falls on the same month and day each year; 29 February falls on 28 February in
years without it (the common convention, e.g. UK Interpretation Act 1978 leaves it open; most
calendar apps move it to 28 February).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import pandas as pd

COMING_UP_DAYS = 30
"""How far ahead the "coming up" list looks (a month: time to plan a call or a card)."""

REASON_DAYS = 7
"""A birthday or anniversary at most this many days ahead is a reason for a suggestion."""

KINDS = ("birthday", "anniversary", "other")


@dataclass(frozen=True)
class Occasion:
    """A yearly date of a person: ``kind`` (birthday, anniversary, other), month and day, the
    year when known, and a label ("wedding", "name day")."""

    person_id: str
    kind: str
    month: int
    day: int
    year: int | None = None
    label: str = ""


@dataclass(frozen=True)
class FollowUp:
    """A one-off reminder: on ``on``, about ``person_id``, ``text`` (what to ask or do)."""

    person_id: str
    on: date
    text: str
    done: bool = False


@lru_cache(maxsize=65_536)
def parse_yearly(value: str) -> tuple[int | None, int, int] | None:
    """``(year or None, month, day)`` from ``YYYY-MM-DD`` or ``--MM-DD``; None when not a date.
    Cached: an address book repeats its dates (a day of the year, a few decades).

    >>> parse_yearly("1990-02-28")
    (1990, 2, 28)
    >>> parse_yearly("--12-24")
    (None, 12, 24)
    >>> parse_yearly("soon") is None
    True
    """
    text = (value or "").strip()
    try:
        if text.startswith("--") and len(text) == 7:
            month, day = int(text[2:4]), int(text[5:7])
            date(2000, month, day)  # a leap year: 29 February is a valid yearless date
            return None, month, day
        parsed = date.fromisoformat(text[:10])
        return parsed.year, parsed.month, parsed.day
    except ValueError:
        return None


def next_date(month: int, day: int, after: date) -> date:
    """The first ``month``/``day`` on or after ``after`` (29 February -> 28 February in a
    common year)."""
    for year in (after.year, after.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 29 February in a common year
            candidate = date(year, month, 28)
        if candidate >= after:
            return candidate
    raise ValueError(f"no date {month}-{day} after {after}")  # pragma: no cover


BOOK_KINDS = ("birthday", "anniversary")
"""The yearly dates the address book gives: the people frame's columns of these names."""


def occasions_from_people(people: pd.DataFrame) -> list[Occasion]:
    """Birthdays and anniversaries of the people frame (its ``birthday`` and ``anniversary``
    columns; a frame without one of them gives none of that kind), as occasions: each
    person's birthday first, then their anniversary."""
    found: list[tuple[int, int, Occasion]] = []
    for k, kind in enumerate(BOOK_KINDS):
        if kind not in people.columns:
            continue
        ids = people["person_id"].to_numpy(dtype=object)  # plain objects: iterated at C speed
        values = people[kind].to_numpy(dtype=object)
        for row, (pid, raw) in enumerate(zip(ids, values, strict=True)):
            parsed = parse_yearly(raw) if isinstance(raw, str) else None
            if parsed:
                year, month, day = parsed
                found.append((row, k, Occasion(str(pid), kind, month, day, year)))
    return [occ for _, _, occ in sorted(found, key=lambda f: (f[0], f[1]))]


def yearly_dates(
    people: pd.DataFrame,
    entered: Iterable[Occasion],
    states: Mapping[str, Iterable[str]],
    leave_out_states: Iterable[str] = ("dont_suggest", "archived", "in_memory"),
) -> list[tuple[str, Occasion]]:
    """``(name, occasion)`` of every birthday and anniversary in ``people`` and every date the
    user entered, without the people whose states say no reminders (for the yearly events of
    the .ics). A date the user entered replaces the address book's of the same person, kind
    and label (one event each: the .ics names an event by them)."""
    names = dict(zip(people["person_id"].astype(str), people["name"].astype(str), strict=True))
    skip = {p for p, st in states.items() if set(st) & set(leave_out_states)}
    entered = list(entered)
    mine = {(o.person_id, o.kind, o.label) for o in entered}
    book = [o for o in occasions_from_people(people) if (o.person_id, o.kind, o.label) not in mine]
    return [
        (names[o.person_id], o)
        for o in [*book, *entered]
        if o.person_id in names and o.person_id not in skip
    ]


def coming_up(
    occasions: Iterable[Occasion],
    names: Mapping[str, str],
    today: date,
    days: int = COMING_UP_DAYS,
    leave_out: Iterable[str] = (),
) -> pd.DataFrame:
    """Occasions in the next ``days`` days (today included), soonest first.

    Returns a frame ``person_id, name, kind, label, date, days_until, turns`` (``turns``: the
    age or the number of years, when the year is known; else <NA>). People in ``leave_out``
    (those who died, archived ties) are left out; the same date of a person given twice (same
    kind, label, month and day) is listed once.
    """
    skip = set(leave_out)
    rows = []
    seen: set[tuple] = set()
    for occ in occasions:
        if occ.person_id in skip or occ.person_id not in names:
            continue
        same = (occ.person_id, occ.kind, occ.label, occ.month, occ.day)
        if same in seen:  # the address book and the user gave the same date
            continue
        seen.add(same)
        when = next_date(occ.month, occ.day, today)
        until = (when - today).days
        if until > days:
            continue
        turns = when.year - occ.year if occ.year and occ.year > 1604 else None
        rows.append((occ.person_id, names[occ.person_id], occ.kind, occ.label, when, until, turns))
    frame = pd.DataFrame(
        rows, columns=["person_id", "name", "kind", "label", "date", "days_until", "turns"]
    )
    frame["turns"] = frame["turns"].astype("Int64")
    return frame.sort_values(["days_until", "name"], kind="stable").reset_index(drop=True)


def due_follow_ups(follow_ups: Iterable[FollowUp], today: date) -> list[FollowUp]:
    """Follow-ups not done whose day has come (today or earlier), oldest first."""
    return sorted((f for f in follow_ups if not f.done and f.on <= today), key=lambda f: f.on)


def when_words(days_until: int, on: date) -> str:
    """ "today", "tomorrow", "on Friday" (within a week), else "on 14 March"."""
    if days_until == 0:
        return "today"
    if days_until == 1:
        return "tomorrow"
    if days_until < 7:
        return f"on {on:%A}"
    return f"on {on.day} {on:%B}"


def week_of(today: date) -> list[date]:
    """The seven days ending ``today``, oldest first."""
    return [today - timedelta(days=k) for k in range(6, -1, -1)]
