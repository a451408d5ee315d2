"""Every number explains itself: short reasons, in the user's own numbers, for a person's status,
circle and tie strength (rule X1 in docs/metrics.md): ``why_status``, ``why_circle`` and
``why_strength``. :func:`reasons` writes them from the engine's people table when they are
asked for (:meth:`analysis.engine.Analysis.reasons`): the person's card shows one person's,
the JSON report everyone's. Written for everyone on every run, they cost 0.2 s at 10,000 people,
on each new day's start and each logged contact, for text no page showed.

Each ``why_*`` function takes a people table indexed by person_id and returns one string per
row, in the table's order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from analysis import constants as C

REASON_COLUMNS: tuple[str, ...] = ("why_status", "why_circle", "why_strength")
"""The columns of :func:`reasons`."""


@dataclass(frozen=True)
class ReasonInputs:
    """What the reasons read besides the people table: ``placed`` (people the user put in a
    circle), ``rated`` (people whose closeness the user rated), ``robots`` (not people: shops,
    services, lists), ``archived`` and ``in_memory`` (the user's states)."""

    placed: frozenset[str] = frozenset()
    rated: frozenset[str] = frozenset()
    robots: frozenset[str] = frozenset()
    archived: frozenset[str] = frozenset()
    in_memory: frozenset[str] = frozenset()


def reasons(
    people: pd.DataFrame, given: ReasonInputs, person_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """The reasons (:data:`REASON_COLUMNS`, str) of the people of ``people`` (the engine's
    people table, with a ``person_id`` column), indexed by person_id in the table's order; of
    those in ``person_ids`` only, when given (ids it does not hold are left out). A circle's
    reason ranks the person among everyone in ``people``, whichever rows are asked for.

    Examples
    --------
    >>> people = pd.DataFrame({"person_id": ["a"], "status": ["no_contact"]})
    >>> list(reasons(people, ReasonInputs(), ["b"]).columns)  # nobody of that id
    ['why_status', 'why_circle', 'why_strength']
    """
    table = people.set_index("person_id")
    if person_ids is not None:
        table = table.loc[table.index.isin(list(person_ids))]
    if table.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in REASON_COLUMNS}).set_axis(
            pd.Index([], dtype=object, name="person_id")
        )
    return pd.DataFrame(
        {
            "why_status": why_status(table),
            "why_circle": why_circle(
                table,
                given.placed,
                given.robots,
                given.archived,
                given.in_memory,
                circles=people["circle"],
            ),
            "why_strength": why_strength(table, given.rated),
        },
        index=table.index,
        dtype=object,
    )


def human_days(days: float) -> str:
    """``12 days``, ``5 weeks``, ``4 months``, ``about 2 years`` -- for reasons people read."""
    return _human_days(round(float(days), 1))


@lru_cache(maxsize=8192)
def _human_days(d: float) -> str:
    if d < 1.5:
        return "1 day"
    if d < 28:
        return f"{round(d)} days"
    if d < 63:
        return f"{round(d / 7)} weeks"
    if d < 548:
        return f"{round(d / 30.44)} months"
    return f"about {round(d / 365.25)} years"


def _ok(x: object) -> bool:
    return x is not None and x is not pd.NA and not (isinstance(x, float) and math.isnan(x))


_STATUS_WORD = {
    "ok": "current",
    "due": "due",
    "overdue": "overdue",
    "neglected": "neglected",
}


def why_status(table: pd.DataFrame) -> list[str]:
    """Why each person has their status (rules E1, L1, U1, H2, G3)."""
    out = []
    cols = (
        "status", "days_since", "contact_days", "span_days", "expected_interval_days",
        "in_person_interval_days", "days_since_in_person", "in_person_days", "desired",
        "household", "group_only", "growing", "rhythm_days", "n_gaps",
    )  # fmt: skip
    for st, dt, n, span, tau, tau_ip, dip, n_ip, want, home, grp, grow, rh, ng in zip(
        *(table[c].to_numpy() for c in cols), strict=True
    ):
        if st == "no_contact":
            out.append("No contact on record.")
            continue
        if st == "in_memory":
            out.append("In memory: never counted as neglected, never suggested.")
            continue
        ago = human_days(dt) + " ago" if dt >= 1 else "today"
        if st in ("new", "occasional"):
            what = "New" if st == "new" else "Occasional"
            out.append(
                f"{what}: {int(n)} contact day{'s' if n != 1 else ''} over "
                f"{human_days(max(span - 0, 1))}, last {ago}; a rhythm needs at least "
                f"{C.MIN_EVIDENCE_DAYS} days over {C.MIN_EVIDENCE_WEEKS} weeks."
            )
            continue
        if want:
            out.append(
                f"You want contact every {human_days(tau)}; last contact {ago}: "
                f"{_STATUS_WORD.get(st, st)}."
            )
            continue
        if st == "dormant":
            if grp and dt <= C.DORMANT_DAYS:
                out.append(
                    f"Seen only in groups, usually every {human_days(tau)}; the group has been "
                    f"quiet for {human_days(dt)}: dormant, nothing you owe."
                )
            else:
                out.append(f"Dormant: no contact for {human_days(dt)}.")
            continue
        every = human_days(rh) if _ok(rh) and ng >= 1 else human_days(tau)
        text = f"Usually every {every} (expected {human_days(tau)})"
        if n_ip >= C.MEET_HABIT_MIN_DAYS and _ok(tau_ip) and _ok(dip):
            text += f", met every {human_days(tau_ip)}"
        text += f"; last contact {ago}"
        if _ok(dip) and n_ip >= 1 and dip != dt:
            text += f", last met {human_days(dip)} ago" if dip >= 1 else ", met today"
        text += f": {_STATUS_WORD.get(st, st)}."
        if home:
            text += " Lives with you: never called neglected."
        elif grow and st in ("overdue", "due"):
            text += " A growing tie: not called neglected."
        out.append(text)
    return out


