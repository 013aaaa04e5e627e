"""Notes, tags and saved searches in the window: added from menus and keys, shown beside the
records as text, undone and redone, filtered in the sidebar; saved searches counted, with
what an import brought marked new when opened."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox

from archive_viewer import paths, store
from archive_viewer.store import notes, saved_searches
from archive_viewer.store.filters import Filter
from archive_viewer.ui.actions import shortcut_rows
from archive_viewer.ui.main_window import MainWindow
from archive_viewer.ui.notes_dialogs import NodeNotesDialog, NoteEditor, TagEditor

REFERENCE = "000_19a025d9c24d22f3.txt"
FIRST = ["000_19a025d9c24d22f3.txt", "101_1643773a4e55f15d.txt", "102_991695155f08c227.txt"]
TIMEOUT = 10_000


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An archive of three sample documents, and a folder of the others to import later."""
    root = tmp_path_factory.mktemp("notes-ui")
    first, later = root / "first", root / "later"
    first.mkdir()
    later.mkdir()
    for sample in sorted(paths.SAMPLES_DIR.iterdir()):
        if sample.suffix in (".txt", ".html"):
            shutil.copy(sample, (first if sample.name in FIRST else later) / sample.name)
    path = root / "archive.sqlite"
    with store.Archive.open(path) as archive:
        assert not archive.import_paths([first]).failures
    return path, later


@pytest.fixture
def archive(master: tuple[Path, Path], tmp_path: Path) -> Path:
    path = tmp_path / "archive.sqlite"
    shutil.copy(master[0], path)
    return path


