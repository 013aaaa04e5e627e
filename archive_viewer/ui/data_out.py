"""File ▸ Export Statements…, Export Archive as Bundle…, Import Bundle…: the file dialogs, and
the work on a thread of its own with a progress dialog that can stop it.

Each job opens its own connection (or Archive) inside its thread, as SQLite wants, and reports
progress and its outcome over queued signals; the window is never blocked, and a failure is a
dialog naming the file and the reason.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMainWindow, QProgressDialog

from archive_viewer.data_out import WriteError
from archive_viewer.data_out.bundle import (
    BundleCancelled,
    BundleError,
    BundleImport,
    export_bundle,
    import_bundle,
)
from archive_viewer.data_out.statements import (
    ExportCancelled,
    StatementsExport,
    export_statements,
    format_for,
)
from archive_viewer.store import Archive, ArchiveError
from archive_viewer.store.connection import connect
from archive_viewer.store.filters import Filter, SearchHint
from archive_viewer.ui import settings as keys
from archive_viewer.ui.dialogs import show_error
from archive_viewer.ui.settings import AppSettings

STATEMENT_FILTERS = "CSV, one row per statement (*.csv);;JSON, one object per statement (*.json)"
BUNDLE_FILTER = "Archive bundles (*.json);;All files (*)"

#: Reports (done, total or 0 when unknown, what) from the job's thread.
Report = Callable[[int, int, str], None]
Work = Callable[[Report, Callable[[], bool]], Any]


class BackgroundJob(QObject):
    """Runs ``work(report, should_stop)`` when its thread starts."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)  # the exception

    def __init__(self, work: Work) -> None:
        super().__init__()
        self._work = work
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    @Slot()
    def run(self) -> None:
        try:
            result = self._work(self.progress.emit, self._stop.is_set)
        except Exception as exc:  # noqa: BLE001 (reported on the GUI thread, never a traceback)
            self.failed.emit(exc)
            return
        self.finished.emit(result)


