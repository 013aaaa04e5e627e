"""The Issue Timeline view: one issue's statements through time, and beneath the chart the
same statements to read, grouped by meeting.

It lives in a dock at the bottom of the window (View ▸ Issue Timeline…, or "Show Timeline" on an
issue in the sidebar, the tree or a statement's issue tags) so that the tree and the detail pane
stay in sight: clicking a mark opens its statement there. It follows the window's FilterState —
every filter applies except the issues, which the timeline chooses itself — and reads through
the TaskRunner: the timeline (key "timeline"), the statements listed for the days in view
("timeline-list") and those under the pointer ("timeline-hover"). While the dock is hidden
nothing is read; a filter change is caught up with when it is shown again.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from archive_viewer import timeline_html
from archive_viewer.store import queries
from archive_viewer.store import timeline as store
from archive_viewer.store.filters import Filter, SearchHint, fts_query
from archive_viewer.store.timeline import IssueRef, Timeline, TimelineStatement
from archive_viewer.timeline_axis import period_label
from archive_viewer.timeline_marks import LaneMarks, lane_marks
from archive_viewer.ui.detail_pane import ElidedLabel, SafeTextBrowser, colours_for
from archive_viewer.ui.filter_state import FilterState
from archive_viewer.ui.issue_chooser import IssueChooser
from archive_viewer.ui.tasks import URGENT, TaskRunner
from archive_viewer.ui.timeline_chart import TimelineChart

#: Statements the list under the chart shows at once (the first ones of the days in view).
LIST_LIMIT = 150
#: The list follows zooming and panning after this pause.
LIST_DELAY_MS = 180
#: Statements whose texts are kept for tooltips.
HOVER_CACHE = 2000


@dataclass(frozen=True)
class TimelineResult:
    timeline: Timeline
    marks: list[LaneMarks]  # grouped by day on the worker, not on the GUI thread
    others: str  # the filter's other terms in words ("" when there are none)
    text_dropped: bool  # the search text could not be searched and was left out


def load_timeline(conn: sqlite3.Connection, f: Filter, issue_id: int, by: str) -> TimelineResult:
    """Worker side: the timeline and the words for the filter's other terms."""
    dropped = False
    try:
        fts_query(f.text)
        timeline = store.issue_timeline(conn, f, issue_id, by)
    except SearchHint:
        f, dropped = replace(f, text=""), True
        timeline = store.issue_timeline(conn, f, issue_id, by)
    others = replace(f, issues=frozenset())
    words = "" if others.is_empty() else queries.filter_description(conn, others)
    return TimelineResult(timeline, lane_marks(timeline), words, dropped)


