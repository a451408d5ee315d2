"""Contact CSVs: Google (both layouts), Outlook (UTF-16 and cp1252), LinkedIn, generic."""

from pathlib import Path

import pytest

from analysis.importers import contacts_csv, detect, head_text, import_file, interactions_csv
from analysis.importers.base import ImportOptions, SourceFile, stable_id
from analysis.importers.contacts_csv import parse_birthday
from analysis.importers.csvsniff import describe_columns
from analysis.model import CONTACT_COLUMNS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "csv"


def load(name: str) -> SourceFile:
    return SourceFile.from_path(str(FIXTURES / name))


def read(name: str, **options):
    result = import_file(load(name), ImportOptions(**options))
    rep = result.report
    assert rep.error is None, rep.error
    assert rep.read == rep.imported + len(rep.skipped)
    assert list(result.contacts.columns) == list(CONTACT_COLUMNS)
    return result


def by_name(result, name):
    rows = result.contacts[result.contacts.full_name == name]
    assert len(rows) == 1, name
    return rows.iloc[0]


def test_google_current_layout_splits_multi_values_and_labels():
    result = read("google_contacts.csv")
    assert result.report.label == "Google Contacts CSV"
    maria = by_name(result, "Maria Fernández")
    assert (maria.given_name, maria.family_name, maria.nickname) == ("Maria", "Fernández", "Mari")
    assert maria.emails == ["maria.fernandez@example.com", "mari@example.org"]
    assert maria.phones == ["+14155550101", "+34612345678"]
    assert maria.categories == ["myContacts", "Family"]
    assert (maria.org, maria.title, maria.birthday) == ("Hospital Clínic", "Nurse", "1988-07-23")
    assert maria.related == [("sister", "Lucía Fernández")]
    assert maria.source == "google_contacts.csv (Google Contacts CSV)"
    tom = by_name(result, "Tom O'Neill")
    assert tom.phones == ["+14155550102", "+14155550103"]
    assert tom.categories == ["myContacts", "Friends", "Climbing"]
    assert tom.birthday == "--04-12"  # Google writes " --04-12" for a birthday without a year


def test_google_rows_are_numbered_by_file_line_across_multiline_addresses():
    src = load("google_contacts.csv")
    result = read("google_contacts.csv")
    # Maria's quoted address spans lines 2-4, so Tom is on line 5
    assert list(result.contacts["where"]) == ["row 2", "row 5", "row 6"]
    assert by_name(result, "Tom O'Neill").contact_id == stable_id(src.digest, 5)
    assert [(s.where, s.reason) for s in result.report.skipped] == [
        ("row 7", "no name, e-mail or phone")
    ]


def test_google_older_layout_reads_given_name_and_group_membership():
    result = read("google_contacts_old.csv")
    assert result.report.label == "Google Contacts CSV (older layout)"
    anna = by_name(result, "Anna Kowalska")
    assert anna.emails == ["anna.kowalska@example.com", "ania.k@example.org"]
    assert anna.phones == ["+48601234567"]
    assert anna.categories == ["My Contacts", "Work"]
    assert (anna.org, anna.title, anna.birthday) == ("Biuro Projektowe", "Architect", "1979-11-02")
    assert by_name(result, "Kenji Watanabe").phones == ["+14155550105", "+14155550106"]
    unnamed = result.contacts[result.contacts.full_name == ""]
    assert list(unnamed.emails) == [["newsletter@example.com"]]
    assert [s.where for s in result.report.skipped] == ["row 5"]


def test_outlook_utf16le_with_bom_keeps_accents():
    src = load("outlook_utf16.csv")
    assert src.data[:2] == b"\xff\xfe"
    result = read("outlook_utf16.csv")
    assert result.report.label == "Outlook CSV"
    jose = by_name(result, "José Müller")
    assert jose.emails == ["jose.mueller@example.de"]
    assert jose.phones == ["+4915123456789"]
    assert jose.categories == ["Family", "Neighbours"]
    assert (jose.org, jose.title, jose.birthday) == ("Bäckerei Müller", "Inhaber", "1990-03-09")
    assert jose.related == [("spouse", "Renée Müller")]
    zoe = by_name(result, "Zoë Brontë")
    assert zoe.emails == ["zoe@example.co.uk", "zoe.bronte@example.com"]
    assert zoe.birthday == ""  # Outlook's 0/0/00 means none


