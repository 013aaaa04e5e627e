"""The archive store: one SQLite file of imported meeting documents. No Qt.

    from archive_viewer.store import Archive

    with Archive.open(path) as archive:
        summary = archive.import_paths([folder], progress=callback)
        print(summary.summary_line(), archive.stats())
"""
from archive_viewer.store.archive import Archive, ArchiveStats
from archive_viewer.store.errors import (
    ArchiveError,
    BadInputError,
    NewerSchemaError,
    NotAnArchiveError,
)
from archive_viewer.store.first_use import ensure_default_archive, open_default_archive
from archive_viewer.store.importer import ImportResult, ImportSummary
from archive_viewer.store.writer import DocumentRecord, delete_document, write_meeting

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveStats",
    "BadInputError",
    "DocumentRecord",
    "ImportResult",
    "ImportSummary",
    "NewerSchemaError",
    "NotAnArchiveError",
    "delete_document",
    "ensure_default_archive",
    "open_default_archive",
    "write_meeting",
]
