"""Dates and follow-ups on the dashboard's Suggestions page (rules S5-S7): a birthday three days
ahead is a suggestion with its weekday and a birthday draft, a follow-up is one on its day and
not the day before and leaves when the user reached out, and nobody "in memory" is nudged."""

from __future__ import annotations

from datetime import timedelta

from analysis.occasions import FollowUp
from analysis.pipeline import analysis_from_store
from analysis.store import PersonEdit, Store
from tests.app import files
from tests.app.conftest import new_app, open_page, texts

SOON = files.AS_OF + timedelta(days=3)  # 30 June 2026 is a Tuesday: Friday 3 July
BIRTHDAY_CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Berg\r\nN:Berg;Anna;;;\r\n"
    f"EMAIL:anna.berg@example.org\r\nBDAY:1986{SOON:%m%d}\r\nEND:VCARD\r\n"
).encode()


def _uploaded():
    at = new_app().run()
    open_page(at, "import_data")
    at.file_uploader[0].set_value(
        [*files.all_files(), ("birthdays.vcf", BIRTHDAY_CARD, "text/vcard")]
    ).run()
    at.date_input(key="ck_as_of_input").set_value(files.AS_OF).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shown(at) -> str:
    """The page's text as the user reads it (Markdown escapes removed)."""
    return texts(at).replace("\\", "")


def _codes(at) -> str:
    return "\n".join(str(c.value) for c in at.code)


def _as_of(at, day) -> None:
    open_page(at, "import_data")
    at.date_input(key="ck_as_of_input").set_value(day).run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_birthday_suggestion_is_shown_with_its_weekday_and_a_birthday_draft(private_store):
    at = open_page(_uploaded(), "suggestions")
    shown = _shown(at)
    assert "Anna Berg" in shown
    assert "Their birthday is on Friday (they turn 40)." in shown
    assert "Plan for their birthday" in shown
    assert "Hi Anna, your birthday is coming up on Friday!" in _codes(at) or (
        "Hey Anna, it's your birthday on Friday!" in _codes(at)
    )
    # the same suggestion as the command line reads from the same store
    run = analysis_from_store(private_store, as_of=files.AS_OF)
    anna = run.analysis.suggestions.set_index("name").loc["Anna Berg"]
    assert anna["occasion"] == "birthday" and anna["on"] == SOON.isoformat()
    open_page(at, "overview")
    assert "Their birthday is on Friday" in _shown(at)  # in the short list

    # in memory: no birthday suggestion, though the date is near
    with Store(private_store) as s:
        s.save_edit(PersonEdit(str(anna["person_id"]), states=("in_memory",)))
    open_page(at, "suggestions")
    assert "Anna Berg" not in texts(at)


def test_a_follow_up_is_suggested_on_its_day_and_leaves_when_reached_out(private_store):
    at = _uploaded()
    run = analysis_from_store(private_store, as_of=files.AS_OF)
    people = run.analysis.people.set_index("name")
    pid = str(people.loc["David Chen", "person_id"])
    assert "David Chen" not in set(run.analysis.suggestions["name"])  # his rhythm is fine
    with Store(private_store) as s:
        s.add_follow_up(FollowUp(pid, files.AS_OF, "ask how the climbing trip went"))

    _as_of(at, files.AS_OF - timedelta(days=1))
    open_page(at, "suggestions")
    assert "ask how the climbing trip went" not in texts(at)

    _as_of(at, files.AS_OF)
    open_page(at, "suggestions")
    assert "Your follow-up for today: ask how the climbing trip went." in _shown(at)
    assert "Hi David! I was wondering how the climbing trip went." in _codes(at)
    next(b for b in at.button if b.key == f"ck_done_{pid}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "ask how the climbing trip went" not in texts(at)
    with Store(private_store) as s:  # done for good: not "coming up" on the Overview either
        assert [f.done for f in s.follow_ups()] == [True]
    open_page(at, "overview")
    assert "ask how the climbing trip went" not in texts(at)
