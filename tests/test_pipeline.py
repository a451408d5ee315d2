"""The whole pipeline over the sample persona, from files and from the store, and the user's
edits in the store feeding the analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import pipeline
from analysis.identity import resolve
from analysis.importers.base import ImportOptions, SourceFile
from analysis.pipeline import analysis_from_files, analysis_from_store, resolver_key, run_keys
from analysis.store import PersonEdit, Store

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
PERSONA = json.loads((SAMPLES / "persona.json").read_text(encoding="utf-8"))
AS_OF = pd.Timestamp(PERSONA["as_of"])
ME = (
    PERSONA["me"]["name"],
    PERSONA["me"]["email"],
    *PERSONA["me"].get("other_emails", []),
)
OPTS = ImportOptions(region=PERSONA["me"]["region"], timezone=PERSONA["me"]["timezone"], me=ME)
FILES = (
    "phone_contacts.vcf",
    "google_contacts.csv",
    "interactions.csv",
    "whatsapp_family.txt",
    "calendar.ics",
)


def sources() -> list[SourceFile]:
    return [SourceFile.from_path(str(SAMPLES / f)) for f in FILES]


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "store.sqlite3")
    s.set_setting("region", OPTS.region)
    s.set_setting("timezone", OPTS.timezone)
    s.set_setting("me", list(ME))
    for src in sources():
        s.add_file(src, OPTS)
    yield s
    s.close()


def person(run, name: str) -> pd.Series:
    p = run.analysis.people
    rows = p[p["name"] == name]
    assert len(rows) == 1, name
    return rows.iloc[0]


def test_store_gives_the_same_analysis_as_the_files(store):
    direct = analysis_from_files(sources(), OPTS, as_of=AS_OF)
    stored = analysis_from_store(store, as_of=AS_OF)
    cols = ["person_id", "name", "circle", "status", "interactions", "tie_strength"]
    a = direct.analysis.people[cols].sort_values("person_id").reset_index(drop=True)
    b = stored.analysis.people[cols].sort_values("person_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert list(direct.analysis.suggestions["person_id"]) == list(
        stored.analysis.suggestions["person_id"]
    )


def test_a_cold_start_reuses_the_stored_resolution(store):
    first = analysis_from_store(store, as_of=AS_OF)
    key = store.data_key(OPTS.region, store.decisions(), resolver_key(), logged=False)
    assert store.load_resolution(key) is not None
    again = analysis_from_store(store, as_of=AS_OF)
    pd.testing.assert_frame_equal(
        first.resolution.people.reset_index(drop=True),
        again.resolution.people.reset_index(drop=True),
    )
    assert list(first.resolution.interactions["person_id"]) == list(
        again.resolution.interactions["person_id"]
    )
    store.log_contact("Lena Vogt", "in_person", AS_OF)
    assert store.load_resolution(store.data_key(OPTS.region, store.decisions(), "1")) is None


def test_logging_contact_resets_the_clock_and_clears_the_suggestion(store):
    before = analysis_from_store(store, as_of=AS_OF)
    lena = person(before, "Lena Vogt")
    assert lena.status in ("overdue", "neglected")
    assert lena.person_id in set(before.analysis.suggestions["person_id"])
    store.log_contact("Lena Vogt", "in_person", AS_OF - pd.Timedelta(hours=2))
    after = analysis_from_store(store, as_of=AS_OF)
    assert person(after, "Lena Vogt").status == "ok"
    assert lena.person_id not in set(after.analysis.suggestions["person_id"])


def test_circle_override_and_closeness_change_the_analysis(store):
    before = analysis_from_store(store, as_of=AS_OF)
    colleague = before.analysis.people[
        before.analysis.people["circle"].eq(3) & ~before.analysis.people["intimate"]
    ].iloc[0]
    store.save_edit(PersonEdit(colleague.person_id, circle=1, closeness=5))
    after = analysis_from_store(store, as_of=AS_OF)
    row = after.analysis.people.set_index("person_id").loc[colleague.person_id]
    assert row.circle == 1
    assert bool(row.intimate)
    assert row.tie_strength > colleague.tie_strength


def test_desired_interval_makes_someone_due(store):
    before = analysis_from_store(store, as_of=AS_OF)
    p = before.analysis.people
    ok = p[(p["status"] == "ok") & (p["days_since"] >= 5)].iloc[0]
    store.save_edit(PersonEdit(ok.person_id, desired_interval_days=1.0))
    after = analysis_from_store(store, as_of=AS_OF)
    assert after.analysis.people.set_index("person_id").loc[ok.person_id, "status"] != "ok"


def test_done_and_snoozed_suggestions_leave_the_list(store):
    before = analysis_from_store(store, as_of=AS_OF)
    first, second = before.analysis.suggestions["person_id"].iloc[:2]
    store.mark_done(first, AS_OF.date())
    store.snooze(second, (AS_OF + pd.Timedelta(days=7)).date())
    after = analysis_from_store(store, as_of=AS_OF)
    remaining = set(after.analysis.suggestions["person_id"])
    assert first not in remaining and second not in remaining


def test_a_restart_the_same_day_reads_the_stored_analysis(store):
    first = analysis_from_store(store, as_of=AS_OF)
    again = analysis_from_store(store, as_of=AS_OF)
    assert store.conn.execute("SELECT COUNT(*) FROM analysis_cache").fetchone()[0] == 1
    assert list(again.analysis.suggestions["name"]) == list(first.analysis.suggestions["name"])
    store.snooze(
        first.analysis.suggestions["person_id"].iloc[0], AS_OF.date() + pd.Timedelta(days=3)
    )
    after = analysis_from_store(store, as_of=AS_OF)
    assert first.analysis.suggestions["person_id"].iloc[0] not in set(
        after.analysis.suggestions["person_id"]
    )


def test_a_big_vcard_read_in_the_background_keeps_file_order_and_results():
    from analysis.importers import import_file
    from analysis.pipeline import load

    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nEMAIL:p{i}@example.org\r\n"
        f"NOTE:{'x' * 400}\r\nEND:VCARD\r\n"
        for i in range(2_500)
    ).encode()
    assert len(cards) > 1_000_000
    big = SourceFile("big.vcf", cards)
    log = SourceFile.from_path(str(SAMPLES / "interactions.csv"))
    ds = load([big, log, SourceFile("again.vcf", cards)], OPTS)
    assert [r.file for r in ds.reports] == ["big.vcf", "interactions.csv", "again.vcf"]
    assert ds.reports[2].error and "same content as big.vcf" in ds.reports[2].error
    alone = import_file(big, OPTS)
    assert ds.reports[0].imported == alone.report.imported == 2_500
    assert sorted(ds.contacts["full_name"]) == sorted(alone.contacts["full_name"])
    assert len(ds.interactions) == len(import_file(log, OPTS).interactions)


def _same_resolution(a, b) -> None:
    for name in ("people", "unmatched", "merges"):
        pd.testing.assert_frame_equal(
            getattr(a, name).reset_index(drop=True), getattr(b, name).reset_index(drop=True)
        )
    cols = ["timestamp", "who", "channel", "direction", "note", "source", "person_id"]
    left = a.interactions[cols].astype(str).sort_values(cols).reset_index(drop=True)
    right = b.interactions[cols].astype(str).sort_values(cols).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)


def test_logged_contact_is_matched_without_resolving_the_imports_again(store, monkeypatch):
    first = analysis_from_store(store, as_of=AS_OF)
    name = str(first.analysis.people.iloc[0]["name"])
    store.log_contact(name, "call", pd.Timestamp("2026-10-30 18:00", tz="UTC"), note="long talk")
    calls = []
    monkeypatch.setattr(pipeline, "resolve", lambda *a, **k: calls.append(1) or resolve(*a, **k))
    after = analysis_from_store(store, as_of=AS_OF)
    assert calls == []  # the imports' resolution came from the store
    full = pipeline.resolution_from_store(store, use_cache=False)[1]
    assert calls == [1]
    _same_resolution(after.resolution, full)
    row = after.resolution.interactions.query("note == 'long talk'")
    assert row["person_id"].tolist() == [first.analysis.people.iloc[0]["person_id"]]


def test_contact_logged_for_an_unknown_name_resolves_everything_like_a_fresh_start(store):
    analysis_from_store(store, as_of=AS_OF)
    store.log_contact("Zebedee Quint", "in_person", pd.Timestamp("2026-10-30 18:00", tz="UTC"))
    cached = pipeline.resolution_from_store(store)[1]
    full = pipeline.resolution_from_store(store, use_cache=False)[1]
    _same_resolution(cached, full)
    assert "Zebedee Quint" in set(cached.people["name"])


def test_a_logged_call_already_in_an_imported_log_counts_once(store):
    first = analysis_from_store(store, as_of=AS_OF)
    inter = first.resolution.interactions
    calls = inter[(inter["channel"] == "call") & inter["person_id"].notna()]
    call = calls.sort_values("timestamp").iloc[-1]
    people = first.analysis.people.set_index("person_id")
    before = int(people.loc[call["person_id"], "interactions"])
    name = str(people.loc[call["person_id"], "name"])
    store.log_contact(name, "call", call["timestamp"] + pd.Timedelta(minutes=2), note="same call")
    after = analysis_from_store(store, as_of=AS_OF)
    now = after.analysis.people.set_index("person_id")
    assert int(now.loc[call["person_id"], "interactions"]) == before
    assert int(after.overlaps["records"].sum()) >= 1


def test_records_merged_after_logged_contact_are_those_a_fresh_merge_gives(store):
    """The imports' merge is kept in the process and only the records near logged contact are
    merged again: after each of several logged calls (one the same call as an imported one,
    one minutes after another logged call, one for someone else) the interactions and the
    overlaps are exactly those of merging everything from scratch."""
    first = analysis_from_store(store, as_of=AS_OF)
    inter = first.resolution.interactions
    calls = inter[(inter["channel"] == "call") & inter["person_id"].notna()]
    call = calls.sort_values("timestamp").iloc[-1]
    names = first.analysis.people.set_index("person_id")["name"]
    other = str(names.drop(call["person_id"]).iloc[0])
    logs = [
        (str(names[call["person_id"]]), call["timestamp"] + pd.Timedelta(minutes=2)),
        (str(names[call["person_id"]]), call["timestamp"] + pd.Timedelta(minutes=6)),
        (other, pd.Timestamp("2026-10-30 18:00", tz="UTC")),
    ]
    for name, when in logs:
        store.log_contact(name, "call", when)
        _, merged, overlaps = pipeline.resolution_from_store(store)
        _, fresh, fresh_overlaps = pipeline.resolution_from_store(store, use_cache=False)
        pd.testing.assert_frame_equal(merged.interactions, fresh.interactions)
        pd.testing.assert_frame_equal(overlaps, fresh_overlaps)
    assert int(overlaps["records"].sum()) >= 2  # both logged calls were the imported call


def test_the_cached_resolution_attaches_every_interaction_as_a_fresh_one_does(store):
    pipeline.resolution_from_store(store)  # fills the cache
    _, cached, _ = pipeline.resolution_from_store(store)
    _, fresh, _ = pipeline.resolution_from_store(store, use_cache=False)
    pd.testing.assert_frame_equal(cached.interactions, fresh.interactions)
    matched = fresh.interactions["person_id"].notna()
    assert matched.any() and not matched.all()  # both kinds of rows were compared


def test_an_analysis_saved_later_is_in_the_store_once_the_saves_are_finished(store, tmp_path):
    run = analysis_from_store(store.path, as_of=AS_OF, save_later=True)
    pipeline.finish_saves()
    with Store(store.path) as again:
        _, key = pipeline.run_keys(again, AS_OF)
        assert again.load_analysis(key) is not None
        imports = again.data_key(OPTS.region, again.decisions(), resolver_key(), logged=False)
        assert again.load_resolution(imports) is not None  # the resolution too
    assert len(run.analysis.people)


def test_saves_wait_for_a_pause_and_only_the_last_analysis_of_a_run_of_clicks_is_written(
    store, monkeypatch
):
    monkeypatch.setattr(pipeline, "SAVE_AFTER_QUIET_S", 60.0)  # no pause during this test
    writes = []
    real = pipeline._save_analysis
    monkeypatch.setattr(
        pipeline,
        "_save_analysis",
        lambda path, key, result: (writes.append(key), real(path, key, result)),
    )
    first = analysis_from_store(store.path, as_of=AS_OF, save_later=True)
    with Store(store.path) as again:
        first_key = pipeline.run_keys(again, AS_OF)[1]
        assert again.load_analysis(first_key) is None  # not written while the user is busy
        name = str(first.analysis.people["name"].iloc[0])
        again.log_contact(name, "call", pd.Timestamp(AS_OF, tz="UTC"))
    analysis_from_store(store.path, as_of=AS_OF, save_later=True)
    pipeline.finish_saves()  # at once, not after the minute
    with Store(store.path) as again:
        last_key = pipeline.run_keys(again, AS_OF)[1]
        assert again.load_analysis(last_key) is not None
    assert writes == [last_key] and last_key != first_key


def test_a_store_deleted_before_a_late_resolution_save_is_not_created_again(tmp_path):
    gone = tmp_path / "gone.sqlite3"
    pipeline._save_resolution(gone, "key", {})
    assert not gone.exists()


def test_a_store_deleted_before_a_late_save_is_not_created_again(tmp_path):
    gone = tmp_path / "gone.sqlite3"
    run = analysis_from_files(sources(), OPTS, as_of=AS_OF)
    pipeline._save_analysis(gone, "key", run.analysis)
    assert not gone.exists()


def test_another_version_of_closeknit_never_reads_the_stored_analysis(store, monkeypatch):
    analysis_from_store(store, as_of=AS_OF)
    rkey, akey = run_keys(store, AS_OF)
    assert store.load_analysis(akey) is not None
    monkeypatch.setattr(pipeline, "code_digest", lambda: "another version")
    other_r, other_a = run_keys(store, AS_OF)
    assert (other_r, other_a) != (rkey, akey)
    assert store.load_analysis(other_a) is None  # computed again, not read back


def test_a_new_days_start_reads_the_facts_kept_and_gives_that_days_fresh_analysis(
    store, monkeypatch
):
    """The store keeps the engine's facts that do not depend on the day; a restart on a later
    day (nothing kept in the process) reads them back instead of computing them, and its
    analysis is exactly the one computed from scratch for that day."""
    import analysis.facts as facts
    import analysis.metrics.graph as graph
    from analysis.store import snapshot

    inter = analysis_from_store(store, as_of=AS_OF).resolution.interactions
    first = max(AS_OF, inter["timestamp"].max().tz_localize(None).normalize())
    analysis_from_store(store, as_of=first)  # a day holding every row: its facts are kept
    assert store.conn.execute("SELECT COUNT(*) FROM facts_cache").fetchone()[0] == 1
    later = first + pd.Timedelta(days=3)
    fresh = analysis_from_store(store, as_of=later, use_cache=False)
    computed = []
    real = facts._compute_facts
    monkeypatch.setattr(
        facts, "_compute_facts", lambda *a, **k: (computed.append(1), real(*a, **k))[1]
    )
    for cache in (facts._FACTS, graph._STRUCTURES, pipeline._RECENT):  # a new process
        cache.clear()
    kept = analysis_from_store(store, as_of=later)
    assert computed == []
    assert snapshot.dumps(kept.analysis) == snapshot.dumps(fresh.analysis)


def test_a_new_days_start_decodes_the_kept_rows_once_on_a_thread_while_the_resolution_is_read(
    store, monkeypatch
):
    """The kept facts' analysed rows are decoded on a thread, started before the resolution is
    read back, and only there; the analysis is the fresh one. A restart on a day whose
    analysis is kept reads no rows at all."""
    import threading

    import analysis.facts as facts
    import analysis.metrics.graph as graph
    from analysis.store import facts_snapshot, snapshot

    inter = analysis_from_store(store, as_of=AS_OF).resolution.interactions
    first = max(AS_OF, inter["timestamp"].max().tz_localize(None).normalize())
    analysis_from_store(store, as_of=first)
    later = first + pd.Timedelta(days=5)
    fresh = analysis_from_store(store, as_of=later, use_cache=False)
    decoded: list[str] = []
    real_rows, real_resolved = facts_snapshot._analysed_from, pipeline._resolved
    monkeypatch.setattr(
        facts_snapshot,
        "_analysed_from",
        lambda blobs: (decoded.append(threading.current_thread().name), real_rows(blobs))[1],
    )
    order: list[str] = []
    monkeypatch.setattr(
        pipeline, "_resolved", lambda *a: (order.append(f"resolved after {len(decoded)}"),
                                           real_resolved(*a))[1],
    )  # fmt: skip
    for cache in (facts._FACTS, graph._STRUCTURES, pipeline._RECENT):  # a new process
        cache.clear()
    kept = analysis_from_store(store, as_of=later)
    assert snapshot.dumps(kept.analysis) == snapshot.dumps(fresh.analysis)
    assert len(decoded) == 1 and decoded[0] != threading.current_thread().name
    for cache in (facts._FACTS, graph._STRUCTURES, pipeline._RECENT):
        cache.clear()
    decoded.clear()
    again = analysis_from_store(store, as_of=later)  # that day's analysis is kept now
    assert decoded == []
    assert (
        again.analysis.people["person_id"].tolist() == fresh.analysis.people["person_id"].tolist()
    )


def test_a_new_days_start_after_logged_contact_reads_the_updated_rows_back(store, monkeypatch):
    """Contact logged on one day brings the kept facts up to date (not computed again) and
    they are kept in the store with their analysed rows; a restart on a later day reads those
    rows back (nothing ordered again) and gives exactly that day's analysis from scratch."""
    import analysis.facts as facts
    import analysis.metrics.graph as graph
    from analysis.store import snapshot

    inter = analysis_from_store(store, as_of=AS_OF).resolution.interactions
    first = max(AS_OF, inter["timestamp"].max().tz_localize(None).normalize())
    run = analysis_from_store(store, as_of=first)
    for name in run.analysis.people["name"].head(3):  # each call updates the kept facts
        store.log_contact(str(name), "call", pd.Timestamp(first, tz="UTC") + pd.Timedelta(hours=9))
        analysis_from_store(store, as_of=first)
    later = first + pd.Timedelta(days=5)
    fresh = analysis_from_store(store, as_of=later, use_cache=False)
    for cache in (facts._FACTS, graph._STRUCTURES, pipeline._RECENT):  # a new process
        cache.clear()
    computed = []
    real = facts._compute_facts
    monkeypatch.setattr(
        facts, "_compute_facts", lambda *a, **k: (computed.append(1), real(*a, **k))[1]
    )

    def no_ordering(*args, **kwargs):
        raise AssertionError("the rows kept with the facts were ordered again")

    monkeypatch.setattr(facts, "prepare", no_ordering)
    kept = analysis_from_store(store, as_of=later)
    assert computed == []
    assert snapshot.dumps(kept.analysis) == snapshot.dumps(fresh.analysis)


