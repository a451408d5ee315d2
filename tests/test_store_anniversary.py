"""The contacts' ``anniversary`` column and stores written before it existed: their records read
back with "" filled in, keep their content keys (a newer export adds only what is new), and
their address books are read again once after the migration, so the anniversaries appear."""

from __future__ import annotations

import hashlib
import json
import sqlite3

from analysis.importers.base import ImportOptions, SourceFile
from analysis.store import Store
from analysis.store.store import SCHEMA_VERSION, contact_key

OPTS = ImportOptions(region="DE")
COLUMNS_BEFORE = (
    "contact_id", "source", "where", "full_name", "given_name", "family_name", "nickname",
    "emails", "phones", "org", "title", "categories", "birthday", "related",
)  # fmt: skip
"""The contacts columns of schema version 9 (before ``anniversary``)."""


def card(name: str, tel: str, anniversary: str = "") -> str:
    extra = f"ANNIVERSARY:{anniversary}\r\n" if anniversary else ""
    return f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:{name}\r\nTEL:{tel}\r\n{extra}END:VCARD\r\n"


BOOK = card("Ana Lima", "+49 30 1111", "20120616") + card("Ben Berg", "+49 30 2222")


def key_before(record: dict) -> str:
    """The content key as version 9 computed it (its column list, no anniversary)."""
    content = {
        k: record.get(k) for k in COLUMNS_BEFORE if k not in ("contact_id", "source", "where")
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=list)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def as_version_9(path) -> None:
    """Make the store at ``path`` look as version 9 left it: records without an anniversary."""
    conn = sqlite3.connect(path)
    conn.execute("UPDATE contacts SET record = json_remove(record, '$.anniversary')")
    conn.execute("DROP TABLE file_prefix")  # what version 11 added
    conn.execute("DROP TABLE facts_cache")  # what version 12 added
    conn.execute("ALTER TABLE interaction_batches DROP COLUMN keys")
    conn.execute("PRAGMA user_version = 9")
    conn.commit()
    conn.close()


def test_a_record_without_an_anniversary_keeps_the_content_key_it_had_before_the_column():
    record = {
        "full_name": "Ben Berg", "phones": ["+49302222"], "emails": [], "categories": [],
        "related": [], "given_name": "", "family_name": "", "nickname": "", "org": "",
        "title": "", "birthday": "",
    }  # fmt: skip
    assert contact_key(record) == contact_key({**record, "anniversary": ""}) == key_before(record)
    assert contact_key({**record, "anniversary": "--06-16"}) != key_before(record)


def test_stored_records_from_before_the_column_read_back_with_an_empty_anniversary(tmp_path):
    path = tmp_path / "old.sqlite3"
    with Store(path) as s:
        s.add_file(SourceFile("phone.vcf", BOOK.encode()), OPTS)
    as_version_9(path)
    with Store(path) as s:
        assert s.version == SCHEMA_VERSION
        contacts = s.contacts()
        assert list(contacts["anniversary"]) == ["", ""]


def test_after_the_migration_address_books_are_read_again_and_anniversaries_appear(tmp_path):
    path = tmp_path / "old.sqlite3"
    with Store(path) as s:
        s.set_setting("region", "DE")
        s.add_file(SourceFile("phone.vcf", BOOK.encode()), s.import_options())
        s.add_file(
            SourceFile("log.csv", b"timestamp,contact,channel\n2026-01-05 10:00,Ana Lima,call\n"),
            s.import_options(),
        )
        ids = sorted(s.contacts()["contact_id"])
    as_version_9(path)
    with Store(path) as s:
        outcomes = s.reread(s.options_for)
        assert [o.file for o in outcomes] == ["phone.vcf"]  # the log is not read again
        contacts = s.contacts().set_index("full_name")
        assert contacts.loc["Ana Lima", "anniversary"] == "2012-06-16"
        assert contacts.loc["Ben Berg", "anniversary"] == ""
        assert sorted(contacts["contact_id"]) == ids  # merges and edits keep pointing at them
        assert s.counts()["contacts"] == 2 and s.counts()["interactions"] == 1
        assert s.reread(s.options_for) == []  # once


def test_a_newer_export_into_an_old_store_adds_only_the_new_card(tmp_path):
    path = tmp_path / "old.sqlite3"
    with Store(path) as s:
        s.add_file(SourceFile("phone.vcf", card("Ben Berg", "+49 30 2222").encode()), OPTS)
    as_version_9(path)
    conn = sqlite3.connect(path)
    [(stored_key, record)] = conn.execute("SELECT ckey, record FROM contacts").fetchall()
    conn.close()
    assert stored_key == key_before(json.loads(record))
    newer = card("Ben Berg", "+49 30 2222") + card("Clara Costa", "+49 30 3333", "--0905")
    with Store(path) as s:
        outcome = s.add_file(SourceFile("phone-2026.vcf", newer.encode()), OPTS)
        assert (outcome.contacts_added, outcome.duplicates_skipped) == (1, 1)
        assert sorted(s.contacts()["full_name"]) == ["Ben Berg", "Clara Costa"]


def test_export_on_a_migrated_store_has_the_anniversaries_at_once(tmp_path, capsysbinary):
    from analysis.cli import main

    path = tmp_path / "old.sqlite3"
    with Store(path) as s:
        s.set_setting("region", "DE")
        s.add_file(SourceFile("phone.vcf", BOOK.encode()), s.import_options())
    as_version_9(path)
    capsysbinary.readouterr()
    assert main(["export", "ics", "--store", str(path), "--as-of", "2026-06-01"]) == 0
    ics = capsysbinary.readouterr().out.decode()
    assert "Ana Lima: anniversary" in ics
