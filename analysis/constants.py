"""Every judgement constant of the support-network engine, named, with its source or rationale.

Change a number here and every metric that uses it follows; nothing else in ``analysis/`` hard-codes
a weight or a threshold. Sources are listed in full in DESIGN.md ("Sources").
"""

from __future__ import annotations

# --- Layers (Dunbar circles) -------------------------------------------------------------------

LAYER_SIZES: dict[int, int] = {1: 5, 2: 15, 3: 50, 4: 150}
"""Cumulative nominal sizes of the layers (Dunbar, Arnaboldi, Conti & Passarella 2015; Zhou et
al. 2005; Hill & Dunbar 2003). Informational: placement is by contact rate, not by filling quotas."""

LAYER_NOMINAL_PER_YEAR: dict[int, float] = {1: 52.0, 2: 12.0, 3: 4.0, 4: 1.0}
"""Nominal contact rates of the layers: weekly, monthly, ~quarterly, yearly (Hill & Dunbar 2003;
Dunbar et al. 2015). A cluster of people is put in the layer whose nominal rate is nearest to its
centre on a log scale, so a small network is never forced into four layers."""

LAYER_TAU_DAYS: dict[int, float] = {1: 7.0, 2: 30.0, 3: 90.0, 4: 365.0}
"""The layer's norm for the expected interval between contacts (DESIGN.md, Metrics: Cadence)."""

INTIMATE_LAYERS: tuple[int, ...] = (1, 2)
"""The intimate circle = the two inner layers (support clique + sympathy group)."""

CLUSTER_LOG_BIN: float = 0.02
"""Log10 contact rates are rounded to this step (about 5 %) before optimal 1-D clustering, so
Ckmeans runs on a few hundred weighted values instead of every person (speed; no visible loss)."""

CLUSTER_MAX_K: int = 4
"""At most four clusters: one per Dunbar layer."""

WORK_ONLY_MIN_LAYER: int = 3
"""People whose only roles are work / neighbour / club go no higher than layer 3 on frequency
alone: frequent contact overstates co-workers and neighbours (Marsden & Campbell 1984)."""

WORK_ONLY_ROLES: frozenset[str] = frozenset({"work", "neighbour", "club"})

PARTNER_LAYER: int = 1
"""A partner (spouse, partner) with any contact is placed in the innermost layer."""

# --- Frequency and cadence ---------------------------------------------------------------------

MIN_SPAN_DAYS: float = 30.0
"""Frequency f = contact days per year over the relationship's span, at least 30 days
(DESIGN.md, Metrics: Frequency)."""

DAYS_PER_YEAR: float = 365.25

SHRINK_PSEUDO_GAPS: float = 3.0
"""Weight (in gaps) of the layer norm in the expected interval:
``tau = (n * rhythm + 3 * tau_layer) / (n + 3)`` (empirical-Bayes style shrinkage; DESIGN.md)."""

DUE_FACTOR: float = 1.0
"""*due* when days since last contact exceed ``DUE_FACTOR * tau``."""

OVERDUE_FACTOR: float = 1.5
"""*overdue* when days since exceed ``max(OVERDUE_FACTOR * tau, Q90(gaps))`` (DESIGN.md)."""

OVERDUE_QUANTILE: float = 0.9
"""The quantile of the person's own gaps that also has to be exceeded before *overdue*: a gap no
longer than nine in ten of their usual gaps is not alarming (DESIGN.md)."""

NEGLECTED_FACTOR: float = 2.0
"""*neglected* when overdue, in an intimate layer, and days since exceed ``2 * tau`` (DESIGN.md)."""

FAMILY_TOLERANCE: float = 1.5
"""Kin tolerate longer silences: friendships decay faster than kin ties when contact drops
(Roberts & Dunbar 2011, Evol Hum Behav 32:186). Multiplies the expected interval of family and
partners."""

# --- Roles -------------------------------------------------------------------------------------

ROLES: tuple[str, ...] = ("family", "partner", "friend", "work", "neighbour", "club", "community")
"""Social roles, after Cohen's Social Network Index (Cohen et al. 1997, 12 roles), simplified to
the ones an address book can show."""

