"""Format detection by content, not by file name."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

import analysis.importers as importers
from analysis.errors import UnrecognisedFormatError
from analysis.importers import IMPORTERS, detect, import_file
from analysis.importers.base import Detection, ImportOptions, SourceFile

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.mark.parametrize(
    ("name", "fmt", "label"),
    [
        ("phone_contacts.vcf", "vcard", "vCard 2.1"),
        ("google_contacts.csv", "contacts_csv", "Google Contacts CSV"),
        ("interactions.csv", "interactions_csv", "Interaction log CSV"),
        ("whatsapp_family.txt", "whatsapp", "WhatsApp chat (Android)"),
        ("calendar.ics", "ics", "iCalendar (.ics)"),
    ],
)
def test_sample_files_are_recognised_even_under_a_misleading_name(name, fmt, label):
    data = (SAMPLES / name).read_bytes()
    for shown in (name, "export.dat", "contacts.txt"):
        det = detect(SourceFile(shown, data))
        assert (det.format, det.label) == (fmt, label)


def test_unknown_text_is_refused_naming_what_closeknit_reads():
    with pytest.raises(UnrecognisedFormatError) as err:
        detect(SourceFile("notes.csv", b"just,some\nwords,here\n"))
    assert "notes.csv" in str(err.value)
    assert "closeknit reads vCard (.vcf), contact CSV" in str(err.value)


def test_binary_file_named_vcf_is_refused():
    res = import_file(SourceFile("phone.vcf", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4))
    assert res.report.error and "binary" in res.report.error
    assert res.report.read == 0


def test_empty_file_is_refused():
    res = import_file(SourceFile("empty.vcf", b"  \n"))
    assert "the file is empty" in res.report.error


def test_zip_without_a_chat_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("photo.jpg", b"\xff\xd8\xff")
    res = import_file(SourceFile("archive.zip", buf.getvalue()))
    assert "holds no WhatsApp chat export" in res.report.error


def test_a_column_mapping_makes_an_odd_csv_a_log():
    data = b"quand,qui,comment\n2026-01-03 10:00,Ana Lima,Coffee\n2026-01-04 11:00,Ben,Call\n"
    refused = import_file(SourceFile("journal.csv", data))
    assert refused.report.error
    mapped = import_file(
        SourceFile("journal.csv", data),
        ImportOptions(
            column_map=(("timestamp", "quand"), ("contact", "qui"), ("channel", "comment"))
        ),
    )
    assert mapped.report.error is None
    assert mapped.report.imported == 2
    assert list(mapped.interactions["channel"]) == ["in_person", "call"]


def _module(name: str, **hooks) -> ModuleType:
    """A stand-in importer module with the given hooks (``sniff`` never matches)."""
    mod = ModuleType(f"fake_{name}")
    mod.sniff = lambda _name, _head: None
    for hook, fn in hooks.items():
        setattr(mod, hook, fn)
    return mod


def _meta_zip() -> SourceFile:
    thread = (
        Path(__file__).resolve().parents[1] / "fixtures" / "meta" / "message_1.json"
    ).read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("messages/inbox/josegarcia_5804419756249513/message_1.json", thread)
    return SourceFile("facebook-ben.zip", buf.getvalue())


def test_a_zip_goes_to_the_most_confident_sniff_zip_and_a_crashing_one_is_ignored(monkeypatch):
    def boom(_source):
        raise RuntimeError("a bug in someone's sniff_zip")

    fake = dict(IMPORTERS)
    fake["crashing"] = _module("crashing", sniff_zip=boom)
    fake["unsure"] = _module("unsure", sniff_zip=lambda s: Detection("unsure", "Some archive", 0.2))
    monkeypatch.setattr(importers, "IMPORTERS", fake)
    det = detect(_meta_zip())
    assert (det.format, det.label) == ("meta", "Facebook Messenger export (JSON) in a .zip")
    fake["sure"] = _module("sure", sniff_zip=lambda s: Detection("sure", "Certain", 0.99))
    assert detect(_meta_zip()).format == "sure"


def test_a_crashing_sniff_binary_is_a_refusal_not_an_exception(monkeypatch):
    def boom(_source):
        raise MemoryError("a bug")

    fake = {"crashing": _module("crashing", sniff_binary=boom)}
    monkeypatch.setattr(importers, "IMPORTERS", fake)
    with pytest.raises(UnrecognisedFormatError, match="binary"):
        detect(SourceFile("x.db", b"SQLite format 3\x00" + bytes(range(256)) * 8))


def test_sqlite_chat_db_is_given_to_the_imessage_importer(tmp_path):
    path = tmp_path / "chat.db"
    schema = Path(__file__).resolve().parents[1] / "fixtures" / "imessage" / "schema_sonoma.sql"
    conn = sqlite3.connect(path)
    conn.executescript(schema.read_text(encoding="utf-8"))
    conn.close()
    for name in ("chat.db", "Messages backup", "sms.db"):
        assert detect(SourceFile(name, path.read_bytes())).format == "imessage"


def test_meta_thread_json_is_not_taken_for_telegram():
    data = (
        Path(__file__).resolve().parents[1] / "fixtures" / "meta" / "message_1.json"
    ).read_bytes()
    assert detect(SourceFile("result.json", data)).format == "meta"
    tg = Path(__file__).resolve().parents[1] / "fixtures" / "chat" / "telegram_result.json"
    assert detect(SourceFile("message_1.json", tg.read_bytes())).format == "telegram"


def test_an_unreadable_file_is_named_in_the_refusal():
    with pytest.raises(UnrecognisedFormatError) as err:
        detect(SourceFile("msgstore.db.crypt14", bytes(range(256)) * 20))
    assert "this looks like an encrypted WhatsApp backup" in str(err.value)
    assert "closeknit reads" in str(err.value)
