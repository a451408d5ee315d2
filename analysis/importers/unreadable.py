"""Files closeknit cannot read, named when they can be recognised, with what to export instead.

:func:`analysis.importers.detect` asks :func:`recognise` before it refuses a file, so the refusal
says "this looks like X; export Y instead" rather than only "unknown format". Each recogniser looks
at the content first (magic bytes, SQLite table names, zip member names, HTML markers); a file name
only decides where the content cannot (an encrypted backup is random bytes).

Recognised: a Signal backup (``signal-*.backup``, encrypted) and Signal Desktop's text export or
encrypted ``db.sqlite``; an Instagram or Facebook export in HTML (``message_1.html`` or a zip of
them) or one without its messages; an encrypted WhatsApp backup (``msgstore.db.crypt12/14/15``);
Android's contacts database (``contacts2.db``) and SMS database (``mmssms.db``); the iPhone's
``AddressBook.sqlitedb``; a Mac address book (``.abbu`` folder, ``.abcddb`` database); a Google
Takeout zip (with or without the parts closeknit reads); a Telegram Desktop HTML export; a PDF;
an Excel or OpenDocument spreadsheet; a zip holding files closeknit reads (a vCard, a calendar, a
CSV).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from analysis.importers.base import SourceFile

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Unreadable:
    """What a file looks like and what to give closeknit instead."""

    what: str
    instead: str

    def reason(self) -> str:
        """The refusal's reason: ``this looks like X; Y``."""
        return f"this looks like {self.what}; {self.instead}"


SIGNAL = Unreadable(
    "a Signal backup (it is encrypted with your 30-digit passphrase)",
    "closeknit cannot read Signal's backups: Signal has no readable export, so log the people "
    "you talk to there in an interaction CSV (timestamp, contact, channel) instead",
)
SIGNAL_DESKTOP = Unreadable(
    "a Signal Desktop chat export",
    "closeknit does not read Signal exports: log the people you talk to there in an "
    "interaction CSV (timestamp, contact, channel) instead",
)
SIGNAL_DB = Unreadable(
    "Signal Desktop's encrypted database (db.sqlite)",
    "closeknit cannot read it: log the people you talk to on Signal in an interaction CSV "
    "(timestamp, contact, channel) instead",
)
META_HTML = Unreadable(
    "a Facebook Messenger or Instagram export in HTML",
    'export again in JSON instead: in "Download your information" choose Format: JSON '
    "(and Messages), then give closeknit the .zip or its message_1.json files",
)
META_NO_MESSAGES = Unreadable(
    "a Facebook or Instagram export without messages",
    'export again with Messages selected instead: in "Download your information" choose '
    "Messages and Format: JSON, then give closeknit the .zip",
)
WHATSAPP_CRYPT = Unreadable(
    "an encrypted WhatsApp backup (msgstore.db.crypt)",
    "export each chat instead: in WhatsApp open the chat, tap the menu > More > Export chat "
    "(without media), and give closeknit the .txt or .zip",
)
ANDROID_CONTACTS = Unreadable(
    "Android's contacts database (contacts2.db)",
    "export a vCard instead: in the Contacts app choose Settings > Export (.vcf)",
)
ANDROID_SMS = Unreadable(
    "Android's SMS database (mmssms.db)",
    'back up your messages with "SMS Backup & Restore" instead and give closeknit its XML file',
)
IPHONE_CONTACTS = Unreadable(
    "the iPhone's address book database (AddressBook.sqlitedb)",
    "export a vCard instead: on iCloud.com or in Contacts on a Mac select all contacts and "
    "choose Export vCard",
)
APPLE_ADDRESS_BOOK = Unreadable(
    "a Mac address book archive (.abbu / .abcddb)",
    "export a vCard instead: in Contacts on the Mac select all cards, then File > Export > "
    "Export vCard",
)
TAKEOUT_EMPTY = Unreadable(
    "a Google Takeout archive without the parts closeknit reads",
    "export Contacts, Calendar, Voice or Google Chat in Google Takeout instead, unzip the "
    "archive, and give closeknit the .vcf, .ics and messages.json files inside",
)
TAKEOUT = Unreadable(
    "a Google Takeout archive",
    "unzip it and give closeknit the files inside instead (Contacts/*.vcf, Calendar/*.ics, "
    "Voice/Calls, Google Chat/.../messages.json)",
)
TELEGRAM_HTML = Unreadable(
    "a Telegram Desktop export in HTML",
    "export again instead: in Telegram Desktop, Settings > Advanced > Export Telegram data, "
    'format "Machine-readable JSON", and give closeknit result.json',
)
PDF = Unreadable(
    "a PDF document",
    "closeknit cannot read PDFs: export your contacts as a vCard (.vcf) or CSV, or your "
    "messages from the app itself, instead",
)
SPREADSHEET = Unreadable(
    "a spreadsheet (Excel or OpenDocument)",
    "save it as CSV instead (File > Save As > CSV UTF-8) and give closeknit the .csv",
)
ZIPPED = Unreadable(
    "a .zip archive holding {kinds}",
    "unzip it and give closeknit the files inside instead",
)

