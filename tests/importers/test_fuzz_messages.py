"""Property tests: the SMS Backup & Restore, Google Voice / Google Chat and Telegram importers are
total. Whatever the bytes, ``sniff`` returns, ``parse`` gives a report or raises a
``CloseknitError``, ``import_file`` never raises, and ``read == imported + len(skipped)``.

Inputs are built per format (valid-looking records with random attributes, Takeout pages with
random nesting and dates, Telegram JSON of random shapes) and then damaged (cut, bytes spliced
in), plus plain random bytes. Inputs that once crashed an importer are kept in
``tests/fixtures/<kind>/regressions/`` and replayed by
:func:`test_regression_inputs_give_a_report`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.dates import OUT_OF_RANGE_REASON, TIMESTAMP_MAX, TIMESTAMP_MIN
from analysis.errors import CloseknitError
from analysis.importers import gvoice, import_file, sms_xml, telegram
from analysis.importers.base import ImportOptions, SourceFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REGRESSIONS = sorted(
    p for kind in ("sms", "gvoice", "telegram") for p in (FIXTURES / kind / "regressions").glob("*")
)

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
OPTIONS = ImportOptions(me=("+1 555 555 0100", "Ada Quinn"), timezone="Asia/Tokyo")
"""parse() runs with the user named and a far time zone; import_file() with the defaults."""


def _check_report(result) -> None:
    """The report adds up, and no timestamp lies outside the range closeknit keeps."""
    rep = result.report
    assert rep is not None
    assert rep.read == rep.imported + len(rep.skipped)
    assert rep.imported >= 0 and all(s.where and s.reason for s in rep.skipped)
    ts = result.interactions["timestamp"]
    assert ts.isna().sum() == 0
    if len(ts):
        assert ts.min() >= TIMESTAMP_MIN and ts.max() <= TIMESTAMP_MAX


def _total(module, name: str, data: bytes) -> None:
    """sniff and parse of ``module`` and import_file on ``data`` never raise anything else."""
    src = SourceFile(name, data)
    head = data[:65_536].decode("utf-8", errors="replace")
    module.sniff(name, head)
    try:
        result = module.parse(src, OPTIONS)
    except CloseknitError:
        pass
    else:
        _check_report(result)
    result = import_file(src)
    _check_report(result)


# --- damage applied to any well-formed input ------------------------------------------------


@st.composite
def damaged(draw, base: st.SearchStrategy[bytes]) -> bytes:
    """``base`` as it is, cut short, or with random bytes spliced in (one or more times)."""
    data = draw(base)
    how = draw(st.sampled_from(["none", "none", "cut", "splice", "splice"]))
    if how == "cut" and data:
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "splice":
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(data)))
            junk = draw(
                st.one_of(
                    st.binary(max_size=12),
                    st.sampled_from(
                        [
                            b"\x01",
                            b"&#xD800;",
                            b"&#55357;",
                            b"<",
                            b"\xff\xfe",
                            b'"',
                            b"<sms ",
                            b"]]>",
                            b"&undefined;",
                            b"</smses>",
                            b"<!--",
                            b"\x00",
                        ]
                    ),
                )
            )
            data = data[:at] + junk + data[at:]
    return data


# --- SMS Backup & Restore -------------------------------------------------------------------

_NUMBERS = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(
        [
            "inf",
            "-inf",
            "nan",
            "1e400",
            "0",
            "-1",
            "",
            "null",
            "1577836800000",
            "253402300799000",
            "-62135596800000",
            "1.5e12",
            "9" * 400,
        ]
    ),
)
_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


def _xml_escape(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
    )


_DATE_EDGES = st.sampled_from(
    [
        "inf",
        "-inf",
        "nan",
        "1e400",
        "0",
        "-1",
        "",
        "null",
        "soon",
        "1.5e12",
        "9" * 400,
        "253402300799000",
        "-62135596800000",
        "99999999999999999999",
    ]
)
_DATES = st.one_of(
    _DATE_EDGES,
    _DATE_EDGES,
    st.integers(-(10**16), 10**16).map(str),
    st.integers(1_000_000_000_000, 1_900_000_000_000).map(str),
)
_KEYED = {
    "date": _DATES,
    "type": st.sampled_from(["1", "2", "3", "4", "5", "6", "7", "", "x"]),
    "msg_box": st.sampled_from(["1", "2", "3", "4", "9", ""]),
    "duration": _NUMBERS,
    "address": st.sampled_from(["+15555550123", "(555) 555-0177", "", "null", "1~2~+15555550100"]),
    "number": st.sampled_from(["+15555550123", "", "null", "5555550177"]),
    "contact_name": st.sampled_from(["Ana Souza", "(Unknown)", "", "null"]),
}


def _attr_value(draw, key: str = "", clean: bool = False) -> str:
    """A value for attribute ``key``: its edge cases, or any text (escaped when ``clean``, else
    sometimes not: damage), or odd character references."""
    options = [_TEXT.map(_xml_escape)]
    if key in _KEYED:
        options += [_KEYED[key]] * 6
    if not clean:
        options += [
            _NUMBERS,
            _TEXT,
            st.sampled_from(["&#55357;&#56832;", "&#xD800;", "&#1;", "&#x1F600;", "&amp;", "1~2"]),
        ]
    return draw(st.one_of(*options))


@st.composite
def sms_element(draw, clean: bool = False) -> bytes:
    """One ``<sms>``/``<mms>``/``<call>`` (or unknown ``<rcs>``) element with random attributes;
    ``clean`` keeps it well-formed."""
    tag = draw(st.sampled_from(["sms", "sms", "mms", "call", "rcs"]))
    keys = draw(
        st.lists(
            st.sampled_from(
                [
                    "address",
                    "date",
                    "date",
                    "type",
                    "type",
                    "msg_box",
                    "contact_name",
                    "number",
                    "duration",
                    "body",
                    "readable_date",
                ]
            ),
            max_size=7,
            unique=True,
        )
    )
    if draw(st.integers(0, 4)):  # most records carry a date and a type, as the app writes them
        keys = ["date", "type", *[k for k in keys if k not in ("date", "type")]]
    attrs = " ".join(f'{k}="{_attr_value(draw, k, clean)}"' for k in keys)
    if tag != "mms" or draw(st.booleans()):
        return f"<{tag} {attrs} />\n".encode("utf-8", "surrogatepass")
    addrs = "".join(
        f'<addr address="{_attr_value(draw, "address", clean)}" '
        f'type="{draw(st.sampled_from(["137", "151", "130"]))}" />'
        for _ in range(draw(st.integers(0, 4)))
    )
    return (
        f'<{tag} {attrs}><parts><part text="x" /></parts><addrs>{addrs}</addrs></{tag}>\n'
    ).encode("utf-8", "surrogatepass")


@st.composite
def sms_file(draw, clean: bool = False) -> bytes:
    root = draw(st.sampled_from(["smses", "calls"]))
    records = draw(st.lists(sms_element(clean), min_size=1, max_size=12))
    prolog = draw(
        st.sampled_from(
            [b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n", b"", b"\xef\xbb\xbf"]
        )
    )
    return (
        prolog
        + f'<{root} count="{len(records)}">\n'.encode()
        + b"".join(records)
        + (f"</{root}>\n".encode())
    )


@FUZZ
@given(damaged(sms_file()))
def test_sms_xml_is_total(data):
    _total(sms_xml, "sms-backup.xml", data)


_JUNK = st.sampled_from(
    [
        b"\x01",
        b"&#xD800;",
        b"&#55357;",
        b"<",
        b"\xff\xfe",
        b'"',
        b"]]>",
        b"&undefined;",
        b"</smses>",
        b"<!--",
        b"\x00",
        b"<sms ",
        b"<mms address='1'>",
        b"&",
    ]
)


@FUZZ
@given(sms_file(clean=True), st.data())
def test_sms_xml_counts_every_record_whatever_the_damage(data, draw):
    """A clean file has every sms/mms/call element read; cut short, every record started before
    the cut is read or counted lost; with junk spliced in, no record goes uncounted."""
    records = len(sms_xml._RECORD_START.findall(data))
    try:
        res = sms_xml.parse(SourceFile("sms.xml", data), ImportOptions())
    except CloseknitError:
        assert records == 0  # a file with no message or call at all may be refused
        return
    _check_report(res)
    assert res.report.read == records
    cut = draw.draw(st.integers(0, len(data)))
    started = len(sms_xml._RECORD_START.findall(data[:cut]))
    try:
        res = sms_xml.parse(SourceFile("sms.xml", data[:cut]), ImportOptions())
    except CloseknitError:
        assert res.report.imported == 0 or started <= 1
    else:
        assert res.report.read == started
    at = draw.draw(st.integers(0, len(data)))
    junk = draw.draw(_JUNK)
    spliced = data[:at] + junk + data[at:]
    try:
        res = sms_xml.parse(SourceFile("sms.xml", spliced), ImportOptions())
    except CloseknitError:
        return
    _check_report(res)
    # junk inside a start tag ("<\x01sms") leaves no record there to count
    intact = len(sms_xml._RECORD_START.findall(spliced))
    assert res.report.read >= min(records, intact)


# --- Google Voice / Google Chat -------------------------------------------------------------

_TIMES = st.one_of(
    st.builds(
        lambda y, mo, d, h, off: f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:30:00.000{off}",
        st.integers(1, 9999),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(0, 23),
        st.sampled_from(["Z", "+00:00", "-05:00", "+14:00", "-12:00", ""]),
    ),
    st.sampled_from(["", "yesterday", "2023-02-30T00:00:00Z", "9" * 80]),
)
_CLASSES = st.sampled_from(
    [
        "message",
        "tel",
        "fn",
        "dt",
        "published",
        "duration",
        "haudio",
        "hChatLog",
        "participants",
        "contributor",
        "sender vcard",
        "",
        "hChatLog hfeed",
    ]
)


def _element(children: list[str], tag: str, cls: str, time: str, text: str) -> str:
    attrs = f' class="{cls}"' if cls else ""
    if tag == "a":
        attrs += ' href="tel:+17323214444"'
    if tag == "abbr":
        attrs += f' title="{time}"'
    inner = text.replace("<", "&lt;") + "".join(children)
    return f"<{tag}{attrs}>{inner}</{tag}>"


_HTML_LEAF = st.builds(
    lambda tag, cls, time, text: _element([], tag, cls, time, text),
    st.sampled_from(["abbr", "span", "a", "q", "br", "cite"]),
    _CLASSES,
    _TIMES,
    _TEXT,
)
_HTML_TREE = st.recursive(
    _HTML_LEAF,
    lambda kids: st.builds(
        _element,
        st.lists(kids, max_size=4),
        st.sampled_from(["div", "a", "span", "cite", "abbr"]),
        _CLASSES,
        _TIMES,
        _TEXT,
    ),
    max_leaves=30,
)


_SENDER_NAMES = st.sampled_from(['<span class="fn">Edson</span>', '<abbr class="fn">Me</abbr>'])
_KINDS = st.sampled_from(["placed", "received", "missed", "voicemail", "recorded", "other"])


@st.composite
def voice_page(draw) -> bytes:
    """A Google Voice call record or text thread (random times, kinds, senders), or a page of
    random nesting; deep nests of links sometimes wrapped around it."""
    shape = draw(st.sampled_from(["call", "thread", "random"]))
    if shape == "call":
        kind = draw(_KINDS)
        tel = draw(st.sampled_from(["+17323215555", "", "tel"]))
        body = (
            f'<div class="haudio"><div class="contributor vcard">{kind} call from '
            f'<a class="tel" href="tel:{tel}"><span class="fn">Ada</span></a></div>'
            f'<abbr class="published" title="{draw(_TIMES)}">x</abbr>'
            f'<abbr class="duration" title="{draw(st.sampled_from(["PT1M2S", "P9999999D", "x"]))}">'
            f'd</abbr><div class="tags"><a rel="tag" href="http://www.google.com/voice#{kind}">'
            "t</a></div></div>"
        )
    elif shape == "thread":
        n = draw(st.integers(0, 6))
        msgs = "".join(
            f'<div class="message"><abbr class="dt" title="{draw(_TIMES)}">t</abbr>:\n'
            '<cite class="sender vcard"><a class="tel" href="tel:'
            f'{draw(st.sampled_from(["+17323214444", "+17323215555", ""]))}">'
            f"{draw(_SENDER_NAMES)}"
            "</a></cite>: <q>hi</q></div>\n"
            for _ in range(n)
        )
        body = f'<div class="hChatLog hfeed">{msgs}</div>'
    else:
        kind = draw(st.sampled_from(["hChatLog hfeed", "haudio"]))
        body = f'<div class="{kind}">' + "".join(draw(st.lists(_HTML_TREE, max_size=4))) + "</div>"
    nest = draw(st.sampled_from([0, 0, 5, 300]))
    deep = '<a class="tel" href="tel:1">' * nest
    page = (
        '<?xml version="1.0" ?><html><head><title>Me to\nAda</title></head><body>'
        f"{deep}{body}</body></html>"
    )
    return page.encode("utf-8", "surrogatepass")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _TEXT,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(_TEXT, kids, max_size=4),
    max_leaves=20,
)


@st.composite
def chat_json(draw) -> bytes:
    message = st.fixed_dictionaries(
        {},
        optional={
            "creator": st.one_of(
                _JSON,
                st.fixed_dictionaries(
                    {}, optional={"name": st.one_of(_TEXT, _JSON), "email": st.one_of(_TEXT, _JSON)}
                ),
            ),
            "created_date": st.one_of(
                _JSON,
                st.builds(
                    lambda y, z: f"Monday, January 7, {y:04d} at 7:25:08 PM {z}",
                    st.integers(1, 9999),
                    st.sampled_from(["UTC", "America/New_York", "Nowhere/City", ""]),
                ),
            ),
            "text": _JSON,
        },
    )
    messages = draw(st.one_of(st.lists(st.one_of(message, _JSON), max_size=8), _JSON))
    return json.dumps({"messages": messages}).encode()


@FUZZ
@given(_TIMES, _KINDS.filter(lambda k: k != "other"))
def test_google_voice_call_time_is_kept_exactly_or_skipped_with_the_reason(when, kind):
    """Never wrapped into another century: the row carries the record's own instant, or the
    record is skipped (out of range, or unreadable)."""
    page = (
        '<html><head><title>x</title></head><body><div class="haudio">'
        '<div class="contributor vcard">c <a class="tel" href="tel:+17323215555">'
        f'<span class="fn">Ada</span></a></div><abbr class="published" title="{when}">x</abbr>'
        f'<div class="tags"><a rel="tag" href="http://www.google.com/voice#{kind}">t</a></div>'
        "</div></body></html>"
    )
    res = gvoice.parse(SourceFile("Ada - x.html", page.encode()), ImportOptions())
    _check_report(res)
    try:
        expected = datetime.fromisoformat(when)
    except ValueError:
        expected = None
    if res.report.imported:
        stamp = res.interactions["timestamp"].iloc[0]
        assert expected is not None
        if expected.tzinfo is None:
            expected = expected.replace(tzinfo=UTC)
        assert stamp.to_pydatetime() == expected
    elif expected is not None and 1700 < expected.year < 2200:
        raise AssertionError(f"{when} should have been imported: {res.report.skipped}")
    elif expected is not None and not 1677 < expected.year < 2262:
        assert res.report.skipped[0].reason.startswith(OUT_OF_RANGE_REASON)


@FUZZ
@given(damaged(voice_page()))
def test_google_voice_html_is_total(data):
    _total(gvoice, "Edson - Text - 2023-09-20T14_41_11Z.html", data)


@FUZZ
@given(damaged(chat_json()))
def test_google_chat_json_is_total(data):
    _total(gvoice, "messages.json", data)


# --- Telegram -------------------------------------------------------------------------------

_UNIX = st.one_of(
    st.integers(-(10**13), 10**13),
    st.integers(-(10**13), 10**13).map(str),
    st.floats(allow_nan=True, allow_infinity=True),
    _JSON,
)


@st.composite
def telegram_json(draw) -> bytes:
    message = st.fixed_dictionaries(
        {},
        optional={
            "id": st.one_of(st.integers(), _TEXT, _JSON),
            "type": st.sampled_from(["message", "service", "other"]) | _JSON,
            "date": st.one_of(_TIMES, _JSON),
            "date_unixtime": _UNIX,
            "from": st.one_of(st.sampled_from(["Noor Haddad", "Ada Quinn"]), _JSON),
            "from_id": st.one_of(st.sampled_from(["user2002", "user1001"]), _JSON),
            "text": _JSON,
            "action": st.one_of(st.just("phone_call"), _JSON),
            "duration_seconds": _JSON,
            "discard_reason": st.one_of(st.sampled_from(["missed", "busy"]), _JSON),
            "actor_id": _JSON,
        },
    )
    chat = st.fixed_dictionaries(
        {"messages": st.one_of(st.lists(st.one_of(message, _JSON), max_size=8), _JSON)},
        optional={
            "name": st.one_of(_TEXT, _JSON),
            "type": st.sampled_from(
                ["personal_chat", "private_group", "saved_messages", "bot_chat", "odd"]
            )
            | _JSON,
            "id": st.one_of(st.integers(), _TEXT, _JSON),
        },
    )
    if draw(st.booleans()):
        doc = draw(chat)
    else:
        doc = {
            "personal_information": draw(
                st.one_of(st.fixed_dictionaries({"user_id": _JSON, "phone_number": _JSON}), _JSON)
            ),
            "chats": {"list": draw(st.lists(st.one_of(chat, _JSON), max_size=4))},
        }
    return json.dumps(doc, allow_nan=True).encode()


@FUZZ
@given(damaged(telegram_json()))
def test_telegram_json_is_total(data):
    _total(telegram, "result.json", data)


# --- random bytes and regressions -----------------------------------------------------------


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data):
    for module, name in ((sms_xml, "a.xml"), (gvoice, "a.html"), (telegram, "result.json")):
        _total(module, name, data)


@pytest.mark.parametrize("path", REGRESSIONS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_regression_inputs_give_a_report(path):
    data = path.read_bytes()
    for module in (sms_xml, gvoice, telegram):
        _total(module, path.name, data)
