"""The data model: the fixed columns of closeknit's DataFrames, and the channel vocabulary.

Every stage of the pipeline passes these frames along. Functions that build them start from
:func:`empty_contacts` / :func:`empty_interactions` or :func:`contacts_frame` /
:func:`interactions_frame`, so the columns, their order and their dtypes are always the same.

**contacts**: one row per record in a source (a card, a CSV row); many rows may become one person.

=============== ============ =========================================================
column          type         notes
=============== ============ =========================================================
contact_id      str          stable: hash of the file digest + card UID or record index
source          str          file name + format, e.g. ``phone.vcf (vCard 2.1)``
where           str          where in the file: ``card 3 (line 120)``, ``row 17``
full_name       str          NFC, trimmed; "" when unknown
given_name      str
family_name     str
nickname        str
emails          list[str]    lower-cased, unique, in file order
phones          list[str]    E.164 where it parses with the user's region, else digits as given
org             str
title           str
categories      list[str]    vCard CATEGORIES, Google "Labels", Outlook "Categories"
birthday        str          ISO ``YYYY-MM-DD`` or yearless ``--MM-DD``; "" when unknown
anniversary     str          wedding/partnership anniversary, as ``birthday`` (vCard
                             ANNIVERSARY, X-ANNIVERSARY, Apple's labelled X-ABDATE, Google and
                             Outlook CSV)
related         list[tuple]  (type, name) from RELATED / X-ABRELATEDNAMES
=============== ============ =========================================================

**interactions**: one row per contact event with one identity.

=============== ============== =======================================================
column          type           notes
=============== ============== =======================================================
timestamp       datetime64 UTC naive input is read in the user's time zone
who             str            the identity as the source gave it (name, phone, e-mail)
channel         category       one of :data:`CHANNELS`
mode            category       ``offline`` for in_person, ``online`` otherwise
direction       category       one of :data:`DIRECTIONS` (who reached out)
duration_min    float          NaN where unknown
event_id        str            shared by all rows of one group event; "" when none (a
                               categorical of str in the rows read for resolution)
note            str
source          str            as above
=============== ============== =======================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

CHANNELS: tuple[str, ...] = ("in_person", "video", "call", "message", "email", "social", "other")
"""Channels, richest first (Sherman, Michikyan & Greenfield 2013; Vlahovic et al. 2012)."""

MODES: tuple[str, ...] = ("offline", "online")
DIRECTIONS: tuple[str, ...] = ("outgoing", "incoming", "mutual", "unknown")

CONTACT_COLUMNS: tuple[str, ...] = (
    "contact_id",
    "source",
    "where",
    "full_name",
    "given_name",
    "family_name",
    "nickname",
    "emails",
    "phones",
    "org",
    "title",
    "categories",
    "birthday",
    "anniversary",
    "related",
)
CONTACT_LIST_COLUMNS: tuple[str, ...] = ("emails", "phones", "categories", "related")
"""The contact columns that hold lists (the others hold text)."""

INTERACTION_COLUMNS: tuple[str, ...] = (
    "timestamp",
    "who",
    "channel",
    "mode",
    "direction",
    "duration_min",
    "event_id",
    "note",
    "source",
)

CHANNEL_DTYPE = pd.CategoricalDtype(list(CHANNELS))
MODE_DTYPE = pd.CategoricalDtype(list(MODES))
DIRECTION_DTYPE = pd.CategoricalDtype(list(DIRECTIONS))


def text_codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a text column (:func:`pandas.factorize`, in order of appearance), a
    missing value read as "" (one code for both): ``(codes, uniques)``, ``uniques`` an object
    array. A Series is factorised as it is, without an object copy first."""
    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=object)
    missing = codes < 0
    if missing.any():
        blank = np.flatnonzero(uniques == "")
        if len(blank):
            codes = np.where(missing, blank[0], codes)
        else:
            codes = np.where(missing, len(uniques), codes)
            uniques = np.append(uniques, np.array([""], dtype=object))
    return codes, uniques


