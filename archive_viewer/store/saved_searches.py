"""Saved searches: a filter kept under a name, with what is new in it since it was opened. No Qt.

The filter is stored as JSON naming things by what outlives row ids and travels to other
archives: issues by name, people by name and country (a person's row is made anew when their
only documents are deleted and imported again), tags by name (a tag renamed renames them
here too). Opening a search turns the names back into ids; a name the archive no longer
knows is reported and matches nothing, so the search never quietly widens.

*New* is by document, in the order this archive first received each one
(``document_arrivals`` of db/*_research_notes.sql, keyed by sha256 and never deleted): a
search remembers the last arrival when it was saved or last opened (``seen_arrival``), and its
new statements are its matching statements in documents that arrived later. A document deleted and imported again keeps its
place, so re-importing unchanged documents adds nothing new; a changed document is new.
Opening the search moves ``seen_arrival`` on, and keeps the one before as ``marked_arrival``:
the statements after that one are marked new while the search is open, until it is next opened.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from archive_viewer.store.errors import ArchiveError
from archive_viewer.store.filter_sql import CompiledFilter, Scope
from archive_viewer.store.filters import MEETING_KINDS, Filter, SearchHint
from archive_viewer.store.transactions import write_transaction

#: How long a saved search's name may be.
MAX_NAME = 120


class SavedSearchError(ArchiveError):
    """A saved search cannot be written as asked; the message says why, for the user."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class SavedSearch:
    id: int
    name: str
    filter: dict[str, Any]  # the filter by names (filter_to_names)
    created_at: str
    updated_at: str
    opened_at: str | None
    seen_arrival: int
    marked_arrival: int


@dataclass(frozen=True)
class Resolved:
    """A saved filter in this archive's ids, and what it names that the archive lacks."""

    filter: Filter
    missing: dict[tuple[str, int], str]  # (facet, stand-in id) -> the name not found

    @property
    def problems(self) -> list[str]:
        nouns = {"issues": "issue", "people": "person", "tags": "tag"}
        return [f"{nouns.get(facet, facet)} “{name}”"
                for (facet, _key), name in self.missing.items()]


# -- a filter by names -------------------------------------------------------------------------

def filter_to_names(conn: sqlite3.Connection, f: Filter) -> dict[str, Any]:
    """``f`` as JSON-able names (only the facets it uses)."""
    out: dict[str, Any] = {}
    if f.text.strip():
        out["text"] = f.text.strip()
    if f.issues:
        out["issues"] = sorted(_names(conn, "issues", "name", f.issues))
    if f.people:
        marks = ", ".join("?" * len(f.people))
        out["people"] = sorted(
            ({"name": name, "country": country} for name, country in conn.execute(
                f"SELECT name, country FROM people WHERE id IN ({marks})", sorted(f.people))),
            key=lambda p: (p["name"], p["country"] or ""))
    if f.countries:
        out["countries"] = sorted(f.countries)
    if f.kinds:
        out["kinds"] = sorted(f.kinds)
    if f.date_from:
        out["date_from"] = f.date_from.isoformat()
    if f.date_to:
        out["date_to"] = f.date_to.isoformat()
    if f.tags:
        out["tags"] = sorted(_names(conn, "user_tags", "name", f.tags), key=str.casefold)
    if f.has_notes:
        out["has_notes"] = True
    if f.note_text.strip():
        out["note_text"] = f.note_text.strip()
    return out


def _names(conn: sqlite3.Connection, table: str, column: str, ids: frozenset[int]) -> list[str]:
    marks = ", ".join("?" * len(ids))
    return [row[0] for row in conn.execute(
        f"SELECT {column} FROM {table} WHERE id IN ({marks})", sorted(ids))]


