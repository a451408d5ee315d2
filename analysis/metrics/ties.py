"""Tie strength in [0, 1]: a weighted mix of seven components, each scaled to [0, 1] (rule T1
in docs/metrics.md).

Components (Granovetter 1973: time, emotional intensity, intimacy, reciprocal services; Marsden &
Campbell 1984: closeness is the best indicator, frequency and duration are inflated by work and
neighbourhood contact; Gilbert & Karahalios 2009: intensity, recency, duration, intimacy,
multiplexity; Hall 2019: closeness grows with hours together):

* ``time``: ``log1p(t) / log1p(FREQ_SATURATION_PER_YEAR)``, capped at 1, t = recent contact
  days a year weighted by group size (a day with n others weighs 1/n) and by duration where
  known (:mod:`analysis.metrics.cadence`); halved (``WORK_TIME_DISCOUNT``) for people whose only
  roles are work / neighbour / club;
* ``one_to_one``: the share of contact days with one-to-one contact (not in a shared event);
* ``richness``: mean ``CHANNEL_RICHNESS`` of the person's contact days, each day scored by its
  richest channel (in person > video > call > message > email > social);
* ``reciprocity``: ``1 - 2 * |initiated_share - 0.5|`` (balanced = 1, one-sided = 0), 0.5 when
  unknown;
* ``length``: ``log1p(years known) / log1p(LENGTH_SATURATION_YEARS)``, capped at 1;
* ``recency`` against the person's own rhythm (never against a user-set interval): 1 while the
  lapse ratio is <= 1, then ``exp(-(ratio - 1))``;
* ``variety``: ``(distinct channels - 1) / (VARIETY_SATURATION - 1)``, capped at 1.

``tie_strength = sum(TIE_WEIGHTS[c] * component[c])``; a user's closeness rating r (1..5) can
only raise it: ``max(strength, (r - 1) / 4)`` (rule U2).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.metrics.cadence import day_starts
from analysis.model import CHANNELS

COMPONENTS: tuple[str, ...] = tuple(C.TIE_WEIGHTS)


def channel_profile(
    prepared: pd.DataFrame, days: dict[str, np.ndarray] | None = None
) -> pd.DataFrame:
    """Per person: ``richness`` (mean over contact days of the day's richest channel score) and
    ``channels`` (number of distinct channels used, ``other`` not counted). ``days``:
    :func:`analysis.metrics.cadence.day_table` of ``prepared``, when the caller has it."""
    # the last entry: a missing channel (code -1) scores as "other"
    rich = np.array([C.CHANNEL_RICHNESS[c] for c in CHANNELS] + [C.CHANNEL_RICHNESS["other"]])
    codes = prepared["channel"].cat.codes.to_numpy()
    score = rich[codes]
    pc = prepared["pcode"].to_numpy()
    cats = prepared["person_id"].cat.categories
    n = len(cats)
    if len(pc) == 0:
        return pd.DataFrame(
            {"richness": pd.Series(dtype="float64"), "channels": pd.Series(dtype="int64")},
            index=pd.Index([], dtype=object, name="person_id"),
        )
    bounds = day_starts(prepared) if days is None else days["first_row"]
    best = np.maximum.reduceat(score, bounds)
    day_p = pc[bounds]
    n_days = np.bincount(day_p, minlength=n)
    richness = np.bincount(day_p, weights=best, minlength=n) / np.where(n_days > 0, n_days, 1)
    other = CHANNELS.index("other")
    valid = (codes >= 0) & (codes != other)
    width = len(CHANNELS)
    used = np.bincount(pc[valid] * width + codes[valid], minlength=n * width).reshape(n, width)
    out = pd.DataFrame(
        {"richness": richness, "channels": (used > 0).sum(axis=1).astype("int64")},
        index=pd.Index(np.asarray(cats, dtype=object), dtype=object, name="person_id"),
    )
    return out.loc[n_days > 0]


def components(
    time_rate: pd.Series,
    overdue_ratio: pd.Series,
    richness: pd.Series,
    years_known: pd.Series,
    initiated_share: pd.Series,
    channels: pd.Series,
    *,
    one_to_one_share: pd.Series | None = None,
    work_only: pd.Series | None = None,
) -> pd.DataFrame:
    """The seven components in [0, 1], one column each (``COMPONENTS`` order), indexed like
    ``time_rate`` (recent, group- and duration-weighted contact days a year). ``one_to_one_share``
    defaults to 1 (no events known), ``work_only`` (bool) halves the time component."""
    idx = time_rate.index
    f = time_rate.astype("float64").fillna(0.0).clip(lower=0)
    out = pd.DataFrame(index=idx)
    t = (np.log1p(f) / np.log1p(C.FREQ_SATURATION_PER_YEAR)).clip(upper=1.0)
    if work_only is not None:
        w = work_only.reindex(idx).fillna(False).astype(bool)
        t = t.where(~w, t * C.WORK_TIME_DISCOUNT)
    out["time"] = t
    if one_to_one_share is None:
        out["one_to_one"] = 1.0
    else:
        out["one_to_one"] = one_to_one_share.reindex(idx).astype("float64").fillna(0.0).clip(0, 1)
    out["richness"] = richness.reindex(idx).astype("float64").fillna(0.0).clip(0, 1)
    share = initiated_share.reindex(idx).astype("float64")
    out["reciprocity"] = (1.0 - 2.0 * (share - 0.5).abs()).fillna(0.5)
    yrs = years_known.reindex(idx).astype("float64").fillna(0.0).clip(lower=0)
    out["length"] = (np.log1p(yrs) / np.log1p(C.LENGTH_SATURATION_YEARS)).clip(upper=1.0)
    ratio = overdue_ratio.reindex(idx).astype("float64").fillna(np.inf)
    out["recency"] = np.exp(-(ratio - 1.0).clip(lower=0.0))
    n = channels.reindex(idx).astype("float64").fillna(0.0)
    out["variety"] = ((n - 1.0) / (C.VARIETY_SATURATION - 1)).clip(0.0, 1.0)
    return out[list(COMPONENTS)]


def tie_strength(parts: pd.DataFrame, closeness: Mapping[str, int] | None = None) -> pd.Series:
    """Weighted sum of :func:`components` with ``TIE_WEIGHTS``; a user's rating r (1..5) can
    only raise it to ``(r - 1) / 4`` (never lowers it)."""
    score = sum(C.TIE_WEIGHTS[c] * parts[c] for c in COMPONENTS)
    score = pd.Series(score, index=parts.index, dtype="float64").clip(0.0, 1.0)
    lo, hi = C.CLOSENESS_SCALE
    for pid, r in (closeness or {}).items():
        if pid in score.index:
            rated = (min(max(float(r), lo), hi) - lo) / (hi - lo)
            score.at[pid] = max(float(score.at[pid]), rated)
    return score.rename("tie_strength")