class TimelineView(QWidget):
    """See the module docstring. ``show_issue(id)`` picks the issue."""

    #: open a statement in context: (statement id, section id)
    statement_activated = Signal(int, int)
    #: the PDF export was asked for (the window's exporter does it)
    export_requested = Signal()
    #: a requested timeline (or the message saying why there is none) is shown
    loaded = Signal()
    #: the list under the chart was filled
    list_loaded = Signal()
    #: a tooltip was shown for a mark (its plain text)
    hover_shown = Signal(str)

    def __init__(self, tasks: TaskRunner, filter_state: FilterState,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.setAccessibleName("Issue timeline")
        self._tasks = tasks
        self._filter_state = filter_state
        self._issue: IssueRef | None = None
        self._by = "country"
        self._token = 0
        self._stale = False  # the filter changed while hidden
        self._result: TimelineResult | None = None
        self._issues_loaded = False
        self._texts: dict[int, TimelineStatement] = {}
        self._hover: tuple[list[int], QPoint | None] | None = None
        self.hover_text = ""
        self._listed: list[TimelineStatement] = []

        # The controls: issue, lanes, zoom, export.
        self.issue_box = IssueChooser(self)
        self.issue_box.issue_chosen.connect(self.show_issue)
        self.issue_box.name_entered.connect(self.show_issue_named)
        issue_label = QLabel("&Issue:", self)
        issue_label.setBuddy(self.issue_box)

        self.by_country = self._tool_button("Countries", "One lane per country (the side each "
                                            "speaker represented)", checkable=True)
        self.by_speaker = self._tool_button("Speakers", "One lane per speaker", checkable=True)
        self.by_country.setObjectName("timelineByCountry")
        self.by_speaker.setObjectName("timelineBySpeaker")
        self.by_country.setChecked(True)
        lanes = QButtonGroup(self)
        lanes.setExclusive(True)
        lanes.addButton(self.by_country)
        lanes.addButton(self.by_speaker)
        self.by_country.toggled.connect(lambda on: on and self.set_by("country"))
        self.by_speaker.toggled.connect(lambda on: on and self.set_by("speaker"))
        self.zoom_out_button = self._tool_button("−", "Zoom out (−, or the mouse wheel)")
        self.zoom_in_button = self._tool_button("+", "Zoom in (+, or the mouse wheel)")
        self.fit_button = self._tool_button("Fit", "Show the whole timeline (0)")
        self.export_button = self._tool_button("Export PDF…", "Save the timeline as it is shown, "
                                               "with its statements, as a PDF")
        self.zoom_out_button.setAccessibleName("Zoom out")
        self.zoom_in_button.setAccessibleName("Zoom in")
        self.export_button.setObjectName("timelineExport")
        self.export_button.clicked.connect(self.export_requested)

        controls = QHBoxLayout()
        controls.setContentsMargins(6, 4, 6, 0)
        controls.setSpacing(4)
        controls.addWidget(issue_label)
        controls.addWidget(self.issue_box, 1)
        controls.addSpacing(8)
        controls.addWidget(QLabel("Lanes:", self))
        controls.addWidget(self.by_country)
        controls.addWidget(self.by_speaker)
        controls.addSpacing(8)
        for button in (self.zoom_out_button, self.zoom_in_button, self.fit_button):
            controls.addWidget(button)
        controls.addSpacing(8)
        controls.addWidget(self.export_button)

        self.caption = ElidedLabel(self)
        self.caption.setObjectName("timelineCaption")
        self.caption.setAccessibleName("Timeline summary")

        self.chart = TimelineChart(self)
        self.chart.mark_activated.connect(self._mark_activated)
        self.chart.mark_hovered.connect(self._mark_hovered)
        self.chart.range_changed.connect(lambda *_: self._list_timer.start())
        self.zoom_in_button.clicked.connect(self.chart.zoom_in)
        self.zoom_out_button.clicked.connect(self.chart.zoom_out)
        self.fit_button.clicked.connect(self.chart.fit)
        self.chart.range_changed.connect(lambda *_: self._update_buttons())

        self.list = SafeTextBrowser(self)
        self.list.setObjectName("timelineList")
        self.list.setAccessibleName("Statements in view")
        self.list.setAccessibleDescription("The statements of the days in view, grouped by meeting")
        self.list.anchorClicked.connect(self._list_link)
        self._list_timer = QTimer(self)
        self._list_timer.setSingleShot(True)
        self._list_timer.setInterval(LIST_DELAY_MS)
        self._list_timer.timeout.connect(self._load_list)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("timelineSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.chart)
        self.splitter.addWidget(self.list)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(controls)
        self.legend = QLabel(self)
        self.legend.setObjectName("timelineLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setToolTip("Each statement is a dot on the date of its meeting, stacked up to "
                               "three; where more fall together (one day, or a stretch of days "
                               "when zoomed out) they are a bar, darker for more.")
        caption_row = QHBoxLayout()
        caption_row.setContentsMargins(8, 0, 8, 0)
        caption_row.addWidget(self.caption, 1)
        caption_row.addWidget(self.legend)
        layout.addLayout(caption_row)
        layout.addWidget(self.splitter, 1)

        filter_state.changed.connect(self._filter_changed)
        self._update_legend()
        self._show_nothing()
        self._update_buttons()

    def _tool_button(self, text: str, tip: str, *, checkable: bool = False) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setCheckable(checkable)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return button

    # -- public API ------------------------------------------------------------------------

    @property
    def issue(self) -> IssueRef | None:
        return self._issue

    @property
    def by(self) -> str:
        return self._by

    @property
    def timeline(self) -> Timeline | None:
        return self._result.timeline if self._result is not None else None

    @property
    def listed(self) -> list[TimelineStatement]:
        """The statements the list under the chart shows, in its order."""
        return list(self._listed)

    def show_issue(self, issue_id: int, name: str | None = None) -> None:
        """Show the timeline of this issue (name: for the messages until it is read)."""
        self._issue = IssueRef(issue_id, name or (self._issue.name if self._issue and
                                                  self._issue.id == issue_id else f"issue {issue_id}"))
        self.issue_box.show_name(self._issue.name)
        self._load(new_issue=True)

    def show_issue_named(self, name: str) -> None:
        """Show the timeline of the issue called ``name`` (or having it as a synonym)."""
        path = self._tasks.db_path
        self._tasks.run(lambda conn: store.find_issue(conn, name),
                        lambda issue: self._named_issue_found(issue, name, path),
                        key="timeline-find", priority=URGENT)

    def set_by(self, by: str) -> None:
        """Lanes by "country" or by "speaker"."""
        if by not in store.BY:
            raise ValueError(f"by must be one of {store.BY}, not {by!r}")
        (self.by_country if by == "country" else self.by_speaker).setChecked(True)
        if by == self._by:
            return
        self._by = by
        if self._issue is not None:
            self._load(new_issue=False, keep_view=True)

    def refresh(self) -> None:
        """Read the issues and the timeline again (after an import)."""
        self._issues_loaded = False
        if self.isVisible():
            self._load_issues()
            if self._issue is not None:
                self._load(new_issue=False, keep_view=True)
        else:
            self._stale = self._issue is not None

    def reset(self) -> None:
        """Another archive was opened: its issue ids mean nothing here."""
        self._token += 1
        self._issue = None
        self._result = None
        self._issues_loaded = False
        self.issue_box.set_issues([])
        self._texts.clear()
        self.issue_box.show_name("")
        self._show_nothing()
        if self.isVisible():
            self._load_issues()

    def focus_issue_box(self) -> None:
        self.issue_box.focus_for_typing()

    def visible_days(self) -> tuple[int, int] | None:
        return self.chart.visible_days()

    def filter_words(self) -> str:
        """The filter's other terms applied to the timeline shown, in words ("" if none)."""
        return self._result.others if self._result is not None else ""

    # -- reading ---------------------------------------------------------------------------

    def _load(self, *, new_issue: bool, keep_view: bool = False) -> None:
        if self._issue is None:
            return
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self._token += 1
        token = self._token
        issue, by = self._issue, self._by
        f = self._filter_state.filter
        path = self._tasks.db_path
        if new_issue or self._result is None:
            self._result = None
            self._listed = []
            self.chart.set_timeline(None)
            self.chart.show_message(f"Reading the statements on {issue.name}…", [])
            self.caption.setText(f"{issue.name}: reading…")
            self.list.clear()
            # A broad issue takes seconds: say how many statements are on their way.
            self._tasks.run(lambda conn: store.issue_statement_count(conn, issue.id),
                            lambda count: self._counted(token, issue, count),
                            on_error=lambda _exc: None, key="timeline-count", priority=URGENT)
        else:
            self.caption.setText(self.caption.full_text().split("  ·  Updating")[0] + "  ·  Updating…")
        self._tasks.run(lambda conn: load_timeline(conn, f, issue.id, by),
                        lambda result: self._loaded(token, result, keep_view, path),
                        on_error=lambda exc: self._failed(token, exc),
                        key="timeline", priority=URGENT)

    def _counted(self, token: int, issue: IssueRef, count: int) -> None:
        if token != self._token or not shiboken6.isValid(self) or self._result is not None:
            return
        self.chart.show_message(f"Reading the statements on {issue.name}…", [
            f"{count:,} statement{'' if count == 1 else 's'} in the archive are about it or a "
            "narrower issue; the other filters are applied as they are read."])

    def _loaded(self, token: int, result: TimelineResult, keep_view: bool, path: Any) -> None:
        if token != self._token or not shiboken6.isValid(self) or path != self._tasks.db_path:
            return
        self._result = result
        timeline = result.timeline
        self._issue = timeline.issue
        self.issue_box.show_name(timeline.issue.name)
        lanes_before = len(self.chart.timeline.lanes) if self.chart.timeline is not None else -1
        self.chart.set_timeline(timeline if len(timeline) else None, keep_view=keep_view,
                                marks=result.marks)
        if len(timeline.lanes) != lanes_before:
            self._fit_chart_height()
        if not len(timeline):
            self._listed = []
            self.list.setHtml(timeline_html.render_list(
                [], colours_for(self.list.palette()), note="No statements to list."))
            self.chart.show_message(*self._empty_message(result))
        self._show_caption(result)
        self._update_buttons()
        self._list_timer.start()
        self.loaded.emit()

    def _fit_chart_height(self) -> None:
        """As tall as the lanes need (up to two thirds of the view): the list gets the rest."""
        metrics, timeline = self.chart.metrics, self.chart.timeline
        total = sum(self.splitter.sizes())
        if metrics is None or timeline is None or total <= 0:
            return
        needed = (metrics.header + len(timeline.lanes) * metrics.lane_height
                  + self.chart.horizontalScrollBar().sizeHint().height() + 4)
        chart = round(min(max(needed, 120.0), total * 0.66))
        self.splitter.setSizes([chart, total - chart])

    def _failed(self, token: int, error: Exception) -> None:
        if token != self._token or not shiboken6.isValid(self):
            return
        self._result = None
        self.chart.set_timeline(None)
        name = self._issue.name if self._issue else "the issue"
        self.chart.show_message(f"The timeline of {name} could not be read",
                                [str(error), "Choose the issue again to retry."])
        self.caption.setText("")
        self._update_buttons()
        self.loaded.emit()

    def _empty_message(self, result: TimelineResult) -> tuple[str, list[str]]:
        name = result.timeline.issue.name
        undated = len(result.timeline.undated_ids)
        if undated:
            return (f"The statements on {name} are all from meetings without a date",
                    [f"{undated:,} statement{'' if undated == 1 else 's'} cannot be placed on a "
                     "time axis; find them in the tree with the issue filter."])
        if result.others:
            return (f"No statements on {name} match the other filters",
                    [f"Filtered: {result.others}.",
                     "Remove a filter in the sidebar, or clear them all (Ctrl+Shift+Backspace)."])
        return (f"No statement in this archive is about {name}",
                ["Choose another issue; the sidebar's Issues list counts each one's statements."])

    def _show_caption(self, result: TimelineResult) -> None:
        timeline = result.timeline
        count = len(timeline)
        parts = [f"{timeline.issue.name} (and narrower issues): {count:,} "
                 f"statement{'' if count == 1 else 's'}"]
        if count:
            assert timeline.first_day is not None and timeline.last_day is not None
            parts[0] += (f", {period_label(timeline.first_day, timeline.last_day)}, on "
                         f"{len(timeline.lanes)} lane{'' if len(timeline.lanes) == 1 else 's'}")
        if timeline.undated_ids:
            parts.append(f"{len(timeline.undated_ids):,} from undated meetings not shown")
        if result.others:
            parts.append(f"Filtered: {result.others}")
        if result.text_dropped:
            parts.append("the search text cannot be searched and is left out")
        self.caption.setText("  ·  ".join(parts))

    def _show_nothing(self) -> None:
        self.chart.show_message("Choose an issue", [
            "Type or pick one in the Issue box above; or right-click an issue in the sidebar's "
            "Issues list, or a node of the tree, or click an issue tag under a statement.",
            "Each statement about the issue (narrower issues included) is a mark, on the lane "
            "of its country or speaker; the other filters apply."])
        self.caption.setText("")
        self._listed = []
        self.list.setHtml(timeline_html.render_list([], colours_for(self.list.palette()),
                                                    note="The statements of the timeline are "
                                                    "listed here, grouped by meeting."))

    def _filter_changed(self, _f: Filter) -> None:
        if self._issue is not None:
            self._load(new_issue=False, keep_view=True)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._issues_loaded:
            self._load_issues()
        if self._stale and self._issue is not None:
            self._load(new_issue=self._result is None, keep_view=True)

    # -- the issue chooser -----------------------------------------------------------------

    def _load_issues(self) -> None:
        path = self._tasks.db_path
        self._tasks.run(store.issue_catalogue, lambda issues: self._issues_read(issues, path),
                        key="timeline-issues")

    def _issues_read(self, issues: list[IssueRef], path: Any) -> None:
        if not shiboken6.isValid(self) or path != self._tasks.db_path:
            return
        self._issues_loaded = True
        self.issue_box.set_issues(issues)

    def _named_issue_found(self, issue: IssueRef | None, name: str, path: Any) -> None:
        if not shiboken6.isValid(self) or path != self._tasks.db_path:
            return
        if issue is None:
            self._token += 1
            self._issue, self._result = None, None
            self.chart.set_timeline(None)
            self.chart.show_message(f"No issue called “{name}”", [
                "Pick one from the Issue box's list; names come from the issue thesaurus "
                "(resources/issues.toml) and its synonyms."])
            self.caption.setText("")
            self.loaded.emit()
            return
        self.show_issue(issue.id, issue.name)

    # -- the list under the chart ----------------------------------------------------------

    def _positions_in_view(self) -> range:
        timeline, days = self.timeline, self.chart.visible_days()
        if timeline is None or days is None or not len(timeline):
            return range(0)
        return timeline.positions_between(*days)

    def _load_list(self) -> None:
        timeline = self.timeline
        positions = self._positions_in_view()
        if timeline is None or not positions:
            if timeline is not None and len(timeline):
                self._listed = []
                self.list.setHtml(timeline_html.render_list(
                    [], colours_for(self.list.palette()),
                    note="No statements in the days shown; zoom out or pan to see some."))
                self.list_loaded.emit()
            return
        ids = [timeline.statement_ids[p] for p in positions[:LIST_LIMIT]]
        total = len(positions)
        path = self._tasks.db_path
        token = self._token
        self._tasks.run(lambda conn: store.statement_details(conn, ids),
                        lambda rows: self._list_read(token, rows, total, path),
                        key="timeline-list")

    def _list_read(self, token: int, rows: list[TimelineStatement], total: int, path: Any) -> None:
        if token != self._token or not shiboken6.isValid(self) or path != self._tasks.db_path:
            return
        self._listed = rows
        self._remember(rows)
        days = self.chart.visible_days()
        period = period_label(*days) if days else ""
        shown = len(rows)
        if shown < total:
            note = (f"The first {shown:,} of {total:,} statements in view ({period}), oldest "
                    "first; zoom in on a period to read all of it.")
        else:
            note = f"{total:,} statement{'' if total == 1 else 's'} in view ({period}), oldest first."
        terms = queries.highlight_terms(self._filter_state.filter.text) if self._filter_state.filter.text.strip() else []
        bar = self.list.verticalScrollBar()
        self.list.setHtml(timeline_html.render_list(rows, colours_for(self.list.palette()),
                                                    marks=self._mark_colours(), note=note,
                                                    terms=terms))
        bar.setValue(0)
        self.list_loaded.emit()

    def _mark_colours(self) -> timeline_html.MarkColours:
        colours = self.chart.colours
        return timeline_html.MarkColours(colours.mark.name(), colours.joint.name(), colours.other.name())

    def _list_link(self, url: QUrl) -> None:
        if url.scheme() != "statement" or not url.path().isdigit():
            return
        statement_id = int(url.path())
        found = next((s for s in self._listed if s.id == statement_id), None)
        if found is None:
            return
        timeline = self.timeline
        if timeline is not None:
            position = next((p for p, sid in enumerate(timeline.statement_ids) if sid == statement_id), None)
            self.chart.set_chosen(position)
        self.statement_activated.emit(found.id, found.section_id)

    # -- marks -----------------------------------------------------------------------------

    def _mark_activated(self, positions: list[int]) -> None:
        timeline = self.timeline
        if timeline is None or not positions:
            return
        position = positions[0]
        self.chart.set_chosen(position)
        statement_id = timeline.statement_ids[position]
        if any(s.id == statement_id for s in self._listed):
            self.list.scrollToAnchor(f"statement-{statement_id}")
        self.statement_activated.emit(statement_id, timeline.section_ids[position])

    def _mark_hovered(self, positions: list[int] | None, where: QPoint | None) -> None:
        timeline = self.timeline
        if positions is None or timeline is None:
            self._hover = None
            QToolTip.hideText()
            return
        self._hover = (positions, where)
        ids = [timeline.statement_ids[p] for p in positions[:timeline_html.TOOLTIP_STATEMENTS]]
        missing = [i for i in ids if i not in self._texts]
        if not missing:
            self._show_tooltip(positions, where)
            return
        path = self._tasks.db_path
        self._tasks.run(lambda conn: store.statement_details(conn, missing),
                        lambda rows: self._hover_read(rows, positions, path),
                        key="timeline-hover", priority=URGENT)

    def _hover_read(self, rows: list[TimelineStatement], positions: list[int], path: Any) -> None:
        if not shiboken6.isValid(self) or path != self._tasks.db_path:
            return
        self._remember(rows)
        if self._hover is not None and self._hover[0] == positions:
            self._show_tooltip(positions, self._hover[1])

    def _show_tooltip(self, positions: list[int], where: QPoint | None) -> None:
        timeline = self.timeline
        if timeline is None:
            return
        ids = [timeline.statement_ids[p] for p in positions[:timeline_html.TOOLTIP_STATEMENTS]]
        statements = [self._texts[i] for i in ids if i in self._texts]
        lane = timeline.lanes[timeline.lanes_of[positions[0]]].label
        self.hover_text = timeline_html.tooltip_text(statements, len(positions))
        if where is not None:
            QToolTip.showText(where, timeline_html.render_tooltip(statements, len(positions), lane),
                              self.chart.viewport())
        self.hover_shown.emit(self.hover_text)

    def _remember(self, rows: list[TimelineStatement]) -> None:
        if len(self._texts) > HOVER_CACHE:
            self._texts.clear()
        self._texts.update((row.id, row) for row in rows)

    def _update_legend(self) -> None:
        colours = self.chart.colours
        mark, joint = colours.mark.name(), colours.joint.name()
        self.legend.setText(f'<span style="color:{mark};">●</span> a statement &nbsp; '
                            f'<span style="color:{mark};">▮</span> more together &nbsp; '
                            f'<span style="color:{joint};">●</span> joint')

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._update_legend()

    def _update_buttons(self) -> None:
        has = self.timeline is not None and len(self.timeline) > 0
        self.zoom_in_button.setEnabled(has and self.chart.can_zoom_in())
        self.zoom_out_button.setEnabled(has and self.chart.can_zoom_out())
        self.fit_button.setEnabled(has)
        self.export_button.setEnabled(has)
