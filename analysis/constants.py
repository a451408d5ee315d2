"""Every judgement constant of the support-network engine, named, with its source or rationale.

Change a number here and every metric that uses it follows; nothing else in ``analysis/`` hard-codes
a weight or a threshold. Every rule, with its constants and sources, is listed in docs/metrics.md (rule ids such as
"rule G1" refer to it); full references are in docs/metrics.md.
"""

from __future__ import annotations

# --- Layers (Dunbar circles) -------------------------------------------------------------------

LAYER_SIZES: dict[int, int] = {1: 5, 2: 15, 3: 50, 4: 150}
"""Cumulative nominal sizes of the layers (Zhou, Sornette, Hill & Dunbar 2005, Proc R Soc B
272:439; Dunbar, Arnaboldi, Conti & Passarella 2015, Soc Networks 43:39; Hill & Dunbar 2003).
Placement adapts to the data but keeps each cumulative count inside ``LAYER_BOUNDS``."""

LAYER_TOLERANCE: float = 1.5
"""How far a cumulative layer count may stray from ``LAYER_SIZES``: between size / 1.5 and
size * 1.5 (rounded). A judgement call: the layer sizes people report vary about that much around
the means (Zhou et al. 2005 report a scaling ratio of about 3 with individual spread; Dunbar et
al. 2015 find 4-5, 11-15, 30-50, 130-150 across online networks). docs/metrics.md, rule C1."""

LAYER_BOUNDS: dict[int, tuple[int, int]] = {
    k: (round(v / LAYER_TOLERANCE), round(v * LAYER_TOLERANCE)) for k, v in LAYER_SIZES.items()
}
"""Cumulative (lower, upper) count of each layer: (3, 8), (10, 22), (33, 75), (100, 225). A layer
holds fewer only when fewer people qualify for it (a network of 35 has no 150 layer)."""

LAYER_NORMS: dict[int, int] = {1: 5, 2: 10, 3: 35, 4: 100}
"""Each ring's own typical count (the differences of ``LAYER_SIZES``): what the Circles page can
compare a ring's count with (:func:`analysis.metrics.circles.ring_norms`)."""

LAYER_NOMINAL_PER_YEAR: dict[int, float] = {1: 52.0, 2: 12.0, 3: 4.0, 4: 1.0}
"""Nominal contact rates of the layers: weekly, monthly, ~quarterly, yearly (Hill & Dunbar 2003;
Dunbar et al. 2015). Used for the prior of the expected interval of people with little history."""

LAYER_MIN_PER_YEAR: dict[int, float] = {1: 12.0, 2: 4.0, 3: 1.0, 4: 0.0}
"""A person can sit in a layer only with at least this recent, group-weighted contact rate
(contact days a year): the nominal rate of the layer outside it (an intimate tie is in touch at
least monthly; Hill & Dunbar 2003). Keeps a five-person network from putting yearly contacts in
the support clique just because the clique has room."""

LAYER_TAU_DAYS: dict[int, float] = {1: 7.0, 2: 30.0, 3: 90.0, 4: 365.0}
"""The layer's norm for the expected interval between contacts (the prior of the shrinkage)."""

INTIMATE_LAYERS: tuple[int, ...] = (1, 2)
"""The intimate circle = the two inner layers (support clique + sympathy group)."""

WORK_ONLY_MIN_LAYER: int = 3
"""People whose only roles are work / neighbour / club go no higher than layer 3 on frequency
alone: frequent contact overstates co-workers and neighbours (Marsden & Campbell 1984)."""

WORK_ONLY_ROLES: frozenset[str] = frozenset({"work", "neighbour", "club"})

GROUP_ONLY_MIN_LAYER: int = 3
"""Someone met only in groups (``GROUP_ONLY_MAX_SHARE``) goes no higher than layer 3, labelled
or not; a person also met or called one-to-one keeps their place: a choir, a course chat or the parents at a club say little
about closeness (Hall 2019: closeness grows with time spent together, which a large group
divides). docs/metrics.md, rule G2."""

