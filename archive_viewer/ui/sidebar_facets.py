"""Facet lists of the filter sidebar: checkable values with counts, flat or as a tree.

The model never decides what is checked: a click asks for a toggle (``toggle_requested``), the
FilterState changes, and the sidebar hands the new selection back with :meth:`set_selected`.
So the checked boxes always show the real filter.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from archive_viewer.store.queries import FacetValue
from archive_viewer.ui.roles import FACET_COUNT_ROLE, FACET_KEY_ROLE
from archive_viewer.ui.tooltips import plain_tooltip

AnyIndex = QModelIndex | QPersistentModelIndex

LABEL, COUNT = 0, 1

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_CHECK = int(Qt.ItemDataRole.CheckStateRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CHECKED = Qt.CheckState.Checked
_UNCHECKED = Qt.CheckState.Unchecked


class _FacetNode:
    __slots__ = ("children", "count_text", "parent", "row", "tooltip", "value")

    def __init__(self, value: FacetValue | None, parent: _FacetNode | None, noun: str) -> None:
        self.value = value
        self.parent = parent
        self.row = 0
        self.children: list[_FacetNode] = []
        if value is not None:
            self.count_text = f"{value.count:,}"
            self.tooltip = f"{value.label}: {value.count:,} {noun}{'' if value.count == 1 else 's'}"
        else:
            self.count_text = self.tooltip = ""


class FacetModel(QAbstractItemModel):
    """Values of one facet: column 0 the label (checkable), column 1 the count.

    With ``hierarchical`` the values' ``parent`` keys build a tree (issues and their narrower
    issues); otherwise the list is flat. Values arrive sorted by count and keep that order
    among siblings.
    """

    toggle_requested = Signal(object)  # the value's key
    #: The counts changed (new values or new numbers): the view fits its count column.
    counts_changed = Signal()

    def __init__(self, facet: str, noun: str, *, hierarchical: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.facet = facet
        self.noun = noun  # what is counted: "matching statement", "matching meeting"
        self.hierarchical = hierarchical
        self._root = _FacetNode(None, None, noun)
        self._by_key: dict[Any, _FacetNode] = {}
        self._selected: frozenset[Any] = frozenset()
        self._retired: _FacetNode | None = None  # kept one reset longer for stale indexes
        self.widest_count = ""  # the longest count text, to size the count column by

    # -- filling -----------------------------------------------------------------------------

    def set_values(self, values: Sequence[FacetValue], selected: Iterable[Any],
                   labels: dict[Any, str] | None = None) -> None:
        """New values and counts. Selected values missing from ``values`` are added with a zero
        count (so they can still be unchecked), labelled from ``labels``."""
        selected = frozenset(selected)
        values = list(values)
        present = {v.key for v in values}
        for key in sorted(selected - present, key=str):
            values.append(FacetValue(key, (labels or {}).get(key, str(key)), 0))
        if self._same_shape(values):
            self._update_counts(values, selected)
            self._note_widest()
            return
        root = _FacetNode(None, None, self.noun)
        by_key: dict[Any, _FacetNode] = {}
        for value in values:
            by_key[value.key] = _FacetNode(value, None, self.noun)
        for value in values:
            node = by_key[value.key]
            parent = by_key.get(value.parent) if self.hierarchical and value.parent is not None else None
            if parent is None or parent is node or _is_ancestor(node, parent):
                parent = root
            node.parent = parent
            node.row = len(parent.children)
            parent.children.append(node)
        self.beginResetModel()
        self._retired, self._root, self._by_key = self._root, root, by_key
        self._selected = selected
        self.endResetModel()
        self._note_widest()

    def set_selected(self, selected: Iterable[Any]) -> None:
        """Check exactly these keys (a value not listed yet appears with the next counts)."""
        selected = frozenset(selected)
        changed = self._selected ^ selected
        self._selected = selected
        for key in changed:
            node = self._by_key.get(key)
            if node is not None:
                index = self.createIndex(node.row, LABEL, node)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])

    def index_of(self, key: Any) -> QModelIndex:
        node = self._by_key.get(key)
        return self.createIndex(node.row, LABEL, node) if node is not None else QModelIndex()

    def value_keys(self) -> list[Any]:
        return list(self._by_key)

    def parent_keys(self) -> list[Any]:
        """The values that have narrower values under them (the ones a view can expand)."""
        return [key for key, node in self._by_key.items() if node.children]

    def label_of(self, key: Any) -> str | None:
        node = self._by_key.get(key)
        return node.value.label if node is not None and node.value is not None else None

    def count_of(self, key: Any) -> int | None:
        node = self._by_key.get(key)
        return node.value.count if node is not None and node.value is not None else None

    def _same_shape(self, values: list[FacetValue]) -> bool:
        if len(values) != len(self._by_key):
            return False
        for value in values:
            node = self._by_key.get(value.key)
            if node is None or node.value is None or node.value.parent != value.parent:
                return False
        # Same keys, same parents: the order of siblings must also be unchanged.
        # Same keys and parents; siblings were added in list order, and the dict keeps the
        # order keys were registered in, so equal key orders mean an identical tree.
        return [v.key for v in values] == list(self._by_key)

    def _update_counts(self, values: list[FacetValue], selected: frozenset[Any]) -> None:
        changed_checks = self._selected ^ selected
        self._selected = selected
        # One dataChanged per run of changed siblings, not one per value: each signal makes
        # the view and the proxy do their own bookkeeping.
        changed: dict[int, list[_FacetNode]] = {}  # id(parent) -> changed children
        for value in values:
            node = self._by_key[value.key]
            old = node.value
            fresh = _FacetNode(value, None, self.noun)
            node.value, node.count_text, node.tooltip = value, fresh.count_text, fresh.tooltip
            if old != value or value.key in changed_checks:
                changed.setdefault(id(node.parent), []).append(node)
        for nodes in changed.values():
            first = min(nodes, key=lambda n: n.row)
            last = max(nodes, key=lambda n: n.row)
            self.dataChanged.emit(self.createIndex(first.row, LABEL, first),
                                  self.createIndex(last.row, COUNT, last))

    def _note_widest(self) -> None:
        self.widest_count = max((node.count_text for node in self._by_key.values()),
                                key=len, default="")
        self.counts_changed.emit()

    # -- Qt model interface ------------------------------------------------------------------

    def _node(self, index: AnyIndex) -> _FacetNode:
        return index.internalPointer() if index.isValid() else self._root

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column not in (LABEL, COUNT) or row < 0 or parent.column() > 0:
            return QModelIndex()
        children = self._node(parent).children
        if row >= len(children):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = index.internalPointer().parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, LABEL, parent)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.column() > 0 else len(self._node(parent).children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 2

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == LABEL:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        if not self.hierarchical:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        node: _FacetNode = index.internalPointer()
        value = node.value
        if value is None:
            return None
        role, column = int(role), index.column()
        if role == _DISPLAY:
            return value.label if column == LABEL else node.count_text
        if role == _CHECK:
            if column != LABEL:
                return None
            return _CHECKED if value.key in self._selected else _UNCHECKED
        if role == _TOOLTIP:
            return plain_tooltip(node.tooltip)  # names come from documents: text, not markup
        if role == _ALIGNMENT:
            return _RIGHT if column == COUNT else None
        if role == _FOREGROUND:
            if column == COUNT or value.count == 0:
                return QApplication.palette().brush(QPalette.ColorGroup.Active,
                                                    QPalette.ColorRole.PlaceholderText)
            return None
        if role == _ACCESSIBLE:
            state = ", selected" if value.key in self._selected else ""
            return node.tooltip + state if column == LABEL else node.count_text
        if role == FACET_KEY_ROLE:
            return value.key
        if role == FACET_COUNT_ROLE:
            return value.count
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = _CHECK) -> bool:
        if not index.isValid() or int(role) != _CHECK or index.column() != LABEL:
            return False
        node: _FacetNode = index.internalPointer()
        if node.value is None:
            return False
        wanted = Qt.CheckState(value) == _CHECKED if not isinstance(value, bool) else value
        if wanted != (node.value.key in self._selected):
            self.toggle_requested.emit(node.value.key)
        return True


def _is_ancestor(candidate: _FacetNode, node: _FacetNode) -> bool:
    """Whether ``candidate`` is ``node`` or above it (guards against a parent cycle)."""
    seen = 0
    while node is not None and seen < 1000:
        if node is candidate:
            return True
        node = node.parent  # type: ignore[assignment]
        seen += 1
    return False


class _QuickFilterProxy(QSortFilterProxyModel):
    """Keeps source order; shows matching values and, in a tree, their ancestors."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(LABEL)


