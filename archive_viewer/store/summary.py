"""Counts from the per-meeting count tables of db/003, for filters they can answer. No Qt.

A filter of at most one issue and one person plus countries, kinds and dates (no search text)
makes the counts the tree, the facets and the status bar show sums over meetings:
meeting_issue_counts holds, per meeting and issue (0: any statement), its matching sections
and statements; meeting_speaker_counts the statements per speaker (0: joint). A person's
sections are the one count that is not a sum; it is counted from the person's statements,
meeting by meeting. queries.py asks :func:`answers` first and falls back to counting
statements when it says no (search text, several issues or people, or a meeting whose counts
a write has made stale).

The commonest filters, one issue alone, one person alone or nothing at all (which is also what
a facet counts under when its own selection is all there is), are answered from per-issue and
per-person sums (issue_*_counts, person_*_counts) without visiting meetings.
"""
from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

from archive_viewer.store.filters import Filter, fts_query

__all__ = ["answers", "facet_counts", "meeting_count", "meetings", "refresh_stale", "totals",
           "years"]


# -- keeping the counts ----------------------------------------------------------------------

# Set-based over all stale meetings at once. CROSS JOIN keeps the join order: from the few
# stale meetings down, never a scan of a whole table. A deleted meeting has no statements: it
# just loses its rows.
_RECOUNT_MEETINGS = (
    "DELETE FROM meeting_issue_counts WHERE meeting_id IN (SELECT meeting_id FROM stale_meetings)",
    "DELETE FROM meeting_speaker_counts WHERE meeting_id IN (SELECT meeting_id FROM stale_meetings)",
    "DELETE FROM meeting_person_counts WHERE meeting_id IN (SELECT meeting_id FROM stale_meetings)",
    "DELETE FROM counted_countries WHERE meeting_id IN (SELECT meeting_id FROM stale_meetings)",
    "DELETE FROM counted_principals WHERE meeting_id IN (SELECT meeting_id FROM stale_meetings)",
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
       GROUP BY s.meeting_id, speaker_key, closure.issue_id""",
    """WITH persons AS (
           SELECT meeting_id, person_id, max(principal) AS principal FROM (
               SELECT s.meeting_id, s.speaker_id AS person_id, 0 AS principal
               FROM stale_meetings AS stale
               CROSS JOIN statements AS s ON s.meeting_id = stale.meeting_id
               WHERE s.speaker_id IS NOT NULL
               UNION ALL
               SELECT p.meeting_id, p.person_id, 1
               FROM stale_meetings AS stale
               CROSS JOIN participants AS p
                 ON p.meeting_id = stale.meeting_id AND p.role = 'principal')
           GROUP BY meeting_id, person_id)
       INSERT INTO meeting_person_counts (meeting_id, person_id, held_on, kind, sections, statements)
       SELECT m.id, persons.person_id, m.held_on, m.kind, count(DISTINCT s.section_id), count(*)
       FROM persons
       CROSS JOIN meetings AS m ON m.id = persons.meeting_id
       CROSS JOIN statements AS s ON s.meeting_id = m.id
        AND (s.speaker_id = persons.person_id OR (s.is_joint = 1 AND persons.principal = 1))
       GROUP BY m.id, persons.person_id""",
    """INSERT INTO counted_countries (meeting_id, country)
       SELECT mc.meeting_id, mc.country
       FROM stale_meetings AS stale CROSS JOIN meeting_countries AS mc
         ON mc.meeting_id = stale.meeting_id""",
    """INSERT INTO counted_principals (meeting_id, person_id)
       SELECT p.meeting_id, p.person_id
       FROM stale_meetings AS stale CROSS JOIN participants AS p
         ON p.meeting_id = stale.meeting_id AND p.role = 'principal'""",
)

def _sums_by_year_and_country(key: str, counts: str) -> tuple[str, str]:
    """The statements adding the stale meetings' rows of ``counts`` (keyed by ``key``: issue_id
    or person_id) into, or taking them out of, the sums by year and kind and by country."""
    sums = key.removesuffix("_id")
    return (
        f"""INSERT INTO {sums}_year_counts ({key}, year, kind, meetings, sections, statements)
        SELECT c.{key}, ifnull(CAST(substr(c.held_on, 1, 4) AS INTEGER), 0) AS year, c.kind,
               :sign * count(*), :sign * sum(c.sections), :sign * sum(c.statements)
        FROM stale_meetings AS stale
        CROSS JOIN {counts} AS c ON c.meeting_id = stale.meeting_id
        WHERE true
        GROUP BY c.{key}, year, c.kind
        ON CONFLICT ({key}, year, kind) DO UPDATE SET
            meetings = meetings + excluded.meetings, sections = sections + excluded.sections,
            statements = statements + excluded.statements""",
        f"""INSERT INTO {sums}_country_counts ({key}, country, meetings)
        SELECT c.{key}, counted.country, :sign * count(*)
        FROM stale_meetings AS stale
        CROSS JOIN {counts} AS c ON c.meeting_id = stale.meeting_id
        CROSS JOIN counted_countries AS counted ON counted.meeting_id = stale.meeting_id
        WHERE true
        GROUP BY c.{key}, counted.country
        ON CONFLICT ({key}, country) DO UPDATE SET meetings = meetings + excluded.meetings""",
    )


# The stale meetings' rows, as they stand, into (:sign = 1) or out of (:sign = -1) the per-issue
# and per-person sums; rows that come to nothing are dropped afterwards (_DROP_EMPTY).
_ADD_TO_SUMS = (
    *_sums_by_year_and_country("issue_id", "meeting_issue_counts"),
    """INSERT INTO issue_people_counts (issue_id, person_id, statements)
       SELECT issue_id, person_id, :sign * sum(statements) FROM (
           SELECT spoken.issue_id, spoken.speaker_key AS person_id, spoken.statements
           FROM stale_meetings AS stale
           CROSS JOIN meeting_speaker_counts AS spoken
             ON spoken.meeting_id = stale.meeting_id AND spoken.speaker_key > 0
           UNION ALL
           SELECT joint.issue_id, principal.person_id, joint.statements
           FROM stale_meetings AS stale
           CROSS JOIN meeting_speaker_counts AS joint
             ON joint.meeting_id = stale.meeting_id AND joint.speaker_key = 0
           CROSS JOIN counted_principals AS principal ON principal.meeting_id = stale.meeting_id)
       WHERE true
       GROUP BY issue_id, person_id
       ON CONFLICT (issue_id, person_id) DO UPDATE SET
           statements = statements + excluded.statements""",
    *_sums_by_year_and_country("person_id", "meeting_person_counts"),
    """INSERT INTO issue_country_year_counts (country, year, issue_id, meetings, statements)
       SELECT counted.country, ifnull(CAST(substr(c.held_on, 1, 4) AS INTEGER), 0) AS year,
              c.issue_id, :sign * count(*), :sign * sum(c.statements)
       FROM stale_meetings AS stale
       CROSS JOIN meeting_issue_counts AS c ON c.meeting_id = stale.meeting_id
       CROSS JOIN counted_countries AS counted ON counted.meeting_id = stale.meeting_id
       WHERE true
       GROUP BY counted.country, year, c.issue_id
       ON CONFLICT (country, year, issue_id) DO UPDATE SET
           meetings = meetings + excluded.meetings, statements = statements + excluded.statements""",
)

_DROP_EMPTY = (
    "DELETE FROM issue_year_counts WHERE meetings = 0",
    "DELETE FROM person_year_counts WHERE meetings = 0",
    "DELETE FROM person_country_counts WHERE meetings = 0",
    "DELETE FROM issue_country_counts WHERE meetings = 0",
    "DELETE FROM issue_people_counts WHERE statements = 0",
    "DELETE FROM issue_country_year_counts WHERE meetings = 0",
    "DELETE FROM stale_meetings",
)


def refresh_stale(conn: sqlite3.Connection) -> int:
    """Recount every stale meeting and mend the per-issue sums; return how many there were.

    Call inside a write transaction (Archive.refresh_counts does, after each import).
    """
    stale = int(conn.execute("SELECT count(*) FROM stale_meetings").fetchone()[0])
    if stale:
        for sql in _ADD_TO_SUMS:
            conn.execute(sql, {"sign": -1})
        for sql in _RECOUNT_MEETINGS:
            conn.execute(sql)
        for sql in _ADD_TO_SUMS:
            conn.execute(sql, {"sign": 1})
        for sql in _DROP_EMPTY:
            conn.execute(sql)
    return stale


def _all_fresh(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT NOT EXISTS (SELECT 1 FROM stale_meetings)").fetchone()[0] == 1


def answers(conn: sqlite3.Connection, f: Filter) -> bool:
    """Whether the count tables can answer ``f``: no search text, no tags or notes of the
    user's, at most one issue and one person, and no meeting's counts stale."""
    if len(f.people) > 1 or len(f.issues) > 1 or fts_query(f.text) is not None:
        return False
    if f.has_user_terms:  # the user's tags and notes are in no count table
        return False
    return _all_fresh(conn)


# -- a filter as the meetings it shows --------------------------------------------------------

class _Counts:
    """``f`` (which :func:`answers`) as :attr:`shown`: a subquery of the meetings it shows, one
    row each, with columns meeting_id, held_on, kind, sections (NULL with a person: see
    :meth:`sections_of`) and statements (those matching)."""

    def __init__(self, f: Filter, *, year: int | None = None, undated: bool = False,
                 any_year: bool = True, row_by_row: bool = False) -> None:
        self.issue = next(iter(f.issues), 0)
        self.person = next(iter(f.people), None)
        self.params: dict[str, object] = {"issue": self.issue}
        # A person alone: meeting_person_counts, read like meeting_issue_counts. A person and
        # an issue: the person's statements about it, meeting by meeting (`own` below).
        by_person = self.person is not None and not self.issue
        if by_person:
            self.params["person"] = self.person
            conditions = ["c.person_id = :person"]
        else:
            conditions = ["c.issue_id = :issue" if self.person is None else "c.issue_id = 0"]
        if f.kinds:
            conditions.append(f"c.kind IN ({self._many('kind', sorted(f.kinds))})")
        if f.countries:
            countries = self._many('country', sorted(f.countries))
            if row_by_row:  # a look-up per row visited, for a walk that stops early
                conditions.append("EXISTS (SELECT 1 FROM meeting_countries WHERE meeting_id = "
                                  f"c.meeting_id AND country IN ({countries}))")
            else:
                conditions.append("c.meeting_id IN (SELECT meeting_id FROM meeting_countries "
                                  f"WHERE country IN ({countries}))")
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
        #: Whether :attr:`shown` holds the sections (else see :meth:`sections_of`).
        self.has_sections = self.person is None or by_person
        if self.has_sections:
            table = "meeting_person_counts" if by_person else "meeting_issue_counts"
            self.shown = ("SELECT c.meeting_id, c.held_on, c.kind, c.sections, c.statements "
                          f"FROM {table} AS c WHERE {where}")
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
        if self.has_sections:
            raise ValueError("the shown meetings hold their sections: read shown.sections")
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
    year_sums = _year_sums(f)
    if year_sums is not None:
        rows, params = year_sums
        return conn.execute(f"""
            SELECT nullif(year, 0), sum(meetings) {rows}
            GROUP BY year ORDER BY year = 0, year DESC""", params).fetchall()
    q = _Counts(f)
    return conn.execute(f"""
        SELECT CAST(substr(shown.held_on, 1, 4) AS INTEGER) AS year, count(*)
        FROM ({q.shown}) AS shown
        GROUP BY year ORDER BY year IS NULL, year DESC""", q.params).fetchall()


def meeting_count(conn: sqlite3.Connection, f: Filter, year: int | None) -> int:
    year_sums = _year_sums(f)
    if year_sums is not None:
        rows, params = year_sums
        return int(conn.execute(f"SELECT ifnull(sum(meetings), 0) {rows} AND year = :year",
                                {**params, "year": year or 0}).fetchone()[0])
    q = _scope(f, year)
    return int(conn.execute(f"SELECT count(*) FROM ({q.shown})", q.params).fetchone()[0])


def meetings(conn: sqlite3.Connection, f: Filter, year: int | None, offset: int,
             limit: int) -> list[tuple[Any, ...]]:
    """(id, title, held_on, location, kind, sections, statements) of one page of a year."""
    q = _scope(f, year)
    sections = "page.sections" if q.has_sections else q.sections_of("m.id")
    return conn.execute(f"""
        SELECT m.id, m.title, m.held_on, m.location, m.kind, {sections}, page.statements
        FROM (SELECT * FROM ({q.shown}) ORDER BY held_on DESC, meeting_id DESC
              LIMIT :limit OFFSET :offset) AS page
        JOIN meetings AS m ON m.id = page.meeting_id
        ORDER BY page.held_on DESC, page.meeting_id DESC""",
        {**q.params, "limit": int(limit), "offset": int(offset)}).fetchall()


def totals(conn: sqlite3.Connection, f: Filter) -> tuple[int, int, int]:
    """(shown meetings, shown sections, matching statements)."""
    year_sums = _year_sums(f)
    if year_sums is not None:
        rows, params = year_sums
        row = conn.execute(f"""
            SELECT ifnull(sum(meetings), 0), ifnull(sum(sections), 0), ifnull(sum(statements), 0)
            {rows}""", params).fetchone()
        return int(row[0]), int(row[1]), int(row[2])
    q = _Counts(f)
    sections = "shown.sections" if q.has_sections else q.sections_of("shown.meeting_id")
    row = conn.execute(f"""
        SELECT count(*), ifnull(sum({sections}), 0), ifnull(sum(shown.statements), 0)
        FROM ({q.shown}) AS shown""", q.params).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


# -- facets ------------------------------------------------------------------------------------

def facet_counts(conn: sqlite3.Connection, f: Filter, names: list[str]) -> list[tuple[Any, ...]]:
    """(facet, key, count, extra) rows of the facets ``names`` under ``f``, as
    queries._facet_counts gives them: for "dates" one row (dates, min held_on, 0, max held_on)."""
    from_sums = [name for name in names if _sums(f, name) is not None]
    rest = [name for name in names if name not in from_sums]
    return [*(_facet_counts_from_sums(conn, f, from_sums) if from_sums else []),
            *(_facet_counts(conn, f, rest) if rest else [])]


def _date_range(conn: sqlite3.Connection, f: Filter) -> tuple[Any, ...]:
    """('dates', first held_on, 0, last held_on) of the meetings ``f`` shows: the shown
    meetings in date order from each end, stopping at the first (the dates facet alone is
    counted under a filter without its own dates, which may show most of the archive)."""
    q = _Counts(f, row_by_row=True)
    first = conn.execute(f"SELECT held_on FROM ({q.shown}) WHERE held_on IS NOT NULL "
                         "ORDER BY held_on LIMIT 1", q.params).fetchone()
    last = conn.execute(f"SELECT held_on FROM ({q.shown}) WHERE held_on IS NOT NULL "
                        "ORDER BY held_on DESC LIMIT 1", q.params).fetchone()
    return ("dates", first and first[0], 0, last and last[0])


def _facet_counts_from_sums(conn: sqlite3.Connection, f: Filter,
                            names: list[str]) -> list[tuple[Any, ...]]:
    """The facets ``names`` under ``f`` (one issue, or one person, or neither; maybe kinds)
    from the per-issue or per-person sums: a few rows each, whatever the size of the archive."""
    table, column, key = _sums(f) or ("issue", "issue_id", 0)
    kinds, params = _kind_condition(f)
    params["key"] = key
    parts: list[str] = []
    if "issues" in names:  # the filter holds no issue here
        if table == "person":
            parts.append("SELECT 'issues', issue_id, statements, NULL FROM issue_people_counts "
                         "WHERE person_id = :key AND issue_id != 0")
        else:
            parts.append("SELECT 'issues', issue_id, sum(statements), NULL FROM issue_year_counts "
                         f"WHERE issue_id != 0{kinds} GROUP BY issue_id")
    if "people" in names:  # the filter holds no person here, nor kinds (see _sums)
        parts.append("SELECT 'people', person_id, statements, NULL FROM issue_people_counts "
                     "WHERE issue_id = :key")
    if "countries" in names:
        parts.append(f"SELECT 'countries', country, meetings, NULL FROM {table}_country_counts "
                     f"WHERE {column} = :key")
    if "kinds" in names:  # the filter holds no kind here
        parts.append(f"SELECT 'kinds', kind, sum(meetings), NULL FROM {table}_year_counts "
                     f"WHERE {column} = :key GROUP BY kind")
    if "dates" in names:
        # Each an index seek to one end of the issue's or person's dates.
        counts = "meeting_person_counts" if table == "person" else "meeting_issue_counts"
        parts.append(f"""SELECT 'dates',
            (SELECT min(held_on) FROM {counts} WHERE {column} = :key AND held_on IS NOT NULL), 0,
            (SELECT max(held_on) FROM {counts} WHERE {column} = :key)""")
    if not parts:
        return []
    return conn.execute("\nUNION ALL\n".join(parts), params).fetchall()


def _sums(f: Filter, facet: str | None = None) -> tuple[str, str, int] | None:
    """Which sums answer ``f`` (which :func:`answers`) for the tree's years and totals
    (``facet`` None) or for one facet: ("issue", "issue_id", id) for one issue or none,
    ("person", "person_id", id) for one person; None when they cannot. Kinds are allowed where
    the sums know them (by year: not the issue sums by person or country, not a person's sums
    by issue)."""
    if f.countries or f.date_from or f.date_to or (f.people and f.issues):
        return None
    if f.people:
        if f.kinds and facet not in (None, "kinds"):
            return None
        return "person", "person_id", next(iter(f.people))
    if f.kinds and facet not in (None, "issues", "kinds"):
        return None
    return "issue", "issue_id", next(iter(f.issues), 0)


def _kind_condition(f: Filter) -> tuple[str, dict[str, object]]:
    """`` AND kind IN (:kind_0, ...)`` for the filter's kinds ('' without), and its values."""
    params: dict[str, object] = {f"kind_{n}": kind for n, kind in enumerate(sorted(f.kinds))}
    if not params:
        return "", params
    return f" AND kind IN ({', '.join(':' + name for name in params)})", params


