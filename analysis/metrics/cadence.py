"""Each person's rhythm and status as of a date: frequency, gaps, expected interval, overdue.

Definitions (DESIGN.md, Metrics; constants in :mod:`analysis.constants`):

* a *contact day* is a UTC calendar day with at least one interaction with the person (fifty
  messages in one evening are one contact, so chat bursts do not inflate anything);
* *gaps* ``g`` are the day differences between consecutive contact days;
* *frequency* ``f`` = contact days per year over the relationship's span. DESIGN.md takes the span
  from first to last contact; here it runs from first contact to the as-of date (at least
  ``MIN_SPAN_DAYS``). Why: with first-to-last, two calls five years ago 30 days apart read as 24
  contacts a year and put a long-silent acquaintance in the sympathy group; counting the silence
  since makes frequency describe the relationship as it stands. Regular ties barely change.
* *rhythm*: the **length-weighted median gap**, i.e. the gap length that half of the person's
  inter-contact *time* is spent in (the inspection-paradox view: from a random day, how long is the
  silence you are in?). For regular contact it equals the plain median (weekly -> 7 days); for a
  bursty history (a week of daily chat, then two months of quiet, repeated) the plain median is
  1 day and would make the person overdue after two days, while the length-weighted median is the
  two-month gap. This is how "bursty histories must not make everyone overdue" is met.
* *expected interval* ``tau = (n * rhythm + 3 * tau_layer) / (n + 3)`` with ``n`` gaps (shrunk
  toward the layer's norm when there is little history), times ``FAMILY_TOLERANCE`` for family and
  partners; a user-set desired interval replaces it.
* ``overdue_ratio = days_since / tau``; status ``ok`` (dt <= tau), ``due`` (dt > tau),
  ``overdue`` (dt > max(1.5 tau, Q90(g))), ``neglected`` (overdue, intimate layer, dt > 2 tau),
  ``no_contact`` (no interaction at all).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.model import CHANNEL_DTYPE, DIRECTION_DTYPE, MODE_DTYPE

STATUSES: tuple[str, ...] = ("ok", "due", "overdue", "neglected", "no_contact")

_DAY_NS = 86_400 * 10**9


def as_of_timestamp(as_of: object | None) -> pd.Timestamp:
    """The as-of date as a UTC midnight Timestamp; ``None`` means today's UTC date."""
    if as_of is None:
        return pd.Timestamp.now(tz="UTC").normalize()
    ts = pd.Timestamp(as_of)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.normalize()


