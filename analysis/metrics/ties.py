"""Tie strength in [0, 1]: a weighted mix of six components, each scaled to [0, 1].

Components (Granovetter 1973: time, emotional intensity, intimacy, reciprocal services; Gilbert
& Karahalios 2009: intensity, recency, duration, intimacy, structural and multiplexity signals):

* ``frequency``: ``log1p(f) / log1p(FREQ_SATURATION_PER_YEAR)``, capped at 1 (f = contact days
  per year, :mod:`analysis.metrics.cadence`);
* ``recency`` against the person's own rhythm: 1 while ``overdue_ratio <= 1``, then
  ``exp(-(ratio - 1))`` (twice the usual interval -> 0.37);
* ``richness``: mean ``CHANNEL_RICHNESS`` of the person's contact days, each day scored by its
  richest channel (in person > video > call > message > email > social);
* ``length``: ``log1p(years known) / log1p(LENGTH_SATURATION_YEARS)``, capped at 1;
* ``reciprocity``: ``1 - 2 * |initiated_share - 0.5|`` (balanced = 1, one-sided = 0), 0.5 when
  unknown;
* ``variety``: ``(distinct channels - 1) / (VARIETY_SATURATION - 1)``, capped at 1.

``tie_strength = sum(TIE_WEIGHTS[c] * component[c])``; a user's closeness rating r (1..5) wins:
``(r - 1) / 4``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.model import CHANNELS

COMPONENTS: tuple[str, ...] = tuple(C.TIE_WEIGHTS)


def channel_profile(prepared: pd.DataFrame) -> pd.DataFrame:
    """Per person: ``richness`` (mean over contact days of the day's richest channel score) and
    ``channels`` (number of distinct channels used, ``other`` not counted)."""
    rich = np.array([C.CHANNEL_RICHNESS[c] for c in CHANNELS])
    codes = prepared["channel"].cat.codes.to_numpy()
    score = np.where(codes >= 0, rich[np.clip(codes, 0, None)], C.CHANNEL_RICHNESS["other"])
    pc = prepared["pcode"].to_numpy()
    day = prepared["day"].to_numpy()
    cats = prepared["person_id"].cat.categories
    n = len(cats)
    if len(pc) == 0:
        return pd.DataFrame(
            {"richness": pd.Series(dtype="float64"), "channels": pd.Series(dtype="int64")},
            index=pd.Index([], dtype=object, name="person_id"),
        )
    bounds = np.flatnonzero(np.r_[True, (pc[1:] != pc[:-1]) | (day[1:] != day[:-1])])
    best = np.maximum.reduceat(score, bounds)
    day_p = pc[bounds]
    n_days = np.bincount(day_p, minlength=n)
    richness = np.bincount(day_p, weights=best, minlength=n) / np.where(n_days > 0, n_days, 1)
    other = CHANNELS.index("other")
    valid = (codes >= 0) & (codes != other)
    used = np.zeros((n, len(CHANNELS)), dtype=bool)
    used[pc[valid], codes[valid]] = True
    out = pd.DataFrame(
        {"richness": richness, "channels": used.sum(axis=1).astype("int64")},
        index=pd.Index(np.asarray(cats, dtype=object), name="person_id"),
    )
    return out.loc[n_days > 0]


def components(
    contacts_per_year: pd.Series,
    overdue_ratio: pd.Series,
    richness: pd.Series,
    years_known: pd.Series,
    initiated_share: pd.Series,
    channels: pd.Series,
) -> pd.DataFrame:
    """The six components in [0, 1], one column each, indexed like ``contacts_per_year``."""
    idx = contacts_per_year.index
    f = contacts_per_year.astype("float64").clip(lower=0)
    out = pd.DataFrame(index=idx)
    out["frequency"] = (np.log1p(f) / np.log1p(C.FREQ_SATURATION_PER_YEAR)).clip(upper=1.0)
    ratio = overdue_ratio.reindex(idx).astype("float64").fillna(np.inf)
    out["recency"] = np.exp(-(ratio - 1.0).clip(lower=0.0))
    out["richness"] = richness.reindex(idx).astype("float64").fillna(0.0).clip(0, 1)
    yrs = years_known.reindex(idx).astype("float64").fillna(0.0).clip(lower=0)
    out["length"] = (np.log1p(yrs) / np.log1p(C.LENGTH_SATURATION_YEARS)).clip(upper=1.0)
    share = initiated_share.reindex(idx).astype("float64")
    out["reciprocity"] = (1.0 - 2.0 * (share - 0.5).abs()).fillna(0.5)
    n = channels.reindex(idx).astype("float64").fillna(0.0)
    out["variety"] = ((n - 1.0) / (C.VARIETY_SATURATION - 1)).clip(0.0, 1.0)
    return out


def tie_strength(parts: pd.DataFrame, closeness: Mapping[str, int] | None = None) -> pd.Series:
    """Weighted sum of :func:`components` with ``TIE_WEIGHTS``; a user's rating wins."""
    score = sum(C.TIE_WEIGHTS[c] * parts[c] for c in COMPONENTS)
    score = pd.Series(score, index=parts.index, dtype="float64").clip(0.0, 1.0)
    lo, hi = C.CLOSENESS_SCALE
    for pid, r in (closeness or {}).items():
        if pid in score.index:
            score.at[pid] = (min(max(float(r), lo), hi) - lo) / (hi - lo)
    return score.rename("tie_strength")
