"""Reach-out suggestions: a short ranked list of who to contact, why, how, and a draft.

Rules S1-S7 and U1-U3 in docs/metrics.md. Nobody is suggested who is marked ``dont_suggest``,
``archived`` or ``in_memory``, or is snoozed. No rhythm suggestion for a non-person, someone
living with the user (household), or someone marked done within their expected interval. Rhythm
kinds, one per person, first that applies:

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

Dates and follow-ups (rules S5 and S6):

* ``birthday`` / ``anniversary``: a yearly date at most :data:`analysis.occasions.REASON_DAYS`
  days ahead (today included), read with :func:`analysis.occasions.coming_up` from every date
  :func:`analysis.occasions.occasions_from_people` finds in the people frame and every date the
  user entered. The reason names the day ("Their birthday is on Friday.", "Today is their
  birthday.", "Their anniversary is tomorrow."; "your anniversary" with a partner), the step and
  the draft fit the occasion ("Happy birthday, Ana!"). **Who**: a date from the address book
  counts for people in circles 1-:data:`DATE_MAX_CIRCLE` only (real, recent contact; the
  household is in circle 1 or 2), so the birthday of an acquaintance the user never talks to
  stays in the "coming up" list and crowds out nobody; a date the user entered counts for
  anyone. **Rank**: urgency :func:`date_urgency` (``URGENCY_CAP`` on the day, down to 1 at
  ``REASON_DAYS`` ahead); tier 0 for the intimate circles and the household (beside lapsed close
  ties: a close friend's birthday in two days makes the short list), tier 1 for everyone else
  (after every reply owed and lapsed close tie). Marking the person done on or after the first
  day of the run-up clears it until the day itself; on the day only a done of that day does.
* ``follow_up``: a follow-up the user set (``closeknit follow-up``, the People page) from its
  day on while it is open (not done in the store) and at most :data:`FOLLOW_UP_OPEN_DAYS` days
  old; its note is the reason ("Your follow-up for today: ask how the interview went.") and the
  draft is built around it ("I was wondering how the interview went."). Tier 0, urgency
  :data:`FOLLOW_UP_URGENCY`: it is the user's own word (rule U). It leaves when it is done
  (``closeknit today --done`` with that person, :meth:`analysis.store.Store.finish_follow_ups`)
  or when the person is marked done on or after its day.

Dates and follow-ups obey the same states as every nudge (never for ``dont_suggest``,
``archived`` or ``in_memory`` people, never while snoozed); unlike rhythm nudges they also reach
the household (a partner's birthday is not about contact frequency), and a follow-up reaches
whoever the user set it for. One person, one suggestion (rule S7): when a person is also due a
rhythm suggestion, the date joins its reason ("Their birthday is on Friday. You were in touch
about every 10 days; it has been 3 months."), the kind stays the rhythm kind, the step and the
draft follow the date, the tier is the better of the two and the urgency the larger.
``occasion`` and ``on`` name the date behind a suggestion (the yearly date first when there are
both).
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.metrics.circles import is_work_only
from analysis.metrics.explain import human_days
from analysis.occasions import REASON_DAYS, FollowUp, Occasion, coming_up, due_follow_ups

__all__ = [
    "ACTIONS",
    "DATE_KINDS",
    "DATE_MAX_CIRCLE",
    "DRAFTS",
    "FOLLOW_UP_OPEN_DAYS",
    "FOLLOW_UP_URGENCY",
    "SUGGESTION_COLUMNS",
    "daily_check_in",
    "date_urgency",
    "follow_up_sentence",
    "human_days",
    "suggest",
]

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
    "occasion",
    "on",
]

# --- dates and follow-ups (rules S5, S6 in docs/metrics.md) -----------------------------------

DATE_KINDS: tuple[str, ...] = ("birthday", "anniversary")
"""Yearly dates that are a reason for a suggestion (``other`` dates the user entered, a name
day, a day of mourning, stay in the "coming up" list: no draft fits them all)."""

DATE_MAX_CIRCLE: int = 3
"""A birthday or anniversary from the address book is a reason for people in circles 1-3 only:
circle 3 needs contact on at least one day a year lately (rule C2), so the date of an
acquaintance never talked to never crowds out close people who are overdue. A date the user
entered counts for anyone (their own word). Judgement call."""

FOLLOW_UP_OPEN_DAYS: int = 14
"""A follow-up stays a suggestion this many days after its day while it is open: asking how
the interview went is still natural two weeks on, less so after that (it stays in the ``today``
list until done). Judgement call."""

FOLLOW_UP_URGENCY: float = C.URGENCY_CAP
"""Urgency of a follow-up, from its day on: the user set it for that day (rule U, the user's
word wins), as urgent as the most overdue close tie."""

ACTIONS: dict[str, str] = {
    "reply": "Reply: a short answer now is better than a long one later.",
    "meet": "Meet in person: suggest a walk, a coffee or a meal this week.",
    "check_in": "Send a short check-in message.",
    "check_in_call": "Call, or send a warm message: it has been a while.",
    "reconnect": "Reconnect with an old friend: mention something you shared and suggest catching up.",
    "weak_tie": "Lean on a weak tie: ask a small question or share something they would enjoy.",
    "birthday_today": "Wish them a happy birthday today: a call means even more than a message.",
    "birthday_soon": "Plan for their birthday: a call on the day, a card, or a coffee together.",
    "anniversary_today": "Send them your congratulations today: a call or a warm message.",
    "anniversary_soon": "Note their anniversary: a card or a call on the day.",
    "anniversary_ours_today": "Make time for the two of you today.",
    "anniversary_ours_soon": "Plan something for the two of you on your anniversary.",
    "follow_up": "Follow up as you planned: a short message or a call.",
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
    "birthday_today": (
        "Happy birthday, {first}! I hope you have a wonderful day.",
        "Happy birthday, {first}! Thinking of you today: have a lovely one.",
    ),
    "birthday_soon": (
        "Hi {first}, your birthday is coming up {when}! Any plans? I'd love to celebrate with you.",
        "Hey {first}, it's your birthday {when}! Can I take you out for a coffee to celebrate?",
    ),
    "anniversary_today": (
        "Happy anniversary, {first}! Wishing you both a wonderful day.",
        "Happy anniversary to you both, {first}! I hope you celebrate in style.",
    ),
    "anniversary_soon": (
        "Hi {first}, your anniversary is coming up {when}! Any plans for the day?",
    ),
    "anniversary_ours_today": ("Happy anniversary, {first}! I'm so glad it's us.",),
    "anniversary_ours_soon": (
        "{first}, our anniversary is {when}! Shall we keep the evening free for the two of us?",
    ),
}

CATCH_UP: dict[str, str] = {
    "reply": "And sorry for the slow reply to your messages!",
    "check_in": "It's been too long: let's catch up soon.",
    "meet": "It would be lovely to see you in person soon.",
    "reconnect": "It's been far too long: I'd love to catch up.",
    "weak_tie": "I hope all is well on your side.",
}
"""The sentence a date's draft ends with when the person is also due a rhythm suggestion."""

