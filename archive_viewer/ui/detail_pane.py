"""The detail pane: the selected meeting, section or item, with its statements by speaker.

Reads go through the TaskRunner; each request carries a token, and a result that arrives after
the selection moved on is dropped, so a quick run through the tree never paints an old node.
The page is written by detail_html (which escapes every document string) into a QTextBrowser
that loads no resources at all and follows no link by itself.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

import shiboken6
from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QDesktopServices, QFont, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from archive_viewer import citation
from archive_viewer.store import queries
from archive_viewer.store.filters import Filter, SearchHint
from archive_viewer import statement_html as detail_html
from archive_viewer.statement_html import Colours, DetailContent
from archive_viewer.ui.settings import GROUPINGS
from archive_viewer.ui.tasks import URGENT, TaskRunner

YEAR_LIST_LIMIT = 200
_KEYBOARD_SELECTION = Qt.TextInteractionFlag.TextSelectableByKeyboard


@dataclass(frozen=True)
class YearContent:
    year: int | None
    meetings: list[Any]  # queries.MeetingNode
    total: int


class SafeTextBrowser(QTextBrowser):
    """A QTextBrowser that fetches nothing and navigates nowhere on its own.

    ``loadResource`` is what QTextDocument calls for images, style sheets and the like; it
    answers nothing for every URL, so even markup that slipped through could not make the app
    reach the network or the disk. Links are reported by ``anchorClicked`` and handled by the
    pane: internal anchors scroll, http(s) opens in the user's browser, anything else is ignored.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resource_requests: list[QUrl] = []  # what the page asked for (tests check it)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            self.textInteractionFlags() | _KEYBOARD_SELECTION  # select with Shift+arrows too
        )
        self.extra_context_actions: list[Any] = []

    def loadResource(self, kind: int, url: QUrl) -> Any:  # noqa: N802 (Qt override)
        self.resource_requests.append(QUrl(url))
        return None

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt override)
        menu = self.createStandardContextMenu(event.pos())
        if self.extra_context_actions:
            menu.addSeparator()
            for action in self.extra_context_actions:
                menu.addAction(action)
        menu.exec(event.globalPos())
        menu.deleteLater()


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when too narrow, with the whole text as tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        elided = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                               max(0, self.width() - 2))
        super().setText(elided)