def test_removing_a_file_empties_every_cache(store):
    """The Data page's promise: a removed file leaves nothing behind in a cache (the
    resolution, the analysis and the engine's facts kept for a restart)."""
    inter = analysis_from_store(store, as_of=AS_OF).resolution.interactions
    analysis_from_store(store, as_of=max(AS_OF, inter["timestamp"].max().tz_localize(None)))
    tables = ("resolution_cache", "analysis_cache", "facts_cache")
    count = "SELECT COUNT(*) FROM {}"
    assert all(store.conn.execute(count.format(t)).fetchone()[0] == 1 for t in tables)
    store.remove_file(store.files()["digest"].iloc[0])
    assert all(store.conn.execute(count.format(t)).fetchone()[0] == 0 for t in tables)


def _new_process() -> None:
    """Forget what this process keeps, as a restart does."""
    import analysis.facts as facts
    import analysis.metrics.graph as graph

    for cache in (facts._FACTS, graph._STRUCTURES, pipeline._RECENT):
        cache.clear()


def _first_full_day(store: Store) -> pd.Timestamp:
    inter = analysis_from_store(store, as_of=AS_OF).resolution.interactions
    return max(AS_OF, inter["timestamp"].max().tz_localize(None).normalize())


@pytest.mark.parametrize("logged", [False, True], ids=["imports", "with-logged-contact"])
def test_a_new_days_start_reads_no_interaction_until_a_page_asks_then_the_fresh_ones(
    store, monkeypatch, logged
):
    """A restart on a later day analyses from the kept resolution and facts without decoding
    a stored interaction; the interactions, the dataset's and the overlaps, once asked for,
    are exactly those of a fresh resolution (logged contact included)."""
    import analysis.store.store as store_module
    from analysis.store import snapshot

    first = _first_full_day(store)
    if logged:
        store.log_contact("Birgit Jensen", "call", pd.Timestamp(first, tz="UTC"))
    analysis_from_store(store, as_of=first)
    later = first + pd.Timedelta(days=4)
    fresh = analysis_from_store(store, as_of=later, use_cache=False)
    _new_process()
    decoded = []
    real = store_module.blob_to_batch_and_who
    monkeypatch.setattr(
        store_module, "blob_to_batch_and_who", lambda b: (decoded.append(1), real(b))[1]
    )
    run = analysis_from_store(store, as_of=later)
    assert decoded == []
    assert snapshot.dumps(run.analysis) == snapshot.dumps(fresh.analysis)
    pd.testing.assert_frame_equal(run.resolution.interactions, fresh.resolution.interactions)
    batches = store.conn.execute("SELECT COUNT(*) FROM interaction_batches").fetchone()[0]
    assert len(decoded) == batches >= 3  # each batch read once, for the dataset and overlaps too
    # from the store the dataset holds the resolved rows, as it always has
    pd.testing.assert_frame_equal(run.dataset.interactions, fresh.resolution.interactions)
    pd.testing.assert_frame_equal(run.overlaps, fresh.overlaps)
    assert len(decoded) == batches
    if logged:
        notes = run.resolution.interactions["source"] == "logged in closeknit"
        assert notes.sum() == 1


