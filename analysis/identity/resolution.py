"""Identity resolution: contact records and interaction identities -> people.

``resolve(contacts, interactions, region, decisions)`` -> :class:`Resolution`.

**Contacts are merged** (union-find over contact records) on exact keys, in this order (DESIGN.md,
"Identity resolution"):

1. pairs the user confirmed (reason ``confirmed by you``);
2. the same normalised e-mail address (``same e-mail ana@x.org``);
3. the same phone number, re-normalised to E.164 with the user's region (``same phone +1415...``);
4. the same normalised name (``same name 'ana lima'``): case, accents, punctuation, whitespace and
   ``Last, First`` order do not matter.

Rules that keep merges precise (each a judgement call, named below):

* A name key merges only when it has at least :data:`MIN_NAME_TOKENS` words. A one-word name
  ("Mom", "Ana") merges only with the same word from *another* source file, and only when no file
  holds it twice: "Mom" in the phone export and "Mom" in the Google export are one person, two
  "Ana" cards in one address book are not known to be.
* A key held by more than :data:`MAX_CONTACTS_PER_KEY` contacts (a company switchboard on every
  card of a firm, six different "John Smith"s) is not used at all.
* Phone numbers with fewer than :data:`MIN_PHONE_KEY_DIGITS` digits (short codes) are not keys.
* Role and machine addresses (``info@``, ``noreply@``; :func:`analysis.normalize.is_non_person_email`)
  are never merge keys: they name a mailbox, not a person ("Ana Lima" and the "Acme" card may both
  list ``info@acme.com``). They still match interactions.
* A phone number shared by contacts whose full names contradict each other ("Ana Lima" and
  "Bruno Lima" on one home landline) is not used to merge them; the pair is offered as a
  suggestion instead (when exactly one pair of its names clashes). Names contradict when both have two
  or more words and neither's words contain the other's; a one-word name ("Mom") never
  contradicts. A personal e-mail address
  always merges: it is the strongest evidence there is.
* A pair the user rejected is never merged: keys are applied in a fixed order (confirmed, e-mail,
  phone, name; then by key, then by contact_id) and a union that would put a rejected pair into
  one person is refused.
* Fuzzy name similarity never merges; it only gives :attr:`Resolution.suggestions`.

``person_id`` is ``"p" + the smallest contact_id`` of the person's contacts, so it does not change
between runs, with row order, or when another file adds contacts to the person (unless the new
contact's id sorts first). People adopted from interactions get ``"i" + stable_id(name key)``.

**Interactions** are matched on their ``who``: an e-mail address by e-mail, a phone number by
phone, anything else by normalised name against the contacts' full names, nicknames and
"given family" names. An identity that matches more than one person is ambiguous and stays
unmatched. User links win over everything. With ``adopt_unmatched_names`` an unmatched,
unambiguous name becomes a person of its own (origin ``interactions``): someone who only brings a
chat export must still see the people in it. A ``who`` that is exactly a person_id (contact logged
in the app by id) is attached to that person (``matched_by`` ``link``). Unmatched phones and e-mails stay unmatched, listed in
:attr:`Resolution.unmatched` for the user to link.

**People** get a display name (the most complete full name among their contacts, else given +
family name, nickname, first e-mail, first phone, organisation), every e-mail/phone/category/
organisation/title/relation of their contacts, and ``non_person`` (see :func:`_non_person`).

**Suggestions** (never merged until the user confirms): names of two or more words with a
rapidfuzz ratio of at least :data:`FUZZY_NAME_CUTOFF`; a nickname equal to another person's given
name with the same family name; a shared phone with contradicting names. Non-people and rejected
pairs are left out; interaction-only people are not suggested (link them instead).

Performance: the ``who`` column is factorised (``pd.factorize``), only the distinct values are
normalised and matched, and the result is mapped back to the rows with numpy; fuzzy names are
compared only within blocks that share a word.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import phonenumbers
from rapidfuzz import fuzz, process

from analysis.importers.base import stable_id
from analysis.normalize import (
    is_non_person_email,
    looks_like_phone,
    normalize_email,
    normalize_name,
    normalize_phone,
)

# --- judgement constants ---------------------------------------------------------------------

MAX_CONTACTS_PER_KEY = 5
"""A phone, e-mail or name held by more contacts than this is a shared key (a switchboard, a
family's shared address, a very common name) and is not used to merge anyone. Five allows one
person's duplicated cards across several exports."""

MIN_NAME_TOKENS = 2
"""A normalised name merges contacts on its own only with at least this many words; one-word
names merge across source files only (see the module docstring)."""

MIN_PHONE_KEY_DIGITS = 7
"""Phone numbers with fewer digits (service short codes like ``911`` or ``33669``) are not merge
keys: they are not personal."""

FUZZY_NAME_CUTOFF = 88
"""Minimum rapidfuzz ``ratio`` (0-100, Indel similarity) between two people's token-sorted
normalised names for a merge suggestion. 88 keeps one changed letter in a name of ten or more
letters ("jon smith" / "john smith" 94.7, "catherine lee" / "katherine lee" 92.3) and drops it in
shorter names ("ana lima" / "ina lima" 87.5, "chen li" / "chen lu" 85.7) and different given names
("ana lima" / "bruno lima" 66.7). It still proposes "maria silva" / "mario silva" (90.9): that is
why these are suggestions the user confirms, never merges."""

# --- API ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeDecisions:
    """What the user decided about identities (stored between runs)."""

    confirmed: tuple[tuple[str, str], ...] = ()
    """(contact_id, contact_id) pairs the user says are one person."""
    rejected: tuple[tuple[str, str], ...] = ()
    """(contact_id, contact_id) pairs the user says are different people."""
    links: tuple[tuple[str, str], ...] = ()
    """(who as it appears in interactions, contact_id): this identity is that contact's person.
    A link covers every spelling of the same identity (``(415) 555-0123`` and ``+1 415 555 0123``)."""


@dataclass
class Resolution:
    """The result of :func:`resolve`.

    people: one row per person, sorted by ``person_id``: person_id, name, given_name, family_name,
        nickname, emails, phones, categories, orgs, titles, related, birthday, contact_ids,
        sources, non_person, origin (``contacts`` | ``interactions``).
    contacts: the input contacts (same order and index) plus ``person_id``.
    merges: person_id, contact_id, reason, linked_to: one row per contact merged into a person
        beyond its first, with the contact it was joined to and why.
    suggestions: contact_a, contact_b, person_a, person_b, name_a, name_b, score, reason: possible
        merges for the user to confirm or reject, best first; rejected pairs never appear.
    interactions: the input interactions (same order and index) plus ``person_id`` (None when
        unmatched) and ``matched_by`` (``email`` | ``phone`` | ``name`` | ``link`` | "").
    unmatched: who, kind (``phone`` | ``email`` | ``name``), interactions, first, last, note:
        identities that match nobody (or more than one person), most frequent first.
    ignored_decisions: user decisions that refer to contacts no longer loaded (kept, not applied).
    """

    people: pd.DataFrame
    contacts: pd.DataFrame
    merges: pd.DataFrame
    suggestions: pd.DataFrame
    interactions: pd.DataFrame
    unmatched: pd.DataFrame
    ignored_decisions: tuple[str, ...] = ()


PEOPLE_COLUMNS: tuple[str, ...] = (
    "person_id", "name", "given_name", "family_name", "nickname", "emails", "phones",
    "categories", "orgs", "titles", "related", "birthday", "contact_ids", "sources",
    "non_person", "origin",
)  # fmt: skip
MERGE_COLUMNS: tuple[str, ...] = ("person_id", "contact_id", "reason", "linked_to")
SUGGESTION_COLUMNS: tuple[str, ...] = (
    "contact_a", "contact_b", "person_a", "person_b", "name_a", "name_b", "score", "reason",
)  # fmt: skip
UNMATCHED_COLUMNS: tuple[str, ...] = ("who", "kind", "interactions", "first", "last", "note")


def resolve(
    contacts: pd.DataFrame,
    interactions: pd.DataFrame,
    region: str = "US",
    decisions: MergeDecisions | None = None,
    adopt_unmatched_names: bool = True,
) -> Resolution:
    """Merge contact records into people and attach every interaction to a person.

    ``contacts`` and ``interactions`` have the columns of :mod:`analysis.model`; ``region`` is the
    ISO 3166 country used to read phone numbers without ``+`` (``ValueError`` if unknown);
    ``decisions`` are the user's confirmed/rejected merges and links. The rules are in the module
    docstring. The result does not depend on the order of the rows.
    """
    region = _check_region(region)
    with _gc_paused():
        return _resolve(contacts, interactions, region, decisions, adopt_unmatched_names)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while resolving. The input frames hold millions of
    object references that every full collection walks again; the many small lists built here
    trigger such collections often (measured: 1.4 s -> 0.7 s for 1,000,000 interactions). Nothing
    here builds reference cycles; the collector is restored (if it was on) on the way out."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _resolve(
    contacts: pd.DataFrame,
    interactions: pd.DataFrame,
    region: str,
    decisions: MergeDecisions | None,
    adopt_unmatched_names: bool,
) -> Resolution:
    decisions = decisions or MergeDecisions()
    book = _Book.build(contacts, region)
    ignored: list[str] = []
    confirmed = _pairs(book, decisions.confirmed, "confirmed", ignored)
    rejected = _pairs(book, decisions.rejected, "rejected", ignored)

    edges, conflicts = _merge_edges(book, confirmed)
    groups, tree = _union(len(book.ids), edges, rejected)
    person_of_node = np.empty(len(book.ids), dtype=object)
    people_rows = []
    for members in groups:
        pid = "p" + book.ids[members[0]]
        person_of_node[members] = pid
        people_rows.append(_person_row(book, pid, members))
    merge_rows = [
        (person_of_node[child], book.ids[child], reason, book.ids[parent])
        for child, (parent, reason) in _tree_parents(groups, tree).items()
    ]

    out_contacts = contacts.assign(
        person_id=pd.Series(person_of_node[book.node_of_row], index=contacts.index, dtype=object)
    )
    people = pd.DataFrame(people_rows, columns=list(PEOPLE_COLUMNS))

    links = _links(book, person_of_node, decisions.links, region, ignored)
    matched, adopted, unmatched = _match_interactions(
        book, person_of_node, interactions, region, links, adopt_unmatched_names
    )
    if len(adopted):
        people = pd.concat([people, adopted], ignore_index=True)
    people = people.sort_values("person_id", kind="mergesort", ignore_index=True)
    people["non_person"] = people["non_person"].astype(bool)

    rejected_people = {frozenset((person_of_node[a], person_of_node[b])) for a, b in rejected}
    suggestions = _suggestions(book, people, person_of_node, conflicts, rejected_people)
    merges = pd.DataFrame(merge_rows, columns=list(MERGE_COLUMNS))
    merges = merges.sort_values(["person_id", "contact_id"], ignore_index=True)
    return Resolution(
        people=people,
        contacts=out_contacts,
        merges=merges,
        suggestions=suggestions,
        interactions=matched,
        unmatched=unmatched,
        ignored_decisions=tuple(ignored),
    )


