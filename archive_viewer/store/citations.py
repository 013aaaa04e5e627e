"""What a citation of a meeting, section, item or statement says, read from the archive. No Qt.

The issuing body and the URL are not columns of the archive: they are derived each time from
what it keeps (archive_viewer/provenance.py), so that a better derivation applies to every
record at once, and no migration is needed to cite.
"""
from __future__ import annotations

import sqlite3

from archive_viewer import provenance
from archive_viewer.citation import CitationFacts
from archive_viewer.store.node_ids import identifier_for

_NODE = {
    # kind -> (meeting id, section id, item id) of the row
    "meeting": "SELECT ?, NULL, NULL",
    "section": "SELECT meeting_id, id, NULL FROM sections WHERE id = ?",
    "item": "SELECT sec.meeting_id, sec.id, it.id FROM items AS it "
            "JOIN sections AS sec ON sec.id = it.section_id WHERE it.id = ?",
    "statement": "SELECT meeting_id, section_id, item_id FROM statements WHERE id = ?",
}


def citation_facts(conn: sqlite3.Connection, kind: str, row_id: int) -> CitationFacts | None:
    """The facts to cite a node by; None when it is not in the archive."""
    if kind not in _NODE:
        raise ValueError(f"kind must be one of {tuple(_NODE)}, not {kind!r}")
    place = conn.execute(_NODE[kind], (row_id,)).fetchone()
    identifier = identifier_for(conn, kind, row_id)
    if place is None or identifier is None:
        return None
    meeting_id, section_id, item_id = place
    row = conn.execute("""
        SELECT m.title, m.published_on, m.held_on, d.source_path, d.file_name, d.format,
               substr(d.raw_text, 1, :head),
               (SELECT coalesce(p.side, people.country) FROM participants AS p
                JOIN people ON people.id = p.person_id
                WHERE p.meeting_id = m.id AND p.role = 'principal'
                ORDER BY p.ordinal LIMIT 1)
        FROM meetings AS m JOIN documents AS d ON d.id = m.document_id
        WHERE m.id = :meeting""", {"meeting": meeting_id,
                                   "head": provenance.HEAD_CHARS}).fetchone()
    title, published_on, held_on, source_path, file_name, fmt, head, side = row
    html = fmt == "html"
    section = (conn.execute("SELECT number, title FROM sections WHERE id = ?",
                            (section_id,)).fetchone() if section_id is not None else None)
    item = (conn.execute("SELECT label, ordinal FROM items WHERE id = ?",
                         (item_id,)).fetchone() if item_id is not None else None)
    return CitationFacts(
        identifier=str(identifier),
        kind=kind,
        title=title,
        issuer=provenance.issuing_body(source_path=source_path, head=head, html=html,
                                       first_principal_side=side),
        published_on=published_on,
        held_on=held_on,
        url=provenance.source_url(source_path, head, html=html),
        file_name=file_name,
        section_number=section[0] if section else None,
        section_title=section[1] if section else None,
        item_label=item[0] if item else None,
        item_ordinal=item[1] if item else None,
    )
