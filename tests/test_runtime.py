"""closeknit's programs run without numpy's hugepage hints, unless the user asks for them."""

from __future__ import annotations

import gc
import os
import weakref
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


@pytest.fixture
def collector_restored(monkeypatch):
    """Python's collector thresholds as they were, and :func:`runtime.collect_less_often` not
    yet called in this process."""
    before = gc.get_threshold()
    monkeypatch.setattr(runtime, "_collector_set", False)
    yield
    gc.set_threshold(*before)


def test_collect_less_often_sets_the_collector_once_per_process(collector_restored):
    gc.set_threshold(700, 10, 10)
    assert runtime.collect_less_often()
    assert gc.get_threshold() == (runtime.COLLECT_AFTER, 10, 10)
    assert gc.get_freeze_count() > 0  # the modules imported so far: out of the collector's sight
    gc.set_threshold(700, 10, 10)
    assert not runtime.collect_less_often()  # a dashboard rerun changes nothing
    assert gc.get_threshold() == (700, 10, 10)


def test_garbage_in_cycles_is_still_collected(collector_restored):
    runtime.collect_less_often()

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    del a, b
    gc.collect()
    assert gone() is None


def test_the_command_line_sets_the_collector(collector_restored):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert gc.get_threshold()[0] == runtime.COLLECT_AFTER
