"""Names known only from chats, offered beside the contacts they may be: suggestions, never merges."""

from __future__ import annotations

from analysis.identity import resolve
from analysis.identity.people import adopted_person_id
from tests.identity.helpers import card, contacts, log

BOOK = contacts(
    card("a1", "Anna Berg"),
    card("b1", "Tom Keller"),
    card("c1", "Eva Lind"),
    card("d1", "Eva Schmidt"),
    card("e1", "John Smith"),
)


def row_for(res, who: str) -> dict:
    rows = res.unmatched[res.unmatched["who"] == who]
    assert len(rows) == 1, res.unmatched
    return rows.iloc[0].to_dict()


def test_a_first_name_alone_looks_like_the_only_contact_with_that_first_name():
    res = resolve(BOOK, log(("2024-01-01", "Anna"), ("2024-01-02", "Anna")))
    adopted = adopted_person_id("anna")
    u = row_for(res, "Anna")
    assert u["looks_like"] == ["pa1"] and u["looks_like_names"] == ["Anna Berg"]
    assert u["person_id"] == adopted and u["interactions"] == 2
    assert u["note"] == "known only from your messages and calls; looks like Anna Berg"
    # a suggestion only: the chat's Anna is still her own person until the user links her
    assert res.interactions["person_id"].tolist() == [adopted, adopted]
    assert adopted in set(res.people["person_id"])


def test_a_first_name_shared_by_two_contacts_suggests_neither():
    res = resolve(BOOK, log(("2024-01-01", "Eva")))
    assert res.unmatched.empty
    assert res.interactions["person_id"].tolist() == [adopted_person_id("eva")]


def test_a_surname_cut_to_its_initial_looks_like_the_full_surname():
    res = resolve(BOOK, log(("2024-01-01", "Tom K."), ("2024-01-02", "T. Keller")))
    assert row_for(res, "Tom K.")["looks_like_names"] == ["Tom Keller"]
    assert row_for(res, "T. Keller")["looks_like_names"] == ["Tom Keller"]
    assert res.interactions["matched_by"].tolist() == ["name", "name"]
    assert not set(res.interactions["person_id"]) & {"pb1"}


def test_an_initial_that_fits_several_contacts_offers_each_of_them():
    book = contacts(card("a1", "Tom Keller"), card("b1", "Tom Klein"), card("c1", "Tim Kuhn"))
    res = resolve(book, log(("2024-01-01", "Tom K.")))
    assert row_for(res, "Tom K.")["looks_like_names"] == ["Tom Keller", "Tom Klein"]


def test_a_similar_full_name_in_a_chat_looks_like_the_contact():
    res = resolve(BOOK, log(("2024-01-01", "Jon Smith"), ("2024-01-02", "Zoe Park")))
    assert row_for(res, "Jon Smith")["looks_like"] == ["pe1"]
    assert "Zoe Park" not in set(res.unmatched["who"])  # like nobody: a person of her own


def test_without_adoption_an_unmatched_name_still_carries_its_lookalike():
    res = resolve(BOOK, log(("2024-01-01", "Anna")), adopt_unmatched_names=False)
    u = row_for(res, "Anna")
    assert u["note"] == "no contact has this name; looks like Anna Berg"
    assert u["person_id"] is None and u["looks_like"] == ["pa1"]
    assert res.interactions["person_id"].isna().all()


def test_company_cards_are_not_offered_as_lookalikes():
    book = contacts(card("a1", "Anna Bakery", org="Anna Bakery"))
    res = resolve(book, log(("2024-01-01", "Anna")))
    assert res.unmatched.empty
