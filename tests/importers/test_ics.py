"""iCalendar import: attendees, video links, recurrence, declined/cancelled/personal events,
broken and truncated files, and every .ics of the real-world corpus."""

from __future__ import annotations

import re
import time
import tracemalloc
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from analysis.dates import OUT_OF_RANGE_REASON
from analysis.importers import detect, import_file
from analysis.importers.base import ImportOptions, SourceFile
from analysis.importers.ics import (
    MAX_OCCURRENCES,
    MAX_PARTICIPANTS,
    MAX_ROWS_PER_EVENT,
    RECURRENCE_YEARS_BACK,
    parse,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ics"
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "ics"
ICAL_TESTS = CORPUS / "collective__icalendar" / "src" / "icalendar" / "tests"
LISBON = ImportOptions(timezone="Europe/Lisbon")


def _fixture(name: str) -> SourceFile:
    return SourceFile.from_path(str(FIXTURES / name))


def _vevents(text: str) -> int:
    return len(re.findall(r"^BEGIN:VEVENT\r?$", text, re.M))


@pytest.fixture(scope="module")
def google():
    return import_file(_fixture("google-maria.ics"), LISBON)


def test_calendar_is_detected_by_content():
    det = detect(SourceFile("export.txt", _fixture("google-maria.ics").data))
    assert (det.format, det.label, det.confidence) == ("ics", "iCalendar (.ics)", 0.99)


def test_every_vevent_is_read_and_accounted_for(google):
    rep = google.report
    assert rep.read == _vevents((FIXTURES / "google-maria.ics").read_text()) == 10
    assert rep.read == rep.imported + len(rep.skipped)
    assert rep.imported == 6
    assert len(google.interactions) == 14
    assert any("to-dos in the file: 1" in n for n in rep.notes)


def test_declined_cancelled_and_personal_blocks_are_skipped_with_reasons(google):
    reasons = {s.where: s.reason for s in google.report.skipped}
    assert reasons == {
        "event 3 (line 74)": "you declined it (PARTSTAT=DECLINED)",
        "event 4 (line 89)": "cancelled (STATUS:CANCELLED)",
        "event 5 (line 104)": "no attendees: a personal all-day event, not a meeting with anyone",
        "event 6 (line 114)": "no attendees: a personal event, not a meeting with anyone",
    }


def test_owner_is_left_out_and_an_attendee_who_declined_gets_no_row(google):
    df = google.interactions
    assert "maria.curie@example.org" not in set(df["who"])
    call = df[df["note"] == "Catch-up call"]
    assert list(call["who"]) == ["ana.souza@example.com"]  # Ben declined
    assert any("maria.curie@example.org (the calendar's name)" in n for n in google.report.notes)


def test_google_meet_link_makes_a_video_call_and_organiser_gives_direction(google):
    call = google.interactions[google.interactions["note"] == "Catch-up call"].iloc[0]
    assert call["channel"] == "video" and call["mode"] == "online"
    assert call["direction"] == "outgoing"
    assert call["duration_min"] == 30.0
    assert call["timestamp"] == pd.Timestamp("2024-01-10T15:00:00Z")


def test_weekly_event_over_four_weeks_gives_four_occurrences_per_attendee(google):
    choir = google.interactions[google.interactions["note"] == "Choir rehearsal"]
    assert len(choir) == 4 * 2  # Ana and Carla; Maria is the user, the room is not a person
    assert sorted(set(choir["who"])) == ["ana.souza@example.com", "carla.mendes@example.com"]
    assert choir["event_id"].nunique() == 4
    assert (choir.groupby("event_id")["who"].count() == 2).all()
    assert list(choir["timestamp"].drop_duplicates().dt.strftime("%m-%d %H:%M")) == [
        "02-06 19:00",
        "02-13 19:00",
        "02-20 19:00",
        "02-27 19:00",
    ]
    assert (choir["channel"] == "in_person").all() and (choir["direction"] == "incoming").all()
    assert (choir["duration_min"] == 90.0).all()


def test_exdate_and_moved_occurrence_are_honoured(google):
    mentoring = google.interactions[google.interactions["note"].str.startswith("Mentoring")]
    assert list(mentoring["timestamp"].dt.strftime("%Y-%m-%d %H:%M")) == [
        "2024-01-01 18:00",  # the 8th is an EXDATE; the 15th moved to the 16th at 20:00
        "2024-01-16 20:00",
    ]
    assert (mentoring["channel"] == "video").all()  # zoom.us link in LOCATION


def test_all_day_event_with_attendees_is_kept_without_a_duration(google):
    picnic = google.interactions[google.interactions["note"] == "Ben's birthday picnic"]
    assert sorted(picnic["who"]) == ["ben@example.net", "dev.patel@example.com"]
    assert picnic["duration_min"].isna().all()
    assert picnic["event_id"].nunique() == 1


def test_floating_time_is_read_in_the_users_zone_and_cn_stands_in_for_no_address():
    res = parse(_fixture("google-maria.ics"), ImportOptions(timezone="Europe/Berlin"))
    row = res.interactions[res.interactions["who"] == "Grandma Rosa"].iloc[0]
    assert row["timestamp"] == pd.Timestamp("2024-03-01T09:00:00Z")
    assert row["direction"] == "unknown"


def test_me_option_overrides_the_guessed_owner():
    res = parse(_fixture("google-maria.ics"), ImportOptions(me=("Ana Souza",)))
    df = res.interactions
    assert "ana.souza@example.com" not in set(df["who"])
    assert "maria.curie@example.org" in set(df["who"])
    choir = df[df["note"] == "Choir rehearsal"]
    assert (choir["direction"] == "outgoing").all()


def test_truncated_outlook_file_keeps_the_events_before_the_cut():
    res = import_file(_fixture("outlook-truncated.ics"), LISBON)
    rep = res.report
    assert rep.error is None
    assert rep.read == 3 and rep.imported == 2
    assert [(s.where, s.reason) for s in rep.skipped] == [
        ("event 3 (line 56)", "the event ends early (no END:VEVENT): the file is cut short")
    ]
    df = res.interactions
    assert sorted(df["who"]) == [
        "ana.souza@example.com",
        "ben@example.net",
        "carla.mendes@example.com",
        "dev.patel@example.com",
    ]
    planning = df[df["note"] == "Planning"]
    assert planning["timestamp"].iloc[0] == pd.Timestamp("2024-01-15T09:00:00Z")  # W. Europe
    review = df[df["note"] == "Review"]
    assert (review["channel"] == "video").all() and (review["direction"] == "incoming").all()
    assert any("'Mars Standard Time' is unknown" in w for w in rep.warnings)
    assert any("(the address in the most events)" in n for n in rep.notes)


def _open_ended(start: datetime) -> SourceFile:
    stamp = start.strftime("%Y%m%dT%H%M%SZ")
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:weekly-1\r\nDTSTART:{stamp}\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY\r\n"
        "ORGANIZER:mailto:me@example.org\r\nATTENDEE:mailto:me@example.org\r\n"
        "ATTENDEE;CN=Pat:mailto:pat@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return SourceFile("weekly.ics", text.encode())


def test_open_ended_series_is_expanded_up_to_today_only():
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    res = parse(_open_ended(today - timedelta(weeks=10)), ImportOptions(me=("me@example.org",)))
    df = res.interactions
    assert len(df) == 11  # weeks 0..10, none in the future
    assert df["timestamp"].max() <= pd.Timestamp.now(tz="UTC")
    assert (df["duration_min"] == 60.0).all()
    assert (df["direction"] == "outgoing").all()


def test_open_ended_series_from_long_ago_covers_only_the_recent_years():
    res = parse(
        _open_ended(datetime(2005, 1, 3, tzinfo=UTC)), ImportOptions(me=("me@example.org",))
    )
    df = res.interactions
    years = RECURRENCE_YEARS_BACK * 52.18
    assert years - 2 <= len(df) <= years + 2
    assert len(df) <= MAX_OCCURRENCES
    cutoff = pd.Timestamp.now(tz="UTC") - pd.Timedelta(days=365.25 * RECURRENCE_YEARS_BACK + 1)
    assert df["timestamp"].min() >= cutoff


def test_video_is_detected_from_conference_feature_and_known_services():
    base = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n"
        "DTSTART:20240105T100000Z\r\nDTEND:20240105T103000Z\r\n{extra}\r\n"
        "ATTENDEE:mailto:kim@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    cases = {
        "CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO:https://chat.example.com/v?id=1": "video",
        "DESCRIPTION:Join: https://acme.webex.com/meet/kim": "video",
        "URL:https://whereby.com/kim-room": "video",
        "LOCATION:Café Central\\, Vienna": "in_person",
        "CONFERENCE;VALUE=URI;FEATURE=PHONE:tel:+1-412-555-0123": "in_person",
    }
    for i, (extra, channel) in enumerate(cases.items()):
        src = SourceFile(f"v{i}.ics", base.format(uid=i, extra=extra).encode())
        df = parse(src, ImportOptions()).interactions
        assert list(df["channel"]) == [channel], extra


