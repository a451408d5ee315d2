"""The vCard importer's two paths agree: the fast path (plain content lines read without
vobject's objects) and vobject give the same contacts frame and the same report for every
vCard in the shared corpus, the fixtures and the sample persona, and for generated cards.

Each comparison parses the file twice: once as closeknit does (fast path, vobject only for the
cards that need it) and once with ``USE_FAST_PATH`` off (every card through vobject).
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vobject.icalendar import stringToTextValues

from analysis.importers import vcard
from analysis.importers.base import ImportOptions, SourceFile
from tests.importers.test_fuzz_files import vcard_files

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / ".." / "shared" / "corpus"
CORPUS_FILES = sorted(CORPUS.rglob("*.vcf")) if CORPUS.is_dir() else []
OWN_FILES = sorted((ROOT / "tests" / "fixtures" / "vcard").rglob("*.vcf")) + sorted(
    (ROOT / "data" / "samples").glob("*.vcf")
)
OPTIONS = ImportOptions(region="DE")
PATHS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def both_paths(source: SourceFile, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """(fast-path result, vobject-only result) of one file, or the two errors it raised."""
    outcomes = []
    for fast in (True, False):
        monkeypatch.setattr(vcard, "USE_FAST_PATH", fast)
        try:
            outcomes.append(vcard.parse(source, OPTIONS))
        except Exception as exc:  # noqa: BLE001 - both paths must raise the same
            outcomes.append(exc)
    return tuple(outcomes)


def assert_same(fast, slow) -> None:
    """The same frame (values, dtypes, order) and the same report, or the same error."""
    if isinstance(slow, Exception) or isinstance(fast, Exception):
        assert type(fast) is type(slow) and str(fast) == str(slow)
        return
    pd.testing.assert_frame_equal(fast.contacts, slow.contacts)
    assert fast.report == slow.report


def fast_share(source: SourceFile) -> tuple[int, int]:
    """(cards the fast path reads, cards) of a file."""
    text, encoding, legacy, _ = vcard._file_text(source)
    cards, _ = vcard._split_cards(text)
    read = sum(
        vcard._fast_card(c, legacy or encoding, "DE", source.digest, "x") is not None for c in cards
    )
    return read, len(cards)


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS_FILES, reason="shared corpus absent")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_every_corpus_vcard_reads_the_same_on_both_paths(path: Path, monkeypatch):
    assert_same(*both_paths(SourceFile.from_path(str(path)), monkeypatch))


@pytest.mark.parametrize("path", OWN_FILES, ids=lambda p: p.name)
def test_every_fixture_and_sample_vcard_reads_the_same_on_both_paths(path: Path, monkeypatch):
    assert_same(*both_paths(SourceFile.from_path(str(path)), monkeypatch))


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS_FILES, reason="shared corpus absent")
def test_the_fast_path_reads_nearly_every_real_card():
    # Without this the comparisons above could pass with a fast path that gives up on
    # everything. The cards it leaves to vobject are broken or odd on purpose (a value ending
    # in a backslash, a comment line, a nested vAgent).
    shares = [fast_share(SourceFile.from_path(str(p))) for p in CORPUS_FILES]
    read, total = sum(r for r, _ in shares), sum(t for _, t in shares)
    assert total >= 70
    assert read >= 0.95 * total


def test_the_fast_path_reads_the_sample_persona_and_the_plain_fixtures():
    for path in OWN_FILES:
        if path.parent.name == "regressions" or path.name == "bad_card.vcf":
            continue
        read, total = fast_share(SourceFile.from_path(str(path)))
        assert read == total, path.name


@PATHS
@given(vcard_files())
def test_generated_vcards_read_the_same_on_both_paths(data):
    with pytest.MonkeyPatch.context() as mp:
        assert_same(*both_paths(SourceFile("gen.vcf", data), mp))


# --- values and parameters with every escape, quote and group -------------------------------

_PIECES = ["a", "Zoë", " ", ",", ";", "\\,", "\\;", "\\n", "\\N", "\\\\", '\\"', "\\x", '"', ":"]
_PROPS = ["FN", "N", "ORG", "NICKNAME", "TITLE", "EMAIL", "TEL", "CATEGORIES", "BDAY",
          "ANNIVERSARY", "X-ABDATE", "X-ABLabel", "X-ABRELATEDNAMES", "RELATED",
          "X-ANDROID-CUSTOM", "X-EVOLUTION-ANNIVERSARY", "X_MS_ANNIVERSARY", "item1.TEL",
          "item1.X-ABLabel", "item2.X-ABDATE", "ITEM2.x-ablabel", "VERSION"]  # fmt: skip
_PARAMS = ["", ";TYPE=CELL", ";TYPE=home,work", ";type=pref;type=VOICE", ';TYPE="home,work"',
           ';X="a:b"', ";TYPE=", ";PREF", ";TYPE=a,,b", ";CHARSET=UTF-8", ";VALUE=date",
           ";;TYPE=x", ";LABEL=a b"]  # fmt: skip


@st.composite
def escaped_cards(draw) -> bytes:
    """Cards whose values mix separators, escapes and quotes, under every property closeknit
    reads, with simple and quoted parameters and Apple groups."""
    cards = []
    for _ in range(draw(st.integers(1, 3))):
        lines = ["BEGIN:VCARD", f"VERSION:{draw(st.sampled_from(['2.1', '3.0', '4.0']))}"]
        for _ in range(draw(st.integers(1, 8))):
            value = "".join(draw(st.lists(st.sampled_from(_PIECES), max_size=8)))
            if draw(st.booleans()):
                value = draw(st.sampled_from(["1980-03-22", "--0412", "_$!<Anniversary>!$_"]))
            prop = draw(st.sampled_from(_PROPS))
            lines.append(f"{prop}{draw(st.sampled_from(_PARAMS))}:{value}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    return ("\r\n".join(cards) + "\r\n").encode()


@PATHS
@given(escaped_cards())
def test_escapes_quotes_and_groups_read_the_same_on_both_paths(data):
    with pytest.MonkeyPatch.context() as mp:
        assert_same(*both_paths(SourceFile("escaped.vcf", data), mp))


def test_vobjects_readings_of_plain_lines_are_kept_on_the_fast_path(monkeypatch):
    # What vobject makes of these lines, quirks included, is what closeknit has always stored:
    # the fast path must not "fix" any of it (one truth across versions).
    card = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\n"
        b"NICKNAME:Bob,Bobby\r\n"  # a text property keeps its first comma value
        b"FN:Doe\\, John\r\n"
        b"N:Doe,Smith;John;;Dr.;\r\n"  # a field with two values
        b"ORG:Acme\\, Inc.;Research\\;Dev\r\n"
        b"CATEGORIES:a\\,b,c\r\n"
        b"X-ANDROID-CUSTOM:vnd.android.cursor.item/relation;Ann, Jr;14\r\n"
        b"item1.X-ABRELATEDNAMES:Mary\r\nitem1.X-ABLabel:_$!<Mother>!$_\r\n"
        b"RELATED;TYPE=friend,colleague:Alex\r\n"
        b"END:VCARD\r\n"
    )
    fast, slow = both_paths(SourceFile("quirks.vcf", card), monkeypatch)
    assert_same(fast, slow)
    assert fast_share(SourceFile("quirks.vcf", card)) == (1, 1)
    [r] = fast.contacts.to_dict("records")
    assert (r["nickname"], r["full_name"]) == ("Bob", "Doe, John")
    assert (r["given_name"], r["family_name"]) == ("John", "Doe Smith")
    assert r["org"] == "Acme, Inc., Research;Dev"
    assert r["categories"] == ["a", "b", "c"]
    # grouped by property in the order each first appears; the Android line keeps only its text
    # before the comma, so its type code (14, spouse) is lost
    assert r["related"] == [("related", "Ann"), ("friend,colleague", "Alex"), ("mother", "Mary")]


@PATHS
@given(
    st.sampled_from(["", "item1.", "a_b."]),
    st.sampled_from(["TEL", "X_ABLABEL", "fn"]),
    st.lists(st.sampled_from(_PARAMS[1:] + [";A=b=c", ";A=b c", ";A-B=", ";X=\u00e9"]), max_size=3),
    st.text(max_size=10),
)
def test_simple_headers_split_as_vobject_splits_them(group, name, params, value):
    line = f"{group}{name}{''.join(params)}:{value}"
    header = line[: line.index(":")]
    head = vcard._simple_head.__wrapped__(header)
    if '"' in header or head is False:
        return  # read by vobject's own parseLine
    vname, vparams, vvalue, vgroup = vobject.base.parseLine(line)
    expected = vcard._head(vgroup, vname, vparams)
    assert head == expected
    assert line[line.index(":") + 1 :] == vvalue


def test_text_values_follow_vobject_escapes():
    for text in ["a,b", "a,", ",", "", "a,,", "a\\,b,c", "x\\ny\\Nz", 'q\\"r', "s\\xt", "\\\\,"]:
        assert vcard._text_values(text) == stringToTextValues(text)
    for text in ["a;b", "a\\;b;c\\,d", "a;", "a\\nb;"]:
        assert vcard._text_values(text, ";", ";") == stringToTextValues(text, ";", ";")
    with pytest.raises(vcard._NeedsVobject):
        vcard._text_values("ends in a backslash\\")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="closeknit forks on Linux only")
def test_cards_left_to_vobject_are_parsed_in_parallel_in_card_order(monkeypatch):
    # Most cards take the fast path; every third needs vobject (a nested BEGIN); those are
    # parsed on worker processes and their results slotted back in card order.
    cards = []
    for i in range(60):
        odd = "NOTE:x\r\nBEGIN:BROKEN\r\n" if i % 7 == 4 else ""
        nested = "BEGIN:VAGENT\r\nFN:Agent\r\nEND:VAGENT\r\n" if i % 3 == 0 else ""
        cards.append(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nTEL:+49 30 1234 {i:04d}\r\n"
            f"{nested}{odd}END:VCARD\r\n"
        )
    source = SourceFile("mixed.vcf", "".join(cards).encode())
    serial = vcard.parse(source, OPTIONS)
    pools = []

    class CountedPool(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(vcard, "PARALLEL_MIN_CARDS", 10)
    monkeypatch.setattr(vcard, "CHUNK_CARDS", 4)
    monkeypatch.setattr(vcard, "ProcessPoolExecutor", CountedPool)
    parallel = vcard.parse(source, OPTIONS)
    assert len(pools) == 1  # the 26 cards that need vobject went to worker processes
    pd.testing.assert_frame_equal(parallel.contacts, serial.contacts)
    assert parallel.report == serial.report
    assert parallel.report.notes == []
    assert list(parallel.contacts["full_name"])[:3] == ["Person 0", "Person 1", "Person 2"]
    assert len(serial.report.skipped) == 8