ROLE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "partner": (
        "partner",
        "spouse",
        "wife",
        "husband",
        "girlfriend",
        "boyfriend",
        "fiance",
        "ehefrau",
        "ehemann",
        "freundin",
        "lebenspartner",
        "epouse",
        "epoux",
        "conjoint",
        "pareja",
        "esposa",
        "esposo",
        "moglie",
        "marito",
    ),
    "family": (
        "family",
        "familie",
        "famille",
        "familia",
        "famiglia",
        "familj",
        "rodzina",
        "mother",
        "father",
        "mom",
        "mum",
        "dad",
        "parent",
        "sister",
        "brother",
        "sibling",
        "daughter",
        "son",
        "child",
        "kids",
        "aunt",
        "uncle",
        "cousin",
        "niece",
        "nephew",
        "grandma",
        "grandpa",
        "grandmother",
        "grandfather",
        "in-law",
        "relatives",
        "mutter",
        "vater",
        "schwester",
        "bruder",
        "tochter",
        "sohn",
        "tante",
        "onkel",
        "oma",
        "opa",
        "mere",
        "pere",
        "soeur",
        "frere",
        "fille",
        "fils",
        "madre",
        "padre",
        "hermana",
        "hermano",
        "verwandte",
        "kin",
    ),
    "friend": (
        "friend",
        "friends",
        "freunde",
        "freund",
        "amis",
        "ami",
        "amigos",
        "amigo",
        "amici",
        "buddy",
        "mates",
        "bff",
    ),
    "work": (
        "work",
        "arbeit",
        "travail",
        "trabajo",
        "lavoro",
        "colleague",
        "colleagues",
        "coworker",
        "co-worker",
        "coworkers",
        "kollege",
        "kollegen",
        "collegue",
        "office",
        "business",
        "client",
        "clients",
        "customer",
        "job",
        "team lead",
        "manager",
        "buro",
        "firma",
        "company",
    ),
    "neighbour": (
        "neighbour",
        "neighbor",
        "neighbours",
        "neighbors",
        "nachbar",
        "nachbarn",
        "voisin",
        "voisins",
        "vecino",
        "vecinos",
        "vicino",
        "vicini",
    ),
    "club": (
        "club",
        "verein",
        "team",
        "choir",
        "chor",
        "band",
        "climbing",
        "klettern",
        "gym",
        "sport",
        "football",
        "soccer",
        "fussball",
        "running",
        "hiking",
        "yoga",
        "chess",
        "book club",
        "orchestra",
        "tennis",
        "swim",
        "dance",
        "group",
    ),
    "community": (
        "church",
        "kirche",
        "eglise",
        "community",
        "gemeinde",
        "volunteer",
        "ehrenamt",
        "benevole",
        "mosque",
        "synagogue",
        "temple",
        "parish",
        "charity",
        "school",
        "parents",
        "eltern",
        "kita",
        "association",
    ),
}
"""Multilingual keywords (matched on accent-free, lower-cased words of categories and relation
types). ``partner`` is checked before ``family`` so "Ehefrau" is a partner, not just kin."""

IGNORED_CATEGORIES: frozenset[str] = frozenset(
    {"mycontacts", "* mycontacts", "starred", "* starred", "imported", "other contacts"}
)
"""Google/Apple system labels that say nothing about a relationship."""

WORK_PATTERN_SHARE: float = 0.8
"""Work-pattern signal: a person with at least this share of contact on weekdays 9:00-17:00 in
the user's time zone, over ``WORK_PATTERN_MIN_EVENTS`` or more contacts and at least two weekday
kinds, gets the ``work`` role when no category or relation gives them one. A weak signal (friends
meet for lunch too), so it never overrides a label; off-hours share of friendship contact is high
in phone logs (Saramaki et al. 2014 note the weekday rhythm of work calls)."""

WORK_PATTERN_MIN_EVENTS: int = 10
WORK_HOURS: tuple[int, int] = (9, 17)
"""Office hours [start, end) in local time for the work-pattern signal."""

WORK_ORG_MIN_PEOPLE: int = 3
"""An organisation shared by at least this many people in the address book is taken as the user's
workplace (or a group the user belongs to): those people get the ``work`` role when no other
role is known. Kept simple on purpose; the user can move anyone."""

# --- Tie strength ------------------------------------------------------------------------------

TIE_WEIGHTS: dict[str, float] = {
    "frequency": 0.30,
    "recency": 0.20,
    "richness": 0.20,
    "length": 0.10,
    "reciprocity": 0.10,
    "variety": 0.10,
}
"""Weights of the tie-strength components; they sum to 1. Frequency and recency (Granovetter's
"amount of time") carry most (Gilbert & Karahalios 2009 found intensity and recency among the
strongest predictors); channel richness stands for emotional intensity and intimacy; length,
reciprocity ("reciprocal services") and variety (multiplexity) each add a little. A judgement
call: a user's own closeness rating replaces the mix."""