_ASK = re.compile(
    r"^ask\s+(?:\w+\s+)?(how|what|whether|if|when|where|who|why|which|about)\b\s*(.*)$",
    re.IGNORECASE,
)


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


def date_urgency(days_until: int) -> float:
    """Urgency of a birthday or anniversary ``days_until`` days ahead: ``URGENCY_CAP`` on the
    day, falling linearly to 1 at ``REASON_DAYS`` ahead (a close friend's birthday in two days,
    3.1, outranks a close tie twice overdue; a week ahead it weighs as a tie just overdue).

    >>> [round(date_urgency(d), 2) for d in (0, 2, 7)]
    [4.0, 3.14, 1.0]
    """
    share = min(max(int(days_until), 0), REASON_DAYS) / REASON_DAYS
    return 1.0 + (C.URGENCY_CAP - 1.0) * (1.0 - share)


def _ahead(days_until: int, on: date) -> str:
    """ "tomorrow", "on Friday" (within six days), else "on Tuesday 7 July"."""
    if days_until == 1:
        return "tomorrow"
    if days_until < 7:
        return f"on {on:%A}"
    return f"on {on:%A} {on.day} {on:%B}"


def _date_sentence(
    kind: str, label: str, days_until: int, on: date, turns: object, ours: bool
) -> str:
    """ "Their birthday is on Friday (they turn 40).", "Today is their birthday.", "Your
    anniversary is tomorrow (10 years)." """
    noun = kind
    if kind == "anniversary" and label and "anniversary" not in label.lower():
        noun = f"{label} anniversary"
    whose = "your" if ours else "their"
    if days_until == 0:
        text = f"Today is {whose} {noun}"
    else:
        text = f"{whose.capitalize()} {noun} is {_ahead(days_until, on)}"
    n = int(turns) if isinstance(turns, int | np.integer) else None  # <NA>: year unknown
    if n and n > 0:
        text += f" (they turn {n})" if kind == "birthday" else f" ({n} years)"
    return text + "."


