"""The analysis as a JSON-ready dict (``closeknit analyze --format json``) and as a Markdown report
a person can read.

``to_dict(analysis, files, unmatched)`` returns plain Python values only (str, int, float, bool,
None, lists, dicts): NaN and <NA> become ``None``, timestamps ISO strings, so ``json.dumps``
works without a custom encoder. ``files`` is the import report list (``FileReport`` objects, or
dicts) and ``unmatched`` the identities that matched nobody (a DataFrame or a list of dicts);
both are passed through.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd

from analysis.engine import Analysis
from analysis.metrics.circles import ring_norms
from analysis.suggest import human_days

PERSON_FIELDS: tuple[str, ...] = (
    "person_id", "name", "circle", "intimate", "roles", "tie_strength", "interactions",
    "contact_days", "first_contact", "last_contact", "days_since", "contacts_per_year",
    "expected_interval_days", "overdue_ratio", "status", "offline_share", "initiated_share",
    "unanswered_run", "last_channel", "screen_only", "non_person", "community",
    "recent_rate", "one_to_one_share", "household", "states", "owed_days",
    "why_status", "why_circle", "why_strength",
)  # fmt: skip
"""The per-person keys of the JSON form, in order."""

SUGGESTION_FIELDS: tuple[str, ...] = (
    "rank", "person_id", "name", "kind", "reason", "action", "draft", "score", "circle", "status",
    "occasion", "on",
)  # fmt: skip


def plain(value: Any) -> Any:
    """A JSON-ready copy of ``value`` (recursively): NaN/NA -> None, numpy -> Python,
    Timestamps/dates -> ISO strings, tuples -> lists, dataclasses -> dicts."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else round(f, 6)
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return [plain(r) for r in value.to_dict("records")]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        return plain(to_dict() if callable(to_dict) else dataclasses.asdict(value))
    if isinstance(value, list | tuple | set | np.ndarray | pd.Series):
        return [plain(v) for v in list(value)]
    return str(value)


def _column(series: pd.Series) -> list:
    """One column as JSON-ready Python values, converted column-wise (fast on 10k rows)."""
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(
        series.dtype
    ):
        return _iso_column(series)
    if pd.api.types.is_bool_dtype(series.dtype) and not isinstance(series.dtype, pd.BooleanDtype):
        return [bool(v) for v in series.tolist()]
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype="float64").round(6)
        ok = np.isfinite(values)
        return [float(v) if k else None for v, k in zip(values.tolist(), ok.tolist(), strict=True)]
    if pd.api.types.is_integer_dtype(series.dtype):
        mask = series.isna().to_numpy()
        values = series.fillna(0).astype("int64").tolist()
        return [None if m else v for v, m in zip(values, mask.tolist(), strict=True)]
    # Object columns: text, or lists of text (roles, states); anything else value by value.
    return [
        v
        if type(v) is str
        else list(v)
        if type(v) in (list, tuple) and all(type(x) is str for x in v)
        else plain(v)
        for v in series.tolist()
    ]


_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}


def _iso_column(series: pd.Series) -> list:
    """A datetime column as ISO strings (None where missing), exactly as ``Timestamp.isoformat``
    writes them. Whole seconds in UTC or without a zone (what the engine's timestamps are) are
    written by numpy in one call; anything else value by value."""
    stamps = series.dt
    values = series.array
    missing = np.asarray(series.isna())
    whole = not (values.asi8[~missing] % _PER_SECOND[stamps.unit]).any()
    if whole and (stamps.tz is None or _is_utc(stamps.tz)):
        naive = values.tz_convert(None) if stamps.tz is not None else values
        text = np.datetime_as_string(naive.to_numpy(), unit="s").tolist()
        zone = "" if stamps.tz is None else "+00:00"
        return [None if m else t + zone for t, m in zip(text, missing.tolist(), strict=True)]
    iso = series.map(lambda t: t.isoformat(), na_action="ignore")
    return [None if pd.isna(v) else v for v in iso.tolist()]


def _is_utc(tz: Any) -> bool:
    """True for the UTC zone however it is spelled (datetime's, zoneinfo's, pytz's, dateutil's)."""
    return tz == UTC or str(tz) in {"UTC", "Etc/UTC", "tzutc()"}


def _records(frame: pd.DataFrame, fields: Sequence[str]) -> list[dict]:
    cols = [f for f in fields if f in frame.columns]
    columns = [_column(frame[c]) for c in cols]
    return [dict(zip(cols, row, strict=True)) for row in zip(*columns, strict=True)]


def _with_reasons(analysis: Analysis) -> pd.DataFrame:
    """The people table with everyone's reasons (:meth:`analysis.engine.Analysis.reasons`)."""
    why = analysis.reasons()
    return analysis.people.assign(**{c: why[c].to_numpy() for c in why.columns})


def to_dict(
    analysis: Analysis,
    files: Sequence[Any] = (),
    unmatched: pd.DataFrame | Sequence[Any] | None = None,
) -> dict:
    """The JSON object: ``as_of, window_days, files, people, unmatched, balance, outside,
    communities, suggestions, circle_norms`` (suggestions ranked, rank 1 first;
    ``circle_norms``: each ring's typical count, ``{"1": 5, "2": 10, "3": 35, "4": 100}``)."""
    bal = analysis.balance
    out = analysis.outside
    return {
        "as_of": analysis.as_of.date().isoformat(),
        "window_days": analysis.window_days,
        "files": plain(list(files)),
        "people": _records(_with_reasons(analysis), PERSON_FIELDS),
        "unmatched": plain(unmatched if unmatched is not None else []),
        "balance": {
            "window_days": bal.window_days,
            "offline_share": plain(bal.offline_share),
            "trend": plain(bal.trend),
            "monthly": plain(bal.monthly),
            "by_circle": plain(bal.by_circle),
            "screen_only": plain(bal.screen_only),
        },
        "outside": {
            "roles_covered": plain(out.roles_covered),
            "roles_missing": list(out.roles_missing),
            "weak_active": plain(out.weak_active),
            "weak_fading": plain(out.weak_fading),
        },
        "communities": [list(c) for c in analysis.communities],
        "suggestions": _records(analysis.suggestions, SUGGESTION_FIELDS),
        "circle_norms": {str(k): v for k, v in ring_norms().items()},
    }


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.0%}"


