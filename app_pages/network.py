"""Network: the picture of your support network; click a person to see their card."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.constants import ROLES
from analysis.metrics.layout import group_layout, ring_layout
from dashboard import data, figures, filters, selection, state, ui, words

DEFAULT_TOP_N = 150
CLOSENESS_WORDS = {1: "1 · distant", 2: "2", 3: "3 · fairly close", 4: "4", 5: "5 · very close"}
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


def person_card(run: data.Run, pid: str) -> None:
    """Everything about one person: status, rhythm, tie strength, contact over time, what to do."""
    people = run.analysis.people
    row = people[people["person_id"] == pid].iloc[0]
    st.subheader(words.md_escape(row["name"]) or "(no name)")
    roles = words.roles_text(row["roles"])
    st.caption(f"{words.circle_label(row['circle'])}" + (f" · {roles}" if roles else ""))
    st.badge(
        words.status_label(row["status"]), color=words.STATUS_COLOUR.get(row["status"], "gray")
    )
    m1, m2 = st.columns(2)
    strength = 0.0 if pd.isna(row["tie_strength"]) else float(row["tie_strength"])
    m1.metric("Tie strength", f"{100 * strength:.0f} / 100")
    m2.metric("You reached out first", words.share(row["initiated_share"]))
    moved = state.circles().get(pid)
    rated = state.closeness().get(pid)
    c1, c2 = st.columns(2)
    choice = c1.selectbox(
        "Circle", [None, 1, 2, 3, 4], index=[None, 1, 2, 3, 4].index(moved),
        format_func=lambda c: "as found" if c is None else words.circle_label(c),
        key=f"ck_move_{pid}",
        help="Frequency is not closeness: move anyone to the circle where they belong for you.",
    )  # fmt: skip
    rating = c2.selectbox(
        "How close do you feel?", [None, 1, 2, 3, 4, 5], index=[None, 1, 2, 3, 4, 5].index(rated),
        format_func=lambda r: "not rated" if r is None else CLOSENESS_WORDS[r],
        key=f"ck_close_{pid}",
        help="Your own rating wins over what the records suggest.",
    )  # fmt: skip
    if choice != moved or rating != rated:
        state.move_to_circle(pid, choice)
        state.rate_closeness(pid, rating)
        st.rerun(scope="app")
    with st.expander("Roles, rhythm and notes"), st.form(key=f"ck_edit_{pid}", border=False):
        given_roles = state.roles().get(pid)
        new_roles = st.multiselect(
            "Roles", list(ROLES), default=list(given_roles if given_roles is not None
                                                else (row["roles"] or ())),
            format_func=lambda r: words.ROLE_WORDS.get(r, r), key=f"ck_roles_{pid}",
            help="Who they are to you: family, a friend, a colleague...",
        )  # fmt: skip
        wanted = state.intervals().get(pid)
        interval = st.number_input(
            "Be in touch every ... days (0: follow your own rhythm)", min_value=0, max_value=730,
            value=int(wanted or 0), step=1, key=f"ck_interval_{pid}",
        )  # fmt: skip
        note = st.text_area("Notes", value=state.notes().get(pid, ""), key=f"ck_notes_{pid}")
        if st.form_submit_button("Save"):
            found = tuple(row["roles"] or ())
            state.set_person_edit(
                pid,
                tuple(new_roles) if tuple(new_roles) != found else given_roles,
                float(interval) if interval else None,
                note.strip(),
            )
            st.rerun(scope="app")
    rhythm = []
    if not pd.isna(row["expected_interval_days"]):
        rhythm.append(f"You are usually in touch {words.every(row['expected_interval_days'])}.")
    if not pd.isna(row["days_since"]):
        last = words.channel_label(row["last_channel"])
        rhythm.append(
            f"Last contact {words.ago(row['days_since'])}" + (f" ({last})." if last else ".")
        )
    if not pd.isna(row["days_since_in_person"]):
        rhythm.append(f"Last met in person {words.ago(row['days_since_in_person'])}.")
    elif not pd.isna(row["days_since"]):
        rhythm.append("No in-person meeting in your records.")
    if not pd.isna(row["unanswered_run"]) and int(row["unanswered_run"]) >= 2:
        rhythm.append(f"Your last {int(row['unanswered_run'])} reach-outs had no reply yet.")
    st.markdown(" ".join(rhythm) or "No contact recorded yet.")
    tl = data.timeline(run, pid)
    if not tl.empty:
        tl_fig = figures.timeline_figure(tl)
        st.plotly_chart(tl_fig, key=f"ck_tl_{pid}", width="stretch")
        with st.expander("As a table"):
            st.dataframe(
                figures.chart_table(tl_fig), hide_index=True, width="stretch",
                key=f"ck_tl_table_{pid}",
            )  # fmt: skip
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
            "You keep in touch on screens, but it has been a while since you met. Suggest a walk or a coffee."
        )
    elif row["status"] in ("neglected", "overdue", "due"):
        st.markdown("It has been a while. A short message would do.")
    else:
        st.markdown("Nothing needed now — you're in touch.")


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
def network_view(run: data.Run) -> None:
    an = run.analysis
    # the picture holds the people of the graph: everyone with contact (cards alone are not ties)
    people = an.people[an.people["person_id"].isin(set(an.graph.nodes))]
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
            person_card(run, chosen)


network_view(run)
