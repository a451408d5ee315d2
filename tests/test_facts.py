"""What the engine derives from the data alone (analysis.facts): kept under a key, reused under
each set of edits, and brought up to date person by person, always equal to a fresh run."""

from datetime import date

import pytest

from tests.engine_helpers import SAMPLE_READY, sample_resolution
from tests.personas import lives

needs_sample = pytest.mark.skipif(not SAMPLE_READY, reason="sample persona not generated")


@pytest.fixture(scope="module")
def resolved():
    return sample_resolution()


def _same_analysis(a, b):
    import pandas as pd

    from analysis.store import snapshot

    pd.testing.assert_frame_equal(a.people, b.people)
    pd.testing.assert_frame_equal(a.suggestions, b.suggestions)
    assert snapshot.dumps(a) == snapshot.dumps(b)  # every frame of the result, balance included


@needs_sample
def test_kept_facts_give_the_fresh_result_under_each_set_of_edits(resolved):
    """A snooze, a circle or role edit or a closeness rating reuses what the engine derived
    from the data (facts_key), and still gives exactly what a fresh run gives; an edit does
    not leak into the kept facts and from there into a later run without it."""
    from analysis.engine import Overrides, analyze

    res, settings, _ = resolved
    table = analyze(res.people, res.interactions, **settings).people
    close = table.loc[table["circle"] == 1, "person_id"].tolist()
    outer = table.loc[table["circle"] == 3, "person_id"].tolist()
    edits = [
        Overrides(),
        Overrides(circle={outer[0]: 1}, roles={close[0]: ("work",)}, closeness={outer[1]: 5}),
        Overrides(snoozed_until={close[1]: date(2099, 1, 1)}, states={close[0]: ("far_away",)}),
        Overrides(),
    ]
    for overrides in edits:
        kept = analyze(res.people, res.interactions, overrides=overrides, facts_key="k", **settings)
        fresh = analyze(res.people, res.interactions, overrides=overrides, **settings)
        _same_analysis(kept, fresh)
    moved = analyze(
        res.people, res.interactions, overrides=edits[1], facts_key="k", **settings
    ).people.set_index("person_id")
    assert moved.at[outer[0], "circle"] == 1 and moved.at[close[0], "roles"] == ["work"]
    # another day is another set of facts, not the kept one
    later = {**settings, "as_of": pd_day(settings["as_of"], 30)}
    _same_analysis(
        analyze(res.people, res.interactions, facts_key="k", **later),
        analyze(res.people, res.interactions, **later),
    )


def pd_day(day, plus):
    import pandas as pd

    return (pd.Timestamp(day) + pd.Timedelta(days=plus)).date()


def _shift(frame, rows, **changes):
    """``frame`` with ``rows`` (positions) changed as ``changes`` say (column -> value)."""
    out = frame.copy()
    for col, value in changes.items():
        out.iloc[rows, out.columns.get_loc(col)] = value
    return out


