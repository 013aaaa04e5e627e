"""The window's PDF export: the File menu action, a section on the GUI thread, a meeting and
the filter's sections on the worker thread, and a failure shown in a dialog."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from archive_viewer.export.pdf import ExportResult
from archive_viewer.store.filters import Filter
from archive_viewer.ui.main_window import MainWindow
from archive_viewer.ui.pdf_export import safe_file_name

TIMEOUT = 20_000


@pytest.fixture(scope="module")
def samples_db(samples_archive: Path) -> Path:
    return samples_archive


@pytest.fixture
def window(qtbot, samples_db: Path, tmp_path: Path) -> MainWindow:
    db = tmp_path / "archive.sqlite"
    shutil.copy(samples_db, db)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)
    return window


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    return " ".join(out.split())


def test_export_action_is_in_the_file_menu_with_ctrl_e(window: MainWindow) -> None:
    action = window.actions.export_pdf
    assert action.shortcut() == QKeySequence("Ctrl+E")
    file_menu = window.menuBar().actions()[0].menu()
    assert action in file_menu.actions()
    assert window.actions.export_filter_pdf in file_menu.actions()


def test_the_selected_section_is_exported_in_the_windows_grouping(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    assert window.select_node("section", 1)
    window.set_grouping("document")
    out = tmp_path / "section.pdf"
    with qtbot.waitSignal(window.exporter.finished, timeout=TIMEOUT) as signal:
        assert window.exporter.export_node(*window.current_node(), path=out)
    result = signal.args[0]
    assert isinstance(result, ExportResult) and result.pages == 2
    text = pdf_text(out)
    assert "1. North Korean Issues" in text
    assert "Kim Sung-hwan: Minister Kim expressed hope" in text  # document order: speaker: text
    assert "Saved section.pdf (2 pages" in window.statusBar().currentMessage()


def test_a_meeting_and_the_filter_export_on_the_worker(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    meeting = tmp_path / "meeting.pdf"
    with qtbot.waitSignal(window.exporter.finished, timeout=TIMEOUT) as signal:
        assert window.exporter.export_node("meeting", 1, path=meeting)
        assert window.exporter.running  # queued on the worker; the GUI thread goes on
    assert signal.args[0].pages >= 2
    assert "2. Japan-ROK Relations" in pdf_text(meeting)

    matching = tmp_path / "matching.pdf"
    with qtbot.waitSignal(window.exporter.finished, timeout=TIMEOUT) as signal:
        assert window.exporter.export_filter(Filter(text="missile"), path=matching)
    assert signal.args[0].pages >= 3
    assert pdf_text(matching).startswith("Sections of meeting records")


def test_a_failed_export_says_why_and_the_window_goes_on(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    out = tmp_path / "gone" / "section.pdf"
    with qtbot.waitSignal(window.exporter.finished, timeout=TIMEOUT) as signal:
        window.exporter.export_node("section", 1, path=out)
    assert signal.args[0] is None
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1 and "does not exist; choose another place" in boxes[0].text()
    boxes[0].close()
    assert not out.parent.exists()


def test_safe_file_names() -> None:
    assert safe_file_name('2012-04-07 Japan/ROK: "talks"?') == "2012-04-07 Japan ROK talks"
    assert safe_file_name("...") == "export"


def test_the_paper_size_is_chosen_in_the_file_menu(window: MainWindow) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    paper = next(a.menu() for a in file_menu.actions() if a.menu() and "Paper" in a.text())
    letter = next(a for a in paper.actions() if "Letter" in a.text() and "Automatic" not in a.text())
    letter.trigger()
    assert window.exporter._paper() == "letter"
    assert sum(a.isChecked() for a in paper.actions()) == 1
    paper.aboutToShow.emit()  # the automatic size is named when the menu opens
    assert paper.actions()[0].text() in ("&Automatic (A4)", "&Automatic (US Letter)")


def test_the_trees_context_menu_exports_a_section(
        qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "from-menu.pdf"
    monkeypatch.setattr(window.exporter, "_ask_path", lambda name: out)  # the save dialog
    index = window.model.index_for("section", 1)
    menu = window.tree_context_menu(index)
    assert menu is not None
    action = next(a for a in menu.actions() if a.text().startswith("Export "))
    assert action.text() == "Export Section to PDF…"
    with qtbot.waitSignal(window.exporter.finished, timeout=TIMEOUT):
        action.trigger()
    assert "1. North Korean Issues" in pdf_text(out)
    menu.deleteLater()
    year = window.model.index(0, 0)
    assert window.tree_context_menu(year) is None  # years have nothing to export
