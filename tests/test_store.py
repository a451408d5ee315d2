"""The local SQLite store: round trips, idempotent and incremental import, atomicity,
migrations, privacy of the file, and the user's edits feeding the analysis."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import InvalidChoiceError
from analysis.importers import import_file
from analysis.importers.base import ImportOptions, SourceFile
from analysis.store import PersonEdit, Store, delete_store
from analysis.store.store import MIGRATIONS, SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[1]
HEADER = "timestamp,contact,channel,direction,duration_min,event_id,note\n"
VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@example.org\r\n"
    "TEL:+49 151 23456789\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Berg\r\nTEL:+49 151 98765432\r\nEND:VCARD\r\n"
)
OPTS = ImportOptions(region="DE", timezone="Europe/Berlin")


def log_rows(days: range, who: str = "Ana Lima") -> str:
    base = pd.Timestamp("2025-01-01 18:00")
    return "".join(
        f"{(base + pd.Timedelta(days=d)):%Y-%m-%d %H:%M},{who},Coffee,outgoing,60,,\n" for d in days
    )


def src(name: str, text: str) -> SourceFile:
    return SourceFile(name, text.encode("utf-8"))


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.sqlite3") as s:
        yield s


def test_round_trip_keeps_every_record(store):
    files = [src("phone.vcf", VCARD), src("log.csv", HEADER + log_rows(range(0, 20, 2)))]
    for f in files:
        store.add_file(f, OPTS)
    direct = [import_file(f, OPTS) for f in files]
    assert store.contacts()[["contact_id", "full_name", "emails", "phones"]].to_dict(
        "records"
    ) == direct[0].contacts[["contact_id", "full_name", "emails", "phones"]].sort_values(
        "contact_id"
    ).to_dict("records")
    got = store.interactions().sort_values("timestamp").reset_index(drop=True)
    want = direct[1].interactions.sort_values("timestamp").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert [r.file for r in store.reports()] == ["phone.vcf", "log.csv"]


def test_importing_the_same_file_again_changes_nothing(store):
    f = src("log.csv", HEADER + log_rows(range(10)))
    first = store.add_file(f, OPTS)
    before = store.counts()
    again = store.add_file(SourceFile("renamed.csv", f.data), OPTS)
    assert first.interactions_added == 10
    assert again.already_imported
    assert store.counts() == before


def test_newer_overlapping_export_adds_exactly_the_new_records(store):
    store.add_file(src("phone.vcf", VCARD), OPTS)
    store.add_file(src("log-2026-02.csv", HEADER + log_rows(range(0, 10))), OPTS)
    newer_vcf = VCARD + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cem Yilmaz\r\nEND:VCARD\r\n"
    out_v = store.add_file(src("phone-newer.vcf", newer_vcf), OPTS)
    out = store.add_file(src("log-2026-03.csv", HEADER + log_rows(range(5, 15))), OPTS)
    assert (out.interactions_added, out.duplicates_skipped) == (5, 5)
    assert (out_v.contacts_added, out_v.duplicates_skipped) == (1, 2)
    assert store.counts()["interactions"] == 15
    assert store.counts()["contacts"] == 3


def test_refused_file_stays_listed_without_records(store):
    out = store.add_file(src("notes.txt", "just some words\n"), OPTS)
    assert out.report.error
    assert store.counts()["files"] == 1
    assert store.counts()["contacts"] == store.counts()["interactions"] == 0
    assert store.reports()[0].error == out.report.error


def test_removing_a_file_removes_its_records(store):
    a = store.add_file(src("phone.vcf", VCARD), OPTS)
    store.add_file(src("log.csv", HEADER + log_rows(range(4))), OPTS)
    digest = store.files().set_index("name").loc["phone.vcf", "digest"]
    assert a.contacts_added == 2
    assert store.remove_file(digest)
    assert store.counts()["contacts"] == 0
    assert store.counts()["interactions"] == 4


def test_store_file_is_private_and_deletable(tmp_path):
    path = tmp_path / "sub" / "closeknit.sqlite3"
    with Store(path) as s:
        s.add_file(src("phone.vcf", VCARD), OPTS)
    assert os.stat(path).st_mode & 0o777 == 0o600
    delete_store(path)
    assert not any(p.name.startswith("closeknit.sqlite3") for p in path.parent.iterdir())


def test_store_path_follows_the_environment(tmp_path, monkeypatch):
    from analysis.store import default_store_path

    monkeypatch.setenv("CLOSEKNIT_STORE", str(tmp_path / "x.sqlite3"))
    assert default_store_path() == tmp_path / "x.sqlite3"


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_migrates_from_every_earlier_schema_version(tmp_path, version):
    path = tmp_path / f"v{version}.sqlite3"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:version]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {version}")
    if version >= 1:
        conn.execute(
            "INSERT INTO files (digest, name, format, label, imported_at, report)"
            " VALUES ('d1','old.vcf','vcard','vCard 3.0','2025-01-01',"
            '\'{"file":"old.vcf","format":"vcard","label":"vCard 3.0","read":1,'
            '"imported":1,"skipped":[],"warnings":[],"notes":[],"error":null}\')'
        )
    if version >= 2:
        conn.execute(
            "INSERT INTO person_edits (person_id, circle, roles, closeness,"
            " desired_interval_days, notes, updated_at)"
            " VALUES ('p1', 2, NULL, 4, NULL, 'kind', '2025-01-01')"
        )
    conn.commit()
    conn.close()
    with Store(path) as s:
        assert s.version == SCHEMA_VERSION
        assert s.counts()["files"] == (1 if version >= 1 else 0)
        if version >= 2:
            assert s.edits()["p1"].closeness == 4
        s.log_contact("Ana Lima", "call")
        assert s.counts()["logged"] == 1


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path):
    from analysis.errors import StoreError

    path = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer closeknit"):
        Store(path)


KILLER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import analysis.store.store as st
    from analysis.importers.base import ImportOptions, SourceFile

    marker = Path(sys.argv[3])
    real = st.batch_to_blob

    def slow(*args):
        blob = real(*args)
        marker.write_text("inside the transaction")
        time.sleep(60)
        return blob

    st.batch_to_blob = slow
    with st.Store(sys.argv[1]) as s:
        s.add_file(SourceFile.from_path(sys.argv[2]), ImportOptions(region="DE"))
    """
)


