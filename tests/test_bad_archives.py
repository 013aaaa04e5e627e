"""Bad archive files tried through the store, the command line and the window.

Each bad file is opened read-only, refused with a clear message that names it, or recovered;
a refused file is never changed (bytes, mtime) and gets no -wal, -shm or journal beside it.
The kinds (tests/fixtures/bad_files.py): not SQLite (text, random bytes, a PDF, SQLite's magic
then noise), empty, other programs' SQLite files, archives truncated at 8 offsets, archives
with noise written into 13 pages, an archive of a newer schema; and a read-only file, a
read-only folder and a full disk.
"""
from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from fixtures.archive_fakes import DOC_A, DOC_B, fake_parse, write_doc
from fixtures.bad_files import (
    BadArchive,
    FileState,
    bad_archives,
    fill_disk,
    integrity_problems,
    read_only,
    side_files,
    small_disk,
)

from archive_viewer import cli, paths
from archive_viewer.store import Archive, ArchiveError, connection, queries
from archive_viewer.store.errors import ReadOnlyArchiveError, is_damage
from archive_viewer.store.filters import Filter

#: What the message of a refusal says, by kind of file.
WORDS = {"not sqlite": "not an Archive Viewer archive", "other program": "another program",
         "truncated": "damaged", "corrupted": "damaged", "newer schema": "newer",
         "empty": "empty"}
SOMETIMES_WORDS = {"not sqlite": "damaged"}  # SQLite's magic followed by noise


@pytest.fixture(scope="module")
def good_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample documents' archive: several pages per big table, closed (no -wal)."""
    path = tmp_path_factory.mktemp("good") / "good.sqlite"
    with Archive.open(path) as archive:
        assert not archive.import_paths([paths.SAMPLES_DIR], workers=1).failures
    assert not side_files(path)
    return path


@pytest.fixture
def bad(good_archive: Path, tmp_path: Path) -> dict[str, BadArchive]:
    return bad_archives(good_archive, tmp_path / "bad")


@pytest.fixture
def good(good_archive: Path, tmp_path: Path) -> Path:
    path = tmp_path / "good" / "archive.sqlite"
    path.parent.mkdir()
    shutil.copy(good_archive, path)
    return path


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    write_doc(folder, "a.txt", DOC_A)
    write_doc(folder, "b.txt", DOC_B)
    return folder


@pytest.fixture
def stand_in_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("archive_viewer.store.archive.default_parser", fake_parse)


def assert_clear(message: str, path: Path, kind: str) -> None:
    """One line, naming the file, saying what is wrong with it."""
    assert "\n" not in message and "Traceback" not in message, message
    assert str(path) in message, message
    words = [WORDS[kind], SOMETIMES_WORDS.get(kind, WORDS[kind])]
    assert any(w in message for w in words), (kind, message)


def read_everything(path: Path) -> None:
    """Read every table the app reads, a search and the totals; raises what SQLite raises."""
    with Archive.open(path, create=False) as archive:
        conn = archive.connection()
        archive.stats()
        for table in ("documents", "meetings", "sections", "items", "statements", "people",
                      "issues", "statement_issue_closure", "meeting_issue_counts"):
            conn.execute(f"SELECT * FROM {table}").fetchall()
        conn.execute("SELECT rowid FROM statements_fts WHERE statements_fts MATCH 'minister'"
                     ).fetchall()
        queries.totals(conn, Filter())
        queries.totals(conn, Filter(text="minister"))


# -- the store ------------------------------------------------------------------------------

def test_the_store_refuses_each_bad_file_and_leaves_it_untouched(
        bad: dict[str, BadArchive]) -> None:
    opened_damaged = 0
    for name, case in bad.items():
        modes: list[dict[str, bool]] = [{"create": False}, {"readonly": True}]
        if case.kind != "empty":  # an empty file is made an archive when asked to create
            modes.insert(0, {})
        for mode in modes:
            before = FileState.of(case.path)
            try:
                archive = Archive.open(case.path, **mode)
            except ArchiveError as exc:
                assert_clear(str(exc), case.path, case.kind)
            else:
                # Damage the opening reads do not reach: the archive opens; reads that reach
                # the damage raise, and opening and closing wrote nothing.
                assert case.kind == "corrupted", (name, mode)
                archive.close()
                opened_damaged += 1
            assert FileState.of(case.path) == before, (name, mode)
    assert opened_damaged  # some of the damage is only met when read


def test_damage_met_when_reading_is_an_sqlite_error_and_writes_nothing(
        bad: dict[str, BadArchive]) -> None:
    silent = met = 0
    for name, case in bad.items():
        if case.kind != "corrupted":
            continue
        before = FileState.of(case.path)
        try:
            read_everything(case.path)
            silent += 1  # noise inside a row's text reads back as other text
        except ArchiveError as exc:
            assert_clear(str(exc), case.path, "corrupted")
            met += 1
        except sqlite3.DatabaseError as exc:
            assert is_damage(exc), (name, exc)
            met += 1
        assert FileState.of(case.path) == before, name
    assert met > silent


