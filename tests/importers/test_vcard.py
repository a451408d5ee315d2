"""vCard import: real exports from the shared corpus, and bad input written for these tests."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import sidework
from analysis.errors import UnusableFileError
from analysis.importers import import_file, vcard
from analysis.importers.base import ImportOptions, Skipped, SourceFile, stable_id
from analysis.model import CONTACT_COLUMNS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vcard"
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "vcard"
EZ = "mangstadt__ez-vcard/src/test/resources/ezvcard/io/text"
AOSP = "CyanogenMod__android_frameworks_opt_vcard/tests/res/raw"
PYVOBJECT = "py-vobject__vobject/test_files"

BEGIN = re.compile(rb"^BEGIN:VCARD[ \t]*$", re.IGNORECASE | re.MULTILINE)


def begin_count(data: bytes) -> int:
    """BEGIN:VCARD lines in raw bytes, counted independently of the importer."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16").encode("utf-8")
    data = data.removeprefix(b"\xef\xbb\xbf")
    return len(BEGIN.findall(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")))


def load(path: Path, region: str = "US"):
    return import_file(SourceFile.from_path(str(path)), ImportOptions(region=region))


def corpus_file(rel: str) -> Path:
    path = CORPUS / rel
    if not path.exists():
        pytest.skip(f"corpus file {rel} is absent")
    return path


def rows(result) -> list[dict]:
    return result.contacts.to_dict("records")


CORPUS_FILES = sorted(CORPUS.rglob("*.vcf")) if CORPUS.is_dir() else []


# --- every real-world file ------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS_FILES, reason="shared corpus absent")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_every_corpus_vcard_imports_and_accounts_for_every_card(path: Path):
    result = load(path)
    rep = result.report
    assert rep.error is None, rep.error
    assert rep.format == "vcard"
    assert rep.read == begin_count(path.read_bytes())
    assert rep.read == rep.imported + len(rep.skipped)
    assert len(result.contacts) == rep.imported
    assert list(result.contacts.columns) == list(CONTACT_COLUMNS)
    for s in rep.skipped:
        assert re.fullmatch(r"card \d+ \(line \d+\)", s.where)


@pytest.mark.corpus
def test_android_quoted_printable_names_keep_accents():
    result = load(corpus_file(f"{EZ}/John_Doe_ANDROID.vcf"))
    assert result.report.label == "vCard 2.1"
    assert result.report.imported == 6
    r = rows(result)
    assert r[0]["full_name"] == "john.doe@company.com"  # no name: the e-mail stands in
    assert r[0]["categories"] == ["My Contacts"]
    assert r[2]["full_name"] == "Ñ Ñ Ñ Ñ Ñ"
    assert r[2]["family_name"] == "Ñ Ñ Ñ Ñ"
    assert r[2]["phones"] == ["123456789"]
    # soft line break in the middle of the value
    assert r[3]["full_name"] == " ".join(["Ñ"] * 11)
    assert r[3]["phones"] == ["123456", "234567", "+13456789", "45678901"]
    assert r[4]["full_name"] == "Ñ Ñ Ñ Ñ"
    assert (r[4]["given_name"], r[4]["family_name"]) == ("Ñ Ñ Ñ", "Ñ Ñ")
    assert r[4]["emails"] == ["bob@company.com"]  # the QP "ÑÑÑ" e-mail is not an address
    assert r[4]["org"] == "Ñ" * 12
    assert r[5]["org"] == "Ñ" * 44
    assert r[5]["emails"] == ["henry@company.com"]


@pytest.mark.corpus
def test_iphone_grouped_properties():
    result = load(corpus_file(f"{EZ}/John_Doe_IPHONE.vcf"))  # CR-only line ends in places
    [r] = rows(result)
    assert r["full_name"] == "Mr. John Richter James Doe Sr."
    assert (r["given_name"], r["family_name"], r["nickname"]) == ("John", "Doe", "Johny")
    assert r["emails"] == ["john.doe@ibm.com"]  # item1.EMAIL
    assert r["phones"] == [
        "+19055551234",
        "+19056661234",
        "+19057771234",
        "+19058881234",
        "+19059991234",
        "+19051111234",
        "+19052221234",  # the last is item2.TEL
    ]
    assert r["org"] == "IBM, Accounting"
    assert r["title"] == "Money Counter"
    assert r["birthday"] == "2012-06-06"


@pytest.mark.corpus
def test_outlook_21_card():
    result = load(corpus_file(f"{EZ}/John_Doe_MS_OUTLOOK.vcf"))
    [r] = rows(result)
    assert result.report.label == "vCard 2.1"
    assert r["full_name"] == "Mr. John Richter James Doe Sr."
    assert r["emails"] == ["john.doe@ibm.cm"]
    assert r["phones"] == ["+19055551234", "+19056661234"]
    assert r["birthday"] == "1980-03-22"
    assert r["related"] == [("manager", "Big Blue"), ("assistant", "Jenny")]


@pytest.mark.corpus
def test_rfc6350_example_with_yearless_birthday_and_tel_uris():
    result = load(corpus_file(f"{EZ}/rfc6350-example.vcf"))
    [r] = rows(result)
    assert result.report.label == "vCard 4.0"
    assert r["full_name"] == "Simon Perreault"
    assert r["emails"] == ["simon.perreault@viagenie.ca"]
    assert r["phones"] == ["+14186569254", "+14182626501"]
    assert r["org"] == "Viagenie"
    assert r["birthday"] == "--02-03"


@pytest.mark.corpus
def test_vcard40_full_example():
    [r] = rows(load(corpus_file(f"{PYVOBJECT}/vcard40_full.vcf")))
    assert r["full_name"] == "Dr. John Q. Public, III"
    assert r["emails"] == ["john.public@example.com", "johnny@personal.example.org"]
    assert r["phones"] == ["+15555555555", "+15551234567"]
    assert r["org"] == "Example Corp., North Division, Marketing"
    assert r["categories"] == ["BUSINESS", "NETWORKING"]
    assert r["birthday"] == "1985-04-15"
    assert r["related"] == [("spouse", "urn:uuid:b8767877-b4a1-4c70-9acc-505d3819e519")]


@pytest.mark.corpus
def test_shift_jis_names_come_out_right():
    [r] = rows(load(corpus_file(f"{AOSP}/v30_japanese.vcf")))
    assert r["full_name"] == "伊能 圭一 伊予"
    assert (r["family_name"], r["given_name"]) == ("伊能", "圭一")
    [r2] = rows(load(corpus_file(f"{AOSP}/v21_japanese_2.vcf")))
    assert r2["full_name"] == "安藤 ロイド 1"
    assert r2["given_name"] == "ロイド1"


@pytest.mark.corpus
def test_gmail_related_names_take_their_labels():
    [r] = rows(load(corpus_file(f"{EZ}/gmail-single.vcf")))
    assert r["related"] == [("spouse", "MySpouse"), ("customrelationship", "MyCustom")]


@pytest.mark.corpus
def test_nested_cards_are_each_a_card():
    result = load(corpus_file(f"{AOSP}/v21_nest.vcf"))
    assert [x["full_name"] for x in rows(result)] == ["parent", "nest1", "nest2"]


@pytest.mark.corpus
def test_lotus_notes_profile_line_does_not_cost_the_card():
    [r] = rows(load(corpus_file(f"{EZ}/John_Doe_LOTUS_NOTES.vcf")))
    assert r["full_name"] == "Mr. Doe John I Johny"
    assert r["emails"] == ["john.doe@ibm.com", "billy_bob@gmail.com"]


# --- fixtures written for these tests -------------------------------------------------------


def test_bom_junk_lines_and_quoted_printable_soft_break():
    result = load(FIXTURES / "android_qp_bom.vcf", region="ES")
    [r] = rows(result)
    assert r["full_name"] == "José Muñoz García, hijo"
    assert (r["given_name"], r["family_name"]) == ("José", "Muñoz")
    assert r["phones"] == ["+34600000001", "+34910000002"]
    assert r["where"] == "card 1 (line 3)"
    assert r["source"] == "android_qp_bom.vcf (vCard 2.1)"
    assert any("line 1" in w and "outside" in w for w in result.report.warnings)


def test_apple_labels_yearless_birthdays_categories_and_related():
    result = load(FIXTURES / "apple_details.vcf")
    r = rows(result)
    assert result.report.label == "vCard (mixed versions)"
    assert r[0]["emails"] == ["jane.doe@example.com"]
    assert r[0]["org"] == "Acme, Inc., Research"
    assert r[0]["categories"] == ["Friends", "Family", "My Contacts", "starred"]
    assert r[0]["birthday"] == "--04-12"  # Apple's year 1604
    assert r[0]["related"] == [("mother", "Mary Doe"), ("climbing buddy", "Bob")]
    assert r[1]["birthday"] == "--04-12"  # vCard 4 --0412
    assert r[1]["related"] == [("friend", "Alex Smith")]
    assert r[2]["birthday"] == "--04-12"


def test_same_uid_twice_gives_two_contact_ids():
    source = SourceFile.from_path(str(FIXTURES / "apple_details.vcf"))
    result = import_file(source)
    ids = list(result.contacts["contact_id"])
    assert len(set(ids)) == 3
    assert ids[0] == stable_id(source.digest, 1)


def test_broken_photos_are_ignored_without_failing_the_card():
    result = load(FIXTURES / "broken_photo.vcf")
    rep = result.report
    assert (rep.read, rep.imported, rep.skipped) == (4, 4, [])
    names = [x["full_name"] for x in rows(result)]
    assert names == ["Broken Photo", "Data Uri", "Base64 Unindented", "Good Photo"]
    assert rows(result)[2]["phones"] == ["+15550102"]  # the TEL after the unindented base64
    assert rows(result)[3]["nickname"] == "Goody"  # the line after folded base64


def test_truncated_card_without_identity_is_skipped_and_good_cards_kept():
    result = load(FIXTURES / "truncated_nameless.vcf")
    rep = result.report
    assert [x["full_name"] for x in rows(result)] == ["Ada Lovelace", "Alan Turing"]
    assert rep.skipped == [Skipped("card 3 (line 11)", "card is truncated (no END:VCARD)")]
    assert rep.read == 3


def test_truncated_card_with_a_name_is_imported_with_a_warning():
    result = load(FIXTURES / "truncated_middle.vcf")
    assert [x["full_name"] for x in rows(result)] == ["Grace Hopper", "Edsger Dijkstra"]
    assert any(
        w.startswith("card 1 (line 1)") and "no END:VCARD" in w for w in result.report.warnings
    )


def test_unparseable_card_and_nameless_card_are_skipped_with_place_and_reason():
    result = load(FIXTURES / "bad_card.vcf")
    rep = result.report
    assert [x["full_name"] for x in rows(result)] == ["First Good", "Last Good"]
    assert rep.skipped == [
        Skipped("card 2 (line 6)", "could not parse line 11: VAGENT component wasn't closed"),
        Skipped("card 3 (line 12)", "card has no name, e-mail or phone"),
    ]
    assert rep.read == 4 == rep.imported + len(rep.skipped)
    assert rep.warnings == [
        "card 4 (line 16): skipped line 19 (cannot read 'this line is not a property')"
    ]


def test_vobject_log_lines_become_warnings_not_stderr(capsys, caplog):
    caplog.set_level(logging.DEBUG)
    result = load(FIXTURES / "bad_card.vcf")
    assert result.report.warnings  # the unreadable line is reported...
    assert "not a property" not in capsys.readouterr().err  # ...and not printed
    assert not [r for r in caplog.records if r.name.startswith("vobject")]
    assert logging.getLogger("vobject").propagate  # restored afterwards


def test_cp1252_file_keeps_accents_and_says_so():
    result = load(FIXTURES / "cp1252.vcf")
    assert [x["full_name"] for x in rows(result)] == ["José Müller", "Lucía Fernández"]
    assert rows(result)[0]["family_name"] == "Müller"
    assert any("read as cp1252" in n for n in result.report.notes)


def test_utf16_file_with_bom():
    result = load(FIXTURES / "utf16_bom.vcf")
    assert [x["full_name"] for x in rows(result)] == ["Åse Ødegård", "Zoë Brontë"]
    assert rows(result)[0]["emails"] == ["ase@example.no"]


def test_mixed_utf8_and_cp1252_cards_both_come_out_right():
    result = load(FIXTURES / "mixed_encodings.vcf")
    assert [x["full_name"] for x in rows(result)] == ["Renée Côté", "François Noël"]
    assert any("line(s) 8 read as cp1252" in n for n in result.report.notes)


def test_empty_file_is_refused_with_a_specific_message():
    result = import_file(SourceFile("empty.vcf", b""))
    assert result.report.error and "empty.vcf: the file is empty" in result.report.error
    assert result.contacts.empty


def test_binary_file_named_vcf_is_refused():
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    result = import_file(SourceFile("photo.vcf", data))
    assert result.report.error and "binary" in result.report.error
    assert result.contacts.empty


def test_text_without_begin_vcard_is_unusable():
    with pytest.raises(UnusableFileError, match="no BEGIN:VCARD"):
        vcard.parse(SourceFile("notes.vcf", b"FN:Somebody\r\nEND:VCARD\r\n"), ImportOptions())


def test_sniff_labels_versions_and_allows_junk_before_the_card():
    assert vcard.sniff("a.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n").label == (
        "vCard 3.0"
    )
    head = "\ufeffjunk\n\nBEGIN:VCARD\nVERSION:2.1\nEND:VCARD\nBEGIN:VCARD\nVERSION:4.0\n"
    det = vcard.sniff("b.vcf", head)
    assert (det.format, det.label, det.confidence) == ("vcard", "vCard (mixed versions)", 0.99)
    assert vcard.sniff("c.txt", "Name,E-mail\nAda,ada@example.org\n") is None
    assert vcard.sniff("d.json", '["vcard", [["version", {}, "text", "4.0"]]]') is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1980-03-22", "1980-03-22"),
        ("19800322", "1980-03-22"),
        ("--0412", "--04-12"),
        ("--04-12", "--04-12"),
        ("1604-04-12", "--04-12"),
        ("2009-10-10T00:00:00Z", "2009-10-10"),
        ("circa 1800", ""),
        ("1980-13-01", ""),
    ],
)
def test_birthday_forms(raw, expected):
    assert vcard._birthday(raw) == expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="closeknit forks on Linux only")
