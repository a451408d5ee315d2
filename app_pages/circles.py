"""Circles: the concentric layers of your network, the roles covered, and the ties outside."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import card, data, figures, group_filter, ui, words

run = ui.require_run()
an = run.analysis
everyone = an.people[~an.people["non_person"].astype(bool)]
st.title("Your circles")
ui.as_of_caption(run)
who = group_filter.note(run, "circles")
people = group_filter.restrict(everyone, who)
st.caption(
    "People tend to keep about 5 very close ties, 15 close ones, 50 good friends and 150 "
    "people they keep up with (Dunbar et al. 2015, Social Networks 43:39). closeknit places "
    "each person by how often you are in touch; the inner two rings are your intimate circle."
)

left, right = st.columns([3, 2])
with left:
    positions = data.layout(run.digest, an)
    st.plotly_chart(
        figures.circles_figure(people, positions), key="ck_circles_fig", width="stretch"
    )
    with st.expander("As a table"):
        placed = people[people["circle"].notna()]
        card.table(
            run, figures.network_table(placed, an.graph),
            list(figures.table_order(placed)["person_id"].astype(str)), "ck_circles_table",
        )  # fmt: skip
with right:
    counts = pd.DataFrame(
        {
            "Circle": [words.circle_label(c) for c in (1, 2, 3, 4)],
            "People": [int((people["circle"] == c).sum()) for c in (1, 2, 3, 4)],
            "Typical size": [5, 15, 50, 150],
        }
    )
    st.dataframe(counts, hide_index=True, width="stretch", key="ck_circles_counts")
    st.caption(f"{int(people['circle'].isna().sum())} more people have no recent contact.")

out = an.outside
st.subheader("Roles outside your intimate circle")
st.caption(
    "Variety helps: people with ties in more parts of life (family, work, neighbours, clubs, "
    "community) tend to be healthier (Cohen et al. 1997, JAMA 277:1940)."
)
group_filter.everyone_caption(who)
covered = {k: v for k, v in out.roles_covered.items()}
if covered:
    st.dataframe(
        pd.DataFrame(
            {
                "Role": [words.ROLE_WORDS.get(r, "not labelled" if r == "unlabelled" else r) for r in covered],
                "People in touch lately": list(covered.values()),
            }
        ),
        hide_index=True, width="stretch", key="ck_circles_roles",
    )  # fmt: skip
quiet = words.roles_not_in_touch(out.roles_missing, everyone, run.analysis.balance.window_days)
if quiet:
    st.markdown(quiet)

st.subheader("Valuable ties outside the inner circle")
st.caption(
    "Light, everyday contact with acquaintances lifts the mood of the day (Sandstrom & Dunn "
    "2014, PSPB 40:910). These are the outer ties you are in touch with now."
)
wa = group_filter.restrict(out.weak_active, who)
if wa.empty:
    st.caption("None in the last few months.")
else:
    card.table(
        run,
        pd.DataFrame(
            {
                "Name": wa["name"].astype(str).to_numpy(),
                "Circle": [words.circle_label(c) for c in wa["circle"]],
                "Roles": [words.roles_text(r) for r in wa["roles"]],
                "Contacts lately": wa["contacts_in_window"].to_numpy(),
                "Last contact (days ago)": wa["days_since"].round(0).to_numpy(),
            }
        ),
        list(wa["person_id"].astype(str)), "ck_circles_weak",
        column_config={"Last contact (days ago)": st.column_config.NumberColumn(format="%d")},
    )  # fmt: skip
wf = group_filter.restrict(out.weak_fading, who)
if not wf.empty:
    st.markdown("**Fading** — outer ties past their usual rhythm:")
    card.table(
        run,
        pd.DataFrame(
            {
                "Name": wf["name"].astype(str).to_numpy(),
                "Circle": [words.circle_label(c) for c in wf["circle"]],
                "Last contact (days ago)": wf["days_since"].round(0).to_numpy(),
                "Usual gap (days)": wf["expected_interval_days"].round(0).to_numpy(),
            }
        ),
        list(wf["person_id"].astype(str)), "ck_circles_fading",
        column_config={
            "Last contact (days ago)": st.column_config.NumberColumn(format="%d"),
            "Usual gap (days)": st.column_config.NumberColumn(format="%d"),
        },
    )  # fmt: skip
