"""The command line, end to end over real files: import report, JSON shapes, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"

VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\n"
    "EMAIL;TYPE=INTERNET:ana@example.org\r\nTEL;TYPE=CELL:+49 151 23456789\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Berg\r\nN:Berg;Ben;;;\r\n"
    "TEL;TYPE=CELL:+49 151 98765432\r\nEND:VCARD\r\n"
)
LOG = (
    "timestamp,contact,channel,direction,duration_min,event_id,note\n"
    "2026-01-03 10:00,Ana Lima,Coffee,outgoing,60,,\n"
    "2026-01-10 10:00,ana@example.org,e-mail,incoming,,,\n"
    "2026-01-12 19:00,0151 98765432,Phone call,incoming,12,,\n"
    "2026-01-13 19:00,+49 30 1234567,Phone call,incoming,3,,\n"
)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    vcf = tmp_path / "phone.vcf"
    vcf.write_text(VCARD, encoding="utf-8", newline="")
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    return vcf, log


def test_import_json_counts_people_matches_and_unmatched(files, capsys):
    vcf, log = files
    status = main(["import", str(vcf), str(log), "--region", "DE", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert status == 0
    assert [f["format"] for f in out["files"]] == ["vCard 3.0", "Interaction log CSV"]
    assert out["files"][0] == {
        "file": "phone.vcf",
        "format": "vCard 3.0",
        "read": 2,
        "imported": 2,
        "skipped": [],
        "warnings": out["files"][0]["warnings"],
        "notes": out["files"][0]["notes"],
        "encoding": "utf-8",
    }
    assert out["people"] == 2
    assert out["contacts"] == 2
    assert out["interactions"] == 4
    assert out["matched"] == 3
    assert out["unmatched"] == [{"who": "+49 30 1234567", "interactions": 1}]


def test_import_text_report_names_each_file(files, capsys):
    vcf, log = files
    assert main(["import", str(vcf), str(log), "--region", "DE"]) == 0
    out = capsys.readouterr().out
    assert "phone.vcf: vCard 3.0 - read 2, imported 2, skipped 0" in out
    assert "log.csv: Interaction log CSV - read 4, imported 4, skipped 0" in out
    assert "unmatched: +49 30 1234567 (1 interactions)" in out


def test_no_usable_file_exits_2_with_reason_on_stderr(tmp_path, capsys):
    junk = tmp_path / "notes.txt"
    junk.write_text("shopping list\neggs\nmilk\n", encoding="utf-8")
    empty = tmp_path / "empty.vcf"
    empty.write_bytes(b"")
    status = main(["import", str(junk), str(empty)])
    err = capsys.readouterr().err
    assert status == 2
    assert "notes.txt" in err and "empty.vcf" in err and "the file is empty" in err
    assert "closeknit reads vCard" in err


def test_missing_file_is_reported_not_a_traceback(tmp_path, files, capsys):
    vcf, _ = files
    status = main(["import", str(vcf), str(tmp_path / "nope.csv"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert status == 0
    assert out["files"][0]["file"] == "nope.csv"
    assert "cannot be read" in out["files"][0]["error"]


def test_console_script_runs_as_a_module(files):
    vcf, _ = files
    proc = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "import", str(vcf), "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["people"] == 2


SAMPLE_ARGS = [
    *(
        str(SAMPLES / f)
        for f in (
            "phone_contacts.vcf",
            "google_contacts.csv",
            "interactions.csv",
            "whatsapp_family.txt",
            "calendar.ics",
        )
    ),
    "--region",
    "DE",
    "--tz",
    "Europe/Berlin",
    "--me",
    "Mara Jensen",
    "--me",
    "mara.jensen@example.org",
    "--me",
    "mara.jensen@hafenlicht.example.com",
]


def test_analyze_json_has_the_documented_shape(capsys):
    assert main(["analyze", *SAMPLE_ARGS, "--as-of", "2026-11-20", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2026-11-20"
    assert {"files", "people", "unmatched", "balance", "communities", "suggestions"} <= set(out)
    person_keys = {
        "person_id",
        "name",
        "circle",
        "intimate",
        "roles",
        "tie_strength",
        "interactions",
        "last_contact",
        "days_since",
        "expected_interval_days",
        "overdue_ratio",
        "status",
        "offline_share",
        "initiated_share",
    }
    assert all(person_keys <= set(p) for p in out["people"])
    assert {"window_days", "offline_share", "monthly"} <= set(out["balance"])
    names = [s["name"] for s in out["suggestions"]]
    assert "Lena Vogt" in names[:4] and "Mara Jensen" not in names
    assert all(
        {"person_id", "name", "reason", "action", "draft"} <= set(s) for s in out["suggestions"]
    )
    assert {"who": "no-reply@accounts.example.com", "interactions": 6} in out["unmatched"]


def test_analyze_markdown_is_a_readable_report(capsys):
    assert main(["analyze", *SAMPLE_ARGS, "--as-of", "2026-11-20"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("# Your support network, as of 2026-11-20")
    assert "## Reach out" in captured.out
    assert "phone_contacts.vcf: vCard 2.1 - read 119, imported 119" in captured.err


def test_store_log_and_export_round_trip(tmp_path, capsys):
    store = str(tmp_path / "ck.sqlite3")
    assert main(["import", *SAMPLE_ARGS, "--store", store]) == 0
    capsys.readouterr()
    assert main(["analyze", "--store", store, "--as-of", "2026-11-20", "--format", "json"]) == 0
    before = [s["name"] for s in json.loads(capsys.readouterr().out)["suggestions"]]
    assert "Lena Vogt" in before
    assert (
        main(
            [
                "log",
                "Lena Vogt",
                "--channel",
                "in_person",
                "--when",
                "2026-11-19 18:00",
                "--store",
                store,
            ]
        )
        == 0
    )
    assert "logged in person contact with Lena Vogt" in capsys.readouterr().out
    assert main(["analyze", "--store", store, "--as-of", "2026-11-20", "--format", "json"]) == 0
    after = [s["name"] for s in json.loads(capsys.readouterr().out)["suggestions"]]
    assert "Lena Vogt" not in after
    ics = tmp_path / "reach-out.ics"
    assert main(["export", "ics", "-o", str(ics), "--as-of", "2026-11-20", "--store", store]) == 0
    from icalendar import Calendar

    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    reach = [e for e in events if "RRULE" not in e]  # the others are yearly birthdays
    assert [str(e["summary"]).split(":")[0] for e in reach] == [f"Reach out to {n}" for n in after]
    assert all(str(e["RRULE"]["FREQ"][0]) == "YEARLY" for e in events if "RRULE" in e)
    csv_path = tmp_path / "people.csv"
    assert (
        main(["export", "csv", "-o", str(csv_path), "--as-of", "2026-11-20", "--store", store]) == 0
    )
    assert csv_path.read_text(encoding="utf-8").startswith("person_id,name,circle")


def test_log_refuses_an_unknown_person(tmp_path, capsys):
    store = str(tmp_path / "ck.sqlite3")
    assert main(["import", *SAMPLE_ARGS, "--store", store]) == 0
    capsys.readouterr()
    assert main(["log", "Nobody Atall", "--store", store]) == 2
    assert "matches nobody" in capsys.readouterr().err


def test_today_keeps_one_person_all_day_logs_it_when_done_and_counts_the_streak(tmp_path, capsys):
    store = str(tmp_path / "s.sqlite3")
    assert main(["import", *SAMPLE_ARGS, "--store", store]) == 0
    capsys.readouterr()
    days = ["2026-11-18", "2026-11-19", "2026-11-20"]
    chosen = []
    for day in days:
        assert main(["today", "--store", store, "--as-of", day, "--json"]) == 0
        first = json.loads(capsys.readouterr().out)
        assert main(["today", "--store", store, "--as-of", day, "--json", "--done"]) == 0
        done = json.loads(capsys.readouterr().out)
        assert first["checkin"]["person_id"] == done["checkin"]["person_id"]  # same all day
        assert done["checkin"]["done"]
        chosen.append(done["checkin"]["person_id"])
    assert chosen[0] != chosen[1] != chosen[2]  # never the same two days running
    assert done["streak"] == 3
    assert [w["done"] for w in done["week"]][-3:] == [True, True, True]
    from analysis.store import Store

    with Store(store) as s:
        notes = s.logged_interactions()["note"]
        assert (notes == "daily check-in").sum() == 3
