"""Importing documents on a QThread, with the thread's own write connection to the archive.

The worker opens the archive itself, inside its thread (a SQLite connection belongs to the
thread that made it), and imports one document per transaction through
``Archive.import_paths``; a cancel is honoured between documents, so what finished stays and
no document is ever half in the archive. A large import parses in worker processes started
afresh ("spawn", as this is not the main thread) while this thread writes; progress is still
reported per document written, and a cancel also stops those processes.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from archive_viewer.store import Archive, ArchiveError, ImportResult


class ImportWorker(QObject):
    """Moved to a QThread; ``run`` is started by the thread's ``started`` signal."""

    #: files done, files in all, the file just done (its path as given)
    progress = Signal(int, int, str)
    #: the ImportSummary (also when cancelled)
    finished = Signal(object)
    #: the archive could not be opened for writing, or something unexpected: a message
    failed = Signal(str)

    def __init__(self, db_path: Path, paths: Sequence[Path]) -> None:
        super().__init__()
        self.db_path = db_path
        self.paths = list(paths)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Stop after the document being imported now (safe to call from any thread)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        try:
            with Archive.open(self.db_path, create=False) as archive:
                summary = archive.import_paths(self.paths, progress=self._progress,
                                               should_cancel=self._cancel.is_set)
        except ArchiveError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # never a traceback on stderr: the window says what happened
            self.failed.emit(f"The import stopped unexpectedly ({type(exc).__name__}: {exc}). "
                             "Documents imported before this remain in the archive.")
            return
        self.finished.emit(summary)

    def _progress(self, done: int, total: int, result: ImportResult) -> None:
        self.progress.emit(done, total, result.path.name)

