"""The network figure: one WebGL trace for all edges, people findable by click, names inert."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from analysis.metrics.layout import group_layout, overlapping_pairs, ring_layout
from dashboard.figures import (
    chart_table,
    group_lines,
    hover_safe,
    monthly_balance_figure,
    network_figure,
    network_table,
)
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
    pic = network_figure(PEOPLE, g, ring_layout(PEOPLE))
    fig, ids = pic.figure, pic.ids
    assert all(t.type == "scattergl" for t in fig.data)
    lines = [t for t in fig.data if t.mode == "lines"]
    assert len(lines) == 1
    assert list(lines[0].x).count(None) == 2  # a-b and c-d; the ties to "me" are the rings
    assert len(ids) == len(fig.data)


def test_every_person_can_be_found_from_a_click_on_their_dot():
    g = _graph()
    pic = network_figure(PEOPLE, g, ring_layout(PEOPLE))
    fig, ids = pic.figure, pic.ids
    for curve, trace in enumerate(fig.data):
        if ids[curve] is None:
            continue
        for index, cd in enumerate(trace.customdata):
            event = {"selection": {"points": [{"curve_number": curve, "point_index": index}]}}
            assert person_from_selection(event, set(PEOPLE["person_id"]), ids) == cd[0]


def test_people_slipping_away_or_overdue_get_a_ring_and_names_are_escaped_in_hovers():
    g = _graph()
    fig = network_figure(PEOPLE, g, group_layout(PEOPLE), colour_by="community").figure
    rings = [t for t in fig.data if t.name == "Slipping away or overdue"]
    assert [c[0] for c in rings[0].customdata] == ["b", "c"]
    hovers = " ".join(h for t in fig.data if t.hovertext for h in t.hovertext)
    assert "&lt;b&gt;Bo&lt;/b&gt;" in hovers and "<b>Bo</b>" not in hovers
    assert hover_safe("<img src=x>") == "&lt;img src=x&gt;"
    assert {t.name for t in fig.data} >= {"Group 1", "Group 2"}


def test_focus_on_a_person_lights_their_ties_and_dims_the_others():
    g = _graph()
    fig = network_figure(PEOPLE, g, ring_layout(PEOPLE), selected="a").figure
    theirs = [t for t in fig.data if t.name == "their ties"]
    assert len(theirs) == 1 and list(theirs[0].x).count(None) == 1  # a-b only
    dots = {t.name: t for t in fig.data if t.customdata is not None and t.mode == "markers"}
    assert dots["Friends"].marker.opacity[0] < 0.5  # Cy does not know Ann: dimmed
    assert dots["Close"].marker.opacity[0] > 0.9  # Bo knows Ann


def test_names_never_cover_each_other_or_you_and_are_escaped():
    g = _graph()
    pic = network_figure(PEOPLE, g, ring_layout(PEOPLE), selected="d")
    notes = pic.figure.layout.annotations
    you = [a for a in notes if a.name == "label-you"]
    assert len(you) == 1 and you[0].text == "You"
    texts = [a.text for a in notes if a.name == "label"]
    assert "&lt;b&gt;Bo&lt;/b&gt;" in texts and "Di" in texts  # the selected person is named
    assert overlapping_pairs([lab.box for lab in pic.labels]) == []


def test_the_picture_has_a_table_equivalent_strongest_first():
    table = network_table(PEOPLE, _graph(), "community")
    assert list(table["Name"]) == ["Ann", "<b>Bo</b>", "Cy", "Di"]
    assert list(table["Knows (of those shown)"]) == [1, 1, 1, 1]
    assert set(table["Group"]) == {"Group 1", "Group 2"}


def test_a_bar_chart_reads_as_a_table_of_months():
    monthly = pd.DataFrame(
        {"month": pd.to_datetime(["2026-01-01", "2026-02-01"]), "online": [3, 4], "offline": [1, 0]}
    )
    table = chart_table(monthly_balance_figure(monthly, "month", "online", "offline"))
    assert list(table["Month"]) == ["January 2026", "February 2026"]
    assert list(table["in person"]) == [1, 0]


def test_people_without_a_circle_or_a_group_are_drawn_too():
    people = PEOPLE.assign(
        circle=pd.array([1, None, 3, None], dtype="Int64"),
        community=pd.array([0, None, 1, None], dtype="Int64"),
    )
    g = _graph()
    for layout, by in ((ring_layout(people), "circle"), (group_layout(people), "community")):
        pic = network_figure(people, g, layout, colour_by=by)
        drawn = [p for ids in pic.ids if ids for p in ids]
        assert set(drawn) >= {"a", "b", "c", "d"}


def test_each_group_is_explained_by_its_size_and_members():

    people = PEOPLE.assign(roles=[["work"], ["work"], ["family"], None])
    out = group_lines(people)
    assert out[0] == "Group 1 — 2 people, mostly work: Ann, <b>Bo</b>"
    assert out[1].startswith("Group 2 — 2 people")
