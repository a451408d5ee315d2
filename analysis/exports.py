"""Exports of an analysis: reach-out reminders as an iCalendar file, people and metrics as CSV,
and the report as HTML (the Markdown form is :func:`analysis.report.to_markdown`).

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) are prefixed with a single quote, as OWASP's "CSV injection" guidance
recommends; names in contact files are untrusted input.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from icalendar import Alarm, Calendar, Event

from analysis.importers.base import stable_id
from analysis.occasions import Occasion, next_date

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet treat a cell as a formula (OWASP, CSV Injection)."""

REMINDER_HOUR = 18
"""Local hour of a reminder: early evening, when most people have a moment to write."""

PEOPLE_CSV_COLUMNS = (
    "person_id",
    "name",
    "circle",
    "intimate",
    "roles",
    "status",
    "days_since",
    "expected_interval_days",
    "overdue_ratio",
    "tie_strength",
    "interactions",
    "last_contact",
    "last_channel",
    "offline_share",
    "initiated_share",
    "screen_only",
)


def escape_cell(value: object) -> object:
    """A CSV cell that cannot run as a formula: strings starting with a formula character get a
    leading ``'``; numbers and everything else pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def people_csv(people: pd.DataFrame) -> str:
    """People and their metrics (:attr:`analysis.engine.Analysis.people`) as CSV text, with
    formula-safe cells. Lists are joined with ``; ``."""
    cols = [c for c in PEOPLE_CSV_COLUMNS if c in people.columns]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(cols)
    for row in people[cols].itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, (list, tuple)):
                v = "; ".join(str(x) for x in v)
            elif v is None or (not isinstance(v, str) and pd.isna(v)):
                v = ""
            elif isinstance(v, float):
                v = round(v, 3)
            elif isinstance(v, pd.Timestamp):
                v = v.date().isoformat()
            cells.append(escape_cell(v))
        writer.writerow(cells)
    return buf.getvalue()


def reminders_ics(
    suggestions: pd.DataFrame,
    start: date,
    timezone: str = "UTC",
    per_day: int = 1,
    yearly: Sequence[tuple[str, Occasion]] = (),
) -> bytes:
    """Reach-out reminders as an iCalendar file: the ranked suggestions spread over the days
    from ``start``, ``per_day`` a day (one short check-in a day: docs/metrics.md; a suggestion
    with a date behind it, ``on``, at the latest on that date), each a 15-minute
    event at :data:`REMINDER_HOUR` local time with the reason, the small step and the draft
    message, and a display alarm at its start. ``yearly``: ``(name, occasion)`` pairs of
    birthdays and anniversaries, written as all-day events that repeat every year (leave out the
    people the user marked "in memory" or "don't suggest" before calling)."""
    cal = Calendar()
    cal.add("prodid", "-//closeknit//reach-out reminders//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "closeknit: reach out")
    tz = ZoneInfo(timezone)
    ordered = suggestions.sort_values("rank") if "rank" in suggestions else suggestions
    for i, s in enumerate(ordered.itertuples(index=False)):
        day = start + timedelta(days=i // max(per_day, 1))
        on = _date_or_none(getattr(s, "on", None))
        if on is not None and start <= on < day:  # a birthday's reminder never comes after it
            day = on
        begin = datetime.combine(day, time(REMINDER_HOUR), tzinfo=tz)
        ev = Event()
        ev.add("uid", f"{stable_id(s.person_id, day.isoformat())}@closeknit.local")
        ev.add("dtstamp", datetime.combine(start, time(0), tzinfo=tz))
        ev.add("dtstart", begin)
        ev.add("dtend", begin + timedelta(minutes=15))
        ev.add("summary", f"Reach out to {s.name}: {s.action}")
        ev.add("description", f"{s.reason}\n\nA message you could send:\n{s.draft}")
        ev.add("categories", ["closeknit"])
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Reach out to {s.name}")
        alarm.add("trigger", timedelta(0))
        ev.add_component(alarm)
        cal.add_component(ev)
    for name, occ in yearly:
        first = next_date(occ.month, occ.day, start)
        ev = Event()
        ev.add("uid", f"{stable_id('yearly', occ.person_id, occ.kind, occ.label)}@closeknit.local")
        ev.add("dtstamp", datetime.combine(start, time(0), tzinfo=tz))
        ev.add("dtstart", first)
        ev.add("dtend", first + timedelta(days=1))
        ev.add("rrule", {"freq": "yearly"})
        what = occ.label or occ.kind
        ev.add("summary", f"{name}: {what}")
        ev.add("categories", ["closeknit"])
        cal.add_component(ev)
    return cal.to_ical()


def _date_or_none(value: object) -> date | None:
    """The date of a suggestion's ``on`` (``YYYY-MM-DD``), or None when it has none."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def report_html(markdown_text: str, title: str = "closeknit report") -> str:
    """A standalone HTML page of the Markdown report. Every line is escaped (names are untrusted
    input); headings, bullet lists and tables are rendered, everything else is a paragraph."""
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5;color:#2e2a26;background:#fbf8f3}"
        "table{border-collapse:collapse}td,th{border:1px solid #ddd3c4;padding:.2rem .5rem}"
        "h1,h2{color:#8a3f22}</style></head><body>",
    ]
    in_list = in_table = False
    for raw in markdown_text.splitlines():
        line = raw.rstrip()
        if in_list and not line.startswith(("- ", "* ")):
            out.append("</ul>")
            in_list = False
        if in_table and not line.startswith("|"):
            out.append("</table>")
            in_table = False
        if not line:
            continue
        if line.startswith("#"):
            level = min(len(line) - len(line.lstrip("#")), 6)
            out.append(f"<h{level}>{_inline(line[level:].strip())}</h{level}>")
        elif line.startswith(("- ", "* ")):
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{_inline(line[2:])}</li>")
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            if not in_table:
                out.append("<table>")
                in_table = True
            out.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in cells) + "</tr>")
        else:
            out.append(f"<p>{_inline(line)}</p>")
    if in_list:
        out.append("</ul>")
    if in_table:
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def _inline(text: str) -> str:
    """Escape, then render ``**bold**`` (the only inline markup the report uses)."""
    parts = html.escape(text).split("**")
    return "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))
