"""Deterministic synthetic inputs for the benchmarks: a big vCard file and a big interaction log.

Nothing here is personal data: names are drawn from small fixed lists with a seeded generator.
"""

from __future__ import annotations

import base64
import random
from pathlib import Path

GIVEN = [
    "Ana",
    "Ben",
    "Clara",
    "David",
    "Emre",
    "Fatima",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kasia",
    "Lars",
    "Maja",
    "Nils",
    "Olga",
    "Paul",
    "Rosa",
    "Sven",
    "Tariq",
    "Ute",
    "Zoë",
    "José",
    "Jürgen",
    "Ayşe",
    "João",
    "Øystein",
]
FAMILY = [
    "Lima",
    "Berg",
    "Schmidt",
    "Kowalski",
    "Yilmaz",
    "Hansen",
    "Costa",
    "Weber",
    "Novak",
    "Dubois",
    "Rossi",
    "Meyer",
    "Fischer",
    "Wagner",
    "Becker",
    "Schulz",
    "Koch",
    "Richter",
]
CHANNELS = ["in_person", "call", "video", "message", "email", "Coffee", "WhatsApp", "Phone call"]
DIRECTIONS = ["outgoing", "incoming", "mutual", "unknown"]


def people(n: int, seed: int = 7) -> list[dict]:
    """``n`` distinct synthetic people with a name, an e-mail and a phone number."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        g, f = rnd.choice(GIVEN), rnd.choice(FAMILY)
        out.append(
            {
                "name": f"{g} {f} {i}",
                "email": f"person{i}@example.org",
                "phone": f"+4915{rnd.randint(10_000_000, 99_999_999)}{i % 10}",
            }
        )
    return out


def write_vcards(
    path: Path, n: int = 10_000, photo_share: float = 0.1, photo_kb: int = 30, seed: int = 7
) -> Path:
    """A vCard 3.0 file of ``n`` cards; ``photo_share`` of them carry a ``photo_kb`` KB base64
    PHOTO folded at 75 characters, as phones and Apple export them."""
    rnd = random.Random(seed)
    photo = base64.b64encode(rnd.randbytes(photo_kb * 1024 * 3 // 4)).decode()
    folded_photo = "\r\n ".join(photo[i : i + 74] for i in range(0, len(photo), 74))
    with path.open("w", encoding="utf-8", newline="") as fh:
        for i, p in enumerate(people(n, seed)):
            given, family, _ = p["name"].split(" ")
            lines = [
                "BEGIN:VCARD",
                "VERSION:3.0",
                f"N:{family};{given};;;",
                f"FN:{p['name']}",
                f"EMAIL;TYPE=INTERNET,HOME:{p['email']}",
                f"TEL;TYPE=CELL:{p['phone']}",
                f"ORG:{rnd.choice(FAMILY)} GmbH",
                "CATEGORIES:myContacts",
            ]
            if rnd.random() < photo_share:
                lines.append(f"PHOTO;ENCODING=b;TYPE=JPEG:{folded_photo}")
            lines.append(f"UID:synthetic-{i}")
            lines.append("END:VCARD")
            fh.write("\r\n".join(lines) + "\r\n")
    return path


def write_log(path: Path, rows: int = 1_000_000, contacts: int = 10_000, seed: int = 7) -> Path:
    """An interaction log CSV with the canonical columns: ``rows`` rows over ``contacts`` people,
    each person appearing under their name, phone (local format) or e-mail, over three years."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    ppl = people(contacts, seed)
    idents = np.array(
        [p["name"] for p in ppl]
        + [p["phone"].replace("+49", "0") for p in ppl]
        + [p["email"] for p in ppl],
        dtype=object,
    )
    person = rng.zipf(1.3, rows) % contacts
    form = rng.integers(0, 3, rows)
    who = idents[form * contacts + person]
    start = pd.Timestamp("2023-11-01").value // 10**9
    secs = rng.integers(0, 3 * 365 * 86400, rows) + start
    ts = pd.to_datetime(np.sort(secs), unit="s").strftime("%Y-%m-%d %H:%M")
    frame = pd.DataFrame(
        {
            "timestamp": ts,
            "contact": who,
            "channel": np.array(CHANNELS, dtype=object)[rng.integers(0, len(CHANNELS), rows)],
            "direction": np.array(DIRECTIONS, dtype=object)[rng.integers(0, 4, rows)],
            "duration_min": rng.integers(1, 120, rows),
            "event_id": "",
            "note": "",
        }
    )
    frame.to_csv(path, index=False)
    return path
