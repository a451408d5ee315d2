"""SMS Backup & Restore XML: messages, MMS, calls, truncated files and hostile XML."""

from __future__ import annotations

import re
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

from analysis.importers import detect, import_file, sms_xml
from analysis.importers.base import ImportOptions, SourceFile
from analysis.importers.sms_xml import parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sms"


def _source(name: str) -> SourceFile:
    return SourceFile.from_path(str(FIXTURES / name))


def _count(pattern: str, name: str) -> int:
    return len(re.findall(pattern, (FIXTURES / name).read_text(encoding="utf-8")))


def test_messages_file_is_detected_with_its_kind():
    det = detect(_source("sms-20240301.xml"))
    assert (det.format, det.label) == ("sms_xml", "SMS Backup & Restore (messages)")
    det = detect(_source("calls-20240301.xml"))
    assert det.label == "SMS Backup & Restore (calls)"


def test_every_record_is_read_and_accounted_for():
    res = import_file(_source("sms-20240301.xml"))
    rep = res.report
    records = _count(r"<sms\s", "sms-20240301.xml") + _count(r"<mms\s", "sms-20240301.xml")
    assert rep.read == records == 9
    assert rep.read == rep.imported + len(rep.skipped)
    assert rep.imported == 6
    reasons = sorted(s.reason.split(":")[0] for s in rep.skipped)
    assert reasons == ["draft", "draft", "failed"]
    assert any(s.where.startswith("mms 3") for s in rep.skipped)


def test_sms_direction_follows_the_message_type():
    df = import_file(_source("sms-20240301.xml")).interactions
    sms = df[df["note"] == "sms"]
    assert list(sms["direction"]) == ["incoming", "outgoing", "outgoing", "incoming"]
    assert list(sms["who"]) == ["+15555550123", "+15555550123", "(555) 555-0177", "Carla Mendes"]
    assert (sms["channel"] == "message").all()
    assert sms["timestamp"].iloc[0] == pd.Timestamp("2020-01-01T00:00:00Z")
    assert (df["mode"] == "online").all()


def test_group_mms_gives_one_row_per_other_participant_with_a_shared_event():
    df = import_file(_source("sms-20240301.xml")).interactions
    group = df[df["note"] == "group mms"]
    assert sorted(group["who"]) == ["+15555550123", "+15555550177", "+15555550199"]
    assert group["event_id"].nunique() == 1 and group["event_id"].iloc[0] != ""
    assert (group["direction"] == "incoming").all()
    single = df[df["note"] == "mms"]
    assert list(single["who"]) == ["+15555550177"]
    assert list(single["direction"]) == ["outgoing"]
    assert single["event_id"].iloc[0] == ""


def test_users_own_number_in_me_is_left_out_of_a_group_mms():
    opts = ImportOptions(me=("+1 555 555 0100",))
    df = parse(_source("sms-20240301.xml"), opts).interactions
    assert "+15555550100" not in set(df["who"])
    assert len(df[df["note"] == "group mms"]) == 3


def test_calls_carry_direction_duration_and_missed_flag():
    res = import_file(_source("calls-20240301.xml"))
    rep, df = res.report, res.interactions
    assert rep.read == _count(r"<call\s", "calls-20240301.xml") == 7
    assert rep.imported == 5 and len(rep.skipped) == 2
    assert {s.reason for s in rep.skipped} == {
        "refused (number on the blocked list)",
        "no number or contact name (a withheld caller)",
    }
    assert (df["channel"] == "call").all()
    assert list(df["direction"]) == ["incoming", "outgoing", "incoming", "incoming", "incoming"]
    assert list(df["note"]) == ["", "", "missed", "voicemail", "rejected"]
    assert df["duration_min"].tolist() == pytest.approx([125 / 60, 60.0, 0.0, 0.0, 0.0])
    assert df["timestamp"].iloc[1] == pd.Timestamp("2020-01-02T12:00:00Z")


def test_truncated_file_keeps_the_records_before_the_cut_and_counts_the_cut_one():
    res = import_file(_source("calls-truncated.xml"))
    rep = res.report
    assert rep.error is None
    complete = _count(r"<call\s[^>]*/>", "calls-truncated.xml")
    started = _count(r"<call\s", "calls-truncated.xml")
    assert (complete, started) == (6, 7)
    assert rep.read == started == rep.imported + len(rep.skipped)
    assert rep.imported == 5
    assert len(res.interactions) == 5
    cut = [s for s in rep.skipped if "ends inside this record" in s.reason]
    assert [s.where for s in cut] == ["record 7 (line 11)"]
    assert any(
        w.startswith("file ends early (truncated at line") and "6 records read before it" in w
        for w in rep.warnings
    )


