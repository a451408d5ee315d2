"""analyze(): the whole engine on hand-built inputs, and its properties."""

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import constants as C
from analysis.engine import Analysis, Overrides, analyze, person_timeline
from analysis.metrics.graph import ME
from tests.engine_helpers import AS_OF_SCENARIO, log, people_frame, scenario

STATUS_RANK = {
    "new": 0,
    "occasional": 0,
    "ok": 0,
    "due": 1,
    "overdue": 2,
    "dormant": 2,
    "neglected": 3,
}


@pytest.fixture(scope="module")
def result() -> Analysis:
    people, inter = scenario()
    return analyze(people, inter, as_of=AS_OF_SCENARIO)


def test_people_table_has_the_documented_columns(result):
    need = {
        "person_id",
        "name",
        "roles",
        "circle",
        "intimate",
        "tie_strength",
        "interactions",
        "first_contact",
        "last_contact",
        "days_since",
        "contacts_per_year",
        "expected_interval_days",
        "overdue_ratio",
        "status",
        "offline_share",
        "initiated_share",
        "unanswered_run",
        "last_channel",
        "screen_only",
        "non_person",
        "community",
    }
    assert need <= set(result.people.columns)
    assert str(result.people["circle"].dtype) == "Int64"
    assert len(result.people) == 8  # every card, with or without contact


def test_scenario_metrics(result):
    p = result.people.set_index("person_id")
    assert p.loc["anna", "circle"] == 1 and p.loc["anna", "status"] == "ok"
    assert p.loc["anna", "roles"] == ["friend"]
    assert p.loc["ben", "circle"] == 4 and p.loc["ben", "status"] == "ok"  # yearly, 178 days
    assert p.loc["ben", "days_since"] == 178
    assert p.loc["cara", "status"] == "neglected" and p.loc["cara", "intimate"]
    assert p.loc["mum", "screen_only"] and p.loc["mum", "roles"] == ["family"]
    # family tolerance: 24 gaps (23 of 14 days, one of 1 day; weighted median 14), n = their
    # recency weights, shrunk toward the weekly norm her rate (about 26 a year) points to
    n = sum(2 ** (-(p.loc["mum", "days_since"] + 14 * i) / C.RECENCY_HALF_LIFE_DAYS)
            for i in range(24))  # fmt: skip
    assert p.loc["mum", "expected_interval_days"] == pytest.approx(
        1.5 * (n * 14 + 3 * 7) / (n + 3), rel=0.02
    )
    assert p.loc["dan", "status"] == "no_contact" and pd.isna(p.loc["dan", "circle"])
    assert p.loc["kim", "roles"] == ["club"] and p.loc["kim", "circle"] >= C.WORK_ONLY_MIN_LAYER
    assert p.loc["bot", "non_person"]
    assert p.loc["cara", "initiated_share"] == 1.0 and p.loc["cara", "unanswered_run"] == 60


def test_unmatched_rows_are_not_analysed_but_nothing_breaks(result):
    assert result.people["interactions"].sum() == 46 + 6 + 60 + 24 + 110 + 4 + 25 + 2


def test_graph_and_communities(result):
    g = result.graph
    assert ME in g and g.nodes[ME]["kind"] == "me"
    assert g.has_edge("anna", "mum") and g.edges["anna", "mum"]["kind"] == "event"
    assert "dan" not in g
    assert result.communities == [["anna", "mum"]]
    p = result.people.set_index("person_id")
    assert p.loc["anna", "community"] == 0 and pd.isna(p.loc["ben", "community"])


def test_balance_and_outside_are_filled(result):
    assert result.balance.window_days == 90
    assert 0 <= result.balance.offline_share <= 1
    assert list(result.balance.screen_only["person_id"]) == ["mum"]
    assert "club" in result.outside.roles_covered or "kim" in set(
        result.outside.weak_fading["person_id"]
    )


def test_overrides_circle_roles_closeness_and_interval():
    people, inter = scenario()
    ov = Overrides(
        circle={"ben": 1},
        roles={"kim": ("friend",)},
        closeness={"anna": 5},
        desired_interval_days={"olle": 2000},
    )
    p = analyze(people, inter, as_of=AS_OF_SCENARIO, overrides=ov).people.set_index("person_id")
    assert p.loc["ben", "circle"] == 1 and p.loc["ben", "intimate"]
    assert p.loc["kim", "roles"] == ["friend"]
    assert p.loc["anna", "tie_strength"] == 1.0
    assert p.loc["olle", "expected_interval_days"] == 2000 and p.loc["olle", "status"] == "ok"