def test_parallel_path_gives_the_serial_result_in_order(monkeypatch):
    cards = []
    for i in range(45):
        cards.append(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nTEL:+1 415 555 {i:04d}\r\n"
            + ("NOTE:x\r\nBEGIN:BROKEN\r\n" if i % 9 == 4 else "")
            + "END:VCARD\r\n"
        )
    source = SourceFile("many.vcf", "".join(cards).encode())
    monkeypatch.setattr(vcard, "USE_FAST_PATH", False)  # every card through vobject
    serial = vcard.parse(source, ImportOptions())
    monkeypatch.setattr(vcard, "PARALLEL_MIN_CARDS", 10)
    monkeypatch.setattr(vcard, "CHUNK_CARDS", 7)
    parallel = vcard.parse(source, ImportOptions())
    assert parallel.contacts.equals(serial.contacts)
    assert parallel.report.skipped == serial.report.skipped
    assert len(serial.report.skipped) == 5
    assert parallel.report.notes == serial.report.notes == []


def _many_cards(n: int) -> SourceFile:
    """``n`` cards, some of which vobject reads (a nested BEGIN) and some it skips."""
    cards = []
    for i in range(n):
        odd = "NOTE:x\r\nBEGIN:BROKEN\r\n" if i % 9 == 4 else ""
        agent = "BEGIN:VAGENT\r\nFN:Agent\r\nEND:VAGENT\r\n" if i % 5 == 0 else ""
        cards.append(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nTEL:+1 415 555 {i:04d}\r\n"
            f"{agent}{odd}END:VCARD\r\n"
        )
    return SourceFile("many.vcf", "".join(cards).encode())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="closeknit forks on Linux only")
