"""Tie strength components and the weighted mix."""

import math

import pandas as pd
import pytest

from analysis import constants as C
from analysis.metrics.cadence import as_of_timestamp, prepare
from analysis.metrics.ties import channel_profile, components, tie_strength
from tests.engine_helpers import log


def test_weights_sum_to_one_and_cover_seven_components():
    assert set(C.TIE_WEIGHTS) == {
        "time",
        "one_to_one",
        "recency",
        "richness",
        "length",
        "reciprocity",
        "variety",
    }
    assert sum(C.TIE_WEIGHTS.values()) == pytest.approx(1.0)


def test_time_together_and_one_to_one_share_outweigh_group_frequency():
    assert C.TIE_WEIGHTS["time"] + C.TIE_WEIGHTS["one_to_one"] > 0.4
    # a daily co-worker met in groups against a weekly one-to-one friend
    coworker = _parts(
        contacts_per_year=60.0, one_to_one_share=0.05, work_only=True, richness=0.8, channels=2
    )
    friend = _parts(contacts_per_year=52.0, one_to_one_share=1.0, richness=0.9, channels=3)
    parts = pd.DataFrame([coworker, friend], index=["coworker", "friend"])
    ts = tie_strength(parts)
    assert ts["friend"] > ts["coworker"] + 0.15


def test_channel_richness_order_follows_the_sources():
    r = C.CHANNEL_RICHNESS
    assert r["in_person"] > r["video"] > r["call"] > r["message"] > r["email"] > r["social"]


def test_richness_scores_each_day_by_its_richest_channel():
    rows = [
        ("a", "2025-01-01T10:00", "message"),
        ("a", "2025-01-01T20:00", "in_person"),
        ("a", "2025-01-02", "email"),
        ("a", "2025-01-03", "other"),
    ]
    prof = channel_profile(prepare(log(rows), as_of_timestamp("2025-02-01"))).loc["a"]
    assert prof["richness"] == pytest.approx((1.0 + 0.3 + 0.2) / 3)
    assert prof["channels"] == 3  # message, in_person, email; "other" not counted


def _parts(one_to_one_share=None, work_only=None, **kw):
    base = dict(
        contacts_per_year=52.0,
        overdue_ratio=0.5,
        richness=1.0,
        years_known=10.0,
        initiated_share=0.5,
        channels=4,
    )
    base.update(kw)
    return components(
        *(
            pd.Series({"a": base[k]})
            for k in (
                "contacts_per_year",
                "overdue_ratio",
                "richness",
                "years_known",
                "initiated_share",
                "channels",
            )
        ),
        one_to_one_share=None if one_to_one_share is None else pd.Series({"a": one_to_one_share}),
        work_only=None if work_only is None else pd.Series({"a": work_only}),
    ).loc["a"]


def test_components_hand_computed():
    p = _parts()
    assert p["time"] == pytest.approx(math.log1p(52) / math.log1p(104))
    assert p["one_to_one"] == 1.0  # no events known
    assert p["recency"] == 1.0
    assert p["richness"] == 1.0 and p["length"] == 1.0 and p["reciprocity"] == 1.0
    assert p["variety"] == 1.0
    p = _parts(
        contacts_per_year=300, overdue_ratio=3.0, years_known=1.0, initiated_share=0.9, channels=2
    )
    assert p["time"] == 1.0
    assert p["recency"] == pytest.approx(math.exp(-2))
    assert p["length"] == pytest.approx(math.log1p(1) / math.log1p(10))
    assert p["reciprocity"] == pytest.approx(0.2)
    assert p["variety"] == pytest.approx(1 / 3)
    p = _parts(one_to_one_share=0.25, work_only=True)
    assert p["one_to_one"] == 0.25
    assert p["time"] == pytest.approx(C.WORK_TIME_DISCOUNT * math.log1p(52) / math.log1p(104))


def test_unknown_direction_is_neutral_reciprocity():
    assert _parts(initiated_share=float("nan"))["reciprocity"] == 0.5


def test_tie_strength_is_weighted_sum_in_unit_interval():
    parts = pd.DataFrame(
        [
            _parts(),
            _parts(
                contacts_per_year=1,
                overdue_ratio=9,
                richness=0.2,
                years_known=0,
                initiated_share=1.0,
                channels=1,
            ),
        ],
        index=["close", "far"],
    )
    ts = tie_strength(parts)
    assert ts["close"] == pytest.approx(
        C.TIE_WEIGHTS["time"] * math.log1p(52) / math.log1p(104) + 1 - C.TIE_WEIGHTS["time"]
    )
    assert 0 <= ts["far"] < ts["close"] <= 1


def test_users_closeness_rating_raises_but_never_lowers():
    strong = pd.DataFrame([_parts()], index=["a"])
    computed = tie_strength(strong)["a"]
    assert computed > 0.9
    assert tie_strength(strong, {"a": 1})["a"] == computed  # a low rating never lowers it
    weak = pd.DataFrame(
        [_parts(contacts_per_year=1, overdue_ratio=5, richness=0.3, channels=1)], index=["a"]
    )
    assert tie_strength(weak)["a"] < 0.75
    assert tie_strength(weak, {"a": 4})["a"] == 0.75
    assert tie_strength(strong, {"zz": 4})["a"] == computed  # unknown ids are ignored
