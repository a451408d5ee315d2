"""One bad file costs one file: an importer that fails in a way nobody foresaw makes that file's
report ("could not read: ..."), the other files import, every page keeps working, and a refused
file stays listed after a reload."""

from __future__ import annotations

import pytest

from analysis.cli import main
from analysis.importers import IMPORTERS
from tests.app import files
from tests.app.conftest import metric, new_app, open_page, table, texts

CRASHER = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Crash Me\r\nEND:VCARD\r\n"
PAGES = ("overview", "network", "neglected", "balance", "circles", "suggestions", "your_data")


@pytest.fixture
def buggy_vcard_importer(monkeypatch):
    """The vCard importer, with a bug that only this one file triggers."""
    mod = IMPORTERS["vcard"]
    real_parse = mod.parse
    real_begin = getattr(mod, "begin", None)

    def explode_on_crasher(source, options):
        if b"Crash Me" in source.data:
            raise KeyError("an importer bug")
        return real_parse(source, options)

    monkeypatch.setattr(mod, "parse", explode_on_crasher)
    if real_begin is not None:

        def begin(source, options):
            if b"Crash Me" in source.data:
                raise KeyError("an importer bug")
            return real_begin(source, options)

        monkeypatch.setattr(mod, "begin", begin)


def test_one_crashing_file_among_good_ones_on_the_command_line(
    buggy_vcard_importer, tmp_path, capsys
):
    paths = []
    for name, data, _ in [("crash.vcf", CRASHER, ""), *files.all_files()]:
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    assert main(["import", *paths, "--json"]) == 0
    out = capsys.readouterr().out
    assert "crash.vcf: could not read: KeyError" in out
    assert '"file": "log.csv"' in out and "Traceback" not in out


def test_one_crashing_file_leaves_every_page_working(buggy_vcard_importer):
    at = new_app().run()
    open_page(at, "import_data")
    at.file_uploader[0].set_value([("crash.vcf", CRASHER, "text/vcard"), *files.all_files()]).run()
    assert not at.exception, [e.value for e in at.exception]
    summary = table(at, "File", "Status")
    crash = summary[summary["File"] == "crash.vcf"].iloc[0]
    assert crash["Status"] == "Could not use"
    assert (summary[summary["File"] != "crash.vcf"]["Status"] == "OK").all()
    assert "could not read" in texts(at) and "KeyError" in texts(at)
    for page in PAGES:
        open_page(at, page)


def test_a_refused_file_stays_listed_after_a_reload():
    at = new_app().run()
    open_page(at, "import_data")
    notes = ("notes.txt", b"just some words, not an export\n", "text/plain")
    at.file_uploader[0].set_value([notes, *files.all_files()]).run()
    assert not at.exception
    again = new_app().run()  # a new browser session on the same store
    open_page(again, "import_data")
    summary = table(again, "File", "Status")
    assert summary[summary["File"] == "notes.txt"].iloc[0]["Status"] == "Could not use"
    assert metric(again, "Files") == "4"


def test_a_corrupt_store_shows_the_way_out_and_keeps_the_old_file(private_store):
    private_store.write_bytes(b"not a database" * 200)
    at = new_app().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("cannot be used" in e.value for e in at.error)
    assert "You are looking at a sample" in texts(at)  # every page still works, on the sample
    next(b for b in at.button if b.key == "ck_store_aside").click().run()
    assert not at.exception
    kept = list(private_store.parent.glob(private_store.name + ".unusable-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"not a database")
    assert not any("cannot be used" in e.value for e in new_app().run().error)
