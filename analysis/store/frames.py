"""DataFrames as bytes for the store: an interaction batch (Parquet, dictionary-encoded strings,
with its content keys) and any analysis frame (list columns kept as JSON text)."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.model import interactions_frame


def batch_to_blob(
    frame: pd.DataFrame,
    keys: np.ndarray,
    who: pd.Categorical | None = None,
    event: pd.Categorical | None = None,
) -> bytes:
    """An interaction batch and its content keys as Parquet bytes: the text columns
    dictionary-encoded (a million rows hold some thousands of identities), missing values kept
    missing, every other value as its ``str``. ``who`` and ``event``: the frame's ``who`` and
    ``event_id`` as categoricals, when the caller has them (their distinct values are not
    looked for again)."""
    out = pd.DataFrame(
        {
            # the column itself: to_numpy() of a tz-aware column is a Timestamp object per row
            "timestamp": frame["timestamp"].reset_index(drop=True),
            "who": _dictionary(frame["who"] if who is None else pd.Series(who, copy=False)),
            "channel": _dictionary(frame["channel"]),
            "direction": _dictionary(frame["direction"]),
            "duration_min": frame["duration_min"].to_numpy(dtype="float64"),
            "event_id": _dictionary(
                frame["event_id"] if event is None else pd.Series(event, copy=False)
            ),
            "note": _dictionary(frame["note"]),
            "source": _dictionary(frame["source"]),
            "ikey": keys,
        }
    )
    buf = io.BytesIO()
    out.to_parquet(buf, index=False, compression="zstd")
    return buf.getvalue()


def _dictionary(column: pd.Series) -> pd.Categorical:
    """``column`` as a categorical of strings: each distinct value once (``str`` of it), missing
    values missing. The same column ``astype(str).astype("category")`` gave, without turning
    every row into a string first."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        used = column.array.remove_unused_categories()
        codes, uniques = used.codes, np.asarray(used.categories, dtype=object)
    else:
        codes, uniques = pd.factorize(column.to_numpy(dtype=object))
    names = pd.Index([str(u) for u in uniques], dtype=object)
    if not names.is_unique:  # 1 and "1" in one column: one category, as astype(str) makes it
        names, inverse = np.unique(np.asarray(names, dtype=object), return_inverse=True)
        codes = np.where(codes >= 0, inverse[np.maximum(codes, 0)], -1)
        names = pd.Index(names, dtype=object)
    return pd.Categorical.from_codes(codes, categories=names)


def blob_to_batch(blob: bytes) -> tuple[pd.DataFrame, np.ndarray]:
    """The interaction batch and its content keys stored by :func:`batch_to_blob`."""
    table = pq.read_table(pa.BufferReader(blob))
    frame, _ = _batch_of(table)
    return frame, table.column("ikey").to_numpy().astype(np.uint64, copy=False)


_BATCH_COLUMNS = (
    "timestamp", "who", "channel", "direction", "duration_min", "event_id", "note", "source",
)  # fmt: skip
"""The columns of a stored batch that make its interactions (the content keys beside them are
kept apart in the store too, and read from there)."""


def blob_to_batch_and_who(blob: bytes) -> tuple[pd.DataFrame, pd.Categorical]:
    """The interaction batch stored by :func:`batch_to_blob` (without its content keys) and
    its ``who`` as the categorical it is stored as (each distinct identity once: what identity
    matching reads, without hashing every row)."""
    return _batch_of(pq.read_table(pa.BufferReader(blob), columns=list(_BATCH_COLUMNS)))


def _batch_of(table: pa.Table) -> tuple[pd.DataFrame, pd.Categorical]:
    """The interactions of a stored batch read as a Parquet table, and their ``who`` as a
    categorical. Column by column: a DataFrame of them all would copy a million rows into its
    blocks first."""
    raw = {name: table.column(name).to_pandas() for name in _BATCH_COLUMNS}
    who = raw["who"].array
    if not isinstance(who, pd.Categorical):  # as written, always; any other reader: coded
        who = pd.Categorical(raw["who"].astype(object))
    frame = interactions_frame(
        raw["timestamp"],
        raw["who"].astype(object),
        raw["channel"],  # categoricals: recoded by their categories
        raw["direction"],
        raw["duration_min"],
        raw["event_id"],  # coded as stored: each distinct event once
        raw["note"].astype(object),
        raw["source"].astype(object),
    )
    return frame, who