def test_a_file_of_many_cards_read_on_a_worker_process_equals_reading_it_here(monkeypatch):
    source = _many_cards(60)
    here = vcard.parse(source, ImportOptions())
    started = []
    real_start = sidework.start

    def counted(work, *args, **kwargs):
        pending = real_start(work, *args, **kwargs)
        started.append(pending._proc is not None)  # a worker process was started
        return pending

    monkeypatch.setattr(vcard, "WORKER_MIN_CARDS", 50)
    monkeypatch.setattr(sidework, "start", counted)
    on_worker = vcard.parse(source, ImportOptions())
    assert started == [True]
    assert on_worker.contacts.equals(here.contacts)
    assert on_worker.report == here.report
    assert len(here.report.skipped) == 7
    assert here.report.notes == []
    assert list(on_worker.contacts["full_name"])[:2] == ["Person 0", "Person 1"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="closeknit forks on Linux only")
def test_a_worker_process_that_ends_without_a_result_costs_time_not_the_file(monkeypatch):
    source = _many_cards(60)
    here = vcard.parse(source, ImportOptions())
    parent = os.getpid()
    real_here = vcard._begin_here

    def dies_on_the_worker(src, opts):
        if os.getpid() != parent:
            os._exit(3)  # as a worker killed by the system would
        return real_here(src, opts)

    monkeypatch.setattr(vcard, "WORKER_MIN_CARDS", 50)
    monkeypatch.setattr(vcard, "_begin_here", dies_on_the_worker)
    got = vcard.parse(source, ImportOptions())
    assert got.contacts.equals(here.contacts)
    assert got.report.skipped == here.report.skipped
    assert got.report.notes == ["read on one process (EOFError: the worker process ended)"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="closeknit forks on Linux only")
