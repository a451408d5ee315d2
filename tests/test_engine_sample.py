"""End to end on the bundled sample persona (data/samples): import, resolve, analyze, and check the
engine against the generator's ground truth (persona.json)."""

import json
from datetime import date
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
FILES = (
    "phone_contacts.vcf",
    "google_contacts.csv",
    "interactions.csv",
    "whatsapp_family.txt",
    "calendar.ics",
)

pytestmark = pytest.mark.skipif(
    not all((SAMPLES / f).exists() for f in (*FILES, "persona.json")),
    reason="sample persona not generated",
)


@pytest.fixture(scope="module")
def resolved():
    from analysis.identity import resolve
    from analysis.importers.base import ImportOptions, SourceFile
    from analysis.pipeline import load

    persona = json.loads((SAMPLES / "persona.json").read_text(encoding="utf-8"))
    me = persona["me"]
    options = ImportOptions(
        region=me["region"], timezone=me["timezone"], me=(me["name"], me["email"], me["phone"])
    )
    data = load([SourceFile.from_path(str(SAMPLES / f)) for f in FILES], options)
    res = resolve(data.contacts, data.interactions, region=me["region"])
    settings = {
        "as_of": persona["as_of"],
        "timezone": me["timezone"],
        "me": (me["name"], me["email"], me["phone"], *me.get("other_emails", [])),
    }
    return res, settings, persona


@pytest.fixture(scope="module")
def sample(resolved):
    from analysis.engine import analyze

    res, settings, persona = resolved
    result = analyze(res.people, res.interactions, **settings)
    pattern = {p["name"]: p["pattern"] for p in persona["people"]}
    table = result.people.assign(pattern=result.people["name"].map(pattern))
    return result, table, persona


def names(table, *patterns):
    return set(table.loc[table["pattern"].isin(patterns), "name"])


def test_every_persona_person_is_found(sample):
    _, table, persona = sample
    found = set(table["name"])
    with_contact = {p["name"] for p in persona["people"] if p["pattern"] != "none"}
    assert with_contact <= found


def test_drifting_people_are_in_the_top_suggestions(sample):
    result, table, _ = sample
    drifting = names(table, "drifting")
    assert len(drifting) >= 3
    assert drifting <= set(result.suggestions["name"])


def test_people_in_regular_contact_are_not_suggested(sample):
    result, table, _ = sample
    regular = names(table, "weekly", "biweekly", "monthly", "quarterly", "yearly", "new")
    assert not regular & set(result.suggestions["name"])


def test_yearly_friends_are_not_overdue(sample):
    _, table, _ = sample
    yearly = table.loc[table["pattern"] == "yearly"]
    assert len(yearly) >= 3
    assert set(yearly["status"]) <= {"ok", "due"}


def test_screen_only_friends_are_flagged_and_asked_to_meet(sample):
    result, table, _ = sample
    screen = table.loc[table["pattern"] == "screen_only"]
    assert screen["screen_only"].all()
    kinds = result.suggestions.set_index("name")["kind"]
    assert all(kinds.get(n) == "meet" for n in screen["name"])


def test_drifting_are_overdue_dormant_are_not_judged_regular_are_current(sample):
    # was: dormant people (1-3 contact days years ago) had to be "overdue"; with 1 to 3 contacts
    # there is no rhythm to be late against: they are occasional (or dormant), never neglected
    _, table, _ = sample
    for status in table.loc[table["pattern"] == "drifting", "status"]:
        assert status in {"overdue", "neglected"}
    for status in table.loc[table["pattern"] == "dormant", "status"]:
        assert status in {"dormant", "occasional"}
    regular = table.loc[table["pattern"].isin(["weekly", "biweekly", "monthly"])]
    assert set(regular["status"]) <= {"ok", "due"}


def test_cards_without_contact_have_no_circle(sample):
    _, table, _ = sample
    none = table.loc[table["pattern"] == "none"]
    assert len(none) > 50
    assert none["circle"].isna().all() and (none["status"] == "no_contact").all()


def test_the_user_is_not_a_contact_and_her_partner_is_innermost(sample):
    _, table, persona = sample
    assert persona["me"]["name"] not in set(table["name"])
    partner = [p["name"] for p in persona["people"] if p["group"] == "partner"]
    rows = table.set_index("name").loc[partner]
    assert (rows["circle"] == 1).all()
    assert all("partner" in r for r in rows["roles"])


def test_close_people_are_intimate_and_groups_colleagues_neighbours_are_not(sample):
    result, table, persona = sample
    group = {p["name"]: p["group"] for p in persona["people"]}
    table = table.assign(group=table["name"].map(group))
    inner = set(table.loc[table["intimate"], "name"])
    assert (
        names(table, "weekly", "biweekly", "drifting", "screen_only")
        & {n for n, g in group.items() if g in {"partner", "family", "close_friend"}}
        <= inner
    )
    outside = table.loc[table["group"].isin(["colleague", "neighbour", "club"]), "name"]
    assert not set(outside) & inner


def test_sample_circles_stay_near_dunbar_layers(sample):
    from analysis import constants as C

    result, _, _ = sample
    counts = result.people["circle"].value_counts()
    for k, (_lo, hi) in C.LAYER_BOUNDS.items():
        assert int(counts[counts.index <= k].sum()) <= hi


def test_the_drifting_close_friend_leads_and_lapses_come_before_meetings(sample):
    result, table, persona = sample
    close = {p["name"] for p in persona["people"] if p["group"] == "close_friend"}
    lead = result.suggestions.iloc[0]
    assert lead["name"] in names(table, "drifting") & close
    kinds = list(result.suggestions["kind"])
    assert kinds.index("meet") > max(i for i, k in enumerate(kinds) if k == "check_in")


def test_every_person_in_touch_explains_status_circle_and_strength(sample):
    _, table, _ = sample
    with_contact = table.loc[table["circle"].notna()]
    for col in ("why_status", "why_circle", "why_strength"):
        assert with_contact[col].str.len().gt(20).all(), col


def _same_analysis(a, b):
    import pandas as pd

    from analysis.store import snapshot

    pd.testing.assert_frame_equal(a.people, b.people)
    pd.testing.assert_frame_equal(a.suggestions, b.suggestions)
    assert snapshot.dumps(a) == snapshot.dumps(b)  # every frame of the result, balance included


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