def why_circle(
    table: pd.DataFrame,
    placed_by_user: Iterable[str],
    robots: Iterable[str],
    archived: Iterable[str],
    in_memory: Iterable[str],
    circles: pd.Series | None = None,
) -> list[str]:
    """Why each person is in their circle (rules C1-C3, G2, E1, H1). ``circles``: everyone's
    circle, for a person's rank among everyone (the table's own when None)."""
    user, bots, arch, mem = set(placed_by_user), set(robots), set(archived), set(in_memory)
    counts = (table["circle"] if circles is None else circles).value_counts().to_dict()
    cum = {k: sum(v for c, v in counts.items() if c <= k) for k in (1, 2, 3, 4)}
    out = []
    cols = ("circle", "best_layer", "roles", "household", "group_only", "evidence",
            "recent_rate", "tie_strength", "contact_days", "span_days")  # fmt: skip
    for pid, (c, best, roles, home, grp, ev, rate, tie, n, span) in zip(
        table.index, zip(*(table[k].to_numpy() for k in cols), strict=True), strict=True
    ):
        if pid in bots:
            out.append("Not a person (a shop, a service or a list): in no circle.")
            continue
        if pid in mem:
            out.append("In memory: in no circle.")
            continue
        if pid in arch:
            out.append("Archived by you: in no circle.")
            continue
        if not _ok(n) or n == 0:
            out.append("" if pid not in user else f"Placed in circle {int(c)} by you.")
            continue
        if pid in user:
            out.append(f"Placed in circle {int(c)} by you.")
            continue
        if not _ok(c):
            out.append(
                f"Beyond your ~{C.LAYER_SIZES[4]} active network: closeness {tie:.2f} ranks "
                "below the outer bound."
            )
            continue
        c = int(c)
        if "partner" in roles:
            out.append("Your partner: always in the innermost circle.")
            continue
        rate_txt = f"in touch on about {rate:.0f} days a year lately" if rate >= 1.5 else (
            "in touch less than once a year lately" if rate < 0.75 else
            "in touch about once a year lately")  # fmt: skip
        if home and c <= C.HOUSEHOLD_LAYER and (not _ok(best) or c < best or best > 2):
            out.append(f"Lives with you: in your intimate circle ({rate_txt}).")
            continue
        best = int(best) if _ok(best) else 4
        if c == best and best > 1:
            if not ev:
                out.append(
                    f"{int(n)} contact days over {human_days(span)}: too little history for an "
                    f"inner circle (needs {C.MIN_EVIDENCE_DAYS} over {C.MIN_EVIDENCE_WEEKS} "
                    "weeks)."
                )
                continue
            if grp and best >= C.GROUP_ONLY_MIN_LAYER:
                out.append(
                    "Seen only in groups: group days count a share of a one-to-one day, and "
                    "groups alone never make an intimate tie."
                )
                continue
            if set(roles) and set(roles) <= C.WORK_ONLY_ROLES and best >= C.WORK_ONLY_MIN_LAYER:
                out.append(
                    f"Known from {' / '.join(sorted(roles))} only ({rate_txt}): at most the "
                    f"affinity circle."
                )
                continue
            out.append(
                f"{rate_txt.capitalize()}; circle {best - 1} asks for at least "
                f"{C.LAYER_MIN_PER_YEAR[best - 1]:.0f} days a year."
            )
            continue
        out.append(
            f"Closeness {tie:.2f}, {rate_txt} (group days count less): among your closest "
            f"{cum[c]} (circle {c}, typically {C.LAYER_SIZES[c]})."
        )
    return out


def why_strength(table: pd.DataFrame, rated: Iterable[str]) -> list[str]:
    """What makes each tie strength (rule T1; a user's rating, rule U2)."""
    rated = set(rated)
    out = []
    cols = ("tie_strength", "recent_rate", "one_to_one_share", "tie_richness",
            "initiated_share", "span_days", "days_since", "tie_recency")  # fmt: skip
    for pid, (s, rate, one, rich, init, span, dt, recency) in zip(
        table.index, zip(*(table[k].to_numpy() for k in cols), strict=True), strict=True
    ):
        if not _ok(s):
            out.append("")
            continue
        rich_txt = (
            "mostly in person" if rich >= 0.85 else "often by call or video" if rich >= 0.6
            else "mostly by message" if rich >= 0.35 else "mostly by e-mail or posts"
        )  # fmt: skip
        if _ok(init):
            recip = (
                "you start most contact" if init > 0.7 else "they start most contact"
                if init < 0.3 else "both reach out"
            )  # fmt: skip
        else:
            recip = "who starts is unknown"
        known = max(float(span) - 0, 0.0)
        text = (
            f"{s:.2f}: about {rate:.0f} days a year lately, {one:.0%} one-to-one, {rich_txt}, "
            f"{recip}, known {human_days(max(known, 1.0))}"
        )
        if _ok(recency) and recency < 0.5:
            text += f", quiet for {human_days(dt)}"
        text += "."
        if pid in rated:
            text += " Your closeness rating can only raise it."
        out.append(text)
    return out
