"""Each person's rhythm and status as of a date: frequency, gaps, expected interval, status.

Rules and constants are listed in docs/metrics.md (rule ids in brackets); constants live in
:mod:`analysis.constants`.

* a *contact day* is a UTC calendar day with at least one interaction with the person (fifty
  messages in one evening are one contact);
* a day's *weight* is ``1 / n`` for a day shared with n other people in one event (same
  ``event_id``: a group-chat day, a meeting, a rehearsal), 1 for a one-to-one day, the largest
  of its rows [G1]; someone with fewer than ``GROUP_ONLY_MAX_SHARE`` of their contact days
  one-to-one (every other day shared with others in an event) is *group-only* [G2]; *personal* days have an event of at most
  ``CONVERSATION_MAX_OTHERS`` others (or none);
* *frequency* ``contacts_per_year`` = contact days per year from first contact to the as-of date
  (at least ``MIN_SPAN_DAYS``), as before; ``recent_rate`` is the group-weighted, recency-weighted
  rate used for circles: ``365.25 * sum(w_i * 2^(-age_i / H)) / integral_0^span 2^(-a / H) da``
  with ``H = RECENCY_HALF_LIFE_DAYS``: a steady tie keeps its rate, a silent one decays, a new
  one is read at its current pace [R1];
* *rhythm*: the median of the gaps between contact days, each gap weighted by
  ``min(gap, GAP_WEIGHT_CAP_DAYS) * 2^(-age / H)`` (age = days from the gap's end to the as-of
  date): length weighting keeps bursts from making the rhythm a day, the cap and the recency
  weight keep a long pause years ago or history linked later from drowning the present [R2];
  ``n_recent_gaps`` is the recency-weighted number of gaps and ``q90_gap_days`` the
  recency-weighted 0.9 quantile of the gaps; the same is computed for in-person days and for
  screen days (``*_in_person``, ``*_screen``) [L1];
* *expected interval* ``tau = (n * rhythm + 3 * tau_prior) / (n + 3)`` with n the recent number
  of gaps, times ``FAMILY_TOLERANCE`` for kin; a user-set desired interval replaces it [U1];
* status [E1, L1, U1]: see :func:`status`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.model import CHANNEL_DTYPE, DIRECTION_DTYPE, MODE_DTYPE, text_codes

STATUSES: tuple[str, ...] = (
    "ok",
    "due",
    "overdue",
    "neglected",
    "dormant",
    "new",
    "occasional",
    "in_memory",
    "no_contact",
)
"""Every status a person can have; see :func:`status`."""

_DAY_NS = 86_400 * 10**9
_LN2 = float(np.log(2.0))


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
    categorical over the sorted ids that occur in those rows, ``pcode`` (its int codes),
    ``event_id`` as a categorical ("" = no event), ``day`` (int, days since 1970 in UTC),
    ``event_size`` (int: the number of distinct people sharing the row's event, 1 without an
    event) and ``duration_min`` (float, NaN when unknown). Input row order does not matter."""
    cols = ["person_id", "timestamp", "channel", "mode", "direction", "event_id"]
    has_dur = "duration_min" in interactions.columns
    cols += ["duration_min"] if has_dur else []
    known = interactions["person_id"].notna().to_numpy()
    # the columns alone (not copied) when every row has a person
    frame = interactions[cols] if known.all() else interactions.loc[known, cols]
    ts = pd.to_datetime(frame["timestamp"], utc=True)
    end = as_of + pd.Timedelta(days=1)
    keep = (ts < end).to_numpy() & ts.notna().to_numpy()
    if not keep.all():  # rows after the as-of date (or without a time) are left out
        frame = frame.loc[keep]
        ts = ts[keep]
    codes, uniques = _sorted_codes(frame["person_id"])
    ev_codes, ev_uniques = text_codes(frame["event_id"])  # "" and missing: no event
    micro = _microseconds(ts)
    channel = frame["channel"].astype(CHANNEL_DTYPE)
    direction = frame["direction"].astype(DIRECTION_DTYPE)
    ch = channel.cat.codes.to_numpy()
    di = direction.cat.codes.to_numpy()
    # event_id is not a sort key: rows tied on everything else give the same results either way
    # one int64 key for time (microseconds), channel and direction: 5 bits below 2^56
    minor = micro << 5
    minor += (ch.astype(np.int16) << 2) + di
    order = _sort_by_person_then(codes, minor, len(uniques))
    tsv = micro[order]
    tsv *= 1000  # nanoseconds, in the rows' order
    # the codes in that order, without gathering them: each person's block, in code order
    pcode = np.repeat(np.arange(len(uniques)), np.bincount(codes, minlength=len(uniques)))
    event = ev_codes[order]
    size = event_sizes(pcode, event, np.asarray(ev_uniques, dtype=object))  # any row order
    dur = (
        pd.to_numeric(frame["duration_min"], errors="coerce").to_numpy(dtype="float64")
        if has_dur
        else np.full(len(codes), np.nan)
    )
    return analysed_frame(
        AnalysedColumns(
            pcode=pcode,
            ids=uniques,
            timestamp_ns=tsv,
            channel=ch[order],
            direction=di[order],
            event=event,
            events=np.asarray(ev_uniques, dtype=object),
            event_size=size,
            duration_min=dur[order],
        )
    )