@needs_sample
def test_new_contact_with_a_few_people_recomputes_theirs_and_gives_the_fresh_result(
    resolved, monkeypatch
):
    """Logging a call (a row added), a corrected channel, a deleted row: the kept facts are
    brought up to date person by person and the result is exactly a fresh run's. A new shared
    event or a new person is computed afresh (an event's size counts everyone in it)."""
    import pandas as pd

    import analysis.engine as engine
    import analysis.facts as facts

    res, settings, _ = resolved
    people, inter = res.people, res.interactions
    fresh_runs = []
    real = facts._compute_facts
    monkeypatch.setattr(
        facts, "_compute_facts", lambda *a, **k: (fresh_runs.append(1), real(*a, **k))[1]
    )
    facts._FACTS.clear()
    engine.analyze(people, inter, facts_key="v0", **settings)
    assert len(fresh_runs) == 1
    table = engine.analyze(people, inter, **settings).people
    fresh_runs.clear()
    pid = table.loc[table["circle"] == 2, "person_id"].iloc[0]
    grouped = inter.loc[inter["event_id"].fillna("") != "", "person_id"].dropna().iloc[0]
    mine = inter.index[inter["person_id"] == grouped]
    plain = [i for i in mine if not inter.at[i, "event_id"]]
    as_of = pd.Timestamp(settings["as_of"], tz="UTC")
    call = (
        inter.loc[inter["person_id"] == pid]
        .iloc[[-1]]
        .assign(
            timestamp=as_of + pd.Timedelta(hours=10), channel="call", event_id="", note="logged"
        )
    )
    added = pd.concat([inter, call], ignore_index=True)
    updates = {
        "a logged call": added,
        "a corrected channel": _shift(added, [plain[0]], channel="in_person"),
        "a deleted row of someone in a group": added.drop(index=plain[-1]),
    }
    for n, (what, frame) in enumerate(updates.items(), start=1):
        kept = engine.analyze(people, frame, facts_key=f"v{n}", **settings)
        _same_analysis(kept, engine.analyze(people, frame, **settings))
        assert fresh_runs == [1], what  # only the fresh run of the comparison
        fresh_runs.clear()
    after = engine.analyze(people, added, **settings).people.set_index("person_id")
    assert after.at[pid, "days_since"] == 0 and after.at[pid, "status"] == "ok"
    fresh_runs.clear()
    # someone new in an event with the first person: a fresh computation, the same result
    shared = pd.concat(
        [
            added,
            call.assign(event_id="new-dinner"),
            call.assign(event_id="new-dinner", person_id=grouped),
        ],
        ignore_index=True,
    )
    _same_analysis(
        engine.analyze(people, shared, facts_key="v9", **settings),
        engine.analyze(people, shared, **settings),
    )
    assert fresh_runs == [1, 1]


@pytest.mark.parametrize("life_of", lives.LIVES, ids=lambda f: f.__name__)
def test_on_every_life_a_logged_call_updates_the_kept_facts_to_the_fresh_result(
    life_of, monkeypatch
):
    """The retiree, the student who moved, the parent with a household and a full-time job,
    the friends mostly online: with each life's own edits, the kept facts and a logged call
    with the closest person (recomputed for that person alone) give exactly a fresh run."""
    import pandas as pd

    import analysis.engine as engine
    import analysis.facts as facts

    life = life_of()
    settings = {
        "as_of": life.as_of,
        "overrides": life.overrides,
        "timezone": life.timezone,
        "me": life.me,
    }
    fresh_runs = []
    real = facts._compute_facts
    monkeypatch.setattr(
        facts, "_compute_facts", lambda *a, **k: (fresh_runs.append(1), real(*a, **k))[1]
    )
    facts._FACTS.clear()
    people, rows = life.people, life.interactions
    first = engine.analyze(people, rows, facts_key=f"{life.name}-0", **settings)
    _same_analysis(first, engine.analyze(people, rows, **settings))
    closest = first.people["person_id"].iloc[0]
    call = rows.loc[rows["person_id"] == closest].iloc[[-1]]
    call = call.assign(
        timestamp=pd.Timestamp(life.as_of, tz="UTC") + pd.Timedelta(hours=11),
        channel="call",
        event_id="",
    )
    logged = pd.concat([rows, call], ignore_index=True)
    fresh_runs.clear()
    kept = engine.analyze(people, logged, facts_key=f"{life.name}-1", **settings)
    assert fresh_runs == [], "the logged call was recomputed for that person alone"
    _same_analysis(kept, engine.analyze(people, logged, **settings))


def _settings(day, life):
    """The facts' settings of an analysis of ``life`` on ``day`` (90-day window, as analyze)."""
    from analysis.facts import FactsSettings

    return FactsSettings(day, 90, life.timezone, tuple(life.me))


def _fresh_caches():
    """A new process: no facts, no network structure kept."""
    import analysis.facts as facts
    import analysis.metrics.graph as graph

    facts._FACTS.clear()
    graph._STRUCTURES.clear()