# --- contacts: keys and merging ----------------------------------------------------------------


def _check_region(region: str) -> str:
    code = (region or "").strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(
            f"unknown phone region {region!r}: give an ISO 3166 country code such as US, GB or FR"
        )
    return code


_STRING_COLUMNS = (
    "source", "full_name", "given_name", "family_name", "nickname", "org", "title", "birthday",
)  # fmt: skip


@dataclass
class _Book:
    """The contacts, one node per distinct contact_id, in contact_id order."""

    ids: list[str]  # node -> contact_id (sorted)
    node_of_row: np.ndarray  # row position -> node
    rows: list[list[int]]  # node -> row positions
    cols: dict[str, list]  # contact column -> values by row position
    names: list[str]  # node -> normalised name ("" when none)
    emails: list[list[str]]
    phones: list[list[str]]
    sources: list[list[str]]

    @classmethod
    def build(cls, contacts: pd.DataFrame, region: str) -> _Book:
        cols = {c: contacts[c].tolist() for c in contacts.columns}
        for c in _STRING_COLUMNS:  # "" for None/NaN, once, so nothing below has to check
            cols[c] = [v if isinstance(v, str) else "" for v in cols[c]]
        raw_ids = [str(c) for c in cols["contact_id"]]
        ids = sorted(set(raw_ids))
        node = {cid: i for i, cid in enumerate(ids)}
        node_of_row = np.fromiter((node[c] for c in raw_ids), dtype=np.int64, count=len(raw_ids))
        rows: list[list[int]] = [[] for _ in ids]
        for r, n in enumerate(node_of_row.tolist()):
            rows[n].append(r)
        names = [""] * len(ids)
        emails: list[list[str]] = [[] for _ in ids]
        phones: list[list[str]] = [[] for _ in ids]
        sources: list[list[str]] = [[] for _ in ids]
        name_cols = [cols[c] for c in ("full_name", "given_name", "family_name")]
        em_col, ph_col, src_col = (cols[c] for c in ("emails", "phones", "source"))
        for n, rs in enumerate(rows):
            for r in rs:
                full, given, family = (c[r] for c in name_cols)
                if not names[n]:
                    names[n] = _name_key(full) or (
                        normalize_name(f"{given} {family}") if given or family else ""
                    )
                _extend(emails[n], [normalize_email(e) for e in _list(em_col[r])])
                _extend(phones[n], [_phone_key(_s(p), region) for p in _list(ph_col[r])])
                _extend(sources[n], [src_col[r]])
        return cls(ids, node_of_row, rows, cols, names, emails, phones, sources)

    def values(self, members: list[int], column: str) -> list:
        """The column's values over the rows of ``members`` (in contact_id order)."""
        col = self.cols[column]
        return [col[r] for n in members for r in self.rows[n]]


