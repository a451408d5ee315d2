"""Small pieces every page uses: getting the current run, and what to show without one."""

from __future__ import annotations

import streamlit as st

from dashboard import data, state, words


def require_run() -> data.Run:
    """The current run; when the user chose their own files and has none yet, say what to do
    and stop the page."""
    try:
        with st.spinner("Reading your files…"):
            run = data.current()
    except Exception as exc:  # noqa: BLE001 - a clear message instead of a traceback
        st.error(failure_text(exc))
        st.page_link(
            "app_pages/import_data.py", label="Go to Import", icon=":material/upload_file:"
        )
        st.stop()
    if run is None:
        st.info(
            "No files yet. Add your contact exports and chat or call logs on the Import page; "
            "closeknit reads them here, on this computer."
        )
        st.page_link(
            "app_pages/import_data.py", label="Go to Import", icon=":material/upload_file:"
        )
        if st.button("Show the sample instead", key="ck_back_to_sample"):
            state.use_sample()
            st.rerun()
        st.stop()
    if not run.dataset.usable:
        st.warning(
            "None of your files could be read, so there is nothing to show yet. The Import page "
            "says what was wrong with each one."
        )
        st.page_link(
            "app_pages/import_data.py", label="Go to Import", icon=":material/upload_file:"
        )
        st.stop()
    return run


def current_or_none() -> data.Run | None:
    """The current run for the sidebar's tools (the group filter, quick log): None without
    files, or when the pipeline fails (the page itself then says why)."""
    try:
        return data.current()
    except Exception:  # noqa: BLE001 - the sidebar must never break a page; the page says why
        return None


def as_of_caption(run: data.Run) -> None:
    """One line saying which day the numbers are as of."""
    who = "the sample person" if run.is_sample else "you"
    st.caption(
        f"As of {run.as_of:%d %B %Y}, for {who}. Time zone {run.timezone}, phone region {run.region}."
    )


def failure_text(exc: BaseException) -> str:
    """What to tell the user when the pipeline fails (markdown-safe: the message may quote a
    file)."""
    return (
        "closeknit could not analyse these files. Removing the last file you added usually "
        "helps. What went wrong: " + words.md_escape(f"{type(exc).__name__}: {exc}")
    )


PHONE_MARKERS = ("Mobi", "Android", "iPhone", "iPod")
"""User-agent words of a phone (MDN's advice: "Mobi" anywhere; Android and iOS phones name
themselves). Tablets say neither "Mobi" nor "iPhone" and get the large layout."""


def is_phone() -> bool:
    """True when the browser says it is a phone (from its User-Agent; False when unknown, as
    under ``AppTest``). Used for the network picture: a shorter plot, names placed for a narrow
    screen, and a tap that selects instead of dragging."""
    try:
        agent = st.context.headers.get("User-Agent", "") or ""
    except Exception:  # noqa: BLE001 - no request context (tests, bare mode): assume not a phone
        return False
    if "Android" in agent and "Mobile" not in agent:
        return False  # an Android tablet
    return any(m in agent for m in PHONE_MARKERS)


# A tap on a touch screen: plotly selects a point on a *click* only when a hover came first,
# which a mouse always gives and a finger never does (plotly.js selectOnClick reads the hover
# data of the previous touch: the first tap selects nothing, the next one the dot tapped
# before). plotly_click itself is right on touch. So this small component (Streamlit custom
# components v2: plain JavaScript in the page, no iframe, nothing fetched) listens for
# plotly_click on the chart with the given key, only for touch and pen input (a mouse click
# goes through the chart's own selection), and sends the person_id of the dot as a trigger.
_TAP_JS = """
export default function (component) {
  const { setTriggerValue, data } = component;
  const sel = `.st-key-${data.chart} .js-plotly-plot`;
  let pointer = "mouse";
  const onDown = (e) => { pointer = e.pointerType || "mouse"; };
  document.addEventListener("pointerdown", onDown, true);
  const attach = () => {
    document.querySelectorAll(sel).forEach((gd) => {
      if (gd.__ckTap || typeof gd.on !== "function") return;
      gd.__ckTap = true;
      gd.on("plotly_click", (ev) => {
        if (pointer === "mouse") return;
        const pt = ((ev && ev.points) || []).find((p) => Array.isArray(p.customdata) && p.customdata[0]);
        if (pt) setTriggerValue("tap", String(pt.customdata[0]));
      });
    });
  };
  attach();
  const timer = setInterval(attach, 300);
  return () => { clearInterval(timer); document.removeEventListener("pointerdown", onDown, true); };
}
"""

_tap_component = st.components.v2.component("closeknit_tap", js=_TAP_JS)


def tapped(chart_key: str) -> str | None:
    """The person_id of the dot just tapped (touch or pen) on the plotly chart keyed
    ``chart_key``, for one rerun; None otherwise (and always under ``AppTest``, which runs no
    JavaScript)."""
    result = _tap_component(
        data={"chart": chart_key}, key=f"{chart_key}_tap", on_tap_change=lambda: None,
        width="content", height="content",
    )  # fmt: skip
    value = getattr(result, "tap", None)
    return str(value) if value else None


ON_PRIMARY_DARK = "#1a1715"
"""Text on primary-filled buttons and chips in the dark theme (6.5:1 on its primary colour;
Streamlit's white would be 2.6:1)."""

LIGHT_INK = "#100e0c"
"""Chart text Streamlit's light plotly theme paints in its grey (#808495: 3.6:1 on the light
background, under WCAG's 4.5:1), such as the names on the network, is drawn in the light
theme's own text colour (18:1) instead."""

FOCUS_RING = "#1d6fd6"
"""Keyboard focus outline: 4.6:1 against the light background, 3.5:1 against the dark one
(WCAG 2.2 asks 3:1 for focus indicators)."""

