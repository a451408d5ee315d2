"""The dashboard at 2,000 people, on a phone, and for everyone, in a real browser (Debian's
Chromium through Playwright; never a downloaded browser):

* at 1400x1000: a keyboard-only pass (skip link, pages, a suggestion's draft and "I reached
  out"; focus visible and kept after the rerun); the contrast of every text style on the main
  pages in the light and the dark theme; the names in the network picture never overlap, with
  20, 150 and 2,000 people (a crowd uploaded through the Import page);
* at 390x844 with touch: the sidebar starts closed, Overview, Suggestions and the person card
  fit without scrolling sideways, and tapping a dot opens that person's card.

Screenshots of each page at both sizes go to ``screenshots/`` (gitignored) as artefacts.
"""

from __future__ import annotations

import contextlib
import random
from datetime import date, datetime, timedelta

import pytest

from tests.app.browser import MARKS, PHONE_UA, served_app, shot, start_own_files

AS_OF = date(2026, 6, 30)
MIN_CONTRAST = 4.5

pytestmark = MARKS


# --- a crowd: 2,000 people in 40 clubs, teams and families -----------------------------------

GIVEN = ["Ana", "Bartholomew", "Zoë", "Li", "Jean-Baptiste", "Małgorzata", "Oluwaseun", "Mia",
         "Henrik", "Aiko", "Mehmet", "Sofía", "Kwame", "Ingrid", "Rahul", "Chloé"]  # fmt: skip
FAMILY = ["Ng", "Hartmann", "Okafor", "van der Berg", "Ødegaard", "Kowalczyk-Nowak", "Silva",
          "Yamamoto", "Aydın", "Fischer", "Mensah", "Larsen", "Iyer", "Moreau"]  # fmt: skip


def crowd_files(n: int = 2000, groups: int = 40, seed: int = 11) -> list[tuple[str, bytes, str]]:
    """A vCard of ``n`` people and an interaction log over three years: one-to-one messages,
    calls and meetings (a few people often, most rarely), and group events (a club evening, a
    team call) shared by 3-8 members of one of ``groups`` groups, so the network has ties and
    communities. Deterministic."""
    rnd = random.Random(seed)
    names = []
    cards = []
    for i in range(n):
        name = f"{GIVEN[i % len(GIVEN)]} {FAMILY[(i * 7 + i // 16) % len(FAMILY)]} {i:04d}"
        names.append(name)
        cards.append(
            "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}",
                         f"EMAIL;TYPE=INTERNET:person{i:04d}@example.org", "END:VCARD"])
        )  # fmt: skip
    rows = ["timestamp,contact,channel,direction,duration_min,event_id,note"]
    start = datetime(2023, 7, 1, 9, 0)
    span = (datetime(2026, 6, 29) - start).days
    channels = ["message", "message", "call", "in_person", "video", "email"]
    for _ in range(12_000):
        who = min(int(rnd.paretovariate(0.9)) - 1, n - 1)
        who = (who * 131) % n
        when = start + timedelta(days=rnd.randrange(span), minutes=rnd.randrange(600))
        rows.append(f"{when:%Y-%m-%d %H:%M},{names[who]},{rnd.choice(channels)},outgoing,10,,")
    members = [list(range(g, n, groups)) for g in range(groups)]
    for k in range(3_000):
        g = rnd.randrange(groups)
        when = start + timedelta(days=rnd.randrange(span), hours=18)
        for who in rnd.sample(members[g], rnd.randint(3, 8)):
            rows.append(f"{when:%Y-%m-%d %H:%M},{names[who]},in_person,mutual,90,grp{g}-{k},")
    return [
        ("crowd.vcf", ("\r\n".join(cards) + "\r\n").encode("utf-8"), "text/vcard"),
        ("crowd_log.csv", ("\n".join(rows) + "\n").encode("utf-8"), "text/csv"),
    ]


# --- measuring in the page ----------------------------------------------------------------

