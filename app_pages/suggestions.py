"""Suggestions: who to reach out to, why, a small step and a draft message; done or snooze."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import card, data, group_filter, state, ui, words

SNOOZE_CHOICES = (3, 7, 14)
REACHED_OUT = {
    "message": "A message",
    "call": "A call",
    "video": "A video call",
    "in_person": "We met",
    "email": "An e-mail",
}
"""How the user got in touch, as the channel it is logged under."""


def _logged_at(as_of) -> pd.Timestamp:
    """When contact logged now counts: now, or, while looking at a past day, that day."""
    now = pd.Timestamp.now(tz="UTC")
    return now if as_of >= now.date() else pd.Timestamp(as_of, tz="UTC") + pd.Timedelta(hours=12)


def _reached_out(pid: str, name: str, as_of) -> None:
    """The "I reached out" button's callback: run before the page is drawn again, so the
    page is drawn once, with the contact counted (not once before and once after)."""
    channel = st.session_state.get(f"ck_how_{pid}") or next(iter(REACHED_OUT))
    state.log_contact(name, channel, _logged_at(as_of))
    state.mark_done(pid, as_of)
    st.toast(f"Noted: {REACHED_OUT[channel].lower()} with {name}.")


def _snooze(pid: str, as_of) -> None:
    """The Snooze button's callback (as :func:`_reached_out`)."""
    days = int(st.session_state.get(f"ck_snooze_days_{pid}") or SNOOZE_CHOICES[1])
    state.snooze(pid, as_of + timedelta(days=days))


run = ui.require_run()
an = run.analysis
st.title("Suggestions")
ui.as_of_caption(run)
st.caption(words.suggestions_caption(run.is_sample, run.persona))
who = group_filter.note(run, "suggestions")

sugg = group_filter.restrict(an.suggestions, who)
if not sugg.empty:
    st.download_button(
        "Add these as reminders to your calendar (.ics)",
        data.export(run, "ics", sugg, data.yearly(run)),
        file_name="closeknit-reach-out.ics",
        mime="text/calendar",
        icon=":material/event:",
        key="ck_dl_ics",
    )
if sugg.empty:
    st.success("Nothing to suggest today.")
for _, s in sugg.iterrows():
    pid = str(s["person_id"])
    with st.container(border=True):
        st.markdown(f"#### {int(s['rank'])}. {words.md_escape(s['name'])}")
        st.markdown(f"**Why:** {words.md_escape(s['reason'])}")
        st.markdown(f"**A small step:** {words.md_escape(s['action'])}")
        st.code(str(s["draft"]), language=None, wrap_lines=True)
        c1, c2, c3, c4 = st.columns([1.4, 1.2, 1, 1.2], vertical_alignment="bottom")
        step = words.step_channel(s["kind"], s["action"])
        c1.selectbox(
            "How", list(REACHED_OUT), format_func=REACHED_OUT.get, key=f"ck_how_{pid}",
            index=list(REACHED_OUT).index(step) if step in REACHED_OUT else 0,
            help="Set to the step suggested; change it if you got in touch another way.",
        )  # fmt: skip
        c2.button(
            "I reached out", key=f"ck_done_{pid}", icon=":material/check:",
            on_click=_reached_out, args=(pid, str(s["name"]), run.as_of),
        )  # fmt: skip
        c3.selectbox(
            "Snooze for", SNOOZE_CHOICES, index=1, format_func=lambda d: f"{d} days",
            key=f"ck_snooze_days_{pid}",
        )  # fmt: skip
        c4.button(
            "Snooze", key=f"ck_snooze_{pid}", icon=":material/snooze:",
            on_click=_snooze, args=(pid, run.as_of),
        )  # fmt: skip
        card.toggle("suggestions", pid, str(s["name"]))
        card.show_opened(run, "suggestions", {pid})

done, snoozed = state.done(), state.snoozed()
if done or snoozed:
    names = dict(zip(an.people["person_id"], an.people["name"], strict=True))
    with st.expander(f"Done ({len(done)}) and snoozed ({len(snoozed)})"):
        for pid, when in done.items():
            st.text(f"Done: {names.get(pid, pid)} ({when:%d %b})")
        for pid, until in snoozed.items():
            st.text(f"Snoozed: {names.get(pid, pid)} until {until:%d %b}")
        if st.button("Bring them all back", key="ck_sugg_reset"):
            state.reset_suggestions()
            st.rerun()
    st.caption(words.choices_caption(run.is_sample))
