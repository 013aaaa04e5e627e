"""Unexpected errors reach the user: a dialog with a short message, the traceback in the log
file of the data folder, and a window that goes on working."""
from __future__ import annotations

import logging
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from archive_viewer import paths
from archive_viewer.ui import errors
from archive_viewer.ui.main_window import MainWindow

TIMEOUT = 10_000


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("ARCHIVE_VIEWER_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def window(qtbot: QtBot, samples_archive: Path, tmp_path: Path) -> Iterator[MainWindow]:
    db = tmp_path / "archive.sqlite"
    shutil.copy(samples_archive, db)
    w = MainWindow(db)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: not w.tasks.is_busy(), timeout=TIMEOUT)
    yield w


@contextmanager
def reporting(qtbot: QtBot) -> Iterator[tuple[errors.ErrorReporter, list]]:
    """The reporter, installed for the test's body (pytest-qt and pytest put their own hooks
    back after each phase), with what it passed on to pytest-qt; its dialog closed after."""
    with qtbot.capture_exceptions() as caught:  # the hook passes each error on to pytest-qt's
        reporter = errors.install()
        try:
            yield reporter, caught
        finally:
            box = reporter.dialog
            errors.uninstall()
            if box is not None and errors.shiboken6.isValid(box):
                box.close()


def _raise_in_a_slot(message: str) -> None:
    def broken_slot() -> None:
        raise RuntimeError(message)

    QTimer.singleShot(0, broken_slot)


def test_an_error_in_a_slot_is_shown_logged_and_the_window_goes_on(
        qtbot: QtBot, window: MainWindow, data_folder: Path) -> None:
    assert sys.excepthook is not errors._excepthook  # a window alone installs nothing
    with reporting(qtbot) as (reporter, caught):
        with qtbot.waitSignal(reporter.shown, timeout=TIMEOUT) as shown:
            _raise_in_a_slot("the slot broke <b>here</b>")
        box: QMessageBox = shown.args[0]
        assert box.isVisible() and box.parent() is window
        assert box.windowTitle() == "Something went wrong"
        assert box.text() == "An unexpected error occurred:\nRuntimeError: the slot broke <b>here</b>"
        assert box.textFormat() == Qt.TextFormat.PlainText
        log_file = data_folder / "logs" / "archive-viewer.log"
        assert log_file == paths.log_path()
        assert str(log_file) in box.informativeText()
        assert "broken_slot" in box.detailedText()

        logged = log_file.read_text(encoding="utf-8")
        assert "ERROR archive_viewer.ui.errors: Unexpected error" in logged
        assert "Traceback (most recent call last):" in logged
        assert "in broken_slot\n    raise RuntimeError(message)" in logged
        assert "RuntimeError: the slot broke <b>here</b>" in logged

        # The window still works: it shows another section, and the dialog closes.
        assert window.select_node("section", 2)
        qtbot.waitUntil(lambda: "Japan-ROK Relations" in window.detail.plain_text(),
                        timeout=TIMEOUT)
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not errors.shiboken6.isValid(box) or not box.isVisible())
        window.actions.toggle_sidebar.trigger()
        assert not window.sidebar.isVisible()
    assert [type(e[1]) for e in caught] == [RuntimeError]


def test_errors_while_the_dialog_is_open_are_counted_in_it(
        qtbot: QtBot, window: MainWindow, data_folder: Path) -> None:
    with reporting(qtbot) as (reporter, caught):
        for n in range(3):
            with qtbot.waitSignal(reporter.shown, timeout=TIMEOUT) as shown:
                _raise_in_a_slot(f"error {n}")
        boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        assert boxes == [shown.args[0]]
        assert "error 0" in boxes[0].text()
        assert "2 more errors since, also logged." in boxes[0].informativeText()
        logged = paths.log_path().read_text(encoding="utf-8")
        assert all(f"RuntimeError: error {n}" in logged for n in range(3))
    assert len(caught) == 3


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_an_error_in_a_thread_is_shown_on_the_gui_thread(
        qtbot: QtBot, window: MainWindow, data_folder: Path) -> None:
    def work() -> None:
        raise ValueError("a worker thread failed")

    with reporting(qtbot) as (reporter, _caught):
        with qtbot.waitSignal(reporter.shown, timeout=TIMEOUT) as shown:
            thread = threading.Thread(target=work, name="worker")
            thread.start()
            thread.join()
        assert "ValueError: a worker thread failed" in shown.args[0].text()
        assert shown.args[0].parent() is window
        assert "in work" in paths.log_path().read_text(encoding="utf-8")


def test_installing_twice_changes_nothing_and_uninstall_restores(
        qtbot: QtBot, data_folder: Path) -> None:
    before_hook, before_thread_hook = sys.excepthook, threading.excepthook
    logger = logging.getLogger(errors.APP_LOGGER)
    before_handlers = list(logger.handlers)
    first = errors.install()
    try:
        assert errors.install() is first
        assert sys.excepthook is errors._excepthook
        assert threading.excepthook is errors._threading_hook
        added = [h for h in logger.handlers if h not in before_handlers]
        assert len(added) == 1
        handler = added[0]
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        assert (handler.maxBytes, handler.backupCount) == (errors.LOG_MAX_BYTES, errors.LOG_BACKUPS)
        # a long log rotates: the newest file stays small, the old ones are kept
        for n in range(1200):
            logging.getLogger("archive_viewer.test").warning("%04d %s", n, "x" * 1000)
        log = paths.log_path()
        assert log.stat().st_size <= errors.LOG_MAX_BYTES
        assert log.with_name(log.name + ".1").exists()
    finally:
        errors.uninstall()
    errors.uninstall()  # twice is harmless
    assert (sys.excepthook, threading.excepthook) == (before_hook, before_thread_hook)
    assert logger.handlers == before_handlers


def test_without_a_log_file_the_dialog_still_says_what_happened(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not a folder"
    blocked.write_text("a file where the data folder should be")
    monkeypatch.setenv("ARCHIVE_VIEWER_DATA_DIR", str(blocked))
    with reporting(qtbot) as (reporter, _caught):
        with qtbot.waitSignal(reporter.shown, timeout=TIMEOUT) as shown:
            _raise_in_a_slot("no log")
        box = shown.args[0]
        assert "The log file could not be written" in box.informativeText()
        assert "RuntimeError: no log" in box.detailedText()


def test_a_long_message_is_shortened_in_the_dialog() -> None:
    text = errors.summary(KeyError, KeyError("x" * 500 + "\nsecond line"))
    assert text.startswith("KeyError: 'xxx") and text.endswith("…") and "\n" not in text
    assert len(text) < errors.SUMMARY_LIMIT + 20
    assert errors.summary(RuntimeError, RuntimeError()) == "RuntimeError"