GROUP_ONLY_MAX_SHARE: float = 0.1
"""Group-only means fewer than one in ten contact days one-to-one. Not "no one-to-one day at
all": event ids mark a group chat *day*, so a day on which only one member of a busy group wrote
looks one-to-one; a handful of such days in a year of club chat must not lift a club parent into
the intimate circle. A friend called or met alone on one day in ten keeps their place."""

PARTNER_LAYER: int = 1
"""A partner (spouse, partner) with any contact is placed in the innermost layer."""

HOUSEHOLD_LAYER: int = 2
"""People who live with the user are at least in this layer (intimate)."""

# --- Group contact -----------------------------------------------------------------------------

CONVERSATION_MAX_OTHERS: int = 3
"""A conversation holds about four people, the user and three others; larger groups split into
several conversations (Dunbar, Duncan & Nettle 1995, Hum Nature 6:67). A day with an event of at
most three other people counts as *personal* contact: enough, with ``MIN_EVIDENCE_DAYS`` such
days, to suggest reviving a dormant tie; a bigger event is not."""

GROUP_WEIGHT_RULE: str = "1/n"
"""A contact day shared with n other people (same ``event_id``) weighs ``1 / n`` of a one-to-one
day: the share of the occasion's time the user can spend with each of them (in a group of up to
four everyone talks together and the user's attention is split n ways; in a larger group the
user talks with about 3 of the n at a time, so with any one of them for about 3/n of the time, a
third of it: again 1/n). Closeness follows time together (Hall 2019, J Soc Pers Relat 36:1278).
A day's weight is the largest weight of its rows (a one-to-one message on a choir day makes
it a full day). docs/metrics.md, rule G1."""

DURATION_NORM_MIN: float = 60.0
DURATION_MAX_FACTOR: float = 2.0
"""Time together, where the duration is known: a day's weight grows from 1 at an hour or less to
``DURATION_MAX_FACTOR`` at three hours (``1 + (minutes - 60) / 120``, capped); short contact is
not penalised because durations are missing for most messages (Hall 2019: hours together)."""

# --- Frequency and cadence ---------------------------------------------------------------------

MIN_SPAN_DAYS: float = 30.0
"""Frequency f = contact days per year over the relationship's span, at least 30 days."""

DAYS_PER_YEAR: float = 365.25

RECENCY_HALF_LIFE_DAYS: float = 182.0
"""Half-life of the recency weight of contact and of gaps: contact half a year ago counts half,
two years ago a sixteenth. Rates of ties that fall silent decay instead of keeping their old
value (Roberts & Dunbar 2011, Pers Relatsh 18:439: emotional closeness of friendships declined
within 18 months of reduced contact); a pause years ago or history linked later barely counts
against the present rhythm. docs/metrics.md, rule R1."""

GAP_WEIGHT_CAP_DAYS: float = 90.0
"""In the rhythm (a recency-weighted, length-weighted median of gaps), one gap weighs at most as
much as a 90-day gap: length weighting keeps bursts (a week of daily chat, then two quiet
months) from making the rhythm a day, and the cap keeps one long pause (seven years before
regular weekly contact) from outweighing hundreds of short gaps. docs/metrics.md, rule R2."""

SHRINK_PSEUDO_GAPS: float = 3.0
"""Weight (in gaps) of the prior in the expected interval:
``tau = (n * rhythm + 3 * tau_prior) / (n + 3)``, n = recency-weighted number of gaps
(empirical-Bayes style shrinkage)."""

USUAL_CHANNEL_MIN_GAPS: float = 2.0
"""A channel kind (in person, on screens) is one of a person's usual ways of contact when its
recency-weighted number of gaps is at least this; status reads every usual kind's own rhythm."""

DUE_FACTOR: float = 1.0
"""*due* when days since last contact exceed ``DUE_FACTOR * tau`` in every usual channel kind."""

OVERDUE_FACTOR: float = 1.5
"""*overdue* when days since exceed ``max(OVERDUE_FACTOR * tau, Q90(gaps))`` in every usual kind."""

