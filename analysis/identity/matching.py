"""Interactions -> people: each distinct ``who`` is matched once, by the kind of identity it is.

An e-mail address matches by e-mail, a phone number by phone (E.164 in the user's region), anything
else by normalised name against the contacts' full names, nicknames and "given family" names.
An identity that matches more than one person is ambiguous and stays unmatched. The user's links
win over everything; a link covers every spelling of the same identity (``(415) 555-0123`` and
``+1 415 555 0123``). A ``who`` that is exactly a person_id (contact logged in the app by id) is
attached to that person (``matched_by`` ``link``). With ``adopt`` an unmatched, unambiguous name
becomes a person of its own (:func:`analysis.identity.people.adopted_people`): someone who only
brings a chat export must still see the people in it. Unmatched phones and e-mails stay unmatched.

:func:`unmatched_frame` lists what matched nobody for the user to link ("who is this?"), one row
per identity *key*: one number in two spellings (``+49 170 1234567`` and ``0170 1234567`` in region
DE) is one caller, shown in the spelling used most. Names known only from interactions that look
like a contact (:mod:`analysis.identity.lookalikes`) are listed too, with that contact.

Performance: the ``who`` column is factorised (``pd.factorize``), only the distinct values are
normalised and matched, and the result is mapped back to the rows with numpy.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.identity.book import ContactBook, as_str
from analysis.identity.keys import identity_key
from analysis.identity.many_keys import identity_keys, name_keys
from analysis.identity.people import adopted_people, adopted_person_id
from analysis.model import joined_person_ids

UNMATCHED_COLUMNS: tuple[str, ...] = (
    "who", "kind", "key", "interactions", "first", "last", "note", "person_id", "looks_like",
    "looks_like_names",
)  # fmt: skip

NO_MATCH = {
    "email": "no contact has this e-mail",
    "phone": "no contact has this phone number",
    "name": "no contact has this name",
}
ONLY_IN_INTERACTIONS = "known only from your messages and calls"

Group = tuple[str, str]
"""(kind, key) of an identity; ``("raw", text)`` when it has no key."""


@dataclass
class Matched:
    """The result of :func:`match_interactions`."""

    interactions: pd.DataFrame
    """The input interactions plus ``person_id`` and ``matched_by``."""
    codes: np.ndarray
    """row -> index into ``uniques``."""
    uniques: list
    """The distinct ``who`` values."""
    counts: np.ndarray
    """distinct value -> number of rows."""
    kinds: list[str]
    """distinct value -> ``email`` | ``phone`` | ``name``."""
    keys: list[str]
    """distinct value -> its key (:func:`analysis.identity.keys.identity_key`)."""
    unknown: dict[Group, tuple[list[int], str]]
    """Identities that matched nobody (or several people): group -> (distinct values, note)."""
    adopted_keys: dict[str, list[int]]
    """name key of a person adopted from interactions -> its distinct values."""

    def chat_only_names(self) -> list[str]:
        """Name keys that match no contact (adopted, or unmatched for want of one), sorted."""
        keys = set(self.adopted_keys)
        keys.update(g[1] for g, (_, note) in self.unknown.items() if note == NO_MATCH["name"])
        return sorted(keys)


def link_keys(
    book: ContactBook,
    person_of_node: np.ndarray,
    links: Iterable[tuple[str, str]],
    region: str,
    ignored: list[str],
) -> dict[Group, str]:
    """(kind, key) of each linked ``who`` -> person_id; links to contacts that are not loaded are
    reported in ``ignored`` and left out."""
    out: dict[Group, str] = {}
    for who, cid in sorted(links):
        if cid not in book.node:
            ignored.append(f"link {who!r} -> {cid}: contact {cid} is not in the loaded files")
            continue
        kind, key = identity_key(who, region)
        out[(kind, key) if key else ("raw", who)] = person_of_node[book.node[cid]]
    return out


def contact_index(book: ContactBook, person_of_node: np.ndarray) -> dict[str, dict[str, set[str]]]:
    """kind (``email``, ``phone``, ``name``) -> key -> the person_ids that have it. Names are
    every contact's full name, nickname and "given family"."""
    index: dict[str, dict[str, set[str]]] = {
        "email": defaultdict(set),
        "phone": defaultdict(set),
        "name": defaultdict(set),
    }
    cols = book.cols
    full, nick = book.full_name_keys, name_keys(cols["nickname"])
    given, family = cols["given_name"], cols["family_name"]
    given_family = name_keys(
        [f"{g} {f}" if g or f else "" for g, f in zip(given, family, strict=True)]
    )
    for n, rows in enumerate(book.rows):
        pid = person_of_node[n]
        for e in book.emails[n]:
            index["email"][e].add(pid)
        for p in book.phones[n]:
            index["phone"][p].add(pid)
        for r in rows:
            for key in (full[r], nick[r], given_family[r]):
                if key:
                    index["name"][key].add(pid)
    return index


