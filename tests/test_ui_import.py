"""Importing from the window: the worker thread, progress, cancel, summary, refreshed views."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from archive_viewer import paths, store
from archive_viewer.ui.import_dialog import ImportSummaryDialog, headline
from archive_viewer.ui.import_worker import ImportWorker
from archive_viewer.ui.main_window import MainWindow

TIMEOUT = 30_000
REFERENCE = paths.SAMPLES_DIR / "000_19a025d9c24d22f3.txt"
NOT_A_MEETING = "does not look like a meeting overview"


@pytest.fixture
def one_meeting_archive(tmp_path: Path) -> Path:
    """An archive holding only the reference document."""
    path = tmp_path / "archive.sqlite"
    with store.Archive.open(path, create=True) as archive:
        assert not archive.import_document(REFERENCE).failed
    return path


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    """A folder with two sample documents and one text file that is no meeting overview."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    for name in ("103_f6bfc778e139f293.txt", "107_862972576e0ef86c.html"):
        shutil.copy(paths.SAMPLES_DIR / name, folder / name)
    (folder / "notes.txt").write_text("shopping list\nmilk\n")
    return folder


def open_window(qtbot, db_path: Path) -> MainWindow:
    window = MainWindow(db_path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)
    return window


def meetings_in_tree(qtbot, window: MainWindow) -> set[str]:
    titles = set()
    for year_row in range(window.model.rowCount()):
        year = window.model.index(year_row, 0)
        while window.model.canFetchMore(year):
            window.model.fetchMore(year)  # the rows come from a worker
            qtbot.waitUntil(lambda year=year: not window.model.fetching(year), timeout=TIMEOUT)
        titles |= {window.model.index(r, 0, year).data(Qt.ItemDataRole.ToolTipRole).split("\n")[0]
                   for r in range(window.model.rowCount(year))}
    return titles


def archive_counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as conn:
        return tuple(conn.execute(  # type: ignore[return-value]
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM meetings), "
            "(SELECT count(*) FROM statements)").fetchone())


def test_import_through_the_window_shows_a_summary_and_refreshes(
        qtbot, one_meeting_archive: Path, documents: Path) -> None:
    window = open_window(qtbot, one_meeting_archive)
    assert meetings_in_tree(qtbot, window) == {"Japan-ROK Foreign Ministers' Meeting (Overview)"}
    assert window.status_totals.text().startswith("1 meeting · ")

    with qtbot.waitSignal(window.import_finished, timeout=TIMEOUT) as finished:
        assert window.import_paths([documents, REFERENCE])
        assert not window.actions.import_files.isEnabled()  # one import at a time
        assert window.import_paths([documents]) is False
    summary = finished.args[0]
    assert summary.count("imported") == 2 and summary.count("unchanged") == 1
    assert window.actions.import_files.isEnabled()

    dialog = window.last_import_dialog
    assert isinstance(dialog, ImportSummaryDialog) and dialog.isVisible()
    rows = dialog.rows()
    assert rows[0] == ("notes.txt", "Failed", rows[0][2]) and NOT_A_MEETING in rows[0][2]
    assert {r[0] for r in rows if r[1] == "Imported"} == {"103_f6bfc778e139f293.txt",
                                                         "107_862972576e0ef86c.html"}
    assert ("000_19a025d9c24d22f3.txt", "Unchanged", "already in the archive") in rows
    assert "2 documents imported" in dialog.headline.text()
    assert "1 document failed" in dialog.headline.text()

    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)
    assert meetings_in_tree(qtbot, window) == {"Japan-ROK Foreign Ministers' Meeting (Overview)",
                                        "Japan-ROK Summit Telephone Talk",
                                        "Japan-China Foreign Ministers' Meeting"}
    assert window.status_totals.text().startswith("3 meetings · ")
    kinds = {v.key for v in window.sidebar.facets.kinds}
    assert "telephone_talk" in kinds  # the facets were counted again
    dialog.close()


def test_dropping_files_on_the_window_imports_them(qtbot, one_meeting_archive: Path,
                                                   documents: Path) -> None:
    window = open_window(qtbot, one_meeting_archive)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(documents / "103_f6bfc778e139f293.txt"))])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.import_finished, timeout=TIMEOUT) as finished:
        window.dropEvent(event)
    assert finished.args[0].count("imported") == 1
    window.last_import_dialog.close()


def test_cancel_keeps_finished_documents_and_no_half_document(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite"
    store.Archive.open(path, create=True).close()
    worker = ImportWorker(path, [paths.SAMPLES_DIR])
    summaries: list[object] = []
    worker.progress.connect(lambda done, total, name: worker.cancel())  # stop after the first
    worker.finished.connect(summaries.append)
    worker.run()  # in this thread: the signals are delivered directly

    summary = summaries[0]
    assert summary.cancelled and [r.status for r in summary.results] == ["imported"]
    documents, meetings, statements = archive_counts(path)
    assert (documents, meetings) == (1, 1)
    # The one document is whole: as many statements as importing it alone gives.
    alone = tmp_path / "alone.sqlite"
    with store.Archive.open(alone, create=True) as archive:
        archive.import_document(summary.results[0].path)
    assert archive_counts(alone)[2] == statements


def test_cancel_from_the_progress_dialog(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite"
    store.Archive.open(path, create=True).close()
    window = open_window(qtbot, path)
    with qtbot.waitSignal(window.import_finished, timeout=TIMEOUT) as finished:
        window.import_paths([paths.SAMPLES_DIR])
        window.importer.cancel()  # as the dialog's Stop button does
    summary = finished.args[0]
    assert summary.cancelled
    documents, meetings, _ = archive_counts(path)
    assert documents == meetings == summary.count("imported") < 9
    assert window.last_import_dialog.windowTitle() == "Import stopped"
    window.last_import_dialog.close()


def test_an_archive_that_vanished_makes_the_import_fail_with_a_dialog(
        qtbot, one_meeting_archive: Path, documents: Path) -> None:
    window = open_window(qtbot, one_meeting_archive)
    moved = one_meeting_archive.with_name("moved.sqlite")
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(one_meeting_archive) + suffix)
        if source.exists():
            source.rename(Path(str(moved) + suffix))
    with qtbot.waitSignal(window.import_finished, timeout=TIMEOUT) as finished:
        window.import_paths([documents])
    assert finished.args[0] is None
    from PySide6.QtWidgets import QMessageBox
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and "does not exist" in boxes[0].text()
    boxes[0].close()


def test_closing_the_window_during_an_import_waits_for_the_current_document(
        qtbot, tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite"
    store.Archive.open(path, create=True).close()
    window = open_window(qtbot, path)
    window.import_paths([paths.SAMPLES_DIR])
    window.close()  # cancels and joins the thread: nothing outlives the window
    assert not window.importer.running
    qtbot.wait(100)  # a result queued before the close must not open a summary
    assert window.last_import_dialog is None
    documents, meetings, _ = archive_counts(path)
    assert documents == meetings


def test_summary_headline_words() -> None:
    summary = store.ImportSummary([
        store.ImportResult(Path("a.txt"), "imported"),
        store.ImportResult(Path("b.txt"), "failed", "is a binary file"),
    ], cancelled=True)
    text = headline(summary)
    assert text.startswith("Stopped before the end")
    assert "1 document imported; 1 document failed." in text
    assert headline(store.ImportSummary()).startswith("No documents were found")
