"""Diversity outside the intimate circle: roles covered, weak ties active, weak ties fading.

"Outside" = everyone with contact who is not in the two inner layers (circles 3 and 4). Roles
follow Cohen's Social Network Index (Cohen et al. 1997: more social roles, lower susceptibility to
colds), simplified to :data:`analysis.constants.ROLES`; weak ties active in the window matter for
daily well-being (Sandstrom & Dunn 2014).

* ``roles_covered``: role -> number of outside people in that role with contact in the window
  (only roles with at least one person); ``roles_missing``: the roles with none. People without
  any role are counted under ``"unlabelled"`` in ``roles_covered`` so the total adds up.
* ``weak_active``: outside people with contact in the window.
* ``weak_fading``: outside people whose status is overdue, silent no longer than
  ``FADING_MAX_DAYS`` (longer is dormant, not fading), with at least two contact days.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import constants as C


@dataclass
class Outside:
    """``roles_covered`` (dict role -> count), ``roles_missing`` (list of roles),
    ``weak_active`` (DataFrame ``person_id, name, circle, roles, days_since, contacts_in_window,
    tie_strength``, most contact first), ``weak_fading`` (DataFrame ``person_id, name, circle,
    roles, days_since, expected_interval_days, overdue_ratio``, most overdue first)."""

    roles_covered: dict[str, int]
    roles_missing: list[str]
    weak_active: pd.DataFrame
    weak_fading: pd.DataFrame


def outside(people: pd.DataFrame, window_days: int) -> Outside:
    """Compute :class:`Outside` from the engine's people table (columns ``person_id, name,
    circle, intimate, roles, days_since, contacts_in_window, tie_strength, status,
    expected_interval_days, overdue_ratio, contact_days, non_person``)."""
    has = (
        people["circle"].notna()
        & ~people["intimate"].astype(bool)
        & ~people["non_person"].astype(bool)
    )
    out_p = people.loc[has]
    active = out_p.loc[out_p["days_since"] < window_days]
    covered: dict[str, int] = {}
    for role in C.ROLES:
        n = int(active["roles"].map(lambda r, role=role: role in r).sum())
        if n:
            covered[role] = n
    unlabelled = int(active["roles"].map(lambda r: len(r) == 0).sum())
    if unlabelled:
        covered["unlabelled"] = unlabelled
    missing = [r for r in C.ROLES if r not in covered]
    weak_active = active.sort_values(
        ["contacts_in_window", "tie_strength", "person_id"],
        ascending=[False, False, True],
        kind="stable",
    )[["person_id", "name", "circle", "roles", "days_since", "contacts_in_window", "tie_strength"]]
    fading = out_p.loc[
        out_p["status"].isin(["overdue", "neglected"])
        & (out_p["days_since"] <= C.FADING_MAX_DAYS)
        & (out_p["contact_days"] >= 2)
    ].sort_values(["overdue_ratio", "person_id"], ascending=[False, True], kind="stable")
    weak_fading = fading[
        [
            "person_id",
            "name",
            "circle",
            "roles",
            "days_since",
            "expected_interval_days",
            "overdue_ratio",
        ]
    ]
    return Outside(
        covered, missing, weak_active.reset_index(drop=True), weak_fading.reset_index(drop=True)
    )