CONTRAST_JS = """() => {
  const parse = (c) => { const m = (c || '').match(/[\\d.]+/g); if (!m) return null;
    return [ +m[0], +m[1], +m[2], m.length > 3 ? +m[3] : 1 ]; };
  const lin = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = (c) => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  const over = (top, under) => [0, 1, 2].map((i) => top[3] * top[i] + (1 - top[3]) * under[i]).concat([1]);
  const background = (el) => {
    // the painted layers under the text: ancestors whose box holds the text's centre (a
    // slider's value label sits above its thumb, outside the thumb's coloured box)
    const layers = [];
    const box = el.getBoundingClientRect();
    const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
    for (let e = el; e; e = e.parentElement) {
      const r = e.getBoundingClientRect();
      if (e !== document.documentElement && (cx < r.left || cx > r.right || cy < r.top || cy > r.bottom)) continue;
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = [255, 255, 255, 1];
    for (let e = el; e; e = e.parentElement) {  // the page's own background, under everything
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] >= 1 && (e.matches('.stApp, [data-testid="stSidebar"] *, body, html'))) { bg = c; break; }
    }
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const opacity = (el) => { let o = 1; for (let e = el; e; e = e.parentElement) o *= +getComputedStyle(e).opacity; return o; };
  const out = [];
  const roots = [...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]')];
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const el = n.parentElement;
      if (!el || seen.has(el)) continue;
      seen.add(el);
      if (el.closest('[aria-hidden="true"], [disabled], [aria-disabled="true"], .modebar, .hoverlayer')) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      const st = getComputedStyle(el);
      if (st.visibility === 'hidden' || st.display === 'none') continue;
      const svg = el instanceof SVGElement;
      let fg = parse(svg ? st.fill : st.color);
      if (!fg) continue;
      fg = [fg[0], fg[1], fg[2], fg[3] * opacity(el) * (svg ? +(st.fillOpacity || 1) : 1)];
      if (fg[3] < 0.05) continue;
      const bg = background(el);
      const mixed = over(fg, bg);
      const a = lum(mixed), b = lum(bg);
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const size = parseFloat(st.fontSize), bold = +st.fontWeight >= 700;
      const large = size >= 24 || (bold && size >= 18.66);
      out.push({ text: n.textContent.trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100,
                 need: large ? 3 : 4.5, color: st.color, fill: svg ? st.fill : '', size });
    }
  }
  return out;
}"""

NETWORK_DRAWN_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .some(g => g.data && g.data.length > 2 && g.querySelector('.main-svg'))"""

NAMES_DRAWN_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .some(g => g.data && g.data.length > 2 && g.querySelectorAll('.annotation-text').length > 1)"""

