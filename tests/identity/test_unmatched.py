"""The "who is this?" list: one row per identity, however it was spelled."""

from __future__ import annotations

import pandas as pd

from analysis.identity import MergeDecisions, resolve
from tests.identity.helpers import card, contacts, log


def test_one_number_in_two_spellings_is_one_unknown_caller():
    res = resolve(
        contacts(card("a1", "Anna Berg", phones=["+49 30 1234567"])),
        log(
            ("2024-01-05T10:00:00Z", "+49 170 1234567"),
            ("2024-02-05T10:00:00Z", "0170 1234567"),
            ("2024-03-05T10:00:00Z", "+49 170 1234567"),
        ),
        region="DE",
    )
    (u,) = res.unmatched.to_dict("records")
    assert (u["who"], u["kind"], u["key"], u["interactions"]) == (
        "+49 170 1234567",
        "phone",
        "+491701234567",
        3,
    )
    assert u["first"] == pd.Timestamp("2024-01-05T10:00:00Z")
    assert u["last"] == pd.Timestamp("2024-03-05T10:00:00Z")
    assert u["note"] == "no contact has this phone number"
    assert u["person_id"] is None and u["looks_like"] == []


def test_linking_one_spelling_of_a_number_links_every_spelling():
    res = resolve(
        contacts(card("a1", "Anna Berg")),
        log(("2024-01-05", "+49 170 1234567"), ("2024-02-05", "0170 1234567")),
        region="DE",
        decisions=MergeDecisions(links=(("0170 1234567", "a1"),)),
    )
    assert res.interactions["person_id"].tolist() == ["pa1", "pa1"]
    assert res.unmatched.empty


def test_one_address_in_two_spellings_is_one_unknown_sender():
    res = resolve(
        contacts(card("a1", "Anna Berg")),
        log(("2024-01-05", "Shop <News@Shop.example>"), ("2024-01-06", "news@shop.example")),
    )
    assert res.unmatched[["kind", "key", "interactions"]].values.tolist() == [
        ["email", "news@shop.example", 2]
    ]
