"""Dialogs for the user's notes and tags: writing a note, choosing tags, one record's notes,
every note (and the unattached ones), the tag vocabulary.

They show the user's text and the documents' text as text, never as markup (labels in plain
text format, tooltips through plain_tooltip). They are opened with ``open()`` and delete
themselves when closed; what they decide goes back through callbacks to the controller
(notes_ui.py), which writes it as undoable commands.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archive_viewer.store import notes
from archive_viewer.ui.tooltips import plain_tooltip

#: How much of a node's text a dialog quotes under "where".
QUOTE_CHARS = 300
_ROLE = Qt.ItemDataRole.UserRole


def plain_label(text: str = "", *, muted: bool = False, parent: QWidget | None = None) -> QLabel:
    """A word-wrapped label that shows its text as text (a note may hold "<b>")."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        label.setStyleSheet("color: palette(placeholder-text);")
    label.setText(text)
    return label


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def stamp(note: notes.Note) -> str:
    written = f"Written {note.created_at[:16].replace('T', ' ')} UTC"
    if note.edited_at:
        written += f", edited {note.edited_at[:16].replace('T', ' ')} UTC"
    return written


def _where(title: str, context: str, snapshot: str, layout: QVBoxLayout) -> None:
    """The record a dialog is about: where it is and the start of its text."""
    heading = plain_label(context or title)
    font = heading.font()
    font.setBold(True)
    heading.setFont(font)
    layout.addWidget(heading)
    if snapshot and snapshot != context:
        layout.addWidget(plain_label(f"“{quote(snapshot)}”", muted=True))


class NoteEditor(QDialog):
    """Write a note, or change one."""

    def __init__(self, parent: QWidget, *, context: str, snapshot: str, body: str = "",
                 title: str = "Add Note") -> None:
        super().__init__(parent)
        self.setObjectName("noteEditor")
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        _where(title, context, snapshot, layout)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("noteText")
        self.editor.setAccessibleName("Note")
        self.editor.setPlaceholderText("Your note (plain text)…")
        self.editor.setPlainText(body)
        self.editor.setTabChangesFocus(True)
        layout.addWidget(self.editor, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "Add Note" if not body else "Save")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.editor.textChanged.connect(self._enable)
        self._enable()
        self.resize(520, 320)
        self.editor.setFocus()

    def text(self) -> str:
        return self.editor.toPlainText()

    def _enable(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(self.text().strip()))