def match_interactions(
    book: ContactBook,
    person_of_node: np.ndarray,
    interactions: pd.DataFrame,
    region: str,
    links: dict[Group, str],
    adopt: bool,
    index: dict[str, dict[str, set[str]]] | None = None,
    who: pd.Categorical | None = None,
) -> Matched:
    """Attach every interaction to a person (rules in the module docstring); ``index`` is
    :func:`contact_index` of ``book`` and ``who`` the interactions' ``who`` as a categorical,
    when the caller has them already."""
    if index is None:
        index = contact_index(book, person_of_node)
    codes, uniques = _factorize(interactions["who"] if who is None else pd.Series(who, copy=False))
    m = len(uniques)
    notes: dict[int, str] = {}
    known_ids = set(person_of_node.tolist())
    pending: list[tuple[int, str]] = []  # unmatched names that may become people
    kinds, keys = identity_keys(uniques, region)
    pid, by, found = match_identities(uniques, kinds, keys, links, known_ids, index)
    for u in np.flatnonzero(pd.isna(pid)).tolist():
        kind, key = kinds[u], keys[u]
        if found[u]:
            notes[u] = f"ambiguous: matches {found[u]} people"
        elif kind == "name" and adopt and key:
            pending.append((u, key))
        else:
            notes[u] = NO_MATCH[kind] if key else "no identity given"
    adopted_ids = {adopted_person_id(key): key for _, key in pending}
    adopted_keys: dict[str, list[int]] = defaultdict(list)
    for u, key in pending:
        raw = uniques[u].strip()
        if raw in adopted_ids and adopted_ids[raw] != key:
            pid[u], by[u] = raw, "link"  # the id of a person adopted from another name
        else:
            pid[u], by[u] = adopted_person_id(key), "name"
            adopted_keys[key].append(u)

    matched = interactions.assign(
        person_id=person_column(pid, codes, interactions.index),
        matched_by=matched_by_column(by, codes, interactions.index),
    )
    counts = np.bincount(codes, minlength=m)
    unknown: dict[Group, tuple[list[int], str]] = {}
    for u, note in notes.items():
        group = (kinds[u], keys[u]) if keys[u] else ("raw", as_str(uniques[u]))
        unknown.setdefault(group, ([], note))[0].append(u)
    return Matched(matched, codes, uniques, counts, kinds, keys, unknown, dict(adopted_keys))


def person_column(pid: np.ndarray, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The resolved interactions' ``person_id`` column: ``pid[codes]`` (``pid``: an object array
    of person ids or None per distinct ``who``; ``codes``: each row's position in it) as a
    categorical over the person ids that occur, sorted as text, missing where unmatched.

    Categorical because every later step looks the rows up by person
    (:func:`analysis.metrics.cadence.person_codes` returns such a column as it is): the ids are
    hashed once per distinct ``who`` here, not once per row in each step (measured at a million
    rows: 0.15 s of the metrics). The values read as an object column's do (``==``, ``isin``,
    ``notna``); a missing one reads as NaN (``tolist``, ``to_numpy``), not None."""
    per_value = joined_person_ids([pd.Series(pid, dtype=object)])  # hashed once per identity
    return pd.Series(
        pd.Categorical.from_codes(per_value.codes[codes], categories=per_value.categories),
        index=index,
    )


MATCHED_BY_DTYPE = pd.CategoricalDtype(["", "email", "phone", "name", "link"])
"""The dtype of ``matched_by``: how a row's identity was matched ("" when it was not). One
dtype whatever the rows, so that rows matched apart (a logged contact) join the others as they
are."""


def matched_by_column(by: np.ndarray, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The resolved interactions' ``matched_by`` column: ``by[codes]`` (``by``: how each
    distinct ``who`` was matched, "" when it was not) as a :data:`MATCHED_BY_DTYPE`
    categorical, so that a million rows hold small codes rather than a reference each."""
    at = MATCHED_BY_DTYPE.categories.get_indexer(np.asarray(by, dtype=object))
    if (at < 0).any():
        raise ValueError(f"unknown matched_by value(s): {sorted(set(by[at < 0].tolist()))}")
    return pd.Series(pd.Categorical.from_codes(at[codes], dtype=MATCHED_BY_DTYPE), index=index)


