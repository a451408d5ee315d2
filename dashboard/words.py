"""Plain words for what the engine computes, and safe text for names from files.

Names, notes and sources come from the user's files: untrusted input. Nothing here builds HTML;
:func:`md_escape` makes any string inert inside ``st.markdown`` (which reads markdown, never raw
HTML, since the app never passes ``unsafe_allow_html``).
"""

from __future__ import annotations

import math
import re

import pandas as pd

STATUS_WORDS: dict[str, str] = {
    "ok": "In touch",
    "due": "Due a catch-up",
    "overdue": "Overdue",
    "neglected": "Slipping away",
    "no_contact": "No contact yet",
}
STATUS_ORDER: tuple[str, ...] = ("neglected", "overdue", "due", "ok", "no_contact")
STATUS_COLOUR: dict[str, str] = {
    "neglected": "red",
    "overdue": "orange",
    "due": "yellow",
    "ok": "green",
    "no_contact": "gray",
}

CIRCLE_WORDS: dict[int, str] = {
    1: "Closest",
    2: "Close",
    3: "Friends",
    4: "Wider circle",
}
CIRCLE_HINT: dict[int, str] = {
    1: "the handful you lean on most (about 5 people)",
    2: "close friends and family (about 15)",
    3: "good friends you see now and then (about 50)",
    4: "people you keep up with once or twice a year (about 150)",
}
NO_CIRCLE = "No recent contact"

CHANNEL_WORDS: dict[str, str] = {
    "in_person": "in person",
    "video": "video call",
    "call": "phone call",
    "message": "message",
    "email": "e-mail",
    "social": "social media",
    "other": "other",
}

ROLE_WORDS: dict[str, str] = {
    "family": "family",
    "partner": "partner",
    "friend": "friends",
    "work": "work",
    "neighbour": "neighbours",
    "club": "groups and clubs",
    "community": "community",
}

_JOINER = "\u2060"
_WWW = re.compile(r"(?i)\b(www)\.")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^\"'@/])")


def md_escape(text: object) -> str:
    """``text`` with every markdown/HTML-significant character backslash-escaped, e-mail
    addresses and URLs kept from becoming links, and newlines flattened, so it shows as the
    literal characters in ``st.markdown``."""
    s = "" if text is None else str(text)
    s = s.replace("\r", " ").replace("\n", " ")
    # Streamlit's markdown links bare e-mail addresses and URLs in text, escaped or not: an
    # invisible word joiner after "@", "://" and "www" keeps them plain text.
    s = s.replace("@", "@" + _JOINER).replace("://", ":" + _JOINER + "//")
    s = _WWW.sub(lambda m: m.group(1) + _JOINER + ".", s)
    return _MD_SPECIAL.sub(r"\\\1", s)


def circle_label(circle: object) -> str:
    """``Closest`` ... ``Wider circle`` for 1..4, ``No recent contact`` otherwise."""
    if circle is None or (not isinstance(circle, str) and pd.isna(circle)):
        return NO_CIRCLE
    return CIRCLE_WORDS.get(int(circle), NO_CIRCLE)


def status_label(status: object) -> str:
    """Plain words for an engine status (``neglected`` -> ``Slipping away``)."""
    return STATUS_WORDS.get(str(status), str(status).replace("_", " ").capitalize())


def channel_label(channel: object) -> str:
    """Plain words for a channel; "" when unknown."""
    if channel is None or (not isinstance(channel, str) and pd.isna(channel)):
        return ""
    return CHANNEL_WORDS.get(str(channel), str(channel))


def days(value: object) -> str:
    """``12 days``, ``1 day``, ``about 3 months``, ``about 2 years``; "—" when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "—"
    d = float(value)
    if d < 1:
        return "today"
    if d < 45:
        n = round(d)
        return f"{n} day" if n == 1 else f"{n} days"
    if d < 550:
        n = round(d / 30.44)
        return f"about {n} months"
    n = round(d / 365.25, 1)
    return f"about {n:g} years"


def ago(value: object) -> str:
    """``today``, ``12 days ago``, ``about 3 months ago``; "—" when unknown."""
    d = days(value)
    return d if d in ("today", "—") else f"{d} ago"


def every(value: object) -> str:
    """``every 12 days``, ``about every 3 months``; "—" when unknown."""
    d = days(value)
    if d == "—":
        return d
    if d == "today":
        return "every day"
    return f"about every {d[6:]}" if d.startswith("about ") else f"every {d}"


def share(value: object) -> str:
    """``42%``; "—" when unknown."""
    if value is None or pd.isna(value):
        return "—"
    return f"{100 * float(value):.0f}%"


def roles_text(roles: object) -> str:
    """``family, work`` from a list of roles; "" when none."""
    if roles is None or isinstance(roles, float):
        return ""
    return ", ".join(ROLE_WORDS.get(str(r), str(r)) for r in roles)