def test_a_killed_import_leaves_the_store_as_it_was(tmp_path):
    path = tmp_path / "store.sqlite3"
    with Store(path) as s:
        s.add_file(src("phone.vcf", VCARD), OPTS)
        s.add_file(src("old.csv", HEADER + log_rows(range(3))), OPTS)
        before = s.counts()
    big = tmp_path / "big.csv"
    big.write_text(HEADER + log_rows(range(100, 400), who="Ben Berg"), encoding="utf-8")
    marker = tmp_path / "marker"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(path), str(big), str(marker)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the import never reached its transaction"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Store(path) as s:
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert s.counts() == before
        assert "big.csv" not in set(s.files()["name"])
        again = s.add_file(SourceFile.from_path(str(big)), OPTS)
        assert again.interactions_added == 300


def test_decisions_edits_and_suggestion_state_persist(tmp_path):
    path = tmp_path / "s.sqlite3"
    with Store(path) as s:
        s.decide("rejected", "c2", "c1")
        s.decide("link", "+49 30 1234567", "c1")
        s.save_edit(
            PersonEdit("p1", circle=1, roles=("friend",), closeness=5, notes="call Sundays")
        )
        s.mark_done("p2", date(2026, 11, 20))
        s.snooze("p3", date(2026, 12, 1))
        s.set_setting("region", "DE")
    with Store(path) as s:
        d = s.decisions()
        assert d.rejected == (("c1", "c2"),)
        assert d.links == (("+49 30 1234567", "c1"),)
        o = s.overrides()
        assert o.circle == {"p1": 1}
        assert o.roles == {"p1": ("friend",)}
        assert o.closeness == {"p1": 5}
        assert o.done == {"p2": date(2026, 11, 20)}
        assert o.snoozed_until == {"p3": date(2026, 12, 1)}
        assert s.edits()["p1"].notes == "call Sundays"
        assert s.import_options().region == "DE"
        s.decide("confirmed", "c1", "c2")
        assert s.decisions().rejected == ()
        assert s.decisions().confirmed == (("c1", "c2"),)


