"""Tooltips that show text from documents and file names as text, never as markup.

Qt shows a tooltip as rich text whenever its first line looks like markup (Qt::mightBeRichText),
and a rich tooltip loads what an ``<img>`` names from the disk: a meeting titled
``<img src="/home/…/photo.png">`` would show that photo on hovering. Every tooltip holding a
title, a name, a snippet or a path goes through :func:`plain_tooltip`.
"""
from __future__ import annotations

import html

from PySide6.QtGui import Qt


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip reads it: unchanged when Qt takes it for plain text, else escaped
    into rich text that keeps its lines and spaces, so it looks like any other tooltip."""
    if not text or not Qt.mightBeRichText(text):
        return text
    return f'<p style="white-space:pre">{html.escape(text, quote=False)}</p>'
