"""Counts from the per-meeting count tables of db/003, for filters they can answer. No Qt.

A filter of at most one issue and one person plus countries, kinds and dates (no search text)
makes the counts the tree, the facets and the status bar show sums over meetings:
meeting_issue_counts holds, per meeting and issue (0: any statement), its matching sections
and statements; meeting_speaker_counts the statements per speaker (0: joint). A person's
sections are the one count that is not a sum; it is counted from the person's statements,
meeting by meeting. queries.py asks :func:`answers` first and falls back to counting
statements when it says no (search text, several issues or people, or a meeting whose counts
a write has made stale).

The counts of the empty filter (what the facets show when nothing narrows them, and what one
facet's own counts are when it alone is selected) sum every meeting's rows; they depend on the
archive's content only and are kept per connection until another connection writes
(PRAGMA data_version) or this one does (total_changes).
"""
from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from archive_viewer.store.filters import Filter, fts_query

__all__ = ["answers", "facet_counts", "meeting_count", "meetings", "refresh_stale", "totals",
           "years"]


# -- keeping the counts ----------------------------------------------------------------------

# Set-based over all stale meetings at once: one pass per table instead of seven statements
# per meeting. A deleted meeting has no statements: it just loses its rows. CROSS JOIN keeps
# the join order: from the few stale meetings down, never a scan of the whole closure.
_REFRESH = (
    "DELETE FROM meeting_issue_counts WHERE meeting_id IN (SELECT meeting_id FROM stale_meetings)",
    "DELETE FROM meeting_speaker_counts WHERE meeting_id IN (SELECT meeting_id FROM stale_meetings)",
    """INSERT INTO meeting_issue_counts (issue_id, meeting_id, held_on, kind, sections, statements)
       SELECT 0, m.id, m.held_on, m.kind,
              (SELECT count(*) FROM sections WHERE sections.meeting_id = m.id),
              (SELECT count(*) FROM statements WHERE statements.meeting_id = m.id)
       FROM stale_meetings AS stale CROSS JOIN meetings AS m ON m.id = stale.meeting_id""",
    """INSERT INTO meeting_issue_counts (issue_id, meeting_id, held_on, kind, sections, statements)
       SELECT closure.issue_id, m.id, m.held_on, m.kind, count(DISTINCT s.section_id), count(*)
       FROM stale_meetings AS stale
       CROSS JOIN meetings AS m ON m.id = stale.meeting_id
       CROSS JOIN statements AS s ON s.meeting_id = m.id
       CROSS JOIN statement_issue_closure AS closure ON closure.statement_id = s.id
       GROUP BY m.id, closure.issue_id""",
    """INSERT INTO meeting_speaker_counts (issue_id, speaker_key, meeting_id, statements)
       SELECT 0, CASE WHEN s.is_joint = 1 THEN 0 ELSE s.speaker_id END AS speaker_key,
              s.meeting_id, count(*)
       FROM stale_meetings AS stale CROSS JOIN statements AS s ON s.meeting_id = stale.meeting_id
       WHERE s.is_joint = 1 OR s.speaker_id IS NOT NULL
       GROUP BY s.meeting_id, speaker_key""",
    """INSERT INTO meeting_speaker_counts (issue_id, speaker_key, meeting_id, statements)
       SELECT closure.issue_id, CASE WHEN s.is_joint = 1 THEN 0 ELSE s.speaker_id END AS speaker_key,
              s.meeting_id, count(*)
       FROM stale_meetings AS stale
       CROSS JOIN statements AS s ON s.meeting_id = stale.meeting_id
       CROSS JOIN statement_issue_closure AS closure ON closure.statement_id = s.id
       WHERE s.is_joint = 1 OR s.speaker_id IS NOT NULL
       GROUP BY s.meeting_id, closure.issue_id, speaker_key""",
    "DELETE FROM stale_meetings",
)


