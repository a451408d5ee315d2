"""Reciprocity: who starts contact, and runs of reach-outs that got no answer.

* ``initiated_share``: per person, the share of *conversation starts* the user made. A start is
  the first directed interaction (``outgoing`` or ``incoming``) of each contact day, so a burst of
  forty messages counts once and the measure says who reaches out, not who types more. NaN when no
  interaction with the person has a known direction.
* ``unanswered_run``: the number of the user's most recent contact days that had outgoing contact
  and no answer -- no incoming or mutual interaction and no in-person meeting -- counted back from
  the last day the person answered (or from the start). Days with only unknown direction neither
  count nor break the run.
* replies owed (rule S2): the person's one-to-one incoming messages, e-mails or posts
  (``REPLY_CHANNELS``; not in a shared event: a group chat is not addressed to the user) after the
  user's last answer -- an outgoing or mutual interaction, or a call, video call or meeting either
  way. ``owed_days`` counts their contact days, ``owed_messages`` the rows, ``owed_first_day`` and
  ``owed_last_day`` are day numbers (NaN when nothing is owed).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.metrics.cadence import day_starts


def reciprocity(prepared: pd.DataFrame, days: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """Per person (index person_id, people with contact only): ``initiated_share`` (float or
    NaN), ``started`` (conversation starts by the user), ``starts`` (all known starts),
    ``unanswered_run`` (int). ``prepared`` is :func:`analysis.metrics.cadence.prepare`'s output (sorted by
    person and time); the work is vectorised over rows with numpy. ``days``:
    :func:`analysis.metrics.cadence.day_table` of ``prepared``, when the caller has it."""
    cats = prepared["person_id"].cat.categories
    n_people = len(cats)
    pc = prepared["pcode"].to_numpy()
    dcode = prepared["direction"].cat.codes.to_numpy()
    dirs = list(prepared["direction"].cat.categories)
    out_c, in_c, mu_c = (dirs.index(x) for x in ("outgoing", "incoming", "mutual"))
    bounds = day_starts(prepared) if days is None else days["first_row"]
    # conversation starts: the first directed row of each (person, day)
    directed = (dcode == out_c) | (dcode == in_c)
    # per (person, day): answered? any outgoing?
    answered = (
        (dcode == in_c)
        | (dcode == mu_c)
        | (
            prepared["channel"].cat.codes.to_numpy()
            == list(prepared["channel"].cat.categories).index("in_person")
        )
    )
    outgoing = dcode == out_c
    if len(bounds):
        day_p = pc[bounds]
        # the day's first directed row: the smallest row number among its directed rows
        first_row = np.minimum.reduceat(np.where(directed, np.arange(len(pc)), len(pc)), bounds)
        has = first_row < len(pc)
        starts = np.bincount(day_p[has], minlength=n_people)
        started = np.bincount(
            day_p[has], weights=dcode[first_row[has]] == out_c, minlength=n_people
        )
        day_ans = np.maximum.reduceat(answered.astype("int8"), bounds).astype(bool)
        day_out = np.maximum.reduceat(outgoing.astype("int8"), bounds).astype(bool)
        # last answered day index per person, then count outgoing-unanswered days after it
        idx = np.arange(len(bounds))
        last_ans = np.full(n_people, -1, dtype="int64")
        np.maximum.at(last_ans, day_p[day_ans], idx[day_ans])
        pending = day_out & ~day_ans & (idx > last_ans[day_p])
        run = np.bincount(day_p[pending], minlength=n_people)
    else:
        starts = started = run = np.zeros(n_people, dtype="int64")
    frame = pd.DataFrame(
        {"started": started.astype("int64"), "starts": starts.astype("int64")},
        index=pd.Index(np.asarray(cats, dtype=object), dtype=object, name="person_id"),
    )
    frame["initiated_share"] = (
        frame["started"] / frame["starts"].where(frame["starts"] > 0)
    ).astype("float64")
    frame["unanswered_run"] = run.astype("int64")
    owed = owed_replies(prepared)
    for col in owed.columns:
        frame[col] = owed[col].to_numpy()
    present = np.bincount(pc, minlength=n_people) > 0
    return frame.loc[present]


def owed_replies(prepared: pd.DataFrame) -> pd.DataFrame:
    """Per person code (one row per category of ``prepared["person_id"]``): ``owed_days``,
    ``owed_messages`` (int), ``owed_first_day``, ``owed_last_day`` (float day numbers, NaN when
    nothing is owed). See the module docstring."""
    cats = prepared["person_id"].cat.categories
    n = len(cats)
    pc = prepared["pcode"].to_numpy()
    day = prepared["day"].to_numpy()
    dirs = list(prepared["direction"].cat.categories)
    chans = list(prepared["channel"].cat.categories)
    dcode = prepared["direction"].cat.codes.to_numpy()
    ccode = prepared["channel"].cat.codes.to_numpy()
    size = (
        prepared["event_size"].to_numpy()
        if "event_size" in prepared.columns
        else np.ones(len(pc), dtype="int64")
    )
    talk = _one_of(ccode, chans, ("in_person", "video", "call"))
    answer = (dcode == dirs.index("outgoing")) | (dcode == dirs.index("mutual")) | talk
    wrote = (
        (dcode == dirs.index("incoming")) & _one_of(ccode, chans, C.REPLY_CHANNELS) & (size <= 1)
    )
    pos = np.arange(len(pc))
    last_answer = np.full(n, -1, dtype="int64")
    if answer.any():  # the rows are in person order: each person's block, its last answer
        block = np.flatnonzero(np.r_[True, pc[1:] != pc[:-1]])
        last_answer[pc[block]] = np.maximum.reduceat(np.where(answer, pos, -1), block)
    owed = wrote & (pos > last_answer[pc]) if len(pc) else wrote
    op, od = pc[owed], day[owed]
    first_row = np.r_[True, (op[1:] != op[:-1]) | (od[1:] != od[:-1])] if len(op) else owed[:0]
    first = np.full(n, np.nan)
    last = np.full(n, np.nan)
    if len(op):
        np.fmin.at(first, op, od.astype("float64"))
        np.fmax.at(last, op, od.astype("float64"))
    return pd.DataFrame(
        {
            "owed_days": np.bincount(op[first_row], minlength=n).astype("int64"),
            "owed_messages": np.bincount(op, minlength=n).astype("int64"),
            "owed_first_day": first,
            "owed_last_day": last,
        }
    )


def _one_of(codes: np.ndarray, categories: list, wanted: Iterable[str]) -> np.ndarray:
    """Per row, whether its category code (``codes``, -1 when missing) names one of ``wanted``:
    a lookup in a table of the few categories (``np.isin`` sorts a million codes)."""
    table = np.zeros(len(categories) + 1, dtype=bool)  # the last entry: a missing value
    table[[categories.index(c) for c in wanted if c in categories]] = True
    return table[codes]
