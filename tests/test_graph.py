"""The ego graph, person-person edges, communities and structural measures."""

import networkx as nx
import pandas as pd
import pytest

from analysis import constants as C
from analysis.metrics.cadence import as_of_timestamp, prepare
from analysis.metrics.graph import (
    ME,
    communities,
    ego_graph,
    network_structure,
    person_edges,
    structural,
)
from tests.engine_helpers import log, people_frame

AS_OF = as_of_timestamp("2025-03-01")


def test_shared_events_related_links_and_weak_org_edges():
    people = people_frame(
        [
            {"person_id": "a", "name": "Ann Berg", "related": [("sister", "Bea Berg")]},
            {"person_id": "b", "name": "Bea Berg", "orgs": ["Acme"]},
            {"person_id": "c", "name": "Cem Ak", "orgs": ["ACME"]},
            {"person_id": "d", "name": "Dirk Nocontact", "orgs": ["Acme"]},
        ]
    )
    rows = [
        ("a", "2025-01-01", "in_person", "mutual", "ev1"),
        ("b", "2025-01-01", "in_person", "mutual", "ev1"),
        ("a", "2025-01-08", "in_person", "mutual", "ev2"),
        ("b", "2025-01-08", "in_person", "mutual", "ev2"),
        ("c", "2025-01-09", "call", "outgoing"),
    ]
    edges = person_edges(people, prepare(log(rows), AS_OF), ["a", "b", "c"]).set_index(["u", "v"])
    assert edges.loc[("a", "b"), "kind"] == "event,related"
    assert edges.loc[("a", "b"), "weight"] == 2 + C.RELATED_EDGE_WEIGHT
    assert not edges.loc[("a", "b"), "weak"]
    assert edges.loc[("b", "c"), "kind"] == "org" and edges.loc[("b", "c"), "weak"]
    assert edges.loc[("b", "c"), "weight"] == C.WEAK_EDGE_WEIGHT
    assert len(edges) == 2  # d has no contact: no node, no edge


def test_huge_group_events_give_no_edges():
    n = C.EVENT_MAX_PEOPLE + 1
    people = people_frame([{"person_id": f"p{i:02d}", "name": f"P {i}"} for i in range(n)])
    rows = [(f"p{i:02d}", "2025-01-01", "message", "incoming", "big") for i in range(n)]
    assert person_edges(people, prepare(log(rows), AS_OF), people["person_id"]).empty


def _two_cliques():
    rows = []
    for u in "abcd":
        for v in "abcd":
            if u < v:
                rows.append((u, v, 1.0))
    for u in "wxyz":
        for v in "wxyz":
            if u < v:
                rows.append((u, v, 1.0))
    rows.append(("d", "w", 0.25))
    return pd.DataFrame(rows, columns=["u", "v", "weight"]).assign(kind="event", weak=False)


def test_louvain_finds_two_cliques_deterministically():
    edges = _two_cliques()
    found = communities(edges)
    assert found == [["a", "b", "c", "d"], ["w", "x", "y", "z"]]
    assert communities(edges.iloc[::-1].reset_index(drop=True)) == found


@pytest.mark.parametrize("chunk", [2**18, 40, 1])
def test_structural_measures_equal_networkx(chunk, monkeypatch):
    """Burt's measures give NetworkX's, whether the two-step paths are gone over at once or
    a few nodes' at a time (one node's at a time at the least)."""
    import analysis.metrics.graph as graph

    monkeypatch.setattr(graph, "_PATHS_PER_CHUNK", chunk)
    g = nx.les_miserables_graph()
    edges = pd.DataFrame(
        [(min(a, b), max(a, b), d["weight"]) for a, b, d in g.edges(data=True)],
        columns=["u", "v", "weight"],
    )
    s = structural(edges)
    es = nx.effective_size(g, weight="weight")
    cs = nx.constraint(g, weight="weight")
    for node in g.nodes:
        assert s.loc[node, "effective_size"] == pytest.approx(es[node])
        assert s.loc[node, "constraint"] == pytest.approx(cs[node])


def test_ego_graph_has_me_edges_with_metrics_and_person_edges():
    table = pd.DataFrame(
        {
            "person_id": ["a", "b", "n"],
            "name": ["A", "B", "N"],
            "circle": pd.array([1, 3, None], dtype="Int64"),
            "tie_strength": [0.9, 0.4, float("nan")],
            "status": ["ok", "overdue", "no_contact"],
        }
    )
    edges = pd.DataFrame(
        {"u": ["a"], "v": ["b"], "weight": [1.0], "kind": ["event"], "weak": [False]}
    )
    g = ego_graph(table, edges)
    assert set(g.nodes) == {ME, "a", "b"}  # no node for someone never in touch
    assert g.edges[ME, "a"]["weight"] == 0.9 and g.edges[ME, "b"]["status"] == "overdue"
    assert g.edges["a", "b"]["kind"] == "event"
    assert g.nodes["a"]["circle"] == 1


