"""Selection handling of the network picture and the people filters: pure functions."""

from __future__ import annotations

import pandas as pd

from dashboard.filters import NO_CIRCLE_KEY, filter_people
from dashboard.selection import next_person, person_from_selection, selected_ids
from dashboard.words import md_escape


def _event(*points):
    return {"selection": {"points": list(points), "point_indices": [], "box": [], "lasso": []}}


def test_a_click_selects_the_person_in_the_points_customdata():
    ev = _event({"curve_number": 1, "point_index": 3, "customdata": ["p2"]})
    assert person_from_selection(ev, {"p1", "p2"}) == "p2"


def test_points_without_customdata_are_found_through_the_trace_ids():
    ev = _event({"curve_number": 2, "point_index": 1})
    ids = [None, ["p1"], ["p3", "p4"]]
    assert selected_ids(ev, ids) == ["p4"]
    assert person_from_selection(ev, {"p4"}, ids) == "p4"


def test_clicking_the_centre_or_an_edge_selects_nobody():
    ev = _event({"curve_number": 0, "point_index": 5}, {"curve_number": 9, "point_index": 0})
    assert person_from_selection(ev, {"p1"}, [None, ["p1"]]) is None
    assert person_from_selection(None, {"p1"}) is None
    assert person_from_selection({"selection": {"points": []}}, {"p1"}) is None


def test_an_unknown_or_filtered_out_person_is_not_selected():
    ev = _event({"customdata": ["gone"]})
    assert person_from_selection(ev, {"p1"}) is None


def test_the_last_of_several_selected_points_wins():
    ev = _event({"customdata": ["p1"]}, {"customdata": ["p2"]})
    assert person_from_selection(ev, {"p1", "p2"}) == "p2"


def test_a_new_click_replaces_the_person_but_an_old_click_does_not_undo_a_pick():
    ev = _event({"customdata": ["p1"]})
    person, seen = next_person(None, ev, (), {"p1", "p2"})
    assert (person, seen) == ("p1", ("p1",))
    # the user then picked p2 from the list; the chart still reports the old click
    person, seen = next_person("p2", ev, seen, {"p1", "p2"})
    assert person == "p2"
    # a new click on p1 again after selecting something else
    ev2 = _event({"customdata": ["p1"]}, {"customdata": ["p2"]})
    person, _ = next_person("p2", ev2, seen, {"p1", "p2"})
    assert person == "p2"  # the last point of the new selection


def test_a_current_person_filtered_out_is_dropped():
    assert next_person("p9", None, (), {"p1"}) == (None, ())


def test_attribute_style_events_work_like_dicts():
    class Sel:
        points = [{"customdata": ["p1"]}]

    class Ev:
        selection = Sel()

    assert person_from_selection(Ev(), {"p1"}) == "p1"


PEOPLE = pd.DataFrame(
    {
        "person_id": ["a", "b", "c", "d", "e"],
        "circle": pd.array([1, 2, 3, None, 2], dtype="Int64"),
        "roles": [["family"], ["friend"], ["work"], [], ["friend", "club"]],
        "days_since": [3.0, 40.0, 200.0, float("nan"), 10.0],
        "tie_strength": [0.9, 0.5, 0.2, float("nan"), 0.7],
        "non_person": [False, False, False, False, True],
    }
)


def test_filters_keep_circles_roles_and_window_strongest_first():
    assert list(filter_people(PEOPLE)["person_id"]) == ["a", "b", "c", "d"]
    assert list(filter_people(PEOPLE, circles=[2])["person_id"]) == ["b"]
    assert list(filter_people(PEOPLE, circles=[NO_CIRCLE_KEY])["person_id"]) == ["d"]
    assert list(filter_people(PEOPLE, roles=["friend", "work"])["person_id"]) == ["b", "c"]
    assert list(filter_people(PEOPLE, window_days=90)["person_id"]) == ["a", "b"]
    assert list(filter_people(PEOPLE, include_non_persons=True)["person_id"])[:2] == ["a", "e"]


def test_top_n_keeps_the_strongest_and_the_selected_person():
    assert list(filter_people(PEOPLE, top_n=2)["person_id"]) == ["a", "b"]
    assert list(filter_people(PEOPLE, top_n=2, always="c")["person_id"]) == ["a", "b", "c"]


def test_markdown_escaping_makes_names_inert():
    assert md_escape("<img src=x onerror=alert(1)>") == r"\<img src\=x onerror\=alert\(1\)\>"
    j = "\u2060"  # a word joiner: addresses and URLs stay text, not links
    assert md_escape("no-reply@example.com") == "no\\-reply\\@" + j + "example\\.com"
    assert md_escape("see www.x.org") == "see www" + j + "\\.x\\.org"
    assert md_escape("**b** [l](http://x)") == r"\*\*b\*\* \[l\]\(http\:" + j + r"\/\/x\)"
    assert md_escape("two\nlines") == "two lines"
