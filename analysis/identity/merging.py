"""Which contact records are one person: union-find over exact keys, with a reason per merge.

Contacts are merged on exact keys, applied in this order (docs/architecture.md, "The flow"):

1. pairs the user confirmed (reason ``confirmed by you``);
2. the same normalised e-mail address (``same e-mail ana@x.org``);
3. the same phone number in E.164 with the user's region (``same phone +1415...``);
4. the same normalised name (``same name 'ana lima'``; :func:`analysis.normalize.normalize_name`:
   case, accents and other scripts' spellings, punctuation, titles, suffixes and ``Last, First``
   order do not matter).

Guards that keep merges precise (each a judgement call, named below):

* A name key merges only when it has at least :data:`MIN_NAME_TOKENS` words. A one-word name
  ("Mom", "Ana") merges only with the same word from *another* source file, and only when no file
  holds it twice: "Mom" in the phone export and "Mom" in the Google export are one person, two
  "Ana" cards in one address book are not known to be.
* Names merge only with the same generational suffix: ``James Doe Sr.`` and ``James Doe Jr.`` (or
  ``James Doe``) are father and son until the user says otherwise.
* A key held by more than :data:`MAX_CONTACTS_PER_KEY` contacts (a company switchboard on every
  card of a firm, six different "John Smith"s) is not used at all.
* Phone numbers with fewer than :data:`MIN_PHONE_KEY_DIGITS` digits (short codes) are not keys.
* Role and machine addresses (``info@``, ``noreply@``;
  :func:`analysis.normalize.is_non_person_email`) are never merge keys: they name a mailbox, not a
  person ("Ana Lima" and the "Acme" card may both list ``info@acme.com``).
* A phone number shared by contacts whose full names contradict each other ("Ana Lima" and
  "Bruno Lima" on one home landline) is not used to merge them; the pair is offered as a
  suggestion instead (when exactly one pair of its names clashes). Names contradict when both have
  two or more words and neither's words contain the other's; a one-word name ("Mom") never
  contradicts. A personal e-mail address always merges: it is the strongest evidence there is.
* A pair the user rejected is never merged: keys are applied in a fixed order (confirmed, e-mail,
  phone, name; then by key, then by contact_id) and a union that would put a rejected pair into
  one person is refused.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass

from analysis.identity.book import ContactBook
from analysis.identity.keys import is_role_address

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

Edge = tuple[int, int, str]
"""(node, node, reason): one union, or one contact pair offered instead of merged."""


@dataclass
class Merged:
    """The result of :func:`merge`."""

    groups: list[list[int]]
    """The people as lists of nodes (each sorted; sorted by first node)."""
    parents: dict[int, tuple[int, str]]
    """node -> (the node it was joined to, why), for every node beyond its group's first."""
    conflicts: list[Edge]
    """Contact pairs sharing a phone whose names contradict: offered as suggestions."""


def merge(
    book: ContactBook, confirmed: list[tuple[int, int]], rejected: list[tuple[int, int]]
) -> Merged:
    """Merge the contact nodes of ``book`` on the user's ``confirmed`` pairs and the exact keys,
    never joining a ``rejected`` pair (rules in the module docstring)."""
    edges, conflicts = merge_edges(book, confirmed)
    groups, tree = union(len(book.ids), edges, rejected)
    return Merged(groups, tree_parents(groups, tree), conflicts)


def decision_pairs(
    book: ContactBook, pairs: Iterable[tuple[str, str]], what: str, ignored: list[str]
) -> list[tuple[int, int]]:
    """The user's (contact_id, contact_id) pairs as sorted node pairs; a pair naming a contact
    that is not loaded is reported in ``ignored`` (``what`` names the kind) and left out."""
    out = []
    for a, b in pairs:
        if a in book.node and b in book.node:
            if a != b:
                out.append((book.node[a], book.node[b]))
        else:
            missing = a if a not in book.node else b
            ignored.append(f"{what} pair ({a}, {b}): contact {missing} is not in the loaded files")
    return sorted(out)


def merge_edges(
    book: ContactBook, confirmed: list[tuple[int, int]]
) -> tuple[list[Edge], list[Edge]]:
    """Union edges in application order, and contact pairs that share a phone but whose names
    contradict (offered as suggestions)."""
    keys: dict[tuple[int, str], set[int]] = defaultdict(set)  # (kind order, key) -> nodes
    single: dict[str, set[int]] = defaultdict(set)
    for n in range(len(book.ids)):
        for e in book.emails[n]:
            if not is_role_address(e):
                keys[(0, e)].add(n)
        for p in book.phones[n]:
            if len(p.lstrip("+")) >= MIN_PHONE_KEY_DIGITS:  # normalize_phone keeps digits only
                keys[(1, p)].add(n)
        name = book.names[n]
        if name.count(" ") + 1 >= MIN_NAME_TOKENS:
            generation = book.generations[n]
            key = f"{name} {generation}" if generation else name
            keys[(2, key)].add(n)
        elif name:
            single[name].add(n)
    for name, nodes in single.items():
        per_source: dict[str, int] = defaultdict(int)
        for n in nodes:
            for s in book.sources[n]:
                per_source[s] += 1
        if len(per_source) >= 2 and max(per_source.values()) == 1:
            keys[(3, name)] = nodes

    edges: list[Edge] = [(a, b, "confirmed by you") for a, b in confirmed]
    conflicts: list[Edge] = []
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
                if names_conflict(book.names[a], book.names[b])
            ]
            if clash:
                if len(clash) == 1:  # more clashing names on one line: a shared line, no pair
                    conflicts.append((*clash[0], f"{reason}, different names"))
                continue
        edges.extend((holders[0], h, reason) for h in holders[1:])
    return edges, conflicts


def names_conflict(a: str, b: str) -> bool:
    """Two normalised full names of two or more words each, neither containing the other's words."""
    ta, tb = set(a.split()), set(b.split())
    if len(ta) < MIN_NAME_TOKENS or len(tb) < MIN_NAME_TOKENS:
        return False
    return not (ta <= tb or tb <= ta)


def union(
    n: int, edges: list[Edge], rejected: list[tuple[int, int]]
) -> tuple[list[list[int]], list[Edge]]:
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


def tree_parents(groups: list[list[int]], tree: list[Edge]) -> dict[int, tuple[int, str]]:
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
