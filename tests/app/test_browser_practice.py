"""The daily practice in a real browser (Debian's Chromium through Playwright; never a downloaded
browser):

* on a phone (390x844, touch): open the quick log, type to find a person, pick how and who
  reached out, a past date and a note, log it, and find the note on that person's card, with
  no page scrolling sideways;
* in a browser set to Tokyo time, the Import page offers Asia/Tokyo as the time zone of the
  user's own files;
* after uploading a group chat, the user picks themselves in "Which of these is you?".

Screenshots go to ``screenshots/`` (gitignored) as artefacts.
"""

from __future__ import annotations

import pytest

from tests.app.browser import MARKS, PHONE_UA, served_app, shot, start_own_files

PHONE = {"width": 390, "height": 844}
NOTE = "walked along the Elbe, talked about her new job"
SCROLL_WIDTH_JS = "() => document.scrollingElement.scrollWidth"

pytestmark = MARKS


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One server (on a store of its own) and one browser for this module's tests."""
    with served_app(tmp_path_factory.mktemp("store")) as app:
        yield app


def test_on_a_phone_quick_log_with_a_past_date_and_a_note_shows_on_the_card(served):
    check, browser, url, _ = served
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2,
        user_agent=PHONE_UA,
    )  # fmt: skip
    page = context.new_page()
    try:
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_role("heading", name="Overview").first.wait_for(timeout=60_000)
        check.wait_idle(page)
        assert page.evaluate(SCROLL_WIDTH_JS) <= PHONE["width"]
        # the sidebar starts closed on a phone: open it, then the quick log
        page.locator('[data-testid="stExpandSidebarButton"]').tap()
        side = page.locator('[data-testid="stSidebar"]')
        side.get_by_text("Log contact").tap()
        who = side.get_by_role("combobox", name="Who", exact=True)
        who.wait_for(timeout=10_000)
        who.tap()
        page.keyboard.type("lena v")  # type to find the person
        page.get_by_role("option", name="Lena Vogt").tap()
        side.get_by_role("combobox", name="How", exact=True).tap()
        page.get_by_role("option", name="in person").tap()
        side.get_by_text("They did").tap()
        day = side.get_by_role("spinbutton", name="day, When")  # the sample is as of 20 Nov
        day.tap()
        page.keyboard.type("10")
        assert side.locator('input[type="date"]').first.input_value() == "2026-11-10"
        side.get_by_label("Note (optional)").tap()
        page.keyboard.type(NOTE)
        assert page.evaluate(SCROLL_WIDTH_JS) <= PHONE["width"]
        shot(page, check, "phone-quick-log", PHONE)
        side.get_by_role("button", name="Log it").tap()
        page.get_by_text("Logged: in person with Lena Vogt.").wait_for(timeout=30_000)
        check.wait_idle(page)

        # the person's card: the People page, from the sidebar's navigation
        side.get_by_role("link", name="People", exact=True).tap()
        page.get_by_role("heading", name="People").first.wait_for(timeout=60_000)
        check.wait_idle(page)
        box = side.bounding_box()
        assert box is None or box["x"] + box["width"] < 5, "the sidebar closes on a phone"
        find = page.get_by_label("Find someone")
        find.tap()
        page.keyboard.type("lena vogt")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Lena Vogt").first.wait_for(timeout=30_000)
        check.wait_idle(page)
        noted = page.get_by_text(NOTE)
        noted.wait_for(timeout=30_000)
        line = noted.inner_text()
        assert line.startswith("10 Nov 2026 (in person)"), line
        noted.scroll_into_view_if_needed()
        assert page.evaluate(SCROLL_WIDTH_JS) <= PHONE["width"]
        shot(page, check, "phone-card-with-note", PHONE)
    finally:
        context.close()


def test_your_files_default_to_the_browser_s_time_zone(served):
    check, browser, url, store = served
    viewport = {"width": 1400, "height": 1000}
    context = browser.new_context(viewport=viewport, timezone_id="Asia/Tokyo")
    page = context.new_page()
    try:
        start_own_files(page, check, url)
        zone = page.get_by_role("combobox", name="Your time zone (for times written without one)")
        assert zone.input_value() == "Asia/Tokyo"
        shot(page, check, "desktop-import-tokyo", viewport)
    finally:
        context.close()
    from analysis.store import Store  # lazy: the store is read once the browser is done

    with Store(store) as s:
        assert s.setting("timezone") == "Asia/Tokyo"  # kept as the files' time zone


def test_after_an_upload_the_user_picks_themselves_among_the_chat_s_people(served, tmp_path):
    from tests.app.test_who_is_me import CHAT_NAME, ME, climbing_chat

    check, browser, url, store = served
    viewport = {"width": 1400, "height": 1000}
    chat = tmp_path / CHAT_NAME
    chat.write_bytes(climbing_chat())
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        start_own_files(page, check, url)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(chat)])
        page.get_by_text("Which of these is you?").first.wait_for(timeout=60_000)
        check.wait_idle(page)
        picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="You in")
        picker.locator('[role="combobox"]').first.click()
        page.get_by_role("option", name=ME).click()
        page.get_by_text(f"you are “{ME}” in your chats").first.wait_for(timeout=60_000)
        shot(page, check, "desktop-import-pick-me", viewport)
    finally:
        context.close()
    from analysis.store import Store  # lazy: the store is read once the browser is done

    with Store(store) as s:
        assert ME in s.setting("me")
