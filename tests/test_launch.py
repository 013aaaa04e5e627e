"""Starting the app: the no-display message, and the main window on a real archive."""
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
    from archive_viewer.ui.main_window import MainWindow

    window = MainWindow(db_path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=10_000)
    return window


def _find_row(qtbot, model, text_part: str, parent=None):
    """Depth-first through the tree, loading children as a user's expanding would (they
    arrive from a worker)."""
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    while model.canFetchMore(parent):
        model.fetchMore(parent)
        qtbot.waitUntil(lambda: not model.fetching(parent), timeout=10_000)
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if text_part in (index.data() or ""):
            return index
        found = _find_row(qtbot, model, text_part, index)
        if found is not None:
            return found
    return None


def _show(qtbot, window, index) -> str:
    with qtbot.waitSignal(window.detail.loaded, timeout=10_000):
        window.tree.setCurrentIndex(index)
    return window.detail.plain_text()


def test_window_shows_the_tree_and_a_sections_statements(qtbot, archive_of, tmp_path: Path) -> None:
    document = tmp_path / "meeting.txt"
    document.write_text("a meeting overview")
    window = _open_window(qtbot, archive_of(document, parser=_hand_made_meeting))

    assert window.windowTitle() == "Archive Viewer — archive.sqlite"
    meeting = _find_row(qtbot, window.model, "Japan-ROK Foreign Ministers' Meeting")
    assert meeting is not None and meeting.parent().data() == "2012"
    assert meeting.data().startswith("2012-04-07")
    section = _find_row(qtbot, window.model, "2. Japan-ROK Relations")
    assert section is not None and section.siblingAtColumn(3).data() == "1"

    text = _show(qtbot, window, _find_row(qtbot, window.model, "1. North Korean Issues"))
    body = text.split("1. North Korean Issues", 1)[1]
    assert body.index("Kim Sung-hwan") < body.index("Joint")
    assert "font-weight:600" in window.detail.browser.toHtml()  # the speaker stands out
    assert "Gemba expressed hope for cooperation" not in body
    assert window.status_totals.text().startswith("1 meeting · 2 sections · 3 statements — ")


def test_window_on_the_reference_document(qtbot, archive_of) -> None:
    window = _open_window(qtbot, archive_of(_reference_document()))

    assert _find_row(qtbot, window.model, "Japan-ROK Foreign Ministers' Meeting") is not None
    section = _find_row(qtbot, window.model, "North Korean Issues")
    assert section is not None
    body = _show(qtbot, window, section).split("1. North Korean Issues", 1)[1]
    assert body.index("Kim Sung-hwan") < body.index("Koichiro Gemba") < body.index("Joint")


def test_window_on_a_file_that_is_no_archive(qtbot, tmp_path: Path) -> None:
    not_archive = tmp_path / "notes.sqlite"
    not_archive.write_text("just text")
    window = _open_window(qtbot, not_archive)
    assert "could not be opened" in window.detail.plain_text()
    assert window.model.rowCount() == 0
    assert not_archive.read_text() == "just text"


def test_window_on_an_empty_archive_says_how_to_import(qtbot, tmp_path: Path) -> None:
    from archive_viewer import store
    path = tmp_path / "empty.sqlite"
    store.Archive.open(path, create=True).close()
    window = _open_window(qtbot, path)
    assert "no meetings yet" in window.detail.plain_text()
    assert window.status_totals.text().startswith("0 meetings · 0 sections · 0 statements — ")


def test_the_app_starts_shows_its_window_and_saves_a_screenshot(archive_of, tmp_path: Path) -> None:
    """The whole start: `archive-viewer --db`, the window on screen, a picture, a clean exit."""
    db = archive_of(_reference_document())
    shot = tmp_path / "shot.png"
    env = _headless_env(tmp_path)
    env.update(QT_QPA_PLATFORM="offscreen", ARCHIVE_VIEWER_SCREENSHOT=str(shot),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = subprocess.run([sys.executable, "-m", "archive_viewer", "--db", str(db)], env=env,
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert shot.stat().st_size > 10_000
