"""Anniversaries from the address book, end to end: a vCard 4.0 ANNIVERSARY, an Apple
X-ABDATE labelled "Anniversary" and a Google CSV event go through identity resolution into the
people frame, come up in ``closeknit today`` and become yearly events of the .ics export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
from icalendar import Calendar

from analysis.cli import main
from analysis.identity import resolve
from analysis.importers import import_file
from analysis.importers.base import ImportOptions, SourceFile
from analysis.model import concat_contacts, empty_interactions
from analysis.occasions import Occasion, coming_up, occasions_from_people, yearly_dates

AS_OF = "2026-06-01"
VCARD = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ana Lima\r\nTEL:+49 151 23456789\r\n"
    "BDAY:19861127\r\nANNIVERSARY:20120616\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Berg;Ben;;;\r\nFN:Ben Berg\r\n"
    "TEL;type=CELL:+49 151 98765432\r\n"
    "item1.X-ABDATE;type=pref:1604-06-20\r\nitem1.X-ABLabel:_$!<Anniversary>!$_\r\nEND:VCARD\r\n"
)
GOOGLE = (
    "First Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,"
    "Phone 1 - Value,Event 1 - Label,Event 1 - Value\r\n"
    "Ana,Lima,* myContacts,* Home,ana@example.org,Mobile,+49 151 23456789,,\r\n"
    "Clara,Costa,* myContacts,* Home,clara@example.org,,,Anniversary,2001-09-05\r\n"
)
LOG = (
    "timestamp,contact,channel,direction,duration_min,event_id,note\n"
    "2026-05-03 10:00,Ana Lima,Coffee,outgoing,60,,\n"
    "2026-05-10 10:00,Ben Berg,call,incoming,20,,\n"
)


def write(tmp_path: Path) -> list[str]:
    (tmp_path / "phone.vcf").write_text(VCARD, encoding="utf-8", newline="")
    (tmp_path / "google.csv").write_text(GOOGLE, encoding="utf-8", newline="")
    (tmp_path / "log.csv").write_text(LOG, encoding="utf-8")
    return [str(tmp_path / n) for n in ("phone.vcf", "google.csv", "log.csv")]


def test_a_persons_anniversary_survives_merging_contacts_from_two_files():
    opts = ImportOptions(region="DE")
    contacts = concat_contacts(
        import_file(SourceFile(name, text.encode()), opts).contacts
        for name, text in (("phone.vcf", VCARD), ("google.csv", GOOGLE))
    )
    people = resolve(contacts, empty_interactions(), region="DE").people.set_index("name")
    # Ana is one person from the vCard (with the anniversary) and the CSV row (without)
    assert people.loc["Ana Lima", "anniversary"] == "2012-06-16"
    assert people.loc["Ana Lima", "birthday"] == "1986-11-27"
    assert people.loc["Ben Berg", "anniversary"] == "--06-20"
    assert people.loc["Clara Costa", "anniversary"] == "2001-09-05"


def test_a_dated_anniversary_wins_over_a_yearless_one_of_the_same_person():
    opts = ImportOptions(region="DE")
    yearless = VCARD.replace("ANNIVERSARY:20120616", "ANNIVERSARY:--0616")
    contacts = concat_contacts(
        [
            import_file(SourceFile("a.vcf", yearless.encode()), opts).contacts,
            import_file(SourceFile("b.vcf", VCARD.encode()), opts).contacts,
        ]
    )
    people = resolve(contacts, empty_interactions(), region="DE").people.set_index("name")
    assert people.loc["Ana Lima", "anniversary"] == "2012-06-16"


def test_anniversaries_and_birthdays_of_the_people_frame_are_occasions():
    people = pd.DataFrame(
        {
            "person_id": ["a", "b", "c"],
            "name": ["Ana", "Ben", "Clara"],
            "birthday": ["1986-11-27", "", "not a date"],
            "anniversary": ["2012-06-16", "--06-20", ""],
        }
    )
    occ = occasions_from_people(people)
    assert [(o.person_id, o.kind, o.month, o.day, o.year) for o in occ] == [
        ("a", "birthday", 11, 27, 1986),
        ("a", "anniversary", 6, 16, 2012),
        ("b", "anniversary", 6, 20, None),
    ]
    up = coming_up(occ, dict(zip(people.person_id, people.name, strict=True)), date(2026, 6, 1))
    assert list(zip(up["name"], up["kind"], up["turns"], strict=True)) == [
        ("Ana", "anniversary", 14),
        ("Ben", "anniversary", pd.NA),
    ]


def test_a_date_the_user_entered_replaces_the_address_books_of_the_same_kind():
    people = pd.DataFrame(
        {"person_id": ["a"], "name": ["Ana"], "birthday": [""], "anniversary": ["2012-06-16"]}
    )
    entered = [Occasion("a", "anniversary", 6, 17, 2012)]  # the book had the wrong day
    assert [o for _, o in yearly_dates(people, entered, {})] == entered
    both = [*occasions_from_people(people), Occasion("a", "anniversary", 6, 16, 2012)]
    assert len(coming_up(both, {"a": "Ana"}, date(2026, 6, 1))) == 1  # listed once


def test_closeknit_today_lists_the_anniversaries_coming_up(tmp_path, capsys):
    paths = write(tmp_path)
    assert main(["today", *paths, "--as-of", AS_OF, "--region", "DE", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    ups = [(u["name"], u["kind"], u["date"], u["turns"]) for u in out["coming_up"]]
    assert ("Ana Lima", "anniversary", "2026-06-16", 14) in ups
    assert ("Ben Berg", "anniversary", "2026-06-20", None) in ups
    assert not any(u[0] == "Clara Costa" for u in ups)  # 5 September: not within 30 days
    assert main(["today", *paths, "--as-of", AS_OF, "--region", "DE"]) == 0
    text = capsys.readouterr().out
    assert "Coming up: Ana Lima's anniversary on 16 June" in text


def test_the_ics_export_has_a_yearly_event_for_each_anniversary(tmp_path, capsys):
    paths = write(tmp_path)
    store = str(tmp_path / "store.sqlite3")
    assert main(["import", *paths, "--region", "DE", "--store", store]) == 0
    ics = tmp_path / "reminders.ics"
    assert main(["export", "ics", "-o", str(ics), "--as-of", AS_OF, "--store", store]) == 0
    cal = Calendar.from_ical(ics.read_bytes())
    yearly = {
        str(ev["summary"]): ev.decoded("dtstart")
        for ev in cal.walk("VEVENT")
        if ev.get("rrule") is not None
    }
    assert yearly["Ana Lima: anniversary"] == date(2026, 6, 16)
    assert yearly["Ben Berg: anniversary"] == date(2026, 6, 20)
    assert yearly["Clara Costa: anniversary"] == date(2026, 9, 5)
    assert yearly["Ana Lima: birthday"] == date(2026, 11, 27)
