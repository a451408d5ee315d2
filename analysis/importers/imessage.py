"""Messages on a Mac (iMessage and SMS): the ``chat.db`` SQLite database.

The file lives at ``~/Library/Messages/chat.db`` (copy it while Messages is closed, or with its
``-wal`` file merged; an iPhone backup's ``sms.db`` has the same tables and is read the same way).
Tables used (schema as Messages writes it, e.g. the ``.schema`` dumps published in public projects
that read chat.db):

* ``message``: ``ROWID``, ``date``, ``is_from_me``, ``handle_id`` (the sender of an incoming
  message), ``service`` (``iMessage``/``SMS``/``RCS``), ``associated_message_type`` (2000-2007 a
  tapback such as "Loved", 3000-3007 its removal: reactions, not messages), ``item_type`` (0 a
  message; 1-6 group events: a member added or removed, the name changed, someone left),
  ``error`` (non-zero: never delivered);
* ``handle``: ``ROWID``, ``id`` (a phone number or an e-mail address);
* ``chat``: ``ROWID``, ``guid``, ``display_name``; ``chat_message_join`` and ``chat_handle_join``
  tie messages and handles to chats.

**Dates** count from 2001-01-01 UTC (Apple's reference date): in seconds before macOS 10.13, in
nanoseconds since. Each value is read by its size (above 10^11 it cannot be seconds: that would be
the year 5170), so a database that holds both reads right.

**Interactions** (the shared burst rule of :mod:`analysis.importers.chatbursts`), channel
``message`` for iMessage and SMS alike (``analysis.model.CHANNELS`` has no separate SMS channel):

* a chat with one handle is one-to-one: bursts with that person, direction from ``is_from_me``.
  Messages creates one chat per service for the same person (``iMessage;-;+1555...`` and
  ``SMS;-;+1555...``); they are one conversation here, merged by the normalised handle.
* a chat with more than one handle is a group: one row per (day, participant who wrote), the
  ``event_id`` keyed by the chat's ``guid`` (the same in every copy of the database).

``who`` is the handle: phone numbers in E.164 with ``ImportOptions.region``
(:func:`analysis.normalize.normalize_phone`), e-mail addresses lower-cased (identity resolution
matches them as e-mail). The user is ``is_from_me``: no name is needed.

**Reading** never touches the user's file: the bytes are copied to a temporary file that is opened
read-only and immutable (``file:...?mode=ro&immutable=1``) and deleted afterwards. A file that is
not SQLite, is damaged, or lacks the Messages tables is refused with :class:`UnusableFileError`.

**Counting**: ``read`` = every row of ``message``; tapbacks, group events, undelivered messages and
messages with no readable date or sender are ``skipped`` with the reason; the rest are imported
(or skipped when the group rule uses no row for them).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile

import numpy as np
import pandas as pd

from analysis.dates import OUT_OF_RANGE_REASON, TIMESTAMP_MAX, TIMESTAMP_MIN
from analysis.errors import UnusableFileError
from analysis.importers import chatbursts
from analysis.importers.base import Detection, FileReport, ImportOptions, ImportResult, SourceFile
from analysis.model import concat_interactions, empty_contacts, interactions_frame
from analysis.normalize import normalize_email, normalize_phone

FORMAT = "imessage"
LABEL = "Messages chat.db (iMessage/SMS)"

SQLITE_MAGIC = b"SQLite format 3\x00"

APPLE_EPOCH_NS = 978_307_200 * 1_000_000_000
"""2001-01-01T00:00:00Z in Unix nanoseconds (Apple's Core Data reference date)."""

SECONDS_LIMIT = 100_000_000_000
"""``date`` values above this are nanoseconds: as seconds they would be past the year 5000."""

TAPBACK_MIN, TAPBACK_MAX = 2000, 3999
"""``associated_message_type`` values of tapbacks (2000-2007) and their removals (3000-3007)."""

ME = "\x00me"
"""The sender code name of the user inside group chats (never shown: the user gets no rows)."""

_REQUIRED = ("message", "handle", "chat_message_join")


def sniff(name: str, head: str) -> Detection | None:
    """chat.db is binary: text sniffing never matches (see :func:`sniff_binary`)."""
    return None


def sniff_binary(source: SourceFile) -> Detection | None:
    """A Messages database: an SQLite file whose schema defines the ``message``, ``handle`` and
    ``chat_message_join`` tables (looked for in the bytes; :func:`parse` checks for real)."""
    data = source.data
    if data[:16] != SQLITE_MAGIC:
        return None
    if b"chat_message_join" in data and b"CREATE TABLE message" in data and b"handle" in data:
        return Detection(FORMAT, LABEL, 0.98)
    return None


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read a Messages ``chat.db`` (see the module doc)."""
    if source.data[:16] != SQLITE_MAGIC:
        raise UnusableFileError(source.name, "not an SQLite database (no SQLite header)")
    report = FileReport(source.name, FORMAT, LABEL)
    src = f"{source.name} ({LABEL})"
    with tempfile.TemporaryDirectory(prefix="closeknit-chatdb-") as tmp:
        path = os.path.join(tmp, "chat.db")
        with open(path, "wb") as fh:
            fh.write(source.data)
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        except sqlite3.Error as exc:
            raise UnusableFileError(source.name, f"cannot be opened as SQLite ({exc})") from exc
        try:
            rows, handles, chats, members = _read(conn, source.name)
        finally:
            conn.close()
    frames = _interactions(rows, handles, chats, members, options, report, src)
    return ImportResult(
        contacts=empty_contacts(), interactions=concat_interactions(frames), report=report
    )


def _read(conn: sqlite3.Connection, name: str):
    """(message rows, handle id -> who, chat id -> (guid, name), chat id -> handle ids)."""
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [t for t in _REQUIRED if t not in tables]
        if missing:
            raise UnusableFileError(
                name,
                "an SQLite database, but not Messages' chat.db (no "
                + ", ".join(f"{t!r}" for t in missing)
                + " table)",
            )
        cols = {r[1] for r in conn.execute("PRAGMA table_info(message)")}
        if "date" not in cols:
            raise UnusableFileError(name, "its message table has no date column")

        def col(c: str, default: str = "0") -> str:
            return f"m.{c}" if c in cols else f"{default} AS {c}"

        sql = (
            "SELECT m.ROWID, m.date, "
            + ", ".join(
                [
                    col("is_from_me"),
                    col("handle_id"),
                    col("service", "NULL"),
                    col("associated_message_type"),
                    col("item_type"),
                    col("error"),
                ]
            )
            + ", (SELECT MIN(j.chat_id) FROM chat_message_join j WHERE j.message_id = m.ROWID)"
            + " FROM message m ORDER BY m.ROWID"
        )
        rows = conn.execute(sql).fetchall()
        handles = {int(r[0]): r[1] for r in conn.execute("SELECT ROWID, id FROM handle")}
        chats: dict[int, tuple[str, str]] = {}
        if "chat" in tables:
            ccols = {r[1] for r in conn.execute("PRAGMA table_info(chat)")}
            dn = "display_name" if "display_name" in ccols else "NULL"
            for cid, guid, disp in conn.execute(f"SELECT ROWID, guid, {dn} FROM chat"):
                chats[int(cid)] = (str(guid or f"chat {cid}"), str(disp or ""))
        members: dict[int, list[int]] = {}
        if "chat_handle_join" in tables:
            for cid, hid in conn.execute(
                "SELECT chat_id, handle_id FROM chat_handle_join ORDER BY chat_id, handle_id"
            ):
                if cid is not None and hid is not None:
                    members.setdefault(int(cid), []).append(int(hid))
    except sqlite3.Error as exc:
        raise UnusableFileError(
            name, f"the database cannot be read ({exc}); a damaged or partial copy?"
        ) from exc
    return rows, handles, chats, members


def _who(raw: object, region: str) -> str:
    """A handle as ``who``: an e-mail address lower-cased, a phone number in E.164."""
    text = str(raw or "").strip()
    if not text:
        return ""
    email = normalize_email(text)
    if email:
        return email
    return normalize_phone(text, region) or text


def _to_ns(value: object) -> int | None:
    """Unix nanoseconds of a chat.db ``date`` (seconds or nanoseconds since 2001), None when it
    is missing or outside the range closeknit keeps."""
    if type(value) is float:
        value = int(value) if value == value and abs(value) < 9e18 else None
    if type(value) is not int or value == 0:
        return None
    ns = value if abs(value) > SECONDS_LIMIT else value * 1_000_000_000
    ns += APPLE_EPOCH_NS
    if not TIMESTAMP_MIN.value <= ns <= TIMESTAMP_MAX.value:
        return -1
    return ns


def _interactions(rows, handles, chats, members, options, report, src) -> list[pd.DataFrame]:
    """Group the usable messages by conversation and apply the burst rule."""
    region = options.region
    who_of = {h: _who(v, region) for h, v in handles.items()}
    # conversation key -> (is_group, title, chat key, list of (ns, sender who or ME, rowid))
    convs: dict[str, tuple[bool, str, str, list]] = {}
    for rowid, date, from_me, hid, _service, assoc, item_type, err, chat_id in rows:
        where = f"message ROWID {rowid}"
        if type(assoc) is int and TAPBACK_MIN <= assoc <= TAPBACK_MAX:
            report.skip(where, "tapback (a reaction to a message, not a message)")
            continue
        if item_type not in (0, None):
            report.skip(where, f"group event, not a message (item_type {item_type})")
            continue
        if err not in (0, None):
            report.skip(where, f"never delivered (error {err})")
            continue
        ns = _to_ns(date)
        if ns is None:
            report.skip(where, "no date")
            continue
        if ns == -1:
            report.skip(where, OUT_OF_RANGE_REASON)
            continue
        mine = bool(from_me)
        sender = ME if mine else who_of.get(hid if type(hid) is int else -1, "")
        if not sender:
            report.skip(where, "no sender handle (phone number or e-mail)")
            continue
        chat_handles = members.get(chat_id, []) if chat_id is not None else []
        if chat_id is not None and len(chat_handles) > 1:
            guid, disp = chats.get(chat_id, (f"chat {chat_id}", ""))
            key = f"group:{guid}"
            if key not in convs:
                title = disp or ", ".join(who_of.get(h, "") for h in chat_handles)
                convs[key] = (True, title, f"imessage:{guid}", [])
        else:
            other = who_of.get(chat_handles[0], "") if chat_handles else ""
            other = other or (sender if not mine else who_of.get(hid, ""))
            if not other:
                report.skip(where, "no handle (phone number or e-mail) for the other person")
                continue
            key = f"one:{other}"
            if key not in convs:
                convs[key] = (False, other, f"imessage:{other}", [])
        convs[key][3].append((ns, sender, rowid))
    frames = []
    for is_group, title, chat_key, msgs in convs.values():
        frames.append(_conversation(is_group, title, chat_key, msgs, options, report, src))
    return frames


def _conversation(is_group, title, chat_key, msgs, options, report, src) -> pd.DataFrame:
    msgs.sort(key=lambda r: (r[0], r[2]))
    utc_ns = np.array([m[0] for m in msgs], dtype=np.int64)
    code = {ME: 0}
    sender = np.array([code.setdefault(m[1], len(code)) for m in msgs], dtype=np.int64)
    if not is_group:
        code.setdefault(title, len(code))
    names = list(code)
    local = _local_ns(utc_ns, options.timezone)
    if is_group:
        rows = chatbursts.group_days(local, sender, names, {0}, chat_key, title)
    else:
        rows = chatbursts.one_on_one(local, sender, names, {0}, code[title])
    used = int(rows.used.sum())
    report.read += used
    report.imported += used
    for k in np.flatnonzero(~rows.used).tolist():
        report.skip(f"message ROWID {msgs[k][2]}", rows.unused_reason)
    if not rows.who:
        return interactions_frame([], [], [])
    stamp = pd.DatetimeIndex(utc_ns[rows.first].astype("datetime64[ns]")).tz_localize("UTC")
    return interactions_frame(
        stamp, rows.who, "message", rows.direction, float("nan"), rows.event_id, rows.note, src
    )


def _local_ns(utc_ns: np.ndarray, tz: str) -> np.ndarray:
    """UTC nanoseconds -> naive local-clock nanoseconds in ``tz`` (for bursts and days)."""
    if tz in ("UTC", "Etc/UTC", ""):
        return utc_ns
    idx = pd.DatetimeIndex(utc_ns.astype("datetime64[ns]")).tz_localize("UTC").tz_convert(tz)
    return idx.tz_localize(None).asi8
