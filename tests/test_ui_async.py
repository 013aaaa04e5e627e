"""The window never waits for SQLite on a filter change: the old answer stays until the new one
has arrived, reads_settled says when it has, and a search shows its newest matches first."""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from archive_viewer.store import queries
from archive_viewer.store.connection import connect
from archive_viewer.store.filters import Filter
from archive_viewer.ui.main_window import MainWindow
from archive_viewer.ui.search_results import NEWEST_HEADER

TIMEOUT = 10_000


@pytest.fixture
def conn(samples_archive: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(samples_archive, readonly=True)
    yield connection
    connection.close()


@pytest.fixture
def window(qtbot: QtBot, samples_archive: Path) -> MainWindow:
    w = MainWindow(samples_archive)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.reads_settled, timeout=TIMEOUT):
        w.show()
    return w


def years_shown(window: MainWindow) -> list[str]:
    return [window.model.index(r, 0).data() for r in range(window.model.rowCount())]


def years_of(conn: sqlite3.Connection, f: Filter) -> list[str]:
    return [str(y.year) if y.year is not None else "Undated" for y in queries.years(conn, f)]


def test_reads_settled_after_start_up_with_the_tree_counts_and_totals_shown(
        qtbot: QtBot, samples_archive: Path, conn: sqlite3.Connection) -> None:
    window = MainWindow(samples_archive)
    qtbot.addWidget(window)
    assert window.model.rowCount() == 0  # nothing read on the GUI thread yet
    with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
        window.show()
    assert years_shown(window) == years_of(conn, Filter()) == ["2018", "2016", "2012", "2011", "2010"]
    assert window.current_node() is not None and window.current_node()[0] == "meeting"
    assert window.status_totals.text().startswith("9 meetings · 17 sections · 52 statements")
    kinds = window.sidebar.models["kinds"]
    assert sum(kinds.count_of(k) for k in kinds.value_keys()) == 9
    assert not window.status_busy.isVisible() and not window.reads_pending


def test_the_old_tree_stays_until_the_new_years_arrive_and_the_selection_survives(
        qtbot: QtBot, window: MainWindow, conn: sqlite3.Connection) -> None:
    meeting_id, kind, held_on = conn.execute(
        "SELECT id, kind, held_on FROM meetings WHERE held_on LIKE '2012-%' ORDER BY held_on LIMIT 1"
    ).fetchone()
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        assert window.select_node("meeting", meeting_id)
    year_index = window.model.index_for("year", 2012)
    assert window.tree.isExpanded(year_index)
    before = years_shown(window)

    f = Filter(kinds=frozenset({kind}))
    with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
        window.filter_state.set_filter(f)
        # No query ran on the GUI thread: the previous tree is still there, marked as updating.
        assert years_shown(window) == before and window.model.filter == Filter()
        assert window.status_busy.isVisibleTo(window) and window.reads_pending
    # Settled: the tree, the facet counts and the totals are those of the new filter.
    assert years_shown(window) == years_of(conn, f)
    assert window.model.filter == f
    assert window.current_node() == ("meeting", meeting_id)
    assert window.tree.isExpanded(window.model.index_for("year", int(held_on[:4])))
    expected = conn.execute("SELECT count(*) FROM meetings WHERE kind = ?", (kind,)).fetchone()[0]
    assert window.sidebar.models["kinds"].count_of(kind) == expected
    assert window.status_totals.text().startswith(f"{expected} meeting")
    assert not window.status_busy.isVisibleTo(window)


def test_a_quick_succession_of_filters_settles_on_the_last_one(
        qtbot: QtBot, window: MainWindow, conn: sqlite3.Connection) -> None:
    last = Filter(text="abduction")
    with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
        for f in (Filter(kinds=frozenset({"telephone_talk"})), Filter(text="nuclear"), last):
            window.filter_state.set_filter(f)
    assert years_shown(window) == years_of(conn, last)
    hits = queries.search(conn, last)
    assert [h.statement_id for h in window.sidebar.results.hits()] == [h.statement_id for h in hits]


