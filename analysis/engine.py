"""One call that runs every support-network metric: :func:`analyze`.

Inputs are the outputs of identity resolution (:mod:`analysis.identity`):

* ``people``: one row per person (``person_id, name, given_name, family_name, nickname, emails,
  phones, categories, orgs, titles, related, birthday, anniversary, contact_ids, sources,
  non_person, origin``);
* ``interactions``: the frame of :mod:`analysis.model` plus ``person_id`` (missing when unmatched) and
  ``matched_by``. Only rows with a ``person_id`` are analysed.

The result, :class:`Analysis`, holds plain DataFrames and a NetworkX graph; the dashboard and the
CLI render it, nothing is computed in the UI. Each metric lives in its own module (cadence,
circles, ties, balance, reciprocity, outside, graph, suggest); judgement constants are in
:mod:`analysis.constants`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import networkx as nx
import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.deferred import Deferred
from analysis.facts import FactsSettings, as_texts, facts_of
from analysis.metrics.balance import (
    Balance,
    balance,
    screen_only,
)
from analysis.metrics.cadence import (
    as_of_timestamp,
    day_number,
    expected_interval,
    status,
)
from analysis.metrics.circles import (
    assign_circles,
    best_layer,
    is_work_only,
    layer_of_rate,
    roles_where,
    with_role_overrides,
)
from analysis.metrics.explain import ReasonInputs, reasons
from analysis.metrics.graph import community_of, ego_graph
from analysis.metrics.outside import Outside, outside
from analysis.metrics.ties import components, tie_strength
from analysis.normalize import normalize_name
from analysis.occasions import FollowUp, Occasion
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
    * ``states``: person_id -> state names (``analysis.constants.STATES``): ``far_away`` (no
      meet nudge), ``lives_with_me`` (household), ``dont_suggest``, ``archived`` (no circle),
      ``in_memory`` (deceased: no circle, never neglected); no nudge for the last three.
    """

    circle: Mapping[str, int] = field(default_factory=dict)
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    closeness: Mapping[str, int] = field(default_factory=dict)
    desired_interval_days: Mapping[str, float] = field(default_factory=dict)
    done: Mapping[str, date] = field(default_factory=dict)
    snoozed_until: Mapping[str, date] = field(default_factory=dict)
    states: Mapping[str, frozenset[str] | tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Analysis:
    """Everything the engine computed for one as-of date.

    ``people``: one row per person with contact or a card, sorted by circle then tie strength
    (rules in docs/metrics.md). Identity: ``person_id, name, first_name, roles (list),
    non_person (bool), household (bool), far_away (bool), states (list)``. Circles: ``circle``
    (Int64 1..4; <NA> without contact, for non-persons, archived / in-memory people and beyond the
    outer bound), ``best_layer``, ``intimate`` (bool), ``community`` (Int64 or <NA>),
    ``effective_size``, ``constraint``. Contact: ``interactions, contact_days,
    contacts_in_window, one_to_one_days, personal_days, in_person_days`` (int),
    ``first_contact, last_contact`` (UTC Timestamps or NaT), ``days_since`` (float, NaN without
    contact), ``span_days, contacts_per_year, recent_rate, n_gaps, median_gap_days,
    rhythm_days, q90_gap_days, one_to_one_share, group_only, last_channel``. Cadence:
    ``expected_interval_days, in_person_interval_days, screen_interval_days, rhythm_in_person,
    desired (bool), overdue_ratio, status`` (ok|due|overdue|neglected|dormant|new|occasional|
    in_memory|no_contact), ``evidence, growing`` (bool). Ties: ``tie_strength`` (0..1) and its
    components ``tie_time, tie_one_to_one, tie_richness, tie_reciprocity, tie_length,
    tie_recency, tie_variety``. Balance: ``offline_share`` (in the window, NaN without contact
    there), ``offline_share_all, last_in_person, days_since_in_person, messages_in_window,
    screen_only, meet_lapsed`` (bool). Reciprocity: ``initiated_share`` (NaN when direction
    unknown), ``unanswered_run``, ``owed_days``, ``owed_messages`` (int),
    ``owed_first_days_ago, owed_last_days_ago``. The reasons for a person's status, circle
    and tie strength are written when asked for: :meth:`reasons`.

    ``balance``: :class:`analysis.metrics.balance.Balance`; ``outside``: :class:`analysis.metrics.outside.Outside`;
    ``edges``: the person-person edges (:func:`analysis.metrics.graph.person_edges`);
    ``graph``: the ego graph of :mod:`analysis.metrics.graph` (built from ``people`` and ``edges``
    on first use); ``communities``: lists of person_ids
    (largest first); ``suggestions``: ``rank, person_id, name, kind
    (reply|check_in|meet|reconnect|weak_tie|birthday|anniversary|follow_up), reason, action, draft,
    score, circle, status, occasion, on`` (rank 1 first; see :mod:`analysis.suggest`).
    """

    as_of: pd.Timestamp
    window_days: int
    people: pd.DataFrame
    balance: Balance
    outside: Outside
    edges: pd.DataFrame
    communities: list[list[str]]
    suggestions: pd.DataFrame
    reason_inputs: ReasonInputs = field(default_factory=ReasonInputs)
    """The user's edits the reasons read (:meth:`reasons`)."""

    def reasons(self, person_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Why each person has their status, circle and tie strength, in their own numbers
        (rule X1): ``why_status, why_circle, why_strength`` (str), indexed by person_id in the
        order of ``people``; only the people of ``person_ids`` when given
        (:func:`analysis.metrics.explain.reasons`)."""
        return reasons(self.people, self.reason_inputs, person_ids)

    @cached_property
    def graph(self) -> nx.Graph:
        """The ego graph (:func:`analysis.metrics.graph.ego_graph` of ``people`` and ``edges``),
        built on first use: only the network views need it."""
        return ego_graph(self.people, self.edges)


def analyze(
    people: pd.DataFrame,
    interactions: pd.DataFrame | Deferred[pd.DataFrame],
    as_of: date | str | pd.Timestamp | None = None,
    overrides: Overrides | None = None,
    window_days: int = 90,
    max_suggestions: int = 8,
    timezone: str | None = None,
    me: Sequence[str] = (),
    occasions: Sequence[Occasion] = (),
    follow_ups: Sequence[FollowUp] = (),
    facts_key: str | None = None,
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
    ``occasions`` are the yearly dates the user entered and ``follow_ups`` their one-off
    follow-ups (:mod:`analysis.occasions`); with the birthdays and anniversaries of ``people``
    they are reasons for suggestions (:mod:`analysis.suggest`, rules S5 and S6).

    Non-persons (``non_person``: no-reply@, info@, lists) stay in the people table with their
    figures but get no circle, no graph node and no suggestion. A person_id found only in the
    interactions gets a bare row (named by its id) rather than being dropped.

    ``facts_key``, when given, is the caller's digest of ``people`` and ``interactions`` (the
    pipeline's resolution key). What the engine derives from them alone, before the user's
    edits (the analysed rows, each person's contact figures, reciprocity, channels, balance,
    derived roles, the network's structure), is then kept (:mod:`analysis.facts`: the last ``FACTS_KEPT`` keys) and
    reused, so that a snooze, an edit or a second pass with group ceilings does not recompute
    it; new interactions of the same ``people`` frame (the same object, never changed in
    place) that differ for a few people only recompute those people's figures alone (logging a
    call). The result is the same with or without it. ``interactions`` may be
    :class:`~analysis.deferred.Deferred`: they are then read only when no facts are kept under
    the key (a new day's start from the store keeps its facts; the rows stay unread).

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
    if isinstance(interactions, Deferred):
        interactions = interactions.then(_checked)
    else:
        _checked(interactions)
    settings = FactsSettings(as_of_ts, window_days, timezone, tuple(me))
    facts = facts_of(people, interactions, settings, facts_key)
    people, me_card, stats = facts.people, facts.me_card, facts.stats
    today = day_number(as_of_ts)
    sidx = stats.index
    roles = with_role_overrides(facts.roles, overrides.roles)
    states = {str(k): frozenset(v) for k, v in overrides.states.items()}
    household = household_of(people, me_card, states)
    in_state = {s: {p for p, v in states.items() if s in v} for s in C.STATES}
    # non-persons (no-reply@, info@, lists) are kept in the table but placed in no circle:
    # a shop's newsletter must neither sit in the support clique nor shift the layer breaks
    robots = set(people.loc[people["non_person"], "person_id"])
    kin = pd.Series(
        roles_where(roles, lambda r: "family" in r or "partner" in r), index=roles.index
    )
    work_only = pd.Series(roles_where(roles, is_work_only), index=roles.index)
    evidence = (stats["contact_days"] >= C.MIN_EVIDENCE_DAYS) & (
        stats["days_known"] >= 7 * C.MIN_EVIDENCE_WEEKS
    )
    is_new = stats["days_known"] <= C.NEW_DAYS
    growing = (stats["recent_days"] > stats["earlier_days"]) & (stats["recent_days"] >= 2)

    # expected intervals: own rhythm, shrunk toward the norm of the layer the recent rate implies
    # (not the final circle, which depends on tie strength, which reads the lapse)
    prior = _layer_prior(stats["recent_rate"])
    no_kin = pd.Series(False, index=sidx)
    kin_s = kin.reindex(sidx).fillna(False).astype(bool)
    tol = pd.Series(np.where(kin_s, C.FAMILY_TOLERANCE, 1.0), index=sidx)
    tau_base = expected_interval(stats, prior, no_kin, prior=prior)
    tau_own = tau_base * tol
    kinds = []
    kind_tau = {}
    for kind in ("in_person", "screen"):
        k_tau = (
            expected_interval(
                stats,
                prior,
                no_kin,
                rhythm_col=f"rhythm_{kind}",
                n_col=f"n_recent_{kind}",
                prior=_layer_prior(stats[f"rate_{kind}"]),
            )
            * tol
        )
        kind_tau[kind] = k_tau
        usual = stats[f"n_recent_{kind}"] >= C.USUAL_CHANNEL_MIN_GAPS
        kinds.append((stats[f"days_since_{kind}"], k_tau, stats[f"q90_{kind}"], usual))
    kinds_t = tuple(kinds)
    own = status(stats["days_since"], tau_own, stats["q90_gap_days"], no_kin, kinds=kinds_t)

    rec, prof = facts.reciprocity, facts.channels
    one_share = stats["one_to_one_days"] / stats["contact_days"]
    parts = components(
        stats["time_rate"],
        own["overdue_ratio"],
        prof["richness"],
        stats["days_known"] / C.DAYS_PER_YEAR,
        rec["initiated_share"],
        prof["channels"],
        one_to_one_share=one_share,
        work_only=work_only,
    )
    tie = tie_strength(parts, overrides.closeness)
    rate = stats["recent_rate"]
    rate = rate.loc[~rate.index.isin(robots)]
    best = best_layer(rate, roles, evidence=evidence, group_only=stats["group_only"])
    circle = assign_circles(
        rate,
        roles,
        overrides.circle,
        score=tie,
        best=best,
        floor=household,
        exclude=in_state["archived"] | in_state["in_memory"],
    )
    desired = {
        k: float(v) for k, v in overrides.desired_interval_days.items() if v and float(v) > 0
    }
    wanted = pd.Series(sidx.isin(list(desired)), index=sidx)
    tau = tau_own.copy()
    if desired:
        d = pd.Series(desired, dtype="float64").reindex(sidx)
        tau = d.where(d.notna(), tau_own)
    st = status(
        stats["days_since"],
        tau,
        stats["q90_gap_days"],
        circle,
        kinds=kinds_t,
        evidence=evidence,
        new=is_new,
        growing=growing,
        group_only=stats["group_only"],
        household=household.reindex(sidx).fillna(False),
        in_memory=pd.Series(sidx.isin(list(in_state["in_memory"])), index=sidx),
        desired=wanted,
    )
    pb, in_window = facts.person_balance, facts.in_window
    far = pd.Series(sidx.isin(list(in_state["far_away"])), index=sidx)
    home = household.reindex(sidx).fillna(False).astype(bool)
    dip = stats["days_since_in_person"]
    meet_lapsed = (
        (stats["in_person_days"] >= C.MEET_HABIT_MIN_DAYS)
        & (dip <= C.DORMANT_DAYS)
        & (
            dip
            > np.maximum(
                np.maximum(
                    C.OVERDUE_FACTOR * kind_tau["in_person"], stats["q90_in_person"].fillna(0.0)
                ),
                C.SCREEN_ONLY_DAYS,
            )
        )
        & (stats["days_since_screen"] < C.SCREEN_ONLY_DAYS)
        & ~far
        & ~home
    )

    # object-dtype index: pandas 3 would infer its Arrow "str" dtype, slow to reindex against
    ids = pd.Index(people["person_id"].to_numpy(dtype=object), dtype=object, name="person_id")
    # each per-person frame aligned to the table's rows once (not column by column)
    sr, rr, pr = stats.reindex(ids), rec.reindex(ids), pb.reindex(ids)
    circle_t = circle.reindex(ids).astype("Int64")
    far_t = ids.isin(list(in_state["far_away"]))
    home_t = household.reindex(ids, fill_value=False).astype(bool)

    def counts(frame: pd.DataFrame, col: str) -> pd.Series:
        return frame[col].fillna(0).astype("int64")

    def flags(values: pd.Series) -> pd.Series:
        return values.reindex(ids, fill_value=False).astype(bool)

    cols: dict[str, object] = {
        "name": people["name"].fillna("").astype(object).to_numpy(),
        "first_name": _first_names(people),
        "roles": [list(r) if isinstance(r, tuple) else [] for r in roles.reindex(ids).tolist()],
        "circle": circle_t,
        "intimate": circle_t.isin(list(C.INTIMATE_LAYERS)).fillna(False).astype(bool),
        "tie_strength": tie.reindex(ids),
        "interactions": counts(sr, "interactions"),
        "contact_days": counts(sr, "contact_days"),
        "contacts_in_window": in_window.reindex(ids, fill_value=0).astype("int64"),
    }
    for col in (
        "first_contact",
        "last_contact",
        "days_since",
        "span_days",
        "contacts_per_year",
        "recent_rate",
        "n_gaps",
        "median_gap_days",
        "rhythm_days",
        "q90_gap_days",
        "last_channel",
    ):
        cols[col] = sr[col]
    cols["n_gaps"] = counts(sr, "n_gaps")
    for col in ("one_to_one_days", "personal_days", "in_person_days"):
        cols[col] = counts(sr, col)
    cols.update(
        {
            "one_to_one_share": one_share.reindex(ids),
            "group_only": sr["group_only"].fillna(False).astype(bool),
            "expected_interval_days": tau.reindex(ids),
            "in_person_interval_days": kind_tau["in_person"].reindex(ids),
            "rhythm_in_person": sr["rhythm_in_person"],
            "screen_interval_days": kind_tau["screen"].reindex(ids),
            "desired": flags(wanted),
            "overdue_ratio": st["overdue_ratio"].reindex(ids),
            "status": st["status"].reindex(ids).fillna("no_contact").astype(object),
            "evidence": flags(evidence),
            "growing": flags(growing),
            "offline_share": pr["offline_share"],
            "offline_share_all": pr["offline_share_all"],
            "initiated_share": rr["initiated_share"],
            "unanswered_run": counts(rr, "unanswered_run"),
            "owed_days": counts(rr, "owed_days"),
            "owed_messages": counts(rr, "owed_messages"),
            "owed_first_days_ago": today - rr["owed_first_day"],
            "owed_last_days_ago": today - rr["owed_last_day"],
            "last_in_person": pr["last_in_person"],
            "days_since_in_person": pr["days_since_in_person"],
            "messages_in_window": counts(pr, "messages_in_window"),
            "screen_only": flags(screen_only(pb, circle)) & ~home_t & ~pd.Series(far_t, index=ids),
            "meet_lapsed": flags(meet_lapsed),
            "household": home_t,
            "far_away": far_t,
            "states": [sorted(states.get(p, ())) for p in ids] if states else [[] for _ in ids],
            "non_person": people["non_person"].fillna(False).astype(bool).to_numpy(),
        }
    )
    pr_ = parts.reindex(ids)
    for comp in parts.columns:
        cols[f"tie_{comp}"] = pr_[comp]
    cols["best_layer"] = best.reindex(ids).astype("Int64")
    table = pd.DataFrame(cols, index=ids)

    edges, groups, struct = facts.structure
    groups = [list(c) for c in groups]  # the kept facts are shared: the result gets its own
    member = community_of(groups)
    table["community"] = pd.array(ids.map(member).to_numpy(), dtype="Int64")
    table["effective_size"] = struct["effective_size"].reindex(ids)
    table["constraint"] = struct["constraint"].reindex(ids)

    table = table.reset_index()
    for col in (
        "person_id",
        "name",
        "first_name",
        "last_channel",
        "status",
    ):
        table[col] = table[col].astype(object)  # the project's string columns are object
    table = table.sort_values(
        ["circle", "tie_strength", "person_id"],
        ascending=[True, False, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)

    bal = balance(facts.modes, pb, table, window_days)
    out = outside(table, window_days)
    sugg = suggest(
        table,
        as_of_ts,
        window_days=window_days,
        max_suggestions=max_suggestions,
        done=overrides.done,
        snoozed_until=overrides.snoozed_until,
        occasions=facts.occasions,
        entered=occasions,
        follow_ups=follow_ups,
    )
    return Analysis(
        as_of=as_of_ts,
        window_days=window_days,
        people=table,
        balance=bal,
        outside=out,
        edges=edges,
        communities=groups,
        suggestions=sugg,
        reason_inputs=ReasonInputs(
            placed=frozenset(overrides.circle),
            rated=frozenset(overrides.closeness),
            robots=frozenset(robots),
            archived=frozenset(in_state["archived"]),
            in_memory=frozenset(in_state["in_memory"]),
        ),
    )


def _layer_prior(rate: pd.Series) -> pd.Series:
    """The expected-interval prior (rule R3): ``LAYER_TAU_DAYS`` of the layer whose nominal rate
    is nearest to ``rate`` (recent contact days a year)."""
    layers = layer_of_rate(rate.astype("float64").fillna(0.0).to_numpy())
    tau = np.array([np.nan, *(float(C.LAYER_TAU_DAYS[k]) for k in (1, 2, 3, 4))])
    return pd.Series(tau[layers], index=rate.index, dtype="float64")


def _address_key(text: str) -> str:
    return " ".join(normalize_name(text).split())


def household_of(
    people: pd.DataFrame,
    me_card: Mapping[str, list],
    states: Mapping[str, frozenset[str]],
) -> pd.Series:
    """Who lives with the user (rule H1): person_id -> bool for every row of ``people``.

    A person is in the household when the user marks them ``lives_with_me``
    (``Overrides.states``), when the user's own card names them with a partner or child relation
    (``HOUSEHOLD_RELATIONS``; vCard RELATED, Apple X-ABRELATEDNAMES), or when one of their
    addresses (an optional ``addresses`` or ``address`` column) equals one on the user's card
    (compared without case, accents and punctuation)."""
    ids = people["person_id"].astype(object)
    home: set[str] = {p for p, v in states.items() if "lives_with_me" in v}
    related = me_card.get("related", [])
    by_name: dict[str, list[str]] = {}
    for pid, name in zip(ids, people["name"], strict=True) if related else ():
        by_name.setdefault(normalize_name(name), []).append(pid)
    for item in related:
        if isinstance(item, list | tuple) and len(item) == 2:
            words = set(normalize_name(item[0]).split())
            if words & set(C.HOUSEHOLD_RELATIONS):
                home.update(by_name.get(normalize_name(item[1]), []))
    mine = {_address_key(a) for a in me_card.get("addresses", [])} - {""}
    if mine:
        for col in ("addresses", "address"):
            if col in people.columns:
                for pid, v in zip(ids, people[col], strict=True):
                    if mine & {_address_key(a) for a in as_texts(v)}:
                        home.add(pid)
    return pd.Series(ids.isin(list(home)).to_numpy(), index=pd.Index(ids, name="person_id"))


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


def _checked(interactions: pd.DataFrame) -> pd.DataFrame:
    """``interactions``, after checking they have the columns the engine reads."""
    for col in ("person_id", "timestamp", "channel", "mode", "direction"):
        if col not in interactions.columns:
            raise ValueError(f"interactions frame lacks column {col!r}")
    return interactions


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


def monthly_contacts(
    interactions: pd.DataFrame, as_of: date | pd.Timestamp, months: int = 12
) -> dict[str, list[int]]:
    """Contacts per person in each of the last ``months`` calendar months (UTC) up to the
    month of ``as_of``, the as-of month last: ``person_id -> [count, ...]``. Rows without a
    person or a time are left out, and so are people without contact in those months.

    Counted with numpy over every row at once (per person and month in pandas, 10,000 people
    and a million rows took 12 s).

    >>> rows = pd.DataFrame({"person_id": ["a", "a", None],
    ...     "timestamp": pd.to_datetime(["2024-03-05", "2024-01-31", "2024-03-01"], utc=True)})
    >>> monthly_contacts(rows, date(2024, 3, 20), months=3)
    {'a': [1, 0, 1]}
    """
    pid = interactions["person_id"].to_numpy(dtype=object)
    stamps = pd.DatetimeIndex(interactions["timestamp"])
    if stamps.tz is not None:
        stamps = stamps.tz_convert("UTC").tz_localize(None)
    month = stamps.to_numpy().astype("datetime64[M]")
    first = np.datetime64(pd.Timestamp(as_of).date(), "M") - (months - 1)
    offset = np.full(len(month), -1, dtype=np.int64)
    known = ~np.isnat(month)
    offset[known] = (month[known] - first).astype(np.int64)
    keep = pd.notna(pid) & (offset >= 0) & (offset < months)
    codes, people = pd.factorize(pid[keep])
    counts = np.bincount(codes * months + offset[keep], minlength=len(people) * months)
    per_person = counts.reshape(len(people), months).tolist()
    return dict(zip(people.tolist(), per_person, strict=True))
