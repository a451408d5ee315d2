"""Which people a page shows: pure filters over the engine's people table."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import pandas as pd

NO_CIRCLE_KEY = 0
"""Stands for "no circle" (no contact in the data) in a circle filter."""

WINDOWS: dict[str, int | None] = {
    "Any time": None,
    "Last 30 days": 30,
    "Last 90 days": 90,
    "Last year": 365,
    "Last 3 years": 3 * 365,
}


def filter_people(
    people: pd.DataFrame,
    circles: Collection[int] | None = None,
    roles: Collection[str] | None = None,
    window_days: int | None = None,
    top_n: int | None = None,
    include_non_persons: bool = False,
    always: str | None = None,
) -> pd.DataFrame:
    """The people to show, strongest ties first.

    ``circles``: keep these circles (1..4; :data:`NO_CIRCLE_KEY` for people without one); None or
    empty keeps all. ``roles``: keep people with any of these roles; None/empty keeps all.
    ``window_days``: keep people in contact within that many days. ``top_n``: then keep the
    strongest ``top_n`` ties. Non-persons (``info@``-style senders) are left out unless asked.
    ``always`` (a person_id) is kept whatever the ``top_n`` cut, if it passes the other filters.
    """
    keep = pd.Series(True, index=people.index)
    if not include_non_persons and "non_person" in people:
        keep &= ~people["non_person"].astype(bool)
    if circles:
        wanted = set(circles)
        circle = people["circle"].map(lambda c: NO_CIRCLE_KEY if pd.isna(c) else int(c))
        keep &= circle.isin(wanted)
    if roles:
        wanted_roles = set(roles)
        keep &= people["roles"].map(lambda r: bool(wanted_roles.intersection(r or ())))
    if window_days is not None:
        keep &= people["days_since"].fillna(float("inf")) <= window_days
    out = people[keep]
    out = out.assign(_s=out["tie_strength"].fillna(-1.0)).sort_values(
        ["_s", "person_id"], ascending=[False, True], kind="stable"
    )
    out = out.drop(columns="_s")
    if top_n is not None and len(out) > top_n:
        head = out.head(top_n)
        if always is not None and always not in set(head["person_id"]):
            extra = out[out["person_id"] == always]
            head = pd.concat([head, extra])
        out = head
    return out


def group_members(groups_of: Mapping[str, Iterable[str]], group: str | None) -> set[str] | None:
    """The person_ids in ``group`` (``groups_of``: person_id -> their groups, as
    :func:`analysis.groups.person_groups` gives); None when no group is chosen (everyone)."""
    if not group:
        return None
    return {pid for pid, groups in groups_of.items() if group in set(groups)}


def in_group(frame: pd.DataFrame, members: Collection[str] | None) -> pd.DataFrame:
    """The rows of ``frame`` (any engine table with a ``person_id`` column: people,
    suggestions, screen-only, weak ties...) whose person is in ``members``, in their order and
    with the engine's numbers untouched; the whole frame when ``members`` is None."""
    if members is None:
        return frame
    return frame[frame["person_id"].astype(str).isin(set(members))]
