"""A Filter from names as a user types them on the command line (issues, people). No Qt.

The window's filter holds ids; a script names things: ``--issue "North Korea" --person Gemba``.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date

from archive_viewer.store.errors import ArchiveError
from archive_viewer.store.filters import MEETING_KINDS, Filter, fts_query
from archive_viewer.store.people import name_key


class UnknownName(ArchiveError):
    """A name given for a filter matches nothing in the archive; the message says which."""


def issue_id(conn: sqlite3.Connection, name: str) -> int:
    """The issue called ``name``, or with ``name`` among its synonyms (case ignored)."""
    row = conn.execute("SELECT id FROM issues WHERE name = ? COLLATE NOCASE", (name,)).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT issues.id FROM issues, json_each(issues.synonyms) AS synonym "
            "WHERE synonym.value = ? COLLATE NOCASE", (name,)).fetchone()
    if row is None:
        raise UnknownName(f"no issue called {name!r} in this archive "
                          "(resources/issues.toml lists the names)")
    return int(row[0])


def person_ids(conn: sqlite3.Connection, name: str) -> set[int]:
    """Everyone whose name matches ``name`` in any order and spelling ("GEMBA Koichiro"), or,
    failing that, whose name has it as one of its words ("Gemba")."""
    key = name_key(name)
    ids = {row[0] for row in conn.execute("SELECT id FROM people WHERE name_key = ?", (key,))}
    if not ids and key and " " not in key:
        ids = {row[0] for row in conn.execute(
            "SELECT id FROM people WHERE ' ' || name_key || ' ' LIKE '% ' || ? || ' %'", (key,))}
    if not ids:
        raise UnknownName(f"no person called {name!r} in this archive")
    return ids


def tag_id(conn: sqlite3.Connection, name: str) -> int:
    """The user's tag called ``name`` (case ignored)."""
    row = conn.execute("SELECT id FROM user_tags WHERE name = ? COLLATE NOCASE",
                       (" ".join(name.split()),)).fetchone()
    if row is None:
        raise UnknownName(f"no tag called {name!r} in this archive")
    return int(row[0])


def named_filter(conn: sqlite3.Connection, *, search: str = "", issues: Iterable[str] = (),
                 people: Iterable[str] = (), countries: Iterable[str] = (),
                 kinds: Iterable[str] = (), date_from: date | None = None,
                 date_to: date | None = None, tags: Iterable[str] = (),
                 has_notes: bool = False, note_text: str = "") -> Filter:
    """The Filter for these names; :class:`UnknownName` for one the archive does not know,
    SearchHint for search text that cannot be searched."""
    fts_query(search)  # a SearchHint before any work
    for kind in kinds:
        if kind not in MEETING_KINDS:
            raise UnknownName(f"{kind!r} is not a meeting kind; the kinds are "
                              + ", ".join(MEETING_KINDS))
    person_set: set[int] = set()
    for name in people:
        person_set |= person_ids(conn, name)
    return Filter(text=search, issues=frozenset(issue_id(conn, n) for n in issues),
                  people=frozenset(person_set), countries=frozenset(countries),
                  kinds=frozenset(kinds), date_from=date_from, date_to=date_to,
                  tags=frozenset(tag_id(conn, n) for n in tags), has_notes=has_notes,
                  note_text=note_text)