def test_a_file_that_fails_on_the_worker_is_read_again_here_and_fails_the_same_way(monkeypatch):
    def unusable(src, opts):
        raise UnusableFileError(src.name, "as a broken file would be")

    with monkeypatch.context() as m:
        m.setattr(vcard, "_begin_here", unusable)
        m.setattr(vcard, "WORKER_MIN_CARDS", 50)
        on_worker = import_file(_many_cards(60), ImportOptions())
        m.setattr(vcard, "WORKER_MIN_CARDS", 10**9)
        here = import_file(_many_cards(60), ImportOptions())
    assert "as a broken file would be" in (on_worker.report.error or "")
    assert on_worker.report == here.report and on_worker.contacts.empty
    parent, calls = os.getpid(), []
    real_here = vcard._begin_here

    def fails_on_the_worker(src, opts):
        calls.append(os.getpid())
        if os.getpid() != parent:
            raise MemoryError("as a worker might")
        return real_here(src, opts)

    monkeypatch.setattr(vcard, "WORKER_MIN_CARDS", 50)
    monkeypatch.setattr(vcard, "_begin_here", fails_on_the_worker)
    source = _many_cards(60)
    got = vcard.parse(source, ImportOptions())
    assert calls == [parent]  # the worker's call is not seen here; the parent read it again
    assert got.report.notes == []
    assert got.contacts.equals(vcard._begin_here(source, ImportOptions())().contacts)


