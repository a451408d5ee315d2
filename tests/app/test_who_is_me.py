""" "Which of these is you?": after a chat export is uploaded, its participants are offered right
under the upload's result; until the user picks themselves the page says they may appear in
their own network; once picked, the files are read again and the user is no longer a person in
the analysis. A clear next step leads to the overview."""

from __future__ import annotations

from datetime import date, timedelta

from analysis.pipeline import analysis_from_store
from analysis.store import Store
from dashboard import words
from tests.app import files
from tests.app.conftest import new_app, open_page, texts

ME = "Jonas Weber"
CHAT_NAME = "WhatsApp Chat with Climbing crew.txt"


def climbing_chat() -> bytes:
    """A WhatsApp group chat (Android, English, day-first) of the user and three friends over
    six weeks before the as-of date: the user writes most days."""
    lines = [
        "12/05/2026, 18:00 - Messages and calls are end-to-end encrypted. No one outside of "
        "this chat, not even WhatsApp, can read or listen to them.",
        f"12/05/2026, 18:01 - {ME} created group \u201cClimbing crew\u201d",
    ]
    writers = [ME, "Anna Berg", ME, "Ben Okafor", "David Chen", ME]
    day = date(2026, 5, 13)
    i = 0
    while day <= files.AS_OF:
        for k in range(3):
            who = writers[(i + k) % len(writers)]
            lines.append(f"{day:%d/%m/%Y}, 19:{10 + 7 * k:02d} - {who}: see you at the wall?")
        day += timedelta(days=2)
        i += 1
    return ("\n".join(lines) + "\n").encode("utf-8")


def _upload():
    at = new_app().run()
    open_page(at, "import_data")
    chat = (CHAT_NAME, climbing_chat(), "text/plain")
    at.file_uploader[0].set_value([*files.all_files(), chat]).run()
    assert not at.exception, [e.value for e in at.exception]
    at.date_input(key="ck_as_of_input").set_value(files.AS_OF).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _people(store_path) -> set[str]:
    run = analysis_from_store(store_path, as_of=files.AS_OF)
    people = run.analysis.people
    return set(people.loc[~people["non_person"].astype(bool), "name"])


def test_picking_yourself_among_the_participants_takes_you_out_of_your_network(private_store):
    at = _upload()
    pick = [s for s in at.selectbox if (s.key or "").startswith("ck_me_pick_")]
    assert len(pick) == 1, "one pick-list, for the chat only"
    assert pick[0].label == f"You in {words.md_escape(CHAT_NAME)}"
    assert pick[0].options[0] == ME  # the one who writes most comes first
    assert set(pick[0].options) == {ME, "Anna Berg", "Ben Okafor", "David Chen"}
    assert "you may appear as a person in your own network" in texts(at)
    # shown where the user looks: not inside a collapsed panel
    assert not any(pick[0].key in [w.key for w in e.selectbox] for e in at.expander)
    assert ME in _people(private_store)  # the user is, wrongly, one of their own people

    pick[0].set_value(ME).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "you are “Jonas Weber” in your chats" in texts(at)
    assert not [s for s in at.selectbox if (s.key or "").startswith("ck_me_pick_")]
    assert "you may appear as a person" not in texts(at)
    assert at.text_input(key="ck_me_input").value == ME  # the "me" box says it too
    with Store(private_store) as s:
        assert s.setting("me") == [ME]
    assert ME not in _people(private_store)
    assert {"Anna Berg", "Ben Okafor", "David Chen"} <= _people(private_store)

    # the pages agree: nobody called Jonas Weber in the network or among the people
    open_page(at, "network")
    assert ME not in at.selectbox(key="ck_person").options
    open_page(at, "people")
    at.text_input(key="ck_people_query").set_value("jonas").run()
    assert "Nobody matches" in texts(at)
    # and a new session over the same store still knows who the user is
    again = open_page(new_app().run(), "import_data")
    assert not [s for s in again.selectbox if (s.key or "").startswith("ck_me_pick_")]


def test_the_import_ends_with_a_clear_next_step_to_the_overview():
    at = _upload()
    links = [e.proto.label for e in at.get("page_link")]
    assert links.count("See your overview") == 1
    assert "**Next:**" in texts(at)
    # the link leads to the overview of the user's own files
    at.switch_page("app_pages/overview.py").run()
    assert at.title[0].value == "Overview" and "You are looking at a sample" not in texts(at)
