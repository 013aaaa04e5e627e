"""The detail pane: the selected meeting, section or item, with its statements by speaker, in
document order or side by side (one column per side).

Reads go through the TaskRunner; each request carries a token, and a result that arrives after
the selection moved on is dropped, so a quick run through the tree never paints an old node.
The page is written by detail_html (which escapes every document string) into a QTextBrowser
that loads no resources at all and follows no link by itself.
"""
from __future__ import annotations

import sqlite3
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

import shiboken6
from PySide6.QtCore import QEvent, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDesktopServices,
    QFont,
    QPalette,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from archive_viewer import citation
from archive_viewer.export.inert import InertTextDocument
from archive_viewer.store import notes, queries
from archive_viewer.store.filters import Filter, SearchHint
from archive_viewer import statement_html as detail_html
from archive_viewer.statement_html import Colours, DetailContent
from archive_viewer.ui.settings import GROUPINGS
from archive_viewer.ui.tasks import URGENT, TaskRunner
from archive_viewer.ui.tooltips import plain_tooltip

YEAR_LIST_LIMIT = 200
_KEYBOARD_SELECTION = Qt.TextInteractionFlag.TextSelectableByKeyboard


@dataclass(frozen=True)
class YearContent:
    year: int | None
    meetings: list[Any]  # queries.MeetingNode
    total: int


