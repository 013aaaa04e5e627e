"""Importing with the parsing pool: the same archive as one by one, bad files, cancel, threshold.

Runs the real parser on a few dozen generated documents (bench/generate.py); no timings.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.archive_fakes import assert_fts_consistent, fake_parse

from archive_viewer.store import Archive, importer
from archive_viewer.store.importer import ImportResult, default_parser, pool_size
from bench.generate import write_documents

DOCUMENTS = 24


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    write_documents(folder, DOCUMENTS, seed=5)
    return folder


def contents(db: Path) -> dict[str, list[tuple]]:
    """Everything imported, by table, with ids (the same writes in the same order give the same
    ids) but without the import time."""
    conn = sqlite3.connect(db)
    queries = {
        "documents": "SELECT id, source_path, file_name, sha256, format, size_bytes, raw_text "
                     "FROM documents",
        "meetings": "SELECT * FROM meetings",
        "meeting_countries": "SELECT * FROM meeting_countries",
        "sections": "SELECT * FROM sections",
        "items": "SELECT * FROM items",
        "statements": "SELECT * FROM statements",
        "people": "SELECT * FROM people",
        "participants": "SELECT * FROM participants",
        "issues": "SELECT * FROM issues",
        "statement_issues": "SELECT * FROM statement_issues",
        "section_issues": "SELECT * FROM section_issues",
        "meeting_issues": "SELECT * FROM meeting_issues",
        "statement_issue_closure": "SELECT * FROM statement_issue_closure",
    }
    try:
        assert_fts_consistent(conn)
        return {table: sorted(conn.execute(sql).fetchall(), key=repr)
                for table, sql in queries.items()}
    finally:
        conn.close()


def import_into(db: Path, paths: list[Path], **options: object) -> importer.ImportSummary:
    with Archive.open(db) as archive:
        return archive.import_paths(paths, **options)  # type: ignore[arg-type]


def test_pool_gives_the_same_archive_as_one_by_one(documents: Path, tmp_path: Path) -> None:
    serial = import_into(tmp_path / "serial.sqlite", [documents], workers=1)
    pooled = import_into(tmp_path / "pooled.sqlite", [documents], workers=2)
    assert serial.summary_line() == pooled.summary_line() == (
        f"Imported {DOCUMENTS}, unchanged 0, replaced 0, failed 0")
    assert [r.path for r in pooled.results] == [r.path for r in serial.results]
    one_by_one = contents(tmp_path / "serial.sqlite")
    assert one_by_one["statements"]
    assert contents(tmp_path / "pooled.sqlite") == one_by_one


def test_pool_reports_bad_files_by_name_and_imports_the_rest(documents: Path,
                                                             tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (bad / "recipe.txt").write_text("Pancakes\n\nMix flour, eggs and milk. Fry.\n",
                                    encoding="utf-8")
    (bad / "empty.html").write_bytes(b"")
    summary = import_into(tmp_path / "archive.sqlite", [documents, bad], workers=2)
    failed = {r.path.name: r.reason for r in summary.failures}
    assert set(failed) == {"picture.txt", "recipe.txt", "empty.html"}
    assert "binary" in (failed["picture.txt"] or "")
    assert "meeting overview" in (failed["recipe.txt"] or "")
    assert failed["empty.html"] == "is empty"
    assert summary.count("imported") == DOCUMENTS


def test_pool_import_again_is_unchanged_and_a_changed_file_is_replaced(
        documents: Path, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for path in sorted(documents.iterdir()):
        (folder / path.name).write_bytes(path.read_bytes())
    db = tmp_path / "archive.sqlite"
    import_into(db, [folder], workers=2)
    changed = sorted(folder.iterdir())[3]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    summary = import_into(db, [folder], workers=2)
    assert summary.count("unchanged") == DOCUMENTS - 1
    assert [r.path for r in summary.results if r.status == "replaced"] == [changed]


def test_pool_cancel_keeps_what_was_written(documents: Path, tmp_path: Path) -> None:
    done: list[ImportResult] = []
    summary = import_into(tmp_path / "archive.sqlite", [documents], workers=2,
                          progress=lambda n, total, result: done.append(result),
                          should_cancel=lambda: len(done) >= 5)
    assert summary.cancelled
    assert summary.count("imported") == len(done) == 5
    with Archive.open(tmp_path / "archive.sqlite") as archive:
        assert archive.stats().documents == 5


def test_pool_from_a_thread_starts_its_workers_afresh(documents: Path, tmp_path: Path) -> None:
    # As the window's import does: on a thread, where forking is unsafe, so "spawn" is used.
    summaries: list[importer.ImportSummary] = []
    worker = threading.Thread(target=lambda: summaries.append(
        import_into(tmp_path / "archive.sqlite", [documents], workers=2)))
    worker.start()
    worker.join()
    assert summaries[0].count("imported") == DOCUMENTS


def _die(jobs: list[tuple[bytes, str]]) -> list[importer.Parsed]:
    os._exit(1)  # a worker killed mid-import


def test_a_broken_pool_falls_back_to_parsing_here(documents: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "_parse_chunk", _die)
    summary = import_into(tmp_path / "archive.sqlite", [documents], workers=2)
    assert summary.count("imported") == DOCUMENTS


# -- when the pool is used -----------------------------------------------------------------------

def test_pool_size_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "_cpu_count", lambda: 2)
    assert pool_size(importer.POOL_MIN_FILES - 1, default_parser) == 0
    assert pool_size(importer.POOL_MIN_FILES, default_parser) == 2
    assert pool_size(10_000, fake_parse) == 0  # another parser: always here
    assert pool_size(10_000, default_parser, workers=1) == 0
    assert pool_size(3, default_parser, workers=2) == 2
    monkeypatch.setattr(importer, "_cpu_count", lambda: 1)
    assert pool_size(10_000, default_parser) == 0


@pytest.fixture
def pool_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    calls: list[int] = []
    real = importer._prepared_in_pool

    def spy(conn: sqlite3.Connection, files: list[Path], workers: int):  # type: ignore[no-untyped-def]
        calls.append(workers)
        return real(conn, files, workers)

    monkeypatch.setattr(importer, "_prepared_in_pool", spy)
    monkeypatch.setattr(importer, "_cpu_count", lambda: 2)
    yield calls


def test_few_files_are_parsed_here(documents: Path, tmp_path: Path,
                                   pool_calls: list[int]) -> None:
    assert DOCUMENTS < importer.POOL_MIN_FILES
    summary = import_into(tmp_path / "archive.sqlite", [documents])
    assert summary.count("imported") == DOCUMENTS
    assert pool_calls == []


def test_enough_files_start_the_pool(documents: Path, tmp_path: Path, pool_calls: list[int],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "POOL_MIN_FILES", DOCUMENTS)
    summary = import_into(tmp_path / "archive.sqlite", [documents])
    assert summary.count("imported") == DOCUMENTS
    assert pool_calls == [2]
