"""Look-alike suggestions: pairs that may be one person, for the user to confirm. Never merges.

Two lists:

* :func:`merge_suggestions`: pairs of people made of contacts, best first: full names of two or
  more words with a rapidfuzz ``ratio`` of at least :data:`FUZZY_NAME_CUTOFF` (compared only
  between names that share a word); a nickname equal to another person's given name with the same
  family name; a shared phone with contradicting names (from :mod:`analysis.identity.merging`).
  Non-people and rejected pairs are left out. At most :data:`MAX_SUGGESTIONS_PER_PERSON` per person
  and :data:`MAX_SUGGESTIONS` in all.
* :func:`identity_lookalikes`: for names known only from interactions (a chat's "Anna", "Tom K."),
  the contact people they may be: a first name alone beside the only contact with that first name
  (``Anna`` ~ ``Anna Berg``), a name with its surname cut to the initial beside the full one
  (``Tom K.`` ~ ``Tom Keller``; and ``T. Keller``), or a similar full name as above. At most
  :data:`MAX_LOOKALIKES_PER_IDENTITY` each.

Bounded: names are compared within blocks that share a word, in ``cdist`` calls of at most
:data:`_CDIST_CELLS` cells, and only each name's best :data:`MAX_SUGGESTIONS_PER_PERSON`
look-alikes per block are kept, so 10,000 near-identical names cost memory in proportion to the
names, not to their pairs.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from analysis.identity.book import ContactBook
from analysis.identity.merging import MAX_CONTACTS_PER_KEY, MIN_NAME_TOKENS, Edge
from analysis.normalize import normalize_name

FUZZY_NAME_CUTOFF = 88
"""Minimum rapidfuzz ``ratio`` (0-100, Indel similarity) between two people's token-sorted
normalised names for a merge suggestion. 88 keeps one changed letter in a name of ten or more
letters ("jon smith" / "john smith" 94.7, "catherine lee" / "katherine lee" 92.3) and drops it in
shorter names ("ana lima" / "ina lima" 87.5, "chen li" / "chen lu" 85.7) and different given names
("ana lima" / "bruno lima" 66.7). It still proposes "maria silva" / "mario silva" (90.9): that is
why these are suggestions the user confirms, never merges."""

MAX_SUGGESTIONS_PER_PERSON = 5
"""A person appears in at most this many merge suggestions (the best ones). One person is rarely
split over more cards than that; a name with dozens of look-alikes ("Anna Berg 1".."Anna Berg 99",
or a large family of one surname) would otherwise fill the list with pairs nobody will check, and
10,000 similar names gave 672,615 pairs and 1 GB."""

MAX_SUGGESTIONS = 1000
"""At most this many merge suggestions in all, best first. They are answered one at a time;
answered pairs leave the list and the next ones come up on the following run."""

MAX_LOOKALIKES_PER_IDENTITY = 3
"""At most this many contact people offered for one name known only from interactions."""

SUGGESTION_COLUMNS: tuple[str, ...] = (
    "contact_a", "contact_b", "person_a", "person_b", "name_a", "name_b", "score", "reason",
)  # fmt: skip

_CDIST_ROWS = 2000
"""Most rows (names) per rapidfuzz ``cdist`` call."""

_CDIST_CELLS = 1_000_000
"""Most cells (rows x block names) per ``cdist`` call: with the ranking arrays about 17 bytes a
cell, so a block of 10,000 names sharing a word costs ~17 MB at a time, not 1.7 GB."""

Suggestion = tuple[int, str, str, str, str, str]
"""(score, person_a, person_b, contact_a, contact_b, reason) with person_a < person_b."""


def similar_pairs(
    names: list[str],
    others: list[str] | None = None,
    *,
    groups: np.ndarray | None = None,
    per_name: int = MAX_SUGGESTIONS_PER_PERSON,
    cutoff: int = FUZZY_NAME_CUTOFF,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, score) arrays: for each name ``names[i]``, its best ``per_name`` look-alikes
    ``others[j]`` (rapidfuzz ``ratio`` >= ``cutoff``) among those sharing a word with it, in each
    such word's block. Without ``others`` the names are compared with each other (``i != j``, and
    not within the same ``groups`` code). Ties go to the smaller ``j``, so the result depends only
    on the lists. Memory: see :data:`_CDIST_CELLS`."""
    same = others is None
    targets = names if others is None else others
    blocks = _blocks(names)
    target_blocks = blocks if same else _blocks(targets)
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    found_s: list[np.ndarray] = []
    for word in sorted(blocks.keys() & target_blocks.keys()):
        if same and len(blocks[word]) < 2:  # most words (a number, a rare name): one name
            continue
        rows_all = np.asarray(blocks[word], dtype=np.int64)
        cols = np.asarray(target_blocks[word], dtype=np.int64)
        if same and groups is not None and len(set(groups[cols])) < 2:
            continue
        # Entries of one group (one person's several names) sharing this block: masked pairwise.
        shared_groups = same and groups is not None and len(set(groups[cols])) < len(cols)
        col_names = [targets[j] for j in cols]
        step = max(1, min(_CDIST_ROWS, _CDIST_CELLS // len(cols)))
        for start in range(0, len(rows_all), step):
            rows = rows_all[start : start + step]
            scores = process.cdist(
                [names[i] for i in rows],
                col_names,
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                dtype=np.uint8,
            )
            if same:  # rows are cols[start:start + step]: never a name with itself
                diagonal = np.arange(len(rows))
                scores[diagonal, start + diagonal] = 0
                if shared_groups:
                    assert groups is not None
                    scores[groups[rows][:, None] == groups[cols][None, :]] = 0
            r, c, sc = _best_per_row(scores, min(per_name, len(cols)))
            found_i.append(rows[r])
            found_j.append(cols[c])
            found_s.append(sc)
    if not found_i:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=np.uint8)
    return np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_s)


