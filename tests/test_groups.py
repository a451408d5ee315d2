"""Groups: labels renamed, merged and assigned; a group's "at least every N days" holds members
whose rhythm is looser to it, changes their status, and leaves everyone else alone."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.groups import all_groups, ceiling_intervals, person_groups
from analysis.importers.base import ImportOptions, SourceFile
from analysis.pipeline import analysis_from_store, import_files, remember_options
from analysis.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
PEOPLE = pd.DataFrame(
    {
        "person_id": ["a", "b", "c"],
        "categories": [["Climbing", "myContacts"], ["Kletter-Club"], []],
    }
)


def test_labels_are_renamed_merged_and_assigned():
    groups = person_groups(PEOPLE, {"Kletter-Club": "Climbing"}, {"c": ["Neighbours"]})
    assert groups == {"a": ("Climbing",), "b": ("Climbing",), "c": ("Neighbours",)}
    assert all_groups(groups) == ["Climbing", "Neighbours"]


def test_a_ceiling_holds_only_members_whose_rhythm_is_looser_and_never_overrides_the_user():
    analysed = pd.DataFrame({"person_id": ["a", "b", "c"], "expected_interval_days": [30, 7, None]})
    groups = {"a": ("Climbing",), "b": ("Climbing",), "c": ("Climbing",)}
    assert ceiling_intervals(analysed, groups, {"Climbing": 14}) == {"a": 14.0}
    assert ceiling_intervals(analysed, groups, {"Climbing": 14}, {"a": 60}) == {}


def test_a_group_ceiling_changes_the_status_of_a_member_on_the_sample(tmp_path):
    opts = ImportOptions(region="DE", timezone="Europe/Berlin", me=("Mara Jensen",))
    sources = [
        SourceFile.from_path(str(SAMPLES / n))
        for n in ("phone_contacts.vcf", "google_contacts.csv", "interactions.csv")
    ]
    with Store(tmp_path / "s.sqlite3") as store:
        remember_options(store, opts)
        import_files(store, sources, opts)
        before = analysis_from_store(store, as_of="2026-11-20").analysis.people
        calm = before[
            (before["status"] == "ok")
            & (before["expected_interval_days"] > 30)
            & (before["days_since"] > 60)
        ]
        assert len(calm)
        pid = str(calm.iloc[0]["person_id"])
        store.set_group_settings(
            {"assigned": {pid: ["Keep close"]}, "ceilings": {"Keep close": 20}}
        )
        after = analysis_from_store(store, as_of="2026-11-20").analysis.people
    b, a = before.set_index("person_id"), after.set_index("person_id")
    assert a.loc[pid, "expected_interval_days"] == 20
    assert a.loc[pid, "status"] != "ok"
    others = b.index.drop(pid)
    pd.testing.assert_series_equal(
        a.loc[others, "expected_interval_days"], b.loc[others, "expected_interval_days"]
    )
