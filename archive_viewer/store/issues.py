"""The issue thesaurus in the archive: loading resources/issues.toml, resolving issue names.

The TOML file holds ``[[issue]]`` tables with ``name``, an optional ``parent`` (another issue's
name) and an optional ``synonyms`` list. Loading it is an upsert: issues are added or updated,
never deleted, so links from documents already imported stay valid.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archive_viewer import paths
from archive_viewer.store.errors import ArchiveError

THESAURUS_SHA_KEY = "thesaurus_sha256"


def default_thesaurus_path() -> Path:
    return paths.RESOURCES_DIR / "issues.toml"


@dataclass(frozen=True)
class ThesaurusIssue:
    name: str
    parent: str | None = None
    synonyms: tuple[str, ...] = field(default_factory=tuple)


def parse_thesaurus(text: str, source: str = "issues.toml") -> list[ThesaurusIssue]:
    """The issues of a thesaurus file; raises :class:`ArchiveError` naming what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ArchiveError(f"{source} is not valid TOML: {exc}") from None
    entries = data.get("issue", [])
    if not isinstance(entries, list):
        raise ArchiveError(f"{source}: 'issue' must be a list of [[issue]] tables")
    issues: list[ThesaurusIssue] = []
    for number, entry in enumerate(entries, start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise ArchiveError(f"{source}: issue #{number} has no name")
        parent = entry.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise ArchiveError(f"{source}: issue {name!r}: parent must be a name")
        synonyms = entry.get("synonyms", [])
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            raise ArchiveError(f"{source}: issue {name!r}: synonyms must be a list of names")
        issues.append(ThesaurusIssue(
            name.strip(),
            parent.strip() if parent and parent.strip() else None,
            tuple(s.strip() for s in synonyms if s.strip()),
        ))
    return issues


def thesaurus_needs_refresh(conn: sqlite3.Connection, path: Path) -> bool:
    if not path.is_file():
        return False
    row = conn.execute(
        "SELECT value FROM archive_meta WHERE key = ?", (THESAURUS_SHA_KEY,)
    ).fetchone()
    return row is None or row[0] != hashlib.sha256(path.read_bytes()).hexdigest()


def load_thesaurus(conn: sqlite3.Connection, path: Path) -> int:
    """Upsert the thesaurus at ``path`` into ``issues``; return how many issues it holds.

    Call inside a write transaction.
    """
    data = path.read_bytes()
    issues = parse_thesaurus(data.decode("utf-8-sig"), path.name)
    named = {issue.name.casefold() for issue in issues}
    # A parent the file names without defining it is still a thesaurus issue.
    undefined_parents = [
        ThesaurusIssue(issue.parent) for issue in issues
        if issue.parent and issue.parent.casefold() not in named
    ]
    for issue in [*undefined_parents, *issues]:
        conn.execute(
            """
            INSERT INTO issues (name, synonyms, origin) VALUES (?, ?, 'thesaurus')
            ON CONFLICT (name) DO UPDATE SET synonyms = excluded.synonyms, origin = 'thesaurus'
            """,
            (issue.name, json.dumps(list(issue.synonyms), ensure_ascii=False)),
        )
    for issue in issues:
        parent_id = issue_id(conn, issue.parent) if issue.parent else None
        if parent_id is not None and _is_descendant(conn, parent_id, issue.name):
            parent_id = None  # a cycle in the file: keep the issue at the top instead
        conn.execute("UPDATE issues SET parent_id = ? WHERE name = ?", (parent_id, issue.name))
    conn.execute(
        "INSERT INTO archive_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (THESAURUS_SHA_KEY, hashlib.sha256(data).hexdigest()),
    )
    return len(issues)


def _is_descendant(conn: sqlite3.Connection, candidate_id: int, name: str) -> bool:
    """True if ``candidate_id`` is ``name`` itself or lies below it."""
    row = conn.execute(
        """
        WITH RECURSIVE up (id, parent_id) AS (
            SELECT id, parent_id FROM issues WHERE id = ?
            UNION
            SELECT issues.id, issues.parent_id FROM issues JOIN up ON issues.id = up.parent_id
        )
        SELECT 1 FROM up JOIN issues USING (id) WHERE issues.name = ?
        """,
        (candidate_id, name),
    ).fetchone()
    return row is not None


def issue_id(conn: sqlite3.Connection, name: str) -> int:
    """The id of the issue called ``name`` (or having it as a synonym), created if unknown."""
    row = conn.execute("SELECT id FROM issues WHERE name = ?", (name,)).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT issues.id FROM issues, json_each(issues.synonyms) "
            "WHERE json_each.value = ? COLLATE NOCASE ORDER BY issues.id LIMIT 1",
            (name,),
        ).fetchone()
    if row is None:
        cursor = conn.execute(
            "INSERT INTO issues (name, origin) VALUES (?, 'document')", (name,)
        )
        return int(cursor.lastrowid)  # type: ignore[arg-type]
    return int(row[0])


class IssueResolver:
    """Issue names to ids within one transaction, remembering the answers."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._ids: dict[str, int] = {}

    def ids(self, names: Iterable[str]) -> list[int]:
        result: list[int] = []
        for name in names:
            name = name.strip()
            if not name:
                continue
            key = name.casefold()
            if key not in self._ids:
                self._ids[key] = issue_id(self._conn, name)
            if self._ids[key] not in result:
                result.append(self._ids[key])
        return result


def delete_orphan_document_issues(conn: sqlite3.Connection) -> None:
    """Drop issues that only a deleted document had named (thesaurus issues always stay)."""
    conn.execute(
        """
        DELETE FROM issues
        WHERE origin = 'document'
          AND NOT EXISTS (SELECT 1 FROM statement_issues WHERE issue_id = issues.id)
          AND NOT EXISTS (SELECT 1 FROM section_issues WHERE issue_id = issues.id)
          AND NOT EXISTS (SELECT 1 FROM meeting_issues WHERE issue_id = issues.id)
          AND NOT EXISTS (SELECT 1 FROM issues AS child WHERE child.parent_id = issues.id)
        """
    )
