"""Interaction logs as CSV: a user's own log or a phone's export, one contact event per row.

Canonical columns: ``timestamp, contact, channel, direction, duration_min, event_id, note``.
Also read: split ``date`` + ``time`` columns; day-first or month-first dates (told from the data,
and reported when the data cannot tell); who-columns ``Name / Who / With / Contact / Number /
Phone / Email`` (the first non-empty one of a row wins); ``Type / Channel / Medium / Via``;
``Direction / Incoming / Outgoing``; ``Duration / Minutes / Seconds``; comma, semicolon, tab or
pipe delimiters. Headers are compared without case, spaces or punctuation.

Vectorised: one ``pandas.read_csv`` (C engine), one ``pd.to_datetime`` with the format detected on
a sample, and the channel/direction/duration vocabularies mapped over unique values only.
"""

from __future__ import annotations

import io
import re
import warnings as pywarnings
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from analysis import dates
from analysis.channels import normalize_channel
from analysis.dates import OUT_OF_RANGE_REASON, TIMESTAMP_MAX, TIMESTAMP_MIN
from analysis.errors import UnusableFileError
from analysis.importers.base import (
    Detection,
    FileReport,
    ImportOptions,
    ImportResult,
    Skipped,
    SourceFile,
)
from analysis.importers.csvsniff import (
    BadRow,
    CsvLayout,
    describe_columns,
    find_layout,
    header_key,
    layout_with_map,
    read_rows,
)
from analysis.importers.text import Decoded, decode_text, encoding_name, guess_encoding
from analysis.model import CHANNELS, DIRECTIONS, empty_interactions, interactions_frame

FORMAT = "interactions_csv"
LABEL = "Interaction log CSV"

# Column vocabularies, by role; within a role the first alias found wins.
TIMESTAMP_ALIASES = (
    "timestamp",
    "datetime",
    "date time",
    "date and time",
    "date/time",
    "time stamp",
    "when",
    "start",
    "start time",
    "started",
    "started at",
    "start datetime",
    "occurred at",
)
DATE_ALIASES = ("date", "day", "call date", "start date", "event date")
TIME_ALIASES = ("time", "hour", "call time", "time of day")
WHO_ALIASES = (
    "contact",
    "who",
    "with",
    "name",
    "person",
    "contact name",
    "display name",
    "full name",
    "caller",
    "participant",
    "friend",
    "number",
    "phone",
    "phone number",
    "mobile",
    "email",
    "e-mail",
    "email address",
    "e-mail address",
    "address",
    "handle",
)
CHANNEL_ALIASES = ("channel", "type", "medium", "via", "kind", "method", "how", "app", "service")
DIRECTION_ALIASES = (
    "direction",
    "incoming",
    "outgoing",
    "in/out",
    "inbound/outbound",
    "initiated by",
    "initiator",
    "who initiated",
)
MINUTES_ALIASES = (
    "duration_min",
    "duration min",
    "duration (min)",
    "duration (minutes)",
    "duration minutes",
    "minutes",
    "mins",
    "min",
    "length (min)",
)
SECONDS_ALIASES = (
    "duration_sec",
    "duration sec",
    "duration (s)",
    "duration (sec)",
    "duration (seconds)",
    "duration seconds",
    "seconds",
    "secs",
    "sec",
)
DURATION_ALIASES = ("duration", "length", "call duration")
EVENT_ALIASES = ("event_id", "event id", "event", "group", "group id", "meeting id")
NOTE_ALIASES = (
    "note",
    "notes",
    "comment",
    "comments",
    "description",
    "subject",
    "summary",
    "details",
    "memo",
)

_ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    "timestamp": TIMESTAMP_ALIASES,
    "date": DATE_ALIASES,
    "time": TIME_ALIASES,
    "channel": CHANNEL_ALIASES,
    "direction": DIRECTION_ALIASES,
    "duration_min": MINUTES_ALIASES,
    "duration_sec": SECONDS_ALIASES,
    "duration": DURATION_ALIASES,
    "event_id": EVENT_ALIASES,
    "note": NOTE_ALIASES,
}
KNOWN_KEYS: frozenset[str] = frozenset(
    header_key(a) for aliases in (*_ROLE_ALIASES.values(), WHO_ALIASES) for a in aliases
)
"""Every column key this importer knows (used to find the header row)."""

MAP_ROLES = (
    "timestamp",
    "date",
    "time",
    "contact",
    "channel",
    "direction",
    "duration_min",
    "duration_sec",
    "duration",
    "event_id",
    "note",
)
"""The canonical names a ``column_map`` may use (``who`` is accepted for ``contact``)."""

DIRECTION_VALUES: dict[str, str] = {
    **dict.fromkeys(
        (
            "outgoing",
            "out",
            "o",
            "sent",
            "send",
            "outbound",
            "dialed",
            "dialled",
            "called",
            "me",
            "i called",
            "i did",
            "mine",
            "self",
            "to",
            "outgoing call",
            "outgoing message",
        ),
        "outgoing",
    ),
    **dict.fromkeys(
        (
            "incoming",
            "in",
            "i",
            "received",
            "receive",
            "recv",
            "inbound",
            "missed",
            "missed call",
            "rejected",
            "declined",
            "voicemail",
            "them",
            "they",
            "they did",
            "from",
            "incoming call",
            "incoming message",
            "answered",
        ),
        "incoming",
    ),
    **dict.fromkeys(("both", "mutual", "together", "shared", "each other", "we"), "mutual"),
    **dict.fromkeys(("", "unknown", "?", "n/a", "na", "none", "-"), "unknown"),
}
"""Lower-cased direction words -> :data:`analysis.model.DIRECTIONS`. ``I``/``O`` are
incoming/outgoing as phone exports abbreviate them; a missed call was the other side's reach."""

