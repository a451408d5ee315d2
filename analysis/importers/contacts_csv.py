"""Contact lists as CSV: Google Contacts (the older "Given Name / E-mail 1 - Value" layout and the
newer "First Name / E-mail 1 - Label" one), Outlook (any encoding: UTF-16 with BOM, cp1252),
LinkedIn ``Connections.csv`` (which starts with a "Notes:" preamble), and any CSV with name,
e-mail and phone columns.

Multi-value cells (Google's ``a ::: b``) are split; e-mails are normalised, phones are read in the
user's region (E.164). Contact CSVs are small, so rows are read one by one with the csv module,
which also gives each row's true line number (Google's addresses span lines).
"""

from __future__ import annotations

import re

from analysis.errors import UnusableFileError
from analysis.importers import interactions_csv
from analysis.importers.base import (
    Detection,
    FileReport,
    ImportOptions,
    ImportResult,
    SourceFile,
    stable_id,
)
from analysis.importers.csvsniff import (
    BadRow,
    CsvLayout,
    describe_columns,
    find_layout,
    header_key,
    layout_with_map,
    read_rows,
    read_text,
)
from analysis.importers.text import encoding_name
from analysis.model import contacts_frame
from analysis.normalize import nfc, normalize_email, normalize_phone

FORMAT = "contacts_csv"
GOOGLE = "Google Contacts CSV"
GOOGLE_OLD = "Google Contacts CSV (older layout)"
OUTLOOK = "Outlook CSV"
LINKEDIN = "LinkedIn Connections CSV"
GENERIC = "Contact CSV"

MULTI_SEP = " ::: "
"""How Google joins several values in one cell."""

FULL_NAME_COLS = ("name", "full name", "display name", "contact name", "contact", "person")
GIVEN_COLS = ("first name", "given name", "firstname", "forename")
MIDDLE_COLS = ("middle name", "additional name")
FAMILY_COLS = ("last name", "family name", "surname", "lastname")
NICKNAME_COLS = ("nickname", "nick name", "nick")
EMAIL_COLS = (
    "e-mail address",
    "e-mail 2 address",
    "e-mail 3 address",
    "email",
    "e-mail",
    "emails",
    "email address",
    "mail",
    "email 1",
    "email 2",
    "personal email",
    "work email",
)
PHONE_COLS = (
    "mobile phone",
    "primary phone",
    "home phone",
    "home phone 2",
    "business phone",
    "business phone 2",
    "other phone",
    "car phone",
    "company main phone",
    "phone",
    "phones",
    "phone number",
    "mobile",
    "mobile number",
    "cell",
    "cell phone",
    "telephone",
    "tel",
    "work phone",
    "home",
    "work",
)
ORG_COLS = (
    "organization 1 - name",
    "organization name",
    "company",
    "organization",
    "org",
    "employer",
)
TITLE_COLS = ("organization 1 - title", "organization title", "job title", "position", "role")
BIRTHDAY_COLS = ("birthday", "birth date", "birthdate", "date of birth", "dob")
ANNIVERSARY_COLS = ("anniversary", "wedding anniversary", "wedding date")
"""Columns of the wedding/partnership anniversary (Outlook's "Anniversary"). Google writes
its dates as "Event N - Label/Type" + "Event N - Value" pairs, the anniversary labelled
"Anniversary"."""
CATEGORY_COLS = ("labels", "group membership", "categories", "groups", "group", "tags")
RELATED_COLS = {
    "spouse": "spouse",
    "children": "child",
    "manager's name": "manager",
    "assistant's name": "assistant",
    "partner": "partner",
}
_GOOGLE_EMAIL = re.compile(r"^email\d+value$")
_GOOGLE_PHONE = re.compile(r"^phone\d+value$")
_GOOGLE_RELATION = re.compile(r"^relation(\d+)value$")
_GOOGLE_EVENT = re.compile(r"^event(\d+)value$")