def test_a_file_read_from_a_server_thread_stays_on_one_process(monkeypatch):
    import threading

    monkeypatch.setattr(vcard, "WORKER_MIN_CARDS", 50)

    def refuse(*args, **kwargs):
        raise AssertionError("forked from a worker thread")

    monkeypatch.setattr(sidework, "start", refuse)
    got = []
    thread = threading.Thread(
        target=lambda: got.append(vcard.parse(_many_cards(60), ImportOptions()))
    )
    thread.start()
    thread.join()
    assert len(got) == 1 and len(got[0].contacts) == 53


def test_vobject_stderr_handler_stays_silent_in_a_fresh_process():
    # vobject attaches its own stderr handler at import when logging is unconfigured, as in
    # a plain script; the importer must keep its skipped-line messages off stderr there too.
    code = (
        "from analysis.importers import import_file, SourceFile\n"
        f"r = import_file(SourceFile.from_path({str(FIXTURES / 'bad_card.vcf')!r}))\n"
        "assert r.report.warnings, r.report\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


# --- totality, limits and encodings ---------------------------------------------------------


def _vcf(*cards: str) -> SourceFile:
    body = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\n{c}END:VCARD\r\n" for c in cards)
    return SourceFile("contacts.vcf", body.encode("utf-8"))


@pytest.mark.parametrize("charset", ["undefined", "x-no-such-charset", "base64", "rot13"])
def test_an_unknown_charset_reads_the_value_instead_of_crashing(charset):
    data = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        f"FN;CHARSET={charset}:Ana Lim\xe1\r\n"
        f"N;CHARSET={charset};ENCODING=QUOTED-PRINTABLE:Lim=C3=A1;Ana\r\n"
        "TEL;CELL:+49 151 2345678\r\nEND:VCARD\r\n"
    ).encode("cp1252")
    result = import_file(SourceFile("legacy.vcf", data), ImportOptions(region="DE"))
    assert result.report.error is None
    assert rows(result)[0]["full_name"] == "Ana Limá"
    assert rows(result)[0]["family_name"] == "Limá"


