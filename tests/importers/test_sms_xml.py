"""SMS Backup & Restore XML: messages, MMS, calls, truncated files and hostile XML."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.importers import detect, import_file
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


def test_truncated_file_keeps_the_records_before_the_cut():
    res = import_file(_source("calls-truncated.xml"))
    rep = res.report
    assert rep.error is None
    complete = _count(r"<call\s[^>]*/>", "calls-truncated.xml")
    assert rep.read == complete == 6
    assert rep.imported == 5
    assert len(res.interactions) == 5
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