def _microseconds(ts: pd.Series) -> np.ndarray:
    """The UTC times of ``ts`` (a tz-aware column without missing values) as whole microseconds
    since 1970 (rounded down), as int64: the column's own integers when it holds microseconds
    (read, never written)."""
    i8 = ts.array.asi8
    unit = ts.dt.unit
    if unit == "us":
        return i8
    if unit == "ns":
        return i8 // 1000
    return i8 * (1000 if unit == "ms" else 1_000_000)


class AnalysedColumns(NamedTuple):
    """The analysed rows (:func:`prepare`) as plain arrays, in their order: ``pcode`` (codes
    into ``ids``, the person ids sorted as text), ``timestamp_ns`` (UTC nanoseconds),
    ``channel`` and ``direction`` (codes of :data:`~analysis.model.CHANNEL_DTYPE` and
    :data:`~analysis.model.DIRECTION_DTYPE`), ``event`` (codes into ``events``, "" = no
    event), ``event_size`` and ``duration_min``. The store keeps them so (no objects per row)."""

    pcode: np.ndarray
    ids: np.ndarray
    timestamp_ns: np.ndarray
    channel: np.ndarray
    direction: np.ndarray
    event: np.ndarray
    events: np.ndarray
    event_size: np.ndarray
    duration_min: np.ndarray


def analysed_columns(prepared: pd.DataFrame) -> AnalysedColumns:
    """The arrays :func:`analysed_frame` makes ``prepared`` (a :func:`prepare` frame) from."""
    return AnalysedColumns(
        pcode=prepared["pcode"].to_numpy(),
        ids=np.asarray(prepared["person_id"].cat.categories, dtype=object),
        timestamp_ns=prepared["timestamp"].array.asi8,
        channel=prepared["channel"].cat.codes.to_numpy(),
        direction=prepared["direction"].cat.codes.to_numpy(),
        event=prepared["event_id"].cat.codes.to_numpy(),
        events=np.asarray(prepared["event_id"].cat.categories, dtype=object),
        event_size=prepared["event_size"].to_numpy(),
        duration_min=prepared["duration_min"].to_numpy(),
    )


def analysed_frame(cols: AnalysedColumns) -> pd.DataFrame:
    """The frame :func:`prepare` returns, from its columns as arrays (:class:`AnalysedColumns`):
    the one place its columns and dtypes are made, for rows ordered here or read back."""
    pcode = np.asarray(cols.pcode).astype("int64", copy=False)
    tsv = np.asarray(cols.timestamp_ns).astype("int64", copy=False)
    ch = np.asarray(cols.channel).astype("int8", copy=False)
    return pd.DataFrame(
        {
            "person_id": pd.Categorical.from_codes(
                pcode, categories=pd.Index(np.asarray(cols.ids, dtype=object), dtype=object)
            ),
            "timestamp": pd.DatetimeIndex(tsv.view("datetime64[ns]")).tz_localize("UTC"),
            "channel": pd.Categorical.from_codes(ch, dtype=CHANNEL_DTYPE),
            "mode": pd.Categorical.from_codes((ch != 0).astype("int8"), dtype=MODE_DTYPE),
            "direction": pd.Categorical.from_codes(cols.direction, dtype=DIRECTION_DTYPE),
            "event_id": pd.Categorical.from_codes(
                cols.event, categories=pd.Index(np.asarray(cols.events, dtype=object))
            ),
            "pcode": pcode,
            "day": tsv // _DAY_NS,  # floor division: the UTC day, before 1970 too
            "event_size": np.asarray(cols.event_size).astype("int64", copy=False),
            "duration_min": np.asarray(cols.duration_min).astype("float64", copy=False),
        },
        copy=False,  # every column is made for it: copying a million rows again costs fresh memory
    )


