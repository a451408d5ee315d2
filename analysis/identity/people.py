"""The people frame: one row per person, built from merged contacts or from names known only
from interactions.

A person made of contacts gets ``person_id`` ``"p" + the smallest contact_id`` of its contacts, so
the id does not change between runs, with row order, or when another file adds contacts to the
person (unless the new contact's id sorts first); its display name is the most complete full name
among its contacts, else given + family name, nickname, first e-mail, first phone, organisation.
A person adopted from interactions (a name in a chat that matches no contact) gets
``"i" + stable_id(name key)`` and the spelling used most often.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd

from analysis.identity.book import ContactBook, as_list, unique
from analysis.identity.keys import is_role_address
from analysis.importers.base import stable_id
from analysis.normalize import normalize_name

PEOPLE_COLUMNS: tuple[str, ...] = (
    "person_id", "name", "given_name", "family_name", "nickname", "emails", "phones",
    "categories", "orgs", "titles", "related", "birthday", "anniversary", "contact_ids",
    "sources", "non_person", "origin",
)  # fmt: skip


def contact_people(book: ContactBook, groups: list[list[int]]) -> tuple[pd.DataFrame, np.ndarray]:
    """(people frame in group order, person_id of each node) for the merged ``groups``.

    Most people are one contact record: their rows are made column by column
    (:func:`_single_columns`); the others one at a time (:func:`_person_row`)."""
    pids = ["p" + book.ids[members[0]] for members in groups]
    person_of_node = np.empty(len(book.ids), dtype=object)
    nodes = np.fromiter((n for members in groups for n in members), dtype=np.int64)
    sizes = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
    person_of_node[nodes] = np.repeat(np.asarray(pids, dtype=object), sizes)
    first = [members[0] for members in groups]
    columns = _single_columns(book, pids, first, [book.rows[n][0] for n in first])
    for g, members in enumerate(groups):
        if len(members) > 1 or len(book.rows[members[0]]) > 1:
            row = _person_row(book, pids[g], members)
            for c in PEOPLE_COLUMNS:
                columns[c][g] = row[c]
    return pd.DataFrame(columns, columns=list(PEOPLE_COLUMNS)), person_of_node


def _single_columns(
    book: ContactBook, pids: list[str], nodes: list[int], rows: list[int]
) -> dict[str, list]:
    """The people columns of people made of one contact record each (node ``nodes[i]``, row
    ``rows[i]``): the values :func:`_person_row` gives for one record, one column at a time."""
    col = book.cols
    in_order = rows == list(range(len(rows))) and len(rows) == len(col["full_name"])
    full, given, family, nick, org, title, birthday, anniversary = (
        list(col[c]) if in_order else [col[c][r] for r in rows]
        for c in (
            "full_name", "given_name", "family_name", "nickname", "org", "title", "birthday",
            "anniversary",
        )
    )  # fmt: skip
    emails = [list(book.emails[n]) for n in nodes]
    phones = [list(book.phones[n]) for n in nodes]
    names = [
        f or f"{g} {fa}".strip() or k or (e[0] if e else "") or (p[0] if p else "") or o
        for f, g, fa, k, e, p, o in zip(full, given, family, nick, emails, phones, org, strict=True)
    ]
    orgs = [[o] if o else [] for o in org]
    return {
        "person_id": list(pids),
        "name": names,
        "given_name": given,
        "family_name": family,
        "nickname": nick,
        "emails": emails,
        "phones": phones,
        "categories": [_unique_items(c) for c in _cells(col["categories"], rows, in_order)],
        "orgs": orgs,
        "titles": [[t] if t else [] for t in title],
        "related": [_related_items(c) for c in _cells(col["related"], rows, in_order)],
        "birthday": birthday,
        "anniversary": anniversary,
        "contact_ids": [[book.ids[n]] for n in nodes],
        "sources": [list(book.sources[n]) for n in nodes],
        "non_person": _non_people(names, emails, orgs, given, family),
        "origin": ["contacts"] * len(nodes),
    }


def _unique_items(cell: object) -> list:
    """``unique(as_list(cell))``, at once for the cells of one item or none."""
    if type(cell) is list and len(cell) < 2:
        return [cell[0]] if cell and cell[0] else []
    return unique(as_list(cell))


def _cells(column: list, rows: list[int], in_order: bool) -> list:
    """The cells ``rows`` of a contacts column (the column itself when they are all of it)."""
    return column if in_order else [column[r] for r in rows]


def _related_items(cell: object) -> list:
    """``unique(tuple(x) for x in as_list(cell))``, at once for an empty list."""
    if type(cell) is list and not cell:
        return []
    return unique(tuple(x) for x in as_list(cell))


def _non_people(
    names: list[str], emails: list[list[str]], orgs: list[list[str]], given: list[str],
    family: list[str],
) -> list[bool]:  # fmt: skip
    """:func:`is_non_person` of each person of one contact record (``given`` and ``family``
    their one given and family name), reading each distinct address's role once."""
    role = {e for e in set(chain.from_iterable(emails)) if is_role_address(e)}
    out = [not (g or fa) for g, fa in zip(given, family, strict=True)]  # to be checked further
    for i, mails in enumerate(emails):
        if mails and mails[0] in role and all(e in role for e in mails):
            out[i] = True
        elif out[i]:
            out[i] = is_non_person(names[i], mails, orgs[i], [given[i]], [family[i]])
    return out


