"""An issue timeline as a PDF: the chart drawn as vector graphics, then its statements grouped
by meeting as text.

The first page holds the title, what was exported (the issue, the period, the lanes, the other
filters) and the chart, drawn with the same code as the window's (export/timeline_chart.py)
across the page's width; lanes that do not fit continue on the next pages under the axis again.
The list follows on new pages, laid out like a section export (pdf.Pages), with the same running
header, "page n of N" footer, metadata and all-or-nothing write.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QBuffer, QRectF, Qt
from PySide6.QtGui import QPainter

from archive_viewer import __version__
from archive_viewer.export.content import ExportError
from archive_viewer.export.pdf import ExportResult, Pages, check_target, default_paper, new_writer, save
from archive_viewer.export.run import archive_name_of
from archive_viewer.export.timeline_chart import (
    ChartColours,
    ChartMetrics,
    MarkTiles,
    View,
    paint_axis,
    paint_gutter,
    paint_lanes,
)
from archive_viewer.statement_html import Colours, esc, readable_date
from archive_viewer.store.timeline import Timeline, TimelineStatement, statement_details
from archive_viewer.timeline_axis import TimeScale, period_label
from archive_viewer.timeline_html import MarkColours, render_list
from archive_viewer.timeline_marks import lane_marks

#: Statements the PDF lists (the first ones of the period): beyond, the PDF says how to narrow.
LIST_LIMIT = 1000
PAPERS = ("a4", "letter")


@dataclass(frozen=True)
class TimelineExport:
    """What to export: a timeline and the days of it (the view's, or all)."""

    timeline: Timeline
    first_day: int
    last_day: int
    others: str = ""  # the filter's other terms in words

    @property
    def positions(self) -> range:
        return self.timeline.positions_between(self.first_day, self.last_day)

    @property
    def whole(self) -> bool:
        return (self.first_day, self.last_day) == (self.timeline.first_day, self.timeline.last_day)


def export_timeline_with(conn: sqlite3.Connection, export: TimelineExport, output: Path, *,
                         paper: str | None = None, archive_name: str = "",
                         exported_on: date | None = None) -> ExportResult:
    """Read the listed statements' texts and write the PDF (see the module docstring)."""
    positions = export.positions
    if not positions:
        raise ExportError("The timeline shows no statements: nothing to export. Zoom out, or "
                          "choose another issue or fewer filters.")
    ids = [export.timeline.statement_ids[p] for p in positions[:LIST_LIMIT]]
    statements = statement_details(conn, ids)
    return write_timeline_pdf(export, statements, output, paper=paper,
                              archive_name=archive_name or archive_name_of(conn),
                              exported_on=exported_on)


def title_of(timeline: Timeline) -> str:
    return f"Issue timeline: {timeline.issue.name}"


def write_timeline_pdf(export: TimelineExport, statements: list[TimelineStatement], path: Path | str,
                       *, paper: str | None = None, archive_name: str = "",
                       exported_on: date | None = None) -> ExportResult:
    paper = paper or default_paper()
    if paper not in PAPERS:
        raise ExportError(f"Unknown paper size {paper!r}: use a4 or letter.")
    path = Path(path)
    check_target(path)
    # The period's statements, on the lanes that have some: a period of a speaker timeline
    # would otherwise be pages of empty lanes.
    timeline = export.timeline.between(export.first_day, export.last_day)
    exported_on = exported_on or date.today()
    title = title_of(timeline)
    total = len(export.positions)
    period = period_label(export.first_day, export.last_day)
    subject = (f"{total:,} statement{'' if total == 1 else 's'} about {timeline.issue.name} "
               f"(and narrower issues), {period}")

    buffer = QBuffer()
    writer = new_writer(buffer, paper=paper, title=title, subject=subject)
    pages = Pages(writer)
    intro = pages.document(_intro_html(export, timeline, total, period, archive_name, exported_on))
    intro_height = intro.documentLayout().documentSize().height()
    metrics = ChartMetrics.for_font(pages.font, timeline.lanes, device=writer,
                                    max_gutter=pages.body_width * 0.38)
    # Lanes per chart page: the first page also holds the introduction and the note under it.
    note_height = metrics.line * 3
    first_room = pages.body_height - intro_height - metrics.header - note_height - metrics.line
    other_room = pages.body_height - metrics.header - note_height
    per_first = max(1, int(first_room // metrics.lane_height))
    per_page = max(1, int(other_room // metrics.lane_height))
    lane_pages: list[range] = []
    if per_first < min(3, len(timeline.lanes)):
        lane_pages.append(range(0))  # too little room under the introduction: the chart starts a page
    start = 0
    while start < len(timeline.lanes):
        count = per_first if not lane_pages else per_page
        lane_pages.append(range(start, min(len(timeline.lanes), start + count)))
        start += count
    listed = pages.paginated(render_list(statements, Colours(), marks=_paper_marks(),
                                         heading="Statements", note=_list_note(len(statements), total),
                                         paper=True, links=False))
    page_total = len(lane_pages) + listed.pageCount()

    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError("The PDF could not be started (Qt refused to paint into it).")
    try:
        painter.setFont(pages.font)
        chart = _Chart(export, timeline, metrics, pages)
        for number, lanes in enumerate(lane_pages):
            if number:
                writer.newPage()
            top = pages.body_top
            if number == 0:
                painter.save()
                painter.translate(pages.body_left, pages.body_top)
                intro.drawContents(painter)
                painter.restore()
                top += intro_height + metrics.line
            if len(lanes):
                bottom = chart.paint(painter, lanes, top)
                if lanes.stop == len(timeline.lanes):
                    _paint_note(pages, painter, bottom + metrics.line * 0.6, chart)
            pages.paint_frame(painter, number, page_total, title)
        for page in range(listed.pageCount()):
            pages.paint(painter, listed, page, len(lane_pages) + page, page_total, title)
    finally:
        painter.end()
    save(buffer, path, title=title, subject=subject)
    return ExportResult(path, page_total)


class _Chart:
    """The chart across the page's body: the export's days fitted to its width."""

    def __init__(self, export: TimelineExport, timeline: Timeline, metrics: ChartMetrics,
                 pages: Pages) -> None:
        self.timeline = timeline
        self.metrics = metrics
        self.pages = pages
        self.colours = ChartColours.paper()
        width = pages.body_width - metrics.gutter
        self.scale = TimeScale.fitted(export.first_day, export.last_day, width)
        self.tiles = MarkTiles(lane_marks(timeline), metrics)
        self.tiles.set_scale(self.scale)

    def paint(self, painter: QPainter, lanes: range, top: float) -> float:
        """The axis at ``top`` and ``lanes`` below it; returns the chart's bottom."""
        m = self.metrics
        left = self.pages.body_left
        area = QRectF(left + m.gutter, top + m.header, self.pages.body_width - m.gutter,
                      len(lanes) * m.lane_height)
        view = View(area, 0.0, lanes.start * m.lane_height)
        all_lanes = self.timeline.lanes
        paint_lanes(painter, all_lanes, self.tiles, self.scale, view, self.colours, m)
        paint_axis(painter, self.scale, view, self.colours, m, top)
        paint_gutter(painter, all_lanes, view, self.colours, m, left)
        return area.bottom()


def _paint_note(pages: Pages, painter: QPainter, top: float, chart: _Chart) -> None:
    """How to read the marks, under the last lanes."""
    painter.save()
    painter.setFont(pages.small_font)
    painter.setPen(chart.colours.muted)
    what = ("country (the side each speaker represented)" if chart.timeline.by == "country"
            else "speaker")
    painter.drawText(QRectF(pages.body_left, top, pages.body_width, chart.metrics.line * 2.4),
                     int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft),
                     f"One lane per {what}, joint statements on their own lane. Each dot is a "
                     f"statement, on the date of its meeting; a bar stands for more than three on "
                     f"one lane and day. The numbers are the statements of each lane in the "
                     f"period shown.")
    painter.restore()


def _intro_html(export: TimelineExport, shown: Timeline, total: int, period: str,
                archive_name: str, exported_on: date) -> str:
    timeline = export.timeline
    muted = Colours().muted
    lines = [f"{total:,} statement{'' if total == 1 else 's'} about {timeline.issue.name} and its "
             f"narrower issues, {period}, on {len(shown.lanes)} "
             f"lane{'' if len(shown.lanes) == 1 else 's'} by {timeline.by}."]
    whole = (timeline.first_day, timeline.last_day)
    if not export.whole and whole[0] is not None and whole[1] is not None:
        lines.append(f"The timeline runs from {period_label(whole[0], whole[0])} to "
                     f"{period_label(whole[1], whole[1])} ({len(timeline):,} statements on "
                     f"{len(timeline.lanes)} lanes); this is the period that was in view, and "
                     "its lanes with a statement.")
    if export.others:
        lines.append(f"Filtered: {export.others}.")
    if timeline.undated_ids:
        lines.append(f"{len(timeline.undated_ids):,} statements from meetings without a date are "
                     "not shown.")
    when = readable_date(exported_on.isoformat())
    source = f" from the archive {archive_name}" if archive_name else ""
    lines.append(f"Exported {when}{source} with Archive Viewer {__version__}.")
    body = "".join(f'<p style="color:{muted}; margin:0 0 3px 0;">{esc(line)}</p>' for line in lines)
    return f'<h1 style="font-size:x-large; margin:0 0 6px 0;">{esc(title_of(timeline))}</h1>{body}'


def _list_note(shown: int, total: int) -> str:
    if shown < total:
        return (f"The first {shown:,} of the {total:,} statements, oldest first, grouped by "
                "meeting. Export a shorter period (zoom in) or narrow the filters for the rest.")
    return f"All {total:,} statements, oldest first, grouped by meeting."


def _paper_marks() -> MarkColours:
    colours = ChartColours.paper()
    return MarkColours(colours.mark.name(), colours.joint.name(), colours.other.name())
