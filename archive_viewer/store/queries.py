"""What the tree, the facets, the search box and the detail pane read from an archive. No Qt.

Every function takes a connection (one per thread; read-only is enough) and, where the user's
filter applies, a :class:`Filter`; it returns plain frozen dataclasses, fully materialised.
The SQL for a filter comes from filter_sql.py alone. Semantics:

* a statement MATCHES when it satisfies every statement term present: the search text, the
  issues (tagged with a selected issue or a narrower one: statement_issue_closure, kept from
  statement_issues and issues.parent_id by db/002), the people (spoken by one of them, or a
  joint statement of a meeting where one of them was a principal);
* a meeting is shown when it satisfies the meeting terms (countries, kinds, dates) and, if the
  filter has statement terms, holds a matching statement; sections and items likewise;
* counts are of matching statements and of shown meetings, sections and items.

A search text that cannot be searched raises :class:`SearchHint` (its message is for the user),
from :func:`fts_query` or from FTS5 itself; nothing else a user types raises anything.
"""
from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from archive_viewer.store import summary
from archive_viewer.store.filter_sql import (
    CompiledFilter,
    Scope,
    describe_filter,
    statement_terms_only,
    without_facet,
)
from archive_viewer.store.filters import (  # the search box's own tokens, for highlighting
    _TOKEN,
    _WORD,
    MEETING_KINDS,
    Filter,
    SearchHint,
)

__all__ = [
    "FacetValue", "Facets", "ItemNode", "MeetingDetail", "MeetingNode", "Participant",
    "SearchHit", "SectionNode", "StatementView", "Totals", "YearNode",
    "facets", "filter_description", "highlight_pattern", "highlight_terms", "item_of", "items",
    "meeting_count", "meeting_detail", "meetings", "search", "section_of", "sections",
    "statements", "totals", "years",
]

#: The length of an item's preview in the tree, in characters.
PREVIEW_CHARS = 80

#: How many tokens a search snippet holds.
SNIPPET_TOKENS = 12

SEARCH_HINT_MESSAGE = (
    "This search could not be run as typed. Try plain words, \"an exact phrase\", word* for "
    "words that start alike, OR between two words, and -word to leave a word out."
)


# -- results ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Totals:
    meetings: int
    sections: int
    statements: int


@dataclass(frozen=True)
class YearNode:
    year: int | None  # None: the meetings without a date
    meetings: int


@dataclass(frozen=True)
class MeetingNode:
    id: int
    title: str
    held_on: str | None
    location: str | None
    kind: str
    sections: int
    statements: int


@dataclass(frozen=True)
class SectionNode:
    id: int
    meeting_id: int
    ordinal: int
    number: str | None
    title: str | None
    items: int
    statements: int


@dataclass(frozen=True)
class ItemNode:
    id: int
    section_id: int
    ordinal: int
    label: str | None
    heading: str | None
    preview: str
    statements: int


@dataclass(frozen=True)
class FacetValue:
    key: int | str
    label: str
    count: int
    parent: int | None = None


@dataclass(frozen=True)
class Facets:
    issues: list[FacetValue]
    people: list[FacetValue]
    countries: list[FacetValue]
    kinds: list[FacetValue]
    date_min: str | None
    date_max: str | None
    tags: list[FacetValue] = field(default_factory=list)  # the user's tags ("My tags")


@dataclass(frozen=True)
class Participant:
    person_id: int
    name: str
    title: str | None
    country: str | None
    role: str  # 'principal' | 'attendee'


@dataclass(frozen=True)
class MeetingDetail:
    id: int
    title: str
    kind: str
    held_on: str | None
    published_on: str | None
    location: str | None
    occasion: str | None
    summary: str
    countries: list[str]
    participants: list[Participant]
    source_path: str
    file_name: str


@dataclass(frozen=True)
class StatementView:
    id: int
    meeting_id: int
    section_id: int
    section_number: str | None
    section_title: str | None
    item_id: int
    item_label: str | None
    item_heading: str | None
    ordinal: int
    speaker_id: int | None
    speaker_name: str | None
    speaker_country: str | None
    is_joint: bool
    text: str
    issues: tuple[str, ...]
    matches: bool