def test_as_of_defaults_to_today_utc():
    people = people_frame([{"person_id": "a", "name": "A"}])
    a = analyze(people, log([("a", "2020-01-01", "call")]))
    assert a.as_of == pd.Timestamp.now(tz="UTC").normalize()


def test_empty_inputs_give_empty_but_complete_analysis():
    people = people_frame([{"person_id": "a", "name": "A"}])
    a = analyze(people, log([]), as_of="2025-01-01")
    assert a.people.loc[0, "status"] == "no_contact"
    assert a.suggestions.empty and a.communities == []
    assert list(a.graph.nodes) == [ME]


def test_missing_columns_are_reported():
    people = people_frame([{"person_id": "a", "name": "A"}])
    with pytest.raises(ValueError, match="interactions frame lacks column 'direction'"):
        analyze(people, log([("a", "2025-01-01", "call")]).drop(columns="direction"))
    with pytest.raises(ValueError, match="people frame lacks column"):
        analyze(people.drop(columns="categories"), log([]))


def test_the_user_is_left_out_when_named():
    people, inter = scenario()
    people = pd.concat(
        [
            people,
            people_frame(
                [{"person_id": "self", "name": "Mara Jensen", "emails": ["mara@example.org"]}]
            ),
        ],
        ignore_index=True,
    )
    inter = pd.concat(
        [inter, log([("self", "2025-11-01", "message", "outgoing")])], ignore_index=True
    )
    a = analyze(people, inter, as_of=AS_OF_SCENARIO, me=("MARA@example.org",))
    assert "self" not in set(a.people["person_id"])
    assert "self" in set(analyze(people, inter, as_of=AS_OF_SCENARIO).people["person_id"])


def test_person_id_only_in_interactions_is_kept():
    people = people_frame([{"person_id": "a", "name": "A"}])
    a = analyze(
        people, log([("a", "2025-01-01", "call"), ("z", "2025-01-01", "call")]), as_of="2025-01-05"
    )
    assert set(a.people["person_id"]) == {"a", "z"}


def test_person_timeline_counts_by_month_and_channel():
    inter = log(
        [
            ("a", "2025-01-03", "call"),
            ("a", "2025-01-20", "call"),
            ("a", "2025-02-01", "in_person"),
            ("b", "2025-02-01", "call"),
        ]
    )
    t = person_timeline(inter, "a")
    assert list(t["period"].dt.strftime("%Y-%m")) == ["2025-01", "2025-02"]
    assert list(t["count"]) == [2, 1] and list(t["channel"]) == ["call", "in_person"]
    assert person_timeline(inter, "nobody").empty


# --- properties ----------------------------------------------------------------------------

CHANNEL = st.sampled_from(["in_person", "call", "message", "email", "video"])
DIRECTION = st.sampled_from(["outgoing", "incoming", "mutual", "unknown"])
ROW = st.tuples(
    st.sampled_from(["a", "b", "c", "d"]),
    st.integers(0, 900),
    CHANNEL,
    DIRECTION,
    st.sampled_from(["", "", "e1", "e2"]),
)
LOGS = st.lists(ROW, min_size=1, max_size=40)
AS_OF = pd.Timestamp("2025-06-30")
PEOPLE = people_frame(
    [
        {"person_id": "a", "name": "A", "categories": ["Family"]},
        {"person_id": "b", "name": "B", "categories": ["Work"]},
        {"person_id": "c", "name": "C"},
        {"person_id": "d", "name": "D", "categories": ["Friends"]},
    ]
)


def _log(rows):
    return log(
        [
            (p, (AS_OF - pd.Timedelta(days=d, hours=h % 7)).strftime("%Y-%m-%dT%H:%M"), c, di, e)
            for h, (p, d, c, di, e) in enumerate(rows)
        ]
    )


