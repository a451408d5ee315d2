"""Balance: time online versus in person, over time, per person and by circle."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import card, figures, group_filter, ui, words

run = ui.require_run()
bal = run.analysis.balance
st.title("Online and in person")
ui.as_of_caption(run)
who = group_filter.note(run, "balance")
screen_only = group_filter.restrict(bal.screen_only, who)

with st.container(border=True):
    st.markdown(
        "**Why in-person time matters.** In a study of about 11,000 older adults, how often people "
        "met friends and family face to face predicted their risk of depression two years later; "
        "phone calls, e-mail and written contact did not. Messages keep a tie alive; meeting "
        "keeps it strong."
    )
    st.caption(
        "Source: Teo, Choi, Andrea & Valenstein (2015), *Does mode of contact with different types "
        "of social relationships predict depression in older adults?* Journal of the American "
        "Geriatrics Society 63(10):2014–2022."
    )

c1, c2 = st.columns(2)
trend = None if pd.isna(bal.trend) else f"{100 * bal.trend:+.0f} points"
c1.metric(
    f"Days in touch that were in person (last {bal.window_days} days)",
    words.share(bal.offline_share),
    trend,
)
c1.caption("The arrow compares with the period before.")
with c1:
    group_filter.everyone_caption(who)
c2.metric("Close people seen only on screens", len(screen_only))
c2.caption("Close people you message or call but haven't met in two months or more.")

st.subheader("Month by month")
if bal.monthly.empty:
    st.caption("No contact recorded yet.")
else:
    group_filter.everyone_caption(who)
    monthly_fig = figures.monthly_balance_figure(bal.monthly, "month", "online", "offline")
    st.plotly_chart(monthly_fig, key="ck_bal_monthly", width="stretch")
    with st.expander("As a table"):
        st.dataframe(
            figures.chart_table(monthly_fig), hide_index=True, width="stretch",
            key="ck_bal_monthly_table",
        )  # fmt: skip

st.subheader("Who has gone screen-only")
if screen_only.empty:
    st.success("You have met all your close people in person lately.")
else:
    so = screen_only
    card.table(
        run,
        pd.DataFrame(
            {
                "Name": so["name"].astype(str).to_numpy(),
                "Circle": [words.circle_label(c) for c in so["circle"]],
                "Last met in person": [
                    "never, in these records" if pd.isna(d) else words.ago(d)
                    for d in so["days_since_in_person"]
                ],
                f"Online contacts (last {bal.window_days} days)": so["messages_in_window"].to_numpy(),
            }
        ),
        list(so["person_id"].astype(str)), "ck_bal_screen",
    )  # fmt: skip

st.subheader("In person, by circle")
bc = bal.by_circle
if bc.empty:
    st.caption("No contact in the window.")
else:
    st.caption(
        f"Of the days you were in touch with people of each circle in the last "
        f"{bal.window_days} days, how many were in person."
    )
    group_filter.everyone_caption(who)
    st.dataframe(
        pd.DataFrame(
            {
                "Circle": [words.circle_label(c) for c in bc["circle"]],
                "In person": [
                    words.shares_text(a, b) for a, b in zip(bc["offline"], bc["online"], strict=True)
                ],
                "Days in person": bc["offline"].to_numpy(),
                "Days online": bc["online"].to_numpy(),
            }
        ),
        hide_index=True, width="stretch", key="ck_bal_circle",
    )  # fmt: skip
