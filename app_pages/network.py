"""Network: the picture of your support network; click a person to see their card."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.constants import ROLES
from analysis.metrics.layout import group_layout, ring_layout
from dashboard import card, data, figures, filters, group_filter, selection, state, ui, words

DEFAULT_TOP_N = 150
CHART_KEY = "ck_net_chart"
SEEN_KEY = "ck_net_seen"
IDS_KEY = "ck_net_trace_ids"

run = ui.require_run()
st.title("Your network")
ui.as_of_caption(run)
st.caption(
    "You are the star in the middle. The closer a ring, the closer the circle. Bigger dots are "
    "stronger ties; a red ring marks someone slipping away or overdue. Click or tap a person to "
    "see their card; their ties light up."
)


FIND_KEY = "ck_net_find"
FOUND_AT_MOST = 30
"""Search hits named in the picture at most; more are listed as a count."""


def find(people: pd.DataFrame, query: str) -> list[str]:
    """person_ids whose name contains ``query`` (case and accents ignored), strongest tie first."""
    q = words.fold(query)
    if not q:
        return []
    names = people["name"].map(words.fold)
    return list(people[names.str.contains(q, regex=False)]["person_id"])


@st.fragment
def network_view(run: data.Run, who: set[str] | None) -> None:
    an = run.analysis
    # the picture holds the people of the graph: everyone with contact (cards alone are not ties)
    people = an.people[an.people["person_id"].isin(set(an.graph.nodes))]
    people = group_filter.restrict(people, who)
    phone = ui.is_phone()

    f1, f2, f3 = st.columns([2, 2, 1.4])
    circle_opts = [1, 2, 3, 4] + ([filters.NO_CIRCLE_KEY] if people["circle"].isna().any() else [])
    circles = f1.multiselect(
        "Circles", circle_opts, format_func=lambda c: words.circle_label(c or None),
        placeholder="All circles", key="ck_net_circles",
    )  # fmt: skip
    present_roles = sorted(
        {r for rs in people["roles"] for r in (rs or ())},
        key=lambda r: ROLES.index(r) if r in ROLES else 99,
    )
    roles = f2.multiselect(
        "Roles", present_roles, format_func=lambda r: words.ROLE_WORDS.get(r, r),
        placeholder="All roles", key="ck_net_roles",
    )  # fmt: skip
    window = f3.selectbox("In touch", list(filters.WINDOWS), key="ck_net_window")
    g1, g2 = st.columns([1.2, 2])
    arrange = g1.segmented_control(
        "Arrange by", ["circle", "community"], default="circle",
        format_func=lambda v: "Circles" if v == "circle" else "Groups", key="ck_net_colour",
        help=words.GROUPS_HELP,
    ) or "circle"  # fmt: skip
    query = g2.text_input(
        "Find a person", key=FIND_KEY, placeholder="Type part of a name",
        help="Everyone whose name matches is named and ringed in the picture.",
    )  # fmt: skip
    n_people = int((~people["non_person"].astype(bool)).sum())
    top_n = n_people
    if n_people > 20:
        top_n = st.slider(
            "Show the strongest ties", 10, n_people, min(DEFAULT_TOP_N, n_people),
            step=10 if n_people > 200 else 1, key="ck_net_top",
        )  # fmt: skip

    current = st.session_state.get(state.SELECTED)
    view = filters.filter_people(
        people, circles, roles, filters.WINDOWS[window], top_n, always=current
    )
    known = set(view["person_id"])
    person, seen = selection.next_person(
        current, st.session_state.get(CHART_KEY), st.session_state.get(SEEN_KEY, ()), known,
        st.session_state.get(IDS_KEY, ()),
    )  # fmt: skip
    st.session_state[SEEN_KEY] = seen
    tap = ui.tapped(CHART_KEY)
    if tap in known:
        person = tap
    if person != current:
        st.session_state[state.SELECTED] = person
    found = find(view, query)

    shown_words = f"Showing {len(view)} of {n_people} people you have been in touch with."
    if query.strip():
        shown_words += " " + words.found_text(len(found), FOUND_AT_MOST)
    st.caption(shown_words)
    if arrange == "community":
        st.caption(words.GROUPS_EXPLAINED)
        with st.expander("Who is in each group"):
            st.markdown(
                "\n".join(f"- {words.md_escape(line)}" for line in figures.group_lines(view))
            )
    left, right = st.columns([3, 2])
    with left:
        layout = (group_layout if arrange == "community" else ring_layout)(view)
        picture = figures.network_figure(
            view, an.graph, layout, arrange, selected=person, found=found[:FOUND_AT_MOST],
            plot_px=figures.PHONE_PLOT_PX if phone else figures.DESKTOP_PLOT_PX, phone=phone,
            label_bg=ui.label_backing(),
        )  # fmt: skip
        st.session_state[IDS_KEY] = picture.ids
        st.plotly_chart(
            picture.figure, key=CHART_KEY, on_select="rerun", selection_mode="points",
            width="stretch", config={"displaylogo": False, "scrollZoom": not phone},
        )  # fmt: skip
        st.caption(
            f"{len(picture.labels)} names fit in the picture; "
            + ("tap" if phone else "point at or click")
            + " a dot for anyone else, or find them by name."
            + (
                ""
                if picture.all_ties_drawn
                else " Too many ties to draw them all: pick a person to see theirs."
            )
        )
        with st.expander("As a table"):
            st.dataframe(
                figures.network_table(view, an.graph, arrange),
                hide_index=True, width="stretch", key="ck_net_table",
            )  # fmt: skip
    with right:
        names = dict(zip(view["person_id"], view["name"], strict=True))
        options = [None, *found, *(p for p in names if p not in set(found))]
        st.selectbox(
            "Or pick a person", options, key=state.SELECTED,
            format_func=lambda p: "(nobody)" if p is None else (names.get(p) or "(no name)"),
        )  # fmt: skip
        chosen = st.session_state.get(state.SELECTED)
        if chosen is None:
            st.info(
                ("Tap" if phone else "Click")
                + " a dot in the picture, or pick a name above, to see that person's card."
            )
        else:
            card.person_card(run, chosen)


network_view(run, group_filter.note(run, "network"))
