"""Honest counting across files: the same history brought twice (a newer export of one chat, the
same log in another layout, a call in a backup and in the user's own log) counts once, and the
import report says which records were already known and from where."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

from analysis.importers import import_file
from analysis.importers.base import ImportOptions, SourceFile
from analysis.pipeline import analysis_from_files
from analysis.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
FIXTURES = ROOT / "tests" / "fixtures"
AS_OF = "2026-11-20"
DE = ImportOptions(region="DE", timezone="Europe/Berlin", me=("Mara Jensen",))


def _per_person(run) -> pd.Series:
    """Contact days per person (the engine's count), by name."""
    people = run.analysis.people
    return people.set_index("name")["contact_days"].sort_index()


def _in_window(run) -> int:
    return int(run.analysis.people["contacts_in_window"].sum())


def _variant_layout(csv_bytes: bytes) -> bytes:
    """The sample log as another tool would write it: semicolons, day-first dates, split date
    and time, other column names."""
    frame = pd.read_csv(pd.io.common.BytesIO(csv_bytes), dtype=str, keep_default_na=False)
    ts = pd.to_datetime(frame["timestamp"])
    out = pd.DataFrame(
        {
            "Date": ts.dt.strftime("%d.%m.%Y"),
            "Time": ts.dt.strftime("%H:%M"),
            "With": frame["contact"],
            "Type": frame["channel"],
            "Direction": frame["direction"],
            "duration_min": frame["duration_min"],
            "event_id": frame["event_id"],
            "Note": frame["note"],
        }
    )
    return out.to_csv(sep=";", index=False).encode("utf-8")


def test_the_same_log_in_two_layouts_counts_once_and_says_so():
    log = (SAMPLES / "interactions.csv").read_bytes()
    cards = SourceFile.from_path(str(SAMPLES / "phone_contacts.vcf"))
    one = analysis_from_files([cards, SourceFile("interactions.csv", log)], DE, as_of=AS_OF)
    both = analysis_from_files(
        [
            cards,
            SourceFile("interactions.csv", log),
            SourceFile("interactions_variant.csv", _variant_layout(log)),
        ],
        DE,
        as_of=AS_OF,
    )
    variant = both.dataset.reports[2]
    assert variant.error is None and variant.imported > 5_000
    known = variant.already_known.get("interactions.csv", 0)
    merged = int(both.overlaps["records"].sum()) if len(both.overlaps) else 0
    assert known + merged == variant.imported  # every row of the variant was the same history
    pd.testing.assert_series_equal(_per_person(both), _per_person(one))
    assert _in_window(both) == _in_window(one)
    assert len(both.resolution.interactions) == len(one.resolution.interactions)


CARD = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Souza\r\nTEL:+15555550123\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Okafor\r\nTEL:+15555550177\r\nEND:VCARD\r\n"
)


def test_a_call_in_a_backup_and_in_the_own_log_is_one_call_with_the_richer_record():
    backup = SourceFile.from_path(str(FIXTURES / "sms" / "calls-20240301.xml"))
    # the user wrote the same call down two minutes late, with a note and no duration
    log = SourceFile(
        "my-log.csv",
        b"timestamp,contact,channel,direction,duration_min,event_id,note\n"
        b"2020-01-01 12:02,Ana Souza,call,incoming,,,asked about the move\n",
    )
    opts = ImportOptions(region="US", timezone="UTC")
    alone = analysis_from_files([SourceFile("ana.vcf", CARD), backup], opts, as_of="2020-02-01")
    run = analysis_from_files([SourceFile("ana.vcf", CARD), backup, log], opts, as_of="2020-02-01")
    inter = run.resolution.interactions
    ana = run.resolution.people.set_index("name").loc["Ana Souza", "person_id"]
    day = inter[
        (inter["person_id"] == ana)
        & (inter["channel"] == "call")
        & (inter["timestamp"].dt.date == pd.Timestamp("2020-01-01").date())
    ]
    assert len(day) == 1
    call = day.iloc[0]
    assert call["duration_min"] > 2  # 125 s from the backup
    assert call["note"] == "asked about the move"  # from the user's log
    assert len(inter) == len(alone.resolution.interactions)
    assert run.overlaps["records"].sum() == 1


