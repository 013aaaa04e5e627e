"""The default archive in the user's data folder, holding the bundled samples from first use."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from archive_viewer import paths
from archive_viewer.store.archive import Archive
from archive_viewer.store.importer import ImportSummary, Parser, ProgressCallback

SAMPLES_IMPORTED_KEY = "samples_imported_at"


def open_default_archive(*, parser: Parser | None = None,
                         progress: ProgressCallback | None = None,
                         ) -> tuple[Archive, ImportSummary | None]:
    """Open (creating if need be) the default archive; on first use import the samples.

    Returns the archive and the samples' import summary (None when they were imported before).
    The samples count as imported once the whole folder has been gone through, so a first use
    interrupted half-way resumes next time.
    """
    archive = Archive.open(paths.default_archive_path(), create=True, parser=parser)
    try:
        summary = import_samples_once(archive, paths.SAMPLES_DIR, progress=progress)
    except BaseException:
        archive.close()
        raise
    return archive, summary


def import_samples_once(archive: Archive, samples_dir: Path,
                        progress: ProgressCallback | None = None) -> ImportSummary | None:
    if archive.get_meta(SAMPLES_IMPORTED_KEY) is not None:
        return None
    if samples_dir.is_dir():
        summary = archive.import_paths([samples_dir], progress=progress)
    else:
        summary = ImportSummary()  # no samples shipped: nothing to import
    # Only a complete first import counts: samples that failed are tried again next time.
    if not summary.failures:
        archive.set_meta(SAMPLES_IMPORTED_KEY, datetime.now(UTC).isoformat(timespec="seconds"))
    return summary


def ensure_default_archive(*, parser: Parser | None = None,
                           progress: ProgressCallback | None = None) -> Path:
    """Make sure the default archive exists with its samples; return its path."""
    archive, _ = open_default_archive(parser=parser, progress=progress)
    archive.close()
    return archive.path