@dataclass(frozen=True)
class SearchHit:
    statement_id: int
    meeting_id: int
    section_id: int
    item_id: int
    meeting_title: str
    held_on: str | None
    speaker_name: str | None
    snippet: str
    rank: float  # FTS5 bm25: lower is better
    is_joint: bool = False  # a joint statement (speaker_name is then None)
    speaker_id: int | None = None  # the speaker's person id (their page)


# -- running a query -------------------------------------------------------------------------

# OperationalErrors that say nothing about the search text: they propagate unchanged.
_NOT_ABOUT_THE_QUERY = ("interrupted", "locked", "busy", "disk i/o", "unable to open",
                        "out of memory", "no such table", "readonly", "read-only")


def _fetch(conn: sqlite3.Connection, sql: str, params: Mapping[str, object], *,
           searching: bool) -> list[Any]:
    """All rows of ``sql``; an FTS5 error in a query with a MATCH becomes a SearchHint."""
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        message = str(exc).lower()
        if searching and not any(words in message for words in _NOT_ABOUT_THE_QUERY):
            raise SearchHint(SEARCH_HINT_MESSAGE) from exc
        raise


def _fetch_filtered(conn: sqlite3.Connection, query: CompiledFilter, sql: str,
                    extra: Mapping[str, object] | None = None) -> list[Any]:
    return _fetch(conn, sql, {**query.params, **(extra or {})}, searching=query.uses_fts)


def _where(conditions: Sequence[str]) -> str:
    return ("WHERE " + " AND ".join(conditions)) if conditions else ""


# -- totals, years, meetings -----------------------------------------------------------------

def totals(conn: sqlite3.Connection, f: Filter) -> Totals:
    """How many meetings, sections and statements the filter shows (for the status bar)."""
    if summary.answers(conn, f):
        return Totals(*summary.totals(conn, f))
    q = CompiledFilter(f)
    if q.has_statement_terms:
        sql = (q.with_clause() + "SELECT count(DISTINCT meeting_id), count(DISTINCT section_id), "
               "count(*) FROM filtered_statements")
    elif q.has_meeting_terms:
        sql = q.with_clause() + """
            SELECT (SELECT count(*) FROM filtered_meetings),
                   (SELECT count(*) FROM sections
                    WHERE meeting_id IN (SELECT id FROM filtered_meetings)),
                   (SELECT count(*) FROM statements
                    WHERE meeting_id IN (SELECT id FROM filtered_meetings))"""
    else:
        sql = ("SELECT (SELECT count(*) FROM meetings), (SELECT count(*) FROM sections), "
               "(SELECT count(*) FROM statements)")
    (meeting_total, section_total, statement_total), = _fetch_filtered(conn, q, sql)
    return Totals(meeting_total, section_total, statement_total)


def years(conn: sqlite3.Connection, f: Filter) -> list[YearNode]:
    """The years holding shown meetings, newest first; undated meetings (year None) last."""
    if summary.answers(conn, f):
        return [YearNode(year, count) for year, count in summary.years(conn, f)]
    q = CompiledFilter(f)
    sql = q.with_clause() + f"""
        SELECT CAST(substr(m.held_on, 1, 4) AS INTEGER) AS year, count(*)
        FROM meetings AS m
        {_where(q.shown_meeting_conditions("m"))}
        GROUP BY year
        ORDER BY year IS NULL, year DESC"""
    return [YearNode(year, count) for year, count in _fetch_filtered(conn, q, sql)]


