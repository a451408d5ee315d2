"""Suggestions: who to reach out to, why, a small step and a draft message; done or snooze."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from app_pages import state, ui, words

SNOOZE_DAYS = 7

run = ui.require_run()
an = run.analysis
st.title("Suggestions")
ui.as_of_caption(run)
st.caption(
    "A few small steps, most useful first. Copy the draft, change it to sound like you, and "
    "send it — or mark it done if you already got in touch."
)

sugg = an.suggestions
if sugg.empty:
    st.success("Nothing to suggest today.")
for _, s in sugg.iterrows():
    pid = str(s["person_id"])
    with st.container(border=True):
        st.markdown(f"#### {int(s['rank'])}. {words.md_escape(s['name'])}")
        st.markdown(f"**Why:** {words.md_escape(s['reason'])}")
        st.markdown(f"**A small step:** {words.md_escape(s['action'])}")
        st.code(str(s["draft"]), language=None, wrap_lines=True)
        b1, b2, _ = st.columns([1, 1, 4])
        if b1.button("Done", key=f"ck_done_{pid}", icon=":material/check:"):
            state.mark_done(pid, run.as_of)
            st.toast("Marked done.")
            st.rerun()
        if b2.button(
            f"Snooze {SNOOZE_DAYS} days", key=f"ck_snooze_{pid}", icon=":material/snooze:"
        ):
            state.snooze(pid, run.as_of + timedelta(days=SNOOZE_DAYS))
            st.rerun()

done, snoozed = state.done(), state.snoozed()
if done or snoozed:
    names = dict(zip(an.people["person_id"], an.people["name"], strict=True))
    with st.expander(f"Done ({len(done)}) and snoozed ({len(snoozed)})"):
        for pid, when in done.items():
            st.text(f"Done: {names.get(pid, pid)} ({when:%d %b})")
        for pid, until in snoozed.items():
            st.text(f"Snoozed: {names.get(pid, pid)} until {until:%d %b}")
        if st.button("Bring them all back", key="ck_sugg_reset"):
            st.session_state[state.DONE] = {}
            st.session_state[state.SNOOZED] = {}
            st.rerun()
    st.caption("These choices last for this session.")