def _name_key(full_name: str) -> str:
    """The normalised name of a contact's full name; "" when the "name" is really an e-mail
    address or a phone number (some exports put those in FN), which must not match as names."""
    if not full_name:
        return ""
    if "@" in full_name and normalize_email(full_name):
        return ""
    if _DIGIT.search(full_name) and looks_like_phone(full_name):
        return ""
    return normalize_name(full_name)


_DIGIT = re.compile(r"\d")


def _pairs(
    book: _Book, pairs: Iterable[tuple[str, str]], what: str, ignored: list[str]
) -> list[tuple[int, int]]:
    node = {cid: i for i, cid in enumerate(book.ids)}
    out = []
    for a, b in pairs:
        if a in node and b in node:
            if a != b:
                out.append((node[a], node[b]))
        else:
            missing = a if a not in node else b
            ignored.append(f"{what} pair ({a}, {b}): contact {missing} is not in the loaded files")
    return sorted(out)


def _merge_edges(
    book: _Book, confirmed: list[tuple[int, int]]
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """Union edges in application order, and contact pairs that share a key but whose names
    contradict (offered as suggestions)."""
    keys: dict[tuple[int, str], set[int]] = defaultdict(set)  # (kind order, key) -> nodes
    single: dict[str, set[int]] = defaultdict(set)
    for n in range(len(book.ids)):
        for e in book.emails[n]:
            if not _role_address(e):
                keys[(0, e)].add(n)
        for p in book.phones[n]:
            if len(p.lstrip("+")) >= MIN_PHONE_KEY_DIGITS:  # normalize_phone keeps digits only
                keys[(1, p)].add(n)
        name = book.names[n]
        if name.count(" ") + 1 >= MIN_NAME_TOKENS:
            keys[(2, name)].add(n)
        elif name:
            single[name].add(n)
    for name, nodes in single.items():
        per_source: dict[str, int] = defaultdict(int)
        for n in nodes:
            for s in book.sources[n]:
                per_source[s] += 1
        if len(per_source) >= 2 and max(per_source.values()) == 1:
            keys[(3, name)] = nodes

    edges = [(a, b, "confirmed by you") for a, b in confirmed]
    conflicts: list[tuple[int, int, str]] = []
    shared = sorted(k for k, v in keys.items() if 2 <= len(v) <= MAX_CONTACTS_PER_KEY)
    for kind, key in shared:
        holders = sorted(keys[(kind, key)])
        if kind == 0:
            reason = f"same e-mail {key}"
        elif kind == 1:
            reason = f"same phone {key}"
        else:
            reason = f"same name '{key}'"
        if kind == 1:
            clash = [
                (a, b)
                for i, a in enumerate(holders)
                for b in holders[i + 1 :]
                if _names_conflict(book.names[a], book.names[b])
            ]
            if clash:
                if len(clash) == 1:  # more clashing names on one line: a shared line, no pair
                    conflicts.append((*clash[0], f"{reason}, different names"))
                continue
        edges.extend((holders[0], h, reason) for h in holders[1:])
    return edges, conflicts


def _names_conflict(a: str, b: str) -> bool:
    """Two normalised full names of two or more words each, neither containing the other's words."""
    ta, tb = set(a.split()), set(b.split())
    if len(ta) < MIN_NAME_TOKENS or len(tb) < MIN_NAME_TOKENS:
        return False
    return not (ta <= tb or tb <= ta)


def _union(
    n: int, edges: list[tuple[int, int, str]], rejected: list[tuple[int, int]]
) -> tuple[list[list[int]], list[tuple[int, int, str]]]:
    """Union-find over ``n`` nodes applying ``edges`` in order, refusing any union that would put
    a rejected pair together. Returns the groups (each sorted, sorted by first node) and the
    edges actually used (a spanning forest)."""
    parent = list(range(n))
    members: list[set[int] | None] = [{i} for i in range(n)] if rejected else [None] * n
    forbid: list[set[int]] = [set() for _ in range(n)] if rejected else []
    for a, b in rejected:
        forbid[a].add(b)
        forbid[b].add(a)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    used = []
    for a, b, reason in edges:
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if rejected:
            ma, mb = members[ra], members[rb]
            assert ma is not None and mb is not None
            if forbid[ra] & mb or forbid[rb] & ma:
                continue
            if len(ma) < len(mb):
                ra, rb, ma, mb = rb, ra, mb, ma
            ma |= mb
            forbid[ra] |= forbid[rb]
            members[rb] = None
        parent[rb] = ra
        used.append((a, b, reason))
    grouped: dict[int, list[int]] = defaultdict(list)
    for x in range(n):
        grouped[find(x)].append(x)
    return sorted(grouped.values()), used


def _tree_parents(
    groups: list[list[int]], tree: list[tuple[int, int, str]]
) -> dict[int, tuple[int, str]]:
    """For every node merged into a group beyond its first: (the node it was joined to, why),
    walking the spanning forest breadth-first from each group's first node."""
    adj: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for a, b, reason in tree:
        adj[a].append((b, reason))
        adj[b].append((a, reason))
    out: dict[int, tuple[int, str]] = {}
    for members in groups:
        if len(members) == 1:
            continue
        seen = {members[0]}
        queue = deque([members[0]])
        while queue:
            x = queue.popleft()
            for y, reason in sorted(adj[x]):
                if y not in seen:
                    seen.add(y)
                    out[y] = (x, reason)
                    queue.append(y)
    return out


# --- people ------------------------------------------------------------------------------------


def _person_row(book: _Book, pid: str, members: list[int]) -> dict:
    """One people row from a group of contact nodes (values taken in contact_id order)."""
    rows = (
        book.rows[members[0]] if len(members) == 1 else [r for n in members for r in book.rows[n]]
    )
    if len(rows) == 1:
        return _single_person_row(book, pid, members[0], rows[0])
    col = book.cols

    def strings(column: str) -> list[str]:
        values = col[column]
        return [values[r] for r in rows]

    def items(column: str) -> list:
        values = col[column]
        if len(rows) == 1:
            return _unique(_list(values[rows[0]]))
        return _unique(x for r in rows for x in _list(values[r]))

    full, given, family, nick = (
        strings(c) for c in ("full_name", "given_name", "family_name", "nickname")
    )
    if len(members) == 1:
        n = members[0]
        emails, phones, sources = list(book.emails[n]), list(book.phones[n]), list(book.sources[n])
    else:
        emails = _unique(e for n in members for e in book.emails[n])
        phones = _unique(p for n in members for p in book.phones[n])
        sources = _unique(s for n in members for s in book.sources[n])
    orgs = _unique(strings("org"))
    # The most complete full name: most words, then most letters, then not "Last, First", then
    # most accented letters (José over Jose); the first such in contact_id order.
    best = 0 if len(full) == 1 else max(range(len(full)), key=lambda i: _completeness(full[i]))
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

    birthdays = [b for b in strings("birthday") if b]
    birthday = next(
        (b for b in birthdays if not b.startswith("--")), birthdays[0] if birthdays else ""
    )
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
        "titles": _unique(strings("title")),
        "related": _unique(tuple(x) for r in rows for x in _list(col["related"][r])),
        "birthday": birthday,
        "contact_ids": [book.ids[n] for n in members],
        "sources": sources,
        "non_person": _non_person(name, emails, orgs, given, family),
        "origin": "contacts",
    }


