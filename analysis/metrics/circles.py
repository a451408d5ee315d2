"""Roles and Dunbar-style circles (layers ~5, 15, 50, 150).

* :func:`derive_roles`: ``family | partner | friend | work | neighbour | club | community`` from
  contact categories / labels (multilingual keywords), related links, a shared organisation, and
  a weak work-pattern signal (weekday office hours), with the user's overrides winning.
* :func:`ckmeans`: optimal 1-D k-means by dynamic programming (Wang & Song 2011, "Ckmeans.1d.dp:
  optimal k-means clustering in one dimension by dynamic programming", The R Journal 3(2):29-33),
  weighted, so it runs on binned values.
* :func:`assign_circles`: cluster log10 contact rate with :func:`ckmeans` (k <= 4), put each
  cluster in the layer whose nominal rate (weekly, monthly, quarterly, yearly) is nearest to the
  cluster's centre -- so three monthly friends stay one layer instead of being forced into four --
  then correct by role (a partner is innermost; people who are only co-workers, neighbours or club
  mates go no higher than layer 3, Marsden & Campbell 1984) and apply the user's overrides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.normalize import normalize_name, strip_accents

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)?")


def _norm_label(text: object) -> str:
    return strip_accents(str(text)).casefold().strip()


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


def _as_list(value: object) -> list:
    if value is None or isinstance(value, float):
        return []
    if isinstance(value, str):
        return [value] if value else []
    return list(value)


def derive_roles(
    people: pd.DataFrame,
    prepared: pd.DataFrame | None = None,
    timezone: str | None = None,
    overrides: Mapping[str, Iterable[str]] | None = None,
    me: Iterable[str] = (),
) -> pd.Series:
    """Roles per person: a Series person_id -> sorted tuple of roles (possibly empty).

    Sources, in order: categories/labels; related links naming the user (``me``: the user's
    names; Google's "Relation: Partner = <user>" on Jonas's card makes Jonas the user's partner,
    "Mother = <user>" makes family, "Friend"/"Colleague" friend/work); related links between
    people (a person whose card names a kin relation to someone who is family is family too, and
    vice versa; a partner-type relation between two other people does not make either the user's
    partner); an organisation shared by at least
    ``WORK_ORG_MIN_PEOPLE`` people (``work``, only when nothing else is known); the work-pattern
    signal on ``prepared`` interactions (``work``, only when nothing else is known); then the
    user's ``overrides`` (person_id -> roles) replace the result.
    """
    ids = [str(p) for p in people["person_id"].tolist()]
    roles: dict[str, set[str]] = {
        pid: roles_from_labels(_as_list(cats))
        for pid, cats in zip(ids, people["categories"], strict=True)
    }
    # related links: kin propagate family membership one step
    by_name: dict[str, list[str]] = {}
    for pid, name in zip(ids, people["name"], strict=True):
        key = normalize_name(name)
        if key:
            by_name.setdefault(key, []).append(pid)
    me_keys = {normalize_name(m) for m in me} - {""}
    if "related" in people.columns:
        for pid, rel in zip(ids, people["related"], strict=True):
            for item in _as_list(rel):
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
    # shared organisation
    if "orgs" in people.columns:
        org_people: dict[str, set[str]] = {}
        for pid, orgs in zip(ids, people["orgs"], strict=True):
            for org in _as_list(orgs):
                key = normalize_name(org)
                if key:
                    org_people.setdefault(key, set()).add(pid)
        for members in org_people.values():
            if len(members) >= C.WORK_ORG_MIN_PEOPLE:
                for pid in members:
                    if not roles[pid]:
                        roles[pid].add("work")
    # work-pattern signal
    if prepared is not None and len(prepared):
        unknown = {pid for pid, r in roles.items() if not r}
        for pid in work_pattern(prepared, timezone, only=unknown):
            if pid in roles and not roles[pid]:
                roles[pid].add("work")
    out = pd.Series({pid: tuple(sorted(r)) for pid, r in roles.items()}, dtype=object)
    for pid, r in (overrides or {}).items():
        if pid in out.index:
            out.at[pid] = tuple(sorted(set(r)))
    out.index.name = "person_id"
    return out


def work_pattern(
    prepared: pd.DataFrame, timezone: str | None = None, only: Iterable[str] | None = None
) -> list[str]:
    """People whose contact looks like work: at least ``WORK_PATTERN_MIN_EVENTS`` interactions,
    at least ``WORK_PATTERN_SHARE`` of them on weekdays within ``WORK_HOURS`` local time, on at
    least two different weekdays. ``timezone`` is an IANA zone (UTC when None); ``only``
    restricts the check to these person_ids."""
    if only is not None:
        prepared = prepared.loc[prepared["person_id"].isin(set(only))]
    counts = prepared.groupby("person_id", observed=True).size()
    cand = counts.index[counts >= C.WORK_PATTERN_MIN_EVENTS]
    if len(cand) == 0:
        return []
    rows = prepared.loc[prepared["person_id"].isin(cand), ["person_id", "timestamp"]]
    local = rows["timestamp"].dt.tz_convert(timezone or "UTC")
    wd = local.dt.day_of_week.to_numpy()
    hr = local.dt.hour.to_numpy()
    office = (wd < 5) & (hr >= C.WORK_HOURS[0]) & (hr < C.WORK_HOURS[1])
    frame = pd.DataFrame({"person_id": rows["person_id"].to_numpy(), "office": office, "wd": wd})
    g = frame.groupby("person_id", observed=True)
    share = g["office"].mean()
    kinds = frame[frame["office"]].groupby("person_id", observed=True)["wd"].nunique()
    kinds = kinds.reindex(share.index, fill_value=0)
    hit = share.index[(share >= C.WORK_PATTERN_SHARE) & (kinds >= 2)]
    return sorted(str(p) for p in hit)


def ckmeans(values: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Optimal weighted 1-D k-means (Wang & Song 2011): cluster labels 0..k'-1 for sorted
    ``values`` (ascending, distinct), minimising the weighted within-cluster sum of squares.

    ``k`` is reduced to the number of distinct values. O(k * m^2) with numpy over the m values;
    callers bin values first. Labels are non-decreasing along ``values``.
    """
    x = np.asarray(values, dtype="float64")
    w = np.asarray(weights, dtype="float64")
    m = len(x)
    if m == 0:
        return np.zeros(0, dtype="int64")
    k = max(1, min(int(k), m))
    s0 = np.concatenate([[0.0], np.cumsum(w)])
    s1 = np.concatenate([[0.0], np.cumsum(w * x)])
    s2 = np.concatenate([[0.0], np.cumsum(w * x * x)])

    def sse(j: np.ndarray, i: int) -> np.ndarray:  # cost of cluster x[j..i] inclusive
        ww = s0[i + 1] - s0[j]
        sx = s1[i + 1] - s1[j]
        return (s2[i + 1] - s2[j]) - sx * sx / ww

    cost = np.full((k, m), np.inf)
    back = np.zeros((k, m), dtype="int64")
    cost[0] = s2[1:] - s1[1:] ** 2 / s0[1:]
    for q in range(1, k):
        for i in range(q, m):
            j = np.arange(q, i + 1)
            cand = cost[q - 1, j - 1] + sse(j, i)
            best = int(np.argmin(cand))
            cost[q, i] = cand[best]
            back[q, i] = j[best]
    labels = np.zeros(m, dtype="int64")
    i = m - 1
    for q in range(k - 1, -1, -1):
        start = back[q, i] if q > 0 else 0
        labels[start : i + 1] = q
        i = start - 1
    return labels