def test_logged_contact_is_an_interaction_like_any_other(store):
    store.log_contact("Ana Lima", "in_person", pd.Timestamp("2026-11-20 18:00", tz="UTC"))
    inter = store.interactions()
    assert len(inter) == 1
    row = inter.iloc[0]
    assert (row.who, row.channel, row["mode"], row.direction) == (
        "Ana Lima",
        "in_person",
        "offline",
        "outgoing",
    )
    with pytest.raises(InvalidChoiceError, match="unknown channel"):
        store.log_contact("Ana Lima", "pigeon")


def test_interaction_keys_stay_the_keys_earlier_versions_stored():
    """Stores hold these keys: the per-distinct-value computation must give exactly the
    ``hash_pandas_object`` keys of the documented frame, missing values and spacing included."""
    import numpy as np

    from analysis.model import interactions_frame
    from analysis.store.store import interaction_keys

    frame = interactions_frame(
        pd.to_datetime(
            [
                "2024-01-01 10:00:59",
                "2024-01-01 10:00:01",
                "2024-03-05 08:30:00",
                "2024-03-05 08:31:00",
            ],
            utc=True,
        ),
        ["  Ana Lima ", "ana lima", None, "+4917012345"],
        ["call", "call", "message", "message"],
        direction=["incoming", "incoming", "outgoing", "unknown"],
        event_id=["", "", None, "chat:x:2024-03-05"],
    )
    frame.loc[3, "who"] = float("nan")
    expected = pd.util.hash_pandas_object(
        pd.DataFrame(
            {
                "t": pd.DatetimeIndex(frame["timestamp"]).floor("min").as_unit("ns").asi8,
                "who": frame["who"].astype(str).str.strip().str.casefold().to_numpy(),
                "channel": frame["channel"].astype(str).to_numpy(),
                "direction": frame["direction"].astype(str).to_numpy(),
                "event": frame["event_id"].astype(str).to_numpy(),
            }
        ),
        index=False,
    ).to_numpy(dtype=np.uint64)
    keys = interaction_keys(frame)
    assert keys.tolist() == expected.tolist()
    assert keys[0] == keys[1]  # one call, spelled and timed a little differently
    assert len(set(keys.tolist())) == 3


def test_a_stored_batch_reads_back_as_it_was_written():
    import numpy as np

    from analysis.model import interactions_frame
    from analysis.store.frames import batch_to_blob, blob_to_batch

    for unit in ("s", "us", "ns"):
        frame = interactions_frame(
            pd.to_datetime(
                ["2024-01-01 10:00:00", "2024-01-02 11:30:00", "2024-01-03 00:00:00"], utc=True
            ),
            ["Ana Lima", None, "Ana Lima"],
            ["call", "message", "in_person"],
            event_id=["", "chat:x:2024-01-02", None],
            note=["long talk", "", None],
            source="log.csv",
        )
        frame["timestamp"] = frame["timestamp"].dt.as_unit(unit)
        frame.loc[2, "who"] = 4915112345  # a number as an identity: kept as its text
        back, keys = blob_to_batch(batch_to_blob(frame, np.array([7, 8, 9], dtype=np.uint64)))
        assert keys.tolist() == [7, 8, 9]
        assert back["timestamp"].tolist() == frame["timestamp"].tolist()
        assert back["who"].tolist()[0] == "Ana Lima" and pd.isna(back["who"].iloc[1])
        assert back["who"].iloc[2] == "4915112345"
        assert back["event_id"].tolist()[:2] == ["", "chat:x:2024-01-02"]
        assert pd.isna(back["event_id"].iloc[2]) and pd.isna(back["note"].iloc[2])
        assert back["channel"].tolist() == ["call", "message", "in_person"]


_CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"


def _address_books() -> list[Path]:
    """Every address book among the sample, the fixtures and (when present) the corpus."""
    root = Path(__file__).resolve().parents[1]
    books = sorted((root / "data" / "samples").glob("*.vcf"))
    books += sorted((root / "data" / "samples").glob("*contacts*.csv"))
    books += sorted((root / "tests" / "fixtures" / "vcard").rglob("*.vcf"))
    books += sorted((root / "tests" / "fixtures" / "csv").glob("*contacts*.csv"))
    if _CORPUS.is_dir():
        books += sorted((_CORPUS / "vcard").rglob("*.vcf"))
    return books


