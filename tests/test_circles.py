"""Roles and Dunbar layers."""

import numpy as np
import pandas as pd
import pytest

from analysis import constants as C
from analysis.metrics.cadence import as_of_timestamp, prepare
from analysis.metrics.circles import (
    assign_circles,
    best_layer,
    derive_roles,
    layer_of_rate,
    ring_norms,
    roles_from_labels,
    work_domains,
    work_pattern,
)
from tests.engine_helpers import log, people_frame


@pytest.mark.parametrize(
    ("labels", "roles"),
    [
        (["Familie"], {"family"}),
        (["Famille"], {"family"}),
        (["Arbeit"], {"work"}),
        (["Coworkers"], {"work"}),
        (["Nachbarn"], {"neighbour"}),
        (["Kletterverein"], {"club"}),  # compound words
        (["Arbeitskollegen"], {"work"}),
        (["Geschäftspartner"], set()),  # a business partner is no spouse
        (["Climbing club"], {"club"}),
        (["Kirche"], {"community"}),
        (["Volunteer"], {"community"}),
        (["Ehefrau"], {"partner"}),
        (["Friends", "Work"], {"friend", "work"}),
        (["* myContacts", "starred"], set()),
        (["Sonja"], set()),  # "son" must be a whole word
        (["Familié"], {"family"}),  # accents do not matter
    ],
)
def test_roles_from_multilingual_labels(labels, roles):
    assert roles_from_labels(labels) == roles


def test_related_kin_link_to_a_family_member_makes_family():
    people = people_frame(
        [
            {
                "person_id": "m",
                "name": "Birgit Jensen",
                "categories": ["Family"],
                "related": [("sister", "Ida Lund")],
            },
            {"person_id": "i", "name": "Ida Lund"},
            {"person_id": "x", "name": "Xaver Roth", "related": [("brother", "Nobody Known")]},
        ]
    )
    roles = derive_roles(people)
    assert roles["i"] == ("family",)
    assert roles["x"] == ()


def test_relations_naming_the_user_give_roles():
    people = people_frame(
        [
            {
                "person_id": "j",
                "name": "Jonas Albrecht",
                "categories": ["Family"],
                "related": [("Partner", "Mara Jensen")],
            },
            {"person_id": "l", "name": "Lasse Jensen", "related": [("brother", "Mara Jensen")]},
            {
                "person_id": "h",
                "name": "Henrik Jensen",
                "categories": ["Family"],
                "related": [("spouse", "Birgit Jensen")],
            },
            {"person_id": "b", "name": "Birgit Jensen"},
        ]
    )
    roles = derive_roles(people, me=("Mara Jensen", "mara@example.org"))
    assert roles["j"] == ("partner",)
    assert roles["l"] == ("family",)
    assert roles["b"] == ("family",)  # her husband is family: she is too, not the user's partner
    assert derive_roles(people)["j"] == ("family",)  # without knowing the user


def test_shared_org_of_three_people_gives_work_only_when_nothing_else_known():
    people = people_frame(
        [
            {"person_id": "a", "name": "A", "orgs": ["Hafenlicht"]},
            {"person_id": "b", "name": "B", "orgs": ["hafenlicht"]},
            {"person_id": "c", "name": "C", "orgs": ["Hafenlicht"], "categories": ["Friends"]},
            {"person_id": "d", "name": "D", "orgs": ["Solo GmbH"]},
        ]
    )
    roles = derive_roles(people)
    assert roles["a"] == ("work",) and roles["b"] == ("work",)
    assert roles["c"] == ("friend",)
    assert roles["d"] == ()


def test_overrides_replace_derived_roles():
    people = people_frame([{"person_id": "a", "name": "A", "categories": ["Work"]}])
    assert derive_roles(people, overrides={"a": ("friend", "work")})["a"] == ("friend", "work")


def _office_log(tz_hour_utc):
    # 12 contacts on weekdays (Mon..Fri cycling) at the given UTC hour
    days = pd.bdate_range("2025-01-06", periods=12)
    return log([("w", f"{d.date()}T{tz_hour_utc:02d}:30", "email", "incoming") for d in days])


