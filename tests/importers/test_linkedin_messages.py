"""LinkedIn messages.csv: detection beside Connections.csv and interaction logs, conversation-day
collapse, direction, left-out drafts/spam/sponsored rows and skipped broken rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import CloseknitError
from analysis.importers import IMPORTERS, detect, import_file
from analysis.importers.base import ImportOptions, SourceFile
from analysis.importers.linkedin_messages import parse, sniff

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LINKEDIN = FIXTURES / "linkedin"
MARA = ImportOptions(me=("Mara Jensen",), timezone="Europe/Berlin")
HEADER = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
    "DATE,SUBJECT,CONTENT,FOLDER"
)


def _source(name: str) -> SourceFile:
    return SourceFile.from_path(str(LINKEDIN / name))


def test_messages_and_connections_from_one_export_are_told_apart():
    assert detect(_source("messages.csv")).format == "linkedin_messages"
    assert detect(_source("messages_2026.csv")).format == "linkedin_messages"
    det = detect(_source("Connections.csv"))
    assert (det.format, det.label) == ("contacts_csv", "LinkedIn Connections CSV")


def test_interaction_logs_and_contact_csvs_are_not_claimed():
    for p in sorted((FIXTURES / "csv").glob("*.*")):
        head = p.read_bytes()[:65536].decode("utf-8", errors="replace")
        assert sniff(p.name, head) is None, p.name
    canonical = "timestamp,contact,channel,direction,duration_min,event_id,note\n"
    assert sniff("log.csv", canonical + "2024-01-01 10:00,Ana,message,outgoing,,,\n") is None


def test_the_2021_layout_without_recipient_urls_is_read():
    text = (
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,"
        "FOLDER\n2-abc,,Ana Lima,https://www.linkedin.com/in/ana,Mara Jensen,"
        "2021-03-01 10:00:00 UTC,,hi,INBOX\n"
    )
    src = SourceFile("messages.csv", text.encode())
    assert detect(src).format == "linkedin_messages"
    res = parse(src, MARA)
    assert list(res.interactions["who"]) == ["Ana Lima"]


def test_only_the_linkedin_importer_claims_messages_csv_with_top_confidence():
    head = (LINKEDIN / "messages.csv").read_text(encoding="utf-8")
    ours = sniff("messages.csv", head)
    for key, mod in IMPORTERS.items():
        if key != "linkedin_messages":
            det = mod.sniff("messages.csv", head)
            assert det is None or det.confidence < ours.confidence, key


def test_every_row_is_imported_left_out_or_skipped():
    rep = parse(_source("messages.csv"), MARA).report
    assert rep.read == rep.imported + len(rep.skipped)
    assert (rep.read, rep.imported) == (10, 8)
    assert sorted((s.where, s.reason.split(" (")[0]) for s in rep.skipped) == [
        ("line 15", "the sender is hidden by LinkedIn"),
        ("line 16", "no usable date"),
    ]
    assert rep.notes == ["1 message in the SPAM folder left out", "1 sponsored message left out"]
    assert not rep.warnings


def test_a_conversation_day_with_one_person_is_one_interaction():
    df = parse(_source("messages.csv"), MARA).interactions
    tobias = df[df["who"] == "Tobias Krüger"].reset_index(drop=True)
    assert list(tobias["direction"]) == ["incoming", "outgoing"]
    assert list(tobias["note"]) == ["1 message", "3 messages, answered"]
    assert tobias["timestamp"].iloc[1] == pd.Timestamp("2024-05-16 08:02:11", tz="UTC")
    assert tobias["event_id"].str.rsplit("-", n=1).str[0].nunique() == 1
    assert (df["channel"] == "message").all()


def test_group_conversation_names_with_suffixes_share_the_days_event():
    df = parse(_source("messages.csv"), MARA).interactions
    group = df[df["timestamp"].dt.date == pd.Timestamp("2024-01-10").date()]
    assert sorted(group["who"]) == ["Jane Doe, Ph.D.", "Paul Hansen"]
    assert group["event_id"].nunique() == 1
    paul = group[group["who"] == "Paul Hansen"].iloc[0]
    assert (paul["direction"], paul["note"]) == ("outgoing", "2 messages, answered")


def test_content_is_never_kept():
    res = parse(_source("messages.csv"), MARA)
    text = res.interactions.astype(str).to_csv()
    for phrase in ("Folien", "diary study", "Invest", "hiring", "slides"):
        assert phrase not in text


def test_without_me_the_user_is_inferred_and_the_report_says_so():
    res = parse(_source("messages.csv"), ImportOptions(timezone="Europe/Berlin"))
    assert any("'Mara Jensen'" in w for w in res.report.warnings)
    assert "Mara Jensen" not in set(res.interactions["who"])
    mine = parse(_source("messages.csv"), MARA).interactions
    pd.testing.assert_frame_equal(res.interactions, mine)


def test_profile_url_identifies_the_user():
    opts = ImportOptions(me=("https://www.linkedin.com/in/mara-jensen-ux/",))
    df = parse(_source("messages.csv"), opts).interactions
    assert "Mara Jensen" not in set(df["who"])
    assert len(df) == 6


def test_2026_fully_quoted_export_with_drafts_and_multiline_content():
    res = import_file(_source("messages_2026.csv"), MARA)
    df = res.interactions
    assert list(df["who"]) == ["Zoë Brandt", "Zoë Brandt"]
    assert list(df["direction"]) == ["incoming", "outgoing"]
    assert res.report.notes == ["1 draft (never sent) left out"]


def test_event_ids_do_not_depend_on_the_file():
    data = (LINKEDIN / "messages.csv").read_bytes()
    a = parse(SourceFile("messages.csv", data), MARA).interactions
    b = parse(SourceFile("Basic_LinkedInDataExport/messages (1).csv", data), MARA).interactions
    assert list(a["event_id"]) == list(b["event_id"])


def test_mojibake_names_are_repaired():
    text = (
        HEADER
        + "\n2-x,,JosÃ© GarcÃ­a,https://www.linkedin.com/in/jg,Mara Jensen,,2024-01-01 10:00:00 UTC,,hi,INBOX\n"
    )
    df = parse(SourceFile("messages.csv", text.encode()), MARA).interactions
    assert list(df["who"]) == ["José García"]


def test_rows_with_too_many_fields_are_skipped_and_the_rest_kept():
    text = (
        HEADER + "\n2-x,,Ana Lima,https://www.linkedin.com/in/ana,Mara Jensen,,"
        "2024-01-01 10:00:00 UTC,,hi,INBOX,extra,cells\n"
        "2-x,,Ana Lima,https://www.linkedin.com/in/ana,Mara Jensen,,"
        "2024-01-02 10:00:00 UTC,,hi,INBOX\n"
    )
    rep = parse(SourceFile("messages.csv", text.encode()), MARA).report
    assert rep.imported == 1
    assert rep.skipped[0].where == "line 2" and "12 fields" in rep.skipped[0].reason


def test_a_file_without_the_columns_is_unusable():
    with pytest.raises(CloseknitError):
        parse(SourceFile("messages.csv", b"a,b,c\n1,2,3\n"), MARA)


_CELL = st.sampled_from(
    ["", "Ana Lima", "Mara Jensen", "LinkedIn Member", '"Doe, Jane"', "x\ny", '"broken', "2-a"]
)
_DATE = st.sampled_from(
    ["2024-01-01 10:00:00 UTC", "1500-01-01 00:00:00 UTC", "yesterday", "", "2024-13-45"]
)


@st.composite
def _csv(draw) -> bytes:
    lines = [HEADER]
    for _ in range(draw(st.integers(0, 8))):
        cells = [draw(_CELL) for _ in range(6)] + [draw(_DATE)] + [draw(_CELL) for _ in range(3)]
        cells = cells[: draw(st.integers(5, 12))]
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode()


@settings(max_examples=60, deadline=None, derandomize=True)
@given(_csv())
def test_parse_never_fails_unexpectedly_and_accounts_for_every_row(data):
    try:
        res = parse(SourceFile("messages.csv", data), MARA)
    except CloseknitError:
        return
    rep = res.report
    assert rep.read == rep.imported + len(rep.skipped)
    assert (rep.imported > 0) == (len(res.interactions) > 0)