def person_codes(person_id: pd.Series) -> pd.Series:
    """``person_id`` as a categorical of its ids as text, sorted (missing ids stay missing):
    the same ids, each hashed once, so that the steps that look them up (:func:`prepare`, the
    people with contact) read integer codes instead of hashing a million strings each. A
    categorical that already is one is returned as it is."""
    if isinstance(person_id.dtype, pd.CategoricalDtype):
        cats = np.asarray(person_id.cat.categories, dtype=object)
        if all(isinstance(c, str) for c in cats) and (cats[1:] > cats[:-1]).all():
            return person_id
        person_id = person_id.astype(object)
    codes, uniques = pd.factorize(person_id.to_numpy(dtype=object))
    # sorted as text; 1 and "1" become one id, as str() of each makes them
    text, inverse = np.unique(
        np.asarray([str(u) for u in uniques], dtype=object), return_inverse=True
    )
    codes = np.where(codes >= 0, inverse.reshape(-1)[np.maximum(codes, 0)], -1)
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=pd.Index(text, dtype=object)),
        index=person_id.index,
        name=person_id.name,
    )


def _sorted_codes(person_id: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``person_id`` (no missing values) over its distinct ids as text,
    sorted: ``(codes, ids)`` (:func:`person_codes`, narrowed to the ids that occur)."""
    pid = person_codes(person_id)
    cats = np.asarray(pid.cat.categories, dtype=object)
    raw = pid.cat.codes.to_numpy().astype("int64")
    used = np.flatnonzero(np.bincount(raw, minlength=len(cats)) > 0)
    remap = np.full(len(cats), -1, dtype="int64")
    remap[used] = np.arange(len(used))
    return remap[raw], cats[used]


def _sort_by_person_then(codes: np.ndarray, minor: np.ndarray, n: int) -> np.ndarray:
    """The order of ``np.lexsort((minor, codes))`` (by person code, then ``minor``; ``codes``
    in ``0..n-1``). When ``minor`` holds integers whose range fits beside the codes in 63 bits
    (the gaps between contact days), one stable sort of ``code << bits | minor - min``: five
    times as fast as two sorts on 280,000 gaps, where sorting the unordered gaps alone took
    most of the time. Otherwise two stable sorts: by ``minor`` (timsort, fast on the mostly
    time-ordered rows of an export), then by code (a radix sort when the codes fit 16 bits),
    about twice as fast as ``lexsort``."""
    if minor.dtype.kind in "iu" and len(minor):
        low = int(minor.min())
        bits = max((int(minor.max()) - low).bit_length(), 1)
        if bits + max(n - 1, 1).bit_length() <= 63:
            key = (codes.astype(np.int64) << bits) | (minor.astype(np.int64) - low)
            return np.argsort(key, kind="stable")
    first = np.argsort(minor, kind="stable")
    small = np.int16 if n < 2**15 else np.int32 if n < 2**31 else np.int64
    return first[np.argsort(codes[first].astype(small), kind="stable")]


def event_sizes(pcodes: np.ndarray, ev_codes: np.ndarray, ev_values: np.ndarray) -> np.ndarray:
    """Per row, the number of distinct people sharing its event (1 for rows without an event,
    i.e. event value ""). ``pcodes`` and ``ev_codes`` are int codes of the same rows."""
    n = len(pcodes)
    if n == 0:
        return np.zeros(0, dtype="int64")
    blank = np.flatnonzero(ev_values == "")
    has = np.ones(n, dtype=bool) if len(blank) == 0 else ev_codes != blank[0]
    if not has.any():
        return np.ones(n, dtype="int64")
    width = int(pcodes.max()) + 1
    pairs = np.unique(ev_codes[has].astype("int64") * width + pcodes[has].astype("int64"))
    per_event = np.bincount(pairs // width, minlength=len(ev_values))
    return np.where(has, per_event[ev_codes], 1).astype("int64")


def group_weight(event_size: np.ndarray | float) -> np.ndarray:
    """Weight of contact shared with ``event_size`` people: ``1 / n`` (rule G1,
    ``GROUP_WEIGHT_RULE``); 1 for one-to-one contact."""
    n = np.maximum(np.asarray(event_size, dtype="float64"), 1.0)
    return 1.0 / n


def duration_factor(minutes: np.ndarray) -> np.ndarray:
    """``1 + (minutes - 60) / 120`` clipped to [1, ``DURATION_MAX_FACTOR``]; 1 when unknown."""
    m = np.asarray(minutes, dtype="float64")
    f = 1.0 + (m - C.DURATION_NORM_MIN) / (2 * C.DURATION_NORM_MIN)
    return np.where(np.isnan(m), 1.0, np.clip(f, 1.0, C.DURATION_MAX_FACTOR))


def day_table(prepared: pd.DataFrame) -> dict[str, np.ndarray]:
    """One entry per (person, contact day), sorted by person then day, as numpy arrays:
    ``pcode``, ``day``, ``weight`` (largest group weight of the day's rows), ``time`` (weight
    times the duration factor), ``one_to_one`` (a row without a shared event), ``personal`` (a
    row with at most ``CONVERSATION_MAX_OTHERS`` people), ``offline`` (in person), ``online``
    (on screens), ``first_row`` (the position of the day's first row in ``prepared``)."""
    pc = prepared["pcode"].to_numpy()
    day = prepared["day"].to_numpy()
    if len(pc) == 0:
        z = np.zeros(0, dtype="int64")
        f = np.zeros(0, dtype="float64")
        b = np.zeros(0, dtype=bool)
        return {"pcode": z, "day": z, "weight": f, "time": f, "one_to_one": b, "personal": b,
                "offline": b, "online": b, "first_row": z}  # fmt: skip
    bounds = day_starts(prepared)
    size = prepared["event_size"].to_numpy()
    tw = group_weight(size) * duration_factor(prepared["duration_min"].to_numpy())
    # the day's largest group weight, one-to-one and personal flags all follow from its
    # smallest event (the weight 1/n falls as n grows); in person and on screen from how many
    # of its rows were in person
    smallest = np.minimum.reduceat(size, bounds)
    off = np.add.reduceat((prepared["mode"].cat.codes.to_numpy() == 0).astype("int64"), bounds)
    rows = np.diff(np.r_[bounds, len(pc)])
    return {
        "pcode": pc[bounds],
        "day": day[bounds],
        "weight": group_weight(smallest),
        "time": np.maximum.reduceat(tw, bounds),
        "one_to_one": smallest <= 1,
        "personal": smallest <= C.CONVERSATION_MAX_OTHERS,
        "offline": off > 0,
        "online": off < rows,
        "first_row": bounds,
    }


def day_starts(prepared: pd.DataFrame) -> np.ndarray:
    """The position of the first row of each (person, contact day) of the analysed rows
    ``prepared`` (:func:`prepare`: sorted by person, then time)."""
    pc = prepared["pcode"].to_numpy()
    day = prepared["day"].to_numpy()
    if len(pc) == 0:
        return np.zeros(0, dtype="int64")
    return np.flatnonzero(np.r_[True, (pc[1:] != pc[:-1]) | (day[1:] != day[:-1])])


def recency_weight(age_days: np.ndarray) -> np.ndarray:
    """``2^(-age / RECENCY_HALF_LIFE_DAYS)`` (rule R1)."""
    return np.exp2(-np.asarray(age_days, dtype="float64") / C.RECENCY_HALF_LIFE_DAYS)


def recent_rate(
    pcode: np.ndarray,
    day: np.ndarray,
    weight: np.ndarray,
    today: int,
    n: int,
    *,
    recency: np.ndarray | None = None,
) -> np.ndarray:
    """Recency-weighted contact days per year per person code (length ``n``; 0 without contact):
    ``365.25 * sum(w * 2^(-age/H)) / integral_0^S 2^(-a/H) da``, S = days from first contact to
    today (at least ``MIN_SPAN_DAYS``). A steady rate r reads r; silence makes it decay.
    ``recency``: :func:`recency_weight` of each day's age, when the caller has it."""
    if recency is None:
        recency = recency_weight(today - day)
    num = np.bincount(pcode, weights=weight * recency, minlength=n)
    first = np.full(n, today, dtype="int64")
    if len(pcode):
        np.minimum.at(first, pcode, day)
    span = np.maximum(today - first + 1, C.MIN_SPAN_DAYS).astype("float64")
    lam = _LN2 / C.RECENCY_HALF_LIFE_DAYS
    denom = (1.0 - np.exp(-lam * span)) / lam
    return num / denom * C.DAYS_PER_YEAR


def weighted_quantile(
    group: np.ndarray, values: np.ndarray, weights: np.ndarray, q: float, n: int
) -> np.ndarray:
    """Per group code 0..n-1, the smallest value whose cumulative weight (values ascending)
    reaches ``q`` of the group's total weight; NaN for groups without values or weight."""
    return weighted_quantiles(group, values, [(weights, q)], n)[0]


def weighted_quantiles(
    group: np.ndarray,
    values: np.ndarray,
    specs: Sequence[tuple[np.ndarray, float]],
    n: int,
) -> list[np.ndarray]:
    """:func:`weighted_quantile` for several (weights, q) pairs over one sort of the values."""
    outs = [np.full(n, np.nan) for _ in specs]
    if len(group) == 0:
        return outs
    order = _sort_by_person_then(group, values, n)
    g, v = group[order], values[order]
    start = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    reps = np.diff(np.r_[start, len(g)])
    codes = g[start]
    for out, (weights, q) in zip(outs, specs, strict=True):
        w = weights[order]
        total = np.bincount(g, weights=w, minlength=n)
        cum = np.cumsum(w)
        before = np.repeat(np.r_[0.0, cum[start[1:] - 1]], reps)
        hit = cum - before >= q * np.repeat(total[codes], reps) * (1 - 1e-12)
        # weights are finite and not negative, so within a group the cumulative weight only grows:
        # the hits are the group's last rows, and the first of them is found by counting them
        hits = np.add.reduceat(hit.view(np.int8), start)
        some = (hits > 0) & (total[codes] > 0)
        out[codes[some]] = v[(start + reps - hits)[some]]
    return outs


def rhythm(
    pcode: np.ndarray,
    day: np.ndarray,
    today: int,
    n: int,
    *,
    recency: np.ndarray | None = None,
    plain_median: bool = True,
) -> dict[str, np.ndarray]:
    """Rhythm figures per person code from sorted unique (pcode, day) arrays (rule R2):
    ``rhythm`` (recency- and length-weighted median gap), ``n_recent`` (recency-weighted number
    of gaps), ``q90`` (recency-weighted 0.9 quantile of gaps), ``n_gaps``, ``median`` (plain
    median gap; left out when not ``plain_median``), ``days`` (contact days), ``last`` (days
    since the last day; NaN without). ``recency``: :func:`recency_weight` of each day's age,
    when the caller has it."""
    same = pcode[1:] == pcode[:-1]
    gp = pcode[1:][same]
    whole = (day[1:] - day[:-1])[same]  # whole days: sorted in one pass by person and gap
    gap = whole.astype("float64")
    if recency is None:
        rw = recency_weight((today - day[1:][same]).astype("float64"))
    else:  # a gap's recency is that of the day that ends it
        rw = recency[1:][same]
    lw = np.minimum(gap, C.GAP_WEIGHT_CAP_DAYS) * rw
    last = np.full(n, np.nan)
    if len(pcode):
        np.fmax.at(last, pcode, day.astype("float64"))
    specs = [(lw, 0.5), (rw, C.OVERDUE_QUANTILE)]
    if plain_median:
        specs.append((np.ones(len(gp)), 0.5))
    found = weighted_quantiles(gp, whole, specs, n)
    out = {
        "rhythm": found[0],
        "n_recent": np.bincount(gp, weights=rw, minlength=n),
        "q90": found[1],
        "n_gaps": np.bincount(gp, minlength=n).astype("int64"),
        "days": np.bincount(pcode, minlength=n).astype("int64"),
        "last": today - last,
    }
    if plain_median:
        out["median"] = found[2]
    return out


def person_stats(
    prepared: pd.DataFrame, as_of: pd.Timestamp, days: dict[str, np.ndarray] | None = None
) -> pd.DataFrame:
    """Per-person history figures, indexed by person_id (only people with contact).
    ``days``: :func:`day_table` of ``prepared``, when the caller has it (it does not depend on
    the date).

    Columns: ``interactions`` (rows), ``contact_days``, ``first_contact``, ``last_contact``
    (Timestamps UTC), ``days_since`` (whole days from the last contact day to the as-of date),
    ``span_days`` (first contact day to as-of, at least ``MIN_SPAN_DAYS``), ``contacts_per_year``
    (contact days / span * 365.25), ``recent_rate`` (group- and recency-weighted contact days a
    year), ``time_rate`` (the same with durations), ``n_gaps``, ``median_gap_days`` (plain),
    ``rhythm_days`` (rule R2), ``n_recent_gaps``, ``q90_gap_days`` (NaN without gaps),
    ``one_to_one_days``, ``personal_days``, ``group_only`` (bool), ``in_person_days``,
    ``days_since_in_person``, ``rhythm_in_person``, ``n_recent_in_person``, ``q90_in_person``,
    ``rate_in_person``, ``screen_days``, ``days_since_screen``, ``rhythm_screen``,
    ``n_recent_screen``, ``q90_screen``, ``rate_screen``, ``days_known`` (days since first contact), ``recent_days`` and
    ``earlier_days`` (contact days in the last ``GROWING_WINDOW_DAYS`` and the window before),
    ``last_channel``.
    """
    today = day_number(as_of)
    pc = prepared["pcode"].to_numpy()
    cats = prepared["person_id"].cat.categories
    n = len(cats)
    if len(pc):
        # prepared is sorted by person then time: first and last rows of each person's block
        starts = np.flatnonzero(np.r_[True, pc[1:] != pc[:-1]])
        ends = np.r_[starts[1:], len(pc)] - 1
    else:
        starts = ends = np.zeros(0, dtype="int64")
    ts = prepared["timestamp"].array  # a DatetimeArray: taking rows keeps it (no Timestamps)
    day = prepared["day"].to_numpy()
    present = pc[starts]
    index = pd.Index(np.asarray(cats, dtype=object)[present], dtype=object, name="person_id")
    chan = prepared["channel"]
    cols: dict[str, object] = {
        "interactions": (ends - starts + 1).astype("int64"),
        "first_contact": pd.to_datetime(ts.take(starts), utc=True),
        "last_contact": pd.to_datetime(ts.take(ends), utc=True),
        "last_channel": np.asarray(chan.cat.categories, dtype=object)[
            chan.cat.codes.to_numpy()[ends]
        ],
    }
    first_day, last_day = day[starts], day[ends]
    d = day_table(prepared) if days is None else days
    dp, dd = d["pcode"], d["day"]
    recency = recency_weight(today - dd)
    allr = rhythm(dp, dd, today, n, recency=recency)
    contact = allr["days"][present]
    span = (today - first_day).astype("float64")
    span_days = np.maximum(span, C.MIN_SPAN_DAYS)
    one_to_one = np.bincount(dp, weights=d["one_to_one"], minlength=n)[present].astype("int64")
    cols.update(
        {
            "contact_days": contact,
            "days_since": (today - last_day).astype("float64"),
            "span_days": span_days,
            "days_known": span,
            "contacts_per_year": contact / span_days * C.DAYS_PER_YEAR,
            "recent_rate": recent_rate(dp, dd, d["weight"], today, n, recency=recency)[present],
            "time_rate": recent_rate(dp, dd, d["time"], today, n, recency=recency)[present],
            "n_gaps": allr["n_gaps"][present],
            "median_gap_days": allr["median"][present],
            "rhythm_days": allr["rhythm"][present],
            "n_recent_gaps": allr["n_recent"][present],
            "q90_gap_days": allr["q90"][present],
            "one_to_one_days": one_to_one,
            "personal_days": np.bincount(dp, weights=d["personal"], minlength=n)[present].astype(
                "int64"
            ),
            "group_only": one_to_one < C.GROUP_ONLY_MAX_SHARE * contact,
        }
    )
    for kind, mask in (("in_person", d["offline"]), ("screen", d["online"])):
        r = rhythm(dp[mask], dd[mask], today, n, recency=recency[mask], plain_median=False)
        days_col = "in_person_days" if kind == "in_person" else "screen_days"
        cols[days_col] = r["days"][present]
        cols[f"days_since_{kind}"] = r["last"][present]
        cols[f"rhythm_{kind}"] = r["rhythm"][present]
        cols[f"n_recent_{kind}"] = r["n_recent"][present]
        cols[f"q90_{kind}"] = r["q90"][present]
        cols[f"rate_{kind}"] = recent_rate(
            dp[mask], dd[mask], d["weight"][mask], today, n, recency=recency[mask]
        )[present]
    win = C.GROWING_WINDOW_DAYS
    recent = dd > today - win
    earlier = (dd > today - 2 * win) & ~recent
    cols["recent_days"] = np.bincount(dp, weights=recent, minlength=n)[present].astype("int64")
    cols["earlier_days"] = np.bincount(dp, weights=earlier, minlength=n)[present].astype("int64")
    out = pd.DataFrame(cols, index=index)
    return out


def gap_table(days: pd.DataFrame) -> pd.DataFrame:
    """Gaps between consecutive contact days: columns ``person_id``, ``gap`` (days, float)."""
    same = days["person_id"].to_numpy()[1:] == days["person_id"].to_numpy()[:-1]
    d = days["day"].to_numpy()
    gap = (d[1:] - d[:-1]).astype("float64")
    return pd.DataFrame(
        {"person_id": days["person_id"].iloc[1:][same].to_numpy(), "gap": gap[same]}
    )


def weighted_median_gap(gaps: pd.DataFrame) -> pd.Series:
    """Length-weighted median of each person's gaps (each gap weighted by its length capped at
    ``GAP_WEIGHT_CAP_DAYS``, no recency weight): the rhythm of :func:`rhythm` for a history
    that ends today. Indexed by person_id."""
    if gaps.empty:
        return pd.Series(dtype="float64")
    codes, uniq = pd.factorize(gaps["person_id"].to_numpy(dtype=object), sort=True)
    g = gaps["gap"].to_numpy(dtype="float64")
    med = weighted_quantile(codes, g, np.minimum(g, C.GAP_WEIGHT_CAP_DAYS), 0.5, len(uniq))
    return pd.Series(med, index=pd.Index(uniq, dtype=object, name="person_id"))


def expected_interval(
    stats: pd.DataFrame,
    circle: pd.Series,
    kin: pd.Series,
    desired: Mapping[str, float] | None = None,
    *,
    rhythm_col: str = "rhythm_days",
    n_col: str | None = None,
    prior: pd.Series | None = None,
) -> pd.Series:
    """Expected days between contacts per person (index of ``stats``) (rule R3).

    ``tau = (n * rhythm + k * tau_prior) / (n + k)``, ``k = SHRINK_PSEUDO_GAPS``, n the
    recency-weighted number of gaps (``n_recent_gaps``; ``n_gaps`` when absent); ``tau_prior``
    is ``prior`` (days) when given, else ``LAYER_TAU_DAYS`` of ``circle`` (outermost norm when
    unknown); times ``FAMILY_TOLERANCE`` where ``kin`` is true (Roberts & Dunbar 2011); a user's
    desired interval (person_id -> days) replaces the result. ``rhythm_col``/``n_col`` pick a
    channel kind's own figures.
    """
    if prior is None:
        layer = circle.reindex(stats.index).fillna(max(C.LAYER_TAU_DAYS)).astype("int64")
        tau_prior = layer.map(C.LAYER_TAU_DAYS).astype("float64")
    else:
        tau_prior = prior.reindex(stats.index).astype("float64")
    if n_col is None:
        n_col = "n_recent_gaps" if "n_recent_gaps" in stats.columns else "n_gaps"
    n = stats[n_col].astype("float64").fillna(0.0)
    rhythm_d = stats[rhythm_col].astype("float64").fillna(0.0)
    k = C.SHRINK_PSEUDO_GAPS
    tau = (n * rhythm_d + k * tau_prior) / (n + k)
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
    *,
    kinds: tuple[tuple[pd.Series, pd.Series, pd.Series, pd.Series], ...] = (),
    evidence: pd.Series | None = None,
    new: pd.Series | None = None,
    growing: pd.Series | None = None,
    group_only: pd.Series | None = None,
    household: pd.Series | None = None,
    in_memory: pd.Series | None = None,
    desired: pd.Series | None = None,
) -> pd.DataFrame:
    """``overdue_ratio``, ``status`` and ``lapsed_kinds`` per person (index of ``days_since``).

    Base rule (one channel kind): ``ok`` when dt <= tau; ``due`` when dt > DUE_FACTOR * tau;
    ``overdue`` when dt > max(OVERDUE_FACTOR * tau, Q90(g)); ``neglected`` when overdue, in an
    intimate layer and dt > NEGLECTED_FACTOR * tau; ``no_contact`` when dt is NaN.

    The keyword inputs (all optional, Series over the same index) refine it, in this order:
    ``in_memory`` -> ``in_memory``; ``desired`` (bool: a user-set interval) -> the base rule on
    that interval alone, neglected in any circle (rule U1); without ``evidence`` -> ``new``
    (where ``new``) or ``occasional`` (rule E1); silent longer than ``DORMANT_DAYS`` ->
    ``dormant``; ``kinds``: extra (days_since, tau, q90, usual) per channel kind (in person, on
    screens): a lapse must hold in every usual kind, so a person met monthly and messaged weekly
    is not overdue while the meetings go on (rule L1); ``overdue_ratio`` is the smallest ratio
    over the usual kinds; ``group_only`` people who lapse are ``dormant`` (rule G3); a
    ``growing`` tie or a ``household`` member is never neglected, and household is never
    overdue (rules E2, H2).
    """
    idx = days_since.index
    dt = days_since.astype("float64")
    tau = tau.reindex(idx).astype("float64")
    q90 = q90_gap.reindex(idx).fillna(0.0).astype("float64")

    def flag(s: pd.Series | None, default: bool = False) -> np.ndarray:
        if s is None:
            return np.full(len(idx), default)
        return s.reindex(idx).fillna(default).astype(bool).to_numpy()

    ratio = (dt / tau).to_numpy(copy=True)
    due = (dt > C.DUE_FACTOR * tau).to_numpy(copy=True)
    over = (dt > np.maximum(C.OVERDUE_FACTOR * tau, q90)).to_numpy(copy=True)
    negl = over & (dt > C.NEGLECTED_FACTOR * tau).to_numpy()
    wanted = flag(desired)
    plain_over = (dt > C.OVERDUE_FACTOR * tau).to_numpy()
    plain_negl = (dt > C.NEGLECTED_FACTOR * tau).to_numpy()
    n_lapsed = np.zeros(len(idx), dtype="int64")
    for k_dt, k_tau, k_q90, k_usual in kinds:
        kd = k_dt.reindex(idx).astype("float64")
        kt = k_tau.reindex(idx).astype("float64")
        kq = k_q90.reindex(idx).fillna(0.0).astype("float64")
        use = flag(k_usual)
        kr = (kd / kt).to_numpy()
        ratio = np.where(use, np.fmin(ratio, kr), ratio)
        k_due = (kd > C.DUE_FACTOR * kt).to_numpy()
        k_over = (kd > np.maximum(C.OVERDUE_FACTOR * kt, kq)).to_numpy()
        k_negl = k_over & (kd > C.NEGLECTED_FACTOR * kt).to_numpy()
        due &= ~use | k_due
        over &= ~use | k_over
        negl &= ~use | k_negl
        n_lapsed += use & k_over
    # a user-set interval is the user's word: it alone decides
    ratio = np.where(wanted, (dt / tau).to_numpy(), ratio)
    due = np.where(wanted, (dt > C.DUE_FACTOR * tau).to_numpy(), due)
    over = np.where(wanted, plain_over, over)
    inner = circle.reindex(idx).isin(list(C.INTIMATE_LAYERS)).fillna(False).to_numpy(dtype=bool)
    negl = np.where(wanted, plain_negl, negl & inner & ~flag(growing))
    house = flag(household)
    negl &= ~house
    over &= ~house | wanted
    short = ~flag(evidence, True) & ~wanted
    dormant = (dt > C.DORMANT_DAYS).to_numpy() & ~wanted & ~house
    lapsed_group = flag(group_only) & over & ~wanted
    st = np.select(
        [
            dt.isna().to_numpy(),
            flag(in_memory),
            short & flag(new),
            short,
            dormant | lapsed_group,
            negl,
            over,
            due,
        ],
        ["no_contact", "in_memory", "new", "occasional", "dormant", "neglected", "overdue", "due"],
        default="ok",
    )
    return pd.DataFrame(
        {
            "overdue_ratio": pd.Series(ratio, index=idx, dtype="float64"),
            "status": pd.Series(st, index=idx, dtype=object),
        }
    )