def _single_person_row(book: _Book, pid: str, node: int, row: int) -> dict:
    """:func:`_person_row` for a person made of one contact record (most people): same result,
    a third of the time."""
    col = book.cols
    full, given, family, nick, org, title, birthday = (
        col[c][row]
        for c in ("full_name", "given_name", "family_name", "nickname", "org", "title", "birthday")
    )
    emails, phones = list(book.emails[node]), list(book.phones[node])
    name = full or f"{given} {family}".strip() or nick
    name = name or (emails[0] if emails else "") or (phones[0] if phones else "") or org
    orgs = [org] if org else []
    return {
        "person_id": pid,
        "name": name,
        "given_name": given,
        "family_name": family,
        "nickname": nick,
        "emails": emails,
        "phones": phones,
        "categories": _unique(_list(col["categories"][row])),
        "orgs": orgs,
        "titles": [title] if title else [],
        "related": _unique(tuple(r) for r in _list(col["related"][row])),
        "birthday": birthday,
        "contact_ids": [book.ids[node]],
        "sources": list(book.sources[node]),
        "non_person": _non_person(name, emails, orgs, [given], [family]),
        "origin": "contacts",
    }


def _completeness(name: str) -> tuple[int, int, int, int]:
    key = normalize_name(name)
    return (len(key.split()), len(key), -name.count(","), sum(ord(ch) > 127 for ch in name))


