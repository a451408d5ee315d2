"""Importers: detect a file's format by its content and read it into contacts and interactions.

``IMPORTERS`` lists the importer modules, each with ``sniff(name, head)`` and
``parse(source, options)`` (see :mod:`analysis.importers.base`). :func:`detect` asks every one and
keeps the most confident answer; :func:`import_file` reads a file and always returns a report,
even for a file it refuses.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType

from analysis.errors import (
    CloseknitError,
    CouldNotReadError,
    UnrecognisedFormatError,
    UnusableFileError,
)
from analysis.importers import unreadable
from analysis.importers.base import (
    Detection,
    FileReport,
    ImportOptions,
    ImportResult,
    SourceFile,
)
from analysis.importers.text import decode, guess_encoding, looks_binary

_MODULES = (
    "vcard",
    "contacts_csv",
    "interactions_csv",
    "whatsapp",
    "telegram",
    "ics",
    "sms_xml",
    "gvoice",
    "mail",
    "linkedin_messages",
    "meta",
    "imessage",
)

EXPECTED = (
    "vCard (.vcf), contact CSV (Google, Outlook, LinkedIn, or any CSV with name/e-mail/phone "
    "columns), an interaction log CSV (timestamp + contact columns), WhatsApp chat exports "
    "(.txt/.zip), Telegram result.json, calendars (.ics), Android SMS Backup & Restore XML, "
    "Google Voice Takeout, e-mail (mbox from Gmail Takeout, Thunderbird or Apple Mail; .eml), "
    "LinkedIn messages.csv, Messenger and Instagram exports (JSON), Messages chat.db (Mac)"
)
"""What closeknit reads, for the message that refuses a file."""

HEAD_BYTES = 65_536


def _load_importers() -> dict[str, ModuleType]:
    mods: dict[str, ModuleType] = {}
    for name in _MODULES:
        try:
            mods[name] = importlib.import_module(f"analysis.importers.{name}")
        except ModuleNotFoundError as exc:  # pragma: no cover - only while a module is missing
            if exc.name != f"analysis.importers.{name}":
                raise
    return mods


IMPORTERS: dict[str, ModuleType] = _load_importers()


def head_text(data: bytes) -> str:
    """The decoded start of a file, as given to ``sniff``."""
    head = data[:HEAD_BYTES]
    enc = guess_encoding(data[:HEAD_BYTES])
    text = head.decode(enc, errors="replace")
    return text.lstrip("\ufeff")


def detect(source: SourceFile) -> Detection:
    """The format of ``source``, judged by content (the name only breaks ties).

    * a zip archive is asked of every importer with a ``sniff_zip(source)``, the most confident
      answer wins;
    * another binary file (an SQLite database...) is asked of every importer with a
      ``sniff_binary(source)``;
    * text is asked of every importer's ``sniff(name, head)``.

    A sniffer that raises counts as "not mine", never as an error. Raises
    :class:`UnrecognisedFormatError` for empty, binary or unknown content, naming what closeknit
    reads; when :mod:`analysis.importers.unreadable` recognises the file (a Signal backup, an
    export in HTML, a PDF...), the message says what it looks like and what to export instead.
    """
    if not source.data or source.data.isspace():  # isspace stops at the first other byte
        raise UnrecognisedFormatError(source.name, "the file is empty", EXPECTED)
    if source.name.lower().endswith(".zip") or source.data[:4] == b"PK\x03\x04":
        det = _best_hook(source, "sniff_zip")
        if det:
            return det
        raise _refusal(
            source,
            "this zip archive holds no WhatsApp chat export, no Messenger or Instagram JSON "
            "export and nothing else closeknit reads",
        )
    if looks_binary(source.data):
        det = _best_hook(source, "sniff_binary")
        if det:
            return det
        raise _refusal(source, "the content is binary, not text (is it really this kind of file?)")
    head = head_text(source.data)
    best: Detection | None = None
    for mod in IMPORTERS.values():
        try:
            det = mod.sniff(source.name, head)
        except Exception:  # noqa: BLE001 - a sniffer must never break detection of others
            det = None
        if det and (best is None or det.confidence > best.confidence):
            best = det
    if best is None:
        first = head.strip().splitlines()[0][:80] if head.strip() else ""
        raise _refusal(
            source, f"its content is not a format closeknit knows (it starts with {first!r})"
        )
    return best


def _best_hook(source: SourceFile, hook: str) -> Detection | None:
    """The most confident answer of the importers that have ``hook`` (``sniff_zip`` or
    ``sniff_binary``); an importer whose hook raises is refused, the others still asked."""
    best: Detection | None = None
    for mod in IMPORTERS.values():
        sniffer = getattr(mod, hook, None)
        if sniffer is None:
            continue
        try:
            det = sniffer(source)
        except Exception:  # noqa: BLE001 - a sniffer must never break detection of others
            det = None
        if isinstance(det, Detection) and (best is None or det.confidence > best.confidence):
            best = det
    return best


def _refusal(source: SourceFile, reason: str) -> UnrecognisedFormatError:
    """The error refusing ``source``: "this looks like X; export Y instead" when
    :func:`analysis.importers.unreadable.recognise` names it, else ``reason``."""
    known = unreadable.recognise(source)
    return UnrecognisedFormatError(source.name, known.reason() if known else reason, EXPECTED)


def import_file(source: SourceFile, options: ImportOptions | None = None) -> ImportResult:
    """Detect and read one file. Never raises for bad content: a refused or unusable file comes
    back with an empty result and ``report.error`` set."""
    return begin_import(source, options)()


def begin_import(
    source: SourceFile, options: ImportOptions | None = None
) -> Callable[[], ImportResult]:
    """:func:`import_file` in two steps: detect and start reading ``source``, and return the
    function that gives its :class:`ImportResult`. Importers with a ``begin`` (the vCard
    importer, which parses a big file on worker processes) work between the two calls, while the
    caller reads other files; the returned function then carries ``background = True``. For the
    others the reading happens in the returned function."""
    options = options or ImportOptions()
    try:
        det = detect(source)
    except UnrecognisedFormatError as exc:
        mapped = _mapped_csv(source, options)
        if mapped is None:
            refused = ImportResult(
                report=FileReport(source.name, "unknown", "unknown", error=str(exc))
            )
            return lambda: refused
        det = mapped
    mod = IMPORTERS[det.format]

    def failed(exc: CloseknitError) -> ImportResult:
        return ImportResult(report=FileReport(source.name, det.format, det.label, error=str(exc)))

    def finish(read: Callable[[], ImportResult]) -> ImportResult:
        try:
            result = read()
        except CloseknitError as exc:
            return failed(exc)
        except (MemoryError, RecursionError, Exception) as exc:  # noqa: BLE001 - isolation
            # An importer bug must cost this file, never the other files or the session.
            return failed(CouldNotReadError(source.name, exc))
        rep = result.report or FileReport(source.name, det.format, det.label)
        if det.notes:
            rep.notes[:0] = [n for n in det.notes if n not in rep.notes]
        result.report = rep
        return result

    if not hasattr(mod, "begin"):
        return lambda: finish(lambda: mod.parse(source, options))
    try:
        started = mod.begin(source, options)
    except CloseknitError as exc:
        error = failed(exc)
        return lambda: error
    except Exception as exc:  # noqa: BLE001 - isolation, as in finish()
        error = failed(CouldNotReadError(source.name, exc))
        return lambda: error

    def done() -> ImportResult:
        return finish(started)

    done.background = True  # type: ignore[attr-defined]  # work is under way already
    return done


def _mapped_csv(source: SourceFile, options: ImportOptions) -> Detection | None:
    """A CSV the detector could not place but the user mapped by hand (``options.column_map``):
    a map with a time and a contact column makes it a log, otherwise a contact list."""
    cmap = options.column_map_dict()
    if not cmap or looks_binary(source.data):
        return None
    if cmap.keys() & {"timestamp", "date"} and cmap.keys() & {"contact", "who"}:
        return Detection("interactions_csv", "Interaction log CSV (your column mapping)", 0.5)
    return Detection("contacts_csv", "Contact CSV (your column mapping)", 0.5)


__all__ = [
    "EXPECTED",
    "IMPORTERS",
    "Detection",
    "FileReport",
    "ImportOptions",
    "ImportResult",
    "SourceFile",
    "UnusableFileError",
    "decode",
    "detect",
    "begin_import",
    "import_file",
]
