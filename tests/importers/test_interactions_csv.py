"""Interaction log CSVs: canonical and alternative columns, date orders, vocabularies, bad rows."""

from pathlib import Path

import pandas as pd
import pytest

from analysis.dates import OUT_OF_RANGE_REASON
from analysis.errors import UnusableFileError
from analysis.importers import detect, head_text, import_file, interactions_csv
from analysis.importers.base import ImportOptions, SourceFile
from analysis.model import INTERACTION_COLUMNS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "csv"


def load(name: str) -> SourceFile:
    return SourceFile.from_path(str(FIXTURES / name))


def read(src: SourceFile | str, **options):
    src = load(src) if isinstance(src, str) else src
    result = import_file(src, ImportOptions(**options))
    rep = result.report
    assert rep.error is None, rep.error
    assert rep.read == rep.imported + len(rep.skipped)
    assert list(result.interactions.columns) == list(INTERACTION_COLUMNS)
    assert len(result.interactions) == rep.imported
    return result


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_canonical_columns_read_exactly():
    result = read("interactions_canonical.csv", timezone="Europe/Madrid")
    df = result.interactions
    assert result.report.label == "Interaction log CSV"
    assert list(df.who) == [
        "Maria Fernández",
        "+1 415-555-0102",
        "tom.oneill@example.net",
        "Anna Kowalska",
        "Kenji Watanabe",
        "Sam Lee",
    ]
    assert list(df.channel) == ["in_person", "call", "email", "in_person", "in_person", "video"]
    assert list(df["mode"]) == ["offline", "online", "online", "offline", "offline", "online"]
    assert list(df.direction) == [
        "outgoing",
        "incoming",
        "outgoing",
        "mutual",
        "mutual",
        "outgoing",
    ]
    # naive times are Madrid time (UTC+1 in March); an explicit offset is kept
    assert df.timestamp.iloc[0] == utc("2024-03-01 07:30")
    assert df.timestamp.iloc[1] == utc("2024-03-02 18:05")
    assert df.timestamp.iloc[2] == utc("2024-03-03 20:10")
    assert df.duration_min.iloc[1] == 12.5 and pd.isna(df.duration_min.iloc[2])
    assert list(df.event_id) == ["", "", "", "team-lunch-0305", "team-lunch-0305", ""]
    assert df.note.iloc[5] == 'said "hi", all well'
    assert set(df.source) == {"interactions_canonical.csv (Interaction log CSV)"}


def test_semicolon_split_date_time_and_day_first_detected_from_31_01():
    result = read("interactions_semicolon_dayfirst.csv")
    df = result.interactions
    assert list(df.timestamp) == [
        utc("2024-02-05 09:15"),
        utc("2024-01-31 18:30"),
        utc("2024-02-12 20:00"),
    ]
    assert list(df.channel) == ["in_person", "message", "video"]
    assert list(df.direction) == ["outgoing", "incoming", "mutual"]
    assert df.duration_min.iloc[0] == 90 and pd.isna(df.duration_min.iloc[1])
    assert result.report.notes == ["dates read as day-first: '31/01/2024' on row 3"]
    assert result.report.warnings == []


def test_tab_log_with_when_who_via_incoming_and_seconds():
    df = read("interactions_tab.tsv").interactions
    assert list(df.who) == ["Priya Sharma", "+44 7700 900123", "arjun@example.com"]
    assert list(df.channel) == ["video", "call", "message"]
    # an "Incoming" column of yes/no
    assert list(df.direction) == ["outgoing", "incoming", "incoming"]
    assert df.duration_min.iloc[0] == 30.0  # 1800 seconds
    assert df.timestamp.iloc[0] == utc("2024-04-01 10:00")


def test_all_ambiguous_dates_are_read_month_first_with_a_warning():
    result = read("interactions_ambiguous.csv")
    assert result.interactions.timestamp.iloc[0] == utc("2024-03-04")
    (warning,) = result.report.warnings
    assert "'03/04/2024'" in warning and "month-first" in warning
    assert "ImportOptions(dayfirst=True)" in warning


