"""An :class:`analysis.engine.Analysis` as bytes and back, so the store can keep the last one.

A restart on the same day, with the same data and edits, then draws the dashboard without
recomputing anything. Frames are stored as Parquet (:func:`analysis.store.frames.frame_to_blob`),
the person-person edges among them; the ego graph is built from the people and the edges when
it is first used, as after a fresh analysis. No pickle: a store file never runs code when it is read.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from analysis.engine import Analysis
from analysis.metrics.balance import Balance
from analysis.metrics.explain import ReasonInputs
from analysis.metrics.outside import Outside
from analysis.report import plain
from analysis.store.frames import frame_from_blob, frame_to_blob, pack, unpack

FORMAT = 3
"""Version of this encoding; part of the cache key, so an older snapshot is never read (3: the
reasons are written when asked for, from the edits kept as ``reason_inputs``)."""


def dumps(analysis: Analysis) -> bytes:
    """The analysis as bytes (a JSON header followed by the Parquet blobs of its frames)."""
    frames = {
        "people": analysis.people,
        "edges": analysis.edges,
        "suggestions": analysis.suggestions,
        "balance.monthly": analysis.balance.monthly,
        "balance.by_circle": analysis.balance.by_circle,
        "balance.screen_only": analysis.balance.screen_only,
        "outside.weak_active": analysis.outside.weak_active,
        "outside.weak_fading": analysis.outside.weak_fading,
    }
    blobs = {name: frame_to_blob(frame) for name, frame in frames.items()}
    head = {
        "format": FORMAT,
        "as_of": analysis.as_of.isoformat(),
        "window_days": analysis.window_days,
        "balance": {
            "window_days": analysis.balance.window_days,
            "offline_share": _num(analysis.balance.offline_share),
            "trend": _num(analysis.balance.trend),
        },
        "outside": {
            "roles_covered": plain(analysis.outside.roles_covered),
            "roles_missing": list(analysis.outside.roles_missing),
        },
        "communities": [list(c) for c in analysis.communities],
        "reason_inputs": {
            f.name: sorted(getattr(analysis.reason_inputs, f.name))
            for f in dataclasses.fields(ReasonInputs)
        },
    }
    return pack(head, blobs)


def _num(x: Any) -> float | None:
    """A float kept exactly (JSON round-trips doubles), None for NaN."""
    return None if x is None or pd.isna(x) else float(x)


def loads(data: bytes) -> Analysis:
    """The analysis written by :func:`dumps`. Raises ``ValueError`` for another format."""
    head, blobs = unpack(data, "analysis snapshot", FORMAT)
    frames = {name: frame_from_blob(blob) for name, blob in blobs.items()}
    bal, out = head["balance"], head["outside"]
    return Analysis(
        as_of=pd.Timestamp(head["as_of"]),
        window_days=head["window_days"],
        people=frames["people"],
        balance=Balance(
            window_days=bal["window_days"],
            offline_share=float("nan") if bal["offline_share"] is None else bal["offline_share"],
            trend=float("nan") if bal["trend"] is None else bal["trend"],
            monthly=frames["balance.monthly"],
            by_circle=frames["balance.by_circle"],
            screen_only=frames["balance.screen_only"],
        ),
        outside=Outside(
            roles_covered=dict(out["roles_covered"]),
            roles_missing=list(out["roles_missing"]),
            weak_active=frames["outside.weak_active"],
            weak_fading=frames["outside.weak_fading"],
        ),
        edges=frames["edges"],
        communities=[list(c) for c in head["communities"]],
        suggestions=frames["suggestions"],
        reason_inputs=ReasonInputs(
            **{name: frozenset(ids) for name, ids in head["reason_inputs"].items()}
        ),
    )
