"""What the engine derives from the data alone: :class:`Facts`, kept and brought up to date.

:func:`analysis.engine.analyze` splits its work in two. Everything that depends only on the
people and their interactions (as of a date, over a window, in a time zone, for a user) -- the
analysed rows (:func:`analysis.metrics.cadence.prepare`), each person's contact figures,
reciprocity, channels and balance, the roles their cards and habits give, the network's
structure, the months' in-person share -- is computed here, once per set of data; the user's
edits (circles, closeness, snoozes, states) are applied on top of it by the engine on every
call.

With a ``facts_key`` (the caller's digest of the data: the pipeline's resolution key) the last
:data:`FACTS_KEPT` results are kept, so a snooze or an edit reuses them, and new interactions of
the same people that differ for a few people only (a logged call) recompute those people's
figures alone (:func:`_updated_facts`), whenever that gives exactly a fresh computation's result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

import numpy as np
import pandas as pd

from analysis.deferred import Deferred, now
from analysis.kept import Kept
from analysis.metrics.balance import (
    ModeBalance,
    mode_balance,
    mode_counts,
    modes_of,
    person_balance,
)
from analysis.metrics.cadence import (
    day_number,
    day_table,
    person_codes,
    person_stats,
    prepare,
)
from analysis.metrics.circles import derive_roles
from analysis.metrics.graph import network_structure
from analysis.metrics.reciprocity import reciprocity
from analysis.metrics.ties import channel_profile
from analysis.model import latest_time
from analysis.normalize import looks_like_phone, normalize_email, normalize_name, normalize_phone
from analysis.occasions import Occasion, occasions_from_people

__all__ = [
    "FACTS_KEPT",
    "UPDATE_MAX_SHARE",
    "Facts",
    "FactsSettings",
    "as_texts",
    "facts_for_day",
    "facts_of",
    "keep_facts",
    "kept_facts",
    "people_with",
]


@dataclass(frozen=True)
class Facts:
    """What :func:`analysis.engine.analyze` derives from the people and interactions alone (as of a date, over
    a window, in a time zone, for a user), before any edit: shared between calls through
    :data:`_FACTS`, so read, never changed. ``source_people`` is the people frame it was
    derived from (compared by identity), ``selves`` the user's own person_ids and
    ``rows`` the interactions analysed (coded, the user's own left out), whose per-person
    digests (:func:`_fingerprints`) are made the first time a later call compares with them:
    a one-shot run never pays for them. ``complete``: every row with a time lies on or before
    the as-of date, so a later date analyses the same rows (:func:`facts_for_day`)."""

    people: pd.DataFrame
    me_card: dict[str, list]
    prepared: pd.DataFrame
    stats: pd.DataFrame
    card_roles: pd.Series
    roles: pd.Series
    reciprocity: pd.DataFrame
    channels: pd.DataFrame
    person_balance: pd.DataFrame
    modes: ModeBalance
    in_window: pd.Series
    structure: tuple
    occasions: list[Occasion]
    source_people: pd.DataFrame
    selves: frozenset[str]
    rows: pd.DataFrame | None
    complete: bool = False
    raw: pd.DataFrame | Deferred[pd.DataFrame] | None = None
    digests: dict = field(default_factory=dict, compare=False)

    def analysed_rows(self) -> pd.DataFrame:
        """``rows``; for facts read back from the store (:func:`keep_facts`), which keep the
        interactions as given (``raw``) rather than coded, coded the first time a later call
        compares with them."""
        if self.rows is not None:
            return self.rows
        if "rows" not in self.digests:
            assert self.raw is not None, "facts read back are kept (keep_facts) before use"
            coded = _coded(now(self.raw))
            if self.selves:
                coded = coded.loc[~coded["person_id"].isin(self.selves)]
            self.digests["rows"] = coded
        return self.digests["rows"]

    def fingerprints(self) -> pd.DataFrame:
        """:func:`_fingerprints` of :meth:`analysed_rows`, made once."""
        if "prints" not in self.digests:
            self.digests["prints"] = _fingerprints(self.analysed_rows())
        return self.digests["prints"]


class FactsSettings(NamedTuple):
    """What :class:`Facts` depend on besides the data: the as-of date (a UTC timestamp, as
    :func:`analysis.metrics.cadence.as_of_timestamp` gives), the window of the balance in days,
    the user's time zone (IANA name, for the work pattern) and the user's own names, addresses
    and numbers (``ImportOptions.me``)."""

    as_of: pd.Timestamp
    window_days: int
    timezone: str | None
    me: tuple[str, ...]


FACTS_KEPT = 2
"""How many :class:`Facts` :func:`analysis.engine.analyze` keeps by ``facts_key`` (the user's and the sample's)."""

_FACTS: Kept[Facts] = Kept(FACTS_KEPT)


def facts_of(
    people: pd.DataFrame,
    interactions: pd.DataFrame | Deferred[pd.DataFrame],
    settings: FactsSettings,
    facts_key: str | None,
) -> Facts:
    """:func:`_compute_facts`, kept under ``facts_key`` and the other inputs when a key is
    given (see :func:`analysis.engine.analyze`). A new key whose interactions differ from kept facts of the
    same people and settings in the rows of a few people only is derived from those facts,
    recomputing those people's figures alone (:func:`_updated_facts`). Deferred
    ``interactions`` are read only when no facts are kept under the key."""
    if facts_key is None:
        return _compute_facts(people, _coded(now(interactions)), settings)
    key = (facts_key, settings)
    kept = _FACTS.get(key)
    if kept is not None:
        return kept
    near = [
        f
        for k, f in _FACTS.newest_first()
        if k[1] == settings and f.source_people is people  # type: ignore[index]
    ]
    facts = None
    coded = _coded(now(interactions))
    if near:
        facts = _updated_facts(near[0], coded, settings)
    if facts is None:
        facts = _compute_facts(people, coded, settings)
    _FACTS.put(key, facts)
    return facts


def kept_facts(facts_key: str, settings: FactsSettings) -> Facts | None:
    """The facts :func:`facts_of` keeps under these inputs, or None."""
    return _FACTS.get((facts_key, settings))


def keep_facts(
    facts: Facts,
    people: pd.DataFrame,
    interactions: pd.DataFrame | Deferred[pd.DataFrame],
    settings: FactsSettings,
    facts_key: str,
    last_time: pd.Timestamp | None = None,
) -> bool:
    """Keep ``facts`` -- made from ``people`` and ``interactions`` under ``facts_key``,
    ``settings``' time zone and user on an earlier or the same date, and complete (every row
    with a time analysed), as read back from the store with their analysed rows -- for the
    settings' date: the figures that depend on the date are computed again from those rows
    (:func:`facts_for_day`); :func:`facts_of` then finds them. ``interactions`` are coded for
    a later comparison only when one comes (:meth:`Facts.analysed_rows`). False, and nothing
    kept, when ``interactions`` hold a row after that date (that day's analysed rows could
    differ) or the facts are not complete. Deferred ``interactions`` are not read here:
    ``last_time`` is then their latest timestamp (None: none has one)."""
    as_of = settings.as_of
    if isinstance(interactions, Deferred) and not interactions.ready:
        last = last_time
    else:
        last = latest_time(now(interactions))
    if not facts.complete or not _on_or_before(last, as_of):
        return False
    kept = dataclasses.replace(facts, source_people=people, rows=None, raw=interactions, digests={})
    day = facts_for_day(kept, as_of, settings.window_days)
    _FACTS.put((facts_key, settings), day)
    return True


def facts_for_day(facts: Facts, as_of: pd.Timestamp, window_days: int) -> Facts:
    """``facts`` (complete: every row with a time on or before ``as_of`` too) as of
    ``as_of``: the analysed rows, roles, reciprocity, channels, structure and occasions do not
    depend on the date; each person's contact figures, the balance and the contact days in the
    window are computed again from the rows."""
    return dataclasses.replace(
        facts,
        **_day_figures(facts.prepared, as_of, window_days)._asdict(),
        digests=dict(facts.digests),
    )


class _DayFigures(NamedTuple):
    """The fields of :class:`Facts` that depend on the date."""

    stats: pd.DataFrame
    person_balance: pd.DataFrame
    modes: ModeBalance
    in_window: pd.Series


def _day_figures(
    prepared: pd.DataFrame,
    as_of: pd.Timestamp,
    window_days: int,
    days: dict[str, np.ndarray] | None = None,
) -> _DayFigures:
    """The figures of the analysed rows ``prepared`` that depend on the date, from one table of
    their contact days (:func:`analysis.metrics.cadence.day_table`; made here when not given)
    made for them all."""
    days = day_table(prepared) if days is None else days
    return _DayFigures(
        stats=person_stats(prepared, as_of, days),
        person_balance=person_balance(prepared, as_of, window_days, days),
        modes=mode_balance(prepared, as_of, window_days, days),
        in_window=_contact_days_in_window(prepared, as_of, window_days, days),
    )


def _all_on_or_before(interactions: pd.DataFrame, as_of: pd.Timestamp) -> bool:
    """True when no row of ``interactions`` has a time after the as-of date."""
    return _on_or_before(latest_time(interactions), as_of)


def _on_or_before(last: pd.Timestamp | None, as_of: pd.Timestamp) -> bool:
    """True when ``last`` (a latest time; None: none) is on or before the as-of date: the rows
    :func:`analysis.metrics.cadence.prepare` keeps are then those of any later date too."""
    return last is None or bool(last < as_of + pd.Timedelta(days=1))


def _coded(interactions: pd.DataFrame) -> pd.DataFrame:
    """``interactions`` with an ``event_id`` column ("" when absent) and ``person_id`` as
    :func:`analysis.metrics.cadence.person_codes`."""
    if "event_id" not in interactions.columns:
        interactions = interactions.assign(event_id="")
    return interactions.assign(person_id=person_codes(interactions["person_id"]))


def _compute_facts(
    people: pd.DataFrame, interactions: pd.DataFrame, settings: FactsSettings
) -> Facts:
    """The edit-free part of :func:`analysis.engine.analyze` (see :class:`Facts`), from
    ``interactions`` coded by :func:`_coded`."""
    as_of, window_days, timezone, me = settings
    source_people = people
    people = _complete_people(people, interactions)
    me_card: dict[str, list] = {}
    selves: set[str] = set()
    if me:
        selves = _selves(people, me)
        if selves:
            me_card = _card_of(people, selves)
            people = people.loc[~people["person_id"].isin(selves)].reset_index(drop=True)
            interactions = interactions.loc[~interactions["person_id"].isin(selves)]
    # In turn, not on threads beside each other: the roles from the cards and the network's
    # structure are Python, which holds the interpreter's lock, and beside them numpy's steps
    # over a million rows waited for it at every turn (ordering the rows: 0.14 s alone, 0.26-
    # 0.29 s beside the cards' roles). On threads the metrics took a median 0.585 s against
    # 0.592 s in turn (20 alternated runs at 10,000 people and a million rows), for 0.3 s more
    # CPU time and 44 MB more peak memory.
    cards = derive_roles(people, None, timezone, None, me=me, me_card=me_card)
    prepared = prepare(interactions, as_of)
    days = day_table(prepared)  # the contact days: for the day's figures and the undated ones
    day = _day_figures(prepared, as_of, window_days, days)
    # the structure's nodes: the people with analysed rows, prepare's categories (the ids that
    # occur, as the index of person_stats)
    nodes = np.asarray(prepared["person_id"].cat.categories, dtype=object)
    return Facts(
        people=people,
        me_card=me_card,
        prepared=prepared,
        stats=day.stats,
        card_roles=cards,
        roles=derive_roles(people, prepared, timezone, None, me=me, me_card=me_card, cards=cards),
        reciprocity=reciprocity(prepared, days),
        channels=channel_profile(prepared, days),
        person_balance=day.person_balance,
        modes=day.modes,
        in_window=day.in_window,
        structure=tuple(network_structure(people, prepared, nodes)),
        occasions=occasions_from_people(people),
        source_people=source_people,
        selves=frozenset(selves),
        rows=interactions,
        # every row analysed: every row has a time on or before the date (no pass to see)
        complete=len(prepared) == len(interactions) or _all_on_or_before(interactions, as_of),
    )


def _contact_days_in_window(
    prepared: pd.DataFrame,
    as_of: pd.Timestamp,
    window_days: int,
    days: dict[str, np.ndarray] | None = None,
) -> pd.Series:
    """Contact days per person in the ``window_days`` up to ``as_of`` (people with some), in
    person code order. ``days``: :func:`analysis.metrics.cadence.day_table` of ``prepared``."""
    days = day_table(prepared) if days is None else days
    cats = prepared["person_id"].cat.categories
    inside = days["day"] > day_number(as_of) - window_days
    counts = np.bincount(days["pcode"][inside], minlength=len(cats)).astype("int64")
    some = np.flatnonzero(counts)
    return pd.Series(
        counts[some],
        index=pd.Index(np.asarray(cats, dtype=object)[some], dtype=object, name="person_id"),
    )


_FINGERPRINT_COLUMNS = ("timestamp", "channel", "mode", "direction", "event_id", "duration_min")
"""The columns :func:`analysis.metrics.cadence.prepare` reads besides ``person_id``."""

UPDATE_MAX_SHARE = 0.1
"""Kept facts are updated person by person (:func:`_updated_facts`) when at most this share of
the people changed; beyond it a fresh computation is as quick."""


def _fingerprints(interactions: pd.DataFrame) -> pd.DataFrame:
    """Per person_id with rows (``interactions`` coded by :func:`_coded`): ``rows`` and
    ``digest``, the wrapping sum of a 64-bit hash of each row's analysed columns
    (:func:`pandas.util.hash_pandas_object`), so that two frames' people whose rows differ are
    told apart whatever the row order."""
    pid = interactions["person_id"]
    codes = pid.cat.codes.to_numpy()
    cols = [c for c in _FINGERPRINT_COLUMNS if c in interactions.columns]
    hashed = pd.util.hash_pandas_object(interactions[cols], index=False).to_numpy()
    has = codes >= 0
    codes, hashed = codes[has], hashed[has]
    order = np.argsort(codes, kind="stable")
    codes, hashed = codes[order], hashed[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else codes
    ids = np.asarray(pid.cat.categories, dtype=object)[codes[starts]]
    return pd.DataFrame(
        {
            "rows": np.diff(np.r_[starts, len(codes)]).astype("int64"),
            "digest": np.add.reduceat(hashed, starts) if len(codes) else hashed,
        },
        index=pd.Index(ids, dtype=object, name="person_id"),
    )


def _updated_facts(kept: Facts, coded: pd.DataFrame, settings: FactsSettings) -> Facts | None:
    """``kept`` brought up to the interactions ``coded`` (of the same people and settings),
    recomputing the figures of the people whose rows differ and only theirs; None when that
    does not give exactly a fresh computation's result: people came or went, a share of them
    over :data:`UPDATE_MAX_SHARE` changed, or a changed person's shared events differ (an
    event's size counts everyone in it)."""
    as_of, window_days, timezone, me = settings
    if kept.selves:
        coded = coded.loc[~coded["person_id"].isin(kept.selves)]
    prints = _fingerprints(coded)
    old = kept.fingerprints()
    if not prints.index.equals(old.index):
        return None
    differs = (prints["rows"].to_numpy() != old["rows"].to_numpy()) | (
        prints["digest"].to_numpy() != old["digest"].to_numpy()
    )
    changed = prints.index[differs]
    if len(changed) == 0:
        return dataclasses.replace(
            kept, rows=coded, complete=_all_on_or_before(coded, as_of), digests={"prints": prints}
        )
    if len(changed) > UPDATE_MAX_SHARE * len(prints):
        return None
    prev = kept.prepared
    cats = prev["person_id"].cat.categories
    if not changed.isin(cats).all():
        return None
    part = prepare(coded.loc[coded["person_id"].isin(changed)], as_of)
    if not part["person_id"].cat.categories.equals(pd.Index(changed, dtype=object)):
        return None  # someone's rows now all lie after the as-of date
    pcode = cats.get_indexer(np.asarray(part["person_id"].cat.categories, dtype=object))[
        part["pcode"].to_numpy()
    ]
    ev_cats = prev["event_id"].cat.categories
    ev = ev_cats.get_indexer(np.asarray(part["event_id"].cat.categories, dtype=object))[
        part["event_id"].cat.codes.to_numpy()
    ]
    if (ev < 0).any():
        return None  # a new event
    in_changed = np.isin(prev["pcode"].to_numpy(), cats.get_indexer(changed))
    blank = ev_cats.get_indexer([""])[0]
    was = prev.loc[in_changed]
    was_ev, was_p = was["event_id"].cat.codes.to_numpy(), was["pcode"].to_numpy()
    if not np.array_equal(_event_rows_of(was_ev, was_p, blank), _event_rows_of(ev, pcode, blank)):
        # who shares which event changed: sizes of others' events, and the network's edges
        return None
    size_of = np.ones(len(ev_cats), dtype="int64")
    size_of[was_ev] = was["event_size"].to_numpy()
    part = part.assign(
        person_id=pd.Categorical.from_codes(pcode, categories=cats),
        pcode=pcode.astype("int64"),
        event_id=pd.Categorical.from_codes(ev, categories=ev_cats),
        event_size=np.where(ev == blank, 1, size_of[ev]).astype("int64"),
    )
    joined = pd.concat([prev.loc[~in_changed], part], ignore_index=True)
    order = np.argsort(joined["pcode"].to_numpy(), kind="stable")
    prepared = joined.take(order).reset_index(drop=True)
    # the event rows are the same, so the network's structure (its edges, communities and
    # measures: cards, shared events and the people with contact) is the kept one
    return dataclasses.replace(
        kept,
        prepared=prepared,
        stats=_spliced(kept.stats, person_stats(part, as_of), changed, cats),
        roles=_spliced(
            kept.roles,
            derive_roles(
                kept.people,
                part,
                timezone,
                None,
                me=me,
                me_card=kept.me_card,
                cards=kept.card_roles,
            ),
            changed,
            cats,
        ),
        reciprocity=_spliced(kept.reciprocity, reciprocity(part), changed, cats),
        channels=_spliced(kept.channels, channel_profile(part), changed, cats),
        person_balance=_spliced(
            kept.person_balance, person_balance(part, as_of, window_days), changed, cats
        ),
        modes=modes_of(
            kept.modes.counts.replaced(
                mode_counts(was, as_of, window_days), mode_counts(part, as_of, window_days)
            )
        ),
        in_window=_spliced(
            kept.in_window, _contact_days_in_window(part, as_of, window_days), changed, cats
        ),
        rows=coded,
        complete=_all_on_or_before(coded, as_of),
        digests={"prints": prints},
    )


