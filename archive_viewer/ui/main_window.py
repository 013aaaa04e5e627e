"""The main window: filter sidebar | meeting tree | detail pane, with menus, toolbar and status.

The window owns the application context of one open archive: the FilterState every view
follows, the TaskRunner for reads, the GUI thread's read connection for the tree model, and
the import controller. Opening another archive swaps the archive under all of them; a file
that cannot be opened is refused with a dialog and the archive that was open stays open.
"""
from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSplitter,
    QToolBar,
    QWidget,
)

from archive_viewer.identifiers import BadIdentifier
from archive_viewer.store import Archive, ArchiveError, ImportSummary, queries
from archive_viewer.store import connection as store_connection
from archive_viewer.store.node_ids import ResolvedNode, UnknownIdentifier, resolve
from archive_viewer.store.filters import Filter, SearchHint, fts_query
from archive_viewer.ui import settings as keys
from archive_viewer.ui.actions import WindowActions
from archive_viewer.ui.citations import CitationController
from archive_viewer.ui.data_out import DataOutController
from archive_viewer.ui.detail_pane import DetailPane
from archive_viewer.ui.dialogs import ShortcutsDialog, show_about, show_error
from archive_viewer.ui.filter_state import FilterState
from archive_viewer.ui.import_dialog import ImportController, ImportSummaryDialog
from archive_viewer.ui.notes_ui import NotesController
from archive_viewer.ui.saved_searches_ui import SavedSearchController
from archive_viewer.ui.pdf_export import PdfExportController
from archive_viewer.ui.person_navigation import PersonNavigation
from archive_viewer.ui.settings import AppSettings
from archive_viewer.ui.sidebar import FilterSidebar
from archive_viewer.ui.tasks import URGENT, TaskRunner
from archive_viewer.ui.tooltips import plain_tooltip
from archive_viewer.ui.timeline_dock import TimelineController
from archive_viewer.ui.tree_model import (
    DATE,
    PLACE,
    STATEMENTS,
    TITLE,
    ArchiveTreeModel,
    Prefetched,
    prefetch,
)
from archive_viewer.ui.tree_view import MeetingTreeView

APP_TITLE = "Archive Viewer"
ARCHIVE_FILTER = "Archives (*.sqlite *.sqlite3 *.db);;All files (*)"
DOCUMENT_FILTER = "Meeting documents (*.txt *.htm *.html);;All files (*)"
#: Expanded tree nodes re-expanded after a filter change or an import (more would be slow).
MAX_REEXPANDED = 60
SIDEBAR, TREE, DETAIL = range(3)


def archive_problem(path: Path) -> str | None:
    """Why ``path`` cannot be opened as the window's archive, in a sentence; None when it can.

    Checks without writing first (not an archive, missing, read-only), then opens it once with
    the store, which also upgrades an older schema and refuses a newer one.
    """
    try:
        identity = store_connection.identify(path)
    except ArchiveError as exc:
        return str(exc)
    if identity.state == "missing":
        return f"{path} does not exist. It may have been moved or deleted."
    if identity.state == "empty":
        return (f"{path} is an empty file, not an archive. Choose File ▸ New Archive… to create "
                "an archive.")
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"{path} cannot be read ({exc.strerror or exc})."
    if not (mode & stat.S_IWUSR) or not os.access(path, os.W_OK):
        return (f"{path} is read-only. Archive Viewer writes to its archive (imports, upgrades); "
                "make the file writable, or open a writable copy of it.")
    if not os.access(path.parent, os.W_OK):
        return (f"The folder {path.parent} is read-only, and SQLite needs to keep its journal "
                "beside the archive. Move the archive to a writable folder.")
    try:
        Archive.open(path, create=False).close()
    except ArchiveError as exc:
        return str(exc)
    return None


def searchable(f: Filter) -> Filter:
    """``f`` as the views can query it: search text that cannot be searched is left out (the
    sidebar shows the hint under the search box)."""
    try:
        fts_query(f.text)
    except SearchHint:
        return replace(f, text="")
    return f


