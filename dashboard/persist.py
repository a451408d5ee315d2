"""Keeping the user's own files and choices across restarts, in the local store
(:mod:`analysis.store`).

The session state (:mod:`dashboard.state`) is the working copy; this module reads the store into
it once per session (:func:`restore`) and writes changes back (:func:`sync`, called by ``app.py``
around every run). Only the user's own files are kept: the bundled sample never touches the
store. The store is ``$CLOSEKNIT_STORE``, else ``closeknit.sqlite3`` in the user's data directory.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis.identity import MergeDecisions
from analysis.store import PersonEdit, Store, default_store_path, delete_store
from dashboard import state

SYNCED = "ck_synced"  # digest of what the store holds of this session's choices


def store_path() -> Path:
    return default_store_path()


def has_store() -> bool:
    return store_path().exists()


def restore() -> None:
    """Read the store (if there is one with files) into the session: its files, settings,
    decisions, edits and suggestion state. The app then opens on the user's own data."""
    if not has_store():
        return
    with Store(store_path()) as store:
        sources = store.sources()
        if not sources:
            return
        ss = st.session_state
        ss[state.FILES] = sources
        ss[state.MODE] = "own"
        ss[state.REGION] = str(store.setting("region", state.DEFAULT_REGION))
        ss[state.TIMEZONE] = str(store.setting("timezone", state.DEFAULT_TIMEZONE))
        ss[state.ME] = ", ".join(store.setting("me", []) or [])
        as_of = store.setting("as_of")
        ss[state.AS_OF] = date.fromisoformat(as_of) if as_of else None
        ss[state.COLUMN_MAPS] = {
            d: tuple(tuple(p) for p in m)
            for d, m in (store.setting("column_maps", {}) or {}).items()
        }
        dec = store.decisions()
        ss[state.DECISIONS] = state.Decisions(
            confirmed=set(dec.confirmed), rejected=set(dec.rejected), links=dict(dec.links)
        )
        done, snoozed = store.suggestion_state()
        ss[state.DONE], ss[state.SNOOZED] = done, snoozed
        edits = store.edits().values()
        ss[state.CIRCLES] = {e.person_id: e.circle for e in edits if e.circle is not None}
        ss[state.CLOSENESS] = {e.person_id: e.closeness for e in edits if e.closeness is not None}
        ss[state.ROLES] = {e.person_id: e.roles for e in edits if e.roles is not None}
        ss[state.INTERVALS] = {
            e.person_id: e.desired_interval_days
            for e in edits
            if e.desired_interval_days is not None
        }
        ss[state.NOTES] = {e.person_id: e.notes for e in edits if e.notes}
        ss[state.LOGGED] = store.counts()["logged"]
    ss[SYNCED] = _digest()


def _digest() -> str:
    ss = st.session_state
    parts = (
        [f.digest for f in state.files()],
        ss.get(state.REGION), ss.get(state.TIMEZONE), ss.get(state.ME), str(ss.get(state.AS_OF)),
        sorted(state.column_maps().items()), state.decisions().key(),
        sorted(state.done().items()), sorted(state.snoozed().items()),
        sorted(state.circles().items()), sorted(state.closeness().items()),
        sorted(state.roles().items()), sorted(state.intervals().items()),
        sorted(state.notes().items()),
    )  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def sync() -> None:
    """Write the session's own files and choices to the store when they changed (never for the
    sample). Each write is its own transaction."""
    if state.on_sample():
        return
    digest = _digest()
    if st.session_state.get(SYNCED) == digest:
        return
    if not state.files() and not has_store():
        return
    from dashboard.data import options_for

    ss = st.session_state
    region, tz, me = ss[state.REGION], ss[state.TIMEZONE], state.me()
    maps = state.column_maps()
    with Store(store_path()) as store:
        kept = {f.digest for f in state.files()}
        for digest_ in set(store.files()["digest"]) - kept:
            store.remove_file(digest_)
        for src in state.files():
            if not store.has_file(src.digest):
                store.add_file(src, options_for(region, tz, me, maps.get(src.digest, ())))
        store.set_setting("region", region)
        store.set_setting("timezone", tz)
        store.set_setting("me", list(me))
        store.set_setting("as_of", ss[state.AS_OF].isoformat() if ss[state.AS_OF] else None)
        store.set_setting("column_maps", {d: [list(p) for p in m] for d, m in maps.items()})
        dec = state.decisions()
        store.replace_decisions(
            MergeDecisions(
                confirmed=tuple(sorted(dec.confirmed)),
                rejected=tuple(sorted(dec.rejected)),
                links=tuple(sorted(dec.links.items())),
            )
        )
        ids = (
            set(state.circles()) | set(state.closeness()) | set(state.roles())
            | set(state.intervals()) | set(state.notes())
        )  # fmt: skip
        store.replace_edits(
            PersonEdit(
                pid,
                circle=state.circles().get(pid),
                roles=state.roles().get(pid),
                closeness=state.closeness().get(pid),
                desired_interval_days=state.intervals().get(pid),
                notes=state.notes().get(pid, ""),
            )
            for pid in sorted(ids)
        )
        store.replace_suggestion_state(state.done(), state.snoozed())
    ss[SYNCED] = digest


def log_contact(name: str, channel: str, when: pd.Timestamp) -> None:
    """Record contact the user had (own files: kept in the store and part of the analysis from
    now on; the sample: only counted in this session)."""
    if state.on_sample():
        return
    sync()
    with Store(store_path()) as store:
        store.log_contact(name, channel, when)
        st.session_state[state.LOGGED] = store.counts()["logged"]


def logged_interactions() -> pd.DataFrame | None:
    """Contact logged in the app (own files only), as interactions; None when there is none."""
    if state.on_sample() or not has_store() or not st.session_state.get(state.LOGGED):
        return None
    with Store(store_path()) as store:
        return store.logged_interactions()


def stored_files() -> pd.DataFrame:
    """The files the store holds: digest, name, label, imported_at, contacts, interactions."""
    if not has_store():
        return pd.DataFrame(
            columns=["digest", "name", "label", "imported_at", "contacts", "interactions"]
        )
    with Store(store_path()) as store:
        return store.files()


def delete_everything() -> None:
    """Delete the store file for good and forget the user's files and choices in this session."""
    delete_store(store_path())
    state.clear_files()
    ss = st.session_state
    for key in (state.DONE, state.SNOOZED, state.CIRCLES, state.CLOSENESS, state.ROLES,
                state.INTERVALS, state.NOTES):  # fmt: skip
        ss[key] = {}
    ss[state.LOGGED] = 0
    ss.pop(SYNCED, None)
    state.use_sample()
