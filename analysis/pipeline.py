"""The whole pipeline, as the CLI and the dashboard both run it.

``load(sources, options)`` -> :class:`Dataset` (every file imported, with its report);
``resolve(dataset, options, decisions)`` -> :class:`analysis.identity.Resolution` (people,
interactions linked to them, unmatched identities, merge suggestions).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.engine import Analysis, Overrides, analyze
from analysis.identity import MergeDecisions, Resolution, resolve
from analysis.importers import begin_import
from analysis.importers.base import FileReport, ImportOptions, ImportResult, SourceFile
from analysis.model import concat_contacts, concat_interactions
from analysis.store import Store, snapshot

ProgressFn = Callable[[int, int, str], None]
"""``progress(done, total, file_name)``: called before each file and once at the end."""


@dataclass
class Dataset:
    """Everything imported from a set of files, before identity resolution."""

    contacts: pd.DataFrame
    interactions: pd.DataFrame
    reports: list[FileReport] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        """True when at least one file gave something."""
        return any(r.usable for r in self.reports)


def load(
    sources: Sequence[SourceFile],
    options: ImportOptions | None = None,
    progress: ProgressFn | None = None,
) -> Dataset:
    """Import every file. A file that cannot be read is reported, never fatal; the same content
    given twice (by digest) is read once and reported as a duplicate. Files whose importer can
    work in the background (a big vCard on worker processes) are started first, and the other
    files are read meanwhile; results keep the order of ``sources``."""
    options = options or ImportOptions()
    seen: dict[str, str] = {}
    pending: list = []
    for src in sources:
        if src.digest in seen:
            dup = FileReport(
                src.name, "duplicate", "duplicate",
                error=f"{src.name}: same content as {seen[src.digest]}; read once",
            )  # fmt: skip
            pending.append((src, None, ImportResult(report=dup)))
            continue
        seen[src.digest] = src.name
        started = begin_import(src, options)
        pending.append((src, started, None))
    # files read here come first; files already being read in the background are collected last
    order = sorted(
        range(len(pending)),
        key=lambda k: bool(getattr(pending[k][1], "background", False)),
    )
    results: list = [None] * len(pending)
    for n, k in enumerate(order):
        src, started, done = pending[k]
        if progress:
            progress(n, len(sources), src.name)
        if done is None:
            done = started()
        results[k] = done
    if progress:
        progress(len(sources), len(sources), "")
    contacts = [r.contacts for r in results]
    interactions = [r.interactions for r in results]
    reports = [r.report for r in results]
    return Dataset(concat_contacts(contacts), concat_interactions(interactions), reports)


def dataset_from_store(store: Store) -> Dataset:
    """Everything the store holds, as a :class:`Dataset` (before identity resolution)."""
    return Dataset(store.contacts(), store.interactions(), store.reports())


RESOLVER_VERSION = "1"
"""Bump when identity resolution changes its output, so cached resolutions are not reused."""

_RESOLUTION_FRAMES = ("people", "contacts", "merges", "suggestions", "interactions", "unmatched")


def _analyze(resolution, options: ImportOptions, as_of, overrides, window_days: int):
    """The engine over a resolution, with the user's time zone and "me" from the options."""
    return analyze(
        resolution.people,
        resolution.interactions,
        as_of=as_of,
        overrides=overrides,
        window_days=window_days,
        timezone=options.timezone,
        me=options.me,
    )


@dataclass
class Run:
    """One pass of the whole pipeline: what was imported, who is who, and the analysis."""

    dataset: Dataset
    resolution: Resolution
    analysis: Analysis


def analysis_from_files(
    sources: Sequence[SourceFile],
    options: ImportOptions | None = None,
    as_of: object = None,
    decisions: MergeDecisions | None = None,
    overrides: Overrides | None = None,
    window_days: int = 90,
    progress: ProgressFn | None = None,
) -> Run:
    """Import ``sources``, resolve identities and analyse, as the CLI does without a store."""
    options = options or ImportOptions()
    dataset = load(sources, options, progress)
    resolution = resolve(
        dataset.contacts, dataset.interactions, region=options.region, decisions=decisions
    )
    result = _analyze(resolution, options, as_of, overrides, window_days)
    return Run(dataset, resolution, result)


def analysis_from_store(
    store_or_path: object, as_of: object = None, window_days: int = 90, use_cache: bool = True
) -> Run:
    """Everything the store holds, resolved and analysed with the user's edits and suggestion
    state. The store keeps the last resolution and the last analysis: when nothing they depend on
    changed (files, logged contact, decisions, settings, edits, the as-of date), they are read
    back instead of recomputed (``use_cache=False`` recomputes and refreshes them)."""
    store = store_or_path if isinstance(store_or_path, Store) else Store(store_or_path)
    try:
        options = store.import_options()
        decisions = store.decisions()
        key = store.data_key(options.region, decisions, RESOLVER_VERSION)
        cached = store.load_resolution(key) if use_cache else None
        if cached is not None:
            resolution = Resolution(**{k: cached[k] for k in _RESOLUTION_FRAMES})
            dataset = Dataset(resolution.contacts, resolution.interactions, store.reports())
        else:
            dataset = Dataset(store.contacts(), store.interactions(), store.reports())
            resolution = resolve(
                dataset.contacts,
                dataset.interactions,
                region=options.region,
                decisions=decisions,
            )
            store.save_resolution(key, {k: getattr(resolution, k) for k in _RESOLUTION_FRAMES})
        overrides = store.overrides()
        day = (
            pd.Timestamp(as_of).normalize()
            if as_of is not None
            else pd.Timestamp.now("UTC").tz_localize(None).normalize()
        )
        akey = hashlib.sha256(
            repr(
                (
                    key,
                    day.isoformat(),
                    window_days,
                    options.timezone,
                    options.me,
                    sorted(
                        (f, sorted(getattr(overrides, f).items()))
                        for f in (
                            "circle",
                            "roles",
                            "closeness",
                            "desired_interval_days",
                            "done",
                            "snoozed_until",
                        )
                    ),
                    snapshot.FORMAT,
                )
            ).encode()
        ).hexdigest()
        blob = store.load_analysis(akey) if use_cache else None
        if blob is not None:
            return Run(dataset, resolution, snapshot.loads(blob))
        result = _analyze(resolution, options, day, overrides, window_days)
        store.save_analysis(akey, snapshot.dumps(result))
        return Run(dataset, resolution, result)
    finally:
        if store is not store_or_path:
            store.close()
