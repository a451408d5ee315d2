"""Import: bring files, see what was read from each, fix what closeknit was unsure about."""

from __future__ import annotations

import zoneinfo
from datetime import date

import pandas as pd
import phonenumbers
import streamlit as st

from analysis import pipeline
from analysis.importers.base import SourceFile, stable_id
from dashboard import card, data, state, ui, words

# A CSV detected with less confidence than this gets its column mapping offered up front.
UNSURE_BELOW = 0.8

FALLBACK_FIELDS = {
    "contacts_csv": ("full_name", "given_name", "family_name", "nickname", "email", "phone",
                     "org", "title", "categories", "birthday", "anniversary"),
    "interactions_csv": ("timestamp", "who", "channel", "direction", "duration_min", "event_id",
                         "note"),
}  # fmt: skip
FIELD_WORDS = {
    "full_name": "Full name", "given_name": "First name", "family_name": "Last name",
    "nickname": "Nickname", "emails": "E-mail", "phones": "Phone", "email": "E-mail",
    "phone": "Phone", "org": "Organisation",
    "title": "Job title", "categories": "Groups / labels", "birthday": "Birthday",
    "anniversary": "Anniversary",
    "timestamp": "Date and time", "who": "Who (name, phone or e-mail)", "channel": "How (channel)",
    "direction": "Who reached out", "duration_min": "Duration (minutes)",
    "event_id": "Event / group id", "note": "Note", "date": "Date", "time": "Time",
    "contact": "Who (name, phone or e-mail)", "duration_sec": "Duration (seconds)",
    "duration": "Duration", "display_name": "Display name",
}  # fmt: skip


def mappable_fields(fmt: str) -> tuple[str, ...]:
    """The canonical columns a user can map for a CSV format (from the importer when it says)."""
    return pipeline.mappable_columns(fmt) or FALLBACK_FIELDS.get(fmt, ())


@st.cache_data(show_spinner=False, max_entries=256)
def detection(
    name: str, digest: str, _data: bytes
) -> tuple[str, str, float, tuple[str, ...], tuple[str, ...]]:
    """(format, label, confidence, notes, columns) of a file (cached on its digest)."""
    shape = pipeline.file_shape(SourceFile(name, _data))
    return (shape.format, shape.label, shape.confidence, shape.notes, shape.columns)


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


ME_KEY = "ck_me_input"
ME_PICKED = "ck_me_picked"  # the participant just picked as the user, said once


def _pick_me(pick_key: str) -> None:
    """The answer to "which of these is you?": the name is kept in "me" (and in the "me" box
    above); the files are read again with it on this rerun."""
    name = st.session_state.get(pick_key)
    if name:
        st.session_state[ME_KEY] = ", ".join(state.add_me(str(name)))
        st.session_state[ME_PICKED] = str(name)


st.title("Your files")
sample = state.on_sample()

# --- settings -----------------------------------------------------------------------------------
with st.container(border=True):
    st.markdown("**How to read your files**")
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    zones = sorted(zoneinfo.available_timezones())
    cur_region, cur_zone, cur_me = state.region(), state.timezone(), state.me()
    c1, c2 = st.columns(2)
    region = c1.selectbox(
        "Phone region (for numbers written without +country code)",
        regions,
        index=regions.index(cur_region) if cur_region in regions else 0,
        key="ck_region_input" if not sample else "ck_region_input_sample",
        disabled=sample,
    )
    zone = c2.selectbox(
        "Your time zone (for times written without one)",
        zones,
        index=zones.index(cur_zone) if cur_zone in zones else 0,
        key="ck_tz_input" if not sample else "ck_tz_input_sample",
        disabled=sample,
        help="Your browser's time zone until you choose another one.",
    )
    if not sample:  # "Which of these is you?" below may change it: kept in the session
        st.session_state.setdefault(ME_KEY, ", ".join(cur_me))
    me_text = st.text_input(
        "Your own name, phone number or e-mail as chat exports show them (comma-separated), so "
        "closeknit can tell who reached out",
        value=", ".join(cur_me) if sample else None,
        key=ME_KEY if not sample else "ck_me_input_sample",
        disabled=sample,
    )
    as_of = st.date_input(
        "Look at things as of",
        value=state.as_of(),
        key="ck_as_of_input" if not sample else "ck_as_of_input_sample",
        help="Today, unless you want to see how things stood on another day.",
        disabled=sample,
    )
    if sample:
        st.caption(
            "The sample uses its own settings: region "
            f"{cur_region}, time zone {cur_zone}, as of {state.as_of():%d %B %Y}. Yours apply "
            "once you add your own files."
        )
    elif state.set_settings(
        region, zone, state.parse_me(me_text), as_of if as_of != date.today() else None
    ):
        st.rerun()

