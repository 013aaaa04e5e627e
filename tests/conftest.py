"""Test-wide isolation: Qt offscreen, a throwaway data folder, fresh settings per test.

Nothing a test does may reach the user's real archive, data folder or settings. The
environment is set at import time, before any test module imports Qt or the app.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="archive-viewer-tests-"))
for _var, _sub in {
    "ARCHIVE_VIEWER_DATA_DIR": "data",  # default archive and anything else the app keeps
    "XDG_DATA_HOME": "xdg-data",  # platformdirs and Qt, should anything bypass the above
    "XDG_CONFIG_HOME": "xdg-config",
}.items():
    (_SESSION_DIR / _sub).mkdir()
    os.environ[_var] = str(_SESSION_DIR / _sub)
_runtime = _SESSION_DIR / "xdg-runtime"
_runtime.mkdir(mode=0o700)
os.environ.setdefault("XDG_RUNTIME_DIR", str(_runtime))  # quiets Qt's warning when unset

from PySide6.QtCore import QCoreApplication, QEvent, QSettings  # noqa: E402

TEST_ORGANIZATION = "ArchiveViewerTests"
TEST_APPLICATION = "archive-viewer-tests"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_leaked_widgets: do not fail the test for top-level widgets left alive"
    )
    QCoreApplication.setOrganizationName(TEST_ORGANIZATION)
    QCoreApplication.setApplicationName(TEST_APPLICATION)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The session's stand-in for the user's data folder (ARCHIVE_VIEWER_DATA_DIR)."""
    return Path(os.environ["ARCHIVE_VIEWER_DATA_DIR"])


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test starts with empty QSettings in its own folder (INI files, test names)."""
    folder = tmp_path_factory.mktemp("settings")
    QCoreApplication.setOrganizationName(TEST_ORGANIZATION)
    QCoreApplication.setApplicationName(TEST_APPLICATION)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope, sub in ((QSettings.Scope.UserScope, "user"), (QSettings.Scope.SystemScope, "system")):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder / sub))
    yield folder


def _live_top_level_widgets() -> dict[int, object]:
    from PySide6.QtWidgets import QApplication
    from shiboken6 import Shiboken

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return {}
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    return {Shiboken.getCppPointer(w)[0]: w for w in QApplication.topLevelWidgets()}


def _is_ours_or_visible(widget: object) -> bool:
    # Qt makes hidden helper top-levels of its own (tooltips, popups); a visible window or a
    # widget of one of our classes left behind is a real leak.
    return widget.isVisible() or not type(widget).__module__.startswith("PySide6")  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def no_leaked_widgets(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails a test that leaves a top-level widget alive (register widgets with qtbot.addWidget)."""
    before = _live_top_level_widgets()
    yield
    if request.node.get_closest_marker("allow_leaked_widgets"):
        return
    leaked = [
        w for key, w in _live_top_level_widgets().items() if key not in before and _is_ours_or_visible(w)
    ]
    if not leaked:
        return
    names = ", ".join(f"{type(w).__name__}({w.windowTitle()!r})" for w in leaked)  # type: ignore[attr-defined]
    for widget in leaked:  # clean up so that one leak does not disturb later tests
        widget.close()  # type: ignore[attr-defined]
        widget.deleteLater()  # type: ignore[attr-defined]
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    pytest.fail(f"test left top-level widgets alive: {names}; register them with qtbot.addWidget()")


@pytest.fixture(scope="module")
def samples_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of the bundled sample documents, one per test module (tests may read it freely)."""
    from archive_viewer import paths
    from archive_viewer.store import Archive

    path = tmp_path_factory.mktemp("samples") / "samples.sqlite"
    with Archive.open(path, create=True) as archive:
        assert not archive.import_paths([paths.SAMPLES_DIR]).failures
    return path


@pytest.fixture(autouse=True)
def no_leaked_error_hooks() -> Iterator[None]:
    """A test that starts the app through its entry point (which installs the unexpected-error
    dialog and log) leaves no hooks behind for the next test, whose data folder differs."""
    yield
    from archive_viewer.ui import errors

    errors.uninstall()
