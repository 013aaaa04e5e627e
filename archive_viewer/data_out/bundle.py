"""A whole archive as one portable JSON file, and importing one into another archive.

The documents are the source of truth: each carries its text as imported (``raw_text``) and
what the text cannot tell (where it came from, when it was imported, the sha256 of the original
bytes, which its identifiers are made of). Importing a bundle parses each text again through
the normal parser and writes it as an import does, in the bundle's order, so meetings,
sections, items, statements, people and issues come out as they were, identifiers included.
Everything else in the archive is derived from the documents (and the issue thesaurus of the
installation; a bundle made with another one is reported).

The file, in this order (readers must accept any order except that ``format`` and ``version``
come before ``documents``; unknown keys are ignored)::

    {
      "format": "archive-viewer-bundle",
      "version": 1,
      "app_version": "0.9.0",
      "schema_version": 3,                  PRAGMA user_version of the archive written
      "exported_at": "2025-05-02T10:00:00+00:00",
      "thesaurus_sha256": "…",              of the issues.toml the archive was tagged with
      "archive_meta": {"key": "value"},     the archive_meta table, as facts about the archive
      "user_data": {},                      see below
      "document_count": 9,
      "documents": [
        {"meeting": "av:0e3ff97fcfd7", "sha256": "…", "source_path": "/…/000_….txt",
         "file_name": "000_….txt", "format": "text", "size_bytes": 4213,
         "imported_at": "2025-05-01T09:00:00+00:00", "raw_text": "Japan-ROK …"},
        …                                   one a line, in the order they were imported
      ]
    }

``user_data`` is the extension point for what users add to an archive and no document holds
(notes, tags, merged people): an object with one key per feature, whose value the feature
defines. A feature registers a :class:`UserData` handler (:func:`register_user_data`) that
exports its value and imports it again. Its value must refer to records by identifier
(``av:…``, archive_viewer/identifiers.py) or by natural keys (a person's name and country),
never by row ids, which another archive does not share. A key this version has no handler for
is skipped on import with a warning naming it, never an error.
"""
from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from archive_viewer import __version__
from archive_viewer.data_out.atomic import atomic_text_file, reason
from archive_viewer.identifiers import PREFIX
from archive_viewer.store.archive import Archive
from archive_viewer.store.importer import (
    ImportResult,
    ImportSummary,
    ProgressCallback,
    parse_source,
    store_document,
)
from archive_viewer.store import people_merge
from archive_viewer.store.issues import THESAURUS_SHA_KEY as THESAURUS_KEY
from archive_viewer.store.migrations import schema_version
from archive_viewer.store.node_ids import prefix_of, shared_prefixes
from archive_viewer.store.transactions import write_transaction
from archive_viewer.store.writer import DocumentRecord

BUNDLE_FORMAT = "archive-viewer-bundle"
BUNDLE_VERSION = 1
#: Documents written between progress reports and checks for a cancel.
PROGRESS_EVERY = 50
#: archive_meta keys that describe this installation rather than the archive's content.
LOCAL_META = frozenset({THESAURUS_KEY})


class BundleError(Exception):
    """The bundle cannot be written or read; the message names the file and says why."""


class BundleCancelled(Exception):
    """The user stopped the export; nothing was written."""


# -- user data: the extension point --------------------------------------------------------

@dataclass(frozen=True)
class UserData:
    """How one feature's data travels in ``user_data[key]``.

    ``export(conn)`` returns a JSON-able value (None: nothing to carry); ``load(conn, value)``
    writes it into the archive being imported into, inside the import's last transaction,
    after every document is in (so identifiers resolve).
    """

    key: str
    export: Callable[[sqlite3.Connection], Any]
    load: Callable[[sqlite3.Connection, Any], None]


_USER_DATA: dict[str, UserData] = {}


def register_user_data(handler: UserData) -> None:
    """Carry a feature's data in bundles from now on (call once, at the feature's import)."""
    _USER_DATA[handler.key] = handler


# The researcher's merges and splits of people travel by spelling (store/people_merge.py).
register_user_data(UserData("people", people_merge.export_decisions,
                            people_merge.load_decisions))


# -- export --------------------------------------------------------------------------------

@dataclass(frozen=True)
class BundleExport:
    path: Path
    documents: int


