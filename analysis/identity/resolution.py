"""Identity resolution: contact records and interaction identities -> people.

``resolve(contacts, interactions, region, decisions)`` -> :class:`Resolution`. The steps, one
module each:

1. :mod:`~analysis.identity.keys` and :mod:`~analysis.identity.book`: every contact's match keys
   (normalised e-mail, E.164 phone in the user's region, normalised name);
2. :mod:`~analysis.identity.merging`: contacts merged on those keys by union-find, with a reason
   per merge, the shared-key and role-address guards and the user's confirmed/rejected pairs;
3. :mod:`~analysis.identity.people`: one person per group of contacts;
4. :mod:`~analysis.identity.matching`: every interaction's ``who`` attached to a person; names
   known only from interactions adopted as people; the rest listed as unmatched;
5. :mod:`~analysis.identity.lookalikes`: look-alike suggestions, never merged until the user
   confirms: similar contact people, and the contacts a chat-only name may be.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd

from analysis import sidework
from analysis.deferred import Deferred, deferred_field
from analysis.identity.book import ContactBook
from analysis.identity.keys import check_region
from analysis.identity.lookalikes import identity_lookalikes, merge_suggestions
from analysis.identity.matching import (
    adopted_frame,
    contact_index,
    empty_identities,
    identities_frame,
    link_keys,
    match_interactions,
    unmatched_frame,
)
from analysis.identity.merging import decision_pairs, merge
from analysis.identity.people import contact_people

MERGE_COLUMNS: tuple[str, ...] = ("person_id", "contact_id", "reason", "linked_to")

SIDE_MIN_CONTACTS = 5_000
"""From this many contacts, the look-alike names are found on a forked process while the
interactions are matched (:mod:`analysis.sidework`, where this is the main thread of a machine
of two cores). Judgement call from measurements on the development VM: at 10,000 contacts the
look-alikes take 0.25-0.3 s; at 2,000 about 0.03 s, less than a fork and its copied pages."""


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
        nickname, emails, phones, categories, orgs, titles, related, birthday, anniversary,
        contact_ids, sources, non_person, origin (``contacts`` | ``interactions``); birthday and
        anniversary as in :mod:`analysis.model`, the first of the person's contacts with a
        year, else the first without.
    contacts: the input contacts (same order and index) plus ``person_id``.
    merges: person_id, contact_id, reason, linked_to: one row per contact merged into a person
        beyond its first, with the contact it was joined to and why.
    suggestions: contact_a, contact_b, person_a, person_b, name_a, name_b, score, reason: possible
        merges for the user to confirm or reject, best first, capped
        (:data:`~analysis.identity.lookalikes.MAX_SUGGESTIONS_PER_PERSON`,
        :data:`~analysis.identity.lookalikes.MAX_SUGGESTIONS`); rejected pairs never appear.
    interactions: the input interactions (same order and index) plus ``person_id`` (a
        categorical over the person ids that occur, sorted as text; missing when unmatched:
        :func:`analysis.identity.matching.person_column`) and ``matched_by`` (``email`` |
        ``phone`` | ``name`` | ``link`` | "", a categorical of
        :data:`~analysis.identity.matching.MATCHED_BY_DTYPE`).
    unmatched: who, kind (``phone`` | ``email`` | ``name``), key, interactions, first, last, note,
        person_id, looks_like, looks_like_names: identities that match nobody (or more than one
        person), one row per key, and names known only from interactions that look like a contact
        (with their adopted ``person_id``); most frequent first
        (:func:`analysis.identity.matching.unmatched_frame`).
    ignored_decisions: user decisions that refer to contacts no longer loaded (kept, not applied).
    """

    people: pd.DataFrame
    contacts: pd.DataFrame
    merges: pd.DataFrame
    suggestions: pd.DataFrame
    interactions: pd.DataFrame
    unmatched: pd.DataFrame
    ignored_decisions: tuple[str, ...] = ()
    identities: pd.DataFrame = dataclasses.field(default_factory=empty_identities)
    """kind, key, person_id: how a new identity would be matched against this resolution
    (:func:`analysis.identity.matching.match_known`): the contact index, the user's links and
    the contacts' person_ids."""


