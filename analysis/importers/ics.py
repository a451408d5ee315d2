"""iCalendar (.ics) files: meetings become interactions with each person who took part.

Rules (one VEVENT component = one record of the report):

* Each VEVENT with ATTENDEEs gives one row per participant who is not the user, per occurrence:
  the attendees and the ORGANIZER (the organiser took part too). ``who`` is the participant's
  e-mail address (``mailto:`` stripped, lower-cased), or its CN when it has no address.
  Attendees who declined (PARTSTAT=DECLINED), rooms and resources (CUTYPE=ROOM/RESOURCE) and
  groups (CUTYPE=GROUP: a mailing list is not a person) get no row.
* Channel ``in_person``, or ``video`` when the event carries a video-call link
  (:data:`VIDEO_LINK_RE` in LOCATION, DESCRIPTION, URL, CONFERENCE, X-GOOGLE-CONFERENCE or the
  Microsoft online-meeting properties; or a CONFERENCE with FEATURE=VIDEO, RFC 7986).
* ``duration_min`` from DTEND - DTSTART or DURATION; NaN for all-day events (their length is
  not the meeting's). ``direction``: ``outgoing`` when the user organised it, ``incoming`` when
  someone else did, ``unknown`` when there is no ORGANIZER or the user is not known.
* ``event_id`` = ``stable_id("ics", UID, occurrence start)``, shared by every participant of one
  occurrence (it ties them to each other in the network). It never depends on the file: two
  exports of one calendar give the same event ids. An event without a UID is keyed by its
  summary and organiser instead.
* Skipped with a reason: cancelled events (STATUS:CANCELLED), events the user declined, events
  without attendees (personal blocks, all-day markers), events without a start, events whose
  other attendees all declined. VTODO/VJOURNAL/VFREEBUSY are not events: they are counted in
  the notes, not read.

**Who the user is**: ``options.me`` (names or e-mail addresses) when given. Otherwise the
calendar's owner is guessed: Google's ``X-WR-CALNAME`` when it is an e-mail address, else the
address that takes part in the most events, if it takes part in at least two and in more
events than any other address. When neither tells, no one is taken for the user, every
participant gets a row, directions are ``unknown``, and a warning says so.

**Recurring events** (RRULE/RDATE/EXDATE, expanded lazily with ``dateutil.rrule``): occurrences
are never invented past today (UTC). A finite series (COUNT/UNTIL, or RDATE alone) is expanded
in full up to today; an open-ended series only over the last :data:`RECURRENCE_YEARS_BACK`
years. At most :data:`MAX_OCCURRENCES` occurrences per series are kept (the latest ones), and
the cap is reported. Modified occurrences (RECURRENCE-ID) are their own components and replace
the occurrence they override. Non-recurring events are kept at their date, past or future.

**Budgets** (so that a 300-byte event cannot cost minutes or gigabytes): a series' start is
moved forward by whole periods to the start of its window before expanding (a rule that repeats
every second since 2001 does not walk through 2001-2020); at most :data:`ITERATION_LIMIT`
occurrences are looked at and :data:`EXPANSION_SECONDS` spent per series, with a warning when
either cuts it; an event with more than :data:`MAX_PARTICIPANTS` participants is skipped, and
one event gives at most :data:`MAX_ROWS_PER_EVENT` rows (occurrences x participants: the
latest occurrences are kept, with a warning). Dates outside 1677-2262 are skipped with
:data:`analysis.dates.OUT_OF_RANGE_REASON`.

**Time zones**: TZID honoured (VTIMEZONE or IANA name); floating (naive) times and all-day dates
are read in ``options.timezone``; a TZID that cannot be resolved falls back to
``options.timezone`` with a warning.

**Broken files**: the whole file is parsed with ``icalendar``; if that fails, or finds fewer
VEVENTs than the text holds (a truncated file), each ``BEGIN:VEVENT`` block is parsed on its own
(in one pass over the lines, each block with only the VTIMEZONEs it names) so a broken event
costs that event only.

**jCal** (RFC 7265, iCalendar as JSON: ``["vcalendar", ...]``) is read with ``icalendar``'s
``from_jcal`` and then follows the same rules (its records are named ``event N``, without lines).
"""

from __future__ import annotations

import re
import time
import warnings
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import pandas as pd
from dateutil.rrule import rruleset, rrulestr