def test_a_new_days_start_decodes_only_the_people_of_the_kept_resolution(store, monkeypatch):
    """On a new day the analysis reads the kept resolution's people alone: its contacts,
    merges, look-alikes, unmatched identities and identities are decoded when a page first
    reads them, once each, and then equal a fresh resolution's (the dataset's contacts too)."""
    import analysis.store.store as store_module

    first = _first_full_day(store)
    analysis_from_store(store, as_of=first)
    later = first + pd.Timedelta(days=3)
    fresh = analysis_from_store(store, as_of=later, use_cache=False)
    _new_process()
    decoded: list[int] = []
    real = store_module.frame_from_blob
    monkeypatch.setattr(
        store_module, "frame_from_blob", lambda b: (decoded.append(len(b)), real(b))[1]
    )
    run = analysis_from_store(store, as_of=later)
    assert len(decoded) == 1  # the people
    pd.testing.assert_frame_equal(run.resolution.people, fresh.resolution.people)
    for name in ("contacts", "merges", "suggestions", "unmatched", "identities"):
        pd.testing.assert_frame_equal(
            getattr(run.resolution, name), getattr(fresh.resolution, name), obj=name
        )
    assert len(decoded) == 6
    assert run.dataset.contacts is run.resolution.contacts  # from the store, as it always was
    assert len(decoded) == 6  # each frame once