OVERDUE_QUANTILE: float = 0.9
"""The quantile of the person's own (recency-weighted) gaps that also has to be exceeded before
*overdue*: a gap no longer than nine in ten of their usual gaps is not alarming."""

NEGLECTED_FACTOR: float = 2.0
"""*neglected* when overdue, in an intimate layer, and days since exceed ``2 * tau``."""

FAMILY_TOLERANCE: float = 1.5
"""Kin tolerate longer silences: friendships decay faster than kin ties when contact drops
(Roberts & Dunbar 2011, Evol Hum Behav 32:186). Multiplies the expected interval of family and
partners."""

MIN_EVIDENCE_DAYS: int = 4
MIN_EVIDENCE_WEEKS: int = 4
"""Evidence before judgement: at least 4 contact days spread over at least 4 weeks before a
person can be placed in an intimate layer or called due, overdue, neglected or dormant; with
less the status is ``new`` (first contact within ``NEW_DAYS``) or ``occasional``. Three points
give two gaps, too few for a rhythm (a judgement call; docs/metrics.md, rule E1)."""

NEW_DAYS: int = 90
"""A person first in touch within this many days is ``new`` while the evidence is short."""

GROWING_WINDOW_DAYS: int = 90
"""A tie is *growing* when it has more contact days in the last 90 days than in the 90 before;
a growing tie is never called neglected (rule E2)."""

