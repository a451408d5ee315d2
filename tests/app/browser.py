"""What the real-browser tests share (Debian's Chromium through Playwright; never a downloaded
browser): the marks that skip them without Chromium (CI sets ``CLOSEKNIT_REQUIRE_BROWSER``: there
a missing Chromium fails instead), ``scripts/browser_check.py`` loaded as a module, one served
app on a store of its own with one browser, and screenshots kept as artefacts in
``screenshots/`` (gitignored)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "screenshots"
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36"
)

MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CLOSEKNIT_REQUIRE_BROWSER"),
        reason="needs /usr/bin/chromium (apt-get install chromium)",
    ),
]
"""``pytestmark`` of every browser test module."""


def check_module():
    """``scripts/browser_check.py`` (the server and screenshot helpers) as a module."""
    spec = importlib.util.spec_from_file_location(
        "browser_check", ROOT / "scripts" / "browser_check.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@contextmanager
def served_app(store_dir: Path) -> Iterator[tuple]:
    """``(check, browser, url, store)``: the dashboard served on a store of its own in
    ``store_dir`` (``CLOSEKNIT_STORE``, restored afterwards) and one Chromium."""
    from playwright.sync_api import sync_playwright  # lazy: only when a browser test runs

    check = check_module()
    store = store_dir / "closeknit.sqlite3"
    old = os.environ.get("CLOSEKNIT_STORE")
    os.environ["CLOSEKNIT_STORE"] = str(store)
    port = check.free_port()
    try:
        with check.streamlit_server(port), sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=check.CHROMIUM, args=check.CHROMIUM_ARGS)
            try:
                yield check, browser, f"http://127.0.0.1:{port}/", store
            finally:
                browser.close()
    finally:
        if old is None:
            os.environ.pop("CLOSEKNIT_STORE", None)
        else:
            os.environ["CLOSEKNIT_STORE"] = old


def shot(page, check, name: str, viewport: dict) -> None:
    """A screenshot of ``page`` kept as ``screenshots/<name>.png``."""
    SHOTS.mkdir(exist_ok=True)
    check.screenshot(page, SHOTS / f"{name}.png", viewport)


def start_own_files(page, check, url: str) -> None:
    """Open the dashboard at ``url`` on the sample's overview, then leave the sample for one's
    own files (the Import page, no files yet)."""
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Overview").first.wait_for(timeout=60_000)
    check.wait_idle(page)
    page.get_by_role("button", name="Start with my own files").click()
    page.get_by_text("No files yet").first.wait_for(timeout=30_000)
    check.wait_idle(page)
