"""Generate closeknit's bundled sample persona (Mara Jensen, Hamburg) into ``data/samples/``.

Deterministic: every random draw comes from one ``random.Random(seed)``; nothing depends on the
clock, the locale, hash ordering or the machine, so two runs give byte-identical files.

Usage::

    python scripts/make_sample.py [--out data/samples] [--as-of 2026-11-20] [--seed 20261120]

Everything is fictional: e-mail addresses are under example.org / example.com / example.net,
mobile numbers come from the Bundesnetzagentur's range reserved for film and TV
(+49 152 28817386 to +49 152 28895456), landlines from Hamburg's drama range +49 40 66969xxx,
and the one foreign number from Ofcom's drama range (+44 20 7946 0xxx).
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import json
import random
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 20261120
AS_OF = date(2026, 11, 20)
YEARS = 3
GROUPS = (
    "family",
    "partner",
    "close_friend",
    "friend",
    "colleague",
    "neighbour",
    "club",
    "old_friend",
    "acquaintance",
)
PATTERNS = (
    "weekly",
    "biweekly",
    "monthly",
    "quarterly",
    "yearly",
    "drifting",
    "screen_only",
    "dormant",
    "new",
    "none",
)
ME = {
    "name": "Mara Jensen",
    "email": "mara.jensen@example.org",
    "phone": "+4915228817386",
    "other_emails": ["mara.jensen@hafenlicht.example.com"],  # her work address (calendar)
    "region": "DE",
    "timezone": "Europe/Berlin",
}
WORK_DOMAIN = "hafenlicht.example.com"
PARTNER_DOMAIN = "nordlicht-research.example.net"
GOOGLE_HEADER = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "File As",
    "Organization Name",
    "Organization Title",
    "Organization Department",
    "Birthday",
    "Notes",
    "Photo",
    "Labels",
    "E-mail 1 - Label",
    "E-mail 1 - Value",
    "E-mail 2 - Label",
    "E-mail 2 - Value",
    "Phone 1 - Label",
    "Phone 1 - Value",
    "Phone 2 - Label",
    "Phone 2 - Value",
    "Address 1 - Label",
    "Address 1 - Formatted",
    "Relation 1 - Label",
    "Relation 1 - Value",
    "Website 1 - Label",
    "Website 1 - Value",
]
INTERACTION_HEADER = [
    "timestamp",
    "contact",
    "channel",
    "direction",
    "duration_min",
    "event_id",
    "note",
]
UNKNOWN_NUMBERS = ("+4940669690998", "015228895400", "+442079460958")
NO_REPLY = "no-reply@accounts.example.com"


@dataclass
class Person:
    """One person of the persona's network, with the ground truth and the per-source details."""

    given: str
    family: str
    group: str
    pattern: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)  # E.164
    home_phone: str = ""  # E.164 landline, optional
    in_phone: bool = True
    in_google: bool = False
    org: str = ""
    title: str = ""
    birthday: str = ""  # YYYY-MM-DD or --MM-DD
    labels: list[str] = field(default_factory=list)
    relation: tuple[str, str] = ("", "")
    nickname: str = ""
    google_given: str = ""  # a different spelling in Google (accent dropped)
    file_as: str = ""
    address: str = ""
    # behaviour
    p_out: float = 0.55  # share of contact the persona initiates
    gap: float = 0.0  # mean days between occasions
    stop: date | None = None  # drifting: last possible day of contact
    moved: date | None = None  # screen_only: last in-person day
    start: date | None = None  # new: first day of contact

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}".strip()


# --------------------------------------------------------------------------- people


def _mobile_pool(rng: random.Random) -> list[str]:
    """Shuffled fictional German mobile numbers (E.164), excluding the persona's own."""
    nums = [f"+4915228{n}" for n in range(817400, 895000, 37)]
    rng.shuffle(nums)
    return nums


