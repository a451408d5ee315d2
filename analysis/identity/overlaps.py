"""One contact event, counted once: records of one person from different files that are the same
event.

The store already drops records whose content key repeats one it holds (a newer export of the same
chat). What it cannot see is the same event written differently: a call in a call-log backup and
the same call in the user's own log, the same log exported in two layouts, a meeting in a calendar
and in a hand-kept diary. Once identities are resolved, those records share a person.

**Rule.** Two records are one interaction when they are about the same person, on the same
channel, within :data:`OVERLAP_WINDOW_MIN` minutes of each other, come from *different* files,
and do not belong to two different events (two non-empty ``event_id`` values that differ). Records
of one file are never merged with each other: two calls three minutes apart in one call log are
two calls.

Records are sorted by (person, channel, time); a record joins the previous record's cluster when
the rule holds for that neighbour (chains of near-simultaneous records from several files form one
cluster). From each cluster one record is kept, the *richest*: a known duration first, then a
known direction, then a note; its missing fields are filled from the others (the longest duration,
the first known direction, the first non-empty note). The count of merged records per pair of
files is returned so the import report and the dashboard can say that two files overlap.

Known limit: a cluster ``A, B, A`` (a file A with two records minutes apart and a record of file
B between them) becomes one interaction; it needs three records of one person on one channel
within minutes of each other, from two files.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.model import DIRECTIONS, text_codes

OVERLAP_WINDOW_MIN: float = 5.0
"""Minutes within which two records of one person on one channel, from different files, are one
event. Judgement call: clocks of phones and hand-kept logs differ by a minute or two, a logged
call is often written down at its end rather than its start (calls are mostly short; a median
mobile call is about 2-3 minutes, Ofcom Communications Market Report 2023), while two genuine
contacts on one channel within five minutes are rare and usually one conversation anyway."""

OVERLAP_COLUMNS = ("source", "known_from", "records")
"""Columns of the overlaps frame: records of ``source`` merged into records of ``known_from``."""

_UNKNOWN = DIRECTIONS.index("unknown")


@dataclass(frozen=True)
class OverlapPlan:
    """What :func:`merge_overlaps` decides about a frame, by row position: the records merged
    into another (``drop``; each with its file, ``dropped_source``, and the kept record's
    file, ``known_from``) and the kept records whose fields are filled from their cluster
    (``keep``, with their ``duration``, ``direction`` and ``note`` after filling). Clusters
    never span two people, so the decisions about one person's records depend on that person's
    records alone."""

    drop: np.ndarray
    dropped_source: np.ndarray
    known_from: np.ndarray
    keep: np.ndarray
    duration: np.ndarray
    direction: np.ndarray
    note: np.ndarray

    def without_rows(self, rows: np.ndarray) -> OverlapPlan:
        """This plan without its decisions about the records at the positions ``rows``."""
        drop = ~np.isin(self.drop, rows)
        keep = ~np.isin(self.keep, rows)
        return OverlapPlan(
            self.drop[drop], self.dropped_source[drop], self.known_from[drop],
            self.keep[keep], self.duration[keep], self.direction[keep], self.note[keep],
        )  # fmt: skip

    def moved(self, positions: np.ndarray) -> OverlapPlan:
        """This plan, made for the rows ``positions`` of a larger frame, for that frame."""
        return dataclasses.replace(self, drop=positions[self.drop], keep=positions[self.keep])

    def plus(self, other: OverlapPlan) -> OverlapPlan:
        """The decisions of both plans (about different people of one frame)."""
        return OverlapPlan(
            *(np.concatenate([getattr(self, f.name), getattr(other, f.name)])
              for f in dataclasses.fields(self))
        )  # fmt: skip


def _no_plan() -> OverlapPlan:
    ints, objs = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    return OverlapPlan(ints, objs, objs, ints, np.zeros(0, dtype="float64"), objs, objs)


def empty_overlaps() -> pd.DataFrame:
    """An overlaps frame with no rows."""
    return pd.DataFrame(
        {"source": pd.Series([], dtype=object), "known_from": pd.Series([], dtype=object),
         "records": pd.Series([], dtype="int64")}
    )  # fmt: skip


def merge_overlaps(
    interactions: pd.DataFrame, window_min: float = OVERLAP_WINDOW_MIN
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge records of one event that came from different files.

    Parameters
    ----------
    interactions : the resolved interactions frame (``analysis.model`` columns plus
        ``person_id``; rows without a person are left as they are).
    window_min : the merge window in minutes (:data:`OVERLAP_WINDOW_MIN`).

    Returns
    -------
    ``(interactions, overlaps)``: the frame without the merged duplicates (original row order
    kept, a fresh RangeIndex), and a frame ``source, known_from, records`` counting, per pair of files, the
    records of ``source`` that were the same event as a kept record of ``known_from``.

    Example: a call at 18:02 in ``calls.xml`` (with its duration) and "call with Ana, 18:00" in
    ``log.csv`` (with a note) become one call at 18:02 with the duration and the note.
    """
    return apply_plan(interactions, overlap_plan(interactions, window_min))


