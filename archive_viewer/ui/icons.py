"""Icons for tree nodes and actions, painted as vector shapes in the palette's colours.

Painted (not bundled images) so that they follow the light or dark palette and stay sharp on
high-DPI screens: each icon is drawn in a 16×16 design box scaled to whatever size Qt asks for.
Actions without a painted icon (quit, copy, ...) are left to the desktop theme or the style.
"""
from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)

Drawing = Callable[[QPainter, QColor], None]


class _PaintedIconEngine(QIconEngine):
    """Draws ``drawing`` in a 16×16 box, coloured for the icon mode from the current palette."""

    def __init__(self, drawing: Drawing, role: QPalette.ColorRole) -> None:
        super().__init__()
        self._drawing = drawing
        self._role = role
        self._pixmaps: dict[tuple[int, float, QIcon.Mode, int], QPixmap] = {}

    def _color(self, mode: QIcon.Mode) -> QColor:
        palette = QGuiApplication.palette()
        if mode == QIcon.Mode.Disabled:
            return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if mode == QIcon.Mode.Selected:
            return palette.color(QPalette.ColorRole.HighlightedText)
        color = palette.color(self._role)
        if self._role == QPalette.ColorRole.Accent and _too_faint(color, palette):
            color = palette.color(QPalette.ColorRole.Text)
        return color

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        # Views paint the same few icons on every row of every repaint: draw each size, mode
        # and palette once and blit it after (the vector drawing cost more than the text).
        side = min(rect.width(), rect.height())
        if side <= 0:
            return
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        key = (side, ratio, mode, QGuiApplication.palette().cacheKey())
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            if len(self._pixmaps) > 32:  # palettes come and go (theme changes): start afresh
                self._pixmaps.clear()
            pixmap = self._pixmaps[key] = self.scaledPixmap(QSize(side, side), mode, state, ratio)
        painter.drawPixmap(rect.x() + (rect.width() - side) // 2,
                           rect.y() + (rect.height() - side) // 2, pixmap)

    def _draw(self, painter: QPainter, side: int, mode: QIcon.Mode) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(side / 16.0, side / 16.0)
        self._drawing(painter, self._color(mode))
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State,
                     scale: float) -> QPixmap:
        pixmap = QPixmap(size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        side = min(size.width(), size.height())
        painter.translate((size.width() - side) / 2, (size.height() - side) / 2)
        self._draw(painter, side, mode)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        # Qt owns the clone, but the Python wrapper must outlive this call or the C++ engine
        # is freed under Qt's feet; clones are rare (only when an icon is modified).
        engine = _PaintedIconEngine(self._drawing, self._role)
        _clones[:] = [e for e in _clones if shiboken6.isValid(e)]  # those Qt already deleted
        _clones.append(engine)
        return engine


def _too_faint(color: QColor, palette: QPalette) -> bool:
    base = palette.color(QPalette.ColorRole.Base)
    return abs(color.lightnessF() - base.lightnessF()) < 0.25


def _pen(color: QColor, width: float = 1.3) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


# -- drawings (16×16 design box) -----------------------------------------------------------------

def _calendar(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(QRectF(2, 3.5, 12, 10.5), 1.5, 1.5)
    p.fillRect(QRectF(2.5, 4, 11, 2.5), c)
    p.drawLine(QPointF(5, 2), QPointF(5, 4.5))
    p.drawLine(QPointF(11, 2), QPointF(11, 4.5))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    for x in (4.5, 7.5, 10.5):
        for y in (8.5, 11.2):
            p.drawRect(QRectF(x, y, 1.6, 1.4))


def _person(p: QPainter, c: QColor, x: float, y: float, scale: float = 1.0) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    p.drawEllipse(QPointF(x, y), 2.1 * scale, 2.1 * scale)
    body = QPainterPath()
    body.moveTo(x - 3.6 * scale, y + 7.2 * scale)
    body.cubicTo(x - 3.6 * scale, y + 2.6 * scale, x + 3.6 * scale, y + 2.6 * scale, x + 3.6 * scale, y + 7.2 * scale)
    body.closeSubpath()
    p.drawPath(body)


def _two_people(p: QPainter, c: QColor) -> None:
    _person(p, c, 4.8, 4.6)
    _person(p, c, 11.2, 4.6)


def _three_people(p: QPainter, c: QColor) -> None:
    _person(p, c, 3.4, 6.2, 0.8)
    _person(p, c, 12.6, 6.2, 0.8)
    _person(p, c, 8.0, 4.0, 0.95)


def _telephone(p: QPainter, c: QColor) -> None:
    path = QPainterPath()
    path.moveTo(4.2, 2.2)
    path.lineTo(6.4, 4.9)
    path.lineTo(5.2, 6.5)
    path.cubicTo(6.2, 8.6, 7.6, 10.0, 9.6, 11.0)
    path.lineTo(11.2, 9.8)
    path.lineTo(13.9, 12.0)
    path.lineTo(12.3, 14.0)
    path.cubicTo(7.0, 13.6, 2.6, 9.2, 2.2, 3.9)
    path.closeSubpath()
    p.setPen(_pen(c, 1.0))
    p.setBrush(c)
    p.drawPath(path)


def _page_lines(p: QPainter, c: QColor) -> None:
    page = QPainterPath()
    page.moveTo(3.5, 1.8)
    page.lineTo(9.8, 1.8)
    page.lineTo(12.8, 4.8)
    page.lineTo(12.8, 14.2)
    page.lineTo(3.5, 14.2)
    page.closeSubpath()
    p.setPen(_pen(c, 1.1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(page)
    for y in (6.5, 8.9, 11.3):
        p.drawLine(QPointF(5.6, y), QPointF(10.8, y))


def _paragraph(p: QPainter, c: QColor) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    p.drawEllipse(QPointF(3.6, 5.0), 1.4, 1.4)
    p.setPen(_pen(c, 1.2))
    p.drawLine(QPointF(6.6, 5.0), QPointF(13.6, 5.0))
    p.drawLine(QPointF(6.6, 8.2), QPointF(13.6, 8.2))
    p.drawLine(QPointF(6.6, 11.4), QPointF(11.2, 11.4))


def _magnifier(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.6))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QPointF(6.8, 6.8), 4.2, 4.2)
    p.drawLine(QPointF(9.9, 9.9), QPointF(13.8, 13.8))


def _cross(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.6))
    p.drawLine(QPointF(4.5, 4.5), QPointF(11.5, 11.5))
    p.drawLine(QPointF(11.5, 4.5), QPointF(4.5, 11.5))


def _funnel_cross(p: QPainter, c: QColor) -> None:
    funnel = QPainterPath()
    funnel.moveTo(1.8, 2.5)
    funnel.lineTo(12.2, 2.5)
    funnel.lineTo(8.2, 7.6)
    funnel.lineTo(8.2, 12.8)
    funnel.lineTo(5.8, 14.0)
    funnel.lineTo(5.8, 7.6)
    funnel.closeSubpath()
    p.setPen(_pen(c, 1.1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(funnel)
    p.setPen(_pen(c, 1.5))
    p.drawLine(QPointF(10.4, 9.6), QPointF(14.4, 13.6))
    p.drawLine(QPointF(14.4, 9.6), QPointF(10.4, 13.6))


def _new_page(p: QPainter, c: QColor) -> None:
    page = QPainterPath()
    page.moveTo(8.6, 14.2)
    page.lineTo(3.2, 14.2)
    page.lineTo(3.2, 1.8)
    page.lineTo(9.2, 1.8)
    page.lineTo(12.2, 4.8)
    page.lineTo(12.2, 8.2)
    p.setPen(_pen(c, 1.1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(page)
    p.setPen(_pen(c, 1.5))
    p.drawLine(QPointF(12.2, 10.0), QPointF(12.2, 15.0))
    p.drawLine(QPointF(9.7, 12.5), QPointF(14.7, 12.5))


def _folder(p: QPainter, c: QColor) -> None:
    folder = QPainterPath()
    folder.moveTo(1.8, 13.4)
    folder.lineTo(1.8, 3.0)
    folder.lineTo(6.0, 3.0)
    folder.lineTo(7.6, 4.8)
    folder.lineTo(13.0, 4.8)
    folder.lineTo(13.0, 7.0)
    p.setPen(_pen(c, 1.1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(folder)
    flap = QPainterPath()
    flap.moveTo(1.8, 13.4)
    flap.lineTo(4.2, 7.0)
    flap.lineTo(14.8, 7.0)
    flap.lineTo(12.4, 13.4)
    flap.closeSubpath()
    p.drawPath(flap)


def _import_tray(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.3))
    p.setBrush(Qt.BrushStyle.NoBrush)
    tray = QPainterPath()
    tray.moveTo(2.0, 9.5)
    tray.lineTo(2.0, 14.0)
    tray.lineTo(14.0, 14.0)
    tray.lineTo(14.0, 9.5)
    p.drawPath(tray)
    p.drawLine(QPointF(8.0, 1.8), QPointF(8.0, 10.2))
    p.drawLine(QPointF(4.8, 7.2), QPointF(8.0, 10.4))
    p.drawLine(QPointF(11.2, 7.2), QPointF(8.0, 10.4))


def _sidebar(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(QRectF(1.8, 2.6, 12.4, 10.8), 1.4, 1.4)
    p.fillRect(QRectF(2.3, 3.1, 3.9, 9.8), c)


def _info(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QPointF(8.0, 8.0), 6.2, 6.2)
    p.setPen(_pen(c, 1.6))
    p.drawLine(QPointF(8.0, 7.2), QPointF(8.0, 11.4))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    p.drawEllipse(QPointF(8.0, 4.9), 0.95, 0.95)


_TEXT = QPalette.ColorRole.Text
_ACCENT = QPalette.ColorRole.Accent

_NODE_DRAWINGS: dict[str, tuple[Drawing, QPalette.ColorRole]] = {
    "year": (_calendar, _TEXT),
    "meeting": (_two_people, _ACCENT),
    "trilateral_meeting": (_three_people, _ACCENT),
    "telephone_talk": (_telephone, _ACCENT),
    "section": (_page_lines, _TEXT),
    "item": (_paragraph, _TEXT),
}

_ACTION_DRAWINGS: dict[str, tuple[Drawing, QPalette.ColorRole]] = {
    "search": (_magnifier, _TEXT),
    "remove": (_cross, _TEXT),
    "clear_filters": (_funnel_cross, _TEXT),
    "new": (_new_page, _TEXT),
    "open": (_folder, _TEXT),
    "import": (_import_tray, _TEXT),
    "sidebar": (_sidebar, _TEXT),
    "about": (_info, _TEXT),
}

#: The names action_icon() paints.
ACTION_ICONS = frozenset(_ACTION_DRAWINGS)

_cache: dict[str, QIcon] = {}
_clones: list[_PaintedIconEngine] = []


def node_icon(kind: str, meeting_kind: str | None = None) -> QIcon:
    """The tree's icon for a node kind; meetings are drawn by kind (talk, trilateral, ...)."""
    name = kind
    if kind == "meeting" and meeting_kind in _NODE_DRAWINGS:
        name = meeting_kind  # type: ignore[assignment]
    return _painted(name, _NODE_DRAWINGS.get(name) or _NODE_DRAWINGS["item"])


def action_icon(name: str) -> QIcon:
    """A painted icon for an action (see ACTION_ICONS), or a null QIcon for another name, so
    that the caller can fall back to the desktop theme or the style."""
    if name in _ACTION_DRAWINGS:
        return _painted("action:" + name, _ACTION_DRAWINGS[name])
    return QIcon()


def _painted(name: str, spec: tuple[Drawing, QPalette.ColorRole]) -> QIcon:
    icon = _cache.get(name)
    if icon is None:
        icon = _cache[name] = QIcon(_PaintedIconEngine(*spec))
    return icon
