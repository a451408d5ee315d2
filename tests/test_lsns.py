"""The LSNS-6 self-check: answers scored as published, the cut-off under 12, and the two
questions the records can answer pre-filled from people in touch at least monthly."""

from __future__ import annotations

import pandas as pd

from analysis.lsns import ISOLATION_CUTOFF, answer_for, prefill, score_words, total


def test_counts_map_to_the_published_answer_scale():
    assert [answer_for(n) for n in (0, 1, 2, 3, 4, 5, 8, 9, 40)] == [0, 1, 2, 3, 3, 4, 4, 5, 5]


def test_the_cut_off_is_under_twelve():
    assert ISOLATION_CUTOFF == 12
    assert total([2, 2, 2, 2, 2, 1]) == 11
    assert "risk of isolation" in score_words(11)
    assert "risk" not in score_words(12)


def test_relatives_and_friends_in_touch_monthly_are_prefilled():
    people = pd.DataFrame(
        {
            "person_id": list("abcdef"),
            "roles": [["family"], ["partner"], ["family"], ["friend"], ["friend"], ["work"]],
            "days_since": [3.0, 1.0, 200.0, 10.0, 20.0, 1.0],
            "expected_interval_days": [7.0, 1.0, 30.0, 14.0, 90.0, 1.0],
            "non_person": [False] * 6,
        }
    )
    # relatives: a (weekly) and b (daily); c is silent. friends: d only (e is quarterly)
    assert prefill(people) == [2, None, None, 1, None, None]
