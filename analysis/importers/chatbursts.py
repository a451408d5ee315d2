"""The shared rule that turns a chat's stream of messages into interactions.

A chat export holds messages; closeknit's unit is a *contact event*. Fifty messages exchanged in one
evening are one conversation, not fifty contacts, so messages are collapsed:

**One-on-one chats** (two participants): messages are grouped into *bursts*: a burst is a run of
consecutive messages in which no gap exceeds :data:`BURST_GAP_MIN`. Each burst is one interaction,
timestamped at its first message, ``who`` = the other person, ``direction`` = ``outgoing`` when the
user sent the burst's first message and ``incoming`` otherwise (reciprocity needs who *started*),
``note`` = ``"N messages"``, ``event_id`` = "".

**Group chats** (more than two participants, or a chat the export marks as a group): one interaction
per (group conversation day, participant who wrote that day, other than the user). All rows of one
group-day share ``event_id = stable_id(chat key, day)``, which gives the ties between the people in
it. The chat key is the chat's identity across exports (its id when the export has one, else its
title or its participants), never the file's digest: two exports of one chat, the older a prefix of
the newer, give the same group days, so the store and the pipeline count them once. Timestamp = that participant's first message of the day; ``direction`` =
``outgoing`` when the user wrote in the group that day before this participant did, else
``incoming``. Days are calendar days of the local (naive) clock of the export.

When the user is not known (``ImportOptions.me`` matches nobody), ``direction`` is ``unknown`` and
every participant gets rows (the caller warns and asks which participant is the user).

Bursts are computed on the export's local clock; across a daylight-saving switch a gap can be off
by the switch (an hour), which only matters for gaps within an hour of the threshold.

All functions take numpy arrays sorted by time and work vectorised (a 500,000-message export
collapses in milliseconds).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.importers.base import stable_id

BURST_GAP_MIN: float = 30.0
"""Minutes of silence that end a conversation burst.