def test_a_search_shows_the_newest_matches_first_then_the_ranked_ones(
        qtbot: QtBot, window: MainWindow, conn: sqlite3.Connection,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ranking = threading.Event()  # held shut: the ranking takes as long as the test wants
    real_search = queries.search

    def search(conn: sqlite3.Connection, f: Filter, *, limit: int = 50, order: str = "rank"
               ) -> list[queries.SearchHit]:
        if order == "rank":
            ranking.wait(TIMEOUT / 1000)
        return real_search(conn, f, limit=limit, order=order)

    monkeypatch.setattr(queries, "search", search)
    sidebar = window.sidebar
    try:
        with qtbot.waitSignal(sidebar.results_previewed, timeout=TIMEOUT):
            qtbot.keyClicks(sidebar.search_box, "minister")
        assert sidebar.results.header.text() == NEWEST_HEADER
        newest = [h.statement_id for h in sidebar.results.hits()]
        assert newest and newest == sorted(newest, reverse=True)
        assert sidebar.results.isVisible() and window.reads_pending
        with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
            ranking.set()
    finally:
        ranking.set()
    ranked = real_search(conn, Filter(text="minister"))
    assert [h.statement_id for h in sidebar.results.hits()] == [h.statement_id for h in ranked]
    assert sidebar.results.header.text() in (
        f"Best {len(ranked)} statements:", f"{len(ranked)} statements, best first:")


def test_the_detail_pane_shows_the_statements_of_a_new_selection_when_loaded(
        qtbot: QtBot, window: MainWindow, conn: sqlite3.Connection) -> None:
    item_id, text = conn.execute(
        "SELECT item_id, text FROM statements ORDER BY id DESC LIMIT 1").fetchone()
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        assert window.select_node("item", item_id)
    assert " ".join(text.split()[:6]) in " ".join(window.detail.plain_text().split())


def test_the_tree_has_uniform_row_heights(window: MainWindow) -> None:
    assert window.tree.uniformRowHeights()


def test_a_filter_change_reads_nothing_on_the_gui_thread_and_keeps_what_was_open(
        qtbot: QtBot, window: MainWindow, conn: sqlite3.Connection) -> None:
    meeting_id, section_id = conn.execute(
        "SELECT s.meeting_id, s.id FROM sections s JOIN meetings m ON m.id = s.meeting_id "
        "WHERE s.title IS NOT NULL ORDER BY m.held_on, s.ordinal LIMIT 1").fetchone()
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        assert window.select_node("section", section_id)
    meeting_index = window.model.index_for("meeting", meeting_id)
    assert window.tree.isExpanded(meeting_index)
    kind = conn.execute("SELECT kind FROM meetings WHERE id = ?", (meeting_id,)).fetchone()[0]

    executed: list[str] = []
    window._gui_connection().set_trace_callback(executed.append)
    try:
        with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
            window.filter_state.update(kinds={kind})
    finally:
        window._gui_connection().set_trace_callback(None)
    assert executed == []  # the years and the open nodes' rows were read on a worker
    assert window.current_node() == ("section", section_id)
    assert window.tree.isExpanded(window.model.index_for("meeting", meeting_id))


def test_an_expanded_year_gets_its_meetings_from_a_worker(
        qtbot: QtBot, window: MainWindow, conn: sqlite3.Connection) -> None:
    last_year = years_shown(window)[-1]
    year = window.model.index(window.model.rowCount() - 1, 0)
    assert year.data() == last_year and window.model.rowCount(year) == 0
    window.tree.expand(year)
    assert window.model.fetching(year)  # nothing read on the GUI thread: the rows are coming
    qtbot.waitUntil(lambda: window.model.rowCount(year) > 0, timeout=TIMEOUT)
    expected = conn.execute("SELECT count(*) FROM meetings WHERE held_on LIKE ?",
                            (f"{last_year}-%",)).fetchone()[0]
    assert window.model.rowCount(year) == expected and not window.model.fetching(year)


def test_a_meeting_expanded_before_its_sections_arrive_shows_them_and_stays_expanded(
        qtbot: QtBot, window: MainWindow, conn: sqlite3.Connection) -> None:
    # The view collapses the node for the insert and expands it again (a cheap layout): the
    # user must see it expanded, with its sections as rows right under it.
    year = window.model.index(0, 0)
    window.tree.expand(year)
    qtbot.waitUntil(lambda: window.model.rowCount(year) > 0, timeout=TIMEOUT)
    meeting = next(window.model.index(r, 0, year) for r in range(window.model.rowCount(year))
                   if window.model.rowCount(window.model.index(r, 0, year)) == 0)
    window.tree.expand(meeting)
    qtbot.waitUntil(lambda: window.model.rowCount(meeting) > 0, timeout=TIMEOUT)
    assert window.tree.isExpanded(meeting) and window.tree.isExpanded(year)
    kind, meeting_id = window.model.node_at(meeting)
    titles = [row[0] for row in conn.execute(
        "SELECT title FROM sections WHERE meeting_id = ? ORDER BY ordinal", (meeting_id,))]
    shown = [window.model.index(r, 0, meeting) for r in range(window.model.rowCount(meeting))]
    assert len(shown) == len(titles) > 0
    for index in shown:  # laid out as rows of the view, under the meeting
        assert window.tree.visualRect(index).top() > window.tree.visualRect(meeting).top()
        assert not window.tree.isRowHidden(index.row(), meeting)
    assert window.tree.indexBelow(meeting) == shown[0]