def test_ambiguous_dates_follow_the_dayfirst_option_without_warning():
    result = read("interactions_ambiguous.csv", dayfirst=True)
    assert result.interactions.timestamp.iloc[0] == utc("2024-04-03")
    assert result.report.warnings == []
    assert any("day-first" in n for n in result.report.notes)


def test_unparseable_dates_are_skipped_with_row_numbers_and_good_rows_stay():
    result = read("interactions_bad_dates.csv")
    assert list(result.interactions.who) == ["Sam Lee", "Riya Patel", "Tom O'Neill"]
    assert [(s.where, s.reason) for s in result.report.skipped] == [
        ("row 3", "date 'yesterday' could not be read"),
        ("row 5", "date '2024-13-45 25:00' could not be read"),
        ("row 6", "no date"),
        ("row 7", "no contact (the who-column is empty)"),
    ]
    assert (result.report.read, result.report.imported) == (7, 3)  # the blank line is no row


def test_unknown_channels_count_as_other_with_a_warning():
    result = read("interactions_unknown_channels.csv")
    assert list(result.interactions.channel) == ["other"] * 3 + ["in_person"] + ["other"] * 2
    assert result.report.imported == 6
    assert "channel 'Carrier pigeon' not recognised on 2 rows: counted as 'other'" in (
        result.report.warnings
    )
    assert "channel 'Smoke signal' not recognised on 1 row: counted as 'other'" in (
        result.report.warnings
    )


def test_phone_call_log_with_epoch_ms_type_directions_and_durations():
    result = read("interactions_calllog.csv", timezone="Europe/Berlin")
    df = result.interactions
    # the Name column wins, the Number stands in where the name is empty
    assert list(df.who) == ["Tom O'Neill", "+14155550101", "Riya Patel"]
    assert list(df.channel) == ["call"] * 3
    assert list(df.direction) == ["outgoing", "incoming", "incoming"]
    # Unix time is absolute: the user's time zone does not shift it
    assert df.timestamp.iloc[0] == utc("2024-05-01 10:00")
    assert df.duration_min.round(3).tolist() == [5.5, 0.0, 12.083]


def test_mixed_encodings_keep_accents_and_say_which_lines():
    result = read("interactions_mixed_encoding.csv")
    assert list(result.interactions.who) == ["José Müller", "François Lefèvre", "Zoë Brontë"]
    (warning,) = result.report.warnings
    assert "lines 3" in warning and "Windows-1252" in warning


def test_missing_channel_column_gives_other_with_a_note():
    src = SourceFile("log.csv", b"date,who\n2024-01-02,Sam Lee\n")
    result = read(src)
    assert list(result.interactions.channel) == ["other"]
    assert any("no channel column" in n for n in result.report.notes)


@pytest.mark.parametrize(
    "rows, where",
    [
        # a long row in the middle
        (
            b"2024-01-02 10:00,Sam Lee,Call\n2024-01-03 10:00,Riya,Call,extra,fields\n"
            b"2024-01-04 10:00,Tom,SMS\n",
            "row 3",
        ),
        # a long first row: skipped like any long row, not cut short
        (
            b"2024-01-03 10:00,Riya,Call,extra,fields\n2024-01-02 10:00,Sam Lee,Call\n"
            b"2024-01-04 10:00,Tom,SMS\n",
            "row 2",
        ),
    ],
)
def test_ragged_rows_cost_one_row_each(rows, where):
    src = SourceFile("log.csv", b"timestamp,contact,channel\n" + rows)
    result = read(src)
    assert list(result.interactions.who) == ["Sam Lee", "Tom"]
    assert [(s.where, s.reason) for s in result.report.skipped] == [
        (where, "5 fields where the header has 3")
    ]


def test_digit_only_who_values_keep_their_leading_zero():
    src = SourceFile("log.csv", b"date,number\n2024-01-02,07700900123\n2024-01-03,07700900124\n")
    assert list(read(src).interactions.who) == ["07700900123", "07700900124"]


