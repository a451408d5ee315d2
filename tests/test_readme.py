"""The README matches the program: its command reference is the real ``--help`` of every
command, the JSON keys it documents are the keys ``closeknit`` prints, and its two set-up
commands are the ones CI runs."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from analysis.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
sys.path.insert(0, str(ROOT / "scripts"))

import readme_cli  # noqa: E402

SAMPLES = ROOT / "data" / "samples"
SAMPLE_ARGS = [
    str(SAMPLES / n)
    for n in ("phone_contacts.vcf", "google_contacts.csv", "interactions.csv",
              "whatsapp_family.txt", "calendar.ics")
] + ["--region", "DE", "--tz", "Europe/Berlin", "--me", "Mara Jensen"]  # fmt: skip


def _section(title: str) -> str:
    m = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#+ |\Z)", README, re.S | re.M)
    assert m, f"README has no section {title!r}"
    return m.group(1)


@pytest.mark.parametrize("command", readme_cli.commands())
def test_the_readme_shows_the_real_help_of_every_command(command):
    marker = f"<!-- help: closeknit {command} -->\n```text\n"
    assert marker in README, f"README lacks the help of 'closeknit {command}'"
    start = README.index(marker) + len(marker)
    shown = README[start : README.index("```", start)]
    assert shown == readme_cli.help_text(command), (
        f"README's 'closeknit {command} --help' is out of date: run python scripts/readme_cli.py"
    )


def test_the_two_set_up_commands_are_in_the_readme_and_in_ci():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e . && .venv/bin/streamlit run app.py" in README
    assert 'pip install -e ".[test]" && .venv/bin/python -m pytest -n 2' in README
    assert "-m pytest -n 2" in ci


def _documented_keys(table_title: str) -> dict[str, set[str]]:
    """Rows of a ``| key | what |`` table: key -> the backticked names in its description."""
    rows = {}
    for line in _section(table_title).splitlines():
        m = re.match(r"\|\s*`([a-z_]+)`\s*\|(.*)\|\s*$", line)
        if m:
            rows[m.group(1)] = set(re.findall(r"`([a-z_]+)`", m.group(2)))
    return rows


def test_the_json_keys_the_readme_documents_are_the_keys_analyze_prints(capsys):
    assert main(["analyze", *SAMPLE_ARGS, "--as-of", "2026-11-20", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    documented = _documented_keys("analyze --format json")
    assert set(documented) == set(out)
    person = out["people"][0]
    assert set(person) <= documented["people"], set(person) - documented["people"]
    suggestion = out["suggestions"][0]
    assert set(suggestion) <= documented["suggestions"], set(suggestion) - documented["suggestions"]
    assert set(out["balance"]) <= documented["balance"]
    assert set(out["outside"]) <= documented["outside"]


def test_the_json_keys_the_readme_documents_are_the_keys_import_prints(capsys):
    assert main(["import", *SAMPLE_ARGS, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    documented = _documented_keys("import --json")
    assert set(documented) == set(out)
    assert set(out["files"][0]) <= documented["files"]
