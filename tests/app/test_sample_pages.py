"""Every page on the bundled sample persona: the numbers and tables shown are the engine's."""

from __future__ import annotations

import pandas as pd

from dashboard import words
from tests.app.conftest import metric, open_page, table, texts


def _real(an):
    return an.people[~an.people["non_person"].astype(bool)]


def test_app_opens_on_the_sample_overview_and_says_it_is_a_sample(sample_app, expected_sample):
    _, _, an = expected_sample
    at = sample_app
    assert "You are looking at a sample" in texts(at)
    assert any(b.label == "Start with my own files" for b in at.button)
    assert at.title[0].value == "Overview"
    people = _real(an)
    for layer in (1, 2, 3, 4):
        assert metric(at, words.circle_label(layer)) == str(int((people["circle"] == layer).sum()))
    assert metric(at, "Slipping away") == str(int((people["status"] == "neglected").sum()))
    assert metric(at, "Overdue") == str(int((people["status"] == "overdue").sum()))
    label = f"In person, last {an.balance.window_days} days"
    assert metric(at, label) == words.share(an.balance.offline_share)
    top = an.suggestions.head(3)
    shown = texts(at)
    for name in top["name"]:
        assert words.md_escape(name) in shown


def test_sample_import_page_reports_every_file_with_its_skipped_records(
    sample_app, expected_sample
):
    ds, res, _ = expected_sample
    at = open_page(sample_app, "import_data")
    summary = table(at, "File", "Detected as")
    assert list(summary["File"]) == [r.file for r in ds.reports]
    assert list(summary["Detected as"]) == [r.label for r in ds.reports]
    assert list(summary["Skipped"]) == [len(r.skipped) for r in ds.reports]
    assert metric(at, "Records skipped") == str(sum(len(r.skipped) for r in ds.reports))
    skipped = [r for r in ds.reports if r.skipped]
    if skipped:  # the skipped records are listed with where and why
        tables = [d.value for d in at.dataframe if "Where" in d.value.columns]
        wheres = {w for t in tables for w in t["Where"]}
        assert {s.where for r in skipped for s in r.skipped} <= wheres
    # the merge suggestions and unmatched identities of the sample are listed
    if len(res.suggestions):
        assert any(b.label == "Same person" for b in at.button)
    if len(res.unmatched):
        assert words.md_escape(res.unmatched["who"].iloc[0]) in texts(at)


def test_network_shows_the_card_of_the_person_picked(sample_app, expected_sample):
    _, _, an = expected_sample
    at = open_page(sample_app, "network")
    people = _real(an).sort_values(["tie_strength", "person_id"], ascending=[False, True])
    people = people[people["person_id"].isin(an.graph.nodes)]
    assert at.get("plotly_chart"), "the network picture is drawn"
    strongest = people.iloc[0]
    at.selectbox(key="ck_person").set_value(strongest["person_id"]).run()
    assert not at.exception
    assert words.md_escape(strongest["name"]) in [s.value for s in at.subheader]
    label = words.status_label(strongest["status"])
    assert any(m.value.endswith(f"-badge[{label}]") for m in at.markdown)
    assert metric(at, "Tie strength") == f"{100 * float(strongest['tie_strength']):.0f} / 100"
    why = an.reasons([strongest["person_id"]]).iloc[0]
    shown = [m.value for m in at.markdown]
    for label, column in (("Status", "why_status"), ("Circle", "why_circle")):
        assert f"**{label}:** {words.md_escape(why[column])}" in shown, label


def test_network_filters_narrow_the_people_shown(sample_app, expected_sample):
    _, _, an = expected_sample
    at = open_page(sample_app, "network")
    people = _real(an)
    in_graph = people[people["person_id"].isin(an.graph.nodes)]
    assert f"Showing {len(in_graph)} of {len(in_graph)} people" in texts(at)
    at.multiselect(key="ck_net_circles").set_value([1]).run()
    assert not at.exception
    n1 = int((in_graph["circle"] == 1).sum())
    assert f"Showing {n1} of {len(in_graph)} people" in texts(at)


def test_neglected_table_lists_the_late_people_most_overdue_first(sample_app, expected_sample):
    _, _, an = expected_sample
    at = open_page(sample_app, "neglected")
    people = _real(an)
    late = people[people["status"].isin(["neglected", "overdue", "due"])]
    late = late.sort_values(["overdue_ratio", "person_id"], ascending=[False, True])
    assert metric(at, "Slipping away") == str(int((people["status"] == "neglected").sum()))
    if late.empty:
        assert "Nobody is late" in texts(at)
        return
    shown = table(at, "Name", "Times the usual gap")
    assert list(shown["Name"]) == list(late["name"])
    assert list(shown["Days since contact"]) == list(late["days_since"].round(0))
    assert all(len(s) == 12 for s in shown["Last 12 months"])