def open_window(qtbot, db_path: Path) -> MainWindow:
    window = MainWindow(db_path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    return window


def settle(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)


def reference(db: Path) -> tuple[int, int, list[int]]:
    """The reference meeting, its first section and that section's statements."""
    with sqlite3.connect(db) as conn:
        meeting = conn.execute("SELECT m.id FROM meetings m JOIN documents d ON "
                               "d.id = m.document_id WHERE d.file_name = ?",
                               (REFERENCE,)).fetchone()[0]
        section = conn.execute("SELECT id FROM sections WHERE meeting_id = ? ORDER BY ordinal",
                               (meeting,)).fetchone()[0]
        statements = [r[0] for r in conn.execute(
            "SELECT s.id FROM statements s JOIN items i ON i.id = s.item_id "
            "WHERE i.section_id = ? ORDER BY i.ordinal, s.ordinal", (section,))]
    return meeting, section, statements


def show(qtbot, window: MainWindow, kind: str, key: int) -> None:
    if window.current_node() == (kind, key):
        settle(qtbot, window)
        return
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        assert window.select_node(kind, key)
    settle(qtbot, window)


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def accept(qtbot, window: MainWindow, dialog: QDialog) -> None:
    """OK, then wait for the writes' reads to come back."""
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        dialog.accept()
    settle(qtbot, window)


def point_of_statement(window: MainWindow, statement_id: int) -> QPoint:
    content = window.detail.content
    for start, _end, statement in window.detail._statement_spans(content):
        if statement.id == statement_id:
            cursor = window.detail.browser.textCursor()
            cursor.setPosition(start + 2)
            return window.detail.browser.cursorRect(cursor).center()
    raise AssertionError(statement_id)


# -- notes -------------------------------------------------------------------------------------

def test_a_note_added_edited_and_deleted_with_undo_and_redo(qtbot, archive: Path) -> None:
    window = open_window(qtbot, archive)
    _meeting, section, statements = reference(archive)
    show(qtbot, window, "section", section)

    # From the detail pane's context menu, on a statement.
    menu = window.detail.browser.context_menu_at(point_of_statement(window, statements[1]))
    entries = {action.text(): action for action in menu.actions()}
    assert {"Add Note to Statement…", "Tag Statement…", "Add Note to Meeting…"} <= set(entries)
    entries["Add Note to Statement…"].trigger()
    menu.deleteLater()
    editor = window.notes.last_dialog
    assert isinstance(editor, NoteEditor)
    assert "1. North Korean Issues" in " ".join(label.text()
                                                for label in editor.findChildren(QLabel))
    hostile = '<img src="file:///etc/passwd"> & <b>bold</b>\nsecond line'
    editor.editor.setPlainText(hostile)
    accept(qtbot, window, editor)
    assert rows(archive, "SELECT body FROM user_notes") == [(hostile,)]
    note_id = rows(archive, "SELECT id FROM user_notes")[0][0]
    annotations = window.detail.content.annotations[("statement", statements[1])]
    assert [n.body for n in annotations.notes] == [hostile]
    page = window.detail.browser.toPlainText()
    assert '✎ <img src="file:///etc/passwd"> & <b>bold</b> second line' in page  # as text
    assert window.detail.browser.resource_requests == []
    tip = window.detail._link_tooltip(f"avnote:statement/{statements[1]}")
    assert tip is not None and tip.startswith(hostile)
    assert window.actions.undo.text() == "&Undo Add Note to Statement"

    # Undo, redo: the same note (id and time) comes back.
    created = rows(archive, "SELECT id, created_at FROM user_notes")
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        window.actions.undo.trigger()
    assert rows(archive, "SELECT count(*) FROM user_notes") == [(0,)]
    assert rows(archive, "SELECT count(*) FROM user_nodes") == [(0,)]
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        window.actions.redo.trigger()
    assert rows(archive, "SELECT id, created_at FROM user_notes") == created
    settle(qtbot, window)

    # Edit it (from the dialog the note marker opens), undo, redo.
    window.detail.browser.anchorClicked.emit(QUrl(f"avnote:statement/{statements[1]}"))
    dialog = window.notes.last_dialog
    assert isinstance(dialog, NodeNotesDialog) and dialog.node == ("statement", statements[1])
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=TIMEOUT)
    dialog.edit_button.click()
    editor = window.notes.last_dialog
    assert isinstance(editor, NoteEditor) and editor.text() == hostile
    editor.editor.setPlainText("Reworded.")
    accept(qtbot, window, editor)
    qtbot.waitUntil(lambda: dialog.body.toPlainText() == "Reworded.", timeout=TIMEOUT)
    edited = rows(archive, "SELECT body, edited_at FROM user_notes")
    assert edited[0][0] == "Reworded." and edited[0][1]
    window.actions.undo.trigger()
    assert rows(archive, "SELECT body, edited_at FROM user_notes") == [(hostile, None)]
    window.actions.redo.trigger()
    assert rows(archive, "SELECT body, edited_at FROM user_notes") == edited

    # Delete it, undo: back whole.
    settle(qtbot, window)
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=TIMEOUT)
    dialog.delete_button.click()
    assert rows(archive, "SELECT count(*) FROM user_notes") == [(0,)]
    window.actions.undo.trigger()
    assert rows(archive, "SELECT id, body, edited_at FROM user_notes") == [
        (note_id, "Reworded.", edited[0][1])]
    settle(qtbot, window)
    dialog.close()
    assert window.notes.stack.count() == 3