def _best_per_row(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, score) of the ``k`` best non-zero scores of each row (ties: the smaller
    column). Sparse matrices (most rows with few look-alikes) are ranked by their non-zero cells
    only; dense ones with ``argpartition`` per row."""
    # the cells of a boolean matrix are found ten times as fast as those of a uint8 one
    r, c = np.divmod(np.flatnonzero(scores != 0), scores.shape[1])
    if len(r) <= scores.size // 8:
        sc = scores[r, c]
        order = np.lexsort((c, -sc.astype(np.int64), r))  # by row, best score, first column
        r, c, sc = r[order], c[order], sc[order]
        starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
        place = np.arange(len(r)) - np.repeat(starts, np.diff(np.r_[starts, len(r)]))
        keep = place < k
        return r[keep], c[keep], sc[keep]
    hit = np.flatnonzero(scores.any(axis=1))
    dense = scores[hit]
    width = dense.shape[1]
    preference = width - np.arange(width, dtype=np.int64)  # the earlier column wins a tie
    rank = dense.astype(np.int64) * (width + 1) + preference
    top = np.argpartition(-rank, k - 1, axis=1)[:, :k]
    top_scores = np.take_along_axis(dense, top, axis=1)
    keep = top_scores > 0
    return np.repeat(hit, k).reshape(-1, k)[keep], top[keep], top_scores[keep]


def _blocks(names: list[str]) -> dict[str, list[int]]:
    """word -> positions of the names that contain it."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(names):
        for word in set(name.split()):
            blocks[word].append(i)
    return blocks


def _sorted_words(name: str) -> str:
    return " ".join(sorted(name.split()))


def merge_suggestions(
    book: ContactBook,
    people: pd.DataFrame,
    person_of_node: np.ndarray,
    conflicts: list[Edge],
    rejected_people: set[frozenset],
) -> pd.DataFrame:
    """Possible merges the exact keys did not make, best first (rules in the module docstring).

    Columns: contact_a, contact_b, person_a, person_b, name_a, name_b, score (0-100), reason."""
    display = dict(zip(people["person_id"].tolist(), people["name"].tolist(), strict=True))
    skip = set(people.loc[people["non_person"].astype(bool), "person_id"])
    others: list[Suggestion] = list(_nicknames(book, person_of_node, display))
    for a, b, reason in conflicts:
        score = name_score(book.names[a], book.names[b])
        others.append(
            (score, person_of_node[a], person_of_node[b], book.ids[a], book.ids[b], reason)
        )
    others = [
        _oriented(s) for s in others if s[1] != s[2] and s[1] not in skip and s[2] not in skip
    ]
    candidates = heapq.merge(
        _similar_names(book, person_of_node, skip), sorted(others, key=_rank), key=_rank
    )
    chosen = cap_suggestions(candidates, rejected_people)
    rows_out = [
        (ca, cb, pa, pb, display.get(pa, ""), display.get(pb, ""), score, reason)
        for score, pa, pb, ca, cb, reason in chosen
    ]
    frame = pd.DataFrame(rows_out, columns=list(SUGGESTION_COLUMNS))
    frame["score"] = frame["score"].astype("int64")
    for c in SUGGESTION_COLUMNS:
        if c != "score":
            frame[c] = frame[c].astype(object)
    return frame


