"""One truth: the dashboard and ``closeknit analyze --store`` give the same numbers for the same
files and settings, because both run :mod:`analysis.pipeline` on the same store."""

from __future__ import annotations

import json

from analysis import constants as C
from analysis import occasions
from analysis.cli import main, unmatched_list
from analysis.pipeline import run_keys
from analysis.report import to_dict
from analysis.store import Store
from dashboard import data
from tests.app import files
from tests.app.conftest import new_app, open_page


def _plain(obj: object) -> object:
    return json.loads(json.dumps(obj, ensure_ascii=False, default=str))


def _drawn_run(private_store, page: str):
    """Upload the test files in the dashboard, open ``page``; (its run key, the run it drew)."""
    at = new_app().run()
    open_page(at, "import_data")
    at.file_uploader[0].set_value(files.all_files()).run()
    at.date_input(key="ck_as_of_input").set_value(files.AS_OF).run()
    open_page(at, page)
    assert not at.exception
    with Store(private_store) as store:
        _, key = run_keys(store, files.AS_OF, C.WINDOW_DAYS)
    return key, data.analysed(str(private_store), key, files.AS_OF)  # the run the pages drew


def test_dashboard_and_cli_analyze_store_give_the_same_json(private_store, capsys):
    key, run = _drawn_run(private_store, "overview")
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


def test_dashboard_downloads_are_the_files_closeknit_export_writes(private_store, capsysbinary):
    key, run = _drawn_run(private_store, "your_data")
    shown = data.Run(
        is_sample=False, as_of=files.AS_OF, region="DE", timezone="",
        dataset=run.dataset, resolution=run.resolution, analysis=run.analysis, digest=key,
    )  # fmt: skip
    with Store(private_store) as store:
        shown.timezone = store.import_options().timezone
        dates = occasions.yearly_dates(
            run.resolution.people,
            store.occasions(),
            {p: e.states for p, e in store.edits().items()},
        )
    for kind in data.EXPORT_KINDS:
        capsysbinary.readouterr()
        status = main(
            ["export", kind, "--store", str(private_store), "--as-of", files.AS_OF.isoformat()]
        )
        assert status == 0
        assert data.export(shown, kind, dates=dates)() == capsysbinary.readouterr().out, kind