class _ToggleOnClickDelegate(QStyledItemDelegate):
    """A click anywhere on a row toggles it, as on a faceted-search page; the view's own
    check-box handling is bypassed so that a click toggles exactly once."""

    def editorEvent(self, event: QEvent, model: QAbstractItemModel,
                    option: QStyleOptionViewItem, index: QModelIndex) -> bool:
        kind = event.type()
        if (kind == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent)
                and event.button() == Qt.MouseButton.LeftButton
                and option.rect.contains(event.position().toPoint())):
            toggle_row(model, index)
            return True
        # A double click: its two clicks already toggled twice, like a check box.
        return kind == QEvent.Type.MouseButtonDblClick


def toggle_row(model: QAbstractItemModel, index: QModelIndex) -> None:
    label = index.siblingAtColumn(LABEL)
    state = label.data(Qt.ItemDataRole.CheckStateRole)
    checked = state is not None and Qt.CheckState(state) == _CHECKED
    model.setData(label, _UNCHECKED if checked else _CHECKED, Qt.ItemDataRole.CheckStateRole)


class FacetView(QTreeView):
    """A facet's values: label column stretched, counts right-aligned; Space or Enter toggles."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAllColumnsShowFocus(True)
        self.setItemDelegate(_ToggleOnClickDelegate(self))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setIndentation(14)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setMinimumSectionSize(10)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            self.header().setSectionResizeMode(LABEL, QHeaderView.ResizeMode.Stretch)
            # Fixed and sized by fit_count_column: ResizeToContents asks every row for its
            # text (up to a thousand data() calls into Python) on each relayout.
            self.header().setSectionResizeMode(COUNT, QHeaderView.ResizeMode.Fixed)

    def fit_count_column(self, widest: str) -> None:
        """Make the count column as wide as ``widest`` (digits are equally wide in UI fonts)."""
        margin = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1)
        self.header().resizeSection(COUNT, self.fontMetrics().horizontalAdvance(widest) + margin + 2)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if plain and event.key() in _TOGGLE_KEYS:
            current = self.currentIndex()
            if current.isValid():
                toggle_row(self.model(), current)
                event.accept()
                return
        super().keyPressEvent(event)


_TOGGLE_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Select, Qt.Key.Key_Return, Qt.Key.Key_Enter)


class CollapsibleSection(QWidget):
    """A bold header button (▾ Title) that shows or hides the section's body."""

    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self._expanded = True
        self.header = QToolButton(self)
        self.header.setObjectName(f"{name}Header")
        self.header.setText(title)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setArrowType(Qt.ArrowType.DownArrow)
        self.header.setAutoRaise(True)
        # "Meeting kinds · 1 selected" must not widen the whole panel past the sidebar (which
        # cut off every count on the right): the header takes the width it is given.
        self.header.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.header.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.header.setAccessibleName(f"{title} section")
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        self.header.clicked.connect(lambda: self.set_expanded(not self._expanded))
        self.body = QWidget(self)
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(4, 0, 0, 4)
        self.body_layout.setSpacing(3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.body)
        self._describe()

    def set_expanded(self, expanded: bool) -> None:
        self._expanded = expanded
        self.header.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)
        self._describe()

    def is_expanded(self) -> bool:
        return self._expanded

    def _describe(self) -> None:
        state = "expanded" if self._expanded else "collapsed"
        self.header.setAccessibleDescription(f"{self.title}: {state}; press to {'hide' if self._expanded else 'show'}")
        self.header.setToolTip(f"{'Hide' if self._expanded else 'Show'} {self.title.lower()}")


