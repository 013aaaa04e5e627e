"""Exceptions the store raises. Their messages are written for the user and name the file."""
from __future__ import annotations


class ArchiveError(Exception):
    """The archive file cannot be opened or used; the message says why and what to do."""


class NotAnArchiveError(ArchiveError):
    """The file is not an Archive Viewer archive (not SQLite, or another program's SQLite)."""


class NewerSchemaError(ArchiveError):
    """The archive was written by a newer version of the app than this one."""


class BadInputError(Exception):
    """A file offered for import cannot be imported; the message is the reason, without the path."""