def _core_people() -> list[Person]:
    """The hand-written inner circle: who they are is the story of the sample."""
    P = Person
    # fmt: off
    return [
        P("Jonas", "Albrecht", "partner", "weekly", ["jonas.albrecht@example.net"], in_google=True, birthday="1990-08-23", labels=["Family"], relation=("Partner", "Mara Jensen"), nickname="Joni", p_out=0.5, gap=2.2),
        P("Birgit", "Jensen", "family", "weekly", ["birgit.jensen@example.org"], in_google=True, birthday="1961-03-02", labels=["Family"], relation=("Spouse", "Henrik Jensen"), p_out=0.45, gap=7, address="Am Rosenhang 4\n22587 Hamburg\nDE"),
        P("Henrik", "Jensen", "family", "weekly", [], in_google=True, birthday="1958-11-30", labels=["Family"], relation=("Spouse", "Birgit Jensen"), p_out=0.55, gap=9),
        P("Lasse", "Jensen", "family", "biweekly", ["lasse.jensen@example.net"], in_google=True, birthday="--07-04", labels=["Family"], relation=("Mother", "Birgit Jensen"), p_out=0.55, gap=12),
        P("Zoë", "Hartmann", "close_friend", "weekly", ["zoe.hartmann@example.org"], in_google=True, google_given="Zoe", birthday="1991-05-17", p_out=0.55, gap=6),
        P("Ayşe", "Demir", "close_friend", "weekly", ["ayse.demir@example.net"], in_google=True, birthday="1992-01-29", p_out=0.5, gap=7),
        P("João", "Ferreira", "close_friend", "biweekly", ["joao.ferreira@example.com"], in_google=False, p_out=0.85, gap=13),
        P("Katharina", "Schmidt", "close_friend", "biweekly", ["k.schmidt@example.org"], in_google=True, file_as="Schmidt, Katharina", birthday="1989-12-13", p_out=0.5, gap=12),
        P("Lena", "Vogt", "close_friend", "drifting", ["lena.vogt@example.net"], in_google=True, p_out=0.6, gap=9),
        P("Øystein", "Berg", "close_friend", "screen_only", ["oystein.berg@example.com"], in_google=True, p_out=0.5, gap=6),
        P("Sophie", "Keller", "close_friend", "screen_only", ["sophie.keller@example.org"], in_google=False, p_out=0.55, gap=8),
        # friends
        P("Tobias", "Krüger", "friend", "drifting", ["tobias.krueger@example.net"], in_google=True, p_out=0.55, gap=14),
        P("Miriam", "Okafor", "friend", "monthly", ["miriam.okafor@example.org"], in_google=True, gap=28),
        P("Paweł", "Nowak", "friend", "monthly", [], in_google=False, gap=33),
        P("Inês", "Carvalho", "friend", "monthly", ["ines.carvalho@example.com"], in_google=True, gap=30),
        P("Emre", "Yıldız", "friend", "quarterly", [], in_google=True, gap=80),
        P("Freja", "Sørensen", "friend", "quarterly", ["freja.sorensen@example.net"], in_google=True, gap=95),
        P("Niklas", "Brandt", "friend", "monthly", [], in_google=False, gap=35),
        P("Carla", "Mendes", "friend", "quarterly", ["carla.mendes@example.org"], in_google=True, gap=88),
        P("Till", "Hoffmann", "friend", "biweekly", ["till.hoffmann@example.com"], in_google=True, birthday="--10-09", gap=15),
        P("Rasmus", "Holm", "friend", "monthly", [], in_google=False, gap=31),
        # colleagues (work domain); manager and closer team in the phone
        P("Julia", "Brenner", "colleague", "weekly", [f"julia.brenner@{WORK_DOMAIN}"], in_google=True, org="Hafenlicht Digital", title="Head of Research", gap=7),
        P("Mehmet", "Aydın", "colleague", "weekly", [f"mehmet.aydin@{WORK_DOMAIN}"], in_google=True, org="Hafenlicht Digital", title="Product Designer", gap=6),
        P("Anna", "Lindqvist", "colleague", "biweekly", [f"anna.lindqvist@{WORK_DOMAIN}"], in_google=True, org="Hafenlicht Digital", title="Product Manager", gap=13),
        P("Stefan", "Wolff", "colleague", "biweekly", [f"stefan.wolff@{WORK_DOMAIN}"], in_phone=False, in_google=True, org="Hafenlicht Digital", title="Engineering Lead", gap=15),
        P("Agnieszka", "Wiśniewska", "colleague", "monthly", [f"a.wisniewska@{WORK_DOMAIN}"], in_phone=False, in_google=True, org="Hafenlicht Digital", title="Data Analyst", gap=25),
        P("Benedikt", "Roth", "colleague", "monthly", [f"benedikt.roth@{WORK_DOMAIN}"], in_phone=False, in_google=True, org="Hafenlicht Digital", gap=32),
        P("Hannah", "Petersen", "colleague", "weekly", [f"hannah.petersen@{WORK_DOMAIN}"], in_google=True, org="Hafenlicht Digital", title="UX Researcher", gap=6),
        P("Tiago", "Sousa", "colleague", "monthly", [f"tiago.sousa@{WORK_DOMAIN}"], in_phone=False, in_google=True, org="Hafenlicht Digital", title="Frontend Developer", gap=28),
        P("Claudia", "Neumann", "colleague", "quarterly", [f"claudia.neumann@{WORK_DOMAIN}"], in_phone=False, in_google=True, org="Hafenlicht Digital", title="HR", gap=85),
        P("Kasper", "Dahl", "colleague", "monthly", [f"kasper.dahl@{WORK_DOMAIN}"], in_phone=False, in_google=True, org="Hafenlicht Digital", gap=30),
        P("Elif", "Kaya", "colleague", "new", [f"elif.kaya@{WORK_DOMAIN}"], in_phone=False, in_google=True, org="Hafenlicht Digital", title="UX Researcher", gap=6),
        P("Katharina", "Schmitt", "colleague", "quarterly", [f"katharina.schmitt@{PARTNER_DOMAIN}"], in_phone=False, in_google=True, org="Nordlicht Research", title="Recruiting Lead", gap=90),
        P("Felix", "Braun", "colleague", "drifting", ["felix.braun@example.net"], in_google=True, org="ex Hafenlicht Digital", p_out=0.6, gap=12),
        # neighbours
        P("Ute", "Zimmermann", "neighbour", "monthly", [], in_google=True, labels=["Neighbours"], gap=26, address="Lindenhofstraße 7\n22529 Hamburg\nDE"),
        P("Mette", "Nielsen", "neighbour", "quarterly", [], in_google=False, gap=75),
        P("Jürgen", "Wagner", "neighbour", "monthly", [], in_google=True, labels=["Neighbours"], gap=34, address="Lindenhofstraße 7\n22529 Hamburg\nDE"),
        P("Zeynep", "Öztürk", "neighbour", "quarterly", [], in_google=False, gap=90),
        # climbing club
        P("Matthias", "Koch", "club", "weekly", ["matthias.koch@example.org"], in_google=True, labels=["Climbing club"], gap=20),
        P("Lucía", "Romero", "club", "weekly", [], in_google=True, labels=["Climbing club"], gap=25),
        P("Sabine", "Richter", "club", "biweekly", [], in_google=True, labels=["Climbing club"], gap=40),
        P("Burak", "Şahin", "club", "weekly", [], in_google=False, gap=30),
        P("Gonçalo", "Pereira", "club", "biweekly", ["goncalo.pereira@example.net"], in_google=True, labels=["Climbing club"], gap=45),
        P("Søren", "Mikkelsen", "club", "biweekly", [], in_google=False, gap=45),
        P("Amira", "Haddad", "club", "new", [], in_google=True, labels=["Climbing club"], gap=10),
        P("Jan", "Schröder", "club", "drifting", [], in_google=False, gap=14),
        # old friends: yearly and dormant
        P("Katarzyna", "Zielińska", "old_friend", "yearly", ["kasia.z@example.com"], in_google=True),
        P("Daniel", "Becker", "old_friend", "yearly", [], in_google=True),
        P("Malte", "Feddersen", "old_friend", "yearly", ["malte.feddersen@example.org"], in_google=False),
        P("Beatriz", "Costa", "old_friend", "yearly", [], in_google=True),
        P("Simon", "Lorenz", "old_friend", "dormant", [], in_google=False),
        P("Nele", "Friedrichs", "old_friend", "dormant", ["nele.f@example.net"], in_google=True),
        P("Kerem", "Aksoy", "old_friend", "dormant", [], in_google=False),
        # a long accented name: Android breaks its quoted-printable FN with soft line breaks
        P("Małgorzata", "Wiśniewska-Kowalczyk", "acquaintance", "none", [], in_google=False),
    ]
    # fmt: on


