"""Reach-out suggestions."""

from datetime import date

import pandas as pd
import pytest

from analysis.engine import Overrides, analyze
from analysis.suggest import human_days
from tests.engine_helpers import AS_OF_SCENARIO, every, log, people_frame, scenario


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


def test_family_never_met_in_person_gets_no_meet_nudge(result):
    # was: "meet" for Mum, who is only ever on the phone; a meet nudge needs a habit of meeting
    assert "mum" not in set(result.suggestions["person_id"])
    assert result.people.set_index("person_id").loc["mum", "status"] == "ok"


def _meet_log(last_meeting: str, **states):
    people = people_frame([{"person_id": "f", "name": "Fee Friend"}])
    rows = every("f", "2024-01-06", 7, 100, "in_person", "mutual")
    rows = [r for r in rows if r[1] <= last_meeting]
    rows += every("f", "2024-01-03", 3, 230, "message", "mutual")  # last 2025-11-20
    ov = Overrides(states={"f": frozenset(k for k, v in states.items() if v)})
    return analyze(people, log(rows), as_of="2025-11-21", overrides=ov)


def test_a_lapsed_habit_of_meeting_gets_a_meet_nudge_with_its_own_rhythm():
    r = _meet_log("2025-06-01")
    s = r.suggestions.set_index("person_id")
    assert s.loc["f", "kind"] == "meet"
    assert s.loc["f", "reason"].startswith("You used to meet about every 7 days; last met 6 months")
    assert r.people.loc[0, "status"] == "ok"  # the messages go on: no lapse, a change of channel
    assert s.loc["f", "action"].startswith("Meet in person")
    assert _meet_log("2025-11-18").suggestions.empty  # still meeting weekly
    assert _meet_log("2025-06-01", far_away=True).suggestions.empty
    assert _meet_log("2025-06-01", lives_with_me=True).suggestions.empty
    assert _meet_log("2025-06-01", dont_suggest=True).suggestions.empty


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


def test_a_single_old_contact_is_occasional_and_not_suggested():
    # was: suggested with "One contact on record"; one call is no rhythm to lapse against
    people = people_frame([{"person_id": "a", "name": "A"}, {"person_id": "b", "name": "B"}])
    inter = log(
        [("a", "2022-01-01", "call"), ("b", "2024-12-01", "call"), ("b", "2024-12-20", "call")]
    )
    r = analyze(people, inter, as_of="2025-01-01")
    assert r.suggestions.empty
    p = r.people.set_index("person_id")
    assert p.loc["a", "status"] == "occasional" and p.loc["b", "status"] == "new"
    assert r.reasons(["a"]).loc["a", "why_status"].startswith("Occasional: 1 contact day")


def test_replies_owed_are_suggested_first_in_the_users_numbers():
    people = people_frame([{"person_id": "o", "name": "Otto"}, {"person_id": "p", "name": "Pia"}])
    rows = every("o", "2024-01-01", 14, 50, "in_person", "mutual")  # last 2025-11-17
    rows += [("o", d, "message", "incoming") for d in ("2025-11-05", "2025-11-12", "2025-11-19",
                                                       "2025-11-24")]  # fmt: skip
    rows += every("p", "2024-01-01", 7, 85, "call", "mutual")  # last 2025-08-18: overdue
    r = analyze(people, log(rows), as_of="2025-11-25")
    s = r.suggestions.set_index("person_id")
    assert s.loc["o", "kind"] == "reply"
    assert s.loc["o", "reason"] == "Wrote twice in 7 days; you haven't answered."
    answered = log(rows + [("o", "2025-11-25T18:00", "message", "outgoing")])
    assert "o" not in set(analyze(people, answered, as_of="2025-11-25").suggestions["person_id"])


def test_a_colleague_who_wrote_is_owed_no_reply_nudge_but_a_friend_is():
    people = people_frame(
        [
            {"person_id": "o", "name": "Otto", "categories": ["Colleagues"]},
            {"person_id": "f", "name": "Fee", "categories": ["Friends"]},
        ]
    )
    rows = []
    for pid in ("o", "f"):
        rows += every(pid, "2024-01-01", 14, 50, "in_person", "mutual")
        rows += [
            (pid, d, "message", "incoming") for d in ("2025-11-12", "2025-11-19", "2025-11-24")
        ]
    kinds = analyze(people, log(rows), as_of="2025-11-25").suggestions.set_index("person_id")[
        "kind"
    ]
    assert kinds.get("f") == "reply"
    assert kinds.get("o") != "reply"


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