def _rank(s: Suggestion) -> tuple[int, str, str]:
    """Best first: highest score, then person ids."""
    return (-s[0], s[1], s[2])


def _oriented(s: Suggestion) -> Suggestion:
    """The suggestion with person_a < person_b."""
    score, pa, pb, ca, cb, reason = s
    return s if pa < pb else (score, pb, pa, cb, ca, reason)


def cap_suggestions(
    candidates: Iterable[Suggestion], rejected_people: set[frozenset] | None = None
) -> list[Suggestion]:
    """From ``candidates`` sorted best first (:func:`_rank`), a pair's first (best) occurrence
    only, rejected pairs left out, such that no person appears more than
    :data:`MAX_SUGGESTIONS_PER_PERSON` times; at most :data:`MAX_SUGGESTIONS` in all."""
    per_person: dict[str, int] = defaultdict(int)
    seen: set[tuple[str, str]] = set()
    out: list[Suggestion] = []
    for s in candidates:
        pair = (s[1], s[2])
        if pair in seen:
            continue
        seen.add(pair)
        if rejected_people and frozenset(pair) in rejected_people:
            continue
        if max(per_person[pair[0]], per_person[pair[1]]) >= MAX_SUGGESTIONS_PER_PERSON:
            continue
        per_person[pair[0]] += 1
        per_person[pair[1]] += 1
        out.append(s)
        if len(out) >= MAX_SUGGESTIONS:
            break
    return out