_TRUE = frozenset({"yes", "y", "true", "t", "1", "x", "✓", "✔"})
_FALSE = frozenset({"no", "n", "false", "f", "0"})

SAMPLE_SIZE = 500
"""How many non-empty date values the date format is detected on."""

MAX_EXTRA_FORMATS = 2
"""Further formats tried on the values the best one left unread (abbreviated and full month
names in one column); the day/month order is never changed by them."""

ISO_SHARE = 0.5
"""Share of sampled values starting ``YYYY-MM-DD`` above which the column is read as ISO 8601
(ISO is unambiguous; the other values are then bad rows, reported one by one)."""

_DM_RE = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})(?!\d)"
_TZ_RE = r"(?:Z|[+-]\d{2}:?\d{2})\s*$"
_ISO_START = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}")

_DMY = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y", "%d.%m.%y", "%d-%m-%y")
_MDY = ("%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y", "%m-%d-%y")
_OTHER_DATES = (
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%a, %d %b %Y",
    "%A, %B %d, %Y",
    "%Y%m%d",
)
_TIME_FORMATS = (
    "%H:%M",
    "%H:%M:%S",
    "%I:%M %p",
    "%I:%M:%S %p",
    "%I:%M%p",
    "%H:%M:%S.%f",
    "%H.%M",
    "%Hh%M",
)
_TIME_SUFFIXES = ("",) + tuple(
    f"{sep}{t}" for sep in (" ", "T", ", ", " - ") for t in _TIME_FORMATS
)


# --------------------------------------------------------------------------------------------
# detection


def _roles(layout: CsvLayout, column_map: dict[str, str]) -> dict[str, Any]:
    """Column index per role (``who`` is a list of indexes, first non-empty wins)."""
    roles: dict[str, Any] = {}
    for role, aliases in _ROLE_ALIASES.items():
        idx = layout.find(*aliases)
        if idx is not None:
            roles[role] = idx
    who = []
    for alias in WHO_ALIASES:
        idx = layout.find(alias)
        if idx is not None and idx not in who:
            who.append(idx)
    roles["who"] = who
    mapped = dict(column_map)
    if "who" in mapped and "contact" not in mapped:
        mapped["contact"] = mapped.pop("who")
    for role, col in mapped.items():
        idx = layout.column_for(col) if col else None
        if idx is None:
            continue
        if role == "contact":
            roles["who"] = [idx]
        elif role in _ROLE_ALIASES:
            roles[role] = idx
            if role == "timestamp":
                roles.pop("date", None)
                roles.pop("time", None)
            elif role == "date":
                roles.pop("timestamp", None)
    if {"timestamp", "date", "time"} <= roles.keys() and "timestamp" not in mapped:
        roles.pop("timestamp")  # "Date" + "Time" beside a "Start"-like column: use the pair
    if "timestamp" not in roles and "date" not in roles and "time" in roles:
        roles["timestamp"] = roles.pop("time")  # a lone "Time" column holds the whole moment
    return roles


def sniff(name: str, head: str) -> Detection | None:
    """An interaction log: a header with a date/timestamp column and a who-column (contact,
    name, number, e-mail...). Contact exports (whose only dates are Birthday/Anniversary) and
    tables without those columns give None."""
    layout = find_layout(head, KNOWN_KEYS)
    if layout is None:
        return None
    roles = _roles(layout, {})
    if not roles["who"] or ("timestamp" not in roles and "date" not in roles):
        return None
    conf = 0.8 + (0.1 if "channel" in roles else 0.0)
    return Detection(FORMAT, LABEL, conf)


# --------------------------------------------------------------------------------------------
# parsing helpers


def _text_uniques(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, uniques as stripped str)`` of a column; NaN becomes ""."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    texts = np.array(
        [
            "" if (u is None or (isinstance(u, float) and np.isnan(u))) else str(u).strip()
            for u in uniques
        ],
        dtype=object,
    )
    return codes, texts


def _text(values: pd.Series) -> np.ndarray:
    codes, texts = _text_uniques(values)
    return texts[codes] if len(texts) else np.array([], dtype=object)


def _coalesce_who(df: pd.DataFrame, cols: list[int]) -> tuple[np.ndarray, pd.Categorical | None]:
    """The identity of each row (the first of the who-columns that is not empty) and, when
    one column gave them all, the same values as a categorical made from the codes found
    here (:attr:`~analysis.importers.base.ImportResult.who`); None when columns were
    combined."""
    who, coded = _text_coded(df.iloc[:, cols[0]])
    for c in cols[1:]:
        empty = who == ""
        if not empty.any():
            break
        other = _text(df.iloc[:, c])
        who, coded = np.where(empty, other, who), None
    return who, coded


def _text_coded(values: pd.Series) -> tuple[np.ndarray, pd.Categorical]:
    """:func:`_text` of ``values`` and the same texts as a categorical (:func:`_coded`)."""
    codes, texts = _text_uniques(values)
    return texts[codes], _coded(codes, texts)


def _coded(codes: np.ndarray, texts: np.ndarray) -> pd.Categorical:
    """``texts[codes]`` as a categorical: the distinct texts once (two raw values that strip
    to the same text are one category). ``codes`` index ``texts`` (from ``pd.factorize``)."""
    inverse, cats = pd.factorize(texts)  # the texts are distinct unless stripping joined two
    if len(cats) < len(texts):
        codes = inverse[codes]
    return pd.Categorical.from_codes(
        codes, categories=pd.Index(np.asarray(cats, dtype=object), dtype=object), validate=False
    )


