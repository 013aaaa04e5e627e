"""What an exported PDF holds, read from the archive. No Qt.

An export is a list of parts, each one meeting's header with one section, one item or the
whole meeting's statements. Exporting a filter gives one part per matching section.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from archive_viewer.statement_html import section_heading
from archive_viewer.store import named_filter, queries
from archive_viewer.store.filters import Filter

NODE_KINDS = ("meeting", "section", "item")


class ExportError(Exception):
    """The export could not be done; the message says what happened and what to do."""


@dataclass(frozen=True)
class ExportPart:
    kind: str  # 'meeting' | 'section' | 'item'
    meeting: queries.MeetingDetail
    statements: list[queries.StatementView]
    section: queries.SectionNode | None = None
    item: queries.ItemNode | None = None
    issues: list[str] = field(default_factory=list)  # of the statements, in order of first use

    @property
    def heading(self) -> str:
        """The section's heading (for the contents page), or the meeting's title."""
        if self.section is None:
            return self.meeting.title
        return section_heading(self.section.number, self.section.title) or "Statements"


def load_node_parts(conn: sqlite3.Connection, kind: str, node_id: int) -> list[ExportPart]:
    """The one part for a meeting, section or item; ExportError when it is not in the archive."""
    if kind not in NODE_KINDS:
        raise ExportError(f"A {kind} cannot be exported; choose a meeting, section or item.")
    item = section = None
    if kind == "item":
        item = queries.item_of(conn, node_id)
        if item is None:
            raise ExportError(f"There is no item {node_id} in this archive.")
        section_id = item.section_id
    else:
        section_id = node_id
    if kind in ("section", "item"):
        section = queries.section_of(conn, section_id)
        if section is None:
            raise ExportError(f"There is no section {node_id} in this archive.")
        meeting_id = section.meeting_id
    else:
        meeting_id = node_id
    meeting = queries.meeting_detail(conn, meeting_id)
    if meeting is None:
        raise ExportError(f"There is no meeting {node_id} in this archive.")
    ids = {"meeting": {"meeting_id": meeting_id}, "section": {"section_id": section_id},
           "item": {"item_id": node_id}}[kind]
    statements = queries.statements(conn, Filter(), **ids)
    return [_part(kind, meeting, statements, section, item)]


def load_filter_parts(conn: sqlite3.Connection, f: Filter, *,
                      limit: int | None = None) -> list[ExportPart]:
    """One part per section matching ``f``: meetings newest first, sections in document order.

    The statements are the whole section's (a citation needs the context); those matching the
    filter's statement terms are marked by ``matches``.
    """
    parts: list[ExportPart] = []
    for year in queries.years(conn, f):
        offset = 0
        while True:
            batch = queries.meetings(conn, f, year.year, offset=offset, limit=200)
            for node in batch:
                meeting = queries.meeting_detail(conn, node.id)
                if meeting is None:
                    continue
                for section in queries.sections(conn, f, node.id):
                    statements = queries.statements(conn, f, section_id=section.id)
                    parts.append(_part("section", meeting, statements, section, None))
                    if limit is not None and len(parts) >= limit:
                        return parts
            if len(batch) < 200:
                break
            offset += len(batch)
    return parts


def issue_id(conn: sqlite3.Connection, name: str) -> int:
    """The id of the issue called ``name`` (or one of its synonyms, ignoring case)."""
    try:
        return named_filter.issue_id(conn, name)
    except named_filter.UnknownName:
        raise ExportError(f"No issue called {name!r} in this archive "
                          "(see resources/issues.toml for the names).") from None


def _part(kind: str, meeting: queries.MeetingDetail, statements: list[queries.StatementView],
          section: queries.SectionNode | None, item: queries.ItemNode | None) -> ExportPart:
    issues = list(dict.fromkeys(issue for s in statements for issue in s.issues))
    return ExportPart(kind, meeting, statements, section, item, issues)