def test_outlook_desktop_cp1252_keeps_accents_and_ignores_the_name_title():
    src = load("outlook_cp1252.csv")
    with pytest.raises(UnicodeDecodeError):
        src.data.decode("utf-8")
    result = read("outlook_cp1252.csv")
    assert result.report.label == "Outlook CSV"
    jose = by_name(result, "José Müller")
    assert jose.title == "Inhaber"  # not "Mr.", Outlook's "Title" is the name prefix
    assert jose.phones == ["+4915123456789"]
    francois = by_name(result, "François Lefèvre")
    assert francois.phones == ["+14155550107"]
    assert francois.birthday == "1975-12-25"  # 25/12 can only be day-first


def test_outlook_phones_read_in_the_users_region():
    result = read("outlook_utf16.csv", region="GB")
    assert by_name(result, "Zoë Brontë").phones == ["+442079460018"]


def test_linkedin_preamble_is_skipped_and_counted_in_row_numbers():
    src = load("linkedin_connections.csv")
    assert src.data.startswith(b"Notes:\n")
    assert detect(src).label == "LinkedIn Connections CSV"
    result = read("linkedin_connections.csv")
    assert list(result.contacts.full_name) == ["Priya Sharma", "Arjun Mehta"]
    assert list(result.contacts["where"]) == ["row 5", "row 6"]
    arjun = by_name(result, "Arjun Mehta")
    assert arjun.emails == ["arjun@example.com"]
    assert (arjun.org, arjun.title) == ("Acme Analytics", "Engineering Manager, Payments")
    assert by_name(result, "Priya Sharma").org == "Stripe, Inc."
    assert [(s.where, s.reason) for s in result.report.skipped] == [
        ("row 7", "no name, e-mail or phone")
    ]


def test_generic_name_email_phone_csv():
    result = read("generic_contacts.csv")
    assert result.report.label == "Contact CSV"
    assert list(result.contacts.full_name) == ["Sam Lee", "Riya Patel", ""]
    assert list(result.contacts.emails) == [["sam.lee@example.com"], [], ["rosa@example.com"]]
    assert list(result.contacts.phones) == [["+14155550108"], ["+447700900123"], []]
    assert result.report.imported == 3  # the blank ",," line is not a record


@pytest.mark.parametrize(
    "name",
    [
        "google_contacts.csv",
        "google_contacts_old.csv",
        "outlook_utf16.csv",
        "outlook_cp1252.csv",
        "linkedin_connections.csv",
    ],
)
def test_contact_exports_are_never_taken_for_interaction_logs(name):
    src = load(name)
    head = head_text(src.data)
    assert interactions_csv.sniff(name, head) is None  # Birthday is a date, not a log's
    assert detect(src).format == "contacts_csv"


def test_a_csv_with_no_recognisable_columns_is_refused_naming_what_closeknit_reads():
    result = import_file(load("no_columns.csv"))
    err = result.report.error
    assert err is not None and result.contacts.empty and result.interactions.empty
    assert "no_columns.csv" in err and "sku,colour,size,price" in err
    assert "contact CSV" in err and "interaction log CSV" in err and "vCard" in err
    assert describe_columns(head_text(load("no_columns.csv").data)) == [
        "sku",
        "colour",
        "size",
        "price",
    ]


def test_column_map_makes_an_odd_contact_csv_importable():
    src = SourceFile("people.csv", b"Wer;Post;Handy\nLena Berg;lena@example.se;+46 70 123 45 67\n")
    assert contacts_csv.sniff(src.name, src.data.decode()) is None
    opts = ImportOptions(column_map=(("full_name", "Wer"), ("email", "Post"), ("phone", "Handy")))
    result = contacts_csv.parse(src, opts)
    row = result.contacts.iloc[0]
    assert (row.full_name, row.emails, row.phones) == (
        "Lena Berg",
        ["lena@example.se"],
        ["+46701234567"],
    )


