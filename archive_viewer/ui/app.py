"""Starting the window: the display check, the QApplication, the archive to open, the window."""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from archive_viewer import __version__, paths
from archive_viewer.display import EXIT_NO_DISPLAY, display_problem
from archive_viewer.ui import errors, icons
from archive_viewer.ui.main_window import MainWindow, archive_problem
from archive_viewer.ui.settings import LAST_ARCHIVE, AppSettings

ORGANIZATION_NAME = paths.APP_NAME
APPLICATION_NAME = "archive-viewer"
#: Set to a .png path to save a picture of the window once it is shown, then quit.
SCREENSHOT_ENV = "ARCHIVE_VIEWER_SCREENSHOT"
SCREENSHOT_DELAY_MS = 1500


def run(db_path: Path | None, *, open_identifier: str | None = None) -> int:
    """Open the window on ``db_path`` (default: the last archive, else the user's), showing
    the record ``open_identifier`` names when given; the exit status."""
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_NO_DISPLAY
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION_NAME)
    app.setApplicationName(APPLICATION_NAME)
    app.setApplicationDisplayName("Archive Viewer")
    app.setApplicationVersion(__version__)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl+C in the terminal closes the app
    # An error nobody catches is shown and logged, and the window goes on (not in tests,
    # which make their own windows and let pytest-qt report such errors).
    errors.install()

    settings = AppSettings()
    window = MainWindow(archive_to_open(db_path, settings), settings=settings)
    app.setWindowIcon(icons.node_icon("meeting"))
    window.show()
    if open_identifier:
        window.open_identifier(open_identifier)
    screenshot = os.environ.get(SCREENSHOT_ENV)
    if screenshot:
        QTimer.singleShot(SCREENSHOT_DELAY_MS,
                          lambda: (window.grab().save(screenshot), window.close()))
    return app.exec()


def archive_to_open(db_path: Path | None, settings: AppSettings) -> Path:
    """``--db`` when given; else the archive open at the last exit, when it still opens; else
    the default archive."""
    if db_path is not None:
        return Path(db_path)
    last = settings.get(LAST_ARCHIVE)
    if last and archive_problem(Path(last)) is None:
        return Path(last)
    return paths.default_archive_path()
