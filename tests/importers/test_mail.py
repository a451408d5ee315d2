"""E-mail headers: Gmail Takeout, Thunderbird and Apple Mail mboxes, .eml files and zips of them;
thread-day collapse, replies, left-out list mail, skipped broken messages, constant memory."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.dates import OUT_OF_RANGE_REASON
from analysis.errors import CloseknitError
from analysis.importers import IMPORTERS, detect, import_file, mail
from analysis.importers.base import ImportOptions, SourceFile
from analysis.importers.mail import MAX_RECIPIENTS, parse, parse_stream, sniff, sniff_zip

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MAIL = FIXTURES / "mail"
BERLIN = ImportOptions(timezone="Europe/Berlin")
MARA_GMAIL = ImportOptions(timezone="Europe/Berlin", me=("Mara.Jensen@gmail.com",))


def _source(name: str) -> SourceFile:
    return SourceFile.from_path(str(MAIL / name))


def _rows(res, who: str) -> pd.DataFrame:
    df = res.interactions
    return df[df["who"] == who].reset_index(drop=True)


# --- detection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("gmail_takeout.mbox", "Gmail mbox (Google Takeout)"),
        ("thunderbird_Inbox", "Thunderbird mbox"),
        ("apple_mail_mbox", "E-mail mbox"),
        ("Interviewleitfaden ueberarbeitet.eml", "E-mail message (.eml)"),
    ],
)
def test_mail_files_are_detected_by_content_with_their_kind(name, label):
    det = detect(_source(name))
    assert (det.format, det.label) == ("mail", label)


def test_mail_sniffer_claims_no_other_fixture():
    others = [
        p
        for p in FIXTURES.rglob("*")
        if p.is_file() and p.parent.name not in ("mail",) and p.suffix not in (".zip", ".db")
    ]
    assert len(others) > 20
    for p in others:
        head = p.read_bytes()[:65536].decode("utf-8", errors="replace")
        assert sniff(p.name, head) is None, p


def test_text_that_merely_starts_with_from_is_not_an_mbox():
    assert sniff("notes.txt", "From Monday on I will walk to work.\nSecond line\n") is None
    assert sniff("x.txt", "From: someone\nno date here\n") is None


def test_other_importers_do_not_claim_mail_files():
    for name in ("gmail_takeout.mbox", "thunderbird_Inbox", "apple_mail_mbox"):
        head = (MAIL / name).read_text(encoding="utf-8")[:65536]
        for key, mod in IMPORTERS.items():
            if key != "mail":
                assert mod.sniff(name, head) is None, (key, name)


# --- Gmail Takeout --------------------------------------------------------------------------


def test_gmail_every_message_is_imported_left_out_or_skipped_with_where_and_why():
    res = parse(_source("gmail_takeout.mbox"), BERLIN)
    rep = res.report
    assert rep.read == rep.imported + len(rep.skipped)
    assert (rep.read, rep.imported) == (7, 5)
    assert [(s.where, s.reason.split(" ")[0]) for s in rep.skipped] == [
        ("message 8 (byte 5,796)", "no"),
        ("message 9 (byte 6,059)", "undecodable"),
    ]
    assert "März" in rep.skipped[1].reason  # the raw 8-bit header is shown decoded
    assert rep.notes == [
        "3 list or automated messages left out",
        f"1 message to more than {MAX_RECIPIENTS} people (a broadcast) left out",
        "1 draft (never sent) left out",
        "1 message in Spam left out",
        "1 Gmail chat transcript (read chats from a Google Chat export) left out",
    ]
    assert any("Delivered-To: mara.jensen@gmail.com" in w for w in rep.warnings)


def test_a_thread_day_with_one_person_is_one_email_interaction_started_by_the_first_writer():
    ana = _rows(parse(_source("gmail_takeout.mbox"), MARA_GMAIL), "ana.lima@posteo.de")
    assert len(ana) == 2  # 3 e-mails on 2 days; the Chat transcript is not one of them
    first = ana.iloc[0]
    assert first["timestamp"] == pd.Timestamp("2024-03-04 08:15:12", tz="UTC")
    assert (first["direction"], first["note"]) == ("incoming", "2 e-mails, answered")
    assert (ana["channel"] == "email").all() and (ana["mode"] == "online").all()


def test_a_reply_on_a_later_day_is_its_own_row_on_the_same_thread():
    ana = _rows(parse(_source("gmail_takeout.mbox"), MARA_GMAIL), "ana.lima@posteo.de")
    second = ana.iloc[1]
    assert (second["direction"], second["note"]) == ("incoming", "1 e-mail, a reply")
    thread = {e.rsplit("-", 1)[0] for e in ana["event_id"]}
    assert len(thread) == 1 and ana["event_id"].nunique() == 2
    assert list(ana["event_id"].str.rsplit("-", n=1).str[1]) == ["20240304", "20240305"]


def test_outgoing_mail_gives_a_row_per_recipient_sharing_the_thread_day():
    res = parse(_source("gmail_takeout.mbox"), MARA_GMAIL)
    day = res.interactions[res.interactions["timestamp"].dt.day == 5]
    out = day[day["direction"] == "outgoing"]
    assert sorted(out["who"]) == [
        "francoise.dupre@orange.fr",
        "joerg.mueller@web.de",
        "lena.vogel@hafencity-ux.de",
    ]
    assert out["event_id"].nunique() == 1
    joerg = _rows(res, "joerg.mueller@web.de")
    assert list(joerg["direction"]) == ["outgoing", "incoming"]
    assert joerg["note"].iloc[1] == "1 e-mail, a reply"


def test_contacts_carry_rfc2047_decoded_names_and_lowercased_addresses():
    res = parse(_source("gmail_takeout.mbox"), MARA_GMAIL)
    names = dict(zip(res.contacts["emails"].str[0], res.contacts["full_name"], strict=True))
    assert names == {
        "ana.lima@posteo.de": "Ana Lima",
        "joerg.mueller@web.de": "Jörg Müller",
        "francoise.dupre@orange.fr": "Françoise Dupré",
        "lena.vogel@hafencity-ux.de": "Lena Vogel",
    }
    assert "mara.jensen@gmail.com" not in names  # the user is not a contact
    assert "info@kletterhalle-nord.de" not in names  # nor a newsletter


def test_given_addresses_are_the_user_without_a_warning():
    rep = parse(_source("gmail_takeout.mbox"), MARA_GMAIL).report
    assert not [w for w in rep.warnings if "your address" in w]


def test_event_ids_and_contact_ids_do_not_depend_on_the_file():
    data = (MAIL / "gmail_takeout.mbox").read_bytes()
    cut = data.index(b"From 1792620000000000004@xxx")  # an older export: the first 6 messages
    full = parse(SourceFile("All mail.mbox", data), MARA_GMAIL)
    older = parse(SourceFile("takeout-2024.mbox", data[:cut]), MARA_GMAIL)
    key = ["who", "timestamp", "event_id"]
    merged = older.interactions[key].merge(full.interactions[key], how="left", indicator=True)
    assert (merged["_merge"] == "both").all() and len(merged) == 5
    assert set(older.contacts["contact_id"]) <= set(full.contacts["contact_id"])


def test_the_day_is_the_users_local_calendar_day():
    msg = (
        b"From x@y Sun Mar 03 23:30:00 2024\nFrom: Ana <ana@posteo.de>\nTo: me@example.org\n"
        b"Date: Sun, 03 Mar 2024 23:30:00 +0000\nMessage-ID: <late@posteo.de>\n\nhi\n"
    )
    opts = ImportOptions(timezone="Europe/Berlin", me=("me@example.org",))
    res = parse(SourceFile("late.mbox", msg), opts)
    assert res.interactions["event_id"].iloc[0].endswith("-20240304")
    res = parse(SourceFile("late.mbox", msg), ImportOptions(me=("me@example.org",)))
    assert res.interactions["event_id"].iloc[0].endswith("-20240303")


# --- Thunderbird, CRLF, chunk boundaries ----------------------------------------------------


def test_thunderbird_from_lines_in_bodies_do_not_split_messages():
    res = parse(_source("thunderbird_Inbox"), BERLIN)
    rep = res.report
    assert (rep.read, rep.imported, rep.skipped) == (2, 2, [])
    assert rep.notes == ["2 list or automated messages left out", "1 draft (never sent) left out"]
    oma = _rows(res, "oma.ingrid@t-online.de")
    assert list(oma["direction"]) == ["incoming", "outgoing"]
    assert list(oma["note"]) == ["1 e-mail", "1 e-mail, a reply"]
    assert res.contacts["full_name"].tolist() == ["Ingrid Jensen"]


def test_a_crlf_mbox_reads_the_same_as_lf():
    lf = parse(_source("thunderbird_Inbox"), BERLIN)
    data = (MAIL / "thunderbird_Inbox").read_bytes().replace(b"\n", b"\r\n")
    crlf = parse(SourceFile("Inbox", data), BERLIN)
    pd.testing.assert_frame_equal(
        lf.interactions.drop(columns="source"), crlf.interactions.drop(columns="source")
    )
    assert crlf.report.notes == lf.report.notes


@pytest.mark.parametrize("name", ["gmail_takeout.mbox", "thunderbird_Inbox", "apple_mail_mbox"])
def test_tiny_read_chunks_give_the_same_result(monkeypatch, name):
    whole = parse(_source(name), BERLIN)
    monkeypatch.setattr(mail, "CHUNK_BYTES", 7)
    chunked = parse(_source(name), BERLIN)
    pd.testing.assert_frame_equal(whole.interactions, chunked.interactions)
    assert whole.report.to_dict() == chunked.report.to_dict()


# --- Apple Mail and .eml --------------------------------------------------------------------


def test_apple_mail_duplicate_copies_are_left_out_and_the_day_collapses():
    res = parse(_source("apple_mail_mbox"), BERLIN)
    rep = res.report
    assert (rep.read, rep.imported) == (3, 3)
    assert rep.notes == ["1 duplicate copy of a message (same Message-ID) left out"]
    jonas = _rows(res, "jonas.berg@gmx.de")
    assert list(jonas["note"]) == ["3 e-mails, answered"]
    assert jonas["direction"].iloc[0] == "incoming"


def test_single_eml_with_the_user_given():
    opts = ImportOptions(me=("mara.jensen@hafencity-ux.de",))
    res = import_file(_source("Interviewleitfaden ueberarbeitet.eml"), opts)
    df = res.interactions
    assert list(df["who"]) == ["francois.leger@hafencity-ux.de"]
    assert list(df["direction"]) == ["incoming"]
    assert res.contacts["full_name"].tolist() == ["François Léger"]
    assert df["timestamp"].iloc[0] == pd.Timestamp("2024-02-21 16:40", tz="UTC")


def test_single_eml_without_the_user_takes_the_recipient_and_warns():
    res = import_file(_source("Interviewleitfaden ueberarbeitet.eml"))
    assert list(res.interactions["direction"]) == ["incoming"]
    assert any("mara.jensen@hafencity-ux.de" in w for w in res.report.warnings)


def test_zip_of_eml_files_is_detected_and_read():
    buf = io.BytesIO()
    eml = (MAIL / "Interviewleitfaden ueberarbeitet.eml").read_bytes()
    reply = (
        b"From: Mara Jensen <mara.jensen@hafencity-ux.de>\r\nTo: =?iso-8859-1?Q?Fran=E7ois_L="
        b"E9ger?= <francois.leger@hafencity-ux.de>\r\nDate: Thu, 22 Feb 2024 09:00:00 +0100\r\n"
        b"Message-ID: <reply-1@hafencity-ux.de>\r\nIn-Reply-To: <DB9PR02MB72114C1E2A3B4D5E6F7A8"
        b"B9CD8E9A@DB9PR02MB7211.eurprd02.prod.outlook.com>\r\n\r\nDanke!\r\n"
    )
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Mail/Leitfaden.eml", eml)
        zf.writestr("Mail/Re Leitfaden.eml", reply)
        zf.writestr("Mail/readme.txt", "not mail")
    src = SourceFile("mails.zip", buf.getvalue())
    det = sniff_zip(src)
    assert det is not None and det.format == "mail"
    res = import_file(src, ImportOptions(me=("mara.jensen@hafencity-ux.de",)))
    assert list(res.interactions["direction"]) == ["incoming", "outgoing"]
    assert res.interactions["note"].iloc[1] == "1 e-mail, a reply"
    assert any("1 other file" in n for n in res.report.notes)


def test_a_zip_without_mail_is_not_claimed():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("WhatsApp Chat with Sam.txt", "12/03/2019, 18:04 - Sam: hi\n")
    assert sniff_zip(SourceFile("chat.zip", buf.getvalue())) is None


# --- damaged files --------------------------------------------------------------------------


def test_a_cut_off_mbox_keeps_the_messages_before_the_cut():
    data = (MAIL / "gmail_takeout.mbox").read_bytes()
    cut = data.index(b"Subject: Re: Fotos vom Ausflug")
    res = parse(SourceFile("cut.mbox", data[:cut]), MARA_GMAIL)
    rep = res.report
    assert rep.read == rep.imported + len(rep.skipped)
    at = data.index(b"From 1792690000000000011@xxx")
    assert rep.skipped[-1].where == f"message 14 (byte {at:,})"
    assert "cut-off" in rep.skipped[-1].reason
    assert any("ends early" in w for w in rep.warnings)
    assert rep.imported == 4  # all but Jörg's reply, which was cut


def test_dates_outside_the_kept_range_are_skipped_with_that_reason():
    msgs = b"".join(
        b"From a@b Mon Jan 01 00:00:00 2024\nFrom: Ana <ana@posteo.de>\nTo: me@example.org\n"
        b"Date: " + d + b"\nMessage-ID: <" + str(i).encode() + b"@x>\n\nbody\n\n"
        for i, d in enumerate([b"Fri, 01 Jan 1600 10:00:00 +0000", b"Mon, 1 Jan 2024 10:00 +0000"])
    )
    rep = parse(SourceFile("old.mbox", msgs), ImportOptions(me=("me@example.org",))).report
    assert rep.imported == 1
    assert [s.reason.split(":")[0] for s in rep.skipped] == [OUT_OF_RANGE_REASON]


def test_not_mail_at_all_is_unusable():
    with pytest.raises(CloseknitError):
        parse(SourceFile("x.mbox", b"hello world\n"), BERLIN)


def test_huge_bodies_are_streamed_in_constant_memory(tmp_path):
    path = tmp_path / "big.mbox"
    line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3\n"
    with path.open("wb") as f:
        for i in range(40):
            f.write(
                b"From 1@xxx Mon Mar 04 08:15:12 +0000 2024\nFrom: Ana <ana@posteo.de>\n"
                b"To: me@example.org\nDate: Mon, 4 Mar 2024 09:15:12 +0100\n"
                b"Message-ID: <big-%d@posteo.de>\nContent-Type: application/pdf\n\n" % i
            )
            f.write(line * (1_300_000 // len(line)))  # ~1.3 MB of base64 per message
            f.write(b"\n")
    assert path.stat().st_size > 50_000_000
    tracemalloc.start()
    with path.open("rb") as fh:
        res = parse_stream(fh, "big.mbox", ImportOptions(me=("me@example.org",)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert res.report.imported == 40
    assert peak < 8_000_000  # a few read chunks, never a body's worth per message


# --- property test --------------------------------------------------------------------------

_NAMES = st.sampled_from(["Ana Lima", "=?utf-8?q?J=C3=B6rg?=", '"Doe, Jane"', "", "=?bogus?x?"])
_ADDRS = st.sampled_from(
    ["ana@posteo.de", "me@example.org", "noreply@x.com", "bob@gmx.de", "broken", "@", ""]
)
_DATES = st.sampled_from(
    [
        "Mon, 4 Mar 2024 09:15:12 +0100",
        "4 Mar 2024 09:15 GMT",
        "garbage",
        "",
        "Fri, 01 Jan 1600 10:00:00 +0000",
        "Mon, 4 Mar 99999 09:15:12 +0100",
    ]
)
_EXTRA = st.sampled_from(
    ["", "List-Id: <x.y>\n", "Auto-Submitted: auto-replied\n", "X-Gmail-Labels: Spam\n"]
)
_JUNK = st.binary(max_size=80).filter(lambda b: b"\n" not in b)


@st.composite
def _mbox(draw) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            hdr = (
                f"From: {draw(_NAMES)} <{draw(_ADDRS)}>\nTo: {draw(_ADDRS)}, {draw(_ADDRS)}\n"
                f"Date: {draw(_DATES)}\nMessage-ID: <{draw(st.integers(0, 3))}@x>\n"
                f"In-Reply-To: <{draw(st.integers(0, 3))}@x>\n{draw(_EXTRA)}"
            ).encode()
        else:
            hdr = draw(_JUNK) + b"\n"
        body = draw(st.sampled_from([b"", b"text\nFrom here on\n>From x\n", draw(_JUNK)]))
        parts.append(b"From a@b Mon Jan 01 00:00:00 2024\n" + hdr + b"\n" + body + b"\n")
    data = b"".join(parts)
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, max(len(data), 1)))]
    return data


@settings(max_examples=60, deadline=None, derandomize=True)
@given(_mbox(), st.booleans())
def test_parse_never_fails_unexpectedly_and_accounts_for_every_message(data, crlf):
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    try:
        res = parse(SourceFile("prop.mbox", data), ImportOptions(me=("me@example.org",)))
    except CloseknitError:
        return
    rep = res.report
    assert rep.read == rep.imported + len(rep.skipped)
    assert (rep.imported > 0) == (len(res.interactions) > 0)
    assert res.interactions["who"].map(lambda w: "@" in w).all()


def test_a_name_in_me_finds_the_users_address():
    res = parse(_source("thunderbird_Inbox"), ImportOptions(me=("Mara Jensen",)))
    assert any("mara@mailbox.org" in w and "name" in w for w in res.report.warnings)
    assert list(res.interactions["direction"]) == ["incoming", "outgoing"]
