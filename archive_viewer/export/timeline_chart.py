"""Drawing an issue timeline with a QPainter: on screen (ui/timeline_chart.py) and in a PDF
(export/timeline_pdf.py) alike. Touches no widget, so it also runs where only a
QGuiApplication exists.

Everything is vector drawing in logical coordinates: on a high-DPI screen Qt scales the strokes
and text, never a pixmap, and in a PDF they stay sharp at any zoom. Marks are drawn lane by lane
in few calls (``drawPoints`` with a round pen of the mark's size, ``drawLines`` for stacks),
from geometry built once per zoom and stretch of the axis (:class:`MarkTiles`).

Layout of a chart: the lane labels in a gutter on the left, the axis on top (ticks, then a
second row naming the year or month of short labels), one lane per row below it.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen

from archive_viewer.store.timeline import JOINT, NO_SPEAKER, UNKNOWN_COUNTRY, Lane
from archive_viewer.timeline_axis import TimeScale, context_ticks, ticks
from archive_viewer.timeline_marks import LaneMarks, buckets

#: Bins per stretch of the axis whose mark geometry is cached together.
TILE_BINS = 128
#: A bin with more statements of one lane than this is drawn as a bar.
MAX_DOTS = 3
#: How much of the mark colour (over the lane) each level of bar gets: bars are shaded by
#: how many statements they hold, in steps spread from MAX_DOTS + 1 to the fullest bars
#: expected at the zoom (bar_levels).
BAR_STRENGTHS = (0.45, 0.65, 0.83, 1.0)
#: The fullest bin is taken to hold this many times the busiest lane's average.
PEAK_OVER_AVERAGE = 2.5


@dataclass(frozen=True)
class ChartColours:
    base: QColor
    alternate: QColor  # every other lane
    text: QColor
    muted: QColor
    grid: QColor
    grid_major: QColor
    mark: QColor  # a country's or a person's statements
    joint: QColor
    other: QColor  # no speaker, country unknown
    focus: QColor  # the ring around the hovered or chosen mark

    @classmethod
    def from_palette(cls, palette: QPalette) -> ChartColours:
        """Colours of a light or a dark palette alike: all from its roles."""
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        alternate = palette.color(QPalette.ColorRole.AlternateBase)
        if _contrast(alternate, base) > 1.25 or alternate == base:  # some styles' is loud or flat
            alternate = mix(text, base, 0.045)
        mark = highlight
        if _contrast(mark, base) < 3.0:  # marks must stand out from the lanes (WCAG 1.4.11)
            mark = mix(highlight, text, 0.5)
        return cls(base=base, alternate=alternate, text=text, muted=mix(text, base, 0.62),
                   grid=mix(text, base, 0.10), grid_major=mix(text, base, 0.24), mark=mark,
                   joint=mix(text, base, 0.72), other=mix(text, base, 0.55), focus=text)

    @classmethod
    def paper(cls) -> ChartColours:
        """Black on white, as the exported statements are printed."""
        palette = QPalette()
        for role, colour in ((QPalette.ColorRole.Base, "#ffffff"),
                             (QPalette.ColorRole.AlternateBase, "#f5f6f7"),
                             (QPalette.ColorRole.Text, "#1b1b1b"),
                             (QPalette.ColorRole.Highlight, "#1f5fa8")):
            palette.setColor(role, QColor(colour))
        return cls.from_palette(palette)

    def for_lane(self, lane: Lane) -> QColor:
        if lane.key == JOINT:
            return self.joint
        if lane.key in (NO_SPEAKER, UNKNOWN_COUNTRY):
            return self.other
        return self.mark


@dataclass(frozen=True)
class ChartMetrics:
    """Sizes of a chart drawn with ``font``, in the painter's logical units."""

    lane_height: float
    gutter: float  # width of the lane labels' column
    header: float  # height of the axis
    dot: float  # a mark's diameter
    line: float  # the font's line height

    @property
    def bin_px(self) -> int:
        """Marks are grouped in bins this wide, so that no two overlap."""
        return int(self.dot) + 2

    @property
    def tile_px(self) -> int:
        return self.bin_px * TILE_BINS

    @classmethod
    def for_font(cls, font: QFont, lanes: Sequence[Lane], *, device=None,
                 max_gutter: float = 220.0) -> ChartMetrics:
        metrics = QFontMetricsF(font, device) if device is not None else QFontMetricsF(font)
        line = metrics.height()
        widest = max((metrics.horizontalAdvance(lane_caption(lane)) for lane in lanes), default=0.0)
        gutter = min(max_gutter, max(90.0, widest + line * 1.2))
        lane_height = max(24.0, round(line * 1.7))
        dot = max(6.0, round(lane_height * 0.27))
        # Whole pixels, so that the marks' grid meets the device's pixels.
        return cls(lane_height=lane_height, gutter=round(gutter), header=round(line * 2.6),
                   dot=dot, line=line)