Judgement call: the 30-minute inactivity timeout is the usual boundary of a "session" in
interaction logs, going back to Catledge & Pitkow 1995 (Computer Networks and ISDN Systems
27:1065; mean time between browsing sessions 25.5 min). A chat reply within half an hour reads as
the same conversation; a reply the next morning starts a new contact."""

_NS_PER_MIN = 60_000_000_000
_NS_PER_DAY = 86_400_000_000_000


@dataclass
class ChatRows:
    """Interactions made from one conversation, as parallel lists/arrays.

    ``local_ns``: int64 nanoseconds of the naive local clock (convert to UTC afterwards);
    ``first``: index (into the input messages) of the message each row is timestamped by;
    ``used``: bool per input message, True when the message went into some interaction.
    """

    local_ns: np.ndarray
    first: np.ndarray
    who: list[str]
    direction: list[str]
    note: list[str]
    event_id: list[str]
    used: np.ndarray
    unused_reason: str = ""
    extra: dict = field(default_factory=dict)


def burst_starts(local_ns: np.ndarray, gap_min: float = BURST_GAP_MIN) -> np.ndarray:
    """Boolean mask of messages that start a burst (the first message, and every message that
    follows a silence longer than ``gap_min`` minutes). ``local_ns`` must be sorted."""
    n = len(local_ns)
    starts = np.ones(n, dtype=bool)
    if n > 1:
        starts[1:] = np.diff(local_ns) > int(gap_min * _NS_PER_MIN)
    return starts


def one_on_one(
    local_ns: np.ndarray,
    sender: np.ndarray,
    names: list[str],
    me: set[int],
    contact: int | None,
    gap_min: float = BURST_GAP_MIN,
) -> ChatRows:
    """Bursts of a two-person chat.

    ``sender`` holds codes into ``names``; ``me`` the codes that are the user; ``contact`` the
    code of the other person, or None when the user is unknown (then each burst gives one row per
    participant, direction ``unknown``).
    """
    n = len(local_ns)
    starts = burst_starts(local_ns, gap_min)
    first = np.flatnonzero(starts)
    counts = np.diff(np.append(first, n))
    notes = [f"{c} message{'s' if c != 1 else ''}" for c in counts.tolist()]
    used = np.ones(n, dtype=bool)
    if contact is not None:
        first_is_me = np.isin(sender[first], list(me)) if me else np.zeros(len(first), bool)
        direction = np.where(first_is_me, "outgoing", "incoming").tolist()
        return ChatRows(
            local_ns[first],
            first,
            [names[contact]] * len(first),
            direction,
            notes,
            [""] * len(first),
            used,
        )
    codes = np.flatnonzero(np.bincount(sender, minlength=len(names))).tolist()
    idx = np.concatenate([first] * len(codes)) if codes else first[:0]
    who = [names[c] for c in codes for _ in range(len(first))]
    return ChatRows(
        local_ns[idx], idx, who, ["unknown"] * len(who), notes * len(codes), [""] * len(who), used
    )


def group_days(
    local_ns: np.ndarray,
    sender: np.ndarray,
    names: list[str],
    me: set[int],
    chat_key: str,
    title: str = "",
) -> ChatRows:
    """Rows of a group chat: one per (day, participant other than the user who wrote that day).

    ``chat_key`` (the chat's identity across exports, never a file digest) and the day make the
    per-day ``event_id``; ``title`` (what the user sees) goes in the notes. Messages the user sent
    on a day no one else wrote are not part of any interaction (``used`` False).
    """
    n = len(local_ns)
    if n == 0:
        return ChatRows(local_ns, np.zeros(0, np.int64), [], [], [], [], np.zeros(0, bool))
    day = local_ns // _NS_PER_DAY
    ncodes = max(len(names), 1)
    pair = day * ncodes + sender
    uniq, first, counts = np.unique(pair, return_index=True, return_counts=True)
    u_day = uniq // ncodes
    u_sender = uniq % ncodes
    me_arr = np.array(sorted(me), dtype=sender.dtype) if me else np.zeros(0, sender.dtype)
    is_me = np.isin(u_sender, me_arr)
    # first time the user wrote on each day (int64 max when they did not)
    days = np.unique(u_day)
    my_first = np.full(len(days), np.iinfo(np.int64).max, dtype=np.int64)
    if is_me.any():
        pos = np.searchsorted(days, u_day[is_me])
        my_first[pos] = local_ns[first[is_me]]
    others = ~is_me
    o_first = first[others]
    o_day_pos = np.searchsorted(days, u_day[others])
    if me:
        direction: list[str] = np.where(
            my_first[o_day_pos] < local_ns[o_first], "outgoing", "incoming"
        ).tolist()
    else:
        direction = ["unknown"] * int(others.sum())
    day_ids = {
        int(d): stable_id("group-day", chat_key, str(np.datetime64(int(d), "D")))
        for d in days.tolist()
    }
    event_id = [day_ids[int(d)] for d in u_day[others].tolist()]
    notes = [
        f"{c} message{'s' if c != 1 else ''} in group chat {title or chat_key.partition(':')[2]!r}"
        for c in counts[others].tolist()
    ]
    who = [names[int(s)] for s in u_sender[others].tolist()]
    # messages used: every message of someone else, and the user's on days someone else wrote
    day_has_others = np.zeros(len(days), dtype=bool)
    day_has_others[o_day_pos] = True
    msg_day_pos = np.searchsorted(days, day)
    used = day_has_others[msg_day_pos]
    order = np.argsort(local_ns[o_first], kind="stable")
    return ChatRows(
        local_ns[o_first][order],
        o_first[order],
        [who[i] for i in order],
        [direction[i] for i in order],
        [notes[i] for i in order],
        [event_id[i] for i in order],
        used,
        unused_reason="only you wrote in the group chat that day",
    )


def to_utc(local_ns: np.ndarray, tz: str):
    """Naive local nanoseconds -> tz-aware UTC ``DatetimeIndex`` (an ambiguous autumn hour is read
    as standard time, a missing spring hour is shifted forward)."""
    idx = pd.DatetimeIndex(np.asarray(local_ns, dtype=np.int64).astype("datetime64[ns]"))
    if tz in ("UTC", "Etc/UTC", ""):
        return idx.tz_localize("UTC")
    loc = idx.tz_localize(tz, ambiguous=np.zeros(len(idx), dtype=bool), nonexistent="shift_forward")
    return loc.tz_convert("UTC")