_SIGNAL_BACKUP_NAME = re.compile(r"^signal-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.backup$", re.I)
_CRYPT_NAME = re.compile(r"^(?:msgstore|wa|chatsettings|stickers).*\.crypt\d+$", re.I)
_SIGNAL_TXT_RE = re.compile(r"^\[\d{4}-\d{2}-\d{2}[, ]+\d{2}:\d{2}\] [^:\n]+: ", re.M)
_META_HTML_MARKERS = (
    "_a6-g",
    "_2lej",
    "_3-96",
    "pam _3-95",
    "Generated by",
    "Participants:",
    "messages/inbox/",
)
_TELEGRAM_HTML_MARKERS = ('class="page_header"', 'class="history"', 'class="message ')
_READABLE_EXT = {
    ".vcf": "a vCard",
    ".vcard": "a vCard",
    ".ics": "a calendar (.ics)",
    ".csv": "a CSV file",
    ".json": "a JSON file",
    ".xml": "an XML file",
    ".txt": "a text file",
}
_TAKEOUT_READABLE = re.compile(
    r"^Takeout/(?:Contacts|Calendar|Voice|Google Chat|Hangouts)/", re.IGNORECASE
)


def recognise(source: SourceFile) -> Unreadable | None:
    """What ``source`` is when it is a known format closeknit cannot read, else None. Never
    raises."""
    try:
        return _recognise(source)
    except Exception:  # noqa: BLE001 - naming a file is a courtesy; it must never break a refusal
        return None


def _recognise(source: SourceFile) -> Unreadable | None:
    data = source.data
    base = source.name.replace("\\", "/").rsplit("/", 1)[-1]
    low = base.lower()
    if data[:4] == b"PK\x03\x04" or low.endswith(".zip"):
        return _zip(source)
    if data[:16] == SQLITE_MAGIC:
        return _sqlite(data, low)
    if data[:5] == b"%PDF-":
        return PDF
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and low.endswith((".xls", ".xlt")):
        return SPREADSHEET
    if _SIGNAL_BACKUP_NAME.match(base) or (low.endswith(".backup") and _random_looking(data)):
        return SIGNAL
    if _CRYPT_NAME.match(base) or re.search(r"\.db\.crypt\d+$", low):
        return WHATSAPP_CRYPT
    if low == "db.sqlite" or (low.endswith(".sqlite") and _random_looking(data)):
        return SIGNAL_DB
    if low.endswith(".abcddb"):
        return APPLE_ADDRESS_BOOK
    head = data[:65536].decode("utf-8", errors="replace")
    return _text(head, low)


def _random_looking(data: bytes) -> bool:
    """True when the start of ``data`` is high-entropy bytes (encrypted), not text."""
    sample = data[:4096]
    return len(sample) >= 64 and len(set(sample)) > 128


def _text(head: str, low: str) -> Unreadable | None:
    stripped = head.lstrip("\ufeff \r\n\t")
    is_html = stripped[:200].lower().startswith(("<!doctype html", "<html")) or low.endswith(
        (".html", ".htm")
    )
    if is_html:
        lowhead = head.lower()
        meta_words = any(w in lowhead for w in ("facebook", "instagram", "messenger"))
        if re.match(r"message_\d+\.html?$", low) or (
            meta_words and any(m in head for m in _META_HTML_MARKERS)
        ):
            return META_HTML
        if all(m in head for m in _TELEGRAM_HTML_MARKERS):
            return TELEGRAM_HTML
        return None
    lines = [ln for ln in stripped.splitlines()[:40] if ln.strip()]
    if lines and sum(1 for ln in lines if _SIGNAL_TXT_RE.match(ln)) >= max(1, len(lines) // 2):
        return SIGNAL_DESKTOP
    return None


def _sqlite(data: bytes, low: str) -> Unreadable | None:
    """An SQLite database, told by the tables its schema creates (found in its bytes)."""
    if b"CREATE TABLE raw_contacts" in data or low == "contacts2.db":
        return ANDROID_CONTACTS
    if b"ZABCDRECORD" in data or low.endswith(".abcddb"):
        return APPLE_ADDRESS_BOOK
    if b"CREATE TABLE ABPerson" in data or low == "addressbook.sqlitedb":
        return IPHONE_CONTACTS
    if (b"CREATE TABLE sms" in data and b"CREATE TABLE pdu" in data) or low == "mmssms.db":
        return ANDROID_SMS
    return None


def _zip(source: SourceFile) -> Unreadable | None:
    """A zip, told by its member names."""
    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return SPREADSHEET
    if b"opendocument.spreadsheet" in mimetype:
        return SPREADSHEET
    lows = [n.lower() for n in names]
    if any(re.search(r"(?:^|/)messages/[^/]+/[^/]+/message_\d+\.html?$", n) for n in lows):
        return META_HTML
    if any(
        n.startswith(("your_facebook_activity/", "your_instagram_activity/"))
        or "/profile_information/" in n
        or n.startswith("profile_information/")
        for n in lows
    ):
        return META_NO_MESSAGES
    if names and all(n.startswith("Takeout/") for n in names):
        return TAKEOUT if any(_TAKEOUT_READABLE.match(n) for n in names) else TAKEOUT_EMPTY
    if any(n.endswith(".abcddb") or ".abbu/" in n for n in lows):
        return APPLE_ADDRESS_BOOK
    kinds = []
    for n in lows:
        for ext, kind in _READABLE_EXT.items():
            if n.endswith(ext) and kind not in kinds:
                kinds.append(kind)
    if kinds:
        return Unreadable(ZIPPED.what.format(kinds=" and ".join(kinds[:3])), ZIPPED.instead)
    return None
