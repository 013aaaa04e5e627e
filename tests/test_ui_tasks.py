"""The task runner: reads on worker threads, results on the GUI thread, stale ones dropped."""
from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from archive_viewer.store import Archive
from archive_viewer.store.filters import Filter
from archive_viewer.ui.tasks import MAX_WORKERS, TaskRunner


@pytest.fixture(scope="module")
def sample_archive(samples_archive: Path) -> Path:
    return samples_archive


@pytest.fixture
def tasks(sample_archive: Path) -> Iterator[TaskRunner]:
    runner = TaskRunner(sample_archive)
    yield runner
    runner.shutdown()
    runner.deleteLater()


def _meeting_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM meetings").fetchone()[0]


def test_the_function_runs_on_a_worker_and_the_result_arrives_on_the_gui_thread(
        qtbot: QtBot, tasks: TaskRunner) -> None:
    gui_thread = threading.get_ident()
    seen: dict[str, object] = {}

    def read(conn: sqlite3.Connection) -> int:
        seen["worker"] = threading.get_ident()
        return _meeting_count(conn)

    def done(result: int) -> None:
        seen["callback"] = threading.get_ident()
        seen["result"] = result

    tasks.run(read, done)
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] == 9
    assert seen["worker"] != gui_thread
    assert seen["callback"] == gui_thread


def test_a_newer_task_with_the_same_key_makes_the_older_result_stale(
        qtbot: QtBot, tasks: TaskRunner) -> None:
    delivered: list[str] = []
    slow_started = threading.Event()

    def slow(conn: sqlite3.Connection) -> str:
        slow_started.set()
        time.sleep(0.3)
        return "old"

    tasks.run(slow, delivered.append, key="facets")
    assert slow_started.wait(5)
    tasks.run(lambda conn: "new", delivered.append, key="facets")
    tasks.run(lambda conn: "other key", delivered.append, key="detail")
    qtbot.waitUntil(lambda: not tasks.is_busy())
    assert sorted(delivered) == ["new", "other key"]


def test_each_worker_thread_reads_through_its_own_read_only_connection(
        qtbot: QtBot, tasks: TaskRunner) -> None:
    results: list[tuple[int, int]] = []
    gate = threading.Barrier(MAX_WORKERS, timeout=5)  # every worker busy at once: all threads for sure

    def which(conn: sqlite3.Connection) -> tuple[int, int]:
        gate.wait()
        return threading.get_ident(), id(conn)

    for _ in range(MAX_WORKERS):
        tasks.run(which, results.append)
    qtbot.waitUntil(lambda: len(results) == MAX_WORKERS)
    threads = {thread for thread, _conn in results}
    connections = {conn for _thread, conn in results}
    assert len(threads) == len(connections) == MAX_WORKERS

    # Connections are kept per worker thread, not opened per task.
    seen: list[int] = []
    for _ in range(10):
        tasks.run(lambda conn: id(conn), seen.append)
    qtbot.waitUntil(lambda: len(seen) == 10)
    assert set(seen) <= connections

    errors: list[Exception] = []
    tasks.run(lambda conn: conn.execute("DELETE FROM meetings"), lambda _: None, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], sqlite3.Error)  # read-only: the archive cannot be written


def test_an_error_goes_to_on_error_or_else_to_a_dialog(
        qtbot: QtBot, tasks: TaskRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    handled: list[Exception] = []
    shown: list[BaseException] = []
    monkeypatch.setattr(tasks, "show_error", shown.append)

    def fail(conn: sqlite3.Connection) -> None:
        conn.execute("SELECT * FROM no_such_table")

    tasks.run(fail, lambda _: None, on_error=handled.append)
    tasks.run(fail, lambda _: None)
    qtbot.waitUntil(lambda: bool(handled) and bool(shown))
    assert "no_such_table" in str(handled[0])
    assert "no_such_table" in str(shown[0])


def test_the_default_error_dialog_is_shown_without_blocking(qtbot: QtBot, tasks: TaskRunner) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    tasks.run(lambda conn: conn.execute("SELECT nonsense FROM nowhere"), lambda _: None)

    def dialog() -> QMessageBox | None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        return boxes[0] if boxes else None

    qtbot.waitUntil(lambda: dialog() is not None)
    box = dialog()
    assert box is not None and "nowhere" in box.text()
    box.close()  # WA_DeleteOnClose


def test_a_result_for_a_deleted_widget_is_not_delivered(qtbot: QtBot, tasks: TaskRunner) -> None:
    label = QLabel()
    release = threading.Event()

    def wait_then_read(conn: sqlite3.Connection) -> str:
        release.wait(5)
        return str(_meeting_count(conn))

    tasks.run(wait_then_read, label.setText)
    label.deleteLater()
    qtbot.waitUntil(lambda: not _alive(label))
    release.set()
    qtbot.waitUntil(lambda: not tasks.is_busy())  # delivered (and dropped) without a crash


def _alive(obj: object) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


def test_set_db_path_drops_pending_results_and_reads_the_new_archive(
        qtbot: QtBot, tasks: TaskRunner, tmp_path: Path) -> None:
    other = tmp_path / "empty.sqlite"
    Archive.open(other).close()
    release = threading.Event()
    results: list[int] = []

    def wait_then_count(conn: sqlite3.Connection) -> int:
        release.wait(5)
        return _meeting_count(conn)

    tasks.run(wait_then_count, results.append)
    tasks.set_db_path(other)
    release.set()
    tasks.run(_meeting_count, results.append)
    qtbot.waitUntil(lambda: bool(results))
    qtbot.wait(100)
    assert results == [0]


def test_shutdown_waits_for_running_tasks_and_closes_the_connections(
        qtbot: QtBot, sample_archive: Path) -> None:
    runner = TaskRunner(sample_archive)
    finished = threading.Event()
    connections: list[sqlite3.Connection] = []

    def slow(conn: sqlite3.Connection) -> None:
        connections.append(conn)
        time.sleep(0.2)
        finished.set()

    runner.run(slow, lambda _: None)
    qtbot.waitUntil(lambda: bool(connections))
    runner.shutdown()
    assert finished.is_set()
    assert runner._pool.activeThreadCount() == 0
    with pytest.raises(sqlite3.ProgrammingError):
        connections[0].execute("SELECT 1")
    delivered: list[object] = []
    runner.run(lambda conn: 1, delivered.append)  # after shutdown: ignored, not an error
    qtbot.wait(50)
    assert delivered == []
    runner.deleteLater()


def test_real_queries_run_through_the_runner(qtbot: QtBot, tasks: TaskRunner) -> None:
    from archive_viewer.store import queries

    got: list[queries.Totals] = []
    tasks.run(lambda conn: queries.totals(conn, Filter()), got.append)
    qtbot.waitUntil(lambda: bool(got))
    assert got[0].meetings == 9