class _IdentitiesLater(Resolution):
    """A :class:`Resolution` whose ``identities`` are made when first read."""

    identities = deferred_field("identities")  # type: ignore[assignment]


def resolve(
    contacts: pd.DataFrame,
    interactions: pd.DataFrame,
    region: str = "US",
    decisions: MergeDecisions | None = None,
    adopt_unmatched_names: bool = True,
    who: pd.Categorical | None = None,
) -> Resolution:
    """Merge contact records into people and attach every interaction to a person.

    ``contacts`` and ``interactions`` have the columns of :mod:`analysis.model`; ``region`` is the
    ISO 3166 country used to read phone numbers without ``+`` (``ValueError`` if unknown);
    ``decisions`` are the user's confirmed/rejected merges and links; with
    ``adopt_unmatched_names`` a name that matches no contact becomes a person of its own. The
    rules are in the modules named in this module's docstring. The result does not depend on the
    order of the rows. ``who``, when the caller has it, is the interactions' ``who`` column as a
    categorical (row for row; each distinct identity coded once, as the store keeps them).
    """
    region = check_region(region)
    if who is not None and len(who) != len(interactions):
        raise ValueError(f"who has {len(who)} rows, the interactions {len(interactions)}")
    with _gc_paused():
        return _resolve(
            contacts,
            interactions,
            region,
            decisions or MergeDecisions(),
            adopt_unmatched_names,
            who,
        )


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
    decisions: MergeDecisions,
    adopt: bool,
    who: pd.Categorical | None,
) -> Resolution:
    book = ContactBook.build(contacts, region)
    ignored: list[str] = []
    confirmed = decision_pairs(book, decisions.confirmed, "confirmed", ignored)
    rejected = decision_pairs(book, decisions.rejected, "rejected", ignored)
    merged = merge(book, confirmed, rejected)
    people, person_of_node = contact_people(book, merged.groups)
    out_contacts = contacts.assign(
        person_id=pd.Series(person_of_node[book.node_of_row], index=contacts.index, dtype=object)
    )
    merges = pd.DataFrame(
        [
            (person_of_node[child], book.ids[child], reason, book.ids[parent])
            for child, (parent, reason) in merged.parents.items()
        ],
        columns=list(MERGE_COLUMNS),
    ).sort_values(["person_id", "contact_id"], ignore_index=True)

    # The look-alikes read the contacts only: on a big book they are found on a second process
    # while the interactions are matched here (analysis.sidework).
    rejected_people = {frozenset((person_of_node[a], person_of_node[b])) for a, b in rejected}
    suggested = sidework.start(
        merge_suggestions,
        book,
        people,
        person_of_node,
        merged.conflicts,
        rejected_people,
        fork=len(book.ids) >= SIDE_MIN_CONTACTS,
    )
    links = link_keys(book, person_of_node, decisions.links, region, ignored)
    index = contact_index(book, person_of_node)
    matched = match_interactions(
        book, person_of_node, interactions, region, links, adopt, index, who
    )
    lookalikes = identity_lookalikes(matched.chat_only_names(), book, person_of_node, people)
    unmatched = unmatched_frame(matched, lookalikes)
    adopted = adopted_frame(matched)
    if len(adopted):
        people = pd.concat([people, adopted], ignore_index=True)
    people = people.sort_values("person_id", kind="mergesort", ignore_index=True)
    people["non_person"] = people["non_person"].astype(bool)
    known = set(person_of_node.tolist())

    return _IdentitiesLater(
        people=people,
        contacts=out_contacts,
        merges=merges,
        suggestions=suggested.result(),  # last: the worker may still be finding them
        interactions=matched.interactions,
        unmatched=unmatched,
        ignored_decisions=tuple(ignored),
        # kept with a resolution for matching logged contact later: made when first read (a
        # run of the command line on a store in memory never reads it)
        identities=Deferred(lambda: identities_frame(index, links, known)),
    )