class SafeTextBrowser(QTextBrowser):
    """A QTextBrowser that fetches nothing and navigates nowhere on its own.

    Its document is an :class:`InertTextDocument`, which answers every image, style sheet and
    the like with nothing to show, so even markup that slipped through could not make the app
    reach the network or the disk. (Overriding the browser's ``loadResource`` alone does not do:
    when it answers nothing, QTextDocument reads a local file itself.) Links are reported by
    ``anchorClicked`` and handled by the pane: internal anchors scroll, http(s) opens in the
    user's browser, person:ID opens that person's page, anything else is ignored.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = InertTextDocument(self)
        self.setDocument(self._document)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            self.textInteractionFlags() | _KEYBOARD_SELECTION  # select with Shift+arrows too
        )
        self.extra_context_actions: list[Any] = []  # QActions and QMenus, after a separator
        #: Adds entries for what lies at a point of the page (a position in the viewport).
        self.context_menu_hook: Callable[[QMenu, QPoint], None] | None = None
        #: The tooltip of a link on the page (its href), as plain text; None: none.
        self.link_tooltip: Callable[[str], str | None] | None = None

    @property
    def resource_requests(self) -> list[QUrl]:
        """What the page asked for (tests check it)."""
        return self._document.resource_requests

    def loadResource(self, kind: int, url: QUrl) -> Any:  # noqa: N802 (Qt override)
        return self._document.loadResource(kind, url)  # asked directly: the same blank answer

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt override)
        menu = self.context_menu_at(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def context_menu_at(self, pos: QPoint) -> QMenu:
        """The context menu for a point of the viewport (tests look at it)."""
        menu = self.createStandardContextMenu(pos)
        if self.extra_context_actions:
            menu.addSeparator()
            for entry in self.extra_context_actions:
                if isinstance(entry, QMenu):
                    menu.addMenu(entry)
                else:
                    menu.addAction(entry)
        if self.context_menu_hook is not None:
            self.context_menu_hook(menu, pos)
        return menu

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        # A note marker's tooltip is the note itself: shown here as plain text, never as
        # markup (a QTextBrowser shows no tooltips of its own for links).
        if event.type() == QEvent.Type.ToolTip and self.link_tooltip is not None:
            pos = event.pos()  # type: ignore[attr-defined]
            href = self.anchorAt(pos)
            text = self.link_tooltip(href) if href else None
            if text:
                QToolTip.showText(event.globalPos(), plain_tooltip(text),  # type: ignore[attr-defined]
                                  self.viewport())
                return True
        return super().viewportEvent(event)


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when too narrow, with the whole text as tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        self._full = text
        self.setToolTip(plain_tooltip(text))
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
    #: a person's name was clicked: their id (the window shows their page)
    person_activated = Signal(int)
    #: an issue tag was clicked: the issue's name (the window shows its timeline)
    issue_activated = Signal(str)
    #: a note marker was clicked: (node kind, row id) whose notes to open
    annotation_activated = Signal(str, int)

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
        self._reveal: int | None = None  # a statement to select once its node is shown
        # The meetings new to the open saved search, and its name (statement_html marks them).
        self._new_meetings: frozenset[int] = frozenset()
        self._new_for: str | None = None

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
        self.browser.link_tooltip = self._link_tooltip

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

    def set_new_meetings(self, meetings: frozenset[int], search: str | None) -> None:
        """Mark the matching statements of these meetings new to the saved search ``search``
        (None and no meetings: mark nothing)."""
        if (meetings, search) == (self._new_meetings, self._new_for):
            return
        self._new_meetings, self._new_for = meetings, search
        self._render(keep_scroll=True)

    def node_at(self, pos: QPoint) -> tuple[str, int] | None:
        """The most specific record at a point of the browser's viewport: the statement
        there, else the section whose text it is in, else the node shown."""
        content = self._content
        if not isinstance(content, DetailContent):
            return None
        position = self.browser.cursorForPosition(pos).position()
        for first, last, statement in self._statement_spans(content):
            if first <= position <= last:
                return "statement", statement.id
        if content.kind == "item" and content.item is not None:
            return "item", content.item.id
        if content.section is not None:
            return "section", content.section.id
        section = self._section_id_at(position, {s.section_id for s in content.statements})
        return ("section", section) if section is not None else ("meeting", content.meeting.id)

    def statement_at_cursor(self) -> int | None:
        """The statement the text cursor (or the selection's start) is in, if any."""
        content = self._content
        if not isinstance(content, DetailContent):
            return None
        cursor = self.browser.textCursor()
        position = cursor.selectionStart() if cursor.hasSelection() else cursor.position()
        for first, last, statement in self._statement_spans(content):
            if first <= position < last or (cursor.hasSelection() and first <= position <= last):
                return int(statement.id)
        return None

    def show_node(self, kind: str, node_id: Any) -> None:
        """Load and show a node ('year' | 'meeting' | 'section' | 'item')."""
        if (kind, node_id) != self._node:
            self._reveal = None
        self._node = (kind, node_id)
        self._load(keep_scroll=False)

    def reveal_statement(self, statement_id: int) -> None:
        """Select a statement's text and scroll to it, now if it is shown, else once it is
        (a link to a statement opens its item, then this)."""
        self._reveal = statement_id
        if not self._loading and isinstance(self._content, DetailContent):
            self._apply_reveal()

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

    def plain_text(self) -> str:
        return self.browser.toPlainText()

    def selected_node(self) -> tuple[str, int, str] | None:
        """What the selected text cites and the text: (kind, id, text) of the one statement it
        lies in, else the one item, section, or the meeting it spans; None without a selection.
        """
        cursor = self.browser.textCursor()
        content = self._content
        if not cursor.hasSelection() or not isinstance(content, DetailContent):
            return None
        text = cursor.selectedText()
        chosen = self._statements_between(cursor.selectionStart(), cursor.selectionEnd(), content)
        if len(chosen) == 1:
            return "statement", chosen[0].id, text
        if chosen:
            for kind, key in (("item", "item_id"), ("section", "section_id")):
                ids = {getattr(s, key) for s in chosen}
                if len(ids) == 1:
                    return kind, ids.pop(), text
            return "meeting", content.meeting.id, text
        # Only headings or the meeting's header: the section of the heading, else the node.
        if content.section is not None:
            return "section", content.section.id, text
        sections = {s.section_id: s for s in content.statements}
        section = self._section_id_at(cursor.selectionStart(), set(sections))
        if section is not None:
            return "section", section, text
        return "meeting", content.meeting.id, text

    def _statement_spans(self, content: DetailContent) -> list[tuple[int, int, Any]]:
        """(start, end, statement) of each statement on the page, in page order.

        Qt keeps a named anchor on its first character only; a statement's text runs from
        there for as long as its text, white space collapsed as HTML collapses it.
        """
        by_anchor = {f"statement-{s.id}": s for s in content.statements}
        spans = []
        block = self.browser.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                for name in fragment.charFormat().anchorNames():
                    statement = by_anchor.get(name)
                    if statement is not None:
                        start = fragment.position()
                        spans.append((start, start + len(" ".join(statement.text.split())),
                                      statement))
                it += 1
            block = block.next()
        return spans

    def _statements_between(self, start: int, end: int, content: DetailContent) -> list[Any]:
        return [statement for first, last, statement in self._statement_spans(content)
                if first < end and start < last]

    def _section_id_at(self, position: int, known: set[int]) -> int | None:
        block = self.browser.document().findBlock(position)
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                for name in it.fragment().charFormat().anchorNames():
                    if name.startswith("section-") and int(name.removeprefix("section-")) in known:
                        return int(name.removeprefix("section-"))
                it += 1
            block = block.previous()
        return None

    def _apply_reveal(self) -> None:
        content = self._content
        if self._reveal is None or not isinstance(content, DetailContent):
            return
        for start, end, statement in self._statement_spans(content):
            if statement.id == self._reveal:
                cursor = QTextCursor(self.browser.document())
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                self.browser.setTextCursor(cursor)
                self.browser.ensureCursorVisible()
                self._reveal = None
                return

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
            if content.meeting.id in self._new_meetings:
                content = replace(content, new_for=self._new_for)
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
        note = _note_link(url.toString())
        if note is not None:
            self.annotation_activated.emit(*note)
        elif url.scheme() in ("http", "https") and url.host():  # "http:x" names no site
            QDesktopServices.openUrl(url)
        elif url.scheme() == "person" and url.path().isdigit():
            self.person_activated.emit(int(url.path()))
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
        section_id = self._section_id_at(position, set(sections))
        return sections[section_id] if section_id is not None else (None, None)


    def _link_tooltip(self, href: str) -> str | None:
        """A link's tooltip: a person's name says where it leads; a note marker shows every
        note of the node, whole, with its dates."""
        if href.startswith("person:"):
            return "Open this person's page"
        if href.startswith("issue:"):
            return "Show this issue's timeline"
        node = _note_link(href)
        content = self._content
        if node is None or not isinstance(content, DetailContent):
            return None
        annotations = content.annotations.get(node)
        if annotations is None:
            return None
        parts = []
        for note in annotations.notes:
            when = note.created_at[:10] + (f", edited {note.edited_at[:10]}"
                                          if note.edited_at else "")
            body = "\n".join(textwrap.fill(line, 80) if line else ""
                             for line in note.body.splitlines())
            parts.append(f"{body}\n— {when}")
        if node in content.changed:
            parts.append("The text has changed since: it came from an earlier version of the "
                         "document.")
        parts.append("Click to open, edit or add notes.")
        return "\n\n".join(parts)


def _note_link(href: str) -> tuple[str, int] | None:
    """(kind, row id) of a note marker's link "avnote:statement/12"; None for another link."""
    prefix = detail_html.NOTE_LINK + ":"
    if not href.startswith(prefix):
        return None
    kind, _, row = href[len(prefix):].partition("/")
    if kind not in ("meeting", "section", "item", "statement") or not row.isdigit():
        return None
    return kind, int(row)


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
    annotations = notes.meeting_annotations(conn, meeting_id)
    changed = frozenset(key for key, a in annotations.items()
                        if notes.changed_text(conn, *key, a))
    return DetailContent(kind=kind, meeting=meeting, statements=list(statements),
                         section=section, item=item, terms=list(terms),
                         filtered=f.has_statement_terms, annotations=annotations,
                         changed=changed)


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

