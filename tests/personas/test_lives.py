"""The engine held to the planted truths of generated lives (tests/personas/lives.py), and to
properties that hold for every life: noise from an old group chat, history linked later, people
with a handful of contacts and the order of the input change nothing that matters."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from analysis import constants as C
from analysis.engine import Analysis, analyze
from tests.personas import lives

LIVES = {f.__name__: f for f in lives.LIVES}


@cache
def run(name: str) -> tuple[lives.Life, Analysis]:
    life = LIVES[name]()
    return life, _analyze(life, life.people, life.interactions)


def _analyze(life: lives.Life, people: pd.DataFrame, rows: pd.DataFrame) -> Analysis:
    return analyze(
        people,
        rows,
        as_of=life.as_of,
        overrides=life.overrides,
        timezone=life.timezone,
        me=life.me,
    )


def _table(result: Analysis) -> pd.DataFrame:
    return result.people.set_index("person_id")


def _intimate(result: Analysis) -> set[str]:
    t = result.people
    return set(t.loc[t["intimate"], "person_id"])


@pytest.mark.parametrize("name", LIVES)
def test_the_people_who_matter_most_are_intimate(name):
    life, result = run(name)
    assert life.truths.intimate <= _intimate(result)


@pytest.mark.parametrize("name", LIVES)
def test_groups_coworkers_and_passing_contacts_stay_outside_the_intimate_circle(name):
    life, result = run(name)
    assert not (life.truths.not_intimate & _intimate(result))


@pytest.mark.parametrize("name", LIVES)
def test_the_neglected_are_called_neglected(name):
    life, result = run(name)
    status = _table(result)["status"]
    for pid in life.truths.neglected:
        assert status[pid] == "neglected", (pid, status[pid])


@pytest.mark.parametrize("name", LIVES)
def test_people_in_their_usual_rhythm_are_not_lapsed(name):
    life, result = run(name)
    status = _table(result)["status"]
    lapsed = {p for p in life.truths.not_lapsed if status[p] in {"overdue", "neglected"}}
    assert not lapsed, {p: status[p] for p in lapsed}


@pytest.mark.parametrize("name", LIVES)
def test_the_right_person_leads_the_suggestions(name):
    life, result = run(name)
    assert result.suggestions["person_id"].iloc[0] in life.truths.lead


@pytest.mark.parametrize("name", LIVES)
def test_each_planted_suggestion_has_its_kind(name):
    life, result = run(name)
    kinds = result.suggestions.set_index("person_id")["kind"]
    for pid, kind in life.truths.suggested.items():
        assert kinds.get(pid) == kind, (pid, kinds.get(pid))


@pytest.mark.parametrize("name", LIVES)
def test_who_must_never_be_nudged_is_not(name):
    life, result = run(name)
    assert not (life.truths.never_nudged & set(result.suggestions["person_id"]))


@pytest.mark.parametrize("name", LIVES)
def test_no_meet_nudge_for_the_never_met_far_away_or_household(name):
    life, result = run(name)
    meets = set(result.suggestions.loc[result.suggestions["kind"] == "meet", "person_id"])
    assert not (life.truths.never_meet & meets)


def test_retiree_wednesday_morning_call_is_friendship_not_work():
    _, result = run("retiree")
    assert "work" not in _table(result).loc["greta", "roles"]


def test_retiree_reply_reason_in_her_numbers():
    _, result = run("retiree")
    row = result.suggestions.set_index("person_id").loc["otto"]
    assert row["reason"] == "Wrote 3 times in 13 days; you haven't answered."


def test_parent_household_is_recognised_from_her_own_card_and_address():
    _, result = run("parent")
    t = _table(result)
    assert t.loc[["max", "emil", "lotta"], "household"].all()
    assert not t.loc[["sara", "tom", "mother"], "household"].any()
    assert t.loc["emil", "status"] not in {"overdue", "neglected"}  # silent 2 months, at home
    assert "me" not in t.index  # her own card is not a contact


def test_parent_colleagues_are_work_by_domain_and_organisation():
    _, result = run("parent")
    t = _table(result)
    work = t.loc[t.index.str.startswith("co"), "roles"]
    assert all("work" in r for r in work)


def test_user_set_interval_makes_seven_months_neglected_without_lowering_strength():
    life, result = run("parent")
    t = _table(result)
    assert t.loc["ulla", "status"] == "neglected"
    plain = _analyze(
        lives.Life(**{**life.__dict__, "overrides": type(life.overrides)()}),
        life.people,
        life.interactions,
    )
    assert t.loc["ulla", "tie_strength"] >= _table(plain).loc["ulla", "tie_strength"] - 1e-12
    assert "ulla" not in set(plain.suggestions["person_id"])  # only the user's word makes it due


def test_monthly_meetings_keep_a_friend_current_through_a_pause_in_messages():
    _, result = run("parent")
    t = _table(result)
    assert t.loc["tom", "days_since_in_person"] <= 25
    assert t.loc["tom", "status"] in {"ok", "due"}


def test_student_growing_new_friends_and_fading_old_ones():
    _, result = run("student")
    t = _table(result)
    assert (
        t.loc[["nora", "kai"], "growing"].all() or (t.loc[["nora", "kai"], "status"] == "ok").all()
    )
    assert t.loc["lea", "status"] == "neglected"
    course = t.loc[t.index.str.startswith("course")]
    assert (course["circle"].fillna(4) >= 3).all()
    assert not course["status"].isin(["overdue", "neglected"]).any()


def test_online_friends_are_close_without_meeting():
    _, result = run("online")
    t = _table(result)
    assert (t.loc[["rin", "vik", "jo"], "circle"] == 1).all()
    assert t.loc[["rin", "vik", "jo"], "in_person_days"].eq(0).all()


# --- circle sizes --------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [lives.big_office, lives.small_world, *lives.LIVES])
def test_circle_counts_stay_near_dunbar_layers(make):
    life = make()
    result = _analyze(life, life.people, life.interactions)
    counts = result.people["circle"].value_counts()
    with_contact = int(result.people["circle"].notna().sum())
    for k, (lo, hi) in C.LAYER_BOUNDS.items():
        cum = int(counts[counts.index <= k].sum())
        assert cum <= hi, (k, cum)
        # at least the lower bound when enough people could fill it
        if k == 4:
            assert cum >= min(lo, with_contact)
    assert life.truths.intimate <= _intimate(result)
    assert not (life.truths.not_intimate & _intimate(result))


def test_a_network_of_400_with_60_daily_coworkers_keeps_bounded_layers():
    life = lives.big_office()
    result = _analyze(life, life.people, life.interactions)
    counts = result.people["circle"].value_counts().sort_index()
    assert 3 <= counts[1] <= 8
    assert 10 <= counts[1] + counts[2] <= 22
    work = result.people.loc[result.people["person_id"].str.startswith("w")]
    assert (work["circle"] >= 3).all()


# --- properties ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LIVES)
def test_an_unrelated_old_group_chat_changes_nothing_that_matters(name):
    life, result = run(name)
    people, rows, strangers = lives.old_group_chat(life)
    noisy = _analyze(life, people, rows)
    assert _intimate(noisy) == _intimate(result)
    t = _table(noisy).loc[sorted(strangers)]
    assert not t["status"].isin(["overdue", "neglected"]).any()
    assert not (strangers & set(noisy.suggestions["person_id"]))
    assert list(noisy.suggestions["person_id"]) == list(result.suggestions["person_id"])


@pytest.mark.parametrize(
    ("name", "pid"), [("retiree", "irma"), ("student", "lea"), ("online", "mo")]
)
def test_linking_old_history_keeps_a_drifting_friend_flagged(name, pid):
    life, result = run(name)
    linked = _analyze(life, life.people, lives.old_history(life, pid))
    t = _table(linked)
    assert t.loc[pid, "status"] == "neglected"
    assert t.loc[pid, "rhythm_days"] == pytest.approx(
        _table(result).loc[pid, "rhythm_days"], rel=0.35
    )
    assert pid in set(linked.suggestions["person_id"])


@pytest.mark.parametrize("seed", range(6))
def test_people_with_one_to_three_contacts_are_never_intimate_or_neglected(seed):
    rng = np.random.default_rng(seed)
    life = lives.small_world(seed)
    b = lives.Builder(100 + seed, life.as_of, life.timezone)
    few = b.crowd("few", 12)
    for pid in few:
        n = int(rng.integers(1, 4))
        ago = rng.integers(0, 900, size=n)
        days = [pd.Timestamp(life.as_of) - pd.Timedelta(days=int(a)) for a in sorted(ago)]
        b.contact(pid, days, str(rng.choice(["in_person", "call", "message"])), "mutual")
    extra = b.build("x", life.me, life.overrides, lives.Truths())
    people = pd.concat([life.people, extra.people], ignore_index=True)
    rows = pd.concat([life.interactions, extra.interactions], ignore_index=True)
    result = _analyze(life, people, rows)
    t = _table(result).loc[few]
    assert not t["intimate"].any()
    assert not t["status"].isin(["neglected", "overdue", "due", "dormant"]).any()
    assert set(t["status"]) <= {"new", "occasional"}
    assert not (set(few) & set(result.suggestions["person_id"]))


@pytest.mark.parametrize("name", LIVES)
def test_the_order_of_input_rows_changes_nothing(name):
    life, result = run(name)
    rng = np.random.default_rng(7)
    rows = life.interactions.iloc[rng.permutation(len(life.interactions))].reset_index(drop=True)
    people = life.people.iloc[rng.permutation(len(life.people))].reset_index(drop=True)
    shuffled = _analyze(life, people, rows)
    cols = ["person_id", "circle", "status", "tie_strength"]
    pd.testing.assert_frame_equal(shuffled.people[cols], result.people[cols])
    pd.testing.assert_frame_equal(shuffled.reasons(), result.reasons())
    pd.testing.assert_frame_equal(shuffled.suggestions, result.suggestions)