class TagEditor(QDialog):
    """Check the tags a record carries; type a name to add one (new or from the list)."""

    def __init__(self, parent: QWidget, *, context: str, snapshot: str,
                 vocabulary: Sequence[notes.Tag], carried: set[int]) -> None:
        super().__init__(parent)
        self.setObjectName("tagEditor")
        self.setWindowTitle("Tags")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._carried = carried
        self._tags = {tag.id: tag for tag in vocabulary}
        layout = QVBoxLayout(self)
        _where("Tags", context, snapshot, layout)
        row = QHBoxLayout()
        self.new_tag = QLineEdit(self)
        self.new_tag.setObjectName("newTag")
        self.new_tag.setAccessibleName("Tag name")
        self.new_tag.setPlaceholderText("Type a tag and press Enter…")
        completer = QCompleter([tag.name for tag in vocabulary], self.new_tag)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.new_tag.setCompleter(completer)
        self.new_tag.returnPressed.connect(self.add_typed)
        self.add_button = QPushButton("Add", self)
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_typed)
        row.addWidget(self.new_tag, 1)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        self.list = QListWidget(self)
        self.list.setObjectName("tagList")
        self.list.setAccessibleName("Your tags")
        for tag in vocabulary:
            self._item(tag.name, tag.id, tag.id in carried)
        layout.addWidget(self.list, 1)
        self.hint = plain_label("Checked tags are on this record. Tags are yours: they are "
                                "kept in the archive and listed under My tags in the sidebar.",
                                muted=True)
        layout.addWidget(self.hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            button.setAutoDefault(False)  # Enter in the name field adds the tag
        layout.addWidget(buttons)
        self.resize(400, 420)
        self.new_tag.setFocus()

    def _item(self, name: str, tag_id: int | None, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(name if tag_id is not None else f"{name}  (new)", self.list)
        item.setData(_ROLE, (tag_id, name))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        return item

    def add_typed(self) -> None:
        """The typed name checked in the list, added to it when new."""
        name = " ".join(self.new_tag.text().split())
        if not name:
            return
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(_ROLE)[1].casefold() == name.casefold():
                item.setCheckState(Qt.CheckState.Checked)
                self.list.scrollToItem(item)
                break
        else:
            self.list.scrollToItem(self._item(name[:80], None, True))
        self.new_tag.clear()

    def changes(self) -> tuple[list[str], list[notes.Tag]]:
        """(names to put on, tags to take off)."""
        self.add_typed()  # typed but not yet added: meant
        add: list[str] = []
        remove: list[notes.Tag] = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            tag_id, name = item.data(_ROLE)
            checked = item.checkState() == Qt.CheckState.Checked
            if checked and (tag_id is None or tag_id not in self._carried):
                add.append(name)
            elif not checked and tag_id in self._carried:
                remove.append(self._tags[tag_id])
        return add, remove


class NodeNotesDialog(QDialog):
    """One record's notes, whole, and its tags: add, edit, delete (each undoable)."""

    add_requested = Signal()
    edit_requested = Signal(object)  # notes.Note
    delete_requested = Signal(object)  # notes.Note
    tag_requested = Signal()

    def __init__(self, parent: QWidget, node: tuple[str, int]) -> None:
        super().__init__(parent)
        self.node = node
        self.setObjectName("nodeNotes")
        self.setWindowTitle("Notes")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._notes: list[notes.Note] = []
        layout = QVBoxLayout(self)
        self.where = plain_label()
        font = self.where.font()
        font.setBold(True)
        self.where.setFont(font)
        self.quoted = plain_label(muted=True)
        self.changed = plain_label("The text of this record has changed since the notes were "
                                   "written: it comes from a newer version of the document.",
                                   muted=True)
        self.changed.hide()
        layout.addWidget(self.where)
        layout.addWidget(self.quoted)
        layout.addWidget(self.changed)
        tags_row = QHBoxLayout()
        self.tags = plain_label()
        self.tags.setObjectName("nodeTags")
        self.tag_button = QPushButton("Tag…", self)
        self.tag_button.setAutoDefault(False)
        self.tag_button.clicked.connect(self.tag_requested)
        tags_row.addWidget(self.tags, 1)
        tags_row.addWidget(self.tag_button)
        layout.addLayout(tags_row)
        self.list = QListWidget(self)
        self.list.setObjectName("noteList")
        self.list.setAccessibleName("Notes")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setUniformItemSizes(True)
        self.list.currentRowChanged.connect(self._show_note)
        self.list.itemDoubleClicked.connect(lambda _item: self._edit())
        layout.addWidget(self.list, 1)
        self.body = QPlainTextEdit(self)
        self.body.setObjectName("noteBody")
        self.body.setAccessibleName("The note")
        self.body.setReadOnly(True)
        layout.addWidget(self.body, 2)
        self.stamp = plain_label(muted=True)
        layout.addWidget(self.stamp)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add Note…", self)
        self.edit_button = QPushButton("Edit…", self)
        self.delete_button = QPushButton("Delete", self)
        close = QPushButton("Close", self)
        for button in (self.add_button, self.edit_button, self.delete_button, close):
            button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_requested)
        self.edit_button.clicked.connect(self._edit)
        self.delete_button.clicked.connect(self._delete)
        close.clicked.connect(self.accept)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(560, 520)

    def show_annotations(self, row: notes.RowNode | None,
                         annotations: notes.NodeAnnotations | None, changed: bool) -> None:
        """Fill in (again, after every edit) what the record has."""
        if row is None:
            self.where.setText("This record is no longer in the archive.")
            self.quoted.clear()
        else:
            self.where.setText(row.context)
            self.quoted.setText(f"“{quote(row.snapshot)}”" if row.snapshot != row.context else "")
        self.changed.setVisible(changed)
        tags = annotations.tag_names if annotations else ()
        self.tags.setText("Tags: " + ", ".join(tags) if tags else "No tags")
        current = self.list.currentRow()
        self._notes = list(annotations.notes) if annotations else []
        self.list.clear()
        for note in self._notes:
            when = (note.edited_at or note.created_at)[:10]
            item = QListWidgetItem(f"{when}  {quote(note.body, 90)}", self.list)
            item.setToolTip(plain_tooltip(stamp(note)))
        if self._notes:
            self.list.setCurrentRow(min(max(current, 0), len(self._notes) - 1))
        else:
            self._show_note(-1)
        self.tag_button.setEnabled(row is not None)
        self.add_button.setEnabled(row is not None)

    def _show_note(self, row: int) -> None:
        note = self._notes[row] if 0 <= row < len(self._notes) else None
        self.body.setPlainText(note.body if note else "")
        self.stamp.setText(stamp(note) if note else "No notes on this record yet.")
        self.edit_button.setEnabled(note is not None)
        self.delete_button.setEnabled(note is not None)

    def current_note(self) -> notes.Note | None:
        row = self.list.currentRow()
        return self._notes[row] if 0 <= row < len(self._notes) else None

    def _edit(self) -> None:
        note = self.current_note()
        if note is not None:
            self.edit_requested.emit(note)

    def _delete(self) -> None:
        note = self.current_note()
        if note is not None:
            self.delete_requested.emit(note)


class NotesListDialog(QDialog):
    """Every note, searchable, and the notes and tags of records no longer in the archive."""

    search_changed = Signal(str)
    open_requested = Signal(object)  # notes.NoteListing of an attached note
    delete_unattached = Signal(object)  # notes.Unattached

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("notesList")
        self.setWindowTitle("Notes")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        self.search = QLineEdit(page)
        self.search.setObjectName("notesSearch")
        self.search.setAccessibleName("Search your notes")
        self.search.setPlaceholderText("Search your notes…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.search_changed)
        page_layout.addWidget(self.search)
        self.notes = _tree(page, ["Note", "Where", "Tags", "Written"], "allNotes")
        self.notes.itemActivated.connect(self._activated)
        page_layout.addWidget(self.notes, 1)
        self.notes_hint = plain_label("Double-click a note to show its record.", muted=True)
        page_layout.addWidget(self.notes_hint)
        self.tabs.addTab(page, "All notes")

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.addWidget(plain_label(
            "These notes and tags are on records no longer in the archive: their document was "
            "deleted, or replaced by a changed version that no longer has that part. They are "
            "kept until you delete them, and come back by themselves if the document is "
            "imported again.", muted=True))
        self.unattached = _tree(page, ["Where it was", "Its text then", "Notes", "Tags"],
                                "unattachedNotes")
        self.unattached.currentItemChanged.connect(lambda *_: self._enable())
        page_layout.addWidget(self.unattached, 1)
        row = QHBoxLayout()
        self.copy_button = QPushButton("Copy", page)
        self.copy_button.setToolTip("Copy the record's text, its notes and tags as text")
        self.delete_button = QPushButton("Delete…", page)
        self.copy_button.clicked.connect(self._copy)
        self.delete_button.clicked.connect(self._delete)
        row.addStretch(1)
        row.addWidget(self.copy_button)
        row.addWidget(self.delete_button)
        page_layout.addLayout(row)
        self.tabs.addTab(page, "Unattached")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 520)
        self._enable()

    def show_notes(self, listings: list[notes.NoteListing]) -> None:
        self.notes.clear()
        for listing in listings:
            note = listing.note
            where = listing.context if listing.attached else f"{listing.context} (unattached)"
            item = QTreeWidgetItem(self.notes, [quote(note.body, 120), where, "",
                                                (note.edited_at or note.created_at)[:10]])
            item.setData(0, _ROLE, listing)
            item.setToolTip(0, plain_tooltip(note.body))
            item.setToolTip(1, plain_tooltip(f"{listing.context}\n{listing.ref.short()}"))
            if not listing.attached:
                for column in range(4):
                    item.setForeground(column, self.palette().placeholderText())

    def show_tags_of_notes(self, tags: dict[str, tuple[str, ...]]) -> None:
        for row in range(self.notes.topLevelItemCount()):
            item = self.notes.topLevelItem(row)
            listing: notes.NoteListing = item.data(0, _ROLE)
            item.setText(2, ", ".join(tags.get(listing.ref.identifier, ())))

    def show_unattached(self, lost: list[notes.Unattached]) -> None:
        self.unattached.clear()
        for entry in lost:
            a = entry.annotations
            item = QTreeWidgetItem(self.unattached, [
                a.context or a.ref.short(), quote(a.snapshot, 120),
                " · ".join(quote(n.body, 60) for n in a.notes), ", ".join(a.tag_names)])
            item.setData(0, _ROLE, entry)
            item.setToolTip(0, plain_tooltip(f"{a.context}\n{a.ref.short()}\n{entry.why}"))
            item.setToolTip(1, plain_tooltip(a.snapshot))
            item.setToolTip(2, plain_tooltip("\n\n".join(n.body for n in a.notes)))
        self.tabs.setTabText(1, f"Unattached ({len(lost)})" if lost else "Unattached")
        if lost:
            self.unattached.setCurrentItem(self.unattached.topLevelItem(0))
        self._enable()

    def selected_unattached(self) -> notes.Unattached | None:
        item = self.unattached.currentItem()
        return item.data(0, _ROLE) if item is not None else None

    def _enable(self) -> None:
        chosen = self.selected_unattached() is not None
        self.copy_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        listing: notes.NoteListing = item.data(0, _ROLE)
        if listing.attached:
            self.open_requested.emit(listing)

    def _copy(self) -> None:
        entry = self.selected_unattached()
        if entry is None:
            return
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().setText(unattached_text(entry))

    def _delete(self) -> None:
        entry = self.selected_unattached()
        if entry is not None:
            self.delete_unattached.emit(entry)


def unattached_text(entry: notes.Unattached) -> str:
    """An unattached node as text to keep elsewhere: where it was, its text, notes, tags."""
    a = entry.annotations
    lines = [a.context, a.identifier, "", a.snapshot, ""]
    lines += [f"Note ({stamp(n)}):\n{n.body}\n" for n in a.notes]
    if a.tag_names:
        lines.append("Tags: " + ", ".join(a.tag_names))
    return "\n".join(lines).strip() + "\n"


class TagsDialog(QDialog):
    """The tag vocabulary: rename and delete (each undoable)."""

    rename_requested = Signal(object)  # notes.Tag
    delete_requested = Signal(object)  # notes.Tag

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("manageTags")
        self.setWindowTitle("Your Tags")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        self.tree = _tree(self, ["Tag", "Records"], "tagsTable")
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(lambda *_: self._enable())
        self.tree.itemActivated.connect(lambda *_: self._rename())
        layout.addWidget(self.tree, 1)
        row = QHBoxLayout()
        self.rename_button = QPushButton("Rename…", self)
        self.delete_button = QPushButton("Delete…", self)
        self.rename_button.clicked.connect(self._rename)
        self.delete_button.clicked.connect(self._delete)
        row.addWidget(self.rename_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        close = QPushButton("Close", self)
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        layout.addWidget(plain_label("Renaming a tag renames it on every record and in your "
                                     "saved searches. Edit ▸ Undo takes either back.",
                                     muted=True))
        self.resize(420, 420)
        self._enable()

    def show_tags(self, tags: list[notes.Tag]) -> None:
        current = self.current_tag()
        self.tree.clear()
        for tag in tags:
            item = QTreeWidgetItem(self.tree, [tag.name, f"{tag.uses:,}"])
            item.setData(0, _ROLE, tag)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if current is not None and tag.id == current.id:
                self.tree.setCurrentItem(item)
        self._enable()

    def current_tag(self) -> notes.Tag | None:
        item = self.tree.currentItem()
        return item.data(0, _ROLE) if item is not None else None

    def _enable(self) -> None:
        chosen = self.current_tag() is not None
        self.rename_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _rename(self) -> None:
        tag = self.current_tag()
        if tag is not None:
            self.rename_requested.emit(tag)

    def _delete(self) -> None:
        tag = self.current_tag()
        if tag is not None:
            self.delete_requested.emit(tag)


class NameDialog(QDialog):
    """A name to give (a tag, a saved search), with what it is for, checked as typed."""

    def __init__(self, parent: QWidget, *, title: str, label: str, text: str = "",
                 about: str = "", ok: str = "OK",
                 check: Callable[[str], str | None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nameDialog")
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._check = check
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(label))
        self.name = QLineEdit(self)
        self.name.setObjectName("nameField")
        self.name.setAccessibleName(label)
        self.name.setText(text)
        self.name.selectAll()
        layout.addWidget(self.name)
        self.problem = plain_label(muted=True)
        self.problem.setObjectName("nameProblem")
        layout.addWidget(self.problem)
        if about:
            about_label = plain_label(about, muted=True)
            about_label.setObjectName("nameAbout")
            layout.addWidget(about_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._validate)
        self._validate()
        self.resize(440, self.sizeHint().height())

    def value(self) -> str:
        return " ".join(self.name.text().split())

    def _validate(self) -> None:
        problem = None if self.value() else ""
        if problem is None and self._check is not None:
            problem = self._check(self.value())
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)


def _tree(parent: QWidget, headers: list[str], name: str) -> QTreeWidget:
    tree = QTreeWidget(parent)
    tree.setObjectName(name)
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tree.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, 160)
    return tree


__all__ = ["NameDialog", "NodeNotesDialog", "NoteEditor", "NotesListDialog", "TagEditor",
           "TagsDialog", "plain_label", "quote", "unattached_text"]
