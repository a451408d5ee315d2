"""Neglected ties: people you were close to and haven't reached lately, most overdue first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import card, data, group_filter, ui, words

SHOWN = ("neglected", "overdue", "due")

run = ui.require_run()
an = run.analysis
st.title("People you haven't reached lately")
ui.as_of_caption(run)
st.caption(
    "Each person has their own rhythm: someone you talk to weekly is late after a fortnight; "
    "someone you see once a year is not late at 200 days. *Slipping away* means a close person "
    "past twice their usual gap; *overdue*, clearly past it; *due*, just past it."
)

who = group_filter.note(run, "neglected")
people = group_filter.restrict(an.people[~an.people["non_person"].astype(bool)], who)
show_all = st.toggle("Show everyone, not only the late ones", key="ck_neg_all")
rows = people if show_all else people[people["status"].isin(SHOWN)]
rows = rows.sort_values(["overdue_ratio", "person_id"], ascending=[False, True], na_position="last")

counts = {s: int((people["status"] == s).sum()) for s in SHOWN}
c1, c2, c3 = st.columns(3)
c1.metric("Slipping away", counts["neglected"])
c2.metric("Overdue", counts["overdue"])
c3.metric("Due a catch-up", counts["due"])

if rows.empty:
    st.success("Nobody is late. You're keeping up with everyone at their own rhythm.")
    st.stop()

spark = data.monthly_counts(run.digest, run.resolution.interactions, run.as_of)
table = pd.DataFrame(
    {
        "Name": rows["name"].astype(str).to_numpy(),
        "Status": [words.status_label(s) for s in rows["status"]],
        "Days since contact": rows["days_since"].round(0).to_numpy(),
        "Usual gap (days)": rows["expected_interval_days"].round(0).to_numpy(),
        "Times the usual gap": rows["overdue_ratio"].round(1).to_numpy(),
        "Circle": [words.circle_label(c) for c in rows["circle"]],
        "Last contact by": [words.channel_label(c) for c in rows["last_channel"]],
        "Last 12 months": [spark.get(p, [0] * 12) for p in rows["person_id"]],
    }
)
card.table(
    run, table, list(rows["person_id"].astype(str)), "ck_neg_table",
    column_config={
        "Days since contact": st.column_config.NumberColumn(format="%d"),
        "Usual gap (days)": st.column_config.NumberColumn(format="%d"),
        "Times the usual gap": st.column_config.NumberColumn(format="%.1f×"),
        "Last 12 months": st.column_config.LineChartColumn(
            "Last 12 months", help="Contacts each month, oldest on the left", y_min=0
        ),
    },
)  # fmt: skip
