"""Facebook Messenger and Instagram messages from Meta's "Download your information" (JSON format).

**What is read**: the ``.zip`` of a whole export, or single ``message_N.json`` files (a folder
given as its files). Conversations sit at
``[your_facebook_activity/|your_instagram_activity/]messages/<folder>/<thread>/message_N.json``
with ``<folder>`` one of ``inbox``, ``archived_threads``, ``filtered_threads``, ``e2ee_cutover``,
``message_requests``. A long conversation is split over ``message_1.json``, ``message_2.json``...:
in a zip the parts of one thread are merged before the burst rule runs; parts given as separate
files are read one by one (a burst that straddles two parts then counts twice, once per file).

Each ``message_N.json`` (layout documented by the community, e.g. "Facebook Messenger JSON
Schema" in public repositories that parse these exports) holds ``participants`` ``[{name}]``,
``title``, ``thread_path`` (``inbox/annameyer_1234567890``), older ``thread_type``
(``Regular``/``RegularGroup``) and ``is_still_participant``, and ``messages`` (newest first):
``{sender_name, timestamp_ms, content, photos, share, call_duration, type, is_unsent, ...}``.

**Text** is UTF-8 read back as Latin-1 by Meta's exporter ("mojibake": ``Jos\\u00c3\\u00a9`` for
``José``); names, titles and call texts are repaired with ``s.encode("latin-1").decode("utf-8")``
when that round-trips, and left as they are otherwise.

**Interactions** (the shared burst rule of :mod:`analysis.importers.chatbursts`):

* a one-to-one thread gives ``message`` bursts with the other person;
* a group thread (``thread_type`` ``RegularGroup``, or more than two people among the participants
  and senders) gives one row per (day, participant who wrote that day); the group-day
  ``event_id`` is keyed by the thread's folder name (``annameyer_1234567890``: its id, the same in
  every export, also after it moves from ``inbox`` to ``archived_threads``), never by the file;
* a call (``type`` ``Call`` or a ``call_duration``) in a one-to-one thread is a ``call``
  interaction, or ``video`` when its text says "video" (Meta writes "started a video chat", "The
  video chat ended"; only English texts are recognised, other languages give ``call``);
  ``duration_min`` = ``call_duration`` / 60. A call with duration 0 is a missed or unanswered call:
  still a reach-out (as in :mod:`analysis.importers.sms_xml` and :mod:`analysis.importers.telegram`),
  kept with duration 0 and the note "missed call". Direction: the caller is the ``sender_name``.
  In a group thread the export does not say who joined a call, so a call counts as its starter's
  activity in that day's group rows.
* ``Subscribe``/``Unsubscribe`` entries (someone added to or leaving a group) are skipped with
  that reason. Unsent messages, shares, photos, stickers are messages: they are still contact.

**Who is the user**, in this order (the report's notes say which applied):

1. ``ImportOptions.me`` (names compared case-insensitively after the mojibake repair);
2. in a zip, ``autofill_information.json`` (``FULL_NAME``), the Facebook profile
   (``profile_information.json``: ``profile_v2.name.full_name``) or the Instagram profile
   (``personal_information.json``: ``Name``), when that name is a participant;
3. in a zip with two or more threads, the one participant present in every thread the user
   still belongs to;
4. in a one-to-one thread, the participant who is not the thread's ``title`` (Meta titles a
   one-to-one thread with the other person's name).

When none tells, direction is ``unknown``, every participant gets rows, and a warning asks.

**Counting**: ``read`` = every entry of every ``messages`` list; ``imported`` = those that went into
an interaction; the rest are ``skipped`` with where (file, message number) and why. A part of a
zip that is not valid JSON is one skipped record naming the part.

An export in HTML (``message_1.html``) is not read: :mod:`analysis.importers.unreadable` names it
and says to export in JSON.
"""

from __future__ import annotations

import io
import json
import operator
import re
import zipfile
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import pandas as pd

