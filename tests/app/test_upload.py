"""The dashboard after uploading a vCard, a Google Contacts CSV and an interaction log."""

from __future__ import annotations

from dashboard import words
from tests.app import files
from tests.app.conftest import metric, open_page, table, texts


def test_each_uploaded_file_shows_its_format_and_report(uploaded_app, expected_upload):
    ds, _, _ = expected_upload
    at = uploaded_app
    assert "You are looking at a sample" not in texts(at)
    summary = table(at, "File", "Detected as")
    assert list(summary["File"]) == ["phone.vcf", "google.csv", "log.csv"]
    assert list(summary["Detected as"]) == [r.label for r in ds.reports]
    log = summary[summary["File"] == "log.csv"].iloc[0]
    assert log["Skipped"] == 1
    assert metric(at, "Files") == "3"
    where = [d.value for d in at.dataframe if "Where" in d.value.columns]
    assert any("not a date" in why for t in where for why in t["Why"])


def test_overview_and_neglected_show_the_uploaded_people(uploaded_app, expected_upload):
    _, _, an = expected_upload
    at = open_page(uploaded_app, "overview")
    people = an.people[~an.people["non_person"].astype(bool)]
    for layer in (1, 2, 3, 4):
        assert metric(at, words.circle_label(layer)) == str(int((people["circle"] == layer).sum()))
    open_page(at, "neglected")
    late = people[people["status"].isin(["neglected", "overdue", "due"])]
    if len(late):
        shown = table(at, "Name", "Times the usual gap")
        assert set(shown["Name"]) == set(late["name"])
    ben = people[people["name"] == "Ben Okafor"].iloc[0]
    assert ben["status"] in ("neglected", "overdue")  # silent for 70 days after weekly calls
    assert "Ben Okafor" in set(table(at, "Name", "Times the usual gap")["Name"])


def test_a_name_made_of_markup_is_shown_as_text(uploaded_app, expected_upload):
    _, _, an = expected_upload
    at = open_page(uploaded_app, "network")
    pid = an.people.loc[an.people["name"] == files.XSS_NAME, "person_id"].iloc[0]
    at.selectbox(key="ck_person").set_value(pid).run()
    assert not at.exception
    heading = at.subheader[0].value
    assert heading == words.md_escape(files.XSS_NAME)
    assert "\\<img" in heading
    # nothing on any page is rendered as raw HTML
    for page in ("overview", "network", "neglected", "balance", "circles", "suggestions",
                 "import_data"):  # fmt: skip
        open_page(at, page)
        assert not any(m.proto.allow_html for m in at.markdown), page


def test_removing_the_files_goes_back_to_the_sample(uploaded_app):
    at = uploaded_app
    at.button(key="ck_clear_all").click().run()
    assert not at.exception
    assert "You are looking at a sample" in texts(at)


def test_balance_circles_and_suggestions_show_the_uploaded_figures(uploaded_app, expected_upload):
    _, _, an = expected_upload
    at = open_page(uploaded_app, "balance")
    bal = an.balance
    label = f"Days in touch that were in person (last {bal.window_days} days)"
    assert metric(at, label) == words.share(bal.offline_share)
    screen = set(bal.screen_only["name"])
    assert "Carla Díaz" in screen  # e-mails and messages only, never met
    assert set(table(at, "Name", "Last met in person")["Name"]) == screen
    open_page(at, "circles")
    people = an.people[~an.people["non_person"].astype(bool)]
    counts = table(at, "Circle", "Typical size")
    assert list(counts["People"]) == [int((people["circle"] == c).sum()) for c in (1, 2, 3, 4)]
    open_page(at, "suggestions")
    assert [c.value for c in at.code] == list(an.suggestions["draft"])
    headings = [m.value for m in at.markdown if m.value.startswith("####")]
    assert len(headings) == len(an.suggestions)
