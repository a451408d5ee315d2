"""People: find anyone (by name, nickname, organisation, group or note), including people with
no contact yet, and set what closeknit should know: the states of their life, how often you want
to be in touch, their circle, notes, dates that matter and follow-ups."""

from __future__ import annotations

import streamlit as st

from analysis.groups import all_groups
from analysis.search import search_people
from dashboard import card, group_filter, state, ui

run = ui.require_run()
st.title("People")
ui.as_of_caption(run)
who = group_filter.note(run, "people")
people = group_filter.restrict(run.resolution.people, who)
groups_of = group_filter.groups_of(run)
group_names = all_groups(groups_of)
gset = state.group_settings()
query = st.text_input(
    "Find someone", key="ck_people_query",
    placeholder="A name, nickname, organisation, group or a word from your notes",
)  # fmt: skip
if who is not None:  # the group's members, narrowed by the search
    found = search_people(people, query, state.notes()) if query else people
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
    with st.container(border=True):
        card.person_card(run, pid)

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
