"""Real exports written by others (../shared/corpus): one person's cards from eight programs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.identity import resolve
from analysis.importers import import_file
from analysis.importers.base import ImportOptions, SourceFile
from analysis.model import empty_interactions
from analysis.normalize import normalize_name

ROOT = Path(__file__).resolve().parents[2]
EZ = ROOT / ".." / "shared" / "corpus" / "vcard" / "mangstadt__ez-vcard" / "src" / "test"
JOHN_DOE = EZ / "resources" / "ezvcard" / "io" / "text"

needs_corpus = pytest.mark.skipif(not JOHN_DOE.is_dir(), reason="shared corpus not present")


@needs_corpus
@pytest.mark.corpus
def test_john_doe_written_by_eight_programs_has_one_name_key_with_or_without_the_comma():
    # N:Doe;John;Richter,James;Mr.;Sr. - the comma separates two middle names, and some programs
    # write FN with it, some without: neither may be read as "Last, First".
    opts = ImportOptions(region="US")
    cards = [
        import_file(SourceFile.from_path(str(p)), opts).contacts
        for p in sorted(JOHN_DOE.glob("John_Doe_*.vcf"))
    ]
    names = {n for c in cards for n in c["full_name"] if isinstance(n, str) and "Richter" in n}
    assert {"Mr. John Richter, James Doe Sr.", "Mr. John Richter James Doe Sr."} <= names
    assert {normalize_name(n) for n in names} == {"john richter james doe"}
    res = resolve(pd.concat(cards, ignore_index=True), empty_interactions(), region="US")
    richter = res.contacts[res.contacts["full_name"].isin(names)]
    assert richter["person_id"].nunique() == 1
