"""A QTextDocument that loads nothing: every page of document text the app lays out uses it.

The detail pane, the search results and the PDF export all render HTML in which every string
from a document is escaped (:mod:`archive_viewer.statement_html`). This is the second line: even
markup that slipped through could not make Qt read a file or fetch anything. It lives with the
PDF export because that is the one Qt module outside ``archive_viewer.ui``; the window's views
use it too.

Returning nothing from ``loadResource`` is not enough: for an image Qt then falls back to
reading the named file itself (QTextImageHandler calls ``QImage::load`` on the path), so a
local ``<img src="/home/…">`` would still be shown. Every image is therefore answered with one
transparent pixel, and every other resource (style sheets) with an empty text.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument

_BLANK = QImage(1, 1, QImage.Format.Format_ARGB32)
_BLANK.fill(Qt.GlobalColor.transparent)


class InertTextDocument(QTextDocument):
    """A document whose resources (images, style sheets) are all blank; it notes what was asked."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.resource_requests: list[QUrl] = []  # what the HTML asked for (tests check it)

    def loadResource(self, kind: int, url: QUrl) -> Any:  # noqa: N802 (Qt override)
        self.resource_requests.append(QUrl(url))
        if getattr(kind, "value", kind) == QTextDocument.ResourceType.ImageResource.value:
            return _BLANK
        return ""
