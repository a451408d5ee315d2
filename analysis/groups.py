"""Groups: the address book's categories and labels, as the user renames, merges, creates and
assigns them, and a rhythm a group can ask for ("the climbing club: at least every 14 days").

A person's groups are their ``categories`` (vCard ``CATEGORIES``, Google labels, Outlook
categories), each renamed by the user's map (renaming one group to another's name merges them),
plus the groups the user assigned them. A group's ceiling caps its members' inferred rhythm: a
member whose usual gap is longer than the ceiling is held to the ceiling, one who is in touch
more often keeps their own rhythm, and a person's own desired interval always wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

IGNORED_LABELS = frozenset({"mycontacts", "* mycontacts", "starred", "* starred"})
"""Google's system labels: every contact has them, they are not groups."""


def person_groups(
    people: pd.DataFrame,
    renames: Mapping[str, str] | None = None,
    assigned: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """person_id -> the person's groups (sorted), from ``categories`` renamed by ``renames``
    (old name -> new name) and the groups the user ``assigned``."""
    renames = dict(renames or {})
    assigned = {k: list(v) for k, v in (assigned or {}).items()}
    out: dict[str, tuple[str, ...]] = {}
    cats = people["categories"] if "categories" in people.columns else [[]] * len(people)
    for pid, labels in zip(people["person_id"].astype(str), cats, strict=True):
        names = set()
        for label in labels or ():
            text = str(label).strip()
            if text and text.casefold() not in IGNORED_LABELS:
                names.add(renames.get(text, text))
        names.update(assigned.get(pid, ()))
        if names:
            out[pid] = tuple(sorted(names))
    return out


def all_groups(groups_of: Mapping[str, Iterable[str]]) -> list[str]:
    """Every group name in use, sorted."""
    return sorted({g for gs in groups_of.values() for g in gs})


def ceiling_intervals(
    analysed: pd.DataFrame,
    groups_of: Mapping[str, Iterable[str]],
    ceilings: Mapping[str, float],
    desired: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """person_id -> the interval their groups hold them to, for members whose inferred
    ``expected_interval_days`` is longer than the tightest ceiling of their groups and who have
    no desired interval of their own (people without a rhythm yet are left alone). Feed it to
    the engine as desired intervals."""
    desired = desired or {}
    inferred = analysed.set_index(analysed["person_id"].astype(str))["expected_interval_days"]
    out = {}
    for pid, groups in groups_of.items():
        caps = [float(ceilings[g]) for g in groups if ceilings.get(g)]
        if not caps or pid in desired or pid not in inferred.index:
            continue
        cap = min(caps)
        every = inferred.loc[pid]
        if pd.notna(every) and float(every) > cap:
            out[pid] = cap
    return out
