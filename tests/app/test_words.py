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