def batch_last_time(blob: bytes) -> pd.Timestamp | None:
    """The latest ``timestamp`` of the batch stored by :func:`batch_to_blob` (UTC), None when
    no row has one: from the Parquet statistics of its row groups, which the writer keeps, so
    that no row is decoded; from the column itself when a row group has none."""
    meta = pq.ParquetFile(pa.BufferReader(blob)).metadata
    column = meta.schema.to_arrow_schema().get_field_index("timestamp")
    latest = None
    for group in range(meta.num_row_groups):
        stats = meta.row_group(group).column(column).statistics
        if meta.row_group(group).num_rows == 0:
            continue
        if stats is None or not stats.has_min_max:
            if stats is not None and stats.null_count == meta.row_group(group).num_rows:
                continue  # no row of this group has a time
            times = pq.read_table(pa.BufferReader(blob), columns=["timestamp"]).column(0)
            last = pd.Series(times.to_pandas()).max()
            return None if pd.isna(last) else _utc(last)
        value = _utc(stats.max)
        latest = value if latest is None else max(latest, value)
    return latest


def _utc(value: object) -> pd.Timestamp:
    """A time as a UTC Timestamp (a time without a zone read as UTC, as stored)."""
    ts = pd.Timestamp(value)  # type: ignore[arg-type]
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def frame_to_blob(frame: pd.DataFrame, compression: str = "zstd") -> bytes:
    """A DataFrame as Parquet bytes. Object columns that hold lists (or lists of tuples) are
    stored as JSON text and restored by :func:`frame_from_blob`. ``compression``: Parquet's
    codec (zstd: the smallest; lz4: decoded several times faster, for large frames of numbers
    read back on every start, such as the analysed rows)."""
    out = frame.reset_index(drop=True).copy()
    json_cols, tuple_cols = [], []
    # one encoder for every value (json.dumps makes one a call), as json.dumps would encode
    enc = json.JSONEncoder(ensure_ascii=False, default=str)
    for col in out.columns:
        head = out[col].head(200)
        if out[col].dtype == object and any(isinstance(v, (list, tuple)) for v in head):
            # lists of tuples (a person's related names): read back as tuples again
            if any(isinstance(x, tuple) for v in head if isinstance(v, list) for x in v):
                tuple_cols.append(col)
            out[col] = ["[]" if type(v) is list and not v else enc.encode(v) for v in out[col]]
            json_cols.append(col)
    object_cols = [c for c in out.columns if out[c].dtype == object and c not in json_cols]
    for col in object_cols:  # dictionary-encoded: few distinct values in a million rows
        out[col] = out[col].astype("category")
    buf = io.BytesIO()
    out.to_parquet(buf, index=False, compression=compression)
    head = json.dumps({"json": json_cols, "tuples": tuple_cols, "object": object_cols}).encode()
    return len(head).to_bytes(4, "big") + head + buf.getvalue()


def frame_from_blob(blob: bytes) -> pd.DataFrame:
    """The DataFrame written by :func:`frame_to_blob`, with its list columns and its object
    (string) columns as they were.

    The text and list columns are decoded from Arrow directly (a dictionary's values once,
    then taken by the codes); only the other columns go through ``pandas.read_parquet``, which
    restores their dtypes (nullable integers, time zones) from the pandas metadata. Building
    pandas categoricals of the text columns first checked every category's uniqueness and
    then undid them again: half the time of reading a resolution back."""
    head, parquet = _parts(blob)
    as_text = [*head["json"], *head["object"]]
    table = pq.read_table(pa.BufferReader(parquet), columns=as_text) if as_text else None
    if table is not None and not all(_decodable(table.column(c).type) for c in head["object"]):
        return _frame_from_pandas(parquet, head)
    names = pq.read_schema(pa.BufferReader(parquet)).names
    rest = [c for c in names if c not in as_text]
    if rest or table is None:
        frame = pd.read_parquet(io.BytesIO(parquet), columns=rest)
    else:
        frame = pd.DataFrame(index=pd.RangeIndex(table.num_rows))
    if table is None:
        return frame
    columns: dict[str, Any] = {c: frame[c] for c in rest}
    for col in head["json"]:
        values = _json_values(table.column(col).to_numpy(zero_copy_only=False), col, head)
        columns[col] = pd.Series(values, index=frame.index, dtype=object)
    for col in head["object"]:
        columns[col] = pd.Series(_objects(table.column(col)), index=frame.index, dtype=object)
    return pd.DataFrame({c: columns[c] for c in names}, index=frame.index, copy=False)


