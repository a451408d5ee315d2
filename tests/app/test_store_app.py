"""The dashboard keeps the user's own files and choices in the store across restarts."""

from __future__ import annotations

from analysis.store import Store
from tests.app.conftest import new_app, open_page, texts


def suggestion_ids(at) -> list[str]:
    return [b.key.removeprefix("ck_done_") for b in at.button if b.key.startswith("ck_done_")]


def test_logging_contact_from_a_suggestion_is_kept_after_a_restart(uploaded_app, private_store):
    at = open_page(uploaded_app, "suggestions")
    first = suggestion_ids(at)[0]
    at.selectbox(key=f"ck_how_{first}").set_value("in_person").run()
    at.button(key=f"ck_done_{first}").click().run()
    assert not at.exception
    assert first not in suggestion_ids(at)
    with Store(private_store) as store:
        assert store.counts()["logged"] == 1
        assert store.counts()["files"] == 3
        logged = store.logged_interactions().iloc[0]
        assert logged.channel == "in_person"

    again = new_app().run()  # a new session over the same store: a restart
    assert not again.exception
    assert "You are looking at a sample" not in texts(again)
    open_page(again, "suggestions")
    assert first not in suggestion_ids(again)
    open_page(again, "import_data")
    assert "log.csv" in texts(again) or any(
        "log.csv" in list(d.value.get("File", [])) for d in again.dataframe
    )


def test_a_circle_moved_on_the_card_is_kept(uploaded_app, expected_upload, private_store):
    _, _, an = expected_upload
    pid = an.people.loc[an.people["circle"].eq(3), "person_id"].iloc[0]
    at = open_page(uploaded_app, "network")
    at.selectbox(key="ck_person").set_value(pid).run()
    at.selectbox(key=f"ck_move_{pid}").set_value(1).run()
    assert not at.exception
    with Store(private_store) as store:
        assert store.overrides().circle == {pid: 1}
    again = open_page(new_app().run(), "network")
    again.selectbox(key="ck_person").set_value(pid).run()
    assert again.selectbox(key=f"ck_move_{pid}").value == 1


def test_data_page_removes_a_file_and_deletes_everything(uploaded_app, private_store):
    at = open_page(uploaded_app, "your_data")
    assert "phone.vcf" in texts(at) and "log.csv" in texts(at)
    with Store(private_store) as store:
        digest = store.files().set_index("name").loc["google.csv", "digest"]
    at.button(key=f"ck_store_rm_{digest}").click().run()
    assert not at.exception
    with Store(private_store) as store:
        assert sorted(store.files()["name"]) == ["log.csv", "phone.vcf"]
    at.checkbox(key="ck_delete_sure").check().run()
    at.button(key="ck_delete_all").click().run()
    assert not at.exception
    assert not private_store.exists()
    again = new_app().run()
    assert "You are looking at a sample" in texts(again)
