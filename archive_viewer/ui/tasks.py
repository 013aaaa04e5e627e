"""Database reads off the GUI thread, with results delivered back on it.

One small QThreadPool; each worker thread opens its own read-only connection to the archive
on first use and keeps it until shutdown (SQLite connections must not be shared between threads). A task's
function receives that connection and returns plain data, materialised in the worker; the
result or exception crosses back to the GUI thread over a queued signal. Tasks given the same
``key`` supersede each other: only the newest one's result is delivered, so a quick succession
of filter changes never paints an older answer over a newer one. A superseded task that is
still running is interrupted (``sqlite3.Connection.interrupt()`` on its worker's connection),
so a slow stale query frees its worker at once; its "interrupted" error is dropped silently.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from archive_viewer.store import connection
from archive_viewer.store.errors import ArchiveError, sqlite_reason

T = TypeVar("T")
log = logging.getLogger(__name__)

#: Three workers: a slow read (ranked search, facet counts on a broad filter) must not hold
#: back the quick ones (the tree's years, the newest matches, the detail pane).
MAX_WORKERS = 3

#: Priorities for ``run``: higher starts first when the workers are all busy.
URGENT, NORMAL, BACKGROUND = 10, 0, -10

#: SQLite virtual machine steps between checks that the running task is still wanted.
_PROGRESS_STEPS = 20_000


class _Relay(QObject):
    """Carries a finished task's outcome from a worker thread to the GUI thread."""

    finished = Signal(int, object, object)  # token, result, exception (or None)


class _Task(QRunnable):
    def __init__(self, runner: TaskRunner, token: int, key: str | None,
                 fn: Callable[[sqlite3.Connection], Any]) -> None:
        super().__init__()
        self._runner = runner
        self._token = token
        self._key = key
        self._fn = fn
        self._relay = runner._relay

    def run(self) -> None:
        result: object = None
        error: BaseException | None = None
        # A task superseded before it started is not worth a query; its (empty) outcome is
        # still sent so that the GUI side forgets it.
        if self._key is None or self._runner._latest.get(self._key) == self._token:
            runner = self._runner
            try:
                conn = runner._thread_connection()
                runner._started(self._token, self._key, conn)
                try:
                    result = self._fn(conn)
                finally:
                    runner._ended()
            except Exception as exc:  # noqa: BLE001 (every failure is reported on the GUI thread)
                error = exc
        try:
            self._relay.finished.emit(self._token, result, error)
        except RuntimeError:  # the runner is gone (window closed while a read was running)
            pass


