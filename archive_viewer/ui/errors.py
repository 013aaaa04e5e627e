"""Unexpected errors: a short message on screen, the traceback in a log file, the app goes on.

An exception nobody catches in a slot or an event handler reaches ``sys.excepthook`` (PySide6
hands it there and returns to the event loop); one in a Python thread reaches
``threading.excepthook``. :func:`install` points both at an :class:`ErrorReporter`, which writes
the traceback to the log file in the user's data folder (:func:`archive_viewer.paths.log_path`,
rotated at 1 MB with three old files kept) and shows a dialog: what happened in one line, where
the details are, and the traceback behind "Show Details…".

The dialog is opened with ``open()``, never a nested event loop, so nothing waits on it (tests
included). It is shown from the event loop, not from inside the hook: the error may have
happened half-way through painting or on a worker thread. While it is on screen, further errors
are logged and counted in it rather than piling up dialogs.

Installing twice changes nothing; :func:`uninstall` puts the previous hooks back.
"""
from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from archive_viewer import paths

LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3
#: The logger whose records (warnings and errors) go to the log file: the whole app's.
APP_LOGGER = "archive_viewer"
#: Characters of an exception's message shown in the dialog (the log has all of it).
SUMMARY_LIMIT = 200

log = logging.getLogger(__name__)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]
ThreadHook = Callable[[Any], Any]


class ErrorReporter(QObject):
    """Logs uncaught exceptions (from any thread) and shows them (on the GUI thread)."""

    #: (summary, traceback): emitted where the error happened, shown by the event loop
    _report = Signal(str, str)
    #: the dialog after it was opened or updated with one more error (tests wait for it)
    shown = Signal(object)

    def __init__(self, log_file: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.dialog: QMessageBox | None = None
        self._more = 0  # errors since the dialog on screen was opened
        self._report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def handle(self, exc_type: type[BaseException], exc: BaseException,
               tb: TracebackType | None) -> None:
        """Log one uncaught exception with its traceback and have it shown."""
        log.error("Unexpected error", exc_info=(exc_type, exc, tb))
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        self._report.emit(summary(exc_type, exc), details)

    @Slot(str, str)
    def _show(self, text: str, details: str) -> None:
        box = self.dialog
        if box is not None and shiboken6.isValid(box) and box.isVisible():
            self._more += 1  # one dialog at a time: a repeating error must not bury the window
            box.setInformativeText(self._informative())
            self.shown.emit(box)
            return
        self._more = 0
        box = QMessageBox(QMessageBox.Icon.Critical, "Something went wrong",
                          f"An unexpected error occurred:\n{text}",
                          QMessageBox.StandardButton.Ok, _parent_window())
        box.setObjectName("unexpectedError")
        box.setTextFormat(Qt.TextFormat.PlainText)  # the message may quote a document
        box.setInformativeText(self._informative())
        box.setDetailedText(details)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = box  # also keeps a parentless box alive until it is closed
        box.open()
        self.shown.emit(box)

    def _informative(self) -> str:
        lines = ["Archive Viewer carried on, but what you were doing may not have finished."]
        if self.log_file is not None:
            lines.append(f"The details were written to the log file:\n{self.log_file}")
        else:
            lines.append("The log file could not be written; the details are below.")
        if self._more:
            lines.append(f"{self._more} more error{'' if self._more == 1 else 's'} since, "
                         "also logged.")
        return "\n\n".join(lines)


def summary(exc_type: type[BaseException], exc: BaseException) -> str:
    """"KeyError: 'x'": the exception's type and the first line of its message, shortened."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if len(message) > SUMMARY_LIMIT:
        message = message[: SUMMARY_LIMIT - 1] + "…"
    return f"{exc_type.__name__}: {message}" if message else exc_type.__name__


def _parent_window() -> QWidget | None:
    active = QApplication.activeWindow()
    if active is not None:
        return active
    windows = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMainWindow) and w.isVisible()]
    return windows[0] if windows else None


# -- the hooks ---------------------------------------------------------------------------------

@dataclass
class _Installed:
    reporter: ErrorReporter
    handler: logging.Handler | None
    previous_excepthook: ExceptHook
    previous_threading_hook: ThreadHook


_installed: _Installed | None = None


def install(log_file: Path | None = None) -> ErrorReporter:
    """Report uncaught exceptions from here on (needs the QApplication); the reporter.

    ``log_file`` defaults to :func:`paths.log_path`. A second call returns the same reporter.
    """
    global _installed
    if _installed is not None:  # replaced meanwhile (by a test runner's own): hook in again
        if sys.excepthook is not _excepthook:
            _installed.previous_excepthook = sys.excepthook
            sys.excepthook = _excepthook
        if threading.excepthook is not _threading_hook:
            _installed.previous_threading_hook = threading.excepthook
            threading.excepthook = _threading_hook
        return _installed.reporter
    app = QApplication.instance()
    if app is None:
        raise RuntimeError("errors.install() needs the QApplication")
    handler, written = _log_handler(log_file or paths.log_path())
    reporter = ErrorReporter(written)
    reporter.moveToThread(app.thread())  # its dialogs belong to the GUI thread
    _installed = _Installed(reporter, handler, sys.excepthook, threading.excepthook)
    sys.excepthook = _excepthook
    threading.excepthook = _threading_hook
    return reporter


def uninstall() -> None:
    """Put the previous hooks back and close the log file (tests)."""
    global _installed
    installed, _installed = _installed, None
    if installed is None:
        return
    if sys.excepthook is _excepthook:
        sys.excepthook = installed.previous_excepthook
    if threading.excepthook is _threading_hook:
        threading.excepthook = installed.previous_threading_hook
    if installed.handler is not None:
        logging.getLogger(APP_LOGGER).removeHandler(installed.handler)
        installed.handler.close()
    if shiboken6.isValid(installed.reporter):
        installed.reporter.deleteLater()


def _excepthook(exc_type: type[BaseException], exc: BaseException,
                tb: TracebackType | None) -> None:
    installed = _installed
    if installed is None:
        sys.__excepthook__(exc_type, exc, tb)
        return
    if not issubclass(exc_type, (KeyboardInterrupt, SystemExit)):
        _report(installed, exc_type, exc, tb)
    installed.previous_excepthook(exc_type, exc, tb)  # stderr as before, or a debugger's hook


def _threading_hook(args: Any) -> None:
    installed = _installed
    if installed is None:
        threading.__excepthook__(args)
        return
    if args.exc_value is not None and not issubclass(args.exc_type, SystemExit):
        _report(installed, args.exc_type, args.exc_value, args.exc_traceback)
    installed.previous_threading_hook(args)


def _report(installed: _Installed, exc_type: type[BaseException], exc: BaseException,
            tb: TracebackType | None) -> None:
    try:
        if shiboken6.isValid(installed.reporter):
            installed.reporter.handle(exc_type, exc, tb)
    except Exception:  # noqa: BLE001 (reporting must never raise out of the hook)
        traceback.print_exc()


def _log_handler(path: Path) -> tuple[logging.Handler | None, Path | None]:
    """The app's warnings and errors to ``path``, rotated; (None, None) when it cannot be
    written there (a read-only data folder): errors are then only shown."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    except OSError:
        return None, None
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger(APP_LOGGER).addHandler(handler)
    return handler, path
