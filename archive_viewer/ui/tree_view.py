"""The meeting tree's view: a QTreeView that lays out arriving children cheaply.

A meeting's sections (and a section's items) are read on a worker after the user expands
it, so they arrive in a node that is already expanded. QTreeView answers rows inserted under
an expanded node with a layout of every loaded row (thousands of calls into the Python model
per expand); rows inserted under a collapsed node and an expand after cost only the new rows.
So the node is collapsed for the insert and expanded again at once: the user sees no change.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QTreeView, QWidget

AnyIndex = QModelIndex | QPersistentModelIndex


class MeetingTreeView(QTreeView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reexpand: QPersistentModelIndex | None = None

    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802 (Qt override)
        old = self.model()
        if old is not None:
            old.rowsAboutToBeInserted.disconnect(self._first_rows_coming)
        super().setModel(model)
        if model is not None:
            # QAbstractItemView has no virtual for this one: listen to the model instead.
            model.rowsAboutToBeInserted.connect(self._first_rows_coming)

    def _first_rows_coming(self, parent: QModelIndex, start: int, _end: int) -> None:
        model = self.model()
        if (start == 0 and parent.isValid() and model is not None and self.isExpanded(parent)
                and model.rowCount(parent) == 0):
            self._reexpand = QPersistentModelIndex(parent)
            self.setExpanded(parent, False)

    def rowsInserted(self, parent: AnyIndex, start: int, end: int) -> None:  # noqa: N802 (Qt override)
        super().rowsInserted(parent, start, end)
        reexpand, self._reexpand = self._reexpand, None
        if reexpand is not None and reexpand.isValid() and QModelIndex(reexpand) == parent:
            self.setExpanded(parent, True)
