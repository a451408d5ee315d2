"""Telegram Desktop export (``result.json``): a whole-account export (``"chats": {"list": [...]}``)
or one chat exported from its window (``{"name", "type", "id", "messages": [...]}``).

Messages become ``message`` interactions with the burst rule of
:mod:`analysis.importers.chatbursts` (one-on-one bursts; group chats one row per participant per
day sharing an ``event_id``). Phone-call service messages (``"action": "phone_call"``) become
``call`` interactions (``duration_min`` from ``duration_seconds``; a missed or busy call is a
reach-out with duration 0). Telegram Desktop's JSON does not say whether a call was a video call
(its exporter writes only ``duration_seconds`` and ``discard_reason``), so every call is ``call``.
Other service messages (joins, pins, title changes) are skipped with their action as the reason;
so are channels (broadcasts), bots and "Saved Messages" (notes to oneself).

**Who is the user**: ``personal_information.user_id`` when the export has it; else, in a personal
chat, the sender whose ``from_id`` is not ``user<chat id>`` (the chat's id is the other person's);
else ``ImportOptions.me``. When none tells, direction is ``unknown`` and the report asks.

**Counting**: ``read`` = every message and service entry; ``imported`` = those that went into an
interaction; everything else is ``skipped`` with its reason.

**Odd shapes**: any JSON gives a report or :class:`UnusableFileError`. An entry that is not an
object, a chat whose ``messages`` is not a list, a message without a readable date: each is a
skipped record with its reason. Values of the wrong type (ids as numbers or strings, ``from``
null or an object) are read as text when they are scalars and ignored otherwise; JSON nested too
deeply for Python's parser is refused with that reason. A date outside the years closeknit keeps
(:mod:`analysis.dates`) skips its message (never wrapped into another century); dates more than
a year ahead are imported and counted in a note.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from analysis.dates import (
    FUTURE_TOLERANCE_DAYS,
    OUT_OF_RANGE_REASON,
    TIMESTAMP_MAX,
    TIMESTAMP_MIN,
)
from analysis.errors import UnusableFileError
from analysis.importers import chatbursts
from analysis.importers.base import Detection, FileReport, ImportOptions, ImportResult, SourceFile
from analysis.importers.text import decode
from analysis.model import concat_interactions, empty_contacts, interactions_frame
from analysis.normalize import looks_like_phone, nfc, normalize_phone

FORMAT = "telegram"
LABEL = "Telegram Desktop export"

EXPECTED_SHAPE = (
    'a Telegram Desktop export: an object with "chats": {"list": [...]} (whole account) or a '
    'chat object with "messages": [...] whose entries have "type" and "date"/"date_unixtime"'
)

_BATCH_RE = re.compile(r'"chats"\s*:\s*\{[^{}]*?"list"\s*:\s*\[')
_MESSAGES_RE = re.compile(r'"messages"\s*:\s*\[\s*(?:\{|\])')
_MSG_TYPE_RE = re.compile(r'"type"\s*:\s*"(?:message|service)"')
_DATE_RE = re.compile(r'"date(?:_unixtime)?"\s*:\s*"')
_CHAT_TYPE_RE = re.compile(
    r'"type"\s*:\s*"(?:personal_chat|private_group|private_supergroup|public_supergroup|'
    r'bot_chat|saved_messages|private_channel|public_channel)"'
)

GROUP_TYPES = frozenset({"private_group", "private_supergroup", "public_supergroup"})
SKIP_TYPES = {
    "saved_messages": "Saved Messages (notes to yourself)",
    "bot_chat": "chat with a bot",
    "private_channel": "channel post (a broadcast, not a conversation)",
    "public_channel": "channel post (a broadcast, not a conversation)",
}


def sniff(name: str, head: str) -> Detection | None:
    """Telegram when the JSON's start has the batch ``chats.list`` shape, or a ``messages`` list
    whose entries look like Telegram messages (``"type": "message"|"service"`` with a date)."""
    text = head.lstrip()
    if not text.startswith("{"):
        return None
    if _BATCH_RE.search(text):
        return Detection(FORMAT, LABEL, 0.97)
    if _MESSAGES_RE.search(text) and (
        _CHAT_TYPE_RE.search(text) or (_MSG_TYPE_RE.search(text) and _DATE_RE.search(text))
    ):
        return Detection(FORMAT, LABEL, 0.97)
    return None


def _load(source: SourceFile) -> tuple[list, dict]:
    """(the chats, personal_information) of an export; UnusableFileError for other JSON."""
    text, _ = decode(source.data)
    try:
        doc = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise UnusableFileError(
            source.name,
            f"not valid JSON ({exc.msg}); a truncated or damaged export? expected {EXPECTED_SHAPE}",
            f"line {exc.lineno}, column {exc.colno}",
        ) from exc
    except RecursionError:
        raise UnusableFileError(
            source.name, f"the JSON is nested too deeply to read; expected {EXPECTED_SHAPE}"
        ) from None
    except ValueError as exc:  # a number of more than 4,300 digits
        raise UnusableFileError(source.name, f"the JSON cannot be read ({exc})") from None
    if isinstance(doc, dict) and isinstance(doc.get("chats"), dict):
        chats = doc["chats"].get("list")
        if isinstance(chats, list):
            left = doc.get("left_chats", {})
            if isinstance(left, dict) and isinstance(left.get("list"), list):
                chats = chats + left["list"]
            me = doc.get("personal_information")
            return chats, me if isinstance(me, dict) else {}
    if isinstance(doc, dict) and isinstance(doc.get("messages"), list):
        return [doc], {}
    raise UnusableFileError(source.name, f"this JSON is not {EXPECTED_SHAPE}")


def _text_of(value: object) -> str:
    """Telegram ``text``: a string, or a list of strings and ``{"type", "text"}`` entities
    (entities nested in lists, to any depth, are read without recursion)."""
    out: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, list):
            stack.extend(reversed(v))
        elif isinstance(v, dict):
            stack.append(v.get("text", ""))
    return "".join(out)


def _scalar(value: object) -> str:
    """A JSON scalar as text ("" for null, lists and objects)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, float) else ""


