"""The prepared sample store is made once per version of closeknit and kept in the cache folder:
a later server start copies it, with its resolution and analysis, instead of reading and
analysing the sample again; another version, or a damaged copy, makes it anew."""

from __future__ import annotations

from datetime import date

import pytest

from analysis import pipeline
from analysis.store import Store
from dashboard import data, state


@pytest.fixture
def fresh_start(tmp_path, monkeypatch):
    """A new server process: its own temporary folder and no sample made in memory yet."""

    def start() -> None:
        folder = tmp_path / f"server-{len(list(tmp_path.glob('server-*')))}"
        folder.mkdir()
        monkeypatch.setattr(state, "_TEMP", folder)
        data.sample_template.clear()

    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    yield start
    data.sample_template.clear()


def _imports(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = pipeline.import_files

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "import_files", counted)
    return calls


def _analysis_kept(path) -> bool:
    with Store(path) as store:
        as_of = date.fromisoformat(str(store.setting("as_of")))
        _, key = pipeline.run_keys(store, as_of, data.WINDOW_DAYS)
        return store.load_analysis(key) is not None


def test_a_later_start_copies_the_prepared_sample_with_its_analysis(
    tmp_path, monkeypatch, fresh_start
):
    imports = _imports(monkeypatch)
    fresh_start()
    first = data.sample_template()
    assert len(imports) == 1
    kept = list((tmp_path / "cache").glob("sample-*.sqlite3"))
    assert len(kept) == 1
    assert _analysis_kept(first)
    fresh_start()
    second = data.sample_template()
    assert len(imports) == 1  # copied, not read again
    assert second != first and _analysis_kept(second)
    with Store(first) as a, Store(second) as b:
        assert (
            a.files().drop(columns=["imported_at"]).equals(b.files().drop(columns=["imported_at"]))
        )


def test_another_version_or_a_damaged_copy_makes_the_sample_anew(
    tmp_path, monkeypatch, fresh_start
):
    imports = _imports(monkeypatch)
    fresh_start()
    data.sample_template()
    (kept,) = (tmp_path / "cache").glob("sample-*.sqlite3")
    monkeypatch.setattr(pipeline, "code_digest", lambda: "another version")
    fresh_start()
    data.sample_template()
    assert len(imports) == 2
    (now,) = (tmp_path / "cache").glob("sample-*.sqlite3")  # the other version's is gone
    assert now != kept
    now.write_bytes(b"not a store")
    fresh_start()
    path = data.sample_template()
    assert len(imports) == 3
    assert _analysis_kept(path)