def mode_of(channel: str) -> str:
    """``offline`` for in-person contact, ``online`` for every other channel."""
    return "offline" if channel == "in_person" else "online"


def contacts_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Build a contacts DataFrame from dicts; missing keys get "" (strings) or [] (lists).
    Every column has the object dtype (built column by column: a 10,000-card address book is
    one of the larger inputs)."""
    recs = records if isinstance(records, list) else list(records)
    data: dict[str, list] = {}
    for col in CONTACT_COLUMNS:
        values = [rec.get(col) for rec in recs]
        if col in CONTACT_LIST_COLUMNS:
            data[col] = [list(v) if v else [] for v in values]
        else:
            data[col] = ["" if v is None else str(v) for v in values]
    return pd.DataFrame(data, columns=list(CONTACT_COLUMNS), dtype=object)


def empty_contacts() -> pd.DataFrame:
    """A contacts DataFrame with no rows and the documented columns."""
    return contacts_frame([])


def interactions_frame(
    timestamp: Any,
    who: Any,
    channel: Any,
    direction: Any = "unknown",
    duration_min: Any = float("nan"),
    event_id: Any = "",
    note: Any = "",
    source: Any = "",
) -> pd.DataFrame:
    """Build an interactions DataFrame from column values (arrays or scalars).

    ``timestamp`` must already be tz-aware (it is converted to UTC); ``channel`` values must be in
    :data:`CHANNELS` and ``direction`` values in :data:`DIRECTIONS` (others raise ``ValueError``).
    ``mode`` is derived from ``channel``.
    """
    ts = pd.to_datetime(timestamp, utc=True)
    n = len(ts) if hasattr(ts, "__len__") else 1
    frame = pd.DataFrame({"timestamp": ts})
    frame["who"] = _col(who, n, object, frame.index)
    frame["channel"] = _categorical(channel, n, CHANNEL_DTYPE, "channel")
    codes = (frame["channel"].cat.codes.to_numpy() != 0).astype("int8")
    frame["mode"] = pd.Categorical.from_codes(codes, dtype=MODE_DTYPE)
    frame["direction"] = _categorical(direction, n, DIRECTION_DTYPE, "direction")
    frame["duration_min"] = _col(duration_min, n, "float64", frame.index)
    frame["event_id"] = _event_col(event_id, n, frame.index)
    frame["note"] = _col(note, n, object, frame.index)
    frame["source"] = _col(source, n, object, frame.index)
    return frame[list(INTERACTION_COLUMNS)]


def empty_interactions() -> pd.DataFrame:
    """An interactions DataFrame with no rows and the documented columns and dtypes."""
    return interactions_frame(pd.Series([], dtype="datetime64[ns, UTC]"), [], [])


def concat_interactions(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate interaction frames keeping the categorical dtypes and a datetime
    ``timestamp`` (UTC under one time zone object: a frame read back from the store says
    ``ZoneInfo('UTC')``, a new one ``timezone.utc``, and pandas would mix them into objects)."""
    frames = [
        f.assign(timestamp=f["timestamp"].dt.tz_convert("UTC"))
        if isinstance(f["timestamp"].dtype, pd.DatetimeTZDtype)
        else f
        for f in frames
        if len(f)
    ]
    if not frames:
        return empty_interactions()
    out = pd.concat(frames, ignore_index=True)
    pids = [f["person_id"] for f in frames if "person_id" in f.columns]
    if len(pids) == len(frames) and any(isinstance(p.dtype, pd.CategoricalDtype) for p in pids):
        out["person_id"] = joined_person_ids(pids)  # resolved rows stay coded by person
    out["channel"] = out["channel"].astype(CHANNEL_DTYPE)
    out["mode"] = out["mode"].astype(MODE_DTYPE)
    out["direction"] = out["direction"].astype(DIRECTION_DTYPE)
    return out


