"""Reach-out suggestions."""

from datetime import date

import pandas as pd
import pytest

from analysis.engine import Overrides, analyze
from analysis.suggest import human_days
from tests.engine_helpers import AS_OF_SCENARIO, log, people_frame, scenario


@pytest.fixture(scope="module")
def result():
    people, inter = scenario()
    return analyze(people, inter, as_of=AS_OF_SCENARIO)


def test_drifting_friend_gets_a_check_in_with_her_own_numbers(result):
    s = result.suggestions.set_index("person_id")
    assert s.loc["cara", "kind"] == "check_in"
    assert s.loc["cara", "reason"] == "You were in touch about every 7 days; it has been 9 months."
    assert "Cari" in s.loc["cara", "draft"]  # the nickname
    assert result.suggestions.iloc[0]["person_id"] == "cara"  # most overdue close tie first


def test_screen_only_family_gets_meet_in_person(result):
    s = result.suggestions.set_index("person_id")
    assert s.loc["mum", "kind"] == "meet"
    assert "no in-person meeting on record" in s.loc["mum", "reason"]
    assert s.loc["mum", "action"].startswith("Meet in person")


def test_old_friend_gets_reconnect(result):
    s = result.suggestions.set_index("person_id")
    assert s.loc["olle", "kind"] == "reconnect"


def test_no_current_contact_no_non_person_no_card_no_duplicates(result):
    ids = list(result.suggestions["person_id"])
    assert len(ids) == len(set(ids))
    assert not {"anna", "ben", "bot", "dan"} & set(ids)
    assert list(result.suggestions["rank"]) == list(range(1, len(ids) + 1))
    assert result.suggestions["score"].is_monotonic_decreasing


def test_snoozed_and_done_leave_the_list():
    people, inter = scenario()
    ov = Overrides(snoozed_until={"cara": date(2025, 12, 1)}, done={"mum": date(2025, 11, 24)})
    ids = set(analyze(people, inter, as_of=AS_OF_SCENARIO, overrides=ov).suggestions["person_id"])
    assert "cara" not in ids and "mum" not in ids
    # a snooze that has ended no longer hides anyone
    ov = Overrides(snoozed_until={"cara": date(2025, 11, 1)})
    ids = set(analyze(people, inter, as_of=AS_OF_SCENARIO, overrides=ov).suggestions["person_id"])
    assert "cara" in ids


def test_logging_contact_resets_the_clock():
    people, inter = scenario()
    more = pd.concat(
        [inter, log([("cara", AS_OF_SCENARIO, "call", "outgoing")])], ignore_index=True
    )
    ids = set(analyze(people, more, as_of=AS_OF_SCENARIO).suggestions["person_id"])
    assert "cara" not in ids


def test_a_single_old_contact_is_described_without_a_rhythm():
    people = people_frame([{"person_id": "a", "name": "A"}, {"person_id": "b", "name": "B"}])
    inter = log(
        [("a", "2022-01-01", "call"), ("b", "2024-12-01", "call"), ("b", "2024-12-20", "call")]
    )
    s = analyze(people, inter, as_of="2025-01-01").suggestions.set_index("person_id")
    assert s.loc["a", "reason"] == "One contact on record, about 3 years ago."


def test_max_suggestions_caps_the_list():
    people, inter = scenario()
    assert len(analyze(people, inter, as_of=AS_OF_SCENARIO, max_suggestions=1).suggestions) == 1


def test_nobody_overdue_gives_an_empty_well_formed_list():
    people = people_frame([{"person_id": "a", "name": "A"}])
    s = analyze(people, log([("a", "2025-01-01", "call")]), as_of="2025-01-02").suggestions
    assert s.empty and {"rank", "person_id", "reason", "action", "draft"} <= set(s.columns)


@pytest.mark.parametrize(
    ("days", "text"),
    [(1, "1 day"), (12, "12 days"), (41, "6 weeks"), (120, "4 months"), (800, "about 2 years")],
)
def test_human_days(days, text):
    assert human_days(days) == text


def test_daily_check_in_rotates_over_close_people(result):
    from analysis.suggest import daily_check_in

    picks = {daily_check_in(result.people, date(2025, 11, d))["person_id"] for d in range(1, 8)}
    assert picks == {"anna", "cara", "mum"}  # the intimate circle, one a day
    pick = daily_check_in(result.people, date(2025, 11, 1))
    assert pick["draft"].startswith(("Hi", "Hey"))
    assert daily_check_in(result.people.iloc[0:0], date(2025, 11, 1)) is None
