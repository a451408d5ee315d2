"""closeknit's programs run without numpy's hugepage hints, unless the user asks for them."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analysis import cli, runtime

ROOT = Path(__file__).resolve().parents[1]


def _hinting() -> bool:
    return bool(np._core.multiarray._get_madvise_hugepage())


@pytest.fixture
def hints_restored(monkeypatch):
    """numpy's setting and the variable as they were before the test."""
    before = np._core.multiarray._set_madvise_hugepage(True)
    monkeypatch.delenv(runtime.HUGEPAGE_VARIABLE, raising=False)
    yield
    np._core.multiarray._set_madvise_hugepage(before)


def test_use_small_pages_turns_the_hints_off_for_this_process_and_its_children(hints_restored):
    assert runtime.use_small_pages()
    assert not _hinting()
    assert os.environ[runtime.HUGEPAGE_VARIABLE] == "0"


def test_a_user_who_asks_for_hugepages_keeps_them(hints_restored, monkeypatch):
    monkeypatch.setenv(runtime.HUGEPAGE_VARIABLE, "1")
    assert not runtime.use_small_pages()
    assert _hinting()


def test_the_command_line_turns_them_off_before_any_work(hints_restored, capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert not _hinting()


def test_the_dashboard_turns_them_off(hints_restored):
    AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not _hinting()