# --- upload -------------------------------------------------------------------------------------
uploaded = st.file_uploader(
    "Add files: contact exports (.vcf, .csv), chat exports (WhatsApp .txt/.zip, Telegram .json, "
    "Messenger/Instagram .json/.zip), e-mail (.mbox, .eml), calendars (.ics), SMS/call backups "
    "(.xml, chat.db), interaction logs (.csv). Several at once is fine.",
    accept_multiple_files=True,
    key=f"ck_uploader_{st.session_state[state.UPLOADER]}",
)
if uploaded:
    state.use_own_files()
    bar = st.progress(0.0, text="Reading files…")

    def _progress(done: int, total: int, name: str) -> None:
        if total:
            text = f"Reading {words.md_escape(name)}…" if name else "Matching people…"
            bar.progress(done / total, text=text)

    state.add_files([(f.name, f.getvalue()) for f in uploaded], _progress)
    bar.empty()
    st.session_state[state.UPLOADER] += 1
    st.rerun()

stored = state.files()
if sample:
    st.info(
        "Showing the sample person's files below. Add your own files above to start with yours; "
        "the sample is then put away."
    )
elif stored.empty:
    st.info("No files yet. Add some above.")
    for outcome in st.session_state[state.LAST_UPLOAD]:
        if outcome.report.error:
            st.error(words.md_escape(outcome.report.error))
    if st.button("Show the sample instead", key="ck_import_back_to_sample"):
        state.use_sample()
        st.rerun()
    st.stop()

# files refused in the last upload are not stored: say so here, until the next upload
for outcome in st.session_state[state.LAST_UPLOAD]:
    rep = outcome.report
    if rep.format == "duplicate":
        st.warning(words.md_escape(rep.error or ""), icon=":material/content_copy:")
    elif rep.error:
        st.error(f"Not imported: {words.md_escape(rep.error)}", icon=":material/error:")

try:
    with st.spinner("Matching people…"):
        run = data.current()
except Exception as exc:  # noqa: BLE001 - say what went wrong and keep the files manageable
    st.error(ui.failure_text(exc))
    for row in stored.itertuples(index=False):
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.text(row.name)
        if c2.button("Remove", key=f"ck_rm_failed_{row.digest}"):
            state.remove_file(row.digest)
            st.rerun()
    st.stop()
if run is None:
    st.stop()

# --- reports ------------------------------------------------------------------------------------
reports = run.dataset.reports
by_name = {src.name: src for src in state.sources()}
total_imported = sum(r.imported for r in reports)
total_skipped = sum(len(r.skipped) for r in reports)
m1, m2, m3, m4 = st.columns(4)
m1.metric("Files", len(reports))
m2.metric("Records imported", total_imported)
m3.metric("Records skipped", total_skipped)
m4.metric("People found", int((~run.resolution.people["non_person"].astype(bool)).sum()))

# --- which of these is you? (right under the result, where the user looks) ---------------------
picked = st.session_state.pop(ME_PICKED, None)
if picked:
    st.success(
        f"Thank you: you are “{words.md_escape(picked)}” in your chats. Your files were read "
        "again with it, so you are no longer counted among your own people, and closeknit can "
        "tell who reached out."
    )
asking = [r for r in reports if not sample and data.asks_who_you_are(r) and r.file in by_name]
if asking:
    with st.container(border=True):
        st.markdown("**Which of these is you?**")
        st.warning(
            "closeknit cannot tell which participant of these chats is you. Until you pick "
            "yourself, you may appear as a person in your own network, and who reached out "
            "is unknown.",
            icon=":material/person_alert:",
        )
        for rep in asking:
            pick_key = f"ck_me_pick_{by_name[rep.file].digest}"
            st.selectbox(
                f"You in {words.md_escape(rep.file)}", data.file_participants(run, rep), index=None,
                placeholder="Pick your own name", key=pick_key, on_change=_pick_me,
                args=(pick_key,),
            )  # fmt: skip
