"""Active filters as removable chips that wrap onto as many lines as the sidebar needs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from archive_viewer.ui import icons
from archive_viewer.ui.tooltips import plain_tooltip


@dataclass(frozen=True)
class ChipSpec:
    facet: str  # a Filter field: 'text', 'issues', ..., 'date_from', 'date_to'
    value: Any  # the value a set facet drops, or None for the whole field
    text: str  # "Issue: North Korea"


class FlowLayout(QLayout):
    """Lays widgets out left to right, wrapping to the next line (Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            width = min(hint.width(), max(area.width(), 1))
            if x + width > area.right() + 1 and line_height > 0:
                x, y = area.x(), y + line_height + self._spacing
                line_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()


class FilterChip(QFrame):
    """One active filter value; its × button asks to remove it."""

    remove_requested = Signal(str, object)

    def __init__(self, spec: ChipSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName("filterChip")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            "#filterChip { border: 1px solid palette(mid); border-radius: 10px;"
            " background: palette(alternate-base); }"
        )
        self.label = QLabel(spec.text, self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setToolTip(plain_tooltip(spec.text))
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("chipClose")
        self.close_button.setIcon(icons.action_icon("remove"))
        self.close_button.setIconSize(QSize(10, 10))
        self.close_button.setAutoRaise(True)
        self.close_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.close_button.setToolTip(plain_tooltip(f"Remove this filter ({spec.text})"))
        self.close_button.setAccessibleName(f"Remove filter {spec.text}")
        self.close_button.clicked.connect(lambda: self.remove_requested.emit(spec.facet, spec.value))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 2, 1)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.close_button)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

    def set_max_width(self, width: int) -> None:
        """Long labels are elided so that a chip never makes the sidebar scroll sideways."""
        room = max(40, width - self.close_button.sizeHint().width() - 16)
        metrics = self.label.fontMetrics()
        self.label.setText(metrics.elidedText(self.spec.text, Qt.TextElideMode.ElideRight, room))


class ChipBar(QWidget):
    """The active filters as chips; emits ``remove_requested(facet, value)``."""

    remove_requested = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterChips")
        self.setAccessibleName("Active filters")
        self._layout = FlowLayout(self)
        self.chips: list[FilterChip] = []
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_chips(self, specs: list[ChipSpec]) -> None:
        if [c.spec for c in self.chips] == specs:
            return
        for chip in self.chips:
            self._layout.removeWidget(chip)
            chip.hide()
            chip.deleteLater()
        self.chips = []
        for spec in specs:
            chip = FilterChip(spec, self)
            chip.remove_requested.connect(self.remove_requested)
            chip.set_max_width(self.width())
            self._layout.addWidget(chip)
            chip.show()
            self.chips.append(chip)
        self.updateGeometry()

    def resizeEvent(self, event: object) -> None:
        for chip in self.chips:
            chip.set_max_width(self.width())
        super().resizeEvent(event)  # type: ignore[arg-type]