class TaskRunner(QObject):
    """Runs ``fn(conn)`` on a worker with that thread's own read-only connection."""

    #: No task is pending any more: every result queued so far has been delivered (or dropped).
    idle = Signal()

    def __init__(self, db_path: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The pool is created first so that, as a child, it is destroyed (and joined) before
        # the relay the workers emit through.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(MAX_WORKERS)
        self._pool.setExpiryTimeout(-1)  # keep workers (and their connections) until shutdown
        self._relay = _Relay(self)
        self._relay.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        # None until an archive that opens is given: no read may touch a file not yet
        # checked (a reader's connection could leave -wal and -shm files beside it).
        self._db_path = None if db_path is None else Path(db_path)
        self._generation = 0  # bumped by set_db_path: workers reopen their connection
        self._lock = threading.Lock()
        self._connections: dict[int, tuple[int, sqlite3.Connection]] = {}  # thread -> (generation, conn)
        self._next_token = 0
        self._pending: dict[int, tuple[Callable[[Any], None], Callable[[Exception], None] | None, str | None]] = {}
        self._latest: dict[str, int] = {}
        # thread -> (token, key, connection) of the task running there, for interrupting it
        self._running: dict[int, tuple[int, str | None, sqlite3.Connection]] = {}
        self._closed = False
        self._error_boxes: list[QMessageBox] = []

    # -- public API ------------------------------------------------------------------------

    @property
    def db_path(self) -> Path | None:
        return self._db_path

    def run(self, fn: Callable[[sqlite3.Connection], T], on_done: Callable[[T], None], *,
            on_error: Callable[[Exception], None] | None = None, key: str | None = None,
            priority: int = NORMAL) -> None:
        """Queue ``fn``; ``on_done(result)`` or ``on_error(exc)`` is called on the GUI thread.

        With ``key``, a result is delivered only if no newer task with that key was queued
        since, and an older task of that key still running is interrupted. ``priority``
        (URGENT, NORMAL, BACKGROUND) orders the tasks waiting for a worker.
        """
        if self._closed:
            log.debug("task ignored: the runner was shut down")
            return
        if self._db_path is None:
            log.debug("task ignored: no archive is open")
            return
        self._next_token += 1
        token = self._next_token
        self._pending[token] = (on_done, on_error, key)
        if key is not None:
            previous = self._latest.get(key)
            self._latest[key] = token
            if previous is not None:
                self._interrupt(previous)
        self._pool.start(_Task(self, token, key, fn), priority)

    def cancel(self, key: str) -> None:
        """Nobody wants the task of ``key`` any more: drop its result, interrupt it if running."""
        token = self._latest.pop(key, None)
        if token is not None:
            self._interrupt(token)

    def is_busy(self, key: str | None = None) -> bool:
        """Whether a task (of ``key``, or any) is still waiting for its result to arrive."""
        if key is None:
            return bool(self._pending)
        return any(k == key for _, _, k in self._pending.values())

    def set_db_path(self, path: Path) -> None:
        """Another archive was opened: later tasks read it; earlier ones are interrupted and
        their results dropped."""
        with self._lock:
            self._db_path = Path(path)
            self._generation += 1
            stale = [token for token, _key, _conn in self._running.values()]
        self._pending.clear()
        self._latest.clear()
        for token in stale:
            self._interrupt(token)

    def shutdown(self) -> None:
        """Drop queued tasks, wait for running ones, close every worker's connection."""
        if self._closed:
            return
        self._closed = True
        self._pool.clear()
        with self._lock:
            running = [token for token, _key, _conn in self._running.values()]
        self._latest.clear()  # running tasks are no longer wanted: they stop at the next check
        for token in running:
            self._interrupt(token)
        self._pool.waitForDone()
        self._pending.clear()
        with self._lock:
            for _generation, conn in self._connections.values():
                conn.close()  # safe: no worker is running any more
            self._connections.clear()

    def _interrupt(self, token: int) -> None:
        """Stop the task ``token`` if it is running now (its result would be dropped anyway)."""
        with self._lock:
            # Under the lock the worker cannot move on to another task meanwhile, so the
            # interrupt reaches this task's statement and nothing else.
            for running, _key, conn in self._running.values():
                if running == token:
                    conn.interrupt()
                    return

    # -- worker side -----------------------------------------------------------------------

    def _started(self, token: int, key: str | None, conn: sqlite3.Connection) -> None:
        with self._lock:
            self._running[threading.get_ident()] = (token, key, conn)

    def _ended(self) -> None:
        with self._lock:
            self._running.pop(threading.get_ident(), None)

    def _wanted(self) -> bool:
        """Whether the task running on this thread is still the newest of its key.

        interrupt() stops only a statement already running; this check, made every few
        thousand SQLite steps, also stops the later statements of a superseded task.
        """
        entry = self._running.get(threading.get_ident())
        if entry is None or entry[1] is None:
            return True
        token, key, _conn = entry
        return self._latest.get(key) == token

    def _thread_connection(self) -> sqlite3.Connection:
        # Keyed by the OS thread, not threading.local(): Python forgets a pool thread's
        # thread-local data between tasks (its thread state is made anew for each call).
        thread = threading.get_ident()
        with self._lock:
            path, generation = self._db_path, self._generation
            entry = self._connections.get(thread)
        if entry is not None and entry[0] == generation:
            return entry[1]
        if entry is not None:  # another archive was opened since
            entry[1].close()
        if path is None:
            raise ArchiveError("no archive is open")
        conn = connection.connect(path, readonly=True)
        conn.set_progress_handler(lambda: not self._wanted(), _PROGRESS_STEPS)
        with self._lock:
            self._connections[thread] = (generation, conn)
        return conn

    # -- GUI side --------------------------------------------------------------------------

    @Slot(int, object, object)
    def _deliver(self, token: int, result: object, error: object) -> None:
        try:
            self._hand_over(token, result, error)
        finally:
            if not self._pending and not self._closed and shiboken6.isValid(self):
                self.idle.emit()

    def _hand_over(self, token: int, result: object, error: object) -> None:
        entry = self._pending.pop(token, None)
        if entry is None or self._closed:
            return  # superseded by set_db_path, or shutting down
        on_done, on_error, key = entry
        if key is not None:
            if self._latest.get(key) != token:
                return  # stale: a newer task with this key is on its way
            del self._latest[key]
        if error is None:
            if _receiver_alive(on_done):
                on_done(result)
        elif on_error is not None:
            if _receiver_alive(on_error):
                on_error(error)  # type: ignore[arg-type]
        else:
            self.show_error(error)  # type: ignore[arg-type]

    def show_error(self, error: BaseException) -> None:
        """A failed read nobody handles: say so in a dialog rather than a silent traceback."""
        log.error("database read failed", exc_info=error)
        parent = QApplication.activeWindow()
        if isinstance(error, sqlite3.Error):  # which file, what it means (damaged, gone...)
            reason, advice = sqlite_reason(error)
            text = f"Reading the archive {self._db_path} failed: {reason}.\n\n{advice}"
        else:
            text = f"Reading the archive failed: {error}\n\nTry again, or reopen the archive."
        box = QMessageBox(QMessageBox.Icon.Warning, "Could not read the archive", text,
                          QMessageBox.StandardButton.Ok, parent)
        box.setObjectName("readError")
        box.setTextFormat(Qt.TextFormat.PlainText)  # it quotes a file name: never markup
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if parent is None:  # nothing else keeps a parentless box alive until it is closed
            self._error_boxes.append(box)
            box.finished.connect(lambda _result, box=box: self._error_boxes.remove(box))
        box.open()


def _receiver_alive(callback: Callable[..., object]) -> bool:
    """False when the callback is a method of a Qt object that has been deleted meanwhile."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, shiboken6.Shiboken.Object) or shiboken6.isValid(owner)