@pytest.mark.parametrize("life_of", lives.LIVES, ids=lambda f: f.__name__)
def test_facts_read_back_from_the_store_give_a_later_days_fresh_result(life_of, monkeypatch):
    """The facts kept in the store on one day, read back in a new process on the next day
    and six weeks on, give exactly a fresh run of that day (its contact figures and balance
    computed again, the rest read back: the analysed rows are neither coded nor ordered
    again), with each life's own edits."""
    import pandas as pd

    import analysis.engine as engine
    import analysis.facts as facts
    from analysis.store import facts_snapshot

    life = life_of()
    settings = {"overrides": life.overrides, "timezone": life.timezone, "me": life.me}
    people, rows = life.people, life.interactions
    # the day of the life, or of its last row if later: facts kept for a day hold every row
    day = max(pd.Timestamp(life.as_of, tz="UTC"), rows["timestamp"].max().normalize())
    computed = []
    real = facts._compute_facts
    _fresh_caches()
    engine.analyze(people, rows, as_of=day, facts_key="k", **settings)
    made = facts.kept_facts("k", _settings(day, life))
    assert made is not None and made.complete
    blob = facts_snapshot.dumps(made)
    for later in (day + pd.Timedelta(days=1), day + pd.Timedelta(days=42)):
        _fresh_caches()
        fresh = engine.analyze(people, rows, as_of=later, **settings)
        _fresh_caches()
        back = facts_snapshot.loads(blob, people)
        with monkeypatch.context() as m:
            m.setattr(facts, "prepare", _must_not_run("ordering the rows again"))
            m.setattr(facts, "_coded", _must_not_run("coding the interactions"))
            assert facts.keep_facts(back, people, rows, _settings(later, life), "k")
        monkeypatch.setattr(
            facts, "_compute_facts", lambda *a, **k: (computed.append(1), real(*a, **k))[1]
        )
        kept = engine.analyze(people, rows, as_of=later, facts_key="k", **settings)
        monkeypatch.setattr(facts, "_compute_facts", real)
        assert computed == [], "the facts were read back, not computed"
        _same_analysis(kept, fresh)


def _must_not_run(what):
    def fail(*args, **kwargs):
        raise AssertionError(f"{what} on a new day, though the store kept the rows")

    return fail


@pytest.mark.parametrize("life_of", lives.LIVES, ids=lambda f: f.__name__)
def test_contact_logged_after_a_new_days_start_gives_the_fresh_result(life_of, monkeypatch):
    """After facts read back from the store are kept for a new day (their interactions not
    yet coded), logging contact updates them from those interactions, coded then (the user's
    own rows left out, as always): the same result as a fresh run over every row, without
    computing every person's facts again."""
    import pandas as pd

    import analysis.engine as engine
    import analysis.facts as facts
    from analysis.model import concat_interactions, interactions_frame
    from analysis.store import facts_snapshot

    life = life_of()
    settings = {"overrides": life.overrides, "timezone": life.timezone, "me": life.me}
    people, rows = life.people, life.interactions
    day = max(pd.Timestamp(life.as_of, tz="UTC"), rows["timestamp"].max().normalize())
    selves = facts._selves(facts.people_with(people, set()), life.me)
    if not selves:  # the user's own card, as a phone's "My card" export adds it
        people = facts.people_with(people, {"p-self"})
        people.loc[people["person_id"] == "p-self", "name"] = life.me[0]
        selves = {"p-self"}
    note = interactions_frame(pd.Series([day - pd.Timedelta(days=2)]), ["me"], "message")
    rows = concat_interactions([rows, note.assign(person_id=min(selves))])  # a note to self
    _fresh_caches()
    engine.analyze(people, rows, as_of=day, facts_key="k", **settings)
    blob = facts_snapshot.dumps(facts.kept_facts("k", _settings(day, life)))
    later = day + pd.Timedelta(days=3)
    _fresh_caches()
    assert facts.keep_facts(
        facts_snapshot.loads(blob, people), people, rows, _settings(later, life), "k"
    )
    engine.analyze(people, rows, as_of=later, facts_key="k", **settings)
    who = rows["person_id"].dropna().iloc[-1]
    call = interactions_frame(pd.Series([later + pd.Timedelta(hours=9)]), [None], "call")
    logged = concat_interactions([rows, call.assign(person_id=who)])
    real, computed = facts._compute_facts, []
    monkeypatch.setattr(
        facts, "_compute_facts", lambda *a, **k: (computed.append(1), real(*a, **k))[1]
    )
    kept = engine.analyze(people, logged, as_of=later, facts_key="k+call", **settings)
    monkeypatch.setattr(facts, "_compute_facts", real)
    assert computed == [], "the kept facts were brought up to date, not computed again"
    _fresh_caches()
    fresh = engine.analyze(people, logged, as_of=later, **settings)
    _same_analysis(kept, fresh)


