"""The contacts as identity resolution reads them: one node per contact_id, with its match keys.

:class:`ContactBook` is built once per :func:`analysis.identity.resolve` call; merging, people and
matching all read it. Node ``n`` is the ``n``-th contact_id in sorted order, so nothing depends on
the order of the rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.identity.many_keys import identity_keys, name_keys, phone_keys
from analysis.normalize import GENERATION_SUFFIXES, name_generation, normalize_name

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
    full_name_keys: list[str]
    """row position -> :func:`analysis.normalize.normalize_name` of its full name."""
    node: dict[str, int] = field(default_factory=dict)
    """contact_id -> node."""

    @classmethod
    def build(cls, contacts: pd.DataFrame, region: str) -> ContactBook:
        """Read the contacts frame (columns of :mod:`analysis.model`) with phones in ``region``.

        A node's name is the key of its first full name that is a name (not an e-mail address
        or a phone number, which some exports put in FN), else of its first given and family
        name. The keys of all the contacts' names, addresses and numbers are found at once
        (:mod:`analysis.identity.many_keys`), then gathered per node in row order."""
        cols = {c: contacts[c].tolist() for c in contacts.columns}
        for c in _STRING_COLUMNS:  # "" for None/NaN, once, so nothing below has to check
            # (a frame from before a column existed, such as ``anniversary``, gets "")
            cols[c] = _strings(contacts[c]) if c in contacts else [""] * len(contacts)
        raw_ids = [str(c) for c in cols["contact_id"]]
        ids = sorted(set(raw_ids))
        node = {cid: i for i, cid in enumerate(ids)}
        node_of_row = np.fromiter((node[c] for c in raw_ids), dtype=np.int64, count=len(raw_ids))
        node_of = node_of_row.tolist()
        rows: list[list[int]] = [[] for _ in ids]
        for r, n in enumerate(node_of):
            rows[n].append(r)
        full = cols["full_name"]
        kinds, keys = identity_keys(full, region)  # a name key only where it is a name
        # every full name's name key: identity_keys' where it read a name (normalize_name)
        full_keys = [k if kind == "name" else "" for kind, k in zip(kinds, keys, strict=True)]
        other = [r for r, kind in enumerate(kinds) if kind != "name"]
        for r, key in zip(other, name_keys([full[r] for r in other]), strict=True):
            full_keys[r] = key
        names = [""] * len(ids)
        generations = [""] * len(ids)
        for n, rs in enumerate(rows):
            for r in rs:
                if kinds[r] == "name" and keys[r]:
                    names[n] = keys[r]
                    generations[n] = _generation(full[r])
                    break
                given, family = cols["given_name"][r], cols["family_name"][r]
                if given or family:
                    names[n] = normalize_name(f"{given} {family}")
                    if names[n]:
                        break
        emails: list[list[str]] = [[] for _ in ids]
        phones: list[list[str]] = [[] for _ in ids]
        sources: list[list[str]] = [[] for _ in ids]
        at, written = _flat(cols["emails"])
        kinds, keys = identity_keys(written, region)
        for r, kind, key in zip(at, kinds, keys, strict=True):
            if kind == "email":  # normalize_email's address, "" for anything else
                extend_unique(emails[node_of[r]], (key,))
        at, written = _flat(cols["phones"])
        for r, key in zip(at, phone_keys([as_str(p) for p in written], region), strict=True):
            extend_unique(phones[node_of[r]], (key,))
        for n, rs in enumerate(rows):
            extend_unique(sources[n], [cols["source"][r] for r in rs])
        return cls(
            ids, node_of_row, rows, cols, names, generations, emails, phones, sources, full_keys,
            node,
        )  # fmt: skip

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


def _strings(column: pd.Series) -> list[str]:
    """A string column's values, "" for None, NaN and anything else not a string (checked in
    one pass by pandas when the column holds strings and missing values only)."""
    if pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        return column.where(column.notna(), "").tolist()
    return [v if isinstance(v, str) else "" for v in column.tolist()]


def _flat(cells: list) -> tuple[list[int], list]:
    """(row, value) of every value of a column of list cells, in row order."""
    at: list[int] = []
    values: list = []
    for r, cell in enumerate(cells):
        items = as_list(cell)
        if items:
            at += [r] * len(items)
            values += items
    return at, values


_GENERATION_HINT = re.compile("|".join(sorted(GENERATION_SUFFIXES)), re.IGNORECASE)


def _generation(full: str) -> str:
    """:func:`analysis.normalize.name_generation` of a full name: only a name with a suffix's
    letters in it, or with letters outside ASCII (``Ⅱ`` reads as ``ii``), can have one."""
    if full.isascii() and not _GENERATION_HINT.search(full):
        return ""
    return name_generation(full)


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
