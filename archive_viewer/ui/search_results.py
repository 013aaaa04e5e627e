"""The search results under the search box: one row per statement, best first (the newest
matches stand in while the ranking runs).

Each row shows where the statement was said (meeting date · title), who said it, and the FTS5
snippet with the matched words in bold. Rows are rendered from HTML built once when the hits
arrive (document text escaped first, so nothing in a statement can inject markup); data() only
hands out what was prepared.
"""
from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QMenu,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from archive_viewer.export.inert import InertTextDocument
from archive_viewer.store.queries import SearchHit
from archive_viewer.ui.roles import NODE_ID_ROLE, NODE_KIND_ROLE
from archive_viewer.ui.tooltips import plain_tooltip

#: The list grows with its hits up to this many rows, then scrolls (the facets stay usable).
MAX_VISIBLE_ROWS = 8
#: Lines of snippet shown per row; a longer snippet is clipped.
SNIPPET_LINES = 3
#: search() is asked for this many hits; the header says when there may be more.
RESULT_LIMIT = 50
#: The header over the first matches found (the most recently imported, unranked), shown
#: until the ranked hits replace them.
NEWEST_HEADER = "Latest imported matches — ranking the best…"

_START, _END = "\x02", "\x03"
_PAD = 4

ModelIndex = QModelIndex | QPersistentModelIndex


def meta_line(hit: SearchHit) -> str:
    """ "2012-04-07 · Japan-ROK Foreign Ministers' Meeting" (plain text)."""
    return f"{hit.held_on or 'undated'} · {hit.meeting_title}"


def speaker_of(hit: SearchHit) -> str:
    return "Joint statement" if hit.is_joint else (hit.speaker_name or "Unattributed")


def snippet_html(snippet: str) -> str:
    """The snippet as HTML: text escaped, the "\\x02…\\x03" matches in bold."""
    out: list[str] = []
    bold = False
    for part in _split_marks(" ".join(snippet.split())):
        if part == _START:
            if not bold:
                out.append("<b>")
                bold = True
        elif part == _END:
            if bold:
                out.append("</b>")
                bold = False
        else:
            out.append(html.escape(part, quote=False))
    if bold:
        out.append("</b>")
    return "".join(out)


def snippet_plain(snippet: str) -> str:
    return " ".join(snippet.replace(_START, "").replace(_END, "").split())


