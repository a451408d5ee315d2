"""The whole pipeline, as the CLI and the dashboard both run it: one code path.

::

    files --import_files--> store --resolve_store--> people, interactions --analysis--> Analysis
            (idempotent,             (identity resolution, then records of
             one parse a file)        one event from different files merged)

* :func:`import_files` reads each file once into a :class:`~analysis.store.Store` (a file on
  disk, or :data:`~analysis.store.store.MEMORY` for the bundled sample and the CLI without
  ``--store``). A file that fails costs that file only: its report says why.
* :func:`analysis_from_store` resolves identities, merges overlapping records
  (:mod:`analysis.identity.overlaps`) and runs the engine with the user's settings, edits and
  suggestion state, all read from the store. The store keeps the last resolution and the last
  analysis, keyed on everything they depend on (:func:`run_keys`).
* :func:`analysis_from_files` is the same path for files given directly: an in-memory store.

The same files and choices therefore give the same numbers on the command line, in the dashboard
and in every export.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis import sidework
from analysis.deferred import Deferred, deferred_field, now
from analysis.engine import Analysis, Overrides, analyze
from analysis.errors import CloseknitError, CouldNotReadError, StoreError
from analysis.facts import Facts, FactsSettings, keep_facts, kept_facts
from analysis.groups import ceiling_intervals, person_groups
from analysis.identity import MergeDecisions, Resolution, resolve
from analysis.identity.matching import match_known, matched_by_column, person_column
from analysis.identity.overlaps import (
    OverlapPlan,
    apply_plan,
    empty_overlaps,
    merge_overlaps,
    overlap_plan,
    plan_with_added,
)
from analysis.importers import IMPORTERS, begin_import, detect, head_text
from analysis.importers.base import FileReport, ImportOptions, ImportResult, SourceFile
from analysis.importers.csvsniff import describe_columns
from analysis.kept import Kept
from analysis.metrics.cadence import as_of_timestamp
from analysis.model import concat_interactions, latest_time
from analysis.store import ImportOutcome, PersonEdit, Store, facts_snapshot, snapshot
from analysis.store.store import MEMORY

ProgressFn = Callable[[int, int, str], None]
"""``progress(done, total, file_name)``: called before each file and once at the end."""

OptionsFor = Callable[[SourceFile], ImportOptions]
"""Gives the import options of one file (settings plus that file's column map or date order)."""


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


@dataclass
class Run:
    """One pass of the whole pipeline: what was imported, who is who, and the analysis.

    ``overlaps``: records merged as the same event from two files (``source, known_from,
    records``; :func:`analysis.identity.overlaps.merge_overlaps`)."""

    dataset: Dataset
    resolution: Resolution
    analysis: Analysis
    overlaps: pd.DataFrame = field(default_factory=empty_overlaps)


RESOLVER_VERSION = "5"
"""Bump when identity resolution or overlap merging changes its output, so cached resolutions
are not reused. (Any change of the code changes :func:`code_digest`, part of every cache key,
too: a store's caches are never read by another version of closeknit.)"""


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the source of the ``analysis`` package (every ``.py`` file, by path): part
    of the keys of the store's caches, so that a resolution or an analysis computed by another
    version of closeknit is computed again, not read back. Read once per process (a few
    milliseconds)."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def resolver_key() -> str:
    """The part of the resolution cache's key that names the code: :data:`RESOLVER_VERSION` and
    :func:`code_digest`."""
    return f"{RESOLVER_VERSION}/{code_digest()}"


_RESOLUTION_FRAMES = ("people", "contacts", "merges", "suggestions", "unmatched", "identities")
"""The frames of a resolution kept in the store's cache. The interactions are not: the store
holds them already, and the cache keeps only who each distinct identity was matched to
(:func:`_matches_of`), a few thousand rows where the interactions are millions."""


def import_files(
    store: Store,
    sources: Sequence[SourceFile],
    options: ImportOptions | OptionsFor | None = None,
    progress: ProgressFn | None = None,
) -> list[ImportOutcome]:
    """Read each file once into ``store`` (idempotent: a file already there changes nothing; a
    newer export adds only what is new). ``options``: one :class:`ImportOptions` for every
    file, or a function giving each file's. A file that cannot be read is reported
    (``outcome.report.error``), never fatal; only a store that cannot be written raises
    (:class:`~analysis.errors.StoreError`)."""
    # Start every new file first (a big vCard is read on worker processes meanwhile), then
    # collect and store each in order; files already stored are not read again.
    started: list[tuple[SourceFile, ImportOptions, Callable[[], ImportResult] | None]] = []
    extends: dict[int, str] = {}  # newer exports of stored logs: only their new rows are read
    for src in sources:
        opts = options(src) if callable(options) else (options or ImportOptions())
        appended = store.read_appended(src, opts)  # None for a file stored already
        if appended is not None:
            extends[len(started)] = appended[1]
            started.append((src, opts, _ready(appended[0])))
        elif store.has_file(src.digest):
            started.append((src, opts, None))
        else:
            started.append((src, opts, begin_import(src, opts)))
    # files read here first, while the background ones (a big vCard) go on meanwhile
    order = sorted(
        range(len(started)), key=lambda k: bool(getattr(started[k][2], "background", False))
    )
    results: dict[int, ImportResult | BaseException] = {}
    for n, k in enumerate(order):
        src, _, read = started[k]
        if progress:
            progress(n, len(sources), src.name)
        if read is None:
            continue
        try:
            results[k] = read()
        except Exception as exc:  # noqa: BLE001 - one file costs one file
            results[k] = exc
    outcomes = []
    for k, (src, opts, read) in enumerate(started):  # stored in the order given
        try:
            got = results.get(k)
            if read is None:
                outcomes.append(store.add_file(src, opts))
            elif isinstance(got, BaseException):
                raise got
            else:
                outcomes.append(store.add_parsed(src, opts, got, extends.get(k)))  # type: ignore[arg-type]
        except StoreError:
            raise
        except (CloseknitError, Exception) as exc:  # noqa: BLE001 - one file costs one file
            err = exc if isinstance(exc, CloseknitError) else CouldNotReadError(src.name, exc)
            report = FileReport(src.name, "unknown", "unknown", error=str(err))
            outcomes.append(ImportOutcome(src.name, False, report))
    if progress:
        progress(len(sources), len(sources), "")
    return outcomes


def _ready(result: ImportResult) -> Callable[[], ImportResult]:
    """A reader (as :func:`analysis.importers.begin_import` returns) of a file already read."""
    return lambda: result


def load(
    sources: Sequence[SourceFile],
    options: ImportOptions | None = None,
    progress: ProgressFn | None = None,
) -> Dataset:
    """Import ``sources`` through an in-memory store (the same path as a store on disk) and
    return what it holds, with each file's report in the order given."""
    with Store(MEMORY) as store:
        outcomes = import_files(store, sources, options, progress)
        dataset = dataset_from_store(store)
    dataset.reports = reports_of(outcomes)
    return dataset


def dataset_from_store(store: Store) -> Dataset:
    """Everything the store holds, as a :class:`Dataset` (before identity resolution)."""
    return Dataset(store.contacts(), store.interactions(), store.reports())


def _dataset_and_who(store: Store) -> tuple[Dataset, pd.Categorical]:
    """:func:`dataset_from_store` and its interactions' ``who`` as a categorical, as the
    store keeps it (:meth:`Store.interactions_and_who`): identity resolution then matches the
    distinct identities without hashing every row again."""
    interactions, who = store.interactions_and_who()
    return Dataset(store.contacts(), interactions, store.reports()), who


def resolve_dataset(
    dataset: Dataset,
    region: str,
    decisions: MergeDecisions,
    who: pd.Categorical | None = None,
) -> tuple[Resolution, pd.DataFrame]:
    """Identity resolution, then records of one event from different files merged into one.
    Returns the resolution (its ``interactions`` already merged) and the overlaps frame.
    ``who``: the interactions' ``who`` as a categorical, when the caller has it."""
    resolution = resolve(
        dataset.contacts, dataset.interactions, region=region, decisions=decisions, who=who
    )
    merged, overlaps = merge_overlaps(resolution.interactions)
    resolution = dataclasses.replace(resolution, interactions=merged)
    return resolution, overlaps


def _day(as_of: object) -> pd.Timestamp:
    """The analysed day: ``as_of`` (a date or timestamp), else today (UTC), as a naive midnight."""
    if as_of is None:
        return pd.Timestamp.now("UTC").tz_localize(None).normalize()
    ts = pd.Timestamp(as_of)  # type: ignore[arg-type]
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.normalize()


def _overrides_key(overrides: Overrides) -> list:
    return [
        (f.name, sorted((str(k), repr(v)) for k, v in getattr(overrides, f.name).items()))
        for f in dataclasses.fields(overrides)
    ]


def run_keys(
    store: Store, as_of: object = None, window_days: int = C.WINDOW_DAYS
) -> tuple[str, str]:
    """``(resolution key, analysis key)``: digests of everything the resolution and the
    analysis of ``store`` depend on (files, logged contact, decisions, settings, edits,
    suggestion state, the dates entered and the follow-ups, the as-of day, the window). Cheap:
    a few queries, no data read."""
    options = store.import_options()
    decisions = store.decisions()
    rkey = store.data_key(options.region, decisions, resolver_key())
    akey = hashlib.sha256(
        repr(
            (
                rkey,
                _day(as_of).isoformat(),
                window_days,
                options.timezone,
                options.me,
                _overrides_key(store.overrides()),
                json.dumps(store.group_settings(), sort_keys=True),
                sorted(repr(dataclasses.astuple(o)) for o in store.occasions()),
                sorted(repr(dataclasses.astuple(f)) for f in store.follow_ups()),
                snapshot.FORMAT,
            )
        ).encode()
    ).hexdigest()
    return rkey, akey


def resolution_from_store(
    store: Store, use_cache: bool = True, save_later: bool = False
) -> tuple[Dataset, Resolution, pd.DataFrame]:
    """``(dataset, resolution, overlaps)`` of everything ``store`` holds.

    With ``use_cache`` the resolution of the imported files is kept in the store and read back
    while they, the decisions and the region are unchanged. Contact the user logged is matched
    on top of it through the resolution's identities
    (:func:`analysis.identity.matching.match_known`: the same rules, so the same people as a
    full resolution), and everything is resolved again only when a logged identity matches no
    single person. Records of one event from different files are merged last
    (:func:`analysis.identity.overlaps.merge_overlaps`), so a logged call that is also in a
    call-log backup counts once: what merging decides about the imports is kept with their
    resolution in this process, and only the records of the people logged contact touches are
    merged again (:func:`analysis.identity.overlaps.plan_with_added`). Logging contact
    therefore never re-resolves the imports, nor merges all their records again.
    """
    dataset, resolution, overlaps = _resolved(store, use_cache, save_later)
    return dataset, resolution, now(overlaps)


Resolved = tuple[Dataset, Resolution, "pd.DataFrame | Deferred[pd.DataFrame]"]
"""What :func:`_resolved` returns: :func:`resolution_from_store`'s three, the overlaps (and,
inside the dataset and the resolution, the interactions) possibly still to be read."""


def _resolved(store: Store, use_cache: bool, save_later: bool) -> Resolved:
    """:func:`resolution_from_store`, but from a resolution kept in a store on disk the
    interactions are read back, matched and merged only when first asked for (a
    :class:`~analysis.deferred.Deferred`): the analysis of a new day needs the kept facts, not
    the million rows behind them (the pages that show rows ask for them)."""
    options = store.import_options()
    decisions = store.decisions()
    if not use_cache:
        dataset, who = _dataset_and_who(store)
        resolution, overlaps = resolve_dataset(dataset, options.region, decisions, who)
        return dataset, resolution, overlaps
    key = store.data_key(options.region, decisions, resolver_key(), logged=False)
    recent = _RECENT.get(key)
    base = recent.resolution if recent is not None else None
    cached = None if base is not None else store.kept_resolution(key)
    if cached is not None:
        stored = store.stored_interactions(logged=False)
        matches = cached["matches"]
        frames: dict[str, Any] = {k: cached[k] for k in _RESOLUTION_FRAMES}
        base = _ResolutionReadLater(
            **frames,  # each decoded when first read
            interactions=Deferred(lambda: _with_matches(*stored.read(), matches.get())),
        )
        base.last_time = stored.last_time
    elif base is None:
        interactions, who = store.interactions_and_who(logged=False)
        base = resolve(
            store.contacts(), interactions, region=options.region, decisions=decisions, who=who
        )
    if cached is None and not store.has_resolution(key):  # kept for the next cold start
        frames = {k: getattr(base, k) for k in _RESOLUTION_FRAMES}
        kept = {**frames, "matches": _matches_of(base.interactions)}
        if save_later and not store.in_memory:  # written on a thread of its own (as analyses)
            _later(_save_resolution, store.path, key, kept)
        else:
            store.save_resolution(key, kept)
    if recent is None:
        imports = _deferred_interactions(base)
        if imports.ready:
            recent = _Recent(
                base, Deferred.done(overlap_plan(imports.get())), latest_time(imports.get())
            )
        else:
            last = base.last_time if isinstance(base, _ResolutionReadLater) else None
            recent = _Recent(base, imports.then(overlap_plan), last)
        _RECENT.put(key, recent)
    base_rows = _deferred_interactions(base)
    rows, plan, last = base_rows, recent.plan, recent.last
    logged = store.logged_interactions()
    if len(logged):
        matched = match_known(logged, base.identities, options.region)
        if matched is None:  # logged by a name no single contact has: resolve it all
            dataset, who = _dataset_and_who(store)
            resolution, overlaps = resolve_dataset(dataset, options.region, decisions, who)
            return dataset, resolution, overlaps
        rows = base_rows.then(lambda imported: concat_interactions([imported, matched]))
        plan = Deferred(
            lambda: plan_with_added(recent.plan.get(), rows.get(), len(base_rows.get()))
        )
        last = _latest(last, latest_time(matched))
    others: dict[str, Any] = {f.name: _field_of(base, f.name) for f in _OTHER_FIELDS}
    if base_rows.ready:  # the imports are read already: merged now, as they always were
        merged_rows, overlaps = apply_plan(rows.get(), plan.get())
        resolution = _ResolutionReadLater(**others, interactions=merged_rows)
        dataset = _DatasetReadLater(others["contacts"], merged_rows, store.reports())
        return dataset, resolution, overlaps
    merged = Deferred(lambda: apply_plan(rows.get(), plan.get()))
    later = _ResolutionReadLater(**others, interactions=merged.then(lambda m: m[0]))
    later.last_time = last
    dataset = _DatasetReadLater(others["contacts"], later.deferred_interactions, store.reports())
    return dataset, later, merged.then(lambda m: m[1])


def _deferred_interactions(resolution: Resolution) -> Deferred[pd.DataFrame]:
    """The interactions of ``resolution``, deferred when they are not read yet."""
    if isinstance(resolution, _ResolutionReadLater):
        return resolution.deferred_interactions
    return Deferred.done(resolution.interactions)


def _latest(a: pd.Timestamp | None, b: pd.Timestamp | None) -> pd.Timestamp | None:
    """The later of two times (None: none)."""
    return b if a is None else a if b is None else max(a, b)


class _ResolutionReadLater(Resolution):
    """A :class:`Resolution` whose ``interactions`` are made when first read
    (``deferred_interactions``); ``last_time``: their latest timestamp, known without them. Its
    contacts, merges, look-alikes, unmatched identities and identities, as a resolution kept in
    the store gives them, are decoded when first read too: the analysis reads the people only
    (and the identities when contact was logged); the pages that show the others read them."""

    interactions = deferred_field("interactions")  # type: ignore[assignment]
    people = deferred_field("people")  # type: ignore[assignment]
    contacts = deferred_field("contacts")  # type: ignore[assignment]
    merges = deferred_field("merges")  # type: ignore[assignment]
    suggestions = deferred_field("suggestions")  # type: ignore[assignment]
    unmatched = deferred_field("unmatched")  # type: ignore[assignment]
    identities = deferred_field("identities")  # type: ignore[assignment]
    last_time: pd.Timestamp | None = None

    @property
    def deferred_interactions(self) -> Deferred[pd.DataFrame]:
        return self._deferred_interactions  # type: ignore[attr-defined,no-any-return]


class _DatasetReadLater(Dataset):
    """A :class:`Dataset` whose ``contacts`` and ``interactions`` are made when first read."""

    contacts = deferred_field("contacts")  # type: ignore[assignment]
    interactions = deferred_field("interactions")  # type: ignore[assignment]


def _field_of(resolution: Resolution, name: str) -> object:
    """A field of ``resolution``: its :class:`Deferred` while it is one (not made now)."""
    deferred = getattr(resolution, f"_deferred_{name}", None)
    return deferred if deferred is not None else getattr(resolution, name)


_OTHER_FIELDS = tuple(f for f in dataclasses.fields(Resolution) if f.name != "interactions")
"""The fields of a resolution other than its interactions."""


@dataclass(frozen=True)
class _Recent:
    """An imports' resolution and what overlap merging decides about its interactions
    (:func:`analysis.identity.overlaps.overlap_plan`): contact logged on top of it is merged
    with the records of the people it touches alone (:func:`~analysis.identity.overlaps.plan_with_added`)."""

    resolution: Resolution
    plan: Deferred[OverlapPlan]
    last: pd.Timestamp | None
    """The latest timestamp of the imported interactions (None: none)."""


RECENT_RESOLUTIONS = 2
"""How many resolutions :data:`_RECENT` keeps (the user's store and the sample's)."""

_RECENT: Kept[_Recent] = Kept(RECENT_RESOLUTIONS)
"""The imports' resolutions used last in this process, by their key (which digests every input:
the files and the options each was read with, the decisions, the region), so that a rerun of
the dashboard after logging contact or an edit does not read a million interactions back from
the store, nor merge their overlaps again. Never mutated: every step builds new frames."""


MATCH_COLUMNS = ("who", "person_id", "matched_by")


def _matches_of(interactions: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct ``who`` of resolved interactions: the person it was matched to
    (missing when unmatched) and how. Identity resolution matches each distinct ``who`` once
    (:mod:`analysis.identity.matching`), so this is all it decided about the interactions."""
    frame = interactions[list(MATCH_COLUMNS)]
    return frame.drop_duplicates("who", ignore_index=True)


def _with_matches(
    interactions: pd.DataFrame, who: pd.Categorical, matches: pd.DataFrame
) -> pd.DataFrame:
    """``interactions`` plus ``person_id`` and ``matched_by`` from ``matches``
    (:func:`_matches_of` of their resolution): the same frame identity resolution returned.
    ``who``: the interactions' ``who`` as a categorical (:meth:`Store.interactions_and_who`)."""
    # a missing who (code -1) is one more value, looked up as identity resolution kept it
    uniques = np.append(np.asarray(who.categories, dtype=object), np.array([None], dtype=object))
    codes = np.where(who.codes < 0, len(uniques) - 1, who.codes)
    table = matches.set_index(pd.Index(matches["who"].to_numpy(dtype=object), dtype=object))
    found = table.reindex(pd.Index(np.asarray(uniques, dtype=object), dtype=object))
    pid = found["person_id"].to_numpy(dtype=object, copy=True)
    by = found["matched_by"].to_numpy(dtype=object, copy=True)
    unmatched = pd.isna(pid)
    pid[unmatched] = None  # as identity resolution leaves an unmatched row
    by[pd.isna(by)] = ""
    return interactions.assign(
        person_id=person_column(pid, codes, interactions.index),
        matched_by=matched_by_column(by, codes, interactions.index),
    )


def analysis_from_store(
    store_or_path: Store | str | object,
    as_of: object = None,
    window_days: int = C.WINDOW_DAYS,
    use_cache: bool = True,
    overrides: Overrides | None = None,
    save_later: bool = False,
) -> Run:
    """Everything the store holds, resolved and analysed with the user's settings, edits and
    suggestion state (``overrides`` replaces the stored edits when given). The store keeps the
    last resolution and the last analysis: when nothing they depend on changed, they are read
    back instead of recomputed (``use_cache=False`` neither reads nor writes them). With
    ``save_later`` a new resolution and a new analysis are written to the store on a thread of
    their own once the user pauses (:data:`SAVE_AFTER_QUIET_S`; the dashboard: the page need
    not wait for caches only a restart reads; :func:`finish_saves` writes them at once)."""
    store = store_or_path if isinstance(store_or_path, Store) else Store(store_or_path)  # type: ignore[arg-type]
    try:
        with saves_after():  # the caches are written once the analysis is done, not during
            early = _facts_read_early(store, as_of, window_days, use_cache, overrides)
            resolved = _resolved(store, use_cache, save_later)
            return analyse_resolved(
                store, resolved, as_of, window_days, use_cache, overrides, save_later, early
            )
    finally:
        if store is not store_or_path:
            store.close()


def analyse_resolved(
    store: Store,
    resolved: Resolved,
    as_of: object = None,
    window_days: int = C.WINDOW_DAYS,
    use_cache: bool = True,
    overrides: Overrides | None = None,
    save_later: bool = False,
    kept_rows: _EarlyRows | None = None,
) -> Run:
    """The second half of :func:`analysis_from_store`: the analysis of ``resolved`` (what
    :func:`resolution_from_store` returned for ``store``) with the store's settings, edits and
    suggestion state, read back from the store's cache when nothing it depends on changed.
    ``kept_rows``: the kept facts' analysed rows, being read since before the resolution was
    (:func:`_facts_read_early`)."""
    dataset, resolution, overlaps = resolved
    options = store.import_options()
    rkey, akey = run_keys(store, as_of, window_days)
    user_overrides = overrides if overrides is not None else store.overrides()
    blob = store.load_analysis(akey) if use_cache and overrides is None else None
    if blob is not None:
        return _run(dataset, resolution, snapshot.loads(blob), overlaps)
    day = _day(as_of)
    kept = _facts_key(rkey, day, window_days, options)
    if use_cache and not store.in_memory:
        _recall_facts(store, kept, resolution, kept_rows)
    result = _analyze_with_groups(
        store, resolution, day, user_overrides, window_days, options, rkey
    )
    if use_cache and overrides is None:
        if save_later and not store.in_memory:
            _later(_save_analysis, store.path, akey, result)
        else:
            store.save_analysis(akey, snapshot.dumps(result))
    if use_cache and not store.in_memory and not store.has_facts(kept.digest):
        made = kept_facts(kept.data_key, kept.settings)
        if made is not None and made.complete:
            if save_later:
                _later(_save_facts, store.path, kept.digest, made)
            else:
                store.save_facts(kept.digest, facts_snapshot.dumps(made))
    return _run(dataset, resolution, result, overlaps)


def _run(
    dataset: Dataset,
    resolution: Resolution,
    analysis: Analysis,
    overlaps: pd.DataFrame | Deferred[pd.DataFrame],
) -> Run:
    """A :class:`Run`; its overlaps (like the resolution's interactions) made when first read
    when they are still deferred."""
    if isinstance(overlaps, Deferred):
        return _RunReadLater(dataset, resolution, analysis, overlaps)  # type: ignore[arg-type]
    return Run(dataset, resolution, analysis, overlaps)


class _RunReadLater(Run):
    """A :class:`Run` whose ``overlaps`` are made when first read."""

    overlaps = deferred_field("overlaps")  # type: ignore[assignment]


@dataclass(frozen=True)
class _FactsKey:
    """Where the engine's facts of one analysis are kept: in the process under the resolution
    key and the settings (:func:`analysis.facts.kept_facts`) and in the store by ``digest``
    (the resolution key, the time zone and the user, not the day, which the facts kept in the
    store do not depend on)."""

    data_key: str
    settings: FactsSettings

    @property
    def digest(self) -> str:
        s = self.settings
        text = repr((self.data_key, s.timezone, s.me, facts_snapshot.FORMAT))
        return hashlib.sha256(text.encode()).hexdigest()


def _facts_key(rkey: str, day: pd.Timestamp, window_days: int, options: ImportOptions) -> _FactsKey:
    """Where the facts of the analysis of ``day`` (:func:`_day`) are kept."""
    return _FactsKey(
        rkey,
        FactsSettings(as_of_timestamp(day), int(window_days), options.timezone, tuple(options.me)),
    )


@dataclass(frozen=True)
class _EarlyRows:
    """The facts snapshot kept under ``digest`` and its analysed rows, being decoded on a
    thread (:func:`_facts_read_early`)."""

    digest: str
    blob: bytes
    rows: sidework.Alongside[pd.DataFrame]


def _facts_read_early(
    store: Store,
    as_of: object,
    window_days: int,
    use_cache: bool,
    overrides: Overrides | None,
) -> _EarlyRows | None:
    """The analysed rows of the facts the store keeps for this analysis, decoded on a thread
    (:func:`analysis.sidework.alongside`) while the resolution is read: on a new day's start
    both are read back, and each is mostly array work. None when they will not be read: no
    cache, a store in memory, the analysis itself kept, or facts kept in this process."""
    if not use_cache or store.in_memory:
        return None
    rkey, akey = run_keys(store, as_of, window_days)
    if overrides is None and store.has_analysis(akey):
        return None
    key = _facts_key(rkey, _day(as_of), window_days, store.import_options())
    if kept_facts(key.data_key, key.settings) is not None:
        return None
    blob = store.load_facts(key.digest)
    if blob is None:
        return None
    return _EarlyRows(key.digest, blob, sidework.alongside(facts_snapshot.analysed_rows, blob))


def _recall_facts(
    store: Store, key: _FactsKey, resolution: Resolution, early: _EarlyRows | None = None
) -> None:
    """When the process keeps no facts for this analysis, those the store kept for the same
    data (on an earlier day) are made the facts of this day (:func:`analysis.facts.keep_facts`:
    only when no interaction lies after the day). ``early``: that snapshot's rows, being read
    already. A snapshot that cannot be read is left alone: the engine computes the facts
    afresh."""
    if kept_facts(key.data_key, key.settings) is not None:
        return
    blob: bytes | None
    rows: sidework.Alongside[pd.DataFrame] | None
    if early is not None and early.digest == key.digest:
        blob, rows = early.blob, early.rows
    else:
        blob, rows = store.load_facts(key.digest), None
    if blob is None:
        return
    try:
        read = rows.result() if rows is not None else None
        facts = facts_snapshot.loads(blob, resolution.people, read)
    except Exception:  # noqa: BLE001 - a cache that cannot be read is only recomputed
        return
    keep_facts(
        facts,
        resolution.people,
        _deferred_interactions(resolution),
        key.settings,
        key.data_key,
        # known without the rows; keep_facts reads it only while they are unread
        last_time=resolution.last_time if isinstance(resolution, _ResolutionReadLater) else None,
    )


SAVE_AFTER_QUIET_S = 2.0
"""Seconds without a new save asked for before the kept-back caches are written. Judgement
call: the caches are read only by a restart, so writing them can wait until the user stops
clicking; a run of "I reached out" clicks writes the last analysis once instead of each one
while the next page is drawn. A process that ends before then starts from the resolution or
analysis it does have (a slower start, never a wrong one)."""


class _Saver:
    """The caches kept back for later, written on one thread of their own once no save was
    asked for during :data:`SAVE_AFTER_QUIET_S` (or at once by :meth:`flush`)."""

    def __init__(self) -> None:
        self.pending: dict[tuple[str, str], tuple[Callable[..., None], tuple]] = {}
        self.cv = threading.Condition()
        self.thread: threading.Thread | None = None
        self.last = 0.0  # when the last save was asked for (time.monotonic)
        self.writing = 0  # batches being written
        self.flushing = 0  # callers of flush waiting

    def add(self, saves: list[tuple[Callable[..., None], tuple]]) -> None:
        """Queue ``saves``; one of the same kind into the same store replaces one queued."""
        with self.cv:
            for save, args in saves:
                key = (save.__qualname__, str(args[0]) if args else "")
                self.pending.pop(key, None)  # the newer replaces the older, and goes last
                self.pending[key] = (save, args)
            self.last = time.monotonic()
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, daemon=True)
                self.thread.start()
            self.cv.notify_all()

    def flush(self, timeout: float) -> None:
        """Write what is queued now and wait (at most ``timeout`` seconds) until it is."""
        deadline = time.monotonic() + timeout
        with self.cv:
            self.flushing += 1
            self.cv.notify_all()
            try:
                while self.pending or self.writing:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self.cv.wait(left)
            finally:
                self.flushing -= 1

    def _run(self) -> None:
        while True:
            with self.cv:
                while True:
                    if not self.pending:
                        self.thread = None
                        self.cv.notify_all()
                        return
                    left = self.last + SAVE_AFTER_QUIET_S - time.monotonic()
                    if left <= 0 or self.flushing:
                        break
                    self.cv.wait(left)
                batch = list(self.pending.values())
                self.pending.clear()
                self.writing += 1
            try:
                for save, args in batch:
                    save(*args)
            finally:
                with self.cv:
                    self.writing -= 1
                    self.cv.notify_all()


_SAVER = _Saver()


def finish_saves(timeout: float = 30.0) -> None:
    """Write the caches kept back for later (``save_later``) now, and wait for them. Call it
    before removing a file or deleting a store, so that no cache of removed data is written
    after the removal."""
    _SAVER.flush(timeout)


_HELD = threading.local()  # the saves asked for inside saves_after, per thread


def _later(save: Callable[..., None], *args: object) -> None:
    """Write ``save(*args)`` on a thread of its own once no save was asked for during
    :data:`SAVE_AFTER_QUIET_S` (or at :func:`finish_saves`); inside :func:`saves_after`, only
    from the end of its block. A later save of the same kind into the same store replaces one
    not yet written (the store keeps one resolution and one analysis)."""
    held = getattr(_HELD, "saves", None)
    if held is not None:
        held.append((save, args))
        return
    _SAVER.add([(save, args)])


@contextmanager
def saves_after() -> Iterator[None]:
    """Hold the saves :func:`_later` is asked for in this block and queue them when it ends
    (written after :data:`SAVE_AFTER_QUIET_S` of quiet): writing a cache is Python work too,
    and on a thread of its own during the analysis it would slow the analysis the user is
    waiting for. Blocks nest (the outermost queues them): the dashboard holds them for a whole
    script run, so that the page is drawn before any cache is written."""
    outer = getattr(_HELD, "saves", None)
    if outer is not None:  # nested: the outer block queues them
        yield
        return
    _HELD.saves = []
    try:
        yield
    finally:
        held, _HELD.saves = _HELD.saves, None
        if held:
            _SAVER.add(held)


def _write_cache(path: object, write: Callable[[Store], None]) -> None:
    """``write(store)`` on the store at ``path``, on a thread of its own (its own connection).
    A store that cannot be written now only misses this cache, which a restart recomputes:
    nothing is lost. A store deleted meanwhile is not created again."""
    if not Path(str(path)).exists():
        return
    try:
        with Store(path) as store:  # type: ignore[arg-type]
            write(store)
    except (StoreError, sqlite3.Error, OSError):
        pass


def _save_resolution(path: object, key: str, frames: dict[str, pd.DataFrame]) -> None:
    """Write ``frames`` to the store at ``path`` as the resolution kept under ``key``."""
    _write_cache(path, lambda store: store.save_resolution(key, frames))


def _save_facts(path: object, key: str, facts: Facts) -> None:
    """Write ``facts`` to the store at ``path`` under ``key``."""
    _write_cache(path, lambda store: store.save_facts(key, facts_snapshot.dumps(facts)))


def _save_analysis(path: object, key: str, result: Analysis) -> None:
    """Write ``result`` to the store at ``path`` as the analysis kept under ``key``."""
    _write_cache(path, lambda store: store.save_analysis(key, snapshot.dumps(result)))


def _analyze_with_groups(
    store: Store,
    resolution: Resolution,
    day: pd.Timestamp,
    overrides: Overrides,
    window_days: int,
    options: ImportOptions,
    data_key: str | None = None,
) -> Analysis:
    """The engine, with the user's group ceilings applied: members whose inferred rhythm is
    looser than their group asks for are held to it (:func:`analysis.groups.ceiling_intervals`;
    a second pass only when a ceiling changes someone). The dates the user entered and the
    follow-ups are reasons for suggestions (:mod:`analysis.suggest`). ``data_key`` is the
    resolution key of :func:`run_keys` (a digest of everything ``resolution`` is made from):
    the engine keeps what it derives from the data alone under it, so that an edit, a snooze or
    the second pass reruns only what depends on the edits."""
    entered, follow_ups = store.occasions(), store.follow_ups()

    def run(ov: Overrides) -> Analysis:
        return analyze(
            resolution.people,
            _deferred_interactions(resolution),  # read only when no facts are kept for them
            as_of=day,
            overrides=ov,
            window_days=window_days,
            timezone=options.timezone,
            me=options.me,
            occasions=entered,
            follow_ups=follow_ups,
            facts_key=data_key,
        )

    result = run(overrides)
    settings = store.group_settings()
    if not settings["ceilings"]:
        return result
    groups_of = person_groups(resolution.people, settings["renames"], settings["assigned"])
    caps = ceiling_intervals(
        result.people, groups_of, settings["ceilings"], overrides.desired_interval_days
    )
    if not caps:
        return result
    held = {**caps, **overrides.desired_interval_days}
    return run(dataclasses.replace(overrides, desired_interval_days=held))


def remember_options(store: Store, options: ImportOptions) -> None:
    """Keep the import settings (region, time zone, date order, "me") in ``store``."""
    store.set_setting("region", options.region)
    store.set_setting("timezone", options.timezone)
    store.set_setting("dayfirst", options.dayfirst)
    store.set_setting("me", list(options.me))


def remember_overrides(store: Store, overrides: Overrides) -> None:
    """Write ``overrides`` (the user's edits and suggestion state) into ``store``."""
    states = getattr(overrides, "states", {}) or {}
    ids = (
        set(overrides.circle) | set(overrides.roles) | set(overrides.closeness)
        | set(overrides.desired_interval_days) | set(states)
    )  # fmt: skip
    store.replace_edits(
        PersonEdit(
            pid,
            circle=overrides.circle.get(pid),
            roles=overrides.roles.get(pid),
            closeness=overrides.closeness.get(pid),
            desired_interval_days=overrides.desired_interval_days.get(pid),
            states=tuple(states.get(pid, ())),
        )
        for pid in sorted(ids)
    )
    store.replace_suggestion_state(dict(overrides.done), dict(overrides.snoozed_until))


def analysis_from_files(
    sources: Sequence[SourceFile],
    options: ImportOptions | None = None,
    as_of: object = None,
    decisions: MergeDecisions | None = None,
    overrides: Overrides | None = None,
    window_days: int = C.WINDOW_DAYS,
    progress: ProgressFn | None = None,
) -> Run:
    """Import ``sources`` into an in-memory store and analyse them: the same path as a store on
    disk, writing nothing. The run's reports are the files' own, in the order given."""
    options = options or ImportOptions()
    with Store(MEMORY) as store:
        remember_options(store, options)
        outcomes = import_files(store, sources, options, progress)
        if decisions is not None:
            store.replace_decisions(decisions)
        if overrides is not None:
            remember_overrides(store, overrides)
        run = analysis_from_store(store, as_of=as_of, window_days=window_days, use_cache=False)
    run.dataset.reports = reports_of(outcomes)
    return run


CSV_FORMATS = ("contacts_csv", "interactions_csv")
CSV_SUFFIXES = (".csv", ".tsv", ".tab")


@dataclass(frozen=True)
class FileShape:
    """What a file looks like to closeknit, for the Import page's column mapping: its format
    (``unknown`` when refused), label, confidence, the detector's notes, and the header of
    anything that reads as a table."""

    format: str
    label: str
    confidence: float
    notes: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()


def file_shape(source: SourceFile) -> FileShape:
    """Detect ``source`` and, when it is (or may be) a CSV, list its columns. Never raises."""
    try:
        det = detect(source)
        shape = FileShape(det.format, det.label, float(det.confidence), tuple(det.notes))
    except CloseknitError:
        shape = FileShape("unknown", "unknown", 0.0)
    tabular = shape.format in CSV_FORMATS or (
        shape.format == "unknown" and source.name.lower().endswith(CSV_SUFFIXES)
    )
    if not tabular:
        return shape
    try:
        columns = tuple(describe_columns(head_text(source.data)))
    except Exception:  # noqa: BLE001 - listing columns is a convenience, never a failure
        columns = ()
    return dataclasses.replace(shape, columns=columns)


def mappable_columns(fmt: str) -> tuple[str, ...]:
    """The canonical columns a user can map for a CSV format, as its importer declares them."""
    mod = IMPORTERS.get(fmt)
    for attr in ("MAP_ROLES", "MAPPABLE_COLUMNS", "MAPPABLE", "CANONICAL_COLUMNS"):
        fields = getattr(mod, attr, None)
        if fields:
            return tuple(fields)
    return ()


def reports_of(outcomes: Sequence[ImportOutcome]) -> list[FileReport]:
    """The import reports of ``outcomes``, in order."""
    return [o.report for o in outcomes]
