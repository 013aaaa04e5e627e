"""Starting the window: the display check, the QApplication, and a first, small main window.

The window is deliberately simple (an eagerly filled QStandardItemModel over the whole
archive); the lazy tree model, sidebar and detail pane of the design replace it.
"""
from __future__ import annotations

import html
import os
import signal
import sqlite3
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QMainWindow,
    QSplitter,
    QTextBrowser,
    QTreeView,
)

from archive_viewer import paths
from archive_viewer.display import EXIT_NO_DISPLAY, display_problem
from archive_viewer.ui import archive_reader as reader

ORGANIZATION_NAME = paths.APP_NAME
APPLICATION_NAME = "archive-viewer"
#: Set to a .png path to save a picture of the window once it is shown, then quit.
SCREENSHOT_ENV = "ARCHIVE_VIEWER_SCREENSHOT"
#: The tree's data role holding ("year" | "meeting" | "section", key).
NODE_ROLE = Qt.ItemDataRole.UserRole + 1


def run(db_path: Path | None) -> int:
    """Open the window on the archive at ``db_path`` (default: the user's archive); exit status."""
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_NO_DISPLAY
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION_NAME)
    app.setApplicationName(APPLICATION_NAME)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl+C in the terminal closes the app
    window = ArchiveWindow(db_path or paths.default_archive_path())
    window.show()
    screenshot = os.environ.get(SCREENSHOT_ENV)
    if screenshot:
        QTimer.singleShot(800, lambda: (window.grab().save(screenshot), window.close()))
    return app.exec()


