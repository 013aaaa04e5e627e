"""Data out of an archive, for other tools and other installations. No Qt.

``statements`` writes the statements a filter selects as CSV or JSON, one row per statement;
``bundle`` writes a whole archive as one portable JSON file and imports one; ``atomic`` writes
a file whole or not at all. Each streams: memory stays flat however large the archive.
``user_data`` carries the user's notes, tags and saved searches in bundles (imported here, so
that its handlers are registered before any bundle is written or read).
"""
from archive_viewer.data_out import user_data  # noqa: F401 (registers the bundle handlers)
from archive_viewer.data_out.atomic import WriteError

__all__ = ["WriteError"]