def test_facts_are_not_read_back_for_a_day_whose_rows_differ():
    """A row after the day the facts were kept for (an earlier day asked for, or contact
    dated ahead) could change the analysed rows: those facts are not used."""
    import pandas as pd

    import analysis.engine as engine
    import analysis.facts as facts
    from analysis.store import facts_snapshot

    life = lives.LIVES[0]()
    people, rows = life.people, life.interactions
    day = max(pd.Timestamp(life.as_of, tz="UTC"), rows["timestamp"].max().normalize())
    _fresh_caches()
    engine.analyze(people, rows, as_of=day, facts_key="k", timezone=life.timezone, me=life.me)
    made = facts.kept_facts("k", _settings(day, life))
    back = facts_snapshot.loads(facts_snapshot.dumps(made), people)
    earlier = day - pd.Timedelta(days=30)
    assert not facts.keep_facts(back, people, rows, _settings(earlier, life), "k")
    ahead = pd.concat(
        [rows, rows.iloc[[-1]].assign(timestamp=day + pd.Timedelta(days=3))], ignore_index=True
    )
    _fresh_caches()
    engine.analyze(people, ahead, as_of=day, facts_key="k2", timezone=life.timezone, me=life.me)
    assert not facts.kept_facts("k2", _settings(day, life)).complete


@needs_sample
@pytest.mark.parametrize("as_of", ["2026-11-01", "2025-03-01", "2030-01-01"])
def test_day_figures_from_one_day_table_equal_each_figure_made_alone(resolved, as_of):
    """The date's figures share one table of contact days; each is what its function gives
    making that table itself (a date far ahead: every window empty)."""
    import pandas as pd

    from analysis.facts import _coded, _day_figures
    from analysis.metrics.balance import mode_balance, person_balance
    from analysis.metrics.cadence import as_of_timestamp, person_stats, prepare

    res, _, _ = resolved
    day = as_of_timestamp(as_of)
    prepared = prepare(_coded(res.interactions), day)
    shared = _day_figures(prepared, day, 90)
    pd.testing.assert_frame_equal(shared.stats, person_stats(prepared, day))
    pd.testing.assert_frame_equal(shared.person_balance, person_balance(prepared, day, 90))
    alone = mode_balance(prepared, day, 90)
    assert shared.modes.counts.window.tolist() == alone.counts.window.tolist()
    pd.testing.assert_frame_equal(shared.modes.monthly, alone.monthly)
    days = prepared.drop_duplicates(["pcode", "day"])  # one row per person and contact day
    inside = days.loc[days["day"] > (day.normalize() - pd.Timestamp(0, tz="UTC")).days - 90]
    expected = inside.groupby("person_id", observed=True).size()
    assert shared.in_window.to_dict() == {str(k): int(v) for k, v in expected.items()}
    assert shared.in_window.dtype == "int64"
