"""The filter sidebar on a real archive: search, chips, facets with counts, dates, keyboard."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit, QToolButton
from pytestqt.qtbot import QtBot

from archive_viewer.store.connection import connect
from archive_viewer.store.filters import Filter
from archive_viewer.store.queries import FacetValue
from archive_viewer.ui.filter_state import FilterState
from archive_viewer.ui.roles import FACET_COUNT_ROLE, FACET_KEY_ROLE
from archive_viewer.ui.sidebar import FilterSidebar
from archive_viewer.ui.sidebar_chips import FilterChip
from archive_viewer.ui.tasks import TaskRunner


@pytest.fixture(scope="module")
def sample_archive(samples_archive: Path) -> Path:
    return samples_archive


@pytest.fixture
def conn(sample_archive: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(sample_archive, readonly=True)
    yield connection
    connection.close()


@pytest.fixture
def state() -> FilterState:
    return FilterState()


@pytest.fixture
def tasks(sample_archive: Path) -> Iterator[TaskRunner]:
    runner = TaskRunner(sample_archive)
    yield runner
    runner.shutdown()
    runner.deleteLater()


@pytest.fixture
def sidebar(qtbot: QtBot, state: FilterState, tasks: TaskRunner) -> FilterSidebar:
    widget = FilterSidebar(state, tasks)
    qtbot.addWidget(widget)
    widget.resize(300, 800)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.facets is not None)
    return widget


def _counts(sidebar: FilterSidebar, facet: str) -> dict[object, int]:
    model = sidebar.models[facet]
    return {key: model.count_of(key) for key in model.value_keys()}


def _wait_for_counts(qtbot: QtBot, sidebar: FilterSidebar, state: FilterState | None = None) -> None:
    """Until the counts shown are those computed for the current filter."""
    qtbot.waitUntil(lambda: not sidebar.tasks.is_busy("facets"))


def _view_point(sidebar: FilterSidebar, facet: str, key: object) -> tuple[object, QPoint]:
    section = sidebar.sections[facet]
    index = section.proxy.mapFromSource(section.model.index_of(key))
    section.view.scrollTo(index)
    return section.view.viewport(), section.view.visualRect(index).center()


# -- search --------------------------------------------------------------------------------

def test_typing_in_the_search_box_filters_after_a_pause(
        qtbot: QtBot, sidebar: FilterSidebar, state: FilterState) -> None:
    box = sidebar.findChild(QLineEdit, "searchBox")
    assert box is sidebar.search_box
    changes: list[Filter] = []
    state.changed.connect(changes.append)
    qtbot.keyClicks(box, "nuclear test")
    assert state.filter.text == ""  # not on every keystroke
    qtbot.waitUntil(lambda: state.filter.text == "nuclear test")
    assert len(changes) == 1
    assert not sidebar.search_hint.isVisible()
    assert [chip.spec.text for chip in sidebar.chips.chips] == ["Search: “nuclear test”"]
    qtbot.mouseClick(box.findChild(QToolButton), Qt.MouseButton.LeftButton)  # the box's clear button
    qtbot.waitUntil(lambda: state.filter.text == "")


@pytest.mark.parametrize("typed", ["-japan", '"', "*", "-japan -china", "( - )"])
def test_a_query_that_cannot_be_searched_shows_a_hint_not_an_exception(
        qtbot: QtBot, sidebar: FilterSidebar, state: FilterState, typed: str) -> None:
    state.update(text="summit")
    sidebar.search_box.setText(typed)
    sidebar.search_box.returnPressed.emit()
    qtbot.waitUntil(lambda: sidebar.search_hint.isVisible())
    assert sidebar.search_hint.text()
    assert state.filter.text in ("summit", "")  # never a text the archive cannot search
    _wait_for_counts(qtbot, sidebar, state)


@pytest.mark.parametrize("typed", ["( AND", 'OR -"x"', "NEAR(japan korea)", "text:japan", "japan*  OR"])
def test_operators_and_punctuation_are_searched_as_plain_text(
        qtbot: QtBot, sidebar: FilterSidebar, state: FilterState, typed: str) -> None:
    qtbot.keyClicks(sidebar.search_box, typed)
    qtbot.waitUntil(lambda: state.filter.text == typed.strip())
    _wait_for_counts(qtbot, sidebar, state)
    assert not sidebar.search_hint.isVisible()  # nor did the facet counts fail


def test_focus_search_puts_the_cursor_in_the_box(qtbot: QtBot, sidebar: FilterSidebar) -> None:
    sidebar.search_box.setText("abc")
    sidebar.activateWindow()
    sidebar.focus_search()
    qtbot.waitUntil(lambda: sidebar.search_box.hasFocus())
    assert sidebar.search_box.selectedText() == "abc"


# -- chips and clear all -----------------------------------------------------------------------

def test_a_chip_close_button_removes_just_that_value(
        qtbot: QtBot, sidebar: FilterSidebar, state: FilterState, conn: sqlite3.Connection) -> None:
    north_korea, economy = (conn.execute("SELECT id FROM issues WHERE name = ?", (name,)).fetchone()[0]
                            for name in ("North Korea", "Economy and trade"))
    state.update(issues={north_korea, economy}, kinds={"summit_meeting"})
    _wait_for_counts(qtbot, sidebar, state)
    texts = [chip.spec.text for chip in sidebar.findChildren(FilterChip)]
    assert "Issue: North Korea" in texts and "Kind: Summit meeting" in texts
    chip = next(c for c in sidebar.chips.chips if c.spec.value == north_korea)
    qtbot.mouseClick(chip.close_button, Qt.MouseButton.LeftButton)
    assert state.filter.issues == {economy}
    assert state.filter.kinds == {"summit_meeting"}
    qtbot.waitUntil(lambda: len(sidebar.chips.chips) == 2)


def test_clear_all_empties_the_filter(qtbot: QtBot, sidebar: FilterSidebar, state: FilterState) -> None:
    state.update(text="nuclear", countries={"China"}, date_from=date(2011, 1, 1))
    clear = sidebar.findChild(QToolButton, "clearFilters")
    assert clear.isVisible()
    qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    assert state.filter == Filter()
    assert sidebar.search_box.text() == ""
    assert not clear.isVisible()
    assert sidebar.chips.chips == []


# -- facets ------------------------------------------------------------------------------------

def test_facets_list_values_with_counts_sorted_by_count(
        sidebar: FilterSidebar, conn: sqlite3.Connection) -> None:
    expected_kinds = dict(conn.execute("SELECT kind, count(*) FROM meetings GROUP BY kind"))
    assert _counts(sidebar, "kinds") == expected_kinds
    people = sidebar.models["people"]
    counts = [people.index(r, 0).data(FACET_COUNT_ROLE) for r in range(people.rowCount())]
    assert counts == sorted(counts, reverse=True)
    assert people.index(0, 1).data() == str(counts[0])
    issues = sidebar.models["issues"]
    top = {issues.index(r, 0).data() for r in range(issues.rowCount())}
    assert "North Korea" in top and "Nuclear test" not in top  # narrower issues nest


def test_the_count_column_fits_the_widest_count_without_eliding(
        qtbot: QtBot, sidebar: FilterSidebar) -> None:
    section = sidebar.sections["people"]
    model = section.model
    keys = model.value_keys()[:2]
    values = [FacetValue(keys[0], "A", 1_234_567), FacetValue(keys[1], "B", 3)]
    model.set_values(values, [])
    view = section.view
    needed = view.fontMetrics().horizontalAdvance("1,234,567")
    assert view.header().sectionSize(1) >= needed
    index = section.proxy.mapFromSource(model.index(0, 1))
    assert index.data() == "1,234,567"
    assert view.visualRect(index).width() >= needed  # shown whole, not "1,23…"
    # Counts of the same values shrink: the column follows without a reset.
    model.set_values([FacetValue(keys[0], "A", 12), FacetValue(keys[1], "B", 3)], [])
    assert view.header().sectionSize(1) < needed


def test_facet_counts_follow_the_other_facets_but_not_their_own(
        qtbot: QtBot, sidebar: FilterSidebar, state: FilterState, conn: sqlite3.Connection) -> None:
    kinds_before = _counts(sidebar, "kinds")
    viewport, point = _view_point(sidebar, "kinds", "telephone_talk")
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point)  # a click anywhere on the row
    assert state.filter.kinds == {"telephone_talk"}
    _wait_for_counts(qtbot, sidebar, state)
    expected_countries = dict(conn.execute("""
        SELECT mc.country, count(*) FROM meeting_countries AS mc JOIN meetings AS m ON m.id = mc.meeting_id
        WHERE m.kind = 'telephone_talk' GROUP BY mc.country"""))
    assert _counts(sidebar, "countries") == expected_countries
    assert _counts(sidebar, "kinds") == kinds_before  # its own selection does not narrow it
    check = sidebar.models["kinds"].index_of("telephone_talk").data(Qt.ItemDataRole.CheckStateRole)
    assert Qt.CheckState(check) == Qt.CheckState.Checked
    assert sidebar.sections["kinds"].header.text().endswith("1 selected")


def test_checking_an_issue_in_the_tree_with_the_keyboard(
        qtbot: QtBot, sidebar: FilterSidebar, state: FilterState, conn: sqlite3.Connection) -> None:
    north_korea = conn.execute("SELECT id FROM issues WHERE name = 'North Korea'").fetchone()[0]
    section = sidebar.sections["issues"]
    section.view.setFocus()
    section.view.setCurrentIndex(section.proxy.mapFromSource(section.model.index_of(north_korea)))
    qtbot.keyClick(section.view, Qt.Key.Key_Space)
    assert state.filter.issues == {north_korea}
    _wait_for_counts(qtbot, sidebar, state)
    # People counts now count only statements on North Korea (or narrower issues).
    expected_people = dict(conn.execute("""
        WITH RECURSIVE below(id) AS (SELECT ? UNION SELECT issues.id FROM issues JOIN below ON issues.parent_id = below.id),
        tagged AS (SELECT DISTINCT statement_id FROM statement_issues WHERE issue_id IN (SELECT id FROM below))
        SELECT person, count(*) FROM (
            SELECT st.speaker_id AS person FROM statements AS st WHERE st.id IN (SELECT statement_id FROM tagged)
                AND st.speaker_id IS NOT NULL
            UNION ALL
            SELECT p.person_id FROM statements AS st JOIN items AS it ON it.id = st.item_id
                JOIN sections AS sec ON sec.id = it.section_id
                JOIN participants AS p ON p.meeting_id = sec.meeting_id AND p.role = 'principal'
            WHERE st.is_joint = 1 AND st.id IN (SELECT statement_id FROM tagged))
        GROUP BY person""", (north_korea,)))
    assert _counts(sidebar, "people") == expected_people
    qtbot.keyClick(section.view, Qt.Key.Key_Return)  # Enter toggles as well
    assert state.filter.issues == frozenset()


def test_the_people_quick_filter_narrows_the_list(qtbot: QtBot, sidebar: FilterSidebar) -> None:
    section = sidebar.sections["people"]
    assert section.quick_filter is not None
    all_rows = section.proxy.rowCount()
    qtbot.keyClicks(section.quick_filter, "gemba")
    shown = [section.proxy.index(r, 0).data() for r in range(section.proxy.rowCount())]
    assert shown and all("Gemba" in label for label in shown) and len(shown) < all_rows
    assert section.proxy.index(0, 0).data(FACET_KEY_ROLE) is not None


def test_a_value_checked_elsewhere_shows_checked_and_survives_a_zero_count(
        qtbot: QtBot, sidebar: FilterSidebar, state: FilterState) -> None:
    state.update(countries={"China"}, kinds={"telephone_talk"})  # no telephone talk with China
    _wait_for_counts(qtbot, sidebar, state)
    model = sidebar.models["countries"]
    index = model.index_of("China")
    assert index.isValid() and model.count_of("China") == 0
    assert Qt.CheckState(index.data(Qt.ItemDataRole.CheckStateRole)) == Qt.CheckState.Checked


def test_the_date_range_sets_and_clears_bounds(
        qtbot: QtBot, sidebar: FilterSidebar, state: FilterState, conn: sqlite3.Connection) -> None:
    first = conn.execute("SELECT min(held_on) FROM meetings").fetchone()[0]
    dates = sidebar.dates
    assert dates.from_edit.date().toString("yyyy-MM-dd") == first and not dates.from_edit.isEnabled()
    qtbot.mouseClick(dates.to_enabled, Qt.MouseButton.LeftButton)
    assert dates.to_edit.isEnabled()
    last = conn.execute("SELECT max(held_on) FROM meetings").fetchone()[0]
    assert state.filter.date_to == date.fromisoformat(last)
    dates.to_edit.setDate(dates.to_edit.date().addYears(-5))
    qtbot.waitUntil(lambda: state.filter.date_to == date.fromisoformat(last).replace(year=int(last[:4]) - 5))
    chip = next(c for c in sidebar.chips.chips if c.spec.facet == "date_to")
    qtbot.mouseClick(chip.close_button, Qt.MouseButton.LeftButton)
    assert state.filter.date_to is None
    assert not dates.to_enabled.isChecked()


def test_controls_have_accessible_names_and_a_sensible_tab_order(
        qtbot: QtBot, sidebar: FilterSidebar, state: FilterState) -> None:
    state.update(kinds={"summit_meeting"})
    chip = sidebar.chips.chips[0]
    assert _tab_after(sidebar.search_box) is chip.close_button
    assert _tab_after(chip.close_button) is sidebar.clear_button
    assert _tab_after(sidebar.clear_button) is sidebar.sections["issues"].header
    for widget in (sidebar.search_box, sidebar.clear_button, chip.close_button, sidebar.dates.from_edit,
                   *[s.view for s in sidebar.sections.values()], *[s.header for s in sidebar.sections.values()]):
        assert widget.accessibleName(), widget.objectName()


def _tab_after(widget):  # type: ignore[no-untyped-def]
    nxt = widget.nextInFocusChain()
    while not (nxt.focusPolicy() & Qt.FocusPolicy.TabFocus) or not nxt.isVisibleTo(widget.window()):
        nxt = nxt.nextInFocusChain()
    return nxt


def test_the_sidebar_follows_filter_changes_made_elsewhere(
        qtbot: QtBot, sidebar: FilterSidebar, state: FilterState) -> None:
    state.set_filter(Filter(text="abduction", people=frozenset()))
    assert sidebar.search_box.text() == "abduction"
    assert [chip.spec.facet for chip in sidebar.chips.chips] == ["text"]
    state.update(text="")
    assert sidebar.search_box.text() == ""
    assert not sidebar.chips.isVisible()
    _wait_for_counts(qtbot, sidebar, state)


def test_the_issue_tree_expands_on_its_arrow_without_checking_anything(
        qtbot: QtBot, sidebar: FilterSidebar, state: FilterState, conn: sqlite3.Connection) -> None:
    north_korea = conn.execute("SELECT id FROM issues WHERE name = 'North Korea'").fetchone()[0]
    section = sidebar.sections["issues"]
    index = section.proxy.mapFromSource(section.model.index_of(north_korea))
    section.view.scrollTo(index)
    rect = section.view.visualRect(index)
    arrow = QPoint(rect.left() - section.view.indentation() // 2, rect.center().y())
    assert not section.view.isExpanded(index)
    qtbot.mouseClick(section.view.viewport(), Qt.MouseButton.LeftButton, pos=arrow)
    assert section.view.isExpanded(index)
    assert state.filter == Filter()
    narrower = [section.proxy.index(r, 0, index).data() for r in range(section.proxy.rowCount(index))]
    assert "Nuclear test" in narrower


def test_removing_chips_from_the_keyboard_keeps_the_focus_on_the_chips(
        qtbot: QtBot, sidebar: FilterSidebar, state: FilterState) -> None:
    state.update(countries={"China", "Japan"})
    sidebar.activateWindow()
    first = sidebar.chips.chips[0]
    first.close_button.setFocus()
    qtbot.waitUntil(first.close_button.hasFocus)
    qtbot.keyClick(first.close_button, Qt.Key.Key_Space)
    assert state.filter.countries == {"Japan"}
    qtbot.waitUntil(lambda: sidebar.chips.chips[0].close_button.hasFocus())
    qtbot.keyClick(sidebar.chips.chips[0].close_button, Qt.Key.Key_Space)
    assert state.filter == Filter()
    qtbot.waitUntil(sidebar.search_box.hasFocus)


def test_a_long_section_header_does_not_push_the_counts_out_of_sight(
        qtbot: QtBot, sidebar: FilterSidebar, state: FilterState) -> None:
    kinds = sidebar.models["kinds"]
    state.set_filter(Filter(kinds=frozenset(kinds.value_keys()[:1])))
    qtbot.waitUntil(lambda: "selected" in sidebar.sections["kinds"].header.text())
    sidebar.resize(230, 800)  # a narrow sidebar: the header's text is wider than the lists
    qtbot.wait(50)
    panel = sidebar.scroll.widget()
    assert panel.width() <= sidebar.scroll.viewport().width()
    view = sidebar.sections["kinds"].view
    count = view.model().index(0, 1)
    right = view.viewport().mapTo(sidebar.scroll.viewport(), view.visualRect(count).topRight())
    assert right.x() <= sidebar.scroll.viewport().width()  # the count is in sight
