"""File ▸ Export to PDF… and the tree's context menu: the save dialog and running the export.

One section or item is exported on the GUI thread (it takes well under a second: the reference
section in about 50 ms); a whole meeting or every section matching the filter runs on the
TaskRunner's worker thread, where the export touches no widget (QTextDocument and QPdfWriter
are safe there) and reads through that thread's own connection.
"""
from __future__ import annotations

import logging
import re
import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox, QWidget

from archive_viewer.export import ExportError
from archive_viewer.store import queries
from archive_viewer.store.filters import Filter
from archive_viewer.ui import settings as keys
from archive_viewer.statement_html import section_heading
from archive_viewer.ui.dialogs import show_error
from archive_viewer.ui.settings import AppSettings
from archive_viewer.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from archive_viewer.export.pdf import ExportResult
    from archive_viewer.export.timeline_pdf import TimelineExport

log = logging.getLogger(__name__)

PDF_FILTER = "PDF documents (*.pdf)"
#: Node kinds exported on the GUI thread (small); the others go to the worker.
DIRECT_KINDS = ("section", "item")


class PdfExportController(QObject):
    """Asks where to save, runs the export, and reports the outcome in the status bar or a
    dialog. ``finished`` carries the ExportResult, or None when the export failed."""

    finished = Signal(object)

    def __init__(self, window: QMainWindow, tasks: TaskRunner, settings: AppSettings,
                 connection: Callable[[], sqlite3.Connection],
                 grouping: Callable[[], str]) -> None:
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._settings = settings
        self._connection = connection
        self._grouping = grouping
        self.running = False
        self._target: Path | None = None  # the file the running export writes

    # -- what to export ----------------------------------------------------------------------

    def export_node(self, kind: str, node_id: int, path: Path | None = None) -> bool:
        """Export a meeting, section or item; ``path`` skips the save dialog (tests, scripts)."""
        # The export code (Qt's PDF writer, pypdf) loads at the first export, not at start-up.
        from archive_viewer.export.run import export_node_with

        if kind not in ("meeting", "section", "item"):
            self._window.statusBar().showMessage(
                "Select a meeting, section or item in the tree to export it to PDF.", 5000)
            return False
        path = self._where(path, lambda: self._suggested_name(kind, node_id))
        if path is None:
            return False
        grouping, paper = self._grouping(), self._paper()
        if kind in DIRECT_KINDS:
            started = time.perf_counter()
            try:
                result = export_node_with(self._connection(), kind, node_id, path,
                                          grouping=grouping, paper=paper)
            except Exception as exc:  # whatever failed, the user hears of it and the window goes on
                self._failed(exc, path)
                return False
            self._done(result, time.perf_counter() - started)
            return True
        self._start(path, f"Exporting {path.name}…",
                    lambda conn: export_node_with(conn, kind, node_id, path, grouping=grouping,
                                                  paper=paper))
        return True

    def export_filter(self, f: Filter, path: Path | None = None) -> bool:
        """Export every section matching ``f`` into one PDF with a contents page (worker)."""
        from archive_viewer.export.run import export_filter_with

        if f.is_empty():
            self._window.statusBar().showMessage(
                "Search or choose a filter first: every section of the archive is too much for "
                "one PDF.", 6000)
            return False
        path = self._where(path, lambda: "Matching sections")
        if path is None:
            return False
        grouping, paper = self._grouping(), self._paper()
        self._start(path, f"Exporting the matching sections to {path.name}…",
                    lambda conn: export_filter_with(conn, f, path, grouping=grouping,
                                                    paper=paper))
        return True

    def export_person(self, person_id: int, path: Path | None = None,
                      name: str | None = None) -> bool:
        """Export a person's page (on the worker: someone met in many meetings fills pages)."""
        from archive_viewer.export.run import export_person_with

        path = self._where(path, lambda: safe_file_name(name or f"Person {person_id}"))
        if path is None:
            return False
        paper = self._paper()
        self._start(path, f"Exporting {path.name}…",
                    lambda conn: export_person_with(conn, person_id, path, paper=paper))
        return True

    def export_timeline(self, export: TimelineExport, path: Path | None = None) -> bool:
        """Export an issue timeline (the days of it in view) with its statements (worker)."""
        from archive_viewer.export.timeline_pdf import export_timeline_with

        path = self._where(
            path, lambda: safe_file_name(f"Timeline of {export.timeline.issue.name}"))
        if path is None:
            return False
        paper = self._paper()
        self._start(path, f"Exporting the timeline to {path.name}…",
                    lambda conn: export_timeline_with(conn, export, path, paper=paper))
        return True

    def _where(self, path: Path | None, suggested: Callable[[], str]) -> Path | None:
        """Where to write: ``path``, or what the save dialog gives (None: cancelled, or an
        export is running already, which the status bar says)."""
        if self.running:
            self._window.statusBar().showMessage("An export is already running.", 5000)
            return None
        return path or self._ask_path(suggested())

    # -- running -----------------------------------------------------------------------------

    def _start(self, path: Path, message: str,
               fn: Callable[[sqlite3.Connection], ExportResult]) -> None:
        self.running = True
        self._target = path
        self._window.statusBar().showMessage(message)
        started = time.perf_counter()
        self._tasks.run(fn, lambda result: self._done(result, time.perf_counter() - started),
                        on_error=self._failed)

    def _done(self, result: ExportResult, seconds: float) -> None:
        self.running = False
        if shiboken6.isValid(self._window):
            pages = f"{result.pages} page{'' if result.pages == 1 else 's'}"
            self._window.statusBar().showMessage(
                f"Saved {result.path.name} ({pages}, {seconds:.1f} s).", 8000)
        self.finished.emit(result)

    def _failed(self, exc: Exception, path: Path | None = None) -> None:
        """Say which file was not saved and why (``path``: the running export's target)."""
        self.running = False
        path = path or self._target
        if isinstance(exc, (ExportError, ValueError)):
            message = str(exc)
            if str(path) not in message:  # "Nothing to export…": still say which file
                message = f"{path} was not saved. {message}"
        else:  # a bug: the user reads what happened, the log keeps its traceback
            log.error("exporting %s failed", path, exc_info=exc)
            message = (f"An unexpected error stopped the export to {path} "
                       f"({type(exc).__name__}: {exc}). Nothing was saved.")
        if shiboken6.isValid(self._window):
            self._window.statusBar().clearMessage()
            show_error(self._window, "The PDF could not be saved", message)
        self.finished.emit(None)

    # -- the save dialog ---------------------------------------------------------------------

    def _ask_path(self, name: str) -> Path | None:
        folder = self._settings.get(keys.LAST_FOLDER)
        start = Path(folder) if folder and Path(folder).is_dir() else Path.home()
        chosen, _ = QFileDialog.getSaveFileName(self._window, "Export to PDF",
                                                str(start / f"{name}.pdf"), PDF_FILTER)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
            # The dialog asked about replacing the name as typed, not this one.
            if path.exists() and not confirm_replace(self._window, path):
                return None
        self._settings.set(keys.LAST_FOLDER, str(path.parent))
        return path

    def _suggested_name(self, kind: str, node_id: int) -> str:
        conn = self._connection()
        section = None
        if kind == "item":
            item = queries.item_of(conn, node_id)
            section = queries.section_of(conn, item.section_id) if item else None
        elif kind == "section":
            section = queries.section_of(conn, node_id)
        meeting_id = section.meeting_id if section else node_id
        meeting = queries.meeting_detail(conn, meeting_id)
        parts = [meeting.held_on or "", meeting.title] if meeting else ["Meeting"]
        if section is not None:
            parts.append(section_heading(section.number, section.title))
        return safe_file_name(" ".join(p for p in parts if p))

    def _paper(self) -> str | None:
        return self._settings.get(keys.EXPORT_PAPER) or None

    def paper_menu(self, parent: QMenu) -> QMenu:
        """File ▸ PDF Paper Size: automatic (from the locale), A4 or US Letter; kept in settings."""
        menu = QMenu("PDF &Paper Size", parent)
        group = QActionGroup(menu)
        group.setExclusive(True)
        current = self._settings.get(keys.EXPORT_PAPER)
        for value, label in (("", "&Automatic"), ("a4", "A&4"), ("letter", "US &Letter")):
            action = QAction(label, menu, checkable=True)
            action.setChecked(value == current)
            action.setData(value)
            group.addAction(action)
            menu.addAction(action)
        automatic = menu.actions()[0]

        def name_the_automatic_size() -> None:
            # On first show, not at start-up: the PDF module and Qt's locale tables load late.
            from archive_viewer.export.pdf import default_paper

            size = "US Letter" if default_paper() == "letter" else "A4"
            automatic.setText(f"&Automatic ({size})")

        menu.aboutToShow.connect(name_the_automatic_size)
        group.triggered.connect(lambda action: self._settings.set(keys.EXPORT_PAPER, action.data()))
        return menu


def confirm_replace(parent: QWidget, path: Path) -> bool:
    """Ask whether to replace the file at ``path`` (as the save dialog asks for its own name).

    Modal, like the save dialog it follows: the export waits for the answer.
    """
    box = QMessageBox(QMessageBox.Icon.Question, "Replace the file?",
                      f"{path.name} already exists in {path.parent}.\n\n"
                      "Replace it with the exported PDF?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("replaceQuestion")
    box.setTextFormat(Qt.TextFormat.PlainText)  # a file name is never markup
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def safe_file_name(text: str, limit: int = 120) -> str:
    """``text`` usable as a file name on every system: no slashes, colons, quotes..."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text)
    name = " ".join(name.split()).strip(" .")
    return name[:limit].rstrip(" .") or "export"