class ArchiveWindow(QMainWindow):
    """Tree of year ▸ meeting ▸ section on the left, the selection's statements on the right."""

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.setWindowTitle(f"Archive Viewer — {db_path.name}")
        self.resize(1100, 700)

        self.model = QStandardItemModel(0, 2, self)
        self.model.setHorizontalHeaderLabels(["Meeting", "Statements"])
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([500, 600])
        self.setCentralWidget(self.splitter)

        quit_action = self.menuBar().addMenu("&File").addAction("&Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        self._conn: sqlite3.Connection | None = None
        try:
            self._conn = reader.open_read_only(db_path)
            self._fill_tree(self._conn)
        except (reader.ArchiveReadError, sqlite3.Error) as exc:
            self.detail.setHtml(f"<p><b>The archive could not be read.</b></p><p>{_e(str(exc))}</p>")
            self.statusBar().showMessage(f"No archive — {db_path}")
        self.tree.selectionModel().currentChanged.connect(self._show_selection)
        self._restore_layout()
        self._select_first_section()

    # -- tree ----------------------------------------------------------------------------------

    def _fill_tree(self, conn: sqlite3.Connection) -> None:
        sections = reader.list_sections(conn)
        years: dict[str, tuple[QStandardItem, QStandardItem]] = {}
        for meeting in reader.list_meetings(conn):
            year = meeting.date[:4] if meeting.date else "Undated"
            if year not in years:
                years[year] = (_row_item(year, ("year", year)), _count_item(0))
                self.model.appendRow(list(years[year]))
            year_item, year_count = years[year]
            year_count.setText(str(int(year_count.text()) + meeting.statement_count))
            label = f"{meeting.date}  {meeting.title}" if meeting.date else meeting.title
            meeting_item = _row_item(label, ("meeting", meeting.id))
            meeting_item.setToolTip(meeting.title)
            year_item.appendRow([meeting_item, _count_item(meeting.statement_count)])
            for section in sections.get(meeting.id, []):
                meeting_item.appendRow([_row_item(section.heading, ("section", section.id)),
                                        _count_item(section.statement_count)])
        meetings, statements = reader.archive_counts(conn)
        self.statusBar().showMessage(
            f"{_plural(meetings, 'meeting')}, {_plural(statements, 'statement')} — {self.db_path}"
        )
        self.tree.expandToDepth(0)
        if not meetings:
            self.detail.setHtml(
                "<p><b>This archive holds no meetings yet.</b></p><p>Import meeting overviews "
                "(.txt, .html) with <code>archive-viewer import PATH…</code>.</p>"
            )

    def _select_first_section(self) -> None:
        year = self.model.index(0, 0)
        meeting = self.model.index(0, 0, year)
        target = self.model.index(0, 0, meeting) if meeting.isValid() else year
        if target.isValid():
            self.tree.expand(meeting)
            self.tree.setCurrentIndex(target)

    # -- detail pane -----------------------------------------------------------------------------

    def _show_selection(self) -> None:
        node = self.tree.currentIndex().siblingAtColumn(0).data(NODE_ROLE)
        if self._conn is None or node is None:
            return
        kind, key = node
        if kind == "section":
            self.detail.setHtml(self._section_html(key))
        elif kind == "meeting":
            self.detail.setHtml(self._meeting_html(key))
        else:
            self.detail.setHtml(self._year_html(key))

    def _meeting_html(self, meeting_id: int, *, with_statements: bool = True) -> str:
        assert self._conn is not None
        meeting = next(m for m in reader.list_meetings(self._conn) if m.id == meeting_id)
        facts = [meeting.held_on or meeting.published_on or "date unknown", meeting.location or ""]
        if meeting.occasion:
            facts.append(f"on the sidelines of {meeting.occasion}")
        people = "".join(
            f"<li>{_e(p.name)}"
            + (f" — {_e(', '.join(x for x in (p.title, p.side) if x))}" if p.title or p.side else "")
            + ("" if p.role == "principal" else " <i>(attending)</i>") + "</li>"
            for p in reader.meeting_participants(self._conn, meeting_id)
        )
        parts = [f"<h2>{_e(meeting.title)}</h2>",
                 f"<p style='color:#555'>{_e(' · '.join(f for f in facts if f))}</p>"]
        if people:
            parts.append(f"<ul>{people}</ul>")
        if with_statements:
            if meeting.summary:
                parts.append(f"<p>{_e(meeting.summary)}</p>")
            by_section = {s.id: s for s in reader.list_sections(self._conn).get(meeting_id, [])}
            statements = reader.statements_of(self._conn, meeting_id=meeting_id)
            for section in by_section.values():
                parts.append(f"<h3>{_e(section.heading)}</h3>")
                parts.append(_statements_html([s for s in statements if s.section_id == section.id]))
        return "".join(parts)

    def _section_html(self, section_id: int) -> str:
        assert self._conn is not None
        row = self._conn.execute("SELECT meeting_id FROM sections WHERE id = ?", (section_id,)).fetchone()
        section = next(s for s in reader.list_sections(self._conn)[row[0]] if s.id == section_id)
        statements = reader.statements_of(self._conn, section_id=section_id)
        return (self._meeting_html(row[0], with_statements=False)
                + f"<h3>{_e(section.heading)}</h3>" + _statements_html(statements))

    def _year_html(self, year: str) -> str:
        assert self._conn is not None
        meetings = [m for m in reader.list_meetings(self._conn)
                    if (m.date[:4] if m.date else "Undated") == year]
        rows = "".join(f"<li>{_e(m.date or '')} {_e(m.title)}</li>" for m in meetings)
        return f"<h2>{_e(year)}</h2><p>{_plural(len(meetings), 'meeting')}</p><ul>{rows}</ul>"

    # -- layout ----------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        splitter = settings.value("main_window/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/splitter", self.splitter.saveState())
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        super().closeEvent(event)


def _statements_html(statements: list[reader.StatementRow]) -> str:
    if not statements:
        return "<p style='color:#777'><i>No statements.</i></p>"
    paragraphs = []
    for st in statements:
        label = f"<span style='color:#777'>{_e(st.item_label)}</span> " if st.first_in_item and st.item_label else ""
        speaker = "Both sides" if st.is_joint else st.speaker
        who = f"<b>{_e(speaker)}</b>: " if speaker else ""
        paragraphs.append(f"<p>{label}{who}{_e(st.text)}</p>")
    return "".join(paragraphs)


def _row_item(text: str, node: tuple[str, object]) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    item.setData(node, NODE_ROLE)
    return item


def _count_item(count: int) -> QStandardItem:
    item = QStandardItem(str(count))
    item.setEditable(False)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _e(text: str) -> str:
    return html.escape(text, quote=False)