_Frame = TypeVar("_Frame", pd.DataFrame, pd.Series)


def _event_rows_of(ev: np.ndarray, pcode: np.ndarray, blank: int) -> np.ndarray:
    """The (event code, person code) pairs of the rows with an event, sorted: the same array
    for two sets of rows when they hold the same event rows, whatever their order."""
    pairs = np.stack([ev, pcode])[:, ev != blank]
    return pairs[:, np.lexsort(pairs[::-1])]


def _spliced(kept: _Frame, part: _Frame, changed: pd.Index, order: pd.Index) -> _Frame:
    """``kept`` (a per-person frame or Series) with the rows of the ``changed`` people taken
    from ``part`` (the same computed on their rows alone), in the order of ``order``."""
    at = kept.index.get_indexer(changed)
    src = part.index.get_indexer(changed)
    if (at >= 0).all() and (src >= 0).all():  # the same people: the rows replaced in place
        if isinstance(kept, pd.Series):
            values = kept.array.copy()
            values[at] = part.array[src]
            return pd.Series(values, index=kept.index, name=kept.name)
        columns = {}
        for col in kept.columns:
            values = kept[col].array.copy()
            values[at] = part[col].array[src]
            columns[col] = values
        return pd.DataFrame(columns, index=kept.index)
    both = pd.concat([kept.loc[~kept.index.isin(changed)], part.loc[part.index.isin(changed)]])
    ids = np.asarray(order, dtype=object)[order.isin(both.index)]
    return both.reindex(pd.Index(ids, dtype=object, name=kept.index.name))