def _short(value: object, limit: int = 40) -> str:
    """A value for a message: ``repr`` of a scalar cut to ``limit`` characters, else its type."""
    if isinstance(value, str | int | float | bool) or value is None:
        r = repr(value)
    else:
        r = f"a JSON {'list' if isinstance(value, list) else 'object'}"
    return r if len(r) <= limit else r[: limit - 3] + "..."


_S_MIN = TIMESTAMP_MIN.value // 1_000_000_000
_S_MAX = TIMESTAMP_MAX.value // 1_000_000_000
_NAIVE_MIN = TIMESTAMP_MIN.tz_localize(None).to_pydatetime() + timedelta(days=1)
_NAIVE_MAX = TIMESTAMP_MAX.tz_localize(None).to_pydatetime() - timedelta(days=1)


def _when(msg: dict, tz: str) -> tuple[pd.Timestamp | None, str]:
    """(the message's time in UTC, "") or (None, why not). ``date_unixtime`` is UTC seconds;
    ``date`` (ISO, used when ``date_unixtime`` is absent or unreadable) is the exporter's local
    clock, read in ``tz``. Times outside the range closeknit keeps are refused, not wrapped."""
    unix = msg.get("date_unixtime")
    if isinstance(unix, str) and unix.strip().lstrip("-").isdigit() and len(unix) < 20:
        unix = int(unix)
    if isinstance(unix, int | float) and not isinstance(unix, bool) and math.isfinite(unix):
        if not _S_MIN <= unix <= _S_MAX:
            return None, f"{OUT_OF_RANGE_REASON} (date_unixtime {_short(unix)})"
        return pd.Timestamp(int(unix), unit="s", tz="UTC"), ""
    raw = msg.get("date")
    if not isinstance(raw, str) or not raw or len(raw) > 40:
        return None, f"no readable date ({_short(unix if unix is not None else raw)})"
    try:
        dt = datetime.fromisoformat(raw)
    except ValueError:
        return None, f"no readable date ({_short(raw)})"
    if dt.tzinfo is not None:
        if not _tz_safe(dt):
            return None, f"{OUT_OF_RANGE_REASON} ({_short(raw)})"
        dt = dt.astimezone(UTC).replace(tzinfo=None)
        local = "UTC"
    else:
        local = tz
    # a day's margin each side, so that reading the clock in any zone stays in range
    if not _NAIVE_MIN <= dt <= _NAIVE_MAX:
        return None, f"{OUT_OF_RANGE_REASON} ({_short(raw)})"
    ts = pd.Timestamp(dt).tz_localize(local, ambiguous=False, nonexistent="shift_forward")
    return ts.tz_convert("UTC"), ""


