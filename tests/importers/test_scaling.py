"""Import time grows about linearly with the input, for vCard, iCalendar, contact CSV and
interaction CSV files (and their recovery paths: a broken event, broken quotes, ragged rows).

Each input is built at 1x, 10x and 100x; each size is timed (CPU time) as the best of two runs (the
machine is shared, so single runs are noisy). Linear growth with a fixed start-up cost gives
ratios well under the sizes; the bounds are generous (100x the input in under 300x the time,
10x more in under 30x) so that only super-linear growth (a quadratic loop gives ~100x for the
last step alone) fails them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from analysis.importers import contacts_csv, ics, interactions_csv, vcard
from analysis.importers.base import ImportOptions, SourceFile

OPTIONS = ImportOptions(region="DE", timezone="Europe/Berlin", me=("me@example.org",))
SIZES = (1, 10, 100)


def _best_time(parse: Callable, source: SourceFile, runs: int = 2) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        result = parse(source, OPTIONS)
        best = min(best, time.process_time() - start)
        rep = result.report
        assert rep.read == rep.imported + len(rep.skipped)
    return best


def _assert_linear(parse: Callable, make: Callable[[int], bytes], name: str) -> None:
    times = [_best_time(parse, SourceFile(name, make(n))) for n in SIZES]
    t1, t10, t100 = times
    assert t100 < 300 * t1, f"{name}: 1x {t1:.4f}s, 100x {t100:.4f}s"
    assert t100 < 30 * t10, f"{name}: 10x {t10:.4f}s, 100x {t100:.4f}s"


# --- vCard ------------------------------------------------------------------------------------


def _cards(n: int) -> bytes:
    cards = (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nN:{i};Person;;;\r\n"
        f"TEL;TYPE=CELL:+49 151 {1000000 + i}\r\nEMAIL:p{i}@example.org\r\n"
        f"ORG:Firma {i % 7}\r\nNOTE:met at the climbing club\r\nEND:VCARD\r\n"
        for i in range(12 * n)
    )
    return "".join(cards).encode()


def _phones(n: int) -> bytes:
    tels = "".join(f"TEL:+4930{i:07d}\r\n" for i in range(9 * n))
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\n{tels}END:VCARD\r\n".encode()


def test_vcard_import_time_grows_linearly_with_cards():
    _assert_linear(vcard.parse, _cards, "cards.vcf")


def test_vcard_import_time_grows_linearly_with_one_cards_phone_numbers():
    _assert_linear(vcard.parse, _phones, "phones.vcf")


# --- iCalendar --------------------------------------------------------------------------------


def _events(n: int, broken: bool = False) -> bytes:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:e{i}@example.org\r\nDTSTART:2024{1 + i % 12:02d}{1 + i % 28:02d}"
        f"T{i % 24:02d}0000Z\r\nDURATION:PT1H\r\nSUMMARY:Lunch {i}\r\n"
        f"ORGANIZER:mailto:me@example.org\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:p{i % 40}"
        "@example.org\r\nEND:VEVENT\r\n"
        for i in range(5 * n)
    )
    bad = "BEGIN:VEVENT\r\nUID:bad\r\nDTSTART:garbage\r\nBEGIN:VALARM\r\n" if broken else ""
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{bad}{events}END:VCALENDAR\r\n".encode()


def test_ics_import_time_grows_linearly_with_events():
    _assert_linear(ics.parse, _events, "calendar.ics")


def test_ics_recovery_after_a_broken_event_grows_linearly():
    _assert_linear(ics.parse, lambda n: _events(n, broken=True), "broken.ics")


# --- CSVs -------------------------------------------------------------------------------------


def _contacts(n: int, broken: bool = False) -> bytes:
    rows = []
    for i in range(20 * n):
        first = f'"Person {i}' if broken and i % 10 == 3 else f"Person {i}"
        rows.append(f"{first},Lima,p{i}@example.org,+49 151 {1000000 + i},Firma {i % 9}")
    header = "First Name,Last Name,E-mail Address,Mobile Phone,Company\n"
    return (header + "\n".join(rows) + "\n").encode()


def _log(n: int, ragged: bool = False) -> bytes:
    rows = []
    for i in range(500 * n):
        extra = ",extra" if ragged and i % 50 == 7 else ""
        rows.append(
            f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} 10:{i % 60:02d},Person {i % 300},call,"
            f"outgoing,{i % 45}{extra}"
        )
    return ("timestamp,contact,channel,direction,duration_min\n" + "\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("broken", [False, True], ids=["clean", "broken-quotes"])
def test_contact_csv_import_time_grows_linearly(broken):
    _assert_linear(contacts_csv.parse, lambda n: _contacts(n, broken), "contacts.csv")


@pytest.mark.parametrize("ragged", [False, True], ids=["fast-path", "ragged-rows"])
def test_interaction_csv_import_time_grows_linearly(ragged):
    _assert_linear(interactions_csv.parse, lambda n: _log(n, ragged), "log.csv")