MD_SPECIAL = "\\`*_[]()<>!|&:"
"""Characters a name or file name could use to become live Markdown or HTML (links, images,
tags, entities, autolinks): each is written backslash-escaped (CommonMark: any ASCII punctuation
may be escaped), so data from files is always shown as text."""


def _md_escape(text: object) -> str:
    """``text`` as inert Markdown: one line, every special character escaped."""
    flat = " ".join(str(text).split())
    return "".join("\\" + c if c in MD_SPECIAL else c for c in flat)


def to_markdown(
    analysis: Analysis,
    files: Sequence[Any] = (),
    unmatched: pd.DataFrame | Sequence[Any] | None = None,
) -> str:
    """A readable report: who to reach out to, the circles, balance, outside the circle, and the
    import summary."""
    p = analysis.people
    lines = [f"# Your support network, as of {analysis.as_of.date().isoformat()}", ""]
    with_contact = p.loc[p["circle"].notna()]
    lines.append(
        f"{len(with_contact)} people you have been in touch with "
        f"({int(p['intimate'].sum())} in your intimate circle), "
        f"{int((p['status'] == 'no_contact').sum())} more in your contacts without recorded contact."
    )
    lines += ["", "## Reach out", ""]
    if analysis.suggestions.empty:
        lines.append("Nobody is overdue: your contact is current with everyone. Well done.")
    for s in analysis.suggestions.itertuples(index=False):
        lines.append(f"{s.rank}. **{_md_escape(s.name)}**: {_md_escape(s.reason)}")
        lines.append(f"   - {_md_escape(s.action)}")
        lines.append(f"   - Draft: \u201c{_md_escape(s.draft)}\u201d")
    lines += ["", "## Circles", ""]
    norms = ring_norms()
    names = {1: f"Support clique (typically {norms[1]})", 2: f"Sympathy group ({norms[2]})",
             3: f"Affinity group ({norms[3]})", 4: f"Active network ({norms[4]})"}  # fmt: skip
    for layer, label in names.items():
        members = with_contact.loc[with_contact["circle"] == layer]
        shown = ", ".join(_md_escape(n) for n in members["name"].head(12))
        more = f" and {len(members) - 12} more" if len(members) > 12 else ""
        lines.append(f"- **{label}**: {len(members)}" + (f" ({shown}{more})" if shown else ""))
    lines += ["", "## Who is due", ""]
    late = with_contact.loc[with_contact["status"].isin(["due", "overdue", "neglected"])]
    if late.empty:
        lines.append("No one.")
    else:
        lines += ["| Person | Circle | Usually every | Since last contact | Status |",
                  "|---|---|---|---|---|"]  # fmt: skip
        late = late.sort_values(["overdue_ratio", "person_id"], ascending=[False, True])
        for r in late.head(25).itertuples(index=False):
            lines.append(
                f"| {_md_escape(r.name)} | {int(r.circle)} | {human_days(r.expected_interval_days)} "
                f"| {human_days(r.days_since)} | {r.status} |"
            )
    bal = analysis.balance
    lines += ["", f"## In person and on screens (last {bal.window_days} days)", ""]
    lines.append(f"- In person: {_pct(bal.offline_share)} of your contact days with people.")
    if not math.isnan(bal.trend):
        word = "up" if bal.trend > 0 else "down" if bal.trend < 0 else "unchanged"
        lines.append(f"- Compared with the {bal.window_days} days before: {word} "
                     f"{abs(bal.trend) * 100:.0f} points.")  # fmt: skip
    if not bal.screen_only.empty:
        who = ", ".join(_md_escape(n) for n in bal.screen_only["name"])
        lines.append(f"- Close people you only see on screens lately: {who}.")
    out = analysis.outside
    lines += ["", "## Outside your intimate circle", ""]
    covered = ", ".join(f"{k} ({v})" for k, v in out.roles_covered.items()) or "none"
    lines.append(f"- Roles active in the window: {covered}.")
    if out.roles_missing:
        lines.append(f"- Roles with nobody active: {', '.join(out.roles_missing)}.")
    lines.append(f"- Weak ties active in the window: {len(out.weak_active)}; fading: "
                 f"{len(out.weak_fading)}.")  # fmt: skip
    lines += ["", "## Imported files", ""]
    for f in plain(list(files)):
        if isinstance(f, dict):
            skipped = f.get("skipped")
            n_skip = len(skipped) if isinstance(skipped, list) else skipped or 0
            err = f" - {_md_escape(f['error'])}" if f.get("error") else ""
            label = _md_escape(f.get("label") or f.get("format", "?"))
            lines.append(f"- {_md_escape(f.get('file', '?'))} ({label}): "
                         f"{f.get('imported', 0)} imported, {n_skip} skipped{err}")  # fmt: skip
        else:
            lines.append(f"- {_md_escape(f)}")
    n_unmatched = len(unmatched) if unmatched is not None else 0
    if n_unmatched:
        what = "identity" if n_unmatched == 1 else "identities"
        lines.append(f"- {n_unmatched} {what} matched nobody; link them in the app.")
    return "\n".join(lines) + "\n"