def _tz_safe(dt: datetime) -> bool:
    """True when an aware time can be moved to UTC (year 1 or 9999 with an offset cannot)."""
    try:
        dt.astimezone(UTC)
    except OverflowError:
        return False
    return True


def _zone(name: str, report: FileReport) -> str:
    """``name`` when it is a known IANA zone, else UTC with a warning."""
    if name in ("", "UTC", "Etc/UTC"):
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        report.warnings.append(f"time zone {name!r} is unknown: local dates read as UTC")
        return "UTC"
    return name


def _me_ids(personal: dict) -> tuple[set[str], set[str]]:
    """(from_ids, names) of the user from ``personal_information``."""
    ids, names = set(), set()
    uid = _scalar(personal.get("user_id"))
    if uid:
        ids.add(f"user{uid}")
    full = " ".join(_scalar(personal.get(k)) for k in ("first_name", "last_name")).strip()
    if full:
        names.add(nfc(full).casefold())
    return ids, names


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read a Telegram Desktop ``result.json`` (see module doc)."""
    chats, personal = _load(source)
    report = FileReport(source.name, FORMAT, LABEL)
    tz = _zone(options.timezone, report)
    options_tz = ImportOptions(
        region=options.region, timezone=tz, dayfirst=options.dayfirst, me=options.me
    )
    me_ids, me_names = _me_ids(personal)
    opt_names = {nfc(m).casefold().strip() for m in options.me if m and not looks_like_phone(m)}
    opt_phones = {normalize_phone(m, options.region) for m in options.me if looks_like_phone(m)}
    phone = personal.get("phone_number")
    if isinstance(phone, str) and normalize_phone(phone, options.region):
        opt_phones.add(normalize_phone(phone, options.region))
    frames = []
    asked = False
    future = 0
    for ci, chat in enumerate(chats):
        if not isinstance(chat, dict):
            report.skip(f"chat {ci + 1}", f"not a chat object ({_short(chat)})")
            continue
        title = nfc(_scalar(chat.get("name"))) or f"chat {ci + 1}"
        msgs = chat.get("messages")
        if not isinstance(msgs, list):
            report.skip(f"chat {title!r}", f"its messages are not a list ({_short(msgs)})")
            continue
        frame, unknown_me, ahead = _chat(
            source, report, options_tz, chat, title, msgs, me_ids, me_names | opt_names, opt_phones
        )
        future += ahead
        if len(frame):
            frames.append(frame)
        if unknown_me and not asked:
            asked = True
            report.warnings.append(
                "tell closeknit which participant is you (set your name in 'me'): until then "
                "every participant's contacts are counted and their direction is unknown"
            )
    if not chats:
        report.warnings.append("the export holds no chats")
    if future:
        report.notes.append(
            f"{future} message{'s' if future > 1 else ''} dated more than a year ahead"
        )
    return ImportResult(
        contacts=empty_contacts(), interactions=concat_interactions(frames), report=report
    )


def _chat(
    source: SourceFile,
    report: FileReport,
    options: ImportOptions,
    chat: dict,
    title: str,
    msgs: list,
    me_ids: set[str],
    me_names: set[str],
    me_phones: set[str],
) -> tuple[pd.DataFrame, bool, int]:
    """Interactions of one chat, whether the user was unknown in it, and how many of its
    messages and calls are dated more than a year ahead."""
    ctype = _scalar(chat.get("type"))
    label = f"{source.name} ({LABEL})"
    where_chat = f"chat {title!r}"
    if ctype in SKIP_TYPES:
        for mi, _ in enumerate(msgs):
            report.skip(f"{where_chat}, message {mi + 1}", SKIP_TYPES[ctype])
        return interactions_frame([], [], []), False, 0
    chat_id = _scalar(chat.get("id")) or None
    other_id = f"user{chat_id}" if ctype == "personal_chat" and chat_id is not None else None
    ts_list: list[int] = []
    senders: list[str] = []
    sender_ids: list[str] = []
    msg_where: list[str] = []
    calls: list[tuple[pd.Timestamp, str, float, str, str]] = []  # when, actor id, min, note, actor
    for mi, msg in enumerate(msgs):
        mid = _scalar(msg.get("id")) if isinstance(msg, dict) else ""
        where = f"{where_chat}, message {mid or mi + 1}"
        if not isinstance(msg, dict):
            report.skip(where, f"not a message object ({_short(msg)})")
            continue
        when, why = _when(msg, options.timezone)
        if when is None:
            report.skip(where, why)
            continue
        kind = msg.get("type")
        if kind == "service":
            action = msg.get("action")
            if action == "phone_call":
                calls.append(
                    (
                        when,
                        _scalar(msg.get("actor_id")),
                        _minutes(msg),
                        _call_note(msg),
                        _scalar(msg.get("actor")),
                    )
                )
            else:
                what = action if isinstance(action, str) and action else "unknown action"
                report.skip(where, f"service message ({what[:60]})")
            continue
        if kind not in (None, "message"):
            report.skip(where, f"entry of type {_short(kind)}")
            continue
        fid = _scalar(msg.get("from_id"))
        name = nfc(_scalar(msg.get("from"))) or fid or "Deleted Account"
        ts_list.append(when.value)
        senders.append(name)
        sender_ids.append(fid)
        msg_where.append(where)
    # who is who
    names = list(dict.fromkeys(senders))
    code = {n: i for i, n in enumerate(names)}
    ids_of: dict[int, set[str]] = {}
    for n, f in zip(senders, sender_ids, strict=True):
        ids_of.setdefault(code[n], set()).add(f)

    def is_me(c: int, name: str) -> bool:
        fids = ids_of.get(c, set())
        if fids & me_ids:
            return True
        if other_id and fids and other_id not in fids and all(fids):
            return True
        key = nfc(name).casefold().strip()
        return key in me_names or (
            looks_like_phone(name) and normalize_phone(name, options.region) in me_phones
        )

    me = {c for c, n in enumerate(names) if is_me(c, n)}
    is_group = ctype in GROUP_TYPES or (ctype != "personal_chat" and len(names) > 2)
    frames = []
    unknown = False
    if ts_list:
        utc_ns = np.array(ts_list, dtype=np.int64)
        snd = np.array([code[n] for n in senders], dtype=np.int64)
        order = np.argsort(utc_ns, kind="stable")
        utc_ns, snd = utc_ns[order], snd[order]
        wheres = [msg_where[i] for i in order.tolist()]
        local = _local_ns(utc_ns, options.timezone)
        if is_group:
            rows = chatbursts.group_days(
                local,
                snd,
                names,
                me,
                f"telegram:{chat_id if chat_id is not None else title}",
                title,
            )
            unknown = not me
        else:
            contact = _contact(ctype, title, names, ids_of, other_id, me)
            if contact is not None and ctype == "personal_chat":
                if contact == len(names):
                    names = [*names, title]
                # a personal chat has two people: whoever is not the contact is the user
                me = {c for c in range(len(names)) if c != contact}
            unknown = contact is None
            rows = chatbursts.one_on_one(local, snd, names, me, contact)
        n_used = int(rows.used.sum())
        report.read += n_used
        report.imported += n_used
        for i in np.flatnonzero(~rows.used).tolist():
            report.skip(wheres[i], rows.unused_reason)
        if rows.who:
            ts = pd.DatetimeIndex(utc_ns[rows.first].astype("datetime64[ns]")).tz_localize("UTC")
            frames.append(
                interactions_frame(
                    ts,
                    rows.who,
                    "message",
                    rows.direction,
                    float("nan"),
                    rows.event_id,
                    rows.note,
                    label,
                )
            )
    if calls:
        frames.append(
            _calls(
                calls,
                {names[c] for c in me},
                me_ids,
                other_id,
                title,
                is_group,
                report,
                label,
                where_chat,
            )
        )
    limit = pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=FUTURE_TOLERANCE_DAYS)
    ahead = sum(1 for t in ts_list if t > limit.value) + sum(1 for c in calls if c[0] > limit)
    return concat_interactions(frames), unknown, ahead


def _contact(ctype, title, names, ids_of, other_id, me) -> int | None:
    """The other person's code in a one-on-one chat (``len(names)`` = the chat's name, who never
    wrote), or None when it cannot be told."""
    if ctype == "personal_chat":
        if other_id:
            by_id = [c for c, f in ids_of.items() if other_id in f]
            if by_id:
                return by_id[0]
        if title in names:
            return names.index(title)
        if title:
            return len(names)
    others = [c for c in range(len(names)) if c not in me]
    if len(others) == 1 and (me or len(names) == 1):
        return others[0]
    return None


def _minutes(msg: dict) -> float:
    """Call length in minutes (0 for a missed or busy call; NaN when not given or absurd)."""
    if msg.get("discard_reason") in ("missed", "busy"):
        return 0.0
    secs = msg.get("duration_seconds")
    if isinstance(secs, bool) or not isinstance(secs, int | float | str):
        return float("nan")
    try:
        minutes = float(secs) / 60.0
    except (ValueError, OverflowError):
        return float("nan")
    return minutes if math.isfinite(minutes) and minutes >= 0 else float("nan")


def _call_note(msg: dict) -> str:
    reason = msg.get("discard_reason")
    if not isinstance(reason, str):
        return "call"
    return {"missed": "missed call", "busy": "call not answered (busy)"}.get(reason, "call")


def _calls(calls, me_names, me_ids, other_id, title, is_group, report, label, where_chat):
    """``call`` rows of a personal chat's phone-call service messages; direction from the
    caller (``actor_id``)."""
    ts, who, direction, dur, note = [], [], [], [], []
    for when, actor_id, minutes, what, actor in calls:
        if is_group:
            report.skip(where_chat, "phone call in a group chat (no single other person)")
            continue
        theirs = (other_id is not None and actor_id == other_id) or (bool(actor) and actor == title)
        mine = (
            actor_id in me_ids
            or actor in me_names
            or (other_id is not None and bool(actor_id) and actor_id != other_id)
        )
        ts.append(when)
        who.append(title)
        direction.append("incoming" if theirs else "outgoing" if mine else "unknown")
        dur.append(minutes)
        note.append(what)
        report.read += 1
        report.imported += 1
    if not ts:
        return interactions_frame([], [], [])
    return interactions_frame(ts, who, "call", direction, dur, "", note, label)


def _local_ns(utc_ns: np.ndarray, tz: str) -> np.ndarray:
    """UTC nanoseconds -> naive local-clock nanoseconds in ``tz`` (for bursts and days)."""
    if tz in ("UTC", "Etc/UTC", ""):
        return utc_ns
    idx = pd.DatetimeIndex(utc_ns.astype("datetime64[ns]")).tz_localize("UTC").tz_convert(tz)
    return idx.tz_localize(None).asi8
