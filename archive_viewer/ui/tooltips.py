"""Tooltips that show text from documents and file names as text, never as markup.

Qt shows a tooltip as rich text whenever its first line looks like markup (Qt::mightBeRichText),
and a rich tooltip loads what an ``<img>`` names from the disk: a meeting titled
``<img src="/home/…/photo.png">`` would show that photo on hovering. Every tooltip holding a
title, a name, a snippet or a path goes through :func:`plain_tooltip`.
"""
from __future__ import annotations

from PySide6.QtGui import Qt


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip reads it: unchanged when Qt takes it for plain text, else escaped
    into a paragraph of rich text (which then wraps long lines too)."""
    if not text or not Qt.mightBeRichText(text):
        return text
    return Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)
