"""The pipeline as the dashboard runs it (the same steps as the CLI), with caching around it.

* importing: one cached call per file, keyed on ``(name, sha256)`` + the import options
  (``st.cache_data``: bytes + options -> DataFrames and the report); adding a file re-reads
  only that file;
* identity resolution and the analysis: ``st.cache_resource`` keyed on a content digest string
  (hash of the file digests, options, mappings, decisions, as-of date and overrides), because
  the :class:`~analysis.engine.Analysis` holds a NetworkX graph, which cannot be a hashed
  argument and need not be copied on every rerun. Nothing here mutates a cached object.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis.engine import Analysis, Overrides, analyze, person_timeline
from analysis.identity import MergeDecisions, Resolution, resolve
from analysis.importers.base import ImportOptions, SourceFile
from analysis.metrics.layout import radial_layout
from analysis.model import concat_contacts, concat_interactions
from analysis.pipeline import Dataset, load
from dashboard import persist, state

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "samples"
PERSONA_FILE = "persona.json"
WINDOW_DAYS = 90

Progress = Callable[[int, int, str], None]


@dataclass
class Run:
    """One complete pass of the pipeline, as every page sees it."""

    is_sample: bool
    as_of: date
    region: str
    timezone: str
    sources: list[SourceFile]
    dataset: Dataset
    resolution: Resolution
    analysis: Analysis
    digest: str
    persona: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# the sample persona


@st.cache_resource(show_spinner=False)
def sample() -> tuple[dict, list[SourceFile]]:
    """The bundled sample persona: its ``persona.json`` and its files (read once per process)."""
    return read_sample(SAMPLE_DIR)


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


# ---------------------------------------------------------------------------------------------
# cached steps


def options_for(
    region: str, timezone: str, me: tuple[str, ...] = (), column_map: tuple = ()
) -> ImportOptions:
    """The import options for the user's settings and one file's column mapping."""
    return ImportOptions(
        region=region, timezone=timezone, me=tuple(me), column_map=tuple(column_map)
    )


@st.cache_data(show_spinner=False, max_entries=512)
def import_one(name: str, digest: str, options_key: tuple, _data: bytes) -> Dataset:
    """Import one file (cached on its name, content digest and the options)."""
    region, timezone, me, column_map = options_key
    options = options_for(region, timezone, me, column_map)
    return load([SourceFile(name=name, data=_data)], options)


def import_all(
    sources: Sequence[SourceFile],
    region: str,
    timezone: str,
    column_maps: dict[str, tuple] | None = None,
    progress: Progress | None = None,
    me: tuple[str, ...] = (),
) -> Dataset:
    """Every file imported (each through :func:`import_one`), combined into one Dataset."""
    column_maps = column_maps or {}
    contacts, interactions, reports = [], [], []
    for i, src in enumerate(sources):
        if progress:
            progress(i, len(sources), src.name)
        key = (region, timezone, tuple(me), tuple(column_maps.get(src.digest, ())))
        ds = import_one(src.name, src.digest, key, src.data)
        contacts.append(ds.contacts)
        interactions.append(ds.interactions)
        reports.extend(ds.reports)
    if progress:
        progress(len(sources), len(sources), "")
    return Dataset(concat_contacts(contacts), concat_interactions(interactions), reports)


def run_digest(*parts: object) -> str:
    """A content digest of everything a result depends on (for ``st.cache_resource`` keys)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def merge_decisions(dec: state.Decisions) -> MergeDecisions:
    """The session's decisions in the identity module's form."""
    return MergeDecisions(
        confirmed=tuple(sorted(dec.confirmed)),
        rejected=tuple(sorted(dec.rejected)),
        links=tuple(sorted(dec.links.items())),
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def resolved(key: str, _dataset: Dataset, region: str, _decisions: MergeDecisions) -> Resolution:
    """Identity resolution of a dataset (cached on ``key``, the digest of its inputs)."""
    return resolve(_dataset.contacts, _dataset.interactions, region, _decisions)


@st.cache_resource(show_spinner=False, max_entries=8)
def analysed(
    key: str,
    _resolution: Resolution,
    as_of: date,
    _overrides: Overrides,
    window_days: int,
    timezone: str,
    me: tuple[str, ...] = (),
) -> Analysis:
    """The engine's analysis (cached on ``key``, the digest of all its inputs). ``me``: the
    user's own names/numbers, so the engine leaves the user out of their own network."""
    return analyze(
        _resolution.people,
        _resolution.interactions,
        as_of=as_of,
        overrides=_overrides,
        window_days=window_days,
        timezone=timezone,
        me=me,
    )


def compute(
    sources: Sequence[SourceFile],
    *,
    region: str,
    timezone: str,
    as_of: date,
    me: tuple[str, ...] = (),
    column_maps: dict[str, tuple] | None = None,
    decisions: state.Decisions | None = None,
    done: dict[str, date] | None = None,
    snoozed: dict[str, date] | None = None,
    circles: dict[str, int] | None = None,
    closeness: dict[str, int] | None = None,
    roles: dict[str, tuple[str, ...]] | None = None,
    intervals: dict[str, float] | None = None,
    logged: pd.DataFrame | None = None,
    window_days: int = WINDOW_DAYS,
    is_sample: bool = False,
    persona: dict | None = None,
    progress: Progress | None = None,
) -> Run:
    """The whole pipeline for a set of files and the user's choices (each step cached)."""
    column_maps = column_maps or {}
    decisions = decisions or state.Decisions()
    done, snoozed, circles = done or {}, snoozed or {}, circles or {}
    closeness = closeness or {}
    roles, intervals = roles or {}, intervals or {}
    dataset = import_all(sources, region, timezone, column_maps, progress, me=tuple(me))
    logged_key: tuple = ()
    if logged is not None and len(logged):
        # contact logged in the app is an interaction like any other
        dataset = Dataset(
            dataset.contacts, concat_interactions([dataset.interactions, logged]), dataset.reports
        )
        logged_key = tuple(map(str, logged["timestamp"])) + tuple(logged["who"])
    files_key = tuple((s.name, s.digest) for s in sources)
    maps_key = tuple(sorted((k, tuple(v)) for k, v in column_maps.items()))
    res_key = run_digest(
        "resolve", files_key, region, timezone, tuple(me), maps_key, decisions.key(), logged_key
    )
    resolution = resolved(res_key, dataset, region, merge_decisions(decisions))
    overrides = Overrides(
        circle=dict(circles), closeness=dict(closeness), done=dict(done),
        snoozed_until=dict(snoozed), roles=dict(roles), desired_interval_days=dict(intervals),
    )  # fmt: skip
    an_key = run_digest(
        "analyze",
        res_key,
        as_of.isoformat(),
        window_days,
        timezone,
        tuple(sorted((k, v.isoformat()) for k, v in done.items())),
        tuple(sorted((k, v.isoformat()) for k, v in snoozed.items())),
        tuple(sorted(circles.items())),
        tuple(sorted(closeness.items())),
        tuple(sorted(roles.items())),
        tuple(sorted(intervals.items())),
    )
    analysis = analysed(an_key, resolution, as_of, overrides, window_days, timezone, tuple(me))
    return Run(
        is_sample=is_sample,
        as_of=as_of,
        region=region,
        timezone=timezone,
        sources=list(sources),
        dataset=dataset,
        resolution=resolution,
        analysis=analysis,
        digest=an_key,
        persona=persona or {},
    )


def current(progress: Progress | None = None) -> Run | None:
    """The run for the session's state: the sample persona, or the user's files (None when the
    user chose their own files and has not added any yet)."""
    common = dict(
        done=state.done(), snoozed=state.snoozed(), circles=state.circles(),
        closeness=state.closeness(), roles=state.roles(), intervals=state.intervals(),
        progress=progress,
    )  # fmt: skip
    if state.on_sample():
        persona, sources = sample()
        as_of, region, timezone, me = persona_settings(persona)
        return compute(
            sources,
            region=region,
            timezone=timezone,
            as_of=as_of,
            me=me,
            is_sample=True,
            persona=persona,
            **common,
        )
    sources = state.files()
    if not sources:
        return None
    return compute(
        sources,
        region=st.session_state[state.REGION],
        timezone=st.session_state[state.TIMEZONE],
        as_of=state.as_of(),
        me=state.me(),
        column_maps=state.column_maps(),
        decisions=state.decisions(),
        logged=persist.logged_interactions(),
        **common,
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
    """person_id -> list of contact counts in each of the last ``months`` months up to as_of."""
    rows = _interactions[_interactions["person_id"].notna()]
    end = pd.Period(as_of, freq="M")
    start = end - (months - 1)
    per = rows["timestamp"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
    keep = (per >= start) & (per <= end)
    counts = (
        pd.DataFrame({"pid": rows.loc[keep, "person_id"].to_numpy(), "per": per[keep].to_numpy()})
        .groupby(["pid", "per"])
        .size()
    )
    out: dict[str, list[int]] = {}
    periods = [start + i for i in range(months)]
    for pid, grp in counts.groupby(level=0):
        by = grp.droplevel(0)
        out[pid] = [int(by.get(p, 0)) for p in periods]
    return out


# ---------------------------------------------------------------------------------------------
# exports (the same functions as ``closeknit export``)


@st.cache_data(show_spinner=False, max_entries=8)
def exports(key: str, _run: Run) -> dict[str, bytes]:
    """The run's exports: reminders (.ics), people and metrics (.csv), the report (.md, .html)."""
    from analysis.exports import people_csv, reminders_ics, report_html
    from analysis.report import to_markdown

    an = _run.analysis
    md = to_markdown(
        an,
        files=[r.to_dict() for r in _run.dataset.reports],
        unmatched=_run.resolution.unmatched,
    )
    return {
        "ics": reminders_ics(an.suggestions, _run.as_of, timezone=_run.timezone),
        "csv": people_csv(an.people).encode("utf-8"),
        "md": md.encode("utf-8"),
        "html": report_html(md).encode("utf-8"),
    }
