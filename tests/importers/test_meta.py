"""Messenger and Instagram exports (Meta "Download your information", JSON): one-to-one and group
threads, mojibake, calls, multi-part threads in a zip, who the user is, HTML refused, overlap."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import CloseknitError, UnusableFileError
from analysis.importers import detect, import_file, meta
from analysis.importers.base import ImportOptions, SourceFile
from analysis.store.store import interaction_keys

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "meta"
CORPUS = ROOT / ".." / "shared" / "corpus" / "chat" / "joweich__chat-miner" / "test"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


def _doc(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _zip(members: dict[str, object], name: str = "facebook-benokafor-2024-03-20.zip") -> SourceFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, content in members.items():
            data = content if isinstance(content, bytes) else json.dumps(content, indent=2)
            zf.writestr(path, data)
    return SourceFile(name, buf.getvalue())


def _rows(inter) -> list[tuple]:
    inter = inter.sort_values(["timestamp", "who", "channel"]).reset_index(drop=True)
    return [
        (str(t)[:16], w, str(c), str(d), None if np.isnan(m) else round(m, 2), n)
        for t, w, c, d, m, n in zip(
            inter["timestamp"],
            inter["who"],
            inter["channel"],
            inter["direction"],
            inter["duration_min"],
            inter["note"],
            strict=True,
        )
    ]


def test_one_to_one_thread_fixes_mojibake_and_reads_calls():
    src = SourceFile.from_path(str(FIXTURES / "message_1.json"))
    det = detect(src)
    assert det.format == "meta"
    res = import_file(src)
    rep = res.report
    assert rep.error is None
    assert rep.read == 10 == rep.imported + len(rep.skipped) and not rep.skipped
    assert any("you are 'Ben Okafor'" in n for n in rep.notes)
    assert _rows(res.interactions) == [
        ("2024-03-09 08:00", "José García", "message", "outgoing", None, "1 message"),
        ("2024-03-10 17:12", "José García", "message", "outgoing", None, "3 messages"),
        ("2024-03-10 18:02", "José García", "call", "outgoing", 22.08, "call"),
        ("2024-03-11 09:14", "José García", "call", "incoming", 0.0, "missed call"),
        ("2024-03-11 09:15", "José García", "call", "outgoing", 0.0, "missed call"),
        ("2024-03-12 20:40", "José García", "video", "incoming", 12.57, "video call"),
        ("2024-03-12 20:58", "José García", "message", "incoming", None, "2 messages"),
    ]
    assert (res.interactions["event_id"] == "").all()


def test_fix_mojibake_round_trips_only_real_mojibake():
    assert meta.fix_mojibake("Jos\u00c3\u00a9") == "José"
    assert meta.fix_mojibake("\u00f0\u009f\u0098\u00a2") == "\U0001f622"
    assert meta.fix_mojibake("José") == "José"  # already right: not Latin-1-decodable UTF-8
    assert meta.fix_mojibake("Zoë 😀") == "Zoë 😀"


def test_group_thread_gives_group_days_and_skips_membership_changes():
    res = import_file(
        SourceFile.from_path(str(FIXTURES / "group_message_1.json")),
        ImportOptions(me=("ben okafor",)),
    )
    rep = res.report
    assert rep.read == 6 == rep.imported + len(rep.skipped)
    assert [s.reason for s in rep.skipped] == [
        "group membership change (someone was added)",
        "only you wrote in the group chat that day",
    ]
    assert _rows(res.interactions) == [
        (
            "2024-03-13 20:30",
            "Dmitri Ivanov",
            "message",
            "incoming",
            None,
            "1 message in group chat 'Kletterbande'",
        ),
        (
            "2024-03-14 18:50",
            "Chloé Dubois",
            "message",
            "incoming",
            None,
            "1 message in group chat 'Kletterbande'",
        ),
        ("2024-03-14 19:02", "Ana Lima", "message", "outgoing", None, "1 message in group chat 'Kletterbande'"),
    ]  # fmt: skip
    day = res.interactions[res.interactions["timestamp"].dt.day == 14]
    assert day["event_id"].nunique() == 1 and day["event_id"].iloc[0]


def test_group_with_unknown_user_warns_and_counts_everyone():
    res = import_file(SourceFile.from_path(str(FIXTURES / "group_message_1.json")))
    assert any("which participant is you" in w for w in res.report.warnings)
    assert set(res.interactions["direction"]) == {"unknown"}
    assert "Ben Okafor" in set(res.interactions["who"])


def _split(doc: dict, at: int) -> tuple[dict, dict]:
    """A thread cut in two parts the way Meta does (newest messages in message_1)."""
    one, two = copy.deepcopy(doc), copy.deepcopy(doc)
    one["messages"], two["messages"] = doc["messages"][:at], doc["messages"][at:]
    return one, two


def _export(parts_by_thread: dict[str, list[dict]], root: str = "your_facebook_activity/"):
    members: dict[str, object] = {
        f"{root}messages/autofill_information.json": _doc("autofill_information.json"),
        f"{root}messages/inbox/josegarcia_5804419756249513/photos/4200_1.jpg": b"\xff\xd8\xff",
    }
    for folder, parts in parts_by_thread.items():
        for n, part in enumerate(parts, start=1):
            members[f"{root}messages/{folder}/message_{n}.json"] = part
    return members


def test_zip_merges_the_parts_of_a_thread_before_bursting():
    one, two = _split(_doc("message_1.json"), 8)  # cuts the 17:12-17:31 burst in two
    src = _zip(
        _export(
            {
                "inbox/josegarcia_5804419756249513": [one, two],
                "inbox/kletterbande_7215633091843218": [_doc("group_message_1.json")],
            }
        )
    )
    det = detect(src)
    assert det.format == "meta" and det.label == "Facebook Messenger export (JSON) in a .zip"
    assert det.notes == ("2 conversations",)
    res = import_file(src)
    rep = res.report
    assert rep.error is None
    assert rep.read == 16 == rep.imported + len(rep.skipped)
    assert any("autofill_information.json" in n for n in rep.notes)
    jose = res.interactions[res.interactions["who"] == "José García"]
    assert "3 messages" in set(jose["note"])  # the burst across message_1/message_2 is one
    # the same thread given as single files: the burst is cut at the part boundary
    loose = [import_file(SourceFile(f"message_{i}.json", json.dumps(p).encode())) for i, p in
             enumerate((one, two), start=1)]  # fmt: skip
    assert sum(len(r.interactions) for r in loose) == len(jose) + 1
    # where a skipped record was: the part file inside the zip
    where = [s.where for s in rep.skipped]
    assert (
        "your_facebook_activity/messages/inbox/kletterbande_7215633091843218/message_1.json, message 6"
        in where
    )  # noqa: E501


def test_user_is_the_participant_of_every_thread_when_no_profile():
    members = _export(
        {
            "inbox/josegarcia_5804419756249513": [_doc("message_1.json")],
            "archived_threads/kletterbande_7215633091843218": [_doc("group_message_1.json")],
        },
        root="",
    )
    del members["messages/autofill_information.json"]
    res = import_file(_zip(members))
    assert any("in every conversation" in n for n in res.report.notes)
    assert "unknown" not in set(res.interactions["direction"])
    assert "Ben Okafor" not in set(res.interactions["who"])


def test_me_option_wins_and_is_matched_after_the_mojibake_repair():
    res = import_file(
        SourceFile.from_path(str(FIXTURES / "message_1.json")),
        ImportOptions(me=("José García",)),
    )
    assert set(res.interactions["who"]) == {"Ben Okafor"}
    assert not res.report.notes


def test_instagram_export_layout():
    src = _zip(
        {
            "your_instagram_activity/messages/inbox/milanovak_17865432109876543/message_1.json": (
                _doc("instagram_message_1.json")
            ),
            "personal_information/personal_information/personal_information.json": {
                "profile_user": [
                    {
                        "string_map_data": {
                            "Name": {"value": "Ben Okafor"},
                            "Username": {"value": "ben.okafor"},
                        }
                    }
                ]
            },
        },
        name="instagram-ben.okafor-2024-03-21-AbCdEf.zip",
    )
    det = detect(src)
    assert det.label == "Instagram messages export (JSON) in a .zip"
    res = import_file(src)
    assert res.report.label == "Instagram messages export (JSON)"
    assert _rows(res.interactions) == [
        ("2024-03-18 12:00", "Mila Novak", "call", "incoming", 1.58, "call"),
        ("2024-03-20 22:01", "Mila Novak", "message", "outgoing", None, "2 messages"),
    ]
    assert res.interactions["source"].iloc[0].endswith("(Instagram messages export (JSON))")


def test_html_export_is_refused_naming_the_json_export():
    res = import_file(SourceFile.from_path(str(FIXTURES / "message_1.html")))
    err = res.report.error
    assert "looks like a Facebook Messenger or Instagram export in HTML" in err
    assert "Format: JSON" in err
    html = (FIXTURES / "message_1.html").read_bytes()
    zipped = _zip({"your_facebook_activity/messages/inbox/josegarcia_58044/message_1.html": html})
    err = import_file(zipped).report.error
    assert "export in HTML" in err and "JSON" in err


def test_overlapping_exports_give_the_same_keys_for_the_same_records():
    thread, group = _doc("message_1.json"), _doc("group_message_1.json")
    older_thread, older_group = copy.deepcopy(thread), copy.deepcopy(group)
    older_thread["messages"] = thread["messages"][3:]  # a week earlier: older messages only
    older_group["messages"] = group["messages"][3:]
    older = import_file(_zip(_export({
        "inbox/josegarcia_5804419756249513": [older_thread],
        "inbox/kletterbande_7215633091843218": [older_group]})))  # fmt: skip
    newer = import_file(_zip(_export({
        "inbox/josegarcia_5804419756249513": [thread],
        "archived_threads/kletterbande_7215633091843218": [group]})))  # fmt: skip
    old_keys = set(interaction_keys(older.interactions).tolist())
    new_keys = set(interaction_keys(newer.interactions).tolist())
    assert old_keys and old_keys <= new_keys
    old_ids = set(older.interactions["event_id"]) - {""}
    assert old_ids and old_ids <= set(newer.interactions["event_id"])
    # and the group thread given as a loose file has the same group-day ids as in the zip
    loose = import_file(SourceFile("message_1.json", json.dumps(group).encode()),
                        ImportOptions(me=("Ben Okafor",)))  # fmt: skip
    assert set(loose.interactions["event_id"]) <= set(newer.interactions["event_id"])


def test_a_damaged_part_costs_only_that_part():
    members = _export(
        {
            "inbox/josegarcia_5804419756249513": [_doc("message_1.json")],
            "inbox/kletterbande_7215633091843218": [_doc("group_message_1.json")],
        }
    )
    members[
        "your_facebook_activity/messages/inbox/kletterbande_7215633091843218/message_1.json"
    ] = b'{"participants": [{"name": "A"}], "messages": [{"sender_name": "A", "timest'
    res = import_file(_zip(members))
    rep = res.report
    assert rep.error is None and rep.imported == 10
    assert rep.read == rep.imported + len(rep.skipped)
    assert any("not valid JSON" in s.reason for s in rep.skipped)


def test_bad_single_files_are_clear_errors():
    with pytest.raises(UnusableFileError, match="not valid JSON"):
        meta.parse(SourceFile("message_1.json", b'{"messages": [{"sender_name": '), ImportOptions())
    with pytest.raises(UnusableFileError, match="not a Messenger/Instagram conversation"):
        meta.parse(SourceFile("message_1.json", b'{"participants": []}'), ImportOptions())
    with pytest.raises(UnusableFileError, match="holds no messages/inbox"):
        meta.parse(_zip({"readme.txt": b"hello"}), ImportOptions())


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize(
    ("path", "messages"),
    [
        ("facebookMessenger/testlog.json", 2),
        ("instagram/test_export.json", 2),
        ("instagram/testlog.json", None),
    ],
)
def test_corpus_exports_import_with_every_message_counted(path, messages):
    src = SourceFile.from_path(str(CORPUS / path))
    assert detect(src).format == "meta"
    rep = import_file(src).report
    doc = json.loads((CORPUS / path).read_text(encoding="utf-8"))
    assert rep.error is None
    assert rep.read == len(doc["messages"]) == rep.imported + len(rep.skipped)
    if messages is not None:
        assert rep.read == messages


_name = st.sampled_from(
    ["Ben Okafor", "Jos\u00c3\u00a9 Garc\u00c3\u00ada", "Ana Lima", "", "Zo\u00eb"]
)
_msg = st.one_of(
    st.fixed_dictionaries(
        {
            "sender_name": st.one_of(_name, st.none(), st.integers()),
            "timestamp_ms": st.one_of(
                st.integers(1_200_000_000_000, 1_800_000_000_000),
                st.integers(-(2**70), 2**70),
                st.floats(allow_nan=True, allow_infinity=True),
                st.none(),
                st.text(max_size=4),
            ),
        },
        optional={
            "content": st.one_of(st.text(max_size=20), st.integers(), st.none()),
            "type": st.sampled_from(
                ["Generic", "Share", "Call", "Subscribe", "Unsubscribe", 3, ["Call"]]
            ),
            "call_duration": st.one_of(st.integers(-5, 5000), st.floats(), st.text(max_size=3)),
            "is_unsent": st.booleans(),
        },
    ),
    st.integers(),
    st.text(max_size=5),
    st.none(),
    st.lists(st.integers(), max_size=2),
)
_thread = st.fixed_dictionaries(
    {"messages": st.lists(_msg, max_size=30)},
    optional={
        "participants": st.one_of(
            st.lists(st.fixed_dictionaries({"name": _name}), max_size=5), st.text(max_size=3)
        ),
        "title": st.one_of(_name, st.integers(), st.none()),
        "thread_type": st.sampled_from(["Regular", "RegularGroup", None, 7]),
        "thread_path": st.one_of(st.sampled_from(["inbox/x_1", "", "/"]), st.integers()),
        "is_still_participant": st.booleans(),
    },
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(thread=_thread, tz=st.sampled_from(["UTC", "Europe/Berlin"]))
def test_any_thread_file_parses_with_every_message_counted(thread, tz):
    src = SourceFile("message_1.json", json.dumps(thread).encode())
    try:
        res = meta.parse(src, ImportOptions(timezone=tz))
    except CloseknitError:
        return
    rep = res.report
    assert rep.read == len(thread["messages"]) == rep.imported + len(rep.skipped)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    threads=st.lists(_thread, min_size=1, max_size=3),
    junk=st.lists(st.binary(max_size=40), max_size=2),
)
def test_any_export_zip_parses_with_every_message_counted(threads, junk):
    members: dict[str, object] = {}
    for i, th in enumerate(threads):
        members[f"messages/inbox/t_{i}/message_1.json"] = th
    for j, raw in enumerate(junk):
        members[f"messages/inbox/junk_{j}/message_1.json"] = raw
    try:
        res = meta.parse(_zip(members), ImportOptions())
    except CloseknitError:
        return
    rep = res.report
    expected = sum(len(t["messages"]) for t in threads)
    assert rep.read == rep.imported + len(rep.skipped)
    assert rep.read >= expected
