"""Read-only queries the first window needs, over the archive schema in db/. No Qt.

A stopgap for the first window: the full query layer lives in archive_viewer.store and
replaces this module when the tree model arrives.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path


class ArchiveReadError(Exception):
    """The archive could not be read; the message is meant for the user."""


@dataclass(frozen=True)
class MeetingRow:
    id: int
    title: str
    held_on: str | None
    published_on: str | None
    location: str | None
    occasion: str | None
    summary: str
    statement_count: int

    @property
    def date(self) -> str | None:
        return self.held_on or self.published_on


@dataclass(frozen=True)
class SectionRow:
    id: int
    meeting_id: int
    number: str | None
    title: str | None
    statement_count: int

    @property
    def heading(self) -> str:
        title = self.title or "(untitled section)"
        return f"{self.number}. {title}" if self.number else title


@dataclass(frozen=True)
class ParticipantRow:
    name: str
    title: str | None
    side: str | None
    role: str


@dataclass(frozen=True)
class StatementRow:
    section_id: int
    item_label: str | None
    first_in_item: bool
    speaker: str | None  # the person's name; None when the text names no speaker
    is_joint: bool
    text: str


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection (``mode=ro``): this window never writes to the archive."""
    if not path.is_file():
        raise ArchiveReadError(f"{path} does not exist")
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM meetings").fetchone()
    except sqlite3.Error as exc:
        raise ArchiveReadError(f"{path} cannot be read as an archive ({exc})") from None
    return conn


def archive_counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """(meetings, statements) in the archive."""
    meetings = conn.execute("SELECT count(*) FROM meetings").fetchone()[0]
    statements = conn.execute("SELECT count(*) FROM statements").fetchone()[0]
    return int(meetings), int(statements)


def list_meetings(conn: sqlite3.Connection) -> list[MeetingRow]:
    """Every meeting, oldest first (undated last), with its statement count."""
    rows = conn.execute(
        """
        SELECT m.id, m.title, m.held_on, m.published_on, m.location, m.occasion, m.summary,
               (SELECT count(*) FROM statements s
                  JOIN items i ON i.id = s.item_id
                  JOIN sections se ON se.id = i.section_id
                 WHERE se.meeting_id = m.id)
          FROM meetings m
         ORDER BY coalesce(m.held_on, m.published_on) IS NULL,
                  coalesce(m.held_on, m.published_on), m.id
        """
    ).fetchall()
    return [MeetingRow(*row) for row in rows]


def list_sections(conn: sqlite3.Connection) -> dict[int, list[SectionRow]]:
    """Every meeting's sections in document order, with statement counts, by meeting id."""
    rows = conn.execute(
        """
        SELECT se.id, se.meeting_id, se.number, se.title, count(s.id)
          FROM sections se
          LEFT JOIN items i ON i.section_id = se.id
          LEFT JOIN statements s ON s.item_id = i.id
         GROUP BY se.id
         ORDER BY se.meeting_id, se.ordinal
        """
    ).fetchall()
    sections: dict[int, list[SectionRow]] = {}
    for row in rows:
        section = SectionRow(*row)
        sections.setdefault(section.meeting_id, []).append(section)
    return sections


def meeting_participants(conn: sqlite3.Connection, meeting_id: int) -> list[ParticipantRow]:
    rows = conn.execute(
        """
        SELECT p.name, pa.title, pa.side, pa.role
          FROM participants pa JOIN people p ON p.id = pa.person_id
         WHERE pa.meeting_id = ?
         ORDER BY pa.role != 'principal', pa.ordinal
        """,
        (meeting_id,),
    ).fetchall()
    return [ParticipantRow(*row) for row in rows]


def statements_of(conn: sqlite3.Connection, *, meeting_id: int | None = None,
                  section_id: int | None = None) -> list[StatementRow]:
    """The statements of one section, or of a whole meeting, in document order."""
    if (meeting_id is None) == (section_id is None):
        raise ValueError("give exactly one of meeting_id and section_id")
    where, key = ("se.meeting_id = ?", meeting_id) if section_id is None else ("se.id = ?", section_id)
    rows = conn.execute(
        f"""
        SELECT se.id, i.label, s.ordinal = min(s.ordinal) OVER (PARTITION BY i.id),
               p.name, s.is_joint, s.text
          FROM statements s
          JOIN items i ON i.id = s.item_id
          JOIN sections se ON se.id = i.section_id
          LEFT JOIN people p ON p.id = s.speaker_id
         WHERE {where}
         ORDER BY se.ordinal, i.ordinal, s.ordinal
        """,
        (key,),
    ).fetchall()
    return [
        StatementRow(section_id, label, bool(first), speaker, bool(joint), text)
        for section_id, label, first, speaker, joint, text in rows
    ]
