"""The dashboard in a real browser (Debian's Chromium through Playwright): upload, click a
person on the network picture, see their card; nothing leaves this machine; a name made of
markup stays text. Screenshots go to a temp dir and, when ``CLOSEKNIT_SCREENSHOTS`` is set,
to that folder too."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from tests.app import files

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CLOSEKNIT_REQUIRE_BROWSER"),
        reason="needs /usr/bin/chromium (apt-get install chromium)",
    ),
]
# CI sets CLOSEKNIT_REQUIRE_BROWSER: there a missing Chromium fails the test instead of skipping it


def _check_module():
    spec = importlib.util.spec_from_file_location(
        "browser_check", ROOT / "scripts" / "browser_check.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_upload_click_a_person_and_nothing_leaves_the_machine(tmp_path):
    check = _check_module()
    uploads = [(n, b) for n, b, _ in files.all_files()]
    result = check.run_check(tmp_path / "shots", uploads, files.XSS_NAME)

    assert result["card"] == files.XSS_NAME  # the clicked person's card, the name as text
    assert result["img_x"] == 0  # never turned into an <img> element
    assert result["dialogs"] == []  # no script ran
    assert result["requests"], "the page made requests"
    outside = [u for u in result["requests"] if not check.is_local(u, result["port"])]
    assert outside == []
    assert result["links"] == []  # no e-mail address or URL from a file became a link
    names = {Path(s).stem for s in result["screenshots"]}
    pages = {"overview", "network", "neglected", "balance", "circles", "suggestions", "import"}
    assert {f"sample-{p}" for p in pages} <= names  # every page, on the sample
    assert {"own-import", "own-network-card", "own-overview-dark"} <= names
    for shot in result["screenshots"]:
        assert Path(shot).stat().st_size > 10_000
    keep = os.environ.get("CLOSEKNIT_SCREENSHOTS")
    if keep:  # keep the screenshots, and refresh the README's picture of the sample overview
        Path(keep).mkdir(parents=True, exist_ok=True)
        for shot in result["screenshots"]:
            shutil.copy(shot, Path(keep) / Path(shot).name)
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copy(result["screenshots"][0], ROOT / "docs" / "screenshot.png")
