"""Roles and Dunbar-style circles (layers ~5, 15, 50, 150 cumulative).

Rules and constants are listed in docs/metrics.md (rule ids in brackets).

* :func:`derive_roles`: ``family | partner | friend | work | neighbour | club | community`` from
  contact categories / labels (multilingual keywords), related links (on people's cards and on
  the user's own card), an organisation shared with the user's own card or by several people, an
  address at the user's own work domain, and a work pattern that needs work-like channels, never
  the hour alone [W1, W2]; the user's overrides win.
* :func:`best_layer`: the innermost layer a person may reach: by recent group-weighted contact
  rate (``LAYER_MIN_PER_YEAR``), no higher than 3 without enough history [E1], for people seen
  only in groups [G2] or only at work, in the neighbourhood or the club [C3].
* :func:`assign_circles`: people ranked by closeness (tie strength) fill the layers from the
  inside; each cumulative count stays within ``LAYER_BOUNDS`` (Dunbar's 5, 15, 50, 150 within a
  factor 1.5), cut at the largest drop in closeness inside that range [C1]; partners are
  innermost, the household at least intimate, the user's placements win [C2].
* :func:`ring_norms`: each ring's own typical count (5, 10, 35, 100) for comparison.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.metrics.cells import as_items, flat_items, has_items, item_keys
from analysis.normalize import normalize_name, strip_accents

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)?")


def _norm_label(text: object) -> str:
    return _norm_label_text(str(text))


@lru_cache(maxsize=4096)
def _norm_label_text(text: str) -> str:
    return strip_accents(text).casefold().strip()


@lru_cache(maxsize=4096)
def _label_roles(label: str) -> frozenset[str]:
    if not label or label in C.IGNORED_CATEGORIES:
        return frozenset()
    words = set(_WORD.findall(label))
    return frozenset(
        role
        for role, keys in C.ROLE_KEYWORDS.items()
        if any(
            (k in label) if (" " in k or (len(k) >= 5 and role != "partner")) else (k in words)
            for k in keys
        )
    )


def roles_from_labels(labels: Iterable[object]) -> set[str]:
    """Roles named by category labels or relation types (any language in ``ROLE_KEYWORDS``).

    Short keywords (under five letters) must match a whole word (``"son"`` does not match
    ``"Sonja"``); longer ones match inside words too, for compounds (``Kletterverein``,
    ``Arbeitskollegen``), except partner words (``Geschäftspartner`` is no spouse). Google/Apple system labels are ignored.
    """
    found: set[str] = set()
    for raw in labels:
        found |= _label_roles(_norm_label(raw))
    if "partner" in found:
        found.discard("family")
    return found


@lru_cache(maxsize=4096)
def _label_set_roles(labels: tuple) -> frozenset[str]:
    """:func:`roles_from_labels` of one card's labels, kept: most cards share a few label sets
    (none, "myContacts", "Family"...)."""
    return frozenset(roles_from_labels(labels))


def _card_roles(labels: list) -> set[str]:
    try:
        return set(_label_set_roles(tuple(labels)))
    except TypeError:  # an unhashable label: read as it is
        return roles_from_labels(labels)


def derive_roles(
    people: pd.DataFrame,
    prepared: pd.DataFrame | None = None,
    timezone: str | None = None,
    overrides: Mapping[str, Iterable[str]] | None = None,
    me: Iterable[str] = (),
    *,
    me_card: Mapping[str, object] | None = None,
    cards: pd.Series | None = None,
) -> pd.Series:
    """Roles per person: a Series person_id -> sorted tuple of roles (possibly empty).

    Sources, in order: categories/labels; related links naming the user (``me``: the user's
    names; Google's "Relation: Partner = <user>" on Jonas's card makes Jonas the user's partner,
    "Mother = <user>" makes family, "Friend"/"Colleague" friend/work); related links between
    people (a person whose card names a kin relation to someone who is family is family too, and
    vice versa; a partner-type relation between two other people does not make either the user's
    partner); relations on the user's own card (``me_card["related"]``: (type, name) pairs;
    "child: Tom" makes Tom family); an organisation shared with the user's own card
    (``me_card["orgs"]``) or by at least ``WORK_ORG_MIN_PEOPLE`` people, an address at one of
    the user's work domains (:func:`work_domains`), and the work-pattern signal on ``prepared``
    interactions (:func:`work_pattern`: office hours *and* work-like channels) give ``work``,
    only when nothing else is known; then the user's ``overrides`` (person_id -> roles) replace
    the result.

    ``cards``, when given, is this function's result for the same ``people``, ``me`` and
    ``me_card`` without ``prepared`` (the roles the cards give): only the work-pattern signal
    is added to it.
    """
    if cards is not None:
        roles = dict(zip([str(p) for p in cards.index.tolist()], cards.tolist(), strict=True))
    else:
        roles = {pid: tuple(sorted(r)) for pid, r in _roles_from_cards(people, me, me_card).items()}
    # work-pattern signal
    if prepared is not None and len(prepared):
        unknown = {pid for pid, r in roles.items() if not r}
        for pid in work_pattern(prepared, timezone, only=unknown):
            if pid in roles and not roles[pid]:
                roles[pid] = ("work",)
    out = pd.Series(list(roles.values()), index=pd.Index(list(roles), dtype=object), dtype=object)
    out.index.name = "person_id"
    return with_role_overrides(out, overrides)


def _roles_from_cards(
    people: pd.DataFrame, me: Iterable[str], me_card: Mapping[str, object] | None
) -> dict[str, set[str]]:
    """The roles of :func:`derive_roles` that the cards give (everything but the work-pattern
    signal and the user's overrides). The people's names are keyed only when a card names a
    relation; the organisations each once (:mod:`analysis.metrics.cells`)."""
    ids = [str(p) for p in people["person_id"].tolist()]
    roles: dict[str, set[str]] = {
        pid: _card_roles(as_items(cats))
        for pid, cats in zip(ids, people["categories"].tolist(), strict=True)
    }
    card = me_card or {}
    related = people["related"].tolist() if "related" in people.columns else [[]] * len(ids)
    linked = [(pid, rel) for pid, rel in zip(ids, related, strict=True) if has_items(rel)]
    mine = [
        item
        for item in as_items(card.get("related"))
        if isinstance(item, list | tuple) and len(item) == 2
    ]
    by_name: dict[str, list[str]] = {}
    if linked or mine:
        for pid, key in zip(ids, item_keys(people["name"].tolist()), strict=True):
            if key:
                by_name.setdefault(key, []).append(pid)
    # related links: kin propagate family membership one step
    me_keys = {normalize_name(m) for m in me} - {""}
    for pid, rel in linked:
        for item in as_items(rel):
            if not isinstance(item, list | tuple) or len(item) != 2:
                continue
            rtype, rname = item
            if normalize_name(rname) in me_keys:
                named = roles_from_labels([rtype])
                if named:
                    roles[pid] |= named
                    if "partner" in named:
                        roles[pid].discard("family")
                continue
            kin = roles_from_labels([rtype]) & {"family", "partner"}
            if not kin:
                continue
            for other in by_name.get(normalize_name(rname), []):
                if other == pid:
                    continue
                if "family" in roles[pid] or "partner" in roles[pid]:
                    roles[other].add("family")
                elif "family" in roles[other] or "partner" in roles[other]:
                    roles[pid].add("family")
    # relations on the user's own card
    for rtype, rname in mine:
        named = roles_from_labels([rtype])
        for other in by_name.get(normalize_name(rname), []):
            roles[other] |= named
            if "partner" in named:
                roles[other].discard("family")
    # organisation on the user's own card, and the user's work domains
    my_orgs = {normalize_name(o) for o in as_items(card.get("orgs"))} - {""}
    domains = work_domains(people, roles, me)
    if "emails" in people.columns and domains:
        for pid, mails in zip(ids, people["emails"].tolist(), strict=True):
            if not roles[pid] and any(_domain(e) in domains for e in as_items(mails)):
                roles[pid].add("work")
    if "orgs" in people.columns:
        rows, orgs = flat_items(people["orgs"].tolist())
        keys = item_keys(orgs)
        if my_orgs:
            for r, key in zip(rows, keys, strict=True):
                if key in my_orgs and not roles[ids[r]]:
                    roles[ids[r]].add("work")
        # shared organisation
        for r in _in_shared_groups(rows, keys, C.WORK_ORG_MIN_PEOPLE):
            if not roles[ids[r]]:
                roles[ids[r]].add("work")
    return roles


def _in_shared_groups(rows: list[int], keys: list[str], min_people: int) -> list[int]:
    """The rows whose key (not "") is shared by at least ``min_people`` different rows."""
    members: dict[str, set[int]] = {}
    for r, key in zip(rows, keys, strict=True):
        if key:
            members.setdefault(key, set()).add(r)
    return [r for group in members.values() if len(group) >= min_people for r in group]


def with_role_overrides(
    roles: pd.Series, overrides: Mapping[str, Iterable[str]] | None
) -> pd.Series:
    """``roles`` (:func:`derive_roles`) with the user's ``overrides`` (person_id -> roles)
    replacing the derived roles of the people they name; a new Series, ``roles`` is unchanged."""
    if not overrides:
        return roles
    out = roles.copy()
    for pid, r in overrides.items():
        if pid in out.index:
            out.at[pid] = tuple(sorted(set(r)))
    return out


def _domain(address: object) -> str:
    text = str(address).strip().lower()
    return text.rsplit("@", 1)[1] if "@" in text else ""


def work_domains(
    people: pd.DataFrame, roles: Mapping[str, Iterable[str]], me: Iterable[str]
) -> set[str]:
    """The user's work domains: domains of the user's own addresses (``me``) that are not
    consumer webmail (``CONSUMER_MAIL_DOMAINS``) and that no one labelled family, partner or
    friend uses (a private domain the family shares is no workplace) (rule W2)."""
    mine = {_domain(m) for m in me} - {""} - C.CONSUMER_MAIL_DOMAINS
    if not mine or "emails" not in people.columns:
        return mine
    private: set[str] = set()
    for pid, mails in zip(people["person_id"], people["emails"], strict=True):
        if set(roles.get(str(pid), ())) & {"family", "partner", "friend"}:
            private |= {_domain(e) for e in as_items(mails)}
    return mine - private


def work_pattern(
    prepared: pd.DataFrame, timezone: str | None = None, only: Iterable[str] | None = None
) -> list[str]:
    """People whose contact looks like work (rule W1): at least ``WORK_PATTERN_MIN_EVENTS``
    interactions, at least ``WORK_PATTERN_SHARE`` of them on weekdays within ``WORK_HOURS``
    local time, on at least two different weekdays, *and* at least ``WORK_CHANNEL_SHARE`` of
    the office-hour interactions on work-like channels: e-mail, or a meeting with at least
    ``WORK_MEETING_MIN_PEOPLE`` people (the user included). The hour alone never decides.
    ``timezone`` is an IANA zone (UTC when None); ``only`` restricts the check to these
    person_ids."""
    # per person over integer codes and plain arrays (no million-row frames or group-bys)
    pid = prepared["person_id"]
    if isinstance(pid.dtype, pd.CategoricalDtype):
        codes, names = pid.cat.codes.to_numpy(), np.asarray(pid.cat.categories, dtype=object)
    else:
        codes, uniques = pd.factorize(pid.to_numpy(dtype=object))
        names = np.asarray(uniques, dtype=object)
    n = len(names)
    valid = codes >= 0
    rows_n = np.bincount(codes[valid], minlength=n)
    cand = rows_n >= C.WORK_PATTERN_MIN_EVENTS
    if only is not None:
        cand &= np.isin(names, np.asarray(list(set(only)), dtype=object))
    if not cand.any():
        return []
    take = valid & cand[np.where(valid, codes, 0)]
    codes = codes[take]
    local = pd.DatetimeIndex(prepared["timestamp"].array[take])
    if local.tz is None:
        local = local.tz_localize("UTC")
    local = local.tz_convert(timezone or "UTC")
    wd = np.asarray(local.day_of_week)
    hr = np.asarray(local.hour)
    office = (wd < 5) & (hr >= C.WORK_HOURS[0]) & (hr < C.WORK_HOURS[1])
    size = (
        prepared["event_size"].to_numpy()[take]
        if "event_size" in prepared.columns
        else np.ones(len(codes), dtype="int64")
    )
    chan = prepared["channel"]
    email = (
        chan.cat.codes.to_numpy()[take] == list(chan.cat.categories).index("email")
        if isinstance(chan.dtype, pd.CategoricalDtype) and "email" in chan.cat.categories
        else chan.astype(object).to_numpy()[take] == "email"
    )
    worklike = email | (size + 1 >= C.WORK_MEETING_MIN_PEOPLE)
    office_n = np.bincount(codes, weights=office, minlength=n)
    work_n = np.bincount(codes, weights=office & worklike, minlength=n)
    days = np.zeros((n, 7), dtype=bool)
    days[codes[office], wd[office]] = True
    with np.errstate(divide="ignore", invalid="ignore"):
        share = office_n / rows_n
        work_share = np.where(office_n > 0, work_n / office_n, 0.0)
    hit = names[
        cand
        & (share >= C.WORK_PATTERN_SHARE)
        & (days.sum(axis=1) >= 2)
        & (work_share >= C.WORK_CHANNEL_SHARE)
    ]
    return sorted(str(p) for p in hit)


def layer_of_rate(rate_per_year: np.ndarray) -> np.ndarray:
    """The layer (1..4) whose nominal rate is nearest on a log scale."""
    nominal = np.log10(
        np.array([C.LAYER_NOMINAL_PER_YEAR[k] for k in sorted(C.LAYER_NOMINAL_PER_YEAR)])
    )
    r = np.log10(np.clip(np.asarray(rate_per_year, dtype="float64"), 1e-6, None))
    return np.argmin(np.abs(r[:, None] - nominal[None, :]), axis=1) + 1


def ring_norms() -> dict[int, int]:
    """Each ring's own typical count, innermost first: ``{1: 5, 2: 10, 3: 35, 4: 100}`` (the
    differences of Dunbar's cumulative 5, 15, 50, 150; ``LAYER_NORMS``). Compare a ring's
    count with it on the Circles page."""
    return dict(C.LAYER_NORMS)


def best_layer(
    rate: pd.Series,
    roles: pd.Series,
    *,
    evidence: pd.Series | None = None,
    group_only: pd.Series | None = None,
) -> pd.Series:
    """The innermost layer (1..4) each person with contact may reach (index of ``rate``).

    By rate: the innermost layer whose ``LAYER_MIN_PER_YEAR`` the recent, group-weighted rate
    reaches; then no higher than ``WORK_ONLY_MIN_LAYER`` when the only roles are work /
    neighbour / club, than ``GROUP_ONLY_MIN_LAYER`` when ``group_only``, and than 3 without
    ``evidence`` (rule E1: too little history for an intimate layer)."""
    r = rate.astype("float64").fillna(0.0).to_numpy()
    layer = np.full(len(r), 4, dtype="int64")
    for k in (3, 2, 1):
        layer = np.where(r >= C.LAYER_MIN_PER_YEAR[k], k, layer)
    out = pd.Series(layer, index=rate.index)
    work_only = roles_where(roles.reindex(rate.index), is_work_only)
    out = out.where(~work_only, np.maximum(out, C.WORK_ONLY_MIN_LAYER))
    if group_only is not None:
        g = group_only.reindex(rate.index).fillna(False).to_numpy(dtype=bool)
        out = out.where(~g, np.maximum(out, C.GROUP_ONLY_MIN_LAYER))
    if evidence is not None:
        e = evidence.reindex(rate.index).fillna(False).to_numpy(dtype=bool)
        out = out.where(e, np.maximum(out, 3))
    return out.astype("int64")


def is_work_only(roles: tuple) -> bool:
    """Whether ``roles`` are some and all of ``WORK_ONLY_ROLES`` (work, neighbour, club: rule C3)."""
    return bool(roles) and set(roles) <= C.WORK_ONLY_ROLES


def roles_where(roles: pd.Series, test: Callable[[tuple], bool]) -> np.ndarray:
    """``test`` of each person's roles (a tuple, as :func:`derive_roles` gives; anything else,
    such as the NaN of a reindex, reads as no roles), as a boolean array in the order of
    ``roles``: evaluated once per distinct set of roles, of which there are a handful."""
    values = roles.to_numpy(dtype=object)
    try:
        codes, uniques = pd.factorize(values)
    except TypeError:  # an unhashable value: each is tested
        return np.array([bool(test(_roles_tuple(r))) for r in values], dtype=bool)
    answers = [bool(test(_roles_tuple(u))) for u in uniques] + [bool(test(()))]
    return np.asarray(answers, dtype=bool)[codes]  # code -1, a missing value: no roles


def _roles_tuple(value: object) -> tuple:
    return value if isinstance(value, tuple) else ()


def _cut(scores: np.ndarray, lo: int, hi: int, after: float) -> int:
    """How many of ``scores`` (descending) to take: all when at most ``lo``; else the k in
    [lo, min(hi, len)] at the largest drop ``scores[k-1] - scores[k]`` (``scores[len]`` is
    ``after``, the best score left outside, NaN for nobody; taking none or all of nobody has no
    drop), the larger k on ties."""
    m = len(scores)
    if m <= lo:
        return m
    hi = min(hi, m)
    padded = np.r_[scores[0], scores, scores[-1] if np.isnan(after) else after]
    ks = np.arange(lo, hi + 1)
    drops = padded[ks] - padded[ks + 1]
    return int(ks[len(ks) - 1 - int(np.argmax(drops[::-1]))])


def assign_circles(
    rate: pd.Series,
    roles: pd.Series,
    overrides: Mapping[str, int] | None = None,
    *,
    score: pd.Series | None = None,
    best: pd.Series | None = None,
    floor: pd.Series | None = None,
    exclude: Iterable[str] = (),
) -> pd.Series:
    """Circle 1..4 per person (Int64, index of ``roles``; <NA> without contact) (rules C1, C2).

    ``rate``: recent contact days per year, indexed by person_id (people with contact);
    ``roles``: person_id -> tuple of roles for everyone; ``overrides``: person_id -> 1..4, which
    win; ``score``: closeness used for ranking (default: ``rate``); ``best``: the innermost
    layer each may reach (default :func:`best_layer` of ``rate``); ``floor``: person_id -> True
    for people who are at least in ``HOUSEHOLD_LAYER``; ``exclude``: people placed in no circle
    (archived, in memory). Layers are filled from the inside in ``score`` order; partners are
    pinned innermost and overrides pinned where the user put them; each cumulative count stays
    in ``LAYER_BOUNDS`` unless fewer people qualify; people beyond the outer bound get <NA>.
    """
    rate = rate.dropna()
    skip = set(exclude)
    ids = [p for p in rate.index if p not in skip]
    sc = (score if score is not None else rate).reindex(ids).astype("float64").fillna(0.0)
    bl = (best if best is not None else best_layer(rate, roles)).reindex(ids).fillna(4)
    partner = roles_where(roles.reindex(ids), lambda r: "partner" in r)
    pinned: dict[str, int] = {ids[i]: C.PARTNER_LAYER for i in np.flatnonzero(partner).tolist()}
    for pid, layer in (overrides or {}).items():
        if pid in roles.index and 1 <= int(layer) <= 4:
            pinned[pid] = int(layer)
    frame = pd.DataFrame({"score": sc.to_numpy(), "best": bl.to_numpy(dtype="int64")}, index=ids)
    frame = frame.loc[~frame.index.isin(list(pinned))]
    frame = frame.assign(pid=frame.index).sort_values(
        ["score", "pid"], ascending=[False, True], kind="stable"
    )
    order = frame.index.to_numpy(dtype=object)
    scores = frame["score"].to_numpy()
    bests = frame["best"].to_numpy()
    layer_of = np.zeros(len(order), dtype="int64")
    pin_layers = np.array(list(pinned.values()), dtype="int64")
    placed = 0
    for k in (1, 2, 3, 4):
        lo, hi = C.LAYER_BOUNDS[k]
        pinned_upto = int((pin_layers <= k).sum())
        free = (layer_of == 0) & (bests <= k)
        cand = np.flatnonzero(free)
        rest = np.flatnonzero((layer_of == 0) & ~free)
        # with nobody left outside, taking everyone has no drop of its own
        after = float(scores[rest].max()) if len(rest) else np.nan
        need_lo = max(0, lo - pinned_upto - placed)
        need_hi = max(0, hi - pinned_upto - placed)
        take = _cut(scores[cand], need_lo, need_hi, after) if k < 4 else min(len(cand), need_hi)
        layer_of[cand[:take]] = k
        placed += take
    got = layer_of > 0
    values = np.zeros(len(roles.index), dtype="int64")
    values[roles.index.get_indexer(order[got])] = layer_of[got]
    out = pd.Series(pd.array(np.where(values > 0, values, 0), dtype="Int64"), index=roles.index)
    out = out.mask(values == 0)
    if floor is not None:
        fl = floor.reindex(roles.index).fillna(False).astype(bool) & out.notna()
        fl &= ~out.index.isin(list(pinned))
        out = out.mask(fl & (out > C.HOUSEHOLD_LAYER), C.HOUSEHOLD_LAYER)
    for pid, layer in pinned.items():
        if pid not in skip and (pid in rate.index or pid in (overrides or {})):
            out.at[pid] = layer
    return out.astype("Int64").rename("circle")
