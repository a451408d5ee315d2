"""Reach-out suggestions: a short ranked list of who to contact, why, how, and a draft.

Candidates (people with contact who are not non-persons, not snoozed, not marked done within
their expected interval):

* ``meet``: an intimate-circle person gone screen-only (online contact but no in-person contact
  for ``SCREEN_ONLY_DAYS``+ days; Teo et al. 2015) -> meet in person;
* ``check_in``: an intimate-circle person who is overdue or neglected -> a short check-in message
  (a call when neglected);
* ``reconnect``: someone outside the intimate circle, overdue and silent ``RECONNECT_MIN_DAYS``+
  days, with a history (two contact days or more) -> reconnect with an old friend;
* ``weak_tie``: someone outside the intimate circle who is overdue -> lean on a weak tie
  (Sandstrom & Dunn 2014).

Only *overdue* (or worse) and screen-only people are suggested: someone merely *due* (a day or
two past their usual interval) is in regular contact and stays off the list, so contact that is
current never produces a suggestion.

Score = ``CIRCLE_PRIORITY[circle] * (0.5 + 0.5 * tie_strength) * urgency`` (0.5 is
``SCORE_TIE_BLEND``), urgency = ``min(overdue_ratio, URGENCY_CAP)``; for ``meet`` the days since
in person / ``SCREEN_ONLY_DAYS``, capped likewise (``MEET_NEVER_URGENCY`` when never in person).
One row per person; ties broken by person_id so the order is stable.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from analysis import constants as C

SUGGESTION_COLUMNS = [
    "rank",
    "person_id",
    "name",
    "kind",
    "reason",
    "action",
    "draft",
    "score",
    "circle",
    "status",
]

ACTIONS: dict[str, str] = {
    "meet": "Meet in person: suggest a walk, a coffee or a meal this week.",
    "check_in": "Send a short check-in message.",
    "check_in_call": "Call, or send a warm message: it has been a while.",
    "reconnect": "Reconnect with an old friend: mention something you shared and suggest catching up.",
    "weak_tie": "Lean on a weak tie: ask a small question or share something they would enjoy.",
}

DRAFTS: dict[str, tuple[str, ...]] = {
    "meet": (
        "Hi {first}, it's been lovely chatting, but I miss seeing you. Fancy a walk or a coffee "
        "this week?",
        "Hey {first}! We keep texting but haven't met in ages. Shall we have dinner soon? My "
        "treat.",
        "Hi {first}, how about we meet up in person soon? I'd really like to see you.",
    ),
    "check_in": (
        "Hi {first}, how are you doing these days? I was thinking of you.",
        "Hey {first}, just checking in. How have you been? Thank you for always being there.",
        "Hi {first}! It's been a little while. How are things with you?",
    ),
    "reconnect": (
        "Hi {first}, it's been far too long! I was thinking about you today. How are you doing "
        "these days?",
        "Hey {first}, I came across something that reminded me of you. How have you been? Would "
        "love to catch up.",
    ),
    "weak_tie": (
        "Hi {first}, hope you're well! How have things been on your side?",
        "Hey {first}, I saw something you'd like and thought of you. How are you doing?",
    ),
}


def human_days(days: float) -> str:
    """``12 days``, ``5 weeks``, ``4 months``, ``about 2 years`` -- for reasons people read."""
    d = float(days)
    if d < 1.5:
        return "1 day"
    if d < 28:
        return f"{round(d)} days"
    if d < 63:
        return f"{round(d / 7)} weeks"
    if d < 548:
        return f"{round(d / 30.44)} months"
    return f"about {round(d / 365.25)} years"


def _pick(kind: str, person_id: str) -> str:
    options = DRAFTS[kind]
    return options[zlib.crc32(person_id.encode("utf-8")) % len(options)]


def _rhythm(row: pd.Series) -> float:
    if row["n_gaps"] >= 1 and pd.notna(row["rhythm_days"]):
        return float(row["rhythm_days"])
    return float(row["expected_interval_days"])


def _reason(kind: str, row: pd.Series, window_days: int) -> str:
    dt = float(row["days_since"])
    every = human_days(_rhythm(row))
    if kind != "meet" and int(row["contact_days"]) <= 1:
        return f"One contact on record, {human_days(dt)} ago."
    if kind == "meet":
        dip = row["days_since_in_person"]
        met = (
            "there is no in-person meeting on record"
            if pd.isna(dip)
            else f"you last met in person {human_days(dip)} ago"
        )
        n = int(row["messages_in_window"])
        return (
            f"{n} contact{'s' if n != 1 else ''} in the last {window_days} days, all on "
            f"screens; {met}."
        )
    if kind == "reconnect":
        years = max(float(row["span_days"]) - dt, 0.0)
        return (
            f"You were in touch on {int(row['contact_days'])} days over "
            f"{human_days(max(years, 1.0))}, about every {every}; it has been "
            f"{human_days(dt)}."
        )
    return f"You were in touch about every {every}; it has been {human_days(dt)}."


def suggest(
    table: pd.DataFrame,
    as_of: pd.Timestamp,
    window_days: int = C.WINDOW_DAYS,
    max_suggestions: int = C.MAX_SUGGESTIONS,
    done: Mapping[str, date] | None = None,
    snoozed_until: Mapping[str, date] | None = None,
) -> pd.DataFrame:
    """The ranked suggestions (columns :data:`SUGGESTION_COLUMNS`, rank 1 first).

    ``table`` is the engine's people table (needs ``person_id, name, first_name, circle,
    intimate, status, screen_only, non_person, days_since, expected_interval_days, rhythm_days,
    n_gaps, overdue_ratio, tie_strength, contact_days, span_days, days_since_in_person,
    messages_in_window``). ``done``: person_id -> date acted on (the person leaves the list
    until their expected interval has passed since); ``snoozed_until``: person_id -> date.
    """
    today = as_of.date()
    t = table.loc[table["circle"].notna() & ~table["non_person"].astype(bool)].copy()
    inner = t["intimate"].astype(bool)
    bad = t["status"].isin(["overdue", "neglected"])
    kind = np.select(
        [
            inner & t["screen_only"].astype(bool),
            inner & bad,
            ~inner & bad & (t["days_since"] >= C.RECONNECT_MIN_DAYS) & (t["contact_days"] >= 2),
            ~inner & bad,
        ],
        ["meet", "check_in", "reconnect", "weak_tie"],
        default="",
    )
    t["kind"] = kind
    t = t.loc[t["kind"] != ""]
    keep = []
    for pid, tau in zip(t["person_id"], t["expected_interval_days"], strict=True):
        snooze = (snoozed_until or {}).get(pid)
        acted = (done or {}).get(pid)
        ok = not (snooze and pd.Timestamp(snooze).date() > today)
        if ok and acted is not None:
            ok = (today - pd.Timestamp(acted).date()).days > tau
        keep.append(ok)
    t = t.loc[keep]
    if t.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in SUGGESTION_COLUMNS})
    prio = t["circle"].astype("int64").map(C.CIRCLE_PRIORITY).astype("float64")
    urgency = t["overdue_ratio"].astype("float64").clip(upper=C.URGENCY_CAP)
    meet_urg = (
        (t["days_since_in_person"] / C.SCREEN_ONLY_DAYS)
        .fillna(C.MEET_NEVER_URGENCY)
        .clip(upper=C.URGENCY_CAP)
    )
    urgency = urgency.where(t["kind"] != "meet", np.maximum(meet_urg, urgency))
    blend = C.SCORE_TIE_BLEND
    t["score"] = prio * ((1 - blend) + blend * t["tie_strength"].astype("float64")) * urgency
    t = t.sort_values(["score", "person_id"], ascending=[False, True], kind="stable")
    t = t.head(max_suggestions)
    rows = []
    for i, (_, row) in enumerate(t.iterrows(), start=1):
        k = row["kind"]
        action_key = "check_in_call" if k == "check_in" and row["status"] == "neglected" else k
        rows.append(
            {
                "rank": i,
                "person_id": row["person_id"],
                "name": row["name"],
                "kind": k,
                "reason": _reason(k, row, window_days),
                "action": ACTIONS[action_key],
                "draft": _pick(k, row["person_id"]).format(first=row["first_name"] or row["name"]),
                "score": round(float(row["score"]), 4),
                "circle": int(row["circle"]),
                "status": row["status"],
            }
        )
    return pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)


def daily_check_in(table: pd.DataFrame, on: date) -> dict | None:
    """One short message to one close person a day (DESIGN.md, Suggestions).

    Picks from the intimate circle (no non-persons, contact on record), the ``DAILY_POOL`` people
    with the highest overdue ratio (ties by person_id), rotating by the date so each day names
    one of them. Returns ``{"person_id", "name", "draft"}``, or None when the circle is empty.
    """
    t = table.loc[
        table["intimate"].astype(bool)
        & ~table["non_person"].astype(bool)
        & table["days_since"].notna()
    ]
    if t.empty:
        return None
    t = t.sort_values(["overdue_ratio", "person_id"], ascending=[False, True], kind="stable")
    pool = t.head(C.DAILY_POOL)
    row = pool.iloc[date.fromisoformat(str(on)[:10]).toordinal() % len(pool)]
    first = row.get("first_name") or row["name"]
    return {
        "person_id": row["person_id"],
        "name": row["name"],
        "draft": _pick("check_in", str(row["person_id"])).format(first=first),
    }