def meetings(conn: sqlite3.Connection, f: Filter, year: int | None, *, offset: int = 0,
             limit: int = 200) -> list[MeetingNode]:
    """One batch of the shown meetings of ``year`` (None: undated), newest first, by id within
    a day, with their counts of shown sections and matching statements."""
    if summary.answers(conn, f):
        return [MeetingNode(*row) for row in summary.meetings(conn, f, year, offset, limit)]
    q = CompiledFilter(f, Scope.of_year(year))
    page = {"limit": int(limit), "offset": int(offset)}
    if q.has_statement_terms:
        sql = q.with_clause("""counted AS (
                SELECT meeting_id, count(DISTINCT section_id) AS sections, count(*) AS statements
                FROM filtered_statements GROUP BY meeting_id)""") + """
            SELECT m.id, m.title, m.held_on, m.location, m.kind, counted.sections,
                   counted.statements
            FROM counted JOIN meetings AS m ON m.id = counted.meeting_id
            ORDER BY m.held_on DESC, m.id DESC
            LIMIT :limit OFFSET :offset"""
    else:
        # The page first, then the counts of its rows only.
        sql = q.with_clause() + f"""
            SELECT m.id, m.title, m.held_on, m.location, m.kind,
                   (SELECT count(*) FROM sections WHERE sections.meeting_id = m.id),
                   (SELECT count(*) FROM statements WHERE statements.meeting_id = m.id)
            FROM (SELECT id FROM meetings AS m {_where(q.meeting_conditions("m"))}
                  ORDER BY m.held_on DESC, m.id DESC LIMIT :limit OFFSET :offset) AS page
            JOIN meetings AS m ON m.id = page.id
            ORDER BY m.held_on DESC, m.id DESC"""
    return [MeetingNode(*row) for row in _fetch_filtered(conn, q, sql, page)]


def meeting_count(conn: sqlite3.Connection, f: Filter, year: int | None) -> int:
    """How many meetings of ``year`` (None: undated) the filter shows."""
    if summary.answers(conn, f):
        return summary.meeting_count(conn, f, year)
    q = CompiledFilter(f, Scope.of_year(year))
    sql = q.with_clause() + f"""
        SELECT count(*) FROM meetings AS m {_where(q.shown_meeting_conditions("m"))}"""
    return int(_fetch_filtered(conn, q, sql)[0][0])


# -- sections and items ----------------------------------------------------------------------

def sections(conn: sqlite3.Connection, f: Filter, meeting_id: int) -> list[SectionNode]:
    """The shown sections of a meeting, in document order, with shown-item and matching-
    statement counts (empty when the filter hides the meeting)."""
    q = CompiledFilter(f, Scope(meeting_id=meeting_id))
    if q.has_statement_terms:
        sql = q.with_clause("""counted AS (
                SELECT section_id, count(DISTINCT item_id) AS items, count(*) AS statements
                FROM filtered_statements GROUP BY section_id)""") + """
            SELECT sec.id, sec.meeting_id, sec.ordinal, sec.number, sec.title, counted.items,
                   counted.statements
            FROM counted JOIN sections AS sec ON sec.id = counted.section_id
            ORDER BY sec.ordinal"""
    else:
        sql = q.with_clause("""counted AS (
                SELECT section_id, count(*) AS statements FROM statements
                WHERE meeting_id = :f_scope_meeting GROUP BY section_id)""") + """
            SELECT sec.id, sec.meeting_id, sec.ordinal, sec.number, sec.title,
                   (SELECT count(*) FROM items WHERE items.section_id = sec.id),
                   ifnull(counted.statements, 0)
            FROM sections AS sec LEFT JOIN counted ON counted.section_id = sec.id
            WHERE sec.meeting_id IN (SELECT id FROM filtered_meetings)
            ORDER BY sec.ordinal"""
    return [SectionNode(*row) for row in _fetch_filtered(conn, q, sql)]


def items(conn: sqlite3.Connection, f: Filter, section_id: int) -> list[ItemNode]:
    """The shown items of a section, in document order, with matching-statement counts."""
    q = CompiledFilter(f, Scope(section_id=section_id))
    columns = "it.id, it.section_id, it.ordinal, it.label, it.heading, substr(it.text, 1, :chars)"
    extra = {"section": section_id, "chars": PREVIEW_CHARS * 3}
    if q.has_statement_terms:
        sql = q.with_clause("""counted AS (
                SELECT item_id, count(*) AS statements FROM filtered_statements
                GROUP BY item_id)""") + f"""
            SELECT {columns}, counted.statements
            FROM counted JOIN items AS it ON it.id = counted.item_id
            ORDER BY it.ordinal"""
    else:
        # filtered_meetings holds the section's meeting when it passes the meeting terms.
        sql = q.with_clause() + f"""
            SELECT {columns},
                   (SELECT count(*) FROM statements WHERE statements.item_id = it.id)
            FROM items AS it
            WHERE it.section_id = :section AND EXISTS (SELECT 1 FROM filtered_meetings)
            ORDER BY it.ordinal"""
    return [ItemNode(*row[:5], preview(row[5]), row[6])
            for row in _fetch_filtered(conn, q, sql, extra)]


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The start of ``text`` on one line, cut at a word boundary, with "…" if cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def section_of(conn: sqlite3.Connection, section_id: int) -> SectionNode | None:
    """One section with its counts of all items and statements (no filter)."""
    row = conn.execute("""
        SELECT sec.id, sec.meeting_id, sec.ordinal, sec.number, sec.title,
               (SELECT count(*) FROM items WHERE items.section_id = sec.id),
               (SELECT count(*) FROM items JOIN statements ON statements.item_id = items.id
                WHERE items.section_id = sec.id)
        FROM sections AS sec WHERE sec.id = ?""", (section_id,)).fetchone()
    return SectionNode(*row) if row else None


