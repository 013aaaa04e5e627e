"""Importing files: one transaction per document, a result for every file, never a traceback."""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from archive_viewer.ingest.model import Meeting, NotAMeetingDocument
from archive_viewer.store.errors import BadInputError, is_file_problem
from archive_viewer.store.notes import carry_over
from archive_viewer.store.sources import SourceFile, decode_text, read_source, walk_documents
from archive_viewer.store.transactions import write_transaction
from archive_viewer.store.writer import DocumentRecord, delete_document, write_meeting

ImportStatus = Literal["imported", "unchanged", "replaced", "failed"]

#: Turns a document's bytes and file name into a Meeting, or raises NotAMeetingDocument.
Parser = Callable[[bytes, str], Meeting]

#: Called after each file: (files done, files in all, that file's result).
ProgressCallback = Callable[[int, int, "ImportResult"], None]

ALREADY_IN_ARCHIVE = "already in the archive"
ARCHIVE_ITSELF = "is the archive itself, not a document"


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


class ImportStopped(Exception):
    """The archive itself failed (disk full, damaged, read-only, locked): no further document
    could be stored, so the import stops instead of failing every remaining file the same way.
    ``summary`` holds the results of the files done before."""

    def __init__(self, error: sqlite3.Error, path: Path) -> None:
        super().__init__(f"{path}: {error}")
        self.error = error
        self.path = path
        self.summary = ImportSummary()


def import_document(conn: sqlite3.Connection, path: Path, parser: Parser = default_parser,
                    ) -> ImportResult:
    """Import one file; whatever goes wrong with it comes back as a "failed" result with the
    reason. A failure of the archive itself raises :class:`ImportStopped`."""
    prepared = _read(conn, path, _archive_files(conn))
    if isinstance(prepared, ImportResult):
        return prepared
    return _store_parsed(conn, prepared, parse_source(prepared.data, path.name, parser))


@dataclass(frozen=True)
class Parsed:
    """What parsing one document gave: its text and meeting, or why it could not be parsed."""

    raw_text: str | None = None
    meeting: Meeting | None = None
    reason: str | None = None


def parse_source(data: bytes, name: str, parser: Parser = default_parser) -> Parsed:
    """Decode and parse a document's bytes; any problem comes back as ``reason``, never raised."""
    try:
        raw_text = decode_text(data)
        meeting = parser(data, name)
    except NotAMeetingDocument as exc:
        return Parsed(reason=str(exc) or "is not a meeting overview")
    except ImportError as exc:
        return Parsed(reason=f"cannot be parsed: the parser is not available ({exc})")
    except Exception as exc:  # a parser bug must cost this file only, not the batch
        return Parsed(reason=f"could not be parsed ({type(exc).__name__}: {exc})")
    return Parsed(raw_text, meeting)


def _read(conn: sqlite3.Connection, path: Path,
          archive_files: frozenset[tuple[int, int]]) -> SourceFile | ImportResult:
    """The file's bytes to parse, or its final result: unreadable, the archive itself, or
    already imported."""
    if _one_of(path, archive_files):
        return ImportResult(path, "failed", ARCHIVE_ITSELF)
    try:
        source = read_source(path)
    except BadInputError as exc:
        return ImportResult(path, "failed", str(exc))
    try:
        present = _document_with_sha(conn, source.sha256)
    except sqlite3.Error as exc:  # an indexed read of the archive: the file is at fault
        raise ImportStopped(exc, path) from exc
    if present is not None:
        return ImportResult(path, "unchanged", ALREADY_IN_ARCHIVE, present)
    return source


def _store_parsed(conn: sqlite3.Connection, source: SourceFile, parsed: Parsed) -> ImportResult:
    if parsed.meeting is None or parsed.raw_text is None:
        return ImportResult(source.path, "failed", parsed.reason)
    try:
        return _store(conn, source, parsed.raw_text, parsed.meeting)
    except sqlite3.Error as exc:
        if is_file_problem(exc):
            raise ImportStopped(exc, source.path) from exc
        return ImportResult(source.path, "failed",
                            f"could not be stored in the archive ({exc})")
    except Exception as exc:  # the transaction was rolled back; report, and go on
        return ImportResult(
            source.path, "failed",
            f"could not be stored in the archive ({type(exc).__name__}: {exc})"
        )