def _split_marks(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch in (_START, _END):
            if current:
                parts.append("".join(current))
                current = []
            parts.append(ch)
        else:
            current.append(ch)
    if current:
        parts.append("".join(current))
    return parts


class SearchResultsModel(QAbstractListModel):
    """The hits of the last search; rows prepared once in set_hits()."""

    #: The row's HTML: speaker in italics, then the snippet with its matches in bold.
    HTML_ROLE = int(Qt.ItemDataRole.UserRole) + 40
    #: The row's SearchHit.
    HIT_ROLE = int(Qt.ItemDataRole.UserRole) + 41
    #: "date · title" (plain text, elided when painted).
    META_ROLE = int(Qt.ItemDataRole.UserRole) + 42

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self._rows: list[tuple[str, str, str]] = []  # (meta, html, plain)

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self._rows = []
        for hit in self._hits:
            speaker = speaker_of(hit)
            body = f"<i>{html.escape(speaker, quote=False)}:</i> {snippet_html(hit.snippet)}"
            plain = f"{meta_line(hit)}\n{speaker}: {snippet_plain(hit.snippet)}"
            self._rows.append((meta_line(hit), body, plain))
        self.endResetModel()

    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        row = index.row()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._rows[row][2]
        if role == self.HTML_ROLE:
            return self._rows[row][1]
        if role == self.META_ROLE:
            return self._rows[row][0]
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole row, should painting clip it
            return plain_tooltip(self._rows[row][2])
        if role == self.HIT_ROLE:
            return self._hits[row]
        if role == NODE_KIND_ROLE:
            return "item"
        if role == NODE_ID_ROLE:
            return self._hits[row].item_id
        return None


class SearchResultDelegate(QStyledItemDelegate):
    """Paints a row: the meta line elided in a quieter colour, then the rich-text snippet."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # One document for every row: it loads nothing, even from markup that slipped through.
        self._doc = InertTextDocument(self)
        self._doc.setDocumentMargin(0)

    @property
    def resource_requests(self) -> list[Any]:
        """What the rows' HTML asked for (tests check it)."""
        return self._doc.resource_requests

    def _line_height(self, option: QStyleOptionViewItem) -> int:
        return option.fontMetrics.lineSpacing()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        # Fixed height (meta line + snippet lines): uniform rows, no layout work per row.
        lines = 1 + SNIPPET_LINES
        return QSize(200, lines * self._line_height(option) + 2 * _PAD + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (QPalette.ColorGroup.Active if opt.state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_color = opt.palette.color(group, text_role)
        meta_color = text_color if selected else opt.palette.color(group, QPalette.ColorRole.PlaceholderText)

        rect = opt.rect.adjusted(_PAD + 2, _PAD, -_PAD, -_PAD)
        line = self._line_height(opt)
        painter.save()
        painter.setClipRect(opt.rect)
        painter.setPen(meta_color)
        meta = opt.fontMetrics.elidedText(str(index.data(SearchResultsModel.META_ROLE) or ""),
                                          Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect.x(), rect.y(), rect.width(), line,
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), meta)

        doc = self._doc
        doc.setDefaultFont(opt.font)
        doc.setHtml(str(index.data(SearchResultsModel.HTML_ROLE) or ""))
        doc.setTextWidth(rect.width())
        body = QRectF(0, 0, rect.width(), SNIPPET_LINES * line)
        painter.translate(rect.x(), rect.y() + line)
        painter.setClipRect(body)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, text_color)
        context.clip = body
        doc.documentLayout().draw(painter, context)
        painter.restore()


class SearchResultsView(QWidget):
    """A header ("12 statements, best first") over the list of hits; activating a hit
    emits ``result_activated("item", item_id)``."""

    #: (node kind, node id): the item a chosen statement belongs to.
    result_activated = Signal(str, int)
    #: "Show <speaker>" from a hit's context menu: the speaker's person id.
    person_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.setAccessibleName("Search results")
        self.header = QLabel(self)
        self.header.setObjectName("searchResultsHeader")
        self.header.setStyleSheet("color: palette(placeholder-text);")
        self.model = SearchResultsModel(self)
        self.list = QListView(self)
        self.list.setObjectName("searchResultsList")
        self.list.setAccessibleName("Search results")
        self.list.setModel(self.model)
        self.list.setItemDelegate(SearchResultDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # A click is enough (as in a search panel); Enter and double-click arrive as activated.
        self.list.clicked.connect(self._activate)
        self.list.activated.connect(self._activate)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.list)
        self._max_height = 1 << 24
        self.set_hits([])

    def set_hits(self, hits: list[SearchHit], *, limit: int = RESULT_LIMIT, ranked: bool = True) -> None:
        """Show ``hits``: the ranked best ones, or (``ranked=False``) the newest matches shown
        while the ranking is still running."""
        self.model.set_hits(hits)
        if not hits:
            self.header.setText("No statement matches the search.")
        elif not ranked:
            self.header.setText(NEWEST_HEADER)
        elif len(hits) >= limit:
            self.header.setText(f"Best {len(hits)} statements:")
        else:
            self.header.setText(f"{len(hits)} statement{'s' if len(hits) != 1 else ''}, best first:")
        self.list.setVisible(bool(hits))
        self._fit_height()

    def hits(self) -> list[SearchHit]:
        return self.model.hits()

    def set_max_height(self, pixels: int) -> None:
        """The most the view may take (header and list); the list scrolls beyond it."""
        if pixels != self._max_height:
            self._max_height = pixels
            self._fit_height()

    def _fit_height(self) -> None:
        rows = min(self.model.rowCount(), MAX_VISIBLE_ROWS)
        row_height = self.list.sizeHintForRow(0) if rows else 0
        frame = 2 * self.list.frameWidth()
        if row_height:  # whole rows within the budget, at least two
            rows = min(rows, max(2, (self._max_height - frame - self.header.sizeHint().height()) // row_height))
        self.list.setFixedHeight(max(rows * row_height + frame, 0))

    def _activate(self, index: QModelIndex) -> None:
        if index.isValid():
            self.result_activated.emit(str(index.data(NODE_KIND_ROLE)), int(index.data(NODE_ID_ROLE)))

    def context_menu(self, index: QModelIndex) -> QMenu | None:
        """A hit's menu: open it, or show its speaker's page (None off a hit)."""
        hit = index.data(SearchResultsModel.HIT_ROLE) if index.isValid() else None
        if hit is None:
            return None
        menu = QMenu(self)
        menu.addAction("Open Statement").triggered.connect(lambda: self._activate(index))
        if hit.speaker_id is not None:
            speaker = hit.speaker_name or "Speaker"
            menu.addAction(f"Show {speaker}").triggered.connect(
                lambda: self.person_activated.emit(int(hit.speaker_id)))
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu(self.list.indexAt(pos))
        if menu is not None:
            menu.exec(self.list.viewport().mapToGlobal(pos))
            menu.deleteLater()