from analysis.dates import OUT_OF_RANGE_REASON, representable
from analysis.errors import UnusableFileError
from analysis.importers.base import (
    Detection,
    FileReport,
    ImportOptions,
    ImportResult,
    SourceFile,
    stable_id,
)
from analysis.importers.text import decode_text
from analysis.model import interactions_frame
from analysis.normalize import nfc, normalize_email, normalize_name

FORMAT = "ics"
LABEL = "iCalendar (.ics)"
LABEL_JCAL = "jCal (iCalendar as JSON, RFC 7265)"
_JCAL_RE = re.compile(r'^\s*\[\s*"vcalendar"', re.I)

RECURRENCE_YEARS_BACK = 5
"""How far back an open-ended recurring series is expanded (judgement: the support network is
about the present; five years covers the slow outer circles, Dunbar et al. 2015)."""

MAX_OCCURRENCES = 2000
"""Occurrences kept per recurring series (a daily meeting over five years is 1,826)."""

ITERATION_LIMIT = 10_000
"""Occurrences looked at per series before giving up (guards FREQ=SECONDLY-style rules; a daily
series over five years is 1,826, a weekday series 1,300)."""

EXPANSION_SECONDS = 0.2
"""CPU time spent expanding one series before giving up (a budget, checked as occurrences
come). CPU time of this process, not wall time: a machine busy with other work must not cut a
series short, and the same file must give the same records."""

MAX_PARTICIPANTS = 500
"""Events with more participants are skipped: a list that long is a broadcast (an all-hands,
a webinar), not a meeting that says anything about a tie, and it would multiply rows."""

MAX_ROWS_PER_EVENT = 20_000
"""Rows one VEVENT may give (occurrences x participants); past it the latest occurrences that
fit are kept, with a warning (a weekly 40-person meeting over five years is 10,400 rows)."""

_FREQ_PERIOD = {
    "SECONDLY": timedelta(seconds=1),
    "MINUTELY": timedelta(minutes=1),
    "HOURLY": timedelta(hours=1),
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(weeks=1),
}
"""Fixed periods of the frequencies a series' start can be moved forward by (months and years
vary in length; they are few enough to walk)."""

VIDEO_LINK_RE = re.compile(
    r"zoom\.us|zoomgov\.com|meet\.google\.com|teams\.microsoft\.com|teams\.live\.com|"
    r"webex\.com|whereby\.com|meet\.jit\.si|jitsi|facetime\.apple\.com|gotomeeting\.com|"
    r"join\.skype\.com|meet\.lync\.com",
    re.IGNORECASE,
)
"""Video-call services whose links mark an event as a video call rather than in person."""

_LINK_PROPS = (
    "LOCATION",
    "DESCRIPTION",
    "URL",
    "CONFERENCE",
    "X-GOOGLE-CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGCONFLINK",
    "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK",
    "X-ALT-DESC",
)
_NOT_PEOPLE = {"ROOM", "RESOURCE", "GROUP"}
_OTHER_COMPONENTS = {
    "VTODO": "to-dos",
    "VJOURNAL": "journal entries",
    "VFREEBUSY": "free/busy blocks",
    "VAVAILABILITY": "availability blocks",
}
_BEGIN_RE = re.compile(
    r"^BEGIN:(VEVENT|VCALENDAR|VTODO|VJOURNAL|VFREEBUSY|VAVAILABILITY|"
    r"VTIMEZONE|VALARM)\s*$",
    re.I | re.M,
)
_COMPONENT_START = re.compile(
    r"^BEGIN:(VEVENT|VTODO|VJOURNAL|VFREEBUSY|VTIMEZONE|VALARM|VAVAILABILITY)\s*$", re.I
)