def refresh_stale(conn: sqlite3.Connection) -> int:
    """Recount every stale meeting; return how many there were.

    Call inside a write transaction (Archive.refresh_counts does, after each import).
    """
    stale = int(conn.execute("SELECT count(*) FROM stale_meetings").fetchone()[0])
    if stale:
        for sql in _REFRESH:
            conn.execute(sql)
    return stale


def _all_fresh(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT NOT EXISTS (SELECT 1 FROM stale_meetings)").fetchone()[0] == 1


def answers(conn: sqlite3.Connection, f: Filter) -> bool:
    """Whether the count tables can answer ``f``: no search text, at most one issue and one
    person, and no meeting's counts stale."""
    if len(f.people) > 1 or len(f.issues) > 1 or fts_query(f.text) is not None:
        return False
    return _all_fresh(conn)


# -- a filter as the meetings it shows --------------------------------------------------------

class _Counts:
    """``f`` (which :func:`answers`) as :attr:`shown`: a subquery of the meetings it shows, one
    row each, with columns meeting_id, held_on, kind, sections (NULL with a person: see
    :meth:`sections_of`) and statements (those matching)."""

    def __init__(self, f: Filter, *, year: int | None = None, undated: bool = False,
                 any_year: bool = True) -> None:
        self.issue = next(iter(f.issues), 0)
        self.person = next(iter(f.people), None)
        self.params: dict[str, object] = {"issue": self.issue}
        conditions = ["c.issue_id = :issue" if self.person is None else "c.issue_id = 0"]
        if f.kinds:
            conditions.append(f"c.kind IN ({self._many('kind', sorted(f.kinds))})")
        if f.countries:
            conditions.append("c.meeting_id IN (SELECT meeting_id FROM meeting_countries "
                              f"WHERE country IN ({self._many('country', sorted(f.countries))}))")
        if f.date_from is not None:
            self.params["date_from"] = f.date_from.isoformat()
            conditions.append("c.held_on >= :date_from")
        if f.date_to is not None:
            self.params["date_to"] = f.date_to.isoformat()
            conditions.append("c.held_on <= :date_to")
        if not any_year:
            if undated:
                conditions.append("c.held_on IS NULL")
            else:
                self.params["year_start"] = f"{year:04d}-01-01"
                self.params["year_end"] = f"{year + 1:04d}-01-01"
                conditions.append("c.held_on >= :year_start AND c.held_on < :year_end")
        #: Whether anything but the issue narrows the meetings (countries, kinds, dates, year).
        self.narrows_meetings = len(conditions) > 1
        where = " AND ".join(conditions)
        if self.person is None:
            self.shown = ("SELECT c.meeting_id, c.held_on, c.kind, c.sections, c.statements "
                          f"FROM meeting_issue_counts AS c WHERE {where}")
            return
        self.params["person"] = self.person
        # The person's statements in each meeting: those they spoke, and the joint statements
        # of the meetings where they were a principal (CROSS JOIN: from the person's few
        # participations to the counts, not through every meeting's joint counts).
        self.shown = f"""SELECT c.meeting_id, c.held_on, c.kind, NULL AS sections,
                   own.statements
            FROM (SELECT meeting_id, sum(statements) AS statements FROM (
                      SELECT meeting_id, statements FROM meeting_speaker_counts
                      WHERE speaker_key = :person AND issue_id = :issue
                      UNION ALL
                      SELECT joint.meeting_id, joint.statements FROM participants AS principal
                      CROSS JOIN meeting_speaker_counts AS joint
                        ON joint.meeting_id = principal.meeting_id AND joint.speaker_key = 0
                       AND joint.issue_id = :issue
                      WHERE principal.person_id = :person AND principal.role = 'principal')
                  GROUP BY meeting_id) AS own
            JOIN meeting_issue_counts AS c ON c.meeting_id = own.meeting_id AND {where}"""

    def sections_of(self, meeting: str) -> str:
        """An expression: the shown sections of the meeting whose id is ``meeting``."""
        if self.person is None:
            raise ValueError("the count tables hold the sections of a filter without a person")
        about = ("" if not self.issue else " AND EXISTS (SELECT 1 FROM statement_issue_closure "
                 "WHERE statement_id = s.id AND issue_id = :issue)")
        return f"""(SELECT count(DISTINCT s.section_id) FROM statements AS s
            WHERE s.meeting_id = {meeting} AND (s.speaker_id = :person OR (s.is_joint = 1
              AND EXISTS (SELECT 1 FROM participants WHERE participants.meeting_id = {meeting}
                          AND person_id = :person AND role = 'principal'))){about})"""

    def _many(self, prefix: str, values: list[Any]) -> str:
        names = []
        for n, value in enumerate(values):
            self.params[f"{prefix}_{n}"] = value
            names.append(f":{prefix}_{n}")
        return ", ".join(names)


def _scope(f: Filter, year: int | None) -> _Counts:
    return _Counts(f, year=year, undated=year is None, any_year=False)


# -- tree and status bar -----------------------------------------------------------------------

def years(conn: sqlite3.Connection, f: Filter) -> list[tuple[int | None, int]]:
    """(year, shown meetings) newest first, undated last."""
    q = _Counts(f)
    return conn.execute(f"""
        SELECT CAST(substr(shown.held_on, 1, 4) AS INTEGER) AS year, count(*)
        FROM ({q.shown}) AS shown
        GROUP BY year ORDER BY year IS NULL, year DESC""", q.params).fetchall()


def meeting_count(conn: sqlite3.Connection, f: Filter, year: int | None) -> int:
    q = _scope(f, year)
    return int(conn.execute(f"SELECT count(*) FROM ({q.shown})", q.params).fetchone()[0])


def meetings(conn: sqlite3.Connection, f: Filter, year: int | None, offset: int,
             limit: int) -> list[tuple[Any, ...]]:
    """(id, title, held_on, location, kind, sections, statements) of one page of a year."""
    q = _scope(f, year)
    sections = "page.sections" if q.person is None else q.sections_of("m.id")
    return conn.execute(f"""
        SELECT m.id, m.title, m.held_on, m.location, m.kind, {sections}, page.statements
        FROM (SELECT * FROM ({q.shown}) ORDER BY held_on DESC, meeting_id DESC
              LIMIT :limit OFFSET :offset) AS page
        JOIN meetings AS m ON m.id = page.meeting_id
        ORDER BY page.held_on DESC, page.meeting_id DESC""",
        {**q.params, "limit": int(limit), "offset": int(offset)}).fetchall()


def totals(conn: sqlite3.Connection, f: Filter) -> tuple[int, int, int]:
    """(shown meetings, shown sections, matching statements)."""
    q = _Counts(f)
    sections = "shown.sections" if q.person is None else q.sections_of("shown.meeting_id")
    row = conn.execute(f"""
        SELECT count(*), ifnull(sum({sections}), 0), ifnull(sum(shown.statements), 0)
        FROM ({q.shown}) AS shown""", q.params).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


# -- facets ------------------------------------------------------------------------------------

def facet_counts(conn: sqlite3.Connection, f: Filter, names: list[str]) -> list[tuple[Any, ...]]:
    """(facet, key, count, extra) rows of the facets ``names`` under ``f``, as
    queries._facet_counts gives them: for "dates" one row (dates, min held_on, 0, max held_on)."""
    if f.is_empty():
        return _cached(conn, tuple(names), lambda: _facet_counts(conn, f, names))
    return _facet_counts(conn, f, names)


def _facet_counts(conn: sqlite3.Connection, f: Filter, names: list[str]) -> list[tuple[Any, ...]]:
    q = _Counts(f)
    shown = f"({q.shown}) AS shown"
    parts: list[str] = []
    if "issues" in names:  # f holds no issue here: its own selection does not narrow it
        if q.person is not None:
            # The person's spoken statements and their principals' share of joint ones, per
            # issue, in the meetings shown.
            parts.append(f"""
                SELECT 'issues', counts.issue_id, sum(counts.statements), NULL
                FROM (SELECT shown.meeting_id, CASE WHEN EXISTS (
                          SELECT 1 FROM participants WHERE meeting_id = shown.meeting_id
                          AND person_id = :person AND role = 'principal') THEN 0 ELSE -1 END
                          AS joint_key
                      FROM {shown}) AS mine
                CROSS JOIN meeting_speaker_counts AS counts
                  ON counts.meeting_id = mine.meeting_id
                 AND counts.speaker_key IN (:person, mine.joint_key) AND counts.issue_id != 0
                GROUP BY counts.issue_id""")
        elif q.narrows_meetings:
            parts.append(f"""
                SELECT 'issues', counts.issue_id, sum(counts.statements), NULL
                FROM {shown}
                JOIN meeting_issue_counts AS counts
                  ON counts.meeting_id = shown.meeting_id AND counts.issue_id != 0
                GROUP BY counts.issue_id""")
        else:
            parts.append("""
                SELECT 'issues', issue_id, sum(statements), NULL FROM meeting_issue_counts
                WHERE issue_id != 0 GROUP BY issue_id""")
    if "people" in names:  # f holds no person here
        def among_shown(column: str) -> str:
            return (f"AND {column} IN (SELECT meeting_id FROM ({q.shown}))"
                    if q.narrows_meetings else "")

        parts.append(f"""
            SELECT 'people', speaker_key, sum(statements), NULL FROM meeting_speaker_counts
            WHERE issue_id = :issue AND speaker_key > 0 {among_shown("meeting_id")}
            GROUP BY speaker_key""")
        # Each principal's share of the joint statements of their meetings.
        parts.append(f"""
            SELECT 'people', principal.person_id, sum(joint.statements), NULL
            FROM meeting_speaker_counts AS joint
            JOIN participants AS principal
              ON principal.meeting_id = joint.meeting_id AND principal.role = 'principal'
            WHERE joint.issue_id = :issue AND joint.speaker_key = 0 {among_shown("joint.meeting_id")}
            GROUP BY principal.person_id""")
    if "countries" in names:
        parts.append(f"""
            SELECT 'countries', mc.country, count(*), NULL
            FROM {shown} JOIN meeting_countries AS mc ON mc.meeting_id = shown.meeting_id
            GROUP BY mc.country""")
    if "kinds" in names:
        parts.append(f"SELECT 'kinds', shown.kind, count(*), NULL FROM {shown} GROUP BY shown.kind")
    if "dates" in names:
        parts.append(f"SELECT 'dates', min(shown.held_on), 0, max(shown.held_on) FROM {shown}")
    if not parts:
        return []
    return conn.execute("\nUNION ALL\n".join(parts), q.params).fetchall()


# Per connection (kept alive here, so that its id is not reused while cached): the key the
# counts were made under, the facets asked for, the rows.
_CACHE_SIZE = 8
_cache: OrderedDict[int, tuple[sqlite3.Connection, tuple[int, int], dict[tuple[str, ...], list[Any]]]] = OrderedDict()
_cache_lock = threading.Lock()


def _cached(conn: sqlite3.Connection, names: tuple[str, ...],
            compute: Callable[[], list[Any]]) -> list[Any]:
    version = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    with _cache_lock:
        entry = _cache.get(id(conn))
        if entry is not None and entry[0] is conn and entry[1] == version and names in entry[2]:
            _cache.move_to_end(id(conn))
            return entry[2][names]
    rows = compute()
    with _cache_lock:
        entry = _cache.get(id(conn))
        if entry is None or entry[0] is not conn or entry[1] != version:
            entry = (conn, version, {})
            _cache[id(conn)] = entry
        entry[2][names] = rows
        _cache.move_to_end(id(conn))
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return rows
