"""The filter sidebar: search box, active-filter chips, facets with counts, date range.

The FilterState is the single source of truth. Controls here only ask it for changes
(``toggle``, ``update``, ``remove``); what they show — checked values, chips, the search text,
the dates — is redrawn from the filter whenever it changes. Facet counts are computed off the
GUI thread (TaskRunner key "facets"), so typing and clicking never wait for SQLite. While there
is search text, hits are listed under the search box in two steps: first the newest matching
statements (key "search-newest", quick even for a word in every other statement), then the
bm25-ranked best ones (key "search") in their place.
"""
from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from archive_viewer.store import queries
from archive_viewer.store.filters import MEETING_KINDS, Filter, SearchHint, fts_query
from archive_viewer.ui import icons
from archive_viewer.ui.filter_state import FilterState
from archive_viewer.ui.roles import FACET_KEY_ROLE
from archive_viewer.ui.search_results import RESULT_LIMIT, SearchResultsView
from archive_viewer.ui.sidebar_chips import ChipBar, ChipSpec
from archive_viewer.ui.sidebar_dates import DateRangeEditor
from archive_viewer.ui.sidebar_facets import (
    CollapsibleSection,
    FacetModel,
    FacetSection,
    FacetView,
)
from archive_viewer.ui.tasks import BACKGROUND, URGENT, TaskRunner

#: The search runs after this pause in typing, not on every keystroke.
SEARCH_DEBOUNCE_MS = 300

#: facet -> (section title, chip prefix, what the counts count, hierarchical, quick filter, rows)
_FACETS: dict[str, tuple[str, str, str, bool, bool, int]] = {
    "issues": ("Issues", "Issue", "matching statement", True, True, 12),
    "people": ("People", "Person", "matching statement", False, True, 8),
    "countries": ("Countries", "Country", "matching meeting", False, False, 6),
    "kinds": ("Meeting kinds", "Kind", "matching meeting", False, False, 5),
    "tags": ("My tags", "Tag", "matching statement", False, False, 8),
}