def sniff(name: str, head: str) -> Detection | None:
    """``BEGIN:VCALENDAR`` near the start (0.99); a bare iCalendar component such as
    ``BEGIN:VEVENT`` without the VCALENDAR wrapper (0.9)."""
    if _JCAL_RE.match(head.lstrip("\ufeff")):
        return Detection(FORMAT, LABEL_JCAL, 0.95)
    lines = [ln.strip() for ln in head.lstrip("\ufeff").splitlines()[:20] if ln.strip()]
    if not lines:
        return None
    if any(ln.upper() == "BEGIN:VCALENDAR" for ln in lines[:5]):
        return Detection(FORMAT, LABEL, 0.99)
    if _COMPONENT_START.match(lines[0]):
        return Detection(FORMAT, LABEL, 0.9, ("iCalendar component without a VCALENDAR wrapper",))
    if (
        re.match(r"^BEGIN:[A-Z][A-Z0-9-]*$", lines[0], re.I)
        and lines[0].upper() != "BEGIN:VCARD"
        and re.search(r"^BEGIN:VEVENT\s*$", head, re.I | re.M)
    ):
        return Detection(FORMAT, LABEL, 0.8, ("events inside an unknown component",))
    return None


@dataclass
class _Participant:
    who: str
    email: str
    name: str
    partstat: str
    cutype: str
    organizer: bool = False


