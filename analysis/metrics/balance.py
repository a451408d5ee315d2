"""Online versus offline balance: overall, per person, per circle, monthly, and who has gone
screen-only.

The unit is the **person-day by mode**: a day with in-person contact with someone counts once as
offline, a day with any screen contact with them counts once as online (a day with both counts
once each). Counting raw rows would let one evening of chat messages outweigh a month of weekly
dinners. ``offline_share = offline / (offline + online)``.

*Screen-only* (Teo et al. 2015: in-person contact, not phone or e-mail, predicted lower depression
two years on): an intimate-circle person with online contact in the last ``SCREEN_ONLY_DAYS`` days
and no in-person contact in that time (or ever).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.metrics.cadence import day_number, day_table


@dataclass
class Balance:
    """Balance figures as of a date.

    ``window_days``; ``offline_share`` in the window (NaN without contact); ``trend`` = that
    share minus the share in the window before (NaN when either is empty); ``monthly``: columns
    ``month`` (Timestamp UTC, month start), ``offline``, ``online``, ``offline_share``;
    ``by_circle``: ``circle, offline, online, offline_share`` (in the window); ``screen_only``:
    ``person_id, name, circle, days_since_in_person (NaN = never), messages_in_window``.
    """

    window_days: int
    offline_share: float
    trend: float
    monthly: pd.DataFrame
    by_circle: pd.DataFrame
    screen_only: pd.DataFrame


def mode_days(prepared: pd.DataFrame) -> pd.DataFrame:
    """Unique (person_id, day, offline) rows: one per person-day and mode, sorted by person, day,
    online before offline. Vectorised over the (person, day) runs of the sorted frame."""
    pc = prepared["pcode"].to_numpy()
    day = prepared["day"].to_numpy()
    offline = (prepared["mode"].cat.codes.to_numpy() == 0).astype("int8")
    if len(pc) == 0:
        return pd.DataFrame(
            {
                "person_id": prepared["person_id"].iloc[:0].to_numpy(),
                "day": day[:0],
                "offline": np.zeros(0, dtype=bool),
            }
        )
    bounds = np.flatnonzero(np.r_[True, (pc[1:] != pc[:-1]) | (day[1:] != day[:-1])])
    has_off = np.maximum.reduceat(offline, bounds).astype(bool)
    has_on = np.minimum.reduceat(offline, bounds) == 0
    rows = np.concatenate([bounds[has_on], bounds[has_off]])
    flag = np.concatenate([np.zeros(has_on.sum(), bool), np.ones(has_off.sum(), bool)])
    order = np.lexsort((flag, rows))
    rows, flag = rows[order], flag[order]
    return pd.DataFrame(
        {
            # the ids looked up from the codes: no million-row object array first
            "person_id": np.asarray(prepared["person_id"].cat.categories, dtype=object)[pc[rows]],
            "day": day[rows],
            "offline": flag,
        }
    )


def _share(offline: float, online: float) -> float:
    total = offline + online
    return float(offline / total) if total else float("nan")


def person_balance(
    prepared: pd.DataFrame,
    as_of: pd.Timestamp,
    window_days: int,
    days: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Per person (index person_id), vectorised over the sorted rows: ``offline_days``, ``online_days`` (in the window),
    ``offline_share`` (in the window), ``offline_share_all`` (whole history), ``last_in_person``
    (Timestamp or NaT), ``days_since_in_person`` (NaN = never), ``messages_in_window`` (online
    interactions in the window), ``online_recent`` (online contact within ``SCREEN_ONLY_DAYS``),
    ``days_known`` (days since the first contact). ``days``:
    :func:`analysis.metrics.cadence.day_table` of ``prepared``, when the caller has it."""
    today = day_number(as_of)
    cats = prepared["person_id"].cat.categories
    n = len(cats)
    pc = prepared["pcode"].to_numpy()
    day = prepared["day"].to_numpy()
    off_row = prepared["mode"].cat.codes.to_numpy() == 0
    # person-day-mode rows (see mode_days): the table of contact days
    d = day_table(prepared) if days is None else days
    dp, dday, has_off, has_on = d["pcode"], d["day"], d["offline"], d["online"]
    win_d = dday > today - window_days
    n_off_all = np.bincount(dp, weights=has_off, minlength=n)
    n_on_all = np.bincount(dp, weights=has_on, minlength=n)
    n_off = np.bincount(dp, weights=has_off & win_d, minlength=n).astype("int64")
    n_on = np.bincount(dp, weights=has_on & win_d, minlength=n).astype("int64")
    present = (n_off_all + n_on_all) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        share_all = n_off_all / (n_off_all + n_on_all)
        share_win = np.where(n_off + n_on > 0, n_off / np.maximum(n_off + n_on, 1), np.nan)
    last_off_day = np.full(n, np.nan)
    if has_off.any():
        np.fmax.at(last_off_day, dp[has_off], dday[has_off].astype("float64"))
    last_on_day = np.full(n, np.nan)
    if has_on.any():
        np.fmax.at(last_on_day, dp[has_on], dday[has_on].astype("float64"))
    first_day = np.full(n, np.nan)
    if len(dp):
        np.fmin.at(first_day, dp, dday.astype("float64"))
    # the timestamp of the last in-person row per person
    off_idx = np.flatnonzero(off_row)
    stamps = prepared["timestamp"].array  # a DatetimeArray: taken, never made Timestamps
    pick = np.full(n, -1, dtype="int64")  # the row of each person's last in-person contact
    if len(off_idx):
        op = pc[off_idx]
        last_rows = off_idx[np.r_[op[1:] != op[:-1], True]]
        pick[pc[last_rows]] = last_rows
    last_ip = stamps.take(pick, allow_fill=True)
    on_win_rows = ~off_row & (day > today - window_days)
    msgs = np.bincount(pc[on_win_rows], minlength=n).astype("int64")
    out = pd.DataFrame(
        {
            "offline_share_all": share_all,
            "offline_days": n_off,
            "online_days": n_on,
            "offline_share": share_win,
            "last_in_person": last_ip,
            "days_since_in_person": today - last_off_day,
            "messages_in_window": msgs,
            "online_recent": (today - last_on_day) < C.SCREEN_ONLY_DAYS,
            "days_known": today - first_day,
        },
        index=pd.Index(np.asarray(cats, dtype=object), dtype=object, name="person_id"),
    )
    out["last_in_person"] = pd.to_datetime(out["last_in_person"], utc=True)
    return out.loc[present]