def _parse_duration(text: str, unit: str) -> float:
    """Minutes from ``"12"``, ``"1.5"``, ``"1,5"``, ``"mm:ss"`` or ``"hh:mm:ss"``; NaN if none.
    ``unit`` is ``min`` or ``sec`` for a plain number."""
    t = text.strip().lower()
    if not t:
        return float("nan")
    if ":" in t:
        parts = t.split(":")
        try:
            nums = [float(p) for p in parts]
        except ValueError:
            return float("nan")
        if len(nums) == 2:
            return nums[0] + nums[1] / 60
        if len(nums) == 3:
            return nums[0] * 60 + nums[1] + nums[2] / 60
        return float("nan")
    t = re.sub(r"\s*(min(ute)?s?|m|sec(ond)?s?|s)$", "", t).replace(",", ".")
    try:
        v = float(t)
    except ValueError:
        return float("nan")
    return v / 60 if unit == "sec" else v


def _direction_of(value: str, column_key: str) -> str | None:
    v = value.strip().lower()
    if column_key in ("incoming", "outgoing"):
        if v in _TRUE:
            return column_key
        if v in _FALSE:
            return "outgoing" if column_key == "incoming" else "incoming"
    return DIRECTION_VALUES.get(v)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r} in the options (use an IANA name like 'Europe/Berlin')"
        ) from exc


def _plausible(fmt: str, sample: pd.Series) -> bool:
    """Whether ``fmt`` can fit the sample at all (same separators, AM/PM, time or not): prunes
    the candidate formats before trying them."""
    joined = " ".join(sample.iloc[:50])
    has_alpha_month = bool(re.search(r"[A-Za-z]{3}", re.sub(r"(?i)\b[ap]\.?m\.?\b", "", joined)))
    if ("%b" in fmt or "%B" in fmt or "%a" in fmt or "%A" in fmt) != has_alpha_month:
        return False
    if ("%p" in fmt) != bool(re.search(r"(?i)\b[ap]\.?m\b", joined)):
        return False
    if (":" in fmt) != (":" in joined) and "%H.%M" not in fmt and "%Hh%M" not in fmt:
        return False
    date_part = fmt.split(" ")[0]
    return all(sep in joined for sep in "/.-" if sep in date_part)


def _ranked_formats(sample: pd.Series, formats: list[str]) -> list[str]:
    """The formats that parse some of ``sample``, the one parsing most first (ties keep the
    order of ``formats``)."""
    scored = []
    probe = sample.iloc[:20]
    for i, fmt in enumerate(formats):
        if (
            len(sample) > len(probe)
            and pd.to_datetime(probe, format=fmt, errors="coerce").isna().all()
        ):
            continue
        n = int(pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum())
        if n:
            scored.append((-n, i, fmt))
    return [fmt for _, _, fmt in sorted(scored)]


def _best_format(sample: pd.Series, formats: list[str]) -> tuple[str | None, int]:
    """The format that parses the most of ``sample`` (ties: the first)."""
    ranked = _ranked_formats(sample, formats)
    if not ranked:
        return None, 0
    return ranked[0], int(pd.to_datetime(sample, format=ranked[0], errors="coerce").notna().sum())


