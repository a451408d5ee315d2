"""A restart of the dashboard on a later day draws the overview from what the store keeps,
without reading a stored interaction; a page that shows rows (the Import page's people found)
reads them then."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from analysis import facts, pipeline
from analysis.metrics import graph
from analysis.store import Store
from analysis.store import store as store_module
from tests.app import files
from tests.app.conftest import new_app, open_page


def test_a_later_days_overview_reads_no_interaction_and_the_import_page_reads_them(
    private_store, monkeypatch
):
    at = new_app().run()
    open_page(at, "import_data")
    at.file_uploader[0].set_value(files.all_files()).run()
    at.date_input(key="ck_as_of_input").set_value(files.AS_OF).run()
    open_page(at, "overview")
    pipeline.finish_saves()  # the caches a restart reads
    # a new process: nothing kept in memory
    st.cache_resource.clear()
    for cache in (facts._FACTS, graph._STRUCTURES, pipeline._RECENT):
        cache.clear()
    decoded = []
    real = store_module.blob_to_batch_and_who
    monkeypatch.setattr(
        store_module, "blob_to_batch_and_who", lambda b: (decoded.append(1), real(b))[1]
    )
    with Store(private_store) as store:  # the dashboard opened on a later day
        store.set_setting("as_of", (files.AS_OF + timedelta(days=3)).isoformat())
    at = new_app().run()  # the overview
    assert not at.exception, [e.value for e in at.exception]
    assert decoded == []
    assert any(str(h.value).startswith("Today, you could") for h in at.subheader)
    open_page(at, "import_data")  # lists who each file names and the people found: rows read
    assert decoded