def test_event_with_only_the_user_or_only_rooms_is_skipped():
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:solo\r\nDTSTART:20240105T100000Z\r\n"
        "ORGANIZER:mailto:me@example.org\r\nATTENDEE:mailto:me@example.org\r\n"
        "ATTENDEE;CUTYPE=ROOM;CN=Room 1:mailto:room1@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    res = parse(SourceFile("solo.ics", text.encode()), ImportOptions(me=("me@example.org",)))
    assert res.report.read == 1 and res.report.imported == 0
    assert res.report.skipped[0].reason == "no attendees other than rooms, resources or groups"


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.ics")) if CORPUS.is_dir() else []


@pytest.mark.corpus
def test_every_corpus_calendar_imports_with_a_report():
    files = _corpus_files()
    if not files:
        pytest.skip("corpus not present")
    assert len(files) > 150
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in files:
            res = import_file(SourceFile.from_path(str(path)))
            rep = res.report
            assert rep is not None, path
            assert rep.read == rep.imported + len(rep.skipped), path
            if rep.error is None and rep.format == "ics":
                text = path.read_bytes().decode("utf-8", "replace")
                assert rep.read == _vevents(text), path
            assert len(res.interactions) == 0 or rep.imported > 0, path


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("rel", "events", "rows", "whos"),
    [
        # BlackBerry invitation: organiser also an attendee; no way to tell who the user is.
        (
            "calendars/property_params.ics",
            1,
            3,
            ["rembrand@daxlab.com", "rembrand@xs4all.nl", "rembspam@xs4all.nl"],
        ),
        # khal: one attendee, RDATE periods all in 2018 (finite), RECURRENCE-ID=THISANDFUTURE.
        ("calendars/issue_156_RDATE_with_PERIOD_TZID_khal.ics", 1, 1, ["xyz@xyz.com"]),
        # Google export with alarms: the ATTENDEE sits in a VALARM, not the event.
        ("calendars/alarm_google_future.ics", 1, 0, []),
        # Two events with attendees but no DTSTART: skipped, not guessed.
        ("calendars/rfc_7256_multi_value_parameters.ics", 2, 0, []),
        # No END:VCALENDAR: icalendar reads nothing; each event is read on its own.
        ("calendars/big_bad_calendar.ics", 20, 0, []),
    ],
)
def test_corpus_counts_match_an_independent_count(rel, events, rows, whos):
    path = ICAL_TESTS / rel
    if not path.exists():
        pytest.skip("corpus not present")
    text = path.read_bytes().decode("utf-8")
    assert _vevents(text) == events
    attendee_lines = len(re.findall(r"^ATTENDEE", text, re.M))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = import_file(SourceFile.from_path(str(path)))
    assert res.report.read == events
    assert len(res.interactions) == rows <= attendee_lines + 1
    assert sorted(set(res.interactions["who"])) == whos


