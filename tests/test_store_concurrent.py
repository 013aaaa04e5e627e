"""Two at once: the app and the `import` command, or two commands, on one archive."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.archive_checks import connected, integrity_problems

from archive_viewer.store import Archive
from archive_viewer.store.connection import connect, identify


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