def _archive_files(conn: sqlite3.Connection) -> frozenset[tuple[int, int]]:
    """(device, inode) of the archive's file, its -wal, -shm and -journal.

    Never read as documents (`import ~/papers/*` with the archive among the papers): closing
    a file releases all of this process's POSIX locks on it, SQLite's included, and another
    process could then take the archive for unused and delete the WAL this one writes to.
    """
    found: set[tuple[int, int]] = set()
    for _seq, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name != "main" or not file:
            continue
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                info = os.stat(file + suffix)
            except OSError:
                continue
            found.add((info.st_dev, info.st_ino))
    return frozenset(found)


def _one_of(path: Path, files: frozenset[tuple[int, int]]) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False  # read_source says what is wrong with it
    return (info.st_dev, info.st_ino) in files


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
    return store_document(conn, record, meeting, source.path)


def store_document(conn: sqlite3.Connection, record: DocumentRecord, meeting: Meeting,
                   path: Path) -> ImportResult:
    """Write one parsed document in its own transaction, as an import does: unchanged when its
    sha256 is in the archive, replacing the document from the same source path if there is one.
    ``path`` is what the result names. sqlite3.Error and others propagate (rolled back)."""
    with write_transaction(conn):
        # Checked again under the write lock: another import may have added it meanwhile.
        present = _document_with_sha(conn, record.sha256)
        if present is not None:
            return ImportResult(path, "unchanged", ALREADY_IN_ARCHIVE, present)
        old = conn.execute(
            "SELECT id, sha256 FROM documents WHERE source_path = ?", (record.source_path,)
        ).fetchone()
        if old is not None:
            delete_document(conn, int(old[0]))
        document_id = write_meeting(conn, meeting, record)
        if old is not None:  # the user's notes and tags follow where the new text allows
            carry_over(conn, str(old[1]), record.sha256)
    status: ImportStatus = "replaced" if old is not None else "imported"
    return ImportResult(path, status, None, document_id, meeting.title)


def import_paths(conn: sqlite3.Connection, paths: Iterable[Path | str],
                 parser: Parser = default_parser, *,
                 progress: ProgressCallback | None = None,
                 should_cancel: Callable[[], bool] | None = None,
                 workers: int | None = None) -> ImportSummary:
    """Import files and folders (recursively: *.txt, *.htm, *.html, hidden files skipped).

    Each file is its own transaction, so a failure costs that file only; a failure of the
    archive itself (disk full, damaged) raises :class:`ImportStopped`, the files before kept.
    ``should_cancel`` is asked before each file; documents imported before a cancel stay
    imported.

    With many files (:data:`POOL_MIN_FILES`) and the default parser, documents are parsed in
    ``workers`` processes (default: one per CPU) while this thread writes them, in the same
    order and with the same results as one by one. ``workers=1`` parses here.
    """
    files, problems = walk_documents(Path(p) for p in paths)
    summary = ImportSummary([ImportResult(p.path, "failed", p.reason) for p in problems])
    size = pool_size(len(files), parser, workers)
    prepared = (_prepared_in_pool(conn, files, size) if size
                else _prepared_here(conn, files, parser))
    try:
        for done, (_file, item) in enumerate(prepared, start=1):
            if should_cancel is not None and should_cancel():
                summary.cancelled = True
                break
            if isinstance(item, ImportResult):
                result = item
            else:
                source, parsed = item
                result = _store_parsed(conn, source, parsed)
            summary.results.append(result)
            if progress is not None:
                progress(done, len(files), result)
    except ImportStopped as stopped:
        stopped.summary = summary
        raise
    finally:
        prepared.close()  # stops the pool's workers, also on a cancel or an error
    return summary


_Prepared = Iterator[tuple[Path, "ImportResult | tuple[SourceFile, Parsed]"]]


