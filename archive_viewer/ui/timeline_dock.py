"""The Issue Timeline in the main window: its dock, and the wiring to the rest of the window.

The window creates one TimelineController; everything that reaches the timeline — View ▸ Issue
Timeline…, "Show Timeline" on an issue in the sidebar, the tree's context menu, an issue tag in
the detail pane, File ▸ Export Issue Timeline to PDF… — goes through it, and a mark clicked in
the timeline comes back through it to the tree and the detail pane.

The view itself (and the chart, the drawing, the timeline queries) is imported and built when
the timeline is first shown, not at start-up: every module loaded after PySide6 costs start-up
time, and most sessions never open the timeline. The dock exists from the start, empty, so that
the window's saved state can place it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

if TYPE_CHECKING:
    from archive_viewer.ui.main_window import MainWindow
    from archive_viewer.ui.timeline_view import TimelineView

#: The dock's height when first shown (the tree and the detail pane keep the rest).
FIRST_HEIGHT = 340
#: Issues listed in the tree's context menu.
MENU_ISSUES = 12


class TimelineDock(QDockWidget):
    """The dock the view lives in: at the bottom of the window, hidden until used."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Issue Timeline", parent)
        self.setObjectName("timelineDock")  # restoreState() finds it by this name
        self.setAccessibleName("Issue timeline")
        self.setAllowedAreas(Qt.DockWidgetArea.BottomDockWidgetArea
                             | Qt.DockWidgetArea.TopDockWidgetArea
                             | Qt.DockWidgetArea.RightDockWidgetArea)
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)


class TimelineController(QObject):
    """Owns the view and its dock; see the module docstring."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._view: TimelineView | None = None
        self.dock = TimelineDock(window)
        self._sized = False
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        # Shown by the window's restored state: the view is needed now.
        self.dock.visibilityChanged.connect(lambda visible: visible and self.view)
        window.sidebar.issue_timeline_requested.connect(self.show_issue)
        window.detail.issue_activated.connect(self.show_issue_named)

    @property
    def view(self) -> TimelineView:
        """The view, built on first use."""
        if self._view is None:
            from archive_viewer.ui.timeline_view import TimelineView

            window = self._window
            self._view = TimelineView(window.tasks, window.filter_state)
            self._view.statement_activated.connect(self.open_statement)
            self._view.export_requested.connect(self.export_pdf)
            self.dock.setWidget(self._view)
        return self._view

    # -- showing ---------------------------------------------------------------------------

    def show(self) -> None:
        """View ▸ Issue Timeline…: the dock, with the cursor in its issue box."""
        self._reveal()
        self.view.focus_issue_box()

    def show_issue(self, issue_id: int, name: str | None = None) -> None:
        self._reveal()
        self.view.show_issue(issue_id, name)
        self.view.chart.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_issue_named(self, name: str) -> None:
        self._reveal()
        self.view.show_issue_named(name)

    def _reveal(self) -> None:
        first = not self.dock.isVisible() and not self._sized
        self.dock.show()
        self.dock.raise_()
        if first and not self.dock.isFloating():
            self._sized = True
            self._window.resizeDocks([self.dock], [FIRST_HEIGHT], Qt.Orientation.Vertical)

    # -- back to the window ----------------------------------------------------------------

    def open_statement(self, statement_id: int, section_id: int) -> None:
        """Select the statement's section in the tree (the detail pane shows it) and scroll
        the detail pane to the statement. A section the tree's filter hides is shown in the
        detail pane alone."""
        window = self._window
        if not window.select_node("section", section_id):
            window.tree.selectionModel().clear()
            window.detail.show_node("section", section_id)
            window.statusBar().showMessage(
                "The tree's filter hides this statement's section; it is shown in the detail "
                "pane. Clear the issue filter to find it in the tree.", 8000)
        window.detail.reveal_statement(statement_id)

    def export_pdf(self) -> bool:
        """File ▸ Export Issue Timeline to PDF… and the view's button: the timeline as shown."""
        from archive_viewer.export.timeline_pdf import TimelineExport

        window = self._window
        timeline = self._view.timeline if self._view is not None else None
        days = self._view.visible_days() if self._view is not None else None
        if timeline is None or not len(timeline) or days is None:
            window.statusBar().showMessage(
                "Show an issue's timeline first (View ▸ Issue Timeline…), then export it.", 6000)
            if timeline is None:
                self.show()
            return False
        others = self.view.filter_words()
        return window.exporter.export_timeline(TimelineExport(timeline, days[0], days[1], others))

    # -- menus -----------------------------------------------------------------------------

    def add_node_issues(self, menu: QMenu, kind: str, node_id: int) -> None:
        """The tree's context menu: "Issue Timeline ▸" with the issues of the node's statements."""
        from archive_viewer.store.timeline import issues_of_node

        window = self._window
        try:
            issues = issues_of_node(window._gui_connection(), kind, node_id)  # noqa: SLF001
        except Exception:  # noqa: BLE001 (a menu never fails for want of its extra entries)
            return
        if not issues:
            return
        sub = menu.addMenu("Issue &Timeline")
        sub.setObjectName("issueTimelineMenu")
        for issue in issues[:MENU_ISSUES]:
            action = sub.addAction(issue.name.replace("&", "&&"))
            action.triggered.connect(
                lambda _checked=False, i=issue: shiboken6.isValid(self) and self.show_issue(i.id, i.name))

    # -- the archive -----------------------------------------------------------------------

    def archive_changed(self) -> None:
        if self._view is not None:
            self._view.reset()

    def refresh(self) -> None:
        if self._view is not None:
            self._view.refresh()
