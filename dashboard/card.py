"""The person card: one card for everyone, opened from every list.

The Network picture, the People search, and the lists of Neglected ties, Balance, Circles,
Suggestions, the Overview and the Import page's people all open this card. It shows what the
engine says about the person (status, circle, tie strength, rhythm, contact over time, what to
do, the notes of contact the user logged) and takes every edit the user can make: circle,
closeness, states of their life, the rhythm they want, roles, notes, groups, dates that matter
and follow-ups. Everything is written to the store at once (:mod:`dashboard.state`).

Lists open it in two ways: a table whose row is selected (:func:`table`), or a button next to a
name (:func:`toggle`). Only one card is open on a page at a time (the last one asked for), kept
in the session as ``(list key, person_id)`` under :data:`OPEN`.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from analysis.constants import ROLES, STATES
from analysis.groups import all_groups
from analysis.occasions import KINDS, FollowUp, Occasion
from analysis.store.store import LOGGED_SOURCE
from dashboard import data, figures, group_filter, state, words

OPEN = "ck_card_open"
"""``(list key, person_id)`` of the card open on the page (None: none)."""

CLOSENESS_WORDS = {1: "1 · distant", 2: "2", 3: "3 · fairly close", 4: "4", 5: "5 · very close"}
STATE_WORDS = {
    "far_away": "Lives far away (no 'meet' nudges)",
    "lives_with_me": "Lives with me",
    "dont_suggest": "Don't suggest",
    "archived": "Archived (out of the circles)",
    "in_memory": "In memory (has died)",
}
NOTES_SHOWN = 5
"""Notes of logged contact shown on the card, the latest first."""


# --- opening the card from a list ----------------------------------------------------------------
def opened(list_key: str) -> str | None:
    """The person_id whose card the list ``list_key`` opened (None when another list, or none)."""
    now = st.session_state.get(OPEN)
    if now and now[0] == list_key:
        return str(now[1])
    return None


def open_card(list_key: str, person_id: str | None) -> None:
    """Open ``person_id``'s card under the list ``list_key`` (None closes it)."""
    st.session_state[OPEN] = None if person_id is None else (list_key, person_id)


def picked_row(selection: Any, ids: Sequence[str]) -> str | None:
    """The person_id of the row a table's selection event picked (``selection.rows`` holds
    positions in the table as given, whatever the user's sorting), or None."""
    sel = getattr(selection, "selection", None)
    if sel is None and isinstance(selection, dict):
        sel = selection.get("selection")
    rows = (sel.get("rows") if isinstance(sel, dict) else getattr(sel, "rows", None)) or []
    for i in rows:
        if isinstance(i, int) and 0 <= i < len(ids):
            return str(ids[i])
    return None


def table_key(list_key: str, ids: Sequence[str]) -> str:
    """The widget key of a list's table: the list's key and a digest of who is in it, so a list
    that changes (an edit, another group) starts with no row selected instead of a selection
    that now points at someone else."""
    return f"{list_key}_{zlib.crc32(chr(31).join(map(str, ids)).encode('utf-8')):08x}"


def table(run: data.Run, frame: pd.DataFrame, ids: Sequence[str], key: str, **kwargs: Any) -> None:
    """``frame`` as a table whose rows open the person's card below it (``ids``: the person_id
    of each row, in order; ``key``: the list's key). Selecting a row opens that card, clearing
    the selection closes it, and a list that changed starts with nothing selected."""
    event = st.dataframe(
        frame, key=table_key(key, ids), on_select="rerun", selection_mode="single-row",
        hide_index=True, width="stretch", **kwargs,
    )  # fmt: skip
    pid = picked_row(event, ids)
    seen_key = f"{key}__seen"
    if st.session_state.get(seen_key) != pid:  # a new selection (or none any more)
        st.session_state[seen_key] = pid
        if pid is not None:
            open_card(key, pid)
        elif opened(key) is not None:
            open_card(key, None)
    if opened(key) is None and len(frame):
        st.caption("Select a row to open that person's card.")
    show_opened(run, key, set(map(str, ids)))


def toggle(list_key: str, person_id: str, name: str, where: Any = st) -> None:
    """A small button next to a name that opens (or closes) that person's card."""
    is_open = opened(list_key) == person_id
    label = "Close the card" if is_open else "Open their card"
    if where.button(
        label, key=f"ck_card_{list_key}_{person_id}", icon=":material/badge:",
        help=f"Everything about {name}, and what you can change",
    ):  # fmt: skip
        open_card(list_key, None if is_open else person_id)
        st.rerun()


def show_opened(run: data.Run, list_key: str, allowed: set[str] | None = None) -> None:
    """The card the list ``list_key`` opened, in a box (nothing when none, or when that person
    is no longer in the list)."""
    pid = opened(list_key)
    if pid is None or (allowed is not None and pid not in allowed):
        return
    with st.container(border=True):
        person_card(run, pid)