def item_of(conn: sqlite3.Connection, item_id: int) -> ItemNode | None:
    """One item with its count of all statements (no filter)."""
    row = conn.execute("""
        SELECT it.id, it.section_id, it.ordinal, it.label, it.heading, it.text,
               (SELECT count(*) FROM statements WHERE statements.item_id = it.id)
        FROM items AS it WHERE it.id = ?""", (item_id,)).fetchone()
    return ItemNode(*row[:5], preview(row[5]), row[6]) if row else None


# -- facets ----------------------------------------------------------------------------------

def facets(conn: sqlite3.Connection, f: Filter) -> Facets:
    """Facet values with counts under the OTHER active facets (each facet's own selection does
    not narrow its own counts); a selected value is listed even when its count is 0.

    Facets whose counts follow the same filter (all those with nothing selected, typically)
    are counted by one query, which computes the filtered statements once.
    """
    groups: dict[Filter, list[str]] = {}
    for facet in _FACETS:
        groups.setdefault(without_facet(f, facet), []).append(facet)
    counts: dict[str, dict[int | str, int]] = {facet: {} for facet in _FACETS}
    date_min = date_max = None
    for effective, names in groups.items():
        for facet, key, n, last in _facet_counts(conn, effective, names):
            if facet == "dates":
                date_min, date_max = key, last
            else:  # a person's spoken and joint statements come as two rows
                counts[facet][key] = counts[facet].get(key, 0) + n
    return Facets(
        issues=_issue_values(conn, counts["issues"], f.issues),
        people=_people_values(conn, counts["people"], f.people),
        countries=_by_count([FacetValue(c, c, n) for c, n in
                             _with_selected(counts["countries"], f.countries).items()]),
        kinds=_by_count([FacetValue(k, MEETING_KINDS.get(str(k), str(k)), n) for k, n in
                         _with_selected(counts["kinds"], f.kinds).items()]),
        date_min=date_min,
        date_max=date_max,
        tags=_tag_values(conn, without_facet(f, "tags"), f.tags),
    )


_FACETS = ("issues", "people", "countries", "kinds", "dates")


