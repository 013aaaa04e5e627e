"""Data out of an archive, for other tools and other installations. No Qt.

``statements`` writes the statements a filter selects as CSV or JSON, one row per statement;
``bundle`` writes a whole archive as one portable JSON file and imports one; ``atomic`` writes
a file whole or not at all. Each streams: memory stays flat however large the archive.
"""
from archive_viewer.data_out.atomic import WriteError

__all__ = ["WriteError"]
