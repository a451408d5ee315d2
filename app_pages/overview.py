"""Overview: the few numbers that matter, each with what it means, and today's top suggestions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import card, group_filter, practice, ui, words

run = ui.require_run()
an = run.analysis

st.title("Overview")
ui.as_of_caption(run)
who = group_filter.note(run, "overview")
real = group_filter.restrict(an.people[~an.people["non_person"].astype(bool)], who)
practice.todays_checkin(run)
practice.coming_up(run, who)

# --- circles ---------------------------------------------------------------------------------
st.subheader("Your circles")
cols = st.columns(4)
for col, layer in zip(cols, (1, 2, 3, 4), strict=True):
    n = int((real["circle"] == layer).sum())
    col.metric(words.circle_label(layer), n)
    col.caption(words.CIRCLE_HINT[layer].capitalize() + ".")

# --- the four signals ------------------------------------------------------------------------
st.subheader("How things stand")
neglected = real[real["status"] == "neglected"]
overdue = real[real["status"] == "overdue"]
intimate = real[real["intimate"].astype(bool)]
initiated = intimate["initiated_share"].dropna()
c1, c2, c3, c4 = st.columns(4)
c1.metric("Slipping away", len(neglected))
c1.caption(
    "Close people you used to be in touch with regularly and haven't reached for more than "
    "twice your usual gap."
)
c2.metric("Overdue", len(overdue))
c2.caption("People it has been clearly longer than usual since you were last in touch with.")
bal = an.balance
trend = None if pd.isna(bal.trend) else f"{100 * bal.trend:+.0f} points"
c3.metric(f"In person, last {bal.window_days} days", words.share(bal.offline_share), trend)
c3.caption(
    "Of the days you were in touch with someone, the share you actually met them "
    "(the arrow compares with the period before)."
)
with c3:
    group_filter.everyone_caption(who)
c4.metric("You reached out first", words.share(initiated.median() if len(initiated) else None))
c4.caption(
    "With your closest people, how often the contact started with you. Far below 50% means "
    "they carry the friendship; far above, that you do."
)

# --- suggestions ----------------------------------------------------------------------------
st.subheader("Today, you could…")
st.caption(words.suggestions_caption(run.is_sample, run.persona, steps=False))
sugg = group_filter.restrict(an.suggestions, who)
if sugg.empty:
    st.success("Nobody needs a nudge today. Enjoy it.")
else:
    for _, s in sugg.head(3).iterrows():
        pid = str(s["person_id"])
        with st.container(border=True):
            st.markdown(f"**{words.md_escape(s['name'])}** — {words.md_escape(s['reason'])}")
            st.markdown(words.md_escape(s["action"]))
            card.toggle("overview", pid, str(s["name"]))
            card.show_opened(run, "overview", {pid})
    st.page_link("app_pages/suggestions.py", label="All suggestions", icon=":material/favorite:")