def test_a_card_with_too_many_lines_is_skipped_with_its_place_and_the_limit():
    phones = "".join(f"TEL:+4930{i:07d}\r\n" for i in range(vcard.MAX_CARD_LINES + 5))
    result = import_file(
        _vcf("FN:Ana Lima\r\n", "FN:Ben Ode\r\n" + phones, "FN:Cleo\r\n"),
        ImportOptions(region="DE"),
    )
    rep = result.report
    assert [x["full_name"] for x in rows(result)] == ["Ana Lima", "Cleo"]
    assert rep.skipped == [Skipped("card 2 (line 5)", f"more than {vcard.MAX_CARD_LINES:,} lines")]
    assert rep.read == rep.imported + len(rep.skipped) == 3


def test_a_property_over_the_size_limit_skips_its_card_naming_the_line():
    huge = "x" * (vcard.MAX_PROPERTY_CHARS + 1)
    result = import_file(_vcf("FN:Ana Lima\r\n", f"FN:Ben\r\nORG:{huge}\r\n"))
    assert [x["full_name"] for x in rows(result)] == ["Ana Lima"]
    (skip,) = result.report.skipped
    assert skip.where == "card 2 (line 5)"
    assert skip.reason == f"line 8: a property longer than {vcard.MAX_PROPERTY_CHARS:,} characters"


def test_photos_do_not_count_against_the_card_limits():
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "QUJD" * 50_000 + "\r\n"
    folded = "PHOTO;ENCODING=b:\r\n" + " QUJDRA==\r\n" * (vcard.MAX_CARD_LINES * 2)
    result = import_file(_vcf("FN:Ana Lima\r\n" + photo + folded))
    assert [x["full_name"] for x in rows(result)] == ["Ana Lima"]


