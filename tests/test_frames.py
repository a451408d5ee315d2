"""Frames as bytes for the store (analysis.store.frames): what is written is read back as it was."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.store.frames import frame_from_blob, frame_to_blob


def _values(column: pd.Series) -> list:
    return [(type(v), v) for v in column.tolist()]


def _mixed() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_id": pd.Series(["p1", None, "p2", "p1"], dtype=object),
            "count": pd.Series([1, None, 3, 4], dtype="Int64"),
            "sources": [["a.vcf", "b.csv"], [], ["a.vcf"], []],
            "first": pd.to_datetime(["2024-01-01", None, "2024-01-03", "2024-02-01"], utc=True),
            "non_person": [True, False, True, False],
            "share": [1.0, np.nan, 2.5, 3.0],
            "name": pd.Series(["Ana", "Bo", None, "Cy"], dtype="str"),
            "nothing": pd.Series([None] * 4, dtype=object),
            "codes": pd.Series([1, 2, 1, 5], dtype=object),
            "pairs": [[("a", "b")], [], [("c", "d")], []],
        }
    )


def test_every_kind_of_column_reads_back_with_its_dtype_values_and_order() -> None:
    frame = _mixed()
    back = frame_from_blob(frame_to_blob(frame))
    assert list(back.columns) == list(frame.columns)
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    for col in ("person_id", "nothing", "codes", "sources", "pairs"):
        assert back[col].dtype == object
        assert _values(back[col]) == _values(frame[col]), col


def test_text_columns_read_back_as_plain_str_and_none_not_a_pandas_string_or_nan() -> None:
    back = frame_from_blob(frame_to_blob(_mixed()))
    assert _values(back["person_id"]) == [(str, "p1"), (type(None), None), (str, "p2"), (str, "p1")]
    assert _values(back["codes"]) == [(int, 1), (int, 2), (int, 1), (int, 5)]
    assert [tuple(map(type, v)) for v in back["pairs"]] == [(tuple,), (), (tuple,), ()]


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"s": pd.Series([], dtype=object), "n": pd.Series([], dtype="int64")}),
        pd.DataFrame({"s": pd.Series(["p", "q"], dtype=object)}),
        pd.DataFrame({"n": [1, 2]}),
        pd.DataFrame({"s": pd.Series([], dtype=object)}),
        pd.DataFrame({"f": pd.Series([1.5, None, 2.5], dtype=object), "n": [1, 2, 3]}),
    ],
    ids=["empty", "text-only", "numbers-only", "empty-text-only", "numbers-in-an-object-column"],
)
def test_small_and_unusual_frames_read_back_as_they_were(frame: pd.DataFrame) -> None:
    back = frame_from_blob(frame_to_blob(frame))
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    for col in frame.columns:
        if frame[col].dtype == object:
            assert [type(v) for v in back[col]] == [type(v) for v in frame[col]]


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"s": pd.Series([], dtype=object), "n": pd.Series([], dtype="int64")}),
        pd.DataFrame({"s": pd.Series([None, None], dtype=object), "n": [1, 2]}),
        _mixed(),
    ],
    ids=["empty", "none-only", "mixed"],
)
def test_text_columns_without_a_value_are_read_from_arrow_too(frame, monkeypatch) -> None:
    """An empty frame (a resolution without merges or unknown identities) or a column of None
    only is read like any text column, not through pandas whole (7 ms a frame)."""
    from analysis.store import frames

    def whole(*_):
        raise AssertionError("read through pandas whole")

    monkeypatch.setattr(frames, "_frame_from_pandas", whole)
    back = frame_from_blob(frame_to_blob(frame))
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert [type(v) for v in back["s" if "s" in frame else "nothing"]] == [
        type(v) for v in frame["s" if "s" in frame else "nothing"]
    ]


def test_a_text_column_of_many_repeated_values_reads_back_row_for_row() -> None:
    rng = np.random.default_rng(7)
    names = np.array([f"name {i}" for i in range(300)] + [None], dtype=object)
    frame = pd.DataFrame({"who": pd.Series(names[rng.integers(0, 301, 50_000)], dtype=object)})
    back = frame_from_blob(frame_to_blob(frame))
    assert back["who"].tolist() == frame["who"].tolist()


def _batch(times: list) -> bytes:
    from analysis.model import interactions_frame
    from analysis.store.frames import batch_to_blob

    frame = interactions_frame(
        pd.to_datetime(times, utc=True), ["Ana"] * len(times), "message", source="chat.txt"
    )
    return batch_to_blob(frame, np.arange(len(times), dtype=np.uint64))


@pytest.mark.parametrize(
    ("times", "latest"),
    [
        (
            ["2024-03-01T10:00:00Z", "2025-01-02T08:30:00Z", "2024-12-31T23:59:00Z"],
            "2025-01-02T08:30:00Z",
        ),
        (["2024-03-01T10:00:00Z", None], "2024-03-01T10:00:00Z"),
        ([None, None], None),
        ([], None),
    ],
    ids=["several", "one-without-a-time", "none-with-a-time", "empty"],
)
def test_a_stored_batchs_latest_time_is_read_without_its_rows(times, latest) -> None:
    from analysis.store.frames import batch_last_time

    got = batch_last_time(_batch(times))
    assert got == (None if latest is None else pd.Timestamp(latest))
    assert got is None or str(got.tz) == "UTC"
