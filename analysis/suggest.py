"""Reach-out suggestions: a short ranked list of who to contact, why, how, and a draft.

Rules S1-S3 and U1-U3 in docs/metrics.md. Nobody is suggested who is a non-person, lives with
the user (household), is marked ``dont_suggest``, ``archived`` or ``in_memory``, is snoozed, or
was marked done within their expected interval. Kinds, one per person, first that applies:

* ``reply``: the person wrote (one-to-one message, e-mail or post) on ``REPLY_MIN_DAYS`` or more
  days and the user has not answered since, the last time within ``REPLY_MAX_DAYS`` days ("wrote 4 times in 3 weeks; you haven't
  answered"); not for people known only from work;
* ``check_in``: an intimate-circle person (or anyone with a user-set interval) who is overdue or
  neglected against their own rhythm in every usual channel -> a short check-in (a call when
  neglected);
* ``meet``: an intimate-circle person with a habit of meeting (``MEET_HABIT_MIN_DAYS``) that has
  lapsed against their own in-person rhythm while screen contact goes on; never for people never
  met in person, marked ``far_away``, or living with the user;
* ``reconnect``: outside the intimate circle, overdue and silent ``RECONNECT_MIN_DAYS``+ days
  with a history (two contact days or more), or dormant with enough personal history;
* ``weak_tie``: outside the intimate circle and overdue (Sandstrom & Dunn 2014).

Only *overdue* (or worse) people, lapsed meetings and owed replies are suggested: someone merely
*due*, ``new``, ``occasional`` or a group-only ``dormant`` tie is not.

Ranking (rule S1): by tier first (``KIND_TIER``: replies and lapsed close ties before a change
of channel and before weak ties), then score = ``CIRCLE_PRIORITY[circle] * (0.5 + 0.5 *
tie_strength) * urgency`` (0.5 is ``SCORE_TIE_BLEND``), urgency = ``min(overdue_ratio,
URGENCY_CAP)``; ``REPLY_URGENCY`` for replies; for ``meet`` days since last met over the
in-person interval, capped likewise. Ties broken by person_id so the order is stable.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.metrics.explain import human_days

__all__ = ["ACTIONS", "DRAFTS", "SUGGESTION_COLUMNS", "daily_check_in", "human_days", "suggest"]

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
    "reply": "Reply: a short answer now is better than a long one later.",
    "meet": "Meet in person: suggest a walk, a coffee or a meal this week.",
    "check_in": "Send a short check-in message.",
    "check_in_call": "Call, or send a warm message: it has been a while.",
    "reconnect": "Reconnect with an old friend: mention something you shared and suggest catching up.",
    "weak_tie": "Lean on a weak tie: ask a small question or share something they would enjoy.",
}

DRAFTS: dict[str, tuple[str, ...]] = {
    "reply": (
        "Hi {first}, sorry for the slow reply, and thank you for writing! How are you?",
        "Hey {first}, I saw your messages, thank you. Let me answer properly: how are things?",
    ),
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


def _pick(kind: str, person_id: str) -> str:
    options = DRAFTS[kind]
    return options[zlib.crc32(person_id.encode("utf-8")) % len(options)]


def _rhythm(row: pd.Series) -> float:
    if row["n_gaps"] >= 1 and pd.notna(row["rhythm_days"]):
        return float(row["rhythm_days"])
    return float(row["expected_interval_days"])


def _meet_rhythm(row: pd.Series) -> float:
    r = row.get("rhythm_in_person")
    return float(r) if r is not None and pd.notna(r) else float(row["in_person_interval_days"])


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _reason(kind: str, row: pd.Series, window_days: int) -> str:
    """The suggestion's reason in the user's own numbers."""
    dt = float(row["days_since"])
    every = human_days(_rhythm(row))
    if kind == "reply":
        n = int(row["owed_days"])
        first = float(row["owed_first_days_ago"])
        if n == 1:
            return f"Wrote {human_days(max(first, 1.0))} ago; you haven't answered."
        return f"Wrote {_times(n)} in {human_days(first + 1)}; you haven't answered."
    if kind != "meet" and int(row["contact_days"]) <= 1:
        return f"One contact on record, {human_days(dt)} ago."
    if kind == "meet":
        dip = float(row["days_since_in_person"])
        n = int(row["messages_in_window"])
        return (
            f"You used to meet about every {human_days(_meet_rhythm(row))}; last "
            f"met {human_days(dip)} ago, and {n} contact{'s' if n != 1 else ''} on screens in "
            f"the last {window_days} days."
        )
    if bool(row.get("desired", False)):
        return (
            f"You want contact every {human_days(row['expected_interval_days'])}; it has been "
            f"{human_days(dt)}."
        )
    if kind == "reconnect":
        years = max(float(row["span_days"]) - dt, 0.0)
        return (
            f"You were in touch on {int(row['contact_days'])} days over "
            f"{human_days(max(years, 1.0))}, about every {every}; it has been "
            f"{human_days(dt)}."
        )
    return f"You were in touch about every {every}; it has been {human_days(dt)}."


def _flag(t: pd.DataFrame, col: str) -> pd.Series:
    if col not in t.columns:
        return pd.Series(False, index=t.index)
    return t[col].fillna(False).astype(bool)


def _num(t: pd.DataFrame, col: str, default: float = np.nan) -> pd.Series:
    if col not in t.columns:
        return pd.Series(default, index=t.index, dtype="float64")
    return t[col].astype("float64")


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
    intimate, status, non_person, days_since, expected_interval_days, rhythm_days, n_gaps,
    overdue_ratio, tie_strength, contact_days, span_days, days_since_in_person,
    messages_in_window``; uses ``household, states, far_away, desired, meet_lapsed,
    in_person_interval_days, owed_days, owed_first_days_ago, owed_last_days_ago, roles,
    personal_days, group_only`` when present). ``done``: person_id -> date acted on (the person
    leaves the list until their expected interval has passed since); ``snoozed_until``:
    person_id -> date.
    """
    today = as_of.date()
    t = table.loc[~table["non_person"].astype(bool) & table["days_since"].notna()].copy()
    if "states" in t.columns:
        blocked = t["states"].map(
            lambda s: bool(set(s) & C.NO_NUDGE_STATES) if isinstance(s, list | tuple) else False
        )
        t = t.loc[~blocked.astype(bool)]
    t = t.loc[~_flag(t, "household")]
    has_circle = t["circle"].notna()
    inner = t["intimate"].astype(bool)
    desired = _flag(t, "desired")
    bad = t["status"].isin(["overdue", "neglected"])
    work_only = (
        t["roles"].map(lambda r: bool(r) and set(r) <= C.WORK_ONLY_ROLES)
        if "roles" in t.columns
        else pd.Series(False, index=t.index)
    ).astype(bool)
    owed = (
        (_num(t, "owed_days", 0).fillna(0) >= C.REPLY_MIN_DAYS)
        & (_num(t, "owed_last_days_ago") <= C.REPLY_MAX_DAYS)
        & ~work_only
    )
    meet = inner & _flag(t, "meet_lapsed") & ~_flag(t, "far_away")
    long_silent = (t["days_since"] >= C.RECONNECT_MIN_DAYS) & (t["contact_days"] >= 2)
    revive = (
        (t["status"] == "dormant")
        & (_num(t, "personal_days", 0).fillna(0) >= C.MIN_EVIDENCE_DAYS)
        & ~_flag(t, "group_only")
    )
    kind = np.select(
        [
            owed,
            (inner | desired) & bad,
            meet,
            has_circle & ~inner & ((bad & long_silent) | revive),
            has_circle & ~inner & bad,
        ],
        ["reply", "check_in", "meet", "reconnect", "weak_tie"],
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
    prio = t["circle"].map(C.CIRCLE_PRIORITY).astype("float64").fillna(C.CIRCLE_PRIORITY[4])
    urgency = t["overdue_ratio"].astype("float64").fillna(1.0).clip(upper=C.URGENCY_CAP)
    meet_urg = (
        (_num(t, "days_since_in_person") / _num(t, "in_person_interval_days"))
        .fillna(C.MEET_NEVER_URGENCY)
        .clip(upper=C.URGENCY_CAP)
    )
    urgency = urgency.where(t["kind"] != "meet", meet_urg)
    urgency = urgency.where(t["kind"] != "reply", C.REPLY_URGENCY)
    urgency = urgency.where(~((t["kind"] == "reconnect") & (t["status"] == "dormant")), 1.0)
    blend = C.SCORE_TIE_BLEND
    t["score"] = prio * ((1 - blend) + blend * t["tie_strength"].astype("float64")) * urgency
    t["tier"] = t["kind"].map(C.KIND_TIER)
    t = t.sort_values(["tier", "score", "person_id"], ascending=[True, False, True], kind="stable")
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
                "circle": None if pd.isna(row["circle"]) else int(row["circle"]),
                "status": row["status"],
            }
        )
    return pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)


def daily_check_in(table: pd.DataFrame, on: date) -> dict | None:
    """One short message to one close person a day (docs/metrics.md, "S - Suggestions").

    Picks from the intimate circle (no non-persons, contact on record, nobody marked
    ``dont_suggest``, ``archived`` or ``in_memory``), the ``DAILY_POOL`` people
    with the highest overdue ratio (ties by person_id), rotating by the date so each day names
    one of them. Returns ``{"person_id", "name", "draft"}``, or None when the circle is empty.
    """
    t = table.loc[
        table["intimate"].astype(bool)
        & ~table["non_person"].astype(bool)
        & table["days_since"].notna()
    ]
    if "household" in t.columns:
        t = t.loc[~t["household"].astype(bool)]
    if "states" in t.columns:
        t = t.loc[
            ~t["states"]
            .map(
                lambda s: bool(set(s) & C.NO_NUDGE_STATES) if isinstance(s, list | tuple) else False
            )
            .astype(bool)
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