def _year_sums(f: Filter) -> tuple[str, dict[str, object]] | None:
    """``FROM ... WHERE ...`` selecting the rows of the sums by year and kind that answer the
    tree's years and totals for ``f``, with its parameters; None when no sums answer it."""
    sums = _sums(f)
    if sums is None:
        return None
    table, column, key = sums
    kinds, params = _kind_condition(f)
    return f"FROM {table}_year_counts WHERE {column} = :key{kinds}", {**params, "key": key}


def _facet_counts(conn: sqlite3.Connection, f: Filter, names: list[str]) -> list[tuple[Any, ...]]:
    if names == ["dates"]:
        return [_date_range(conn, f)]
    q = _Counts(f)
    # The shown meetings once, for every facet below (each would otherwise find them again).
    shown = "shown_meetings AS shown"
    parts: list[str] = []
    if "issues" in names:  # f holds no issue here: its own selection does not narrow it
        if q.person is not None and not q.narrows_meetings:
            parts.append("SELECT 'issues', issue_id, statements, NULL FROM issue_people_counts "
                         "WHERE person_id = :person AND issue_id != 0")
        elif q.person is not None:
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
        elif (by_years := _issues_by_country_years(f, q.params)) is not None:
            parts.append(by_years)
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
            return (f"AND {column} IN (SELECT meeting_id FROM shown_meetings)"
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
    sql = (f"WITH shown_meetings AS MATERIALIZED ({q.shown})\n"
           + "\nUNION ALL\n".join(parts))
    return conn.execute(sql, q.params).fetchall()


def _issues_by_country_years(f: Filter, params: dict[str, object]) -> str | None:
    """The issues facet for one country and maybe dates (nothing else): whole years from
    issue_country_year_counts, and the days of the years the dates cover only in part from
    those meetings' own rows (added, or taken from the whole year when fewer days are left
    out than taken in); None for another filter. Adds its values to ``params``."""
    if len(f.countries) != 1 or f.kinds or f.people or f.issues:
        return None
    years, runs = _whole_years_and_days(f.date_from, f.date_to)
    params["icy_country"] = next(iter(f.countries))
    parts = []
    if years is not None:
        params["icy_first"], params["icy_last"] = years
        parts.append("""SELECT issue_id, statements FROM issue_country_year_counts
            WHERE country = :icy_country AND year BETWEEN :icy_first AND :icy_last
              AND issue_id != 0""")
    for n, (first, last, sign) in enumerate(runs):
        params[f"icy_from_{n}"], params[f"icy_to_{n}"] = first.isoformat(), last.isoformat()
        # From the run's meetings (at most half a year's) to their issue rows; the country
        # looked up per meeting rather than listing all its meetings.
        parts.append(f"""SELECT counts.issue_id, {sign:d} * counts.statements AS statements
            FROM meeting_issue_counts AS day
            CROSS JOIN meeting_issue_counts AS counts
              ON counts.meeting_id = day.meeting_id AND counts.issue_id != 0
            WHERE day.issue_id = 0 AND day.held_on BETWEEN :icy_from_{n} AND :icy_to_{n}
              AND EXISTS (SELECT 1 FROM meeting_countries AS mc
                          WHERE mc.meeting_id = day.meeting_id AND mc.country = :icy_country)""")
    if not parts:
        return "SELECT 'issues', NULL, 0, NULL WHERE false"
    return ("SELECT 'issues', issue_id, sum(statements), NULL FROM ("
            + "\nUNION ALL\n".join(parts) + ") GROUP BY issue_id HAVING sum(statements) > 0")


def _whole_years_and_days(date_from: date | None, date_to: date | None
                          ) -> tuple[tuple[int, int] | None, list[tuple[date, date, int]]]:
    """The days from ``date_from`` to ``date_to`` (either open) as a run of whole years
    (first, last; year 0 = undated only when neither bound is set) and runs of days to add
    (+1) or, from a year counted whole, to take away (-1): whichever visits fewer days."""
    if date_from is None and date_to is None:
        return (0, 9999), []  # every year, and the undated meetings (year 0)
    low = date_from or date.min
    high = date_to or date.max
    if low > high:
        return None, []
    whole: set[int] = set()
    runs: list[tuple[date, date, int]] = []
    for year in sorted({low.year, high.year}):
        start, end = date(year, 1, 1), date(year, 12, 31)
        first, last = max(low, start), min(high, end)
        taken = (last - first).days + 1
        if taken == (end - start).days + 1:
            whole.add(year)
        elif taken * 2 <= (end - start).days + 1:
            runs.append((first, last, 1))
        else:
            whole.add(year)
            if first > start:
                runs.append((start, first - timedelta(days=1), -1))
            if last < end:
                runs.append((last + timedelta(days=1), end, -1))
    first_year = low.year if low.year in whole else low.year + 1
    last_year = high.year if high.year in whole else high.year - 1
    return ((first_year, last_year) if first_year <= last_year else None), runs