OUTLOOK_MARKERS = frozenset(
    header_key(c)
    for c in (
        "E-mail Address",
        "E-mail 2 Address",
        "E-mail 3 Address",
        "Mobile Phone",
        "Business Phone",
        "Home Phone",
        "Categories",
        "Job Title",
        "Middle Name",
        "Suffix",
        "Company",
        "Department",
        "Home Street",
        "Business Street",
        "Primary Phone",
        "E-mail Display Name",
        "Web Page",
    )
)
"""Columns of Outlook's CSV layout (four or more of them, with a first or last name)."""

KNOWN_KEYS: frozenset[str] = (
    frozenset(
        header_key(c)
        for c in (
            *FULL_NAME_COLS,
            *GIVEN_COLS,
            *MIDDLE_COLS,
            *FAMILY_COLS,
            *NICKNAME_COLS,
            *EMAIL_COLS,
            *PHONE_COLS,
            *ORG_COLS,
            *TITLE_COLS,
            *BIRTHDAY_COLS,
            *ANNIVERSARY_COLS,
            *CATEGORY_COLS,
            *RELATED_COLS,
            "E-mail 1 - Value",
            "E-mail 1 - Type",
            "E-mail 1 - Label",
            "Phone 1 - Value",
            "Phone 1 - Type",
            "Phone 1 - Label",
            "Event 1 - Value",
            "Event 1 - Type",
            "Event 1 - Label",
            "URL",
            "Connected On",
            "Notes",
            "Title",
        )
    )
    | OUTLOOK_MARKERS
)
"""Every column key this importer knows (used to find the header row)."""

_NAME_KEYS = frozenset(header_key(c) for c in (*FULL_NAME_COLS, *GIVEN_COLS, *FAMILY_COLS))
_EMAIL_KEYS = frozenset(header_key(c) for c in EMAIL_COLS)
_PHONE_KEYS = frozenset(header_key(c) for c in PHONE_COLS)


def dialect(layout: CsvLayout) -> tuple[str, float] | None:
    """Which contact CSV this header is, with a confidence; None when it is not a contact list."""
    keys = set(layout.keys)
    has_first_last = bool(keys & {"firstname", "lastname"})
    if "givenname" in keys and keys & {"email1value", "groupmembership", "phone1value"}:
        return GOOGLE_OLD, 0.95
    if has_first_last and keys & {"labels", "email1label", "phone1label"}:
        return GOOGLE, 0.95
    if has_first_last and "connectedon" in keys:
        return LINKEDIN, 0.95
    if has_first_last and len(keys & OUTLOOK_MARKERS) >= 4:
        return OUTLOOK, 0.9
    has_name = bool(keys & _NAME_KEYS)
    has_email = bool(keys & _EMAIL_KEYS) or any(_GOOGLE_EMAIL.match(k) for k in keys)
    has_phone = bool(keys & _PHONE_KEYS) or any(_GOOGLE_PHONE.match(k) for k in keys)
    if has_name and (has_email or has_phone):
        return GENERIC, 0.6
    if has_email and has_phone:
        return GENERIC, 0.5
    return None


def sniff(name: str, head: str) -> Detection | None:
    """A contact CSV (Google old/new, Outlook, LinkedIn, or name + e-mail/phone columns)."""
    layout = find_layout(head, KNOWN_KEYS)
    if layout is None:
        return None
    found = dialect(layout)
    if found is None:
        return None
    label, conf = found
    notes: tuple[str, ...] = ()
    if layout.header_line:
        notes = (f"header found on line {layout.header_line + 1} (after a preamble)",)
    return Detection(FORMAT, label, conf, notes)


# --------------------------------------------------------------------------------------------


def _split(value: str, seps: str = MULTI_SEP) -> list[str]:
    if not value:
        return []
    parts = [value]
    for sep in seps.split("|"):
        parts = [p for part in parts for p in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_YEARLESS = re.compile(r"^--(\d{1,2})-?(\d{1,2})$")
_SLASHED = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_TEXT_DATE = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})$")


