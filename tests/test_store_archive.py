"""Opening archives: creation, schema versions, and refusing files that are not ours."""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest
from fixtures.archive_fakes import private_data_dir  # noqa: F401  (autouse fixture)

from archive_viewer.store import (
    Archive,
    ArchiveError,
    NewerSchemaError,
    NotAnArchiveError,
    migrations,
)

LATEST = migrations.latest_version()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[Path]:
    return [p for p in (path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))
            if p.exists()]


def test_new_archive_is_marked_ours_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "new" / "archive.sqlite"
    with Archive.open(path) as archive:
        conn = archive.connection()
        assert conn.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        tables = set(archive.db.table_names())
        assert {"documents", "meetings", "sections", "items", "statements", "people",
                "participants", "issues", "statement_issues", "section_issues",
                "meeting_issues", "statements_fts", "meeting_countries"} <= tables
        stats = archive.stats()
        assert (stats.documents, stats.meetings, stats.statements, stats.people) == (0, 0, 0, 0)
    assert not side_files(path)  # closing checkpoints the WAL


def test_an_empty_file_becomes_an_archive(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    path.touch()
    with Archive.open(path) as archive:
        assert archive.schema_version == LATEST


def test_reopening_keeps_the_contents(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    with Archive.open(path) as archive:
        archive.set_meta("note", "kept")
    with Archive.open(path, create=False) as archive:
        assert archive.get_meta("note") == "kept"


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("My research notes, not a database.\n" * 50)
    before = sha256(path)
    with pytest.raises(NotAnArchiveError) as caught:
        Archive.open(path)
    assert str(caught.value).startswith(f"{path} is not an Archive Viewer archive (not an SQLite")
    assert "left untouched" in str(caught.value)
    assert sha256(path) == before
    assert not side_files(path)


@pytest.mark.parametrize("application_id", [0, 0x12345678])
def test_another_programs_sqlite_file_is_refused_and_left_untouched(
        tmp_path: Path, application_id: int) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {application_id}")
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ada')")
    conn.commit()
    conn.close()
    before = sha256(path)
    with pytest.raises(NotAnArchiveError, match="SQLite database of another program"):
        Archive.open(path)
    assert sha256(path) == before
    assert not side_files(path)


def test_an_archive_from_a_newer_app_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    Archive.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.latest_version() + 1}")
    conn.close()
    before = sha256(path)
    with pytest.raises(NewerSchemaError) as caught:
        Archive.open(path)
    assert str(caught.value) == (
        f"archive {path} was made by a newer Archive Viewer (schema {LATEST + 1}, this app knows up to "
        f"{LATEST}); update the app"
    )
    assert sha256(path) == before


def test_missing_file_is_not_created_when_create_is_false(tmp_path: Path) -> None:
    path = tmp_path / "missing.sqlite"
    with pytest.raises(ArchiveError, match="does not exist"):
        Archive.open(path, create=False)
    assert not path.exists()


def test_a_folder_is_not_an_archive(tmp_path: Path) -> None:
    with pytest.raises(NotAnArchiveError, match="is a folder"):
        Archive.open(tmp_path)


def test_readonly_archive_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    Archive.open(path).close()
    with Archive.open(path, readonly=True) as archive:
        assert archive.stats().documents == 0
        with pytest.raises(sqlite3.OperationalError):
            archive.set_meta("x", "y")


def test_each_thread_gets_its_own_connection(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a.sqlite") as archive:
        main_conn = archive.connection()
        seen: list[object] = []

        def work() -> None:
            conn = archive.connection()
            seen.append(conn)
            seen.append(conn.execute("PRAGMA foreign_keys").fetchone()[0])

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        assert seen[0] is not main_conn and seen[1] == 1
        assert archive.connection() is main_conn


# -- migrations ---------------------------------------------------------------------------------

def test_every_statement_of_the_schema_is_complete() -> None:
    for migration in migrations.discover():
        statements = migration.statements()
        assert statements and all(sqlite3.complete_statement(s) for s in statements)


def _schema_dir(tmp_path: Path, *extra: str) -> Path:
    folder = tmp_path / "db"
    folder.mkdir()
    for migration in migrations.discover():
        (folder / migration.path.name).write_text(migration.path.read_text())
    for number, sql in enumerate(extra, start=LATEST + 1):
        (folder / f"{number:03d}_step.sql").write_text(sql)
    return folder


def test_an_older_archive_is_upgraded_in_one_transaction(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    Archive.open(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    good = _schema_dir(tmp_path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);")
    assert migrations.migrate(conn, path, good) == LATEST + 1
    assert migrations.schema_version(conn) == LATEST + 1

    broken = tmp_path / "broken"
    good.rename(broken)
    (broken / f"{LATEST + 2:03d}_step.sql").write_text(
        "CREATE TABLE half (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"
    )
    with pytest.raises(sqlite3.OperationalError):
        migrations.migrate(conn, path, broken)
    assert not conn.in_transaction
    assert migrations.schema_version(conn) == LATEST + 1  # unchanged
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "notes" in names and "half" not in names
    conn.close()


def test_a_gap_in_the_migrations_is_an_error(tmp_path: Path) -> None:
    folder = _schema_dir(tmp_path)
    (folder / "009_late.sql").write_text("SELECT 1;")
    with pytest.raises(ArchiveError, match="incomplete"):
        migrations.discover(folder)


# -- the issue thesaurus ----------------------------------------------------------------------

THESAURUS = """
[[issue]]
name = "North Korea"
synonyms = ["DPRK", "Democratic People's Republic of Korea"]

[[issue]]
name = "Missile launches"
parent = "North Korea"
synonyms = ["missile launch", "satellite launch"]
"""


def test_the_thesaurus_is_loaded_and_refreshed_when_it_changes(tmp_path: Path) -> None:
    toml = tmp_path / "issues.toml"
    toml.write_text(THESAURUS)
    path = tmp_path / "a.sqlite"
    with Archive.open(path, thesaurus=toml) as archive:
        rows = archive.connection().execute(
            "SELECT child.name, parent.name, child.synonyms FROM issues AS child "
            "LEFT JOIN issues AS parent ON parent.id = child.parent_id ORDER BY child.name"
        ).fetchall()
    assert rows == [
        ("Missile launches", "North Korea", '["missile launch", "satellite launch"]'),
        ("North Korea", None, '["DPRK", "Democratic People\'s Republic of Korea"]'),
    ]
    toml.write_text(THESAURUS + '\n[[issue]]\nname = "Abduction issue"\nparent = "North Korea"\n')
    with Archive.open(path, thesaurus=toml) as archive:
        assert archive.stats().issues == 3


def test_a_broken_thesaurus_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    toml = tmp_path / "issues.toml"
    toml.write_text("[[issue]]\nname = \n")
    with Archive.open(tmp_path / "a.sqlite", thesaurus=toml) as archive:
        assert archive.warnings and "issues.toml" in archive.warnings[0]
        assert archive.stats().issues == 0


def test_the_bundled_thesaurus_loads(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a.sqlite") as archive:
        assert not archive.warnings
        assert archive.stats().issues > 0
        named = archive.connection().execute(
            "SELECT count(*) FROM issues WHERE origin = 'thesaurus'").fetchone()[0]
        assert named == archive.stats().issues
