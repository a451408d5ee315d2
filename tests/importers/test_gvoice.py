"""Google Takeout: Google Voice call/text/voicemail HTML records and Google Chat messages.json,
checked against counts taken independently from the corpus files."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import UnusableFileError
from analysis.importers import detect, import_file
from analysis.importers.base import ImportOptions, SourceFile
from analysis.importers.gvoice import parse

TAKEOUT = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "corpus"
    / "calls_sms"
    / "wjcarpenter__gvoice-sms-takeout-xml"
    / "test_data"
    / "Takeout"
)
CALLS = TAKEOUT / "Voice" / "Calls"
CHAT = TAKEOUT / "Google Chat" / "Groups"
ME = ImportOptions(me=("Maria S Curie",))


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip("corpus not present")
    return path


def _html_files() -> list[Path]:
    return sorted(CALLS.glob("*.html")) if CALLS.is_dir() else []


def _chat_files() -> list[Path]:
    return sorted(CHAT.glob("*/messages.json")) if CHAT.is_dir() else []


def _messages(html: str) -> list[tuple[datetime, str, bool]]:
    """(time, sender tel, sent by the user) of each message, read with regexes."""
    out = []
    for block in re.split(r'<div class="message">', html)[1:]:
        when = datetime.fromisoformat(re.search(r'<abbr class="dt" title="([^"]+)"', block)[1])
        tel = re.search(r'href="tel:([^"]*)"', block)[1]
        out.append((when, tel, '<abbr class="fn" title="">Me</abbr>' in block))
    return out


def _bursts(times: list[datetime]) -> int:
    times = sorted(times)
    return 1 + sum(b - a > timedelta(minutes=30) for a, b in zip(times, times[1:], strict=False))


@pytest.mark.corpus
def test_every_voice_record_imports_and_is_detected_as_google_voice():
    files = _html_files()
    if not files:
        pytest.skip("corpus not present")
    assert len(files) == 20
    for path in files:
        src = SourceFile.from_path(str(path))
        assert detect(src).label == "Google Voice (Takeout)", path.name
        res = import_file(src)
        rep = res.report
        assert rep.error is None, path.name
        assert rep.read == rep.imported + len(rep.skipped), path.name
        html = path.read_text(encoding="utf-8")
        if 'class="haudio"' in html:
            assert rep.read == 1, path.name
            has_party = bool(
                re.search(r'class="contributor vcard">[^<]*<a class="tel" href="tel:\+?\d', html)
            )
            assert len(res.interactions) == int(has_party), path.name
            assert (res.interactions["channel"] == "call").all()
        else:
            assert rep.read == len(re.findall(r'<div class="message">', html)), path.name
            assert rep.imported == rep.read, path.name


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "direction", "minutes", "note"),
    [
        ("17323211010 - Received - 2018-07-30T22_31_33Z.html", "incoming", 12 + 51 / 60, ""),
        ("+17323218888 - 2015-03-23T00_35_56Z.html", "outgoing", 1.0, ""),
        ("+17323215555 - Missed - 2016-11-22T17_57_49Z.html", "incoming", 0.0, "missed"),
        (
            "Edson Arantes do Nascimento - Voicemail - 2014-05-17T02_54_27Z.html",
            "incoming",
            0.0,
            "voicemail",
        ),
        (
            "Albert Einstein - Recorded - 2019-05-22T18_18_56Z.html",
            "unknown",
            29 + 46 / 60,
            "recorded",
        ),
    ],
)
def test_call_kind_duration_and_time_come_from_the_record(name, direction, minutes, note):
    path = _need(CALLS / name)
    html = path.read_text(encoding="utf-8")
    tel = re.search(r'class="contributor vcard">[^<]*<a class="tel" href="tel:([^"]+)"', html)[1]
    published = re.search(r'<abbr class="published" title="([^"]+)"', html)[1]
    df = import_file(SourceFile.from_path(str(path))).interactions
    assert len(df) == 1
    row = df.iloc[0]
    assert row["who"] == tel
    assert row["direction"] == direction and row["note"] == note
    assert row["duration_min"] == pytest.approx(minutes)
    assert row["timestamp"] == pd.Timestamp(published).tz_convert("UTC")


@pytest.mark.corpus
def test_call_without_any_number_is_skipped_as_withheld():
    path = _need(CALLS / " - Placed - 2013-07-29T20_56_11Z.html")
    res = import_file(SourceFile.from_path(str(path)))
    assert res.report.read == 1 and res.report.imported == 0
    assert res.report.skipped[0].reason == "no number or name (a withheld caller)"


@pytest.mark.corpus
def test_one_on_one_texts_become_bursts_started_by_whoever_wrote_first():
    path = _need(CALLS / "Edson Arantes do Nascimento - Text - 2023-09-20T14_41_11Z.html")
    msgs = _messages(path.read_text(encoding="utf-8"))
    df = import_file(SourceFile.from_path(str(path))).interactions
    assert len(df) == _bursts([m[0] for m in msgs])
    assert set(df["who"]) == {t for _, t, mine in msgs if not mine} == {"+17323214444"}
    # the first burst was opened by Edson, the second by the user
    assert list(df["direction"][:2]) == ["incoming", "outgoing"]
    assert df["note"].str.extract(r"^(\d+) message")[0].astype(int).sum() == len(msgs)
    assert (df["event_id"] == "").all()


@pytest.mark.corpus
def test_thread_where_only_the_user_wrote_takes_the_other_party_from_the_file_name():
    path = _need(CALLS / "Alan A Milne - Text - 2023-09-29T23_40_59Z.html")
    df = import_file(SourceFile.from_path(str(path))).interactions
    assert list(df["who"]) == ["Alan A Milne"]
    assert list(df["direction"]) == ["outgoing"]


@pytest.mark.corpus
def test_group_texts_give_one_row_per_participant_and_local_day_with_a_shared_event():
    files = sorted(CALLS.glob("Group Conversation - *.html")) if CALLS.is_dir() else []
    if not files:
        pytest.skip("corpus not present")
    assert len(files) == 4
    for path in files:
        html = path.read_text(encoding="utf-8")
        msgs = _messages(html)
        expected = {(when.date(), tel) for when, tel, mine in msgs if not mine}
        df = import_file(SourceFile.from_path(str(path))).interactions
        assert len(df) == len(expected), path.name
        days = {d for d, _ in expected}
        assert df["event_id"].nunique() == len(days), path.name
        assert (df["event_id"] != "").all()
        participants = set(re.findall(r'href="tel:([^"]+)"', html.split('class="message"')[0]))
        assert set(df["who"]) <= participants | {t for _, t, _m in msgs}


@pytest.mark.corpus
def test_every_google_chat_export_imports_with_bursts_when_the_user_is_named():
    files = _chat_files()
    if not files:
        pytest.skip("corpus not present")
    assert len(files) == 4
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))["messages"]
        src = SourceFile.from_path(str(path))
        assert detect(src).label == "Google Chat (Takeout)"
        res = import_file(src, ME)
        rep = res.report
        assert rep.read == len(data) == rep.imported, path
        creators = {m["creator"]["email"] for m in data} - {"mssc@science.example.org"}
        times = [
            datetime.strptime(m["created_date"], "%A, %B %d, %Y at %I:%M:%S %p UTC") for m in data
        ]
        if len(creators) == 1:
            assert len(res.interactions) == _bursts(times), path
            assert set(res.interactions["who"]) == creators
            assert not rep.warnings


@pytest.mark.corpus
def test_google_chat_without_the_user_named_warns_and_keeps_directions_unknown():
    path = _need(CHAT / "DM 2k64eoAAAAE" / "messages.json")
    res = import_file(SourceFile.from_path(str(path)))
    assert any("could not tell which participant is you" in w for w in res.report.warnings)
    assert (res.interactions["direction"] == "unknown").all()
    df = import_file(SourceFile.from_path(str(path)), ME).interactions
    assert list(df["direction"]) == ["outgoing", "incoming"]
    assert list(df["who"]) == ["emc2@science.example.org"] * 2


@pytest.mark.corpus
def test_group_info_member_list_is_refused_with_the_reason():
    path = _need(CHAT / "DM 2k64eoAAAAE" / "group_info.json")
    res = import_file(SourceFile.from_path(str(path)))
    assert "member list" in res.report.error and "messages.json" in res.report.error


@pytest.mark.corpus
def test_mms_contact_card_is_not_taken_for_google_voice():
    path = _need(CALLS / "+17323217777 - Text - 2021-01-22T01_33_43Z-5-1.vcf")
    res = import_file(SourceFile.from_path(str(path)))
    assert res.report.format != "gvoice"


def test_google_chat_group_space_gets_one_event_per_day():
    messages = [
        {"creator": {"name": n, "email": e}, "created_date": d, "text": "hi"}
        for n, e, d in [
            (
                "Maria S Curie",
                "mssc@science.example.org",
                "Monday, January 7, 2019 at 7:25:08 PM UTC",
            ),
            ("Ana", "ana@example.com", "Monday, January 7, 2019 at 7:30:00 PM UTC"),
            ("Ben", "ben@example.com", "Monday, January 7, 2019 at 9:00:00 PM UTC"),
            ("Ana", "ana@example.com", "Tuesday, January 8, 2019 at 10:00:00 AM UTC"),
        ]
    ]
    src = SourceFile("messages.json", json.dumps({"messages": messages}).encode())
    df = parse(src, ImportOptions(me=("mssc@science.example.org",))).interactions
    assert list(df["who"]) == ["ana@example.com", "ben@example.com", "ana@example.com"]
    assert df["event_id"].nunique() == 2
    assert df["event_id"].iloc[0] == df["event_id"].iloc[1]
    assert list(df["direction"]) == ["outgoing", "outgoing", "incoming"]


# --- hostile and odd inputs (no corpus needed) ------------------------------------------------


def _call_html(published: str, tel: str = "+17323215555", kind: str = "Received") -> bytes:
    return (
        '<?xml version="1.0" ?><html><head><title>' + kind + " call from\nAda</title></head>"
        '<body><div class="haudio"><span class="fn">Ada</span>'
        '<div class="contributor vcard">'
        + kind
        + ' call from <a class="tel" href="tel:'
        + tel
        + '"><span class="fn">Ada</span></a></div>'
        '<abbr class="published" title="' + published + '">date</abbr>'
        '<abbr class="duration" title="PT1M2S">(00:01:02)</abbr>'
        '<div class="tags">Labels: <a rel="tag" href="http://www.google.com/voice#received">'
        "Received</a></div></div></body></html>"
    ).encode()


def _thread_html(times: list[str], extra: str = "") -> bytes:
    msgs = "".join(
        '<div class="message"><abbr class="dt" title="' + t + '">t</abbr>:\n'
        '<cite class="sender vcard"><a class="tel" href="tel:+17323214444">'
        '<span class="fn">Edson</span></a></cite>: <q>hi</q></div>\n'
        for t in times
    )
    return (
        '<html><head><title>Edson</title></head><body><div class="hChatLog hfeed">\n'
        + msgs
        + extra
        + "</div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "published",
    [
        "9999-12-31T23:59:59.000-05:00",
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+05:00",
        "1500-06-01T12:00:00Z",
    ],
)
def test_call_dated_outside_the_range_is_skipped_never_wrapped(published):
    res = parse(SourceFile("Ada - Received - x.html", _call_html(published)), ImportOptions())
    rep = res.report
    assert (rep.read, rep.imported) == (1, 0)
    assert rep.skipped[0].reason.startswith("date outside the years closeknit can keep")
    assert res.interactions.empty


def test_messages_dated_outside_the_range_skip_only_themselves():
    times = [
        "2023-09-20T10:00:00.000-04:00",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59+14:00",
        "2023-09-20T10:05:00.000-04:00",
    ]
    res = parse(SourceFile("Edson - Text - x.html", _thread_html(times)), ImportOptions())
    rep = res.report
    assert (rep.read, rep.imported, len(rep.skipped)) == (4, 2, 2)
    assert [s.where for s in rep.skipped] == ["message 2 (line 4)", "message 3 (line 6)"]
    assert res.interactions["timestamp"].dt.year.tolist() == [2023]


def test_call_more_than_a_year_ahead_is_imported_and_noted():
    ahead = (pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=500)).isoformat()
    res = parse(SourceFile("Ada - Received - x.html", _call_html(ahead)), ImportOptions())
    assert res.report.imported == 1
    assert "1 call dated more than a year ahead" in res.report.notes


@pytest.mark.parametrize(
    "junk",
    [
        '<a class="tel" href="tel:1">' * 20_000,  # deeply nested links
        "<a " * 20_000,  # start tags never closed (minutes in html.parser)
        "<!--" * 20_000,  # comments never closed
        "<![CDATA[" * 10_000,
        "</" * 20_000 + "<div class='message'>" * 5_000,
        "<b>" * 10_000 + "x</b>" * 10_000,
    ],
)
def test_hostile_markup_is_read_in_linear_time(junk):
    times = ["2023-09-20T10:00:00.000-04:00"]
    t = time.process_time()
    res = parse(SourceFile("Edson - Text - x.html", _thread_html(times, junk)), ImportOptions())
    assert time.process_time() - t < 2.0
    assert res.report.read == res.report.imported + len(res.report.skipped)
    assert res.report.imported >= 1


def test_stray_end_tags_do_not_close_the_thread():
    times = ["2023-09-20T10:00:00.000-04:00", "2023-09-20T10:01:00.000-04:00"]
    html = _thread_html(times).replace(b"<q>hi</q>", b"<q>hi</span></p></q>")
    res = parse(SourceFile("Edson - Text - x.html", html), ImportOptions())
    assert res.report.imported == 2
    assert res.interactions["who"].tolist() == ["+17323214444"]


def test_google_chat_nested_too_deeply_is_refused_with_the_reason():
    data = b'{"messages": [' + b"[" * 10_000 + b"]" * 10_000 + b"]}"
    with pytest.raises(UnusableFileError, match="nested too deeply"):
        parse(SourceFile("messages.json", data), ImportOptions())


def test_google_chat_odd_messages_are_skipped_with_reasons():
    ok = {
        "creator": {"name": "Ana", "email": "ana@example.com"},
        "created_date": "Monday, September 25, 2023 at 4:11:49 PM UTC",
    }
    msgs = [
        ok,
        "text",
        {"creator": ["Ana"], "created_date": ok["created_date"]},
        {"creator": {"name": {"x": 1}, "email": 5}, "created_date": ok["created_date"]},
        {"creator": ok["creator"], "created_date": "Monday, January 1, 0001 at 1:00:00 AM UTC"},
        {
            "creator": ok["creator"],
            "created_date": "Friday, December 31, 9999 at 11:59:59 PM America/New_York",
        },
        {"creator": ok["creator"], "created_date": ["x"] * 3},
    ]
    src = SourceFile("messages.json", json.dumps({"messages": msgs}).encode())
    rep = parse(src, ImportOptions(me=("Maria",))).report
    assert rep.read == rep.imported + len(rep.skipped) == 7
    reasons = [s.reason for s in rep.skipped]
    assert reasons[:3] == [
        "not a message object",
        "no creator (name or e-mail)",
        "no creator (name or e-mail)",
    ]
    assert all(r.startswith("date outside the years") for r in reasons[3:5])
    assert reasons[5] == "no usable created_date (list)"
