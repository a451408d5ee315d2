"""Import: bring files, see what was read from each, fix what closeknit was unsure about."""

from __future__ import annotations

import zoneinfo
from datetime import date

import pandas as pd
import phonenumbers
import streamlit as st

from analysis.errors import CloseknitError
from analysis.importers import IMPORTERS, detect, head_text
from analysis.importers.base import SourceFile, stable_id
from analysis.importers.csvsniff import describe_columns
from dashboard import data, persist, state, ui, words

CSV_FORMATS = ("contacts_csv", "interactions_csv")
CSV_SUFFIXES = (".csv", ".tsv", ".tab")
# A CSV detected with less confidence than this gets its column mapping offered up front.
UNSURE_BELOW = 0.8

FALLBACK_FIELDS = {
    "contacts_csv": ("full_name", "given_name", "family_name", "nickname", "email", "phone",
                     "org", "title", "categories", "birthday"),
    "interactions_csv": ("timestamp", "who", "channel", "direction", "duration_min", "event_id",
                         "note"),
}  # fmt: skip
FIELD_WORDS = {
    "full_name": "Full name", "given_name": "First name", "family_name": "Last name",
    "nickname": "Nickname", "emails": "E-mail", "phones": "Phone", "email": "E-mail",
    "phone": "Phone", "org": "Organisation",
    "title": "Job title", "categories": "Groups / labels", "birthday": "Birthday",
    "timestamp": "Date and time", "who": "Who (name, phone or e-mail)", "channel": "How (channel)",
    "direction": "Who reached out", "duration_min": "Duration (minutes)",
    "event_id": "Event / group id", "note": "Note", "date": "Date", "time": "Time",
    "contact": "Who (name, phone or e-mail)", "duration_sec": "Duration (seconds)",
    "duration": "Duration", "display_name": "Display name",
}  # fmt: skip


def mappable_fields(fmt: str) -> tuple[str, ...]:
    """The canonical columns a user can map for a CSV format (from the importer when it says)."""
    mod = IMPORTERS.get(fmt)
    for attr in ("MAP_ROLES", "MAPPABLE_COLUMNS", "MAPPABLE", "CANONICAL_COLUMNS"):
        fields = getattr(mod, attr, None)
        if fields:
            return tuple(fields)
    return FALLBACK_FIELDS.get(fmt, ())


@st.cache_data(show_spinner=False, max_entries=256)
def detection(
    name: str, digest: str, _data: bytes
) -> tuple[str, str, float, tuple[str, ...], tuple[str, ...]]:
    """(format, label, confidence, notes, columns) of a file; format "unknown" when refused.
    ``columns`` lists the header of anything that reads as a table (a known CSV format, or a
    refused ``.csv``/``.tsv``), so the user can map it."""
    src = SourceFile(name, _data)
    try:
        det = detect(src)
        fmt, label, conf, notes = det.format, det.label, float(det.confidence), tuple(det.notes)
    except CloseknitError:
        fmt, label, conf, notes = "unknown", "unknown", 0.0, ()
    cols: tuple[str, ...] = ()
    if fmt in CSV_FORMATS or (fmt == "unknown" and name.lower().endswith(CSV_SUFFIXES)):
        try:
            cols = tuple(describe_columns(head_text(_data)))
        except Exception:  # noqa: BLE001 - listing columns is a convenience
            cols = ()
    return (fmt, label, conf, notes, cols)


def mapping_form(
    src: SourceFile, fmt: str, label: str, conf: float, columns: tuple[str, ...]
) -> None:
    """Let the user say what the file is and which of its columns is which; saving re-reads it."""
    current = dict(state.column_maps().get(src.digest, ()))
    if fmt == "unknown":
        st.markdown("**Column mapping** — closeknit could not tell what this table is. Tell it:")
    else:
        st.markdown(
            f"**Column mapping** — closeknit was {conf:.0%} sure this is a {label}. "
            "Check which column is which:"
        )
    is_log = bool(current.keys() & {"timestamp", "date"}) or (
        not current and fmt == "interactions_csv"
    )
    kind = st.radio(
        "This file is", ["contacts_csv", "interactions_csv"],
        index=1 if is_log else 0, horizontal=True, key=f"ck_kind_{src.digest}",
        format_func=lambda k: "a list of contacts" if k == "contacts_csv" else "a log of contact (calls, meetings…)",
    )  # fmt: skip
    with st.form(key=f"ck_map_{src.digest}"):
        choices: dict[str, str] = {}
        cols = st.columns(3)
        opts = ["(none)", *columns]
        for j, fld in enumerate(mappable_fields(kind)):
            cur = current.get(fld)
            choices[fld] = cols[j % 3].selectbox(
                FIELD_WORDS.get(fld, fld), opts, index=opts.index(cur) if cur in opts else 0,
                key=f"ck_map_{src.digest}_{kind}_{fld}",
            )  # fmt: skip
        if st.form_submit_button("Re-read with this mapping"):
            state.set_column_map(src.digest, {k: v for k, v in choices.items() if v != "(none)"})
            st.rerun()


