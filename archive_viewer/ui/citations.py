"""Copy with Citation, Copy Citation As ▸ <style>, Copy Link: in the Edit menu, the tree's and
the detail pane's context menus.

What is cited: the node a context menu was opened on; otherwise, from the Edit menu or a
shortcut, the text selected in the detail pane (with the statement, item or section it lies
in; a selection belongs to the node shown, as selecting another node clears it), else the
tree's selected node. The citation is
formatted by archive_viewer.citation from facts read on the GUI thread's connection (a few
single-row queries); the clipboard gets plain text, and HTML where the style has italics,
and CSL-JSON under its own media type.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMimeData, QObject, QUrl
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from archive_viewer import citation
from archive_viewer.store.citations import citation_facts
from archive_viewer.store.node_ids import identifier_for
from archive_viewer.ui import settings as keys
from archive_viewer.ui.detail_pane import DetailPane
from archive_viewer.ui.settings import AppSettings

CITABLE = ("meeting", "section", "item", "statement")
#: The styles' menu texts with their accelerators (citation.STYLES has the plain labels).
MENU_TEXTS = {"short": "&Short Reference", "chicago-note": "Chicago &Note",
              "chicago-bibliography": "Chicago &Bibliography", "apa": "&APA 7 Reference",
              "apa-in-text": "APA 7 &In-Text", "bibtex": "Bib&TeX",
              "csl-json": "&CSL-JSON (Zotero)"}
#: (kind, id, selected text or None)
Target = tuple[str, int, str | None]


class CitationController(QObject):
    """Copies citations and links of tree nodes and detail-pane selections."""

    def __init__(self, window: QMainWindow, settings: AppSettings,
                 connection: Callable[[], sqlite3.Connection],
                 tree_node: Callable[[], tuple[str, Any] | None], detail: DetailPane) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._connection = connection
        self._tree_node = tree_node
        self._detail = detail

    # -- the style ---------------------------------------------------------------------------

    @property
    def style(self) -> str:
        return self._settings.get(keys.CITATION_STYLE)

    def set_style(self, style: str) -> None:
        citation.style_named(style)  # a ValueError for a style that does not exist
        self._settings.set(keys.CITATION_STYLE, style)

    def style_menu(self, parent: QWidget, target: Target | None = None) -> QMenu:
        """"Copy Citation As" ▸ one entry per style, the remembered one checked; choosing one
        remembers it and copies ``target`` (None: what the Edit menu copies) in it."""
        menu = QMenu("Copy Citation &As", parent)
        menu.setObjectName("citationStyleMenu")
        menu.setToolTipsVisible(True)
        group = QActionGroup(menu)
        group.setExclusive(True)
        for style in citation.STYLES:
            action = QAction(MENU_TEXTS.get(style.key, style.label), menu, checkable=True)
            action.setData(style.key)
            action.setToolTip(style.description)
            action.setStatusTip(style.description)
            group.addAction(action)
            menu.addAction(action)

        def check_current() -> None:
            for action in group.actions():
                action.setChecked(action.data() == self.style)

        def chosen(action: QAction) -> None:
            self.set_style(action.data())
            self.copy_citation(target)

        check_current()
        menu.aboutToShow.connect(check_current)
        group.triggered.connect(chosen)
        return menu

    # -- what is cited -----------------------------------------------------------------------

    def current_target(self) -> Target | None:
        """What the Edit menu's commands copy now (see the module's docstring)."""
        selected = self._detail.selected_node()
        if selected is not None:
            return selected
        node = self._tree_node()
        return (node[0], int(node[1]), None) if node and node[0] in CITABLE else None

    # -- copying -----------------------------------------------------------------------------

    def citation_for(self, target: Target, style: str | None = None) -> citation.Citation | None:
        """The citation of ``target`` in ``style`` (default: the remembered one); None when its
        record is gone."""
        kind, node_id, text = target
        style = style or self.style
        facts = citation_facts(self._connection(), kind, node_id)
        if facts is None:
            return None
        cited = citation.format_citation(facts, style)
        return citation.with_selection(text, cited, style) if text else cited

    def copy_citation(self, target: Target | None = None, style: str | None = None) -> bool:
        target = target or self.current_target()
        if target is None:
            self._say("Select a meeting, section or item in the tree, or some text in the "
                      "detail pane, to copy its citation.", 5000)
            return False
        cited = self.citation_for(target, style)
        if cited is None:
            self._say("That record is no longer in the archive.", 5000)
            return False
        data = QMimeData()
        data.setText(cited.text)
        if cited.html is not None:
            data.setHtml(cited.html)
        if cited.mime is not None:
            data.setData(cited.mime, cited.text.encode("utf-8"))
        QGuiApplication.clipboard().setMimeData(data)
        label = citation.style_named(style or self.style).label
        what = "text with its citation" if target[2] else "citation"
        self._say(f"Copied the {what} ({label}).", 3000)
        return True

    def link_for(self, target: Target) -> str | None:
        node = identifier_for(self._connection(), target[0], target[1])
        return node.url if node is not None else None

    def copy_link(self, target: Target | None = None) -> bool:
        target = target or self.current_target()
        if target is None:
            self._say("Select a meeting, section or item in the tree, or some text in the "
                      "detail pane, to copy a link to it.", 5000)
            return False
        link = self.link_for(target)
        if link is None:
            self._say("That record is no longer in the archive.", 5000)
            return False
        data = QMimeData()
        data.setText(link)
        data.setUrls([QUrl(link)])
        QGuiApplication.clipboard().setMimeData(data)
        self._say(f"Copied the link {link}", 4000)
        return True

    # -- context menus -----------------------------------------------------------------------

    def add_to_menu(self, menu: QMenu, target: Target) -> None:
        """Copy Citation (<style>), Copy Citation As ▸, Copy Link, for ``target``."""
        label = citation.style_named(self.style).label
        copy = menu.addAction(f"Copy Citation ({label})")
        copy.triggered.connect(lambda: self.copy_citation(target))
        menu.addMenu(self.style_menu(menu, target))
        link = menu.addAction("Copy Link")
        link.triggered.connect(lambda: self.copy_link(target))

    def _say(self, message: str, ms: int) -> None:
        self._window.statusBar().showMessage(message, ms)
