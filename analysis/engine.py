"""One call that runs every support-network metric: :func:`analyze`.

Inputs are the outputs of identity resolution (:mod:`analysis.identity`):

* ``people``: one row per person (``person_id, name, given_name, family_name, nickname, emails,
  phones, categories, orgs, titles, related, birthday, contact_ids, sources, non_person, origin``);
* ``interactions``: the frame of :mod:`analysis.model` plus ``person_id`` (None when unmatched) and
  ``matched_by``. Only rows with a ``person_id`` are analysed.

The result, :class:`Analysis`, holds plain DataFrames and a NetworkX graph; the dashboard and the
CLI render it, nothing is computed in the UI. Each metric lives in its own module (cadence,
circles, ties, balance, reciprocity, outside, graph, suggest); judgement constants are in
:mod:`analysis.constants`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import networkx as nx
import pandas as pd

from analysis import constants as C
from analysis.metrics.balance import Balance, balance, person_balance, screen_only
from analysis.metrics.cadence import (
    as_of_timestamp,
    contact_days,
    day_number,
    expected_interval,
    person_stats,
    prepare,
    status,
)
from analysis.metrics.circles import assign_circles, derive_roles
from analysis.metrics.graph import communities, community_of, ego_graph, person_edges, structural
from analysis.metrics.outside import Outside, outside
from analysis.metrics.reciprocity import reciprocity
from analysis.metrics.ties import channel_profile, components, tie_strength
from analysis.normalize import looks_like_phone, normalize_email, normalize_name, normalize_phone
from analysis.suggest import suggest

__all__ = ["Analysis", "Balance", "Outside", "Overrides", "analyze", "person_timeline"]


@dataclass(frozen=True)
class Overrides:
    """The user's edits. Every placement the engine makes can be overridden here.

    * ``circle``: person_id -> layer 1..4 (1 = innermost).
    * ``roles``: person_id -> roles (replaces the derived roles).
    * ``closeness``: person_id -> the user's own rating 1..5; it wins in tie strength.
    * ``desired_interval_days``: person_id -> how often the user wants contact (replaces the
      expected interval).
    * ``done``: person_id -> date a suggestion was acted on; the person leaves the suggestions
      unless contact became due again after that date.
    * ``snoozed_until``: person_id -> date; no suggestion for that person before that date.
    """

    circle: Mapping[str, int] = field(default_factory=dict)
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    closeness: Mapping[str, int] = field(default_factory=dict)
    desired_interval_days: Mapping[str, float] = field(default_factory=dict)
    done: Mapping[str, date] = field(default_factory=dict)
    snoozed_until: Mapping[str, date] = field(default_factory=dict)


@dataclass
class Analysis:
    """Everything the engine computed for one as-of date.

    ``people``: one row per person with contact or a card, sorted by circle then tie strength.
    Identity: ``person_id, name, first_name, roles (list), non_person (bool)``. Circles:
    ``circle`` (Int64 1..4; <NA> without contact and for non-persons), ``intimate`` (bool),
    ``community`` (Int64 or <NA>), ``effective_size``, ``constraint`` (NaN without
    person-person ties). Contact: ``interactions, contact_days, contacts_in_window`` (int),
    ``first_contact, last_contact`` (UTC Timestamps or NaT), ``days_since`` (float, NaN without
    contact), ``span_days, contacts_per_year, n_gaps, median_gap_days, rhythm_days,
    q90_gap_days, last_channel``. Cadence: ``expected_interval_days, overdue_ratio, status``
    (ok|due|overdue|neglected|no_contact). Ties: ``tie_strength`` (0..1) and its components
    ``tie_frequency, tie_recency, tie_richness, tie_length, tie_reciprocity, tie_variety``.
    Balance: ``offline_share`` (in the window, NaN without contact there),
    ``offline_share_all, last_in_person, days_since_in_person, messages_in_window,
    screen_only`` (bool). Reciprocity: ``initiated_share`` (NaN when direction unknown),
    ``unanswered_run`` (int).

    ``balance``: :class:`analysis.metrics.balance.Balance`; ``outside``: :class:`analysis.metrics.outside.Outside`;
    ``graph``: the ego graph of :mod:`analysis.metrics.graph`; ``communities``: lists of person_ids
    (largest first); ``suggestions``: ``rank, person_id, name, kind
    (meet|check_in|reconnect|weak_tie), reason, action, draft, score, circle, status`` (rank 1
    first; see :mod:`analysis.suggest`).
    """

    as_of: pd.Timestamp
    window_days: int
    people: pd.DataFrame
    balance: Balance
    outside: Outside
    graph: nx.Graph
    communities: list[list[str]]
    suggestions: pd.DataFrame


def analyze(
    people: pd.DataFrame,
    interactions: pd.DataFrame,
    as_of: date | str | pd.Timestamp | None = None,
    overrides: Overrides | None = None,
    window_days: int = 90,
    max_suggestions: int = 8,
    timezone: str | None = None,
    me: Sequence[str] = (),
) -> Analysis:
    """Run every metric on resolved people and interactions, as of a date.

    ``as_of`` is a date (or anything :func:`pandas.Timestamp` reads); the default is today's UTC
    date. Contact on that date counts; later interactions are ignored. ``overrides`` are the user's
    edits (:class:`Overrides`). ``window_days`` is the window of the balance and weak-tie metrics.
    ``timezone`` (IANA name) is the user's zone, used only for the work-pattern signal (weekday
    office hours); timestamps stay UTC everywhere else. ``me`` are the user's own names, e-mail
    addresses and phone numbers (as in ``ImportOptions.me``): a person matching one of them is
    the user, not a contact, and is left out of the analysis (a chat export lists the user as a
    participant); relations on cards that name the user give roles (partner, family, ...).

    Non-persons (``non_person``: no-reply@, info@, lists) stay in the people table with their
    figures but get no circle, no graph node and no suggestion. A person_id found only in the
    interactions gets a bare row (named by its id) rather than being dropped.

    Returns an :class:`Analysis`. Pure: the same inputs give the same output, whatever the row
    order.
    """
    as_of_ts = as_of_timestamp(as_of)
    overrides = overrides or Overrides()
    window_days = int(window_days)
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, got {window_days}")
    missing = [c for c in ("person_id", "name", "categories") if c not in people.columns]
    if missing:
        raise ValueError(f"people frame lacks column(s): {', '.join(missing)}")
    for col in ("person_id", "timestamp", "channel", "mode", "direction"):
        if col not in interactions.columns:
            raise ValueError(f"interactions frame lacks column {col!r}")
    if "event_id" not in interactions.columns:
        interactions = interactions.assign(event_id="")
    people = _complete_people(people, interactions)
    if me:
        selves = _selves(people, me)
        if selves:
            people = people.loc[~people["person_id"].isin(selves)].reset_index(drop=True)
            interactions = interactions.loc[~interactions["person_id"].isin(selves)]
    prepared = prepare(interactions, as_of_ts)
    today = day_number(as_of_ts)

    stats = person_stats(prepared, as_of_ts)
    roles = derive_roles(people, prepared, timezone, overrides.roles, me=me)
    # non-persons (no-reply@, info@, mailing lists) are kept in the table but placed in no circle:
    # a shop's newsletter must neither sit in the support clique nor shift the layer breaks
    robots = set(people.loc[people["non_person"], "person_id"])
    rate = stats["contacts_per_year"]
    rate = rate.loc[~rate.index.isin(robots)]
    circle = assign_circles(rate, roles, overrides.circle)
    kin = roles.map(lambda r: "family" in r or "partner" in r)
    tau = expected_interval(stats, circle, kin, overrides.desired_interval_days)
    st = status(stats["days_since"], tau, stats["q90_gap_days"], circle)
    rec = reciprocity(prepared)
    prof = channel_profile(prepared)
    parts = components(
        stats["contacts_per_year"],
        st["overdue_ratio"],
        prof["richness"],
        (as_of_ts - stats["first_contact"]).dt.days.astype("float64") / C.DAYS_PER_YEAR,
        rec["initiated_share"],
        prof["channels"],
    )
    tie = tie_strength(parts, overrides.closeness)
    pb = person_balance(prepared, as_of_ts, window_days)
    days = contact_days(prepared)
    in_window = (
        days.loc[days["day"] > today - window_days].groupby("person_id", observed=True).size()
    )
    in_window.index = in_window.index.astype(object)

    # object-dtype index: pandas 3 would infer its Arrow "str" dtype, slow to reindex against
    ids = pd.Index(people["person_id"].to_numpy(dtype=object), dtype=object, name="person_id")
    table = pd.DataFrame(index=ids)
    table["name"] = people["name"].fillna("").astype(object).to_numpy()
    table["first_name"] = _first_names(people)
    table["roles"] = roles.reindex(ids).map(lambda r: list(r) if isinstance(r, tuple) else [])
    table["circle"] = circle.reindex(ids).astype("Int64")
    table["intimate"] = table["circle"].isin(list(C.INTIMATE_LAYERS)).fillna(False).astype(bool)
    table["tie_strength"] = tie.reindex(ids)
    table["interactions"] = stats["interactions"].reindex(ids, fill_value=0).astype("int64")
    table["contact_days"] = stats["contact_days"].reindex(ids, fill_value=0).astype("int64")
    table["contacts_in_window"] = in_window.reindex(ids, fill_value=0).astype("int64")
    for col in (
        "first_contact",
        "last_contact",
        "days_since",
        "span_days",
        "contacts_per_year",
        "n_gaps",
        "median_gap_days",
        "rhythm_days",
        "q90_gap_days",
        "last_channel",
    ):
        table[col] = stats[col].reindex(ids)
    table["n_gaps"] = table["n_gaps"].fillna(0).astype("int64")
    table["expected_interval_days"] = tau.reindex(ids)
    table["overdue_ratio"] = st["overdue_ratio"].reindex(ids)
    table["status"] = st["status"].reindex(ids).fillna("no_contact").astype(object)
    table["offline_share"] = pb["offline_share"].reindex(ids)
    table["offline_share_all"] = pb["offline_share_all"].reindex(ids)
    table["initiated_share"] = rec["initiated_share"].reindex(ids)
    table["unanswered_run"] = rec["unanswered_run"].reindex(ids, fill_value=0).astype("int64")
    table["last_in_person"] = pb["last_in_person"].reindex(ids)
    table["days_since_in_person"] = pb["days_since_in_person"].reindex(ids)
    table["messages_in_window"] = (
        pb["messages_in_window"].reindex(ids, fill_value=0).astype("int64")
    )
    table["screen_only"] = screen_only(pb, circle).reindex(ids, fill_value=False).astype(bool)
    table["non_person"] = people["non_person"].fillna(False).astype(bool).to_numpy()
    for comp in parts.columns:
        table[f"tie_{comp}"] = parts[comp].reindex(ids)

    with_contact = sorted(stats.index)
    edges = person_edges(people, prepared, with_contact)
    groups = communities(edges)
    member = community_of(groups)
    table["community"] = pd.array([member.get(p) for p in ids], dtype="Int64")
    struct = structural(edges)
    table["effective_size"] = struct["effective_size"].reindex(ids)
    table["constraint"] = struct["constraint"].reindex(ids)

    table = table.reset_index()
    for col in ("person_id", "name", "first_name", "last_channel", "status"):
        table[col] = table[col].astype(object)  # the project's string columns are object
    table = table.sort_values(
        ["circle", "tie_strength", "person_id"],
        ascending=[True, False, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)

    graph = ego_graph(table, edges)
    bal = balance(prepared, pb, table, as_of_ts, window_days)
    out = outside(table, window_days)
    sugg = suggest(
        table,
        as_of_ts,
        window_days=window_days,
        max_suggestions=max_suggestions,
        done=overrides.done,
        snoozed_until=overrides.snoozed_until,
    )
    return Analysis(
        as_of=as_of_ts,
        window_days=window_days,
        people=table,
        balance=bal,
        outside=out,
        graph=graph,
        communities=groups,
        suggestions=sugg,
    )


def _complete_people(people: pd.DataFrame, interactions: pd.DataFrame) -> pd.DataFrame:
    """People with defaults for optional columns, plus a bare row for any person_id that occurs
    in the interactions but not in ``people`` (so no contact is silently dropped)."""
    people = people.copy()
    people["person_id"] = pd.Series(
        [str(p) for p in people["person_id"]], index=people.index, dtype=object
    )
    if people["person_id"].duplicated().any():
        dup = people.loc[people["person_id"].duplicated(), "person_id"].iloc[0]
        raise ValueError(f"people frame has duplicate person_id {dup!r}")
    known = set(people["person_id"])
    seen = {str(p) for p in pd.unique(interactions["person_id"].dropna().to_numpy(dtype=object))}
    extra = sorted(set(seen) - known)
    if extra:
        people = pd.concat(
            [people, pd.DataFrame({"person_id": extra, "name": extra})], ignore_index=True
        )
    defaults = {"given_name": "", "nickname": "", "name": ""}
    for col, val in defaults.items():
        if col not in people.columns:
            people[col] = val
        people[col] = people[col].fillna(val).astype(object)
    for col in ("categories", "orgs", "related"):
        if col not in people.columns:
            people[col] = [[] for _ in range(len(people))]
        people[col] = [v if isinstance(v, list | tuple) else [] for v in people[col]]
    if "non_person" not in people.columns:
        people["non_person"] = False
    people["non_person"] = people["non_person"].fillna(False).astype(bool)
    return people.sort_values("person_id", kind="stable").reset_index(drop=True)


def _selves(people: pd.DataFrame, me: Sequence[str]) -> set[str]:
    """person_ids whose name, e-mail or phone is one of the user's own (``me``)."""
    names = {normalize_name(m) for m in me} - {""}
    emails = {normalize_email(m) for m in me} - {""}
    phones = {p for m in me if looks_like_phone(m) for p in (normalize_phone(m, "ZZ"),)} - {""}
    found = set()
    for pid, name, mails, tels in zip(
        people["person_id"],
        people["name"],
        people["emails"] if "emails" in people.columns else [[]] * len(people),
        people["phones"] if "phones" in people.columns else [[]] * len(people),
        strict=True,
    ):
        mails = mails if isinstance(mails, list | tuple) else []
        tels = tels if isinstance(tels, list | tuple) else []
        if (
            normalize_name(name) in names
            or emails & {normalize_email(e) for e in mails}
            or phones & set(tels)
        ):
            found.add(pid)
    return found


