import math

import networkx as nx
import pandas as pd

from analysis.metrics.layout import OUTER_RADIUS, RING_RADIUS, radial_layout


def _people(rows):
    return pd.DataFrame(
        {
            "person_id": [r[0] for r in rows],
            "circle": pd.array([r[1] for r in rows], dtype="Int64"),
            "community": pd.array([r[2] for r in rows], dtype="Int64"),
            "tie_strength": [r[3] for r in rows],
        }
    )


def _graph(ids):
    g = nx.Graph()
    g.add_node("me")
    for pid in ids:
        g.add_edge("me", pid)
    return g


def _angle(xy):
    x, y = xy
    return math.atan2(x, y) % (2 * math.pi)


ROWS = [
    ("a", 1, 0, 0.9),
    ("b", 2, 0, 0.6),
    ("c", 3, 1, 0.4),
    ("d", 4, 1, 0.2),
    ("e", None, None, 0.0),
    ("f", 3, 0, 0.5),
]


def test_me_is_at_the_centre_and_people_sit_on_the_ring_of_their_circle():
    pos = radial_layout(_graph([r[0] for r in ROWS]), _people(ROWS))
    assert pos["me"] == (0.0, 0.0)
    for pid, circle, *_ in ROWS:
        expected = RING_RADIUS[circle] if circle is not None else OUTER_RADIUS
        assert math.hypot(*pos[pid]) == pytest_approx(expected)


def pytest_approx(v):
    import pytest

    return pytest.approx(v, abs=1e-9)


def test_graph_nodes_missing_from_people_go_on_the_outer_ring():
    g = _graph(["a", "stranger"])
    pos = radial_layout(g, _people([("a", 1, 0, 0.5)]))
    assert math.hypot(*pos["stranger"]) == pytest_approx(OUTER_RADIUS)


def test_layout_is_deterministic_whatever_the_row_and_node_order():
    ids = [r[0] for r in ROWS]
    one = radial_layout(_graph(ids), _people(ROWS))
    two = radial_layout(_graph(list(reversed(ids))), _people(list(reversed(ROWS))))
    assert one == two


def test_each_ring_is_filled_all_round_with_communities_in_the_same_order():
    # community 0 has 4 people, community 1 has 2: on every ring, 0 comes before 1
    rows = [("a0", 1, 0, 0.5), ("a1", 1, 0, 0.4), ("b0", 1, 1, 0.9), ("a2", 3, 0, 0.5),
            ("a3", 3, 0, 0.5), ("b1", 3, 1, 0.5)]  # fmt: skip
    pos = radial_layout(_graph([r[0] for r in rows]), _people(rows))
    ring1 = sorted(["a0", "a1", "b0"], key=lambda p: _angle(pos[p]))
    ring3 = sorted(["a2", "a3", "b1"], key=lambda p: _angle(pos[p]))
    assert ring1 == ["a0", "a1", "b0"]  # the larger community first, even with weaker ties
    assert ring3 == ["a2", "a3", "b1"]
    # evenly spread over the full turn: 120 degrees apart, starting 60 degrees past 12 o'clock
    assert [round(math.degrees(_angle(pos[p]))) for p in ring1] == [60, 180, 300]


def test_stronger_ties_come_first_within_a_community_on_one_ring():
    rows = [("weak", 2, 0, 0.1), ("strong", 2, 0, 0.9), ("mid", 2, 0, 0.5)]
    pos = radial_layout(_graph([r[0] for r in rows]), _people(rows))
    assert _angle(pos["strong"]) < _angle(pos["mid"]) < _angle(pos["weak"])


def test_two_thousand_people_get_distinct_positions():
    rows = [
        (f"x{i:04d}", 1 + i % 5 if i % 5 else None, i % 7, (i % 100) / 100) for i in range(2000)
    ]
    pos = radial_layout(_graph([r[0] for r in rows]), _people(rows))
    assert len(pos) == 2001
    assert len({(round(x, 9), round(y, 9)) for x, y in pos.values()}) == 2001


def test_an_empty_graph_gives_only_the_centre():
    g = nx.Graph()
    g.add_node("me")
    assert radial_layout(g, _people([])) == {"me": (0.0, 0.0)}
