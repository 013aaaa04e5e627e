"""The window's notes and tags: the actions, menus and dialogs, and the undo stack.

A NotesController belongs to the main window. Every edit is a command on its QUndoStack
(notes_commands.py): Edit ▸ Undo and Redo (the standard keys; a text field that has the focus
keeps them for its own typing, as Qt gives it shortcut overrides). Writes go through one write
connection of the GUI thread, one short transaction per command; after each the detail pane,
the sidebar (My tags' counts) and, when the filter asks for tags or notes, the tree are read
again. The stack is cleared when another archive is opened: its commands name this one's notes.

What a command is about is a record of the archive (kind, row id) as the tree and the detail
pane know it, turned into a node (store.notes.RowNode, by identifier) when the command is made.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox, QWidget

from archive_viewer.store import connection as store_connection
from archive_viewer.store import notes
from archive_viewer.store.errors import ArchiveError
from archive_viewer.store.node_ids import UnknownIdentifier, resolve
from archive_viewer.ui import notes_commands as commands
from archive_viewer.ui.dialogs import show_error
from archive_viewer.ui.roles import FACET_KEY_ROLE
from archive_viewer.ui.sidebar_notes import NotesFilterPanel
from archive_viewer.ui.notes_dialogs import (
    NameDialog,
    NodeNotesDialog,
    NoteEditor,
    NotesListDialog,
    TagEditor,
    TagsDialog,
)

if TYPE_CHECKING:
    from archive_viewer.ui.main_window import MainWindow

NOUNS = {"meeting": "Meeting", "section": "Section", "item": "Item", "statement": "Statement"}


class NotesController(QObject):
    """Notes and tags in the window; see the module docstring."""

    #: a note or tag was written (an edit, an undo or a redo)
    changed = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.stack = QUndoStack(self)
        self.stack.setObjectName("notesUndoStack")
        self._path: Path | None = None
        self._conn: sqlite3.Connection | None = None
        self._reloads: list[tuple[QDialog, Callable[[], None]]] = []
        #: the dialog opened last (tests look at it)
        self.last_dialog: QDialog | None = None

        a = window.actions
        a.undo.triggered.connect(self.stack.undo)
        a.redo.triggered.connect(self.stack.redo)
        self.stack.indexChanged.connect(lambda _index: self._show_undo_state())
        self.stack.cleanChanged.connect(lambda _clean: self._show_undo_state())
        self._show_undo_state()
        a.add_note.triggered.connect(lambda: self._on_selection(self.add_note))
        a.tag_node.triggered.connect(lambda: self._on_selection(self.edit_tags))
        a.all_notes.triggered.connect(lambda: self.show_notes_list())
        a.unattached_notes.triggered.connect(lambda: self.show_notes_list(unattached=True))
        a.manage_tags.triggered.connect(self.manage_tags)
        self.menu = QMenu("&Notes", window)
        self.menu.setObjectName("notesMenu")
        self.menu.addActions([a.add_note, a.tag_node])
        self.menu.addSeparator()
        self.menu.addActions([a.all_notes, a.manage_tags, a.unattached_notes])
        self._set_enabled(False)

        window.archive_opened.connect(self.set_archive)
        window.detail.annotation_activated.connect(self.show_node_notes)
        window.detail.browser.context_menu_hook = self._detail_menu
        # The sidebar's "My notes" section, and how many records' notes are unattached
        # (cheap: the user's nodes only), counted whenever the facets are.
        self.filter_panel = NotesFilterPanel(window.filter_state)
        self.filter_panel.unattached_requested.connect(
            lambda: self.show_notes_list(unattached=True))
        window.sidebar.facets_updated.connect(self._facets_updated)
        tags_view = window.sidebar.facet_view("tags")
        tags_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tags_view.customContextMenuRequested.connect(self._tags_facet_menu)

    def _show_undo_state(self) -> None:
        """Edit ▸ Undo and Redo say what they would undo or redo ("Undo Add Note")."""
        a = self.window.actions
        if not shiboken6.isValid(a.undo) or not shiboken6.isValid(self.stack):
            return  # the window is being destroyed
        for action, able, text, verb in (
                (a.undo, self.stack.canUndo(), self.stack.undoText(), "&Undo"),
                (a.redo, self.stack.canRedo(), self.stack.redoText(), "&Redo")):
            action.setEnabled(able)
            action.setText(f"{verb} {text}" if able and text else verb)

    # -- the archive -------------------------------------------------------------------------

    def set_archive(self, path: Path) -> None:
        """Another archive is open: its own notes, and nothing to undo."""
        self._close()
        for dialog, _reload in list(self._reloads):
            if shiboken6.isValid(dialog):
                dialog.close()
        self._reloads.clear()
        self.stack.clear()
        self._show_undo_state()
        self._path = Path(path)
        self._set_enabled(True)

    def _facets_updated(self, facets: Any) -> None:
        # My tags only once there is a tag: an empty list would say nothing.
        self.window.sidebar.sections["tags"].setVisible(bool(facets.tags))
        self._count_unattached()

    def _count_unattached(self) -> None:
        self.window.tasks.run(notes.unattached_count,
                              lambda count: shiboken6.isValid(self.filter_panel)
                              and self.filter_panel.set_unattached(count), key="unattached")

    def shutdown(self) -> None:
        self._close()

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _set_enabled(self, enabled: bool) -> None:
        a = self.window.actions
        for action in (a.add_note, a.tag_node, a.all_notes, a.manage_tags, a.unattached_notes):
            action.setEnabled(enabled)

    # -- the writer the commands use (notes_commands.NotesWriter) ------------------------------

    def connection(self) -> sqlite3.Connection:
        if self._conn is None:
            if self._path is None:
                raise ArchiveError("no archive is open")
            self._conn = store_connection.connect(self._path, readonly=False)
        return self._conn

    def written(self) -> None:
        window = self.window
        if window.filter_state.filter.has_user_terms:
            window.refresh_views()  # the tree shows what is tagged or noted: read it again
        else:
            window.detail.refresh()
            window.sidebar.refresh()
        for dialog, reload in list(self._reloads):
            if shiboken6.isValid(dialog) and dialog.isVisible():
                reload()
        self.changed.emit()

    def failed(self, what: str, error: Exception) -> None:
        show_error(self.window, f"Could not {what[0].lower()}{what[1:]}",
                   f"{error}", f"The archive {self._path} was not changed.")

    def push(self, command: commands._Command) -> None:
        self.stack.push(command)

    # -- targets ---------------------------------------------------------------------------

    def selection(self) -> tuple[str, int] | None:
        """What Add Note and Tag are for: the statement at the cursor in the statements pane
        when it has the focus, else the meeting, section or item selected in the tree."""
        detail = self.window.detail
        if QApplication.focusWidget() is detail.browser:
            statement = detail.statement_at_cursor()
            if statement is not None:
                return "statement", statement
        node = self.window.current_node()
        if node is not None and node[0] in ("meeting", "section", "item"):
            return node[0], int(node[1])
        return None

    def _on_selection(self, act: Callable[[str, int], Any]) -> None:
        target = self.selection()
        if target is None:
            self.window.statusBar().showMessage(
                "Select a meeting, section or item in the tree, or put the cursor in a "
                "statement, to add a note or a tag.", 6000)
            return
        act(*target)

    def _row(self, kind: str, row_id: int) -> notes.RowNode | None:
        try:
            return notes.row_node(self.window._gui_connection(), kind, row_id)
        except (ArchiveError, sqlite3.Error) as exc:
            show_error(self.window, "Cannot annotate this record", str(exc))
            return None

    def _parent(self) -> QWidget:
        active = QApplication.activeModalWidget()
        return active if isinstance(active, QDialog) else self.window

    # -- notes -----------------------------------------------------------------------------

    def add_note(self, kind: str, row_id: int) -> NoteEditor | None:
        row = self._row(kind, row_id)
        if row is None:
            return None
        editor = NoteEditor(self._parent(), context=_about(kind, row), snapshot=row.snapshot)
        editor.accepted.connect(
            lambda: self.push(commands.AddNote(self, row, editor.text())))
        return self._open(editor)

    def edit_note(self, kind: str, row_id: int, note: notes.Note) -> NoteEditor | None:
        row = self._row(kind, row_id)
        if row is None:
            return None
        editor = NoteEditor(self._parent(), context=_about(kind, row), snapshot=row.snapshot,
                            body=note.body, title="Edit Note")
        editor.accepted.connect(lambda: editor.text().strip() != note.body and self.push(
            commands.EditNote(self, note, editor.text())))
        return self._open(editor)

    def delete_note(self, note: notes.Note) -> None:
        self.push(commands.DeleteNote(self, note.id))

    def show_node_notes(self, kind: str, row_id: int) -> NodeNotesDialog:
        dialog = NodeNotesDialog(self._parent(), (kind, row_id))
        dialog.setWindowTitle(f"Notes on the {NOUNS[kind].lower()}")
        dialog.add_requested.connect(lambda: self.add_note(kind, row_id))
        dialog.edit_requested.connect(lambda note: self.edit_note(kind, row_id, note))
        dialog.delete_requested.connect(self.delete_note)
        dialog.tag_requested.connect(lambda: self.edit_tags(kind, row_id))

        def reload() -> None:
            self.window.tasks.run(lambda conn: _node_state(conn, kind, row_id),
                                  lambda state: shiboken6.isValid(dialog)
                                  and dialog.show_annotations(*state))

        self._watch(dialog, reload)
        return self._open(dialog)

    # -- tags ------------------------------------------------------------------------------

    def edit_tags(self, kind: str, row_id: int) -> TagEditor | None:
        row = self._row(kind, row_id)
        if row is None:
            return None
        conn = self.window._gui_connection()
        carried = notes.node_annotations(conn, kind, row_id)
        editor = TagEditor(self._parent(), context=_about(kind, row), snapshot=row.snapshot,
                           vocabulary=notes.tags(conn),
                           carried={t.id for t in carried.tags} if carried else set())

        def done() -> None:
            add, remove = editor.changes()
            if add or remove:
                self.push(commands.ChangeTags(self, row, add, remove))

        editor.accepted.connect(done)
        return self._open(editor)

    def manage_tags(self) -> TagsDialog:
        dialog = TagsDialog(self._parent())
        dialog.rename_requested.connect(lambda tag: self._rename_tag(dialog, tag))
        dialog.delete_requested.connect(lambda tag: self._delete_tag(dialog, tag))
        self._watch(dialog, lambda: self.window.tasks.run(
            notes.tags, lambda tags: shiboken6.isValid(dialog) and dialog.show_tags(tags)))
        return self._open(dialog)

    def _rename_tag(self, parent: QWidget, tag: notes.Tag) -> NameDialog:
        names = {t.name.casefold(): t for t in notes.tags(self.window._gui_connection())}

        def check(name: str) -> str | None:
            other = names.get(name.casefold())
            if other is not None and other.id != tag.id:
                return f"There is a tag “{other.name}” already."
            return None if len(name) <= 80 else "At most 80 characters."

        dialog = NameDialog(parent, title="Rename Tag", label="New name of the tag:",
                            text=tag.name, ok="Rename", check=check,
                            about="The tag is renamed on every record and in your saved "
                                  "searches.")
        dialog.accepted.connect(lambda: dialog.value() != tag.name and self.push(
            commands.RenameTag(self, tag, dialog.value())))
        return self._open(dialog)

    def _delete_tag(self, parent: QWidget, tag: notes.Tag) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, "Delete Tag",
                          f"Delete the tag “{tag.name}”"
                          + (f" from {tag.uses:,} record{'' if tag.uses == 1 else 's'}?"
                             if tag.uses else "?"),
                          QMessageBox.StandardButton.Cancel, parent)
        box.setObjectName("deleteTag")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("Edit ▸ Undo brings it back.")
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: button is delete and self.push(
            commands.DeleteTag(self, tag)))
        box.open()
        self.last_dialog = box  # type: ignore[assignment]
        return box

    def tag_menu(self, tag_id: int) -> QMenu | None:
        """The My tags facet's menu for a tag: rename, delete, the vocabulary."""
        tag = next((t for t in notes.tags(self.window._gui_connection()) if t.id == tag_id), None)
        if tag is None:
            return None
        menu = QMenu(self.window)
        menu.addAction("Rename Tag…", lambda: self._rename_tag(self.window, tag))
        menu.addAction("Delete Tag…", lambda: self._delete_tag(self.window, tag))
        menu.addSeparator()
        menu.addAction(self.window.actions.manage_tags)
        return menu

    def _tags_facet_menu(self, pos: QPoint) -> None:
        view = self.window.sidebar.facet_view("tags")
        key = view.indexAt(pos).data(FACET_KEY_ROLE)
        menu = self.tag_menu(int(key)) if isinstance(key, int) else None
        if menu is not None:
            menu.exec(view.viewport().mapToGlobal(pos))
            menu.deleteLater()

    # -- every note; the unattached ------------------------------------------------------------

    def show_notes_list(self, *, unattached: bool = False) -> NotesListDialog:
        dialog = NotesListDialog(self._parent())

        def reload() -> None:
            text = dialog.search.text()
            self.window.tasks.run(
                lambda conn: _listing(conn, text),
                lambda found: shiboken6.isValid(dialog) and _show_listing(dialog, *found))

        dialog.search_changed.connect(lambda _text: reload())
        dialog.open_requested.connect(self._reveal)
        dialog.delete_unattached.connect(lambda entry: self._delete_unattached(dialog, entry))
        if unattached:
            dialog.tabs.setCurrentIndex(1)
        self._watch(dialog, reload)
        return self._open(dialog)

    def _reveal(self, listing: notes.NoteListing) -> None:
        try:
            node = resolve(self.window._gui_connection(), listing.ref.identifier)
        except (UnknownIdentifier, ArchiveError):
            return
        self.window.reveal(node)

    def _delete_unattached(self, parent: QWidget, entry: notes.Unattached) -> QMessageBox:
        count = len(entry.annotations.notes)
        box = QMessageBox(QMessageBox.Icon.Question, "Delete Unattached Notes and Tags",
                          f"Delete the {count} note{'' if count == 1 else 's'} and the tags "
                          f"of “{entry.annotations.context}”?", QMessageBox.StandardButton.Cancel,
                          parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("Copy keeps them as text first; Edit ▸ Undo brings them back.")
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: button is delete and self.push(
            commands.DeleteNode(self, entry.annotations.ref)))
        box.open()
        self.last_dialog = box  # type: ignore[assignment]
        return box

    # -- menus -----------------------------------------------------------------------------

    def add_to_menu(self, menu: QMenu, kind: str, row_id: int) -> None:
        """Add Note…, Tag… (and Notes…, when it has some) for a record."""
        if self._path is None or kind not in NOUNS:
            return
        noun = NOUNS[kind]
        menu.addAction(f"Add Note to {noun}…", lambda: self.add_note(kind, row_id))
        menu.addAction(f"Tag {noun}…", lambda: self.edit_tags(kind, row_id))
        menu.addAction(f"Notes on {noun}…", lambda: self.show_node_notes(kind, row_id))

    def _detail_menu(self, menu: QMenu, pos: QPoint) -> None:
        node = self.window.detail.node_at(pos)
        if node is None or self._path is None:
            return
        menu.addSeparator()
        self.add_to_menu(menu, *node)
        content = self.window.detail.content
        meeting = getattr(getattr(content, "meeting", None), "id", None)
        if node[0] != "meeting" and meeting is not None:
            menu.addAction("Add Note to Meeting…", lambda: self.add_note("meeting", meeting))
            menu.addAction("Tag Meeting…", lambda: self.edit_tags("meeting", meeting))

    # -- dialogs ---------------------------------------------------------------------------

    def _open(self, dialog: Any) -> Any:
        dialog.open()
        self.last_dialog = dialog
        return dialog

    def _watch(self, dialog: QDialog, reload: Callable[[], None]) -> None:
        """Fill the dialog now and after every edit, for as long as it is open."""
        entry = (dialog, reload)
        self._reloads.append(entry)
        dialog.finished.connect(lambda _result: entry in self._reloads
                                and self._reloads.remove(entry))
        reload()


def _about(kind: str, row: notes.RowNode) -> str:
    return f"{NOUNS[kind]}: {row.context}"


# -- worker side -------------------------------------------------------------------------------

def _node_state(conn: sqlite3.Connection, kind: str, row_id: int
                ) -> tuple[notes.RowNode | None, notes.NodeAnnotations | None, bool]:
    try:
        row = notes.row_node(conn, kind, row_id)
    except notes.NotesError:
        return None, None, False
    annotations = notes.node_annotations(conn, kind, row_id)
    changed = annotations is not None and notes.changed_text(conn, kind, row_id, annotations)
    return row, annotations, changed


def _listing(conn: sqlite3.Connection, text: str
             ) -> tuple[list[notes.NoteListing], dict[str, tuple[str, ...]], list[notes.Unattached]]:
    tags = {a.identifier: a.tag_names for a in notes.iter_nodes(conn)}
    return notes.all_notes(conn, text), tags, notes.unattached(conn)


def _show_listing(dialog: NotesListDialog, listings: list[notes.NoteListing],
                  tags: dict[str, tuple[str, ...]], lost: list[notes.Unattached]) -> None:
    dialog.show_notes(listings)
    dialog.show_tags_of_notes(tags)
    dialog.show_unattached(lost)
