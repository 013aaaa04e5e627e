"""Versioned schema migrations: the SQL files under db/ applied in order, one transaction each.

A migration file is named ``NNN_description.sql``; NNN is the schema version it produces.
``PRAGMA user_version`` holds the version of an archive, ``PRAGMA application_id`` marks the
file as ours. An archive at an older version is upgraded inside one transaction; an archive at a
newer version is refused, untouched.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from archive_viewer import paths
from archive_viewer.store.errors import ArchiveError, NewerSchemaError

#: PRAGMA application_id of every archive: "AVw1" read as a big-endian 32-bit integer.
APPLICATION_ID = 0x41567731

_MIGRATION_NAME = re.compile(r"^(\d{3})_[A-Za-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    def statements(self) -> list[str]:
        statements = split_sql(self.path.read_text(encoding="utf-8"))
        for statement in statements:
            check_transactional(statement, self.path)
        return statements


def discover(schema_dir: Path | None = None) -> list[Migration]:
    """The migrations under ``schema_dir`` (db/ by default), in version order, checked for gaps."""
    folder = schema_dir or paths.SCHEMA_DIR
    found = []
    for file in sorted(folder.glob("*.sql")) if folder.is_dir() else []:
        match = _MIGRATION_NAME.match(file.name)
        if match:
            found.append(Migration(int(match.group(1)), file))
    if not found:
        raise ArchiveError(f"the archive schema is missing: no migrations in {folder}")
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise ArchiveError(f"the archive schema in {folder} is incomplete: versions {versions}")
    return found


def latest_version(schema_dir: Path | None = None) -> int:
    return discover(schema_dir)[-1].version


def split_sql(script: str) -> list[str]:
    """Split a script into complete statements (trigger bodies and comments kept intact)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if _strip_comments(buffer):
        raise ArchiveError(f"incomplete SQL statement at the end of a migration: {buffer[:80]!r}")
    return statements


#: Statements that end the upgrade's transaction, or are not undone by its ROLLBACK: in a
#: migration they would make a failed upgrade leave a half-upgraded file.
_NOT_TRANSACTIONAL = re.compile(
    r"^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|VACUUM|ATTACH|DETACH"
    r"|PRAGMA\s+(\w+\.)?(journal_mode|foreign_keys|locking_mode|synchronous|page_size"
    r"|auto_vacuum|wal_checkpoint|writable_schema))\b",
    re.IGNORECASE,
)


def check_transactional(statement: str, path: Path) -> None:
    """Refuse a migration statement that would not be undone with the rest of the upgrade.

    Every statement runs inside the one transaction :func:`migrate` opens (with
    ``conn.execute``, never ``executescript``, which commits first); SQLite's DDL, including
    ALTER TABLE and CREATE VIRTUAL TABLE, is transactional, but these statements are not.
    """
    if _NOT_TRANSACTIONAL.match(_strip_comments(statement)):
        raise ArchiveError(
            f"the migration {path.name} holds a statement that cannot run inside the upgrade's "
            f"transaction: {statement.strip()[:80]!r}"
        )


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--")).strip()


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_not_newer(version: int, latest: int, path: Path) -> None:
    if version > latest:
        raise NewerSchemaError(
            f"archive {path} was made by a newer Archive Viewer (schema {version}, "
            f"this app knows up to {latest}); update the app"
        )


def migrate(conn: sqlite3.Connection, path: Path, schema_dir: Path | None = None) -> int:
    """Bring the archive on ``conn`` to the latest schema; return the version it ends at.

    All pending migrations run in one ``BEGIN IMMEDIATE`` transaction, so a failure (or another
    process upgrading at the same moment) leaves the file as it was. The connection must be in
    autocommit mode (``isolation_level=None``).
    """
    migrations = discover(schema_dir)
    latest = migrations[-1].version
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read inside the write lock: another process may have upgraded the file meanwhile.
        current = schema_version(conn)
        check_not_newer(current, latest, path)
        for migration in migrations:
            if migration.version <= current:
                continue
            for statement in migration.statements():
                conn.execute(statement)
        if current == 0:
            conn.execute(f"PRAGMA application_id = {int(APPLICATION_ID)}")
        conn.execute(f"PRAGMA user_version = {int(latest)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return latest
