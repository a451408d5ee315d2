"""A deterministic generator of different lives, each with planted truths.

Every life is built from one seed with numpy: a people frame (the output of identity resolution,
as :mod:`tests.engine_helpers` builds it) and an interactions frame with ``person_id``. The
truths are what a careful person reading the same history would conclude, written down before the
engine looked at it:

* ``intimate``: people who must be in the intimate circle (circles 1-2);
* ``not_intimate``: people who must not be;
* ``neglected``: people who must be called neglected;
* ``not_lapsed``: people who must not be overdue or neglected (a quiet member of a group may
  be ``dormant``: a group tie lapses with the group, nothing the user owes);
* ``lead``: people of whom at least one must be rank 1 of the suggestions;
* ``suggested``: person_id -> the kind of suggestion they must get;
* ``never_nudged``: people who must never be suggested;
* ``never_meet``: people who must never get a ``meet`` suggestion.

Lives: :func:`retiree`, :func:`student`, :func:`parent`, :func:`online` (and the bundled sample,
tested from ``data/samples``). :func:`big_office` is a network of 400 with 60 daily co-workers
for the circle-size rules; :func:`old_group_chat` and :func:`old_history` add noise that must not
change the truths.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.engine import Overrides
from analysis.model import interactions_frame
from tests.engine_helpers import people_frame


@dataclass
class Truths:
    intimate: set[str] = field(default_factory=set)
    not_intimate: set[str] = field(default_factory=set)
    neglected: set[str] = field(default_factory=set)
    not_lapsed: set[str] = field(default_factory=set)
    lead: set[str] = field(default_factory=set)
    suggested: dict[str, str] = field(default_factory=dict)
    never_nudged: set[str] = field(default_factory=set)
    never_meet: set[str] = field(default_factory=set)


@dataclass
class Life:
    name: str
    as_of: str
    timezone: str
    me: tuple[str, ...]
    people: pd.DataFrame
    interactions: pd.DataFrame
    overrides: Overrides
    truths: Truths


@dataclass
class _Row:
    pid: str
    ts: pd.Timestamp
    channel: str
    direction: str
    duration: float
    event: str


class Builder:
    """Collects people and contact for one life; every random draw comes from one seeded
    ``numpy.random.Generator``."""

    def __init__(self, seed: int, as_of: str, timezone: str) -> None:
        self.rng = np.random.default_rng(seed)
        self.as_of = pd.Timestamp(as_of)
        self.tz = timezone
        self.people: list[dict] = []
        self.rows: list[_Row] = []
        self._ids: set[str] = set()

    # -- people -------------------------------------------------------------------------------
    def person(self, pid: str, name: str, **card: object) -> str:
        assert pid not in self._ids, pid
        self._ids.add(pid)
        self.people.append({"person_id": pid, "name": name, **card})
        return pid

    def crowd(self, prefix: str, n: int, **card: object) -> list[str]:
        first = ("Alex", "Chris", "Dana", "Eli", "Fin", "Gabi", "Hanna", "Ivo", "Jule", "Kim")
        last = ("Adler", "Berger", "Claus", "Dorn", "Eck", "Funk", "Graf", "Horn", "Imhof", "Jahn")
        return [
            self.person(
                f"{prefix}{i:03d}", f"{first[i % 10]} {last[(i // 10) % 10]} {prefix}{i}", **card
            )
            for i in range(n)
        ]

    # -- contact ------------------------------------------------------------------------------
    def _at(self, day: pd.Timestamp, hour: float) -> pd.Timestamp:
        local = day.normalize() + pd.Timedelta(minutes=int(round(hour * 60)))
        return local.tz_localize(self.tz).tz_convert("UTC")

    def days(
        self,
        start: str | pd.Timestamp,
        end: str | pd.Timestamp | None,
        every: float,
        jitter: float = 0.25,
        weekday: int | None = None,
    ) -> list[pd.Timestamp]:
        """Days from ``start`` to ``end`` (default: as-of), about ``every`` days apart (gaps
        jittered by +-``jitter``), or every week on ``weekday`` (0 = Monday) when given."""
        t = pd.Timestamp(start)
        stop = self.as_of if end is None else min(pd.Timestamp(end), self.as_of)
        out = []
        if weekday is not None:
            t = t + pd.Timedelta(days=(weekday - t.day_of_week) % 7)
            step = max(1, int(round(every / 7))) * 7
            while t <= stop:
                out.append(t)
                t = t + pd.Timedelta(days=step)
            return out
        while t <= stop:
            out.append(t)
            gap = every * (1 + self.rng.uniform(-jitter, jitter))
            t = t + pd.Timedelta(days=max(1, int(round(gap))))
        return out

    def contact(
        self,
        pid: str,
        days: Iterable[pd.Timestamp],
        channel: str,
        direction: str | Sequence[str] = "mutual",
        hour: float = 18.0,
        duration: float = float("nan"),
        event: str = "",
    ) -> None:
        for d in days:
            di = direction if isinstance(direction, str) else str(self.rng.choice(direction))
            h = hour + float(self.rng.uniform(-0.5, 0.5))
            self.rows.append(_Row(pid, self._at(d, h), channel, di, duration, event))

    def group(
        self,
        key: str,
        members: Sequence[str],
        days: Iterable[pd.Timestamp],
        channel: str,
        hour: float = 19.0,
        attend: float = 1.0,
        direction: str = "mutual",
        duration: float = float("nan"),
    ) -> None:
        """One event per day shared by the members present (each with probability ``attend``)."""
        for d in days:
            ev = f"{key}-{d.date().isoformat()}"
            when = self._at(d, hour)
            for m in members:
                if attend >= 1.0 or self.rng.random() < attend:
                    self.rows.append(_Row(m, when, channel, direction, duration, ev))

    def build(self, name: str, me: tuple[str, ...], overrides: Overrides, truths: Truths) -> Life:
        people = people_frame(self.people)
        # optional address column, as a richer resolution would give
        people["addresses"] = [list(p.get("addresses", [])) for p in self.people]
        rows = self.rows
        frame = interactions_frame(
            pd.Series([r.ts for r in rows], dtype="datetime64[ns, UTC]"),
            [r.pid for r in rows],
            [r.channel for r in rows],
            [r.direction for r in rows],
            duration_min=np.array([r.duration for r in rows], dtype="float64"),
            event_id=[r.event for r in rows],
            source="persona",
        )
        frame["person_id"] = pd.Series([r.pid for r in rows], dtype=object)
        frame["matched_by"] = "persona"
        return Life(
            name, self.as_of.date().isoformat(), self.tz, me, people, frame, overrides, truths
        )


AS_OF = "2026-06-30"


def retiree(seed: int = 1) -> Life:
    """Ruth, 71, retired in Freiburg. A weekly Wednesday-morning call with her old friend Greta
    (daytime, not work), a choir of 30 on Thursday evenings, a daughter abroad (weekly video,
    visits twice a year; marked far away) and two grandchildren only ever seen on video with her,
    a neighbour she chats with on the stairs, her sister. Irma, a friend she met every fortnight
    for years, has been silent for three months; Otto wrote three times in two weeks and Ruth has
    not answered. A handful of people she met once or twice."""
    b = Builder(seed, AS_OF, "Europe/Berlin")
    me = ("Ruth Baumann", "ruth.baumann@gmx.de")
    b.person(
        "me", "Ruth Baumann", emails=["ruth.baumann@gmx.de"], addresses=["Lindenweg 4, Freiburg"]
    )
    greta = b.person("greta", "Greta Vogel", emails=["greta.vogel@web.de"])
    anna = b.person("anna", "Anna Baumann", categories=["Family"], emails=["anna@example.ca"])
    lio = b.person("lio", "Lio Baumann", categories=["Family"])
    mia = b.person("mia", "Mia Baumann", categories=["Family"])
    hilde = b.person("hilde", "Hilde Roth", categories=["Family"])
    koch = b.person(
        "koch", "Werner Koch", categories=["Neighbours"], addresses=["Lindenweg 6, Freiburg"]
    )
    irma = b.person("irma", "Irma Seidel")
    otto = b.person("otto", "Otto Brandt")
    choir = b.crowd("choir", 30, categories=["Choir"])
    once = b.crowd("once", 8)
    start = "2023-07-01"
    # Greta: every Wednesday at 10:00 a call for years, a walk every month or two
    b.contact(
        greta,
        b.days(start, None, 7, weekday=2),
        "call",
        ("outgoing", "incoming"),
        hour=10,
        duration=45,
    )
    b.contact(greta, b.days(start, None, 45, jitter=0.3), "in_person", hour=15, duration=120)
    # Anna abroad: Sunday video with the grandchildren, visits twice a year (last in April)
    sundays = b.days(start, None, 7, weekday=6)
    b.group("family-video", [anna, lio, mia], sundays, "video", hour=17, duration=50)
    b.contact(
        anna, b.days(start, None, 9, jitter=0.5), "message", ("outgoing", "incoming"), hour=20
    )
    for visit in (
        "2023-12-22",
        "2024-07-20",
        "2024-12-21",
        "2025-08-02",
        "2025-12-20",
        "2026-04-10",
    ):
        b.contact(
            anna, pd.date_range(visit, periods=6, freq="D"), "in_person", hour=12, duration=300
        )
    # Hilde: a call every two weeks, lunch every three months
    b.contact(
        hilde, b.days(start, None, 14), "call", ("outgoing", "incoming"), hour=11, duration=30
    )
    b.contact(hilde, b.days("2023-08-15", None, 90), "in_person", hour=12, duration=150)
    # Koch: short chats on the stairs twice a week
    b.contact(koch, b.days(start, None, 3.5, jitter=0.4), "in_person", hour=9.5, duration=5)
    # the choir: Thursdays 19:00, most come
    b.group(
        "choir",
        choir,
        b.days(start, None, 7, weekday=3),
        "in_person",
        hour=19,
        attend=0.8,
        duration=120,
    )
    # Irma: coffee every fortnight and messages in between, silent since the end of March
    b.contact(irma, b.days(start, "2026-03-31", 14), "in_person", hour=15, duration=90)
    b.contact(
        irma, b.days("2023-07-05", "2026-03-31", 14), "message", ("outgoing", "incoming"), hour=19
    )
    # Otto: an acquaintance for years (monthly coffee), lately writing without an answer
    b.contact(otto, b.days(start, "2026-06-10", 30), "in_person", hour=10, duration=60)
    b.contact(
        otto,
        pd.to_datetime(["2026-06-18", "2026-06-23", "2026-06-28"]),
        "message",
        "incoming",
        hour=11,
    )
    for i, pid in enumerate(once):
        n = 1 + i % 3
        b.contact(
            pid,
            pd.date_range(f"2025-{(i % 9) + 2:02d}-10", periods=n, freq="20D"),
            "call",
            "incoming",
            hour=16,
        )
    truths = Truths(
        intimate={greta, anna, hilde, irma},
        not_intimate=set(choir) | {koch} | set(once),
        neglected={irma},
        not_lapsed={greta, anna, hilde, koch, lio, mia} | set(choir),
        lead={irma, otto},
        suggested={irma: "check_in", otto: "reply"},
        never_nudged=set(choir) | set(once) | {greta, anna, hilde, koch},
        never_meet={anna, lio, mia},
    )
    return b.build("retiree", me, Overrides(states={anna: frozenset({"far_away"})}), truths)


def student(seed: int = 2) -> Life:
    """Sam, 21, moved from Bremen to Leipzig eight months ago. Back home: Jonas still writes every
    week, Lea wrote for a while and has been silent for four months, Ben fades slowly. Parents
    call on Sundays. New friends Nora and Kai, met in the first weeks, now several times a week;
    Ela since two months. An 80-person course chat that is busy every day."""
    b = Builder(seed, AS_OF, "Europe/Berlin")
    me = ("Sam Keller", "sam.keller@gmail.com")
    jonas = b.person("jonas", "Jonas Petersen")
    lea = b.person("lea", "Lea Hansen")
    ben = b.person("ben", "Ben Wolf")
    mum = b.person("mum", "Karin Keller", categories=["Family"])
    dad = b.person("dad", "Uwe Keller", categories=["Family"])
    nora = b.person("nora", "Nora Lindner")
    kai = b.person("kai", "Kai Brückner")
    ela = b.person("ela", "Ela Yilmaz")
    course = b.crowd("course", 80)
    moved = "2025-10-30"
    start = "2023-09-01"
    for pid in (jonas, lea, ben):
        b.contact(pid, b.days(start, moved, 7), "in_person", hour=19, duration=180)
        b.contact(pid, b.days(start, moved, 4), "message", ("outgoing", "incoming"), hour=21)
    b.contact(jonas, b.days("2025-11-02", None, 7), "message", ("outgoing", "incoming"), hour=21)
    b.contact(jonas, b.days("2025-11-10", None, 30), "video", "mutual", hour=20, duration=60)
    b.contact(
        lea, b.days("2025-11-03", "2026-02-25", 12), "message", ("outgoing", "incoming"), hour=21
    )
    b.contact(ben, b.days("2025-11-05", None, 40), "message", ("outgoing", "incoming"), hour=21)
    b.group(
        "parents-call", [mum, dad], b.days(start, None, 7, weekday=6), "call", hour=18, duration=40
    )
    for pid in (mum, dad):
        b.contact(pid, b.days(start, moved, 2, jitter=0.0), "in_person", hour=8, duration=60)
        b.contact(pid, b.days("2025-11-01", None, 60), "in_person", hour=12, duration=600)
    b.contact(mum, b.days(start, None, 6), "message", ("outgoing", "incoming"), hour=20)
    # new friends: weekly at first, then every two or three days
    for pid in (nora, kai):
        b.contact(pid, b.days("2025-11-08", "2026-01-31", 7), "in_person", hour=20, duration=150)
        b.contact(pid, b.days("2026-02-01", None, 2.5), "in_person", hour=20, duration=150)
        b.contact(pid, b.days("2025-11-10", None, 3), "message", ("outgoing", "incoming"), hour=22)
    b.contact(ela, b.days("2026-04-28", None, 6), "in_person", hour=13, duration=60)
    b.contact(ela, b.days("2026-05-02", None, 5), "message", ("outgoing", "incoming"), hour=22)
    b.group("course-chat", course, b.days("2025-11-01", None, 1.3, jitter=0.3), "message",
            hour=14, attend=0.3, direction="incoming")  # fmt: skip
    truths = Truths(
        intimate={mum, nora, kai, jonas},
        not_intimate=set(course),
        neglected=set(),
        not_lapsed={nora, kai, ela, jonas, mum, dad} | set(course),
        lead={lea},
        suggested={lea: "check_in"},
        never_nudged=set(course) | {nora, kai, ela, mum, dad},
        never_meet=set(course),
    )
    return b.build("student", me, Overrides(), truths)


def parent(seed: int = 3) -> Life:
    """Pia, 41, engineer at Acme Robotics, with her partner Max and two children at home (named
    on her own card and at her address). Sixty co-workers in daily stand-ups and e-mail; the
    parents at the children's football club, met on Saturdays and in the club chat. Close
    friends Sara (weekly messages, monthly dinners) and Tom (met every month, last 23 days ago;
    messages paused 19 days). Ulla, an old friend: Pia wants contact every 30 days, last was
    seven months ago. Her mother calls every week."""
    b = Builder(seed, AS_OF, "Europe/Berlin")
    me = ("Pia Hoffmann", "pia.hoffmann@acme-robotics.com", "pia.h@posteo.de")
    b.person(
        "me", "Pia Hoffmann", emails=["pia.hoffmann@acme-robotics.com", "pia.h@posteo.de"],
        orgs=["Acme Robotics"], addresses=["Gartenstraße 12, 70180 Stuttgart"],
        related=[("spouse", "Max Hoffmann"), ("child", "Emil Hoffmann"), ("child", "Lotta Hoffmann")],
    )  # fmt: skip
    max_ = b.person("max", "Max Hoffmann", addresses=["Gartenstrasse 12, 70180 Stuttgart"])
    emil = b.person("emil", "Emil Hoffmann")
    lotta = b.person("lotta", "Lotta Hoffmann")
    sara = b.person("sara", "Sara Kühn", emails=["sara.kuehn@gmail.com"])
    tom = b.person("tom", "Tom Becker")
    ulla = b.person("ulla", "Ulla Winter")
    mother = b.person("mother", "Ilse Maier", categories=["Family"])
    work = [
        b.person(f"co{i:02d}", f"Colleague {i:02d} Acme", emails=[f"c{i:02d}@acme-robotics.com"], orgs=["Acme Robotics"])
        for i in range(60)
    ]  # fmt: skip
    club = b.crowd("club", 12)
    start = "2023-07-01"
    b.contact(
        max_, b.days(start, None, 1.2, jitter=0.2), "message", ("outgoing", "incoming"), hour=12
    )
    b.contact(emil, b.days(start, "2026-05-01", 20), "message", ("outgoing", "incoming"), hour=16)
    b.contact(lotta, b.days(start, None, 25), "message", ("outgoing", "incoming"), hour=16)
    # stand-ups: eight teams of 7-8, each colleague in one; Pia joins two teams daily
    teams = [work[i::8] for i in range(8)]
    weekdays = [d for d in b.days(start, None, 1, jitter=0.0) if d.day_of_week < 5]
    for t, team in enumerate(teams):
        b.group(f"standup{t}", team, weekdays[t % 4 :: 4], "video", hour=9.5, duration=15,
                direction="incoming")  # fmt: skip
    for i, pid in enumerate(work):
        b.contact(pid, b.days(start, None, 9 + i % 6), "email", ("outgoing", "incoming"), hour=11)
    b.group("football", club, b.days(start, None, 7, weekday=5), "in_person", hour=10, attend=0.7)
    b.group(
        "football-chat",
        club,
        b.days(start, None, 3),
        "message",
        hour=20,
        attend=0.4,
        direction="incoming",
    )
    b.contact(sara, b.days(start, None, 7), "message", ("outgoing", "incoming"), hour=21)
    b.contact(sara, b.days(start, None, 30), "in_person", hour=19.5, duration=180)
    b.contact(tom, b.days(start, "2026-05-31", 30), "in_person", hour=19, duration=150)
    b.contact(tom, pd.to_datetime(["2026-06-07"]), "in_person", hour=19, duration=150)
    b.contact(
        tom,
        b.days(start, "2026-06-11", 7, jitter=0.1),
        "message",
        ("outgoing", "incoming"),
        hour=21,
    )
    b.contact(ulla, pd.to_datetime(["2022-09-01", "2023-03-10", "2023-11-20", "2024-06-01", "2025-02-14", "2025-11-28"]),
              "in_person", hour=18, duration=120)  # fmt: skip
    b.contact(mother, b.days(start, None, 7, weekday=6), "call", "incoming", hour=18, duration=30)
    b.contact(mother, b.days(start, None, 45), "in_person", hour=13, duration=240)
    truths = Truths(
        intimate={max_, emil, lotta, sara, tom, mother},
        not_intimate=set(work) | set(club),
        neglected={ulla},
        not_lapsed={max_, emil, lotta, sara, tom, mother} | set(club),
        lead={ulla},
        suggested={ulla: "check_in"},
        never_nudged={max_, emil, lotta} | set(work) | set(club),
        never_meet={max_, emil, lotta},
    )
    return b.build("parent", me, Overrides(desired_interval_days={ulla: 30}), truths)


def online(seed: int = 4) -> Life:
    """Alex, 27, whose close friends are online: Rin, Vik and Jo (daily chat, voice/video calls
    twice a week, game nights as a foursome), never met in person. Mo was in the same daily chat
    and has been silent for two months. Parents nearby, met monthly. A 150-member server."""
    b = Builder(seed, AS_OF, "America/Toronto")
    me = ("Alex Moreau", "alex.moreau@proton.me")
    rin = b.person("rin", "Rin Takeda")
    vik = b.person("vik", "Vik Rao")
    jo = b.person("jo", "Jo Marsh")
    mo = b.person("mo", "Mo Haddad")
    mom = b.person("mom", "Claire Moreau", categories=["Family"])
    dad = b.person("dad", "Luc Moreau", categories=["Family"])
    server = b.crowd("server", 150)
    start = "2023-07-01"
    for pid in (rin, vik, jo):
        b.contact(
            pid, b.days(start, None, 1.5, jitter=0.3), "message", ("outgoing", "incoming"), hour=21
        )
        b.contact(pid, b.days(start, None, 4), "video", "mutual", hour=22, duration=90)
    b.group(
        "game-night",
        [rin, vik, jo],
        b.days(start, None, 7, weekday=4),
        "video",
        hour=21,
        duration=180,
    )
    b.contact(
        mo,
        b.days(start, "2026-04-28", 1.5, jitter=0.3),
        "message",
        ("outgoing", "incoming"),
        hour=21,
    )
    b.contact(mo, b.days(start, "2026-04-28", 5), "call", "mutual", hour=22, duration=60)
    for pid in (mom, dad):
        b.contact(pid, b.days(start, None, 30), "in_person", hour=13, duration=180)
        b.contact(
            pid,
            b.days(start, None, 7, weekday=6),
            "call",
            ("outgoing", "incoming"),
            hour=11,
            duration=30,
        )
    b.group(
        "server",
        server,
        b.days(start, None, 1, jitter=0.0),
        "message",
        hour=20,
        attend=0.1,
        direction="incoming",
    )
    truths = Truths(
        intimate={rin, vik, jo, mo},
        not_intimate=set(server),
        neglected={mo},
        not_lapsed={rin, vik, jo, mom, dad} | set(server),
        lead={mo},
        suggested={mo: "check_in"},
        never_nudged=set(server) | {rin, vik, jo},
        never_meet={rin, vik, jo, mo},
    )
    return b.build("online", me, Overrides(), truths)


LIVES = (retiree, student, parent, online)


def old_group_chat(
    life: Life, seed: int = 9, size: int = 40
) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
    """The life's people and interactions plus an old group chat of ``size`` strangers (busy for
    five months two years before the as-of date). Returns (people, interactions, strangers)."""
    b = Builder(seed, life.as_of, life.timezone)
    strangers = b.crowd("stranger", size)
    end = pd.Timestamp(life.as_of) - pd.Timedelta(days=540)
    b.group("old-chat", strangers, b.days(end - pd.Timedelta(days=150), end, 1, jitter=0.0), "message",
            hour=20, attend=0.5, direction="incoming")  # fmt: skip
    extra = b.build("x", life.me, Overrides(), Truths())
    people = pd.concat([life.people, extra.people], ignore_index=True)
    rows = pd.concat([life.interactions, extra.interactions], ignore_index=True)
    return people, rows, set(strangers)


def old_history(life: Life, pid: str, seed: int = 11) -> pd.DataFrame:
    """The life's interactions plus a few calls with ``pid`` from seven years before (history
    linked later: an old phone's call log)."""
    b = Builder(seed, life.as_of, life.timezone)
    first = pd.Timestamp(life.as_of) - pd.Timedelta(days=7 * 365)
    b.contact(
        pid, pd.date_range(first, periods=5, freq="25D"), "call", "outgoing", hour=18, duration=20
    )
    extra = b.build("x", life.me, Overrides(), Truths())
    return pd.concat([life.interactions, extra.interactions], ignore_index=True)