def _first_names(people: pd.DataFrame) -> list[str]:
    out = []
    for nick, given, name in zip(
        people["nickname"], people["given_name"], people["name"], strict=True
    ):
        first = str(nick or given or "").strip()
        if not first:
            parts = str(name or "").split()
            first = parts[0] if parts else ""
        out.append(first)
    return out


def person_timeline(interactions: pd.DataFrame, person_id: str, freq: str = "MS") -> pd.DataFrame:
    """Contacts with one person counted by period and channel.

    Returns a DataFrame with columns ``period`` (Timestamp, start of the period, UTC), ``channel``
    and ``count``, one row per period and channel with contact, sorted by period then channel
    richness. ``freq`` is a pandas period alias (``"MS"`` month starts, ``"W-MON"`` weeks).
    """
    rows = interactions[interactions["person_id"] == person_id]
    if rows.empty:
        return pd.DataFrame(
            {
                "period": pd.Series([], dtype="datetime64[ns, UTC]"),
                "channel": pd.Series([], dtype=object),
                "count": pd.Series([], dtype="int64"),
            }
        )
    ts = rows["timestamp"].dt.tz_convert("UTC").dt.tz_localize(None)
    period = ts.dt.to_period(freq[:1] if freq == "MS" else freq).dt.start_time
    out = (
        pd.DataFrame({"period": period.to_numpy(), "channel": rows["channel"].to_numpy()})
        .groupby(["period", "channel"], observed=True)
        .size()
        .rename("count")
        .reset_index()
    )
    out["period"] = pd.to_datetime(out["period"]).dt.tz_localize("UTC")
    out["channel"] = out["channel"].astype(object)
    return out.sort_values(["period", "channel"], kind="stable").reset_index(drop=True)
