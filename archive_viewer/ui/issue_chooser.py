"""The Issue Timeline's issue box: the thesaurus as an indented list, and a name to type.

Typing completes on any part of a name ("abduc" finds "Abduction issue"); Enter or a pick from
the list asks for that issue (``issue_chosen``); a name not in the list (a synonym, say) is
handed on as typed (``name_entered``) for the view to look up in the archive.
"""
from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from archive_viewer.store.timeline import IssueRef

#: Indentation of a narrower issue in the list, per level.
INDENT = "    "


class IssueChooser(QComboBox):
    """An editable combo box over the archive's issues; see the module docstring."""

    #: an issue of the list was chosen: (id, name)
    issue_chosen = Signal(int, str)
    #: a name not in the list was entered
    name_entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineIssue")
        self.setAccessibleName("Issue")
        self.setToolTip("The issue whose statements are shown (narrower issues included)")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(22)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.lineEdit().setPlaceholderText("Choose an issue…")
        self._issues: list[IssueRef] = []
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.activated.connect(self._named)
        self.setCompleter(completer)
        self.activated.connect(self._picked)
        self.lineEdit().returnPressed.connect(lambda: self._named(self.currentText()))

    @property
    def issues(self) -> list[IssueRef]:
        return list(self._issues)

    def set_issues(self, issues: list[IssueRef]) -> None:
        """The archive's issues, broader ones followed by their narrower ones (the text typed
        stays)."""
        text = self.currentText()
        self._issues = list(issues)
        self.blockSignals(True)
        self.clear()
        for issue in self._issues:
            self.addItem(INDENT * issue.depth + issue.name, issue.id)
        self.blockSignals(False)
        self._names.setStringList([issue.name for issue in self._issues])
        self.show_name(text)

    def show_name(self, name: str) -> None:
        """Show ``name`` as the current issue, without asking for it."""
        self.blockSignals(True)
        index = next((n for n, issue in enumerate(self._issues) if issue.name == name), -1)
        self.setCurrentIndex(index)
        self.setEditText(name)
        self.blockSignals(False)

    def focus_for_typing(self) -> None:
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.lineEdit().selectAll()

    def _picked(self, index: int) -> None:
        if 0 <= index < len(self._issues):
            issue = self._issues[index]
            self.issue_chosen.emit(issue.id, issue.name)

    def _named(self, name: str) -> None:
        name = name.strip()
        issue = next((i for i in self._issues if i.name.casefold() == name.casefold()), None)
        if issue is not None:
            self.issue_chosen.emit(issue.id, issue.name)
        elif name:
            self.name_entered.emit(name)