def test_describe_columns_skips_the_linkedin_preamble():
    head = head_text(load("linkedin_connections.csv").data)
    assert describe_columns(head) == [
        "First Name",
        "Last Name",
        "URL",
        "Email Address",
        "Company",
        "Position",
        "Connected On",
    ]


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("1985-04-12", "1985-04-12"),
        (" --04-12", "--04-12"),
        ("--0412", "--04-12"),
        ("4/12/1985", "1985-04-12"),
        ("13/4/1985", "1985-04-13"),
        ("0/0/00", ""),
        ("12 Apr 1985", "1985-04-12"),
        ("1604-04-12", "--04-12"),
        ("not a date", ""),
        ("", ""),
    ],
)
def test_birthdays_become_iso_or_yearless(raw, iso):
    assert parse_birthday(raw) == iso


def test_header_only_file_is_unusable_with_a_reason():
    result = import_file(SourceFile("empty.csv", b"name,email,phone\n"))
    assert "no rows" in result.report.error


@pytest.mark.parametrize(
    "head", ["", "\x00\x01garbage", "a", '"unclosed,quote\n1,2', "sku,colour\nA,red\n"]
)
def test_sniff_never_raises_and_refuses_non_contact_tables(head):
    assert contacts_csv.sniff("x.csv", head) is None


def test_a_cp1252_line_in_a_utf8_contact_list_keeps_both_accents():
    data = (
        "name,email\nJosé Müller,jose@example.de\n".encode()
        + "Renée Lefèvre,renee@example.fr\n".encode("cp1252")
    )
    result = read_source(SourceFile("mixed.csv", data))
    assert list(result.contacts.full_name) == ["José Müller", "Renée Lefèvre"]
    assert "line(s) 3" in result.report.warnings[0]


def read_source(src: SourceFile):
    result = import_file(src)
    assert result.report.error is None, result.report.error
    return result


# --- long fields, broken quotes, encodings ----------------------------------------------------


def test_a_quoted_field_over_128_kib_is_read_not_lost():
    note = "Met at the conference; " * 9_000  # ~200 KB, past csv.field_size_limit
    data = f'Name,Email,Phone,Notes\nAna Lima,ana@example.org,+49 151 1,"{note}"\nBen Ode,ben@example.org,,ok\n'
    result = read_source(SourceFile("long.csv", data.encode()))
    assert list(result.contacts.full_name) == ["Ana Lima", "Ben Ode"]
    assert result.report.skipped == []


def test_a_field_over_the_limit_skips_its_row_with_the_reason():
    from analysis.importers.csvsniff import MAX_FIELD_CHARS

    huge = "x" * (MAX_FIELD_CHARS + 10)
    data = f'Name,Email\nAna Lima,"{huge}"\nBen Ode,ben@example.org\n'
    result = read_source(SourceFile("huge.csv", data.encode()))
    assert list(result.contacts.full_name) == ["Ben Ode"]
    (skip,) = result.report.skipped
    assert (skip.where, skip.reason) == (
        "row 2",
        f"a field is longer than {MAX_FIELD_CHARS:,} characters",
    )


def test_an_unbalanced_quote_costs_its_row_and_reading_resumes_on_the_next():
    rows = "".join(f"Person {i},p{i}@example.org,+49 151 {1000 + i}\n" for i in range(5))
    data = 'Name,Email,Phone\nAna Lima,"ana@example.org,+49 151 1\n' + rows
    result = read_source(SourceFile("broken.csv", data.encode()))
    rep = result.report
    assert list(result.contacts.full_name) == [f"Person {i}" for i in range(5)]
    assert [s.where for s in rep.skipped] == ["row 2"]
    assert "unbalanced quote" in rep.skipped[0].reason
    assert rep.read == rep.imported + len(rep.skipped) == 6
    assert list(result.contacts["where"]) == [f"row {i}" for i in range(3, 8)]