def lane_caption(lane: Lane) -> str:
    return f"{lane.label}  {lane.count:,}"


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``amount`` of ``a`` over ``b``."""
    return QColor.fromRgbF(a.redF() * amount + b.redF() * (1 - amount),
                           a.greenF() * amount + b.greenF() * (1 - amount),
                           a.blueF() * amount + b.blueF() * (1 - amount))


def _contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# -- marks ---------------------------------------------------------------------------------------

#: One tile's geometry: the dots' bounding squares, and the bars at each level of
#: BAR_STRENGTHS. (drawEllipse per dot is four times as fast as drawPoints with a round pen,
#: which strokes each point as a path.)
Tile = tuple[list[QRectF], list[list[QRectF]]]


class MarkTiles:
    """The marks' geometry for one scale, per lane and stretch of ``metrics.tile_px`` pixels,
    built when first painted and kept until the scale changes. y is relative to the lane's
    top. A bin of up to MAX_DOTS statements is that many dots, stacked; a fuller one a bar,
    shaded by how many it holds."""

    def __init__(self, lanes: Sequence[LaneMarks], metrics: ChartMetrics) -> None:
        self._lanes = lanes
        self._metrics = metrics
        self._scale: TimeScale | None = None
        self._tiles: dict[tuple[int, int], Tile] = {}
        self._levels: tuple[float, ...] = ()
        self._busiest = max((len(lane.positions) for lane in lanes), default=0)
        days = [day for lane in lanes if lane.days for day in (lane.days[0], lane.days[-1])]
        self._span = (max(days) - min(days) + 1) if days else 1

    def set_scale(self, scale: TimeScale) -> None:
        if scale != self._scale:
            self._scale = scale
            self._tiles.clear()
            self._levels = bar_levels(self._busiest, self._span,
                                      self._metrics.bin_px / scale.pixels_per_day)

    def tile(self, lane: int, index: int) -> Tile:
        key = (lane, index)
        found = self._tiles.get(key)
        if found is None:
            found = self._tiles[key] = self._build(lane, index)
        return found

    def _build(self, lane: int, index: int) -> Tile:
        assert self._scale is not None
        m = self._metrics
        middle = m.lane_height / 2
        dot = m.dot
        radius = dot / 2
        step = dot * 0.95  # stacked dots just touch
        half_bar = bar_half_height(m) + radius
        dots: list[QRectF] = []
        bars: list[list[QRectF]] = [[] for _ in BAR_STRENGTHS]
        tile = m.tile_px
        for x, count, _first, _last in buckets(self._lanes[lane], self._scale, index * tile,
                                               (index + 1) * tile, m.bin_px):
            if count <= MAX_DOTS:
                top = middle - step * (count - 1) / 2 - radius
                dots.extend(QRectF(x - radius, top + step * n, dot, dot) for n in range(count))
            else:
                level = bisect_left(self._levels, count)  # the first level holding count
                # On whole pixels, drawn without antialiasing: crisp edges.
                bars[level].append(QRectF(round(x - radius), round(middle - half_bar), round(dot),
                                          round(2 * half_bar)))
        return dots, bars


def bar_levels(busiest: int, span_days: int, days_per_bin: float) -> tuple[float, ...]:
    """The most statements a bar of each shade but the darkest holds: steps evenly spread (on
    a log scale) from a bar's least, MAX_DOTS + 1, to the fullest bin expected at this zoom.
    Computed from the busiest lane's average, not by counting every bin, so that each stretch
    of the axis is shaded alike without being laid out first."""
    least = MAX_DOTS + 1
    peak = max(least * 2.0, PEAK_OVER_AVERAGE * busiest * max(1.0, days_per_bin) / max(1, span_days))
    steps = len(BAR_STRENGTHS)
    return tuple(least * (peak / least) ** (n / steps) for n in range(1, steps))


def bar_half_height(metrics: ChartMetrics) -> float:
    """Half a bar's length, less a dot's radius: a bar fills its lane but for a little air at
    each end."""
    return max(metrics.dot, metrics.lane_height / 2 - metrics.dot / 2 - 2)


# -- painting --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class View:
    """What part of the chart to draw where: the chart's content is ``scale.width`` wide and
    ``len(lanes) * lane_height`` tall; ``x_offset``/``y_offset`` of it are at ``area``'s left
    and top (``area`` is the marks' rectangle, right of the gutter and below the axis)."""

    area: QRectF
    x_offset: float = 0.0
    y_offset: float = 0.0


def paint_lanes(painter: QPainter, lanes: Sequence[Lane], tiles: MarkTiles, scale: TimeScale,
                view: View, colours: ChartColours, metrics: ChartMetrics,
                exposed: QRectF | None = None) -> None:
    """Lane rows, grid lines and marks inside ``view.area`` (only what ``exposed`` touches)."""
    area = view.area
    exposed = area if exposed is None else exposed.intersected(area)
    if exposed.isEmpty():
        return
    painter.save()
    painter.setClipRect(exposed)
    painter.fillRect(exposed, colours.base)
    first, last = visible_lanes(len(lanes), view, metrics, exposed)
    for lane in range(first, last):
        if lane % 2:
            top = area.top() + lane * metrics.lane_height - view.y_offset
            painter.fillRect(QRectF(exposed.left(), top, exposed.width(), metrics.lane_height),
                             colours.alternate)
    _paint_grid(painter, scale, view, colours, QRectF(exposed.left(), area.top(), exposed.width(),
                                                       area.height()))
    # Marks: the tiles under the exposed stretch, each drawn with the lane's pen.
    x_from = exposed.left() - area.left() + view.x_offset - metrics.dot
    x_to = exposed.right() - area.left() + view.x_offset + metrics.dot
    tile = metrics.tile_px
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for lane in range(first, last):
        colour = colours.for_lane(lanes[lane])
        background = colours.alternate if lane % 2 else colours.base
        brushes = [mix(colour, background, strength) for strength in BAR_STRENGTHS]
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.translate(area.left() - view.x_offset,
                          area.top() + lane * metrics.lane_height - view.y_offset)
        for index in range(max(0, int(x_from // tile)), int(x_to // tile) + 1):
            dots, bars = tiles.tile(lane, index)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            for brush, level in zip(brushes, bars, strict=True):
                if level:
                    painter.setBrush(brush)
                    painter.drawRects(level)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            if dots:
                painter.setBrush(colour)
                draw = painter.drawEllipse
                for square in dots:
                    draw(square)
        painter.restore()
    painter.restore()


def visible_lanes(count: int, view: View, metrics: ChartMetrics,
                  exposed: QRectF | None = None) -> tuple[int, int]:
    """The range of lanes (first, last + 1) that ``exposed`` (default: the area) shows."""
    rect = view.area if exposed is None else exposed
    top = rect.top() - view.area.top() + view.y_offset
    bottom = rect.bottom() - view.area.top() + view.y_offset
    first = max(0, int(top // metrics.lane_height))
    last = min(count, int(bottom // metrics.lane_height) + 1)
    return first, max(first, last)


def _tick_range(scale: TimeScale, view: View) -> tuple[int, int]:
    first = int(scale.day_at(view.x_offset)) - 1
    last = int(scale.day_at(view.x_offset + view.area.width())) + 1
    return max(scale.first_day - 400, first), min(scale.last_day + 400, last)


def _paint_grid(painter: QPainter, scale: TimeScale, view: View, colours: ChartColours,
                rect: QRectF) -> None:
    first, last = _tick_range(scale, view)
    for tick in ticks(first, last, scale.pixels_per_day, _measure(painter)):
        x = round(view.area.left() + scale.x_of_day(tick.day) - view.x_offset) + 0.5
        if rect.left() - 1 <= x <= rect.right() + 1:
            painter.setPen(QPen(colours.grid_major if tick.major else colours.grid, 1))
            painter.drawLine(QLineF(x, rect.top(), x, rect.bottom()))


def _measure(painter: QPainter):
    metrics = QFontMetricsF(painter.font(), painter.device())
    return metrics.horizontalAdvance


def paint_axis(painter: QPainter, scale: TimeScale, view: View, colours: ChartColours,
               metrics: ChartMetrics, top: float) -> None:
    """The axis above the marks' area: tick labels, and below them the year or month they
    belong to (kept in view at the left edge)."""
    area = view.area
    rect = QRectF(area.left(), top, area.width(), area.top() - top)
    painter.save()
    painter.setClipRect(rect)
    painter.fillRect(rect, colours.base)
    font_metrics = QFontMetricsF(painter.font(), painter.device())
    measure = font_metrics.horizontalAdvance
    first, last = _tick_range(scale, view)
    row = metrics.line
    label_top = top + (rect.height() - 2 * row) / 2
    plain = QFont(painter.font())
    bold = QFont(plain)
    bold.setBold(True)
    for tick in ticks(first, last, scale.pixels_per_day, measure):
        x = area.left() + scale.x_of_day(tick.day) - view.x_offset
        painter.setPen(QPen(colours.grid_major, 1))
        painter.drawLine(QLineF(round(x) + 0.5, area.top() - row * 0.35, round(x) + 0.5, area.top()))
        if x + 3 + measure(tick.label) * 1.1 > area.right():
            continue  # a label cut off at the edge reads as another year ("20" for 2026)
        painter.setPen(colours.text if tick.major else colours.muted)
        painter.setFont(bold if tick.major else plain)
        painter.drawText(QPointF(x + 3, label_top + font_metrics.ascent()), tick.label)
    painter.setFont(plain)
    context = context_ticks(max(first, int(scale.day_at(view.x_offset))), last,
                            scale.pixels_per_day, measure)
    painter.setPen(colours.text)
    for number, tick in enumerate(context):
        x = area.left() + scale.x_of_day(tick.day) - view.x_offset
        if number == 0:
            x = max(x, area.left())
            following = context[1] if len(context) > 1 else None
            if following is not None:  # the next period's label pushes this one out
                next_x = area.left() + scale.x_of_day(following.day) - view.x_offset
                x = min(x, next_x - measure(tick.label) - 12)
        elif x + 3 + measure(tick.label) > area.right():
            continue
        painter.drawText(QPointF(x + 3, label_top + row + font_metrics.ascent()), tick.label)
    painter.setPen(QPen(colours.grid_major, 1))
    painter.drawLine(QLineF(area.left(), area.top() - 0.5, area.right(), area.top() - 0.5))
    painter.restore()


def paint_gutter(painter: QPainter, lanes: Sequence[Lane], view: View, colours: ChartColours,
                 metrics: ChartMetrics, left: float, exposed: QRectF | None = None) -> None:
    """The lane labels (name and count) left of the marks' area, elided to fit."""
    area = view.area
    rect = QRectF(left, area.top(), area.left() - left, area.height())
    if exposed is not None:
        rect = rect.intersected(exposed)
        if rect.isEmpty():
            return
    painter.save()
    painter.setClipRect(rect)
    painter.fillRect(rect, colours.base)
    font_metrics = QFontMetricsF(painter.font(), painter.device())
    first, last = visible_lanes(len(lanes), view, metrics, rect)
    pad = metrics.line * 0.5
    for number in range(first, last):
        lane = lanes[number]
        top = area.top() + number * metrics.lane_height - view.y_offset
        if number % 2:
            painter.fillRect(QRectF(left, top, area.left() - left, metrics.lane_height), colours.alternate)
        count = f"{lane.count:,}"
        count_width = font_metrics.horizontalAdvance(count)
        room = area.left() - left - 2 * pad - count_width - pad
        label = font_metrics.elidedText(lane.label, Qt.TextElideMode.ElideRight, max(0.0, room))
        baseline = top + (metrics.lane_height + font_metrics.ascent() - font_metrics.descent()) / 2
        painter.setPen(colours.for_lane(lane) if lane.key in (JOINT, NO_SPEAKER, UNKNOWN_COUNTRY)
                       else colours.text)
        painter.drawText(QPointF(left + pad, baseline), label)
        painter.setPen(colours.muted)
        painter.drawText(QPointF(area.left() - pad - count_width, baseline), count)
    painter.setPen(QPen(colours.grid_major, 1))
    painter.drawLine(QLineF(area.left() - 0.5, rect.top(), area.left() - 0.5, rect.bottom()))
    painter.restore()


def paint_ring(painter: QPainter, centre: QPointF, colours: ChartColours, metrics: ChartMetrics,
               *, count: int = 1, strong: bool = False) -> None:
    """A ring around the mark at ``centre`` holding ``count`` statements (hovered, or chosen
    when ``strong``)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(colours.focus, 2.0 if strong else 1.25))
    radius = metrics.dot / 2 + 2.5
    if count > MAX_DOTS:
        half = bar_half_height(metrics) + radius
    else:
        half = radius + metrics.dot * 0.95 * (count - 1) / 2
    half = min(half, metrics.lane_height / 2 - 0.5)
    painter.drawRoundedRect(QRectF(centre.x() - radius, centre.y() - half, 2 * radius, 2 * half),
                            radius, radius)
    painter.restore()


def paint_message(painter: QPainter, rect: QRectF, title: str, lines: Sequence[str],
                  colours: ChartColours) -> None:
    """An empty state: a bold line and a few muted ones, centred in ``rect``."""
    painter.save()
    plain = QFont(painter.font())
    bold = QFont(plain)
    bold.setBold(True)
    width = min(rect.width() - 24, 560.0)
    box = QRectF(rect.center().x() - width / 2, rect.top(), width, rect.height())
    flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap)
    painter.setFont(bold)
    title_rect = painter.boundingRect(box, flags, title)
    body = "\n".join(lines)
    painter.setFont(plain)
    body_rect = painter.boundingRect(box, flags, body) if body else QRectF()
    total = title_rect.height() + (body_rect.height() + 6 if body else 0)
    top = rect.top() + max(0.0, (rect.height() - total) / 2)
    painter.setFont(bold)
    painter.setPen(colours.text)
    painter.drawText(QRectF(box.left(), top, width, title_rect.height()), flags, title)
    if body:
        painter.setFont(plain)
        painter.setPen(colours.muted)
        painter.drawText(QRectF(box.left(), top + title_rect.height() + 6, width, body_rect.height()),
                         flags, body)
    painter.restore()
