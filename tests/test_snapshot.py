"""An analysis written to bytes and read back is the same analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.importers.base import ImportOptions, SourceFile
from analysis.pipeline import analysis_from_files
from analysis.store import snapshot

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def test_round_trip_keeps_people_suggestions_balance_and_graph():
    persona = json.loads((SAMPLES / "persona.json").read_text(encoding="utf-8"))
    files = [
        SourceFile.from_path(str(SAMPLES / f))
        for f in ("phone_contacts.vcf", "google_contacts.csv", "interactions.csv")
    ]
    a = analysis_from_files(
        files,
        ImportOptions(region="DE", timezone="Europe/Berlin"),
        as_of=pd.Timestamp(persona["as_of"]),
    ).analysis
    b = snapshot.loads(snapshot.dumps(a))
    assert b.as_of == a.as_of and b.window_days == a.window_days
    left = a.people.astype(object).where(a.people.notna(), None)
    right = b.people.astype(object).where(b.people.notna(), None)
    assert left.to_dict("records") == right.to_dict("records")
    pd.testing.assert_frame_equal(
        a.suggestions.reset_index(drop=True), b.suggestions.reset_index(drop=True)
    )
    assert b.balance.offline_share == a.balance.offline_share
    assert list(b.balance.monthly["offline_share"]) == list(a.balance.monthly["offline_share"])
    assert sorted(b.graph.edges()) == sorted(a.graph.edges())
    assert b.communities == a.communities
    assert b.outside.roles_covered == a.outside.roles_covered


def test_round_trip_keeps_the_edits_the_reasons_read():
    """The reasons are written when asked for, from the people and the user's edits: read
    back, an analysis with a person placed, one rated, one archived gives the same reasons."""
    from analysis.engine import Overrides, analyze
    from tests.engine_helpers import scenario

    people, inter = scenario()
    ids = list(people["person_id"])
    ov = Overrides(circle={ids[0]: 1}, closeness={ids[1]: 5}, states={ids[2]: ("archived",)})
    a = analyze(people, inter, as_of="2025-05-01", overrides=ov)
    b = snapshot.loads(snapshot.dumps(a))
    assert b.reason_inputs == a.reason_inputs
    assert a.reason_inputs.placed == {ids[0]} and a.reason_inputs.archived == {ids[2]}
    pd.testing.assert_frame_equal(b.reasons(), a.reasons())
