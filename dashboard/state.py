"""The dashboard's state: the store is the one truth, the session only says which store.

Everything the user brings and decides (files, settings, merge answers, links, person edits,
states, done and snoozed suggestions, logged contact) is read from and written to a
:class:`~analysis.store.Store`, the same one ``closeknit --store`` uses:

* with the user's own files: the store at :func:`analysis.store.default_store_path`
  (``$CLOSEKNIT_STORE``, else the user data directory), kept across restarts;
* with the bundled sample: a store of this session's own in a temporary folder, copied from a
  prepared one (:func:`dashboard.data.sample_template`), deleted when the server stops. The sample
  never touches the user's store, but runs through the same code.

The session keeps only what is about the screen: which store (sample or own), the uploader's key,
the selected person, the outcome of the last upload.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import uuid
import zoneinfo
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st

from analysis.errors import StoreError
from analysis.identity import MergeDecisions
from analysis.importers.base import SourceFile
from analysis.occasions import FollowUp, Occasion
from analysis.pipeline import ProgressFn, finish_saves, import_files
from analysis.store import ImportOutcome, PersonEdit, Store, default_store_path, delete_store
from analysis.store.store import FILES_COLUMNS

MODE = "ck_mode"  # "sample" (the bundled persona) or "own" (the user's files)
SAMPLE_STORE = "ck_sample_store"  # path of this session's copy of the sample store
UPLOADER = "ck_uploader_n"  # bumps to clear the file uploader once its files are kept
SELECTED = "ck_person"  # person_id shown in the network page's card
LAST_UPLOAD = "ck_last_upload"  # list[ImportOutcome] of the last upload, for the Import page

DEFAULT_REGION = "US"
DEFAULT_TIMEZONE = "UTC"

T = TypeVar("T")

_TEMP = Path(tempfile.mkdtemp(prefix="closeknit-sample-"))
atexit.register(shutil.rmtree, _TEMP, True)


def temp_dir() -> Path:
    """This server's temporary folder (the sample stores; removed when the server stops)."""
    return _TEMP


def init(template: Callable[[], Path]) -> None:
    """Set the session up once: open on the user's own store when it holds files, else on the
    sample. ``template`` gives the prepared sample store to copy for this session."""
    ss = st.session_state
    ss.setdefault(UPLOADER, 0)
    ss.setdefault(LAST_UPLOAD, [])
    if SAMPLE_STORE not in ss:
        path = _TEMP / f"session-{uuid.uuid4().hex}.sqlite3"
        shutil.copyfile(template(), path)
        ss[SAMPLE_STORE] = str(path)
    if MODE not in ss:
        ss[MODE] = "own" if own_files_exist() else "sample"


def own_files_exist() -> bool:
    """True when the user's own store exists, can be opened and holds at least one file."""
    path = default_store_path()
    if not path.exists() or store_problem() is not None:
        return False
    with Store(path) as store:
        return bool(store.counts()["files"])


def store_problem() -> str | None:
    """Why the user's own store cannot be used (corrupt, newer, read-only...), or None."""
    path = default_store_path()
    if not path.exists():
        return None
    try:
        Store(path).close()
    except StoreError as exc:
        return str(exc)
    return None


def set_store_aside() -> Path:
    """Move the user's unusable store aside (kept, renamed with the time) so a new, empty one
    can start; returns where the old file now is."""
    path = default_store_path()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.unusable-{stamp}")
    path.rename(aside)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(aside.with_name(aside.name + suffix))
    return aside


def on_sample() -> bool:
    """True while the app shows the bundled sample persona."""
    return st.session_state.get(MODE, "sample") == "sample"


def use_own_files() -> None:
    """Switch to the user's own files (the sample is no longer shown)."""
    st.session_state[MODE] = "own"


def use_sample() -> None:
    """Go back to the bundled sample persona (the user's files stay, unused)."""
    st.session_state[MODE] = "sample"


def store_path() -> Path:
    """The store this session works on: the sample's copy, or the user's own."""
    if on_sample():
        return Path(st.session_state[SAMPLE_STORE])
    return default_store_path()


@contextmanager
def store() -> Iterator[Store]:
    """The session's store, open for one step."""
    with Store(store_path()) as s:
        yield s