_GIVEN = [
    "Anna",
    "Jan",
    "Felix",
    "Julia",
    "Lukas",
    "Sarah",
    "Moritz",
    "Laura",
    "Florian",
    "Lisa",
    "Philipp",
    "Nina",
    "Sebastian",
    "Eva",
    "Christian",
    "Marie",
    "Dominik",
    "Franziska",
    "Ole",
    "Wiebke",
    "Hauke",
    "Imke",
    "Mette",
    "Rasmus",
    "Ida",
    "Mikkel",
    "Cem",
    "Deniz",
    "Fatma",
    "Selin",
    "Tomasz",
    "Marta",
    "Piotr",
    "Joanna",
    "Rui",
    "Mariana",
    "Pedro",
    "Ana",
    "Chiara",
    "Luca",
    "Noah",
    "Emma",
    "Timo",
    "Svenja",
    "Arne",
    "Frauke",
]
_FAMILY = [
    "Müller",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Schulz",
    "Becker",
    "Bauer",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Krause",
    "Hansen",
    "Petersen",
    "Jacobsen",
    "Larsen",
    "Christensen",
    "Yılmaz",
    "Çelik",
    "Arslan",
    "Doğan",
    "Kowalski",
    "Lewandowski",
    "Wójcik",
    "Kamińska",
    "Santos",
    "Oliveira",
    "Rodrigues",
    "Almeida",
    "Martins",
    "Bianchi",
    "Rossi",
    "Vogel",
    "Jäger",
    "Lange",
    "Peters",
    "Ehlers",
    "Thomsen",
    "Brinkmann",
]
_ORGS = (
    ("Zahnarztpraxis", "Dr. Ehlers"),
    ("Hausverwaltung", "Nordhafen"),
    ("Physio", "am Park"),
    ("Tierarztpraxis", "Brinkmann"),
    ("Fahrradladen", "Speiche"),
)
_ACQ_LABELS = ("", "", "", "Yoga", "Uni", "Kiel", "")


def _filler_people(rng: random.Random, taken: set[str], count: int) -> list[Person]:
    """Address-book filler: acquaintances with no interactions (most of a real phone book)."""
    out: list[Person] = []
    for given, family in _ORGS:
        out.append(Person(given, family, "acquaintance", "none", org=f"{given} {family}"))
    while len(out) < count:
        given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
        name = f"{given} {family}"
        if name in taken:
            continue
        taken.add(name)
        p = Person(given, family, "acquaintance", "none")
        if rng.random() < 0.3:
            local = _ascii(f"{given}.{family}").lower()
            p.emails = [f"{local}@{rng.choice(('example.org', 'example.com', 'example.net'))}"]
        p.in_google = rng.random() < 0.6
        p.in_phone = rng.random() < 0.93 or not p.in_google
        lab = rng.choice(_ACQ_LABELS)
        if lab:
            p.labels = [lab]
        if rng.random() < 0.15:
            p.birthday = (
                f"{rng.randint(1960, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            )
        out.append(p)
    return out


_ASCII_MAP = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
        "ø": "o",
        "Ø": "O",
        "å": "a",
        "æ": "ae",
        "ı": "i",
        "ş": "s",
        "Ş": "S",
        "ç": "c",
        "ğ": "g",
        "ł": "l",
        "ś": "s",
        "ń": "n",
        "ę": "e",
        "ą": "a",
        "ó": "o",
        "ź": "z",
        "ż": "z",
        "ë": "e",
        "é": "e",
        "ê": "e",
        "ã": "a",
        "í": "i",
        "Ç": "C",
    }
)


def _ascii(text: str) -> str:
    return text.translate(_ASCII_MAP)


def build_people(rng: random.Random, as_of: date) -> list[Person]:
    """All people with numbers and the pattern-specific dates filled in."""
    people = _core_people()
    taken = {p.name for p in people}
    people += _filler_people(rng, taken, 76)
    mobiles = _mobile_pool(rng)
    landline = iter(f"+494066969{n:03d}" for n in range(100, 990, 17))
    for p in people:
        work_only = p.group == "colleague" and not p.in_phone
        if not work_only and not (p.org and p.group == "acquaintance"):
            p.phones = [mobiles.pop()]
        if p.group == "colleague" and p.name == "Katharina Schmitt":
            p.phones = [mobiles.pop()]
        if p.org and p.group == "acquaintance" or p.name in ("Birgit Jensen", "Ute Zimmermann"):
            p.home_phone = next(landline)
        if p.name == "Lasse Jensen":  # a private and a work mobile
            p.phones.append(mobiles.pop())
        if p.name == "Henrik Jensen":
            p.home_phone = people[1].home_phone  # the parents share the landline
        if p.pattern == "drifting":
            p.stop = as_of - timedelta(days=rng.randint(68, 118))
        elif p.pattern == "screen_only":
            p.moved = as_of - timedelta(days=rng.randint(135, 230))
        elif p.pattern == "new":
            p.start = as_of - timedelta(days=rng.randint(40, 85))
    return people


# --------------------------------------------------------------------------- interactions

# channel weights per group: (in_person, video, call, message, email)
_MIX = {
    "partner": (0.12, 0.0, 0.25, 0.63, 0.0),
    "family": (0.04, 0.12, 0.52, 0.32, 0.0),
    "close_friend": (0.38, 0.08, 0.16, 0.38, 0.0),
    "friend": (0.45, 0.02, 0.15, 0.38, 0.0),
    "colleague": (0.25, 0.2, 0.03, 0.04, 0.48),
    "neighbour": (0.8, 0.0, 0.05, 0.15, 0.0),
    "club": (0.35, 0.0, 0.05, 0.6, 0.0),
    "old_friend": (0.45, 0.05, 0.3, 0.2, 0.0),
    "acquaintance": (0.2, 0.0, 0.4, 0.4, 0.0),
}
_CHANNELS = ("in_person", "video", "call", "message", "email")
_NOTES = {
    "in_person": (
        "dinner at their place",
        "coffee, talked about the new job",
        "walk along the Elbe",
        "birthday",
        "helped with the move",
        "brunch, Ottensen",
        "long talk, all ok",
    ),
    "call": ("caught up", "about the weekend", "long call, worried about dad", "quick check-in"),
    "video": ("video catch-up", "1:1", "project sync"),
}


@dataclass
class Row:
    ts: datetime
    contact: str
    channel: str
    direction: str
    duration: str
    event_id: str
    note: str


def _vacations(start: date, end: date) -> list[tuple[date, date]]:
    """The persona's holidays (no work contact): two summer weeks and Christmas each year."""
    out = []
    for y in range(start.year, end.year + 1):
        out.append((date(y, 7, 20), date(y, 8, 3)))
        out.append((date(y, 12, 22), date(y + 1, 1, 2)))
    return out


def _on_vacation(d: date, vac: list[tuple[date, date]]) -> bool:
    return any(a <= d <= b for a, b in vac)


def _shift_weekday(d: date) -> date:
    return d + timedelta(days=(7 - d.weekday()) % 7 if d.weekday() >= 5 else 0)


def _shift_weekend(d: date, rng: random.Random) -> date:
    if d.weekday() >= 5:
        return d
    return d + timedelta(days=5 - d.weekday() + rng.randint(0, 1))


