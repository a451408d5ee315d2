"""Exception types raised by the library. Each carries where the problem is and why.

The library raises, the CLI and the dashboard render: nothing here prints.
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
