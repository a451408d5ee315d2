"""The Lubben Social Network Scale, six-item version (LSNS-6), as a private self-check.

Lubben, Blozik, Gillmann, Iliffe, von Renteln Kruse, Beck & Stuck (2006), "Performance of an
abbreviated version of the Lubben Social Network Scale among three European community-dwelling
older adult populations", The Gerontologist 46(4):503-513. Six questions, three about relatives
and three about friends, each answered 0-5; the total runs 0-30 and a total under
:data:`ISOLATION_CUTOFF` marks a risk of social isolation.

closeknit can answer two of the questions from the records (relatives and friends seen or heard
from at least once a month) and leaves the others to the user. It is a way to look at one's
support, never a diagnosis.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

QUESTIONS = (
    "How many relatives do you see or hear from at least once a month?",
    "How many relatives do you feel at ease with that you can talk about private matters?",
    "How many relatives do you feel close to such that you could call on them for help?",
    "How many of your friends do you see or hear from at least once a month?",
    "How many friends do you feel at ease with that you can talk about private matters?",
    "How many friends do you feel close to such that you could call on them for help?",
)
"""The six questions (relatives: by birth, marriage, adoption; friends: including neighbours)."""

ANSWERS = ("none", "one", "two", "three or four", "five to eight", "nine or more")
"""The answers, scored 0-5 in this order."""

ISOLATION_CUTOFF = 12
"""A total under 12 marks a risk of social isolation (Lubben et al. 2006)."""

MONTH_DAYS = 31
FAMILY_ROLES = frozenset({"family", "partner"})
FRIEND_ROLES = frozenset({"friend", "neighbour", "club", "community"})


def answer_for(count: int) -> int:
    """The answer (0-5) for a number of people."""
    if count <= 2:
        return max(0, count)
    if count <= 4:
        return 3
    if count <= 8:
        return 4
    return 5


def _monthly(people: pd.DataFrame) -> pd.Series:
    since = pd.to_numeric(people.get("days_since"), errors="coerce")
    every = pd.to_numeric(people.get("expected_interval_days"), errors="coerce")
    return (since <= MONTH_DAYS) & (every <= MONTH_DAYS)


def prefill(people: pd.DataFrame) -> list[int | None]:
    """Answers the records can give: questions 1 and 4 (relatives, friends in touch at least
    monthly, by the person's own rhythm and their last contact); None for the others."""
    real = people[~people["non_person"].astype(bool)] if "non_person" in people else people
    roles = real["roles"].map(lambda r: set(r or ()))
    monthly = _monthly(real)
    relatives = int((monthly & roles.map(lambda r: bool(r & FAMILY_ROLES))).sum())
    friends = int(
        (monthly & roles.map(lambda r: bool(r & FRIEND_ROLES) and not (r & FAMILY_ROLES))).sum()
    )
    return [answer_for(relatives), None, None, answer_for(friends), None, None]


def total(answers: Sequence[int | None]) -> int:
    """The LSNS-6 total (unanswered questions count 0)."""
    return int(sum(a or 0 for a in answers))


def score_words(score: int) -> str:
    """What the total means, in plain and kind words, with where to start."""
    if score < ISOLATION_CUTOFF:
        return (
            f"A total under {ISOLATION_CUTOFF} is where the scale's authors see a risk of "
            "isolation. That is common, and it can change: reaching out to one old friend, or "
            "joining one regular activity (a class, a club, volunteering), is a good start."
        )
    return (
        f"At {ISOLATION_CUTOFF} or more the scale sees a network that can carry you. Keeping it "
        "means a little attention often: today's check-in is one way."
    )
