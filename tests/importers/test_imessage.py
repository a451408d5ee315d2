"""Messages' chat.db (iMessage/SMS on a Mac): one-to-one and group chats, tapbacks, Apple dates,
e-mail handles, damaged or foreign SQLite files."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import CloseknitError, UnusableFileError
from analysis.importers import detect, imessage, import_file
from analysis.importers.base import ImportOptions, SourceFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imessage"
APPLE_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)


def apple(when: str, unit: str = "ns") -> int:
    """A chat.db ``date``: seconds (old macOS) or nanoseconds (macOS 10.13+) since 2001."""
    secs = (datetime.fromisoformat(when).replace(tzinfo=UTC) - APPLE_EPOCH).total_seconds()
    return int(secs) * 1_000_000_000 if unit == "ns" else int(secs)


def build_chat_db(
    tmp_path: Path,
    handles: list[tuple[int, str, str]],
    chats: list[tuple[int, str, str, list[int]]],
    messages: list[dict],
    schema: str = "schema_sonoma.sql",
    wal: bool = False,
) -> bytes:
    """A chat.db made with Messages' own schema: handles (rowid, id, service), chats (rowid, guid,
    display name, handle rowids), messages (dicts of message columns plus ``chat``)."""
    path = tmp_path / f"chat-{len(list(tmp_path.iterdir()))}.db"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / schema).read_text(encoding="utf-8"))
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.executemany("INSERT INTO handle (ROWID, id, service) VALUES (?,?,?)", handles)
    for rowid, guid, name, members in chats:
        conn.execute(
            "INSERT INTO chat (ROWID, guid, chat_identifier, display_name, style) "
            "VALUES (?,?,?,?,?)",
            (rowid, guid, guid.rsplit(";", 1)[-1], name, 43 if len(members) > 1 else 45),
        )
        conn.executemany(
            "INSERT INTO chat_handle_join (chat_id, handle_id) VALUES (?,?)",
            [(rowid, h) for h in members],
        )
    known = {r[1] for r in conn.execute("PRAGMA table_info(message)")}
    for i, msg in enumerate(messages, start=1):
        chat = msg.get("chat")
        msg = {k: v for k, v in msg.items() if k in known}  # an older schema lacks some
        msg.setdefault("guid", f"5E2C1F0A-0000-4000-8000-{i:012d}")
        cols = ", ".join(msg)
        conn.execute(
            f"INSERT INTO message (ROWID, {cols}) VALUES (?, {', '.join('?' * len(msg))})",
            (i, *msg.values()),
        )
        if chat is not None:
            conn.execute(
                "INSERT INTO chat_message_join (chat_id, message_id) VALUES (?,?)", (chat, i)
            )
    conn.commit()
    conn.close()
    return path.read_bytes()


HANDLES = [
    (1, "+4915123456789", "iMessage"),
    (2, "+4915123456789", "SMS"),
    (3, "Mila.Novak@iCloud.com", "iMessage"),
    (4, "+491701112233", "iMessage"),
]
CHATS = [
    (1, "iMessage;-;+4915123456789", "", [1]),
    (2, "SMS;-;+4915123456789", "", [2]),
    (3, "iMessage;-;mila.novak@icloud.com", "", [3]),
    (4, "iMessage;+;chat493817263548192736", "Climbing crew", [1, 4]),
]


def _messages(unit: str = "ns") -> list[dict]:
    d = lambda s: apple(s, unit)  # noqa: E731 - short local helper
    svc = "iMessage"
    return [
        # Anna (+49 151...), iMessage: a burst started by me, a tapback, then an SMS a day later
        {"date": d("2024-03-10 18:00:00"), "is_from_me": 1, "handle_id": 1, "service": svc,
         "chat": 1, "text": "Dinner Friday?"},
        {"date": d("2024-03-10 18:04:00"), "is_from_me": 0, "handle_id": 1, "service": svc,
         "chat": 1, "text": "Yes!"},
        {"date": d("2024-03-10 18:05:00"), "is_from_me": 1, "handle_id": 1, "service": svc,
         "chat": 1, "associated_message_type": 2000, "associated_message_guid": "p:0/x",
         "text": "Loved \u201cYes!\u201d"},
        {"date": d("2024-03-11 09:00:00"), "is_from_me": 0, "handle_id": 2, "service": "SMS",
         "chat": 2, "text": "running late"},
        # Mila by e-mail handle
        {"date": d("2024-03-12 20:00:00"), "is_from_me": 0, "handle_id": 3, "service": svc,
         "chat": 3, "text": "photos from saturday"},
        {"date": d("2024-03-12 20:10:00"), "is_from_me": 1, "handle_id": 3, "service": svc,
         "chat": 3, "text": "thanks"},
        # the group: a member added (item_type 1), Anna and Dmitri write, I reply
        {"date": d("2024-03-13 08:00:00"), "is_from_me": 1, "handle_id": 0, "service": svc,
         "chat": 4, "item_type": 1, "other_handle": 4},
        {"date": d("2024-03-13 19:00:00"), "is_from_me": 0, "handle_id": 4, "service": svc,
         "chat": 4, "text": "gym at 7?"},
        {"date": d("2024-03-13 19:02:00"), "is_from_me": 1, "handle_id": 0, "service": svc,
         "chat": 4, "text": "in"},
        {"date": d("2024-03-13 19:03:00"), "is_from_me": 0, "handle_id": 1, "service": svc,
         "chat": 4, "text": "me too"},
        # an undelivered message
        {"date": d("2024-03-14 10:00:00"), "is_from_me": 1, "handle_id": 3, "service": svc,
         "chat": 3, "error": 22, "text": "did not go out"},
    ]  # fmt: skip


def _import(data: bytes, **opts) -> object:
    return import_file(SourceFile("chat.db", data), ImportOptions(region="DE", **opts))


def test_chat_db_gives_bursts_group_days_and_skips_tapbacks(tmp_path):
    data = build_chat_db(tmp_path, HANDLES, CHATS, _messages())
    assert detect(SourceFile("chat.db", data)).format == "imessage"
    res = _import(data)
    rep = res.report
    assert rep.error is None
    assert rep.read == 11 == rep.imported + len(rep.skipped)
    reasons = sorted(s.reason for s in rep.skipped)
    assert reasons == [
        "group event, not a message (item_type 1)",
        "never delivered (error 22)",
        "tapback (a reaction to a message, not a message)",
    ]
    inter = res.interactions.sort_values(["timestamp", "who"]).reset_index(drop=True)
    rows = [
        (str(t), w, c, d, n)
        for t, w, c, d, n in zip(
            inter["timestamp"],
            inter["who"],
            inter["channel"],
            inter["direction"],
            inter["note"],
            strict=True,
        )
    ]
    assert rows == [
        ("2024-03-10 18:00:00+00:00", "+4915123456789", "message", "outgoing", "2 messages"),
        ("2024-03-11 09:00:00+00:00", "+4915123456789", "message", "incoming", "1 message"),
        ("2024-03-12 20:00:00+00:00", "mila.novak@icloud.com", "message", "incoming", "2 messages"),
        (
            "2024-03-13 19:00:00+00:00",
            "+491701112233",
            "message",
            "incoming",
            "1 message in group chat 'Climbing crew'",
        ),
        (
            "2024-03-13 19:03:00+00:00",
            "+4915123456789",
            "message",
            "outgoing",
            "1 message in group chat 'Climbing crew'",
        ),
    ]
    group = inter[inter["note"].str.contains("group")]
    assert group["event_id"].nunique() == 1 and group["event_id"].iloc[0]
    assert (inter.loc[~inter["note"].str.contains("group"), "event_id"] == "").all()


def test_apple_seconds_and_nanoseconds_read_the_same(tmp_path):
    old = build_chat_db(tmp_path, HANDLES, CHATS, _messages("s"), schema="schema_sierra.sql")
    new = build_chat_db(tmp_path, HANDLES, CHATS, _messages("ns"))
    a, b = _import(old), _import(new)
    assert a.report.error is None and b.report.error is None
    cols = ["timestamp", "who", "direction", "event_id", "note"]
    # the old schema has no associated_message_type: its tapback row reads as a message
    assert a.report.read == b.report.read == 11
    ta = a.interactions[cols].sort_values(cols).reset_index(drop=True)
    tb = b.interactions[cols].sort_values(cols).reset_index(drop=True)
    assert list(ta["timestamp"]) == list(tb["timestamp"])
    assert list(ta["event_id"]) == list(tb["event_id"])


def test_sms_and_imessage_chats_with_one_person_are_one_conversation(tmp_path):
    d = lambda s: apple(s)  # noqa: E731
    msgs = [
        {"date": d("2024-05-01 12:00:00"), "is_from_me": 1, "handle_id": 1, "chat": 1,
         "service": "iMessage"},
        {"date": d("2024-05-01 12:10:00"), "is_from_me": 0, "handle_id": 2, "chat": 2,
         "service": "SMS"},
    ]  # fmt: skip
    res = _import(build_chat_db(tmp_path, HANDLES, CHATS, msgs))
    assert len(res.interactions) == 1
    assert res.interactions["note"].iloc[0] == "2 messages"


def test_local_numbers_are_read_with_the_region(tmp_path):
    handles = [(1, "0151 23456789", "SMS")]
    chats = [(1, "SMS;-;0151 23456789", "", [1])]
    msgs = [{"date": apple("2024-05-01 12:00:00"), "is_from_me": 0, "handle_id": 1, "chat": 1}]
    res = _import(build_chat_db(tmp_path, handles, chats, msgs))
    assert list(res.interactions["who"]) == ["+4915123456789"]


def test_a_database_in_wal_mode_is_read_and_left_untouched(tmp_path):
    data = build_chat_db(tmp_path, HANDLES, CHATS, _messages(), wal=True)
    before = bytes(data)
    res = _import(data)
    assert res.report.error is None and res.report.imported == 8
    assert data == before


def test_overlapping_copies_give_the_same_group_event_ids(tmp_path):
    msgs = _messages()
    older = _import(build_chat_db(tmp_path, HANDLES, CHATS, msgs[:-2]))
    newer = _import(build_chat_db(tmp_path, HANDLES, CHATS, msgs))
    old_ids = set(older.interactions["event_id"]) - {""}
    assert old_ids and old_ids <= set(newer.interactions["event_id"])


def test_sqlite_without_the_messages_tables_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('x')")
    conn.commit()
    conn.close()
    src = SourceFile("chat.db", path.read_bytes())
    res = import_file(src)
    assert res.report.error and "binary" in res.report.error
    with pytest.raises(UnusableFileError, match="not Messages' chat.db"):
        imessage.parse(src, ImportOptions())


def test_a_damaged_chat_db_is_a_clear_error(tmp_path):
    data = build_chat_db(tmp_path, HANDLES, CHATS, _messages())
    cut = data[: len(data) // 3] + b"\x00" * 100
    damaged = data[:100] + bytes(b ^ 0x5A for b in data[100:])
    for bad in (cut, damaged):
        with pytest.raises(UnusableFileError) as err:
            imessage.parse(SourceFile("chat.db", bad), ImportOptions())
        assert "chat.db" in str(err.value)
    res = import_file(SourceFile("chat.db", cut))
    assert res.report.error and res.report.imported == 0


def test_a_locked_database_is_a_clear_error(tmp_path, monkeypatch):
    data = build_chat_db(tmp_path, HANDLES, CHATS, _messages())

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(imessage.sqlite3, "connect", locked)
    with pytest.raises(UnusableFileError, match="database is locked"):
        imessage.parse(SourceFile("chat.db", data), ImportOptions())


def test_not_sqlite_is_refused_by_parse():
    with pytest.raises(UnusableFileError, match="not an SQLite database"):
        imessage.parse(SourceFile("chat.db", b"hello"), ImportOptions())


_row = st.fixed_dictionaries(
    {
        "date": st.one_of(
            st.none(),
            st.integers(-(2**63), 2**63 - 1),
            st.integers(0, 10**9),
            st.integers(5 * 10**17, 8 * 10**17),
            st.floats(allow_nan=True),
            st.text(max_size=5),
        ),
        "is_from_me": st.one_of(st.sampled_from([0, 1]), st.none(), st.text(max_size=3)),
        "handle_id": st.one_of(st.integers(-1, 6), st.none(), st.text(max_size=3)),
        "chat": st.one_of(st.none(), st.integers(1, 5)),
        "service": st.sampled_from(["iMessage", "SMS", "RCS", None]),
        "associated_message_type": st.one_of(st.sampled_from([0, 1000, 2001, 3003]), st.none()),
        "item_type": st.one_of(st.sampled_from([0, 0, 0, 1, 2, 3]), st.none()),
        "error": st.one_of(st.just(0), st.integers(0, 40), st.none()),
    }
)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(rows=st.lists(_row, max_size=25))
def test_any_rows_parse_with_every_message_counted(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("prop")
    try:
        data = build_chat_db(tmp, HANDLES, CHATS, rows)
    except sqlite3.IntegrityError:
        return
    try:
        res = imessage.parse(SourceFile("chat.db", data), ImportOptions(region="DE"))
    except CloseknitError:
        return
    rep = res.report
    assert rep.read == len(rows) == rep.imported + len(rep.skipped)
