"""Diversity outside the intimate circle."""

import pandas as pd

from analysis.metrics.outside import outside


def table():
    return pd.DataFrame(
        {
            "person_id": ["in", "w1", "w2", "c1", "old", "gone", "bot", "card"],
            "name": ["In", "W1", "W2", "C1", "Old", "Gone", "Bot", "Card"],
            "circle": pd.array([1, 3, 3, 4, 4, 4, 4, None], dtype="Int64"),
            "intimate": [True, False, False, False, False, False, False, False],
            "roles": [["family"], ["work"], ["work", "club"], [], ["friend"], ["friend"], [], []],
            "days_since": [1, 5, 30, 80, 200, 900, 3, float("nan")],
            "contacts_in_window": [20, 6, 2, 1, 0, 0, 9, 0],
            "tie_strength": [0.9, 0.5, 0.4, 0.3, 0.3, 0.1, 0.2, float("nan")],
            "status": ["ok", "ok", "ok", "ok", "overdue", "overdue", "ok", "no_contact"],
            "expected_interval_days": [7, 14, 30, 90, 60, 100, 7, float("nan")],
            "overdue_ratio": [0.1, 0.3, 1.0, 0.9, 3.3, 9.0, 0.4, float("nan")],
            "contact_days": [100, 40, 10, 3, 5, 4, 30, 0],
            "non_person": [False, False, False, False, False, False, True, False],
        }
    )


def test_roles_covered_and_missing_count_active_outside_people():
    o = outside(table(), 90)
    assert o.roles_covered == {"work": 2, "club": 1, "unlabelled": 1}
    assert "family" in o.roles_missing and "neighbour" in o.roles_missing
    assert "work" not in o.roles_missing


def test_weak_active_excludes_intimate_non_persons_and_silent():
    o = outside(table(), 90)
    assert list(o.weak_active["person_id"]) == ["w1", "w2", "c1"]


def test_fading_are_overdue_but_not_dormant():
    o = outside(table(), 90)
    assert list(o.weak_fading["person_id"]) == ["old"]  # "gone" is silent 900 days: dormant
