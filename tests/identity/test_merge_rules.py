"""What merges and what stays apart: titles, transliteration, suffixes, look-alike surnames."""

from __future__ import annotations

from analysis.identity import resolve
from analysis.importers import import_file
from analysis.importers.base import ImportOptions, SourceFile
from tests.identity.helpers import card, contacts, log, person_of


def test_dr_anna_berg_and_anna_berg_with_the_same_email_are_one_person():
    res = resolve(
        contacts(
            card("a1", "Dr. Anna Berg", emails=["anna.berg@example.org"]),
            card("b1", "Anna Berg", source="google.csv", emails=["Anna.Berg@example.org"]),
        ),
        log(),
    )
    assert person_of(res, "a1") == person_of(res, "b1")
    assert res.merges["reason"].tolist() == ["same e-mail anna.berg@example.org"]
    assert len(res.people) == 1


def test_a_title_does_not_keep_two_cards_of_one_name_apart():
    res = resolve(
        contacts(card("a1", "Prof. Dr. Anna Berg"), card("b1", "Berg, Anna", source="outlook.csv")),
        log(),
    )
    assert person_of(res, "a1") == person_of(res, "b1")
    assert res.merges["reason"].tolist() == ["same name 'anna berg'"]
    assert res.people.loc[0, "name"] == "Prof. Dr. Anna Berg"  # shown as written


def test_anna_berg_and_anna_bergmann_stay_two_people():
    res = resolve(
        contacts(card("a1", "Anna Berg"), card("b1", "Anna Bergmann", source="google.csv")),
        log(("2024-01-01", "Anna Berg"), ("2024-01-02", "Anna Bergmann")),
    )
    assert person_of(res, "a1") != person_of(res, "b1")
    assert res.merges.empty
    assert res.suggestions.empty  # ratio 82: not even alike enough to ask
    assert res.interactions["person_id"].tolist() == ["pa1", "pb1"]


def test_father_and_son_named_alike_are_not_merged_by_name():
    res = resolve(
        contacts(
            card("a1", "James Doe Sr."),
            card("b1", "James Doe Jr."),
            card("c1", "Doe, James, Jr.", source="outlook.csv"),
        ),
        log(("2024-01-01", "James Doe")),
    )
    assert person_of(res, "a1") != person_of(res, "b1")
    assert person_of(res, "b1") == person_of(res, "c1")
    assert res.merges["reason"].tolist() == ["same name 'james doe jr'"]
    # "James Doe" in a chat could be either: left for the user, not guessed
    assert res.interactions["person_id"].isna().all()
    assert res.unmatched.loc[0, "note"] == "ambiguous: matches 2 people"


VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Søren Kierkegaard\r\nN:Kierkegaard;Søren;;;\r\n"
    "TEL;TYPE=CELL:+45 20 12 34 56\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Łukasz Nowak\r\nN:Nowak;Łukasz;;;\r\nEND:VCARD\r\n"
)
LOG = (
    "timestamp,contact,channel,direction,duration_min,event_id,note\n"
    "2024-03-01 10:00,Soren Kierkegaard,in_person,out,60,,\n"
    "2024-03-08 10:00,soren kierkegaard,call,in,5,,\n"
    "2024-03-09 12:00,Lukasz Nowak,message,in,,,\n"
)


def test_soren_in_a_vcard_and_soren_in_a_log_are_one_person():
    opts = ImportOptions(region="DK")
    cards = import_file(SourceFile("phone.vcf", VCARD.encode("utf-8")), opts).contacts
    rows = import_file(SourceFile("log.csv", LOG.encode("utf-8")), opts).interactions
    res = resolve(cards, rows, region="DK")
    names = dict(zip(res.people["person_id"], res.people["name"], strict=True))
    matched = [names[p] for p in res.interactions["person_id"]]
    assert matched == ["Søren Kierkegaard", "Søren Kierkegaard", "Łukasz Nowak"]
    assert set(res.interactions["matched_by"]) == {"name"}
    assert (res.people["origin"] == "contacts").all()  # nobody adopted from the log
    assert res.unmatched.empty


def test_cyrillic_name_in_a_chat_matches_its_latin_spelling_in_the_contacts():
    res = resolve(
        contacts(card("a1", "Yuliya Ivanova")),
        log(("2024-01-01", "Юлия Иванова"), ("2024-01-02", "Yuliya Ivanova")),
    )
    assert res.interactions["person_id"].tolist() == ["pa1", "pa1"]


def test_two_people_written_in_one_who_are_neither_of_them():
    res = resolve(
        contacts(card("a1", "John Richter"), card("b1", "James Doe")),
        log(("2024-01-01", "Mr. John Richter, James Doe Sr.")),
    )
    (pid,) = res.interactions["person_id"].tolist()
    assert pid not in {"pa1", "pb1"}