def _read(fn: Callable[[Store], T]) -> T:
    with store() as s:
        return fn(s)


# --- settings ------------------------------------------------------------------------------------
def region() -> str:
    return str(_read(lambda s: s.setting("region", DEFAULT_REGION)))


def timezone() -> str:
    """The time zone files are read in: the one the user chose (kept in the store), else the
    browser's (:func:`browser_timezone`), else UTC."""
    return default_timezone(_read(lambda s: s.setting("timezone")), browser_timezone())


def browser_timezone() -> str | None:
    """The IANA time zone the browser reports (``st.context.timezone``), or None when unknown
    (no browser, as under a bare script run)."""
    try:
        zone = st.context.timezone
    except Exception:  # noqa: BLE001 - no request context: nothing known
        return None
    return str(zone) if zone else None


def default_timezone(
    chosen: object, browser: str | None, known: Collection[str] | None = None
) -> str:
    """The time zone to use: the user's ``chosen`` one when there is one (an explicit choice
    is kept), else the ``browser``'s when it is a zone ``known`` to this machine (default: the
    IANA zones of :mod:`zoneinfo`), else :data:`DEFAULT_TIMEZONE`."""
    if chosen:
        return str(chosen)
    zones = known if known is not None else _zones()
    if browser and browser in zones:
        return browser
    return DEFAULT_TIMEZONE


@functools.lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    """The IANA zones this machine knows (read from disk once: about 600 files)."""
    return frozenset(zoneinfo.available_timezones())


def me() -> tuple[str, ...]:
    """The user's own names/numbers/addresses, as chat exports show them."""
    return tuple(_read(lambda s: s.setting("me", []) or []))  # type: ignore[arg-type]


def add_me(name: str) -> tuple[str, ...]:
    """Add one of the user's own names (as a chat export shows them) to "me"; files are then
    re-read with it on the next run. Returns the names now kept."""
    with store() as s:
        now = sorted({*(s.setting("me", []) or []), name.strip()} - {""})  # type: ignore[misc]
        s.set_setting("me", now)
    return tuple(now)


def as_of() -> date:
    """The date the files are analysed as of: the one set, else today."""
    raw = _read(lambda s: s.setting("as_of"))
    return date.fromisoformat(str(raw)) if raw else date.today()


def set_settings(region: str, timezone: str, me: Sequence[str], as_of: date | None) -> bool:
    """Keep the reading settings; True when anything changed (files are then re-read with
    them on the next run, only those they change)."""
    wanted = {
        "region": region,
        "timezone": timezone,
        "me": sorted({m.strip() for m in me if m.strip()}),
        "as_of": as_of.isoformat() if as_of else None,
    }
    with store() as s:
        changed = {k: v for k, v in wanted.items() if s.setting(k, None) != v}
        for k, v in changed.items():
            s.set_setting(k, v)
    return bool(changed)


def parse_me(text: str) -> tuple[str, ...]:
    """Comma-separated names/numbers/addresses, as typed."""
    return tuple(sorted({p.strip() for p in text.split(",") if p.strip()}))


# --- files ---------------------------------------------------------------------------------------
def files() -> pd.DataFrame:
    """The stored files: digest, name, label, imported_at, contacts, interactions."""
    return _read(lambda s: s.files())


def sources() -> list[SourceFile]:
    """The stored files with their bytes, in import order."""
    return _read(lambda s: s.sources())


def add_files(
    uploads: Sequence[tuple[str, bytes]], progress: ProgressFn | None = None
) -> list[ImportOutcome]:
    """Read uploaded files into the session's store, each once (the same content twice is
    read once and said so). Keeps the outcomes for the Import page."""
    srcs = [SourceFile(name=n, data=d) for n, d in uploads]
    with store() as s:
        outcomes = import_files(s, srcs, s.options_for, progress)
    st.session_state[LAST_UPLOAD] = outcomes
    return outcomes


def own_files() -> pd.DataFrame:
    """The files in the user's own store (whichever store the session shows)."""
    path = default_store_path()
    if not path.exists():
        return pd.DataFrame(columns=list(FILES_COLUMNS))
    with Store(path) as s:
        return s.files()


def remove_own_file(digest: str) -> None:
    """Remove one file from the user's own store (with its records and settings)."""
    with Store(default_store_path()) as s:
        _remove(s, digest)


