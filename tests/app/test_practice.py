"""The daily practice in the dashboard: today's check-in done and the streak, a birthday coming
up, quick log with a past date and a note shown on the person's card, search that finds a person
with no contact and sets their rhythm, "in memory" that removes every nudge."""

from __future__ import annotations

from datetime import timedelta

from analysis.store import Store
from tests.app import files
from tests.app.conftest import new_app, open_page, texts


def _uploaded(extra=()):
    at = new_app().run()
    open_page(at, "import_data")
    at.file_uploader[0].set_value([*files.all_files(), *extra]).run()
    at.date_input(key="ck_as_of_input").set_value(files.AS_OF).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_check_in_done_is_logged_and_starts_a_streak(private_store):
    at = open_page(_uploaded(), "overview")
    assert "Today's check-in" in texts(at)
    done = next(b for b in at.button if b.key == "ck_checkin_done")
    done.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Done for today" in texts(at)
    assert "1 day in a row" in texts(at)
    with Store(private_store) as s:
        assert (s.logged_interactions()["note"] == "daily check-in").sum() == 1
        assert s.checkins()[files.AS_OF][1] is True


def test_a_birthday_in_the_coming_days_is_on_the_overview():
    soon = files.AS_OF + timedelta(days=3)
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Berg\r\nN:Berg;Anna;;;\r\n"
        f"EMAIL:anna.berg@example.org\r\nBDAY:1986{soon:%m%d}\r\nEND:VCARD\r\n"
    ).encode()
    at = open_page(_uploaded([("birthdays.vcf", card, "text/vcard")]), "overview")
    assert "Coming up" in texts(at)
    assert "Anna Berg's birthday" in texts(at) and "turns 40" in texts(at)


def test_quick_log_with_a_past_date_and_a_note_shows_on_the_card(private_store):
    at = open_page(_uploaded(), "overview")
    past = files.AS_OF - timedelta(days=10)
    at.selectbox(key="ck_ql_who").set_value("David Chen")
    at.selectbox(key="ck_ql_how").set_value("in_person")
    at.date_input(key="ck_ql_when").set_value(past)
    at.text_input(key="ck_ql_note").set_value("lunch, talked about his new job")
    next(b for b in at.button if b.label == "Log it").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with Store(private_store) as s:
        logged = s.logged_interactions()
    row = logged[logged["who"] == "David Chen"].iloc[0]
    assert row["timestamp"].date() == past and row["channel"] == "in_person"
    open_page(at, "people")
    at.text_input(key="ck_people_query").set_value("david").run()
    assert "lunch, talked about his new job" in texts(at)


def test_search_finds_a_person_without_contact_and_sets_a_rhythm(private_store):
    at = open_page(_uploaded(), "people")
    at.text_input(key="ck_people_query").set_value("catherine").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "No contact yet" in texts(at)
    pid = at.session_state["ck_person"]
    at.number_input(key=f"ck_p_interval_{pid}").set_value(30)
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with Store(private_store) as s:
        assert s.edits()[pid].desired_interval_days == 30


def test_in_memory_removes_every_nudge_the_check_in_and_the_reminders(private_store):
    at = open_page(_uploaded(), "suggestions")
    assert "Ben Okafor" in texts(at)  # weekly calls, then silence: suggested
    open_page(at, "people")
    at.text_input(key="ck_people_query").set_value("ben okafor").run()
    pid = at.session_state["ck_person"]
    at.multiselect(key=f"ck_states_{pid}").set_value(["in_memory"])
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    open_page(at, "suggestions")
    assert "Ben Okafor" not in texts(at)
    open_page(at, "overview")
    assert "Ben Okafor" not in texts(at)
    from analysis.exports import reminders_ics
    from analysis.pipeline import analysis_from_store

    run = analysis_from_store(private_store, as_of=files.AS_OF)
    assert b"Ben Okafor" not in reminders_ics(run.analysis.suggestions, files.AS_OF)


def test_the_self_check_is_prefilled_scored_and_kept_only_when_saved(private_store):
    at = open_page(_uploaded(), "self_check")
    assert "Score:" in texts(at)
    with Store(private_store) as s:
        assert s.setting("lsns6") is None
    next(b for b in at.button if b.key == "ck_lsns_save").click().run()
    with Store(private_store) as s:
        assert len(s.setting("lsns6")) == 6


def test_groups_are_assigned_created_and_given_a_ceiling_on_the_people_page(private_store):
    at = open_page(_uploaded(), "people")
    at.text_input(key="ck_people_query").set_value("david").run()
    pid = at.session_state["ck_person"]
    at.multiselect(key=f"ck_p_groups_{pid}").set_value(["Coffee friends"])
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.number_input(key="ck_group_every_Coffee friends").set_value(14)
    next(
        b for b in at.button if b.key == "FormSubmitter:ck_group_Coffee friends-Save"
    ).click().run()
    assert not at.exception, [e.value for e in at.exception]
    with Store(private_store) as s:
        groups = s.group_settings()
    assert groups["assigned"][pid] == ["Coffee friends"]
    assert groups["ceilings"] == {"Coffee friends": 14.0}