class MainWindow(QMainWindow):
    """Archive Viewer's window on one archive (``db_path``)."""

    #: an import ended: the ImportSummary, or None when it could not run
    import_finished = Signal(object)
    #: the archive in use changed (its Path)
    archive_opened = Signal(object)
    #: the status bar's totals were updated (queries.Totals)
    totals_shown = Signal(object)
    #: every read started by a filter change (or the opening of an archive, or a refresh) has
    #: arrived and is shown: the tree's years, facet counts, totals, search results
    reads_settled = Signal()

    def __init__(self, db_path: Path, *, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings or AppSettings()
        self.db_path: Path | None = None
        self._conn: sqlite3.Connection | None = None
        self._sidebar_width = keys.SPLITTER_SIZES.default[SIDEBAR]
        self._restoring_selection = False
        self._text_size = 0
        self._reads_pending = False  # a round of reads for a new filter is on its way
        self._tree_ready = False  # the archive's first tree has arrived
        self._said_archive_empty = False  # the detail pane says the archive holds nothing
        self._pending_reveal: ResolvedNode | None = None  # a link to show once it has
        self.last_import_dialog: ImportSummaryDialog | None = None

        self.tasks = TaskRunner(None, self)  # given the archive once it is known to open
        self.filter_state = FilterState(parent=self)
        self.model = ArchiveTreeModel(self._gui_connection, self, tasks=self.tasks)
        self.sidebar = FilterSidebar(self.filter_state, self.tasks)
        self.sidebar.setAccessibleName("Filters")
        self.tree = self._make_tree()
        self.detail = DetailPane(self.tasks)
        self.detail.setAccessibleName("Detail")
        # The detail area: the detail pane, or a person's page in its place.
        self.persons = PersonNavigation(self)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        for pane in (self.sidebar, self.tree, self.persons.area):
            self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(SIDEBAR, 0)
        self.splitter.setStretchFactor(TREE, 2)
        self.splitter.setStretchFactor(DETAIL, 3)
        self.setCentralWidget(self.splitter)
        QWidget.setTabOrder(self.sidebar, self.tree)
        QWidget.setTabOrder(self.tree, self.detail.browser)

        self.exporter = PdfExportController(self, self.tasks, self.settings,
                                            self._gui_connection, lambda: self.detail.grouping)
        self.citations = CitationController(self, self.settings, self._gui_connection,
                                            self.current_node, self.detail)
        self.data_out = DataOutController(self, self.settings)
        self.actions = WindowActions(self)
        self.citation_menu = self.citations.style_menu(self)
        self.timeline = TimelineController(self)  # the Issue Timeline dock, hidden until used
        # The user's notes, tags and saved searches: their own menus, sidebar panels and undo.
        self.notes = NotesController(self)
        self.saved_searches = SavedSearchController(self, self.notes)
        self.sidebar.insert_panel(self.saved_searches.panel)
        self.sidebar.insert_panel(self.notes.filter_panel, before=self.sidebar.dates_section)
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.setObjectName("recentMenu")
        self._build_menus()
        self._build_toolbar()
        self.status_totals = QLabel()
        self.status_totals.setObjectName("statusTotals")
        self.status_totals.setAccessibleName("Archive totals")
        self.status_totals.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addWidget(self.status_totals, 1)
        # While a new filter's answer is on its way the old one stays on screen; this says so.
        self.status_busy = QProgressBar()
        self.status_busy.setObjectName("statusBusy")
        self.status_busy.setAccessibleName("Updating")
        self.status_busy.setRange(0, 0)  # no known end: a busy indicator
        self.status_busy.setTextVisible(False)
        self.status_busy.setMaximumWidth(80)
        self.status_busy.setToolTip("Updating the tree, the counts and the search results…")
        self.status_busy.hide()
        self.statusBar().addPermanentWidget(self.status_busy)
        self.statusBar().setSizeGripEnabled(True)

        self.importer = ImportController(self)
        self.importer.finished.connect(self._after_import)
        self.importer.failed.connect(self._import_failed)
        self._connect()
        self._restore_view_settings()
        self.setAcceptDrops(True)
        self._open_initial(Path(db_path))
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)  # arrows move through meetings

    # -- building ------------------------------------------------------------------------------

    def _make_tree(self) -> MeetingTreeView:
        tree = MeetingTreeView()
        tree.setObjectName("meetingTree")
        tree.setAccessibleName("Meetings")
        tree.setAccessibleDescription("Meetings by year, with their agenda sections and items")
        tree.setModel(self.model)
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(True)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setExpandsOnDoubleClick(True)
        tree.setAllColumnsShowFocus(True)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (DATE, PLACE, STATEMENTS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(DATE, 88)
        header.resizeSection(PLACE, 100)
        header.resizeSection(STATEMENTS, header.fontMetrics().horizontalAdvance("Statements") + 24)
        header.setSortIndicator(DATE, Qt.SortOrder.DescendingOrder)  # the model's own order
        header.setSortIndicatorShown(True)
        # Date is in the title already; the column stays for sorting, hidden until wanted.
        tree.setColumnHidden(DATE, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._tree_menu)
        return tree

    def _build_menus(self) -> None:
        a = self.actions
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addActions([a.new_archive, a.open_archive])
        file.addMenu(self.recent_menu)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file.addSeparator()
        file.addActions([a.import_files, a.import_folder])
        file.addSeparator()
        file.addActions([a.export_pdf, a.export_filter_pdf, a.export_timeline_pdf])
        file.addMenu(self.exporter.paper_menu(file))
        file.addAction(a.export_statements)
        file.addSeparator()
        file.addActions([a.export_bundle, a.import_bundle])
        file.addSeparator()
        file.addAction(a.quit)

        edit = bar.addMenu("&Edit")
        edit.addActions([a.undo, a.redo])
        edit.addSeparator()
        edit.addActions([a.copy, a.copy_citation])
        edit.addMenu(self.citation_menu)
        edit.addAction(a.copy_link)
        edit.addSeparator()
        edit.addActions([a.find, a.clear_filters, a.save_search])
        bar.addMenu(self.notes.menu)

        view = bar.addMenu("&View")
        view.addActions([a.toggle_sidebar, a.refresh, a.issue_timeline])
        view.addSeparator()
        view.addActions([a.group_by_speaker, a.document_order, a.side_by_side])
        view.addSeparator()
        view.addActions([a.text_larger, a.text_smaller, a.text_reset])
        view.addSeparator()
        panes = view.addMenu("&Go to Pane")
        panes.addActions([a.focus_sidebar, a.focus_tree, a.focus_detail])
        panes.addSeparator()
        panes.addActions([a.next_pane, a.previous_pane])

        help_menu = bar.addMenu("&Help")
        help_menu.addActions([a.shortcuts, a.about])

        # Shortcuts of actions that are in no visible menu still have to work.
        self.addActions([a.next_pane, a.previous_pane, a.focus_sidebar, a.focus_tree,
                         a.focus_detail])

    def _build_toolbar(self) -> None:
        a = self.actions
        a.toggle_sidebar.setIconText("Filters")
        a.open_archive.setIconText("Open")
        a.import_files.setIconText("Import")
        a.copy_citation.setIconText("Copy with Citation")
        a.clear_filters.setIconText("Clear Filters")
        a.group_by_speaker.setIconText("By Speaker")
        a.document_order.setIconText("Document Order")
        a.side_by_side.setIconText("Side by Side")
        toolbar = QToolBar("Main Toolbar", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setAccessibleName("Main toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(a.toggle_sidebar)
        toolbar.addSeparator()
        toolbar.addActions([a.open_archive, a.import_files])
        toolbar.addSeparator()
        toolbar.addActions([a.find, a.clear_filters])
        toolbar.addSeparator()
        toolbar.addAction(a.copy_citation)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar
        self.detail.add_header_actions([a.group_by_speaker, a.document_order, a.side_by_side])
        self.detail.browser.extra_context_actions = [a.copy_citation, self.citation_menu,
                                                     a.copy_link]

    def _connect(self) -> None:
        a = self.actions
        a.new_archive.triggered.connect(self.new_archive_dialog)
        a.open_archive.triggered.connect(self.open_archive_dialog)
        a.import_files.triggered.connect(self.import_files_dialog)
        a.import_folder.triggered.connect(self.import_folder_dialog)
        a.export_pdf.triggered.connect(self.export_current_to_pdf)
        a.export_filter_pdf.triggered.connect(
            lambda: self.exporter.export_filter(searchable(self.filter_state.filter)))
        a.export_timeline_pdf.triggered.connect(self.timeline.export_pdf)
        a.issue_timeline.triggered.connect(self.timeline.show)
        a.quit.triggered.connect(self.close)
        a.copy.triggered.connect(self.copy)
        a.copy_citation.triggered.connect(self.copy_with_citation)
        a.copy_link.triggered.connect(lambda: self.citations.copy_link())
        a.export_statements.triggered.connect(self.export_statements)
        a.export_bundle.triggered.connect(self.export_bundle)
        a.import_bundle.triggered.connect(self.import_bundle)
        a.find.triggered.connect(self.find)
        a.clear_filters.triggered.connect(self.filter_state.clear)
        a.refresh.triggered.connect(self.refresh_views)
        a.toggle_sidebar.toggled.connect(self.set_sidebar_visible)
        a.group_by_speaker.triggered.connect(lambda: self.set_grouping("speaker"))
        a.document_order.triggered.connect(lambda: self.set_grouping("document"))
        a.side_by_side.triggered.connect(lambda: self.set_grouping("sides"))
        a.text_larger.triggered.connect(lambda: self.set_text_size(self._text_size + 1))
        a.text_smaller.triggered.connect(lambda: self.set_text_size(self._text_size - 1))
        a.text_reset.triggered.connect(lambda: self.set_text_size(0))
        a.next_pane.triggered.connect(lambda: self.focus_next_pane(1))
        a.previous_pane.triggered.connect(lambda: self.focus_next_pane(-1))
        a.focus_sidebar.triggered.connect(lambda: self.focus_pane(SIDEBAR))
        a.focus_tree.triggered.connect(lambda: self.focus_pane(TREE))
        a.focus_detail.triggered.connect(lambda: self.focus_pane(DETAIL))
        a.shortcuts.triggered.connect(self.show_shortcuts)
        a.about.triggered.connect(lambda: show_about(self, self.db_path))

        self.filter_state.changed.connect(self._on_filter_changed)
        self.tasks.idle.connect(self._on_reads_idle)
        self.sidebar.result_activated.connect(self.select_node)
        self.sidebar.person_menu_requested.connect(self.persons.menu)
        self.sidebar.results.person_activated.connect(self.persons.show_person)
        self.tree.selectionModel().currentChanged.connect(self._on_current_changed)

    # -- the archive ---------------------------------------------------------------------------

    def _gui_connection(self) -> sqlite3.Connection:
        """The GUI thread's read-only connection (the tree model reads through it)."""
        if self._conn is None:
            if self.db_path is None:
                raise ArchiveError("no archive is open")
            self._conn = store_connection.connect(self.db_path, readonly=True)
        return self._conn

    def _open_initial(self, path: Path) -> None:
        problem = archive_problem(path)
        if problem is not None:
            self._set_archive_actions_enabled(False)
            self.sidebar.setEnabled(False)
            self.setWindowTitle(APP_TITLE)
            self.status_totals.setText(f"No archive open — {path}")
            self.detail.show_message("The archive could not be opened", [
                problem, "Open another archive with File ▸ Open Archive… (Ctrl+O), or create "
                         "one with File ▸ New Archive… (Ctrl+N)."])
            return
        self._use_archive(path)

    def open_archive(self, path: Path | str) -> bool:
        """Switch to the archive at ``path``; on a problem say so and keep the open one."""
        path = Path(path).expanduser().absolute()
        if self.importer.running:
            show_error(self, "Cannot open another archive now",
                       "An import is running. Wait for it to finish, or stop it, first.")
            return False
        problem = archive_problem(path)
        if problem is not None:
            kept = (f"The archive {self.db_path} stays open." if self.db_path is not None
                    else "No archive is open.")
            show_error(self, "Cannot open the archive", problem, kept)
            if not path.exists():
                self.settings.forget_archive(path)
            return False
        if self.db_path is not None and path == self.db_path:
            return True
        self._use_archive(path)
        return True

    def create_archive(self, path: Path | str) -> bool:
        """Create an empty archive at ``path`` and open it."""
        path = Path(path).expanduser().absolute()
        if path.exists():
            show_error(self, "Cannot create the archive",
                       f"{path} already exists. Choose a new file name, or open it with "
                       "File ▸ Open Archive….")
            return False
        try:
            Archive.open(path, create=True).close()
        except ArchiveError as exc:
            show_error(self, "Cannot create the archive", str(exc))
            return False
        return self.open_archive(path)

    def _use_archive(self, path: Path) -> None:
        old_conn, self._conn = self._conn, None
        self.db_path = path
        self._tree_ready = False
        self.tasks.set_db_path(path)
        self.detail.show_message("Nothing selected", [])
        self.persons.clear()
        self.timeline.archive_changed()
        # Issue and person ids belong to one archive: a filter does not travel to another.
        self._restoring_selection = True
        try:
            self.filter_state.clear()  # emits only when something was filtered
            # The other archive's nodes go at once; this one's years arrive from a worker.
            self.model.set_filter(Filter(), years=[])
        finally:
            self._restoring_selection = False
        if old_conn is not None:
            old_conn.close()
        self._start_reads()
        self._reload_tree(Filter(), initial=True)
        self.sidebar.setEnabled(True)
        self.sidebar.refresh()
        self._set_archive_actions_enabled(True)
        self.setWindowTitle(f"{APP_TITLE} — {path.name}")
        self.setWindowFilePath(str(path))
        self.settings.remember_archive(path)
        self._update_totals()
        self.archive_opened.emit(path)

    def _set_archive_actions_enabled(self, enabled: bool) -> None:
        a = self.actions
        for action in (a.import_files, a.import_folder, a.find, a.clear_filters, a.export_pdf,
                       a.export_filter_pdf, a.export_statements, a.export_bundle,
                       a.import_bundle, a.copy_citation, a.copy_link, a.refresh,
                       a.issue_timeline, a.export_timeline_pdf):
            action.setEnabled(enabled)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_archives()
        for number, path in enumerate(recent, start=1):
            where = f"{path.name} — {path.parent}".replace("&", "&&")  # no stray accelerators
            action = self.recent_menu.addAction(f"&{number}  {where}" if number < 10 else where)
            action.setToolTip(plain_tooltip(str(path)))
            action.setEnabled(path != self.db_path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_archive(p))
        if not recent:
            self.recent_menu.addAction("No recent archives").setEnabled(False)
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("&Clear Menu")
        clear.setEnabled(bool(recent))
        clear.triggered.connect(lambda: self.settings.set(keys.RECENT_ARCHIVES, []))

    # -- dialogs for the file actions ----------------------------------------------------------

    def _start_folder(self) -> str:
        folder = self.settings.get(keys.LAST_FOLDER)
        if folder and Path(folder).is_dir():
            return folder
        return str(self.db_path.parent if self.db_path else Path.home())

    def open_archive_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open Archive", self._start_folder(),
                                              ARCHIVE_FILTER)
        if name:
            self.settings.set(keys.LAST_FOLDER, str(Path(name).parent))
            self.open_archive(Path(name))

    def new_archive_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "New Archive", str(Path(self._start_folder()) / "archive.sqlite"),
            ARCHIVE_FILTER, options=QFileDialog.Option.DontConfirmOverwrite)
        if name:
            path = Path(name)
            if not path.suffix:
                path = path.with_suffix(".sqlite")
            self.settings.set(keys.LAST_FOLDER, str(path.parent))
            self.create_archive(path)

    def import_files_dialog(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Import Documents", self._start_folder(),
                                                DOCUMENT_FILTER)
        if names:
            self.settings.set(keys.LAST_FOLDER, str(Path(names[0]).parent))
            self.import_paths([Path(n) for n in names])

    def import_folder_dialog(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Import a Folder of Documents",
                                                self._start_folder())
        if name:
            self.settings.set(keys.LAST_FOLDER, name)
            self.import_paths([Path(name)])

    # -- import --------------------------------------------------------------------------------

    def import_paths(self, paths: Iterable[Path | str]) -> bool:
        """Import files and folders into the open archive, off the GUI thread."""
        paths = [Path(p) for p in paths]
        if self.db_path is None:
            show_error(self, "Nothing to import into",
                       "Open or create an archive first (File ▸ Open Archive… or New Archive…).")
            return False
        if not paths:
            return False
        if self.data_out.running:
            self.statusBar().showMessage("A bundle is being imported or exported; wait for it "
                                         "to finish.", 5000)
            return False
        if not self.importer.start(self.db_path, paths):
            self.statusBar().showMessage("An import is already running.", 5000)
            return False
        for action in (self.actions.import_files, self.actions.import_folder,
                       self.actions.open_archive, self.actions.new_archive):
            action.setEnabled(False)
        self.statusBar().showMessage("Importing…")
        return True

    def _after_import(self, summary: ImportSummary | None) -> None:
        for action in (self.actions.import_files, self.actions.import_folder,
                       self.actions.open_archive, self.actions.new_archive):
            action.setEnabled(True)
        if summary is not None:
            self.statusBar().showMessage(summary.summary_line(), 8000)
            dialog = ImportSummaryDialog(summary, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
            self.last_import_dialog = dialog
            self.refresh_views()
        else:
            self.statusBar().clearMessage()
            # An import stopped by the archive (a full disk) keeps the documents before it.
            self.refresh_views()
        self.import_finished.emit(summary)

    def _import_failed(self, message: str) -> None:
        show_error(self, "The import could not run", message)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if self.db_path is not None and _local_paths(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = _local_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- filter, tree and selection --------------------------------------------------------------

    def _on_filter_changed(self, f: Filter) -> None:
        if self.db_path is None:
            return
        self._start_reads()  # the sidebar has queued its facets and search already
        self._reload_tree(searchable(f))
        self.detail.set_filter(searchable(f))
        self._update_totals()

    def refresh_views(self) -> None:
        """Read everything again (after an import): tree, facets, totals and the detail."""
        if self.db_path is None:
            return
        self._start_reads()
        self._reload_tree(searchable(self.filter_state.filter))
        self.sidebar.refresh()
        self._update_totals()
        self.detail.refresh()
        self.persons.refresh()
        self.timeline.refresh()
        self.saved_searches.refresh()  # what an import brought is new to them

    def _start_reads(self) -> None:
        """A round of reads begins: reads_settled follows when the runner has none left."""
        self._reads_pending = True
        self.status_busy.show()

    def _on_reads_idle(self) -> None:
        if not self._reads_pending or not shiboken6.isValid(self):
            return
        self._reads_pending = False
        self.status_busy.hide()
        self.reads_settled.emit()

    @property
    def reads_pending(self) -> bool:
        """Whether the answer to the last filter change is still on its way."""
        return self._reads_pending

    def _reload_tree(self, f: Filter, *, initial: bool = False) -> None:
        """Read the years for ``f`` on a worker, with the rows needed to expand the expanded
        nodes again and to find the selection; the tree shown stays until they arrive."""
        path = self.db_path
        if initial:
            expand: list[tuple[str, Any]] = []
            select = self._last_node()
        else:
            expand, select = self._expanded_nodes(), self.current_node()
        if self._pending_reveal is not None:
            select = self._pending_reveal.tree_node
        column, order = self.model.sort_state()
        self.tasks.run(lambda conn: prefetch(conn, f, expand, select, column, order),
                       lambda ahead: self._apply_tree(f, ahead, path, initial),
                       key="tree", priority=URGENT)

    def _apply_tree(self, f: Filter, years: Prefetched, path: Path | None,
                    initial: bool) -> None:
        """Show the tree for ``f``, keeping expanded nodes and the selection when still shown."""
        if not shiboken6.isValid(self) or path != self.db_path:
            return
        if initial:
            self.model.set_filter(f, years)
            self._tree_ready = True
            if not self._reveal_pending():
                self._select_initial_node()
            return
        current = self.current_node()
        expanded = self._expanded_nodes()
        self._restoring_selection = True
        try:
            self.model.set_filter(f, years)
            for kind, key in expanded:
                index = self.model.index_for(kind, key)
                if index.isValid():
                    self.tree.expand(index)
            if current is not None:
                index = self.model.index_for(*current)
                if index.isValid():
                    self._select_index(index)
        finally:
            self._restoring_selection = False
        if self._reveal_pending():
            return
        if current is not None and self.current_node() is None:
            self.detail.show_message("Not shown with this filter", [
                "The record that was selected does not match the filter.",
                "Select a meeting, section or item in the tree, or clear the filter."])
        elif current is None and self.model.rowCount() == 0:
            self._show_empty_message()
        elif current is None and self._said_archive_empty:
            # The first meetings of an archive that was empty (an import, a bundle): show one,
            # not the "holds no meetings yet" page any longer.
            self._select_initial_node()

    def _expanded_nodes(self) -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = []
        pending = [QModelIndex()]
        while pending and len(found) < MAX_REEXPANDED:
            parent = pending.pop(0)
            for row in range(self.model.rowCount(parent)):
                index = self.model.index(row, 0, parent)
                if self.tree.isExpanded(index):
                    node = self.model.node_at(index)
                    if node is not None:
                        found.append(node)
                    pending.append(index)
        return found

    def current_node(self) -> tuple[str, Any] | None:
        index = self.tree.currentIndex()
        return self.model.node_at(index) if index.isValid() else None

    def select_node(self, kind: str, key: Any) -> bool:
        """Select a node in the tree (and so show it); False when the filter hides it."""
        index = self.model.index_for(kind, key)
        if not index.isValid():
            return False
        self._select_index(index)
        return True

    def open_identifier(self, text: str) -> bool:
        """Select and show the record an identifier or archive-viewer:// link names (what
        `archive-viewer open` and Copy Link's links do); a dialog says why when it cannot."""
        if self.db_path is None:
            show_error(self, "Cannot open the link", f"No archive is open to look up {text}.")
            return False
        try:
            node = resolve(self._gui_connection(), text)
        except (BadIdentifier, UnknownIdentifier) as exc:
            show_error(self, "Cannot open the link", str(exc),
                       f"The archive open is {self.db_path}.")
            return False
        self.reveal(node)
        return True

    def reveal(self, node: ResolvedNode) -> None:
        """Select ``node`` in the tree (a statement: its item, with the statement selected in
        the detail pane); a filter that hides it is cleared first."""
        self._pending_reveal = node
        if not self._tree_ready:
            return  # the first tree is on its way; it selects the node when it arrives
        if not self.filter_state.filter.is_empty():
            self.filter_state.clear()  # the tree comes back with the node: _apply_tree
            return
        self._reveal_pending()

    def _reveal_pending(self) -> bool:
        """Select the node a link asked for, if any; whether there was one."""
        node, self._pending_reveal = self._pending_reveal, None
        if node is None:
            return False
        if not self.select_node(*node.tree_node):
            self.detail.show_message("Not shown", [
                "The record the link names is not in the tree; clear the filters to see it."])
        elif node.kind == "statement":  # after the selection: a new node forgets old reveals
            self.detail.reveal_statement(node.id)
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        self.activateWindow()
        self.raise_()
        return True

    def _select_index(self, index: QModelIndex) -> None:
        parent = index.parent()
        while parent.isValid():
            self.tree.expand(parent)
            parent = parent.parent()
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.tree.scrollTo(index)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        node = self.model.node_at(current) if current.isValid() else None
        if node is None:
            if not self._restoring_selection:
                self.detail.show_message("Nothing selected", [
                    "Select a meeting, a section or an item in the tree."])
            return
        if self._restoring_selection and node == self.detail.node:
            return  # the same node is still shown; set_filter reloads it
        self._said_archive_empty = False
        if not self._restoring_selection:
            self.persons.show_detail()  # a node chosen in the tree takes the person page's place
        self.detail.show_node(*node)
        kind, key = node
        if kind != "year":  # ids mean something only in their own archive: keep it beside
            self.settings.set(keys.LAST_NODE, f"{kind}:{key}|{self.db_path}")

    def _last_node(self) -> tuple[str, int] | None:
        """The node selected when this archive was last open (from the settings)."""
        node, _, archive = self.settings.get(keys.LAST_NODE).partition("|")
        kind, _, key = node.partition(":")
        if archive == str(self.db_path) and kind in ("meeting", "section", "item") and key.isdigit():
            return kind, int(key)
        return None

    def _select_initial_node(self) -> None:
        last = self._last_node()
        if last is not None and self.select_node(*last):
            return
        if self.model.rowCount() == 0:
            self._show_empty_message()
            return
        year = self.model.index(0, 0)
        if self.model.canFetchMore(year):
            self.model.fetch_now(year)  # one page of the newest meetings, to select the first
        self.tree.expand(year)
        meeting = self.model.index(0, 0, year)
        self._select_index(meeting if meeting.isValid() else year)

    def _show_empty_message(self) -> None:
        self._said_archive_empty = self.filter_state.filter.is_empty()
        if self.filter_state.filter.is_empty():
            self.detail.show_message("This archive holds no meetings yet", [
                "Import meeting overviews (.txt, .htm, .html) with File ▸ Import Documents… "
                "(Ctrl+I) or File ▸ Import Folder… (Ctrl+Shift+I), or drop files on this window."])
        else:
            self.detail.show_message("No meetings match the filter", [
                "Remove a filter in the sidebar, or clear them all (Ctrl+Shift+Backspace)."])

    def export_current_to_pdf(self) -> bool:
        """File ▸ Export to PDF…: the meeting, section or item selected in the tree."""
        node = self.current_node()
        if node is None:
            self.statusBar().showMessage(
                "Select a meeting, section or item in the tree to export it to PDF.", 5000)
            return False
        return self.exporter.export_node(*node)

    def tree_context_menu(self, index: QModelIndex) -> QMenu | None:
        """The tree's context menu for the node at ``index`` (None where it has none)."""
        node = self.model.node_at(index) if index.isValid() else None
        if node is None or node[0] not in ("meeting", "section", "item"):
            return None
        menu = QMenu(self)
        self.citations.add_to_menu(menu, (node[0], int(node[1]), None))
        menu.addSeparator()
        self.notes.add_to_menu(menu, node[0], int(node[1]))
        menu.addSeparator()
        noun = {"meeting": "Meeting", "section": "Section", "item": "Item"}[node[0]]
        action = menu.addAction(f"Export {noun} to PDF…")
        action.setEnabled(not self.exporter.running)
        action.triggered.connect(lambda: self.exporter.export_node(*node))
        self.timeline.add_node_issues(menu, *node)
        return menu

    def _tree_menu(self, pos: QPoint) -> None:
        menu = self.tree_context_menu(self.tree.indexAt(pos))
        if menu is not None:
            menu.exec(self.tree.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def _header_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for column in (DATE, PLACE, STATEMENTS):
            name = self.model.headerData(column, Qt.Orientation.Horizontal)
            action = menu.addAction(f"Show {name} Column")
            action.setCheckable(True)
            action.setChecked(not self.tree.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self.tree.setColumnHidden(c, not on))
        menu.exec(self.tree.header().mapToGlobal(pos))
        menu.deleteLater()

    # -- status bar ------------------------------------------------------------------------------

    def _update_totals(self) -> None:
        if self.db_path is None:
            return
        f = searchable(self.filter_state.filter)
        path = self.db_path
        self.tasks.run(lambda conn: queries.totals(conn, f),
                       lambda totals: self._show_totals(totals, path),
                       on_error=lambda exc: self.status_totals.setText(
                           f"The totals could not be read ({exc}) — {path}"),
                       key="totals")

    def _show_totals(self, totals: queries.Totals, path: Path) -> None:
        if not shiboken6.isValid(self) or path != self.db_path:
            return
        self.status_totals.setText(
            f"{_plural(totals.meetings, 'meeting')} · {_plural(totals.sections, 'section')} · "
            f"{_plural(totals.statements, 'statement')} — {path}")
        self.totals_shown.emit(totals)

    # -- edit and view actions -----------------------------------------------------------------

    def copy(self) -> None:
        widget = QApplication.focusWidget()
        if widget is self.tree:
            index = self.tree.currentIndex()
            if index.isValid():
                # the whole title as text (the tooltip may be escaped into rich text)
                text = index.siblingAtColumn(TITLE).data(Qt.ItemDataRole.AccessibleTextRole) or ""
                QGuiApplication.clipboard().setText(str(text))
            return
        copy = getattr(widget, "copy", None)
        if callable(copy):
            copy()

    def copy_with_citation(self) -> bool:
        """The selected text with its citation, or the selected node's citation, in the style
        of Edit ▸ Copy Citation As."""
        return self.citations.copy_citation()

    # -- data out --------------------------------------------------------------------------------

    def export_statements(self, path: Path | None = None) -> bool:
        """File ▸ Export Statements…: the filter's statements as CSV or JSON."""
        if self.db_path is None:
            return False
        f = searchable(self.filter_state.filter)
        description = queries.filter_description(self._gui_connection(), f)
        return self.data_out.export_statements(self.db_path, f, description, path)

    def export_bundle(self, path: Path | None = None) -> bool:
        return self.db_path is not None and self.data_out.export_bundle(self.db_path, path)

    def import_bundle(self, path: Path | None = None) -> bool:
        if self.db_path is None:
            return False
        if self.importer.running:
            self.statusBar().showMessage("An import is already running.", 5000)
            return False
        return self.data_out.import_bundle(self.db_path, self._after_bundle_import, path)

    def _after_bundle_import(self, result: Any) -> None:
        dialog = ImportSummaryDialog(result.summary, self)
        dialog.setWindowTitle("Bundle imported" if not result.summary.cancelled
                              else "Bundle import stopped")
        if result.warnings:
            dialog.headline.setText("\n\n".join([dialog.headline.text(), *result.warnings]))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.last_import_dialog = dialog
        self.statusBar().showMessage(result.summary.summary_line(), 8000)
        self.refresh_views()

    def find(self) -> None:
        if not self.sidebar.isVisible():
            self.actions.toggle_sidebar.setChecked(True)
        self.sidebar.focus_search()

    def set_grouping(self, grouping: str) -> None:
        self.detail.set_grouping(grouping)
        self.actions.grouping_action(grouping).setChecked(True)
        self.settings.set(keys.GROUPING, grouping)

    def set_text_size(self, step: int) -> None:
        step = max(keys.TEXT_SIZE_STEPS.start, min(keys.TEXT_SIZE_STEPS.stop - 1, step))
        self._text_size = step
        self.detail.set_text_size(step)
        self.actions.text_reset.setEnabled(step != 0)
        self.actions.text_larger.setEnabled(step < keys.TEXT_SIZE_STEPS.stop - 1)
        self.actions.text_smaller.setEnabled(step > keys.TEXT_SIZE_STEPS.start)
        self.settings.set(keys.TEXT_SIZE, step)

    def set_sidebar_visible(self, visible: bool) -> None:
        if self.actions.toggle_sidebar.isChecked() != visible:
            self.actions.toggle_sidebar.setChecked(visible)  # comes back here through toggled
            return
        if not visible and self.sidebar.isVisible():
            self._sidebar_width = self.splitter.sizes()[SIDEBAR] or self._sidebar_width
            if self.sidebar.isAncestorOf(QApplication.focusWidget()):
                self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        self.sidebar.setVisible(visible)
        if visible:
            sizes = self.splitter.sizes()
            if sizes[SIDEBAR] < 80:
                sizes[SIDEBAR] = self._sidebar_width
                sizes[DETAIL] = max(200, sizes[DETAIL] - self._sidebar_width)
                self.splitter.setSizes(sizes)
        self.settings.set(keys.SIDEBAR_VISIBLE, visible)

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self).open()

    # -- keyboard: moving between panes ----------------------------------------------------------

    def _panes(self) -> list[tuple[int, QWidget]]:
        panes = [(SIDEBAR, self.sidebar), (TREE, self.tree), (DETAIL, self.persons.area)]
        return [(n, w) for n, w in panes if w.isVisible() or n != SIDEBAR]

    def focus_pane(self, pane: int) -> None:
        if pane == SIDEBAR:
            if not self.sidebar.isVisible():
                self.actions.toggle_sidebar.setChecked(True)
            self.sidebar.focus_search()
        elif pane == TREE:
            self.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if not self.tree.currentIndex().isValid() and self.model.rowCount():
                self._select_index(self.model.index(0, 0))
        else:
            self.persons.focus()

    def focus_next_pane(self, step: int) -> None:
        panes = self._panes()
        focus = QApplication.focusWidget()
        at = next((i for i, (_, w) in enumerate(panes)
                   if focus is not None and (w is focus or w.isAncestorOf(focus))), -1)
        number, _ = panes[(at + step) % len(panes)]
        self.focus_pane(number)

    # -- settings --------------------------------------------------------------------------------

    def _restore_view_settings(self) -> None:
        s = self.settings
        self._restore_geometry()
        state = s.get(keys.WINDOW_STATE)
        if not state.isEmpty():
            self.restoreState(state)
        header = s.get(keys.TREE_HEADER)
        if not header.isEmpty() and self.tree.header().restoreState(header):
            self.tree.header().setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        self.tree.setSortingEnabled(True)  # sorts by the (restored) indicator

        sizes = s.get(keys.SPLITTER_SIZES)
        if min(sizes[TREE], sizes[DETAIL]) < 80 or sizes[SIDEBAR] < 80:
            sizes = keys.SPLITTER_SIZES.default
        self._sidebar_width = sizes[SIDEBAR]
        self.splitter.setSizes(sizes)
        visible = s.get(keys.SIDEBAR_VISIBLE)
        self.actions.toggle_sidebar.setChecked(visible)
        self.sidebar.setVisible(visible)

        grouping = s.get(keys.GROUPING)
        self.detail.set_grouping(grouping)
        self.actions.grouping_action(grouping).setChecked(True)
        self.set_text_size(s.get(keys.TEXT_SIZE))

    def _restore_geometry(self) -> None:
        """The saved geometry when it still fits a screen; else a sensible size, centred."""
        geometry = self.settings.get(keys.WINDOW_GEOMETRY)
        if not geometry.isEmpty() and self.restoreGeometry(geometry) and self._on_a_screen():
            return
        screen = QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen else QRect(0, 0, 1280, 800)
        width = min(1280, int(available.width() * 0.9))
        height = min(800, int(available.height() * 0.9))
        self.resize(width, height)
        self.move(available.center() - QRect(0, 0, width, height).center())

    def _on_a_screen(self) -> bool:
        frame = self.frameGeometry()
        for screen in QGuiApplication.screens():
            visible = screen.availableGeometry().intersected(frame)
            if visible.width() >= 200 and visible.height() >= 100:
                return True
        return False

    def save_settings(self) -> None:
        s = self.settings
        s.set(keys.WINDOW_GEOMETRY, self.saveGeometry())
        s.set(keys.WINDOW_STATE, self.saveState())
        s.set(keys.TREE_HEADER, self.tree.header().saveState())
        sizes = self.splitter.sizes()
        if not self.sidebar.isVisible() or sizes[SIDEBAR] == 0:
            sizes[SIDEBAR] = self._sidebar_width
        s.set(keys.SPLITTER_SIZES, sizes)
        s.set(keys.SIDEBAR_VISIBLE, self.actions.toggle_sidebar.isChecked())
        s.set(keys.GROUPING, self.detail.grouping)
        s.set(keys.TEXT_SIZE, self._text_size)
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.save_settings()
        self.importer.shutdown()  # the document being imported finishes; the rest waits
        self.data_out.shutdown()
        self.notes.shutdown()
        self.tasks.shutdown()
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        super().closeEvent(event)


def _local_paths(urls: Iterable[Any]) -> list[Path]:
    return [Path(url.toLocalFile()) for url in urls if url.isLocalFile() and url.toLocalFile()]


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"

