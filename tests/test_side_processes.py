"""The work closeknit hands to a second process (analysis.sidework) gives exactly what one
process gives: the look-alike names of identity resolution, on the sample and on a generated
address book."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import sidework
from tests.engine_helpers import SAMPLE_READY

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="closeknit forks on Linux only"
)


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


def test_a_generated_address_book_resolved_on_two_processes_equals_it_on_one(
    tmp_path, monkeypatch, forks
):
    """Many look-alike names (generated people share first and family names) and a log."""
    import importlib.util

    import analysis.identity.resolution as resolution
    from analysis.identity import resolve
    from analysis.importers.base import ImportOptions, SourceFile
    from analysis.pipeline import load

    spec = importlib.util.spec_from_file_location(
        "synth", Path(__file__).resolve().parents[1] / "benchmarks" / "synth.py"
    )
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    vcf = synth.write_vcards(tmp_path / "cards.vcf", n=800, photo_share=0.0)
    log = synth.write_log(tmp_path / "log.csv", rows=5_000, contacts=800)
    data = load(
        [SourceFile.from_path(str(vcf)), SourceFile.from_path(str(log))], ImportOptions(region="DE")
    )
    monkeypatch.setattr(resolution, "SIDE_MIN_CONTACTS", 0)
    two = resolve(data.contacts, data.interactions, region="DE")
    monkeypatch.setattr(sidework, "ENABLED", False)
    one = resolve(data.contacts, data.interactions, region="DE")
    assert forks == [True, False]
    assert len(one.suggestions) >= 20
    for name in ("people", "merges", "suggestions", "interactions", "unmatched"):
        pd.testing.assert_frame_equal(getattr(two, name), getattr(one, name), obj=name)
