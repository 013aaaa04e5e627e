"""Writing a file whole or not at all: a temporary file beside it, renamed over it at the end.

A failure half-way (a full disk, a cancel, a crash) leaves the old file as it was and no
partial file behind; readers never see a half-written export.
"""
from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


class WriteError(Exception):
    """The file could not be written; the message names it and says why."""


def reason(exc: OSError) -> str:
    """A short reason for the user: "No space left on device", "Permission denied"."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    return exc.strerror or str(exc)


@contextmanager
def atomic_text_file(path: Path, *, newline: str | None = None) -> Iterator[TextIO]:
    """A UTF-8 text file to write ``path`` through; ``path`` appears (or is replaced) only
    when the block ends without an exception. Raises :class:`WriteError` for OSErrors."""
    path = Path(path)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part",
                                         dir=path.parent)
    except OSError as exc:
        raise WriteError(f"Could not write {path}: {reason(exc)}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        _usual_permissions(Path(temporary))
        os.replace(temporary, path)
    except OSError as exc:
        _remove(temporary)
        raise WriteError(f"Could not write {path}: {reason(exc)}.") from None
    except BaseException:
        _remove(temporary)
        raise


def _usual_permissions(path: Path) -> None:
    # mkstemp makes the file private (0600); an export gets what any new file would get.
    path.chmod(0o666 & ~_umask())


def _umask() -> int:
    # Read, not set and reset with os.umask: that would race with other threads making files.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
