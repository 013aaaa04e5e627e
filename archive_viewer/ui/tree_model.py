"""The meeting tree: year ▸ meeting ▸ agenda section ▸ item, loaded lazily from the archive.

A thin QAbstractItemModel over plain Python nodes that cache their parent and row; indexes
carry the node object itself. Nothing is read until it is needed: the years come with a
filter (read by the caller on a worker, or here), a year's meetings arrive in batches of ``BATCH`` through canFetchMore/fetchMore, a
meeting's sections and a section's items on first expand. Display strings are made when a
node is created, so data() is a few attribute reads.

A document without agenda sections is stored with one untitled section; its items are shown
directly under the meeting.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from archive_viewer.store import queries
from archive_viewer.store.filters import MEETING_KINDS, Filter
from archive_viewer.ui import icons
from archive_viewer.ui.roles import MEETING_KIND_ROLE, NODE_ID_ROLE, NODE_KIND_ROLE
from archive_viewer.ui.tasks import URGENT, TaskRunner
from archive_viewer.ui.tooltips import plain_tooltip

#: Meetings of a year fetched per fetchMore().
BATCH = 200

TITLE, DATE, PLACE, STATEMENTS = range(4)
HEADERS = ("Title", "Date", "Place", "Statements")

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ASC = Qt.SortOrder.AscendingOrder
_DESC = Qt.SortOrder.DescendingOrder

AnyIndex = QModelIndex | QPersistentModelIndex

#: (node kind, node key, children loaded so far): one fetchMore's worth of rows.
FetchKey = tuple[str, Any, int]
#: What one fetchMore reads: ("meetings" | "sections" | "items" | "flat", rows).
Rows = tuple[str, list[Any]]


def read_children(conn: sqlite3.Connection, f: Filter, kind: str, key: Any, loaded: int,
                  total: int, sort_column: int, sort_order: Qt.SortOrder) -> Rows:
    """The next children of a node, as plain rows (no Qt): any thread may call this."""
    if kind == "year":
        if sort_column == DATE:
            # queries.meetings() reads newest first; oldest first is the same list read
            # backwards from its end, batch by batch.
            if sort_order == _DESC:
                return "meetings", queries.meetings(conn, f, key, offset=loaded, limit=BATCH)
            remaining = total - loaded
            offset = max(0, remaining - BATCH)
            rows = queries.meetings(conn, f, key, offset=offset, limit=remaining - offset)
            rows.reverse()
            return "meetings", rows
        # Titles, places and counts have no order in the query layer: the whole year is read
        # in one query and sorted by the model (a year holds thousands of meetings, not millions).
        return "meetings", queries.meetings(conn, f, key, offset=0, limit=max(total, 1))
    if kind == "meeting":
        sections = queries.sections(conn, f, key)
        if len(sections) == 1 and sections[0].number is None and not sections[0].title:
            return "flat", queries.items(conn, f, sections[0].id)
        return "sections", sections
    return "items", queries.items(conn, f, key)


@dataclass
class Prefetched:
    """What a reset for a new filter needs, read on a worker: the years, the rows of the nodes
    to expand again and of the path to the selection, and the look-ups index_for makes."""

    years: list[queries.YearNode]
    order: tuple[int, Qt.SortOrder] | None = None  # the sort the years' batches were read in
    children: dict[FetchKey, Rows] = field(default_factory=dict)
    lookups: dict[tuple[str, int], Any] = field(default_factory=dict)


def prefetch(conn: sqlite3.Connection, f: Filter, expand: Iterable[tuple[str, Any]],
             select: tuple[str, Any] | None, sort_column: int, sort_order: Qt.SortOrder,
             max_batches: int = 20) -> Prefetched:
    """Read on a worker what the model will ask for when the nodes in ``expand`` are expanded
    again and ``select`` is looked up (ArchiveTreeModel.index_for), in the same batches."""
    out = Prefetched(queries.years(conn, f), (sort_column, sort_order))
    totals = {y.year: y.meetings for y in out.years}
    loaded: dict[tuple[str, Any], list[Any]] = {}

    def lookup(kind: str, key: int) -> Any:
        if (kind, key) not in out.lookups:
            read = {"meeting": queries.meeting_detail, "section": queries.section_of,
                    "item": queries.item_of}[kind]
            out.lookups[(kind, key)] = read(conn, key)
        return out.lookups[(kind, key)]

    def load_more(kind: str, key: Any) -> bool:
        have = loaded.setdefault((kind, key), [])
        if (kind == "year" and len(have) >= totals.get(key, 0)) or (kind != "year" and have):
            return False
        tag, rows = read_children(conn, f, kind, key, len(have), totals.get(key, 0),
                                  sort_column, sort_order)
        out.children[(kind, key, len(have))] = (tag, rows)
        have.extend(row.id for row in rows)
        if tag == "flat" and rows:
            lookup("item", rows[0].id)  # index_for tells a flattened meeting's section by it
        return bool(rows)

    def locate(kind: str, key: Any) -> tuple[str, Any] | None:
        """The node index_for would find (a flattened section is its meeting), loading its path."""
        if kind == "year":
            return ("year", key) if key in totals else None
        if kind == "meeting":
            detail = lookup("meeting", int(key))
            year = int(detail.held_on[:4]) if detail is not None and detail.held_on else None
            if detail is None or year not in totals:
                return None
            for _ in range(max_batches):
                if int(key) in loaded.get(("year", year), []):
                    return ("meeting", int(key))
                if not load_more("year", year):
                    return None
            return None
        if kind == "section":
            section = lookup("section", int(key))
            if section is None or locate("meeting", section.meeting_id) is None:
                return None
            load_more("meeting", section.meeting_id)
            return ("section", int(key))
        item = lookup("item", int(key))
        if item is None or locate("section", item.section_id) is None:
            return None
        load_more("section", item.section_id)
        return ("item", int(key))

    for kind, key in expand:
        if locate(kind, key) is not None and kind != "item" and not loaded.get((kind, key)):
            load_more(kind, key)  # what the view's expand() fetches
    if select is not None:
        locate(*select)
    return out


class Node:
    """One row of the tree. ``total`` is how many children the database says there are."""

    __slots__ = (
        "children",
        "flattened",
        "icon",
        "key",
        "kind",
        "loaded",
        "meeting_kind",
        "parent",
        "row",
        "sort_keys",
        "texts",
        "tooltip",
        "total",
    )

    def __init__(self, kind: str, key: Any, parent: Node | None, total: int,
                 texts: tuple[str, str, str, str], tooltip: str, meeting_kind: str | None = None,
                 sort_keys: tuple[Any, Any, Any, Any] = (0, 0, 0, 0)) -> None:
        self.kind = kind
        self.key = key
        self.parent = parent
        self.row = 0
        self.children: list[Node] = []
        self.total = total
        self.loaded = False  # meetings and sections: children fetched (years: see ``total``)
        self.texts = texts
        self.tooltip = tooltip
        self.meeting_kind = meeting_kind
        self.icon = icons.node_icon(kind, meeting_kind) if kind != "root" else None
        self.sort_keys = sort_keys  # per column, for sorting meetings and years in memory
        self.flattened = False  # meeting whose single untitled section's items are its children

    def __repr__(self) -> str:
        return f"Node({self.kind}, {self.key!r}, row={self.row})"



_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_NODE_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_ITEM_FLAGS = _NODE_FLAGS | Qt.ItemFlag.ItemNeverHasChildren


class ArchiveTreeModel(QAbstractItemModel):
    """Year ▸ meeting ▸ section ▸ item for the current Filter; see the module docstring.

    ``conn_factory`` returns the GUI thread's read connection (it may hand out the same one
    each time; the model never closes it). Reads here are small and indexed: a batch of
    meetings, one meeting's sections, one section's items.
    """

    def __init__(self, conn_factory: Callable[[], sqlite3.Connection], parent: QObject | None = None,
                 *, tasks: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self._conn_factory = conn_factory
        # With a TaskRunner, a node expanded by the user reads its children on a worker and
        # they are inserted when they arrive; index_for still reads what it must at once.
        self._tasks = tasks
        self._sync = 0  # inside index_for: read now, on this thread
        self._generation = 0  # bumped by every reset: rows read for an older tree are dropped
        self._ready: dict[FetchKey, Rows] = {}  # rows read ahead (prefetch) or arrived
        self._lookups: dict[tuple[str, int], Any] = {}
        self._requested: set[FetchKey] = set()
        self._filter = Filter()
        self._root = Node("root", None, None, 0, ("", "", "", ""), "")
        self._sort_column = DATE
        self._sort_order = _DESC
        # Nodes are referenced only by this tree; indexes hold raw pointers to them. Removed
        # nodes are kept until the next reset in case a stale QModelIndex is still around.
        self._detached: list[Node] = []
        self._retired_root: Node | None = None
        # While a structural change is being announced (rowsInserted, modelReset, ...), listeners
        # such as QAbstractItemModelTester walk the tree; fetching then would start a change
        # inside a change. So nothing is fetched until the announcement is over.
        self._changing = 0
        # Meetings new to the open saved search: shown in bold, like unread mail.
        self._new_meetings: frozenset[int] = frozenset()
        self._new_note = ""
        self._bold = QFont()
        self._bold.setBold(True)

    # -- public API ------------------------------------------------------------------------

    @property
    def filter(self) -> Filter:
        return self._filter

    def set_filter(self, f: Filter, years: list[queries.YearNode] | Prefetched | None = None) -> None:
        """Show the tree for ``f``: a reset, then the years (expanded nodes load on demand).

        ``years`` is ``queries.years(conn, f)`` or a :func:`prefetch` read elsewhere (the
        window reads it on a worker, so that a filter change never waits for SQLite); without
        it the years are read here.
        """
        self._filter = f
        self.reload(years)

    def reload(self, years: list[queries.YearNode] | Prefetched | None = None) -> None:
        """Read the top level again (after an import, or another archive was opened)."""
        if years is None:
            try:
                years = queries.years(self._conn(), self._filter)
            except sqlite3.Error as exc:
                self._read_failed(exc)
                years = []
        ahead = years if isinstance(years, Prefetched) else Prefetched(years)
        years = ahead.years
        self._generation += 1
        same_order = ahead.order in (None, (self._sort_column, self._sort_order))
        # A year's batches read in another order than the one now shown are of no use.
        self._ready = {k: v for k, v in ahead.children.items() if same_order or k[0] != "year"}
        self._lookups = dict(ahead.lookups)
        self._requested = set()
        root = Node("root", None, None, 0, ("", "", "", ""), "")
        root.children = [self._year_node(y, root) for y in years]
        root.loaded = True
        self._order_years(root.children)
        self._changing += 1
        try:
            self.beginResetModel()
            self._retired_root, self._root = self._root, root
            self._detached = []
            self.endResetModel()
        finally:
            self._changing -= 1

    def index_for(self, kind: str, key: Any) -> QModelIndex:
        """The index of a node, loading the path to it; invalid when the filter hides it.

        A section shown as its meeting's direct items (a document without sections) gives the
        meeting's index.
        """
        self._sync += 1
        try:
            return self._index_for(kind, key)
        except sqlite3.Error as exc:
            self._read_failed(exc)
            return QModelIndex()
        finally:
            self._sync -= 1

    def set_new_meetings(self, meetings: frozenset[int], note: str = "") -> None:
        """Show these meetings as new (bold, ``note`` in their tooltip)."""
        changed = self._new_meetings ^ meetings
        self._new_meetings, self._new_note = meetings, note
        if not changed:
            return
        for year in self._root.children:
            for meeting in year.children:
                if meeting.key in changed:
                    index = self.createIndex(meeting.row, 0, meeting)
                    self.dataChanged.emit(index, index.siblingAtColumn(STATEMENTS))

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return self._sort_column, self._sort_order

    def _lookup(self, kind: str, key: int) -> Any:
        if (kind, key) not in self._lookups:
            read = {"meeting": queries.meeting_detail, "section": queries.section_of,
                    "item": queries.item_of}[kind]
            self._lookups[(kind, key)] = read(self._conn(), key)
        return self._lookups[(kind, key)]

    def _index_for(self, kind: str, key: Any) -> QModelIndex:
        if kind == "year":
            return self._child_index(QModelIndex(), "year", key)
        if kind == "meeting":
            detail = self._lookup("meeting", int(key))
            if detail is None:
                return QModelIndex()
            year = int(detail.held_on[:4]) if detail.held_on else None
            year_index = self._child_index(QModelIndex(), "year", year)
            return self._child_index(year_index, "meeting", int(key)) if year_index.isValid() else QModelIndex()
        if kind == "section":
            section = self._lookup("section", int(key))
            if section is None:
                return QModelIndex()
            meeting_index = self._index_for("meeting", section.meeting_id)
            if not meeting_index.isValid():
                return QModelIndex()
            self._ensure_loaded(meeting_index)
            meeting = self._node(meeting_index)
            if meeting.flattened:
                return meeting_index if self._section_key(meeting) == int(key) else QModelIndex()
            return self._child_index(meeting_index, "section", int(key))
        if kind == "item":
            item = self._lookup("item", int(key))
            if item is None:
                return QModelIndex()
            parent_index = self._index_for("section", item.section_id)
            if not parent_index.isValid():
                return QModelIndex()
            return self._child_index(parent_index, "item", int(key))
        raise ValueError(f"unknown node kind {kind!r}")

    def fetching(self, index: AnyIndex) -> bool:
        """Whether rows for the node at ``index`` are being read on a worker."""
        node = self._node(index)
        return (node.kind, node.key, len(node.children)) in self._requested

    def node_at(self, index: AnyIndex) -> tuple[str, Any] | None:
        """(kind, key) of the node at ``index``, or None for the invisible root."""
        node = self._node(index)
        return None if node is self._root else (node.kind, node.key)

    # -- Qt model interface ----------------------------------------------------------------

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.column() > 0:
            return 0
        return len(self._node(parent).children)

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.column() > 0:
            return False
        node = self._node(parent)
        if node.children:
            return True
        return node.kind in ("year", "meeting", "section") and node.total > 0 and not node.loaded

    def canFetchMore(self, parent: AnyIndex) -> bool:
        if parent.column() > 0 or self._changing:
            return False
        node = self._node(parent)
        if not self._sync and (node.kind, node.key, len(node.children)) in self._requested:
            return False  # on its way from a worker; asked again once it is in
        if node.kind == "year":
            return len(node.children) < node.total
        return node.kind in ("meeting", "section") and not node.loaded and node.total > 0

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent):
            return
        node = self._node(parent)
        try:
            rows = self._children_rows(node)
        except sqlite3.Error as exc:  # a read on this thread met a damaged page: say so, and
            node.loaded = True        # stop asking for this node's rows
            node.total = len(node.children)
            self._read_failed(exc)
            return
        if rows is None:
            return  # on its way from a worker: inserted when it arrives
        tag, found = rows
        if tag == "meetings":
            new = [self._meeting_node(m, node) for m in found]
            if self._sort_column != DATE:
                self._order_meetings(new)
            if not new:  # the archive changed under us: stop asking
                node.total = len(node.children)
                return
        elif tag == "sections":
            new = [self._section_node(sec, node) for sec in found]
        else:
            node.flattened = tag == "flat"
            new = [self._item_node(i, node) for i in found]
        node.loaded = True
        if not new:
            # hasChildren() said yes from the count; now it says no, and views must ask again.
            node.total = 0
            index = self.createIndex(node.row, 0, node)
            self.dataChanged.emit(index, index.siblingAtColumn(STATEMENTS))
            return
        first = len(node.children)
        for offset, child in enumerate(new):
            child.row = first + offset
        self._changing += 1
        try:
            self.beginInsertRows(self.createIndex(node.row, 0, node), first, first + len(new) - 1)
            node.children.extend(new)
            self.endInsertRows()
        finally:
            self._changing -= 1

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(HEADERS) or row < 0 or parent.column() > 0:
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
        return self.createIndex(parent.row, 0, parent)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        # Constants: the view asks for every loaded row's flags on each expand, and combining
        # Qt enums in Python costs more than the rest of the call.
        if not index.isValid():
            return _NO_FLAGS
        return _ITEM_FLAGS if index.internalPointer().kind == "item" else _NODE_FLAGS

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        node: Node = index.internalPointer()
        role = int(role)
        if role == _DISPLAY:
            return node.texts[index.column()]
        if role == _DECORATION:
            return node.icon if index.column() == TITLE else None
        if role == _FONT:
            return self._bold if node.kind == "meeting" and node.key in self._new_meetings \
                else None
        if role == _TOOLTIP:
            if node.kind == "meeting" and node.key in self._new_meetings:
                return plain_tooltip(f"{node.tooltip}\n{self._new_note}")
            return plain_tooltip(node.tooltip)  # a title holding "<img …>" stays text
        if role == NODE_KIND_ROLE:
            return node.kind
        if role == NODE_ID_ROLE:
            return node.key
        if role == _ALIGNMENT:
            return _RIGHT if index.column() == STATEMENTS else None
        if role == MEETING_KIND_ROLE:
            return node.meeting_kind
        if role == _ACCESSIBLE:
            return node.tooltip if index.column() == TITLE else node.texts[index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if int(role) == _DISPLAY:
                return HEADERS[section]
            if int(role) == _ALIGNMENT and section == STATEMENTS:
                return _RIGHT
        return None

    def sort(self, column: int, order: Qt.SortOrder = _ASC) -> None:
        """Years and meetings by title, date, place or statement count; sections and items
        keep document order. A year whose meetings are only partly loaded is read again in
        the new order, so what is shown is always the true first rows of that order."""
        if not 0 <= column < len(HEADERS):
            return
        if (column, order) == (self._sort_column, self._sort_order):
            return
        self._sort_column, self._sort_order = column, order
        self._ready = {k: v for k, v in self._ready.items() if k[0] != "year"}
        years = self._root.children
        # Partly loaded years: drop what is loaded, then fetch the first rows of the new order.
        for year in years:
            if year.children and len(year.children) < year.total:
                year_index = self.createIndex(year.row, 0, year)
                self._changing += 1
                try:
                    self.beginRemoveRows(year_index, 0, len(year.children) - 1)
                    self._detached.extend(year.children)
                    year.children = []
                    self.endRemoveRows()
                finally:
                    self._changing -= 1
                self.fetchMore(year_index)
        self._changing += 1
        try:
            self.layoutAboutToBeChanged.emit()
            persistent = self.persistentIndexList()
            before = [(index.internalPointer(), index.column()) for index in persistent]
            self._order_years(years)
            for year in years:
                if year.children:
                    self._order_meetings(year.children)
            self.changePersistentIndexList(
                persistent, [self.createIndex(node.row, column, node) for node, column in before])
            self.layoutChanged.emit()
        finally:
            self._changing -= 1

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    # -- loading ---------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        return self._conn_factory()

    def _node(self, index: AnyIndex) -> Node:
        return index.internalPointer() if index.isValid() else self._root

    def _children_rows(self, node: Node) -> Rows | None:
        """The rows of the node's next fetch: read ahead, read now (index_for, or no runner),
        or requested from a worker (None)."""
        fetch = (node.kind, node.key, len(node.children))
        rows = self._ready.pop(fetch, None)
        if rows is not None:
            return rows
        args = (self._filter, node.kind, node.key, len(node.children), node.total,
                self._sort_column, self._sort_order)
        if self._tasks is None or self._sync:
            return read_children(self._conn(), *args)
        if fetch not in self._requested:
            self._requested.add(fetch)
            generation, order = self._generation, (self._sort_column, self._sort_order)
            self._tasks.run(lambda conn: read_children(conn, *args),
                            lambda rows: self._arrived(generation, order, fetch, node, rows),
                            on_error=lambda exc: self._failed(generation, fetch, exc),
                            priority=URGENT)
        return None

    def _arrived(self, generation: int, order: tuple[int, Qt.SortOrder], fetch: FetchKey,
                 node: Node, rows: Rows) -> None:
        if generation != self._generation or not self._attached(node):
            return  # read for a tree (or rows) replaced since
        self._requested.discard(fetch)
        if order == (self._sort_column, self._sort_order) and len(node.children) == fetch[2]:
            self._ready[fetch] = rows
        # Otherwise (sorted meanwhile) these rows are in the wrong order: fetching asks again.
        self.fetchMore(self.createIndex(node.row, 0, node))

    def _attached(self, node: Node) -> bool:
        while node.parent is not None:
            if node.row >= len(node.parent.children) or node.parent.children[node.row] is not node:
                return False
            node = node.parent
        return node is self._root

    def fetch_now(self, index: QModelIndex) -> None:
        """fetchMore, read on this thread (start-up: the first meetings to select one)."""
        self._sync += 1
        try:
            self.fetchMore(index)
        finally:
            self._sync -= 1

    def _read_failed(self, error: sqlite3.Error) -> None:
        """A read on the GUI thread failed (a damaged archive): a message box, not an
        exception escaping into Qt's event loop; without a runner the caller gets it."""
        if self._tasks is None:
            raise error
        self._tasks.show_error(error)

    def _failed(self, generation: int, fetch: FetchKey, error: Exception) -> None:
        if generation != self._generation:
            return
        self._requested.discard(fetch)
        if self._tasks is not None:
            self._tasks.show_error(error)

    def _ensure_loaded(self, index: QModelIndex) -> None:
        node = self._node(index)
        if node.kind in ("meeting", "section") and not node.loaded:
            self.fetchMore(index)

    def _child_index(self, parent: QModelIndex, kind: str, key: Any) -> QModelIndex:
        """Find a child by key, fetching further batches of the parent as needed."""
        node = self._node(parent)
        while True:
            for child in node.children:
                if child.kind == kind and child.key == key:
                    return self.createIndex(child.row, 0, child)
            if not self.canFetchMore(parent):
                return QModelIndex()
            self.fetchMore(parent)

    def _section_key(self, meeting: Node) -> int | None:
        """The id of the single untitled section a flattened meeting stands for."""
        if meeting.children:
            item = self._lookup("item", meeting.children[0].key)
            return item.section_id if item else None
        return None

    # -- ordering ----------------------------------------------------------------------------

    def _order_years(self, years: list[Node]) -> None:
        reverse = self._sort_order == _DESC
        column = self._sort_column if self._sort_column == STATEMENTS else DATE
        dated = sorted((y for y in years if y.key is not None), key=lambda y: y.sort_keys[column], reverse=reverse)
        years[:] = dated + [y for y in years if y.key is None]  # undated meetings always last
        for row, year in enumerate(years):
            year.row = row

    def _order_meetings(self, meetings: list[Node]) -> None:
        column = self._sort_column
        meetings.sort(key=lambda m: m.sort_keys[column], reverse=self._sort_order == _DESC)
        for row, meeting in enumerate(meetings):
            meeting.row = row

    # -- node construction (all display strings made here, once) --------------------------------

    @staticmethod
    def _year_node(y: queries.YearNode, parent: Node) -> Node:
        label = str(y.year) if y.year is not None else "Undated"
        count = _plural(y.meetings, "meeting")
        return Node("year", y.year, parent, y.meetings, (label, count, "", ""),
                    f"{label}: {count}", sort_keys=(y.year or 0, y.year or 0, y.year or 0, y.meetings))

    @staticmethod
    def _meeting_node(m: queries.MeetingNode, parent: Node) -> Node:
        title = f"{m.held_on}  {m.title}" if m.held_on else m.title
        kind_label = MEETING_KINDS.get(m.kind, m.kind)
        tip = "\n".join(x for x in (
            m.title,
            " · ".join(x for x in (m.held_on or "date unknown", m.location, kind_label) if x),
            f"{_plural(m.sections, 'section')}, {_plural(m.statements, 'statement')}",
        ) if x)
        keys = (m.title.casefold(), (m.held_on or "", m.id), (m.location or "").casefold(), m.statements)
        return Node("meeting", m.id, parent, m.sections,
                    (title, m.held_on or "", m.location or "", str(m.statements)), tip, m.kind, keys)

    @staticmethod
    def _section_node(s: queries.SectionNode, parent: Node) -> Node:
        heading = _section_heading(s.number, s.title, s.ordinal)
        tip = f"{heading}\n{_plural(s.items, 'item')}, {_plural(s.statements, 'statement')}"
        return Node("section", s.id, parent, s.items, (heading, "", "", str(s.statements)), tip)

    @staticmethod
    def _item_node(i: queries.ItemNode, parent: Node) -> Node:
        text = i.heading or i.preview
        label = f"{_item_label(i.label)} {text}" if i.label else text
        tip = "\n".join(x for x in (i.label, i.heading, i.preview, _plural(i.statements, "statement")) if x)
        node = Node("item", i.id, parent, 0, (label, "", "", str(i.statements)), tip)
        node.loaded = True
        return node


def _section_heading(number: str | None, title: str | None, ordinal: int) -> str:
    if number and title:
        separator = " " if number.endswith((".", ")")) else ". "
        return f"{number}{separator}{title}"
    return title or (f"Section {number}" if number else f"Section {ordinal} (untitled)")


def _item_label(label: str) -> str:
    """ "(1)" stays; a bare "2" reads as "2." so that it is not taken for part of the text."""
    return f"{label}." if label.isalnum() else label


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