DORMANT_DAYS: int = 730
"""Silent for longer than two years: ``dormant`` (a tie to revive, not a lapse to repair)."""

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
kinds, *and* work-like channels (``WORK_CHANNEL_SHARE``), gets the ``work`` role when no category
or relation gives them one. The hour alone never makes a colleague: a retiree's Wednesday-morning
call with an old friend is daytime contact, not work (rule W1)."""

WORK_PATTERN_MIN_EVENTS: int = 10
WORK_HOURS: tuple[int, int] = (9, 17)
"""Office hours [start, end) in local time for the work-pattern signal."""

WORK_CHANNEL_SHARE: float = 0.5
"""Work-like channels: at least half of the person's office-hour contact days are e-mail or
meetings (an event with ``WORK_MEETING_MIN_PEOPLE`` or more people: a calendar meeting, a team
call). Calls, messages and one-to-one meetings in the day are what friends and retirees do too."""

WORK_MEETING_MIN_PEOPLE: int = 3

CONSUMER_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "outlook.de", "hotmail.com", "hotmail.de",
        "hotmail.co.uk", "hotmail.fr", "live.com", "live.de", "msn.com", "yahoo.com", "yahoo.de",
        "yahoo.co.uk", "yahoo.fr", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com",
        "gmx.de", "gmx.net", "gmx.at", "gmx.ch", "gmx.com", "web.de", "t-online.de", "freenet.de",
        "posteo.de", "mailbox.org", "proton.me", "protonmail.com", "pm.me", "tutanota.com",
        "tuta.io", "zoho.com", "mail.com", "yandex.ru", "yandex.com", "mail.ru", "qq.com",
        "163.com", "126.com", "naver.com", "orange.fr", "free.fr", "laposte.net", "wanadoo.fr",
        "libero.it", "virgilio.it", "seznam.cz", "wp.pl", "o2.pl", "onet.pl", "interia.pl",
        "bluewin.ch", "fastmail.com", "hey.com", "btinternet.com", "sky.com", "comcast.net",
        "verizon.net", "att.net", "bigpond.com", "rediffmail.com", "uol.com.br", "bol.com.br",
    }
)  # fmt: skip
"""Consumer webmail domains: an address there says nothing about work. A work domain is any
other domain the user's own addresses use (``me``): a person with an address at the user's own
work domain is a colleague when nothing else is known (rule W2)."""

WORK_ORG_MIN_PEOPLE: int = 3
"""An organisation shared by at least this many people in the address book is taken as the user's
workplace (or a group the user belongs to): those people get the ``work`` role when no other
role is known. Kept simple on purpose; the user can move anyone."""

# --- Tie strength ------------------------------------------------------------------------------

TIE_WEIGHTS: dict[str, float] = {
    "time": 0.30,
    "one_to_one": 0.15,
    "richness": 0.15,
    "reciprocity": 0.10,
    "length": 0.10,
    "recency": 0.10,
    "variety": 0.10,
}
"""Weights of the tie-strength components; they sum to 1 (rule T1). Time together carries most
(Granovetter 1973's "amount of time"; Hall 2019: hours together), measured as recent,
group-weighted contact days with durations where known; the one-to-one share and channel
richness stand for intimacy and emotional intensity (Marsden & Campbell 1984: closeness, not
frequency, is the best indicator; frequency is contaminated by work and neighbourhood contact);
reciprocity, length, recency against the person's own rhythm and variety (multiplexity; Gilbert
& Karahalios 2009) add the rest. A judgement call on the exact numbers; a user's closeness
rating can only raise the result."""

WORK_TIME_DISCOUNT: float = 0.5
"""The time component of someone whose only roles are work / neighbour / club counts half:
daily meetings must not make co-workers the strongest ties (Marsden & Campbell 1984)."""

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
"""The user's own closeness rating r: tie strength is at least ``(r - 1) / 4`` (it never lowers
the computed strength; rule U2)."""

# --- Balance -----------------------------------------------------------------------------------

WINDOW_DAYS: int = 90
"""Default window for balance and weak-tie activity (docs/metrics.md)."""

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
"""Seed of the Louvain community detection (igraph's ``community_multilevel``): same input, same
communities."""

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

KIND_TIER: dict[str, int] = {"reply": 0, "check_in": 0, "meet": 1, "reconnect": 1, "weak_tie": 1}
"""Suggestions are ranked by tier, then score: a reply owed and a close tie fallen silent
against its own rhythm come before a change of channel (``meet``) and before weak ties
(rule S1)."""

REPLY_MAX_DAYS: int = 21
"""A reply is owed when the person wrote (incoming message, e-mail or post, one-to-one) and the
user has not answered since, and their last such contact is at most three weeks old; older, it
is a lapse for the rhythm rules, not a reply (rule S2)."""

REPLY_MIN_DAYS: int = 2
"""A reply is owed once the person wrote on at least two days without an answer: one incoming
message in a log is often answered elsewhere (in person, in another app) and is read as
contact, not as a debt (a judgement call)."""

REPLY_URGENCY: float = 3.0
"""Urgency of a ``reply`` suggestion (as if three times overdue): within days it ranks high."""

REPLY_CHANNELS: tuple[str, ...] = ("message", "email", "social", "other")
"""Channels where incoming contact waits for an answer (a call or a meeting is a conversation)."""

MEET_HABIT_MIN_DAYS: int = 4
"""A ``meet`` nudge needs a habit of meeting: at least four in-person days with the person, and
an in-person lapse against their own in-person rhythm (days since last met over
``max(OVERDUE_FACTOR * tau_in_person, Q90 of in-person gaps, SCREEN_ONLY_DAYS)``), while still
in touch on screens. Never for people never met, far away, or living with the user (rule S3)."""

STATES: tuple[str, ...] = ("far_away", "lives_with_me", "dont_suggest", "archived", "in_memory")
"""Person states the user can set (``Overrides.states``): ``far_away`` (no meet nudge),
``lives_with_me`` (household: intimate, never neglected, never nudged), ``dont_suggest`` (no
nudge), ``archived`` (no circle, no nudge), ``in_memory`` (deceased: no circle, no nudge, never
neglected). Rule U3."""

NO_NUDGE_STATES: frozenset[str] = frozenset({"dont_suggest", "archived", "in_memory"})

HOUSEHOLD_RELATIONS: tuple[str, ...] = (
    "partner", "spouse", "wife", "husband", "child", "son", "daughter", "kid", "ehefrau",
    "ehemann", "lebenspartner", "tochter", "sohn", "kind", "girlfriend", "boyfriend",
)  # fmt: skip
"""Relation types on the user's own card (vCard RELATED, X-ABRELATEDNAMES) that make the named
person part of the household. Parents named on the card are family but live with the user only
when the card's address says so (an adult's parents usually live elsewhere; rule H1)."""
