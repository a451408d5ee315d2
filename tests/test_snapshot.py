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