from analysis.dates import OUT_OF_RANGE_REASON, TIMESTAMP_MAX, TIMESTAMP_MIN
from analysis.errors import UnusableFileError
from analysis.importers import chatbursts
from analysis.importers.base import Detection, FileReport, ImportOptions, ImportResult, SourceFile
from analysis.model import empty_contacts, interactions_frame
from analysis.normalize import nfc

FORMAT = "meta"
LABEL_MESSENGER = "Facebook Messenger export (JSON)"
LABEL_INSTAGRAM = "Instagram messages export (JSON)"
LABEL_FILE = "Messenger/Instagram message_N.json"

THREAD_MEMBER_RE = re.compile(
    r"(?:^|/)messages/(?P<box>inbox|archived_threads|filtered_threads|e2ee_cutover|"
    r"message_requests)/(?P<thread>[^/]+)/message_(?P<part>\d+)\.(?P<ext>json|html)$",
    re.IGNORECASE,
)
"""A conversation part inside an export (JSON or HTML), wherever the export's root folder is."""

MAX_MEMBER_BYTES = 256 * 1024 * 1024
"""Largest single ``message_N.json`` read from a zip (Meta cuts parts at about 10,000 messages, a
few MB; the cap guards against zip bombs)."""

MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
"""Most JSON read from one zip in all (a guard against zip bombs; far above real exports, whose
size is in their media, which is not read)."""

_PROFILE_BASENAMES = (
    "autofill_information.json",
    "profile_information.json",
    "personal_information.json",
)
_MAX_PROFILE_BYTES = 8 * 1024 * 1024

_SENDER_RE = re.compile(r'"sender_name"\s*:\s*"')
_TS_RE = re.compile(r'"timestamp_ms"\s*:\s*-?\d')
_PARTICIPANTS_RE = re.compile(r'"participants"\s*:\s*\[')

MEMBERSHIP_TYPES = {
    "Subscribe": "group membership change (someone was added)",
    "Unsubscribe": "group membership change (someone left or was removed)",
}
"""Message ``type`` values that record a change of the group, not contact."""

_SPECIAL_TYPES = frozenset({"Call", *MEMBERSHIP_TYPES})
_GET_TS = operator.itemgetter("timestamp_ms")
_GET_SENDER = operator.itemgetter("sender_name")

_MS_MIN = TIMESTAMP_MIN.value // 1_000_000
_MS_MAX = TIMESTAMP_MAX.value // 1_000_000


def sniff(name: str, head: str) -> Detection | None:
    """A ``message_N.json``: a JSON object whose start has ``participants`` or message entries with
    ``sender_name`` and ``timestamp_ms``."""
    text = head.lstrip()
    if not text.startswith("{"):
        return None
    if _TS_RE.search(text) and (_SENDER_RE.search(text) or _PARTICIPANTS_RE.search(text)):
        return Detection(FORMAT, LABEL_FILE, 0.96)
    return None


def sniff_zip(source: SourceFile) -> Detection | None:
    """A Meta export zip: it holds ``messages/<folder>/<thread>/message_N.json`` files. None for any
    other zip (or a damaged one); an export in HTML only is left to
    :mod:`analysis.importers.unreadable`."""
    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    threads = {
        m.group("thread")
        for m in map(THREAD_MEMBER_RE.search, names)
        if m and m.group("ext").lower() == "json"
    }
    if not threads:
        return None
    label = _zip_label(source.name, names)
    n = len(threads)
    return Detection(
        FORMAT, label + " in a .zip", 0.97, (f"{n} conversation{'s' if n != 1 else ''}",)
    )