def export_bundle(conn: sqlite3.Connection, path: Path, *,
                  progress: Callable[[int, int], None] | None = None,
                  should_cancel: Callable[[], bool] | None = None) -> BundleExport:
    """Write every document of the archive, and what goes with them, to ``path`` (replaced
    whole, or left as it was). Raises WriteError, or BundleCancelled."""
    total = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    header: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "app_version": __version__,
        "schema_version": schema_version(conn),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "thesaurus_sha256": _meta(conn).get(THESAURUS_KEY),
        "archive_meta": {k: v for k, v in _meta(conn).items() if k not in LOCAL_META},
        "user_data": {key: value for key, handler in sorted(_USER_DATA.items())
                      if (value := handler.export(conn)) is not None},
        "document_count": total,
    }
    shared = shared_prefixes(conn)
    with atomic_text_file(Path(path)) as out:
        out.write("{\n")
        for key, value in header.items():
            out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
        out.write('  "documents": [')
        done = 0
        for row in conn.execute("""
                SELECT sha256, source_path, file_name, format, size_bytes, imported_at, raw_text
                FROM documents ORDER BY id"""):
            sha256, source_path, file_name, fmt, size, imported_at, raw_text = row
            document = {"meeting": PREFIX + prefix_of(sha256, shared), "sha256": sha256,
                        "source_path": source_path, "file_name": file_name, "format": fmt,
                        "size_bytes": size, "imported_at": imported_at, "raw_text": raw_text}
            out.write(("\n    " if done == 0 else ",\n    ")
                      + json.dumps(document, ensure_ascii=False))
            done += 1
            if done % PROGRESS_EVERY and done != total:
                continue
            if should_cancel is not None and should_cancel():
                raise BundleCancelled("The export was stopped; no file was written.")
            if progress is not None:
                progress(done, total)
        out.write("\n  ]\n}\n" if done else "]\n}\n")
    return BundleExport(Path(path), done)


def _meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM archive_meta ORDER BY key"))


# -- import --------------------------------------------------------------------------------

@dataclass
class BundleImport:
    summary: ImportSummary
    warnings: list[str] = field(default_factory=list)


_FIELDS = {"sha256": str, "source_path": str, "file_name": str, "format": str,
           "size_bytes": int, "imported_at": str, "raw_text": str}
_SHA256 = re.compile(r"[0-9a-f]{64}")


def import_bundle(archive: Archive, path: Path, *, progress: ProgressCallback | None = None,
                  should_cancel: Callable[[], bool] | None = None) -> BundleImport:
    """Import every document of the bundle at ``path`` into ``archive``, one transaction each,
    as an import of files does (the same bytes are never imported twice; a document from a
    source path the archive holds replaces it). Raises BundleError for a file that is not a
    bundle; a document that cannot be imported is a "failed" result and the rest go on."""
    path = Path(path)
    result = BundleImport(ImportSummary())
    header: dict[str, Any] = {}
    conn = archive.connection()
    try:
        with open(path, encoding="utf-8") as file:
            for key, value in _read_top_level(file, path):
                if key != "documents":
                    header[key] = value
                    if key in ("format", "version"):
                        _check_header(header, key, path)
                    continue
                if "format" not in header or "version" not in header:
                    raise BundleError(f"{path} is not an Archive Viewer bundle: its \"format\" "
                                      "and \"version\" must come before its documents.")
                if should_cancel is not None and should_cancel():
                    result.summary.cancelled = True
                    break
                outcome = _import_document(archive, conn, value, path)
                result.summary.results.append(outcome)
                if progress is not None:
                    progress(len(result.summary.results),
                             max(int(header.get("document_count") or 0),
                                 len(result.summary.results)), outcome)
    except OSError as exc:
        raise BundleError(f"Could not read {path}: {reason(exc)}.") from None
    except UnicodeDecodeError:
        raise BundleError(f"{path} is not an Archive Viewer bundle (not UTF-8 text).") from None
    finally:
        archive.refresh_counts()
    if "format" not in header:
        raise BundleError(f"{path} is not an Archive Viewer bundle (it has no \"format\").")
    if not result.summary.cancelled:
        result.warnings += _after_documents(conn, header)
    return result


def _check_header(header: dict[str, Any], key: str, path: Path) -> None:
    if key == "format" and header["format"] != BUNDLE_FORMAT:
        raise BundleError(f"{path} is not an Archive Viewer bundle "
                          f"(its format is {header['format']!r}).")
    if key == "version" and (not isinstance(header["version"], int)
                             or header["version"] > BUNDLE_VERSION):
        raise BundleError(f"{path} was written by a newer Archive Viewer (bundle version "
                          f"{header['version']}); update the app to import it.")