def _prepared_here(conn: sqlite3.Connection, files: list[Path], parser: Parser) -> _Prepared:
    own = _archive_files(conn)
    for file in files:
        source = _read(conn, file, own)
        if isinstance(source, ImportResult):
            yield file, source
        else:
            yield file, (source, parse_source(source.data, file.name, parser))


#: Fewer files than this are parsed in this process: starting the worker processes (a new
#: interpreter each, importing the parser and compiling its patterns) costs about as much as
#: parsing this many documents.
POOL_MIN_FILES = 64

#: Documents sent to a worker at a time: enough to make the hand-over cheap, few enough that
#: progress stays smooth and a cancel is quick.
POOL_CHUNK = 8


def pool_size(files: int, parser: Parser, workers: int | None = None) -> int:
    """How many parsing processes an import of ``files`` files uses; 0 for none."""
    if parser is not default_parser:  # another parser may not exist in a fresh process
        return 0
    if workers is None:
        if files < POOL_MIN_FILES:
            return 0
        workers = _cpu_count()
    return workers if workers > 1 else 0


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _prepared_in_pool(conn: sqlite3.Connection, files: list[Path], workers: int) -> _Prepared:
    """Files read and checked here, parsed in ``workers`` processes, handed back in order.

    At most a few chunks per worker are read ahead, so memory stays small however many files.
    If the pool breaks (a worker killed, say), the remaining documents are parsed here.
    """
    own = _archive_files(conn)
    pool = ProcessPoolExecutor(workers, mp_context=_start_method(), initializer=_worker_start)
    pending: deque[tuple[list[tuple[Path, SourceFile | ImportResult]], Future[list[Parsed]] | None]]
    pending = deque()
    chunks = _chunks(files, POOL_CHUNK)
    try:
        while True:
            while len(pending) < workers * 4:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                read = [(file, _read(conn, file, own)) for file in chunk]
                jobs = [(s.data, file.name) for file, s in read if isinstance(s, SourceFile)]
                future = pool.submit(_parse_chunk, jobs) if jobs else None
                pending.append((read, future))
            if not pending:
                return
            read, future = pending.popleft()
            parsed = iter(_chunk_result(future, read))
            for file, source in read:
                yield file, (source if isinstance(source, ImportResult)
                             else (source, next(parsed)))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_method() -> multiprocessing.context.BaseContext:
    # "fork" starts at once and shares what this process has loaded, but only a process with
    # no other threads may fork: the import may run on a thread of the Qt application, and a
    # child forked there could inherit locks no thread will ever release. Then "spawn".
    single_threaded = (threading.current_thread() is threading.main_thread()
                       and threading.active_count() == 1)
    if single_threaded and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _chunks(files: list[Path], size: int) -> Iterator[list[Path]]:
    for start in range(0, len(files), size):
        yield files[start:start + size]


def _chunk_result(future: Future[list[Parsed]] | None,
                  read: list[tuple[Path, SourceFile | ImportResult]]) -> list[Parsed]:
    if future is None:
        return []
    try:
        return future.result()
    except (BrokenProcessPool, OSError, pickle.PicklingError):
        return [parse_source(s.data, file.name) for file, s in read
                if isinstance(s, SourceFile)]


def _worker_start() -> None:
    # Ctrl-C is the importing process's to handle (it stops the pool); and the parser's
    # resources are loaded once per worker, not on its first document.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with_parent()
    from archive_viewer.ingest.gazetteer import load_gazetteer
    from archive_viewer.ingest.thesaurus import load_thesaurus

    load_gazetteer()
    load_thesaurus()


def _end_with_parent() -> None:
    """Exit when the importing process is gone. Killed (SIGKILL, the out-of-memory killer),
    it cannot stop the pool, and its workers would wait for work for ever."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch(sentinel: int) -> None:
        multiprocessing.connection.wait([sentinel])  # ready once the parent has ended
        os._exit(1)

    threading.Thread(target=watch, args=(parent.sentinel,), daemon=True,
                     name="end-with-parent").start()


def _parse_chunk(jobs: list[tuple[bytes, str]]) -> list[Parsed]:
    return [parse_source(data, name) for data, name in jobs]