def test_entity_expansion_attack_is_refused_with_a_clear_message():
    res = import_file(_source("billion-laughs.xml"))
    assert res.report.error is not None
    assert "declares XML entities, which closeknit refuses for safety" in res.report.error
    assert "billion-laughs.xml" in res.report.error
    assert res.interactions.empty


def test_external_entity_is_refused_too(tmp_path):
    xxe = (
        b"<?xml version='1.0'?><!DOCTYPE smses [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
        b"<smses count='1'><sms address='&x;' date='1577836800000' type='1'/></smses>"
    )
    res = import_file(SourceFile("xxe.xml", xxe))
    assert "refuses for safety" in res.report.error


def test_garbage_after_the_root_start_is_refused_when_nothing_was_read():
    res = import_file(SourceFile("bad.xml", b"<smses count='2'><sms address=\"1\" date=</smses>"))
    assert res.report.error is not None
    assert "not well-formed XML" in res.report.error and "line 1" in res.report.error


def test_empty_backup_reads_zero_records_without_error():
    data = b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count=\"0\" />\n"
    res = import_file(SourceFile("calls-empty.xml", data))
    assert res.report.error is None
    assert res.report.read == 0 and res.interactions.empty


def test_unknown_elements_are_counted_in_the_notes_not_as_records():
    data = (
        b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"1\">"
        b'<sms address="+15555550123" date="1577836800000" type="1" body="hi" />'
        b'<rcs date="1577836800001" /><rcs date="1577836800002" /></smses>'
    )
    res = import_file(SourceFile("sms-rcs.xml", data))
    assert res.report.read == 1 == res.report.imported
    assert "<rcs> elements are not messages or calls: 2 ignored" in res.report.notes


# --- hostile and damaged files ----------------------------------------------------------------

HEAD = b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"3\">\n"


def _sms(date: str = "1577836800000", address: str = "+15555550123", body: str = "hi") -> bytes:
    return (
        f'  <sms protocol="0" address="{address}" date="{date}" type="1" body="{body}" '
        'read="1" status="-1" locked="0" />\n'
    ).encode()


def _file(*records: bytes) -> SourceFile:
    return SourceFile("sms-damaged.xml", HEAD + b"".join(records) + b"</smses>\n")


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("inf", "no usable date"),
        ("-inf", "no usable date"),
        ("nan", "no usable date"),
        ("1e400", "no usable date"),
        ("9" * 5000, "no usable date"),
        ("soon", "no usable date"),
        ("-5", "no usable date"),
        ("0", "no usable date"),
        ("-62135596800000", "date outside the years closeknit can keep (1677-2262)"),
        ("253402300799000", "date outside the years closeknit can keep (1677-2262)"),
        ("99999999999999999999", "date outside the years closeknit can keep (1677-2262)"),
    ],
)
def test_unusable_or_unrepresentable_date_skips_only_its_record(date, reason):
    res = parse(_file(_sms(), _sms(date=date), _sms()), ImportOptions())
    rep = res.report
    assert (rep.read, rep.imported) == (3, 2)
    assert [s.where for s in rep.skipped] == ["sms 2 (record 2)"]
    assert rep.skipped[0].reason.startswith(reason)
    assert len(rep.skipped[0].reason) < 120  # a 5,000-digit date is not echoed whole
    assert res.interactions["timestamp"].dt.year.tolist() == [2020, 2020]


def test_year_0001_is_never_wrapped_into_another_century():
    res = parse(_file(_sms(date="-62135596800000")), ImportOptions())
    assert res.interactions.empty
    assert res.report.skipped[0].reason.startswith("date outside the years")


