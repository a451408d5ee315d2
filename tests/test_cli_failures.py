"""The command line never shows a traceback: a corrupt store, a store from a newer closeknit, a
locked store, a read-only store or folder, a missing file each give one line saying what
happened and what to do, with exit status 2; two imports into one store at once never store a
record twice."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("closeknit: ")
    return err


def test_a_corrupt_store_is_one_line_with_the_way_out(tmp_path, capsys):
    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    assert main(["analyze", "--store", str(path)]) == 2
    err = _one_line_error(capsys)
    assert "not a usable closeknit store" in err and "Move it aside" in err


def test_a_store_from_a_newer_closeknit_is_one_line(tmp_path, capsys):
    path = tmp_path / "store.sqlite3"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    assert main(["import", str(SAMPLES / "phone_contacts.vcf"), "--store", str(path)]) == 2
    assert "newer closeknit" in _one_line_error(capsys)


def test_a_locked_store_says_another_closeknit_is_writing(tmp_path, capsys, monkeypatch):
    path = tmp_path / "store.sqlite3"
    Store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        monkeypatch.setattr("analysis.cli.STORE_TIMEOUT", 0.2)
        status = main(["import", str(SAMPLES / "phone_contacts.vcf"), "--store", str(path)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert status == 2
    assert "another closeknit" in _one_line_error(capsys)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_store_is_one_line(tmp_path, capsys):
    path = tmp_path / "store.sqlite3"
    Store(path).close()
    path.chmod(0o400)
    assert main(["import", str(SAMPLES / "phone_contacts.vcf"), "--store", str(path)]) == 2
    assert "read-only" in _one_line_error(capsys)


def test_a_store_in_a_folder_that_cannot_exist_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    path = blocker / "sub" / "store.sqlite3"  # a folder inside a file: cannot be made
    assert main(["import", str(SAMPLES / "phone_contacts.vcf"), "--store", str(path)]) == 2
    assert "cannot create the folder" in _one_line_error(capsys)


def test_the_mode_of_a_store_is_set_once_and_respected(tmp_path):
    path = tmp_path / "store.sqlite3"
    Store(path).close()
    assert path.stat().st_mode & 0o777 == 0o600
    path.chmod(0o640)  # the user shares it with their group on purpose
    Store(path).close()
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_missing_file_among_good_ones_is_reported_and_the_rest_imported(tmp_path, capsys):
    status = main(
        ["import", str(tmp_path / "gone.vcf"), str(SAMPLES / "phone_contacts.vcf"), "--json"]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert "gone.vcf" in out and "no such file" in out and "Traceback" not in out


IMPORT = """
import sys
from analysis.cli import main
sys.exit(main(["import", sys.argv[1], "--store", sys.argv[2]]))
"""


def test_two_imports_into_one_store_at_once_store_each_record_once(tmp_path):
    log = (SAMPLES / "interactions.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    older, newer = tmp_path / "old.csv", tmp_path / "new.csv"
    older.write_text("".join(log[: len(log) * 2 // 3]), encoding="utf-8")
    newer.write_text("".join(log), encoding="utf-8")
    store = tmp_path / "store.sqlite3"
    Store(store).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", IMPORT, str(f), str(store)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )  # fmt: skip
        for f in (older, newer)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
        assert b"Traceback" not in err
    with Store(store) as s:
        stored = s.interactions()
        assert s.counts()["files"] == 2
    alone = tmp_path / "alone.sqlite3"
    assert main(["import", str(newer), "--store", str(alone)]) == 0
    with Store(alone) as s:
        assert len(stored) == len(s.interactions())