def _similar_names(
    book: ContactBook, person_of_node: np.ndarray, skip: set[str]
) -> Iterator[Suggestion]:
    """Similar full names of two or more words, one per pair of people (its best score, then its
    first names in sort order), best first (:func:`_rank`)."""
    entries = sorted(
        {
            (person_of_node[n], _sorted_words(name), book.ids[n])
            for n, name in enumerate(book.names)
            if name.count(" ") + 1 >= MIN_NAME_TOKENS and person_of_node[n] not in skip
        }
    )
    if len(entries) < 2:
        return
    person_ids = sorted({e[0] for e in entries})
    code = {p: c for c, p in enumerate(person_ids)}  # code order = person_id order
    groups = np.fromiter((code[e[0]] for e in entries), dtype=np.int64, count=len(entries))
    i, j, s = similar_pairs([e[1] for e in entries], groups=groups)
    if not len(i):
        return
    # Entry a before entry b (entries are sorted by person_id first, so person a < person b).
    a, b = np.minimum(i, j), np.maximum(i, j)
    lo, hi, score = groups[a], groups[b], s.astype(np.int64)
    order = np.lexsort((b, a, -score, hi, lo))  # per pair of people: best score, first entries
    lo, hi, a, b, score = lo[order], hi[order], a[order], b[order], score[order]
    first = np.ones(len(lo), dtype=bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    lo, hi, a, b, score = lo[first], hi[first], a[first], b[first], score[first]
    order = np.lexsort((hi, lo, -score))  # best first
    for x, y, sc in zip(a[order].tolist(), b[order].tolist(), score[order].tolist(), strict=True):
        ea, eb = entries[x], entries[y]
        reason = "same words in another order" if ea[1] == eb[1] else "similar names"
        yield (sc, ea[0], eb[0], ea[2], eb[2], reason)


def _nicknames(
    book: ContactBook, person_of_node: np.ndarray, display: dict[str, str]
) -> list[Suggestion]:
    """A nickname of one equal to the given name of another, with the same family name. A
    (nickname, family) shared by more than :data:`MAX_CONTACTS_PER_KEY` people is no evidence."""
    cols = book.cols
    nick_keys: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for n, rows in enumerate(book.rows):
        for r in rows:
            if cols["nickname"][r]:
                nick, family = normalize_name(cols["nickname"][r]), book.given_family(n, r)[1]
                if nick and family:
                    nick_keys[(nick, family)].add((person_of_node[n], book.ids[n]))
    if not nick_keys:
        return []
    given_keys: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for n, rows in enumerate(book.rows):
        for r in rows:
            key = book.given_family(n, r)
            if key in nick_keys:
                given_keys[key].add((person_of_node[n], book.ids[n]))
    out: list[Suggestion] = []
    for key in sorted(nick_keys.keys() & given_keys.keys()):
        nicks, givens = nick_keys[key], given_keys[key]
        if max(len(nicks), len(givens)) > MAX_CONTACTS_PER_KEY:
            continue
        for pa, ca in sorted(nicks):
            for pb, cb in sorted(givens):
                score = name_score(display.get(pa, ""), display.get(pb, ""))
                reason = f"nickname '{key[0]}' with family name '{key[1]}'"
                out.append((score, pa, pb, ca, cb, reason))
    return out


def name_score(a: str, b: str) -> int:
    """rapidfuzz ratio of two names with their words sorted (0-100)."""
    return int(
        round(fuzz.ratio(_sorted_words(normalize_name(a)), _sorted_words(normalize_name(b))))
    )


def identity_lookalikes(
    names: list[str], book: ContactBook, person_of_node: np.ndarray, people: pd.DataFrame
) -> dict[str, list[tuple[str, str]]]:
    """For each name key in ``names`` (names known only from interactions): its look-alike
    contact people as (person_id, display name), best first (rules in the module docstring).
    Names with none are left out."""
    if not names:
        return {}
    display = dict(zip(people["person_id"].tolist(), people["name"].tolist(), strict=True))
    skip = set(people.loc[people["non_person"].astype(bool), "person_id"])
    by_first: dict[str, set[str]] = defaultdict(set)
    by_first_initial: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_initial_last: dict[tuple[str, str], set[str]] = defaultdict(set)
    full: set[tuple[str, str]] = set()
    for n, rows in enumerate(book.rows):
        pid = person_of_node[n]
        if pid in skip:
            continue
        forms = {book.names[n]} | {" ".join(book.given_family(n, r)).strip() for r in rows}
        for form in forms:
            words = form.split()
            if len(words) < MIN_NAME_TOKENS:
                continue
            first, last = words[0], words[-1]
            by_first[first].add(pid)
            if len(last) >= 2:
                by_first_initial[(first, last[0])].add(pid)
            if len(first) >= 2:
                by_initial_last[(first[0], last)].add(pid)
            full.add((_sorted_words(form), pid))

    def ranked(pids: set[str]) -> list[tuple[str, str]]:
        best = sorted(pids, key=lambda p: (display.get(p, ""), p))[:MAX_LOOKALIKES_PER_IDENTITY]
        return [(p, display.get(p, "")) for p in best]

    out: dict[str, list[tuple[str, str]]] = {}
    fuzzy: list[str] = []
    for key in names:
        words = key.split()
        if len(words) == 1:
            if len(by_first.get(words[0], ())) == 1:  # the only contact with this first name
                out[key] = ranked(by_first[words[0]])
        elif len(words) == 2 and len(words[1]) == 1 and len(words[0]) >= 2:
            if (words[0], words[1]) in by_first_initial:
                out[key] = ranked(by_first_initial[(words[0], words[1])])
        elif len(words) == 2 and len(words[0]) == 1 and len(words[1]) >= 2:
            if (words[0], words[1]) in by_initial_last:
                out[key] = ranked(by_initial_last[(words[0], words[1])])
        else:
            fuzzy.append(key)
    if fuzzy and full:
        targets = sorted(full)
        i, j, s = similar_pairs(
            [_sorted_words(k) for k in fuzzy],
            [t[0] for t in targets],
            per_name=MAX_LOOKALIKES_PER_IDENTITY,
        )
        best: dict[int, dict[str, int]] = defaultdict(dict)
        for a, b, score in zip(i.tolist(), j.tolist(), s.tolist(), strict=True):
            pid = targets[b][1]
            best[a][pid] = max(score, best[a].get(pid, 0))
        for a, scores in best.items():
            order = sorted(scores, key=lambda p: (-scores[p], display.get(p, ""), p))
            out[fuzzy[a]] = [(p, display.get(p, "")) for p in order[:MAX_LOOKALIKES_PER_IDENTITY]]
    return out
