"""One group filter, in the sidebar, for every page: pick a group and each page shows only its
members, with the engine's own numbers for them; the choice holds across pages."""

from __future__ import annotations

import pytest

from analysis.groups import person_groups
from dashboard import words
from dashboard.filters import group_members, in_group
from tests.app.conftest import metric, open_page, table, texts

GROUP = "Friends"  # Ben Okafor, Carla Díaz and Catherine Lee in the uploaded vCard


@pytest.fixture
def friends(expected_upload):
    """The engine's people table restricted to the group's members, and its suggestions."""
    _, res, an = expected_upload
    members = group_members(person_groups(res.people), GROUP)
    people = in_group(an.people[~an.people["non_person"].astype(bool)], members)
    assert set(people["name"]) == {"Ben Okafor", "Carla Díaz", "Catherine Lee"}
    return members, people, in_group(an.suggestions, members), an


def _names(frame) -> set[str]:
    return set(frame["Name"]) if frame is not None else set()


def test_a_group_chosen_in_the_sidebar_filters_every_page(uploaded_app, friends):
    members, people, sugg, an = friends
    everyone = an.people[~an.people["non_person"].astype(bool)]
    at = open_page(uploaded_app, "overview")
    at.selectbox(key="ck_group_pick").set_value(GROUP).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Showing the group **Friends** only (3 people)" in texts(at)
    for layer in (1, 2, 3, 4):  # the engine's circles, counted over the members only
        assert metric(at, words.circle_label(layer)) == str(int((people["circle"] == layer).sum()))
    assert metric(at, "Slipping away") == str(int((people["status"] == "neglected").sum()))
    assert metric(at, "Overdue") == str(int((people["status"] == "overdue").sum()))
    shown = texts(at)
    for name in set(everyone["name"]) - set(people["name"]):
        assert f"**{words.md_escape(name)}** —" not in shown  # no one else's suggestion

    open_page(at, "network")
    in_graph = people[people["person_id"].isin(an.graph.nodes)]
    assert f"Showing {len(in_graph)} of {len(in_graph)} people" in texts(at)

    open_page(at, "neglected")
    late = people[people["status"].isin(["neglected", "overdue", "due"])]
    assert "Ben Okafor" in set(late["name"])
    assert _names(table(at, "Name", "Times the usual gap")) == set(late["name"])
    assert metric(at, "Slipping away") == str(int((people["status"] == "neglected").sum()))

    open_page(at, "balance")
    screen = in_group(an.balance.screen_only, members)
    assert _names(table(at, "Name", "Last met in person")) == set(screen["name"]) == {"Carla Díaz"}
    assert metric(at, "Close people seen only on screens") == str(len(screen))
    assert "This figure is about everyone" in texts(at)  # the overall share says so

    open_page(at, "circles")
    counts = table(at, "Circle", "Typical size")
    assert list(counts["People"]) == [int((people["circle"] == c).sum()) for c in (1, 2, 3, 4)]
    for d in at.dataframe:
        if "Name" in d.value.columns:
            assert set(d.value["Name"]) <= set(people["name"])

    open_page(at, "suggestions")
    headings = [m.value for m in at.markdown if m.value.startswith("####")]
    assert len(sugg) and len(headings) == len(sugg)
    assert all(any(words.md_escape(n) in h for n in sugg["name"]) for h in headings)
    assert [c.value for c in at.code] == list(sugg["draft"])

    open_page(at, "people")
    listed = at.radio(key="ck_people_pick").options
    assert sorted(listed) == sorted(people["name"])


def test_show_everyone_clears_the_group_on_every_page(uploaded_app, friends, expected_upload):
    _, _, an = expected_upload
    everyone = an.people[~an.people["non_person"].astype(bool)]
    at = open_page(uploaded_app, "neglected")
    at.selectbox(key="ck_group_pick").set_value(GROUP).run()
    assert "Showing the group" in texts(at)
    at.button(key="ck_group_clear_neglected").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Showing the group" not in texts(at)
    assert at.selectbox(key="ck_group_pick").value == ""  # shown as "Everyone"
    late = everyone[everyone["status"].isin(["neglected", "overdue", "due"])]
    assert _names(table(at, "Name", "Times the usual gap")) == set(late["name"])
    open_page(at, "overview")
    assert "Showing the group" not in texts(at)