def test_an_empty_file_is_made_an_archive_only_when_asked_to_create(
        bad: dict[str, BadArchive]) -> None:
    empty = bad["empty"].path
    with Archive.open(empty) as archive:
        assert archive.stats().documents == 0
    assert not side_files(empty)


# -- the command line -----------------------------------------------------------------------

def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("stand_in_parser")
def test_the_command_line_refuses_each_bad_file_in_one_line(
        bad: dict[str, BadArchive], docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, case in bad.items():
        for command in (["stats"], ["import", str(docs)]):
            before = FileState.of(case.path)
            code, out, err = run_cli(capsys, command[0], "--db", str(case.path), *command[1:])
            if case.kind == "empty" and command[0] == "import":
                assert code == 0, err  # created there, as asked
                continue
            if case.kind == "corrupted" and code in (0, 1):
                continue  # the damage was not met (the rows it reached were fine)
            assert code == 2, (name, command, out, err)
            assert err.startswith("archive-viewer: ") and err.count("\n") == 1, err
            assert_clear(err.strip(), case.path, case.kind)
            if "stays in the archive" in err:
                continue  # damage met by the second document: the first one was imported
            assert FileState.of(case.path) == before, (name, command, err)


# -- the window -----------------------------------------------------------------------------

def _open_window(qtbot, path: Path):
    from archive_viewer.ui.main_window import MainWindow

    window = MainWindow(path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=10_000)
    return window


def _visible_boxes(window) -> list:
    from PySide6.QtWidgets import QApplication, QMessageBox

    boxes = {id(w): w for w in QApplication.topLevelWidgets() + window.findChildren(QMessageBox)
             if isinstance(w, QMessageBox) and w.isVisible()}
    return list(boxes.values())


def test_the_window_refuses_each_bad_file_and_keeps_its_archive(
        qtbot, good: Path, bad: dict[str, BadArchive]) -> None:
    window = _open_window(qtbot, good)
    for name, case in bad.items():
        before = FileState.of(case.path)
        current = window.db_path
        opened = window.open_archive(case.path)
        boxes = _visible_boxes(window)
        if opened:
            # Damage the opening did not meet: the window shows the archive, and a read that
            # meets the damage says so in a box naming the file.
            assert case.kind == "corrupted", name
            qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=10_000)
            for box in _visible_boxes(window):
                assert box.windowTitle() == "Could not read the archive", name
                assert str(case.path) in box.text() and "damaged" in box.text(), box.text()
                box.close()
            # Not written; its readers' -wal and -shm may stay, as beside any open archive.
            assert FileState.of(case.path).sha256 == before.sha256, name
            assert FileState.of(case.path).mtime_ns == before.mtime_ns, name
            continue
        assert len(boxes) == 1, (name, [b.text() for b in boxes])
        assert boxes[0].windowTitle() == "Cannot open the archive"
        assert_clear(boxes[0].text(), case.path, case.kind)
        assert str(current) in boxes[0].informativeText()  # "... stays open"
        boxes[0].close()
        assert window.db_path == current, name
        assert FileState.of(case.path) == before, name
    assert window.isVisible()
    assert window.open_archive(good)  # and a good archive opens after all that
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=10_000)
    assert window.model.rowCount() == 5


def test_a_window_started_on_a_bad_file_says_why(
        qtbot, bad: dict[str, BadArchive]) -> None:
    shown = set()
    for name, case in bad.items():
        if case.kind in shown or case.kind == "corrupted":
            continue
        shown.add(case.kind)
        before = FileState.of(case.path)
        window = _open_window(qtbot, case.path)
        text = window.detail.plain_text()
        assert "could not be opened" in text and str(case.path) in text, (name, text)
        assert window.model.rowCount() == 0 and not window.actions.import_files.isEnabled()
        window.close()
        assert FileState.of(case.path) == before, name
    assert shown == set(WORDS) - {"corrupted"}


# -- read-only files and folders --------------------------------------------------------------

def _read_only_target(good: Path, what: str) -> Path:
    return good if what == "file" else good.parent