def _non_person(
    name: str, emails: list[str], orgs: list[str], given: list[str], family: list[str]
) -> bool:
    """True when every e-mail address is a role/machine address (``noreply@``, ``info@``), or
    when there is no given or family name and the display name is one of the organisations
    (a card for a company). Deliberately simple and visible as a flag: here it only keeps
    non-people out of merge suggestions (DESIGN.md); later stages decide what else to hide."""
    if emails and all(_role_address(e) for e in emails):
        return True
    if any(given) or any(family):
        return False
    key = normalize_name(name)
    return bool(key) and any(normalize_name(o) == key for o in orgs)


# --- interactions ------------------------------------------------------------------------------


def _identity_key(who: object, region: str) -> tuple[str, str]:
    """(kind, normal form) of an interaction identity: kind is ``email``, ``phone`` or ``name``."""
    if not isinstance(who, str):
        return "name", ""
    email = normalize_email(who)
    if email:
        return "email", email
    if looks_like_phone(who):
        return "phone", _phone_key(who, region)
    return "name", normalize_name(who)


def _links(
    book: _Book,
    person_of_node: np.ndarray,
    links: Iterable[tuple[str, str]],
    region: str,
    ignored: list[str],
) -> dict[tuple[str, str], str]:
    """(kind, normal form) of each linked ``who`` -> person_id; unknown contacts are ignored
    (and reported)."""
    node = {cid: i for i, cid in enumerate(book.ids)}
    out: dict[tuple[str, str], str] = {}
    for who, cid in sorted(links):
        if cid not in node:
            ignored.append(f"link {who!r} -> {cid}: contact {cid} is not in the loaded files")
            continue
        kind, key = _identity_key(who, region)
        out[(kind, key) if key else ("raw", who)] = person_of_node[node[cid]]
    return out