def _whatsapp_prefix(text: str, share: float) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(lines[: int(len(lines) * share)])


def test_an_older_export_of_a_group_chat_adds_nothing_to_the_newer():
    chat = (SAMPLES / "whatsapp_family.txt").read_text(encoding="utf-8")
    name = "WhatsApp Chat with Familie Jensen.txt"
    newer = SourceFile(name, chat.encode())
    older = SourceFile(
        "WhatsApp Chat with Familie Jensen (1).txt", _whatsapp_prefix(chat, 0.6).encode()
    )
    cards = SourceFile.from_path(str(SAMPLES / "phone_contacts.vcf"))
    alone = analysis_from_files([cards, newer], DE, as_of=AS_OF)
    for order in ([cards, older, newer], [cards, newer, older]):
        run = analysis_from_files(order, DE, as_of=AS_OF)
        pd.testing.assert_series_equal(_per_person(run), _per_person(alone))
        assert len(run.resolution.interactions) == len(alone.resolution.interactions)


def test_overlapping_telegram_exports_count_once():
    data = json.loads((FIXTURES / "chat" / "telegram_result.json").read_text(encoding="utf-8"))
    older = copy.deepcopy(data)
    for chat in older["chats"]["list"]:
        chat["messages"] = chat["messages"][: max(1, len(chat["messages"]) // 2)]
    opts = ImportOptions(region="US", timezone="UTC")
    new = SourceFile("result.json", json.dumps(data).encode())
    old = SourceFile("result (old).json", json.dumps(older).encode())
    alone = analysis_from_files([new], opts, as_of="2024-12-31")
    both = analysis_from_files([old, new], opts, as_of="2024-12-31")
    assert len(both.resolution.interactions) == len(alone.resolution.interactions)
    pd.testing.assert_series_equal(_per_person(both), _per_person(alone))


def test_overlapping_sms_backups_count_once_and_the_store_names_the_earlier_file(tmp_path):
    full = (FIXTURES / "sms" / "sms-20240301.xml").read_bytes()
    root = ET.fromstring(full)
    for element in list(root)[len(root) // 2 :]:
        root.remove(element)
    older = ET.tostring(root, encoding="utf-8", xml_declaration=True).decode()
    with Store(tmp_path / "s.sqlite3") as store:
        first = store.add_file(SourceFile("sms-old.xml", older.encode()), ImportOptions())
        second = store.add_file(SourceFile("sms-new.xml", full), ImportOptions())
        assert first.interactions_added > 0
        assert second.report.already_known == {"sms-old.xml": first.interactions_added}
        alone = import_file(SourceFile("sms-new.xml", full), ImportOptions()).interactions
        assert store.counts()["interactions"] == len(alone)


def test_overlapping_calendar_exports_count_once():
    ics = (SAMPLES / "calendar.ics").read_text(encoding="utf-8")
    events = ics.split("BEGIN:VEVENT")
    older = "BEGIN:VEVENT".join(events[: len(events) // 2]) + "END:VCALENDAR\r\n"
    cards = SourceFile.from_path(str(SAMPLES / "phone_contacts.vcf"))
    new = SourceFile("calendar.ics", ics.encode())
    old = SourceFile("calendar-2025.ics", older.encode())
    alone = analysis_from_files([cards, new], DE, as_of=AS_OF)
    both = analysis_from_files([cards, old, new], DE, as_of=AS_OF)
    assert len(both.resolution.interactions) == len(alone.resolution.interactions)
    pd.testing.assert_series_equal(_per_person(both), _per_person(alone))
