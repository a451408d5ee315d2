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
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

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


def _load(source: SourceFile) -> tuple[list[dict], dict]:
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
    if isinstance(doc, dict) and isinstance(doc.get("chats"), dict):
        chats = doc["chats"].get("list")
        if isinstance(chats, list):
            left = doc.get("left_chats", {})
            if isinstance(left, dict) and isinstance(left.get("list"), list):
                chats = chats + left["list"]
            me = doc.get("personal_information")
            return [c for c in chats if isinstance(c, dict)], me if isinstance(me, dict) else {}
    if isinstance(doc, dict) and isinstance(doc.get("messages"), list):
        return [doc], {}
    raise UnusableFileError(source.name, f"this JSON is not {EXPECTED_SHAPE}")


def _text_of(value: object) -> str:
    """Telegram ``text``: a string, or a list of strings and ``{"type", "text"}`` entities."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(
            _text_of(v.get("text", "")) if isinstance(v, dict) else _text_of(v) for v in value
        )
    return ""


def _when(msg: dict, tz: str) -> pd.Timestamp | None:
    """The message's time in UTC (``date_unixtime`` is UTC; ``date`` is the exporter's local
    clock, read in ``tz``)."""
    unix = msg.get("date_unixtime")
    if unix not in (None, ""):
        try:
            return pd.Timestamp(int(unix), unit="s", tz="UTC")
        except (TypeError, ValueError):
            pass
    raw = msg.get("date")
    if isinstance(raw, str) and raw:
        try:
            ts = pd.Timestamp(raw)
        except ValueError:
            return None
        if ts.tzinfo is None:
            ts = ts.tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
        return ts.tz_convert("UTC")
    return None


def _me_ids(personal: dict) -> tuple[set[str], set[str]]:
    """(from_ids, names) of the user from ``personal_information``."""
    ids, names = set(), set()
    uid = personal.get("user_id")
    if uid not in (None, ""):
        ids.add(f"user{uid}")
    full = " ".join(str(personal.get(k) or "") for k in ("first_name", "last_name")).strip()
    if full:
        names.add(nfc(full).casefold())
    return ids, names


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read a Telegram Desktop ``result.json`` (see module doc)."""
    chats, personal = _load(source)
    report = FileReport(source.name, FORMAT, LABEL)
    me_ids, me_names = _me_ids(personal)
    opt_names = {nfc(m).casefold().strip() for m in options.me if m and not looks_like_phone(m)}
    opt_phones = {normalize_phone(m, options.region) for m in options.me if looks_like_phone(m)}
    if personal.get("phone_number") and normalize_phone(personal["phone_number"], options.region):
        opt_phones.add(normalize_phone(personal["phone_number"], options.region))
    frames = []
    asked = False
    for ci, chat in enumerate(chats):
        title = nfc(str(chat.get("name") or "")) or f"chat {ci + 1}"
        msgs = chat.get("messages") if isinstance(chat.get("messages"), list) else []
        frame, unknown_me = _chat(
            source, report, options, chat, title, msgs, me_ids, me_names | opt_names, opt_phones
        )
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
) -> tuple[pd.DataFrame, bool]:
    """Interactions of one chat, and whether the user was unknown in it."""
    ctype = str(chat.get("type") or "")
    label = f"{source.name} ({LABEL})"
    where_chat = f"chat {title!r}"
    if ctype in SKIP_TYPES:
        for mi, _ in enumerate(msgs):
            report.skip(f"{where_chat}, message {mi + 1}", SKIP_TYPES[ctype])
        return interactions_frame([], [], []), False
    chat_id = chat.get("id")
    other_id = f"user{chat_id}" if ctype == "personal_chat" and chat_id is not None else None
    ts_list: list[int] = []
    senders: list[str] = []
    sender_ids: list[str] = []
    msg_where: list[str] = []
    calls: list[tuple[pd.Timestamp, str, float, str, str]] = []  # when, actor id, min, note, actor
    for mi, msg in enumerate(msgs):
        where = (
            f"{where_chat}, message {msg.get('id', mi + 1) if isinstance(msg, dict) else mi + 1}"
        )
        if not isinstance(msg, dict):
            report.skip(where, "not a message object")
            continue
        when = _when(msg, options.timezone)
        if when is None:
            report.skip(where, "no readable date")
            continue
        kind = msg.get("type")
        if kind == "service":
            if msg.get("action") == "phone_call":
                calls.append(
                    (
                        when,
                        str(msg.get("actor_id") or ""),
                        _minutes(msg),
                        _call_note(msg),
                        str(msg.get("actor") or ""),
                    )
                )
            else:
                report.skip(where, f"service message ({msg.get('action') or 'unknown action'})")
            continue
        if kind not in (None, "message"):
            report.skip(where, f"entry of type {kind!r}")
            continue
        name = msg.get("from")
        fid = str(msg.get("from_id") or "")
        name = nfc(str(name)) if name else (fid or "Deleted Account")
        ts_list.append(when.value)
        senders.append(name)
        sender_ids.append(fid)
        msg_where.append(where)
    # who is who
    names = sorted(set(senders), key=senders.index)
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
    return concat_interactions(frames), unknown


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
    if msg.get("discard_reason") in ("missed", "busy"):
        return 0.0
    secs = msg.get("duration_seconds")
    try:
        return float(secs) / 60.0 if secs is not None else float("nan")
    except (TypeError, ValueError):
        return float("nan")


def _call_note(msg: dict) -> str:
    reason = msg.get("discard_reason")
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
