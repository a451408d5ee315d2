"""Hand-built inputs for the support-network engine tests: the output frames of identity
resolution (people, interactions with person_id), built the way :mod:`analysis.identity` does."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.model import interactions_frame

PEOPLE_COLUMNS = [
    "person_id",
    "name",
    "given_name",
    "family_name",
    "nickname",
    "emails",
    "phones",
    "categories",
    "orgs",
    "titles",
    "related",
    "birthday",
    "contact_ids",
    "sources",
    "non_person",
    "origin",
]


def people_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """People rows; ``person_id`` and ``name`` required, everything else defaulted."""
    rows = []
    for rec in records:
        name = rec["name"]
        row = {
            "person_id": rec["person_id"],
            "name": name,
            "given_name": rec.get("given_name", name.split()[0] if name else ""),
            "family_name": rec.get("family_name", ""),
            "nickname": rec.get("nickname", ""),
            "emails": list(rec.get("emails", [])),
            "phones": list(rec.get("phones", [])),
            "categories": list(rec.get("categories", [])),
            "orgs": list(rec.get("orgs", [])),
            "titles": list(rec.get("titles", [])),
            "related": list(rec.get("related", [])),
            "birthday": rec.get("birthday", ""),
            "contact_ids": list(rec.get("contact_ids", [])),
            "sources": list(rec.get("sources", [])),
            "non_person": bool(rec.get("non_person", False)),
            "origin": rec.get("origin", "contacts"),
        }
        rows.append(row)
    frame = pd.DataFrame(rows, columns=PEOPLE_COLUMNS)
    for col in ("person_id", "name", "given_name", "family_name", "nickname", "birthday", "origin"):
        frame[col] = frame[col].astype(object)
    return frame


def log(rows: Iterable[tuple]) -> pd.DataFrame:
    """Interactions from tuples ``(person_id, timestamp, channel[, direction[, event_id]])``;
    timestamps are ISO strings read as UTC (a date alone means noon UTC)."""
    rows = list(rows)
    pids, ts, ch, di, ev = [], [], [], [], []
    for r in rows:
        pids.append(r[0])
        t = str(r[1])
        ts.append(pd.Timestamp(t + ("T12:00" if len(t) == 10 else ""), tz="UTC"))
        ch.append(r[2])
        di.append(r[3] if len(r) > 3 else "unknown")
        ev.append(r[4] if len(r) > 4 else "")
    frame = interactions_frame(
        pd.Series(ts, dtype="datetime64[ns, UTC]"),
        [p or "" for p in pids],
        ch,
        di,
        event_id=ev,
        source="test",
    )
    frame["person_id"] = pd.Series(pids, dtype=object)
    frame["matched_by"] = pd.Series(["email" if p else "" for p in pids], dtype=object)
    return frame


def every(
    person_id: str,
    start: str,
    step_days: int,
    count: int,
    channel: str = "message",
    direction: str = "unknown",
) -> list[tuple]:
    """``count`` contacts with one person, ``step_days`` apart, from ``start``."""
    t0 = pd.Timestamp(start)
    return [
        (
            person_id,
            (t0 + pd.Timedelta(days=step_days * i)).strftime("%Y-%m-%d"),
            channel,
            direction,
        )
        for i in range(count)
    ]


AS_OF_SCENARIO = "2025-11-25"


def scenario() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A small network with one person of each kind, as of 2025-11-25:

    ``anna`` weekly in person (friend, current); ``ben`` yearly friend, last 178 days ago;
    ``cara`` weekly messages for a year then silent since 2025-02 (drifting); ``mum`` family,
    fortnightly calls, never in person (screen-only); ``dan`` a card without contact;
    ``bot`` a no-reply address with frequent mail; ``olle`` an old friend with four contact days,
    silent for two years; ``kim`` a club mate (monthly), last seen 5 months ago.
    """
    people = people_frame(
        [
            {"person_id": "anna", "name": "Anna Weekly", "categories": ["Friends"]},
            {"person_id": "ben", "name": "Ben Yearly"},
            {"person_id": "cara", "name": "Cara Drift", "nickname": "Cari"},
            {"person_id": "dan", "name": "Dan Card"},
            {"person_id": "mum", "name": "Mum", "categories": ["Familie"]},
            {
                "person_id": "bot",
                "name": "Shop",
                "emails": ["no-reply@shop.example"],
                "non_person": True,
            },
            {"person_id": "olle", "name": "Olle Old"},
            {"person_id": "kim", "name": "Kim Club", "categories": ["Climbing"]},
        ]
    )
    rows = (
        every("anna", "2025-01-06", 7, 46, "in_person", "mutual")
        + every("ben", "2020-06-01", 365, 6, "call", "outgoing")
        + every("cara", "2024-01-01", 7, 60, "message", "outgoing")
        + every("mum", "2025-01-01", 14, 24, "call", "incoming")
        + every("bot", "2025-01-01", 3, 110, "email", "incoming")
        + every("olle", "2021-05-01", 60, 4, "in_person", "mutual")
        + every("kim", "2023-06-01", 30, 25, "in_person", "mutual")
        + [
            ("anna", "2025-11-20", "message", "outgoing", "ev1"),
            ("mum", "2025-11-20", "message", "outgoing", "ev1"),
            (None, "2025-11-21", "message", "incoming"),
        ]
    )
    return people, log(rows)


SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
SAMPLE_FILES = (
    "phone_contacts.vcf",
    "google_contacts.csv",
    "interactions.csv",
    "whatsapp_family.txt",
    "calendar.ics",
)
SAMPLE_READY = all((SAMPLES / f).exists() for f in (*SAMPLE_FILES, "persona.json"))
"""Whether the bundled sample persona (data/samples) is there to test on."""


def sample_resolution() -> tuple[Any, dict, dict]:
    """The bundled sample, imported and resolved: ``(resolution, settings, persona)``, where
    ``settings`` are the persona's ``as_of``, ``timezone`` and ``me`` as ``analyze`` takes them."""
    from analysis.identity import resolve
    from analysis.importers.base import ImportOptions, SourceFile
    from analysis.pipeline import load

    persona = json.loads((SAMPLES / "persona.json").read_text(encoding="utf-8"))
    me = persona["me"]
    options = ImportOptions(
        region=me["region"], timezone=me["timezone"], me=(me["name"], me["email"], me["phone"])
    )
    data = load([SourceFile.from_path(str(SAMPLES / f)) for f in SAMPLE_FILES], options)
    res = resolve(data.contacts, data.interactions, region=me["region"])
    settings = {
        "as_of": persona["as_of"],
        "timezone": me["timezone"],
        "me": (me["name"], me["email"], me["phone"], *me.get("other_emails", [])),
    }
    return res, settings, persona
