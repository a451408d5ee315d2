"""identity_keys (many values at once, with Arrow's kernels) gives identity_key of each value."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.identity.keys import identity_key
from analysis.identity.many_keys import identity_keys
from tests.test_normalize import _phone_forms

WRITTEN = [
    "Anna@Example.org", " anna@example.org ", "mailto:Anna@Example.org", "MAILTO:a@b.de",
    "Anna Berg <anna@example.org>", "anna@example", "a b@c.de", "@example.org", "a@@b.de",
    "0170 1234567", "(0170) 123-4567", "0170/1234567", "0170.123.4567", "+49 170 1234567",
    "+491701234567", "491701234567", "0049 170 1234567", "tel:0170 1234567", "112", "12",
    "110 ", " 0170 1234567 ", "0170 1234567 ext. 5", "1-800-FLOWERS", "015679178775",
    "Dr. Anna Berg", "Anna Berg", "anna  berg", " Anna Berg ", "Berg, Anna", "Anna Berg Jr",
    "Prof Anna", "Dr", "Don Pedro Álvarez", "Rosa Wagner 27", "R2D2", "O'Brien", "O’Brien",
    "Jean-Luc Picard", "Anna_Berg", "Anna (work)", "Anna!", "Anna\tBerg", "Anna\nBerg",
    "Søren", "王伟", "Юлия", "", " ", "-", "'", "a", "3 Kings", "Mr Smith", "dipl-ing Huber",
    "Zoë Berg 1", "\x1cAnna", "anna@example.org\n", "+1 (415) 555-0123", "(415) 555-0123",
]  # fmt: skip


def _expected(values, region):
    pairs = [identity_key(v, region) for v in values]
    return [k for k, _ in pairs], [k for _, k in pairs]


@pytest.mark.parametrize("region", ["DE", "US", "GB", "FR", "IT", "AR", "BR", "IN", "JP"])
def test_written_identities_get_the_keys_identity_key_gives(region):
    values = [*WRITTEN, None, float("nan"), 12345, b"bytes"]
    assert identity_keys(values, region) == _expected(values, region)


def test_phone_numbers_in_every_region_get_the_keys_identity_key_gives():
    """Every region phonenumbers knows, on its example numbers in every format and on random
    digit strings with and without prefixes (the forms the shortcut's own test reads)."""
    rnd = random.Random(11)
    checked = 0
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        values = _phone_forms(region, rnd)
        assert identity_keys(values, region) == _expected(values, region), region
        checked += len(values)
    assert checked > 20_000


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    values=st.lists(
        st.one_of(
            st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20),
            st.text(max_size=12),
            st.from_regex(r"\A[0 ()+./-]{0,3}[0-9 ()./-]{2,16}\Z"),
            st.from_regex(r"\A[A-Za-z.' ,-]{1,12}@[a-z]{1,5}\.[a-z]{2,3}\Z"),
        ),
        max_size=30,
    ),
    region=st.sampled_from(["DE", "US", "GB", "CH", "AT", "RU", "CN", "MX"]),
)
def test_any_text_gets_the_keys_identity_key_gives(values, region):
    assert identity_keys(values, region) == _expected(values, region)


def test_a_value_arrow_cannot_hold_is_keyed_one_by_one():
    values = ["Anna Berg", "bad \udcff surrogate", "0170 1234567"]
    assert identity_keys(values, "DE") == _expected(values, "DE")


def test_phone_keys_are_phone_key_of_each_value_in_every_region():
    from analysis.identity.keys import phone_key
    from analysis.identity.many_keys import phone_keys

    rnd = random.Random(5)
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        values = [*_phone_forms(region, rnd), *WRITTEN, None, 7]
        expected = [phone_key(v if isinstance(v, str) else "", region) for v in values]
        assert phone_keys(values, region) == expected, region


@settings(max_examples=100, deadline=None, derandomize=True)
@given(values=st.lists(st.one_of(st.sampled_from(WRITTEN), st.text(max_size=15)), max_size=30))
def test_name_keys_are_normalize_name_of_each_value(values):
    from analysis.identity.many_keys import name_keys
    from analysis.normalize import normalize_name

    assert name_keys(values) == [normalize_name(v) for v in values]


def test_without_phonenumbers_private_helpers_every_value_is_keyed_one_by_one(monkeypatch):
    """The Arrow path reads phonenumbers' private helpers too; a release without them must only
    cost speed, never another answer."""
    from analysis.identity import many_keys
    from analysis.identity.keys import phone_key

    values = [*WRITTEN, None]
    expected = _expected(values, "DE")
    phones = [phone_key(v if isinstance(v, str) else "", "DE") for v in values]
    monkeypatch.setattr(many_keys, "_SHORTCUT", False)
    assert identity_keys(values, "DE") == expected
    assert many_keys.phone_keys(values, "DE") == phones