def fix_mojibake(text: str) -> str:
    """Meta's Latin-1-escaped UTF-8 repaired (``"JosÃ©"`` -> ``"José"``); text that does not
    round-trip (it was not mojibake) comes back unchanged."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _zip_label(zip_name: str, names: list[str]) -> str:
    low = zip_name.lower()
    if low.startswith("instagram") or any(
        n.startswith(("your_instagram_activity/", "followers_and_following/"))
        or "/your_instagram_activity/" in n
        for n in names
    ):
        return LABEL_INSTAGRAM
    return LABEL_MESSENGER


@dataclass
class _Thread:
    """One conversation: its parts merged."""

    where: str  # what the report calls it (member folder, or the file name)
    key: str  # the chat's identity across exports
    title: str
    participants: list[str]
    thread_type: str
    still_participant: bool
    messages: list = field(default_factory=list)
    part_where: list[tuple[int, str]] = field(default_factory=list)  # (first index, part name)
    scan: _Scan | None = None  # what _prepare found; the messages are then dropped
    call_msgs: dict[int, dict] = field(default_factory=dict)  # the call entries, by index


@dataclass
class _Rows:
    """Interaction rows of every thread, gathered as columns (one frame is built at the end:
    building a DataFrame per thread would cost more than reading the export)."""

    utc_ns: list[np.ndarray] = field(default_factory=list)
    who: list[str] = field(default_factory=list)
    channel: list[str] = field(default_factory=list)
    direction: list[str] = field(default_factory=list)
    duration: list[float] = field(default_factory=list)
    event_id: list[str] = field(default_factory=list)
    note: list[str] = field(default_factory=list)

    def frame(self, src: str) -> pd.DataFrame:
        ns = np.concatenate(self.utc_ns) if self.utc_ns else np.zeros(0, dtype=np.int64)
        stamp = pd.DatetimeIndex(ns.astype("datetime64[ns]")).tz_localize("UTC")
        return interactions_frame(
            stamp,
            self.who,
            self.channel,
            self.direction,
            np.array(self.duration, dtype="float64"),
            self.event_id,
            self.note,
            src,
        )


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read a Meta export zip or one ``message_N.json`` (see the module doc)."""
    report = FileReport(source.name, FORMAT, LABEL_FILE)
    if source.data[:4] == b"PK\x03\x04" or source.name.lower().endswith(".zip"):
        threads, profile_names, label = _load_zip(source, report)
    else:
        threads, profile_names, label = [_load_file(source)], [], LABEL_FILE
        _prepare(threads[0], report)
    report.label = label
    me_names, how = _find_me(threads, options, profile_names)
    if how:
        report.notes.append(how)
    src = f"{source.name} ({label})"
    rows = _Rows()
    unknown = False
    for th in threads:
        unknown = _thread(th, me_names, options, report, rows) or unknown
    if unknown:
        report.warnings.append(
            "tell closeknit which participant is you (set your name in 'me'): until then "
            "every participant's contacts are counted and their direction is unknown"
        )
    if not threads:
        report.warnings.append("the export holds no conversations")
    return ImportResult(contacts=empty_contacts(), interactions=rows.frame(src), report=report)


def _json_doc(data: bytes, name: str, where: str | None = None) -> object:
    try:
        return json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        detail = (
            f"not valid JSON ({exc.msg}, line {exc.lineno}, column {exc.colno})"
            if isinstance(exc, json.JSONDecodeError)
            else f"not UTF-8 JSON ({exc.reason})"
        )
        raise UnusableFileError(name, f"{detail}; a truncated or damaged export?", where) from exc


def _new_thread(doc: dict, where: str, folder: str) -> _Thread:
    parts = doc.get("participants")
    names = []
    if isinstance(parts, list):
        for p in parts:
            raw = p.get("name") if isinstance(p, dict) else p
            if isinstance(raw, str) and raw.strip():
                names.append(nfc(fix_mojibake(raw)))
    title = doc.get("title")
    title = nfc(fix_mojibake(title)) if isinstance(title, str) else ""
    tpath = doc.get("thread_path")
    if isinstance(tpath, str) and tpath.strip("/"):
        folder = tpath.strip("/").rsplit("/", 1)[-1]
    if not folder:
        folder = title + "|" + "|".join(sorted(names))
    ttype = doc.get("thread_type")
    return _Thread(
        where=where,
        key=f"meta:{folder}",
        title=title,
        participants=list(dict.fromkeys(names)),
        thread_type=ttype if isinstance(ttype, str) else "",
        still_participant=doc.get("is_still_participant") is not False,
    )


