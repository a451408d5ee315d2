"""The pipeline as the dashboard runs it: :mod:`analysis.pipeline`, the same as the CLI.

The session's store (:func:`dashboard.state.store_path`: the user's own, or this session's copy
of the sample's) holds the files and every choice; :func:`current` re-reads files whose settings
changed, then asks :func:`analysis.pipeline.analysis_from_store` for the analysis. The result is
kept in memory (``st.cache_resource``) under the store's run key (a digest of everything it
depends on), so a rerun that changed nothing costs a few queries. Nothing here mutates a cached
object.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import streamlit as st
from platformdirs import user_cache_dir

from analysis import constants as C
from analysis import occasions, pipeline
from analysis.engine import Analysis, monthly_contacts, person_timeline
from analysis.errors import StoreError
from analysis.exports import people_csv, reminders_ics, report_html
from analysis.identity import Resolution
from analysis.importers.base import FileReport, ImportOptions, SourceFile
from analysis.metrics.layout import radial_layout
from analysis.report import to_markdown
from analysis.store import Store
from analysis.store.store import SCHEMA_VERSION
from dashboard import state, words

T = TypeVar("T")

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "samples"
PERSONA_FILE = "persona.json"
WINDOW_DAYS = C.WINDOW_DAYS


@dataclass
class Run:
    """One complete pass of the pipeline, as every page sees it."""

    is_sample: bool
    as_of: date
    region: str
    timezone: str
    dataset: pipeline.Dataset
    resolution: Resolution
    analysis: Analysis
    digest: str
    overlaps_of: Callable[[], pd.DataFrame] = pd.DataFrame
    """The records merged as one event (``run.overlaps`` of the pipeline's run), read when a
    page first shows them: after a new day's start from the store, not read before."""
    persona: dict = field(default_factory=dict)
    data_key: str = ""
    """A digest of everything the resolution is made of (:func:`analysis.pipeline.run_keys`):
    the views of the people alone are cached under it, so an edit does not redo them."""


# ---------------------------------------------------------------------------------------------
# the sample persona


def read_sample(folder: Path) -> tuple[dict, list[SourceFile]]:
    """``persona.json`` (as a dict) and the sample's data files: those it lists under ``files``
    when it does, else every other file in the folder except READMEs."""
    persona_path = folder / PERSONA_FILE
    persona = json.loads(persona_path.read_text(encoding="utf-8")) if persona_path.is_file() else {}
    listed = persona.get("files")
    if listed:
        names = [f if isinstance(f, str) else f.get("file") or f.get("name") for f in listed]
        paths = [folder / n for n in names if n]
    else:
        paths = sorted(
            p
            for p in folder.iterdir()
            if p.is_file() and p.name != PERSONA_FILE and not p.name.lower().startswith("readme")
        )
    return persona, [SourceFile.from_path(str(p)) for p in paths if p.is_file()]


def persona_settings(persona: dict) -> tuple[date, str, str, tuple[str, ...]]:
    """(as_of, region, timezone, me) of the sample persona; ``me`` is the persona's own name,
    e-mail and phone (how chat exports name the user)."""
    me = persona.get("me", {}) or {}
    as_of = pd.Timestamp(persona.get("as_of") or date.today()).date()
    who = tuple(str(me[k]) for k in ("name", "email", "phone") if me.get(k))
    who += tuple(str(e) for e in me.get("other_emails", []) or [])
    return as_of, me.get("region") or state.DEFAULT_REGION, me.get("timezone") or "UTC", who


@st.cache_resource(show_spinner=False)
def sample() -> dict:
    """The bundled sample persona's ``persona.json`` (read once per process)."""
    return read_sample(SAMPLE_DIR)[0]


CACHE_ENV = "CLOSEKNIT_CACHE"
"""Where the prepared sample store is kept across server starts (default: the user's cache
directory, platformdirs). Only the bundled sample goes there, never the user's own data."""


def cache_dir() -> Path:
    """``$CLOSEKNIT_CACHE`` if set, else closeknit's folder in the user's cache directory."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path(user_cache_dir("closeknit", appauthor=False))


def sample_key(persona: dict, sources: Sequence[SourceFile]) -> str:
    """A digest of everything the prepared sample store holds: the sample's files and persona,
    the code that reads and analyses them (:func:`analysis.pipeline.code_digest`, this module)
    and the store's schema."""
    h = hashlib.sha256()
    h.update(pipeline.code_digest().encode())
    h.update(Path(__file__).read_bytes())
    h.update(f"{SCHEMA_VERSION}/{WINDOW_DAYS}".encode())
    h.update(json.dumps(persona, sort_keys=True, default=str).encode())
    for src in sources:
        h.update(f"{src.name}\0{src.digest}\0".encode())
    return h.hexdigest()[:20]


@st.cache_resource(show_spinner=False)
def sample_template() -> Path:
    """A store holding the sample's files, settings, resolution and analysis, made once per
    server process in its temporary folder; every session works on its own copy
    (:func:`dashboard.state.init`). It is made once per version of closeknit: kept in
    :func:`cache_dir` under :func:`sample_key`, a later server start copies it (the overview is
    then drawn from the analysis it holds) instead of reading and analysing the sample again."""
    persona, sources = read_sample(SAMPLE_DIR)
    path = state.temp_dir() / "sample-template.sqlite3"
    kept = cache_dir() / f"sample-{sample_key(persona, sources)}.sqlite3"
    try:
        shutil.copyfile(kept, path)
        with Store(path) as store:  # a damaged copy is made again below
            if store.counts()["files"] == len(sources):
                return path
    except (OSError, StoreError):
        pass
    path.unlink(missing_ok=True)
    _prepare_sample(path, persona, sources)
    try:  # kept for the next start; a cache that cannot be written only costs that
        kept.parent.mkdir(parents=True, exist_ok=True)
        for old in kept.parent.glob("sample-*.sqlite3"):
            old.unlink(missing_ok=True)  # another version's
        partial = kept.with_name(f"{kept.name}.{os.getpid()}.part")
        shutil.copyfile(path, partial)
        os.replace(partial, kept)
    except OSError:
        pass
    return path


def _prepare_sample(path: Path, persona: dict, sources: Sequence[SourceFile]) -> None:
    """The sample's files read into a new store at ``path`` with the persona's settings, and
    its resolution and analysis computed and kept there (one file: the WAL checkpointed)."""
    as_of, region, timezone, me = persona_settings(persona)
    with Store(path) as store:
        options = ImportOptions(region=region, timezone=timezone, me=me)
        pipeline.remember_options(store, options)
        store.set_setting("as_of", as_of.isoformat())
        pipeline.import_files(store, sources, store.options_for)
        pipeline.analysis_from_store(store, as_of=as_of, window_days=WINDOW_DAYS)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# ---------------------------------------------------------------------------------------------
# the run


@st.cache_resource(show_spinner=False, max_entries=8)
def analysed(path: str, key: str, as_of: date) -> pipeline.Run:
    """The pipeline's run for one store and one run key (the key changes with anything the
    result depends on, so a cached run is never stale)."""
    return pipeline.analysis_from_store(path, as_of=as_of, window_days=WINDOW_DAYS, save_later=True)


def caches_written_after() -> AbstractContextManager[None]:
    """A block (app.py: the whole script run) at whose end the caches the pipeline kept back are
    written to the store, on a thread of their own (:func:`analysis.pipeline.saves_after`):
    writing them while the page is drawn would slow the page the user is waiting for."""
    return pipeline.saves_after()


def current(progress: pipeline.ProgressFn | None = None) -> Run | None:
    """The run for the session's store: the sample's, or the user's own files (None when the
    user chose their own files and has not added any yet)."""
    path = state.store_path()
    if not state.on_sample() and not path.exists():
        return None
    with Store(path) as store:
        if not store.counts()["files"]:
            return None
        if store.stale_files(store.options_for):  # files whose settings changed, only those
            pipeline.finish_saves()  # a re-read clears the caches: none written after it
            store.reread(store.options_for)
        raw = store.setting("as_of")
        as_of = date.fromisoformat(str(raw)) if raw else date.today()
        data_key, key = pipeline.run_keys(store, as_of, WINDOW_DAYS)
        options = store.import_options()
    run = analysed(str(path), key, as_of)
    return Run(
        is_sample=state.on_sample(),
        as_of=as_of,
        region=options.region,
        timezone=options.timezone,
        dataset=run.dataset,
        resolution=run.resolution,
        analysis=run.analysis,
        digest=key,
        overlaps_of=lambda: run.overlaps,
        persona=sample() if state.on_sample() else {},
        data_key=data_key,
    )


# ---------------------------------------------------------------------------------------------
# derived views (cached per run digest)


@st.cache_resource(show_spinner=False, max_entries=8)
def layout(key: str, _analysis: Analysis) -> dict:
    """Node positions of the network picture, computed once per analysis."""
    return radial_layout(_analysis.graph, _analysis.people)


def timeline(run: Run, person_id: str) -> pd.DataFrame:
    """Monthly contact with one person, by channel (see :func:`analysis.engine.person_timeline`)."""
    return person_timeline(run.resolution.interactions, person_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def monthly_counts(key: str, _interactions: pd.DataFrame, as_of: date, months: int = 12) -> dict:
    """person_id -> contact counts in each of the last ``months`` months up to as_of
    (:func:`analysis.engine.monthly_contacts`), once per run."""
    return monthly_contacts(_interactions, as_of, months)


# ---------------------------------------------------------------------------------------------
# exports (the same functions as ``closeknit export``)


EXPORT_KINDS = ("ics", "csv", "md", "html")


def for_resolution(run: Run, view: str, compute: Callable[[], T], *depends: object) -> T:
    """``compute()``, a view of the run's people alone (not of the analysis), cached under the
    resolution's key (:attr:`Run.data_key`), the view's name and what else it ``depends`` on:
    an edit or a snooze does not redo it. The value is shared: callers copy before changing."""
    if not run.data_key:  # a run made by hand (tests): nothing to key a cache by
        return compute()
    return _for_resolution(repr((view, run.data_key, depends)), compute)


@st.cache_resource(show_spinner=False, max_entries=24)
def _for_resolution(key: str, _compute: Callable[[], Any]) -> Any:
    return _compute()


def yearly(run: Run) -> list[tuple[str, occasions.Occasion]]:
    """The yearly events of the reminders: birthdays and anniversaries of the run's people and
    the dates the user entered, without the people whose states say no reminders."""
    entered, states = state.occasions(), state.states()
    return list(
        for_resolution(
            run,
            "yearly",
            lambda: tuple(occasions.yearly_dates(run.resolution.people, entered, states)),
            entered,
            sorted((k, sorted(v)) for k, v in states.items()),
        )
    )


def person_names(run: Run) -> list[str]:
    """The names of the run's people (not the robots), sorted."""
    people = run.resolution.people

    def names() -> tuple[str, ...]:
        kept = people[~people["non_person"].astype(bool)].sort_values("name", kind="stable")
        return tuple(str(n) for n in kept["name"] if str(n))

    return list(for_resolution(run, "names", names))


def export(
    run: Run,
    kind: str,
    suggestions: pd.DataFrame | None = None,
    dates: Sequence[tuple[str, occasions.Occasion]] = (),
) -> Callable[[], bytes]:
    """One of the run's exports, built only when called: reminders (``ics``: of
    ``suggestions`` when given, e.g. one group's, with the yearly ``dates`` of :func:`yearly`),
    people and metrics (``csv``), the report (``md``, ``html``); the same bytes as
    ``closeknit export``. ``st.download_button`` calls it when the user clicks, so a rerun never
    builds files nobody downloads."""
    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export {kind!r}; one of {', '.join(EXPORT_KINDS)}")
    an = run.analysis
    if kind == "ics":
        chosen = an.suggestions if suggestions is None else suggestions
        yearly = list(dates)
        return lambda: reminders_ics(chosen, run.as_of, timezone=run.timezone, yearly=yearly)
    if kind == "csv":
        return lambda: people_csv(an.people).encode("utf-8")
    files = [r.to_dict() for r in run.dataset.reports]
    resolution = run.resolution  # its unmatched identities are read when the user clicks

    def report() -> bytes:
        md = to_markdown(an, files=files, unmatched=resolution.unmatched)
        return (md if kind == "md" else report_html(md)).encode("utf-8")

    return report


MOSTLY_OVERLAP = 0.5
"""Share of a file's records already known from another file above which the Import page says
the two files mostly overlap (the same history exported twice, or in two layouts)."""


def overlap_warnings(run: Run) -> list[str]:
    """Plain sentences for files that mostly repeat another file: records the store already
    held (same content) and records merged as the same event (same person, channel, minutes)."""
    out = []
    for rep in run.dataset.reports:
        known = sum(rep.already_known.values())
        total = rep.imported
        if total and known / total >= MOSTLY_OVERLAP:
            others = ", ".join(rep.already_known)
            out.append(
                f"{rep.file} mostly repeats {others}: {known:,} of its {total:,} records were "
                "already known and are counted once."
            )
    overlaps = run.overlaps_of()
    if len(overlaps):
        for row in overlaps.itertuples(index=False):
            out.append(
                f"{row.records:,} records of {row.source} are the same contact as records of "
                f"{row.known_from} (same person, same channel, minutes apart): counted once."
            )
    return out


# ---------------------------------------------------------------------------------------------
# the people of the files, and who the user is in them

ASKS_WHO_YOU_ARE = "which participant is you"
"""The words of a chat or call importer's warning when it could not tell which participant is
the user (WhatsApp, Telegram, Messenger/Instagram, Google Voice, calendars): the Import page
then asks "which of these is you?"."""

PARTICIPANTS_AT_MOST = 40
"""Participants offered in "which of these is you?" at most (most contact first)."""


def asks_who_you_are(report: FileReport) -> bool:
    """True when the file's report says it could not tell which participant is the user."""
    return any(ASKS_WHO_YOU_ARE in w for w in report.warnings)


def _file_of(source: str, names: Sequence[str]) -> str:
    """The file name of an interaction's or contact's ``source`` (``name (format label)``; a
    label may hold brackets too, so the longest of the files' ``names`` it starts with)."""
    best = ""
    for name in names:
        if len(name) > len(best) and source.startswith(f"{name} ("):
            best = name
    return best or source


def file_participants(run: Run, report: FileReport) -> list[str]:
    """The participants of one file as the file names them (the ``who`` of its interactions),
    most contact first, at most :data:`PARTICIPANTS_AT_MOST`."""
    rows = run.dataset.interactions
    if rows.empty:
        return []
    names = [r.file for r in run.dataset.reports]
    sources = rows["source"].astype(str)
    kinds = {src: _file_of(src, names) for src in sources.unique()}
    mine = rows[sources.map(kinds) == report.file]
    counts = mine["who"].astype(str).str.strip().value_counts()
    ranked = sorted((-int(n), w) for w, n in counts.items() if w)
    return [w for _, w in ranked[:PARTICIPANTS_AT_MOST]]


@st.cache_resource(show_spinner=False, max_entries=8)
def people_found(key: str, _run: Run) -> pd.DataFrame:
    """The people the files gave, by name: ``person_id, Name, Found in`` (the files each person
    comes from: their contact cards and their contact), ``Contact records`` (the engine's
    count) and ``Status``."""
    res = _run.resolution
    people = res.people[~res.people["non_person"].astype(bool)]
    names = [r.file for r in _run.dataset.reports]
    # the distinct (person, file) pairs of the interactions, as codes: no million-row strings
    pid_codes, pids = pd.factorize(res.interactions["person_id"])  # categorical: its codes
    src_codes, srcs = pd.factorize(res.interactions["source"].to_numpy(dtype=object))
    both = (pid_codes >= 0) & (src_codes >= 0)
    width = max(len(srcs), 1)
    pairs = np.unique(pid_codes[both].astype(np.int64) * width + src_codes[both])
    file_of = [_file_of(str(src), names) for src in srcs]
    from_contact: dict[str, set[str]] = {}
    for pair in pairs.tolist():
        from_contact.setdefault(str(pids[pair // width]), set()).add(file_of[pair % width])
    an = _run.analysis.people
    records = dict(zip(an["person_id"], an["interactions"], strict=True))
    status = dict(zip(an["person_id"], an["status"], strict=True))
    rows = []
    for r in people.sort_values("name", kind="stable").itertuples(index=False):
        pid = str(r.person_id)
        files = {_file_of(str(s), names) for s in (r.sources or ())}
        files |= from_contact.get(pid, set())
        known = pid in records
        rows.append(
            {
                "person_id": pid,
                "Name": str(r.name) or "(no name)",
                "Found in": ", ".join(sorted(files)),
                "Contact records": int(records[pid] or 0) if known else 0,
                "Status": words.status_label(status[pid]) if known else "",
            }
        )
    return pd.DataFrame(
        rows, columns=["person_id", "Name", "Found in", "Contact records", "Status"]
    )