@dataclass
class _Rows:
    ts: list = field(default_factory=list)
    who: list = field(default_factory=list)
    chan: list = field(default_factory=list)
    direc: list = field(default_factory=list)
    dur: list = field(default_factory=list)
    eid: list = field(default_factory=list)
    note: list = field(default_factory=list)


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read an .ics file into interactions (see the module docstring for every rule)."""
    dec = decode_text(source.data)
    text = dec.text.lstrip("\ufeff")
    jcal = bool(_JCAL_RE.match(text))
    label = LABEL_JCAL if jcal else LABEL
    report = FileReport(source.name, FORMAT, label, encoding=dec.encoding)
    if jcal:
        text = _jcal_to_ical(source, text)
    tz = _zone(options.timezone, report)
    now = datetime.now(UTC)

    expected = _vevent_lines(text)
    events, timezones, others = _components(text, expected, report)
    for kind, n in sorted(others.items()):
        report.notes.append(f"{kind} in the file: {n} (not events, not imported)")

    me = _Me.from_options(options)
    if not me:
        me = _guess_owner(text, [e for _, _, e in events if e is not None], report)

    overrides: dict[str, list[datetime]] = {}
    bad_rid: dict[int, str] = {}
    for i, _, ev in events:
        if ev is None or ev.get("RECURRENCE-ID") is None:
            continue
        try:
            rid = _instant(ev.get("RECURRENCE-ID").dt, tz)
        except Exception as exc:  # noqa: BLE001 - icalendar raises many kinds on a bad value
            bad_rid[i] = f"its RECURRENCE-ID is not a date or time ({_short(exc)})"
            continue
        if ev.get("UID"):
            overrides.setdefault(str(ev.get("UID")), []).append(rid)

    rows = _Rows()
    expanded_series = 0
    expanded_occ = 0
    bad_tz: set[str] = set()
    for i, line, ev in events:
        where = f"event {i}" if jcal else f"event {i} (line {line})"
        if ev is None:  # already skipped by the block parser
            continue
        if i in bad_rid:
            report.skip(where, bad_rid[i])
            continue
        try:
            n_occ, was_series = _one_event(
                ev, i, where, source, options, tz, now, me, overrides, rows, report, bad_tz
            )
        except Exception as exc:  # noqa: BLE001 - one broken event costs that event only
            report.skip(where, f"could not be read: {_short(exc)}")
            continue
        if n_occ:
            report.imported += 1
            report.read += 1
            if was_series:
                expanded_series += 1
                expanded_occ += n_occ
    for name in sorted(bad_tz):
        report.warnings.append(
            f"time zone {name!r} is unknown: its times were read in {options.timezone}"
        )
    if expanded_series:
        report.notes.append(
            f"{expanded_series} recurring event(s) expanded into {expanded_occ} occurrences "
            f"(up to today; open-ended series over the last {RECURRENCE_YEARS_BACK} years)"
        )
    if not events and not others:
        report.notes.append("the calendar holds no events")

    frame = interactions_frame(
        pd.to_datetime(rows.ts, utc=True)
        if rows.ts
        else pd.Series([], dtype="datetime64[ns, UTC]"),
        rows.who,
        rows.chan,
        rows.direc,
        rows.dur,
        rows.eid,
        rows.note,
        f"{source.name} ({label})",
    )
    return ImportResult(interactions=frame, report=report)


def _short(exc: object, limit: int = 120) -> str:
    """An exception (or value) as a message of at most ``limit`` characters."""
    text = str(exc).replace("\r", " ").replace("\n", " ") or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _jcal_to_ical(source: SourceFile, text: str) -> str:
    """jCal (RFC 7265) read with ``icalendar`` and written back as iCalendar text."""
    try:
        cal = icalendar.Calendar.from_jcal(text)
        return cal.to_ical().decode("utf-8")
    except Exception as exc:  # noqa: BLE001 - any jCal error means the file is unusable
        raise UnusableFileError(source.name, f"not valid jCal ({exc})") from None


# --- the user ---------------------------------------------------------------------------------


@dataclass
class _Me:
    emails: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    @classmethod
    def from_options(cls, options: ImportOptions) -> _Me:
        me = cls()
        for entry in options.me:
            email = normalize_email(entry)
            if email:
                me.emails.add(email)
            elif normalize_name(entry):
                me.names.add(normalize_name(entry))
        return me

    def __bool__(self) -> bool:
        return bool(self.emails or self.names)

    def matches(self, p: _Participant) -> bool:
        if p.email and p.email in self.emails:
            return True
        return bool(p.name) and normalize_name(p.name) in self.names


def _guess_owner(text: str, events: list, report: FileReport) -> _Me:
    """The calendar owner: X-WR-CALNAME when it is an address, else the address in the most
    events (at least two, and more than any other)."""
    m = re.search(r"^X-WR-CALNAME[^:\n]*:(.+)$", text, re.M)
    if m and normalize_email(m.group(1).strip()):
        owner = normalize_email(m.group(1).strip())
        report.notes.append(
            f"you were taken to be {owner} (the calendar's name); set 'me' to change"
        )
        return _Me(emails={owner})
    counts: Counter[str] = Counter()
    for ev in events:
        counts.update({p.email for p in _participants(ev) if p.email})
    ranked = counts.most_common(2)
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        owner = ranked[0][0]
        report.notes.append(
            f"you were taken to be {owner} (the address in the most events); set 'me' to change"
        )
        return _Me(emails={owner})
    if any(ev.get("ATTENDEE") is not None for ev in events):
        report.warnings.append(
            "could not tell which participant is you: every participant was imported and "
            "directions are unknown; set 'me' to your name or e-mail address"
        )
    return _Me()


# --- one event ----------------------------------------------------------------------------------


def _one_event(ev, i, where, source, options, tz, now, me, overrides, rows, report, bad_tz):
    """Add the rows of one VEVENT; returns (occurrences with rows, is a recurring series).
    Skips (with the reason) when the event gives no row."""
    status = str(ev.get("STATUS", "")).strip().upper()
    if status == "CANCELLED":
        report.skip(where, "cancelled (STATUS:CANCELLED)")
        return 0, False
    start_prop = ev.get("DTSTART")
    if start_prop is None:
        why = "; ".join(str(e[1]) for e in getattr(ev, "errors", []) if e[1])
        report.skip(where, "no start time (DTSTART)" + (f": {why}" if why else ""))
        return 0, False
    try:
        start = start_prop.dt
    except (ValueError, TypeError, AttributeError):
        why = "; ".join(str(e[1]) for e in getattr(ev, "errors", []) if e[1])
        report.skip(where, f"its start time (DTSTART) could not be read ({why or 'malformed'})")
        return 0, False
    for _prop, err in getattr(ev, "errors", []) or []:
        report.warnings.append(f"{where}: a line could not be read ({err})")
    if not isinstance(start, date):
        report.skip(where, "its start time (DTSTART) is not a date or time")
        return 0, False
    if not representable(start):
        report.skip(where, OUT_OF_RANGE_REASON)
        return 0, False
    all_day = isinstance(start, date) and not isinstance(start, datetime)
    tzid = start_prop.params.get("TZID") if hasattr(start_prop, "params") else None
    if tzid and isinstance(start, datetime) and start.tzinfo is None:
        bad_tz.add(str(tzid))

    parts = _participants(ev)
    if ev.get("ATTENDEE") is None:
        what = "all-day event" if all_day else "event"
        report.skip(where, f"no attendees: a personal {what}, not a meeting with anyone")
        return 0, False
    mine = [p for p in parts if me and me.matches(p)]
    if any(p.partstat == "DECLINED" for p in mine if not p.organizer):
        report.skip(where, "you declined it (PARTSTAT=DECLINED)")
        return 0, False
    others = [
        p
        for p in parts
        if not (me and me.matches(p)) and p.cutype not in _NOT_PEOPLE and p.partstat != "DECLINED"
    ]
    if len(others) > MAX_PARTICIPANTS:
        report.skip(
            where,
            f"more than {MAX_PARTICIPANTS} participants ({len(others)}): a broadcast, "
            "not a meeting",
        )
        return 0, False
    if not others:
        if any(p.partstat == "DECLINED" for p in parts if not (me and me.matches(p))):
            report.skip(where, "every other attendee declined")
        elif any(p.cutype in _NOT_PEOPLE for p in parts):
            report.skip(where, "no attendees other than rooms, resources or groups")
        else:
            report.skip(where, "no attendees other than you")
        return 0, False

    organizer = next((p for p in parts if p.organizer), None)
    if organizer is None or not me:
        direction = "unknown"
    else:
        direction = "outgoing" if me.matches(organizer) else "incoming"
    channel = "video" if _has_video_link(ev) else "in_person"
    duration = float("nan") if all_day else _duration_min(ev, start)
    summary = nfc(str(ev.get("SUMMARY", "")))[:80]
    uid = str(ev.get("UID") or "")
    # The event's identity, never the file's: UID, or without one what the event says.
    key = uid or f"no-uid|{summary}|{organizer.who if organizer else ''}"

    is_series = ev.get("RECURRENCE-ID") is None and (
        ev.get("RRULE") is not None or ev.get("RDATE") is not None
    )
    if is_series:
        starts = _occurrences(ev, tz, now, overrides.get(uid, []) if uid else [], where, report)
        if not starts:
            report.skip(where, "recurring event with no occurrence up to today")
            return 0, True
    else:
        starts = [_instant(start, tz)]
    fit = max(1, MAX_ROWS_PER_EVENT // len(others))
    if len(starts) > fit:
        report.warnings.append(
            f"{where}: {len(starts):,} occurrences x {len(others)} participants is more than "
            f"{MAX_ROWS_PER_EVENT:,} rows; the latest {fit:,} occurrences were kept"
        )
        starts = starts[-fit:]

    for occ in starts:
        event_id = stable_id("ics", key, occ.isoformat())
        for p in others:
            rows.ts.append(occ)
            rows.who.append(p.who)
            rows.chan.append(channel)
            rows.direc.append(direction)
            rows.dur.append(duration)
            rows.eid.append(event_id)
            rows.note.append(summary)
    return len(starts), is_series


def _participants(ev) -> list[_Participant]:
    """ORGANIZER and ATTENDEEs, one entry per person (an organiser listed as attendee once)."""
    out: list[_Participant] = []
    seen: dict[str, _Participant] = {}
    org = ev.get("ORGANIZER")
    raw = ev.get("ATTENDEE")
    attendees = raw if isinstance(raw, list) else ([raw] if raw is not None else [])
    items = ([(org, True)] if org is not None else []) + [(a, False) for a in attendees]
    for value, is_org in items:
        params = getattr(value, "params", {}) or {}
        email = normalize_email(str(value))
        name = nfc(str(params.get("CN", "")).strip('"'))
        who = email or name
        if not who:
            continue
        key = email or f"cn:{normalize_name(name)}"
        partstat = str(params.get("PARTSTAT", "")).upper()
        cutype = str(params.get("CUTYPE", "")).upper()
        if key in seen:
            p = seen[key]
            p.organizer = p.organizer or is_org
            if not is_org:
                p.partstat = partstat or p.partstat
                p.cutype = cutype or p.cutype
                p.name = p.name or name
            continue
        p = _Participant(
            who, email, name, "" if is_org else partstat, "" if is_org else cutype, is_org
        )
        seen[key] = p
        out.append(p)
    return out


def _has_video_link(ev) -> bool:
    for prop in _LINK_PROPS:
        val = ev.get(prop)
        if val is None:
            continue
        vals = val if isinstance(val, list) else [val]
        for v in vals:
            if VIDEO_LINK_RE.search(str(v)):
                return True
            params = getattr(v, "params", {}) or {}
            if prop == "CONFERENCE" and "VIDEO" in str(params.get("FEATURE", "")).upper():
                return True
    return False


def _duration_min(ev, start) -> float:
    end_prop = ev.get("DTEND")
    try:
        if end_prop is not None:
            end = end_prop.dt
            if isinstance(end, datetime) and isinstance(start, datetime):
                if (end.tzinfo is None) != (start.tzinfo is None):
                    end = end.replace(tzinfo=start.tzinfo)
                minutes = (end - start).total_seconds() / 60
                return minutes if minutes >= 0 else float("nan")
            return float("nan")
        dur = ev.get("DURATION")
        if dur is not None and isinstance(dur.dt, timedelta):
            return dur.dt.total_seconds() / 60
    except (TypeError, ValueError, AttributeError):
        pass
    return float("nan")


def _occurrences(ev, tz, now, overridden, where, report) -> list[datetime]:
    """UTC starts of a series' occurrences up to today, in order (see the module docstring for
    the window and the budgets). Raises ValueError when the rule cannot be read."""
    start = ev.get("DTSTART").dt
    base = start if isinstance(start, datetime) else datetime(start.year, start.month, start.day)
    raw = ev.get("RRULE")
    rules = raw if isinstance(raw, list) else ([raw] if raw is not None else [])
    open_ended = any("COUNT" not in r and "UNTIL" not in r for r in rules)
    first = _instant(start, tz)
    begin = first
    if open_ended:
        begin = max(first, now - timedelta(days=365.25 * RECURRENCE_YEARS_BACK))
    end = _like(now, base, tz)
    rset = rruleset()
    cut = False
    for r in rules:
        rule, moved = _rule(r, base, _like(begin, base, tz), end, tz)
        rset.rrule(rule)
        cut = cut or moved
    for name, add in (("RDATE", rset.rdate), ("EXDATE", rset.exdate)):
        for value in _date_values(ev.get(name)):
            add(_like(value, base, tz))
    kept: deque[datetime] = deque(maxlen=MAX_OCCURRENCES)
    skip = set(overridden)
    seen = 0
    deadline = time.process_time() + EXPANSION_SECONDS
    for rule in rset._rrule:  # noqa: SLF001 - see _guard
        _guard(rule, deadline)
    too_long = (
        f"{where}: the recurrence rule took too long to expand; it was cut after "
        "{seen:,} occurrences"
    )
    try:
        for occ in rset:
            t = _instant(occ, tz)
            if t > now:
                break
            seen += 1
            if seen > ITERATION_LIMIT:
                report.warnings.append(
                    f"{where}: the recurrence rule repeats too often; only "
                    f"{ITERATION_LIMIT:,} of its occurrences were looked at"
                )
                break
            if seen % 256 == 0 and time.process_time() > deadline:
                report.warnings.append(too_long.format(seen=seen))
                break
            if t < begin or t in skip:
                continue
            kept.append(t)
    except _OutOfTime:
        report.warnings.append(too_long.format(seen=seen))
    if cut:
        report.warnings.append(
            f"{where}: the recurrence rule repeats too often; only its latest "
            f"{ITERATION_LIMIT:,} periods up to today were looked at"
        )
    if seen > MAX_OCCURRENCES and len(kept) == MAX_OCCURRENCES:
        report.warnings.append(
            f"{where}: more than {MAX_OCCURRENCES:,} occurrences; the latest "
            f"{MAX_OCCURRENCES:,} were kept"
        )
    return list(kept)


_UNTIL_RE = re.compile(r"(?i)(^|;)UNTIL=[^;]*")


class _OutOfTime(Exception):
    """Raised inside ``dateutil`` when a series has used its :data:`EXPANSION_SECONDS`."""


class _Timed(tuple):
    """A ``dateutil`` rule's BY-filter values that check a deadline as they are consulted."""

    deadline: float
    calls: int

    def _tick(self) -> None:
        self.calls += 1
        if self.calls % 512 == 0 and time.process_time() > self.deadline:
            raise _OutOfTime

    def __contains__(self, item: object) -> bool:
        self._tick()
        return tuple.__contains__(self, item)

    def __iter__(self):
        self._tick()
        return tuple.__iter__(self)