def test_deferred_interactions_are_those_stored_when_the_run_began(store):
    """The rows a run reads later are the ones the store held when it started: a file
    imported afterwards belongs to the next run, never to this one's pages."""
    first = _first_full_day(store)
    analysis_from_store(store, as_of=first)
    _new_process()
    run = analysis_from_store(store, as_of=first + pd.Timedelta(days=2))
    before = len(analysis_from_store(store, as_of=first, use_cache=False).resolution.interactions)
    extra = "timestamp,who,channel,direction\n2020-01-02T10:00:00Z,Someone Else,call,outgoing\n"
    store.add_file(SourceFile("later.csv", extra.encode()), OPTS)
    assert len(run.resolution.interactions) == before


def test_a_new_day_with_a_row_after_it_analyses_the_rows_not_the_kept_facts(store):
    """The latest stored time is read from the batches' statistics: a row dated after the
    analysed day (kept facts could then differ) makes the run compute from the rows, and the
    result is that day's fresh analysis."""
    from analysis.store import snapshot

    first = _first_full_day(store)
    analysis_from_store(store, as_of=first)
    earlier = first - pd.Timedelta(days=30)  # rows after it exist: the facts are not used
    fresh = analysis_from_store(store, as_of=earlier, use_cache=False)
    _new_process()
    run = analysis_from_store(store, as_of=earlier)
    assert snapshot.dumps(run.analysis) == snapshot.dumps(fresh.analysis)