class DetailPane(QWidget):
    """Shows one tree node: ``show_node(kind, id)``; follows the filter and the grouping."""

    #: a node's page is on screen (after show_node, a filter change or a refresh)
    loaded = Signal()
    #: an issue tag was clicked: the issue's name (the window shows its timeline)
    issue_activated = Signal(str)

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self._tasks = tasks
        self._filter = Filter()
        self._grouping = "speaker"
        self._node: tuple[str, Any] | None = None
        self._token = 0
        self._content: DetailContent | YearContent | None = None
        self._message: tuple[str, list[str]] | None = None
        self._text_size = 0
        self._loading = False
        self._reveal: int | None = None  # a statement to scroll to once its node is shown

        self.title = ElidedLabel()
        self.title.setObjectName("detailTitle")
        self.title.setAccessibleName("Shown in the detail pane")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)

        self._header = QHBoxLayout()
        self._header.setContentsMargins(6, 2, 2, 2)
        self._header.addWidget(self.title, 1)

        self.browser = SafeTextBrowser()
        self.browser.setObjectName("detailText")
        self.browser.setAccessibleName("Statements")
        self.browser.setAccessibleDescription(
            "The selected meeting, section or item: its facts and its statements")
        self.browser.anchorClicked.connect(self._open_link)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(self._header)
        layout.addWidget(self.browser, 1)
        self.setFocusProxy(self.browser)
        self.show_message("Nothing selected", ["Select a meeting, a section or an item in the tree."])

    # -- public API ------------------------------------------------------------------------

    @property
    def node(self) -> tuple[str, Any] | None:
        return self._node

    @property
    def grouping(self) -> str:
        return self._grouping

    @property
    def content(self) -> DetailContent | YearContent | None:
        return self._content

    def add_header_actions(self, actions: list[Any]) -> None:
        """Put tool buttons for these actions at the right of the pane's title line."""
        for action in actions:
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self._header.addWidget(button)

    def set_tasks(self, tasks: TaskRunner) -> None:
        self._tasks = tasks

    def show_node(self, kind: str, node_id: Any) -> None:
        """Load and show a node ('year' | 'meeting' | 'section' | 'item')."""
        self._node = (kind, node_id)
        self._load(keep_scroll=False)

    def set_filter(self, f: Filter) -> None:
        """Reload the node with the new filter: which statements match and what to highlight."""
        if f == self._filter:
            return
        self._filter = f
        if self._node is not None:
            self._load(keep_scroll=True)

    def set_grouping(self, grouping: str) -> None:
        if grouping not in GROUPINGS:
            raise ValueError(f"grouping must be one of {GROUPINGS}, not {grouping!r}")
        if grouping == self._grouping:
            return
        self._grouping = grouping
        self._render(keep_scroll=False)

    def refresh(self) -> None:
        """Read the node again (after an import)."""
        if self._node is not None:
            self._load(keep_scroll=True)

    def show_message(self, title: str, lines: list[str]) -> None:
        """A page of explanation instead of a node (nothing selected, empty archive, ...)."""
        self._token += 1  # whatever is loading now is no longer wanted
        self._loading = False
        self._node = None
        self._content = None
        self._message = (title, list(lines))
        self._render(keep_scroll=False)

    def set_text_size(self, step: int) -> None:
        """Text size in points away from the application font (0: the system's size)."""
        self._text_size = step
        font = QFont(QApplication.font())
        size = font.pointSizeF()
        if size > 0:
            font.setPointSizeF(max(6.0, size + step))
        self.browser.setFont(font)
        self.browser.document().setDefaultFont(font)
        self._render(keep_scroll=True)

    def reveal_statement(self, statement_id: int) -> None:
        """Scroll to a statement and select its text: now if it is shown, else as soon as the
        node being loaded is."""
        self._reveal = statement_id
        if not self._loading:
            self._apply_reveal()

    def _apply_reveal(self) -> bool:
        statement_id, self._reveal = self._reveal, None
        if statement_id is None:
            return False
        name = f"statement-{statement_id}"
        doc = self.browser.document()
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if name in fragment.charFormat().anchorNames():
                    self.browser.scrollToAnchor(name)
                    cursor = self.browser.textCursor()
                    cursor.setPosition(fragment.position())
                    end = _anchor_end(block, fragment.position())
                    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                    self.browser.setTextCursor(cursor)
                    return True
                it += 1
            block = block.next()
        return False

    def plain_text(self) -> str:
        return self.browser.toPlainText()

    def citation_text(self) -> str | None:
        """The selected text and a citation line; None without a selection or a record."""
        cursor = self.browser.textCursor()
        content = self._content
        if not cursor.hasSelection() or not isinstance(content, DetailContent):
            return None
        meeting = content.meeting
        number, title = self._section_at(cursor.selectionStart(), content)
        return citation.cite(
            cursor.selectedText(), title=meeting.title, held_on=meeting.held_on,
            section_number=number, section_title=title,
            source=citation.source_label(meeting.file_name, meeting.source_path),
        )

    # -- loading ---------------------------------------------------------------------------

    def _load(self, *, keep_scroll: bool) -> None:
        if self._node is None:
            return
        self._token += 1
        token = self._token
        self._loading = True
        kind, node_id = self._node
        f = self._filter
        self._tasks.run(
            lambda conn: load_node(conn, kind, node_id, f),
            lambda result: self._on_loaded(token, result, keep_scroll),
            on_error=lambda exc: self._on_error(token, exc),
            key="detail", priority=URGENT,  # what was just clicked goes before counts
        )

    def _on_loaded(self, token: int, result: DetailContent | YearContent | None,
                   keep_scroll: bool) -> None:
        if token != self._token or not shiboken6.isValid(self):
            return  # the selection moved on while this was loading
        self._loading = False
        if result is None:
            self._content = None
            self._message = ("No longer in the archive",
                             ["This record is not in the archive any more; select another one."])
        else:
            self._content, self._message = result, None
        self._render(keep_scroll=keep_scroll)
        self._apply_reveal()
        self.loaded.emit()

    def _on_error(self, token: int, error: Exception) -> None:
        if token != self._token or not shiboken6.isValid(self):
            return
        self._loading = False
        self._reveal = None
        self._content = None
        self._message = ("Could not read this record",
                         [f"Reading the archive failed: {error}", "Select it again to retry."])
        self._render(keep_scroll=False)
        self.loaded.emit()

    # -- rendering -------------------------------------------------------------------------

    def _render(self, *, keep_scroll: bool) -> None:
        colours = colours_for(self.browser.palette())
        bar = self.browser.verticalScrollBar()
        position = bar.value() if keep_scroll else 0
        content = self._content
        if isinstance(content, DetailContent):
            page = detail_html.render(content, grouping=self._grouping, colours=colours)
            self.title.setText(_title_line(content))
        elif isinstance(content, YearContent):
            page = detail_html.render_year(content.year, content.meetings, content.total, colours)
            self.title.setText(str(content.year) if content.year is not None else "Undated")
        else:
            title, lines = self._message or ("", [])
            page = detail_html.render_message(title, lines, colours)
            self.title.setText("")
        self.browser.setHtml(page)
        bar.setValue(position)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._render(keep_scroll=True)  # speaker colours and marks for the new palette

    # -- links and citations ---------------------------------------------------------------

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)
        elif url.scheme() == "issue":
            name = unquote(url.toString(QUrl.ComponentFormattingOption.FullyEncoded).partition(":")[2])
            if name:
                self.issue_activated.emit(name)
        elif not url.scheme() and not url.host() and not url.path() and url.fragment():
            self.browser.scrollToAnchor(url.fragment())
        # anything else (file:, javascript:, ...) is never followed

    def _section_at(self, position: int, content: DetailContent) -> tuple[str | None, str | None]:
        """The number and title of the section the text at ``position`` belongs to."""
        if content.section is not None:
            return content.section.number, content.section.title
        sections = {s.section_id: (s.section_number, s.section_title) for s in content.statements}
        block = self.browser.document().findBlock(position)
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                for name in it.fragment().charFormat().anchorNames():
                    if name.startswith("section-"):
                        section_id = int(name.removeprefix("section-"))
                        if section_id in sections:
                            return sections[section_id]
                it += 1
            block = block.previous()
        return None, None