_GUARDED = (
    "_bymonth",
    "_byweekno",
    "_byyearday",
    "_byweekday",
    "_bynweekday",
    "_byeaster",
    "_bymonthday",
    "_bynmonthday",
    "_bysetpos",
    "_byhour",
    "_byminute",
    "_bysecond",
)


def _guard(rule, deadline: float) -> None:
    """Make ``rule`` raise :class:`_OutOfTime` past ``deadline``.

    Why: ``dateutil`` stops a rule whose BY-filters never match (``FREQ=DAILY;BYMONTH=2;
    BYMONTHDAY=30``) only at the year 9999, walking every day on the way (minutes), and it
    checks UNTIL only on days that match; no occurrence ever reaches the caller's loop to
    check the time. Every filter value it consults is replaced by a :class:`_Timed` copy that
    checks the deadline, so such a rule is cut after :data:`EXPANSION_SECONDS`. Rules without
    filters yield every candidate, and the caller's loop checks the time itself. (Private
    attributes of dateutil 2.x; if they are absent nothing is replaced.)"""
    for name in _GUARDED:
        value = getattr(rule, name, None)
        if value:
            timed = _Timed(value)
            timed.deadline = deadline
            timed.calls = 0
            setattr(rule, name, timed)


def _rule(recur, base: datetime, window_start: datetime, end: datetime, tz: ZoneInfo):
    """``(dateutil rule, cut)`` for one RRULE value: UNTIL read in the series' own frame and
    never past ``end`` (today), so that a rule nothing matches stops today, and a rule without
    COUNT starting at the last whole period before ``window_start`` (at most
    :data:`ITERATION_LIMIT` periods before ``end``: ``cut`` says when that limit moved it)."""
    text = recur.to_ical().decode("ascii", errors="replace")
    until_values = recur.get("UNTIL") or []
    until = _like(until_values[0], base, tz) if until_values else None
    if until is None or until > end:
        until = end
    freq = str((recur.get("FREQ") or [""])[0]).upper()
    interval = int((recur.get("INTERVAL") or [1])[0] or 1)
    if interval < 1:
        raise ValueError(f"INTERVAL={interval} is not a positive number")
    dtstart, cut = base, False
    period = _FREQ_PERIOD.get(freq)
    if period is not None and "COUNT" not in recur:
        step = period * interval
        target = window_start
        if (end - target) / step > ITERATION_LIMIT:
            target, cut = end - step * ITERATION_LIMIT, True
        whole = (target - base) // step - 1
        if whole > 0:
            dtstart = base + step * whole
    text = _UNTIL_RE.sub("", text).lstrip(";")
    with warnings.catch_warnings():  # COUNT with UNTIL: dateutil warns, and stops at either
        warnings.simplefilter("ignore", DeprecationWarning)
        rule = rrulestr(text, dtstart=dtstart, cache=False)
        rule = rule.replace(until=until)
    return rule, cut


