"""closeknit's local store: one SQLite file that keeps what the user imported and decided.

Where: ``$CLOSEKNIT_STORE`` if set, else ``closeknit.sqlite3`` in the user's data directory
(platformdirs), else a path given by the caller (``--store``). The file is created with mode 0600,
in WAL mode, with a versioned schema (``PRAGMA user_version``) and forward migrations.

What it keeps:

* imported files by content digest, with their import report;
* their records: contacts as rows (lists as JSON), interactions as one columnar batch per file
  (a Parquet blob: a million rows load in a fraction of a second, where a million SQLite rows take
  seconds). Each interaction carries a content key (``ikey``); a newer export of the same source
  adds only interactions and contacts that are not already stored;
* the user's merge decisions (confirmed / rejected pairs of contact ids, links of an unmatched
  identity to a contact);
* the user's edits per person (circle, roles, closeness 1-5, desired interval, notes);
* suggestion state (done on a date, snoozed until a date);
* contact logged from the app or the CLI (it becomes an interaction like any other);
* settings (region, time zone, who "me" is in chat exports).

Every write is one transaction: a crash or a kill halfway leaves the store as it was before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals
from platformdirs import user_data_dir

from analysis.deferred import Deferred
from analysis.engine import Overrides
from analysis.errors import CloseknitError, InvalidChoiceError, StoreError
from analysis.identity import MergeDecisions
from analysis.importers import detect, import_file, interactions_csv
from analysis.importers.base import FileReport, ImportOptions, ImportResult, Skipped, SourceFile
from analysis.model import (
    CHANNELS,
    CONTACT_COLUMNS,
    CONTACT_LIST_COLUMNS,
    DIRECTIONS,
    concat_interactions,
    contacts_frame,
    empty_contacts,
    interactions_frame,
    latest_time,
)
from analysis.occasions import KINDS as OCCASION_KINDS
from analysis.occasions import FollowUp, Occasion
from analysis.store.frames import (
    batch_last_time,
    batch_to_blob,
    blob_to_batch_and_who,
    frame_from_blob,
    frame_to_blob,
)

STORE_ENV = "CLOSEKNIT_STORE"
STORE_FILE = "closeknit.sqlite3"
FILES_COLUMNS = (
    "digest", "name", "label", "imported_at", "read", "imported", "skipped", "already_known",
    "contacts", "interactions",
)  # fmt: skip
"""Columns of :meth:`Store.files`."""

MEMORY = ":memory:"
"""The path of a store that lives in memory only (the bundled sample, the CLI without --store)."""


# One entry per schema version; MIGRATIONS[i] brings version i to i + 1.
MIGRATIONS: tuple[str, ...] = (
    # 1: imported files and their records
    """
    CREATE TABLE files (
        digest TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        format TEXT NOT NULL,
        label TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        report TEXT NOT NULL
    );
    CREATE TABLE contacts (
        contact_id TEXT PRIMARY KEY,
        file_digest TEXT NOT NULL REFERENCES files(digest) ON DELETE CASCADE,
        ckey TEXT NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX contacts_file ON contacts(file_digest);
    CREATE INDEX contacts_ckey ON contacts(ckey);
    CREATE TABLE interaction_batches (
        file_digest TEXT PRIMARY KEY REFERENCES files(digest) ON DELETE CASCADE,
        n INTEGER NOT NULL,
        data BLOB NOT NULL
    );
    """,
    # 2: the user's decisions and edits
    """
    CREATE TABLE decisions (
        kind TEXT NOT NULL CHECK (kind IN ('confirmed', 'rejected', 'link')),
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        PRIMARY KEY (kind, a, b)
    );
    CREATE TABLE person_edits (
        person_id TEXT PRIMARY KEY,
        circle INTEGER CHECK (circle BETWEEN 1 AND 4),
        roles TEXT,
        closeness INTEGER CHECK (closeness BETWEEN 1 AND 5),
        desired_interval_days REAL CHECK (desired_interval_days > 0),
        notes TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE suggestion_state (
        person_id TEXT PRIMARY KEY,
        done_on TEXT,
        snoozed_until TEXT,
        updated_at TEXT NOT NULL
    );
    """,
    # 3: contact logged in the app, and settings
    """
    CREATE TABLE logged_contacts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        who TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        channel TEXT NOT NULL,
        direction TEXT NOT NULL DEFAULT 'outgoing',
        note TEXT NOT NULL DEFAULT '',
        logged_at TEXT NOT NULL
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 4: the last identity resolution, so a cold start need not redo it
    """
    CREATE TABLE resolution_cache (
        key TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        frames TEXT NOT NULL,
        data BLOB NOT NULL
    );
    """,
    # 5: the last analysis, so a restart on the same day draws at once
    """
    CREATE TABLE analysis_cache (
        key TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        data BLOB NOT NULL
    );
    """,
    # 6: the files as they were given, so changed settings (region, a column mapping) can be
    # applied again by the dashboard without asking for the files once more
    """
    CREATE TABLE file_data (
        digest TEXT PRIMARY KEY REFERENCES files(digest) ON DELETE CASCADE,
        data BLOB NOT NULL
    );
    """,
    # 7: the options each file was read with, so a changed setting re-reads exactly the files it
    # changes (and nothing else)
    """
    ALTER TABLE files ADD COLUMN options TEXT NOT NULL DEFAULT '';
    """,
    # 8: the states of a person's life the user set ("far away", "lives with me", "in memory"...)
    """
    ALTER TABLE person_edits ADD COLUMN states TEXT;
    """,
    # 9: the daily check-in, dates that matter and one-off follow-ups
    """
    CREATE TABLE checkins (
        day TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        done INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE occasions (
        person_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
        day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
        year INTEGER,
        label TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (person_id, kind, label)
    );
    CREATE TABLE follow_ups (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id TEXT NOT NULL,
        on_day TEXT NOT NULL,
        text TEXT NOT NULL,
        done INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 10: address books are read again, once, from their stored bytes: the contacts now have an
    # ``anniversary`` (records stored before read back with "" and keep their content keys, see
    # LATER_CONTACT_COLUMNS). Clearing a file's options makes the next :meth:`Store.reread`
    # (the dashboard; ``closeknit import/analyze/today --store``) read it again, keeping its
    # contact ids.
    """
    UPDATE files SET options = '' WHERE format IN ('vcard', 'contacts_csv');
    """,
    # 11: each batch's content keys also as raw bytes (read without decoding the batch), and a
    # newer export of a stored log kept as the bytes it appends to that file (``file_prefix``:
    # the file's bytes are ``base``'s followed by its own ``file_data``)
    """
    ALTER TABLE interaction_batches ADD COLUMN keys BLOB;
    CREATE TABLE file_prefix (
        digest TEXT PRIMARY KEY REFERENCES files(digest) ON DELETE CASCADE,
        base TEXT NOT NULL REFERENCES files(digest),
        size INTEGER NOT NULL
    );
    CREATE INDEX file_prefix_base ON file_prefix(base);
    """,
    # 12: the engine's facts that do not depend on the day, so a new day's start need not
    # order a million rows again (analysis.store.facts_snapshot)
    """
    CREATE TABLE facts_cache (
        key TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        data BLOB NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

LOGGED_SOURCE = "logged in closeknit"

CACHE_FORMAT = 2
"""Version of the cached-resolution encoding (part of its key: an older cache is not read)."""


def default_store_path() -> Path:
    """``$CLOSEKNIT_STORE`` if set, else ``closeknit.sqlite3`` in the user's data directory."""
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()

    return Path(user_data_dir("closeknit", appauthor=False)) / STORE_FILE


@dataclass(frozen=True)
class ImportOutcome:
    """What adding one file to the store did."""

    file: str
    already_imported: bool
    report: FileReport
    contacts_added: int = 0
    interactions_added: int = 0
    duplicates_skipped: int = 0


@dataclass
class PersonEdit:
    """The user's edits of one person; None means "not set" (the engine decides)."""

    person_id: str
    circle: int | None = None
    roles: tuple[str, ...] | None = None
    closeness: int | None = None
    desired_interval_days: float | None = None
    notes: str = ""
    states: tuple[str, ...] = ()
    """States of the person's life the user set: ``far_away``, ``lives_with_me``,
    ``dont_suggest``, ``archived``, ``in_memory``."""


_EDIT_INSERT = (
    "INSERT OR REPLACE INTO person_edits (person_id, circle, roles, closeness,"
    " desired_interval_days, notes, updated_at, states) VALUES (?,?,?,?,?,?,?,?)"
)


def _edit_row(edit: PersonEdit, now: str) -> tuple:
    return (
        edit.person_id,
        edit.circle,
        json.dumps(list(edit.roles)) if edit.roles is not None else None,
        edit.closeness,
        edit.desired_interval_days,
        edit.notes or "",
        now,
        json.dumps(sorted(edit.states)) if edit.states else None,
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _create_private(path: Path) -> None:
    """Create ``path`` with mode 0600 (and its directory with 0700) if it does not exist. The
    mode is set once, at creation: a store the user later made read-only or shared stays so."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StoreError(
            f"{path.parent}: cannot create the folder for the store ({exc.strerror or exc}); "
            "choose another place with --store PATH or $CLOSEKNIT_STORE"
        ) from exc
    if path.exists():
        if not os.access(path, os.R_OK):
            raise StoreError(f"{path}: the store cannot be read (permission denied)")
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise StoreError(
                f"{path}: the store is read-only (or its folder is); make it writable "
                "(chmod u+w) or use another store with --store PATH"
            )
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another process created it meanwhile
        return
    except OSError as exc:
        raise StoreError(
            f"{path}: cannot create the store ({exc.strerror or exc}); the folder may be "
            "read-only: choose another place with --store PATH or $CLOSEKNIT_STORE"
        ) from exc
    os.close(fd)


def _options_json(options: ImportOptions) -> str:
    """The import options as canonical JSON (what a stored file was read with)."""
    return json.dumps(dataclasses.asdict(options), sort_keys=True, default=list)


def interaction_keys(
    interactions: pd.DataFrame,
    who: pd.Categorical | None = None,
    event: pd.Categorical | None = None,
) -> np.ndarray:
    """A 64-bit content key per interaction: the same contact event in two exports of one source
    (time to the minute, identity as written, channel, direction, event) gets the same key.

    The key is ``pandas.util.hash_pandas_object`` of the frame ``t`` (nanoseconds, to the
    minute), ``who`` (stripped, case-folded), ``channel``, ``direction`` and ``event`` (as
    strings), which stores written by earlier versions hold. It is computed here column by
    column over each column's distinct values (a 1,000,000-row log has some thousands of
    identities), then combined exactly as pandas combines a frame's columns. ``who``, when
    given, is :func:`who_categorical` of the frame's ``who`` (its distinct values found
    already); ``event``, when given, the frame's ``event_id`` as a categorical."""
    if not len(interactions):
        return np.zeros(0, dtype=np.uint64)
    # nanoseconds whatever unit the importer's parser chose (pandas infers s/ms/us/ns)
    minutes = pd.DatetimeIndex(interactions["timestamp"]).floor("min").as_unit("ns").asi8
    if who is not None and not (who.codes < 0).any():  # a missing value: hashed as before
        who_hashes = _hashed_text(np.asarray(who.categories, dtype=object), fold=True)[who.codes]
    else:
        who_hashes = _hash_strings(interactions["who"], fold=True)
    columns = [
        pd.util.hash_array(minutes),
        who_hashes,
        _hash_strings(interactions["channel"]),
        _hash_strings(interactions["direction"]),
        _hash_strings(interactions["event_id"] if event is None else pd.Series(event, copy=False)),
    ]
    return _combine_hashes(columns)


def _hash_strings(column: pd.Series, fold: bool = False) -> np.ndarray:
    """Per row, ``pandas.util.hash_array`` of the value as ``astype(str)`` makes it (missing
    values stay missing), stripped and case-folded with ``fold``; hashed once per distinct
    value."""
    values = (
        column if isinstance(column.dtype, pd.CategoricalDtype) else column.to_numpy(dtype=object)
    )
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return _hashed_text(np.asarray(uniques, dtype=object), fold)[codes]


def _hashed_text(values: np.ndarray, fold: bool) -> np.ndarray:
    """``pandas.util.hash_array`` of each of ``values`` (distinct values, as objects) as
    ``astype(str)`` makes it, stripped and case-folded with ``fold``."""
    text = pd.Series(values, dtype=object).astype(str)
    if fold:
        text = text.str.strip().str.casefold()
    return pd.util.hash_array(text.to_numpy(dtype=object))


def _combine_hashes(columns: list[np.ndarray]) -> np.ndarray:
    """One hash per row from per-column hashes, combined as ``pandas.util.hash_pandas_object``
    combines a frame's columns (pandas ``combine_hash_arrays``, after CPython's tuple hash);
    written out here so stored keys do not depend on a private pandas function."""
    out = np.zeros_like(columns[0]) + np.uint64(0x345678)
    mult = np.uint64(1000003)
    n = len(columns)
    with np.errstate(over="ignore"):
        for i, h in enumerate(columns):
            inverse = n - i
            out ^= h
            out *= mult
            mult += np.uint64(82520 + inverse + inverse)
        out += np.uint64(97531)
    return out


LATER_CONTACT_COLUMNS = ("anniversary",)
"""Contact columns added after records were first stored. A record's content key leaves such a
column out while it is empty, so a record stored before the column existed (its JSON has no
such key; it reads back as "") and the same record read again now have the same key: a newer
export adds only what is new, as before."""


def _owners(keys: np.ndarray, stored: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per key, the batch (its index; batch ``b`` holds ``stored[starts[b]:starts[b + 1]]``)
    of a stored key equal to it (the first in sorted order), or -1 when no stored key is: one
    sort of the stored keys and one binary search per key."""
    if len(stored) == 0 or len(keys) == 0:
        return np.full(len(keys), -1, dtype=np.int64)

    def batch_of(positions: np.ndarray) -> np.ndarray:
        return np.searchsorted(starts, positions, side="right") - 1

    if len(keys) * 16 < len(stored):  # a few new keys (a newer export): look each stored one up
        uniq, inverse = np.unique(keys, return_inverse=True)
        pos = pd.Index(uniq).get_indexer(stored)  # a hash table of the few: -1 when absent
        hits = np.flatnonzero(pos >= 0)  # stored positions, ascending
        first = np.full(len(uniq), -1, dtype=np.int64)
        first[pos[hits][::-1]] = hits[::-1]  # the earliest stored position of each key wins
        owner = np.where(first >= 0, batch_of(np.maximum(first, 0)), -1)
        return owner[inverse.reshape(-1)]
    order = np.argsort(stored, kind="stable")
    ordered = stored[order]
    pos = np.clip(np.searchsorted(ordered, keys), 0, len(ordered) - 1)
    found = ordered[pos] == keys
    return np.where(found, batch_of(order[pos]), -1)


@dataclass(frozen=True)
class StoredInteractions:
    """A store's interactions as :meth:`Store.stored_interactions` read them: ``parts`` (each
    batch's Parquet bytes, or a frame kept in memory with its ``who``) and ``last_time``, the
    latest timestamp among them (UTC; None when none has one). :meth:`read` decodes them, on
    any thread: the store itself is not used again, so what a later import changes cannot
    change them."""

    parts: tuple[bytes | tuple[pd.DataFrame, pd.Categorical], ...]
    last_time: pd.Timestamp | None

    def read(self) -> tuple[pd.DataFrame, pd.Categorical]:
        """The interactions and their ``who`` as a categorical
        (:meth:`Store.interactions_and_who`)."""
        read = [fw for fw in map(_frame_of, self.parts) if len(fw[0])]
        # categories as plain objects, so that stored (Arrow) and made (inferred) ones join
        whos = [
            pd.Categorical.from_codes(
                w.codes, pd.Index(np.asarray(w.categories, dtype=object), dtype=object)
            )
            for _, w in read
        ]
        who = union_categoricals(whos) if whos else pd.Categorical([])
        return concat_interactions(f for f, _ in read), who


def _frame_of(
    part: bytes | tuple[pd.DataFrame, pd.Categorical],
) -> tuple[pd.DataFrame, pd.Categorical]:
    """A part of :class:`StoredInteractions` as its interactions and their ``who``."""
    return blob_to_batch_and_who(part) if isinstance(part, bytes) else part


def _latest_time(
    parts: Iterable[bytes | tuple[pd.DataFrame, pd.Categorical]],
) -> pd.Timestamp | None:
    """The latest timestamp of the interactions in ``parts`` (UTC), None when none has one:
    of a stored batch, from its Parquet statistics (no row is decoded)."""
    times = []
    for part in parts:
        if isinstance(part, bytes):
            times.append(batch_last_time(part))
        else:
            times.append(latest_time(part[0]))
    known = [t for t in times if t is not None]
    return max(known) if known else None


def who_categorical(who: pd.Series) -> pd.Categorical:
    """The ``who`` column of an interactions frame as a categorical: each distinct identity once
    (in the order first seen), missing values missing. Made once when a file is stored (or
    taken from the importer, which may have coded it already: ``ImportResult.who``), it
    serves the content keys (:func:`interaction_keys`), the batch kept in memory and identity
    matching, each of which would otherwise hash a million strings again."""
    codes, uniques = pd.factorize(who.to_numpy(dtype=object))
    return pd.Categorical.from_codes(
        codes, pd.Index(np.asarray(uniques, dtype=object), dtype=object)
    )


def contact_key(row: dict) -> str:
    """The content key of a contact record: everything it says, without the file it came from or
    its place there. A newer export of the same address book repeats unchanged records with the
    same key; a record that changed (a new phone number) is a new record."""

    content = {
        k: row.get(k)
        for k in CONTACT_COLUMNS
        if k not in ("contact_id", "source", "where")
        and not (k in LATER_CONTACT_COLUMNS and not row.get(k))
    }
    text = _KEY_JSON.encode(content)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


_KEY_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=list)
"""The encoder of :func:`contact_key` (``json.dumps`` with these options makes one a call)."""
_RECORD_JSON = json.JSONEncoder(ensure_ascii=False, default=list)
"""The encoder of a stored contact record (:func:`_contact_json`)."""


def _records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")`` of a frame of object columns (a contacts frame): the
    values as they are, without boxing each cell (a third of the time at 10,000 records)."""
    columns = list(frame.columns)
    values = [frame[c].tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _report_to_json(report: FileReport) -> str:
    return json.dumps(
        {
            "file": report.file,
            "format": report.format,
            "label": report.label,
            "read": report.read,
            "imported": report.imported,
            "skipped": [[s.where, s.reason] for s in report.skipped],
            "warnings": report.warnings,
            "notes": report.notes,
            "error": report.error,
            "ambiguous_date_order": report.ambiguous_date_order,
            "encoding": report.encoding,
            "already_known": report.already_known,
        },
        ensure_ascii=False,
    )


def _report_from_json(text: str) -> FileReport:
    d = json.loads(text)
    return FileReport(
        d["file"],
        d["format"],
        d["label"],
        d["read"],
        d["imported"],
        [Skipped(w, r) for w, r in d["skipped"]],
        d["warnings"],
        d["notes"],
        d.get("error"),
        bool(d.get("ambiguous_date_order", False)),
        d.get("encoding"),
        dict(d.get("already_known") or {}),
    )


class Store:
    """An open closeknit store. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | os.PathLike | None = None, *, timeout: float = 30) -> None:
        """Open (or create) the store at ``path`` (default: :func:`default_store_path`;
        :data:`MEMORY` for a store in memory only). Raises :class:`StoreError` with what happened
        and what to do: a corrupt file, a newer schema, a read-only file or folder, a store
        another process holds locked for longer than ``timeout`` seconds."""
        self.in_memory = str(path) == MEMORY
        self._batches: dict[str, tuple[pd.DataFrame, np.ndarray, pd.Categorical]] = {}
        """In-memory stores keep interaction batches as frames (digest -> frame, content keys,
        its ``who`` as a categorical)."""
        self._contacts: dict[str, pd.DataFrame | None] = {}
        """In-memory stores keep each file's stored contacts as a frame too (digest -> the
        records as :meth:`contacts` reads them back; None: read them back)."""
        self.path = Path(path) if path else default_store_path()
        if not self.in_memory:
            _create_private(self.path)
        target = MEMORY if self.in_memory else self.path
        try:
            self.conn = sqlite3.connect(target, isolation_level=None, timeout=timeout)
            if not self.in_memory:
                self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.OperationalError as exc:
            raise StoreError(_operational_message(self.path, exc)) from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path}: not a usable closeknit store ({exc}); it may be damaged. Move it "
                "aside (closeknit then starts a new, empty store) or use --store PATH"
            ) from exc

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, target: int = SCHEMA_VERSION) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer closeknit (schema {current}, this one knows "
                f"{SCHEMA_VERSION}); update closeknit"
            )
        for v in range(current, target):
            # one script: the schema change and the version bump commit together or not at all
            self.conn.executescript(
                f"BEGIN IMMEDIATE;{MIGRATIONS[v]};PRAGMA user_version = {v + 1};COMMIT;"
            )

    def _transaction(self):
        conn = self.conn
        path = self.path

        class _Tx:
            def __enter__(self_inner):
                try:
                    conn.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as exc:
                    raise StoreError(_operational_message(path, exc)) from exc

            def __exit__(self_inner, exc_type, *_):
                conn.execute("ROLLBACK" if exc_type else "COMMIT")
                return False

        return _Tx()

    # -- files and records -------------------------------------------------------------------
    def has_file(self, digest: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM files WHERE digest=?", (digest,)).fetchone()
            is not None
        )

    def add_file(self, source: SourceFile, options: ImportOptions | None = None) -> ImportOutcome:
        """Import one file into the store, in one transaction.

        The same content (by digest) a second time changes nothing. A newer export of a source
        already stored adds only the interactions and contacts not already there (by content
        key); the report then says how many were already known, and from which file
        (``report.already_known``). A file that is refused is kept with its report and bytes but
        no records, so it stays listed and can be read again once the user says how (a column
        mapping, a date order).

        Concurrent imports into one store are serialised: the file is read outside the lock,
        then checked against what is stored and written inside one ``BEGIN IMMEDIATE``
        transaction, so two processes importing overlapping exports never store a record twice.
        """
        options = options or ImportOptions()
        appended = self.read_appended(source, options)  # None for a file stored already
        if appended is not None:
            return self.add_parsed(source, options, appended[0], extends=appended[1])
        if self.has_file(source.digest):
            return self._known_file(source)
        return self.add_parsed(source, options, import_file(source, options))

    def add_parsed(
        self,
        source: SourceFile,
        options: ImportOptions,
        result: ImportResult,
        extends: str | None = None,
    ) -> ImportOutcome:
        """:meth:`add_file` for a file already read (``result`` of
        :func:`analysis.importers.import_file` with ``options``): checked against what is
        stored and written in one transaction. With ``extends`` (the digest :meth:`read_appended`
        gave) ``result`` holds only the rows appended to that stored file; its earlier rows
        count as already known from it, as when the whole file is read."""
        if result.report is None:
            result.report = FileReport(source.name, "unknown", "unknown", error="no report")
        who = result.who
        if who is None or len(who) != len(result.interactions):
            who = who_categorical(result.interactions["who"])
        event = result.event_id
        if event is not None and len(event) != len(result.interactions):
            event = None
        keys = interaction_keys(result.interactions, who, event)
        with self._transaction():
            if self.has_file(source.digest):  # another process stored it meanwhile
                known = True
            elif extends is not None and self._extended(extends) is None:
                known = False  # the earlier file went meanwhile: read this one whole
                outcome = None
            else:
                known = False
                outcome = self._write_file(source, options, result, keys, who, extends, event)
        if known:
            return self._known_file(source)
        if outcome is None:
            return self.add_parsed(source, options, import_file(source, options))
        return outcome

    def read_appended(
        self, source: SourceFile, options: ImportOptions
    ) -> tuple[ImportResult, str] | None:
        """A newer export of an interaction log this store holds (the stored file's bytes
        followed by more rows, read with the same ``options``), read for its new rows only:
        ``(result, the stored file's digest)`` for :meth:`add_parsed`, or None when ``source``
        is no such export, is stored already, or reading the new rows alone could differ from
        reading it whole (:func:`analysis.importers.interactions_csv.read_appended`). The heads
        and the whole file are hashed in one pass (:meth:`SourceFile.prefix_digests`)."""
        rows = self.conn.execute(
            "SELECT f.digest, length(d.data) + COALESCE(p.size, 0) AS total FROM files f"
            " JOIN file_data d ON d.digest = f.digest LEFT JOIN file_prefix p"
            " ON p.digest = f.digest WHERE f.format = ? AND f.options = ? AND total < ?"
            " ORDER BY total DESC",
            (interactions_csv.FORMAT, _options_json(options), len(source.data)),
        ).fetchall()
        if not rows:
            return None
        try:  # from the file's head: a file of another kind is never hashed here
            if detect(source).format != interactions_csv.FORMAT:
                return None
        except CloseknitError:
            return None
        heads = source.prefix_digests(size for _, size in rows)
        if self.has_file(source.digest):
            return None
        for digest, size in rows:
            # a file's digest is the SHA-256 of its bytes: its bytes need not be read back
            if heads[size] != digest:
                continue
            old = self._extended(digest)
            if old is None:
                return None
            got = interactions_csv.read_appended(source, size, old[0], options)
            return None if got is None else (got, digest)
        return None

    def _file_bytes(self, digest: str) -> bytes:
        """The bytes of the stored file ``digest`` as they were given (a newer export kept as
        what it appends to an earlier file is put back together)."""
        (data,) = self.conn.execute(
            "SELECT data FROM file_data WHERE digest=?", (digest,)
        ).fetchone()
        prefix = self.conn.execute(
            "SELECT base FROM file_prefix WHERE digest=?", (digest,)
        ).fetchone()
        return bytes(data) if prefix is None else self._file_bytes(prefix[0]) + bytes(data)

    def _file_size(self, digest: str) -> int:
        """The length of :meth:`_file_bytes` of ``digest``, without reading them."""
        return int(
            self.conn.execute(
                "SELECT length(d.data) + COALESCE(p.size, 0) FROM file_data d LEFT JOIN"
                " file_prefix p ON p.digest = d.digest WHERE d.digest=?",
                (digest,),
            ).fetchone()[0]
        )

    def _keep_whole_what_extends(self, digest: str) -> None:
        """Before the file ``digest`` goes (removed, or read again): the files kept as what
        they append to it are stored whole again (inside the caller's transaction)."""
        for (other,) in self.conn.execute(
            "SELECT digest FROM file_prefix WHERE base=?", (digest,)
        ).fetchall():
            data = self._file_bytes(other)
            self.conn.execute("UPDATE file_data SET data=? WHERE digest=?", (data, other))
            self.conn.execute("DELETE FROM file_prefix WHERE digest=?", (other,))

    def _extended(self, digest: str) -> tuple[FileReport, dict[str, int]] | None:
        """``(report, holders)`` of the stored file ``digest`` when it is known exactly where
        every record it read is kept: ``holders`` maps file digests to how many of its records
        each one's batch holds. That is so when its records are all in its own batch, or when
        it was kept as what it appends to an earlier export (:meth:`read_appended`) whose
        records are so, and its own are all in its own batch; else None (some were already
        known from another file, which may since have gone)."""
        row = self.conn.execute(
            "SELECT f.report, b.n, p.base FROM files f LEFT JOIN interaction_batches b"
            " ON b.file_digest = f.digest LEFT JOIN file_prefix p ON p.digest = f.digest"
            " WHERE f.digest = ?",
            (digest,),
        ).fetchone()
        if row is None:
            return None
        report, own = _report_from_json(row[0]), int(row[1] or 0)
        if not report.already_known:
            return (report, {digest: own}) if own == report.imported else None
        below = self._extended(row[2]) if row[2] is not None else None
        if below is None:
            return None
        names = dict(self.conn.execute("SELECT digest, name FROM files").fetchall())
        expected: dict[str, int] = {}
        for held, n in below[1].items():
            if n:
                expected[names[held]] = expected.get(names[held], 0) + n
        if report.already_known != expected or own + sum(below[1].values()) != report.imported:
            return None
        return report, {**below[1], digest: own}

    def _known_file(self, source: SourceFile) -> ImportOutcome:
        """The outcome for a file whose content is already stored: its stored report, or, under
        another name, a report saying which file it repeats."""
        row = self.conn.execute(
            "SELECT report, name FROM files WHERE digest=?", (source.digest,)
        ).fetchone()
        if row[1] != source.name:
            dup = FileReport(
                source.name, "duplicate", "duplicate",
                error=f"{source.name}: same content as {row[1]}; read once",
            )  # fmt: skip
            return ImportOutcome(source.name, True, dup)
        return ImportOutcome(source.name, True, _report_from_json(row[0]))

    def _write_file(
        self,
        source: SourceFile,
        options: ImportOptions,
        result,
        keys: np.ndarray,
        who: pd.Categorical,
        extends: str | None = None,
        event: pd.Categorical | None = None,
    ) -> ImportOutcome:
        """Store one parsed file (inside the caller's transaction); with ``extends``, a newer
        export of that stored file of which ``result`` holds the appended rows only. ``keys``
        and ``who``: the content keys and :func:`who_categorical` of its interactions;
        ``event``: their ``event_id`` coded, when the importer gave it."""
        report = result.report
        inter = result.interactions
        stored_keys, starts, digests = self._interaction_keys_by_file()
        owner = _owners(keys, stored_keys, starts)  # -1: a new record
        new = owner < 0
        added = inter[new]
        dup = int((~new).sum())
        names = dict(self.conn.execute("SELECT digest, name FROM files").fetchall())
        known: dict[str, int] = {}
        if dup:
            for batch, n in enumerate(np.bincount(owner[~new], minlength=len(digests))):
                if n:
                    name = names.get(digests[batch], digests[batch][:12])
                    known[name] = known.get(name, 0) + int(n)
        if extends is not None:  # its earlier rows: each kept in the batch _extended names
            earlier = self._extended(extends)
            assert earlier is not None  # checked by the caller in this transaction
            holders = earlier[1]
            dup += sum(holders.values())
            counted: dict[str, int] = {}
            for digest in digests:  # in batch order, as reading the whole file counts them
                name = names.get(digest, digest[:12])
                n = holders.get(digest, 0) + known.pop(name, 0)
                if n:
                    counted[name] = counted.get(name, 0) + n
            known = counted
        contact_rows = []
        stored_ckeys = {r[0] for r in self.conn.execute("SELECT ckey FROM contacts")}
        kept = np.zeros(len(result.contacts), dtype=bool)
        for i, rec in enumerate(_records(result.contacts)):
            key = contact_key(rec)
            if key in stored_ckeys:
                dup += 1
                continue
            stored_ckeys.add(key)
            kept[i] = True
            contact_rows.append((rec["contact_id"], source.digest, key, _contact_json(rec)))
        report.already_known = known
        self.conn.execute(
            "INSERT INTO files (digest, name, format, label, imported_at, report, options)"
            " VALUES (?,?,?,?,?,?,?)",
            (
                source.digest,
                source.name,
                report.format,
                report.label,
                _now(),
                _report_to_json(report),
                _options_json(options),
            ),
        )
        if extends is not None:  # kept as what it appends to the earlier file's bytes
            size = self._file_size(extends)
            self.conn.execute(
                "INSERT INTO file_data VALUES (?,?)", (source.digest, source.data[size:])
            )
            self.conn.execute(
                "INSERT INTO file_prefix VALUES (?,?,?)", (source.digest, extends, size)
            )
        else:
            self.conn.execute("INSERT INTO file_data VALUES (?,?)", (source.digest, source.data))
        cur = self.conn.executemany("INSERT OR IGNORE INTO contacts VALUES (?,?,?,?)", contact_rows)
        if self.in_memory:  # kept as read back, unless a record was ignored (then: read back)
            whole = cur.rowcount == len(contact_rows)
            self._contacts[source.digest] = _as_read_back(result.contacts[kept]) if whole else None
        if len(added):
            if self.in_memory:  # kept as frames: no Parquet round trip for a store that dies
                added_who = who if new.all() else who[new].remove_unused_categories()
                added = added.reset_index(drop=True)
                if event is not None:  # coded, as a stored batch reads back
                    coded = event if new.all() else event[new].remove_unused_categories()
                    added["event_id"] = pd.Series(coded, copy=False)
                self._batches[source.digest] = (added, keys[new], added_who)
                blob = b""
            else:
                blob = batch_to_blob(
                    added, keys[new], who[new], event[new] if event is not None else None
                )
            self.conn.execute(
                "INSERT INTO interaction_batches VALUES (?,?,?,?)",
                (source.digest, int(len(added)), blob, keys[new].astype("<u8").tobytes()),
            )
        return ImportOutcome(source.name, False, report, len(contact_rows), int(len(added)), dup)

    def file_options(self) -> dict[str, str]:
        """digest -> the import options (canonical JSON) each stored file was read with."""
        return dict(self.conn.execute("SELECT digest, options FROM files").fetchall())

    def reread(self, options_for: Callable[[SourceFile], ImportOptions]) -> list[ImportOutcome]:
        """Read again, from their stored bytes, exactly the files whose options changed
        (``options_for(source)`` gives each file's options now: region, time zone, "me", its
        column mapping or date order). Files keep their order; each re-read is one transaction
        (the old records go, the new ones come). Returns what re-reading each changed file did."""
        outcomes: list[ImportOutcome] = []
        stale = set(self.stale_files(options_for))
        if not stale:  # the common case: no file's bytes are read at all
            return outcomes
        for src in self.sources():
            if src.digest not in stale:
                continue
            opts = options_for(src)
            result = import_file(src, opts)
            if result.report is None:
                result.report = FileReport(src.name, "unknown", "unknown", error="no report")
            who = who_categorical(result.interactions["who"])
            keys = interaction_keys(result.interactions, who)
            with self._transaction():
                rowid = self.conn.execute(
                    "SELECT rowid, imported_at FROM files WHERE digest=?", (src.digest,)
                ).fetchone()
                self._keep_whole_what_extends(src.digest)
                self.conn.execute("DELETE FROM files WHERE digest=?", (src.digest,))
                outcome = self._write_file(src, opts, result, keys, who)
                if rowid is not None:  # keep the file's place in the import order
                    self.conn.execute(
                        "UPDATE files SET rowid=?, imported_at=? WHERE digest=?",
                        (rowid[0], rowid[1], src.digest),
                    )
                self._clear_caches()
            outcomes.append(outcome)
        return outcomes

    def stale_files(self, options_for: Callable[[SourceFile], ImportOptions]) -> list[str]:
        """Digests of the stored files whose options changed since they were read (what
        :meth:`reread` reads again), without reading their bytes (``options_for`` may look at
        a file's digest and name only)."""
        stale = []
        for digest, name, stored in self.conn.execute(
            "SELECT digest, name, options FROM files ORDER BY rowid"
        ):
            stub = SourceFile(name, b"")
            stub.__dict__["digest"] = digest  # its cached digest: the bytes stay in the store
            if stored != _options_json(options_for(stub)):
                stale.append(digest)
        return stale

    def _clear_caches(self) -> None:
        self.conn.execute("DELETE FROM resolution_cache")
        self.conn.execute("DELETE FROM analysis_cache")
        self.conn.execute("DELETE FROM facts_cache")

    def _interaction_keys_by_file(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(content keys, where each stored batch's keys start among them, the digests of the
        files of the stored batches) over every stored batch."""
        keys: list[np.ndarray] = []
        digests: list[str] = []
        for digest, raw in self.conn.execute(
            "SELECT file_digest, keys FROM interaction_batches ORDER BY rowid"
        ):
            if self.in_memory:
                k = self._batches[digest][1]
            elif raw is not None:  # little-endian uint64: read in place, not copied
                k = np.frombuffer(raw, dtype="<u8").astype(np.uint64, copy=False)
            else:  # a batch stored before the keys were kept beside it
                (blob,) = self.conn.execute(
                    "SELECT data FROM interaction_batches WHERE file_digest=?", (digest,)
                ).fetchone()
                k = pd.read_parquet(io.BytesIO(blob), columns=["ikey"])["ikey"].to_numpy(np.uint64)
            keys.append(k)
            digests.append(str(digest))
        if not keys:
            return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64), []
        starts = np.cumsum([0] + [len(k) for k in keys[:-1]]).astype(np.int64)
        return (keys[0] if len(keys) == 1 else np.concatenate(keys)), starts, digests

    def files(self) -> pd.DataFrame:
        """Imported files: digest, name, label, imported_at, the counts of their import report
        (read, imported, skipped, already_known: the same numbers the import shows) and what is
        kept of them (contacts, interactions)."""
        rows = self.conn.execute(
            """SELECT f.digest, f.name, f.label, f.imported_at, f.report,
                      (SELECT COUNT(*) FROM contacts c WHERE c.file_digest=f.digest),
                      COALESCE((SELECT n FROM interaction_batches b WHERE b.file_digest=f.digest), 0)
               FROM files f ORDER BY f.rowid"""
        ).fetchall()
        out = []
        for digest, name, label, imported_at, report, contacts, interactions in rows:
            rep = _report_from_json(report)
            out.append(
                (digest, name, label, imported_at, rep.read, rep.imported, len(rep.skipped),
                 sum(rep.already_known.values()), contacts, interactions)
            )  # fmt: skip
        return pd.DataFrame(out, columns=list(FILES_COLUMNS))

    def reports(self) -> list[FileReport]:
        """The import report of every stored file, oldest first."""
        return [
            _report_from_json(r[0])
            for r in self.conn.execute("SELECT report FROM files ORDER BY rowid")
        ]

    def sources(self) -> list:
        """The stored files as :class:`SourceFile` objects, in import order."""
        return [
            SourceFile(name, self._file_bytes(digest))
            for digest, name in self.conn.execute(
                "SELECT digest, name FROM files ORDER BY rowid"
            ).fetchall()
        ]

    def remove_file(self, digest: str) -> bool:
        """Remove one imported file and the records it added. True if it was there."""
        with self._transaction():
            self._keep_whole_what_extends(digest)
            cur = self.conn.execute("DELETE FROM files WHERE digest=?", (digest,))
            self._clear_caches()  # no name from a removed file stays behind in a cache
        self._batches.pop(digest, None)
        return cur.rowcount > 0

    def contacts(self) -> pd.DataFrame:
        """Every stored contact record, as a contacts DataFrame (model.CONTACT_COLUMNS), in
        contact_id order. An in-memory store gives the frames it kept (the same records,
        without decoding 10,000 JSON records back)."""
        if self.in_memory:
            digests = [r[0] for r in self.conn.execute("SELECT digest FROM files")]
            frames = [self._contacts.get(d) for d in digests]
            if all(f is not None for f in frames):
                kept = [f for f in frames if f is not None and len(f)]
                if not kept:
                    return empty_contacts()
                frame = pd.concat(kept, ignore_index=True)
                order = np.argsort(frame["contact_id"].to_numpy(dtype=object), kind="stable")
                frame = frame.take(order).reset_index(drop=True)
                for col in CONTACT_LIST_COLUMNS:  # lists of its own, as decoding gives
                    frame[col] = pd.Series([list(v) for v in frame[col].tolist()], dtype=object)
                return frame
        rows = [r[0] for r in self.conn.execute("SELECT record FROM contacts ORDER BY contact_id")]
        recs = json.loads("[" + ",".join(rows) + "]")  # one parse: half the time of one a record
        for rec in recs:
            rec["related"] = [tuple(x) for x in rec.get("related") or []]
        return contacts_frame(recs) if recs else empty_contacts()

    def interactions(self, logged: bool = True) -> pd.DataFrame:
        """Every stored interaction, imported and (with ``logged``) logged, as an interactions
        DataFrame (``event_id`` as text; :meth:`interactions_and_who`, for resolution, keeps the
        events coded as stored)."""
        frame = concat_interactions(_frame_of(part)[0] for part in self._parts(logged))
        if isinstance(frame["event_id"].dtype, pd.CategoricalDtype):
            frame["event_id"] = frame["event_id"].astype(object)
        return frame

    def interactions_and_who(self, logged: bool = True) -> tuple[pd.DataFrame, pd.Categorical]:
        """:meth:`interactions` and their ``who`` as a categorical (the same values, each
        distinct identity coded once), read from how the store keeps them rather than by
        hashing a million strings again."""
        return self.stored_interactions(logged).read()

    def stored_interactions(self, logged: bool = True) -> StoredInteractions:
        """The interactions as stored, to be read later (:class:`StoredInteractions`): their
        bytes and the latest time among them are read now, the rows only when asked for."""
        parts = tuple(self._parts(logged))
        return StoredInteractions(parts, _latest_time(parts))

    def _parts(self, logged: bool) -> Iterator[bytes | tuple[pd.DataFrame, pd.Categorical]]:
        """Each stored batch as its Parquet bytes (in memory: the frame and its ``who``), then,
        with ``logged``, the logged contact and its ``who``."""
        for digest, blob in self.conn.execute(
            "SELECT file_digest, data FROM interaction_batches ORDER BY file_digest"
        ):
            if self.in_memory:
                frame, _, who = self._batches[digest]
                yield frame, who
            else:
                yield blob
        if logged:
            frame = self.logged_interactions()
            yield frame, who_categorical(frame["who"])

    def counts(self) -> dict[str, int]:
        """Row counts, for tests and the Data page."""
        c = self.conn
        return {
            "files": c.execute("SELECT COUNT(*) FROM files").fetchone()[0],
            "contacts": c.execute("SELECT COUNT(*) FROM contacts").fetchone()[0],
            "interactions": c.execute(
                "SELECT COALESCE(SUM(n), 0) FROM interaction_batches"
            ).fetchone()[0]
            + c.execute("SELECT COUNT(*) FROM logged_contacts").fetchone()[0],
            "decisions": c.execute("SELECT COUNT(*) FROM decisions").fetchone()[0],
            "edits": c.execute("SELECT COUNT(*) FROM person_edits").fetchone()[0],
            "logged": c.execute("SELECT COUNT(*) FROM logged_contacts").fetchone()[0],
        }

    # -- logged contact ----------------------------------------------------------------------
    def log_contact(
        self,
        who: str,
        channel: str,
        when: datetime | pd.Timestamp | None = None,
        direction: str = "outgoing",
        note: str = "",
    ) -> None:
        """Record contact the user had (``who`` as a name, phone, e-mail or person id)."""

        if channel not in CHANNELS:
            raise InvalidChoiceError("channel", channel, CHANNELS)
        if direction not in DIRECTIONS:
            raise InvalidChoiceError("direction", direction, DIRECTIONS)
        ts = pd.Timestamp(when if when is not None else datetime.now(UTC))
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
        with self._transaction():
            self.conn.execute(
                "INSERT INTO logged_contacts (who, timestamp, channel, direction, note, logged_at)"
                " VALUES (?,?,?,?,?,?)",
                (who, ts.isoformat(), channel, direction, note, _now()),
            )

    def logged_interactions(self) -> pd.DataFrame:
        rows = self.conn.execute(
            "SELECT timestamp, who, channel, direction, note FROM logged_contacts ORDER BY id"
        ).fetchall()
        if not rows:
            return interactions_frame(pd.Series([], dtype="datetime64[ns, UTC]"), [], [])
        ts, who, channel, direction, note = zip(*rows, strict=True)
        return interactions_frame(
            pd.to_datetime(list(ts), utc=True, format="ISO8601"),
            list(who),
            list(channel),
            list(direction),
            float("nan"),
            "",
            list(note),
            LOGGED_SOURCE,
        )

    # -- decisions ---------------------------------------------------------------------------
    def decide(self, kind: str, a: str, b: str) -> None:
        """Keep a merge decision: ``confirmed``/``rejected`` (two contact ids) or ``link``
        (an unmatched identity, a contact id). Confirming a rejected pair replaces it."""
        if kind not in ("confirmed", "rejected", "link"):
            raise InvalidChoiceError("decision", kind, ("confirmed", "rejected", "link"))
        if kind != "link":
            a, b = sorted((a, b))
        with self._transaction():
            if kind != "link":
                self.conn.execute(
                    "DELETE FROM decisions WHERE kind IN ('confirmed','rejected') AND a=? AND b=?",
                    (a, b),
                )
            self.conn.execute(
                "INSERT OR REPLACE INTO decisions VALUES (?,?,?,?)", (kind, a, b, _now())
            )

    def decisions(self):
        """The user's merge decisions as :class:`analysis.identity.MergeDecisions`."""

        rows = self.conn.execute("SELECT kind, a, b FROM decisions ORDER BY kind, a, b").fetchall()
        return MergeDecisions(
            confirmed=tuple((a, b) for k, a, b in rows if k == "confirmed"),
            rejected=tuple((a, b) for k, a, b in rows if k == "rejected"),
            links=tuple((a, b) for k, a, b in rows if k == "link"),
        )

    def replace_decisions(self, decisions) -> None:
        """Make the stored decisions exactly ``decisions`` (a MergeDecisions), in one go."""
        now = _now()
        rows = [("confirmed", *sorted(p), now) for p in decisions.confirmed]
        rows += [("rejected", *sorted(p), now) for p in decisions.rejected]
        rows += [("link", a, b, now) for a, b in decisions.links]
        with self._transaction():
            self.conn.execute("DELETE FROM decisions")
            self.conn.executemany("INSERT OR REPLACE INTO decisions VALUES (?,?,?,?)", rows)

    # -- person edits ------------------------------------------------------------------------
    def save_edit(self, edit: PersonEdit) -> None:
        """Keep the user's edits of one person (replacing earlier ones)."""
        with self._transaction():
            self.conn.execute(_EDIT_INSERT, _edit_row(edit, _now()))

    def edits(self) -> dict[str, PersonEdit]:
        out = {}
        for pid, circle, roles, closeness, interval, notes, states in self.conn.execute(
            "SELECT person_id, circle, roles, closeness, desired_interval_days, notes, states"
            " FROM person_edits"
        ):
            out[pid] = PersonEdit(
                pid,
                circle,
                tuple(json.loads(roles)) if roles else None,
                closeness,
                interval,
                notes or "",
                tuple(json.loads(states)) if states else (),
            )
        return out

    def replace_edits(self, edits: Iterable[PersonEdit]) -> None:
        """Make the stored person edits exactly ``edits`` (people without any edit are left out)."""
        now = _now()
        rows = [_edit_row(e, now) for e in edits]
        with self._transaction():
            self.conn.execute("DELETE FROM person_edits")
            self.conn.executemany(_EDIT_INSERT, rows)

    # -- suggestion state --------------------------------------------------------------------
    def mark_done(self, person_id: str, on: date) -> None:
        with self._transaction():
            self.conn.execute(
                "INSERT INTO suggestion_state (person_id, done_on, snoozed_until, updated_at)"
                " VALUES (?,?,NULL,?) ON CONFLICT(person_id) DO UPDATE SET done_on=excluded.done_on,"
                " updated_at=excluded.updated_at",
                (person_id, on.isoformat(), _now()),
            )

    def snooze(self, person_id: str, until: date) -> None:
        with self._transaction():
            self.conn.execute(
                "INSERT INTO suggestion_state (person_id, done_on, snoozed_until, updated_at)"
                " VALUES (?,NULL,?,?) ON CONFLICT(person_id) DO UPDATE SET"
                " snoozed_until=excluded.snoozed_until, updated_at=excluded.updated_at",
                (person_id, until.isoformat(), _now()),
            )

    def replace_suggestion_state(self, done: dict[str, date], snoozed: dict[str, date]) -> None:
        """Make the stored done/snoozed state exactly these two maps."""
        now = _now()
        ids = sorted(set(done) | set(snoozed))
        rows = [
            (
                pid,
                done[pid].isoformat() if pid in done else None,
                snoozed[pid].isoformat() if pid in snoozed else None,
                now,
            )
            for pid in ids
        ]
        with self._transaction():
            self.conn.execute("DELETE FROM suggestion_state")
            self.conn.executemany("INSERT INTO suggestion_state VALUES (?,?,?,?)", rows)

    def suggestion_state(self) -> tuple[dict[str, date], dict[str, date]]:
        """``(done, snoozed_until)``: person_id -> date maps."""
        done, snoozed = {}, {}
        for pid, d, s in self.conn.execute(
            "SELECT person_id, done_on, snoozed_until FROM suggestion_state"
        ):
            if d:
                done[pid] = date.fromisoformat(d)
            if s:
                snoozed[pid] = date.fromisoformat(s)
        return done, snoozed

    def overrides(self):
        """The user's edits and suggestion state as :class:`analysis.engine.Overrides`."""

        edits = self.edits()
        done, snoozed = self.suggestion_state()
        return Overrides(
            circle={p: e.circle for p, e in edits.items() if e.circle is not None},
            roles={p: e.roles for p, e in edits.items() if e.roles is not None},
            closeness={p: e.closeness for p, e in edits.items() if e.closeness is not None},
            desired_interval_days={
                p: e.desired_interval_days
                for p, e in edits.items()
                if e.desired_interval_days is not None
            },
            done=done,
            snoozed_until=snoozed,
            states={p: tuple(e.states) for p, e in edits.items() if e.states},
        )

    # -- the daily check-in, dates that matter, follow-ups --------------------------------------
    def record_checkin(self, day: date, person_id: str, done: bool) -> None:
        """Keep the day's check-in (who, and whether it was done)."""
        with self._transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO checkins VALUES (?,?,?,?)",
                (day.isoformat(), person_id, int(done), _now()),
            )

    def checkins(self) -> dict[date, tuple[str, bool]]:
        """day -> (person_id, done) of every check-in offered."""
        return {
            date.fromisoformat(d): (pid, bool(done))
            for d, pid, done in self.conn.execute("SELECT day, person_id, done FROM checkins")
        }

    def save_occasion(self, occasion: Occasion) -> None:
        """Keep a yearly date the user entered (replacing one of the same kind and label)."""
        if occasion.kind not in OCCASION_KINDS:
            raise InvalidChoiceError("kind of date", occasion.kind, OCCASION_KINDS)
        with self._transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO occasions VALUES (?,?,?,?,?,?)",
                (occasion.person_id, occasion.kind, occasion.month, occasion.day,
                 occasion.year, occasion.label),
            )  # fmt: skip

    def occasions(self) -> list[Occasion]:
        """The yearly dates the user entered."""
        return [
            Occasion(*row)
            for row in self.conn.execute(
                "SELECT person_id, kind, month, day, year, label FROM occasions"
            )
        ]

    def add_follow_up(self, follow_up: FollowUp) -> None:
        """Keep a one-off follow-up ("ask how the interview went", on a date)."""
        with self._transaction():
            self.conn.execute(
                "INSERT INTO follow_ups (person_id, on_day, text, done) VALUES (?,?,?,?)",
                (follow_up.person_id, follow_up.on.isoformat(), follow_up.text,
                 int(follow_up.done)),
            )  # fmt: skip

    def follow_ups(self) -> list[FollowUp]:
        return [
            FollowUp(pid, date.fromisoformat(on), text, bool(done))
            for pid, on, text, done in self.conn.execute(
                "SELECT person_id, on_day, text, done FROM follow_ups ORDER BY on_day, id"
            )
        ]

    def finish_follow_ups(self, person_id: str, until: date) -> None:
        """Mark a person's follow-ups due by ``until`` done (the user got in touch)."""
        with self._transaction():
            self.conn.execute(
                "UPDATE follow_ups SET done=1 WHERE person_id=? AND on_day<=?",
                (person_id, until.isoformat()),
            )

    # -- resolution cache --------------------------------------------------------------------
    def data_key(self, region: str, decisions: object, extra: str = "", logged: bool = True) -> str:
        """A digest of everything identity resolution depends on: the stored files, the logged
        contact (unless ``logged`` is False), the decisions and the region (and ``extra``, e.g.
        the resolver's version)."""

        h = hashlib.sha256()
        for digest, options in self.conn.execute(
            "SELECT digest, options FROM files ORDER BY digest"
        ):  # a file re-read with other options (a column map, "me") gives other records
            h.update(digest.encode())
            h.update(options.encode())
        if logged:
            h.update(
                repr(
                    self.conn.execute(
                        "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM logged_contacts"
                    ).fetchone()
                ).encode()
            )
        h.update(repr((region, decisions, extra, logged, CACHE_FORMAT)).encode())
        return h.hexdigest()

    def save_resolution(self, key: str, frames: dict[str, pd.DataFrame]) -> None:
        """Keep one resolution (a dict of named DataFrames) under ``key``, replacing any other."""
        names, blobs = [], []
        for name, frame in frames.items():
            names.append(name)
            blobs.append(frame_to_blob(frame))
        sizes = [len(b) for b in blobs]
        with self._transaction():
            self.conn.execute("DELETE FROM resolution_cache")
            self.conn.execute(
                "INSERT INTO resolution_cache VALUES (?,?,?,?)",
                (key, _now(), json.dumps({"names": names, "sizes": sizes}), b"".join(blobs)),
            )

    def has_resolution(self, key: str) -> bool:
        """Whether a resolution is kept under ``key``."""
        return (
            self.conn.execute("SELECT 1 FROM resolution_cache WHERE key=?", (key,)).fetchone()
            is not None
        )

    def load_resolution(self, key: str) -> dict[str, pd.DataFrame] | None:
        """The frames saved under ``key``, or None when the data changed since."""
        kept = self.kept_resolution(key)
        return None if kept is None else {name: frame.get() for name, frame in kept.items()}

    def kept_resolution(self, key: str) -> dict[str, Deferred[pd.DataFrame]] | None:
        """:meth:`load_resolution`, each frame decoded when first asked for: its bytes are read
        now, in one query (nothing a later write changes reaches them). A new day's start
        needs the people, not the contacts, merges or look-alikes behind them (a tenth of a
        second of decoding at 10,000 contacts)."""
        row = self.conn.execute(
            "SELECT frames, data FROM resolution_cache WHERE key=?", (key,)
        ).fetchone()
        if row is None:
            return None
        meta, data = json.loads(row[0]), row[1]
        out, pos = {}, 0
        for name, size in zip(meta["names"], meta["sizes"], strict=True):
            out[name] = Deferred(partial(frame_from_blob, data[pos : pos + size]))
            pos += size
        return out

    def save_analysis(self, key: str, data: bytes) -> None:
        """Keep one analysis snapshot (:mod:`analysis.store.snapshot`) under ``key``, replacing any."""
        self._replace_cached("analysis_cache", key, data)

    def load_analysis(self, key: str) -> bytes | None:
        """The snapshot saved under ``key``, or None when anything it depends on changed."""
        return self._cached("analysis_cache", key)

    def has_analysis(self, key: str) -> bool:
        """Whether an analysis snapshot is saved under ``key`` (without reading it)."""
        return (
            self.conn.execute("SELECT 1 FROM analysis_cache WHERE key=?", (key,)).fetchone()
            is not None
        )

    def save_facts(self, key: str, data: bytes) -> None:
        """Keep one facts snapshot (:mod:`analysis.store.facts_snapshot`) under ``key``,
        replacing any."""
        self._replace_cached("facts_cache", key, data)

    def load_facts(self, key: str) -> bytes | None:
        """The facts snapshot saved under ``key``, or None."""
        return self._cached("facts_cache", key)

    def has_facts(self, key: str) -> bool:
        """Whether a facts snapshot is saved under ``key`` (without reading it)."""
        return (
            self.conn.execute("SELECT 1 FROM facts_cache WHERE key=?", (key,)).fetchone()
            is not None
        )

    def _replace_cached(self, table: str, key: str, data: bytes) -> None:
        """``data`` as the one entry of the cache ``table`` (one of the store's own tables)."""
        with self._transaction():
            self.conn.execute(f"DELETE FROM {table}")  # table: a name of ours, never input
            self.conn.execute(f"INSERT INTO {table} VALUES (?,?,?)", (key, _now(), data))

    def _cached(self, table: str, key: str) -> bytes | None:
        """The entry of the cache ``table`` under ``key``, or None."""
        row = self.conn.execute(f"SELECT data FROM {table} WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    # -- settings ----------------------------------------------------------------------------
    def set_setting(self, key: str, value: object) -> None:
        with self._transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO settings VALUES (?,?)", (key, json.dumps(value))
            )

    def setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_file_setting(self, digest: str, key: str, value: object) -> None:
        """A setting of one file (``column_map``: pairs of canonical and file column;
        ``dayfirst``: the date order the user chose); None removes it."""
        per_file = dict(self.setting("file_settings", {}) or {})  # type: ignore[call-overload]
        entry = dict(per_file.get(digest, {}))
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
        if entry:
            per_file[digest] = entry
        else:
            per_file.pop(digest, None)
        self.set_setting("file_settings", per_file)

    def file_settings(self, digest: str) -> dict:
        """The settings of one file (see :meth:`set_file_setting`)."""
        return dict((self.setting("file_settings", {}) or {}).get(digest, {}))  # type: ignore[union-attr]

    def options_for(self, source: SourceFile) -> ImportOptions:
        """The options ``source`` is read with: the user's settings plus the file's own column
        mapping and date order."""
        base = self.import_options()
        own = self.file_settings(source.digest)
        return dataclasses.replace(
            base,
            column_map=tuple(tuple(p) for p in own.get("column_map", ())),
            dayfirst=own.get("dayfirst", base.dayfirst),
        )

    def group_settings(self) -> dict:
        """The user's groups: ``renames`` (old -> new name), ``assigned`` (person_id -> group
        names), ``ceilings`` (group -> at most this many days between contacts)."""
        raw = dict(self.setting("groups", {}) or {})  # type: ignore[call-overload]
        return {
            "renames": dict(raw.get("renames", {})),
            "assigned": {k: list(v) for k, v in raw.get("assigned", {}).items()},
            "ceilings": {k: float(v) for k, v in raw.get("ceilings", {}).items() if v},
        }

    def set_group_settings(self, settings: dict) -> None:
        self.set_setting("groups", settings)

    def import_options(self) -> ImportOptions:
        """The import options the user set (region, time zone, date order, me)."""
        return ImportOptions(
            region=str(self.setting("region", "US")),
            timezone=str(self.setting("timezone", "UTC")),
            dayfirst=self.setting("dayfirst", None),
            me=tuple(self.setting("me", []) or ()),
        )


def _operational_message(path: Path, exc: sqlite3.OperationalError) -> str:
    """One line for an SQLite operational error: what happened to the store and what to do."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return (
            f"{path}: another closeknit (an import, the dashboard) is writing to this store; "
            "wait for it to finish and try again"
        )
    if "readonly" in text or "read-only" in text:
        return f"{path}: the store is read-only; make it writable or use --store PATH"
    if "unable to open" in text:
        return f"{path}: the store cannot be opened (does its folder exist and is it writable?)"
    return f"{path}: the store cannot be used ({text})"


def delete_store(path: str | os.PathLike) -> None:
    """Delete the store file and its WAL/SHM companions (the user's "delete all my data")."""
    p = Path(path)
    for suffix in ("", "-wal", "-shm", "-journal"):
        q = p.with_name(p.name + suffix)
        if q.exists():
            q.unlink()


def _as_read_back(contacts: pd.DataFrame) -> pd.DataFrame:
    """Contact records as :meth:`Store.contacts` reads them back from their JSON: the same
    frame when every list holds text only and no record has relations (the common case);
    otherwise through the JSON itself (tuples come back as lists, relations as tuples)."""
    frame = contacts.reset_index(drop=True)[list(CONTACT_COLUMNS)]
    plain = (
        all(
            all(type(x) is str for v in frame[col] for x in v)
            for col in CONTACT_LIST_COLUMNS
            if col != "related"
        )
        and not any(len(v) for v in frame["related"])
        and all(
            type(v) is str
            for col in CONTACT_COLUMNS
            if col not in CONTACT_LIST_COLUMNS
            for v in frame[col]
        )
    )
    if plain:
        return frame
    recs = [json.loads(_contact_json(rec)) for rec in frame.to_dict("records")]
    for rec in recs:
        rec["related"] = [tuple(x) for x in rec.get("related") or []]
    return contacts_frame(recs) if recs else empty_contacts()


def _contact_json(rec: dict) -> str:
    return _RECORD_JSON.encode({k: rec[k] for k in CONTACT_COLUMNS})


def add_files(
    store: Store, sources: Iterable[SourceFile], options: ImportOptions | None = None
) -> list[ImportOutcome]:
    """Add several files, each in its own transaction."""
    return [store.add_file(s, options) for s in sources]


__all__: Sequence[str] = (
    "ImportOutcome",
    "PersonEdit",
    "Store",
    "StoreError",
    "add_files",
    "default_store_path",
    "delete_store",
    "interaction_keys",
)
