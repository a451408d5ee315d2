"""What every importer takes and gives: the source file, the options, the result and its report.

An importer module exposes two functions::

    def sniff(name: str, head: str) -> Detection | None
        # ``head`` is the decoded start of the file (about 64 KB). Return a Detection when the
        # content is this format, else None. Never raise.

    def parse(source: SourceFile, options: ImportOptions) -> ImportResult
        # Read the whole file. One bad record costs one record: append a Skipped to the report
        # and go on. Raise UnusableFileError only when nothing in the file can be used.

and may expose either of two optional hooks for files that are not text::

    def sniff_zip(source: SourceFile) -> Detection | None
        # A .zip archive (WhatsApp export, Meta "Download your information"...): look at its
        # member names (and a member's start), return a Detection when it is this format.
        # Every importer with the hook is asked; the most confident answer wins.

    def sniff_binary(source: SourceFile) -> Detection | None
        # Any other binary file (an SQLite database such as Messages' chat.db): look at the
        # bytes (magic header, table names), never write to or lock the user's file.

A hook that raises counts as "not mine" (detection goes on with the others). The module is
registered in :mod:`analysis.importers` (``IMPORTERS``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis.model import empty_contacts, empty_interactions


@dataclass(frozen=True)
class SourceFile:
    """One file the user brought: its name (no directories needed) and its raw bytes."""

    name: str
    data: bytes

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the content: the file's identity (the same export under another name is
        the same file)."""
        return hashlib.sha256(self.data).hexdigest()

    def prefix_digests(self, sizes: Iterable[int]) -> dict[int, str]:
        """SHA-256 of the first ``size`` bytes of the content, for each of ``sizes``: one pass
        over the bytes, which gives :attr:`digest` too when it is not known yet (a newer
        export of a stored log is recognised by its head; a 50 MB log is then hashed once, not
        twice)."""
        view = memoryview(self.data)
        h, at, out = hashlib.sha256(), 0, {}
        for size in sorted(set(sizes)):
            h.update(view[at:size])
            at = size
            out[size] = h.copy().hexdigest()
        if "digest" not in self.__dict__:
            h.update(view[at:])
            self.__dict__["digest"] = h.hexdigest()  # as cached_property keeps it
        return out

    @classmethod
    def from_path(cls, path: str) -> SourceFile:
        """Read a file from disk."""
        p = Path(path)
        return cls(name=p.name, data=p.read_bytes())


@dataclass(frozen=True)
class ImportOptions:
    """What the user tells closeknit once.

    region: ISO 3166 country code used to read phone numbers without a ``+`` prefix.
    timezone: IANA zone used to read naive timestamps.
    dayfirst: force day-first (True) or month-first (False) reading of ambiguous dates;
        None = detect from the data and report when it cannot be told.
    me: names/handles/numbers that are the user in chat exports (to tell direction).
    column_map: for a CSV the detector was unsure about, ``{canonical column: file column}``.
    """

    region: str = "US"
    timezone: str = "UTC"
    dayfirst: bool | None = None
    me: tuple[str, ...] = ()
    column_map: tuple[tuple[str, str], ...] = ()

    def column_map_dict(self) -> dict[str, str]:
        return dict(self.column_map)


@dataclass(frozen=True)
class Detection:
    """What a file is. ``format`` is the importer key (``vcard``, ``contacts_csv``,
    ``interactions_csv``, ...); ``label`` is what the user sees (``vCard 3.0``,
    ``Google Contacts CSV``); ``confidence`` in [0, 1]; ``notes`` say why, or what is unsure."""

    format: str
    label: str
    confidence: float = 1.0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A record that was not imported: where it was (``card 4 (line 37)``, ``row 12``) and why."""

    where: str
    reason: str


@dataclass
class FileReport:
    """The honest account of one file: ``read == imported + len(skipped)`` always holds.

    ``warnings`` are things that were imported but with a caveat (a vobject line it could not
    parse, an ambiguous date order, an unknown channel mapped to ``other``); ``notes`` are
    plain information (``dates read as day-first: 31/01/2024 on row 4``).
    """

    file: str
    format: str
    label: str
    read: int = 0
    imported: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    ambiguous_date_order: bool = False
    """True when the file's dates read both as day/month and as month/day and nothing in the
    file told which (the dashboard then asks, and re-reads the file with ``dayfirst`` set)."""
    encoding: str | None = None
    """The text encoding the file was decoded with, when it is text (``utf-8``, ``cp1251``...)."""
    already_known: dict[str, int] = field(default_factory=dict)
    """Records of this file that an earlier file already gave, by that file's name (a newer
    export of the same chat, the same log in another layout): counted once, never twice."""

    @property
    def usable(self) -> bool:
        return self.error is None and self.imported > 0

    def skip(self, where: str, reason: str) -> None:
        """Record one skipped record (counts it as read)."""
        self.skipped.append(Skipped(where, reason))
        self.read += 1

    def to_dict(self) -> dict:
        """The JSON shape of ``closeknit import --json``'s ``files`` entries."""
        return {
            "file": self.file,
            "format": self.label,
            "read": self.read,
            "imported": self.imported,
            "skipped": [{"where": s.where, "reason": s.reason} for s in self.skipped],
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            **({"error": self.error} if self.error else {}),
            **({"ambiguous_date_order": True} if self.ambiguous_date_order else {}),
            **({"encoding": self.encoding} if self.encoding else {}),
            **({"already_known": dict(self.already_known)} if self.already_known else {}),
        }


@dataclass
class ImportResult:
    """What one importer returns for one file."""

    contacts: pd.DataFrame = field(default_factory=empty_contacts)
    interactions: pd.DataFrame = field(default_factory=empty_interactions)
    report: FileReport | None = None
    who: pd.Categorical | None = None
    """The interactions' ``who`` as a categorical (row for row, each distinct identity once),
    when the importer coded it already: the store takes it instead of hashing a million rows
    again (:func:`analysis.store.store.who_categorical`). None: the store codes it."""
    event_id: pd.Categorical | None = None
    """The interactions' ``event_id`` as a categorical, when the importer coded it already (as
    :attr:`who`): the store's content keys and stored batch take it as it is."""


def stable_id(*parts: object) -> str:
    """A short, stable identifier from its parts (used for ``contact_id`` and ``event_id``)."""
    h = hashlib.blake2b("\x1f".join(str(p) for p in parts).encode("utf-8"), digest_size=8)
    return h.hexdigest()