def big_office(seed: int = 5) -> Life:
    """A network of 400: 60 co-workers met daily (stand-ups, e-mail), 6 close friends and family,
    30 friends, 100 acquaintances met a few times a year, 200 people seen once or twice a year."""
    b = Builder(seed, AS_OF, "Europe/Berlin")
    me = ("Kim Office", "kim@bigcorp.example.com")
    work = [
        b.person(f"w{i:02d}", f"Worker {i:02d}", emails=[f"w{i:02d}@bigcorp.example.com"])
        for i in range(60)
    ]
    close = b.crowd("close", 6)
    friends = b.crowd("friend", 30)
    acq = b.crowd("acq", 100)
    rare = b.crowd("rare", 204)
    start = "2024-01-01"
    weekdays = [d for d in b.days(start, None, 1, jitter=0.0) if d.day_of_week < 5]
    for t in range(6):
        b.group(
            f"team{t}",
            work[t::6],
            weekdays,
            "in_person",
            hour=9.5,
            duration=20,
            direction="incoming",
        )
    for pid in close:
        b.contact(pid, b.days(start, None, 4), "message", ("outgoing", "incoming"), hour=21)
        b.contact(pid, b.days(start, None, 10), "in_person", hour=19, duration=150)
    for i, pid in enumerate(friends):
        b.contact(pid, b.days(start, None, 20 + i), "message", ("outgoing", "incoming"), hour=20)
        b.contact(pid, b.days(start, None, 60 + 2 * i), "in_person", hour=19, duration=120)
    for i, pid in enumerate(acq):
        b.contact(pid, b.days(start, None, 80 + i), "message", ("outgoing", "incoming"), hour=20)
    for i, pid in enumerate(rare):
        b.contact(pid, b.days(start, None, 200 + i), "message", ("outgoing", "incoming"), hour=20)
    truths = Truths(intimate=set(close), not_intimate=set(work))
    return b.build("big_office", me, Overrides(), truths)


