"""The dashboard in a real browser (Debian's Chromium through Playwright): upload, click a
person on the network picture, see their card; nothing leaves this machine; a name made of
markup stays text. Screenshots go to a temp dir and, when ``CLOSEKNIT_SCREENSHOTS`` is set,
to that folder too."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.app import files
from tests.app.browser import MARKS, ROOT, check_module

pytestmark = MARKS
# CI sets CLOSEKNIT_REQUIRE_BROWSER: there a missing Chromium fails the test instead of skipping it


def test_upload_click_a_person_and_nothing_leaves_the_machine(tmp_path):
    check = check_module()
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
