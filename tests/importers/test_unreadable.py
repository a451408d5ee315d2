"""Files closeknit cannot read are named, with what to export instead."""

from __future__ import annotations

import io
import random
import sqlite3
import zipfile
from pathlib import Path

import pytest

from analysis.importers import import_file, unreadable
from analysis.importers.base import SourceFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _random(n: int = 4096, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


def _sqlite(tmp_path: Path, *ddl: str) -> bytes:
    path = tmp_path / f"db{len(list(tmp_path.iterdir()))}.sqlite"
    conn = sqlite3.connect(path)
    for stmt in ddl:
        conn.execute(stmt)
    conn.commit()
    conn.close()
    return path.read_bytes()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


SIGNAL_TXT = (
    b"[2019-12-24, 12:23] Jane Doe: Hello John\n"
    b"[2019-12-24, 12:25] John Doe: Hi Jane, merry christmas\n"
    b"[2019-12-24, 12:31] Jane Doe: You too!\n"
)
XLSX = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/content-types"/>',
    "_rels/.rels": b"<Relationships/>",
    "xl/workbook.xml": b"<workbook/>",
    "xl/worksheets/sheet1.xml": b"<worksheet/>",
}
TELEGRAM_HTML = (
    b'<!DOCTYPE html>\n<html>\n <head>\n  <meta charset="utf-8"/>\n  <title>Exported Data</title>'
    b'\n </head>\n <body>\n  <div class="page_wrap">\n   <div class="page_header">\n    <div '
    b'class="content">\n     <div class="text bold">Anna Meyer</div>\n    </div>\n   </div>\n'
    b'   <div class="page_body chat_page">\n    <div class="history">\n     <div class="message '
    b'service" id="message-1">\n      <div class="body details">12 March 2024</div>\n     </div>'
)


def _cases(tmp_path: Path) -> list[tuple[str, bytes, str, str]]:
    """(file name, content, what it looks like, a word of the advice)."""
    return [
        ("signal-2024-03-01-10-20-30.backup", _random(), "a Signal backup", "interaction CSV"),
        ("Signal chat.txt", SIGNAL_TXT, "a Signal Desktop chat export", "interaction CSV"),
        ("db.sqlite", _random(), "Signal Desktop's encrypted database", "interaction CSV"),
        (
            "message_1.html",
            (FIXTURES / "meta" / "message_1.html").read_bytes(),
            "a Facebook Messenger or Instagram export in HTML",
            "Format: JSON",
        ),
        (
            "msgstore.db.crypt14",
            _random(seed=3),
            "an encrypted WhatsApp backup",
            "Export chat",
        ),
        (
            "contacts2.db",
            _sqlite(
                tmp_path,
                "CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY, display_name TEXT)",
                "CREATE TABLE data (_id INTEGER PRIMARY KEY, raw_contact_id INTEGER, data1 TEXT)",
            ),
            "Android's contacts database",
            ".vcf",
        ),
        (
            "backup.db",
            _sqlite(
                tmp_path,
                "CREATE TABLE sms (_id INTEGER PRIMARY KEY, address TEXT, body TEXT)",
                "CREATE TABLE pdu (_id INTEGER PRIMARY KEY, msg_box INTEGER)",
            ),
            "Android's SMS database",
            "SMS Backup & Restore",
        ),
        (
            "AddressBook-v22.abcddb",
            _sqlite(tmp_path, "CREATE TABLE ZABCDRECORD (Z_PK INTEGER PRIMARY KEY, ZFIRSTNAME)"),
            "a Mac address book archive",
            "Export vCard",
        ),
        (
            "Contacts - 2024-03-01.abbu.zip",
            _zip({"Contacts - 2024-03-01.abbu/AddressBook-v22.abcddb": _random(512)}),
            "a Mac address book archive",
            "Export vCard",
        ),
        (
            "takeout-20240301T101010Z-001.zip",
            _zip({"Takeout/YouTube and YouTube Music/history/watch-history.json": b"[]"}),
            "a Google Takeout archive without the parts closeknit reads",
            "Contacts, Calendar",
        ),
        (
            "takeout-20240301T101010Z-002.zip",
            _zip({"Takeout/Contacts/My Contacts/My Contacts.vcf": b"BEGIN:VCARD\r\nEND:VCARD"}),
            "a Google Takeout archive",
            "unzip it",
        ),
        (
            "facebook-benokafor-2024-03-20.zip",
            _zip(
                {
                    "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json": b"[]",
                    "personal_information/profile_information/profile_information.json": b"{}",
                }
            ),
            "a Facebook or Instagram export without messages",
            "Messages selected",
        ),
        ("contacts.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "a PDF", "vCard"),
        ("Kontakte.xlsx", _zip(XLSX), "a spreadsheet", "save it as CSV"),
        (
            "contacts.zip",
            _zip({"contacts.vcf": b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEND:VCARD\r\n"}),
            "a .zip archive holding a vCard",
            "unzip it",
        ),
        ("messages.html", TELEGRAM_HTML, "a Telegram Desktop export in HTML", "JSON"),
    ]


def test_each_unreadable_kind_is_named_with_what_to_export_instead(tmp_path):
    for name, data, what, advice in _cases(tmp_path):
        res = import_file(SourceFile(name, data))
        err = res.report.error
        assert err, name
        assert f"{name}: this looks like {what}" in err, (name, err)
        assert advice in err, (name, err)
        assert res.report.read == res.report.imported == 0


def test_recognise_is_none_for_unknown_content_and_never_raises():
    assert unreadable.recognise(SourceFile("notes.bin", _random())) is None
    assert unreadable.recognise(SourceFile("x.zip", b"PK\x03\x04 broken")) is None
    assert unreadable.recognise(SourceFile("page.html", b"<html><body>hi</body></html>")) is None


@pytest.mark.parametrize("name", ["photo.backup", "chat.sqlite"])
def test_names_alone_do_not_accuse_text_files(name):
    assert unreadable.recognise(SourceFile(name, b"just some words\n" * 50)) is None