def _complete_people(people: pd.DataFrame, interactions: pd.DataFrame) -> pd.DataFrame:
    """People with defaults for optional columns, plus a bare row for any person_id that occurs
    in the interactions but not in ``people`` (so no contact is silently dropped)."""
    pid = interactions["person_id"]
    if isinstance(pid.dtype, pd.CategoricalDtype):  # person_codes: the ids that occur, once
        codes = pid.cat.codes.to_numpy()
        used = np.bincount(codes[codes >= 0], minlength=len(pid.cat.categories)) > 0
        seen = {str(p) for p in np.asarray(pid.cat.categories, dtype=object)[used]}
    else:
        seen = {str(p) for p in pd.unique(pid.dropna().to_numpy(dtype=object))}
    return people_with(people, seen)


def people_with(people: pd.DataFrame, seen: set[str]) -> pd.DataFrame:
    """``people`` with defaults for optional columns, plus a bare row (named by its id) for
    each person_id of ``seen`` it does not hold, sorted by person_id: the people table of
    :class:`Facts` (the ids of its bare rows are all it keeps of the interactions)."""
    people = people.copy()
    pid = people["person_id"]
    if isinstance(pid.dtype, pd.StringDtype) and not pid.hasnans:  # text already
        people["person_id"] = pid.astype(object)
    else:
        ids = pid.to_numpy(dtype=object)  # plain objects: iterated at C speed
        people["person_id"] = pd.Series(
            [p if type(p) is str else str(p) for p in ids], index=people.index, dtype=object
        )
    if people["person_id"].duplicated().any():
        dup = people.loc[people["person_id"].duplicated(), "person_id"].iloc[0]
        raise ValueError(f"people frame has duplicate person_id {dup!r}")
    known = set(people["person_id"].tolist())
    extra = sorted(set(seen) - known)
    if extra:
        people = pd.concat(
            [people, pd.DataFrame({"person_id": extra, "name": extra})], ignore_index=True
        )
    defaults = {"given_name": "", "nickname": "", "name": ""}
    for col, val in defaults.items():
        if col not in people.columns:
            people[col] = val
        people[col] = people[col].fillna(val).astype(object)
    for col in ("categories", "orgs", "related"):
        if col not in people.columns:
            people[col] = [[] for _ in range(len(people))]
        people[col] = [v if isinstance(v, (list, tuple)) else [] for v in people[col].tolist()]
    if "non_person" not in people.columns:
        people["non_person"] = False
    people["non_person"] = people["non_person"].fillna(False).astype(bool)
    if people["person_id"].is_monotonic_increasing:  # as resolution sorts them
        return people.reset_index(drop=True)
    return people.sort_values("person_id", kind="stable").reset_index(drop=True)


