"""Plain words for what the engine computes, and safe text for names from files.

Names, notes and sources come from the user's files: untrusted input. Nothing here builds HTML;
:func:`md_escape` makes any string inert inside ``st.markdown`` (which reads markdown, never raw
HTML, since the app never passes ``unsafe_allow_html``).
"""

from __future__ import annotations

import math
import re
import unicodedata

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


GROUPS_HELP = (
    "Circles: how close each person is, by how often you are in touch. Groups: people who know "
    "each other, found from who turns up together in your group chats, calls and events."
)

GROUPS_EXPLAINED = (
    "A group is a set of people who know each other: closeknit finds them from who turns up "
    "together in your group chats, calls and events (people often seen together form a group). "
    "The groups are numbered by size, largest first; the numbers mean nothing more. People "
    "without shared chats or events sit in “Other groups”."
)


def fold(text: object) -> str:
    """``text`` for matching names: lower case, accents dropped (``Zoë`` -> ``zoe``), spaces
    squeezed; "" for missing."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def found_text(n: int, named_at_most: int) -> str:
    """What a search found: ``No one matches.``, ``1 person matches.``, ``40 people match; the
    first 30 are named in the picture.``"""
    if n == 0:
        return "No one matches."
    if n == 1:
        return "1 person matches."
    if n > named_at_most:
        return f"{n} people match; the first {named_at_most} are named in the picture."
    return f"{n} people match."


def shares_text(offline: object, online: object) -> str:
    """One circle's in-person share in plain words: ``3 of 10 days in person (30%)``; "no
    contact" when there were no days."""
    a = 0 if offline is None or pd.isna(offline) else int(offline)
    b = 0 if online is None or pd.isna(online) else int(online)
    total = a + b
    if total == 0:
        return "no contact"
    return f"{a} of {total} days in person ({round(100 * a / total)}%)"


def group_summary(names: list[str], roles: list[object], size: int) -> str:
    """A line about one group: who is in it (up to three names) and the roles most of them
    share, e.g. ``12 people, mostly work: Ana Lima, Bo Berg, Cy Ng and 9 more``."""
    counts: dict[str, int] = {}
    for rs in roles:
        if rs is None or isinstance(rs, float):
            continue
        for r in rs:
            counts[str(r)] = counts.get(str(r), 0) + 1
    common = [r for r, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if 2 * c > size]
    who = ", ".join(names[:3]) + (f" and {size - 3} more" if size > 3 else "")
    head = f"{size} people" if size != 1 else "1 person"
    if common:
        head += ", mostly " + ", ".join(ROLE_WORDS.get(r, r) for r in common[:2])
    return f"{head}: {who}"


def roles_not_in_touch(missing: object, people: pd.DataFrame, window_days: int) -> str:
    """The sentence about parts of life without recent contact, only for what is true: of the
    roles the engine lists as missing outside the intimate circle, those of which *nobody*
    (in any circle) was in touch within ``window_days``, or "" when there are none. A family
    you call every week is not "not in touch" because they are all in your inner circle."""
    roles = [str(r) for r in (missing or ())]
    if not roles or people is None or people.empty:
        return ""
    recent = people[people["days_since"].fillna(float("inf")) <= window_days]
    active = {
        str(r) for rs in recent["roles"] for r in (rs if isinstance(rs, list | tuple) else ())
    }
    quiet = [r for r in roles if r not in active]
    if not quiet:
        return ""
    return (
        f"Nobody from these parts of your life in the last {window_days} days: "
        + ", ".join(ROLE_WORDS.get(r, r) for r in quiet)
        + "."
    )


def persona_name(persona: dict) -> str:
    """The sample person's name from ``persona.json`` ("the sample person" when it has none)."""
    me = persona.get("me", {}) if isinstance(persona, dict) else {}
    return str((me or {}).get("name") or "the sample person")


def suggestions_caption(is_sample: bool, persona: dict, steps: bool = True) -> str:
    """What the suggestions are drawn from: the sample's made-up life, or the user's own files
    (``steps``: also say what to do with a suggestion, as the Suggestions page does)."""
    if is_sample:
        who = persona_name(persona)
        return (
            f"This is a sample life: these suggestions are for {who}, a made-up person, drawn "
            "from invented files to show what closeknit does. None of it is about you. Start "
            "with your own files to see who you could reach out to."
        )
    text = (
        "Drawn from your own files: each suggestion is measured against your own rhythm with "
        "that person."
    )
    if steps:
        text += (
            " A few small steps, most useful first. Copy the draft, change it to sound like "
            "you, and send it — or mark it done if you already got in touch."
        )
    return text


def choices_caption(is_sample: bool) -> str:
    """Where the user's done and snoozed choices are kept."""
    if is_sample:
        return (
            "While you look at the sample these choices last for this session only; nothing "
            "about the sample is kept."
        )
    return "Your choices are kept on this computer, in your closeknit store, and nowhere else."


_IN_PERSON_STEP = re.compile(
    r"(?i)\b(meet|met|walk|coffee|meal|dinner|lunch|breakfast|visit|in person|see them)\b"
)
_VIDEO_STEP = re.compile(r"(?i)\bvideo\b")
_CALL_STEP = re.compile(r"(?i)\b(call|phone|ring)\b")
_EMAIL_STEP = re.compile(r"(?i)\be-?mail\b")
STEP_CHANNELS: dict[str, str] = {"meet": "in_person", "reply": "message"}
"""Suggestion kinds whose step names its channel whatever the words (a lapsed meeting is met
in person; a reply owed is answered where they wrote, most often a message)."""


def step_channel(kind: object, action: object) -> str:
    """The channel a suggestion's small step asks for, to preselect when the user logs having
    done it: ``in_person`` for a meeting, a walk, a coffee...; ``video`` for a video call;
    ``call`` for a call; ``email`` for an e-mail; else ``message`` (a check-in, a note)."""
    if str(kind) in STEP_CHANNELS:
        return STEP_CHANNELS[str(kind)]
    text = "" if action is None else str(action)
    first = text.split(":", 1)[0]  # "Call, or send a warm message: it has been a while."
    for pattern, channel in (
        (_IN_PERSON_STEP, "in_person"),
        (_VIDEO_STEP, "video"),
        (_CALL_STEP, "call"),
        (_EMAIL_STEP, "email"),
    ):
        if pattern.search(first):
            return channel
    return "message"
