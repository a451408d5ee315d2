"""Your data: what closeknit keeps on this computer, a file at a time, and deleting all of it."""

from __future__ import annotations

import streamlit as st

from analysis.store import default_store_path
from dashboard import data, state

st.title("Your data")
st.caption(
    "closeknit keeps your own files and your choices (merges, circles, notes, done and snoozed "
    "suggestions, contact you logged) in one file on this computer, readable only by you. "
    "Nothing is sent anywhere."
)
st.text(f"Stored in: {default_store_path()}")

stored = state.own_files()
if stored.empty:
    st.info("Nothing is stored yet. Files you add on the Import page are kept here.")
else:
    st.subheader("Imported files")
    for row in stored.itertuples(index=False):
        with st.container(border=True):
            left, right = st.columns([4, 1], vertical_alignment="center")
            left.markdown(f"**{row.label}**")
            left.text(
                f"{row.name} · imported {row.imported_at[:10]} · read {row.read}, imported "
                f"{row.imported}, skipped {row.skipped}"
                + (f", {row.already_known} already known" if row.already_known else "")
                + f" · kept: {row.contacts} contacts, {row.interactions} interactions"
            )
            if right.button("Remove", key=f"ck_store_rm_{row.digest}"):
                state.remove_own_file(row.digest)
                st.rerun()

run = data.current()
if run is not None:
    st.subheader("Take it with you")
    st.caption(
        "The same exports as `closeknit export`: spreadsheet cells that could run as formulas "
        "are made safe."
    )
    d1, d2, d3, d4 = st.columns(4)
    d1.download_button("People (.csv)", data.export(run, "csv"), "closeknit-people.csv",
                       "text/csv", key="ck_dl_csv")  # fmt: skip
    d2.download_button("Report (.md)", data.export(run, "md"), "closeknit-report.md",
                       "text/markdown", key="ck_dl_md")  # fmt: skip
    d3.download_button("Report (.html)", data.export(run, "html"), "closeknit-report.html",
                       "text/html", key="ck_dl_html")  # fmt: skip
    d4.download_button("Reminders (.ics)", data.export(run, "ics", dates=data.yearly(run)),
                       "closeknit-reach-out.ics",
                       "text/calendar", key="ck_dl_ics2")  # fmt: skip

st.subheader("Delete all my data")
st.markdown(
    "This deletes the store file: every file, choice and note. It cannot be undone. The files "
    "you exported from your phone or accounts are not touched."
)


def _delete() -> None:
    state.delete_everything()
    st.session_state["ck_delete_sure"] = False
    st.session_state["ck_deleted"] = True


sure = st.checkbox("Yes, delete everything closeknit keeps about me", key="ck_delete_sure")
st.button(
    "Delete all my data", type="primary", disabled=not sure, key="ck_delete_all", on_click=_delete
)
if st.session_state.pop("ck_deleted", False):
    st.success("Deleted. closeknit keeps nothing about you now.")