def _selves(people: pd.DataFrame, me: Sequence[str]) -> set[str]:
    """person_ids whose name, e-mail or phone is one of the user's own (``me``)."""
    names = {normalize_name(m) for m in me} - {""}
    emails = {normalize_email(m) for m in me} - {""}
    phones = {p for m in me if looks_like_phone(m) for p in (normalize_phone(m, "ZZ"),)} - {""}
    found = set()
    for pid, name, mails, tels in zip(
        people["person_id"],
        people["name"],
        people["emails"] if "emails" in people.columns else [[]] * len(people),
        people["phones"] if "phones" in people.columns else [[]] * len(people),
        strict=True,
    ):
        mails = mails if isinstance(mails, list | tuple) else []
        tels = tels if isinstance(tels, list | tuple) else []
        if (
            normalize_name(name) in names
            or emails & {normalize_email(e) for e in mails}
            or phones & set(tels)
        ):
            found.add(pid)
    return found


def _card_of(people: pd.DataFrame, selves: set[str]) -> dict[str, list]:
    """The user's own card(s) merged: ``orgs``, ``related`` ((type, name) pairs), ``addresses``
    and ``emails`` of the rows in ``selves``."""
    rows = people.loc[people["person_id"].isin(selves)]
    card: dict[str, list] = {"orgs": [], "related": [], "addresses": [], "emails": []}
    for key, col in (("orgs", "orgs"), ("related", "related"), ("emails", "emails")):
        if col in rows.columns:
            for v in rows[col]:
                card[key] += list(v) if isinstance(v, list | tuple) else []
    for col in ("addresses", "address"):
        if col in rows.columns:
            for v in rows[col]:
                card["addresses"] += as_texts(v)
    return card


def as_texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v) for v in value if str(v).strip()]
    return []
