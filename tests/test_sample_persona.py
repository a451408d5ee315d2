"""The bundled sample persona (scripts/make_sample.py -> data/samples/) is deterministic and tells
the story persona.json claims: plain parsing only, no importer needed."""

from __future__ import annotations

import csv
import importlib.util
import json
import quopri
import re
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
FILES = (
    "phone_contacts.vcf",
    "google_contacts.csv",
    "interactions.csv",
    "whatsapp_family.txt",
    "calendar.ics",
    "persona.json",
)
GROUPS = {
    "family",
    "partner",
    "close_friend",
    "friend",
    "colleague",
    "neighbour",
    "club",
    "old_friend",
    "acquaintance",
}
PATTERNS = {
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
}
IN_PERSON_LABELS = {"in_person", "Coffee", "Lunch"}


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "make_sample", ROOT / "scripts" / "make_sample.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_sample", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen():
    return _load_generator()


@pytest.fixture(scope="module")
def fresh(gen, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fresh")
    gen.generate(out)
    return out


@pytest.fixture(scope="module")
def persona(fresh) -> dict:
    return json.loads((fresh / "persona.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def log(fresh) -> list[dict]:
    with open(fresh / "interactions.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _who_index(persona: dict) -> dict[str, str]:
    """Map every identity form the log uses (name, e-mail, E.164, national 0...) to a name."""
    index = {}
    for p in persona["people"]:
        index[p["name"]] = p["name"]
        for e in p["emails"]:
            index[e.lower()] = p["name"]
        for ph in p["phones"]:
            index[ph] = p["name"]
            index["0" + ph[3:]] = p["name"]
    return index


@pytest.fixture(scope="module")
def days_by_person(persona, log) -> dict[str, list[date]]:
    index = _who_index(persona)
    out: dict[str, list[date]] = defaultdict(list)
    for row in log:
        name = index.get(row["contact"].lower()) or index.get(row["contact"])
        if name:
            out[name].append(datetime.fromisoformat(row["timestamp"]).date())
    return {k: sorted(v) for k, v in out.items()}


def _as_of(persona: dict) -> date:
    return date.fromisoformat(persona["as_of"])


def test_generator_is_byte_for_byte_deterministic(gen, tmp_path):
    gen.generate(tmp_path / "a", date(2026, 11, 20), 7)
    gen.generate(tmp_path / "b", date(2026, 11, 20), 7)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_other_seed_or_as_of_gives_other_data(gen, tmp_path):
    gen.generate(tmp_path / "a", date(2026, 11, 20), 1)
    gen.generate(tmp_path / "b", date(2025, 6, 1), 1)
    a = (tmp_path / "a" / "interactions.csv").read_bytes()
    assert a != (tmp_path / "b" / "interactions.csv").read_bytes()
    last = max(
        r.split(",")[0] for r in (tmp_path / "b" / "interactions.csv").read_text().splitlines()[1:]
    )
    assert last < "2025-06-01"


def test_committed_samples_equal_a_fresh_generation(fresh):
    for name in FILES:
        committed = SAMPLES / name
        assert committed.exists(), f"{committed} missing: run scripts/make_sample.py"
        assert committed.read_bytes() == (fresh / name).read_bytes(), (
            f"{name} differs from the generator's output: edit scripts/make_sample.py and rerun it"
        )


def test_vcard_has_one_card_per_phone_person_with_crlf(fresh, persona):
    raw = (fresh / "phone_contacts.vcf").read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")
    text = raw.decode("utf-8")
    in_phone = [p for p in persona["people"] if p["in_phone"]]
    assert text.count("BEGIN:VCARD") == text.count("END:VCARD") == len(in_phone)
    assert text.count("VERSION:2.1") == len(in_phone)


def test_vcard_quoted_printable_names_decode_to_accents_with_soft_breaks(fresh):
    text = (fresh / "phone_contacts.vcf").read_bytes().decode("utf-8")
    fns = []
    for m in re.finditer(
        r"^FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:((?:.*=\r\n)*.*)\r$", text, re.M
    ):
        fns.append(quopri.decodestring(m.group(1).replace("\r\n", "\n").encode()).decode("utf-8"))
    assert "Zoë Hartmann" in fns and "Øystein Berg" in fns and "Ayşe Demir" in fns
    assert "Małgorzata Wiśniewska-Kowalczyk" in fns  # long enough to need a soft line break
    # Android breaks after 67 encoded characters of the value (the property name is not counted)
    continuation = [line for line in text.split("\r\n") if line.startswith("=")]
    assert continuation and all(len(line) <= 76 for line in continuation)
    assert "FN:Katharina Schmidt" in text  # ASCII names stay plain
    assert "PHOTO;ENCODING=BASE64;PNG:" in text
    assert re.search(r"^BDAY:--\d\d-?\d\d\r$", text, re.M)


def test_persona_uses_documented_groups_and_patterns(persona):
    people = persona["people"]
    assert {p["group"] for p in people} == GROUPS
    assert {p["pattern"] for p in people} == PATTERNS
    assert 100 <= len(people) <= 150
    assert len({p["name"] for p in people}) == len(people)
    assert persona["me"]["region"] == "DE" and persona["me"]["timezone"] == "Europe/Berlin"
    for p in people:
        assert all(re.fullmatch(r"\+\d{8,15}", ph) for ph in p["phones"]), p["name"]
        assert all(
            e.split("@")[1].endswith(("example.org", "example.com", "example.net"))
            for e in p["emails"]
        )
        assert p["in_phone"] or p["in_google"], p["name"]


def test_google_csv_overlaps_most_of_the_phone_and_adds_work_contacts(fresh, persona):
    with open(fresh / "google_contacts.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    people = persona["people"]
    assert len(rows) == sum(p["in_google"] for p in people)
    phone = [p for p in people if p["in_phone"]]
    share = sum(p["in_google"] for p in phone) / len(phone)
    assert 0.55 <= share <= 0.75
    assert any(p["in_google"] and not p["in_phone"] and p["group"] == "colleague" for p in people)
    names = {(r["First Name"], r["Last Name"]) for r in rows}
    assert ("Zoe", "Hartmann") in names  # accent dropped in this source
    assert any(r["File As"] == "Schmidt, Katharina" for r in rows)
    assert any(" ::: " in r["Phone 1 - Value"] for r in rows)
    assert all(r["Labels"].startswith("* myContacts") for r in rows)


def test_near_duplicate_names_are_different_people(persona):
    by = {p["name"]: p for p in persona["people"]}
    a, b = by["Katharina Schmidt"], by["Katharina Schmitt"]
    assert not set(a["phones"]) & set(b["phones"]) and not set(a["emails"]) & set(b["emails"])


def test_interaction_log_shape_and_nothing_after_as_of(persona, log):
    as_of = _as_of(persona)
    assert 3000 <= len(log) <= 6000
    stamps = [datetime.strptime(r["timestamp"], "%Y-%m-%d %H:%M") for r in log]
    assert max(stamps) < datetime.combine(as_of, datetime.min.time())
    assert min(stamps) >= datetime.combine(as_of, datetime.min.time()) - timedelta(days=3 * 366)
    channels = {r["channel"] for r in log}
    assert {"in_person", "call", "message", "email", "video"} <= channels
    assert {"Coffee", "Phone call", "WhatsApp", "E-mail"} & channels


def test_group_events_share_an_event_id_across_attendees(log):
    attendees = defaultdict(set)
    for r in log:
        if r["event_id"]:
            attendees[r["event_id"]].add(r["contact"])
    kinds = {eid.split("-")[0] for eid, who in attendees.items() if len(who) >= 3}
    assert {"climb", "team", "family"} <= kinds


def test_unknown_callers_and_no_reply_sender_match_nobody(persona, log):
    index = _who_index(persona)
    unmatched = {
        r["contact"] for r in log if r["contact"] not in index and r["contact"].lower() not in index
    }
    assert any(u.startswith("no-reply@") for u in unmatched)
    assert sum(1 for u in unmatched if re.fullmatch(r"\+?\d+", u)) >= 2
    assert len(unmatched) <= 5


def test_drifting_people_stopped_60_days_ago_after_regular_contact(persona, days_by_person):
    as_of = _as_of(persona)
    drifting = [p["name"] for p in persona["people"] if p["pattern"] == "drifting"]
    assert len(drifting) >= 3
    for name in drifting:
        days = days_by_person[name]
        assert (as_of - days[-1]).days > 60, name
        year_before = [d for d in days if (days[-1] - d).days <= 365]
        assert len(year_before) >= 15, name  # every few weeks at least
        gaps = [(b - a).days for a, b in zip(year_before, year_before[1:], strict=False)]
        assert max(gaps) <= 45, name


def test_yearly_people_were_last_seen_90_to_300_days_ago(persona, days_by_person):
    as_of = _as_of(persona)
    yearly = [p["name"] for p in persona["people"] if p["pattern"] == "yearly"]
    assert len(yearly) >= 4
    for name in yearly:
        assert 90 <= (as_of - days_by_person[name][-1]).days <= 300, name


def test_dormant_and_none_people_are_quiet(persona, days_by_person):
    as_of = _as_of(persona)
    for p in persona["people"]:
        days = days_by_person.get(p["name"], [])
        if p["pattern"] == "dormant":
            assert days and (as_of - days[-1]).days >= 548, p["name"]
        if p["pattern"] == "none":
            assert not days, p["name"]


def test_screen_only_ties_keep_messaging_but_stopped_meeting(persona, log):
    as_of = _as_of(persona)
    index = _who_index(persona)
    for p in (p for p in persona["people"] if p["pattern"] == "screen_only"):
        rows = [r for r in log if index.get(r["contact"]) == p["name"]]
        met = [
            datetime.fromisoformat(r["timestamp"]).date()
            for r in rows
            if r["channel"] in IN_PERSON_LABELS
        ]
        other = [
            datetime.fromisoformat(r["timestamp"]).date()
            for r in rows
            if r["channel"] not in IN_PERSON_LABELS
        ]
        assert (as_of - max(met)).days >= 120, p["name"]
        assert (as_of - max(other)).days <= 21, p["name"]


def test_the_chased_friend_is_contacted_by_the_persona_most_of_the_time(persona, log):
    index = _who_index(persona)
    rows = [
        r for r in log if index.get(r["contact"]) == "João Ferreira" and r["direction"] != "mutual"
    ]
    share = sum(r["direction"] == "outgoing" for r in rows) / len(rows)
    assert share >= 0.75


def test_whatsapp_export_is_day_first_android_layout(fresh, persona):
    text = (fresh / "whatsapp_family.txt").read_text(encoding="utf-8")
    heads = re.findall(r"^(\d\d)/(\d\d)/(\d{4}), (\d\d):(\d\d) - ", text, re.M)
    assert len(heads) > 100
    assert any(int(d) > 12 for d, *_ in heads)
    assert "end-to-end encrypted" in text and "<Media omitted>" in text
    assert f"- {persona['me']['name']}: " in text
    assert any(line and not re.match(r"\d\d/\d\d/\d{4}, ", line) for line in text.splitlines())


def test_calendar_has_recurring_declined_allday_and_conference_events(fresh, persona):
    raw = (fresh / "calendar.ics").read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    text = raw.decode("utf-8").replace("\r\n ", "").replace("\r\n", "\n")
    assert "RRULE:FREQ=WEEKLY" in text and "PARTSTAT=DECLINED" in text
    assert "DTSTART;VALUE=DATE:" in text and "X-GOOGLE-CONFERENCE:" in text
    emails = {e for p in persona["people"] for e in p["emails"]}
    attendees = set(re.findall(r"^ATTENDEE;[^\r\n]*:mailto:(\S+)$", text, re.M))
    assert len(attendees & emails) >= 5
