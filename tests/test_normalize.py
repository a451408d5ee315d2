"""Normal forms that identity resolution matches on."""

from __future__ import annotations

import pytest

from analysis.normalize import (
    is_non_person_email,
    looks_like_phone,
    normalize_email,
    normalize_name,
    normalize_phone,
)


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(415) 555-0123", "US", "+14155550123"),
        ("+1 415 555 0123", "DE", "+14155550123"),
        ("0151 23456789", "DE", "+4915123456789"),
        ("+49 (0)151 2345-6789", "US", "+4915123456789"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("tel:+44 20 7946 0958", "US", "+442079460958"),
        ("12", "US", ""),
        ("", "US", ""),
    ],
)
def test_phone_numbers_become_e164_in_the_users_region(raw, region, expected):
    assert normalize_phone(raw, region) == expected


def test_short_codes_keep_their_digits():
    assert normalize_phone("22333", "DE") == "22333"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ana.Lima@Example.ORG", "ana.lima@example.org"),
        ("Ana Lima <ana@example.org>", "ana@example.org"),
        ("mailto:ben@example.com", "ben@example.com"),
        ("not an address", ""),
        ("", ""),
    ],
)
def test_email_addresses_are_lower_cased_and_unwrapped(raw, expected):
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Lima, Ana", "ana lima"),
        ("  José   Álvarez ", "jose alvarez"),
        ("ZOË O'Brien", "zoe o'brien"),
        ("Jürgen Müller-Lüdenscheidt", "jurgen muller-ludenscheidt"),
        ("Dr. Ana Lima", "dr ana lima"),
        ("", ""),
    ],
)
def test_names_match_across_case_accents_and_last_first_order(raw, expected):
    assert normalize_name(raw) == expected


def test_role_addresses_are_not_people():
    assert is_non_person_email("no-reply@shop.example")
    assert is_non_person_email("noreply-123@shop.example")
    assert is_non_person_email("info@club.example")
    assert not is_non_person_email("ana.lima@example.org")


def test_phone_like_values_are_told_from_names():
    assert looks_like_phone("+49 151 2345 6789")
    assert looks_like_phone("(415) 555-0123")
    assert not looks_like_phone("Ana Lima")
    assert not looks_like_phone("R2D2")
