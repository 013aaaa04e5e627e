"""Files offered for import: finding them in folders and reading them with clear refusals.

Every refusal is a :class:`BadInputError` whose message completes the sentence "FILE: ...".
"""
from __future__ import annotations

import codecs
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from archive_viewer.store.errors import BadInputError

#: Suffixes picked up when walking a folder (a file named explicitly is tried whatever its name).
DOCUMENT_SUFFIXES = frozenset({".txt", ".htm", ".html"})

#: Larger files are refused without being read: no press release comes near this.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

DocumentFormat = Literal["text", "html"]

_PDF_MAGIC = b"%PDF-"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Bytes that never occur in text (NUL and the C0 controls other than tab, newlines, form feed,
# escape and the DOS end-of-file mark).
_CONTROL_BYTES = bytes(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1A, 0x1B})
_BINARY_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class SourceFile:
    """A readable file that looks like text: its bytes and what the archive records about it."""

    path: Path  # as the user gave it (for messages)
    source_path: str  # absolute, as stored in documents.source_path
    data: bytes
    sha256: str
    format: DocumentFormat


@dataclass(frozen=True)
class WalkProblem:
    """A folder that could not be listed while walking."""

    path: Path
    reason: str


def read_source(path: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> SourceFile:
    """Read ``path`` for import, or raise :class:`BadInputError` saying what is wrong with it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise BadInputError("does not exist") from None
    except PermissionError:
        raise BadInputError("permission denied") from None
    except OSError as exc:
        raise BadInputError(f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise BadInputError("is a folder, not a document")
    if not stat.S_ISREG(info.st_mode):
        raise BadInputError("is not a regular file")
    if info.st_size > max_bytes:
        raise BadInputError(f"is too large ({_megabytes(info.st_size)}; "
                            f"documents are at most {_megabytes(max_bytes)})")
    if info.st_size == 0:
        raise BadInputError("is empty")
    data = _read_at_most(path, max_bytes)
    if len(data) > max_bytes:  # grew since stat()
        raise BadInputError(f"is too large (over {_megabytes(max_bytes)})")
    if not data.strip():
        raise BadInputError("is empty (only white space)")
    if data.startswith(_PDF_MAGIC):
        raise BadInputError("is a PDF, not a text or HTML document")
    if looks_binary(data):
        raise BadInputError("is a binary file, not a text or HTML document")
    return SourceFile(
        path=path,
        source_path=str(path.resolve()),
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        format=guess_format(path, data),
    )


def _read_at_most(path: Path, max_bytes: int) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read(max_bytes + 1)
    except PermissionError:
        raise BadInputError("permission denied") from None
    except OSError as exc:
        raise BadInputError(f"cannot be read ({exc.strerror or exc})") from None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def looks_binary(data: bytes) -> bool:
    """True for bytes that are no text in any encoding we read: NULs or many control bytes."""
    if data.startswith(_UTF16_BOMS):
        return False  # UTF-16 text is full of NULs
    sample = data[:_BINARY_SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) // 100 + 1


def guess_format(path: Path, data: bytes) -> DocumentFormat:
    if path.suffix.lower() in {".htm", ".html"}:
        return "html"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return "html" if head.startswith((b"<!doctype html", b"<html")) else "text"


def decode_text(data: bytes) -> str:
    """The text of a document, decoded the way the parser decodes it."""
    from archive_viewer.ingest.decode import decode_bytes  # the one place encodings are guessed

    return decode_bytes(data)


def walk_documents(paths: Iterable[Path]) -> tuple[list[Path], list[WalkProblem]]:
    """The files to import under ``paths``: files as given, folders walked recursively.

    In folders, only *.txt, *.htm and *.html are taken, hidden files and folders are skipped,
    and the order is stable (sorted). A file listed twice is taken once.
    """
    files: list[Path] = []
    problems: list[WalkProblem] = []
    seen: set[str] = set()

    def add(file: Path) -> None:
        key = os.path.normcase(os.path.abspath(file))
        if key not in seen:
            seen.add(key)
            files.append(file)

    for path in paths:
        if path.is_dir():
            for file in _walk_folder(path, problems):
                add(file)
        else:
            add(path)  # missing or unreadable files are reported when read
    return files, problems


def _walk_folder(root: Path, problems: list[WalkProblem]) -> Iterator[Path]:
    def on_error(error: OSError) -> None:
        where = Path(error.filename) if error.filename else root
        reason = "permission denied" if isinstance(error, PermissionError) else (
            f"cannot be read ({error.strerror or error})"
        )
        problems.append(WalkProblem(where, reason))

    for folder, dirs, names in os.walk(root, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or Path(name).suffix.lower() not in DOCUMENT_SUFFIXES:
                continue
            yield Path(folder) / name
