"""Upgrading archives of earlier schema versions, and upgrades that fail.

The archives of schema 1 and 2 under tests/fixtures/ were made by make_old_archives.py beside
them (db/001..00N and three sample documents). Each is upgraded on a copy: meetings, sections,
statements, tags and the full-text index come through unchanged, and the new columns and count
tables are right. An upgrade that fails (an SQL error, an exception, a full disk, a crash) leaves
the file exactly as it was: the bytes, the mtime, no -wal or -shm beside it.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path

import pytest
from fixtures.bad_files import FileState, integrity_problems, read_only, side_files, small_disk
from fixtures.make_old_archives import OLD_VERSIONS, fixture_path

from archive_viewer import cli
from archive_viewer.store import Archive, ArchiveError, connection, migrations, queries
from archive_viewer.store.filters import Filter

LATEST = migrations.latest_version()
OLD = OLD_VERSIONS  # every schema before the latest
TERMS = ("minister", "nuclear", "economic", "korea")
BASE_TABLES = ("documents", "meetings", "meeting_countries", "sections", "items", "people",
               "participants", "statements", "section_issues", "meeting_issues")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=OLD, ids=[f"schema-{v}" for v in OLD])
def old_archive(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[int, Path]:
    version: int = request.param
    path = tmp_path / f"schema-{version}.sqlite"
    shutil.copy(fixture_path(version), path)
    return version, path


def _reader(path: Path) -> sqlite3.Connection:
    """A plain connection (a read-only one would leave -wal and -shm beside the file)."""
    return sqlite3.connect(path)


def snapshot(path: Path) -> dict[str, object]:
    """What an upgrade must keep: the rows of the documents' tables (the columns every schema
    has), the tags by issue name, and what the full-text index finds."""
    conn = _reader(path)
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(statements)")}
        shot: dict[str, object] = {}
        for table in BASE_TABLES:
            names = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            # Columns later schemas added: statements.meeting_id and section_id (2),
            # people.match_key (the people identity migration).
            added = {"statements": ("meeting_id", "section_id"), "people": ("match_key",)}
            names = [n for n in names if n not in added.get(table, ())]
            shot[table] = conn.execute(f"SELECT {', '.join(names)} FROM {table} ORDER BY 1, 2"
                                       ).fetchall()
        shot["tags"] = conn.execute(
            "SELECT t.statement_id, i.name FROM statement_issues t JOIN issues i ON i.id = t.issue_id "
            "ORDER BY 1, 2").fetchall()
        for term in TERMS:
            shot[f"fts:{term}"] = conn.execute(
                "SELECT rowid FROM statements_fts WHERE statements_fts MATCH ? ORDER BY rowid",
                (term,)).fetchall()
        assert "text" in columns
        return shot
    finally:
        conn.close()


def test_the_fixtures_are_of_their_schema_and_hold_documents() -> None:
    for version in OLD:
        conn = sqlite3.connect(f"{fixture_path(version).as_uri()}?mode=ro&immutable=1", uri=True)
        assert migrations.schema_version(conn) == version
        assert conn.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
        assert conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM statements").fetchone()[0] == 20
        conn.close()
        assert fixture_path(version).stat().st_size < 160 * 1024  # small enough to commit


def test_an_old_archive_is_upgraded_with_its_data_intact(old_archive: tuple[int, Path]) -> None:
    version, path = old_archive
    before = snapshot(path)
    assert all(before[f"fts:{term}"] for term in TERMS)

    with Archive.open(path) as archive:
        assert archive.schema_version == LATEST and not archive.warnings
        stats = archive.stats()
        assert (stats.documents, stats.meetings, stats.sections, stats.items, stats.statements
                ) == (3, 3, 6, 15, 20)
        conn = archive.connection()
        # Statements know their meeting and section (db/002), as their item says.
        assert conn.execute(
            "SELECT count(*) FROM statements s JOIN items i ON i.id = s.item_id "
            "JOIN sections c ON c.id = i.section_id "
            "WHERE s.meeting_id IS NOT c.meeting_id OR s.section_id IS NOT c.id").fetchone()[0] == 0
        # Each tag is in the closure, with every broader issue (db/002).
        assert conn.execute(
            "SELECT count(*) FROM statement_issues t WHERE NOT EXISTS (SELECT 1 FROM "
            "statement_issue_closure c WHERE c.statement_id = t.statement_id "
            "AND c.issue_id = t.issue_id)").fetchone()[0] == 0
        assert conn.execute(
            "SELECT count(*) FROM statement_issue_closure c JOIN issues i ON i.id = c.issue_id "
            "WHERE NOT EXISTS (SELECT 1 FROM statement_issues t JOIN issue_ancestry a "
            "ON a.issue_id = t.issue_id WHERE t.statement_id = c.statement_id "
            "AND a.ancestor_id = c.issue_id)").fetchone()[0] == 0
        # The counts (db/003) are complete, and say what counting the rows says.
        assert conn.execute("SELECT count(*) FROM stale_meetings").fetchone()[0] == 0
        assert queries.totals(conn, Filter()) == queries.Totals(3, 6, 20)
        for (issue_id,) in conn.execute("SELECT DISTINCT issue_id FROM statement_issue_closure"):
            expected = conn.execute(
                "SELECT count(DISTINCT s.meeting_id), count(DISTINCT s.section_id), count(*) "
                "FROM statement_issue_closure c JOIN statements s ON s.id = c.statement_id "
                "WHERE c.issue_id = ?", (issue_id,)).fetchone()
            totals = queries.totals(conn, Filter(issues=frozenset({issue_id})))
            assert astuple(totals) == expected, issue_id
        # The search finds what it found before.
        for term in TERMS:
            hits = {hit.statement_id for hit in queries.search(conn, Filter(text=term), limit=100)}
            assert sorted(hits) == [row[0] for row in before[f"fts:{term}"]], term
    assert snapshot(path) == before
    assert not side_files(path)
    conn = _reader(path)
    assert integrity_problems(conn) == []
    conn.close()

    with Archive.open(path, create=False) as archive:  # a second open changes nothing
        assert archive.schema_version == LATEST
    assert snapshot(path) == before


# -- upgrades that fail -----------------------------------------------------------------------

def _break_migration(monkeypatch: pytest.MonkeyPatch, version: int,
                     failure: Callable[[], str | None]) -> None:
    """Migration ``version`` runs half its statements, then ``failure()``: a statement to run
    (that fails), or it raises itself."""
    real = migrations.Migration.statements

    def statements(self: migrations.Migration) -> list[str]:
        found = real(self)
        if self.version != version:
            return found
        half = len(found) // 2

        class Broken(list):
            def __iter__(self):  # type: ignore[override]
                yield from found[:half]
                statement = failure()
                if statement is not None:
                    yield statement
                yield from found[half:]

        return Broken(found)

    monkeypatch.setattr(migrations.Migration, "statements", statements)


def _assert_upgrade_refused(message: str, path: Path, version: int) -> None:
    assert message.startswith(f"archive {path} could not be upgraded from schema {version} "
                              f"to {LATEST}: "), message
    assert "It was left as it was." in message and "\n" not in message


def test_a_failed_upgrade_leaves_the_file_exactly_as_it_was(
        old_archive: tuple[int, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    version, path = old_archive
    before = FileState.of(path)
    # An SQL error in the last migration, after the earlier ones and half of it have run.
    _break_migration(monkeypatch, LATEST, lambda: "INSERT INTO no_such_table VALUES (1)")
    with pytest.raises(ArchiveError) as caught:
        Archive.open(path)
    _assert_upgrade_refused(str(caught.value), path, version)
    assert FileState.of(path) == before

    # Any other exception (a bug, Ctrl-C) half-way: the same.
    def interrupt() -> None:
        raise KeyboardInterrupt
    _break_migration(monkeypatch, LATEST, interrupt)
    with pytest.raises(KeyboardInterrupt):
        Archive.open(path)
    assert FileState.of(path) == before

    monkeypatch.undo()
    with Archive.open(path) as archive:  # and the upgrade goes through afterwards
        assert archive.schema_version == LATEST


def test_a_failed_upgrade_is_one_line_on_the_command_line_and_a_box_in_the_window(
        qtbot, old_archive: tuple[int, Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from PySide6.QtWidgets import QMessageBox

    from archive_viewer.ui.main_window import MainWindow

    version, path = old_archive
    before = FileState.of(path)
    _break_migration(monkeypatch, LATEST, lambda: "INSERT INTO no_such_table VALUES (1)")
    assert cli.main(["stats", "--db", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("archive-viewer: ") and err.count("\n") == 1
    _assert_upgrade_refused(err.removeprefix("archive-viewer: ").strip(), path, version)
    assert FileState.of(path) == before

    window = MainWindow(path)
    qtbot.addWidget(window)
    text = window.detail.plain_text()
    assert "could not be opened" in text and "could not be upgraded" in text
    assert window.open_archive(path) is False
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1 and "could not be upgraded" in boxes[0].text()
    boxes[0].close()
    window.close()
    assert FileState.of(path) == before


def _limit_pages(monkeypatch: pytest.MonkeyPatch, extra: int) -> None:
    real = connection.connect

    def connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
        conn = real(path, readonly=readonly)
        if not readonly:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages + extra}")
        return conn

    monkeypatch.setattr(connection, "connect", connect)


def test_an_upgrade_that_fills_the_disk_leaves_the_file_as_it_was(
        old_archive: tuple[int, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    version, path = old_archive
    before = FileState.of(path)
    _limit_pages(monkeypatch, 1)  # room for part of the new tables, not all
    with pytest.raises(ArchiveError) as caught:
        Archive.open(path)
    _assert_upgrade_refused(str(caught.value), path, version)
    assert "the disk is full" in str(caught.value)
    assert FileState.of(path) == before


def test_an_upgrade_on_a_real_full_disk(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", 2 * 1024 * 1024) as disk:
        path = disk / "schema-1.sqlite"
        shutil.copy(fixture_path(1), path)
        filler = disk / "filler.bin"
        filler.write_bytes(b"\0" * (shutil.disk_usage(disk).free - 64 * 1024))
        before = FileState.of(path)
        with pytest.raises(ArchiveError) as caught:
            Archive.open(path)
        _assert_upgrade_refused(str(caught.value), path, 1)
        assert "the disk is full" in str(caught.value)
        assert FileState.of(path) == before
        filler.unlink()
        with Archive.open(path) as archive:
            assert archive.schema_version == LATEST


_CRASH = """
import os, sys
from archive_viewer.store import Archive, migrations
real = migrations.Migration.statements
def statements(self):
    found = real(self)
    if self.version != migrations.latest_version():
        return found
    def crash():
        yield from found[: len(found) // 2]
        os._exit(3)  # killed half-way through the last migration
    return crash()
migrations.Migration.statements = statements
Archive.open(sys.argv[1])
"""


def test_an_upgrade_killed_half_way_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "schema-1.sqlite"
    shutil.copy(fixture_path(1), path)
    before = FileState.of(path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", _CRASH, str(path)], env=env, timeout=60)
    assert done.returncode == 3
    after = FileState.of(path)
    assert (after.sha256, after.mtime_ns) == (before.sha256, before.mtime_ns)  # only the -wal
    conn = _reader(path)  # what SQLite makes of the file and its -wal: schema 1, as it was
    assert migrations.schema_version(conn) == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name IN "
                        "('stale_meetings', 'statement_issue_closure')").fetchone()[0] == 0
    conn.close()
    with Archive.open(path) as archive:  # the half upgrade is discarded; this one completes
        assert archive.schema_version == LATEST and archive.stats().statements == 20
    assert not side_files(path)


def test_an_old_archive_that_cannot_be_written_is_refused_in_words(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "old" / "schema-1.sqlite"
    path.parent.mkdir()
    shutil.copy(fixture_path(1), path)
    before = FileState.of(path)
    with read_only(path.parent):
        with pytest.raises(ArchiveError, match="read-only"):
            Archive.open(path)
        with pytest.raises(ArchiveError, match="copy it to a writable folder"):
            Archive.open(path, readonly=True)
        assert cli.main(["stats", "--db", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(path) in err and "older schema (1)" in err
    assert FileState.of(path) == before


def test_every_migration_runs_inside_the_upgrade_transaction() -> None:
    """Nothing in db/ commits, or escapes the ROLLBACK of a failed upgrade."""
    for migration in migrations.discover():
        migration.statements()  # raises on BEGIN, COMMIT, VACUUM, PRAGMA journal_mode, ...
    source = Path(migrations.__file__).read_text(encoding="utf-8")
    assert "executescript(" not in source.replace("``executescript``", "")


def test_a_migration_that_would_commit_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    for migration in migrations.discover():
        shutil.copy(migration.path, folder / migration.path.name)
    (folder / f"{LATEST + 1:03d}_bad.sql").write_text(
        "CREATE TABLE notes (id INTEGER);\nCOMMIT;\nCREATE TABLE more (id INTEGER);\n")
    path = tmp_path / "a.sqlite"
    Archive.open(path).close()
    before = FileState.of(path)
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(ArchiveError, match="cannot run inside the upgrade's transaction"):
        migrations.migrate(conn, path, folder)
    conn.close()
    assert FileState.of(path).sha256 == before.sha256
