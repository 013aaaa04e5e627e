"""Small dialogs of the main window: errors, About, and the keyboard shortcuts.

They are shown with ``open()`` (window-modal, not a nested event loop), so nothing blocks and
tests can look at them; each deletes itself when closed.
"""
from __future__ import annotations

import html
import sys
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archive_viewer import __version__
from archive_viewer.ui.actions import shortcut_rows


def show_error(parent: QWidget, title: str, text: str, details: str = "") -> QMessageBox:
    """A warning the user reads and closes: what happened and what to do, never a traceback."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorMessage")
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote file names: never markup
    if details:
        box.setInformativeText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_about(parent: QWidget, archive: Path | None) -> QMessageBox:
    where = html.escape(str(archive)) if archive else "none open"
    text = (
        f"<h3>Archive Viewer {html.escape(__version__)}</h3>"
        "<p>A desktop research tool for the records of diplomatic meetings: meeting overviews "
        "turned into meetings, sections and statements by speaker, searchable by issue, "
        "person, country and text.</p>"
        f"<p><b>Archive:</b> {where}</p>"
        f"<p style='color:gray'>Python {sys.version.split()[0]} · Qt {qVersion()} · "
        f"PySide6 {pyside_version}</p>"
    )
    box = QMessageBox(QMessageBox.Icon.NoIcon, "About Archive Viewer", text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("aboutDialog")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut, listed from actions.py (plus the keys of the panes)."""

    EXTRA_ROWS = (
        ("Meetings", "Expand / collapse a node", "Right, Left"),
        ("Meetings", "Move through the tree", "Up, Down, Home, End, Page Up, Page Down"),
        ("Statements", "Select text with the keyboard", "Shift+Arrows"),
        ("Filters", "Move between the sidebar's controls", "Tab, Shift+Tab"),
        ("Issue timeline", "Zoom in / out around the pointer", "+, −, mouse wheel, Ctrl+wheel"),
        ("Issue timeline", "Show the whole timeline", "0"),
        ("Issue timeline", "Move through time", "Left, Right, Home, End, Shift+wheel, drag"),
        ("Issue timeline", "Scroll the lanes", "Up, Down, wheel over the lane names"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard Shortcuts")
        rows = shortcut_rows() + list(self.EXTRA_ROWS)
        table = QTableWidget(len(rows), 3, self)
        table.setObjectName("shortcutsTable")
        table.setAccessibleName("Keyboard shortcuts")
        table.setHorizontalHeaderLabels(["Where", "Action", "Keys"])
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                table.setItem(row, column, QTableWidgetItem(value))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table = table

        hint = QLabel("F6 and Shift+F6 move between the filters, the meetings and the statements; "
                      "Ctrl+1, Ctrl+2 and Ctrl+3 go straight to one of them.")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)
        self.resize(560, 560)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