def _date_values(prop) -> list:
    """The dates/times of an RDATE or EXDATE property (one or several lines)."""
    props = prop if isinstance(prop, list) else ([prop] if prop is not None else [])
    out = []
    for p in props:
        for d in getattr(p, "dts", []) or []:
            value = getattr(d, "dt", None)
            if isinstance(value, date):  # periods (start, end) are not starts
                out.append(value)
    return out


def _like(value, base: datetime, tz: ZoneInfo) -> datetime:
    """``value`` (date or datetime) in the frame of a series' start ``base``: naive when the
    start is floating (read in ``tz``), aware when it is aware; a date is its midnight."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if base.tzinfo is None:
        if value.tzinfo is not None:
            value = value.astimezone(tz).replace(tzinfo=None)
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=base.tzinfo)
    return value.astimezone(base.tzinfo)


def _instant(value, tz: ZoneInfo) -> datetime:
    """A UTC datetime: aware times converted, naive ones read in ``tz``, dates at midnight."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            value = value.replace(tzinfo=tz)
        return value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz).astimezone(UTC)
    raise ValueError(f"not a date or time: {value!r}")


def _zone(name: str, report: FileReport) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        report.warnings.append(f"time zone {name!r} is unknown: naive times read as UTC")
        return ZoneInfo("UTC")


