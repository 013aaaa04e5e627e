"""Saved searches in the window: the sidebar's list with counts and what is new, saving the
current filter under a name, opening one (its new statements marked), renaming, updating,
deleting.

Counts are read on workers (one task a search, in the background), after the archive opens,
after each import and after changes to tags or notes a search asks for. Opening a search is a
small write (when it was opened: what is new from now on) and then the filter. While its
filter is the window's, the meetings that arrived since it was opened before are bold in the
tree and their matching statements marked NEW in the detail pane; changing the filter ends it.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QMessageBox,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from archive_viewer.store import queries, saved_searches
from archive_viewer.store.errors import ArchiveError
from archive_viewer.store.filters import Filter
from archive_viewer.ui.dialogs import show_error
from archive_viewer.ui.notes_dialogs import NameDialog
from archive_viewer.ui.sidebar_facets import CollapsibleSection
from archive_viewer.ui.tasks import BACKGROUND
from archive_viewer.ui.tooltips import plain_tooltip

if TYPE_CHECKING:
    from archive_viewer.ui.main_window import MainWindow
    from archive_viewer.ui.notes_ui import NotesController

NAME, NEW, COUNT = range(3)
_ID = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class CountsShown:
    counts: saved_searches.SearchCounts
    description: str


class SavedSearchesPanel(CollapsibleSection):
    """The list: name, "+N new", statements matching. Activating a row opens the search."""

    open_requested = Signal(int)
    menu_requested = Signal(int, QPoint)  # search id, global position

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Saved searches", "savedSearches", parent)
        self.setObjectName("savedSearchesSection")
        self.list = QTreeWidget(self.body)
        self.list.setObjectName("savedSearches")
        self.list.setAccessibleName("Saved searches")
        self.list.setAccessibleDescription("Open a saved search with Enter or a click; its "
                                           "context menu renames, updates or deletes it")
        self.list.setColumnCount(3)
        self.list.setHeaderHidden(True)
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NEW, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COUNT, QHeaderView.ResizeMode.ResizeToContents)
        self.list.itemClicked.connect(lambda item, _column: self._open(item))
        self.list.itemActivated.connect(lambda item, _column: self._open(item))
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.save_button = QToolButton(self.body)
        self.save_button.setObjectName("saveSearch")
        self.save_button.setAutoRaise(True)
        self.save_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.body_layout.addWidget(self.list)
        self.body_layout.addWidget(self.save_button)
        self._active: int | None = None
        self.set_searches([])

    def set_searches(self, searches: list[saved_searches.SavedSearch]) -> None:
        shown = {self.list.topLevelItem(row).data(NAME, _ID): self.list.topLevelItem(row)
                 for row in range(self.list.topLevelItemCount())}
        counts = {key: (item.text(NEW), item.text(COUNT), item.toolTip(NAME))
                  for key, item in shown.items()}
        self.list.clear()
        for search in searches:
            item = QTreeWidgetItem(self.list, [search.name, "", ""])
            item.setData(NAME, _ID, search.id)
            item.setTextAlignment(COUNT, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            new, count, tip = counts.get(search.id, ("", "…", plain_tooltip(search.name)))
            item.setText(NEW, new)
            item.setText(COUNT, count)
            item.setToolTip(NAME, tip)
            self._style_new(item)
        self.list.setVisible(bool(searches))
        self._fit()
        self.set_active(self._active)

    def show_counts(self, shown: CountsShown, name: str) -> None:
        counts = shown.counts
        item = self.item(counts.search_id)
        if item is None:
            return
        item.setText(COUNT, f"{counts.statements:,}" if counts.hint is None else "?")
        item.setText(NEW, f"+{counts.new:,} new" if counts.new else "")
        lines = [name, shown.description, f"{counts.statements:,} matching statement"
                 + ("" if counts.statements == 1 else "s")]
        if counts.new:
            lines.append(f"{counts.new:,} of them imported since you last opened it")
        if counts.problems:
            lines.append("Not in this archive (matching nothing): " + ", ".join(counts.problems))
        if counts.hint:
            lines.append(counts.hint)
        item.setToolTip(NAME, plain_tooltip("\n".join(lines)))
        item.setToolTip(NEW, item.toolTip(NAME))
        item.setToolTip(COUNT, item.toolTip(NAME))
        self._style_new(item)

    def _style_new(self, item: QTreeWidgetItem) -> None:
        font = item.font(NEW)
        font.setBold(True)
        item.setFont(NEW, font)
        item.setForeground(NEW, self.palette().brush(QPalette.ColorRole.Link))

    def item(self, search_id: int) -> QTreeWidgetItem | None:
        for row in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(row)
            if item.data(NAME, _ID) == search_id:
                return item
        return None

    def set_active(self, search_id: int | None) -> None:
        """Show which search is open (bold), if any."""
        self._active = search_id
        for row in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(row)
            font = QFont(item.font(NAME))
            font.setBold(item.data(NAME, _ID) == search_id)
            item.setFont(NAME, font)

    def _fit(self) -> None:
        rows = min(self.list.topLevelItemCount(), 8)
        height = self.list.sizeHintForRow(0) if rows else 0
        self.list.setFixedHeight(max(rows, 1) * max(height, 1) + 2 * self.list.frameWidth())

    def _open(self, item: QTreeWidgetItem) -> None:
        self.open_requested.emit(int(item.data(NAME, _ID)))

    def _menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        if item is not None:
            self.menu_requested.emit(int(item.data(NAME, _ID)),
                                     self.list.viewport().mapToGlobal(pos))


class SavedSearchController(QObject):
    """Saved searches in the window; see the module docstring."""

    #: a saved search was opened and its filter applied (its id)
    opened = Signal(int)
    #: the counts of every listed search have arrived
    counts_shown = Signal()

    def __init__(self, window: MainWindow, writer: NotesController) -> None:
        super().__init__(window)
        self.window = window
        self.writer = writer
        self.panel = SavedSearchesPanel()
        self.panel.save_button.setDefaultAction(window.actions.save_search)
        self.panel.save_button.setText("Save Current Search…")
        self.panel.open_requested.connect(self.open_search)
        self.panel.menu_requested.connect(self._show_menu)
        self._searches: dict[int, saved_searches.SavedSearch] = {}
        self._active: tuple[int, Filter] | None = None
        self._pending: set[int] = set()
        #: the dialog or menu opened last (tests look at it)
        self.last_dialog: QWidget | None = None
        window.actions.save_search.triggered.connect(self.save_dialog)
        window.actions.save_search.setEnabled(False)
        window.filter_state.changed.connect(self._filter_changed)
        window.archive_opened.connect(self._archive_opened)
        writer.changed.connect(self._user_data_changed)

    @property
    def searches(self) -> list[saved_searches.SavedSearch]:
        return list(self._searches.values())

    @property
    def active(self) -> int | None:
        return self._active[0] if self._active else None

    # -- reading ---------------------------------------------------------------------------

    def refresh(self, only: set[int] | None = None) -> None:
        """Read the list, then each search's counts (``only``: just these searches')."""
        self.window.tasks.run(saved_searches.saved_searches,
                              lambda found: self._listed(found, only), key="saved-searches")

    def _listed(self, found: list[saved_searches.SavedSearch], only: set[int] | None) -> None:
        if not shiboken6.isValid(self.panel):
            return
        self._searches = {search.id: search for search in found}
        self.panel.set_searches(found)
        wanted = [s for s in found if only is None or s.id in only]
        self._pending = {s.id for s in wanted}
        if not wanted:
            self.counts_shown.emit()
        for search in wanted:
            self.window.tasks.run(
                lambda conn, s=search: _counts(conn, s),
                lambda shown, s=search: self._counted(shown, s.name),
                on_error=lambda exc, s=search: self._count_failed(s.id, exc),
                key=f"saved-search-{search.id}", priority=BACKGROUND)

    def _counted(self, shown: CountsShown, name: str) -> None:
        if shiboken6.isValid(self.panel):
            self.panel.show_counts(shown, name)
        self._done(shown.counts.search_id)

    def _count_failed(self, search_id: int, error: Exception) -> None:
        item = self.panel.item(search_id) if shiboken6.isValid(self.panel) else None
        if item is not None:
            item.setText(COUNT, "?")
            item.setToolTip(NAME, plain_tooltip(f"The counts could not be read: {error}"))
        self._done(search_id)

    def _done(self, search_id: int) -> None:
        self._pending.discard(search_id)
        if not self._pending:
            self.counts_shown.emit()

    # -- saving ----------------------------------------------------------------------------

    def save_dialog(self) -> NameDialog | None:
        f = self.window.filter_state.filter
        if f.is_empty():
            self.window.statusBar().showMessage(
                "Search or choose filters first: a saved search keeps the current filter.", 6000)
            return None
        names = {s.name.casefold(): s for s in self._searches.values()}

        def check(name: str) -> str | None:
            other = names.get(name.casefold())
            if other is not None:
                return (f"There is a saved search “{other.name}” already: choose another name, "
                        "or update that one from its menu in the sidebar.")
            return None if len(name) <= saved_searches.MAX_NAME else "That name is too long."

        description = queries.filter_description(self.window._gui_connection(), f)
        dialog = NameDialog(self.window, title="Save Search", label="Name of the search:",
                            text=_suggested_name(description), ok="Save", check=check,
                            about=f"{description}.\n\nIt is listed under Saved searches in the "
                                  "sidebar with the number of statements it matches, and after "
                                  "each import with how many of them are new.")
        dialog.accepted.connect(lambda: self.save(dialog.value(), f))
        dialog.open()
        self.last_dialog = dialog
        return dialog

    def save(self, name: str, f: Filter) -> saved_searches.SavedSearch | None:
        search = self._write(lambda conn: saved_searches.save(conn, name, f), "save the search")
        if search is not None:
            self._active = (search.id, f)  # it is what the window shows: open, nothing new
            self.panel.set_active(search.id)
            self.window.statusBar().showMessage(f"Saved the search “{search.name}”.", 5000)
            self.refresh()
        return search

    # -- opening ---------------------------------------------------------------------------

    def open_search(self, search_id: int) -> bool:
        opened = self._write(lambda conn: saved_searches.open_search(conn, search_id),
                             "open the saved search")
        if opened is None:
            return False
        resolved = opened.resolved
        self.window.sidebar.name_values({(facet, key): f"{name} (not in this archive)"
                                         for (facet, key), name in resolved.missing.items()})
        if resolved.problems:
            self.window.statusBar().showMessage(
                f"“{opened.search.name}”: not in this archive, so matching nothing: "
                + ", ".join(resolved.problems), 10000)
        self._active = (search_id, resolved.filter)
        self.panel.set_active(search_id)
        self.window.filter_state.set_filter(resolved.filter)
        name = opened.search.name
        self.window.tasks.run(
            lambda conn: saved_searches.meetings_arrived_after(conn, opened.marked_after),
            lambda meetings: self._mark(search_id, meetings, name), key="saved-search-new")
        self.refresh(only={search_id})
        self.opened.emit(search_id)
        return True

    def _mark(self, search_id: int, meetings: frozenset[int], name: str) -> None:
        if self.active != search_id:
            return
        self.window.model.set_new_meetings(meetings, f"New since you last opened “{name}”")
        self.window.detail.set_new_meetings(meetings, name)

    def _unmark(self) -> None:
        self._active = None
        self.panel.set_active(None)
        self.window.model.set_new_meetings(frozenset())
        self.window.detail.set_new_meetings(frozenset(), None)

    def _filter_changed(self, f: Filter) -> None:
        if self._active is not None and f != self._active[1]:
            self._unmark()

    # -- the list's menu -------------------------------------------------------------------

    def _show_menu(self, search_id: int, where: QPoint) -> None:
        menu = self.menu_for(search_id)
        if menu is not None:
            menu.exec(where)
            menu.deleteLater()

    def menu_for(self, search_id: int) -> QMenu | None:
        search = self._searches.get(search_id)
        if search is None:
            return None
        menu = QMenu(self.panel)
        menu.addAction("Open", lambda: self.open_search(search_id))
        update = menu.addAction("Update to the Current Filter",
                                lambda: self.update_filter(search_id))
        update.setEnabled(not self.window.filter_state.filter.is_empty())
        menu.addAction("Rename…", lambda: self.rename_dialog(search_id))
        menu.addSeparator()
        menu.addAction("Delete…", lambda: self.delete_dialog(search_id))
        return menu

    def update_filter(self, search_id: int) -> bool:
        f = self.window.filter_state.filter
        updated = self._write(lambda conn: saved_searches.update_filter(conn, search_id, f),
                              "update the saved search")
        if updated is None:
            return False
        self._active = (search_id, f)
        self.panel.set_active(search_id)
        self.refresh()
        return True

    def rename_dialog(self, search_id: int) -> NameDialog | None:
        search = self._searches.get(search_id)
        if search is None:
            return None
        names = {s.name.casefold() for s in self._searches.values() if s.id != search_id}
        dialog = NameDialog(self.window, title="Rename Saved Search", label="New name:",
                            text=search.name, ok="Rename",
                            check=lambda name: "There is a saved search of that name already."
                            if name.casefold() in names else None)
        dialog.accepted.connect(lambda: self._write(
            lambda conn: saved_searches.rename(conn, search_id, dialog.value()),
            "rename the saved search") and self.refresh())
        dialog.open()
        self.last_dialog = dialog
        return dialog

    def delete_dialog(self, search_id: int) -> QMessageBox | None:
        search = self._searches.get(search_id)
        if search is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Question, "Delete Saved Search",
                          f"Delete the saved search “{search.name}”?",
                          QMessageBox.StandardButton.Cancel, self.window)
        box.setObjectName("deleteSavedSearch")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("The statements and your notes stay; only the search goes.")
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: button is delete and self.delete(search_id))
        box.open()
        self.last_dialog = box
        return box

    def delete(self, search_id: int) -> bool:
        if self._write(lambda conn: saved_searches.delete(conn, search_id),
                       "delete the saved search") is None:
            return False
        if self.active == search_id:
            self._unmark()
        self.refresh()
        return True

    # -- plumbing --------------------------------------------------------------------------

    def _write(self, action: Any, what: str) -> Any:
        try:
            return action(self.writer.connection())
        except (ArchiveError, sqlite3.Error) as exc:
            show_error(self.window, f"Could not {what}", str(exc))
            return None

    def _archive_opened(self, _path: object) -> None:
        self._unmark()
        self._searches = {}
        self.panel.set_searches([])
        self.window.actions.save_search.setEnabled(True)
        self.refresh()

    def _user_data_changed(self) -> None:
        """A note or tag changed: recount the searches that ask for tags or notes."""
        asking = {s.id for s in self._searches.values()
                  if {"tags", "has_notes", "note_text"} & set(s.filter)}
        if asking:
            self.refresh(only=asking)


def _counts(conn: sqlite3.Connection, search: saved_searches.SavedSearch) -> CountsShown:
    counts = saved_searches.counts(conn, search)
    resolved = saved_searches.filter_from_names(conn, search.filter)
    return CountsShown(counts, queries.filter_description(conn, resolved.filter))


def _suggested_name(description: str) -> str:
    """A first name for a search: its description, shortened."""
    name = description.removeprefix("Statements ").removeprefix("matching ")
    return name if len(name) <= 60 else name[:59].rstrip(" ,") + "…"
