"""The channel vocabulary: what people and apps call a kind of contact."""

import pytest

from analysis.channels import CHANNEL_ALIASES, normalize_channel
from analysis.model import CHANNELS


@pytest.mark.parametrize(
    ("word", "channel"),
    [
        ("Meeting", "in_person"),
        ("Coffee", "in_person"),
        ("Lunch", "in_person"),
        ("Visit", "in_person"),
        ("face to face", "in_person"),
        ("In-Person", "in_person"),
        ("in_person", "in_person"),
        ("Phone call", "call"),
        ("Missed call", "call"),
        ("Voice", "call"),
        ("FaceTime", "video"),
        ("Face-Time", "video"),
        ("Zoom", "video"),
        ("Video call", "video"),
        ("Google Meet", "video"),
        ("SMS", "message"),
        ("iMessage", "message"),
        ("WhatsApp", "message"),
        ("Text", "message"),
        ("Texts", "message"),
        ("DMs", "message"),
        ("E-mail", "email"),
        ("EMAIL", "email"),
        ("emails", "email"),
        ("LinkedIn", "social"),
        ("Instagram", "social"),
        ("letter", "other"),
        ("  calls  ", "call"),
        ("Meetings", "in_person"),
    ],
)
def test_common_words_map_to_their_channel(word, channel):
    assert normalize_channel(word) == channel


@pytest.mark.parametrize("word", ["Carrier pigeon", "", "   ", None, "xyz", "s"])
def test_unknown_or_empty_words_are_none(word):
    assert normalize_channel(word) is None


def test_every_alias_maps_to_a_model_channel_and_normalises_to_itself():
    assert set(CHANNEL_ALIASES.values()) <= set(CHANNELS)
    for alias, channel in CHANNEL_ALIASES.items():
        assert normalize_channel(alias) == channel, alias
        assert normalize_channel(alias.upper()) == channel, alias


def test_the_canonical_channel_names_are_recognised():
    for channel in CHANNELS:
        assert normalize_channel(channel) == channel
