"""Going from a name to the person page and back, within the main window's detail area.

The detail area is a stack: the detail pane (a meeting, section or item) and the person page.
A name clicked in the detail pane, a person picked in the People facet, "Show" in a person's
context menu (people facet, search hits) or a counterpart on a person page shows the person
page; Back, or selecting a node in
the tree, goes back to the detail pane; a meeting on the person page is selected in the tree
(or, when the filter hides it, shown in the detail pane directly). After a merge or split every
view is read again, and a filter or page naming a person who is gone names the one kept.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtWidgets import QStackedWidget, QWidget

from archive_viewer.ui.people_actions import PeopleChange, PeopleController

if TYPE_CHECKING:
    from archive_viewer.ui.main_window import MainWindow
    from archive_viewer.ui.person_page import PersonPage


class PersonNavigation(QObject):
    """Owns the detail area's stack, the person page and the people controller."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._page: PersonPage | None = None  # made when first shown: not at start-up
        self.area = QStackedWidget()
        self.area.setObjectName("detailArea")
        self.area.addWidget(window.detail)
        self.people = PeopleController(window, window.tasks, lambda: window.db_path,
                                       lambda: not window.importer.running)
        window.detail.person_activated.connect(self.show_person)
        self.people.show_requested.connect(self.show_person)
        self.people.filter_requested.connect(lambda person: self.filter_by(person, None))
        self.people.changed.connect(self._people_changed)
        # Picking a person in the People facet shows their page as well as filtering by them.
        window.sidebar.models["people"].toggle_requested.connect(self._person_picked)

    @property
    def page(self) -> PersonPage:
        """The person page (made on first use)."""
        if self._page is None:
            self._page = self._make_page()
        return self._page

    def _make_page(self) -> PersonPage:
        from archive_viewer.ui.person_page import PersonPage

        window = self._window
        page = PersonPage(window.tasks)
        self.area.addWidget(page)
        page.back_requested.connect(self.show_detail)
        page.meeting_activated.connect(self.open_meeting)
        page.person_activated.connect(self.show_person)
        page.filter_requested.connect(self.filter_by)
        page.export_requested.connect(
            lambda person: window.exporter.export_person(person, name=self._name(person)))
        page.merge_requested.connect(
            lambda person: self.people.ask_merge(person, self._name(person)))
        page.split_requested.connect(
            lambda person: self.people.ask_split(person, self._name(person)))
        return page

    # -- showing -----------------------------------------------------------------------------

    @property
    def showing_person(self) -> bool:
        return self._page is not None and self.area.currentWidget() is self._page

    def show_person(self, person_id: int) -> None:
        self.area.setCurrentWidget(self.page)
        self.page.show_person(person_id)

    def show_detail(self) -> None:
        self.area.setCurrentWidget(self._window.detail)

    def focus(self) -> None:
        """Focus what the detail area shows (F6, Ctrl+3)."""
        target: QWidget = self.page if self.showing_person else self._window.detail.browser
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_meeting(self, meeting_id: int) -> None:
        self.show_detail()
        window = self._window
        if not window.select_node("meeting", meeting_id):
            # Hidden by the filter: read it in the detail pane all the same.
            window.detail.show_node("meeting", meeting_id)
            window.statusBar().showMessage(
                "This meeting is not in the tree with the current filter; it is shown here.", 6000)

    def filter_by(self, person_id: int, issue_id: int | None) -> None:
        changes: dict[str, object] = {"people": {person_id}}
        if issue_id is not None:
            changes["issues"] = {issue_id}
        self._window.filter_state.update(**changes)
        self.show_detail()

    def _person_picked(self, person_id: object) -> None:
        # Connected after the sidebar's own slot, which has toggled the filter already: a
        # person in it now was picked, not dropped.
        if isinstance(person_id, int) and person_id in self._window.filter_state.filter.people:
            self.show_person(person_id)

    def menu(self, person_id: int, name: str, pos: QPoint) -> None:
        """A person's context menu at ``pos`` (global)."""
        menu = self.people.menu(person_id, name, self._window)
        menu.exec(pos)
        menu.deleteLater()

    # -- archive changes ---------------------------------------------------------------------

    def refresh(self) -> None:
        if self._page is not None and self._page.person_id is not None:
            self._page.refresh()

    def clear(self) -> None:
        """Another archive was opened: its people are others."""
        if self._page is not None:
            self._page.clear()
        self.people.running = False  # a write to the other archive reports to nobody now
        self.show_detail()

    def _people_changed(self, change: PeopleChange) -> None:
        window = self._window
        f = window.filter_state.filter
        if change.kind == "merge" and set(change.removed) & f.people:
            window.filter_state.update(people=(f.people - set(change.removed)) | {change.person_id})
        if self._page is not None and self._page.person_id in change.removed:
            self._page.show_person(change.person_id)
        window.refresh_views()

    def _name(self, person_id: int) -> str:
        profile = self._page.profile if self._page is not None else None
        if profile is not None and profile.person_id == person_id:
            return profile.name
        return self._window.sidebar.label_of("people", person_id)