def test_column_map_makes_an_odd_log_importable():
    src = load("odd_columns.csv")
    assert detect_fails(src)
    opts = ImportOptions(
        timezone="Europe/Stockholm",
        column_map=(("timestamp", "Wann"), ("contact", "Mit wem"), ("channel", "Wie")),
    )
    result = interactions_csv.parse(src, opts)
    df = result.interactions
    assert list(df.who) == ["Lena Berg", "Lena Berg"]
    assert df.timestamp.iloc[0] == utc("2024-07-01 17:00")
    # German words are not in the vocabulary: reported, not dropped
    assert list(df.channel) == ["other", "other"]
    assert len(result.report.warnings) == 2


def test_contacts_parser_hands_a_mapped_log_to_the_log_parser():
    from analysis.importers import contacts_csv

    opts = ImportOptions(column_map=(("timestamp", "Wann"), ("contact", "Mit wem")))
    result = contacts_csv.parse(load("odd_columns.csv"), opts)
    assert len(result.interactions) == 2 and result.contacts.empty


def detect_fails(src: SourceFile) -> bool:
    try:
        detect(src)
    except Exception as exc:  # noqa: BLE001
        return "closeknit reads" in str(exc)
    return False


def test_a_log_without_a_contact_column_is_unusable_naming_the_columns():
    src = SourceFile("log.csv", b"timestamp,channel,colour\n2024-01-02 10:00,Call,red\n")
    with pytest.raises(UnusableFileError, match="contact column"):
        interactions_csv.parse(src, ImportOptions())


def test_a_log_wins_over_a_contact_list_when_it_has_a_date_column():
    src = SourceFile("log.csv", b"Date,Name,Email,Type\n2024-01-02,Sam Lee,sam@example.com,Call\n")
    assert detect(src).format == "interactions_csv"
    head = head_text(src.data)
    assert interactions_csv.sniff(src.name, head).confidence > 0.6


def test_unknown_time_zone_is_a_clear_error():
    result = import_file(load("interactions_canonical.csv"), ImportOptions(timezone="Mars/Olympus"))
    assert "Mars/Olympus" in result.report.error


@pytest.mark.parametrize(
    ("value", "direction"),
    [
        ("incoming", "incoming"),
        ("Outgoing", "outgoing"),
        ("in", "incoming"),
        ("OUT", "outgoing"),
        ("sent", "outgoing"),
        ("received", "incoming"),
        ("I", "incoming"),
        ("O", "outgoing"),
        ("both", "mutual"),
        ("together", "mutual"),
        ("missed", "incoming"),
        ("", "unknown"),
    ],
)
def test_direction_words(value, direction):
    src = SourceFile("log.csv", f"date,who,direction\n2024-01-02,Sam,{value}\n".encode())
    assert list(read(src).interactions.direction) == [direction]


def test_an_unknown_direction_is_counted_as_unknown_with_a_warning():
    src = SourceFile(
        "log.csv", b"date,who,direction\n2024-01-02,Sam,sideways\n2024-01-03,Sam,out\n"
    )
    result = read(src)
    assert list(result.interactions.direction) == ["unknown", "outgoing"]
    assert result.report.warnings == [
        "direction 'sideways' not recognised on 1 row: counted as 'unknown'"
    ]


def test_channel_values_that_name_a_direction_give_it():
    src = SourceFile(
        "calls.csv",
        b"Date,Contact,Type\n2024-01-02 10:00,Sam,Incoming call\n"
        b"2024-01-03 10:00,Sam,Missed call\n2024-01-04 10:00,Sam,Outgoing\n",
    )
    result = read(src)
    assert list(result.interactions.channel) == ["call", "call", "call"]
    assert list(result.interactions.direction) == ["incoming", "incoming", "outgoing"]
    assert result.report.warnings == []


def test_a_lone_time_column_holding_whole_moments():
    src = SourceFile("log.csv", b"Time,Person,Kind\n2024-02-03 04:05,Sam,Lunch\n")
    df = read(src).interactions
    assert df.timestamp.iloc[0] == utc("2024-02-03 04:05")
    assert list(df.channel) == ["in_person"]


def test_dates_in_both_orders_warn_and_skip_the_minority():
    src = SourceFile(
        "log.csv",
        b"date,who\n31/01/2024,Sam\n25/02/2024,Sam\n01/13/2024,Riya\n",
    )
    result = read(src)
    assert list(result.interactions.who) == ["Sam", "Sam"]
    (warning,) = result.report.warnings
    assert "'31/01/2024' (row 2) is day-first" in warning and "'01/13/2024' (row 4)" in warning
    assert [(s.where, s.reason) for s in result.report.skipped] == [
        ("row 4", "date '01/13/2024' could not be read")
    ]


