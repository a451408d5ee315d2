"""Shared set-up of the dashboard tests: the app under AppTest, and the expected figures computed
by running the same pipeline directly (so the tests check the pages show the engine's numbers)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.app import files  # noqa: E402

TIMEOUT = 90


def new_app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def open_page(at: AppTest, page: str) -> AppTest:
    """Switch to ``app_pages/<page>.py`` and run it; fail on any exception shown."""
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def sample_app() -> AppTest:
    at = new_app().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def uploaded_app() -> AppTest:
    """The app after the user uploads a vCard, a Google CSV and an interaction log through the
    file uploader, and sets the as-of date of those files."""
    at = new_app().run()
    open_page(at, "import_data")
    at.file_uploader[0].set_value(files.all_files()).run()
    assert not at.exception, [e.value for e in at.exception]
    at.date_input(key="ck_as_of_input").set_value(files.AS_OF).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _expected(sources, region, timezone, as_of, me=()):
    from analysis.engine import analyze
    from analysis.identity import resolve
    from analysis.importers.base import ImportOptions
    from analysis.pipeline import load

    ds = load(sources, ImportOptions(region=region, timezone=timezone, me=tuple(me)))
    res = resolve(ds.contacts, ds.interactions, region)
    an = analyze(
        res.people, res.interactions, as_of=as_of, timezone=timezone, window_days=90, me=tuple(me)
    )
    return ds, res, an


@pytest.fixture(scope="session")
def expected_sample():
    """(dataset, resolution, analysis) of the bundled sample, computed without the app."""
    from dashboard.data import SAMPLE_DIR, persona_settings, read_sample

    persona, sources = read_sample(SAMPLE_DIR)
    as_of, region, tz, me = persona_settings(persona)
    return _expected(sources, region, tz, as_of, me)


@pytest.fixture(scope="session")
def expected_upload():
    """(dataset, resolution, analysis) of the three uploaded files, computed without the app."""
    from analysis.importers.base import SourceFile

    sources = [SourceFile(n, b) for n, b, _ in files.all_files()]
    return _expected(sources, "US", "UTC", files.AS_OF)


def metric(at: AppTest, label: str):
    """The value of the metric with this label (fails when absent)."""
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}; have {[m.label for m in at.metric]}"
    return found[0].value


def texts(at: AppTest) -> str:
    """All markdown, captions, text and alerts of the page, joined."""
    parts = (
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.text]
    )
    parts += [s.value for s in at.subheader] + [t.value for t in at.title]
    parts += [e.value for e in (*at.info, *at.success, *at.warning, *at.error)]
    return "\n".join(str(p) for p in parts)


def table(at: AppTest, *columns: str):
    """The first dataframe shown whose columns include all of ``columns`` (fails when none)."""
    for d in at.dataframe:
        if set(columns) <= set(d.value.columns):
            return d.value
    raise AssertionError(
        f"no table with columns {columns}; have {[list(d.value.columns) for d in at.dataframe]}"
    )