def _load_file(source: SourceFile) -> _Thread:
    """One ``message_N.json`` given on its own."""
    data = source.data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    doc = _json_doc(data, source.name)
    if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
        raise UnusableFileError(
            source.name,
            'this JSON is not a Messenger/Instagram conversation (an object with "participants" '
            'and a "messages" list of {sender_name, timestamp_ms, ...})',
        )
    th = _new_thread(doc, "", "")
    th.messages = doc["messages"]
    return th


def _load_zip(source: SourceFile, report: FileReport) -> tuple[list[_Thread], list[str], str]:
    """The threads of an export zip (parts merged in part order), the user's names from its
    profile files, and the label."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(source.data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnusableFileError(source.name, f"not a readable .zip archive ({exc})") from exc
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        names = [i.filename for i in infos]
        label = _zip_label(source.name, names)
        parts: dict[str, list[tuple[int, zipfile.ZipInfo, str]]] = {}
        profile: list[zipfile.ZipInfo] = []
        for info in infos:
            m = THREAD_MEMBER_RE.search(info.filename)
            if m and m.group("ext").lower() == "json":
                tdir = info.filename[: m.start("part")].rsplit("/", 1)[0]
                parts.setdefault(tdir, []).append((int(m.group("part")), info, m.group("thread")))
            elif info.filename.rsplit("/", 1)[-1].lower() in _PROFILE_BASENAMES:
                profile.append(info)
        if not parts:
            raise UnusableFileError(
                source.name,
                "the .zip holds no messages/inbox/<conversation>/message_N.json; export "
                "Messages in JSON format from Meta's 'Download your information'",
            )
        total = 0
        threads: list[_Thread] = []
        for tdir in sorted(parts):
            th: _Thread | None = None
            for _, info, folder in sorted(parts[tdir], key=lambda p: p[0]):
                total += info.file_size
                if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                    report.skip(info.filename, "too large to read from a .zip (a zip bomb?)")
                    continue
                try:
                    with zf.open(info) as fh:
                        raw = fh.read(MAX_MEMBER_BYTES + 1)
                    doc = _json_doc(raw, source.name, info.filename)
                except UnusableFileError as exc:
                    report.skip(info.filename, exc.reason)
                    continue
                except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                    report.skip(info.filename, f"cannot be unpacked ({exc})")
                    continue
                if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
                    report.skip(info.filename, 'not a conversation (no "messages" list)')
                    continue
                if th is None:
                    th = _new_thread(doc, tdir, folder)
                th.part_where.append((len(th.messages), info.filename))
                th.messages.extend(doc["messages"])
            if th is not None:
                _prepare(th, report)  # scanned now: the thread's JSON is freed before the next
                threads.append(th)
        me = _profile_names(zf, profile)
    return threads, me, label


def _profile_names(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> list[str]:
    """The account holder's names from the export's profile files (mojibake repaired)."""
    found: list[str] = []
    for info in infos:
        if info.file_size > _MAX_PROFILE_BYTES:
            continue
        try:
            with zf.open(info) as fh:
                doc = json.loads(fh.read(_MAX_PROFILE_BYTES))
        except (json.JSONDecodeError, UnicodeDecodeError, zipfile.BadZipFile, OSError, ValueError):
            continue
        if not isinstance(doc, dict):
            continue
        auto = doc.get("autofill_information_v2") or doc.get("autofill_information")
        if isinstance(auto, dict) and isinstance(auto.get("FULL_NAME"), list):
            found += [v for v in auto["FULL_NAME"] if isinstance(v, str)]
        prof = doc.get("profile_v2") or doc.get("profile")
        if isinstance(prof, dict) and isinstance(prof.get("name"), dict):
            full = prof["name"].get("full_name")
            if isinstance(full, str):
                found.append(full)
        users = doc.get("profile_user")
        if isinstance(users, list):
            for u in users:
                smd = u.get("string_map_data") if isinstance(u, dict) else None
                val = smd.get("Name") if isinstance(smd, dict) else None
                if isinstance(val, dict) and isinstance(val.get("value"), str):
                    found.append(val["value"])
    return [nfc(fix_mojibake(n)) for n in found if n.strip()]


def _find_me(
    threads: list[_Thread], options: ImportOptions, profile_names: list[str]
) -> tuple[set[str], str]:
    """The user's names (case-folded) and a note saying how they were found ("" when not)."""
    opt = {nfc(fix_mojibake(m)).casefold() for m in options.me if m and m.strip()}
    if opt:
        return opt, ""
    everyone = {p.casefold(): p for th in threads for p in th.participants}
    for name in profile_names:
        if name.casefold() in everyone:
            return {name.casefold()}, (
                f"you are {name!r}: the name on the export's profile "
                "(autofill_information.json / profile information)"
            )
    member = [th for th in threads if th.still_participant and th.participants]
    if len(member) >= 2:
        common = set.intersection(*({p.casefold() for p in th.participants} for th in member))
        if len(common) == 1:
            key = next(iter(common))
            return common, (
                f"you are {everyone[key]!r}: the one participant in every conversation of "
                "the export"
            )
    return set(), ""


