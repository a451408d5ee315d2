"""The channel vocabulary: the words people and apps use for a kind of contact, mapped to
closeknit's channels (:data:`analysis.model.CHANNELS`).

A user's own log says "Coffee", "FaceTime" or "Texts"; a phone's export says "Voice call" or
"SMS". :func:`normalize_channel` maps such a word to ``in_person``, ``video``, ``call``,
``message``, ``email``, ``social`` or ``other``, and returns None for a word it does not know (the
importer then counts it as ``other`` and says so in its report, never silently).
"""

from __future__ import annotations

import re

from analysis.model import CHANNELS

_IN_PERSON = (
    "in_person",
    "in person",
    "in-person",
    "face to face",
    "face-to-face",
    "f2f",
    "irl",
    "meeting",
    "meetup",
    "meet up",
    "met",
    "visit",
    "visited",
    "coffee",
    "tea",
    "lunch",
    "dinner",
    "breakfast",
    "brunch",
    "drinks",
    "drink",
    "beer",
    "date",
    "party",
    "walk",
    "hike",
    "run",
    "gym",
    "sport",
    "game",
    "movie",
    "cinema",
    "concert",
    "trip",
    "dance",
    "hangout",
    "hang out",
    "together",
    "offline",
    "event",
    "class",
    "church",
    "meal",
)
_VIDEO = (
    "video",
    "video call",
    "videocall",
    "video chat",
    "facetime",
    "facetime video",
    "zoom",
    "teams",
    "microsoft teams",
    "ms teams",
    "meet",
    "google meet",
    "hangouts",
    "google hangouts",
    "skype",
    "skype video",
    "webex",
    "duo",
    "google duo",
    "whatsapp video",
    "messenger video",
    "signal video",
    "telegram video",
    "jitsi",
    "discord video",
)
_CALL = (
    "call",
    "phone",
    "phone call",
    "phonecall",
    "telephone",
    "tel",
    "missed call",
    "voice",
    "voice call",
    "voice chat",
    "voicemail",
    "voice message",
    "facetime audio",
    "whatsapp call",
    "whatsapp voice",
    "whatsapp voice call",
    "skype call",
    "signal call",
    "telegram call",
    "messenger call",
    "mobile",
    "cell",
    "landline",
    "ring",
    "rang",
    "incoming call",
    "outgoing call",
    "dialed",
    "dialled",
)
_MESSAGE = (
    "message",
    "msg",
    "sms",
    "mms",
    "rcs",
    "text",
    "text message",
    "txt",
    "imessage",
    "whatsapp",
    "whats app",
    "telegram",
    "signal",
    "messenger",
    "facebook messenger",
    "fb messenger",
    "chat",
    "im",
    "dm",
    "direct message",
    "wechat",
    "line",
    "viber",
    "kakaotalk",
    "kakao",
    "threema",
    "snapchat",
    "discord",
    "slack",
    "group chat",
    "voice note",
)
_EMAIL = ("email", "e-mail", "e mail", "mail", "gmail", "outlook", "newsletter")
_SOCIAL = (
    "social",
    "social media",
    "facebook",
    "fb",
    "instagram",
    "ig",
    "linkedin",
    "twitter",
    "x",
    "tweet",
    "mastodon",
    "bluesky",
    "threads",
    "tiktok",
    "reddit",
    "comment",
    "like",
    "reaction",
    "react",
    "post",
    "story",
    "mention",
    "tag",
)
_OTHER = ("other", "letter", "postcard", "card", "gift", "parcel", "package", "post card")

CHANNEL_ALIASES: dict[str, str] = {
    **{a: "in_person" for a in _IN_PERSON},
    **{a: "video" for a in _VIDEO},
    **{a: "call" for a in _CALL},
    **{a: "message" for a in _MESSAGE},
    **{a: "email" for a in _EMAIL},
    **{a: "social" for a in _SOCIAL},
    **{a: "other" for a in _OTHER},
}
"""Lower-cased alias -> channel in :data:`analysis.model.CHANNELS`. "post" means a social-media
post (a letter is "letter"); "meet" means Google Meet (a meeting is "meeting")."""

assert set(CHANNEL_ALIASES.values()) <= set(CHANNELS)

_SQUASH = re.compile(r"[\s_\-./]+")


def _compact(value: str) -> str:
    return _SQUASH.sub("", value.strip().lower())


_LOOKUP: dict[str, str] = {_compact(a): c for a, c in CHANNEL_ALIASES.items()}


def normalize_channel(value: object) -> str | None:
    """The channel a word names, or None when it is unknown.

    Case, spaces, hyphens, underscores and dots are ignored (``"Face-Time"``, ``"in_person"``,
    ``"E-Mail"``) and a trailing plural ``s`` is dropped (``"Calls"``, ``"Texts"``). An empty
    value is unknown too (None): the caller decides what a missing channel means.
    """
    if value is None:
        return None
    key = _compact(str(value))
    if not key:
        return None
    hit = _LOOKUP.get(key)
    if hit is None and len(key) > 2 and key.endswith("s"):
        hit = _LOOKUP.get(key[:-1])
        if hit is None and key.endswith("es"):
            hit = _LOOKUP.get(key[:-2])
    return hit