class FilterSidebar(QWidget):
    """Search, chips, facets and dates over one FilterState; see the module docstring."""

    #: Facet counts arrived (tests and the status bar may wait for it).
    facets_updated = Signal(object)
    #: The ranked search hits arrived and are listed (list[SearchHit]).
    results_updated = Signal(object)
    #: The newest matching statements are listed while the ranking runs (list[SearchHit]).
    results_previewed = Signal(object)
    #: A search hit was chosen: (node kind, node id), e.g. ("item", 42).
    result_activated = Signal(str, int)
    #: A person's context menu was asked for in the people facet: (person id, name, global pos).
    person_menu_requested = Signal(int, str, QPoint)
    #: "Show Timeline" on an issue of the Issues list: (issue id, name).
    issue_timeline_requested = Signal(int, str)

    def __init__(self, filter_state: FilterState, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterSidebar")
        self.setAccessibleName("Filters")
        self.filter_state = filter_state
        self.tasks = tasks
        self.facets: queries.Facets | None = None
        # Labels of values seen in facet results, for chips of values no longer counted.
        self._labels: dict[str, dict[Any, str]] = {facet: {} for facet in _FACETS}
        self._labels["kinds"].update(MEETING_KINDS)
        self._applied_text = filter_state.filter.text
        self._search_serial = 0

        # Search box and its hint.
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("Search statements…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.addAction(icons.action_icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search_box.setAccessibleName("Search statements")
        self.search_box.setToolTip(
            "Words must all occur; \"exact phrase\", word* (prefix), a OR b, -word (exclude).\n"
            "The search starts when you pause typing; Enter searches at once.")
        self.search_box.setText(filter_state.filter.text)
        self.search_hint = QLabel(self)
        self.search_hint.setObjectName("searchHint")
        self.search_hint.setWordWrap(True)
        self.search_hint.setAccessibleName("Search hint")
        font = self.search_hint.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.search_hint.setFont(font)
        self.search_hint.setStyleSheet("color: palette(placeholder-text);")
        self.search_hint.hide()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search_box.textEdited.connect(lambda _text: self._search_timer.start())
        self.search_box.returnPressed.connect(self._apply_search)
        self.results = SearchResultsView(self)
        self.results.hide()  # only while there is search text
        self.results.result_activated.connect(self.result_activated)

        # Active filters.
        self.filters_header = QWidget(self)
        header_layout = QHBoxLayout(self.filters_header)
        header_layout.setContentsMargins(0, 0, 0, 0)
        self.filters_label = QLabel("Active filters", self.filters_header)
        self.filters_label.setStyleSheet("color: palette(placeholder-text);")
        self.clear_button = QToolButton(self.filters_header)
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setText("Clear all")
        self.clear_button.setIcon(icons.action_icon("clear_filters"))
        self.clear_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.clear_button.setAutoRaise(True)
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.clear_button.setAccessibleName("Clear all filters")
        self.clear_button.setToolTip("Remove every filter and show the whole archive")
        self.clear_button.clicked.connect(filter_state.clear)
        header_layout.addWidget(self.filters_label)
        header_layout.addStretch(1)
        header_layout.addWidget(self.clear_button)
        self.chips = ChipBar(self)
        self.chips.remove_requested.connect(self._remove_chip)

        # Facets and dates, in a scroll area of their own.
        self.sections: dict[str, FacetSection] = {}
        self.models: dict[str, FacetModel] = {}
        facets_panel = QWidget()
        facets_panel.setObjectName("facetsPanel")
        facets_layout = QVBoxLayout(facets_panel)
        facets_layout.setContentsMargins(0, 0, 4, 0)
        facets_layout.setSpacing(6)
        for facet, (title, _prefix, noun, hierarchical, quick, rows) in _FACETS.items():
            model = FacetModel(facet, noun, hierarchical=hierarchical, parent=self)
            model.toggle_requested.connect(lambda key, facet=facet: filter_state.toggle(facet, key))
            section = FacetSection(title, model, quick_filter=quick, max_rows=rows, parent=facets_panel)
            self.models[facet] = model
            self.sections[facet] = section
            facets_layout.addWidget(section)
        self.dates_section = CollapsibleSection("Dates held", "dates", facets_panel)
        self.dates = DateRangeEditor(self.dates_section.body)
        self.dates_section.body_layout.addWidget(self.dates)
        self.dates.range_changed.connect(
            lambda start, end: filter_state.update(date_from=start, date_to=end))
        facets_layout.addWidget(self.dates_section)
        facets_layout.addStretch(1)
        self.facets_layout = facets_layout  # insert_panel adds to it
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("facetsScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(facets_panel)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 2, 6)
        layout.setSpacing(4)
        layout.addWidget(self.search_box)
        layout.addWidget(self.search_hint)
        layout.addWidget(self.results)
        layout.addWidget(self.filters_header)
        layout.addWidget(self.chips)
        layout.addWidget(self.scroll, 1)
        self.setMinimumWidth(200)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

        people = self.sections["people"].view
        people.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        people.customContextMenuRequested.connect(self._person_menu)
        issues_view = self.sections["issues"].view
        issues_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        issues_view.customContextMenuRequested.connect(
            lambda pos: self._exec_menu(self.issue_menu(issues_view.indexAt(pos)),
                                        issues_view.viewport().mapToGlobal(pos)))

        filter_state.changed.connect(self._filter_changed)
        self._show_filter(filter_state.filter)
        self.refresh()

    # -- public API ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute the facet counts for the current filter (after a change or an import)."""
        f = self.filter_state.filter
        self.tasks.run(lambda conn: queries.facets(conn, f), self._show_facets,
                       on_error=self._facets_failed, key="facets")
        self._search(f)

    def insert_panel(self, widget: QWidget, *, before: QWidget | None = None) -> None:
        """Add a panel among the facets (saved searches, the notes filter), before another
        one (default: at the top)."""
        index = self.facets_layout.indexOf(before) if before is not None else 0
        self.facets_layout.insertWidget(max(index, 0), widget)

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the search box, its text selected for retyping."""
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def facet_view(self, facet: str) -> FacetView:
        """The view of a facet ('issues', 'people', 'countries', 'kinds')."""
        return self.sections[facet].view

    def label_of(self, facet: str, key: Any) -> str:
        """How a facet value is named in chips: "North Korea", "Koichiro Gemba (Japan)"."""
        label = self._labels.get(facet, {}).get(key)
        if label is not None:
            return label
        # Not counted yet (the first counts are on their way): an id until its name arrives.
        return {"issues": f"issue {key}", "people": f"person {key}",
                "tags": f"tag {key}"}.get(facet, str(key))

    def name_values(self, labels: dict[tuple[str, Any], str]) -> None:
        """Names for facet values the counts will not bring (a saved search's values the
        archive lacks), for their chips."""
        for (facet, key), label in labels.items():
            self._labels.setdefault(facet, {})[key] = label

    def _person_menu(self, pos: QPoint) -> None:
        view = self.sections["people"].view
        index = view.indexAt(pos)
        key = index.data(FACET_KEY_ROLE) if index.isValid() else None
        if key is not None:
            name = self.models["people"].label_of(key) or str(key)
            self.person_menu_requested.emit(int(key), name, view.viewport().mapToGlobal(pos))

    def issue_menu(self, index: QModelIndex) -> QMenu | None:
        """The context menu of a value of the Issues list (None off the values)."""
        key = index.siblingAtColumn(0).data(FACET_KEY_ROLE) if index.isValid() else None
        if not isinstance(key, int):
            return None
        name = self.label_of("issues", key)
        menu = QMenu(self)
        menu.setObjectName("issueMenu")
        show = menu.addAction(f"Show &Timeline of “{name.replace('&', '&&')}”")
        show.setToolTip("Its statements (and those on narrower issues) through time, by country "
                        "or speaker")
        show.triggered.connect(lambda: self.issue_timeline_requested.emit(key, name))
        checked = key in self.filter_state.filter.issues
        toggle = menu.addAction("&Remove from the Filter" if checked else "&Filter by It")
        toggle.triggered.connect(lambda: self.filter_state.toggle("issues", key))
        return menu

    @staticmethod
    def _exec_menu(menu: QMenu | None, where: QPoint) -> None:
        if menu is not None:
            menu.exec(where)
            menu.deleteLater()

    # -- filter -> controls ----------------------------------------------------------------

    def _filter_changed(self, f: Filter) -> None:
        self._show_filter(f)
        self.refresh()

    def _show_filter(self, f: Filter) -> None:
        if f.text != self._applied_text:  # changed elsewhere (a chip, Clear all, a restore)
            self._search_timer.stop()
            self._applied_text = f.text
            self.search_box.setText(f.text)
            self.search_hint.hide()
        for facet, model in self.models.items():
            selected = getattr(f, facet)
            model.set_selected(selected)
            self.sections[facet].set_selected_count(len(selected))
        self.dates.set_range(f.date_from, f.date_to)
        self._show_chips(f)

    def _show_chips(self, f: Filter) -> None:
        specs: list[ChipSpec] = []
        if f.text.strip():
            specs.append(ChipSpec("text", None, f"Search: “{f.text.strip()}”"))
        for facet, (_title, prefix, *_rest) in _FACETS.items():
            values = sorted(getattr(f, facet), key=lambda k, facet=facet: self.label_of(facet, k).casefold())
            specs.extend(ChipSpec(facet, key, f"{prefix}: {self.label_of(facet, key)}") for key in values)
        if f.date_from is not None:
            specs.append(ChipSpec("date_from", None, f"From {f.date_from.isoformat()}"))
        if f.date_to is not None:
            specs.append(ChipSpec("date_to", None, f"Until {f.date_to.isoformat()}"))
        if f.note_text.strip():
            specs.append(ChipSpec("note_text", None, f"Note: “{f.note_text.strip()}”"))
        if f.has_notes:
            specs.append(ChipSpec("has_notes", None, "With a note"))
        focused = QApplication.focusWidget()
        closing = [chip.close_button for chip in self.chips.chips]
        position = closing.index(focused) if focused in closing else None
        self.chips.set_chips(specs)
        remaining = [chip.close_button for chip in self.chips.chips]
        if position is not None and focused not in remaining:
            # A chip removed from the keyboard: the focus stays among the chips, not nowhere.
            target = remaining[min(position, len(remaining) - 1)] if remaining else self.search_box
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        active = bool(specs)
        self.filters_header.setVisible(active)
        self.chips.setVisible(active)
        self._fix_tab_order()

    def _fix_tab_order(self) -> None:
        # Chips are made after everything else; put them between the search box and the facets.
        chain: list[QWidget] = [self.search_box, self.results.list]
        chain += [chip.close_button for chip in self.chips.chips]
        chain.append(self.clear_button)
        chain.append(self.sections["issues"].header)
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- controls -> filter ----------------------------------------------------------------

    def _apply_search(self) -> None:
        self._search_timer.stop()
        text = self.search_box.text().strip()
        try:
            searchable = fts_query(text)
        except SearchHint as hint:
            self._show_hint(str(hint))
            return  # the filter keeps its last searchable text
        if searchable is None and text:
            self._show_hint("Nothing to search for yet: type a word (punctuation alone is ignored).")
            text = ""
        else:
            self.search_hint.hide()
        self._applied_text = text
        self.filter_state.update(text=text)

    def _show_hint(self, message: str) -> None:
        self.search_hint.setText(message)
        self.search_hint.show()

    def _remove_chip(self, facet: str, value: object) -> None:
        self.filter_state.remove(facet, value)

    # -- search results --------------------------------------------------------------------

    def _search(self, f: Filter) -> None:
        if not f.text.strip():
            self._search_serial += 1  # an answer still on its way is for text no longer there
            self.tasks.cancel("search-newest")  # and its query need not run to the end
            self.tasks.cancel("search")
            self.results.hide()
            self.results.set_hits([])
            return
        self._search_serial += 1
        serial = self._search_serial
        self.tasks.cancel("search")  # a ranking still running is for the old text: stop it
        # Ranking scores every match, seconds for a very common word; the newest matches come
        # straight from the index in order, so they are shown first. The ranking is queued
        # once they are in, so that it takes no worker the tree and the counts are waiting for.
        self.tasks.run(lambda conn: queries.search(conn, f, limit=RESULT_LIMIT, order="newest"),
                       lambda hits: self._show_newest(serial, f, hits),
                       on_error=lambda error: self._search_failed(serial, error),
                       key="search-newest", priority=URGENT)

    def _show_newest(self, serial: int, f: Filter, hits: list[queries.SearchHit]) -> None:
        if serial != self._search_serial:
            return
        self._show_results(serial, hits, ranked=False)
        self.tasks.run(lambda conn: queries.search(conn, f, limit=RESULT_LIMIT),
                       lambda ranked: self._show_results(serial, ranked, ranked=True),
                       on_error=lambda error: self._search_failed(serial, error),
                       key="search", priority=BACKGROUND)

    def _show_results(self, serial: int, hits: list[queries.SearchHit], *, ranked: bool) -> None:
        if serial != self._search_serial:
            return
        self.results.set_hits(hits, ranked=ranked)
        self._budget_results()
        self.results.show()
        (self.results_updated if ranked else self.results_previewed).emit(hits)

    def _search_failed(self, serial: int, error: Exception) -> None:
        if serial != self._search_serial:
            return
        self.results.hide()
        if isinstance(error, SearchHint):
            self._show_hint(str(error))
        else:
            self._show_hint(f"The search could not be run: {error}")

    def _budget_results(self) -> None:
        # At most about 40% of the sidebar's height, so that the facets stay usable at 1280x800.
        self.results.set_max_height(int(self.height() * 0.4))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._budget_results()

    # -- facet counts ----------------------------------------------------------------------

    def _show_facets(self, facets: queries.Facets) -> None:
        self.facets = facets
        f = self.filter_state.filter
        for facet, model in self.models.items():
            values = getattr(facets, facet)
            self._labels[facet].update((v.key, v.label) for v in values)
            model.set_values(values, getattr(f, facet), self._labels[facet])
        self.sections["issues"].reveal(f.issues)
        self.dates.set_bounds(facets.date_min, facets.date_max)
        self._show_chips(f)  # labels may have arrived for values chosen elsewhere
        self.facets_updated.emit(facets)

    def _facets_failed(self, error: Exception) -> None:
        if isinstance(error, SearchHint):
            self._show_hint(str(error))
        else:
            self._show_hint(f"The filter counts could not be computed: {error}")
