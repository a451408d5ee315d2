"""Telegram Desktop result.json: single chats, whole-account exports, calls, groups, bad JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.errors import UnusableFileError
from analysis.importers import detect, import_file, telegram
from analysis.importers.base import ImportOptions, SourceFile

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "chat"
CORPUS = ROOT / ".." / "shared" / "corpus" / "chat"
TG = CORPUS / "joweich__chat-miner" / "test" / "telegram"

needs_corpus = pytest.mark.skipif(not TG.is_dir(), reason="shared corpus not present")


def _chats(doc: dict) -> list[dict]:
    return doc["chats"]["list"] if "chats" in doc else [doc]


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("name", ["test_single_export.json", "test_batch_export.json"])
def test_corpus_exports_import_with_every_message_counted(name):
    path = TG / name
    src = SourceFile.from_path(str(path))
    assert detect(src).format == "telegram"
    res = import_file(src)
    rep = res.report
    assert rep.error is None
    doc = json.loads(path.read_text(encoding="utf-8"))
    messages = sum(1 for c in _chats(doc) for m in c["messages"] if m.get("type") == "message")
    assert rep.read == rep.imported == messages == 2
    # two authors, ten minutes apart: one burst; the user is unknown so both get a row
    assert sorted(res.interactions["who"]) == ["Author 1", "Author 2"]
    assert set(res.interactions["note"]) == {"2 messages"}
    assert any("which participant is you" in w for w in rep.warnings)
    assert str(res.interactions["timestamp"].iloc[0]) == "2018-12-05 10:39:10+00:00"


def test_whole_account_export_gives_messages_calls_and_group_days():
    path = FIXTURES / "telegram_result.json"
    res = import_file(SourceFile.from_path(str(path)))
    rep = res.report
    doc = json.loads(path.read_text(encoding="utf-8"))
    entries = sum(len(c["messages"]) for c in _chats(doc))
    assert rep.read == entries == 14
    assert rep.read == rep.imported + len(rep.skipped)
    reasons = sorted(s.reason for s in rep.skipped)
    assert reasons == [
        "Saved Messages (notes to yourself)",
        "channel post (a broadcast, not a conversation)",
        "only you wrote in the group chat that day",
        "service message (create_group)",
        "service message (pin_message)",
    ]
    frame = res.interactions
    assert "Ada Quinn" not in set(frame["who"])  # the user, from personal_information
    personal = frame[(frame["who"] == "Noor Haddad") & (frame["event_id"] == "")]
    msgs = personal[personal["channel"] == "message"]
    assert list(msgs["direction"]) == ["incoming", "outgoing"]
    assert list(msgs["note"]) == ["3 messages", "1 message"]
    calls = personal[personal["channel"] == "call"]
    assert list(calls["direction"]) == ["outgoing", "incoming"]
    assert calls["duration_min"].round(2).tolist() == [12.57, 0.0]
    assert list(calls["note"]) == ["call", "missed call"]
    group = frame[frame["event_id"] != ""]
    assert sorted(group["who"]) == ["Iris Park", "Noor Haddad"]
    assert group["event_id"].nunique() == 1
    assert dict(zip(group["who"], group["direction"], strict=True)) == {
        "Iris Park": "incoming",  # wrote before the user that day
        "Noor Haddad": "outgoing",  # wrote after the user
    }
    assert not rep.warnings


def test_text_may_be_a_list_of_entities():
    assert telegram._text_of(["Link: ", {"type": "link", "text": "https://t.me"}]) == (
        "Link: https://t.me"
    )


def test_personal_chat_without_personal_information_finds_the_user_by_chat_id():
    doc = json.loads((FIXTURES / "telegram_result.json").read_text(encoding="utf-8"))
    chat = doc["chats"]["list"][0]  # the personal chat, exported alone from its window
    src = SourceFile("result.json", json.dumps(chat).encode())
    res = import_file(src)
    assert set(res.interactions["who"]) == {"Noor Haddad"}
    msgs = res.interactions[res.interactions["channel"] == "message"]
    assert list(msgs["direction"]) == ["incoming", "outgoing"]
    assert not res.report.warnings


def test_json_that_is_not_a_telegram_export_is_refused_by_import_file():
    src = SourceFile(
        "result.json",
        b'{"participants": [{"name": "A"}], "messages": ['
        b'{"sender_name": "A", "timestamp_ms": 1, "content": "hi"}]}',
    )
    res = import_file(src)
    assert res.report.error is not None
    assert "Telegram result.json" in res.report.error  # names what closeknit reads
    with pytest.raises(UnusableFileError, match='"chats"'):
        telegram.parse(SourceFile("x.json", b'{"foo": [1, 2]}'), ImportOptions())


def test_truncated_telegram_export_says_where_the_json_breaks():
    data = (FIXTURES / "telegram_result.json").read_bytes()
    src = SourceFile("result.json", data[: len(data) // 2])
    assert detect(src).format == "telegram"
    res = import_file(src)
    assert "not valid JSON" in res.report.error and "line " in res.report.error
