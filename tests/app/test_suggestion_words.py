"""The Suggestions page speaks to whoever looks: the channel to log defaults to the step each
suggestion asks for (a meeting is logged as met, a call as a call, a message as a message), and
the captions speak of the sample's made-up life only while the sample is shown."""

from __future__ import annotations

import pytest

from analysis.store import Store
from dashboard.words import step_channel
from tests.app.conftest import open_page, texts

SAMPLE_WORDS = "This is a sample life"


@pytest.mark.parametrize(
    ("kind", "action", "channel"),
    [
        ("meet", "Meet in person: suggest a walk, a coffee or a meal this week.", "in_person"),
        ("check_in", "Call, or send a warm message: it has been a while.", "call"),
        ("check_in", "Send a short check-in message.", "message"),
        ("reply", "Reply: a short answer now is better than a long one later.", "message"),
        ("weak_tie", "Lean on a weak tie: ask a small question or share something.", "message"),
        ("birthday", "Go for a coffee on her birthday: she turns 40.", "in_person"),
        ("birthday", "Call to wish a happy birthday: she turns 40.", "call"),
        ("other", "A video call this weekend: it has been months.", "video"),
        ("other", "Send an e-mail: thank them for the introduction.", "email"),
    ],
)
def test_the_channel_of_a_step_is_read_from_its_kind_and_words(kind, action, channel):
    assert step_channel(kind, action) == channel


def test_logging_from_a_suggestion_defaults_to_its_steps_channel(
    sample_app, expected_sample, private_store
):
    _, _, an = expected_sample
    sugg = an.suggestions
    kinds = set(sugg["kind"])
    assert "meet" in kinds and any(a.startswith("Call") for a in sugg["action"])
    at = open_page(sample_app, "suggestions")
    for s in sugg.itertuples(index=False):
        wanted = (
            "in_person"
            if s.kind == "meet"
            else "call"
            if s.action.startswith("Call")
            else "message"
        )
        assert at.selectbox(key=f"ck_how_{s.person_id}").value == wanted, (s.kind, s.action)
    meet = sugg[sugg["kind"] == "meet"].iloc[0]
    at.button(key=f"ck_done_{meet['person_id']}").click().run()  # the channel left as offered
    assert not at.exception, [e.value for e in at.exception]
    with Store(at.session_state["ck_sample_store"]) as s:
        logged = s.logged_interactions()
    assert list(logged["who"]) == [meet["name"]] and list(logged["channel"]) == ["in_person"]


def test_the_sample_s_captions_speak_of_a_sample_life(sample_app):
    at = open_page(sample_app, "suggestions")
    caption = " ".join(c.value for c in at.caption)
    assert SAMPLE_WORDS in caption and "Mara Jensen" in caption
    assert "your own files" not in caption.replace("Start with your own files", "")
    open_page(at, "overview")
    assert SAMPLE_WORDS in " ".join(c.value for c in at.caption)


def test_your_own_files_captions_speak_of_your_files_not_a_sample(uploaded_app):
    at = open_page(uploaded_app, "suggestions")
    caption = " ".join(c.value for c in at.caption)
    assert "your own files" in caption and "your own rhythm" in caption
    assert "sample" not in caption.lower()
    first = next(b.key for b in at.button if (b.key or "").startswith("ck_done_"))
    at.button(key=first).click().run()  # done and snoozed: where the choice is kept
    caption = " ".join(c.value for c in at.caption)
    assert "kept on this computer" in caption and "sample" not in caption.lower()
    open_page(at, "overview")
    assert "Drawn from your own files" in texts(at) and SAMPLE_WORDS not in texts(at)