def test_tags_from_the_tree_with_undo_redo_the_facet_and_the_vocabulary(
        qtbot, archive: Path) -> None:
    window = open_window(qtbot, archive)
    meeting, section, _statements = reference(archive)
    show(qtbot, window, "section", section)
    menu = window.tree_context_menu(window.model.index_for("section", section))
    assert menu is not None
    [tag_action] = [a for a in menu.actions() if a.text() == "Tag Section…"]
    tag_action.trigger()
    menu.deleteLater()
    editor = window.notes.last_dialog
    assert isinstance(editor, TagEditor)
    editor.new_tag.setText("hardening")
    editor.add_typed()
    editor.new_tag.setText("concession")
    accept(qtbot, window, editor)
    tagged = rows(archive, "SELECT t.name, n.identifier FROM user_node_tags l JOIN user_tags t "
                           "ON t.id = l.tag_id JOIN user_nodes n ON n.id = l.node_id ORDER BY 1")
    assert [name for name, _ in tagged] == ["concession", "hardening"]
    assert all(identifier.endswith("/s1") for _, identifier in tagged)
    ids = rows(archive, "SELECT id, name FROM user_tags ORDER BY id")

    # My tags lists them with the statements they cover (all the section's).
    section_statements = rows(archive, "SELECT count(*) FROM statements WHERE section_id = ?",
                              section)[0][0]
    qtbot.waitUntil(lambda: window.sidebar.models["tags"].count_of(ids[0][0]) is not None,
                    timeout=TIMEOUT)
    assert window.sidebar.models["tags"].count_of(ids[0][0]) == section_statements
    assert "#hardening" in window.detail.browser.toPlainText()

    # Undo removes both and the tags it made; redo brings them back with their ids.
    window.actions.undo.trigger()
    assert rows(archive, "SELECT count(*) FROM user_tags") == [(0,)]
    window.actions.redo.trigger()
    assert rows(archive, "SELECT id, name FROM user_tags ORDER BY id") == ids
    settle(qtbot, window)

    # Taking one off is one command too.
    editor = window.notes.edit_tags("section", section)
    assert editor is not None
    for row in range(editor.list.count()):
        item = editor.list.item(row)
        if item.text() == "concession":
            item.setCheckState(Qt.CheckState.Unchecked)
    accept(qtbot, window, editor)
    assert [r[0] for r in rows(archive, "SELECT t.name FROM user_node_tags l JOIN user_tags t "
                                        "ON t.id = l.tag_id")] == ["hardening"]
    assert window.actions.undo.text() == "&Undo Remove Tag “concession”"
    window.actions.undo.trigger()
    assert len(rows(archive, "SELECT * FROM user_node_tags")) == 2
    settle(qtbot, window)

    # Filtering by the tag shows exactly the section's statements.
    hardening = ids[[name for _, name in ids].index("hardening")][0]
    with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
        window.filter_state.toggle("tags", hardening)
    settle(qtbot, window)
    assert f" · {section_statements} statements — " in window.status_totals.text()
    assert [chip.spec.text for chip in window.sidebar.chips.chips] == ["Tag: hardening"]

    # The facet's menu renames and deletes too.
    menu = window.notes.tag_menu(hardening)
    assert menu is not None and [a.text() for a in menu.actions() if a.text()] == [
        "Rename Tag…", "Delete Tag…", "&Manage Tags…"]
    menu.deleteLater()

    # Rename and delete the tag in Manage Tags, each undone.
    dialog = window.notes.manage_tags()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 2, timeout=TIMEOUT)
    window.notes._rename_tag(dialog, notes.Tag(hardening, "hardening", 1))
    renamer = window.notes.last_dialog
    renamer.name.setText("Concession")  # taken
    assert not renamer.buttons.buttons()[0].isEnabled() or "already" in renamer.problem.text()
    renamer.name.setText("hard line")
    renamer.accept()
    settle(qtbot, window)
    assert rows(archive, "SELECT name FROM user_tags WHERE id = ?", hardening) == [("hard line",)]
    qtbot.waitUntil(lambda: dialog.tree.topLevelItem(1).text(0) == "hard line", timeout=TIMEOUT)
    window.actions.undo.trigger()
    assert rows(archive, "SELECT name FROM user_tags WHERE id = ?", hardening) == [("hardening",)]
    box = window.notes._delete_tag(dialog, notes.Tag(hardening, "hardening", 1))
    [delete] = [b for b in box.buttons() if b.text() == "Delete"]
    delete.click()
    settle(qtbot, window)
    assert rows(archive, "SELECT count(*) FROM user_tags") == [(1,)]
    assert window.status_totals.text().startswith("0 meetings")  # the filter's tag is gone
    window.actions.undo.trigger()
    settle(qtbot, window)
    assert f" · {section_statements} statements — " in window.status_totals.text()
    dialog.close()
    assert meeting