def test_a_store_in_memory_gives_the_contacts_a_store_on_disk_reads_back(tmp_path):
    """An in-memory store keeps the contacts it stored as frames (``closeknit analyze`` without
    --store); they are the records a store on disk decodes from their JSON, value for value, for
    every address book at hand, imported together (so duplicates across books count too)."""
    books = [SourceFile.from_path(str(p)) for p in _address_books()]
    assert len(books) >= 10
    options = ImportOptions(region="DE")
    with Store(":memory:") as memory, Store(tmp_path / "s.sqlite3") as disk:
        for store in (memory, disk):
            for book in books:
                store.add_file(book, options)
        kept, read_back = memory.contacts(), disk.contacts()
        for store in (memory, disk):  # and after a file is removed
            store.remove_file(books[0].digest)
        fewer = memory.contacts()
        pd.testing.assert_frame_equal(fewer, disk.contacts())
    assert len(kept) > 50 and any(len(r) for r in read_back["related"])
    assert 0 < len(fewer) < len(kept)
    pd.testing.assert_frame_equal(kept, read_back)
    assert [type(v) for v in kept["related"].explode().dropna()] == [
        type(v) for v in read_back["related"].explode().dropna()
    ]


def test_the_who_of_stored_interactions_comes_back_coded_as_the_interactions_hold_it(tmp_path):
    """``interactions_and_who`` gives, beside the interactions, their ``who`` as a categorical
    read from how the store keeps it (each identity once): the same values row for row, in a
    store on disk and in memory, over several files and logged contact."""
    root = Path(__file__).resolve().parents[1] / "data" / "samples"
    files = [SourceFile.from_path(str(root / n)) for n in ("interactions.csv", "calendar.ics")]
    files.append(SourceFile.from_path(str(root / "whatsapp_family.txt")))
    options = ImportOptions(region="DE", timezone="Europe/Berlin")
    with Store(":memory:") as memory, Store(tmp_path / "s.sqlite3") as disk:
        for store in (memory, disk):
            for f in files:
                store.add_file(f, options)
            store.log_contact("Someone New", "call", pd.Timestamp("2026-01-02", tz="UTC"))
            for logged in (False, True):
                frame, who = store.interactions_and_who(logged)
                assert len(who) == len(frame) > 5_000
                assert list(np.asarray(who, dtype=object)) == frame["who"].tolist()
                assert len(who.categories) == frame["who"].nunique() < len(frame) / 5


def test_a_contact_keeps_the_content_key_and_record_earlier_versions_stored():
    """Stored contact keys are compared with every newer export's: the key and the stored
    JSON of a record are those ``json.dumps`` gave (sorted keys for the key; lists, tuples and
    text as written), and the records read from a frame are its rows as ``to_dict`` gives them."""
    import hashlib
    import json

    from analysis.model import CONTACT_COLUMNS, contacts_frame
    from analysis.store.store import _contact_json, _records, contact_key

    frame = contacts_frame(
        [
            {"contact_id": "c1", "source": "a.vcf", "where": "card 1", "full_name": "Zoë Berg",
             "emails": ["zoe@example.org"], "phones": ["+491701234567"],
             "categories": ["Family"], "related": [("mother", "Ana Berg")]},
            {"contact_id": "c2", "source": "a.vcf", "where": "card 2", "full_name": "Tom"},
        ]
    )  # fmt: skip
    records = _records(frame)
    assert records == frame.to_dict("records")
    for rec in records:
        content = {
            k: rec.get(k)
            for k in CONTACT_COLUMNS
            if k not in ("contact_id", "source", "where")
            and not (k == "anniversary" and not rec.get(k))
        }
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=list)
        assert contact_key(rec) == hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
        assert _contact_json(rec) == json.dumps(
            {k: rec[k] for k in CONTACT_COLUMNS}, ensure_ascii=False, default=list
        )


@pytest.mark.parametrize("where", ["memory", "file"])
def test_the_rows_read_for_resolution_keep_the_events_coded_with_the_same_values(where, tmp_path):
    text = HEADER + log_rows(range(6))
    with Store(":memory:" if where == "memory" else tmp_path / "s.db") as s:
        s.add_file(src("log.csv", text), OPTS)
        plain = s.interactions()
        coded, _ = s.interactions_and_who()
    assert plain["event_id"].dtype == object
    assert isinstance(coded["event_id"].dtype, pd.CategoricalDtype)
    assert coded["event_id"].astype(object).tolist() == plain["event_id"].tolist()
