"""The main window driven as a user would: tree, detail, filters, settings, archives, keys."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from archive_viewer import paths, store
from archive_viewer.ui import settings
from archive_viewer.ui.main_window import MainWindow

REFERENCE_NAME = "000_19a025d9c24d22f3.txt"
TIMEOUT = 10_000


@pytest.fixture(scope="module")
def samples_archive_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("samples") / "samples.sqlite"
    with store.Archive.open(path, create=True) as archive:
        summary = archive.import_paths([paths.SAMPLES_DIR])
    assert not summary.failures, summary.summary_line()
    return path


@pytest.fixture
def samples_archive(samples_archive_master: Path, tmp_path: Path) -> Path:
    """A fresh copy of an archive holding every sample document."""
    path = tmp_path / "archive.sqlite"
    shutil.copy(samples_archive_master, path)
    return path


def open_window(qtbot, db_path: Path) -> MainWindow:
    window = MainWindow(db_path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    return window


def settle(qtbot, window: MainWindow) -> None:
    """Wait until every read the window started has come back."""
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)


def reference_ids(db_path: Path) -> tuple[int, list[int]]:
    """The reference document's meeting id and its section ids in order."""
    with sqlite3.connect(db_path) as conn:
        meeting = conn.execute(
            "SELECT m.id FROM meetings m JOIN documents d ON d.id = m.document_id "
            "WHERE d.file_name = ?", (REFERENCE_NAME,)).fetchone()[0]
        sections = [r[0] for r in conn.execute(
            "SELECT id FROM sections WHERE meeting_id = ? ORDER BY ordinal", (meeting,))]
    return meeting, sections


def select_in_tree(qtbot, window: MainWindow, kind: str, key: int) -> None:
    """Select a node the way the tree does it (current index), and wait for the detail."""
    index = window.model.index_for(kind, key)
    assert index.isValid(), (kind, key)
    if window.current_node() == (kind, key):
        settle(qtbot, window)  # already shown (or on its way)
        return
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        window.tree.setCurrentIndex(index)


def top_level_titles(window: MainWindow) -> list[str]:
    return [window.model.index(r, 0).data() for r in range(window.model.rowCount())]


def error_boxes(window: MainWindow) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox) if b.isVisible()]


# -- launch, tree and detail ---------------------------------------------------------------------

