"""Shared helpers of the CSV importers: header normalisation, delimiter sniffing, finding the
header row (past a preamble such as LinkedIn's "Notes:" lines), and listing a file's columns so
the dashboard can offer a column mapping.

Everything here reads only the decoded head of a file (the ``head`` given to ``sniff``) or the
decoded text; nothing raises on odd content.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from analysis.importers.text import decode_text

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
"""Delimiters tried, in order of preference when they score the same."""

MAX_HEAD_LINES = 40
"""How many lines of the head are looked at to sniff the delimiter and find the header."""

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(name: object) -> str:
    """The matching key of a column name: lower-cased, only letters and digits
    (``"E-mail 1 - Value"`` -> ``"email1value"``, ``" Duration_Min "`` -> ``"durationmin"``)."""
    return _NON_ALNUM.sub("", str(name).replace("\ufeff", "").lower())


@dataclass(frozen=True)
class CsvLayout:
    """Where a CSV's table starts and how it is cut.

    ``header_line`` is the 0-based index of the header among the file's physical lines (the
    number of preamble lines before it); ``columns`` the header cells as written (stripped);
    ``keys`` their :func:`header_key`.
    """

    delimiter: str
    header_line: int
    columns: tuple[str, ...]
    keys: tuple[str, ...]

    def find(self, *aliases: str) -> int | None:
        """Index of the first column whose key is one of ``aliases`` (tried in order), or None."""
        for alias in aliases:
            key = header_key(alias)
            if key in self.keys:
                return self.keys.index(key)
        return None

    def column_for(self, name: str) -> int | None:
        """Index of the column named ``name`` (compared by key), or None."""
        key = header_key(name)
        return self.keys.index(key) if key in self.keys else None


def iter_lines(text: str) -> Iterator[str]:
    """The physical lines of ``text`` with their endings (``\\n``, ``\\r\\n`` or ``\\r``), as the
    csv module and pandas' C reader count them."""
    return iter(io.StringIO(text, newline=""))


