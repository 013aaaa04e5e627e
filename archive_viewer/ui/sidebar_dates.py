"""The sidebar's date range: "held from" and "held until", each optional.

Each bound is a check box and a date field; an unchecked bound means no limit and its field,
greyed out, shows the archive's first or last meeting date as a hint. Checking a bound starts
it at that date, the natural place to narrow from.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QDateEdit, QGridLayout, QWidget

#: Typing a date changes it once per keystroke; wait for a pause before filtering.
DATE_DEBOUNCE_MS = 400


class DateRangeEditor(QWidget):
    """Emits ``range_changed(date_from, date_to)``, each a ``date`` or None for no limit."""

    range_changed = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dateRange")
        self.from_enabled = QCheckBox("From", self)
        self.from_enabled.setObjectName("dateFromEnabled")
        self.from_enabled.setAccessibleName("Limit meetings held from a date")
        self.from_edit = self._date_edit("dateFrom", "Meetings held on or after")
        self.to_enabled = QCheckBox("Until", self)
        self.to_enabled.setObjectName("dateToEnabled")
        self.to_enabled.setAccessibleName("Limit meetings held until a date")
        self.to_edit = self._date_edit("dateTo", "Meetings held on or before")

        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(6)
        layout.setVerticalSpacing(3)
        layout.addWidget(self.from_enabled, 0, 0)
        layout.addWidget(self.from_edit, 0, 1)
        layout.addWidget(self.to_enabled, 1, 0)
        layout.addWidget(self.to_edit, 1, 1)
        layout.setColumnStretch(1, 1)
        QWidget.setTabOrder(self.from_enabled, self.from_edit)
        QWidget.setTabOrder(self.from_edit, self.to_enabled)
        QWidget.setTabOrder(self.to_enabled, self.to_edit)

        self._bounds: tuple[date | None, date | None] = (None, None)
        self._emitted: tuple[date | None, date | None] = (None, None)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DATE_DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self.from_enabled.toggled.connect(self._bound_toggled)
        self.to_enabled.toggled.connect(self._bound_toggled)
        self.from_edit.dateChanged.connect(self._date_edited)
        self.to_edit.dateChanged.connect(self._date_edited)
        self.from_edit.editingFinished.connect(self._flush)
        self.to_edit.editingFinished.connect(self._flush)
        self._show_bounds()

    def _date_edit(self, name: str, accessible: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setCalendarPopup(True)
        edit.setMinimumDate(QDate(1900, 1, 1))
        edit.setMaximumDate(QDate(2200, 12, 31))
        edit.setEnabled(False)
        return edit

    # -- from the filter ---------------------------------------------------------------------

    def set_range(self, date_from: date | None, date_to: date | None) -> None:
        """Show the filter's range without emitting anything."""
        self._timer.stop()
        for box, edit, value in ((self.from_enabled, self.from_edit, date_from),
                                 (self.to_enabled, self.to_edit, date_to)):
            box.blockSignals(True)
            edit.blockSignals(True)
            box.setChecked(value is not None)
            edit.setEnabled(value is not None)
            if value is not None:
                edit.setDate(QDate(value.year, value.month, value.day))
            box.blockSignals(False)
            edit.blockSignals(False)
        self._emitted = (date_from, date_to)
        self._show_bounds()

    def set_bounds(self, first: str | None, last: str | None) -> None:
        """The archive's first and last meeting dates (ISO text), shown while a bound is off."""
        self._bounds = (_parse(first), _parse(last))
        self._show_bounds()

    def range(self) -> tuple[date | None, date | None]:
        return (self.from_edit.date().toPython() if self.from_enabled.isChecked() else None,  # type: ignore[return-value]
                self.to_edit.date().toPython() if self.to_enabled.isChecked() else None)

    # -- user edits --------------------------------------------------------------------------

    def _show_bounds(self) -> None:
        for box, edit, bound in ((self.from_enabled, self.from_edit, self._bounds[0]),
                                 (self.to_enabled, self.to_edit, self._bounds[1])):
            if not box.isChecked():
                edit.blockSignals(True)
                fallback = bound or date.today()
                edit.setDate(QDate(fallback.year, fallback.month, fallback.day))
                edit.blockSignals(False)
                edit.setToolTip("No limit: check the box to set one")
            else:
                edit.setToolTip("")

    def _bound_toggled(self) -> None:
        self.from_edit.setEnabled(self.from_enabled.isChecked())
        self.to_edit.setEnabled(self.to_enabled.isChecked())
        self._show_bounds()
        self._flush()

    def _date_edited(self) -> None:
        self._timer.start()

    def _flush(self) -> None:
        self._timer.stop()
        self._emit()

    def _emit(self) -> None:
        current = self.range()
        if current != self._emitted:
            self._emitted = current
            self.range_changed.emit(*current)


def _parse(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None