def test_dates_more_than_a_year_ahead_are_imported_and_counted_in_a_note():
    ahead = str(int((pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=800)).value // 1_000_000))
    res = parse(
        _file(_sms(), _sms(date=ahead), _sms(date=ahead), _sms(date=ahead)), ImportOptions()
    )
    assert res.report.imported == 4
    assert any(n.startswith("3 messages dated more than a year ahead") for n in res.report.notes)


def test_invalid_control_character_costs_nothing_but_a_warning():
    res = parse(_file(_sms(), _sms(body="bad \x01 char"), _sms()), ImportOptions())
    rep = res.report
    assert (rep.read, rep.imported, rep.skipped) == (3, 3, [])
    assert any("characters XML forbids" in w and "record 2 (line 4)" in w for w in rep.warnings)


def test_unpaired_surrogate_reference_is_replaced_and_the_rest_is_read():
    res = parse(_file(_sms(), _sms(body="half &#xD800; an emoji"), _sms(), _sms()), ImportOptions())
    rep = res.report
    assert (rep.read, rep.imported) == (4, 4)
    assert any("1 reference to invalid characters" in w for w in rep.warnings)


def test_emoji_written_as_surrogate_pair_references_are_read():
    body = "Yup &#55357;&#56396; and &#xD83D;&#xDE00;"
    res = parse(_file(_sms(body=body), _sms(body=body), _sms()), ImportOptions())
    rep = res.report
    assert (rep.read, rep.imported, rep.skipped) == (3, 3, [])
    assert any("4 characters written as UTF-16 surrogate pairs" in w for w in rep.warnings)


def test_bytes_that_are_not_utf8_are_replaced_in_their_record_only():
    res = parse(
        _file(
            _sms(),
            _sms(body="caf\udce9".encode("utf-8", "surrogateescape").decode("latin-1")),
            _sms(),
        ),
        ImportOptions(),
    )
    assert (res.report.read, res.report.imported) == (3, 3)


def test_structurally_broken_record_is_counted_lost_with_its_line_and_the_rest_is_read():
    broken = b'  <sms address="+15555550177" date="1577836800000" type="1" <<< />\n'
    res = parse(_file(_sms(), broken, _sms(), _sms(address="+15555550199")), ImportOptions())
    rep = res.report
    assert (rep.read, rep.imported) == (4, 3)
    assert [s.where for s in rep.skipped] == ["record 2 (line 4)"]
    assert rep.skipped[0].reason.startswith("not well-formed XML")
    assert res.interactions["who"].tolist()[-1] == "+15555550199"


def test_unclosed_mms_loses_only_itself():
    mms = (
        b'  <mms date="1577836800000" msg_box="1" address="+15555550177">\n'
        b'    <parts><part seq="0" text="hi" /></parts>\n'
    )
    res = parse(_file(_sms(), mms, _sms()), ImportOptions())
    rep = res.report
    assert rep.read == rep.imported + len(rep.skipped) == 3
    assert rep.imported == 2 and rep.skipped[0].where == "record 2 (line 4)"


def test_junk_between_records_loses_no_record():
    res = parse(_file(_sms(), b"  ]]> & <!-- \n", _sms()), ImportOptions())
    rep = res.report
    assert (rep.read, rep.imported) == (2, 2)
    assert any("unreadable text between records" in w for w in rep.warnings)


def test_records_swallowed_by_an_unclosed_comment_are_counted_lost():
    res = parse(_file(_sms(), b"  <!-- never closed\n", _sms(), _sms()), ImportOptions())
    rep = res.report
    assert (rep.read, rep.imported) == (3, 1)
    assert [s.where for s in rep.skipped] == ["record 2 (line 5)", "record 3 (line 6)"]


def test_damaged_root_start_tag_still_reads_the_records():
    data = b"<smses count='2' <<\n" + _sms() + _sms() + b"</smses>\n"
    res = parse(SourceFile("sms.xml", data), ImportOptions())
    assert (res.report.read, res.report.imported) == (2, 2)
    assert any("start of the file" in w and "line 1" in w for w in res.report.warnings)


def test_value_over_the_attribute_limit_skips_its_record_unread(monkeypatch):
    monkeypatch.setattr(sms_xml, "MAX_ATTRIBUTE_BYTES", 1_000_000)
    res = parse(_file(_sms(), _sms(body="x" * 3_000_000), _sms()), ImportOptions())
    rep = res.report
    assert (rep.read, rep.imported) == (3, 2)
    assert rep.skipped[0].where == "record 2 (line 4)"
    assert "over the limit of 1 MB" in rep.skipped[0].reason


def test_value_under_the_attribute_limit_is_read_in_one_pass():
    """8 MB in one attribute took 10 s when expat was fed 16 KB at a time (quadratic); CPU time."""
    t = time.process_time()
    res = parse(_file(_sms(), _sms(body="x" * 8_000_000), _sms()), ImportOptions())
    assert res.report.imported == 3
    assert time.process_time() - t < 3.0


def _peak_bytes(src: SourceFile) -> int:
    tracemalloc.start()
    try:
        parse(src, ImportOptions())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_grows_only_by_the_rows_kept_never_by_a_tree():
    """Each record below has 17 attributes (about 330 bytes); a kept element with its attribute
    dict costs well over 1 KB, the row kept for it about 270 bytes."""

    def backup(n: int) -> SourceFile:
        recs = (
            f'  <sms protocol="0" address="+1555555{i % 10_000:04d}" date="{1577836800000 + i}" '
            f'type="1" subject="null" body="message {i} with a few words" toa="null" '
            'sc_toa="null" service_center="null" read="1" status="-1" locked="0" '
            'date_sent="0" sub_id="1" readable_date="Jan 1, 2020" contact_name="A B" />\n'
            for i in range(n)
        )
        return _file("".join(recs).encode())

    small, big = _peak_bytes(backup(4_000)), _peak_bytes(backup(40_000))
    assert (big - small) / 36_000 < 500
