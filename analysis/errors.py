"""Every exception type closeknit raises on purpose, in one place. Each carries where the problem
is and why; the library raises, the CLI and the dashboard render (nothing here prints)::

    CloseknitError                 base of all; the CLI prints "closeknit: <message>", exit 2
    ├── UnrecognisedFormatError    a file in no format closeknit reads (names what it reads)
    ├── UnusableFileError          a known format with nothing usable (empty, truncated, encrypted)
    ├── CouldNotReadError          an importer failed unforeseen: that file is reported, not read
    ├── RecordError                one record that cannot be used (the importer skips and counts it)
    ├── StoreError                 the store cannot be used: corrupt, newer, locked, read-only
    └── InvalidChoiceError         a value outside the allowed choices (a channel, a decision kind)

Importers turn ``RecordError`` into a skipped record and every other error of a file into that
file's report (``FileReport.error``); one bad file never stops the others.
"""

from __future__ import annotations


class CloseknitError(Exception):
    """Base class of every error closeknit raises on purpose."""


class UnrecognisedFormatError(CloseknitError):
    """A file whose content matches none of the formats closeknit reads.

    ``expected`` names what closeknit looked for, so the message can say so.
    """

    def __init__(self, file: str, reason: str, expected: str) -> None:
        self.file = file
        self.reason = reason
        self.expected = expected
        super().__init__(f"{file}: {reason}. closeknit reads {expected}.")


class UnusableFileError(CloseknitError):
    """A file of a known format that holds nothing usable (empty, truncated, wrong encoding)."""

    def __init__(self, file: str, reason: str, where: str | None = None) -> None:
        self.file = file
        self.reason = reason
        self.where = where
        at = f" ({where})" if where else ""
        super().__init__(f"{file}{at}: {reason}")


class CouldNotReadError(CloseknitError):
    """A file an importer failed on in a way it did not foresee (a bug, or input beyond its
    limits). The file is reported as not read, with the reason; the other files are imported."""

    def __init__(self, file: str, cause: BaseException) -> None:
        self.file = file
        self.cause = cause
        detail = str(cause).strip().splitlines()[0][:200] if str(cause).strip() else ""
        reason = f"{type(cause).__name__}: {detail}" if detail else type(cause).__name__
        super().__init__(f"{file}: could not read: {reason}")


class RecordError(CloseknitError):
    """One record (a card, a row, a message) that cannot be used; the rest of the file can.

    Importers catch these per record and turn them into ``Skipped`` entries of the report.
    """

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class StoreError(CloseknitError):
    """The store file cannot be opened or is not a closeknit store."""


class InvalidChoiceError(CloseknitError):
    """A value outside the choices closeknit knows (a channel, a direction, a decision kind)."""

    def __init__(self, what: str, value: object, choices: tuple[str, ...]) -> None:
        self.what = what
        self.value = value
        self.choices = choices
        super().__init__(f"unknown {what} {value!r}; one of {', '.join(choices)}")
