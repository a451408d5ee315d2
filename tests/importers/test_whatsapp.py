"""WhatsApp chat exports: layouts, date orders, bursts, groups, the user, zips and bad input."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import UnusableFileError
from analysis.importers import detect, import_file, whatsapp
from analysis.importers.base import ImportOptions, SourceFile

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "chat"
CORPUS = ROOT / ".." / "shared" / "corpus" / "chat"
WA = CORPUS / "joweich__chat-miner" / "test" / "whatsapp"
CORPUS_FILES = sorted(WA.glob("*.txt")) + [
    CORPUS / "Pustur__whatsapp-chat-parser" / "samples" / "short-chat.txt"
]

# The test's own reading of a message line, independent of the importer's numpy scanner.
LINE = re.compile(
    r"^\u200e?\[?\d{1,4}[./-]\d{1,2}[./-]\d{2,4},? \d{1,2}[:.]\d{2}[^\]\n-]*?(?:\] | - )(.*)$"
)


def _fixture(name: str) -> SourceFile:
    return SourceFile.from_path(str(FIXTURES / name))


def _count(text: str) -> tuple[int, int]:
    """(chat messages, system lines) of an English export, counted line by line."""
    rests = [m.group(1) for m in map(LINE.match, text.splitlines()) if m]
    messages = sum(1 for r in rests if ":" in r)
    return messages, len(rests) - messages


def _stamps(frame: pd.DataFrame) -> list[str]:
    return [t.strftime("%Y-%m-%d %H:%M") for t in frame["timestamp"]]


needs_corpus = pytest.mark.skipif(not WA.is_dir(), reason="shared corpus not present")


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_every_corpus_export_imports_with_its_messages_counted(path):
    res = import_file(SourceFile.from_path(str(path)))
    rep = res.report
    assert rep.error is None, rep.error
    assert rep.format == "whatsapp"
    messages, system = _count(path.read_text(encoding="utf-8"))
    # system lines are no messages: a note counts them, they are not read
    assert rep.read == messages
    # the user is unknown in these files: every message counts, direction unknown
    assert rep.imported == messages
    assert rep.skipped == []
    assert any(f"{system} system line(s)" in n for n in rep.notes) == (system > 0)
    assert rep.read == rep.imported + len(rep.skipped)
    assert set(res.interactions["channel"]) == {"message"}
    assert set(res.interactions["direction"]) == {"unknown"}


@needs_corpus
def test_date_order_is_decided_by_the_dates_that_only_fit_one_way():
    dd = import_file(SourceFile.from_path(str(WA / "test_ddmmyy_24hrs.txt")))
    mm = import_file(SourceFile.from_path(str(WA / "test_mmddyy_24hrs.txt")))
    # both files hold 2019-01-20 11:23 written 20/01/19 resp. 01/20/19
    assert "2019-01-20 11:23" in _stamps(dd.interactions)
    assert _stamps(dd.interactions) == _stamps(mm.interactions)
    assert any("day-first" in n for n in dd.report.notes)
    assert any("month-first" in n for n in mm.report.notes)
    assert not [w for w in dd.report.warnings + mm.report.warnings if "date order" in w]


@needs_corpus
def test_ambiguous_date_order_is_read_day_first_with_a_warning_and_can_be_overridden():
    path = str(WA / "test_dateformat4.txt")  # 09/10/22 .. 12/10/22: no field above 12
    res = import_file(SourceFile.from_path(path))
    assert any("cannot be told" in w and "month-first" in w for w in res.report.warnings)
    assert _stamps(res.interactions)[0] == "2022-10-09 23:37"
    forced = import_file(SourceFile.from_path(path), ImportOptions(dayfirst=False))
    assert _stamps(forced.interactions)[0] == "2022-09-10 23:37"
    assert not [w for w in forced.report.warnings if "date order" in w]


@needs_corpus
def test_spanish_twelve_hour_clock_with_a_m_and_p_m():
    res = import_file(SourceFile.from_path(str(WA / "test_mmddyyyy_12hrs.txt")))
    stamps = _stamps(res.interactions)
    assert "2019-01-30 20:49" in stamps  # 08:49 p. m.
    assert "2021-12-20 12:10" in stamps  # 12:10 p. m. is noon
    assert "2019-01-01 11:25" in stamps  # 11:25 a. m.


@needs_corpus
def test_year_first_dates_and_a_trailing_dot_after_the_time():
    res = import_file(SourceFile.from_path(str(WA / "test_yyyymmdd_24hrs.txt")))
    assert _stamps(res.interactions)[-1] == "2021-12-30 22:01"
    res = import_file(SourceFile.from_path(str(WA / "test_dateformat3.txt")))
    assert "2022-12-14 13:34" in _stamps(res.interactions)


@needs_corpus
def test_multi_line_messages_count_once():
    res = import_file(SourceFile.from_path(str(WA / "test_dateformat1.txt")))
    # 16 non-empty lines: 10 start a message (3 of them system lines), 6 continue one
    assert res.report.read == 7
    assert res.report.imported == 7
    assert any("3 system line(s)" in n for n in res.report.notes)


def test_iphone_layout_with_seconds_and_left_to_right_marks():
    src = _fixture("ios_one_on_one.txt")
    assert detect(src).label == "WhatsApp chat (iPhone)"
    res = import_file(src, ImportOptions(me=("Ben Okafor",)))
    rep = res.report
    # the encryption notice on line 1, sent "by" the chat, is a note, not a message
    assert (rep.read, rep.imported, len(rep.skipped)) == (5, 5, 0)
    assert any("1 system line(s)" in n for n in rep.notes)
    frame = res.interactions
    assert list(frame["who"]) == ["Anna Meyer"] * 3
    assert list(frame["direction"]) == ["incoming", "outgoing", "incoming"]
    assert list(frame["note"]) == ["3 messages", "1 message", "1 message"]
    assert _stamps(frame) == ["2024-02-14 09:15", "2024-02-14 21:02", "2024-02-15 08:00"]


def test_narrow_no_break_space_before_pm_and_the_user_taken_from_the_file_name():
    res = import_file(_fixture("WhatsApp Chat with Sam Lee.txt"))
    frame = res.interactions
    # Riley is the user: the export is "the chat with Sam Lee"
    assert any("'Riley Chen' taken as you" in n for n in res.report.notes)
    assert set(frame["who"]) == {"Sam Lee"}
    # 21:58 Sam, 22:02 Riley (one burst), 22:40 Riley (38 min later), 00:05 Sam, 12:15 Riley
    assert _stamps(frame) == [
        "2024-01-05 21:58",
        "2024-01-05 22:40",
        "2024-01-13 00:05",
        "2024-01-13 12:15",
    ]
    assert list(frame["direction"]) == ["incoming", "outgoing", "incoming", "outgoing"]
    assert list(frame["note"]) == ["2 messages", "1 message", "1 message", "1 message"]


def test_without_the_user_known_both_people_are_kept_and_the_report_asks():
    data = (FIXTURES / "WhatsApp Chat with Sam Lee.txt").read_bytes()
    src = SourceFile("chat.txt", data)
    res = import_file(src)
    assert any("which participant is you" in w for w in res.report.warnings)
    assert set(res.interactions["who"]) == {"Sam Lee", "Riley Chen"}
    assert set(res.interactions["direction"]) == {"unknown"}
    assert whatsapp.participants(src) == ["Riley Chen", "Sam Lee"]  # 3 messages vs 2
    told = import_file(src, ImportOptions(me=("riley chen",)))
    assert set(told.interactions["who"]) == {"Sam Lee"}
    assert not any("which participant" in w for w in told.report.warnings)


def test_german_group_chat_rows_share_one_event_id_per_day():
    src = _fixture("WhatsApp Chat mit Wandergruppe.txt")
    res = import_file(src, ImportOptions(me=("Lena",), timezone="Europe/Berlin"))
    rep = res.report
    assert (rep.read, rep.imported) == (6, 5)
    assert [s.reason for s in rep.skipped] == ["only you wrote in the group chat that day"]
    assert any("2 system line(s)" in n for n in rep.notes)
    frame = res.interactions
    assert list(frame["who"]) == ["Tom", "Max", "Tom"]
    assert "Lena" not in set(frame["who"])
    assert list(frame["direction"]) == ["outgoing", "outgoing", "incoming"]
    ids = list(frame["event_id"])
    assert ids[0] == ids[1] != ids[2] and all(ids)
    # 18:07 in Berlin (CET) is 17:07 UTC
    assert _stamps(frame)[0] == "2025-03-12 17:07"
    assert any("day-first" in n for n in rep.notes)


def test_zip_export_is_detected_and_read_like_its_text():
    text = (FIXTURES / "ios_one_on_one.txt").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("_chat.txt", text)
        zf.writestr("00000012-PHOTO-2024-02-14-09-20-11.jpg", b"\xff\xd8\xff\xe0 not really")
    src = SourceFile("WhatsApp Chat - Anna Meyer.zip", buf.getvalue())
    det = detect(src)
    assert det.format == "whatsapp" and det.label.endswith("in a .zip")
    res = import_file(src, ImportOptions(me=("Ben Okafor",)))
    plain = import_file(_fixture("ios_one_on_one.txt"), ImportOptions(me=("Ben Okafor",)))
    assert res.report.read == plain.report.read == 5
    assert _stamps(res.interactions) == _stamps(plain.interactions)


def test_zip_without_a_chat_or_too_big_is_refused(monkeypatch):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("photo.jpg", b"\xff\xd8")
    res = import_file(SourceFile("photos.zip", buf.getvalue()))
    assert "holds no WhatsApp chat export" in res.report.error
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("_chat.txt", (FIXTURES / "ios_one_on_one.txt").read_bytes())
    monkeypatch.setattr(whatsapp, "MAX_MEMBER_BYTES", 100)
    with pytest.raises(UnusableFileError, match="would unpack to"):
        whatsapp.parse(SourceFile("chat.zip", buf.getvalue()), ImportOptions())


def test_truncated_export_keeps_every_message_before_the_cut():
    data = (FIXTURES / "WhatsApp Chat mit Wandergruppe.txt").read_bytes()
    cut = data[: data.index(b"Medien") + 3]  # mid-line, in the last message but one
    res = import_file(
        SourceFile("WhatsApp Chat mit Wandergruppe.txt", cut), ImportOptions(me=("Lena",))
    )
    assert res.report.error is None
    assert res.report.read == 5  # the cut message still starts a line
    assert res.report.read == res.report.imported + len(res.report.skipped)
    cut_mid_char = data[: data.index(b"verschl") + 12]  # inside the first line's "ü"
    res = import_file(SourceFile("x.txt", cut_mid_char + "\u00fc".encode()[:1]))
    assert res.report.error is None or "no WhatsApp message" in res.report.error


def test_lines_before_the_first_message_are_reported():
    data = b"Exported by a backup tool\n\n" + (FIXTURES / "ios_one_on_one.txt").read_bytes()
    res = import_file(SourceFile("chat.txt", data))
    assert any("before the first message" in w and "line 1" in w for w in res.report.warnings)
    assert res.report.read == 5


def test_text_that_only_resembles_a_chat_is_refused_with_what_closeknit_reads():
    text = "2024/01/05 is the day - we meet\n2024/01/06 - or later - Tom: maybe\n"
    res = import_file(SourceFile("notes.txt", text.encode("utf-8")))
    assert res.report.error is not None
    with pytest.raises(UnusableFileError, match="no WhatsApp message lines"):
        whatsapp.parse(SourceFile("chat.txt", text.encode("utf-8")), ImportOptions())


def test_scanner_reads_every_layout_like_the_line_pattern():
    layouts = [
        "12/03/2025, 18:04 - Ann: x",
        "1/3/25, 6:04 PM - Ann: x",
        "1/3/25, 6:04\u202fAM - Bo: x",
        "01/01/2019, 12:25 a. m. - Ann: x",
        "24/10/2021, 11:30 p.\u00a0m. - Ann: x",
        "[12/03/2025, 18:04:31] Ann: x",
        "\u200e[12/03/2025, 9:04:31 PM] Ann: \u200eimage omitted",
        "12.03.25, 18:04 - Ann: x",
        "2019/01/01, 11:25 - Bo: x",
        "2022/12/24, 13:01. - Bo: x",
        "09-10-2022 10:37:00 p.m. - A very long sender name that is longer than the window: x",
    ]
    data = "\n".join(layouts).encode("utf-8")
    scan = whatsapp._scan(data)
    assert len(scan.line_no) == len(layouts)
    expect = [
        (18, 4),
        (18, 4),
        (6, 4),
        (0, 25),
        (23, 30),
        (18, 4),
        (21, 4),
        (18, 4),
        (11, 25),
        (13, 1),
        (22, 37),
    ]
    assert list(zip(scan.hour.tolist(), scan.minute.tolist(), strict=True)) == expect
    senders = [scan.senders[c] for c in scan.sender.tolist()]
    assert senders[:3] == ["Ann", "Ann", "Bo"]
    assert senders[-1].startswith("A very long sender name")
    assert scan.second.tolist()[5:7] == [31, 31]


def test_large_exports_are_scanned_in_blocks_with_the_same_result(monkeypatch):
    text = (FIXTURES / "ios_one_on_one.txt").read_bytes() * 40
    data = b"preamble line\n" + text + (FIXTURES / "WhatsApp Chat with Sam Lee.txt").read_bytes()
    whole = whatsapp._scan(data)
    monkeypatch.setattr(whatsapp, "_BLOCK", 64)  # many blocks, cut at line ends
    blocks = whatsapp._scan(data)
    assert blocks.line_no.tolist() == whole.line_no.tolist()
    assert [blocks.senders[c] if c >= 0 else None for c in blocks.sender.tolist()] == [
        whole.senders[c] if c >= 0 else None for c in whole.sender.tolist()
    ]
    for attr in ("f1", "f2", "f3", "start", "minute", "second", "time_ok"):
        assert getattr(blocks, attr).tolist() == getattr(whole, attr).tolist()
    assert blocks.hour.tolist() == whole.hour.tolist()
    assert blocks.texts == whole.texts
    assert blocks.text_check.tolist() == whole.text_check.tolist()
    assert blocks.garbage_lines == whole.garbage_lines == [1]


@needs_corpus
def test_signal_text_export_is_not_taken_for_whatsapp():
    path = CORPUS / "joweich__chat-miner" / "test" / "signal" / "test_export.txt"
    assert whatsapp.sniff(path.name, path.read_text(encoding="utf-8")) is None


def test_impossible_dates_are_skipped_and_leap_days_kept():
    text = (
        "29/02/2024, 10:00 - Ann: leap day\n"
        "31/04/2024, 10:00 - Ann: April has 30 days\n"
        "12/03/2024, 25:10 - Ann: no such hour\n"
        "13/03/2024, 10:00 - Bo: fine\n"
    )
    res = whatsapp.parse(SourceFile("c.txt", text.encode()), ImportOptions(me=("Bo",)))
    rep = res.report
    assert (rep.read, rep.imported) == (4, 2)
    assert [s.where for s in rep.skipped] == ["line 2", "line 3"]
    assert all("impossible date or time" in s.reason for s in rep.skipped)
    assert _stamps(res.interactions) == ["2024-02-29 10:00", "2024-03-13 10:00"]
    assert list(res.interactions["direction"]) == ["incoming", "outgoing"]


def _chat_of_many_writers() -> bytes:
    """Two frequent writers, rare ones, and names that only look alike as bytes: with a NUL
    byte after them, with trailing spaces, of marks only, longer than 16 bytes, empty."""
    odd = [
        "Rare Writer",
        "Ann\x00",
        "Ann ",
        "\u200e",
        "",
        "A name far longer than sixteen bytes",
        "Zoë Åström",
    ]
    lines = ["12/03/2024, 09:00 - Messages and calls are end-to-end encrypted."]
    for i in range(3000):
        who = odd[i // 7 % len(odd)] if i % 7 == 3 else ("Ann", "Bob Stone")[i % 2]
        lines.append(f"{12 + i // 1000:02d}/03/2024, {9 + i % 12:02d}:{i % 60:02d} - {who}: hi {i}")
        if i % 11 == 0:
            lines.append("a second line")
    return "\n".join(lines).encode("utf-8")


def test_frequent_senders_compared_as_words_read_like_every_line_searched(monkeypatch):
    data = _chat_of_many_writers()
    monkeypatch.setattr(whatsapp, "_SENDER_SAMPLE", 10**9)  # every line searched for its ':'
    plain = whatsapp._scan(data)
    sampled: list[list[bytes]] = []
    sample = whatsapp._sample_senders
    monkeypatch.setattr(
        whatsapp, "_sample_senders", lambda *a: sampled.append(sample(*a)) or sampled[-1]
    )
    for block in (1 << 22, 4096):  # one block; many blocks, each using the one before's writers
        monkeypatch.setattr(whatsapp, "_BLOCK", block)
        monkeypatch.setattr(whatsapp, "_SENDER_SAMPLE", 16)
        fast = whatsapp._scan(data)
        assert fast.senders == plain.senders
        assert fast.sender.tolist() == plain.sender.tolist()
        assert fast.texts == plain.texts
    assert [b"Ann", b"Bob Stone"] in [sorted(s) for s in sampled]  # the word comparison ran
    assert {"Ann", "Rare Writer", "Zoë Åström", "A name far longer than sixteen bytes"} <= set(
        plain.senders
    )
    assert "" not in plain.senders and "\u200e" not in plain.senders


def test_times_read_through_tables_match_digit_by_digit_reading():
    windows = [
        f"{h:>2}:{m:02d}:{s:02d}".encode()
        for h in range(100)
        for m in (0, 59, 60, 99)
        for s in (0, 59, 61)
    ] + [b"1a:00:00", b" 9:00:00", b"09:5x:00", b"09:00:0?"]
    arr = whatsapp.np.array([list(w + b" 111    ") for w in windows], dtype=whatsapp.np.uint8)
    for period in ("", "am", "pm", "noon"):
        for fields in (((0, 2), (3, 2), (6, 2)), ((1, 1), (3, 2), (0, 0))):
            lay = whatsapp.Layout(16, False, ((9, 1), (10, 1), (11, 1), *fields), False, 0, period)
            tod, ok = whatsapp._time_of_day(arr, lay)
            _, want_tod, want_ok = whatsapp._fields(arr, lay)
            assert ok.tolist() == want_ok.tolist()
            assert tod[ok].tolist() == want_tod[want_ok].tolist()
    assert ok.sum() > 100 and (tod[ok] == -1).any() and (tod[ok] > 43_000).any()


def test_carriage_returns_and_arabic_digits_anywhere_in_the_file_are_normalised(monkeypatch):
    monkeypatch.setattr(whatsapp, "_CHECK_BYTES", 8)  # searched eight bytes at a time
    data = b"x" * 40 + b"a\r\nb\rc" + "١٢:٣٠".encode()
    assert whatsapp._normalise(data) == b"x" * 40 + b"a\nb\nc12:30"
    assert whatsapp._normalise(b"x" * 40) == b"x" * 40