def _facet_counts(conn: sqlite3.Connection, f: Filter, names: Sequence[str]) -> list[Any]:
    """(facet, key, count, extra) rows of the facets ``names`` under ``f``; for "dates" one
    row (dates, min held_on, 0, max held_on)."""
    if summary.answers(conn, f):
        return summary.facet_counts(conn, f, list(names))
    q = CompiledFilter(f)
    statements_source = q.statements_source
    extra_ctes: list[str] = []
    parts: list[str] = []
    if "issues" in names:
        # The closure lists each statement once under each issue it is about, narrower
        # issues' statements under the broader ones included: a plain count is right.
        # Driven by the filtered statements (each a look-up in the closure's primary key),
        # not by a scan of the whole closure probing each row against them.
        source = ("statement_issue_closure AS closure" if statements_source == "statements" else
                  f"{statements_source} AS s CROSS JOIN statement_issue_closure AS closure "
                  "ON closure.statement_id = s.id")
        parts.append(f"""
            SELECT 'issues', closure.issue_id, count(*), NULL
            FROM {source}
            GROUP BY closure.issue_id""")
    if "people" in names:
        # Spoken statements (in index order when nothing narrows statements), then each
        # principal's share of the joint statements of their meetings, counted per meeting
        # first.
        parts.append(f"""
            SELECT 'people', s.speaker_id, count(*), NULL FROM {statements_source} AS s
            WHERE s.speaker_id IS NOT NULL GROUP BY s.speaker_id""")
        parts.append(f"""
            SELECT 'people', principal.person_id, sum(joint.statements), NULL
            FROM (SELECT s.meeting_id, count(*) AS statements FROM {statements_source} AS s
                  WHERE s.is_joint = 1 GROUP BY s.meeting_id) AS joint
            JOIN participants AS principal
              ON principal.meeting_id = joint.meeting_id AND principal.role = 'principal'
            GROUP BY principal.person_id""")
    meeting_facets = [name for name in names if name in ("countries", "kinds", "dates")]
    if meeting_facets:
        if q.has_statement_terms:
            extra_ctes.append("shown_meetings(id) AS ("
                              "SELECT DISTINCT meeting_id FROM filtered_statements)")
            shown = "shown_meetings"
        else:
            shown = q.meetings_source
        where = "" if shown == "meetings" else f"WHERE m.id IN (SELECT id FROM {shown})"
        if "countries" in names:
            where_mc = "" if shown == "meetings" else (
                f"WHERE mc.meeting_id IN (SELECT id FROM {shown})")
            parts.append(f"""
                SELECT 'countries', mc.country, count(*), NULL FROM meeting_countries AS mc
                {where_mc} GROUP BY mc.country""")
        if "kinds" in names:
            parts.append(f"""
                SELECT 'kinds', m.kind, count(*), NULL FROM meetings AS m {where}
                GROUP BY m.kind""")
        if "dates" in names:
            parts.append(f"""
                SELECT 'dates', min(m.held_on), 0, max(m.held_on) FROM meetings AS m {where}""")
    sql = q.with_clause(*extra_ctes) + "\nUNION ALL".join(parts)
    return _fetch_filtered(conn, q, sql)


def _tag_values(conn: sqlite3.Connection, f: Filter, selected: frozenset[int]
                ) -> list[FacetValue]:
    """Every tag of the user's, with its matching statements under ``f`` (tagged themselves or
    in a tagged item, section or meeting). Driven by the tagged statements, a few thousand at
    most, each checked against the filter; tags are listed by name, so they stay in place."""
    q = CompiledFilter(f, Scope(row_by_row=True))
    conditions = [*q.statement_conditions("s", meetings=False), *q.meeting_conditions("m")]
    sql = q.with_clause() + f"""
        SELECT tagged.tag_id, count(*)
        FROM user_tagged_statements AS tagged
        CROSS JOIN statements AS s ON s.id = tagged.statement_id
        CROSS JOIN meetings AS m ON m.id = s.meeting_id
        {_where(conditions)}
        GROUP BY tagged.tag_id"""
    counts = dict(_fetch_filtered(conn, q, sql))
    tags = conn.execute("SELECT id, name FROM user_tags").fetchall()
    known = {tag_id for tag_id, _name in tags}
    values = [FacetValue(tag_id, name, counts.get(tag_id, 0)) for tag_id, name in tags]
    values += [FacetValue(tag_id, f"tag {tag_id} (deleted)", 0) for tag_id in selected - known]
    return sorted(values, key=lambda v: (v.label.casefold(), str(v.key)))


def _with_selected(counts: dict, selected: frozenset) -> dict:
    return {**{value: 0 for value in selected}, **counts}


def _by_count(values: list[FacetValue]) -> list[FacetValue]:
    return sorted(values, key=lambda v: (-v.count, v.label.casefold(), str(v.key)))


def _issue_values(conn: sqlite3.Connection, counts: dict[int | str, int],
                  selected: frozenset[int]) -> list[FacetValue]:
    catalogue = {row[0]: (row[1], row[2])
                 for row in conn.execute("SELECT id, name, parent_id FROM issues")}
    listed: set[int] = set()
    for issue_id in [*counts, *selected]:
        # The issue and its broader issues, so that the sidebar can build the tree.
        while issue_id in catalogue and issue_id not in listed:
            listed.add(issue_id)
            issue_id = catalogue[issue_id][1]
    return _by_count([
        FacetValue(issue_id, catalogue[issue_id][0], counts.get(issue_id, 0),
                   catalogue[issue_id][1])
        for issue_id in listed
    ])