# --- the card ----------------------------------------------------------------------------------
def person_card(run: data.Run, pid: str) -> None:
    """Everything about one person, and every edit: status, tie strength, rhythm, notes of
    logged contact, circle and closeness, what to do, contact over time, states, rhythm wanted,
    roles, notes, groups, dates that matter and follow-ups."""
    people = run.analysis.people
    found = people[people["person_id"] == pid]
    if found.empty:
        st.info("This person is no longer in your files.")
        return
    row = found.iloc[0]
    kept_states = state.states().get(pid, ())
    st.subheader(words.md_escape(row["name"]) or "(no name)")
    roles = words.roles_text(row["roles"])
    st.caption(f"{words.circle_label(row['circle'])}" + (f" · {roles}" if roles else ""))
    if "in_memory" in kept_states:
        st.caption("In memory. closeknit will not suggest anything about them.")
    st.badge(
        words.status_label(row["status"]), color=words.STATUS_COLOUR.get(row["status"], "gray")
    )
    has_contact = not pd.isna(row["days_since"])
    if has_contact:
        m1, m2 = st.columns(2)
        strength = 0.0 if pd.isna(row["tie_strength"]) else float(row["tie_strength"])
        m1.metric("Tie strength", f"{100 * strength:.0f} / 100")
        m2.metric("You reached out first", words.share(row["initiated_share"]))
    st.markdown(rhythm_text(row))
    _reasons(run, pid)
    _logged_notes(run, pid)
    _circle_and_closeness(pid)
    _what_to_do(run, row)
    tl = data.timeline(run, pid) if has_contact else pd.DataFrame()
    if not tl.empty:
        tl_fig = figures.timeline_figure(tl)
        st.plotly_chart(tl_fig, key=f"ck_tl_{pid}", width="stretch")
        with st.expander("Contact over time, as a table"):
            st.dataframe(
                figures.chart_table(tl_fig), hide_index=True, width="stretch",
                key=f"ck_tl_table_{pid}",
            )  # fmt: skip
    _about_form(run, row, kept_states)
    _dates_and_follow_ups(run, pid)


REASON_LABELS = (
    ("Status", "why_status"),
    ("Circle", "why_circle"),
    ("Tie strength", "why_strength"),
)
"""The reasons the card shows (:meth:`analysis.engine.Analysis.reasons`), with their labels."""


def _reasons(run: data.Run, pid: str) -> None:
    """Why this person has their status, circle and tie strength, in the user's own numbers."""
    why = run.analysis.reasons([pid])
    if why.empty:
        return
    with st.expander("Why these numbers"):
        for label, column in REASON_LABELS:
            text = why.iloc[0][column]
            if text:
                st.markdown(f"**{label}:** {words.md_escape(text)}")


def rhythm_text(row: pd.Series) -> str:
    """Plain sentences about one person's rhythm: usual gap, last contact, last met, replies
    owed (from the engine's people row)."""
    out = []
    if not pd.isna(row["expected_interval_days"]):
        out.append(f"You are usually in touch {words.every(row['expected_interval_days'])}.")
    if not pd.isna(row["days_since"]):
        last = words.channel_label(row["last_channel"])
        out.append(
            f"Last contact {words.ago(row['days_since'])}" + (f" ({last})." if last else ".")
        )
    if not pd.isna(row["days_since_in_person"]):
        out.append(f"Last met in person {words.ago(row['days_since_in_person'])}.")
    elif not pd.isna(row["days_since"]):
        out.append("No in-person meeting in your records.")
    if not pd.isna(row["unanswered_run"]) and int(row["unanswered_run"]) >= 2:
        out.append(f"Your last {int(row['unanswered_run'])} reach-outs had no reply yet.")
    return " ".join(out) or "No contact recorded yet."


def _logged_notes(run: data.Run, pid: str) -> None:
    logged = run.resolution.interactions
    logged = logged[(logged["person_id"] == pid) & (logged["source"] == LOGGED_SOURCE)]
    noted = logged[logged["note"].fillna("").astype(str).str.strip() != ""]
    if noted.empty:
        return
    st.markdown("**What you noted**")
    for _, li in noted.sort_values("timestamp").tail(NOTES_SHOWN).iloc[::-1].iterrows():
        how = words.channel_label(li["channel"])
        st.markdown(
            f"- {li['timestamp']:%d %b %Y}" + (f" ({how})" if how else "")
            + f": {words.md_escape(li['note'])}"
        )  # fmt: skip


def _save_circle_and_closeness(pid: str) -> None:
    """The callback of the card's two choices: stored before the page is drawn again, so it is
    drawn once, with the edit applied."""
    state.move_to_circle(pid, st.session_state.get(f"ck_move_{pid}"))
    state.rate_closeness(pid, st.session_state.get(f"ck_close_{pid}"))


