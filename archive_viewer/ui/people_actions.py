"""People in the window: the context menu of a person, and merging and splitting people.

A merge or split is one write transaction on a worker (the archive opened for writing there,
as an import does), recounting what it changed before it commits; ``changed`` then tells the
window which person ids went away and which came, so that it can read everything again and
mend a filter or a person page that named a person who is gone.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu, QWidget

from archive_viewer.store import Archive
from archive_viewer.store.people_merge import PeopleError, Spelling
from archive_viewer.ui.dialogs import show_error
from archive_viewer.ui.tasks import URGENT, TaskRunner

if TYPE_CHECKING:  # the dialogs load when first opened, not with the window
    from archive_viewer.ui.people_dialogs import MergePeopleDialog, SplitPersonDialog


@dataclass(frozen=True)
class PeopleChange:
    """What a merge or split did to person ids."""

    kind: str  # 'merge' | 'split'
    person_id: int  # the person kept (merge) or split
    removed: list[int] = field(default_factory=list)  # ids that no longer exist
    added: list[int] = field(default_factory=list)  # ids made by a split


class PeopleController(QObject):
    """Menus, dialogs and writes for people; the window connects ``changed`` and the
    ``*_requested`` signals to what shows people."""

    #: a merge or split was written (PeopleChange)
    changed = Signal(object)
    #: show the page of a person
    show_requested = Signal(int)
    #: filter the archive by a person
    filter_requested = Signal(int)
    #: a write ended with an error message (also shown in a dialog)
    failed = Signal(str)

    def __init__(self, parent: QWidget, tasks: TaskRunner, db_path: Callable[[], Path | None],
                 writable: Callable[[], bool]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._db_path = db_path
        self._writable = writable  # False while an import writes
        self.running = False
        self.dialog: MergePeopleDialog | SplitPersonDialog | None = None  # the open one (tests)

    def set_tasks(self, tasks: TaskRunner) -> None:
        self._tasks = tasks

    # -- menu --------------------------------------------------------------------------------

    def menu(self, person_id: int, name: str, parent: QWidget) -> QMenu:
        """Show Person, Filter by Person, Merge With…, Split…"""
        menu = QMenu(parent)
        menu.setObjectName("personMenu")
        menu.addAction(f"Show {name}").triggered.connect(lambda: self.show_requested.emit(person_id))
        menu.addAction("Filter by This Person").triggered.connect(
            lambda: self.filter_requested.emit(person_id))
        menu.addSeparator()
        merge = menu.addAction("Merge With Another Entry…")
        merge.triggered.connect(lambda: self.ask_merge(person_id, name))
        split = menu.addAction("Split Spellings…")
        split.triggered.connect(lambda: self.ask_split(person_id, name))
        for action in (merge, split):
            action.setEnabled(not self.running)
        return menu

    # -- dialogs -----------------------------------------------------------------------------

    def ask_merge(self, person_id: int, name: str) -> MergePeopleDialog:
        from archive_viewer.ui.people_dialogs import MergePeopleDialog

        dialog = MergePeopleDialog(self._tasks, person_id, name, self._parent)
        dialog.accepted.connect(lambda: self._merge_chosen(dialog))
        self._open(dialog)
        return dialog

    def ask_split(self, person_id: int, name: str) -> SplitPersonDialog:
        from archive_viewer.ui.people_dialogs import SplitPersonDialog

        dialog = SplitPersonDialog(self._tasks, person_id, name, self._parent)
        dialog.accepted.connect(lambda: self.split(person_id, dialog.choice()))
        self._open(dialog)
        return dialog

    def _open(self, dialog: MergePeopleDialog | SplitPersonDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QObject) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _merge_chosen(self, dialog: MergePeopleDialog) -> None:
        choice = dialog.choice()
        if choice is not None:
            self.merge(*choice)

    # -- writing -----------------------------------------------------------------------------

    def merge(self, keep: int, other: int) -> bool:
        """Merge ``other`` into ``keep`` on a worker; False when it cannot start now."""
        def write(archive: Archive) -> PeopleChange:
            archive.merge_people(keep, other)
            return PeopleChange("merge", keep, removed=[other])

        return self._write(write, "Merging…")

    def split(self, person_id: int, spellings: list[Spelling] | None = None) -> bool:
        """Give the spellings (all but the row's own when None) people of their own again."""
        def write(archive: Archive) -> PeopleChange:
            result = archive.split_person(person_id, spellings)
            return PeopleChange("split", person_id, added=list(result.new_ids))

        return self._write(write, "Splitting…")

    def _write(self, write: Callable[[Archive], PeopleChange], message: str) -> bool:
        path = self._db_path()
        if path is None or self.running:
            return False
        if not self._writable():
            show_error(self._parent, "Cannot change people now",
                       "An import is writing to the archive. Wait for it to finish, then try again.")
            return False
        self.running = True
        status = getattr(self._parent, "statusBar", None)
        if status is not None:
            status().showMessage(message)

        def run(_conn: object) -> PeopleChange:
            with Archive.open(path, create=False) as archive:  # this worker's write connection
                return write(archive)

        self._tasks.run(run, self._done, on_error=self._failed, priority=URGENT)
        return True

    def _done(self, change: PeopleChange) -> None:
        self.running = False
        if shiboken6.isValid(self._parent):
            status = getattr(self._parent, "statusBar", None)
            if status is not None:
                status().showMessage("People merged." if change.kind == "merge"
                                     else "Person split.", 5000)
        self.changed.emit(change)

    def _failed(self, error: Exception) -> None:
        self.running = False
        message = str(error) if isinstance(error, PeopleError) else (
            f"The archive could not be changed ({type(error).__name__}: {error}). Nothing was "
            "changed.")
        if shiboken6.isValid(self._parent):
            status = getattr(self._parent, "statusBar", None)
            if status is not None:
                status().clearMessage()
            show_error(self._parent, "People could not be changed", message)
        self.failed.emit(message)
