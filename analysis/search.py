"""Finding people: by name, nickname, organisation, group (address-book label) or the user's
notes, including people with no contact yet.

Matching is accent- and case-blind (``Soren`` finds ``Søren``) and every word of the query must
appear somewhere in the person's searchable text.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.normalize import strip_accents

SEARCH_FIELDS = ("name", "nickname", "orgs", "categories")
"""Columns of the people frame that are searched (lists are joined), besides the notes."""


def _fold(text: str) -> str:
    return strip_accents(text).casefold()


def _text(value: object) -> str:
    if isinstance(value, list | tuple | set):
        return " ".join(str(v) for v in value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
        return ""
    return str(value)


def search_people(
    people: pd.DataFrame, query: str, notes: Mapping[str, str] | None = None, limit: int = 50
) -> pd.DataFrame:
    """People whose name, nickname, organisation, group or note holds every word of ``query``.

    Parameters
    ----------
    people : the resolution's people frame (everyone, with or without contact).
    query : what the user typed.
    notes : person_id -> the user's notes about them.
    limit : at most this many rows.

    Returns
    -------
    The matching rows of ``people`` (non-persons left out), names starting with the query first,
    then by name.
    """
    words = [_fold(w) for w in query.split() if w.strip()]
    real = people[~people["non_person"].astype(bool)] if "non_person" in people else people
    if not words:
        return real.head(0)
    notes = notes or {}
    hay = [
        _fold(" ".join(_text(row.get(f)) for f in SEARCH_FIELDS if f in real.columns)
              + " " + notes.get(str(row["person_id"]), ""))
        for _, row in real.iterrows()
    ]  # fmt: skip
    hit = [all(w in h for w in words) for h in hay]
    found = real[hit]
    starts = found["name"].map(lambda n: _fold(str(n)).startswith(words[0]))
    order = pd.DataFrame({"starts": ~starts, "name": found["name"].map(lambda n: _fold(str(n)))})
    return found.loc[order.sort_values(["starts", "name"], kind="stable").index].head(limit)