def _circle_and_closeness(pid: str) -> None:
    moved = state.circles().get(pid)
    rated = state.closeness().get(pid)
    c1, c2 = st.columns(2)
    c1.selectbox(
        "Circle", [None, 1, 2, 3, 4], index=[None, 1, 2, 3, 4].index(moved),
        format_func=lambda c: "as found" if c is None else words.circle_label(c),
        key=f"ck_move_{pid}", on_change=_save_circle_and_closeness, args=(pid,),
        help="Frequency is not closeness: move anyone to the circle where they belong for you.",
    )  # fmt: skip
    c2.selectbox(
        "How close do you feel?", [None, 1, 2, 3, 4, 5], index=[None, 1, 2, 3, 4, 5].index(rated),
        format_func=lambda r: "not rated" if r is None else CLOSENESS_WORDS[r],
        key=f"ck_close_{pid}", on_change=_save_circle_and_closeness, args=(pid,),
        help="Your own rating wins over what the records suggest.",
    )  # fmt: skip


def _what_to_do(run: data.Run, row: pd.Series) -> None:
    pid = str(row["person_id"])
    sugg = run.analysis.suggestions
    mine = sugg[sugg["person_id"] == pid]
    st.markdown("**What to do**")
    if not mine.empty:
        s = mine.iloc[0]
        st.markdown(f"{words.md_escape(s['reason'])}  \n{words.md_escape(s['action'])}")
        st.code(str(s["draft"]), language=None, wrap_lines=True)
        st.text_area(
            "The draft, to select and copy with the keyboard", str(s["draft"]),
            key=f"ck_draft_{pid}", height=100,
            help="Tab here, then Ctrl+A and Ctrl+C (⌘A, ⌘C on a Mac). Editing it changes nothing.",
        )  # fmt: skip
    elif bool(row.get("screen_only", False)):
        st.markdown(
            "You keep in touch on screens, but it has been a while since you met. Suggest a "
            "walk or a coffee."
        )
    elif row["status"] in ("neglected", "overdue", "due"):
        st.markdown("It has been a while. A short message would do.")
    elif pd.isna(row["days_since"]):
        st.markdown("No contact in your files yet. Log it when you are in touch.")
    else:
        st.markdown("Nothing needed now — you're in touch.")


def _about_form(run: data.Run, row: pd.Series, kept_states: Sequence[str]) -> None:
    pid = str(row["person_id"])
    gset = state.group_settings()
    groups_of = group_filter.groups_of(run)
    group_names = all_groups(groups_of)
    with st.form(key=f"ck_person_form_{pid}"):
        st.markdown("**What closeknit should know**")
        chosen = st.multiselect(
            "What is true now", list(STATES), default=list(kept_states),
            format_func=lambda s: STATE_WORDS.get(s, s), key=f"ck_states_{pid}",
        )  # fmt: skip
        wanted = state.intervals().get(pid)
        interval = st.number_input(
            "Be in touch every ... days (0: follow your rhythm)", 0, 730, int(wanted or 0),
            key=f"ck_p_interval_{pid}",
        )  # fmt: skip
        given_roles = state.roles().get(pid)
        found_roles = tuple(row["roles"] or ())
        new_roles = st.multiselect(
            "Roles", list(ROLES),
            default=list(given_roles if given_roles is not None else found_roles),
            format_func=lambda r: words.ROLE_WORDS.get(r, r), key=f"ck_roles_{pid}",
            help="Who they are to you: family, a friend, a colleague...",
        )  # fmt: skip
        note = st.text_area("Notes", value=state.notes().get(pid, ""), key=f"ck_p_notes_{pid}")
        labels = set(groups_of.get(pid, ())) - set(gset["assigned"].get(pid, ()))
        given = st.multiselect(
            "Groups you add (type a new name to create one)", group_names,
            default=[g for g in gset["assigned"].get(pid, ()) if g in group_names],
            accept_new_options=True, key=f"ck_p_groups_{pid}",
            help="From the address book: " + (", ".join(sorted(labels)) or "none"),
        )  # fmt: skip
        if st.form_submit_button("Save"):
            state.assign_groups(pid, given)
            state.set_states(pid, chosen)
            state.set_person_edit(
                pid, tuple(new_roles) if tuple(new_roles) != found_roles else given_roles,
                float(interval) if interval else None, note.strip(),
            )  # fmt: skip
            st.rerun()


def _dates_and_follow_ups(run: data.Run, pid: str) -> None:
    with st.expander("Dates that matter"), st.form(key=f"ck_date_form_{pid}", border=False):
        d1, d2, d3 = st.columns(3)
        kind = d1.selectbox("What", KINDS, key=f"ck_d_kind_{pid}")
        on = d2.date_input("Date", value=None, min_value=date(1900, 1, 1), key=f"ck_d_on_{pid}")
        label = d3.text_input("Label (optional)", key=f"ck_d_label_{pid}")
        if st.form_submit_button("Keep this date") and on:
            state.save_occasion(Occasion(pid, kind, on.month, on.day, on.year, label.strip()))
            st.rerun()
    with st.expander("A follow-up"), st.form(key=f"ck_fu_form_{pid}", border=False):
        text = st.text_input("What to ask or do", key=f"ck_fu_text_{pid}",
                             placeholder="Ask how the interview went")  # fmt: skip
        on = st.date_input("On", value=run.as_of, key=f"ck_fu_on_{pid}")
        if st.form_submit_button("Keep the follow-up") and text.strip():
            state.add_follow_up(FollowUp(pid, on, text.strip()))
            st.rerun()