# Page-wide accessibility, in the page itself (custom components v2, no iframe, nothing
# fetched): a "Skip to main content" link first in the tab order (Streamlit's own where it
# draws one); a visible focus ring; the
# copy button of code blocks (the suggestion drafts) always visible, not only on hover; dark
# text on primary-filled buttons and chips in the dark theme; chart text in Streamlit's light
# grey made dark enough to read; and focus put back on the
# control the user was on when a rerun replaced it (Streamlit redraws after each action).
_PAGE_JS = """
export default function (component) {
  const { data } = component;
  const root = document.documentElement;
  if (!document.getElementById("ck-style")) {
    const style = document.createElement("style");
    style.id = "ck-style";
    style.textContent = data.css;
    document.head.appendChild(style);
  }
  // Streamlit (1.6x) draws its own skip link; ours is only for a Streamlit without one, so a
  // keyboard user never meets two (checked again on each tick: Streamlit's may come later)
  const skipLink = () => {
    const own = document.querySelector('[data-testid="stSkipToContent"]');
    const ours = document.getElementById("ck-skip");
    if (own && ours) ours.remove();
    if (own || ours) return;
    const a = document.createElement("a");
    a.id = "ck-skip"; a.href = "#"; a.textContent = "Skip to main content";
    a.addEventListener("click", (e) => {
      e.preventDefault();
      const main = document.querySelector('[data-testid="stMain"]');
      const target = (main && main.querySelector("h1")) || main;
      if (target) { target.setAttribute("tabindex", "-1"); target.focus(); }
    });
    document.body.insertBefore(a, document.body.firstChild);
  };
  skipLink();
  const dark = () => {
    const app = document.querySelector(".stApp") || document.body;
    const m = getComputedStyle(app).backgroundColor.match(/\\d+(\\.\\d+)?/g) || [255, 255, 255];
    const lum = (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255;
    root.dataset.ckTheme = lum < 0.5 ? "dark" : "light";
  };
  let last = null, lastKey = null;
  const keyOf = (el) => {
    const holder = el.closest('[class*="st-key-"]');
    const cls = holder && [...holder.classList].find((c) => c.startsWith("st-key-"));
    if (!cls) return null;
    const all = [...holder.querySelectorAll(el.tagName)];
    return { cls, tag: el.tagName, index: all.indexOf(el) };
  };
  const focusables = () => [...document.querySelectorAll('[data-testid="stMain"] :is(a[href], ' +
    'button:not([disabled]), input:not([disabled]), textarea, [tabindex]:not([tabindex="-1"]))')];
  let lastIndex = -1;
  const onFocus = (e) => {
    last = e.target; lastKey = keyOf(e.target); lastIndex = focusables().indexOf(e.target);
  };
  document.addEventListener("focusin", onFocus, true);
  const restore = () => {
    dark();
    skipLink();
    const active = document.activeElement;
    if (!last || last.isConnected) return;
    if (active && active !== document.body) { last = active; return; }
    // the same control if the rerun drew it again, else the one now at its place in the tab
    // order (the next suggestion's, when the one acted on left the list)
    const holder = lastKey && document.querySelector("." + lastKey.cls);
    let el = holder && holder.querySelectorAll(lastKey.tag)[lastKey.index];
    if (!el && lastIndex >= 0) { const all = focusables(); el = all[Math.min(lastIndex, all.length - 1)]; }
    if (el) { el.focus({ preventScroll: true }); last = el; }
  };
  dark();
  const timer = setInterval(restore, 250);
  return () => { clearInterval(timer); document.removeEventListener("focusin", onFocus, true); };
}
"""

_PAGE_CSS = f"""
#ck-skip {{ position: fixed; left: 8px; top: -60px; z-index: 1000200; padding: 8px 14px;
  background: #100e0c; color: #ffffff; border-radius: 6px; font-weight: 600;
  text-decoration: none; }}
#ck-skip:focus {{ top: 8px; outline: 3px solid {FOCUS_RING}; outline-offset: 2px; }}
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible,
[role="button"]:focus-visible, [role="combobox"]:focus-visible, [role="slider"]:focus-visible,
[tabindex]:focus-visible, summary:focus-visible {{
  outline: 3px solid {FOCUS_RING} !important; outline-offset: 2px !important; }}
[data-testid="stCode"] > div:has([aria-label="Copy to clipboard"]),
[data-testid="stCode"] [data-testid="stElementToolbarButton"] {{
  opacity: 1 !important; visibility: visible !important; }}
html[data-ck-theme="dark"] [data-testid="stBaseButton-primary"],
html[data-ck-theme="dark"] [data-testid="stBaseButton-primary"] *,
html[data-ck-theme="dark"] [data-baseweb="tag"],
html[data-ck-theme="dark"] [data-baseweb="tag"] * {{ color: {ON_PRIMARY_DARK} !important; }}
html[data-ck-theme="light"] .js-plotly-plot text[style*="fill: rgb(128, 132, 149)"] {{
  fill: {LIGHT_INK} !important; }}
"""

_page_component = st.components.v2.component("closeknit_page", js=_PAGE_JS)


def page_aids() -> None:
    """Mount the page-wide accessibility aids (see ``_PAGE_JS``): once per run, from app.py."""
    _page_component(data={"css": _PAGE_CSS}, key="ck_page_aids", width="content", height="content")


def label_backing() -> str:
    """A backing for names written over dots: the theme's background, 85% opaque (from
    ``st.context.theme``; the light theme's when unknown)."""
    try:
        dark = st.context.theme.type == "dark"
    except Exception:  # noqa: BLE001 - no request context (tests, bare mode)
        dark = False
    return "rgba(31, 27, 24, 0.85)" if dark else "rgba(253, 251, 247, 0.85)"
