"""The window's citations and links: Copy Citation As (remembered), the context menus, Copy
Link, opening an identifier (what `archive-viewer open` does), and the data-out commands."""
from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from archive_viewer import paths, store
from archive_viewer.citation import CSL_JSON_MIME, long_date
from archive_viewer.store.filters import Filter
from archive_viewer.ui import settings as keys
from archive_viewer.ui.main_window import MainWindow

TIMEOUT = 10_000
REFERENCE = "av:0e3ff97fcfd7"


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("samples") / "samples.sqlite"
    with store.Archive.open(path, create=True) as archive:
        assert not archive.import_paths([paths.SAMPLES_DIR]).failures
    return path


@pytest.fixture
def db(master: Path, tmp_path: Path) -> Path:
    path = tmp_path / "archive.sqlite"
    shutil.copy(master, path)
    return path


@pytest.fixture
def window(qtbot, db: Path) -> MainWindow:
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot, win)
    return win


def settle(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.tasks.is_busy() and window.detail.content is not None,
                    timeout=TIMEOUT)


def row_id(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def reference_section(db: Path, ordinal: int) -> int:
    return row_id(db, "SELECT s.id FROM sections s JOIN meetings m ON m.id = s.meeting_id "
                      "JOIN documents d ON d.id = m.document_id WHERE d.file_name LIKE '000%' "
                      f"AND s.ordinal = {ordinal}")


def open_and_wait(qtbot, window: MainWindow, identifier: str) -> None:
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        assert window.open_identifier(identifier)


TODAY = long_date(date.today().isoformat())
NOTE_S1_I3 = ("Ministry of Foreign Affairs of Japan, “Japan-ROK Foreign Ministers' Meeting "
              "(Overview),” press release, April 25, 2012, section 1, item (3), accessed "
              f"{TODAY}, 000_19a025d9c24d22f3.txt.")


# -- opening an identifier --------------------------------------------------------------------

def test_opening_an_identifier_selects_and_shows_its_node(qtbot, window: MainWindow,
                                                          db: Path) -> None:
    open_and_wait(qtbot, window, f"archive-viewer://av/{REFERENCE[3:]}/s2")
    assert window.current_node() == ("section", reference_section(db, 2))
    assert window.detail.title.full_text().startswith("2. Japan-ROK Relations")


def test_opening_a_statement_selects_its_text_in_its_item(qtbot, window: MainWindow,
                                                          db: Path) -> None:
    open_and_wait(qtbot, window, f"{REFERENCE}/s1/i4/p2")
    item = row_id(db, f"SELECT id FROM items WHERE section_id = {reference_section(db, 1)} "
                      "AND ordinal = 4")
    assert window.current_node() == ("item", item)
    qtbot.waitUntil(lambda: window.detail.browser.textCursor().hasSelection(), timeout=TIMEOUT)
    assert window.detail.browser.textCursor().selectedText() == (
        "Minister Gemba said that if the launch did take place, the international community, "
        "including the UN Security Council, would need to take appropriate measures.")
    assert window.detail.selected_node()[:2] == ("statement", row_id(
        db, f"SELECT id FROM statements WHERE item_id = {item} AND ordinal = 2"))


def test_a_link_to_a_record_the_filter_hides_clears_the_filter(qtbot, window: MainWindow,
                                                               db: Path) -> None:
    window.filter_state.update(kinds={"telephone_talk"})
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        window.open_identifier(f"{REFERENCE}/s1")
    assert window.filter_state.filter == Filter()
    assert window.current_node() == ("section", reference_section(db, 1))


def test_the_window_opened_with_an_identifier_starts_on_it(qtbot, db: Path) -> None:
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.detail.loaded, timeout=TIMEOUT):
        win.open_identifier(f"{REFERENCE}/s1/i3")  # before the first tree has arrived
    qtbot.waitUntil(lambda: win.current_node() is not None and win.current_node()[0] == "item",
                    timeout=TIMEOUT)
    assert win.detail.title.full_text().startswith("(3)")