def parse_birthday(value: str, dayfirst: bool | None = None) -> str:
    """ISO ``YYYY-MM-DD`` or yearless ``--MM-DD`` from what contact exports write
    (``1985-04-12``, Google's `` --04-12``, Outlook's ``4/12/1985`` or ``0/0/00`` for none,
    ``12 Apr 1985``); "" when there is none or it is not a real date."""
    v = (value or "").strip()
    if not v:
        return ""
    y = m = d = None
    if mt := _ISO_DATE.match(v):
        y, m, d = int(mt[1]), int(mt[2]), int(mt[3])
    elif mt := _YEARLESS.match(v):
        m, d = int(mt[1]), int(mt[2])
    elif mt := _SLASHED.match(v):
        a, b, y = int(mt[1]), int(mt[2]), int(mt[3])
        if len(mt[3]) == 2:
            y = 0 if y == 0 else (1900 + y if y > 30 else 2000 + y)
        day_first = a > 12 or (dayfirst is True and b <= 12)
        m, d = (b, a) if day_first else (a, b)
    elif mt := _TEXT_DATE.match(v):
        d, m, y = int(mt[1]), _MONTHS.get(mt[2].lower()), int(mt[3])
    if not m or not d or not (1 <= m <= 12 and 1 <= d <= 31):
        return ""
    if y is None or y in (0, 1604):  # Apple/Google write 1604 for "no year"
        return f"--{m:02d}-{d:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _anniversary(row: _Row, dayfirst: bool | None = None) -> str:
    """The anniversary of a row, as :func:`parse_birthday` reads dates: a mapped or
    :data:`ANNIVERSARY_COLS` column (Outlook), else the first Google "Event N" labelled
    "Anniversary" that is a date; "" when there is none."""
    if "anniversary" in row.mapped:
        return parse_birthday(row.get("anniversary"), dayfirst)
    found = parse_birthday(row.get("anniversary", *ANNIVERSARY_COLS), dayfirst)
    for key, value in row.values.items():
        if found:
            break
        if value and (mt := _GOOGLE_EVENT.match(key)):
            kind = row.values.get(f"event{mt[1]}label") or row.values.get(f"event{mt[1]}type")
            if _category(kind or "").lower() == "anniversary":
                found = parse_birthday(value, dayfirst)
    return found


def _category(value: str) -> str:
    v = value.strip()
    return v[2:].strip() if v.startswith("* ") else v.lstrip("*").strip()


class _Row:
    """One CSV row read by column key (the first column with a key wins)."""

    def __init__(self, layout: CsvLayout, cells: list[str], column_map: dict[str, int]) -> None:
        self.values: dict[str, str] = {}
        for key, cell in zip(layout.keys, cells, strict=False):
            if key and key not in self.values:
                self.values[key] = cell.strip()
        self.keys = layout.keys
        self.cells = cells
        self.mapped = column_map

    def get(self, canonical: str, *cols: str) -> str:
        if canonical in self.mapped:
            i = self.mapped[canonical]
            return self.cells[i].strip() if i < len(self.cells) else ""
        for col in cols:
            v = self.values.get(header_key(col), "")
            if v:
                return v
        return ""

    def all(self, canonical: str, cols: tuple[str, ...], pattern: re.Pattern[str]) -> list[str]:
        if canonical in self.mapped:
            return [self.get(canonical)]
        out = [v for k, v in self.values.items() if pattern.match(k) and v]
        out += [self.values.get(header_key(c), "") for c in cols]
        return [v for v in out if v]


