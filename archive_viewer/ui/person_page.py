"""The person page: one person across the archive, in the detail area.

Shown when a name is clicked (the detail pane's speakers and participants, the people facet's
context menu, a search hit's speaker): names and spellings, country, the meetings on a time
axis with the titles held as bands, and tabs with the meetings (date, title, place, role, title
held, statements), the statements by issue (the thesaurus tree), the counterparts met most and
the titles with their dates. A meeting, an issue or a counterpart opens what it names.

Reads go through the TaskRunner in two steps (key "person", then "person-details"): the
person's meetings and titles paint first, the issues and counterparts, which for someone met in
thousands of meetings take most of the time, follow. Each step is dropped when another person
was asked for meanwhile.
"""
from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTabWidget,
    QToolBar,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archive_viewer.person_html import facts_line, other_names
from archive_viewer.statement_html import readable_date
from archive_viewer.store.filters import MEETING_KINDS
from archive_viewer.store.person_profile import (
    PersonProfile,
    ProfileMeeting,
    person_profile,
    with_details,
)
from archive_viewer.ui.detail_pane import ElidedLabel
from archive_viewer.ui.roles import NODE_ID_ROLE
from archive_viewer.ui.person_strip import TimeStrip
from archive_viewer.ui.tasks import URGENT, TaskRunner

AnyIndex = QModelIndex | QPersistentModelIndex
ID_ROLE = int(Qt.ItemDataRole.UserRole) + 41
ROLE_LABELS = {"principal": "Principal", "attendee": "Attendee", None: "Spoke"}