def test_balance_page_shows_the_in_person_share_and_who_went_screen_only(
    sample_app, expected_sample
):
    _, _, an = expected_sample
    at = open_page(sample_app, "balance")
    bal = an.balance
    label = f"Days in touch that were in person (last {bal.window_days} days)"
    assert metric(at, label) == words.share(bal.offline_share)
    assert metric(at, "Close people seen only on screens") == str(len(bal.screen_only))
    assert "Teo" in texts(at)  # the source of the note
    if len(bal.screen_only):
        shown = table(at, "Name", "Last met in person")
        assert list(shown["Name"]) == list(bal.screen_only["name"])


def test_circles_page_counts_people_per_circle(sample_app, expected_sample):
    _, _, an = expected_sample
    at = open_page(sample_app, "circles")
    people = _real(an)
    counts = table(at, "Circle", "Typical size")
    assert list(counts["People"]) == [int((people["circle"] == c).sum()) for c in (1, 2, 3, 4)]
    if len(an.outside.weak_active):
        weak = table(at, "Name", "Contacts lately")
        assert list(weak["Name"]) == list(an.outside.weak_active["name"])


def test_suggestions_can_be_marked_done_and_leave_the_list(sample_app, expected_sample):
    _, _, an = expected_sample
    at = open_page(sample_app, "suggestions")
    sugg = an.suggestions
    assert len(at.code) == len(sugg)
    assert [c.value for c in at.code] == list(sugg["draft"])
    if sugg.empty:
        return
    first = sugg.iloc[0]
    at.button(key=f"ck_done_{first['person_id']}").click().run()
    assert not at.exception
    headings = [m.value for m in at.markdown if m.value.startswith("####")]
    assert not any(words.md_escape(first["name"]) in h for h in headings)
    assert "Done (1)" in [e.label for e in at.expander][0]


def test_start_with_own_files_opens_the_import_page_without_the_sample(sample_app):
    at = sample_app
    at.button(key="ck_start_own").click().run()
    assert not at.exception
    assert at.title[0].value == "Your files"
    assert "No files yet" in texts(at)
    assert "You are looking at a sample" not in texts(at)


def test_network_colours_by_group_and_keeps_the_strongest_n(sample_app, expected_sample):
    _, _, an = expected_sample
    at = open_page(sample_app, "network")
    people = _real(an)
    in_graph = people[people["person_id"].isin(an.graph.nodes)]
    at.segmented_control(key="ck_net_colour").set_value("community").run()
    assert not at.exception
    fig = at.get("plotly_chart")[0].proto.spec
    assert '"Group 1"' in fig
    if len(in_graph) > 20:
        at.slider(key="ck_net_top").set_value(10).run()
        assert f"Showing 10 of {len(in_graph)} people" in texts(at)


def test_a_snoozed_suggestion_leaves_the_list_and_can_be_brought_back(sample_app, expected_sample):
    _, _, an = expected_sample
    sugg = an.suggestions
    if sugg.empty:
        return
    at = open_page(sample_app, "suggestions")
    first = sugg.iloc[0]
    at.selectbox(key=f"ck_snooze_days_{first['person_id']}").set_value(14).run()
    at.button(key=f"ck_snooze_{first['person_id']}").click().run()
    assert not at.exception
    assert f"ck_done_{first['person_id']}" not in [b.key for b in at.button]
    assert "snoozed (1)" in at.expander[0].label
    until = (an.as_of + pd.Timedelta(days=14)).strftime("%d %b")
    assert f"Snoozed: {first['name']} until {until}" in [t.value for t in at.text]
    at.button(key="ck_sugg_reset").click().run()
    assert f"ck_done_{first['person_id']}" in [b.key for b in at.button]


def test_moving_a_person_to_another_circle_changes_the_counts(sample_app, expected_sample):
    _, _, an = expected_sample
    people = _real(an)
    outer = people[people["circle"] == 3].iloc[0]
    at = open_page(sample_app, "network")
    at.selectbox(key="ck_person").set_value(outer["person_id"]).run()
    at.selectbox(key=f"ck_move_{outer['person_id']}").set_value(1).run()
    assert not at.exception, [e.value for e in at.exception]
    open_page(at, "overview")
    assert metric(at, words.circle_label(1)) == str(int((people["circle"] == 1).sum()) + 1)
    assert metric(at, words.circle_label(3)) == str(int((people["circle"] == 3).sum()) - 1)


def test_your_own_closeness_rating_changes_the_tie_strength(sample_app, expected_sample):
    _, _, an = expected_sample
    people = _real(an)
    people = people[people["person_id"].isin(an.graph.nodes)]
    weakest = people.sort_values(["tie_strength", "person_id"]).iloc[0]
    at = open_page(sample_app, "network")
    at.selectbox(key="ck_person").set_value(weakest["person_id"]).run()
    before = metric(at, "Tie strength")
    at.selectbox(key=f"ck_close_{weakest['person_id']}").set_value(5).run()
    assert not at.exception, [e.value for e in at.exception]
    after = metric(at, "Tie strength")
    assert int(after.split()[0]) > int(before.split()[0])
