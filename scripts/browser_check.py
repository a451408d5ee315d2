"""Drive the real dashboard in a real browser: ``python scripts/browser_check.py OUT_DIR``.

Starts ``streamlit run app.py`` headless on a free local port, opens it in Debian's Chromium
through Playwright (never a downloaded browser), screenshots every page of the sample, then
starts with the user's own files: uploads a vCard (with a contact whose name is markup), a
Google CSV and an interaction log, opens the network page, clicks that person's dot and checks
their card. Every request the page makes is recorded; anything not on this machine is a failure.
Writes ``OUT_DIR/*.png`` and, with ``--readme``, ``docs/screenshot.png`` (the sample overview).

The test ``tests/app/test_browser.py`` runs :func:`run_check`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--use-gl=swiftshader",
    "--enable-unsafe-swiftshader",
]  # fmt: skip
LOCAL_PREFIXES = ("data:", "blob:", "about:")
PAGES = [
    ("Overview", "overview", "Overview"),
    ("Network", "network", "Your network"),
    ("Neglected ties", "neglected", "People you haven't reached lately"),
    ("Balance", "balance", "Online and in person"),
    ("Circles", "circles", "Your circles"),
    ("Suggestions", "suggestions", "Suggestions"),
    ("Import", "import", "Your files"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_local(url: str, port: int) -> bool:
    """True for URLs that stay on this machine (the app's own server, data/blob/about)."""
    if url.startswith(LOCAL_PREFIXES):
        return True
    for scheme in ("http", "ws"):
        for host in ("127.0.0.1", "localhost"):
            if url.startswith(f"{scheme}://{host}:{port}/") or url == f"{scheme}://{host}:{port}":
                return True
    return False


@contextlib.contextmanager
def streamlit_server(port: int, script: Path | None = None) -> Iterator[subprocess.Popen]:
    """``streamlit run app.py`` (or ``script``) on 127.0.0.1:port until the block ends (then
    stopped by pid)."""
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script or ROOT / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ}
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                    raise RuntimeError(f"streamlit did not start: {err[-2000:]}") from None
                time.sleep(0.05)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script (no status widget showing a run)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        """() => { const w = document.querySelector('[data-testid="stStatusWidget"]');
                   return !w || !/Running|Connecting/i.test(w.innerText || ''); }""",
        timeout=timeout,
    )
    page.wait_for_timeout(400)


CHARTS_DRAWN_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .every(c => c.querySelector('.main-svg'))"""


def open_page(page, link: str, title: str) -> None:
    page.get_by_role("link", name=link, exact=True).first.click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
    wait_idle(page)
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=30_000)
    page.wait_for_timeout(300)


def screenshot(page, path: Path, viewport: dict) -> None:
    """The whole page: the viewport is stretched to the height of Streamlit's scrolling main
    area for the picture, then put back."""
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                   return m ? m.scrollHeight : document.body.scrollHeight; }"""
    )
    page.set_viewport_size(
        {"width": viewport["width"], "height": max(viewport["height"], min(height, 6000))}
    )
    page.wait_for_timeout(400)
    page.screenshot(path=str(path))
    page.set_viewport_size(viewport)


CLICK_JS = """(needle) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g.data && g.data.length > 2);
  if (!gd) return null;
  for (const tr of gd.data) {
    const ht = tr.hovertext || [];
    for (let i = 0; i < ht.length; i++) {
      if (String(ht[i]).includes(needle) && tr.customdata) {
        const fl = gd._fullLayout, r = gd.getBoundingClientRect();
        return {x: r.left + fl._size.l + fl.xaxis.l2p(tr.x[i]),
                y: r.top + fl._size.t + fl.yaxis.l2p(tr.y[i])};
      }
    }
  }
  return null;
}"""


