"""An import killed at any moment (SIGKILL: no handler runs, nothing is cleaned up) leaves a
sound archive, and running the import again completes it as if nothing had happened.

The command line's import (``cli.main(["import", ...])``, in a process of its own, with its
pool of parsing processes) imports 200 generated documents and is killed again and again. The
processes are forked from a server that has the command line and the parser loaded already
(fixtures/import_server.py): a new interpreter would spend most of a second importing before
writing anything, 31 times over. One kill, halfway, and the last import, the one left to
finish, run ``python -m archive_viewer import`` itself. Only the import is killed: its parsing
processes must end by themselves.

The kill points are spread over the time line of one clean import: kill k aims at k/32 of its
duration, give or take half a step. A kill aimed at its start-up (before its first commit) kills
after that many seconds. A kill aimed later kills once the archive holds as many documents as
the clean import had committed by then, plus the time into the next document: each import after
a kill resumes where the last one stopped (the documents already there are skipped), so a kill
lands as far into the document set as it aims however busy the machine is. After each kill the
archive must pass every check of fixtures/archive_checks.py and opening it must mend the
counts; at the end the archive must be exactly what a clean import gives.

Run with -s to see where the kills landed.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
from fixtures.archive_checks import (
    assert_counts_right_or_stale,
    assert_sound,
    connected,
    contents,
    differences_from_a_recount,
    document_shapes,
    orphans,
    run_import,
    stale_count,
)
from fixtures.import_server import PROJECT_ROOT, ImportServer

from archive_viewer.store import Archive, migrations
from bench.generate import write_documents

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(os, "waitid"),
                                reason="kills forked processes (POSIX with waitid)")

DOCUMENTS = 200
KILL_POINTS = 31
SEED = 6


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crash-documents")
    write_documents(folder, DOCUMENTS, seed=SEED)
    return folder


@pytest.fixture(scope="module")
def server() -> Iterator[ImportServer]:
    started = ImportServer()
    yield started
    started.close()


@dataclass(frozen=True)
class Timeline:
    """A clean import seen from outside: seconds from its start to its first document
    committed, to its last, and to its end."""

    first: float
    last: float
    end: float

    @property
    def per_document(self) -> float:
        return (self.last - self.first) / (DOCUMENTS - 1)


def _documents_in(path: Path) -> int:
    with _Watcher(path) as watcher:
        return watcher.documents()


class _Watcher:
    """Counts the archive's documents while an import writes, on one read-only connection
    (opening one for each look, hundreds of times per import, would cost more than the look)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None

    def documents(self) -> int:
        try:
            if self._conn is None:
                if not self._path.exists():
                    return 0
                self._conn = sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=ro",
                                             uri=True, timeout=1)
            return int(self._conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        except sqlite3.OperationalError:  # being created: no documents yet
            return 0

    def __enter__(self) -> _Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._conn is not None:
            self._conn.close()


def _import_argv(db: Path, documents: Path) -> list[str]:
    return ["import", "--db", str(db), str(documents)]


def _clean_import(server: ImportServer, db: Path, documents: Path, log: Path) -> Timeline:
    """Import everything once, watching the document count to time the phases."""
    start = time.perf_counter()
    pid = server.start(_import_argv(db, documents), log)
    first = last = 0.0
    with _Watcher(db) as watcher:
        while not server.ended(pid):
            count = watcher.documents()
            now = time.perf_counter() - start
            if count and not first:
                first = now
            if count == DOCUMENTS and not last:
                last = now
            time.sleep(0.002)
    end = time.perf_counter() - start
    assert server.reap(pid) == 0, log.read_text()
    assert log.read_text().startswith(
        f"Imported {DOCUMENTS}, unchanged 0, replaced 0, failed 0"), log.read_text()
    return Timeline(first or end, last or end, end)


class _Import(Protocol):
    """An import running in a process of its own, leading its own process group."""

    pid: int

    def ended(self) -> bool: ...

    def reap(self) -> int: ...


class _Forked:
    """An import forked from the server, which reaps it."""

    def __init__(self, server: ImportServer, argv: list[str], log: Path) -> None:
        self._server = server
        self.pid = server.start(argv, log)

    def ended(self) -> bool:
        return self._server.ended(self.pid)

    def reap(self) -> int:
        return self._server.reap(self.pid)


class _CommandLine:
    """``python -m archive_viewer import ...`` itself."""

    def __init__(self, argv: list[str], log: Path) -> None:
        with open(log, "w") as output:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "archive_viewer", *argv], cwd=PROJECT_ROOT,
                stdin=subprocess.DEVNULL, stdout=output, stderr=output, process_group=0)
        self.pid = self._process.pid

    def ended(self) -> bool:
        return self._process.poll() is not None

    def reap(self) -> int:
        return self._process.wait(timeout=60)