def _to_sunday(d: date) -> date:
    return d + timedelta(days=6 - d.weekday())


def _phone_as_logged(p: Person, rng: random.Random) -> str:
    num = p.phones[0] if p.phones else p.home_phone
    return num if rng.random() < 0.7 else "0" + num[3:]


def _channel_label(channel: str, group: str, hour: int, rng: random.Random) -> str:
    """Mostly canonical channel names, with the variants people type (the importer normalises)."""
    if rng.random() > 0.16:
        return channel
    if channel == "in_person":
        return "Lunch" if 11 <= hour <= 13 else "Coffee"
    return {
        "call": "Phone call",
        "message": "WhatsApp",
        "video": "FaceTime" if group in ("family", "close_friend", "partner") else "video",
        "email": "E-mail",
    }[channel]


def _duration(channel: str, group: str, rng: random.Random) -> str:
    if channel == "call":
        base = 25 if group in ("family", "close_friend") else 9
        return str(max(1, min(120, round(rng.lognormvariate(0, 0.6) * base))))
    if channel == "video":
        return str(rng.randint(15, 75))
    if channel == "in_person":
        if group == "neighbour":
            return str(rng.randint(5, 25))
        if group == "colleague":
            return str(rng.choice((30, 45, 60)))
        return str(rng.randint(6, 24) * 10)
    return ""


def _direction(p: Person, channel: str, rng: random.Random) -> str:
    if channel == "in_person" and rng.random() < 0.45:
        return "mutual"
    return "outgoing" if rng.random() < p.p_out else "incoming"


def _occasion(p: Person, d: date, rng: random.Random, vac, allow_in_person=True) -> Row | None:
    """One contact with ``p`` on (about) day ``d``: channel, time, identity as logged."""
    weights = list(_MIX[p.group])
    if not allow_in_person:
        weights[0] = 0.0
    if not p.phones and not p.home_phone:
        weights[2] = 0.0
        weights[3] = 0.0
    if not p.emails:
        weights[4] = 0.0
    channel = rng.choices(_CHANNELS, weights)[0]
    if p.group == "colleague":
        if channel != "email" or rng.random() < 0.9:
            d = _shift_weekday(d)
        if _on_vacation(d, vac):
            return None
        hour = rng.randint(9, 16)
    elif p.group == "family" and channel in ("call", "video"):
        d = _to_sunday(d) if rng.random() < 0.75 else d
        hour = rng.randint(10, 19)
    elif channel == "in_person" and p.group in ("close_friend", "friend", "old_friend", "club"):
        if rng.random() < 0.65:
            d = _shift_weekend(d, rng)
            hour = rng.randint(11, 20)
        else:
            hour = rng.randint(18, 21)
    elif channel == "message":
        hour = rng.choice((8, 9, 12, 13, 17, 18, 19, 20, 21, 22, 22, 23))
    else:
        hour = rng.randint(9, 21)
    ts = datetime(d.year, d.month, d.day, hour, rng.randrange(0, 60))
    if channel == "call":
        who = _phone_as_logged(p, rng)
    elif channel == "email" or channel == "video" and p.group == "colleague" and rng.random() < 0.5:
        who = p.emails[0]
    else:
        who = p.name
    note = ""
    if channel in _NOTES and rng.random() < 0.12:
        note = rng.choice(_NOTES[channel])
    return Row(
        ts,
        who,
        _channel_label(channel, p.group, hour, rng),
        _direction(p, channel, rng),
        _duration(channel, p.group, rng),
        "",
        note,
    )


def _days(rng: random.Random, start: date, end: date, gap: float, jitter: float = 0.45):
    """Days of a jittered renewal process with mean spacing ``gap`` in [start, end)."""
    d = start + timedelta(days=rng.uniform(0, gap))
    while d < end:
        yield d
        d += timedelta(days=max(1.0, gap * rng.uniform(1 - jitter, 1 + jitter)))


def _person_rows(p: Person, rng: random.Random, start: date, end: date, vac) -> list[Row]:
    rows: list[Row] = []

    def add(d: date, **kw):
        r = _occasion(p, d, rng, vac, **kw)
        if r is not None and start <= r.ts.date() < end:
            rows.append(r)

    if p.pattern in ("weekly", "biweekly", "monthly", "quarterly", "new"):
        first = p.start or start
        for d in _days(rng, first, end, p.gap):
            add(d)
    elif p.pattern == "drifting":
        for d in _days(rng, start, p.stop, p.gap, jitter=0.5):
            add(d)
        rows = [r for r in rows if r.ts.date() <= p.stop]
    elif p.pattern == "screen_only":
        for d in _days(rng, start, end, p.gap):
            add(d, allow_in_person=d < p.moved)
        rows = [
            r
            for r in rows
            if r.ts.date() < p.moved or r.channel not in ("in_person", "Coffee", "Lunch")
        ]
        # the farewell evening before the move
        rows.append(
            Row(
                datetime.combine(p.moved, datetime.min.time()).replace(hour=19),
                p.name,
                "in_person",
                "mutual",
                "240",
                "",
                "farewell before the move",
            )
        )
    elif p.pattern == "yearly":
        # one visit a year on a Saturday, arranged by a few messages in the days before
        d = end - timedelta(days=rng.randint(108, 280))
        d -= timedelta(days=(d.weekday() - 5) % 7)
        while d >= start:
            meet = datetime(d.year, d.month, d.day, rng.randint(12, 19), rng.randrange(60))
            minutes = str(rng.randint(12, 30) * 10)
            rows.append(Row(meet, p.name, "in_person", "mutual", minutes, "", "annual catch-up"))
            for k in range(rng.randint(1, 3)):
                day = d - timedelta(days=rng.randint(1, 4))
                ts = datetime(day.year, day.month, day.day, rng.randint(9, 22), rng.randrange(60))
                way = "outgoing" if (k == 0) == (rng.random() < p.p_out) else "incoming"
                rows.append(Row(ts, p.name, "message", way, "", "", ""))
            d -= timedelta(days=rng.randint(330, 400))
            d -= timedelta(days=(d.weekday() - 5) % 7)
        rows = [r for r in rows if r.ts.date() >= start]
    elif p.pattern == "dormant":
        limit = end - timedelta(days=rng.randint(600, 800))
        for _ in range(rng.randint(1, 3)):
            add(start + timedelta(days=rng.randint(0, max(1, (limit - start).days))))
        rows = [r for r in rows if r.ts.date() <= limit]
    return rows


