"""Today's check-in: one close person a day to send a short message to.

closeknit's daily habit is small and steady: a short check-in with one close person a day,
rather than rare grand gestures (regular low-cost contact maintains close ties: Roberts & Dunbar
2011, "Communication in social networks: effects of kinship, network size, and emotional
closeness", Personal Relationships 18:439; Oswald, Clark & Kelly 2004 on routine maintenance).

**Who.** People in the intimate circles (1 and 2) or rated close by the user, never a
non-person, never someone the user marked ``dont_suggest``, ``archived`` or ``in_memory``, never
yesterday's person. Each candidate's weight is

    weight = circle weight x how due they are x rotation

* circle weight :data:`CIRCLE_WEIGHT` (the innermost circle twice as often);
* how due: ``days since last contact / expected interval`` (their own rhythm), floored at
  :data:`MIN_DUE` so someone just seen can still come up on a quiet week, capped at
  :data:`MAX_DUE` so one long silence does not take every day;
* rotation: ``min(1, days since their last check-in / ROTATION_DAYS)``: someone checked in with
  recently waits their turn.

The highest weight wins; ties are broken by a hash of the day and the person, so equal candidates
take turns day by day and the choice is the same all day (deterministic, no randomness).

**Streak.** Consecutive days with a check-in done, up to today (or up to yesterday while today's
is still open: a day is not "missed" before it is over). Words stay gentle: a missed day is
never counted against the user.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

CIRCLE_WEIGHT = {1: 2.0, 2: 1.0}
"""Relative weight of the two intimate circles in the rotation (judgement call: support clique
members are seen about weekly, sympathy group about monthly: Dunbar 2018, "The anatomy of
friendship", Trends Cogn Sci 22:32; twice the weight keeps the innermost in view)."""

MIN_DUE = 0.25
MAX_DUE = 4.0
ROTATION_DAYS = 14
"""A person checked in with within two weeks has lower weight (they wait their turn)."""

NEVER_STATES = frozenset({"dont_suggest", "archived", "in_memory"})
"""Person states that keep someone out of the check-in (and of every nudge)."""

DRAFTS = (
    "Hi {first}, thinking of you. How has your week been?",
    "Hey {first}! Just checking in: how are you doing?",
    "Hi {first}, something made me think of you today. How are things?",
    "{first}, how are you? Would love to hear what you're up to.",
)
"""Short check-in drafts (one is picked per day and person; the user edits before sending)."""


@dataclass(frozen=True)
class CheckIn:
    """Today's check-in: who, why (in the user's numbers), and a draft message."""

    day: date
    person_id: str
    name: str
    reason: str
    draft: str


def _tiebreak(day: date, person_id: str) -> float:
    h = hashlib.blake2b(f"{day.isoformat()}|{person_id}".encode(), digest_size=4).digest()
    return int.from_bytes(h, "big") / 2**32


def choose(
    people: pd.DataFrame,
    day: date,
    history: Mapping[date, str] | None = None,
    states: Mapping[str, Iterable[str]] | None = None,
    closeness: Mapping[str, int] | None = None,
) -> CheckIn | None:
    """Today's check-in from the engine's people frame.

    Parameters
    ----------
    people : :attr:`analysis.engine.Analysis.people` (``person_id, name, first_name, circle,
        days_since, expected_interval_days, non_person``).
    day : today.
    history : day -> person_id of earlier check-ins (for rotation and "never two days running").
    states : person_id -> the states the user set (``dont_suggest``, ``in_memory``...).
    closeness : person_id -> the user's own closeness rating 1..5 (4-5 count as close).

    Returns
    -------
    The :class:`CheckIn`, or None when nobody is close enough yet.
    """
    history = dict(history or {})
    state_sets: dict[str, set[str]] = {k: set(v) for k, v in (states or {}).items()}
    closeness = dict(closeness or {})
    yesterday = history.get(day - timedelta(days=1))
    last_seen: dict[str, date] = {}
    for d, pid in history.items():
        if d < day and (pid not in last_seen or d > last_seen[pid]):
            last_seen[pid] = d
    n = len(people)

    def column(name: str, missing: object) -> list:
        return people[name].tolist() if name in people.columns else [missing] * n

    # plain columns, not a Series per row: 10,000 people took 0.9 s with iterrows
    ids = [str(p) for p in people["person_id"].tolist()]
    robots = column("non_person", False)
    circles = column("circle", None)
    sinces = column("days_since", None)
    everys = column("expected_interval_days", None)
    best: tuple[float, float, int] | None = None
    for i, pid in enumerate(ids):
        if bool(robots[i]) or state_sets.get(pid, set()) & NEVER_STATES:
            continue
        if pid == yesterday:
            continue
        circle = circles[i]
        rated_close = closeness.get(pid, 0) >= 4
        if pd.isna(circle) and not rated_close:
            continue
        weight = CIRCLE_WEIGHT.get(int(circle), 0.0) if not pd.isna(circle) else 0.0
        if rated_close:
            weight = max(weight, CIRCLE_WEIGHT[2])
        if weight <= 0:
            continue
        since, every = sinces[i], everys[i]
        due = float(since) / float(every) if pd.notna(since) and pd.notna(every) and every else 1.0
        due = min(MAX_DUE, max(MIN_DUE, due))
        rotation = 1.0
        if pid in last_seen:
            rotation = min(1.0, (day - last_seen[pid]).days / ROTATION_DAYS)
        score = weight * due * max(rotation, 0.05)
        key = (score, _tiebreak(day, pid))
        if best is None or key > best[:2]:
            best = (*key, i)
    if best is None:
        return None
    row = people.iloc[best[2]]
    pid = str(row["person_id"])
    name = str(row["name"])
    first = str(row.get("first_name") or name.split(" ")[0] or name)
    since = row.get("days_since")
    if pd.notna(since):
        reason = f"You were last in touch {int(since)} days ago"
        every = row.get("expected_interval_days")
        if pd.notna(every):
            reason += f"; usually about every {int(round(float(every)))} days"
        reason += "."
    else:
        reason = "One of the people closest to you."
    draft = DRAFTS[int(_tiebreak(day, pid) * len(DRAFTS)) % len(DRAFTS)].format(first=first)
    return CheckIn(day, pid, name, reason, draft)


def todays(
    people: pd.DataFrame,
    day: date,
    offered: Mapping[date, tuple[str, bool]],
    states: Mapping[str, Iterable[str]] | None = None,
    closeness: Mapping[str, int] | None = None,
) -> CheckIn | None:
    """The day's check-in given what was offered before (``day -> (person_id, done)``): the
    person already offered today when there is one (the choice holds all day), else
    :func:`choose`."""
    if day in offered:
        pid = offered[day][0]
        return choose(people[people["person_id"] == pid], day, {}, states)
    return choose(people, day, {d: p for d, (p, _) in offered.items()}, states, closeness)


def streak(done_days: Iterable[date], today: date) -> int:
    """Consecutive days with a check-in done, ending today, or yesterday while today is open."""
    done = set(done_days)
    start = today if today in done else today - timedelta(days=1)
    n = 0
    while start - timedelta(days=n) in done:
        n += 1
    return n


def streak_words(n: int, done_today: bool) -> str:
    """The streak in gentle words (a missed day is a fresh start, never a failure)."""
    if n == 0:
        return "Today is a good day to start." if not done_today else "Done for today."
    days = f"{n} day{'s' if n != 1 else ''} in a row"
    return f"{days}. Done for today." if done_today else f"{days} so far; today's is open."