@pytest.mark.parametrize(
    "head",
    ["", "\x00\x01garbage", "a", '"unclosed,quote\n1,2', "x;y\n" * 50, "Notes:\n\n\n"],
)
def test_sniff_never_raises_and_refuses_non_logs(head):
    assert interactions_csv.sniff("x.csv", head) is None


# --- long fields, broken quotes, far dates, encodings ----------------------------------------


def test_a_long_note_in_a_ragged_log_is_read_not_a_crash():
    note = "x" * 200_000  # past csv.field_size_limit (128 KiB)
    data = (
        "timestamp,contact,channel,note\n"
        f'2024-01-01 10:00,Ana Lima,call,"{note}"\n'
        "2024-01-02 10:00,Ben Ode,call,ok,extra\n"
        "2024-01-03 10:00,Cleo,call,ok\n"
    )
    result = read(SourceFile("log.csv", data.encode()))
    assert list(result.interactions.who) == ["Ana Lima", "Cleo"]
    assert len(result.interactions.note.iloc[0]) == 200_000
    assert [s.where for s in result.report.skipped] == ["row 3"]


def test_an_unbalanced_quote_in_a_log_costs_one_row_with_its_number():
    rows = "".join(f"2024-01-{i + 1:02d} 10:00,Person {i},call\n" for i in range(5))
    data = 'timestamp,contact,channel\n2024-01-01 09:00,"Ana,call\n' + rows
    result = read(SourceFile("log.csv", data.encode()))
    assert list(result.interactions.who) == [f"Person {i}" for i in range(5)]
    (skip,) = result.report.skipped
    assert skip.where == "row 2" and "unbalanced quote" in skip.reason


def test_a_quote_closing_rows_later_with_the_right_field_count_is_still_caught():
    rows = "".join(f"2024-01-{i + 1:02d} 10:00,Person {i},call\n" for i in range(3))
    data = (
        'timestamp,contact,channel\n2024-01-01 09:00,"Ana,call\n'
        + rows
        + '2024-02-01 10:00,"Zed",call\n'
    )
    result = read(SourceFile("log.csv", data.encode()))
    assert list(result.interactions.who) == ["Person 0", "Person 1", "Person 2", "Zed"]
    assert [s.where for s in result.report.skipped] == ["row 2"]


def test_rows_after_a_multi_line_note_keep_their_true_line_numbers():
    data = (
        "timestamp,contact,channel,note\n"
        '2024-01-01 10:00,Ana Lima,call,"line one\nline two"\n'
        "2024-01-02 10:00,,call,\n"
    )
    result = read(SourceFile("log.csv", data.encode()))
    assert result.interactions.note.iloc[0] == "line one\nline two"
    assert [s.where for s in result.report.skipped] == ["row 4"]


@pytest.mark.parametrize(
    "rows",
    [
        "0001-01-01 10:00,Ana,call\n2024-01-01 10:00,Ben,call\n",
        "3000-01-01 10:00,Ana,call\n2024-01-01 10:00,Ben,call\n",
        "1500-06-01T10:00:00Z,Ana,call\n2024-01-01T10:00:00Z,Ben,call\n",
    ],
)
def test_dates_outside_the_representable_range_are_skipped_not_wrapped(rows):
    result = read(SourceFile("log.csv", ("timestamp,contact,channel\n" + rows).encode()))
    assert list(result.interactions.who) == ["Ben"]
    assert result.interactions.timestamp.iloc[0].year == 2024
    (skip,) = result.report.skipped
    assert skip.where == "row 2"
    assert skip.reason.startswith(OUT_OF_RANGE_REASON)


def test_a_far_date_with_a_separate_time_column_is_skipped_not_a_crash():
    data = "date,time,contact,channel\n01/01/0001,10:00,Ana,call\n13/01/2024,10:00,Ben,call\n"
    result = read(SourceFile("log.csv", data.encode()))
    assert list(result.interactions.who) == ["Ben"]
    assert result.report.skipped[0].reason.startswith(OUT_OF_RANGE_REASON)