def _group_events(
    people: list[Person], rng: random.Random, start: date, end: date, vac
) -> list[Row]:
    """Shared events: climbing sessions, team meetings, family dinners, Christmas, a trip."""
    rows: list[Row] = []
    by = {p.name: p for p in people}
    club = [p for p in people if p.group == "club"]
    team = [p for p in people if p.group == "colleague" and p.org == "Hafenlicht Digital"]
    d = start + timedelta(days=(1 - start.weekday()) % 7)  # Tuesdays
    while d < end:
        if not _on_vacation(d, vac) and rng.random() < 0.85:
            eid = f"climb-{d.isoformat()}"
            for p in club:
                if p.pattern == "new" and d < p.start or p.pattern == "drifting" and d > p.stop:
                    continue
                pr = {"weekly": 0.75, "biweekly": 0.4, "new": 0.8, "drifting": 0.7}[p.pattern]
                if rng.random() < pr:
                    rows.append(
                        Row(
                            datetime(d.year, d.month, d.day, 19, 0),
                            p.name,
                            "in_person",
                            "mutual",
                            "120",
                            eid,
                            "climbing session",
                        )
                    )
        d += timedelta(days=7)
    d = start + timedelta(days=(7 - start.weekday()) % 7)  # Mondays
    while d < end:
        if not _on_vacation(d, vac) and rng.random() < 0.92:
            eid = f"team-{d.isoformat()}"
            ch = "video" if rng.random() < 0.45 else "in_person"
            for p in team:
                if p.pattern == "new" and d < p.start or p.pattern == "drifting" and d > p.stop:
                    continue
                if p.pattern in ("weekly", "biweekly", "new", "drifting") and rng.random() < 0.88:
                    rows.append(
                        Row(
                            datetime(d.year, d.month, d.day, 10, 0),
                            p.name,
                            ch,
                            "incoming",
                            "45",
                            eid,
                            "team weekly",
                        )
                    )
        d += timedelta(days=7)
    family = [by["Birgit Jensen"], by["Henrik Jensen"], by["Lasse Jensen"], by["Jonas Albrecht"]]
    for d in _days(rng, start, end, 35, jitter=0.3):
        d = _to_sunday(d)
        if d >= end:
            break
        eid = f"family-dinner-{d.isoformat()}"
        for p in family:
            if p.name != "Lasse Jensen" or rng.random() < 0.7:
                rows.append(
                    Row(
                        datetime(d.year, d.month, d.day, 18, 0),
                        p.name,
                        "in_person",
                        "mutual",
                        "150",
                        eid,
                        "family dinner at Mum & Dad's",
                    )
                )
    for y in range(start.year, end.year + 1):
        for day in (24, 25, 26):
            d = date(y, 12, day)
            if start <= d < end:
                eid = f"christmas-{d.isoformat()}"
                for p in family[:3]:
                    rows.append(
                        Row(
                            datetime(y, 12, day, 15, 0),
                            p.name,
                            "in_person",
                            "mutual",
                            "360",
                            eid,
                            "Christmas at my parents'",
                        )
                    )
    trip = [by["Zoë Hartmann"], by["Ayşe Demir"], by["Katharina Schmidt"]]
    t0 = date(end.year - 1, 6, 12)
    if start <= t0 < end:
        for k in range(5):
            d = t0 + timedelta(days=k)
            for p in trip:
                rows.append(
                    Row(
                        datetime(d.year, d.month, d.day, 10, 0),
                        p.name,
                        "in_person",
                        "mutual",
                        "600",
                        f"trip-lisbon-{d.isoformat()}",
                        "Lisbon trip",
                    )
                )
    # Old uni friends' reunion weekend (yearly people also meet each other)
    return rows


def _noise_rows(rng: random.Random, start: date, end: date) -> list[Row]:
    """Unknown callers (no match in any address book) and an automated sender."""
    rows = []
    for k, num in enumerate(UNKNOWN_NUMBERS):
        d = end - timedelta(days=rng.randint(5, 400))
        rows.append(
            Row(
                datetime(d.year, d.month, d.day, 11 + k, rng.randrange(60)),
                num,
                "call",
                "incoming",
                str(k),
                "",
                "unknown number" if k == 0 else "",
            )
        )
    for _ in range(6):
        d = start + timedelta(days=rng.randint(0, (end - start).days - 1))
        rows.append(
            Row(
                datetime(d.year, d.month, d.day, rng.randint(0, 23), rng.randrange(60)),
                NO_REPLY,
                "email",
                "incoming",
                "",
                "",
                "security alert",
            )
        )
    return rows


def build_interactions(people: list[Person], rng: random.Random, as_of: date) -> list[Row]:
    """The persona's own log: about three years up to (not including) ``as_of``."""
    start = date(as_of.year - YEARS, as_of.month, as_of.day)
    vac = _vacations(start, as_of)
    rows: list[Row] = []
    for p in people:
        if p.pattern != "none":
            rows += _person_rows(p, rng, start, as_of, vac)
    rows += _group_events(people, rng, start, as_of, vac)
    rows += _noise_rows(rng, start, as_of)
    rows = [r for r in rows if start <= r.ts.date() < as_of]
    rows.sort(key=lambda r: (r.ts, r.event_id, r.contact, r.channel))
    return rows


# --------------------------------------------------------------------------- writers


def _national(e164: str, spaced: bool) -> str:
    nat = "0" + e164[3:]
    if not spaced:
        return nat
    return f"{nat[:4]} {nat[4:]}" if nat.startswith("015") else f"{nat[:3]} {nat[3:]}"


def _international(e164: str) -> str:
    rest = e164[3:]
    return f"+49 {rest[:3]} {rest[3:]}" if rest.startswith("15") else f"+49 {rest[:2]} {rest[2:]}"


def _qp(value: str) -> str:
    """Android's vCard 2.1 quoted-printable: every byte as =XX, soft break after 67 encoded chars."""
    out, count = [], 0
    for b in value.encode("utf-8"):
        out.append(f"={b:02X}")
        count += 3
        if count >= 67:
            out.append("=\r\n")
            count = 0
    text = "".join(out)
    return text[:-3] if text.endswith("=\r\n") else text


def _tiny_png(rng: random.Random) -> bytes:
    """A deterministic 8x8 RGB PNG (a small avatar) built with zlib only."""
    w = h = 8
    color = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    lines = []
    for y in range(h):
        row = b"\x00" + b"".join(bytes(color) if (x + y) % 3 else b"\xff\xff\xff" for x in range(w))
        lines.append(row)
    raw = b"".join(lines)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# Fixed phone formats for the identity-resolution cases the README documents: the phone shows
# "+49 152 ..." where Google shows "0152 ...", and the other way round.
_VCF_STYLE = {"Zoë Hartmann": 0.5, "Katharina Schmidt": 0.9, "Ayşe Demir": 0.5}


