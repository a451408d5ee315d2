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


# --- the picture of what is shown: rings sized to their members, clusters, labels -----------

from analysis.metrics.layout import (  # noqa: E402
    SPACING,
    Box,
    group_layout,
    overlapping_pairs,
    place_labels,
    ring_layout,
    text_extent,
)

FIRST = ["Ana", "Bartholomew", "Zoë", "Li", "Jean-Baptiste", "Małgorzata", "Oluwaseun", "Mia"]
LAST = ["Ng", "Hartmann", "Okafor", "van der Berg", "Ødegaard", "Kowalczyk-Nowak"]


def _crowd(n: int) -> pd.DataFrame:
    """``n`` people the way the engine sizes circles (5, 15, 50, 150, the rest without one),
    in 12 communities, with names of very different lengths; deterministic."""
    circles = [1] * 5 + [2] * 15 + [3] * 50 + [4] * 150
    circles = (circles + [None] * n)[:n]
    return pd.DataFrame(
        {
            "person_id": [f"p{i:04d}" for i in range(n)],
            "name": [f"{FIRST[i % 8]} {LAST[(i * 7) % 6]}" for i in range(n)],
            "circle": pd.array(circles, dtype="Int64"),
            "community": pd.array([(i * 5) % 12 for i in range(n)], dtype="Int64"),
            "tie_strength": [((i * 37) % 100) / 100 for i in range(n)],
        }
    )


def _min_distance(positions) -> float:
    pts = list(positions.values())
    best = math.inf
    for i in range(len(pts)):
        for j in range(i + 1, len(pts)):
            best = min(best, math.dist(pts[i], pts[j]))
    return best


def _labels(layout, people, scale_px=540.0, forced=()):
    lim = layout.extent + 1.2
    order = list(people.sort_values("tie_strength", ascending=False)["person_id"])
    names = dict(zip(people["person_id"], people["name"], strict=True))
    you = Box(0.0, 0.0, 1.0, 1.0)
    return you, place_labels(
        layout.positions, names, order, scale_px / (2 * lim), bounds=lim, forced=list(forced),
        obstacles=[you],
    )  # fmt: skip


def test_dots_keep_the_minimum_spacing_at_20_150_and_2000_people():
    for n in (20, 150, 600):  # 2,000 below, with a grid check (the pairwise one is quadratic)
        for layout in (ring_layout(_crowd(n)), group_layout(_crowd(n))):
            assert len(layout.positions) == n
            assert _min_distance(layout.positions) >= SPACING - 1e-9


def test_two_thousand_people_keep_their_spacing_and_the_picture_stays_compact():
    layout = ring_layout(_crowd(2000))
    cells: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for x, y in layout.positions.values():
        cells.setdefault((math.floor(x), math.floor(y)), []).append((x, y))
    for (i, j), pts in cells.items():
        near = [
            q for di in (-1, 0, 1) for dj in (-1, 0, 1) for q in cells.get((i + di, j + dj), [])
        ]
        for p in pts:
            assert all(p == q or math.dist(p, q) >= SPACING - 1e-9 for q in near)
    # the rings grow with the square root of their size, not in proportion: 2,000 people fit
    # in a disc barely wider than they need (area ~ n spacings squared)
    assert layout.extent < 1.5 * math.sqrt(2000 / math.pi) + 10


def test_a_ring_grows_with_its_members_and_a_filter_lays_out_only_what_is_shown():
    crowd = _crowd(300)
    everyone = ring_layout(crowd)
    radii = {b.key: b for b in everyone.bands}
    assert radii[1].outer < radii[2].inner < radii[3].inner < radii[4].inner
    assert radii[4].outer > radii[4].inner  # 150 people need several tracks
    only_outer = ring_layout(crowd[crowd["circle"] == 4])
    # alone, the fourth circle starts at the first ring, not out where it was
    assert only_outer.bands[0].inner < radii[4].inner
    assert set(only_outer.positions) == set(crowd[crowd["circle"] == 4]["person_id"])


def test_people_of_one_community_sit_together_on_their_ring():
    crowd = _crowd(60)
    layout = ring_layout(crowd)
    ring3 = crowd[crowd["circle"] == 3]
    angle = {p: _angle(layout.positions[p]) for p in ring3["person_id"]}
    order = sorted(angle, key=angle.get)
    comm = dict(zip(ring3["person_id"], ring3["community"], strict=True))
    changes = sum(1 for a, b in zip(order, order[1:], strict=False) if comm[a] != comm[b])
    assert changes == ring3["community"].nunique() - 1  # each community is one run


def test_groups_are_separate_clusters_that_never_touch():
    layout = group_layout(_crowd(400))
    bands = layout.bands
    assert len(bands) == 10  # nine largest groups, then the rest together
    for i, a in enumerate(bands):
        for b in bands[i + 1 :]:
            assert math.dist((a.cx, a.cy), (b.cx, b.cy)) >= a.outer + b.outer + 1.0
        assert math.hypot(a.cx, a.cy) - a.outer > 1.0  # room for you in the middle


def test_layouts_are_deterministic_whatever_the_row_order():
    crowd = _crowd(150)
    shuffled = crowd.sample(frac=1.0, random_state=3)
    assert ring_layout(crowd) == ring_layout(shuffled)
    assert group_layout(crowd) == group_layout(shuffled)


def test_no_two_labels_overlap_at_20_150_and_2000_people_and_you_stay_clear():
    for n in (20, 150, 2000):
        crowd = _crowd(n)
        for layout in (ring_layout(crowd), group_layout(crowd)):
            you, labels = _labels(layout, crowd, forced=["p0013"])
            boxes = [lab.box for lab in labels]
            assert overlapping_pairs(boxes) == []
            assert not any(b.overlaps(you) for b in boxes)
            assert "p0013" in {lab.node for lab in labels}  # a forced label is always placed
            if n <= 20:
                assert len(labels) >= n // 2  # a small network is mostly named


def test_labels_stay_inside_the_picture():
    crowd = _crowd(150)
    layout = ring_layout(crowd)
    lim = layout.extent + 1.2
    _, labels = _labels(layout, crowd)
    for lab in labels:
        assert abs(lab.box.x) + lab.box.w / 2 <= lim + 1e-9
        assert abs(lab.box.y) + lab.box.h / 2 <= lim + 1e-9


def test_text_extent_grows_with_the_text_and_counts_wide_characters_wider():
    w_short, h = text_extent("Li")
    w_long, _ = text_extent("Jean-Baptiste Kowalczyk")
    assert w_short < w_long and h > 12
    assert text_extent("山田太郎")[0] > text_extent("abcd")[0]
    assert text_extent("MMMM")[0] > text_extent("iiii")[0]


def test_an_empty_view_lays_out_nothing():
    empty = _crowd(0)
    assert ring_layout(empty).positions == {}
    assert group_layout(empty).positions == {}


def test_a_crowded_picture_names_its_strongest_ties_over_dots_without_overlaps():
    crowd = _crowd(2000)
    layout = ring_layout(crowd)
    lim = layout.extent + 1.2
    order = list(crowd.sort_values("tie_strength", ascending=False)["person_id"])
    names = dict(zip(crowd["person_id"], crowd["name"], strict=True))
    strict = place_labels(layout.positions, names, order, 540 / (2 * lim), bounds=lim)
    loose = place_labels(
        layout.positions, names, order, 540 / (2 * lim), bounds=lim, avoid_dots=False
    )
    assert len(loose) > len(strict) and len(loose) >= 10
    assert overlapping_pairs([lab.box for lab in loose]) == []
