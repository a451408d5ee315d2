"""Property tests for the vCard, iCalendar, contact-CSV and interaction-log importers.

Each strategy builds files that look like the real format (cards, events, rows) with random
property values, parameters, charsets, folding, quoting and dates, and sometimes plain random
bytes. Whatever comes in, the importers either give a report whose numbers add up
(``read == imported + len(skipped)``) or raise a :class:`~analysis.errors.CloseknitError`;
never anything else. Inputs that once crashed are kept in ``tests/fixtures/<kind>/regressions/``
and replayed by :func:`test_regression_corpus_imports_without_crashing`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import CloseknitError
from analysis.importers import contacts_csv, head_text, ics, import_file, interactions_csv, vcard
from analysis.importers.base import ImportOptions, SourceFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REGRESSIONS = sorted(
    p for kind in ("vcard", "ics", "csv") for p in (FIXTURES / kind / "regressions").glob("*")
)
OPTIONS = ImportOptions(region="DE", timezone="Europe/Berlin")
FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- shared pieces ----------------------------------------------------------------------------

CHARSETS = ["utf-8", "UTF-8", "cp1252", "ISO-8859-1", "shift_jis", "undefined", "x-bogus", "base64"]
FILE_ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "cp1251", "shift_jis", "utf-16", "utf-16-le"]
values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x4FFF), max_size=30
)
names = st.sampled_from(["Ana Lima", "José Müller", "Иван Петров", "山田 太郎", "Zoë", "", "a,b"])


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def _fold(line: str, at: int | None) -> str:
    """A content line folded (RFC 5545/6350: CRLF + space) at ``at``, or unfolded."""
    if at is None or at >= len(line) or at == 0:
        return line
    return line[:at] + "\r\n " + line[at:]


def _check_parse(module, source: SourceFile) -> None:
    """``sniff`` never raises; ``parse`` raises only CloseknitError, and its report adds up."""
    module.sniff(source.name, head_text(source.data))
    try:
        result = module.parse(source, OPTIONS)
    except CloseknitError:
        return
    rep = result.report
    assert rep.read == rep.imported + len(rep.skipped)


def _check_import(source: SourceFile) -> None:
    """``import_file`` never raises and always gives a report that adds up."""
    result = import_file(source, OPTIONS)
    rep = result.report
    assert rep.read == rep.imported + len(rep.skipped)


# --- vCard ------------------------------------------------------------------------------------


@st.composite
def vcard_files(draw) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    cards = []
    for _ in range(draw(st.integers(0, 4))):
        version = draw(st.sampled_from(["2.1", "3.0", "4.0", ""]))
        lines = ["BEGIN:VCARD"] + ([f"VERSION:{version}"] if version else [])
        for _ in range(draw(st.integers(0, 6))):
            name = draw(
                st.sampled_from(
                    [
                        "FN",
                        "N",
                        "TEL",
                        "EMAIL",
                        "ORG",
                        "BDAY",
                        "NOTE",
                        "PHOTO",
                        "CATEGORIES",
                        "item1.X-ABLABEL",
                        "RELATED",
                        "X-ANDROID-CUSTOM",
                        "TITLE",
                        "BEGIN",
                        "X",
                    ]
                )
            )
            params = ""
            if draw(st.booleans()):
                params += f";CHARSET={draw(st.sampled_from(CHARSETS))}"
            if draw(st.booleans()):
                params += ";" + draw(
                    st.sampled_from(
                        [
                            "ENCODING=QUOTED-PRINTABLE",
                            "ENCODING=BASE64",
                            "ENCODING=b",
                            "QUOTED-PRINTABLE",
                            "TYPE=CELL",
                            'TYPE="home,work"',
                            "PREF=1",
                        ]
                    )
                )
            value = draw(st.one_of(values, names, st.just("=C3=A9=\r\n=41"), st.just("--0412")))
            line = f"{name}{params}:{value}"
            lines.append(_fold(line, draw(st.none() | st.integers(1, 40))))
        if draw(st.integers(0, 4)):
            lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    text = "\r\n".join(cards) + "\r\n"
    return _encode(text, draw(st.sampled_from(FILE_ENCODINGS)))


@FUZZ
@given(vcard_files())
def test_vcard_parse_never_crashes_and_accounts_for_every_card(data):
    _check_parse(vcard, SourceFile("fuzz.vcf", data))
    _check_import(SourceFile("fuzz.vcf", data))


# --- iCalendar --------------------------------------------------------------------------------

DATES = st.one_of(
    st.datetimes(
        min_value=datetime(1, 1, 1),
        max_value=datetime(9999, 12, 31),
    ).map(lambda d: d.strftime("%Y%m%dT%H%M%S") + ("Z" if d.second % 2 else "")),
    st.dates().map(lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}"),
    st.sampled_from(["garbage", "", "2024-01-01", "20240230T100000Z", "99999999T999999"]),
)


@st.composite
def rrules(draw) -> str:
    parts = [
        f"FREQ={draw(st.sampled_from(['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY', 'SOMETIMES']))}"
    ]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(-1, 1000))}")
    if draw(st.booleans()):
        parts.append(f"COUNT={draw(st.integers(0, 10**9))}")
    if draw(st.booleans()):
        parts.append(f"UNTIL={draw(DATES)}")
    if draw(st.booleans()):
        parts.append(
            draw(
                st.sampled_from(
                    [
                        "BYMONTH=2;BYMONTHDAY=30",
                        "BYDAY=MO,TU",
                        "BYDAY=+6MO",
                        "BYSETPOS=10",
                        "BYHOUR=25",
                        "BYMONTHDAY=31",
                        "BYWEEKNO=53",
                        "BYYEARDAY=366",
                    ]
                )
            )
        )
    return ";".join(parts)


@st.composite
def ics_files(draw) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    for _ in range(draw(st.integers(0, 3))):
        ev = ["BEGIN:VEVENT"]
        if draw(st.booleans()):
            ev.append(f"UID:{draw(st.sampled_from(['a', 'b', 'x@y']))}")
        tzid = draw(
            st.sampled_from(["", ";TZID=Europe/Berlin", ";TZID=Nowhere/Else", ";VALUE=DATE"])
        )
        ev.append(f"DTSTART{tzid}:{draw(DATES)}")
        if draw(st.booleans()):
            ev.append(f"DTEND:{draw(DATES)}")
        if draw(st.booleans()):
            ev.append(f"RRULE:{draw(rrules())}")
        if draw(st.integers(0, 3)) == 0:
            ev.append(f"RECURRENCE-ID:{draw(DATES)}")
        if draw(st.integers(0, 3)) == 0:
            ev.append(f"EXDATE:{draw(DATES)}")
        if draw(st.booleans()):
            ev.append("ORGANIZER;CN=Me:mailto:me@example.org")
        for _ in range(draw(st.integers(0, 4))):
            params = draw(
                st.sampled_from(
                    ["", ";PARTSTAT=DECLINED", ";CUTYPE=ROOM", ';CN="Ana, Lima"', ";CN"]
                )
            )
            who = draw(st.sampled_from(["mailto:ana@example.org", "mailto:", "ben", ""]))
            ev.append(f"ATTENDEE{params}:{who}")
        if draw(st.booleans()):
            ev.append(f"SUMMARY:{draw(values)}")
        if draw(st.booleans()):
            ev.append(draw(st.sampled_from(["STATUS:CANCELLED", "BEGIN:VALARM", "END:VCALENDAR"])))
        if draw(st.integers(0, 4)):
            ev.append("END:VEVENT")
        lines += [_fold(x, draw(st.none() | st.integers(1, 30))) for x in ev]
    if draw(st.integers(0, 4)):
        lines.append("END:VCALENDAR")
    text = "\r\n".join(lines) + "\r\n"
    return _encode(text, draw(st.sampled_from(FILE_ENCODINGS)))


@FUZZ
@given(ics_files())
def test_ics_parse_never_crashes_and_accounts_for_every_event(data):
    _check_parse(ics, SourceFile("fuzz.ics", data))
    _check_import(SourceFile("fuzz.ics", data))


# --- CSVs -------------------------------------------------------------------------------------

cells = st.one_of(
    values,
    names,
    st.sampled_from(['"', '""', '"quoted, with comma"', 'un"balanced', "a\nb", "x" * 70_000]),
)


@st.composite
def csv_files(draw, header: list[str], date_cells) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    delim = draw(st.sampled_from([",", ";", "\t"]))
    rows = [delim.join(header)]
    for _ in range(draw(st.integers(0, 8))):
        row = [draw(date_cells) if h in ("timestamp", "date") else draw(cells) for h in header]
        if draw(st.integers(0, 5)) == 0:
            row.append(draw(cells))  # a ragged row
        if draw(st.integers(0, 5)) == 0:
            row[draw(st.integers(0, len(row) - 1))] = '"' + draw(values)  # an unbalanced quote
        quoted = [
            f'"{c.replace(chr(34), chr(34) * 2)}"'
            if draw(st.booleans()) and '"' not in c[:1]
            else c
            for c in row
        ]
        rows.append(delim.join(quoted))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(rows) + newline
    return _encode(text, draw(st.sampled_from(FILE_ENCODINGS)))


CONTACT_HEADERS = st.sampled_from(
    [
        ["Name", "Email", "Phone"],
        ["First Name", "Last Name", "E-mail Address", "Mobile Phone", "Birthday", "Categories"],
        ["Given Name", "Family Name", "E-mail 1 - Value", "Phone 1 - Value", "Group Membership"],
    ]
)
LOG_HEADERS = st.sampled_from(
    [
        ["timestamp", "contact", "channel", "direction", "duration_min", "note"],
        ["date", "time", "who", "type", "seconds"],
    ]
)
TIMESTAMPS = st.one_of(
    DATES,
    st.datetimes().map(lambda d: d.isoformat(sep=" ")),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.integers(0, 10**13).map(str),
    st.sampled_from(["", "yesterday", "31/31/2024", "0001-01-01", "3000-01-01T00:00:00Z"]),
)


@FUZZ
@given(st.data())
def test_contact_csv_parse_never_crashes_and_accounts_for_every_row(data):
    content = data.draw(csv_files(data.draw(CONTACT_HEADERS), TIMESTAMPS))
    _check_parse(contacts_csv, SourceFile("fuzz.csv", content))
    _check_import(SourceFile("fuzz.csv", content))


@FUZZ
@given(st.data())
def test_interaction_csv_parse_never_crashes_and_accounts_for_every_row(data):
    content = data.draw(csv_files(data.draw(LOG_HEADERS), TIMESTAMPS))
    _check_parse(interactions_csv, SourceFile("fuzz.csv", content))
    _check_import(SourceFile("fuzz.csv", content))


# --- inputs that once crashed -----------------------------------------------------------------


@pytest.mark.skipif(not REGRESSIONS, reason="no regression inputs")
@pytest.mark.parametrize("path", REGRESSIONS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_regression_corpus_imports_without_crashing(path: Path):
    source = SourceFile.from_path(str(path))
    result = import_file(source, OPTIONS)
    rep = result.report
    assert rep.error is None, rep.error
    assert rep.read == rep.imported + len(rep.skipped)
    assert rep.imported >= 1  # each regression file keeps a good record beside the bad one