def write_vcf(people: list[Person], rng: random.Random, path: Path) -> None:
    """Android-style vCard 2.1 export of everyone in the phone (CRLF, QP for non-ASCII names)."""
    cards = []
    phone_people = sorted(
        (p for p in people if p.in_phone), key=lambda p: (_ascii(p.name).lower(), p.name)
    )
    for p in phone_people:
        lines = ["BEGIN:VCARD", "VERSION:2.1"]
        n_parts = [p.family, p.given, "", "", ""]
        if p.org and p.group == "acquaintance":
            n_parts, fn = ["", "", "", "", ""], p.org
        else:
            fn = p.name
        if all(ord(c) < 128 for c in fn):
            if any(n_parts):
                lines.append("N:" + ";".join(n_parts))
            lines.append("FN:" + fn)
        else:
            if any(n_parts):
                lines.append(
                    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
                    + ";".join(_qp(x) if x else "" for x in n_parts)
                )
            lines.append("FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + _qp(fn))
        if p.nickname:
            lines.append(
                f"X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;{p.nickname};1;;;;;;;;;;;;;"
            )
        for i, num in enumerate(p.phones):
            style = rng.random()
            if p.name in _VCF_STYLE:
                style = _VCF_STYLE[p.name]
            shown = (
                num
                if style < 0.3
                else _international(num)
                if style < 0.65
                else _national(num, style < 0.85)
            )
            lines.append(("TEL;CELL;PREF:" if i == 0 and p.home_phone else "TEL;CELL:") + shown)
        if p.home_phone:
            lines.append("TEL;HOME:" + _national(p.home_phone, True))
        for e in p.emails:
            lines.append(
                ("EMAIL;WORK:" if WORK_DOMAIN in e or PARTNER_DOMAIN in e else "EMAIL;HOME:") + e
            )
        if p.org:
            lines.append(
                "ORG:" + _ascii(p.org)
                if p.org == _ascii(p.org)
                else "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + _qp(p.org)
            )
        if p.title:
            lines.append("TITLE:" + p.title)
        if p.name == "Zoë Hartmann":
            png = base64.b64encode(_tiny_png(rng)).decode("ascii")
            head = "PHOTO;ENCODING=BASE64;PNG:"
            first = 73 - len(head)  # Android: 73 characters a line, continuations indented
            chunks = [png[:first]] + [png[i : i + 73] for i in range(first, len(png), 73)]
            lines.append(head + chunks[0])
            lines += [" " + c for c in chunks[1:]]
            lines.append("")
        if p.birthday:  # one yearless date in the compact ISO form an iPhone import leaves
            bday = (
                "--" + p.birthday[2:].replace("-", "") if p.name == "Till Hoffmann" else p.birthday
            )
            lines.append("BDAY:" + bday)
        cats = list(p.labels)
        if p.group == "club" and "Climbing club" not in cats:
            cats.append("Climbing club")
        if cats:
            lines.append("CATEGORIES:" + ",".join(cats))
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines) + "\r\n")
    path.write_bytes("".join(cards).encode("utf-8"))


