"""The commands for identifiers and data out: open, cite, register-links, export-statements,
bundle export / import."""
from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from archive_viewer import cli, link_handler
from archive_viewer.store import Archive

REFERENCE = "av:0e3ff97fcfd7"
TIMEOUT = 10_000


@pytest.fixture
def db(samples_archive: Path, tmp_path: Path) -> Path:
    path = tmp_path / "archive.sqlite"
    shutil.copy(samples_archive, path)
    return path


# -- open and cite --------------------------------------------------------------------------

def test_open_starts_the_window_with_the_record_selected_and_shown(
        qtbot, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archive_viewer.ui import app as ui_app
    from archive_viewer.ui.main_window import MainWindow

    seen: dict[str, object] = {}

    def exec_until_shown(*_args: object) -> int:
        # Stands in for the event loop: runs it until the window shows the record, then quits.
        [window] = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        qtbot.waitUntil(lambda: window.current_node() is not None
                        and window.current_node()[0] == "item"
                        and window.detail.node == window.current_node()
                        and window.detail.content is not None, timeout=TIMEOUT)
        seen["node"] = window.current_node()
        seen["title"] = window.detail.title.full_text()
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_until_shown)
    monkeypatch.setattr(ui_app.signal, "signal", lambda *_args: None)  # pytest keeps Ctrl+C
    # (The error hooks the app installs are taken away after every test: conftest.py.)
    assert cli.main(["open", f"archive-viewer://av/{REFERENCE[3:]}/s1/i3", "--db", str(db)]) == 0
    with sqlite3.connect(db) as conn:
        item = conn.execute(
            "SELECT it.id FROM items it JOIN sections s ON s.id = it.section_id "
            "JOIN meetings m ON m.id = s.meeting_id JOIN documents d ON d.id = m.document_id "
            "WHERE d.file_name LIKE '000%' AND s.ordinal = 1 AND it.ordinal = 3").fetchone()[0]
    assert seen["node"] == ("item", item)
    assert str(seen["title"]).startswith("(3)  ·  1. North Korean Issues")


@pytest.mark.parametrize(("identifier", "message"), [
    ("av:ffffffffffff/s1", "av:ffffffffffff/s1 is not in this archive"),
    (f"{REFERENCE}/s9", f"{REFERENCE}/s9 is not in this archive: its meeting has no section 9."),
    ("hello", "'hello' is not an Archive Viewer identifier"),
])
def test_open_refuses_an_identifier_the_archive_lacks_before_any_window(
        db: Path, capsys: pytest.CaptureFixture[str], identifier: str, message: str) -> None:
    assert cli.main(["open", identifier, "--db", str(db)]) == 2
    assert message in capsys.readouterr().err


def test_cite_prints_a_records_citation(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["cite", f"{REFERENCE}/s1/i3", "--style", "apa-in-text", "--db", str(db)]) == 0
    assert capsys.readouterr().out == \
        "(Ministry of Foreign Affairs of Japan, 2012, Section 1, para. 3)\n"
    assert cli.main(["cite", "av:nope", "--db", str(db)]) == 2


# -- register-links -------------------------------------------------------------------------

def _fake_tool(folder: Path, name: str, log: Path, status: int = 0) -> None:
    tool = folder / name
    tool.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexit {status}\n')
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)


def test_register_links_installs_the_handler_in_the_users_applications_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    _fake_tool(bin_dir, "xdg-mime", log)
    _fake_tool(bin_dir, "update-desktop-database", log, status=1)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    assert cli.main(["register-links"]) == 0
    desktop = tmp_path / "data-home" / "applications" / "archive-viewer-links.desktop"
    entry = desktop.read_text()
    assert "MimeType=x-scheme-handler/archive-viewer;\n" in entry
    assert " open %u\n" in entry
    assert log.read_text().splitlines() == [
        "xdg-mime default archive-viewer-links.desktop x-scheme-handler/archive-viewer",
        f"update-desktop-database {desktop.parent}"]
    assert capsys.readouterr().out.splitlines() == [
        f"Wrote {desktop}.",
        "Made it the default handler of archive-viewer:// links (xdg-mime).",
        "update-desktop-database failed (exit status 1)."]