def _prepare(th: _Thread, report: FileReport) -> _Scan:
    """Scan a loaded thread's messages into arrays (:data:`_Scan`), keep its call entries, and
    drop the parsed JSON (an export's threads are scanned one at a time, so memory stays that of
    the largest thread, not of the whole export)."""
    where = _wherer(th)
    msgs = th.messages
    scan = th.scan = _scan_fast(msgs, report, where) or _scan(msgs, report, where)
    th.call_msgs = {i: msgs[i] for i, _, _ in scan[3]}
    th.messages = []
    return scan


def _thread(
    th: _Thread, me_names: set[str], options: ImportOptions, report: FileReport, out: _Rows
) -> bool:
    """Add the interactions of one thread to ``out``; True when the user was unknown in it."""
    skip = report.skip
    where = _wherer(th)
    ts, snd, idx, calls, code = th.scan if th.scan is not None else _prepare(th, report)
    # names: repaired, and raw spellings that repair to one name are one sender
    names: list[str] = []
    pos: dict[str, int] = {}
    for p in th.participants:
        pos.setdefault(p, len(pos))
    remap = np.array(
        [pos.setdefault(nfc(fix_mojibake(raw)), len(pos)) for raw in code] or [0], dtype=np.int64
    )
    names = list(pos)
    me = {c for c, n in enumerate(names) if n.casefold() in me_names}
    if not me and not me_names and th.title and len(names) == 2 and th.title in names:
        me = {1 - names.index(th.title)}  # one-to-one: the title is the other person
        report.notes.append(
            f"you are {names[1 - names.index(th.title)]!r} in {th.title!r}: the participant "
            "who is not the conversation's title"
        )
    if th.thread_type == "RegularGroup":
        is_group = True
    elif th.thread_type == "Regular":
        is_group = False
    else:
        is_group = len(names) > 2
    unknown = not me
    if is_group and calls:  # the export does not say who joined: the starter's activity
        ts = np.concatenate([ts, np.array([c[1] for c in calls], dtype=np.int64)])
        snd = np.concatenate([snd, np.array([c[2] for c in calls], dtype=np.int64)])
        idx = np.concatenate([idx, np.array([c[0] for c in calls], dtype=np.int64)])
        calls = []
    if len(ts):
        order = np.argsort(ts, kind="stable")
        ms = ts[order]
        sender = remap[snd[order]]
        midx = idx[order]
        utc_ns = ms * 1_000_000
        local = _local_ns(utc_ns, options.timezone)
        if is_group:
            rows = chatbursts.group_days(local, sender, names, me, th.key, th.title)
        else:
            rows = chatbursts.one_on_one(local, sender, names, me, _contact(names, me))
        used = int(rows.used.sum())
        report.read += used
        report.imported += used
        for k in np.flatnonzero(~rows.used).tolist():
            skip(where(int(midx[k])), rows.unused_reason)
        if rows.who:
            n = len(rows.who)
            out.utc_ns.append(utc_ns[rows.first])
            out.who += rows.who
            out.channel += ["message"] * n
            out.direction += rows.direction
            out.duration += [float("nan")] * n
            out.event_id += rows.event_id
            out.note += rows.note
    if calls:
        _calls(th.call_msgs, calls, remap, names, me, report, out)
    return unknown and bool(len(ts) or calls)