def test_a_thousand_phone_numbers_on_one_card_are_all_kept_in_order():
    phones = [f"+4930{i:07d}" for i in range(900)]
    body = "FN:Ana Lima\r\n" + "".join(f"TEL:{p}\r\n" for p in phones + phones[:10])
    (row,) = rows(import_file(_vcf(body), ImportOptions(region="DE")))
    assert row["phones"] == phones


@pytest.mark.parametrize(
    ("name", "encoding", "first", "org"),
    [
        ("ja_shift_jis.vcf", "cp932", "山田 太郎", "株式会社山田商事"),
        ("zh_gb18030.vcf", "gb18030", "张伟", "北京大学"),
    ],
)
def test_cjk_vcards_without_a_charset_are_decoded_by_detection(name, encoding, first, org):
    result = load(FIXTURES / name)
    assert result.report.encoding == encoding
    assert result.report.imported == 8
    assert rows(result)[0]["full_name"] == first
    assert rows(result)[0]["org"] == org
    assert any(f"read as {encoding}" in n for n in result.report.notes)


def test_the_report_names_the_encoding_used():
    assert load(FIXTURES / "cp1252.vcf").report.encoding == "cp1252"
    assert load(FIXTURES / "utf16_bom.vcf").report.encoding == "utf-16"
    assert load(FIXTURES / "mixed_encodings.vcf").report.encoding == "utf-8 + cp1252"
    assert load(FIXTURES / "apple_details.vcf").report.encoding == "utf-8"


# --- anniversaries ----------------------------------------------------------------------------


def test_anniversaries_of_every_exporter_are_read_with_the_birthday_date_rules():
    result = load(FIXTURES / "anniversaries.vcf")
    got = {r["full_name"]: r["anniversary"] for r in rows(result)}
    assert got == {
        "Ana Lima": "2012-06-16",  # vCard 4.0 ANNIVERSARY, YYYYMMDD
        "Ben Berg": "2005-08-20",  # 3.0 X-ANNIVERSARY
        "Carla Costa": "--09-05",  # Apple X-ABDATE labelled Anniversary, year 1604 = no year
        "Dora Dubois": "--07-04",  # vCard 4.0 yearless --MMDD
        "Emre Yilmaz": "1999-10-10",  # Evolution
        "Fatima Fischer": "2003-04-05",  # Android contact_event of type 1 (not the type 2 one)
        "Greta Hansen": "",
    }
    assert rows(result)[0]["birthday"] == "1986-11-27"
    assert result.report.warnings == [
        "card 7 (line 39): anniversary 'the summer we met' is not a date; ignored"
    ]
    assert result.report.imported == 7


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        (f"{PYVOBJECT}/vcard40_full.vcf", "2010-06-12"),
        (f"{EZ}/rfc6350-example.vcf", "2009-08-08"),  # 20090808T1430-0500: the day is kept
        (f"{EZ}/gmail-single.vcf", "1970-06-02"),  # item4.X-ABDATE + _$!<Anniversary>!$_
        (f"{EZ}/John_Doe_EVOLUTION.vcf", "1980-03-22"),
        (f"{EZ}/thunderbird-MoreFunctionsForAddressBook-extension.vcf", "1990-04-30"),
        (f"{EZ}/John_Doe_MS_OUTLOOK.vcf", "2011-01-13"),
        (f"{AOSP}/v21_x_android_custom_after_photo.vcf", "1999-07-10"),
    ],
)
def test_real_exports_give_their_anniversary(rel, expected):
    assert [r["anniversary"] for r in rows(load(corpus_file(rel)))][:1] == [expected]


def test_apple_dates_with_other_labels_are_not_anniversaries():
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Hugo Weber\r\n"
        "item1.X-ABDATE:2015-05-05\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n"
        "X-ABDATE:2016-06-06\r\n"  # no label at all
        "END:VCARD\r\n"
    )
    [r] = rows(import_file(SourceFile("hugo.vcf", card.encode())))
    assert r["anniversary"] == ""