def _note(text: str) -> str:
    """A follow-up's note as typed, one line, ending with one full stop (or its ? / !)."""
    flat = " ".join(str(text).split())
    return flat if flat.endswith(("?", "!", ".")) else f"{flat}."


def follow_up_sentence(text: str) -> str:
    """A draft's sentence built around a follow-up note: "ask how the interview went" -> "I
    was wondering how the interview went."; a question is kept as it is ("How did it go?");
    anything else -> "I wanted to follow up: send the photos."

    >>> follow_up_sentence("ask how the interview went")
    'I was wondering how the interview went.'
    >>> follow_up_sentence("Ask her about the new flat")
    'I was wondering about the new flat.'
    >>> follow_up_sentence("how did the move go?")
    'How did the move go?'
    >>> follow_up_sentence("send the photos")
    'I wanted to follow up: send the photos.'
    """
    flat = " ".join(str(text).split()).rstrip(".!")
    if not flat:
        return "I wanted to follow up."
    if flat.endswith("?"):
        return flat[0].upper() + flat[1:]
    m = _ASK.match(flat)
    if m:
        rest = f" {m.group(2)}" if m.group(2) else ""
        return f"I was wondering {m.group(1).lower()}{rest}."
    return f"I wanted to follow up: {flat}."


def _follow_up_reason(f: FollowUp, today: date) -> str:
    age = (today - f.on).days
    if age == 0:
        when = "today"
    elif age == 1:
        when = "yesterday"
    elif age < 7:
        when = f"{f.on:%A}, {age} days ago"
    else:
        when = f"{f.on.day} {f.on:%B}, {human_days(age)} ago"
    return f"Your follow-up for {when}: {_note(f.text)}"


def _flag(t: pd.DataFrame, col: str) -> pd.Series:
    if col not in t.columns:
        return pd.Series(False, index=t.index)
    return t[col].fillna(False).astype(bool)


def _num(t: pd.DataFrame, col: str, default: float = np.nan) -> pd.Series:
    if col not in t.columns:
        return pd.Series(default, index=t.index, dtype="float64")
    return t[col].astype("float64")


def _blocked(t: pd.DataFrame) -> np.ndarray:
    """People whose states forbid every nudge (``dont_suggest``, ``archived``, ``in_memory``)."""
    if "states" not in t.columns:
        return np.zeros(len(t), dtype=bool)
    return np.asarray(
        [
            bool(s) and isinstance(s, (list, tuple)) and not C.NO_NUDGE_STATES.isdisjoint(s)
            for s in t["states"].tolist()
        ],
        dtype=bool,
    )


@dataclass(frozen=True)
class _Yearly:
    """The birthday or anniversary behind a suggestion."""

    kind: str
    label: str
    on: date
    days_until: int
    turns: object


def _rhythm_kinds(t: pd.DataFrame) -> pd.Series:
    """The rhythm kind of each person of ``t`` (rules S1-S4), "" for none."""
    has_circle = t["circle"].notna()
    inner = t["intimate"].astype(bool)
    desired = _flag(t, "desired")
    bad = t["status"].isin(["overdue", "neglected"])
    owed = (_num(t, "owed_days", 0).fillna(0) >= C.REPLY_MIN_DAYS) & (
        _num(t, "owed_last_days_ago") <= C.REPLY_MAX_DAYS
    )
    if "roles" in t.columns and owed.any():  # only those owed a reply: are they colleagues?
        at = np.flatnonzero(owed.to_numpy())
        roles = t["roles"].to_numpy(dtype=object)[at]
        owed.iloc[at[[is_work_only(r) for r in roles]]] = False
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
    return pd.Series(kind, index=t.index, dtype=object)


