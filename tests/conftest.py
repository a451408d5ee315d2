"""Test-wide set-up: no test ever touches the user's real store."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_store(tmp_path, monkeypatch):
    """Every test gets its own store path (``$CLOSEKNIT_STORE``) in a temporary folder."""
    path = tmp_path / "closeknit-test.sqlite3"
    monkeypatch.setenv("CLOSEKNIT_STORE", str(path))
    return path