def _parts(blob: bytes) -> tuple[dict[str, Any], bytes]:
    """``(header, Parquet bytes)`` of a blob written by :func:`frame_to_blob`."""
    n = int.from_bytes(blob[:4], "big")
    return json.loads(blob[4 : 4 + n]), blob[4 + n :]


def _json_values(texts: Any, col: str, head: dict[str, Any]) -> list:
    """The values of a list column stored as JSON text (one parse for the column), with its
    pairs as tuples again when :func:`frame_to_blob` saw tuples in it."""
    values = json.loads("[" + ",".join(texts) + "]")
    if col in head.get("tuples", ()):
        values = [[tuple(x) for x in v] for v in values]
    return values


def _decodable(kind: pa.DataType) -> bool:
    """Whether :func:`_objects` reads a column of this Arrow type as ``frame_to_blob`` wrote
    it: a dictionary of text or numbers, or plain text; or no value at all (a column of an
    empty frame, or of None only), which is None in every row either way."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_null(kind)
    )


def _objects(column: pa.ChunkedArray) -> np.ndarray:
    """An Arrow column as an object array of its values, None where missing."""
    parts = []
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            values = np.append(
                np.asarray(chunk.dictionary.to_pylist(), dtype=object),
                np.array([None], dtype=object),
            )
            # a missing value takes the trailing None
            codes = chunk.indices.fill_null(-1).to_numpy(zero_copy_only=False)
            parts.append(values[codes])
        else:
            parts.append(np.asarray(chunk.to_pylist(), dtype=object))
    if not parts:
        return np.empty(0, dtype=object)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def _frame_from_pandas(parquet: bytes, head: dict[str, Any]) -> pd.DataFrame:
    """:func:`frame_from_blob` through ``pandas.read_parquet`` whole: for a text column of a
    type :func:`_objects` does not read."""
    frame = pd.read_parquet(io.BytesIO(parquet))
    for col in head["json"]:
        frame[col] = _json_values(frame[col].astype(object), col, head)
    for col in head["object"]:
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            cat = frame[col].array
            cats = np.append(
                np.asarray(cat.categories, dtype=object), np.array([None], dtype=object)
            )
            # code -1 (missing) picks the trailing None; dtype=object keeps pandas from
            # inferring its own string dtype
            frame[col] = pd.Series(cats[cat.codes], index=frame.index, dtype=object)
        else:
            values = frame[col].astype(object)
            frame[col] = pd.Series(
                values.where(values.notna(), None), index=frame.index, dtype=object
            )
    return frame


def arrays_from_blob(blob: bytes) -> dict[str, np.ndarray]:
    """The columns of a frame of numbers written by :func:`frame_to_blob`, as numpy arrays
    read straight from Parquet: no DataFrame between them (whose blocks would copy a million
    rows once more). Raises ``ValueError`` for a frame with text or list columns."""
    head, parquet = _parts(blob)
    if head["json"] or head["object"]:
        raise ValueError("not a frame of numbers")
    table = pq.read_table(pa.BufferReader(parquet))
    return {name: table.column(name).to_numpy() for name in table.column_names}


def pack(head: dict[str, Any], blobs: dict[str, bytes]) -> bytes:
    """A snapshot's bytes: an 8-byte length, a JSON header (``head`` with each blob's name and
    size under ``frames``), then the blobs."""
    text = json.dumps(
        {**head, "frames": [[name, len(blob)] for name, blob in blobs.items()]},
        ensure_ascii=False,
    ).encode()
    return len(text).to_bytes(8, "big") + text + b"".join(blobs.values())


def unpack(data: bytes, what: str, version: int) -> tuple[dict[str, Any], dict[str, bytes]]:
    """``(head, blobs)`` of bytes written by :func:`pack`. Raises ``ValueError`` when the
    header's ``format`` is not ``version`` (``what``: the snapshot's name, for the message)."""
    n = int.from_bytes(data[:8], "big")
    head = json.loads(data[8 : 8 + n])
    if head.get("format") != version:
        raise ValueError(f"{what} format {head.get('format')!r}, expected {version}")
    blobs, pos = {}, 8 + n
    for name, size in head["frames"]:
        blobs[name] = data[pos : pos + size]
        pos += size
    return head, blobs