def match_identities(
    uniques: list,
    kinds: list[str],
    keys: list[str],
    links: dict[Group, str],
    known_ids: set[str],
    index: dict[str, dict[str, set[str]]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct ``who`` values ``uniques`` (with their kinds and keys from
    :func:`analysis.identity.many_keys.identity_keys`) -> ``(person_id or None, matched_by,
    people found)``, three arrays in their order. For each: the user's link first, then a
    person_id written as the identity, then the contact index (a match only when exactly one
    person has the key; ``people found`` says how many did). One pass of dictionary look-ups:
    as fast as ``pandas.Index.get_indexer`` over the index at 28,000 identities, and a logged
    contact's few identities cost nothing like the index's size."""
    pid: list[str | None] = []
    by: list[str] = []
    found: list[int] = []
    for raw, kind, key in zip(uniques, kinds, keys, strict=True):
        link = links.get((kind, key) if key else ("raw", raw)) if links else None
        if link is None and isinstance(raw, str) and raw.strip() in known_ids:
            link = raw.strip()  # a person_id written as the identity (contact logged in the app)
        people = () if link is not None or not key else index[kind].get(key, ())
        if link is not None or len(people) == 1:
            pid.append(link if link is not None else next(iter(people)))
            by.append("link" if link is not None else kind)
            found.append(1)
        else:
            pid.append(None)
            by.append("")
            found.append(len(people))
    return (
        np.array(pid, dtype=object),
        np.array(by, dtype=object),
        np.array(found, dtype=np.int64),
    )


IDENTITY_COLUMNS: tuple[str, ...] = ("kind", "key", "person_id")
"""Columns of the identities frame (:func:`identities_frame`)."""


def empty_identities() -> pd.DataFrame:
    """An identities frame with no rows."""
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in IDENTITY_COLUMNS})


def identities_frame(
    index: dict[str, dict[str, set[str]]], links: dict[Group, str], known_ids: set[str]
) -> pd.DataFrame:
    """What :func:`match_identities` needs, as a frame to keep with a resolution: one row per
    (kind, key, person_id) of the contact index, ``kind`` ``link:<kind>`` for the user's links
    and ``id`` for the person_ids of contacts."""
    # sets in sorted order: the same rows in every process (str hashes differ between them)
    rows = [(kind, key, pid) for kind, keys in index.items() for key, pids in keys.items()
            for pid in sorted(pids)]  # fmt: skip
    rows += [(f"link:{kind}", key, pid) for (kind, key), pid in links.items()]
    rows += [("id", pid, pid) for pid in sorted(known_ids)]
    return pd.DataFrame(
        {c: pd.Series([r[i] for r in rows], dtype=object) for i, c in enumerate(IDENTITY_COLUMNS)}
    )


def match_known(
    interactions: pd.DataFrame, identities: pd.DataFrame, region: str
) -> pd.DataFrame | None:
    """``interactions`` plus ``person_id`` and ``matched_by`` when every distinct ``who`` matches
    exactly one person through ``identities`` (:func:`identities_frame` of an earlier
    resolution), exactly as :func:`match_interactions` would attach them; None when any does not
    (ambiguous, unknown, a name to adopt): then only a full resolution gives the right answer."""
    index, links, known_ids = _lookup_of(identities)
    codes, uniques = _factorize(interactions["who"])
    kinds, keys = identity_keys(uniques, region)
    pid, by, _ = match_identities(uniques, kinds, keys, links, known_ids, index)
    if pd.isna(pid).any():
        return None
    return interactions.assign(
        person_id=person_column(pid, codes, interactions.index),
        matched_by=matched_by_column(by, codes, interactions.index),
    )


_Lookup = tuple[dict[str, dict[str, set[str]]], dict[Group, str], set[str]]
_LOOKUPS: list[tuple[pd.DataFrame, _Lookup]] = []
"""The lookups of the identities frames matched against last, newest first, with the frames
themselves (compared by identity: a resolution's frames are never changed in place)."""
_LOOKUPS_KEPT = 2  # the user's resolution and the sample's
_LOOKUPS_LOCK = threading.Lock()  # the dashboard runs each browser session on a thread


def _lookup_of(identities: pd.DataFrame) -> _Lookup:
    """``(index, links, known_ids)`` of an identities frame, as :func:`match_identities` reads
    them; built once per frame, so that matching each logged contact does not go over every
    identity again."""
    with _LOOKUPS_LOCK:
        for frame, lookup in _LOOKUPS:
            if frame is identities:
                return lookup
    index: dict[str, dict[str, set[str]]] = {
        k: defaultdict(set) for k in ("email", "phone", "name")
    }
    links: dict[Group, str] = {}
    known_ids: set[str] = set()
    for kind, key, pid in identities.itertuples(index=False):
        if kind == "id":
            known_ids.add(pid)
        elif kind.startswith("link:"):
            links[(kind[5:], key)] = pid
        else:
            index[kind][key].add(pid)
    lookup = (index, links, known_ids)
    with _LOOKUPS_LOCK:
        _LOOKUPS.insert(0, (identities, lookup))
        del _LOOKUPS[_LOOKUPS_KEPT:]
    return lookup


def _factorize(who: pd.Series) -> tuple[np.ndarray, list]:
    """(code per row, the distinct values): only the distinct values are normalised and matched.
    A categorical column gives its codes for free; missing values are one more value (None)."""
    if isinstance(who.dtype, pd.CategoricalDtype):
        codes, used = pd.factorize(who.cat.codes.to_numpy())
        # code -1 (missing) picks the trailing None
        categories = np.append(np.asarray(who.cat.categories, dtype=object), [None])
        return codes, categories[used].tolist()
    codes, uniques = pd.factorize(who, use_na_sentinel=False)
    return codes, list(uniques)


def _spelling(matched: Matched, us: list[int]) -> str:
    """The spelling of an identity used most often (then the first in sort order)."""
    best = min(us, key=lambda u: (-matched.counts[u], as_str(matched.uniques[u])))
    return as_str(matched.uniques[best]).strip()


def adopted_frame(matched: Matched) -> pd.DataFrame:
    """The people adopted from names that match no contact (columns of the people frame): name =
    the spelling used most often, sources = the files it appears in."""
    if not matched.adopted_keys:
        return adopted_people({})
    flag = np.zeros(len(matched.uniques), dtype=bool)
    for us in matched.adopted_keys.values():
        flag[us] = True
    rows = flag[matched.codes]
    pairs = pd.DataFrame(
        {
            "u": matched.codes[rows],
            "source": matched.interactions["source"].to_numpy(dtype=object)[rows],
        }
    ).drop_duplicates()
    sources_of: dict[int, set[str]] = defaultdict(set)
    for u, s in zip(pairs["u"].tolist(), pairs["source"].tolist(), strict=True):
        sources_of[u].add(as_str(s))
    return adopted_people(
        {
            key: (_spelling(matched, us), sorted({s for u in us for s in sources_of[u]}))
            for key, us in matched.adopted_keys.items()
        }
    )


def unmatched_frame(matched: Matched, lookalikes: dict[str, list[tuple[str, str]]]) -> pd.DataFrame:
    """The "who is this?" list, most frequent first: every identity that matched nobody (or
    several people), and every name known only from interactions that looks like a contact.

    Columns: who (the spelling used most), kind (``phone`` | ``email`` | ``name``), key (the
    normal form: E.164, address, name key), interactions, first, last, note, person_id (the person
    adopted from the name, else None), looks_like (person_ids, best first) and looks_like_names.
    ``lookalikes`` maps a name key to its (person_id, name) look-alikes."""
    entries: list[tuple[Group, list[int], str, str | None]] = []
    for group, (us, note) in matched.unknown.items():
        entries.append((group, us, note, None))
    for key, us in matched.adopted_keys.items():
        if lookalikes.get(key):
            entries.append((("name", key), us, ONLY_IN_INTERACTIONS, adopted_person_id(key)))
    if not entries:
        return _empty_unmatched()
    group_of = np.full(len(matched.uniques), -1, dtype=np.int64)
    for g, (_, us, _, _) in enumerate(entries):
        group_of[us] = g
    row_group = group_of[matched.codes]
    rows = row_group >= 0
    span = matched.interactions["timestamp"][rows].groupby(row_group[rows]).agg(["min", "max"])
    span = span.reindex(range(len(entries)))
    out = []
    for (kind, key), us, note, person in entries:
        alike = lookalikes.get(key, []) if kind == "name" else []
        if alike:
            note = f"{note}; looks like {', '.join(name for _, name in alike)}"
        out.append(
            {
                "who": _spelling(matched, us),
                "kind": kind if kind != "raw" else matched.kinds[us[0]],
                "key": key if kind != "raw" else "",
                "interactions": int(matched.counts[us].sum()),
                "note": note,
                "person_id": person,
                "looks_like": [p for p, _ in alike],
                "looks_like_names": [name for _, name in alike],
            }
        )
    frame = pd.DataFrame(out)
    frame["first"] = span["min"]  # both indexed 0..n-1
    frame["last"] = span["max"]
    frame = frame[list(UNMATCHED_COLUMNS)]
    frame["interactions"] = frame["interactions"].astype("int64")
    frame = frame.sort_values(
        ["interactions", "who", "kind"], ascending=[False, True, True], kind="mergesort"
    )
    return frame.reset_index(drop=True)


def _empty_unmatched() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in UNMATCHED_COLUMNS})
    frame["interactions"] = frame["interactions"].astype("int64")
    for c in ("first", "last"):
        frame[c] = pd.Series(dtype="datetime64[ns, UTC]")
    return frame
