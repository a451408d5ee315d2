"""The network figure: one WebGL trace for all edges, people findable by click, names inert."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from analysis.metrics.layout import radial_layout
from dashboard.figures import hover_safe, network_figure
from dashboard.selection import person_from_selection

PEOPLE = pd.DataFrame(
    {
        "person_id": ["a", "b", "c", "d"],
        "name": ["Ann", "<b>Bo</b>", "Cy", "Di"],
        "circle": pd.array([1, 2, 3, 4], dtype="Int64"),
        "community": pd.array([0, 0, 1, 1], dtype="Int64"),
        "tie_strength": [0.9, 0.6, 0.3, 0.1],
        "status": ["ok", "neglected", "overdue", "ok"],
        "days_since": [2.0, 80.0, 200.0, 30.0],
    }
)


def _graph():
    g = nx.Graph()
    for p in PEOPLE["person_id"]:
        g.add_edge("me", p)
    g.add_edge("a", "b")
    g.add_edge("c", "d")
    return g


def test_all_edges_between_people_are_in_one_webgl_trace():
    g = _graph()
    fig, ids = network_figure(PEOPLE, g, radial_layout(g, PEOPLE))
    assert all(t.type == "scattergl" for t in fig.data)
    lines = [t for t in fig.data if t.mode == "lines"]
    assert len(lines) == 1
    assert list(lines[0].x).count(None) == 2  # a-b and c-d; the ties to "me" are the rings
    assert len(ids) == len(fig.data)


def test_every_person_can_be_found_from_a_click_on_their_dot():
    g = _graph()
    fig, ids = network_figure(PEOPLE, g, radial_layout(g, PEOPLE))
    for curve, trace in enumerate(fig.data):
        if ids[curve] is None:
            continue
        for index, cd in enumerate(trace.customdata):
            event = {"selection": {"points": [{"curve_number": curve, "point_index": index}]}}
            assert person_from_selection(event, set(PEOPLE["person_id"]), ids) == cd[0]


def test_people_slipping_away_or_overdue_get_a_ring_and_names_are_escaped_in_hovers():
    g = _graph()
    fig, _ = network_figure(PEOPLE, g, radial_layout(g, PEOPLE), colour_by="community")
    rings = [t for t in fig.data if t.name == "Slipping away or overdue"]
    assert [c[0] for c in rings[0].customdata] == ["b", "c"]
    hovers = " ".join(h for t in fig.data if t.hovertext for h in t.hovertext)
    assert "&lt;b&gt;Bo&lt;/b&gt;" in hovers and "<b>Bo</b>" not in hovers
    assert hover_safe("<img src=x>") == "&lt;img src=x&gt;"
    assert {t.name for t in fig.data} >= {"Group 1", "Group 2"}
