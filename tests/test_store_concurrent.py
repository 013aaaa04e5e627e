"""Two at once: two `import` commands into one archive, or the command while the app has the
archive open, reading (as the window's workers do) and importing (as its import thread does).
Neither may fail with "database is locked", lose a document, or let a reader see half of one.
"""
from __future__ import annotations

import multiprocessing
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fixtures.archive_checks import (
    assert_sound,
    connected,
    differences_from_a_recount,
    document_shapes,
    import_command,
    integrity_problems,
    open_at_once,
    orphans,
    stale_count,
)
from fixtures.archive_checks import PROJECT_ROOT as ROOT

from archive_viewer.store import Archive, ArchiveError, ImportSummary, connection, migrations, queries
from archive_viewer.store.connection import connect, identify
from archive_viewer.store.filters import Filter
from archive_viewer.store.importer import POOL_MIN_FILES
from archive_viewer.store.sources import decode_text
from bench.generate import write_documents

#: Per command: enough to parse in a pool of processes while writing, as a large import does.
DOCUMENTS = POOL_MIN_FILES
#: Files both commands are given: each is stored once, "unchanged" for the later one.
SHARED = 8
#: Documents the app imports, parsing them in its import thread, while a command imports.
APP_DOCUMENTS = 16


@pytest.fixture(scope="module")
def sets(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Path]]:
    root = tmp_path_factory.mktemp("concurrent-documents")
    return (write_documents(root / "first", DOCUMENTS, seed=21),
            write_documents(root / "second", DOCUMENTS, seed=22))


def _start(db: Path, documents: list[Path]) -> subprocess.Popen[str]:
    return subprocess.Popen(import_command(db, *documents), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen[str]) -> dict[str, int]:
    """The counts of the command's summary line ("Imported 7, unchanged 1, ...")."""
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert err == "", err
    counts = re.fullmatch(r"Imported (\d+), unchanged (\d+), replaced (\d+), failed (\d+)\n",
                          out)
    assert counts, out
    return dict(zip(("imported", "unchanged", "replaced", "failed"),
                    map(int, counts.groups()), strict=True))


def _assert_holds_exactly(db: Path, files: list[Path]) -> None:
    """Every file once, as one whole meeting, and the archive sound, its counts up to date."""
    with connected(db) as conn:
        assert_sound(conn)
        assert orphans(conn) == {}
        stored = dict(conn.execute("SELECT source_path, raw_text FROM documents"))
        assert stored == {str(f.resolve()): decode_text(f.read_bytes()) for f in files}
        assert {shape[0] for shape in document_shapes(conn).values()} == {1}
        assert stale_count(conn) == 0
        assert differences_from_a_recount(conn) == {}


def test_two_imports_at_once_into_a_new_archive(sets: tuple[list[Path], list[Path]],
                                               tmp_path: Path) -> None:
    first, second = sets
    db = tmp_path / "shared.sqlite"
    # Both find no archive there; both are given a few of the same files.
    summaries = [_finish(p) for p in (_start(db, first + second[:SHARED]), _start(db, second))]
    assert all(s["failed"] == 0 and s["replaced"] == 0 for s in summaries), summaries
    assert sum(s["imported"] for s in summaries) == 2 * DOCUMENTS, summaries
    assert sum(s["unchanged"] for s in summaries) == SHARED, summaries
    _assert_holds_exactly(db, first + second)


class _Reader(threading.Thread):
    """Reads the archive over and over on a read-only connection of its own, as the window's
    task workers do, checking that each read sees whole documents and never fewer than before."""

    def __init__(self, db: Path) -> None:
        super().__init__(daemon=True)
        self._db = db
        self.stop = threading.Event()
        self.reads = 0
        self.error: BaseException | None = None
        self.seen: list[int] = []

    def run(self) -> None:
        conn = connect(self._db, readonly=True)
        try:
            while not self.stop.is_set():
                # One statement, one snapshot: a document and its meeting come together.
                documents, meetings = conn.execute(
                    "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM meetings)"
                ).fetchone()
                assert documents == meetings, (documents, meetings)
                assert not self.seen or documents >= self.seen[-1]
                self.seen.append(documents)
                queries.totals(conn, Filter())
                queries.years(conn, Filter())
                queries.facets(conn, Filter())
                queries.search(conn, Filter(text="minister"), limit=10)
                self.reads += 1
                self.stop.wait(0.01)  # the window reads when something changes, not nonstop
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            conn.close()


def test_an_import_command_while_the_app_reads_and_imports(
        sets: tuple[list[Path], list[Path]], tmp_path: Path) -> None:
    mine, theirs = sets[0][:APP_DOCUMENTS], sets[1]
    db = tmp_path / "open.sqlite"
    Archive.open(db).close()
    reader = _Reader(db)
    reader.start()
    app_summary: list[ImportSummary] = []
    app_error: list[BaseException] = []

    def app_import() -> None:
        # As the window's import thread: its own write connection, one document at a time.
        try:
            with Archive.open(db, create=False) as archive:
                app_summary.append(archive.import_paths(mine, workers=1))
        except BaseException as exc:
            app_error.append(exc)

    command = _start(db, theirs)
    importing = threading.Thread(target=app_import)
    importing.start()
    try:
        summary = _finish(command)
        importing.join(timeout=120)
    finally:
        time.sleep(0.05)  # a last read or two after both are done
        reader.stop.set()
        reader.join(timeout=30)
    assert reader.error is None, repr(reader.error)
    assert app_error == []
    assert summary == {"imported": DOCUMENTS, "unchanged": 0, "replaced": 0, "failed": 0}
    assert [f.line() for f in app_summary[0].failures] == []
    assert app_summary[0].count("imported") == len(mine)
    assert reader.reads > 3 and reader.seen[-1] == len(mine) + len(theirs)
    _assert_holds_exactly(db, mine + theirs)