FREQ_SATURATION_PER_YEAR: float = 104.0
"""Frequency score ``log1p(f) / log1p(104)``, capped at 1: twice a week or more is full marks."""

LENGTH_SATURATION_YEARS: float = 10.0
"""Relationship-length score ``log1p(years) / log1p(10)``, capped at 1."""

VARIETY_SATURATION: int = 4
"""Channel-variety score ``(distinct channels - 1) / (4 - 1)``, capped at 1."""

CHANNEL_RICHNESS: dict[str, float] = {
    "in_person": 1.0,
    "video": 0.8,
    "call": 0.7,
    "message": 0.4,
    "email": 0.3,
    "social": 0.2,
    "other": 0.2,
}
"""Channel richness: in person > video > call > message > email > social (Sherman, Michikyan &
Greenfield 2013; Vlahovic, Roberts & Dunbar 2012). The values are a judgement, only the order is
sourced."""

CLOSENESS_SCALE: tuple[int, int] = (1, 5)
"""The user's own closeness rating; it replaces tie strength as ``(r - 1) / 4``."""

# --- Balance -----------------------------------------------------------------------------------

WINDOW_DAYS: int = 90
"""Default window for balance and weak-tie activity (DESIGN.md)."""

SCREEN_ONLY_DAYS: int = 60
"""An intimate-circle person with online contact but no in-person contact for 60+ days has gone
screen-only (Teo et al. 2015: in-person contact frequency, not phone or e-mail, predicted lower
depression two years on)."""

# --- Outside the intimate circle ---------------------------------------------------------------

FADING_MAX_DAYS: int = 730
"""A weak tie silent for longer than this is dormant rather than fading."""

# --- Graph -------------------------------------------------------------------------------------

EVENT_MAX_PEOPLE: int = 25
"""Group events with more people than this give no person-person edges: a 200-member group chat
or a conference says little about who knows whom, and its pairs would grow quadratically."""

GROUP_MAX_PEOPLE: int = 30
"""Shared organisations / categories with more people than this give no weak edges (same reason)."""

WEAK_EDGE_WEIGHT: float = 0.25
"""Weight of a shared-organisation or shared-category edge (flagged ``weak=True``)."""

RELATED_EDGE_WEIGHT: float = 2.0
"""Weight of a vCard RELATED link between two people (a stated relation)."""

LOUVAIN_SEED: int = 42
"""Seed of ``networkx.community.louvain_communities``: same input, same communities."""

STRUCTURAL_MAX_PATHS: float = 5_000_000
"""``effective_size`` and ``constraint`` (Burt) are computed on the person-person graph only, by
joins over two-step paths; their number is the sum of squared degrees. Above this many the
measures are left out (NaN) rather than holding up the analysis: with events capped at
``EVENT_MAX_PEOPLE`` and groups at ``GROUP_MAX_PEOPLE`` real address books stay far below."""

# --- Suggestions -------------------------------------------------------------------------------

MAX_SUGGESTIONS: int = 8

CIRCLE_PRIORITY: dict[int, float] = {1: 1.0, 2: 0.8, 3: 0.5, 4: 0.3}
"""How much a suggestion for someone in each layer weighs: closer people first."""

URGENCY_CAP: float = 4.0
"""Overdue ratios above this count as this much: 10x overdue is not more urgent than 4x, and a
decade-long silence must not outrank a close friend who is 3x overdue."""

RECONNECT_MIN_DAYS: int = 180
"""An outside-circle person silent this long (and overdue) is an old friend to reconnect with."""

SCORE_TIE_BLEND: float = 0.5
"""Suggestion score uses ``(1 - b) + b * tie_strength``: stronger ties first, but a weak tie that
is badly overdue can still outrank a strong one that is barely overdue."""

MEET_NEVER_URGENCY: float = 2.0
"""Urgency of a ``meet`` suggestion when there is no in-person contact on record at all (as if
the last meeting were twice ``SCREEN_ONLY_DAYS`` ago)."""

DAILY_POOL: int = 7
"""The daily check-in rotates over the seven intimate-circle people most in need of contact (a
week's worth, one a day)."""