def _head_lines(head: str) -> list[str]:
    lines = []
    for i, line in enumerate(iter_lines(head.lstrip("\ufeff"))):
        if i >= MAX_HEAD_LINES:
            break
        lines.append(line)
    if lines and not lines[-1].endswith(("\n", "\r")) and len(lines) > 1:
        lines.pop()  # the head was cut in the middle of this line
    return lines


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        row = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
    except csv.Error:
        return []
    return [c.strip() for c in row]


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that cuts the most lines into the same number (> 1) of fields.

    Scores each of :data:`DELIMITERS` by (lines with the modal field count) x (that count > 1),
    so a preamble of one-field lines does not disturb it. Comma when nothing scores.
    """
    best, best_score = ",", 0
    for delim in DELIMITERS:
        counts = Counter(len(_cells(ln, delim)) for ln in lines if ln.strip())
        counts.pop(0, None)
        counts.pop(1, None)
        if not counts:
            continue
        width, n = counts.most_common(1)[0]
        score = n * 1000 + width
        if score > best_score:
            best, best_score = delim, score
    return best


def find_layout(head: str, known: Collection[str] = (), min_known: int = 2) -> CsvLayout | None:
    """The header of the CSV whose decoded start is ``head``.

    With ``known`` (column keys, see :func:`header_key`): the first of the first
    :data:`MAX_HEAD_LINES` lines with at least ``min_known`` known columns, or None. Without:
    the first line cut into the modal number (> 1) of fields (which skips a one-field preamble
    such as LinkedIn's ``Notes:``), or None when no line has more than one field.
    """
    lines = _head_lines(head)
    if not lines:
        return None
    delim = sniff_delimiter(lines)
    rows = [_cells(ln, delim) if ln.strip() else [] for ln in lines]
    known_set = set(known)
    if known_set:
        for i, cells in enumerate(rows):
            keys = [header_key(c) for c in cells]
            if sum(1 for k in set(keys) if k and k in known_set) >= min_known:
                return CsvLayout(delim, i, tuple(cells), tuple(keys))
        return None
    widths = Counter(len(r) for r in rows if len(r) > 1)
    if not widths:
        return None
    width = widths.most_common(1)[0][0]
    for i, cells in enumerate(rows):
        if len(cells) == width:
            return CsvLayout(delim, i, tuple(cells), tuple(header_key(c) for c in cells))
    return None  # pragma: no cover - the modal width comes from one of the rows


def describe_columns(head: str) -> list[str]:
    """The column names of a CSV as written in its header (past any preamble), for offering a
    column mapping (``ImportOptions.column_map``). Empty when the text is not a table."""
    layout = find_layout(head)
    return list(layout.columns) if layout else []


def layout_with_map(head: str, column_map: dict[str, str]) -> CsvLayout | None:
    """The header that holds every file column named in ``column_map`` (its values), or None."""
    wanted = {header_key(v) for v in column_map.values() if v}
    if not wanted:
        return None
    layout = find_layout(head, wanted, min_known=len(wanted))
    return layout


def read_text(data: bytes) -> tuple[str, str, list[int]]:
    """Decode a whole CSV: ``(text, encoding, mixed_lines)`` (see
    :func:`analysis.importers.text.decode_text`: BOM, UTF-16, UTF-8, else the detected legacy
    encoding; a mostly-UTF-8 file keeps its UTF-8 lines and ``mixed_lines`` lists the 1-based
    numbers of the others). The BOM is removed."""
    dec = decode_text(data)
    return dec.text, dec.encoding, list(dec.mixed_lines)


# ---------------------------------------------------------------------------------------------
# Reading rows: every row read or reported, never a crash, never a row silently swallowed
# ---------------------------------------------------------------------------------------------

MAX_FIELD_CHARS = 1_048_576
"""Longest field read (1 MiB of text). The csv module stops at 128 KiB
(``csv.field_size_limit``); a longer field (a pasted e-mail in a notes column) is read here by
hand up to this size, and a row with a field beyond it is skipped with that reason. Judgement:
no name, address, number or note a person keeps is that long; past it the row is almost
certainly a broken quote swallowing the file."""

MAX_RECORD_LINES = 1_000
"""Most physical lines one row may span (quoted fields may hold line breaks: Google's addresses
span 3-5 lines, a long note a few dozen). A row spanning more is read as an unbalanced quote."""

UNBALANCED = (
    "an unbalanced quote: the row runs into the lines after it and cannot be read "
    "(reading went on with the next line)"
)


@dataclass(frozen=True)
class Row:
    """One row of a CSV: the 1-based physical line it starts on and its cells."""

    line: int
    cells: list[str]


@dataclass(frozen=True)
class BadRow:
    """A row that could not be read: the 1-based line it starts on and why."""

    line: int
    reason: str


def _lines_from(lines: list[str], start: int) -> Iterator[str]:
    for i in range(start, len(lines)):
        yield lines[i]


def _token_re(delimiter: str) -> re.Pattern[str]:
    d = re.escape(delimiter)
    return re.compile(rf'""|"|{d}|[^"{d}]+')


def split_record(record: str, delimiter: str) -> list[str]:
    """The cells of one record's text (RFC 4180 quoting, the csv module's lenient reading of a
    stray quote inside an unquoted field; the record's final line ending dropped). Used for
    records the csv module refuses (a field over its 128 KiB limit)."""
    if record.endswith("\r\n"):
        record = record[:-2]
    elif record.endswith(("\r", "\n")):
        record = record[:-1]
    cells: list[str] = []
    cur: list[str] = []
    quoted = False
    at_start = True
    for m in _token_re(delimiter).finditer(record):
        t = m.group()
        if quoted:
            if t == '""':
                cur.append('"')
            elif t == '"':
                quoted = False
            else:
                cur.append(t)
        elif t == delimiter:
            cells.append("".join(cur))
            cur, at_start = [], True
            continue
        elif t == '"' and at_start:
            quoted = True
        elif t == '""' and at_start:
            pass  # an empty quoted field
        else:
            cur.append(t)
        at_start = False
    cells.append("".join(cur))
    return cells


def _by_hand(lines: list[str], start: int, delimiter: str) -> tuple[list[str] | None, int, str]:
    """The record starting at ``lines[start]`` read without the csv module:
    ``(cells, lines spanned, "")``, or ``(None, 1, reason)`` when it is too long or never ends.
    A record ends on the first line after which its count of quote characters is even."""
    quotes = 0
    size = 0
    end = start
    while end < len(lines):
        quotes += lines[end].count('"')
        size += len(lines[end])
        end += 1
        if quotes % 2 == 0:
            break
        if end - start > MAX_RECORD_LINES:
            return None, 1, UNBALANCED
        if size > MAX_FIELD_CHARS:
            break
    if size > MAX_FIELD_CHARS:
        return None, 1, f"a field is longer than {MAX_FIELD_CHARS:,} characters"
    if quotes % 2:
        return None, 1, UNBALANCED
    return split_record("".join(lines[start:end]), delimiter), end - start, ""


def _swallows_rows(lines: list[str], start: int, span: int, delimiter: str, width: int) -> bool:
    """True when a row spanning ``span`` lines holds, between its first and last line, a line
    that is a row of its own: no quote, and exactly the header's ``width`` (> 2) of fields.
    Judgement: the lines inside a real multi-line field (an address, a note) are free text,
    which rarely cuts into exactly the header's number of fields; the lines an unbalanced quote
    swallows are rows, which do."""
    if width <= 2:
        return False
    for i in range(start + 1, start + span - 1):
        line = lines[i]
        if '"' not in line and line.count(delimiter) == width - 1:
            return True
    return False


def read_rows(text: str, first_line: int, delimiter: str, width: int) -> Iterator[Row | BadRow]:
    """Every row of ``text`` from the 0-based physical line ``first_line`` on, in order.

    Rows are read with the csv module; a row that spans several lines and does not have the
    header's ``width`` of fields, spans more than :data:`MAX_RECORD_LINES`, or swallows lines
    that are rows of their own (:func:`_swallows_rows`) is an unbalanced quote: its first line comes back as a :class:`BadRow` and reading starts again on the next
    line, so one broken quote costs one row, not the rest of the file. A row with a field the
    csv module refuses (over 128 KiB) is read by hand (:func:`split_record`) up to
    :data:`MAX_FIELD_CHARS`. Blank lines come back as rows with no cells. Linear: a line is
    read at most twice (once inside a swallowing row, once after the re-start)."""
    lines = list(iter_lines(text))
    pos = first_line
    while pos < len(lines):
        reader = csv.reader(_lines_from(lines, pos), delimiter=delimiter)
        while True:
            start, base = pos, reader.line_num
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                got, span, reason = _by_hand(lines, start, delimiter)
                if got is None or (span > 1 and len(got) != width):
                    yield BadRow(start + 1, reason or UNBALANCED)
                    pos = start + 1
                else:
                    yield Row(start + 1, got)
                    pos = start + span
                break  # start a new reader at ``pos``
            span = reader.line_num - base
            if span > 1 and (
                len(cells) != width
                or span > MAX_RECORD_LINES
                or _swallows_rows(lines, start, span, delimiter, width)
            ):
                yield BadRow(start + 1, UNBALANCED)
                pos = start + 1
                break
            yield Row(start + 1, cells)
            pos = start + span
        # (the inner loop only breaks to re-start the reader at ``pos``)