_Scan = tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[int, int, int]], dict[str, int]]
"""(ms, raw sender codes, message indices) of the messages, the calls as (index, ms, raw sender
code), and the raw sender names -> code."""


def _scan_fast(msgs: list, report: FileReport, where) -> _Scan | None:
    """:func:`_scan` for the usual thread, where every entry is an object with an integer
    ``timestamp_ms`` in range and a non-blank ``sender_name``: C-level ``map`` passes over the
    entries instead of a Python loop per message (``benchmarks/bench_sources.py`` measures it
    against a bare ``json.load``). None when any entry is unusual (then :func:`_scan` reads it)."""
    if not msgs:
        return None
    try:
        if set(map(type, msgs)) != {dict}:
            return None
        stamps = list(map(_GET_TS, msgs))
        raw = list(map(_GET_SENDER, msgs))
    except KeyError:
        return None
    if set(map(type, stamps)) != {int} or set(map(type, raw)) != {str}:
        return None
    try:
        ms = np.array(stamps, dtype=np.int64)
    except OverflowError:
        return None
    if ms.min() < _MS_MIN or ms.max() > _MS_MAX:
        return None
    code = {n: i for i, n in enumerate(dict.fromkeys(raw))}
    if any(not n.strip() for n in code):
        return None
    n_msgs = len(msgs)
    snd = np.fromiter(map(code.__getitem__, raw), np.int64, n_msgs)
    types = list(map(dict.get, msgs, repeat("type")))
    try:
        is_special = np.fromiter(map(_SPECIAL_TYPES.__contains__, types), bool, n_msgs)
    except TypeError:  # an unhashable "type" value
        return None
    is_special |= np.fromiter(map(dict.__contains__, msgs, repeat("call_duration")), bool, n_msgs)
    special = np.flatnonzero(is_special).tolist()
    keep = np.ones(len(msgs), dtype=bool)
    calls: list[tuple[int, int, int]] = []
    for i in special:
        keep[i] = False
        mtype = types[i]
        if type(mtype) is str and mtype in MEMBERSHIP_TYPES:
            report.skip(where(i), MEMBERSHIP_TYPES[mtype])
        else:
            calls.append((i, int(ms[i]), int(snd[i])))
    idx = np.flatnonzero(keep)
    return ms[idx], snd[idx], idx, calls, code


