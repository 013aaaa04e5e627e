"""The sidebar's "My notes" section: only what has a note, a search of the notes' text, and
a word when some notes or tags are unattached (their records no longer in the archive).

The main search box searches what the documents say; a researcher's own notes are searched
here, apart, so that "Statements matching 'concession'" never counts a statement because a
note of theirs says the word. A tag or note on a meeting, section or item covers all its
statements, as the tags filter does (store/filter_sql.py).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QToolButton, QWidget

from archive_viewer.store.filters import Filter
from archive_viewer.ui.filter_state import FilterState
from archive_viewer.ui.sidebar_facets import CollapsibleSection

#: The note search runs after this pause in typing.
NOTE_SEARCH_DEBOUNCE_MS = 300


class NotesFilterPanel(CollapsibleSection):
    """Controls that ask the FilterState for ``has_notes`` and ``note_text``."""

    #: "Show…" beside the number of unattached notes and tags was pressed
    unattached_requested = Signal()

    def __init__(self, filter_state: FilterState, parent: QWidget | None = None) -> None:
        super().__init__("My notes", "notes", parent)
        self.setObjectName("notesSection")
        self.filter_state = filter_state
        self.has_notes = QCheckBox("Only what has a note", self.body)
        self.has_notes.setObjectName("hasNotes")
        self.has_notes.setToolTip("Show only statements with a note of yours, on them or on "
                                  "their item, section or meeting")
        self.has_notes.toggled.connect(lambda on: filter_state.update(has_notes=on))
        self.search = QLineEdit(self.body)
        self.search.setObjectName("noteSearch")
        self.search.setAccessibleName("Search your notes")
        self.search.setPlaceholderText("Search my notes…")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Statements whose note holds all these words (or \"phrases\"), "
                               "as typed, in any case. The search box above searches the "
                               "documents.")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(NOTE_SEARCH_DEBOUNCE_MS)
        self._timer.timeout.connect(self._apply)
        self.search.textEdited.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self._apply)
        self.unattached = QLabel(self.body)
        self.unattached.setObjectName("unattachedCount")
        self.unattached.setTextFormat(Qt.TextFormat.PlainText)
        self.unattached.setWordWrap(True)
        self.unattached.setStyleSheet("color: palette(placeholder-text);")
        self.show_unattached = QToolButton(self.body)
        self.show_unattached.setObjectName("showUnattached")
        self.show_unattached.setText("Show…")
        self.show_unattached.setAutoRaise(True)
        self.show_unattached.clicked.connect(self.unattached_requested)
        for widget in (self.has_notes, self.search, self.unattached, self.show_unattached):
            self.body_layout.addWidget(widget)
        self.set_unattached(0)
        filter_state.changed.connect(self.show_filter)
        self.show_filter(filter_state.filter)

    def show_filter(self, f: Filter) -> None:
        """The controls as the filter has them (changed elsewhere: a chip, Clear all)."""
        self.has_notes.blockSignals(True)
        self.has_notes.setChecked(f.has_notes)
        self.has_notes.blockSignals(False)
        if f.note_text != self.search.text().strip():
            self._timer.stop()
            self.search.setText(f.note_text)
        active = int(f.has_notes) + int(bool(f.note_text.strip()))
        self.header.setText(f"{self.title}  ·  {active} selected" if active else self.title)

    def set_unattached(self, count: int) -> None:
        """Say how many records' notes and tags are unattached (0: nothing)."""
        self.unattached.setText(
            f"{count:,} record{'' if count == 1 else 's'} with your notes or tags "
            f"{'is' if count == 1 else 'are'} no longer in the archive." if count else "")
        self.unattached.setVisible(bool(count))
        self.show_unattached.setVisible(bool(count))

    def _apply(self) -> None:
        self._timer.stop()
        self.filter_state.update(note_text=" ".join(self.search.text().split()))
