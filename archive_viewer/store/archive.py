"""The archive: one SQLite file, one connection per thread, explicit write transactions."""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from archive_viewer.store import connection, migrations, people_merge, summary
from archive_viewer.store.errors import (
    ArchiveError,
    ReadOnlyArchiveError,
    is_damage,
    sqlite_problem,
    sqlite_reason,
)
from archive_viewer.store.importer import (
    ImportResult,
    ImportStopped,
    ImportSummary,
    Parser,
    ProgressCallback,
    default_parser,
    import_document,
    import_paths,
)
from archive_viewer.store.issues import (
    default_thesaurus_path,
    load_thesaurus,
    thesaurus_needs_refresh,
)
from archive_viewer.store.transactions import write_transaction

if TYPE_CHECKING:
    import sqlite_utils


@dataclass(frozen=True)
class ArchiveStats:
    documents: int
    meetings: int
    sections: int
    items: int
    statements: int
    people: int
    issues: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class Archive:
    """An open archive file. Use :meth:`open`; close with :meth:`close` or a ``with`` block.

    Any thread may use it: each thread gets its own connection on first use.
    """

    def __init__(self, path: Path, *, readonly: bool, parser: Parser,
                 first_connection: sqlite3.Connection) -> None:
        self.path = path
        self.readonly = readonly
        self.parser = parser
        #: Problems that did not stop the archive from opening (e.g. a broken issues.toml).
        self.warnings: list[str] = []
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        self._adopt(first_connection)

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True, readonly: bool = False,
             parser: Parser | None = None, thesaurus: Path | None = None) -> Archive:
        """Open the archive at ``path``, creating it (when ``create``) or upgrading its schema.

        Raises :class:`ArchiveError` (a message for the user) for a file that is not an archive,
        another program's SQLite file, a damaged file, an archive made by a newer app, or a
        missing file when ``create`` is false; such files are left untouched. Without
        ``readonly`` a file or folder that cannot be written is refused with
        :class:`ReadOnlyArchiveError` (open it ``readonly`` instead), and an upgrade that fails
        leaves the file as it was. ``readonly`` never writes, so it also refuses an archive that
        would need an upgrade. ``thesaurus`` defaults to resources/issues.toml, loaded into
        ``issues`` whenever it changed.
        """
        path = Path(path).expanduser()
        identity = connection.identify(path)
        latest = migrations.latest_version()
        if identity.state == "archive":
            migrations.check_not_newer(identity.version, latest, path)
        elif readonly or not create:
            what = "does not exist" if identity.state == "missing" else "is empty, not an archive"
            raise ArchiveError(f"{path} {what}")
        # Refused before connecting: a writer on a file it cannot write would fail at the first
        # import or upgrade, one document at a time, with SQLite's words.
        created = identity.state == "missing"
        if created:
            _check_can_create(path)
        problem = None if readonly or created else connection.write_problem(path)
        if readonly and identity.version < latest:
            problem = connection.write_problem(path)
            how = ("copy it to a writable folder and open the copy once without read-only to "
                   "upgrade it" if problem else "open it once without read-only to upgrade it")
            raise ArchiveError(
                f"archive {path} uses an older schema ({identity.version}); {how}"
            )
        if problem is not None:
            raise ReadOnlyArchiveError(
                f"{problem}: Archive Viewer can only read it, not import into it or upgrade it. "
                "Make it writable, or open a copy in a writable folder"
            )

        if created:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveError(f"cannot create {path}: {exc.strerror or exc}") from None
        conn = connection.connect(path, readonly=readonly)
        try:
            if not readonly:
                _prepare(conn, path, identity.version < latest)
        except BaseException as exc:
            conn.close()
            # A file another process is creating or upgrading at the same moment is theirs:
            # removing it would pull it from under them.
            if created and not _is_busy(exc):
                _remove_new_file(path)
            if isinstance(exc, sqlite3.Error | OSError):
                raise _preparation_problem(path, exc, identity.version, latest) from None
            raise
        archive = cls(path, readonly=readonly, parser=parser or default_parser,
                      first_connection=conn)
        if not readonly:
            try:
                archive._refresh_thesaurus_quietly(thesaurus or default_thesaurus_path())
                # People of an older schema or added by hand are merged by spelling now; counts
                # left stale by that, an interrupted import or a hand edit are redone now.
                archive._refresh_counts_quietly(damage_raises=True)
            except BaseException:
                archive.close()
                raise
        return archive

    # -- connections -------------------------------------------------------------------------

    def _adopt(self, conn: sqlite3.Connection) -> None:
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (autocommit mode: write through :meth:`transaction`)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise ArchiveError(f"archive {self.path} is closed")
            conn = connection.connect(self.path, readonly=self.readonly)
            self._adopt(conn)
        return conn

    @property
    def db(self) -> sqlite_utils.Database:
        """A sqlite-utils view of this thread's connection, for reading tables conveniently."""
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            import sqlite_utils  # on first use: it takes a tenth of a second to import

            db = sqlite_utils.Database(self.connection(), execute_plugins=False)
            self._local.db = db
        return db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction on this thread's connection; rolled back on any error."""
        with write_transaction(self.connection()) as conn:
            yield conn

    def close(self) -> None:
        """Close every thread's connection (the last close checkpoints the WAL)."""
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
        self._local = threading.local()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- contents ----------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return migrations.schema_version(self.connection())

    def stats(self) -> ArchiveStats:
        db = self.db
        return ArchiveStats(**{f.name: db.table(f.name).count for f in fields(ArchiveStats)})

    def get_meta(self, key: str) -> str | None:
        row = self.connection().execute(
            "SELECT value FROM archive_meta WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO archive_meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- writing -----------------------------------------------------------------------------

    def import_document(self, path: Path | str) -> ImportResult:
        """Import one file in one transaction: imported, unchanged, replaced or failed."""
        try:
            return import_document(self.connection(), Path(path), self.parser)
        except ImportStopped as stopped:
            raise self._import_stopped(stopped.error, 0) from None
        finally:
            self._refresh_counts_quietly()

    def import_paths(self, paths: Iterable[Path | str], *,
                     progress: ProgressCallback | None = None,
                     should_cancel: Callable[[], bool] | None = None,
                     workers: int | None = None) -> ImportSummary:
        """Import files and folders (recursively), one transaction per document.

        Many files are parsed in ``workers`` processes (default: one per CPU) while this
        thread writes; ``workers=1`` parses in this thread.
        """
        try:
            return import_paths(self.connection(), paths, self.parser, progress=progress,
                                should_cancel=should_cancel, workers=workers)
        except ImportStopped as stopped:
            kept = stopped.summary.count("imported") + stopped.summary.count("replaced")
            raise self._import_stopped(stopped.error, kept) from None
        finally:
            self._refresh_counts_quietly()

    def _import_stopped(self, exc: sqlite3.Error, kept: int) -> ArchiveError:
        """The message for an import stopped by the archive file itself (disk full, damaged,
        read-only): which archive, why, and what it kept."""
        reason, advice = sqlite_reason(exc)
        done = (f"the {kept} document{'' if kept == 1 else 's'} imported before it stopped "
                f"{'stays' if kept == 1 else 'stay'} in the archive and the rest were not "
                "imported" if kept else "no document was imported")
        return ArchiveError(f"the import into archive {self.path} stopped: {reason}. "
                            f"{done[0].upper()}{done[1:]}; nothing else in the archive was "
                            f"changed. {advice}")

    def refresh_counts(self) -> int:
        """Bring the per-meeting count tables (db/003) up to date for the meetings written
        since they were last counted; return how many were recounted (none when another
        process kept the archive busy for longer than a write waits: they stay stale).

        Done once after a batch of documents rather than in each document's transaction: a
        meeting's counts are spread over the issues' index ranges, and writing them with each
        document would double the cost of an import. Until then queries count the slow way.
        """
        conn = self.connection()
        if not conn.execute("SELECT EXISTS (SELECT 1 FROM stale_meetings)").fetchone()[0]:
            return 0
        try:
            with self.transaction() as conn:
                return summary.refresh_stale(conn)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise
            # Another process has held the archive for longer than a write waits (a large
            # import recounting, say): stale counts are never wrong, only slower, so the
            # opening or the import that asked goes on, and the next one recounts.
            return 0

    def _refresh_counts_quietly(self, *, damage_raises: bool = False) -> None:
        """:meth:`merge_spellings` and :meth:`refresh_counts`, where failing must not lose the
        work around it: stale counts are only slower (queries count the slow way), and are
        redone at the next open. With ``damage_raises`` (when opening) a damaged file is
        refused instead."""
        try:
            self.merge_spellings()  # one person under two spellings: merged before counting
            self.refresh_counts()
        except sqlite3.Error as exc:
            if damage_raises and is_damage(exc):
                raise sqlite_problem(self.path, exc, "open") from None
            self.warnings.append(
                f"the counts of archive {self.path} could not be brought up to date "
                f"({sqlite_reason(exc)[0]}); they are counted the slow way until the next open"
            )

    def merge_spellings(self) -> int:
        """Merge the people written differently who are one person (store/people_merge.py);
        return how many rows were merged away. Counts follow at the next refresh_counts."""
        if not people_merge.people_pass_needed(self.connection()):
            return 0
        with self.transaction() as conn:
            return people_merge.merge_spellings(conn)

    def merge_people(self, keep: int, other: int) -> int:
        """A researcher's merge of ``other`` into ``keep``, remembered across re-imports, in
        one transaction with the recount; raises PeopleError when it cannot be done."""
        with self.transaction() as conn:
            return people_merge.merge_people(conn, keep, other)

    def split_person(self, person_id: int, spellings: Iterable[people_merge.Spelling] | None = None,
                     ) -> people_merge.SplitResult:
        """A researcher's split of a person's spellings (every one but the row's own when
        None) into people of their own, in one transaction with the recount."""
        with self.transaction() as conn:
            return people_merge.split_person(conn, person_id, spellings)

    def refresh_thesaurus(self, path: Path | None = None) -> int:
        """Load the issue thesaurus (resources/issues.toml by default) into ``issues``."""
        with self.transaction() as conn:
            count = load_thesaurus(conn, path or default_thesaurus_path())
        self.refresh_counts()
        return count

    def _refresh_thesaurus_quietly(self, path: Path) -> None:
        try:
            if thesaurus_needs_refresh(self.connection(), path):
                self.refresh_thesaurus(path)
        except sqlite3.Error as exc:
            if is_damage(exc):  # the archive is at fault, not the thesaurus
                raise sqlite_problem(self.path, exc, "open") from None
            self.warnings.append(f"the issue thesaurus {path} was not loaded: {exc}")
        except (ArchiveError, OSError, UnicodeDecodeError) as exc:
            self.warnings.append(f"the issue thesaurus {path} was not loaded: {exc}")


def _preparation_problem(path: Path, exc: sqlite3.Error | OSError, version: int,
                         latest: int) -> ArchiveError:
    """What went wrong while making ``path`` ready, for the user (the file is as it was)."""
    if isinstance(exc, sqlite3.Error):
        reason, advice = sqlite_reason(exc)
    else:
        reason, advice = f"{exc.strerror or exc}", "Try again."
    if 0 < version < latest:
        return ArchiveError(
            f"archive {path} could not be upgraded from schema {version} to {latest}: {reason}. "
            f"It was left as it was. {advice}"
        )
    if version == 0:
        return ArchiveError(f"cannot create archive {path}: {reason}. {advice}")
    return ArchiveError(f"cannot open archive {path}: {reason}. {advice}")


def _check_can_create(path: Path) -> None:
    """Refuse, in words, to create ``path`` under a folder that cannot be written."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the folders in between are created
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ArchiveError(f"cannot create archive {path}: the folder {folder} is read-only")


def _prepare(conn: sqlite3.Connection, path: Path, upgrade: bool) -> None:
    """WAL mode, then the pending migrations. Another process creating or upgrading the same
    file at this moment holds it for a while (switching to WAL does not wait for it as other
    statements do): try again until the busy timeout has passed."""
    deadline = time.monotonic() + connection.BUSY_TIMEOUT_SECONDS
    while True:
        try:
            # WAL before migrating: an upgrade cut short (even by a crash) then never
            # touches the file itself, only the -wal, which SQLite discards.
            connection.enable_wal(conn)
            if upgrade:
                migrations.migrate(conn, path)  # reads the version again under its lock
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _is_busy(exc: BaseException) -> bool:
    return (isinstance(exc, sqlite3.OperationalError)
            and getattr(exc, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY,
                                                                 sqlite3.SQLITE_LOCKED))


def _remove_new_file(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