def _kill(running: _Import, db: Path, log: Path, *, documents_in: int, then: float) -> bool:
    """SIGKILL an import ``then`` seconds after the archive holds ``documents_in`` documents
    (0: after its start); whether it was still running.

    Only the import itself is killed: the parsing processes it started must then end by
    themselves, not linger for ever.
    """
    try:
        deadline = None if documents_in else time.perf_counter() + then
        with _Watcher(db) as watcher:
            while not running.ended():
                now = time.perf_counter()
                if deadline is None and watcher.documents() >= documents_in:
                    deadline = now + then
                if deadline is not None and now >= deadline:
                    break
                time.sleep(0.001)
    finally:
        os.kill(running.pid, signal.SIGKILL)  # not reaped yet: the PID is still the import's
        code = running.reap()
        lingering = _group_outlives(running.pid, seconds=5)
        if lingering:  # clean up, then fail
            os.killpg(running.pid, signal.SIGKILL)
    assert not lingering, "the killed import's parsing processes did not end"
    assert code in (0, -signal.SIGKILL), log.read_text()
    return code == -signal.SIGKILL


def _group_outlives(group: int, *, seconds: float) -> bool:
    """Whether processes of the group are still running after ``seconds`` (the ones that
    ended may wait a while to be reaped by init: they are not counted)."""
    deadline = time.perf_counter() + seconds
    while _running_in_group(group):
        if time.perf_counter() > deadline:
            return True
        time.sleep(0.01)
    return False


def _running_in_group(group: int) -> bool:
    if not Path("/proc/self/stat").exists():  # no /proc: whether any is there at all
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _parent, process_group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
        if int(process_group) == group and state not in ("Z", "X"):
            return True
    return False


@dataclass(frozen=True)
class Kill:
    aim: float  # the moment of the clean import's time line aimed at (seconds)
    before: int  # documents in the archive when the import started
    after: int  # documents in it after the kill
    running: bool  # the import had not ended by itself when the kill came
    stale: int  # meetings whose counts the kill left stale
    command_line: bool  # `python -m archive_viewer import` itself, not a forked import

    @property
    def phase(self) -> str:
        if not self.running:
            return "after it had ended"
        if self.before == DOCUMENTS:
            return "with nothing left to import"
        if self.after == self.before:
            return "before its first commit (start-up, reading, parsing, first transaction)"
        if self.after < DOCUMENTS:
            return "while writing documents"
        return "after its last document (counting, closing)"

    @property
    def mid_import(self) -> bool:
        """Killed while it had documents to import."""
        return self.running and self.before < DOCUMENTS


