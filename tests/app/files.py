"""Small, realistic files a user would upload: a phone's vCard export, a Google Contacts CSV and
an interaction log, written out deterministically (as of :data:`AS_OF`).

The people and their rhythm are chosen so the pages have something definite to show:

* Anna Berg: weekly, mostly in person, up to the as-of date (close, in touch);
* Ben Okafor: weekly calls for a year and a half, then nothing for 70 days (slipping away);
* Carla Díaz: a message every two weeks or so, all online (screen-only);
* ``<img src=x onerror=alert(1)>``: a contact whose *name* is markup (must show as text);
* David Chen: only in the Google CSV, coffee every two months;
* Eva Lind: in both the vCard and the Google CSV (same e-mail: one person);
* Catherine Lee (vCard) and Katherine Lee (Google CSV): alike, offered as a possible merge;
* +1 415 555 0199: calls from a number in no contact (an unmatched identity to link).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

AS_OF = date(2026, 6, 30)
XSS_NAME = "<img src=x onerror=alert(1)>"


def vcard() -> bytes:
    cards = [
        ("Anna Berg", "Berg;Anna;;;", "+14155550101", "anna.berg@example.org", "Family"),
        ("Ben Okafor", "Okafor;Ben;;;", "+14155550102", "ben.okafor@example.org", "Friends"),
        ("Carla Díaz", "Díaz;Carla;;;", "+14155550103", "carla@example.net", "Friends"),
        (XSS_NAME, ";;;;", "+14155550104", "markup@example.com", ""),
        ("Eva Lind", "Lind;Eva;;;", "+14155550106", "eva.lind@example.org", "Work"),
        ("Catherine Lee", "Lee;Catherine;;;", "+14155550107", "cat@example.org", "Friends"),
    ]
    out = []
    for fn, n, tel, email, cat in cards:
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{fn}", f"N:{n}", f"TEL;TYPE=CELL:{tel}",
                 f"EMAIL;TYPE=INTERNET:{email}"]  # fmt: skip
        if cat:
            lines.append(f"CATEGORIES:{cat}")
        lines.append("END:VCARD")
        out.append("\r\n".join(lines))
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


GOOGLE_HEADER = (
    "First Name,Middle Name,Last Name,Nickname,Organization Name,Organization Title,Birthday,"
    "Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value"
)


def google_csv() -> bytes:
    rows = [
        "David,,Chen,,,,,,* myContacts ::: Climbing club,* Home,david.chen@example.com,Mobile,+1 415 555 0105",
        "Eva,,Lind,,Hafen GmbH,Analyst,,,* myContacts ::: Work,* Work,eva.lind@example.org,,",
        "Katherine,,Lee,,,,,,* myContacts,* Home,kathy.lee@example.com,,",
    ]
    return ("\r\n".join([GOOGLE_HEADER, *rows]) + "\r\n").encode("utf-8")


def interaction_log() -> bytes:
    rows = ["timestamp,contact,channel,direction,duration_min,event_id,note"]
    end = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 18, 0)
    start = end - timedelta(days=2 * 365)

    def add(ts: datetime, who: str, channel: str, direction: str, minutes: str = "") -> None:
        rows.append(f"{ts:%Y-%m-%d %H:%M},{who},{channel},{direction},{minutes},,")

    t = start
    i = 0
    while t <= end:  # Anna: weekly, in person twice a month, messages otherwise
        add(
            t,
            "Anna Berg",
            "coffee" if i % 2 == 0 else "message",
            "outgoing" if i % 3 else "incoming",
            "60" if i % 2 == 0 else "",
        )
        t += timedelta(days=7)
        i += 1
    t, i = start, 0
    stop = end - timedelta(days=70)
    while t <= stop:  # Ben: weekly calls, then silence
        add(
            t + timedelta(hours=2),
            "+1 415 555 0102",
            "call",
            "incoming" if i % 2 else "outgoing",
            "25",
        )
        t += timedelta(days=7)
        i += 1
    t, i = start + timedelta(days=3), 0
    while t <= end:  # Carla: every 15 days, online only
        add(t, "carla@example.net", "email" if i % 4 == 0 else "message", "outgoing", "")
        t += timedelta(days=15)
        i += 1
    t = start + timedelta(days=5)
    while t <= end:  # the markup-named contact: monthly messages
        add(t, "+1 415 555 0104", "message", "incoming", "")
        t += timedelta(days=30)
    t = start + timedelta(days=10)
    while t <= end:  # David: coffee every two months
        add(t, "David Chen", "coffee", "outgoing", "45")
        t += timedelta(days=60)
    t = start + timedelta(days=12)
    while t <= end - timedelta(days=5):  # Eva: e-mail every ten days
        add(t, "eva.lind@example.org", "email", "incoming", "")
        t += timedelta(days=10)
    t = end - timedelta(days=200)
    while t <= end:  # an unknown number: matches nobody until the user links it
        add(t, "+1 415 555 0199", "call", "incoming", "10")
        t += timedelta(days=20)
    rows.append("not a date,Anna Berg,coffee,outgoing,,,")  # one bad row: reported, not lost
    return ("\n".join(rows) + "\n").encode("utf-8")


def all_files() -> list[tuple[str, bytes, str]]:
    """(name, bytes, mime type) of the three files, as the uploader takes them."""
    return [
        ("phone.vcf", vcard(), "text/vcard"),
        ("google.csv", google_csv(), "text/csv"),
        ("log.csv", interaction_log(), "text/csv"),
    ]
