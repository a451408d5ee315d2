"""One group filter for every page: chosen in the sidebar, kept in the session across pages.

A person's groups are those :func:`analysis.groups.person_groups` gives (address-book labels as
the user renamed them, plus the groups the user assigned), the same the engine holds group
ceilings to. A page restricts the engine's rows to the group's members
(:func:`dashboard.filters.in_group`): the numbers shown are the engine's, never recomputed for
the group. Figures that are about everyone at once (the in-person share of all contact days,
month by month) say so while a group is chosen.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from analysis.groups import all_groups, person_groups
from dashboard import data, filters, state, words

GROUP = "ck_group"
"""The chosen group's name (None: everyone), kept in the session whichever page is shown."""
WIDGET = "ck_group_pick"
"""The sidebar's select box; its value is copied to :data:`GROUP` when the user changes it."""
EVERYONE = "Everyone"


def groups_of(run: data.Run) -> dict[str, tuple[str, ...]]:
    """person_id -> the person's groups, with the user's renames and assignments (a copy of the
    cached one: callers may change it)."""
    settings = state.group_settings()
    people = run.resolution.people
    return dict(
        data.for_resolution(
            run,
            "groups",
            lambda: person_groups(people, settings["renames"], settings["assigned"]),
            json.dumps(settings, sort_keys=True),
        )
    )


def chosen() -> str | None:
    """The group the user chose in the sidebar, or None for everyone."""
    return st.session_state.get(GROUP) or None


def members(run: data.Run) -> set[str] | None:
    """person_ids of the chosen group's members; None when no group is chosen."""
    return filters.group_members(groups_of(run), chosen())


def _keep() -> None:
    st.session_state[GROUP] = st.session_state.get(WIDGET) or None


def _clear() -> None:
    st.session_state[GROUP] = None
    st.session_state.pop(WIDGET, None)


def sidebar(run: data.Run | None) -> None:
    """The sidebar's "Show only a group" box (nothing without a run, or without groups). A group
    that no longer exists (renamed, its files removed) falls back to everyone."""
    if run is None:
        return
    names = all_groups(groups_of(run))
    current = chosen()
    if current not in names:
        current = None
        st.session_state[GROUP] = None
    if not names:
        return
    options = ["", *names]  # "": everyone (a real option, not "nothing chosen")
    if (st.session_state.get(WIDGET) or None) != current:
        st.session_state.pop(WIDGET, None)  # another page cleared the group: show it cleared
    st.sidebar.selectbox(
        "Show only a group", options, index=options.index(current or ""), key=WIDGET,
        format_func=lambda g: g or EVERYONE, on_change=_keep,
        help="Every page then shows only the members of this group. Groups come from your "
        "address book's labels and the groups you give people on the People page.",
    )  # fmt: skip


def note(run: data.Run, page: str) -> set[str] | None:
    """On a page: say which group is shown, with a way back to everyone; returns the members
    (None: everyone, and nothing is said)."""
    group = chosen()
    who = members(run)
    if who is None:
        return None
    real = filters.in_group(run.resolution.people, who)
    n = int((~real["non_person"].astype(bool)).sum())
    with st.container(border=True):
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(
            f"Showing the group **{words.md_escape(group)}** only "
            f"({n} {'person' if n == 1 else 'people'}). Change it in the sidebar."
        )
        right.button("Show everyone", key=f"ck_group_clear_{page}", on_click=_clear)
    return who


def everyone_caption(who: set[str] | None) -> None:
    """Under a figure about everyone at once: say so while a group is chosen."""
    if who is not None:
        st.caption("This figure is about everyone you were in touch with, not only the group.")


def restrict(frame: pd.DataFrame, who: set[str] | None) -> pd.DataFrame:
    """``frame``'s rows for the chosen group's members (all rows without a group)."""
    return filters.in_group(frame, who)
