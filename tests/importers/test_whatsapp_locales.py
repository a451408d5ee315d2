"""WhatsApp exports from phones in 26 languages/layouts (tests/fixtures/chat/locales/): every one
reads the same six messages at the same moments, by structure, not by English words."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.importers import detect, whatsapp
from analysis.importers.base import ImportOptions, SourceFile

LOCALES = Path(__file__).resolve().parents[1] / "fixtures" / "chat" / "locales"
FILES = sorted(LOCALES.glob("*.txt"))

# every fixture: an encryption notice (a system line), then six messages - a text, a two-line
# message, a media placeholder (13 March 2025 18:04-18:07), a text and a deleted-message
# placeholder (14 March 09:15-09:16) and a text (21:40) - between the user (first writer) and
# one other person. Three bursts.
STAMPS = ["2025-03-13 18:04", "2025-03-14 09:15", "2025-03-14 21:40"]
IPHONE = {"it", "tr", "ja-kanji", "th-12h", "en-iOS", "fi", "web-time-first"}


def _source(path: Path) -> SourceFile:
    return SourceFile(path.name.split("__", 1)[1], path.read_bytes())


def _first_writer(src: SourceFile) -> str:
    scan = whatsapp._scan(whatsapp._chat_bytes(src)[1])
    system = whatsapp._system_mask(scan)
    return scan.senders[int(scan.sender[~system][0])]


def test_there_are_fixtures_for_at_least_twelve_locales():
    assert len(FILES) >= 20


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name.split("__")[0])
def test_every_locale_reads_six_messages_in_three_bursts_at_the_right_time(path):
    key = path.name.split("__")[0]
    src = _source(path)
    det = detect(src)
    assert det.format == "whatsapp"
    assert ("iPhone" in det.label) == (key in IPHONE)
    me = _first_writer(src)
    res = whatsapp.parse(src, ImportOptions(me=(me,)))
    rep = res.report
    assert (rep.read, rep.imported, rep.skipped) == (6, 6, [])
    assert any("1 system line(s)" in n for n in rep.notes), rep.notes
    frame = res.interactions
    assert [t.strftime("%Y-%m-%d %H:%M") for t in frame["timestamp"]] == STAMPS
    assert list(frame["direction"]) == ["outgoing", "incoming", "incoming"]
    assert list(frame["note"]) == ["3 messages", "2 messages", "1 message"]
    assert me not in set(frame["who"]) and len(set(frame["who"])) == 1
    assert not rep.ambiguous_date_order


def test_arabic_digits_and_right_to_left_marks_are_read():
    text = (LOCALES / "ar__WhatsApp Chat with أحمد.txt").read_text(encoding="utf-8")
    assert "\u200f" in text and "٢٠٢٥" in text  # the fixture really holds them
    res = whatsapp.parse(_source(LOCALES / "ar__WhatsApp Chat with أحمد.txt"), ImportOptions())
    assert any("day-first" in n for n in res.report.notes)


@pytest.mark.parametrize(
    ("key", "note"),
    [
        ("th", "Buddhist era"),
        ("th-12h", "Buddhist era"),
        ("ja", "year-first"),
        ("ko", "year-first"),
    ],
)
def test_calendar_eras_and_year_first_dates_are_said(key, note):
    path = next(p for p in FILES if p.name.startswith(key + "__"))
    res = whatsapp.parse(_source(path), ImportOptions())
    assert any(note in n for n in res.report.notes)


def test_crlf_fixture_reads_like_lf():
    path = LOCALES / "he__WhatsApp Chat with דני.txt"
    data = path.read_bytes()
    assert b"\r\n" in data
    lf = whatsapp.parse(SourceFile("c.txt", data.replace(b"\r\n", b"\n")), ImportOptions())
    crlf = whatsapp.parse(SourceFile("c.txt", data), ImportOptions())
    assert lf.interactions.equals(crlf.interactions)


@pytest.mark.parametrize(
    ("line", "hour", "minute"),
    [
        ("13/03/2025, 6:04 p. m. - A: x", 18, 4),  # Spanish, plain spaces
        ("13.03.25, 6:04 nachm. - A: x", 18, 4),  # German (older exports)
        ("13/03/2025 06:04 vorm. - A: x", 6, 4),
        ("13/03/2025, 6:04 pm - A: x", 18, 4),  # English (India, Australia)
        ("13-03-2025 6:04 p.m. - A: x", 18, 4),  # Dutch/Canadian
        ("13/03/2025 12:04 ÖÖ - A: x", 0, 4),  # Turkish: 12 a.m. is midnight
        ("13.03.2025, 6:04 пп - A: x", 18, 4),  # Russian/Ukrainian
        ("١٣/٣/٢٠٢٥، ١٢:٣٠ ص - A: x", 0, 30),  # Arabic
        ("۱۳/۳/۲۰۲۵، ۶:۰۴ ب.ظ - A: x", 18, 4),  # Persian
        ("13/3/25, 6:04 पूर्वाह्न - A: x", 6, 4),  # Hindi
        ("2025/3/13 中午12:30 - A: x", 12, 30),  # Chinese noon
        ("2025/3/13 中午1:30 - A: x", 13, 30),
        ("2025/03/13 午後0:30 - A: x", 12, 30),  # Japanese: 午後0時 is noon
        ("2025. 3. 13. 오전 12:10 - A: x", 0, 10),  # Korean
        ("13/3/2568 6:04 ก่อนเที่ยง - A: x", 6, 4),  # Thai
        ("13/03/2025, 6:04 SA - A: x", 6, 4),  # Vietnamese
        ("13/03/25 18.04 - A: x", 18, 4),  # Indonesian dotted time
        ("13/3/25, 6:04 μ.μ. - A: x", 18, 4),  # Greek
        ("13.3.2025, 6:04 לפנה״צ - A: x", 6, 4),  # Hebrew
        ('13.3.2025, 6:04 אחה"צ - A: x', 18, 4),  # Hebrew, ASCII quote
        ("13/03/2025, 6:04 PG - A: x", 6, 4),  # Malay
        ("13.3.2025 klo 18.04.09 - A: x", 18, 4),  # Finnish connector
        ("\u200e[13/03/2025, 6:04:09\u202fPM] A: x", 18, 4),  # iPhone, narrow NBSP
        ("\ufeff\u200f13\u200f/03\u200f/2025, 18:04 - A: x", 18, 4),  # marks anywhere
    ],
)
def test_day_periods_and_separators_in_many_languages(line, hour, minute):
    scan = whatsapp._scan(whatsapp._normalise(line.encode("utf-8")))
    assert len(scan.line_no) == 1, line
    assert (int(scan.hour[0]), int(scan.minute[0])) == (hour, minute)
    assert scan.senders == ["A"]


def test_unknown_day_period_word_is_no_message_line():
    assert whatsapp.header_layout("13/03/2025, 6:04 blah - A: x") is None
    assert whatsapp.header_layout("13/03/2025, 6:04 PM - A: x") is not None