def test_launch_shows_years_totals_and_a_selection(qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    assert window.windowTitle() == "Archive Viewer — archive.sqlite"
    assert top_level_titles(window) == ["2018", "2016", "2012", "2011", "2010"]
    assert window.status_totals.text() == \
        f"9 meetings · 17 sections · 52 statements — {samples_archive}"
    assert window.current_node() is not None and window.current_node()[0] == "meeting"
    assert window.detail.content is not None


def test_section_statements_grouped_by_speaker_then_document_order(
        qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    _meeting, sections = reference_ids(samples_archive)
    select_in_tree(qtbot, window, "section", sections[0])

    body = window.detail.plain_text().split("1. North Korean Issues", 1)[1]
    names = ["Kim Sung-hwan", "Koichiro Gemba", "Joint"]
    assert [body.index(n) for n in names] == sorted(body.index(n) for n in names)
    assert "3 statements" in body  # Gemba's and the joint group
    assert "Japan-ROK Relations" not in body

    window.actions.document_order.trigger()
    assert window.detail.grouping == "document"
    body = window.detail.plain_text().split("1. North Korean Issues", 1)[1]
    assert body.index("Kim Sung-hwan: Minister Kim expressed hope") \
        < body.index("Koichiro Gemba: Minister Gemba congratulated") \
        < body.index("Joint: The two ministers shared the view")
    window.actions.group_by_speaker.trigger()
    assert window.detail.grouping == "speaker"


def test_side_by_side_from_the_menu_the_header_and_the_keyboard_and_kept(
        qtbot, samples_archive: Path) -> None:
    from PySide6.QtWidgets import QMenu, QToolButton

    window = open_window(qtbot, samples_archive)
    _meeting, sections = reference_ids(samples_archive)
    select_in_tree(qtbot, window, "section", sections[0])
    view = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&View")
    assert window.actions.side_by_side in view.actions()
    buttons = [b.defaultAction() for b in window.detail.findChildren(QToolButton)]
    assert buttons[-3:] == [window.actions.group_by_speaker, window.actions.document_order,
                            window.actions.side_by_side]
    assert window.actions.side_by_side.shortcut().toString() == "Ctrl+T"

    window.tree.setFocus()
    qtbot.keyClick(window.tree, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.detail.grouping == "sides"
    assert window.actions.side_by_side.isChecked() and not window.actions.document_order.isChecked()
    body = window.detail.plain_text().split("1. North Korean Issues", 1)[1]
    assert body.index("Japan") < body.index("Republic of Korea") < body.index("(1)")
    window.actions.document_order.trigger()
    assert not window.actions.side_by_side.isChecked()
    window.actions.side_by_side.trigger()
    window.close()

    again = open_window(qtbot, samples_archive)
    assert again.detail.grouping == "sides" and again.actions.side_by_side.isChecked()


def test_an_issue_filter_narrows_the_tree_and_the_totals(qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    with sqlite3.connect(samples_archive) as conn:
        issue = conn.execute("SELECT id FROM issues WHERE name = 'Abduction issue'").fetchone()[0]
        expected = {row[0] for row in conn.execute(
            "SELECT DISTINCT se.meeting_id FROM statement_issues si "
            "JOIN issues i ON i.id = si.issue_id "
            "JOIN statements s ON s.id = si.statement_id JOIN items it ON it.id = s.item_id "
            "JOIN sections se ON se.id = it.section_id WHERE i.id = ? OR i.parent_id = ?",
            (issue, issue))}
    assert expected
    with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):  # tree, counts and totals
        window.filter_state.update(issues={issue})
    shown = set()
    for year_row in range(window.model.rowCount()):
        year = window.model.index(year_row, 0)
        while window.model.canFetchMore(year):
            window.model.fetchMore(year)  # the rows come from a worker
            qtbot.waitUntil(lambda year=year: not window.model.fetching(year), timeout=TIMEOUT)
        for row in range(window.model.rowCount(year)):
            shown.add(window.model.node_at(window.model.index(row, 0, year))[1])
    assert shown == expected
    assert window.status_totals.text().startswith(f"{len(expected)} meeting")

    with qtbot.waitSignal(window.totals_shown, timeout=TIMEOUT):
        window.actions.clear_filters.trigger()
    assert window.status_totals.text().startswith("9 meetings")


def test_a_search_marks_and_highlights_matching_statements(qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    _meeting, sections = reference_ids(samples_archive)
    select_in_tree(qtbot, window, "section", sections[0])

    window.actions.find.trigger()
    box = window.sidebar.search_box
    assert box.hasFocus() or QGuiApplication.focusObject() is box
    with qtbot.waitSignals([window.detail.loaded, window.reads_settled], timeout=TIMEOUT):
        qtbot.keyClicks(box, "abduction")  # applied after the pause in typing
    assert window.current_node() == ("section", sections[0])  # survives the filter change
    marked = [s.text[:40] for s in window.detail.content.statements if s.matches]
    assert marked == ["Minister Gemba expressed gratitude to Mi"]
    html = window.detail.browser.toHtml()
    assert ">abduction</span>" in html  # the word is highlighted
    settle(qtbot, window)
    with sqlite3.connect(samples_archive) as conn:
        count = conn.execute("SELECT count(*) FROM statements WHERE text LIKE '%abduction%'"
                             ).fetchone()[0]
    assert f" · {count} statements — " in window.status_totals.text()


def test_a_filter_hiding_the_selection_says_so(qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    _meeting, sections = reference_ids(samples_archive)
    select_in_tree(qtbot, window, "section", sections[1])
    window.filter_state.update(kinds={"telephone_talk"})
    settle(qtbot, window)
    assert window.current_node() is None
    assert "does not match the filter" in window.detail.plain_text()


# -- copying --------------------------------------------------------------------------------

def test_copy_with_citation_puts_text_and_reference_on_the_clipboard(
        qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    _meeting, sections = reference_ids(samples_archive)
    select_in_tree(qtbot, window, "section", sections[0])
    browser = window.detail.browser
    browser.setTextCursor(browser.document().find("The two ministers shared the view"))
    window.actions.copy_citation.trigger()
    assert QGuiApplication.clipboard().text() == (
        "The two ministers shared the view\n"
        "— Japan-ROK Foreign Ministers' Meeting (Overview), 2012-04-07, "
        f"section 1 North Korean Issues, {REFERENCE_NAME}")


def test_copy_with_citation_without_text_selected_cites_the_tree_node(
        qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    _meeting, sections = reference_ids(samples_archive)
    select_in_tree(qtbot, window, "section", sections[1])
    window.actions.copy_citation.trigger()
    assert QGuiApplication.clipboard().text() == (
        "Japan-ROK Foreign Ministers' Meeting (Overview), 2012-04-07, "
        f"section 2 Japan-ROK Relations, {REFERENCE_NAME}")


def test_copy_with_citation_with_nothing_to_cite_explains(qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    window.tree.setCurrentIndex(window.model.index(0, 0))  # a year: no record to cite
    QGuiApplication.clipboard().setText("unchanged")
    window.actions.copy_citation.trigger()
    assert QGuiApplication.clipboard().text() == "unchanged"
    assert "Select a meeting, section or item" in window.statusBar().currentMessage()


# -- archives ---------------------------------------------------------------------------------

@pytest.fixture
def bad_archives(tmp_path: Path, samples_archive_master: Path) -> dict[str, Path]:
    text = tmp_path / "notes.sqlite"
    text.write_text("just text")
    newer = tmp_path / "newer.sqlite"
    shutil.copy(samples_archive_master, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 999")
    readonly = tmp_path / "readonly.sqlite"
    shutil.copy(samples_archive_master, readonly)
    readonly.chmod(0o444)
    return {"not an archive": text, "newer schema": newer, "read-only": readonly,
            "missing": tmp_path / "gone.sqlite"}


@pytest.mark.parametrize("case", ["not an archive", "newer schema", "read-only", "missing"])
def test_a_file_that_cannot_be_opened_leaves_the_open_archive(
        qtbot, samples_archive: Path, bad_archives: dict[str, Path], case: str) -> None:
    window = open_window(qtbot, samples_archive)
    bad = bad_archives[case]
    before = bad.read_bytes() if bad.exists() else None

    assert window.open_archive(bad) is False
    boxes = error_boxes(window)
    assert len(boxes) == 1 and boxes[0].windowTitle() == "Cannot open the archive"
    words = {"not an archive": "not an Archive Viewer archive", "newer schema": "newer",
             "read-only": "read-only", "missing": "does not exist"}[case]
    assert words in boxes[0].text()
    assert str(samples_archive) in boxes[0].informativeText()  # "... stays open"
    assert window.db_path == samples_archive
    assert top_level_titles(window) == ["2018", "2016", "2012", "2011", "2010"]
    assert (bad.read_bytes() if bad.exists() else None) == before  # left untouched
    boxes[0].close()


def test_open_and_new_archive_switch_the_window(qtbot, samples_archive: Path,
                                                tmp_path: Path) -> None:
    window = open_window(qtbot, samples_archive)
    empty = tmp_path / "new" / "empty.sqlite"
    with qtbot.waitSignal(window.archive_opened, timeout=TIMEOUT):
        assert window.create_archive(empty)
    settle(qtbot, window)
    assert empty.exists() and window.db_path == empty
    assert window.windowTitle() == "Archive Viewer — empty.sqlite"
    assert window.model.rowCount() == 0
    assert "no meetings yet" in window.detail.plain_text()
    assert window.status_totals.text() == f"0 meetings · 0 sections · 0 statements — {empty}"
    assert window.create_archive(empty) is False  # never over an existing file
    error_boxes(window)[0].close()

    assert window.open_archive(samples_archive)
    settle(qtbot, window)
    assert window.model.rowCount() == 5
    assert [p for p in window.settings.recent_archives()][:2] == [samples_archive, empty]


def test_a_window_on_a_file_that_is_no_archive(qtbot, tmp_path: Path) -> None:
    not_archive = tmp_path / "notes.sqlite"
    not_archive.write_text("just text")
    window = open_window(qtbot, not_archive)
    assert "could not be opened" in window.detail.plain_text()
    assert window.model.rowCount() == 0
    assert not window.actions.import_files.isEnabled()
    assert not_archive.read_text() == "just text"


# -- settings ---------------------------------------------------------------------------------

def test_layout_and_view_options_are_restored_on_relaunch(qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    window.resize(770, 560)  # the offscreen screen is 800×600: a size that fits it
    window.splitter.setSizes([210, 250, 300])
    qtbot.wait(10)
    sizes = window.splitter.sizes()
    window.actions.document_order.trigger()
    window.actions.text_larger.trigger()
    _meeting, sections = reference_ids(samples_archive)
    select_in_tree(qtbot, window, "section", sections[1])
    window.close()

    again = open_window(qtbot, samples_archive)
    assert again.size() == window.size()
    assert again.splitter.sizes() == sizes
    assert again.detail.grouping == "document"
    assert again.actions.document_order.isChecked()
    assert again.settings.get(settings.TEXT_SIZE) == 1
    assert again.detail.browser.font().pointSizeF() == window.detail.browser.font().pointSizeF()
    assert again.current_node() == ("section", sections[1])  # the last node shown


def test_hidden_sidebar_stays_hidden_and_comes_back_at_its_width(
        qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    width = window.splitter.sizes()[0]
    window.actions.toggle_sidebar.trigger()
    assert not window.sidebar.isVisible()
    window.close()
    again = open_window(qtbot, samples_archive)
    assert not again.sidebar.isVisible() and not again.actions.toggle_sidebar.isChecked()
    again.actions.find.trigger()  # Ctrl+F shows the sidebar to search
    assert again.sidebar.isVisible()
    assert abs(again.splitter.sizes()[0] - width) <= 2


def test_broken_settings_fall_back_to_defaults(qtbot, samples_archive: Path) -> None:
    from PySide6.QtCore import QSettings

    store_ = QSettings()
    store_.setValue("window/geometry", "garbage")
    store_.setValue("window/splitter_sizes", ["a", "b"])
    store_.setValue("view/grouping", "sideways")
    store_.setValue("view/text_size", 400)
    store_.sync()
    window = open_window(qtbot, samples_archive)
    assert window.detail.grouping == "speaker"
    assert all(size > 0 for size in window.splitter.sizes())
    assert window.width() > 400


# -- keyboard and accessibility -----------------------------------------------------------------

def test_every_pane_is_reachable_from_the_keyboard(qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    window.activateWindow()
    window.focus_pane(1)
    assert window.tree.hasFocus()
    window.actions.next_pane.trigger()
    assert window.detail.browser.hasFocus()
    window.actions.next_pane.trigger()
    assert window.sidebar.search_box.hasFocus()
    window.actions.previous_pane.trigger()
    assert window.detail.browser.hasFocus()
    window.actions.focus_tree.trigger()
    assert window.tree.hasFocus()


def test_shortcuts_are_unique_and_the_main_ones_are_standard() -> None:
    from PySide6.QtGui import QKeySequence

    from archive_viewer.ui.actions import SPECS

    seen: dict[str, str] = {}
    for spec in SPECS:
        for key in spec.shortcuts:
            text = QKeySequence(key).toString()
            assert text not in seen, f"{text} is used by {seen[text]} and {spec.name}"
            seen[text] = spec.name
    for key, name in (("Ctrl+O", "open_archive"), ("Ctrl+I", "import_files"),
                      ("Ctrl+F", "find"), ("Ctrl+Q", "quit"), ("F6", "next_pane")):
        assert seen[key] == name


def test_panes_and_controls_have_accessible_names(qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    for widget in (window.sidebar, window.tree, window.detail.browser, window.status_totals,
                   window.toolbar, window.sidebar.search_box):
        assert widget.accessibleName(), widget.objectName()
    for action in (window.actions.import_files, window.actions.copy_citation):
        assert action.toolTip() and action.statusTip()


def test_help_dialogs(qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    window.actions.about.trigger()
    about = [b for b in window.findChildren(QMessageBox) if b.objectName() == "aboutDialog"][0]
    assert str(samples_archive) in about.text()
    about.close()
    window.actions.shortcuts.trigger()
    from archive_viewer.ui.dialogs import ShortcutsDialog
    dialog = window.findChild(ShortcutsDialog)
    rows = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert "Copy with Citation" in rows and "Import Documents…" in rows
    keys = {dialog.table.item(r, 1).text(): dialog.table.item(r, 2).text()
            for r in range(dialog.table.rowCount())}
    assert keys["Side by Side"] == "Ctrl+T"
    dialog.close()


def test_recent_archives_menu(qtbot, samples_archive: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, samples_archive)
    other = tmp_path / "other.sqlite"
    assert window.create_archive(other)
    window.recent_menu.aboutToShow.emit()
    labels = [a.text() for a in window.recent_menu.actions() if a.text()]
    assert labels[0].startswith("&1  other.sqlite") and labels[1].startswith("&2  archive.sqlite")
    with qtbot.waitSignal(window.archive_opened, timeout=TIMEOUT):
        window.recent_menu.actions()[1].trigger()
    assert window.db_path == samples_archive
    settle(qtbot, window)


def test_drop_target_accepts_local_files_only(qtbot, samples_archive: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent

    window = open_window(qtbot, samples_archive)
    for urls, accepted in (([QUrl.fromLocalFile("/tmp/x.txt")], True),
                           ([QUrl("https://example.invalid/x.html")], False)):
        data = QMimeData()
        data.setUrls(urls)
        event = QDragEnterEvent(QPointF(10, 10).toPoint(), Qt.DropAction.CopyAction, data,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        window.dragEnterEvent(event)
        assert event.isAccepted() is accepted


def test_a_year_lists_its_meetings(qtbot, samples_archive: Path) -> None:
    window = open_window(qtbot, samples_archive)
    select_in_tree(qtbot, window, "year", 2012)
    text = window.detail.plain_text()
    assert "3 meetings match the filter" in text
    assert "Japan-U.S.-ROK Trilateral Foreign Ministers' Meeting (Overview)" in text


def test_the_last_archive_is_opened_again_unless_it_is_gone(samples_archive: Path,
                                                            tmp_path: Path) -> None:
    from archive_viewer.ui.app import archive_to_open

    prefs = settings.AppSettings()
    prefs.remember_archive(samples_archive)
    assert archive_to_open(None, prefs) == samples_archive
    assert archive_to_open(tmp_path / "given.sqlite", prefs) == tmp_path / "given.sqlite"
    prefs.remember_archive(tmp_path / "gone.sqlite")
    assert archive_to_open(None, prefs) == paths.default_archive_path()


HOSTILE = ('He said <script>alert("x")</script> and <img src="http://example.invalid/t.png"> '
           '<a href="javascript:alert(1)">click</a>')


def _hostile_meeting(data: bytes, name: str):  # a Parser: a document full of markup
    from datetime import date

    from archive_viewer.ingest.model import Item, Meeting, Person, Section, Statement

    evil = Person("<b>Evil</b> Minister", "<i>Title</i>", "Japan", "principal")
    return Meeting(
        title="<h1>Injected</h1> Meeting", kind="other", published_on=None,
        held_on=date(2013, 1, 2), location="<u>Nowhere</u>", occasion=None, countries=["Japan"],
        principals=[evil], attendees=[], summary="<style>body{display:none}</style>",
        sections=[Section("1", "<img src=http://example.invalid/h.png>",
                          [Item("(1)", None, HOSTILE, [Statement(HOSTILE, evil.name)])])])


def test_markup_in_a_document_is_shown_as_text_and_fetches_nothing(qtbot, tmp_path: Path) -> None:
    document = tmp_path / "evil.txt"
    document.write_text("whatever")
    db = tmp_path / "evil.sqlite"
    with store.Archive.open(db, create=True, parser=_hostile_meeting) as archive:
        assert not archive.import_document(document).failed
    window = open_window(qtbot, db)
    with sqlite3.connect(db) as conn:
        meeting_id = conn.execute("SELECT id FROM meetings").fetchone()[0]
    select_in_tree(qtbot, window, "meeting", meeting_id)

    text = window.detail.plain_text()
    for literal in (HOSTILE, "<h1>Injected</h1> Meeting", "<b>Evil</b> Minister",
                    "<u>Nowhere</u>", "<style>body{display:none}</style>",
                    "<img src=http://example.invalid/h.png>"):
        assert literal in text
    assert window.detail.browser.resource_requests == []
    shown = window.detail.browser.toHtml()
    assert "<img" not in shown and 'href="javascript' not in shown