def test_communities_are_the_same_every_time_and_leave_pythons_random_numbers_alone():
    import random

    from analysis.metrics.graph import communities

    rows = []
    for club in range(6):  # six clubs of eight, each a clique, chained by one tie each
        members = [f"c{club}-{i}" for i in range(8)]
        rows += [(a, b, 1.0) for i, a in enumerate(members) for b in members[i + 1 :]]
        rows.append((members[0], f"c{(club + 1) % 6}-1", 0.2))
    edges = pd.DataFrame(rows, columns=["u", "v", "weight"])
    edges[["u", "v"]] = [sorted(p) for p in zip(edges["u"], edges["v"], strict=True)]
    random.seed(5)
    expected = random.random()
    random.seed(5)
    first = communities(edges)
    assert random.random() == expected
    assert first == communities(edges.sample(frac=1.0, random_state=3))
    assert sorted(map(sorted, first)) == sorted(
        sorted(f"c{club}-{i}" for i in range(8)) for club in range(6)
    )


def _club():
    people = people_frame(
        [
            {"person_id": "a", "name": "Ann Berg", "orgs": ["Rowing club"]},
            {"person_id": "b", "name": "Bea Berg", "orgs": ["Rowing club"]},
            {"person_id": "c", "name": "Cem Ak"},
            {"person_id": "d", "name": "Dirk Ohm"},
        ]
    )
    rows = [
        ("a", "2025-01-01", "in_person", "mutual", "ev1"),
        ("b", "2025-01-01", "in_person", "mutual", "ev1"),
        ("c", "2025-01-01", "in_person", "mutual", "ev1"),
        ("c", "2025-01-09", "call", "outgoing"),
        ("d", "2025-01-10", "message", "outgoing"),
    ]
    return people, rows


def _fresh(people, prepared, nodes):
    edges = person_edges(people, prepared, nodes)
    return edges, communities(edges), structural(edges)


def _same(kept, fresh) -> None:
    pd.testing.assert_frame_equal(kept.edges, fresh[0])
    assert kept.communities == fresh[1]
    pd.testing.assert_frame_equal(kept.measures, fresh[2])


def test_network_structure_after_one_to_one_contact_is_the_fresh_one():
    people, rows = _club()
    first = prepare(log(rows), AS_OF)
    network_structure(people, first, ["a", "b", "c", "d"])
    later = prepare(log([*rows, ("a", "2025-02-01", "call", "outgoing")]), AS_OF)
    kept = network_structure(people, later, ["a", "b", "c", "d"])
    _same(kept, _fresh(people, later, ["a", "b", "c", "d"]))
    kept.communities.clear()  # a caller's copy: the kept result is not changed
    assert network_structure(people, later, ["a", "b", "c", "d"]).communities


def test_network_structure_follows_a_new_shared_event_a_card_and_a_new_node():
    people, rows = _club()
    nodes = ["a", "b", "c", "d"]
    before = network_structure(people, prepare(log(rows), AS_OF), nodes)
    assert ("c", "d") not in set(zip(before.edges["u"], before.edges["v"], strict=True))
    # d joins an event with c: a new edge c-d
    shared = [*rows, ("c", "2025-02-02", "in_person", "mutual", "ev2"),
              ("d", "2025-02-02", "in_person", "mutual", "ev2")]  # fmt: skip
    prepared = prepare(log(shared), AS_OF)
    after = network_structure(people, prepared, nodes)
    assert ("c", "d") in set(zip(after.edges["u"], after.edges["v"], strict=True))
    _same(after, _fresh(people, prepared, nodes))
    # a card now names d's club: an org edge b-d (a new frame with the same ids)
    carded = people.copy()
    carded["orgs"] = [["Rowing club"], ["Rowing club"], [], ["Rowing club"]]
    after_card = network_structure(carded, prepared, nodes)
    _same(after_card, _fresh(carded, prepared, nodes))
    assert ("b", "d") in set(zip(after_card.edges["u"], after_card.edges["v"], strict=True))
    # without d among the nodes, d's edges go
    fewer = network_structure(carded, prepared, ["a", "b", "c"])
    assert "d" not in set(fewer.edges["u"]) | set(fewer.edges["v"])


def test_a_people_frame_read_again_finds_the_kept_structure_and_a_changed_card_does_not():
    import pickle

    from analysis.metrics import graph

    people, rows = _club()
    people["categories"] = [["Rowing club"], ["Rowing club"], [], []]
    prepared = prepare(log(rows), AS_OF)
    nodes = ["a", "b", "c", "d"]
    graph._STRUCTURES.clear()
    first = network_structure(people, prepared, nodes)
    # the same cards as new objects (each text its own object, as a frame read again holds)
    again = pickle.loads(pickle.dumps(people))
    again["categories"] = [["".join(["Rowing", " club"])], ["Rowing club"], [], []]
    assert network_structure(again, prepared, nodes).edges is first.edges
    changed = again.copy()
    changed["categories"] = [["Rowing club"], ["Rowing"], [], []]
    assert network_structure(changed, prepared, nodes).edges is not first.edges
