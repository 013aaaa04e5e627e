"""The timeline's chart widget: lanes of marks on a time axis that zooms from decades to days.

A QAbstractScrollArea whose viewport is painted with export/timeline_chart.py (vector drawing,
so it is sharp at any device pixel ratio). The horizontal scroll bar pans through time, the
vertical one through lanes. The marks' geometry is built once per zoom level and stretch of the
axis (MarkTiles) and a paint draws only the lanes and stretches it exposes.

Mouse: the wheel (or Ctrl+wheel) zooms around the pointer, Shift+wheel pans, the wheel over the
lane labels scrolls the lanes; drag to pan; hover a mark for its statements; click it to open the
first one in context. Keys: + and - zoom, 0 fits, arrows pan and scroll, Home and End.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QSizePolicy, QToolTip, QWidget

from archive_viewer.export.timeline_chart import (
    ChartColours,
    ChartMetrics,
    MarkTiles,
    View,
    paint_axis,
    paint_gutter,
    paint_lanes,
    paint_message,
    paint_ring,
)
from archive_viewer.store.timeline import Timeline
from archive_viewer.timeline_axis import MAX_PIXELS_PER_DAY, ZOOM_STEP, TimeScale
from archive_viewer.timeline_marks import Bucket, LaneMarks, bucket_at, bucket_of_day, lane_marks

#: A mark on screen: its lane and its bucket (which depends on the zoom).
Mark = tuple[int, Bucket]

#: Pixels a press may move and still be a click (not a drag).
CLICK_SLOP = 4
#: How near (pixels) the pointer must be to a mark to hover it.
HIT_RADIUS = 7.0


class TimelineChart(QAbstractScrollArea):
    """Shows one Timeline (or a message); see the module docstring."""

    #: a mark was clicked: the positions (in the timeline's columns) of its statements
    mark_activated = Signal(object)
    #: the pointer is over a mark: (positions, global point), or (None, None) when it left
    mark_hovered = Signal(object, object)
    #: the days in view changed (first day, last day) after a zoom, pan or resize
    range_changed = Signal(int, int)
    #: a paint that showed a timeline's marks finished (the first one after set_timeline, for
    #: the benchmark and the tests)
    painted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineChart")
        self.setAccessibleName("Issue timeline chart")
        self.setAccessibleDescription(
            "Statements about the issue by date, one lane per country or speaker")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.horizontalScrollBar().valueChanged.connect(self._scrolled)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())

        self._timeline: Timeline | None = None
        self._lanes: list[LaneMarks] = []
        self._scale: TimeScale | None = None
        self._fitted = True  # refit on resize until the user zooms
        self._metrics: ChartMetrics | None = None
        self._tiles: MarkTiles | None = None
        self._colours = ChartColours.from_palette(self.palette())
        self._message: tuple[str, list[str]] = ("", [])
        self._hovered: Mark | None = None
        self._chosen: int | None = None  # position of the statement opened last
        self._press: QPoint | None = None
        self._press_scroll = (0, 0)
        self._dragging = False
        self._announce_paint = False
        self._last_range: tuple[int, int] | None = None

    # -- content ---------------------------------------------------------------------------

    @property
    def timeline(self) -> Timeline | None:
        return self._timeline

    @property
    def scale(self) -> TimeScale | None:
        return self._scale

    @property
    def metrics(self) -> ChartMetrics | None:
        return self._metrics

    @property
    def colours(self) -> ChartColours:
        return self._colours

    @property
    def lane_marks(self) -> list[LaneMarks]:
        return self._lanes

    def set_timeline(self, timeline: Timeline | None, *, keep_view: bool = False,
                     marks: list[LaneMarks] | None = None) -> None:
        """Show ``timeline`` (fitted to the width, or at the same zoom and dates when
        ``keep_view`` and there was one); None clears it (then a message is shown). ``marks``:
        its lane_marks() when already grouped (on the worker that read it)."""
        previous = (self._scale, self.horizontalScrollBar().value()) if keep_view else None
        self._timeline = timeline
        self._hovered = None
        self._chosen = None
        if timeline is None or not len(timeline):
            self._lanes = []
        else:
            self._lanes = marks if marks is not None else lane_marks(timeline)
        self._metrics = ChartMetrics.for_font(self.font(), timeline.lanes if timeline else [])
        self._tiles = MarkTiles(self._lanes, self._metrics) if self._lanes else None
        self._scale = None
        self._last_range = None
        if self._lanes:
            assert timeline is not None and timeline.first_day is not None
            old_scale = previous[0] if previous else None
            if old_scale is not None and not self._fitted:
                # The same dates in view at the same zoom, if the new data still reach them.
                middle = old_scale.day_at(previous[1] + self._area_width() / 2)  # type: ignore[index]
                fitted = self._fit_scale()
                self._set_scale(TimeScale(fitted.first_day, fitted.last_day,
                                          max(fitted.pixels_per_day, old_scale.pixels_per_day)))
                self._centre_on(middle)
            else:
                self._fit()
            self._announce_paint = True
        else:
            self._update_scroll_bars()
        self.viewport().update()

    def show_message(self, title: str, lines: list[str]) -> None:
        """What the chart says when it has no marks (no issue, nothing matches, reading...)."""
        self._message = (title, list(lines))
        if not self._lanes:
            self.viewport().update()

    def message(self) -> tuple[str, list[str]]:
        return self._message

    def set_chosen(self, position: int | None) -> None:
        """Ring the mark of this statement (the one opened last)."""
        self._chosen = position
        self.viewport().update()

    # -- zoom and pan ----------------------------------------------------------------------

    def fit(self) -> None:
        """The whole timeline across the width."""
        self._fitted = True
        self._fit()

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Zoom by ``factor`` keeping the day under ``anchor_x`` (viewport x; default: the
        middle of the marks' area) where it is."""
        if self._scale is None or self._metrics is None:
            return
        if anchor_x is None:
            anchor_x = self._metrics.gutter + self._area_width() / 2
        anchor = anchor_x - self._metrics.gutter
        day = self._scale.day_at(anchor + self.horizontalScrollBar().value())
        scale = self._scale.zoomed(factor, min_pixels_per_day=self._min_ppd())
        if scale == self._scale:
            return
        self._fitted = scale.pixels_per_day <= self._min_ppd() + 1e-12
        self._set_scale(scale)
        self.horizontalScrollBar().setValue(round(scale.x_at(day) - anchor))
        self._emit_range()

    def zoom_in(self) -> None:
        self.zoom(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom(1 / ZOOM_STEP)

    def can_zoom_in(self) -> bool:
        return self._scale is not None and self._scale.pixels_per_day < MAX_PIXELS_PER_DAY - 1e-9

    def can_zoom_out(self) -> bool:
        return self._scale is not None and self._scale.pixels_per_day > self._min_ppd() + 1e-9

    def show_days(self, first_day: int, last_day: int) -> None:
        """Zoom and pan so that these days fill the width."""
        if self._scale is None:
            return
        span = max(1, last_day - first_day + 1)
        ppd = self._area_width() / span
        ppd = max(self._min_ppd(), min(MAX_PIXELS_PER_DAY, ppd))
        self._fitted = ppd <= self._min_ppd() + 1e-12
        self._set_scale(TimeScale(self._scale.first_day, self._scale.last_day, ppd))
        self._centre_on((first_day + last_day + 1) / 2)

    def visible_days(self) -> tuple[int, int] | None:
        """The first and last day (partly) in view."""
        if self._scale is None:
            return None
        x = self.horizontalScrollBar().value()
        first = int(self._scale.day_at(x))
        last = int(self._scale.day_at(x + self._area_width()))
        return (max(first, self._scale.first_day), min(last, self._scale.last_day))

    def _min_ppd(self) -> float:
        return self._fit_scale().pixels_per_day

    def _fit_scale(self) -> TimeScale:
        timeline = self._timeline
        assert timeline is not None and timeline.first_day is not None and timeline.last_day is not None
        return TimeScale.fitted(timeline.first_day, timeline.last_day, self._area_width())

    def _fit(self) -> None:
        if not self._lanes:
            return
        self._set_scale(self._fit_scale())
        self.horizontalScrollBar().setValue(0)
        self._emit_range()

    def _set_scale(self, scale: TimeScale) -> None:
        self._scale = scale
        self._hovered = None  # buckets change with the zoom
        if self._tiles is not None:
            self._tiles.set_scale(scale)
        self._update_scroll_bars()
        self.viewport().update()

    def _centre_on(self, day: float) -> None:
        if self._scale is None:
            return
        self.horizontalScrollBar().setValue(round(self._scale.x_at(day) - self._area_width() / 2))
        self._emit_range()

    def _area_width(self) -> float:
        gutter = self._metrics.gutter if self._metrics is not None else 0.0
        return max(40.0, self.viewport().width() - gutter)

    def _area_height(self) -> float:
        header = self._metrics.header if self._metrics is not None else 0.0
        return max(0.0, self.viewport().height() - header)

    def _update_scroll_bars(self) -> None:
        horizontal, vertical = self.horizontalScrollBar(), self.verticalScrollBar()
        if self._scale is None or self._metrics is None or not self._lanes:
            horizontal.setRange(0, 0)
            vertical.setRange(0, 0)
            return
        width = self._area_width()
        horizontal.setRange(0, max(0, round(self._scale.width - width)))
        horizontal.setPageStep(round(width))
        horizontal.setSingleStep(max(1, round(width / 12)))
        height = self._area_height()
        content = len(self._lanes) * self._metrics.lane_height
        vertical.setRange(0, max(0, round(content - height)))
        vertical.setPageStep(max(1, round(height)))
        vertical.setSingleStep(round(self._metrics.lane_height))

    def _scrolled(self, _value: int) -> None:
        self._hovered = None
        self.viewport().update()
        self._emit_range()

    def _emit_range(self) -> None:
        days = self.visible_days()
        if days is not None and days != self._last_range:
            self._last_range = days
            self.range_changed.emit(*days)

    # -- geometry --------------------------------------------------------------------------

    def _view(self) -> View:
        assert self._metrics is not None
        m = self._metrics
        area = QRectF(m.gutter, m.header, self._area_width(), self._area_height())
        return View(area, float(self.horizontalScrollBar().value()),
                    float(self.verticalScrollBar().value()))

    def mark_centre(self, mark: Mark) -> QPointF | None:
        """Where (viewport coordinates) a mark is drawn."""
        if self._scale is None or self._metrics is None:
            return None
        view = self._view()
        lane, bucket = mark
        x = view.area.left() + bucket[0] - view.x_offset
        y = view.area.top() + (lane + 0.5) * self._metrics.lane_height - view.y_offset
        return QPointF(x, y)

    def mark_at(self, point: QPointF) -> Mark | None:
        """The mark at ``point`` (viewport coordinates), or None."""
        if self._scale is None or self._metrics is None:
            return None
        view = self._view()
        if not view.area.contains(point):
            return None
        lane = int((point.y() - view.area.top() + view.y_offset) // self._metrics.lane_height)
        if not 0 <= lane < len(self._lanes):
            return None
        x = point.x() - view.area.left() + view.x_offset
        bucket = bucket_at(self._lanes[lane], self._scale, x, self._metrics.bin_px, HIT_RADIUS)
        return None if bucket is None else (lane, bucket)

    def mark_of_day(self, lane: int, day_index: int) -> Mark | None:
        """The mark drawing a lane's day (``day_index`` in LaneMarks.days) at this zoom."""
        if self._scale is None or self._metrics is None:
            return None
        bucket = bucket_of_day(self._lanes[lane], self._scale, day_index, self._metrics.bin_px)
        return None if bucket is None else (lane, bucket)

    def positions_at(self, mark: Mark) -> list[int]:
        """Positions (in the timeline's columns) of the statements a mark stands for."""
        lane, (_x, _count, first, last) = mark
        return self._lanes[lane].positions_on(first, last)

    def mark_of(self, position: int) -> Mark | None:
        """The mark holding the statement at ``position``."""
        from bisect import bisect_left

        if self._timeline is None or not self._lanes:
            return None
        lane = self._timeline.lanes_of[position]
        marks = self._lanes[lane]
        index = bisect_left(marks.days, self._timeline.days[position])
        return self.mark_of_day(lane, index) if index < len(marks.days) else None

    # -- painting --------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self.viewport())
        colours = self._colours
        exposed = QRectF(event.rect())
        if not self._lanes or self._scale is None or self._metrics is None or self._tiles is None:
            painter.fillRect(exposed, colours.base)
            title, lines = self._message
            if title:
                paint_message(painter, QRectF(self.viewport().rect()), title, lines, colours)
            painter.end()
            return
        timeline = self._timeline
        assert timeline is not None
        m = self._metrics
        view = self._view()
        paint_lanes(painter, timeline.lanes, self._tiles, self._scale, view, colours, m, exposed)
        if exposed.top() < m.header:
            paint_axis(painter, self._scale, view, colours, m, 0.0)
            painter.fillRect(QRectF(0, 0, m.gutter, m.header), colours.base)
            self._paint_corner(painter, colours)
        paint_gutter(painter, timeline.lanes, view, colours, m, 0.0, exposed)
        for mark, strong in ((self._hovered, False), (self._chosen_mark(), True)):
            if mark is not None:
                centre = self.mark_centre(mark)
                if centre is not None and view.area.contains(centre):
                    painter.save()
                    painter.setClipRect(view.area)
                    paint_ring(painter, centre, colours, m, count=mark[1][1], strong=strong)
                    painter.restore()
        painter.end()
        if self._announce_paint:
            self._announce_paint = False
            self.painted.emit()

    def _paint_corner(self, painter: QPainter, colours: ChartColours) -> None:
        """"Lanes" above the labels, saying what they are."""
        assert self._metrics is not None and self._timeline is not None
        m = self._metrics
        painter.save()
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(colours.muted)
        what = "Countries" if self._timeline.by == "country" else "Speakers"
        painter.drawText(QRectF(m.line * 0.5, 0, m.gutter - m.line, m.header - 4),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), what)
        painter.restore()

    def _chosen_mark(self) -> Mark | None:
        return None if self._chosen is None else self.mark_of(self._chosen)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._colours = ChartColours.from_palette(self.palette())
            self.viewport().update()
        elif event.type() == QEvent.Type.FontChange and self._timeline is not None:
            self.set_timeline(self._timeline, keep_view=True)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if not self._lanes:
            return
        if self._fitted or (self._scale is not None and self._scale.pixels_per_day < self._min_ppd()):
            self._fit()
        else:
            self._update_scroll_bars()
            self._emit_range()

    # -- mouse and keys --------------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt override)
        if self._scale is None or self._metrics is None:
            super().wheelEvent(event)
            return
        delta = event.angleDelta()
        modifiers = event.modifiers()
        over_labels = event.position().x() < self._metrics.gutter
        if delta.x() and not delta.y():  # a horizontal wheel or a sideways swipe
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
        elif modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.y())
        elif over_labels and not modifiers & Qt.KeyboardModifier.ControlModifier:
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
        elif delta.y():
            self.zoom(ZOOM_STEP ** (delta.y() / 120), event.position().x())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self._press_scroll = (self.horizontalScrollBar().value(), self.verticalScrollBar().value())
            self._dragging = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        point = event.position()
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            moved = point.toPoint() - self._press
            if self._dragging or moved.manhattanLength() > CLICK_SLOP:
                self._dragging = True
                self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
                self.horizontalScrollBar().setValue(self._press_scroll[0] - moved.x())
                self.verticalScrollBar().setValue(self._press_scroll[1] - moved.y())
            return
        self._hover(point, event.globalPosition().toPoint())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            dragged = self._dragging
            self._press = None
            self._dragging = False
            self.viewport().unsetCursor()
            if not dragged:
                mark = self.mark_at(event.position())
                if mark is not None:
                    self.mark_activated.emit(self.positions_at(mark))
        super().mouseReleaseEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            lane = self.lane_label_at(QPointF(event.pos()))
            if lane is not None:  # the whole name, which the gutter may have cut short
                QToolTip.showText(event.globalPos(), lane, self.viewport())
            return True  # a mark's tooltip comes from the view, when its texts are read
        return super().viewportEvent(event)

    def lane_label_at(self, point: QPointF) -> str | None:
        """"Japan: 3,336 statements" for a point over a lane's label, else None."""
        if self._timeline is None or self._metrics is None or not self._lanes:
            return None
        view = self._view()
        if point.x() >= view.area.left() or point.y() < view.area.top():
            return None
        lane = int((point.y() - view.area.top() + view.y_offset) // self._metrics.lane_height)
        if not 0 <= lane < len(self._timeline.lanes):
            return None
        item = self._timeline.lanes[lane]
        return f"{item.label}: {item.count:,} statement{'' if item.count == 1 else 's'}"

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().leaveEvent(event)
        self._set_hovered(None, None)

    def _hover(self, point: QPointF, global_point: QPoint) -> None:
        self._set_hovered(self.mark_at(point), global_point)

    def _set_hovered(self, mark: Mark | None, global_point: QPoint | None) -> None:
        if mark == self._hovered:
            return
        old = self._hovered
        self._hovered = mark
        for changed in (old, mark):
            if changed is not None:
                self._update_around(changed)
        if mark is None:
            self.viewport().unsetCursor()
            self.mark_hovered.emit(None, None)
        else:
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
            self.mark_hovered.emit(self.positions_at(mark), global_point)

    def hover_mark(self, mark: Mark | None) -> None:
        """Hover a mark as the pointer would (keyboard users and tests)."""
        point = None
        if mark is not None:
            centre = self.mark_centre(mark)
            point = self.viewport().mapToGlobal(centre.toPoint()) if centre is not None else None
        self._set_hovered(mark, point)

    def _update_around(self, mark: Mark) -> None:
        centre = self.mark_centre(mark)
        if centre is not None and self._metrics is not None:
            half = self._metrics.lane_height
            self.viewport().update(QRectF(centre.x() - half, centre.y() - half, 2 * half,
                                          2 * half).toAlignedRect())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_out()
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key == Qt.Key.Key_Home:
            self.horizontalScrollBar().setValue(0)
        elif key == Qt.Key.Key_End:
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().maximum())
        else:
            super().keyPressEvent(event)  # arrows and page keys scroll
            return
        event.accept()
