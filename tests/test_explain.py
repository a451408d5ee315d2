"""The reasons for a person's status, circle and tie strength, written when asked for."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.engine import Overrides, analyze
from analysis.metrics.explain import REASON_COLUMNS
from tests.engine_helpers import scenario

AS_OF = "2025-05-01"


@pytest.fixture(scope="module")
def result():
    people, inter = scenario()
    return analyze(people, inter, as_of=AS_OF)


def test_reasons_are_given_for_everyone_in_the_people_order(result):
    why = result.reasons()
    assert list(why.columns) == list(REASON_COLUMNS)
    assert list(why.index) == list(result.people["person_id"])
    assert why.index.name == "person_id"
    in_touch = result.people.loc[result.people["circle"].notna(), "person_id"]
    assert why.loc[in_touch].map(len).gt(20).all().all()


def test_one_persons_reasons_are_their_row_of_everyones(result):
    """A circle's reason ranks the person among everyone, also when only they are asked for."""
    why = result.reasons()
    for pid in result.people["person_id"]:
        pd.testing.assert_frame_equal(result.reasons([pid]), why.loc[[pid]])
    some = list(result.people["person_id"].iloc[[2, 0]])
    assert list(result.reasons(some).index) == sorted(some, key=list(why.index).index)


def test_unknown_people_are_left_out(result):
    assert result.reasons(["nobody"]).empty
    assert list(result.reasons([]).columns) == list(REASON_COLUMNS)


def test_the_users_edits_change_the_reasons():
    people, inter = scenario()
    pid = people["person_id"].iloc[0]
    plain = analyze(people, inter, as_of=AS_OF).reasons([pid])
    placed = analyze(people, inter, as_of=AS_OF, overrides=Overrides(circle={pid: 2}))
    assert placed.reasons([pid]).loc[pid, "why_circle"] == "Placed in circle 2 by you."
    assert plain.loc[pid, "why_circle"] != "Placed in circle 2 by you."
    rated = analyze(people, inter, as_of=AS_OF, overrides=Overrides(closeness={pid: 5}))
    assert (
        rated.reasons([pid])
        .loc[pid, "why_strength"]
        .endswith("Your closeness rating can only raise it.")
    )