class _Dates:
    """The outcome of reading a date column: the parsed values and what to tell the user."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.warnings: list[str] = []
        self.absolute = False  # True when the values carried their own zone (Unix time, offsets)


def _day_first(
    values: pd.Series, lineno: np.ndarray, options: ImportOptions, out: _Dates
) -> bool | None:
    """Day-first (True), month-first (False) or not a d/m date at all (None), from every value:
    a first field > 12 means day-first, a second field > 12 month-first."""
    uniq = pd.Series(pd.unique(values.astype(object)), dtype=object)
    parts = uniq.str.extract(_DM_RE)
    has = parts[0].notna()
    if not has.any():
        return None
    dm = uniq[has].reset_index(drop=True)
    decision = dates.day_month_order(
        pd.to_numeric(parts[0][has]).to_numpy(dtype=np.int64),
        pd.to_numeric(parts[1][has]).to_numpy(dtype=np.int64),
    )
    where = pd.Series(lineno, index=values.index) if len(values) else pd.Series(dtype=int)

    def _row_of(v: str) -> int:
        return int(where[values == v].iloc[0])

    if decision.decided and not decision.conflict:
        v = dm.iloc[decision.evidence]
        kind = "day-first" if decision.dayfirst else "month-first"
        out.notes.append(f"dates read as {kind}: {v!r} on row {_row_of(v)}")
        return decision.dayfirst
    if decision.conflict:
        day = decision.dayfirst
        a, b = dm.iloc[decision.evidence], dm.iloc[decision.other_evidence]
        if not day:
            a, b = b, a
        out.warnings.append(
            f"dates disagree: {a!r} (row {_row_of(a)}) is day-first but {b!r} (row "
            f"{_row_of(b)}) is month-first; read as {'day' if day else 'month'}-first (the "
            "majority), rows in the other order are skipped"
        )
        return day
    example = uniq[has].iloc[0]
    if options.dayfirst is not None:
        order = "day-first" if options.dayfirst else "month-first"
        out.notes.append(
            f"dates such as {example!r} could be day-first or month-first; read as {order} "
            "as set in the options"
        )
        return options.dayfirst
    out.warnings.append(
        f"dates such as {example!r} could be day-first or month-first and no value in the file "
        "tells which (no day above 12): read as month-first (US). If they are day-first, "
        "import again with ImportOptions(dayfirst=True) (the dashboard's 'day-first dates' "
        "setting)."
    )
    return False


def _parse_moments(
    values: pd.Series, lineno: np.ndarray, options: ImportOptions, out: _Dates, date_only: bool
) -> pd.Series:
    """tz-aware UTC timestamps (NaT where a value does not parse) from a text column."""
    zone = _zone(options.timezone)
    if pd.api.types.is_numeric_dtype(values.dtype):  # Unix time or 20240131: read as text
        values = pd.Series(_text(values), index=values.index, dtype=object)
        values = values.str.replace(r"\.0$", "", regex=True)
    text = values.fillna("") if values.hasnans else values
    nonempty = text[(text != "").to_numpy()]
    sample = pd.Series(pd.unique(nonempty.iloc[: SAMPLE_SIZE * 4])[:SAMPLE_SIZE], dtype=object)
    if sample.empty:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    if sample.str.fullmatch(r"\s*\d{10}(\d{3})?\s*").all():
        out.absolute = True
        nums = pd.to_numeric(text, errors="coerce")
        unit = "ms" if sample.str.strip().str.len().iloc[0] == 13 else "s"
        out.notes.append(
            f"timestamps read as Unix time in {'milliseconds' if unit == 'ms' else 'seconds'} (UTC)"
        )
        return pd.to_datetime(nums, unit=unit, utc=True, errors="coerce")
    iso_share = sample.map(lambda s: bool(_ISO_START.match(s))).mean()
    if iso_share >= ISO_SHARE:
        has_tz = sample.str.contains(_TZ_RE)
        if has_tz.all():
            out.absolute = True
            return pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
        if not has_tz.any():
            naive = pd.to_datetime(text, format="ISO8601", errors="coerce")
            return _localise(naive, zone)
        tzmask = text.str.contains(_TZ_RE)
        aware = pd.to_datetime(text.where(tzmask, ""), format="ISO8601", errors="coerce", utc=True)
        naive = _localise(
            pd.to_datetime(text.where(~tzmask, ""), format="ISO8601", errors="coerce"), zone
        )
        return aware.where(tzmask, naive)
    dayfirst = _day_first(nonempty, lineno[(text != "").to_numpy()], options, out)
    dates = list(_OTHER_DATES)
    if dayfirst is None or dayfirst:
        dates = list(_DMY) + dates
    if dayfirst is None or not dayfirst:
        dates = list(_MDY) + dates
    suffixes = ("",) if date_only else _TIME_SUFFIXES
    candidates = [d + s for d in dates for s in suffixes if _plausible(d + s, sample)]
    ranked = _ranked_formats(sample, candidates)
    if not ranked:  # ISO 8601 as the last try; values with and without a zone both read
        tzmask = text.str.contains(_TZ_RE).to_numpy(dtype=bool)
        aware = pd.to_datetime(text.where(tzmask, ""), format="ISO8601", errors="coerce", utc=True)
        naive = pd.to_datetime(text.where(~tzmask, ""), format="ISO8601", errors="coerce")
        return aware.where(tzmask, _localise(naive, zone))
    parsed = _to_datetime_uniques(text, ranked[0])
    for fmt in ranked[1 : MAX_EXTRA_FORMATS + 1]:  # e.g. "5 Feb 2024" beside "17 March 2024"
        missing = parsed.isna() & (text != "")
        if not missing.any():
            break
        parsed = parsed.where(~missing, _to_datetime_uniques(text.where(missing, ""), fmt))
    return _localise(parsed, zone)


def _localise(naive: pd.Series, zone: ZoneInfo) -> pd.Series:
    if getattr(naive.dt, "tz", None) is not None:
        return naive.dt.tz_convert("UTC")
    if zone.key == "UTC":
        return naive.dt.tz_localize("UTC")
    ambiguous = np.ones(len(naive), dtype=bool)  # the DST-fold hour: take its first pass
    local = naive.dt.tz_localize(zone, ambiguous=ambiguous, nonexistent="shift_forward")
    return local.dt.tz_convert("UTC")


def _parse_times(values: pd.Series, out: _Dates) -> pd.Series:
    """Time of day as a timedelta (0 where empty, NaT where it does not parse); each distinct
    value is parsed once."""
    codes, texts = _text_uniques(values)
    uniq = pd.Series(texts, dtype=object)
    deltas = pd.Series(pd.Timedelta(0), index=uniq.index)
    nonempty = uniq[uniq != ""]
    if not nonempty.empty:
        fmt, _ = _best_format(nonempty.iloc[:SAMPLE_SIZE], list(_TIME_FORMATS))
        if fmt is None:
            deltas[uniq != ""] = pd.NaT
        else:
            t = pd.to_datetime(nonempty, format=fmt, errors="coerce")
            deltas.loc[nonempty.index] = t - t.dt.normalize()
    return pd.Series(deltas.to_numpy()[codes], index=values.index)


def _to_datetime_uniques(text: pd.Series, fmt: str) -> pd.Series:
    """``pd.to_datetime(text, format=fmt)``, parsing each distinct value once when values
    repeat (dates of a log, or a phone's minute-resolution times)."""
    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    if len(uniques) > len(text) // 2:
        return pd.to_datetime(text, format=fmt, errors="coerce")
    parsed = pd.to_datetime(pd.Series(uniques, dtype=object), format=fmt, errors="coerce")
    return pd.Series(parsed.to_numpy()[codes], index=text.index)


# --------------------------------------------------------------------------------------------
# parse


class _FileText:
    """A log's encoding, decided once for the file.

    A file whose start is UTF-8 is handed to pandas as bytes (no decoding in Python: the fast
    path); any other file is decoded once with :func:`analysis.importers.text.decode_text`
    (BOM, UTF-16, detected legacy encoding, mixed lines), and that text is what every later
    step reads. A file that is UTF-8 at the start but not further on is decoded when pandas
    finds out (once)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.decoded: Decoded | None = None
        head = data[:HEAD_BYTES]
        if guess_encoding(head) in ("utf-8", "utf-8-sig"):
            self.head = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
        else:
            self.decoded = decode_text(data)
            self.head = self.decoded.text[:HEAD_BYTES]

    def full(self) -> Decoded:
        """The whole file decoded (decoding it now if the fast path was taken so far)."""
        if self.decoded is None:
            self.decoded = decode_text(self.data)
        return self.decoded

    @property
    def encoding(self) -> str:
        return self.decoded.encoding if self.decoded is not None else "utf-8"


HEAD_BYTES = 65_536
"""Bytes of the file's start the header is looked for in."""


def _line_count(content: bytes | str) -> int:
    """Physical lines of a file's content (``\n`` or ``\r\n`` endings, or ``\r`` alone)."""
    if isinstance(content, str):
        n = content.count("\n") or content.count("\r")
        return n + (1 if content and not content.endswith(("\n", "\r")) else 0)
    n = content.count(b"\n") or content.count(b"\r")
    return n + (1 if content and not content.endswith((b"\n", b"\r")) else 0)


def _read_frame(
    ftext: _FileText, layout: CsvLayout, text_cols: list[int]
) -> tuple[pd.DataFrame, np.ndarray, list[str], list[Skipped]]:
    """The table below the header: ``(frame, line number of each row, warnings, rows that
    could not be read)``. All columns are read; who/event/note columns keep their exact text.

    The fast reader (pandas' C parser) is kept when it gives one row per physical line. A file
    whose rows do not all have the header's number of fields, or whose rows span lines (a
    quoted note with line breaks, or an unbalanced quote swallowing the rows after it), is read
    row by row instead (:func:`analysis.importers.csvsniff.read_rows`): true line numbers, and
    the rows it cannot read returned as skipped."""
    kwargs = dict(
        sep=layout.delimiter,
        skiprows=layout.header_line,
        header=0,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        engine="c",
        index_col=False,
        quotechar='"',
    )
    warnings: list[str] = []

    def decoded_buffer() -> io.StringIO:
        dec = ftext.full()
        _mixed_warning(dec, warnings)
        return io.StringIO(dec.text)

    if ftext.decoded is None:
        buf: io.IOBase = io.BytesIO(ftext.data)
        kwargs["encoding"] = "utf-8-sig"
    else:
        buf = decoded_buffer()
    try:
        with pywarnings.catch_warnings():
            # pandas only warns (and cuts the extra fields off) when the first row is longer
            # than the header: that row goes to the forgiving reader like any other long row
            pywarnings.simplefilter("error", pd.errors.ParserWarning)
            try:
                frame = pd.read_csv(buf, **kwargs)
            except UnicodeDecodeError:  # UTF-8 at the start, not further on
                kwargs.pop("encoding", None)
                buf = decoded_buffer()
                frame = pd.read_csv(buf, **kwargs)
        content = ftext.data if ftext.decoded is None else ftext.decoded.text
        if len(frame) != _line_count(content) - layout.header_line - 1:
            raise pd.errors.ParserError("rows span lines")
        numeric = [i for i in text_cols if pd.api.types.is_numeric_dtype(frame.dtypes.iloc[i])]
        if numeric:  # digits-only numbers/ids: read those columns again as exact text
            buf.seek(0)
            exact = pd.read_csv(buf, **{**kwargs, "usecols": numeric, "dtype": object})
            for k, i in enumerate(numeric):
                frame.isetitem(i, exact.iloc[:, k].to_numpy())
    except (pd.errors.ParserError, pd.errors.ParserWarning):
        if ftext.decoded is None:
            ftext.full()
            _mixed_warning(ftext.full(), warnings)
        frame, lineno, bad = _read_rows(ftext.full().text, layout)
        return frame, lineno, warnings, bad
    lineno = layout.header_line + 2 + np.arange(len(frame))
    return frame, lineno, warnings, []


def _read_rows(text: str, layout: CsvLayout) -> tuple[pd.DataFrame, np.ndarray, list[Skipped]]:
    """The slow, forgiving reader (csv module, re-synchronising after a broken quote) for a
    table with ragged rows or rows that span lines."""
    width = len(layout.columns)
    rows, numbers, bad = [], [], []
    for row in read_rows(text, layout.header_line + 1, layout.delimiter, width):
        where = f"row {row.line}"
        if isinstance(row, BadRow):
            bad.append(Skipped(where, row.reason))
            continue
        cells = row.cells
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            bad.append(Skipped(where, f"{len(cells)} fields where the header has {width}"))
            continue
        rows.append((cells + [""] * width)[:width])
        numbers.append(row.line)
    frame = pd.DataFrame(rows, columns=[f"c{i}" for i in range(width)], dtype=object)
    return frame, np.array(numbers, dtype=np.int64), bad


def _mixed_warning(dec: Decoded, warnings: list[str]) -> None:
    """Say so (once) when the file mixes UTF-8 lines with lines in a legacy encoding."""
    mixed = dec.mixed_lines
    if not mixed or any(w.startswith("the file mixes encodings") for w in warnings):
        return
    shown = ", ".join(str(n) for n in mixed[:10]) + (" ..." if len(mixed) > 10 else "")
    warnings.append(
        f"the file mixes encodings: {len(mixed)} line(s) were not UTF-8 and were read "
        f"as {encoding_name(dec.legacy or '')} (lines {shown}); check their accents"
    )


def _representable(ts: pd.Series) -> np.ndarray:
    """True where a timestamp is missing or within the range closeknit keeps
    (:data:`analysis.dates.TIMESTAMP_MIN` .. :data:`analysis.dates.TIMESTAMP_MAX`, the
    vectorised form of :func:`analysis.dates.representable`)."""
    lo, hi = TIMESTAMP_MIN, TIMESTAMP_MAX
    if getattr(ts.dt, "tz", None) is None:
        lo, hi = lo.tz_localize(None), hi.tz_localize(None)
    first, last = ts.min(), ts.max()
    if pd.isna(first) or (first >= lo and last <= hi):  # the usual case: two reductions
        return np.ones(len(ts), dtype=bool)
    outside = ts.notna() & ((ts < lo) | (ts > hi))
    return ~outside.to_numpy(dtype=bool)


def parse(source: SourceFile, options: ImportOptions) -> ImportResult:
    """Read an interaction log CSV into an interactions frame and its report.

    Rows with no contact or a date that does not parse are skipped (each with its row number and
    value); unknown channels become ``other`` and unknown directions ``unknown``, counted in the
    report's warnings. Raises :class:`UnusableFileError` when there is no date or contact column.
    Row numbers are file lines (a preamble and blank lines counted); a quoted note spanning lines
    shifts the numbers of the rows after it, since the fast reader counts one line per row.
    """
    report = FileReport(source.name, FORMAT, LABEL)
    try:
        _zone(options.timezone)
    except ValueError as exc:
        raise UnusableFileError(source.name, str(exc)) from exc
    ftext = _FileText(source.data)
    text_head = ftext.head
    column_map = options.column_map_dict()
    layout = layout_with_map(text_head, column_map) if column_map else None
    if layout is None:
        layout = find_layout(text_head, KNOWN_KEYS)
    if layout is None:
        cols = describe_columns(text_head)
        raise UnusableFileError(
            source.name,
            "no header with a date/timestamp column and a contact column (contact, name, "
            f"number, e-mail) was found; columns seen: {', '.join(cols) or 'none'}. Map them "
            "with ImportOptions(column_map=...)",
        )
    roles = _roles(layout, column_map)
    missing = []
    if "timestamp" not in roles and "date" not in roles:
        missing.append("a date or timestamp column")
    if not roles["who"]:
        missing.append("a contact column (contact, who, name, number, e-mail)")
    if missing:
        raise UnusableFileError(
            source.name,
            f"the header ({', '.join(layout.columns)}) has no {' and no '.join(missing)}; map "
            "the columns with ImportOptions(column_map=...)",
            where=f"row {layout.header_line + 1}",
        )
    text_cols = list(roles["who"]) + [roles[r] for r in ("event_id", "note") if r in roles]
    frame, lineno, warnings, cut_wrong = _read_frame(ftext, layout, text_cols)
    report.encoding = ftext.encoding
    report.warnings.extend(warnings)
    who, coded = (
        _coalesce_who(frame, roles["who"]) if len(frame) else (np.array([], dtype=object), None)
    )
    if "timestamp" in roles:
        when_cols = [roles["timestamp"]]
    else:
        when_cols = [roles["date"]] + ([roles["time"]] if "time" in roles else [])
    blank = _blank_rows(frame, who)
    if blank.any():  # empty lines (or rows of empty cells) are not records
        keep = ~blank
        frame = frame.loc[keep].reset_index(drop=True)
        lineno, who = lineno[keep], who[keep]
        coded = coded[keep] if coded is not None else None
    n = len(frame)

    dates = _Dates()
    day_ok = np.ones(n, dtype=bool)
    if "timestamp" in roles:
        ts = _parse_moments(frame.iloc[:, roles["timestamp"]], lineno, options, dates, False)
    else:
        day = _parse_moments_naive_date(frame.iloc[:, roles["date"]], lineno, options, dates)
        day_ok = _representable(day)
        if not day_ok.all():  # before adding times: a far date cannot hold nanoseconds
            day = day.where(day_ok).astype("datetime64[ns]")
        if "time" in roles:
            day = day + _parse_times(frame.iloc[:, roles["time"]], dates)
        zone = ZoneInfo("UTC") if dates.absolute else _zone(options.timezone)
        ts = _localise(day, zone)
    report.notes.extend(dates.notes)
    report.warnings.extend(dates.warnings)

    in_range = _representable(ts) & day_ok
    if not in_range.all():
        ts = ts.where(in_range).astype("datetime64[ns, UTC]")
    ts_ok = ts.notna().to_numpy() if n else np.zeros(0, dtype=bool)
    who_ok = who != ""
    good = ts_ok & who_ok

    # channel and direction, mapped over unique values
    channel, direction = _channels(frame, roles, layout, report)
    direction = _directions(frame, roles, layout, direction, report)
    duration = _durations(frame, roles, report)
    event_id: np.ndarray | str
    if "event_id" in roles and n:
        event_id, event_coded = _text_coded(frame.iloc[:, roles["event_id"]])
    else:  # no event column: every row without an event, one category
        event_id, event_coded = (
            "",
            _coded(np.zeros(n, dtype=np.int64), np.array([""], dtype=object)),
        )
    note = _text(frame.iloc[:, roles["note"]]) if "note" in roles and n else ""

    # skipped rows, each with its row number and value
    report.skipped.extend(cut_wrong)
    bad = np.flatnonzero(~good)
    if len(bad):
        shown = [_text(frame.iloc[bad, c]) for c in when_cols]
        when_bad = (
            shown[0]
            if len(shown) == 1
            else np.where(shown[1] != "", shown[0] + " " + shown[1], shown[0])
        )
        for i, when in zip(bad.tolist(), when_bad.tolist(), strict=True):
            where = f"row {int(lineno[i])}"
            if not who_ok[i]:
                report.skipped.append(Skipped(where, "no contact (the who-column is empty)"))
            elif not in_range[i]:
                report.skipped.append(Skipped(where, f"{OUT_OF_RANGE_REASON}: {when!r}"))
            elif when == "":
                report.skipped.append(Skipped(where, "no date"))
            else:
                report.skipped.append(Skipped(where, f"date {when!r} could not be read"))
    report.read = n + len(cut_wrong)
    report.imported = int(good.sum())
    if report.imported == 0:
        if n == 0:
            raise UnusableFileError(source.name, "the log has a header but no rows")
        result = ImportResult(interactions=empty_interactions(), report=report)
        return result

    def pick(v: object) -> object:
        if isinstance(v, np.ndarray):
            return pd.Series(v[good] if not good.all() else v, dtype=v.dtype, copy=False)
        return v

    frame_out = interactions_frame(
        timestamp=ts[good].reset_index(drop=True) if not good.all() else ts.reset_index(drop=True),
        who=pick(who),
        channel=pd.Categorical.from_codes(channel[good], categories=list(CHANNELS)),
        direction=pd.Categorical.from_codes(direction[good], categories=list(DIRECTIONS)),
        duration_min=pick(duration),
        event_id=pick(event_id),
        note=pick(note),
        source=f"{source.name} ({LABEL})",
    )
    if not good.all():
        coded = coded[good].remove_unused_categories() if coded is not None else None
        event_coded = event_coded[good].remove_unused_categories()
    return ImportResult(interactions=frame_out, report=report, who=coded, event_id=event_coded)


def _blank_rows(frame: pd.DataFrame, who: np.ndarray) -> np.ndarray:
    """Rows whose every cell is empty (blank lines kept to count line numbers right)."""
    blank = who == ""
    if not blank.any():
        return blank
    idx = np.flatnonzero(blank)
    sub = frame.iloc[idx]
    empty = np.ones(len(idx), dtype=bool)
    for i in range(sub.shape[1]):
        col = sub.iloc[:, i]
        if pd.api.types.is_numeric_dtype(col.dtype):
            empty &= col.isna().to_numpy()
        else:
            empty &= _text(col) == ""
    out = np.zeros(len(frame), dtype=bool)
    out[idx[empty]] = True
    return out


def _parse_moments_naive_date(
    values: pd.Series, lineno: np.ndarray, options: ImportOptions, out: _Dates
) -> pd.Series:
    """A date-only column read to naive midnight timestamps (NaT where it does not parse)."""
    utc_options = ImportOptions(dayfirst=options.dayfirst, timezone="UTC", region=options.region)
    parsed = _parse_moments(values, lineno, utc_options, out, date_only=True)
    return parsed.dt.tz_convert("UTC").dt.tz_localize(None)


def _channels(
    frame: pd.DataFrame, roles: dict, layout: CsvLayout, report: FileReport
) -> tuple[np.ndarray, np.ndarray | None]:
    """Channel codes (into CHANNELS) per row, and direction codes (None when no channel value
    names a direction) for values such as a phone's "Type: Incoming/Outgoing/Missed"."""
    n = len(frame)
    other = CHANNELS.index("other")
    if "channel" not in roles:
        report.notes.append("no channel column: every row counted as 'other'")
        return np.full(n, other, dtype=np.int8), None
    codes, texts = _text_uniques(frame.iloc[:, roles["channel"]])
    mapped = [normalize_channel(t) for t in texts]
    counts = np.bincount(codes, minlength=len(texts)) if len(texts) else np.zeros(0, dtype=int)
    as_dir = [DIRECTION_VALUES.get(t.lower(), "unknown") for t in texts]
    unknown = [i for i, m in enumerate(mapped) if m is None and texts[i] != ""]
    if (
        unknown
        and all(as_dir[i] != "unknown" for i in unknown)
        and {m for m in mapped if m} <= {"call"}
    ):
        # a phone's "Type: Incoming/Outgoing/Missed": the rows are calls in that direction
        col = layout.columns[roles["channel"]]
        report.notes.append(
            f"the {col!r} column holds call directions ({', '.join(texts[i] for i in unknown)}): "
            "rows read as calls in that direction"
        )
        for i in unknown:
            mapped[i] = "call"
        unknown = []
    table = np.array([CHANNELS.index(m) if m else other for m in mapped], dtype=np.int8)
    for i in unknown:
        report.warnings.append(
            f"channel {texts[i]!r} not recognised on {int(counts[i])} row"
            f"{'s' if counts[i] != 1 else ''}: counted as 'other'"
        )
    empty = [i for i, t in enumerate(texts) if t == ""]
    if empty and counts[empty[0]]:
        report.warnings.append(
            f"{int(counts[empty[0]])} row(s) with no channel: counted as 'other'"
        )
    chan = table[codes] if n else np.zeros(0, dtype=np.int8)
    if all(d == "unknown" for d in as_dir):
        return chan, None
    # "Incoming call", "Sent", "Missed": the channel value also tells the direction
    dir_table = np.array([DIRECTIONS.index(d) for d in as_dir], dtype=np.int8)
    return chan, (dir_table[codes] if n else np.zeros(0, dtype=np.int8))


def _directions(
    frame: pd.DataFrame,
    roles: dict,
    layout: CsvLayout,
    from_channel: np.ndarray | None,
    report: FileReport,
) -> np.ndarray:
    n = len(frame)
    unknown_code = DIRECTIONS.index("unknown")
    if "direction" not in roles:
        if from_channel is not None:
            return from_channel
        return np.full(n, unknown_code, dtype=np.int8)
    col_key = layout.keys[roles["direction"]]
    codes, texts = _text_uniques(frame.iloc[:, roles["direction"]])
    counts = np.bincount(codes, minlength=len(texts)) if len(texts) else np.zeros(0, dtype=int)
    table = np.empty(len(texts), dtype=np.int8)
    for i, t in enumerate(texts):
        d = _direction_of(t, col_key)
        if d is None:
            report.warnings.append(
                f"direction {t!r} not recognised on {int(counts[i])} row"
                f"{'s' if counts[i] != 1 else ''}: counted as 'unknown'"
            )
            d = "unknown"
        table[i] = DIRECTIONS.index(d)
    out = table[codes] if n else np.zeros(0, dtype=np.int8)
    if from_channel is not None:
        out = np.where(out == unknown_code, from_channel, out).astype(np.int8)
    return out


def _durations(frame: pd.DataFrame, roles: dict, report: FileReport) -> np.ndarray | float:
    for role, unit in (("duration_min", "min"), ("duration_sec", "sec"), ("duration", "min")):
        if role not in roles:
            continue
        col = frame.iloc[:, roles[role]]
        if pd.api.types.is_numeric_dtype(col.dtype):
            vals = col.to_numpy(dtype="float64")
            return vals / 60 if unit == "sec" else vals
        codes, texts = _text_uniques(col)
        table = np.array([_parse_duration(t, unit) for t in texts], dtype="float64")
        bad = [t for t, v in zip(texts, table, strict=True) if t and np.isnan(v)]
        if bad:
            report.warnings.append(
                f"durations not understood ({', '.join(repr(b) for b in bad[:5])}"
                f"{' ...' if len(bad) > 5 else ''}): left unknown"
            )
        return table[codes] if len(frame) else np.zeros(0)
    return float("nan")


# --------------------------------------------------------------------------------------------
# a newer export that appends to a log read before

HEAD_ROWS = 4 * SAMPLE_SIZE
"""Rows of the earlier export read again with the rows a newer export appends: the first
``4 * SAMPLE_SIZE`` rows hold every value the date formats are chosen from, so the new rows are
read with the formats a reading of the whole file chooses."""

_ORDER_NOTE = re.compile(r"^dates (?:read as|such as .* read as) (day|month)-first\b")


def read_appended(
    new: SourceFile, old_size: int, old: FileReport, options: ImportOptions
) -> ImportResult | None:
    """The rows that ``new`` appends to an earlier export of the same log, read without reading
    the earlier rows again; None when that could differ from reading ``new`` whole.

    ``new`` starts with the earlier export's ``old_size`` bytes, which were read with the same
    ``options`` into the report ``old``. The earlier file's header and first :data:`HEAD_ROWS`
    rows are read together with the new rows (so the date formats, the date order and the column
    layout are chosen from the same values as for the whole file). Exact, and used, only when
    the earlier file was read cleanly (no error, nothing skipped, no warning, a date order that
    was decided, UTF-8) and ends with a line break, and the head with the new rows reads with
    nothing skipped and no warning, and with no note the earlier file lacked (a note giving the
    same date order counts as had). Returns the new rows as ``interactions`` and the whole
    file's report: the earlier counts plus the new rows, with the earlier notes.

    A one-month-longer export of a 1,000,000-row log is read in a few hundredths of a second
    instead of seconds (``benchmarks/bench_store.py``).
    """
    data = new.data
    if old.error or old.skipped or old.warnings or old.ambiguous_date_order:
        return None
    if (old.encoding or "utf-8") != "utf-8" or not 0 < old_size < len(data):
        return None
    if data[old_size - 1 : old_size] != b"\n" or guess_encoding(data[:HEAD_BYTES]) != "utf-8":
        return None
    head_text = data[:HEAD_BYTES].decode("utf-8", errors="ignore").lstrip("\ufeff")
    column_map = options.column_map_dict()
    layout = layout_with_map(head_text, column_map) if column_map else None
    layout = layout or find_layout(head_text, KNOWN_KEYS)
    if layout is None:
        return None
    head_end = 0
    for _ in range(layout.header_line + 1 + HEAD_ROWS):
        nl = data.find(b"\n", head_end, old_size)
        if nl < 0:
            return None  # a short earlier file: reading the whole file costs little
        head_end = nl + 1
    orders = {m.group(1) for m in map(_ORDER_NOTE.match, old.notes) if m}
    if len(orders) > 1 or any(n.startswith("dates such as") for n in old.notes):
        return None  # the earlier date order was not told by the dates themselves
    order = next(iter(orders), None)
    opts = options if order is None else replace(options, dayfirst=order == "day")
    try:
        head = parse(SourceFile(new.name, data[:head_end]), opts)
        both = parse(SourceFile(new.name, data[:head_end] + data[old_size:]), opts)
    except UnusableFileError:
        return None
    for rep in (head.report, both.report):
        if rep is None or rep.error or rep.skipped or rep.warnings or rep.encoding != "utf-8":
            return None
        for note in rep.notes:
            m = _ORDER_NOTE.match(note)
            if note not in old.notes and not (m and m.group(1) == order):
                return None
    k = head.report.imported  # type: ignore[union-attr]
    added = both.report.imported - k  # type: ignore[union-attr]
    if added <= 0 or not both.interactions.iloc[:k].reset_index(drop=True).equals(
        head.interactions.reset_index(drop=True)
    ):
        return None
    report = FileReport(
        new.name, old.format, old.label, read=old.read + added, imported=old.imported + added,
        notes=list(old.notes), encoding=old.encoding,
    )  # fmt: skip
    rows = both.interactions.iloc[k:].reset_index(drop=True)
    return ImportResult(interactions=rows, report=report)
