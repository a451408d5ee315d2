"""End to end on the bundled sample persona (data/samples): import, resolve, analyze, and check the
engine against the generator's ground truth (persona.json)."""

import json
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
FILES = (
    "phone_contacts.vcf",
    "google_contacts.csv",
    "interactions.csv",
    "whatsapp_family.txt",
    "calendar.ics",
)

pytestmark = pytest.mark.skipif(
    not all((SAMPLES / f).exists() for f in (*FILES, "persona.json")),
    reason="sample persona not generated",
)


@pytest.fixture(scope="module")
def sample():
    from analysis.engine import analyze
    from analysis.identity import resolve
    from analysis.importers.base import ImportOptions, SourceFile
    from analysis.pipeline import load

    persona = json.loads((SAMPLES / "persona.json").read_text(encoding="utf-8"))
    me = persona["me"]
    options = ImportOptions(
        region=me["region"], timezone=me["timezone"], me=(me["name"], me["email"], me["phone"])
    )
    data = load([SourceFile.from_path(str(SAMPLES / f)) for f in FILES], options)
    res = resolve(data.contacts, data.interactions, region=me["region"])
    result = analyze(
        res.people,
        res.interactions,
        as_of=persona["as_of"],
        timezone=me["timezone"],
        me=(me["name"], me["email"], me["phone"], *me.get("other_emails", [])),
    )
    pattern = {p["name"]: p["pattern"] for p in persona["people"]}
    table = result.people.assign(pattern=result.people["name"].map(pattern))
    return result, table, persona


def names(table, *patterns):
    return set(table.loc[table["pattern"].isin(patterns), "name"])


def test_every_persona_person_is_found(sample):
    _, table, persona = sample
    found = set(table["name"])
    with_contact = {p["name"] for p in persona["people"] if p["pattern"] != "none"}
    assert with_contact <= found


def test_drifting_people_are_in_the_top_suggestions(sample):
    result, table, _ = sample
    drifting = names(table, "drifting")
    assert len(drifting) >= 3
    assert drifting <= set(result.suggestions["name"])


def test_people_in_regular_contact_are_not_suggested(sample):
    result, table, _ = sample
    regular = names(table, "weekly", "biweekly", "monthly", "quarterly", "yearly", "new")
    assert not regular & set(result.suggestions["name"])


def test_yearly_friends_are_not_overdue(sample):
    _, table, _ = sample
    yearly = table.loc[table["pattern"] == "yearly"]
    assert len(yearly) >= 3
    assert set(yearly["status"]) <= {"ok", "due"}


def test_screen_only_friends_are_flagged_and_asked_to_meet(sample):
    result, table, _ = sample
    screen = table.loc[table["pattern"] == "screen_only"]
    assert screen["screen_only"].all()
    kinds = result.suggestions.set_index("name")["kind"]
    assert all(kinds.get(n) == "meet" for n in screen["name"])


def test_dormant_and_drifting_are_overdue_regular_are_current(sample):
    _, table, _ = sample
    for status in table.loc[table["pattern"].isin(["dormant", "drifting"]), "status"]:
        assert status in {"overdue", "neglected"}
    regular = table.loc[table["pattern"].isin(["weekly", "biweekly", "monthly"])]
    assert set(regular["status"]) <= {"ok", "due"}


def test_cards_without_contact_have_no_circle(sample):
    _, table, _ = sample
    none = table.loc[table["pattern"] == "none"]
    assert len(none) > 50
    assert none["circle"].isna().all() and (none["status"] == "no_contact").all()


def test_the_user_is_not_a_contact_and_her_partner_is_innermost(sample):
    _, table, persona = sample
    assert persona["me"]["name"] not in set(table["name"])
    partner = [p["name"] for p in persona["people"] if p["group"] == "partner"]
    rows = table.set_index("name").loc[partner]
    assert (rows["circle"] == 1).all()
    assert all("partner" in r for r in rows["roles"])
