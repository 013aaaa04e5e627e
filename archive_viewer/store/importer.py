"""Importing files: one transaction per document, a result for every file, never a traceback."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from archive_viewer.ingest.model import Meeting, NotAMeetingDocument
from archive_viewer.store.errors import BadInputError
from archive_viewer.store.sources import SourceFile, decode_text, read_source, walk_documents
from archive_viewer.store.transactions import write_transaction
from archive_viewer.store.writer import DocumentRecord, delete_document, write_meeting

ImportStatus = Literal["imported", "unchanged", "replaced", "failed"]

#: Turns a document's bytes and file name into a Meeting, or raises NotAMeetingDocument.
Parser = Callable[[bytes, str], Meeting]

#: Called after each file: (files done, files in all, that file's result).
ProgressCallback = Callable[[int, int, "ImportResult"], None]

ALREADY_IN_ARCHIVE = "already in the archive"


def default_parser(data: bytes, name: str) -> Meeting:
    """The ingest pipeline's parser, imported on first use."""
    from archive_viewer.ingest import parse_document

    return parse_document(data, name)


@dataclass(frozen=True)
class ImportResult:
    path: Path  # as given or found while walking a folder
    status: ImportStatus
    reason: str | None = None  # why it failed, or a note ("already in the archive")
    document_id: int | None = None
    title: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def line(self) -> str:
        """"FILE: reason" (or "FILE: status")."""
        return f"{self.path}: {self.reason or self.status}"


@dataclass
class ImportSummary:
    results: list[ImportResult] = field(default_factory=list)
    cancelled: bool = False

    def count(self, status: ImportStatus) -> int:
        return sum(1 for result in self.results if result.status == status)

    @property
    def failures(self) -> list[ImportResult]:
        return [result for result in self.results if result.failed]

    def summary_line(self) -> str:
        """"Imported 7, unchanged 1, replaced 0, failed 2" (", cancelled" when stopped early)."""
        line = (
            f"Imported {self.count('imported')}, unchanged {self.count('unchanged')}, "
            f"replaced {self.count('replaced')}, failed {self.count('failed')}"
        )
        return line + (", cancelled" if self.cancelled else "")


def import_document(conn: sqlite3.Connection, path: Path, parser: Parser = default_parser,
                    ) -> ImportResult:
    """Import one file; whatever goes wrong comes back as a "failed" result with the reason."""
    try:
        source = read_source(path)
    except BadInputError as exc:
        return ImportResult(path, "failed", str(exc))
    present = _document_with_sha(conn, source.sha256)
    if present is not None:
        return ImportResult(path, "unchanged", ALREADY_IN_ARCHIVE, present)

    try:
        raw_text = decode_text(source.data)
        meeting = parser(source.data, path.name)
    except NotAMeetingDocument as exc:
        return ImportResult(path, "failed", str(exc) or "is not a meeting overview")
    except ImportError as exc:
        return ImportResult(path, "failed",
                            f"cannot be parsed: the parser is not available ({exc})")
    except Exception as exc:  # a parser bug must cost this file only, not the batch
        return ImportResult(path, "failed", f"could not be parsed ({type(exc).__name__}: {exc})")

    try:
        return _store(conn, source, raw_text, meeting)
    except sqlite3.Error as exc:
        return ImportResult(path, "failed", f"could not be stored in the archive ({exc})")
    except Exception as exc:  # the transaction was rolled back; report, and go on
        return ImportResult(
            path, "failed", f"could not be stored in the archive ({type(exc).__name__}: {exc})"
        )


def _document_with_sha(conn: sqlite3.Connection, sha256: str) -> int | None:
    row = conn.execute("SELECT id FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
    return int(row[0]) if row else None


def _store(conn: sqlite3.Connection, source: SourceFile, raw_text: str,
           meeting: Meeting) -> ImportResult:
    record = DocumentRecord(
        source_path=source.source_path,
        file_name=source.path.name,
        sha256=source.sha256,
        format=source.format,
        size_bytes=len(source.data),
        raw_text=raw_text,
        imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    with write_transaction(conn):
        # Checked again under the write lock: another import may have added it meanwhile.
        present = _document_with_sha(conn, source.sha256)
        if present is not None:
            return ImportResult(source.path, "unchanged", ALREADY_IN_ARCHIVE, present)
        old = conn.execute(
            "SELECT id FROM documents WHERE source_path = ?", (source.source_path,)
        ).fetchone()
        if old is not None:
            delete_document(conn, int(old[0]))
        document_id = write_meeting(conn, meeting, record)
    status: ImportStatus = "replaced" if old is not None else "imported"
    return ImportResult(source.path, status, None, document_id, meeting.title)


def import_paths(conn: sqlite3.Connection, paths: Iterable[Path | str],
                 parser: Parser = default_parser, *,
                 progress: ProgressCallback | None = None,
                 should_cancel: Callable[[], bool] | None = None) -> ImportSummary:
    """Import files and folders (recursively: *.txt, *.htm, *.html, hidden files skipped).

    Each file is its own transaction, so a failure costs that file only. ``should_cancel`` is
    asked before each file; documents imported before a cancel stay imported.
    """
    files, problems = walk_documents(Path(p) for p in paths)
    summary = ImportSummary([ImportResult(p.path, "failed", p.reason) for p in problems])
    for done, file in enumerate(files, start=1):
        if should_cancel is not None and should_cancel():
            summary.cancelled = True
            break
        result = import_document(conn, file, parser)
        summary.results.append(result)
        if progress is not None:
            progress(done, len(files), result)
    return summary