def screen_only(per_person: pd.DataFrame, circle: pd.Series) -> pd.Series:
    """True for intimate-circle people with recent online contact and no in-person contact for
    ``SCREEN_ONLY_DAYS``+ days (or never), known for at least that long (one call with someone
    new is not a relationship gone screen-only). Indexed like ``per_person``."""
    inner = circle.reindex(per_person.index).isin(list(C.INTIMATE_LAYERS)).fillna(False)
    no_meet = per_person["days_since_in_person"].isna() | (
        per_person["days_since_in_person"] >= C.SCREEN_ONLY_DAYS
    )
    known = per_person["days_known"] >= C.SCREEN_ONLY_DAYS
    return (
        (inner & no_meet & known & per_person["online_recent"]).astype(bool).rename("screen_only")
    )


def monthly(prepared: pd.DataFrame, md: pd.DataFrame | None = None) -> pd.DataFrame:
    """Offline/online person-days per calendar month (UTC), every month from the first to the
    last with contact (months without contact are zeros). ``md``: :func:`mode_days`, if known."""
    return _months(_month_counts(mode_days(prepared) if md is None else md))


def _month_counts(md: pd.DataFrame) -> pd.DataFrame:
    """Offline and online person-days per calendar month with contact, from :func:`mode_days`."""
    off = md["offline"].to_numpy()
    return _month_counts_of(md["day"].to_numpy(), off, ~off)


