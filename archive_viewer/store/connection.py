"""Opening an archive file: recognising it, refusing what is not ours, and connecting.

A file that is not SQLite, or is another program's SQLite database, or was written by a newer
version of the app, is refused before anything could write to it: the identity check reads the
header bytes and then looks inside through an immutable read-only connection.
"""
from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from archive_viewer.store import migrations
from archive_viewer.store.errors import ArchiveError, NotAnArchiveError

SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
_APPLICATION_ID_OFFSET = 68

#: Seconds a write waits for another connection's lock before giving up.
BUSY_TIMEOUT_SECONDS = 10.0

FileState = Literal["missing", "empty", "archive"]


@dataclass(frozen=True)
class FileIdentity:
    state: FileState
    version: int = 0  # schema version of an existing archive


def identify(path: Path) -> FileIdentity:
    """Say what ``path`` holds, raising :class:`ArchiveError` for anything that is not ours.

    Never writes: not the file, not a -wal or -shm beside it.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return FileIdentity("missing")
    except PermissionError:
        raise ArchiveError(f"{path}: permission denied") from None
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise NotAnArchiveError(f"{path} is a folder, not an archive file")
    if not stat.S_ISREG(info.st_mode):
        raise NotAnArchiveError(f"{path} is not a regular file, so it cannot be an archive")
    if info.st_size == 0:
        return FileIdentity("empty")
    has_wal = _wal_of(path).exists()
    # With a -wal beside it the file is in use, maybe by connections of this process: reading
    # it here outside SQLite would drop their locks (POSIX locks belong to the process, and
    # closing any descriptor of the file releases them all), and another process closing its
    # last connection would then delete the WAL they still commit to. SQLite, which shares
    # its locks between the connections of a process, reads the header instead.
    if not has_wal:
        _check_header(path)
    application_id, version, objects = _peek(path, has_wal)
    if application_id == migrations.APPLICATION_ID:
        return FileIdentity("archive", version)
    if application_id == 0 and version == 0 and objects == 0:
        return FileIdentity("empty")  # an empty SQLite database: ours to initialise
    raise _other_program(path)


def _wal_of(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite, or another program's by its header."""
    try:
        with open(path, "rb") as file:
            header = file.read(_HEADER_SIZE)
            size = os.fstat(file.fileno()).st_size
    except PermissionError:
        raise ArchiveError(f"{path}: permission denied") from None
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not header.startswith(SQLITE_MAGIC):
        raise _not_sqlite(path)
    if len(header) < _HEADER_SIZE or not _header_is_sound(header):
        raise NotAnArchiveError(
            f"{path} is damaged: its SQLite header is cut short or not valid; it was left "
            "untouched. Restore it from a backup, or import the documents again into a new "
            "archive"
        )
    if _cut_short(path, header, size):
        raise NotAnArchiveError(
            f"{path} is damaged: it is shorter than its SQLite header says (cut off, perhaps "
            "by an interrupted copy); it was left untouched. Restore it from a backup, or "
            "import the documents again into a new archive"
        )
    header_app_id = int.from_bytes(header[68:72], "big", signed=True)
    if header_app_id not in (0, migrations.APPLICATION_ID):
        raise _other_program(path)


def _not_sqlite(path: Path) -> NotAnArchiveError:
    return NotAnArchiveError(
        f"{path} is not an Archive Viewer archive (not an SQLite database); it was left "
        "untouched. Choose another file, or a new name to create an archive"
    )


def _header_is_sound(header: bytes) -> bool:
    """The fixed fields of an SQLite header (fileformat.html): a damaged header is reported as
    damage, not taken for another program's file because its application id is noise."""
    page_size = int.from_bytes(header[16:18], "big")
    sound_size = page_size == 1 or (512 <= page_size <= 32768 and page_size & (page_size - 1) == 0)
    return (sound_size and header[18] in (1, 2) and header[19] in (1, 2)
            and header[21:24] == b"\x40\x20\x20" and not any(header[72:92]))