class FacetSection(CollapsibleSection):
    """A sidebar section for one facet: an optional quick filter above the values."""

    def __init__(self, title: str, model: FacetModel, *, quick_filter: bool = False,
                 max_rows: int = 8, parent: QWidget | None = None) -> None:
        super().__init__(title, model.facet, parent)
        self.model = model
        self.max_rows = max_rows
        self.setObjectName(f"{model.facet}Section")

        self.quick_filter: QLineEdit | None = None
        self.proxy = _QuickFilterProxy(self)
        self.proxy.setSourceModel(model)
        if quick_filter:
            self.quick_filter = QLineEdit(self.body)
            self.quick_filter.setObjectName(f"{model.facet}QuickFilter")
            self.quick_filter.setPlaceholderText(f"Filter {title.lower()}…")
            self.quick_filter.setClearButtonEnabled(True)
            self.quick_filter.setAccessibleName(f"Filter the {title.lower()} list")
            self.quick_filter.textChanged.connect(self._quick_filter_changed)
            self.body_layout.addWidget(self.quick_filter)

        self.view = FacetView(self.body)
        self.view.setObjectName(f"{model.facet}Facet")
        self.view.setAccessibleName(title)
        self.view.setAccessibleDescription(
            f"Check {title.lower()} to filter by them; the numbers count {model.noun}s")
        self.view.setRootIsDecorated(model.hierarchical)
        self.view.setModel(self.proxy)
        self.view.expanded.connect(self._fit_height)
        self.view.collapsed.connect(self._fit_height)
        model.modelAboutToBeReset.connect(self._remember_view_state)
        model.modelReset.connect(self._restore_view_state)
        model.counts_changed.connect(lambda: self.view.fit_count_column(model.widest_count))
        self.body_layout.addWidget(self.view)

        self._expanded_keys: set[Any] = set()
        self._current_key: Any = None
        self._scroll = 0
        self.set_selected_count(0)
        self._fit_height()

    # -- state -------------------------------------------------------------------------------

    def set_selected_count(self, count: int) -> None:
        self.header.setText(f"{self.title}  ·  {count} selected" if count else self.title)

    def reveal(self, keys: Iterable[Any]) -> None:
        """Expand the tree down to these values (checked narrower issues stay visible)."""
        for key in keys:
            index = self.proxy.mapFromSource(self.model.index_of(key)).parent()
            while index.isValid():
                self.view.expand(index)
                index = index.parent()

    def _quick_filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if self.model.hierarchical and text.strip():
            self.view.expandAll()
        self._fit_height()

    def _remember_view_state(self) -> None:
        self._expanded_keys = set()
        # Only values with narrower ones can be expanded: not every value is worth a look.
        for key in self.model.parent_keys():
            index = self.proxy.mapFromSource(self.model.index_of(key))
            if index.isValid() and self.view.isExpanded(index):
                self._expanded_keys.add(key)
        current = self.view.currentIndex()
        self._current_key = current.data(FACET_KEY_ROLE) if current.isValid() else None
        self._scroll = self.view.verticalScrollBar().value()

    def _restore_view_state(self) -> None:
        if self.model.hierarchical and self.quick_filter is not None and self.quick_filter.text().strip():
            self.view.expandAll()
        else:
            for key in self._expanded_keys:
                index = self.proxy.mapFromSource(self.model.index_of(key))
                if index.isValid():
                    self.view.expand(index)
        if self._current_key is not None:
            index = self.proxy.mapFromSource(self.model.index_of(self._current_key))
            if index.isValid():
                self.view.setCurrentIndex(index)
        self.view.verticalScrollBar().setValue(self._scroll)
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as its rows, up to ``max_rows``; the sidebar scrolls, not every list."""
        rows = _visible_rows(self.view, self.proxy, QModelIndex(), self.max_rows)
        row_height = self.view.sizeHintForRow(0) if self.proxy.rowCount() else 0
        if row_height <= 0:
            row_height = self.view.fontMetrics().height() + 6
        frame = 2 * self.view.frameWidth()
        self.view.setFixedHeight(max(rows, 1) * row_height + frame)


def _visible_rows(view: QTreeView, model: QAbstractItemModel, parent: QModelIndex, limit: int) -> int:
    count = 0
    for row in range(model.rowCount(parent)):
        count += 1
        if count >= limit:
            return limit
        index = model.index(row, 0, parent)
        if view.isExpanded(index):
            count += _visible_rows(view, model, index, limit - count)
            if count >= limit:
                return limit
    return count