def test_keys_add_notes_and_undo_leaves_text_fields_their_own_undo(qtbot, archive: Path) -> None:
    window = open_window(qtbot, archive)
    _meeting, section, statements = reference(archive)
    show(qtbot, window, "section", section)
    window.tree.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    editor = window.notes.last_dialog
    assert isinstance(editor, NoteEditor) and editor.isVisible()
    editor.editor.setPlainText("about the whole section")
    accept(qtbot, window, editor)
    assert rows(archive, "SELECT n.identifier FROM user_nodes n")[0][0].endswith("/s1")

    # In the statements pane the key is for the statement the cursor is in.
    browser = window.detail.browser
    window.activateWindow()
    window.focus_pane(2)
    qtbot.waitUntil(browser.hasFocus)
    cursor = browser.cursorForPosition(point_of_statement(window, statements[0]))
    browser.setTextCursor(cursor)
    assert window.notes.selection() == ("statement", statements[0])
    qtbot.keyClick(browser, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert isinstance(window.notes.last_dialog, TagEditor)
    window.notes.last_dialog.reject()

    # Ctrl+Z in the search box undoes the typing, not the note.
    box = window.sidebar.search_box
    window.activateWindow()
    window.focus_pane(0)
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClicks(box, "abc")
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert box.text() == "" and window.notes.stack.index() == 1
    assert rows(archive, "SELECT count(*) FROM user_notes") == [(1,)]
    # Elsewhere it undoes the note.
    window.focus_pane(1)
    qtbot.waitUntil(window.tree.hasFocus)
    qtbot.keyClick(window.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rows(archive, "SELECT count(*) FROM user_notes") == [(0,)]
    settle(qtbot, window)
    assert ("Notes", "Add Note…", "Ctrl+Shift+N") in shortcut_rows()
    assert ("Edit", "Undo", "Ctrl+Z") in shortcut_rows()


def test_the_notes_filter_and_unattached_notes_in_the_window(qtbot, archive: Path) -> None:
    with store.Archive.open(archive) as opened:
        conn = opened.connection()
        _meeting, section, statements = reference(archive)
        notes.add_note(conn, notes.row_node(conn, "statement", statements[0]), "costs 50%")
        notes.add_note(conn, notes.row_node(conn, "statement", statements[2]), "under_score")
        notes.add_note(conn, notes.NodeRef("e" * 64, 1, 1, 1), "gone", snapshot="old text",
                       context="A deleted meeting")
    window = open_window(qtbot, archive)
    panel = window.notes.filter_panel
    qtbot.waitUntil(lambda: panel.unattached.isVisible(), timeout=TIMEOUT)
    assert panel.unattached.text().startswith("1 record with your notes")
    with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
        panel.has_notes.click()
    settle(qtbot, window)
    assert " · 2 statements — " in window.status_totals.text()
    panel.search.setText("50%")
    with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
        panel.search.returnPressed.emit()
    settle(qtbot, window)
    assert window.filter_state.filter == Filter(has_notes=True, note_text="50%")
    assert " · 1 statement — " in window.status_totals.text()
    with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
        window.filter_state.clear()
    assert not panel.has_notes.isChecked() and panel.search.text() == ""

    panel.show_unattached.click()
    dialog = window.notes.last_dialog
    qtbot.waitUntil(lambda: dialog.unattached.topLevelItemCount() == 1, timeout=TIMEOUT)
    assert dialog.tabs.currentIndex() == 1 and dialog.notes.topLevelItemCount() == 3
    dialog._copy()
    from PySide6.QtGui import QGuiApplication

    assert "A deleted meeting" in QGuiApplication.clipboard().text()
    dialog._delete()
    box = window.notes.last_dialog
    assert isinstance(box, QMessageBox)
    [delete] = [b for b in box.buttons() if b.text() == "Delete"]
    delete.click()
    qtbot.waitUntil(lambda: dialog.unattached.topLevelItemCount() == 0, timeout=TIMEOUT)
    window.actions.undo.trigger()
    qtbot.waitUntil(lambda: dialog.unattached.topLevelItemCount() == 1, timeout=TIMEOUT)
    dialog.close()
    settle(qtbot, window)


# -- saved searches ------------------------------------------------------------------------------

def test_a_saved_search_counts_what_an_import_brings_and_marks_it_when_opened(
        qtbot, archive: Path, master: tuple[Path, Path]) -> None:
    later = master[1]
    window = open_window(qtbot, archive)
    f = Filter(kinds=frozenset({"summit_meeting", "foreign_ministers_meeting"}))
    with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
        window.filter_state.set_filter(f)
    window.actions.save_search.trigger()
    dialog = window.saved_searches.last_dialog
    dialog.name.setText("Ministers and leaders")
    with qtbot.waitSignal(window.saved_searches.counts_shown, timeout=TIMEOUT):
        dialog.accept()
    panel = window.saved_searches.panel
    item = panel.list.topLevelItem(0)
    count = rows(archive, "SELECT count(*) FROM statements s JOIN meetings m ON m.id = "
                          "s.meeting_id WHERE m.kind IN ('summit_meeting', "
                          "'foreign_ministers_meeting')")[0][0]
    assert (item.text(0), item.text(1), item.text(2)) == ("Ministers and leaders", "",
                                                          f"{count:,}")

    with qtbot.waitSignal(window.saved_searches.counts_shown, timeout=2 * TIMEOUT):
        with qtbot.waitSignal(window.import_finished, timeout=2 * TIMEOUT):
            assert window.import_paths([later])
    window.last_import_dialog.close()
    names = [p.name for p in later.iterdir()]
    new = rows(archive, f"""SELECT count(*), count(DISTINCT m.id) FROM statements s
        JOIN meetings m ON m.id = s.meeting_id JOIN documents d ON d.id = m.document_id
        WHERE m.kind IN ('summit_meeting', 'foreign_ministers_meeting')
          AND d.file_name IN ({', '.join('?' * len(names))})""", *names)[0]
    item = panel.list.topLevelItem(0)
    assert item.text(1) == f"+{new[0]} new" and new[0] > 0
    assert "imported since you last opened it" in item.toolTip(0)

    # Opening it: the filter, the new meetings bold, their statements marked, +N gone.
    with qtbot.waitSignal(window.saved_searches.counts_shown, timeout=TIMEOUT):
        window.saved_searches.open_search(int(item.data(0, Qt.ItemDataRole.UserRole)))
    settle(qtbot, window)
    assert window.filter_state.filter == f
    assert panel.list.topLevelItem(0).text(1) == ""
    assert panel.list.topLevelItem(0).font(0).bold()
    marked = window.model._new_meetings
    assert len(marked) == rows(archive, f"""SELECT count(*) FROM meetings m JOIN documents d
        ON d.id = m.document_id WHERE d.file_name IN ({', '.join('?' * len(names))})""",
                               *names)[0][0]
    new_meeting = next(iter(
        m for (m,) in rows(archive, f"""SELECT m.id FROM meetings m JOIN documents d
        ON d.id = m.document_id WHERE m.kind = 'summit_meeting' AND d.file_name IN
        ({', '.join('?' * len(names))})""", *names)))
    show(qtbot, window, "meeting", new_meeting)
    index = window.model.index_for("meeting", new_meeting)
    assert index.data(Qt.ItemDataRole.FontRole).bold()
    text = window.detail.browser.toPlainText()
    assert "Imported since you last opened the saved search “Ministers and leaders”" in text
    assert text.count("NEW") == 1 + len(window.detail.content.statements)

    # Another filter ends the marks.
    with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
        window.filter_state.clear()
    settle(qtbot, window)
    assert "NEW" not in window.detail.browser.toPlainText()
    assert window.model._new_meetings == frozenset()

    # Rename, update, delete from its menu.
    search_id = window.saved_searches.searches[0].id
    menu = window.saved_searches.menu_for(search_id)
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Open", "Update to the Current Filter", "Rename…", "Delete…"]
    menu.deleteLater()
    dialog = window.saved_searches.rename_dialog(search_id)
    dialog.name.setText("Top level")
    with qtbot.waitSignal(window.saved_searches.counts_shown, timeout=TIMEOUT):
        dialog.accept()
    assert panel.list.topLevelItem(0).text(0) == "Top level"
    box = window.saved_searches.delete_dialog(search_id)
    [delete] = [b for b in box.buttons() if b.text() == "Delete"]
    delete.click()
    settle(qtbot, window)
    with sqlite3.connect(archive) as conn:
        assert saved_searches.saved_searches(conn) == []