class DataOutController(QObject):
    """One data-out job at a time; ``finished`` carries its result, or None when it failed or
    was stopped."""

    finished = Signal(object)

    def __init__(self, window: QMainWindow, settings: AppSettings) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._thread: QThread | None = None
        self._job: BackgroundJob | None = None
        self._dialog: QProgressDialog | None = None
        self._on_done: Callable[[Any], None] | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    # -- the three commands ------------------------------------------------------------------

    def export_statements(self, db_path: Path, f: Filter, description: str,
                          path: Path | None = None) -> bool:
        """The statements ``f`` selects to a CSV or JSON file (``path`` skips the dialog)."""
        path = path or self._ask_save("Export Statements", "statements.csv", STATEMENT_FILTERS)
        if path is None:
            return False
        fmt = format_for(path)

        def work(report: Report, stop: Callable[[], bool]) -> StatementsExport:
            with closing(connect(db_path, readonly=True)) as conn:
                return export_statements(conn, f, path, fmt,
                                         progress=lambda n: report(n, 0, path.name),
                                         should_cancel=stop)

        def done(result: StatementsExport) -> None:
            noun = "statement" if result.rows == 1 else "statements"
            self._say(f"Saved {result.rows:,} {noun} ({description}) to {result.path}.")

        return self._start(work, done, "Exporting statements",
                           f"Writing the statements to {path.name}…")

    def export_bundle(self, db_path: Path, path: Path | None = None) -> bool:
        path = path or self._ask_save("Export Archive as Bundle",
                                      f"{db_path.stem} bundle.json", BUNDLE_FILTER)
        if path is None:
            return False

        def work(report: Report, stop: Callable[[], bool]) -> Any:
            with closing(connect(db_path, readonly=True)) as conn:
                return export_bundle(conn, path, should_cancel=stop,
                                     progress=lambda done, total: report(done, total, ""))

        def done(result: Any) -> None:
            noun = "document" if result.documents == 1 else "documents"
            self._say(f"Saved the archive's {result.documents:,} {noun} to {result.path}.")

        return self._start(work, done, "Exporting the archive",
                           f"Writing the archive to {path.name}…")

    def import_bundle(self, db_path: Path, done: Callable[[BundleImport], None],
                      path: Path | None = None) -> bool:
        """Import a bundle into the archive at ``db_path``; ``done`` gets the outcome."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self._window, "Import Bundle",
                                                    self._start_folder(), BUNDLE_FILTER)
            if not chosen:
                return False
            path = Path(chosen)
            self._settings.set(keys.LAST_FOLDER, str(path.parent))

        def work(report: Report, stop: Callable[[], bool]) -> BundleImport:
            with Archive.open(db_path, create=False) as archive:
                return import_bundle(archive, path, should_cancel=stop,
                                     progress=lambda n, total, r: report(n, total,
                                                                         r.path.name))

        return self._start(work, done, "Importing a bundle", f"Reading {path.name}…")

    # -- running -----------------------------------------------------------------------------

    def _start(self, work: Work, on_done: Callable[[Any], None], title: str,
               label: str) -> bool:
        if self.running:
            self._say("Another export or import is running; wait for it to finish.")
            return False
        thread = QThread(self)
        thread.setObjectName("dataOut")
        job = BackgroundJob(work)
        job.moveToThread(thread)
        thread.started.connect(job.run)
        job.progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        job.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        job.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._thread, self._job, self._on_done = thread, job, on_done
        self._dialog = self._progress_dialog(title, label)
        self._say(label, 0)
        thread.start()
        return True

    def _progress_dialog(self, title: str, label: str) -> QProgressDialog:
        dialog = QProgressDialog(self._window)
        dialog.setObjectName("dataOutProgress")
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setCancelButtonText("Stop")
        dialog.setRange(0, 0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(500)  # a quick export does not flash a dialog
        dialog.setMinimumWidth(420)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.canceled.connect(self.stop)
        dialog.setValue(0)
        return dialog

    def stop(self) -> None:
        if self._job is not None:
            self._job.stop()
        if self._dialog is not None:
            self._dialog.setLabelText("Stopping…")

    def _on_progress(self, done: int, total: int, what: str) -> None:
        dialog = self._dialog
        if dialog is None or dialog.wasCanceled():
            return
        if total:
            dialog.setRange(0, total)
            dialog.setValue(done)
            dialog.setLabelText(f"{done:,} of {total:,} documents{': ' + what if what else ''}")
        else:
            dialog.setLabelText(f"{done:,} statements written to {what}…")

    def _on_finished(self, result: Any) -> None:
        on_done = self._on_done
        self._stop_thread()
        if on_done is not None and shiboken6.isValid(self._window):
            on_done(result)
        self.finished.emit(result)

    def _on_failed(self, exc: Exception) -> None:
        self._stop_thread()
        if shiboken6.isValid(self._window):
            self._window.statusBar().clearMessage()
            if isinstance(exc, (ExportCancelled, BundleCancelled)):
                self._say(str(exc))
            elif isinstance(exc, (WriteError, BundleError, ArchiveError, SearchHint)):
                show_error(self._window, "The file could not be written" if isinstance(
                    exc, WriteError) else "That did not work", str(exc))
            else:
                show_error(self._window, "That did not work",
                           f"An unexpected error stopped it ({type(exc).__name__}: {exc}).")
        self.finished.emit(None)

    def _stop_thread(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread.deleteLater()
        if self._job is not None:
            self._job.deleteLater()
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.hide()
            self._dialog.deleteLater()
        self._thread = self._job = self._dialog = None
        self._on_done = None

    def shutdown(self) -> None:
        """The window closes: stop the job and wait for its thread."""
        if self._job is not None:
            self._job.stop()
        self._on_done = None
        self._stop_thread()

    # -- dialogs -----------------------------------------------------------------------------

    def _start_folder(self) -> str:
        folder = self._settings.get(keys.LAST_FOLDER)
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def _ask_save(self, title: str, name: str, filters: str) -> Path | None:
        """A file to save to; a name without a suffix the filters know gets the chosen one."""
        chosen, selected = QFileDialog.getSaveFileName(
            self._window, title, str(Path(self._start_folder()) / name), filters)
        if not chosen:
            return None
        path = Path(chosen)
        known = [suffix for suffix in (".csv", ".json") if f"*{suffix}" in filters]
        if path.suffix.lower() not in known:
            wanted = next((s for s in known if f"*{s}" in selected), known[0])
            path = path.with_name(path.name + wanted)
        self._settings.set(keys.LAST_FOLDER, str(path.parent))
        return path

    def _say(self, message: str, ms: int = 8000) -> None:
        if shiboken6.isValid(self._window):
            self._window.statusBar().showMessage(message, ms)