OVERLAP_JS = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g.data && g.data.length > 2);
  if (!gd) return null;
  const boxes = [...gd.querySelectorAll('.annotation-text')].map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0);
  let overlaps = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlaps++;
  }
  return { labels: boxes.length, overlaps };
}"""

DRAWN_FOR_JS = """(n) => {
  if (document.querySelector('[data-stale="true"]')) return false;
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g.data && g.data.length > 2);
  if (!gd || !gd.querySelector('.main-svg')) return false;
  const ids = new Set();
  for (const tr of gd.data) if (tr.customdata) for (const c of tr.customdata) ids.add(c[0]);
  return ids.size === n;
}"""

WIDTH_JS = """() => { const m = document.querySelector('[data-testid="stMain"]');
  return Math.max(document.documentElement.scrollWidth, m ? m.scrollWidth : 0); }"""

ACTIVE_JS = """() => { const a = document.activeElement; if (!a || a === document.body) return null;
  const r = a.getBoundingClientRect(); const st = getComputedStyle(a);
  return { tag: a.tagName, text: (a.innerText || a.getAttribute('aria-label') || a.value || '').trim().slice(0, 60),
           testid: a.getAttribute('data-testid') || (a.closest('[data-testid]') || {}).getAttribute?.call(a.closest('[data-testid]'), 'data-testid'),
           visible: r.width > 0 && r.height > 0 && (() => { let o = 1;
             for (let e = a; e; e = e.parentElement) o *= +getComputedStyle(e).opacity; return o; })() > 0.9,
           outline: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2 };
}"""


def _low_contrast(page) -> list[dict]:
    return [t for t in page.evaluate(CONTRAST_JS) if t["ratio"] < t["need"]]


RING_JS = """() => { const a = document.activeElement; if (!a || a === document.body) return false;
  const st = getComputedStyle(a); return st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2; }"""


def _focused(page) -> dict | None:
    """:data:`ACTIVE_JS` of the focused element once its focus ring is drawn, or as it is after
    3 s without one (a busy machine may draw the ring a moment after the focus moves; an
    element that never gets one still fails the caller's ``outline`` check)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # lazy: only with a browser

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(RING_JS, timeout=3_000)
    return page.evaluate(ACTIVE_JS)


def _tab_to(page, predicate, limit: int = 90) -> dict | None:
    """Press Tab until the focused element matches ``predicate``; the element (once its focus
    ring is drawn, :func:`_focused`), or None."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        page.wait_for_timeout(60)
        active = page.evaluate(ACTIVE_JS)
        if active and predicate(active):
            return _focused(page)
    return None


def _open(page, check, link: str, title: str, phone: bool = False) -> None:
    if phone:  # the navigation is in the closed sidebar: go by address, as a phone user would
        slug = {"Overview": "", "Suggestions": "suggestions", "Network": "network"}[link]
        page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + "/" + slug)
        page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
        check.wait_idle(page)
        return
    check.open_page(page, link, title)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One server (on a store of its own) and one browser for this module's tests."""
    with served_app(tmp_path_factory.mktemp("store")) as (check, browser, url, _):
        yield check, browser, url


def test_on_a_phone_the_pages_fit_and_tapping_a_dot_opens_the_card(served):
    check, browser, url = served
    viewport = {"width": 390, "height": 844}
    context = browser.new_context(
        viewport=viewport, has_touch=True, is_mobile=True, device_scale_factor=2,
        user_agent=PHONE_UA,
    )  # fmt: skip
    page = context.new_page()
    try:
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_role("heading", name="Overview").first.wait_for(timeout=60_000)
        check.wait_idle(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.bounding_box() is None or sidebar.bounding_box()["width"] < 5
        assert page.evaluate(WIDTH_JS) <= viewport["width"]
        shot(page, check, "phone-overview", viewport)
        _open(page, check, "Suggestions", "Suggestions", phone=True)
        assert page.evaluate(WIDTH_JS) <= viewport["width"]
        shot(page, check, "phone-suggestions", viewport)
        _open(page, check, "Network", "Your network", phone=True)
        page.wait_for_function(check.CHARTS_DRAWN_JS, timeout=30_000)
        page.wait_for_timeout(600)
        page.wait_for_function(NETWORK_DRAWN_JS, timeout=60_000)
        assert page.evaluate(OVERLAP_JS)["overlaps"] == 0
        name = page.evaluate(
            """() => { const gd = [...document.querySelectorAll('.js-plotly-plot')]
                         .find(g => g.data && g.data.length > 2);
                       const tr = gd.data.find(t => t.customdata && t.hovertext && t.hovertext.length > 3);
                       return String(tr.hovertext[3]).split('<br>')[0].replace(/<\\/?b>/g, ''); }"""
        )
        page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        xy = page.evaluate(check.CLICK_JS, name)
        assert xy is not None
        page.touchscreen.tap(xy["x"], xy["y"])  # one tap, no mouse
        page.get_by_role("heading", name=name).first.wait_for(timeout=30_000)
        check.wait_idle(page)
        assert page.evaluate(WIDTH_JS) <= viewport["width"]
        shot(page, check, "phone-network-card", viewport)
    finally:
        context.close()


IN_MAIN_JS = """() => { const main = document.querySelector('[data-testid="stMain"]');
                        return !!main && main.contains(document.activeElement); }"""


def test_keyboard_alone_reaches_the_main_flows_with_focus_visible_and_kept(served):
    check, browser, url = served
    viewport = {"width": 1400, "height": 1000}
    page = browser.new_page(viewport=viewport)
    try:
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_role("heading", name="Overview").first.wait_for(timeout=60_000)
        check.wait_idle(page)
        page.keyboard.press("Tab")
        first = page.evaluate(ACTIVE_JS)
        assert first and first["text"] == "Skip to main content" and first["visible"]
        skips = page.evaluate(
            """() => [...document.querySelectorAll('a')]
                     .filter(a => a.textContent.trim() == 'Skip to main content').length"""
        )
        assert skips == 1, "one skip link, not ours beside Streamlit's"
        page.keyboard.press("Enter")
        assert page.evaluate(IN_MAIN_JS), "the skip link puts focus on the main content"
        page.keyboard.press("Tab")
        assert page.evaluate(IN_MAIN_JS), "and the next Tab stays in it, past the sidebar"
        shot(page, check, "desktop-overview", viewport)
        # to the Suggestions page by keyboard: Shift+Tab back into the sidebar's navigation
        link = None
        for _ in range(60):
            page.keyboard.press("Shift+Tab")
            page.wait_for_timeout(40)
            active = page.evaluate(ACTIVE_JS)
            if active and active["text"].endswith("Suggestions") and active["tag"] == "A":
                link = _focused(page)
                break
        assert link and link["outline"], "the Suggestions link is reached and visibly focused"
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Suggestions").first.wait_for(timeout=30_000)
        check.wait_idle(page)
        page.locator('[data-testid="stCode"]').first.wait_for(timeout=30_000)
        before = page.locator('[data-testid="stCode"]').count()
        copy = _tab_to(page, lambda a: a["text"] == "Copy to clipboard")
        assert copy and copy["visible"] and copy["outline"], copy
        done = _tab_to(page, lambda a: a["text"].endswith("I reached out"))
        assert done and done["outline"], done
        page.keyboard.press("Enter")
        page.wait_for_function(
            f"() => document.querySelectorAll('[data-testid=\"stCode\"]').length == {before - 1}",
            timeout=30_000,
        )
        check.wait_idle(page)
        page.wait_for_timeout(800)
        kept = page.evaluate(ACTIVE_JS)
        assert kept is not None, "focus stays in the page after the rerun"
        shot(page, check, "desktop-suggestions", viewport)
    finally:
        page.close()


def test_every_text_style_has_enough_contrast_in_both_themes(served):
    check, browser, url = served
    viewport = {"width": 1400, "height": 1000}
    failures = []
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=viewport, color_scheme=scheme)
        page = context.new_page()
        try:
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_role("heading", name="Overview").first.wait_for(timeout=60_000)
            check.wait_idle(page)
            for link, title in (("Overview", "Overview"), ("Suggestions", "Suggestions"),
                                ("Network", "Your network")):  # fmt: skip
                check.open_page(page, link, title)
                if link == "Network":  # the names are drawn after the chart's frame
                    page.wait_for_function(NAMES_DRAWN_JS, timeout=60_000)
                    page.wait_for_timeout(300)
                low = _low_contrast(page)
                if low:  # a chart still being drawn (plotly restyles its text once themed)
                    page.wait_for_timeout(2000)
                    low = _low_contrast(page)
                failures += [(scheme, title, t) for t in low]
            shot(page, check, f"desktop-network-{scheme}", viewport)
        finally:
            context.close()
    assert failures == [], failures


def test_names_in_the_network_never_overlap_with_20_150_and_2000_people(served, tmp_path):
    check, browser, url = served
    viewport = {"width": 1400, "height": 1000}
    paths = []
    for name, data, _ in crowd_files():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    page = browser.new_page(viewport=viewport)
    try:
        start_own_files(page, check, url)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(paths)
        page.get_by_text("What was read from each file").wait_for(timeout=240_000)
        check.wait_idle(page, timeout=120_000)
        check.open_page(page, "Network", "Your network")
        counts = {}
        thumb = page.get_by_role("slider").first
        for keys, n in (([], 150), (["Home", "ArrowRight"], 20), (["End"], 2000)):
            if keys:
                thumb.focus()
                for key in keys:
                    thumb.press(key)
                page.get_by_text(f"Showing {n} of").first.wait_for(timeout=120_000)
                check.wait_idle(page, timeout=120_000)
                page.wait_for_function(DRAWN_FOR_JS, arg=n, timeout=120_000)
                page.wait_for_timeout(1500)
            page.wait_for_function(DRAWN_FOR_JS, arg=n, timeout=120_000)
            page.wait_for_function(NETWORK_DRAWN_JS, timeout=60_000)
            counts[n] = page.evaluate(OVERLAP_JS)
            shot(page, check, f"desktop-network-{n}", viewport)
        assert all(c["overlaps"] == 0 for c in counts.values()), counts
        assert all(c["labels"] >= 2 for c in counts.values()), counts  # "You" and some names
        assert counts[20]["labels"] >= 11, counts  # a small network is mostly named
    finally:
        page.close()