@pytest.mark.corpus
def test_corpus_broken_events_cost_one_event_with_a_located_reason():
    path = ICAL_TESTS / "calendars" / "broken_dtstart.ics"
    if not path.exists():
        pytest.skip("corpus not present")
    res = import_file(SourceFile.from_path(str(path)))
    (skip,) = res.report.skipped
    assert skip.where.startswith("event 1 (line ")
    assert "DTSTART" in skip.reason and "INVALID-DATE" in skip.reason


@pytest.mark.corpus
def test_jcal_calendar_is_read_like_its_ics_twin():
    path = ICAL_TESTS / "calendars" / "rfc_7265_appendix_example_2_jcal.jcal"
    if not path.exists():
        pytest.skip("corpus not present")
    res = import_file(SourceFile.from_path(str(path)))
    assert res.report.label == "jCal (iCalendar as JSON, RFC 7265)"
    assert res.report.read == len(re.findall(r'"vevent"', path.read_text())) == 2
    twin = import_file(
        SourceFile.from_path(str(path.with_name("rfc_7265_appendix_example_2_ical.ics")))
    )
    assert [s.reason for s in res.report.skipped] == [s.reason for s in twin.report.skipped]


# --- totality, budgets, identity ----------------------------------------------------------------


def _cal(*events: str, extra: str = "") -> SourceFile:
    body = "".join(f"BEGIN:VEVENT\r\n{e}END:VEVENT\r\n" for e in events)
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{extra}{body}END:VCALENDAR\r\n"
    return SourceFile("calendar.ics", text.encode())