def small_world(seed: int = 6) -> Life:
    """A network of 35: a partner, 4 close friends, 6 friends, 10 acquaintances, 14 rare."""
    b = Builder(seed, AS_OF, "Europe/Berlin")
    me = ("Lou Small", "lou@gmail.com")
    partner = b.person("partner", "Pat Small", categories=["Partner"])
    close = b.crowd("close", 4)
    friends = b.crowd("friend", 6)
    acq = b.crowd("acq", 10)
    rare = b.crowd("rare", 14)
    start = "2024-01-01"
    b.contact(partner, b.days(start, None, 1.5), "message", ("outgoing", "incoming"), hour=12)
    for pid in close:
        b.contact(pid, b.days(start, None, 6), "in_person", hour=19, duration=150)
    for i, pid in enumerate(friends):
        b.contact(pid, b.days(start, None, 25 + 3 * i), "call", ("outgoing", "incoming"), hour=19)
    for i, pid in enumerate(acq):
        b.contact(
            pid, b.days(start, None, 90 + 5 * i), "message", ("outgoing", "incoming"), hour=19
        )
    for i, pid in enumerate(rare):
        b.contact(
            pid, b.days(start, None, 250 + 10 * i), "message", ("outgoing", "incoming"), hour=19
        )
    truths = Truths(intimate={partner, *close})
    return b.build("small_world", me, Overrides(), truths)
