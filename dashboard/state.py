"""The dashboard's session state, set up in one place.

Everything the user does in a session lives under the keys below: the files they brought (bytes
kept once, by content digest), their settings, their merge/link decisions, the column mappings
they fixed, and the suggestions they marked done or snoozed. Pages read and change state only
through these functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import streamlit as st

from analysis.importers.base import SourceFile

MODE = "ck_mode"  # "sample" (the bundled persona) or "own" (the user's files)
FILES = "ck_files"  # list[SourceFile], unique by digest, in upload order
DUPLICATES = "ck_duplicates"  # list[tuple[str, str]]: (name, same content as)
REGION = "ck_region"
TIMEZONE = "ck_timezone"
AS_OF = "ck_as_of"  # date the user's files are analysed as of (None = today)
ME = "ck_me"  # how the user appears in chat exports: names, numbers, addresses (comma-separated)
COLUMN_MAPS = "ck_column_maps"  # digest -> tuple[(canonical column, file column), ...]
DECISIONS = "ck_decisions"  # Decisions
DONE = "ck_done"  # person_id -> date
SNOOZED = "ck_snoozed"  # person_id -> date
CIRCLES = "ck_circles"  # person_id -> circle 1..4 the user moved them to
CLOSENESS = "ck_closeness"  # person_id -> the user's own closeness rating 1..5
ROLES = "ck_roles"  # person_id -> tuple of roles the user gave
INTERVALS = "ck_intervals"  # person_id -> how often the user wants contact (days)
NOTES = "ck_notes"  # person_id -> the user's notes
LOGGED = "ck_logged"  # contact logged in this session (sample mode, or a count in own mode)
RESTORED = "ck_restored"  # the store was read into this session
UPLOADER = "ck_uploader_n"  # bumps to clear the file uploader once its files are kept
SELECTED = "ck_person"  # person_id shown in the network page's card

DEFAULT_REGION = "US"
DEFAULT_TIMEZONE = "UTC"


@dataclass
class Decisions:
    """The user's answers to identity resolution: fuzzy merges confirmed or rejected (pairs of
    contact_ids) and unmatched identities linked to a person (``who`` -> contact_id)."""

    confirmed: set[tuple[str, str]] = field(default_factory=set)
    rejected: set[tuple[str, str]] = field(default_factory=set)
    links: dict[str, str] = field(default_factory=dict)

    def key(self) -> tuple:
        """A hashable, order-free form (for cache keys)."""
        return (
            tuple(sorted(self.confirmed)),
            tuple(sorted(self.rejected)),
            tuple(sorted(self.links.items())),
        )


def init() -> None:
    """Create every key with its default (idempotent; called once per run by ``app.py``)."""
    ss = st.session_state
    ss.setdefault(MODE, "sample")
    ss.setdefault(FILES, [])
    ss.setdefault(DUPLICATES, [])
    ss.setdefault(REGION, DEFAULT_REGION)
    ss.setdefault(TIMEZONE, DEFAULT_TIMEZONE)
    ss.setdefault(ME, "")
    ss.setdefault(AS_OF, None)
    ss.setdefault(COLUMN_MAPS, {})
    ss.setdefault(DECISIONS, Decisions())
    ss.setdefault(DONE, {})
    ss.setdefault(SNOOZED, {})
    ss.setdefault(CIRCLES, {})
    ss.setdefault(CLOSENESS, {})
    ss.setdefault(ROLES, {})
    ss.setdefault(INTERVALS, {})
    ss.setdefault(NOTES, {})
    ss.setdefault(LOGGED, 0)
    ss.setdefault(UPLOADER, 0)
    if not ss.get(RESTORED):
        ss[RESTORED] = True
        from dashboard import persist

        persist.restore()


def on_sample() -> bool:
    """True while the app shows the bundled sample persona."""
    return st.session_state.get(MODE, "sample") == "sample"


def use_own_files() -> None:
    """Switch to the user's own files (the sample is no longer shown)."""
    st.session_state[MODE] = "own"


