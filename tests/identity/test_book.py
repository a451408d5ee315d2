"""The contact book: what it keys once for the steps after it."""

from __future__ import annotations

from analysis.identity.book import ContactBook
from analysis.normalize import normalize_name
from tests.identity.helpers import card, contacts


def test_every_full_name_has_its_name_key_whatever_the_name_looks_like():
    records = [
        card("a1", "Anna Berg"),
        card("a2", "anna@example.org"),
        card("a3", "+49 170 1234567"),
        card("a4", "Dr. Zoë Müller-Lüdenscheidt"),
        card("a5", "Berg, Anna"),
        card("a6", ""),
        card("a7", "0170 1234567"),
    ]
    book = ContactBook.build(contacts(*records), "DE")
    assert book.full_name_keys == [normalize_name(f) for f in book.cols["full_name"]]
    assert book.full_name_keys[1] == normalize_name("anna@example.org") != ""