def _people_values(conn: sqlite3.Connection, counts: dict[int | str, int],
                   selected: frozenset[int]) -> list[FacetValue]:
    wanted = sorted({*counts, *selected})
    if not wanted:
        return []
    # Through json_each: one parameter however many people the archive names.
    names = conn.execute(
        "SELECT id, name, country FROM people WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(wanted),)).fetchall()
    return _by_count([FacetValue(pid, _person_label(name, country), counts.get(pid, 0))
                      for pid, name, country in names])


def _person_label(name: str, country: str | None) -> str:
    return f"{name} ({country})" if country else name


# -- one meeting -----------------------------------------------------------------------------

def meeting_detail(conn: sqlite3.Connection, meeting_id: int) -> MeetingDetail | None:
    """The meeting's header: dates, place, countries, principals then attendees, source."""
    row = conn.execute("""
        SELECT m.id, m.title, m.kind, m.held_on, m.published_on, m.location, m.occasion,
               m.summary, d.source_path, d.file_name
        FROM meetings AS m JOIN documents AS d ON d.id = m.document_id
        WHERE m.id = ?""", (meeting_id,)).fetchone()
    if row is None:
        return None
    countries = [country for country, in conn.execute(
        "SELECT country FROM meeting_countries WHERE meeting_id = ? ORDER BY ordinal",
        (meeting_id,))]
    participants = [Participant(*p) for p in conn.execute("""
        SELECT people.id, people.name, pt.title, coalesce(pt.side, people.country), pt.role
        FROM participants AS pt JOIN people ON people.id = pt.person_id
        WHERE pt.meeting_id = ?
        ORDER BY pt.role = 'attendee', pt.ordinal""", (meeting_id,))]
    return MeetingDetail(*row[:8], countries=countries, participants=participants,
                         source_path=row[8], file_name=row[9])


def statements(conn: sqlite3.Connection, f: Filter, *, meeting_id: int | None = None,
               section_id: int | None = None, item_id: int | None = None,
               ) -> list[StatementView]:
    """All statements of one meeting, section or item (give exactly one), in document order;
    ``matches`` marks those matching the filter's statement terms (all, when it has none)."""
    if sum(node is not None for node in (meeting_id, section_id, item_id)) != 1:
        raise ValueError("statements() needs exactly one of meeting_id, section_id, item_id")
    scope = Scope(meeting_id=meeting_id, section_id=section_id, item_id=item_id)
    q = CompiledFilter(statement_terms_only(f), scope)
    if item_id is not None:
        node, node_id = "s.item_id = :node", item_id
    elif section_id is not None:
        node, node_id = "it.section_id = :node", section_id
    else:
        node, node_id = "s.meeting_id = :node", meeting_id
    matches = "s.id IN (SELECT id FROM filtered_statements)" if q.has_statement_terms else "1"
    sql = q.with_clause() + f"""
        SELECT s.id, sec.meeting_id, sec.id, sec.number, sec.title, it.id, it.label, it.heading,
               s.ordinal, s.speaker_id, speaker.name,
               coalesce(side.side, speaker.country), s.is_joint, s.text,
               (SELECT json_group_array(name) FROM (
                    SELECT issues.name FROM statement_issues
                    JOIN issues ON issues.id = statement_issues.issue_id
                    WHERE statement_issues.statement_id = s.id ORDER BY issues.id)),
               {matches}
        FROM statements AS s
        JOIN items AS it ON it.id = s.item_id
        JOIN sections AS sec ON sec.id = it.section_id
        LEFT JOIN people AS speaker ON speaker.id = s.speaker_id
        LEFT JOIN participants AS side
          ON side.meeting_id = sec.meeting_id AND side.person_id = s.speaker_id
        WHERE {node}
        ORDER BY sec.ordinal, it.ordinal, s.ordinal"""
    rows = _fetch_filtered(conn, q, sql, {"node": node_id})
    return [StatementView(*row[:12], is_joint=bool(row[12]), text=row[13],
                          issues=tuple(json.loads(row[14])), matches=bool(row[15]))
            for row in rows]


# -- search ----------------------------------------------------------------------------------

def search(conn: sqlite3.Connection, f: Filter, *, limit: int = 50,
           order: str = "rank") -> list[SearchHit]:
    """The best ``limit`` statements for the search text (bm25) among those matching ``f``,
    each with a snippet marking the matched words with "\\x02" ... "\\x03".

    ``order="newest"`` gives the most recently stored matches instead (highest statement id
    first): FTS5 reads them from its index in rowid order and stops after ``limit``, where
    ranking must score every match first — the quick first answer for a very common word.
    """
    if order not in ("rank", "newest"):
        raise ValueError(f"order must be 'rank' or 'newest', not {order!r}")
    # The full-text match picks the rows; the other terms are checked on each of them (a set
    # of every statement about a broad issue would cost more than the search).
    q = CompiledFilter(f, Scope(row_by_row=True))
    if q.fts is None:
        return []
    conditions = [
        "statements_fts MATCH :f_fts",
        *q.statement_conditions("s", text=False, meetings=False),
        *q.meeting_conditions("m"),
    ]
    # rowid is s.id; ordering by the FTS table's own rowid lets FTS5 consume the ORDER BY.
    ordering = "score, s.id" if order == "rank" else "statements_fts.rowid DESC"
    sql = q.with_clause() + f"""
        SELECT s.id, s.meeting_id, s.section_id, s.item_id, m.title, m.held_on, speaker.name,
               snippet(statements_fts, 0, char(2), char(3), '…', :tokens) AS snippet,
               bm25(statements_fts) AS score, s.is_joint, s.speaker_id
        FROM statements_fts
        JOIN statements AS s ON s.id = statements_fts.rowid
        JOIN meetings AS m ON m.id = s.meeting_id
        LEFT JOIN people AS speaker ON speaker.id = s.speaker_id
        {_where(conditions)}
        ORDER BY {ordering}
        LIMIT :limit"""
    rows = _fetch_filtered(conn, q, sql, {"limit": int(limit), "tokens": SNIPPET_TOKENS})
    return [SearchHit(*row[:9], is_joint=bool(row[9]), speaker_id=row[10]) for row in rows]


_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


def highlight_terms(text: str) -> list[str]:
    """The words and "phrases" of the search box to highlight in the detail pane: as the
    search understands them (punctuation dropped, phrase words joined by one space, no '*'),
    without operators and without -excluded words; each once, in the order typed."""
    terms: dict[str, str] = {}
    for match in _TOKEN.finditer(text):
        phrase, word = match.group(1), match.group(2)
        if phrase is None:
            if word in _OPERATORS or word.startswith("-") or word.upper().startswith("NEAR("):
                continue
            words = _WORD.findall(word)
        else:
            words = _WORD.findall(phrase)
        if words:
            term = " ".join(words)
            terms.setdefault(term.casefold(), term)
    return list(terms.values())


def highlight_pattern(text: str) -> re.Pattern[str] | None:
    """A case-insensitive pattern finding :func:`highlight_terms` in statement text, or None.

    Each term matches at a word start and runs to the end of its last word, so "launch" also
    marks "launches" and "launch*" marks "launched" (as the search's stemming and prefixes
    found them); the words of a phrase may be separated by any punctuation ("Japan-ROK").
    """
    terms = highlight_terms(text)
    if not terms:
        return None
    alternatives = [r"\W+".join(re.escape(w) for w in term.split(" ")) + r"\w*"
                    for term in sorted(terms, key=len, reverse=True)]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


# -- the filter in words ---------------------------------------------------------------------

def filter_description(conn: sqlite3.Connection, f: Filter) -> str:
    """:func:`describe_filter` with the names of the filter's issues and people looked up."""
    issue_names: dict[int, str] = {}
    person_names: dict[int, str] = {}
    if f.issues:
        ids = sorted(f.issues)
        issue_names = dict(conn.execute(
            f"SELECT id, name FROM issues WHERE id IN ({', '.join('?' * len(ids))})", ids))
    if f.people:
        ids = sorted(f.people)
        person_names = dict(conn.execute(
            f"SELECT id, name FROM people WHERE id IN ({', '.join('?' * len(ids))})", ids))
    tag_names: dict[int, str] = {}
    if f.tags:
        ids = sorted(f.tags)
        tag_names = dict(conn.execute(
            f"SELECT id, name FROM user_tags WHERE id IN ({', '.join('?' * len(ids))})", ids))
    return describe_filter(f, issue_names=issue_names, person_names=person_names,
                           tag_names=tag_names)