def use_sample() -> None:
    """Go back to the bundled sample persona (the user's files stay, unused)."""
    st.session_state[MODE] = "sample"


def me() -> tuple[str, ...]:
    """The user's own names/numbers/addresses, as typed on the Import page."""
    raw = st.session_state.get(ME, "") or ""
    return tuple(sorted({part.strip() for part in raw.split(",") if part.strip()}))


def as_of() -> date:
    """The date the user's own files are analysed as of: the one they set, else today."""
    return st.session_state.get(AS_OF) or date.today()


def files() -> list[SourceFile]:
    return list(st.session_state.get(FILES, []))


def add_file(name: str, data: bytes) -> bool:
    """Keep an uploaded file's bytes once. Returns False (and records the duplicate) when the same
    content is already kept under any name."""
    src = SourceFile(name=name, data=data)
    kept: list[SourceFile] = st.session_state[FILES]
    for other in kept:
        if other.digest == src.digest:
            if other.name != name:
                dups = st.session_state[DUPLICATES]
                if (name, other.name) not in dups:
                    dups.append((name, other.name))
            return False
    kept.append(src)
    return True


def remove_file(digest: str) -> None:
    st.session_state[FILES] = [f for f in st.session_state[FILES] if f.digest != digest]
    st.session_state[COLUMN_MAPS].pop(digest, None)


def clear_files() -> None:
    st.session_state[FILES] = []
    st.session_state[DUPLICATES] = []
    st.session_state[COLUMN_MAPS] = {}
    st.session_state[DECISIONS] = Decisions()


def decisions() -> Decisions:
    return st.session_state[DECISIONS]


def column_maps() -> dict[str, tuple[tuple[str, str], ...]]:
    return dict(st.session_state.get(COLUMN_MAPS, {}))


def set_column_map(digest: str, mapping: dict[str, str]) -> None:
    clean = tuple(sorted((k, v) for k, v in mapping.items() if v))
    if clean:
        st.session_state[COLUMN_MAPS][digest] = clean
    else:
        st.session_state[COLUMN_MAPS].pop(digest, None)


def mark_done(person_id: str, when: date) -> None:
    st.session_state[DONE][person_id] = when
    st.session_state[SNOOZED].pop(person_id, None)


def snooze(person_id: str, until: date) -> None:
    st.session_state[SNOOZED][person_id] = until


def move_to_circle(person_id: str, circle: int | None) -> None:
    """Put a person in a circle of the user's choosing (None: let closeknit place them)."""
    if circle is None:
        st.session_state[CIRCLES].pop(person_id, None)
    else:
        st.session_state[CIRCLES][person_id] = int(circle)


def circles() -> dict[str, int]:
    return dict(st.session_state.get(CIRCLES, {}))


def rate_closeness(person_id: str, rating: int | None) -> None:
    """The user's own closeness rating 1..5 (None: none given); it wins in tie strength."""
    if rating is None:
        st.session_state[CLOSENESS].pop(person_id, None)
    else:
        st.session_state[CLOSENESS][person_id] = int(rating)


def closeness() -> dict[str, int]:
    return dict(st.session_state.get(CLOSENESS, {}))


def done() -> dict[str, date]:
    return dict(st.session_state.get(DONE, {}))


def snoozed() -> dict[str, date]:
    return dict(st.session_state.get(SNOOZED, {}))


def set_person_edit(
    person_id: str, roles: tuple[str, ...] | None, interval: float | None, notes: str
) -> None:
    """The user's roles for a person (None: as found), the interval they want (None: their own
    rhythm) and free notes."""
    for key, value in ((ROLES, roles), (INTERVALS, interval), (NOTES, notes or None)):
        if value is None:
            st.session_state[key].pop(person_id, None)
        else:
            st.session_state[key][person_id] = value


def roles() -> dict[str, tuple[str, ...]]:
    return dict(st.session_state.get(ROLES, {}))


def intervals() -> dict[str, float]:
    return dict(st.session_state.get(INTERVALS, {}))


def notes() -> dict[str, str]:
    return dict(st.session_state.get(NOTES, {}))
