"""Scaling: the SMS Backup & Restore, Google Voice / Google Chat and Telegram importers take time
about linear in their input, including the inputs that used to be quadratic (one huge attribute,
deeply nested or never-closed HTML tags, a chat with many senders).

Each case runs at 1x, 10x and 100x (best of 2, CPU time of this process, so other work on a
shared machine does not count) and checks that going from 10x to 100x costs at most
:data:`FACTOR` times more: linear growth gives about 10, quadratic about 100.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from analysis.importers import gvoice, sms_xml, telegram
from analysis.importers.base import ImportOptions, SourceFile

FACTOR = 30.0
"""Allowed cost of 10x more input (linear is 10; generous so that the test is never flaky)."""

FLOOR_S = 0.01
"""Times below this count as this (timer resolution and fixed costs at the small sizes)."""


def _cpu(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(2):
        t = time.process_time()
        run()
        best = min(best, time.process_time() - t)
    return max(best, FLOOR_S)


def _assert_linear(make: Callable[[int], SourceFile], parse, base: int) -> None:
    opts = ImportOptions(me=("Ada Quinn",))
    times = {}
    for k in (1, 10, 100):
        src = make(base * k)
        times[k] = _cpu(lambda src=src: parse(src, opts))
    assert times[100] <= FACTOR * times[10], times


# --- SMS Backup & Restore -------------------------------------------------------------------


def _sms_backup(n: int) -> SourceFile:
    recs = "".join(
        f'  <sms protocol="0" address="+1555555{i % 10_000:04d}" date="{1577836800000 + i * 60_000}"'
        f' type="{1 + i % 2}" body="message {i} &amp; more" read="1" contact_name="P {i % 50}" />\n'
        for i in range(n)
    )
    return SourceFile("sms.xml", f'<smses count="{n}">\n{recs}</smses>\n'.encode())


def _sms_big_attribute(n: int) -> SourceFile:
    body = "x" * (n * 1000)
    data = (
        f'<smses><sms address="+15555550123" date="1577836800000" type="1" body="{body}" />\n'
        '<sms address="+15555550124" date="1577836800000" type="1" body="hi" /></smses>'
    )
    return SourceFile("sms.xml", data.encode())


def _sms_damaged(n: int) -> SourceFile:
    """Every fifth record damaged (control character, unpaired surrogate, broken tag)."""
    bad = ["\x01", "&#xD800;", '" <<', "&#55357;&#56832;", "\xff"]
    recs = "".join(
        f'  <sms address="+1555555{i % 10_000:04d}" date="{1577836800000 + i}" type="1" '
        f'body="m {bad[i // 5 % 5] if i % 5 == 0 else ""}" />\n'
        for i in range(n)
    )
    return SourceFile("sms.xml", f"<smses>\n{recs}</smses>\n".encode("utf-8", "surrogateescape"))


def _sms_all_broken(n: int) -> SourceFile:
    """One good record, then ``n`` records each with a broken start tag (each one is lost)."""
    good = '<sms address="+15555550123" date="1577836800000" type="1" />\n'
    data = "<smses>\n" + good + '<sms address="1" date="2" <<\n' * n + "</smses>\n"
    return SourceFile("sms.xml", data.encode())


def _sms_swallowed(n: int) -> SourceFile:
    """An unclosed comment that swallows the ``n`` records after it (each counted lost)."""
    rec = '<sms address="+15555550123" date="1577836800000" type="1" />\n'
    return SourceFile("sms.xml", ("<smses>\n" + rec + "<!--\n" + rec * n).encode())


@pytest.mark.parametrize(
    ("make", "base"),
    [
        (_sms_backup, 300),
        (_sms_swallowed, 300),
        (_sms_big_attribute, 100),
        (_sms_damaged, 200),
        (_sms_all_broken, 100),
    ],
    ids=[
        "records",
        "swallowed-by-a-comment",
        "one-huge-attribute",
        "damaged-records",
        "every-record-broken",
    ],
)
def test_sms_xml_time_grows_linearly(make, base):
    _assert_linear(make, sms_xml.parse, base)


# --- Google Voice / Google Chat -------------------------------------------------------------


def _thread(n_messages: int, junk: str = "") -> SourceFile:
    msgs = "".join(
        f'<div class="message"><abbr class="dt" title="2023-09-20T10:{i % 60:02d}:00.000-04:00">'
        f't</abbr>:\n<cite class="sender vcard"><a class="tel" href="tel:+1732321{i % 7:04d}">'
        '<span class="fn">Someone</span></a></cite>: <q>hi</q></div>\n'
        for i in range(n_messages)
    )
    page = (
        '<html><head><title>Group</title></head><body><div class="hChatLog hfeed">\n'
        f"{msgs}{junk}</div></body></html>"
    )
    return SourceFile("Group Conversation - 2023-09-20T14_41_11Z.html", page.encode())


@pytest.mark.parametrize(
    ("make", "base"),
    [
        (_thread, 20),
        (lambda n: _thread(2, '<a class="tel" href="tel:1"><span class="fn">' * n), 50),
        (lambda n: _thread(2, "<a " * n), 200),
        (lambda n: _thread(2, "<!--" * n), 200),
        (lambda n: _thread(2, "<b>" * n + "x</b>" * n), 100),
    ],
    ids=["messages", "nested-links", "unclosed-start-tags", "unclosed-comments", "nested-b"],
)
def test_google_voice_time_grows_linearly(make, base):
    _assert_linear(make, gvoice.parse, base)


def _google_chat(n: int) -> SourceFile:
    msgs = [
        {
            "creator": {"name": f"P{i % (n // 10 + 2)}", "email": f"p{i % (n // 10 + 2)}@ex.org"},
            "created_date": f"Monday, January {1 + i % 28}, 2019 at {1 + i % 12}:25:08 PM UTC",
            "text": "hi",
        }
        for i in range(n)
    ]
    return SourceFile("messages.json", json.dumps({"messages": msgs}).encode())


def test_google_chat_time_grows_linearly():
    _assert_linear(_google_chat, gvoice.parse, 30)


# --- Telegram -------------------------------------------------------------------------------


def _telegram_group(n: int) -> SourceFile:
    """A group of ``n`` messages from ``n / 5`` senders (many senders used to cost n x senders)."""
    senders = max(2, n // 5)
    msgs = [
        {
            "id": i,
            "type": "message",
            "date_unixtime": str(1710000000 + i * 400),
            "from": f"Member {i % senders}",
            "from_id": f"user{i % senders}",
            "text": [{"type": "plain", "text": "hi"}],
        }
        for i in range(n)
    ]
    doc = {"name": "Club", "type": "private_group", "id": 9, "messages": msgs}
    return SourceFile("result.json", json.dumps(doc).encode())


def test_telegram_time_grows_linearly():
    _assert_linear(_telegram_group, telegram.parse, 50)