def run_check(
    out_dir: Path, files: list[tuple[str, bytes]], person: str, readme: bool = False
) -> dict:
    """Run the whole check; returns ``{"requests": [...], "card": str, "screenshots": [...],
    "dialogs": [...], "img_x": int, "links": [...], "port": int}``. ``person`` is the name whose dot is clicked."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    upload_dir = out_dir / "upload"
    upload_dir.mkdir(exist_ok=True)
    paths = []
    for name, data in files:
        p = upload_dir / name
        p.write_bytes(data)
        paths.append(str(p))
    port = free_port()
    requests: list[str] = []
    dialogs: list[str] = []
    shots: list[str] = []
    links: list[str] = []  # links on the pages that lead off this machine (mailto:, http...)
    with streamlit_server(port), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            viewport = {"width": 1440, "height": 1000}
            page = browser.new_page(viewport=viewport)
            page.on("request", lambda r: requests.append(r.url))
            page.on("websocket", lambda ws: requests.append(ws.url))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
            page.get_by_text("You are looking at a sample").wait_for(timeout=60_000)
            page.get_by_role("heading", name="Overview").first.wait_for(timeout=60_000)
            wait_idle(page)

            def shot(name: str) -> None:
                path = out_dir / f"{name}.png"
                screenshot(page, path, viewport)
                shots.append(str(path))
                hrefs = page.evaluate(
                    """() => [...document.querySelectorAll('[data-testid="stMain"] a[href]')]
                               .map(a => a.href)"""
                )
                links.extend(h for h in hrefs if not is_local(h, port))

            shot("sample-overview")
            if readme:
                (ROOT / "docs").mkdir(exist_ok=True)
                page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
            for link, slug, title in PAGES[1:]:
                open_page(page, link, title)
                shot(f"sample-{slug}")

            # start with one's own files
            open_page(page, "Overview", "Overview")
            page.get_by_role("button", name="Start with my own files").click()
            page.get_by_text("No files yet").first.wait_for(timeout=30_000)
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(paths)
            page.get_by_text("What was read from each file").wait_for(timeout=60_000)
            wait_idle(page)
            shot("own-import")
            open_page(page, "Network", "Your network")
            page.wait_for_function(
                "() => [...document.querySelectorAll('.js-plotly-plot')].some(g => g.data && g.data.length > 2)",
                timeout=30_000,
            )
            page.wait_for_timeout(800)
            needle = person.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            xy = page.evaluate(CLICK_JS, needle)
            if xy is None:
                raise AssertionError(f"no dot for {person!r} in the network picture")
            page.mouse.click(xy["x"], xy["y"])
            page.get_by_role("heading", name=person).first.wait_for(timeout=30_000)
            wait_idle(page)
            card = page.get_by_role("heading", name=person).first.inner_text()
            img_x = page.locator('img[src="x"]').count()
            shot("own-network-card")
            for link, slug, title in (PAGES[2], PAGES[0]):
                open_page(page, link, title)
                shot(f"own-{slug}")
            page.emulate_media(color_scheme="dark")  # the dark theme follows the system's
            page.wait_for_timeout(800)
            shot("own-overview-dark")
            open_page(page, "Network", "Your network")
            shot("own-network-dark")
        finally:
            browser.close()
    return {"requests": requests, "card": card, "screenshots": shots, "dialogs": dialogs,
            "img_x": img_x, "port": port, "links": links}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--readme", action="store_true", help="also write docs/screenshot.png")
    args = ap.parse_args()
    # never touch the user's own store: this run's uploads go to a store of its own
    store_dir = tempfile.mkdtemp(prefix="closeknit-")
    os.environ["CLOSEKNIT_STORE"] = str(Path(store_dir) / "closeknit.sqlite3")
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        print("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
        return 2
    sys.path.insert(0, str(ROOT))
    from tests.app import files

    result = run_check(
        args.out_dir, [(n, b) for n, b, _ in files.all_files()], files.XSS_NAME, args.readme
    )
    outside = [u for u in result["requests"] if not is_local(u, result["port"])]
    print(f"card: {result['card']!r}; requests: {len(result['requests'])}, not local: {outside}")
    print("\n".join(result["screenshots"]))
    print(f"links leading off the machine: {result['links']}")
    return 1 if outside or result["dialogs"] or result["img_x"] or result["links"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