def _import_document(archive: Archive, conn: sqlite3.Connection, document: Any,
                     bundle: Path) -> ImportResult:
    if not isinstance(document, dict):
        return ImportResult(bundle, "failed", "a document of the bundle is not an object")
    where = Path(str(document.get("source_path") or document.get("file_name") or bundle))
    for name, kind in _FIELDS.items():
        if not isinstance(document.get(name), kind):
            return ImportResult(where, "failed", f"the bundle gives no valid {name!r}")
    if not _SHA256.fullmatch(document["sha256"]) or document["format"] not in ("text", "html"):
        return ImportResult(where, "failed", "the bundle gives no valid sha256 or format")
    present = conn.execute("SELECT id FROM documents WHERE sha256 = ?",
                           (document["sha256"],)).fetchone()
    if present is not None:  # spares the parse; store_document checks again under the lock
        return ImportResult(where, "unchanged", "already in the archive", int(present[0]))
    # The text is parsed as the parser reads any file: the stored text is already decoded,
    # and as UTF-8 it decodes to itself.
    parsed = parse_source(document["raw_text"].encode("utf-8"), document["file_name"],
                          archive.parser)
    if parsed.meeting is None:
        return ImportResult(where, "failed", parsed.reason)
    record = DocumentRecord(**{name: document[name] for name in _FIELDS})
    try:
        return store_document(conn, record, parsed.meeting, where)
    except sqlite3.Error as exc:
        return ImportResult(where, "failed", f"could not be stored in the archive ({exc})")


def _after_documents(conn: sqlite3.Connection, header: dict[str, Any]) -> list[str]:
    """Archive facts and user data, once the documents are in; warnings for the user."""
    warnings: list[str] = []
    theirs = header.get("thesaurus_sha256")
    if theirs and theirs != _meta(conn).get(THESAURUS_KEY):
        warnings.append("The bundle was made with another issue thesaurus (issues.toml): its "
                        "statements were tagged with this installation's issues.")
    meta = header.get("archive_meta")
    user_data = header.get("user_data")
    with write_transaction(conn):
        if isinstance(meta, dict):
            present = _meta(conn)
            conn.executemany(
                "INSERT INTO archive_meta (key, value) VALUES (?, ?)",
                [(k, v) for k, v in meta.items()
                 if isinstance(v, str) and k not in present and k not in LOCAL_META])
        if isinstance(user_data, dict):
            for key, value in user_data.items():
                handler = _USER_DATA.get(key)
                if handler is None:
                    warnings.append(f"The bundle's user data {key!r} is not known to this "
                                    "version of Archive Viewer and was not imported.")
                else:
                    handler.load(conn, value)
    return warnings


# -- reading a large JSON object without loading it --------------------------------------------

_WHITESPACE = " \t\r\n"
_CHUNK = 1 << 16


class _Stream:
    """JSON values read one at a time from a text file, with a buffer that grows geometrically
    while one value (a document's text) is longer than it, so reading stays linear."""

    def __init__(self, file: TextIO, path: Path) -> None:
        self._file = file
        self._path = path
        self._buffer = ""
        self._pos = 0
        self._consumed = 0  # characters dropped from the buffer's front
        self._eof = False
        self._decoder = json.JSONDecoder()

    def _fill(self, at_least: int = _CHUNK) -> None:
        chunk = self._file.read(max(_CHUNK, at_least))
        if not chunk:
            self._eof = True
        self._consumed += self._pos
        self._buffer = self._buffer[self._pos:] + chunk
        self._pos = 0

    def peek(self) -> str:
        while True:
            while self._pos < len(self._buffer) and self._buffer[self._pos] in _WHITESPACE:
                self._pos += 1
            if self._pos < len(self._buffer) or self._eof:
                return self._buffer[self._pos:self._pos + 1]
            self._fill()

    def expect(self, char: str) -> None:
        if self.peek() != char:
            self.fail(f"expected {char!r}")
        self._pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as exc:
                if self._eof:
                    self.fail(exc.msg)
                self._fill(len(self._buffer) - self._pos)  # double what is held
                continue
            if end == len(self._buffer) and not self._eof:
                self._fill()  # a number may go on in the next chunk
                continue
            self._pos = end
            return value

    def fail(self, what: str) -> None:
        at = self._consumed + self._pos
        raise BundleError(f"{self._path} is not a valid bundle: {what} at character {at}.")


def _read_top_level(file: TextIO, path: Path) -> Iterator[tuple[str, Any]]:
    """(key, value) for each member of the file's top-level object, in the file's order;
    for "documents", ("documents", document) for each element, read as they are used."""
    stream = _Stream(file, path)
    if stream.peek() != "{":
        raise BundleError(f"{path} is not an Archive Viewer bundle (not a JSON object).")
    stream.expect("{")
    if stream.peek() == "}":
        return
    while True:
        key = stream.value()
        if not isinstance(key, str):
            stream.fail("expected a key")
        stream.expect(":")
        if key == "documents" and stream.peek() == "[":
            stream.expect("[")
            if stream.peek() == "]":
                stream.expect("]")
            else:
                while True:
                    yield key, stream.value()
                    if stream.peek() == ",":
                        stream.expect(",")
                        continue
                    stream.expect("]")
                    break
        else:
            yield key, stream.value()
        if stream.peek() == ",":
            stream.expect(",")
            continue
        stream.expect("}")
        return
