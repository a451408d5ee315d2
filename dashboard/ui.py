"""Small pieces every page uses: getting the current run, and what to show without one."""

from __future__ import annotations

import streamlit as st

from dashboard import data, state, words


def require_run() -> data.Run:
    """The current run; when the user chose their own files and has none yet, say what to do
    and stop the page."""
    try:
        with st.spinner("Reading your files…"):
            run = data.current()
    except Exception as exc:  # noqa: BLE001 - a clear message instead of a traceback
        st.error(failure_text(exc))
        st.page_link(
            "app_pages/import_data.py", label="Go to Import", icon=":material/upload_file:"
        )
        st.stop()
    if run is None:
        st.info(
            "No files yet. Add your contact exports and chat or call logs on the Import page; "
            "closeknit reads them here, on this computer."
        )
        st.page_link(
            "app_pages/import_data.py", label="Go to Import", icon=":material/upload_file:"
        )
        if st.button("Show the sample instead", key="ck_back_to_sample"):
            state.use_sample()
            st.rerun()
        st.stop()
    if not run.dataset.usable:
        st.warning(
            "None of your files could be read, so there is nothing to show yet. The Import page "
            "says what was wrong with each one."
        )
        st.page_link(
            "app_pages/import_data.py", label="Go to Import", icon=":material/upload_file:"
        )
        st.stop()
    return run


def as_of_caption(run: data.Run) -> None:
    """One line saying which day the numbers are as of."""
    who = "the sample person" if run.is_sample else "you"
    st.caption(
        f"As of {run.as_of:%d %B %Y}, for {who}. Time zone {run.timezone}, phone region {run.region}."
    )


def failure_text(exc: BaseException) -> str:
    """What to tell the user when the pipeline fails (markdown-safe: the message may quote a
    file)."""
    return (
        "closeknit could not analyse these files. Removing the last file you added usually "
        "helps. What went wrong: " + words.md_escape(f"{type(exc).__name__}: {exc}")
    )