def _scan(msgs: list, report: FileReport, where) -> _Scan:
    """The messages of a thread, each entry checked (see :data:`_Scan`); unusable entries are
    skipped with the reason."""
    code: dict[str, int] = {}
    ts: list[int] = []
    snd: list[int] = []
    idx: list[int] = []
    calls: list[tuple[int, int, int]] = []
    skip = report.skip
    for i, m in enumerate(msgs):
        if type(m) is not dict:
            skip(where(i), "not a message object")
            continue
        t = m.get("timestamp_ms")
        if type(t) is not int:
            if type(t) is float and t == t and abs(t) < 1e17:
                t = int(t)
            else:
                skip(where(i), "no timestamp_ms")
                continue
        if not _MS_MIN <= t <= _MS_MAX:
            skip(where(i), OUT_OF_RANGE_REASON)
            continue
        name = m.get("sender_name")
        if type(name) is not str or not name.strip():
            skip(where(i), "no sender_name")
            continue
        c = code.get(name)
        if c is None:
            c = code[name] = len(code)
        mtype = m.get("type")
        if type(mtype) is str and mtype in MEMBERSHIP_TYPES:
            skip(where(i), MEMBERSHIP_TYPES[mtype])
            continue
        if mtype == "Call" or "call_duration" in m:
            calls.append((i, t, c))
            continue
        ts.append(t)
        snd.append(c)
        idx.append(i)
    return (
        np.array(ts, dtype=np.int64),
        np.array(snd, dtype=np.int64),
        np.array(idx, dtype=np.int64),
        calls,
        code,
    )


def _wherer(th: _Thread):
    """``where(i)``: the report's place of message ``i`` of a thread (its part file in a zip)."""
    if not th.part_where:
        label = f"conversation {th.title!r}, " if th.title else ""
        return lambda i: f"{label}message {i + 1}"
    starts = [s for s, _ in th.part_where]

    def where(i: int) -> str:
        k = int(np.searchsorted(starts, i, side="right")) - 1
        first, name = th.part_where[max(k, 0)]
        return f"{name}, message {i - first + 1}"

    return where


def _contact(names: list[str], me: set[int]) -> int | None:
    """The other person's code in a one-to-one thread, None when the user is unknown."""
    others = [c for c in range(len(names)) if c not in me]
    return others[0] if me and len(others) == 1 else None


def _calls(
    msgs: dict[int, dict],
    calls: list[tuple[int, int, int]],
    remap: np.ndarray,
    names: list[str],
    me: set[int],
    report: FileReport,
    out: _Rows,
) -> None:
    """Add the ``call``/``video`` rows of a one-to-one thread to ``out`` (see the module doc)."""
    contact = _contact(names, me)
    when: list[int] = []
    for i, t, raw in calls:
        m = msgs[i]
        c = int(remap[raw])
        text = m.get("content")
        text = fix_mojibake(text).lower() if isinstance(text, str) else ""
        raw_secs = m.get("call_duration")
        ok = isinstance(raw_secs, (int, float)) and 0 <= raw_secs < 10_000_000  # < 116 days
        secs = float(raw_secs) if ok else None  # type: ignore[arg-type]
        missed = secs == 0 or "missed" in text
        kind = "video" if "video" in text else "call"
        what = ("missed " if missed else "") + ("video call" if kind == "video" else "call")
        minutes = 0.0 if missed else (secs / 60.0 if secs is not None else float("nan"))
        if contact is not None:
            targets = [(names[contact], "outgoing" if c in me else "incoming")]
        else:
            targets = [(n, "unknown") for k, n in enumerate(names) if k not in me]
        for who_name, d in targets:
            when.append(t * 1_000_000)
            out.who.append(who_name)
            out.channel.append(kind)
            out.direction.append(d)
            out.duration.append(minutes)
            out.event_id.append("")
            out.note.append(what)
        report.read += 1
        report.imported += 1
    out.utc_ns.append(np.array(when, dtype=np.int64))


def _local_ns(utc_ns: np.ndarray, tz: str) -> np.ndarray:
    """UTC nanoseconds -> naive local-clock nanoseconds in ``tz`` (for bursts and days)."""
    if tz in ("UTC", "Etc/UTC", ""):
        return utc_ns
    idx = pd.DatetimeIndex(utc_ns.astype("datetime64[ns]")).tz_localize("UTC").tz_convert(tz)
    return idx.tz_localize(None).asi8