def _remove(s: Store, digest: str) -> None:
    finish_saves()  # no analysis of the removed file's people written after it
    s.remove_file(digest)
    s.set_file_setting(digest, "column_map", None)
    s.set_file_setting(digest, "dayfirst", None)


def remove_file(digest: str) -> None:
    """Remove one file from the session's store."""
    with store() as s:
        _remove(s, digest)


def clear_files() -> None:
    """Remove every file and the merge answers about them (edits of people stay)."""
    finish_saves()
    with store() as s:
        for digest in s.files()["digest"]:
            s.remove_file(str(digest))
        s.replace_decisions(MergeDecisions())
        s.set_setting("file_settings", {})


def column_maps() -> dict[str, tuple[tuple[str, str], ...]]:
    """digest -> the column mapping the user gave that file."""
    raw = _read(lambda s: s.setting("file_settings", {}) or {})
    return {
        d: tuple(tuple(p) for p in v.get("column_map", ()))  # type: ignore[misc]
        for d, v in raw.items()  # type: ignore[union-attr]
        if v.get("column_map")
    }


def set_column_map(digest: str, mapping: dict[str, str]) -> None:
    clean = sorted([k, v] for k, v in mapping.items() if v)
    with store() as s:
        s.set_file_setting(digest, "column_map", clean or None)


def dayfirst(digest: str) -> bool | None:
    """The date order the user chose for one file (None: decided from the file)."""
    value = _read(lambda s: s.file_settings(digest).get("dayfirst"))
    return None if value is None else bool(value)


def set_dayfirst(digest: str, value: bool | None) -> None:
    with store() as s:
        s.set_file_setting(digest, "dayfirst", value)


# --- merge answers and links ---------------------------------------------------------------------
def decisions() -> MergeDecisions:
    return _read(lambda s: s.decisions())


def decide(kind: str, a: str, b: str) -> None:
    """``confirmed``/``rejected`` for a pair of contact ids, or ``link`` an identity to one."""
    with store() as s:
        s.decide(kind, a, b)


def undo_merges() -> None:
    with store() as s:
        s.replace_decisions(MergeDecisions(links=s.decisions().links))


def undo_links() -> None:
    with store() as s:
        d = s.decisions()
        s.replace_decisions(MergeDecisions(confirmed=d.confirmed, rejected=d.rejected))


# --- people --------------------------------------------------------------------------------------
def edits() -> dict[str, PersonEdit]:
    return _read(lambda s: s.edits())


def _edit(person_id: str, **changes: object) -> None:
    with store() as s:
        current = s.edits().get(person_id, PersonEdit(person_id))
        for k, v in changes.items():
            setattr(current, k, v)
        s.save_edit(current)


def move_to_circle(person_id: str, circle: int | None) -> None:
    """Put a person in a circle of the user's choosing (None: let closeknit place them)."""
    _edit(person_id, circle=None if circle is None else int(circle))


def rate_closeness(person_id: str, rating: int | None) -> None:
    """The user's own closeness rating 1..5 (None: none given)."""
    _edit(person_id, closeness=None if rating is None else int(rating))


def set_person_edit(
    person_id: str, roles: tuple[str, ...] | None, interval: float | None, notes: str
) -> None:
    """The user's roles for a person (None: as found), the interval they want (None: their
    own rhythm) and free notes."""
    _edit(person_id, roles=roles, desired_interval_days=interval, notes=notes or "")


def set_states(person_id: str, states: Sequence[str]) -> None:
    """The states of a person's life (``far_away``, ``lives_with_me``, ``dont_suggest``,
    ``archived``, ``in_memory``)."""
    _edit(person_id, states=tuple(sorted(set(states))))


def circles() -> dict[str, int]:
    return {p: e.circle for p, e in edits().items() if e.circle is not None}


def closeness() -> dict[str, int]:
    return {p: e.closeness for p, e in edits().items() if e.closeness is not None}


def roles() -> dict[str, tuple[str, ...]]:
    return {p: e.roles for p, e in edits().items() if e.roles is not None}


def intervals() -> dict[str, float]:
    return {
        p: e.desired_interval_days
        for p, e in edits().items()
        if e.desired_interval_days is not None
    }