def filter_from_names(conn: sqlite3.Connection, data: dict[str, Any]) -> Resolved:
    """The Filter the names give in this archive. A name it does not know stands as a
    negative id, which matches nothing, and is listed in ``missing``."""
    from archive_viewer.store.people import name_key

    missing: dict[tuple[str, int], str] = {}

    def absent(facet: str, name: str) -> int:
        key = -1 - len(missing)
        missing[(facet, key)] = name
        return key

    def strings(key: str) -> list[str]:
        value = data.get(key) or []
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    issues = set()
    for name in strings("issues"):
        row = conn.execute("SELECT id FROM issues WHERE name = ? COLLATE NOCASE",
                           (name,)).fetchone()
        issues.add(int(row[0]) if row else absent("issues", name))
    people = set()
    for person in data.get("people") or []:
        if not isinstance(person, dict) or not isinstance(person.get("name"), str):
            continue
        country = person.get("country") if isinstance(person.get("country"), str) else None
        row = conn.execute("SELECT id FROM people WHERE name_key = ? AND country IS ?",
                           (name_key(person["name"]), country)).fetchone()
        label = f"{person['name']} ({country})" if country else person["name"]
        people.add(int(row[0]) if row else absent("people", label))
    tags = set()
    for name in strings("tags"):
        row = conn.execute("SELECT id FROM user_tags WHERE name = ? COLLATE NOCASE",
                           (name,)).fetchone()
        tags.add(int(row[0]) if row else absent("tags", name))
    f = Filter(
        text=data["text"] if isinstance(data.get("text"), str) else "",
        issues=frozenset(issues), people=frozenset(people),
        countries=frozenset(strings("countries")),
        kinds=frozenset(k for k in strings("kinds") if k in MEETING_KINDS),
        date_from=_day(data.get("date_from")), date_to=_day(data.get("date_to")),
        tags=frozenset(tags), has_notes=data.get("has_notes") is True,
        note_text=data["note_text"] if isinstance(data.get("note_text"), str) else "")
    return Resolved(f, missing)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def rename_tag_in_searches(conn: sqlite3.Connection, old: str, new: str) -> None:
    """A tag was renamed: the saved searches naming it follow (inside the caller's
    transaction)."""
    for search_id, text in conn.execute("SELECT id, filter FROM saved_searches").fetchall():
        data = json.loads(text)
        names = data.get("tags")
        if isinstance(names, list) and any(
                isinstance(n, str) and n.casefold() == old.casefold() for n in names):
            data["tags"] = [new if isinstance(n, str) and n.casefold() == old.casefold() else n
                            for n in names]
            conn.execute("UPDATE saved_searches SET filter = ? WHERE id = ?",
                         (json.dumps(data, ensure_ascii=False), search_id))


# -- reading and writing -----------------------------------------------------------------------

_COLUMNS = ("id, name, filter, created_at, updated_at, opened_at, seen_arrival, "
            "marked_arrival")


def _from_row(row: tuple) -> SavedSearch:
    return SavedSearch(row[0], row[1], json.loads(row[2]), *row[3:])


def saved_searches(conn: sqlite3.Connection) -> list[SavedSearch]:
    """Every saved search, by name."""
    return [_from_row(row) for row in conn.execute(
        f"SELECT {_COLUMNS} FROM saved_searches ORDER BY name COLLATE NOCASE, id")]


def get(conn: sqlite3.Connection, search_id: int) -> SavedSearch:
    row = conn.execute(f"SELECT {_COLUMNS} FROM saved_searches WHERE id = ?",
                       (search_id,)).fetchone()
    if row is None:
        raise SavedSearchError("That saved search is no longer in the archive.")
    return _from_row(row)


def latest_arrival(conn: sqlite3.Connection) -> int:
    """The last document arrival so far (0: none)."""
    return int(conn.execute("SELECT ifnull(max(seq), 0) FROM document_arrivals").fetchone()[0])


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise SavedSearchError("A saved search needs a name.")
    if len(name) > MAX_NAME:
        raise SavedSearchError(f"A saved search's name can be at most {MAX_NAME} characters.")
    return name


def _check_free(conn: sqlite3.Connection, name: str, but: int | None = None) -> None:
    row = conn.execute("SELECT id, name FROM saved_searches WHERE name = ? COLLATE NOCASE",
                       (name,)).fetchone()
    if row is not None and row[0] != but:
        raise SavedSearchError(f"There is a saved search “{row[1]}” already; choose another "
                               "name, or update that one.")


def save(conn: sqlite3.Connection, name: str, f: Filter) -> SavedSearch:
    """Save ``f`` under a new name. Nothing in it is new yet: what the archive holds now is
    what the user has just seen."""
    name = clean_name(name)
    if f.is_empty():
        raise SavedSearchError("There is no filter to save: search, or choose issues, people, "
                               "tags or dates first.")
    with write_transaction(conn):
        _check_free(conn, name)
        stamp = _now()
        seen = latest_arrival(conn)
        cursor = conn.execute(
            "INSERT INTO saved_searches (name, filter, created_at, updated_at, opened_at, "
            "seen_arrival, marked_arrival) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (name, json.dumps(filter_to_names(conn, f), ensure_ascii=False), stamp, stamp,
             stamp, seen, seen))
        return get(conn, int(cursor.lastrowid))  # type: ignore[arg-type]


