"""Identity resolution given the interactions' ``who`` already coded (as the store keeps it)
decides exactly what it decides from the text column."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.identity import resolve
from analysis.store.store import who_categorical
from tests.identity.helpers import card, contacts, log

FRAMES = ("people", "contacts", "merges", "suggestions", "unmatched", "identities", "interactions")


def _inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    book = contacts(
        card("a1", "Anna Berg", phones=["+49 30 1234567"], emails=["anna@example.org"]),
        card("b2", "Ben Kraus", phones=["0170 7654321"]),
        card("c3", "Chris Lang"),
        card("c4", "Chris Lang", source="work.vcf"),
    )
    rows = [
        ("2024-01-05T10:00:00Z", "Anna Berg"),
        ("2024-01-06T10:00:00Z", "030 1234567"),  # Anna's number, as the phone writes it
        ("2024-01-07T10:00:00Z", "ANNA@example.org"),
        ("2024-01-08T10:00:00Z", "+491707654321"),  # Ben
        ("2024-01-09T10:00:00Z", "Tom K."),  # nobody: adopted as a person of its own
        ("2024-01-10T10:00:00Z", "0171 5550000"),  # an unknown number: unmatched
        ("2024-01-11T10:00:00Z", "Chris Lang"),  # two cards, one person
        ("2024-01-12T10:00:00Z", "Tom K."),
        ("2024-01-13T10:00:00Z", "030 1234567"),
    ]
    return book, log(*rows)


def test_resolution_with_who_coded_equals_resolution_from_the_text_column() -> None:
    book, interactions = _inputs()
    plain = resolve(book, interactions, region="DE")
    who = who_categorical(interactions["who"])
    assert len(who.categories) == interactions["who"].nunique() == 7
    coded = resolve(book, interactions, region="DE", who=who)
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(coded, name), getattr(plain, name), obj=name)
    assert plain.interactions["person_id"].notna().sum() == 8  # all but the unknown number


def test_a_coded_who_of_other_rows_is_refused() -> None:
    book, interactions = _inputs()
    who = who_categorical(interactions["who"].iloc[:-1])
    with pytest.raises(ValueError, match="who has 8 rows, the interactions 9"):
        resolve(book, interactions, region="DE", who=who)


def test_resolved_person_ids_are_coded_by_person_sorted_as_text_and_missing_when_unmatched():
    book, interactions = _inputs()
    pid = resolve(book, interactions, region="DE").interactions["person_id"]
    assert isinstance(pid.dtype, pd.CategoricalDtype)
    cats = list(pid.cat.categories)
    # every person the rows reach, once, sorted as text: Anna, Ben, Chris, the adopted Tom K.
    assert cats == sorted(cats) and len(cats) == 4
    assert pid.isna().tolist() == [False] * 5 + [True] + [False] * 3  # the unknown number
    assert pid.iloc[0] == pid.iloc[1] == pid.iloc[2] == pid.iloc[8]  # Anna, three spellings
    assert pid.iloc[4] == pid.iloc[7] != pid.iloc[0]  # Tom K., adopted


def test_the_metrics_take_the_resolved_person_column_without_coding_it_again():
    from analysis.metrics.cadence import person_codes

    book, interactions = _inputs()
    pid = resolve(book, interactions, region="DE").interactions["person_id"]
    assert person_codes(pid) is pid


def test_matched_by_is_one_categorical_dtype_and_an_unknown_word_is_an_error():
    import numpy as np
    import pandas as pd
    import pytest

    from analysis.identity.matching import MATCHED_BY_DTYPE, matched_by_column

    by = np.array(["email", "", "link", "name", "phone"], dtype=object)
    col = matched_by_column(by, np.array([0, 2, 2, 1, 4, 3]), pd.RangeIndex(6))
    assert col.dtype == MATCHED_BY_DTYPE
    assert col.tolist() == ["email", "link", "link", "", "phone", "name"]
    with pytest.raises(ValueError, match="raw"):
        matched_by_column(np.array(["raw"], dtype=object), np.array([0]), pd.RangeIndex(1))