def test_work_pattern_is_weekday_office_hours_in_local_time():
    as_of = as_of_timestamp("2025-03-01")
    # 07:30 UTC is 08:30 in Berlin (winter): outside office hours; in UTC too
    assert work_pattern(prepare(_office_log(7), as_of), "Europe/Berlin") == []
    # 08:30 UTC is 09:30 in Berlin: office hours there, not in UTC
    assert work_pattern(prepare(_office_log(8), as_of), "Europe/Berlin") == ["w"]
    assert work_pattern(prepare(_office_log(8), as_of), None) == []


def test_the_hour_alone_never_makes_a_colleague():
    # a retiree's weekday-morning calls with an old friend: office hours, but calls
    as_of = as_of_timestamp("2025-03-01")
    days = pd.bdate_range("2025-01-06", periods=12)
    calls = log([("f", f"{d.date()}T09:30", "call", "outgoing") for d in days])
    assert work_pattern(prepare(calls, as_of), None) == []
    # the same hours in team meetings of four (an event shared by three people) are work
    meetings = log(
        [(p, f"{d.date()}T09:30", "video", "incoming", f"m{i}") for i, d in enumerate(days)
         for p in ("f", "g", "h")]
    )  # fmt: skip
    assert work_pattern(prepare(meetings, as_of), None) == ["f", "g", "h"]


def test_work_domain_is_the_users_own_non_webmail_domain_not_shared_with_family():
    people = people_frame(
        [
            {"person_id": "col", "name": "Col", "emails": ["col@acme.example.com"]},
            {"person_id": "sis", "name": "Sis", "emails": ["sis@jensen.example"],
             "categories": ["Family"]},
            {"person_id": "pal", "name": "Pal", "emails": ["pal@gmail.com"]},
        ]
    )  # fmt: skip
    me = ("me@acme.example.com", "me@jensen.example", "me.too@gmail.com")
    roles = derive_roles(people, me=me)
    assert work_domains(people, roles.to_dict(), me) == {"acme.example.com"}
    assert roles["col"] == ("work",) and roles["pal"] == () and roles["sis"] == ("family",)


def test_the_users_own_card_gives_roles_and_work():
    people = people_frame(
        [
            {"person_id": "tom", "name": "Tom Kid"},
            {"person_id": "boss", "name": "Boss", "orgs": ["Acme"]},
        ]
    )
    card = {"related": [("child", "Tom Kid")], "orgs": ["ACME"]}
    roles = derive_roles(people, me_card=card)
    assert roles["tom"] == ("family",) and roles["boss"] == ("work",)


def test_work_pattern_needs_enough_contacts():
    frame = _office_log(10).iloc[:9]
    assert work_pattern(prepare(frame, as_of_timestamp("2025-03-01")), None) == []


def test_layer_of_rate_nearest_nominal_on_log_scale():
    assert list(layer_of_rate(np.array([60, 52, 20, 12, 5, 3, 1.5, 0.2]))) == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
    ]


def test_few_people_fill_the_inner_circles_from_the_top_but_rates_set_a_floor():
    rate = pd.Series(
        {"w1": 52.0, "w2": 50.0, "m1": 12.0, "m2": 13.0, "q1": 4.0, "q2": 4.5, "y1": 1.0, "y2": 0.8}
    )
    roles = pd.Series({k: () for k in rate.index})
    layers = assign_circles(rate, roles)
    # the support clique needs three people: the monthly friends join the weekly ones, but a
    # quarterly or yearly contact never reaches an intimate circle however small the network
    assert layers.to_dict() == {
        "w1": 1, "w2": 1, "m1": 1, "m2": 1, "q1": 2, "q2": 2, "y1": 3, "y2": 4,
    }  # fmt: skip


