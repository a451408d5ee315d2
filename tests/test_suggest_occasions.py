"""Dates that matter and follow-ups become suggestions (rules S5-S7 in docs/metrics.md): a
birthday a few days ahead, an anniversary entered by the user, a follow-up on its day; never for
people in memory, not to be suggested, archived, or never talked to."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest

from analysis import pipeline
from analysis.cli import main
from analysis.engine import Overrides, analyze
from analysis.importers.base import ImportOptions, SourceFile
from analysis.occasions import REASON_DAYS, FollowUp, Occasion
from analysis.report import to_dict, to_markdown
from analysis.store import Store
from analysis.suggest import (
    FOLLOW_UP_OPEN_DAYS,
    date_urgency,
    follow_up_sentence,
)
from tests.engine_helpers import AS_OF_SCENARIO, log, people_frame, scenario

AS_OF = date(2026, 6, 30)  # a Tuesday
OPTIONS = ImportOptions(region="DE", timezone="Europe/Berlin")


def _card(name: str, email: str, bday: str = "") -> str:
    family, given = name.split()[1], name.split()[0]
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}", f"N:{family};{given};;;",
             f"EMAIL;TYPE=INTERNET:{email}"]  # fmt: skip
    if bday:
        lines.append(f"BDAY:{bday}")
    return "\r\n".join([*lines, "END:VCARD"])


def _weekly(email: str, first: date, last: date, step: int = 7, channel: str = "call") -> list:
    rows, day = [], first
    while day <= last:
        rows.append(f"{day.isoformat()} 18:00,{email},{channel},outgoing,20,,")
        day += timedelta(days=step)
    return rows


def files() -> list[SourceFile]:
    """A phone's vCard export and the user's own log, as of :data:`AS_OF`:

    * Ana Lima: weekly calls for a year up to yesterday (her rhythm is fine); birthday on Friday;
    * Tom Becker: weekly for a year, silent since April (overdue); birthday on Sunday, no year;
    * Mira Stein: weekly calls; birthday tomorrow (the user marks her "in memory");
    * Olga Petrova: a card with a birthday in two days and no contact at all;
    * Jonas Weber: fortnightly calls, no birthday (for follow-ups).
    """
    cards = [
        _card("Ana Lima", "ana@example.org", "1990-07-03"),
        _card("Tom Becker", "tom@example.org", "--07-05"),
        _card("Mira Stein", "mira@example.org", "1950-07-01"),
        _card("Olga Petrova", "olga@example.org", "1980-07-02"),
        _card("Jonas Weber", "jonas@example.org"),
    ]
    start = AS_OF - timedelta(days=400)
    rows = ["timestamp,contact,channel,direction,duration_min,event_id,note"]
    rows += _weekly("ana@example.org", start, AS_OF - timedelta(days=1))
    rows += _weekly("tom@example.org", start, date(2026, 3, 31), channel="in_person")
    rows += _weekly("mira@example.org", start + timedelta(days=2), AS_OF - timedelta(days=2))
    rows += _weekly("jonas@example.org", start + timedelta(days=3), AS_OF - timedelta(days=4), 14)
    return [
        SourceFile("contacts.vcf", ("\r\n".join(cards) + "\r\n").encode()),
        SourceFile("log.csv", ("\n".join(rows) + "\n").encode()),
    ]


@pytest.fixture(scope="module")
def ids() -> dict[str, str]:
    run = pipeline.analysis_from_files(files(), OPTIONS, as_of=AS_OF)
    return dict(zip(run.analysis.people["name"], run.analysis.people["person_id"], strict=True))


def _run(as_of: date = AS_OF, **states: tuple[str, ...]):
    return pipeline.analysis_from_files(
        files(), OPTIONS, as_of=as_of, overrides=Overrides(states=states) if states else None
    ).analysis


def _by_name(an) -> pd.DataFrame:
    return an.suggestions.set_index("name")


def test_a_birthday_three_days_ahead_is_a_suggestion_though_the_rhythm_is_fine():
    an = _run()
    ana = an.people.set_index("name").loc["Ana Lima"]
    assert ana["status"] == "ok" and ana["intimate"]
    s = _by_name(an).loc["Ana Lima"]
    assert s["kind"] == "birthday" and s["occasion"] == "birthday" and s["on"] == "2026-07-03"
    assert s["reason"] == "Their birthday is on Friday (they turn 36)."
    assert s["action"].startswith("Plan for their birthday")
    assert "Ana" in s["draft"] and "birthday" in s["draft"] and "on Friday" in s["draft"]
    assert s["rank"] <= 3  # a close friend's birthday makes the short list


def test_on_the_day_and_the_day_before_the_words_and_the_draft_change():
    today = _by_name(_run(date(2026, 7, 3))).loc["Ana Lima"]
    assert today["reason"] == "Today is their birthday (they turn 36)."
    assert today["draft"].startswith("Happy birthday, Ana!")
    assert today["action"].startswith("Wish them a happy birthday today")
    assert (
        _by_name(_run(date(2026, 7, 2)))
        .loc["Ana Lima", "reason"]
        .startswith("Their birthday is tomorrow")
    )
    after = _run(date(2026, 7, 4)).suggestions  # the day after: over
    assert "Ana Lima" not in set(after["name"])


def test_a_week_ahead_names_the_weekday_and_the_date_and_eight_days_is_too_far():
    week = _by_name(_run(AS_OF - timedelta(days=REASON_DAYS - 3))).loc["Ana Lima"]
    assert week["reason"] == "Their birthday is on Friday 3 July (they turn 36)."
    assert "Ana Lima" not in set(_run(AS_OF - timedelta(days=REASON_DAYS - 2)).suggestions["name"])


def test_an_overdue_friend_with_a_birthday_gets_one_suggestion_with_the_date_in_its_reason():
    an = _run()
    assert list(an.suggestions["name"]).count("Tom Becker") == 1
    s = _by_name(an).loc["Tom Becker"]
    assert an.people.set_index("name").loc["Tom Becker", "status"] in ("overdue", "neglected")
    assert s["kind"] == "check_in" and s["occasion"] == "birthday" and s["on"] == "2026-07-05"
    assert s["reason"].startswith("Their birthday is on Sunday. You were in touch about every")
    assert s["draft"].endswith("It's been too long: let's catch up soon.")


def test_in_memory_dont_suggest_and_archived_people_get_no_birthday_suggestion(ids):
    assert "Mira Stein" in set(_run().suggestions["name"])  # her birthday is tomorrow
    for state in ("in_memory", "dont_suggest", "archived"):
        names = set(_run(**{ids["Mira Stein"]: (state,)}).suggestions["name"])
        assert "Mira Stein" not in names, state
        assert "Ana Lima" in names


def test_the_birthday_of_someone_never_talked_to_crowds_out_nobody():
    an = _run()
    assert an.people.set_index("name").loc["Olga Petrova", "status"] == "no_contact"
    assert "Olga Petrova" not in set(an.suggestions["name"])


def test_a_date_the_user_entered_counts_for_anyone_and_a_partners_anniversary_is_ours(ids):
    people, inter = scenario()
    entered = [
        Occasion("dan", "anniversary", 11, 26, 2015, "wedding"),  # a card, no contact
        Occasion("anna", "anniversary", 11, 25, 2020),
    ]
    an = analyze(people, inter, as_of=AS_OF_SCENARIO, occasions=entered)
    s = an.suggestions.set_index("person_id")
    assert s.loc["dan", "reason"] == "Their wedding anniversary is tomorrow (10 years)."
    assert s.loc["dan", "kind"] == "anniversary"
    assert s.loc["anna", "reason"] == "Today is their anniversary (5 years)."
    assert s.loc["anna", "draft"].startswith("Happy anniversary")
    partner = analyze(
        people, inter, as_of=AS_OF_SCENARIO, occasions=entered,
        overrides=Overrides(roles={"anna": ("partner",)}),
    ).suggestions.set_index("person_id")  # fmt: skip
    assert partner.loc["anna", "reason"] == "Today is your anniversary (5 years)."
    assert partner.loc["anna", "draft"] == "Happy anniversary, Anna! I'm so glad it's us."


def test_a_close_persons_birthday_ranks_with_lapsed_close_ties_and_a_club_mates_after_them():
    people, inter = scenario()
    people["birthday"] = (
        people["person_id"]
        .map({"anna": "1990-11-27", "kim": "--11-25", "dan": "--11-26"})
        .fillna("")
    )
    an = analyze(people, inter, as_of=AS_OF_SCENARIO)
    tab = an.people.set_index("person_id")
    assert tab.loc["anna", "intimate"] and tab.loc["kim", "circle"] == 3
    order = list(an.suggestions["person_id"])
    assert "dan" not in order  # a card never talked to
    assert order.index("anna") < order.index("kim")  # anna: tier 0, beside lapsed close ties
    close_lapsed = [
        p for p, k in zip(order, an.suggestions["kind"], strict=True) if k == "check_in"
    ]
    assert all(order.index(p) < order.index("kim") for p in close_lapsed)  # kim: tier 1
    assert (
        an.suggestions.set_index("person_id")
        .loc["kim", "reason"]
        .startswith("Today is their birthday.")
    )


def test_done_in_the_run_up_clears_the_run_up_but_not_the_day_itself():
    people, inter = scenario()
    people["birthday"] = people["person_id"].map({"anna": "1990-11-27"}).fillna("")
    done = Overrides(done={"anna": date(2025, 11, 24)})
    assert "anna" not in set(
        analyze(people, inter, as_of="2025-11-25", overrides=done).suggestions["person_id"]
    )
    assert "anna" in set(
        analyze(people, inter, as_of="2025-11-27", overrides=done).suggestions["person_id"]
    )
    on_day = Overrides(done={"anna": date(2025, 11, 27)})
    assert "anna" not in set(
        analyze(people, inter, as_of="2025-11-27", overrides=on_day).suggestions["person_id"]
    )
    snoozed = Overrides(snoozed_until={"anna": date(2025, 11, 30)})
    assert "anna" not in set(
        analyze(people, inter, as_of="2025-11-27", overrides=snoozed).suggestions["person_id"]
    )


def _cli_json(store: str, day: date, capsys) -> dict:
    assert main(["analyze", "--store", store, "--as-of", day.isoformat(), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _jonas(out: dict) -> dict | None:
    return next((s for s in out["suggestions"] if s["name"] == "Jonas Weber"), None)


def test_a_follow_up_logged_with_the_cli_is_a_suggestion_on_its_day_and_not_the_day_before(
    tmp_path, capsys
):
    paths = []
    for src in files():
        (tmp_path / src.name).write_bytes(src.data)
        paths.append(str(tmp_path / src.name))
    store = str(tmp_path / "ck.sqlite3")
    assert main(["import", *paths, "--store", store, "--region", "DE"]) == 0
    on = date(2026, 7, 2)
    assert main(["analyze", "--store", store, "--as-of", on.isoformat(), "--format", "json"]) == 0
    capsys.readouterr()  # analysed (and cached) before the follow-up exists
    assert main(["follow-up", "Jonas Weber", "ask how the interview went", "--on", on.isoformat(),
                 "--store", store]) == 0  # fmt: skip
    capsys.readouterr()

    assert _jonas(_cli_json(store, on - timedelta(days=1), capsys)) is None
    s = _jonas(_cli_json(store, on, capsys))
    assert s is not None and s["kind"] == "follow_up" and s["occasion"] == "follow_up"
    assert s["on"] == "2026-07-02"
    assert s["reason"] == "Your follow-up for today: ask how the interview went."
    assert s["draft"] == "Hi Jonas! I was wondering how the interview went. How are you doing?"
    assert s["rank"] == 1  # the user's own word, for that day

    later = _jonas(_cli_json(store, on + timedelta(days=4), capsys))
    assert later["reason"] == "Your follow-up for Thursday, 4 days ago: ask how the interview went."
    gone = on + timedelta(days=FOLLOW_UP_OPEN_DAYS + 1)
    assert _jonas(_cli_json(store, gone, capsys)) is None  # stale as a nudge

    assert main(["analyze", "--store", store, "--as-of", on.isoformat(), "--format", "md"]) == 0
    assert "Your follow-up for today\\: ask how the interview went." in capsys.readouterr().out

    with Store(store) as st:  # closed, as ``closeknit today --done`` closes it
        pid = next(f.person_id for f in st.follow_ups())
        st.finish_follow_ups(pid, on)
    assert _jonas(_cli_json(store, on, capsys)) is None


def test_marking_the_person_done_on_or_after_the_day_closes_the_follow_up(tmp_path, ids):
    with Store(tmp_path / "ck.sqlite3") as st:
        pipeline.remember_options(st, OPTIONS)
        pipeline.import_files(st, files(), OPTIONS)
        st.add_follow_up(FollowUp(ids["Jonas Weber"], date(2026, 7, 2), "send the photos"))
        run = pipeline.analysis_from_store(st, as_of=date(2026, 7, 3))
        s = run.analysis.suggestions.set_index("name").loc["Jonas Weber"]
        assert s["reason"] == "Your follow-up for yesterday: send the photos."
        assert "I wanted to follow up: send the photos." in s["draft"]
        st.mark_done(ids["Jonas Weber"], date(2026, 7, 1))  # before its day: still open
        run = pipeline.analysis_from_store(st, as_of=date(2026, 7, 3))
        assert "Jonas Weber" in set(run.analysis.suggestions["name"])
        st.mark_done(ids["Jonas Weber"], date(2026, 7, 3))
        run = pipeline.analysis_from_store(st, as_of=date(2026, 7, 3))
        assert "Jonas Weber" not in set(run.analysis.suggestions["name"])


def test_a_follow_up_for_someone_in_memory_is_never_suggested():
    people = people_frame([{"person_id": "x", "name": "Xena Example"}])
    inter = log([("x", "2025-01-01", "call")])
    fu = [FollowUp("x", date(2025, 1, 2), "ask about the move")]
    assert not analyze(people, inter, as_of="2025-01-02", follow_ups=fu).suggestions.empty
    gone = Overrides(states={"x": ("in_memory",)})
    assert analyze(people, inter, "2025-01-02", gone, follow_ups=fu).suggestions.empty


def test_the_json_and_markdown_carry_the_same_date_suggestion():
    an = _run()
    out = to_dict(an)
    ana = next(s for s in out["suggestions"] if s["name"] == "Ana Lima")
    assert ana["occasion"] == "birthday" and ana["on"] == "2026-07-03"
    assert all(s["occasion"] is None for s in out["suggestions"] if s["name"] == "Jonas Weber")
    assert "**Ana Lima**: Their birthday is on Friday \\(they turn 36\\)." in to_markdown(an)


@pytest.mark.parametrize(
    ("note", "sentence"),
    [
        ("ask how the interview went", "I was wondering how the interview went."),
        ("Ask her whether the flat worked out.", "I was wondering whether the flat worked out."),
        ("ask Ana about the new job", "I was wondering about the new job."),
        ("how did the move go?", "How did the move go?"),
        ("send the photos", "I wanted to follow up: send the photos."),
    ],
)
def test_the_draft_is_built_around_the_follow_up_note(note, sentence):
    assert follow_up_sentence(note) == sentence


def test_date_urgency_is_highest_on_the_day_and_one_a_week_ahead():
    assert date_urgency(0) == 4.0 and date_urgency(REASON_DAYS) == 1.0
    assert date_urgency(1) > date_urgency(2) > date_urgency(6)


def test_closeknit_today_lists_the_birthday_the_suggestions_name(tmp_path, capsys):
    paths = []
    for src in files():
        (tmp_path / src.name).write_bytes(src.data)
        paths.append(str(tmp_path / src.name))
    assert main(["today", *paths, "--as-of", AS_OF.isoformat(), "--json"]) == 0
    coming = json.loads(capsys.readouterr().out)["coming_up"]
    # read from the people frame, as the suggestions read it
    ana = next(c for c in coming if c["name"] == "Ana Lima")
    assert ana["date"] == "2026-07-03" and ana["days_until"] == 3 and ana["turns"] == 36
