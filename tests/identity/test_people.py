"""People made of one contact record are built column by column; the result is the row the
general path (_person_row) gives for the same record."""

from __future__ import annotations

import pytest

from analysis.identity.book import ContactBook
from analysis.identity.merging import merge
from analysis.identity.people import PEOPLE_COLUMNS, _person_row, contact_people
from tests.identity.helpers import card, contacts

RECORDS = [
    card("a1", "Anna Berg", emails=["anna@example.org"], phones=["+491701234567"]),
    card("a2", "", given_name="Tom", family_name="Keller", nickname="Tommy"),
    card("a3", "", nickname="Bea"),
    card("a4", "", emails=["info@firma.de"], org="Firma GmbH"),
    card("a5", "", phones=["+4930123456"]),
    card("a6", "Firma Zwei", org="Firma Zwei"),
    card("a7", "Søren Ødegård Jr.", categories=["Family", "Family", "friends"]),
    card("a8", "Lea", related=[["mother", "Anna Berg"], ["mother", "Anna Berg"]]),
    card("a9", "Ben", birthday="--05-17", anniversary="2010-06-01", title="Dr."),
    card("b1", "", org="Only Org"),
    card("b2", "noreply@example.org"),
    card("b3", "", emails=["info@firma.de", "noreply@firma.de"]),
    card("b4", "", emails=["info@firma.de", "kim@firma.de"], org="Firma GmbH"),
]


@pytest.mark.parametrize("records", [RECORDS, RECORDS[::-1]], ids=["in order", "reversed"])
def test_people_of_one_record_are_the_rows_the_general_path_gives(records):
    book = ContactBook.build(contacts(*records), "DE")
    groups = merge(book, [], []).groups
    assert all(len(g) == 1 and len(book.rows[g[0]]) == 1 for g in groups)
    people, _ = contact_people(book, groups)
    for g, members in enumerate(groups):
        expected = _person_row(book, "p" + book.ids[members[0]], members)
        got = {c: people.iloc[g][c] for c in PEOPLE_COLUMNS}
        assert got == expected, book.ids[members[0]]
