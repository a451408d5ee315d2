"""A private support self-check: the six questions of the Lubben Social Network Scale (LSNS-6),
pre-filled where your records answer them, confirmed by you. Kept only if you save it."""

from __future__ import annotations

import streamlit as st

from analysis.lsns import ANSWERS, QUESTIONS, prefill, score_words, total
from dashboard import state, ui

run = ui.require_run()
st.title("A support self-check")
st.caption(
    "Six questions from the Lubben Social Network Scale (LSNS-6; Lubben et al. 2006, The "
    "Gerontologist 46:503). Where your records answer a question, the answer is filled in; "
    "change anything that is not right. This is a way to look at your support, not a diagnosis."
)
guess = prefill(run.analysis.people)
saved = state.self_check()
answers = []
for i, question in enumerate(QUESTIONS):
    start = saved[i] if saved else guess[i]
    answers.append(
        st.radio(
            question,
            list(range(len(ANSWERS))),
            index=start,
            format_func=ANSWERS.__getitem__,
            horizontal=True,
            key=f"ck_lsns_{i}",
        )  # fmt: skip
    )
    if saved is None and guess[i] is not None and i in (0, 3):
        st.caption("Filled in from the people you were in touch with at least monthly.")
score = total(answers)
st.subheader(f"Score: {score} of 30")
st.markdown(score_words(score))
c1, c2 = st.columns(2)
if c1.button("Keep my answers", key="ck_lsns_save"):
    state.save_self_check(answers)
    st.success("Kept on this computer.")
if saved and c2.button("Forget my answers", key="ck_lsns_forget"):
    state.save_self_check(None)
    st.rerun()
