"""The contacts as identity resolution reads them: one node per contact_id, with its match keys.

:class:`ContactBook` is built once per :func:`analysis.identity.resolve` call; merging, people and
matching all read it. Node ``n`` is the ``n``-th contact_id in sorted order, so nothing depends on
the order of the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.identity.keys import contact_name_key, phone_key
from analysis.normalize import name_generation, normalize_email, normalize_name

_STRING_COLUMNS = (
    "source", "full_name", "given_name", "family_name", "nickname", "org", "title", "birthday",
    "anniversary",
)  # fmt: skip


@dataclass
class ContactBook:
    """The contacts, one node per distinct contact_id, in contact_id order."""

    ids: list[str]
    """node -> contact_id (sorted)."""
    node_of_row: np.ndarray
    """row position -> node."""
    rows: list[list[int]]
    """node -> its row positions (a contact_id may appear on several rows)."""
    cols: dict[str, list]
    """contact column -> values by row position (string columns: "" for None/NaN)."""
    names: list[str]
    """node -> normalised name ("" when none)."""
    generations: list[str]
    """node -> generational suffix of that name (``jr``, ``sr``...; see
    :func:`analysis.normalize.name_generation`)."""
    emails: list[list[str]]
    """node -> normalised e-mail addresses."""
    phones: list[list[str]]
    """node -> E.164 phone numbers (digits only for numbers that are not possible numbers)."""
    sources: list[list[str]]
    """node -> source files."""
    node: dict[str, int] = field(default_factory=dict)
    """contact_id -> node."""

    @classmethod
    def build(cls, contacts: pd.DataFrame, region: str) -> ContactBook:
        """Read the contacts frame (columns of :mod:`analysis.model`) with phones in ``region``."""
        cols = {c: contacts[c].tolist() for c in contacts.columns}
        for c in _STRING_COLUMNS:  # "" for None/NaN, once, so nothing below has to check
            # (a frame from before a column existed, such as ``anniversary``, gets "")
            cols[c] = [v if isinstance(v, str) else "" for v in cols.get(c, [""] * len(contacts))]
        raw_ids = [str(c) for c in cols["contact_id"]]
        ids = sorted(set(raw_ids))
        node = {cid: i for i, cid in enumerate(ids)}
        node_of_row = np.fromiter((node[c] for c in raw_ids), dtype=np.int64, count=len(raw_ids))
        rows: list[list[int]] = [[] for _ in ids]
        for r, n in enumerate(node_of_row.tolist()):
            rows[n].append(r)
        names = [""] * len(ids)
        generations = [""] * len(ids)
        emails: list[list[str]] = [[] for _ in ids]
        phones: list[list[str]] = [[] for _ in ids]
        sources: list[list[str]] = [[] for _ in ids]
        name_cols = [cols[c] for c in ("full_name", "given_name", "family_name")]
        em_col, ph_col, src_col = (cols[c] for c in ("emails", "phones", "source"))
        for n, rs in enumerate(rows):
            for r in rs:
                full, given, family = (c[r] for c in name_cols)
                if not names[n]:
                    names[n] = contact_name_key(full)
                    if names[n]:
                        generations[n] = name_generation(full)
                    elif given or family:
                        names[n] = normalize_name(f"{given} {family}")
                extend_unique(emails[n], [normalize_email(e) for e in as_list(em_col[r])])
                extend_unique(phones[n], [phone_key(as_str(p), region) for p in as_list(ph_col[r])])
                extend_unique(sources[n], [src_col[r]])
        return cls(ids, node_of_row, rows, cols, names, generations, emails, phones, sources, node)

    def given_family(self, n: int, r: int) -> tuple[str, str]:
        """(given, family) name keys of row ``r`` of node ``n``: the given/family fields when
        filled, else the first and last word of the node's name of two or more words."""
        given, family = self.cols["given_name"][r], self.cols["family_name"][r]
        given = normalize_name(given) if given else ""
        family = normalize_name(family) if family else ""
        tokens = self.names[n].split()
        if len(tokens) >= 2:
            given, family = given or tokens[0], family or tokens[-1]
        return given, family


def as_str(value: object) -> str:
    """A string cell as str ("" for None/NaN/non-strings)."""
    return value if isinstance(value, str) else ""


def as_list(value: object) -> list:
    """A list cell as a list ([] for None/NaN)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return list(value)
    return []


def extend_unique(target: list[str], values: Iterable[str]) -> None:
    """Append each non-empty value not yet in ``target`` (order kept)."""
    for v in values:
        if v and v not in target:
            target.append(v)


def unique(values: Iterable) -> list:
    """Non-empty values, first occurrence kept, in order."""
    return [v for v in dict.fromkeys(values) if v]
