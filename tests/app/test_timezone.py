"""The time zone defaults to the browser's: the Import page offers it until the user chooses one,
the user's files are read in it, and an explicit choice is kept whatever the browser says."""

from __future__ import annotations

from analysis.store import Store
from dashboard.state import DEFAULT_TIMEZONE, default_timezone
from tests.app import files
from tests.app.conftest import new_app, open_page

ZONES = {"Asia/Tokyo", "Europe/Berlin", "UTC"}


def test_the_default_is_the_choice_then_the_browser_then_utc():
    assert default_timezone("Europe/Berlin", "Asia/Tokyo", ZONES) == "Europe/Berlin"
    assert default_timezone(None, "Asia/Tokyo", ZONES) == "Asia/Tokyo"
    assert default_timezone("", "Asia/Tokyo") == "Asia/Tokyo"  # the machine's own zone list
    assert default_timezone(None, None, ZONES) == DEFAULT_TIMEZONE
    assert default_timezone(None, "Mars/Olympus_Mons", ZONES) == DEFAULT_TIMEZONE


def _in_tokyo():
    at = new_app()
    at.context = {"timezone": "Asia/Tokyo", "timezone_offset": -540}
    return at.run()


def test_your_files_are_read_in_the_browser_s_time_zone(private_store):
    at = _in_tokyo()
    at.button(key="ck_start_own").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="ck_tz_input").value == "Asia/Tokyo"
    at.file_uploader[0].set_value(files.all_files()).run()
    assert not at.exception, [e.value for e in at.exception]
    with Store(private_store) as s:
        assert s.setting("timezone") == "Asia/Tokyo"
        assert {o.timezone for o in map(s.options_for, s.sources())} == {"Asia/Tokyo"}


def test_an_explicit_choice_is_kept_whatever_the_browser_says(private_store):
    with Store(private_store) as s:
        s.set_setting("timezone", "Europe/Berlin")
    at = _in_tokyo()
    at.button(key="ck_start_own").click().run()
    assert at.selectbox(key="ck_tz_input").value == "Europe/Berlin"
    at.selectbox(key="ck_tz_input").set_value("America/Chicago").run()
    again = _in_tokyo()  # a new session, still in Tokyo
    again.button(key="ck_start_own").click().run()
    assert again.selectbox(key="ck_tz_input").value == "America/Chicago"


def test_the_sample_keeps_its_own_time_zone():
    at = open_page(_in_tokyo(), "import_data")
    assert at.selectbox(key="ck_tz_input_sample").value == "Europe/Berlin"
