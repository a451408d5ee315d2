"""Telegram Desktop result.json: single chats, whole-account exports, calls, groups, bad JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
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
        "result.json", b'{"name": "A", "id": 4, "messages": {"text": "hi", "when": "today"}}'
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


# --- odd shapes and dates ---------------------------------------------------------------------


def _chat_doc(messages, **chat) -> SourceFile:
    doc = {"name": "Noor Haddad", "type": "personal_chat", "id": 2002, "messages": messages}
    doc.update(chat)
    return SourceFile("result.json", json.dumps(doc).encode())


def _msg(i: int, unix: object = 1710000000, who: object = "Noor Haddad", **extra) -> dict:
    m = {"id": i, "type": "message", "date_unixtime": unix, "from": who, "from_id": "user2002"}
    m.update(extra)
    return m


def test_ten_thousand_deep_json_is_refused_with_the_reason_not_a_recursion_error():
    data = b'{"messages": [{"type": "message", "date": "x", "text": ' + b"[" * 10_000
    data += b"]" * 10_000 + b"}]}"
    with pytest.raises(UnusableFileError, match="nested too deeply"):
        telegram.parse(SourceFile("result.json", data), ImportOptions())
    assert "nested too deeply" in import_file(SourceFile("result.json", data)).report.error


def test_deeply_nested_text_entities_are_read_without_recursion():
    text: object = "deep"
    for _ in range(50_000):
        text = [text]
    assert telegram._text_of(text) == "deep"


@pytest.mark.parametrize(
    ("unix", "reason"),
    [
        ("garbage", "no readable date"),
        ([1, 2], "no readable date"),
        ({"s": 1}, "no readable date"),
        (None, "no readable date"),
        (True, "no readable date"),
        (-62135596800, "date outside the years closeknit can keep"),
        (253402300799, "date outside the years closeknit can keep"),
        (10**30, "date outside the years closeknit can keep"),
        ("99999999999", "date outside the years closeknit can keep"),
    ],
)
def test_unreadable_or_unrepresentable_date_skips_only_its_message(unix, reason):
    res = telegram.parse(_chat_doc([_msg(1), _msg(2, unix), _msg(3, 1710000060)]), ImportOptions())
    rep = res.report
    assert (rep.read, rep.imported) == (3, 2)
    assert rep.skipped[0].where == "chat 'Noor Haddad', message 2"
    assert rep.skipped[0].reason.startswith(reason)


@pytest.mark.parametrize("date", ["0001-01-01T00:00:00", "9999-12-31T23:59:59", "1600-01-01"])
def test_iso_date_outside_the_range_is_never_wrapped(date):
    msgs = [_msg(1), {"id": 2, "type": "message", "date": date, "from": "Noor Haddad"}]
    res = telegram.parse(_chat_doc(msgs), ImportOptions(timezone="Europe/Berlin"))
    assert res.report.skipped[0].reason.startswith("date outside the years")
    assert res.interactions["timestamp"].dt.year.tolist() == [2024]


def test_dates_more_than_a_year_ahead_are_imported_and_noted():
    ahead = int((pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=900)).timestamp())
    msgs = [_msg(1), _msg(2, ahead), _msg(3, ahead + 7200), _msg(4, ahead + 90000)]
    res = telegram.parse(_chat_doc(msgs), ImportOptions())
    assert res.report.imported == 4
    assert "4 messages dated more than a year ahead" not in res.report.notes
    assert "3 messages dated more than a year ahead" in res.report.notes


def test_odd_values_are_skipped_records_never_crashes():
    msgs = [
        _msg(1),
        "not a message",
        None,
        [1, 2, 3],
        _msg("7", who=None),  # id as a string, from null
        _msg(8, who={"name": "x"}, from_id=[1]),
        _msg(9, type=["message"]),
        {"id": 10, "type": "service", "action": {"deep": [1]}, "date_unixtime": 1710000000},
        {
            "id": 11,
            "type": "service",
            "action": "phone_call",
            "date_unixtime": 1710000000,
            "duration_seconds": "forever",
            "discard_reason": [1],
        },
    ]
    res = telegram.parse(_chat_doc(msgs, id="2002", name=["odd"]), ImportOptions())
    rep = res.report
    assert rep.read == rep.imported + len(rep.skipped) == 9
    reasons = {s.reason for s in rep.skipped}
    assert "not a message object ('not a message')" in reasons
    assert "not a message object (a JSON list)" in reasons
    assert "entry of type a JSON list" in reasons


def test_chat_whose_messages_are_not_a_list_is_one_skipped_record():
    doc = {
        "personal_information": {"user_id": {"odd": 1}, "phone_number": 12345},
        "chats": {"list": [{"name": "A", "messages": {"1": "x"}}, "junk", _chat_doc_dict()]},
    }
    res = telegram.parse(SourceFile("result.json", json.dumps(doc).encode()), ImportOptions())
    rep = res.report
    assert rep.read == rep.imported + len(rep.skipped)
    assert [s.where for s in rep.skipped[:2]] == ["chat 'A'", "chat 2"]
    assert rep.imported == 1


def _chat_doc_dict() -> dict:
    return {"name": "Noor Haddad", "type": "personal_chat", "id": 2002, "messages": [_msg(1)]}


def test_unknown_time_zone_is_a_warning_not_a_crash():
    msgs = [{"id": 1, "type": "message", "date": "2024-03-09T16:00:00", "from": "Noor Haddad"}]
    res = telegram.parse(_chat_doc(msgs), ImportOptions(timezone="Mars/Olympus"))
    assert res.report.imported == 1
    assert any("Mars/Olympus" in w for w in res.report.warnings)