with st.container(border=True):
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.markdown(
        "**Next:** see who is close, who is slipping away and who you could reach out to."
        if not sample
        else "**Next:** see what closeknit shows for the sample person."
    )
    with right:
        st.page_link(
            "app_pages/overview.py", label="See your overview", icon=":material/arrow_forward:"
        )

for text in data.overlap_warnings(run):
    st.warning(words.md_escape(text), icon=":material/difference:")

st.subheader("What was read from each file")
summary = pd.DataFrame(
    {
        "File": [r.file for r in reports],
        "Detected as": [r.label for r in reports],
        "Read": [r.read for r in reports],
        "Imported": [r.imported for r in reports],
        "Already known": [sum(r.already_known.values()) for r in reports],
        "Skipped": [len(r.skipped) for r in reports],
        "Status": [
            "Could not use" if r.error else ("OK" if r.usable else "Nothing usable")
            for r in reports
        ],
    }
)
st.dataframe(summary, hide_index=True, width="stretch", key="ck_import_summary")

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
        expanded=rep.ambiguous_date_order and not sample,
    ):
        if rep.error:
            st.error(words.md_escape(rep.error))
        for w in rep.warnings:
            st.warning(words.md_escape(w))
        for n in rep.notes:
            st.caption(words.md_escape(n))
        for other, n in rep.already_known.items():
            st.caption(
                words.md_escape(f"{n:,} records were already known from {other}; counted once.")
            )
        if rep.encoding:
            st.caption(words.md_escape(f"Read as text in {rep.encoding}."))
        if rep.skipped:
            st.markdown("**Skipped records** — where, and why:")
            st.dataframe(
                pd.DataFrame({"Where": [s.where for s in rep.skipped], "Why": [s.reason for s in rep.skipped]}),
                hide_index=True, width="stretch",
            )  # fmt: skip
        src = by_name.get(rep.file)
        if src is None:
            continue
        if not sample and (rep.ambiguous_date_order or state.dayfirst(src.digest) is not None):
            current = state.dayfirst(src.digest)
            order = st.radio(
                "Dates in this file such as 03/04 mean",
                ["day/month (3 April)", "month/day (March 4)"],
                index=None if current is None else (0 if current else 1),
                key=f"ck_dayfirst_{src.digest}",
                horizontal=True,
            )
            chosen = None if order is None else order.startswith("day")
            if chosen is not None and chosen != current:
                state.set_dayfirst(src.digest, chosen)
                st.rerun()
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
    state.use_sample()
    st.rerun()

# --- the people found ------------------------------------------------------------------------
found = data.people_found(run.digest, run)
st.subheader(f"Who was found ({len(found):,})")
card.table(run, found.drop(columns="person_id"), list(found["person_id"]), "ck_import_people")

# --- merges -------------------------------------------------------------------------------------
res = run.resolution
st.subheader("Are these the same person?")
sugg = res.suggestions
dec = state.decisions()
confirmed, rejected = set(dec.confirmed), set(dec.rejected)
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
                state.decide("confirmed", *pair)
                st.rerun()
            if c3.button("Different", key=f"ck_merge_no_{k}_{pair[0]}_{pair[1]}", disabled=sample):
                state.decide("rejected", *pair)
                st.rerun()
if confirmed or rejected:
    st.caption(
        f"You said {len(confirmed)} pair(s) are the same person and {len(rejected)} are different."
    )
    if st.button("Undo my merge answers", key="ck_merge_undo"):
        state.undo_merges()
        st.rerun()

# --- unmatched ----------------------------------------------------------------------------------
st.subheader("Who is this?")
links = dict(dec.links)
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
        if choice and links.get(str(u["who"])) != choice:
            state.decide("link", str(u["who"]), choice)
            st.rerun()
    if len(unmatched) > len(table):
        st.caption(f"…and {len(unmatched) - len(table)} more.")
if links:
    st.caption(f"You linked {len(links)} identit{'y' if len(links) == 1 else 'ies'}.")
    if st.button("Undo my links", key="ck_link_undo"):
        state.undo_links()
        st.rerun()
