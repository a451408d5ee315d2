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
    if "person_id" not in interactions.columns or len(interactions) < 2:
        return interactions, empty_overlaps()
    interactions = interactions.reset_index(drop=True)
    sources = interactions["source"].to_numpy()
    if (sources == sources[0]).all():  # records of one file are never merged with each other
        return interactions, empty_overlaps()  # (one comparison a row: no factorisation)
    has_person = interactions["person_id"].notna().to_numpy()
    idx = np.flatnonzero(has_person)
    if len(idx) < 2:
        return interactions, empty_overlaps()
    src = text_codes(interactions["source"])[0][idx]
    if src.min() == src.max():
        return interactions, empty_overlaps()
    # only people with records from two files or more can have records to merge, and each of
    # them has records outside the file with the most: look only at those people's records
    pids = interactions["person_id"]
    largest = np.argmax(np.bincount(src))
    others = pd.unique(pids.to_numpy(dtype=object)[idx[src != largest]])
    mine = pids.isin(others).to_numpy()[idx]
    idx, src = idx[mine], src[mine]
    pid = pd.factorize(pids.to_numpy(dtype=object)[idx])[0]
    seen = np.zeros((int(pid.max()) + 1, int(src.max()) + 1), dtype=bool)
    seen[pid, src] = True
    several = seen.sum(axis=1) > 1
    if not several.any():
        return interactions, empty_overlaps()
    rows_kept = several[pid]
    idx, pid, src = idx[rows_kept], pid[rows_kept], src[rows_kept]
    sub = interactions.iloc[idx]
    chan = sub["channel"].cat.codes.to_numpy() if hasattr(sub["channel"], "cat") else (
        pd.factorize(sub["channel"])[0]
    )  # fmt: skip
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
        return interactions, empty_overlaps()
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
    out = interactions.copy()
    labels = out.index[idx[rows]]
    kept_labels = labels[keep_pos]
    # fill the kept records' missing fields from the others of their cluster
    noted = note.copy()
    noted[note == ""] = None
    tmp = pd.DataFrame(
        {"clus": clus, "dur": dur, "dcode": np.where(dcode == _UNKNOWN, -1, dcode), "note": noted}
    )
    g = tmp.groupby("clus", sort=True)
    best_dur = g["dur"].max().reindex(kept_cluster).to_numpy()
    known_dir = tmp[tmp["dcode"] >= 0].groupby("clus")["dcode"].first()
    first_note = g["note"].first().reindex(kept_cluster)
    cur_dur = out.loc[kept_labels, "duration_min"].to_numpy(dtype="float64")
    out.loc[kept_labels, "duration_min"] = np.where(np.isnan(cur_dur), best_dur, cur_dur)
    cur_dir = out.loc[kept_labels, "direction"].astype(str).to_numpy()
    fill_dir = known_dir.reindex(kept_cluster).to_numpy()
    new_dir = [
        DIRECTIONS[int(f)] if d == "unknown" and not pd.isna(f) else d
        for d, f in zip(cur_dir, fill_dir, strict=True)
    ]
    out.loc[kept_labels, "direction"] = pd.Categorical(new_dir, dtype=out["direction"].dtype)
    cur_note = _strings(out.loc[kept_labels, "note"])
    out.loc[kept_labels, "note"] = [
        n if n else (f if isinstance(f, str) else "")
        for n, f in zip(cur_note, first_note.to_numpy(), strict=True)
    ]
    dropped = np.ones(len(rows), dtype=bool)
    dropped[keep_pos] = False
    drop_labels = labels[dropped]
    sources = _strings(frame["source"])
    pairs = pd.DataFrame(
        {"source": sources[dropped], "known_from": sources[keep_of[clus[dropped]]]}
    )
    overlaps = (
        pairs.groupby(["source", "known_from"], sort=True).size().rename("records").reset_index()
    )
    return out.drop(index=drop_labels).reset_index(drop=True), overlaps


def _strings(column: pd.Series) -> np.ndarray:
    """``column`` as an object array with "" for missing values (cheaper than ``astype(str)``,
    which builds an Arrow string array under pandas 3; the columns hold strings already)."""
    return column.to_numpy(dtype=object, na_value="")
