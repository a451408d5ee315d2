"""Roles and Dunbar layers."""

import itertools

import numpy as np
import pandas as pd
import pytest

from analysis.metrics.cadence import as_of_timestamp, prepare
from analysis.metrics.circles import (
    assign_circles,
    ckmeans,
    derive_roles,
    frequency_layers,
    layer_of_rate,
    roles_from_labels,
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


def test_work_pattern_needs_enough_contacts():
    frame = _office_log(10).iloc[:9]
    assert work_pattern(prepare(frame, as_of_timestamp("2025-03-01")), None) == []


def _brute_force_sse(x, w, k):
    best = np.inf
    n = len(x)
    for cuts in itertools.combinations(range(1, n), k - 1):
        bounds = [0, *cuts, n]
        sse = 0.0
        for a, b in itertools.pairwise(bounds):
            xs, ws = x[a:b], w[a:b]
            m = np.average(xs, weights=ws)
            sse += float((ws * (xs - m) ** 2).sum())
        best = min(best, sse)
    return best


def _sse(x, w, labels):
    total = 0.0
    for c in np.unique(labels):
        xs, ws = x[labels == c], w[labels == c]
        total += float((ws * (xs - np.average(xs, weights=ws)) ** 2).sum())
    return total


@pytest.mark.parametrize("seed", range(6))
def test_ckmeans_is_optimal_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.choice(np.arange(40), 9, replace=False).astype(float))
    w = rng.integers(1, 5, 9).astype(float)
    for k in (1, 2, 3, 4):
        labels = ckmeans(x, w, k)
        assert np.all(np.diff(labels) >= 0)
        assert _sse(x, w, labels) == pytest.approx(_brute_force_sse(x, w, k))


def test_ckmeans_with_fewer_values_than_clusters():
    assert list(ckmeans(np.array([3.0, 5.0]), np.array([1.0, 1.0]), 4)) == [0, 1]
    assert list(ckmeans(np.array([]), np.array([]), 4)) == []


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


def test_small_network_is_not_forced_into_four_layers():
    rate = pd.Series({"a": 11.0, "b": 12.0, "c": 13.5})  # three monthly friends
    assert list(frequency_layers(rate)) == [2, 2, 2]


def test_nominal_rates_land_in_their_layers():
    rate = pd.Series(
        {"w1": 52.0, "w2": 50.0, "m1": 12.0, "m2": 13.0, "q1": 4.0, "q2": 4.5, "y1": 1.0, "y2": 0.8}
    )
    layers = frequency_layers(rate)
    assert layers.to_dict() == {
        "w1": 1,
        "w2": 1,
        "m1": 2,
        "m2": 2,
        "q1": 3,
        "q2": 3,
        "y1": 4,
        "y2": 4,
    }


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