@pytest.mark.usefixtures("stand_in_parser")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_archive_is_read_and_never_written(
        qtbot, good: Path, docs: Path, what: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Archive.open(good) as archive:  # a writer: it takes its -wal and -shm away
        expected = archive.stats()
    before = FileState.of(good)
    with read_only(_read_only_target(good, what)):
        # The store: refused for writing, in words; read-only works (no -wal/-shm needed).
        with pytest.raises(ReadOnlyArchiveError) as caught:
            Archive.open(good)
        assert str(good) in str(caught.value) and "read-only" in str(caught.value)
        with Archive.open(good, readonly=True) as archive:
            assert archive.stats() == expected
            hits = archive.connection().execute(
                "SELECT count(*) FROM statements_fts WHERE statements_fts MATCH 'minister'"
            ).fetchone()[0]
            assert hits > 0
        assert FileState.of(good) == before

        # The command line: stats reads it; import is refused in one line.
        code, out, err = run_cli(capsys, "stats", "--db", str(good))
        counts = dict(line.split() for line in out.splitlines()[1:])
        assert code == 0 and err == "" and counts["meetings"] == str(expected.meetings)
        code, out, err = run_cli(capsys, "import", "--db", str(good), str(docs))
        assert code == 2 and out == "" and err.count("\n") == 1
        assert str(good) in err and "read-only" in err
        assert FileState.of(good) == before

        # The window: refused with a message; the window keeps running.
        window = _open_window(qtbot, good)
        assert "read-only" in window.detail.plain_text()
        assert FileState.of(good) == before

        # Creating a new archive in a read-only folder.
        if what == "folder":
            new = good.parent / "new.sqlite"
            with pytest.raises(ArchiveError, match="read-only"):
                Archive.open(new)
            assert not new.exists()
        window.close()
    assert FileState.of(good) == before
    assert not side_files(good)


# -- a full disk ------------------------------------------------------------------------------

def _contents(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)  # not read-only: a reader would leave -wal and -shm behind
    try:
        assert integrity_problems(conn) == []
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("documents", "meetings", "sections", "statements", "issues",
                              "meeting_issue_counts")}
    finally:
        conn.close()


def _limit_pages(monkeypatch: pytest.MonkeyPatch, extra: int) -> None:
    """Writable connections may grow the file by ``extra`` pages only (SQLITE_FULL beyond)."""
    real: Callable[..., sqlite3.Connection] = connection.connect

    def connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
        conn = real(path, readonly=readonly)
        if not readonly:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages + extra}")
        return conn

    monkeypatch.setattr(connection, "connect", connect)


@pytest.mark.usefixtures("stand_in_parser")
def test_an_import_onto_a_full_archive_stops_and_loses_nothing(
        good: Path, docs: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    contents = _contents(good)
    _limit_pages(monkeypatch, 0)
    with Archive.open(good) as archive, pytest.raises(ArchiveError) as caught:
        archive.import_paths([docs])
    message = str(caught.value)
    assert message.startswith(f"the import into archive {good} stopped: the disk is full")
    assert "No document was imported" in message and "Free some disk space" in message
    assert _contents(good) == contents and not side_files(good)

    code, out, err = run_cli(capsys, "import", "--db", str(good), str(docs))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert str(good) in err and "the disk is full" in err
    assert _contents(good) == contents

    monkeypatch.undo()
    monkeypatch.setattr("archive_viewer.store.archive.default_parser", fake_parse)
    with Archive.open(good) as archive:  # room again: the same import goes through
        assert archive.import_paths([docs]).count("imported") == 2


@pytest.mark.usefixtures("stand_in_parser")
def test_the_window_says_an_import_stopped_on_a_full_disk(
        qtbot, good: Path, docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    contents = _contents(good)
    window = _open_window(qtbot, good)
    _limit_pages(monkeypatch, 0)
    with qtbot.waitSignal(window.import_finished, timeout=10_000):
        assert window.import_paths([docs])
    boxes = [b for b in _visible_boxes(window) if b.windowTitle() == "The import could not run"]
    assert len(boxes) == 1 and str(good) in boxes[0].text() and "disk is full" in boxes[0].text()
    boxes[0].close()
    assert window.actions.import_files.isEnabled() and window.model.rowCount() == 5
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=10_000)
    window.close()
    assert _contents(good) == contents


@pytest.mark.usefixtures("stand_in_parser")
def test_a_real_full_disk(tmp_path: Path, good: Path, docs: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    size = good.stat().st_size
    # Room for the archive and the -wal of the last import below with a few pages to spare
    # (at 512 KiB there were 4 KiB left, and an import now also records the document's
    # arrival, db/*_research_notes.sql).
    with small_disk(tmp_path / "disk", size + 576 * 1024) as disk:
        archive_path = disk / "archive.sqlite"
        shutil.copy(good, archive_path)
        contents = _contents(archive_path)
        with Archive.open(archive_path) as archive:
            # A document fits; then the disk fills up and the next import stops.
            assert archive.import_document(docs / "a.txt").status == "imported"
            after_one = _contents(archive_path)
            filler = fill_disk(disk, 0)
            with pytest.raises(ArchiveError) as caught:
                archive.import_paths([docs / "b.txt"])
        assert str(archive_path) in str(caught.value) and "disk is full" in str(caught.value)
        # The first document may still be in the -wal: the full disk stopped the checkpoint.
        assert _contents(archive_path) == after_one != contents

        # (Each open tries the checkpoint again and may move a few pages: compare contents.)
        code, out, err = run_cli(capsys, "import", "--db", str(archive_path), str(docs))
        assert code == 2 and err.count("\n") == 1, err
        assert str(archive_path) in err and "disk is full" in err
        assert _contents(archive_path) == after_one

        new = disk / "new.sqlite"  # creating an archive on the full disk
        with pytest.raises(ArchiveError, match="disk is full"):
            Archive.open(new)
        assert not new.exists() and not side_files(new)

        filler.unlink()
        with Archive.open(archive_path) as archive:
            assert archive.import_paths([docs]).count("imported") == 1
        assert not side_files(archive_path)
