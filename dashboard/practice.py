"""The daily practice in the dashboard: today's check-in card, the coming-up list, and the
quick-log box every page shows. Pages call these; everything they compute comes from
:mod:`analysis.checkin` and :mod:`analysis.occasions`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time

import pandas as pd
import streamlit as st

from analysis import checkin, occasions
from dashboard import data, filters, state, words

QUICK_CHANNELS = ("message", "call", "video", "in_person", "email", "social", "other")
DIRECTIONS = {"outgoing": "I reached out", "incoming": "They did"}


def logged_at(day: date, now: datetime | None = None) -> pd.Timestamp:
    """When contact logged on ``day`` counts: now when ``day`` is today, else noon of that day
    (looking at a past as-of date, the contact counts on that date)."""
    now_ts = pd.Timestamp(now) if now is not None else pd.Timestamp.now(tz="UTC")
    if now_ts.tzinfo is None:
        now_ts = now_ts.tz_localize("UTC")
    if day >= now_ts.date():
        return now_ts
    return pd.Timestamp(datetime.combine(day, time(12)), tz="UTC")


def todays_checkin(run: data.Run) -> None:
    """The check-in card: today's person, why, a draft, "Done" (logs it), the streak, the week."""
    an = run.analysis
    today = run.as_of
    history = state.checkins()
    states = state.states()
    chosen = checkin.todays(an.people, today, history, states, state.closeness())
    if chosen is not None and today not in history:
        state.record_checkin(today, chosen.person_id, False)
    done_today = bool(history.get(today, ("", False))[1])
    done_days = {d for d, (_, done) in history.items() if done}
    with st.container(border=True):
        st.markdown("**Today's check-in**")
        if chosen is None:
            st.caption("Once closeknit has seen you in touch with people close to you, one of "
                       "them will be here each day.")  # fmt: skip
            return
        st.markdown(f"**{words.md_escape(chosen.name)}** — {words.md_escape(chosen.reason)}")
        st.text_area("A short message", chosen.draft, key=f"ck_checkin_draft_{today}", height=68)
        if done_today:
            st.success("Done for today. Thank you.")
        elif st.button("Done: I sent it", key="ck_checkin_done", icon=":material/check:"):
            state.log_contact(chosen.name, "message", logged_at(today), note="daily check-in")
            state.record_checkin(today, chosen.person_id, True)
            st.rerun()
        n = checkin.streak(done_days | ({today} if done_today else set()), today)
        week = " ".join(
            f"{d:%a} {'●' if d in done_days or (d == today and done_today) else '○'}"
            for d in occasions.week_of(today)
        )
        st.caption(f"{checkin.streak_words(n, done_today)}  This week: {week}")


def coming_up(run: data.Run, members: Collection[str] | None = None) -> None:
    """Birthdays and dates the user entered in the next month, and follow-ups due (of
    ``members`` only, when a group is chosen)."""
    an = run.analysis
    names = dict(zip(an.people["person_id"], an.people["name"], strict=True))
    gone = [p for p, s in state.states().items() if set(s) & checkin.NEVER_STATES]
    up = occasions.coming_up(
        [*occasions.occasions_from_people(run.resolution.people), *state.occasions()],
        names, run.as_of, leave_out=gone,
    )  # fmt: skip
    due = occasions.due_follow_ups(state.follow_ups(), run.as_of)
    if members is not None:
        up = filters.in_group(up, members)
        due = [f for f in due if f.person_id in set(members)]
    if up.empty and not due:
        return
    st.subheader("Coming up")
    for r in up.itertuples(index=False):
        turns = f" (turns {r.turns})" if r.kind == "birthday" and not pd.isna(r.turns) else ""
        label = r.label or r.kind
        st.markdown(
            f"- {words.md_escape(r.name)}'s {words.md_escape(label)} "
            f"{occasions.when_words(int(r.days_until), r.date)}{turns}"
        )
    for f in due:
        st.markdown(
            f"- Follow up with {words.md_escape(names.get(f.person_id, f.person_id))}: "
            f"{words.md_escape(f.text)}"
        )


def quick_log(run: data.Run | None) -> None:
    """Log contact in seconds, from any page: who, how, who reached out, when, a note
    (nothing without a run)."""
    if run is None:
        return
    names = data.person_names(run)
    with (
        st.sidebar.expander("Log contact", icon=":material/edit_note:"),
        st.form("ck_quick_log", clear_on_submit=True, border=False),
    ):
        who = st.selectbox("Who", names, index=None, placeholder="Type a name",
                               key="ck_ql_who")  # fmt: skip
        how = st.selectbox("How", QUICK_CHANNELS, format_func=words.channel_label,
                               key="ck_ql_how")  # fmt: skip
        direction = st.radio("Who reached out", list(DIRECTIONS), format_func=DIRECTIONS.get,
                                 horizontal=True, key="ck_ql_dir")  # fmt: skip
        when = st.date_input("When", value=run.as_of, max_value=max(run.as_of, date.today()),
                                 key="ck_ql_when")  # fmt: skip
        note = st.text_input("Note (optional)", key="ck_ql_note")
        if st.form_submit_button("Log it") and who:
            state.log_contact(who, how, logged_at(when), direction, note.strip())
            st.toast(f"Logged: {words.channel_label(how)} with {who}.")
            st.rerun()
