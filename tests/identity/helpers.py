"""Small builders shared by the identity tests."""

from __future__ import annotations

import pandas as pd

from analysis.model import contacts_frame, empty_interactions, interactions_frame


def contacts(*records: dict) -> pd.DataFrame:
    return contacts_frame(records)


def card(contact_id: str, name: str, source: str = "phone.vcf", **fields) -> dict:
    return {"contact_id": contact_id, "source": source, "full_name": name, **fields}


def log(*rows: tuple[str, str], source: str = "chat.txt") -> pd.DataFrame:
    """Rows of (ISO timestamp, who)."""
    if not rows:
        return empty_interactions()
    ts, who = zip(*rows, strict=True)
    return interactions_frame(
        pd.to_datetime(list(ts), utc=True), list(who), "message", source=source
    )


def person_of(res, contact_id: str) -> str:
    return res.contacts.set_index("contact_id").loc[contact_id, "person_id"]