def _name_index(book: _Book, person_of_node: np.ndarray) -> dict[str, dict[str, set[str]]]:
    index: dict[str, dict[str, set[str]]] = {
        "email": defaultdict(set),
        "phone": defaultdict(set),
        "name": defaultdict(set),
    }
    cols = book.cols
    for n, rows in enumerate(book.rows):
        pid = person_of_node[n]
        for e in book.emails[n]:
            index["email"][e].add(pid)
        for p in book.phones[n]:
            index["phone"][p].add(pid)
        for r in rows:
            given, family = cols["given_name"][r], cols["family_name"][r]
            keys = [normalize_name(cols["full_name"][r]), normalize_name(cols["nickname"][r])]
            if given or family:
                keys.append(normalize_name(f"{given} {family}"))
            for key in keys:
                if key:
                    index["name"][key].add(pid)
    return index


_NO_MATCH = {
    "email": "no contact has this e-mail",
    "phone": "no contact has this phone number",
    "name": "no contact has this name",
}


def _match_interactions(
    book: _Book,
    person_of_node: np.ndarray,
    interactions: pd.DataFrame,
    region: str,
    links: dict[tuple[str, str], str],
    adopt: bool,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The interactions with person_id and matched_by; the people adopted from unmatched names;
    the unmatched identities."""
    index = _name_index(book, person_of_node)
    codes, uniques = _factorize(interactions["who"])
    m = len(uniques)
    pid = np.full(m, None, dtype=object)
    by = np.full(m, "", dtype=object)
    kinds = [""] * m
    notes: dict[int, str] = {}
    adopted: dict[str, list[int]] = defaultdict(list)
    known_ids = set(person_of_node.tolist())
    pending: list[tuple[int, str]] = []  # unmatched names that may become people
    for u, raw in enumerate(uniques):
        kind, key = _identity_key(raw, region)
        kinds[u] = kind
        link = links.get((kind, key) if key else ("raw", raw))
        if link is None and isinstance(raw, str) and raw.strip() in known_ids:
            link = raw.strip()  # a person_id written as the identity (contact logged in the app)
        if link is not None:
            pid[u], by[u] = link, "link"
            continue
        found = index[kind].get(key, ()) if key else ()
        if len(found) == 1:
            pid[u], by[u] = next(iter(found)), kind
        elif found:
            notes[u] = f"ambiguous: matches {len(found)} people"
        elif kind == "name" and adopt and key:
            pending.append((u, key))
        else:
            notes[u] = _NO_MATCH[kind] if key else "no identity given"
    adopted_ids = {"i" + stable_id(key): key for _, key in pending}
    for u, key in pending:
        raw = uniques[u].strip()
        if raw in adopted_ids and adopted_ids[raw] != key:
            pid[u], by[u] = raw, "link"  # the id of a person adopted from another name
        else:
            pid[u], by[u] = "i" + stable_id(key), "name"
            adopted[key].append(u)

    matched = interactions.assign(
        person_id=pd.Series(pid[codes], index=interactions.index, dtype=object),
        matched_by=pd.Series(by[codes], index=interactions.index, dtype=object),
    )
    counts = np.bincount(codes, minlength=m)
    adopted_frame = _adopted_people(adopted, uniques, counts, codes, interactions)
    unmatched = _unmatched(notes, uniques, kinds, counts, codes, interactions)
    return matched, adopted_frame, unmatched


def _factorize(who: pd.Series) -> tuple[np.ndarray, list]:
    """(code per row, the distinct values): only the distinct values are normalised and matched.
    A categorical column gives its codes for free; missing values are one more value (None)."""
    if isinstance(who.dtype, pd.CategoricalDtype):
        codes, used = pd.factorize(who.cat.codes.to_numpy())
        categories = who.cat.categories
        return codes, [categories[c] if c >= 0 else None for c in used]
    codes, uniques = pd.factorize(who, use_na_sentinel=False)
    return codes, list(uniques)


def _adopted_people(
    adopted: dict[str, list[int]],
    uniques: list,
    counts: np.ndarray,
    codes: np.ndarray,
    interactions: pd.DataFrame,
) -> pd.DataFrame:
    """People made from unmatched names: name = the spelling used most often."""
    if not adopted:
        return pd.DataFrame(columns=list(PEOPLE_COLUMNS))
    flag = np.zeros(len(uniques), dtype=bool)
    for us in adopted.values():
        flag[us] = True
    rows = flag[codes]
    pairs = pd.DataFrame(
        {"u": codes[rows], "source": interactions["source"].to_numpy(dtype=object)[rows]}
    ).drop_duplicates()
    sources_of: dict[int, list[str]] = defaultdict(list)
    for u, s in zip(pairs["u"].tolist(), pairs["source"].tolist(), strict=True):
        sources_of[u].append(_s(s))
    out = []
    for key, us in adopted.items():
        spelling = min(us, key=lambda u: (-counts[u], uniques[u]))
        out.append(
            {
                "person_id": "i" + stable_id(key),
                "name": uniques[spelling].strip(),
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
                "contact_ids": [],
                "sources": sorted({s for u in us for s in sources_of[u]}),
                "non_person": False,
                "origin": "interactions",
            }
        )
    return pd.DataFrame(out, columns=list(PEOPLE_COLUMNS))


def _unmatched(
    notes: dict[int, str],
    uniques: list,
    kinds: list[str],
    counts: np.ndarray,
    codes: np.ndarray,
    interactions: pd.DataFrame,
) -> pd.DataFrame:
    """The identities left unmatched, with their count and first/last timestamps."""
    if not notes:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in UNMATCHED_COLUMNS})
        frame["interactions"] = frame["interactions"].astype("int64")
        for c in ("first", "last"):
            frame[c] = pd.Series(dtype="datetime64[ns, UTC]")
        return frame
    us = np.fromiter(notes, dtype=np.int64, count=len(notes))
    flag = np.zeros(len(uniques), dtype=bool)
    flag[us] = True
    rows = flag[codes]
    span = interactions["timestamp"][rows].groupby(codes[rows]).agg(["min", "max"])
    frame = pd.DataFrame(
        {
            "who": pd.Series([_s(uniques[u]) for u in us], dtype=object),
            "kind": pd.Series([kinds[u] for u in us], dtype=object),
            "interactions": counts[us].astype("int64"),
            "first": span["min"].reindex(us).to_numpy(),
            "last": span["max"].reindex(us).to_numpy(),
            "note": pd.Series([notes[int(u)] for u in us], dtype=object),
        }
    )
    frame = frame.sort_values(
        ["interactions", "who", "kind"], ascending=[False, True, True], kind="mergesort"
    )
    return frame.reset_index(drop=True)


# --- suggestions -------------------------------------------------------------------------------


def _suggestions(
    book: _Book,
    people: pd.DataFrame,
    person_of_node: np.ndarray,
    conflicts: list[tuple[int, int, str]],
    rejected_people: set[frozenset],
) -> pd.DataFrame:
    """Possible merges the exact keys did not make, best first (see :data:`FUZZY_NAME_CUTOFF`).

    Three kinds: similar full names (rapidfuzz ``ratio`` on token-sorted normalised names of two
    or more words, compared only between names sharing a word, so 10,000 people cost a few
    thousand small vectorised ``cdist`` calls rather than 10^8 comparisons); a nickname equal to
    the other's given name with the same family name; a shared phone whose names
    differ. Non-people and rejected pairs are left out."""
    display = dict(zip(people["person_id"], people["name"], strict=True))
    skip = set(people.loc[people["non_person"].astype(bool), "person_id"])
    found: dict[frozenset, tuple[int, str, str, str, str, str]] = {}

    def offer(pa: str, pb: str, ca: str, cb: str, score: int, reason: str) -> None:
        pair = frozenset((pa, pb))
        if pa == pb or pa in skip or pb in skip or pair in rejected_people:
            return
        if pa > pb:
            pa, pb, ca, cb = pb, pa, cb, ca
        old = found.get(pair)
        if old is None or score > old[0]:
            found[pair] = (score, pa, pb, ca, cb, reason)

    # Similar full names.
    entries: list[tuple[str, str, str]] = []  # (person_id, sorted name, first contact)
    for n, name in enumerate(book.names):
        tokens = name.split()
        if len(tokens) >= MIN_NAME_TOKENS:
            entries.append((person_of_node[n], " ".join(sorted(tokens)), book.ids[n]))
    entries = sorted(set(entries))
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, (_, sname, _) in enumerate(entries):
        for tok in set(sname.split()):
            blocks[tok].append(i)
    for tok in sorted(blocks):
        block = blocks[tok]
        if len(block) < 2 or len({entries[i][0] for i in block}) < 2:
            continue
        names = [entries[i][1] for i in block]
        for start in range(0, len(names), _CDIST_ROWS):  # bounded memory for a common word
            scores = process.cdist(
                names[start : start + _CDIST_ROWS],
                names,
                scorer=fuzz.ratio,
                score_cutoff=FUZZY_NAME_CUTOFF,
                dtype=np.uint8,
            )
            for i, j in zip(*np.nonzero(np.triu(scores, start + 1)), strict=True):
                a, b = entries[block[start + i]], entries[block[j]]
                if a[0] != b[0]:
                    score = int(scores[i, j])
                    reason = "same words in another order" if a[1] == b[1] else "similar names"
                    offer(a[0], b[0], a[2], b[2], score, reason)

    # Nickname of one = given name of the other, same family name.
    cols = book.cols

    def given_family(n: int, r: int) -> tuple[str, str]:
        given, family = cols["given_name"][r], cols["family_name"][r]
        given, family = (
            normalize_name(given) if given else "",
            normalize_name(family) if family else "",
        )
        tokens = book.names[n].split()
        if len(tokens) >= MIN_NAME_TOKENS:
            given, family = given or tokens[0], family or tokens[-1]
        return given, family

    nick_keys: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for n, rows in enumerate(book.rows):
        for r in rows:
            if cols["nickname"][r]:
                nick, family = normalize_name(cols["nickname"][r]), given_family(n, r)[1]
                if nick and family:
                    nick_keys[(nick, family)].add((person_of_node[n], book.ids[n]))
    given_keys: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    if nick_keys:
        for n, rows in enumerate(book.rows):
            for r in rows:
                key = given_family(n, r)
                if key in nick_keys:
                    given_keys[key].add((person_of_node[n], book.ids[n]))
    for key in sorted(nick_keys.keys() & given_keys.keys()):
        for pa, ca in sorted(nick_keys[key]):
            for pb, cb in sorted(given_keys[key]):
                score = _name_score(display.get(pa, ""), display.get(pb, ""))
                offer(pa, pb, ca, cb, score, f"nickname '{key[0]}' with family name '{key[1]}'")

    # Shared phone, different names.
    for a, b, reason in conflicts:
        pa, pb = person_of_node[a], person_of_node[b]
        offer(pa, pb, book.ids[a], book.ids[b], _name_score(book.names[a], book.names[b]), reason)

    rows_out = [
        (ca, cb, pa, pb, display.get(pa, ""), display.get(pb, ""), score, reason)
        for score, pa, pb, ca, cb, reason in found.values()
    ]
    frame = pd.DataFrame(rows_out, columns=list(SUGGESTION_COLUMNS))
    frame["score"] = frame["score"].astype("int64")
    for c in SUGGESTION_COLUMNS:
        if c != "score":
            frame[c] = frame[c].astype(object)
    frame = frame.sort_values(
        ["score", "person_a", "person_b"], ascending=[False, True, True], kind="mergesort"
    )
    return frame.reset_index(drop=True)


_CDIST_ROWS = 2000
"""Rows per rapidfuzz ``cdist`` call: a block of 10,000 names sharing a word costs 20 MB, not 100."""


def _name_score(a: str, b: str) -> int:
    """rapidfuzz ratio of two names with their words sorted (0-100)."""
    sa, sb = (" ".join(sorted(normalize_name(x).split())) for x in (a, b))
    return int(round(fuzz.ratio(sa, sb)))


# --- small helpers -----------------------------------------------------------------------------

_E164 = re.compile(r"\+[1-9]\d{6,14}")


def _phone_key(value: str, region: str) -> str:
    """The E.164 form of a phone number. A value already in E.164 syntax (as the importers store
    numbers) is kept as is: parsing it again with ``phonenumbers`` would give the same string
    and costs ~40 microseconds a number; anything else goes through :func:`normalize_phone`."""
    if _E164.fullmatch(value):
        return value
    return normalize_phone(value, region)


_role_address = lru_cache(maxsize=200_000)(is_non_person_email)
"""Cached: asked for every contact address, again for every person."""


def _s(value: object) -> str:
    """A string cell as str ("" for None/NaN/non-strings)."""
    return value if isinstance(value, str) else ""


def _list(value: object) -> list:
    """A list cell as a list ([] for None/NaN)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return list(value)
    return []


def _extend(target: list[str], values: Iterable[str]) -> None:
    for v in values:
        if v and v not in target:
            target.append(v)


def _unique(values: Iterable) -> list:
    """Non-empty values, first occurrence kept, in order."""
    return [v for v in dict.fromkeys(values) if v]