def _record(row: _Row, label: str, options: ImportOptions) -> dict:
    given = nfc(row.get("given_name", *GIVEN_COLS))
    middle = nfc(row.get("middle_name", *MIDDLE_COLS))
    family = nfc(row.get("family_name", *FAMILY_COLS))
    full = nfc(row.get("full_name", *FULL_NAME_COLS))
    if not full:
        full = " ".join(p for p in (given, middle, family) if p)
    emails = _unique(
        [
            normalize_email(e)
            for raw in row.all("emails", EMAIL_COLS, _GOOGLE_EMAIL)
            for e in _split(raw, f"{MULTI_SEP}|;|,")
        ]
    )
    phones = _unique(
        [
            normalize_phone(p, options.region)
            for raw in row.all("phones", PHONE_COLS, _GOOGLE_PHONE)
            for p in _split(raw, f"{MULTI_SEP}|;")
        ]
    )
    title_cols = TITLE_COLS + (("title",) if label == GENERIC else ())
    categories: list[str] = []
    if "categories" in row.mapped:
        categories = _split(row.get("categories"), f"{MULTI_SEP}|;")
    else:
        for col in ("labels", "groupmembership", "groups", "group", "tags"):
            categories += _split(row.values.get(col, ""), f"{MULTI_SEP}|;")
        categories += _split(row.values.get("categories", ""), f"{MULTI_SEP}|;|,")
    related = []
    for key, value in row.values.items():
        if not value:
            continue
        if mt := _GOOGLE_RELATION.match(key):
            kind = (
                row.values.get(f"relation{mt[1]}label")
                or row.values.get(f"relation{mt[1]}type")
                or "related"
            )
            related.append((_category(kind).lower(), nfc(value)))
        elif key in {header_key(k) for k in RELATED_COLS} and label == OUTLOOK:
            kind = next(v for k, v in RELATED_COLS.items() if header_key(k) == key)
            related += [(kind, nfc(v)) for v in _split(value, ";|,")]
    return {
        "full_name": full,
        "given_name": given,
        "family_name": family,
        "nickname": nfc(row.get("nickname", *NICKNAME_COLS)),
        "emails": emails,
        "phones": _unique(phones),
        "org": nfc(row.get("org", *ORG_COLS)),
        "title": nfc(row.get("title", *title_cols)),
        "categories": _unique([_category(c) for c in categories]),
        "birthday": parse_birthday(row.get("birthday", *BIRTHDAY_COLS), options.dayfirst),
        "anniversary": _anniversary(row, options.dayfirst),
        "related": related,
    }


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read a contact CSV into a contacts frame (one row per CSV row with a name, an e-mail or a
    phone) and its report. A ``column_map`` with ``timestamp`` and ``contact`` makes it an
    interaction log (read by :mod:`analysis.importers.interactions_csv`)."""
    column_map = options.column_map_dict()
    if {"timestamp", "date"} & column_map.keys() and {"contact", "who"} & column_map.keys():
        return interactions_csv.parse(source, options)
    text, enc, mixed = read_text(source.data)
    head = text[:65_536]
    layout = layout_with_map(head, column_map) if column_map else None
    if layout is None:
        layout = find_layout(head, KNOWN_KEYS)
    found = dialect(layout) if layout else None
    if layout is None or (found is None and not column_map):
        cols = describe_columns(head)
        raise UnusableFileError(
            source.name,
            "no header with name, e-mail or phone columns was found; columns seen: "
            f"{', '.join(cols) or 'none'}. Map them with ImportOptions(column_map=...)",
        )
    label = found[0] if found else GENERIC
    report = FileReport(source.name, FORMAT, label, encoding=enc)
    if mixed:
        report.warnings.append(
            f"the file mixes encodings: line(s) {', '.join(map(str, mixed[:10]))} were not "
            f"UTF-8 and were read as {encoding_name(enc.split(' + ')[-1])}; check their accents"
        )
    mapped = {}
    for canonical, col in column_map.items():
        idx = layout.column_for(col)
        if idx is not None:
            mapped[
                "emails"
                if canonical == "email"
                else "phones"
                if canonical == "phone"
                else canonical
            ] = idx
    src = f"{source.name} ({label})"
    records = []
    width = len(layout.columns)
    for row in read_rows(text, layout.header_line + 1, layout.delimiter, width):
        where = f"row {row.line}"
        if isinstance(row, BadRow):
            report.skip(where, row.reason)
            continue
        if not any(c.strip() for c in row.cells):
            continue  # a blank line, not a record
        rec = _record(_Row(layout, row.cells, mapped), label, options)
        if not (rec["full_name"] or rec["emails"] or rec["phones"]):
            report.skip(where, "no name, e-mail or phone")
            continue
        rec.update(contact_id=stable_id(source.digest, row.line), source=src, where=where)
        records.append(rec)
        report.read += 1
        report.imported += 1
    if not records and not report.skipped:
        raise UnusableFileError(source.name, "the contact list has a header but no rows")
    return ImportResult(contacts=contacts_frame(records), report=report)