def _cut_short(path: Path, header: bytes, size: int) -> bool:
    """Whether the file holds fewer bytes than the page count in its header. SQLite reads the
    missing end as zeros, so a file cut inside its last page would otherwise open. The count
    is trusted only when SQLite marks it valid, and only with no -wal beside the file (a
    checkpoint may have written page 1 before growing the file)."""
    if _side_file(path, "-wal").exists():
        return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    count_valid = header[92:96] == header[24:28] and pages > 0
    return count_valid and size < pages * page_size


def _other_program(path: Path) -> NotAnArchiveError:
    return NotAnArchiveError(
        f"{path} is an SQLite database of another program, not an Archive Viewer archive; "
        "it was left untouched. Choose another file, or a new name to create an archive"
    )


def _peek(path: Path, has_wal: bool) -> tuple[int, int, int]:
    """application_id, user_version and schema object count, read without writing anything."""
    # With no -wal file the main file is complete and `immutable` reads it with no locks and no
    # side files; with a -wal present, committed pages may live there, so read through it.
    uri = path.resolve().as_uri() + ("?mode=ro" if has_wal else "?mode=ro&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.Error as exc:
        raise ArchiveError(f"{path} cannot be opened: {exc}") from None
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.OperationalError as exc:  # locked, busy, I/O: a problem, not a verdict
        raise ArchiveError(f"{path} cannot be read now ({exc}); try again") from None
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorcode == sqlite3.SQLITE_NOTADB:  # the header, read by SQLite
            raise _not_sqlite(path) from None
        raise NotAnArchiveError(
            f"{path} is damaged or not an SQLite database ({exc}); it was left untouched"
        ) from None
    finally:
        conn.close()
    return int(application_id), int(version), int(objects)


def connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), foreign keys on.

    ``check_same_thread`` is off only so that :meth:`Archive.close` can close every thread's
    connection at the end; each connection is used by the thread that opened it.
    """
    target = _readonly_uri(path) if readonly else str(path)
    try:
        conn = sqlite3.connect(
            target,
            uri=readonly,
            timeout=BUSY_TIMEOUT_SECONDS,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.execute("PRAGMA foreign_keys = ON")
        # Delete triggers (the FTS sync) also fire for rows removed by INSERT OR REPLACE.
        conn.execute("PRAGMA recursive_triggers = ON")
        if readonly:
            conn.execute("PRAGMA query_only = ON")
        else:
            conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster commits
    except sqlite3.Error as exc:
        raise ArchiveError(f"{path} cannot be opened: {exc}") from None
    return conn


def _readonly_uri(path: Path) -> str:
    uri = path.resolve().as_uri() + "?mode=ro"
    # A reader of a WAL archive needs its -shm file and creates it (and an empty -wal) when
    # missing: impossible in a read-only folder ("unable to open database file"), and beside a
    # read-only file they would be left behind, as a reader never removes them. When nobody
    # could be writing (no -wal, and we could not write either) the file is read as immutable:
    # no side files, no locks.
    if not _side_file(path, "-wal").exists() and write_problem(path) is not None:
        uri += "&immutable=1"
    return uri


def _side_file(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def write_problem(path: Path) -> str | None:
    """Why the archive at ``path`` cannot be written, in words for the user; None when it can.

    SQLite writes the file and keeps -wal and -shm files beside it, so the folder must be
    writable too (unless both already exist and are). ``os.access`` rather than the mode
    bits: it also sees a read-only disk, and that the mode bits do not stop the superuser.
    """
    if path.exists() and not os.access(path, os.W_OK):
        return f"{path} is read-only"
    folder = path.parent
    sides = [_side_file(path, suffix) for suffix in ("-wal", "-shm")]
    if not os.access(folder, os.W_OK) and not all(os.access(s, os.W_OK) for s in sides):
        return (f"{path} is in a read-only folder ({folder}), and SQLite keeps its -wal and "
                "-shm files beside the archive")
    return None


def enable_wal(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