def test_a_log_in_cp1251_is_decoded_once_and_says_so():
    data = (
        "timestamp,contact,channel,note\n"
        "2024-01-01 10:00,Иван Петров,call,Поздравил с днём рождения\n"
        "2024-01-02 10:00,Ольга Смирнова,in person,Кофе на Арбате\n"
    ).encode("cp1251")
    result = read(SourceFile("log.csv", data))
    assert result.report.encoding == "cp1251"
    assert list(result.interactions.who) == ["Иван Петров", "Ольга Смирнова"]
    assert result.interactions.note.iloc[1] == "Кофе на Арбате"


def test_a_utf8_log_reports_utf8():
    result = read("interactions_canonical.csv")
    assert result.report.encoding == "utf-8"


def test_the_log_hands_the_store_its_identities_coded_and_the_store_keeps_the_same_rows(
    tmp_path,
):
    """The reader codes each distinct identity (" Anna " and "Anna" are one) and event once,
    row for row with the who and event_id columns, rows it skipped left out; a store given
    those codes keeps exactly the rows and content keys it keeps when it codes them itself, in
    memory and on disk."""
    import dataclasses

    import numpy as np

    from analysis.store import Store

    text = (
        "timestamp,contact,channel,event_id\n"
        "2024-01-01 10:00, Anna ,call,g1\n"
        "2024-01-02 10:00,Anna,message,\n"
        "2024-01-03 10:00,,call,g2\n"
        "2024-01-04 10:00,Ben Berg,call,g1\n"
        "not a date,Carla,call,g3\n"
    )
    src = SourceFile("log.csv", text.encode())
    opts = ImportOptions(region="DE")
    res = import_file(src, opts)
    assert res.who is not None
    assert list(res.who.astype(object)) == res.interactions["who"].tolist() == [
        "Anna", "Anna", "Ben Berg",
    ]  # fmt: skip
    assert list(res.who.categories) == ["Anna", "Ben Berg"]  # Carla's row was skipped
    assert list(res.event_id.astype(object)) == res.interactions["event_id"].tolist()
    assert set(res.event_id.categories) == {"g1", ""}
    with Store(":memory:") as coded, Store(":memory:") as plain:
        coded.add_parsed(src, opts, res)
        plain.add_parsed(src, opts, dataclasses.replace(res, who=None, event_id=None))
        pd.testing.assert_frame_equal(coded.interactions(), plain.interactions())
        np.testing.assert_array_equal(
            coded._interaction_keys_by_file()[0], plain._interaction_keys_by_file()[0]
        )
        assert list(coded.interactions_and_who()[1].astype(object)) == ["Anna", "Anna", "Ben Berg"]
    with Store(tmp_path / "a.sqlite3") as coded, Store(tmp_path / "b.sqlite3") as plain:
        coded.add_parsed(src, opts, res)  # on disk: the batch is written as Parquet
        plain.add_parsed(src, opts, dataclasses.replace(res, who=None, event_id=None))
        pd.testing.assert_frame_equal(coded.interactions(), plain.interactions())
        np.testing.assert_array_equal(
            coded._interaction_keys_by_file()[0], plain._interaction_keys_by_file()[0]
        )


def test_a_log_without_events_hands_over_one_empty_event_for_every_row():
    text = "timestamp,contact\n2024-01-01 10:00,Anna\n2024-01-02 10:00,Ben\n"
    res = import_file(SourceFile("log.csv", text.encode()), ImportOptions(region="DE"))
    assert res.interactions["event_id"].tolist() == ["", ""]
    assert list(res.event_id.astype(object)) == ["", ""]


def test_identities_from_two_columns_are_coded_by_the_store():
    """When a row's identity comes from a second who-column, the reader hands no codes over."""
    text = "timestamp,name,number,channel\n2024-01-01 10:00,Anna,,call\n2024-01-02 10:00,,0170 1234567,call\n"
    res = import_file(SourceFile("log.csv", text.encode()), ImportOptions(region="DE"))
    assert res.interactions["who"].tolist() == ["Anna", "0170 1234567"]
    assert res.who is None