st.title("Your files")
sample = state.on_sample()

# --- settings -----------------------------------------------------------------------------------
with st.container(border=True):
    st.markdown("**How to read your files**")
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    zones = sorted(zoneinfo.available_timezones())
    c1, c2 = st.columns(2)
    region = c1.selectbox(
        "Phone region (for numbers written without +country code)",
        regions,
        index=regions.index(st.session_state[state.REGION]),
        key="ck_region_input",
    )
    zone = c2.selectbox(
        "Your time zone (for times written without one)",
        zones,
        index=zones.index(st.session_state[state.TIMEZONE])
        if st.session_state[state.TIMEZONE] in zones
        else 0,
        key="ck_tz_input",
    )
    me_text = st.text_input(
        "Your own name, phone number or e-mail as chat exports show them (comma-separated), so "
        "closeknit can tell who reached out",
        value=st.session_state[state.ME],
        key="ck_me_input",
    )
    as_of = st.date_input(
        "Look at things as of",
        value=state.as_of(),
        key="ck_as_of_input",
        help="Today, unless you want to see how things stood on another day.",
    )
    st.session_state[state.AS_OF] = as_of if as_of != date.today() else None
    st.session_state[state.REGION] = region
    st.session_state[state.TIMEZONE] = zone
    st.session_state[state.ME] = me_text
    if sample:
        persona, _ = data.sample()
        s_as_of, s_region, s_zone, _ = data.persona_settings(persona)
        st.caption(
            "These apply to your own files. The sample uses its own: region "
            f"{s_region}, time zone {s_zone}, as of {s_as_of:%d %B %Y}."
        )

# --- upload -------------------------------------------------------------------------------------
uploaded = st.file_uploader(
    "Add files: contact exports (.vcf, .csv), chat exports (WhatsApp .txt/.zip, Telegram .json), "
    "calendars (.ics), SMS/call backups (.xml), interaction logs (.csv). Several at once is fine.",
    accept_multiple_files=True,
    key=f"ck_uploader_{st.session_state[state.UPLOADER]}",
)
if uploaded:
    for f in uploaded:
        state.add_file(f.name, f.getvalue())
    state.use_own_files()
    st.session_state[state.UPLOADER] += 1
    st.rerun()

if sample:
    st.info(
        "Showing the sample person's files below. Add your own files above to start with yours; "
        "the sample is then put away."
    )
elif not state.files():
    st.info("No files yet. Add some above.")
    if st.button("Show the sample instead", key="ck_import_back_to_sample"):
        state.use_sample()
        st.rerun()
    st.stop()

for name, same_as in st.session_state[state.DUPLICATES]:
    st.warning(
        f"{words.md_escape(name)} has the same content as {words.md_escape(same_as)}; "
        "it was read once.",
        icon=":material/content_copy:",
    )

# --- import (with progress) ---------------------------------------------------------------------
sources = data.sample()[1] if sample else state.files()
bar = st.progress(0.0, text="Reading files…") if len(sources) > 1 else None


def _progress(done: int, total: int, name: str) -> None:
    if bar is not None and total:
        text = f"Reading {words.md_escape(name)}…" if name else "Matching people…"
        bar.progress(done / total, text=text)


try:
    with st.spinner("Reading your files and matching people…"):
        run = data.current(progress=_progress)
except Exception as exc:  # noqa: BLE001 - say what went wrong and keep the files manageable
    if bar is not None:
        bar.empty()
    st.error(ui.failure_text(exc))
    for src in [] if sample else sources:
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.text(src.name)
        if c2.button("Remove", key=f"ck_rm_failed_{src.digest}"):
            state.remove_file(src.digest)
            st.rerun()
    st.stop()
if bar is not None:
    bar.empty()

# --- reports ------------------------------------------------------------------------------------
reports = run.dataset.reports
total_imported = sum(r.imported for r in reports)
total_skipped = sum(len(r.skipped) for r in reports)
m1, m2, m3, m4 = st.columns(4)
m1.metric("Files", len(reports))
m2.metric("Records imported", total_imported)
m3.metric("Records skipped", total_skipped)
m4.metric("People found", int((~run.resolution.people["non_person"].astype(bool)).sum()))

st.subheader("What was read from each file")
summary = pd.DataFrame(
    {
        "File": [r.file for r in reports],
        "Detected as": [r.label for r in reports],
        "Read": [r.read for r in reports],
        "Imported": [r.imported for r in reports],
        "Skipped": [len(r.skipped) for r in reports],
        "Status": [
            "Could not use" if r.error else ("OK" if r.usable else "Nothing usable")
            for r in reports
        ],
    }
)
st.dataframe(summary, hide_index=True, width="stretch", key="ck_import_summary")

