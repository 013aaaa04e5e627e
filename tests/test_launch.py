"""Starting the app: the no-display message, and the first window on a real archive."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from archive_viewer import paths
from archive_viewer.display import NO_DISPLAY_MESSAGE, display_problem

REFERENCE_NAME = "000_19a025d9c24d22f3.txt"
TIMEOUT = 180


def _reference_document() -> Path:
    return paths.SAMPLES_DIR / REFERENCE_NAME


def _headless_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["ARCHIVE_VIEWER_DATA_DIR"] = str(tmp_path / "data")
    return env


def _assert_no_display_exit(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, result.stderr
    assert NO_DISPLAY_MESSAGE in result.stderr.splitlines()
    for crash in ("Traceback", "Aborted", "qt.qpa", "core dumped", "Fatal"):
        assert crash not in result.stderr


@pytest.mark.parametrize("args", [[], ["--db", "ARCHIVE"]], ids=["default-archive", "--db"])
def test_without_a_display_the_app_says_so_in_one_sentence(tmp_path: Path, args: list[str]) -> None:
    args = [str(tmp_path / "my.sqlite") if a == "ARCHIVE" else a for a in args]
    result = subprocess.run(
        [sys.executable, "-m", "archive_viewer", *args],
        env=_headless_env(tmp_path), capture_output=True, text=True, timeout=TIMEOUT,
    )
    _assert_no_display_exit(result)


def test_run_itself_checks_for_a_display(tmp_path: Path) -> None:
    code = "import sys; from archive_viewer.ui.app import run; sys.exit(run(None))"
    result = subprocess.run([sys.executable, "-c", code], env=_headless_env(tmp_path),
                            capture_output=True, text=True, timeout=TIMEOUT)
    _assert_no_display_exit(result)
    assert result.stderr.strip() == NO_DISPLAY_MESSAGE


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland check is for Linux")
def test_display_problem_cases() -> None:
    assert display_problem({}) == NO_DISPLAY_MESSAGE
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert display_problem({"DISPLAY": "remote.example:0"}) is None  # Qt tries remote ones
    dead = display_problem({"DISPLAY": ":4093"})  # no X server listens on display 4093
    assert dead is not None and dead.startswith("Cannot connect to the display ':4093'")


# -- the window ----------------------------------------------------------------------------

def _hand_made_meeting(data: bytes, name: str):  # a Parser for Archive.open: no real parsing
    from archive_viewer.ingest.model import JOINT, Item, Meeting, Person, Section, Statement

    gemba = Person("Koichiro Gemba", "Minister for Foreign Affairs", "Japan", "principal")
    kim = Person("Kim Sung-hwan", "Minister of Foreign Affairs and Trade", "Republic of Korea",
                 "principal")
    return Meeting(
        title="Japan-ROK Foreign Ministers' Meeting (Overview)", kind="foreign_ministers_meeting",
        published_on=date(2012, 4, 25), held_on=date(2012, 4, 7), location="Ningbo, China",
        occasion=None, countries=["Japan", "Republic of Korea"], principals=[gemba, kim],
        attendees=[], summary="Both sides spent a great deal of time on North Korean issues.",
        sections=[
            Section("1", "North Korean Issues", [Item("(1)", None, "…", [
                Statement("Minister Kim expressed hope for a good exchange of views.", kim.name),
                Statement("The two ministers shared the view.", JOINT),
            ])]),
            Section("2", "Japan-ROK Relations", [Item("(1)", None, "…", [
                Statement("Minister Gemba expressed hope for cooperation.", gemba.name),
            ])]),
        ],
    )


@pytest.fixture
def archive_of(tmp_path: Path):
    """Builds an archive with the store; returns its path."""
    from archive_viewer import store

    def build(document: Path, parser=None) -> Path:
        path = tmp_path / "archive.sqlite"
        with store.Archive.open(path, create=True, parser=parser) as archive:
            result = archive.import_document(document)
            assert not result.failed, f"importing {document.name} failed: {result.line()}"
        return path

    return build


def _open_window(qtbot, db_path: Path):
    from archive_viewer.ui.app import ArchiveWindow

    window = ArchiveWindow(db_path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _find_row(model, text_part: str, parent=None):
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if text_part in (index.data() or ""):
            return index
        found = _find_row(model, text_part, index)
        if found is not None:
            return found
    return None


def test_window_shows_the_tree_and_a_sections_statements(qtbot, archive_of, tmp_path: Path) -> None:
    document = tmp_path / "meeting.txt"
    document.write_text("a meeting overview")
    window = _open_window(qtbot, archive_of(document, parser=_hand_made_meeting))

    assert window.windowTitle() == "Archive Viewer — archive.sqlite"
    meeting = _find_row(window.model, "Japan-ROK Foreign Ministers' Meeting")
    assert meeting is not None and meeting.parent().data() == "2012"
    assert meeting.data().startswith("2012-04-07")
    section = _find_row(window.model, "2. Japan-ROK Relations")
    assert section is not None and section.siblingAtColumn(1).data() == "1"

    window.tree.setCurrentIndex(_find_row(window.model, "1. North Korean Issues"))
    shown = window.detail.toHtml()
    assert "Kim Sung-hwan" in window.detail.toPlainText()
    assert "font-weight:700" in shown or "font-weight:600" in shown  # the speaker is bold
    assert "Both sides" in window.detail.toPlainText()
    assert "Gemba expressed hope for cooperation" not in window.detail.toPlainText()
    assert window.statusBar().currentMessage().startswith("1 meeting, 3 statements — ")


def test_window_on_the_reference_document(qtbot, archive_of) -> None:
    window = _open_window(qtbot, archive_of(_reference_document()))

    assert _find_row(window.model, "Japan-ROK Foreign Ministers' Meeting") is not None
    section = _find_row(window.model, "North Korean Issues")
    assert section is not None
    window.tree.setCurrentIndex(section)
    text = window.detail.toPlainText()
    assert "Kim Sung-hwan" in text or "Koichiro Gemba" in text


def test_window_on_a_file_that_is_no_archive(qtbot, tmp_path: Path) -> None:
    not_archive = tmp_path / "notes.sqlite"
    not_archive.write_text("just text")
    window = _open_window(qtbot, not_archive)
    assert "could not be read" in window.detail.toPlainText()
    assert window.model.rowCount() == 0
    assert not_archive.read_text() == "just text"


def test_window_on_an_empty_archive_says_how_to_import(qtbot, tmp_path: Path) -> None:
    from archive_viewer import store
    path = tmp_path / "empty.sqlite"
    store.Archive.open(path, create=True).close()
    window = _open_window(qtbot, path)
    assert "no meetings yet" in window.detail.toPlainText()
    assert window.statusBar().currentMessage().startswith("0 meetings, 0 statements — ")
