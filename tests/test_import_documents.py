"""Importing files: idempotence, replacement, rollback, bad input, folders, progress, cancel.

These run against a stand-in parser (fixtures/archive_fakes.py) so that they test the store
alone; test_import_corpus.py runs the real parser end to end.
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fixtures.archive_fakes import (  # noqa: F401  (private_data_dir: autouse fixture)
    DOC_A,
    DOC_A_CHANGED,
    DOC_B,
    NOT_A_MEETING_REASON,
    assert_fts_consistent,
    count,
    fake_parse,
    fts_ids,
    private_data_dir,
    write_doc,
)

from archive_viewer.ingest.model import Meeting
from archive_viewer.store import Archive, ImportResult, sources, writer

DOCUMENT_TABLES = ("documents", "meetings", "meeting_countries", "sections", "items",
                   "statements", "participants", "statement_issues", "section_issues",
                   "meeting_issues")


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "archive.sqlite", parser=fake_parse) as opened:
        yield opened


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    return folder


def assert_nothing_written(archive: Archive) -> None:
    conn = archive.connection()
    assert not conn.in_transaction
    assert {table: count(conn, table) for table in DOCUMENT_TABLES} == dict.fromkeys(
        DOCUMENT_TABLES, 0)
    assert count(conn, "people") == 0
    assert_fts_consistent(conn)


# -- the same file twice, a changed file -------------------------------------------------------

def test_importing_the_same_file_again_changes_nothing(archive: Archive, docs: Path) -> None:
    path = write_doc(docs, "a.txt")
    first = archive.import_document(path)
    assert first.status == "imported"
    assert first.title == "Japan-ROK Foreign Ministers' Meeting (Overview)"
    stats = archive.stats()
    again = archive.import_document(path)
    assert (again.status, again.reason) == ("unchanged", "already in the archive")
    assert again.document_id == first.document_id
    assert archive.stats() == stats


def test_the_same_bytes_under_another_name_are_already_in_the_archive(
        archive: Archive, docs: Path) -> None:
    archive.import_document(write_doc(docs, "a.txt"))
    copy = archive.import_document(write_doc(docs, "copy of a.txt"))
    assert copy.status == "unchanged"
    assert archive.stats().documents == 1


def test_a_changed_file_replaces_its_old_record(archive: Archive, docs: Path) -> None:
    path = write_doc(docs, "a.txt")
    archive.import_document(path)
    conn = archive.connection()
    assert len(fts_ids(conn, "hour")) == 1
    stats = archive.stats()

    path.write_text(DOC_A_CHANGED, encoding="utf-8")
    result = archive.import_document(path)
    assert result.status == "replaced"
    assert archive.stats() == stats  # same shape: one document, its rows once
    assert fts_ids(conn, "hour") == [] and fts_ids(conn, "Seoul") != []
    assert conn.execute("SELECT id FROM documents").fetchall() == [(result.document_id,)]
    assert_fts_consistent(conn)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_replacing_drops_people_only_the_old_version_named(archive: Archive, docs: Path) -> None:
    path = write_doc(docs, "a.txt")
    archive.import_document(path)
    path.write_text(DOC_A_CHANGED.replace("kim: ", "none: "), encoding="utf-8")
    archive.parser = lambda data, name: _without_attendees(fake_parse(data, name))
    assert archive.import_document(path).status == "replaced"
    names = {r[0] for r in archive.connection().execute("SELECT name FROM people")}
    assert names == {"Koichiro Gemba", "Kim Sung-hwan"}


def _without_attendees(meeting: Meeting) -> Meeting:
    meeting.attendees = []
    return meeting


# -- one transaction per document ---------------------------------------------------------------

def test_a_document_failing_half_way_leaves_no_trace(
        archive: Archive, docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_insert = writer._insert_statement
    calls = {"n": 0}

    def failing_insert(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # after two statements, their people and issues were written
            raise sqlite3.OperationalError("disk I/O error")
        real_insert(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "_insert_statement", failing_insert)
    result = archive.import_document(write_doc(docs, "a.txt"))
    assert result.status == "failed"
    assert result.reason == "could not be stored in the archive (disk I/O error)"
    assert_nothing_written(archive)
    assert fts_ids(archive.connection(), "Kim") == []


def test_the_rest_of_the_batch_imports_after_a_failing_document(
        archive: Archive, docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_doc(docs, "a.txt", DOC_A)
    write_doc(docs, "b.txt", DOC_B)
    real_write = writer.write_meeting

    def fail_on_summit(conn: sqlite3.Connection, meeting: Meeting,
                       document: writer.DocumentRecord) -> int:
        if "Summit" in meeting.title:
            real_write(conn, meeting, document)  # everything written... then it fails
            raise ValueError("simulated failure after writing")
        return real_write(conn, meeting, document)

    monkeypatch.setattr("archive_viewer.store.importer.write_meeting", fail_on_summit)
    summary = archive.import_paths([docs])
    assert [r.status for r in summary.results] == ["imported", "failed"]
    assert summary.results[1].reason == (
        "could not be stored in the archive (ValueError: simulated failure after writing)")
    conn = archive.connection()
    assert [r[0] for r in conn.execute("SELECT title FROM meetings")] == [
        "Japan-ROK Foreign Ministers' Meeting (Overview)"]
    assert fts_ids(conn, "welcomed") == []
    assert_fts_consistent(conn)


def test_a_failed_replacement_keeps_the_old_version(
        archive: Archive, docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_doc(docs, "a.txt")
    archive.import_document(path)
    stats = archive.stats()
    path.write_text(DOC_A_CHANGED, encoding="utf-8")
    monkeypatch.setattr(writer, "_insert_item", _raise_disk_full)
    assert archive.import_document(path).status == "failed"
    assert archive.stats() == stats
    assert len(fts_ids(archive.connection(), "hour")) == 1


def _raise_disk_full(*args: object, **kwargs: object) -> None:
    raise sqlite3.OperationalError("database or disk is full")


def test_a_parser_crash_costs_that_file_only(archive: Archive, docs: Path) -> None:
    def crash(data: bytes, name: str) -> Meeting:
        if name == "a.txt":
            raise IndexError("list index out of range")
        return fake_parse(data, name)

    archive.parser = crash
    write_doc(docs, "a.txt", DOC_A)
    write_doc(docs, "b.txt", DOC_B)
    summary = archive.import_paths([docs])
    assert [r.line() for r in summary.failures] == [
        f"{docs / 'a.txt'}: could not be parsed (IndexError: list index out of range)"]
    assert summary.count("imported") == 1


# -- bad input: one clear reason each, nothing written -----------------------------------------

def _missing(folder: Path) -> Path:
    return folder / "nowhere.txt"


def _empty(folder: Path) -> Path:
    path = folder / "empty.txt"
    path.touch()
    return path


def _blank(folder: Path) -> Path:
    path = folder / "blank.txt"
    path.write_text("  \r\n\n\t\n")
    return path


def _binary(folder: Path) -> Path:
    path = folder / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    return path


def _pdf(folder: Path) -> Path:
    path = folder / "report.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n")
    return path


def _huge(folder: Path) -> Path:
    path = folder / "huge.txt"
    with open(path, "wb") as file:
        file.truncate(50 * 1024 * 1024)  # sparse: instant, takes no disk space
    return path


def _not_a_meeting(folder: Path) -> Path:
    path = folder / "menu.html"
    path.write_text("<html><body><nav>Home | Back to Index</nav> NOT A MEETING</body></html>")
    return path


def _folder(folder: Path) -> Path:
    path = folder / "sub"
    path.mkdir()
    return path


@pytest.mark.parametrize(("make", "reason"), [
    (_missing, "does not exist"),
    (_empty, "is empty"),
    (_blank, "is empty (only white space)"),
    (_binary, "is a binary file, not a text or HTML document"),
    (_pdf, "is a PDF, not a text or HTML document"),
    (_huge, "is too large (50 MB; documents are at most 20 MB)"),
    (_not_a_meeting, NOT_A_MEETING_REASON),
    (_folder, "is a folder, not a document"),
])
def test_bad_input_gets_one_clear_reason_and_writes_nothing(
        archive: Archive, docs: Path, make: Callable[[Path], Path], reason: str) -> None:
    path = make(docs)
    result = archive.import_document(path)
    assert (result.status, result.reason) == ("failed", reason)
    assert result.line() == f"{path}: {reason}"
    assert_nothing_written(archive)


def test_a_file_without_permission_is_refused(
        archive: Archive, docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_doc(docs, "secret.txt")
    path.chmod(0)
    if os.access(path, os.R_OK):  # running as root: simulate what everyone else gets
        def denied(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied", str(path))

        monkeypatch.setattr(sources, "open", denied, raising=False)
    result = archive.import_document(path)
    assert result.line() == f"{path}: permission denied"
    assert_nothing_written(archive)


def test_a_huge_file_is_refused_without_being_read(
        archive: Archive, docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_reading(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the file was read")

    monkeypatch.setattr(sources, "_read_at_most", no_reading)
    assert archive.import_document(_huge(docs)).status == "failed"


@pytest.mark.parametrize("data", [
    "Ünïcödé text".encode("utf-16"),
    "Minister Gemba said".encode("cp1252") + b"\x93quoted\x94\r\n",
    "外務大臣".encode("shift_jis"),
    b"old DOS text\r\n\x1a",
])
def test_text_in_other_encodings_is_not_taken_for_binary(data: bytes) -> None:
    assert not sources.looks_binary(data)


# -- folders, progress, cancel -----------------------------------------------------------------

def test_folders_are_walked_for_documents_skipping_hidden_and_other_files(
        archive: Archive, docs: Path) -> None:
    write_doc(docs, "a.txt", DOC_A)
    write_doc(docs, "2012/april/b.HTML", DOC_B)
    write_doc(docs, ".hidden.txt", DOC_B + "x")
    write_doc(docs, ".cache/c.txt", DOC_B + "y")
    write_doc(docs, "notes.md", DOC_B + "z")
    events: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, result: ImportResult) -> None:
        events.append((done, total, result.path.name))

    summary = archive.import_paths([docs], progress=progress)
    assert events == [(1, 2, "a.txt"), (2, 2, "b.HTML")]  # a folder's files, then its folders
    assert summary.summary_line() == "Imported 2, unchanged 0, replaced 0, failed 0"
    formats = dict(archive.connection().execute("SELECT file_name, format FROM documents"))
    assert formats == {"a.txt": "text", "b.HTML": "html"}


def test_a_batch_reports_every_failure_and_imports_the_rest(archive: Archive, docs: Path) -> None:
    good = write_doc(docs, "good.txt", DOC_A)
    empty = _empty(docs)
    pdf = _pdf(docs)
    missing = _missing(docs)
    archive.import_document(good)
    summary = archive.import_paths([docs, missing, write_doc(docs / "more", "b.txt", DOC_B)])
    assert summary.summary_line() == "Imported 1, unchanged 1, replaced 0, failed 3"
    assert sorted(r.line() for r in summary.failures) == sorted([
        f"{empty}: is empty",
        f"{pdf}: is a PDF, not a text or HTML document",
        f"{missing}: does not exist",
    ])
    assert archive.stats().documents == 2


def test_an_import_can_be_cancelled_between_documents(archive: Archive, docs: Path) -> None:
    for number in range(5):
        write_doc(docs, f"{number}.txt", DOC_A.replace("an hour", f"{number} hours"))
    seen: list[int] = []
    summary = archive.import_paths(
        [docs], progress=lambda done, total, result: seen.append(done),
        should_cancel=lambda: len(seen) >= 2,
    )
    assert summary.cancelled and summary.summary_line().endswith(", cancelled")
    assert archive.stats().documents == 2