def _anchor_end(block: Any, start: int) -> int:
    """Where the statement text starting at ``start`` ends: before its issue tags (a line
    break) or at the end of its paragraph."""
    text = block.text()
    offset = start - block.position()
    stop = text.find("\u2028", offset)  # <br> is a line separator inside the block
    return block.position() + (stop if stop >= 0 else len(text))


def _title_line(content: DetailContent) -> str:
    """"(2) · 1. North Korean Issues · <meeting>": the most specific part first, so that what
    a narrow pane cuts off ("…") is the meeting title the page itself starts with."""
    parts = []
    if content.item is not None:
        parts.append(detail_html.item_heading(content.item.label, content.item.heading))
    if content.section is not None:
        parts.append(detail_html.section_heading(content.section.number, content.section.title))
    parts.append(content.meeting.title)
    return "  ·  ".join(part for part in parts if part)


# -- worker side: runs on a TaskRunner thread with that thread's connection ------------------

def load_node(conn: sqlite3.Connection, kind: str, node_id: Any,
              f: Filter) -> DetailContent | YearContent | None:
    """Everything the pane shows for one node, or None when the node is gone."""
    if kind == "year":
        try:
            rows = queries.meetings(conn, f, node_id, limit=YEAR_LIST_LIMIT)
            total = queries.meeting_count(conn, f, node_id)
        except SearchHint:
            f = replace(f, text="")
            rows = queries.meetings(conn, f, node_id, limit=YEAR_LIST_LIMIT)
            total = queries.meeting_count(conn, f, node_id)
        return YearContent(node_id, list(rows), total)

    section = item = None
    if kind == "item":
        item = queries.item_of(conn, node_id)
        if item is None:
            return None
        section = queries.section_of(conn, item.section_id)
    elif kind == "section":
        section = queries.section_of(conn, node_id)
    if kind in ("item", "section") and section is None:
        return None
    meeting_id = section.meeting_id if section is not None else node_id
    meeting = queries.meeting_detail(conn, meeting_id)
    if meeting is None:
        return None

    where = {"meeting": {"meeting_id": meeting_id}, "section": {"section_id": node_id},
             "item": {"item_id": node_id}}[kind]
    try:
        statements = queries.statements(conn, f, **where)
        terms = queries.highlight_terms(f.text) if f.text.strip() else []
    except SearchHint:  # the sidebar shows the hint; here the search simply does not apply
        f = replace(f, text="")
        statements = queries.statements(conn, f, **where)
        terms = []
    return DetailContent(kind=kind, meeting=meeting, statements=list(statements),
                         section=section, item=item, terms=list(terms),
                         filtered=f.has_statement_terms)


# -- colours ---------------------------------------------------------------------------------

def colours_for(palette: QPalette) -> Colours:
    """The page's colours from the widget's palette, light or dark."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    dark = base.lightnessF() < text.lightnessF()
    defaults = Colours.dark_default() if dark else Colours()
    highlight = palette.color(QPalette.ColorRole.Highlight)
    return replace(
        defaults,
        text=text.name(),
        base=base.name(),
        muted=_mix(text, base, 0.62).name(),
        rule=_mix(text, base, 0.22).name(),
        tag_bg=_mix(text, base, 0.10).name(),
        tag_fg=_mix(text, base, 0.80).name(),
        match_bg=_mix(highlight, base, 0.16).name(),
        link=palette.color(QPalette.ColorRole.Link).name() if not dark else defaults.link,
    )


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``amount`` of ``a`` over ``b``."""
    return QColor.fromRgbF(
        a.redF() * amount + b.redF() * (1 - amount),
        a.greenF() * amount + b.greenF() * (1 - amount),
        a.blueF() * amount + b.blueF() * (1 - amount),
    )