def day_number(ts: pd.Timestamp) -> int:
    """Days since 1970-01-01 of a UTC timestamp's date."""
    return int(ts.value // _DAY_NS)


def prepare(interactions: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The analysed interactions: rows with a person_id and a timestamp on or before the as-of
    date, sorted by person, time, channel, direction and event, with ``person_id`` as a
    categorical over the sorted ids, ``pcode`` (its int codes), ``event_id`` as a categorical
    ("" = no event) and ``day`` (int, days since 1970 in UTC). Input row order does not matter."""
    cols = ["person_id", "timestamp", "channel", "mode", "direction", "event_id"]
    frame = interactions.loc[interactions["person_id"].notna(), cols]
    ts = pd.to_datetime(frame["timestamp"], utc=True)
    end = as_of + pd.Timedelta(days=1)
    keep = (ts < end).to_numpy() & ts.notna().to_numpy()
    frame = frame.loc[keep]
    ts = ts[keep]
    codes, uniques = pd.factorize(frame["person_id"].to_numpy(dtype=object), sort=True)
    uniques = np.asarray([str(u) for u in uniques], dtype=object)
    ev_codes, ev_uniques = pd.factorize(frame["event_id"].fillna("").to_numpy(dtype=object))
    tsv = ts.dt.tz_convert(None).to_numpy().astype("datetime64[ns]").astype("int64")
    channel = frame["channel"].astype(CHANNEL_DTYPE)
    direction = frame["direction"].astype(DIRECTION_DTYPE)
    ch = channel.cat.codes.to_numpy()
    di = direction.cat.codes.to_numpy()
    # event_id is not a sort key: rows tied on everything else give the same results either way
    # one int64 key for time (microseconds), channel and direction: 5 bits below 2^56
    minor = ((tsv // 1000) << 5) + (ch.astype("int64") << 2) + di.astype("int64")
    order = np.lexsort((minor, codes))
    out = pd.DataFrame(
        {
            "person_id": pd.Categorical.from_codes(
                codes[order], categories=pd.Index(uniques, dtype=object)
            ),
            "timestamp": pd.DatetimeIndex(tsv[order].view("datetime64[ns]")).tz_localize("UTC"),
            "channel": pd.Categorical.from_codes(ch[order], dtype=CHANNEL_DTYPE),
            "mode": pd.Categorical.from_codes((ch[order] != 0).astype("int8"), dtype=MODE_DTYPE),
            "direction": pd.Categorical.from_codes(di[order], dtype=DIRECTION_DTYPE),
            "event_id": pd.Categorical.from_codes(
                ev_codes[order], categories=pd.Index(np.asarray(ev_uniques, dtype=object))
            ),
        }
    )
    out["pcode"] = codes[order].astype("int64")
    out["day"] = tsv[order].astype("datetime64[ns]").astype("datetime64[D]").astype("int64")
    return out


def contact_days(prepared: pd.DataFrame) -> pd.DataFrame:
    """Unique (person_id, day) pairs of :func:`prepare`'s output, sorted by person then day."""
    pc = prepared["pcode"].to_numpy()
    day = prepared["day"].to_numpy()
    keep = np.ones(len(pc), dtype=bool)
    keep[1:] = (pc[1:] != pc[:-1]) | (day[1:] != day[:-1])  # prepared is sorted by person, time
    return prepared.loc[keep, ["person_id", "pcode", "day"]].reset_index(drop=True)


def person_stats(prepared: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per-person history figures, indexed by person_id (only people with contact).

    Columns: ``interactions`` (rows), ``contact_days``, ``first_contact``, ``last_contact``
    (Timestamps UTC), ``days_since`` (whole days from the last contact day to the as-of date),
    ``span_days`` (first contact day to as-of, at least ``MIN_SPAN_DAYS``), ``contacts_per_year``
    (contact days / span * 365.25), ``n_gaps``, ``median_gap_days``, ``rhythm_days``
    (length-weighted median gap), ``q90_gap_days`` (NaN without gaps), ``last_channel``.
    """
    today = day_number(as_of)
    pc = prepared["pcode"].to_numpy()
    cats = prepared["person_id"].cat.categories
    if len(pc):
        # prepared is sorted by person then time: first and last rows of each person's block
        starts = np.flatnonzero(np.r_[True, pc[1:] != pc[:-1]])
        ends = np.r_[starts[1:], len(pc)] - 1
    else:
        starts = ends = np.zeros(0, dtype="int64")
    ts = prepared["timestamp"]
    day = prepared["day"].to_numpy()
    out = pd.DataFrame(
        {
            "interactions": (ends - starts + 1).astype("int64"),
            "first_contact": ts.iloc[starts].to_numpy(),
            "last_contact": ts.iloc[ends].to_numpy(),
            "first_day": day[starts],
            "last_day": day[ends],
            "last_channel": np.asarray(prepared["channel"].cat.categories, dtype=object)[
                prepared["channel"].cat.codes.to_numpy()[ends]
            ],
        },
        index=pd.CategoricalIndex(
            pd.Categorical.from_codes(pc[starts], categories=cats), name="person_id"
        ),
    )
    out["first_contact"] = pd.to_datetime(out["first_contact"], utc=True)
    out["last_contact"] = pd.to_datetime(out["last_contact"], utc=True)
    days = contact_days(prepared)
    out["contact_days"] = days.groupby("person_id", observed=True).size()
    out["days_since"] = (today - out["last_day"]).astype("float64")
    span = (today - out["first_day"]).astype("float64")
    out["span_days"] = span.clip(lower=C.MIN_SPAN_DAYS)
    out["contacts_per_year"] = out["contact_days"] / out["span_days"] * C.DAYS_PER_YEAR
    gaps = gap_table(days)
    gg = gaps.groupby("person_id", observed=True)
    out["n_gaps"] = gg.size().reindex(out.index, fill_value=0).astype("int64")
    out["median_gap_days"] = gg["gap"].median().reindex(out.index)
    out["q90_gap_days"] = gg["gap"].quantile(C.OVERDUE_QUANTILE).reindex(out.index)
    out["rhythm_days"] = weighted_median_gap(gaps).reindex(out.index)
    out.index.name = "person_id"
    out.index = out.index.astype(object)
    return out.drop(columns=["first_day", "last_day"])


def gap_table(days: pd.DataFrame) -> pd.DataFrame:
    """Gaps between consecutive contact days: columns ``person_id``, ``gap`` (days, float)."""
    same = days["person_id"].to_numpy()[1:] == days["person_id"].to_numpy()[:-1]
    d = days["day"].to_numpy()
    gap = (d[1:] - d[:-1]).astype("float64")
    return pd.DataFrame(
        {"person_id": days["person_id"].iloc[1:][same].to_numpy(), "gap": gap[same]}
    )


def weighted_median_gap(gaps: pd.DataFrame) -> pd.Series:
    """Length-weighted median of each person's gaps: the smallest gap ``x`` such that gaps of
    length <= x cover at least half of the person's total gap time. Indexed by person_id."""
    if gaps.empty:
        return pd.Series(dtype="float64")
    srt = gaps.sort_values(["person_id", "gap"], kind="stable")
    grp = srt.groupby("person_id", observed=True)["gap"]
    share = grp.cumsum() / grp.transform("sum")
    hit = srt.loc[share.to_numpy() >= 0.5 - 1e-12]
    return hit.groupby("person_id", observed=True)["gap"].first()


def expected_interval(
    stats: pd.DataFrame,
    circle: pd.Series,
    kin: pd.Series,
    desired: Mapping[str, float] | None = None,
) -> pd.Series:
    """Expected days between contacts per person (index of ``stats``).

    ``tau = (n * rhythm + k * tau_layer) / (n + k)``, ``k = SHRINK_PSEUDO_GAPS``, ``tau_layer``
    from ``LAYER_TAU_DAYS`` by ``circle`` (outermost norm when the circle is unknown); times
    ``FAMILY_TOLERANCE`` where ``kin`` is true (Roberts & Dunbar 2011); a user's desired interval
    (person_id -> days) replaces the result.
    """
    layer = circle.reindex(stats.index).fillna(max(C.LAYER_TAU_DAYS)).astype("int64")
    tau_layer = layer.map(C.LAYER_TAU_DAYS).astype("float64")
    n = stats["n_gaps"].astype("float64")
    rhythm = stats["rhythm_days"].fillna(0.0)
    k = C.SHRINK_PSEUDO_GAPS
    tau = (n * rhythm + k * tau_layer) / (n + k)
    tau = tau.clip(lower=1.0)
    tol = np.where(kin.reindex(stats.index).fillna(False).astype(bool), C.FAMILY_TOLERANCE, 1.0)
    tau = tau * tol
    if desired:
        wanted = pd.Series(dict(desired), dtype="float64").reindex(stats.index)
        tau = wanted.where(wanted.notna() & (wanted > 0), tau)
    return tau.rename("expected_interval_days")


def status(
    days_since: pd.Series,
    tau: pd.Series,
    q90_gap: pd.Series,
    circle: pd.Series,
) -> pd.DataFrame:
    """``overdue_ratio`` and ``status`` per person (index of ``days_since``).

    ``ok`` when dt <= tau; ``due`` when dt > DUE_FACTOR * tau; ``overdue`` when dt >
    max(OVERDUE_FACTOR * tau, Q90(g)); ``neglected`` when overdue, in an intimate layer and
    dt > NEGLECTED_FACTOR * tau; ``no_contact`` when dt is NaN (never in touch).
    """
    dt = days_since.astype("float64")
    tau = tau.reindex(dt.index).astype("float64")
    q90 = q90_gap.reindex(dt.index).fillna(0.0).astype("float64")
    ratio = dt / tau
    inner = circle.reindex(dt.index).isin(list(C.INTIMATE_LAYERS)).to_numpy()
    due = (dt > C.DUE_FACTOR * tau).to_numpy()
    overdue = (dt > np.maximum(C.OVERDUE_FACTOR * tau, q90)).to_numpy()
    neglected = overdue & inner & (dt > C.NEGLECTED_FACTOR * tau).to_numpy()
    st = np.select(
        [dt.isna().to_numpy(), neglected, overdue, due],
        ["no_contact", "neglected", "overdue", "due"],
        default="ok",
    )
    return pd.DataFrame(
        {"overdue_ratio": ratio, "status": pd.Series(st, index=dt.index, dtype=object)}
    )