MEETING = "ORGANIZER:mailto:me@example.org\r\nATTENDEE:mailto:ana@example.org\r\n"
ME = ImportOptions(me=("me@example.org",))


def _checked(source: SourceFile, options: ImportOptions = ME):
    result = import_file(source, options)
    rep = result.report
    assert rep.error is None, rep.error
    assert rep.read == rep.imported + len(rep.skipped)
    return result


def test_a_recurrence_id_that_is_not_a_date_skips_that_event_only():
    result = _checked(
        _cal(
            "UID:a\r\nDTSTART:20240101T100000Z\r\nRECURRENCE-ID:garbage\r\n" + MEETING,
            "UID:b\r\nDTSTART:20240102T100000Z\r\n" + MEETING,
        )
    )
    assert len(result.interactions) == 1
    (skip,) = result.report.skipped
    assert skip.where == "event 1 (line 4)"
    assert skip.reason.startswith("its RECURRENCE-ID is not a date or time")


def test_a_secondly_rule_is_cut_within_its_budget_in_time_and_memory():
    event = "UID:s\r\nDTSTART:20010101T000000Z\r\nRRULE:FREQ=SECONDLY\r\n" + MEETING
    source = _cal(event)
    assert len(source.data) < 400
    start = time.process_time()  # CPU time: the shared machine's load does not count
    result = _checked(source)
    assert time.process_time() - start < 1.0
    tracemalloc.start()
    _checked(source)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100 * 2**20
    assert 0 < len(result.interactions) <= MAX_OCCURRENCES
    assert any("repeats too often" in w or "too long" in w for w in result.report.warnings)


@pytest.mark.parametrize(
    "rule",
    ["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=5"],
)
def test_a_rule_nothing_matches_is_cheap(rule):
    start = time.process_time()
    result = _checked(_cal(f"UID:n\r\nDTSTART:20010101T000000Z\r\nRRULE:{rule}\r\n" + MEETING))
    assert time.process_time() - start < 1.0
    assert result.report.skipped[0].reason == "recurring event with no occurrence up to today"


