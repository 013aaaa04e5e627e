"""Exceptions the store raises. Their messages are written for the user and name the file."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path


class ArchiveError(Exception):
    """The archive file cannot be opened or used; the message says why and what to do."""


class NotAnArchiveError(ArchiveError):
    """The file is not an Archive Viewer archive (not SQLite, or another program's SQLite)."""


class NewerSchemaError(ArchiveError):
    """The archive was written by a newer version of the app than this one."""


class ReadOnlyArchiveError(ArchiveError):
    """The archive (or its folder) cannot be written: it can only be opened read-only."""


class BadInputError(Exception):
    """A file offered for import cannot be imported; the message is the reason, without the path."""


# Primary result codes (sqlite3.h) that are about the archive file or its disk, not about the
# statement that met them: after one of these, going on with other work is pointless.
_FULL, _CORRUPT, _NOTADB = 13, 11, 26
_READONLY, _IOERR, _CANTOPEN, _PERM = 8, 10, 14, 3
_BUSY, _LOCKED, _NOMEM, _PROTOCOL = 5, 6, 7, 15
_FILE_PROBLEMS = frozenset({_FULL, _CORRUPT, _NOTADB, _READONLY, _IOERR, _CANTOPEN, _PERM,
                            _BUSY, _LOCKED, _NOMEM, _PROTOCOL})


def sqlite_code(exc: sqlite3.Error) -> int | None:
    """The primary SQLite result code of ``exc`` (extended codes folded), when it has one."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_file_problem(exc: BaseException) -> bool:
    """Whether ``exc`` says the archive file or its disk is unusable (full, damaged, read-only,
    unreadable, locked), rather than that one statement or one document was wrong."""
    return isinstance(exc, sqlite3.Error) and sqlite_code(exc) in _FILE_PROBLEMS


#: Raised by Python's sqlite3, not SQLite, for a TEXT value that is not UTF-8: only damage
#: (or another program's writes) puts one in an archive, as the app writes Python strings.
_NOT_UTF8 = re.compile(r"^Could not decode to UTF-8 column '([^']*)'")


def is_damage(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.Error) and (
        sqlite_code(exc) in (_CORRUPT, _NOTADB) or bool(_NOT_UTF8.match(str(exc))))


def sqlite_reason(exc: sqlite3.Error) -> tuple[str, str]:
    """What an SQLite error means for the user, and what to do about it (both sentences)."""
    code = sqlite_code(exc)
    if code == _FULL:
        return f"the disk is full ({exc})", "Free some disk space and try again."
    if code in (_CORRUPT, _NOTADB) or is_damage(exc):
        not_utf8 = _NOT_UTF8.match(str(exc))
        # Not the undecodable text itself: it is noise, and may be long.
        what = f"a text in column {not_utf8.group(1)!r} is not UTF-8" if not_utf8 else str(exc)
        return (f"the file is damaged ({what})",
                "Restore the archive from a backup, or import the documents again into a new "
                "archive.")
    if code in (_READONLY, _PERM):
        return (f"the file cannot be written ({exc})",
                "Make the file and its folder writable, or work on a copy in a writable folder.")
    if code in (_BUSY, _LOCKED):
        return (f"another program is using it ({exc})",
                "Wait until it has finished, then try again.")
    if code in (_IOERR, _CANTOPEN, _PROTOCOL):
        return (f"the file cannot be read or written ({exc})",
                "Check that the disk is connected and readable, then try again.")
    if code == _NOMEM:
        return f"there is not enough memory ({exc})", "Close other programs and try again."
    return f"{exc}", "Try again; if it keeps failing, reopen the archive."


def sqlite_problem(path: Path, exc: sqlite3.Error, doing: str = "use") -> ArchiveError:
    """An :class:`ArchiveError` naming ``path`` for an SQLite error met while ``doing`` it
    ("open", "read", "write to", ...)."""
    reason, advice = sqlite_reason(exc)
    return ArchiveError(f"cannot {doing} archive {path}: {reason}. {advice}")
