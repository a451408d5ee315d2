"""The people frame's list cells read many at once (analysis.metrics.cells)."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.metrics.cells import as_items, flat_items, has_items, item_counts, item_keys
from analysis.metrics.circles import derive_roles
from analysis.normalize import normalize_name

CELLS = [None, math.nan, "", "Club", [], ["A", "B"], ("C",), ["", "D"], [None]]


def test_flat_items_gives_every_item_with_its_cells_position():
    rows, items = flat_items(CELLS)
    assert rows == [3, 5, 5, 6, 7, 7, 8]
    assert items == ["Club", "A", "B", "C", "", "D", None]


def test_has_items_and_item_counts_say_what_as_items_gives():
    assert [has_items(c) for c in CELLS] == [bool(as_items(c)) for c in CELLS]
    assert item_counts(CELLS) == [len(as_items(c)) for c in CELLS]


def test_flat_items_of_list_cells_alone_are_the_same_as_of_mixed_ones():
    cells = [["A", "B"], [], ["C"], [""], ["D", None]]
    assert flat_items(cells) == ([0, 0, 2, 3, 4, 4], ["A", "B", "C", "", "D", None])


WRITTEN = [
    "Acme GmbH",
    "ACME  GmbH",
    "Dr. Anna Berg",
    "Berg, Anna",
    "Zoë Müller",
    "Ayşe Yılmaz",
    "Иван Петров",
    "James Doe Jr.",
    "O'Brien-Smith",
    "  ",
    "Acme GmbH",
]


def test_item_keys_are_normalize_name_of_each_item_and_blank_for_missing_ones():
    assert item_keys([*WRITTEN, None, math.nan]) == [normalize_name(w) for w in WRITTEN] + ["", ""]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=20))
def test_item_keys_equal_normalize_name_on_any_text(items):
    assert item_keys(items) == [normalize_name(v) for v in items]


def _people(rows: list[dict]) -> pd.DataFrame:
    base = {"categories": [], "related": [], "orgs": [], "emails": []}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_an_organisation_written_three_ways_is_shared_by_three_people():
    people = _people(
        [
            {"person_id": "a", "name": "A", "orgs": ["Acme GmbH"]},
            {"person_id": "b", "name": "B", "orgs": ["ACME  GmbH"]},
            {"person_id": "c", "name": "C", "orgs": "acme gmbh"},
            {"person_id": "d", "name": "D", "orgs": ["Other"], "categories": ["Family"]},
        ]
    )
    roles = derive_roles(people)
    assert roles.to_dict() == {"a": ("work",), "b": ("work",), "c": ("work",), "d": ("family",)}


def test_a_relation_finds_a_person_whose_name_is_written_with_accents():
    people = _people(
        [
            {"person_id": "m", "name": "Zoë Müller", "categories": ["Family"]},
            {"person_id": "s", "name": "Sam", "related": [("mother", "Zoe Muller")]},
            {"person_id": "x", "name": "Zoe Mueller"},
        ]
    )
    roles = derive_roles(people)
    assert roles["s"] == ("family",)
    assert roles["x"] == ()


def test_roles_of_people_without_relation_or_organisation_columns():
    people = pd.DataFrame({"person_id": ["a", "b"], "name": ["A", "B"],
                           "categories": [["Family"], []]})  # fmt: skip
    assert derive_roles(people).to_dict() == {"a": ("family",), "b": ()}
