"""The work closeknit hands to a second process (analysis.sidework) gives exactly what one
process gives: the look-alike names of identity resolution and the undated figures of the
facts, on every life and on the sample."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from analysis import sidework
from tests.engine_helpers import SAMPLE_READY
from tests.personas import lives

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork start method")


@pytest.fixture
def forks(monkeypatch):
    """The number of works sent to a forked process while the test runs."""
    started: list[bool] = []
    real = sidework.start

    def counted(work, *args, **kwargs):
        pending = real(work, *args, **kwargs)
        started.append(pending._proc is not None)
        return pending

    monkeypatch.setattr(sidework, "start", counted)
    return started


def _fresh_caches():
    import analysis.facts as facts
    import analysis.metrics.graph as graph

    facts._FACTS.clear()
    graph._STRUCTURES.clear()


@pytest.mark.parametrize("life_of", lives.LIVES, ids=lambda f: f.__name__)
def test_on_every_life_the_facts_made_on_two_processes_equal_those_made_on_one(
    life_of, monkeypatch, forks
):
    import analysis.facts as facts
    from analysis.engine import analyze
    from analysis.store import snapshot

    life = life_of()
    settings = {
        "as_of": life.as_of,
        "overrides": life.overrides,
        "timezone": life.timezone,
        "me": life.me,
    }
    monkeypatch.setattr(facts, "SIDE_MIN_ROWS", 0)
    _fresh_caches()
    two = analyze(life.people, life.interactions, **settings)
    assert forks == [True]
    monkeypatch.setattr(sidework, "ENABLED", False)
    _fresh_caches()
    one = analyze(life.people, life.interactions, **settings)
    assert forks == [True, False]
    pd.testing.assert_frame_equal(two.people, one.people)
    assert snapshot.dumps(two) == snapshot.dumps(one)


@pytest.mark.skipif(not SAMPLE_READY, reason="sample persona not generated")
def test_the_sample_resolved_on_two_processes_equals_it_resolved_on_one(monkeypatch, forks):
    import analysis.identity.resolution as resolution
    from analysis.identity import resolve
    from analysis.importers.base import ImportOptions, SourceFile
    from analysis.pipeline import load
    from tests.engine_helpers import SAMPLE_FILES, SAMPLES

    data = load(
        [SourceFile.from_path(str(SAMPLES / f)) for f in SAMPLE_FILES], ImportOptions(region="DE")
    )
    monkeypatch.setattr(resolution, "SIDE_MIN_CONTACTS", 0)
    two = resolve(data.contacts, data.interactions, region="DE")
    assert forks == [True]
    monkeypatch.setattr(sidework, "ENABLED", False)
    one = resolve(data.contacts, data.interactions, region="DE")
    assert len(one.suggestions) > 0  # the sample has look-alikes to suggest
    for name in ("people", "contacts", "merges", "suggestions", "interactions", "unmatched"):
        pd.testing.assert_frame_equal(getattr(two, name), getattr(one, name), obj=name)
