"""Writing a parsed document into the archive, and deleting one. Callers own the transaction."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from archive_viewer.ingest.model import JOINT, Item, Meeting, Section, Statement
from archive_viewer.store.issues import IssueResolver, delete_orphan_document_issues
from archive_viewer.store.people import (
    Mentions,
    delete_orphan_people,
    find_or_create_person,
    person_ids_for_meeting,
)


@dataclass(frozen=True)
class DocumentRecord:
    """The ``documents`` row of an imported file."""

    source_path: str
    file_name: str
    sha256: str
    format: str  # 'text' | 'html'
    size_bytes: int
    raw_text: str
    imported_at: str  # ISO-8601, UTC


def write_meeting(conn: sqlite3.Connection, meeting: Meeting, document: DocumentRecord) -> int:
    """Insert ``document`` and everything parsed from it; return the new document id.

    Must run inside a write transaction (the caller commits or rolls back), so that a failure
    at any step leaves nothing of the document behind.
    """
    if not conn.in_transaction:
        raise RuntimeError("write_meeting must run inside a transaction")
    document_id = _insert_document(conn, document)
    meeting_id = _insert_meeting(conn, meeting, document_id)
    issues = IssueResolver(conn)
    people = _insert_participants(conn, meeting, meeting_id)
    for ordinal, section in enumerate(meeting.sections, start=1):
        _insert_section(conn, section, meeting_id, ordinal, issues, people)
    _link_issues(conn, "meeting_issues", meeting_id, issues.ids(meeting.issues))
    people.mentions.write(conn, meeting_id)
    return document_id


def delete_document(conn: sqlite3.Connection, document_id: int) -> None:
    """Delete a document and, by cascade, its meeting; then people and issues left orphaned."""
    conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
    delete_orphan_people(conn)
    delete_orphan_document_issues(conn)


def _insert_document(conn: sqlite3.Connection, document: DocumentRecord) -> int:
    cursor = conn.execute(
        """
        INSERT INTO documents (source_path, file_name, sha256, format, size_bytes, raw_text,
                               imported_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        (document.source_path, document.file_name, document.sha256, document.format,
         document.size_bytes, document.raw_text, document.imported_at),
    )
    return int(cursor.lastrowid)  # type: ignore[arg-type]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _insert_meeting(conn: sqlite3.Connection, meeting: Meeting, document_id: int) -> int:
    cursor = conn.execute(
        """
        INSERT INTO meetings (document_id, title, kind, published_on, held_on, location,
                              occasion, summary)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (document_id, meeting.title, meeting.kind, _iso(meeting.published_on),
         _iso(meeting.held_on), meeting.location, meeting.occasion, meeting.summary or ""),
    )
    meeting_id = int(cursor.lastrowid)  # type: ignore[arg-type]
    countries = list(dict.fromkeys(c.strip() for c in meeting.countries if c.strip()))
    conn.executemany(
        "INSERT INTO meeting_countries (meeting_id, ordinal, country) VALUES (?, ?, ?)",
        [(meeting_id, ordinal, country) for ordinal, country in enumerate(countries, start=1)],
    )
    return meeting_id


class _Speakers:
    """Statement speaker names to person ids; a name the introduction lacks becomes a person.
    Every person of the meeting is noted in ``mentions`` under the spelling used."""

    def __init__(self, conn: sqlite3.Connection, known: dict[str, int], mentions: Mentions) -> None:
        self._conn = conn
        self._ids = dict(known)
        self.mentions = mentions

    def id_for(self, speaker: str) -> int:
        if speaker not in self._ids:
            person_id = find_or_create_person(self._conn, speaker, None)
            self._ids[speaker] = person_id
            self.mentions.add(person_id, speaker, None)
        return self._ids[speaker]


def _insert_participants(conn: sqlite3.Connection, meeting: Meeting, meeting_id: int) -> _Speakers:
    mentions = Mentions()
    ids = person_ids_for_meeting(conn, meeting.people, mentions)
    seen: set[int] = set()
    ordinal = 0
    for person in meeting.people:
        person_id = ids[person.name]
        if person_id in seen:  # the same person listed twice: keep the first listing
            continue
        seen.add(person_id)
        ordinal += 1
        conn.execute(
            """
            INSERT INTO participants (meeting_id, person_id, ordinal, role, title, side)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            (meeting_id, person_id, ordinal, person.role, person.title, person.country),
        )
    return _Speakers(conn, ids, mentions)


def _insert_section(conn: sqlite3.Connection, section: Section, meeting_id: int, ordinal: int,
                    issues: IssueResolver, speakers: _Speakers) -> None:
    cursor = conn.execute(
        "INSERT INTO sections (meeting_id, ordinal, number, title) VALUES (?, ?, ?, ?)",
        (meeting_id, ordinal, section.number, section.title),
    )
    section_id = int(cursor.lastrowid)  # type: ignore[arg-type]
    _link_issues(conn, "section_issues", section_id, issues.ids(section.issues))
    for item_ordinal, item in enumerate(section.items, start=1):
        _insert_item(conn, item, meeting_id, section_id, item_ordinal, issues, speakers)


def _insert_item(conn: sqlite3.Connection, item: Item, meeting_id: int, section_id: int, ordinal: int,
                 issues: IssueResolver, speakers: _Speakers) -> None:
    cursor = conn.execute(
        "INSERT INTO items (section_id, ordinal, label, heading, text) VALUES (?, ?, ?, ?, ?)",
        (section_id, ordinal, item.label, item.heading, item.text),
    )
    item_id = int(cursor.lastrowid)  # type: ignore[arg-type]
    for statement_ordinal, statement in enumerate(item.statements, start=1):
        _insert_statement(conn, statement, (meeting_id, section_id, item_id), statement_ordinal,
                          issues, speakers)


def _insert_statement(conn: sqlite3.Connection, statement: Statement, place: tuple[int, int, int],
                      ordinal: int, issues: IssueResolver, speakers: _Speakers) -> None:
    is_joint = statement.speaker == JOINT
    speaker_id = speakers.id_for(statement.speaker) if statement.speaker and not is_joint else None
    meeting_id, section_id, item_id = place
    # meeting_id and section_id given here spare the schema-v2 trigger its look-up.
    cursor = conn.execute(
        """
        INSERT INTO statements (meeting_id, section_id, item_id, ordinal, speaker_id, is_joint, text)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        (meeting_id, section_id, item_id, ordinal, speaker_id, int(is_joint), statement.text),
    )
    statement_id = int(cursor.lastrowid)  # type: ignore[arg-type]
    _link_issues(conn, "statement_issues", statement_id, issues.ids(statement.issues))


_LINK_INSERTS = {
    "meeting_issues": "INSERT INTO meeting_issues (meeting_id, issue_id) VALUES (?, ?)",
    "section_issues": "INSERT INTO section_issues (section_id, issue_id) VALUES (?, ?)",
    "statement_issues": "INSERT INTO statement_issues (statement_id, issue_id) VALUES (?, ?)",
}


def _link_issues(conn: sqlite3.Connection, table: str, owner_id: int,
                 issue_ids: list[int]) -> None:
    if issue_ids:  # most statements name no issue: spare the call
        conn.executemany(_LINK_INSERTS[table], [(owner_id, issue_id) for issue_id in issue_ids])