def _check_after_kill(db: Path, reference: dict[str, tuple[int, ...]]) -> int:
    """Every check on the archive a kill left; how many meetings it left stale."""
    if not db.exists():
        return 0  # killed before it created the archive
    with connected(db) as conn:
        if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
            # Killed while creating it: the schema is one transaction, not committed.
            assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
            stale = 0
        else:
            assert_sound(conn)
            assert orphans(conn) == {}
            # Each document all there or not there: the same rows as after a clean import.
            shapes = document_shapes(conn)
            assert shapes == {name: reference[name] for name in shapes}
            stale = assert_counts_right_or_stale(conn)
    # Opening it mends the counts: the same as counting every meeting from nothing.
    with Archive.open(db) as archive:
        assert archive.schema_version == migrations.latest_version()
    with connected(db) as conn:
        assert stale_count(conn) == 0
        assert differences_from_a_recount(conn) == {}
    return stale


def test_an_import_killed_anywhere_leaves_a_sound_archive_and_resumes(
        server: ImportServer, documents: Path, tmp_path: Path) -> None:
    log = tmp_path / "import.log"
    clean = tmp_path / "clean.sqlite"
    timeline = _clean_import(server, clean, documents, log)
    with connected(clean) as conn:
        reference = document_shapes(conn)
        expected = contents(conn)
    assert len(reference) == DOCUMENTS and all(shape[0] == 1 for shape in reference.values())

    rng = random.Random(SEED)
    db = tmp_path / "killed.sqlite"
    step = timeline.end / (KILL_POINTS + 1)
    kills: list[Kill] = []
    checking = 0.0
    started = time.perf_counter()
    for k in range(1, KILL_POINTS + 1):
        aim = k * step + rng.uniform(-step / 2, step / 2)
        before = _documents_in(db)
        if aim < timeline.first:  # starting up: creating the archive, reading, parsing
            documents_in, then = 0, aim
        elif aim < timeline.last:  # writing: so far into the document it was writing then
            nth, into = divmod(aim - timeline.first, timeline.per_document)
            documents_in, then = int(nth) + 1, into
        else:  # after the last document: counting, closing
            documents_in, then = DOCUMENTS, aim - timeline.last
        argv = _import_argv(db, documents)
        # One kill, halfway, of the command line itself, started by a new interpreter.
        started_import = (_CommandLine(argv, log) if k == KILL_POINTS // 2 + 1
                          else _Forked(server, argv, log))
        running = _kill(started_import, db, log, documents_in=documents_in, then=then)
        after = _documents_in(db)
        checks_started = time.perf_counter()
        try:
            stale = _check_after_kill(db, reference)
        except AssertionError as exc:
            raise AssertionError(f"after kill {k} (aimed at {aim:.2f} s of the clean import; "
                                 f"{before} documents before, {after} after): {exc}") from exc
        checking += time.perf_counter() - checks_started
        kills.append(Kill(aim, before, after, running, stale,
                          isinstance(started_import, _CommandLine)))
    killing = time.perf_counter() - started

    # Running the import again (the command line itself this time) completes the set.
    finished = run_import(db, documents)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith("Imported ") and ", failed 0" in finished.stdout
    with connected(db) as conn:
        assert_sound(conn)
        assert contents(conn) == expected  # ids, rows and counts: as if never interrupted

    phases = Counter(kill.phase for kill in kills)
    landed = sum(kill.mid_import for kill in kills)
    print(f"\nclean import of {DOCUMENTS} documents: first commit after {timeline.first:.2f} s, "
          f"last after {timeline.last:.2f} s, ended after {timeline.end:.2f} s")
    print(f"kill points tried {len(kills)}, landed mid-import {landed}, archive sound after "
          f"{len(kills)} of {len(kills)}; {killing:.1f} s, {checking:.1f} s of it checking:")
    for phase, count in phases.most_common():
        print(f"  {count:3d} killed {phase}")
    print(f"  {sum(k.stale > 0 for k in kills)} left counts stale, mended on opening; the "
          f"command line itself killed {next(k.phase for k in kills if k.command_line)}")
    # Most kills must land while the import works, whatever the machine's load.
    assert landed >= KILL_POINTS * 2 // 3, phases
    assert phases["while writing documents"] >= KILL_POINTS // 2, phases