def apply_plan(interactions: pd.DataFrame, plan: OverlapPlan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(interactions, overlaps)`` as :func:`merge_overlaps` returns them, from the plan
    made for ``interactions`` (:func:`overlap_plan` or :func:`plan_with_added`)."""
    interactions = interactions.reset_index(drop=True)
    if not len(plan.drop):
        return interactions, empty_overlaps()
    out = interactions.copy()
    at = {c: out.columns.get_loc(c) for c in ("duration_min", "direction", "note")}
    out.iloc[plan.keep, at["duration_min"]] = plan.duration
    out.iloc[plan.keep, at["direction"]] = pd.Categorical(
        plan.direction, dtype=out["direction"].dtype
    )
    out.iloc[plan.keep, at["note"]] = plan.note
    kept = np.ones(len(out), dtype=bool)
    kept[plan.drop] = False
    pairs = pd.DataFrame({"source": plan.dropped_source, "known_from": plan.known_from})
    overlaps = (
        pairs.groupby(["source", "known_from"], sort=True).size().rename("records").reset_index()
    )
    return out.loc[kept].reset_index(drop=True), overlaps


def plan_with_added(
    base_plan: OverlapPlan,
    interactions: pd.DataFrame,
    n_base: int,
    window_min: float = OVERLAP_WINDOW_MIN,
) -> OverlapPlan:
    """The plan :func:`overlap_plan` makes for ``interactions``, whose first ``n_base`` rows
    are the frame ``base_plan`` was made for and whose other rows were added to it (contact the
    user logged), made from ``base_plan`` and the records near the added ones alone: logging a
    call does not go over a million records again.

    A record can only join a cluster of its own person and channel whose records follow each
    other within the window. So the records of each added record's person and channel are
    ordered by time and cut where two follow each other more than ``window_min`` apart; the
    runs holding an added record are planned again (:func:`overlap_plan`), and ``base_plan``'s
    decisions stand for every other record (its clusters lie in runs no added record is in).
    The result equals ``overlap_plan(interactions)``: a person's records are ordered by values
    alone (person, channel, time, file name), never by where they sit in the frame."""
    pids = interactions["person_id"]
    added = np.flatnonzero(pids.iloc[n_base:].notna().to_numpy()) + n_base
    if not len(added):
        return base_plan
    touched = pd.unique(pids.iloc[added].to_numpy(dtype=object))
    theirs = np.flatnonzero(pids.isin(touched).to_numpy())  # the people added records touch
    who = pd.factorize(pids.iloc[theirs].to_numpy(dtype=object))[0]
    chan = interactions["channel"].iloc[theirs]
    chan = chan.cat.codes.to_numpy() if hasattr(chan, "cat") else _name_codes(chan)
    key = who.astype(np.int64) * (int(chan.max()) + 1) + chan
    is_added = theirs >= n_base
    near = np.isin(key, key[is_added])  # the records of an added record's person and channel
    theirs, key, is_added = theirs[near], key[near], is_added[near]
    ts = pd.DatetimeIndex(interactions["timestamp"].iloc[theirs]).as_unit("ns").asi8
    order = np.lexsort((ts, key))
    k, t = key[order], ts[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (k[1:] != k[:-1]) | ((t[1:] - t[:-1]) > int(window_min * 60e9))
    run = np.cumsum(starts)
    again = np.sort(theirs[order[np.isin(run, run[is_added[order]])]])
    own = overlap_plan(interactions.iloc[again], window_min).moved(again)
    return base_plan.without_rows(again).plus(own)


def overlap_plan(interactions: pd.DataFrame, window_min: float = OVERLAP_WINDOW_MIN) -> OverlapPlan:
    """What :func:`merge_overlaps` does to ``interactions`` (see :class:`OverlapPlan`; positions
    are row positions), without doing it."""
    if "person_id" not in interactions.columns or len(interactions) < 2:
        return _no_plan()
    sources = interactions["source"].to_numpy()
    if (sources == sources[0]).all():  # records of one file are never merged with each other
        return _no_plan()  # (one comparison a row: no factorisation)
    pids = interactions["person_id"]
    idx = np.flatnonzero(pids.notna().to_numpy())
    if len(idx) < 2:
        return _no_plan()
    src = _name_codes(interactions["source"])[idx]
    if src.min() == src.max():
        return _no_plan()
    # only people with records from two files or more can have records to merge, and each of
    # them has records outside the file with the most: look only at those people's records
    largest = np.argmax(np.bincount(src))
    others = pd.unique(pids.to_numpy(dtype=object)[idx[src != largest]])
    mine = pids.isin(others).to_numpy()[idx]
    idx, src = idx[mine], src[mine]
    pid = pd.factorize(pids.to_numpy(dtype=object)[idx])[0]
    seen = np.zeros((int(pid.max()) + 1, int(src.max()) + 1), dtype=bool)
    seen[pid, src] = True
    several = seen.sum(axis=1) > 1
    if not several.any():
        return _no_plan()
    rows_kept = several[pid]
    idx, pid, src = idx[rows_kept], pid[rows_kept], src[rows_kept]
    sub = interactions.iloc[idx]
    chan = _name_codes(sub["channel"].astype(object))
    ts = pd.DatetimeIndex(sub["timestamp"]).as_unit("ns").asi8
    order = np.lexsort((src, ts, chan, pid))
    p, c, t, s = pid[order], chan[order], ts[order], src[order]
    ev = _strings(sub["event_id"])[order]
    window_ns = int(window_min * 60e9)
    joins = np.zeros(len(order), dtype=bool)
    joins[1:] = (
        (p[1:] == p[:-1])
        & (c[1:] == c[:-1])
        & ((t[1:] - t[:-1]) <= window_ns)
        & (s[1:] != s[:-1])
        & ~((ev[1:] != "") & (ev[:-1] != "") & (ev[1:] != ev[:-1]))
    )
    if not joins.any():
        return _no_plan()
    cluster = np.cumsum(~joins) - 1
    size = np.bincount(cluster)
    multi = size[cluster] > 1
    rows = order[multi]  # positions in ``sub`` of records in clusters of two or more
    frame = sub.iloc[rows]
    clus = cluster[multi]
    dur = frame["duration_min"].to_numpy(dtype="float64")
    dcode = frame["direction"].cat.codes.to_numpy()
    note = _strings(frame["note"])
    score = (~np.isnan(dur)) * 4 + (dcode != _UNKNOWN) * 2 + (note != "") * 1
    # the kept record of each cluster: highest score, then the earliest in sorted order
    rank = np.lexsort((np.arange(len(rows)), -score, clus))
    first = np.ones(len(rank), dtype=bool)
    first[1:] = clus[rank][1:] != clus[rank][:-1]
    keep_pos = rank[first]  # one per cluster, in cluster order
    kept_cluster = clus[keep_pos]
    keep_of = np.empty(clus.max() + 1, dtype=np.int64)
    keep_of[kept_cluster] = keep_pos
    # the kept records' missing fields filled from the others of their cluster
    noted = note.copy()
    noted[note == ""] = None
    tmp = pd.DataFrame(
        {"clus": clus, "dur": dur, "dcode": np.where(dcode == _UNKNOWN, -1, dcode), "note": noted}
    )
    g = tmp.groupby("clus", sort=True)
    best_dur = g["dur"].max().reindex(kept_cluster).to_numpy()
    known_dir = tmp[tmp["dcode"] >= 0].groupby("clus")["dcode"].first()
    first_note = g["note"].first().reindex(kept_cluster)
    cur_dur = dur[keep_pos]
    named = np.asarray([*DIRECTIONS, None], dtype=object)  # code -1: missing
    cur_dir = named[dcode[keep_pos]]
    fill_dir = known_dir.reindex(kept_cluster).to_numpy()
    new_dir = [
        DIRECTIONS[int(f)] if d == "unknown" and not pd.isna(f) else d
        for d, f in zip(cur_dir, fill_dir, strict=True)
    ]
    new_note = [
        n if n else (f if isinstance(f, str) else "")
        for n, f in zip(note[keep_pos], first_note.to_numpy(), strict=True)
    ]
    dropped = np.ones(len(rows), dtype=bool)
    dropped[keep_pos] = False
    sources = _strings(frame["source"])
    return OverlapPlan(
        drop=idx[rows[dropped]],
        dropped_source=sources[dropped],
        known_from=sources[keep_of[clus[dropped]]],
        keep=idx[rows[keep_pos]],
        duration=np.where(np.isnan(cur_dur), best_dur, cur_dur),
        direction=np.asarray(new_dir, dtype=object),
        note=np.asarray(new_note, dtype=object),
    )


def _name_codes(column: pd.Series) -> np.ndarray:
    """Codes of a text column in the order of its values' names (a missing value read as ""),
    so that records are ordered by what they hold, never by where they sit in the frame."""
    codes, uniques = text_codes(column)
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[np.argsort(uniques.astype(str), kind="stable")] = np.arange(len(uniques))
    return rank[codes]


def _strings(column: pd.Series) -> np.ndarray:
    """``column`` as an object array with "" for missing values (cheaper than ``astype(str)``,
    which builds an Arrow string array under pandas 3; the columns hold strings already)."""
    return column.to_numpy(dtype=object, na_value="")