by_name = {s.name: s for s in sources}
for i, rep in enumerate(reports):
    icon = (
        ":material/error:"
        if rep.error
        else (":material/warning:" if rep.skipped or rep.warnings else ":material/check_circle:")
    )
    with st.expander(
        f"{words.md_escape(rep.file)} — {words.md_escape(rep.label)}: {rep.imported} imported, "
        f"{len(rep.skipped)} skipped",
        icon=icon,
    ):
        if rep.error:
            st.error(words.md_escape(rep.error))
        for w in rep.warnings:
            st.warning(words.md_escape(w))
        for n in rep.notes:
            st.caption(words.md_escape(n))
        if rep.skipped:
            st.markdown("**Skipped records** — where, and why:")
            st.dataframe(
                pd.DataFrame({"Where": [s.where for s in rep.skipped], "Why": [s.reason for s in rep.skipped]}),
                hide_index=True, width="stretch",
            )  # fmt: skip
        src = by_name.get(rep.file)
        if src is None:
            continue
        fmt, label, conf, _notes, columns = detection(src.name, src.digest, src.data)
        mapped = bool(state.column_maps().get(src.digest))
        unsure = conf < UNSURE_BELOW or not rep.usable or mapped
        if columns and unsure and not sample:
            mapping_form(src, fmt, label, conf, columns)
        if not sample and st.button("Remove this file", key=f"ck_rm_{src.digest}_{i}"):
            state.remove_file(src.digest)
            st.rerun()

if not sample and st.button("Remove all my files", key="ck_clear_all"):
    state.clear_files()
    persist.sync()  # the store forgets them too (the sample below is never stored)
    state.use_sample()
    st.rerun()

# --- merges -------------------------------------------------------------------------------------
res = run.resolution
st.subheader("Are these the same person?")
sugg = res.suggestions
dec = state.decisions()
if sugg.empty:
    st.caption("No look-alike names to check.")
else:
    st.caption(
        "These names look alike, but closeknit never merges people on a guess. "
        "Say yes if they are one person, no if they are two."
    )
    for k, s in sugg.head(30).iterrows():
        pair = (str(s["contact_a"]), str(s["contact_b"]))
        with st.container(border=True):
            c1, c2, c3 = st.columns([4, 1, 1], vertical_alignment="center")
            c1.markdown(
                f"**{words.md_escape(s['name_a'])}** and **{words.md_escape(s['name_b'])}**  \n"
                f"{words.md_escape(s['reason'])}"
            )
            if c2.button(
                "Same person", key=f"ck_merge_yes_{k}_{pair[0]}_{pair[1]}", disabled=sample
            ):
                dec.confirmed.add(pair)
                dec.rejected.discard(pair)
                st.rerun()
            if c3.button("Different", key=f"ck_merge_no_{k}_{pair[0]}_{pair[1]}", disabled=sample):
                dec.rejected.add(pair)
                dec.confirmed.discard(pair)
                st.rerun()
if dec.confirmed or dec.rejected:
    st.caption(
        f"You said {len(dec.confirmed)} pair(s) are the same person and {len(dec.rejected)} are different."
    )
    if st.button("Undo my merge answers", key="ck_merge_undo"):
        dec.confirmed.clear()
        dec.rejected.clear()
        st.rerun()

# --- unmatched ----------------------------------------------------------------------------------
st.subheader("Who is this?")
unmatched = res.unmatched
if unmatched.empty:
    st.caption("Every phone number, address and name in your logs matched someone.")
else:
    st.caption(
        "These appear in your messages or calls but match nobody in your contacts. "
        "Link one to a person and all their contact counts for that person."
    )
    ppl = res.people
    linkable = ppl[ppl["contact_ids"].map(lambda c: len(c) > 0) & ~ppl["non_person"].astype(bool)]
    linkable = linkable.sort_values("name", kind="stable")
    options = {"": "(choose a person)"}
    for _, p in linkable.iterrows():
        options[str(p["contact_ids"][0])] = str(p["name"]) or "(no name)"
    table = unmatched.head(30)
    for _, u in table.iterrows():
        c1, c2 = st.columns([2, 3], vertical_alignment="center")
        first = pd.Timestamp(u["first"]).date() if not pd.isna(u["first"]) else "?"
        last = pd.Timestamp(u["last"]).date() if not pd.isna(u["last"]) else "?"
        c1.markdown(
            f"**{words.md_escape(u['who'])}** ({words.md_escape(u['kind'])})  \n"
            f"{int(u['interactions'])} contact{'' if int(u['interactions']) == 1 else 's'}, "
            f"{first} to {last}"
        )
        choice = c2.selectbox(
            "Link to", list(options), format_func=lambda cid: options[cid],
            key=f"ck_link_{stable_id(str(u['who']))}", disabled=sample, label_visibility="collapsed",
        )  # fmt: skip
        if choice and dec.links.get(str(u["who"])) != choice:
            dec.links[str(u["who"])] = choice
            st.rerun()
    if len(unmatched) > len(table):
        st.caption(f"…and {len(unmatched) - len(table)} more.")
if dec.links:
    st.caption(f"You linked {len(dec.links)} identit{'y' if len(dec.links) == 1 else 'ies'}.")
    if st.button("Undo my links", key="ck_link_undo"):
        dec.links.clear()
        st.rerun()