def notes() -> dict[str, str]:
    return {p: e.notes for p, e in edits().items() if e.notes}


def states() -> dict[str, tuple[str, ...]]:
    return {p: e.states for p, e in edits().items() if e.states}


# --- suggestions and logged contact --------------------------------------------------------------
def done() -> dict[str, date]:
    return _read(lambda s: s.suggestion_state()[0])


def snoozed() -> dict[str, date]:
    return _read(lambda s: s.suggestion_state()[1])


def mark_done(person_id: str, when: date) -> None:
    """The user reached out to ``person_id`` on ``when``: the suggestion is done and their
    follow-ups due by then are too (they leave "coming up" as well as the suggestions)."""
    with store() as s:
        s.mark_done(person_id, when)
        s.finish_follow_ups(person_id, when)
        d, z = s.suggestion_state()
        z.pop(person_id, None)
        s.replace_suggestion_state(d, z)


def snooze(person_id: str, until: date) -> None:
    with store() as s:
        s.snooze(person_id, until)


def reset_suggestions() -> None:
    with store() as s:
        s.replace_suggestion_state({}, {})


def log_contact(
    name: str,
    channel: str,
    when: pd.Timestamp,
    direction: str = "outgoing",
    note: str = "",
) -> None:
    """Record contact the user had; it is an interaction like any other from now on."""
    with store() as s:
        s.log_contact(name, channel, when, direction=direction, note=note)


def delete_everything() -> None:
    """Delete the user's store file for good and go back to the sample."""
    finish_saves()  # nothing written into it after it is gone
    delete_store(default_store_path())
    use_sample()


# --- the daily practice --------------------------------------------------------------------------
def checkins() -> dict[date, tuple[str, bool]]:
    """day -> (person_id, done) of the check-ins offered in this store."""
    return _read(lambda s: s.checkins())


def record_checkin(day: date, person_id: str, done: bool) -> None:
    with store() as s:
        s.record_checkin(day, person_id, done)


def occasions() -> list[Occasion]:
    return _read(lambda s: s.occasions())


def save_occasion(occasion: Occasion) -> None:
    with store() as s:
        s.save_occasion(occasion)


def follow_ups() -> list[FollowUp]:
    return _read(lambda s: s.follow_ups())


def add_follow_up(follow_up: FollowUp) -> None:
    with store() as s:
        s.add_follow_up(follow_up)


def self_check() -> list[int] | None:
    """The LSNS-6 answers the user kept (None: none kept)."""
    raw = _read(lambda s: s.setting("lsns6"))
    return [int(a) for a in raw] if raw else None  # type: ignore[union-attr]


def save_self_check(answers: list[int | None] | None) -> None:
    """Keep the self-check answers (None forgets them)."""
    with store() as s:
        s.set_setting("lsns6", [int(a or 0) for a in answers] if answers else None)


# --- groups --------------------------------------------------------------------------------------
def group_settings() -> dict:
    """``renames``, ``assigned`` and ``ceilings`` of the user's groups."""
    return _read(lambda s: s.group_settings())


def set_group_settings(settings: dict) -> None:
    with store() as s:
        s.set_group_settings(settings)


def assign_groups(person_id: str, groups: Sequence[str]) -> None:
    """The groups the user gives a person besides their address-book labels."""
    g = group_settings()
    g["assigned"][person_id] = sorted({x.strip() for x in groups if x.strip()})
    set_group_settings(g)


def rename_group(old: str, new: str) -> None:
    """Rename a group (to another group's name: the two are merged)."""
    g = group_settings()
    g["renames"] = {k: (new if v == old else v) for k, v in g["renames"].items()}
    g["renames"][old] = new
    g["assigned"] = {p: [new if x == old else x for x in v] for p, v in g["assigned"].items()}
    if old in g["ceilings"]:
        g["ceilings"].setdefault(new, g["ceilings"].pop(old))
    set_group_settings(g)


def set_group_ceiling(group: str, days: float | None) -> None:
    """At most ``days`` between contacts with the group's members (None: no ceiling)."""
    g = group_settings()
    if days:
        g["ceilings"][group] = float(days)
    else:
        g["ceilings"].pop(group, None)
    set_group_settings(g)
