"""Contact logged on top of a resolution: matched through that resolution's identities alone."""

from __future__ import annotations

from analysis.identity import resolve
from analysis.identity.matching import match_known
from tests.identity.helpers import card, contacts, log, person_of


def _resolution(contact_id: str, phone: str):
    return resolve(
        contacts(card(contact_id, "Anna Berg", phones=[phone])),
        log(("2024-01-05T10:00:00Z", "Anna Berg")),
        region="DE",
    )


def test_logged_contact_is_matched_through_each_resolutions_own_identities():
    one, two = _resolution("a1", "+49 30 1234567"), _resolution("b2", "+49 30 7654321")
    logged = log(("2024-02-01T10:00:00Z", "030 7654321"), source="logged in closeknit")
    assert match_known(logged, one.identities, "DE") is None  # nobody there has this number
    for _ in range(2):  # each frame's lookup is kept, and never answers for the other
        matched = match_known(logged, two.identities, "DE")
        assert matched["person_id"].tolist() == [person_of(two, "b2")]
        assert match_known(logged, one.identities, "DE") is None


def test_a_resolutions_identities_are_made_when_first_read_and_then_kept(monkeypatch):
    import analysis.identity.resolution as resolution_module

    made = []
    real = resolution_module.identities_frame
    monkeypatch.setattr(
        resolution_module, "identities_frame", lambda *a: (made.append(1), real(*a))[1]
    )
    res = _resolution("a1", "+49 30 1234567")
    assert made == []  # a run that never matches logged contact never makes them
    frame = res.identities
    assert made == [1] and res.identities is frame
    assert ("phone", "+49301234567", person_of(res, "a1")) in set(frame.itertuples(index=False))