# --- reading the file ---------------------------------------------------------------------------


def _vevent_lines(text: str) -> list[int]:
    """Line numbers (1-based) of every ``BEGIN:VEVENT``."""
    return [i + 1 for i, ln in enumerate(text.splitlines()) if ln.strip().upper() == "BEGIN:VEVENT"]


def _components(text: str, expected: list[int], report: FileReport):
    """``([(index, line, VEVENT or None)], [VTIMEZONE], Counter of other components)``.

    Parses the whole file; falls back to one block per event when that fails or loses events.
    Events the fallback could not read are skipped here (their tuple holds None)."""
    others: Counter[str] = Counter()
    try:
        parsed = icalendar.Calendar.from_ical(text, multiple=True)
        events, tzs = [], []
        for comp in parsed:
            for sub in comp.walk():
                if sub.name == "VEVENT":
                    events.append(sub)
                elif sub.name == "VTIMEZONE":
                    tzs.append(sub)
                elif sub.name in _OTHER_COMPONENTS:
                    others[_OTHER_COMPONENTS[sub.name]] += 1
        if len(events) == len(expected):
            return [(i + 1, expected[i], ev) for i, ev in enumerate(events)], tzs, others
        problem = (
            f"the file reads as {len(events)} event(s) but holds {len(expected)} "
            "(it may be cut short or badly nested)"
        )
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        problem = f"the calendar could not be read whole ({exc})"
    if not expected:
        if not others and re.search(r"^BEGIN:V", text, re.M | re.I) is None:
            raise UnusableFileError(report.file, "no iCalendar components in the file")
        if not others:
            raise UnusableFileError(report.file, f"{problem}; it holds no events")
        return [], [], others
    report.warnings.append(f"{problem}: each event was read on its own")
    others = Counter(
        _OTHER_COMPONENTS[m.group(1).upper()]
        for m in _BEGIN_RE.finditer(text)
        if m.group(1).upper() in _OTHER_COMPONENTS
    )
    return _blocks(text, expected, report), [], others