def _write_and_close_elsewhere(db: Path, key: str) -> None:
    """Another process connects, writes a row and closes: if it finds no other connection on
    the file (no lock held), it checkpoints and deletes the WAL as it goes."""
    code = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute(\"INSERT INTO archive_meta (key, value) VALUES (?, 'x')\", (sys.argv[2],)); "
            "c.close()")
    subprocess.run([sys.executable, "-c", code, str(db), key], check=True, timeout=60)


@pytest.mark.parametrize("how", ["identify", "Archive.open", "archive_problem"])
def test_opening_the_archive_again_keeps_the_locks_of_its_open_connections(
        tmp_path: Path, how: str) -> None:
    """A connection holds a lock on the file that tells other processes it is in use. POSIX
    drops all of a process's locks on a file when the process closes any descriptor of it, so
    reading the file outside SQLite while connected to it would let another process delete the
    WAL this one still writes to: its later commits would be lost, the file malformed."""
    db = tmp_path / "in-use.sqlite"
    Archive.open(db).close()
    reader = connect(db, readonly=True)  # the window's read connection, reading
    writer = Archive.open(db)  # and its writer
    try:
        reader.execute("SELECT count(*) FROM documents").fetchone()
        if how == "identify":
            identify(db)
        elif how == "Archive.open":  # as the window's import thread does while it reads
            Archive.open(db, create=False).close()
        else:
            from archive_viewer.ui.main_window import archive_problem

            assert archive_problem(db) is None
        _write_and_close_elsewhere(db, "elsewhere")
        assert db.with_name(db.name + "-wal").exists()  # still in use: not checkpointed away
        writer.set_meta("here", "y")
    finally:
        writer.close()
        reader.close()
    with connected(db) as conn:
        assert integrity_problems(conn) == []
        assert dict(conn.execute("SELECT key, value FROM archive_meta WHERE key IN "
                                 "('elsewhere', 'here')")) == {"elsewhere": "x", "here": "y"}


def test_the_archive_given_as_a_document_is_refused_without_reading_it(tmp_path: Path) -> None:
    """`import ~/papers/*` with the archive among the papers: its file, -wal and -shm are
    refused by name, never opened (closing them would drop this process's locks)."""
    db = tmp_path / "papers" / "archive.sqlite"
    document = write_documents(tmp_path / "papers", 1, seed=3)[0]
    with Archive.open(db) as archive:
        archive.connection().execute("SELECT count(*) FROM documents").fetchone()
        own = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
        assert all(path.exists() for path in own)
        summary = archive.import_paths([*own, document])
        _write_and_close_elsewhere(db, "elsewhere")
        assert own[1].exists()  # still in use: not checkpointed away
        archive.set_meta("here", "y")
    assert [(r.path, r.status, r.reason) for r in summary.results] == [
        *((path, "failed", "is the archive itself, not a document") for path in own),
        (document, "imported", None)]
    with connected(db) as conn:
        assert integrity_problems(conn) == []
        assert conn.execute("SELECT count(*) FROM archive_meta WHERE key IN "
                            "('elsewhere', 'here')").fetchone()[0] == 2


def test_an_archive_busy_for_longer_than_the_timeout_stops_the_import_in_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process may hold the write lock for longer than a write waits (a large import
    recounting, an upgrade): opening the archive still works (the counts that could not be
    brought up to date stay stale, and the queries count the slow way until the next import or
    opening), and the import stops at the first document with a message saying why, rather
    than waiting out the lock once for every document."""
    db = tmp_path / "busy.sqlite"
    first, second = write_documents(tmp_path / "documents", 2, seed=4)
    with Archive.open(db) as archive:
        assert not archive.import_paths([first]).failures
    with connected(db) as conn:  # a hand edit: the meeting's counts are stale
        conn.execute("UPDATE meetings SET kind = 'other'")
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.2)
    with connected(db) as other:
        other.execute("BEGIN IMMEDIATE")  # held for as long as the test wants
        with Archive.open(db) as archive:
            with pytest.raises(ArchiveError) as stopped:
                archive.import_paths([second])
        other.execute("ROLLBACK")
    message = str(stopped.value)
    assert str(db) in message and "another program is using it" in message
    assert "No document was imported" in message
    with connected(db) as conn:
        assert stale_count(conn) == 1
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    with Archive.open(db) as archive:  # free again: the counts are mended
        assert not archive.import_paths([second]).failures
    with connected(db) as conn:
        assert stale_count(conn) == 0 and differences_from_a_recount(conn) == {}


def test_three_processes_creating_one_new_archive_at_once_all_open_it(tmp_path: Path) -> None:
    """The first creates the file and its schema; the others wait for it instead of refusing,
    and none of them removes the file from under another (which lost its pages before)."""
    context = multiprocessing.get_context("spawn")
    for round_ in range(15):
        path = tmp_path / f"new-{round_}.sqlite"
        barrier, results = context.Barrier(3), context.Queue()
        workers = [context.Process(target=open_at_once, args=(str(path), barrier, results))
                   for _ in range(3)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        outcomes = [results.get(timeout=5) for _ in workers]
        assert outcomes == [("opened", migrations.latest_version())] * 3, outcomes
        with Archive.open(path) as archive:
            assert archive.stats().documents == 0