@pytest.mark.parametrize(("text", "message"), [
    ("av:ffffffffffff/s1", "is not in this archive"),
    ("nonsense", "is not an Archive Viewer identifier"),
])
def test_an_identifier_that_names_nothing_here_is_explained(qtbot, window: MainWindow,
                                                            text: str, message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    assert not window.open_identifier(text)
    [box] = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert message in box.text()
    box.close()


# -- copying citations and links --------------------------------------------------------------

def test_the_chosen_style_is_remembered_and_used_by_copy_with_citation(
        qtbot, window: MainWindow, db: Path) -> None:
    open_and_wait(qtbot, window, f"{REFERENCE}/s1/i3")
    menu = window.citation_menu
    chicago = next(a for a in menu.actions() if a.text() == "Chicago &Note")
    chicago.trigger()
    assert QGuiApplication.clipboard().text() == NOTE_S1_I3
    assert window.settings.get(keys.CITATION_STYLE) == "chicago-note"
    QGuiApplication.clipboard().setText("")
    window.actions.copy_citation.trigger()  # Ctrl+Shift+C: the remembered style
    assert QGuiApplication.clipboard().text() == NOTE_S1_I3
    menu.aboutToShow.emit()
    assert [a.text() for a in menu.actions() if a.isChecked()] == ["Chicago &Note"]
    assert "Chicago Note" in window.statusBar().currentMessage()


def test_selected_text_is_cited_with_the_item_it_lies_in(qtbot, window: MainWindow) -> None:
    open_and_wait(qtbot, window, f"{REFERENCE}/s1")
    window.settings.set(keys.CITATION_STYLE, "chicago-note")
    browser = window.detail.browser
    browser.setTextCursor(browser.document().find("The two ministers shared the view"))
    window.actions.copy_citation.trigger()
    assert QGuiApplication.clipboard().text() == \
        f"The two ministers shared the view\n\n{NOTE_S1_I3}"


def test_csl_json_goes_to_the_clipboard_under_its_media_type_too(
        qtbot, window: MainWindow, db: Path) -> None:
    index = window.model.index_for("section", reference_section(db, 1))
    menu = window.tree_context_menu(index)
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    assert texts[:3] == ["Copy Citation (Short Reference)", "Copy Citation &As", "Copy Link"]
    as_menu = menu.actions()[1].menu()
    next(a for a in as_menu.actions() if a.text() == "&CSL-JSON (Zotero)").trigger()
    data = QGuiApplication.clipboard().mimeData()
    assert json.loads(bytes(data.data(CSL_JSON_MIME)).decode())[0]["id"] == f"{REFERENCE}/s1"
    assert json.loads(data.text())[0]["locator"] == "1"
    menu.deleteLater()


def test_copy_link_copies_a_link_that_opens_the_node_again(qtbot, window: MainWindow,
                                                           db: Path) -> None:
    open_and_wait(qtbot, window, f"{REFERENCE}/s2")
    window.actions.copy_link.trigger()
    link = QGuiApplication.clipboard().text()
    assert link == f"archive-viewer://av/{REFERENCE[3:]}/s2"
    assert [u.toString() for u in QGuiApplication.clipboard().mimeData().urls()] == [link]
    year = window.model.index(0, 0)
    window.tree.setCurrentIndex(year)
    settle(qtbot, window)
    open_and_wait(qtbot, window, link)
    assert window.current_node() == ("section", reference_section(db, 2))


def test_the_detail_panes_context_menu_offers_the_citation_commands(window: MainWindow) -> None:
    extra = window.detail.browser.extra_context_actions
    assert extra[0] is window.actions.copy_citation
    assert extra[1] is window.citation_menu
    assert extra[2] is window.actions.copy_link


# -- data out ---------------------------------------------------------------------------------

def test_export_statements_writes_the_filters_statements(qtbot, window: MainWindow,
                                                         tmp_path: Path) -> None:
    window.filter_state.update(kinds={"telephone_talk"})
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)
    out = tmp_path / "talks.csv"
    with qtbot.waitSignal(window.data_out.finished, timeout=TIMEOUT) as done:
        assert window.export_statements(out)
    assert done.args[0].rows == 3
    with open(out, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert {row["kind"] for row in rows} == {"telephone_talk"}
    assert "Saved 3 statements" in window.statusBar().currentMessage()


def test_a_failed_export_says_which_file_and_why(qtbot, window: MainWindow,
                                                 tmp_path: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    out = tmp_path / "missing folder" / "x.json"
    with qtbot.waitSignal(window.data_out.finished, timeout=TIMEOUT):
        window.export_statements(out)
    [box] = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert box.text() == f"Could not write {out}: No such file or directory."
    box.close()


def test_a_bundle_goes_out_of_one_archive_and_into_another(qtbot, window: MainWindow,
                                                           tmp_path: Path) -> None:
    bundle = tmp_path / "archive.json"
    with qtbot.waitSignal(window.data_out.finished, timeout=TIMEOUT):
        assert window.export_bundle(bundle)
    assert json.loads(bundle.read_text(encoding="utf-8"))["document_count"] == 9
    empty = tmp_path / "empty.sqlite"
    assert window.create_archive(empty)
    settle_tree = lambda: not window.tasks.is_busy()  # noqa: E731
    qtbot.waitUntil(settle_tree, timeout=TIMEOUT)
    assert window.model.rowCount() == 0
    with qtbot.waitSignal(window.data_out.finished, timeout=TIMEOUT):
        assert window.import_bundle(bundle)
    dialog = window.last_import_dialog
    assert dialog is not None and dialog.windowTitle() == "Bundle imported"
    assert dialog.headline.text().startswith("9 documents imported")
    dialog.close()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=TIMEOUT)
    # The archive was empty: its first meeting is shown, not "holds no meetings yet" any more.
    qtbot.waitUntil(lambda: window.current_node() is not None, timeout=TIMEOUT)
    assert window.current_node()[0] == "meeting"