def joined_person_ids(parts: Sequence[pd.Series]) -> pd.Categorical:
    """The person ids of ``parts`` (resolved interactions' ``person_id`` columns, categorical
    or not), one part after the other, as one categorical over their ids sorted as text, as
    identity resolution codes them (:func:`analysis.identity.matching.person_column`); a
    missing id stays missing."""
    coded: list[tuple[np.ndarray, np.ndarray]] = []
    for part in parts:
        if isinstance(part.dtype, pd.CategoricalDtype):
            cats = np.asarray(part.cat.categories, dtype=object)
            coded.append((part.cat.codes.to_numpy(), cats))
        else:
            codes, uniques = pd.factorize(part.to_numpy(dtype=object))
            coded.append((codes, np.asarray(uniques, dtype=object)))
    ids = np.unique(np.concatenate([c for _, c in coded])) if coded else np.array([], object)
    joined = [
        np.where(codes >= 0, np.searchsorted(ids, cats)[np.maximum(codes, 0)], -1)
        if len(cats)
        else np.full(len(codes), -1)
        for codes, cats in coded
    ]
    all_codes = np.concatenate(joined) if joined else np.array([], dtype=np.int64)
    return pd.Categorical.from_codes(all_codes, categories=pd.Index(ids, dtype=object))


def latest_time(interactions: pd.DataFrame) -> pd.Timestamp | None:
    """The latest ``timestamp`` of an interactions frame (UTC), None when no row has one."""
    if not len(interactions):
        return None
    last = pd.to_datetime(interactions["timestamp"], utc=True).max()
    return None if pd.isna(last) else last


def concat_contacts(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate contact frames (an empty list gives an empty, well-formed frame)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_contacts()
    return pd.concat(frames, ignore_index=True)


def _col(values: Any, n: int, dtype: Any, index: pd.Index) -> pd.Series:
    if isinstance(values, str) or not hasattr(values, "__len__"):
        return pd.Series([values] * n, dtype=dtype, index=index)
    if isinstance(values, pd.Series):  # shared until either side is written to (copy on write)
        return values.set_axis(index).astype(dtype)
    if not isinstance(values, np.ndarray):  # made here, so not copied again
        values = np.asarray(list(values), dtype=object if dtype is object else None)
        return pd.Series(values, dtype=dtype, index=index, copy=False)
    return pd.Series(values, dtype=dtype, index=index)


def _event_col(values: Any, n: int, index: pd.Index) -> pd.Series:
    """The ``event_id`` column: text, or a categorical of text when given one (a store's or an
    importer's coded events: a million rows of few events, each distinct value once)."""
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        cat = values.array if isinstance(values, pd.Series) else values
        cats = pd.Index(np.asarray(cat.categories, dtype=object), dtype=object)
        return pd.Series(pd.Categorical.from_codes(cat.codes, categories=cats), index=index)
    return _col(values, n, object, index)


def _categorical(values: Any, n: int, dtype: pd.CategoricalDtype, name: str) -> pd.Series:
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):  # recoded by category
        cats = pd.Index(np.asarray(values.dtype.categories, dtype=object))
        known = set(dtype.categories)
        wrong = sorted(str(c) for c in cats if c not in known)
        if wrong:
            raise ValueError(f"unknown {name} value(s): {', '.join(wrong[:5])}")
        codes = np.asarray(values.cat.codes if isinstance(values, pd.Series) else values.codes)
        new = np.append(dtype.categories.get_indexer(cats), -1)[codes]  # -1: missing
        return pd.Series(pd.Categorical.from_codes(new, dtype=dtype))
    if isinstance(values, str):
        values = [values] * n
    cat = pd.Categorical(values, dtype=dtype)
    bad = pd.isna(cat) & ~pd.isna(pd.Series(values, dtype=object)).to_numpy()
    if bad.any():
        wrong = sorted({str(v) for v, b in zip(values, bad, strict=False) if b})[:5]
        raise ValueError(f"unknown {name} value(s): {', '.join(wrong)}")
    return pd.Series(cat)
