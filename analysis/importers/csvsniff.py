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


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def read_text(data: bytes) -> tuple[str, str, list[int]]:
    """Decode a whole CSV: ``(text, encoding, mixed_lines)``.

    Uses :func:`analysis.importers.text.guess_encoding` (BOM, UTF-16, UTF-8, cp1252). A file that
    is mostly UTF-8 but has some lines in cp1252 (two tools appending to one log) is decoded line
    by line: each line as UTF-8 when it is valid, else as cp1252; ``mixed_lines`` lists the
    1-based numbers of the cp1252 lines (so the report can say so). The BOM is removed.
    """
    from analysis.importers.text import guess_encoding

    enc = guess_encoding(data)
    if enc == "cp1252" and _UTF8_MULTIBYTE.search(data):
        parts, mixed = [], []
        for i, raw in enumerate(data.splitlines(keepends=True), start=1):
            try:
                parts.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                parts.append(raw.decode("cp1252", errors="replace"))
                mixed.append(i)
        return "".join(parts).lstrip("\ufeff"), "utf-8 + cp1252", mixed
    return data.decode(enc, errors="replace").lstrip("\ufeff"), enc, []