def _blocks(text: str, expected: list[int], report: FileReport):
    """Each event's block parsed on its own. Linear in the file: a block's scan stops at the
    next ``BEGIN:VEVENT``, and each block is wrapped only with the VTIMEZONEs it names."""
    lines = text.splitlines()
    zones = _vtimezone_blocks(lines)
    out: list[tuple[int, int, Any]] = []
    for i, start in enumerate(expected, 1):
        where = f"event {i} (line {start})"
        block: list[str] = []
        ended = False
        depth = 0
        for j in range(start - 1, len(lines)):
            ln = lines[j]
            up = ln.strip().upper()
            if block and up == "BEGIN:VEVENT" and depth == 0:
                break  # the next event starts before this one ended
            block.append(ln)
            if up.startswith("BEGIN:"):
                depth += 1
            elif up.startswith("END:"):
                depth -= 1
                if up == "END:VEVENT" and depth == 0:
                    ended = True
                    break
            if up == "END:VCALENDAR":
                break
        if not ended:
            report.skip(where, "the event ends early (no END:VEVENT): the file is cut short")
            out.append((i, start, None))
            continue
        body = "\r\n".join(block)
        named = dict.fromkeys(m.strip('"') for m in _TZID_PARAM_RE.findall(body))
        tz_text = "\r\n".join(zones[t] for t in named if t in zones)
        wrapped = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + tz_text + "\r\n" + body
        wrapped += "\r\nEND:VCALENDAR\r\n"
        bare = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "\r\n".join(block) + "\r\nEND:VCALENDAR\r\n"
        event, error = None, ""
        for attempt in (wrapped, bare) if tz_text else (bare,):
            try:
                evs = icalendar.Calendar.from_ical(attempt).walk("VEVENT")
                if len(evs) == 1:
                    event = evs[0]
                    break
                error = "not a single event"
            except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
                error = str(exc)
        if event is None:
            report.skip(where, f"could not be read: {error}")
        out.append((i, start, event))
    return out


_TZID_PARAM_RE = re.compile(r'(?i);TZID=("[^"]*"|[^;:]*)')


def _vtimezone_blocks(lines: list[str]) -> dict[str, str]:
    """The file's VTIMEZONE blocks by TZID."""
    out: dict[str, str] = {}
    cur: list[str] | None = None
    tzid = ""
    for ln in lines:
        up = ln.strip().upper()
        if up == "BEGIN:VTIMEZONE":
            cur, tzid = [ln], ""
        elif cur is not None:
            cur.append(ln)
            if up.startswith("TZID") and ":" in ln:
                tzid = ln.split(":", 1)[1].strip()
            if up == "END:VTIMEZONE":
                out[tzid] = "\r\n".join(cur)
                cur = None
    return out