def write_google_csv(people: list[Person], rng: random.Random, path: Path) -> None:
    """Google Contacts CSV (new layout): overlapping the phone, plus work-only contacts."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(GOOGLE_HEADER)
    rows = []
    for p in people:
        if not p.in_google:
            continue
        r = dict.fromkeys(GOOGLE_HEADER, "")
        if p.org and p.group == "acquaintance":
            r["Organization Name"] = p.org
        else:
            r["First Name"], r["Last Name"] = p.google_given or p.given, p.family
            r["Organization Name"], r["Organization Title"] = p.org, p.title
        r["Nickname"], r["File As"], r["Birthday"] = p.nickname, p.file_as, p.birthday
        labels = ["* myContacts", *p.labels] + (["Work"] if p.group == "colleague" else [])
        r["Labels"] = " ::: ".join(labels)
        for i, e in enumerate(p.emails[:2], 1):
            r[f"E-mail {i} - Label"] = ("* " if i == 1 else "") + (
                "Work" if WORK_DOMAIN in e or PARTNER_DOMAIN in e else "Home"
            )
            r[f"E-mail {i} - Value"] = e
        k = 1
        if p.phones:
            style = rng.random()
            if p.name in _VCF_STYLE:  # the opposite style of the phone's card
                style = 0.0 if _VCF_STYLE[p.name] < 0.65 else 0.9
            shown = [_national(n, True) if style < 0.5 else _international(n) for n in p.phones]
            r["Phone 1 - Label"], r["Phone 1 - Value"] = "Mobile", " ::: ".join(shown)
            k = 2
        if p.home_phone and k <= 2:
            r[f"Phone {k} - Label"] = "Home"
            r[f"Phone {k} - Value"] = _international(p.home_phone)
        if p.address:
            r["Address 1 - Label"], r["Address 1 - Formatted"] = "Home", p.address
        if p.relation[0]:  # the contact's own relation, as Google stores it
            r["Relation 1 - Label"], r["Relation 1 - Value"] = p.relation
        if p.group == "partner":
            r["Notes"] = "Together since 2019-05-11, shoe size 44"
        if p.name == "Miriam Okafor":
            r["Website 1 - Label"], r["Website 1 - Value"] = "Profile", "https://miriam.example.org"
        rows.append(r)
    # Google sorts by name in its export view; keep a stable, human order.
    rows.sort(
        key=lambda r: _ascii(
            r["First Name"] + " " + r["Last Name"] + r["Organization Name"]
        ).lower()
    )
    for r in rows:
        w.writerow([r[h] for h in GOOGLE_HEADER])
    path.write_bytes(buf.getvalue().encode("utf-8"))


def write_interactions(rows: list[Row], path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(INTERACTION_HEADER)
    for r in rows:
        w.writerow(
            [
                r.ts.strftime("%Y-%m-%d %H:%M"),
                r.contact,
                r.channel,
                r.direction,
                r.duration,
                r.event_id,
                r.note,
            ]
        )
    path.write_bytes(buf.getvalue().encode("utf-8"))


_CHAT_LINES = {
    "Birgit Jensen": (
        "Hat jemand Lust auf Sonntag? Ich mache Fischsuppe",
        "Gute Nacht ihr Lieben ❤️",
        "Papa hat den Zaun fertig 😅",
        "Wer kommt Weihnachten wann?",
        "<Media omitted>",
        "Denkt an Omas Geburtstag!",
        "Seid ihr gut angekommen?",
        "Danke für den schönen Abend",
        "Ich hab Kuchen übrig, wer will?",
        "<Media omitted>",
        "Schaut mal, der Flieder blüht",
    ),
    "Henrik Jensen": (
        "Jo",
        "Sieht gut aus!",
        "Bin im Garten, ruf später an",
        "<Media omitted>",
        "Der Wetterbericht sagt Sturm, fahrt vorsichtig",
        "👍",
        "HSV hat gewonnen!",
        "Das Auto ist wieder heile",
    ),
    "Lasse Jensen": (
        "haha",
        "Kann erst gegen 7",
        "<Media omitted>",
        "Hat jemand das Ladekabel gesehen?",
        "Ich bring Nachtisch mit 🍰",
        "Bin dabei",
        "Sorry, Spätschicht diese Woche",
        "😂😂",
        "Wer holt Oma ab?",
    ),
    "Mara Jensen": (
        "Wir kommen um 5!",
        "Klingt super",
        "<Media omitted>",
        "Jonas bringt Wein mit 🍷",
        "Schick mal das Rezept bitte",
        "Bin gerade im Zug, melde mich später",
        "❤️",
        "Ich kann Oma holen",
        "Wie geht's Papas Rücken?",
        "Freu mich auf Sonntag!",
    ),
    "+49 1522 8895401": ("Danke für die Einladung!", "<Media omitted>", "😂", "Hallo zusammen 👋"),
}


def write_whatsapp(rng: random.Random, path: Path, as_of: date) -> None:
    """WhatsApp (Android, en_GB) export of the family group, last ~6 months, LF line endings."""
    start = as_of - timedelta(days=183)
    lines = [
        f"{start.strftime('%d/%m/%Y')}, 09:12 - Messages and calls are end-to-end encrypted. "
        "No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.",
        f'{start.strftime("%d/%m/%Y")}, 09:12 - Birgit Jensen created group "Familie Jensen 🏡"',
        f"{start.strftime('%d/%m/%Y')}, 09:13 - Birgit Jensen added you",
    ]
    names = list(_CHAT_LINES)
    weights = (0.3, 0.15, 0.2, 0.3, 0.05)
    d = start + timedelta(days=1)
    added = False
    while d < as_of:
        if rng.random() < 0.45:
            t = datetime(d.year, d.month, d.day, rng.randint(7, 20), rng.randrange(60))
            if not added and d > start + timedelta(days=60):
                lines.append(
                    f"{t.strftime('%d/%m/%Y, %H:%M')} - Lasse Jensen added +49 1522 8895401"
                )
                added = True
            for _ in range(rng.randint(1, 6)):
                who = rng.choices(
                    names[:4] if not added else names, weights[: 4 if not added else 5]
                )[0]
                text = rng.choice(_CHAT_LINES[who])
                if lines[-1].endswith(f"{who}: {text}"):
                    continue
                lines.append(f"{t.strftime('%d/%m/%Y, %H:%M')} - {who}: {text}")
                t += timedelta(minutes=rng.randint(0, 40))
            if rng.random() < 0.05:
                lines.append(
                    f"{t.strftime('%d/%m/%Y, %H:%M')} - Lasse Jensen: This message was deleted"
                )
        d += timedelta(days=1)
    # a multi-line message
    t = datetime(as_of.year, as_of.month, as_of.day) - timedelta(days=9, hours=-19, minutes=-25)
    lines.append(
        f"{t.strftime('%d/%m/%Y, %H:%M')} - Birgit Jensen: Einkaufsliste für Sonntag:\n"
        "- Kartoffeln\n- Dill\n- 2x Sahne\nWer bringt was mit?"
    )
    lines.append(f"{t.strftime('%d/%m/%Y, %H:%M')} - Mara Jensen: Ich nehm den Dill 🌿")
    lines.sort(key=lambda s: (datetime.strptime(s[:17], "%d/%m/%Y, %H:%M"),))
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))


def _fold(line: str) -> list[str]:
    """RFC 5545 folding: at most 75 octets per line, never splitting a UTF-8 character."""
    out, cur, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > (75 if not out else 74):
            out.append(cur)
            cur, size = "", 0
        cur += ch
        size += n
    out.append(cur)
    return [out[0]] + [" " + s for s in out[1:]]


_VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Berlin",
    "X-LIC-LOCATION:Europe/Berlin",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def write_ics(people: list[Person], rng: random.Random, path: Path, as_of: date) -> None:
    """Google Calendar export of the persona's calendar, last ~12 months."""
    by = {p.name: p for p in people}
    me_work = ME["other_emails"][0]
    stamp = as_of.strftime("%Y%m%dT080000Z")
    ev: list[list[str]] = []

    def who(p: Person | None, status: str, email: str = "", name: str = "") -> str:
        email = email or p.emails[0]
        name = name or (p.name if p else email)
        return f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={status};CN={name};X-NUM-GUESTS=0:mailto:{email}"

    def event(
        start: datetime,
        minutes: int,
        summary: str,
        organizer: str,
        attendees: list[str],
        extra: list[str] = (),
        allday: bool = False,
    ) -> None:
        uid = f"{rng.getrandbits(96):024x}@google.com"
        end = start + timedelta(minutes=minutes)
        body = ["BEGIN:VEVENT"]
        if allday:
            body += [
                f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
                f"DTEND;VALUE=DATE:{start + timedelta(days=1):%Y%m%d}",
            ]
        else:
            body += [
                f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}",
                f"DTEND;TZID=Europe/Berlin:{end:%Y%m%dT%H%M%S}",
            ]
        body += [f"DTSTAMP:{stamp}"]
        if organizer:
            body.append(organizer)
        body += [
            f"UID:{uid}",
            *attendees,
            *extra,
            f"CREATED:{(start - timedelta(days=rng.randint(3, 30))):%Y%m%dT%H%M%SZ}",
            f"LAST-MODIFIED:{(start - timedelta(days=1)):%Y%m%dT%H%M%SZ}",
            "SEQUENCE:0",
            "STATUS:CONFIRMED",
            f"SUMMARY:{summary}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
        ev.append(body)

    y0 = as_of - timedelta(days=365)
    julia, mehmet, hannah, anna = (
        by["Julia Brenner"],
        by["Mehmet Aydın"],
        by["Hannah Petersen"],
        by["Anna Lindqvist"],
    )
    org_julia = f"ORGANIZER;CN=Julia Brenner:mailto:{julia.emails[0]}"
    org_me = f"ORGANIZER;CN=Mara Jensen:mailto:{me_work}"
    # weekly recurring team meeting
    monday = y0 + timedelta(days=(7 - y0.weekday()) % 7)
    team = [
        p for p in people if p.org == "Hafenlicht Digital" and p.pattern in ("weekly", "biweekly")
    ]
    event(
        datetime.combine(monday, datetime.min.time()).replace(hour=10),
        45,
        "Research team weekly",
        org_julia,
        [who(None, "ACCEPTED", me_work, "Mara Jensen")] + [who(p, "ACCEPTED") for p in team],
        [
            "RRULE:FREQ=WEEKLY;BYDAY=MO",
            "DESCRIPTION:Weekly sync. Join with Google Meet: https://meet.google.com/qzx-rtbw-kpn",
            "X-GOOGLE-CONFERENCE:https://meet.google.com/qzx-rtbw-kpn",
            "LOCATION:Hafenlicht HQ\\, Raum Elbe",
        ],
    )
    # biweekly 1:1s with the manager and research syncs
    d = y0 + timedelta(days=(3 - y0.weekday()) % 7)
    while d < as_of:
        event(
            datetime.combine(d, datetime.min.time()).replace(hour=14),
            30,
            "Mara / Julia 1:1",
            org_julia,
            [who(julia, "ACCEPTED"), who(None, "ACCEPTED", me_work, "Mara Jensen")],
            [
                "DESCRIPTION:Join Zoom Meeting\\nhttps://zoom.us/j/93012345678?pwd=Ex4mpleOnly",
                "LOCATION:https://zoom.us/j/93012345678",
            ],
        )
        d += timedelta(days=14)
    for d in _days(rng, y0, as_of, 24):
        d = _shift_weekday(d)
        if d >= as_of:
            break
        guests = rng.sample(
            [mehmet, hannah, anna, by["Stefan Wolff"], by["Agnieszka Wiśniewska"]], 3
        )
        event(
            datetime.combine(d, datetime.min.time()).replace(hour=rng.randint(9, 15)),
            60,
            rng.choice(
                (
                    "Usability test debrief",
                    "Interview synthesis",
                    "Roadmap review",
                    "Persona workshop",
                )
            ),
            org_me,
            [who(None, "ACCEPTED", me_work, "Mara Jensen")]
            + [who(p, rng.choice(("ACCEPTED", "ACCEPTED", "TENTATIVE"))) for p in guests],
            ["LOCATION:Hafenlicht HQ\\, Raum Alster"],
        )
    # external meeting with the partner agency
    ks = by["Katharina Schmitt"]
    d = _shift_weekday(as_of - timedelta(days=47))
    event(
        datetime.combine(d, datetime.min.time()).replace(hour=11),
        60,
        "Recruiting panel Q4 – Nordlicht",
        f"ORGANIZER;CN=Katharina Schmitt:mailto:{ks.emails[0]}",
        [who(ks, "ACCEPTED"), who(None, "ACCEPTED", me_work, "Mara Jensen")],
        [
            "X-GOOGLE-CONFERENCE:https://meet.google.com/wpl-hhmx-sdo",
            "DESCRIPTION:Meet link: https://meet.google.com/wpl-hhmx-sdo",
        ],
    )
    # declined: an all-hands Mara skipped
    d = _shift_weekday(as_of - timedelta(days=120))
    event(
        datetime.combine(d, datetime.min.time()).replace(hour=16),
        60,
        "Company all-hands (optional)",
        f"ORGANIZER;CN=Claudia Neumann:mailto:{by['Claudia Neumann'].emails[0]}",
        [
            who(None, "DECLINED", me_work, "Mara Jensen"),
            who(by["Claudia Neumann"], "ACCEPTED"),
            who(by["Benedikt Roth"], "NEEDS-ACTION"),
        ],
    )
    # private events with friends (personal address)
    for d in _days(rng, y0, as_of, 40):
        d = _shift_weekend(d, rng)
        if d >= as_of:
            break
        f = rng.choice(
            [by["Zoë Hartmann"], by["Ayşe Demir"], by["Katharina Schmidt"], by["Till Hoffmann"]]
        )
        event(
            datetime.combine(d, datetime.min.time()).replace(hour=19),
            150,
            f"Dinner with {f.given}",
            f"ORGANIZER;CN=Mara Jensen:mailto:{ME['email']}",
            [who(None, "ACCEPTED", ME["email"], "Mara Jensen"), who(f, "ACCEPTED")],
            [f"LOCATION:{rng.choice(('Ottensen', 'Schanze', 'St. Georg'))}"],
        )
    # all-day, no attendees
    event(
        datetime(as_of.year, 7, 4)
        if date(as_of.year, 7, 4) < as_of
        else datetime(as_of.year - 1, 7, 4),
        0,
        "Lasse Geburtstag 🎂",
        "",
        [],
        allday=True,
    )
    ev.sort(key=lambda b: (b[1], b[3]))
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ME['email']}",
        "X-WR-TIMEZONE:Europe/Berlin",
        *_VTIMEZONE,
    ]
    for b in ev:
        lines += b
    lines.append("END:VCALENDAR")
    out = []
    for line in lines:
        out += _fold(line)
    path.write_bytes(("\r\n".join(out) + "\r\n").encode("utf-8"))