def test_a_quote_that_closes_on_a_later_row_does_not_swallow_the_rows_between():
    data = (
        "First Name,Last Name,E-mail Address,Mobile Phone\n"
        'Ana,"Lima,ana@example.org,+49 151 1\n'
        "Ben,Ode,ben@example.org,+49 151 2\n"
        "Cleo,Park,cleo@example.org,+49 151 3\n"
        'Dan,"Roe",dan@example.org,+49 151 4\n'
    )
    result = read_source(SourceFile("swallow.csv", data.encode()))
    assert list(result.contacts.full_name) == ["Ben Ode", "Cleo Park", "Dan Roe"]
    assert [s.where for s in result.report.skipped] == ["row 2"]


def test_a_real_multi_line_address_is_still_one_row():
    data = (
        "Name,Email,Address\n"
        'Ana Lima,ana@example.org,"Hauptstr. 1\nApt 4, Floor 2\n10115 Berlin"\n'
        "Ben Ode,ben@example.org,\n"
    )
    result = read_source(SourceFile("address.csv", data.encode()))
    assert list(result.contacts.full_name) == ["Ana Lima", "Ben Ode"]
    assert list(result.contacts["where"]) == ["row 2", "row 5"]


@pytest.mark.parametrize(
    ("name", "encoding", "person", "org"),
    [
        ("contacts_cs_cp1250.csv", "cp1250", "Kateřina Svobodová", "Univerzita Karlova"),
        ("contacts_ru_cp1251.csv", "cp1251", "Алёна Фёдорова", "Эрмитаж"),
        ("contacts_western_cp1252.csv", "cp1252", "Björn Åström", "Volvo"),
        ("contacts_ru_utf16le_nobom.csv", "utf-16-le", "Мария Иванова", "Школа № 57"),
    ],
)
def test_contact_lists_in_legacy_encodings_come_out_right(name, encoding, person, org):
    result = read(name)
    assert result.report.encoding == encoding
    assert by_name(result, person).org == org
    assert not result.contacts.full_name.str.contains("\ufffd").any()


def test_birthdays_far_outside_the_calendar_do_not_crash():
    data = "Name,Email,Birthday\nAna,a@example.org,0001-01-01\nBen,b@example.org,99999-99-99\n"
    result = read_source(SourceFile("bdays.csv", data.encode()))
    assert list(result.contacts.birthday) == ["0001-01-01", ""]


# --- anniversaries ----------------------------------------------------------------------------


def test_google_events_labelled_anniversary_become_the_anniversary():
    result = read("google_events.csv")
    assert result.report.label == "Google Contacts CSV"
    ana = by_name(result, "Ana Lima")
    assert (ana.birthday, ana.anniversary) == ("1986-11-27", "2012-06-16")
    # the second event is the anniversary (the first is "Other"); Google writes " --09-05"
    # for a date without a year
    assert by_name(result, "Ben Berg").anniversary == "--09-05"
    assert by_name(result, "Carla Costa").anniversary == ""


def test_google_older_layout_event_type_anniversary():
    result = read("google_events_old.csv")
    assert result.report.label == "Google Contacts CSV (older layout)"
    assert by_name(result, "Anna Kowalska").anniversary == "2005-08-20"
    assert by_name(result, "Kenji Watanabe").anniversary == ""  # "not sure" is not a date


def test_outlook_anniversary_column_is_read_like_its_birthday():
    result = read("outlook_anniversary.csv")
    assert result.report.label == "Outlook CSV"
    jose = by_name(result, "José Müller")
    assert (jose.birthday, jose.anniversary) == ("1990-03-09", "2015-06-14")  # month first
    assert by_name(result, "Zoë Brontë").anniversary == ""  # 0/0/00 means none
    assert by_name(result, "François Lefèvre").anniversary == "1999-12-25"  # 25/12: day first


def test_a_mapped_anniversary_column_is_read():
    data = b"Who,Mail,Married\nAna Lima,ana@example.org,14.06.2015\n"
    options = ImportOptions(
        column_map=(("full_name", "Who"), ("email", "Mail"), ("anniversary", "Married")),
        dayfirst=True,
    )
    result = import_file(SourceFile("mine.csv", data), options)
    assert list(result.contacts["anniversary"]) == ["2015-06-14"]
