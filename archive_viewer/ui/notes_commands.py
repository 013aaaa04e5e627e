"""Edits of the user's notes and tags as undoable commands (QUndoStack).

Each command's redo and undo is one call into store/notes.py, one transaction each, through
the writer (the window's write connection). A command written back by an undo keeps its ids
and times, so the commands after it on the stack still name the same notes and tags. A write
that fails (the archive locked by another program, the disk full) is reported by the writer
and makes the command obsolete: the stack drops it, and the archive is as it was.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from archive_viewer.store import notes
from archive_viewer.store.errors import ArchiveError


class NotesWriter(Protocol):
    def connection(self) -> sqlite3.Connection: ...

    def written(self) -> None: ...

    def failed(self, what: str, error: Exception) -> None: ...


class _Command(QUndoCommand):
    def __init__(self, writer: NotesWriter, text: str) -> None:
        super().__init__(text)
        self._writer = writer

    def redo(self) -> None:
        self._run(self._redo)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, step: Callable[[sqlite3.Connection], None]) -> None:
        try:
            step(self._writer.connection())
        except (ArchiveError, sqlite3.Error) as exc:
            self.setObsolete(True)
            self._writer.failed(self.text(), exc)
            return
        self._writer.written()

    def _redo(self, conn: sqlite3.Connection) -> None:
        raise NotImplementedError

    def _undo(self, conn: sqlite3.Connection) -> None:
        raise NotImplementedError


def _noun(kind: str) -> str:
    return {"meeting": "Meeting", "section": "Section", "item": "Item"}.get(kind, "Statement")


class AddNote(_Command):
    def __init__(self, writer: NotesWriter, node: notes.RowNode, body: str) -> None:
        super().__init__(writer, f"Add Note to {_noun(node.ref.kind)}")
        self._node = node
        self._body = body
        self.note: notes.Note | None = None

    def _redo(self, conn: sqlite3.Connection) -> None:
        if self.note is None:
            self.note = notes.add_note(conn, self._node, self._body)
        else:
            notes.add_note(conn, self._node, self.note.body, note_id=self.note.id,
                           created_at=self.note.created_at)

    def _undo(self, conn: sqlite3.Connection) -> None:
        assert self.note is not None
        notes.delete_note(conn, self.note.id)


class EditNote(_Command):
    def __init__(self, writer: NotesWriter, before: notes.Note, body: str) -> None:
        super().__init__(writer, "Edit Note")
        self._before = before
        self._body = body
        self._after: notes.Note | None = None

    def _redo(self, conn: sqlite3.Connection) -> None:
        if self._after is None:
            self._after = notes.edit_note(conn, self._before.id, self._body)
        else:
            notes.edit_note(conn, self._before.id, self._after.body,
                            edited_at=self._after.edited_at)

    def _undo(self, conn: sqlite3.Connection) -> None:
        notes.edit_note(conn, self._before.id, self._before.body,
                        edited_at=self._before.edited_at)


class DeleteNote(_Command):
    def __init__(self, writer: NotesWriter, note_id: int) -> None:
        super().__init__(writer, "Delete Note")
        self._note_id = note_id
        self._record: notes.NoteRecord | None = None

    def _redo(self, conn: sqlite3.Connection) -> None:
        self._record = notes.delete_note(conn, self._note_id)

    def _undo(self, conn: sqlite3.Connection) -> None:
        record = self._record
        assert record is not None
        notes.add_note(conn, record.ref, record.note.body, note_id=record.note.id,
                       created_at=record.note.created_at, edited_at=record.note.edited_at,
                       snapshot=record.snapshot, context=record.context)


class ChangeTags(_Command):
    """Tags put on a node and taken off it (the Tag dialog's OK): one command, one
    transaction."""

    def __init__(self, writer: NotesWriter, node: notes.RowNode, add: list[str],
                 remove: list[notes.Tag]) -> None:
        if add and not remove:
            text = f"Tag {_noun(node.ref.kind)} “{add[0]}”" if len(add) == 1 else \
                f"Tag {_noun(node.ref.kind)}"
        elif remove and not add:
            text = f"Remove Tag “{remove[0].name}”" if len(remove) == 1 else "Remove Tags"
        else:
            text = "Change Tags"
        super().__init__(writer, text)
        self._node = node
        self._add = add
        self._remove = [tag.id for tag in remove]
        self._done: notes.TagChange | None = None
        self._ids: dict[str, int] = {}

    def _redo(self, conn: sqlite3.Connection) -> None:
        self._done = notes.change_tags(conn, self._node, self._add, self._remove,
                                       ids=self._ids)
        self._ids = {tag.name.casefold(): tag.id for tag in self._done.created}

    def _undo(self, conn: sqlite3.Connection) -> None:
        done = self._done
        assert done is not None
        notes.change_tags(conn, self._node, [tag.name for tag in done.removed],
                          [tag.id for tag in done.added],
                          drop_tags=[tag.id for tag in done.created])


class RenameTag(_Command):
    def __init__(self, writer: NotesWriter, tag: notes.Tag, name: str) -> None:
        super().__init__(writer, f"Rename Tag “{tag.name}”")
        self._tag = tag
        self._name = name

    def _redo(self, conn: sqlite3.Connection) -> None:
        notes.rename_tag(conn, self._tag.id, self._name)

    def _undo(self, conn: sqlite3.Connection) -> None:
        notes.rename_tag(conn, self._tag.id, self._tag.name)


class DeleteTag(_Command):
    def __init__(self, writer: NotesWriter, tag: notes.Tag) -> None:
        super().__init__(writer, f"Delete Tag “{tag.name}”")
        self._tag = tag
        self._deleted: notes.DeletedTag | None = None

    def _redo(self, conn: sqlite3.Connection) -> None:
        self._deleted = notes.delete_tag(conn, self._tag.id)

    def _undo(self, conn: sqlite3.Connection) -> None:
        assert self._deleted is not None
        notes.restore_tag(conn, self._deleted)


class DeleteNode(_Command):
    """Delete the notes and tags of a record no longer in the archive."""

    def __init__(self, writer: NotesWriter, ref: notes.NodeRef) -> None:
        super().__init__(writer, "Delete Unattached Notes and Tags")
        self._ref = ref
        self._deleted: notes.DeletedNode | None = None

    def _redo(self, conn: sqlite3.Connection) -> None:
        self._deleted = notes.delete_node(conn, self._ref)

    def _undo(self, conn: sqlite3.Connection) -> None:
        assert self._deleted is not None
        notes.restore_node(conn, self._deleted)
