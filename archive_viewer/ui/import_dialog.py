"""Import from the window: a progress dialog over the import thread, and the summary after it.

    controller = ImportController(window)
    controller.finished.connect(after_import)      # the ImportSummary, or None when it failed
    controller.start(db_path, [folder, file])
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QPushButton,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archive_viewer.store import ImportResult, ImportSummary
from archive_viewer.ui.import_worker import ImportWorker
from archive_viewer.ui.tooltips import plain_tooltip

STATUS_LABELS = {"imported": "Imported", "replaced": "Replaced (the file changed)",
                 "unchanged": "Unchanged", "failed": "Failed"}
_STATUS_ORDER = {"failed": 0, "imported": 1, "replaced": 2, "unchanged": 3}


class ImportController(QObject):
    """Runs one import at a time on its own QThread and shows its progress."""

    #: the ImportSummary when the import ran (also when cancelled); None when it could not run
    finished = Signal(object)
    #: the message when the archive could not be opened for the import
    failed = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._window = parent
        self._thread: QThread | None = None
        self._worker: ImportWorker | None = None
        self._dialog: QProgressDialog | None = None
        self._shut_down = False  # the window closed: late results are not shown

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, db_path: Path, paths: Sequence[Path]) -> bool:
        """Start importing ``paths``; False (and nothing happens) while an import is running."""
        if self.running or self._shut_down:
            return False
        thread = QThread(self)
        thread.setObjectName("import")
        worker = ImportWorker(db_path, paths)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # Queued connections: the worker emits from its thread, the dialog lives in this one.
        worker.progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        worker.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        worker.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._thread, self._worker = thread, worker
        self._dialog = self._progress_dialog(len(paths))
        thread.start()
        return True

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            if self._dialog is not None:
                self._dialog.setLabelText("Stopping after the current document…")

    def shutdown(self) -> None:
        """Cancel and wait for the thread (window closing): the current document finishes."""
        self._shut_down = True
        if self._worker is not None:
            self._worker.cancel()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
        self._cleanup()

    # -- progress ------------------------------------------------------------------------------

    def _progress_dialog(self, count: int) -> QProgressDialog:
        dialog = QProgressDialog(self._window)
        dialog.setObjectName("importProgress")
        dialog.setWindowTitle("Importing documents")
        dialog.setAccessibleName("Import progress")
        dialog.setLabelText("Looking for documents…" if count else "Importing…")
        dialog.setCancelButtonText("Stop")
        dialog.setRange(0, 0)  # busy until the first file reports how many there are
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(400)  # a quick import of one file does not flash a dialog
        dialog.setMinimumWidth(420)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.canceled.connect(self.cancel)
        dialog.setValue(0)
        return dialog

    def _on_progress(self, done: int, total: int, name: str) -> None:
        dialog = self._dialog
        if dialog is None or (self._worker is not None and self._worker.cancelled):
            return
        dialog.setRange(0, total)
        dialog.setValue(done)
        dialog.setLabelText(f"Imported file {done} of {total}: {name}")

    def _on_finished(self, summary: ImportSummary) -> None:
        if self._shut_down:
            return
        self._stop_thread()
        self.finished.emit(summary)

    def _on_failed(self, message: str) -> None:
        if self._shut_down:
            return
        self._stop_thread()
        self.failed.emit(message)
        self.finished.emit(None)

    def _stop_thread(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._dialog is not None:
            self._dialog.canceled.disconnect(self.cancel)
            self._dialog.close()
            self._dialog.deleteLater()
        if self._worker is not None:
            self._worker.deleteLater()
        if self._thread is not None:
            self._thread.deleteLater()
        self._thread = self._worker = self._dialog = None


class ImportSummaryDialog(QDialog):
    """What an import did: counts, and every file with its result and, if it failed, why."""

    def __init__(self, summary: ImportSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importSummary")
        self.setWindowTitle("Import stopped" if summary.cancelled else "Import finished")
        self.setAccessibleName("Import summary")
        self.summary = summary
        layout = QVBoxLayout(self)

        self.headline = QLabel(headline(summary))
        self.headline.setObjectName("importHeadline")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.headline)

        self.files = QTreeWidget()
        self.files.setObjectName("importResults")
        self.files.setAccessibleName("Imported files")
        self.files.setRootIsDecorated(False)
        self.files.setWordWrap(True)  # a failure's reason is read whole, not cut off
        self.files.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.files.setHeaderLabels(["File", "Result", "Details"])
        self.files.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.files.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.files.header().setStretchLastSection(True)
        style = self.style()
        failed_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for result in sorted(summary.results, key=lambda r: _STATUS_ORDER.get(r.status, 9)):
            row = QTreeWidgetItem([result.path.name, STATUS_LABELS.get(result.status, result.status),
                                   _reason(result)])
            row.setToolTip(0, plain_tooltip(str(result.path)))  # file names may hold "<img …>"
            row.setToolTip(2, plain_tooltip(_reason(result)))
            if result.failed:
                row.setIcon(0, failed_icon)
            self.files.addTopLevelItem(row)
        layout.addWidget(self.files, 1)
        if not summary.results:
            self.files.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy Report")
        copy.setToolTip("Copy the list of files and results as text")
        copy.clicked.connect(self.copy_report)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(820, 380 if summary.results else 140)

    def rows(self) -> list[tuple[str, str, str]]:
        """(file, result, reason) as shown, for tests and the report."""
        return [(self.files.topLevelItem(i).text(0), self.files.topLevelItem(i).text(1),
                 self.files.topLevelItem(i).text(2)) for i in range(self.files.topLevelItemCount())]

    def copy_report(self) -> None:
        lines = [self.headline.text(), ""]
        lines += [result.line() for result in self.summary.results]
        QGuiApplication.clipboard().setText("\n".join(lines))


def headline(summary: ImportSummary) -> str:
    """"Imported 7 documents; 1 unchanged; 2 failed." in words, saying when it was stopped."""
    if not summary.results:
        return "No documents were found to import (.txt, .htm or .html files)."
    parts = []
    for status, words in (("imported", "imported"), ("replaced", "replaced by a changed file"),
                          ("unchanged", "unchanged (already in the archive)"), ("failed", "failed")):
        count = summary.count(status)  # type: ignore[arg-type]
        if count:
            parts.append(f"{count} {'document' if count == 1 else 'documents'} {words}")
    text = "; ".join(parts) + "."
    if summary.cancelled:
        text = ("Stopped before the end: the documents listed were finished; the rest were not "
                "imported. " + text)
    if summary.failures:
        text += " The reasons are listed below."
    return text[0].upper() + text[1:]


def _reason(result: ImportResult) -> str:
    if result.failed:
        return result.reason or "failed"
    if result.status == "unchanged":
        return result.reason or ""
    return result.title or ""
