"""The window open on an archive while the `import` command adds meetings to it: the window
keeps reading without an error while the command writes, and its refresh shows the new
meetings in the tree and the totals."""
from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

from fixtures.archive_checks import PROJECT_ROOT, connected, import_command
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from archive_viewer.store import Archive
from archive_viewer.ui.main_window import MainWindow
from bench.generate import write_documents

TIMEOUT = 20_000


def meetings_in_tree(qtbot: QtBot, window: MainWindow) -> Counter[str]:
    """The meeting rows of every year, expanded as a user would, as their titles read."""
    model, titles = window.model, Counter[str]()
    for row in range(model.rowCount()):
        year = model.index(row, 0)
        window.tree.expand(year)
        qtbot.waitUntil(lambda year=year: not model.canFetchMore(year)
                        and not model.fetching(year), timeout=TIMEOUT)
        titles.update(model.index(r, 0, year).data() for r in range(model.rowCount(year)))
    return titles


def meetings_in_archive(db: Path) -> Counter[str]:
    """Every meeting as the tree titles it: its date (when known) and its title."""
    with connected(db) as conn:
        return Counter(f"{held_on}  {title}" if held_on else title
                       for held_on, title in conn.execute("SELECT held_on, title FROM meetings"))


def error_boxes(window: MainWindow) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def test_the_window_shows_meetings_an_import_command_added(qtbot: QtBot, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with Archive.open(db) as archive:
        assert not archive.import_paths(write_documents(tmp_path / "first", 6, seed=41)).failures
    window = MainWindow(db)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
        window.show()
    before = meetings_in_tree(qtbot, window)
    assert before == meetings_in_archive(db) and sum(before.values()) == 6

    added = write_documents(tmp_path / "second", 6, seed=42)
    command = subprocess.Popen(import_command(db, *added), cwd=PROJECT_ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The window reads (as on any filter change) while the command writes.
    while command.poll() is None:
        with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
            window.refresh_views()
    out, err = command.communicate()
    assert command.returncode == 0, err
    assert out.startswith("Imported 6, unchanged 0, replaced 0, failed 0")

    refresh = window.actions.refresh  # View ▸ Refresh, F5
    assert refresh.isEnabled() and refresh.shortcut().toString() == "F5"
    with qtbot.waitSignal(window.reads_settled, timeout=TIMEOUT):
        refresh.trigger()
    after = meetings_in_tree(qtbot, window)
    assert after == meetings_in_archive(db)
    assert sum(after.values()) == 12 and after - before  # the new meetings are in the tree
    assert window.status_totals.text().startswith("12 meetings · ")
    assert error_boxes(window) == [] and window.model.index(0, 0, QModelIndex()).isValid()