def test_register_links_without_the_desktop_tools_says_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # neither tool there
    script = tmp_path / "My Apps" / "archive-viewer"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    done = link_handler.register_links(environ={"XDG_DATA_HOME": str(tmp_path / "h")},
                                       command=link_handler.launcher_command(str(script)))
    assert done.ok and done.desktop_file is not None
    assert f'Exec="{script}" open %u' in done.desktop_file.read_text()  # quoted: a space
    assert "xdg-mime was not found" in done.steps[1]
    assert link_handler.register_links(platform="darwin").steps[0].startswith(
        "Links can be registered on Linux desktops only")


def test_the_installable_desktop_file_is_the_one_the_command_writes() -> None:
    assert link_handler.RESOURCE.read_text() == link_handler.desktop_entry()


def test_the_launcher_runs_this_installation() -> None:
    command = link_handler.launcher_command(argv0="/nonexistent/archive-viewer")
    assert command.endswith("archive-viewer") or command.endswith("-m archive_viewer")


# -- export-statements and bundles ----------------------------------------------------------

def test_export_statements_with_filter_options(db: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nk.csv"
    assert cli.main(["export-statements", "-o", str(out), "--issue", "North Korea",
                     "--person", "Gemba", "--from", "2012-01-01", "--db", str(db)]) == 0
    with open(out, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert capsys.readouterr().out == f"Wrote {len(rows)} statements to {out} (CSV)\n"
    assert rows and all(r["held_on"] >= "2012" for r in rows)
    assert {r["speaker"] for r in rows} <= {"Koichiro Gemba", "joint"}


def test_export_statements_to_standard_output_as_json(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export-statements", "-o", "-", "--format", "json", "--kind",
                     "telephone_talk", "--db", str(db)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3 and {r["kind"] for r in rows} == {"telephone_talk"}


@pytest.mark.parametrize(("args", "message"), [
    (["--issue", "Weather"], "no issue called 'Weather'"),
    (["--person", "Nobody Atall"], "no person called 'Nobody Atall'"),
    (["--search=-japan"], "Add a word to search for"),
])
def test_export_statements_refuses_what_it_cannot_filter_by(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
        message: str) -> None:
    assert cli.main(["export-statements", "-o", str(tmp_path / "x.csv"), *args,
                     "--db", str(db)]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_bundle_export_then_import_into_a_new_archive(db: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "b.json"
    assert cli.main(["bundle", "export", str(bundle), "--db", str(db)]) == 0
    assert capsys.readouterr().out == f"Wrote 9 documents to {bundle}\n"
    target = tmp_path / "new.sqlite"
    assert cli.main(["bundle", "import", str(bundle), "--db", str(target)]) == 0
    assert capsys.readouterr().out == "Imported 9, unchanged 0, replaced 0, failed 0\n"
    with Archive.open(target) as archive:
        assert archive.stats().statements == 52
    (tmp_path / "junk.json").write_text("{}")
    assert cli.main(["bundle", "import", str(tmp_path / "junk.json"), "--db", str(target)]) == 2
    assert "has no \"format\"" in capsys.readouterr().err


def test_a_closed_pipe_ends_an_export_to_standard_output_quietly(
        db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # `archive-viewer export-statements -o - | head`: the reader goes, the export stops.
    writes: list[str] = []

    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            writes.append(text)
            if len(writes) > 2:
                raise BrokenPipeError
            return len(text)

    monkeypatch.setattr("sys.stdout", Closed())
    monkeypatch.setattr(cli, "_silence_stdout", lambda: None)
    assert cli.main(["export-statements", "-o", "-", "--db", str(db)]) == 0
    assert len(writes) == 3  # stopped at the first write that failed
    assert capsys.readouterr().err == ""


def test_identifiers_citations_and_data_out_do_not_import_qt() -> None:
    import subprocess
    import sys

    modules = ["archive_viewer.identifiers", "archive_viewer.citation", "archive_viewer.provenance",
               "archive_viewer.link_handler", "archive_viewer.data_out.statements",
               "archive_viewer.data_out.bundle", "archive_viewer.store.citations",
               "archive_viewer.store.node_ids", "archive_viewer.store.named_filter"]
    code = (f"import sys; import {', '.join(modules)}; "
            "sys.exit(any(m.startswith('PySide6') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
