"""One truth: the dashboard and ``closeknit analyze --store`` give the same numbers for the same
files and settings, because both run :mod:`analysis.pipeline` on the same store."""

from __future__ import annotations

import json

from analysis import constants as C
from analysis.cli import main, unmatched_list
from analysis.pipeline import run_keys
from analysis.report import to_dict
from analysis.store import Store
from dashboard import data
from tests.app import files
from tests.app.conftest import new_app, open_page


def _plain(obj: object) -> object:
    return json.loads(json.dumps(obj, ensure_ascii=False, default=str))


def test_dashboard_and_cli_analyze_store_give_the_same_json(private_store, capsys):
    at = new_app().run()
    open_page(at, "import_data")
    at.file_uploader[0].set_value(files.all_files()).run()
    at.date_input(key="ck_as_of_input").set_value(files.AS_OF).run()
    open_page(at, "overview")
    assert not at.exception

    with Store(private_store) as store:
        _, key = run_keys(store, files.AS_OF, C.WINDOW_DAYS)
    run = data.analysed(str(private_store), key, files.AS_OF)  # the run the pages drew
    dashboard = to_dict(
        run.analysis,
        files=[r.to_dict() for r in run.dataset.reports],
        unmatched=unmatched_list(run.resolution),
    )

    capsys.readouterr()
    status = main(
        ["analyze", "--store", str(private_store), "--as-of", files.AS_OF.isoformat(),
         "--format", "json"]
    )  # fmt: skip
    assert status == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli == _plain(dashboard)
    assert cli["people"] and cli["suggestions"]


def test_the_sample_runs_through_a_store_of_the_session_never_the_users(private_store):
    at = new_app().run()
    assert not at.exception
    assert not private_store.exists()  # the sample never writes the user's store
    open_page(at, "suggestions")
    assert not private_store.exists()
