"""Dialogs for merging two people and splitting one: who, and which spellings.

Both read what they list through the TaskRunner (the people most alike in name first; a
person's spellings) and only return the researcher's choice; the PeopleController writes it.
"""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archive_viewer.store.people_merge import Spelling
from archive_viewer.store.person_profile import (
    PersonProfile,
    PersonSummary,
    merge_candidates,
    person_profile,
)
from archive_viewer.ui.tasks import URGENT, TaskRunner

_ID = int(Qt.ItemDataRole.UserRole) + 50


def _label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _person_text(person: PersonSummary) -> str:
    return f"{person.name} ({person.country})" if person.country else person.name


class MergePeopleDialog(QDialog):
    """Choose whom to merge a person with, and whose name the merged person keeps.

    ``choice()`` gives (kept id, merged id) once accepted.
    """

    def __init__(self, tasks: TaskRunner, person_id: int, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergePeopleDialog")
        self.setWindowTitle("Merge People")
        self.person_id = person_id
        self.name = name
        layout = QVBoxLayout(self)
        layout.addWidget(_label(
            f"Merge {name} with another entry for the same person, written another way. The "
            "two entries' meetings and statements become one person's. The merge is kept when "
            "the documents are imported again; Split undoes it.", self))
        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("mergeFilter")
        self.filter_box.setPlaceholderText("Filter people…")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self._filter)
        layout.addWidget(self.filter_box)
        self.list = QTreeWidget(self)
        self.list.setObjectName("mergeCandidates")
        self.list.setAccessibleName("People to merge with")
        self.list.setHeaderLabels(["Person", "Meetings", "Likeness"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.list.currentItemChanged.connect(lambda *_: self._update())
        self.list.itemDoubleClicked.connect(lambda *_: self.accept() if self._ok.isEnabled() else None)
        self.list.addTopLevelItem(QTreeWidgetItem(["Reading the people…", "", ""]))
        layout.addWidget(self.list, 1)
        layout.addWidget(_label("Keep the name of:", self))
        self.keep_this = QRadioButton(name, self)
        self.keep_other = QRadioButton("the person chosen above", self)
        self.keep_this.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.keep_this)
        group.addButton(self.keep_other)
        layout.addWidget(self.keep_this)
        layout.addWidget(self.keep_other)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self._ok = buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self._ok.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 480)
        tasks.run(lambda conn: merge_candidates(conn, person_id), self._show_candidates,
                  on_error=self._failed, key="merge-candidates", priority=URGENT)

    def _show_candidates(self, candidates: list[tuple[PersonSummary, float]]) -> None:
        if not shiboken6.isValid(self):
            return
        self.list.clear()
        for person, score in candidates:
            likeness = ("same name" if score >= 1.0 else "similar" if score >= 0.85 else "")
            item = QTreeWidgetItem([_person_text(person), f"{person.meetings:,}", likeness])
            item.setData(0, _ID, person.person_id)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
        self._filter(self.filter_box.text())
        self.filter_box.setFocus()

    def _failed(self, error: Exception) -> None:
        if shiboken6.isValid(self):
            self.list.clear()
            self.list.addTopLevelItem(QTreeWidgetItem([f"The people could not be read: {error}"]))

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for index in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(index)
            item.setHidden(bool(needle) and needle not in item.text(0).casefold())
        self._update()

    def _update(self) -> None:
        item = self.list.currentItem()
        chosen = item is not None and not item.isHidden() and item.data(0, _ID) is not None
        self._ok.setEnabled(chosen)
        self.keep_other.setText(item.text(0) if chosen else "the person chosen above")

    def select(self, person_id: int) -> bool:
        """Choose ``person_id`` in the list (tests, and a merge started with two people)."""
        for index in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(index)
            if item.data(0, _ID) == person_id:
                self.list.setCurrentItem(item)
                return True
        return False

    def choice(self) -> tuple[int, int] | None:
        item = self.list.currentItem()
        other = item.data(0, _ID) if item is not None else None
        if other is None:
            return None
        other = int(other)
        return (self.person_id, other) if self.keep_this.isChecked() else (other, self.person_id)


class SplitPersonDialog(QDialog):
    """Choose which of a person's spellings become people of their own again.

    ``choice()`` gives the checked spellings once accepted.
    """

    def __init__(self, tasks: TaskRunner, person_id: int, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("splitPersonDialog")
        self.setWindowTitle("Split Person")
        self.person_id = person_id
        layout = QVBoxLayout(self)
        layout.addWidget(_label(
            f"{name} is written in these ways. Check the spellings that belong to someone else: "
            "each becomes a person of its own again, with the meetings whose documents wrote "
            "it so, and is not merged with this person again.", self))
        self.list = QTreeWidget(self)
        self.list.setObjectName("splitSpellings")
        self.list.setAccessibleName("Spellings")
        self.list.setHeaderLabels(["Spelling", "Country", "Meetings"])
        self.list.setRootIsDecorated(False)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.list.addTopLevelItem(QTreeWidgetItem(["Reading the spellings…", "", ""]))
        self.list.itemChanged.connect(lambda *_: self._update())
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self._ok = buttons.addButton("Split", QDialogButtonBox.ButtonRole.AcceptRole)
        self._ok.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(480, 320)
        tasks.run(lambda conn: person_profile(conn, person_id, details=False),
                  self._show_spellings, key="split-spellings", priority=URGENT)

    def _show_spellings(self, profile: PersonProfile | None) -> None:
        if not shiboken6.isValid(self):
            return
        self.list.clear()
        if profile is None:
            self.list.addTopLevelItem(QTreeWidgetItem(["This person is not in the archive any more."]))
            return
        for spelling in profile.spellings:
            item = QTreeWidgetItem([spelling.name, spelling.country or "unknown",
                                    f"{spelling.meetings:,}"])
            item.setData(0, _ID, (spelling.name_key, spelling.country))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            # The commonest spelling stays by default; every other one leaves.
            item.setCheckState(0, Qt.CheckState.Unchecked if spelling is profile.spellings[0]
                               else Qt.CheckState.Checked)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
        self._update()

    def _items(self) -> list[QTreeWidgetItem]:
        return [self.list.topLevelItem(i) for i in range(self.list.topLevelItemCount())
                if self.list.topLevelItem(i).data(0, _ID) is not None]

    def _update(self) -> None:
        items = self._items()
        checked = [i for i in items if i.checkState(0) == Qt.CheckState.Checked]
        self._ok.setEnabled(0 < len(checked) < len(items))

    def choice(self) -> list[Spelling]:
        return [tuple(i.data(0, _ID)) for i in self._items()  # type: ignore[misc]
                if i.checkState(0) == Qt.CheckState.Checked]