def layer_of_rate(rate_per_year: np.ndarray) -> np.ndarray:
    """The layer (1..4) whose nominal rate is nearest on a log scale."""
    nominal = np.log10(
        np.array([C.LAYER_NOMINAL_PER_YEAR[k] for k in sorted(C.LAYER_NOMINAL_PER_YEAR)])
    )
    r = np.log10(np.clip(np.asarray(rate_per_year, dtype="float64"), 1e-6, None))
    return np.argmin(np.abs(r[:, None] - nominal[None, :]), axis=1) + 1


def frequency_layers(rate: pd.Series) -> pd.Series:
    """Layer 1..4 per person from contact rate (contact days per year) alone.

    Log10 rates are binned (``CLUSTER_LOG_BIN``), clustered with weighted :func:`ckmeans`
    (k = ``CLUSTER_MAX_K``), and each cluster goes to the layer nearest its weighted centre.
    """
    rate = rate.dropna()
    if rate.empty:
        return pd.Series(dtype="Int64")
    logr = np.log10(np.clip(rate.to_numpy(dtype="float64"), 1e-6, None))
    binned = np.round(logr / C.CLUSTER_LOG_BIN).astype("int64")
    uniq, inverse, counts = np.unique(binned, return_inverse=True, return_counts=True)
    xs = uniq * C.CLUSTER_LOG_BIN
    labels = ckmeans(xs, counts.astype("float64"), C.CLUSTER_MAX_K)
    n_cl = labels.max() + 1
    centre = np.array(
        [np.average(xs[labels == c], weights=counts[labels == c]) for c in range(n_cl)]
    )
    cluster_layer = layer_of_rate(10.0**centre)
    return pd.Series(cluster_layer[labels[inverse]], index=rate.index, dtype="Int64")


def assign_circles(
    rate: pd.Series,
    roles: pd.Series,
    overrides: Mapping[str, int] | None = None,
) -> pd.Series:
    """Circle 1..4 per person (Int64; <NA> for people without contact and no override).

    ``rate``: contact days per year, indexed by person_id (people with contact); ``roles``:
    person_id -> tuple of roles for everyone; ``overrides``: person_id -> 1..4, which win.
    """
    layers = frequency_layers(rate).reindex(roles.index).astype("Int64")
    has = layers.notna()
    role_sets = roles.map(set)
    partner = role_sets.map(lambda r: "partner" in r) & has
    work_only = role_sets.map(lambda r: bool(r) and r <= C.WORK_ONLY_ROLES) & has
    layers = layers.mask(partner, C.PARTNER_LAYER)
    layers = layers.mask(
        work_only, np.maximum(layers.fillna(1).astype("int64"), C.WORK_ONLY_MIN_LAYER)
    )
    for pid, layer in (overrides or {}).items():
        if pid in layers.index and 1 <= int(layer) <= 4:
            layers.at[pid] = int(layer)
    return layers.astype("Int64").rename("circle")
