"""People: find anyone (by name, nickname, organisation, group or note), including people with
no contact yet, and set what closeknit should know: the states of their life, how often you want
to be in touch, their circle, notes, dates that matter and follow-ups."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analysis.constants import STATES
from analysis.groups import all_groups, person_groups
from analysis.occasions import KINDS, FollowUp, Occasion
from analysis.search import search_people
from analysis.store.store import LOGGED_SOURCE
from dashboard import state, ui, words

STATE_WORDS = {
    "far_away": "Lives far away (no 'meet' nudges)",
    "lives_with_me": "Lives with me",
    "dont_suggest": "Don't suggest",
    "archived": "Archived (out of the circles)",
    "in_memory": "In memory (has died)",
}

run = ui.require_run()
st.title("People")
ui.as_of_caption(run)
people = run.resolution.people
gset = state.group_settings()
groups_of = person_groups(people, gset["renames"], gset["assigned"])
group_names = all_groups(groups_of)
query = st.text_input(
    "Find someone", key="ck_people_query",
    placeholder="A name, nickname, organisation, group or a word from your notes",
)  # fmt: skip
in_group = st.selectbox(
    "Group", [None, *group_names], format_func=lambda g: "Everyone" if g is None else g,
    key="ck_people_group",
)  # fmt: skip
if in_group:
    members = people[people["person_id"].map(lambda p: in_group in groups_of.get(str(p), ()))]
    found = search_people(members, query, state.notes()) if query else members
    found = found[~found["non_person"].astype(bool)].head(50)
else:
    found = search_people(people, query, state.notes()) if query else people.head(0)
if query and found.empty:
    st.info("Nobody matches. Try part of a name, or a group such as 'family'.")
if not found.empty:
    pick = st.radio(
        "Matches", list(found["person_id"]), key="ck_people_pick",
        format_func=lambda pid: str(found.set_index("person_id").loc[pid, "name"]) or "(no name)",
    )  # fmt: skip
    st.session_state[state.SELECTED] = pick

pid = st.session_state.get(state.SELECTED)
if pid and pid in set(people["person_id"]):
    row = people.set_index("person_id").loc[pid]
    an = run.analysis.people.set_index("person_id")
    st.subheader(words.md_escape(str(row["name"])) or "(no name)")
    kept_states = state.states().get(pid, ())
    if "in_memory" in kept_states:
        st.caption("In memory. closeknit will not suggest anything about them.")
    elif pid in an.index:
        r = an.loc[pid]
        st.caption(
            f"{words.circle_label(r['circle'])} · {words.status_label(r['status'])}"
            + (f" · last contact {words.ago(r['days_since'])}" if pd.notna(r["days_since"]) else "")
        )
    else:
        st.caption("No contact recorded yet.")
    logged = run.resolution.interactions
    logged = logged[(logged["person_id"] == pid) & (logged["source"] == LOGGED_SOURCE)]
    for _, li in logged[logged["note"].astype(str) != ""].tail(5).iterrows():
        st.markdown(f"- {li['timestamp']:%d %b %Y}: {words.md_escape(li['note'])}")

    with st.form(key=f"ck_person_form_{pid}"):
        edit = state.edits().get(pid)
        chosen = st.multiselect(
            "What is true now", list(STATES), default=list(kept_states),
            format_func=lambda s: STATE_WORDS.get(s, s), key=f"ck_states_{pid}",
        )  # fmt: skip
        c1, c2 = st.columns(2)
        interval = c1.number_input(
            "Be in touch every ... days (0: follow your rhythm)", 0, 730,
            int(edit.desired_interval_days or 0) if edit else 0, key=f"ck_p_interval_{pid}",
        )  # fmt: skip
        circle = c2.selectbox(
            "Circle", [None, 1, 2, 3, 4],
            index=[None, 1, 2, 3, 4].index(edit.circle if edit else None),
            format_func=lambda c: "as found" if c is None else words.circle_label(c),
            key=f"ck_p_circle_{pid}",
        )  # fmt: skip
        note = st.text_area("Notes", value=edit.notes if edit else "", key=f"ck_p_notes_{pid}")
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
            state.move_to_circle(pid, circle)
            state.set_person_edit(
                pid, edit.roles if edit else None, float(interval) if interval else None,
                note.strip(),
            )  # fmt: skip
            st.rerun()

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

if group_names:
    with st.expander("Groups: rename, merge, and how often"):
        st.caption(
            "Rename a group to another group's name to merge them. 'At least every ... days' "
            "holds its members to that rhythm when yours with them is looser."
        )
        for g in group_names:
            with st.form(key=f"ck_group_{g}", border=False):
                c1, c2, c3 = st.columns([3, 2, 1], vertical_alignment="bottom")
                new = c1.text_input("Name", value=g, key=f"ck_group_name_{g}")
                every = c2.number_input(
                    "At least every ... days (0: none)", 0, 730,
                    int(gset["ceilings"].get(g, 0)), key=f"ck_group_every_{g}",
                )  # fmt: skip
                if c3.form_submit_button("Save"):
                    if new.strip() and new.strip() != g:
                        state.rename_group(g, new.strip())
                        g = new.strip()
                    state.set_group_ceiling(g, float(every) if every else None)
                    st.rerun()
