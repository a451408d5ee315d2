"""Identity resolution: contacts merged into people, interactions attached to them."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.identity import MergeDecisions, lookalikes, resolve
from analysis.identity.lookalikes import FUZZY_NAME_CUTOFF
from analysis.identity.merging import MAX_CONTACTS_PER_KEY
from analysis.model import contacts_frame, empty_interactions, interactions_frame


def contacts(*records: dict) -> pd.DataFrame:
    return contacts_frame(records)


def interactions(*rows: tuple[str, str]) -> pd.DataFrame:
    """Rows of (ISO timestamp, who)."""
    if not rows:
        return empty_interactions()
    ts, who = zip(*rows, strict=True)
    return interactions_frame(
        pd.to_datetime(list(ts), utc=True), list(who), "message", source="log"
    )


def person_of(res, contact_id: str) -> str:
    return res.contacts.set_index("contact_id").loc[contact_id, "person_id"]


def reason_for(res, contact_id: str) -> str:
    rows = res.merges[res.merges["contact_id"] == contact_id]
    assert len(rows) == 1, res.merges
    return rows["reason"].iloc[0]


# --- merging contacts --------------------------------------------------------------------------


def test_same_email_in_two_sources_merges_with_the_email_as_reason():
    res = resolve(
        contacts(
            {
                "contact_id": "a1",
                "source": "phone.vcf",
                "full_name": "Ana",
                "emails": ["Ana@X.org"],
            },
            {
                "contact_id": "b1",
                "source": "google.csv",
                "full_name": "A. Lima",
                "emails": ["ana@x.org"],
            },
        ),
        interactions(),
    )
    assert person_of(res, "a1") == person_of(res, "b1") == "pa1"
    assert reason_for(res, "b1") == "same e-mail ana@x.org"
    assert res.merges["linked_to"].tolist() == ["a1"]
    (person,) = res.people.itertuples()
    assert person.contact_ids == ["a1", "b1"]
    assert person.sources == ["phone.vcf", "google.csv"]
    assert person.name == "A. Lima"  # the most complete full name


def test_us_phone_in_two_formats_merges_with_region_us():
    res = resolve(
        contacts(
            {
                "contact_id": "a1",
                "source": "a",
                "full_name": "Ana Lima",
                "phones": ["(415) 555-0123"],
            },
            {"contact_id": "b1", "source": "b", "full_name": "Ana", "phones": ["+1 415 555 0123"]},
        ),
        interactions(),
        region="US",
    )
    assert person_of(res, "a1") == person_of(res, "b1")
    assert reason_for(res, "b1") == "same phone +14155550123"
    assert res.people.loc[0, "phones"] == ["+14155550123"]


def test_french_number_merges_with_region_fr_but_not_with_region_us():
    cards = contacts(
        {"contact_id": "a1", "source": "a", "full_name": "Claire", "phones": ["06 12 34 56 78"]},
        {
            "contact_id": "b1",
            "source": "b",
            "full_name": "C. Dupont",
            "phones": ["+33 6 12 34 56 78"],
        },
    )
    fr = resolve(cards, interactions(), region="FR")
    assert person_of(fr, "a1") == person_of(fr, "b1")
    assert reason_for(fr, "b1") == "same phone +33612345678"
    us = resolve(cards, interactions(), region="US")
    assert person_of(us, "a1") != person_of(us, "b1")


def test_last_first_order_is_the_same_name():
    res = resolve(
        contacts(
            {"contact_id": "a1", "source": "a", "full_name": "Ana Lima"},
            {"contact_id": "b1", "source": "b", "full_name": "Lima, Ana"},
        ),
        interactions(),
    )
    assert person_of(res, "a1") == person_of(res, "b1")
    assert reason_for(res, "b1") == "same name 'ana lima'"
    assert res.people.loc[0, "name"] == "Ana Lima"


def test_accents_do_not_prevent_a_name_merge_and_the_accented_spelling_is_shown():
    res = resolve(
        contacts(
            {"contact_id": "a1", "source": "a", "full_name": "Jose Silva"},
            {"contact_id": "b1", "source": "b", "full_name": "José Silva"},
        ),
        interactions(),
    )
    assert person_of(res, "a1") == person_of(res, "b1")
    assert reason_for(res, "b1") == "same name 'jose silva'"
    assert res.people.loc[0, "name"] == "José Silva"


def test_similar_names_are_suggested_never_merged():
    res = resolve(
        contacts(
            {"contact_id": "a1", "source": "a", "full_name": "Jon Smith"},
            {"contact_id": "b1", "source": "b", "full_name": "John Smith"},
            {"contact_id": "c1", "source": "b", "full_name": "Mary Smith"},
        ),
        interactions(),
    )
    assert len(res.people) == 3
    assert res.merges.empty
    (s,) = res.suggestions.itertuples()
    assert (s.contact_a, s.contact_b, s.person_a, s.person_b) == ("a1", "b1", "pa1", "pb1")
    assert (s.name_a, s.name_b) == ("Jon Smith", "John Smith")
    assert s.score >= FUZZY_NAME_CUTOFF
    assert s.reason == "similar names"


def test_same_words_in_another_order_are_suggested_not_merged():
    res = resolve(
        contacts(
            {"contact_id": "a1", "source": "a", "full_name": "Ando Roid"},
            {"contact_id": "b1", "source": "b", "full_name": "Roid Ando"},
        ),
        interactions(),
    )
    assert len(res.people) == 2
    assert res.suggestions[["score", "reason"]].values.tolist() == [
        [100, "same words in another order"]
    ]


def test_an_email_or_phone_in_the_name_field_is_not_a_name():
    res = resolve(
        contacts(
            {"contact_id": "a1", "source": "a", "full_name": "john.doe@company.com"},
            {"contact_id": "b1", "source": "b", "full_name": "jane.doe@company.com"},
            {"contact_id": "c1", "source": "a", "full_name": "+1 415 555 0100"},
            {"contact_id": "d1", "source": "b", "full_name": "+1 (415) 555-0100"},
        ),
        interactions(),
    )
    assert len(res.people) == 4
    assert res.suggestions.empty
    assert res.people["name"].tolist()[0] == "john.doe@company.com"


def test_nickname_equal_to_given_name_with_same_family_name_is_suggested():
    res = resolve(
        contacts(
            {"contact_id": "a1", "source": "a", "full_name": "Robert Brown", "nickname": "Bob",
             "given_name": "Robert", "family_name": "Brown"},
            {"contact_id": "b1", "source": "b", "full_name": "Bob Brown"},
            {"contact_id": "c1", "source": "b", "full_name": "Bob Green"},
        ),
        interactions(),
    )  # fmt: skip
    assert len(res.people) == 3
    pairs = set(zip(res.suggestions["contact_a"], res.suggestions["contact_b"], strict=True))
    assert pairs == {("a1", "b1")}
    assert "nickname 'bob'" in res.suggestions.loc[0, "reason"]


def test_rejected_pair_stays_apart_and_is_not_suggested_again():
    cards = contacts(
        {"contact_id": "a1", "source": "a", "full_name": "Sam Lee", "emails": ["sam@x.org"]},
        {"contact_id": "b1", "source": "b", "full_name": "Sam Lee", "emails": ["sam@x.org"]},
    )
    res = resolve(cards, interactions(), decisions=MergeDecisions(rejected=(("b1", "a1"),)))
    assert person_of(res, "a1") != person_of(res, "b1")
    assert res.merges.empty
    assert res.suggestions.empty


def test_rejected_pair_is_not_joined_through_a_third_contact():
    # a1 -e-mail- b1 -phone- c1; the user says a1 and c1 are different people.
    cards = contacts(
        {"contact_id": "a1", "source": "a", "full_name": "Kim", "emails": ["kim@x.org"]},
        {"contact_id": "b1", "source": "b", "emails": ["kim@x.org"], "phones": ["+14155550100"]},
        {"contact_id": "c1", "source": "c", "full_name": "Kim", "phones": ["+14155550100"]},
    )
    merged = resolve(cards, interactions())
    assert merged.people["contact_ids"].tolist() == [["a1", "b1", "c1"]]
    res = resolve(cards, interactions(), decisions=MergeDecisions(rejected=(("a1", "c1"),)))
    assert person_of(res, "a1") == person_of(res, "b1")  # e-mail is applied first
    assert person_of(res, "c1") != person_of(res, "a1")


def test_confirmed_pair_merges_with_reason_confirmed_by_you():
    cards = contacts(
        {"contact_id": "a1", "source": "a", "full_name": "Mom"},
        {"contact_id": "b1", "source": "a", "full_name": "Maria Lima"},
    )
    assert len(resolve(cards, interactions()).people) == 2
    res = resolve(cards, interactions(), decisions=MergeDecisions(confirmed=(("b1", "a1"),)))
    assert person_of(res, "a1") == person_of(res, "b1") == "pa1"
    assert reason_for(res, "b1") == "confirmed by you"
    assert res.people.loc[0, "name"] == "Maria Lima"


def test_decisions_about_contacts_no_longer_loaded_are_reported_not_applied():
    cards = contacts({"contact_id": "a1", "source": "a", "full_name": "Ana Lima"})
    res = resolve(
        cards,
        interactions(("2024-01-01", "+1 415 555 0199")),
        decisions=MergeDecisions(
            confirmed=(("a1", "gone"),), links=(("+1 415 555 0199", "gone2"),)
        ),
    )
    assert len(res.ignored_decisions) == 2
    assert "gone" in res.ignored_decisions[0] and "gone2" in res.ignored_decisions[1]
    assert res.interactions["person_id"].isna().all()


def test_single_word_name_merges_across_files_but_not_within_one():
    res = resolve(
        contacts(
            {"contact_id": "a1", "source": "phone.vcf", "full_name": "Mom"},
            {"contact_id": "b1", "source": "google.csv", "full_name": "mom"},
            {"contact_id": "c1", "source": "phone.vcf", "full_name": "Ana"},
            {"contact_id": "c2", "source": "phone.vcf", "full_name": "Ana"},
            {"contact_id": "d1", "source": "google.csv", "full_name": "Ana"},
        ),
        interactions(),
    )
    assert person_of(res, "a1") == person_of(res, "b1")
    assert reason_for(res, "b1") == "same name 'mom'"
    assert len({person_of(res, c) for c in ("c1", "c2", "d1")}) == 3


def test_shared_switchboard_number_does_not_merge_unrelated_people():
    switchboard = "+1 212 555 0100"
    cards = contacts(
        *(
            {
                "contact_id": f"w{k}",
                "source": "work.csv",
                "full_name": name,
                "phones": [switchboard],
            }
            for k, name in enumerate(
                ["Ana Lima", "Bo Chen", "Cy Diaz", "Di Egan", "Ed Fox", "Fa Gul"]
            )
        )
    )
    assert len(cards) > MAX_CONTACTS_PER_KEY
    res = resolve(cards, interactions(("2024-01-01", "(212) 555-0100")))
    assert len(res.people) == 6
    assert res.merges.empty
    assert res.interactions["person_id"].isna().all()
    assert res.unmatched.loc[0, "note"] == "ambiguous: matches 6 people"


def test_home_landline_shared_by_two_named_people_is_a_suggestion_not_a_merge():
    cards = contacts(
        {"contact_id": "a1", "source": "a", "full_name": "Ana Lima", "phones": ["+14155550123"]},
        {"contact_id": "b1", "source": "b", "full_name": "Bruno Lima", "phones": ["+14155550123"]},
        {"contact_id": "c1", "source": "b", "full_name": "Mom", "phones": ["+14155550123"]},
    )
    res = resolve(cards, interactions())
    assert len(res.people) == 3
    assert res.suggestions["reason"].tolist() == ["same phone +14155550123, different names"]
    assert tuple(res.suggestions.loc[0, ["contact_a", "contact_b"]]) == ("a1", "b1")


def test_non_person_flag_for_role_addresses_and_company_cards():
    res = resolve(
        contacts(
            {"contact_id": "a1", "source": "a", "full_name": "Shop", "emails": ["noreply@shop.com"]},
            {"contact_id": "b1", "source": "a", "full_name": "Acme", "emails": ["info@acme.com"]},
            {"contact_id": "c1", "source": "a", "full_name": "Acme Bakery", "org": "Acme Bakery"},
            {"contact_id": "d1", "source": "a", "full_name": "Ana Lima", "org": "Acme Bakery",
             "emails": ["ana@acme.com", "info@acme.com"]},
        ),
        interactions(),
    )  # fmt: skip
    flags = dict(zip(res.people["person_id"], res.people["non_person"], strict=True))
    assert flags == {"pa1": True, "pb1": True, "pc1": True, "pd1": False}
    assert res.people["non_person"].dtype == bool


def test_person_id_stays_the_same_when_another_file_adds_a_contact():
    first = contacts({"contact_id": "k5", "source": "a", "full_name": "Ana Lima"})
    more = contacts(
        {"contact_id": "k5", "source": "a", "full_name": "Ana Lima"},
        {"contact_id": "z9", "source": "b", "full_name": "Lima, Ana", "emails": ["ana@x.org"]},
    )
    assert resolve(first, interactions()).people["person_id"].tolist() == ["pk5"]
    assert resolve(more, interactions()).people["person_id"].tolist() == ["pk5"]


def test_people_carry_every_contact_field():
    res = resolve(
        contacts(
            {"contact_id": "a1", "source": "a", "full_name": "Ana Lima", "given_name": "Ana",
             "family_name": "Lima", "emails": ["ana@x.org"], "categories": ["family"],
             "birthday": "--05-04", "related": [("sister", "Bia")], "org": "Acme", "title": "CTO"},
            {"contact_id": "b1", "source": "b", "full_name": "Ana Maria Lima", "nickname": "Nana",
             "emails": ["ana@x.org", "ana@y.org"], "categories": ["family", "friends"],
             "birthday": "1990-05-04", "related": [("sister", "Bia")], "org": "Acme"},
        ),
        interactions(),
    )  # fmt: skip
    p = res.people.iloc[0]
    assert p["name"] == "Ana Maria Lima"
    assert (p["given_name"], p["family_name"], p["nickname"]) == ("Ana", "Lima", "Nana")
    assert p["emails"] == ["ana@x.org", "ana@y.org"]
    assert p["categories"] == ["family", "friends"]
    assert p["orgs"] == ["Acme"] and p["titles"] == ["CTO"]
    assert p["related"] == [("sister", "Bia")]
    assert p["birthday"] == "1990-05-04"
    assert p["origin"] == "contacts"


def test_unknown_region_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown phone region 'XX'"):
        resolve(contacts(), interactions(), region="XX")


# --- matching interactions ---------------------------------------------------------------------


CARDS = [
    {"contact_id": "a1", "source": "a", "full_name": "Ana Lima", "nickname": "Aninha",
     "emails": ["ana@x.org"], "phones": ["+14155550123"]},
    {"contact_id": "b1", "source": "a", "full_name": "Beatriz Souza", "nickname": "Bia"},
    {"contact_id": "c1", "source": "a", "full_name": "Bianca Reis", "nickname": "Bia"},
    {"contact_id": "d1", "source": "a", "given_name": "Carlos", "family_name": "Mendes"},
]  # fmt: skip


def test_interactions_match_by_email_phone_name_nickname_and_given_family():
    res = resolve(
        contacts(*CARDS),
        interactions(
            ("2024-01-01", "Ana Lima <ANA@x.org>"),
            ("2024-01-02", "(415) 555-0123"),
            ("2024-01-03", "lima, ana"),
            ("2024-01-04", "Aninha"),
            ("2024-01-05", "Carlos Mendes"),
        ),
    )
    assert res.interactions["person_id"].tolist() == ["pa1"] * 4 + ["pd1"]
    assert res.interactions["matched_by"].tolist() == ["email", "phone", "name", "name", "name"]
    assert res.unmatched.empty


def test_ambiguous_name_stays_unmatched_and_is_not_adopted():
    res = resolve(contacts(*CARDS), interactions(("2024-01-01", "Bia"), ("2024-01-02", "Bia")))
    assert res.interactions["person_id"].isna().all()
    assert res.interactions["matched_by"].tolist() == ["", ""]
    u = res.unmatched.iloc[0]
    assert (u["who"], u["kind"], u["interactions"]) == ("Bia", "name", 2)
    assert u["note"] == "ambiguous: matches 2 people"
    assert (res.people["origin"] == "contacts").all()


def test_link_attaches_an_unmatched_who_and_wins_over_matching():
    decisions = MergeDecisions(links=(("Bia", "c1"), ("+1 650 555 0100", "a1")))
    res = resolve(
        contacts(*CARDS),
        interactions(
            ("2024-01-01", "Bia"), ("2024-01-02", "(650) 555-0100"), ("2024-01-03", "ana@x.org")
        ),
        decisions=decisions,
    )
    assert res.interactions["person_id"].tolist() == ["pc1", "pa1", "pa1"]
    assert res.interactions["matched_by"].tolist() == ["link", "link", "email"]
    assert res.unmatched.empty


def test_a_person_id_written_as_who_attaches_to_that_person():
    log = interactions(("2024-01-01", "Zoe Park"), ("2024-01-02", "Ana Lima"))
    zoe = resolve(contacts(*CARDS), log).people.query("origin == 'interactions'")["person_id"]
    (zoe_id,) = zoe.tolist()
    logged = pd.concat(
        [log, interactions(("2024-02-01", "pb1"), ("2024-02-02", zoe_id))], ignore_index=True
    )
    res = resolve(contacts(*CARDS), logged)
    assert res.interactions["person_id"].tolist() == [zoe_id, "pa1", "pb1", zoe_id]
    assert res.interactions["matched_by"].tolist() == ["name", "name", "link", "link"]
    assert (res.people["origin"] == "interactions").sum() == 1


def test_unmatched_names_become_people_from_interactions():
    log = interactions(
        ("2024-01-01", "Zoe Park"), ("2024-02-01", "zoe park"), ("2024-03-01", "Zoe Park")
    )
    res = resolve(contacts(*CARDS), log)
    adopted = res.people[res.people["origin"] == "interactions"]
    assert len(adopted) == 1
    pid = adopted["person_id"].iloc[0]
    assert pid.startswith("i")
    assert adopted["name"].iloc[0] == "Zoe Park"  # the spelling used most
    assert adopted["sources"].iloc[0] == ["log"]
    assert adopted["contact_ids"].iloc[0] == []
    assert res.interactions["person_id"].tolist() == [pid] * 3
    assert res.interactions["matched_by"].tolist() == ["name"] * 3
    assert res.unmatched.empty
    # The same name gives the same id in another run.
    assert resolve(contacts(), log).people["person_id"].tolist() == [pid]

    kept = resolve(contacts(*CARDS), log, adopt_unmatched_names=False)
    assert (kept.people["origin"] == "contacts").all()
    # one identity in two spellings is one row, shown as spelled most often
    assert kept.unmatched[["who", "key", "interactions"]].values.tolist() == [
        ["Zoe Park", "zoe park", 3]
    ]
    assert kept.unmatched["note"].unique().tolist() == ["no contact has this name"]


def test_unmatched_phone_is_listed_with_count_first_and_last():
    res = resolve(
        contacts(*CARDS),
        interactions(
            ("2024-03-01T10:00:00Z", "+44 20 7946 0018"),
            ("2024-01-15T09:00:00Z", "+44 20 7946 0018"),
            ("2024-02-01T12:00:00Z", "+44 20 7946 0018"),
            ("2024-02-02T12:00:00Z", "nobody@example.com"),
        ),
    )
    assert res.interactions["person_id"].isna().all()
    assert res.unmatched["who"].tolist() == ["+44 20 7946 0018", "nobody@example.com"]
    phone = res.unmatched.iloc[0]
    assert (phone["kind"], phone["interactions"]) == ("phone", 3)
    assert phone["first"] == pd.Timestamp("2024-01-15T09:00:00Z")
    assert phone["last"] == pd.Timestamp("2024-03-01T10:00:00Z")
    assert res.unmatched.iloc[1]["kind"] == "email"
    assert (res.people["origin"] == "contacts").all()  # phones and e-mails are never adopted


def test_categorical_and_missing_who_values_are_handled():
    log = interactions(
        ("2024-01-01", "ana@x.org"), ("2024-01-02", "ana@x.org"), ("2024-01-03", "Bia")
    )
    log["who"] = pd.Categorical(log["who"], categories=["Bia", "unused@x.org", "ana@x.org"])
    log.loc[2, "who"] = None
    res = resolve(contacts(*CARDS), log)
    pid = res.interactions["person_id"]
    assert pid.iloc[:2].tolist() == ["pa1", "pa1"] and pd.isna(pid.iloc[2])
    (u,) = res.unmatched.itertuples()
    assert (u.who, u.kind, u.interactions, u.note) == ("", "name", 1, "no identity given")


def test_empty_inputs_give_well_formed_empty_frames():
    res = resolve(contacts(), interactions())
    assert res.people.empty and "person_id" in res.people
    assert res.merges.columns.tolist() == ["person_id", "contact_id", "reason", "linked_to"]
    assert res.suggestions.empty and res.unmatched.empty
    assert res.interactions.columns.tolist()[-2:] == ["person_id", "matched_by"]


# --- order independence ------------------------------------------------------------------------

ORDER_CARDS = [
    *CARDS,
    {"contact_id": "e1", "source": "b", "full_name": "Lima, Ana", "phones": ["(415) 555-0123"]},
    {"contact_id": "e2", "source": "b", "full_name": "Jose Souza", "emails": ["jose@y.org"]},
    {"contact_id": "e3", "source": "c", "full_name": "José Souza", "phones": ["+1 415 555 0177"]},
    {"contact_id": "e4", "source": "c", "full_name": "Bianka Reis", "emails": ["br@z.org"]},
    {"contact_id": "e5", "source": "c", "full_name": "Mom", "phones": ["+14155550188"]},
    {"contact_id": "e6", "source": "d", "full_name": "mom", "emails": ["mom@y.org"]},
    {"contact_id": "e7", "source": "d", "full_name": "Jon Smith"},
    {"contact_id": "e8", "source": "a", "full_name": "John Smith"},
]
ORDER_LOG = [
    ("2024-01-01", "ana@x.org"), ("2024-01-02", "Bia"), ("2024-01-03", "Zoe Park"),
    ("2024-01-04", "415.555.0177"), ("2024-01-05", "+44 20 7946 0018"), ("2024-01-06", "Mom"),
    ("2024-01-07", "zoe park"), ("2024-01-08", "Carlos Mendes"), ("2024-01-09", "mom@y.org"),
]  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    card_order=st.permutations(range(len(ORDER_CARDS))),
    log_order=st.permutations(range(len(ORDER_LOG))),
)
def test_results_do_not_depend_on_row_order(card_order, log_order):
    decisions = MergeDecisions(rejected=(("e4", "c1"),), links=(("+44 20 7946 0018", "d1"),))
    base = resolve(contacts(*ORDER_CARDS), interactions(*ORDER_LOG), decisions=decisions)
    shuffled_log = interactions(*ORDER_LOG).iloc[list(log_order)]
    res = resolve(
        contacts(*(ORDER_CARDS[i] for i in card_order)), shuffled_log, decisions=decisions
    )
    pd.testing.assert_frame_equal(res.people, base.people)
    pd.testing.assert_frame_equal(res.merges, base.merges)
    pd.testing.assert_frame_equal(res.suggestions, base.suggestions)
    pd.testing.assert_frame_equal(res.unmatched, base.unmatched)
    assert res.interactions.index.tolist() == list(log_order)
    pd.testing.assert_series_equal(
        res.interactions["person_id"].sort_index(), base.interactions["person_id"]
    )
    by_contact = res.contacts.set_index("contact_id")["person_id"].sort_index()
    pd.testing.assert_series_equal(
        by_contact, base.contacts.set_index("contact_id")["person_id"].sort_index()
    )


def test_fuzzy_blocks_compared_in_chunks_give_the_same_suggestions(monkeypatch):
    names = ["Jon Smith", "John Smith", "Jonn Smith", "Mary Smith", "Joh Smith", "Jan Smith"]
    cards = contacts(
        *({"contact_id": f"c{i}", "source": "s", "full_name": n} for i, n in enumerate(names))
    )
    whole = resolve(cards, interactions()).suggestions
    monkeypatch.setattr(lookalikes, "_CDIST_ROWS", 2)
    chunked = resolve(cards, interactions()).suggestions
    pd.testing.assert_frame_equal(chunked, whole)
    assert len(whole) == 6 and "Mary Smith" not in set(whole["name_a"]) | set(whole["name_b"])
