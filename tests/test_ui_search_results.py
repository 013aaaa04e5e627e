"""Ranked search results under the search box: hits, bold matches, escaping, activation."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from archive_viewer import paths
from archive_viewer.store import Archive
from archive_viewer.ui.main_window import MainWindow
from archive_viewer.ui.search_results import SearchResultsModel, snippet_html

TIMEOUT = 10_000
HOSTILE = "The abduction <img src=x onerror=alert(1)> & <b>fake bold</b> </table> was raised."


@pytest.fixture(scope="module")
def archive_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search-results") / "a.sqlite"
    with Archive.open(path, create=True) as archive:
        summary = archive.import_paths([paths.SAMPLES_DIR])
    assert not summary.failures, summary.summary_line()
    return path


@pytest.fixture
def archive(archive_master: Path, tmp_path: Path) -> Path:
    path = tmp_path / "archive.sqlite"
    shutil.copy(archive_master, path)
    return path


@pytest.fixture
def window(qtbot: QtBot, archive: Path) -> MainWindow:
    w = MainWindow(archive)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: not w.tasks.is_busy(), timeout=TIMEOUT)
    return w


def search_for(qtbot: QtBot, window: MainWindow, text: str) -> list[object]:
    sidebar = window.sidebar
    with qtbot.waitSignal(sidebar.results_updated, timeout=TIMEOUT) as blocker:
        qtbot.keyClicks(sidebar.search_box, text)  # typed, then the debounce runs the search
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)
    return blocker.args[0]


def row_html(window: MainWindow, row: int) -> str:
    model = window.sidebar.results.model
    return str(model.data(model.index(row), SearchResultsModel.HTML_ROLE))


def test_typing_shows_ranked_hits_with_bold_matches(qtbot: QtBot, window: MainWindow) -> None:
    results = window.sidebar.results
    assert not results.isVisible()
    hits = search_for(qtbot, window, "abduction")
    assert hits, "the samples mention the abduction issue"
    assert results.isVisible() and results.list.isVisible()
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)  # bm25: best (lowest) first
    assert results.model.rowCount() == len(hits)
    assert "<b>abduction</b>" in row_html(window, 0).lower()
    display = results.model.data(results.model.index(0), Qt.ItemDataRole.DisplayRole)
    assert hits[0].meeting_title in display and "abduction" in display.lower()
    assert "\x02" not in display and "\x03" not in display


def test_activating_a_hit_selects_its_item_and_shows_it(qtbot: QtBot, window: MainWindow) -> None:
    hits = search_for(qtbot, window, "abduction")
    hit = hits[0]
    view = window.sidebar.results.list
    index = view.model().index(0, 0)
    view.scrollTo(index)
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    assert window.current_node() == ("item", hit.item_id)
    assert window.detail.node == ("item", hit.item_id)
    content = window.detail.content
    assert content is not None
    assert any(s.id == hit.statement_id for s in content.statements)
    assert "abduction" in window.detail.browser.toPlainText().lower()


def test_hostile_statement_text_is_escaped(qtbot: QtBot, tmp_path: Path, archive: Path) -> None:
    with sqlite3.connect(archive) as conn:
        statement_id = conn.execute("SELECT id FROM statements ORDER BY id LIMIT 1").fetchone()[0]
        conn.execute("UPDATE statements SET text = ? WHERE id = ?", (HOSTILE, statement_id))
    conn.close()  # the context manager only commits
    w = MainWindow(archive)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: not w.tasks.is_busy(), timeout=TIMEOUT)
    hits = search_for(qtbot, w, "abduction")
    rows = [h.statement_id for h in hits]
    assert statement_id in rows
    html = row_html(w, rows.index(statement_id))
    assert "<img" not in html and "</table>" not in html and "<b>fake" not in html
    assert "&lt;img" in html and "&amp;" in html
    assert "<b>abduction</b>" in html.lower()
    w.sidebar.results.list.viewport().grab()  # painting it is harmless too


def test_clearing_the_search_hides_the_list(qtbot: QtBot, window: MainWindow) -> None:
    search_for(qtbot, window, "abduction")
    results = window.sidebar.results
    assert results.isVisible()
    window.sidebar.search_box.clear()
    window.sidebar._apply_search()  # what the clear button's edit leads to after the debounce
    assert not results.isVisible()
    assert results.model.rowCount() == 0
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)
    assert not results.isVisible()


def test_no_hits_says_so(qtbot: QtBot, window: MainWindow) -> None:
    hits = search_for(qtbot, window, "zzyzxnotaword")
    assert hits == []
    assert window.sidebar.results.isVisible()
    assert not window.sidebar.results.list.isVisible()
    assert "No statement" in window.sidebar.results.header.text()


def test_list_height_is_capped(qtbot: QtBot, window: MainWindow) -> None:
    hits = search_for(qtbot, window, "minister")
    view = window.sidebar.results.list
    if len(hits) > 8:
        assert view.height() <= 8 * view.sizeHintForRow(0) + 2 * view.frameWidth()
    assert window.sidebar.results.height() <= window.sidebar.height() * 0.4 + 1


def test_snippet_html_unit() -> None:
    assert snippet_html("a <x> \x02b&c\x03 d") == "a &lt;x&gt; <b>b&amp;c</b> d"
    assert snippet_html("\x02open") == "<b>open</b>"  # an unbalanced mark is closed
    assert snippet_html("stray\x03 end") == "stray end"
