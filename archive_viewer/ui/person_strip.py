"""The person page's time axis: one mark per meeting, the titles held as bands above it.

Painted, not laid out: a thousand meetings are a thousand lines, drawn in well under a frame.
Principal meetings are tall marks in the highlight colour, attendances short and muted, so a
career reads at a glance; a click on a mark (or near it) opens that meeting, and the tooltip
names the meetings under the pointer.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from archive_viewer.store.person_profile import PersonProfile

MARGIN = 10
BAND_HEIGHT = 15  # one title band
MAX_BANDS = 4  # more titles than this are in the Titles tab
MARK_HEIGHT = 26
AXIS_HEIGHT = 18
#: Marks closer to the pointer than this (pixels) are under it.
HIT_DISTANCE = 4


@dataclass(frozen=True)
class _Mark:
    day: int  # date.toordinal()
    meeting_id: int
    principal: bool
    label: str


@dataclass(frozen=True)
class _Band:
    start: int
    end: int
    title: str


class TimeStrip(QWidget):
    """Meetings on a time axis; ``meeting_clicked(id)`` when a mark is clicked."""

    meeting_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("personTimeStrip")
        self.setAccessibleName("Meetings over time")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self._marks: list[_Mark] = []
        self._bands: list[_Band] = []
        self._first = self._last = 0
        self._undated = 0

    def set_profile(self, profile: PersonProfile | None) -> None:
        self._marks, self._bands, self._undated = [], [], 0
        if profile is not None:
            for meeting in profile.meetings:
                day = _ordinal(meeting.held_on)
                if day is None:
                    self._undated += 1
                    continue
                label = f"{meeting.held_on} · {meeting.title}"
                if meeting.role:
                    label += f" ({meeting.role})"
                self._marks.append(_Mark(day, meeting.meeting_id, meeting.role == "principal",
                                         label))
            for span in profile.titles[:MAX_BANDS]:
                start, end = _ordinal(span.first), _ordinal(span.last)
                if start is not None and end is not None:
                    self._bands.append(_Band(start, end, span.title))
        self._marks.sort(key=lambda m: (m.principal, m.day))  # principals painted on top
        if self._marks:
            first = min(m.day for m in self._marks)
            last = max(m.day for m in self._marks)
            # Whole years, so the axis reads in years however few meetings there are.
            self._first = date(date.fromordinal(first).year, 1, 1).toordinal()
            self._last = date(date.fromordinal(last).year + 1, 1, 1).toordinal()
        self.setAccessibleDescription(
            f"{len(self._marks)} dated meetings"
            + (f", {self._undated} undated" if self._undated else ""))
        self.updateGeometry()
        self.update()

    @property
    def mark_count(self) -> int:
        return len(self._marks)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(400, self._height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(120, self._height())

    def _height(self) -> int:
        return MARGIN + len(self._bands) * BAND_HEIGHT + MARK_HEIGHT + AXIS_HEIGHT

    # -- geometry ----------------------------------------------------------------------------

    def _x(self, day: int) -> float:
        span = max(1, self._last - self._first)
        return MARGIN + (day - self._first) / span * (self.width() - 2 * MARGIN)

    def _marks_area(self) -> QRectF:
        top = MARGIN // 2 + len(self._bands) * BAND_HEIGHT
        return QRectF(MARGIN, top, self.width() - 2 * MARGIN, MARK_HEIGHT)

    def marks_near(self, x: float) -> list[_Mark]:
        """The marks within HIT_DISTANCE pixels of ``x``, nearest first."""
        near = [(abs(self._x(m.day) - x), m) for m in self._marks]
        return [m for d, m in sorted(near, key=lambda p: (p[0], -p[1].day)) if d <= HIT_DISTANCE]

    def x_of(self, meeting_id: int) -> float | None:
        mark = next((m for m in self._marks if m.meeting_id == meeting_id), None)
        return None if mark is None else self._x(mark.day)

    # -- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        muted = _mix(text, base, 0.45)
        painter.fillRect(self.rect(), base)
        if not self._marks:
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "No dated meetings" if self._undated else "")
            return
        self._paint_bands(painter, text, base, highlight)
        area = self._marks_area()
        principal = QPen(highlight, 1.6)
        attendee = QPen(muted, 1.2)
        for mark in self._marks:
            x = self._x(mark.day)
            if mark.principal:
                painter.setPen(principal)
                painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
            else:
                painter.setPen(attendee)
                painter.drawLine(QPointF(x, area.top() + area.height() / 2),
                                 QPointF(x, area.bottom()))
        self._paint_axis(painter, area.bottom(), text, muted)

    def _paint_bands(self, painter: QPainter, text: QColor, base: QColor,
                     highlight: QColor) -> None:
        fill = _mix(highlight, base, 0.22)
        metrics = painter.fontMetrics()
        for row, band in enumerate(self._bands):
            top = MARGIN // 2 + row * BAND_HEIGHT
            left = self._x(band.start)
            right = max(left + 3, self._x(band.end))
            rect = QRectF(left, top + 1, right - left, BAND_HEIGHT - 3)
            painter.fillRect(rect, fill)
            painter.setPen(text)
            # The title from the band's start; near the right edge, ending at the band's end.
            after = self.width() - MARGIN - left - 3
            before = right - MARGIN
            if metrics.horizontalAdvance(band.title) <= after or after >= before:
                area = QRectF(left + 3, top, max(0.0, after), BAND_HEIGHT)
                align = Qt.AlignmentFlag.AlignLeft
            else:
                area = QRectF(MARGIN, top, max(0.0, before - 3), BAND_HEIGHT)
                align = Qt.AlignmentFlag.AlignRight
            label = metrics.elidedText(band.title, Qt.TextElideMode.ElideRight, int(area.width()))
            painter.drawText(area, Qt.AlignmentFlag.AlignVCenter | align, label)

    def _paint_axis(self, painter: QPainter, y: float, text: QColor, muted: QColor) -> None:
        painter.setPen(QPen(muted, 1))
        painter.drawLine(QPointF(MARGIN, y), QPointF(self.width() - MARGIN, y))
        first_year = date.fromordinal(self._first).year
        last_year = date.fromordinal(self._last).year
        metrics = painter.fontMetrics()
        label_width = metrics.horizontalAdvance("2000") + 8
        years = range(first_year, last_year + 1)
        pixels_per_year = (self.width() - 2 * MARGIN) / max(1, last_year - first_year)
        step = max(1, int(label_width // max(1.0, pixels_per_year)) + 1)
        painter.setPen(text)
        for year in years:
            x = self._x(date(year, 1, 1).toordinal())
            painter.setPen(QPen(muted, 1))
            painter.drawLine(QPointF(x, y), QPointF(x, y + 3))
            if (year - first_year) % step == 0 and year < last_year:
                painter.setPen(text)
                painter.drawText(QRectF(x + 2, y + 2, label_width, AXIS_HEIGHT - 2),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, str(year))

    # -- pointer -----------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            near = self.marks_near(event.pos().x())
            if near:
                lines = [m.label for m in near[:8]]
                if len(near) > 8:
                    lines.append(f"… and {len(near) - 8} more")
                QToolTip.showText(event.globalPos(), "\n".join(lines), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        near = self.marks_near(event.position().x())
        if event.button() == Qt.MouseButton.LeftButton and near:
            self.meeting_clicked.emit(near[0].meeting_id)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        near = self.marks_near(event.position().x())
        self.setCursor(Qt.CursorShape.PointingHandCursor if near else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)


def _ordinal(iso: str | None) -> int | None:
    if not iso:
        return None
    try:
        return date.fromisoformat(iso).toordinal()
    except ValueError:
        return None


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``amount`` of ``a`` over ``b``."""
    return QColor.fromRgbF(a.redF() * amount + b.redF() * (1 - amount),
                           a.greenF() * amount + b.greenF() * (1 - amount),
                           a.blueF() * amount + b.blueF() * (1 - amount))
