"""The choices on the Import page: a column mapping for a CSV closeknit could not place, a merge
confirmed, an unknown number linked to a person."""

from __future__ import annotations

from analysis.importers.base import SourceFile
from dashboard import words
from tests.app import files
from tests.app.conftest import metric, new_app, open_page, table, texts

GERMAN_LOG = (
    b"Datum,Kontakt,Art\n"
    b"2026-06-01 10:00,Anna Berg,in person\n"
    b"2026-06-08 10:00,Anna Berg,call\n"
    b"2026-06-15 10:00,Ben Okafor,message\n"
)


def _upload(extra=()):
    at = new_app().run()
    open_page(at, "import_data")
    at.file_uploader[0].set_value([*files.all_files(), *extra]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_csv_closeknit_cannot_place_is_read_once_the_user_maps_its_columns():
    at = _upload([("besuche.csv", GERMAN_LOG, "text/csv")])
    summary = table(at, "File", "Detected as")
    row = summary[summary["File"] == "besuche.csv"].iloc[0]
    assert row["Status"] == "Could not use"
    digest = SourceFile("besuche.csv", GERMAN_LOG).digest
    at.radio(key=f"ck_kind_{digest}").set_value("interactions_csv").run()
    prefix = f"ck_map_{digest}_interactions_csv_"
    at.selectbox(key=prefix + "timestamp").set_value("Datum")
    at.selectbox(key=prefix + "contact").set_value("Kontakt")
    at.selectbox(key=prefix + "channel").set_value("Art")
    submit = [b for b in at.button if b.label == "Re-read with this mapping"]
    assert len(submit) == 1  # offered for this file only: the others were read with confidence
    assert digest in submit[0].key
    submit[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    summary = table(at, "File", "Detected as")
    row = summary[summary["File"] == "besuche.csv"].iloc[0]
    assert row["Imported"] == 3 and row["Skipped"] == 0 and row["Status"] == "OK"
    assert row["Detected as"].startswith("Interaction log")


def test_confirming_a_suggested_merge_makes_one_person(expected_upload):
    _, res, _ = expected_upload
    at = _upload()
    before = int(metric(at, "People found"))
    assert "Katherine Lee" in texts(at) and "Catherine Lee" in texts(at)
    next(b for b in at.button if b.label == "Same person").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert int(metric(at, "People found")) == before - 1
    assert "No look-alike names to check." in texts(at)
    assert len(res.suggestions) == 1


def test_rejecting_a_suggested_merge_keeps_two_people():
    at = _upload()
    before = int(metric(at, "People found"))
    next(b for b in at.button if b.label == "Different").click().run()
    assert not at.exception
    assert int(metric(at, "People found")) == before
    assert "No look-alike names to check." in texts(at)


def test_linking_an_unknown_number_gives_its_calls_to_that_person(expected_upload):
    _, res, _ = expected_upload
    from analysis.importers.base import stable_id

    who = "+1 415 555 0199"
    assert who in set(res.unmatched["who"])
    ben = res.people[res.people["name"] == "Ben Okafor"].iloc[0]
    at = _upload()
    assert words.md_escape(who) in texts(at)
    at.selectbox(key=f"ck_link_{stable_id(who)}").set_value(ben["contact_ids"][0]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "You linked 1 identity." in texts(at)
    assert words.md_escape(who) not in texts(at)
    # Ben now has recent calls: he is no longer among the people slipping away
    at.date_input(key="ck_as_of_input").set_value(files.AS_OF).run()
    open_page(at, "neglected")
    late = table(at, "Name", "Times the usual gap") if at.dataframe else None
    assert late is None or "Ben Okafor" not in set(late["Name"])


def test_files_that_cannot_be_read_are_explained_and_the_pages_say_so():
    at = new_app().run()
    open_page(at, "import_data")
    junk = [
        ("junk.bin", bytes(range(256)) * 4, "application/octet-stream"),
        ("empty.vcf", b"", "text/vcard"),
    ]
    at.file_uploader[0].set_value(junk).run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "binary" in errors and "empty" in errors
    assert list(table(at, "File", "Status")["Status"]) == ["Could not use", "Could not use"]
    open_page(at, "overview")
    assert "None of your files could be read" in texts(at)