def test_best_layer_caps_group_only_work_only_and_short_histories():
    rate = pd.Series({"choir": 40.0, "boss": 200.0, "newbie": 52.0, "pal": 52.0})
    roles = pd.Series({"choir": ("club",), "boss": ("work",), "newbie": (), "pal": ()})
    best = best_layer(
        rate,
        roles,
        evidence=pd.Series({"choir": True, "boss": True, "newbie": False, "pal": True}),
        group_only=pd.Series({"choir": True, "boss": False, "newbie": False, "pal": False}),
    )
    assert best.to_dict() == {"choir": 3, "boss": 3, "newbie": 3, "pal": 1}


@pytest.mark.parametrize("n", [35, 120, 400])
def test_layer_counts_stay_within_dunbar_bounds(n):
    rng = np.random.default_rng(n)
    rate = pd.Series(rng.lognormal(2.5, 1.2, n), index=[f"p{i:03d}" for i in range(n)])
    roles = pd.Series({k: () for k in rate.index})
    layers = assign_circles(rate, roles, score=np.log1p(rate) / np.log1p(rate.max()))
    counts = layers.value_counts()
    for k, (lo, hi) in C.LAYER_BOUNDS.items():
        cum = int(counts[counts.index <= k].sum())
        assert cum <= hi
        eligible = int((best_layer(rate, roles) <= k).sum())
        assert cum >= min(lo, eligible)


def test_the_cut_falls_at_the_largest_drop_in_closeness():
    score = pd.Series({"a": 0.9, "b": 0.89, "c": 0.88, "d": 0.87, "e": 0.6, "f": 0.59, "g": 0.58})
    rate = pd.Series(52.0, index=score.index)
    roles = pd.Series({k: () for k in score.index})
    layers = assign_circles(rate, roles, score=score)
    assert set(layers[layers == 1].index) == {"a", "b", "c", "d"}


def test_ring_norms_are_dunbar_ring_sizes():
    assert ring_norms() == {1: 5, 2: 10, 3: 35, 4: 100}
    assert sum(ring_norms().values()) == C.LAYER_SIZES[4]


def test_household_is_at_least_intimate_and_archived_people_have_no_circle():
    rate = pd.Series({"kid": 2.0, "pal": 52.0, "gone": 52.0})
    roles = pd.Series({"kid": ("family",), "pal": (), "gone": ()})
    layers = assign_circles(rate, roles, floor=pd.Series({"kid": True}), exclude={"gone"})
    assert layers["kid"] <= C.HOUSEHOLD_LAYER and layers["pal"] == 1
    assert pd.isna(layers["gone"])


def test_roles_correct_frequency_and_overrides_win():
    rate = pd.Series({"boss": 52.0, "pal": 52.0, "love": 4.0, "far": 1.0})
    roles = pd.Series(
        {"boss": ("work",), "pal": ("friend", "work"), "love": ("partner",), "far": (), "card": ()}
    )
    circles = assign_circles(rate, roles, overrides={"far": 2})
    assert circles["boss"] == 3  # co-worker only: no higher than layer 3
    assert circles["pal"] == 1  # a friend who is also a colleague keeps the frequency layer
    assert circles["love"] == 1  # a partner is innermost
    assert circles["far"] == 2  # the user's placement wins
    assert pd.isna(circles["card"])  # no contact, no circle


def test_roles_where_tests_each_persons_roles_and_reads_missing_ones_as_none():
    from analysis.metrics.circles import is_work_only, roles_where

    roles = pd.Series(
        [("work",), (), ("family", "work"), ("club", "neighbour"), ("work",), None, float("nan")],
        dtype=object,
    )
    assert roles_where(roles, is_work_only).tolist() == [
        True,
        False,
        False,
        True,
        True,
        False,
        False,
    ]
    assert roles_where(roles, lambda r: not r).tolist() == [
        False,
        True,
        False,
        False,
        False,
        True,
        True,
    ]
    unhashable = pd.Series([["work"], ("work",), []], dtype=object)
    assert roles_where(unhashable, is_work_only).tolist() == [False, True, False]
