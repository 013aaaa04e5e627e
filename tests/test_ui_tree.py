"""The meeting tree model on real archives: structure, laziness, filters, sorting, look-ups."""
from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTreeView
from pytestqt.qtbot import QtBot

from archive_viewer import paths
from archive_viewer.store import Archive
from archive_viewer.store.connection import connect
from archive_viewer.store.filters import Filter
from archive_viewer.ui import tree_model
from archive_viewer.ui.roles import NODE_ID_ROLE, NODE_KIND_ROLE
from archive_viewer.ui.tree_model import ArchiveTreeModel

#: Synthetic meetings added to 2013 in the large archive (more than two batches).
MANY = 450


def _import_samples(path: Path) -> Path:
    archive = Archive.open(path)
    try:
        archive.import_paths([paths.SAMPLES_DIR])
    finally:
        archive.close()
    return path


@pytest.fixture(scope="module")
def sample_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _import_samples(tmp_path_factory.mktemp("tree") / "a.sqlite")


@pytest.fixture(scope="module")
def large_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples plus MANY section-less meetings in 2013, two of them on each day."""
    path = _import_samples(tmp_path_factory.mktemp("tree-large") / "a.sqlite")
    conn = connect(path, readonly=False)
    conn.execute("BEGIN")
    for n in range(MANY):
        held = date(2013, 1, 1) + timedelta(days=n // 2)
        sha = hashlib.sha256(f"synthetic {n}".encode()).hexdigest()
        cursor = conn.execute(
            "INSERT INTO documents (source_path, file_name, sha256, format, size_bytes, raw_text, imported_at) "
            "VALUES (?, ?, ?, 'text', 0, '', '2024-01-01T00:00:00+00:00')",
            (f"/synthetic/{n}.txt", f"{n}.txt", sha))
        conn.execute(
            "INSERT INTO meetings (document_id, title, kind, held_on, location) VALUES (?, ?, ?, ?, ?)",
            (cursor.lastrowid, f"Synthetic meeting {n:03d} {'ZYX'[n % 3]}", "other", held.isoformat(),
             f"Place {n % 7}"))
    conn.execute("COMMIT")
    conn.close()
    return path


@pytest.fixture
def conn(sample_archive: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(sample_archive, readonly=True)
    yield connection
    connection.close()


@pytest.fixture
def model(conn: sqlite3.Connection) -> ArchiveTreeModel:
    m = ArchiveTreeModel(lambda: conn)
    m.set_filter(Filter())
    return m


def _fetch_all(model: ArchiveTreeModel, parent: QModelIndex | None = None) -> None:
    """Expand everything, as a user opening every node would."""
    if parent is None:
        parent = QModelIndex()
    while model.canFetchMore(parent):
        model.fetchMore(parent)
    for row in range(model.rowCount(parent)):
        _fetch_all(model, model.index(row, 0, parent))


def _shown(model: ArchiveTreeModel, kind: str, parent: QModelIndex | None = None) -> list[int]:
    """Keys of loaded nodes of ``kind``, in tree order."""
    if parent is None:
        parent = QModelIndex()
    keys: list[int] = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if index.data(NODE_KIND_ROLE) == kind:
            keys.append(index.data(NODE_ID_ROLE))
        keys += _shown(model, kind, index)
    return keys


def _issue_and_narrower(conn: sqlite3.Connection, name: str) -> list[int]:
    return [row[0] for row in conn.execute("""
        WITH RECURSIVE below(id) AS (SELECT id FROM issues WHERE name = ?
            UNION SELECT issues.id FROM issues JOIN below ON issues.parent_id = below.id)
        SELECT id FROM below""", (name,))]


# -- structure and the model tester --------------------------------------------------------------

def test_the_model_passes_the_model_tester_while_expanding_filtering_and_sorting(
        qtmodeltester, model: ArchiveTreeModel, conn: sqlite3.Connection) -> None:
    qtmodeltester.check(model)
    _fetch_all(model)
    north_korea = conn.execute("SELECT id FROM issues WHERE name = 'North Korea'").fetchone()[0]
    model.set_filter(Filter(issues=frozenset({north_korea})))
    _fetch_all(model)
    model.sort(tree_model.TITLE, Qt.SortOrder.AscendingOrder)
    model.sort(tree_model.STATEMENTS, Qt.SortOrder.DescendingOrder)
    model.set_filter(Filter(text="nuclear"))
    _fetch_all(model)
    model.sort(tree_model.DATE, Qt.SortOrder.DescendingOrder)
    model.set_filter(Filter())
    _fetch_all(model)
    assert len(_shown(model, "meeting")) == 9


def test_years_come_newest_first_and_a_year_expands_to_its_meetings(
        qtbot: QtBot, model: ArchiveTreeModel, conn: sqlite3.Connection) -> None:
    years = [model.index(row, 0).data(NODE_ID_ROLE) for row in range(model.rowCount())]
    expected_years = [int(y) for y, in conn.execute(
        "SELECT DISTINCT substr(held_on, 1, 4) FROM meetings ORDER BY 1 DESC")]
    assert years == expected_years
    assert model.index(0, 0).data() == str(expected_years[0])

    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    row_2012 = years.index(2012)
    year_index = model.index(row_2012, 0)
    assert model.rowCount(year_index) == 0 and model.hasChildren(year_index)  # nothing read yet
    view.expand(year_index)
    titles = [model.index(r, 0, year_index).data() for r in range(model.rowCount(year_index))]
    expected = [f"{held}  {title}" for held, title in conn.execute(
        "SELECT held_on, title FROM meetings WHERE held_on LIKE '2012-%' ORDER BY held_on DESC, id DESC")]
    assert titles == expected
    first = model.index(0, 0, year_index)
    assert first.data(NODE_KIND_ROLE) == "meeting"
    assert model.index(0, tree_model.DATE, year_index).data() == expected[0][:10]
    assert model.index(0, tree_model.PLACE, year_index).data() == "New York, United States"
    assert model.data(first, Qt.ItemDataRole.ToolTipRole).startswith("Japan-U.S.-ROK Trilateral")
    assert model.data(first, Qt.ItemDataRole.DecorationRole) is not None


def test_sections_and_items_appear_on_expand_and_sectionless_documents_show_items(
        model: ArchiveTreeModel, conn: sqlite3.Connection) -> None:
    _fetch_all(model)
    meeting_id = conn.execute("SELECT id FROM meetings WHERE title LIKE 'Japan-ROK Foreign%'").fetchone()[0]
    meeting = model.index_for("meeting", meeting_id)
    sections = [model.index(r, 0, meeting).data() for r in range(model.rowCount(meeting))]
    assert sections == ["1. North Korean Issues", "2. Japan-ROK Relations"]
    first_section = model.index(0, 0, meeting)
    items = [model.index(r, 0, first_section).data() for r in range(model.rowCount(first_section))]
    assert items[0].startswith("(1) Minister Kim expressed hope")
    assert model.index(0, tree_model.STATEMENTS, first_section).data() == "1"

    talk_id = conn.execute("SELECT id FROM meetings WHERE kind = 'telephone_talk'").fetchone()[0]
    talk = model.index_for("meeting", talk_id)
    kinds = {model.index(r, 0, talk).data(NODE_KIND_ROLE) for r in range(model.rowCount(talk))}
    assert kinds == {"item"}  # one untitled section: its items sit directly under the meeting


def test_an_issue_filter_leaves_exactly_the_meetings_and_sections_with_such_statements(
        model: ArchiveTreeModel, conn: sqlite3.Connection) -> None:
    issue_ids = _issue_and_narrower(conn, "North Korea")
    marks = ",".join("?" * len(issue_ids))
    tagged = f"""SELECT st.id, it.section_id, sec.meeting_id FROM statements AS st
                 JOIN items AS it ON it.id = st.item_id JOIN sections AS sec ON sec.id = it.section_id
                 WHERE st.id IN (SELECT statement_id FROM statement_issues WHERE issue_id IN ({marks}))"""
    rows = conn.execute(tagged, issue_ids).fetchall()
    expected_meetings = {meeting for _, _, meeting in rows}
    expected_statements = len(rows)
    assert 0 < len(expected_meetings) < 9

    model.set_filter(Filter(issues=frozenset({issue_ids[0]})))
    _fetch_all(model)
    assert set(_shown(model, "meeting")) == expected_meetings
    total = sum(int(model.index(r, tree_model.STATEMENTS, model.index(y, 0)).data())
                for y in range(model.rowCount())
                for r in range(model.rowCount(model.index(y, 0))))
    assert total == expected_statements
    shown_sections = set(_shown(model, "section"))
    untitled = {sid for sid, in conn.execute(
        "SELECT id FROM sections WHERE number IS NULL AND title IS NULL")}
    assert shown_sections == {section for _, section, _ in rows} - untitled


def test_index_for_loads_the_path_to_a_node_and_is_invalid_when_filtered_out(
        conn: sqlite3.Connection) -> None:
    model = ArchiveTreeModel(lambda: conn)
    model.set_filter(Filter())
    section_id, meeting_id, title = conn.execute("""
        SELECT sec.id, sec.meeting_id, sec.title FROM sections AS sec
        WHERE sec.title = 'Okinawa and Economic Issues'""").fetchone()
    index = model.index_for("section", section_id)
    assert index.isValid()
    assert index.data() == f"2. {title}"
    assert index.data(NODE_KIND_ROLE) == "section" and index.data(NODE_ID_ROLE) == section_id
    assert index.parent().data(NODE_ID_ROLE) == meeting_id
    assert index.parent().parent().data(NODE_ID_ROLE) == 2011
    assert model.index_for("year", 2011) == index.parent().parent()

    item_id = conn.execute("SELECT id FROM items WHERE section_id = ? ORDER BY ordinal", (section_id,)).fetchone()[0]
    assert model.index_for("item", item_id).parent() == index

    model.set_filter(Filter(kinds=frozenset({"telephone_talk"})))
    assert not model.index_for("section", section_id).isValid()
    assert not model.index_for("meeting", meeting_id).isValid()
    assert not model.index_for("meeting", 10**6).isValid()


def test_data_reads_no_sql(model: ArchiveTreeModel, conn: sqlite3.Connection) -> None:
    _fetch_all(model)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
                 Qt.ItemDataRole.TextAlignmentRole, NODE_KIND_ROLE, NODE_ID_ROLE]

        def visit(parent: QModelIndex) -> int:
            n = 0
            for row in range(model.rowCount(parent)):
                for column in range(model.columnCount(parent)):
                    for role in roles:
                        model.data(model.index(row, column, parent), role)
                n += 1 + visit(model.index(row, 0, parent))
            return n

        assert visit(QModelIndex()) > 50
    finally:
        conn.set_trace_callback(None)
    assert statements == []


# -- batches and sorting on a larger archive -------------------------------------------------------

def test_meetings_of_a_year_arrive_in_batches_and_sorting_rereads_in_the_new_order(
        qtmodeltester, large_archive: Path) -> None:
    conn = connect(large_archive, readonly=True)
    try:
        model = ArchiveTreeModel(lambda: conn)
        qtmodeltester.check(model)
        model.set_filter(Filter())  # the tester stays attached and checks every batch
        year = model.index_for("year", 2013)
        assert model.index(year.row(), tree_model.DATE).data() == f"{MANY} meetings"
        newest_first = [row[0] for row in conn.execute(
            "SELECT id FROM meetings WHERE held_on LIKE '2013-%' ORDER BY held_on DESC, id DESC")]
        assert len(newest_first) == MANY

        def keys() -> list[int]:
            return [model.index(r, 0, year).data(NODE_ID_ROLE) for r in range(model.rowCount(year))]

        loaded: list[int] = []
        while model.canFetchMore(year):
            model.fetchMore(year)
            loaded.append(model.rowCount(year))
        assert loaded == [200, 400, MANY]
        assert keys() == newest_first

        # A partly loaded year is read again from the other end when the order flips.
        model.set_filter(Filter())
        year = model.index_for("year", 2013)
        model.fetchMore(year)
        assert keys() == newest_first[:200]
        model.sort(tree_model.DATE, Qt.SortOrder.AscendingOrder)
        year = model.index_for("year", 2013)
        assert keys() == list(reversed(newest_first))[:200]
        model.fetchMore(year)
        model.fetchMore(year)
        assert keys() == list(reversed(newest_first))
        assert not model.canFetchMore(year)

        model.sort(tree_model.TITLE, Qt.SortOrder.DescendingOrder)
        titles = [model.index(r, 0, year).data() for r in range(model.rowCount(year))]
        bare = [t.split("  ", 1)[1] for t in titles]
        assert bare == sorted(bare, key=str.casefold, reverse=True)
        years = [model.index(r, 0).data(NODE_ID_ROLE) for r in range(model.rowCount())]
        assert years == sorted(years, reverse=True)
    finally:
        conn.close()


def test_a_view_with_sorting_enabled_keeps_expanded_nodes_and_selection(
        qtbot: QtBot, model: ArchiveTreeModel, conn: sqlite3.Connection) -> None:
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.sortByColumn(tree_model.DATE, Qt.SortOrder.DescendingOrder)
    meeting_id = conn.execute("SELECT id FROM meetings WHERE held_on = '2010-10-29'").fetchone()[0]
    index = model.index_for("meeting", meeting_id)
    view.expand(index.parent())
    view.setCurrentIndex(index)
    view.sortByColumn(tree_model.DATE, Qt.SortOrder.AscendingOrder)
    assert model.index(0, 0).data() == "2010"
    assert view.currentIndex().data(NODE_ID_ROLE) == meeting_id
    assert view.isExpanded(view.currentIndex().parent())
