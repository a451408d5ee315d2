"""Plain words for the engine's figures."""

from __future__ import annotations

import math

import pandas as pd

from dashboard import words


def test_days_read_as_people_say_them():
    assert words.days(0.2) == "today"
    assert words.days(1) == "1 day"
    assert words.days(12.4) == "12 days"
    assert words.days(90) == "about 3 months"
    assert words.days(3 * 365.25) == "about 3 years"
    assert words.days(float("nan")) == "—"
    assert words.days(None) == "—"


def test_circles_statuses_and_channels_have_plain_names():
    assert words.circle_label(1) == "Closest"
    assert words.circle_label(pd.NA) == words.NO_CIRCLE
    assert words.status_label("neglected") == "Slipping away"
    assert words.channel_label("in_person") == "in person"
    assert words.channel_label(None) == ""
    assert words.share(0.333) == "33%"
    assert words.share(math.nan) == "—"
    assert words.roles_text(["family", "club"]) == "family, groups and clubs"


def test_intervals_and_ages_read_naturally():
    assert words.every(12) == "every 12 days"
    assert words.every(95) == "about every 3 months"
    assert words.ago(0.3) == "today"
    assert words.ago(40) == "40 days ago"
    assert words.ago(400) == "about 13 months ago"


def test_names_match_whatever_the_case_and_accents():
    assert words.fold("  Zoë   HARTMANN ") == "zoe hartmann"
    assert words.fold(None) == ""
    assert words.found_text(0, 30) == "No one matches."
    assert words.found_text(40, 30) == "40 people match; the first 30 are named in the picture."


def test_in_person_by_circle_reads_as_plain_shares():
    assert words.shares_text(3, 7) == "3 of 10 days in person (30%)"
    assert words.shares_text(0, 0) == "no contact"
    assert words.shares_text(pd.NA, 4) == "0 of 4 days in person (0%)"


def test_not_in_touch_is_said_only_of_parts_of_life_really_out_of_touch():
    people = pd.DataFrame(
        {
            "roles": [["family"], ["work"], ["club"], None],
            "days_since": [3.0, 400.0, 20.0, 5.0],
        }
    )
    # family is "missing" outside the inner circle, but the user spoke to family 3 days ago
    text = words.roles_not_in_touch(["family", "work"], people, 90)
    assert "family" not in text and "work" in text and "90 days" in text
    assert words.roles_not_in_touch(["family", "club"], people, 90) == ""
    assert words.roles_not_in_touch([], people, 90) == ""


def test_a_group_is_summed_up_by_size_shared_roles_and_a_few_names():
    line = words.group_summary(
        ["Ana", "Bo", "Cy", "Di"], [["work"], ["work", "club"], ["work"], None], 4
    )
    assert line == "4 people, mostly work: Ana, Bo, Cy and 1 more"
    assert words.group_summary(["Ana"], [None], 1) == "1 person: Ana"