def _month_counts_of(day: np.ndarray, offline: np.ndarray, online: np.ndarray) -> pd.DataFrame:
    """:func:`_month_counts` from person-days (day numbers) flagged offline and online: the
    months with a person-day (index ``month``), counted over the months' numbers."""
    month = day.astype("datetime64[D]").astype("datetime64[M]")
    if len(month) == 0:
        g = pd.DataFrame({"month": month, "offline": offline, "online": online}).groupby("month")
        return pd.DataFrame(
            {
                "offline": g["offline"].sum().astype("int64"),
                "online": g["online"].sum().astype("int64"),
            }
        )
    number = month.astype("int64")
    first = int(number.min())
    at = number - first
    n = int(at.max()) + 1
    seen = np.bincount(at, minlength=n) > 0
    return pd.DataFrame(
        {
            "offline": np.bincount(at, weights=offline, minlength=n)[seen].astype("int64"),
            "online": np.bincount(at, weights=online, minlength=n)[seen].astype("int64"),
        },
        index=pd.Index((np.flatnonzero(seen) + first).astype("datetime64[M]"), name="month"),
    )


def _months(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`monthly`'s frame from person-days per month (``offline``, ``online``, indexed by
    month; months with neither are left out): every month from the first to the last."""
    counts = counts.loc[(counts["offline"] + counts["online"]) > 0]
    if counts.empty:
        return pd.DataFrame(
            {"month": pd.Series([], dtype="datetime64[ns, UTC]"), "offline": [], "online": [],
             "offline_share": []}
        ).astype({"offline": "int64", "online": "int64", "offline_share": "float64"})  # fmt: skip
    idx = pd.date_range(counts.index.min(), counts.index.max(), freq="MS")
    out = pd.DataFrame(
        {
            "offline": counts["offline"].reindex(idx, fill_value=0),
            "online": counts["online"].reindex(idx, fill_value=0),
        }
    )
    tot = out["offline"] + out["online"]
    out["offline_share"] = (out["offline"] / tot.where(tot > 0)).astype("float64")
    out.index = out.index.tz_localize("UTC")
    return out.rename_axis("month").reset_index()


def overall(
    prepared: pd.DataFrame, as_of: pd.Timestamp, window_days: int, md: pd.DataFrame | None = None
) -> tuple[float, float]:
    """``(offline_share in the window, trend)``; trend = share now minus share in the window
    before (NaN when either window has no contact)."""
    md = mode_days(prepared) if md is None else md
    return _shares(_window_counts(md, as_of, window_days))


def by_circle(per_person: pd.DataFrame, circle: pd.Series) -> pd.DataFrame:
    """Offline/online person-days in the window per circle 1..4 (circles with nobody are zeros)."""
    c = circle.reindex(per_person.index).astype("Float64").to_numpy("float64", na_value=np.nan)
    inside = np.isin(c, (1, 2, 3, 4))  # a missing circle is none
    ring = c[inside].astype("int64")

    def days(col: str) -> np.ndarray:
        total = np.bincount(ring, weights=per_person[col].to_numpy()[inside], minlength=5)
        return total[1:5].astype("int64")

    out = pd.DataFrame(
        {"circle": np.arange(1, 5, dtype="int64"), "offline": days("offline_days"),
         "online": days("online_days")}
    )  # fmt: skip
    tot = out["offline"] + out["online"]
    out["offline_share"] = np.where(tot > 0, out["offline"] / tot.where(tot > 0), np.nan)
    return out


@dataclass(frozen=True)
class ModeCounts:
    """Person-days by mode (:func:`mode_days`), the sums :class:`ModeBalance` is made of:
    ``window`` = offline and online person-days in the window, then in the window before (int64
    array of 4); ``months`` = ``offline`` and ``online`` person-days per calendar month with
    contact (index: the month). Sums over people, so the counts of some people's rows can be
    taken out and put back (:meth:`replaced`)."""

    window: np.ndarray
    months: pd.DataFrame

    def replaced(self, old: ModeCounts, new: ModeCounts) -> ModeCounts:
        """These counts with ``old`` (some people's rows as they were) taken out and ``new``
        (the same people's rows now) put in."""
        months = self.months.sub(old.months, fill_value=0).add(new.months, fill_value=0)
        return ModeCounts(
            window=self.window - old.window + new.window, months=months.astype("int64")
        )


@dataclass(frozen=True)
class ModeBalance:
    """The figures of :class:`Balance` that come from the interactions alone (not from the
    circles): ``offline_share``, ``trend`` and ``monthly``, as there; ``counts``, the sums they
    are made of (:class:`ModeCounts`)."""

    offline_share: float
    trend: float
    monthly: pd.DataFrame
    counts: ModeCounts


def mode_balance(
    prepared: pd.DataFrame,
    as_of: pd.Timestamp,
    window_days: int,
    days: dict[str, np.ndarray] | None = None,
) -> ModeBalance:
    """The in-person share in the window, its trend and the months (:class:`ModeBalance`)."""
    return modes_of(mode_counts(prepared, as_of, window_days, days))


def mode_counts(
    prepared: pd.DataFrame,
    as_of: pd.Timestamp,
    window_days: int,
    days: dict[str, np.ndarray] | None = None,
) -> ModeCounts:
    """The person-days of :func:`mode_days` counted by mode: in the window, in the window
    before it and per calendar month (:class:`ModeCounts`). ``days``:
    :func:`analysis.metrics.cadence.day_table` of ``prepared``, when the caller has it: its
    person-days flagged offline and online are the same counts, without the frame."""
    d = day_table(prepared) if days is None else days
    day, offline, online = d["day"], d["offline"], d["online"]
    return ModeCounts(
        window=_window_counts_of(day, offline, online, as_of, window_days),
        months=_month_counts_of(day, offline, online),
    )


def _window_counts(md: pd.DataFrame, as_of: pd.Timestamp, window_days: int) -> np.ndarray:
    """Offline and online person-days of :func:`mode_days` in the window, then in the window
    before it (int64 array of 4)."""
    off = md["offline"].to_numpy()
    return _window_counts_of(md["day"].to_numpy(), off, ~off, as_of, window_days)


def _window_counts_of(
    day: np.ndarray,
    offline: np.ndarray,
    online: np.ndarray,
    as_of: pd.Timestamp,
    window_days: int,
) -> np.ndarray:
    """:func:`_window_counts` from person-days (day numbers) flagged offline and online."""
    today = day_number(as_of)
    now = day > today - window_days
    before = (day > today - 2 * window_days) & ~now
    return np.array(
        [
            np.count_nonzero(offline & now),
            np.count_nonzero(online & now),
            np.count_nonzero(offline & before),
            np.count_nonzero(online & before),
        ],
        dtype="int64",
    )


def _shares(window: np.ndarray) -> tuple[float, float]:
    """``(offline share in the window, trend)`` from :func:`_window_counts`."""
    off_now, on_now, off_before, on_before = (int(v) for v in window)
    share_now = _share(off_now, on_now)
    return share_now, share_now - _share(off_before, on_before)


def modes_of(counts: ModeCounts) -> ModeBalance:
    """:class:`ModeBalance` from its counts: the share in the window, the trend, the months."""
    share, trend = _shares(counts.window)
    return ModeBalance(
        offline_share=share, trend=trend, monthly=_months(counts.months), counts=counts
    )


def balance(
    modes: ModeBalance,
    per_person: pd.DataFrame,
    people: pd.DataFrame,
    window_days: int,
) -> Balance:
    """Assemble :class:`Balance` from :func:`mode_balance`, :func:`person_balance`
    (``per_person``) and the engine's people table ``people`` (``person_id, name, circle,
    screen_only, days_since_in_person, messages_in_window``)."""
    circle = people.set_index("person_id")["circle"]
    so = people.loc[
        people["screen_only"].astype(bool),
        ["person_id", "name", "circle", "days_since_in_person", "messages_in_window"],
    ]
    so = so.sort_values(
        ["circle", "days_since_in_person", "person_id"],
        ascending=[True, False, True],
        na_position="first",
        kind="stable",
    )
    return Balance(
        window_days=int(window_days),
        offline_share=modes.offline_share,
        trend=modes.trend,
        monthly=modes.monthly.copy(),  # the modes may be kept for later calls: a copy of its own
        by_circle=by_circle(per_person, circle),
        screen_only=so.reset_index(drop=True),
    )
