"""closeknit's dashboard: ``streamlit run app.py``.

Sets the page up, creates the session state (:mod:`dashboard.state`), declares the pages with
``st.navigation`` and shows, on every page, whether you are looking at the bundled sample or at
your own files. Everything stays on this machine.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from analysis import runtime
from dashboard import data, group_filter, practice, state, ui

runtime.use_small_pages()  # before any analysis: see the functions
runtime.collect_less_often()  # once per process

# A local file: a material-icon or emoji favicon would be fetched from the internet.
ICON = Path(__file__).resolve().parent / "app_pages" / "icon.png"

st.set_page_config(
    page_title="closeknit",
    page_icon=str(ICON),
    layout="wide",
    # "auto": open on a large screen, closed on a phone (where it would cover the page)
    initial_sidebar_state="auto",
)
state.init(data.sample_template)

problem = state.store_problem()
if problem is not None:  # the user's own store cannot be opened: say so, offer a way out
    st.error(f"Your closeknit store cannot be used: {problem}")
    if st.button("Start a new store (the old file is kept, renamed)", key="ck_store_aside"):
        kept = state.set_store_aside()
        st.success(f"Started a new store. The old one is kept as {kept}.")
    state.use_sample()

PAGES = {
    "Your people": [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/home:", default=True),
        st.Page("app_pages/network.py", title="Network", icon=":material/hub:"),
        st.Page("app_pages/neglected.py", title="Neglected ties", icon=":material/schedule:"),
        st.Page("app_pages/balance.py", title="Balance", icon=":material/balance:"),
        st.Page("app_pages/circles.py", title="Circles", icon=":material/radio_button_checked:"),
        st.Page("app_pages/suggestions.py", title="Suggestions", icon=":material/favorite:"),
        st.Page("app_pages/people.py", title="People", icon=":material/search:"),
        st.Page("app_pages/self_check.py", title="Self-check", icon=":material/self_improvement:"),
    ],
    "Your files": [
        st.Page("app_pages/import_data.py", title="Import", icon=":material/upload_file:"),
        st.Page("app_pages/your_data.py", title="Your data", icon=":material/database:"),
    ],
}
page = st.navigation(PAGES)

with st.sidebar:
    st.caption("closeknit runs on this computer only. Nothing you load leaves it.")
    ui.page_aids()  # skip link, focus ring and focus kept across reruns, readable buttons

if state.on_sample():
    with st.container(border=True):
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(
            "**You are looking at a sample.** These are the invented people of a made-up person, "
            "so you can see what closeknit does. None of it is yours."
        )
        if right.button("Start with my own files", type="primary", key="ck_start_own"):
            state.use_own_files()
            st.switch_page("app_pages/import_data.py")

# the caches only a restart reads are written once the page is drawn, not while it is
with data.caches_written_after():
    run = ui.current_or_none()
    group_filter.sidebar(run)  # one group filter every page applies
    practice.quick_log(run)
    page.run()