def write_persona(people: list[Person], seed: int, as_of: date, path: Path) -> None:
    doc = {
        "seed": seed,
        "me": ME,
        "as_of": as_of.isoformat(),
        "people": [
            {
                "name": p.org if p.org and p.group == "acquaintance" else p.name,
                "emails": p.emails,
                "phones": p.phones + ([p.home_phone] if p.home_phone else []),
                "group": p.group,
                "pattern": p.pattern,
                "in_phone": p.in_phone,
                "in_google": p.in_google,
            }
            for p in people
        ],
    }
    path.write_bytes((json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def generate(out_dir: Path | str, as_of: date = AS_OF, seed: int = SEED) -> dict[str, Path]:
    """Write all sample files into ``out_dir``; return {file name: path}. Same inputs, same bytes."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    people = build_people(rng, as_of)
    rows = build_interactions(people, rng, as_of)
    files = {
        name: out / name
        for name in (
            "phone_contacts.vcf",
            "google_contacts.csv",
            "interactions.csv",
            "whatsapp_family.txt",
            "calendar.ics",
            "persona.json",
        )
    }
    write_vcf(people, rng, files["phone_contacts.vcf"])
    write_google_csv(people, rng, files["google_contacts.csv"])
    write_interactions(rows, files["interactions.csv"])
    write_whatsapp(rng, files["whatsapp_family.txt"], as_of)
    write_ics(people, rng, files["calendar.ics"], as_of)
    write_persona(people, seed, as_of, files["persona.json"])
    return files


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "data" / "samples"))
    ap.add_argument("--as-of", default=AS_OF.isoformat(), type=date.fromisoformat)
    ap.add_argument("--seed", default=SEED, type=int)
    args = ap.parse_args(argv)
    generate(args.out, args.as_of, args.seed)


if __name__ == "__main__":
    main()