def test_a_daily_series_that_never_ends_is_cheap_and_keeps_the_recent_years():
    start = time.process_time()
    result = _checked(
        _cal(
            "UID:d\r\nDTSTART;TZID=Europe/Berlin:19900101T090000\r\nRRULE:FREQ=DAILY\r\n" + MEETING
        )
    )
    assert time.process_time() - start < 1.0
    days = result.interactions.timestamp
    assert len(days) == pytest.approx(365.25 * RECURRENCE_YEARS_BACK, abs=2)
    assert (days.dt.tz_convert("Europe/Berlin").dt.hour == 9).all()


def test_many_attendees_times_many_occurrences_stay_within_the_row_budget():
    attendees = "".join(f"ATTENDEE:mailto:p{i}@example.org\r\n" for i in range(400))
    event = "UID:big\r\nDTSTART:20200101T090000Z\r\nRRULE:FREQ=DAILY\r\nORGANIZER:mailto:me@example.org\r\n"
    result = _checked(_cal(event + attendees))
    assert len(result.interactions) <= MAX_ROWS_PER_EVENT
    assert result.interactions.who.nunique() == 400
    assert any("rows; the latest" in w for w in result.report.warnings)


def test_an_event_with_more_participants_than_the_limit_is_skipped_as_a_broadcast():
    attendees = "".join(
        f"ATTENDEE:mailto:p{i}@example.org\r\n" for i in range(MAX_PARTICIPANTS + 1)
    )
    result = _checked(
        _cal(
            "UID:all\r\nDTSTART:20240101T090000Z\r\nORGANIZER:mailto:me@example.org\r\n"
            + attendees,
            "UID:one\r\nDTSTART:20240102T090000Z\r\n" + MEETING,
        )
    )
    assert list(result.interactions.who) == ["ana@example.org"]
    assert "a broadcast" in result.report.skipped[0].reason


def test_event_ids_depend_on_the_event_not_on_the_file():
    a = (
        "UID:weekly@example.org\r\nDTSTART:20240101T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
        + MEETING
    )
    b = "UID:lunch@example.org\r\nDTSTART:20240105T120000Z\r\n" + MEETING
    c = "DTSTART:20240106T120000Z\r\nSUMMARY:No UID\r\n" + MEETING
    first = _checked(_cal(a, b, c))
    second = _checked(
        _cal(c, b, a, extra="X-WR-CALNAME:Work\r\nBEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\n")
    )
    assert first.report.imported == second.report.imported == 3
    ids = lambda r: sorted(r.interactions.event_id)  # noqa: E731
    assert ids(first) == ids(second)
    assert len(set(first.interactions.event_id)) == 5


def test_dates_outside_the_representable_range_are_skipped():
    result = _checked(
        _cal(
            "UID:old\r\nDTSTART:00010101T100000Z\r\n" + MEETING,
            "UID:new\r\nDTSTART:20240101T100000Z\r\n" + MEETING,
        )
    )
    assert len(result.interactions) == 1
    assert result.report.skipped[0].reason == OUT_OF_RANGE_REASON


def test_recovery_after_a_broken_event_reads_every_other_event():
    good = "".join(
        f"BEGIN:VEVENT\r\nUID:e{i}\r\nDTSTART:20240101T{i % 24:02d}0000Z\r\n{MEETING}END:VEVENT\r\n"
        for i in range(300)
    )
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:bad\r\nDTSTART:garbage\r\n"
        "BEGIN:VALARM\r\n" + good + "END:VCALENDAR\r\n"
    )
    result = _checked(SourceFile("broken.ics", text.encode()))
    assert result.report.imported == 300
    assert [s.where for s in result.report.skipped] == ["event 1 (line 3)"]


def test_the_report_names_the_encoding():
    data = _cal("UID:x\r\nDTSTART:20240101T100000Z\r\nSUMMARY:Café\r\n" + MEETING).data
    assert _checked(SourceFile("c.ics", data)).report.encoding == "utf-8"
    latin = data.decode().encode("cp1252")
    result = _checked(SourceFile("c.ics", latin))
    assert result.report.encoding == "cp1252"
    assert result.interactions.note.iloc[0] == "Café"