def update_filter(conn: sqlite3.Connection, search_id: int, f: Filter) -> SavedSearch:
    """Keep ``f`` under the search's name instead of its filter (what is new stays counted
    from when it was last opened)."""
    with write_transaction(conn):
        get(conn, search_id)
        conn.execute("UPDATE saved_searches SET filter = ?, updated_at = ? WHERE id = ?",
                     (json.dumps(filter_to_names(conn, f), ensure_ascii=False), _now(),
                      search_id))
        return get(conn, search_id)


def rename(conn: sqlite3.Connection, search_id: int, name: str) -> SavedSearch:
    name = clean_name(name)
    with write_transaction(conn):
        get(conn, search_id)
        _check_free(conn, name, but=search_id)
        conn.execute("UPDATE saved_searches SET name = ?, updated_at = ? WHERE id = ?",
                     (name, _now(), search_id))
        return get(conn, search_id)


def delete(conn: sqlite3.Connection, search_id: int) -> SavedSearch:
    with write_transaction(conn):
        search = get(conn, search_id)
        conn.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,))
        return search


@dataclass(frozen=True)
class Opened:
    """A saved search just opened: its filter here, and from which arrival on its
    statements are marked new."""

    search: SavedSearch
    resolved: Resolved
    marked_after: int


def open_search(conn: sqlite3.Connection, search_id: int) -> Opened:
    """Open a saved search: what arrived since it was last opened becomes what is marked new
    (until it is next opened), and nothing counts as new any more."""
    with write_transaction(conn):
        before = get(conn, search_id)
        conn.execute("UPDATE saved_searches SET opened_at = ?, marked_arrival = seen_arrival, "
                     "seen_arrival = ? WHERE id = ?", (_now(), latest_arrival(conn), search_id))
        search = get(conn, search_id)
        return Opened(search, filter_from_names(conn, search.filter), before.seen_arrival)


# -- counts (read on a worker) -----------------------------------------------------------------

@dataclass(frozen=True)
class SearchCounts:
    search_id: int
    statements: int  # matching now
    new: int  # of those, in documents that arrived since it was last opened
    problems: tuple[str, ...] = ()  # names the archive does not know (the search matches less)
    hint: str | None = None  # the search text cannot be searched (a saved search from elsewhere)


def counts(conn: sqlite3.Connection, search: SavedSearch) -> SearchCounts:
    """How many statements the search matches, and how many of them are new."""
    from archive_viewer.store import queries

    resolved = filter_from_names(conn, search.filter)
    try:
        total = queries.totals(conn, resolved.filter).statements
        new = new_statement_count(conn, resolved.filter, search.seen_arrival)
    except SearchHint as hint:
        return SearchCounts(search.id, 0, 0, tuple(resolved.problems), str(hint))
    return SearchCounts(search.id, total, new, tuple(resolved.problems))


def new_statement_count(conn: sqlite3.Connection, f: Filter, after: int) -> int:
    """The statements matching ``f`` in documents that arrived after ``after``: driven by the
    few newly arrived documents, each statement checked against the filter."""
    q = CompiledFilter(f, Scope(row_by_row=True))
    conditions = [*q.statement_conditions("s", meetings=False), *q.meeting_conditions("m")]
    sql = q.with_clause() + """
        SELECT count(*) FROM document_arrivals AS arrival
        CROSS JOIN documents AS d ON d.sha256 = arrival.sha256
        CROSS JOIN meetings AS m ON m.document_id = d.id
        CROSS JOIN statements AS s ON s.meeting_id = m.id
        WHERE arrival.seq > :after""" + "".join(f"\n AND {c}" for c in conditions)
    from archive_viewer.store.queries import _fetch_filtered

    return int(_fetch_filtered(conn, q, sql, {"after": int(after)})[0][0])


def meetings_arrived_after(conn: sqlite3.Connection, after: int) -> frozenset[int]:
    """The meetings of the documents that arrived after ``after``: the ones marked new."""
    return frozenset(row[0] for row in conn.execute(
        "SELECT m.id FROM document_arrivals AS arrival "
        "CROSS JOIN documents AS d ON d.sha256 = arrival.sha256 "
        "CROSS JOIN meetings AS m ON m.document_id = d.id WHERE arrival.seq > ?", (int(after),)))
