"""Format detection by content, not by file name."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from analysis.errors import UnrecognisedFormatError
from analysis.importers import detect, import_file
from analysis.importers.base import ImportOptions, SourceFile

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