class PersonMeetingsModel(QAbstractTableModel):
    """The person's meetings as rows: Date, Meeting, Place, Role, Statements (the title held is
    the Role's tooltip, and in the Titles tab: the detail area is too narrow for it)."""

    HEADERS = ("Date", "Meeting", "Place", "Role", "Statements")
    DATE, TITLE, PLACE, ROLE, STATEMENTS = range(5)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ProfileMeeting] = []
        # The rows arrive newest first. Sorted here in one pass rather than by a proxy, which
        # asks data() for both rows of every comparison (a thousand meetings: ten thousand
        # calls into Python before the first paint).
        self._sort = (self.DATE, Qt.SortOrder.DescendingOrder)

    def set_meetings(self, meetings: tuple[ProfileMeeting, ...] | list[ProfileMeeting]) -> None:
        self.beginResetModel()
        self._rows = list(meetings)
        if self._sort != (self.DATE, Qt.SortOrder.DescendingOrder):
            self._rows.sort(key=self._key(self._sort[0]),
                            reverse=self._sort[1] == Qt.SortOrder.DescendingOrder)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        # Stable sorts: by date first, so rows equal in the chosen column stay in date order.
        self._rows.sort(key=self._key(self.DATE), reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows.sort(key=self._key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    def _key(self, column: int) -> Any:
        if column == self.STATEMENTS:
            return lambda m: m.statements
        if column == self.DATE:
            return lambda m: (m.held_on or "", m.meeting_id)
        return lambda m: self._text(m, column).casefold()

    def meeting_at(self, row: int) -> ProfileMeeting:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        meeting = self._rows[index.row()]
        column, role = index.column(), int(role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._tooltip(meeting, column)
            return self._text(meeting, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.STATEMENTS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == NODE_ID_ROLE:
            return meeting.meeting_id
        return None

    def _text(self, meeting: ProfileMeeting, column: int) -> str:
        if column == self.DATE:
            return meeting.held_on or "undated"
        if column == self.TITLE:
            return meeting.title
        if column == self.PLACE:
            return meeting.location or ""
        if column == self.ROLE:
            return ROLE_LABELS.get(meeting.role, meeting.role or "")
        return f"{meeting.statements:,}"

    def _tooltip(self, meeting: ProfileMeeting, column: int) -> str:
        if column == self.TITLE:
            kind = MEETING_KINDS.get(meeting.kind, meeting.kind)
            return f"{meeting.title}\n{kind}, {readable_date(meeting.held_on) or 'undated'}"
        if column == self.ROLE:
            role = self._text(meeting, column)
            return f"{role}: {meeting.title_held}" if meeting.title_held else role
        return self._text(meeting, column)


class PersonPage(QWidget):
    """One person's page; ``show_person(id)`` loads it (off the GUI thread)."""

    back_requested = Signal()
    meeting_activated = Signal(int)
    person_activated = Signal(int)
    #: "Filter by this person" (issue None) or by the person and an issue (from the issues tab)
    filter_requested = Signal(int, object)
    export_requested = Signal(int)
    merge_requested = Signal(int)
    split_requested = Signal(int)
    #: the page shows a person (meetings and titles), or says why it cannot
    loaded = Signal()
    #: the issues, counterparts and joint statements arrived too
    details_loaded = Signal()

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("personPage")
        self.setAccessibleName("Person")
        self._tasks = tasks
        self._person_id: int | None = None
        self._profile: PersonProfile | None = None

        # A tool bar: in a narrow detail area the buttons that do not fit go behind its »
        # button, and the page stays as narrow as the detail pane may be.
        self.bar = QToolBar(self)
        self.bar.setObjectName("personBar")
        self.bar.setAccessibleName("Person actions")
        self.bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.bar.setMovable(False)
        self.back_action = self._action(
            "← Back", "Back to the record shown before (Alt+Left)", self.back_requested.emit)
        self.back_action.setShortcut("Alt+Left")
        self.back_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        spacer = QWidget(self.bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.bar.addWidget(spacer)
        self.filter_action = self._action(
            "Filter by Person", "Show only this person's meetings and statements in the tree",
            lambda: self._emit_for_person(self.filter_requested, None))
        self.merge_action = self._action(
            "Merge…", "This person is written differently elsewhere: merge the two entries",
            lambda: self._emit_for_person(self.merge_requested))
        self.split_action = self._action(
            "Split…", "Separate spellings that were merged into this person",
            lambda: self._emit_for_person(self.split_requested))
        self.export_action = self._action(
            "Export to PDF…", "Save this page as a PDF",
            lambda: self._emit_for_person(self.export_requested))

        self.name_label = ElidedLabel(self)
        self.name_label.setObjectName("personName")
        self.name_label.setAccessibleName("Name")
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.facts_label = self._plain_label("personFacts")
        self.names_label = self._plain_label("personNames")
        self.names_label.setStyleSheet("color: palette(placeholder-text);")

        self.strip = TimeStrip(self)
        self.strip.meeting_clicked.connect(self._strip_clicked)

        self.meetings_model = PersonMeetingsModel(self)
        self.meetings_view = self._meetings_view()
        self.issues_view = self._tree("personIssues", ["Issue", "Statements"])
        self.issues_view.itemActivated.connect(self._issue_activated)
        self.counterparts_view = self._tree(
            "personCounterparts", ["Counterpart", "Country", "Meetings", "As principal"])
        self.counterparts_view.itemActivated.connect(self._counterpart_activated)
        self.titles_view = self._tree("personTitles", ["Title", "From", "To", "Meetings"])
        for flat in (self.counterparts_view, self.titles_view):
            flat.setRootIsDecorated(False)  # lists: no room kept for branches
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("personTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.meetings_view, "Meetings")
        self.tabs.addTab(self.issues_view, "Issues")
        self.tabs.addTab(self.counterparts_view, "Counterparts")
        self.tabs.addTab(self.titles_view, "Titles")

        body = QVBoxLayout()
        body.setContentsMargins(8, 4, 8, 4)
        body.setSpacing(3)
        body.addWidget(self.name_label)
        body.addWidget(self.facts_label)
        body.addWidget(self.names_label)
        body.addSpacing(4)
        body.addWidget(self.strip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.bar)
        layout.addLayout(body)
        layout.addWidget(self.tabs, 1)
        self.setFocusProxy(self.meetings_view)
        self._set_buttons_enabled(False)

    # -- building ----------------------------------------------------------------------------

    def _action(self, text: str, tip: str, slot: Any) -> QAction:
        action = self.bar.addAction(text)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        button = self.bar.widgetForAction(action)
        if button is not None:
            button.setAccessibleName(text.rstrip("…").replace("← ", ""))
        return action

    def _plain_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _meetings_view(self) -> QTreeView:
        view = QTreeView(self)
        view.setObjectName("personMeetings")
        view.setAccessibleName("Meetings attended")
        view.setRootIsDecorated(False)
        view.setUniformRowHeights(True)
        view.setAlternatingRowColors(True)
        view.setSortingEnabled(True)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setModel(self.meetings_model)
        view.header().setSortIndicator(PersonMeetingsModel.DATE, Qt.SortOrder.DescendingOrder)
        header = view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(PersonMeetingsModel.TITLE, QHeaderView.ResizeMode.Stretch)
        metrics = view.fontMetrics()
        widths = {PersonMeetingsModel.DATE: metrics.horizontalAdvance("2012-04-07") + 24,
                  PersonMeetingsModel.PLACE: metrics.horizontalAdvance("Ningbo, China") + 8,
                  PersonMeetingsModel.ROLE: metrics.horizontalAdvance("Principal") + 16,
                  PersonMeetingsModel.STATEMENTS: metrics.horizontalAdvance("Statements") + 16}
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        view.activated.connect(self._meeting_row_activated)
        return view

    def _tree(self, name: str, headers: list[str]) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setObjectName(name)
        tree.setAccessibleName(headers[0])
        tree.setHeaderLabels(headers)
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(True)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        return tree

    # -- public API --------------------------------------------------------------------------

    @property
    def person_id(self) -> int | None:
        return self._person_id

    @property
    def profile(self) -> PersonProfile | None:
        return self._profile

    def set_tasks(self, tasks: TaskRunner) -> None:
        self._tasks = tasks

    def show_person(self, person_id: int) -> None:
        """Load and show ``person_id`` (the page keeps what it shows until the answer comes)."""
        self._person_id = person_id
        if self._profile is None or self._profile.person_id != person_id:
            self._show_loading()
        self._load()

    def refresh(self) -> None:
        """Read the person again (after an import, a merge or a split)."""
        if self._person_id is not None:
            self._load()

    def clear(self) -> None:
        """Forget the person (another archive was opened)."""
        self._tasks.cancel("person")
        self._tasks.cancel("person-details")
        self._person_id = None
        self._show_profile(None)

    # -- loading -----------------------------------------------------------------------------

    def _load(self) -> None:
        person_id = self._person_id
        if person_id is None:
            return
        self._tasks.cancel("person-details")
        self._tasks.run(lambda conn: person_profile(conn, person_id, details=False),
                        lambda profile: self._on_profile(person_id, profile),
                        on_error=lambda exc: self._on_error(person_id, exc),
                        key="person", priority=URGENT)

    def _on_profile(self, person_id: int, profile: PersonProfile | None) -> None:
        if not shiboken6.isValid(self) or person_id != self._person_id:
            return
        if profile is None:
            self._show_profile(None)
            self.facts_label.setText("This person is not in the archive any more (merged with "
                                     "someone else, or their documents were removed).")
            self.loaded.emit()
            return
        self._show_profile(profile)
        self.loaded.emit()
        self._tasks.run(lambda conn: with_details(conn, profile),
                        lambda detailed: self._on_details(person_id, detailed),
                        on_error=lambda exc: self._on_error(person_id, exc),
                        key="person-details")

    def _on_details(self, person_id: int, profile: PersonProfile) -> None:
        if not shiboken6.isValid(self) or person_id != self._person_id:
            return
        self._profile = profile
        self._show_facts(profile)
        self._fill_issues(profile)
        self._fill_counterparts(profile)
        self.details_loaded.emit()

    def _on_error(self, person_id: int, error: Exception) -> None:
        if not shiboken6.isValid(self) or person_id != self._person_id:
            return
        self.facts_label.setText(f"Reading the archive failed: {error}")
        self.loaded.emit()

    # -- showing -----------------------------------------------------------------------------

    def _show_loading(self) -> None:
        self._profile = None
        self.name_label.setText("…")
        self.facts_label.setText("Reading the archive…")
        self.names_label.clear()
        self.strip.set_profile(None)
        self.meetings_model.set_meetings([])
        for tree in (self.issues_view, self.counterparts_view, self.titles_view):
            tree.clear()
        self._set_buttons_enabled(False)

    def _show_profile(self, profile: PersonProfile | None) -> None:
        self._profile = profile
        if profile is None:
            self._show_loading()
            self.name_label.setText("")
            self.facts_label.setText("")
            return
        self.name_label.setText(profile.name)
        self._show_facts(profile)
        forms = other_names(profile)
        self.names_label.setText(f"Also written: {', '.join(forms)}" if forms else "")
        self.names_label.setVisible(bool(forms))
        self.strip.set_profile(profile)
        self.meetings_model.set_meetings(profile.meetings)
        self.tabs.setTabText(0, f"Meetings ({len(profile.meetings):,})")
        self._fill_titles(profile)
        self.issues_view.clear()
        self.counterparts_view.clear()
        self._set_buttons_enabled(True)
        self.split_action.setEnabled(len(profile.spellings) > 1)

    def _show_facts(self, profile: PersonProfile) -> None:
        self.facts_label.setText(facts_line(profile))

    def _fill_titles(self, profile: PersonProfile) -> None:
        self.titles_view.clear()
        for span in profile.titles:
            item = QTreeWidgetItem([span.title, span.first or "undated", span.last or "",
                                    f"{span.meetings:,}"])
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.titles_view.addTopLevelItem(item)
        self.tabs.setTabText(3, f"Titles ({len(profile.titles)})")

    def _fill_issues(self, profile: PersonProfile) -> None:
        self.issues_view.clear()
        items: dict[int, QTreeWidgetItem] = {}
        for issue in profile.issues:
            item = QTreeWidgetItem([issue.name, f"{issue.statements:,}"])
            item.setData(0, ID_ROLE, issue.issue_id)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, f"{issue.name}: {issue.statements:,} statements by "
                               f"{profile.name}; double-click to filter by both")
            items[issue.issue_id] = item
        for issue in profile.issues:  # already most statements first: children keep that order
            parent = items.get(issue.parent_id) if issue.parent_id is not None else None
            if parent is not None and parent is not items[issue.issue_id]:
                parent.addChild(items[issue.issue_id])
            else:
                self.issues_view.addTopLevelItem(items[issue.issue_id])
        for index in range(self.issues_view.topLevelItemCount()):
            self.issues_view.topLevelItem(index).setExpanded(True)
        self.tabs.setTabText(1, f"Issues ({len(profile.issues)})")

    def _fill_counterparts(self, profile: PersonProfile) -> None:
        self.counterparts_view.clear()
        for other in profile.counterparts:
            item = QTreeWidgetItem([other.name, other.country or "", f"{other.meetings:,}",
                                    f"{other.as_principal:,}"])
            item.setData(0, ID_ROLE, other.person_id)
            for column in (2, 3):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, f"Met {other.meetings:,} times; double-click for their page")
            self.counterparts_view.addTopLevelItem(item)
        self.tabs.setTabText(2, f"Counterparts ({len(profile.counterparts)})")

    def _set_buttons_enabled(self, enabled: bool) -> None:
        for action in (self.filter_action, self.merge_action, self.split_action,
                       self.export_action):
            action.setEnabled(enabled)

    # -- activation --------------------------------------------------------------------------

    def _emit_for_person(self, signal: Any, *extra: Any) -> None:
        if self._person_id is not None:
            signal.emit(self._person_id, *extra)

    def _meeting_row_activated(self, index: QModelIndex) -> None:
        meeting_id = index.data(NODE_ID_ROLE)
        if meeting_id is not None:
            self.meeting_activated.emit(int(meeting_id))

    def _strip_clicked(self, meeting_id: int) -> None:
        for row in range(self.meetings_model.rowCount()):
            index = self.meetings_model.index(row, 0)
            if index.data(NODE_ID_ROLE) == meeting_id:
                self.tabs.setCurrentWidget(self.meetings_view)
                self.meetings_view.setCurrentIndex(index)
                self.meetings_view.scrollTo(index)
                break
        self.meeting_activated.emit(meeting_id)

    def _issue_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        issue = item.data(0, ID_ROLE)
        if issue is not None and self._person_id is not None:
            self.filter_requested.emit(self._person_id, int(issue))

    def _counterpart_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        person = item.data(0, ID_ROLE)
        if person is not None:
            self.person_activated.emit(int(person))

