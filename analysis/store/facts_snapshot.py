"""The engine's facts that do not depend on the day, as bytes and back, so the store can keep
them for a new day's start.

:class:`analysis.facts.Facts` holds what the engine derives from the data alone. Much of it --
the roles cards and habits give, reciprocity, channels, the network's structure -- is the same
on any later date as long as no row lies after the date it was made for (``Facts.complete``).
Kept under the pipeline's resolution key and the settings they depend on, they spare a
restart on a new day deriving them again: only each person's contact figures and the balance
are computed for the day (:func:`analysis.facts.keep_facts`). The analysed rows are kept too,
as plain arrays (:class:`analysis.metrics.cadence.AnalysedColumns`: codes, times and numbers,
no object per row), so that a new day does not code and order them again: about 10 MB for a
million rows (LZ4, which decodes several times faster than zstd), written on the dashboard's
saving thread once the user pauses (0.3 s), read back in 0.04-0.1 s, where coding and ordering
them took 0.35-0.4 s.

Frames are written as Parquet (:func:`analysis.store.frames.frame_to_blob`), everything else as
JSON. No pickle: a store file never runs code when it is read.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.facts import Facts, people_with
from analysis.metrics.balance import ModeBalance, ModeCounts
from analysis.metrics.cadence import AnalysedColumns, analysed_columns, analysed_frame
from analysis.metrics.graph import Structure
from analysis.occasions import occasions_from_people
from analysis.store.frames import arrays_from_blob, frame_from_blob, frame_to_blob, pack, unpack

FORMAT = 2
"""Version of this encoding; a blob of another version is never read."""

_INDEXED = ("reciprocity", "channels")
"""The per-person frames (indexed by person_id) kept as they are."""


def dumps(facts: Facts) -> bytes:
    """The day-independent part of ``facts`` (complete ones: see the module) as bytes."""
    edges, communities, measures = facts.structure
    given = {str(p) for p in facts.source_people["person_id"]}
    bare = sorted(set(facts.people["person_id"]) - given)  # ids only the interactions name
    blobs: dict[str, bytes] = {
        "edges": frame_to_blob(edges),
        "measures": _indexed_blob(measures),
        **{name: _indexed_blob(getattr(facts, name)) for name in _INDEXED},
        **_analysed_blobs(facts.prepared),
    }
    head = {
        "format": FORMAT,
        "me_card": facts.me_card,
        "selves": sorted(facts.selves),
        "bare": bare,
        "communities": [list(c) for c in communities],
        "roles": _roles_json(facts.roles),
        "card_roles": _roles_json(facts.card_roles),
        "index_kind": {
            name: _index_kind(frame.index)
            for name, frame in (
                ("measures", measures),
                *((name, getattr(facts, name)) for name in _INDEXED),
            )
        },
    }
    return pack(head, blobs)


def analysed_rows(data: bytes) -> pd.DataFrame:
    """The analysed rows of facts written by :func:`dumps` (the largest part of
    :func:`loads`, and the only one that does not need the people: read on a thread while the
    resolution is read, see :func:`analysis.pipeline.analysis_from_store`). Raises
    ``ValueError`` for another format."""
    return _analysed_from(unpack(data, "facts snapshot", FORMAT)[1])


def loads(data: bytes, people: pd.DataFrame, rows: pd.DataFrame | None = None) -> Facts:
    """The facts written by :func:`dumps` for ``people`` (the resolution's people frame they
    were made from), with the analysed rows (``rows`` when :func:`analysed_rows` read them
    already) but without the figures that depend on the day (empty:
    :func:`analysis.facts.keep_facts` makes them for the day asked for) and without the
    interactions they were analysed from (``raw``: ``keep_facts`` gives them). Raises
    ``ValueError`` for another format."""
    head, blobs = unpack(data, "facts snapshot", FORMAT)
    source_people = people
    people = people_with(people, set(head["bare"]))
    selves = frozenset(head["selves"])
    if selves:
        people = people.loc[~people["person_id"].isin(selves)].reset_index(drop=True)
    me_card = head["me_card"]
    if "related" in me_card:  # (type, name) pairs
        me_card["related"] = [tuple(r) for r in me_card["related"]]
    empty = pd.DataFrame()
    return Facts(
        people=people,
        me_card=me_card,
        prepared=_analysed_from(blobs) if rows is None else rows,
        stats=empty,
        card_roles=_roles_from(head["card_roles"]),
        roles=_roles_from(head["roles"]),
        reciprocity=_indexed_from(blobs["reciprocity"], head["index_kind"]["reciprocity"]),
        channels=_indexed_from(blobs["channels"], head["index_kind"]["channels"]),
        person_balance=empty,
        modes=ModeBalance(float("nan"), float("nan"), empty, ModeCounts(np.zeros(4), empty)),
        in_window=pd.Series(dtype="int64"),
        structure=tuple(
            Structure(
                frame_from_blob(blobs["edges"]),
                [list(c) for c in head["communities"]],
                _indexed_from(blobs["measures"], head["index_kind"]["measures"]),
            )
        ),
        occasions=occasions_from_people(people),
        source_people=source_people,
        selves=selves,
        rows=None,
        complete=True,
    )


_ANALYSED_DTYPES = {
    "pcode": "int32",
    "timestamp_ns": "int64",
    "channel": "int8",
    "direction": "int8",
    "event": "int32",
    "event_size": "int32",
    "duration_min": "float64",
}
"""The per-row arrays of the analysed rows as stored: narrow integers (a person or event code
fits 31 bits, a channel or direction code 7), the same values."""


def _analysed_blobs(prepared: pd.DataFrame) -> dict[str, bytes]:
    """The analysed rows (:func:`analysis.metrics.cadence.prepare`) as three Parquet blobs:
    the per-row arrays, the person ids their codes name and the event ids."""
    cols = analysed_columns(prepared)
    rows = pd.DataFrame(
        {name: getattr(cols, name).astype(dtype) for name, dtype in _ANALYSED_DTYPES.items()}
    )
    return {
        # lz4: a million rows decode in about 0.02 s, against 0.05-0.18 s as zstd (1.2x larger)
        "analysed": frame_to_blob(rows, compression="lz4"),
        "analysed_ids": frame_to_blob(pd.DataFrame({"id": cols.ids})),
        "analysed_events": frame_to_blob(pd.DataFrame({"id": cols.events})),
    }


def _analysed_from(blobs: dict[str, bytes]) -> pd.DataFrame:
    rows = arrays_from_blob(blobs["analysed"])
    return analysed_frame(
        AnalysedColumns(
            ids=frame_from_blob(blobs["analysed_ids"])["id"].to_numpy(dtype=object),
            events=frame_from_blob(blobs["analysed_events"])["id"].to_numpy(dtype=object),
            **{name: rows[name] for name in _ANALYSED_DTYPES},
        )
    )


def _index_kind(index: pd.Index) -> str:
    """How :func:`_indexed_from` rebuilds ``index``: ``range`` (a RangeIndex: an empty frame
    made without ids), ``object`` (ids of the object dtype) or ``text`` (pandas' own)."""
    if isinstance(index, pd.RangeIndex):
        return "range"
    return "object" if index.dtype == object else "text"


def _indexed_blob(frame: pd.DataFrame) -> bytes:
    """A frame indexed by person_id, the index kept as its first column."""
    if isinstance(frame.index, pd.RangeIndex):
        return frame_to_blob(frame)
    name = frame.index.name or "person_id"
    return frame_to_blob(frame.rename_axis(name).reset_index())


def _indexed_from(blob: bytes, kind: str) -> pd.DataFrame:
    frame = frame_from_blob(blob)
    if kind == "range":
        return frame
    first = frame.columns[0]
    ids = frame[first].to_numpy(dtype=object)
    index = (
        pd.Index(ids, dtype=object, name=first) if kind == "object" else pd.Index(ids, name=first)
    )
    return frame.drop(columns=first).set_axis(index, axis=0)


def _roles_json(roles: pd.Series) -> dict[str, Any]:
    """Roles per person (a Series of tuples) as JSON."""
    return {
        "name": roles.name,
        "index_name": roles.index.name,
        "ids": [str(p) for p in roles.index],
        "roles": [list(r) for r in roles],
    }


def _roles_from(data: dict[str, Any]) -> pd.Series:
    index = pd.Index(data["ids"], dtype=object, name=data["index_name"])
    return pd.Series(
        [tuple(r) for r in data["roles"]], index=index, name=data["name"], dtype=object
    )
