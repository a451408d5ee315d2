"""The support network as a NetworkX ego graph.

* Node ``"me"`` (``kind="me"``) plus one node per person with contact (``kind="person"``, with
  the person's metrics as attributes).
* Edge me-person: ``weight`` = tie strength, ``kind="me"``, plus the per-person metrics.
* Person-person edges (``kind`` lists why, comma-separated): ``event`` (they share group events;
  weight = number of shared events; events with more than ``EVENT_MAX_PEOPLE`` people are
  ignored), ``related`` (a vCard RELATED / related-name link between their cards,
  ``RELATED_EDGE_WEIGHT``), and, weaker and flagged ``weak=True`` when it is the only reason,
  ``org`` / ``category`` (same organisation or label, ``WEAK_EDGE_WEIGHT`` each; groups larger
  than ``GROUP_MAX_PEOPLE`` ignored). Person-person edges are drawn only between people with
  contact (the nodes of the graph).
* Communities: ``networkx.community.louvain_communities`` on the person-person graph (without
  ``me``), seeded with ``LOUVAIN_SEED``, nodes and edges added in sorted order, so the same input
  gives the same communities. Only people with person-person ties take part.
* Structural measures (Burt): ``effective_size`` and ``constraint`` on the graph without ``me``,
  for at most ``STRUCTURAL_MAX_NODES`` people with person-person ties (strongest ties first).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import combinations
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.normalize import normalize_name

ME = "me"
"""Node id of the user in the ego graph."""

EDGE_COLUMNS = ["u", "v", "weight", "kind", "weak"]
_IGNORED = frozenset(normalize_name(c) for c in C.IGNORED_CATEGORIES)


def _as_list(value: Any) -> list:
    if value is None or isinstance(value, float):
        return []
    if isinstance(value, str):
        return [value] if value else []
    return list(value)


def _pairs_from_groups(groups: pd.DataFrame, key: str, max_size: int) -> pd.DataFrame:
    """All (u, v) pairs, u < v, of people sharing a ``key`` value, counting the shared groups
    (``n``); groups of one person or of more than ``max_size`` people give no pairs. Sorted by
    (u, v). Plain Python over the distinct (group, person) pairs: a few hundred groups on a
    typical network, where DataFrame merges cost more in overhead than in work."""
    if groups.empty:
        return _no_pairs()
    g_codes = pd.factorize(groups[key].to_numpy(dtype=object))[0].astype("int64")
    p_codes, p_ids = pd.factorize(groups["person_id"].to_numpy(dtype=object))
    width = max(len(p_ids), 1)
    distinct = np.unique(g_codes * width + p_codes.astype("int64"))
    grp, person = distinct // width, distinct % width
    bounds = np.flatnonzero(np.r_[True, grp[1:] != grp[:-1], True])
    sizes = np.diff(bounds)
    ids = np.asarray(p_ids, dtype=object)
    counts: Counter[tuple[str, str]] = Counter()
    for start in np.flatnonzero((sizes >= 2) & (sizes <= max_size)):
        members = sorted(ids[person[bounds[start] : bounds[start + 1]]])
        counts.update(combinations(members, 2))
    if not counts:
        return _no_pairs()
    rows = sorted(counts.items())
    return pd.DataFrame(
        {
            "u": pd.Series([uv[0] for uv, _ in rows], dtype=object),
            "v": pd.Series([uv[1] for uv, _ in rows], dtype=object),
            "n": pd.Series([n for _, n in rows], dtype="int64"),
        }
    )


def _no_pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "u": pd.Series([], dtype=object),
            "v": pd.Series([], dtype=object),
            "n": pd.Series([], dtype="int64"),
        }
    )


def person_edges(
    people: pd.DataFrame, prepared: pd.DataFrame, nodes: Iterable[str]
) -> pd.DataFrame:
    """Person-person edges among ``nodes``: columns ``u, v`` (u < v), ``weight``, ``kind``
    (e.g. ``"event,org"``), ``weak`` (True when only org/category links them)."""
    node_set = set(nodes)
    parts = []
    ev_col = prepared["event_id"]
    if isinstance(ev_col.dtype, pd.CategoricalDtype):
        ev_codes = ev_col.cat.codes.to_numpy()
        blank = np.flatnonzero(np.asarray(ev_col.cat.categories, dtype=object) == "")
        has_event = (ev_codes >= 0) & ~np.isin(ev_codes, blank)
    else:
        has_event = ev_col.fillna("").to_numpy(dtype=object) != ""
    ev = prepared.loc[has_event, ["event_id", "person_id"]]
    if len(ev):
        ev = pd.DataFrame(
            {
                "event_id": ev["event_id"].to_numpy(dtype=object),
                "person_id": ev["person_id"].to_numpy(dtype=object),
            }
        )
        ev = ev.loc[ev["person_id"].isin(node_set)]
        p = _pairs_from_groups(ev, "event_id", C.EVENT_MAX_PEOPLE)
        parts.append(p.assign(weight=p["n"].astype("float64"), kind="event"))
    ids = [str(p) for p in people["person_id"].tolist()]
    by_name: dict[str, list[str]] = {}
    for pid, name in zip(ids, people["name"], strict=True):
        key = normalize_name(name)
        if key and pid in node_set:
            by_name.setdefault(key, []).append(pid)
    rel_rows = []
    group_rows: dict[str, list[tuple[str, str]]] = {"org": [], "category": []}
    related = people["related"].tolist() if "related" in people.columns else [[]] * len(ids)
    orgs_col = people["orgs"].tolist() if "orgs" in people.columns else [[]] * len(ids)
    cats_col = people["categories"].tolist()
    for i, pid in enumerate(ids):
        if pid not in node_set:
            continue
        for item in _as_list(related[i]):
            if isinstance(item, list | tuple) and len(item) == 2:
                for other in by_name.get(normalize_name(item[1]), []):
                    if other != pid:
                        rel_rows.append((min(pid, other), max(pid, other)))
        for org in _as_list(orgs_col[i]):
            key = normalize_name(org)
            if key:
                group_rows["org"].append((key, pid))
        for cat in _as_list(cats_col[i]):
            key = normalize_name(cat)
            if key and key not in _IGNORED:
                group_rows["category"].append((key, pid))
    if rel_rows:
        rel = pd.DataFrame(rel_rows, columns=["u", "v"]).drop_duplicates()
        parts.append(rel.assign(weight=C.RELATED_EDGE_WEIGHT, kind="related"))
    for kind, rows in group_rows.items():
        if rows:
            g = pd.DataFrame(rows, columns=["grp", "person_id"])
            p = _pairs_from_groups(g, "grp", C.GROUP_MAX_PEOPLE)
            parts.append(p.assign(weight=C.WEAK_EDGE_WEIGHT * p["n"], kind=kind))
    parts = [p[["u", "v", "weight", "kind"]] for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(
            {
                "u": pd.Series([], dtype=object),
                "v": pd.Series([], dtype=object),
                "weight": pd.Series([], dtype="float64"),
                "kind": pd.Series([], dtype=object),
                "weak": pd.Series([], dtype=bool),
            }
        )
    allp = pd.concat(parts, ignore_index=True)
    allp["bit"] = allp["kind"].map(_KIND_BITS).astype("int64")
    node_ids = np.array(sorted(set(allp["u"]).union(allp["v"])), dtype=object)
    code = pd.Series(np.arange(len(node_ids)), index=node_ids)
    allp["uc"] = code.reindex(allp["u"]).to_numpy()
    allp["vc"] = code.reindex(allp["v"]).to_numpy()
    out = (
        allp.groupby(["uc", "vc"], sort=True)
        .agg(weight=("weight", "sum"), bits=("bit", "sum"))
        .reset_index()
    )
    return pd.DataFrame(
        {
            "u": pd.Series(node_ids[out["uc"].to_numpy()], dtype=object),
            "v": pd.Series(node_ids[out["vc"].to_numpy()], dtype=object),
            "weight": out["weight"].astype("float64"),
            "kind": pd.Series([_bits_to_kind(b) for b in out["bits"]], dtype=object),
            "weak": (out["bits"].to_numpy() & 0b0011) == 0,
        }
    )


_KIND_BITS = {"event": 1, "related": 2, "org": 4, "category": 8}


@lru_cache(maxsize=16)
def _bits_to_kind(bits: int) -> str:
    return ",".join(k for k, b in _KIND_BITS.items() if bits & b)


NODE_ATTRS = (
    "name",
    "circle",
    "tie_strength",
    "status",
    "days_since",
    "expected_interval_days",
    "overdue_ratio",
    "offline_share",
    "initiated_share",
    "interactions",
)


def _clean(value: object) -> object:
    if value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def ego_graph(table: pd.DataFrame, edges: pd.DataFrame) -> nx.Graph:
    """The ego graph from the engine's people table (people with contact become nodes) and
    :func:`person_edges`."""
    graph = nx.Graph()
    graph.add_node(ME, kind="me", name="me")
    rows = table.loc[table["circle"].notna()].sort_values("person_id", kind="stable")
    cols = [c for c in NODE_ATTRS if c in rows.columns]
    attrs = rows[cols].astype(object)
    attrs = attrs.where(attrs.notna(), None).to_dict("records")
    ids = rows["person_id"].tolist()
    graph.add_nodes_from((pid, {"kind": "person", **a}) for pid, a in zip(ids, attrs, strict=True))
    graph.add_edges_from(
        (ME, pid, {"kind": "me", "weak": False, **a, "weight": a.get("tie_strength") or 0.0})
        for pid, a in zip(ids, attrs, strict=True)
    )
    graph.add_edges_from(
        (u, v, {"weight": float(w), "kind": kind, "weak": bool(weak)})
        for u, v, w, kind, weak in edges[EDGE_COLUMNS].itertuples(index=False)
    )
    return graph


def people_subgraph(edges: pd.DataFrame) -> nx.Graph:
    """The person-person graph (no ``me``), nodes and edges in sorted order."""
    h = nx.Graph()
    nodes = sorted(set(edges["u"]).union(edges["v"]))
    h.add_nodes_from(nodes)
    h.add_weighted_edges_from(edges[["u", "v", "weight"]].itertuples(index=False, name=None))
    return h


def communities(edges: pd.DataFrame) -> list[list[str]]:
    """Louvain communities (seeded) of people with person-person ties: lists of person_ids,
    each sorted, largest community first (ties by first id). Singletons are left out."""
    if edges.empty:
        return []
    h = people_subgraph(edges)
    found = nx.community.louvain_communities(h, weight="weight", seed=C.LOUVAIN_SEED)
    groups = [sorted(c) for c in found if len(c) >= 2]
    return sorted(groups, key=lambda c: (-len(c), c[0]))


def structural(edges: pd.DataFrame) -> pd.DataFrame:
    """Burt's weighted ``effective_size`` and ``constraint`` on the person-person graph (no
    ``me``) for every person with person-person ties, indexed by person_id.

    Same definitions as ``networkx.effective_size`` / ``networkx.constraint`` (with
    ``p_ij = w_ij / sum_k w_ik`` and ``m_jq = w_jq / max_k w_jk``):
    ``constraint_i = sum_j (p_ij + sum_q p_iq p_qj)^2`` and ``effective_size_i = deg_i -
    sum_j sum_q p_iq m_jq`` over neighbours j, q of i. NetworkX's pure-Python versions took 30 s on a
    2,000-person graph, so this computes them with pandas joins over the two-step paths
    ``i-q-j`` that close a triangle (tests check equality with NetworkX). When the number of
    two-step paths exceeds ``STRUCTURAL_MAX_PATHS`` the measures are left out (empty frame).
    """
    empty = pd.DataFrame(
        {"effective_size": pd.Series(dtype="float64"), "constraint": pd.Series(dtype="float64")}
    )
    if edges.empty:
        return empty
    nodes = np.array(sorted(set(edges["u"]).union(edges["v"])), dtype=object)
    code = pd.Series(np.arange(len(nodes)), index=nodes)
    u = code.reindex(edges["u"]).to_numpy()
    v = code.reindex(edges["v"]).to_numpy()
    w = edges["weight"].to_numpy(dtype="float64")
    d = pd.DataFrame(
        {"i": np.concatenate([u, v]), "j": np.concatenate([v, u]), "w": np.concatenate([w, w])}
    )
    deg = np.bincount(d["i"], minlength=len(nodes))
    if float((deg.astype("float64") ** 2).sum()) > C.STRUCTURAL_MAX_PATHS:
        return empty
    strength = np.bincount(d["i"], weights=d["w"], minlength=len(nodes))
    wmax = d.groupby("i")["w"].max().reindex(range(len(nodes))).to_numpy()
    d["p"] = d["w"].to_numpy() / strength[d["i"].to_numpy()]
    # two-step paths i-q-j (j != i) that close a triangle with an i-j edge
    first = d.rename(columns={"j": "q", "p": "p_iq"})[["i", "q", "p_iq"]]
    second = d.rename(columns={"i": "q", "p": "p_qj", "w": "w_qj"})[["q", "j", "p_qj", "w_qj"]]
    paths = first.merge(second, on="q")
    paths = paths.loc[paths["i"].to_numpy() != paths["j"].to_numpy()]
    tri = paths.merge(d[["i", "j"]], on=["i", "j"])
    tri["m_jq"] = tri["w_qj"].to_numpy() / wmax[tri["j"].to_numpy()]
    indirect = tri.assign(x=tri["p_iq"] * tri["p_qj"]).groupby(["i", "j"])["x"].sum()
    redundancy = (tri["p_iq"] * tri["m_jq"]).groupby(tri["i"]).sum()
    dd = d.set_index(["i", "j"])
    total = dd["p"] + indirect.reindex(dd.index, fill_value=0.0)
    constraint = (total**2).groupby(level=0).sum()
    eff = deg - redundancy.reindex(range(len(nodes)), fill_value=0.0).to_numpy()
    out = pd.DataFrame(
        {"effective_size": eff, "constraint": constraint.reindex(range(len(nodes))).to_numpy()},
        index=pd.Index(nodes, name="person_id"),
    )
    return out


def community_of(groups: list[list[str]]) -> dict[str, int]:
    """person_id -> community number (0 = largest)."""
    return {pid: i for i, members in enumerate(groups) for pid in members}