def _rhythm_urgency(t: pd.DataFrame) -> pd.Series:
    """Urgency of each rhythm suggestion of ``t`` (rule S1)."""
    urgency = t["overdue_ratio"].astype("float64").fillna(1.0).clip(upper=C.URGENCY_CAP)
    meet_urg = (
        (_num(t, "days_since_in_person") / _num(t, "in_person_interval_days"))
        .fillna(C.MEET_NEVER_URGENCY)
        .clip(upper=C.URGENCY_CAP)
    )
    urgency = urgency.where(t["kind"] != "meet", meet_urg)
    urgency = urgency.where(t["kind"] != "reply", C.REPLY_URGENCY)
    return urgency.where(~((t["kind"] == "reconnect") & (t["status"] == "dormant")), 1.0)


def _yearly_dates(
    names_near: Mapping[str, str],
    names_all: Mapping[str, str],
    today: date,
    occasions: Iterable[Occasion],
    entered: Iterable[Occasion],
    done: Mapping[str, date],
) -> dict[str, _Yearly]:
    """person_id -> the soonest birthday or anniversary within ``REASON_DAYS`` (rule S5):
    ``occasions`` (from the address book) of the people in ``names_near`` (circles
    1-``DATE_MAX_CIRCLE``), ``entered`` (by the user) of anyone in ``names_all`` (person_id ->
    name; both already without non-persons, blocked states and snoozed people)."""
    frames = [
        coming_up(dates, names, today, days=REASON_DAYS)
        for dates, names in (
            (
                [o for o in occasions if o.kind in DATE_KINDS and o.person_id in names_near],
                names_near,
            ),
            ([o for o in entered if o.kind in DATE_KINDS and o.person_id in names_all], names_all),
        )
        if dates
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return {}
    up = pd.concat(frames, ignore_index=True)
    up = up.assign(order=up["kind"].map(DATE_KINDS.index)).sort_values(
        ["days_until", "order", "person_id"], kind="stable"
    )
    out: dict[str, _Yearly] = {}
    for r in up.drop_duplicates("person_id").itertuples(index=False):
        pid, on, until = str(r.person_id), r.date, int(r.days_until)
        acted = done.get(pid)
        if acted is not None:
            since = on if until == 0 else on - timedelta(days=REASON_DAYS)
            if pd.Timestamp(acted).date() >= since:
                continue  # wished already (on the day), or planned for it during the run-up
        out[pid] = _Yearly(str(r.kind), str(r.label or ""), on, until, r.turns)
    return out


def _open_follow_ups(
    known: set[str],
    today: date,
    follow_ups: Iterable[FollowUp],
    done: Mapping[str, date],
) -> dict[str, list[FollowUp]]:
    """person_id -> the follow-ups open and due (rule S6), oldest first, of the people in
    ``known`` (already without blocked states and snoozed people)."""
    out: dict[str, list[FollowUp]] = defaultdict(list)
    for f in due_follow_ups(follow_ups, today):
        if f.person_id not in known or (today - f.on).days > FOLLOW_UP_OPEN_DAYS:
            continue
        acted = done.get(f.person_id)
        if acted is not None and pd.Timestamp(acted).date() >= f.on:
            continue
        out[f.person_id].append(f)
    return dict(out)


def _yearly_key(y: _Yearly, ours: bool) -> str:
    base = f"{y.kind}_ours" if ours and y.kind == "anniversary" else y.kind
    return f"{base}_today" if y.days_until == 0 else f"{base}_soon"


def _draft(
    pid: str,
    first: str,
    rhythm: str,
    yearly: _Yearly | None,
    ours: bool,
    follow: list[FollowUp],
) -> str:
    """The draft: the date's (or the follow-up's) message, ending with a catch-up line when the
    person is also due a rhythm suggestion; the rhythm kind's own draft otherwise."""
    if yearly is None and not follow:
        return _pick(rhythm, pid).format(first=first)
    parts = []
    if yearly is not None:
        when = _ahead(yearly.days_until, yearly.on) if yearly.days_until else "today"
        parts.append(_pick(_yearly_key(yearly, ours), pid).format(first=first, when=when))
    else:
        parts.append(f"Hi {first}!")
    parts += [follow_up_sentence(f.text) for f in follow]
    if rhythm:
        parts.append(CATCH_UP[rhythm])
    elif yearly is None:
        parts.append("How are you doing?")
    return " ".join(parts)


def suggest(
    table: pd.DataFrame,
    as_of: pd.Timestamp,
    window_days: int = C.WINDOW_DAYS,
    max_suggestions: int = C.MAX_SUGGESTIONS,
    done: Mapping[str, date] | None = None,
    snoozed_until: Mapping[str, date] | None = None,
    occasions: Iterable[Occasion] = (),
    entered: Iterable[Occasion] = (),
    follow_ups: Iterable[FollowUp] = (),
) -> pd.DataFrame:
    """The ranked suggestions (columns :data:`SUGGESTION_COLUMNS`, rank 1 first).

    ``table`` is the engine's people table (needs ``person_id, name, first_name, circle,
    intimate, status, non_person, days_since, expected_interval_days, rhythm_days, n_gaps,
    overdue_ratio, tie_strength, contact_days, span_days, days_since_in_person,
    messages_in_window``; uses ``household, states, far_away, desired, meet_lapsed,
    in_person_interval_days, owed_days, owed_first_days_ago, owed_last_days_ago, roles,
    personal_days, group_only`` when present). ``done``: person_id -> date acted on (the person
    leaves the rhythm suggestions until their expected interval has passed since; a date or a
    follow-up as the module docstring says); ``snoozed_until``: person_id -> date.
    ``occasions``: yearly dates read from the people frame
    (:func:`analysis.occasions.occasions_from_people`); ``entered``: the dates the user entered;
    ``follow_ups``: the user's follow-ups (done ones are ignored). ``occasion`` and ``on`` of a
    suggestion: ``birthday``, ``anniversary`` or ``follow_up`` and its ISO date, None without.
    """
    today = as_of.date()
    done = done or {}
    snoozed = {
        p for p, until in (snoozed_until or {}).items() if pd.Timestamp(until).date() > today
    }
    free = ~_blocked(table)  # masks over the whole table; rows are copied once, below
    if snoozed:
        free &= ~table["person_id"].isin(list(snoozed)).to_numpy(dtype=bool)
    person = free & ~table["non_person"].fillna(False).to_numpy(dtype=bool)

    # rhythm suggestions (S1-S4): not the household, only people with contact on record
    with_contact = table["days_since"].notna().to_numpy(dtype=bool)
    # each row's kind reads that row alone: found over the whole table, then only the rows
    # with one are copied
    kinds = _rhythm_kinds(table).to_numpy(dtype=object)
    pick = person & with_contact & ~_flag(table, "household").to_numpy(dtype=bool) & (kinds != "")
    t = table.loc[pick].copy()
    t["kind"] = kinds[pick]
    keep = []
    for pid, tau in zip(t["person_id"], t["expected_interval_days"], strict=True):
        acted = done.get(pid)
        keep.append(acted is None or (today - pd.Timestamp(acted).date()).days > tau)
    t = t.loc[keep]
    t["urgency"] = _rhythm_urgency(t)
    rhythm_kind = dict(zip(t["person_id"], t["kind"], strict=True))
    rhythm_urgency = dict(zip(t["person_id"], t["urgency"], strict=True))

    # dates (S5) and follow-ups (S6)
    pids = table["person_id"].to_numpy(dtype=object)
    names = table["name"].to_numpy(dtype=object)
    circle = table["circle"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    near = person & (circle <= DATE_MAX_CIRCLE)
    yearly = _yearly_dates(
        dict(zip(pids[near], names[near], strict=True)),
        dict(zip(pids[person], names[person], strict=True)),
        today,
        occasions,
        entered,
        done,
    )
    follow = _open_follow_ups(set(pids[free]), today, follow_ups, done)

    ids = set(rhythm_kind) | set(yearly) | set(follow)
    if not ids:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in SUGGESTION_COLUMNS})
    rows = table.loc[table["person_id"].isin(list(ids))].drop_duplicates("person_id")
    # rank (S1, S7): the better tier and the larger urgency of the rhythm, the date, the follow-up
    idx = pd.Index(rows["person_id"].to_numpy(dtype=object), dtype=object)
    rows = rows.set_axis(idx)
    kind = pd.Series(rhythm_kind, dtype=object).reindex(idx).fillna("")
    urgency = pd.Series(rhythm_urgency, dtype="float64").reindex(idx).fillna(0.0).to_numpy()
    tier = kind.map(C.KIND_TIER).astype("float64").fillna(9.0).to_numpy()
    days = pd.Series({p: y.days_until for p, y in yearly.items()}, dtype="float64").reindex(idx)
    has_date = days.notna().to_numpy()
    close = (rows["intimate"].fillna(False).astype(bool) | _flag(rows, "household")).to_numpy()
    tier = np.where(has_date, np.minimum(tier, np.where(close, 0.0, 1.0)), tier)
    date_urg = days.fillna(REASON_DAYS).map(date_urgency).to_numpy(dtype="float64")
    urgency = np.where(has_date, np.maximum(urgency, date_urg), urgency)
    has_follow = idx.isin(list(follow))
    tier = np.where(has_follow, np.minimum(tier, 0.0), tier)
    urgency = np.where(has_follow, np.maximum(urgency, FOLLOW_UP_URGENCY), urgency)
    prio = rows["circle"].map(C.CIRCLE_PRIORITY).astype("float64").fillna(C.CIRCLE_PRIORITY[4])
    tie = rows["tie_strength"].astype("float64").fillna(0.0)
    blend = C.SCORE_TIE_BLEND
    ranked = pd.DataFrame(
        {
            "tier": tier,
            "score": (prio * ((1 - blend) + blend * tie)).to_numpy() * urgency,
            "person_id": idx,
        },
        index=idx,
    ).sort_values(["tier", "score", "person_id"], ascending=[True, False, True], kind="stable")
    top = ranked.head(max_suggestions)
    cands = [
        (pid, rows.loc[pid], kind[pid], yearly.get(pid), follow.get(pid, []), score)
        for pid, score in zip(top["person_id"], top["score"], strict=True)
    ]
    out = []
    for i, (pid, row, k, y, fus, score) in enumerate(cands, start=1):
        roles = row.get("roles")
        ours = isinstance(roles, list | tuple) and "partner" in roles
        reason = []
        if y is not None:
            reason.append(_date_sentence(y.kind, y.label, y.days_until, y.on, y.turns, ours))
        reason += [_follow_up_reason(f, today) for f in fus]
        if k:
            reason.append(_reason(k, row, window_days))
        if y is not None:
            action = ACTIONS[_yearly_key(y, ours)]
        elif fus:
            action = ACTIONS["follow_up"]
        else:
            action = ACTIONS[
                "check_in_call" if k == "check_in" and row["status"] == "neglected" else k
            ]
        given = row.get("first_name")
        first = given if isinstance(given, str) and given else str(row["name"])
        occasion, on = (
            (y.kind, y.on) if y is not None else ("follow_up", fus[0].on) if fus else (None, None)
        )
        out.append(
            {
                "rank": i,
                "person_id": pid,
                "name": row["name"],
                "kind": k or (y.kind if y is not None else "follow_up"),
                "reason": " ".join(reason),
                "action": action,
                "draft": _draft(pid, first, k, y, ours, fus),
                "score": round(float(score), 4),
                "circle": None if pd.isna(row["circle"]) else int(row["circle"]),
                "status": row["status"],
                "occasion": occasion,
                "on": None if on is None else on.isoformat(),
            }
        )
    frame = pd.DataFrame(out, columns=SUGGESTION_COLUMNS)
    for col in ("occasion", "on"):  # None where there is no date, not NaN
        frame[col] = pd.Series([r[col] for r in out], index=frame.index, dtype=object)
    return frame


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
