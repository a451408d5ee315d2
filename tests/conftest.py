"""Test-wide set-up: no test ever touches the user's real store or cache."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def test_cache(tmp_path_factory):
    """One cache folder for the run (the prepared sample store, made once and shared)."""
    return tmp_path_factory.mktemp("closeknit-cache")


@pytest.fixture(autouse=True)
def private_store(tmp_path, monkeypatch, test_cache):
    """Every test gets its own store path (``$CLOSEKNIT_STORE``) in a temporary folder, and
    the run's cache folder (``$CLOSEKNIT_CACHE``)."""
    path = tmp_path / "closeknit-test.sqlite3"
    monkeypatch.setenv("CLOSEKNIT_STORE", str(path))
    monkeypatch.setenv("CLOSEKNIT_CACHE", str(test_cache))
    return path
