"""A newer export that appends to a log already stored: only its new rows are read, and the store
ends exactly as if the whole file had been read (reports, counts, records), or the whole file is
read when that could differ."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import pipeline
from analysis.importers import interactions_csv
from analysis.importers.base import ImportOptions, SourceFile
from analysis.store import Store

OPTS = ImportOptions(region="DE", timezone="Europe/Berlin")
HEADER = "timestamp,contact,channel,direction,duration_min,event_id,note\n"
PEOPLE = ["Ana Lima", "Ben Berg", "Cem Ak", "Dora Nagy", "Eli Roth"]
EARLIER_ROWS = interactions_csv.HEAD_ROWS + 500  # longer than the head read again


def iso_rows(start: int, n: int) -> str:
    base = pd.Timestamp("2024-01-01 08:00")
    return "".join(
        f"{base + pd.Timedelta(hours=7 * i):%Y-%m-%d %H:%M},{PEOPLE[i % 5]},"
        f"{('call', 'message', 'in_person')[i % 3]},outgoing,{i % 50},,\n"
        for i in range(start, start + n)
    )


def dm_rows(start: int, n: int) -> str:
    """Day-first dates (31/01/2024 tells the order) from row ``start`` on."""
    base = pd.Timestamp("2024-01-01 08:00")
    return "".join(
        f"{base + pd.Timedelta(hours=7 * i):%d/%m/%Y %H:%M},{PEOPLE[i % 5]},call,outgoing,5,,\n"
        for i in range(start, start + n)
    )


def _state(store: Store) -> dict:
    files = store.files().drop(columns=["imported_at"]).to_dict("records")
    inter = store.interactions().sort_values(["timestamp", "who"], kind="stable")
    return {
        "files": files,
        "reports": [r.to_dict() for r in store.reports()],
        "interactions": inter.reset_index(drop=True),
    }


def _both_ways(tmp_path, first: list[tuple[str, str]], newer: tuple[str, str], spy):
    """Store ``first`` then ``newer`` twice: as closeknit does, and with the whole newer file
    read; returns (outcome, state) of each and how many times the new rows were read alone."""
    results = []
    for whole in (False, True):
        with Store(tmp_path / f"store-{whole}.sqlite3") as store:
            for name, text in first:
                store.add_file(SourceFile(name, text.encode()), OPTS)
            spy.used = 0
            if whole:
                spy.off = True
            out = store.add_file(SourceFile(newer[0], newer[1].encode()), OPTS)
            spy.off = False
            results.append((out, _state(store), spy.used))
    return results


class _Spy:
    def __init__(self) -> None:
        self.used = 0
        self.off = False


@pytest.fixture
def spy(monkeypatch):
    """Counts the newer exports read for their new rows alone; ``off`` reads them whole."""
    s = _Spy()
    real = Store.read_appended

    def wrapped(self, source, options):
        got = None if s.off else real(self, source, options)
        s.used += got is not None
        return got

    monkeypatch.setattr(Store, "read_appended", wrapped)
    return s


def _same(fast, whole) -> None:
    (out_a, state_a, _), (out_b, state_b, _) = fast, whole
    assert out_a.report.to_dict() == out_b.report.to_dict()
    assert (out_a.interactions_added, out_a.duplicates_skipped) == (
        out_b.interactions_added,
        out_b.duplicates_skipped,
    )
    assert state_a["files"] == state_b["files"]
    assert state_a["reports"] == state_b["reports"]
    pd.testing.assert_frame_equal(state_a["interactions"], state_b["interactions"])


def test_a_longer_export_of_a_log_reads_only_its_new_rows_and_counts_like_the_whole(tmp_path, spy):
    earlier = HEADER + iso_rows(0, EARLIER_ROWS)
    newer = earlier + iso_rows(EARLIER_ROWS, 300)
    fast, whole = _both_ways(tmp_path, [("log.csv", earlier)], ("log-dec.csv", newer), spy)
    assert fast[2] == 1  # read for its new rows only
    _same(fast, whole)
    report = fast[0].report
    assert report.read == report.imported == EARLIER_ROWS + 300
    assert report.already_known == {"log.csv": EARLIER_ROWS}
    assert fast[0].interactions_added == 300


def test_new_rows_that_repeat_earlier_ones_are_known_not_added(tmp_path, spy):
    earlier = HEADER + iso_rows(0, EARLIER_ROWS)
    newer = earlier + iso_rows(10, 5) + iso_rows(EARLIER_ROWS, 20)  # 5 repeated, 20 new
    fast, whole = _both_ways(tmp_path, [("log.csv", earlier)], ("log2.csv", newer), spy)
    assert fast[2] == 1
    _same(fast, whole)
    assert fast[0].interactions_added == 20
    assert fast[0].report.already_known == {"log.csv": EARLIER_ROWS + 5}


def test_day_first_dates_told_early_keep_their_order_in_the_new_rows(tmp_path, spy):
    earlier = HEADER + dm_rows(0, EARLIER_ROWS)
    newer = earlier + dm_rows(EARLIER_ROWS, 40)
    fast, whole = _both_ways(tmp_path, [("log.csv", earlier)], ("log2.csv", newer), spy)
    assert fast[2] == 1
    _same(fast, whole)
    assert any("day-first" in n for n in fast[0].report.notes)


@pytest.mark.parametrize(
    "appended",
    [
        # a row whose date does not read: skipped with its row number in the whole file
        "not a date,Ana Lima,call,outgoing,5,,\n",
        # a channel never seen before: a warning counting rows over the whole file
        "2030-01-01 10:00,Ana Lima,carrier pigeon,outgoing,5,,\n",
        # month-first dates where the earlier rows were day-first
        "01/13/2031 10:00,Ana Lima,call,outgoing,5,,\n",
    ],
    ids=["bad-date", "new-channel", "other-date-order"],
)
def test_new_rows_the_earlier_reading_cannot_vouch_for_read_the_whole_file(tmp_path, spy, appended):
    rows = dm_rows if "/" in appended else iso_rows
    earlier = HEADER + rows(0, EARLIER_ROWS)
    newer = earlier + rows(EARLIER_ROWS, 10) + appended
    fast, whole = _both_ways(tmp_path, [("log.csv", earlier)], ("log2.csv", newer), spy)
    assert fast[2] == 0
    _same(fast, whole)


def test_a_new_note_spanning_lines_reads_as_in_the_whole_file(tmp_path, spy):
    earlier = HEADER + iso_rows(0, EARLIER_ROWS)
    newer = (
        earlier
        + '2030-01-02 10:00,Ana Lima,call,outgoing,5,,"line one\nline two"\n'
        + iso_rows(EARLIER_ROWS, 10)
    )
    fast, whole = _both_ways(tmp_path, [("log.csv", earlier)], ("log2.csv", newer), spy)
    _same(fast, whole)
    assert fast[0].interactions_added == 11


def test_an_earlier_file_partly_known_from_another_is_not_extended(tmp_path, spy):
    other = HEADER + iso_rows(0, 50)  # its rows come first: the log's first 50 are known
    earlier = HEADER + iso_rows(0, EARLIER_ROWS)
    newer = earlier + iso_rows(EARLIER_ROWS, 30)
    fast, whole = _both_ways(
        tmp_path, [("other.csv", other), ("log.csv", earlier)], ("log2.csv", newer), spy
    )
    assert fast[2] == 0
    _same(fast, whole)


def test_a_file_read_with_other_options_or_not_extending_is_read_whole(tmp_path, spy):
    earlier = HEADER + iso_rows(0, EARLIER_ROWS)
    with Store(tmp_path / "s.sqlite3") as store:
        store.add_file(SourceFile("log.csv", earlier.encode()), OPTS)
        changed = earlier.replace("Ana Lima", "Ana L.", 1) + iso_rows(EARLIER_ROWS, 10)
        store.add_file(SourceFile("edited.csv", changed.encode()), OPTS)
        assert spy.used == 0  # an edited earlier row: not the same bytes
        other_zone = ImportOptions(region="DE", timezone="UTC")
        newer = earlier + iso_rows(EARLIER_ROWS, 10)
        store.add_file(SourceFile("utc.csv", newer.encode()), other_zone)
        assert spy.used == 0


def test_an_earlier_file_without_a_final_line_break_is_not_extended(tmp_path, spy):
    earlier = HEADER + iso_rows(0, EARLIER_ROWS).rstrip("\n")
    newer = earlier + ",extra note\n" + iso_rows(EARLIER_ROWS, 10)
    fast, whole = _both_ways(tmp_path, [("log.csv", earlier)], ("log2.csv", newer), spy)
    assert fast[2] == 0
    _same(fast, whole)


def test_import_files_reads_a_newer_export_for_its_new_rows(tmp_path, spy):
    earlier = HEADER + iso_rows(0, EARLIER_ROWS)
    newer = earlier + iso_rows(EARLIER_ROWS, 25)
    with Store(tmp_path / "s.sqlite3") as store:
        pipeline.import_files(store, [SourceFile("log.csv", earlier.encode())], OPTS)
        (out,) = pipeline.import_files(store, [SourceFile("log2.csv", newer.encode())], OPTS)
        assert spy.used == 1
        assert out.interactions_added == 25
        assert out.report.already_known == {"log.csv": EARLIER_ROWS}
        assert len(store.interactions()) == EARLIER_ROWS + 25


def _given(store: Store) -> dict[str, bytes]:
    return {s.name: s.data for s in store.sources()}


def test_a_newer_export_is_kept_as_what_it_appends_and_given_back_whole(tmp_path, spy):
    first = HEADER + iso_rows(0, EARLIER_ROWS)
    second = first + iso_rows(EARLIER_ROWS, 40)
    third = second + iso_rows(EARLIER_ROWS + 40, 40)
    with Store(tmp_path / "s.sqlite3") as store:
        for name, text in (("jan.csv", first), ("feb.csv", second), ("mar.csv", third)):
            store.add_file(SourceFile(name, text.encode()), OPTS)
        assert spy.used == 2
        kept = dict(store.conn.execute("SELECT digest, length(data) FROM file_data").fetchall())
        assert sorted(kept.values()) == sorted(
            [len(first), len(second) - len(first), len(third) - len(second)]
        )  # the store holds each byte once
        assert _given(store) == {
            "jan.csv": first.encode(), "feb.csv": second.encode(), "mar.csv": third.encode()
        }  # fmt: skip
        digest = SourceFile("feb.csv", second.encode()).digest
        assert store.remove_file(digest)  # the middle of the chain goes
        assert _given(store) == {"jan.csv": first.encode(), "mar.csv": third.encode()}
        first_digest = SourceFile("jan.csv", first.encode()).digest
        assert store.remove_file(first_digest)
        assert _given(store) == {"mar.csv": third.encode()}
        (row,) = store.conn.execute("SELECT COUNT(*) FROM file_prefix").fetchall()
        assert row == (0,)


def test_reading_the_earlier_file_again_keeps_the_newer_one_whole(tmp_path, spy):
    first = HEADER + iso_rows(0, EARLIER_ROWS)
    second = first + iso_rows(EARLIER_ROWS, 40)
    with Store(tmp_path / "s.sqlite3") as store:
        store.add_file(SourceFile("jan.csv", first.encode()), OPTS)
        store.add_file(SourceFile("feb.csv", second.encode()), OPTS)
        assert spy.used == 1
        utc = ImportOptions(region="DE", timezone="UTC")
        jan = SourceFile("jan.csv", first.encode()).digest
        outcomes = store.reread(lambda s: utc if s.digest == jan else OPTS)
        assert [o.file for o in outcomes] == ["jan.csv"]
        assert _given(store)["feb.csv"] == second.encode()


def test_a_third_export_extends_the_second_and_counts_like_the_whole(tmp_path, spy):
    first = HEADER + iso_rows(0, EARLIER_ROWS)
    second = first + iso_rows(EARLIER_ROWS, 40)
    third = second + iso_rows(5, 3) + iso_rows(EARLIER_ROWS + 40, 40)  # 3 rows seen in jan
    fast, whole = _both_ways(
        tmp_path, [("jan.csv", first), ("feb.csv", second)], ("mar.csv", third), spy
    )
    assert fast[2] == 1
    _same(fast, whole)
    assert fast[0].report.already_known == {"jan.csv": EARLIER_ROWS + 3, "feb.csv": 40}