COMPARE = [
    "person_id",
    "circle",
    "tie_strength",
    "days_since",
    "expected_interval_days",
    "overdue_ratio",
    "status",
    "offline_share",
    "initiated_share",
    "unanswered_run",
    "community",
    "roles",
]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LOGS, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(rows, rnd):
    inter = _log(rows)
    shuffled = inter.sample(frac=1.0, random_state=rnd.randint(0, 10**6)).reset_index(drop=True)
    a = analyze(PEOPLE, inter, as_of=AS_OF)
    b = analyze(PEOPLE.iloc[::-1].reset_index(drop=True), shuffled, as_of=AS_OF)
    pd.testing.assert_frame_equal(a.people[COMPARE], b.people[COMPARE])
    pd.testing.assert_frame_equal(a.suggestions, b.suggestions)
    assert a.communities == b.communities


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LOGS)
def test_same_input_same_output(rows):
    inter = _log(rows)
    a = analyze(PEOPLE, inter, as_of=AS_OF)
    b = analyze(PEOPLE, inter, as_of=AS_OF)
    pd.testing.assert_frame_equal(a.people, b.people)
    pd.testing.assert_frame_equal(a.suggestions, b.suggestions)
    pd.testing.assert_frame_equal(a.balance.monthly, b.balance.monthly)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LOGS, st.sampled_from(["a", "b", "c", "d"]), CHANNEL)
def test_logging_contact_today_never_makes_a_person_more_overdue(rows, who, channel):
    inter = _log(rows)
    before = analyze(PEOPLE, inter, as_of=AS_OF).people.set_index("person_id").loc[who]
    today = log([(who, AS_OF.strftime("%Y-%m-%dT%H:%M"), channel, "outgoing")])
    after = analyze(PEOPLE, pd.concat([inter, today], ignore_index=True), as_of=AS_OF)
    row = after.people.set_index("person_id").loc[who]
    assert row["status"] in {"ok", "new", "occasional"} and row["days_since"] == 0
    if before["status"] != "no_contact":
        assert STATUS_RANK[row["status"]] <= STATUS_RANK[before["status"]]
        assert row["overdue_ratio"] <= before["overdue_ratio"]
    assert who not in set(after.suggestions["person_id"]) or row["meet_lapsed"]


def test_done_date_uses_dates():
    people, inter = scenario()
    ov = Overrides(done={"cara": date(2020, 1, 1)})  # acted on long ago: back on the list
    assert "cara" in set(
        analyze(people, inter, as_of=AS_OF_SCENARIO, overrides=ov).suggestions["person_id"]
    )


def test_person_states_silence_nudges_and_archive_circles():
    people, inter = scenario()
    plain = analyze(people, inter, as_of=AS_OF_SCENARIO)
    assert {"cara", "olle"} <= set(plain.suggestions["person_id"])
    ov = Overrides(
        states={
            "cara": frozenset({"in_memory"}),
            "olle": ("dont_suggest",),
            "anna": frozenset({"archived"}),
        }
    )
    r = analyze(people, inter, as_of=AS_OF_SCENARIO, overrides=ov)
    p = r.people.set_index("person_id")
    assert p.loc["cara", "status"] == "in_memory" and pd.isna(p.loc["cara", "circle"])
    assert pd.isna(p.loc["anna", "circle"])
    assert r.reasons(["anna"]).loc["anna", "why_circle"].startswith("Archived")
    assert not {"cara", "olle", "anna"} & set(r.suggestions["person_id"])
    assert p.loc["olle", "states"] == ["dont_suggest"]


def test_the_users_own_card_is_left_out_and_names_the_household():
    people = people_frame(
        [
            {"person_id": "me", "name": "Ida Self", "related": [("Child", "Tom Self")]},
            {"person_id": "tom", "name": "Tom Self"},
            {"person_id": "flat", "name": "Flo Mate"},
        ]
    )
    rows = log(
        [("tom", "2025-06-01", "message", "incoming"), ("tom", "2025-06-20", "message", "outgoing")]
        + [("flat", "2025-05-01", "in_person", "mutual")]
    )
    ov = Overrides(states={"flat": frozenset({"lives_with_me"})})
    r = analyze(people, rows, as_of="2025-11-25", overrides=ov, me=("Ida Self",))
    p = r.people.set_index("person_id")
    assert "me" not in p.index
    assert p.loc["tom", "household"] and p.loc["flat", "household"]
    assert p.loc["tom", "roles"] == ["family"]
    assert r.suggestions.empty
