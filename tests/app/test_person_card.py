"""Every list opens the one person card: Neglected, Balance, Circles, Suggestions, the Overview
and the Import page's people (a row selected, or the button by a name); the card takes the same
edits everywhere (circle, rhythm, notes, states, groups, dates), and they are kept."""

from __future__ import annotations

from analysis.store import Store
from dashboard import words
from tests.app.conftest import metric, open_page, texts


def _pid(an, name: str) -> str:
    return str(an.people.loc[an.people["name"] == name, "person_id"].iloc[0])


def _select_row(at, list_key: str, name: str):
    """Select the row of ``name`` in the table of the list ``list_key`` (as a click would)."""
    tables = [d for d in at.dataframe if d.key and d.key.startswith(f"{list_key}_")]
    assert len(tables) == 1, [d.key for d in at.dataframe]
    rows = list(tables[0].value["Name"])
    at.session_state[tables[0].key] = {
        "selection": {"rows": [rows.index(name)], "columns": [], "cells": []}
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _card_shows(at, an, name: str) -> str:
    pid = _pid(an, name)
    assert words.md_escape(name) in [s.value for s in at.subheader]
    # the edits of the one card: circle, closeness, states, rhythm, roles, notes, groups, dates
    for key in (f"ck_move_{pid}", f"ck_close_{pid}"):
        assert at.selectbox(key=key) is not None
    assert at.multiselect(key=f"ck_states_{pid}") is not None
    assert at.number_input(key=f"ck_p_interval_{pid}") is not None
    assert at.text_area(key=f"ck_p_notes_{pid}") is not None
    assert at.multiselect(key=f"ck_p_groups_{pid}") is not None
    assert at.date_input(key=f"ck_d_on_{pid}") is not None
    return pid


def _no_card(at) -> bool:
    return not any(k.startswith("ck_p_interval_") for k in (w.key or "" for w in at.number_input))


def test_a_row_of_the_neglected_list_opens_the_card_and_its_edit_is_kept(
    uploaded_app, expected_upload, private_store
):
    _, _, an = expected_upload
    at = open_page(uploaded_app, "neglected")
    assert _no_card(at)
    _select_row(at, "ck_neg_table", "Ben Okafor")
    pid = _card_shows(at, an, "Ben Okafor")
    at.number_input(key=f"ck_p_interval_{pid}").set_value(10)
    at.text_area(key=f"ck_p_notes_{pid}").set_value("call about the move")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with Store(private_store) as s:
        edit = s.edits()[pid]
    assert edit.desired_interval_days == 10 and edit.notes == "call about the move"
    # clearing the selection closes the card
    key = next(d.key for d in at.dataframe if d.key and d.key.startswith("ck_neg_table_"))
    at.session_state[key] = {"selection": {"rows": [], "columns": [], "cells": []}}
    at.run()
    assert _no_card(at)


def test_the_screen_only_list_on_balance_opens_the_card(uploaded_app, expected_upload):
    _, _, an = expected_upload
    at = _select_row(open_page(uploaded_app, "balance"), "ck_bal_screen", "Carla Díaz")
    pid = _card_shows(at, an, "Carla Díaz")
    people = an.people[~an.people["non_person"].astype(bool)]
    found = people.set_index("person_id").loc[pid, "circle"]
    target = 4 if found != 4 else 3
    at.selectbox(key=f"ck_move_{pid}").set_value(target).run()  # the card's circle choice
    assert not at.exception, [e.value for e in at.exception]
    open_page(at, "overview")
    wanted = int((people["circle"] == target).sum()) + 1
    assert metric(at, words.circle_label(target)) == str(wanted)


def test_the_lists_on_circles_open_the_card_one_at_a_time(uploaded_app, expected_upload):
    _, _, an = expected_upload
    at = open_page(uploaded_app, "circles")
    weak = an.outside.weak_active
    assert len(weak), "the uploaded files have an outer tie in touch"
    first = str(weak["name"].iloc[0])
    _select_row(at, "ck_circles_weak", first)
    _card_shows(at, an, first)
    other = next(n for n in an.people.sort_values("name")["name"] if n != first and
                 n in set(an.people.loc[an.people["circle"].notna(), "name"]))  # fmt: skip
    _select_row(at, "ck_circles_table", other)  # the last list clicked shows its card
    _card_shows(at, an, other)
    assert words.md_escape(first) not in [s.value for s in at.subheader]


def test_a_suggestion_and_the_overview_open_the_card(uploaded_app, expected_upload):
    _, _, an = expected_upload
    first = an.suggestions.iloc[0]
    pid = str(first["person_id"])
    at = open_page(uploaded_app, "suggestions")
    assert _no_card(at)
    at.button(key=f"ck_card_suggestions_{pid}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    _card_shows(at, an, str(first["name"]))
    assert "Close the card" in [b.label for b in at.button]
    at.button(key=f"ck_card_suggestions_{pid}").click().run()
    assert _no_card(at)
    open_page(at, "overview")
    at.button(key=f"ck_card_overview_{pid}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    _card_shows(at, an, str(first["name"]))


def test_the_people_of_the_import_open_the_card_even_without_contact(uploaded_app, expected_upload):
    _, _, an = expected_upload
    at = uploaded_app  # on the Import page after the upload
    assert "Who was found" in texts(at)
    _select_row(at, "ck_import_people", "Catherine Lee")  # a card, no contact yet
    _card_shows(at, an, "Catherine Lee")
    assert "No contact yet" in texts(at)


def test_after_logging_contact_every_list_and_the_card_still_work(sample_app, expected_sample):
    _, _, an = expected_sample
    at = sample_app
    name = str(an.suggestions["name"].iloc[0])
    at.selectbox(key="ck_ql_who").set_value(name)
    at.text_input(key="ck_ql_note").set_value("called about the move")
    next(b for b in at.button if b.label == "Log it").click().run()
    assert not at.exception, [e.value for e in at.exception]
    for page in ("neglected", "balance", "circles", "suggestions", "network"):
        open_page(at, page)
    open_page(at, "people")
    at.text_input(key="ck_people_query").set_value(name).run()
    assert not at.exception, [e.value for e in at.exception]
    pid = _card_shows(at, an, name)
    assert "called about the move" in texts(at)
    assert any(c.key == f"ck_tl_{pid}" for c in at.get("plotly_chart"))  # contact over time