def adopted_person_id(name_key: str) -> str:
    """The person_id of a person adopted from interactions under the normalised name ``name_key``."""
    return "i" + stable_id(name_key)


def adopted_people(names: dict[str, tuple[str, list[str]]]) -> pd.DataFrame:
    """People made from names known only from interactions: name key -> (the spelling shown,
    its source files)."""
    out = [
        {
            "person_id": adopted_person_id(key),
            "name": spelling,
            "given_name": "",
            "family_name": "",
            "nickname": "",
            "emails": [],
            "phones": [],
            "categories": [],
            "orgs": [],
            "titles": [],
            "related": [],
            "birthday": "",
            "anniversary": "",
            "contact_ids": [],
            "sources": sorted(sources),
            "non_person": False,
            "origin": "interactions",
        }
        for key, (spelling, sources) in names.items()
    ]
    return pd.DataFrame(out, columns=list(PEOPLE_COLUMNS))


def _person_row(book: ContactBook, pid: str, members: list[int]) -> dict:
    """One people row from a group of contact nodes (values taken in contact_id order)."""
    rows = (
        book.rows[members[0]] if len(members) == 1 else [r for n in members for r in book.rows[n]]
    )
    col = book.cols

    def strings(column: str) -> list[str]:
        values = col[column]
        return [values[r] for r in rows]

    def items(column: str) -> list:
        values = col[column]
        return unique(x for r in rows for x in as_list(values[r]))

    full, given, family, nick = (
        strings(c) for c in ("full_name", "given_name", "family_name", "nickname")
    )
    emails = unique(e for n in members for e in book.emails[n])
    phones = unique(p for n in members for p in book.phones[n])
    sources = unique(s for n in members for s in book.sources[n])
    orgs = unique(strings("org"))
    # The most complete full name: most words, then most letters, then not "Last, First", then
    # most accented letters (José over Jose); the first such in contact_id order.
    best = max(range(len(full)), key=lambda i: _completeness(full[i]))
    name_row = best if full[best] else None
    name = full[best]
    if not name:
        joined = [f"{g} {f}".strip() for g, f in zip(given, family, strict=True)]
        name = next((j for j in joined if j), "") or next((k for k in nick if k), "")
    name = name or (emails[0] if emails else "") or (phones[0] if phones else "")
    name = name or (orgs[0] if orgs else "")

    def pick(values: list[str]) -> str:
        if name_row is not None and values[name_row]:
            return values[name_row]
        return next((v for v in values if v), "")

    birthday, anniversary = _yearly(strings("birthday")), _yearly(strings("anniversary"))
    return {
        "person_id": pid,
        "name": name,
        "given_name": pick(given),
        "family_name": pick(family),
        "nickname": pick(nick),
        "emails": emails,
        "phones": phones,
        "categories": items("categories"),
        "orgs": orgs,
        "titles": unique(strings("title")),
        "related": unique(tuple(x) for r in rows for x in as_list(col["related"][r])),
        "birthday": birthday,
        "anniversary": anniversary,
        "contact_ids": [book.ids[n] for n in members],
        "sources": sources,
        "non_person": is_non_person(name, emails, orgs, given, family),
        "origin": "contacts",
    }


def _yearly(dates: list[str]) -> str:
    """The date a person's contacts give for a yearly date (birthday, anniversary): the first
    with a year, else the first yearless one (``--MM-DD``), in contact_id order; "" when none."""
    known = [d for d in dates if d]
    return next((d for d in known if not d.startswith("--")), known[0] if known else "")


def _completeness(name: str) -> tuple[int, int, int, int]:
    key = normalize_name(name)
    return (len(key.split()), len(key), -name.count(","), sum(ord(ch) > 127 for ch in name))


def is_non_person(
    name: str, emails: list[str], orgs: list[str], given: list[str], family: list[str]
) -> bool:
    """True when every e-mail address is a role/machine address (``noreply@``, ``info@``), or
    when there is no given or family name and the display name is one of the organisations
    (a card for a company). Deliberately simple and visible as a flag: here it only keeps
    non-people out of merge suggestions (docs/architecture.md); later stages decide what else to hide."""
    if emails and all(is_role_address(e) for e in emails):
        return True
    if any(given) or any(family):
        return False
    key = normalize_name(name)
    return bool(key) and any(normalize_name(o) == key for o in orgs)
